// SPDX-License-Identifier: GPL-2.0
/*
 * sks - the Backup HSM side of archives: archive partitions as a Backup
 * HSM keeps them, their cloning domains and secrets, the HSM SO secret
 * check, and listing, showing and deleting archives (docs/backup.md).
 * Backups and restores from partitions are in archive.c. Locking:
 * backup.h.
 */

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <kunit/visibility.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "backup.h"
#include "image_codec.h"

#define SKS_DOMAIN_ITERATIONS	2048	/* fixed: domain hashes must compare */

/* PBKDF2 salt of every cloning domain hash: domain separation only. */
static const u8 sks_domain_salt[SKS_SECRET_SALT_LEN] = "SKS clone domain";
static const char sks_domain_id_info[] = "SKS domain id";

/**
 * sks_archive_free() - wipe and free an archive that is on no list.
 * @a: the archive, or NULL.
 *
 * Context: process context.
 */
void sks_archive_free(struct sks_archive *a)
{
	if (!a)
		return;
	sks_smk_put(a->smk);
	if (a->objects)
		kvfree_sensitive(a->objects, a->objects_len);
	kfree_sensitive(a);
}

/**
 * sks_archive_charge() - bytes an archive takes of a Backup HSM.
 * @objects_len: bytes of its object records.
 * @smk: it holds an SMK.
 *
 * Context: any.
 * Return: the charge.
 */
u64 sks_archive_charge(u32 objects_len, bool smk)
{
	return SKS_ARCHIVE_OVERHEAD + objects_len + (smk ? SKS_SMK_LEN : 0);
}

/**
 * sks_archives_destroy_locked() - wipe and free every archive of a slot.
 * @slot: the slot (any type; only Backup HSM slots have archives).
 *
 * Context: caller holds slot->lock (and, unless the slot is being deleted
 * or was never registered, slot->auth_lock).
 */
void sks_archives_destroy_locked(struct sks_slot *slot)
{
	struct sks_archive *a, *tmp;

	lockdep_assert_held(&slot->lock);
	list_for_each_entry_safe(a, tmp, &slot->archives, node) {
		list_del(&a->node);
		sks_archive_free(a);
	}
	slot->nr_archives = 0;
	if (slot->type == SKS_SLOT_BACKUP)
		slot->used = 0;
}

/**
 * sks_domain_set() - hash a cloning domain into a comparable identifier.
 * @tfm: hmac(sha256) transform owned by the caller.
 * @s: out: the hash.
 * @domain: the domain string.
 * @len: its length.
 *
 * PBKDF2-HMAC-SHA256 with a fixed salt and a fixed iteration count, so
 * that one domain gives the same hash on every partition and every HSM
 * (the hash is compared, the string is never stored). The hash never
 * leaves the kernel but sealed in an image: what is reported is the keyed
 * sks_archive_entry.domain_id.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then @s is unchanged).
 */
int sks_domain_set(struct crypto_shash *tfm, struct sks_secret *s,
		   const u8 *domain, size_t len)
{
	struct sks_secret tmp = {};
	int err;

	memcpy(tmp.salt, sks_domain_salt, sizeof(tmp.salt));
	tmp.iterations = SKS_DOMAIN_ITERATIONS;
	err = sks_pbkdf2_sha256(tfm, domain, len, tmp.salt, sizeof(tmp.salt),
				tmp.iterations, tmp.hash, sizeof(tmp.hash));
	if (!err) {
		tmp.set = true;
		*s = tmp;
	}
	memzero_explicit(&tmp, sizeof(tmp));
	return err;
}

/**
 * sks_domain_restore() - a cloning domain hash read back from an image.
 * @s: out: the domain.
 * @hash: SKS_SECRET_HASH_LEN bytes.
 *
 * Context: any.
 */
void sks_domain_restore(struct sks_secret *s, const u8 *hash)
{
	memset(s, 0, sizeof(*s));
	s->set = true;
	s->iterations = SKS_DOMAIN_ITERATIONS;
	memcpy(s->salt, sks_domain_salt, sizeof(s->salt));
	memcpy(s->hash, hash, sizeof(s->hash));
}

bool sks_domain_equal(const struct sks_secret *a, const struct sks_secret *b)
{
	return a->set && b->set &&
	       !crypto_memneq(a->hash, b->hash, sizeof(a->hash));
}

/**
 * sks_archive_set_domain_id() - compute the domain id an archive reports.
 * @b: its Backup HSM (id key set).
 * @a: the archive, @a->domain set.
 *
 * domain_id = HMAC-SHA256(Backup HSM id key, "SKS domain id" || domain
 * hash), first SKS_DOMAIN_ID_LEN bytes: equal domains give equal ids on
 * one Backup HSM, and without the id key (kept only sealed in its images)
 * an id cannot be tested against guessed domain names.
 *
 * Context: process context; caller holds b->auth_lock (b->pin_tfm).
 * Return: 0 or a negative errno.
 */
int sks_archive_set_domain_id(struct sks_slot *b, struct sks_archive *a)
{
	u8 msg[sizeof(sks_domain_id_info) - 1 + SKS_SECRET_HASH_LEN];
	u8 mac[32];
	int err;

	lockdep_assert_held(&b->auth_lock);
	memcpy(msg, sks_domain_id_info, sizeof(sks_domain_id_info) - 1);
	memcpy(msg + sizeof(sks_domain_id_info) - 1, a->domain.hash,
	       SKS_SECRET_HASH_LEN);
	err = crypto_shash_setkey(b->pin_tfm, b->id_key, sizeof(b->id_key));
	if (!err)
		err = crypto_shash_tfm_digest(b->pin_tfm, msg, sizeof(msg), mac);
	sks_shash_forget_key(b->pin_tfm);
	if (!err)
		memcpy(a->domain_id, mac, SKS_DOMAIN_ID_LEN);
	memzero_explicit(msg, sizeof(msg));
	memzero_explicit(mac, sizeof(mac));
	return err;
}

/**
 * sks_fw_supports_sks() - the firmware gate of SKS backup and restore.
 * @fw: a Backup HSM's firmware version, "major.minor.patch".
 *
 * As the product document has it: Luna Backup HSM 7 needs 7.7.1 or newer,
 * the G5 line (6.x) 6.28.0 or newer; later major versions are fine.
 *
 * Context: any.
 * Return: true if the firmware supports SKS backup and restore.
 */
bool sks_fw_supports_sks(const char *fw)
{
	unsigned int v[3] = {};
	unsigned int i = 0;
	const char *p = fw;

	for (i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9') {
			if (v[i] > 100000)
				return false;
			v[i] = v[i] * 10 + (*p++ - '0');
		}
		if (i < 2 && *p++ != '.')
			return false;
	}
	if (v[0] == 6)
		return v[1] >= 28;
	if (v[0] == 7)
		return v[1] > 7 || (v[1] == 7 && v[2] >= 1);
	return v[0] > 7;
}
EXPORT_SYMBOL_IF_KUNIT(sks_fw_supports_sks);

/**
 * sks_backup_get() - the Backup HSM slot with a given number.
 * @hsm: the HSM.
 * @num: slot number.
 *
 * Context: process context; takes slots_lock.
 * Return: the slot with a reference, or NULL if it is no Backup HSM.
 */
struct sks_slot *sks_backup_get(struct sks_hsm *hsm, u32 num)
{
	struct sks_slot *slot = NULL;

	mutex_lock(&hsm->slots_lock);
	if (num < SKS_MAX_SLOTS && hsm->slots[num] &&
	    hsm->slots[num]->type == SKS_SLOT_BACKUP) {
		slot = hsm->slots[num];
		kref_get(&slot->ref);
	}
	mutex_unlock(&hsm->slots_lock);
	return slot;
}

/**
 * sks_backup_lock() - take a Backup HSM's lock if it still exists.
 * @b: the Backup HSM slot.
 * @ckr: out: result code.
 *
 * Under b->lock with b->dead clear, every archive found under
 * b->auth_lock is still there (backup.h).
 *
 * Context: process context; caller holds b->auth_lock.
 * Return: 0 with b->lock held, or without it -ENODEV
 * (CKR_TOKEN_NOT_PRESENT) or -ENOKEY (CKR_PARTITION_DEACTIVATED: a loaded
 * Backup HSM not activated by an HSM SO secret yet).
 */
int sks_backup_lock(struct sks_slot *b, u32 *ckr)
{
	int err;

	lockdep_assert_held(&b->auth_lock);
	mutex_lock(&b->lock);
	if (!b->dead && !b->deactivated)
		return 0;
	err = sks_fail(ckr, b->dead ? SKS_CKR_TOKEN_NOT_PRESENT :
		       SKS_CKR_PARTITION_DEACTIVATED);
	mutex_unlock(&b->lock);
	return err;
}

/**
 * sks_archive_find() - look an archive up by name.
 * @slot: the Backup HSM.
 * @name: SKS_ARCHIVE_NAME_MAX bytes, NUL padded.
 *
 * Context: caller holds slot->lock.
 * Return: the archive, or NULL.
 */
struct sks_archive *sks_archive_find(struct sks_slot *slot, const u8 *name)
{
	struct sks_archive *a;

	lockdep_assert_held(&slot->lock);
	list_for_each_entry(a, &slot->archives, node)
		if (!memcmp(a->name, name, SKS_ARCHIVE_NAME_MAX))
			return a;
	return NULL;
}

/**
 * sks_archive_check_secret() - check an archive's user secret and count
 * the attempt.
 * @b: the Backup HSM.
 * @a: the archive, found under b->auth_lock.
 * @pin: the candidate.
 * @len: its length.
 * @ckr: out: result code.
 *
 * The archive is locked out for a growing time after
 * SKS_MAX_LOGIN_FAILURES consecutive failures, and nothing is ever erased
 * (include/uapi/linux/sks.h, "Bad-attempt limits").
 *
 * Context: process context, may sleep; caller holds b->auth_lock; takes
 * b->lock.
 * Return: 0, -EACCES (CKR_PIN_INCORRECT), -EPERM (CKR_PIN_LOCKED), -ENODEV
 * (CKR_TOKEN_NOT_PRESENT), -EINTR or -EIO.
 */
int sks_archive_check_secret(struct sks_slot *b, struct sks_archive *a,
			     const u8 *pin, u32 len, u32 *ckr)
{
	struct sks_secret stored;
	bool match = false;
	int err;

	err = sks_backup_lock(b, ckr);
	if (err)
		return err;
	if (sks_lockout_left(&a->lockout))
		err = sks_fail(ckr, SKS_CKR_PIN_LOCKED);
	stored = a->secret;
	mutex_unlock(&b->lock);
	if (err)
		goto out;

	err = sks_secret_check(b->pin_tfm, &stored, pin, len, &match);
	if (err) {
		err = err == -EINTR ? err : sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	err = sks_backup_lock(b, ckr);
	if (err)
		goto out;
	if (match && a->lockout.failures) {
		a->lockout.failures = 0;
		a->lockout.until = 0;
		sks_state_changed(b);
	} else if (!match) {
		sks_lockout_fail(&a->lockout, SKS_MAX_LOGIN_FAILURES);
		sks_state_changed(b);
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
	}
	mutex_unlock(&b->lock);
out:
	memzero_explicit(&stored, sizeof(stored));
	return err;
}

/**
 * sks_backup_auth() - authenticate a command on a Backup HSM with its HSM
 * SO secret.
 * @b: the Backup HSM slot.
 * @so: the secret (a kernel copy).
 * @len: its length.
 * @ckr: out: result code.
 *
 * The check is counted (a time lockout after SKS_MAX_HSM_SO_FAILURES).
 *
 * Context: process context, may sleep; takes b->auth_lock and keeps it
 * on success.
 * Return: 0 with b->auth_lock held, or a negative errno without
 * (-EOPNOTSUPP with CKR_FUNCTION_NOT_SUPPORTED if @b is no Backup HSM).
 */
int sks_backup_auth(struct sks_slot *b, const u8 *so, u32 len, u32 *ckr)
{
	int err;

	if (b->type != SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	mutex_lock(&b->auth_lock);
	err = sks_check_secret(b, SKS_ROLE_SO, so, len, ckr);
	if (err)
		mutex_unlock(&b->auth_lock);
	return err;
}

/*
 * sks_backup_auth() with the secret at @uptr: the commands on a Backup
 * HSM's own session. On success b->auth_lock is held.
 */
static int sks_backup_session_auth(struct sks_file_session *sess, u64 uptr,
				   u32 len, u32 *ckr)
{
	u8 *so;
	int err;

	so = sks_copy_pin(uptr, len, ckr);
	if (IS_ERR(so))
		return PTR_ERR(so);
	err = sks_backup_auth(sess->slot, so, len, ckr);
	kfree_sensitive(so);
	return err;
}

/* Caller holds slot->lock. */
static void sks_archive_fill_entry(const struct sks_archive *a,
				   struct sks_archive_entry *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->name, a->name, sizeof(e->name));
	e->kind = a->kind;
	e->objects = a->nr_objects;
	e->created = a->created;
	e->source_serial = a->source_serial;
	e->size = a->size;
	memcpy(e->domain_id, a->domain_id, sizeof(e->domain_id));
	if (a->smk)
		memcpy(e->smk_fingerprint, a->smk->fingerprint,
		       sizeof(e->smk_fingerprint));
	e->failures = a->lockout.failures;
	e->lockout_secs = sks_lockout_left(&a->lockout);
}

/**
 * sks_ioc_archive_list() - SKS_IOC_ARCHIVE_LIST: list the archives of the
 * session's Backup HSM slot, oldest first.
 * @sess: the session (a Backup HSM slot).
 * @arg: struct sks_archive_list.
 * @ckr: out: result code.
 *
 * @entries 0 asks for the number of archives.
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0, -EINVAL (@entry_size, reserved), -EOPNOTSUPP (not a Backup
 * HSM), -EACCES (CKR_PIN_INCORRECT), -EPERM (CKR_PIN_LOCKED), -ENODEV
 * (CKR_TOKEN_NOT_PRESENT), -EOVERFLOW (CKR_BUFFER_TOO_SMALL, @count set),
 * -EFAULT, -ENOMEM.
 */
int sks_ioc_archive_list(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_list *al = arg;
	struct sks_slot *b = sess->slot;
	u8 __user *uptr = u64_to_user_ptr(al->entries);
	struct sks_archive_entry *entries = NULL;
	u32 room = al->count, i, n = 0;
	struct sks_archive *a;
	int err;

	al->count = 0;
	if (al->reserved || al->entry_size < SKS_ARCHIVE_ENTRY_SIZE_VER0 ||
	    al->entry_size > PAGE_SIZE)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_backup_session_auth(sess, al->so_secret, al->so_secret_len,
				      ckr);
	if (err)
		return err;

	err = sks_backup_lock(b, ckr);
	if (!err) {
		n = b->nr_archives;
		if (n)
			entries = kvcalloc(n, sizeof(*entries),
					   GFP_KERNEL_ACCOUNT);
		if (n && !entries) {
			err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		} else {
			i = 0;
			list_for_each_entry(a, &b->archives, node)
				sks_archive_fill_entry(a, &entries[i++]);
		}
		mutex_unlock(&b->lock);
	}
	mutex_unlock(&b->auth_lock);
	if (err)
		goto out;

	if (!al->entries) {
		al->count = n;		/* size query */
		goto out;
	}
	if (room < n) {
		al->count = n;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}
	for (i = 0; i < n; i++, uptr += al->entry_size) {
		size_t sz = min_t(size_t, al->entry_size, sizeof(entries[i]));

		if (copy_to_user(uptr, &entries[i], sz) ||
		    clear_user(uptr + sz, al->entry_size - sz)) {
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
			goto out;
		}
	}
	al->count = n;
out:
	kvfree(entries);
	return err;
}

static int sks_archive_show_check(struct sks_archive_show *as, u32 *ckr)
{
	if (as->reserved ||
	    sks_image_check_name(as->entry.name, sizeof(as->entry.name)) < 0 ||
	    memchr_inv(&as->entry.kind, 0,
		       sizeof(as->entry) - sizeof(as->entry.name)))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	return 0;
}

/**
 * sks_ioc_archive_show() - SKS_IOC_ARCHIVE_SHOW: describe one archive.
 * @sess: the session (a Backup HSM slot).
 * @arg: struct sks_archive_show.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0, -EINVAL, -EOPNOTSUPP, -EACCES, -EPERM, -ENODEV, -ENOENT
 * (CKR_TOKEN_NOT_RECOGNIZED: no such archive).
 */
int sks_ioc_archive_show(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_show *as = arg;
	struct sks_slot *b = sess->slot;
	struct sks_archive *a;
	int err;

	err = sks_archive_show_check(as, ckr);
	if (err)
		return err;
	err = sks_backup_session_auth(sess, as->so_secret, as->so_secret_len,
				      ckr);
	if (err)
		return err;
	err = sks_backup_lock(b, ckr);
	if (!err) {
		a = sks_archive_find(b, as->entry.name);
		if (a)
			sks_archive_fill_entry(a, &as->entry);
		else
			err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
		mutex_unlock(&b->lock);
	}
	mutex_unlock(&b->auth_lock);
	return err;
}

/**
 * sks_ioc_archive_delete() - SKS_IOC_ARCHIVE_DELETE: delete one archive,
 * wiping its objects and dropping its SMK reference.
 * @sess: the session (a Backup HSM slot).
 * @arg: struct sks_archive_show (only the name is used).
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0, -EINVAL, -EOPNOTSUPP, -EACCES, -EPERM, -ENODEV, -ENOENT.
 */
int sks_ioc_archive_delete(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_show *as = arg;
	struct sks_slot *b = sess->slot;
	struct sks_archive *a = NULL;
	int err;

	err = sks_archive_show_check(as, ckr);
	if (err)
		return err;
	err = sks_backup_session_auth(sess, as->so_secret, as->so_secret_len,
				      ckr);
	if (err)
		return err;
	err = sks_backup_lock(b, ckr);
	if (!err) {
		a = sks_archive_find(b, as->entry.name);
		if (a) {
			list_del(&a->node);
			b->nr_archives--;
			b->used -= a->size;
			sks_state_changed(b);
		} else {
			err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
		}
		mutex_unlock(&b->lock);
	}
	mutex_unlock(&b->auth_lock);
	sks_archive_free(a);
	return err;
}
