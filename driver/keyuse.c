// SPDX-License-Identifier: GPL-2.0
/*
 * sks - key use: the transforms of a key, AES-GCM encryption and
 * decryption, HMAC signing and verification, batches of them, and the
 * usage count of every use.
 *
 * The crypto path takes no mutex (see driver/sks.h).
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sks.h"

/*
 * Look up a key for an operation without slot->lock: the role and slot
 * checks of sks_session_require(), then the handle under the xarray's
 * lock (see sks_object_remove_locked()). On success the caller owns a
 * reference.
 */
static struct sks_object *sks_key_get(struct sks_file_session *sess, u32 handle,
				      u32 *ckr)
{
	struct xarray *xa = &sess->slot->objects;
	struct sks_object *obj;
	int err;

	err = sks_session_require_lockless(sess, false, ckr);
	if (err)
		return ERR_PTR(err);
	xa_lock(xa);
	obj = xa_load(xa, handle);
	if (obj && (!obj->owner || obj->owner == sess))
		kref_get(&obj->ref);
	else
		obj = NULL;
	xa_unlock(xa);
	if (!obj)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_KEY_HANDLE_INVALID));
	return obj;
}

/* The usage limit is reached: no use may be counted any more. */
static bool sks_object_exhausted(struct sks_object *obj)
{
	return obj->usage_limit &&
	       (u64)atomic64_read(&obj->usage->count) >= obj->usage_limit;
}

/**
 * sks_object_count_use() - count one use of a key, right before the
 * operation runs.
 * @obj: the key.
 *
 * A usage-limited key counts in its ledger entry, which every copy of the
 * key shares, with a compare-and-swap loop, so concurrent users never
 * count past the limit. Nothing else (a size query, a check that fails)
 * ever touches the count. The caller reports a counted use of a
 * usage-limited key as a durable change (sks_state_changed()).
 *
 * Context: any.
 * Return: false if the usage limit is reached (nothing counted).
 */
bool sks_object_count_use(struct sks_object *obj)
{
	return sks_object_count_uses(obj, 1);
}

/*
 * The AES key's gcm(aes) transform, made and keyed on the first use and
 * kept until the object is freed. Concurrent first uses may each make
 * one; cmpxchg() keeps the first, the others free theirs.
 */
static struct crypto_aead *sks_object_aead(struct sks_object *obj)
{
	/* pairs with the cmpxchg() below: keyed before it is seen */
	struct crypto_aead *tfm = smp_load_acquire(&obj->aead), *old;
	int err;

	if (tfm)
		return tfm;
	tfm = sks_gcm_get();
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setkey(tfm, sks_obj_value(obj), obj->value_len);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	old = cmpxchg(&obj->aead, NULL, tfm);
	if (!old)
		return tfm;
	sks_gcm_put(tfm);
	return old;
}

/* The generic secret's hmac() transform for mechanism index @idx. */
static struct crypto_shash *sks_object_hmac(struct sks_object *obj, int idx)
{
	/* pairs with the cmpxchg() below: keyed before it is seen */
	struct crypto_shash *tfm = smp_load_acquire(&obj->hmac[idx]), *old;
	int err;

	if (tfm)
		return tfm;
	tfm = sks_hmac_get(idx);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_shash_setkey(tfm, sks_obj_value(obj), obj->value_len);
	if (err) {
		crypto_free_shash(tfm);
		return ERR_PTR(err);
	}
	old = cmpxchg(&obj->hmac[idx], NULL, tfm);
	if (!old)
		return tfm;
	sks_hmac_put(idx, tfm);
	return old;
}

/**
 * sks_use_key() - look up a key for an operation.
 * @sess: the session (logged in as CO or CU).
 * @handle: the key's handle.
 * @obj_class: the class it must have (SKS_CKO_*).
 * @key_type: the type it must have (SKS_CKK_*).
 * @need: the usage flag it must have (SKS_OBJ_ENCRYPT, ...).
 * @ckr: out: result code.
 *
 * Checks, in this order: login and slot (sks_session_require()), the
 * handle (CKR_KEY_HANDLE_INVALID), class and type
 * (CKR_KEY_TYPE_INCONSISTENT), @need (CKR_KEY_FUNCTION_NOT_PERMITTED),
 * the usage limit (CKR_KEY_NOT_ACTIVE). Its transform is the caller's to
 * get; no use is counted here: the caller does that
 * (sks_object_count_use()) right before the operation runs.
 *
 * Context: process context; no mutex (see sks_key_get()).
 * Return: the key with a reference for the caller, or an ERR_PTR.
 */
struct sks_object *sks_use_key(struct sks_file_session *sess, u32 handle,
			       u32 obj_class, u32 key_type, u32 need, u32 *ckr)
{
	struct sks_object *obj;
	int err;

	obj = sks_key_get(sess, handle, ckr);
	if (IS_ERR(obj))
		return obj;
	if (obj->obj_class != obj_class || obj->key_type != key_type)
		err = sks_fail(ckr, SKS_CKR_KEY_TYPE_INCONSISTENT);
	else if (!(obj->flags & need))
		err = sks_fail(ckr, SKS_CKR_KEY_FUNCTION_NOT_PERMITTED);
	else if (sks_object_exhausted(obj))
		err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
	else
		return obj;
	sks_object_put(obj);
	return ERR_PTR(err);
}

/*
 * The AEAD request and the data of one operation share one allocation:
 * [request | aad | data | tag | iv].
 */
static size_t sks_gcm_req_size(struct crypto_aead *tfm)
{
	return ALIGN(sizeof(struct aead_request) + crypto_aead_reqsize(tfm),
		     ARCH_KMALLOC_MINALIGN);
}

static int sks_gcm(struct crypto_aead *tfm, struct aead_request *req,
		   bool enc, u8 *buf, u32 aad_len, u32 cryptlen, u8 *iv)
{
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);

	aead_request_set_tfm(req, tfm);
	sg_init_one(&sg, buf, aad_len + cryptlen + (enc ? SKS_GCM_TAG_LEN : 0));
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, &sg, &sg, cryptlen, iv);
	return crypto_wait_req(enc ? crypto_aead_encrypt(req) :
			       crypto_aead_decrypt(req), &wait);
}

static int sks_crypt_check_len(const struct sks_crypt *c, bool enc, u32 *ckr)
{
	if (c->aad_len > SKS_MAX_DATA_SIZE)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (enc && c->in_len > SKS_MAX_DATA_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	/* PKCS#11 v2.40 section 5.2: ciphertext lengths have their own code */
	if (!enc && (c->in_len < SKS_GCM_TAG_LEN ||
		     c->in_len > SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN))
		return sks_fail(ckr, SKS_CKR_ENCRYPTED_DATA_LEN_RANGE);
	return 0;
}

static int sks_crypt(struct sks_file_session *sess, struct sks_crypt *c, bool enc,
		     u32 *ckr)
{
	u32 outlen, room = c->out_len;
	struct crypto_aead *tfm;
	struct sks_object *obj;
	struct aead_request *req;
	size_t reqsize, bufsize;
	u8 *buf, *iv;
	int err;

	c->out_len = 0;
	if (c->mechanism != SKS_CKM_AES_GCM)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	err = sks_crypt_check_len(c, enc, ckr);
	if (err)
		return err;
	outlen = enc ? c->in_len + SKS_GCM_TAG_LEN : c->in_len - SKS_GCM_TAG_LEN;

	obj = sks_use_key(sess, c->handle, SKS_CKO_SECRET_KEY, SKS_CKK_AES,
			  enc ? SKS_OBJ_ENCRYPT : SKS_OBJ_DECRYPT, ckr);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	if (!c->out) {
		c->out_len = outlen;	/* size query: nothing runs */
		goto out_put;
	}
	if (room < outlen) {
		c->out_len = outlen;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out_put;
	}
	tfm = sks_object_aead(obj);
	if (IS_ERR(tfm)) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_put;
	}

	reqsize = sks_gcm_req_size(tfm);
	bufsize = reqsize + c->aad_len + c->in_len + SKS_GCM_TAG_LEN +
		  SKS_GCM_IV_LEN;
	req = sks_opbuf_get(bufsize);
	if (!req) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_put;
	}
	buf = (u8 *)req + reqsize;
	iv = buf + c->aad_len + c->in_len + SKS_GCM_TAG_LEN;
	if (copy_from_user(buf, u64_to_user_ptr(c->aad), c->aad_len) ||
	    copy_from_user(buf + c->aad_len, u64_to_user_ptr(c->in),
			   c->in_len)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_free;
	}
	if (enc)
		get_random_bytes(iv, SKS_GCM_IV_LEN);
	else
		memcpy(iv, c->iv, SKS_GCM_IV_LEN);

	if (!sks_object_count_use(obj)) {
		err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
		goto out_free;
	}
	if (obj->usage_limit)	/* the ledger's count is durable */
		sks_state_changed(sess->slot);
	err = sks_gcm(tfm, req, enc, buf, c->aad_len, c->in_len, iv);
	if (err == -EBADMSG) {
		err = sks_fail(ckr, SKS_CKR_ENCRYPTED_DATA_INVALID);
		goto out_free;
	} else if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_free;
	}
	if (copy_to_user(u64_to_user_ptr(c->out), buf + c->aad_len, outlen)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_free;
	}
	if (enc)
		memcpy(c->iv, iv, SKS_GCM_IV_LEN);
	c->out_len = outlen;
	/*
	 * An encryption ran in place: past the request (its context holds
	 * the cipher's working state) the buffer holds only the AAD, the
	 * ciphertext, the tag and the IV, all handed out. Anything else
	 * (a decryption's plaintext, a failed operation's input) is wiped.
	 */
	if (enc) {
		sks_opbuf_put_wiped(req, bufsize, reqsize);
		goto out_put;
	}
out_free:
	sks_opbuf_put(req, bufsize);
out_put:
	sks_object_put(obj);
	return err;
}

/**
 * sks_ioc_encrypt() - SKS_IOC_ENCRYPT: AES-GCM with a device-chosen IV.
 * @sess: the session.
 * @arg: struct sks_crypt.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism, lengths (CKR_DATA_LEN_RANGE), login (CO or
 * CU), key handle, key type, CKA_ENCRYPT, usage limit
 * (CKR_KEY_NOT_ACTIVE), then a size query (@out 0: CKR_OK and the size in
 * @out_len) or the output room (CKR_BUFFER_TOO_SMALL with the needed size
 * in @out_len), user memory. A use is counted right before the cipher
 * runs and never otherwise: a size query, a failed check, a failed
 * allocation or unreadable input leave usage_count as it was.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_encrypt(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	return sks_crypt(sess, arg, true, ckr);
}

/**
 * sks_ioc_decrypt() - SKS_IOC_DECRYPT: AES-GCM decryption, tag checked.
 * @sess: the session.
 * @arg: struct sks_crypt.
 * @ckr: out: result code.
 *
 * Checks as for sks_ioc_encrypt(), but a ciphertext length outside
 * 16..SKS_MAX_DATA_SIZE + 16 gives CKR_ENCRYPTED_DATA_LEN_RANGE; a wrong
 * tag gives -EBADMSG with CKR_ENCRYPTED_DATA_INVALID, @out_len 0 and
 * nothing written to @out (the use is counted: the key was used).
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_decrypt(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	return sks_crypt(sess, arg, false, ckr);
}

static int sks_hmac_index(u32 mechanism)
{
	switch (mechanism) {
	case SKS_CKM_SHA256_HMAC:
		return 0;
	case SKS_CKM_SHA384_HMAC:
		return 1;
	case SKS_CKM_SHA512_HMAC:
		return 2;
	default:
		return -1;
	}
}

static int sks_mac(struct sks_file_session *sess, struct sks_sign *s, bool sign,
		   u32 *ckr)
{
	struct crypto_shash *tfm;
	struct sks_object *obj;
	u32 ds, room = s->sig_len;
	u8 *buf, *mac;
	int idx, err;

	if (sign)
		s->sig_len = 0;
	idx = sks_hmac_index(s->mechanism);
	if (idx < 0)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	if (s->data_len > SKS_MAX_DATA_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);

	obj = sks_use_key(sess, s->handle, SKS_CKO_SECRET_KEY,
			  SKS_CKK_GENERIC_SECRET,
			  sign ? SKS_OBJ_SIGN : SKS_OBJ_VERIFY, ckr);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	tfm = sks_object_hmac(obj, idx);
	if (IS_ERR(tfm)) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_put;
	}
	ds = crypto_shash_digestsize(tfm);
	if (sign && (!s->sig || room < ds)) {
		s->sig_len = ds;
		if (s->sig)
			err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out_put;	/* else a size query: nothing runs */
	}
	if (!sign && room != ds) {
		err = sks_fail(ckr, SKS_CKR_SIGNATURE_LEN_RANGE);
		goto out_put;
	}

	/* [data | computed mac | given mac] */
	buf = kmalloc(s->data_len + 2 * ds, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out_put;
	}
	mac = buf + s->data_len;
	if (copy_from_user(buf, u64_to_user_ptr(s->data), s->data_len) ||
	    (!sign && copy_from_user(mac + ds, u64_to_user_ptr(s->sig), ds))) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out_free;
	}
	if (!sks_object_count_use(obj)) {
		err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
		goto out_free;
	}
	if (obj->usage_limit)	/* the ledger's count is durable */
		sks_state_changed(sess->slot);
	err = crypto_shash_tfm_digest(tfm, buf, s->data_len, mac);
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out_free;
	}
	if (sign) {
		if (copy_to_user(u64_to_user_ptr(s->sig), mac, ds))
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		else
			s->sig_len = ds;
	} else if (crypto_memneq(mac, mac + ds, ds)) {
		err = sks_fail(ckr, SKS_CKR_SIGNATURE_INVALID);
	}
out_free:
	kfree_sensitive(buf);
out_put:
	sks_object_put(obj);
	return err;
}

/**
 * sks_sign_prepare() - check that a key may sign with a mechanism.
 * @obj: the key.
 * @mechanism: an HMAC or ECDSA mechanism (SKS_CKM_*).
 * @flags: 0 or SKS_SIGN_DER (ECDSA only).
 * @sig_max: out: the largest signature.
 * @ckr: out: result code.
 *
 * Context: any.
 * Return: 0, or -EINVAL with CKR_MECHANISM_INVALID, CKR_ARGUMENTS_BAD
 * (SKS_SIGN_DER with HMAC) or CKR_KEY_TYPE_INCONSISTENT, -EPERM with
 * CKR_KEY_FUNCTION_NOT_PERMITTED (no CKA_SIGN).
 */
int sks_sign_prepare(const struct sks_object *obj, u32 mechanism, u32 flags,
		     u32 *sig_max, u32 *ckr)
{
	static const u32 hmac_len[] = { 32, 48, 64 };
	bool ecdsa = sks_ecdsa_mechanism(mechanism);
	int idx = sks_hmac_index(mechanism);

	if (!ecdsa && idx < 0)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	if (flags & ~(ecdsa ? SKS_SIGN_DER : 0))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (obj->obj_class != (ecdsa ? SKS_CKO_PRIVATE_KEY : SKS_CKO_SECRET_KEY) ||
	    obj->key_type != (ecdsa ? SKS_CKK_EC : SKS_CKK_GENERIC_SECRET))
		return sks_fail(ckr, SKS_CKR_KEY_TYPE_INCONSISTENT);
	if (!(obj->flags & SKS_OBJ_SIGN))
		return sks_fail(ckr, SKS_CKR_KEY_FUNCTION_NOT_PERMITTED);
	*sig_max = ecdsa ? sks_ecdsa_sig_max(obj, flags & SKS_SIGN_DER) :
		   hmac_len[idx];
	return 0;
}

/**
 * sks_sign_obj() - sign with a key checked by sks_sign_prepare(); no use
 * is counted (the caller has).
 * @obj: the key.
 * @mechanism: as for sks_sign_prepare().
 * @flags: as for sks_sign_prepare().
 * @msg: the input (CKM_ECDSA: a hash of 1..64 bytes).
 * @len: its length.
 * @sig: room for the largest signature.
 * @sig_len: out: the signature's length.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int sks_sign_obj(struct sks_object *obj, u32 mechanism, u32 flags,
		 const u8 *msg, u32 len, u8 *sig, u32 *sig_len)
{
	struct crypto_shash *tfm;

	if (sks_ecdsa_mechanism(mechanism))
		return sks_ecdsa_sign_obj(obj, mechanism, flags & SKS_SIGN_DER,
					  msg, len, sig, sig_len);
	tfm = sks_object_hmac(obj, sks_hmac_index(mechanism));
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	*sig_len = crypto_shash_digestsize(tfm);
	return crypto_shash_tfm_digest(tfm, msg, len, sig);
}

/**
 * sks_object_count_uses() - count @n uses of a key at once, or none.
 * @obj: the key.
 * @n: how many.
 *
 * As sks_object_count_use(), for all-or-nothing batches.
 *
 * Context: any.
 * Return: false if fewer than @n uses are left (nothing counted).
 */
bool sks_object_count_uses(struct sks_object *obj, u32 n)
{
	atomic64_t *count;
	s64 c;

	if (!obj->usage_limit) {
		atomic64_add(n, &obj->usage_count);
		return true;
	}
	count = &obj->usage->count;
	c = atomic64_read(count);
	do {
		if ((u64)c + n > obj->usage_limit)
			return false;
	} while (!atomic64_try_cmpxchg(count, &c, c + n));
	return true;
}

/* HMAC or ECDSA, by mechanism; SKS_SIGN_DER is for ECDSA only. */
static int sks_sign_verify(struct sks_file_session *sess, struct sks_sign *s,
			   bool sign, u32 *ckr)
{
	if (sks_ecdsa_mechanism(s->mechanism))
		return sks_ecdsa(sess, s, sign, ckr);
	if (s->flags)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	return sks_mac(sess, s, sign, ckr);
}

/**
 * sks_ioc_sign() - SKS_IOC_SIGN: HMAC-SHA-256/384/512 or ECDSA.
 * @sess: the session.
 * @arg: struct sks_sign.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism, data length, login (CO or CU), key handle,
 * key type, CKA_SIGN, usage limit, then a size query (@sig 0) or the room
 * for the MAC (CKR_BUFFER_TOO_SMALL). As for encryption, a use is counted
 * right before the MAC is computed, and only then. ECDSA: sks_ecdsa().
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_sign(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	return sks_sign_verify(sess, arg, true, ckr);
}

/**
 * sks_ioc_verify() - SKS_IOC_VERIFY: check an HMAC in constant time.
 * @sess: the session.
 * @arg: struct sks_sign.
 * @ckr: out: result code.
 *
 * A wrong MAC gives -EBADMSG with CKR_SIGNATURE_INVALID, a MAC of the
 * wrong length CKR_SIGNATURE_LEN_RANGE.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 or a negative errno.
 */
int sks_ioc_verify(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	return sks_sign_verify(sess, arg, false, ckr);
}

/* Read and check every descriptor of a batch before anything runs. */
static int sks_batch_read(const struct sks_batch *b, struct sks_batch_op *ops,
			  u32 *ckr)
{
	const u8 __user *uops = u64_to_user_ptr(b->ops);
	u64 bytes = 0;
	u32 i;
	int err;

	for (i = 0; i < b->count; i++) {
		struct sks_batch_op *op = &ops[i];

		err = copy_struct_from_user(op, sizeof(*op),
					    uops + (size_t)i * b->op_size,
					    b->op_size);
		if (err == -E2BIG)
			return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		if (err)
			return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, err);
		switch (op->op) {
		case SKS_BATCH_ENCRYPT:
		case SKS_BATCH_DECRYPT:
			break;
		case SKS_BATCH_SIGN:
		case SKS_BATCH_VERIFY:
			if (op->aad || op->aad_len ||
			    memchr_inv(op->iv, 0, sizeof(op->iv)))
				return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
			break;
		default:
			return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		}
		bytes += (u64)op->in_len + op->aad_len;
	}
	if (bytes > SKS_BATCH_MAX_BYTES)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	return 0;
}

/* Run one operation as its own ioctl would; returns its CKR_* code. */
static u32 sks_batch_run(struct sks_file_session *sess, struct sks_batch_op *op)
{
	u32 ckr = SKS_CKR_OK;
	int err;

	if (op->op == SKS_BATCH_ENCRYPT || op->op == SKS_BATCH_DECRYPT) {
		struct sks_crypt c = {
			.handle = op->handle, .mechanism = op->mechanism,
			.aad_len = op->aad_len, .aad = op->aad, .in = op->in,
			.out = op->out, .in_len = op->in_len,
			.out_len = op->out_len,
		};

		memcpy(c.iv, op->iv, sizeof(c.iv));
		err = sks_crypt(sess, &c, op->op == SKS_BATCH_ENCRYPT, &ckr);
		memcpy(op->iv, c.iv, sizeof(op->iv));
		op->out_len = c.out_len;
	} else {
		struct sks_sign s = {
			.handle = op->handle, .mechanism = op->mechanism,
			.data = op->in, .sig = op->out,
			.data_len = op->in_len, .sig_len = op->out_len,
		};

		err = sks_sign_verify(sess, &s, op->op == SKS_BATCH_SIGN,
				      &ckr);
		op->out_len = s.sig_len;
	}
	if (err && ckr == SKS_CKR_OK)
		ckr = SKS_CKR_GENERAL_ERROR;
	return err ? ckr : SKS_CKR_OK;
}

/**
 * sks_ioc_batch() - SKS_IOC_BATCH: many crypto operations in one call.
 * @sess: the session.
 * @arg: struct sks_batch.
 * @ckr: out: result code of the batch.
 *
 * Every descriptor is read and checked first (count, op_size, reserved,
 * op codes, zero tails, total input bytes); a bad one refuses the whole
 * batch with nothing run. Then each operation runs in order through the
 * same code as SKS_IOC_ENCRYPT, SKS_IOC_DECRYPT, SKS_IOC_SIGN or
 * SKS_IOC_VERIFY, and its result code, IV and output length are written
 * back into its descriptor. SKS_BATCH_STOP_ON_ERROR stops after the
 * first failed operation.
 *
 * Context: process context, may sleep; no mutex (see sks_key_get()).
 * Return: 0 once the operations ran (their results are per descriptor),
 * or a negative errno for a refused batch (-EFAULT if a descriptor
 * cannot be written back).
 */
int sks_ioc_batch(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_batch *b = arg;
	u8 __user *uops = u64_to_user_ptr(b->ops);
	struct sks_batch_op *ops;
	u32 i;
	int err;

	b->done = 0;
	b->failed = 0;
	if (!b->count || b->count > SKS_BATCH_MAX_OPS || b->reserved ||
	    b->op_size < SKS_BATCH_OP_SIZE_VER0 ||
	    b->op_size > SKS_BATCH_OP_SIZE_MAX)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	ops = kvmalloc_array(b->count, sizeof(*ops), GFP_KERNEL_ACCOUNT);
	if (!ops)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	err = sks_batch_read(b, ops, ckr);
	if (!err)
		err = sks_session_require_lockless(sess, false, ckr);
	for (i = 0; !err && i < b->count; i++) {
		cond_resched();
		ops[i].result = sks_batch_run(sess, &ops[i]);
		if (copy_to_user(uops + (size_t)i * b->op_size, &ops[i],
				 sizeof(ops[i]))) {
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD,
					     -EFAULT);
			break;
		}
		b->done++;
		if (ops[i].result != SKS_CKR_OK) {
			b->failed++;
			if (b->flags & SKS_BATCH_STOP_ON_ERROR)
				break;
		}
	}
	kvfree(ops);
	return err;
}
