// SPDX-License-Identifier: GPL-2.0
/*
 * sks - objects (keys and data) and the crypto operations that use them.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sks.h"

static const char *const sks_hmac_algs[] = {
	"hmac(sha256)", "hmac(sha384)", "hmac(sha512)",
};

static void sks_object_release(struct kref *ref)
{
	struct sks_object *obj = container_of(ref, struct sks_object, ref);
	unsigned int i;

	if (obj->obj_class == SKS_CKO_SECRET_KEY &&
	    obj->key_type == SKS_CKK_AES)
		crypto_free_aead(obj->aead);
	else if (obj->obj_class == SKS_CKO_SECRET_KEY)
		for (i = 0; i < ARRAY_SIZE(obj->hmac); i++)
			crypto_free_shash(obj->hmac[i]);
	kfree_sensitive(obj);	/* wipes label, id and value */
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
	a->usage_count = atomic64_read(&obj->usage_count);
	a->label_len = obj->label_len;
	a->id_len = obj->id_len;
	memcpy(a->label, sks_obj_label(obj), obj->label_len);
	memcpy(a->id, sks_obj_id(obj), obj->id_len);
}

static int sks_check_bytes(const u8 *buf, u32 len, u32 max)
{
	if (len > max)
		return -EINVAL;
	return memchr_inv(buf + len, 0, max - len) ? -EINVAL : 0;
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
		if (a->flags & (cipher | mac | SKS_OBJ_SENSITIVE) ||
		    a->usage_limit)
			return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
		return 0;
	case SKS_CKO_SECRET_KEY:
		break;
	default:
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	}

	switch (a->key_type) {
	case SKS_CKK_AES:
		if (a->value_len != 16 && a->value_len != 24 &&
		    a->value_len != 32)
			return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
		if (a->flags & mac)
			return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
		return 0;
	case SKS_CKK_GENERIC_SECRET:
		if (a->value_len < 16 || a->value_len > 128)
			return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
		if (a->flags & cipher)
			return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
		return 0;
	default:
		return sks_fail(ckr, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	}
}

/**
 * sks_object_new() - build an object (not yet visible) from valid attributes.
 * @a: attributes checked by sks_object_validate().
 * @value: attrs.value_len bytes; copied.
 * @ckr: out: result code.
 *
 * One allocation holds the object, its label, id and value. No transform
 * is made here: keys get theirs on first use (sks_object_aead(),
 * sks_object_hmac()), so an object that is only stored, extracted or
 * destroyed never costs one.
 *
 * Context: process context, may sleep.
 * Return: the object with one reference, or an ERR_PTR.
 */
struct sks_object *sks_object_new(const struct sks_obj_attrs *a,
				  const u8 *value, u32 *ckr)
{
	struct sks_object *obj;
	u8 *p;

	obj = kzalloc(struct_size(obj, data, a->label_len + a->id_len +
				  a->value_len), GFP_KERNEL_ACCOUNT);
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
		      a->value_len;
	p = obj->data;
	memcpy(p, a->label, a->label_len);
	p += a->label_len;
	memcpy(p, a->id, a->id_len);
	p += a->id_len;
	memcpy(p, value, a->value_len);
	return obj;
}

/**
 * sks_object_insert_locked() - make a new object visible.
 * @sess: creating session; owner of the object unless it is a token object.
 * @obj: new object; the partition takes over the caller's reference.
 * @ckr: out: result code.
 *
 * Context: caller holds slot->lock.
 * Return: 0, -ENOSPC (CKR_DEVICE_MEMORY: capacity exhausted), -ENOMEM.
 */
int sks_object_insert_locked(struct sks_session *sess, struct sks_object *obj,
			     u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	int err;

	lockdep_assert_held(&slot->lock);
	if (slot->used + obj->charge > slot->capacity)
		return sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
	obj->owner = (obj->flags & SKS_OBJ_TOKEN) ? NULL : sess;
	err = xa_alloc(&slot->objects, &obj->handle, obj, xa_limit_32b,
		       GFP_KERNEL);
	if (err)
		return sks_fail(ckr, err == -EBUSY ? SKS_CKR_DEVICE_MEMORY :
				SKS_CKR_HOST_MEMORY);
	if (obj->owner)
		list_add_tail(&obj->sess_node, &sess->objects);
	slot->used += obj->charge;
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
	sks_object_put(obj);
}

/**
 * sks_object_get_locked() - look an object up by handle.
 * @sess: the session; session objects of other sessions are invisible.
 * @handle: object handle.
 *
 * Context: caller holds slot->lock.
 * Return: the object with a new reference, or NULL.
 */
struct sks_object *sks_object_get_locked(struct sks_session *sess, u32 handle)
{
	struct sks_object *obj;

	lockdep_assert_held(&sess->slot->lock);
	obj = xa_load(&sess->slot->objects, handle);
	if (!obj || (obj->owner && obj->owner != sess))
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
void sks_session_objects_destroy(struct sks_session *sess)
{
	struct sks_slot *slot = sess->slot;
	struct sks_object *obj, *tmp;

	mutex_lock(&slot->lock);
	list_for_each_entry_safe(obj, tmp, &sess->objects, sess_node)
		sks_object_remove_locked(slot, obj);
	mutex_unlock(&slot->lock);
}

/**
 * sks_slot_objects_destroy() - destroy every object of a slot.
 * @slot: the slot being deleted.
 *
 * Context: process context; takes slot->lock.
 */
void sks_slot_objects_destroy(struct sks_slot *slot)
{
	struct sks_object *obj;
	unsigned long idx;

	mutex_lock(&slot->lock);
	xa_for_each(&slot->objects, idx, obj)
		sks_object_remove_locked(slot, obj);
	mutex_unlock(&slot->lock);
}

/* Create, charge and publish one object; takes slot->lock. */
static int sks_object_publish(struct sks_session *sess,
			      const struct sks_obj_attrs *a, const u8 *value,
			      u32 *handle, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_object *obj;
	int err;

	obj = sks_object_new(a, value, ckr);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err)
		err = sks_object_insert_locked(sess, obj, ckr);
	if (!err)
		*handle = obj->handle;
	mutex_unlock(&slot->lock);
	if (err)
		sks_object_put(obj);
	return err;
}

/* Role check without anything else; takes slot->lock. */
static int sks_session_check(struct sks_session *sess, bool co_only, u32 *ckr)
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
int sks_ioc_generate_key(struct sks_session *sess, void *arg, u32 *ckr)
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
int sks_ioc_create_object(struct sks_session *sess, void *arg, u32 *ckr)
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
	err = sks_object_publish(sess, &co->attrs, value, &co->handle, ckr);
	kfree_sensitive(value);
	return err;
}

/* Look up a visible object with the given role requirement. */
static struct sks_object *sks_lookup(struct sks_session *sess, u32 handle,
				     bool co_only, u32 code, u32 *ckr,
				     int *err)
{
	struct sks_object *obj = NULL;

	*err = sks_session_require(sess, co_only, ckr);
	if (*err)
		return NULL;
	obj = sks_object_get_locked(sess, handle);
	if (!obj)
		*err = sks_fail(ckr, code);
	return obj;
}

/**
 * sks_ioc_get_attrs() - SKS_IOC_GET_ATTRS: read attributes (never a value).
 * @sess: the session.
 * @arg: struct sks_get_attrs.
 * @ckr: out: result code.
 *
 * Context: process context; takes slot->lock.
 * Return: 0 or a negative errno (-ENOENT, CKR_OBJECT_HANDLE_INVALID).
 */
int sks_ioc_get_attrs(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_get_attrs *ga = arg;
	struct sks_object *obj;
	int err;

	if (ga->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	mutex_lock(&sess->slot->lock);
	obj = sks_lookup(sess, ga->handle, false, SKS_CKR_OBJECT_HANDLE_INVALID,
			 ckr, &err);
	if (obj)
		sks_object_attrs(obj, &ga->attrs);
	mutex_unlock(&sess->slot->lock);
	sks_object_put(obj);
	return err;
}

/**
 * sks_ioc_get_value() - SKS_IOC_GET_VALUE: read a data object's value.
 * @sess: the session.
 * @arg: struct sks_get_value.
 * @ckr: out: result code.
 *
 * Key values never leave this way (-EPERM, CKR_ATTRIBUTE_SENSITIVE).
 *
 * Context: process context; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_get_value(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_get_value *gv = arg;
	struct sks_object *obj;
	u32 len;
	int err;

	mutex_lock(&sess->slot->lock);
	obj = sks_lookup(sess, gv->handle, false, SKS_CKR_OBJECT_HANDLE_INVALID,
			 ckr, &err);
	mutex_unlock(&sess->slot->lock);
	if (!obj)
		return err;

	len = obj->value_len;
	if (obj->obj_class != SKS_CKO_DATA) {
		err = sks_fail(ckr, SKS_CKR_ATTRIBUTE_SENSITIVE);
	} else if (!gv->buf) {
		gv->len = len;
	} else if (gv->len < len) {
		gv->len = len;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
	} else if (copy_to_user(u64_to_user_ptr(gv->buf), sks_obj_value(obj),
				len)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	} else {
		gv->len = len;
	}
	sks_object_put(obj);
	return err;
}

static bool sks_match(const struct sks_find_objects *fo,
		      const struct sks_object *obj)
{
	const struct sks_obj_attrs *t = &fo->tmpl;

	if ((fo->flags & SKS_FIND_CLASS) && t->obj_class != obj->obj_class)
		return false;
	if ((fo->flags & SKS_FIND_KEY_TYPE) && t->key_type != obj->key_type)
		return false;
	if ((fo->flags & SKS_FIND_LABEL) &&
	    (t->label_len != obj->label_len ||
	     memcmp(t->label, sks_obj_label(obj), obj->label_len)))
		return false;
	if ((fo->flags & SKS_FIND_ID) &&
	    (t->id_len != obj->id_len ||
	     memcmp(t->id, sks_obj_id(obj), obj->id_len)))
		return false;
	return true;
}

/**
 * sks_ioc_find_objects() - SKS_IOC_FIND_OBJECTS: list matching handles.
 * @sess: the session.
 * @arg: struct sks_find_objects.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno (-EOVERFLOW, CKR_BUFFER_TOO_SMALL, with
 * the number of matches in @count).
 */
int sks_ioc_find_objects(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_find_objects *fo = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_object *obj;
	unsigned long idx;
	u32 *handles = NULL;
	u32 n = 0, i = 0;
	int err;

	if (fo->reserved ||
	    sks_check_bytes(fo->tmpl.label, fo->tmpl.label_len,
			    SKS_OBJ_LABEL_MAX) ||
	    sks_check_bytes(fo->tmpl.id, fo->tmpl.id_len, SKS_OBJ_ID_MAX))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);

	mutex_lock(&slot->lock);
	err = sks_session_require(sess, false, ckr);
	if (err)
		goto out_unlock;
	xa_for_each(&slot->objects, idx, obj)
		if ((!obj->owner || obj->owner == sess) &&
		    sks_match(fo, obj))
			n++;
	if (!fo->handles || fo->count < n || !n) {
		if (fo->handles && fo->count < n)
			err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		fo->count = n;
		goto out_unlock;
	}
	handles = kvmalloc_array(n, sizeof(*handles), GFP_KERNEL_ACCOUNT);
	if (!handles) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_unlock;
	}
	xa_for_each(&slot->objects, idx, obj)
		if ((!obj->owner || obj->owner == sess) &&
		    sks_match(fo, obj))
			handles[i++] = obj->handle;
	mutex_unlock(&slot->lock);

	fo->count = n;
	if (copy_to_user(u64_to_user_ptr(fo->handles), handles,
			 n * sizeof(*handles)))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	kvfree(handles);
	return err;

out_unlock:
	mutex_unlock(&slot->lock);
	return err;
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
int sks_ioc_destroy_object(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_destroy_object *d = arg;
	struct sks_object *obj;
	int err;

	if (d->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	mutex_lock(&sess->slot->lock);
	obj = sks_lookup(sess, d->handle, true, SKS_CKR_OBJECT_HANDLE_INVALID,
			 ckr, &err);
	if (obj)
		sks_object_remove_locked(sess->slot, obj);
	mutex_unlock(&sess->slot->lock);
	sks_object_put(obj);
	return err;
}

/*
 * Look up a key for an operation without slot->lock: the role and slot
 * checks of sks_session_require(), then the handle under the xarray's
 * lock (see sks_object_remove_locked()). On success the caller owns a
 * reference.
 */
static struct sks_object *sks_key_get(struct sks_session *sess, u32 handle,
				      u32 *ckr, int *err)
{
	struct xarray *xa = &sess->slot->objects;
	struct sks_object *obj;

	*err = sks_session_require_lockless(sess, false, ckr);
	if (*err)
		return NULL;
	xa_lock(xa);
	obj = xa_load(xa, handle);
	if (obj && (!obj->owner || obj->owner == sess))
		kref_get(&obj->ref);
	else
		obj = NULL;
	xa_unlock(xa);
	if (!obj)
		*err = sks_fail(ckr, SKS_CKR_KEY_HANDLE_INVALID);
	return obj;
}

/* The usage limit is reached: no use may be counted any more. */
static bool sks_object_exhausted(struct sks_object *obj)
{
	return obj->usage_limit &&
	       (u64)atomic64_read(&obj->usage_count) >= obj->usage_limit;
}

/*
 * Count one use; false if the usage limit is reached. A compare-and-swap
 * loop, so concurrent users never count past the limit.
 */
static bool sks_object_count_use(struct sks_object *obj)
{
	s64 c;

	if (!obj->usage_limit) {
		atomic64_inc(&obj->usage_count);
		return true;
	}
	c = atomic64_read(&obj->usage_count);
	do {
		if ((u64)c >= obj->usage_limit)
			return false;
	} while (!atomic64_try_cmpxchg(&obj->usage_count, &c, c + 1));
	return true;
}

/*
 * Give back a use counted by sks_object_count_use() for an operation that
 * did not run (a size query, no memory, an unreadable input): usage_count
 * counts the operations done.
 */
static void sks_object_uncount_use(struct sks_object *obj)
{
	atomic64_dec(&obj->usage_count);
}

/*
 * Publish a transform made for @obj in *@slot unless another thread was
 * first; returns the one that stays.
 */
static void *sks_object_set_tfm(void **slot, void *tfm,
				void (*free_tfm)(void *tfm))
{
	void *old = cmpxchg(slot, NULL, tfm);

	if (!old)
		return tfm;
	free_tfm(tfm);
	return old;
}

static void sks_free_aead(void *tfm)
{
	crypto_free_aead(tfm);
}

static void sks_free_shash(void *tfm)
{
	crypto_free_shash(tfm);
}

/*
 * The AES key's gcm(aes) transform, made and keyed on the first use and
 * kept until the object is freed. Concurrent first uses may each make
 * one; cmpxchg() keeps the first.
 */
static struct crypto_aead *sks_object_aead(struct sks_object *obj)
{
	/* pairs with the cmpxchg() in sks_object_set_tfm(): keyed before seen */
	struct crypto_aead *tfm = smp_load_acquire(&obj->aead);
	int err;

	if (tfm)
		return tfm;
	tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setkey(tfm, sks_obj_value(obj), obj->value_len);
	if (!err)
		err = crypto_aead_setauthsize(tfm, SKS_GCM_TAG_LEN);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return sks_object_set_tfm((void **)&obj->aead, tfm, sks_free_aead);
}

/* The generic secret's hmac() transform for mechanism index @idx. */
static struct crypto_shash *sks_object_hmac(struct sks_object *obj, int idx)
{
	/* pairs with the cmpxchg() in sks_object_set_tfm(): keyed before seen */
	struct crypto_shash *tfm = smp_load_acquire(&obj->hmac[idx]);
	int err;

	if (tfm)
		return tfm;
	tfm = crypto_alloc_shash(sks_hmac_algs[idx], 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_shash_setkey(tfm, sks_obj_value(obj), obj->value_len);
	if (err) {
		crypto_free_shash(tfm);
		return ERR_PTR(err);
	}
	return sks_object_set_tfm((void **)&obj->hmac[idx], tfm,
				  sks_free_shash);
}

/*
 * Look up a key for an operation, check its type and usage flag @need,
 * make its transform (sks_object_aead() or sks_object_hmac() for @idx)
 * and count one use. On success the caller owns a reference and *@tfm is
 * the transform.
 */
static struct sks_object *sks_use_key(struct sks_session *sess, u32 handle,
				      u32 key_type, u32 need, int idx,
				      void **tfm, u32 *ckr, int *err)
{
	struct sks_object *obj;
	void *t;

	obj = sks_key_get(sess, handle, ckr, err);
	if (!obj)
		return NULL;
	if (obj->obj_class != SKS_CKO_SECRET_KEY || obj->key_type != key_type) {
		*err = sks_fail(ckr, SKS_CKR_KEY_TYPE_INCONSISTENT);
		goto err_put;
	}
	if (!(obj->flags & need)) {
		*err = sks_fail(ckr, SKS_CKR_KEY_FUNCTION_NOT_PERMITTED);
		goto err_put;
	}
	if (sks_object_exhausted(obj)) {
		*err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
		goto err_put;
	}
	t = key_type == SKS_CKK_AES ? (void *)sks_object_aead(obj) :
	    (void *)sks_object_hmac(obj, idx);
	if (IS_ERR(t)) {
		*err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto err_put;
	}
	if (!sks_object_count_use(obj)) {
		*err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
		goto err_put;
	}
	*tfm = t;
	return obj;

err_put:
	sks_object_put(obj);
	return NULL;
}

/*
 * The AEAD request and the data of one operation share one allocation:
 * [request | aad | data | tag | iv].
 */
static size_t sks_gcm_req_size(struct crypto_aead *tfm)
{
	return ALIGN(sizeof(struct aead_request) + crypto_aead_reqsize(tfm),
		     ARCH_KMALLOC_MINALIGN);
}

static int sks_gcm(struct crypto_aead *tfm, struct aead_request *req,
		   bool enc, u8 *buf, u32 aad_len, u32 cryptlen, u8 *iv)
{
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);

	aead_request_set_tfm(req, tfm);
	sg_init_one(&sg, buf, aad_len + cryptlen + (enc ? SKS_GCM_TAG_LEN : 0));
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, &sg, &sg, cryptlen, iv);
	return crypto_wait_req(enc ? crypto_aead_encrypt(req) :
			       crypto_aead_decrypt(req), &wait);
}

static int sks_crypt(struct sks_session *sess, struct sks_crypt *c, bool enc,
		     u32 *ckr)
{
	u32 outlen, max_in = SKS_MAX_DATA_SIZE + (enc ? 0 : SKS_GCM_TAG_LEN);
	struct crypto_aead *tfm;
	struct sks_object *obj;
	struct aead_request *req;
	bool ran = false;
	size_t reqsize;
	u8 *buf, *iv;
	int err;

	if (c->mechanism != SKS_CKM_AES_GCM)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	if (c->aad_len > SKS_MAX_DATA_SIZE)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (c->in_len > max_in)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	if (!enc && c->in_len < SKS_GCM_TAG_LEN)
		return sks_fail(ckr, SKS_CKR_ENCRYPTED_DATA_LEN_RANGE);
	outlen = enc ? c->in_len + SKS_GCM_TAG_LEN : c->in_len - SKS_GCM_TAG_LEN;

	obj = sks_use_key(sess, c->handle, SKS_CKK_AES,
			  enc ? SKS_OBJ_ENCRYPT : SKS_OBJ_DECRYPT, 0,
			  (void **)&tfm, ckr, &err);
	if (!obj)
		return err;
	if (c->out_len < outlen) {
		c->out_len = outlen;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out_put;
	}

	reqsize = sks_gcm_req_size(tfm);
	req = kmalloc(reqsize + c->aad_len + c->in_len + SKS_GCM_TAG_LEN +
		      SKS_GCM_IV_LEN, GFP_KERNEL_ACCOUNT);
	if (!req) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_put;
	}
	buf = (u8 *)req + reqsize;
	iv = buf + c->aad_len + c->in_len + SKS_GCM_TAG_LEN;
	if (copy_from_user(buf, u64_to_user_ptr(c->aad), c->aad_len) ||
	    copy_from_user(buf + c->aad_len, u64_to_user_ptr(c->in),
			   c->in_len)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_free;
	}
	if (enc)
		get_random_bytes(iv, SKS_GCM_IV_LEN);
	else
		memcpy(iv, c->iv, SKS_GCM_IV_LEN);

	ran = true;
	err = sks_gcm(tfm, req, enc, buf, c->aad_len, c->in_len, iv);
	if (err == -EBADMSG) {
		err = sks_fail(ckr, SKS_CKR_ENCRYPTED_DATA_INVALID);
		goto out_free;
	} else if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_free;
	}
	if (copy_to_user(u64_to_user_ptr(c->out), buf + c->aad_len, outlen)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_free;
	}
	if (enc)
		memcpy(c->iv, iv, SKS_GCM_IV_LEN);
	c->out_len = outlen;
out_free:
	kfree_sensitive(req);
out_put:
	if (!ran)
		sks_object_uncount_use(obj);
	sks_object_put(obj);
	return err;
}

/**
 * sks_ioc_encrypt() - SKS_IOC_ENCRYPT: AES-GCM with a device-chosen IV.
 * @sess: the session.
 * @arg: struct sks_crypt.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism, lengths, login (CO or CU), key handle,
 * key type, CKA_ENCRYPT, usage limit (CKR_KEY_NOT_ACTIVE), output room
 * (CKR_BUFFER_TOO_SMALL with the needed size in @out_len), user memory.
 * A use is counted only if the cipher ran: a size query, a failed
 * allocation or unreadable input leave usage_count as it was.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_encrypt(struct sks_session *sess, void *arg, u32 *ckr)
{
	return sks_crypt(sess, arg, true, ckr);
}

/**
 * sks_ioc_decrypt() - SKS_IOC_DECRYPT: AES-GCM decryption, tag checked.
 * @sess: the session.
 * @arg: struct sks_crypt.
 * @ckr: out: result code.
 *
 * Checks as for sks_ioc_encrypt(); a wrong tag gives -EBADMSG with
 * CKR_ENCRYPTED_DATA_INVALID and nothing is written to @out.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_decrypt(struct sks_session *sess, void *arg, u32 *ckr)
{
	return sks_crypt(sess, arg, false, ckr);
}

static int sks_hmac_index(u32 mechanism)
{
	switch (mechanism) {
	case SKS_CKM_SHA256_HMAC:
		return 0;
	case SKS_CKM_SHA384_HMAC:
		return 1;
	case SKS_CKM_SHA512_HMAC:
		return 2;
	default:
		return -1;
	}
}

static int sks_mac(struct sks_session *sess, struct sks_sign *s, bool sign,
		   u32 *ckr)
{
	struct crypto_shash *tfm;
	struct sks_object *obj;
	bool ran = false;
	u8 *buf, *mac;
	u32 ds;
	int idx, err;

	idx = sks_hmac_index(s->mechanism);
	if (idx < 0)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	if (s->data_len > SKS_MAX_DATA_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);

	obj = sks_use_key(sess, s->handle, SKS_CKK_GENERIC_SECRET,
			  sign ? SKS_OBJ_SIGN : SKS_OBJ_VERIFY, idx,
			  (void **)&tfm, ckr, &err);
	if (!obj)
		return err;
	ds = crypto_shash_digestsize(tfm);
	if (sign && s->sig_len < ds) {
		s->sig_len = ds;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out_put;
	}
	if (!sign && s->sig_len != ds) {
		err = sks_fail(ckr, SKS_CKR_SIGNATURE_LEN_RANGE);
		goto out_put;
	}

	/* [data | computed mac | given mac] */
	buf = kmalloc(s->data_len + 2 * ds, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_put;
	}
	mac = buf + s->data_len;
	if (copy_from_user(buf, u64_to_user_ptr(s->data), s->data_len) ||
	    (!sign && copy_from_user(mac + ds, u64_to_user_ptr(s->sig), ds))) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_free;
	}
	ran = true;
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_digest(desc, buf, s->data_len, mac);
		shash_desc_zero(desc);
	}
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_free;
	}
	if (sign) {
		if (copy_to_user(u64_to_user_ptr(s->sig), mac, ds))
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		else
			s->sig_len = ds;
	} else if (crypto_memneq(mac, mac + ds, ds)) {
		err = sks_fail(ckr, SKS_CKR_SIGNATURE_INVALID);
	}
out_free:
	kfree_sensitive(buf);
out_put:
	if (!ran)
		sks_object_uncount_use(obj);
	sks_object_put(obj);
	return err;
}

/**
 * sks_ioc_sign() - SKS_IOC_SIGN: HMAC-SHA-256/384/512.
 * @sess: the session.
 * @arg: struct sks_sign.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism, data length, login (CO or CU), key handle,
 * key type, CKA_SIGN, usage limit, room for the MAC. As for encryption,
 * a use is counted only if the MAC was computed.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_sign(struct sks_session *sess, void *arg, u32 *ckr)
{
	return sks_mac(sess, arg, true, ckr);
}

/**
 * sks_ioc_verify() - SKS_IOC_VERIFY: check an HMAC in constant time.
 * @sess: the session.
 * @arg: struct sks_sign.
 * @ckr: out: result code.
 *
 * A wrong MAC gives -EBADMSG with CKR_SIGNATURE_INVALID, a MAC of the
 * wrong length CKR_SIGNATURE_LEN_RANGE.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_verify(struct sks_session *sess, void *arg, u32 *ckr)
{
	return sks_mac(sess, arg, false, ckr);
}

/* Read and check every descriptor of a batch before anything runs. */
static int sks_batch_read(const struct sks_batch *b, struct sks_batch_op *ops,
			  u32 *ckr)
{
	const u8 __user *uops = u64_to_user_ptr(b->ops);
	u64 bytes = 0;
	u32 i;
	int err;

	for (i = 0; i < b->count; i++) {
		struct sks_batch_op *op = &ops[i];

		err = copy_struct_from_user(op, sizeof(*op),
					    uops + (size_t)i * b->op_size,
					    b->op_size);
		if (err == -E2BIG)
			return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		if (err)
			return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, err);
		switch (op->op) {
		case SKS_BATCH_ENCRYPT:
		case SKS_BATCH_DECRYPT:
			break;
		case SKS_BATCH_SIGN:
		case SKS_BATCH_VERIFY:
			if (op->aad || op->aad_len ||
			    memchr_inv(op->iv, 0, sizeof(op->iv)))
				return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
			break;
		default:
			return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		}
		bytes += (u64)op->in_len + op->aad_len;
	}
	if (bytes > SKS_BATCH_MAX_BYTES)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	return 0;
}

/* Run one operation as its own ioctl would; returns its CKR_* code. */
static u32 sks_batch_run(struct sks_session *sess, struct sks_batch_op *op)
{
	u32 ckr = SKS_CKR_OK;
	int err;

	if (op->op == SKS_BATCH_ENCRYPT || op->op == SKS_BATCH_DECRYPT) {
		struct sks_crypt c = {
			.handle = op->handle, .mechanism = op->mechanism,
			.aad_len = op->aad_len, .aad = op->aad, .in = op->in,
			.out = op->out, .in_len = op->in_len,
			.out_len = op->out_len,
		};

		memcpy(c.iv, op->iv, sizeof(c.iv));
		err = sks_crypt(sess, &c, op->op == SKS_BATCH_ENCRYPT, &ckr);
		memcpy(op->iv, c.iv, sizeof(op->iv));
		op->out_len = c.out_len;
	} else {
		struct sks_sign s = {
			.handle = op->handle, .mechanism = op->mechanism,
			.data = op->in, .sig = op->out,
			.data_len = op->in_len, .sig_len = op->out_len,
		};

		err = sks_mac(sess, &s, op->op == SKS_BATCH_SIGN, &ckr);
		op->out_len = s.sig_len;
	}
	if (err && ckr == SKS_CKR_OK)
		ckr = SKS_CKR_GENERAL_ERROR;
	return err ? ckr : SKS_CKR_OK;
}

/**
 * sks_ioc_batch() - SKS_IOC_BATCH: many crypto operations in one call.
 * @sess: the session.
 * @arg: struct sks_batch.
 * @ckr: out: result code of the batch.
 *
 * Every descriptor is read and checked first (count, op_size, reserved,
 * op codes, zero tails, total input bytes); a bad one refuses the whole
 * batch with nothing run. Then each operation runs in order through the
 * same code as SKS_IOC_ENCRYPT, SKS_IOC_DECRYPT, SKS_IOC_SIGN or
 * SKS_IOC_VERIFY, and its result code, IV and output length are written
 * back into its descriptor. SKS_BATCH_STOP_ON_ERROR stops after the
 * first failed operation.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 once the operations ran (their results are per descriptor),
 * or a negative errno for a refused batch (-EFAULT if a descriptor
 * cannot be written back).
 */
int sks_ioc_batch(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_batch *b = arg;
	u8 __user *uops = u64_to_user_ptr(b->ops);
	struct sks_batch_op *ops;
	u32 i;
	int err;

	b->done = 0;
	b->failed = 0;
	if (!b->count || b->count > SKS_BATCH_MAX_OPS || b->reserved ||
	    b->op_size < SKS_BATCH_OP_SIZE_VER0 ||
	    b->op_size > SKS_BATCH_OP_SIZE_MAX)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	ops = kvmalloc_array(b->count, sizeof(*ops), GFP_KERNEL_ACCOUNT);
	if (!ops)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	err = sks_batch_read(b, ops, ckr);
	if (!err)
		err = sks_session_require_lockless(sess, false, ckr);
	for (i = 0; !err && i < b->count; i++) {
		ops[i].result = sks_batch_run(sess, &ops[i]);
		if (copy_to_user(uops + (size_t)i * b->op_size, &ops[i],
				 sizeof(ops[i]))) {
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD,
					     -EFAULT);
			break;
		}
		b->done++;
		if (ops[i].result != SKS_CKR_OK) {
			b->failed++;
			if (b->flags & SKS_BATCH_STOP_ON_ERROR)
				break;
		}
	}
	kvfree(ops);
	return err;
}
