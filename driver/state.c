// SPDX-License-Identifier: GPL-2.0
/*
 * sks - durable state, saving: sealed state records of slots and the HSM
 * record (SKS_CTL_STATE_SAVE), the storage key of a slot and its wraps,
 * and the change notifications that tell user space to save
 * (docs/durability.md). Loading and activation are state_load.c's; the
 * codec is state_codec.c.
 *
 * A slot's storage key is random; the record keeps it wrapped
 * (AES-256-GCM) under KEK = HKDF-Expand(T, "SKS storage kek", 32), where
 * T is the PBKDF2 output of the SO or Crypto Officer secret — the value
 * whose hash-check is the secret's verifier — so a login costs one PBKDF2
 * whether it checks a verifier or unwraps the storage key. Records are
 * sealed and opened under the slot's auth_lock, which protects the
 * transforms used (pin_tfm, state_aead).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <keys/user-type.h>
#include <linux/capability.h>
#include <linux/key.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "backup.h"
#include "image_codec.h"
#include "sks.h"
#include "state.h"

static_assert(SKS_REC_KEY_LEN == SKS_SMK_LEN);
static_assert(SKS_REC_SALT_LEN == SKS_SECRET_SALT_LEN);
static_assert(SKS_REC_HASH_LEN == SKS_SECRET_HASH_LEN);
static_assert(SKS_REC_DESC_LEN == SKS_KEYDESC_MAX);
static_assert(SKS_REC_MAX_LEN == SKS_STATE_MAX_SIZE);
static_assert(SKS_HREC_MAX_SLOTS == SKS_MAX_SLOTS);
static_assert(SKS_REC_LABEL_LEN == SKS_LABEL_LEN);
static_assert(SKS_REC_MIN_ITER == SKS_KDF_ITERATIONS_MIN);
static_assert(SKS_REC_MAX_ITER == SKS_KDF_ITERATIONS_MAX);

/* ---- change notification ---- */

static void sks_state_work(struct work_struct *work)
{
	struct sks_slot *slot = container_of(work, struct sks_slot, state_work);
	char *envp[2];

	envp[0] = "SKS_STATE=1";
	envp[1] = NULL;
	sysfs_notify(&slot->dev->kobj, NULL, "state_generation");
	kobject_uevent_env(&slot->dev->kobj, KOBJ_CHANGE, envp);
}

/**
 * sks_state_init() - set up the durable state of a new slot.
 * @slot: a slot being allocated.
 *
 * Context: process context.
 */
void sks_state_init(struct sks_slot *slot)
{
	INIT_WORK(&slot->state_work, sks_state_work);
	atomic64_set(&slot->generation, 1);
}

/**
 * sks_state_changed() - record a durable change of a slot.
 * @slot: the slot.
 *
 * The generation grows (after the change, so a record that shows a
 * generation holds every change up to it), and user space is told: the
 * state_generation attribute is notified and a KOBJ_CHANGE uevent with
 * SKS_STATE=1 is sent, once for changes that come in a burst.
 *
 * Context: any process context (also the lockless crypto path).
 */
void sks_state_changed(struct sks_slot *slot)
{
	atomic64_inc(&slot->generation);
	if (slot->dev && !READ_ONCE(slot->dead))
		schedule_work(&slot->state_work);
}

/**
 * sks_state_stop() - end the change notifications of a slot.
 * @slot: a slot being deleted (marked dead) or freed.
 *
 * Context: process context, may sleep; no slot lock held.
 */
void sks_state_stop(struct sks_slot *slot)
{
	cancel_work_sync(&slot->state_work);
}

/* ---- storage keys and wraps ---- */

/**
 * sks_state_tfm() - the transform records and wraps are sealed with.
 * @slot: the slot.
 *
 * Context: caller holds slot->auth_lock.
 * Return: the slot's gcm(aes) transform, made on first use, or an ERR_PTR.
 */
struct crypto_aead *sks_state_tfm(struct sks_slot *slot)
{
	lockdep_assert_held(&slot->auth_lock);
	if (!slot->state_aead) {
		struct crypto_aead *tfm = sks_gcm_alloc();

		if (IS_ERR(tfm))
			return tfm;
		slot->state_aead = tfm;
	}
	return slot->state_aead;
}

/**
 * sks_state_kek() - KEK = HKDF-Expand(@prk, @info, 32) with the slot's
 * pin_tfm.
 * @slot: the slot.
 * @prk: the pseudorandom key.
 * @prk_len: its length.
 * @info: the HKDF info string.
 * @kek: out: SKS_SMK_LEN bytes.
 *
 * Context: caller holds slot->auth_lock.
 * Return: 0 or a negative errno.
 */
int sks_state_kek(struct sks_slot *slot, const u8 *prk, u32 prk_len,
		  const char *info, u8 *kek)
{
	int err;

	err = crypto_shash_setkey(slot->pin_tfm, prk, prk_len);
	if (!err)
		err = sks_hkdf_expand_tfm(slot->pin_tfm, info, strlen(info),
					  kek, SKS_SMK_LEN);
	sks_shash_forget_key(slot->pin_tfm);
	return err;
}

/**
 * sks_wrap_crypt() - seal or open the storage key in a wrap.
 * @slot: the slot.
 * @enc: seal (@key into @w) or open (@w into @key).
 * @w: the wrap; its IV is made when sealing.
 * @kek: the key encryption key.
 * @key: the storage key, SKS_REC_KEY_LEN bytes.
 *
 * The AAD binds the wrap to its kind, the HSM and the slot, so a wrap
 * moved elsewhere never opens.
 *
 * Context: caller holds slot->auth_lock.
 * Return: 0, -EBADMSG (opening: the wrong KEK or a damaged wrap) or
 * another negative errno.
 */
int sks_wrap_crypt(struct sks_slot *slot, bool enc, struct sks_rec_wrap *w,
		   const u8 *kek, u8 *key)
{
	struct crypto_aead *tfm = sks_state_tfm(slot);
	u8 *buf;
	int err;

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	/* [kind | hsm serial | slot serial] [key] [tag] */
	buf = kzalloc(20 + SKS_REC_KEY_LEN + SKS_REC_TAG_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	sks_put_le32(buf, w->kind);
	sks_put_le64(buf + 4, slot->hsm->serial);
	sks_put_le64(buf + 12, slot->serial);
	if (enc) {
		get_random_bytes(w->iv, sizeof(w->iv));
		memcpy(buf + 20, key, SKS_REC_KEY_LEN);
	} else {
		memcpy(buf + 20, w->ct, SKS_REC_KEY_LEN);
		memcpy(buf + 20 + SKS_REC_KEY_LEN, w->tag, SKS_REC_TAG_LEN);
	}
	err = sks_gcm_buf(tfm, kek, enc, buf, 20, SKS_REC_KEY_LEN, w->iv);
	if (!err && enc) {
		memcpy(w->ct, buf + 20, SKS_REC_KEY_LEN);
		memcpy(w->tag, buf + 20 + SKS_REC_KEY_LEN, SKS_REC_TAG_LEN);
	} else if (!err) {
		memcpy(key, buf + 20, SKS_REC_KEY_LEN);
	}
	kfree_sensitive(buf);
	return err;
}

/**
 * sks_state_wrap_role_locked() - wrap the storage key under the SO or CO
 * secret just set.
 * @slot: the slot; its secret of @role is set.
 * @role: SKS_ROLE_SO or SKS_ROLE_CO (other roles wrap nothing).
 *
 * Context: caller holds slot->auth_lock and slot->lock.
 * Return: 0 or a negative errno (then the old wrap stays).
 */
int sks_state_wrap_role_locked(struct sks_slot *slot, u32 role)
{
	const struct sks_secret *s = role == SKS_ROLE_SO ? &slot->so : &slot->co;
	struct sks_rec_wrap w = {};
	u8 kek[SKS_SMK_LEN];
	int err;

	lockdep_assert_held(&slot->auth_lock);
	lockdep_assert_held(&slot->lock);
	if ((role != SKS_ROLE_SO && role != SKS_ROLE_CO) ||
	    !slot->has_storage_key || !s->set)
		return 0;
	w.kind = role == SKS_ROLE_SO ? SKS_WRAP_SO : SKS_WRAP_CO;
	w.iterations = s->iterations;
	memcpy(w.salt, s->salt, sizeof(w.salt));
	err = sks_state_kek(slot, s->hash, sizeof(s->hash), SKS_STATE_KEK_INFO, kek);
	if (!err)
		err = sks_wrap_crypt(slot, true, &w, kek, slot->storage_key);
	if (!err)
		*(role == SKS_ROLE_SO ? &slot->so_wrap : &slot->co_wrap) = w;
	memzero_explicit(kek, sizeof(kek));
	memzero_explicit(&w, sizeof(w));
	return err;
}

/**
 * sks_state_new_key_locked() - give a slot a new random storage key.
 * @slot: a slot being initialised (a partition) or made (a Backup HSM);
 *	its SO secret is set.
 *
 * Every old wrap is dropped (the auto-activation policy too) and the key
 * is wrapped under the SO secret.
 *
 * Context: caller holds slot->auth_lock and slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_state_new_key_locked(struct sks_slot *slot)
{
	lockdep_assert_held(&slot->lock);
	get_random_bytes(slot->storage_key, sizeof(slot->storage_key));
	slot->has_storage_key = true;
	memzero_explicit(&slot->so_wrap, sizeof(slot->so_wrap));
	memzero_explicit(&slot->co_wrap, sizeof(slot->co_wrap));
	memzero_explicit(&slot->auto_wrap, sizeof(slot->auto_wrap));
	memset(slot->auto_desc, 0, sizeof(slot->auto_desc));
	return sks_state_wrap_role_locked(slot, SKS_ROLE_SO);
}

/**
 * sks_state_forget_locked() - wipe a slot's storage key, wraps and sealed
 * record (zeroization, re-initialisation, deletion).
 * @slot: the slot.
 *
 * Context: caller holds slot->lock.
 */
void sks_state_forget_locked(struct sks_slot *slot)
{
	lockdep_assert_held(&slot->lock);
	memzero_explicit(slot->storage_key, sizeof(slot->storage_key));
	slot->has_storage_key = false;
	memzero_explicit(&slot->so_wrap, sizeof(slot->so_wrap));
	memzero_explicit(&slot->co_wrap, sizeof(slot->co_wrap));
	memzero_explicit(&slot->auto_wrap, sizeof(slot->auto_wrap));
	memset(slot->auto_desc, 0, sizeof(slot->auto_desc));
	if (slot->sealed)
		kvfree_sensitive(slot->sealed, slot->sealed_len);
	slot->sealed = NULL;
	slot->sealed_len = 0;
	WRITE_ONCE(slot->deactivated, false);
}

/* ---- sealing ---- */

static void sks_rec_secret_from(struct sks_rec_secret *r,
				const struct sks_secret *s)
{
	memset(r, 0, sizeof(*r));
	if (!s->set)
		return;
	r->set = 1;
	r->iterations = s->iterations;
	memcpy(r->salt, s->salt, sizeof(r->salt));
	memcpy(r->hash, s->hash, sizeof(r->hash));
}

/**
 * sks_rec_secret_to() - a secret verifier read from a record.
 * @s: out: the verifier.
 * @r: the record's form of it.
 *
 * Context: any.
 */
void sks_rec_secret_to(struct sks_secret *s, const struct sks_rec_secret *r)
{
	memset(s, 0, sizeof(*s));
	if (!r->set)
		return;
	s->set = true;
	s->iterations = r->iterations;
	memcpy(s->salt, r->salt, sizeof(s->salt));
	memcpy(s->hash, r->hash, sizeof(s->hash));
}

/* Bytes of the payload of an active slot. Caller holds slot->lock. */
static size_t sks_state_payload_size(struct sks_slot *slot)
{
	struct sks_blob_rec r;
	struct sks_object *obj;
	struct rb_node *n;
	unsigned long idx;
	size_t size = SKS_REC_PAYLOAD_FIXED;

	lockdep_assert_held(&slot->lock);
	if (slot->type == SKS_SLOT_BACKUP)
		return size + sks_image_payload_size(slot);
	xa_for_each(&slot->objects, idx, obj) {
		if (obj->owner)
			continue;
		sks_object_to_rec(obj, &r);
		size += sks_blob_rec_size(&r);
	}
	for (n = rb_first(&slot->ledger); n; n = rb_next(n))
		size += SKS_REC_LEDGER_LEN;
	return size;
}

/* Encode the payload of an active slot into @p. Caller holds slot->lock. */
static void sks_state_encode(struct sks_slot *slot, u8 *p)
{
	struct sks_rec_payload f = {};
	struct sks_rec_ledger l;
	struct sks_blob_rec r;
	struct sks_object *obj;
	struct rb_node *n;
	unsigned long idx;
	u8 *q = p + SKS_REC_PAYLOAD_FIXED;

	lockdep_assert_held(&slot->lock);
	f.flags = slot->initialized ? SKS_PAYLOAD_INITIALIZED : 0;
	sks_rec_secret_from(&f.so, &slot->so);
	sks_rec_secret_from(&f.co, &slot->co);
	sks_rec_secret_from(&f.cu, &slot->cu);
	f.domain_set = slot->domain.set;
	if (slot->domain.set)
		memcpy(f.domain, slot->domain.hash, sizeof(f.domain));
	if (slot->smk)
		memcpy(f.smk, slot->smk->key, sizeof(f.smk));
	if (slot->rollover)
		memcpy(f.rollover, slot->rollover->key, sizeof(f.rollover));
	if (slot->type == SKS_SLOT_BACKUP) {
		sks_rec_put_payload(p, &f);
		sks_image_encode(slot, q);
		memzero_explicit(&f, sizeof(f));
		return;
	}
	xa_for_each(&slot->objects, idx, obj) {
		if (obj->owner)
			continue;
		sks_object_to_rec(obj, &r);
		q += sks_blob_put_rec(q, &r);
		f.nr_objects++;
	}
	for (n = rb_first(&slot->ledger); n; n = rb_next(n)) {
		struct sks_usage *u = rb_entry(n, struct sks_usage, node);

		memcpy(l.key_id, u->key_id, sizeof(l.key_id));
		l.limit = u->limit;
		l.count = atomic64_read(&u->count);
		sks_rec_put_ledger(q, &l);
		q += SKS_REC_LEDGER_LEN;
		f.nr_ledger++;
	}
	sks_rec_put_payload(p, &f);
	memzero_explicit(&f, sizeof(f));
}

static void sks_state_header(struct sks_slot *slot, struct sks_rec_hdr *h)
{
	const struct sks_rec_wrap *w[] = {
		&slot->so_wrap, &slot->co_wrap, &slot->auto_wrap,
	};
	unsigned int i;

	memset(h, 0, sizeof(*h));
	h->type = slot->type;
	h->hsm_serial = slot->hsm->serial;
	h->serial = slot->serial;
	h->num = slot->num;
	h->capacity = slot->capacity;
	memcpy(h->label, slot->label, sizeof(h->label));
	strscpy(h->fw_version, slot->fw_version, sizeof(h->fw_version));
	if (!slot->has_storage_key)
		return;		/* uninitialised: no wraps, no payload */
	for (i = 0; i < ARRAY_SIZE(w); i++)
		if (w[i]->kind != SKS_WRAP_NONE)
			h->wraps[h->nr_wraps++] = *w[i];
	if (slot->auto_wrap.kind != SKS_WRAP_NONE)
		strscpy(h->desc, slot->auto_desc, sizeof(h->desc));
}

static void sks_state_trailer(struct sks_slot *slot, struct sks_rec_trailer *t,
			      u64 generation)
{
	memset(t, 0, sizeof(*t));
	t->so_failures = slot->so_lockout.failures;
	t->co_failures = slot->co_lockout.failures;
	t->cu_failures = slot->cu_lockout.failures;
	t->sim_failures = slot->sim_lockout.failures;
	t->generation = generation;
	t->flags = slot->zeroized ? SKS_REC_ZEROIZED : 0;
}

/* Put the trailer and the record's checksum at the end of @buf. */
static void sks_state_finish(u8 *buf, size_t len, struct sks_rec_trailer *t)
{
	u8 *trl = buf + len - SKS_REC_TRAILER_LEN;

	memset(t->sum, 0, sizeof(t->sum));
	sks_rec_put_trailer(trl, t);
	sha256(buf, len - SKS_REC_SUM_LEN, buf + len - SKS_REC_SUM_LEN);
}

/*
 * The record of a deactivated slot: the sealed record as loaded, with the
 * trailer of now. Caller holds slot->lock.
 */
static u8 *sks_state_reseal_locked(struct sks_slot *slot, size_t *len,
				   u64 *generation)
{
	struct sks_rec_trailer t;
	u8 *buf;

	buf = kvmalloc(slot->sealed_len, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	memcpy(buf, slot->sealed, slot->sealed_len);
	*len = slot->sealed_len;
	*generation = atomic64_read(&slot->generation);
	sks_state_trailer(slot, &t, *generation);
	sks_state_finish(buf, *len, &t);
	return buf;
}

/*
 * Seal the record of @slot into a new kvmalloc'd buffer; *@len is its
 * size. One look under slot->lock takes everything (the generation first:
 * changes raise it after they are made). Caller holds auth_lock.
 */
static u8 *sks_state_seal(struct sks_slot *slot, size_t *len, u64 *generation,
			  u32 *ckr)
{
	struct sks_rec_trailer t;
	struct sks_rec_hdr h;
	u8 key[SKS_SMK_LEN];
	size_t payload = 0;
	u8 *buf = NULL;
	int err, tries;

	lockdep_assert_held(&slot->auth_lock);
	for (tries = 0; tries < 4; tries++) {
		mutex_lock(&slot->lock);
		if (slot->dead) {
			mutex_unlock(&slot->lock);
			return ERR_PTR(sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT));
		}
		if (slot->deactivated) {
			buf = sks_state_reseal_locked(slot, len, generation);
			mutex_unlock(&slot->lock);
			if (IS_ERR(buf))
				sks_fail(ckr, SKS_CKR_HOST_MEMORY);
			return buf;
		}
		if (buf && payload == (slot->has_storage_key ?
				       sks_state_payload_size(slot) : 0))
			break;		/* the buffer still fits: encode */
		payload = slot->has_storage_key ?
			  sks_state_payload_size(slot) : 0;
		mutex_unlock(&slot->lock);
		kvfree(buf);
		h.nr_wraps = !!payload;
		h.payload_len = payload;
		*len = sks_rec_size(&h);
		if (*len > SKS_STATE_MAX_SIZE)
			return ERR_PTR(sks_fail(ckr, SKS_CKR_DEVICE_MEMORY));
		buf = kvzalloc(*len, GFP_KERNEL_ACCOUNT);
		if (!buf)
			return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	}
	if (tries == 4) {	/* changing faster than it can be sealed */
		kvfree(buf);
		return ERR_PTR(sks_fail(ckr, SKS_CKR_OPERATION_ACTIVE));
	}
	*generation = atomic64_read(&slot->generation);
	sks_state_header(slot, &h);
	h.payload_len = payload;
	if (payload)
		sks_state_encode(slot, buf + SKS_REC_HDR_LEN);
	sks_state_trailer(slot, &t, *generation);
	memcpy(key, slot->storage_key, sizeof(key));
	mutex_unlock(&slot->lock);

	err = 0;
	if (payload) {
		get_random_bytes(h.iv, sizeof(h.iv));
		sks_rec_put_hdr(buf, &h);
		err = PTR_ERR_OR_ZERO(sks_state_tfm(slot));
		if (!err)
			err = sks_gcm_buf(slot->state_aead, key, true, buf,
					  SKS_REC_HDR_LEN, payload, h.iv);
	} else {
		sks_rec_put_hdr(buf, &h);
	}
	memzero_explicit(key, sizeof(key));
	memzero_explicit(&h, sizeof(h));
	if (err) {
		kvfree_sensitive(buf, *len);
		return ERR_PTR(sks_fail(ckr, SKS_CKR_DEVICE_ERROR));
	}
	sks_state_finish(buf, *len, &t);
	return buf;
}

/* The HSM record: serial, firmware and the slots that exist. */
static u8 *sks_state_hsm_record(struct sks_hsm *hsm, size_t *len,
				u64 *generation, u32 *ckr)
{
	struct sks_hrec *r;
	unsigned int i;
	u8 *buf;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	mutex_lock(&hsm->slots_lock);
	r->serial = hsm->serial;
	strscpy(r->firmware, hsm->firmware, sizeof(r->firmware));
	for (i = 0; i < SKS_MAX_SLOTS; i++) {
		struct sks_slot *slot = hsm->slots[i];
		struct sks_hrec_slot *e;

		if (!slot)
			continue;
		e = &r->slots[r->nr_slots++];
		e->num = slot->num;
		e->type = slot->type;
		e->serial = slot->serial;
		e->generation = atomic64_read(&slot->generation);
	}
	*generation = hsm->generation;
	mutex_unlock(&hsm->slots_lock);
	*len = sks_hrec_size(r->nr_slots);
	buf = kvzalloc(*len, GFP_KERNEL);
	if (buf) {
		sks_hrec_put(buf, r);
		sha256(buf, *len - SKS_REC_SUM_LEN, buf + *len - SKS_REC_SUM_LEN);
	}
	kfree(r);
	return buf ?: ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
}

/**
 * sks_ctl_state_save() - SKS_CTL_STATE_SAVE: the sealed record of a slot,
 * or the HSM record.
 * @hsm: the HSM.
 * @arg: struct sks_state_save.
 * @ckr: out: result code.
 *
 * Order of checks: reserved fields, CAP_SYS_ADMIN, the slot
 * (CKR_SLOT_ID_INVALID), then @record 0 (size query) or its room
 * (CKR_BUFFER_TOO_SMALL; the record may have grown since a size query:
 * ask again). A record is one consistent look at the slot.
 *
 * Context: process context, may sleep; takes slots_lock, then the slot's
 * auth_lock and lock.
 * Return: 0 or a negative errno.
 */
int sks_ctl_state_save(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	struct sks_state_save *ss = arg;
	struct sks_slot *slot = NULL;
	u32 room = ss->record_len;
	size_t len = 0;
	u8 *buf;
	int err = 0;

	ss->record_len = 0;
	ss->generation = 0;
	if (ss->reserved || ss->reserved2 ||
	    ((ss->flags & SKS_STATE_SAVE_HSM) && ss->slot))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);
	if (ss->flags & SKS_STATE_SAVE_HSM) {
		buf = sks_state_hsm_record(hsm, &len, &ss->generation, ckr);
	} else {
		slot = sks_slot_get(hsm, ss->slot);
		if (!slot)
			return sks_fail(ckr, SKS_CKR_SLOT_ID_INVALID);
		mutex_lock(&slot->auth_lock);
		buf = sks_state_seal(slot, &len, &ss->generation, ckr);
		mutex_unlock(&slot->auth_lock);
	}
	if (IS_ERR(buf)) {
		err = PTR_ERR(buf);
		buf = NULL;
		goto out;
	}
	ss->record_len = len;
	if (!ss->record)
		goto out;	/* size query */
	if (room < len)
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
	else if (copy_to_user(u64_to_user_ptr(ss->record), buf, len))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	if (err && err != -EOVERFLOW)
		ss->record_len = 0;
out:
	if (buf)
		kvfree_sensitive(buf, len);
	if (slot)
		sks_slot_put(slot);
	return err;
}
