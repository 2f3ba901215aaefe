// SPDX-License-Identifier: GPL-2.0
/*
 * EC identity keys through libsks (lib/ec.c) and skscm, against the driver
 * and checked with OpenSSL: key pairs on both curves; ECDSA signatures
 * made by sks verify in OpenSSL and OpenSSL's verify in sks (raw and DER,
 * 0 to 65,536 bytes, and a 200 KB document that skscm hashes itself);
 * public keys exported as PEM and DER load in OpenSSL; ECDH with an
 * OpenSSL key gives the key OpenSSL computes (X9.63 KDF); key csr and key
 * selfsign produce a request and a certificate that OpenSSL verifies with
 * the key's public half; the size-query convention; and the refusals,
 * named with their cause. skscm's EC commands also run under valgrind.
 */
#define OPENSSL_API_COMPAT 0x10100000L
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

#define DIR	"/tmp/skscm-ec"

struct curve {
	uint32_t id;
	int nid;
	size_t n;		/* bytes of a scalar */
	uint32_t mech;		/* ECDSA with the curve's hash */
	const EVP_MD *(*md)(void);
};

static const struct curve curves[] = {
	{ SKS_EC_P256, NID_X9_62_prime256v1, 32, SKS_CKM_ECDSA_SHA256, EVP_sha256 },
	{ SKS_EC_P384, NID_secp384r1, 48, SKS_CKM_ECDSA_SHA384, EVP_sha384 },
};

/* OpenSSL's key of the point @pt. */
static EVP_PKEY *ossl_pub(const struct curve *c, const uint8_t *pt, size_t len)
{
	EC_KEY *k = EC_KEY_new_by_curve_name(c->nid);
	const uint8_t *p = pt;
	EVP_PKEY *pk = EVP_PKEY_new();

	if (!k || !pk || !o2i_ECPublicKey(&k, &p, len) ||
	    !EVP_PKEY_assign_EC_KEY(pk, k)) {
		EC_KEY_free(k);
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

/* OpenSSL's verdict on DER signature @sig of @msg under @pk. */
static int ossl_verify(EVP_PKEY *pk, const EVP_MD *md, const void *msg,
		       size_t len, const uint8_t *sig, size_t slen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) == 1 &&
		 EVP_DigestVerify(ctx, sig, slen, msg, len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/* r || s of @n bytes each as DER. */
static size_t raw_to_der(const uint8_t *raw, size_t n, uint8_t *der)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	uint8_t *p = der;
	size_t len;

	ECDSA_SIG_set0(s, BN_bin2bn(raw, n, NULL), BN_bin2bn(raw + n, n, NULL));
	len = i2d_ECDSA_SIG(s, &p);
	ECDSA_SIG_free(s);
	return len;
}

/* Write @len bytes to @path; 0 or -1. */
static int put_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* The whole of @path (malloc), or NULL. */
static uint8_t *get_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 20);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

FIXTURE(ec) {
	struct sks_hsm *hsm;
	unsigned int v1;
	struct sks_session *s;
	char *out;
};

FIXTURE_SETUP(ec)
{
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	self->v1 = st_lib_partition(self->hsm, SKS_SLOT_V1, "ec-domain");
	ASSERT_NE(~0U, self->v1);
	self->s = st_lib_co(self->v1);
	ASSERT_NE(NULL, self->s);
	self->out = NULL;
	ASSERT_EQ(0, system("rm -rf " DIR " && mkdir -p " DIR));
}

FIXTURE_TEARDOWN(ec)
{
	sks_session_close(self->s);
	sks_hsm_delete_slot(self->hsm, self->v1);
	sks_hsm_close(self->hsm);
	free(self->out);
}

/* skscm -continue, logged in as CO on the fixture's slot, then @fmt... */
#define RUN(...) ({							\
	char *_c = st_fmt(__VA_ARGS__), *_s;				\
	int _st = -1;							\
									\
	_s = _c ? st_fmt("slot set -slot %u\nrole login -name co -password %s\n%s", \
			 self->v1, ST_CO_PW, _c) : NULL;			\
	free(self->out);						\
	self->out = NULL;						\
	if (_s)								\
		_st = st_skscm_run(NULL, "-continue", _s, &self->out);	\
	free(_s);							\
	free(_c);							\
	ASSERT_NE(NULL, self->out);					\
	_st;								\
})

#define HAS(...) do {							\
	char *_w = st_fmt(__VA_ARGS__);					\
									\
	ASSERT_NE(NULL, _w);						\
	EXPECT_HAS(self->out, _w);					\
	free(_w);							\
} while (0)

/* The handles skscm printed for a key pair. */
static int pair_handles(const char *out, uint32_t *pub, uint32_t *priv)
{
	const char *p = strstr(out, "Public key handle: ");
	const char *q = strstr(out, "Private key handle: ");

	if (!p || !q)
		return -1;
	*pub = strtoul(p + strlen("Public key handle: "), NULL, 10);
	*priv = strtoul(q + strlen("Private key handle: "), NULL, 10);
	return 0;
}

/* ---- libsks ---- */

TEST_F(ec, library_signs_and_openssl_verifies_and_back)
{
	static const size_t lens[] = { 0, 1, 64, 65536 };
	uint8_t *msg = malloc(65536);

	ASSERT_NE(NULL, msg);
	for (size_t i = 0; i < 65536; i++)
		msg[i] = i * 7;
	for (size_t c = 0; c < 2; c++) {
		const struct curve *cv = &curves[c];
		uint8_t pt[SKS_EC_POINT_MAX_LEN], sig[SKS_ECDSA_SIG_MAX_LEN];
		uint8_t der[SKS_ECDSA_SIG_MAX_LEN];
		size_t plen = sizeof(pt), slen;
		uint32_t pub, priv;
		EVP_PKEY *pk;

		ASSERT_EQ(0, sks_ec_generate_key_pair(self->s, cv->id, NULL, NULL,
						      &pub, &priv));
		ASSERT_EQ(0, sks_ec_get_point(self->s, pub, pt, &plen));
		ASSERT_EQ(1 + 2 * cv->n, plen);
		pk = ossl_pub(cv, pt, plen);
		ASSERT_NE(NULL, pk);
		for (size_t k = 0; k < 4; k++) {
			/* r || s, and DER */
			slen = sizeof(sig);
			ASSERT_EQ(0, sks_ec_sign(self->s, priv, cv->mech, 0, msg,
						 lens[k], sig, &slen));
			ASSERT_EQ(2 * cv->n, slen);
			EXPECT_TRUE(ossl_verify(pk, cv->md(), msg, lens[k], der,
						raw_to_der(sig, cv->n, der)));
			EXPECT_EQ(0, sks_ec_verify(self->s, pub, cv->mech, 0, msg,
						   lens[k], sig, slen));
			slen = sizeof(sig);
			ASSERT_EQ(0, sks_ec_sign(self->s, priv, cv->mech,
						 SKS_SIGN_DER, msg, lens[k], sig,
						 &slen));
			EXPECT_TRUE(ossl_verify(pk, cv->md(), msg, lens[k], sig,
						slen));
			EXPECT_EQ(0, sks_ec_verify(self->s, pub, cv->mech,
						   SKS_SIGN_DER, msg, lens[k],
						   sig, slen));
			/* one bit of the message changed */
			if (lens[k]) {
				msg[0] ^= 1;
				EXPECT_EQ(-1, sks_ec_verify(self->s, pub, cv->mech,
							    SKS_SIGN_DER, msg,
							    lens[k], sig, slen));
				EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID,
					  sks_last_result());
				msg[0] ^= 1;
			}
		}
		/* OpenSSL signs; sks verifies with the point imported. */
		{
			EC_KEY *ok = EC_KEY_new_by_curve_name(cv->nid);
			struct sks_attrs *a = sks_attrs_new();
			uint8_t opt[SKS_EC_POINT_MAX_LEN], h[64], *q = opt;
			unsigned int hl, dl = sizeof(der);
			uint32_t imp;

			ASSERT_TRUE(EC_KEY_generate_key(ok));
			ASSERT_EQ(plen, (size_t)i2o_ECPublicKey(ok, &q));
			sks_attrs_set_class(a, SKS_CKO_PUBLIC_KEY);
			sks_attrs_set_key_type(a, SKS_CKK_EC);
			sks_attrs_set_flags(a, SKS_OBJ_VERIFY);
			ASSERT_EQ(0, sks_object_create(self->s, a, opt, plen, &imp));
			EVP_Digest(msg, 64, h, &hl, cv->md(), NULL);
			ASSERT_TRUE(ECDSA_sign(0, h, hl, der, &dl, ok));
			EXPECT_EQ(0, sks_ec_verify(self->s, imp, cv->mech,
						   SKS_SIGN_DER, msg, 64, der, dl));
			/* CKM_ECDSA on the hash */
			EXPECT_EQ(0, sks_ec_verify(self->s, imp, SKS_CKM_ECDSA,
						   SKS_SIGN_DER, h, hl, der, dl));
			sks_attrs_free(a);
			EC_KEY_free(ok);
		}
		EVP_PKEY_free(pk);
	}
	free(msg);
}

/* Every one of @len bytes at @p is @b. */
static bool all_bytes(const uint8_t *p, size_t len, uint8_t b)
{
	while (len--)
		if (*p++ != b)
			return false;
	return true;
}

TEST_F(ec, library_size_queries_and_refusals)
{
	uint8_t sig[SKS_ECDSA_SIG_MAX_LEN], pt[SKS_EC_POINT_MAX_LEN];
	size_t slen = 0, plen = 0;
	uint32_t pub, priv, aes, h;
	struct sks_attrs *a = sks_attrs_new();

	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, sks_ec_generate_key_pair(self->s, SKS_EC_P384, NULL, NULL,
					      &pub, &priv));
	/* size queries */
	ASSERT_EQ(0, sks_ec_sign(self->s, priv, SKS_CKM_ECDSA_SHA384, 0, "m", 1,
				 NULL, &slen));
	EXPECT_EQ(96, slen);
	ASSERT_EQ(0, sks_ec_sign(self->s, priv, SKS_CKM_ECDSA_SHA384,
				 SKS_SIGN_DER, "m", 1, NULL, &slen));
	EXPECT_LE(104, slen);
	EXPECT_GE(SKS_ECDSA_SIG_MAX_LEN, slen);
	/* a buffer too small: refused, and left as it was */
	memset(sig, 0xa5, sizeof(sig));
	slen = 95;
	EXPECT_EQ(-1, sks_ec_sign(self->s, priv, SKS_CKM_ECDSA_SHA384, 0, "m",
				  1, sig, &slen));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(96, slen);
	EXPECT_TRUE(all_bytes(sig, sizeof(sig), 0xa5));
	/* a room above SKS_ECDSA_SIG_MAX_LEN: only the signature is written */
	{
		uint8_t big[2 * SKS_ECDSA_SIG_MAX_LEN];

		memset(big, 0xa5, sizeof(big));
		slen = sizeof(big);
		ASSERT_EQ(0, sks_ec_sign(self->s, priv, SKS_CKM_ECDSA_SHA384,
					 0, "m", 1, big, &slen));
		EXPECT_EQ(96, slen);
		EXPECT_TRUE(all_bytes(big + 96, sizeof(big) - 96, 0xa5));
	}
	ASSERT_EQ(0, sks_ec_get_point(self->s, pub, NULL, &plen));
	EXPECT_EQ(97, plen);
	memset(pt, 0xa5, sizeof(pt));
	plen = 96;
	EXPECT_EQ(-1, sks_ec_get_point(self->s, pub, pt, &plen));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(97, plen);
	EXPECT_TRUE(all_bytes(pt, sizeof(pt), 0xa5));
	/* a private key has no readable point; an AES key none at all */
	plen = sizeof(pt);
	EXPECT_EQ(-1, sks_ec_get_point(self->s, priv, pt, &plen));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, sks_last_result());
	EXPECT_EQ(0, plen);
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	ASSERT_EQ(0, sks_object_generate(self->s, SKS_CKM_AES_KEY_GEN, a, &aes));
	plen = sizeof(pt);
	EXPECT_EQ(-1, sks_ec_get_point(self->s, aes, pt, &plen));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, sks_last_result());
	/* HMAC mechanisms are sks_crypto_sign()'s */
	slen = sizeof(sig);
	EXPECT_EQ(-1, sks_ec_sign(self->s, priv, SKS_CKM_SHA256_HMAC, 0, "m", 1,
				  sig, &slen));
	EXPECT_EQ(SKS_CKR_MECHANISM_INVALID, sks_last_result());
	EXPECT_EQ(0, slen);
	/* an unknown curve; a pair a public template may not describe */
	EXPECT_EQ(-1, sks_ec_generate_key_pair(self->s, 7, NULL, NULL, &pub, &h));
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, sks_last_result());
	sks_attrs_set_flags(a, SKS_OBJ_SIGN);
	EXPECT_EQ(-1, sks_ec_generate_key_pair(self->s, SKS_EC_P256, a, NULL,
					       &pub, &h));
	EXPECT_EQ(SKS_CKR_TEMPLATE_INCONSISTENT, sks_last_result());
	sks_attrs_free(a);
}

/* X9.63 KDF (SEC 1 3.6.1) with SHA-256: @out of @olen bytes. */
static void x963_sha256(const uint8_t *z, size_t zlen, const char *info,
			uint8_t *out, size_t olen)
{
	for (uint32_t ctr = 1, done = 0; done < olen; ctr++) {
		uint8_t be[4] = { ctr >> 24, ctr >> 16, ctr >> 8, ctr };
		uint8_t h[32];
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		EVP_DigestInit_ex(m, EVP_sha256(), NULL);
		EVP_DigestUpdate(m, z, zlen);
		EVP_DigestUpdate(m, be, 4);
		EVP_DigestUpdate(m, info, strlen(info));
		EVP_DigestFinal_ex(m, h, NULL);
		EVP_MD_CTX_free(m);
		memcpy(out + done, h, olen - done < 32 ? olen - done : 32);
		done += olen - done < 32 ? olen - done : 32;
	}
}

TEST_F(ec, skscm_derive_agrees_with_openssl)
{
	EC_KEY *peer = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
	uint8_t z[32], key[32], mac[32], *got, *pt = NULL;
	size_t glen, plen;
	uint32_t pub, priv;
	unsigned int ml;
	EVP_PKEY *spk;
	FILE *f;

	ASSERT_TRUE(EC_KEY_generate_key(peer));
	f = fopen(DIR "/peer.pem", "w");
	ASSERT_NE(NULL, f);
	ASSERT_TRUE(PEM_write_EC_PUBKEY(f, peer));
	fclose(f);
	ASSERT_EQ(0, put_file(DIR "/msg", "record 42", 9));
	EXPECT_EQ(0, RUN("key generate -keytype ec -label alice\n"
			 "key exportpub -handle 1 -file " DIR "/alice.pem\n"
			 "key derive -mechanism ecdh -handle 2 -peer " DIR "/peer.pem -shareddata acme-2026 -keytype generic -length 32 -label shared\n"
			 "crypto sign -handle 3 -mechanism sha256 -in " DIR "/msg -out " DIR "/msg.mac\n"));
	ASSERT_EQ(0, pair_handles(self->out, &pub, &priv));
	EXPECT_EQ(1, pub);
	HAS("\tDerived key handle: 3\n");
	/* OpenSSL: Z from its private key and sks's public key, the KDF,
	 * the HMAC. */
	f = fopen(DIR "/alice.pem", "r");
	ASSERT_NE(NULL, f);
	spk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	ASSERT_NE(NULL, spk);
	plen = EVP_PKEY_get1_encoded_public_key(spk, &pt);
	ASSERT_EQ(65, plen);
	ASSERT_EQ(32, ECDH_compute_key(z, sizeof(z),
				       EC_KEY_get0_public_key(EVP_PKEY_get0_EC_KEY(spk)),
				       peer, NULL));
	x963_sha256(z, 32, "acme-2026", key, 32);
	HMAC(EVP_sha256(), key, 32, (const uint8_t *)"record 42", 9, mac, &ml);
	got = get_file(DIR "/msg.mac", &glen);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(32, glen);
	EXPECT_EQ(0, memcmp(mac, got, 32));
	free(got);
	OPENSSL_free(pt);
	EVP_PKEY_free(spk);
	EC_KEY_free(peer);
}

TEST_F(ec, skscm_signatures_verify_in_openssl_and_back)
{
	static const char *const curve[2] = { "p256", "p384" };
	uint8_t *doc = malloc(200000), *sig;
	size_t slen;

	ASSERT_NE(NULL, doc);
	for (size_t i = 0; i < 200000; i++)
		doc[i] = i % 251;
	ASSERT_EQ(0, put_file(DIR "/small", doc, 100));
	ASSERT_EQ(0, put_file(DIR "/hash", doc, 32));
	ASSERT_EQ(0, put_file(DIR "/big", doc, 200000));
	for (size_t c = 0; c < 2; c++) {
		const struct curve *cv = &curves[c];
		EVP_PKEY *pk;
		EC_KEY *ok;
		FILE *f;

		ok = EC_KEY_new_by_curve_name(cv->nid);
		ASSERT_TRUE(EC_KEY_generate_key(ok));
		f = fopen(DIR "/ossl.pem", "w");
		ASSERT_TRUE(PEM_write_EC_PUBKEY(f, ok));
		fclose(f);
		EXPECT_EQ(0, RUN("key generate -keytype ec -curve %s -label id-%s\n"
				 "key show -handle 1\n"
				 "key exportpub -handle 2 -file " DIR "/pub.pem\n"
				 "crypto sign -handle 2 -in " DIR "/small -out " DIR "/small.sig -der\n"
				 "crypto sign -handle 2 -in " DIR "/big -out " DIR "/big.sig -der\n"
				 "crypto verify -handle 1 -in " DIR "/big -signature " DIR "/big.sig -der\n"
				 "crypto sign -handle 2 -mechanism ecdsa -in " DIR "/hash -out " DIR "/hash.sig\n"
				 /* lunacm's abbreviation of -mechanism */
				 "crypto sign -handle 2 -mech ecdsa-sha%s -in " DIR "/small -out " DIR "/small2.sig -der\n"
				 "crypto verify -handle 1 -mech ecdsa-sha%s -in " DIR "/small -signature " DIR "/small2.sig -der\n"
				 "key import -keytype ecpublic -file " DIR "/ossl.pem -label ossl\n",
				 curve[c], curve[c], c ? "384" : "256",
				 c ? "384" : "256"));
		HAS("\tGenerated %s key pair:\n\tPublic key handle: 1\n\tPrivate key handle: 2\n",
		    c ? "P-384" : "P-256");
		HAS("\tObject Type:\tPublic Key (EC), %s\n", c ? "P-384" : "P-256");
		HAS("\tPublic Key (PEM):\n\n-----BEGIN PUBLIC KEY-----\n");
		HAS("Wrote the public key 1 (PEM) to " DIR "/pub.pem.\n");
		HAS("is larger than 65536 bytes: skscm hashed it with %s",
		    c ? "SHA-384" : "SHA-256");
		HAS("\nThe signature is valid.\n");
		HAS("Signed 32 bytes from " DIR "/hash with ECDSA; %zu byte signature (r || s)",
		    2 * cv->n);
		HAS("Signed 100 bytes from " DIR "/small with ECDSA; ");
		HAS(" byte signature (DER) written to " DIR "/small.sig.\n");
		HAS("\tImported object handle: 3\n");
		f = fopen(DIR "/pub.pem", "r");
		ASSERT_NE(NULL, f);
		pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
		fclose(f);
		ASSERT_NE(NULL, pk);
		sig = get_file(DIR "/small.sig", &slen);
		EXPECT_TRUE(ossl_verify(pk, cv->md(), doc, 100, sig, slen));
		free(sig);
		sig = get_file(DIR "/big.sig", &slen);
		EXPECT_TRUE(ossl_verify(pk, cv->md(), doc, 200000, sig, slen));
		free(sig);
		sig = get_file(DIR "/small2.sig", &slen);
		EXPECT_TRUE(ossl_verify(pk, cv->md(), doc, 100, sig, slen));
		free(sig);
		EVP_PKEY_free(pk);

		/* OpenSSL signs the documents; skscm verifies with the
		 * imported public key (handle 3); a changed signature fails. */
		{
			uint8_t h[64], der[SKS_ECDSA_SIG_MAX_LEN];
			unsigned int hl, dl = sizeof(der);

			EVP_Digest(doc, 200000, h, &hl, cv->md(), NULL);
			ASSERT_TRUE(ECDSA_sign(0, h, hl, der, &dl, ok));
			ASSERT_EQ(0, put_file(DIR "/ossl.sig", der, dl));
			der[dl - 1] ^= 1;
			ASSERT_EQ(0, put_file(DIR "/bad.sig", der, dl));
		}
		EXPECT_EQ(1, RUN("key import -keytype ecpublic -file " DIR "/ossl.pem\n"
				 "crypto verify -handle 1 -in " DIR "/big -signature " DIR "/ossl.sig -der\n"
				 "crypto verify -handle 1 -in " DIR "/big -signature " DIR "/bad.sig -der\n"));
		HAS("skscm:> crypto verify -handle 1 -in " DIR "/big -signature " DIR "/ossl.sig -der\n"
		    "\n" DIR "/big is larger than 65536 bytes: skscm hashed it with %s and the key verifies the hash (CKM_ECDSA).\n"
		    "\nThe signature is valid.\n", c ? "SHA-384" : "SHA-256");
		HAS("\nError: Signature verification failed: signature invalid.\n"
		    "\nCommand Result : 0xc0 (CKR_SIGNATURE_INVALID)\n");
		EC_KEY_free(ok);
	}
	free(doc);
}

TEST_F(ec, skscm_csr_and_certificate_verify_in_openssl)
{
	X509_REQ *req;
	X509 *crt;
	EVP_PKEY *pk, *cpk;
	FILE *f;
	char cn[64];

	EXPECT_EQ(0, RUN("key generate -keytype ec -curve p384 -label acme -id a1\n"
			 "key exportpub -handle 2 -file " DIR "/acme.pem\n"
			 "key csr -handle 2 -subject /CN=Acme Identity/O=Acme Corp/C=DE -file " DIR "/acme.csr\n"
			 "key selfsign -handle 2 -subject /CN=Acme Identity/O=Acme Corp -days 30 -serial 4242 -file " DIR "/acme.crt\n"));
	HAS("Wrote a certificate request (PKCS#10) for /CN=Acme Identity/O=Acme Corp/C=DE, signed by key 2, to " DIR "/acme.csr.\n");
	HAS("Wrote a self-signed certificate for /CN=Acme Identity/O=Acme Corp, valid 30 days, signed by key 2, to " DIR "/acme.crt.\n");
	f = fopen(DIR "/acme.pem", "r");
	ASSERT_NE(NULL, f);
	pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(DIR "/acme.csr", "r");
	ASSERT_NE(NULL, f);
	req = PEM_read_X509_REQ(f, NULL, NULL, NULL);
	fclose(f);
	ASSERT_NE(NULL, req);
	EXPECT_EQ(1, X509_REQ_verify(req, pk));
	EXPECT_EQ(NID_ecdsa_with_SHA384, X509_REQ_get_signature_nid(req));
	X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName,
				  cn, sizeof(cn));
	EXPECT_STREQ("Acme Identity", cn);
	f = fopen(DIR "/acme.crt", "r");
	ASSERT_NE(NULL, f);
	crt = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ASSERT_NE(NULL, crt);
	EXPECT_EQ(1, X509_verify(crt, pk));
	cpk = X509_get0_pubkey(crt);
	EXPECT_EQ(1, EVP_PKEY_eq(pk, cpk));
	EXPECT_EQ(4242, ASN1_INTEGER_get(X509_get0_serialNumber(crt)));
	EXPECT_EQ(0, X509_NAME_cmp(X509_get_subject_name(crt),
				   X509_get_issuer_name(crt)));
	EXPECT_EQ(1, X509_check_ca(crt));
	X509_free(crt);
	X509_REQ_free(req);
	EVP_PKEY_free(pk);
	/* The command line tools agree. */
	EXPECT_EQ(0, system("openssl req -in " DIR "/acme.csr -noout -verify >/dev/null 2>&1"));
	EXPECT_EQ(0, system("openssl verify -CAfile " DIR "/acme.crt " DIR "/acme.crt >/dev/null 2>&1"));
}

TEST_F(ec, skscm_refusals_name_their_cause)
{
	ASSERT_EQ(0, put_file(DIR "/msg", "m", 1));
	EXPECT_EQ(1, RUN("key generate -keytype ec -label a -usage derive -usagelimit 2\n"
			 "key generate -keytype ec -curve p384 -label b\n"
			 "key generate -keytype generic -label mac\n"
			 "key generate -keytype ec -curve p521\n"
			 "key generate -keytype aes -curve p256\n"
			 "crypto sign -handle 2 -in " DIR "/msg -out " DIR "/s\n"
			 "key exportpub -handle 5 -file " DIR "/x.pem\n"
			 "key exportpub -handle 4 -file " DIR "/b.pem\n"
			 "key derive -mechanism ecdh -handle 2 -peer " DIR "/b.pem\n"
			 "key derive -mechanism ecdh -handle 4 -peer " DIR "/b.pem -kdf null -length 48 -keytype generic\n"
			 "key derive -mechanism ecdh -handle 2 -peer " DIR "/msg\n"
			 "key csr -handle 1 -subject /CN=x -file " DIR "/x.csr\n"
			 "key csr -handle 4 -pubhandle 1 -subject /CN=x -file " DIR "/x.csr\n"
			 "key generate -keytype ec -label c\n"
			 "key csr -handle 8 -pubhandle 1 -subject /CN=x -file " DIR "/x.csr\n"
			 "key csr -handle 4 -subject CN=x -file " DIR "/x.csr\n"
			 "crypto sign -handle 5 -in " DIR "/msg -out " DIR "/s -der\n"
			 "crypto sign -handle 4 -mechanism ecdsa-sha384 -in " DIR "/msg -out " DIR "/s\n"
			 "crypto sign -handle 4 -mechanism ecdsa-sha384 -in " DIR "/msg -out " DIR "/s\n"));
	HAS("skscm:> key generate -keytype ec -curve p521\n\nSyntax Error: Option -curve must be p256 or p384.\n");
	HAS("skscm:> key generate -keytype aes -curve p256\n\nSyntax Error: Option -curve is for -keytype ec.\n");
	HAS("skscm:> crypto sign -handle 2 -in " DIR "/msg -out " DIR "/s\n"
	    "\nError: Signing failed: key function not permitted.\n"
	    "\nCommand Result : 0x68 (CKR_KEY_FUNCTION_NOT_PERMITTED)\n");
	HAS("skscm:> key exportpub -handle 5 -file " DIR "/x.pem\n"
	    "\nError: Object 5 is not an EC key.\n"
	    "\nCommand Result : 0x63 (CKR_KEY_TYPE_INCONSISTENT)\n");
	HAS("Wrote the public key 3 (PEM) to " DIR "/b.pem.\n");
	HAS("skscm:> key derive -mechanism ecdh -handle 2 -peer " DIR "/b.pem\n"
	    "\nError: Failed to derive the key: domain parameters invalid");
	HAS("Command Result : 0x130 (CKR_DOMAIN_PARAMS_INVALID)\n");
	HAS("\tDerived key handle: 6\n");
	HAS("skscm:> key derive -mechanism ecdh -handle 2 -peer " DIR "/msg\n"
	    "\nError: " DIR "/msg is not an EC public key on P-256 or P-384");
	HAS("skscm:> key csr -handle 1 -subject /CN=x -file " DIR "/x.csr\n"
	    "\nError: Object 1 is not an EC private key.\n");
	HAS("Error: Object 1 is not an EC public key on P-384, the curve of private key 4: they are not a pair.\n");
	HAS("\tPublic key handle: 7\n\tPrivate key handle: 8\n");
	HAS("Error: The request's signature does not verify with public key 1: private key 8 is not its pair.\n");
	HAS("Syntax Error: Option -subject takes /TYPE=value/...");
	HAS("Syntax Error: Option -der is for ECDSA signatures; key 5 makes MACs.\n");
	EXPECT_HASNT(self->out, "CKR_KEY_NOT_ACTIVE");

	/* Usage limit: two signatures, the third refused. */
	EXPECT_EQ(1, RUN("key generate -keytype ec -label lim -usagelimit 2\n"
			 "crypto sign -handle 2 -in " DIR "/msg -out " DIR "/s1\n"
			 "crypto sign -handle 2 -in " DIR "/msg -out " DIR "/s2\n"
			 "crypto sign -handle 2 -in " DIR "/msg -out " DIR "/s3\n"
			 "key show -handle 2\n"));
	HAS("\nError: Signing failed: key not active (usage limit reached).\n"
	    "\nCommand Result : 0x80000136 (CKR_KEY_NOT_ACTIVE)\n");
	HAS("\tUsage Limit:\t2 (used 2)\n");
}

TEST_F_TIMEOUT(ec, skscm_ec_commands_under_valgrind, 400)
{
	char *script, *out = NULL;
	int st;

	ASSERT_EQ(0, system("valgrind --version >/dev/null 2>&1"));
	ASSERT_EQ(0, put_file(DIR "/msg", "hello", 5));
	script = st_fmt("slot set -slot %u\nrole login -name co -password %s\n"
			"key generate -keytype ec -label v\n"
			"key show -handle 1\n"
			"key exportpub -handle 2 -file " DIR "/v.pem\n"
			"key import -keytype ecpublic -file " DIR "/v.pem\n"
			"crypto sign -handle 2 -in " DIR "/msg -out " DIR "/v.sig -der\n"
			"crypto verify -handle 3 -in " DIR "/msg -signature " DIR "/v.sig -der\n"
			"key derive -mechanism ecdh -handle 2 -peer " DIR "/v.pem\n"
			"key csr -handle 2 -subject /CN=v -file " DIR "/v.csr\n"
			"key selfsign -handle 2 -subject /CN=v -file " DIR "/v.crt\n"
			"key csr -handle 4 -subject /CN=v -file " DIR "/v.csr\n",
			self->v1, ST_CO_PW);
	ASSERT_NE(NULL, script);
	st = st_skscm_run("valgrind --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=99 -q",
		       "-continue", script, &out);
	ASSERT_NE(NULL, out);
	/* 1: the last command fails as it should; 99: memcheck found errors. */
	EXPECT_EQ(1, st);
	EXPECT_HAS(out, "Wrote a self-signed certificate for /CN=v");
	EXPECT_HAS(out, "Error: Object 4 is not an EC private key.\n");
	if (st != 1)
		TH_LOG("%s", out);
	free(out);
	free(script);
}

TEST_HARNESS_MAIN
