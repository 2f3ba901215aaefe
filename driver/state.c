// SPDX-License-Identifier: GPL-2.0
/*
 * sks - durable state: sealed state records of slots and the HSM record
 * (SKS_CTL_STATE_SAVE, SKS_CTL_STATE_LOAD), the storage key of a slot and
 * its wraps, activation of a loaded slot, the auto-activation policy, and
 * the change notifications that tell user space to save
 * (docs/durability.md). The codec is state_codec.c.
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

static const char sks_kek_info[] = "SKS storage kek";
static const char sks_auto_info[] = "SKS auto-activation kek";

static_assert(SKS_REC_KEY_LEN == SKS_SMK_LEN);
static_assert(SKS_REC_SALT_LEN == SKS_SECRET_SALT_LEN);
static_assert(SKS_REC_HASH_LEN == SKS_SECRET_HASH_LEN);
static_assert(SKS_REC_DESC_LEN == SKS_KEYDESC_MAX);
static_assert(SKS_REC_MAX_LEN == SKS_STATE_MAX_SIZE);
static_assert(SKS_HREC_MAX_SLOTS == SKS_MAX_SLOTS);
static_assert(SKS_REC_LABEL_LEN == SKS_LABEL_LEN);

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

/* The transform records and wraps are sealed with; caller holds auth_lock. */
static struct crypto_aead *sks_state_tfm(struct sks_slot *slot)
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

/* KEK = HKDF-Expand(@prk, @info, 32) with the slot's pin_tfm. */
static int sks_state_kek(struct sks_slot *slot, const u8 *prk, u32 prk_len,
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

/*
 * Seal or open the storage key in @w under @kek; the AAD binds the wrap
 * to its kind, the HSM and the slot, so a wrap moved elsewhere never
 * opens. Caller holds auth_lock.
 */
static int sks_wrap_crypt(struct sks_slot *slot, bool enc,
			  struct sks_rec_wrap *w, const u8 *kek, u8 *key)
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
	err = sks_state_kek(slot, s->hash, sizeof(s->hash), sks_kek_info, kek);
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

static void sks_rec_secret_to(struct sks_secret *s,
			      const struct sks_rec_secret *r)
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

/* ---- loading and activation ---- */

/* The parts of an activated payload, built before anything is installed. */
struct sks_state_open {
	struct sks_rec_payload f;
	struct sks_smk *smk;
	struct sks_smk *rollover;
	struct sks_object **objs;
	u32 nr_objs;
	struct sks_rec_ledger *ledger;
	u32 nr_ledger;
};

static void sks_state_open_free(struct sks_state_open *o)
{
	u32 i;

	sks_smk_put(o->smk);
	sks_smk_put(o->rollover);
	for (i = 0; o->objs && i < o->nr_objs; i++)
		sks_object_put(o->objs[i]);
	kvfree(o->objs);
	kvfree(o->ledger);
	memzero_explicit(o, sizeof(*o));
}

static bool sks_state_zero(const u8 *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* Build the SMKs, token objects and ledger entries of a partition payload. */
static int sks_state_build(struct sks_slot *slot, const u8 *p, size_t len,
			   struct sks_state_open *o, u32 *ckr)
{
	const u8 *q = p + SKS_REC_PAYLOAD_FIXED, *end = p + len;
	struct sks_blob_rec r;
	size_t used;
	u32 i;

	if (!sks_state_zero(o->f.smk, sizeof(o->f.smk))) {
		o->smk = sks_smk_import(o->f.smk);
		if (IS_ERR(o->smk)) {
			o->smk = NULL;
			return sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		}
	}
	if (!sks_state_zero(o->f.rollover, sizeof(o->f.rollover))) {
		o->rollover = sks_smk_import(o->f.rollover);
		if (IS_ERR(o->rollover)) {
			o->rollover = NULL;
			return sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		}
	}
	o->objs = kvcalloc(max_t(u32, o->f.nr_objects, 1), sizeof(*o->objs),
			   GFP_KERNEL_ACCOUNT);
	o->ledger = kvcalloc(max_t(u32, o->f.nr_ledger, 1),
			     sizeof(*o->ledger), GFP_KERNEL_ACCOUNT);
	if (!o->objs || !o->ledger)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	for (i = 0; i < o->f.nr_objects; i++, q += used) {
		if (sks_blob_get_rec(q, end - q, SKS_BLOB_VERSION, &r, &used) ||
		    !(r.flags & SKS_OBJ_TOKEN))
			return sks_fail(ckr, SKS_CKR_DATA_INVALID);
		o->objs[i] = sks_object_from_rec(slot, &r, 0, ckr);
		if (IS_ERR(o->objs[i])) {
			o->objs[i] = NULL;
			return sks_fail(ckr, SKS_CKR_DATA_INVALID);
		}
		o->nr_objs++;
		cond_resched();
	}
	for (i = 0; i < o->f.nr_ledger; i++, q += SKS_REC_LEDGER_LEN) {
		if (end - q < SKS_REC_LEDGER_LEN ||
		    sks_rec_get_ledger(q, &o->ledger[i]))
			return sks_fail(ckr, SKS_CKR_DATA_INVALID);
		o->nr_ledger++;
	}
	if (q != end)
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	return 0;
}

/*
 * Install what was opened into the deactivated partition: from here on it
 * is active. Caller holds auth_lock and lock.
 */
static int sks_state_install_locked(struct sks_slot *slot,
				    struct sks_state_open *o, u32 *ckr)
{
	u32 i;
	int err;

	lockdep_assert_held(&slot->lock);
	for (i = 0; i < o->nr_ledger; i++) {
		err = sks_ledger_restore_locked(slot, &o->ledger[i], ckr);
		if (err)
			goto err_ledger;
	}
	err = sks_objects_publish_locked(slot, NULL, o->objs, o->nr_objs, ckr);
	if (err)
		goto err_ledger;
	kvfree(o->objs);	/* the partition holds the objects now */
	o->objs = NULL;
	o->nr_objs = 0;
	sks_rec_secret_to(&slot->so, &o->f.so);
	sks_rec_secret_to(&slot->co, &o->f.co);
	sks_rec_secret_to(&slot->cu, &o->f.cu);
	if (o->f.domain_set)
		sks_domain_restore(&slot->domain, o->f.domain);
	slot->smk = o->smk;
	slot->rollover = o->rollover;
	o->smk = NULL;
	o->rollover = NULL;
	return 0;

err_ledger:
	sks_ledger_destroy_locked(slot);
	return err;
}

/*
 * Activate a deactivated slot with its storage key: open the sealed
 * payload and install its contents, all or nothing. Caller holds
 * auth_lock (which keeps slot->sealed as it is).
 */
static int sks_state_activate(struct sks_slot *slot, const u8 *key, u32 *ckr)
{
	struct sks_state_open o = {};
	struct sks_rec_hdr h;
	size_t plen;
	u8 *buf;
	int err;

	lockdep_assert_held(&slot->auth_lock);
	if (sks_rec_get_hdr(slot->sealed, slot->sealed_len, &h))
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	plen = h.payload_len;
	/* [header (AAD) | payload | tag], opened in a copy */
	buf = kvmalloc(SKS_REC_HDR_LEN + plen + SKS_REC_TAG_LEN,
		       GFP_KERNEL_ACCOUNT);
	if (!buf)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	memcpy(buf, slot->sealed, SKS_REC_HDR_LEN + plen + SKS_REC_TAG_LEN);
	err = PTR_ERR_OR_ZERO(sks_state_tfm(slot));
	if (!err)
		err = sks_gcm_buf(slot->state_aead, key, false, buf,
				  SKS_REC_HDR_LEN, plen, h.iv);
	if (err) {
		err = sks_fail(ckr, err == -EBADMSG ? SKS_CKR_DATA_INVALID :
			       SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	if (sks_rec_get_payload(buf + SKS_REC_HDR_LEN, plen, slot->type,
				&o.f)) {
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
		goto out;
	}
	if (slot->type == SKS_SLOT_BACKUP) {
		err = sks_backup_state_open(slot, buf + SKS_REC_HDR_LEN +
					    SKS_REC_PAYLOAD_FIXED,
					    plen - SKS_REC_PAYLOAD_FIXED, ckr);
		if (!err)
			sks_rec_secret_to(&slot->so, &o.f.so);
	} else {
		err = sks_state_build(slot, buf + SKS_REC_HDR_LEN, plen, &o,
				      ckr);
		if (!err) {
			mutex_lock(&slot->lock);
			err = sks_state_install_locked(slot, &o, ckr);
			mutex_unlock(&slot->lock);
		}
	}
	if (err)
		goto out;
	mutex_lock(&slot->lock);
	memcpy(slot->storage_key, key, sizeof(slot->storage_key));
	slot->has_storage_key = true;
	kvfree_sensitive(slot->sealed, slot->sealed_len);
	slot->sealed = NULL;
	slot->sealed_len = 0;
	WRITE_ONCE(slot->deactivated, false);
	mutex_unlock(&slot->lock);
	pr_info("slot %u activated\n", slot->num);
out:
	sks_state_open_free(&o);
	kvfree_sensitive(buf, SKS_REC_HDR_LEN + plen + SKS_REC_TAG_LEN);
	return err;
}

/**
 * sks_state_unlock() - check a secret of a deactivated slot by unwrapping
 * its storage key, and activate the slot when it is right.
 * @slot: the slot, deactivated.
 * @role: SKS_ROLE_SO (a Backup HSM's HSM SO) or SKS_ROLE_CO; the Crypto
 *	User cannot activate (CKR_PARTITION_DEACTIVATED).
 * @pin: the candidate.
 * @len: its length.
 * @match: out: the secret is right (and the slot now active).
 * @ckr: out: result code.
 *
 * Costs one PBKDF2 of the wrap's cost, as a login does. The caller
 * counts a wrong secret.
 *
 * Context: process context, may sleep; caller holds auth_lock; takes lock.
 * Return: 0 (see @match) or a negative errno.
 */
int sks_state_unlock(struct sks_slot *slot, u32 role, const u8 *pin, u32 len,
		     bool *match, u32 *ckr)
{
	struct sks_rec_wrap w;
	u8 t[SKS_SECRET_HASH_LEN], kek[SKS_SMK_LEN], key[SKS_SMK_LEN];
	int err = 0;

	*match = false;
	mutex_lock(&slot->lock);
	if (role == SKS_ROLE_SO)
		w = slot->so_wrap;
	else if (role == SKS_ROLE_CO)
		w = slot->co_wrap;
	else
		err = sks_fail(ckr, SKS_CKR_PARTITION_DEACTIVATED);
	mutex_unlock(&slot->lock);
	if (err)
		return err;
	if (w.kind == SKS_WRAP_NONE)
		return sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);

	err = sks_pbkdf2_sha256(slot->pin_tfm, pin, len, w.salt, sizeof(w.salt),
				w.iterations, t, sizeof(t));
	if (!err)
		err = sks_state_kek(slot, t, sizeof(t), sks_kek_info, kek);
	if (!err)
		err = sks_wrap_crypt(slot, false, &w, kek, key);
	if (err == -EBADMSG) {
		err = 0;	/* a wrong secret: *match stays false */
	} else if (err) {
		err = err == -EINTR ? err : sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	} else {
		err = sks_state_activate(slot, key, ckr);
		*match = !err;
	}
	memzero_explicit(t, sizeof(t));
	memzero_explicit(kek, sizeof(kek));
	memzero_explicit(key, sizeof(key));
	memzero_explicit(&w, sizeof(w));
	return err;
}

/* The payload of a logon key named @desc in the caller's keyrings. */
static int sks_state_keyring_kek(struct sks_slot *slot, const char *desc,
				 const u8 *salt, u8 *kek, u32 *ckr)
{
	const struct user_key_payload *upayload;
	u8 prk[SKS_SMK_LEN];
	struct key *key;
	int err;

	key = request_key(&key_type_logon, desc, NULL);
	if (IS_ERR(key))
		return sks_fail(ckr, SKS_CKR_KEY_HANDLE_INVALID);
	down_read(&key->sem);
	upayload = user_key_payload_locked(key);
	/* HKDF-Extract(salt, key payload), then Expand */
	err = upayload ? crypto_shash_setkey(slot->pin_tfm, salt,
					     SKS_REC_SALT_LEN) : -EKEYREVOKED;
	if (!err)
		err = crypto_shash_tfm_digest(slot->pin_tfm, upayload->data,
					      upayload->datalen, prk);
	up_read(&key->sem);
	key_put(key);
	if (!err)
		err = sks_state_kek(slot, prk, sizeof(prk), sks_auto_info, kek);
	sks_shash_forget_key(slot->pin_tfm);
	memzero_explicit(prk, sizeof(prk));
	if (err == -EKEYREVOKED)
		return sks_fail(ckr, SKS_CKR_KEY_HANDLE_INVALID);
	if (err)
		return sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	return 0;
}

/* At load: activate with the auto-activation key if it is at hand. */
static void sks_state_auto_activate(struct sks_slot *slot)
{
	struct sks_rec_wrap w = slot->auto_wrap;
	u8 kek[SKS_SMK_LEN], key[SKS_SMK_LEN];
	u32 ckr;

	if (sks_state_keyring_kek(slot, slot->auto_desc, w.salt, kek, &ckr)) {
		pr_info("slot %u: auto-activation key \"%s\" not found: deactivated\n",
			slot->num, slot->auto_desc);
	} else if (sks_wrap_crypt(slot, false, &w, kek, key)) {
		pr_warn("slot %u: auto-activation key \"%s\" does not open it: deactivated\n",
			slot->num, slot->auto_desc);
	} else if (sks_state_activate(slot, key, &ckr)) {
		pr_warn("slot %u: its record does not open (0x%x): deactivated\n",
			slot->num, ckr);
	}
	memzero_explicit(kek, sizeof(kek));
	memzero_explicit(key, sizeof(key));
}

/* Check a whole record's checksum: damage is told apart before any key. */
static bool sks_state_sum_ok(const u8 *buf, size_t len)
{
	u8 sum[SKS_REC_SUM_LEN];
	bool ok;

	sha256(buf, len - SKS_REC_SUM_LEN, sum);
	ok = !memcmp(sum, buf + len - SKS_REC_SUM_LEN, sizeof(sum));
	return ok;
}

/* Take an HSM record: the HSM's serial number. */
static int sks_state_load_hsm(struct sks_hsm *hsm, const u8 *buf, size_t len,
			      struct sks_state_load *sl, u32 *ckr)
{
	struct sks_hrec *r;
	int err = 0;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	err = sks_hrec_get(buf, len, r);
	if (err == -EPROTONOSUPPORT)
		err = sks_fail(ckr, SKS_CKR_STATE_UNSUPPORTED);
	else if (err || !sks_state_sum_ok(buf, len))
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	if (err)
		goto out;
	mutex_lock(&hsm->slots_lock);
	if (hsm->nr_slots && hsm->serial != r->serial)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
	else
		hsm->serial = r->serial;
	mutex_unlock(&hsm->slots_lock);
	if (!err)
		pr_info("HSM serial %llu restored from its record\n", r->serial);
	sl->slot = 0;
out:
	kfree(r);
	return err;
}

/* A slot from the header and trailer of a record, deactivated. */
static struct sks_slot *sks_state_slot(struct sks_hsm *hsm,
				       const struct sks_rec_hdr *h,
				       const struct sks_rec_trailer *t,
				       u32 *ckr)
{
	struct sks_slot_create sc = { .type = h->type, .capacity = h->capacity };
	struct sks_slot *slot;
	unsigned int i;

	slot = sks_slot_alloc(hsm, &sc);
	if (IS_ERR(slot))
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	slot->serial = h->serial;
	strscpy(slot->fw_version, h->fw_version, sizeof(slot->fw_version));
	memcpy(slot->label, h->label, SKS_LABEL_LEN);
	slot->label[SKS_LABEL_LEN] = 0;
	slot->so_lockout.failures = t->so_failures;
	slot->co_lockout.failures = t->co_failures;
	slot->cu_lockout.failures = t->cu_failures;
	slot->sim_lockout.failures = t->sim_failures;
	if (h->type == SKS_SLOT_BACKUP)
		sks_lockout_resume(&slot->so_lockout, SKS_MAX_HSM_SO_FAILURES);
	sks_lockout_resume(&slot->sim_lockout, SKS_MAX_SIM_FAILURES);
	slot->zeroized = t->flags & SKS_REC_ZEROIZED;
	atomic64_set(&slot->generation, t->generation);
	for (i = 0; i < h->nr_wraps; i++) {
		const struct sks_rec_wrap *w = &h->wraps[i];

		if (w->kind == SKS_WRAP_SO)
			slot->so_wrap = *w;
		else if (w->kind == SKS_WRAP_CO)
			slot->co_wrap = *w;
		else
			slot->auto_wrap = *w;
	}
	if (slot->auto_wrap.kind != SKS_WRAP_NONE)
		strscpy(slot->auto_desc, h->desc, sizeof(slot->auto_desc));
	slot->initialized = h->nr_wraps || h->type == SKS_SLOT_BACKUP;
	return slot;
}

/* Take a slot record: make its slot, deactivated. @buf is taken over. */
static int sks_state_load_slot(struct sks_hsm *hsm, u8 *buf, size_t len,
			       struct sks_state_load *sl, u32 *ckr)
{
	struct sks_rec_trailer t;
	struct sks_rec_hdr h;
	struct sks_slot *slot;
	int err;

	err = sks_rec_get_hdr(buf, len, &h);
	if (err == -EPROTONOSUPPORT)
		err = sks_fail(ckr, SKS_CKR_STATE_UNSUPPORTED);
	else if (err || !sks_state_sum_ok(buf, len) ||
		 (h.type == SKS_SLOT_BACKUP && !h.nr_wraps))
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	if (err)
		goto err_free;
	sks_rec_get_trailer(buf + len - SKS_REC_TRAILER_LEN, &t);
	if (h.hsm_serial != READ_ONCE(hsm->serial)) {
		err = sks_fail(ckr, SKS_CKR_STATE_FOREIGN);
		goto err_free;
	}
	slot = sks_state_slot(hsm, &h, &t, ckr);
	if (IS_ERR(slot)) {
		err = PTR_ERR(slot);
		goto err_free;
	}
	if (h.nr_wraps) {
		slot->sealed = buf;
		slot->sealed_len = len;
		slot->deactivated = true;
		buf = NULL;
		if (slot->auto_wrap.kind != SKS_WRAP_NONE) {
			mutex_lock(&slot->auth_lock);
			sks_state_auto_activate(slot);
			mutex_unlock(&slot->auth_lock);
		}
	}
	err = sks_slot_register(hsm, slot, h.num, ckr);
	if (err) {
		sks_slot_put(slot);
		goto err_free;
	}
	sl->slot = slot->num;
	sl->generation = t.generation;
	if (!slot->deactivated && h.nr_wraps)
		sl->status |= SKS_STATE_LOADED_ACTIVE;
err_free:
	if (buf)
		kvfree_sensitive(buf, len);
	return err;
}

/**
 * sks_ctl_state_load() - SKS_CTL_STATE_LOAD: take back an HSM record or a
 * slot record.
 * @hsm: the HSM.
 * @arg: struct sks_state_load.
 * @ckr: out: result code.
 *
 * Order of checks: arguments, CAP_SYS_ADMIN, the length, reading the
 * record, its form and checksum (CKR_DATA_INVALID; CKR_STATE_UNSUPPORTED
 * for another format version), its HSM (CKR_STATE_FOREIGN), the slot
 * number (CKR_FUNCTION_FAILED if taken). Nothing is made unless all pass.
 * No secret is needed: a loaded slot stays deactivated (or is activated
 * by its auto-activation key) and counts its bad attempts from the record.
 *
 * Context: process context, may sleep; takes slots_lock and the new
 * slot's locks.
 * Return: 0 or a negative errno.
 */
int sks_ctl_state_load(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	struct sks_state_load *sl = arg;
	u8 *buf;
	int err;

	if (sl->reserved || sl->slot || sl->generation || sl->status)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);
	if (sl->record_len < 4 || sl->record_len > SKS_STATE_MAX_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	buf = kvmalloc(sl->record_len, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	if (copy_from_user(buf, u64_to_user_ptr(sl->record), sl->record_len)) {
		kvfree(buf);
		return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	}
	if (!memcmp(buf, SKS_HREC_MAGIC, 4)) {
		err = sks_state_load_hsm(hsm, buf, sl->record_len, sl, ckr);
		kvfree(buf);
		return err;
	}
	return sks_state_load_slot(hsm, buf, sl->record_len, sl, ckr);
}

/**
 * sks_ioc_auto_activation() - SKS_IOC_AUTO_ACTIVATION: set or clear the
 * auto-activation policy of a partition (Luna partition policy 23).
 * @sess: a session logged in as the partition SO.
 * @arg: struct sks_auto_activation.
 * @ckr: out: result code.
 *
 * ON wraps the storage key under a key derived (HKDF-SHA-256 with a random
 * salt) from the payload of the `logon` key @desc found in the caller's
 * keyrings (CKR_KEY_HANDLE_INVALID if there is none); the record keeps the
 * description, and a load finds the key the same way. OFF drops the wrap.
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_auto_activation(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_auto_activation *aa = arg;
	struct sks_slot *slot = sess->slot;
	bool on = aa->flags & SKS_AUTO_ACTIVATION_ON;
	struct sks_rec_wrap w = {};
	char desc[SKS_KEYDESC_MAX + 1] = "";
	u8 kek[SKS_SMK_LEN];
	int err = 0;

	if (aa->reserved || (on ? !aa->desc_len || aa->desc_len >
			     SKS_KEYDESC_MAX : aa->desc_len || aa->desc))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (on && copy_from_user(desc, u64_to_user_ptr(aa->desc),
				 aa->desc_len))
		return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	if (on && strnlen(desc, aa->desc_len) != aa->desc_len)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	err = sks_session_require_partition(sess, ckr);
	if (!err && sks_session_role(sess) != SKS_ROLE_SO)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	if (!err && !slot->has_storage_key)
		err = sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
	mutex_unlock(&slot->lock);
	if (!err && on) {
		w.kind = SKS_WRAP_AUTO;
		get_random_bytes(w.salt, sizeof(w.salt));
		err = sks_state_keyring_kek(slot, desc, w.salt, kek, ckr);
	}
	if (err)
		goto out;
	mutex_lock(&slot->lock);
	if (on) {
		err = sks_wrap_crypt(slot, true, &w, kek, slot->storage_key);
		if (err)
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	}
	if (!err) {
		slot->auto_wrap = w;
		strscpy(slot->auto_desc, desc, sizeof(slot->auto_desc));
		sks_state_changed(slot);
	}
	mutex_unlock(&slot->lock);
out:
	mutex_unlock(&slot->auth_lock);
	memzero_explicit(kek, sizeof(kek));
	memzero_explicit(&w, sizeof(w));
	return err;
}
