// SPDX-License-Identifier: GPL-2.0
/*
 * sks - reading and changing objects' attributes: SKS_IOC_GET_ATTRS,
 * SKS_IOC_GET_VALUE, SKS_IOC_FIND_OBJECTS and SKS_IOC_SET_ATTRS
 * (PKCS#11's C_GetAttributeValue, C_FindObjects, C_SetAttributeValue).
 * Objects are made, published and destroyed in object.c.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sks.h"

/**
 * sks_ioc_get_attrs() - SKS_IOC_GET_ATTRS: read attributes (never a value).
 * @sess: the session.
 * @arg: struct sks_get_attrs.
 * @ckr: out: result code.
 *
 * Needs no login for public objects (PKCS#11 v2.40 section 4.4).
 *
 * Context: process context; takes slot->lock.
 * Return: 0 or a negative errno (-ENOENT, CKR_OBJECT_HANDLE_INVALID, also
 * for a private object the session may not see).
 */
int sks_ioc_get_attrs(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_get_attrs *ga = arg;
	struct sks_object *obj;

	if (ga->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	mutex_lock(&sess->slot->lock);
	obj = sks_lookup(sess, ga->handle, false, ckr);
	if (!IS_ERR(obj))
		sks_object_attrs(obj, &ga->attrs);
	mutex_unlock(&sess->slot->lock);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	sks_object_put(obj);
	return 0;
}

/**
 * sks_ioc_get_value() - SKS_IOC_GET_VALUE: read a data object's value.
 * @sess: the session.
 * @arg: struct sks_get_value.
 * @ckr: out: result code.
 *
 * Secret and private key values never leave this way (-EPERM,
 * CKR_ATTRIBUTE_SENSITIVE); a public key's point does. @buf 0 asks for
 * the length; a public object needs no login.
 *
 * Context: process context; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_get_value(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_get_value *gv = arg;
	struct sks_object *obj;
	u32 len, room = gv->len;
	int err = 0;

	gv->len = 0;
	mutex_lock(&sess->slot->lock);
	obj = sks_lookup(sess, gv->handle, false, ckr);
	mutex_unlock(&sess->slot->lock);
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	len = obj->value_len;
	if (obj->obj_class != SKS_CKO_DATA &&
	    obj->obj_class != SKS_CKO_PUBLIC_KEY) {
		err = sks_fail(ckr, SKS_CKR_ATTRIBUTE_SENSITIVE);
	} else if (!gv->buf) {
		gv->len = len;
	} else if (room < len) {
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

/*
 * Walk the objects @sess sees that match @fo; store up to @room handles
 * at @handles (may be NULL). Caller holds slot->lock.
 */
static u32 sks_find_locked(struct sks_file_session *sess,
			   const struct sks_find_objects *fo, u32 *handles,
			   u32 room)
{
	bool priv = sks_session_sees_private(sess);
	struct sks_object *obj;
	unsigned long idx;
	u32 n = 0;

	xa_for_each(&sess->slot->objects, idx, obj) {
		if (sks_object_visible(sess, obj, priv) && sks_match(fo, obj)) {
			if (handles && n < room)
				handles[n] = obj->handle;
			n++;
		}
		if (!(idx % 1024))
			cond_resched();
	}
	return n;
}

/**
 * sks_ioc_find_objects() - SKS_IOC_FIND_OBJECTS: list matching handles.
 * @sess: the session.
 * @arg: struct sks_find_objects.
 * @ckr: out: result code.
 *
 * Needs no login: without a CO or CU login only public objects are
 * listed. @handles 0 asks for the number of matches.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno (-EOVERFLOW, CKR_BUFFER_TOO_SMALL, with
 * the number of matches in @count).
 */
int sks_ioc_find_objects(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_find_objects *fo = arg;
	struct sks_slot *slot = sess->slot;
	u32 *handles = NULL, room = fo->count, n;
	int err;

	fo->count = 0;
	if (fo->reserved ||
	    sks_check_bytes(fo->tmpl.label, fo->tmpl.label_len,
			    SKS_OBJ_LABEL_MAX) ||
	    sks_check_bytes(fo->tmpl.id, fo->tmpl.id_len, SKS_OBJ_ID_MAX))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);

	mutex_lock(&slot->lock);
	err = sks_session_require_partition(sess, ckr);
	if (err)
		goto out_unlock;
	n = sks_find_locked(sess, fo, NULL, 0);
	if (!fo->handles || !n) {
		fo->count = n;		/* a size query, or nothing found */
		goto out_unlock;
	}
	if (room < n) {
		fo->count = n;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out_unlock;
	}
	handles = kvmalloc_array(n, sizeof(*handles), GFP_KERNEL_ACCOUNT);
	if (!handles) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_unlock;
	}
	sks_find_locked(sess, fo, handles, n);
	mutex_unlock(&slot->lock);

	if (copy_to_user(u64_to_user_ptr(fo->handles), handles,
			 n * sizeof(*handles)))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	else
		fo->count = n;
	kvfree(handles);
	return err;

out_unlock:
	mutex_unlock(&slot->lock);
	return err;
}

/* The attributes of @old with the changes of @sa applied, if allowed. */
static int sks_set_attrs_apply(struct sks_slot *slot,
			       const struct sks_object *old,
			       const struct sks_set_attrs *sa,
			       struct sks_obj_attrs *a, u32 *ckr)
{
	const struct sks_obj_attrs *n = &sa->attrs;
	u32 changed;

	sks_object_attrs(old, a);
	if (sa->flags & SKS_SET_LABEL) {
		memset(a->label, 0, sizeof(a->label));
		a->label_len = n->label_len;
		memcpy(a->label, n->label, min_t(u32, n->label_len,
						 sizeof(a->label)));
	}
	if (sa->flags & SKS_SET_ID) {
		memset(a->id, 0, sizeof(a->id));
		a->id_len = n->id_len;
		memcpy(a->id, n->id, min_t(u32, n->id_len, sizeof(a->id)));
	}
	if (sa->flags & SKS_SET_FLAGS) {
		changed = a->flags ^ n->flags;
		/* PKCS#11 v2.40 4.4 footnote 8, 4.7 footnotes 9 and 11 */
		if ((changed & (SKS_OBJ_TOKEN | SKS_OBJ_PRIVATE)) ||
		    (changed & SKS_OBJ_SENSITIVE & ~n->flags) ||
		    (changed & SKS_OBJ_EXTRACTABLE & n->flags))
			return sks_fail(ckr, SKS_CKR_ATTRIBUTE_READ_ONLY);
		a->flags = n->flags;
	}
	return sks_object_validate(slot, a, true, ckr);
}

/* Whether every attribute @sa does not name is zero, as the ABI says. */
static bool sks_set_attrs_clean(const struct sks_set_attrs *sa)
{
	const struct sks_obj_attrs *n = &sa->attrs;

	if (n->obj_class || n->key_type || n->value_len || n->usage_limit ||
	    n->usage_count)
		return false;
	if (!(sa->flags & SKS_SET_LABEL) &&
	    (n->label_len || memchr_inv(n->label, 0, sizeof(n->label))))
		return false;
	if (!(sa->flags & SKS_SET_ID) &&
	    (n->id_len || memchr_inv(n->id, 0, sizeof(n->id))))
		return false;
	return (sa->flags & SKS_SET_FLAGS) || !n->flags;
}

/*
 * Put @new in the place of the visible object @old: same handle, owner
 * and use count; the partition's reference of @old is dropped.
 */
static void sks_object_replace_locked(struct sks_slot *slot,
				      struct sks_object *old,
				      struct sks_object *new)
{
	lockdep_assert_held(&slot->lock);
	new->handle = old->handle;
	new->owner = old->owner;
	if (old->bound) {
		new->usage = old->usage;
		kref_get(&new->usage->ref);
		new->bound = true;
	} else {
		atomic64_set(&new->usage_count,
			     atomic64_read(&old->usage_count));
	}
	/* replacing a present entry allocates nothing */
	xa_store(&slot->objects, old->handle, new, GFP_KERNEL);
	if (old->owner)
		list_replace_init(&old->sess_node, &new->sess_node);
	slot->used += (s64)new->charge - old->charge;
	if (!new->owner)	/* a token object: durable */
		sks_state_changed(slot);
	sks_object_put(old);
}

/**
 * sks_ioc_set_attrs() - SKS_IOC_SET_ATTRS: change an object's label, id
 * or boolean attributes (C_SetAttributeValue).
 * @sess: the session.
 * @arg: struct sks_set_attrs.
 * @ckr: out: result code.
 *
 * Order of checks: @flags (at least one), @reserved and every attribute
 * not named being 0 (CKR_ARGUMENTS_BAD), login as CO, the handle
 * (CKR_OBJECT_HANDLE_INVALID), then PKCS#11's rules: CKA_TOKEN and
 * CKA_PRIVATE never change, CKA_SENSITIVE only to true, CKA_EXTRACTABLE
 * only to false (CKR_ATTRIBUTE_READ_ONLY); the result must be a valid
 * object (label and id lengths: CKR_ARGUMENTS_BAD; flags the type does
 * not allow: CKR_TEMPLATE_INCONSISTENT), and a longer label or id must
 * fit the partition (CKR_DEVICE_MEMORY). The object is replaced by a copy
 * with the new attributes under the same handle; operations already
 * running finish with the old attributes.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_set_attrs(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_set_attrs *sa = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_object *old, *new = NULL;
	struct sks_obj_attrs a;
	int err;

	if (!sa->flags || sa->reserved || !sks_set_attrs_clean(sa))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	mutex_lock(&slot->lock);
	old = sks_lookup(sess, sa->handle, true, ckr);
	if (IS_ERR(old)) {
		err = PTR_ERR(old);
		old = NULL;
		goto out;
	}
	err = sks_set_attrs_apply(slot, old, sa, &a, ckr);
	if (err)
		goto out;
	new = sks_object_new(&a, sks_obj_value(old), old->usage_limit ?
			     sks_obj_key_id(old) : NULL, ckr);
	if (IS_ERR(new)) {
		err = PTR_ERR(new);
		new = NULL;
		goto out;
	}
	if (slot->used - old->charge + new->charge > slot->capacity) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
		goto out;
	}
	sks_object_replace_locked(slot, old, new);
	new = NULL;	/* the partition's now */
out:
	mutex_unlock(&slot->lock);
	sks_object_put(new);
	sks_object_put(old);
	memzero_explicit(&a, sizeof(a));
	return err;
}
