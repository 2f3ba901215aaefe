// SPDX-License-Identifier: GPL-2.0
/*
 * sks - Backup HSM images: a whole Backup HSM sealed into one file
 * (SKS_IOC_IMAGE_SAVE) and a Backup HSM slot made from one
 * (SKS_CTL_IMAGE_LOAD). Format and threat model: docs/backup.md; the
 * codec is image_codec.c. Locking: backup.h.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "backup.h"
#include "blob_codec.h"
#include "image_codec.h"

static const char sks_image_key_info[] = "SKS image v1 key";
static const char sks_image_check_info[] = "SKS image v1 check";

static_assert(SKS_IMAGE_MIN_ITER == SKS_KDF_ITERATIONS_MIN);
static_assert(SKS_IMAGE_MAX_ITER == SKS_KDF_ITERATIONS_MAX);
static_assert(SKS_IMAGE_MAX_LEN == SKS_IMAGE_MAX_SIZE);
static_assert(SKS_IMAGE_ID_KEY_LEN == SKS_ID_KEY_LEN);
static_assert(SKS_IMAGE_DOMAIN_LEN == SKS_SECRET_HASH_LEN);
static_assert(SKS_IMAGE_SSALT_LEN == SKS_SECRET_SALT_LEN);
static_assert(SKS_IMAGE_SMK_LEN == SKS_SMK_LEN);

/*
 * Image key and key check value: PRK = PBKDF2-HMAC-SHA256(secret, salt,
 * iterations); key = HKDF-Expand(PRK, "SKS image v1 key", 32), check =
 * HKDF-Expand(PRK, "SKS image v1 check", 16). @tfm is the slot's pin_tfm:
 * the caller holds its auth_lock; no key stays in it.
 */
static int sks_image_keys(struct crypto_shash *tfm, const u8 *secret,
			  u32 len, const struct sks_image_hdr *h, u8 *key,
			  u8 *check)
{
	u8 prk[32];
	int err;

	err = sks_pbkdf2_sha256(tfm, secret, len, h->salt, sizeof(h->salt),
				h->iterations, prk, sizeof(prk));
	err = err ?: crypto_shash_setkey(tfm, prk, sizeof(prk));
	err = err ?: sks_hkdf_expand_tfm(tfm, sks_image_key_info,
					 sizeof(sks_image_key_info) - 1,
					 key, 32);
	err = err ?: sks_hkdf_expand_tfm(tfm, sks_image_check_info,
					 sizeof(sks_image_check_info) - 1,
					 check, SKS_IMAGE_CHECK_LEN);
	sks_shash_forget_key(tfm);
	memzero_explicit(prk, sizeof(prk));
	return err;
}

/* The checksum of a version 2 header: tells damage from a wrong secret. */
static void sks_image_sum(const u8 *hdr, u8 *sum)
{
	u8 digest[SHA256_DIGEST_SIZE];

	sha256(hdr, SKS_IMAGE_SUM_OFF, digest);
	memcpy(sum, digest, SKS_IMAGE_SUM_LEN);
}

/*
 * Seal (@enc) or open the image in @buf (header || payload || tag) in
 * place with AES-256-GCM under @key; the header is the AAD. Caller holds
 * slot->auth_lock, which protects slot->image_aead.
 */
static int sks_image_crypt(struct sks_slot *slot, bool enc, u8 *buf,
			   const u8 *key, const struct sks_image_hdr *h)
{
	lockdep_assert_held(&slot->auth_lock);
	if (!slot->image_aead) {
		struct crypto_aead *tfm = sks_gcm_alloc();

		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		slot->image_aead = tfm;
	}
	return sks_gcm_buf(slot->image_aead, key, enc, buf,
			   sks_image_hdr_size(h->version), h->payload_len,
			   h->iv);
}

/**
 * sks_image_payload_size() - bytes of a Backup HSM's image payload.
 * @b: the Backup HSM.
 *
 * Context: caller holds b->lock.
 * Return: the size of the payload sks_image_encode() writes.
 */
size_t sks_image_payload_size(struct sks_slot *b)
{
	struct sks_archive *a;
	size_t size = SKS_IMAGE_HSM_LEN;

	lockdep_assert_held(&b->lock);
	list_for_each_entry(a, &b->archives, node)
		size += SKS_IMAGE_ARC_FIXED + a->objects_len;
	return size;
}

/**
 * sks_image_encode() - encode a Backup HSM and its archives (the image
 * payload, current version), also the payload of its state record.
 * @b: the Backup HSM.
 * @p: sks_image_payload_size(@b) bytes.
 *
 * Context: caller holds b->lock.
 */
void sks_image_encode(struct sks_slot *b, u8 *p)
{
	struct sks_image_hsm m = { .version = SKS_IMAGE_VERSION };
	struct sks_image_arc r;
	struct sks_archive *a;

	lockdep_assert_held(&b->lock);
	m.serial = b->serial;
	m.capacity = b->capacity;
	strscpy(m.fw_version, b->fw_version, sizeof(m.fw_version));
	m.nr_archives = b->nr_archives;
	m.so_failures = b->so_lockout.failures;
	memcpy(m.id_key, b->id_key, sizeof(m.id_key));
	p += sks_image_put_hsm(p, &m);
	memzero_explicit(&m, sizeof(m));
	list_for_each_entry(a, &b->archives, node) {
		memset(&r, 0, sizeof(r));
		r.version = SKS_IMAGE_VERSION;
		r.kind = a->kind;
		r.nr_objects = a->nr_objects;
		memcpy(r.name, a->name, sizeof(r.name));
		r.created = a->created;
		r.source_serial = a->source_serial;
		memcpy(r.domain, a->domain.hash, sizeof(r.domain));
		r.secret_iterations = a->secret.iterations;
		memcpy(r.secret_salt, a->secret.salt, sizeof(r.secret_salt));
		memcpy(r.secret_hash, a->secret.hash, sizeof(r.secret_hash));
		if (a->smk)
			memcpy(r.smk, a->smk->key, sizeof(r.smk));
		r.failures = a->lockout.failures;
		r.objects_len = a->objects_len;
		r.objects = a->objects;
		p += sks_image_put_arc(p, &r);
		memzero_explicit(&r, sizeof(r));
	}
}

/* The image size of Backup HSM @b. Caller holds b->auth_lock. */
static int sks_image_size(struct sks_slot *b, struct sks_image_hdr *h,
			  size_t *total, u32 *ckr)
{
	int err;

	err = sks_backup_lock(b, ckr);
	if (err)
		return err;
	h->payload_len = sks_image_payload_size(b);
	mutex_unlock(&b->lock);
	*total = SKS_IMAGE_HDR_LEN + (size_t)h->payload_len + SKS_IMAGE_TAG_LEN;
	if (*total > SKS_IMAGE_MAX_LEN)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	return 0;
}

/*
 * Encode Backup HSM @b into a new kvmalloc'd image buffer of @total bytes
 * (sks_image_size()), payload in clear, under one look at the slot: all of
 * it, or CKR_TOKEN_NOT_PRESENT if it was deleted. Caller holds
 * b->auth_lock, which keeps the archives (and so the size) as they are.
 */
static u8 *sks_image_collect(struct sks_slot *b, size_t total, u32 *ckr)
{
	u8 *buf;
	int err;

	buf = kvzalloc(total, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	err = sks_backup_lock(b, ckr);
	if (err) {
		kvfree(buf);
		return ERR_PTR(err);
	}
	sks_image_encode(b, buf + SKS_IMAGE_HDR_LEN);
	mutex_unlock(&b->lock);
	return buf;
}

/*
 * Seal an encoded image in place: header (with its checksum) and payload
 * under a key derived from @so. Caller holds b->auth_lock.
 */
static int sks_image_seal(struct sks_slot *b, const u8 *so, u32 so_len,
			  struct sks_image_hdr *h, u8 *buf)
{
	u8 key[32];
	int err;

	h->version = SKS_IMAGE_VERSION;
	h->iterations = sks_pbkdf2_iterations;
	get_random_bytes(h->salt, sizeof(h->salt));
	get_random_bytes(h->iv, sizeof(h->iv));
	err = sks_image_keys(b->pin_tfm, so, so_len, h, key, h->check);
	if (!err) {
		sks_image_put_hdr(buf, h);
		sks_image_sum(buf, buf + SKS_IMAGE_SUM_OFF);
		err = sks_image_crypt(b, true, buf, key, h);
	}
	memzero_explicit(key, sizeof(key));
	return err;
}

/**
 * sks_ioc_image_save() - SKS_IOC_IMAGE_SAVE: seal the Backup HSM slot of
 * this session into an image.
 * @sess: the session (a Backup HSM slot).
 * @arg: struct sks_image_save.
 * @ckr: out: result code.
 *
 * Order of checks: secret length, slot type (CKR_FUNCTION_NOT_SUPPORTED),
 * HSM SO secret (CKR_PIN_INCORRECT or CKR_PIN_LOCKED, counted), size
 * (CKR_DATA_LEN_RANGE above SKS_IMAGE_MAX_SIZE; @image 0: size query;
 * CKR_BUFFER_TOO_SMALL). The image holds the whole slot as one look under
 * its lock saw it, or the call fails with CKR_TOKEN_NOT_PRESENT (the slot
 * was deleted meanwhile): never a part of it.
 *
 * Context: process context, may sleep; takes auth_lock and lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_image_save(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_image_save *is = arg;
	struct sks_slot *b = sess->slot;
	struct sks_image_hdr h = {};
	u32 room = is->image_len;
	size_t total = 0;
	u8 *so, *buf = NULL;
	int err;

	is->image_len = 0;
	so = sks_copy_pin(is->so_secret, is->so_secret_len, ckr);
	if (IS_ERR(so))
		return PTR_ERR(so);
	err = sks_backup_auth(b, so, is->so_secret_len, ckr);
	if (err)
		goto out_so;
	err = sks_image_size(b, &h, &total, ckr);
	if (err)
		goto out;
	if (!is->image || room < total) {
		is->image_len = total;
		if (is->image)
			err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;	/* else a size query */
	}
	buf = sks_image_collect(b, total, ckr);
	if (IS_ERR(buf)) {
		err = PTR_ERR(buf);
		buf = NULL;
		goto out;
	}
	err = sks_image_seal(b, so, is->so_secret_len, &h, buf);
	if (err) {
		err = err == -EINTR ? err : sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(is->image), buf, total))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	else
		is->image_len = total;
out:
	mutex_unlock(&b->auth_lock);
	if (buf)
		kvfree_sensitive(buf, total);
out_so:
	kfree_sensitive(so);
	return err;
}

/*
 * Archives of a version 1 image hold version 1 object records: convert
 * them to the current format (with a key id for usage-limited keys, see
 * sks_legacy_key_id()), so every archive in memory is alike.
 */
static int sks_image_upgrade_objects(struct sks_archive *a, const u8 *src,
				     u32 len, u32 *ckr)
{
	struct sks_blob_rec r;
	size_t in = 0, out = 0, used;
	u32 i, size = len + a->nr_objects * (SKS_BLOB_REC_FIXED -
					      SKS_BLOB_REC_FIXED_V1);
	int err = 0;

	a->objects = kvmalloc(max_t(u32, size, 1), GFP_KERNEL_ACCOUNT);
	if (!a->objects)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	a->objects_len = size;
	for (i = 0; i < a->nr_objects; i++, in += used) {
		if (sks_blob_get_rec(src + in, len - in, SKS_BLOB_VERSION_1, &r,
				     &used)) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			break;
		}
		r.version = SKS_BLOB_VERSION;
		if (r.usage_limit)
			sks_legacy_key_id(&r, r.key_id);
		out += sks_blob_put_rec(a->objects + out, &r);
	}
	memzero_explicit(&r, sizeof(r));
	if (!err && (in != len || out != size))
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	return err;
}

/* An archive from its image record; not on any list yet. */
static struct sks_archive *sks_image_archive(struct sks_slot *b,
					     const struct sks_image_arc *r,
					     u32 *ckr)
{
	struct sks_archive *a;
	int err = 0;

	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	memcpy(a->name, r->name, sizeof(a->name));
	a->kind = r->kind;
	a->created = r->created;
	a->source_serial = r->source_serial;
	sks_domain_restore(&a->domain, r->domain);
	a->secret.set = true;
	a->secret.iterations = r->secret_iterations;
	memcpy(a->secret.salt, r->secret_salt, sizeof(a->secret.salt));
	memcpy(a->secret.hash, r->secret_hash, sizeof(a->secret.hash));
	a->lockout.failures = r->failures;
	sks_lockout_resume(&a->lockout, SKS_MAX_LOGIN_FAILURES);
	a->nr_objects = r->nr_objects;
	if (r->kind == SKS_IMAGE_KIND_SKS) {
		a->smk = sks_smk_import(r->smk);
		if (IS_ERR(a->smk)) {
			a->smk = NULL;
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		}
	}
	if (!err && r->objects_len && r->version == SKS_IMAGE_VERSION_1) {
		err = sks_image_upgrade_objects(a, r->objects, r->objects_len,
						ckr);
	} else if (!err && r->objects_len) {
		a->objects = kvmalloc(r->objects_len, GFP_KERNEL_ACCOUNT);
		if (a->objects) {
			a->objects_len = r->objects_len;
			memcpy(a->objects, r->objects, r->objects_len);
		} else {
			err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		}
	}
	if (!err && sks_archive_set_domain_id(b, a))
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	a->size = sks_archive_charge(a->objects_len, a->smk);
	if (err) {
		sks_archive_free(a);
		return ERR_PTR(err);
	}
	return a;
}

/*
 * Build the Backup HSM and its archives from a decrypted payload into the
 * new slot @b (not registered: nobody else sees it). Caller holds
 * b->auth_lock.
 */
static int sks_image_decode(struct sks_slot *b, const u8 *p, size_t len,
			    u32 version, u32 *ckr)
{
	struct sks_image_hsm m;
	struct sks_image_arc r;
	struct sks_archive *a;
	size_t off, used;
	u64 total = 0;
	u32 i, nr;
	int err = 0;

	if (sks_image_get_hsm(p, len, version, &m) || !m.capacity ||
	    m.capacity > SKS_MAX_CAPACITY)
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	b->serial = m.serial;
	b->capacity = m.capacity;
	strscpy(b->fw_version, m.fw_version, sizeof(b->fw_version));
	if (version != SKS_IMAGE_VERSION_1)	/* else keep the new random one */
		memcpy(b->id_key, m.id_key, sizeof(b->id_key));
	b->so_lockout.failures = m.so_failures;
	sks_lockout_resume(&b->so_lockout, SKS_MAX_HSM_SO_FAILURES);
	nr = m.nr_archives;
	memzero_explicit(&m, sizeof(m));
	off = sks_image_hsm_size(version);
	for (i = 0; i < nr; i++) {
		if (sks_image_get_arc(p + off, len - off, version, &r, &used)) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			break;
		}
		off += used;
		mutex_lock(&b->lock);
		a = sks_archive_find(b, r.name);
		mutex_unlock(&b->lock);
		if (a) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			break;
		}
		a = sks_image_archive(b, &r, ckr);
		memzero_explicit(&r, sizeof(r));
		if (IS_ERR(a)) {
			err = PTR_ERR(a);
			break;
		}
		total += a->size;
		mutex_lock(&b->lock);
		list_add_tail(&a->node, &b->archives);
		b->nr_archives++;
		b->used = total;
		mutex_unlock(&b->lock);
		cond_resched();
	}
	memzero_explicit(&r, sizeof(r));
	if (!err && (off != len || total > b->capacity))
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	return err;
}

/*
 * Open an image in place with the HSM SO secret: a damaged header
 * (checksum) is told apart from a wrong secret (key check value) and from
 * a damaged payload (tag). Caller holds b->auth_lock.
 */
static int sks_image_open(struct sks_slot *b, const u8 *so, u32 so_len,
			  const struct sks_image_hdr *h, u8 *buf, u32 *ckr)
{
	u8 key[32], check[SKS_IMAGE_CHECK_LEN], sum[SKS_IMAGE_SUM_LEN];
	int err;

	if (h->version != SKS_IMAGE_VERSION_1) {
		sks_image_sum(buf, sum);
		if (crypto_memneq(sum, h->sum, sizeof(sum)))
			return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	}
	err = sks_image_keys(b->pin_tfm, so, so_len, h, key, check);
	if (err) {
		err = err == -EINTR ? err : sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	if (crypto_memneq(check, h->check, sizeof(check))) {
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
		goto out;
	}
	err = sks_image_crypt(b, false, buf, key, h);
	if (err)
		err = sks_fail(ckr, err == -EBADMSG ? SKS_CKR_DATA_INVALID :
			       SKS_CKR_DEVICE_ERROR);
out:
	memzero_explicit(key, sizeof(key));
	memzero_explicit(check, sizeof(check));
	return err;
}

/* Read the image from user space; a kvmalloc'd copy or an ERR_PTR. */
static u8 *sks_image_copy(const struct sks_image_load *il, u32 *ckr)
{
	u8 *buf;

	buf = kvmalloc(max_t(u32, il->image_len, 1), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	if (copy_from_user(buf, u64_to_user_ptr(il->image), il->image_len)) {
		kvfree(buf);
		return ERR_PTR(sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD,
					      -EFAULT));
	}
	return buf;
}

/**
 * sks_ctl_image_load() - SKS_CTL_IMAGE_LOAD: create a Backup HSM slot from
 * an image.
 * @hsm: the HSM.
 * @arg: struct sks_image_load.
 * @ckr: out: result code.
 *
 * Order of checks: arguments (reserved fields, output fields, lengths),
 * CAP_SYS_ADMIN (-EPERM), the header (CKR_DATA_INVALID: format, iteration
 * count out of bounds, version 2 checksum), the key check value
 * (CKR_PIN_INCORRECT), the tag (CKR_DATA_INVALID), the payload
 * (CKR_DATA_INVALID), then a free slot number (CKR_DEVICE_MEMORY). The
 * slot appears only when everything passed. Version 1 images load too.
 * No bad attempt is counted: whoever holds the image file can try secrets
 * against it offline anyway, at its PBKDF2 cost (docs/backup.md).
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
	u8 *so, *buf;
	int err;

	if (il->reserved || il->slot || il->serial)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_check_pin_len(il->so_secret_len, ckr);
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
	buf = sks_image_copy(il, ckr);
	if (IS_ERR(buf)) {
		err = PTR_ERR(buf);
		goto out_so;
	}
	if (sks_image_get_hdr(buf, il->image_len, &h)) {
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
		goto out_buf;
	}

	b = sks_slot_alloc(hsm, &sc);
	if (IS_ERR(b)) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_buf;
	}
	mutex_lock(&b->auth_lock);
	err = sks_image_open(b, so, il->so_secret_len, &h, buf, ckr);
	if (!err)
		err = sks_image_decode(b, buf + sks_image_hdr_size(h.version),
				       h.payload_len, h.version, ckr);
	if (!err) {
		err = sks_secret_set(b->pin_tfm, &b->so, so, il->so_secret_len);
		if (err && err != -EINTR)
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	}
	if (!err) {
		mutex_lock(&b->lock);
		if (sks_state_new_key_locked(b))
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		mutex_unlock(&b->lock);
	}
	mutex_unlock(&b->auth_lock);
	if (!err) {
		b->initialized = true;
		err = sks_slot_register(hsm, b, SKS_SLOT_LOWEST_FREE, ckr);
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

/**
 * sks_backup_state_open() - install the archives of an opened state record
 * into a deactivated Backup HSM.
 * @b: the Backup HSM, deactivated (nobody sees its archives yet).
 * @p: the image payload encoding from the record.
 * @len: its length.
 * @ckr: out: result code.
 *
 * The HSM SO counter stays the record's trailer's (the newer one).
 *
 * Context: process context, may sleep; caller holds b->auth_lock.
 * Return: 0, or a negative errno with no archive installed.
 */
int sks_backup_state_open(struct sks_slot *b, const u8 *p, size_t len,
			  u32 *ckr)
{
	struct sks_lockout so = b->so_lockout;
	int err;

	err = sks_image_decode(b, p, len, SKS_IMAGE_VERSION, ckr);
	mutex_lock(&b->lock);
	b->so_lockout = so;
	if (err)
		sks_archives_destroy_locked(b);
	mutex_unlock(&b->lock);
	return err;
}
