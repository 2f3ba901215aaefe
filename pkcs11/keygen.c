// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - key generation and derivation (PKCS#11 v2.40 section 5.14):
 * C_GenerateKey (CKM_AES_KEY_GEN, CKM_GENERIC_SECRET_KEY_GEN),
 * C_GenerateKeyPair (CKM_EC_KEY_PAIR_GEN) and C_DeriveKey
 * (CKM_ECDH1_DERIVE), all in the kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "attr.h"

/* ---- key generation and derivation (section 5.14) ---- */

static CK_RV check_no_param(const CK_MECHANISM *m)
{
	return m->pParameter || m->ulParameterLen ?
	       CKR_MECHANISM_PARAM_INVALID : CKR_OK;
}

/**
 * C_GenerateKey() - an AES key (CKM_AES_KEY_GEN, CKA_VALUE_LEN 16, 24 or
 * 32) or a generic secret (CKM_GENERIC_SECRET_KEY_GEN, CKA_VALUE_LEN
 * 1..512) made in the kernel (section 5.14).
 * @hSession: the session (token objects: R/W; V1 partitions hold session
 *	objects only).
 * @pMechanism: the mechanism, no parameter.
 * @pTemplate: the key's attributes (CKA_VALUE_LEN required).
 * @ulCount: entries.
 * @phKey: out.
 *
 * Return: CKR_OK, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
 * CKR_TEMPLATE_INCOMPLETE, CKR_TEMPLATE_INCONSISTENT, attribute codes,
 * CKR_SESSION_READ_ONLY, the driver's codes (CKR_USER_NOT_LOGGED_IN,
 * CKR_KEY_SIZE_RANGE, ...), CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GenerateKey(CK_SESSION_HANDLE hSession,
			    CK_MECHANISM_PTR pMechanism,
			    CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
			    CK_OBJECT_HANDLE_PTR phKey)
{
	struct sks_generate_key gk;
	struct p11_session *s;
	struct p11_tmpl t;
	CK_KEY_TYPE kt;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pMechanism || !phKey || (!pTemplate && ulCount)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	switch (pMechanism->mechanism) {
	case CKM_AES_KEY_GEN:
		kt = CKK_AES;
		break;
	case CKM_GENERIC_SECRET_KEY_GEN:
		kt = CKK_GENERIC_SECRET;
		break;
	default:
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	rv = check_no_param(pMechanism);
	if (rv == CKR_OK)
		rv = p11_tmpl_parse(pTemplate, ulCount, &t);
	if (rv != CKR_OK)
		goto out;
	if ((t.has_class && t.cls != CKO_SECRET_KEY) ||
	    (t.has_key_type && t.key_type != kt) || t.has_value ||
	    t.has_ec_params || t.has_ec_point) {
		rv = CKR_TEMPLATE_INCONSISTENT;
		goto out;
	}
	if (!t.has_value_len) {
		rv = CKR_TEMPLATE_INCOMPLETE;
		goto out;
	}
	if (t.value_len_attr > SKS_GENERIC_SECRET_MAX) {
		rv = CKR_KEY_SIZE_RANGE;
		goto out;
	}
	memset(&gk, 0, sizeof(gk));
	rv = p11_tmpl_to_attrs(&t, CKO_SECRET_KEY, kt, &gk.attrs);
	if (rv == CKR_OK)
		rv = p11_check_rw(s, &gk.attrs);
	if (rv != CKR_OK)
		goto out;
	gk.attrs.value_len = t.value_len_attr;
	gk.mechanism = pMechanism->mechanism;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GENERATE_KEY, &gk);
	if (rv == CKR_OK)
		rv = p11_record_new(s, gk.handle, &gk.attrs, &t, true,
				pMechanism->mechanism);
	if (rv == CKR_OK)
		*phKey = gk.handle;
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_GenerateKeyPair() - an EC key pair on P-256 or P-384 made in the kernel
 * (CKM_EC_KEY_PAIR_GEN, section 5.14 and current mechanisms section
 * 2.3.5): CKA_EC_PARAMS (the curve's DER OID) in the public (or private)
 * template; both keys or neither.
 * @hSession: the session.
 * @pMechanism: CKM_EC_KEY_PAIR_GEN, no parameter.
 * @pPublicKeyTemplate: the public key's attributes.
 * @ulPublicKeyAttributeCount: entries.
 * @pPrivateKeyTemplate: the private key's attributes.
 * @ulPrivateKeyAttributeCount: entries.
 * @phPublicKey: out.
 * @phPrivateKey: out.
 *
 * Return: as C_GenerateKey(), and CKR_CURVE_NOT_SUPPORTED.
 */
P11_API CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE hSession,
				CK_MECHANISM_PTR pMechanism,
				CK_ATTRIBUTE_PTR pPublicKeyTemplate,
				CK_ULONG ulPublicKeyAttributeCount,
				CK_ATTRIBUTE_PTR pPrivateKeyTemplate,
				CK_ULONG ulPrivateKeyAttributeCount,
				CK_OBJECT_HANDLE_PTR phPublicKey,
				CK_OBJECT_HANDLE_PTR phPrivateKey)
{
	struct sks_generate_key_pair kp;
	struct sks_obj_attrs pa, va;
	struct p11_session *s;
	struct p11_tmpl pt, vt;
	int curve = 0;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pMechanism || !phPublicKey || !phPrivateKey ||
	    (!pPublicKeyTemplate && ulPublicKeyAttributeCount) ||
	    (!pPrivateKeyTemplate && ulPrivateKeyAttributeCount)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (pMechanism->mechanism != CKM_EC_KEY_PAIR_GEN) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	rv = check_no_param(pMechanism);
	if (rv == CKR_OK)
		rv = p11_tmpl_parse(pPublicKeyTemplate,
				    ulPublicKeyAttributeCount, &pt);
	if (rv == CKR_OK)
		rv = p11_tmpl_parse(pPrivateKeyTemplate,
				    ulPrivateKeyAttributeCount, &vt);
	if (rv != CKR_OK)
		goto out;
	if ((pt.has_class && pt.cls != CKO_PUBLIC_KEY) ||
	    (vt.has_class && vt.cls != CKO_PRIVATE_KEY) ||
	    (pt.has_key_type && pt.key_type != CKK_EC) ||
	    (vt.has_key_type && vt.key_type != CKK_EC) ||
	    pt.has_value || vt.has_value || pt.has_ec_point ||
	    vt.has_ec_point || pt.has_value_len || vt.has_value_len) {
		rv = CKR_TEMPLATE_INCONSISTENT;
		goto out;
	}
	if (pt.has_ec_params)
		curve = p11_curve_from_params(pt.ec_params, pt.ec_params_len);
	if (vt.has_ec_params) {
		int c = p11_curve_from_params(vt.ec_params, vt.ec_params_len);

		if (pt.has_ec_params && c != curve) {
			rv = CKR_TEMPLATE_INCONSISTENT;
			goto out;
		}
		curve = c;
	}
	if (!pt.has_ec_params && !vt.has_ec_params) {
		rv = CKR_TEMPLATE_INCOMPLETE;
		goto out;
	}
	if (!curve) {
		rv = CKR_CURVE_NOT_SUPPORTED;
		goto out;
	}
	rv = p11_tmpl_to_attrs(&pt, CKO_PUBLIC_KEY, CKK_EC, &pa);
	if (rv == CKR_OK)
		rv = p11_tmpl_to_attrs(&vt, CKO_PRIVATE_KEY, CKK_EC, &va);
	if (rv == CKR_OK)
		rv = p11_check_rw(s, &pa);
	if (rv == CKR_OK)
		rv = p11_check_rw(s, &va);
	if (rv != CKR_OK)
		goto out;
	memset(&kp, 0, sizeof(kp));
	kp.mechanism = SKS_CKM_EC_KEY_PAIR_GEN;
	kp.curve = curve;
	kp.pub_attrs = (uintptr_t)&pa;
	kp.priv_attrs = (uintptr_t)&va;
	kp.attrs_size = sizeof(pa);
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GENERATE_KEY_PAIR, &kp);
	if (rv != CKR_OK)
		goto out;
	pa.value_len = 2 * p11_curve_bytes(curve) + 1;
	va.value_len = p11_curve_bytes(curve);
	rv = p11_record_new(s, kp.pub_handle, &pa, &pt, true, CKM_EC_KEY_PAIR_GEN);
	if (rv != CKR_OK) {
		p11_destroy(s, kp.priv_handle);
		goto out;
	}
	rv = p11_record_new(s, kp.priv_handle, &va, &vt, true,
			CKM_EC_KEY_PAIR_GEN);
	if (rv != CKR_OK) {
		p11_destroy(s, kp.pub_handle);
		goto out;
	}
	*phPublicKey = kp.pub_handle;
	*phPrivateKey = kp.priv_handle;
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_DeriveKey() - CKM_ECDH1_DERIVE (current mechanisms section 2.3.9): a
 * new AES or generic secret key from an EC private key and a peer's
 * public point, with CKD_NULL, CKD_SHA256_KDF or CKD_SHA384_KDF.
 * @hSession: the session.
 * @pMechanism: CKM_ECDH1_DERIVE with a CK_ECDH1_DERIVE_PARAMS; the peer's
 *	point raw (0x04 || X || Y) or as a DER OCTET STRING.
 * @hBaseKey: the private key (CKA_DERIVE).
 * @pTemplate: the new key: CKA_KEY_TYPE (default generic secret),
 *	CKA_VALUE_LEN (required for AES; a generic secret defaults to the
 *	size of the shared secret).
 * @ulAttributeCount: entries.
 * @phKey: out.
 *
 * Return: CKR_OK, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
 * template codes, CKR_KEY_HANDLE_INVALID, the driver's codes
 * (CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_DOMAIN_PARAMS_INVALID, ...),
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_DeriveKey(CK_SESSION_HANDLE hSession,
			  CK_MECHANISM_PTR pMechanism,
			  CK_OBJECT_HANDLE hBaseKey,
			  CK_ATTRIBUTE_PTR pTemplate,
			  CK_ULONG ulAttributeCount,
			  CK_OBJECT_HANDLE_PTR phKey)
{
	const CK_ECDH1_DERIVE_PARAMS *p;
	struct sks_derive_key dk;
	struct sks_obj_attrs base;
	struct p11_session *s;
	struct p11_tmpl t;
	const uint8_t *pt;
	size_t pt_len;
	CK_KEY_TYPE kt;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pMechanism || !phKey || (!pTemplate && ulAttributeCount)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (pMechanism->mechanism != CKM_ECDH1_DERIVE) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	p = pMechanism->pParameter;
	if (!p || pMechanism->ulParameterLen != sizeof(*p) ||
	    (p->kdf != CKD_NULL && p->kdf != CKD_SHA256_KDF &&
	     p->kdf != CKD_SHA384_KDF) ||
	    !p->pPublicData ||
	    (p->ulSharedDataLen && !p->pSharedData) ||
	    (p->kdf == CKD_NULL && p->ulSharedDataLen) ||
	    p->ulSharedDataLen > SKS_MAX_DATA_SIZE ||
	    p11_ec_point_unwrap(p->pPublicData, p->ulPublicDataLen, &pt,
				&pt_len) != CKR_OK) {
		rv = CKR_MECHANISM_PARAM_INVALID;
		goto out;
	}
	rv = p11_check_handle(hBaseKey);
	if (rv == CKR_OK)
		rv = p11_obj_attrs(s, hBaseKey, &base);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		goto out;
	if (base.obj_class != CKO_PRIVATE_KEY || base.key_type != CKK_EC) {
		rv = CKR_KEY_TYPE_INCONSISTENT;
		goto out;
	}
	rv = p11_tmpl_parse(pTemplate, ulAttributeCount, &t);
	if (rv != CKR_OK)
		goto out;
	kt = t.has_key_type ? t.key_type : CKK_GENERIC_SECRET;
	if ((t.has_class && t.cls != CKO_SECRET_KEY) || t.has_value ||
	    t.has_ec_params || t.has_ec_point ||
	    (kt != CKK_AES && kt != CKK_GENERIC_SECRET)) {
		rv = CKR_TEMPLATE_INCONSISTENT;
		goto out;
	}
	memset(&dk, 0, sizeof(dk));
	rv = p11_tmpl_to_attrs(&t, CKO_SECRET_KEY, kt, &dk.attrs);
	if (rv == CKR_OK)
		rv = p11_check_rw(s, &dk.attrs);
	if (rv != CKR_OK)
		goto out;
	if (t.has_value_len)
		dk.attrs.value_len = t.value_len_attr;
	else if (kt == CKK_GENERIC_SECRET && p->kdf == CKD_NULL)
		dk.attrs.value_len = base.value_len;	/* the size of Z */
	else {
		rv = CKR_TEMPLATE_INCOMPLETE;
		goto out;
	}
	dk.mechanism = SKS_CKM_ECDH1_DERIVE;
	dk.base = hBaseKey;
	dk.kdf = p->kdf;
	dk.public_data = (uintptr_t)pt;
	dk.public_len = pt_len;
	dk.shared_data = (uintptr_t)p->pSharedData;
	dk.shared_len = p->ulSharedDataLen;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_DERIVE_KEY, &dk);
	if (rv == CKR_OK)
		rv = p11_record_new(s, dk.handle, &dk.attrs, &t, false, 0);
	if (rv == CKR_OK)
		*phKey = dk.handle;
out:
	p11_session_put(s);
	return rv;
}
