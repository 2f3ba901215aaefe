// SPDX-License-Identifier: GPL-2.0
/*
 * sks - durable state, loading: SKS_CTL_STATE_LOAD of the HSM record and
 * of slot records, activation of a loaded slot by its SO or Crypto
 * Officer (or the auto-activation key), and SKS_IOC_AUTO_ACTIVATION
 * (docs/durability.md). Saving and the storage key's wraps are state.c's.
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

/* (the record format's sizes are checked against the driver's in state.c) */

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
		err = sks_state_kek(slot, t, sizeof(t), SKS_STATE_KEK_INFO, kek);
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
		err = sks_state_kek(slot, prk, sizeof(prk), SKS_STATE_AUTO_INFO, kek);
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
int sks_ioc_auto_activation(struct sks_file_session *sess, void *arg, u32 *ckr)
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
