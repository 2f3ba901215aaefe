// SPDX-License-Identifier: GPL-2.0
/*
 * libsks's EC public key codecs against OpenSSL: points to DER
 * SubjectPublicKeyInfo and PEM byte for byte as OpenSSL writes them, and
 * back from what OpenSSL writes; other algorithms, other curves, explicit
 * parameters, compressed points, truncated, padded and non-minimal DER and
 * broken base64 refused with the documented codes; the size-query
 * convention. No device is needed.
 */
#define OPENSSL_API_COMPAT 0x10100000L
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include <sks.h>

struct ec_case {
	uint32_t curve;
	int nid;
	size_t point_len, spki_len;
};

static const struct ec_case cases[] = {
	{ SKS_EC_P256, NID_X9_62_prime256v1, 65, 91 },
	{ SKS_EC_P384, NID_secp384r1, 97, 120 },
};

/* A fresh OpenSSL key of @nid; its point and DER SPKI. */
static EC_KEY *ossl_key(int nid, uint8_t *point, size_t *plen, uint8_t **spki,
			int *slen)
{
	EC_KEY *k = EC_KEY_new_by_curve_name(nid);
	uint8_t *p = point;

	if (!k || !EC_KEY_generate_key(k))
		return NULL;
	*plen = i2o_ECPublicKey(k, &p);
	*spki = NULL;
	*slen = i2d_EC_PUBKEY(k, spki);
	return k;
}

/* The PEM OpenSSL writes for @k, NUL terminated (malloc). */
static char *ossl_pem(EC_KEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	PEM_write_bio_EC_PUBKEY(b, k);
	n = BIO_get_mem_data(b, &data);
	out = calloc(1, n + 1);
	memcpy(out, data, n);
	BIO_free(b);
	return out;
}

TEST(point_to_spki_and_pem_as_openssl_writes_them)
{
	for (size_t i = 0; i < 2; i++) {
		for (int round = 0; round < 20; round++) {
			uint8_t point[SKS_EC_POINT_MAX_LEN], der[SKS_EC_SPKI_MAX_LEN];
			uint8_t *spki;
			size_t plen, dlen = sizeof(der);
			int slen;
			EC_KEY *k = ossl_key(cases[i].nid, point, &plen, &spki, &slen);
			char *pem, *mine;

			ASSERT_NE(NULL, k);
			ASSERT_EQ(cases[i].point_len, plen);
			ASSERT_EQ(0, sks_ec_point_to_spki(point, plen, der, &dlen));
			ASSERT_EQ((size_t)slen, dlen);
			EXPECT_EQ(cases[i].spki_len, dlen);
			EXPECT_EQ(0, memcmp(spki, der, dlen));
			pem = ossl_pem(k);
			mine = sks_ec_point_to_pem(point, plen);
			ASSERT_NE(NULL, mine);
			EXPECT_STREQ(pem, mine);
			EXPECT_EQ(SKS_CKR_OK, sks_last_result());
			free(pem);
			free(mine);
			OPENSSL_free(spki);
			EC_KEY_free(k);
		}
	}
}

TEST(spki_and_pem_from_openssl_give_the_point)
{
	for (size_t i = 0; i < 2; i++) {
		uint8_t point[SKS_EC_POINT_MAX_LEN], got[SKS_EC_POINT_MAX_LEN];
		uint8_t *spki;
		size_t plen, glen = sizeof(got);
		uint32_t curve = 0;
		int slen;
		EC_KEY *k = ossl_key(cases[i].nid, point, &plen, &spki, &slen);
		char *pem, *text;

		ASSERT_NE(NULL, k);
		ASSERT_EQ(0, sks_ec_spki_to_point(spki, slen, got, &glen, &curve));
		EXPECT_EQ(plen, glen);
		EXPECT_EQ(cases[i].curve, curve);
		EXPECT_EQ(0, memcmp(point, got, plen));

		/* PEM with text around it, CRLF lines, as files have. */
		pem = ossl_pem(k);
		text = calloc(1, 2 * strlen(pem) + 64);
		strcpy(text, "Subject: acme\n");
		for (char *q = pem, *o = text + strlen(text); *q; q++) {
			if (*q == '\n')
				*o++ = '\r';
			*o++ = *q;
		}
		strcat(text, "trailing words\n");
		memset(got, 0, sizeof(got));
		glen = sizeof(got);
		curve = 0;
		ASSERT_EQ(0, sks_ec_pem_to_point(text, strlen(text), got, &glen,
						 &curve));
		EXPECT_EQ(plen, glen);
		EXPECT_EQ(cases[i].curve, curve);
		EXPECT_EQ(0, memcmp(point, got, plen));
		free(text);
		free(pem);
		OPENSSL_free(spki);
		EC_KEY_free(k);
	}
}

TEST(size_queries_and_short_buffers)
{
	uint8_t point[SKS_EC_POINT_MAX_LEN], der[SKS_EC_SPKI_MAX_LEN];
	uint8_t *spki;
	size_t plen, len;
	int slen;
	EC_KEY *k = ossl_key(NID_secp384r1, point, &plen, &spki, &slen);

	ASSERT_NE(NULL, k);
	len = 0;
	ASSERT_EQ(0, sks_ec_point_to_spki(point, plen, NULL, &len));
	EXPECT_EQ(120, len);
	len = 119;
	EXPECT_EQ(-1, sks_ec_point_to_spki(point, plen, der, &len));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(120, len);

	len = 0;
	ASSERT_EQ(0, sks_ec_spki_to_point(spki, slen, NULL, &len, NULL));
	EXPECT_EQ(97, len);
	len = 96;
	EXPECT_EQ(-1, sks_ec_spki_to_point(spki, slen, der, &len, NULL));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(97, len);
	EXPECT_EQ(-1, sks_ec_spki_to_point(spki, slen, der, NULL, NULL));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
	OPENSSL_free(spki);
	EC_KEY_free(k);
}

TEST(points_of_the_wrong_form_are_refused)
{
	uint8_t point[98] = { 0x04 };
	size_t len = 200;
	uint8_t der[200];

	for (size_t n = 0; n <= sizeof(point); n++) {
		len = sizeof(der);
		if (n == 65 || n == 97)
			continue;
		EXPECT_EQ(-1, sks_ec_point_to_spki(point, n, der, &len));
		EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
		EXPECT_EQ(0, len);
	}
	point[0] = 0x02;	/* compressed: not what this library writes */
	len = sizeof(der);
	EXPECT_EQ(-1, sks_ec_point_to_spki(point, 65, der, &len));
	EXPECT_EQ(NULL, sks_ec_point_to_pem(point, 65));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
}

/* What sks_ec_spki_to_point() says of @der. */
static uint32_t spki_verdict(const uint8_t *der, size_t len)
{
	uint8_t point[SKS_EC_POINT_MAX_LEN];
	size_t plen = sizeof(point);

	if (!sks_ec_spki_to_point(der, len, point, &plen, NULL))
		return SKS_CKR_OK;
	return sks_last_result();
}

TEST(other_algorithms_curves_and_forms_are_refused)
{
	EC_KEY *k = EC_KEY_new_by_curve_name(NID_secp521r1);
	EVP_PKEY *rsa = EVP_RSA_gen(2048);
	uint8_t *der = NULL;
	int len;

	/* P-521 */
	ASSERT_TRUE(EC_KEY_generate_key(k));
	len = i2d_EC_PUBKEY(k, &der);
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, spki_verdict(der, len));
	EXPECT_EQ(EOPNOTSUPP, errno);
	OPENSSL_free(der);
	EC_KEY_free(k);

	/* RSA */
	der = NULL;
	len = i2d_PUBKEY(rsa, &der);
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, spki_verdict(der, len));
	OPENSSL_free(der);
	EVP_PKEY_free(rsa);

	/* P-256 compressed, and with explicit parameters */
	k = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
	ASSERT_TRUE(EC_KEY_generate_key(k));
	EC_KEY_set_conv_form(k, POINT_CONVERSION_COMPRESSED);
	der = NULL;
	len = i2d_EC_PUBKEY(k, &der);
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, spki_verdict(der, len));
	OPENSSL_free(der);
	EC_KEY_set_conv_form(k, POINT_CONVERSION_UNCOMPRESSED);
	EC_KEY_set_asn1_flag(k, 0);	/* specifiedCurve */
	der = NULL;
	len = i2d_EC_PUBKEY(k, &der);
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, spki_verdict(der, len));
	OPENSSL_free(der);
	EC_KEY_free(k);
}

TEST(malformed_der_is_refused)
{
	uint8_t point[SKS_EC_POINT_MAX_LEN], buf[200], *spki;
	size_t plen;
	int slen;
	EC_KEY *k = ossl_key(NID_X9_62_prime256v1, point, &plen, &spki, &slen);

	ASSERT_NE(NULL, k);
	ASSERT_EQ(SKS_CKR_OK, spki_verdict(spki, slen));
	/* Every truncation, and a trailing byte. */
	for (int n = 0; n < slen; n++)
		EXPECT_EQ(SKS_CKR_DATA_INVALID, spki_verdict(spki, n));
	memcpy(buf, spki, slen);
	buf[slen] = 0;
	EXPECT_EQ(SKS_CKR_DATA_INVALID, spki_verdict(buf, slen + 1));
	EXPECT_EQ(EBADMSG, errno);
	/* The outer length in a non-minimal long form (0x81 0x59). */
	buf[0] = 0x30;
	buf[1] = 0x81;
	memcpy(buf + 2, spki + 1, slen - 1);
	EXPECT_EQ(SKS_CKR_DATA_INVALID, spki_verdict(buf, slen + 1));
	/* Unused bits in the BIT STRING; a point one byte short inside. */
	memcpy(buf, spki, slen);
	buf[25] = 1;
	EXPECT_EQ(SKS_CKR_DATA_INVALID, spki_verdict(buf, slen));
	memcpy(buf, spki, slen);
	buf[1]--;
	buf[24]--;
	EXPECT_EQ(SKS_CKR_DATA_INVALID, spki_verdict(buf, slen - 1));
	/* A point that is not 04 || X || Y. */
	memcpy(buf, spki, slen);
	buf[26] = 0x05;
	EXPECT_EQ(SKS_CKR_DATA_INVALID, spki_verdict(buf, slen));
	OPENSSL_free(spki);
	EC_KEY_free(k);
}

TEST(broken_pem_is_refused)
{
	uint8_t point[SKS_EC_POINT_MAX_LEN], got[SKS_EC_POINT_MAX_LEN], *spki;
	size_t plen, glen;
	int slen;
	EC_KEY *k = ossl_key(NID_X9_62_prime256v1, point, &plen, &spki, &slen);
	char *pem = ossl_pem(k), *bad;
	static const char *const cases[] = {
		"no pem here",
		"-----BEGIN PUBLIC KEY-----\nMFkw\n",	/* no END */
		"-----BEGIN CERTIFICATE-----\nMFkw\n-----END CERTIFICATE-----\n",
		"-----BEGIN PUBLIC KEY-----\nMF*w\n-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\nMFk\n-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\nMA==MA==\n-----END PUBLIC KEY-----\n",
	};

	ASSERT_NE(NULL, pem);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		glen = sizeof(got);
		EXPECT_EQ(-1, sks_ec_pem_to_point(cases[i], strlen(cases[i]), got,
						  &glen, NULL));
		EXPECT_EQ(SKS_CKR_DATA_INVALID, sks_last_result());
		EXPECT_EQ(0, glen);
	}
	/* One character of the base64 changed: the DER no longer parses or
	 * holds another point; never the original one. */
	bad = strdup(pem);
	bad[30] = bad[30] == 'A' ? 'B' : 'A';
	glen = sizeof(got);
	if (!sks_ec_pem_to_point(bad, strlen(bad), got, &glen, NULL))
		EXPECT_NE(0, memcmp(point, got, plen));
	free(bad);
	free(pem);
	OPENSSL_free(spki);
	EC_KEY_free(k);
}

TEST(curve_names)
{
	EXPECT_STREQ("P-256", sks_ec_curve_name(SKS_EC_P256));
	EXPECT_STREQ("P-384", sks_ec_curve_name(SKS_EC_P384));
	EXPECT_EQ(NULL, sks_ec_curve_name(0));
	EXPECT_EQ(NULL, sks_ec_curve_name(3));
}

TEST(curve_of_attributes)
{
	static const struct { uint32_t cls, type, len, curve; } t[] = {
		{ SKS_CKO_PUBLIC_KEY, SKS_CKK_EC, 65, SKS_EC_P256 },
		{ SKS_CKO_PUBLIC_KEY, SKS_CKK_EC, 97, SKS_EC_P384 },
		{ SKS_CKO_PRIVATE_KEY, SKS_CKK_EC, 32, SKS_EC_P256 },
		{ SKS_CKO_PRIVATE_KEY, SKS_CKK_EC, 48, SKS_EC_P384 },
		{ SKS_CKO_PRIVATE_KEY, SKS_CKK_EC, 65, 0 },
		{ SKS_CKO_PUBLIC_KEY, SKS_CKK_EC, 32, 0 },
		{ SKS_CKO_SECRET_KEY, SKS_CKK_AES, 32, 0 },
		{ SKS_CKO_DATA, SKS_CKK_NONE, 65, 0 },
	};
	struct sks_attrs *a = sks_attrs_new();

	ASSERT_NE(NULL, a);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sks_attrs_set_class(a, t[i].cls);
		sks_attrs_set_key_type(a, t[i].type);
		sks_attrs_set_value_len(a, t[i].len);
		EXPECT_EQ(t[i].curve, sks_attrs_get_ec_curve(a));
	}
	sks_attrs_free(a);
}

TEST_HARNESS_MAIN
