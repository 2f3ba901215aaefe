// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench: SoftHSMv2 baseline, loaded with dlopen() through its PKCS#11
 * interface (C_GetFunctionList). A token is initialised in a temporary
 * directory named by SOFTHSM2_CONF; every key is a session object.
 *
 * extract = C_WrapKey (CKM_AES_KEY_WRAP_PAD) of one AES-256 key (100 keys:
 * 100 calls); insert = C_UnwrapKey of it (destroys untimed); encrypt =
 * C_EncryptInit + C_Encrypt (CKM_AES_GCM); HMAC = C_SignInit + C_Sign;
 * cycle = C_UnwrapKey -> C_EncryptInit + C_Encrypt 4 KiB -> C_DestroyObject;
 * ECDSA = C_SignInit + C_Sign (C_VerifyInit + C_Verify) CKM_ECDSA of a
 * 32-byte hash with a P-256 pair from C_GenerateKeyPair.
 */
#include <dlfcn.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <p11-kit-1/p11-kit/pkcs11.h>

#include "bench.h"

#define P11_SO_PIN	"bench-so"
#define P11_USER_PIN	"bench-user"

static void *dl;
static CK_FUNCTION_LIST_PTR f;
static CK_SLOT_ID slot;
static bool initialized;
static char dir[64];
static CK_OBJECT_HANDLE wrap_key, enc_key, mac_key, keys[BENCH_MANY];
static CK_OBJECT_HANDLE ec_pub, ec_priv;	/* P-256, session objects */
static CK_BYTE wrapped[64];
static CK_ULONG wrapped_len;

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
static CK_KEY_TYPE aes = CKK_AES;
static CK_MECHANISM kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };

static CK_ATTRIBUTE unwrap_tmpl[] = {
	{ CKA_CLASS, &secret, sizeof(secret) },
	{ CKA_KEY_TYPE, &aes, sizeof(aes) },
	{ CKA_TOKEN, &no, sizeof(no) },
	{ CKA_ENCRYPT, &yes, sizeof(yes) },
};

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int gen(CK_SESSION_HANDLE s, CK_MECHANISM_TYPE mech, CK_KEY_TYPE type,
	       CK_ATTRIBUTE_TYPE use, bool wrap, CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM m = { mech, NULL, 0 };
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &secret, sizeof(secret) },
		{ CKA_KEY_TYPE, &type, sizeof(type) },
		{ CKA_VALUE_LEN, &len, sizeof(len) },
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_SENSITIVE, &no, sizeof(no) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
		{ use, &yes, sizeof(yes) },
		{ CKA_WRAP, wrap ? &yes : &no, sizeof(yes) },
		{ CKA_UNWRAP, wrap ? &yes : &no, sizeof(yes) },
	};

	return f->C_GenerateKey(s, &m, t, sizeof(t) / sizeof(t[0]), h) ==
	       CKR_OK ? 0 : -1;
}

/* A P-256 key pair (CKA_EC_PARAMS: the DER OID of prime256v1). */
static int gen_ec(CK_SESSION_HANDLE s)
{
	static CK_BYTE p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
				  0x03, 0x01, 0x07 };
	CK_MECHANISM m = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	CK_ATTRIBUTE pub[] = {
		{ CKA_EC_PARAMS, p256, sizeof(p256) },
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_VERIFY, &yes, sizeof(yes) },
	};
	CK_ATTRIBUTE priv[] = {
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_SIGN, &yes, sizeof(yes) },
	};

	return f->C_GenerateKeyPair(s, &m, pub, sizeof(pub) / sizeof(pub[0]),
				    priv, sizeof(priv) / sizeof(priv[0]),
				    &ec_pub, &ec_priv) == CKR_OK ? 0 : -1;
}

static int p11_global(CK_SESSION_HANDLE *s, char *why, size_t len)
{
	CK_C_INITIALIZE_ARGS args = { .flags = CKF_OS_LOCKING_OK };
	CK_C_GetFunctionList get;
	CK_SLOT_ID slots[16];
	CK_ULONG n = 16, i;
	CK_UTF8CHAR label[32];
	CK_TOKEN_INFO ti;
	char path[128];
	FILE *conf;
	CK_RV rv;

	snprintf(dir, sizeof(dir), "/tmp/sks-bench-softhsm.XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(why, len, "mkdtemp failed");
		dir[0] = 0;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tokens", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/softhsm2.conf", dir);
	conf = fopen(path, "w");
	if (!conf)
		return -1;
	fprintf(conf, "directories.tokendir = %s/tokens\n"
		"objectstore.backend = file\nlog.level = ERROR\n"
		"slots.removable = false\n", dir);
	fclose(conf);
	setenv("SOFTHSM2_CONF", path, 1);

	dl = dlopen(bench_softhsm_path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(why, len, "%s", dlerror());
		return -1;
	}
	get = (CK_C_GetFunctionList)dlsym(dl, "C_GetFunctionList");
	if (!get || get(&f) != CKR_OK) {
		snprintf(why, len, "C_GetFunctionList failed");
		return -1;
	}
	rv = f->C_Initialize(&args);
	if (rv != CKR_OK) {
		snprintf(why, len, "C_Initialize: 0x%lx", rv);
		return -1;
	}
	initialized = true;
	if (f->C_GetSlotList(CK_FALSE, slots, &n) != CKR_OK || !n) {
		snprintf(why, len, "no SoftHSM slot");
		return -1;
	}
	memset(label, ' ', sizeof(label));
	memcpy(label, "sks-bench", 9);
	rv = f->C_InitToken(slots[0], (CK_UTF8CHAR_PTR)P11_SO_PIN,
			    strlen(P11_SO_PIN), label);
	if (rv != CKR_OK) {
		snprintf(why, len, "C_InitToken: 0x%lx", rv);
		return -1;
	}
	/* SoftHSM gives an initialised token a new slot id. */
	n = 16;
	if (f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return -1;
	for (i = 0; i < n; i++)
		if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
		    !memcmp(ti.label, label, sizeof(label)))
			break;
	if (i == n) {
		snprintf(why, len, "initialised token not found");
		return -1;
	}
	slot = slots[i];
	if (f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
			     NULL, s) != CKR_OK ||
	    f->C_Login(*s, CKU_SO, (CK_UTF8CHAR_PTR)P11_SO_PIN,
		       strlen(P11_SO_PIN)) != CKR_OK ||
	    f->C_InitPIN(*s, (CK_UTF8CHAR_PTR)P11_USER_PIN,
			 strlen(P11_USER_PIN)) != CKR_OK ||
	    f->C_Logout(*s) != CKR_OK ||
	    f->C_Login(*s, CKU_USER, (CK_UTF8CHAR_PTR)P11_USER_PIN,
		       strlen(P11_USER_PIN)) != CKR_OK) {
		snprintf(why, len, "SoftHSM token login failed");
		return -1;
	}
	if (gen(*s, CKM_AES_KEY_GEN, CKK_AES, CKA_ENCRYPT, true, &wrap_key) ||
	    gen(*s, CKM_AES_KEY_GEN, CKK_AES, CKA_ENCRYPT, false, &enc_key) ||
	    gen(*s, CKM_GENERIC_SECRET_KEY_GEN, CKK_GENERIC_SECRET, CKA_SIGN,
		false, &mac_key)) {
		snprintf(why, len, "C_GenerateKey failed");
		return -1;
	}
	for (i = 0; i < BENCH_MANY; i++)
		if (gen(*s, CKM_AES_KEY_GEN, CKK_AES, CKA_ENCRYPT, false,
			&keys[i]))
			return -1;
	if (gen_ec(*s)) {
		snprintf(why, len, "C_GenerateKeyPair CKM_EC_KEY_PAIR_GEN failed");
		return -1;
	}
	wrapped_len = sizeof(wrapped);
	rv = f->C_WrapKey(*s, &kwp, wrap_key, enc_key, wrapped, &wrapped_len);
	if (rv != CKR_OK) {
		snprintf(why, len, "C_WrapKey: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int ecdsa_sign(struct worker *w, CK_BYTE *sig)
{
	CK_MECHANISM m = { CKM_ECDSA, NULL, 0 };
	CK_ULONG n = BENCH_ECDSA_SIG;
	CK_RV rv;

	rv = f->C_SignInit(w->p11s, &m, ec_priv);
	if (rv == CKR_OK)
		rv = f->C_Sign(w->p11s, w->in, BENCH_DIGEST, sig, &n);
	if (rv != CKR_OK) {
		bench_fail(w, "C_Sign CKM_ECDSA: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int p11_setup(int nworkers, struct worker *ws, char *why, size_t len)
{
	CK_SESSION_HANDLE s0;
	int i;

	if (p11_global(&s0, why, len))
		return -1;
	ws[0].p11s = s0;
	for (i = 1; i < nworkers; i++)
		if (f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				     NULL, NULL, &ws[i].p11s) != CKR_OK) {
			snprintf(why, len, "C_OpenSession failed");
			return -1;
		}
	for (i = 0; i < nworkers; i++)
		if (ecdsa_sign(&ws[i], ws[i].p11sig)) {
			snprintf(why, len, "%s", ws[i].err);
			return -1;
		}
	return 0;
}

static void p11_teardown(int nworkers, struct worker *ws)
{
	(void)nworkers, (void)ws;
	if (initialized) {
		f->C_CloseAllSessions(slot);
		f->C_Finalize(NULL);
	}
	initialized = false;
	if (dl)
		dlclose(dl);
	dl = NULL;
	if (dir[0])
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	dir[0] = 0;
}

static int wrap(struct worker *w, CK_OBJECT_HANDLE key)
{
	CK_ULONG n = BENCH_BUF;
	CK_RV rv = f->C_WrapKey(w->p11s, &kwp, wrap_key, key, w->out, &n);

	if (rv != CKR_OK) {
		bench_fail(w, "C_WrapKey: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int unwrap(struct worker *w, CK_OBJECT_HANDLE *h)
{
	CK_RV rv = f->C_UnwrapKey(w->p11s, &kwp, wrap_key, wrapped,
				  wrapped_len, unwrap_tmpl,
				  sizeof(unwrap_tmpl) / sizeof(unwrap_tmpl[0]),
				  h);

	if (rv != CKR_OK) {
		bench_fail(w, "C_UnwrapKey: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int encrypt(struct worker *w, CK_OBJECT_HANDLE key, CK_ULONG len)
{
	CK_GCM_PARAMS gp = {
		.pIv = w->iv, .ulIvLen = 12, .ulIvBits = 96, .ulTagBits = 128,
	};
	CK_MECHANISM m = { CKM_AES_GCM, &gp, sizeof(gp) };
	CK_ULONG n = BENCH_BUF;
	CK_RV rv;

	bench_next_iv(w);
	rv = f->C_EncryptInit(w->p11s, &m, key);
	if (rv == CKR_OK)
		rv = f->C_Encrypt(w->p11s, w->in, len, w->out, &n);
	if (rv != CKR_OK) {
		bench_fail(w, "C_Encrypt: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int p11_extract1(struct worker *w)
{
	return wrap(w, enc_key);
}

static int p11_extract100(struct worker *w)
{
	int i;

	for (i = 0; i < BENCH_MANY; i++)
		if (wrap(w, keys[i]))
			return -1;
	return 0;
}

static int p11_insert1(struct worker *w)
{
	w->p11nins = 1;
	return unwrap(w, &w->p11ins[0]);
}

static int p11_insert100(struct worker *w)
{
	for (w->p11nins = 0; w->p11nins < BENCH_MANY; w->p11nins++)
		if (unwrap(w, &w->p11ins[w->p11nins]))
			return -1;
	return 0;
}

static void p11_post_insert(struct worker *w)
{
	CK_ULONG i;

	for (i = 0; i < w->p11nins; i++)
		f->C_DestroyObject(w->p11s, w->p11ins[i]);
	w->p11nins = 0;
}

static int p11_enc64(struct worker *w)
{
	return encrypt(w, enc_key, BENCH_SMALL);
}

static int p11_batch16(struct worker *w)
{
	int i;

	for (i = 0; i < BENCH_BATCH; i++)
		if (p11_enc64(w))
			return -1;
	return 0;
}

static int p11_enc4k(struct worker *w)
{
	return encrypt(w, enc_key, BENCH_BIG);
}

static int p11_hmac64(struct worker *w)
{
	CK_MECHANISM m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_ULONG n = 64;
	CK_RV rv;

	rv = f->C_SignInit(w->p11s, &m, mac_key);
	if (rv == CKR_OK)
		rv = f->C_Sign(w->p11s, w->in, BENCH_SMALL, w->out, &n);
	if (rv != CKR_OK) {
		bench_fail(w, "C_Sign: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int p11_ecdsa_sign(struct worker *w)
{
	return ecdsa_sign(w, w->out);
}

static int p11_ecdsa_verify(struct worker *w)
{
	CK_MECHANISM m = { CKM_ECDSA, NULL, 0 };
	CK_RV rv;

	rv = f->C_VerifyInit(w->p11s, &m, ec_pub);
	if (rv == CKR_OK)
		rv = f->C_Verify(w->p11s, w->in, BENCH_DIGEST, w->p11sig,
				 BENCH_ECDSA_SIG);
	if (rv != CKR_OK) {
		bench_fail(w, "C_Verify CKM_ECDSA: 0x%lx", rv);
		return -1;
	}
	return 0;
}

static int p11_cycle(struct worker *w)
{
	CK_OBJECT_HANDLE h;
	int err;
	CK_RV rv;

	if (unwrap(w, &h))
		return -1;
	err = encrypt(w, h, BENCH_BIG);
	rv = f->C_DestroyObject(w->p11s, h);
	if (rv != CKR_OK) {
		bench_fail(w, "C_DestroyObject: 0x%lx", rv);
		return -1;
	}
	return err;
}

const struct bench_impl_ops softhsm_impl = {
	.name = "softhsm",
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
		[CASE_ECDSA_SIGN] = p11_ecdsa_sign,
		[CASE_ECDSA_VERIFY] = p11_ecdsa_verify,
	},
	.post = {
		[CASE_INSERT1] = p11_post_insert,
		[CASE_INSERT100] = p11_post_insert,
	},
	.what = {
		[CASE_EXTRACT1] = "C_WrapKey CKM_AES_KEY_WRAP_PAD of 1 AES-256 key",
		[CASE_EXTRACT100] = "100 x C_WrapKey",
		[CASE_INSERT1] = "C_UnwrapKey (destroy untimed)",
		[CASE_INSERT100] = "100 x C_UnwrapKey (destroys untimed)",
		[CASE_ENC64] = "C_EncryptInit + C_Encrypt CKM_AES_GCM",
		[CASE_ENC4K] = "C_EncryptInit + C_Encrypt CKM_AES_GCM",
		[CASE_HMAC64] = "C_SignInit + C_Sign CKM_SHA256_HMAC",
		[CASE_CYCLE] = "C_UnwrapKey, C_Encrypt 4 KiB, C_DestroyObject",
		[CASE_BATCH16] = "16 x (C_EncryptInit + C_Encrypt CKM_AES_GCM)",
		[CASE_ECDSA_SIGN] = "C_SignInit + C_Sign CKM_ECDSA of a 32-byte hash, P-256",
		[CASE_ECDSA_VERIFY] = "C_VerifyInit + C_Verify CKM_ECDSA, P-256",
	},
};
