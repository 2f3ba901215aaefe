// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - key generate, import, show and delete (key list is partition
 * contents), and how an object is shown. EC key pairs, public keys and
 * ECDH are cmd_ec.c's; certificates cmd_x509.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skscm.h"

static int parse_usage(const char *s, uint32_t *flags)
{
	char *copy, *tok, *save;
	int ret = 0;

	if (!s)
		return 0;
	copy = strdup(s);
	if (!copy)
		return -1;
	*flags &= ~(SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT | SKS_OBJ_SIGN |
		    SKS_OBJ_VERIFY | SKS_OBJ_DERIVE);
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!strcasecmp(tok, "encrypt"))
			*flags |= SKS_OBJ_ENCRYPT;
		else if (!strcasecmp(tok, "decrypt"))
			*flags |= SKS_OBJ_DECRYPT;
		else if (!strcasecmp(tok, "sign"))
			*flags |= SKS_OBJ_SIGN;
		else if (!strcasecmp(tok, "verify"))
			*flags |= SKS_OBJ_VERIFY;
		else if (!strcasecmp(tok, "derive"))
			*flags |= SKS_OBJ_DERIVE;
		else
			ret = -1;
	}
	free(copy);
	return ret;
}

static int unhex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++)
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	*len = n / 2;
	return 0;
}

/* Attributes from -keytype, -label, -id, -usage, -usagelimit, ... */
static struct sks_attrs *key_attrs(const struct cm_parsed *p, uint32_t *mech,
				   uint32_t *ckr)
{
	const char *kt = cm_get(p, "keytype");
	struct sks_attrs *a = sks_attrs_new();
	uint32_t flags = SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE;
	unsigned long long v;
	uint8_t id[SKS_OBJ_ID_MAX];
	size_t idlen;

	if (!a) {
		*ckr = cm_failed("Out of memory.");
		return NULL;
	}
	if (!kt || !strcasecmp(kt, "aes")) {
		*mech = SKS_CKM_AES_KEY_GEN;
		flags |= SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
		sks_attrs_set_value_len(a, 32);
	} else if (!strcasecmp(kt, "generic") || !strcasecmp(kt, "hmac")) {
		*mech = SKS_CKM_GENERIC_SECRET_KEY_GEN;
		sks_attrs_set_key_type(a, SKS_CKK_GENERIC_SECRET);
		flags |= SKS_OBJ_SIGN | SKS_OBJ_VERIFY;
		sks_attrs_set_value_len(a, 32);
	} else if (!strcasecmp(kt, "ec") && !cm_has(p, "file")) {
		/* The private half; cm_ec_generate() makes the public one. */
		*mech = SKS_CKM_EC_KEY_PAIR_GEN;
		sks_attrs_set_class(a, SKS_CKO_PRIVATE_KEY);
		sks_attrs_set_key_type(a, SKS_CKK_EC);
		flags |= SKS_OBJ_SIGN | SKS_OBJ_DERIVE;
	} else if ((!strcasecmp(kt, "ecpublic") || !strcasecmp(kt, "ecpub")) &&
		   cm_has(p, "file")) {
		*mech = SKS_CKM_EC_KEY_PAIR_GEN;
		sks_attrs_set_class(a, SKS_CKO_PUBLIC_KEY);
		sks_attrs_set_key_type(a, SKS_CKK_EC);
		flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_VERIFY;
	} else if (!strcasecmp(kt, "data") && cm_has(p, "file")) {
		*mech = 0;
		sks_attrs_set_class(a, SKS_CKO_DATA);
		sks_attrs_set_key_type(a, SKS_CKK_NONE);
		flags = SKS_OBJ_EXTRACTABLE;
	} else {
		*ckr = cm_syntax("Option -keytype must be aes, generic%s.",
				 cm_has(p, "file") ? ", ecpublic or data" :
				 " or ec");
		goto fail;
	}
	if (cm_has(p, "nonextractable"))
		flags &= ~SKS_OBJ_EXTRACTABLE;
	/* Private unless -private 0, as Luna's objects are. */
	if (cm_has(p, "private")) {
		const char *v = cm_get(p, "private");

		if (!v || (strcmp(v, "0") && strcmp(v, "1"))) {
			*ckr = cm_syntax("Option -private takes 1 (private, the default) or 0 (public).");
			goto fail;
		}
		if (!strcmp(v, "1"))
			flags |= SKS_OBJ_PRIVATE;
	} else {
		flags |= SKS_OBJ_PRIVATE;
	}
	if (parse_usage(cm_get(p, "usage"), &flags)) {
		*ckr = cm_syntax("Option -usage takes encrypt, decrypt, sign, verify and derive, comma separated.");
		goto fail;
	}
	sks_attrs_set_flags(a, flags);
	if (cm_has(p, "length")) {
		if (cm_parse_uint(cm_get(p, "length"), UINT32_MAX, &v)) {
			*ckr = cm_syntax("Option -length needs a number of bytes.");
			goto fail;
		}
		/* (the kernel says which lengths a key type takes) */
		sks_attrs_set_value_len(a, v);
	}
	if (cm_has(p, "usagelimit")) {
		if (cm_parse_uint(cm_get(p, "usagelimit"), UINT64_MAX, &v)) {
			*ckr = cm_syntax("Option -usagelimit needs a number.");
			goto fail;
		}
		sks_attrs_set_usage_limit(a, v);
	}
	if (cm_get(p, "label") && sks_attrs_set_label(a, cm_get(p, "label"))) {
		*ckr = cm_syntax("The label is longer than %d bytes.", SKS_OBJ_LABEL_MAX);
		goto fail;
	}
	if (cm_get(p, "id")) {
		if (unhex(cm_get(p, "id"), id, sizeof(id), &idlen)) {
			*ckr = cm_syntax("Option -id needs at most %d bytes in hex.", SKS_OBJ_ID_MAX);
			goto fail;
		}
		sks_attrs_set_id(a, id, idlen);
	}
	return a;
fail:
	sks_attrs_free(a);
	return NULL;
}

uint32_t cm_key_generate(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, mech, h;
	struct sks_session *s;
	struct sks_attrs *a;

	a = key_attrs(p, &mech, &ckr);
	if (!a)
		return ckr;
	if (mech == SKS_CKM_EC_KEY_PAIR_GEN) {
		ckr = cm_ec_generate(st, p, a);
		sks_attrs_free(a);
		return ckr;
	}
	if (cm_has(p, "curve")) {
		sks_attrs_free(a);
		return cm_syntax("Option -curve is for -keytype ec.");
	}
	s = cm_current(st, &ckr);
	if (s && sks_object_generate(s, mech, a, &h))
		ckr = cm_failed_why("Failed to generate the key");
	else if (s)
		cm_para("\tGenerated key handle: %u", h);
	sks_attrs_free(a);
	return ckr;
}

uint32_t cm_key_import(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	uint32_t ckr = CKR_OK, mech, h;
	struct sks_session *s;
	struct sks_attrs *a;
	uint8_t *value;
	size_t len;

	if (!file)
		return cm_syntax("Option -file is required.");
	a = key_attrs(p, &mech, &ckr);
	if (!a)
		return ckr;
	if (mech == SKS_CKM_EC_KEY_PAIR_GEN) {
		/* An EC public key: PEM, DER or the point. */
		uint32_t curve;

		len = SKS_EC_POINT_MAX_LEN;
		value = malloc(len);
		if (!value || cm_load_point(file, value, &len, &curve, &ckr)) {
			free(value);
			sks_attrs_free(a);
			return value ? ckr : cm_failed("Out of memory.");
		}
	} else {
		value = cm_read_file(file, SKS_MAX_DATA_SIZE, &len);
	}
	if (!value) {
		sks_attrs_free(a);
		return cm_read_error(file, errno, SKS_MAX_DATA_SIZE);
	}
	s = cm_current(st, &ckr);
	if (s && sks_object_create(s, a, value, len, &h))
		ckr = cm_failed_why(mech ? "Failed to import the key" :
				    "Failed to import the data object");
	else if (s)
		cm_para("\tImported object handle: %u", h);
	explicit_bzero(value, len);
	free(value);
	sks_attrs_free(a);
	return ckr;
}

static const char *key_type_name(const struct sks_attrs *a)
{
	if (sks_attrs_get_class(a) == SKS_CKO_DATA)
		return "Data";
	switch (sks_attrs_get_key_type(a)) {
	case SKS_CKK_AES:
		return "Symmetric Key (AES)";
	case SKS_CKK_GENERIC_SECRET:
		return "Symmetric Key (Generic Secret)";
	case SKS_CKK_EC:
		return sks_attrs_get_class(a) == SKS_CKO_PUBLIC_KEY ?
		       "Public Key (EC)" : "Private Key (EC)";
	default:
		return "Unknown";
	}
}

void cm_print_object(struct sks_session *s, uint32_t h)
{
	struct sks_attrs *a = sks_object_get_attrs(s, h);
	uint32_t f;

	if (!a) {
		printf("\tHandle:\t\t%u (unreadable: %s)\n", h,
		       sks_result_name(sks_last_result()));
		return;
	}
	f = sks_attrs_get_flags(a);
	printf("\tLabel:\t\t%s\n", sks_attrs_get_label(a));
	printf("\tHandle:\t\t%u\n", h);
	if (sks_attrs_get_ec_curve(a))
		printf("\tObject Type:\t%s, %s\n", key_type_name(a),
		       sks_ec_curve_name(sks_attrs_get_ec_curve(a)));
	else
		printf("\tObject Type:\t%s, %u bytes\n", key_type_name(a),
		       sks_attrs_get_value_len(a));
	printf("\tAccess:\t\t%s\n", f & SKS_OBJ_PRIVATE ?
	       "private (Crypto Officer and Crypto User)" : "public");
	printf("\tUsage:\t\t%s%s%s%s%s%s%s\n",
	       f & SKS_OBJ_ENCRYPT ? "encrypt " : "",
	       f & SKS_OBJ_DECRYPT ? "decrypt " : "",
	       f & SKS_OBJ_SIGN ? "sign " : "", f & SKS_OBJ_VERIFY ? "verify " : "",
	       f & SKS_OBJ_DERIVE ? "derive " : "",
	       f & SKS_OBJ_EXTRACTABLE ? "extractable " : "",
	       f & SKS_OBJ_TOKEN ? "token" : "");
	if (sks_attrs_get_usage_limit(a))
		printf("\tUsage Limit:\t%" PRIu64 " (used %" PRIu64 ")\n",
		       sks_attrs_get_usage_limit(a), sks_attrs_get_usage_count(a));
	printf("\n");
	sks_attrs_free(a);
}

uint32_t cm_key_show(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, h;
	struct sks_session *s;
	struct sks_attrs *a;

	if (cm_get_handle(p, &h))
		return cm_syntax("Option -handle <handle> is required.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	a = sks_object_get_attrs(s, h);
	if (!a)
		return cm_failed("Object %u cannot be read.", h);
	putchar('\n');
	cm_print_object(s, h);
	if (sks_attrs_get_ec_curve(a) &&
	    sks_attrs_get_class(a) == SKS_CKO_PUBLIC_KEY)
		cm_print_ec_public(s, h);
	sks_attrs_free(a);
	return CKR_OK;
}

uint32_t cm_key_delete(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, h;
	struct sks_session *s;

	if (cm_get_handle(p, &h))
		return cm_syntax("Option -handle <handle> is required.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	cm_para("You are about to destroy object %u.", h);
	if (!cm_confirm(st, p))
		return cm_cancelled();
	if (sks_object_destroy(s, h))
		return cm_failed("Failed to destroy object %u.", h);
	return CKR_OK;
}

uint32_t cm_key_derive_cmd(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, mech;
	struct sks_attrs *a;
	const char *kt = cm_get(p, "keytype");

	if (kt && strcasecmp(kt, "aes") && strcasecmp(kt, "generic") &&
	    strcasecmp(kt, "hmac"))
		return cm_syntax("Option -keytype of a derived key must be aes or generic.");
	a = key_attrs(p, &mech, &ckr);
	if (!a)
		return ckr;
	ckr = cm_key_derive(st, p, a);
	sks_attrs_free(a);
	return ckr;
}
