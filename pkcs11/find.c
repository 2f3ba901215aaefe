// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - object search (PKCS#11 v2.40 section 5.7): C_FindObjectsInit,
 * C_FindObjects, C_FindObjectsFinal on any template; the attributes the
 * driver indexes are searched there (SKS_IOC_FIND_OBJECTS), the rest are
 * matched here.
 */
#include <stdlib.h>
#include <string.h>

#include "attr.h"

/* ---- search (section 5.7) ---- */

/* Whether an object has every attribute of a template, byte for byte. */
static CK_RV matches(struct p11_session *s, uint32_t h,
		     const CK_ATTRIBUTE *t, CK_ULONG n, bool *ok)
{
	struct sks_obj_attrs a;
	struct p11_obj *o, copy;
	uint8_t small[128], *buf;
	CK_ULONG i;
	CK_RV rv;

	*ok = false;
	rv = p11_obj_attrs(s, h, &a);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return CKR_OK;		/* gone meanwhile */
	if (rv != CKR_OK)
		return rv;
	p11_lock(&s->tok->lock);
	o = p11_map_get(&s->tok->objs, h);
	if (o)
		copy = *o;
	p11_unlock(&s->tok->lock);
	for (i = 0; i < n; i++) {
		CK_ULONG len = 0;

		rv = p11_attr_get(s, h, &a, o ? &copy : NULL, t[i].type, NULL,
				  &len);
		if (rv == CKR_ATTRIBUTE_SENSITIVE ||
		    rv == CKR_ATTRIBUTE_TYPE_INVALID)
			return CKR_OK;
		if (rv != CKR_OK)
			return rv;
		if (len != t[i].ulValueLen)
			return CKR_OK;
		buf = len <= sizeof(small) ? small : malloc(len);
		if (!buf)
			return CKR_HOST_MEMORY;
		rv = p11_attr_get(s, h, &a, o ? &copy : NULL, t[i].type, buf,
				  &len);
		if (rv == CKR_OK && len == t[i].ulValueLen &&
		    (!len || !memcmp(buf, t[i].pValue, len)))
			rv = CKR_OK;
		else if (rv == CKR_OK)
			rv = CKR_CANCEL;	/* no match */
		if (buf != small)
			free(buf);
		if (rv == CKR_CANCEL)
			return CKR_OK;
		if (rv != CKR_OK)
			return rv;
	}
	*ok = true;
	return CKR_OK;
}

/* The SKS_FIND_* bit of an attribute the driver matches, or 0. */
static uint32_t find_bit(CK_ATTRIBUTE_TYPE type)
{
	switch (type) {
	case CKA_CLASS:
		return SKS_FIND_CLASS;
	case CKA_KEY_TYPE:
		return SKS_FIND_KEY_TYPE;
	case CKA_LABEL:
		return SKS_FIND_LABEL;
	case CKA_ID:
		return SKS_FIND_ID;
	default:
		return 0;
	}
}

/* Which template entries the driver can match itself. */
static bool indexed(const CK_ATTRIBUTE *at, struct sks_find_objects *fo,
		    bool *none)
{
	CK_ULONG v;

	switch (at->type) {
	case CKA_CLASS:
	case CKA_KEY_TYPE:
		if (at->ulValueLen != sizeof(CK_ULONG) || !at->pValue)
			return false;
		memcpy(&v, at->pValue, sizeof(v));
		if (v > UINT32_MAX) {
			*none = true;
			return true;
		}
		if (at->type == CKA_CLASS) {
			fo->flags |= SKS_FIND_CLASS;
			fo->tmpl.obj_class = v;
		} else {
			fo->flags |= SKS_FIND_KEY_TYPE;
			fo->tmpl.key_type = v;
		}
		return true;
	case CKA_LABEL:
		if (at->ulValueLen > SKS_OBJ_LABEL_MAX) {
			*none = true;
			return true;
		}
		fo->flags |= SKS_FIND_LABEL;
		fo->tmpl.label_len = at->ulValueLen;
		if (at->ulValueLen)
			memcpy(fo->tmpl.label, at->pValue, at->ulValueLen);
		return true;
	case CKA_ID:
		if (at->ulValueLen > SKS_OBJ_ID_MAX) {
			*none = true;
			return true;
		}
		fo->flags |= SKS_FIND_ID;
		fo->tmpl.id_len = at->ulValueLen;
		if (at->ulValueLen)
			memcpy(fo->tmpl.id, at->pValue, at->ulValueLen);
		return true;
	default:
		return false;
	}
}

/**
 * C_FindObjectsInit() - start a search on any attributes (section 5.7):
 * the driver matches class, key type, label and id; the module compares
 * every other attribute of the template with the object's (an attribute
 * the object does not have, or a sensitive one, never matches). The
 * matches are fixed here, in ascending handle order.
 * @hSession: the session (no other operation active).
 * @pTemplate: the template, or NULL with @ulCount 0 for every object.
 * @ulCount: entries.
 *
 * Return: CKR_OK, CKR_OPERATION_ACTIVE, CKR_HOST_MEMORY, the driver's
 * codes, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession,
				CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	struct sks_find_objects fo;
	struct p11_session *s;
	CK_ATTRIBUTE *rest = NULL;
	CK_ULONG nrest = 0, i;
	uint32_t *hs = NULL;
	bool none = false;
	size_t n = 0, k;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pTemplate && ulCount) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = p11_op_begin(s, OP_FIND);
	if (rv != CKR_OK)
		goto out;
	memset(&fo, 0, sizeof(fo));
	rest = calloc(ulCount + 1, sizeof(*rest));
	if (!rest) {
		rv = CKR_HOST_MEMORY;
		goto fail;
	}
	for (i = 0; i < ulCount; i++) {
		uint32_t bit = find_bit(pTemplate[i].type);

		if (pTemplate[i].ulValueLen && !pTemplate[i].pValue) {
			rv = CKR_ARGUMENTS_BAD;
			goto fail;
		}
		/* the driver matches the first of each indexed attribute;
		 * the module compares the rest */
		if (bit && !(fo.flags & bit) &&
		    indexed(&pTemplate[i], &fo, &none))
			continue;
		rest[nrest++] = pTemplate[i];
	}
	if (none)
		goto done;
	rv = p11_ioctl(s->drv->fd, SKS_IOC_FIND_OBJECTS, &fo);
	while (rv == CKR_OK && fo.count) {
		/* (zeroed: memcheck does not know the driver writes it) */
		free(hs);
		hs = calloc(fo.count + 16, sizeof(*hs));
		if (!hs) {
			rv = CKR_HOST_MEMORY;
			break;
		}
		fo.handles = (uintptr_t)hs;
		fo.count += 16;
		rv = p11_ioctl(s->drv->fd, SKS_IOC_FIND_OBJECTS, &fo);
		if (rv == CKR_BUFFER_TOO_SMALL) {	/* more meanwhile */
			fo.handles = 0;
			rv = p11_ioctl(s->drv->fd, SKS_IOC_FIND_OBJECTS, &fo);
			continue;
		}
		break;
	}
	if (rv != CKR_OK)
		goto fail;
	n = fo.handles ? fo.count : 0;
	s->found = calloc(n + 1, sizeof(*s->found));
	if (!s->found) {
		rv = CKR_HOST_MEMORY;
		goto fail;
	}
	for (k = 0; k < n; k++) {
		bool ok = true;

		if (nrest) {
			rv = matches(s, hs[k], rest, nrest, &ok);
			if (rv != CKR_OK)
				goto fail;
		}
		if (ok)
			s->found[s->nfound++] = hs[k];
	}
done:
	free(hs);
	free(rest);
	rv = CKR_OK;
	goto out;
fail:
	free(hs);
	free(rest);
	p11_op_end(s, OP_FIND);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_FindObjects() - the next matches of the search (section 5.7).
 * @hSession: the session.
 * @phObject: out: up to @ulMaxObjectCount handles.
 * @ulMaxObjectCount: room.
 * @pulObjectCount: out: handles written (0 at the end).
 *
 * Return: CKR_OK, CKR_OPERATION_NOT_INITIALIZED,
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_FindObjects(CK_SESSION_HANDLE hSession,
			    CK_OBJECT_HANDLE_PTR phObject,
			    CK_ULONG ulMaxObjectCount,
			    CK_ULONG_PTR pulObjectCount)
{
	struct p11_session *s;
	CK_ULONG n = 0;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pulObjectCount || (!phObject && ulMaxObjectCount)) {
		rv = CKR_ARGUMENTS_BAD;
	} else if (!(s->active & OP_FIND)) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else {
		while (n < ulMaxObjectCount && s->pos < s->nfound)
			phObject[n++] = s->found[s->pos++];
		*pulObjectCount = n;
	}
	p11_session_put(s);
	return rv;
}

/**
 * C_FindObjectsFinal() - end the search (section 5.7).
 * @hSession: the session.
 *
 * Return: CKR_OK, CKR_OPERATION_NOT_INITIALIZED,
 * CKR_SESSION_HANDLE_INVALID, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
	struct p11_session *s;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!(s->active & OP_FIND))
		rv = CKR_OPERATION_NOT_INITIALIZED;
	else
		p11_op_end(s, OP_FIND);
	p11_session_put(s);
	return rv;
}
