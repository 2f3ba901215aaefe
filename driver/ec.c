// SPDX-License-Identifier: GPL-2.0
/*
 * sks - EC keys on NIST P-256 and P-384: key pairs, ECDSA signing and
 * verification, ECDH, on the curve arithmetic of the kernel's ecc module
 * (crypto/ecc.c: Debian's 6.1 builds no ECDSA signer).
 *
 * Signing follows FIPS 186-4 section 6.4 with the nonce of RFC 6979
 * (HMAC-DRBG over the private key and the message hash), hedged with 32
 * fresh random bytes as RFC 6979 section 3.6 allows: a weak random number
 * generator cannot leak the key, and a fault cannot repeat a nonce for two
 * messages. Where the private scalar or the nonce meet arithmetic:
 *
 * - R = k·G, d·G and the ECDH product run on ecc's Montgomery ladder
 *   (crypto_ecdh_shared_secret(), with randomised projective coordinates,
 *   and ecc_make_pub_key()), whose steps do not depend on the scalar's
 *   bits;
 * - the inverse of k is taken of k·b for a random b (vli_mod_inv() is a
 *   binary GCD whose running time depends on its input), and s is
 *   computed as (k·b)^-1 · (b·e + r·(b·d)), so the products only see
 *   blinded values but the first, b·d;
 * - the remaining variable-time steps work on public values only (the
 *   verification's Shamir multiplication, the hash).
 *
 * The residual: vli_mod_mult_slow()'s reduction has a branch on the
 * borrow of its trial subtractions; it sees d once, multiplied by b.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/ecdh.h>
#include <crypto/hash.h>
#include <crypto/internal/ecc.h>
#include <crypto/sha2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sks.h"

static const struct sks_ec_curve sks_ec_curves[] = {
	{ SKS_EC_P256, ECC_CURVE_NIST_P256, 4, 32, 0 },
	{ SKS_EC_P384, ECC_CURVE_NIST_P384, 6, 48, 1 },
};

/* Unkeyed hash transforms: safe for concurrent use with on-stack descs. */
static struct crypto_shash *sks_ec_hash[2];	/* sha256, sha384 */

/**
 * sks_ec_curve_of() - the curve of an EC key value.
 * @obj_class: SKS_CKO_PRIVATE_KEY or SKS_CKO_PUBLIC_KEY.
 * @len: the value's length: the scalar (32, 48) or the uncompressed point
 *	(65, 97).
 *
 * Context: any.
 * Return: the curve, or NULL.
 */
const struct sks_ec_curve *sks_ec_curve_of(u32 obj_class, u32 len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sks_ec_curves); i++) {
		const struct sks_ec_curve *c = &sks_ec_curves[i];

		if ((obj_class == SKS_CKO_PRIVATE_KEY && len == c->nbytes) ||
		    (obj_class == SKS_CKO_PUBLIC_KEY &&
		     len == 1 + 2 * c->nbytes))
			return c;
	}
	return NULL;
}

/**
 * sks_ec_curve_get() - a curve by its SKS_EC_* number.
 * @id: SKS_EC_P256 or SKS_EC_P384.
 *
 * Context: any.
 * Return: the curve, or NULL.
 */
const struct sks_ec_curve *sks_ec_curve_get(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sks_ec_curves); i++)
		if (sks_ec_curves[i].id == id)
			return &sks_ec_curves[i];
	return NULL;
}

/**
 * sks_ec_sizes() - the sizes of a curve's values.
 * @c: the curve.
 * @priv: out: bytes of a private scalar (may be NULL).
 * @pub: out: bytes of an uncompressed public point (may be NULL).
 *
 * Context: any.
 * Return: bytes of a raw r || s signature.
 */
u32 sks_ec_sizes(const struct sks_ec_curve *c, u32 *priv, u32 *pub)
{
	if (priv)
		*priv = c->nbytes;
	if (pub)
		*pub = 1 + 2 * c->nbytes;
	return 2 * c->nbytes;
}

/* ---- arithmetic modulo the group order n ---- */

/* A value from big-endian bytes, reduced once modulo n (bits2int). */
static void sks_ec_bits2int(const struct sks_ec_curve *c, const u64 *n,
			    const u8 *h, size_t hlen, u64 *e)
{
	u8 buf[ECC_MAX_BYTES] = {};

	if (hlen >= c->nbytes)	/* leftmost bits of a longer hash */
		memcpy(buf, h, c->nbytes);
	else			/* a shorter one, as a number */
		memcpy(buf + c->nbytes - hlen, h, hlen);
	vli_from_be64(e, buf, c->ndigits);
	if (vli_cmp(e, n, c->ndigits) >= 0)
		vli_sub(e, e, n, c->ndigits);
	memzero_explicit(buf, sizeof(buf));
}

static void sks_ec_to_be(const struct sks_ec_curve *c, const u64 *v, u8 *out)
{
	unsigned int i;

	for (i = 0; i < c->ndigits; i++)
		put_unaligned_be64(v[c->ndigits - 1 - i], out + 8 * i);
}

/* A random value in [1, n-1]. */
static void sks_ec_random_scalar(const struct sks_ec_curve *c, const u64 *n,
				 u64 *v)
{
	do {
		get_random_bytes(v, c->nbytes);
	} while (vli_is_zero(v, c->ndigits) || vli_cmp(v, n, c->ndigits) >= 0);
}

/* ---- HMAC over an unkeyed hash, for the RFC 6979 DRBG ---- */

struct sks_ec_drbg {
	struct crypto_shash *hash;
	unsigned int hlen;
	u8 k[SHA384_DIGEST_SIZE];
	u8 v[SHA384_DIGEST_SIZE];
};

/* out = HMAC(d->k, parts...) (RFC 2104), with K shorter than a block. */
static int sks_ec_hmac(struct sks_ec_drbg *d, const u8 *const *p,
		       const size_t *len, unsigned int n, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, d->hash);
	unsigned int bs = crypto_shash_blocksize(d->hash), i;
	u8 pad[SHA512_BLOCK_SIZE], inner[SHA384_DIGEST_SIZE];
	int err;

	desc->tfm = d->hash;
	memset(pad, 0x36, bs);
	for (i = 0; i < d->hlen; i++)
		pad[i] ^= d->k[i];
	err = crypto_shash_init(desc) ?: crypto_shash_update(desc, pad, bs);
	for (i = 0; !err && i < n; i++)
		err = crypto_shash_update(desc, p[i], len[i]);
	err = err ?: crypto_shash_final(desc, inner);
	for (i = 0; i < bs; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	err = err ?: crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, pad, bs) ?:
	      crypto_shash_finup(desc, inner, d->hlen, out);
	shash_desc_zero(desc);
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(inner, sizeof(inner));
	return err;
}

/* K = HMAC_K(V || sep || x || h || extra); V = HMAC_K(V) (RFC 6979 3.2). */
static int sks_ec_drbg_update(struct sks_ec_drbg *d, u8 sep, const u8 *x,
			      const u8 *h, size_t olen, const u8 *extra,
			      size_t elen)
{
	const u8 *p[] = { d->v, &sep, x, h, extra };
	size_t len[] = { d->hlen, 1, olen, olen, elen };
	int err;

	err = sks_ec_hmac(d, p, len, x ? 5 : 2, d->k);
	return err ?: sks_ec_hmac(d, p, len, 1, d->v);
}

/*
 * The RFC 6979 section 3.2 generator for private key @x (big-endian) and
 * message hash @h (bits2octets of it), with @extra (RFC 6979 3.6 k';
 * empty for the known answers).
 */
static int sks_ec_drbg_init(struct sks_ec_drbg *d,
			    const struct sks_ec_curve *c, const u8 *x,
			    const u8 *h, const u8 *extra, size_t elen)
{
	int err;

	d->hash = sks_ec_hash[c->hash];
	d->hlen = crypto_shash_digestsize(d->hash);
	memset(d->v, 0x01, d->hlen);
	memset(d->k, 0x00, d->hlen);
	err = sks_ec_drbg_update(d, 0x00, x, h, c->nbytes, extra, elen);
	return err ?: sks_ec_drbg_update(d, 0x01, x, h, c->nbytes, extra,
					 elen);
}

/* The next candidate k (RFC 6979 3.2 step h), in [1, n-1]. */
static int sks_ec_drbg_next(struct sks_ec_drbg *d, const struct sks_ec_curve *c,
			    const u64 *n, u64 *k, bool retry)
{
	u8 t[ECC_MAX_BYTES + SHA384_DIGEST_SIZE];
	const u8 *p[] = { d->v };
	size_t len[] = { d->hlen };
	unsigned int got;
	int err = 0;

	for (;;) {
		if (retry) {	/* K = HMAC_K(V || 0x00); V = HMAC_K(V) */
			err = sks_ec_drbg_update(d, 0x00, NULL, NULL, 0, NULL,
						 0);
			if (err)
				break;
		}
		retry = true;
		for (got = 0; !err && got < c->nbytes; got += d->hlen) {
			err = sks_ec_hmac(d, p, len, 1, d->v);
			memcpy(t + got, d->v, d->hlen);
		}
		if (err)
			break;
		vli_from_be64(k, t, c->ndigits);	/* qlen = 8 * nbytes */
		if (!vli_is_zero(k, c->ndigits) &&
		    vli_cmp(k, n, c->ndigits) < 0)
			break;
	}
	memzero_explicit(t, sizeof(t));
	return err;
}

/* ---- keys ---- */

/**
 * sks_ec_generate() - make a key pair.
 * @c: the curve.
 * @priv: out: the private scalar, big endian (@c's scalar size).
 * @pub: out: the public point, uncompressed (0x04 || X || Y).
 *
 * The scalar is drawn from the kernel's random number generator by
 * testing candidates (FIPS 186-4 B.4.2) against [1, n-1]; the
 * public point d·G is computed on the ladder and checked as SP 800-56A
 * 5.6.2.1.3 asks.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int sks_ec_generate(const struct sks_ec_curve *c, u8 *priv, u8 *pub)
{
	u64 d[ECC_MAX_DIGITS], q[2 * ECC_MAX_DIGITS];
	unsigned int tries = 0;
	int err;

	do {
		get_random_bytes(priv, c->nbytes);
		err = sks_ec_check_priv(c, priv);
		if (!err) {
			memcpy(d, priv, c->nbytes);	/* big endian */
			/* -EAGAIN: 1, n-2 or n-1, which the ladder cannot */
			err = ecc_make_pub_key(c->ecc_id, c->ndigits, d, q);
		}
	} while ((err == -EINVAL || err == -EAGAIN) && ++tries < 64);
	if (!err) {
		pub[0] = 0x04;
		memcpy(pub + 1, q, 2 * c->nbytes);
	} else {
		memzero_explicit(priv, c->nbytes);
	}
	memzero_explicit(d, sizeof(d));
	return err;
}

/**
 * sks_ec_check_priv() - check a private scalar.
 * @c: the curve.
 * @priv: big endian, @c's scalar size.
 *
 * The range is SP 800-56A 5.6.1.2.1's and FIPS 186-4 B.4's, [1, n-1]
 * (ecc_is_key_valid() would refuse 1, n-2 and n-1, valid keys).
 *
 * Context: any.
 * Return: 0, or -EINVAL outside [1, n-1].
 */
int sks_ec_check_priv(const struct sks_ec_curve *c, const u8 *priv)
{
	const struct ecc_curve *curve = ecc_get_curve(c->ecc_id);
	u64 d[ECC_MAX_DIGITS];
	int err = 0;

	vli_from_be64(d, priv, c->ndigits);
	if (vli_is_zero(d, c->ndigits) ||
	    vli_cmp(d, curve->n, c->ndigits) >= 0)
		err = -EINVAL;
	memzero_explicit(d, sizeof(d));
	return err;
}

/* The public point @pub as an ecc point, fully checked (SP 800-56A). */
static struct ecc_point *sks_ec_point(const struct sks_ec_curve *c,
				      const u8 *pub)
{
	const struct ecc_curve *curve = ecc_get_curve(c->ecc_id);
	struct ecc_point *q;

	if (pub[0] != 0x04)
		return ERR_PTR(-EINVAL);
	q = ecc_alloc_point(c->ndigits);
	if (!q)
		return ERR_PTR(-ENOMEM);
	vli_from_be64(q->x, pub + 1, c->ndigits);
	vli_from_be64(q->y, pub + 1 + c->nbytes, c->ndigits);
	if (ecc_is_pubkey_valid_full(curve, q)) {
		ecc_free_point(q);
		return ERR_PTR(-EINVAL);
	}
	return q;
}

/**
 * sks_ec_check_pub() - check a public point (SP 800-56A 5.6.2.3.3: on the
 * curve, in range, not the identity, of order n).
 * @c: the curve.
 * @pub: 0x04 || X || Y.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL or -ENOMEM.
 */
int sks_ec_check_pub(const struct sks_ec_curve *c, const u8 *pub)
{
	struct ecc_point *q = sks_ec_point(c, pub);

	if (IS_ERR(q))
		return PTR_ERR(q);
	ecc_free_point(q);
	return 0;
}

/* ---- ECDSA ---- */

/*
 * ECDSA with nonce @k: r || s into @sig (FIPS 186-4 6.4). -EAGAIN if r
 * or s is 0 (the next nonce is needed).
 */
static int sks_ecdsa_sign_k(const struct sks_ec_curve *c, const u64 *d,
			    const u64 *e, const u64 *k, u8 *sig)
{
	const struct ecc_curve *curve = ecc_get_curve(c->ecc_id);
	u64 b[ECC_MAX_DIGITS], kb[ECC_MAX_DIGITS], t[ECC_MAX_DIGITS];
	u64 r[ECC_MAX_DIGITS], u[ECC_MAX_DIGITS], ks[ECC_MAX_DIGITS];
	u64 g[2 * ECC_MAX_DIGITS], rx[ECC_MAX_DIGITS];
	unsigned int nd = c->ndigits;
	int err;

	/*
	 * x(R), R = k·G, on the ladder with randomised projective
	 * coordinates (the ECDH primitive: k and G big endian in memory).
	 */
	sks_ec_to_be(c, k, (u8 *)ks);
	sks_ec_to_be(c, curve->g.x, (u8 *)g);
	sks_ec_to_be(c, curve->g.y, (u8 *)g + c->nbytes);
	err = crypto_ecdh_shared_secret(c->ecc_id, nd, ks, g, rx);
	if (err == -EFAULT)	/* k is 1, n-2 or n-1: the ladder's edges */
		err = -EAGAIN;
	if (err)
		goto out;
	vli_from_be64(r, rx, nd);
	if (vli_cmp(r, curve->n, nd) >= 0)
		vli_sub(r, r, curve->n, nd);
	if (vli_is_zero(r, nd)) {
		err = -EAGAIN;
		goto out;
	}
	/* s = (k·b)^-1 · (b·e + r·(b·d)) = k^-1 · (e + r·d) */
	sks_ec_random_scalar(c, curve->n, b);
	vli_mod_mult_slow(kb, k, b, curve->n, nd);
	vli_mod_inv(kb, kb, curve->n, nd);
	vli_mod_mult_slow(t, b, d, curve->n, nd);
	vli_mod_mult_slow(t, t, r, curve->n, nd);
	vli_mod_mult_slow(u, b, e, curve->n, nd);
	sks_ec_mod_add(u, u, t, curve->n, nd);
	vli_mod_mult_slow(u, kb, u, curve->n, nd);
	if (vli_is_zero(u, nd)) {
		err = -EAGAIN;
		goto out;
	}
	sks_ec_to_be(c, r, sig);
	sks_ec_to_be(c, u, sig + c->nbytes);
out:
	memzero_explicit(b, sizeof(b));
	memzero_explicit(kb, sizeof(kb));
	memzero_explicit(t, sizeof(t));
	memzero_explicit(u, sizeof(u));
	memzero_explicit(ks, sizeof(ks));
	memzero_explicit(rx, sizeof(rx));
	return err;
}

/**
 * sks_ecdsa_sign() - ECDSA signature of a message hash.
 * @c: the curve.
 * @priv: the private scalar, big endian.
 * @h: the hash (or any prehashed input, CKM_ECDSA), 1..64 bytes.
 * @hlen: its length.
 * @hedge: mix 32 fresh random bytes into the RFC 6979 nonce (always, but
 *	for the power-up known answers).
 * @sig: out: r || s, big endian, 2 * the scalar size.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int sks_ecdsa_sign(const struct sks_ec_curve *c, const u8 *priv, const u8 *h,
		   size_t hlen, bool hedge, u8 *sig)
{
	const struct ecc_curve *curve = ecc_get_curve(c->ecc_id);
	u64 d[ECC_MAX_DIGITS], e[ECC_MAX_DIGITS], k[ECC_MAX_DIGITS];
	u8 h1[ECC_MAX_BYTES], extra[32];
	struct sks_ec_drbg drbg;
	unsigned int tries;
	int err;

	if (!hlen || hlen > SHA512_DIGEST_SIZE)
		return -EINVAL;
	vli_from_be64(d, priv, c->ndigits);
	sks_ec_bits2int(c, curve->n, h, hlen, e);
	sks_ec_to_be(c, e, h1);		/* bits2octets(h) */
	if (hedge)
		get_random_bytes(extra, sizeof(extra));
	err = sks_ec_drbg_init(&drbg, c, priv, h1, extra, hedge ? 32 : 0);
	for (tries = 0; !err && tries < 64; tries++) {
		err = sks_ec_drbg_next(&drbg, c, curve->n, k, tries);
		if (!err)
			err = sks_ecdsa_sign_k(c, d, e, k, sig);
		if (err != -EAGAIN)
			break;
		err = 0;
	}
	memzero_explicit(d, sizeof(d));
	memzero_explicit(k, sizeof(k));
	memzero_explicit(h1, sizeof(h1));
	memzero_explicit(extra, sizeof(extra));
	memzero_explicit(&drbg, sizeof(drbg));
	return err;
}

/**
 * sks_ecdsa_verify() - check an ECDSA signature (FIPS 186-4 6.4.2).
 * @c: the curve.
 * @pub: the public point, uncompressed.
 * @h: the message hash (as for sks_ecdsa_sign()).
 * @hlen: its length.
 * @sig: r || s, big endian.
 *
 * Context: process context, may sleep.
 * Return: 0 if it verifies, -EBADMSG if not, -EINVAL for a bad public
 * point or hash length, -ENOMEM.
 */
int sks_ecdsa_verify(const struct sks_ec_curve *c, const u8 *pub, const u8 *h,
		     size_t hlen, const u8 *sig)
{
	const struct ecc_curve *curve = ecc_get_curve(c->ecc_id);
	u64 r[ECC_MAX_DIGITS], s[ECC_MAX_DIGITS], e[ECC_MAX_DIGITS];
	u64 w[ECC_MAX_DIGITS], u1[ECC_MAX_DIGITS], u2[ECC_MAX_DIGITS];
	unsigned int nd = c->ndigits;
	struct ecc_point *q, *x;
	int err = -EBADMSG;
	bool fast;

	if (!hlen || hlen > SHA512_DIGEST_SIZE)
		return -EINVAL;
	q = sks_ec_point(c, pub);
	if (IS_ERR(q))
		return PTR_ERR(q);
	x = ecc_alloc_point(nd);
	if (!x) {
		ecc_free_point(q);
		return -ENOMEM;
	}
	vli_from_be64(r, sig, nd);
	vli_from_be64(s, sig + c->nbytes, nd);
	if (vli_is_zero(r, nd) || vli_cmp(r, curve->n, nd) >= 0 ||
	    vli_is_zero(s, nd) || vli_cmp(s, curve->n, nd) >= 0)
		goto out;
	sks_ec_bits2int(c, curve->n, h, hlen, e);
	vli_mod_inv(w, s, curve->n, nd);
	vli_mod_mult_slow(u1, e, w, curve->n, nd);
	vli_mod_mult_slow(u2, r, w, curve->n, nd);
	/*
	 * ecc's Shamir multiplication cannot add equal or opposite points:
	 * Q = ±G, or an intermediate sum meeting the point it adds, leave
	 * it at (0, 0). The complete formulas take those cases (and a sum
	 * that really is the point at infinity, which fails below).
	 */
	fast = vli_cmp(q->x, curve->g.x, nd);
	if (fast)
		ecc_point_mult_shamir(x, u1, &curve->g, u2, q, curve);
	if ((!fast || ecc_point_is_zero(x)) &&
	    !sks_ecp_mul2(curve, u1, u2, q, x->x, x->y))
		goto out;
	if (vli_cmp(x->x, curve->n, nd) >= 0)
		vli_sub(x->x, x->x, curve->n, nd);
	if (!vli_cmp(x->x, r, nd))
		err = 0;
out:
	ecc_free_point(x);
	ecc_free_point(q);
	return err;
}

/*
 * ecc's ladder cannot take every input: it divides by the input point's x
 * at its end (so Q with x = 0 gives (0, 0)), and it fails for the scalars
 * 1, n-2 and n-1 (ecc_is_key_valid() keeps keys out of them; SP 800-56A
 * allows them). d·Q = (d/2 mod n)·(2Q), and 2Q has x != 0 (the other
 * point with x = 0 is -Q); 1·Q, (n-1)·Q = -Q and (n-2)·Q = -2Q share x
 * with Q or 2Q. All of this is on public values but for the scalar, which
 * only takes these paths when it is one of the three edge values.
 * @d: the scalar, little-endian digits; may be changed.
 * @p: the peer's point; may be changed.
 * Return: 1 if @z holds x(d·Q) already, 0 if the ladder is to compute
 * d·Q from the changed @d and @p, or a negative errno.
 */
static int sks_ecdh_edges(const struct sks_ec_curve *c, u64 *d,
			  struct ecc_point *p, u8 *z)
{
	const struct ecc_curve *curve = ecc_get_curve(c->ecc_id);
	u64 half[ECC_MAX_DIGITS], t[ECC_MAX_DIGITS], one[ECC_MAX_DIGITS] = {};
	unsigned int nd = c->ndigits, i;

	one[0] = 1;
	if (vli_is_zero(p->x, nd)) {
		if (!sks_ecp_double(curve, p, p->x, p->y))
			return -EINVAL;
		/* half = (n + 1) / 2, the inverse of 2 modulo n */
		vli_sub(half, curve->n, one, nd);
		for (i = 0; i < nd; i++)
			half[i] = half[i] >> 1 |
				  (i + 1 < nd ? half[i + 1] << 63 : 0);
		sks_ec_mod_add(half, half, one, curve->n, nd);
		vli_mod_mult_slow(d, d, half, curve->n, nd);
	}
	vli_sub(t, curve->n, d, nd);		/* n - d */
	if (!vli_cmp(d, one, nd) || !vli_cmp(t, one, nd)) {
		sks_ec_to_be(c, p->x, z);	/* ±Q */
		return 1;
	}
	one[0] = 2;
	if (!vli_cmp(t, one, nd)) {		/* -2Q */
		if (!sks_ecp_double(curve, p, t, half))
			return -EINVAL;
		sks_ec_to_be(c, t, z);
		return 1;
	}
	return 0;
}

/**
 * sks_ecdh() - the ECDH shared secret Z (SP 800-56A 5.7.1.2).
 * @c: the curve.
 * @priv: our private scalar, big endian.
 * @peer: the peer's public point, uncompressed; fully checked.
 * @z: out: the x coordinate of d·Q, big endian (the scalar size).
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (a bad peer point, or the identity) or -ENOMEM.
 */
int sks_ecdh(const struct sks_ec_curve *c, const u8 *priv, const u8 *peer,
	     u8 *z)
{
	u64 d[ECC_MAX_DIGITS], q[2 * ECC_MAX_DIGITS], s[ECC_MAX_DIGITS];
	u64 dbe[ECC_MAX_DIGITS];
	struct ecc_point *p;
	int err;

	p = sks_ec_point(c, peer);		/* fully checked */
	if (IS_ERR(p))
		return PTR_ERR(p);
	vli_from_be64(d, priv, c->ndigits);
	err = sks_ecdh_edges(c, d, p, z);
	if (err) {
		ecc_free_point(p);
		memzero_explicit(d, sizeof(d));
		return err < 0 ? err : 0;
	}
	/* crypto_ecdh_shared_secret() takes big endian bytes */
	sks_ec_to_be(c, d, (u8 *)dbe);
	sks_ec_to_be(c, p->x, (u8 *)q);
	sks_ec_to_be(c, p->y, (u8 *)q + c->nbytes);
	ecc_free_point(p);
	err = crypto_ecdh_shared_secret(c->ecc_id, c->ndigits, dbe, q, s);
	if (!err)
		memcpy(z, s, c->nbytes);
	else
		err = -EINVAL;
	memzero_explicit(d, sizeof(d));
	memzero_explicit(dbe, sizeof(dbe));
	memzero_explicit(s, sizeof(s));
	return err;
}

/**
 * sks_ec_hash_msg() - hash a message for CKM_ECDSA_SHA256/SHA384.
 * @sha384: SHA-384, else SHA-256.
 * @msg: the message.
 * @len: its length.
 * @out: out: the digest.
 *
 * Context: process context.
 * Return: the digest length, or a negative errno.
 */
int sks_ec_hash_msg(bool sha384, const u8 *msg, size_t len, u8 *out)
{
	struct crypto_shash *tfm = sks_ec_hash[sha384];
	int err = crypto_shash_tfm_digest(tfm, msg, len, out);

	return err ?: (int)crypto_shash_digestsize(tfm);
}

/**
 * sks_ec_kdf() - the ANSI X9.63 KDF of CKD_SHA256_KDF / CKD_SHA384_KDF
 * (SEC 1 3.6.1): Hash(Z || counter || SharedInfo) blocks.
 * @sha384: SHA-384, else SHA-256.
 * @z: the shared secret.
 * @zlen: its length.
 * @info: the shared data, or NULL.
 * @ilen: its length.
 * @out: out: the key.
 * @olen: its length.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int sks_ec_kdf(bool sha384, const u8 *z, size_t zlen, const u8 *info,
	       size_t ilen, u8 *out, size_t olen)
{
	struct crypto_shash *tfm = sks_ec_hash[sha384];
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 block[SHA384_DIGEST_SIZE];
	unsigned int hlen = crypto_shash_digestsize(tfm);
	__be32 counter;
	size_t done;
	u32 i = 1;
	int err = 0;

	desc->tfm = tfm;
	for (done = 0; !err && done < olen; done += hlen, i++) {
		counter = cpu_to_be32(i);
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, z, zlen) ?:
		      crypto_shash_update(desc, (u8 *)&counter, 4) ?:
		      crypto_shash_update(desc, info, ilen) ?:
		      crypto_shash_final(desc, block);
		if (!err)
			memcpy(out + done, block, min_t(size_t, hlen,
							olen - done));
	}
	shash_desc_zero(desc);
	memzero_explicit(block, sizeof(block));
	return err;
}

/**
 * sks_ecdsa_to_der() - an r || s signature as an ECDSA-Sig-Value (DER,
 * RFC 3279 section 2.2.3).
 * @raw: r || s.
 * @n: the size of r (and of s).
 * @der: out: room for 2 * n + 9 bytes.
 *
 * Context: any.
 * Return: bytes written.
 */
u32 sks_ecdsa_to_der(const u8 *raw, u32 n, u8 *der)
{
	u32 len[2], skip[2], body, i, off;
	bool pad[2];

	for (i = 0; i < 2; i++) {
		const u8 *v = raw + i * n;

		for (skip[i] = 0; skip[i] < n - 1 && !v[skip[i]]; skip[i]++)
			;
		pad[i] = v[skip[i]] & 0x80;
		len[i] = n - skip[i] + pad[i];
	}
	body = 4 + len[0] + len[1];
	off = 0;
	der[off++] = 0x30;
	if (body > 127)
		der[off++] = 0x81;
	der[off++] = body;
	for (i = 0; i < 2; i++) {
		der[off++] = 0x02;
		der[off++] = len[i];
		if (pad[i])
			der[off++] = 0;
		memcpy(der + off, raw + i * n + skip[i], n - skip[i]);
		off += n - skip[i];
	}
	return off;
}

/* One DER INTEGER into a big-endian field of @n bytes. */
static int sks_der_int(const u8 **p, const u8 *end, u8 *out, u32 n)
{
	u32 len;

	if (end - *p < 2 || (*p)[0] != 0x02)
		return -EBADMSG;
	len = (*p)[1];
	*p += 2;
	if (!len || len > 127 || end - *p < len)
		return -EBADMSG;
	if ((*p)[0] & 0x80)
		return -EBADMSG;	/* negative */
	if (len > 1 && !(*p)[0] && !((*p)[1] & 0x80))
		return -EBADMSG;	/* not minimal */
	if (!(*p)[0] && len > 1) {
		(*p)++;
		len--;
	}
	if (len > n)
		return -EBADMSG;
	memset(out, 0, n - len);
	memcpy(out + n - len, *p, len);
	*p += len;
	return 0;
}

/**
 * sks_ecdsa_from_der() - an ECDSA-Sig-Value (DER) as r || s.
 * @der: the DER signature.
 * @dlen: its length.
 * @n: the size of r (and of s).
 * @raw: out: r || s.
 *
 * Only strict DER is taken (minimal lengths and integers, nothing after).
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_ecdsa_from_der(const u8 *der, u32 dlen, u32 n, u8 *raw)
{
	const u8 *p = der, *end = der + dlen;
	u32 body;

	if (dlen < 8 || *p++ != 0x30)
		return -EBADMSG;
	body = *p++;
	if (body == 0x81) {
		body = *p++;
		if (body < 128)
			return -EBADMSG;
	} else if (body > 127) {
		return -EBADMSG;
	}
	if (body != end - p)
		return -EBADMSG;
	if (sks_der_int(&p, end, raw, n) || sks_der_int(&p, end, raw + n, n))
		return -EBADMSG;
	return p == end ? 0 : -EBADMSG;
}

/**
 * sks_ec_init() - allocate the hash transforms of EC operations.
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int sks_ec_init(void)
{
	static const char *const names[] = { "sha256", "sha384" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		sks_ec_hash[i] = crypto_alloc_shash(names[i], 0, 0);
		if (IS_ERR(sks_ec_hash[i])) {
			int err = PTR_ERR(sks_ec_hash[i]);

			sks_ec_hash[i] = NULL;
			sks_ec_exit();
			return err;
		}
	}
	return 0;
}

/**
 * sks_ec_exit() - free what sks_ec_init() made.
 *
 * Context: module exit.
 */
void sks_ec_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sks_ec_hash); i++) {
		crypto_free_shash(sks_ec_hash[i]);
		sks_ec_hash[i] = NULL;
	}
}
