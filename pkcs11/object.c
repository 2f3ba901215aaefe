// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - objects (PKCS#11 v2.40 section 5.7): create, copy, destroy,
 * size, attributes; and the module's records of objects. Search is find.c,
 * key generation and derivation keygen.c.
 */
#include <stdlib.h>
#include <string.h>

#include "attr.h"

/* ---- the module's records ---- */

void p11_obj_free(struct p11_obj *o)
{
	CK_ULONG i;

	if (!o)
		return;
	for (i = 0; i < o->nextra; i++)
		free(o->extra[i].pValue);
	free(o->extra);
	free(o);
}

/**
 * p11_obj_record() - record (or update) what the module knows of an object.
 * @tok: its token.
 * @handle: the driver's handle.
 * @owner: the session of a session object, 0 for a token object.
 * @a: its attributes, or NULL.
 * @out: out, may be NULL: the record (valid under the token's lock only).
 *
 * Context: takes the token's lock.
 * Return: CKR_OK or CKR_HOST_MEMORY.
 */
CK_RV p11_obj_record(struct p11_token *tok, uint32_t handle,
		     CK_SESSION_HANDLE owner, const struct sks_obj_attrs *a,
		     struct p11_obj **out)
{
	struct p11_obj *o;
	CK_RV rv = CKR_OK;

	p11_lock(&tok->lock);
	o = p11_map_get(&tok->objs, handle);
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (!o) {
			p11_unlock(&tok->lock);
			return CKR_HOST_MEMORY;
		}
		o->handle = handle;
		rv = p11_map_put(&tok->objs, handle, o);
		if (rv != CKR_OK) {
			free(o);
			p11_unlock(&tok->lock);
			return rv;
		}
	}
	if (owner)
		o->owner = owner;
	if (a) {
		/* a token object's attributes are not kept: another process
		 * may change or destroy it, and the driver then gives its
		 * handle to the next object made */
		o->attrs = *a;
		o->have_attrs = !(a->flags & SKS_OBJ_TOKEN);
	}
	p11_unlock(&tok->lock);
	if (out)
		*out = o;
	return rv;
}

/**
 * p11_obj_record_owned() - record new session objects of a session (an
 * insert), under one lock.
 * @tok: their token.
 * @handles: the driver's handles.
 * @n: how many.
 * @owner: the session.
 *
 * Context: takes the token's lock.
 * Return: CKR_OK or CKR_HOST_MEMORY (then none is recorded).
 */
CK_RV p11_obj_record_owned(struct p11_token *tok, const CK_OBJECT_HANDLE *handles,
			   CK_ULONG n, CK_SESSION_HANDLE owner)
{
	CK_ULONG i;
	CK_RV rv = CKR_OK;

	p11_lock(&tok->lock);
	for (i = 0; i < n && rv == CKR_OK; i++) {
		struct p11_obj *o = p11_map_get(&tok->objs, handles[i]);

		if (!o) {
			o = malloc(sizeof(*o));
			if (!o) {
				rv = CKR_HOST_MEMORY;
				break;
			}
			o->handle = handles[i];
			o->have_attrs = false;
			o->local = false;
			o->keygen = 0;
			o->extra = NULL;
			o->nextra = 0;
			rv = p11_map_put(&tok->objs, handles[i], o);
			if (rv != CKR_OK) {
				free(o);
				break;
			}
		}
		o->owner = owner;
	}
	if (rv != CKR_OK)
		while (i-- > 0)
			p11_obj_free(p11_map_del(&tok->objs, handles[i]));
	p11_unlock(&tok->lock);
	return rv;
}

/*
 * The module's records of the token changed (an object destroyed or
 * changed, the login, the driver file): every session's key cache
 * (p11_key_attrs()) misses from now on. Called after the change, under
 * the token's lock: a session that reads the new generation then reads
 * the new records (it takes the lock on its miss); one that read the old
 * generation misses at its next look.
 * Context: the caller holds the token's lock.
 */
void p11_objs_changed(struct p11_token *tok)
{
	__atomic_add_fetch(&tok->gen, 1, __ATOMIC_RELEASE);
}

/* Forget an object (destroyed). Context: takes the token's lock. */
void p11_obj_forget(struct p11_token *tok, uint32_t handle)
{
	p11_lock(&tok->lock);
	p11_obj_free(p11_map_del(&tok->objs, handle));
	p11_objs_changed(tok);
	p11_unlock(&tok->lock);
}

/* Drop every cached attribute set (the login changed what is visible).
 * Context: the caller holds the token's lock. */
void p11_objs_uncache(struct p11_token *tok)
{
	size_t i;

	for (i = 0; i < tok->objs.cap; i++)
		if (p11_map_live(&tok->objs, i))
			((struct p11_obj *)tok->objs.vals[i])->have_attrs = false;
	p11_objs_changed(tok);
}

/* Object handles are the driver's: 32 bits, never 0. */
CK_RV p11_check_handle(CK_OBJECT_HANDLE h)
{
	return h && h <= UINT32_MAX ? CKR_OK : CKR_OBJECT_HANDLE_INVALID;
}

/**
 * p11_key_attrs() - p11_obj_attrs() for the key of an operation, through
 * the session's one-entry cache (no lock while nothing changed on the
 * token: the token's generation says so). Session objects only, as in
 * p11_obj_attrs(): a token object is asked of the driver every time.
 * @s: the session (locked).
 * @handle: the key.
 * @a: out.
 *
 * Return: as p11_obj_attrs().
 */
CK_RV p11_key_attrs(struct p11_session *s, uint32_t handle,
		    struct sks_obj_attrs *a)
{
	unsigned long gen = __atomic_load_n(&s->tok->gen, __ATOMIC_ACQUIRE);
	CK_RV rv;

	if (handle && s->kc_handle == handle && s->kc_gen == gen) {
		*a = s->kc_attrs;
		return CKR_OK;
	}
	rv = p11_obj_attrs(s, handle, a);
	if (rv == CKR_OK && !(a->flags & SKS_OBJ_TOKEN)) {
		s->kc_handle = handle;
		s->kc_gen = gen;
		s->kc_attrs = *a;
	}
	return rv;
}

/**
 * p11_obj_attrs() - the driver's attributes of an object, from the
 * module's cache (session objects: no other process sees them) or the
 * driver (SKS_IOC_GET_ATTRS).
 * @s: a session (locked).
 * @handle: object handle.
 * @a: out.
 *
 * Return: CKR_OK, CKR_OBJECT_HANDLE_INVALID (no such object, or one this
 * application may not see), other driver codes.
 */
CK_RV p11_obj_attrs(struct p11_session *s, uint32_t handle,
		    struct sks_obj_attrs *a)
{
	struct p11_token *tok = s->tok;
	struct sks_get_attrs ga;
	struct p11_obj *o;
	CK_RV rv;

	if (!handle)
		return CKR_OBJECT_HANDLE_INVALID;
	p11_lock(&tok->lock);
	o = p11_map_get(&tok->objs, handle);
	if (o && o->have_attrs) {
		*a = o->attrs;
		p11_unlock(&tok->lock);
		return CKR_OK;
	}
	p11_unlock(&tok->lock);
	memset(&ga, 0, sizeof(ga));
	ga.handle = handle;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GET_ATTRS, &ga);
	if (rv == CKR_KEY_HANDLE_INVALID)
		rv = CKR_OBJECT_HANDLE_INVALID;
	if (rv != CKR_OK)
		return rv;
	*a = ga.attrs;
	return p11_obj_record(tok, handle, 0, &ga.attrs, NULL);
}

CK_RV p11_destroy(struct p11_session *s, uint32_t handle)
{
	struct sks_destroy_object d;
	CK_RV rv;

	memset(&d, 0, sizeof(d));
	d.handle = handle;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_DESTROY_OBJECT, &d);
	if (rv == CKR_OK || rv == CKR_OBJECT_HANDLE_INVALID)
		p11_obj_forget(s->tok, handle);
	return rv;
}

/**
 * p11_objs_destroy_owned() - destroy session objects the module made.
 * @s: a session of the token (locked), whose file is used.
 * @owner: the objects of this session, or 0 for those of every session.
 * @private_only: only the private ones (C_Logout, section 5.6).
 */
void p11_objs_destroy_owned(struct p11_session *s, CK_SESSION_HANDLE owner,
			    bool private_only)
{
	struct p11_token *tok = s->tok;
	uint32_t *hs;
	size_t n = 0, i;

	p11_lock(&tok->lock);
	hs = calloc(tok->objs.n + 1, sizeof(*hs));
	if (!hs) {
		p11_unlock(&tok->lock);
		return;
	}
	for (i = 0; i < tok->objs.cap; i++) {
		struct p11_obj *o;

		if (!p11_map_live(&tok->objs, i))
			continue;
		o = tok->objs.vals[i];
		if (!o->owner || (owner && o->owner != owner))
			continue;
		if (private_only && o->have_attrs &&
		    !(o->attrs.flags & SKS_OBJ_PRIVATE))
			continue;
		hs[n++] = o->handle;
	}
	p11_unlock(&tok->lock);
	for (i = 0; i < n; i++) {
		struct sks_obj_attrs a;

		if (private_only &&
		    (p11_obj_attrs(s, hs[i], &a) != CKR_OK ||
		     !(a.flags & SKS_OBJ_PRIVATE)))
			continue;
		p11_destroy(s, hs[i]);
	}
	free(hs);
}

/* ---- creation ---- */

/* Token objects need a R/W session (section 5.6, CKR_SESSION_READ_ONLY). */
CK_RV p11_check_rw(struct p11_session *s, const struct sks_obj_attrs *a)
{
	if ((a->flags & SKS_OBJ_TOKEN) && !p11_session_rw(s))
		return CKR_SESSION_READ_ONLY;
	return CKR_OK;
}

/* Record a new object with its template's extras. */
CK_RV p11_record_new(struct p11_session *s, uint32_t handle,
		     const struct sks_obj_attrs *a,
		     const struct p11_tmpl *t, bool local,
		     CK_MECHANISM_TYPE mech)
{
	struct p11_obj *o;
	CK_RV rv;

	rv = p11_obj_record(s->tok, handle,
			    (a->flags & SKS_OBJ_TOKEN) ? 0 : s->handle, a, &o);
	if (rv != CKR_OK) {
		p11_destroy(s, handle);
		return rv;
	}
	p11_lock(&s->tok->lock);
	o->local = local;
	o->keygen = mech;
	rv = t ? p11_obj_set_extra(o, t) : CKR_OK;
	p11_unlock(&s->tok->lock);
	if (rv != CKR_OK)
		p11_destroy(s, handle);
	return rv;
}

/* The driver's attributes of a new object as the driver made them. */
static void finish_attrs(struct sks_obj_attrs *a, uint32_t value_len)
{
	a->value_len = value_len;
}

static CK_RV create_object(struct p11_session *s, const struct p11_tmpl *t,
			   CK_OBJECT_HANDLE_PTR ph)
{
	struct sks_create_object co;
	const uint8_t *value = t->value;
	size_t len = t->value_len;
	uint8_t scalar[48];
	CK_KEY_TYPE kt = t->key_type;
	int curve = 0;
	CK_RV rv;

	if (!t->has_class)
		return CKR_TEMPLATE_INCOMPLETE;
	switch (t->cls) {
	case CKO_DATA:
		if (t->has_key_type || t->has_ec_params || t->has_ec_point ||
		    t->has_value_len)
			return CKR_TEMPLATE_INCONSISTENT;
		kt = 0;
		break;
	case CKO_SECRET_KEY:
		if (!t->has_key_type || !t->has_value)
			return CKR_TEMPLATE_INCOMPLETE;
		if (kt != CKK_AES && kt != CKK_GENERIC_SECRET)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (t->has_ec_params || t->has_ec_point)
			return CKR_TEMPLATE_INCONSISTENT;
		if (t->has_value_len && t->value_len_attr != len)
			return CKR_TEMPLATE_INCONSISTENT;
		break;
	case CKO_PRIVATE_KEY:
	case CKO_PUBLIC_KEY:
		if (!t->has_key_type || !t->has_ec_params)
			return CKR_TEMPLATE_INCOMPLETE;
		if (kt != CKK_EC)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		curve = p11_curve_from_params(t->ec_params, t->ec_params_len);
		if (!curve)
			return CKR_CURVE_NOT_SUPPORTED;
		if (t->cls == CKO_PUBLIC_KEY) {
			if (!t->has_ec_point || t->has_value)
				return t->has_value ? CKR_TEMPLATE_INCONSISTENT :
				       CKR_TEMPLATE_INCOMPLETE;
			if (p11_ec_point_unwrap(t->ec_point, t->ec_point_len,
						&value, &len) != CKR_OK ||
			    len != 2 * p11_curve_bytes(curve) + 1)
				return CKR_ATTRIBUTE_VALUE_INVALID;
		} else {
			size_t fb = p11_curve_bytes(curve);

			if (!t->has_value)
				return CKR_TEMPLATE_INCOMPLETE;
			if (t->has_ec_point)
				return CKR_TEMPLATE_INCONSISTENT;
			/* an integer: shorter values have leading zeros */
			if (!len || len > fb)
				return CKR_ATTRIBUTE_VALUE_INVALID;
			memset(scalar, 0, fb - len);
			memcpy(scalar + fb - len, value, len);
			value = scalar;
			len = fb;
		}
		break;
	default:
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	if (len > SKS_MAX_DATA_SIZE)
		return CKR_ATTRIBUTE_VALUE_INVALID;

	memset(&co, 0, sizeof(co));
	rv = p11_tmpl_to_attrs(t, t->cls, kt, &co.attrs);
	if (rv != CKR_OK)
		return rv;
	rv = p11_check_rw(s, &co.attrs);
	if (rv != CKR_OK)
		return rv;
	co.attrs.value_len = len;
	co.value = (uintptr_t)value;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_CREATE_OBJECT, &co);
	p11_wipe(scalar, sizeof(scalar));
	if (rv != CKR_OK)
		return rv;
	finish_attrs(&co.attrs, len);
	rv = p11_record_new(s, co.handle, &co.attrs, t, false, 0);
	if (rv == CKR_OK)
		*ph = co.handle;
	return rv;
}

/**
 * C_CreateObject() - create a data object or import a key (section 5.7):
 * an AES or generic secret key (CKA_VALUE), an EC private key (CKA_VALUE:
 * the scalar, CKA_EC_PARAMS) or public key (CKA_EC_POINT, CKA_EC_PARAMS).
 * @hSession: the session; token objects need a R/W one.
 * @pTemplate: the attributes (attr.c says which sks keeps).
 * @ulCount: their number.
 * @phObject: out: the handle.
 *
 * Return: CKR_OK, CKR_TEMPLATE_INCOMPLETE, CKR_TEMPLATE_INCONSISTENT,
 * CKR_ATTRIBUTE_TYPE_INVALID, CKR_ATTRIBUTE_VALUE_INVALID,
 * CKR_ATTRIBUTE_READ_ONLY, CKR_CURVE_NOT_SUPPORTED, CKR_SESSION_READ_ONLY,
 * the driver's codes (CKR_USER_NOT_LOGGED_IN, CKR_DEVICE_MEMORY,
 * CKR_KEY_SIZE_RANGE, ...), CKR_SESSION_HANDLE_INVALID,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_CreateObject(CK_SESSION_HANDLE hSession,
			     CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
			     CK_OBJECT_HANDLE_PTR phObject)
{
	struct p11_session *s;
	struct p11_tmpl t;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!phObject || (!pTemplate && ulCount))
		rv = CKR_ARGUMENTS_BAD;
	else
		rv = p11_tmpl_parse(pTemplate, ulCount, &t);
	if (rv == CKR_OK)
		rv = create_object(s, &t, phObject);
	p11_session_put(s);
	return rv;
}

/**
 * C_CopyObject() - copy a data object or a public key with changed
 * attributes (section 5.7). Secret and private keys cannot be copied: the
 * module never has their values (CKA_COPYABLE is CK_FALSE:
 * CKR_ACTION_PROHIBITED).
 * @hSession: the session.
 * @hObject: the object.
 * @pTemplate: attributes of the copy that differ.
 * @ulCount: their number.
 * @phNewObject: out.
 *
 * Return: as C_CreateObject(), and CKR_ACTION_PROHIBITED,
 * CKR_OBJECT_HANDLE_INVALID.
 */
P11_API CK_RV C_CopyObject(CK_SESSION_HANDLE hSession,
			   CK_OBJECT_HANDLE hObject,
			   CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
			   CK_OBJECT_HANDLE_PTR phNewObject)
{
	struct sks_create_object co;
	struct sks_obj_attrs a;
	struct sks_get_value gv;
	struct p11_session *s;
	struct p11_tmpl t;
	uint8_t *v = NULL;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!phNewObject || (!pTemplate && ulCount)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = p11_check_handle(hObject);
	if (rv == CKR_OK)
		rv = p11_obj_attrs(s, hObject, &a);
	if (rv == CKR_OK)
		rv = p11_tmpl_parse(pTemplate, ulCount, &t);
	if (rv != CKR_OK)
		goto out;
	if (a.obj_class != CKO_DATA && a.obj_class != CKO_PUBLIC_KEY) {
		rv = CKR_ACTION_PROHIBITED;
		goto out;
	}
	/* only the booleans, label, id and the module's attributes change */
	if ((t.has_class && t.cls != a.obj_class) ||
	    (t.has_key_type && t.key_type != a.key_type) || t.has_value ||
	    t.has_value_len || t.has_ec_params || t.has_ec_point) {
		rv = CKR_ATTRIBUTE_READ_ONLY;
		goto out;
	}
	memset(&gv, 0, sizeof(gv));
	gv.handle = hObject;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GET_VALUE, &gv);
	if (rv != CKR_OK)
		goto out;
	v = calloc(1, gv.len ? gv.len : 1);
	if (!v) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	gv.buf = (uintptr_t)v;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_GET_VALUE, &gv);
	if (rv != CKR_OK)
		goto out;
	memset(&co, 0, sizeof(co));
	co.attrs = a;
	co.attrs.usage_count = 0;
	co.attrs.flags = (a.flags | t.flags_set) & ~t.flags_clear;
	if (t.has_label) {
		if (t.label_len > SKS_OBJ_LABEL_MAX) {
			rv = CKR_ATTRIBUTE_VALUE_INVALID;
			goto out;
		}
		memset(co.attrs.label, 0, sizeof(co.attrs.label));
		memcpy(co.attrs.label, t.label, t.label_len);
		co.attrs.label_len = t.label_len;
	}
	if (t.has_id) {
		if (t.id_len > SKS_OBJ_ID_MAX) {
			rv = CKR_ATTRIBUTE_VALUE_INVALID;
			goto out;
		}
		memset(co.attrs.id, 0, sizeof(co.attrs.id));
		memcpy(co.attrs.id, t.id, t.id_len);
		co.attrs.id_len = t.id_len;
	}
	rv = p11_check_rw(s, &co.attrs);
	if (rv != CKR_OK)
		goto out;
	co.attrs.value_len = gv.len;
	co.value = (uintptr_t)v;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_CREATE_OBJECT, &co);
	if (rv == CKR_OK)
		rv = p11_record_new(s, co.handle, &co.attrs, &t, false, 0);
	if (rv == CKR_OK)
		*phNewObject = co.handle;
out:
	free(v);
	p11_session_put(s);
	return rv;
}

/**
 * C_DestroyObject() - destroy an object (section 5.7).
 * @hSession: the session; token objects need a R/W one.
 * @hObject: the object.
 *
 * Return: CKR_OK, CKR_OBJECT_HANDLE_INVALID, CKR_SESSION_READ_ONLY, the
 * driver's codes (CKR_USER_NOT_LOGGED_IN), CKR_SESSION_HANDLE_INVALID,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession,
			      CK_OBJECT_HANDLE hObject)
{
	struct sks_obj_attrs a;
	struct p11_session *s;
	CK_RV rv;

	struct p11_obj *o;
	bool session_obj;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	rv = p11_check_handle(hObject);
	if (rv != CKR_OK)
		goto out;
	/* a session object this module made needs no R/W check */
	p11_lock(&s->tok->lock);
	o = p11_map_get(&s->tok->objs, hObject);
	session_obj = o && o->owner;
	p11_unlock(&s->tok->lock);
	if (!session_obj) {
		rv = p11_obj_attrs(s, hObject, &a);
		if (rv == CKR_OK)
			rv = p11_check_rw(s, &a);
	}
	if (rv == CKR_OK)
		rv = p11_destroy(s, hObject);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_GetObjectSize() - the storage an object takes in the partition: its
 * value and attribute record (section 5.7).
 * @hSession: the session.
 * @hObject: the object.
 * @pulSize: out: bytes.
 *
 * Return: CKR_OK, CKR_OBJECT_HANDLE_INVALID, CKR_SESSION_HANDLE_INVALID,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession,
			      CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize)
{
	struct sks_obj_attrs a;
	struct p11_session *s;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pulSize)
		rv = CKR_ARGUMENTS_BAD;
	else
		rv = p11_check_handle(hObject);
	if (rv == CKR_OK)
		rv = p11_obj_attrs(s, hObject, &a);
	if (rv == CKR_OK)
		*pulSize = sizeof(a) + a.value_len;
	p11_session_put(s);
	return rv;
}

/**
 * C_GetAttributeValue() - read attributes (section 5.7): for each, NULL
 * pValue asks the length; too little room gives ulValueLen
 * CK_UNAVAILABLE_INFORMATION and CKR_BUFFER_TOO_SMALL; a secret or private
 * key's CKA_VALUE gives CK_UNAVAILABLE_INFORMATION and
 * CKR_ATTRIBUTE_SENSITIVE (key values never leave the kernel but in SKS
 * blobs); an attribute the object does not have,
 * CKR_ATTRIBUTE_TYPE_INVALID. Every attribute is processed; the first of
 * these codes is returned.
 * @hSession: the session.
 * @hObject: the object.
 * @pTemplate: in/out.
 * @ulCount: entries.
 *
 * Return: CKR_OK, CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID,
 * CKR_BUFFER_TOO_SMALL, CKR_OBJECT_HANDLE_INVALID,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession,
				  CK_OBJECT_HANDLE hObject,
				  CK_ATTRIBUTE_PTR pTemplate,
				  CK_ULONG ulCount)
{
	struct sks_obj_attrs a;
	struct p11_session *s;
	struct p11_obj *o, copy;
	CK_RV rv, first = CKR_OK;
	CK_ULONG i;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pTemplate && ulCount) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = p11_check_handle(hObject);
	if (rv == CKR_OK)
		rv = p11_obj_attrs(s, hObject, &a);
	if (rv != CKR_OK)
		goto out;
	/* a snapshot of the module's record (extras are copied by
	 * p11_attr_get under the token lock below) */
	for (i = 0; i < ulCount; i++) {
		CK_ATTRIBUTE *at = &pTemplate[i];
		CK_ULONG len = at->ulValueLen;

		p11_lock(&s->tok->lock);
		o = p11_map_get(&s->tok->objs, hObject);
		if (o)
			copy = *o;
		p11_unlock(&s->tok->lock);
		/* (extras are only ever replaced under the lock and freed
		 * with the object; a concurrent destroy is the caller's
		 * race, as in every module) */
		rv = p11_attr_get(s, hObject, &a, o ? &copy : NULL, at->type,
				  at->pValue, &len);
		if (rv == CKR_OK) {
			at->ulValueLen = len;
			continue;
		}
		at->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		if (rv != CKR_ATTRIBUTE_SENSITIVE &&
		    rv != CKR_ATTRIBUTE_TYPE_INVALID &&
		    rv != CKR_BUFFER_TOO_SMALL)
			goto out;	/* the driver failed */
		if (first == CKR_OK)
			first = rv;
	}
	rv = first;
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_SetAttributeValue() - change attributes (section 5.7;
 * SKS_IOC_SET_ATTRS): CKA_LABEL, CKA_ID, the usage booleans within what
 * the key type allows, CKA_SENSITIVE only to CK_TRUE, CKA_EXTRACTABLE
 * only to CK_FALSE (section 4.7 footnotes); CKA_SUBJECT, the dates,
 * CKA_APPLICATION and CKA_OBJECT_ID in the module. Nothing changes unless
 * everything may.
 * @hSession: the session; token objects need a R/W one.
 * @hObject: the object.
 * @pTemplate: the new values.
 * @ulCount: entries.
 *
 * Return: CKR_OK, CKR_ATTRIBUTE_READ_ONLY, CKR_ATTRIBUTE_TYPE_INVALID,
 * CKR_ATTRIBUTE_VALUE_INVALID, CKR_TEMPLATE_INCONSISTENT,
 * CKR_SESSION_READ_ONLY, CKR_OBJECT_HANDLE_INVALID, the driver's codes,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession,
				  CK_OBJECT_HANDLE hObject,
				  CK_ATTRIBUTE_PTR pTemplate,
				  CK_ULONG ulCount)
{
	struct sks_set_attrs sa;
	struct sks_obj_attrs a;
	struct p11_session *s;
	struct p11_tmpl t;
	struct p11_obj *o;
	uint32_t flags;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pTemplate && ulCount) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = p11_check_handle(hObject);
	if (rv == CKR_OK)
		rv = p11_obj_attrs(s, hObject, &a);
	if (rv == CKR_OK)
		rv = p11_check_rw(s, &a);
	if (rv == CKR_OK)
		rv = p11_tmpl_parse(pTemplate, ulCount, &t);
	if (rv != CKR_OK)
		goto out;
	if ((t.has_class && t.cls != a.obj_class) ||
	    (t.has_key_type && t.key_type != a.key_type) || t.has_value ||
	    t.has_value_len || t.has_ec_params || t.has_ec_point) {
		rv = CKR_ATTRIBUTE_READ_ONLY;
		goto out;
	}
	if (t.label_len > SKS_OBJ_LABEL_MAX || t.id_len > SKS_OBJ_ID_MAX) {
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
		goto out;
	}
	flags = (a.flags | t.flags_set) & ~t.flags_clear;
	memset(&sa, 0, sizeof(sa));
	sa.handle = hObject;
	if (t.has_label) {
		sa.flags |= SKS_SET_LABEL;
		sa.attrs.label_len = t.label_len;
		memcpy(sa.attrs.label, t.label, t.label_len);
	}
	if (t.has_id) {
		sa.flags |= SKS_SET_ID;
		sa.attrs.id_len = t.id_len;
		memcpy(sa.attrs.id, t.id, t.id_len);
	}
	if (flags != a.flags) {
		sa.flags |= SKS_SET_FLAGS;
		sa.attrs.flags = flags;
	}
	if (sa.flags) {
		rv = p11_ioctl(s->drv->fd, SKS_IOC_SET_ATTRS, &sa);
		if (rv != CKR_OK)
			goto out;
	}
	p11_lock(&s->tok->lock);
	o = p11_map_get(&s->tok->objs, hObject);
	if (o) {
		o->have_attrs = false;
		rv = p11_obj_set_extra(o, &t);
	}
	p11_objs_changed(s->tok);
	p11_unlock(&s->tok->lock);
	if (!o && t.nextra) {
		rv = p11_obj_record(s->tok, hObject, 0, NULL, &o);
		if (rv == CKR_OK) {
			p11_lock(&s->tok->lock);
			rv = p11_obj_set_extra(o, &t);
			p11_unlock(&s->tok->lock);
		}
	}
out:
	p11_session_put(s);
	return rv;
}
