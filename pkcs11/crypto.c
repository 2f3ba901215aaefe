// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - cryptographic functions (PKCS#11 v2.40 sections 5.8..5.15):
 * AES-GCM encryption and decryption, digests (AF_ALG, through libkcapi),
 * random numbers; HMAC and ECDSA signatures are sign.c.
 *
 * Size queries (section 5.2): a NULL output buffer asks for the length and
 * leaves the operation active; too little room gives CKR_BUFFER_TOO_SMALL
 * with the length and leaves it active; every other return ends it.
 *
 * AES-GCM and the IV (docs/man/sks-pkcs11.7, "AES-GCM"): the driver
 * chooses every encryption's IV itself (a random 96-bit nonce, as an HSM
 * in FIPS mode does) and never takes one from the caller. C_EncryptInit
 * wants a CK_GCM_PARAMS whose pIv points to 12 bytes of zeros (a caller's
 * own IV is refused: CKR_MECHANISM_PARAM_INVALID, since sks cannot
 * encrypt under it); the IV the device chose is written there by the call
 * that returns the ciphertext, so that buffer must stay valid until then.
 * Decryption takes the IV from the caller, as usual. The tag is 128 bits.
 *
 * Multi-part operations: the driver takes whole messages (up to
 * SKS_MAX_DATA_SIZE, 64 KiB): C_EncryptUpdate, C_DecryptUpdate and HMAC's
 * C_SignUpdate/C_VerifyUpdate collect the parts (returning no output) and
 * the Final call runs the operation; GCM decryption never releases
 * plaintext before the tag is verified. Digests and ECDSA with a hash
 * (CKM_ECDSA_SHA256/384) stream through AF_ALG and have no length limit.
 */
#include <errno.h>
#include <kcapi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "p11.h"

/* ---- keys for operations ---- */

/*
 * Check a key for an operation at its Init call: the class and type the
 * mechanism needs (CKR_KEY_TYPE_INCONSISTENT) and the usage flag
 * (CKR_KEY_FUNCTION_NOT_PERMITTED). The driver checks both again at every
 * use: this only gives the errors where the specification puts them.
 */
CK_RV p11_check_key(struct p11_session *s, CK_OBJECT_HANDLE h,
		    CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, uint32_t flag,
		    struct sks_obj_attrs *a)
{
	CK_RV rv;

	if (p11_check_handle(h) != CKR_OK)
		return CKR_KEY_HANDLE_INVALID;
	rv = p11_key_attrs(s, h, a);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return CKR_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		return rv;
	if (a->obj_class != cls || a->key_type != kt)
		return CKR_KEY_TYPE_INCONSISTENT;
	if (!(a->flags & flag))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	return CKR_OK;
}

/* Size-query and room handling: CKR_OK to go on, or the answer. */
CK_RV p11_out_room(void *out, CK_ULONG_PTR out_len, size_t need,
		   bool *done)
{
	*done = true;
	if (!out) {
		*out_len = need;
		return CKR_OK;
	}
	if (*out_len < need) {
		*out_len = need;
		return CKR_BUFFER_TOO_SMALL;
	}
	*done = false;
	return CKR_OK;
}

/* ---- AES-GCM (current mechanisms section 2.12.3) ---- */

static const uint8_t zero_iv[SKS_GCM_IV_LEN];

static CK_RV gcm_init(struct p11_session *s, struct p11_op *op,
		      CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key, bool enc)
{
	const CK_GCM_PARAMS *p;
	struct sks_obj_attrs a;
	size_t i;
	CK_RV rv;

	if (m->mechanism != CKM_AES_GCM)
		return CKR_MECHANISM_INVALID;
	p = m->pParameter;
	if (!p || m->ulParameterLen != sizeof(*p) || !p->pIv ||
	    p->ulIvLen != SKS_GCM_IV_LEN ||
	    (p->ulIvBits && p->ulIvBits != 8 * SKS_GCM_IV_LEN) ||
	    p->ulTagBits != 8 * SKS_GCM_TAG_LEN ||
	    (p->ulAADLen && !p->pAAD) || p->ulAADLen > SKS_MAX_DATA_SIZE)
		return CKR_MECHANISM_PARAM_INVALID;
	if (enc)
		for (i = 0; i < SKS_GCM_IV_LEN; i++)
			if (p->pIv[i])
				return CKR_MECHANISM_PARAM_INVALID;
	rv = p11_check_key(s, key, CKO_SECRET_KEY, CKK_AES,
		       enc ? SKS_OBJ_ENCRYPT : SKS_OBJ_DECRYPT, &a);
	if (rv != CKR_OK)
		return rv;
	op->mech = CKM_AES_GCM;
	op->key = key;
	if (p->ulAADLen) {
		op->aad = malloc(p->ulAADLen);
		if (!op->aad)
			return CKR_HOST_MEMORY;
		memcpy(op->aad, p->pAAD, p->ulAADLen);
		op->aad_len = p->ulAADLen;
	}
	if (enc)
		op->iv_out = p->pIv;
	else
		memcpy(op->iv, p->pIv, SKS_GCM_IV_LEN);
	return CKR_OK;
}

static CK_RV crypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m,
			CK_OBJECT_HANDLE key, unsigned int kind)
{
	struct p11_session *s;
	struct p11_op *op;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	if (!m) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = p11_op_begin(s, kind);
	if (rv != CKR_OK)
		goto out;
	op = kind == OP_ENCRYPT ? &s->enc : &s->dec;
	rv = gcm_init(s, op, m, key, kind == OP_ENCRYPT);
	if (rv != CKR_OK)
		p11_op_end(s, kind);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_EncryptInit() - start an AES-GCM encryption (section 5.8).
 * @hSession: the session.
 * @pMechanism: CKM_AES_GCM with a CK_GCM_PARAMS: ulIvLen 12, pIv 12 zero
 *	bytes that receive the device's IV, ulTagBits 128, AAD up to 64 KiB.
 * @hKey: an AES key with CKA_ENCRYPT.
 *
 * Return: CKR_OK, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
 * CKR_KEY_HANDLE_INVALID, CKR_KEY_TYPE_INCONSISTENT,
 * CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_OPERATION_ACTIVE,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_EncryptInit(CK_SESSION_HANDLE hSession,
			    CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	return crypt_init(hSession, pMechanism, hKey, OP_ENCRYPT);
}

/**
 * C_DecryptInit() - start an AES-GCM decryption (section 5.9).
 * @hSession: the session.
 * @pMechanism: CKM_AES_GCM with a CK_GCM_PARAMS: the 12-byte IV, ulTagBits
 *	128, the AAD.
 * @hKey: an AES key with CKA_DECRYPT.
 *
 * Return: as C_EncryptInit().
 */
P11_API CK_RV C_DecryptInit(CK_SESSION_HANDLE hSession,
			    CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	return crypt_init(hSession, pMechanism, hKey, OP_DECRYPT);
}

/* Run the operation on @in; the caller ends it. */
static CK_RV gcm_run(struct p11_session *s, struct p11_op *op, bool enc,
		     const uint8_t *in, size_t in_len, uint8_t *out,
		     CK_ULONG_PTR out_len)
{
	uint8_t iv[SKS_GCM_IV_LEN];
	size_t len = *out_len;
	int ret;

	if (enc) {
		ret = sks_crypto_encrypt(s->drv->ss, op->key, op->aad,
					 op->aad_len, in, in_len, iv, out,
					 &len);
		/*
		 * The IV goes where C_EncryptInit's pIv pointed, if those 12
		 * bytes still hold the zeros they held then: a caller that
		 * freed its parameters after C_EncryptInit (against this
		 * module's rule) most likely left other bytes there, and is
		 * then not written to.
		 */
		if (!ret && !memcmp(op->iv_out, zero_iv, SKS_GCM_IV_LEN))
			memcpy(op->iv_out, iv, SKS_GCM_IV_LEN);
	} else {
		ret = sks_crypto_decrypt(s->drv->ss, op->key, op->aad,
					 op->aad_len, op->iv, in, in_len, out,
					 &len);
	}
	if (ret) {
		CK_RV rv = sks_last_result();

		return rv == CKR_KEY_HANDLE_INVALID ||
		       rv == CKR_OBJECT_HANDLE_INVALID ? CKR_KEY_HANDLE_INVALID :
		       rv;
	}
	*out_len = len;
	return CKR_OK;
}

/* The output length of GCM for an input: CKR_OK or a length range code. */
static CK_RV gcm_out_len(bool enc, size_t in_len, size_t *need)
{
	if (enc) {
		if (in_len > SKS_MAX_DATA_SIZE)
			return CKR_DATA_LEN_RANGE;
		*need = in_len + SKS_GCM_TAG_LEN;
		return CKR_OK;
	}
	if (in_len < SKS_GCM_TAG_LEN ||
	    in_len > SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN)
		return CKR_ENCRYPTED_DATA_LEN_RANGE;
	*need = in_len - SKS_GCM_TAG_LEN;
	return CKR_OK;
}

/*
 * The answer of C_Encrypt/C_Decrypt and of their Final calls for @in: the
 * length asked for or too little room leave @op active (section 5.2);
 * otherwise run it and end it.
 */
static CK_RV gcm_answer(struct p11_session *s, struct p11_op *op,
			unsigned int kind, const void *in, size_t in_len,
			CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	bool enc = kind == OP_ENCRYPT, done;
	size_t need = 0;
	CK_RV rv;

	rv = gcm_out_len(enc, in_len, &need);
	if (rv == CKR_OK) {
		rv = p11_out_room(out, out_len, need, &done);
		if (done)
			return rv;
		rv = gcm_run(s, op, enc, in, in_len, out, out_len);
	}
	p11_op_end(s, kind);
	return rv;
}

static CK_RV crypt_once(CK_SESSION_HANDLE h, unsigned int kind,
			CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
			CK_ULONG_PTR out_len)
{
	bool enc = kind == OP_ENCRYPT;
	struct p11_session *s;
	struct p11_op *op;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	op = enc ? &s->enc : &s->dec;
	if (!(s->active & kind)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (op->multi) {
		rv = CKR_OPERATION_ACTIVE;	/* finish with C_*Final */
		goto out;
	}
	if (!out_len || (!in && in_len)) {
		rv = CKR_ARGUMENTS_BAD;
		p11_op_end(s, kind);
		goto out;
	}
	rv = gcm_answer(s, op, kind, in, in_len, out, out_len);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_Encrypt() - encrypt one message (section 5.8): @pData (at most
 * 64 KiB) becomes ciphertext || 16-byte tag; the IV goes to the pIv of
 * C_EncryptInit's parameters.
 * @hSession: the session.
 * @pData: plaintext.
 * @ulDataLen: its length.
 * @pEncryptedData: out, or NULL for the length.
 * @pulEncryptedDataLen: in: room; out: length.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL, CKR_DATA_LEN_RANGE,
 * CKR_OPERATION_NOT_INITIALIZED, the driver's codes,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Encrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData,
			CK_ULONG ulDataLen, CK_BYTE_PTR pEncryptedData,
			CK_ULONG_PTR pulEncryptedDataLen)
{
	return crypt_once(hSession, OP_ENCRYPT, pData, ulDataLen,
			  pEncryptedData, pulEncryptedDataLen);
}

/**
 * C_Decrypt() - decrypt one message (section 5.9): ciphertext || tag
 * becomes plaintext, or nothing when the tag does not verify
 * (CKR_ENCRYPTED_DATA_INVALID).
 * @hSession: the session.
 * @pEncryptedData: ciphertext || tag (16..64 KiB + 16 bytes).
 * @ulEncryptedDataLen: its length.
 * @pData: out, or NULL for the length.
 * @pulDataLen: in: room; out: length.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL, CKR_ENCRYPTED_DATA_LEN_RANGE,
 * CKR_ENCRYPTED_DATA_INVALID, CKR_OPERATION_NOT_INITIALIZED, the driver's
 * codes, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Decrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedData,
			CK_ULONG ulEncryptedDataLen, CK_BYTE_PTR pData,
			CK_ULONG_PTR pulDataLen)
{
	return crypt_once(hSession, OP_DECRYPT, pEncryptedData,
			  ulEncryptedDataLen, pData, pulDataLen);
}

static CK_RV crypt_update(CK_SESSION_HANDLE h, unsigned int kind,
			  CK_BYTE_PTR in, CK_ULONG in_len,
			  CK_ULONG_PTR out_len)
{
	bool enc = kind == OP_ENCRYPT;
	struct p11_session *s;
	struct p11_op *op;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	op = enc ? &s->enc : &s->dec;
	if (!(s->active & kind)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (!out_len || (!in && in_len)) {
		rv = CKR_ARGUMENTS_BAD;
		p11_op_end(s, kind);
		goto out;
	}
	rv = p11_buf_append(&op->buf, &op->len, &op->cap, in, in_len,
			    enc ? SKS_MAX_DATA_SIZE :
				  SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN);
	if (rv == CKR_DATA_LEN_RANGE && !enc)
		rv = CKR_ENCRYPTED_DATA_LEN_RANGE;
	if (rv != CKR_OK) {
		p11_op_end(s, kind);
		goto out;
	}
	op->multi = true;
	*out_len = 0;		/* everything comes out at the Final call */
out:
	p11_session_put(s);
	return rv;
}

static CK_RV crypt_final(CK_SESSION_HANDLE h, unsigned int kind,
			 CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	bool enc = kind == OP_ENCRYPT;
	struct p11_session *s;
	struct p11_op *op;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	op = enc ? &s->enc : &s->dec;
	if (!(s->active & kind)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (!out_len) {
		rv = CKR_ARGUMENTS_BAD;
		p11_op_end(s, kind);
		goto out;
	}
	rv = gcm_answer(s, op, kind, op->buf, op->len, out, out_len);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_EncryptUpdate() - add a part to the message (section 5.8); no output
 * until C_EncryptFinal (at most 64 KiB in all).
 * @hSession: the session.
 * @pPart: the part.
 * @ulPartLen: its length.
 * @pEncryptedPart: unused (nothing is written).
 * @pulEncryptedPartLen: out: 0.
 *
 * Return: CKR_OK, CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED,
 * CKR_HOST_MEMORY, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_EncryptUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart,
			      CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart,
			      CK_ULONG_PTR pulEncryptedPartLen)
{
	(void)pEncryptedPart;
	return crypt_update(hSession, OP_ENCRYPT, pPart, ulPartLen,
			    pulEncryptedPartLen);
}

/**
 * C_EncryptFinal() - encrypt the collected message (section 5.8):
 * ciphertext || tag; the IV goes to C_EncryptInit's pIv.
 * @hSession: the session.
 * @pLastEncryptedPart: out, or NULL for the length.
 * @pulLastEncryptedPartLen: in: room; out: length.
 *
 * Return: as C_Encrypt().
 */
P11_API CK_RV C_EncryptFinal(CK_SESSION_HANDLE hSession,
			     CK_BYTE_PTR pLastEncryptedPart,
			     CK_ULONG_PTR pulLastEncryptedPartLen)
{
	return crypt_final(hSession, OP_ENCRYPT, pLastEncryptedPart,
			   pulLastEncryptedPartLen);
}

/**
 * C_DecryptUpdate() - add a part of ciphertext || tag (section 5.9); no
 * output until C_DecryptFinal, which verifies the tag first.
 * @hSession: the session.
 * @pEncryptedPart: the part.
 * @ulEncryptedPartLen: its length.
 * @pPart: unused (nothing is written).
 * @pulPartLen: out: 0.
 *
 * Return: CKR_OK, CKR_ENCRYPTED_DATA_LEN_RANGE,
 * CKR_OPERATION_NOT_INITIALIZED, CKR_HOST_MEMORY,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_DecryptUpdate(CK_SESSION_HANDLE hSession,
			      CK_BYTE_PTR pEncryptedPart,
			      CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
			      CK_ULONG_PTR pulPartLen)
{
	(void)pPart;
	return crypt_update(hSession, OP_DECRYPT, pEncryptedPart,
			    ulEncryptedPartLen, pulPartLen);
}

/**
 * C_DecryptFinal() - decrypt the collected ciphertext || tag (section
 * 5.9).
 * @hSession: the session.
 * @pLastPart: out, or NULL for the length.
 * @pulLastPartLen: in: room; out: length.
 *
 * Return: as C_Decrypt().
 */
P11_API CK_RV C_DecryptFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastPart,
			     CK_ULONG_PTR pulLastPartLen)
{
	return crypt_final(hSession, OP_DECRYPT, pLastPart, pulLastPartLen);
}

/* ---- digests (section 5.10) ---- */

static const char *md_name(CK_MECHANISM_TYPE m, size_t *len)
{
	switch (m) {
	case CKM_SHA256:
		*len = 32;
		return "sha256";
	case CKM_SHA384:
		*len = 48;
		return "sha384";
	case CKM_SHA512:
		*len = 64;
		return "sha512";
	default:
		return NULL;
	}
}

CK_RV p11_md_open(struct p11_op *op, const char *name)
{
	if (kcapi_md_init(&op->md, name, 0))
		return errno == ENOMEM ? CKR_HOST_MEMORY : CKR_DEVICE_ERROR;
	return CKR_OK;
}

CK_RV p11_md_update(struct p11_op *op, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		size_t n = len > (1U << 30) ? (1U << 30) : len;

		if (kcapi_md_update(op->md, p, n) < 0)
			return CKR_DEVICE_ERROR;
		p += n;
		len -= n;
	}
	return CKR_OK;
}

CK_RV p11_md_final(struct p11_op *op, uint8_t *out, size_t len)
{
	return kcapi_md_final(op->md, out, len) == (ssize_t)len ?
	       CKR_OK : CKR_DEVICE_ERROR;
}

/**
 * C_DigestInit() - start a digest in the kernel (section 5.10; AF_ALG).
 * @hSession: the session.
 * @pMechanism: CKM_SHA256, CKM_SHA384 or CKM_SHA512, no parameter.
 *
 * Return: CKR_OK, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
 * CKR_OPERATION_ACTIVE, CKR_DEVICE_ERROR (no AF_ALG),
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_DigestInit(CK_SESSION_HANDLE hSession,
			   CK_MECHANISM_PTR pMechanism)
{
	struct p11_session *s;
	const char *name;
	size_t len;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pMechanism) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	name = md_name(pMechanism->mechanism, &len);
	if (!name) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	if (pMechanism->pParameter || pMechanism->ulParameterLen) {
		rv = CKR_MECHANISM_PARAM_INVALID;
		goto out;
	}
	rv = p11_op_begin(s, OP_DIGEST);
	if (rv != CKR_OK)
		goto out;
	s->dig.mech = pMechanism->mechanism;
	s->dig.out_len = len;
	rv = p11_md_open(&s->dig, name);
	if (rv != CKR_OK)
		p11_op_end(s, OP_DIGEST);
out:
	p11_session_put(s);
	return rv;
}

static CK_RV digest_step(CK_SESSION_HANDLE h, bool once, CK_BYTE_PTR in,
			 CK_ULONG in_len, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct p11_session *s;
	bool done;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	if (!(s->active & OP_DIGEST)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (once && s->dig.multi) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	if (!out_len || (once && !in && in_len)) {
		rv = CKR_ARGUMENTS_BAD;
		goto end;
	}
	rv = p11_out_room(out, out_len, s->dig.out_len, &done);
	if (done)
		goto out;
	if (once)
		rv = p11_md_update(&s->dig, in, in_len);
	if (rv == CKR_OK)
		rv = p11_md_final(&s->dig, out, s->dig.out_len);
	if (rv == CKR_OK)
		*out_len = s->dig.out_len;
end:
	p11_op_end(s, OP_DIGEST);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_Digest() - digest one message (section 5.10).
 * @hSession: the session.
 * @pData: the message.
 * @ulDataLen: its length.
 * @pDigest: out, or NULL for the length.
 * @pulDigestLen: in: room; out: length.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL, CKR_OPERATION_NOT_INITIALIZED,
 * CKR_DEVICE_ERROR, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Digest(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData,
		       CK_ULONG ulDataLen, CK_BYTE_PTR pDigest,
		       CK_ULONG_PTR pulDigestLen)
{
	return digest_step(hSession, true, pData, ulDataLen, pDigest,
			   pulDigestLen);
}

/**
 * C_DigestUpdate() - add a part (section 5.10).
 * @hSession: the session.
 * @pPart: the part.
 * @ulPartLen: its length.
 *
 * Return: CKR_OK, CKR_OPERATION_NOT_INITIALIZED, CKR_DEVICE_ERROR,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_DigestUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart,
			     CK_ULONG ulPartLen)
{
	struct p11_session *s;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!(s->active & OP_DIGEST)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else if (!pPart && ulPartLen) {
		rv = CKR_ARGUMENTS_BAD;
		p11_op_end(s, OP_DIGEST);
	} else {
		s->dig.multi = true;
		rv = p11_md_update(&s->dig, pPart, ulPartLen);
		if (rv != CKR_OK)
			p11_op_end(s, OP_DIGEST);
	}
	p11_session_put(s);
	return rv;
}

/**
 * C_DigestKey() - digest a key's value: never possible, key values do not
 * leave the kernel (section 5.10: CKR_KEY_INDIGESTIBLE).
 * @hSession: the session.
 * @hKey: the key.
 *
 * Return: CKR_KEY_INDIGESTIBLE, CKR_OPERATION_NOT_INITIALIZED,
 * CKR_KEY_HANDLE_INVALID, CKR_SESSION_HANDLE_INVALID,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_DigestKey(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hKey)
{
	struct sks_obj_attrs a;
	struct p11_session *s;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!(s->active & OP_DIGEST)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else {
		rv = p11_check_handle(hKey);
		if (rv == CKR_OK)
			rv = p11_obj_attrs(s, hKey, &a);
		rv = rv == CKR_OK ? CKR_KEY_INDIGESTIBLE :
		     CKR_KEY_HANDLE_INVALID;
		p11_op_end(s, OP_DIGEST);
	}
	p11_session_put(s);
	return rv;
}

/**
 * C_DigestFinal() - the digest of the parts (section 5.10).
 * @hSession: the session.
 * @pDigest: out, or NULL for the length.
 * @pulDigestLen: in: room; out: length.
 *
 * Return: as C_Digest().
 */
P11_API CK_RV C_DigestFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pDigest,
			    CK_ULONG_PTR pulDigestLen)
{
	return digest_step(hSession, false, NULL, 0, pDigest, pulDigestLen);
}

/* ---- random numbers (section 5.15) ---- */

/**
 * C_GenerateRandom() - random bytes from the kernel's CSPRNG
 * (getrandom(2)), the generator the driver's keys come from.
 * @hSession: the session.
 * @RandomData: out.
 * @ulRandomLen: how many bytes.
 *
 * Return: CKR_OK, CKR_DEVICE_ERROR, CKR_SESSION_HANDLE_INVALID,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession,
			       CK_BYTE_PTR RandomData, CK_ULONG ulRandomLen)
{
	struct p11_session *s;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	p11_session_put(s);
	if (!RandomData && ulRandomLen)
		return CKR_ARGUMENTS_BAD;
	while (ulRandomLen) {
		ssize_t n = getrandom(RandomData, ulRandomLen, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return CKR_DEVICE_ERROR;
		RandomData += n;
		ulRandomLen -= n;
	}
	return CKR_OK;
}
