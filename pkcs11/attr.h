/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sks-pkcs11 - templates: PKCS#11 attributes to and from the driver's
 * struct sks_obj_attrs (attr.c).
 */
#ifndef SKS_PKCS11_ATTR_H
#define SKS_PKCS11_ATTR_H

#include "p11.h"

/* What a creation template says (PKCS#11 v2.40 section 4). */
struct p11_tmpl {
	bool has_class, has_key_type, has_value, has_value_len;
	bool has_label, has_id, has_ec_params, has_ec_point;
	CK_OBJECT_CLASS cls;
	CK_KEY_TYPE key_type;
	uint32_t flags_set, flags_clear;	/* explicit booleans */
	const void *value;
	size_t value_len;
	CK_ULONG value_len_attr;		/* CKA_VALUE_LEN */
	const void *label, *id;
	size_t label_len, id_len;
	const void *ec_params, *ec_point;
	size_t ec_params_len, ec_point_len;
	const CK_ATTRIBUTE *extra[8];		/* kept by the module */
	CK_ULONG nextra;
};

/*
 * Parse a creation template: CKR_OK, CKR_ATTRIBUTE_TYPE_INVALID,
 * CKR_ATTRIBUTE_VALUE_INVALID (wrong size or a value sks cannot honour),
 * CKR_ATTRIBUTE_READ_ONLY (an attribute no template may set),
 * CKR_TEMPLATE_INCONSISTENT (one attribute given twice differently),
 * CKR_ARGUMENTS_BAD.
 */
CK_RV p11_tmpl_parse(const CK_ATTRIBUTE *t, CK_ULONG n, struct p11_tmpl *out);

/*
 * Fill the driver's attributes from a parsed template and the defaults of
 * the class and key type (docs/man/sks-pkcs11.7, "Defaults"): CKR_OK or
 * CKR_ATTRIBUTE_VALUE_INVALID (label or id too long).
 */
CK_RV p11_tmpl_to_attrs(const struct p11_tmpl *t, CK_OBJECT_CLASS cls,
			CK_KEY_TYPE kt, struct sks_obj_attrs *a);

/* Copy the extra attributes into an object record: CKR_OK or
 * CKR_HOST_MEMORY. */
CK_RV p11_obj_set_extra(struct p11_obj *o, const struct p11_tmpl *t);

/*
 * One attribute of an object, as C_GetAttributeValue gives it: @buf NULL
 * asks for the size. Returns CKR_OK (*len set), CKR_ATTRIBUTE_SENSITIVE,
 * CKR_ATTRIBUTE_TYPE_INVALID, CKR_BUFFER_TOO_SMALL (*len the size), or a
 * driver code while reading a value.
 */
CK_RV p11_attr_get(struct p11_session *s, uint32_t handle,
		   const struct sks_obj_attrs *a, const struct p11_obj *o,
		   CK_ATTRIBUTE_TYPE type, void *buf, CK_ULONG *len);

/* The DER OCTET STRING around an EC point: CKR_OK or ARGUMENTS_BAD. */
CK_RV p11_ec_point_unwrap(const uint8_t *in, size_t len, const uint8_t **pt,
			  size_t *pt_len);

/* object.c, for keygen.c too */
CK_RV p11_destroy(struct p11_session *s, uint32_t handle);
CK_RV p11_check_rw(struct p11_session *s, const struct sks_obj_attrs *a);
CK_RV p11_record_new(struct p11_session *s, uint32_t handle,
		     const struct sks_obj_attrs *a,
		     const struct p11_tmpl *t, bool local,
		     CK_MECHANISM_TYPE mech);

#endif /* SKS_PKCS11_ATTR_H */
