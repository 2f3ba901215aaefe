// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - slots and tokens (PKCS#11 v2.40 section 5.5): the slot list,
 * slot, token and mechanism information, C_InitToken, C_InitPIN,
 * C_SetPIN, and C_Login/C_Logout (section 5.6).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p11.h"

/* ---- which slots are tokens ---- */

/*
 * The type of slot N (SKS_SLOT_*), or -1 if there is none. Read from
 * sysfs (/sys/class/sks/sksN/type: readable by every user, unlike
 * /dev/sks-control), or, without sysfs, from the device itself.
 */
static int slot_type(unsigned int n)
{
	char path[64], buf[16] = "";
	struct sks_session_info info;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/sks/sks%u/type", n);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		if (!strncmp(buf, "V0", 2))
			return SKS_SLOT_V0;
		if (!strncmp(buf, "V1", 2))
			return SKS_SLOT_V1;
		if (!strncmp(buf, "BACKUP", 6))
			return SKS_SLOT_BACKUP;
		return -1;
	}
	if (!access("/sys/class/sks", F_OK))
		return -1;
	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, n);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	if (p11_ioctl(fd, SKS_IOC_SESSION_INFO, &info) != CKR_OK)
		info.type = -1;
	close(fd);
	return (int)info.type;
}

static bool is_token_type(int type)
{
	return type == SKS_SLOT_V0 || type == SKS_SLOT_V1;
}

/**
 * p11_token_get() - the token of a slot.
 * @slot: the slot ID.
 * @tok: out: the token (lives until C_Finalize).
 *
 * Context: takes p11.lock.
 * Return: CKR_OK, CKR_SLOT_ID_INVALID (no such partition),
 * CKR_HOST_MEMORY.
 */
CK_RV p11_token_get(CK_SLOT_ID slot, struct p11_token **tok)
{
	struct p11_token *t;
	int type;
	CK_RV rv;

	if (slot >= SKS_MAX_SLOTS)
		return CKR_SLOT_ID_INVALID;
	type = slot_type(slot);
	if (!is_token_type(type))
		return CKR_SLOT_ID_INVALID;
	p11_lock(&p11.lock);
	t = p11.tokens[slot];
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t) {
			p11_unlock(&p11.lock);
			return CKR_HOST_MEMORY;
		}
		rv = p11_mutex_new(&t->lock);
		if (rv != CKR_OK) {
			free(t);
			p11_unlock(&p11.lock);
			return rv;
		}
		t->slot = slot;
		p11.tokens[slot] = t;
	}
	if (!t->drv)		/* a slot made again since */
		t->type = type;
	p11_unlock(&p11.lock);
	*tok = t;
	return CKR_OK;
}

/* At C_Finalize, after every session is gone. */
void p11_tokens_free(void)
{
	unsigned int i;

	for (i = 0; i < SKS_MAX_SLOTS; i++) {
		struct p11_token *t = p11.tokens[i];
		size_t j;

		if (!t)
			continue;
		for (j = 0; j < t->objs.cap; j++)
			if (p11_map_live(&t->objs, j))
				p11_obj_free(t->objs.vals[j]);
		p11_map_free(&t->objs);
		if (t->drv) {	/* (only if a session leaked a reference) */
			p11_fd_track(t->slot, -1);
			sks_session_close(t->drv->ss);
			free(t->drv);
		}
		p11_mutex_free(&t->lock);
		free(t);
		p11.tokens[i] = NULL;
	}
}

/**
 * p11_drv_get() - a reference on the token's driver session, opening the
 * slot device for the first session.
 * @tok: the token.
 * @drv: out.
 *
 * Context: takes the token's lock.
 * Return: CKR_OK, CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_ERROR, CKR_HOST_MEMORY.
 */
CK_RV p11_drv_get(struct p11_token *tok, struct p11_drv **drv)
{
	struct p11_drv *d;

	p11_lock(&tok->lock);
	d = tok->drv;
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d) {
			p11_unlock(&tok->lock);
			return CKR_HOST_MEMORY;
		}
		d->ss = sks_session_open(tok->slot);
		if (!d->ss) {
			CK_RV rv = sks_last_result();

			free(d);
			p11_unlock(&tok->lock);
			return rv == CKR_OK ? CKR_DEVICE_ERROR : rv;
		}
		d->fd = sks_session_get_fd(d->ss);
		tok->drv = d;
		tok->logged_in = false;
		p11_fd_track(tok->slot, d->fd);
	}
	d->refs++;
	p11_unlock(&tok->lock);
	*drv = d;
	return CKR_OK;
}

/*
 * Drop a reference; the last one closes the file (the driver logs it out
 * and destroys what session objects are left) and forgets the module's
 * records of the session objects.
 */
void p11_drv_put(struct p11_token *tok, struct p11_drv *drv)
{
	size_t j;

	p11_lock(&tok->lock);
	if (--drv->refs) {
		p11_unlock(&tok->lock);
		return;
	}
	if (tok->drv == drv) {
		tok->drv = NULL;
		tok->logged_in = false;
		p11_fd_track(tok->slot, -1);
	}
	for (j = 0; j < tok->objs.cap; j++) {
		struct p11_obj *o;

		if (!p11_map_live(&tok->objs, j))
			continue;
		o = tok->objs.vals[j];
		if (o->owner) {
			p11_map_del(&tok->objs, o->handle);
			p11_obj_free(o);
			j--;	/* (another entry may have moved here) */
		} else {
			o->have_attrs = false;
		}
	}
	p11_unlock(&tok->lock);
	sks_session_close(drv->ss);
	free(drv);
}

/*
 * The driver's view of a token: its state and failure counters, from the
 * token's open file if there is one, else from a file opened for it.
 */
static CK_RV token_state(struct p11_token *tok, struct sks_session_info *info)
{
	char path[32];
	int fd = -1;
	CK_RV rv;

	memset(info, 0, sizeof(*info));
	p11_lock(&tok->lock);
	if (tok->drv) {
		rv = p11_ioctl(tok->drv->fd, SKS_IOC_SESSION_INFO, info);
		p11_unlock(&tok->lock);
		return rv;
	}
	p11_unlock(&tok->lock);
	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, tok->slot);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENODEV || errno == ENXIO ?
		       CKR_TOKEN_NOT_PRESENT : CKR_DEVICE_ERROR;
	rv = p11_ioctl(fd, SKS_IOC_SESSION_INFO, info);
	close(fd);
	return rv;
}

/* ---- slot and token information (section 5.5) ---- */

/**
 * C_GetSlotList() - the slots: one per V0 or V1 partition, by slot number.
 * Every slot has its token present, so @tokenPresent changes nothing.
 * @tokenPresent: CK_TRUE: only slots with a token.
 * @pSlotList: out, or NULL to query the count (section 5.2).
 * @pulCount: in: room; out: the number of slots.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL (with the count),
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
			    CK_ULONG_PTR pulCount)
{
	CK_SLOT_ID ids[SKS_MAX_SLOTS];
	CK_ULONG n = 0;
	unsigned int i;

	(void)tokenPresent;
	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pulCount)
		return CKR_ARGUMENTS_BAD;
	for (i = 0; i < SKS_MAX_SLOTS; i++)
		if (is_token_type(slot_type(i)))
			ids[n++] = i;
	if (!pSlotList) {
		*pulCount = n;
		return CKR_OK;
	}
	if (*pulCount < n) {
		*pulCount = n;
		return CKR_BUFFER_TOO_SMALL;
	}
	memcpy(pSlotList, ids, n * sizeof(*ids));
	*pulCount = n;
	return CKR_OK;
}

/* "7.7.1" -> {7, 7}. */
static CK_VERSION fw_version(unsigned int slot)
{
	char path[96], buf[SKS_FW_VERSION_LEN + 2] = "";
	unsigned int major = 0, minor = 0;
	CK_VERSION v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/sks/sks%u/firmware_version",
		 slot);
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			sscanf(buf, "%u.%u", &major, &minor);
		fclose(f);
	}
	v.major = major;
	v.minor = minor;
	return v;
}

/**
 * C_GetSlotInfo() - describe a slot (section 5.5).
 * @slotID: a slot of C_GetSlotList().
 * @pInfo: out.
 *
 * Return: CKR_OK, CKR_SLOT_ID_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
	struct p11_token *tok;
	char desc[80];
	CK_RV rv;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pInfo)
		return CKR_ARGUMENTS_BAD;
	rv = p11_token_get(slotID, &tok);
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	snprintf(desc, sizeof(desc), "sks slot %u: %s", tok->slot,
		 tok->type == SKS_SLOT_V1 ? "SKS partition (V1)" :
					    "partition (V0)");
	p11_pad(pInfo->slotDescription, sizeof(pInfo->slotDescription), desc);
	p11_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
		P11_MANUFACTURER);
	pInfo->flags = CKF_TOKEN_PRESENT;
	pInfo->hardwareVersion = fw_version(tok->slot);
	pInfo->firmwareVersion = pInfo->hardwareVersion;
	return CKR_OK;
}

/**
 * C_GetTokenInfo() - describe a token (section 5.5): label, serial, the
 * driver's state as flags (initialised, user PIN set, locked, failure
 * counts), sessions of this application, storage.
 * @slotID: a slot of C_GetSlotList().
 * @pInfo: out.
 *
 * Return: CKR_OK, CKR_SLOT_ID_INVALID, CKR_TOKEN_NOT_PRESENT,
 * CKR_DEVICE_ERROR, CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
	struct sks_session_info info;
	struct p11_token *tok;
	char label[SKS_LABEL_LEN + 1], serial[24];
	CK_FLAGS f;
	CK_RV rv;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pInfo)
		return CKR_ARGUMENTS_BAD;
	rv = p11_token_get(slotID, &tok);
	if (rv != CKR_OK)
		return rv;
	rv = token_state(tok, &info);
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	memcpy(label, info.label, SKS_LABEL_LEN);
	label[SKS_LABEL_LEN] = 0;
	p11_pad(pInfo->label, sizeof(pInfo->label), label);
	p11_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
		P11_MANUFACTURER);
	p11_pad(pInfo->model, sizeof(pInfo->model),
		info.type == SKS_SLOT_V1 ? "SKS partition" : "partition");
	snprintf(serial, sizeof(serial), "%llu",
		 (unsigned long long)info.serial);
	p11_pad(pInfo->serialNumber, sizeof(pInfo->serialNumber),
		serial + (strlen(serial) > 16 ? strlen(serial) - 16 : 0));

	f = CKF_RNG | CKF_LOGIN_REQUIRED;
	if (info.state & SKS_STATE_INITIALIZED)
		f |= CKF_TOKEN_INITIALIZED;
	if (info.state & SKS_STATE_CO_SET)
		f |= CKF_USER_PIN_INITIALIZED;
	if (info.state & SKS_STATE_CO_LOCKED)
		f |= CKF_USER_PIN_LOCKED;
	else if (info.co_failures == SKS_MAX_LOGIN_FAILURES - 1)
		f |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
	else if (info.co_failures)
		f |= CKF_USER_PIN_COUNT_LOW;
	/* ten wrong SO PINs zeroize the partition (section 5.6 has no
	 * "zeroized" flag: it is an uninitialised token again) */
	if (info.so_failures == SKS_MAX_SO_FAILURES - 1)
		f |= CKF_SO_PIN_FINAL_TRY | CKF_SO_PIN_COUNT_LOW;
	else if (info.so_failures)
		f |= CKF_SO_PIN_COUNT_LOW;
	pInfo->flags = f;

	pInfo->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	pInfo->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	p11_lock(&tok->lock);
	pInfo->ulSessionCount = tok->sessions;
	pInfo->ulRwSessionCount = tok->rw_sessions;
	p11_unlock(&tok->lock);
	pInfo->ulMaxPinLen = SKS_PIN_MAX;
	pInfo->ulMinPinLen = SKS_PIN_MIN;
	pInfo->ulTotalPublicMemory = info.capacity;
	pInfo->ulFreePublicMemory = info.capacity > info.used ?
				    info.capacity - info.used : 0;
	pInfo->ulTotalPrivateMemory = pInfo->ulTotalPublicMemory;
	pInfo->ulFreePrivateMemory = pInfo->ulFreePublicMemory;
	pInfo->hardwareVersion = fw_version(tok->slot);
	pInfo->firmwareVersion = pInfo->hardwareVersion;
	memset(pInfo->utcTime, ' ', sizeof(pInfo->utcTime));	/* no clock */
	return CKR_OK;
}

/* ---- mechanisms ---- */

#define EC_FLAGS (CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS)

/*
 * Key sizes: bytes for AES (current mechanisms v2.40 section 2.9), bits
 * for generic secrets and HMAC (section 2.18 and 2.20..), bits for EC
 * (section 2.3).
 */
static const struct {
	CK_MECHANISM_TYPE type;
	CK_MECHANISM_INFO info;
} mechs[] = {
	{ CKM_AES_KEY_GEN, { 16, 32, CKF_GENERATE } },
	{ CKM_GENERIC_SECRET_KEY_GEN,
	  { 8 * SKS_GENERIC_SECRET_MIN, 8 * SKS_GENERIC_SECRET_MAX,
	    CKF_GENERATE } },
	{ CKM_AES_GCM, { 16, 32, CKF_ENCRYPT | CKF_DECRYPT } },
	{ CKM_SHA256_HMAC, { 8, 8 * SKS_GENERIC_SECRET_MAX,
			     CKF_SIGN | CKF_VERIFY } },
	{ CKM_SHA256_HMAC_GENERAL, { 8, 8 * SKS_GENERIC_SECRET_MAX,
				     CKF_SIGN | CKF_VERIFY } },
	{ CKM_SHA384_HMAC, { 8, 8 * SKS_GENERIC_SECRET_MAX,
			     CKF_SIGN | CKF_VERIFY } },
	{ CKM_SHA384_HMAC_GENERAL, { 8, 8 * SKS_GENERIC_SECRET_MAX,
				     CKF_SIGN | CKF_VERIFY } },
	{ CKM_SHA512_HMAC, { 8, 8 * SKS_GENERIC_SECRET_MAX,
			     CKF_SIGN | CKF_VERIFY } },
	{ CKM_SHA512_HMAC_GENERAL, { 8, 8 * SKS_GENERIC_SECRET_MAX,
				     CKF_SIGN | CKF_VERIFY } },
	{ CKM_SHA256, { 0, 0, CKF_DIGEST } },
	{ CKM_SHA384, { 0, 0, CKF_DIGEST } },
	{ CKM_SHA512, { 0, 0, CKF_DIGEST } },
	{ CKM_EC_KEY_PAIR_GEN, { 256, 384, CKF_GENERATE_KEY_PAIR | EC_FLAGS } },
	{ CKM_ECDSA, { 256, 384, CKF_SIGN | CKF_VERIFY | EC_FLAGS } },
	{ CKM_ECDSA_SHA256, { 256, 384, CKF_SIGN | CKF_VERIFY | EC_FLAGS } },
	{ CKM_ECDSA_SHA384, { 256, 384, CKF_SIGN | CKF_VERIFY | EC_FLAGS } },
	{ CKM_ECDH1_DERIVE, { 256, 384, CKF_DERIVE | EC_FLAGS } },
};

/**
 * C_GetMechanismList() - the mechanisms of a token (section 5.5); the same
 * for V0 and V1 partitions.
 * @slotID: the slot.
 * @pMechanismList: out, or NULL to query the count.
 * @pulCount: in: room; out: the count.
 *
 * Return: CKR_OK, CKR_BUFFER_TOO_SMALL (with the count),
 * CKR_SLOT_ID_INVALID, CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetMechanismList(CK_SLOT_ID slotID,
				 CK_MECHANISM_TYPE_PTR pMechanismList,
				 CK_ULONG_PTR pulCount)
{
	const CK_ULONG n = sizeof(mechs) / sizeof(mechs[0]);
	struct p11_token *tok;
	CK_ULONG i;
	CK_RV rv;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pulCount)
		return CKR_ARGUMENTS_BAD;
	rv = p11_token_get(slotID, &tok);
	if (rv != CKR_OK)
		return rv;
	if (!pMechanismList) {
		*pulCount = n;
		return CKR_OK;
	}
	if (*pulCount < n) {
		*pulCount = n;
		return CKR_BUFFER_TOO_SMALL;
	}
	for (i = 0; i < n; i++)
		pMechanismList[i] = mechs[i].type;
	*pulCount = n;
	return CKR_OK;
}

/**
 * C_GetMechanismInfo() - key sizes and flags of a mechanism (section 5.5).
 * @slotID: the slot.
 * @type: the mechanism.
 * @pInfo: out.
 *
 * Return: CKR_OK, CKR_MECHANISM_INVALID, CKR_SLOT_ID_INVALID,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type,
				 CK_MECHANISM_INFO_PTR pInfo)
{
	struct p11_token *tok;
	size_t i;
	CK_RV rv;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pInfo)
		return CKR_ARGUMENTS_BAD;
	rv = p11_token_get(slotID, &tok);
	if (rv != CKR_OK)
		return rv;
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		if (mechs[i].type == type) {
			*pInfo = mechs[i].info;
			return CKR_OK;
		}
	}
	return CKR_MECHANISM_INVALID;
}

/* ---- C_InitToken, C_InitPIN, C_SetPIN ---- */

/* The cloning domain C_InitToken gives a partition (docs/man). */
static const char *init_domain(void)
{
	const char *d = getenv("SKS_PKCS11_DOMAIN");

	return d && *d && strlen(d) <= SKS_DOMAIN_MAX ? d : "sks";
}

/**
 * C_InitToken() - initialise or re-initialise a partition (section 5.5):
 * SKS_IOC_PARTITION_INIT, which needs CAP_SYS_ADMIN. A V1 partition gets
 * a new SMK. Re-initialising needs the current SO PIN and wipes every
 * object, the SMKs and the user PINs. The cloning domain is
 * $SKS_PKCS11_DOMAIN, or "sks".
 * @slotID: the slot.
 * @pPin: the SO PIN (SKS_PIN_MIN..SKS_PIN_MAX bytes).
 * @ulPinLen: its length.
 * @pLabel: 32 bytes, blank padded.
 *
 * Return: CKR_OK, CKR_SESSION_EXISTS (this application has a session on
 * the token), CKR_PIN_INCORRECT, CKR_PIN_LEN_RANGE, CKR_PIN_LOCKED, the
 * driver's other codes (CKR_USER_NOT_LOGGED_IN without CAP_SYS_ADMIN),
 * CKR_SLOT_ID_INVALID, CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin,
			  CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel)
{
	struct sks_partition_init pi;
	struct p11_token *tok;
	const char *domain;
	char path[32];
	size_t n;
	int fd;
	CK_RV rv;

	if (!p11_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (!pPin || !pLabel)
		return CKR_ARGUMENTS_BAD;
	rv = p11_token_get(slotID, &tok);
	if (rv != CKR_OK)
		return rv;
	p11_lock(&tok->lock);
	if (tok->sessions) {
		p11_unlock(&tok->lock);
		return CKR_SESSION_EXISTS;
	}
	p11_unlock(&tok->lock);
	if (ulPinLen > UINT32_MAX)
		return CKR_PIN_LEN_RANGE;

	memset(&pi, 0, sizeof(pi));
	for (n = 32; n && pLabel[n - 1] == ' '; n--)
		;
	memcpy(pi.label, pLabel, n);
	domain = init_domain();
	pi.so_pin = (uintptr_t)pPin;
	pi.so_pin_len = ulPinLen;
	pi.domain = (uintptr_t)domain;
	pi.domain_len = strlen(domain);
	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, tok->slot);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return CKR_TOKEN_NOT_PRESENT;
	rv = p11_ioctl(fd, SKS_IOC_PARTITION_INIT, &pi);
	close(fd);
	/* every object is gone: forget what the module knew of them */
	if (rv == CKR_OK) {
		size_t j;

		p11_lock(&tok->lock);
		for (j = 0; j < tok->objs.cap; j++)
			if (p11_map_live(&tok->objs, j))
				p11_obj_free(tok->objs.vals[j]);
		p11_map_free(&tok->objs);
		p11_unlock(&tok->lock);
	}
	return rv;
}

/**
 * C_InitPIN() - the SO sets the normal user's (the Crypto Officer's) PIN,
 * which also clears its lockout (section 5.6; SKS_IOC_INIT_ROLE).
 * @hSession: a R/W session, the SO logged in.
 * @pPin: the new PIN.
 * @ulPinLen: its length.
 *
 * Return: CKR_OK, CKR_SESSION_READ_ONLY, CKR_USER_NOT_LOGGED_IN,
 * CKR_PIN_LEN_RANGE, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin,
			CK_ULONG ulPinLen)
{
	struct sks_init_role ir;
	struct p11_session *s;
	bool so;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	p11_lock(&s->tok->lock);
	so = s->tok->logged_in && s->tok->role == CKU_SO;
	p11_unlock(&s->tok->lock);
	if (!pPin)
		rv = CKR_ARGUMENTS_BAD;
	else if (!p11_session_rw(s))
		rv = CKR_SESSION_READ_ONLY;
	else if (!so)
		rv = CKR_USER_NOT_LOGGED_IN;
	else if (ulPinLen > SKS_PIN_MAX || ulPinLen < SKS_PIN_MIN)
		rv = CKR_PIN_LEN_RANGE;
	if (rv == CKR_OK) {
		memset(&ir, 0, sizeof(ir));
		ir.role = SKS_ROLE_CO;
		ir.pin = (uintptr_t)pPin;
		ir.pin_len = ulPinLen;
		rv = p11_ioctl(s->drv->fd, SKS_IOC_INIT_ROLE, &ir);
	}
	p11_session_put(s);
	return rv;
}

static CK_RV change_pin(int fd, uint32_t role, CK_UTF8CHAR_PTR old,
			CK_ULONG old_len, CK_UTF8CHAR_PTR new, CK_ULONG new_len)
{
	struct sks_change_pin cp;

	memset(&cp, 0, sizeof(cp));
	cp.role = role;
	cp.old_pin = (uintptr_t)old;
	cp.old_len = old_len;
	cp.new_pin = (uintptr_t)new;
	cp.new_len = new_len;
	return p11_ioctl(fd, SKS_IOC_CHANGE_PIN, &cp);
}

/**
 * C_SetPIN() - change the PIN of the user logged in, or, in a session not
 * logged in, the normal user's (section 5.6). Not logged in, the module
 * logs the Crypto Officer in on a file of its own with @pOldPin (a wrong
 * one counts, as any login) and changes the PIN there.
 * @hSession: a R/W session.
 * @pOldPin: the current PIN.
 * @ulOldLen: its length.
 * @pNewPin: the new PIN.
 * @ulNewLen: its length.
 *
 * Return: CKR_OK, CKR_SESSION_READ_ONLY, CKR_PIN_INCORRECT,
 * CKR_PIN_LEN_RANGE, CKR_PIN_LOCKED, CKR_SESSION_HANDLE_INVALID,
 * CKR_ARGUMENTS_BAD, CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin,
		       CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNewPin,
		       CK_ULONG ulNewLen)
{
	struct p11_session *s;
	bool in;
	CK_USER_TYPE role;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!pOldPin || !pNewPin) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (!p11_session_rw(s)) {
		rv = CKR_SESSION_READ_ONLY;
		goto out;
	}
	if (ulOldLen > UINT32_MAX || ulNewLen > UINT32_MAX) {
		rv = CKR_PIN_LEN_RANGE;
		goto out;
	}
	p11_lock(&s->tok->lock);
	in = s->tok->logged_in;
	role = s->tok->role;
	p11_unlock(&s->tok->lock);
	if (in) {
		rv = change_pin(s->drv->fd, (uint32_t)role, pOldPin, ulOldLen,
				pNewPin, ulNewLen);
	} else {
		struct sks_login li;
		char path[32];
		int fd;

		snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, s->tok->slot);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			rv = CKR_DEVICE_ERROR;
			goto out;
		}
		memset(&li, 0, sizeof(li));
		li.role = SKS_ROLE_CO;
		li.pin = (uintptr_t)pOldPin;
		li.pin_len = ulOldLen;
		rv = p11_ioctl(fd, SKS_IOC_LOGIN, &li);
		if (rv == CKR_OK)
			rv = change_pin(fd, SKS_ROLE_CO, pOldPin, ulOldLen,
					pNewPin, ulNewLen);
		close(fd);
	}
out:
	p11_session_put(s);
	return rv;
}

/* ---- C_Login, C_Logout (section 5.6) ---- */

/**
 * C_Login() - log the application in to a token: every session of it on
 * the token shares the login (they share the driver's file).
 * @hSession: any session of the application on the token.
 * @userType: CKU_SO (partition SO), CKU_USER (Crypto Officer) or Luna's
 *	CKU_CRYPTO_USER (0x80000001, Crypto User).
 * @pPin: the PIN.
 * @ulPinLen: its length.
 *
 * A wrong PIN counts towards the role's limit (<linux/sks.h>, "Bad-attempt
 * limits"): CKR_PIN_INCORRECT, then CKR_PIN_LOCKED for a locked Crypto
 * Officer or Crypto User; ten wrong SO PINs zeroize the partition.
 *
 * Return: CKR_OK, CKR_PIN_INCORRECT, CKR_PIN_LOCKED, CKR_PIN_LEN_RANGE,
 * CKR_USER_ALREADY_LOGGED_IN, CKR_USER_ANOTHER_ALREADY_LOGGED_IN,
 * CKR_SESSION_READ_ONLY_EXISTS (SO with a R/O session open),
 * CKR_USER_PIN_NOT_INITIALIZED, CKR_USER_TYPE_INVALID,
 * CKR_OPERATION_NOT_INITIALIZED (CKU_CONTEXT_SPECIFIC: no key needs it),
 * CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
		      CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
	struct p11_session *s;
	struct p11_token *tok;
	struct sks_login li;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	tok = s->tok;
	if (userType == CKU_CONTEXT_SPECIFIC) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	if (userType != CKU_SO && userType != CKU_USER &&
	    userType != CKU_CRYPTO_USER) {
		rv = CKR_USER_TYPE_INVALID;
		goto out;
	}
	if (!pPin) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	p11_lock(&tok->lock);
	if (tok->logged_in) {
		rv = tok->role == userType ? CKR_USER_ALREADY_LOGGED_IN :
		     CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
	} else if (userType == CKU_SO && tok->rw_sessions < tok->sessions) {
		rv = CKR_SESSION_READ_ONLY_EXISTS;
	} else if (ulPinLen > SKS_PIN_MAX || ulPinLen < SKS_PIN_MIN) {
		rv = CKR_PIN_LEN_RANGE;
	} else {
		memset(&li, 0, sizeof(li));
		li.role = (uint32_t)userType;
		li.pin = (uintptr_t)pPin;
		li.pin_len = ulPinLen;
		rv = p11_ioctl(s->drv->fd, SKS_IOC_LOGIN, &li);
		if (rv == CKR_OK) {
			tok->logged_in = true;
			tok->role = userType;
			p11_objs_uncache(tok);
		}
	}
	p11_unlock(&tok->lock);
out:
	p11_session_put(s);
	return rv;
}

/**
 * C_Logout() - log the application out of a token (section 5.6); the
 * private session objects of its sessions are destroyed.
 * @hSession: any session of the application on the token.
 *
 * Return: CKR_OK, CKR_USER_NOT_LOGGED_IN, CKR_SESSION_HANDLE_INVALID,
 * CKR_CRYPTOKI_NOT_INITIALIZED.
 */
P11_API CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
	struct sks_simple so;
	struct p11_session *s;
	CK_RV rv;

	rv = p11_session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	p11_lock(&s->tok->lock);
	if (!s->tok->logged_in) {
		p11_unlock(&s->tok->lock);
		rv = CKR_USER_NOT_LOGGED_IN;
		goto out;
	}
	p11_unlock(&s->tok->lock);
	/* (destroyed while the login still lets the driver see them) */
	p11_objs_destroy_owned(s, 0, true);
	memset(&so, 0, sizeof(so));
	p11_lock(&s->tok->lock);
	rv = p11_ioctl(s->drv->fd, SKS_IOC_LOGOUT, &so);
	if (rv == CKR_OK || rv == CKR_USER_NOT_LOGGED_IN) {
		s->tok->logged_in = false;
		p11_objs_uncache(s->tok);
		rv = CKR_OK;
	}
	p11_unlock(&s->tok->lock);
out:
	p11_session_put(s);
	return rv;
}
