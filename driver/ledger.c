// SPDX-License-Identifier: GPL-2.0
/*
 * sks - the usage ledger: one entry per usage-limited key a partition has
 * held, with the key's use count, shared by every copy of the key, so the
 * limit holds across SKS extract and insert (docs/blob-format.md, "Usage
 * limits"). The crypto path counts in it with atomics (keyuse.c); entries
 * are made and found under the partition's lock.
 */

#include <crypto/sha2.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blob_codec.h"
#include "sks.h"

static_assert(SKS_BLOB_KEY_ID_LEN == SKS_KEY_ID_LEN);

/**
 * sks_obj_key_id() - the ledger id of an object's key.
 * @obj: a usage-limited key.
 *
 * Context: any.
 * Return: SKS_KEY_ID_LEN bytes inside @obj.
 */
const u8 *sks_obj_key_id(const struct sks_object *obj)
{
	return sks_obj_value(obj) + obj->value_len;
}

/**
 * sks_legacy_key_id() - the ledger id of a usage-limited key read from a
 * record of format version 1, which carries none.
 * @r: the record (a usage-limited key).
 * @key_id: out: SKS_KEY_ID_LEN bytes.
 *
 * The id is derived from the key's value and limit: the same for every
 * copy of the key, so old blobs and archives still share one count. It
 * stays in the kernel, or sealed in blobs and images.
 *
 * Context: any.
 */
void sks_legacy_key_id(const struct sks_blob_rec *r, u8 *key_id)
{
	static const char prefix[] = "SKS v1 legacy key id";
	struct sha256_state st;
	u8 digest[SHA256_DIGEST_SIZE];
	__le64 limit = cpu_to_le64(r->usage_limit);

	sha256_init(&st);
	sha256_update(&st, prefix, sizeof(prefix) - 1);
	sha256_update(&st, (const u8 *)&limit, sizeof(limit));
	sha256_update(&st, r->value, r->value_len);
	sha256_final(&st, digest);
	memcpy(key_id, digest, SKS_KEY_ID_LEN);
	memzero_explicit(digest, sizeof(digest));
	memzero_explicit(&st, sizeof(st));
}

static void sks_usage_release(struct kref *ref)
{
	kfree(container_of(ref, struct sks_usage, ref));
}

/**
 * sks_ledger_put() - drop a reference to a ledger entry.
 * @u: the entry.
 *
 * Context: any.
 */
void sks_ledger_put(struct sks_usage *u)
{
	kref_put(&u->ref, sks_usage_release);
}

/*
 * The ledger entry of @key_id, or where it would go (*@link, *@parent).
 * Caller holds slot->lock.
 */
static struct sks_usage *sks_ledger_find_locked(struct sks_slot *slot,
						const u8 *key_id,
						struct rb_node ***link,
						struct rb_node **parent)
{
	struct rb_node **p = &slot->ledger.rb_node, *up = NULL;

	lockdep_assert_held(&slot->lock);
	while (*p) {
		struct sks_usage *u = rb_entry(*p, struct sks_usage, node);
		int c = memcmp(key_id, u->key_id, SKS_KEY_ID_LEN);

		if (!c)
			return u;
		up = *p;
		p = c < 0 ? &(*p)->rb_left : &(*p)->rb_right;
	}
	*link = p;
	*parent = up;
	return NULL;
}

/**
 * sks_ledger_carry() - the use count a copy of a key carries on: the
 * larger of its own and the partition's ledger's.
 * @slot: the partition.
 * @key_id: the key's ledger id.
 * @limit: the key's usage limit.
 * @count: in: the copy's count; out: the count to carry.
 * @ckr: out: result code.
 *
 * Context: process context; takes slot->lock.
 * Return: 0, or -EBADMSG (CKR_DATA_INVALID: the ledger knows the key id
 * with another limit).
 */
int sks_ledger_carry(struct sks_slot *slot, const u8 *key_id, u64 limit,
		     u64 *count, u32 *ckr)
{
	struct rb_node **link, *parent;
	struct sks_usage *u;
	int err = 0;

	mutex_lock(&slot->lock);
	u = sks_ledger_find_locked(slot, key_id, &link, &parent);
	if (u && u->limit != limit)
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	else if (u)
		*count = max_t(u64, *count, atomic64_read(&u->count));
	mutex_unlock(&slot->lock);
	return err;
}

/**
 * sks_ledger_bind_locked() - bind a usage-limited object that is not
 * visible yet to the ledger entry of its key.
 * @slot: the partition.
 * @obj: the object.
 * @ckr: out: result code.
 *
 * The entry is made if the partition never held the key, and then charged
 * SKS_LEDGER_CHARGE bytes (@obj->made says so). The entry's count becomes
 * the larger of its own and the object's: a blob made before later uses
 * does not bring them back.
 *
 * Context: caller holds slot->lock.
 * Return: 0, -EBADMSG (CKR_DATA_INVALID: the key id is known with another
 * limit), -ENOMEM.
 */
int sks_ledger_bind_locked(struct sks_slot *slot, struct sks_object *obj,
			   u32 *ckr)
{
	struct rb_node **link, *parent;
	struct sks_usage *u;
	s64 count = atomic64_read(&obj->usage_count), c;

	lockdep_assert_held(&slot->lock);
	obj->made = false;
	u = sks_ledger_find_locked(slot, sks_obj_key_id(obj), &link, &parent);
	if (u) {
		if (u->limit != obj->usage_limit)
			return sks_fail(ckr, SKS_CKR_DATA_INVALID);
		c = atomic64_read(&u->count);
		while (c < count && !atomic64_try_cmpxchg(&u->count, &c, count))
			;
		kref_get(&u->ref);
	} else {
		u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
		if (!u)
			return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		kref_init(&u->ref);	/* the ledger's */
		kref_get(&u->ref);	/* the object's */
		memcpy(u->key_id, sks_obj_key_id(obj), SKS_KEY_ID_LEN);
		u->limit = obj->usage_limit;
		atomic64_set(&u->count, count);
		rb_link_node(&u->node, parent, link);
		rb_insert_color(&u->node, &slot->ledger);
		slot->used += SKS_LEDGER_CHARGE;
		obj->made = true;
	}
	obj->usage = u;
	obj->bound = true;
	return 0;
}

/* Undo sks_ledger_bind_locked() for an object that was never published. */
static void sks_ledger_unbind_locked(struct sks_slot *slot,
				     struct sks_object *obj, bool made)
{
	struct sks_usage *u = obj->usage;

	lockdep_assert_held(&slot->lock);
	atomic64_set(&obj->usage_count, atomic64_read(&u->count));
	obj->bound = false;
	obj->made = false;
	if (made) {
		rb_erase(&u->node, &slot->ledger);
		slot->used -= SKS_LEDGER_CHARGE;
		sks_ledger_put(u);
	}
	sks_ledger_put(u);
}

/**
 * sks_ledger_destroy_locked() - forget every ledger entry of a partition.
 * @slot: the partition (deleted, zeroized or re-initialised).
 *
 * Objects still held by operations in flight keep their entries alive.
 *
 * Context: caller holds slot->lock.
 */
void sks_ledger_destroy_locked(struct sks_slot *slot)
{
	struct rb_node *n;

	lockdep_assert_held(&slot->lock);
	while ((n = rb_first(&slot->ledger))) {
		rb_erase(n, &slot->ledger);
		slot->used -= SKS_LEDGER_CHARGE;
		sks_ledger_put(rb_entry(n, struct sks_usage, node));
	}
}

/**
 * sks_ledger_unbind_all_locked() - take unpublished objects back from the
 * ledger, dropping the entries made for them.
 * @slot: the partition.
 * @objs: the objects (those not bound are skipped).
 * @n: how many.
 *
 * Context: caller holds slot->lock.
 */
void sks_ledger_unbind_all_locked(struct sks_slot *slot,
				  struct sks_object **objs, u32 n)
{
	while (n--)
		if (objs[n]->bound)
			sks_ledger_unbind_locked(slot, objs[n], objs[n]->made);
}

/**
 * sks_ledger_restore_locked() - put back a ledger entry read from a state
 * record.
 * @slot: the partition being activated.
 * @l: the entry.
 * @ckr: out: result code.
 *
 * Context: caller holds slot->lock.
 * Return: 0, -EBADMSG (CKR_DATA_INVALID: the key id is there twice),
 * -ENOMEM.
 */
int sks_ledger_restore_locked(struct sks_slot *slot,
			      const struct sks_rec_ledger *l, u32 *ckr)
{
	struct rb_node **link, *parent;
	struct sks_usage *u;

	if (sks_ledger_find_locked(slot, l->key_id, &link, &parent))
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	kref_init(&u->ref);
	memcpy(u->key_id, l->key_id, SKS_KEY_ID_LEN);
	u->limit = l->limit;
	atomic64_set(&u->count, l->count);
	rb_link_node(&u->node, parent, link);
	rb_insert_color(&u->node, &slot->ledger);
	slot->used += SKS_LEDGER_CHARGE;
	return 0;
}
