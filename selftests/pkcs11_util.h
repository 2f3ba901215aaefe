/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the PKCS#11 module's selftests: the module loaded as an
 * application loads it (dlopen + C_GetFunctionList), partitions made
 * through the control device and initialised through the module.
 */
#ifndef SKS_PKCS11_UTIL_H
#define SKS_PKCS11_UTIL_H

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "sks_test_util.h"
#include "../pkcs11/luna.h"

#define P11_MODULE_DEFAULT	"/usr/local/lib/libsks-pkcs11.so"
#define P11_SO_PIN		"so-secret-1"
#define P11_USER_PIN		"co-secret-1"

struct p11t {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SFNT_CA_FUNCTION_LIST_PTR ca;
	int ctl;
	int slot;		/* the partition made for the test */
};

static inline const char *p11t_module(void)
{
	const char *m = getenv("SKS_PKCS11_MODULE");

	return m && *m ? m : P11_MODULE_DEFAULT;
}

/* Load the module and take both function lists; 0 or -1. */
static inline int p11t_load(struct p11t *t)
{
	CK_RV (*gfl)(CK_FUNCTION_LIST_PTR_PTR);
	CK_RV (*cagfl)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR);

	memset(t, 0, sizeof(*t));
	t->slot = -1;
	t->ctl = -1;
	t->dl = dlopen(p11t_module(), RTLD_NOW | RTLD_LOCAL);
	if (!t->dl)
		return -1;
	gfl = (CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(t->dl,
							   "C_GetFunctionList");
	cagfl = (CK_RV (*)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR))
		dlsym(t->dl, "CA_GetFunctionList");
	if (!gfl || !cagfl || gfl(&t->f) != CKR_OK || cagfl(&t->ca) != CKR_OK)
		return -1;
	return 0;
}

/*
 * A new uninitialised partition of @type (SKS_SLOT_V0/V1) initialised
 * through the module: C_InitToken, the SO logs in, C_InitPIN. Leaves the
 * module initialised with no session open. 0 or a CK_RV / -errno.
 */
static inline long p11t_token(struct p11t *t, uint32_t type, const char *label)
{
	CK_UTF8CHAR lab[32];
	CK_SESSION_HANDLE h;
	CK_RV rv;

	t->ctl = sks_ctl_open();
	if (t->ctl < 0)
		return -errno;
	t->slot = sks_slot_new(t->ctl, type, 0);
	if (t->slot < 0)
		return t->slot;
	rv = t->f->C_Initialize(NULL);
	if (rv != CKR_OK)
		return rv;
	memset(lab, ' ', sizeof(lab));
	memcpy(lab, label, strlen(label));
	rv = t->f->C_InitToken(t->slot, (CK_UTF8CHAR_PTR)P11_SO_PIN,
			       strlen(P11_SO_PIN), lab);
	if (rv != CKR_OK)
		return rv;
	rv = t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				 NULL, NULL, &h);
	if (rv == CKR_OK)
		rv = t->f->C_Login(h, CKU_SO, (CK_UTF8CHAR_PTR)P11_SO_PIN,
				   strlen(P11_SO_PIN));
	if (rv == CKR_OK)
		rv = t->f->C_InitPIN(h, (CK_UTF8CHAR_PTR)P11_USER_PIN,
				     strlen(P11_USER_PIN));
	if (rv == CKR_OK)
		rv = t->f->C_Logout(h);
	t->f->C_CloseSession(h);
	return rv;
}

/* A R/W session logged in as the user (Crypto Officer). */
static inline CK_RV p11t_user(struct p11t *t, CK_SESSION_HANDLE *h)
{
	CK_RV rv;

	rv = t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				 NULL, NULL, h);
	if (rv != CKR_OK)
		return rv;
	rv = t->f->C_Login(*h, CKU_USER, (CK_UTF8CHAR_PTR)P11_USER_PIN,
			   strlen(P11_USER_PIN));
	return rv == CKR_USER_ALREADY_LOGGED_IN ? CKR_OK : rv;
}

static inline void p11t_done(struct p11t *t)
{
	if (t->f)
		t->f->C_Finalize(NULL);
	if (t->ctl >= 0 && t->slot >= 0)
		sks_slot_del(t->ctl, t->slot);
	if (t->ctl >= 0)
		close(t->ctl);
	if (t->dl)
		dlclose(t->dl);
}

static const CK_BBOOL p11t_true = CK_TRUE, p11t_false = CK_FALSE;

/* A session AES key (CKM_AES_KEY_GEN) of @len bytes. */
static inline CK_RV p11t_aes(struct p11t *t, CK_SESSION_HANDLE h, CK_ULONG len,
			     const char *label, CK_OBJECT_HANDLE *key)
{
	CK_MECHANISM m = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_VALUE_LEN, &len, sizeof(len) },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_ENCRYPT, (void *)&p11t_true, 1 },
		{ CKA_DECRYPT, (void *)&p11t_true, 1 },
	};

	return t->f->C_GenerateKey(h, &m, tmpl, 4, key);
}

/* A session generic secret imported with a known value. */
static inline CK_RV p11t_hmac_key(struct p11t *t, CK_SESSION_HANDLE h,
				  const void *v, CK_ULONG len,
				  const char *label, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_VALUE, (void *)v, len },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_SIGN, (void *)&p11t_true, 1 },
		{ CKA_VERIFY, (void *)&p11t_true, 1 },
	};

	return t->f->C_CreateObject(h, tmpl, 6, key);
}

#endif /* SKS_PKCS11_UTIL_H */
