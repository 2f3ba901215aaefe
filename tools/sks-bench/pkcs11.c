// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench: sks through its PKCS#11 module (libsks-pkcs11.so, loaded with
 * dlopen() as an application loads it), on the partition the sks cases
 * use. The same cases as SoftHSMv2's, in PKCS#11 calls:
 *
 * extract = CA_SIMExtract of 1 (100) AES-256 keys into one blob; insert =
 * CA_SIMInsert of it (destroys untimed); encrypt = C_EncryptInit +
 * C_Encrypt (CKM_AES_GCM, device IV); HMAC = C_SignInit + C_Sign; cycle =
 * CA_SIMInsert -> C_EncryptInit + C_Encrypt 4 KiB -> C_DestroyObject;
 * 16 x encrypt = 16 x (C_EncryptInit + C_Encrypt): PKCS#11 has no batch
 * call, so that case is against libsks's one SKS_IOC_BATCH.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit-1/p11-kit/pkcs11.h>

#include "../../pkcs11/luna.h"
#include "bench.h"

const char *bench_pkcs11_path = "/usr/local/lib/libsks-pkcs11.so";

static void *dl;
static CK_FUNCTION_LIST_PTR f;
static CK_SFNT_CA_FUNCTION_LIST_PTR ca;
static bool initialized;
static CK_SLOT_ID slot;

static CK_BBOOL yes = CK_TRUE;

static int gen(CK_SESSION_HANDLE s, bool hmac, CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM m = { hmac ? CKM_GENERIC_SECRET_KEY_GEN : CKM_AES_KEY_GEN,
			   NULL, 0 };
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {
		{ CKA_VALUE_LEN, &len, sizeof(len) },
		{ hmac ? CKA_SIGN : CKA_ENCRYPT, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
	};

	return f->C_GenerateKey(s, &m, t, 3, h) == CKR_OK ? 0 : -1;
}

static int p11_setup(int nworkers, struct worker *ws, char *why, size_t len)
{
	CK_C_INITIALIZE_ARGS args = { .flags = CKF_OS_LOCKING_OK };
	CK_RV (*gfl)(CK_FUNCTION_LIST_PTR_PTR);
	CK_RV (*cagfl)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR);
	const char *pin = sks_bench_co_pin();
	int i, k;
	CK_RV rv;

	dl = dlopen(bench_pkcs11_path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(why, len, "%s", dlerror());
		return -1;
	}
	gfl = (CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(dl,
							  "C_GetFunctionList");
	cagfl = (CK_RV (*)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR))
		dlsym(dl, "CA_GetFunctionList");
	if (!gfl || !cagfl || gfl(&f) != CKR_OK || cagfl(&ca) != CKR_OK) {
		snprintf(why, len, "no function list");
		return -1;
	}
	rv = f->C_Initialize(&args);
	if (rv != CKR_OK) {
		snprintf(why, len, "C_Initialize: 0x%lx", rv);
		return -1;
	}
	initialized = true;
	slot = sks_bench_slot();
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];

		rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				      NULL, NULL, &w->pks);
		if (rv != CKR_OK) {
			snprintf(why, len, "C_OpenSession: 0x%lx", rv);
			return -1;
		}
		/* one login for the application: every session shares it */
		if (!i) {
			rv = f->C_Login(w->pks, CKU_USER, (CK_UTF8CHAR_PTR)pin,
					strlen(pin));
			if (rv != CKR_OK) {
				snprintf(why, len, "C_Login: 0x%lx", rv);
				return -1;
			}
		}
		if (gen(w->pks, false, &w->pk_aes) ||
		    gen(w->pks, true, &w->pk_hmac)) {
			snprintf(why, len, "C_GenerateKey failed");
			return -1;
		}
		for (k = 0; k < BENCH_MANY; k++)
			if (gen(w->pks, false, &w->pk_many[k]))
				return -1;
		w->pk_blob1 = malloc(SKS_MAX_BLOB_SIZE);
		w->pk_blob100 = malloc(SKS_MAX_BLOB_SIZE);
		if (!w->pk_blob1 || !w->pk_blob100)
			return -1;
		w->pk_blob1_len = w->pk_blob100_len = SKS_MAX_BLOB_SIZE;
		if (ca->CA_SIMExtract(w->pks, 1, &w->pk_aes, 0, 0,
				      CKA_SIM_NO_AUTHORIZATION, NULL, NULL,
				      CK_FALSE, &w->pk_blob1_len,
				      w->pk_blob1) != CKR_OK ||
		    ca->CA_SIMExtract(w->pks, BENCH_MANY, w->pk_many, 0, 0,
				      CKA_SIM_NO_AUTHORIZATION, NULL, NULL,
				      CK_FALSE, &w->pk_blob100_len,
				      w->pk_blob100) != CKR_OK) {
			snprintf(why, len, "CA_SIMExtract failed");
			return -1;
		}
	}
	return 0;
}

static void p11_teardown(int nworkers, struct worker *ws)
{
	int i;

	if (initialized) {
		f->C_CloseAllSessions(slot);
		f->C_Finalize(NULL);
	}
	initialized = false;
	if (dl)
		dlclose(dl);
	dl = NULL;
	for (i = 0; i < nworkers; i++) {
		free(ws[i].pk_blob1);
		free(ws[i].pk_blob100);
		ws[i].pk_blob1 = ws[i].pk_blob100 = NULL;
	}
}

static int extract(struct worker *w, CK_OBJECT_HANDLE *h, CK_ULONG n)
{
	CK_ULONG len = BENCH_BUF;
	CK_RV rv = ca->CA_SIMExtract(w->pks, n, h, 0, 0,
				     CKA_SIM_NO_AUTHORIZATION, NULL, NULL,
				     CK_FALSE, &len, w->out);

	if (rv != CKR_OK) {
		bench_fail(w, "CA_SIMExtract: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int insert(struct worker *w, CK_BYTE *blob, CK_ULONG len)
{
	CK_RV rv;

	w->pk_nins = SKS_MAX_EXTRACT;
	rv = ca->CA_SIMInsert(w->pks, 0, CKA_SIM_NO_AUTHORIZATION, NULL, NULL,
			      len, blob, &w->pk_nins, w->pk_ins);
	if (rv != CKR_OK) {
		w->pk_nins = 0;
		bench_fail(w, "CA_SIMInsert: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int encrypt(struct worker *w, CK_OBJECT_HANDLE key, CK_ULONG len)
{
	CK_BYTE iv[12] = { 0 };	/* receives the device's IV */
	CK_GCM_PARAMS gp = {
		.pIv = iv, .ulIvLen = 12, .ulIvBits = 96, .ulTagBits = 128,
	};
	CK_MECHANISM m = { CKM_AES_GCM, &gp, sizeof(gp) };
	CK_ULONG n = BENCH_BUF;
	CK_RV rv;

	rv = f->C_EncryptInit(w->pks, &m, key);
	if (rv == CKR_OK)
		rv = f->C_Encrypt(w->pks, w->in, len, w->out, &n);
	if (rv != CKR_OK) {
		bench_fail(w, "C_Encrypt: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int p11_extract1(struct worker *w)
{
	return extract(w, &w->pk_aes, 1);
}

static int p11_extract100(struct worker *w)
{
	return extract(w, w->pk_many, BENCH_MANY);
}

static int p11_insert1(struct worker *w)
{
	return insert(w, w->pk_blob1, w->pk_blob1_len);
}

static int p11_insert100(struct worker *w)
{
	return insert(w, w->pk_blob100, w->pk_blob100_len);
}

static void p11_post_insert(struct worker *w)
{
	CK_ULONG i;

	for (i = 0; i < w->pk_nins; i++)
		if (f->C_DestroyObject(w->pks, w->pk_ins[i]) != CKR_OK)
			bench_fail(w, "C_DestroyObject failed");
	w->pk_nins = 0;
}

static int p11_enc64(struct worker *w)
{
	return encrypt(w, w->pk_aes, BENCH_SMALL);
}

static int p11_enc4k(struct worker *w)
{
	return encrypt(w, w->pk_aes, BENCH_BIG);
}

static int p11_batch16(struct worker *w)
{
	int i;

	for (i = 0; i < BENCH_BATCH; i++)
		if (p11_enc64(w))
			return -1;
	return 0;
}

static int p11_hmac64(struct worker *w)
{
	CK_MECHANISM m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_ULONG n = 64;
	CK_RV rv;

	rv = f->C_SignInit(w->pks, &m, w->pk_hmac);
	if (rv == CKR_OK)
		rv = f->C_Sign(w->pks, w->in, BENCH_SMALL, w->out, &n);
	if (rv != CKR_OK) {
		bench_fail(w, "C_Sign: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int p11_cycle(struct worker *w)
{
	CK_OBJECT_HANDLE h;
	CK_ULONG n = 1;
	int err;
	CK_RV rv;

	rv = ca->CA_SIMInsert(w->pks, 0, CKA_SIM_NO_AUTHORIZATION, NULL, NULL,
			      w->pk_blob1_len, w->pk_blob1, &n, &h);
	if (rv != CKR_OK) {
		bench_fail(w, "CA_SIMInsert: 0x%lx", rv);
		return -1;
	}
	err = encrypt(w, h, BENCH_BIG);
	rv = f->C_DestroyObject(w->pks, h);
	if (rv != CKR_OK) {
		bench_fail(w, "C_DestroyObject: 0x%lx", rv);
		return -1;
	}
	return err;
}

const struct bench_impl_ops pkcs11_impl = {
	.name = "pkcs11",
	.setup = p11_setup,
	.teardown = p11_teardown,
	.op = {
		[CASE_EXTRACT1] = p11_extract1,
		[CASE_EXTRACT100] = p11_extract100,
		[CASE_INSERT1] = p11_insert1,
		[CASE_INSERT100] = p11_insert100,
		[CASE_ENC64] = p11_enc64,
		[CASE_ENC4K] = p11_enc4k,
		[CASE_HMAC64] = p11_hmac64,
		[CASE_CYCLE] = p11_cycle,
		[CASE_BATCH16] = p11_batch16,
	},
	.post = {
		[CASE_INSERT1] = p11_post_insert,
		[CASE_INSERT100] = p11_post_insert,
	},
	.what = {
		[CASE_EXTRACT1] = "CA_SIMExtract of 1 AES-256 key (libsks-pkcs11.so)",
		[CASE_EXTRACT100] = "CA_SIMExtract of 100 keys into one blob",
		[CASE_INSERT1] = "CA_SIMInsert of a 1-key blob (destroy untimed)",
		[CASE_INSERT100] = "CA_SIMInsert of a 100-key blob (destroys untimed)",
		[CASE_ENC64] = "C_EncryptInit + C_Encrypt CKM_AES_GCM, device IV",
		[CASE_ENC4K] = "C_EncryptInit + C_Encrypt CKM_AES_GCM, device IV",
		[CASE_HMAC64] = "C_SignInit + C_Sign CKM_SHA256_HMAC",
		[CASE_CYCLE] = "CA_SIMInsert, C_Encrypt 4 KiB, C_DestroyObject",
		[CASE_BATCH16] = "16 x (C_EncryptInit + C_Encrypt): no batch in PKCS#11",
	},
};
