// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - Luna's SKS functions: CA_SIMExtract, CA_SIMInsert,
 * CA_SIMMultiSign (SKS_IOC_EXTRACT, SKS_IOC_INSERT, SKS_IOC_MULTI_SIGN)
 * and CA_GetFunctionList. The M-of-N authorisation of blobs is the
 * kernel's: the module only carries the secrets.
 *
 * Authorisation forms: CKA_SIM_NO_AUTHORIZATION (no secret: any Crypto
 * Officer of a partition holding the SMK may insert the blob) and
 * CKA_SIM_PASSWORD (N secrets of SKS_PIN_MIN..SKS_PIN_MAX bytes, M of
 * them needed). Luna's challenge, secure-port and portable forms need
 * hardware sks does not emulate: CKR_ARGUMENTS_BAD.
 */
#include <stdlib.h>
#include <string.h>

#include "p11.h"

/* The N (or M) secrets as the driver takes them. */
static CK_RV auth_secrets(CK_ULONG count, CKA_SIM_AUTH_FORM form,
			  const CK_ULONG *sizes, CK_BYTE_PTR *list,
			  struct sks_auth_secret **out)
{
	struct sks_auth_secret *a;
	CK_ULONG i;

	*out = NULL;
	if (form == CKA_SIM_NO_AUTHORIZATION)
		return count ? CKR_ARGUMENTS_BAD : CKR_OK;
	if (form != CKA_SIM_PASSWORD)
		return CKR_ARGUMENTS_BAD;
	if (!count || count > SKS_SIM_AUTH_MAX || !sizes || !list)
		return CKR_ARGUMENTS_BAD;
	a = calloc(count, sizeof(*a));
	if (!a)
		return CKR_HOST_MEMORY;
	for (i = 0; i < count; i++) {
		if (!list[i] || sizes[i] > UINT32_MAX) {
			free(a);
			return CKR_ARGUMENTS_BAD;
		}
		a[i].secret = (uintptr_t)list[i];
		a[i].len = sizes[i];
	}
	*out = a;
	return CKR_OK;
}

/* Every object of the partition this application sees, ascending. */
static CK_RV all_objects(struct p11_session *s, uint32_t **hs, size_t *n)
{
	struct sks_find_objects fo;
	CK_RV rv;

	*hs = NULL;
	for (;;) {
		memset(&fo, 0, sizeof(fo));
		rv = p11_ioctl(s->drv->fd, SKS_IOC_FIND_OBJECTS, &fo);
		if (rv != CKR_OK)
			return rv;
		free(*hs);
		*hs = calloc(fo.count + 1, sizeof(**hs));
		if (!*hs)
			return CKR_HOST_MEMORY;
		fo.handles = (uintptr_t)*hs;
		fo.count += 1;
		rv = p11_ioctl(s->drv->fd, SKS_IOC_FIND_OBJECTS, &fo);
		if (rv == CKR_BUFFER_TOO_SMALL)
			continue;
		if (rv != CKR_OK) {
			free(*hs);
			*hs = NULL;
			return rv;
		}
		*n = fo.count;
		return CKR_OK;
	}
}

/**
 * CA_SIMExtract() - wrap objects into one SKS blob under the partition's
 * SMK (Luna's SKS API; SKS_IOC_EXTRACT): a V1 partition, the Crypto
 * Officer logged in.
 * @hSession: the session.
 * @ulHandleCount: objects to extract, or 0 for every object of the
 *	partition the application sees.
 * @pHandleList: their handles (in the order CA_SIMInsert gives them back).
 * @ulAuthSecretCount: N, the secrets that authorise the blob (0..16).
 * @ulAuthSubsetCount: M, how many of them CA_SIMInsert and
 *	CA_SIMMultiSign need (1..N; 0 with N 0).
 * @authForm: CKA_SIM_NO_AUTHORIZATION or CKA_SIM_PASSWORD.
 * @pulAuthSecretSizes: N lengths (8..64 bytes each).
 * @ppbAuthSecretList: N secrets, pairwise different.
 * @deleteAfterExtract: CK_TRUE: destroy the objects once the blob is made.
 * @pulBlobSize: in: room at @pBlob; out: the blob's size.
 * @pBlob: out, or NULL to ask the size (nothing is extracted).
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL (with the size),
 * CKR_DATA_LEN_RANGE (a blob above 64 KiB, or more than 1024 objects),
 * CKR_KEY_UNEXTRACTABLE, CKR_ARGUMENTS_BAD, CKR_PIN_LEN_RANGE, the
 * driver's codes (CKR_USER_NOT_LOGGED_IN, CKR_FUNCTION_NOT_SUPPORTED on a
 * V0 partition, ...), CKR_OBJECT_HANDLE_INVALID,
 * CKR_SESSION_HANDLE_INVALID, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV CA_SIMExtract(CK_SESSION_HANDLE hSession, CK_ULONG ulHandleCount,
			    CK_OBJECT_HANDLE_PTR pHandleList,
			    CK_ULONG ulAuthSecretCount,
			    CK_ULONG ulAuthSubsetCount,
			    CKA_SIM_AUTH_FORM authForm,
			    CK_ULONG_PTR pulAuthSecretSizes,
			    CK_BYTE_PTR *ppbAuthSecretList,
			    CK_BBOOL deleteAfterExtract,
			    CK_ULONG_PTR pulBlobSize, CK_BYTE_PTR pBlob)
{
	struct sks_auth_secret *auth = NULL;
	struct sks_extract ex;
	struct p11_session *s;
	uint32_t *hs = NULL;
	size_t n = ulHandleCount, i;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pulBlobSize || (ulHandleCount && !pHandleList) ||
	    ulAuthSubsetCount > ulAuthSecretCount ||
	    (ulAuthSecretCount && !ulAuthSubsetCount)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = auth_secrets(ulAuthSecretCount, authForm, pulAuthSecretSizes,
			  ppbAuthSecretList, &auth);
	if (rv != CKR_OK)
		goto out;
	if (ulHandleCount) {
		if (ulHandleCount > SKS_MAX_EXTRACT) {
			rv = CKR_DATA_LEN_RANGE;
			goto out;
		}
		hs = calloc(n, sizeof(*hs));
		if (!hs) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (p11_check_handle(pHandleList[i]) != CKR_OK) {
				rv = CKR_OBJECT_HANDLE_INVALID;
				goto out;
			}
			hs[i] = pHandleList[i];
		}
	} else {
		rv = all_objects(s, &hs, &n);
		if (rv != CKR_OK)
			goto out;
		if (!n) {
			rv = CKR_OBJECT_HANDLE_INVALID;	/* nothing to extract */
			goto out;
		}
	}
	memset(&ex, 0, sizeof(ex));
	ex.flags = deleteAfterExtract ? SKS_EXTRACT_DELETE : 0;
	ex.handles = (uintptr_t)hs;
	ex.count = n;
	ex.blob = (uintptr_t)pBlob;
	ex.blob_len = pBlob ? (*pulBlobSize > UINT32_MAX ? UINT32_MAX :
			       *pulBlobSize) : 0;
	ex.auth = (uintptr_t)auth;
	ex.auth_count = ulAuthSecretCount;
	ex.auth_subset = ulAuthSubsetCount;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_EXTRACT, &ex);
	if (rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL)
		*pulBlobSize = ex.blob_len;
	if (rv == CKR_OK && pBlob && deleteAfterExtract)
		for (i = 0; i < n; i++)
			p11_obj_forget(s->tok, hs[i]);
out:
	free(auth);
	free(hs);
	p11_session_put(s);
	return rv;
}

/**
 * CA_SIMInsert() - unwrap an SKS blob into new session objects of this
 * session, all or nothing (Luna's SKS API; SKS_IOC_INSERT): a V1
 * partition, the Crypto Officer logged in.
 * @hSession: the session (the objects go when it closes).
 * @ulAuthSecretCount: M or more of the blob's N secrets (0 for a blob
 *	without).
 * @authForm: CKA_SIM_NO_AUTHORIZATION or CKA_SIM_PASSWORD.
 * @pulAuthSecretSizes: their lengths.
 * @ppbAuthSecretList: the secrets.
 * @ulBlobSize: the blob's length (at most 64 KiB).
 * @pBlob: the blob.
 * @pulHandleCount: in: room at @pHandleList; out: objects in the blob.
 * @pHandleList: out: the new handles, in extract order; NULL to ask the
 *	count (read from the blob's header: nothing is inserted).
 *
 * Too few secrets: CKR_ARGUMENTS_BAD; a wrong one: CKR_PIN_INCORRECT,
 * counted, and after SKS_MAX_SIM_FAILURES in a row CKR_PIN_LOCKED for a
 * while (<linux/sks.h>).
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL (with the count),
 * CKR_PIN_INCORRECT, CKR_PIN_LOCKED, CKR_DATA_INVALID,
 * CKR_ENCRYPTED_DATA_INVALID, CKR_SMK_ID_NOT_FOUND (0x80000099),
 * CKR_DEVICE_MEMORY, CKR_ARGUMENTS_BAD, the driver's other codes,
 * CKR_SESSION_HANDLE_INVALID, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV CA_SIMInsert(CK_SESSION_HANDLE hSession,
			   CK_ULONG ulAuthSecretCount,
			   CKA_SIM_AUTH_FORM authForm,
			   CK_ULONG_PTR pulAuthSecretSizes,
			   CK_BYTE_PTR *ppbAuthSecretList, CK_ULONG ulBlobSize,
			   CK_BYTE_PTR pBlob, CK_ULONG_PTR pulHandleCount,
			   CK_OBJECT_HANDLE_PTR pHandleList)
{
	struct sks_auth_secret *auth = NULL;
	struct sks_insert in;
	struct p11_session *s;
	uint32_t *hs;
	CK_ULONG room, i;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pBlob || !pulHandleCount) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (ulBlobSize > SKS_MAX_BLOB_SIZE) {
		rv = CKR_DATA_LEN_RANGE;
		goto out;
	}
	rv = auth_secrets(ulAuthSecretCount, authForm, pulAuthSecretSizes,
			  ppbAuthSecretList, &auth);
	if (rv != CKR_OK)
		goto out;
	room = pHandleList ? *pulHandleCount : 0;
	if (room > SKS_MAX_EXTRACT)
		room = SKS_MAX_EXTRACT;
	/*
	 * The driver's 32-bit handles go into the first half of the caller's
	 * CK_OBJECT_HANDLE array and are widened in place, last first (the
	 * k-th wide handle never overlaps a narrow one not yet read).
	 */
	hs = (uint32_t *)pHandleList;
	memset(&in, 0, sizeof(in));
	in.blob = (uintptr_t)pBlob;
	in.blob_len = ulBlobSize;
	in.handles = pHandleList ? (uintptr_t)hs : 0;
	in.count = room;
	in.auth = (uintptr_t)auth;
	in.auth_count = ulAuthSecretCount;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_INSERT, &in);
	if (rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL)
		*pulHandleCount = in.count;
	if (rv != CKR_OK || !pHandleList)
		goto out;
	for (i = in.count; i-- > 0;)
		pHandleList[i] = hs[i];
	rv = p11_obj_record_owned(s->tok, pHandleList, in.count, s->handle);
	if (rv != CKR_OK) {	/* all or nothing */
		for (i = 0; i < in.count; i++) {
			struct sks_destroy_object d;

			memset(&d, 0, sizeof(d));
			d.handle = pHandleList[i];
			p11_ioctl(s->drv->fd, SKS_IOC_DESTROY_OBJECT, &d);
			p11_obj_forget(s->tok, pHandleList[i]);
		}
	}
out:
	free(auth);
	p11_session_put(s);
	return rv;
}

static uint32_t multi_sign_mech(CK_MECHANISM_PTR m)
{
	if (!m || m->pParameter || m->ulParameterLen)
		return 0;
	switch (m->mechanism) {
	case CKM_SHA256_HMAC:
		return SKS_CKM_SHA256_HMAC;
	case CKM_SHA384_HMAC:
		return SKS_CKM_SHA384_HMAC;
	case CKM_SHA512_HMAC:
		return SKS_CKM_SHA512_HMAC;
	case CKM_ECDSA:
		return SKS_CKM_ECDSA;
	case CKM_ECDSA_SHA256:
		return SKS_CKM_ECDSA_SHA256;
	case CKM_ECDSA_SHA384:
		return SKS_CKM_ECDSA_SHA384;
	default:
		return 0;
	}
}

/**
 * CA_SIMMultiSign() - sign many inputs with the one key an SKS blob holds,
 * without making it an object (Luna's SKS API; SKS_IOC_MULTI_SIGN): a V1
 * partition, the Crypto Officer logged in.
 * @hSession: the session.
 * @pMechanism: CKM_SHA256/384/512_HMAC or CKM_ECDSA, CKM_ECDSA_SHA256,
 *	CKM_ECDSA_SHA384 (r || s), no parameter.
 * @ulAuthSecretCount: M or more of the blob's N secrets.
 * @authForm: CKA_SIM_NO_AUTHORIZATION or CKA_SIM_PASSWORD.
 * @pulAuthSecretSizes: their lengths.
 * @ppbAuthSecretList: the secrets.
 * @ulBlobSize: the blob's length.
 * @pBlob: the blob (exactly one key).
 * @ulInputDataCount: inputs, 1..1024.
 * @pulInputDataLengths: their lengths (at most 64 KiB each).
 * @ppbInputDataList: the inputs.
 * @pulSignatureLengths: in: room of each signature buffer; out: the
 *	signature's length.
 * @ppbSignatureList: out: the signatures; NULL (the list, or an entry) to
 *	ask the lengths (the blob and secrets are checked all the same).
 *
 * Every buffer is checked before anything is signed: one too small gives
 * CKR_BUFFER_TOO_SMALL with every needed length. A usage-limited key
 * counts one use per input.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL, CKR_MECHANISM_INVALID,
 * CKR_KEY_TYPE_INCONSISTENT, CKR_KEY_FUNCTION_NOT_PERMITTED,
 * CKR_KEY_NOT_ACTIVE, CKR_PIN_INCORRECT, CKR_PIN_LOCKED,
 * CKR_DATA_LEN_RANGE, CKR_ARGUMENTS_BAD, the insert codes of
 * CA_SIMInsert(), CKR_SESSION_HANDLE_INVALID,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV CA_SIMMultiSign(CK_SESSION_HANDLE hSession,
			      CK_MECHANISM_PTR pMechanism,
			      CK_ULONG ulAuthSecretCount,
			      CKA_SIM_AUTH_FORM authForm,
			      CK_ULONG_PTR pulAuthSecretSizes,
			      CK_BYTE_PTR *ppbAuthSecretList,
			      CK_ULONG ulBlobSize, CK_BYTE_PTR pBlob,
			      CK_ULONG ulInputDataCount,
			      CK_ULONG_PTR pulInputDataLengths,
			      CK_BYTE_PTR *ppbInputDataList,
			      CK_ULONG_PTR pulSignatureLengths,
			      CK_BYTE_PTR *ppbSignatureList)
{
	struct sks_auth_secret *auth = NULL;
	struct sks_multi_sign_item *items = NULL;
	struct sks_multi_sign ms;
	struct p11_session *s;
	bool query = !ppbSignatureList;
	uint32_t mech;
	CK_ULONG i;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pMechanism || !pBlob || !ulInputDataCount ||
	    !pulInputDataLengths || !ppbInputDataList ||
	    !pulSignatureLengths) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	mech = multi_sign_mech(pMechanism);
	if (!mech) {
		rv = pMechanism->pParameter || pMechanism->ulParameterLen ?
		     CKR_MECHANISM_PARAM_INVALID : CKR_MECHANISM_INVALID;
		goto out;
	}
	if (ulInputDataCount > SKS_MAX_MULTI_SIGN ||
	    ulBlobSize > SKS_MAX_BLOB_SIZE) {
		rv = CKR_DATA_LEN_RANGE;
		goto out;
	}
	rv = auth_secrets(ulAuthSecretCount, authForm, pulAuthSecretSizes,
			  ppbAuthSecretList, &auth);
	if (rv != CKR_OK)
		goto out;
	items = calloc(ulInputDataCount, sizeof(*items));
	if (!items) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	for (i = 0; i < ulInputDataCount; i++) {
		uint8_t *sig = query ? NULL : ppbSignatureList[i];

		if ((pulInputDataLengths[i] && !ppbInputDataList[i]) ||
		    pulInputDataLengths[i] > SKS_MAX_DATA_SIZE) {
			rv = pulInputDataLengths[i] > SKS_MAX_DATA_SIZE ?
			     CKR_DATA_LEN_RANGE : CKR_ARGUMENTS_BAD;
			goto out;
		}
		if (!sig)
			query = true;
		items[i].data = (uintptr_t)ppbInputDataList[i];
		items[i].data_len = pulInputDataLengths[i];
		items[i].sig = (uintptr_t)sig;
		items[i].sig_len = sig ? (pulSignatureLengths[i] > UINT32_MAX ?
					  UINT32_MAX : pulSignatureLengths[i]) :
			0;
	}
	if (query)	/* lengths only: no buffer at all */
		for (i = 0; i < ulInputDataCount; i++) {
			items[i].sig = 0;
			items[i].sig_len = 0;
		}
	memset(&ms, 0, sizeof(ms));
	ms.mechanism = mech;
	ms.count = ulInputDataCount;
	ms.blob = (uintptr_t)pBlob;
	ms.blob_len = ulBlobSize;
	ms.auth = (uintptr_t)auth;
	ms.auth_count = ulAuthSecretCount;
	ms.items = (uintptr_t)items;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_MULTI_SIGN, &ms);
	if (rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL)
		for (i = 0; i < ulInputDataCount; i++)
			pulSignatureLengths[i] = items[i].sig_len;
	if (query && rv == CKR_BUFFER_TOO_SMALL)
		rv = CKR_OK;	/* section 5.2: a size query */
out:
	free(items);
	free(auth);
	p11_session_put(s);
	return rv;
}

/* Luna's extension list: the entries sks implements; the rest NULL. */
static CK_SFNT_CA_FUNCTION_LIST sfnt_list = {
	.version = { CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR },
	.CA_GetFunctionList = CA_GetFunctionList,
	.CA_SIMExtract = CA_SIMExtract,
	.CA_SIMInsert = CA_SIMInsert,
	.CA_SIMMultiSign = CA_SIMMultiSign,
};

/**
 * CA_GetFunctionList() - Luna's extension function list (callable before
 * C_Initialize), laid out as Luna's CK_SFNT_CA_FUNCTION_LIST (luna.h).
 * @ppSfntFunctionList: out: the static list (never free it).
 *
 * Return: CKR_OK, CKR_ARGUMENTS_BAD.
 */
P11_API CK_RV CA_GetFunctionList(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR
				 ppSfntFunctionList)
{
	if (!ppSfntFunctionList)
		return CKR_ARGUMENTS_BAD;
	*ppSfntFunctionList = &sfnt_list;
	return CKR_OK;
}
