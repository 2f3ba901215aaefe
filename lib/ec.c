// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - EC identity keys: P-256 and P-384 key pairs made in the kernel,
 * ECDSA signatures, ECDH key derivation, and public keys as DER
 * SubjectPublicKeyInfo (RFC 5480) and PEM (RFC 7468).
 *
 * The codecs are plain byte work with no crypto library: the two
 * SubjectPublicKeyInfo encodings this library makes are fixed headers
 * followed by the point (DER is canonical, and RFC 5480 2.1.1 names the
 * curve by its OID), and the parser reads the few TLVs of RFC 5280 4.1's
 * SubjectPublicKeyInfo strictly (definite lengths in their shortest form,
 * nothing left over).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "attrs.h"

/* ---- the curves -------------------------------------------------------- */

/*
 * RFC 5480 2.1.1 and 2.1.1.1: id-ecPublicKey 1.2.840.10045.2.1,
 * secp256r1 1.2.840.10045.3.1.7, secp384r1 1.3.132.0.34 (DER contents).
 */
static const uint8_t oid_ec_public_key[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_p256[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };

/*
 * The DER of a SubjectPublicKeyInfo up to the point: SEQUENCE {
 * SEQUENCE { id-ecPublicKey, namedCurve }, BIT STRING { 0 unused bits, ...
 */
static const uint8_t spki_p256[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
	0x42, 0x00 };
static const uint8_t spki_p384[] = {
	0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00 };

static const struct ec_curve {
	uint32_t id;
	const char *name;
	uint32_t scalar_len;		/* private value: d */
	uint32_t point_len;		/* public value: 04 || X || Y */
	const uint8_t *oid;
	size_t oid_len;
	const uint8_t *spki;		/* SPKI header before the point */
	size_t spki_len;
} curves[] = {
	{ SKS_EC_P256, "P-256", 32, 65, oid_p256, sizeof(oid_p256),
	  spki_p256, sizeof(spki_p256) },
	{ SKS_EC_P384, "P-384", 48, 97, oid_p384, sizeof(oid_p384),
	  spki_p384, sizeof(spki_p384) },
};

#define NCURVES (sizeof(curves) / sizeof(curves[0]))

static const struct ec_curve *curve_by_id(uint32_t id)
{
	for (size_t i = 0; i < NCURVES; i++)
		if (curves[i].id == id)
			return &curves[i];
	return NULL;
}

/* The curve of an uncompressed point, by its length and first byte. */
static const struct ec_curve *curve_of_point(const uint8_t *point, size_t len)
{
	if (!point || !len || point[0] != 0x04)
		return NULL;
	for (size_t i = 0; i < NCURVES; i++)
		if (curves[i].point_len == len)
			return &curves[i];
	return NULL;
}

/* Copy @n bytes to the caller's buffer under the size-query convention. */
static int put_out(const void *src, size_t n, void *out, size_t *out_len)
{
	if (!out) {
		*out_len = n;
		sks_set_result(SKS_CKR_OK);
		return 0;
	}
	if (*out_len < n) {
		*out_len = n;
		return sks_lib_fail(EOVERFLOW, SKS_CKR_BUFFER_TOO_SMALL);
	}
	memcpy(out, src, n);
	*out_len = n;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API const char *sks_ec_curve_name(uint32_t curve)
{
	const struct ec_curve *c = curve_by_id(curve);

	return c ? c->name : NULL;
}

SKS_API uint32_t sks_attrs_get_ec_curve(const struct sks_attrs *attrs)
{
	const struct sks_obj_attrs *a = &attrs->raw;

	if (a->key_type != SKS_CKK_EC)
		return 0;
	for (size_t i = 0; i < NCURVES; i++) {
		if (a->obj_class == SKS_CKO_PRIVATE_KEY &&
		    a->value_len == curves[i].scalar_len)
			return curves[i].id;
		if (a->obj_class == SKS_CKO_PUBLIC_KEY &&
		    a->value_len == curves[i].point_len)
			return curves[i].id;
	}
	return 0;
}

/* ---- the driver's operations ------------------------------------------- */

/* The template of one half of a pair: @attrs, or the defaults. */
static void pair_template(struct sks_obj_attrs *raw,
			  const struct sks_attrs *attrs, uint32_t cls,
			  uint32_t defaults)
{
	if (attrs) {
		*raw = attrs->raw;
	} else {
		memset(raw, 0, sizeof(*raw));
		raw->flags = defaults;
	}
	raw->obj_class = cls;
	raw->key_type = SKS_CKK_EC;
	raw->value_len = 0;
	raw->usage_count = 0;
}

SKS_API int sks_ec_generate_key_pair(struct sks_session *session,
				     uint32_t curve,
				     const struct sks_attrs *pub_attrs,
				     const struct sks_attrs *priv_attrs,
				     uint32_t *pub, uint32_t *priv)
{
	struct sks_generate_key_pair kp;
	struct sks_obj_attrs pa, qa;

	if (!session || !pub || !priv)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	pair_template(&pa, pub_attrs, SKS_CKO_PUBLIC_KEY,
		      SKS_OBJ_VERIFY | SKS_OBJ_EXTRACTABLE | SKS_OBJ_PRIVATE);
	pair_template(&qa, priv_attrs, SKS_CKO_PRIVATE_KEY,
		      SKS_OBJ_SIGN | SKS_OBJ_DERIVE | SKS_OBJ_SENSITIVE |
		      SKS_OBJ_EXTRACTABLE | SKS_OBJ_PRIVATE);
	memset(&kp, 0, sizeof(kp));
	kp.mechanism = SKS_CKM_EC_KEY_PAIR_GEN;
	kp.curve = curve;
	kp.pub_attrs = (uintptr_t)&pa;
	kp.priv_attrs = (uintptr_t)&qa;
	kp.attrs_size = sizeof(pa);
	if (sks_do_ioctl(session->fd, SKS_IOC_GENERATE_KEY_PAIR, &kp))
		return -1;
	*pub = kp.pub_handle;
	*priv = kp.priv_handle;
	return 0;
}

static int is_ecdsa(uint32_t mechanism)
{
	return mechanism == SKS_CKM_ECDSA || mechanism == SKS_CKM_ECDSA_SHA256 ||
	       mechanism == SKS_CKM_ECDSA_SHA384;
}

SKS_API int sks_ec_sign(struct sks_session *session, uint32_t key,
			uint32_t mechanism, uint32_t flags, const void *data,
			size_t len, void *sig, size_t *sig_len)
{
	uint8_t out[SKS_ECDSA_SIG_MAX_LEN];
	struct sks_sign s;
	int ret;

	if (!sig_len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (!session || len > UINT32_MAX || (len && !data)) {
		*sig_len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	}
	/* HMAC is sks_crypto_sign()'s: this call promises a signature. */
	if (!is_ecdsa(mechanism)) {
		*sig_len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_MECHANISM_INVALID);
	}
	/*
	 * The driver signs into a zeroed buffer of ours, enough for any
	 * signature (memcheck cannot see the driver fill memory, and a
	 * caller's buffer is left alone unless the call succeeds).
	 */
	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(out));
	s.flags = flags;
	s.handle = key;
	s.mechanism = mechanism;
	s.data = (uintptr_t)data;
	s.data_len = len;
	s.sig = sig ? (uintptr_t)out : 0;
	s.sig_len = *sig_len < sizeof(out) ? *sig_len : sizeof(out);
	if (!sig)
		s.sig_len = 0;
	ret = sks_do_ioctl(session->fd, SKS_IOC_SIGN, &s);
	ret = sks_sized(ret, sig, s.sig_len, sig_len);
	if (!ret && sig) {
		/* The driver writes no more than the room it was given. */
		if (*sig_len > sizeof(out)) {
			*sig_len = 0;
			return sks_lib_fail(EIO, SKS_CKR_DEVICE_ERROR);
		}
		memcpy(sig, out, *sig_len);
	}
	return ret;
}

SKS_API int sks_ec_verify(struct sks_session *session, uint32_t key,
			  uint32_t mechanism, uint32_t flags, const void *data,
			  size_t len, const void *sig, size_t sig_len)
{
	struct sks_sign s;

	if (!session || len > UINT32_MAX || (len && !data) || !sig ||
	    sig_len > UINT32_MAX)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (!is_ecdsa(mechanism))
		return sks_lib_fail(EINVAL, SKS_CKR_MECHANISM_INVALID);
	memset(&s, 0, sizeof(s));
	s.flags = flags;
	s.handle = key;
	s.mechanism = mechanism;
	s.data = (uintptr_t)data;
	s.data_len = len;
	s.sig = (uintptr_t)sig;
	s.sig_len = sig_len;
	return sks_do_ioctl(session->fd, SKS_IOC_VERIFY, &s);
}

SKS_API int sks_ec_derive(struct sks_session *session, uint32_t base,
			  uint32_t kdf, const void *peer, size_t peer_len,
			  const void *shared, size_t shared_len,
			  const struct sks_attrs *attrs, uint32_t *handle)
{
	struct sks_derive_key d;

	if (!session || !attrs || !handle || !peer || !peer_len ||
	    peer_len > UINT32_MAX || shared_len > UINT32_MAX ||
	    (shared_len && !shared))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&d, 0, sizeof(d));
	d.mechanism = SKS_CKM_ECDH1_DERIVE;
	d.base = base;
	d.kdf = kdf;
	d.public_data = (uintptr_t)peer;
	d.public_len = peer_len;
	d.shared_data = (uintptr_t)shared;
	d.shared_len = shared_len;
	d.attrs = attrs->raw;
	d.attrs.usage_count = 0;
	if (sks_do_ioctl(session->fd, SKS_IOC_DERIVE_KEY, &d))
		return -1;
	*handle = d.handle;
	return 0;
}

SKS_API int sks_ec_get_point(struct sks_session *session, uint32_t key,
			     void *point, size_t *len)
{
	uint8_t buf[SKS_EC_POINT_MAX_LEN];
	struct sks_get_attrs ga;
	struct sks_get_value gv;
	int ret;

	if (!len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (!session) {
		*len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	}
	/* A data object's value is readable too: only points are wanted. */
	memset(&ga, 0, sizeof(ga));
	ga.handle = key;
	if (sks_do_ioctl(session->fd, SKS_IOC_GET_ATTRS, &ga)) {
		*len = 0;
		return -1;
	}
	if (ga.attrs.obj_class != SKS_CKO_PUBLIC_KEY ||
	    ga.attrs.key_type != SKS_CKK_EC) {
		*len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_KEY_TYPE_INCONSISTENT);
	}
	/* As sks_ec_sign(): our zeroed buffer, copied out on success. */
	memset(&gv, 0, sizeof(gv));
	memset(buf, 0, sizeof(buf));
	gv.handle = key;
	gv.buf = point ? (uintptr_t)buf : 0;
	gv.len = !point ? 0 : *len < sizeof(buf) ? *len : sizeof(buf);
	ret = sks_do_ioctl(session->fd, SKS_IOC_GET_VALUE, &gv);
	ret = sks_sized(ret, point, gv.len, len);
	if (!ret && point) {
		if (*len > sizeof(buf)) {
			*len = 0;
			return sks_lib_fail(EIO, SKS_CKR_DEVICE_ERROR);
		}
		memcpy(point, buf, *len);
	}
	return ret;
}

/* ---- SubjectPublicKeyInfo (RFC 5480) ------------------------------------ */

SKS_API int sks_ec_point_to_spki(const void *point, size_t len, void *der,
				 size_t *der_len)
{
	const struct ec_curve *c = curve_of_point(point, len);
	uint8_t buf[SKS_EC_SPKI_MAX_LEN];

	if (!der_len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (!c) {
		*der_len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	}
	memcpy(buf, c->spki, c->spki_len);
	memcpy(buf + c->spki_len, point, len);
	return put_out(buf, c->spki_len + len, der, der_len);
}

/* A DER reader over [p, end): one TLV at a time. */
struct der {
	const uint8_t *p, *end;
};

/*
 * Read one TLV with tag @tag into @val (its contents). Definite lengths
 * only, in their shortest form (X.690 10.1). 0, or -1.
 */
static int der_get(struct der *d, uint8_t tag, struct der *val)
{
	size_t left = d->end - d->p, len, n;

	if (left < 2 || d->p[0] != tag)
		return -1;
	len = d->p[1];
	n = 2;
	if (len & 0x80) {
		size_t bytes = len & 0x7f;

		/* 0x80 (indefinite) and lengths above 64 KiB are refused. */
		if (bytes < 1 || bytes > 2 || left < 2 + bytes)
			return -1;
		len = 0;
		for (size_t i = 0; i < bytes; i++)
			len = len << 8 | d->p[2 + i];
		/* Shortest form: no leading zero byte, no long form below 128. */
		if (len < 0x80 || (bytes == 2 && len < 0x100))
			return -1;
		n += bytes;
	}
	if (left - n < len)
		return -1;
	val->p = d->p + n;
	val->end = val->p + len;
	d->p = val->end;
	return 0;
}

static int der_is(const struct der *d, const uint8_t *v, size_t len)
{
	return (size_t)(d->end - d->p) == len && !memcmp(d->p, v, len);
}

SKS_API int sks_ec_spki_to_point(const void *der, size_t der_len, void *point,
				 size_t *len, uint32_t *curve)
{
	struct der all, spki, alg, oid, params, bits;
	const struct ec_curve *c = NULL;
	size_t plen, room;

	if (!len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	room = *len;
	*len = 0;
	if (!der && der_len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	all.p = der;
	all.end = all.p + der_len;
	/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey } */
	if (der_get(&all, 0x30, &spki) || all.p != all.end ||
	    der_get(&spki, 0x30, &alg) || der_get(&spki, 0x03, &bits) ||
	    spki.p != spki.end || der_get(&alg, 0x06, &oid))
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	if (!der_is(&oid, oid_ec_public_key, sizeof(oid_ec_public_key)))
		return sks_lib_fail(EOPNOTSUPP, SKS_CKR_DOMAIN_PARAMS_INVALID);
	/* ECParameters: namedCurve only (RFC 5480 2.1.1: no specifiedCurve). */
	if (der_get(&alg, 0x06, &params)) {
		if (alg.p != alg.end && alg.p[0] == 0x30)
			return sks_lib_fail(EOPNOTSUPP,
					    SKS_CKR_DOMAIN_PARAMS_INVALID);
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	}
	if (alg.p != alg.end)
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	for (size_t i = 0; i < NCURVES; i++)
		if (der_is(&params, curves[i].oid, curves[i].oid_len))
			c = &curves[i];
	if (!c)
		return sks_lib_fail(EOPNOTSUPP, SKS_CKR_DOMAIN_PARAMS_INVALID);
	/* BIT STRING: no unused bits, then the ECPoint (RFC 5480 2.2). */
	if (bits.end - bits.p < 2 || bits.p[0] != 0)
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	plen = bits.end - bits.p - 1;
	if (bits.p[1] == 0x02 || bits.p[1] == 0x03)
		return sks_lib_fail(EOPNOTSUPP, SKS_CKR_DOMAIN_PARAMS_INVALID);
	if (bits.p[1] != 0x04 || plen != c->point_len)
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	if (curve)
		*curve = c->id;
	*len = room;
	return put_out(bits.p + 1, plen, point, len);
}

/* ---- PEM (RFC 7468) ----------------------------------------------------- */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char pem_begin[] = "-----BEGIN PUBLIC KEY-----";
static const char pem_end[] = "-----END PUBLIC KEY-----";

SKS_API char *sks_ec_point_to_pem(const void *point, size_t len)
{
	uint8_t der[SKS_EC_SPKI_MAX_LEN];
	size_t dlen = sizeof(der), chars, room;
	char *pem, *q;

	if (sks_ec_point_to_spki(point, len, der, &dlen))
		return NULL;
	chars = (dlen + 2) / 3 * 4;
	room = sizeof(pem_begin) + chars + chars / 64 + 1 + sizeof(pem_end) + 1;
	pem = malloc(room);
	if (!pem) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	q = pem + sprintf(pem, "%s\n", pem_begin);
	for (size_t i = 0, col = 0; i < dlen; i += 3) {
		uint32_t v = (uint32_t)der[i] << 16;
		size_t n = dlen - i < 3 ? dlen - i : 3;

		if (n > 1)
			v |= (uint32_t)der[i + 1] << 8;
		if (n > 2)
			v |= der[i + 2];
		*q++ = b64[v >> 18 & 63];
		*q++ = b64[v >> 12 & 63];
		*q++ = n > 1 ? b64[v >> 6 & 63] : '=';
		*q++ = n > 2 ? b64[v & 63] : '=';
		col += 4;
		if (col == 64 || i + 3 >= dlen) {
			*q++ = '\n';
			col = 0;
		}
	}
	sprintf(q, "%s\n", pem_end);
	sks_set_result(SKS_CKR_OK);
	return pem;
}

/* Find @needle in [p, end); NULL if absent. */
static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (!memcmp(p, needle, n))
			return p;
	return NULL;
}

static int b64_value(char ch)
{
	const char *at = ch ? strchr(b64, ch) : NULL;

	return at ? (int)(at - b64) : -1;
}

/*
 * Decode the base64 of [p, end) into @out (room @room), skipping white
 * space (RFC 7468 3: lax parsers accept any). 0 with *@n bytes, or -1.
 */
static int b64_decode(const char *p, const char *end, uint8_t *out,
		      size_t room, size_t *n)
{
	uint32_t acc = 0;
	size_t k = 0, bits = 0, pad = 0;

	for (; p < end; p++) {
		int v;

		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if (*p == '=') {
			pad++;
			continue;
		}
		v = b64_value(*p);
		if (v < 0 || pad)	/* nothing but padding after padding */
			return -1;
		acc = acc << 6 | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k == room)
				return -1;
			out[k++] = acc >> bits & 0xff;
		}
	}
	/*
	 * Whole quanta only: a last quantum of 3 characters and one '=' leaves
	 * 2 bits over, one of 2 characters and two '=' leaves 4; those bits
	 * must be zero.
	 */
	if (pad > 2 || (bits == 0 && pad) || (bits == 2 && pad != 1) ||
	    (bits == 4 && pad != 2) || bits == 6 ||
	    (acc & ((1u << bits) - 1)))
		return -1;
	*n = k;
	return 0;
}

SKS_API int sks_ec_pem_to_point(const char *pem, size_t pem_len, void *point,
				size_t *len, uint32_t *curve)
{
	const char *end, *b, *e;
	/* Room for other keys' SPKIs too (RSA-4096: 550 bytes): those are
	 * refused for their algorithm, not for their size. */
	uint8_t der[2048];
	size_t dlen, room;

	if (!len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	room = *len;
	*len = 0;
	if (!pem)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	end = pem + pem_len;
	b = find(pem, end, pem_begin);
	if (!b)
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	b += strlen(pem_begin);
	e = find(b, end, pem_end);
	if (!e || b64_decode(b, e, der, sizeof(der), &dlen))
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	*len = room;
	return sks_ec_spki_to_point(der, dlen, point, len, curve);
}
