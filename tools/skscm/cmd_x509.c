// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - key csr and key selfsign: a PKCS#10 certification request (RFC
 * 2986) and a self-signed X.509 v3 certificate (RFC 5280) for an EC key
 * pair held in sks, written as PEM.
 *
 * OpenSSL builds the structures and the DER of what is signed
 * (CertificationRequestInfo, TBSCertificate); the signature is made by the
 * kernel: OpenSSL sees an EC key that has only the public point and an
 * EC_KEY_METHOD whose signing function hands the digest to sks
 * (CKM_ECDSA). The private key never leaves the kernel. The signature
 * algorithm is ecdsa-with-SHA256 on P-256 and ecdsa-with-SHA384 on P-384
 * (RFC 5758 3.2, RFC 5480 4), and every result is checked with the public
 * key before it is written.
 */
/* EC_KEY_METHOD is OpenSSL 1.1's API, deprecated but kept in 3.0. */
#define OPENSSL_API_COMPAT 0x10100000L
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skscm.h"

/* The key OpenSSL's signing calls reach (skscm runs one command at a time). */
static struct {
	struct sks_session *s;
	uint32_t key;
	uint32_t ckr;		/* the result of the last signature */
	size_t n;		/* bytes of r and of s */
} signer;

/* EC_KEY_METHOD sign_sig: sign @dgst in sks, r || s into an ECDSA_SIG. */
static ECDSA_SIG *sks_sign_sig(const unsigned char *dgst, int dlen,
			       const BIGNUM *kinv, const BIGNUM *r,
			       EC_KEY *eckey)
{
	uint8_t sig[SKS_ECDSA_SIG_MAX_LEN];
	size_t slen = sizeof(sig);
	ECDSA_SIG *out;
	BIGNUM *br, *bs;

	(void)kinv;
	(void)r;
	(void)eckey;
	if (sks_ec_sign(signer.s, signer.key, SKS_CKM_ECDSA, 0, dgst, dlen, sig,
			&slen)) {
		signer.ckr = sks_last_result();
		return NULL;
	}
	/* OpenSSL sized its buffer for the public key's curve. */
	if (slen != 2 * signer.n) {
		signer.ckr = SKS_CKR_KEY_TYPE_INCONSISTENT;
		return NULL;
	}
	signer.ckr = CKR_OK;
	out = ECDSA_SIG_new();
	br = BN_bin2bn(sig, slen / 2, NULL);
	bs = BN_bin2bn(sig + slen / 2, slen / 2, NULL);
	if (!out || !br || !bs || !ECDSA_SIG_set0(out, br, bs)) {
		ECDSA_SIG_free(out);
		BN_free(br);
		BN_free(bs);
		return NULL;
	}
	return out;
}

/*
 * An OpenSSL key holding public point @pub of the pair, whose signatures
 * private key @priv in sks makes. NULL with the error said.
 */
static EVP_PKEY *sks_pkey(struct sks_session *s, uint32_t priv, uint32_t pub,
			  EC_KEY_METHOD **meth, uint32_t *ckr)
{
	uint8_t point[SKS_EC_POINT_MAX_LEN];
	size_t len = sizeof(point);
	int (*sign)(int, const unsigned char *, int, unsigned char *,
		    unsigned int *, const BIGNUM *, const BIGNUM *, EC_KEY *);
	const unsigned char *q = point;
	EC_KEY *ec = NULL;
	EVP_PKEY *pk = NULL;

	if (sks_ec_get_point(s, pub, point, &len)) {
		*ckr = cm_failed_why("The public key cannot be read");
		return NULL;
	}
	*meth = EC_KEY_METHOD_new(EC_KEY_get_default_method());
	if (!*meth) {
		cm_para("Error: OpenSSL is out of memory.");
		*ckr = SKS_CKR_HOST_MEMORY;
		return NULL;
	}
	EC_KEY_METHOD_get_sign(*meth, &sign, NULL, NULL);
	EC_KEY_METHOD_set_sign(*meth, sign, NULL, sks_sign_sig);
	ec = EC_KEY_new_by_curve_name(len == 65 ? NID_X9_62_prime256v1 :
				      NID_secp384r1);
	if (!ec || !EC_KEY_set_method(ec, *meth) ||
	    !o2i_ECPublicKey(&ec, &q, len))
		goto fail;
	pk = EVP_PKEY_new();
	if (!pk || !EVP_PKEY_assign_EC_KEY(pk, ec))
		goto fail;
	signer.s = s;
	signer.key = priv;
	signer.n = len / 2;
	return pk;
fail:
	EVP_PKEY_free(pk);
	EC_KEY_free(ec);
	cm_para("Error: OpenSSL could not take the public key %u.", pub);
	*ckr = SKS_CKR_GENERAL_ERROR;
	return NULL;
}

/* "/CN=Acme Identity/O=Acme Corp/C=DE" as an X509_NAME; NULL if malformed. */
static X509_NAME *parse_subject(const char *subject)
{
	X509_NAME *name = X509_NAME_new();
	char *copy = strdup(subject), *tok, *save;
	int n = 0;

	if (!name || !copy || subject[0] != '/')
		goto fail;
	for (tok = strtok_r(copy + 1, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !eq[1])
			goto fail;
		*eq = '\0';
		if (!X509_NAME_add_entry_by_txt(name, tok, MBSTRING_UTF8,
						(unsigned char *)eq + 1, -1, -1,
						0))
			goto fail;
		n++;
	}
	free(copy);
	if (n)
		return name;
	X509_NAME_free(name);
	return NULL;
fail:
	free(copy);
	X509_NAME_free(name);
	return NULL;
}

/* Add extension @nid with value @value (OpenSSL's config syntax). */
static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* What OpenSSL's signing failure was: sks's result if sks refused. */
static uint32_t sign_failed(const char *what)
{
	ERR_clear_error();
	if (signer.ckr != CKR_OK) {
		cm_para("Error: sks did not sign the %s: %s.", what,
			sks_strerror(signer.ckr));
		return signer.ckr;
	}
	cm_para("Error: OpenSSL could not make the %s.", what);
	return SKS_CKR_GENERAL_ERROR;
}

/* The parts csr and selfsign share: options, files, the key. */
struct x509_job {
	const char *file;
	X509_NAME *subject;
	struct sks_session *s;
	uint32_t priv, pub;
	EC_KEY_METHOD *meth;
	EVP_PKEY *pk;
	const EVP_MD *md;
};

static uint32_t x509_begin(struct cm_state *st, const struct cm_parsed *p,
			   struct x509_job *j)
{
	const char *subject = cm_get(p, "subject");
	uint32_t ckr = CKR_OK, curve, pcurve;
	unsigned long long v;
	struct sks_attrs *a;

	memset(j, 0, sizeof(*j));
	j->file = cm_get(p, "file");
	if (cm_get_handle(p, &j->priv) || !j->file || !subject)
		return cm_syntax("Options -handle <private key>, -subject </CN=...> and -file are required.");
	if (cm_has(p, "pubhandle")) {
		if (cm_parse_uint(cm_get(p, "pubhandle"), UINT32_MAX, &v))
			return cm_syntax("Option -pubhandle needs a handle.");
		j->pub = v;
	}
	j->subject = parse_subject(subject);
	if (!j->subject)
		return cm_syntax("Option -subject takes /TYPE=value/... as OpenSSL does (/CN=Acme Identity/O=Acme Corp/C=DE).");
	if (cm_check_writable(j->file))
		return cm_write_error(j->file, errno);
	j->s = cm_current(st, &ckr);
	if (!j->s)
		return ckr;
	a = sks_object_get_attrs(j->s, j->priv);
	if (!a)
		return cm_failed_why("The private key cannot be read");
	if (sks_attrs_get_class(a) != SKS_CKO_PRIVATE_KEY ||
	    !sks_attrs_get_ec_curve(a)) {
		sks_attrs_free(a);
		cm_para("Error: Object %u is not an EC private key.", j->priv);
		return SKS_CKR_KEY_TYPE_INCONSISTENT;
	}
	curve = sks_attrs_get_ec_curve(a);
	j->md = curve == SKS_EC_P384 ? EVP_sha384() : EVP_sha256();
	sks_attrs_free(a);
	if (!cm_has(p, "pubhandle") &&
	    cm_ec_public_of(j->s, j->priv, &j->pub, &ckr))
		return ckr;
	a = sks_object_get_attrs(j->s, j->pub);
	if (!a)
		return cm_failed_why("The public key cannot be read");
	pcurve = sks_attrs_get_class(a) == SKS_CKO_PUBLIC_KEY ?
		 sks_attrs_get_ec_curve(a) : 0;
	sks_attrs_free(a);
	if (pcurve != curve) {
		cm_para("Error: Object %u is not an EC public key on %s, the curve of private key %u: they are not a pair.",
			j->pub, sks_ec_curve_name(curve), j->priv);
		return SKS_CKR_KEY_TYPE_INCONSISTENT;
	}
	j->pk = sks_pkey(j->s, j->priv, j->pub, &j->meth, &ckr);
	return j->pk ? CKR_OK : ckr;
}

static void x509_end(struct x509_job *j)
{
	EVP_PKEY_free(j->pk);
	/* (OpenSSL's EC_KEY_METHOD_free() does not take NULL.) */
	if (j->meth)
		EC_KEY_METHOD_free(j->meth);
	X509_NAME_free(j->subject);
}

/* PEM of @obj by @write into @file, atomically. */
static uint32_t x509_write(const char *file, int (*write)(BIO *, void *),
			   void *obj)
{
	BIO *b = BIO_new(BIO_s_mem());
	uint32_t ckr = CKR_OK;
	char *data;
	long n;

	if (!b || !write(b, obj)) {
		BIO_free(b);
		cm_para("Error: OpenSSL could not write PEM.");
		return SKS_CKR_GENERAL_ERROR;
	}
	n = BIO_get_mem_data(b, &data);
	if (cm_write_file(file, data, n, NULL))
		ckr = cm_write_error(file, errno);
	BIO_free(b);
	return ckr;
}

static int write_req(BIO *b, void *obj)
{
	return PEM_write_bio_X509_REQ(b, obj);
}

static int write_cert(BIO *b, void *obj)
{
	return PEM_write_bio_X509(b, obj);
}

uint32_t cm_key_csr(struct cm_state *st, const struct cm_parsed *p)
{
	struct x509_job j;
	X509_REQ *req = NULL;
	uint32_t ckr;

	ckr = x509_begin(st, p, &j);
	if (ckr != CKR_OK)
		goto out;
	req = X509_REQ_new();
	if (!req || !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, j.subject) ||
	    !X509_REQ_set_pubkey(req, j.pk)) {
		ckr = sign_failed("certificate request");
		goto out;
	}
	signer.ckr = CKR_OK;
	if (X509_REQ_sign(req, j.pk, j.md) <= 0) {
		ckr = sign_failed("certificate request");
		goto out;
	}
	/* The signature must verify with the public key written in it. */
	if (X509_REQ_verify(req, j.pk) != 1) {
		ERR_clear_error();
		cm_para("Error: The request's signature does not verify with public key %u: private key %u is not its pair.",
			j.pub, j.priv);
		ckr = SKS_CKR_KEY_TYPE_INCONSISTENT;
		goto out;
	}
	ckr = x509_write(j.file, write_req, req);
	if (ckr == CKR_OK)
		cm_para("Wrote a certificate request (PKCS#10) for %s, signed by key %u, to %s.",
			cm_get(p, "subject"), j.priv, j.file);
out:
	X509_REQ_free(req);
	x509_end(&j);
	return ckr;
}

uint32_t cm_key_selfsign(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned long long days = 365, serial = 0;
	struct x509_job j;
	X509 *x = NULL;
	uint32_t ckr;
	uint8_t rnd[8];

	if (cm_has(p, "days") &&
	    cm_parse_uint(cm_get(p, "days"), 36500, &days))
		return cm_syntax("Option -days needs a number of days (at most 36500).");
	if (cm_has(p, "serial") &&
	    cm_parse_uint(cm_get(p, "serial"), INT64_MAX, &serial))
		return cm_syntax("Option -serial needs a positive number.");
	ckr = x509_begin(st, p, &j);
	if (ckr != CKR_OK)
		goto out;
	x = X509_new();
	if (!serial) {
		/* RFC 5280 4.1.2.2: positive, unique; 63 random bits. */
		FILE *r = fopen("/dev/urandom", "rb");

		if (!r || fread(rnd, 1, sizeof(rnd), r) != sizeof(rnd)) {
			if (r)
				fclose(r);
			cm_para("Error: Cannot read /dev/urandom for a serial number.");
			ckr = SKS_CKR_GENERAL_ERROR;
			goto out;
		}
		fclose(r);
		for (size_t i = 0; i < sizeof(rnd); i++)
			serial = serial << 8 | rnd[i];
		serial = (serial >> 1) | 1;
	}
	if (!x || !X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) ||
	    !X509_set_subject_name(x, j.subject) ||
	    !X509_set_issuer_name(x, j.subject) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) ||
	    !X509_set_pubkey(x, j.pk) ||
	    !add_ext(x, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(x, NID_key_usage,
		     "critical,digitalSignature,nonRepudiation,keyCertSign") ||
	    !add_ext(x, NID_subject_key_identifier, "hash")) {
		ckr = sign_failed("certificate");
		goto out;
	}
	signer.ckr = CKR_OK;
	if (X509_sign(x, j.pk, j.md) <= 0) {
		ckr = sign_failed("certificate");
		goto out;
	}
	if (X509_verify(x, j.pk) != 1) {
		ERR_clear_error();
		cm_para("Error: The certificate's signature does not verify with public key %u: private key %u is not its pair.",
			j.pub, j.priv);
		ckr = SKS_CKR_KEY_TYPE_INCONSISTENT;
		goto out;
	}
	ckr = x509_write(j.file, write_cert, x);
	if (ckr == CKR_OK)
		cm_para("Wrote a self-signed certificate for %s, valid %llu days, signed by key %u, to %s.",
			cm_get(p, "subject"), days, j.priv, j.file);
out:
	X509_free(x);
	x509_end(&j);
	return ckr;
}
