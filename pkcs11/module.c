// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - the module: C_Initialize, C_Finalize, C_GetInfo, the
 * function lists, locking (PKCS#11 v2.40 section 5.4 and 6.7) and fork.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p11.h"

struct p11_state p11;

/* Serialises C_Initialize and C_Finalize (the module's own locks do not
 * exist yet, or are going away). */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

/* The application's mutex functions (C_Initialize, case 3 of section
 * 6.7.5), or NULL: pthread mutexes. */
static CK_CREATEMUTEX app_create;
static CK_DESTROYMUTEX app_destroy;
static CK_LOCKMUTEX app_lock;
static CK_UNLOCKMUTEX app_unlock;

/* The driver files open per slot, for the fork handler. */
static int fds[SKS_MAX_SLOTS];
static bool atfork_done;

bool p11_initialized(void)
{
	return __atomic_load_n(&p11.init, __ATOMIC_ACQUIRE);
}

void p11_fd_track(unsigned int slot, int fd)
{
	if (slot < SKS_MAX_SLOTS)
		__atomic_store_n(&fds[slot], fd, __ATOMIC_RELEASE);
}

/* ---- locks ---- */

CK_RV p11_mutex_new(struct p11_mutex *mx)
{
	pthread_mutex_t *m;

	if (app_create)
		return app_create(&mx->m);
	m = malloc(sizeof(*m));
	if (!m)
		return CKR_HOST_MEMORY;
	pthread_mutex_init(m, NULL);
	mx->m = m;
	return CKR_OK;
}

void p11_mutex_free(struct p11_mutex *mx)
{
	if (!mx->m)
		return;
	if (app_destroy) {
		app_destroy(mx->m);
	} else {
		pthread_mutex_destroy(mx->m);
		free(mx->m);
	}
	mx->m = NULL;
}

void p11_lock(struct p11_mutex *mx)
{
	if (app_lock)
		app_lock(mx->m);
	else
		pthread_mutex_lock(mx->m);
}

void p11_unlock(struct p11_mutex *mx)
{
	if (app_unlock)
		app_unlock(mx->m);
	else
		pthread_mutex_unlock(mx->m);
}

/* ---- fork ---- */

/*
 * In a child, the module is not initialised (PKCS#11 v2.40 section 6.7.7:
 * the child must call C_Initialize): the parent's state is dropped without
 * being touched (another thread may have held its locks at fork), and the
 * child's copies of the driver files are closed, so that the child never
 * acts with the parent's login.
 */
static void atfork_child(void)
{
	unsigned int i;

	for (i = 0; i < SKS_MAX_SLOTS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	memset(&p11, 0, sizeof(p11));
	pthread_mutex_init(&init_lock, NULL);
	app_create = NULL;
	app_destroy = NULL;
	app_lock = NULL;
	app_unlock = NULL;
}

/* ---- general-purpose functions (section 5.4) ---- */

/**
 * C_Initialize() - initialise the module (PKCS#11 v2.40 section 5.4).
 * @pInitArgs: NULL, or a CK_C_INITIALIZE_ARGS: pReserved must be NULL;
 *	the four mutex functions all NULL or all set (else
 *	CKR_ARGUMENTS_BAD). With CKF_OS_LOCKING_OK the module uses pthread
 *	mutexes; with the functions and without it, the application's.
 *	The module never creates threads.
 *
 * Return: CKR_OK, CKR_CRYPTOKI_ALREADY_INITIALIZED, CKR_ARGUMENTS_BAD,
 * CKR_HOST_MEMORY.
 */
P11_API CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
	CK_C_INITIALIZE_ARGS *a = pInitArgs;
	unsigned int i;
	CK_RV rv;

	if (a) {
		int set = !!a->CreateMutex + !!a->DestroyMutex +
			  !!a->LockMutex + !!a->UnlockMutex;

		if (a->pReserved || (set != 0 && set != 4))
			return CKR_ARGUMENTS_BAD;
	}
	pthread_mutex_lock(&init_lock);
	if (p11_initialized()) {
		pthread_mutex_unlock(&init_lock);
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	}
	if (!atfork_done) {
		for (i = 0; i < SKS_MAX_SLOTS; i++)
			fds[i] = -1;
		pthread_atfork(NULL, NULL, atfork_child);
		atfork_done = true;
	}
	app_create = NULL;
	app_destroy = NULL;
	app_lock = NULL;
	app_unlock = NULL;
	if (a && a->CreateMutex && !(a->flags & CKF_OS_LOCKING_OK)) {
		app_create = a->CreateMutex;
		app_destroy = a->DestroyMutex;
		app_lock = a->LockMutex;
		app_unlock = a->UnlockMutex;
	}
	memset(&p11, 0, sizeof(p11));
	rv = p11_mutex_new(&p11.lock);
	if (rv != CKR_OK) {
		pthread_mutex_unlock(&init_lock);
		return rv;
	}
	p11.next_session = 1;
	__atomic_store_n(&p11.init, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&init_lock);
	return CKR_OK;
}

/**
 * C_Finalize() - close every session and release everything (section 5.4).
 * @pReserved: must be NULL (CKR_ARGUMENTS_BAD).
 *
 * Return: CKR_OK, CKR_CRYPTOKI_NOT_INITIALIZED, CKR_ARGUMENTS_BAD.
 */
P11_API CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
	if (pReserved)
		return CKR_ARGUMENTS_BAD;
	pthread_mutex_lock(&init_lock);
	if (!p11_initialized()) {
		pthread_mutex_unlock(&init_lock);
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	__atomic_store_n(&p11.init, false, __ATOMIC_RELEASE);
	p11_sessions_free();
	p11_tokens_free();
	p11_mutex_free(&p11.lock);
	pthread_mutex_unlock(&init_lock);
	return CKR_OK;
}

/**
 * C_GetInfo() - general information about the module (section 5.4).
 * @pInfo: out.
 *
 * Return: CKR_OK, CKR_CRYPTOKI_NOT_INITIALIZED, CKR_ARGUMENTS_BAD.
 */
P11_API CK_RV C_GetInfo(CK_INFO_PTR pInfo)
{
	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pInfo)
		return CKR_ARGUMENTS_BAD;
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->cryptokiVersion.major = CRYPTOKI_VERSION_MAJOR;
	pInfo->cryptokiVersion.minor = CRYPTOKI_VERSION_MINOR;
	p11_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
		P11_MANUFACTURER);
	p11_pad(pInfo->libraryDescription, sizeof(pInfo->libraryDescription),
		P11_LIB_DESCRIPTION);
	pInfo->libraryVersion.major = P11_LIB_MAJOR;
	pInfo->libraryVersion.minor = P11_LIB_MINOR;
	return CKR_OK;
}

/* ---- functions sks does not offer (each says why) ---- */

/* No parallel functions (section 5.16: legacy). */
P11_API CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE hSession)
{
	(void)hSession;
	return p11_initialized() ? CKR_FUNCTION_NOT_PARALLEL :
				   CKR_CRYPTOKI_NOT_INITIALIZED;
}

P11_API CK_RV C_CancelFunction(CK_SESSION_HANDLE hSession)
{
	(void)hSession;
	return p11_initialized() ? CKR_FUNCTION_NOT_PARALLEL :
				   CKR_CRYPTOKI_NOT_INITIALIZED;
}

/* Slots come and go only by root's hand: no slot events. */
P11_API CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot,
				 CK_VOID_PTR pReserved)
{
	(void)flags;
	(void)pSlot;
	(void)pReserved;
	return p11_initialized() ? CKR_FUNCTION_NOT_SUPPORTED :
				   CKR_CRYPTOKI_NOT_INITIALIZED;
}

#define P11_UNSUPPORTED_SESSION_FN(name, params, ...)			\
P11_API CK_RV name params						\
{									\
	struct p11_session *s;						\
	CK_RV rv = p11_session_get(hSession, &s);			\
	__VA_ARGS__;							\
	if (rv != CKR_OK)						\
		return rv;						\
	p11_session_put(s);						\
	return CKR_FUNCTION_NOT_SUPPORTED;				\
}

/* Operation state never leaves the module (it would carry key uses). */
P11_UNSUPPORTED_SESSION_FN(C_GetOperationState,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState,
	 CK_ULONG_PTR pulOperationStateLen),
	(void)pOperationState; (void)pulOperationStateLen)
P11_UNSUPPORTED_SESSION_FN(C_SetOperationState,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState,
	 CK_ULONG ulOperationStateLen, CK_OBJECT_HANDLE hEncryptionKey,
	 CK_OBJECT_HANDLE hAuthenticationKey),
	(void)pOperationState; (void)ulOperationStateLen;
	(void)hEncryptionKey; (void)hAuthenticationKey)
/* No mechanism with message recovery, no dual-function mechanisms. */
P11_UNSUPPORTED_SESSION_FN(C_SignRecoverInit,
	(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
	 CK_OBJECT_HANDLE hKey), (void)pMechanism; (void)hKey)
P11_UNSUPPORTED_SESSION_FN(C_SignRecover,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
	 CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen),
	(void)pData; (void)ulDataLen; (void)pSignature; (void)pulSignatureLen)
P11_UNSUPPORTED_SESSION_FN(C_VerifyRecoverInit,
	(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
	 CK_OBJECT_HANDLE hKey), (void)pMechanism; (void)hKey)
P11_UNSUPPORTED_SESSION_FN(C_VerifyRecover,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature,
	 CK_ULONG ulSignatureLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen),
	(void)pSignature; (void)ulSignatureLen; (void)pData; (void)pulDataLen)
P11_UNSUPPORTED_SESSION_FN(C_DigestEncryptUpdate,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
	 CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
	(void)pPart; (void)ulPartLen; (void)pEncryptedPart;
	(void)pulEncryptedPartLen)
P11_UNSUPPORTED_SESSION_FN(C_DecryptDigestUpdate,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart,
	 CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
	(void)pEncryptedPart; (void)ulEncryptedPartLen; (void)pPart;
	(void)pulPartLen)
P11_UNSUPPORTED_SESSION_FN(C_SignEncryptUpdate,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
	 CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
	(void)pPart; (void)ulPartLen; (void)pEncryptedPart;
	(void)pulEncryptedPartLen)
P11_UNSUPPORTED_SESSION_FN(C_DecryptVerifyUpdate,
	(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart,
	 CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
	(void)pEncryptedPart; (void)ulEncryptedPartLen; (void)pPart;
	(void)pulPartLen)
/*
 * Key wrapping: the driver has no wrap or unwrap of single keys under
 * another key (only SKS blobs under the SMK: CA_SIMExtract), and a key
 * never leaves the kernel in clear, so the module cannot wrap either.
 */
P11_UNSUPPORTED_SESSION_FN(C_WrapKey,
	(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
	 CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey,
	 CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen),
	(void)pMechanism; (void)hWrappingKey; (void)hKey; (void)pWrappedKey;
	(void)pulWrappedKeyLen)
P11_UNSUPPORTED_SESSION_FN(C_UnwrapKey,
	(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
	 CK_OBJECT_HANDLE hUnwrappingKey, CK_BYTE_PTR pWrappedKey,
	 CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
	 CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey),
	(void)pMechanism; (void)hUnwrappingKey; (void)pWrappedKey;
	(void)ulWrappedKeyLen; (void)pTemplate; (void)ulAttributeCount;
	(void)phKey)

/* The kernel's RNG takes no seed from an application. */
P11_API CK_RV C_SeedRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed,
			   CK_ULONG ulSeedLen)
{
	struct p11_session *s;
	CK_RV rv = p11_session_get(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	p11_session_put(s);
	if (!pSeed && ulSeedLen)
		return CKR_ARGUMENTS_BAD;
	return CKR_RANDOM_SEED_NOT_SUPPORTED;
}

/* ---- the function list ---- */

static CK_FUNCTION_LIST function_list = {
	.version = { CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR },
	.C_Initialize = C_Initialize,
	.C_Finalize = C_Finalize,
	.C_GetInfo = C_GetInfo,
	.C_GetFunctionList = C_GetFunctionList,
	.C_GetSlotList = C_GetSlotList,
	.C_GetSlotInfo = C_GetSlotInfo,
	.C_GetTokenInfo = C_GetTokenInfo,
	.C_GetMechanismList = C_GetMechanismList,
	.C_GetMechanismInfo = C_GetMechanismInfo,
	.C_InitToken = C_InitToken,
	.C_InitPIN = C_InitPIN,
	.C_SetPIN = C_SetPIN,
	.C_OpenSession = C_OpenSession,
	.C_CloseSession = C_CloseSession,
	.C_CloseAllSessions = C_CloseAllSessions,
	.C_GetSessionInfo = C_GetSessionInfo,
	.C_GetOperationState = C_GetOperationState,
	.C_SetOperationState = C_SetOperationState,
	.C_Login = C_Login,
	.C_Logout = C_Logout,
	.C_CreateObject = C_CreateObject,
	.C_CopyObject = C_CopyObject,
	.C_DestroyObject = C_DestroyObject,
	.C_GetObjectSize = C_GetObjectSize,
	.C_GetAttributeValue = C_GetAttributeValue,
	.C_SetAttributeValue = C_SetAttributeValue,
	.C_FindObjectsInit = C_FindObjectsInit,
	.C_FindObjects = C_FindObjects,
	.C_FindObjectsFinal = C_FindObjectsFinal,
	.C_EncryptInit = C_EncryptInit,
	.C_Encrypt = C_Encrypt,
	.C_EncryptUpdate = C_EncryptUpdate,
	.C_EncryptFinal = C_EncryptFinal,
	.C_DecryptInit = C_DecryptInit,
	.C_Decrypt = C_Decrypt,
	.C_DecryptUpdate = C_DecryptUpdate,
	.C_DecryptFinal = C_DecryptFinal,
	.C_DigestInit = C_DigestInit,
	.C_Digest = C_Digest,
	.C_DigestUpdate = C_DigestUpdate,
	.C_DigestKey = C_DigestKey,
	.C_DigestFinal = C_DigestFinal,
	.C_SignInit = C_SignInit,
	.C_Sign = C_Sign,
	.C_SignUpdate = C_SignUpdate,
	.C_SignFinal = C_SignFinal,
	.C_SignRecoverInit = C_SignRecoverInit,
	.C_SignRecover = C_SignRecover,
	.C_VerifyInit = C_VerifyInit,
	.C_Verify = C_Verify,
	.C_VerifyUpdate = C_VerifyUpdate,
	.C_VerifyFinal = C_VerifyFinal,
	.C_VerifyRecoverInit = C_VerifyRecoverInit,
	.C_VerifyRecover = C_VerifyRecover,
	.C_DigestEncryptUpdate = C_DigestEncryptUpdate,
	.C_DecryptDigestUpdate = C_DecryptDigestUpdate,
	.C_SignEncryptUpdate = C_SignEncryptUpdate,
	.C_DecryptVerifyUpdate = C_DecryptVerifyUpdate,
	.C_GenerateKey = C_GenerateKey,
	.C_GenerateKeyPair = C_GenerateKeyPair,
	.C_WrapKey = C_WrapKey,
	.C_UnwrapKey = C_UnwrapKey,
	.C_DeriveKey = C_DeriveKey,
	.C_SeedRandom = C_SeedRandom,
	.C_GenerateRandom = C_GenerateRandom,
	.C_GetFunctionStatus = C_GetFunctionStatus,
	.C_CancelFunction = C_CancelFunction,
	.C_WaitForSlotEvent = C_WaitForSlotEvent,
};

/**
 * C_GetFunctionList() - the PKCS#11 v2.40 function list (section 5.4);
 * callable before C_Initialize.
 * @ppFunctionList: out: the module's list (static: never free it).
 *
 * Return: CKR_OK, CKR_ARGUMENTS_BAD.
 */
P11_API CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	if (!ppFunctionList)
		return CKR_ARGUMENTS_BAD;
	*ppFunctionList = &function_list;
	return CKR_OK;
}
