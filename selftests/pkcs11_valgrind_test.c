// SPDX-License-Identifier: GPL-2.0
/*
 * libsks-pkcs11.so under valgrind's memcheck, against the driver: every
 * kind of call the module makes (token initialisation, logins, key
 * generation and import, EC key pairs and ECDH, AES-GCM, HMAC and ECDSA
 * single and multi-part, digests, searches, attributes, Luna's extract,
 * insert and multi-sign with M of N, session closing and C_Finalize). Any
 * leak or invalid access fails (--error-exitcode).
 *
 * The exercise runs in this same binary: "pkcs11_valgrind_test --exercise".
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

#define VALGRIND "valgrind --leak-check=full --errors-for-leak-kinds=definite,possible " \
		 "--error-exitcode=99 -q"

#define CHECK(x) do { \
	CK_RV _rv = (x); \
	if (_rv != CKR_OK) { \
		fprintf(stderr, "exercise: %s:%d: %s = 0x%lx\n", __FILE__, \
			__LINE__, #x, _rv); \
		goto out; \
	} \
} while (0)

static const CK_BYTE p256[] = {
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};

static int exercise(void)
{
	CK_MECHANISM kp = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	CK_MECHANISM ecdsa = { CKM_ECDSA_SHA256, NULL, 0 };
	CK_MECHANISM hmac = { CKM_SHA256_HMAC, NULL, 0 };
	CK_MECHANISM sha = { CKM_SHA512, NULL, 0 };
	CK_BYTE iv[12] = { 0 }, buf[4096], out[4200] = { 0 }, pt[4200] = { 0 };
	CK_BYTE sig[96] = { 0 };
	CK_GCM_PARAMS gp = { iv, 12, 96, (CK_BYTE_PTR)"aad", 3, 128 };
	CK_MECHANISM gcm = { CKM_AES_GCM, &gp, sizeof(gp) };
	CK_ATTRIBUTE pubt[] = { { CKA_EC_PARAMS, (void *)p256, sizeof(p256) } };
	CK_ATTRIBUTE privt[] = { { CKA_DERIVE, (void *)&st_p11_true, 1 } };
	CK_ATTRIBUTE point = { CKA_EC_POINT, buf, sizeof(buf) };
	CK_ATTRIBUTE subj = { CKA_SUBJECT, "cn=x", 4 };
	CK_ATTRIBUTE lab = { CKA_LABEL, "renamed", 7 };
	CK_OBJECT_HANDLE aes, mac, pub, priv, derived, found[8], ins[4] = { 0 };
	CK_ECDH1_DERIVE_PARAMS dp;
	CK_MECHANISM derive = { CKM_ECDH1_DERIVE, &dp, sizeof(dp) };
	CK_KEY_TYPE gen = CKK_GENERIC_SECRET;
	CK_ULONG len32 = 32, n, blob_len;
	CK_ATTRIBUTE dt[] = { { CKA_KEY_TYPE, &gen, sizeof(gen) },
			      { CKA_VALUE_LEN, &len32, sizeof(len32) } };
	const char *sec[2] = { "custodian-one", "custodian-two" };
	CK_ULONG sizes[2] = { 13, 13 };
	CK_BYTE_PTR ins_data[1] = { buf }, sigs[1] = { sig };
	CK_ULONG ins_len[1] = { 100 }, sig_len[1] = { sizeof(sig) };
	CK_SESSION_HANDLE h, h2;
	/* (zeroed: memcheck does not see the driver write into them) */
	CK_BYTE *blob = calloc(1, SKS_MAX_BLOB_SIZE);
	struct st_p11 t;
	int ok = 0;

	memset(buf, 'v', sizeof(buf));
	if (!blob || st_p11_load(&t))
		return 1;
	if (st_p11_token(&t, SKS_SLOT_V1, "valgrind")) {
		fprintf(stderr, "exercise: the token could not be made\n");
		goto out;
	}
	CHECK(st_p11_user(&t, &h));
	CHECK(t.f->C_OpenSession(t.slot, CKF_SERIAL_SESSION, NULL, NULL, &h2));
	CHECK(t.f->C_FindObjectsInit(h2, NULL, 0));	/* left active */
	CHECK(t.f->C_FindObjectsFinal(h2));
	CHECK(st_p11_aes(&t, h, 32, "aes", &aes));
	CHECK(st_p11_hmac_key(&t, h2, "valgrind-hmac-key", 17, "mac", &mac));
	CHECK(t.f->C_GenerateKeyPair(h, &kp, pubt, 1, privt, 1, &pub, &priv));
	CHECK(t.f->C_GetAttributeValue(h, pub, &point, 1));
	dp = (CK_ECDH1_DERIVE_PARAMS){ CKD_SHA256_KDF, 0, NULL,
				       point.ulValueLen, buf };
	CHECK(t.f->C_DeriveKey(h, &derive, priv, dt, 2, &derived));
	CHECK(t.f->C_SetAttributeValue(h, aes, &subj, 1));
	CHECK(t.f->C_SetAttributeValue(h, aes, &lab, 1));
	/* AES-GCM single and multi-part */
	CHECK(t.f->C_EncryptInit(h, &gcm, aes));
	n = sizeof(out);
	CHECK(t.f->C_Encrypt(h, buf, 1000, out, &n));
	CHECK(t.f->C_DecryptInit(h, &gcm, aes));
	CHECK(t.f->C_DecryptUpdate(h, out, 500, pt, &blob_len));
	CHECK(t.f->C_DecryptUpdate(h, out + 500, n - 500, pt, &blob_len));
	n = sizeof(pt);
	CHECK(t.f->C_DecryptFinal(h, pt, &n));
	/* an operation left active is freed with its session */
	memset(iv, 0, sizeof(iv));
	CHECK(t.f->C_EncryptInit(h2, &gcm, aes));
	CHECK(t.f->C_EncryptUpdate(h2, buf, 100, out, &n));
	/* HMAC, ECDSA multi-part (AF_ALG), digest */
	CHECK(t.f->C_SignInit(h, &hmac, mac));
	CHECK(t.f->C_SignUpdate(h, buf, 3000));
	n = sizeof(sig);
	CHECK(t.f->C_SignFinal(h, sig, &n));
	CHECK(t.f->C_SignInit(h, &ecdsa, priv));
	CHECK(t.f->C_SignUpdate(h, buf, 4096));
	n = sizeof(sig);
	CHECK(t.f->C_SignFinal(h, sig, &n));
	CHECK(t.f->C_VerifyInit(h, &ecdsa, pub));
	CHECK(t.f->C_Verify(h, buf, 4096, sig, n));
	CHECK(t.f->C_DigestInit(h, &sha));
	CHECK(t.f->C_DigestUpdate(h, buf, 4096));
	n = sizeof(sig);
	CHECK(t.f->C_DigestFinal(h, sig, &n));
	CHECK(t.f->C_DigestInit(h2, &sha));	/* left active */
	/* searches on module-compared attributes */
	CHECK(t.f->C_FindObjectsInit(h, &subj, 1));
	CHECK(t.f->C_FindObjects(h, found, 8, &n));
	CHECK(t.f->C_FindObjectsFinal(h));
	/* Luna: 1 of 2, extract, insert, multi-sign */
	blob_len = SKS_MAX_BLOB_SIZE;
	CHECK(t.ca->CA_SIMExtract(h, 1, &mac, 2, 1, CKA_SIM_PASSWORD, sizes,
				  (CK_BYTE_PTR *)sec, CK_FALSE, &blob_len,
				  blob));
	n = 4;
	CHECK(t.ca->CA_SIMInsert(h, 1, CKA_SIM_PASSWORD, sizes + 1,
				 (CK_BYTE_PTR *)sec + 1, blob_len, blob, &n,
				 ins));
	CHECK(t.ca->CA_SIMMultiSign(h, &hmac, 1, CKA_SIM_PASSWORD, sizes,
				    (CK_BYTE_PTR *)sec, blob_len, blob, 1,
				    ins_len, ins_data, sig_len, sigs));
	CHECK(t.f->C_CloseSession(h2));
	CHECK(t.f->C_Logout(h));
	ok = 1;
out:
	free(blob);
	st_p11_done(&t);
	return !ok;
}

TEST(module_has_no_leak_or_invalid_access)
{
	char cmd[256];
	int status;

	if (system("command -v valgrind >/dev/null 2>&1"))
		SKIP(return, "no valgrind in the VM");
	snprintf(cmd, sizeof(cmd), VALGRIND " /proc/%d/exe --exercise",
		 getpid());
	status = system(cmd);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--exercise"))
		return exercise();
	return test_harness_run(argc, argv);
}
