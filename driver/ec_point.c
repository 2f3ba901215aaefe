// SPDX-License-Identifier: GPL-2.0
/*
 * sks - complete point arithmetic on the NIST curves (a = -3), for the
 * cases the ecc module's fast paths get wrong:
 *
 * - ecc_point_mult_shamir() adds points in co-Z form and cannot add a
 *   point to itself or to its negative: when an intermediate sum meets
 *   the point being added (Project Wycheproof's "edge case for Shamir
 *   multiplication" and "extreme value" vectors), its Z becomes 0 and it
 *   returns (0, 0) for a valid signature;
 * - ecc_point_mult()'s ladder divides by the input's x coordinate at the
 *   end, so a point with x = 0 (there are two on each curve) gives
 *   (0, 0) too.
 *
 * Jacobian coordinates with the explicit formulas "dbl-2001-b" and
 * "add-2007-bl" of the Explicit-Formulas Database, with the equal and
 * opposite cases handled. Every value here is public (signature checks,
 * a peer's point): the code is not constant time and need not be.
 */

#include <crypto/internal/ecc.h>
#include <linux/string.h>

#include "sks.h"

struct sks_jpt {
	u64 x[ECC_MAX_DIGITS];
	u64 y[ECC_MAX_DIGITS];
	u64 z[ECC_MAX_DIGITS];
};

/**
 * sks_ec_mod_add() - r = a + b mod m, for a, b < m.
 * @r: out (may be @a or @b).
 * @a: addend.
 * @b: addend.
 * @m: the modulus.
 * @nd: digits.
 *
 * Context: any.
 */
void sks_ec_mod_add(u64 *r, const u64 *a, const u64 *b, const u64 *m,
		    unsigned int nd)
{
	u64 t[ECC_MAX_DIGITS], carry = 0;
	unsigned int i;

	for (i = 0; i < nd; i++) {
		u64 s = a[i] + b[i] + carry;

		carry = carry ? s <= a[i] : s < a[i];
		t[i] = s;
	}
	if (carry || vli_cmp(t, m, nd) >= 0)
		vli_sub(t, t, m, nd);
	memcpy(r, t, nd * sizeof(u64));
	memzero_explicit(t, sizeof(t));
}

static void fe_sub(u64 *r, const u64 *a, const u64 *b,
		   const struct ecc_curve *c)
{
	u64 t[ECC_MAX_DIGITS];

	vli_sub(t, c->p, b, c->g.ndigits);	/* p - b, b < p */
	sks_ec_mod_add(r, a, t, c->p, c->g.ndigits);
}

static void fe_add(u64 *r, const u64 *a, const u64 *b,
		   const struct ecc_curve *c)
{
	sks_ec_mod_add(r, a, b, c->p, c->g.ndigits);
}

static void fe_mul(u64 *r, const u64 *a, const u64 *b,
		   const struct ecc_curve *c)
{
	vli_mod_mult_slow(r, a, b, c->p, c->g.ndigits);
}

static bool jpt_is_inf(const struct sks_jpt *p, unsigned int nd)
{
	return vli_is_zero(p->z, nd);
}

static void jpt_from_affine(struct sks_jpt *p, const u64 *x, const u64 *y,
			    unsigned int nd)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->x, x, nd * sizeof(u64));
	memcpy(p->y, y, nd * sizeof(u64));
	p->z[0] = 1;
}

/* r = 2p (dbl-2001-b, a = -3); r may be p. */
static void jpt_double(struct sks_jpt *r, const struct sks_jpt *p,
		       const struct ecc_curve *c)
{
	u64 delta[ECC_MAX_DIGITS], gamma[ECC_MAX_DIGITS], beta[ECC_MAX_DIGITS];
	u64 alpha[ECC_MAX_DIGITS], t[ECC_MAX_DIGITS], u[ECC_MAX_DIGITS];
	unsigned int nd = c->g.ndigits;

	if (jpt_is_inf(p, nd) || vli_is_zero(p->y, nd)) {
		memset(r, 0, sizeof(*r));
		return;
	}
	fe_mul(delta, p->z, p->z, c);
	fe_mul(gamma, p->y, p->y, c);
	fe_mul(beta, p->x, gamma, c);
	fe_sub(t, p->x, delta, c);
	fe_add(u, p->x, delta, c);
	fe_mul(alpha, t, u, c);
	fe_add(t, alpha, alpha, c);
	fe_add(alpha, alpha, t, c);			/* 3(x-d)(x+d) */
	fe_add(t, p->y, p->z, c);
	fe_mul(t, t, t, c);
	fe_sub(t, t, gamma, c);
	fe_sub(r->z, t, delta, c);			/* (y+z)^2-g-d */
	fe_add(beta, beta, beta, c);
	fe_add(beta, beta, beta, c);			/* 4 beta */
	fe_mul(t, alpha, alpha, c);
	fe_sub(t, t, beta, c);
	fe_sub(r->x, t, beta, c);			/* a^2 - 8 beta */
	fe_sub(t, beta, r->x, c);
	fe_mul(t, alpha, t, c);
	fe_mul(u, gamma, gamma, c);
	fe_add(u, u, u, c);
	fe_add(u, u, u, c);
	fe_add(u, u, u, c);				/* 8 gamma^2 */
	fe_sub(r->y, t, u, c);
}

/* r = p + q (add-2007-bl), complete; r may be p. */
static void jpt_add(struct sks_jpt *r, const struct sks_jpt *p,
		    const struct sks_jpt *q, const struct ecc_curve *c)
{
	u64 z1z1[ECC_MAX_DIGITS], z2z2[ECC_MAX_DIGITS], u1[ECC_MAX_DIGITS];
	u64 u2[ECC_MAX_DIGITS], s1[ECC_MAX_DIGITS], s2[ECC_MAX_DIGITS];
	u64 h[ECC_MAX_DIGITS], i[ECC_MAX_DIGITS], j[ECC_MAX_DIGITS];
	u64 rr[ECC_MAX_DIGITS], v[ECC_MAX_DIGITS], t[ECC_MAX_DIGITS];
	unsigned int nd = c->g.ndigits;

	if (jpt_is_inf(p, nd)) {
		*r = *q;
		return;
	}
	if (jpt_is_inf(q, nd)) {
		*r = *p;
		return;
	}
	fe_mul(z1z1, p->z, p->z, c);
	fe_mul(z2z2, q->z, q->z, c);
	fe_mul(u1, p->x, z2z2, c);
	fe_mul(u2, q->x, z1z1, c);
	fe_mul(s1, p->y, q->z, c);
	fe_mul(s1, s1, z2z2, c);
	fe_mul(s2, q->y, p->z, c);
	fe_mul(s2, s2, z1z1, c);
	if (!vli_cmp(u1, u2, nd)) {
		if (!vli_cmp(s1, s2, nd))
			jpt_double(r, p, c);
		else
			memset(r, 0, sizeof(*r));	/* p = -q */
		return;
	}
	fe_sub(h, u2, u1, c);
	fe_add(i, h, h, c);
	fe_mul(i, i, i, c);				/* (2h)^2 */
	fe_mul(j, h, i, c);
	fe_sub(rr, s2, s1, c);
	fe_add(rr, rr, rr, c);
	fe_mul(v, u1, i, c);
	fe_add(t, p->z, q->z, c);
	fe_mul(t, t, t, c);
	fe_sub(t, t, z1z1, c);
	fe_sub(t, t, z2z2, c);
	fe_mul(r->z, t, h, c);
	fe_mul(t, rr, rr, c);
	fe_sub(t, t, j, c);
	fe_sub(t, t, v, c);
	fe_sub(r->x, t, v, c);				/* r^2 - j - 2v */
	fe_sub(t, v, r->x, c);
	fe_mul(t, rr, t, c);
	fe_mul(s1, s1, j, c);
	fe_add(s1, s1, s1, c);
	fe_sub(r->y, t, s1, c);				/* r(v-x3) - 2 s1 j */
}

/* Affine coordinates of @p; false for the point at infinity. */
static bool jpt_to_affine(const struct sks_jpt *p, u64 *x, u64 *y,
			  const struct ecc_curve *c)
{
	u64 zi[ECC_MAX_DIGITS], zi2[ECC_MAX_DIGITS];
	unsigned int nd = c->g.ndigits;

	if (jpt_is_inf(p, nd))
		return false;
	vli_mod_inv(zi, p->z, c->p, nd);
	fe_mul(zi2, zi, zi, c);
	fe_mul(x, p->x, zi2, c);
	fe_mul(zi2, zi2, zi, c);
	fe_mul(y, p->y, zi2, c);
	return true;
}

/**
 * sks_ecp_mul2() - R = u1·G + u2·Q, complete, for public values only.
 * @c: the curve (a = -3).
 * @u1: scalar of the base point.
 * @u2: scalar of @q.
 * @q: a point on the curve.
 * @rx: out: x of R.
 * @ry: out: y of R.
 *
 * Context: any; not constant time.
 * Return: false if R is the point at infinity.
 */
bool sks_ecp_mul2(const struct ecc_curve *c, const u64 *u1, const u64 *u2,
		  const struct ecc_point *q, u64 *rx, u64 *ry)
{
	unsigned int nd = c->g.ndigits, bits;
	struct sks_jpt pts[4], r = {};
	int i;

	memset(&pts[0], 0, sizeof(pts[0]));		/* infinity */
	jpt_from_affine(&pts[1], c->g.x, c->g.y, nd);
	jpt_from_affine(&pts[2], q->x, q->y, nd);
	jpt_add(&pts[3], &pts[1], &pts[2], c);
	bits = max(vli_num_bits(u1, nd), vli_num_bits(u2, nd));
	for (i = bits - 1; i >= 0; i--) {
		unsigned int idx = (u1[i / 64] >> (i % 64) & 1) |
				   (u2[i / 64] >> (i % 64) & 1) << 1;

		jpt_double(&r, &r, c);
		if (idx)
			jpt_add(&r, &r, &pts[idx], c);
		cond_resched();
	}
	return jpt_to_affine(&r, rx, ry, c);
}

/**
 * sks_ecp_double() - 2·P, for a public point.
 * @c: the curve (a = -3).
 * @p: a point on the curve.
 * @rx: out: x of 2P.
 * @ry: out: y of 2P.
 *
 * Context: any; not constant time.
 * Return: false if 2P is the point at infinity.
 */
bool sks_ecp_double(const struct ecc_curve *c, const struct ecc_point *p,
		    u64 *rx, u64 *ry)
{
	struct sks_jpt r;

	jpt_from_affine(&r, p->x, p->y, c->g.ndigits);
	jpt_double(&r, &r, c);
	return jpt_to_affine(&r, rx, ry, c);
}
