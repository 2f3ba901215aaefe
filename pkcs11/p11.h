/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sks-pkcs11 - internal definitions of the PKCS#11 module (libsks-pkcs11.so).
 *
 * Model (docs/man/sks-pkcs11.7 has the whole story):
 *   - one PKCS#11 slot per V0 or V1 partition, its slot ID the partition's
 *     slot number N of /dev/sksN; Backup HSMs are no slots;
 *   - one driver session (one open /dev/sksN) per token, shared by every
 *     PKCS#11 session the application has on it: the login belongs to the
 *     application (PKCS#11 v2.40 section 5.6: "the login state is shared
 *     by all the sessions of an application on a token"), it costs one
 *     PBKDF2 per login and not one per session, and the driver's ioctls may
 *     run concurrently on one file. The driver destroys a file's session
 *     objects when the file closes: the module itself destroys the objects
 *     of one PKCS#11 session at C_CloseSession (and private session objects
 *     at C_Logout), and closes the file with the last session;
 *   - object handles are the driver's object handles (stable, the same in
 *     every session); session handles are the module's, counted up from 1
 *     and never reused while the module is initialised.
 *
 * Error convention: every internal function that can fail returns a CK_RV
 * (CKR_OK on success); the codes are the driver's wherever the driver
 * answered.
 *
 * Locking: p11.lock (the global lock: the session table, the token table)
 * may be taken before a token's lock, never after; a session's op lock is
 * taken without holding either. Ioctls run under no module lock except a
 * session's op lock.
 */
#ifndef SKS_PKCS11_P11_H
#define SKS_PKCS11_P11_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sks.h>

#include "luna.h"

#define P11_API __attribute__((visibility("default")))

#define P11_MANUFACTURER	"sks"
#define P11_LIB_DESCRIPTION	"sks Scalable Key Storage PKCS#11"
#define P11_LIB_MAJOR		0
#define P11_LIB_MINOR		1

/* ---- locks: the application's (C_Initialize) or pthread mutexes ---- */

struct p11_mutex {
	void *m;
};

CK_RV p11_mutex_new(struct p11_mutex *mx);
void p11_mutex_free(struct p11_mutex *mx);
void p11_lock(struct p11_mutex *mx);
void p11_unlock(struct p11_mutex *mx);

/* ---- a small hash map: 64-bit key (never 0) -> pointer ---- */

struct p11_map {
	uint64_t *keys;
	void **vals;
	size_t cap;		/* power of two, or 0 */
	size_t n;		/* entries */
	size_t used;		/* entries (no tombstones: see p11_map_del) */
};

#define P11_MAP_EMPTY	0ULL

void *p11_map_get(const struct p11_map *m, uint64_t key);
/* Returns CKR_OK or CKR_HOST_MEMORY; replaces an existing entry. */
CK_RV p11_map_put(struct p11_map *m, uint64_t key, void *val);
/*
 * Returns the removed value or NULL. Removal moves other entries: a loop
 * over the slots that removes must look at the same slot again.
 */
void *p11_map_del(struct p11_map *m, uint64_t key);
void p11_map_free(struct p11_map *m);
/* Whether slot i holds an entry. */
static inline bool p11_map_live(const struct p11_map *m, size_t i)
{
	return m->keys[i] != P11_MAP_EMPTY;
}

/* ---- tokens ---- */

/* The driver session a token's PKCS#11 sessions share. */
struct p11_drv {
	struct sks_session *ss;
	int fd;
	unsigned int refs;	/* under the token's lock */
};

/* What the module knows of an object besides what the driver keeps. */
struct p11_obj {
	uint32_t handle;		/* the driver's */
	CK_SESSION_HANDLE owner;	/* session object: its session; else 0 */
	bool have_attrs;		/* @attrs valid (a cache) */
	bool local;			/* made by this module's keygen */
	CK_MECHANISM_TYPE keygen;	/* CKA_KEY_GEN_MECHANISM if @local */
	struct sks_obj_attrs attrs;
	CK_ATTRIBUTE *extra;		/* attributes the driver has no room */
	CK_ULONG nextra;		/*  for (CKA_SUBJECT, dates, ...) */
};

struct p11_token {
	unsigned int slot;		/* N of /dev/sksN, the slot ID */
	unsigned int type;		/* SKS_SLOT_V0 or SKS_SLOT_V1 */
	struct p11_mutex lock;		/* everything below */
	struct p11_drv *drv;		/* NULL while no session is open */
	unsigned int sessions, rw_sessions;
	bool logged_in;
	CK_USER_TYPE role;
	struct p11_map objs;		/* driver handle -> struct p11_obj */
	unsigned long gen;		/* atomic: grows when a cached
					 * attribute set may have gone stale */
};

/* ---- sessions and their operations ---- */

enum p11_op_kind {
	OP_FIND = 1 << 0,
	OP_ENCRYPT = 1 << 1,
	OP_DECRYPT = 1 << 2,
	OP_DIGEST = 1 << 3,
	OP_SIGN = 1 << 4,
	OP_VERIFY = 1 << 5,
};

struct kcapi_handle;

struct p11_op {
	CK_MECHANISM_TYPE mech;
	uint32_t key;			/* driver handle */
	uint32_t sks_mech;		/* the driver's mechanism */
	uint8_t *buf;			/* data of a multi-part operation */
	size_t len, cap;
	uint8_t *aad;			/* AES-GCM */
	size_t aad_len;
	uint8_t iv[SKS_GCM_IV_LEN];	/* decrypt: the IV */
	CK_BYTE_PTR iv_out;		/* encrypt: where the device's IV goes */
	size_t out_len;			/* MAC or signature length */
	size_t full_len;		/* HMAC: the mechanism's full length */
	struct kcapi_handle *md;	/* digest (and hashed ECDSA) in AF_ALG */
	bool multi;			/* an Update was called */
};

struct p11_session {
	CK_SESSION_HANDLE handle;
	struct p11_token *tok;
	struct p11_drv *drv;		/* a reference on the token's */
	CK_FLAGS flags;			/* CKF_SERIAL_SESSION [| CKF_RW_SESSION] */
	struct p11_mutex lock;		/* the operation state below */
	unsigned int refs;		/* atomic; taken under p11.lock */
	bool closed;
	unsigned int active;		/* enum p11_op_kind bits */
	CK_OBJECT_HANDLE *found;	/* C_FindObjects results */
	size_t nfound, pos;
	struct p11_op enc, dec, dig, sign, ver;
	/* the last key an Init call looked at (p11_key_attrs) */
	uint32_t kc_handle;
	unsigned long kc_gen;
	struct sks_obj_attrs kc_attrs;
};

/* ---- the module ---- */

struct p11_state {
	bool init;
	struct p11_mutex lock;
	CK_ULONG next_session;
	struct p11_map sessions;	/* handle -> struct p11_session */
	struct p11_token *tokens[SKS_MAX_SLOTS];
};

extern struct p11_state p11;

/* module.c */
bool p11_initialized(void);
/* fds of the driver sessions, closed in a forked child (module.c). */
void p11_fd_track(unsigned int slot, int fd);

/* slot.c */
CK_RV p11_token_get(CK_SLOT_ID slot, struct p11_token **tok);
void p11_tokens_free(void);
CK_RV p11_drv_get(struct p11_token *tok, struct p11_drv **drv);
void p11_drv_put(struct p11_token *tok, struct p11_drv *drv);

/* session.c */
CK_RV p11_session_get(CK_SESSION_HANDLE h, struct p11_session **s);
void p11_session_put(struct p11_session *s);
void p11_sessions_free(void);
CK_RV p11_op_begin(struct p11_session *s, unsigned int kind);
void p11_op_end(struct p11_session *s, unsigned int kind);
void p11_op_reset(struct p11_op *op);
bool p11_session_rw(const struct p11_session *s);

/* object.c */
CK_RV p11_obj_attrs(struct p11_session *s, uint32_t handle,
		    struct sks_obj_attrs *a);
CK_RV p11_obj_record(struct p11_token *tok, uint32_t handle,
		     CK_SESSION_HANDLE owner, const struct sks_obj_attrs *a,
		     struct p11_obj **out);
CK_RV p11_obj_record_owned(struct p11_token *tok,
			   const CK_OBJECT_HANDLE *handles, CK_ULONG n,
			   CK_SESSION_HANDLE owner);
void p11_obj_forget(struct p11_token *tok, uint32_t handle);
void p11_obj_free(struct p11_obj *o);
void p11_objs_destroy_owned(struct p11_session *s, CK_SESSION_HANDLE owner,
			    bool private_only);
void p11_objs_uncache(struct p11_token *tok);
CK_RV p11_check_handle(CK_OBJECT_HANDLE h);
CK_RV p11_key_attrs(struct p11_session *s, uint32_t handle,
		    struct sks_obj_attrs *a);
void p11_objs_changed(struct p11_token *tok);

/* util.c */
CK_RV p11_ioctl(int fd, unsigned long cmd, void *arg);
CK_RV p11_rv_from_errno(int err);
void p11_pad(CK_UTF8CHAR *dst, size_t len, const char *src);
CK_RV p11_buf_append(uint8_t **buf, size_t *len, size_t *cap,
		     const void *data, size_t n, size_t max);
void p11_wipe(void *p, size_t len);
/* EC curves: the DER OID of CKA_EC_PARAMS. */
int p11_curve_from_params(const void *der, size_t len);
const uint8_t *p11_curve_params(int curve, size_t *len);
int p11_curve_of_attrs(const struct sks_obj_attrs *a);
size_t p11_curve_bytes(int curve);

/* crypto.c, for sign.c too */
CK_RV p11_check_key(struct p11_session *s, CK_OBJECT_HANDLE h,
		    CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, uint32_t flag,
		    struct sks_obj_attrs *a);
CK_RV p11_out_room(void *out, CK_ULONG_PTR out_len, size_t need,
		   bool *done);
CK_RV p11_md_open(struct p11_op *op, const char *name);
CK_RV p11_md_update(struct p11_op *op, const void *data, size_t len);
CK_RV p11_md_final(struct p11_op *op, uint8_t *out, size_t len);

#endif /* SKS_PKCS11_P11_H */
