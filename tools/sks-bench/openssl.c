// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench: OpenSSL EVP in-process, the no-syscall limit. Same work as
 * the AF_ALG baseline: AES-256-GCM over the blob bytes for extract and
 * insert, HMAC-SHA-256 through EVP_MAC, and for the cycle a decrypt, a new
 * key schedule and a 4 KiB encryption.
 */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const uint8_t zero_iv[12];
static EVP_MAC *hmac;
static EVP_PKEY *ec;		/* the P-256 key of the ECDSA cases */

static int gcm_enc(EVP_CIPHER_CTX *c, const uint8_t *key, const uint8_t *iv,
		   const uint8_t *in, int aad, int len, uint8_t *out)
{
	int n;

	if (!EVP_EncryptInit_ex(c, NULL, NULL, key, iv))
		return -1;
	if (aad && !EVP_EncryptUpdate(c, NULL, &n, in, aad))
		return -1;
	memcpy(out, in, aad);
	if (!EVP_EncryptUpdate(c, out + aad, &n, in + aad, len) ||
	    !EVP_EncryptFinal_ex(c, out + aad + n, &n) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, BENCH_TAG,
				 out + aad + len))
		return -1;
	return 0;
}

static int gcm_dec(EVP_CIPHER_CTX *c, const uint8_t *in, int total,
		   uint8_t *out)
{
	int n, len = total - BENCH_HDR - BENCH_TAG;

	if (!EVP_DecryptInit_ex(c, NULL, NULL, NULL, zero_iv) ||
	    !EVP_DecryptUpdate(c, NULL, &n, in, BENCH_HDR) ||
	    !EVP_DecryptUpdate(c, out + BENCH_HDR, &n, in + BENCH_HDR, len) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, BENCH_TAG,
				 (void *)(in + BENCH_HDR + len)) ||
	    EVP_DecryptFinal_ex(c, out + BENCH_HDR + n, &n) <= 0)
		return -1;
	return 0;
}

static int ossl_setup(int nworkers, struct worker *ws, char *why, size_t len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 "SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	int i;

	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!hmac) {
		snprintf(why, len, "EVP_MAC_fetch(HMAC) failed");
		return -1;
	}
	ec = EVP_EC_gen("P-256");
	if (!ec) {
		snprintf(why, len, "EVP_EC_gen(P-256) failed");
		return -1;
	}
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];

		/* One context each, initialised once, as an application
		 * signing all day keeps it. */
		w->sctx = EVP_PKEY_CTX_new(ec, NULL);
		w->vctx = EVP_PKEY_CTX_new(ec, NULL);
		w->osig_len = sizeof(w->osig);
		if (!w->sctx || !w->vctx || EVP_PKEY_sign_init(w->sctx) <= 0 ||
		    EVP_PKEY_verify_init(w->vctx) <= 0 ||
		    EVP_PKEY_sign(w->sctx, w->osig, &w->osig_len, w->in,
				  BENCH_DIGEST) <= 0) {
			snprintf(why, len, "OpenSSL ECDSA set-up failed");
			return -1;
		}
		w->ectx = EVP_CIPHER_CTX_new();
		w->dctx = EVP_CIPHER_CTX_new();
		w->mctx = EVP_MAC_CTX_new(hmac);
		if (!w->ectx || !w->dctx || !w->mctx ||
		    !EVP_EncryptInit_ex(w->ectx, EVP_aes_256_gcm(), NULL,
					bench_key, zero_iv) ||
		    !EVP_DecryptInit_ex(w->dctx, EVP_aes_256_gcm(), NULL,
					bench_key, zero_iv) ||
		    !EVP_MAC_init(w->mctx, bench_key, 32, params)) {
			snprintf(why, len, "OpenSSL context set-up failed");
			return -1;
		}
	}
	return 0;
}

static void ossl_teardown(int nworkers, struct worker *ws)
{
	int i;

	for (i = 0; i < nworkers; i++) {
		EVP_CIPHER_CTX_free(ws[i].ectx);
		EVP_CIPHER_CTX_free(ws[i].dctx);
		EVP_MAC_CTX_free(ws[i].mctx);
		EVP_PKEY_CTX_free(ws[i].sctx);
		EVP_PKEY_CTX_free(ws[i].vctx);
		ws[i].ectx = ws[i].dctx = NULL;
		ws[i].mctx = NULL;
		ws[i].sctx = ws[i].vctx = NULL;
	}
	EVP_PKEY_free(ec);
	ec = NULL;
	EVP_MAC_free(hmac);
	hmac = NULL;
}

/*
 * The ciphertexts the decrypting baselines use: the blob-sized plaintext
 * sealed under bench_key with a zero IV (AES-GCM is deterministic, so
 * AF_ALG and OpenSSL share them).
 */
int bench_seal(struct worker *w)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int err;

	if (!c || !EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL)) {
		EVP_CIPHER_CTX_free(c);
		return -1;
	}
	err = gcm_enc(c, bench_key, zero_iv, w->in, BENCH_HDR,
		      bench_sizes.blob1 - BENCH_HDR - BENCH_TAG, w->ct1) ||
	      gcm_enc(c, bench_key, zero_iv, w->in, BENCH_HDR,
		      bench_sizes.blob100 - BENCH_HDR - BENCH_TAG, w->ct100);
	EVP_CIPHER_CTX_free(c);
	return err ? -1 : 0;
}

static int enc(struct worker *w, const uint8_t *key, int aad, int len)
{
	bench_next_iv(w);
	if (gcm_enc(w->ectx, key, w->iv, w->in, aad, len, w->out)) {
		bench_fail(w, "EVP AES-256-GCM encrypt failed");
		return -1;
	}
	return 0;
}

static int dec(struct worker *w, const uint8_t *ct, int total)
{
	if (gcm_dec(w->dctx, ct, total, w->out)) {
		bench_fail(w, "EVP AES-256-GCM decrypt failed");
		return -1;
	}
	return 0;
}

static int ossl_extract1(struct worker *w)
{
	return enc(w, NULL, BENCH_HDR, bench_sizes.blob1 - BENCH_HDR - BENCH_TAG);
}

static int ossl_extract100(struct worker *w)
{
	return enc(w, NULL, BENCH_HDR,
		   bench_sizes.blob100 - BENCH_HDR - BENCH_TAG);
}

static int ossl_insert1(struct worker *w)
{
	return dec(w, w->ct1, bench_sizes.blob1);
}

static int ossl_insert100(struct worker *w)
{
	return dec(w, w->ct100, bench_sizes.blob100);
}

static int ossl_enc64(struct worker *w)
{
	return enc(w, NULL, 0, BENCH_SMALL);
}

static int ossl_batch16(struct worker *w)
{
	int i;

	for (i = 0; i < BENCH_BATCH; i++)
		if (ossl_enc64(w))
			return -1;
	return 0;
}

static int ossl_enc4k(struct worker *w)
{
	return enc(w, NULL, 0, BENCH_BIG);
}

static int ossl_hmac64(struct worker *w)
{
	size_t n;

	if (!EVP_MAC_init(w->mctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(w->mctx, w->in, BENCH_SMALL) ||
	    !EVP_MAC_final(w->mctx, w->out, &n, 64)) {
		bench_fail(w, "EVP_MAC HMAC-SHA-256 failed");
		return -1;
	}
	return 0;
}

static int ossl_ecdsa_sign(struct worker *w)
{
	size_t n = 80;

	if (EVP_PKEY_sign(w->sctx, w->out, &n, w->in, BENCH_DIGEST) <= 0) {
		bench_fail(w, "EVP_PKEY_sign ECDSA failed");
		return -1;
	}
	return 0;
}

static int ossl_ecdsa_verify(struct worker *w)
{
	if (EVP_PKEY_verify(w->vctx, w->osig, w->osig_len, w->in,
			    BENCH_DIGEST) != 1) {
		bench_fail(w, "EVP_PKEY_verify ECDSA failed");
		return -1;
	}
	return 0;
}

static int ossl_cycle(struct worker *w)
{
	uint8_t key[32];

	if (dec(w, w->ct1, bench_sizes.blob1))
		return -1;
	memcpy(key, w->out + BENCH_HDR, sizeof(key));
	return enc(w, key, 0, BENCH_BIG);
}

const struct bench_impl_ops openssl_impl = {
	.name = "openssl",
	.setup = ossl_setup,
	.teardown = ossl_teardown,
	.op = {
		[CASE_EXTRACT1] = ossl_extract1,
		[CASE_EXTRACT100] = ossl_extract100,
		[CASE_INSERT1] = ossl_insert1,
		[CASE_INSERT100] = ossl_insert100,
		[CASE_ENC64] = ossl_enc64,
		[CASE_ENC4K] = ossl_enc4k,
		[CASE_HMAC64] = ossl_hmac64,
		[CASE_CYCLE] = ossl_cycle,
		[CASE_BATCH16] = ossl_batch16,
		[CASE_ECDSA_SIGN] = ossl_ecdsa_sign,
		[CASE_ECDSA_VERIFY] = ossl_ecdsa_verify,
	},
	.what = {
		[CASE_EXTRACT1] = "EVP AES-256-GCM encrypt of a 1-key blob's bytes",
		[CASE_EXTRACT100] = "EVP AES-256-GCM encrypt of a 100-key blob's bytes",
		[CASE_INSERT1] = "EVP AES-256-GCM decrypt of a 1-key blob's bytes",
		[CASE_INSERT100] = "EVP AES-256-GCM decrypt of a 100-key blob's bytes",
		[CASE_ENC64] = "EVP AES-256-GCM encrypt",
		[CASE_ENC4K] = "EVP AES-256-GCM encrypt",
		[CASE_HMAC64] = "EVP_MAC HMAC-SHA-256",
		[CASE_CYCLE] = "decrypt 1-key blob, new key schedule, encrypt 4 KiB",
		[CASE_BATCH16] = "16 x EVP AES-256-GCM encrypt",
		[CASE_ECDSA_SIGN] = "EVP_PKEY_sign ECDSA P-256 of a 32-byte hash (context kept)",
		[CASE_ECDSA_VERIFY] = "EVP_PKEY_verify ECDSA P-256 (context kept)",
	},
};
