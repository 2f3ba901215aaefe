// SPDX-License-Identifier: GPL-2.0
/*
 * sks - SKS blobs: SKS extract, SKS insert and SMK rollover
 * (docs/blob-format.md; the codec is blob_codec.c).
 *
 * A blob key is derived per blob: key = HKDF-Expand(PRK(SMK),
 * "SKS v1 blob key" || salt, 32) with a random 32-byte salt, so the
 * AES-GCM key never repeats and the random-IV limit of 2^32 messages per
 * key does not apply to the SMK.
 */

#include <crypto/aead.h>
#include <crypto/sha2.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "blob_codec.h"
#include "sks.h"

static const char sks_blob_info[] = "SKS v1 blob key";

static_assert(SKS_BLOB_FP_LEN == SKS_FINGERPRINT_LEN);
static_assert(SKS_BLOB_MAX_LEN == SKS_MAX_BLOB_SIZE);
static_assert(SKS_BLOB_MAX_COUNT == SKS_MAX_EXTRACT);

/**
 * sks_blob_crypt() - encrypt or decrypt a whole blob in place.
 * @sess: the session, whose AEAD transform is used.
 * @smk: the SMK the blob key is derived from.
 * @hdr: the blob's header (salt, IV, payload length).
 * @buf: the blob: header as AAD, payload, tag, and SKS_BLOB_IV_LEN bytes
 *	of room after it for the IV.
 * @enc: encrypt (writes the tag) or decrypt (checks it).
 *
 * Context: process context, may sleep; takes sess->blob_lock.
 * Return: 0, -EBADMSG (decrypt: the tag does not match) or another
 * negative errno.
 */
int sks_blob_crypt(struct sks_file_session *sess, struct sks_smk *smk,
		   const struct sks_blob_hdr *hdr, u8 *buf, bool enc)
{
	u8 info[sizeof(sks_blob_info) - 1 + SKS_BLOB_SALT_LEN];
	struct aead_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 key[32], *iv;
	size_t len = SKS_BLOB_HDR_LEN + hdr->payload_len + SKS_BLOB_TAG_LEN;
	int err;

	/* The IV goes to the request from heap memory, right after the blob. */
	iv = buf + len;
	memcpy(iv, hdr->iv, SKS_BLOB_IV_LEN);
	memcpy(info, sks_blob_info, sizeof(sks_blob_info) - 1);
	memcpy(info + sizeof(sks_blob_info) - 1, hdr->salt, SKS_BLOB_SALT_LEN);
	err = sks_hkdf_expand(&smk->hkdf, info, sizeof(info), key, sizeof(key));
	if (err)
		return err;

	req = aead_request_alloc(sess->blob_aead, GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto out_key;
	}
	sg_init_one(&sg, buf, len);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, SKS_BLOB_HDR_LEN);
	aead_request_set_crypt(req, &sg, &sg, hdr->payload_len +
			       (enc ? 0 : SKS_BLOB_TAG_LEN), iv);

	mutex_lock(&sess->blob_lock);
	err = crypto_aead_setkey(sess->blob_aead, key, sizeof(key));
	if (!err)
		err = crypto_wait_req(enc ? crypto_aead_encrypt(req) :
				      crypto_aead_decrypt(req), &wait);
	mutex_unlock(&sess->blob_lock);
	aead_request_free(req);
out_key:
	memzero_explicit(key, sizeof(key));
	return err;
}

/* Look up and check the objects to extract; returns the payload size. */
static int sks_extract_collect(struct sks_file_session *sess, const u32 *handles,
			       u32 count, struct sks_object **objs,
			       struct sks_smk **smk, size_t *payload, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_blob_rec r;
	u32 i, dup;
	int err;

	if (sks_handles_first_duplicate(handles, count, &dup))
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && slot->type != SKS_SLOT_V1)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	for (i = 0; !err && i < count; i++) {
		if (i == dup) {
			err = sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
			break;
		}
		objs[i] = sks_object_get_locked(sess, handles[i]);
		if (!objs[i]) {
			err = sks_fail(ckr, SKS_CKR_OBJECT_HANDLE_INVALID);
			break;
		}
		if (!(objs[i]->flags & SKS_OBJ_EXTRACTABLE)) {
			err = sks_fail(ckr, SKS_CKR_KEY_UNEXTRACTABLE);
			break;
		}
		sks_object_to_rec(objs[i], &r);
		*payload += sks_blob_rec_size(&r);
	}
	if (!err) {
		*smk = slot->smk;
		kref_get(&(*smk)->ref);
	}
	mutex_unlock(&slot->lock);
	return err;
}

/**
 * sks_ioc_extract() - SKS_IOC_EXTRACT: wrap objects into an SKS blob.
 * @sess: the session.
 * @arg: struct sks_extract.
 * @ckr: out: result code.
 *
 * Order of checks: @count (1..SKS_MAX_EXTRACT), reading the handles, the
 * authorisation secrets (CKR_ARGUMENTS_BAD: more than SKS_SIM_AUTH_MAX,
 * M not in 1..N, two equal; CKR_PIN_LEN_RANGE), login as CO (CKR_USER_NOT_LOGGED_IN), V1 partition
 * (CKR_FUNCTION_NOT_SUPPORTED), each handle in order (duplicates:
 * CKR_ARGUMENTS_BAD, unknown: CKR_OBJECT_HANDLE_INVALID, not
 * extractable: CKR_KEY_UNEXTRACTABLE), blob size above 64 KiB
 * (CKR_DATA_LEN_RANGE), then the size query (@blob 0) or the room at
 * @blob (CKR_BUFFER_TOO_SMALL). @blob_len always gets the blob size.
 * The objects are destroyed after a successful copy if
 * SKS_EXTRACT_DELETE is set.
 *
 * Context: process context, may sleep; takes slot->lock and blob_lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_extract(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_extract *ex = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_sim_secrets *secrets = NULL;
	struct sks_object **objs = NULL;
	struct sks_smk *smk = NULL;
	struct sks_blob_hdr hdr = {};
	struct sks_blob_rec r;
	size_t payload = 0, total, off;
	u32 *handles, i, room;
	u8 *buf = NULL;
	int err;

	room = ex->blob_len;
	ex->blob_len = 0;
	if (!ex->count || ex->count > SKS_MAX_EXTRACT)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	handles = sks_memdup_user(ex->handles, ex->count * sizeof(u32),
				  SKS_MAX_EXTRACT * sizeof(u32), ckr);
	if (IS_ERR(handles))
		return PTR_ERR(handles);
	secrets = sks_sim_secrets_read(ex->auth, ex->auth_count, ckr);
	if (IS_ERR(secrets)) {
		err = PTR_ERR(secrets);
		secrets = NULL;
		goto out;
	}
	err = sks_sim_auth_check_new(secrets, ex->auth_subset, ckr);
	if (err)
		goto out;
	if (secrets)
		payload = sks_blob_auth_size(secrets->count);
	objs = kcalloc(ex->count, sizeof(*objs), GFP_KERNEL_ACCOUNT);
	if (!objs) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	err = sks_extract_collect(sess, handles, ex->count, objs, &smk,
				  &payload, ckr);
	if (err)
		goto out;

	total = SKS_BLOB_HDR_LEN + payload + SKS_BLOB_TAG_LEN;
	ex->blob_len = min_t(size_t, total, U32_MAX);
	if (total > SKS_MAX_BLOB_SIZE) {
		err = sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
		goto out;
	}
	if (!ex->blob)
		goto out;	/* size query */
	if (room < total) {
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}

	buf = kmalloc(total + SKS_BLOB_IV_LEN, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	hdr.version = SKS_BLOB_VERSION;
	hdr.flags = secrets ? SKS_BLOB_F_AUTH : 0;
	hdr.count = ex->count;
	hdr.payload_len = payload;
	memcpy(hdr.fingerprint, smk->fingerprint, SKS_BLOB_FP_LEN);
	get_random_bytes(hdr.salt, sizeof(hdr.salt));
	get_random_bytes(hdr.iv, sizeof(hdr.iv));
	sks_blob_put_hdr(buf, &hdr);
	off = SKS_BLOB_HDR_LEN;
	if (secrets) {
		sks_sim_auth_put(secrets, ex->auth_subset, buf + off);
		off += sks_blob_auth_size(secrets->count);
	}
	for (i = 0; i < ex->count; i++) {
		sks_object_to_rec(objs[i], &r);	/* usage count read atomically */
		off += sks_blob_put_rec(buf + off, &r);
	}

	err = sks_blob_crypt(sess, smk, &hdr, buf, true);
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		ex->blob_len = 0;
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(ex->blob), buf, total)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		ex->blob_len = 0;
		goto out;
	}
	if (ex->flags & SKS_EXTRACT_DELETE) {
		mutex_lock(&slot->lock);
		for (i = 0; i < ex->count; i++)
			if (xa_load(&slot->objects, objs[i]->handle) == objs[i])
				sks_object_remove_locked(slot, objs[i]);
		mutex_unlock(&slot->lock);
	}
out:
	if (buf)
		kfree_sensitive(buf);
	for (i = 0; objs && i < ex->count; i++)
		sks_object_put(objs[i]);
	kfree(objs);
	sks_smk_put(smk);
	sks_sim_secrets_free(secrets);
	kfree(handles);
	return err;
}

/* Find the SMK named by a blob header; takes a reference. */
static struct sks_smk *sks_insert_smk(struct sks_file_session *sess,
				      const struct sks_blob_hdr *hdr, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_smk *smk = NULL;
	int err;

	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (err)
		goto out;
	if (slot->smk && !memcmp(slot->smk->fingerprint, hdr->fingerprint,
				 SKS_BLOB_FP_LEN))
		smk = slot->smk;
	else if (slot->rollover &&
		 !memcmp(slot->rollover->fingerprint, hdr->fingerprint,
			 SKS_BLOB_FP_LEN))
		smk = slot->rollover;
	if (smk)
		kref_get(&smk->ref);
	else
		err = sks_fail(ckr, SKS_CKR_SMK_ID_NOT_FOUND);
out:
	mutex_unlock(&slot->lock);
	return err ? ERR_PTR(err) : smk;
}

/* Decode and build every object of a decrypted blob (not yet visible). */
static int sks_insert_build(struct sks_file_session *sess, const u8 *p,
			    const u8 *end, const struct sks_blob_hdr *hdr,
			    struct sks_object **objs, u32 *ckr)
{
	struct sks_blob_rec r;
	size_t used;
	u32 i;

	for (i = 0; i < hdr->count; i++) {
		if (sks_blob_get_rec(p, end - p, hdr->version, &r, &used))
			return sks_fail(ckr, SKS_CKR_DATA_INVALID);
		objs[i] = sks_object_from_rec(sess->slot, &r, 0, ckr);
		if (IS_ERR(objs[i])) {
			int err = PTR_ERR(objs[i]);

			objs[i] = NULL;
			return err;
		}
		p += used;
	}
	if (p != end)
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	return 0;
}

/* Publish all objects or none; the partition takes its own references. */
static int sks_insert_commit(struct sks_file_session *sess,
			     struct sks_object **objs, u32 count, u32 *handles,
			     u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	u32 i;
	int err;

	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err) {
		for (i = 0; i < count; i++)
			kref_get(&objs[i]->ref);
		err = sks_objects_publish_locked(slot, sess, objs, count,
						 ckr);
		for (i = 0; i < count; i++) {
			if (err)
				sks_object_put(objs[i]);
			else
				handles[i] = objs[i]->handle;
		}
	}
	mutex_unlock(&slot->lock);
	return err;
}

/* Take back the objects of an insert whose handles could not be returned. */
static void sks_insert_undo(struct sks_slot *slot, struct sks_object **objs,
			    u32 count)
{
	u32 i;

	mutex_lock(&slot->lock);
	for (i = 0; i < count; i++)
		if (xa_load(&slot->objects, objs[i]->handle) == objs[i])
			sks_object_remove_locked(slot, objs[i]);
	mutex_unlock(&slot->lock);
}

/**
 * sks_blob_read() - read a blob from user space and check its header.
 * @sess: the session: a CO of a V1 partition (CKR_USER_NOT_LOGGED_IN,
 *	CKR_FUNCTION_NOT_SUPPORTED).
 * @ublob: user pointer to the blob.
 * @len: its length (above SKS_MAX_BLOB_SIZE: CKR_DATA_LEN_RANGE).
 * @hdr: out: the decoded header (CKR_DATA_INVALID if it is none).
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: the blob with room for the IV after it (free with
 * kfree_sensitive()), or an ERR_PTR.
 */
u8 *sks_blob_read(struct sks_file_session *sess, u64 ublob, u32 len,
		  struct sks_blob_hdr *hdr, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	u8 *buf;
	int err;

	if (len > SKS_MAX_BLOB_SIZE)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE));
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && slot->type != SKS_SLOT_V1)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	mutex_unlock(&slot->lock);
	if (err)
		return ERR_PTR(err);

	buf = kmalloc(len + SKS_BLOB_IV_LEN, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	if (copy_from_user(buf, u64_to_user_ptr(ublob), len))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	else if (sks_blob_get_hdr(buf, len, hdr))
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	if (err) {
		kfree_sensitive(buf);
		return ERR_PTR(err);
	}
	return buf;
}

/**
 * sks_blob_unseal() - decrypt a blob read by sks_blob_read() in place.
 * @sess: the session.
 * @hdr: its header.
 * @buf: the blob.
 * @auth: out: its auth section (@auth->n 0 if it has none).
 * @recs: out: the first object record.
 * @end: out: the end of the records.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slot->lock and blob_lock.
 * Return: 0, or -ENOKEY (CKR_SMK_ID_NOT_FOUND), -EBADMSG
 * (CKR_ENCRYPTED_DATA_INVALID; CKR_DATA_INVALID for a bad auth section),
 * -EIO (CKR_DEVICE_ERROR), or the session's errors.
 */
int sks_blob_unseal(struct sks_file_session *sess, const struct sks_blob_hdr *hdr,
		    u8 *buf, struct sks_blob_auth *auth, const u8 **recs,
		    const u8 **end, u32 *ckr)
{
	struct sks_smk *smk;
	size_t used = 0;
	int err;

	smk = sks_insert_smk(sess, hdr, ckr);
	if (IS_ERR(smk))
		return PTR_ERR(smk);
	err = sks_blob_crypt(sess, smk, hdr, buf, false);
	sks_smk_put(smk);
	if (err)
		return sks_fail(ckr, err == -EBADMSG ?
				SKS_CKR_ENCRYPTED_DATA_INVALID :
				SKS_CKR_DEVICE_ERROR);
	*recs = buf + SKS_BLOB_HDR_LEN;
	*end = *recs + hdr->payload_len;
	auth->n = 0;
	if ((hdr->flags & SKS_BLOB_F_AUTH) &&
	    sks_blob_get_auth(*recs, hdr->payload_len, auth, &used))
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	*recs += used;
	return 0;
}

/**
 * sks_blob_open() - decrypt a blob and check the secrets presented for it
 * (sks_blob_unseal(), then sks_sim_auth_check()).
 * @sess: the session.
 * @hdr: the blob's header.
 * @buf: the blob.
 * @secrets: the secrets presented, or NULL.
 * @recs: out: the first object record.
 * @end: out: the end of the records.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slot->lock and blob_lock.
 * Return: 0 or a negative errno.
 */
int sks_blob_open(struct sks_file_session *sess, const struct sks_blob_hdr *hdr,
		  u8 *buf, const struct sks_sim_secrets *secrets,
		  const u8 **recs, const u8 **end, u32 *ckr)
{
	struct sks_blob_auth auth;
	int err;

	err = sks_blob_unseal(sess, hdr, buf, &auth, recs, end, ckr);
	return err ?: sks_sim_auth_check(sess->slot, auth.n ? &auth : NULL,
					 secrets, ckr);
}

/**
 * sks_ioc_insert() - SKS_IOC_INSERT: unwrap an SKS blob into session objects.
 * @sess: the session.
 * @arg: struct sks_insert.
 * @ckr: out: result code.
 *
 * Order of checks: the authorisation secrets (CKR_ARGUMENTS_BAD,
 * CKR_PIN_LEN_RANGE), blob length (above 64 KiB: CKR_DATA_LEN_RANGE),
 * login as CO on a V1 partition, reading the blob, header
 * (CKR_DATA_INVALID: magic, version, lengths, truncation, trailing
 * bytes), then a count query (@handles 0: CKR_OK, the header's count),
 * SMK fingerprint (CKR_SMK_ID_NOT_FOUND), authentication
 * (CKR_ENCRYPTED_DATA_INVALID), the auth section (CKR_DATA_INVALID) and
 * the secrets (sks_sim_auth_check(): CKR_ARGUMENTS_BAD, CKR_PIN_LOCKED,
 * CKR_PIN_INCORRECT), room for the handles (CKR_BUFFER_TOO_SMALL, needed
 * count in @count), records (CKR_DATA_INVALID), capacity
 * (CKR_DEVICE_MEMORY). Nothing is created unless everything succeeds.
 * Usage-limited keys share the count of the partition's ledger entry of
 * their key (sks_objects_publish_locked()).
 *
 * Context: process context, may sleep; takes slot->lock and blob_lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_insert(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_insert *in = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_sim_secrets *secrets;
	struct sks_object **objs = NULL;
	struct sks_blob_hdr hdr = {};
	u32 *handles = NULL, i, room = in->count;
	const u8 *recs, *end;
	u8 *buf;
	int err = 0;

	in->count = 0;
	if (in->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	secrets = sks_sim_secrets_read(in->auth, in->auth_count, ckr);
	if (IS_ERR(secrets))
		return PTR_ERR(secrets);
	buf = sks_blob_read(sess, in->blob, in->blob_len, &hdr, ckr);
	if (IS_ERR(buf)) {
		sks_sim_secrets_free(secrets);
		return PTR_ERR(buf);
	}
	if (!in->handles) {
		in->count = hdr.count;	/* count query: nothing inserted */
		goto out;
	}
	err = sks_blob_open(sess, &hdr, buf, secrets, &recs, &end, ckr);
	if (err)
		goto out;
	if (room < hdr.count) {
		in->count = hdr.count;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}

	objs = kcalloc(hdr.count, sizeof(*objs), GFP_KERNEL_ACCOUNT);
	handles = kcalloc(hdr.count, sizeof(*handles), GFP_KERNEL_ACCOUNT);
	if (!objs || !handles) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	err = sks_insert_build(sess, recs, end, &hdr, objs, ckr);
	if (!err)
		err = sks_insert_commit(sess, objs, hdr.count, handles, ckr);
	if (err)
		goto out;

	if (copy_to_user(u64_to_user_ptr(in->handles), handles,
			 hdr.count * sizeof(*handles))) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		sks_insert_undo(slot, objs, hdr.count);
		goto out;
	}
	in->count = hdr.count;
out:
	for (i = 0; objs && i < hdr.count; i++)
		sks_object_put(objs[i]);
	kfree(objs);
	kfree(handles);
	kfree_sensitive(buf);
	sks_sim_secrets_free(secrets);
	return err;
}

/**
 * sks_ioc_smk_rollover() - SKS_IOC_SMK_ROLLOVER: start or end a rollover.
 * @sess: the session.
 * @arg: struct sks_simple; flags SKS_ROLLOVER_START or SKS_ROLLOVER_END.
 * @ckr: out: result code.
 *
 * Start moves the primary SMK to the rollover slot and makes a new
 * primary (-EBUSY, CKR_OPERATION_ACTIVE if a rollover is in progress).
 * End wipes the rollover SMK (-ENOENT, CKR_OPERATION_NOT_INITIALIZED if
 * there is none). CO only, V1 only.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_smk_rollover(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_simple *ro = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_smk *smk = NULL, *old = NULL;
	bool start = ro->flags == SKS_ROLLOVER_START;
	int err;

	if (ro->flags != SKS_ROLLOVER_START && ro->flags != SKS_ROLLOVER_END)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (start) {
		smk = sks_smk_create();
		if (IS_ERR(smk))
			return sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	}

	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && slot->type != SKS_SLOT_V1)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	if (err)
		goto out;
	if (start) {
		if (slot->rollover) {
			err = sks_fail(ckr, SKS_CKR_OPERATION_ACTIVE);
			goto out;
		}
		slot->rollover = slot->smk;
		slot->smk = smk;
		smk = NULL;
		sks_state_changed(slot);
	} else {
		if (!slot->rollover) {
			err = sks_fail(ckr, SKS_CKR_OPERATION_NOT_INITIALIZED);
			goto out;
		}
		old = slot->rollover;
		slot->rollover = NULL;
		sks_state_changed(slot);
	}
out:
	mutex_unlock(&slot->lock);
	sks_smk_put(smk);
	sks_smk_put(old);
	return err;
}
