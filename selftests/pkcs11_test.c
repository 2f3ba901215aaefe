// SPDX-License-Identifier: GPL-2.0
/*
 * libsks-pkcs11.so against the driver, through its function list as an
 * application uses it (PKCS#11 v2.40): the module, slots and tokens,
 * logins and lockouts, sessions, objects and attributes, AES-GCM, HMAC,
 * ECDSA, ECDH, digests, random numbers, size queries, fork and threads.
 */
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

FIXTURE(p11) {
	struct st_p11 t;
	CK_SESSION_HANDLE h;
};

FIXTURE_VARIANT(p11) {
	uint32_t type;
};

FIXTURE_VARIANT_ADD(p11, v1) { .type = SKS_SLOT_V1 };
FIXTURE_VARIANT_ADD(p11, v0) { .type = SKS_SLOT_V0 };

FIXTURE_SETUP(p11)
{
	ASSERT_EQ(0, st_p11_load(&self->t));
	ASSERT_EQ(0, st_p11_token(&self->t, variant->type, "p11 test"));
	ASSERT_EQ(CKR_OK, st_p11_user(&self->t, &self->h));
}

FIXTURE_TEARDOWN(p11)
{
	st_p11_done(&self->t);
}

#define F (self->t.f)

/* ---- the module ---- */

TEST(module_initialize_finalize_and_arguments)
{
	CK_C_INITIALIZE_ARGS args;
	struct st_p11 t;
	CK_INFO info;

	ASSERT_EQ(0, st_p11_load(&t));
	EXPECT_EQ(CKR_CRYPTOKI_NOT_INITIALIZED, t.f->C_GetInfo(&info));
	EXPECT_EQ(CKR_CRYPTOKI_NOT_INITIALIZED, t.f->C_Finalize(NULL));
	memset(&args, 0, sizeof(args));
	args.pReserved = &args;
	EXPECT_EQ(CKR_ARGUMENTS_BAD, t.f->C_Initialize(&args));
	memset(&args, 0, sizeof(args));
	args.CreateMutex = (CK_CREATEMUTEX)1;	/* one of four: refused */
	EXPECT_EQ(CKR_ARGUMENTS_BAD, t.f->C_Initialize(&args));
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	ASSERT_EQ(CKR_OK, t.f->C_Initialize(&args));
	EXPECT_EQ(CKR_CRYPTOKI_ALREADY_INITIALIZED, t.f->C_Initialize(NULL));
	ASSERT_EQ(CKR_OK, t.f->C_GetInfo(&info));
	EXPECT_EQ(2, info.cryptokiVersion.major);
	EXPECT_EQ(40, info.cryptokiVersion.minor);
	EXPECT_EQ(0, memcmp(info.manufacturerID, "sks ", 4));
	EXPECT_EQ(CKR_ARGUMENTS_BAD, t.f->C_Finalize(&info));
	EXPECT_EQ(CKR_OK, t.f->C_Finalize(NULL));
	EXPECT_EQ(CKR_CRYPTOKI_NOT_INITIALIZED, t.f->C_Finalize(NULL));
	dlclose(t.dl);
}

TEST(luna_function_list_has_luna_layout)
{
	struct st_p11 t;
	void *x, *i, *m;

	ASSERT_EQ(0, st_p11_load(&t));
	x = dlsym(t.dl, "CA_SIMExtract");
	i = dlsym(t.dl, "CA_SIMInsert");
	m = dlsym(t.dl, "CA_SIMMultiSign");
	ASSERT_NE(NULL, x);
	/* version, then 147 function pointers up to CA_SIMMultiSign */
	EXPECT_EQ(8 + 144 * sizeof(void *),
		  offsetof(CK_SFNT_CA_FUNCTION_LIST, CA_SIMExtract));
	EXPECT_EQ((void *)t.ca->CA_SIMExtract, x);
	EXPECT_EQ((void *)t.ca->CA_SIMInsert, i);
	EXPECT_EQ((void *)t.ca->CA_SIMMultiSign, m);
	EXPECT_EQ((void *)t.ca->CA_GetFunctionList,
		  dlsym(t.dl, "CA_GetFunctionList"));
	EXPECT_EQ(NULL, (void *)t.ca->CA_MultisignValue);
	dlclose(t.dl);
}

/* ---- slots and tokens ---- */

TEST_F(p11, slot_list_size_query_and_backup_hsms_left_out)
{
	CK_SLOT_ID ids[SKS_MAX_SLOTS];
	CK_ULONG n = 0, m, i;
	int backup = st_slot_new(self->t.ctl, SKS_SLOT_BACKUP, 0);
	bool found = false;

	ASSERT_LE(0, backup);
	ASSERT_EQ(CKR_OK, F->C_GetSlotList(CK_TRUE, NULL, &n));
	ASSERT_LE(1, n);
	m = 0;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL, F->C_GetSlotList(CK_TRUE, ids, &m));
	EXPECT_EQ(n, m);
	m = SKS_MAX_SLOTS;
	ASSERT_EQ(CKR_OK, F->C_GetSlotList(CK_FALSE, ids, &m));
	EXPECT_EQ(n, m);
	for (i = 0; i < m; i++) {
		EXPECT_NE((CK_SLOT_ID)backup, ids[i]);
		found |= ids[i] == (CK_SLOT_ID)self->t.slot;
	}
	EXPECT_TRUE(found);
	EXPECT_EQ(CKR_SLOT_ID_INVALID, F->C_OpenSession(backup,
						CKF_SERIAL_SESSION, NULL, NULL,
						&self->h));
	st_slot_del(self->t.ctl, backup);
}

TEST_F(p11, token_info_shows_the_partition_state)
{
	CK_TOKEN_INFO ti;
	CK_SLOT_INFO si;

	ASSERT_EQ(CKR_OK, F->C_GetSlotInfo(self->t.slot, &si));
	EXPECT_TRUE(si.flags & CKF_TOKEN_PRESENT);
	ASSERT_EQ(CKR_OK, F->C_GetTokenInfo(self->t.slot, &ti));
	EXPECT_EQ(0, memcmp(ti.label, "p11 test   ", 11));
	EXPECT_TRUE(ti.flags & CKF_TOKEN_INITIALIZED);
	EXPECT_TRUE(ti.flags & CKF_USER_PIN_INITIALIZED);
	EXPECT_TRUE(ti.flags & CKF_LOGIN_REQUIRED);
	EXPECT_TRUE(ti.flags & CKF_RNG);
	EXPECT_FALSE(ti.flags & CKF_USER_PIN_LOCKED);
	EXPECT_EQ(SKS_PIN_MIN, ti.ulMinPinLen);
	EXPECT_EQ(SKS_PIN_MAX, ti.ulMaxPinLen);
	EXPECT_EQ(1, ti.ulSessionCount);
	EXPECT_EQ(1, ti.ulRwSessionCount);
	EXPECT_LT(0, ti.ulTotalPublicMemory);
	EXPECT_LE(ti.ulFreePublicMemory, ti.ulTotalPublicMemory);
	EXPECT_EQ(CKR_SLOT_ID_INVALID, F->C_GetTokenInfo(4242, &ti));
}

TEST_F(p11, mechanism_list_and_info)
{
	CK_MECHANISM_TYPE list[64];
	CK_MECHANISM_INFO mi;
	CK_ULONG n = 0, m = 1;

	ASSERT_EQ(CKR_OK, F->C_GetMechanismList(self->t.slot, NULL, &n));
	ASSERT_LE(17, n);
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL,
		  F->C_GetMechanismList(self->t.slot, list, &m));
	EXPECT_EQ(n, m);
	m = 64;
	ASSERT_EQ(CKR_OK, F->C_GetMechanismList(self->t.slot, list, &m));
	ASSERT_EQ(CKR_OK, F->C_GetMechanismInfo(self->t.slot, CKM_AES_GCM, &mi));
	EXPECT_EQ(16, mi.ulMinKeySize);
	EXPECT_EQ(32, mi.ulMaxKeySize);
	EXPECT_EQ(CKF_ENCRYPT | CKF_DECRYPT, mi.flags);
	ASSERT_EQ(CKR_OK, F->C_GetMechanismInfo(self->t.slot,
						CKM_EC_KEY_PAIR_GEN, &mi));
	EXPECT_TRUE(mi.flags & CKF_GENERATE_KEY_PAIR);
	EXPECT_EQ(CKR_MECHANISM_INVALID,
		  F->C_GetMechanismInfo(self->t.slot, CKM_RSA_PKCS, &mi));
}

/* ---- logins ---- */

TEST_F(p11, login_states_and_codes)
{
	CK_SESSION_HANDLE ro;
	CK_SESSION_INFO si;
	CK_TOKEN_INFO ti;
	int i;

	ASSERT_EQ(CKR_OK, F->C_GetSessionInfo(self->h, &si));
	EXPECT_EQ(CKS_RW_USER_FUNCTIONS, si.state);
	EXPECT_EQ((CK_SLOT_ID)self->t.slot, si.slotID);
	EXPECT_EQ(CKR_USER_ALREADY_LOGGED_IN,
		  F->C_Login(self->h, CKU_USER, (CK_UTF8CHAR_PTR)ST_CO_PIN,
			     strlen(ST_CO_PIN)));
	EXPECT_EQ(CKR_USER_ANOTHER_ALREADY_LOGGED_IN,
		  F->C_Login(self->h, CKU_SO, (CK_UTF8CHAR_PTR)ST_SO_PIN,
			     strlen(ST_SO_PIN)));
	/* a second session shares the login */
	ASSERT_EQ(CKR_OK, F->C_OpenSession(self->t.slot, CKF_SERIAL_SESSION,
					   NULL, NULL, &ro));
	ASSERT_EQ(CKR_OK, F->C_GetSessionInfo(ro, &si));
	EXPECT_EQ(CKS_RO_USER_FUNCTIONS, si.state);
	ASSERT_EQ(CKR_OK, F->C_Logout(self->h));
	EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, F->C_Logout(self->h));
	ASSERT_EQ(CKR_OK, F->C_GetSessionInfo(ro, &si));
	EXPECT_EQ(CKS_RO_PUBLIC_SESSION, si.state);
	EXPECT_EQ(CKR_SESSION_READ_ONLY_EXISTS,
		  F->C_Login(self->h, CKU_SO, (CK_UTF8CHAR_PTR)ST_SO_PIN,
			     strlen(ST_SO_PIN)));
	EXPECT_EQ(CKR_USER_TYPE_INVALID,
		  F->C_Login(self->h, 7, (CK_UTF8CHAR_PTR)ST_SO_PIN,
			     strlen(ST_SO_PIN)));
	EXPECT_EQ(CKR_PIN_LEN_RANGE,
		  F->C_Login(self->h, CKU_USER, (CK_UTF8CHAR_PTR)"short", 5));
	ASSERT_EQ(CKR_OK, F->C_CloseSession(ro));
	ASSERT_EQ(CKR_OK, F->C_Login(self->h, CKU_SO,
				     (CK_UTF8CHAR_PTR)ST_SO_PIN,
				     strlen(ST_SO_PIN)));
	ASSERT_EQ(CKR_OK, F->C_GetSessionInfo(self->h, &si));
	EXPECT_EQ(CKS_RW_SO_FUNCTIONS, si.state);
	EXPECT_EQ(CKR_SESSION_READ_WRITE_SO_EXISTS,
		  F->C_OpenSession(self->t.slot, CKF_SERIAL_SESSION, NULL,
				   NULL, &ro));
	ASSERT_EQ(CKR_OK, F->C_Logout(self->h));

	/* wrong user PINs count; the tenth locks the role */
	for (i = 1; i < SKS_MAX_LOGIN_FAILURES; i++) {
		ASSERT_EQ(CKR_PIN_INCORRECT,
			  F->C_Login(self->h, CKU_USER,
				     (CK_UTF8CHAR_PTR)"wrong-pin", 9));
		ASSERT_EQ(CKR_OK, F->C_GetTokenInfo(self->t.slot, &ti));
		EXPECT_TRUE(ti.flags & CKF_USER_PIN_COUNT_LOW);
	}
	EXPECT_TRUE(ti.flags & CKF_USER_PIN_FINAL_TRY);
	EXPECT_EQ(CKR_PIN_INCORRECT,
		  F->C_Login(self->h, CKU_USER, (CK_UTF8CHAR_PTR)"wrong-pin", 9));
	EXPECT_EQ(CKR_PIN_LOCKED,
		  F->C_Login(self->h, CKU_USER, (CK_UTF8CHAR_PTR)ST_CO_PIN,
			     strlen(ST_CO_PIN)));
	ASSERT_EQ(CKR_OK, F->C_GetTokenInfo(self->t.slot, &ti));
	EXPECT_TRUE(ti.flags & CKF_USER_PIN_LOCKED);
	/* the SO's C_InitPIN unlocks it */
	ASSERT_EQ(CKR_OK, F->C_Login(self->h, CKU_SO,
				     (CK_UTF8CHAR_PTR)ST_SO_PIN,
				     strlen(ST_SO_PIN)));
	ASSERT_EQ(CKR_OK, F->C_InitPIN(self->h, (CK_UTF8CHAR_PTR)"new-user-pin",
				       12));
	ASSERT_EQ(CKR_OK, F->C_Logout(self->h));
	EXPECT_EQ(CKR_OK, F->C_Login(self->h, CKU_USER,
				     (CK_UTF8CHAR_PTR)"new-user-pin", 12));
	/* C_SetPIN of the user logged in */
	EXPECT_EQ(CKR_PIN_INCORRECT,
		  F->C_SetPIN(self->h, (CK_UTF8CHAR_PTR)"not-the-pin", 11,
			      (CK_UTF8CHAR_PTR)"other-user-pin", 14));
	EXPECT_EQ(CKR_OK, F->C_SetPIN(self->h, (CK_UTF8CHAR_PTR)"new-user-pin",
				      12, (CK_UTF8CHAR_PTR)"other-user-pin",
				      14));
	ASSERT_EQ(CKR_OK, F->C_Logout(self->h));
	EXPECT_EQ(CKR_OK, F->C_Login(self->h, CKU_USER,
				     (CK_UTF8CHAR_PTR)"other-user-pin", 14));
}

TEST_F(p11, crypto_user_logs_in_as_luna_cku_crypto_user)
{
	struct sks_init_role ir = { .role = SKS_ROLE_CU,
				    .pin = st_ptr(ST_CU_PIN),
				    .pin_len = strlen(ST_CU_PIN) };
	struct sks_login li = { .role = SKS_ROLE_SO,
				.pin = st_ptr(ST_SO_PIN),
				.pin_len = strlen(ST_SO_PIN) };
	CK_SESSION_INFO si;
	int fd = st_slot_open(self->t.slot);

	/* the Crypto User's PIN is set with the driver (skscm's role init) */
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_ioc(fd, SKS_IOC_LOGIN, &li));
	ASSERT_EQ(0, st_ioc(fd, SKS_IOC_INIT_ROLE, &ir));
	close(fd);
	ASSERT_EQ(CKR_OK, F->C_Logout(self->h));
	ASSERT_EQ(CKR_OK, F->C_Login(self->h, CKU_CRYPTO_USER,
				     (CK_UTF8CHAR_PTR)ST_CU_PIN,
				     strlen(ST_CU_PIN)));
	ASSERT_EQ(CKR_OK, F->C_GetSessionInfo(self->h, &si));
	EXPECT_EQ(CKS_RW_USER_FUNCTIONS, si.state);
}

/* ---- sessions ---- */

TEST_F(p11, session_handles_are_never_reused)
{
	CK_SESSION_HANDLE seen[64];
	int i, j;

	for (i = 0; i < 64; i++) {
		ASSERT_EQ(CKR_OK, F->C_OpenSession(self->t.slot,
						   CKF_SERIAL_SESSION, NULL,
						   NULL, &seen[i]));
		EXPECT_NE(self->h, seen[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(seen[j], seen[i]);
		if (i % 2)
			ASSERT_EQ(CKR_OK, F->C_CloseSession(seen[i]));
	}
	EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, F->C_CloseSession(seen[1]));
	EXPECT_EQ(CKR_SESSION_PARALLEL_NOT_SUPPORTED,
		  F->C_OpenSession(self->t.slot, 0, NULL, NULL, &seen[0]));
	ASSERT_EQ(CKR_OK, F->C_CloseAllSessions(self->t.slot));
	EXPECT_EQ(CKR_SESSION_HANDLE_INVALID,
		  F->C_GetSessionInfo(self->h, NULL));
}

static CK_ULONG count_objects(struct st_p11 *t, CK_SESSION_HANDLE h,
			      CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_OBJECT_HANDLE got[256];
	CK_ULONG cnt = 0;

	if (t->f->C_FindObjectsInit(h, tmpl, n) != CKR_OK)
		return 9999;
	if (t->f->C_FindObjects(h, got, 256, &cnt) != CKR_OK)
		cnt = 9999;
	t->f->C_FindObjectsFinal(h);
	return cnt;
}

TEST_F(p11, closing_a_session_destroys_its_objects_only)
{
	CK_SESSION_HANDLE other;
	CK_OBJECT_HANDLE a, b;
	char label[] = "mine";
	CK_ATTRIBUTE t = { CKA_LABEL, label, 4 };
	CK_ATTRIBUTE lv = { CKA_LABEL, NULL, 0 };

	ASSERT_EQ(CKR_OK, F->C_OpenSession(self->t.slot, CKF_SERIAL_SESSION |
					   CKF_RW_SESSION, NULL, NULL, &other));
	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 32, "mine", &a));
	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, other, 16, "mine", &b));
	/* session objects of the application are seen by all its sessions */
	EXPECT_EQ(2, count_objects(&self->t, self->h, &t, 1));
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, b, &lv, 1));
	ASSERT_EQ(CKR_OK, F->C_CloseSession(other));
	EXPECT_EQ(1, count_objects(&self->t, self->h, &t, 1));
	EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID,
		  F->C_GetAttributeValue(self->h, b, &lv, 1));
	EXPECT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, a, &lv, 1));
}

TEST_F(p11, logout_destroys_private_session_objects)
{
	CK_OBJECT_HANDLE priv, pub;
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_ATTRIBUTE data[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_PRIVATE, (void *)&st_p11_false, 1 },
		{ CKA_VALUE, "public", 6 },
	};
	CK_ATTRIBUTE lv = { CKA_LABEL, NULL, 0 };

	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 16, "private", &priv));
	ASSERT_EQ(CKR_OK, F->C_CreateObject(self->h, data, 3, &pub));
	ASSERT_EQ(CKR_OK, F->C_Logout(self->h));
	EXPECT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, pub, &lv, 1));
	ASSERT_EQ(CKR_OK, st_p11_user(&self->t, &self->h));
	EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID,
		  F->C_GetAttributeValue(self->h, priv, &lv, 1));
}

/* ---- objects and attributes ---- */

TEST_F(p11, attribute_size_queries_sensitive_values_and_invalid_types)
{
	CK_OBJECT_HANDLE k;
	CK_BYTE buf[64];
	CK_ULONG vlen = 0;
	CK_ATTRIBUTE a[4];

	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 32, "sized", &k));
	/* NULL pValue: the length */
	a[0] = (CK_ATTRIBUTE){ CKA_LABEL, NULL, 0 };
	a[1] = (CK_ATTRIBUTE){ CKA_VALUE_LEN, NULL, 0 };
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, k, a, 2));
	EXPECT_EQ(5, a[0].ulValueLen);
	EXPECT_EQ(sizeof(CK_ULONG), a[1].ulValueLen);
	/* too small: CK_UNAVAILABLE_INFORMATION and BUFFER_TOO_SMALL, the
	 * others still processed */
	a[0] = (CK_ATTRIBUTE){ CKA_LABEL, buf, 2 };
	a[1] = (CK_ATTRIBUTE){ CKA_VALUE_LEN, &vlen, sizeof(vlen) };
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL, F->C_GetAttributeValue(self->h, k, a, 2));
	EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, a[0].ulValueLen);
	EXPECT_EQ(32, vlen);
	/* the key value: sensitive */
	a[0] = (CK_ATTRIBUTE){ CKA_VALUE, buf, sizeof(buf) };
	a[1] = (CK_ATTRIBUTE){ CKA_LABEL, buf + 32, 32 };
	EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE,
		  F->C_GetAttributeValue(self->h, k, a, 2));
	EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, a[0].ulValueLen);
	EXPECT_EQ(5, a[1].ulValueLen);
	EXPECT_EQ(0, memcmp(buf + 32, "sized", 5));
	/* an attribute AES keys do not have */
	a[0] = (CK_ATTRIBUTE){ CKA_EC_POINT, buf, sizeof(buf) };
	EXPECT_EQ(CKR_ATTRIBUTE_TYPE_INVALID,
		  F->C_GetAttributeValue(self->h, k, a, 1));
	EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, a[0].ulValueLen);
	EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID,
		  F->C_GetAttributeValue(self->h, k + 1000, a, 1));
}

TEST_F(p11, data_objects_and_find_on_any_attribute)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_OBJECT_HANDLE d, k, got[8];
	CK_BYTE v[16];
	CK_ULONG n;
	CK_ATTRIBUTE data[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_LABEL, "record", 6 },
		{ CKA_APPLICATION, "app", 3 },
		{ CKA_VALUE, "0123456789", 10 },
	};
	CK_ATTRIBUTE byapp = { CKA_APPLICATION, "app", 3 };
	CK_ATTRIBUTE bysign[] = {
		{ CKA_SIGN, (void *)&st_p11_true, 1 },
	};
	CK_ATTRIBUTE byenc[] = {
		{ CKA_ENCRYPT, (void *)&st_p11_true, 1 },
		{ CKA_LABEL, "aes", 3 },
	};
	CK_ATTRIBUTE val = { CKA_VALUE, v, sizeof(v) };
	CK_ATTRIBUTE byval = { CKA_VALUE, "0123456789", 10 };

	ASSERT_EQ(CKR_OK, F->C_CreateObject(self->h, data, 4, &d));
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, d, &val, 1));
	EXPECT_EQ(10, val.ulValueLen);
	EXPECT_EQ(0, memcmp(v, "0123456789", 10));
	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 16, "aes", &k));
	EXPECT_EQ(1, count_objects(&self->t, self->h, &byapp, 1));
	EXPECT_EQ(1, count_objects(&self->t, self->h, &byval, 1));
	EXPECT_EQ(0, count_objects(&self->t, self->h, bysign, 1));
	EXPECT_EQ(1, count_objects(&self->t, self->h, byenc, 2));
	EXPECT_EQ(2, count_objects(&self->t, self->h, NULL, 0));
	/* chunks, and the operation rules */
	ASSERT_EQ(CKR_OK, F->C_FindObjectsInit(self->h, NULL, 0));
	EXPECT_EQ(CKR_OPERATION_ACTIVE, F->C_FindObjectsInit(self->h, NULL, 0));
	ASSERT_EQ(CKR_OK, F->C_FindObjects(self->h, got, 1, &n));
	EXPECT_EQ(1, n);
	ASSERT_EQ(CKR_OK, F->C_FindObjects(self->h, got + 1, 8, &n));
	EXPECT_EQ(1, n);
	ASSERT_EQ(CKR_OK, F->C_FindObjects(self->h, got + 2, 8, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(CKR_OK, F->C_FindObjectsFinal(self->h));
	EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED,
		  F->C_FindObjects(self->h, got, 8, &n));
	ASSERT_EQ(CKR_OK, F->C_DestroyObject(self->h, d));
	EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, F->C_DestroyObject(self->h, d));
	EXPECT_EQ(0, count_objects(&self->t, self->h, &byapp, 1));
}

TEST_F(p11, set_attribute_value_follows_the_rules)
{
	CK_OBJECT_HANDLE k;
	char lab[16];
	CK_ATTRIBUTE newlab = { CKA_LABEL, "renamed", 7 };
	CK_ATTRIBUTE getlab = { CKA_LABEL, lab, sizeof(lab) };
	CK_ATTRIBUTE unsens = { CKA_SENSITIVE, (void *)&st_p11_false, 1 };
	CK_ATTRIBUTE cls = { CKA_CLASS, NULL, 0 };
	CK_OBJECT_CLASS c = CKO_DATA;

	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 16, "old", &k));
	ASSERT_EQ(CKR_OK, F->C_SetAttributeValue(self->h, k, &newlab, 1));
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, k, &getlab, 1));
	EXPECT_EQ(7, getlab.ulValueLen);
	EXPECT_EQ(0, memcmp(lab, "renamed", 7));
	EXPECT_NE(CKR_OK, F->C_SetAttributeValue(self->h, k, &unsens, 1));
	cls.pValue = &c;
	cls.ulValueLen = sizeof(c);
	EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY,
		  F->C_SetAttributeValue(self->h, k, &cls, 1));
}

TEST_F(p11, token_objects_need_rw_sessions_and_v0)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_SESSION_HANDLE ro;
	CK_OBJECT_HANDLE d;
	CK_ATTRIBUTE data[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_TOKEN, (void *)&st_p11_true, 1 },
		{ CKA_VALUE, "kept", 4 },
	};
	CK_RV rv;

	ASSERT_EQ(CKR_OK, F->C_OpenSession(self->t.slot, CKF_SERIAL_SESSION,
					   NULL, NULL, &ro));
	EXPECT_EQ(CKR_SESSION_READ_ONLY, F->C_CreateObject(ro, data, 3, &d));
	rv = F->C_CreateObject(self->h, data, 3, &d);
	if (variant->type == SKS_SLOT_V1) {
		EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, rv);
		return;
	}
	ASSERT_EQ(CKR_OK, rv);
	EXPECT_EQ(CKR_SESSION_READ_ONLY, F->C_DestroyObject(ro, d));
	/* a token object outlives the sessions */
	ASSERT_EQ(CKR_OK, F->C_CloseAllSessions(self->t.slot));
	ASSERT_EQ(CKR_OK, st_p11_user(&self->t, &self->h));
	EXPECT_EQ(CKR_OK, F->C_DestroyObject(self->h, d));
}

/* ---- AES-GCM ---- */

static CK_RV gcm(struct st_p11 *t, CK_SESSION_HANDLE h, bool enc,
		 CK_OBJECT_HANDLE k, CK_BYTE *iv, const char *aad,
		 const CK_BYTE *in, CK_ULONG in_len, CK_BYTE *out,
		 CK_ULONG *out_len)
{
	CK_GCM_PARAMS p = { iv, 12, 96, (CK_BYTE_PTR)aad,
			    aad ? strlen(aad) : 0, 128 };
	CK_MECHANISM m = { CKM_AES_GCM, &p, sizeof(p) };
	CK_RV rv;

	rv = enc ? t->f->C_EncryptInit(h, &m, k) : t->f->C_DecryptInit(h, &m, k);
	if (rv != CKR_OK)
		return rv;
	return enc ? t->f->C_Encrypt(h, (CK_BYTE_PTR)in, in_len, out, out_len) :
		     t->f->C_Decrypt(h, (CK_BYTE_PTR)in, in_len, out, out_len);
}

TEST_F(p11, aes_gcm_device_iv_single_and_multi_part)
{
	static const CK_BYTE zero[12];
	CK_BYTE iv[12] = { 0 }, iv2[12] = { 0 }, ct[200], ct2[200], pt[200];
	CK_BYTE msg[150];
	CK_GCM_PARAMS p = { iv2, 12, 96, (CK_BYTE_PTR)"hdr", 3, 128 };
	CK_MECHANISM m = { CKM_AES_GCM, &p, sizeof(p) };
	CK_ULONG n, n2, part;
	CK_OBJECT_HANDLE k;

	memset(msg, 0x5a, sizeof(msg));
	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 32, "gcm", &k));
	/* size query: no operation runs, it stays active */
	ASSERT_EQ(CKR_OK, F->C_EncryptInit(self->h, &m, k));
	ASSERT_EQ(CKR_OK, F->C_Encrypt(self->h, msg, sizeof(msg), NULL, &n));
	EXPECT_EQ(sizeof(msg) + 16, n);
	n = 10;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL,
		  F->C_Encrypt(self->h, msg, sizeof(msg), ct, &n));
	EXPECT_EQ(sizeof(msg) + 16, n);
	EXPECT_EQ(0, memcmp(iv2, zero, 12));
	n = sizeof(ct);
	ASSERT_EQ(CKR_OK, F->C_Encrypt(self->h, msg, sizeof(msg), ct, &n));
	EXPECT_EQ(sizeof(msg) + 16, n);
	EXPECT_NE(0, memcmp(iv2, zero, 12));	/* the device's IV */
	EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED,
		  F->C_Encrypt(self->h, msg, 1, ct, &n));
	/* decrypt with it */
	n2 = sizeof(pt);
	ASSERT_EQ(CKR_OK, gcm(&self->t, self->h, false, k, iv2, "hdr", ct, n,
			      pt, &n2));
	ASSERT_EQ(sizeof(msg), n2);
	EXPECT_EQ(0, memcmp(pt, msg, n2));
	/* multi-part: the parts come out at the Final call */
	memset(iv2, 0, 12);
	ASSERT_EQ(CKR_OK, F->C_EncryptInit(self->h, &m, k));
	EXPECT_EQ(CKR_OPERATION_ACTIVE, F->C_EncryptInit(self->h, &m, k));
	for (part = 0; part < sizeof(msg); part += 50) {
		n2 = sizeof(ct2);
		ASSERT_EQ(CKR_OK, F->C_EncryptUpdate(self->h, msg + part, 50,
						     ct2, &n2));
		EXPECT_EQ(0, n2);
	}
	ASSERT_EQ(CKR_OK, F->C_EncryptFinal(self->h, NULL, &n2));
	EXPECT_EQ(sizeof(msg) + 16, n2);
	ASSERT_EQ(CKR_OK, F->C_EncryptFinal(self->h, ct2, &n2));
	EXPECT_NE(0, memcmp(iv2, zero, 12));
	ASSERT_EQ(CKR_OK, gcm(&self->t, self->h, false, k, iv2, "hdr", ct2,
			      n2, NULL, &n));
	EXPECT_EQ(sizeof(msg), n);
	n = sizeof(pt);
	ASSERT_EQ(CKR_OK, F->C_Decrypt(self->h, ct2, n2, pt, &n));
	EXPECT_EQ(0, memcmp(pt, msg, sizeof(msg)));
	/* multi-part decryption */
	p.pIv = iv2;
	ASSERT_EQ(CKR_OK, F->C_DecryptInit(self->h, &m, k));
	ASSERT_EQ(CKR_OK, F->C_DecryptUpdate(self->h, ct2, 100, pt, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(CKR_OK, F->C_DecryptUpdate(self->h, ct2 + 100, n2 - 100,
					     pt, &n));
	n = sizeof(pt);
	ASSERT_EQ(CKR_OK, F->C_DecryptFinal(self->h, pt, &n));
	EXPECT_EQ(sizeof(msg), n);
	EXPECT_EQ(0, memcmp(pt, msg, sizeof(msg)));
	/* a changed byte, the wrong AAD */
	ct2[3] ^= 1;
	n = sizeof(pt);
	EXPECT_EQ(CKR_ENCRYPTED_DATA_INVALID,
		  gcm(&self->t, self->h, false, k, iv2, "hdr", ct2, n2, pt, &n));
	ct2[3] ^= 1;
	n = sizeof(pt);
	EXPECT_EQ(CKR_ENCRYPTED_DATA_INVALID,
		  gcm(&self->t, self->h, false, k, iv2, "HDR", ct2, n2, pt, &n));
	n = sizeof(pt);
	EXPECT_EQ(CKR_ENCRYPTED_DATA_LEN_RANGE,
		  gcm(&self->t, self->h, false, k, iv2, NULL, ct2, 15, pt, &n));
	/* sks cannot encrypt under a caller's IV */
	iv[0] = 1;
	n = sizeof(ct);
	EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID,
		  gcm(&self->t, self->h, true, k, iv, NULL, msg, 10, ct, &n));
}

TEST_F(p11, aes_gcm_parameter_and_key_checks)
{
	CK_BYTE iv[16] = { 0 };
	CK_GCM_PARAMS p = { iv, 12, 96, NULL, 0, 128 };
	CK_MECHANISM m = { CKM_AES_GCM, &p, sizeof(p) };
	CK_MECHANISM cbc = { CKM_AES_CBC, iv, 16 };
	CK_OBJECT_HANDLE k, h;

	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 16, "k", &k));
	ASSERT_EQ(CKR_OK, st_p11_hmac_key(&self->t, self->h, "0123456789abcdef",
					16, "h", &h));
	EXPECT_EQ(CKR_MECHANISM_INVALID, F->C_EncryptInit(self->h, &cbc, k));
	p.ulTagBits = 96;
	EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID, F->C_EncryptInit(self->h, &m, k));
	p.ulTagBits = 128;
	p.ulIvLen = 16;
	EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID, F->C_DecryptInit(self->h, &m, k));
	p.ulIvLen = 12;
	EXPECT_EQ(CKR_KEY_TYPE_INCONSISTENT, F->C_EncryptInit(self->h, &m, h));
	EXPECT_EQ(CKR_KEY_HANDLE_INVALID,
		  F->C_EncryptInit(self->h, &m, k + 5000));
	ASSERT_EQ(CKR_OK, F->C_EncryptInit(self->h, &m, k));
	EXPECT_EQ(CKR_OPERATION_ACTIVE, F->C_EncryptInit(self->h, &m, k));
	/* an active search prevents an encryption */
	EXPECT_EQ(CKR_OPERATION_ACTIVE, F->C_FindObjectsInit(self->h, NULL, 0));
}

/* ---- HMAC ---- */

TEST_F(p11, hmac_matches_openssl_single_multi_and_general)
{
	static const CK_BYTE key[] = "a 32-byte key for the hmac test!";
	CK_BYTE msg[300], mac[64], want[64], got[64];
	CK_MECHANISM m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_ULONG glen = 12, n, wlen = 0, i;
	CK_MECHANISM g = { CKM_SHA384_HMAC_GENERAL, &glen, sizeof(glen) };
	unsigned int olen;
	CK_OBJECT_HANDLE k;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	ASSERT_EQ(CKR_OK, st_p11_hmac_key(&self->t, self->h, key, 32, "mac", &k));
	HMAC(EVP_sha256(), key, 32, msg, sizeof(msg), want, &olen);
	wlen = olen;
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &m, k));
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, msg, sizeof(msg), NULL, &n));
	EXPECT_EQ(32, n);
	n = 31;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL,
		  F->C_Sign(self->h, msg, sizeof(msg), mac, &n));
	n = sizeof(mac);
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, msg, sizeof(msg), mac, &n));
	ASSERT_EQ(wlen, n);
	EXPECT_EQ(0, memcmp(mac, want, n));
	/* multi-part gives the same */
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &m, k));
	ASSERT_EQ(CKR_OK, F->C_SignUpdate(self->h, msg, 100));
	ASSERT_EQ(CKR_OK, F->C_SignUpdate(self->h, msg + 100, 200));
	n = sizeof(got);
	ASSERT_EQ(CKR_OK, F->C_SignFinal(self->h, got, &n));
	EXPECT_EQ(0, memcmp(got, want, 32));
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &m, k));
	EXPECT_EQ(CKR_OK, F->C_Verify(self->h, msg, sizeof(msg), want, 32));
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &m, k));
	ASSERT_EQ(CKR_OK, F->C_VerifyUpdate(self->h, msg, 7));
	ASSERT_EQ(CKR_OK, F->C_VerifyUpdate(self->h, msg + 7, 293));
	EXPECT_EQ(CKR_OK, F->C_VerifyFinal(self->h, want, 32));
	want[5] ^= 1;
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &m, k));
	EXPECT_EQ(CKR_SIGNATURE_INVALID,
		  F->C_Verify(self->h, msg, sizeof(msg), want, 32));
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &m, k));
	EXPECT_EQ(CKR_SIGNATURE_LEN_RANGE,
		  F->C_Verify(self->h, msg, sizeof(msg), want, 31));
	/* _GENERAL: the leading bytes */
	HMAC(EVP_sha384(), key, 32, msg, sizeof(msg), want, &olen);
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &g, k));
	n = sizeof(mac);
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, msg, sizeof(msg), mac, &n));
	EXPECT_EQ(12, n);
	EXPECT_EQ(0, memcmp(mac, want, 12));
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &g, k));
	EXPECT_EQ(CKR_OK, F->C_Verify(self->h, msg, sizeof(msg), mac, 12));
	mac[11] ^= 0x80;
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &g, k));
	EXPECT_EQ(CKR_SIGNATURE_INVALID,
		  F->C_Verify(self->h, msg, sizeof(msg), mac, 12));
	glen = 49;
	EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID, F->C_SignInit(self->h, &g, k));
}

/* ---- EC ---- */

static const CK_BYTE p256_oid[] = {
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};
static const CK_BYTE p384_oid[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };

static CK_RV ec_pair(struct st_p11 *t, CK_SESSION_HANDLE h, bool p384,
		     CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	CK_MECHANISM m = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	CK_ATTRIBUTE pt[] = {
		{ CKA_EC_PARAMS, (void *)(p384 ? p384_oid : p256_oid),
		  p384 ? sizeof(p384_oid) : sizeof(p256_oid) },
		{ CKA_VERIFY, (void *)&st_p11_true, 1 },
		{ CKA_LABEL, "ec", 2 },
	};
	CK_ATTRIBUTE vt[] = {
		{ CKA_SIGN, (void *)&st_p11_true, 1 },
		{ CKA_DERIVE, (void *)&st_p11_true, 1 },
		{ CKA_LABEL, "ec", 2 },
	};

	return t->f->C_GenerateKeyPair(h, &m, pt, 3, vt, 3, pub, priv);
}

/*
 * The public key as OpenSSL sees it: CKA_PUBLIC_KEY_INFO (DER SPKI), after
 * checking that CKA_EC_POINT is the same point in an OCTET STRING.
 */
static EVP_PKEY *openssl_pub(struct st_p11 *t, CK_SESSION_HANDLE h,
			     CK_OBJECT_HANDLE pub, bool p384)
{
	CK_BYTE pt[128], spki[160];
	CK_ATTRIBUTE a[] = {
		{ CKA_EC_POINT, pt, sizeof(pt) },
		{ CKA_PUBLIC_KEY_INFO, spki, sizeof(spki) },
	};
	const unsigned char *p = spki;
	size_t plen = p384 ? 97 : 65;

	if (t->f->C_GetAttributeValue(h, pub, a, 2) != CKR_OK ||
	    a[0].ulValueLen != plen + 2 || pt[0] != 0x04 || pt[1] != plen ||
	    a[1].ulValueLen < plen ||
	    memcmp(spki + a[1].ulValueLen - plen, pt + 2, plen))
		return NULL;
	return d2i_PUBKEY(NULL, &p, a[1].ulValueLen);
}

/* Verify a raw r || s with OpenSSL. */
static int openssl_verify(EVP_PKEY *pk, const EVP_MD *md, const void *msg,
			  size_t len, const CK_BYTE *sig, size_t sig_len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	unsigned char der[128], *d = der;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int n, ok;

	ECDSA_SIG_set0(s, BN_bin2bn(sig, sig_len / 2, NULL),
		       BN_bin2bn(sig + sig_len / 2, sig_len / 2, NULL));
	n = i2d_ECDSA_SIG(s, &d);
	ok = EVP_DigestVerifyInit(c, NULL, md, NULL, pk) == 1 &&
	     EVP_DigestVerify(c, der, n, msg, len) == 1;
	EVP_MD_CTX_free(c);
	ECDSA_SIG_free(s);
	return ok;
}

TEST_F(p11, ecdsa_signatures_verify_with_openssl)
{
	CK_MECHANISM sha256 = { CKM_ECDSA_SHA256, NULL, 0 };
	CK_MECHANISM sha384 = { CKM_ECDSA_SHA384, NULL, 0 };
	CK_MECHANISM raw = { CKM_ECDSA, NULL, 0 };
	CK_OBJECT_HANDLE pub, priv, pub3, priv3;
	CK_BYTE sig[96], msg[1000], hash[32];
	CK_BYTE params[16];
	CK_ATTRIBUTE ep = { CKA_EC_PARAMS, params, sizeof(params) };
	CK_ULONG n;
	EVP_PKEY *pk, *pk3;

	memset(msg, 'm', sizeof(msg));
	ASSERT_EQ(CKR_OK, ec_pair(&self->t, self->h, false, &pub, &priv));
	ASSERT_EQ(CKR_OK, ec_pair(&self->t, self->h, true, &pub3, &priv3));
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, priv, &ep, 1));
	ASSERT_EQ(sizeof(p256_oid), ep.ulValueLen);
	EXPECT_EQ(0, memcmp(params, p256_oid, sizeof(p256_oid)));
	pk = openssl_pub(&self->t, self->h, pub, false);
	pk3 = openssl_pub(&self->t, self->h, pub3, true);
	ASSERT_NE(NULL, pk);
	ASSERT_NE(NULL, pk3);
	/* ECDSA_SHA256, single part */
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &sha256, priv));
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, msg, 100, NULL, &n));
	EXPECT_EQ(64, n);
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, msg, 100, sig, &n));
	EXPECT_TRUE(openssl_verify(pk, EVP_sha256(), msg, 100, sig, n));
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &sha256, pub));
	EXPECT_EQ(CKR_OK, F->C_Verify(self->h, msg, 100, sig, n));
	/* multi-part: hashed in AF_ALG, the same verification */
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &sha256, priv));
	ASSERT_EQ(CKR_OK, F->C_SignUpdate(self->h, msg, 600));
	ASSERT_EQ(CKR_OK, F->C_SignUpdate(self->h, msg + 600, 400));
	n = sizeof(sig);
	ASSERT_EQ(CKR_OK, F->C_SignFinal(self->h, sig, &n));
	EXPECT_TRUE(openssl_verify(pk, EVP_sha256(), msg, 1000, sig, n));
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &sha256, pub));
	ASSERT_EQ(CKR_OK, F->C_VerifyUpdate(self->h, msg, 1000));
	EXPECT_EQ(CKR_OK, F->C_VerifyFinal(self->h, sig, n));
	sig[10] ^= 1;
	ASSERT_EQ(CKR_OK, F->C_VerifyInit(self->h, &sha256, pub));
	EXPECT_EQ(CKR_SIGNATURE_INVALID, F->C_Verify(self->h, msg, 1000, sig, n));
	/* CKM_ECDSA on a hash */
	SHA256(msg, 1000, hash);
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &raw, priv));
	n = sizeof(sig);
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, hash, 32, sig, &n));
	EXPECT_TRUE(openssl_verify(pk, EVP_sha256(), msg, 1000, sig, n));
	/* P-384 */
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &sha384, priv3));
	n = sizeof(sig);
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, msg, 0, sig, &n));
	EXPECT_EQ(96, n);
	EXPECT_TRUE(openssl_verify(pk3, EVP_sha384(), msg, 0, sig, n));
	/* the wrong key classes */
	EXPECT_EQ(CKR_KEY_TYPE_INCONSISTENT,
		  F->C_SignInit(self->h, &sha256, pub));
	EXPECT_EQ(CKR_KEY_TYPE_INCONSISTENT,
		  F->C_VerifyInit(self->h, &sha256, priv));
	EVP_PKEY_free(pk);
	EVP_PKEY_free(pk3);
}

TEST_F(p11, ecdh_both_sides_derive_the_same_key)
{
	CK_OBJECT_HANDLE pa, va, pb, vb, ka, kb;
	CK_BYTE pta[128], ptb[128], mac_a[32], mac_b[32];
	CK_ATTRIBUTE ga = { CKA_EC_POINT, pta, sizeof(pta) };
	CK_ATTRIBUTE gb = { CKA_EC_POINT, ptb, sizeof(ptb) };
	CK_ECDH1_DERIVE_PARAMS pa_p, pb_p;
	CK_MECHANISM da = { CKM_ECDH1_DERIVE, &pa_p, sizeof(pa_p) };
	CK_MECHANISM db = { CKM_ECDH1_DERIVE, &pb_p, sizeof(pb_p) };
	CK_MECHANISM hm = { CKM_SHA256_HMAC, NULL, 0 };
	CK_KEY_TYPE gen = CKK_GENERIC_SECRET;
	CK_ULONG len = 32, n;
	CK_ATTRIBUTE kt[] = {
		{ CKA_KEY_TYPE, &gen, sizeof(gen) },
		{ CKA_VALUE_LEN, &len, sizeof(len) },
		{ CKA_SIGN, (void *)&st_p11_true, 1 },
	};

	ASSERT_EQ(CKR_OK, ec_pair(&self->t, self->h, false, &pa, &va));
	ASSERT_EQ(CKR_OK, ec_pair(&self->t, self->h, false, &pb, &vb));
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, pa, &ga, 1));
	ASSERT_EQ(CKR_OK, F->C_GetAttributeValue(self->h, pb, &gb, 1));
	/* one side passes the DER OCTET STRING, the other the raw point */
	pa_p = (CK_ECDH1_DERIVE_PARAMS){ CKD_SHA256_KDF, 4,
					 (CK_BYTE_PTR)"info", gb.ulValueLen,
					 ptb };
	pb_p = (CK_ECDH1_DERIVE_PARAMS){ CKD_SHA256_KDF, 4,
					 (CK_BYTE_PTR)"info",
					 ga.ulValueLen - 2, pta + 2 };
	ASSERT_EQ(CKR_OK, F->C_DeriveKey(self->h, &da, va, kt, 3, &ka));
	ASSERT_EQ(CKR_OK, F->C_DeriveKey(self->h, &db, vb, kt, 3, &kb));
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &hm, ka));
	n = 32;
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, (CK_BYTE_PTR)"x", 1, mac_a, &n));
	ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &hm, kb));
	n = 32;
	ASSERT_EQ(CKR_OK, F->C_Sign(self->h, (CK_BYTE_PTR)"x", 1, mac_b, &n));
	EXPECT_EQ(0, memcmp(mac_a, mac_b, 32));
	pa_p.kdf = 42;
	EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID,
		  F->C_DeriveKey(self->h, &da, va, kt, 3, &ka));
}

/* ---- digests and random ---- */

TEST_F(p11, digests_in_the_kernel_match_openssl)
{
	CK_MECHANISM m = { CKM_SHA384, NULL, 0 };
	CK_BYTE msg[5000], want[48], got[48];
	CK_ULONG n;

	memset(msg, 'd', sizeof(msg));
	SHA384(msg, sizeof(msg), want);
	ASSERT_EQ(CKR_OK, F->C_DigestInit(self->h, &m));
	ASSERT_EQ(CKR_OK, F->C_Digest(self->h, msg, sizeof(msg), NULL, &n));
	EXPECT_EQ(48, n);
	n = sizeof(got);
	ASSERT_EQ(CKR_OK, F->C_Digest(self->h, msg, sizeof(msg), got, &n));
	EXPECT_EQ(0, memcmp(got, want, 48));
	ASSERT_EQ(CKR_OK, F->C_DigestInit(self->h, &m));
	ASSERT_EQ(CKR_OK, F->C_DigestUpdate(self->h, msg, 1234));
	ASSERT_EQ(CKR_OK, F->C_DigestUpdate(self->h, msg + 1234, 5000 - 1234));
	n = 10;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL, F->C_DigestFinal(self->h, got, &n));
	n = sizeof(got);
	ASSERT_EQ(CKR_OK, F->C_DigestFinal(self->h, got, &n));
	EXPECT_EQ(0, memcmp(got, want, 48));
	m.mechanism = CKM_MD5;
	EXPECT_EQ(CKR_MECHANISM_INVALID, F->C_DigestInit(self->h, &m));
}

TEST_F(p11, random_bytes_differ)
{
	CK_BYTE a[64], b[64];

	ASSERT_EQ(CKR_OK, F->C_GenerateRandom(self->h, a, sizeof(a)));
	ASSERT_EQ(CKR_OK, F->C_GenerateRandom(self->h, b, sizeof(b)));
	EXPECT_NE(0, memcmp(a, b, sizeof(a)));
	EXPECT_EQ(CKR_RANDOM_SEED_NOT_SUPPORTED,
		  F->C_SeedRandom(self->h, a, sizeof(a)));
	EXPECT_EQ(CKR_SESSION_HANDLE_INVALID,
		  F->C_GenerateRandom(self->h + 99, a, 1));
}

/* ---- fork and threads ---- */

TEST_F(p11, a_forked_child_must_initialise_again)
{
	CK_SESSION_INFO si;
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		CK_SESSION_HANDLE h;
		int bad = 0;

		bad |= F->C_GetSessionInfo(self->h, &si) !=
		       CKR_CRYPTOKI_NOT_INITIALIZED;
		bad |= F->C_Initialize(NULL) != CKR_OK;
		bad |= F->C_GetSessionInfo(self->h, &si) !=
		       CKR_SESSION_HANDLE_INVALID;
		bad |= F->C_OpenSession(self->t.slot, CKF_SERIAL_SESSION, NULL,
					NULL, &h) != CKR_OK;
		/* not logged in: the parent's login stayed with the parent */
		bad |= F->C_GetSessionInfo(h, &si) != CKR_OK ||
		       si.state != CKS_RO_PUBLIC_SESSION;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(CKR_OK, F->C_GetSessionInfo(self->h, &si));
	EXPECT_EQ(CKS_RW_USER_FUNCTIONS, si.state);
}

struct worker {
	struct st_p11 *t;
	CK_OBJECT_HANDLE key;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	CK_MECHANISM m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_SESSION_HANDLE h;
	CK_BYTE mac[32];
	CK_ULONG n;
	int i;

	if (w->t->f->C_OpenSession(w->t->slot, CKF_SERIAL_SESSION, NULL, NULL,
				   &h) != CKR_OK) {
		w->failures++;
		return NULL;
	}
	for (i = 0; i < 200; i++) {
		n = sizeof(mac);
		if (w->t->f->C_SignInit(h, &m, w->key) != CKR_OK ||
		    w->t->f->C_Sign(h, (CK_BYTE_PTR)"t", 1, mac, &n) != CKR_OK)
			w->failures++;
	}
	if (w->t->f->C_CloseSession(h) != CKR_OK)
		w->failures++;
	return NULL;
}

TEST_F(p11, threads_share_the_login_and_keys)
{
	struct worker w[4];
	pthread_t th[4];
	CK_OBJECT_HANDLE k;
	int i;

	ASSERT_EQ(CKR_OK, st_p11_hmac_key(&self->t, self->h, "thread-key-bytes",
					16, "t", &k));
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ &self->t, k, 0 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker_run, &w[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, w[i].failures);
	}
}

TEST_HARNESS_MAIN
