// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - crypto encrypt, decrypt, sign and verify: files through keys in
 * the slot (AES-GCM, HMAC; ECDSA in cmd_ec.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skscm.h"

/* AES-GCM: the output file is IV || ciphertext || tag. */
static uint32_t crypt_file(struct cm_state *st, const struct cm_parsed *p,
			   int enc)
{
	const char *in = cm_get(p, "in"), *out = cm_get(p, "out");
	const char *aad = cm_get(p, "aad");
	uint32_t ckr = CKR_OK, h;
	struct sks_session *s;
	/* Encrypt: one plaintext; decrypt: IV, ciphertext and tag. */
	size_t max = SKS_MAX_DATA_SIZE +
		     (enc ? 0 : SKS_GCM_IV_LEN + SKS_GCM_TAG_LEN);
	uint8_t *data, *res = NULL;
	size_t len, rlen = 0;

	if (cm_get_handle(p, &h) || !in || !out)
		return cm_syntax("Options -handle, -in and -out are required.");
	data = cm_read_file(in, max, &len);
	if (!data)
		return cm_read_error(in, errno, max);
	/* Before the key is used: the result must have somewhere to go. */
	if (cm_check_writable(out)) {
		free(data);
		return cm_write_error(out, errno);
	}
	s = cm_current(st, &ckr);
	if (!s)
		goto out;
	if (enc) {
		rlen = len + SKS_GCM_TAG_LEN;
		res = malloc(SKS_GCM_IV_LEN + rlen);
		if (!res || sks_crypto_encrypt(s, h, aad, aad ? strlen(aad) : 0,
					       data, len, res, res + SKS_GCM_IV_LEN, &rlen)) {
			ckr = cm_failed_why("Encryption failed");
			goto out;
		}
		rlen += SKS_GCM_IV_LEN;
	} else {
		if (len < SKS_GCM_IV_LEN + SKS_GCM_TAG_LEN) {
			cm_para("Error: %s is too short to be encrypted data.", in);
			ckr = SKS_CKR_ENCRYPTED_DATA_LEN_RANGE;
			goto out;
		}
		rlen = len - SKS_GCM_IV_LEN - SKS_GCM_TAG_LEN;
		res = malloc(rlen + 1);
		if (!res || sks_crypto_decrypt(s, h, aad, aad ? strlen(aad) : 0, data,
					       data + SKS_GCM_IV_LEN,
					       len - SKS_GCM_IV_LEN, res, &rlen)) {
			ckr = cm_failed_why("Decryption failed");
			goto out;
		}
	}
	if (cm_write_file(out, res, rlen, NULL)) {
		ckr = cm_write_error(out, errno);
		goto out;
	}
	cm_para("%s %zu bytes from %s to %s.", enc ? "Encrypted" : "Decrypted",
		len, in, out);
out:
	if (res)
		explicit_bzero(res, rlen);
	free(res);
	free(data);
	return ckr;
}

/* -mechanism: 0, or -1 if @m is not a signing mechanism's name. */
static int parse_mech(const char *m, uint32_t *mech)
{
	static const struct { const char *name; uint32_t mech; } names[] = {
		{ "sha256", SKS_CKM_SHA256_HMAC },
		{ "sha384", SKS_CKM_SHA384_HMAC },
		{ "sha512", SKS_CKM_SHA512_HMAC },
		{ "ecdsa", SKS_CKM_ECDSA },
		{ "ecdsa-sha256", SKS_CKM_ECDSA_SHA256 },
		{ "ecdsa-sha384", SKS_CKM_ECDSA_SHA384 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(m, names[i].name)) {
			*mech = names[i].mech;
			return 0;
		}
	return -1;
}

/*
 * The mechanism of a key given no -mechanism: ECDSA with the curve's hash
 * for an EC key, HMAC-SHA-256 otherwise. 0, or -1 with the error said.
 */
static int default_mech(struct sks_session *s, uint32_t h, uint32_t *mech,
			uint32_t *ckr)
{
	struct sks_attrs *a = sks_object_get_attrs(s, h);

	if (!a) {
		*ckr = cm_failed_why("The key cannot be read");
		return -1;
	}
	switch (sks_attrs_get_ec_curve(a)) {
	case SKS_EC_P256:
		*mech = SKS_CKM_ECDSA_SHA256;
		break;
	case SKS_EC_P384:
		*mech = SKS_CKM_ECDSA_SHA384;
		break;
	default:
		*mech = SKS_CKM_SHA256_HMAC;
	}
	sks_attrs_free(a);
	return 0;
}

/* The largest document ECDSA signs here (hashed in skscm past 64 KiB). */
#define DOC_MAX		(64UL << 20)
/* The largest signature file read: any MAC or ECDSA signature is less. */
#define SIG_FILE_MAX	1024

/*
 * HMAC (the signature file holds the MAC alone) or ECDSA (r || s, or DER
 * with -der: cmd_ec.c).
 */
static uint32_t sign_file(struct cm_state *st, const struct cm_parsed *p,
			  int sign)
{
	const char *in = cm_get(p, "in"), *m = cm_get(p, "mechanism");
	const char *sigf = cm_get(p, sign ? "out" : "signature");
	uint32_t ckr = CKR_OK, h, mech = 0;
	uint8_t *data, *sig = NULL, mac[64];
	struct sks_session *s;
	size_t len, slen = sizeof(mac), max;

	if (cm_get_handle(p, &h) || !in || !sigf)
		return cm_syntax("Options -handle, -in and -%s are required.",
				 sign ? "out" : "signature");
	if (m && parse_mech(m, &mech))
		return cm_syntax("Option -mechanism must be sha256, sha384, sha512 (HMAC), ecdsa-sha256, ecdsa-sha384 or ecdsa (the input is a hash).");
	if (mech && !cm_is_ecdsa(mech) && cm_has(p, "der"))
		return cm_syntax("Option -der is for ECDSA signatures.");
	max = mech && !cm_is_ecdsa(mech) ? SKS_MAX_DATA_SIZE :
	      mech == SKS_CKM_ECDSA ? 64 : DOC_MAX;
	data = cm_read_file(in, max, &len);
	if (!data)
		return cm_read_error(in, errno, max);
	if (!sign && !(sig = cm_read_file(sigf, SIG_FILE_MAX, &slen))) {
		ckr = cm_read_error(sigf, errno, SIG_FILE_MAX);
		free(data);
		return ckr;
	}
	if (sign && cm_check_writable(sigf)) {
		free(data);
		return cm_write_error(sigf, errno);
	}
	s = cm_current(st, &ckr);
	if (!s || (!mech && default_mech(s, h, &mech, &ckr)))
		goto out;
	if (cm_is_ecdsa(mech)) {
		ckr = cm_ecdsa_file(s, p, sign, h, mech, data, len, in, sigf,
				    sig, slen);
		goto out;
	}
	if (cm_has(p, "der")) {
		ckr = cm_syntax("Option -der is for ECDSA signatures; key %u makes MACs.", h);
		goto out;
	}
	if (len > SKS_MAX_DATA_SIZE) {
		ckr = cm_read_error(in, EFBIG, SKS_MAX_DATA_SIZE);
		goto out;
	}
	if (sign) {
		if (sks_crypto_sign(s, h, mech, data, len, mac, &slen))
			ckr = cm_failed_why("Signing failed");
		else if (cm_write_file(sigf, mac, slen, NULL))
			ckr = cm_write_error(sigf, errno);
		else
			cm_para("Signed %zu bytes from %s; %zu byte MAC written to %s.",
				len, in, slen, sigf);
	} else {
		if (sks_crypto_verify(s, h, mech, data, len, sig, slen))
			ckr = cm_failed_why("Signature verification failed");
		else
			cm_para("The signature is valid.");
	}
out:
	free(sig);
	free(data);
	return ckr;
}

uint32_t cm_crypto_encrypt(struct cm_state *st, const struct cm_parsed *p)
{
	return crypt_file(st, p, 1);
}

uint32_t cm_crypto_decrypt(struct cm_state *st, const struct cm_parsed *p)
{
	return crypt_file(st, p, 0);
}

uint32_t cm_crypto_sign(struct cm_state *st, const struct cm_parsed *p)
{
	return sign_file(st, p, 1);
}

uint32_t cm_crypto_verify(struct cm_state *st, const struct cm_parsed *p)
{
	return sign_file(st, p, 0);
}
