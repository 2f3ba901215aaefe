// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - signatures and MACs (PKCS#11 v2.40 sections 5.11, 5.12):
 * HMAC (CKM_SHA*_HMAC and _GENERAL) and ECDSA (CKM_ECDSA, CKM_ECDSA_SHA256,
 * CKM_ECDSA_SHA384), single and multi-part, signed and verified in the
 * kernel. Size queries as crypto.c says.
 */
#include <errno.h>
#include <kcapi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "p11.h"

/* ---- signatures and MACs (sections 5.11, 5.12) ---- */

static size_t hmac_len(CK_MECHANISM_TYPE m, uint32_t *sks_mech, bool *general)
{
	*general = false;
	switch (m) {
	case CKM_SHA256_HMAC_GENERAL:
		*general = true;
		/* fall through */
	case CKM_SHA256_HMAC:
		*sks_mech = SKS_CKM_SHA256_HMAC;
		return 32;
	case CKM_SHA384_HMAC_GENERAL:
		*general = true;
		/* fall through */
	case CKM_SHA384_HMAC:
		*sks_mech = SKS_CKM_SHA384_HMAC;
		return 48;
	case CKM_SHA512_HMAC_GENERAL:
		*general = true;
		/* fall through */
	case CKM_SHA512_HMAC:
		*sks_mech = SKS_CKM_SHA512_HMAC;
		return 64;
	default:
		return 0;
	}
}

static CK_RV sig_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m,
		      CK_OBJECT_HANDLE key, unsigned int kind)
{
	bool sign = kind == OP_SIGN, general;
	struct sks_obj_attrs a;
	struct p11_session *s;
	struct p11_op *op;
	uint32_t sks_mech = 0;
	size_t full;
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
	op = sign ? &s->sign : &s->ver;
	full = hmac_len(m->mechanism, &sks_mech, &general);
	if (full) {
		op->full_len = op->out_len = full;
		if (general) {
			CK_ULONG want;

			/* CK_MAC_GENERAL_PARAMS is a CK_ULONG (p11-kit
			 * 0.24 does not name it) */
			if (!m->pParameter ||
			    m->ulParameterLen != sizeof(CK_ULONG)) {
				rv = CKR_MECHANISM_PARAM_INVALID;
				goto fail;
			}
			memcpy(&want, m->pParameter, sizeof(want));
			if (!want || want > full) {
				rv = CKR_MECHANISM_PARAM_INVALID;
				goto fail;
			}
			op->out_len = want;
		} else if (m->pParameter || m->ulParameterLen) {
			rv = CKR_MECHANISM_PARAM_INVALID;
			goto fail;
		}
		rv = p11_check_key(s, key, CKO_SECRET_KEY, CKK_GENERIC_SECRET,
			       sign ? SKS_OBJ_SIGN : SKS_OBJ_VERIFY, &a);
	} else if (m->mechanism == CKM_ECDSA ||
		   m->mechanism == CKM_ECDSA_SHA256 ||
		   m->mechanism == CKM_ECDSA_SHA384) {
		if (m->pParameter || m->ulParameterLen) {
			rv = CKR_MECHANISM_PARAM_INVALID;
			goto fail;
		}
		rv = p11_check_key(s, key, sign ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY,
			       CKK_EC, sign ? SKS_OBJ_SIGN : SKS_OBJ_VERIFY,
			       &a);
		if (rv != CKR_OK)
			goto fail;
		op->out_len = 2 * p11_curve_bytes(p11_curve_of_attrs(&a));
		if (!op->out_len) {
			rv = CKR_KEY_TYPE_INCONSISTENT;
			goto fail;
		}
		sks_mech = m->mechanism == CKM_ECDSA ? SKS_CKM_ECDSA :
			   m->mechanism == CKM_ECDSA_SHA256 ?
			   SKS_CKM_ECDSA_SHA256 : SKS_CKM_ECDSA_SHA384;
	} else {
		rv = CKR_MECHANISM_INVALID;
	}
	if (rv != CKR_OK)
		goto fail;
	op->mech = m->mechanism;
	op->sks_mech = sks_mech;
	op->key = key;
	goto out;
fail:
	p11_op_end(s, kind);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_SignInit() - start a MAC or signature (section 5.11).
 * @hSession: the session.
 * @pMechanism: CKM_SHA256_HMAC, CKM_SHA384_HMAC, CKM_SHA512_HMAC (a
 *	generic secret key), their _GENERAL forms (a CK_MAC_GENERAL_PARAMS:
 *	1..full length), or CKM_ECDSA (a hash as input), CKM_ECDSA_SHA256,
 *	CKM_ECDSA_SHA384 (an EC private key): signatures r || s.
 * @hKey: the key, with CKA_SIGN.
 *
 * Return: CKR_OK, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
 * CKR_KEY_HANDLE_INVALID, CKR_KEY_TYPE_INCONSISTENT,
 * CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_OPERATION_ACTIVE,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_SignInit(CK_SESSION_HANDLE hSession,
			 CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	return sig_init(hSession, pMechanism, hKey, OP_SIGN);
}

/**
 * C_VerifyInit() - start checking a MAC or signature (section 5.12).
 * @hSession: the session.
 * @pMechanism: as for C_SignInit(); ECDSA takes an EC public key. A
 *	_GENERAL MAC shorter than the hash is checked by computing the MAC
 *	in the kernel, so its key needs CKA_SIGN too.
 * @hKey: the key, with CKA_VERIFY.
 *
 * Return: as C_SignInit().
 */
P11_API CK_RV C_VerifyInit(CK_SESSION_HANDLE hSession,
			   CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	return sig_init(hSession, pMechanism, hKey, OP_VERIFY);
}

static bool hashed_ecdsa(const struct p11_op *op)
{
	return op->mech == CKM_ECDSA_SHA256 || op->mech == CKM_ECDSA_SHA384;
}

static CK_RV sig_error(void)
{
	CK_RV rv = sks_last_result();

	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return CKR_KEY_HANDLE_INVALID;
	return rv == CKR_OK ? CKR_DEVICE_ERROR : rv;
}

/*
 * Sign (or verify) @in with the operation's key: @in is the whole message,
 * or for hashed ECDSA after Updates (@hashed) the digest, signed with
 * CKM_ECDSA.
 */
static CK_RV sig_run(struct p11_session *s, struct p11_op *op, bool sign,
		     const uint8_t *in, size_t len, bool hashed, uint8_t *sig,
		     size_t sig_len)
{
	uint32_t mech = hashed ? SKS_CKM_ECDSA : op->sks_mech;
	uint8_t mac[64] = { 0 };	/* (memcheck: the driver writes it) */
	size_t n = sizeof(mac);

	if (sign) {
		if (op->full_len && op->out_len < op->full_len) {
			if (sks_crypto_sign(s->drv->ss, op->key, mech, in, len,
					    mac, &n))
				return sig_error();
			memcpy(sig, mac, op->out_len);
			p11_wipe(mac, sizeof(mac));
			return CKR_OK;
		}
		n = sig_len;
		if (sks_crypto_sign(s->drv->ss, op->key, mech, in, len, sig,
				    &n))
			return sig_error();
		return CKR_OK;
	}
	if (sig_len != op->out_len)
		return CKR_SIGNATURE_LEN_RANGE;
	if (op->full_len && op->out_len < op->full_len) {
		/* a truncated MAC: compute it, compare in constant time */
		unsigned int diff = 0;
		size_t i;

		if (sks_crypto_sign(s->drv->ss, op->key, mech, in, len, mac,
				    &n))
			return sig_error();
		for (i = 0; i < op->out_len; i++)
			diff |= mac[i] ^ sig[i];
		p11_wipe(mac, sizeof(mac));
		return diff ? CKR_SIGNATURE_INVALID : CKR_OK;
	}
	if (sks_crypto_verify(s->drv->ss, op->key, mech, in, len, sig,
			      sig_len))
		return sig_error();
	return CKR_OK;
}

/* The data of a multi-part signature: collected, or hashed (ECDSA_SHA*). */
static CK_RV sig_add(struct p11_op *op, const void *data, size_t len)
{
	if (hashed_ecdsa(op)) {
		CK_RV rv = CKR_OK;

		if (!op->md)
			rv = p11_md_open(op, op->mech == CKM_ECDSA_SHA256 ?
				     "sha256" : "sha384");
		return rv == CKR_OK ? p11_md_update(op, data, len) : rv;
	}
	return p11_buf_append(&op->buf, &op->len, &op->cap, data, len,
			      op->mech == CKM_ECDSA ? 64 : SKS_MAX_DATA_SIZE);
}

static CK_RV sig_once(CK_SESSION_HANDLE h, unsigned int kind,
		      CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
		      CK_ULONG_PTR sig_len_out, CK_ULONG sig_len_in)
{
	bool sign = kind == OP_SIGN, done = false;
	struct p11_session *s;
	struct p11_op *op;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	op = sign ? &s->sign : &s->ver;
	if (!(s->active & kind)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (op->multi) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	if ((!data && len) || (sign && !sig_len_out) || (!sign && !sig)) {
		rv = CKR_ARGUMENTS_BAD;
		goto end;
	}
	if (len > SKS_MAX_DATA_SIZE) {
		rv = CKR_DATA_LEN_RANGE;
		goto end;
	}
	if (sign) {
		rv = p11_out_room(sig, sig_len_out, op->out_len, &done);
		if (done)
			goto out;
		rv = sig_run(s, op, true, data, len, false, sig, op->out_len);
		if (rv == CKR_OK)
			*sig_len_out = op->out_len;
	} else {
		rv = sig_run(s, op, false, data, len, false, sig, sig_len_in);
	}
end:
	p11_op_end(s, kind);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_Sign() - sign one message (section 5.11): at most 64 KiB
 * (CKR_DATA_LEN_RANGE), for CKM_ECDSA a hash of 1..64 bytes.
 * @hSession: the session.
 * @pData: the message.
 * @ulDataLen: its length.
 * @pSignature: out, or NULL for the length.
 * @pulSignatureLen: in: room; out: length.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL, CKR_DATA_LEN_RANGE,
 * CKR_OPERATION_NOT_INITIALIZED, the driver's codes (CKR_KEY_NOT_ACTIVE
 * after a usage limit, ...), CKR_SESSION_HANDLE_INVALID,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Sign(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData,
		     CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
		     CK_ULONG_PTR pulSignatureLen)
{
	return sig_once(hSession, OP_SIGN, pData, ulDataLen, pSignature,
			pulSignatureLen, 0);
}

/**
 * C_Verify() - check the signature of one message (section 5.12).
 * @hSession: the session.
 * @pData: the message.
 * @ulDataLen: its length.
 * @pSignature: the MAC or r || s.
 * @ulSignatureLen: its length (the mechanism's, else
 *	CKR_SIGNATURE_LEN_RANGE).
 *
 * Return: CKR_OK, CKR_SIGNATURE_INVALID, CKR_SIGNATURE_LEN_RANGE,
 * CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED, the driver's codes,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Verify(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData,
		       CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
		       CK_ULONG ulSignatureLen)
{
	return sig_once(hSession, OP_VERIFY, pData, ulDataLen, pSignature,
			NULL, ulSignatureLen);
}

static CK_RV sig_update(CK_SESSION_HANDLE h, unsigned int kind,
			CK_BYTE_PTR part, CK_ULONG len)
{
	struct p11_session *s;
	struct p11_op *op;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	op = kind == OP_SIGN ? &s->sign : &s->ver;
	if (!(s->active & kind)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (!part && len) {
		rv = CKR_ARGUMENTS_BAD;
	} else {
		op->multi = true;
		rv = sig_add(op, part, len);
	}
	if (rv != CKR_OK)
		p11_op_end(s, kind);
out:
	p11_session_put(s);
	return rv;
}

static CK_RV sig_final(CK_SESSION_HANDLE h, unsigned int kind,
		       CK_BYTE_PTR sig, CK_ULONG_PTR sig_len_out,
		       CK_ULONG sig_len_in)
{
	bool sign = kind == OP_SIGN, done = false, hashed;
	uint8_t digest[48];
	struct p11_session *s;
	struct p11_op *op;
	const uint8_t *in;
	size_t in_len;
	CK_RV rv;

	rv = p11_session_get(h, &s);
	if (rv != CKR_OK)
		return rv;
	op = sign ? &s->sign : &s->ver;
	if (!(s->active & kind)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if ((sign && !sig_len_out) || (!sign && !sig)) {
		rv = CKR_ARGUMENTS_BAD;
		goto end;
	}
	if (sign) {
		rv = p11_out_room(sig, sig_len_out, op->out_len, &done);
		if (done)
			goto out;
	}
	hashed = hashed_ecdsa(op);
	in = op->buf;
	in_len = op->len;
	if (hashed) {
		size_t dl = op->mech == CKM_ECDSA_SHA256 ? 32 : 48;

		if (!op->md)
			rv = p11_md_open(op, dl == 32 ? "sha256" : "sha384");
		if (rv == CKR_OK)
			rv = p11_md_final(op, digest, dl);
		if (rv != CKR_OK)
			goto end;
		in = digest;
		in_len = dl;
	}
	if (sign) {
		rv = sig_run(s, op, true, in, in_len, hashed, sig, op->out_len);
		if (rv == CKR_OK)
			*sig_len_out = op->out_len;
	} else {
		rv = sig_run(s, op, false, in, in_len, hashed, sig,
			     sig_len_in);
	}
end:
	p11_op_end(s, kind);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_SignUpdate() - add a part (section 5.11): HMAC collects up to 64 KiB,
 * ECDSA_SHA256/384 hash the parts in the kernel without a limit.
 * @hSession: the session.
 * @pPart: the part.
 * @ulPartLen: its length.
 *
 * Return: CKR_OK, CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED,
 * CKR_HOST_MEMORY, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_SignUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart,
			   CK_ULONG ulPartLen)
{
	return sig_update(hSession, OP_SIGN, pPart, ulPartLen);
}

/**
 * C_SignFinal() - the signature of the parts (section 5.11).
 * @hSession: the session.
 * @pSignature: out, or NULL for the length.
 * @pulSignatureLen: in: room; out: length.
 *
 * Return: as C_Sign().
 */
P11_API CK_RV C_SignFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature,
			  CK_ULONG_PTR pulSignatureLen)
{
	return sig_final(hSession, OP_SIGN, pSignature, pulSignatureLen, 0);
}

/**
 * C_VerifyUpdate() - add a part (section 5.12).
 * @hSession: the session.
 * @pPart: the part.
 * @ulPartLen: its length.
 *
 * Return: as C_SignUpdate().
 */
P11_API CK_RV C_VerifyUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart,
			     CK_ULONG ulPartLen)
{
	return sig_update(hSession, OP_VERIFY, pPart, ulPartLen);
}

/**
 * C_VerifyFinal() - check the signature of the parts (section 5.12).
 * @hSession: the session.
 * @pSignature: the MAC or r || s.
 * @ulSignatureLen: its length.
 *
 * Return: as C_Verify().
 */
P11_API CK_RV C_VerifyFinal(CK_SESSION_HANDLE hSession,
			    CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{
	return sig_final(hSession, OP_VERIFY, pSignature, NULL,
			 ulSignatureLen);
}
