// SPDX-License-Identifier: GPL-2.0
/*
 * sks - objects (keys and data): their lifecycle, attributes, lookup and
 * their record form in blobs and archives. Using keys is in keyuse.c, the
 * usage ledger of usage-limited keys in ledger.c.
 */

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "blob_codec.h"
#include "sks.h"

static_assert(SKS_BLOB_LABEL_MAX == SKS_OBJ_LABEL_MAX);
static_assert(SKS_BLOB_ID_MAX == SKS_OBJ_ID_MAX);

/* ---- objects ---- */

static void sks_object_release(struct kref *ref)
{
	struct sks_object *obj = container_of(ref, struct sks_object, ref);
	unsigned int i;

	if (obj->obj_class == SKS_CKO_SECRET_KEY &&
	    obj->key_type == SKS_CKK_AES)
		sks_gcm_put(obj->aead);
	else if (obj->obj_class == SKS_CKO_SECRET_KEY)
		for (i = 0; i < ARRAY_SIZE(obj->hmac); i++)
			sks_hmac_put(i, obj->hmac[i]);
	if (obj->bound)
		sks_ledger_put(obj->usage);
	kfree_sensitive(obj);	/* wipes label, id, value and key id */
}

/**
 * sks_object_put() - drop an object reference; the last one wipes it.
 * @obj: object or NULL.
 *
 * Context: process context.
 */
void sks_object_put(struct sks_object *obj)
{
	if (obj)
		kref_put(&obj->ref, sks_object_release);
}

/**
 * sks_object_use_count() - the uses counted for an object's key so far.
 * @obj: the object.
 *
 * Context: any.
 * Return: the count (of every copy of the key, for a usage-limited key
 * bound to its ledger entry).
 */
u64 sks_object_use_count(const struct sks_object *obj)
{
	if (obj->bound)
		return atomic64_read(&obj->usage->count);
	return atomic64_read(&obj->usage_count);
}

/**
 * sks_object_attrs() - the attributes of an object, as user space sees them.
 * @obj: the object.
 * @a: out: attributes (usage_count read atomically).
 *
 * Context: any.
 */
void sks_object_attrs(const struct sks_object *obj, struct sks_obj_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->obj_class = obj->obj_class;
	a->key_type = obj->key_type;
	a->flags = obj->flags;
	a->value_len = obj->value_len;
	a->usage_limit = obj->usage_limit;
	a->usage_count = sks_object_use_count(obj);
	a->label_len = obj->label_len;
	a->id_len = obj->id_len;
	memcpy(a->label, sks_obj_label(obj), obj->label_len);
	memcpy(a->id, sks_obj_id(obj), obj->id_len);
}

/**
 * sks_check_bytes() - check a length-prefixed byte field of a struct.
 * @buf: the field, @max bytes.
 * @len: the bytes used.
 * @max: its size.
 *
 * Context: any.
 * Return: 0, or -EINVAL if @len exceeds @max or a byte after @len is set.
 */
int sks_check_bytes(const u8 *buf, u32 len, u32 max)
{
	if (len > max)
		return -EINVAL;
	return memchr_inv(buf + len, 0, max - len) ? -EINVAL : 0;
}

/*
 * The attributes of an EC key: a private key signs and derives, a public
 * key verifies; the value's length says the curve (SKS_EC_*). A public key
 * may carry CKA_DERIVE too, as PKCS#11 allows on any key and pkcs11-tool
 * asks by default; it derives nothing (ECDH's base key is the private key).
 */
static int sks_object_validate_ec(const struct sks_obj_attrs *a, u32 *ckr)
{
	const u32 cipher = SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
	bool priv = a->obj_class == SKS_CKO_PRIVATE_KEY;

	if (a->key_type != SKS_CKK_EC)
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	if (!sks_ec_curve_of(a->obj_class, a->value_len))
		return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
	if (a->flags & cipher)
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	if (priv && (a->flags & SKS_OBJ_VERIFY))
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	if (!priv && ((a->flags & (SKS_OBJ_SIGN | SKS_OBJ_SENSITIVE)) ||
		      a->usage_limit))
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	return 0;
}

/**
 * sks_object_validate() - check the attributes of a new object.
 * @slot: partition the object goes to.
 * @a: attributes.
 * @insert: the attributes come from an SKS blob (usage_count kept).
 * @ckr: out: result code.
 *
 * Context: any (reads only immutable slot fields).
 * Return: 0 or -EINVAL with CKR_ARGUMENTS_BAD (label/id encoding),
 * CKR_ATTRIBUTE_VALUE_INVALID, CKR_ATTRIBUTE_READ_ONLY,
 * CKR_KEY_SIZE_RANGE or CKR_TEMPLATE_INCONSISTENT.
 */
int sks_object_validate(struct sks_slot *slot, const struct sks_obj_attrs *a,
			bool insert, u32 *ckr)
{
	const u32 cipher = SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
	const u32 mac = SKS_OBJ_SIGN | SKS_OBJ_VERIFY;

	if (sks_check_bytes(a->label, a->label_len, SKS_OBJ_LABEL_MAX) ||
	    sks_check_bytes(a->id, a->id_len, SKS_OBJ_ID_MAX))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (a->flags & ~SKS_OBJ_FLAGS_ALL)
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	if (!insert && a->usage_count)
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_READ_ONLY);
	if ((a->flags & SKS_OBJ_TOKEN) && slot->type != SKS_SLOT_V0)
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);

	switch (a->obj_class) {
	case SKS_CKO_DATA:
		if (a->key_type != SKS_CKK_NONE)
			return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
		if (a->value_len > SKS_MAX_DATA_SIZE)
			return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
		if (a->flags & (cipher | mac | SKS_OBJ_SENSITIVE |
				SKS_OBJ_DERIVE) || a->usage_limit)
			return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
		return 0;
	case SKS_CKO_SECRET_KEY:
		break;
	case SKS_CKO_PRIVATE_KEY:
	case SKS_CKO_PUBLIC_KEY:
		return sks_object_validate_ec(a, ckr);
	default:
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	}

	if (a->flags & SKS_OBJ_DERIVE)	/* no secret key derives here */
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	switch (a->key_type) {
	case SKS_CKK_AES:
		if (a->value_len != 16 && a->value_len != 24 &&
		    a->value_len != 32)
			return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
		if (a->flags & mac)
			return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
		return 0;
	case SKS_CKK_GENERIC_SECRET:
		/* any length HMAC takes (RFC 2104), within a stated bound */
		if (a->value_len < SKS_GENERIC_SECRET_MIN ||
		    a->value_len > SKS_GENERIC_SECRET_MAX)
			return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
		if (a->flags & cipher)
			return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
		return 0;
	default:
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	}
}

/**
 * sks_object_check_value() - check the value of a new key against its
 * type: an EC private scalar in range, an EC public point on its curve
 * and of its order (SP 800-56A 5.6.2.3.3). Other values need no check.
 * @a: attributes checked by sks_object_validate().
 * @value: attrs.value_len bytes.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL with CKR_ATTRIBUTE_VALUE_INVALID.
 */
int sks_object_check_value(const struct sks_obj_attrs *a, const u8 *value,
			   u32 *ckr)
{
	const struct sks_ec_curve *c;
	int err;

	if (a->key_type != SKS_CKK_EC)
		return 0;
	c = sks_ec_curve_of(a->obj_class, a->value_len);
	if (!c)
		return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
	err = a->obj_class == SKS_CKO_PRIVATE_KEY ?
	      sks_ec_check_priv(c, value) : sks_ec_check_pub(c, value);
	if (err == -ENOMEM)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	return err ? sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID) : 0;
}

/**
 * sks_object_new() - build an object (not yet visible) from valid attributes.
 * @a: attributes checked by sks_object_validate().
 * @value: attrs.value_len bytes; copied.
 * @key_id: usage-limited keys: the key's ledger id (SKS_KEY_ID_LEN bytes),
 *	or NULL for a new key (a random id is made). Ignored otherwise.
 * @ckr: out: result code.
 *
 * One allocation holds the object, its label, id, value and (usage-limited
 * keys) key id. No transform is made here: keys get theirs on first use
 * (keyuse.c), so an object that is only stored, extracted or destroyed
 * never costs one. A usage-limited key is bound to the partition's ledger
 * when it is published (sks_object_insert_locked()).
 *
 * Context: process context, may sleep.
 * Return: the object with one reference, or an ERR_PTR.
 */
struct sks_object *sks_object_new(const struct sks_obj_attrs *a,
				  const u8 *value, const u8 *key_id, u32 *ckr)
{
	u32 kid_len = a->usage_limit ? SKS_KEY_ID_LEN : 0;
	struct sks_object *obj;
	u8 *p;

	obj = kzalloc(struct_size(obj, data, a->label_len + a->id_len +
				  a->value_len + kid_len), GFP_KERNEL_ACCOUNT);
	if (!obj)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	kref_init(&obj->ref);
	INIT_LIST_HEAD(&obj->sess_node);
	obj->obj_class = a->obj_class;
	obj->key_type = a->key_type;
	obj->flags = a->flags;
	obj->value_len = a->value_len;
	obj->usage_limit = a->usage_limit;
	atomic64_set(&obj->usage_count, a->usage_count);
	obj->label_len = a->label_len;
	obj->id_len = a->id_len;
	obj->charge = SKS_OBJ_OVERHEAD + a->label_len + a->id_len +
		      a->value_len + kid_len;
	p = obj->data;
	memcpy(p, a->label, a->label_len);
	p += a->label_len;
	memcpy(p, a->id, a->id_len);
	p += a->id_len;
	memcpy(p, value, a->value_len);
	p += a->value_len;
	if (kid_len && key_id)
		memcpy(p, key_id, kid_len);
	else if (kid_len)
		get_random_bytes(p, kid_len);
	return obj;
}

/**
 * sks_objects_publish_locked() - make new objects visible, all or none.
 * @slot: the partition.
 * @sess: creating session; owner of the objects that are not token
 *	objects (NULL when all are token objects).
 * @objs: the new objects (from sks_object_new() or sks_object_from_rec());
 *	on success the partition takes over one reference of each, and
 *	objs[i]->handle is its handle.
 * @n: how many.
 * @ckr: out: result code.
 *
 * Usage-limited keys are bound to their ledger entries first (an entry is
 * made, and charged SKS_LEDGER_CHARGE bytes, for a key the partition never
 * held), so no key is ever visible without its count. Then the capacity
 * is checked for all of them, and they are published. On any failure
 * nothing stays: no object, no new ledger entry, no charge.
 *
 * Context: caller holds slot->lock.
 * Return: 0, -ENOSPC (CKR_DEVICE_MEMORY: capacity exhausted), -ENOMEM,
 * -EBADMSG (CKR_DATA_INVALID: a key id the ledger knows with another
 * limit).
 */
int sks_objects_publish_locked(struct sks_slot *slot, struct sks_file_session *sess,
			       struct sks_object **objs, u32 n, u32 *ckr)
{
	bool token = false;
	u64 charge = 0;
	u32 i, done;
	int err = 0;

	lockdep_assert_held(&slot->lock);
	for (i = 0; i < n && !err; i++) {
		charge += objs[i]->charge;
		if (objs[i]->usage_limit)
			err = sks_ledger_bind_locked(slot, objs[i], ckr);
	}
	if (!err && slot->used + charge > slot->capacity)
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
	if (err) {
		sks_ledger_unbind_all_locked(slot, objs, i);
		return err;
	}
	for (done = 0; done < n; done++) {
		struct sks_object *obj = objs[done];

		obj->owner = (obj->flags & SKS_OBJ_TOKEN) ? NULL : sess;
		err = xa_alloc(&slot->objects, &obj->handle, obj, xa_limit_32b,
			       GFP_KERNEL);
		if (err)
			break;
	}
	if (err) {
		for (i = 0; i < done; i++)
			xa_erase(&slot->objects, objs[i]->handle);
		sks_ledger_unbind_all_locked(slot, objs, n);
		return sks_fail(ckr, err == -EBUSY ? SKS_CKR_DEVICE_MEMORY :
				SKS_CKR_HOST_MEMORY);
	}
	for (i = 0; i < n; i++) {
		if (objs[i]->owner)
			list_add_tail(&objs[i]->sess_node, &sess->objects);
		token |= !objs[i]->owner || objs[i]->made;
		objs[i]->made = false;
	}
	slot->used += charge;
	if (token)	/* token objects and ledger entries are durable */
		sks_state_changed(slot);
	return 0;
}

/**
 * sks_object_remove_locked() - destroy a visible object.
 * @slot: its partition.
 * @obj: the object; the partition's reference is dropped.
 *
 * Operations in flight keep their own reference. xa_erase() takes the
 * xarray's lock before the partition's reference is dropped, which is
 * what makes sks_key_get()'s lookup under that lock safe.
 *
 * Context: caller holds slot->lock.
 */
void sks_object_remove_locked(struct sks_slot *slot, struct sks_object *obj)
{
	lockdep_assert_held(&slot->lock);
	xa_erase(&slot->objects, obj->handle);
	list_del_init(&obj->sess_node);
	slot->used -= obj->charge;
	if (!obj->owner)	/* a token object: durable */
		sks_state_changed(slot);
	sks_object_put(obj);
}

/**
 * sks_object_visible() - whether a session may see an object at all.
 * @sess: the session.
 * @obj: the object: another session's session object is invisible...
 * @priv: ...and so is a private object (CKA_PRIVATE) unless @priv.
 *
 * Context: any.
 * Return: true if @sess sees @obj.
 */
bool sks_object_visible(struct sks_file_session *sess,
			const struct sks_object *obj, bool priv)
{
	if (obj->owner && obj->owner != sess)
		return false;
	return priv || !(obj->flags & SKS_OBJ_PRIVATE);
}

/**
 * sks_object_get_locked() - look an object up by handle.
 * @sess: the session; session objects of other sessions are invisible,
 *	and so are private objects unless it is logged in as CO or CU.
 * @handle: object handle.
 *
 * Context: caller holds slot->lock.
 * Return: the object with a new reference, or NULL.
 */
struct sks_object *sks_object_get_locked(struct sks_file_session *sess, u32 handle)
{
	struct sks_object *obj;

	lockdep_assert_held(&sess->slot->lock);
	obj = xa_load(&sess->slot->objects, handle);
	if (!obj || !sks_object_visible(sess, obj,
					sks_session_sees_private(sess)))
		return NULL;
	kref_get(&obj->ref);
	return obj;
}

/**
 * sks_session_objects_destroy() - destroy the session objects of a session.
 * @sess: the closing session.
 *
 * Walks the session's own list: the cost is the number of objects it
 * owns, whatever else the partition holds.
 *
 * Context: process context; takes slot->lock.
 */
void sks_session_objects_destroy(struct sks_file_session *sess)
{
	struct sks_slot *slot = sess->slot;
	struct sks_object *obj, *tmp;

	mutex_lock(&slot->lock);
	list_for_each_entry_safe(obj, tmp, &sess->objects, sess_node) {
		sks_object_remove_locked(slot, obj);
		cond_resched();
	}
	mutex_unlock(&slot->lock);
}

/**
 * sks_slot_objects_destroy_locked() - destroy every object of a slot.
 * @slot: the slot being deleted, zeroized or re-initialised.
 *
 * Context: process context; caller holds slot->lock.
 */
void sks_slot_objects_destroy_locked(struct sks_slot *slot)
{
	struct sks_object *obj;
	unsigned long idx;

	lockdep_assert_held(&slot->lock);
	xa_for_each(&slot->objects, idx, obj) {
		sks_object_remove_locked(slot, obj);
		cond_resched();
	}
}

/**
 * sks_object_to_rec() - the record of an object in a blob or an archive.
 * @obj: the object.
 * @r: out: its record (current format), pointing into @obj.
 *
 * The usage count is a snapshot: it is counted atomically.
 *
 * Context: any.
 */
void sks_object_to_rec(const struct sks_object *obj, struct sks_blob_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->version = SKS_BLOB_VERSION;
	r->class = obj->obj_class;
	r->key_type = obj->key_type;
	r->flags = obj->flags;
	r->label_len = obj->label_len;
	r->id_len = obj->id_len;
	r->value_len = obj->value_len;
	r->usage_limit = obj->usage_limit;
	r->usage_count = sks_object_use_count(obj);
	if (obj->usage_limit)
		memcpy(r->key_id, sks_obj_key_id(obj), SKS_KEY_ID_LEN);
	r->label = sks_obj_label(obj);
	r->id = sks_obj_id(obj);
	r->value = sks_obj_value(obj);
}

/**
 * sks_object_from_rec() - build an object (not yet visible) from a record
 * of a blob or an archive.
 * @slot: the partition it goes to.
 * @r: the record.
 * @flags: flags to add (SKS_OBJ_TOKEN for archive restores).
 * @ckr: out: result code.
 *
 * The record's attributes pass the same checks as a new object's.
 *
 * Context: process context, may sleep.
 * Return: the object, or an ERR_PTR (-EBADMSG with CKR_DATA_INVALID for
 * a record that is no valid object, -ENOMEM).
 */
struct sks_object *sks_object_from_rec(struct sks_slot *slot,
				       const struct sks_blob_rec *r, u32 flags,
				       u32 *ckr)
{
	struct sks_obj_attrs a;
	u8 key_id[SKS_KEY_ID_LEN];
	struct sks_object *obj;

	if (sks_rec_attrs(slot, r, flags, &a, ckr))
		return ERR_PTR(-EBADMSG);
	if (r->version == SKS_BLOB_VERSION_1 && r->usage_limit)
		sks_legacy_key_id(r, key_id);
	else
		memcpy(key_id, r->key_id, sizeof(key_id));
	obj = sks_object_new(&a, r->value, key_id, ckr);
	memzero_explicit(key_id, sizeof(key_id));
	return obj;
}

/**
 * sks_rec_attrs() - the attributes of a record of a blob or an archive,
 * checked as a new object's.
 * @slot: the partition it is meant for.
 * @r: the record.
 * @flags: flags to add (SKS_OBJ_TOKEN for archive restores).
 * @a: out: the attributes.
 * @ckr: out: result code.
 *
 * Context: process context.
 * Return: 0, or -EBADMSG with CKR_DATA_INVALID.
 */
int sks_rec_attrs(struct sks_slot *slot, const struct sks_blob_rec *r,
		  u32 flags, struct sks_obj_attrs *a, u32 *ckr)
{
	memset(a, 0, sizeof(*a));
	a->obj_class = r->class;
	a->key_type = r->key_type;
	a->flags = r->flags | flags;
	a->value_len = r->value_len;
	a->usage_limit = r->usage_limit;
	a->usage_count = r->usage_count;
	a->label_len = r->label_len;
	a->id_len = r->id_len;
	memcpy(a->label, r->label, r->label_len);
	memcpy(a->id, r->id, r->id_len);
	if (sks_object_validate(slot, a, true, ckr) ||
	    sks_object_check_value(a, r->value, ckr))
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	return 0;
}

/* Create, charge and publish one object; takes slot->lock. */
static int sks_object_publish(struct sks_file_session *sess,
			      const struct sks_obj_attrs *a, const u8 *value,
			      u32 *handle, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_object *obj;
	int err;

	obj = sks_object_new(a, value, NULL, ckr);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err)
		err = sks_objects_publish_locked(slot, sess, &obj, 1, ckr);
	if (!err)
		*handle = obj->handle;
	mutex_unlock(&slot->lock);
	if (err)
		sks_object_put(obj);
	return err;
}

/* Role check without anything else; takes slot->lock. */
static int sks_session_check(struct sks_file_session *sess, bool co_only, u32 *ckr)
{
	int err;

	mutex_lock(&sess->slot->lock);
	err = sks_session_require(sess, co_only, ckr);
	mutex_unlock(&sess->slot->lock);
	return err;
}

/**
 * sks_ioc_generate_key() - SKS_IOC_GENERATE_KEY: make a random key.
 * @sess: the session.
 * @arg: struct sks_generate_key.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism (CKR_MECHANISM_INVALID), attributes, login
 * as CO, capacity (CKR_DEVICE_MEMORY).
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_generate_key(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_generate_key *gk = arg;
	u8 *value;
	int err;

	if (!(gk->mechanism == SKS_CKM_AES_KEY_GEN &&
	      gk->attrs.key_type == SKS_CKK_AES) &&
	    !(gk->mechanism == SKS_CKM_GENERIC_SECRET_KEY_GEN &&
	      gk->attrs.key_type == SKS_CKK_GENERIC_SECRET))
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	if (gk->attrs.obj_class != SKS_CKO_SECRET_KEY)
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	err = sks_object_validate(sess->slot, &gk->attrs, false, ckr);
	if (err)
		return err;
	err = sks_session_check(sess, true, ckr);
	if (err)
		return err;

	value = kmalloc(gk->attrs.value_len, GFP_KERNEL);
	if (!value)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	get_random_bytes(value, gk->attrs.value_len);
	err = sks_object_publish(sess, &gk->attrs, value, &gk->handle, ckr);
	kfree_sensitive(value);
	return err;
}

/**
 * sks_ioc_create_object() - SKS_IOC_CREATE_OBJECT: import a key or data.
 * @sess: the session.
 * @arg: struct sks_create_object.
 * @ckr: out: result code.
 *
 * Order of checks: reserved fields, attributes, login as CO, reading
 * the value (-EFAULT), capacity.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_create_object(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_create_object *co = arg;
	u8 *value;
	int err;

	if (co->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_object_validate(sess->slot, &co->attrs, false, ckr);
	if (err)
		return err;
	err = sks_session_check(sess, true, ckr);
	if (err)
		return err;
	value = sks_memdup_user(co->value, co->attrs.value_len,
				SKS_MAX_DATA_SIZE, ckr);
	if (IS_ERR(value))
		return PTR_ERR(value);
	err = sks_object_check_value(&co->attrs, value, ckr);
	if (!err)
		err = sks_object_publish(sess, &co->attrs, value, &co->handle,
					 ckr);
	kfree_sensitive(value);
	return err;
}

/**
 * sks_lookup() - look an object up for a command.
 * @sess: the session.
 * @handle: the object's handle.
 * @co_only: a command of the Crypto Officer (destroy, set attributes);
 *	otherwise reading (attributes, a data object's value), which needs
 *	no login but sees only public objects without a CO or CU login.
 * @ckr: out: result code.
 *
 * Context: caller holds slot->lock.
 * Return: the object with a reference, or an ERR_PTR (the session's
 * errors, -ENOENT with CKR_OBJECT_HANDLE_INVALID).
 */
struct sks_object *sks_lookup(struct sks_file_session *sess, u32 handle,
			      bool co_only, u32 *ckr)
{
	struct sks_object *obj;
	int err;

	err = co_only ? sks_session_require(sess, true, ckr) :
	      sks_session_require_partition(sess, ckr);
	if (err)
		return ERR_PTR(err);
	obj = sks_object_get_locked(sess, handle);
	if (!obj)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_OBJECT_HANDLE_INVALID));
	return obj;
}

/**
 * sks_ioc_destroy_object() - SKS_IOC_DESTROY_OBJECT: destroy an object.
 * @sess: the session.
 * @arg: struct sks_destroy_object.
 * @ckr: out: result code.
 *
 * Context: process context; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_destroy_object(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_destroy_object *d = arg;
	struct sks_object *obj;

	if (d->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	mutex_lock(&sess->slot->lock);
	obj = sks_lookup(sess, d->handle, true, ckr);
	if (!IS_ERR(obj))
		sks_object_remove_locked(sess->slot, obj);
	mutex_unlock(&sess->slot->lock);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	sks_object_put(obj);
	return 0;
}
