// SPDX-License-Identifier: GPL-2.0
/*
 * sks - archives between partitions and Backup HSMs: SKS backup and
 * restore of the SMK, cloning backups and restores of V0 objects
 * (docs/backup.md). Each handler runs in steps: check the arguments,
 * collect from one side, install on the other. Locking: backup.h.
 */

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "backup.h"
#include "blob_codec.h"
#include "image_codec.h"

/*
 * Name a new SKS archive "<serial>_<YYYY:MM:DD-HH:MM:SS>" (UTC), as Luna
 * names SKS backups; if that name is taken (a backup in the same second),
 * append "_2", "_3", ... Caller holds b->lock.
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
 * The objects of the calling V0 session to clone: the @count handles at
 * @handles (each once), or every token object if @count is 0. Returns a
 * kvcalloc'd array of references (*@nr of them). Caller holds S->lock.
 */
static struct sks_object **sks_clone_take_locked(struct sks_file_session *sess,
						 const u32 *handles, u32 count,
						 u32 *nr, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	struct sks_object **objs, *obj;
	unsigned long idx;
	u32 i, n = 0;
	int err;

	lockdep_assert_held(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (err)
		return ERR_PTR(err);
	objs = kvcalloc(count ?: SKS_MAX_EXTRACT, sizeof(*objs),
			GFP_KERNEL_ACCOUNT);
	if (!objs)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	for (i = 0; i < count; i++) {
		obj = sks_object_get_locked(sess, handles[i]);
		if (!obj) {
			err = sks_fail(ckr, SKS_CKR_OBJECT_HANDLE_INVALID);
			goto err_put;
		}
		objs[n++] = obj;
	}
	if (!count) {
		xa_for_each(&s->objects, idx, obj) {
			if (obj->owner)
				continue;
			if (n == SKS_MAX_EXTRACT) {
				err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
				goto err_put;
			}
			kref_get(&obj->ref);
			objs[n++] = obj;
		}
	}
	*nr = n;
	return objs;

err_put:
	while (n--)
		sks_object_put(objs[n]);
	kvfree(objs);
	return ERR_PTR(err);
}

/*
 * Encode objects of the calling V0 session for a cloning archive into a
 * kvmalloc'd buffer of blob records (wipe with kvfree_sensitive()); an
 * ERR_PTR on failure.
 */
static u8 *sks_clone_objects(struct sks_file_session *sess, const u32 *handles,
			     u32 count, u32 *nr, u32 *len, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	struct sks_object **objs;
	struct sks_blob_rec r;
	size_t size = 0, off = 0;
	u8 *buf = NULL;
	u32 i, n = 0;
	int err = 0;

	mutex_lock(&s->lock);
	objs = sks_clone_take_locked(sess, handles, count, &n, ckr);
	mutex_unlock(&s->lock);
	if (IS_ERR(objs))
		return ERR_CAST(objs);

	for (i = 0; i < n; i++) {
		sks_object_to_rec(objs[i], &r);
		size += sks_blob_rec_size(&r);
	}
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
		sks_object_to_rec(objs[i], &r);	/* usage count: a snapshot */
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
static int sks_archive_session_check(struct sks_file_session *sess, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	int err;

	mutex_lock(&s->lock);
	err = sks_session_require_partition(sess, ckr);
	if (!err && sks_session_role(sess) != SKS_ROLE_CO)
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
	err = sks_check_pin_len(ab->so_secret_len, ckr);
	if (!err)
		err = sks_check_pin_len(ab->user_secret_len, ckr);
	return err;
}

/* The secrets and handles of a backup, copied in. */
struct sks_backup_args {
	u8 *so;
	u8 *user;
	u32 *handles;
};

static void sks_backup_args_free(struct sks_backup_args *in)
{
	kfree_sensitive(in->user);
	kfree_sensitive(in->so);
	kfree(in->handles);
}

static int sks_backup_copy_args(const struct sks_archive_backup *ab,
				struct sks_backup_args *in, u32 *ckr)
{
	u32 dup;
	void *p;

	if (ab->count) {
		p = sks_memdup_user(ab->handles, ab->count * sizeof(u32),
				    SKS_MAX_EXTRACT * sizeof(u32), ckr);
		if (IS_ERR(p))
			return PTR_ERR(p);
		in->handles = p;
		if (sks_handles_first_duplicate(in->handles, ab->count, &dup))
			return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		if (dup < ab->count)	/* an object is cloned once */
			return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	}
	p = sks_memdup_user(ab->so_secret, ab->so_secret_len, SKS_PIN_MAX, ckr);
	if (IS_ERR(p))
		return PTR_ERR(p);
	in->so = p;
	p = sks_memdup_user(ab->user_secret, ab->user_secret_len, SKS_PIN_MAX,
			    ckr);
	if (IS_ERR(p))
		return PTR_ERR(p);
	in->user = p;
	return 0;
}

/*
 * Collect what a backup archives from the calling partition into the new
 * archive @a: an SKS partition's SMK, or a V0 partition's objects; and its
 * domain. Caller holds B->auth_lock (not S->lock).
 */
static int sks_backup_collect(struct sks_file_session *sess,
			      const struct sks_archive_backup *ab,
			      const u32 *handles, struct sks_archive *a,
			      u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	int err = 0;

	if (s->type == SKS_SLOT_V0) {
		a->objects = sks_clone_objects(sess, handles, ab->count,
					       &a->nr_objects,
					       &a->objects_len, ckr);
		if (IS_ERR(a->objects)) {
			err = PTR_ERR(a->objects);
			a->objects = NULL;
			return err;
		}
	}
	mutex_lock(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && s->type == SKS_SLOT_V1 && !s->smk)
		err = sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
	if (!err && !s->domain.set)
		err = sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
	if (!err && s->type == SKS_SLOT_V1) {
		a->smk = s->smk;
		kref_get(&a->smk->ref);
	}
	if (!err)
		a->domain = s->domain;
	mutex_unlock(&s->lock);
	if (err)
		return err;
	a->kind = s->type == SKS_SLOT_V1 ? SKS_ARCHIVE_SKS :
		  SKS_ARCHIVE_CLONING;
	a->source_serial = s->serial;
	a->created = ktime_get_real_seconds();
	return 0;
}

/*
 * The user secret of a backup: APPEND must give the existing archive's
 * (checked and counted), anything else sets a new one. Caller holds
 * B->auth_lock.
 */
static int sks_backup_user_secret(struct sks_slot *b,
				  const struct sks_archive_backup *ab,
				  const u8 *user, struct sks_archive *a,
				  u32 *ckr)
{
	struct sks_archive *old;
	int err;

	if (!(ab->flags & SKS_BACKUP_APPEND)) {
		err = sks_secret_set(b->pin_tfm, &a->secret, user,
				     ab->user_secret_len);
		if (err && err != -EINTR)
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		return err;
	}
	err = sks_backup_lock(b, ckr);
	if (err)
		return err;
	old = sks_archive_find(b, ab->name);
	mutex_unlock(&b->lock);
	if (!old)
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
	return sks_archive_check_secret(b, old, user, ab->user_secret_len, ckr);
}

/*
 * APPEND: the new archive @a becomes the old one with the new objects
 * added. Caller holds B->lock (and B->auth_lock, which kept @old).
 */
static int sks_backup_merge_locked(struct sks_archive *old,
				   struct sks_archive *a, u32 *ckr)
{
	u8 *merged;
	u32 len;

	if (!sks_domain_equal(&old->domain, &a->domain))
		return sks_fail(ckr, SKS_CKR_DOMAIN_PARAMS_INVALID);
	if ((u64)old->objects_len + a->objects_len > SKS_IMAGE_MAX_LEN ||
	    (u64)old->nr_objects + a->nr_objects > SKS_IMAGE_MAX_ARCHIVES * 16)
		return sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
	len = old->objects_len + a->objects_len;
	merged = kvmalloc(max_t(size_t, len, 1), GFP_KERNEL_ACCOUNT);
	if (!merged)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	if (old->objects_len)
		memcpy(merged, old->objects, old->objects_len);
	if (a->objects_len)
		memcpy(merged + old->objects_len, a->objects, a->objects_len);
	if (a->objects)
		kvfree_sensitive(a->objects, a->objects_len);
	a->objects = merged;
	a->objects_len = len;
	a->nr_objects += old->nr_objects;
	sks_smk_put(a->smk);
	a->smk = old->smk;
	if (a->smk)
		kref_get(&a->smk->ref);
	a->kind = old->kind;
	a->created = old->created;
	a->source_serial = old->source_serial;
	a->secret = old->secret;
	a->lockout = old->lockout;
	memcpy(a->domain_id, old->domain_id, sizeof(a->domain_id));
	return 0;
}

/*
 * Put the new archive on the Backup HSM: name, APPEND/REPLACE, space.
 * Nothing on the Backup HSM changed before this; on success the archive
 * belongs to the slot and the replaced one is returned in *@old to be
 * freed. Caller holds B->auth_lock.
 */
static int sks_backup_install(struct sks_slot *b, struct sks_archive_backup *ab,
			      struct sks_archive *a, struct sks_archive **old,
			      u32 *ckr)
{
	bool named = memchr_inv(ab->name, 0, sizeof(ab->name));
	u64 charge, freed = 0;
	int err;

	*old = NULL;
	err = sks_backup_lock(b, ckr);
	if (err)
		return err;
	*old = named ? sks_archive_find(b, ab->name) : NULL;
	if (*old && !(ab->flags & (SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE))) {
		err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
		goto out;
	}
	if (ab->flags & SKS_BACKUP_APPEND) {
		err = sks_backup_merge_locked(*old, a, ckr);
		if (err)
			goto out;
	}
	if (*old)
		freed = (*old)->size;
	charge = sks_archive_charge(a->objects_len, a->smk);
	if (b->used - freed + charge > b->capacity) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
		goto out;
	}
	if (named) {
		memcpy(a->name, ab->name, sizeof(a->name));
	} else if (sks_archive_make_name(b, a->source_serial, a->created,
					 a->name)) {
		err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
		goto out;
	}
	a->size = charge;
	if (*old) {
		list_replace(&(*old)->node, &a->node);
	} else {
		list_add_tail(&a->node, &b->archives);
		b->nr_archives++;
	}
	b->used = b->used - freed + charge;
	sks_state_changed(b);
	memcpy(ab->name, a->name, sizeof(ab->name));
	ab->objects = a->nr_objects;
out:
	mutex_unlock(&b->lock);
	if (err)
		*old = NULL;
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
 * (CKR_FUNCTION_NOT_SUPPORTED), a repeated handle (CKR_ARGUMENTS_BAD), the
 * HSM SO secret (CKR_PIN_INCORRECT or CKR_PIN_LOCKED, counted), the
 * objects, then the archive name (CKR_FUNCTION_FAILED if taken and
 * neither APPEND nor REPLACE; APPEND: CKR_TOKEN_NOT_RECOGNIZED if missing,
 * the archive's user secret, counted, CKR_DOMAIN_PARAMS_INVALID for
 * another domain) and the space (CKR_DEVICE_MEMORY). Nothing is written
 * unless all pass. Steps: check the arguments, collect from the
 * partition, install on the Backup HSM.
 *
 * Context: process context, may sleep; takes B->auth_lock, S->lock and
 * B->lock (backup.h).
 * Return: 0 or a negative errno.
 */
int sks_ioc_archive_backup(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_backup *ab = arg;
	struct sks_slot *s = sess->slot, *b;
	struct sks_backup_args in = {};
	struct sks_archive *a = NULL, *old = NULL;
	bool sks, named;
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
	err = sks_backup_copy_args(ab, &in, ckr);
	if (err)
		goto out_free;
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_free;
	}

	err = sks_backup_auth(b, in.so, ab->so_secret_len, ckr);
	if (err)
		goto out_free;
	err = sks_backup_collect(sess, ab, in.handles, a, ckr);
	if (!err)
		err = sks_archive_set_domain_id(b, a) ?
		      sks_fail(ckr, SKS_CKR_DEVICE_ERROR) : 0;
	if (!err)
		err = sks_backup_user_secret(b, ab, in.user, a, ckr);
	if (!err)
		err = sks_backup_install(b, ab, a, &old, ckr);
	mutex_unlock(&b->auth_lock);
	if (!err)
		a = NULL;	/* the Backup HSM's now */
	sks_archive_free(old);
out_free:
	sks_archive_free(a);
	sks_backup_args_free(&in);
out_put:
	sks_slot_put(b);
	return err;
}

/* Restore a cloning archive's objects as token objects, all or nothing. */
static int sks_restore_objects(struct sks_file_session *sess, const u8 *buf,
			       u32 len, u32 nr, u32 *ckr)
{
	struct sks_slot *s = sess->slot;
	struct sks_object **objs;
	struct sks_blob_rec r;
	size_t off = 0, used;
	u32 i, n = 0;
	int err = 0;

	objs = kvcalloc(max_t(u32, nr, 1), sizeof(*objs), GFP_KERNEL_ACCOUNT);
	if (!objs)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	for (i = 0; i < nr; i++, off += used) {
		if (sks_blob_get_rec(buf + off, len - off, SKS_BLOB_VERSION, &r,
				     &used)) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			goto out;
		}
		objs[n] = sks_object_from_rec(s, &r, SKS_OBJ_TOKEN, ckr);
		if (IS_ERR(objs[n])) {
			err = PTR_ERR(objs[n]);
			goto out;
		}
		n++;
	}

	mutex_lock(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err)
		err = sks_objects_publish_locked(s, sess, objs, n, ckr);
	mutex_unlock(&s->lock);
	if (!err)
		n = 0;	/* the partition's xarray now holds the references */
out:
	for (i = 0; i < n; i++)
		sks_object_put(objs[i]);
	kvfree(objs);
	return err;
}

/* What a restore takes from an archive, copied under the Backup HSM lock. */
struct sks_restore_src {
	u32 kind;
	struct sks_secret domain;
	struct sks_smk *smk;
	u32 nr;
	u32 len;
	u8 *objects;
};

static void sks_restore_src_free(struct sks_restore_src *src)
{
	sks_smk_put(src->smk);
	if (src->objects)
		kvfree_sensitive(src->objects, src->len);
	memzero_explicit(src, sizeof(*src));
}

/*
 * Find the archive, check its user secret (counted) and take what the
 * restore needs from it. Caller holds B->auth_lock.
 */
static int sks_restore_collect(struct sks_slot *b, const u8 *name,
			       const u8 *user, u32 user_len, bool sks,
			       struct sks_restore_src *src, u32 *ckr)
{
	struct sks_archive *a;
	int err;

	err = sks_backup_lock(b, ckr);
	if (err)
		return err;
	a = sks_archive_find(b, name);
	mutex_unlock(&b->lock);
	if (!a)
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_RECOGNIZED);
	err = sks_archive_check_secret(b, a, user, user_len, ckr);
	if (err)
		return err;

	err = sks_backup_lock(b, ckr);
	if (err)
		return err;
	src->kind = a->kind;
	src->domain = a->domain;
	src->nr = a->nr_objects;
	if (sks && a->kind == SKS_ARCHIVE_SKS) {
		src->smk = a->smk;
		kref_get(&src->smk->ref);
	} else if (!sks && a->kind == SKS_ARCHIVE_CLONING && a->objects_len) {
		src->objects = kvmalloc(a->objects_len, GFP_KERNEL_ACCOUNT);
		if (src->objects) {
			src->len = a->objects_len;
			memcpy(src->objects, a->objects, src->len);
		} else {
			err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		}
	}
	mutex_unlock(&b->lock);
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
 * (CKR_TOKEN_NOT_RECOGNIZED), its user secret (CKR_PIN_INCORRECT or
 * CKR_PIN_LOCKED, counted per archive), its kind (an SKS archive for a V1
 * partition, a cloning archive for V0: CKR_SAVED_STATE_INVALID
 * otherwise), the cloning domain (CKR_DOMAIN_PARAMS_INVALID), the
 * partition's space (V0, CKR_DEVICE_MEMORY). On any failure nothing
 * changes anywhere but the archive's bad-attempt counter.
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
int sks_ioc_archive_restore(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_archive_restore *ar = arg;
	struct sks_slot *s = sess->slot, *b;
	struct sks_restore_src src = {};
	struct sks_smk *old_smk = NULL;
	bool sks;
	u8 *user;
	int err;

	if (ar->status || ar->objects ||
	    sks_image_check_name(ar->name, sizeof(ar->name)) < 0)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_check_pin_len(ar->user_secret_len, ckr);
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
	err = sks_restore_collect(b, ar->name, user, ar->user_secret_len, sks,
				  &src, ckr);
	mutex_unlock(&b->auth_lock);
	if (!err && src.kind != (sks ? SKS_ARCHIVE_SKS : SKS_ARCHIVE_CLONING))
		err = sks_fail(ckr, SKS_CKR_SAVED_STATE_INVALID);
	if (err)
		goto out_free;

	mutex_lock(&s->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && !sks_domain_equal(&s->domain, &src.domain))
		err = sks_fail(ckr, SKS_CKR_DOMAIN_PARAMS_INVALID);
	if (!err && sks) {
		old_smk = s->smk;
		s->smk = src.smk;
		src.smk = NULL;
		sks_state_changed(s);
	}
	mutex_unlock(&s->lock);
	if (err)
		goto out_free;

	if (sks) {
		ar->objects = src.nr;
		if (src.nr)
			ar->status |= SKS_RESTORE_WARN_OBJECTS;
	} else {
		err = sks_restore_objects(sess, src.objects, src.len, src.nr,
					  ckr);
		if (!err)
			ar->objects = src.nr;
	}
out_free:
	sks_smk_put(old_smk);
	sks_restore_src_free(&src);
	kfree_sensitive(user);
out_put:
	sks_slot_put(b);
	return err;
}

