// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench: AF_ALG baseline through libkcapi's one-shot calls on keyed
 * handles (kcapi_aead_encrypt/decrypt, kcapi_md_digest): the cost floor of
 * reaching kernel crypto from user space.
 *
 * extract/insert: gcm(aes) encryption/decryption of exactly the bytes of
 * the SKS blob (80-byte header as AAD, the payload, the tag); cycle:
 * decrypt a 1-key blob, make and key a new handle, encrypt 4 KiB.
 */
#include <kcapi.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const uint8_t zero_iv[12];
int bench_afalg_access = KCAPI_ACCESS_HEURISTIC;

static int afalg_setup(int nworkers, struct worker *ws, char *why, size_t len)
{
	int i;

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];

		if (kcapi_aead_init(&w->gcm, "gcm(aes)", 0) ||
		    kcapi_md_init(&w->md, "hmac(sha256)", 0)) {
			snprintf(why, len, "kcapi init failed");
			return -1;
		}
		if (kcapi_aead_setkey(w->gcm, bench_key, 32) ||
		    kcapi_aead_settaglen(w->gcm, BENCH_TAG) ||
		    kcapi_md_setkey(w->md, bench_key, 32)) {
			snprintf(why, len, "kcapi setkey failed");
			return -1;
		}
	}
	return 0;
}

static void afalg_teardown(int nworkers, struct worker *ws)
{
	int i;

	for (i = 0; i < nworkers; i++) {
		kcapi_aead_destroy(ws[i].gcm);
		kcapi_md_destroy(ws[i].md);
		ws[i].gcm = NULL;
		ws[i].md = NULL;
	}
}

static int enc(struct worker *w, struct kcapi_handle *h, size_t aad,
	       size_t len)
{
	ssize_t r;

	bench_next_iv(w);
	kcapi_aead_setassoclen(h, aad);
	r = kcapi_aead_encrypt(h, w->in, aad + len, w->iv, w->out,
			       aad + len + BENCH_TAG, bench_afalg_access);
	if (r != (ssize_t)(aad + len + BENCH_TAG)) {
		bench_fail(w, "kcapi_aead_encrypt: %zd", r);
		return -1;
	}
	return 0;
}

static int dec(struct worker *w, const uint8_t *ct, size_t total)
{
	ssize_t r;

	kcapi_aead_setassoclen(w->gcm, BENCH_HDR);
	r = kcapi_aead_decrypt(w->gcm, ct, total, zero_iv, w->out,
			       total - BENCH_TAG, bench_afalg_access);
	if (r != (ssize_t)(total - BENCH_TAG)) {
		bench_fail(w, "kcapi_aead_decrypt: %zd", r);
		return -1;
	}
	return 0;
}

static int afalg_extract1(struct worker *w)
{
	return enc(w, w->gcm, BENCH_HDR,
		   bench_sizes.blob1 - BENCH_HDR - BENCH_TAG);
}

static int afalg_extract100(struct worker *w)
{
	return enc(w, w->gcm, BENCH_HDR,
		   bench_sizes.blob100 - BENCH_HDR - BENCH_TAG);
}

static int afalg_insert1(struct worker *w)
{
	return dec(w, w->ct1, bench_sizes.blob1);
}

static int afalg_insert100(struct worker *w)
{
	return dec(w, w->ct100, bench_sizes.blob100);
}

static int afalg_enc64(struct worker *w)
{
	return enc(w, w->gcm, 0, BENCH_SMALL);
}

static int afalg_batch16(struct worker *w)
{
	int i;

	for (i = 0; i < BENCH_BATCH; i++)
		if (afalg_enc64(w))
			return -1;
	return 0;
}

static int afalg_enc4k(struct worker *w)
{
	return enc(w, w->gcm, 0, BENCH_BIG);
}

static int afalg_hmac64(struct worker *w)
{
	ssize_t r = kcapi_md_digest(w->md, w->in, BENCH_SMALL, w->out, 32);

	if (r != 32) {
		bench_fail(w, "kcapi_md_digest: %zd", r);
		return -1;
	}
	return 0;
}

/*
 * The kernel refuses to rekey an AF_ALG handle that has an operation
 * socket (EBUSY): a new key needs a new handle.
 */
static int afalg_cycle(struct worker *w)
{
	struct kcapi_handle *h;
	uint8_t key[32];
	int err;

	if (dec(w, w->ct1, bench_sizes.blob1))
		return -1;
	/* The key bytes sit in the record; any 32 bytes of it will do. */
	memcpy(key, w->out + BENCH_HDR, sizeof(key));
	if (kcapi_aead_init(&h, "gcm(aes)", 0)) {
		bench_fail(w, "kcapi_aead_init failed");
		return -1;
	}
	if (kcapi_aead_setkey(h, key, sizeof(key)) ||
	    kcapi_aead_settaglen(h, BENCH_TAG)) {
		bench_fail(w, "kcapi_aead_setkey failed");
		kcapi_aead_destroy(h);
		return -1;
	}
	err = enc(w, h, 0, BENCH_BIG);
	kcapi_aead_destroy(h);
	return err;
}

const struct bench_impl_ops afalg_impl = {
	.name = "af_alg",
	.setup = afalg_setup,
	.teardown = afalg_teardown,
	.op = {
		[CASE_EXTRACT1] = afalg_extract1,
		[CASE_EXTRACT100] = afalg_extract100,
		[CASE_INSERT1] = afalg_insert1,
		[CASE_INSERT100] = afalg_insert100,
		[CASE_ENC64] = afalg_enc64,
		[CASE_ENC4K] = afalg_enc4k,
		[CASE_HMAC64] = afalg_hmac64,
		[CASE_CYCLE] = afalg_cycle,
		[CASE_BATCH16] = afalg_batch16,
	},
	.what = {
		[CASE_EXTRACT1] = "gcm(aes) encrypt of a 1-key blob's bytes, keyed handle",
		[CASE_EXTRACT100] = "gcm(aes) encrypt of a 100-key blob's bytes",
		[CASE_INSERT1] = "gcm(aes) decrypt of a 1-key blob's bytes",
		[CASE_INSERT100] = "gcm(aes) decrypt of a 100-key blob's bytes",
		[CASE_ENC64] = "gcm(aes) encrypt, keyed handle",
		[CASE_ENC4K] = "gcm(aes) encrypt, keyed handle",
		[CASE_HMAC64] = "hmac(sha256) digest, keyed handle",
		[CASE_CYCLE] = "decrypt 1-key blob, new keyed handle, encrypt 4 KiB",
		[CASE_BATCH16] = "16 x gcm(aes) encrypt, keyed handle",
		[CASE_ECDSA_SIGN] = "the kernel crypto API has no ECDSA signer",
		[CASE_ECDSA_VERIFY] = "no ecdsa akcipher in Debian's 6.1 (CONFIG_CRYPTO_ECDSA off)",
	},
};
