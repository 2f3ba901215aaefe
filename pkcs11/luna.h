/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sks-pkcs11 - Luna's vendor definitions for SKS (Scalable Key Storage):
 * the CKA_SIM_* authorisation forms, the CA_SIMExtract, CA_SIMInsert and
 * CA_SIMMultiSign prototypes and Luna's extension function list.
 *
 * Sources (public): Thales Luna's cryptoki_v2.h / sfnt_extensions.h as
 * published with the Luna SDK samples, and Thales' pycryptoki
 * (pycryptoki/cryptoki/ck_defs.py for CKA_SIM_*, pycryptoki/cryptoki/
 * _ck_func_list.py for the order of CK_SFNT_CA_FUNCTION_LIST). CK_ULONG is
 * unsigned long: 64 bits on LP64 Linux, as in Luna's 64-bit libraries.
 *
 * Everything PKCS#11 itself defines comes from p11-kit's <p11-kit/pkcs11.h>.
 */
#ifndef SKS_PKCS11_LUNA_H
#define SKS_PKCS11_LUNA_H

#include <p11-kit/pkcs11.h>

/*
 * p11-kit's header maps its GNU-style member names onto the standard ones
 * with macros (#define value_len ulValueLen, ...) and leaves them defined;
 * a few are field names of <linux/sks.h>. The standard names are in the
 * structs already: drop the macros that would rename the driver's fields.
 */
#undef aad_len
#undef count
#undef parameter
#undef public_data
#undef reserved
#undef shared_data
#undef value
#undef value_len

/* CKA_SIM_AUTH_FORM: how the blob of CA_SIMExtract is authorised. */
typedef CK_ULONG CKA_SIM_AUTH_FORM;

#define CKA_SIM_NO_AUTHORIZATION		0
#define CKA_SIM_PASSWORD			1
#define CKA_SIM_CHALLENGE			2
#define CKA_SIM_SECURE_PORT			3
#define CKA_SIM_PORTABLE_NO_AUTHORIZATION	4
#define CKA_SIM_PORTABLE_PASSWORD		5
#define CKA_SIM_PORTABLE_CHALLENGE		6
#define CKA_SIM_PORTABLE_SECURE_PORT		7

/* Luna's user type of the Crypto User (lunacm "role login -name cu"). */
#define CKU_CRYPTO_USER				0x80000001UL

typedef struct CK_SFNT_CA_FUNCTION_LIST CK_SFNT_CA_FUNCTION_LIST;
typedef CK_SFNT_CA_FUNCTION_LIST *CK_SFNT_CA_FUNCTION_LIST_PTR;
typedef CK_SFNT_CA_FUNCTION_LIST_PTR *CK_SFNT_CA_FUNCTION_LIST_PTR_PTR;

/*
 * Luna's prototypes, with Luna's parameter names (pycryptoki's func_defs.py
 * gives the same types in the same order).
 */
CK_RV CA_GetFunctionList(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR ppSfntFunctionList);

CK_RV CA_SIMExtract(CK_SESSION_HANDLE hSession, CK_ULONG ulHandleCount,
		    CK_OBJECT_HANDLE_PTR pHandleList,
		    CK_ULONG ulAuthSecretCount, CK_ULONG ulAuthSubsetCount,
		    CKA_SIM_AUTH_FORM authForm,
		    CK_ULONG_PTR pulAuthSecretSizes,
		    CK_BYTE_PTR *ppbAuthSecretList,
		    CK_BBOOL deleteAfterExtract, CK_ULONG_PTR pulBlobSize,
		    CK_BYTE_PTR pBlob);

CK_RV CA_SIMInsert(CK_SESSION_HANDLE hSession, CK_ULONG ulAuthSecretCount,
		   CKA_SIM_AUTH_FORM authForm, CK_ULONG_PTR pulAuthSecretSizes,
		   CK_BYTE_PTR *ppbAuthSecretList, CK_ULONG ulBlobSize,
		   CK_BYTE_PTR pBlob, CK_ULONG_PTR pulHandleCount,
		   CK_OBJECT_HANDLE_PTR pHandleList);

CK_RV CA_SIMMultiSign(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
		      CK_ULONG ulAuthSecretCount, CKA_SIM_AUTH_FORM authForm,
		      CK_ULONG_PTR pulAuthSecretSizes,
		      CK_BYTE_PTR *ppbAuthSecretList, CK_ULONG ulBlobSize,
		      CK_BYTE_PTR pBlob, CK_ULONG ulInputDataCount,
		      CK_ULONG_PTR pulInputDataLengths,
		      CK_BYTE_PTR *ppbInputDataList,
		      CK_ULONG_PTR pulSignatureLengths,
		      CK_BYTE_PTR *ppbSignatureList);

typedef CK_RV (*CK_CA_GetFunctionList)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR);
typedef CK_RV (*CK_CA_SIMExtract)(CK_SESSION_HANDLE, CK_ULONG,
				  CK_OBJECT_HANDLE_PTR, CK_ULONG, CK_ULONG,
				  CKA_SIM_AUTH_FORM, CK_ULONG_PTR,
				  CK_BYTE_PTR *, CK_BBOOL, CK_ULONG_PTR,
				  CK_BYTE_PTR);
typedef CK_RV (*CK_CA_SIMInsert)(CK_SESSION_HANDLE, CK_ULONG,
				 CKA_SIM_AUTH_FORM, CK_ULONG_PTR,
				 CK_BYTE_PTR *, CK_ULONG, CK_BYTE_PTR,
				 CK_ULONG_PTR, CK_OBJECT_HANDLE_PTR);
typedef CK_RV (*CK_CA_SIMMultiSign)(CK_SESSION_HANDLE, CK_MECHANISM_PTR,
				    CK_ULONG, CKA_SIM_AUTH_FORM, CK_ULONG_PTR,
				    CK_BYTE_PTR *, CK_ULONG, CK_BYTE_PTR,
				    CK_ULONG, CK_ULONG_PTR, CK_BYTE_PTR *,
				    CK_ULONG_PTR, CK_BYTE_PTR *);
/*
 * The entries of the list that sks does not implement are NULL. Their
 * type only keeps the layout (one function pointer each).
 */
typedef CK_RV (*CK_CA_UNIMPLEMENTED)(void);

/*
 * Luna's extension function list, in pycryptoki's order up to
 * CA_SIMMultiSign (entry 147 after the version). Luna's list goes on
 * after it; those entries are all NULL here (@reserved).
 */
struct CK_SFNT_CA_FUNCTION_LIST {
	CK_VERSION version;
	CK_CA_GetFunctionList CA_GetFunctionList;
	CK_CA_UNIMPLEMENTED CA_WaitForSlotEvent;
	CK_CA_UNIMPLEMENTED CA_InitIndirectToken;
	CK_CA_UNIMPLEMENTED CA_InitIndirectPIN;
	CK_CA_UNIMPLEMENTED CA_ResetPIN;
	CK_CA_UNIMPLEMENTED CA_InitRolePIN;
	CK_CA_UNIMPLEMENTED CA_InitSlotRolePIN;
	CK_CA_UNIMPLEMENTED CA_RoleStateGet;
	CK_CA_UNIMPLEMENTED CA_CreateLoginChallenge;
	CK_CA_UNIMPLEMENTED CA_CreateContainerLoginChallenge;
	CK_CA_UNIMPLEMENTED CA_Deactivate;
	CK_CA_UNIMPLEMENTED CA_FindAdminSlotForSlot;
	CK_CA_UNIMPLEMENTED CA_TokenInsert;
	CK_CA_UNIMPLEMENTED CA_TokenInsertNoAuth;
	CK_CA_UNIMPLEMENTED CA_TokenZeroize;
	CK_CA_UNIMPLEMENTED CA_TokenDelete;
	CK_CA_UNIMPLEMENTED CA_OpenSession;
	CK_CA_UNIMPLEMENTED CA_OpenSessionWithAppID;
	CK_CA_UNIMPLEMENTED CA_IndirectLogin;
	CK_CA_UNIMPLEMENTED CA_InitializeRemotePEDVector;
	CK_CA_UNIMPLEMENTED CA_DeleteRemotePEDVector;
	CK_CA_UNIMPLEMENTED CA_GetRemotePEDVectorStatus;
	CK_CA_UNIMPLEMENTED CA_ConfigureRemotePED;
	CK_CA_UNIMPLEMENTED CA_DismantleRemotePED;
	CK_CA_UNIMPLEMENTED CA_Restart;
	CK_CA_UNIMPLEMENTED CA_RestartForContainer;
	CK_CA_UNIMPLEMENTED CA_CloseApplicationID;
	CK_CA_UNIMPLEMENTED CA_CloseApplicationIDForContainer;
	CK_CA_UNIMPLEMENTED CA_OpenApplicationID;
	CK_CA_UNIMPLEMENTED CA_OpenApplicationIDForContainer;
	CK_CA_UNIMPLEMENTED CA_SetApplicationID;
	CK_CA_UNIMPLEMENTED CA_ReadUtilizationMetrics;
	CK_CA_UNIMPLEMENTED CA_DescribeUtilizationBinId;
	CK_CA_UNIMPLEMENTED CA_ReadAndResetUtilizationMetrics;
	CK_CA_UNIMPLEMENTED CA_ReadAllUtilizationCounters;
	CK_CA_UNIMPLEMENTED CA_SetAuthorizationData;
	CK_CA_UNIMPLEMENTED CA_AuthorizeKey;
	CK_CA_UNIMPLEMENTED CA_ManualKCV;
	CK_CA_UNIMPLEMENTED CA_SetLKCV;
	CK_CA_UNIMPLEMENTED CA_SetKCV;
	CK_CA_UNIMPLEMENTED CA_SetRDK;
	CK_CA_UNIMPLEMENTED CA_SetCloningDomain;
	CK_CA_UNIMPLEMENTED CA_ClonePrivateKey;
	CK_CA_UNIMPLEMENTED CA_CloneObject;
	CK_CA_UNIMPLEMENTED CA_GenerateCloningKEV;
	CK_CA_UNIMPLEMENTED CA_CloneAsTargetInit;
	CK_CA_UNIMPLEMENTED CA_CloneAsSource;
	CK_CA_UNIMPLEMENTED CA_CloneAsTarget;
	CK_CA_UNIMPLEMENTED CA_SetMofN;
	CK_CA_UNIMPLEMENTED CA_GenerateMofN;
	CK_CA_UNIMPLEMENTED CA_GenerateCloneableMofN;
	CK_CA_UNIMPLEMENTED CA_ModifyMofN;
	CK_CA_UNIMPLEMENTED CA_CloneMofN;
	CK_CA_UNIMPLEMENTED CA_CloneModifyMofN;
	CK_CA_UNIMPLEMENTED CA_ActivateMofN;
	CK_CA_UNIMPLEMENTED CA_DeactivateMofN;
	CK_CA_UNIMPLEMENTED CA_GetMofNStatus;
	CK_CA_UNIMPLEMENTED CA_DuplicateMofN;
	CK_CA_UNIMPLEMENTED CA_IsMofNEnabled;
	CK_CA_UNIMPLEMENTED CA_IsMofNRequired;
	CK_CA_UNIMPLEMENTED CA_GenerateTokenKeys;
	CK_CA_UNIMPLEMENTED CA_GetTokenCertificateInfo;
	CK_CA_UNIMPLEMENTED CA_SetTokenCertificateSignature;
	CK_CA_UNIMPLEMENTED CA_GetModuleList;
	CK_CA_UNIMPLEMENTED CA_GetModuleInfo;
	CK_CA_UNIMPLEMENTED CA_LoadModule;
	CK_CA_UNIMPLEMENTED CA_LoadEncryptedModule;
	CK_CA_UNIMPLEMENTED CA_UnloadModule;
	CK_CA_UNIMPLEMENTED CA_PerformModuleCall;
	CK_CA_UNIMPLEMENTED CA_FirmwareUpdate;
	CK_CA_UNIMPLEMENTED CA_FirmwareRollback;
	CK_CA_UNIMPLEMENTED CA_CapabilityUpdate;
	CK_CA_UNIMPLEMENTED CA_GetUserContainerNumber;
	CK_CA_UNIMPLEMENTED CA_GetUserContainerName;
	CK_CA_UNIMPLEMENTED CA_SetUserContainerName;
	CK_CA_UNIMPLEMENTED CA_GetTokenInsertionCount;
	CK_CA_UNIMPLEMENTED CA_GetRollbackFirmwareVersion;
	CK_CA_UNIMPLEMENTED CA_GetFPV;
	CK_CA_UNIMPLEMENTED CA_GetTPV;
	CK_CA_UNIMPLEMENTED CA_GetExtendedTPV;
	CK_CA_UNIMPLEMENTED CA_GetConfigurationElementDescription;
	CK_CA_UNIMPLEMENTED CA_GetHSMCapabilitySet;
	CK_CA_UNIMPLEMENTED CA_GetHSMCapabilitySetting;
	CK_CA_UNIMPLEMENTED CA_GetHSMPolicySet;
	CK_CA_UNIMPLEMENTED CA_GetHSMPolicySetting;
	CK_CA_UNIMPLEMENTED CA_GetContainerCapabilitySet;
	CK_CA_UNIMPLEMENTED CA_GetContainerCapabilitySetting;
	CK_CA_UNIMPLEMENTED CA_GetContainerPolicySet;
	CK_CA_UNIMPLEMENTED CA_GetContainerPolicySetting;
	CK_CA_UNIMPLEMENTED CA_SetTPV;
	CK_CA_UNIMPLEMENTED CA_SetExtendedTPV;
	CK_CA_UNIMPLEMENTED CA_SetHSMPolicy;
	CK_CA_UNIMPLEMENTED CA_SetHSMPolicies;
	CK_CA_UNIMPLEMENTED CA_SetDestructiveHSMPolicy;
	CK_CA_UNIMPLEMENTED CA_SetDestructiveHSMPolicies;
	CK_CA_UNIMPLEMENTED CA_SetContainerPolicy;
	CK_CA_UNIMPLEMENTED CA_SetContainerPolicies;
	CK_CA_UNIMPLEMENTED CA_GetTokenCapabilities;
	CK_CA_UNIMPLEMENTED CA_SetTokenPolicies;
	CK_CA_UNIMPLEMENTED CA_GetTokenPolicies;
	CK_CA_UNIMPLEMENTED CA_RetrieveLicenseList;
	CK_CA_UNIMPLEMENTED CA_QueryLicense;
	CK_CA_UNIMPLEMENTED CA_GetContainerStatus;
	CK_CA_UNIMPLEMENTED CA_GetTokenStatus;
	CK_CA_UNIMPLEMENTED CA_GetSessionInfo;
	CK_CA_UNIMPLEMENTED CA_GetCVFirmwareVersion;
	CK_CA_UNIMPLEMENTED CA_ReadCommonStore;
	CK_CA_UNIMPLEMENTED CA_WriteCommonStore;
	CK_CA_UNIMPLEMENTED CA_GetPrimarySlot;
	CK_CA_UNIMPLEMENTED CA_GetSecondarySlot;
	CK_CA_UNIMPLEMENTED CA_SwitchSecondarySlot;
	CK_CA_UNIMPLEMENTED CA_CloseSecondarySession;
	CK_CA_UNIMPLEMENTED CA_CloseAllSecondarySessions;
	CK_CA_UNIMPLEMENTED CA_ChoosePrimarySlot;
	CK_CA_UNIMPLEMENTED CA_ChooseSecondarySlot;
	CK_CA_UNIMPLEMENTED CA_CloneObjectToAllSessions;
	CK_CA_UNIMPLEMENTED CA_CloneAllObjectsToSession;
	CK_CA_UNIMPLEMENTED CA_ResetDevice;
	CK_CA_UNIMPLEMENTED CA_Zeroize;
	CK_CA_UNIMPLEMENTED CA_FactoryReset;
	CK_CA_UNIMPLEMENTED CA_SetPedId;
	CK_CA_UNIMPLEMENTED CA_GetPedId;
	CK_CA_UNIMPLEMENTED CA_SpRawRead;
	CK_CA_UNIMPLEMENTED CA_SpRawWrite;
	CK_CA_UNIMPLEMENTED CA_CheckOperationState;
	CK_CA_UNIMPLEMENTED CA_DestroyMultipleObjects;
	CK_CA_UNIMPLEMENTED CA_OpenSecureToken;
	CK_CA_UNIMPLEMENTED CA_CloseSecureToken;
	CK_CA_UNIMPLEMENTED CA_ListSecureTokenInit;
	CK_CA_UNIMPLEMENTED CA_ListSecureTokenUpdate;
	CK_CA_UNIMPLEMENTED CA_GetSecureElementMeta;
	CK_CA_UNIMPLEMENTED CA_HAInit;
	CK_CA_UNIMPLEMENTED CA_HAInitExtended;
	CK_CA_UNIMPLEMENTED CA_HAGetMasterPublic;
	CK_CA_UNIMPLEMENTED CA_HAGetLoginChallenge;
	CK_CA_UNIMPLEMENTED CA_HAAnswerLoginChallenge;
	CK_CA_UNIMPLEMENTED CA_HALogin;
	CK_CA_UNIMPLEMENTED CA_HAAnswerMofNChallenge;
	CK_CA_UNIMPLEMENTED CA_HAActivateMofN;
	CK_CA_UNIMPLEMENTED CA_GetHAState;
	CK_CA_UNIMPLEMENTED CA_GetTokenCertificates;
	CK_CA_UNIMPLEMENTED CA_ExtractMaskedObject;
	CK_CA_UNIMPLEMENTED CA_InsertMaskedObject;
	CK_CA_UNIMPLEMENTED CA_MultisignValue;
	CK_CA_SIMExtract CA_SIMExtract;
	CK_CA_SIMInsert CA_SIMInsert;
	CK_CA_SIMMultiSign CA_SIMMultiSign;
	CK_CA_UNIMPLEMENTED reserved[96];
};

#endif /* SKS_PKCS11_LUNA_H */
