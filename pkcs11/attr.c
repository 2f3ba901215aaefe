// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - attributes (PKCS#11 v2.40 section 4): creation templates
 * to the driver's struct sks_obj_attrs, and every attribute an object
 * shows, read back from the driver's.
 */
#include <stdlib.h>
#include <string.h>

#include "attr.h"

/* The boolean attributes the driver keeps (struct sks_obj_attrs.flags). */
static const struct {
	CK_ATTRIBUTE_TYPE type;
	uint32_t flag;
} bool_attrs[] = {
	{ CKA_TOKEN, SKS_OBJ_TOKEN },
	{ CKA_PRIVATE, SKS_OBJ_PRIVATE },
	{ CKA_SENSITIVE, SKS_OBJ_SENSITIVE },
	{ CKA_EXTRACTABLE, SKS_OBJ_EXTRACTABLE },
	{ CKA_ENCRYPT, SKS_OBJ_ENCRYPT },
	{ CKA_DECRYPT, SKS_OBJ_DECRYPT },
	{ CKA_SIGN, SKS_OBJ_SIGN },
	{ CKA_VERIFY, SKS_OBJ_VERIFY },
	{ CKA_DERIVE, SKS_OBJ_DERIVE },
};

static uint32_t bool_flag(CK_ATTRIBUTE_TYPE type)
{
	size_t i;

	for (i = 0; i < sizeof(bool_attrs) / sizeof(bool_attrs[0]); i++)
		if (bool_attrs[i].type == type)
			return bool_attrs[i].flag;
	return 0;
}

/* Booleans sks has no use for: a template may set them to CK_FALSE only
 * (no wrapping, no recovery, no per-use authentication, no trust). */
static bool false_only(CK_ATTRIBUTE_TYPE type)
{
	switch (type) {
	case CKA_WRAP:
	case CKA_UNWRAP:
	case CKA_SIGN_RECOVER:
	case CKA_VERIFY_RECOVER:
	case CKA_ALWAYS_AUTHENTICATE:
	case CKA_WRAP_WITH_TRUSTED:
	case CKA_TRUSTED:
		return true;
	default:
		return false;
	}
}

/* Kept by the module only (lost with the process for token objects). */
static bool extra_attr(CK_ATTRIBUTE_TYPE type)
{
	switch (type) {
	case CKA_SUBJECT:
	case CKA_START_DATE:
	case CKA_END_DATE:
	case CKA_APPLICATION:
	case CKA_OBJECT_ID:
		return true;
	default:
		return false;
	}
}

static CK_RV get_bool(const CK_ATTRIBUTE *a, bool *v)
{
	if (!a->pValue || a->ulValueLen != sizeof(CK_BBOOL))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	*v = *(const CK_BBOOL *)a->pValue != CK_FALSE;
	return CKR_OK;
}

static CK_RV get_ulong(const CK_ATTRIBUTE *a, CK_ULONG *v)
{
	if (!a->pValue || a->ulValueLen != sizeof(CK_ULONG))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(v, a->pValue, sizeof(*v));
	return CKR_OK;
}

CK_RV p11_tmpl_parse(const CK_ATTRIBUTE *t, CK_ULONG n, struct p11_tmpl *out)
{
	CK_ULONG i;
	CK_RV rv;

	memset(out, 0, sizeof(*out));
	if (n && !t)
		return CKR_ARGUMENTS_BAD;
	for (i = 0; i < n; i++) {
		const CK_ATTRIBUTE *a = &t[i];
		uint32_t flag = bool_flag(a->type);
		CK_ULONG ul;
		bool b;

		if (a->ulValueLen && !a->pValue)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (flag) {
			rv = get_bool(a, &b);
			if (rv != CKR_OK)
				return rv;
			if (b) {
				out->flags_set |= flag;
				out->flags_clear &= ~flag;
			} else {
				out->flags_clear |= flag;
				out->flags_set &= ~flag;
			}
			continue;
		}
		if (false_only(a->type)) {
			rv = get_bool(a, &b);
			if (rv != CKR_OK)
				return rv;
			if (b)
				return CKR_ATTRIBUTE_VALUE_INVALID;
			continue;
		}
		if (extra_attr(a->type)) {
			if (out->nextra == sizeof(out->extra) /
					   sizeof(out->extra[0]))
				return CKR_TEMPLATE_INCONSISTENT;
			out->extra[out->nextra++] = a;
			continue;
		}
		switch (a->type) {
		case CKA_CLASS:
			rv = get_ulong(a, &ul);
			if (rv != CKR_OK)
				return rv;
			if (out->has_class && out->cls != ul)
				return CKR_TEMPLATE_INCONSISTENT;
			out->has_class = true;
			out->cls = ul;
			break;
		case CKA_KEY_TYPE:
			rv = get_ulong(a, &ul);
			if (rv != CKR_OK)
				return rv;
			if (out->has_key_type && out->key_type != ul)
				return CKR_TEMPLATE_INCONSISTENT;
			out->has_key_type = true;
			out->key_type = ul;
			break;
		case CKA_VALUE:
			out->has_value = true;
			out->value = a->pValue;
			out->value_len = a->ulValueLen;
			break;
		case CKA_VALUE_LEN:
			rv = get_ulong(a, &ul);
			if (rv != CKR_OK)
				return rv;
			out->has_value_len = true;
			out->value_len_attr = ul;
			break;
		case CKA_LABEL:
			out->has_label = true;
			out->label = a->pValue;
			out->label_len = a->ulValueLen;
			break;
		case CKA_ID:
			out->has_id = true;
			out->id = a->pValue;
			out->id_len = a->ulValueLen;
			break;
		case CKA_EC_PARAMS:
			out->has_ec_params = true;
			out->ec_params = a->pValue;
			out->ec_params_len = a->ulValueLen;
			break;
		case CKA_EC_POINT:
			out->has_ec_point = true;
			out->ec_point = a->pValue;
			out->ec_point_len = a->ulValueLen;
			break;
		case CKA_MODIFIABLE:
		case CKA_DESTROYABLE:
		case CKA_COPYABLE:
			/* sks objects can always be changed, destroyed (and
			 * data and public key objects copied): only the
			 * default value is honoured */
			rv = get_bool(a, &b);
			if (rv != CKR_OK)
				return rv;
			if (!b && a->type != CKA_COPYABLE)
				return CKR_ATTRIBUTE_VALUE_INVALID;
			break;
		case CKA_ALLOWED_MECHANISMS:
			/* not enforced per key: only an empty list (all the
			 * key type allows) is honoured */
			if (a->ulValueLen)
				return CKR_ATTRIBUTE_VALUE_INVALID;
			break;
		case CKA_LOCAL:
		case CKA_ALWAYS_SENSITIVE:
		case CKA_NEVER_EXTRACTABLE:
		case CKA_KEY_GEN_MECHANISM:
		case CKA_PUBLIC_KEY_INFO:
			return CKR_ATTRIBUTE_READ_ONLY;
		default:
			return CKR_ATTRIBUTE_TYPE_INVALID;
		}
	}
	return CKR_OK;
}

/* Default booleans of a new object (v2.40 leaves them token-specific). */
static uint32_t default_flags(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt)
{
	const uint32_t key = SKS_OBJ_PRIVATE | SKS_OBJ_SENSITIVE |
			     SKS_OBJ_EXTRACTABLE;

	switch (cls) {
	case CKO_SECRET_KEY:
		return key | (kt == CKK_AES ? SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT :
			      SKS_OBJ_SIGN | SKS_OBJ_VERIFY);
	case CKO_PRIVATE_KEY:
		return key | SKS_OBJ_SIGN;
	case CKO_PUBLIC_KEY:
		return SKS_OBJ_VERIFY;
	default:
		return 0;
	}
}

CK_RV p11_tmpl_to_attrs(const struct p11_tmpl *t, CK_OBJECT_CLASS cls,
			CK_KEY_TYPE kt, struct sks_obj_attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (t->label_len > SKS_OBJ_LABEL_MAX || t->id_len > SKS_OBJ_ID_MAX)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	a->obj_class = cls;
	a->key_type = cls == CKO_DATA ? SKS_CKK_NONE : kt;
	a->flags = (default_flags(cls, kt) | t->flags_set) & ~t->flags_clear;
	a->label_len = t->label_len;
	if (t->label_len)
		memcpy(a->label, t->label, t->label_len);
	a->id_len = t->id_len;
	if (t->id_len)
		memcpy(a->id, t->id, t->id_len);
	return CKR_OK;
}

CK_RV p11_obj_set_extra(struct p11_obj *o, const struct p11_tmpl *t)
{
	CK_ULONG i;

	for (i = 0; i < t->nextra; i++) {
		const CK_ATTRIBUTE *src = t->extra[i];
		CK_ATTRIBUTE *x = NULL, *nx;
		CK_ULONG j;
		void *v = NULL;

		for (j = 0; j < o->nextra; j++)
			if (o->extra[j].type == src->type)
				x = &o->extra[j];
		if (src->ulValueLen) {
			v = malloc(src->ulValueLen);
			if (!v)
				return CKR_HOST_MEMORY;
			memcpy(v, src->pValue, src->ulValueLen);
		}
		if (!x) {
			nx = realloc(o->extra, (o->nextra + 1) * sizeof(*nx));
			if (!nx) {
				free(v);
				return CKR_HOST_MEMORY;
			}
			o->extra = nx;
			x = &o->extra[o->nextra++];
			x->type = src->type;
		} else {
			free(x->pValue);
		}
		x->pValue = v;
		x->ulValueLen = src->ulValueLen;
	}
	return CKR_OK;
}

/* ---- reading attributes ---- */

static const CK_MECHANISM_TYPE aes_mechs[] = { CKM_AES_GCM };
static const CK_MECHANISM_TYPE hmac_mechs[] = {
	CKM_SHA256_HMAC, CKM_SHA256_HMAC_GENERAL, CKM_SHA384_HMAC,
	CKM_SHA384_HMAC_GENERAL, CKM_SHA512_HMAC, CKM_SHA512_HMAC_GENERAL,
};
static const CK_MECHANISM_TYPE ec_priv_mechs[] = {
	CKM_ECDSA, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384, CKM_ECDH1_DERIVE,
};
static const CK_MECHANISM_TYPE ec_pub_mechs[] = {
	CKM_ECDSA, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384,
};

/* SubjectPublicKeyInfo prefixes (RFC 5480) before the point. */
static const uint8_t spki_p256[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	0x07, 0x03, 0x42, 0x00,
};
static const uint8_t spki_p384[] = {
	0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62,
	0x00,
};

CK_RV p11_ec_point_unwrap(const uint8_t *in, size_t len, const uint8_t **pt,
			  size_t *pt_len)
{
	/* raw uncompressed point, or a DER OCTET STRING holding it */
	if ((len == 65 || len == 97) && in[0] == 0x04) {
		*pt = in;
		*pt_len = len;
		return CKR_OK;
	}
	if (len >= 2 && in[0] == 0x04 && in[1] == len - 2 &&
	    (in[1] == 65 || in[1] == 97)) {
		*pt = in + 2;
		*pt_len = len - 2;
		return CKR_OK;
	}
	return CKR_ARGUMENTS_BAD;
}

/* Read a readable value (data object, public key point) from the driver. */
static CK_RV read_value(struct p11_session *s, uint32_t handle, uint8_t **v,
			size_t *len)
{
	struct sks_get_value gv;
	CK_RV rv;

	memset(&gv, 0, sizeof(gv));
	gv.handle = handle;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GET_VALUE, &gv);
	if (rv != CKR_OK)
		return rv;
	*v = calloc(1, gv.len ? gv.len : 1);
	if (!*v)
		return CKR_HOST_MEMORY;
	gv.buf = (uintptr_t)*v;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GET_VALUE, &gv);
	if (rv != CKR_OK) {
		free(*v);
		*v = NULL;
		return rv;
	}
	*len = gv.len;
	return CKR_OK;
}

static CK_RV put(const void *src, CK_ULONG n, void *buf, CK_ULONG *len)
{
	if (!buf) {
		*len = n;
		return CKR_OK;
	}
	if (*len < n) {
		*len = n;
		return CKR_BUFFER_TOO_SMALL;
	}
	if (n)
		memcpy(buf, src, n);
	*len = n;
	return CKR_OK;
}

static CK_RV put_bool(bool v, void *buf, CK_ULONG *len)
{
	CK_BBOOL b = v ? CK_TRUE : CK_FALSE;

	return put(&b, sizeof(b), buf, len);
}

static CK_RV put_ulong(CK_ULONG v, void *buf, CK_ULONG *len)
{
	return put(&v, sizeof(v), buf, len);
}

/* Which attributes each class has (section 4.4..4.9). */
static bool has_attr(const struct sks_obj_attrs *a, CK_ATTRIBUTE_TYPE type)
{
	bool key = a->obj_class != CKO_DATA;
	bool secret = a->obj_class == CKO_SECRET_KEY;
	bool priv = a->obj_class == CKO_PRIVATE_KEY;
	bool pub = a->obj_class == CKO_PUBLIC_KEY;

	switch (type) {
	case CKA_CLASS:
	case CKA_TOKEN:
	case CKA_PRIVATE:
	case CKA_MODIFIABLE:
	case CKA_LABEL:
	case CKA_COPYABLE:
	case CKA_DESTROYABLE:
		return true;
	case CKA_APPLICATION:
	case CKA_OBJECT_ID:
		return !key;
	case CKA_VALUE:
		return !pub;
	case CKA_KEY_TYPE:
	case CKA_ID:
	case CKA_START_DATE:
	case CKA_END_DATE:
	case CKA_DERIVE:
	case CKA_LOCAL:
	case CKA_KEY_GEN_MECHANISM:
	case CKA_ALLOWED_MECHANISMS:
		return key;
	case CKA_ENCRYPT:
	case CKA_VERIFY:
	case CKA_WRAP:
	case CKA_VERIFY_RECOVER:
		return secret || pub;
	case CKA_DECRYPT:
	case CKA_SIGN:
	case CKA_UNWRAP:
	case CKA_SIGN_RECOVER:
	case CKA_SENSITIVE:
	case CKA_EXTRACTABLE:
	case CKA_ALWAYS_SENSITIVE:
	case CKA_NEVER_EXTRACTABLE:
	case CKA_WRAP_WITH_TRUSTED:
		return secret || priv;
	case CKA_TRUSTED:
		return secret || pub;
	case CKA_VALUE_LEN:
		return secret;
	case CKA_ALWAYS_AUTHENTICATE:
		return priv;
	case CKA_SUBJECT:
	case CKA_PUBLIC_KEY_INFO:
		return priv || pub;
	case CKA_EC_PARAMS:
		return (priv || pub) && a->key_type == CKK_EC;
	case CKA_EC_POINT:
		return pub && a->key_type == CKK_EC;
	default:
		return false;
	}
}

CK_RV p11_attr_get(struct p11_session *s, uint32_t handle,
		   const struct sks_obj_attrs *a, const struct p11_obj *o,
		   CK_ATTRIBUTE_TYPE type, void *buf, CK_ULONG *len)
{
	uint32_t flag = bool_flag(type);
	const CK_MECHANISM_TYPE *mechs = NULL;
	size_t nmechs = 0, plen;
	const uint8_t *p;
	uint8_t *v = NULL, tmp[2 + 97 + sizeof(spki_p256)];
	size_t vlen = 0;
	CK_ULONG i;
	CK_RV rv;
	int curve;

	if (!has_attr(a, type))
		return CKR_ATTRIBUTE_TYPE_INVALID;
	if (flag)
		return put_bool(a->flags & flag, buf, len);
	if (o && extra_attr(type)) {
		for (i = 0; i < o->nextra; i++)
			if (o->extra[i].type == type)
				return put(o->extra[i].pValue,
					   o->extra[i].ulValueLen, buf, len);
	}
	curve = p11_curve_of_attrs(a);
	switch (type) {
	case CKA_CLASS:
		return put_ulong(a->obj_class, buf, len);
	case CKA_KEY_TYPE:
		return put_ulong(a->key_type, buf, len);
	case CKA_LABEL:
		return put(a->label, a->label_len, buf, len);
	case CKA_ID:
		return put(a->id, a->id_len, buf, len);
	case CKA_MODIFIABLE:
	case CKA_DESTROYABLE:
		return put_bool(true, buf, len);
	case CKA_COPYABLE:
		return put_bool(a->obj_class == CKO_DATA ||
				a->obj_class == CKO_PUBLIC_KEY, buf, len);
	case CKA_WRAP:
	case CKA_UNWRAP:
	case CKA_SIGN_RECOVER:
	case CKA_VERIFY_RECOVER:
	case CKA_ALWAYS_AUTHENTICATE:
	case CKA_WRAP_WITH_TRUSTED:
	case CKA_TRUSTED:
		return put_bool(false, buf, len);
	case CKA_LOCAL:
		return put_bool(o && o->local, buf, len);
	case CKA_KEY_GEN_MECHANISM:
		return put_ulong(o && o->local ? o->keygen :
				 CK_UNAVAILABLE_INFORMATION, buf, len);
	case CKA_ALWAYS_SENSITIVE:
		/* known only for keys this module generated */
		return put_bool(o && o->local &&
				(a->flags & SKS_OBJ_SENSITIVE), buf, len);
	case CKA_NEVER_EXTRACTABLE:
		return put_bool(o && o->local &&
				!(a->flags & SKS_OBJ_EXTRACTABLE), buf, len);
	case CKA_VALUE_LEN:
		return put_ulong(a->value_len, buf, len);
	case CKA_START_DATE:
	case CKA_END_DATE:
	case CKA_SUBJECT:
	case CKA_APPLICATION:
	case CKA_OBJECT_ID:
		return put(NULL, 0, buf, len);	/* empty */
	case CKA_ALLOWED_MECHANISMS:
		if (a->obj_class == CKO_SECRET_KEY && a->key_type == CKK_AES) {
			mechs = aes_mechs;
			nmechs = sizeof(aes_mechs) / sizeof(aes_mechs[0]);
		} else if (a->obj_class == CKO_SECRET_KEY) {
			mechs = hmac_mechs;
			nmechs = sizeof(hmac_mechs) / sizeof(hmac_mechs[0]);
		} else if (a->obj_class == CKO_PRIVATE_KEY) {
			mechs = ec_priv_mechs;
			nmechs = sizeof(ec_priv_mechs) / sizeof(ec_priv_mechs[0]);
		} else {
			mechs = ec_pub_mechs;
			nmechs = sizeof(ec_pub_mechs) / sizeof(ec_pub_mechs[0]);
		}
		return put(mechs, nmechs * sizeof(*mechs), buf, len);
	case CKA_EC_PARAMS:
		p = p11_curve_params(curve, &plen);
		if (!p)
			return CKR_ATTRIBUTE_TYPE_INVALID;
		return put(p, plen, buf, len);
	case CKA_VALUE:
		if (a->obj_class != CKO_DATA)
			return CKR_ATTRIBUTE_SENSITIVE;	/* never leaves */
		if (!buf)
			return put(NULL, a->value_len, buf, len);
		rv = read_value(s, handle, &v, &vlen);
		if (rv != CKR_OK)
			return rv;
		rv = put(v, vlen, buf, len);
		free(v);
		return rv;
	case CKA_EC_POINT:
	case CKA_PUBLIC_KEY_INFO:
		if (a->obj_class == CKO_PRIVATE_KEY)	/* may be empty */
			return put(NULL, 0, buf, len);
		rv = read_value(s, handle, &v, &vlen);
		if (rv != CKR_OK)
			return rv;
		if (vlen != 65 && vlen != 97) {
			free(v);
			return CKR_DEVICE_ERROR;
		}
		if (type == CKA_EC_POINT) {
			tmp[0] = 0x04;
			tmp[1] = vlen;
			memcpy(tmp + 2, v, vlen);
			plen = vlen + 2;
		} else {
			const uint8_t *pre = vlen == 65 ? spki_p256 : spki_p384;
			size_t n = vlen == 65 ? sizeof(spki_p256) :
				   sizeof(spki_p384);

			memcpy(tmp, pre, n);
			memcpy(tmp + n, v, vlen);
			plen = n + vlen;
		}
		free(v);
		return put(tmp, plen, buf, len);
	default:
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
}
