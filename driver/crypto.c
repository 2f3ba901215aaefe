// SPDX-License-Identifier: GPL-2.0
/*
 * sks - key derivation (HKDF-SHA-256, PBKDF2-HMAC-SHA256), role secrets,
 * SKS Master Keys and the power-up self-test.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "sks.h"

#define SKS_SHA256_LEN	32
#define SKS_KDF_RESCHED	1024	/* PBKDF2 iterations between reschedules */

/* One info label per purpose, so derived values never collide. */
static const char sks_fp_info[] = "SKS v1 SMK fingerprint";

/**
 * sks_shash_forget_key() - rekey a keyed hash with the empty key.
 * @tfm: a keyed shash (hmac) whose key came from a secret.
 *
 * An HMAC transform keeps its key's inner and outer pad state until the
 * next setkey; this overwrites it, so nothing derived from a secret stays
 * in a long-lived transform after the secret was used.
 *
 * Context: process context; holds the caller's lock of @tfm.
 */
void sks_shash_forget_key(struct crypto_shash *tfm)
{
	static const u8 empty[1];

	crypto_shash_setkey(tfm, empty, 0);
}

/**
 * sks_hkdf_setup() - HKDF-Extract into a keyed hmac(sha256) transform.
 * @hkdf: context to set up.
 * @salt: HKDF salt, or NULL for the default (32 zero bytes).
 * @saltlen: length of @salt.
 * @ikm: input keying material.
 * @ikmlen: length of @ikm.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno; on error @hkdf holds nothing.
 */
int sks_hkdf_setup(struct sks_hkdf *hkdf, const u8 *salt, unsigned int saltlen,
		   const u8 *ikm, unsigned int ikmlen)
{
	static const u8 zero_salt[SKS_SHA256_LEN];
	struct crypto_shash *tfm;
	u8 prk[SKS_SHA256_LEN];
	int err;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	if (!salt) {
		salt = zero_salt;
		saltlen = sizeof(zero_salt);
	}
	err = crypto_shash_setkey(tfm, salt, saltlen);
	if (err)
		goto err_free;
	err = crypto_shash_tfm_digest(tfm, ikm, ikmlen, prk);
	if (err)
		goto err_wipe;
	err = crypto_shash_setkey(tfm, prk, sizeof(prk));
	if (err)
		goto err_wipe;
	memzero_explicit(prk, sizeof(prk));
	hkdf->hmac_tfm = tfm;
	return 0;

err_wipe:
	memzero_explicit(prk, sizeof(prk));
err_free:
	crypto_free_shash(tfm);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sks_hkdf_setup);

/**
 * sks_hkdf_expand_tfm() - HKDF-Expand (RFC 5869 section 2.3) with a PRK
 * keyed into an hmac(sha256) transform.
 * @tfm: hmac(sha256) keyed with the PRK.
 * @info: context and application specific information.
 * @infolen: length of @info.
 * @okm: output keying material.
 * @okmlen: length of @okm, at most 255 * 32.
 *
 * Safe to call concurrently on one transform: it is not rekeyed.
 *
 * Context: process context.
 * Return: 0 or a negative errno (@okm wiped).
 */
int sks_hkdf_expand_tfm(struct crypto_shash *tfm, const u8 *info,
			unsigned int infolen, u8 *okm, unsigned int okmlen)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 tmp[SKS_SHA256_LEN];
	unsigned int i;
	u8 counter = 1;
	int err = 0;

	if (okmlen > 255 * SKS_SHA256_LEN)
		return -EINVAL;
	desc->tfm = tfm;
	for (i = 0; i < okmlen; i += SKS_SHA256_LEN) {
		err = crypto_shash_init(desc);
		if (!err && i)
			err = crypto_shash_update(desc, &okm[i - SKS_SHA256_LEN],
						  SKS_SHA256_LEN);
		if (!err)
			err = crypto_shash_update(desc, info, infolen);
		if (!err)
			err = crypto_shash_update(desc, &counter, 1);
		if (err)
			break;
		if (okmlen - i < SKS_SHA256_LEN) {
			err = crypto_shash_final(desc, tmp);
			memcpy(&okm[i], tmp, okmlen - i);
			memzero_explicit(tmp, sizeof(tmp));
		} else {
			err = crypto_shash_final(desc, &okm[i]);
		}
		if (err)
			break;
		counter++;
	}
	shash_desc_zero(desc);
	if (err)
		memzero_explicit(okm, okmlen);
	return err;
}

/**
 * sks_hkdf_expand() - HKDF-Expand with the PRK held by @hkdf.
 * @hkdf: context from sks_hkdf_setup().
 * @info: context and application specific information.
 * @infolen: length of @info.
 * @okm: output keying material.
 * @okmlen: length of @okm, at most 255 * 32.
 *
 * Safe to call concurrently on one context: the transform is not rekeyed.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int sks_hkdf_expand(const struct sks_hkdf *hkdf, const u8 *info,
		    unsigned int infolen, u8 *okm, unsigned int okmlen)
{
	return sks_hkdf_expand_tfm(hkdf->hmac_tfm, info, infolen, okm, okmlen);
}
EXPORT_SYMBOL_IF_KUNIT(sks_hkdf_expand);

/**
 * sks_hkdf_destroy() - free an HKDF context (the transform wipes the PRK).
 * @hkdf: context; may be unset.
 *
 * Context: process context.
 */
void sks_hkdf_destroy(struct sks_hkdf *hkdf)
{
	crypto_free_shash(hkdf->hmac_tfm);
	hkdf->hmac_tfm = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(sks_hkdf_destroy);

/**
 * sks_pbkdf2_sha256() - PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2).
 * @tfm: hmac(sha256) transform; rekeyed with @pass, so the caller must
 *	own it exclusively. It is rekeyed with an empty key before returning,
 *	so no state derived from @pass stays in it.
 * @pass: password.
 * @passlen: length of @pass.
 * @salt: salt.
 * @saltlen: length of @salt, at most 64.
 * @iterations: iteration count, at least 1.
 * @out: derived key.
 * @outlen: length of @out.
 *
 * The loop reschedules every SKS_KDF_RESCHED iterations and gives up with
 * -EINTR when the calling task is being killed, so even the largest cost a
 * file may ask for keeps no CPU and no task hostage.
 *
 * Context: process context, may sleep; holds the caller's lock of @tfm.
 * Return: 0, -EINTR (fatal signal), or another negative errno; @out is
 * wiped on error.
 */
int sks_pbkdf2_sha256(struct crypto_shash *tfm, const u8 *pass, size_t passlen,
		      const u8 *salt, size_t saltlen, unsigned int iterations,
		      u8 *out, size_t outlen)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 u[SKS_SHA256_LEN], t[SKS_SHA256_LEN];
	__be32 block_be;
	unsigned int it, j;
	size_t done, n;
	u32 block = 1;
	int err;

	if (!iterations || saltlen > 64)
		return -EINVAL;
	err = crypto_shash_setkey(tfm, pass, passlen);
	if (err)
		return err;
	desc->tfm = tfm;
	for (done = 0; done < outlen; done += n, block++) {
		block_be = cpu_to_be32(block);
		err = crypto_shash_init(desc);
		if (!err)
			err = crypto_shash_update(desc, salt, saltlen);
		if (!err)
			err = crypto_shash_update(desc, (u8 *)&block_be,
						  sizeof(block_be));
		if (!err)
			err = crypto_shash_final(desc, u);
		if (err)
			break;
		memcpy(t, u, sizeof(t));
		for (it = 1; it < iterations; it++) {
			if (!(it % SKS_KDF_RESCHED)) {
				if (fatal_signal_pending(current)) {
					err = -EINTR;
					break;
				}
				cond_resched();
			}
			err = crypto_shash_digest(desc, u, sizeof(u), u);
			if (err)
				break;
			for (j = 0; j < sizeof(t); j++)
				t[j] ^= u[j];
		}
		if (err)
			break;
		n = min_t(size_t, outlen - done, sizeof(t));
		memcpy(out + done, t, n);
	}
	memzero_explicit(u, sizeof(u));
	memzero_explicit(t, sizeof(t));
	shash_desc_zero(desc);
	sks_shash_forget_key(tfm);
	if (err)
		memzero_explicit(out, outlen);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sks_pbkdf2_sha256);

/**
 * sks_secret_set() - store a new secret as salt and PBKDF2 hash.
 * @tfm: hmac(sha256) transform owned by the caller.
 * @s: secret to fill in.
 * @pin: the secret.
 * @len: its length.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then @s is unchanged).
 */
int sks_secret_set(struct crypto_shash *tfm, struct sks_secret *s,
		   const u8 *pin, size_t len)
{
	struct sks_secret tmp;
	int err;

	get_random_bytes(tmp.salt, sizeof(tmp.salt));
	tmp.iterations = sks_pbkdf2_iterations;
	err = sks_pbkdf2_sha256(tfm, pin, len, tmp.salt, sizeof(tmp.salt),
				tmp.iterations, tmp.hash, sizeof(tmp.hash));
	if (!err) {
		tmp.set = true;
		*s = tmp;
	}
	memzero_explicit(&tmp, sizeof(tmp));
	return err;
}

/**
 * sks_secret_check() - compare a candidate with a stored secret.
 * @tfm: hmac(sha256) transform owned by the caller.
 * @s: stored secret (a copy taken under the slot lock).
 * @pin: candidate.
 * @len: its length.
 * @match: out: true if the candidate is right.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int sks_secret_check(struct crypto_shash *tfm, const struct sks_secret *s,
		     const u8 *pin, size_t len, bool *match)
{
	u8 hash[SKS_SECRET_HASH_LEN];
	int err;

	*match = false;
	if (!s->set)
		return 0;
	err = sks_pbkdf2_sha256(tfm, pin, len, s->salt, sizeof(s->salt),
				s->iterations, hash, sizeof(hash));
	if (!err)
		*match = !crypto_memneq(hash, s->hash, sizeof(hash));
	memzero_explicit(hash, sizeof(hash));
	return err;
}

/* A scatterlist over a kmalloc'd or vmalloc'd buffer (pages one by one). */
static int sks_sg_init(struct sg_table *t, u8 *buf, size_t len)
{
	struct scatterlist *sg;
	unsigned int n, i;
	size_t off = 0;
	int err;

	if (!is_vmalloc_addr(buf)) {
		err = sg_alloc_table(t, 1, GFP_KERNEL);
		if (!err)
			sg_set_buf(t->sgl, buf, len);
		return err;
	}
	n = DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE);
	err = sg_alloc_table(t, n, GFP_KERNEL);
	if (err)
		return err;
	for_each_sg(t->sgl, sg, n, i) {
		size_t chunk = min_t(size_t, len - off,
				     PAGE_SIZE - offset_in_page(buf + off));

		sg_set_page(sg, vmalloc_to_page(buf + off), chunk,
			    offset_in_page(buf + off));
		off += chunk;
	}
	return 0;
}

/**
 * sks_gcm_buf() - AES-256-GCM in place over one buffer: AAD, text, tag.
 * @tfm: a gcm(aes) transform with a 16-byte tag, owned by the caller
 *	(it is rekeyed).
 * @key: 32-byte key.
 * @enc: encrypt (the tag is written after the text) or decrypt (the tag
 *	is checked).
 * @buf: AAD || text || tag, kmalloc'd or kvmalloc'd (vmalloc pages are
 *	handed to the cipher one by one).
 * @aad_len: bytes of AAD at @buf.
 * @text_len: bytes of text after it.
 * @iv: SKS_GCM_IV_LEN bytes.
 *
 * Context: process context, may sleep; holds the caller's lock of @tfm.
 * Return: 0, -EBADMSG (decryption: the tag does not verify), or another
 * negative errno.
 */
int sks_gcm_buf(struct crypto_aead *tfm, const u8 *key, bool enc, u8 *buf,
		size_t aad_len, size_t text_len, const u8 *iv)
{
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	struct sg_table t;
	u8 *ivc;
	int err;

	err = crypto_aead_setkey(tfm, key, 32);
	if (err)
		return err;
	ivc = kmemdup(iv, SKS_GCM_IV_LEN, GFP_KERNEL);
	req = aead_request_alloc(tfm, GFP_KERNEL);
	err = sks_sg_init(&t, buf, aad_len + text_len + SKS_GCM_TAG_LEN);
	if (!err && (!ivc || !req)) {
		sg_free_table(&t);
		err = -ENOMEM;
	}
	if (err)
		goto out;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, t.sgl, t.sgl,
			       text_len + (enc ? 0 : SKS_GCM_TAG_LEN), ivc);
	err = crypto_wait_req(enc ? crypto_aead_encrypt(req) :
			      crypto_aead_decrypt(req), &wait);
	sg_free_table(&t);
out:
	aead_request_free(req);
	kfree(ivc);
	return err;
}

/**
 * sks_gcm_alloc() - a gcm(aes) transform with a 16-byte tag.
 *
 * Context: process context, may sleep.
 * Return: the transform or an ERR_PTR.
 */
struct crypto_aead *sks_gcm_alloc(void)
{
	struct crypto_aead *tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	int err;

	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setauthsize(tfm, SKS_GCM_TAG_LEN);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

/**
 * sks_smk_import() - make an SKS Master Key from a given key value (an SMK
 * loaded from a Backup HSM image).
 * @key: SKS_SMK_LEN bytes; the caller wipes its copy.
 *
 * Context: process context, may sleep.
 * Return: the SMK with one reference, or an ERR_PTR.
 */
struct sks_smk *sks_smk_import(const u8 *key)
{
	struct sks_smk *smk;
	int err;

	smk = kzalloc(sizeof(*smk), GFP_KERNEL);
	if (!smk)
		return ERR_PTR(-ENOMEM);
	kref_init(&smk->ref);
	memcpy(smk->key, key, sizeof(smk->key));
	err = sks_hkdf_setup(&smk->hkdf, NULL, 0, smk->key, sizeof(smk->key));
	if (err)
		goto err_free;
	err = sks_hkdf_expand(&smk->hkdf, sks_fp_info, sizeof(sks_fp_info) - 1,
			      smk->fingerprint, sizeof(smk->fingerprint));
	if (err)
		goto err_hkdf;
	return smk;

err_hkdf:
	sks_hkdf_destroy(&smk->hkdf);
err_free:
	kfree_sensitive(smk);
	return ERR_PTR(err);
}

/**
 * sks_smk_create() - make a new random SKS Master Key.
 *
 * Context: process context, may sleep.
 * Return: the SMK with one reference, or an ERR_PTR.
 */
struct sks_smk *sks_smk_create(void)
{
	u8 key[SKS_SMK_LEN];
	struct sks_smk *smk;

	get_random_bytes(key, sizeof(key));
	smk = sks_smk_import(key);
	memzero_explicit(key, sizeof(key));
	return smk;
}

static void sks_smk_release(struct kref *ref)
{
	struct sks_smk *smk = container_of(ref, struct sks_smk, ref);

	sks_hkdf_destroy(&smk->hkdf);
	kfree_sensitive(smk);
}

/**
 * sks_smk_put() - drop a reference; the last one wipes the SMK.
 * @smk: SMK or NULL.
 *
 * Context: process context.
 */
void sks_smk_put(struct sks_smk *smk)
{
	if (smk)
		kref_put(&smk->ref, sks_smk_release);
}

/* ---- power-up self-test ---- */

/* GCM spec (McGrew/Viega) test case 4: AES-128, 60-byte text, AAD. */
static const u8 kat_gcm_key[] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};

static const u8 kat_gcm_iv[] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad,
	0xde, 0xca, 0xf8, 0x88,
};

static const u8 kat_gcm_pt[] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5,
	0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
	0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
	0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53,
	0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57,
	0xba, 0x63, 0x7b, 0x39,
};

static const u8 kat_gcm_aad[] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xab, 0xad, 0xda, 0xd2,
};

static const u8 kat_gcm_ct[] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24,
	0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c,
	0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0,
	0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e,
	0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c,
	0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
	0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97,
	0x3d, 0x58, 0xe0, 0x91, 0x5b, 0xc9, 0x4f, 0xbc,
	0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a,
	0xe7, 0x12, 0x1a, 0x47,
};

static const u8 kat_hmac256[] = {
	0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
	0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
	0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
	0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
};

static const u8 kat_hmac384[] = {
	0xaf, 0x45, 0xd2, 0xe3, 0x76, 0x48, 0x40, 0x31,
	0x61, 0x7f, 0x78, 0xd2, 0xb5, 0x8a, 0x6b, 0x1b,
	0x9c, 0x7e, 0xf4, 0x64, 0xf5, 0xa0, 0x1b, 0x47,
	0xe4, 0x2e, 0xc3, 0x73, 0x63, 0x22, 0x44, 0x5e,
	0x8e, 0x22, 0x40, 0xca, 0x5e, 0x69, 0xe2, 0xc7,
	0x8b, 0x32, 0x39, 0xec, 0xfa, 0xb2, 0x16, 0x49,
};

static const u8 kat_hmac512[] = {
	0x16, 0x4b, 0x7a, 0x7b, 0xfc, 0xf8, 0x19, 0xe2,
	0xe3, 0x95, 0xfb, 0xe7, 0x3b, 0x56, 0xe0, 0xa3,
	0x87, 0xbd, 0x64, 0x22, 0x2e, 0x83, 0x1f, 0xd6,
	0x10, 0x27, 0x0c, 0xd7, 0xea, 0x25, 0x05, 0x54,
	0x97, 0x58, 0xbf, 0x75, 0xc0, 0x5a, 0x99, 0x4a,
	0x6d, 0x03, 0x4f, 0x65, 0xf8, 0xf0, 0xe6, 0xfd,
	0xca, 0xea, 0xb1, 0xa3, 0x4d, 0x4a, 0x6b, 0x4b,
	0x63, 0x6e, 0x07, 0x0a, 0x38, 0xbc, 0xe7, 0x37,
};

static const u8 kat_hkdf_ikm[] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};

static const u8 kat_hkdf_salt[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c,
};

static const u8 kat_hkdf_info[] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9,
};

static const u8 kat_hkdf_okm[] = {
	0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a,
	0x90, 0x43, 0x4f, 0x64, 0xd0, 0x36, 0x2f, 0x2a,
	0x2d, 0x2d, 0x0a, 0x90, 0xcf, 0x1a, 0x5a, 0x4c,
	0x5d, 0xb0, 0x2d, 0x56, 0xec, 0xc4, 0xc5, 0xbf,
	0x34, 0x00, 0x72, 0x08, 0xd5, 0xb8, 0x87, 0x18,
	0x58, 0x65,
};

static const u8 kat_pbkdf2_dk[] = {
	0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f,
	0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
	0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65,
	0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc,
	0x49, 0xca, 0x9c, 0xcc, 0xf1, 0x79, 0xb6, 0x45,
	0x99, 0x16, 0x64, 0xb3, 0x9d, 0x77, 0xef, 0x31,
	0x7c, 0x71, 0xb8, 0x45, 0xb1, 0xe3, 0x0b, 0xd5,
	0x09, 0x11, 0x20, 0x41, 0xd3, 0xa1, 0x97, 0x83,
};

static int sks_kat_gcm(void)
{
	const size_t ptlen = sizeof(kat_gcm_pt), aadlen = sizeof(kat_gcm_aad);
	struct aead_request *req = NULL;
	struct crypto_aead *tfm;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 *buf, *iv;
	int err;

	tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	/* [aad | text | tag | iv], on the heap for the scatterlist */
	buf = kmalloc(aadlen + sizeof(kat_gcm_ct) + SKS_GCM_IV_LEN, GFP_KERNEL);
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!buf || !req) {
		err = -ENOMEM;
		goto out;
	}
	iv = buf + aadlen + sizeof(kat_gcm_ct);
	err = crypto_aead_setkey(tfm, kat_gcm_key, sizeof(kat_gcm_key));
	if (!err)
		err = crypto_aead_setauthsize(tfm, SKS_GCM_TAG_LEN);
	if (err)
		goto out;

	memcpy(buf, kat_gcm_aad, aadlen);
	memcpy(buf + aadlen, kat_gcm_pt, ptlen);
	memcpy(iv, kat_gcm_iv, SKS_GCM_IV_LEN);
	sg_init_one(&sg, buf, aadlen + sizeof(kat_gcm_ct));
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aadlen);
	aead_request_set_crypt(req, &sg, &sg, ptlen, iv);
	err = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	if (!err && memcmp(buf + aadlen, kat_gcm_ct, sizeof(kat_gcm_ct)))
		err = -EBADMSG;
	if (err)
		goto out;

	aead_request_set_crypt(req, &sg, &sg, sizeof(kat_gcm_ct), iv);
	err = crypto_wait_req(crypto_aead_decrypt(req), &wait);
	if (!err && memcmp(buf + aadlen, kat_gcm_pt, ptlen))
		err = -EBADMSG;
	if (err)
		goto out;

	/* A changed tag must be refused. */
	memcpy(buf + aadlen, kat_gcm_ct, sizeof(kat_gcm_ct));
	buf[aadlen + sizeof(kat_gcm_ct) - 1] ^= 1;
	err = crypto_wait_req(crypto_aead_decrypt(req), &wait);
	err = err == -EBADMSG ? 0 : -EINVAL;
out:
	aead_request_free(req);
	kfree(buf);
	crypto_free_aead(tfm);
	return err;
}

/* RFC 4231 test case 2: key "Jefe". */
static int sks_kat_hmac(const char *alg, const u8 *mac, unsigned int maclen)
{
	static const char data[] = "what do ya want for nothing?";
	struct crypto_shash *tfm;
	u8 out[64];
	int err;

	tfm = crypto_alloc_shash(alg, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, "Jefe", 4);
	if (!err)
		err = crypto_shash_tfm_digest(tfm, data, sizeof(data) - 1, out);
	if (!err && (maclen != crypto_shash_digestsize(tfm) ||
		     memcmp(out, mac, maclen)))
		err = -EBADMSG;
	crypto_free_shash(tfm);
	return err;
}

/* RFC 5869 test case 1. */
static int sks_kat_hkdf(void)
{
	struct sks_hkdf hkdf = {};
	u8 out[sizeof(kat_hkdf_okm)];
	int err;

	err = sks_hkdf_setup(&hkdf, kat_hkdf_salt, sizeof(kat_hkdf_salt),
			     kat_hkdf_ikm, sizeof(kat_hkdf_ikm));
	if (err)
		return err;
	err = sks_hkdf_expand(&hkdf, kat_hkdf_info, sizeof(kat_hkdf_info),
			      out, sizeof(out));
	if (!err && memcmp(out, kat_hkdf_okm, sizeof(out)))
		err = -EBADMSG;
	sks_hkdf_destroy(&hkdf);
	return err;
}

/* RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64). */
static int sks_kat_pbkdf2(void)
{
	struct crypto_shash *tfm;
	u8 out[sizeof(kat_pbkdf2_dk)];
	int err;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = sks_pbkdf2_sha256(tfm, "passwd", 6, "salt", 4, 1, out,
				sizeof(out));
	if (!err && memcmp(out, kat_pbkdf2_dk, sizeof(out)))
		err = -EBADMSG;
	crypto_free_shash(tfm);
	return err;
}

/**
 * sks_selftest() - known-answer tests of every algorithm the driver uses.
 *
 * Logs one line naming the failed test on failure.
 *
 * Context: process context (module init), may sleep.
 * Return: 0 if every test passed, a negative errno otherwise.
 */
int sks_selftest(void)
{
	const char *what;
	int err;

	what = "gcm(aes)";
	err = sks_kat_gcm();
	if (err)
		goto fail;
	what = "hmac(sha256)";
	err = sks_kat_hmac(what, kat_hmac256, sizeof(kat_hmac256));
	if (err)
		goto fail;
	what = "hmac(sha384)";
	err = sks_kat_hmac(what, kat_hmac384, sizeof(kat_hmac384));
	if (err)
		goto fail;
	what = "hmac(sha512)";
	err = sks_kat_hmac(what, kat_hmac512, sizeof(kat_hmac512));
	if (err)
		goto fail;
	what = "hkdf(hmac(sha256))";
	err = sks_kat_hkdf();
	if (err)
		goto fail;
	what = "pbkdf2(hmac(sha256))";
	err = sks_kat_pbkdf2();
	if (err)
		goto fail;
	what = "ecdsa(nist-p256, nist-p384)";
	err = sks_ec_selftest();
	if (err)
		goto fail;
	return 0;

fail:
	pr_err("power-up self-test failed: %s (error %d), refusing to load\n",
	       what, err);
	return err;
}
