// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - EC identity keys: key generate -keytype ec (the pair), key
 * exportpub, key derive (ECDH), the public key that key show prints, and
 * the ECDSA half of crypto sign and verify.
 *
 * Public keys in files are PEM ("-----BEGIN PUBLIC KEY-----", RFC 7468
 * 13), DER SubjectPublicKeyInfo (RFC 5480) or a bare uncompressed point;
 * libsks reads and writes all three. Signature files hold r || s, or with
 * -der an ECDSA-Sig-Value (RFC 3279 2.2.3), which OpenSSL's dgst, X.509
 * and CMS use.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skscm.h"

/* "Error: <what>: <the result's text>." and the result. */
uint32_t cm_failed_why(const char *what)
{
	uint32_t ckr = sks_last_result();

	return cm_failed("%s: %s.", what, sks_strerror(ckr));
}

int cm_is_ecdsa(uint32_t mech)
{
	return mech == SKS_CKM_ECDSA || mech == SKS_CKM_ECDSA_SHA256 ||
	       mech == SKS_CKM_ECDSA_SHA384;
}

int cm_parse_curve(const char *s, uint32_t *curve)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "p256") || !strcasecmp(s, "p-256") ||
	    !strcasecmp(s, "prime256v1") || !strcasecmp(s, "secp256r1"))
		*curve = SKS_EC_P256;
	else if (!strcasecmp(s, "p384") || !strcasecmp(s, "p-384") ||
		 !strcasecmp(s, "secp384r1"))
		*curve = SKS_EC_P384;
	else
		return -1;
	return 0;
}

/* ---- key generate -keytype ec ---- */

uint32_t cm_ec_generate(struct cm_state *st, const struct cm_parsed *p,
			const struct sks_attrs *priv)
{
	uint32_t ckr = CKR_OK, curve = SKS_EC_P256, hpub, hpriv;
	struct sks_attrs *pub;
	struct sks_session *s;
	const uint8_t *id;
	size_t idlen;

	if (cm_has(p, "curve") && cm_parse_curve(cm_get(p, "curve"), &curve))
		return cm_syntax("Option -curve must be p256 or p384.");
	if (cm_has(p, "length"))
		return cm_syntax("Option -length is not for EC keys: -curve says their size.");
	/* The public half: the same label and id (PKCS#11's convention for
	 * the two halves of a pair), access and extractability; it verifies. */
	pub = sks_attrs_new();
	if (!pub)
		return cm_failed("Out of memory.");
	sks_attrs_set_flags(pub, SKS_OBJ_VERIFY |
			    (sks_attrs_get_flags(priv) &
			     (SKS_OBJ_PRIVATE | SKS_OBJ_EXTRACTABLE)));
	sks_attrs_set_label(pub, sks_attrs_get_label(priv));
	id = sks_attrs_get_id(priv, &idlen);
	sks_attrs_set_id(pub, id, idlen);
	s = cm_current(st, &ckr);
	if (s && sks_ec_generate_key_pair(s, curve, pub, priv, &hpub, &hpriv)) {
		ckr = cm_failed_why("Failed to generate the key pair");
	} else if (s) {
		cm_para("\tGenerated %s key pair:", sks_ec_curve_name(curve));
		printf("\tPublic key handle: %u\n\tPrivate key handle: %u\n",
		       hpub, hpriv);
	}
	sks_attrs_free(pub);
	return ckr;
}

/* ---- public keys in files and objects ---- */

/*
 * The point of a public key file: PEM, DER SubjectPublicKeyInfo or a bare
 * point. 0, or -1 with the error said and *@ckr set.
 */
int cm_load_point(const char *path, uint8_t *point, size_t *len,
		  uint32_t *curve, uint32_t *ckr)
{
	size_t flen, room = *len;
	uint8_t *f = cm_read_file(path, 16384, &flen);
	int ret;

	if (!f) {
		*ckr = cm_read_error(path, errno, 16384);
		return -1;
	}
	if (flen >= 10 && memmem(f, flen, "-----BEGIN", 10))
		ret = sks_ec_pem_to_point((const char *)f, flen, point, len, curve);
	else if (flen && f[0] == 0x30)
		ret = sks_ec_spki_to_point(f, flen, point, len, curve);
	else if ((flen == 65 || flen == 97) && f[0] == 0x04 && flen <= room) {
		memcpy(point, f, flen);
		*len = flen;
		*curve = flen == 65 ? SKS_EC_P256 : SKS_EC_P384;
		ret = 0;
	} else {
		ret = -1;
		errno = EBADMSG;
	}
	free(f);
	if (ret) {
		cm_para("Error: %s is not an EC public key on P-256 or P-384 (PEM, DER SubjectPublicKeyInfo or an uncompressed point)%s%s.",
			path, errno == EOPNOTSUPP ? ": " : "",
			errno == EOPNOTSUPP ? "another algorithm or curve, or a compressed point" : "");
		*ckr = errno == EOPNOTSUPP ? SKS_CKR_DOMAIN_PARAMS_INVALID :
					     SKS_CKR_DATA_INVALID;
	}
	return ret;
}

/*
 * The public key of the pair @h belongs to: @h itself if it is an EC public
 * key, else the one EC public key with the same label and id. 0, or -1
 * with the error said and *@ckr set.
 */
int cm_ec_public_of(struct sks_session *s, uint32_t h, uint32_t *pub,
		    uint32_t *ckr)
{
	struct sks_attrs *a = sks_object_get_attrs(s, h), *t;
	uint32_t *found;
	size_t n = 0;
	const uint8_t *id;
	size_t idlen;

	if (!a) {
		*ckr = cm_failed_why("Object cannot be read");
		return -1;
	}
	if (!sks_attrs_get_ec_curve(a)) {
		sks_attrs_free(a);
		cm_para("Error: Object %u is not an EC key.", h);
		*ckr = SKS_CKR_KEY_TYPE_INCONSISTENT;
		return -1;
	}
	if (sks_attrs_get_class(a) == SKS_CKO_PUBLIC_KEY) {
		sks_attrs_free(a);
		*pub = h;
		return 0;
	}
	t = sks_attrs_new();
	if (!t) {
		sks_attrs_free(a);
		*ckr = cm_failed("Out of memory.");
		return -1;
	}
	sks_attrs_set_class(t, SKS_CKO_PUBLIC_KEY);
	sks_attrs_set_key_type(t, SKS_CKK_EC);
	sks_attrs_set_label(t, sks_attrs_get_label(a));
	id = sks_attrs_get_id(a, &idlen);
	sks_attrs_set_id(t, id, idlen);
	found = sks_object_find(s, t, SKS_FIND_ALL, &n);
	if (found && n == 1)
		*pub = found[0];
	if (!found)
		*ckr = cm_failed_why("Failed to look for the public key");
	else if (n != 1) {
		cm_para("Error: %s public key with the label and id of private key %u; give the public key's handle.",
			n ? "More than one" : "There is no", h);
		*ckr = SKS_CKR_KEY_HANDLE_INVALID;
	}
	free(found);
	sks_attrs_free(t);
	sks_attrs_free(a);
	return found && n == 1 ? 0 : -1;
}

/* The PEM of public key @pub (malloc), or NULL with the error said. */
char *cm_ec_pem_of(struct sks_session *s, uint32_t pub, uint32_t *ckr)
{
	uint8_t point[SKS_EC_POINT_MAX_LEN];
	size_t len = sizeof(point);
	char *pem;

	if (sks_ec_get_point(s, pub, point, &len)) {
		*ckr = cm_failed_why("The public key cannot be read");
		return NULL;
	}
	pem = sks_ec_point_to_pem(point, len);
	if (!pem)
		*ckr = cm_failed_why("The public key cannot be encoded");
	return pem;
}

/* key show: an EC public key's PEM after its attributes. */
void cm_print_ec_public(struct sks_session *s, uint32_t h)
{
	uint32_t ckr;
	char *pem = cm_ec_pem_of(s, h, &ckr);

	if (pem) {
		printf("\tPublic Key (PEM):\n\n%s\n", pem);
		free(pem);
	}
}

uint32_t cm_key_exportpub(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	uint32_t ckr = CKR_OK, h, pub;
	struct sks_session *s;
	char *pem;

	if (cm_get_handle(p, &h) || !file)
		return cm_syntax("Options -handle and -file are required.");
	if (cm_check_writable(file))
		return cm_write_error(file, errno);
	s = cm_current(st, &ckr);
	if (!s || cm_ec_public_of(s, h, &pub, &ckr))
		return ckr;
	pem = cm_ec_pem_of(s, pub, &ckr);
	if (!pem)
		return ckr;
	if (cm_write_file(file, pem, strlen(pem), NULL))
		ckr = cm_write_error(file, errno);
	else
		cm_para("Wrote the public key %u (PEM) to %s.", pub, file);
	free(pem);
	return ckr;
}

/* ---- key derive -mechanism ecdh ---- */

uint32_t cm_key_derive(struct cm_state *st, const struct cm_parsed *p,
		       struct sks_attrs *a)
{
	const char *mech = cm_get(p, "mechanism"), *peer = cm_get(p, "peer");
	const char *kdfs = cm_get(p, "kdf"), *shared = cm_get(p, "shareddata");
	uint32_t ckr = CKR_OK, h, out, kdf = SKS_CKD_SHA256_KDF, curve;
	uint8_t point[SKS_EC_POINT_MAX_LEN];
	size_t plen = sizeof(point);
	struct sks_session *s;

	if (mech && strcasecmp(mech, "ecdh") && strcasecmp(mech, "ecdh1"))
		return cm_syntax("Option -mechanism must be ecdh.");
	if (cm_get_handle(p, &h) || !peer)
		return cm_syntax("Options -handle <private key> and -peer <public key file> are required.");
	if (kdfs && !strcasecmp(kdfs, "null"))
		kdf = SKS_CKD_NULL;
	else if (kdfs && !strcasecmp(kdfs, "sha384"))
		kdf = SKS_CKD_SHA384_KDF;
	else if (kdfs && strcasecmp(kdfs, "sha256"))
		return cm_syntax("Option -kdf must be sha256 (ANSI X9.63 with SHA-256, the default), sha384 or null.");
	if (kdf == SKS_CKD_NULL && shared)
		return cm_syntax("Option -shareddata needs a KDF (-kdf sha256 or sha384).");
	if (cm_load_point(peer, point, &plen, &curve, &ckr))
		return ckr;
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	if (sks_ec_derive(s, h, kdf, point, plen, shared,
			  shared ? strlen(shared) : 0, a, &out))
		return cm_failed_why("Failed to derive the key");
	cm_para("\tDerived key handle: %u", out);
	return CKR_OK;
}

/* ---- crypto sign and verify with ECDSA ---- */

/*
 * ECDSA over @data: the kernel hashes up to SKS_MAX_DATA_SIZE bytes itself
 * (CKM_ECDSA_SHA256/384); a larger document is hashed here and the hash
 * signed with CKM_ECDSA, which gives the same signature.
 */
uint32_t cm_ecdsa_file(struct sks_session *s, const struct cm_parsed *p,
		       int sign, uint32_t h, uint32_t mech, const uint8_t *data,
		       size_t len, const char *in, const char *sigf,
		       const uint8_t *sig_in, size_t sig_in_len)
{
	uint32_t flags = cm_has(p, "der") ? SKS_SIGN_DER : 0, m = mech;
	uint8_t hash[EVP_MAX_MD_SIZE], sig[SKS_ECDSA_SIG_MAX_LEN];
	const uint8_t *msg = data;
	size_t mlen = len, slen = sizeof(sig);
	unsigned int hlen;
	int local = 0;

	if (mech != SKS_CKM_ECDSA && len > SKS_MAX_DATA_SIZE) {
		if (!EVP_Digest(data, len, hash, &hlen,
				mech == SKS_CKM_ECDSA_SHA384 ? EVP_sha384() :
				EVP_sha256(), NULL)) {
			cm_para("Error: OpenSSL could not hash %s.", in);
			return SKS_CKR_GENERAL_ERROR;
		}
		msg = hash;
		mlen = hlen;
		m = SKS_CKM_ECDSA;
		local = 1;
		cm_para("%s is larger than %d bytes: skscm hashed it with %s and the key %s the hash (CKM_ECDSA).",
			in, SKS_MAX_DATA_SIZE,
			mech == SKS_CKM_ECDSA_SHA384 ? "SHA-384" : "SHA-256",
			sign ? "signs" : "verifies");
	}
	if (!sign) {
		if (sks_ec_verify(s, h, m, flags, msg, mlen, sig_in, sig_in_len))
			return cm_failed_why("Signature verification failed");
		cm_para("The signature is valid.");
		return CKR_OK;
	}
	if (sks_ec_sign(s, h, m, flags, msg, mlen, sig, &slen))
		return cm_failed_why("Signing failed");
	if (cm_write_file(sigf, sig, slen, NULL))
		return cm_write_error(sigf, errno);
	cm_para("Signed %zu bytes from %s with ECDSA%s; %zu byte signature (%s) written to %s.",
		len, in, local ? " (hashed here)" : "", slen,
		flags ? "DER" : "r || s", sigf);
	return CKR_OK;
}
