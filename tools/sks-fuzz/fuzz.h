/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks-fuzz - what its files share: random numbers, the command table's
 * types, the state shared by every process and thread, and the functions
 * one file offers the others.
 *
 *   main.c   options, the processes and threads, the report, the cleanup
 *   table.c  every ioctl and the kind of each field of its argument
 *   args.c   argument generation: buffers, pointers, fields, samples
 *   call.c   one call: an ioctl (or read, write, mmap) and what it taught
 *   setup.c  the provisioned slots, their churn, descriptors reopened
 */
#ifndef SKS_FUZZ_H
#define SKS_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/sks.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Secrets the setup uses; the fuzzer passes them (or garbage) at random. */
#define SO_PIN		"fuzz-so-pin"
#define CO_PIN		"fuzz-co-pin"
#define CU_PIN		"fuzz-cu-pin"
#define HSM_SO		"fuzz-hsm-so"
#define USER_SECRET	"fuzz-user-secret"
#define DOMAIN		"fuzz-domain"

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
	uint64_t cmd_calls[64], cmd_ok[64];
	uint64_t extra_calls[X_EXTRA];
	uint64_t opens, open_fail, closes, rw_calls;
	uint64_t open_err[ERRNO_MAX];
	uint64_t slots_created, slots_deleted, reprovisioned, healed;
	uint64_t blobs_learned, images_learned, handles_learned;
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

/* Blobs and images seen, for SKS_IOC_INSERT and SKS_CTL_IMAGE_LOAD. */
struct sample {
	pthread_mutex_t lock;
	uint32_t len;
	uint8_t buf[SKS_MAX_BLOB_SIZE];
};

#define NR_SAMPLES	4
extern struct sample blobs[NR_SAMPLES], images[2];

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
};

struct field {
	int16_t off;
	int16_t size;
	uint8_t kind;
	int16_t len;	/* pointer kinds: offset of the paired length, or -1 */
	int16_t unit;	/* K_P_ENTRIES: offset of the entry size field */
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
};

/*
 * Handles that worked, per descriptor of the process (session objects are
 * only visible to their session) and a shared set (token objects, setup).
 */
#define NR_FDS		12

#define FD_HANDLES	8
extern uint32_t fd_handles[NR_FDS][FD_HANDLES];

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
void sample_put(struct sample *s, const void *p, uint32_t len);
void learn_handle(struct worker *w, uint32_t h);
void fill_field(struct worker *w, const struct cmd *c,
		const struct field *f, uint8_t *arg);

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
void churn(struct worker *w);
void heal(struct worker *w);
void replace_live(uint32_t slot);
void reopen(struct worker *w);
void make_samples(void);
int64_t slot_map(int ctl);

#endif /* SKS_FUZZ_H */
