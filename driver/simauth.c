// SPDX-License-Identifier: GPL-2.0
/*
 * sks - M-of-N authorisation of SKS blobs (Luna's CA_SIMExtract,
 * CA_SIMInsert and CA_SIMMultiSign with authForm CKA_SIM_PASSWORD).
 *
 * At extract, N secrets are given and M of them are required later. The
 * blob's encrypted payload starts with an auth section: N, M, a random
 * 32-byte verifier key and, per secret, HMAC-SHA-256(key, secret)
 * (docs/blob-format.md). The secrets themselves are never kept. The
 * section is only readable under the SMK, so the verifiers cannot be
 * attacked offline without the SMK; online guesses are counted per
 * partition (SKS_MAX_SIM_FAILURES, then a doubling time lockout) and
 * compared in constant time.
 */

#include <crypto/algapi.h>
#include <crypto/sha2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "blob_codec.h"
#include "sks.h"

static_assert(SKS_BLOB_AUTH_MAX == SKS_SIM_AUTH_MAX);
static_assert(SKS_BLOB_AUTH_VERIFIER_LEN == SHA256_DIGEST_SIZE);
static_assert(SKS_BLOB_AUTH_KEY_LEN <= SHA256_BLOCK_SIZE);

/**
 * sks_sim_secrets_read() - copy a list of authorisation secrets from
 * user space.
 * @uptr: pointer to @count struct sks_auth_secret, or 0.
 * @count: 0..SKS_SIM_AUTH_MAX.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep.
 * Return: the secrets (free with sks_sim_secrets_free()), NULL when
 * @count is 0, or an ERR_PTR: -EINVAL with CKR_ARGUMENTS_BAD (a count
 * above SKS_SIM_AUTH_MAX, a pointer without count or the reverse, a
 * reserved field set) or CKR_PIN_LEN_RANGE, -EFAULT, -ENOMEM.
 */
struct sks_sim_secrets *sks_sim_secrets_read(u64 uptr, u32 count, u32 *ckr)
{
	struct sks_auth_secret *desc;
	struct sks_sim_secrets *s;
	u32 i;
	int err = 0;

	if (count > SKS_SIM_AUTH_MAX || !count != !uptr)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD));
	if (!count)
		return NULL;
	desc = sks_memdup_user(uptr, count * sizeof(*desc),
			       SKS_SIM_AUTH_MAX * sizeof(*desc), ckr);
	if (IS_ERR(desc))
		return ERR_CAST(desc);
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		kfree(desc);
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	}
	for (i = 0; i < count && !err; i++) {
		if (desc[i].reserved)
			err = sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
		else
			err = sks_check_pin_len(desc[i].len, ckr);
		if (!err && copy_from_user(s->val[i],
					   u64_to_user_ptr(desc[i].secret),
					   desc[i].len))
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD,
					     -EFAULT);
		s->len[i] = desc[i].len;
	}
	s->count = count;
	kfree(desc);
	if (err) {
		sks_sim_secrets_free(s);
		return ERR_PTR(err);
	}
	return s;
}

/**
 * sks_sim_secrets_free() - wipe and free secrets read by
 * sks_sim_secrets_read().
 * @s: the secrets, or NULL.
 *
 * Context: any.
 */
void sks_sim_secrets_free(struct sks_sim_secrets *s)
{
	kfree_sensitive(s);
}

/* HMAC-SHA-256 (RFC 2104) with a key of SKS_BLOB_AUTH_KEY_LEN bytes. */
static void sks_sim_verifier(const u8 *key, const u8 *secret, u32 len,
			     u8 *out)
{
	u8 pad[SHA256_BLOCK_SIZE];
	struct sha256_state st;
	unsigned int i;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, SKS_BLOB_AUTH_KEY_LEN);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	sha256_init(&st);
	sha256_update(&st, pad, sizeof(pad));
	sha256_update(&st, secret, len);
	sha256_final(&st, out);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	sha256_init(&st);
	sha256_update(&st, pad, sizeof(pad));
	sha256_update(&st, out, SHA256_DIGEST_SIZE);
	sha256_final(&st, out);
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(&st, sizeof(st));
}

/**
 * sks_sim_auth_check_new() - check the N secrets and M of an extract.
 * @s: the secrets, or NULL.
 * @m: M.
 * @ckr: out: result code.
 *
 * Context: any.
 * Return: 0, or -EINVAL with CKR_ARGUMENTS_BAD (M not in 1..N, or 0
 * without secrets; two equal secrets, which would make M of N weaker
 * than it says).
 */
int sks_sim_auth_check_new(const struct sks_sim_secrets *s, u32 m, u32 *ckr)
{
	u32 i, j;

	if (!s)
		return m ? sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD) : 0;
	if (!m || m > s->count)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	for (i = 0; i < s->count; i++)
		for (j = 0; j < i; j++)
			if (s->len[i] == s->len[j] &&
			    !crypto_memneq(s->val[i], s->val[j], s->len[i]))
				return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	return 0;
}

/**
 * sks_sim_auth_put() - write the auth section of a new blob.
 * @s: the N secrets (checked by sks_sim_auth_check_new()).
 * @m: M.
 * @out: sks_blob_auth_size(@s->count) bytes.
 *
 * Context: any.
 */
void sks_sim_auth_put(const struct sks_sim_secrets *s, u32 m, u8 *out)
{
	u8 *key = out + 8;
	u32 i;

	sks_put_le16(out, s->count);
	sks_put_le16(out + 2, m);
	sks_put_le32(out + 4, 0);
	get_random_bytes(key, SKS_BLOB_AUTH_KEY_LEN);
	for (i = 0; i < s->count; i++)
		sks_sim_verifier(key, s->val[i], s->len[i],
				 out + SKS_BLOB_AUTH_FIXED +
				 i * SKS_BLOB_AUTH_VERIFIER_LEN);
}

/*
 * Whether the secrets are M different ones of the N: every secret is
 * compared with every verifier (no early exit), each verifier matched at
 * most once.
 */
static bool sks_sim_auth_match(const struct sks_blob_auth *a,
			       const struct sks_sim_secrets *s)
{
	u8 v[SKS_BLOB_AUTH_VERIFIER_LEN];
	u32 used = 0, i, j;
	bool ok = true;

	for (i = 0; i < s->count; i++) {
		u32 hit = 0;

		sks_sim_verifier(a->key, s->val[i], s->len[i], v);
		for (j = 0; j < a->n; j++)
			hit |= (u32)!crypto_memneq(v, a->verifiers +
						   j * sizeof(v), sizeof(v)) << j;
		/* a secret matching no verifier, or one matched already */
		if (!hit || (hit & used))
			ok = false;
		used |= hit;
	}
	memzero_explicit(v, sizeof(v));
	return ok && hweight32(used) >= a->m;
}

/**
 * sks_sim_auth_check() - check the secrets presented for a blob and
 * count the attempt.
 * @slot: the partition the blob is used in.
 * @a: the blob's auth section, or NULL if it has none.
 * @s: the secrets presented, or NULL.
 * @ckr: out: result code.
 *
 * Order: secrets for a blob without any, fewer than M or more than N
 * (CKR_ARGUMENTS_BAD, not counted: no secret was tried); a lockout
 * running (CKR_PIN_LOCKED, nothing computed); then the check. A wrong
 * set counts one failure (SKS_MAX_SIM_FAILURES start a doubling time
 * lockout); a right one resets the counter.
 *
 * Context: process context; takes slot->lock.
 * Return: 0, -EINVAL (CKR_ARGUMENTS_BAD), -EPERM (CKR_PIN_LOCKED),
 * -EACCES (CKR_PIN_INCORRECT) or -ENODEV (CKR_TOKEN_NOT_PRESENT).
 */
int sks_sim_auth_check(struct sks_slot *slot, const struct sks_blob_auth *a,
		       const struct sks_sim_secrets *s, u32 *ckr)
{
	int err = 0;

	if (!a)
		return s ? sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD) : 0;
	if (!s || s->count < a->m || s->count > a->n)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);

	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else if (sks_lockout_left(&slot->sim_lockout)) {
		err = sks_fail(ckr, SKS_CKR_PIN_LOCKED);
	} else if (sks_sim_auth_match(a, s)) {
		if (slot->sim_lockout.failures) {
			sks_lockout_reset(&slot->sim_lockout);
			sks_state_changed(slot);
		}
	} else {
		sks_lockout_fail(&slot->sim_lockout, SKS_MAX_SIM_FAILURES);
		sks_state_changed(slot);
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
	}
	mutex_unlock(&slot->lock);
	return err;
}
