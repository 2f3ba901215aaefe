// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - sessions (PKCS#11 v2.40 section 5.6): open, close, state,
 * and the bookkeeping of their operations.
 */
#include <kcapi.h>
#include <stdlib.h>
#include <string.h>

#include "p11.h"

bool p11_session_rw(const struct p11_session *s)
{
	return s->flags & CKF_RW_SESSION;
}

/**
 * p11_session_get() - look a session up and lock its operation state.
 * @h: the session handle.
 * @s: out: the session, referenced and locked; release with
 *	p11_session_put().
 *
 * Return: CKR_OK, CKR_SESSION_HANDLE_INVALID,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
CK_RV p11_session_get(CK_SESSION_HANDLE h, struct p11_session **s)
{
	struct p11_session *x;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	p11_lock(&p11.lock);
	x = h ? p11_map_get(&p11.sessions, h) : NULL;
	if (x)
		x->refs++;
	p11_unlock(&p11.lock);
	if (!x)
		return CKR_SESSION_HANDLE_INVALID;
	p11_lock(&x->lock);
	if (x->closed) {
		p11_session_put(x);
		return CKR_SESSION_HANDLE_INVALID;
	}
	*s = x;
	return CKR_OK;
}

void p11_op_reset(struct p11_op *op)
{
	if (op->buf) {
		p11_wipe(op->buf, op->cap);
		free(op->buf);
	}
	free(op->aad);
	if (op->md)
		kcapi_md_destroy(op->md);
	memset(op, 0, sizeof(*op));
}

static void session_free(struct p11_session *s)
{
	p11_op_reset(&s->enc);
	p11_op_reset(&s->dec);
	p11_op_reset(&s->dig);
	p11_op_reset(&s->sign);
	p11_op_reset(&s->ver);
	free(s->found);
	p11_mutex_free(&s->lock);
	p11_drv_put(s->tok, s->drv);
	free(s);
}

/* Unlock and drop a reference from p11_session_get(). */
void p11_session_put(struct p11_session *s)
{
	bool last;

	p11_unlock(&s->lock);
	p11_lock(&p11.lock);
	last = --s->refs == 0;
	p11_unlock(&p11.lock);
	if (last)
		session_free(s);
}

/*
 * Operations that may be active together: the dual-function pairs of
 * section 5.13 (sks offers no dual-function call, but the operations may
 * coexist as the specification lets them).
 */
static bool op_combination_ok(unsigned int kinds)
{
	return kinds == (OP_DIGEST | OP_ENCRYPT) ||
	       kinds == (OP_DECRYPT | OP_DIGEST) ||
	       kinds == (OP_SIGN | OP_ENCRYPT) ||
	       kinds == (OP_DECRYPT | OP_VERIFY);
}

/**
 * p11_op_begin() - mark an operation active (section 5.1: one operation
 * at a time, an active search prevents any other).
 * @s: the locked session.
 * @kind: OP_*.
 *
 * Return: CKR_OK or CKR_OPERATION_ACTIVE.
 */
CK_RV p11_op_begin(struct p11_session *s, unsigned int kind)
{
	if (s->active & kind)
		return CKR_OPERATION_ACTIVE;
	if (s->active && !op_combination_ok(s->active | kind))
		return CKR_OPERATION_ACTIVE;
	s->active |= kind;
	return CKR_OK;
}

void p11_op_end(struct p11_session *s, unsigned int kind)
{
	s->active &= ~kind;
	switch (kind) {
	case OP_ENCRYPT:
		p11_op_reset(&s->enc);
		break;
	case OP_DECRYPT:
		p11_op_reset(&s->dec);
		break;
	case OP_DIGEST:
		p11_op_reset(&s->dig);
		break;
	case OP_SIGN:
		p11_op_reset(&s->sign);
		break;
	case OP_VERIFY:
		p11_op_reset(&s->ver);
		break;
	case OP_FIND:
		free(s->found);
		s->found = NULL;
		s->nfound = s->pos = 0;
		break;
	}
}

/**
 * C_OpenSession() - open a session on a token (section 5.6).
 * @slotID: the slot.
 * @flags: CKF_SERIAL_SESSION (required), | CKF_RW_SESSION.
 * @pApplication: passed to @Notify, which the module never calls (no
 *	callbacks: no operation ever runs in the background).
 * @Notify: ignored.
 * @phSession: out: the new handle, never one in use or used before
 *	since C_Initialize.
 *
 * Return: CKR_OK, CKR_SESSION_PARALLEL_NOT_SUPPORTED,
 * CKR_SESSION_READ_WRITE_SO_EXISTS (a R/O session while the SO is logged
 * in), CKR_SLOT_ID_INVALID, CKR_TOKEN_NOT_PRESENT, CKR_HOST_MEMORY,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags,
			    CK_VOID_PTR pApplication, CK_NOTIFY Notify,
			    CK_SESSION_HANDLE_PTR phSession)
{
	struct p11_token *tok;
	struct p11_session *s;
	CK_RV rv;

	(void)pApplication;
	(void)Notify;
	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!phSession)
		return CKR_ARGUMENTS_BAD;
	if (!(flags & CKF_SERIAL_SESSION))
		return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	rv = p11_token_get(slotID, &tok);
	if (rv != CKR_OK)
		return rv;
	s = calloc(1, sizeof(*s));
	if (!s)
		return CKR_HOST_MEMORY;
	rv = p11_mutex_new(&s->lock);
	if (rv != CKR_OK) {
		free(s);
		return rv;
	}
	rv = p11_drv_get(tok, &s->drv);
	if (rv != CKR_OK) {
		p11_mutex_free(&s->lock);
		free(s);
		return rv;
	}
	s->tok = tok;
	s->flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
	s->refs = 1;		/* the table's */

	p11_lock(&tok->lock);
	if (!(flags & CKF_RW_SESSION) && tok->logged_in &&
	    tok->role == CKU_SO) {
		p11_unlock(&tok->lock);
		p11_mutex_free(&s->lock);
		p11_drv_put(tok, s->drv);
		free(s);
		return CKR_SESSION_READ_WRITE_SO_EXISTS;
	}
	tok->sessions++;
	if (flags & CKF_RW_SESSION)
		tok->rw_sessions++;
	p11_unlock(&tok->lock);

	p11_lock(&p11.lock);
	s->handle = p11.next_session++;
	rv = p11_map_put(&p11.sessions, s->handle, s);
	p11_unlock(&p11.lock);
	if (rv != CKR_OK) {
		p11_lock(&tok->lock);
		tok->sessions--;
		if (flags & CKF_RW_SESSION)
			tok->rw_sessions--;
		p11_unlock(&tok->lock);
		session_free(s);
		return rv;
	}
	*phSession = s->handle;
	return CKR_OK;
}

/* Close a session whose reference and lock the caller holds. */
static void session_close(struct p11_session *s)
{
	struct p11_token *tok = s->tok;
	bool drop = false;

	p11_lock(&p11.lock);
	if (!s->closed) {
		p11_map_del(&p11.sessions, s->handle);
		s->closed = true;
		s->refs--;	/* the table's; the caller's remains */
		drop = true;
	}
	p11_unlock(&p11.lock);
	if (!drop)
		return;
	p11_lock(&tok->lock);
	tok->sessions--;
	if (p11_session_rw(s))
		tok->rw_sessions--;
	p11_unlock(&tok->lock);
	/* its session objects go with it (the driver file stays open for
	 * the other sessions) */
	p11_objs_destroy_owned(s, s->handle, false);
	p11_op_end(s, OP_FIND);
	p11_op_end(s, OP_ENCRYPT);
	p11_op_end(s, OP_DECRYPT);
	p11_op_end(s, OP_DIGEST);
	p11_op_end(s, OP_SIGN);
	p11_op_end(s, OP_VERIFY);
}

/**
 * C_CloseSession() - close a session and destroy its session objects
 * (section 5.6). Closing the application's last session on a token logs
 * it out.
 * @hSession: the session.
 *
 * Return: CKR_OK, CKR_SESSION_HANDLE_INVALID, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
	struct p11_session *s;
	CK_RV rv = p11_session_get(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	session_close(s);
	p11_session_put(s);
	return CKR_OK;
}

/**
 * C_CloseAllSessions() - close every session of the application on a token
 * (section 5.6).
 * @slotID: the slot.
 *
 * Return: CKR_OK, CKR_SLOT_ID_INVALID, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_CloseAllSessions(CK_SLOT_ID slotID)
{
	CK_SESSION_HANDLE *hs = NULL;
	struct p11_token *tok;
	size_t n = 0, i;
	CK_RV rv;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (slotID >= SKS_MAX_SLOTS)
		return CKR_SLOT_ID_INVALID;
	p11_lock(&p11.lock);
	tok = p11.tokens[slotID];
	if (tok && p11.sessions.n) {
		hs = calloc(p11.sessions.n, sizeof(*hs));
		if (!hs) {
			p11_unlock(&p11.lock);
			return CKR_HOST_MEMORY;
		}
		for (i = 0; i < p11.sessions.cap; i++) {
			struct p11_session *s;

			if (!p11_map_live(&p11.sessions, i))
				continue;
			s = p11.sessions.vals[i];
			if (s->tok == tok)
				hs[n++] = s->handle;
		}
	}
	p11_unlock(&p11.lock);
	if (!tok) {
		rv = p11_token_get(slotID, &tok);	/* a valid slot? */
		return rv;
	}
	for (i = 0; i < n; i++)
		C_CloseSession(hs[i]);
	free(hs);
	return CKR_OK;
}

/* At C_Finalize: close every session, other threads no longer calling. */
void p11_sessions_free(void)
{
	size_t i;

	for (i = 0; i < p11.sessions.cap; i++) {
		struct p11_session *s;

		if (!p11_map_live(&p11.sessions, i))
			continue;
		s = p11.sessions.vals[i];
		s->closed = true;
		s->tok->sessions--;
		if (p11_session_rw(s))
			s->tok->rw_sessions--;
		session_free(s);	/* the last file reference closes it */
	}
	p11_map_free(&p11.sessions);
}

/**
 * C_GetSessionInfo() - a session's slot, state and flags (section 5.6).
 * @hSession: the session.
 * @pInfo: out. The state follows the application's login on the token:
 *	the SO's gives CKS_RW_SO_FUNCTIONS, the Crypto Officer's and the
 *	Crypto User's the user functions states.
 *
 * Return: CKR_OK, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession,
			       CK_SESSION_INFO_PTR pInfo)
{
	struct p11_session *s;
	bool rw, in;
	CK_USER_TYPE role;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pInfo) {
		p11_session_put(s);
		return CKR_ARGUMENTS_BAD;
	}
	rw = p11_session_rw(s);
	p11_lock(&s->tok->lock);
	in = s->tok->logged_in;
	role = s->tok->role;
	p11_unlock(&s->tok->lock);
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->slotID = s->tok->slot;
	pInfo->flags = s->flags;
	if (in && role == CKU_SO)
		pInfo->state = CKS_RW_SO_FUNCTIONS;
	else if (in)
		pInfo->state = rw ? CKS_RW_USER_FUNCTIONS :
				    CKS_RO_USER_FUNCTIONS;
	else
		pInfo->state = rw ? CKS_RW_PUBLIC_SESSION :
				    CKS_RO_PUBLIC_SESSION;
	pInfo->ulDeviceError = 0;
	p11_session_put(s);
	return CKR_OK;
}
