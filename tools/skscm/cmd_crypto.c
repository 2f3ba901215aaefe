// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - crypto encrypt, decrypt, sign and verify: files through keys in
 * the slot.
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
			ckr = cm_failed("Encryption failed.");
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
			ckr = cm_failed("Decryption failed.");
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

static int parse_mech(const struct cm_parsed *p, uint32_t *mech)
{
	const char *m = cm_get(p, "mechanism");

	if (!m || !strcasecmp(m, "sha256"))
		*mech = SKS_CKM_SHA256_HMAC;
	else if (!strcasecmp(m, "sha384"))
		*mech = SKS_CKM_SHA384_HMAC;
	else if (!strcasecmp(m, "sha512"))
		*mech = SKS_CKM_SHA512_HMAC;
	else
		return -1;
	return 0;
}

/* HMAC: the signature file holds the MAC alone. */
static uint32_t mac_file(struct cm_state *st, const struct cm_parsed *p,
			 int sign)
{
	const char *in = cm_get(p, "in");
	const char *sigf = cm_get(p, sign ? "out" : "signature");
	uint32_t ckr = CKR_OK, h, mech;
	uint8_t *data, *sig = NULL, mac[64];
	struct sks_session *s;
	size_t len, slen = sizeof(mac);

	if (cm_get_handle(p, &h) || !in || !sigf)
		return cm_syntax("Options -handle, -in and -%s are required.",
				 sign ? "out" : "signature");
	if (parse_mech(p, &mech))
		return cm_syntax("Option -mechanism must be sha256, sha384 or sha512.");
	data = cm_read_file(in, SKS_MAX_DATA_SIZE, &len);
	if (!data)
		return cm_read_error(in, errno, SKS_MAX_DATA_SIZE);
	if (!sign && !(sig = cm_read_file(sigf, sizeof(mac), &slen))) {
		ckr = cm_read_error(sigf, errno, sizeof(mac));
		free(data);
		return ckr;
	}
	if (sign && cm_check_writable(sigf)) {
		free(data);
		return cm_write_error(sigf, errno);
	}
	s = cm_current(st, &ckr);
	if (!s)
		goto out;
	if (sign) {
		if (sks_crypto_sign(s, h, mech, data, len, mac, &slen))
			ckr = cm_failed("Signing failed.");
		else if (cm_write_file(sigf, mac, slen, NULL))
			ckr = cm_write_error(sigf, errno);
		else
			cm_para("Signed %zu bytes from %s; %zu byte MAC written to %s.",
				len, in, slen, sigf);
	} else {
		if (sks_crypto_verify(s, h, mech, data, len, sig, slen))
			ckr = cm_failed("Signature verification failed.");
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
	return mac_file(st, p, 1);
}

uint32_t cm_crypto_verify(struct cm_state *st, const struct cm_parsed *p)
{
	return mac_file(st, p, 0);
}
