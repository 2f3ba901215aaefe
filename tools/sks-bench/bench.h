/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks-bench - shared definitions of the benchmark and its baselines.
 */
#ifndef SKS_BENCH_H
#define SKS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sks.h>

#define BENCH_MAX_THREADS	8
#define BENCH_MANY		100	/* keys per blob in the "100 keys" cases */
#define BENCH_BIG		4096	/* the 4 KiB payload */
#define BENCH_SMALL		64	/* the 64 B payload */
#define BENCH_BATCH		16	/* operations in the batch case */
#define BENCH_BUF		(SKS_MAX_BLOB_SIZE + 4096)
#define BENCH_HDR		80	/* SKS blob header (the AAD) */
#define BENCH_TAG		16

/* Implementations measured. */
enum bench_impl {
	IMPL_SKS,
	IMPL_AFALG,
	IMPL_OPENSSL,
	IMPL_SOFTHSM,
	IMPL_PKCS11,		/* sks through libsks-pkcs11.so */
	IMPL_COUNT,
};

/* The cases, with the same meaning for every implementation. */
enum bench_case {
	CASE_EXTRACT1,
	CASE_EXTRACT100,
	CASE_INSERT1,
	CASE_INSERT100,
	CASE_ENC64,
	CASE_ENC4K,
	CASE_HMAC64,
	CASE_CYCLE,
	CASE_BATCH16,		/* 16 encryptions of 64 B */
	CASE_ECDSA_SIGN,	/* ECDSA P-256 signature of a SHA-256 hash */
	CASE_ECDSA_VERIFY,	/* ... and its verification */
	CASE_COUNT,
};

/* The ECDSA cases sign BENCH_DIGEST bytes: a SHA-256 hash (CKM_ECDSA). */
#define BENCH_DIGEST		32
#define BENCH_ECDSA_SIG		64	/* P-256 r || s */

struct kcapi_handle;
struct evp_cipher_ctx_st;
struct evp_mac_ctx_st;
struct evp_pkey_ctx_st;

/* One measuring thread and everything it owns, per implementation. */
struct worker {
	int id;
	uint8_t *in;			/* input buffer, page aligned */
	uint8_t *out;			/* output buffer, page aligned */
	uint8_t iv[12];
	uint64_t ctr;			/* IV counter of the baselines */

	/* sks */
	struct sks_session *sess;
	int fd;
	uint32_t aes;			/* AES-256 key for encrypt */
	uint32_t hmac;			/* 32-byte generic secret for HMAC */
	uint32_t many[BENCH_MANY];	/* AES-256 keys extracted together */
	uint8_t *blob1, *blob100;	/* blobs of 1 and 100 keys */
	uint32_t blob1_len, blob100_len;
	uint32_t ins[SKS_MAX_EXTRACT];	/* handles made by the last insert */
	uint32_t nins;
	uint32_t ecpub, ecpriv;		/* P-256 pair for ECDSA */
	uint8_t ecsig[BENCH_ECDSA_SIG];	/* its signature of the digest */

	/* AF_ALG through libkcapi */
	struct kcapi_handle *gcm, *md;
	uint8_t *ct1, *ct100;		/* header || payload || tag */

	/* OpenSSL */
	struct evp_cipher_ctx_st *ectx, *dctx;
	struct evp_mac_ctx_st *mctx;
	struct evp_pkey_ctx_st *sctx, *vctx;	/* ECDSA P-256 sign, verify */
	uint8_t osig[80];			/* DER signature to verify */
	size_t osig_len;

	/* SoftHSMv2 */
	unsigned long p11s;		/* CK_SESSION_HANDLE */
	unsigned long p11ins[BENCH_MANY];
	unsigned long p11nins;
	uint8_t p11sig[BENCH_ECDSA_SIG];

	/* sks through its PKCS#11 module (CK_ULONG handles) */
	unsigned long pks;		/* CK_SESSION_HANDLE */
	unsigned long pk_aes, pk_hmac, pk_many[BENCH_MANY];
	unsigned long pk_ecpub, pk_ecpriv;	/* P-256 pair for ECDSA */
	uint8_t pk_sig[BENCH_ECDSA_SIG];	/* its signature of w->in */
	unsigned long pk_ins[SKS_MAX_EXTRACT], pk_nins;
	uint8_t *pk_blob1, *pk_blob100;
	unsigned long pk_blob1_len, pk_blob100_len;

	/* samples of the current run */
	uint64_t *lat;			/* ns per op */
	size_t n, cap;
	uint64_t timed;			/* ns spent in timed parts */
	uint64_t span;			/* ns from start to the last op's end */
	uint64_t untimed;		/* ns of it in untimed clean-up */
	int failed;
	char err[160];
	void *run;			/* the case being run (main.c) */
};

/* Sizes shared by all implementations (taken from the real blobs). */
struct bench_sizes {
	uint32_t blob1;			/* SKS blob of one AES-256 key */
	uint32_t blob100;		/* SKS blob of BENCH_MANY keys */
};

extern struct bench_sizes bench_sizes;
extern const uint8_t bench_key[32];	/* the baselines' AES/HMAC key */

/* One implementation: global setup, per-worker setup, the ops. */
struct bench_impl_ops {
	const char *name;
	int (*setup)(int nworkers, struct worker *w, char *why, size_t len);
	void (*teardown)(int nworkers, struct worker *w);
	int (*op[CASE_COUNT])(struct worker *w);
	void (*post[CASE_COUNT])(struct worker *w);	/* untimed cleanup */
	const char *what[CASE_COUNT];			/* legend */
};

extern const struct bench_impl_ops sks_impl, afalg_impl, openssl_impl,
	softhsm_impl, pkcs11_impl;
extern const char *bench_pkcs11_path;

/* sks.c: the partition and its filler objects. */
int sks_bench_open(uint64_t capacity, char *why, size_t len);
void sks_bench_close(void);
/* Fill the partition up to @target live objects; returns the count reached. */
uint64_t sks_bench_fill(uint64_t target, char *why, size_t len);
uint64_t sks_bench_live(void);
/* The partition's slot number and Crypto Officer secret (pkcs11.c). */
unsigned int sks_bench_slot(void);
const char *sks_bench_co_pin(void);

/* openssl.c: the ciphertexts the decrypting baselines use. */
int bench_seal(struct worker *w);

/* main.c */
void bench_fail(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bench_next_iv(struct worker *w);
extern const char *bench_softhsm_path;
extern int bench_afalg_access;		/* KCAPI_ACCESS_* (afalg.c) */
extern bool bench_verbose;

#endif /* SKS_BENCH_H */
