// SPDX-License-Identifier: GPL-2.0
/*
 * sks - Backup HSM: archive partitions, SKS backup and restore of the SMK,
 * cloning backups of V0 objects, and durable images (docs/backup.md).
 *
 * Locking: every archive operation on a Backup HSM slot B runs under
 * B->auth_lock from the SO secret check to the end (this serialises the
 * archive operations of one Backup HSM and protects B->pin_tfm and
 * B->image_aead). B->archives, B->nr_archives and B->used change only
 * with B->lock held as well. The partition S of the calling session is
 * locked (S->lock) only while its SMK reference, domain or objects are
 * taken or installed, never together with B->lock; the order is
 * B->auth_lock -> S->lock, B->auth_lock -> B->lock, as in sks.h.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "sks.h"
#include "image.h"

#define SKS_ARCHIVE_OVERHEAD	256	/* bytes charged per archive */
#define SKS_DOMAIN_ITERATIONS	2048	/* fixed: domain ids must compare */

/* PBKDF2 salt of every cloning domain hash: domain separation only. */
static const u8 sks_domain_salt[SKS_SECRET_SALT_LEN] = "SKS clone domain";
static const char sks_image_key_info[] = "SKS image v1 key";
static const char sks_image_check_info[] = "SKS image v1 check";

/**
 * struct sks_archive - an archive partition on a Backup HSM slot.
 * @node: in sks_slot.archives (oldest first).
 * @name: archive name, NUL padded.
 * @kind: SKS_ARCHIVE_SKS (holds @smk) or SKS_ARCHIVE_CLONING.
 * @created: creation time, seconds since the epoch.
 * @source_serial: serial number of the partition backed up.
 * @domain: cloning domain hash (see sks_domain_set()).
 * @secret: archive user secret (salted PBKDF2).
 * @secret_iterations: PBKDF2 iterations of @secret.
 * @smk: SKS archives: the SMK (a shared reference, immutable).
 * @nr_objects: object records in @objects.
 * @objects_len: bytes at @objects.
 * @objects: cloned objects, blob record encoding; wiped on free.
 * @size: bytes charged to the Backup HSM.
 *
 * Immutable once on the list; replaced as a whole by APPEND/REPLACE.
 */
struct sks_archive {
	struct list_head node;
	u8 name[SKS_ARCHIVE_NAME_MAX];
	u32 kind;
	s64 created;
	u64 source_serial;
	struct sks_secret domain;
	struct sks_secret secret;
	u32 secret_iterations;
	struct sks_smk *smk;
	u32 nr_objects;
	u32 objects_len;
	u8 *objects;
	u64 size;
};

static void sks_archive_free(struct sks_archive *a)
{
	if (!a)
		return;
	sks_smk_put(a->smk);
	if (a->objects)
		kvfree_sensitive(a->objects, a->objects_len);
	kfree_sensitive(a);
}

static u64 sks_archive_charge(u32 objects_len, bool smk)
{
	return SKS_ARCHIVE_OVERHEAD + objects_len + (smk ? SKS_SMK_LEN : 0);
}

/**
 * sks_archives_destroy() - wipe and free every archive of a slot.
 * @slot: the slot (any type; only Backup HSM slots have archives).
 *
 * Context: process context; takes slot->lock.
 */
void sks_archives_destroy(struct sks_slot *slot)
{
	struct sks_archive *a, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&slot->lock);
	list_splice_init(&slot->archives, &dead);
	slot->nr_archives = 0;
	if (slot->type == SKS_SLOT_BACKUP)
		slot->used = 0;
	mutex_unlock(&slot->lock);
	list_for_each_entry_safe(a, tmp, &dead, node) {
		list_del(&a->node);
		sks_archive_free(a);
	}
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
 * (the hash is compared, the string is never stored).
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then @s is unchanged).
 */
int sks_domain_set(struct crypto_shash *tfm, struct sks_secret *s,
		   const u8 *domain, size_t len)
{
	struct sks_secret tmp;
	int err;

	memcpy(tmp.salt, sks_domain_salt, sizeof(tmp.salt));
	err = sks_pbkdf2_sha256(tfm, domain, len, tmp.salt, sizeof(tmp.salt),
				SKS_DOMAIN_ITERATIONS, tmp.hash,
				sizeof(tmp.hash));
	if (!err) {
		tmp.set = true;
		*s = tmp;
	}
	memzero_explicit(&tmp, sizeof(tmp));
	return err;
}

static bool sks_domain_equal(const struct sks_secret *a,
			     const struct sks_secret *b)
{
	return a->set && b->set &&
	       !crypto_memneq(a->hash, b->hash, sizeof(a->hash));
}

/*
 * Firmware gate of SKS backup and restore: 7.x needs 7.7.1 or newer, the
 * G5 line (6.x) 6.28.0 or newer, later major versions are fine.
 */
VISIBLE_IF_KUNIT bool sks_fw_supports_sks(const char *fw)
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

static int sks_pin_len_ok(u32 len, u32 *ckr)
{
	if (len < SKS_PIN_MIN || len > SKS_PIN_MAX)
		return sks_fail(ckr, SKS_CKR_PIN_LEN_RANGE);
	return 0;
}

/* The Backup HSM slot @num, with a reference; NULL if there is none. */
static struct sks_slot *sks_backup_get(struct sks_hsm *hsm, u32 num)
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

/*
 * Check the HSM SO secret of Backup HSM slot @b.
 * Caller holds b->auth_lock.
 */
static int sks_backup_check_so(struct sks_slot *b, const u8 *pin, u32 len,
			       u32 *ckr)
{
	struct sks_secret stored;
	bool match = false;
	int err = 0;

	lockdep_assert_held(&b->auth_lock);
	mutex_lock(&b->lock);
	if (b->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	stored = b->so;
	mutex_unlock(&b->lock);
	if (!err && sks_secret_check(b->pin_tfm, &stored, pin, len, &match))
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	if (!err && !match)
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
	memzero_explicit(&stored, sizeof(stored));
	return err;
}

/* Caller holds b->auth_lock. */
static int sks_archive_check_secret(struct sks_slot *b,
				    const struct sks_secret *s, u32 iterations,
				    const u8 *pin, u32 len, u32 *ckr)
{
	u8 hash[SKS_SECRET_HASH_LEN];
	int err;

	lockdep_assert_held(&b->auth_lock);
	err = sks_pbkdf2_sha256(b->pin_tfm, pin, len, s->salt, sizeof(s->salt),
				iterations, hash, sizeof(hash));
	if (err)
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	else if (!s->set || crypto_memneq(hash, s->hash, sizeof(hash)))
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
	memzero_explicit(hash, sizeof(hash));
	return err;
}

/* Caller holds slot->lock. */
static struct sks_archive *sks_archive_find(struct sks_slot *slot,
					    const u8 *name)
{
	struct sks_archive *a;

	lockdep_assert_held(&slot->lock);
	list_for_each_entry(a, &slot->archives, node)
		if (!memcmp(a->name, name, SKS_ARCHIVE_NAME_MAX))
			return a;
	return NULL;
}

/*
 * Name a new SKS archive "<serial>_<YYYY:MM:DD-HH:MM:SS>" (UTC); if that
 * name is taken (a backup in the same second), append "_2", "_3", ...
 * Caller holds b->lock.
 */
static int sks_archive_make_name(struct sks_slot *b, u64 serial, s64 now,
				 u8 *name)
{
	char base[SKS_ARCHIVE_NAME_MAX];
	struct tm tm;
	unsigned int n;

	lockdep_assert_held(&b->lock);
	time64_to_tm(now, 0, &tm);
	snprintf(base, sizeof(base), "%llu_%04ld:%02d:%02d-%02d:%02d:%02d",
		 serial, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
	for (n = 1; n <= SKS_MAX_SLOTS * 1024; n++) {
		memset(name, 0, SKS_ARCHIVE_NAME_MAX);
		if (n == 1)
			strscpy(name, base, SKS_ARCHIVE_NAME_MAX);
		else
			snprintf(name, SKS_ARCHIVE_NAME_MAX, "%s_%u", base, n);
		if (!sks_archive_find(b, name))
			return 0;
	}
	return -EEXIST;
}

/*
 * Encode objects of the calling V0 session for a cloning archive: the
 * @count handles at @handles, or every token object if @count is 0.
 * Returns a kvmalloc'd buffer of blob records (wipe with
 * kvfree_sensitive()) or an ERR_PTR.
 */
static u8 *sks_clone_objects(struct sks_session *sess, const u32 *handles,
			     u32 count, u32 *nr, u32 *len, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	struct sks_object **objs;
	struct sks_object *obj;
	unsigned long idx;
	struct sks_blob_rec r;
	u32 i, n = 0;
	size_t size = 0, off = 0;
	u8 *buf = NULL;
	int err = 0;

	objs = kvcalloc(count ?: SKS_MAX_EXTRACT, sizeof(*objs),
			GFP_KERNEL_ACCOUNT);
	if (!objs)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));

	mutex_lock(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (err)
		goto out_unlock;
	if (count) {
		for (i = 0; i < count; i++) {
			obj = sks_object_get_locked(sess, handles[i]);
			if (!obj) {
				err = sks_fail(ckr,
					       SKS_CKR_OBJECT_HANDLE_INVALID);
				goto out_unlock;
			}
			objs[n++] = obj;
		}
	} else {
		xa_for_each(&s->objects, idx, obj) {
			if (obj->owner)
				continue;
			if (n == SKS_MAX_EXTRACT) {
				err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
				goto out_unlock;
			}
			kref_get(&obj->ref);
			objs[n++] = obj;
		}
	}
out_unlock:
	mutex_unlock(&s->lock);
	if (err)
		goto out_put;

	for (i = 0; i < n; i++)
		size += SKS_BLOB_REC_FIXED + objs[i]->label_len +
			objs[i]->id_len + objs[i]->value_len;
	if (size > SKS_IMAGE_MAX_LEN) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
		goto out_put;
	}
	buf = kvmalloc(max_t(size_t, size, 1), GFP_KERNEL_ACCOUNT);
	if (!buf) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_put;
	}
	for (i = 0; i < n; i++) {
		const struct sks_object *o = objs[i];

		r.class = o->obj_class;
		r.key_type = o->key_type;
		r.flags = o->flags;
		r.label_len = o->label_len;
		r.id_len = o->id_len;
		r.value_len = o->value_len;
		r.usage_limit = o->usage_limit;
		/* usage_count is counted atomically: snapshot it */
		r.usage_count = atomic64_read(&o->usage_count);
		r.label = sks_obj_label(o);
		r.id = sks_obj_id(o);
		r.value = sks_obj_value(o);
		off += sks_blob_put_rec(buf + off, &r);
	}
	*nr = n;
	*len = size;
out_put:
	for (i = 0; i < n; i++)
		sks_object_put(objs[i]);
	kvfree(objs);
	return err ? ERR_PTR(err) : buf;
}

/*
 * Common checks of backup and restore on the calling partition session:
 * the slot exists and is a partition, and the session is logged in as
 * Crypto Officer; a session that is not is, for the archive commands,
 * "closed" (CKR_SESSION_CLOSED, as Luna reports it).
 */
static int sks_archive_session_check(struct sks_session *sess, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	int err = 0;

	mutex_lock(&s->lock);
	if (s->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (s->type == SKS_SLOT_BACKUP)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	else if (sess->role != SKS_ROLE_CO)
		err = sks_fail(ckr, SKS_CKR_SESSION_CLOSED);
	mutex_unlock(&s->lock);
	return err;
}

static int sks_backup_check_args(const struct sks_archive_backup *ab,
				 u32 *ckr)
{
	bool named = memchr_inv(ab->name, 0, sizeof(ab->name));
	int err;

	if (ab->reserved || ab->objects)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if ((ab->flags & SKS_BACKUP_APPEND) && (ab->flags & SKS_BACKUP_REPLACE))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (named && sks_image_check_name(ab->name, sizeof(ab->name)) < 0)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (ab->count > SKS_MAX_EXTRACT || (!ab->count && ab->handles))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_pin_len_ok(ab->so_secret_len, ckr);
	if (!err)
		err = sks_pin_len_ok(ab->user_secret_len, ckr);
	return err;
}

/**
 * sks_ioc_archive_backup() - SKS_IOC_ARCHIVE_BACKUP: back up the current
 * partition into a new (or, V0, an existing) archive on a Backup HSM.
 * @sess: the session (a partition, logged in as Crypto Officer).
 * @arg: struct sks_archive_backup.
 * @ckr: out: result code.
 *
 * Order of checks: arguments (CKR_ARGUMENTS_BAD, CKR_PIN_LEN_RANGE), the
 * session (CKR_SESSION_CLOSED unless logged in as CO), arguments that
 * depend on the partition type (a name, flags or handles for an SKS
 * backup: CKR_ARGUMENTS_BAD; no name for a cloning backup), the Backup
 * HSM (CKR_SLOT_ID_INVALID), its firmware for SKS backups
 * (CKR_FUNCTION_NOT_SUPPORTED), the HSM SO secret (CKR_PIN_INCORRECT),
 * then the archive name (CKR_FUNCTION_FAILED if taken and neither APPEND
 * nor REPLACE; APPEND: CKR_TOKEN_NOT_RECOGNIZED if missing, the archive's
 * user secret, CKR_DOMAIN_PARAMS_INVALID for another domain) and the
 * space (CKR_DEVICE_MEMORY). Nothing is written unless all pass.
 *
 * Context: process context, may sleep; takes B->auth_lock, S->lock and
 * B->lock (see the top of this file).
 * Return: 0 or a negative errno.
 */
int sks_ioc_archive_backup(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_backup *ab = arg;
	struct sks_slot *s = sess->slot, *b = NULL;
	struct sks_archive *a = NULL, *old;
	u8 *so = NULL, *user = NULL, *objs = NULL;
	u32 *handles = NULL;
	u32 nr = 0, len = 0;
	bool sks, named;
	u64 charge, freed = 0;
	int err;

	err = sks_backup_check_args(ab, ckr);
	if (err)
		return err;
	err = sks_archive_session_check(sess, ckr);
	if (err)
		return err;
	sks = s->type == SKS_SLOT_V1;
	named = memchr_inv(ab->name, 0, sizeof(ab->name));
	if (sks && (named || ab->flags || ab->count))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!sks && !named)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	b = sks_backup_get(s->hsm, ab->backup_slot);
	if (!b)
		return sks_fail(ckr, SKS_CKR_SLOT_ID_INVALID);
	if (sks && !sks_fw_supports_sks(b->fw_version)) {
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
		goto out_put;
	}

	if (ab->count) {
		handles = sks_memdup_user(ab->handles, ab->count * sizeof(u32),
					  SKS_MAX_EXTRACT * sizeof(u32), ckr);
		if (IS_ERR(handles)) {
			err = PTR_ERR(handles);
			handles = NULL;
			goto out_put;
		}
	}
	so = sks_memdup_user(ab->so_secret, ab->so_secret_len, SKS_PIN_MAX,
			     ckr);
	if (IS_ERR(so)) {
		err = PTR_ERR(so);
		so = NULL;
		goto out_free;
	}
	user = sks_memdup_user(ab->user_secret, ab->user_secret_len,
			       SKS_PIN_MAX, ckr);
	if (IS_ERR(user)) {
		err = PTR_ERR(user);
		user = NULL;
		goto out_free;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_free;
	}

	mutex_lock(&b->auth_lock);
	err = sks_backup_check_so(b, so, ab->so_secret_len, ckr);
	if (err)
		goto out_auth;

	/* Take what is backed up from the partition. */
	if (sks) {
		mutex_lock(&s->lock);
		err = sks_session_require(sess, true, ckr);
		if (!err && !s->smk)
			err = sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
		if (!err) {
			a->smk = s->smk;
			kref_get(&a->smk->ref);
			a->domain = s->domain;
		}
		mutex_unlock(&s->lock);
		if (err)
			goto out_auth;
		a->kind = SKS_ARCHIVE_SKS;
	} else {
		objs = sks_clone_objects(sess, handles, ab->count, &nr, &len,
					 ckr);
		if (IS_ERR(objs)) {
			err = PTR_ERR(objs);
			objs = NULL;
			goto out_auth;
		}
		mutex_lock(&s->lock);
		a->domain = s->domain;
		mutex_unlock(&s->lock);
		a->kind = SKS_ARCHIVE_CLONING;
	}
	if (!a->domain.set) {
		err = sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
		goto out_auth;
	}
	a->source_serial = s->serial;
	a->created = ktime_get_real_seconds();

	/* APPEND keeps the archive and its secret; check that secret. */
	if (ab->flags & SKS_BACKUP_APPEND) {
		struct sks_secret stored = {};
		u32 iter = 0;

		mutex_lock(&b->lock);
		old = sks_archive_find(b, ab->name);
		if (old) {
			stored = old->secret;
			iter = old->secret_iterations;
		}
		mutex_unlock(&b->lock);
		if (!old)
			err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
		else
			err = sks_archive_check_secret(b, &stored, iter, user,
						       ab->user_secret_len,
						       ckr);
		memzero_explicit(&stored, sizeof(stored));
		if (err)
			goto out_auth;
	} else {
		if (sks_secret_set(b->pin_tfm, &a->secret, user,
				   ab->user_secret_len)) {
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
			goto out_auth;
		}
		a->secret_iterations = sks_pbkdf2_iterations;
	}

	/* Install: nothing has been written to the Backup HSM so far. */
	mutex_lock(&b->lock);
	if (b->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
		goto out_unlock;
	}
	old = named ? sks_archive_find(b, ab->name) : NULL;
	if (old && !(ab->flags & (SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE))) {
		err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
		goto out_unlock;
	}
	if (ab->flags & SKS_BACKUP_APPEND) {
		u8 *merged;

		/* auth_lock kept the archive list as it was checked above */
		if (!sks_domain_equal(&old->domain, &a->domain)) {
			err = sks_fail(ckr, SKS_CKR_DOMAIN_PARAMS_INVALID);
			goto out_unlock;
		}
		if ((u64)old->objects_len + len > SKS_IMAGE_MAX_LEN ||
		    (u64)old->nr_objects + nr > SKS_IMAGE_MAX_ARCHIVES * 16) {
			err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
			goto out_unlock;
		}
		merged = kvmalloc(max_t(size_t, old->objects_len + len, 1),
				  GFP_KERNEL_ACCOUNT);
		if (!merged) {
			err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
			goto out_unlock;
		}
		if (old->objects_len)
			memcpy(merged, old->objects, old->objects_len);
		if (len)
			memcpy(merged + old->objects_len, objs, len);
		if (objs)
			kvfree_sensitive(objs, len);
		objs = merged;
		len += old->objects_len;
		nr += old->nr_objects;
		sks_smk_put(a->smk);
		a->smk = NULL;
		if (old->smk) {
			a->smk = old->smk;
			kref_get(&a->smk->ref);
		}
		a->kind = old->kind;
		a->created = old->created;
		a->source_serial = old->source_serial;
		a->secret = old->secret;
		a->secret_iterations = old->secret_iterations;
	}
	if (old)
		freed = old->size;
	charge = sks_archive_charge(len, a->smk);
	if (b->used - freed + charge > b->capacity) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
		goto out_unlock;
	}
	if (named) {
		memcpy(a->name, ab->name, sizeof(a->name));
	} else if (sks_archive_make_name(b, s->serial, a->created, a->name)) {
		err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
		goto out_unlock;
	}
	a->objects = objs;
	a->objects_len = len;
	a->nr_objects = nr;
	a->size = charge;
	objs = NULL;
	if (old) {
		list_replace(&old->node, &a->node);
	} else {
		list_add_tail(&a->node, &b->archives);
		b->nr_archives++;
	}
	b->used = b->used - freed + charge;
	memcpy(ab->name, a->name, sizeof(ab->name));
	ab->objects = a->nr_objects;
	a = NULL;
out_unlock:
	mutex_unlock(&b->lock);
	if (!err && old)
		sks_archive_free(old);
out_auth:
	mutex_unlock(&b->auth_lock);
out_free:
	if (objs)
		kvfree_sensitive(objs, len);
	sks_archive_free(a);
	kfree_sensitive(user);
	kfree_sensitive(so);
	kfree(handles);
out_put:
	sks_slot_put(b);
	return err;
}

/* Restore a cloning archive's objects as token objects, all or nothing. */
static int sks_restore_objects(struct sks_session *sess, const u8 *buf,
			       u32 len, u32 nr, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	struct sks_object **objs;
	struct sks_obj_attrs attrs;
	struct sks_blob_rec r;
	size_t off = 0, used;
	u64 need = 0;
	u32 i, n = 0;
	int err = 0;

	objs = kvcalloc(max_t(u32, nr, 1), sizeof(*objs), GFP_KERNEL_ACCOUNT);
	if (!objs)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	for (i = 0; i < nr; i++, off += used) {
		if (sks_blob_get_rec(buf + off, len - off, &r, &used)) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			goto out;
		}
		memset(&attrs, 0, sizeof(attrs));
		attrs.obj_class = r.class;
		attrs.key_type = r.key_type;
		attrs.flags = r.flags | SKS_OBJ_TOKEN;
		attrs.value_len = r.value_len;
		attrs.usage_limit = r.usage_limit;
		attrs.usage_count = r.usage_count;
		attrs.label_len = r.label_len;
		attrs.id_len = r.id_len;
		memcpy(attrs.label, r.label, r.label_len);
		memcpy(attrs.id, r.id, r.id_len);
		err = sks_object_validate(s, &attrs, true, ckr);
		if (err)
			goto out;
		objs[n] = sks_object_new(&attrs, r.value, ckr);
		if (IS_ERR(objs[n])) {
			err = PTR_ERR(objs[n]);
			goto out;
		}
		need += objs[n++]->charge;
	}

	mutex_lock(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && s->used + need > s->capacity)
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
	for (i = 0; !err && i < n; i++) {
		err = sks_object_insert_locked(sess, objs[i], ckr);
		if (err) {
			while (i--) {
				kref_get(&objs[i]->ref);
				sks_object_remove_locked(s, objs[i]);
			}
			break;
		}
	}
	mutex_unlock(&s->lock);
	if (!err) {
		/* the partition's xarray now holds the references */
		n = 0;
	}
out:
	for (i = 0; i < n; i++)
		sks_object_put(objs[i]);
	kvfree(objs);
	memzero_explicit(&attrs, sizeof(attrs));
	return err;
}

/**
 * sks_ioc_archive_restore() - SKS_IOC_ARCHIVE_RESTORE: restore an archive
 * onto the current partition.
 * @sess: the session (a partition, logged in as Crypto Officer).
 * @arg: struct sks_archive_restore.
 * @ckr: out: result code.
 *
 * Order of checks: arguments, the session (CKR_SESSION_CLOSED unless
 * logged in as CO), the Backup HSM (CKR_SLOT_ID_INVALID), its firmware
 * for an SKS partition (CKR_FUNCTION_NOT_SUPPORTED), the archive
 * (CKR_TOKEN_NOT_RECOGNIZED), its user secret (CKR_PIN_INCORRECT), its
 * kind (an SKS archive for a V1 partition, a cloning archive for V0:
 * CKR_SAVED_STATE_INVALID otherwise), the cloning domain
 * (CKR_DOMAIN_PARAMS_INVALID), the partition's space (V0,
 * CKR_DEVICE_MEMORY). On any failure nothing changes anywhere.
 *
 * V1: the archived SMK becomes the partition's primary SMK; the old one
 * is dropped (and wiped when no archive or operation holds it any more).
 * SKS_RESTORE_WARN_OBJECTS is set in @status if the archive also holds
 * crypto objects, which are ignored.
 *
 * Context: process context, may sleep; takes B->auth_lock, B->lock and
 * S->lock (one slot lock at a time).
 * Return: 0 or a negative errno.
 */
int sks_ioc_archive_restore(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_restore *ar = arg;
	struct sks_slot *s = sess->slot, *b;
	struct sks_secret domain = {}, stored = {};
	struct sks_smk *smk = NULL, *old_smk = NULL;
	struct sks_archive *a;
	u32 iter = 0, kind = 0, nr = 0, len = 0;
	u8 *user, *objs = NULL;
	bool sks;
	int err;

	if (ar->status || ar->objects ||
	    sks_image_check_name(ar->name, sizeof(ar->name)) < 0)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_pin_len_ok(ar->user_secret_len, ckr);
	if (err)
		return err;
	err = sks_archive_session_check(sess, ckr);
	if (err)
		return err;
	sks = s->type == SKS_SLOT_V1;
	b = sks_backup_get(s->hsm, ar->backup_slot);
	if (!b)
		return sks_fail(ckr, SKS_CKR_SLOT_ID_INVALID);
	if (sks && !sks_fw_supports_sks(b->fw_version)) {
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
		goto out_put;
	}
	user = sks_memdup_user(ar->user_secret, ar->user_secret_len,
			       SKS_PIN_MAX, ckr);
	if (IS_ERR(user)) {
		err = PTR_ERR(user);
		goto out_put;
	}

	mutex_lock(&b->auth_lock);
	mutex_lock(&b->lock);
	a = b->dead ? NULL : sks_archive_find(b, ar->name);
	if (a) {
		stored = a->secret;
		iter = a->secret_iterations;
	}
	mutex_unlock(&b->lock);
	if (!a) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
		goto out_auth;
	}
	err = sks_archive_check_secret(b, &stored, iter, user,
				       ar->user_secret_len, ckr);
	if (err)
		goto out_auth;

	/* auth_lock keeps @a on the list; B->lock for the reads. */
	mutex_lock(&b->lock);
	if (b->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else {
		kind = a->kind;
		domain = a->domain;
		nr = a->nr_objects;
		if (sks && kind == SKS_ARCHIVE_SKS) {
			smk = a->smk;
			kref_get(&smk->ref);
		} else if (!sks && kind == SKS_ARCHIVE_CLONING && a->objects_len) {
			len = a->objects_len;
			objs = kvmalloc(len, GFP_KERNEL_ACCOUNT);
			if (objs)
				memcpy(objs, a->objects, len);
			else
				err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		}
	}
	mutex_unlock(&b->lock);
	mutex_unlock(&b->auth_lock);
	if (err)
		goto out_free;
	if (kind != (sks ? SKS_ARCHIVE_SKS : SKS_ARCHIVE_CLONING)) {
		err = sks_fail(ckr, SKS_CKR_SAVED_STATE_INVALID);
		goto out_free;
	}

	mutex_lock(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && !sks_domain_equal(&s->domain, &domain))
		err = sks_fail(ckr, SKS_CKR_DOMAIN_PARAMS_INVALID);
	if (!err && sks) {
		old_smk = s->smk;
		s->smk = smk;
		smk = NULL;
	}
	mutex_unlock(&s->lock);
	if (err)
		goto out_free;

	if (sks) {
		ar->objects = nr;
		if (nr)
			ar->status |= SKS_RESTORE_WARN_OBJECTS;
	} else {
		err = sks_restore_objects(sess, objs, len, nr, ckr);
		if (!err)
			ar->objects = nr;
	}
	goto out_free;

out_auth:
	mutex_unlock(&b->auth_lock);
out_free:
	sks_smk_put(old_smk);
	sks_smk_put(smk);
	if (objs)
		kvfree_sensitive(objs, len);
	memzero_explicit(&stored, sizeof(stored));
	memzero_explicit(&domain, sizeof(domain));
	kfree_sensitive(user);
out_put:
	sks_slot_put(b);
	return err;
}

/*
 * The calling session's Backup HSM slot, authenticated by the HSM SO
 * secret at @uptr. On success b->auth_lock is held.
 */
static int sks_backup_session_auth(struct sks_session *sess, u64 uptr,
				   u32 len, u32 *ckr)
{
	struct sks_slot *b = sess->slot;
	u8 *so;
	int err;

	err = sks_pin_len_ok(len, ckr);
	if (err)
		return err;
	if (b->type != SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	so = sks_memdup_user(uptr, len, SKS_PIN_MAX, ckr);
	if (IS_ERR(so))
		return PTR_ERR(so);
	mutex_lock(&b->auth_lock);
	err = sks_backup_check_so(b, so, len, ckr);
	if (err)
		mutex_unlock(&b->auth_lock);
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
	memcpy(e->domain_id, a->domain.hash, sizeof(e->domain_id));
	if (a->smk)
		memcpy(e->smk_fingerprint, a->smk->fingerprint,
		       sizeof(e->smk_fingerprint));
}

/**
 * sks_ioc_archive_list() - SKS_IOC_ARCHIVE_LIST: list the archives of the
 * session's Backup HSM slot, oldest first.
 * @sess: the session (a Backup HSM slot).
 * @arg: struct sks_archive_list.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0, -EINVAL (@entry_size, reserved), -EOPNOTSUPP (not a Backup
 * HSM), -EACCES (CKR_PIN_INCORRECT), -EOVERFLOW (CKR_BUFFER_TOO_SMALL,
 * @count set), -EFAULT, -ENOMEM.
 */
int sks_ioc_archive_list(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_list *al = arg;
	struct sks_slot *b = sess->slot;
	u8 __user *uptr = u64_to_user_ptr(al->entries);
	struct sks_archive_entry *entries = NULL;
	struct sks_archive *a;
	unsigned int i, n = 0;
	int err;

	if (al->reserved || al->entry_size < sizeof(struct sks_archive_entry) ||
	    al->entry_size > PAGE_SIZE)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_backup_session_auth(sess, al->so_secret, al->so_secret_len,
				      ckr);
	if (err)
		return err;

	mutex_lock(&b->lock);
	n = b->nr_archives;
	if (n)
		entries = kvcalloc(n, sizeof(*entries), GFP_KERNEL_ACCOUNT);
	if (n && !entries) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	} else {
		i = 0;
		list_for_each_entry(a, &b->archives, node)
			sks_archive_fill_entry(a, &entries[i++]);
	}
	mutex_unlock(&b->lock);
	mutex_unlock(&b->auth_lock);
	if (err)
		return err;

	if (!al->entries && !al->count) {
		al->count = n;
		goto out;
	}
	if (al->count < n) {
		al->count = n;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}
	for (i = 0; i < n; i++, uptr += al->entry_size) {
		if (copy_to_user(uptr, &entries[i], sizeof(entries[i])) ||
		    clear_user(uptr + sizeof(entries[i]),
			       al->entry_size - sizeof(entries[i]))) {
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
 * Return: 0, -EINVAL, -EOPNOTSUPP, -EACCES, -ENOENT
 * (CKR_TOKEN_NOT_RECOGNIZED: no such archive).
 */
int sks_ioc_archive_show(struct sks_session *sess, void *arg, u32 *ckr)
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
	mutex_lock(&b->lock);
	a = sks_archive_find(b, as->entry.name);
	if (a)
		sks_archive_fill_entry(a, &as->entry);
	else
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
	mutex_unlock(&b->lock);
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
 * Return: 0, -EINVAL, -EOPNOTSUPP, -EACCES, -ENOENT.
 */
int sks_ioc_archive_delete(struct sks_session *sess, void *arg, u32 *ckr)
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
	mutex_lock(&b->lock);
	a = sks_archive_find(b, as->entry.name);
	if (a) {
		list_del(&a->node);
		b->nr_archives--;
		b->used -= a->size;
	} else {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
	}
	mutex_unlock(&b->lock);
	mutex_unlock(&b->auth_lock);
	sks_archive_free(a);
	return err;
}

/* ---- durable images ---- */

/*
 * Image key and key check value: PRK = PBKDF2-HMAC-SHA256(secret, salt,
 * iterations); key = HMAC(PRK, "SKS image v1 key" || 0x01), check =
 * HMAC(PRK, "SKS image v1 check" || 0x01)[0..15] (HKDF-Expand, one block).
 * @tfm is rekeyed: the caller owns it (the slot's auth_lock).
 */
static int sks_image_keys(struct crypto_shash *tfm, const u8 *secret,
			  u32 len, const struct sks_image_hdr *h, u8 *key,
			  u8 *check)
{
	static const u8 one = 1;
	u8 prk[32], out[32];
	int err;

	err = sks_pbkdf2_sha256(tfm, secret, len, h->salt, sizeof(h->salt),
				h->iterations, prk, sizeof(prk));
	err = err ?: crypto_shash_setkey(tfm, prk, sizeof(prk));
	if (!err) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, sks_image_key_info,
					  sizeof(sks_image_key_info) - 1) ?:
		      crypto_shash_finup(desc, &one, 1, key);
		err = err ?: crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, sks_image_check_info,
					  sizeof(sks_image_check_info) - 1) ?:
		      crypto_shash_finup(desc, &one, 1, out);
		shash_desc_zero(desc);
	}
	if (!err)
		memcpy(check, out, SKS_IMAGE_CHECK_LEN);
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(out, sizeof(out));
	return err;
}

/* A scatterlist over a kvmalloc'd buffer (vmalloc pages one by one). */
static int sks_sg_init(struct sg_table *t, u8 *buf, size_t len)
{
	struct scatterlist *sg;
	unsigned int n, i;
	size_t off = 0;
	int err;

	if (!is_vmalloc_addr(buf)) {
		err = sg_alloc_table(t, 1, GFP_KERNEL);
		if (!err)
			sg_set_buf(t->sgl, buf, len);
		return err;
	}
	n = DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE);
	err = sg_alloc_table(t, n, GFP_KERNEL);
	if (err)
		return err;
	for_each_sg(t->sgl, sg, n, i) {
		size_t chunk = min_t(size_t, len - off,
				     PAGE_SIZE - offset_in_page(buf + off));

		sg_set_page(sg, vmalloc_to_page(buf + off), chunk,
			    offset_in_page(buf + off));
		off += chunk;
	}
	return 0;
}

/*
 * Seal (@enc) or open the image in @buf (header || payload || tag) in
 * place with AES-256-GCM under @key; the header is the AAD. Caller holds
 * slot->auth_lock, which protects slot->image_aead.
 */
static int sks_image_crypt(struct sks_slot *slot, bool enc, u8 *buf,
			   size_t payload_len, const u8 *key,
			   const struct sks_image_hdr *h)
{
	struct aead_request *req;
	struct sg_table t;
	DECLARE_CRYPTO_WAIT(wait);
	u8 *iv;
	int err;

	lockdep_assert_held(&slot->auth_lock);
	if (!slot->image_aead) {
		struct crypto_aead *tfm = crypto_alloc_aead("gcm(aes)", 0, 0);

		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		err = crypto_aead_setauthsize(tfm, SKS_IMAGE_TAG_LEN);
		if (err) {
			crypto_free_aead(tfm);
			return err;
		}
		slot->image_aead = tfm;
	}
	err = crypto_aead_setkey(slot->image_aead, key, 32);
	if (err)
		return err;
	iv = kmemdup(h->iv, SKS_IMAGE_IV_LEN, GFP_KERNEL);
	req = aead_request_alloc(slot->image_aead, GFP_KERNEL);
	err = sks_sg_init(&t, buf, SKS_IMAGE_HDR_LEN + payload_len +
			  SKS_IMAGE_TAG_LEN);
	if (!err && (!iv || !req)) {
		sg_free_table(&t);
		err = -ENOMEM;
	}
	if (err)
		goto out;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, SKS_IMAGE_HDR_LEN);
	aead_request_set_crypt(req, t.sgl, t.sgl,
			       payload_len + (enc ? 0 : SKS_IMAGE_TAG_LEN), iv);
	err = crypto_wait_req(enc ? crypto_aead_encrypt(req) :
			      crypto_aead_decrypt(req), &wait);
	sg_free_table(&t);
out:
	aead_request_free(req);
	kfree(iv);
	/* the next setkey replaces the key; no need to keep it around */
	return err;
}

/* Encode the payload of slot @b into @p. Caller holds b->lock. */
static void sks_image_encode(struct sks_slot *b, u8 *p)
{
	struct sks_image_hsm m = {};
	struct sks_image_arc r;
	struct sks_archive *a;

	lockdep_assert_held(&b->lock);
	m.serial = b->serial;
	m.capacity = b->capacity;
	strscpy(m.fw_version, b->fw_version, sizeof(m.fw_version));
	m.nr_archives = b->nr_archives;
	p += sks_image_put_hsm(p, &m);
	list_for_each_entry(a, &b->archives, node) {
		memset(&r, 0, sizeof(r));
		r.kind = a->kind;
		r.nr_objects = a->nr_objects;
		memcpy(r.name, a->name, sizeof(r.name));
		r.created = a->created;
		r.source_serial = a->source_serial;
		memcpy(r.domain, a->domain.hash, sizeof(r.domain));
		r.secret_iterations = a->secret_iterations;
		memcpy(r.secret_salt, a->secret.salt, sizeof(r.secret_salt));
		memcpy(r.secret_hash, a->secret.hash, sizeof(r.secret_hash));
		if (a->smk)
			memcpy(r.smk, a->smk->key, sizeof(r.smk));
		r.objects_len = a->objects_len;
		r.objects = a->objects;
		p += sks_image_put_arc(p, &r);
		memzero_explicit(&r, sizeof(r));
	}
}

/* Payload size of slot @b. Caller holds b->lock. */
static size_t sks_image_payload_size(struct sks_slot *b)
{
	struct sks_archive *a;
	size_t size = SKS_IMAGE_HSM_LEN;

	lockdep_assert_held(&b->lock);
	list_for_each_entry(a, &b->archives, node)
		size += SKS_IMAGE_ARC_FIXED + a->objects_len;
	return size;
}

/**
 * sks_ioc_image_save() - SKS_IOC_IMAGE_SAVE: seal the Backup HSM slot of
 * this session into an image.
 * @sess: the session (a Backup HSM slot).
 * @arg: struct sks_image_save.
 * @ckr: out: result code.
 *
 * Order of checks: secret length, slot type (CKR_FUNCTION_NOT_SUPPORTED),
 * HSM SO secret (CKR_PIN_INCORRECT), size (CKR_DATA_LEN_RANGE above
 * SKS_IMAGE_MAX_SIZE; @image 0: size query; CKR_BUFFER_TOO_SMALL).
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_image_save(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_image_save *is = arg;
	struct sks_slot *b = sess->slot;
	struct sks_image_hdr h = {};
	u8 key[32], check[SKS_IMAGE_CHECK_LEN];
	size_t payload, total;
	u8 *so = NULL, *buf = NULL;
	int err;

	err = sks_pin_len_ok(is->so_secret_len, ckr);
	if (err)
		return err;
	if (b->type != SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	so = sks_memdup_user(is->so_secret, is->so_secret_len, SKS_PIN_MAX,
			     ckr);
	if (IS_ERR(so))
		return PTR_ERR(so);

	mutex_lock(&b->auth_lock);
	err = sks_backup_check_so(b, so, is->so_secret_len, ckr);
	if (err)
		goto out;
	mutex_lock(&b->lock);
	payload = sks_image_payload_size(b);
	mutex_unlock(&b->lock);
	total = SKS_IMAGE_HDR_LEN + payload + SKS_IMAGE_TAG_LEN;
	if (total > SKS_IMAGE_MAX_LEN) {
		err = sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
		goto out;
	}
	if (!is->image) {
		is->image_len = total;
		goto out;
	}
	if (is->image_len < total) {
		is->image_len = total;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}

	buf = kvzalloc(total, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	/* auth_lock keeps the archive list, and so the size, unchanged */
	mutex_lock(&b->lock);
	sks_image_encode(b, buf + SKS_IMAGE_HDR_LEN);
	mutex_unlock(&b->lock);

	h.iterations = sks_pbkdf2_iterations;
	h.payload_len = payload;
	get_random_bytes(h.salt, sizeof(h.salt));
	get_random_bytes(h.iv, sizeof(h.iv));
	err = sks_image_keys(b->pin_tfm, so, is->so_secret_len, &h, key, check);
	if (!err) {
		memcpy(h.check, check, sizeof(h.check));
		sks_image_put_hdr(buf, &h);
		err = sks_image_crypt(b, true, buf, payload, key, &h);
	}
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(is->image), buf, total)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out;
	}
	is->image_len = total;
out:
	mutex_unlock(&b->auth_lock);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(check, sizeof(check));
	if (buf)
		kvfree_sensitive(buf, total);
	kfree_sensitive(so);
	return err;
}

/* Build the archives of a decrypted payload into the new slot @b. */
static int sks_image_decode(struct sks_slot *b, const u8 *p, size_t len,
			    u32 *ckr)
{
	struct sks_image_hsm m;
	struct sks_image_arc r;
	struct sks_archive *a;
	size_t off, used;
	u64 total = 0;
	u32 i;
	int err = 0;

	if (sks_image_get_hsm(p, len, &m) || !m.capacity ||
	    m.capacity > SKS_MAX_CAPACITY)
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	b->serial = m.serial;
	b->capacity = m.capacity;
	strscpy(b->fw_version, m.fw_version, sizeof(b->fw_version));
	off = SKS_IMAGE_HSM_LEN;
	for (i = 0; i < m.nr_archives; i++, off += used) {
		if (sks_image_get_arc(p + off, len - off, &r, &used)) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			break;
		}
		mutex_lock(&b->lock);
		a = sks_archive_find(b, r.name);
		mutex_unlock(&b->lock);
		if (a) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			break;
		}
		a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
		if (!a) {
			err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
			break;
		}
		memcpy(a->name, r.name, sizeof(a->name));
		a->kind = r.kind;
		a->created = r.created;
		a->source_serial = r.source_serial;
		a->domain.set = true;
		memcpy(a->domain.salt, sks_domain_salt, sizeof(a->domain.salt));
		memcpy(a->domain.hash, r.domain, sizeof(a->domain.hash));
		a->secret.set = true;
		a->secret_iterations = r.secret_iterations;
		memcpy(a->secret.salt, r.secret_salt, sizeof(a->secret.salt));
		memcpy(a->secret.hash, r.secret_hash, sizeof(a->secret.hash));
		a->nr_objects = r.nr_objects;
		a->objects_len = r.objects_len;
		if (r.kind == SKS_IMAGE_KIND_SKS) {
			a->smk = sks_smk_import(r.smk);
			if (IS_ERR(a->smk)) {
				a->smk = NULL;
				err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
			}
		}
		if (!err && r.objects_len) {
			a->objects = kvmalloc(r.objects_len, GFP_KERNEL_ACCOUNT);
			if (a->objects)
				memcpy(a->objects, r.objects, r.objects_len);
			else
				err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		}
		a->size = sks_archive_charge(a->objects_len, a->smk);
		total += a->size;
		memzero_explicit(&r, sizeof(r));
		if (err) {
			sks_archive_free(a);
			break;
		}
		mutex_lock(&b->lock);
		list_add_tail(&a->node, &b->archives);
		b->nr_archives++;
		b->used = total;
		mutex_unlock(&b->lock);
	}
	memzero_explicit(&r, sizeof(r));
	if (!err && (off != len || total > b->capacity))
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	return err;
}

/**
 * sks_ctl_image_load() - SKS_CTL_IMAGE_LOAD: create a Backup HSM slot from
 * an image.
 * @hsm: the HSM.
 * @arg: struct sks_image_load.
 * @ckr: out: result code.
 *
 * Order of checks: arguments (reserved fields, output fields, lengths),
 * CAP_SYS_ADMIN (-EPERM), the header (CKR_DATA_INVALID), the key check
 * value (CKR_PIN_INCORRECT), the tag (CKR_DATA_INVALID), the payload
 * (CKR_DATA_INVALID), then a free slot number (CKR_DEVICE_MEMORY). The
 * slot appears only when everything passed.
 *
 * Context: process context, may sleep; takes the new slot's locks and
 * slots_lock.
 * Return: 0 or a negative errno.
 */
int sks_ctl_image_load(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	struct sks_image_load *il = arg;
	struct sks_slot_create sc = { .type = SKS_SLOT_BACKUP };
	struct sks_image_hdr h;
	struct sks_slot *b;
	u8 key[32], check[SKS_IMAGE_CHECK_LEN];
	u8 *so, *buf;
	int err;

	if (il->reserved || il->slot || il->serial)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_pin_len_ok(il->so_secret_len, ckr);
	if (err)
		return err;
	if (il->image_len > SKS_IMAGE_MAX_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);

	so = sks_memdup_user(il->so_secret, il->so_secret_len, SKS_PIN_MAX,
			     ckr);
	if (IS_ERR(so))
		return PTR_ERR(so);
	buf = kvmalloc(max_t(u32, il->image_len, 1), GFP_KERNEL_ACCOUNT);
	if (!buf) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_so;
	}
	if (copy_from_user(buf, u64_to_user_ptr(il->image), il->image_len)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_buf;
	}
	if (sks_image_get_hdr(buf, il->image_len, &h)) {
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
		goto out_buf;
	}

	b = sks_slot_alloc(hsm, &sc);
	if (!b) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_buf;
	}
	mutex_lock(&b->auth_lock);
	err = sks_image_keys(b->pin_tfm, so, il->so_secret_len, &h, key,
			     check);
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_auth;
	}
	if (crypto_memneq(check, h.check, sizeof(check))) {
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
		goto out_auth;
	}
	err = sks_image_crypt(b, false, buf, h.payload_len, key, &h);
	if (err) {
		err = sks_fail(ckr, err == -EBADMSG ? SKS_CKR_DATA_INVALID :
			       SKS_CKR_DEVICE_ERROR);
		goto out_auth;
	}
	err = sks_image_decode(b, buf + SKS_IMAGE_HDR_LEN, h.payload_len, ckr);
	if (!err && sks_secret_set(b->pin_tfm, &b->so, so, il->so_secret_len))
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
out_auth:
	mutex_unlock(&b->auth_lock);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(check, sizeof(check));
	if (!err) {
		b->initialized = true;
		err = sks_slot_register(hsm, b, SKS_SLOT_ANY, ckr);
	}
	if (err) {
		sks_slot_put(b);
	} else {
		il->slot = b->num;
		il->serial = b->serial;
	}
out_buf:
	kvfree_sensitive(buf, max_t(u32, il->image_len, 1));
out_so:
	kfree_sensitive(so);
	return err;
}
