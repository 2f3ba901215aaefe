// SPDX-License-Identifier: GPL-2.0
/*
 * sks - blobs used without becoming objects: multi-sign (Luna's
 * CA_SIMMultiSign) and rewrap (re-encryption under the primary SMK, for
 * SMK rollover of stored blobs). The blob format is docs/blob-format.md;
 * reading, decrypting and authorising blobs is blob.c's.
 */

#include <crypto/sha2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "blob_codec.h"
#include "sks.h"

/* The one key of a multi-sign blob, as an object that is never published. */
static struct sks_object *sks_multi_sign_key(struct sks_file_session *sess,
					     const struct sks_blob_hdr *hdr,
					     const u8 *recs, const u8 *end,
					     u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_object *obj;
	struct sks_blob_rec r;
	size_t used;
	int err;

	if (sks_blob_get_rec(recs, end - recs, hdr->version, &r, &used) ||
	    recs + used != end)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_DATA_INVALID));
	obj = sks_object_from_rec(sess->slot, &r, 0, ckr);
	if (IS_ERR(obj) || !obj->usage_limit)
		return obj;
	/* its uses count in the partition's ledger, as an inserted copy's */
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err)
		err = sks_ledger_bind_locked(slot, obj, ckr);
	if (!err && obj->made && slot->used > slot->capacity) {
		sks_ledger_unbind_all_locked(slot, &obj, 1);
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
	}
	mutex_unlock(&slot->lock);
	if (!err)
		return obj;
	sks_object_put(obj);
	return ERR_PTR(err);
}

/* Sign every input; the uses are counted already. */
static int sks_multi_sign_run(struct sks_object *key,
			      const struct sks_multi_sign *ms,
			      struct sks_multi_sign_item *items, u32 *ckr)
{
	u8 sig[SKS_SIG_MAX], *msg;
	u32 i, len;
	int err = 0;

	msg = kvmalloc(SKS_MAX_DATA_SIZE, GFP_KERNEL_ACCOUNT);
	if (!msg)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	for (i = 0; i < ms->count && !err; i++) {
		if (copy_from_user(msg, u64_to_user_ptr(items[i].data),
				   items[i].data_len)) {
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
			break;
		}
		err = sks_sign_obj(key, ms->mechanism, ms->flags, msg,
				   items[i].data_len, sig, &len);
		if (err) {
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
			break;
		}
		if (copy_to_user(u64_to_user_ptr(items[i].sig), sig, len))
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		items[i].sig_len = len;
		cond_resched();
	}
	memzero_explicit(sig, sizeof(sig));
	kvfree(msg);
	return err;
}

/**
 * sks_ioc_multi_sign() - SKS_IOC_MULTI_SIGN: sign many inputs with the key
 * of an SKS blob (Luna's CA_SIMMultiSign).
 * @sess: the session.
 * @arg: struct sks_multi_sign.
 * @ckr: out: result code.
 *
 * Order of checks: @count (1..SKS_MAX_MULTI_SIGN: CKR_ARGUMENTS_BAD), the
 * items (reading them; each @data_len: CKR_DATA_LEN_RANGE, CKM_ECDSA 1..64
 * bytes), the secrets, then the blob as SKS_IOC_INSERT checks it (without
 * its count query), one record (CKR_ARGUMENTS_BAD for a blob of several
 * objects; CKR_DATA_INVALID for a bad record), the key against @mechanism
 * and @flags (sks_sign_prepare()), every output's room
 * (CKR_BUFFER_TOO_SMALL, each @sig_len set to the largest signature),
 * the usage limit for @count uses (CKR_KEY_NOT_ACTIVE); then every input
 * is signed. The items' @sig_len are written back on success and on
 * CKR_BUFFER_TOO_SMALL.
 *
 * Context: process context, may sleep; takes slot->lock and blob_lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_multi_sign(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_multi_sign *ms = arg;
	struct sks_multi_sign_item *items;
	struct sks_sim_secrets *secrets = NULL;
	struct sks_object *key = NULL;
	struct sks_blob_hdr hdr = {};
	bool write_back = false;
	const u8 *recs, *end;
	u8 *buf = NULL;
	u32 i, max;
	int err = 0;

	if (!ms->count || ms->count > SKS_MAX_MULTI_SIGN)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	items = sks_memdup_user(ms->items, ms->count * sizeof(*items),
				SKS_MAX_MULTI_SIGN * sizeof(*items), ckr);
	if (IS_ERR(items))
		return PTR_ERR(items);
	for (i = 0; i < ms->count && !err; i++)
		if (ms->mechanism == SKS_CKM_ECDSA ?
		    !items[i].data_len || items[i].data_len > SHA512_DIGEST_SIZE :
		    items[i].data_len > SKS_MAX_DATA_SIZE)
			err = sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	if (err)
		goto out;
	secrets = sks_sim_secrets_read(ms->auth, ms->auth_count, ckr);
	if (IS_ERR(secrets)) {
		err = PTR_ERR(secrets);
		secrets = NULL;
		goto out;
	}
	buf = sks_blob_read(sess, ms->blob, ms->blob_len, &hdr, ckr);
	if (IS_ERR(buf)) {
		err = PTR_ERR(buf);
		buf = NULL;
		goto out;
	}
	err = sks_blob_open(sess, &hdr, buf, secrets, &recs, &end, ckr);
	if (err)
		goto out;
	if (hdr.count != 1) {
		err = sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		goto out;
	}
	key = sks_multi_sign_key(sess, &hdr, recs, end, ckr);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		key = NULL;
		goto out;
	}
	err = sks_sign_prepare(key, ms->mechanism, ms->flags, &max, ckr);
	if (err)
		goto out;
	for (i = 0; i < ms->count; i++) {
		if (items[i].sig_len < max) {
			err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
			items[i].sig_len = max;
		}
	}
	write_back = true;
	if (err)
		goto out;
	if (!sks_object_count_uses(key, ms->count)) {
		err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
		goto out;
	}
	if (key->usage_limit)	/* the ledger's count is durable */
		sks_state_changed(sess->slot);
	err = sks_multi_sign_run(key, ms, items, ckr);
out:
	if (write_back && copy_to_user(u64_to_user_ptr(ms->items), items,
				       ms->count * sizeof(*items)))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	if (key)
		sks_object_put(key);
	kfree_sensitive(buf);
	sks_sim_secrets_free(secrets);
	kfree(items);
	return err;
}

/* The primary SMK, with a reference, for a CO of a V1 partition. */
static struct sks_smk *sks_rewrap_smk(struct sks_file_session *sess, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_smk *smk = NULL;
	int err;

	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err && slot->type != SKS_SLOT_V1)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	if (!err) {
		smk = slot->smk;
		kref_get(&smk->ref);
	}
	mutex_unlock(&slot->lock);
	return err ? ERR_PTR(err) : smk;
}

/*
 * The size of the new blob for @it, from its header alone (records of
 * format version 1 grow by their key id).
 */
static int sks_rewrap_size(const struct sks_rewrap_item *it, u32 *size,
			   u32 *ckr)
{
	u8 raw[SKS_BLOB_HDR_LEN];
	struct sks_blob_hdr hdr;

	if (it->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (it->in_len > SKS_MAX_BLOB_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	if (it->in_len < sizeof(raw))
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	if (copy_from_user(raw, u64_to_user_ptr(it->in), sizeof(raw)))
		return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	if (sks_blob_get_hdr(raw, it->in_len, &hdr))
		return sks_fail(ckr, SKS_CKR_DATA_INVALID);
	*size = it->in_len;
	if (hdr.version == SKS_BLOB_VERSION_1)
		*size += hdr.count * (SKS_BLOB_REC_FIXED -
				      SKS_BLOB_REC_FIXED_V1);
	if (*size > SKS_MAX_BLOB_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	return 0;
}

/*
 * Re-encode the records of an opened blob into @out (after the header and
 * the auth section), in format version 2, each checked as insert checks
 * it, usage-limited keys carrying the ledger's count if it is higher.
 */
static int sks_rewrap_records(struct sks_file_session *sess,
			      const struct sks_blob_hdr *hdr, const u8 *p,
			      const u8 *end, u8 *out, size_t *len, u32 *ckr)
{
	struct sks_obj_attrs a;
	struct sks_blob_rec r;
	size_t used, off = 0;
	u32 i;
	int err = 0;

	for (i = 0; i < hdr->count && !err; i++) {
		if (sks_blob_get_rec(p, end - p, hdr->version, &r, &used)) {
			err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
			break;
		}
		err = sks_rec_attrs(sess->slot, &r, 0, &a, ckr);
		if (err)
			break;
		if (r.version == SKS_BLOB_VERSION_1 && r.usage_limit)
			sks_legacy_key_id(&r, r.key_id);
		r.version = SKS_BLOB_VERSION;
		if (r.usage_limit)
			err = sks_ledger_carry(sess->slot, r.key_id,
					       r.usage_limit, &r.usage_count,
					       ckr);
		if (!err)
			off += sks_blob_put_rec(out + off, &r);
		p += used;
	}
	if (!err && p != end)
		err = sks_fail(ckr, SKS_CKR_DATA_INVALID);
	memzero_explicit(&a, sizeof(a));
	memzero_explicit(&r, sizeof(r));
	*len = off;
	return err;
}

/* Rewrap one blob into @out (room for SKS_MAX_BLOB_SIZE + IV). */
static int sks_rewrap_one(struct sks_file_session *sess, struct sks_smk *smk,
			  struct sks_rewrap_item *it, u8 *out, u32 *ckr)
{
	struct sks_blob_hdr hdr, nh;
	struct sks_blob_auth auth;
	const u8 *recs, *end;
	size_t alen = 0, rlen = 0, total;
	u8 *buf;
	int err;

	buf = sks_blob_read(sess, it->in, it->in_len, &hdr, ckr);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* sized in the first pass; the input may have changed since */
	if (it->in_len + (hdr.version == SKS_BLOB_VERSION_1 ? hdr.count *
			  (SKS_BLOB_REC_FIXED - SKS_BLOB_REC_FIXED_V1) : 0) >
	    min_t(u32, it->out_len, SKS_MAX_BLOB_SIZE)) {
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}
	err = sks_blob_unseal(sess, &hdr, buf, &auth, &recs, &end, ckr);
	if (err)
		goto out;
	nh = hdr;
	nh.version = SKS_BLOB_VERSION;
	memcpy(nh.fingerprint, smk->fingerprint, SKS_BLOB_FP_LEN);
	get_random_bytes(nh.salt, sizeof(nh.salt));
	get_random_bytes(nh.iv, sizeof(nh.iv));
	if (auth.n) {	/* the M of N verifiers go on as they are */
		alen = sks_blob_auth_size(auth.n);
		memcpy(out + SKS_BLOB_HDR_LEN, recs - alen, alen);
	}
	err = sks_rewrap_records(sess, &hdr, recs, end,
				 out + SKS_BLOB_HDR_LEN + alen, &rlen, ckr);
	if (err)
		goto out;
	nh.payload_len = alen + rlen;
	total = SKS_BLOB_HDR_LEN + nh.payload_len + SKS_BLOB_TAG_LEN;
	sks_blob_put_hdr(out, &nh);
	err = sks_blob_crypt(sess, smk, &nh, out, true);
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(it->out), out, total)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out;
	}
	it->out_len = total;
out:
	if (err)	/* records may be there in clear */
		memzero_explicit(out, SKS_BLOB_HDR_LEN + alen + rlen);
	kfree_sensitive(buf);
	return err;
}

/**
 * sks_ioc_rewrap() - SKS_IOC_REWRAP: re-encrypt SKS blobs under the
 * primary SMK without their keys becoming objects.
 * @sess: the session.
 * @arg: struct sks_rewrap.
 * @ckr: out: result code.
 *
 * Order of checks: @count (1..SKS_MAX_REWRAP) and reading the items
 * (CKR_ARGUMENTS_BAD), login as CO on a V1 partition, then every item's
 * header and size (@reserved, @in_len: CKR_ARGUMENTS_BAD,
 * CKR_DATA_LEN_RANGE, CKR_DATA_INVALID), @out all 0 (a size query) or all
 * set (CKR_ARGUMENTS_BAD), the room of each (CKR_BUFFER_TOO_SMALL); then
 * each blob in order, checked as SKS_IOC_INSERT checks it but without
 * secrets (CKR_SMK_ID_NOT_FOUND, CKR_ENCRYPTED_DATA_INVALID,
 * CKR_DATA_INVALID). The first failure stops the call with the item's
 * @result set; the items (@out_len, @result) are written back whenever
 * they were read.
 *
 * Context: process context, may sleep; takes slot->lock and blob_lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_rewrap(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_rewrap *rw = arg;
	struct sks_rewrap_item *items;
	struct sks_smk *smk = NULL;
	u32 i, size, nout = 0, room;
	bool small = false;
	u8 *out = NULL;
	int err = 0;

	rw->done = 0;
	if (!rw->count || rw->count > SKS_MAX_REWRAP)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	items = sks_memdup_user(rw->items, rw->count * sizeof(*items),
				SKS_MAX_REWRAP * sizeof(*items), ckr);
	if (IS_ERR(items))
		return PTR_ERR(items);
	smk = sks_rewrap_smk(sess, ckr);
	if (IS_ERR(smk)) {
		err = PTR_ERR(smk);
		smk = NULL;
		goto out_free;
	}

	for (i = 0; i < rw->count; i++) {
		items[i].result = SKS_CKR_OK;
		room = items[i].out_len;
		items[i].out_len = 0;
		err = sks_rewrap_size(&items[i], &size, &items[i].result);
		if (err) {
			*ckr = items[i].result;
			goto out;
		}
		items[i].out_len = size;
		small |= items[i].out && room < size;
		nout += !!items[i].out;
		if (items[i].out)
			items[i].out_len = room;	/* the room, for now */
	}
	if (nout && nout != rw->count) {
		err = sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		goto out;
	}
	if (!nout)
		goto out;	/* size query */
	if (small) {
		for (i = 0; i < rw->count; i++)
			sks_rewrap_size(&items[i], &items[i].out_len, ckr);
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}

	out = kvmalloc(SKS_MAX_BLOB_SIZE + SKS_BLOB_IV_LEN, GFP_KERNEL_ACCOUNT);
	if (!out) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	for (i = 0; i < rw->count; i++) {
		err = sks_rewrap_one(sess, smk, &items[i], out,
				     &items[i].result);
		if (err) {
			*ckr = items[i].result;
			break;
		}
		rw->done++;
		cond_resched();
	}
out:
	if (copy_to_user(u64_to_user_ptr(rw->items), items,
			 rw->count * sizeof(*items)))
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
out_free:
	kvfree(out);
	sks_smk_put(smk);
	kfree(items);
	return err;
}
