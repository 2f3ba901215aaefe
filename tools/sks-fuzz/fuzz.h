/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks-fuzz - what its files share: random numbers, the command table's
 * types, the state shared by every process and thread, and the functions
 * one file offers the others.
 *
 *   main.c   options, the processes and threads, the report, the cleanup
 *   table.c  every ioctl and the kind of each field of its argument
 *   args.c   argument generation: buffers, pointers, fields, samples
 *   arrays.c pointers to structs and to arrays of structs that hold
 *            pointers themselves (attributes, authorisation secrets,
 *            multi-sign, rewrap and batch items), EC points, state records
 *   call.c   one call: an ioctl (or read, write, mmap) and what it taught
 *   setup.c  the provisioned slots, their churn, descriptors reopened
 *   sha256.c the checksum of state records (a damaged record is resealed)
 */
#ifndef SKS_FUZZ_H
#define SKS_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/sks.h>
#include <linux/sks_format.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Secrets the setup uses; the fuzzer passes them (or garbage) at random. */
#define SO_PIN		"fuzz-so-pin"
#define CO_PIN		"fuzz-co-pin"
#define CU_PIN		"fuzz-cu-pin"
#define HSM_SO		"fuzz-hsm-so"
#define USER_SECRET	"fuzz-user-secret"
#define DOMAIN		"fuzz-domain"
#define KEYDESC		"sks:fuzz"	/* logon key of the auto-activation */

/* Authorisation secrets of M-of-N blobs: auth_secret(i), 0 <= i < 16. */
#define NR_AUTH		SKS_SIM_AUTH_MAX
extern const char *const auth_secrets[NR_AUTH];

/* ---- random numbers --------------------------------------------------- */

struct rng {
	uint64_t s;
};

static inline uint64_t rnd64(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rnd64(r) >> 32) % n) : 0;
}

static inline bool chance(struct rng *r, unsigned int percent)
{
	return rnd(r, 100) < percent;
}

static inline uint32_t rnd_u32(struct rng *r)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64,
		65, 88, 127, 128, 129, 255, 256, 1023, 1024, 1025, 4095, 4096,
		65535, 65536, 65537, 65552, 0x7fffffff, 0x80000000, 0x80000001,
		0xfffffff0, 0xfffffffe, 0xffffffff,
	};

	if (chance(r, 70))
		return v[rnd(r, ARRAY_SIZE(v))];
	if (chance(r, 50))
		return 1U << rnd(r, 32);
	return (uint32_t)rnd64(r);
}

static inline uint64_t rnd_u64(struct rng *r)
{
	if (chance(r, 60))
		return rnd_u32(r);
	if (chance(r, 30))
		return 1ULL << rnd(r, 64);
	if (chance(r, 30))
		return -(uint64_t)rnd(r, 256);
	return rnd64(r);
}

static inline uint32_t rnd_len(struct rng *r, uint32_t max)
{
	static const uint32_t v[] = { 0, 1, 3, 4, 16, 24, 32, 48, 64, 65 };

	if (chance(r, 40))
		return v[rnd(r, ARRAY_SIZE(v))];
	if (chance(r, 80))
		return rnd(r, 256);
	return rnd(r, max + 1);
}

/* ---- shared state ------------------------------------------------------ */

#define ERRNO_MAX	256

#define NR_LIVE		3	/* the provisioned V0, V1 and Backup slots */

#define MAX_CMDS	64	/* room in the per-command statistics */

enum {
	X_RANDOM_NR,	/* random nr in the 0xb5 type */
	X_RANDOM_TYPE,	/* another type altogether */
	X_BAD_SHAPE,	/* known nr, other size or direction */
	X_EXTRA
};

/* Counters shared by every process (MAP_SHARED), updated atomically. */
struct stats {
	uint64_t calls, ok;
	uint64_t err[ERRNO_MAX];
	uint64_t cmd_calls[MAX_CMDS], cmd_ok[MAX_CMDS];
	uint64_t extra_calls[X_EXTRA];
	uint64_t opens, open_fail, closes, rw_calls;
	uint64_t open_err[ERRNO_MAX];
	uint64_t slots_created, slots_deleted, reprovisioned, healed;
	uint64_t blobs_learned, images_learned, handles_learned;
	uint64_t auth_blobs_learned, rewrapped_learned, points_learned;
	uint64_t records_learned, sigs_learned;
	uint64_t result_mismatch;
	uint32_t live[NR_LIVE];		/* slot numbers of V0, V1, Backup */
	uint32_t created;		/* other slots made by the workers */
	uint32_t mismatch_cmd, mismatch_ret, mismatch_errno, mismatch_result;
	uint32_t handles[64];
};

extern struct stats *st;

#define INC(field)	__atomic_fetch_add(&(field), 1, __ATOMIC_RELAXED)

extern int verbose;
extern bool preexisting[SKS_MAX_SLOTS];

/* Kinds of the handles learned: what a valid call may use them for. */
enum hkind {
	HK_ANY,		/* not known */
	HK_AES,
	HK_HMAC,	/* generic secret */
	HK_DATA,
	HK_PRIV256,	/* EC private keys, P-256 and P-384 */
	HK_PRIV384,
	HK_PUB256,	/* EC public keys */
	HK_PUB384,
	HK_NR
};

static inline bool hk_priv(int k)
{
	return k == HK_PRIV256 || k == HK_PRIV384;
}

static inline bool hk_pub(int k)
{
	return k == HK_PUB256 || k == HK_PUB384;
}

/*
 * What a blob sample holds: its M of N authorisation secrets (indices into
 * auth_secrets; n 0: none; AUTH_UNKNOWN: secrets the fuzzer cannot tell)
 * and, for a blob of one object, the kind of its key.
 */
#define AUTH_UNKNOWN	0xff

struct smeta {
	uint8_t n, m;
	uint8_t idx[NR_AUTH];
	uint8_t kind;		/* enum hkind of the only object, else HK_ANY */
	uint8_t count;		/* objects */
};

/*
 * Blobs, images and state records seen, for SKS_IOC_INSERT,
 * SKS_IOC_MULTI_SIGN, SKS_IOC_REWRAP, SKS_CTL_IMAGE_LOAD and
 * SKS_CTL_STATE_LOAD.
 */
struct sample {
	pthread_mutex_t lock;
	uint32_t len;
	struct smeta meta;
	uint8_t buf[SKS_MAX_BLOB_SIZE];
};

/* The first NR_FIXED blobs are the setup's; learned ones go after them. */
#define NR_SAMPLES	10
#define NR_FIXED	5
#define NR_RECORDS	4
extern struct sample blobs[NR_SAMPLES], images[2], records[NR_RECORDS];

/* EC public keys (04 || X || Y) seen, per curve, for SKS_IOC_DERIVE_KEY. */
#define NR_POINTS	4
struct points {
	pthread_mutex_t lock;
	uint32_t n;
	uint8_t p[NR_POINTS][97];
};
extern struct points points[2];	/* P-256, P-384 */

static inline uint32_t point_len(int curve)	/* 0: P-256, 1: P-384 */
{
	return curve ? 97 : 65;
}

#define SKS_SIG_MAX_LEN	104	/* ECDSA P-384 in DER, the longest */

/* A signature made, with what verifies it, for SKS_IOC_VERIFY. */
struct sigsample {
	pthread_mutex_t lock;
	int fdidx;		/* descriptor the keys belong to, -1: none */
	uint32_t handle;	/* the key that verifies it */
	uint32_t mech, flags;
	uint32_t dlen, slen;
	uint8_t data[256];
	uint8_t sig[SKS_SIG_MAX_LEN];
};
extern struct sigsample sigs[2];

/* ---- command table (table.c) ------------------------------------------- */

enum kind {
	K_END,
	K_FLAGS,	/* u32: 0, the valid bits, or anything */
	K_RESULT,	/* u32 output: garbage in */
	K_OUT32,	/* u32 output field: 0 mostly */
	K_OUT64,
	K_RSVD,		/* u32 reserved: 0 mostly */
	K_U32,
	K_U64,
	K_SLOT,		/* u32 slot number */
	K_TYPE,		/* u32 slot type */
	K_HANDLE,	/* u32 object handle */
	K_ROLE,
	K_MECH,
	K_BYTES,	/* fixed array: zeros, text or junk */
	K_NAME,		/* archive name field */
	K_ATTRS,	/* struct sks_obj_attrs */
	K_CURVE,	/* u32 SKS_EC_* */
	K_KDF,		/* u32 SKS_CKD_* */
	K_AUTH_M,	/* u32 M of an extract (after its K_P_AUTH) */
	K_OPSIZE,	/* u32 size of one batch descriptor */
	/* u64 pointers; .len is the offset of their __u32 length (or -1) */
	K_P_SECRET,	/* one of the setup's secrets, or junk; sane: */
	K_P_PIN,	/*  the secret of the role at offset 8 */
	K_P_SO,		/*  the partition SO secret */
	K_P_HSM,	/*  the Backup HSM SO secret */
	K_P_USER,	/*  the archive user secret */
	K_P_DOMAIN,	/*  the cloning domain */
	K_P_DATA,	/* input bytes */
	K_P_BLOB,	/* a blob seen before, maybe damaged */
	K_P_IMAGE,	/* an image seen before, maybe damaged */
	K_P_HANDLES,	/* __u32 handles in; the length counts handles */
	K_P_OUT,	/* output buffer; the length is its room in bytes */
	K_P_HOUT,	/* output handles; the length counts handles */
	K_P_ENTRIES,	/* output entries; the length counts entries */
	/* arrays.c: .len as above (a count, or the size of one struct) */
	K_P_PUBATTRS,	/* struct sks_obj_attrs of an EC public key; .len: */
	K_P_PRIVATTRS,	/*  the struct size both share (attrs_size) */
	K_P_AUTH,	/* struct sks_auth_secret[]; .len: their count */
	K_P_MSITEMS,	/* struct sks_multi_sign_item[]; .len: count */
	K_P_RWITEMS,	/* struct sks_rewrap_item[]; .len: count */
	K_P_BATCH,	/* struct sks_batch_op[]; .len: count, .unit: op_size */
	K_P_POINT,	/* an EC public key seen before; .len: its length */
	K_P_RECORD,	/* a state record seen before, maybe damaged */
	K_P_KEYDESC,	/* a keyring key description */
};

struct field {
	int16_t off;
	int16_t size;
	uint8_t kind;
	int16_t len;	/* pointer kinds: offset of the paired length, or -1 */
	int16_t unit;	/* K_P_ENTRIES, K_P_BATCH: offset of the entry size */
};

struct cmd {
	const char *name;
	unsigned long nr;
	uint32_t size;
	uint32_t flags;		/* valid flag bits */
	uint8_t want;		/* the device it is meant for */
	struct field f[14];
};

enum { W_CTL, W_ANY, W_PART, W_V1, W_BACKUP };

extern const struct cmd cmds[];
extern const unsigned int nr_cmds;

/* ---- per-thread memory -------------------------------------------------- */

#define ARENA_SIZE	(1024 * 1024)

#define PAGE		4096

/*
 * The arena is followed by a PROT_NONE page: buffers are handed out from
 * its end down, so the first one of a call ends right at the guard page and
 * any read or write past its length faults.
 */
struct worker {
	struct rng rng;
	uint8_t *arena;		/* ARENA_SIZE bytes, then a guard page */
	uint8_t *top;		/* next buffer ends here */
	uint8_t *ro;		/* a read-only page */
	int id;
	bool sane;		/* this call's argument is meant to be valid */
	int fdtype;		/* slot type of the call's descriptor, or -1 */
	int fdidx;		/* its index in the process's table, or -1 */
	/* what this call's argument holds, for the fields after */
	uint8_t hkind;		/* kind of the last handle picked */
	uint8_t xkind;		/* extract: kind of its one handle */
	struct smeta blob;	/* the blob sample picked, if any */
	bool have_blob;
	uint8_t auth_idx[NR_AUTH];	/* secrets passed (auth_secrets) */
	uint32_t auth_n;
	bool auth_known;	/* every secret passed is one of them */
	struct smeta rw_meta[4];	/* rewrap: the inputs' samples */
	int curve;		/* pair: 0 P-256, 1 P-384 */
	uint8_t *argmem;	/* where the argument goes, if placed yet */
};

/*
 * Handles that worked, per descriptor of the process (session objects are
 * only visible to their session) and a shared set (token objects, setup).
 */
#define NR_FDS		12

#define FD_HANDLES	8
extern uint32_t fd_handles[NR_FDS][FD_HANDLES];
extern uint8_t fd_hkinds[NR_FDS][FD_HANDLES];
/* EC key pairs made on a descriptor: the public half verifies the other. */
#define FD_PAIRS	4
extern uint32_t fd_pairs[NR_FDS][FD_PAIRS][2];	/* public, private */

extern uint8_t *unmapped;	/* a PROT_NONE region */

/* ---- per-process state -------------------------------------------------- */

struct proc {
	int fds[NR_FDS];	/* [0] the control device, the rest slots */
	int types[NR_FDS];	/* slot type behind fds[i], or -1 */
};

extern struct proc proc;

static inline void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* ---- args.c ---- */

void *alloc_worker_mem(struct worker *w);
uint8_t *take(struct worker *w, size_t len);
uint64_t bad_pointer(struct worker *w, size_t len);
void fill_random(struct worker *w, uint8_t *p, size_t len);
void sample_put(struct sample *s, const void *p, uint32_t len,
		const struct smeta *meta);
uint32_t sample_copy(struct worker *w, struct sample *s, uint8_t *p,
		     uint32_t room, bool image, struct smeta *meta);
void learn_handle(struct worker *w, uint32_t h, int kind);
uint32_t pick_handle(struct worker *w);
uint32_t pick_handle_kind(struct worker *w, unsigned int mask);
int attrs_kind(const struct sks_obj_attrs *a);
void sane_attrs(struct worker *w, const struct cmd *c,
		struct sks_obj_attrs *a, uint32_t mech);
void random_attrs(struct worker *w, struct sks_obj_attrs *a);
void fill_field(struct worker *w, const struct cmd *c,
		const struct field *f, uint8_t *arg);
uint64_t hostile(struct worker *w, uint8_t *buf, size_t len,
		 const uint8_t *arg);
uint32_t hostile_count(struct worker *w, uint32_t n, uint32_t max);

/* ---- arrays.c ---- */

void fill_struct_pointer(struct worker *w, const struct cmd *c,
			 const struct field *f, uint8_t *arg);
void sane_fixup(struct worker *w, const struct cmd *c, uint8_t *arg);
void point_put(const uint8_t *p, uint32_t len);
void sig_put(int fdidx, uint32_t handle, uint32_t mech, uint32_t flags,
	     const uint8_t *data, uint32_t dlen, const uint8_t *sig,
	     uint32_t slen);

/* ---- sha256.c ---- */

void sha256(const uint8_t *p, size_t len, uint8_t out[32]);

/* ---- call.c ---- */

uint32_t pick_created(struct worker *w);
void forget_slot(uint32_t slot);
void do_ioctl(struct worker *w);
void do_rw(struct worker *w);

/* ---- setup.c ---- */

extern const uint32_t live_types[NR_LIVE];

int xioctl(int fd, unsigned long nr, void *arg);
int open_slot(uint32_t slot);
int login_role(int fd, uint32_t role, const char *pin);
int provision(int ctl, uint32_t type);
void make_v1_samples(uint32_t slot);
void restore_roles(int fd);
void relogin(struct worker *w);
void ensure_key(struct worker *w, int fd, unsigned int mask);
void churn(struct worker *w);
void heal(struct worker *w);
void replace_live(uint32_t slot);
void reopen(struct worker *w);
void make_samples(int ctl);
int32_t add_keydesc_key(void);
void drop_keydesc_key(int32_t key);
int64_t slot_map(int ctl);

#endif /* SKS_FUZZ_H */
