// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - random ioctls against the sks driver, for a bounded time.
 *
 * Sets up a V0 partition, a V1 (SKS) partition and a Backup HSM (roles
 * initialised, a few blobs extracted and a Backup HSM image saved, so that
 * random calls can reach deep paths), then runs several processes of several
 * threads that, until the deadline, issue:
 *
 * - every known command with a structured random argument (flags, reserved
 *   fields, slot numbers, handles, roles, mechanisms, attributes, secrets
 *   that are sometimes right, blobs and images that are sometimes intact),
 * - known numbers with random sizes and directions, random numbers in the
 *   0xb5 type, random commands of other types,
 * - NULL, unmapped, kernel, non-canonical, read-only and page-end pointers,
 *   lengths that do and do not match their buffers,
 *
 * on the control device and on slot devices, with random close and reopen,
 * slot deletion and re-creation, reads and writes, all at once. At the end
 * it prints the number of calls, the errno of each and per-command counts,
 * then deletes every slot it created (every slot that was not there when it
 * started). Needs root. Exit status: 0, 1 if a worker died or hung or slots
 * were left behind, 2 for a usage or setup error.
 *
 * Usage: sks-fuzz [-t SECONDS] [-n CALLS] [-p PROCS] [-j THREADS] [-s SEED]
 *		   [-k] [-v]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sks.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Secrets the setup uses; the fuzzer passes them (or garbage) at random. */
#define SO_PIN		"fuzz-so-pin"
#define CO_PIN		"fuzz-co-pin"
#define CU_PIN		"fuzz-cu-pin"
#define HSM_SO		"fuzz-hsm-so"
#define USER_SECRET	"fuzz-user-secret"
#define DOMAIN		"fuzz-domain"

static const char *const secrets[] = {
	SO_PIN, CO_PIN, CU_PIN, HSM_SO, USER_SECRET, DOMAIN,
};

/* ---- random numbers --------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd64(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rnd64(r) >> 32) % n) : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return rnd(r, 100) < percent;
}

static uint32_t rnd_u32(struct rng *r)
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

static uint64_t rnd_u64(struct rng *r)
{
	if (chance(r, 60))
		return rnd_u32(r);
	if (chance(r, 30))
		return 1ULL << rnd(r, 64);
	if (chance(r, 30))
		return -(uint64_t)rnd(r, 256);
	return rnd64(r);
}

static uint32_t rnd_len(struct rng *r, uint32_t max)
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

struct cmd;

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

static struct stats *st;

#define INC(field)	__atomic_fetch_add(&(field), 1, __ATOMIC_RELAXED)

static volatile sig_atomic_t stop;
static time_t deadline;
static uint64_t max_calls;
static int verbose;
static bool preexisting[SKS_MAX_SLOTS];

/* Blobs and images seen, for SKS_IOC_INSERT and SKS_CTL_IMAGE_LOAD. */
struct sample {
	pthread_mutex_t lock;
	uint32_t len;
	uint8_t buf[SKS_MAX_BLOB_SIZE];
};

#define NR_SAMPLES	4
static struct sample blobs[NR_SAMPLES], images[2];

static void sample_put(struct sample *s, const void *p, uint32_t len)
{
	if (len > sizeof(s->buf))
		return;
	pthread_mutex_lock(&s->lock);
	memcpy(s->buf, p, len);
	s->len = len;
	pthread_mutex_unlock(&s->lock);
}

/* ---- command table ------------------------------------------------------ */

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

#define F(type, m, k) \
	{ offsetof(type, m), sizeof(((type *)0)->m), k, -1, -1 }
#define P(type, m, k, l) \
	{ offsetof(type, m), 8, k, offsetof(type, l), -1 }
#define P0(type, m, k) \
	{ offsetof(type, m), 8, k, -1, -1 }
#define PE(type, m, l, u) \
	{ offsetof(type, m), 8, K_P_ENTRIES, offsetof(type, l), \
	  offsetof(type, u) }
#define HDR(type) F(type, flags, K_FLAGS), F(type, result, K_RESULT)
#define CMD(c, t, fl, want, ...) \
	{ #c, c, sizeof(t), fl, want, { HDR(t), ##__VA_ARGS__ } }

static const struct cmd cmds[] = {
	CMD(SKS_CTL_HSM_INFO, struct sks_hsm_info, 0, W_CTL,
	    F(struct sks_hsm_info, serial, K_OUT64),
	    F(struct sks_hsm_info, nr_slots, K_OUT32),
	    F(struct sks_hsm_info, reserved, K_RSVD),
	    F(struct sks_hsm_info, reserved2, K_RSVD)),
	CMD(SKS_CTL_CREATE_SLOT, struct sks_slot_create, SKS_SLOT_CREATE_AT, W_CTL,
	    F(struct sks_slot_create, type, K_TYPE),
	    F(struct sks_slot_create, slot, K_OUT32),
	    F(struct sks_slot_create, capacity, K_U64),
	    F(struct sks_slot_create, serial, K_OUT64),
	    F(struct sks_slot_create, fw_version, K_BYTES),
	    P(struct sks_slot_create, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_slot_create, reserved, K_RSVD)),
	CMD(SKS_CTL_DELETE_SLOT, struct sks_slot_delete, 0, W_CTL,
	    F(struct sks_slot_delete, slot, K_SLOT),
	    F(struct sks_slot_delete, reserved, K_RSVD)),
	CMD(SKS_CTL_LIST_SLOTS, struct sks_slot_list, 0, W_CTL,
	    PE(struct sks_slot_list, entries, count, entry_size)),
	CMD(SKS_CTL_IMAGE_LOAD, struct sks_image_load, 0, W_CTL,
	    P(struct sks_image_load, image, K_P_IMAGE, image_len),
	    P(struct sks_image_load, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_image_load, slot, K_OUT32),
	    F(struct sks_image_load, reserved, K_RSVD),
	    F(struct sks_image_load, serial, K_OUT64)),

	CMD(SKS_IOC_SESSION_INFO, struct sks_session_info, 0, W_ANY,
	    F(struct sks_session_info, slot, K_OUT32),
	    F(struct sks_session_info, label, K_BYTES)),
	CMD(SKS_IOC_PARTITION_INIT, struct sks_partition_init, 0, W_PART,
	    P(struct sks_partition_init, so_pin, K_P_SO, so_pin_len),
	    P(struct sks_partition_init, domain, K_P_DOMAIN, domain_len),
	    F(struct sks_partition_init, label, K_BYTES)),
	CMD(SKS_IOC_LOGIN, struct sks_login, 0, W_PART,
	    F(struct sks_login, role, K_ROLE),
	    P(struct sks_login, pin, K_P_PIN, pin_len)),
	CMD(SKS_IOC_LOGOUT, struct sks_simple, 0, W_PART),
	CMD(SKS_IOC_INIT_ROLE, struct sks_init_role, 0, W_PART,
	    F(struct sks_init_role, role, K_ROLE),
	    P(struct sks_init_role, pin, K_P_PIN, pin_len)),
	CMD(SKS_IOC_CHANGE_PIN, struct sks_change_pin, 0, W_PART,
	    F(struct sks_change_pin, role, K_ROLE),
	    P(struct sks_change_pin, old_pin, K_P_PIN, old_len),
	    P(struct sks_change_pin, new_pin, K_P_PIN, new_len),
	    F(struct sks_change_pin, reserved, K_RSVD)),
	CMD(SKS_IOC_GENERATE_KEY, struct sks_generate_key, 0, W_PART,
	    F(struct sks_generate_key, mechanism, K_MECH),
	    F(struct sks_generate_key, handle, K_OUT32),
	    F(struct sks_generate_key, attrs, K_ATTRS)),
	CMD(SKS_IOC_CREATE_OBJECT, struct sks_create_object, 0, W_PART,
	    F(struct sks_create_object, attrs, K_ATTRS),
	    P(struct sks_create_object, value, K_P_DATA, attrs.value_len),
	    F(struct sks_create_object, handle, K_OUT32),
	    F(struct sks_create_object, reserved, K_RSVD)),
	CMD(SKS_IOC_GET_ATTRS, struct sks_get_attrs, 0, W_PART,
	    F(struct sks_get_attrs, handle, K_HANDLE),
	    F(struct sks_get_attrs, reserved, K_RSVD)),
	CMD(SKS_IOC_GET_VALUE, struct sks_get_value, 0, W_PART,
	    F(struct sks_get_value, handle, K_HANDLE),
	    P(struct sks_get_value, buf, K_P_OUT, len)),
	CMD(SKS_IOC_FIND_OBJECTS, struct sks_find_objects, SKS_FIND_ALL, W_PART,
	    F(struct sks_find_objects, tmpl, K_ATTRS),
	    P(struct sks_find_objects, handles, K_P_HOUT, count),
	    F(struct sks_find_objects, reserved, K_RSVD)),
	CMD(SKS_IOC_DESTROY_OBJECT, struct sks_destroy_object, 0, W_PART,
	    F(struct sks_destroy_object, handle, K_HANDLE),
	    F(struct sks_destroy_object, reserved, K_RSVD)),
	CMD(SKS_IOC_ENCRYPT, struct sks_crypt, 0, W_PART,
	    F(struct sks_crypt, handle, K_HANDLE),
	    F(struct sks_crypt, mechanism, K_MECH),
	    F(struct sks_crypt, iv, K_BYTES),
	    P(struct sks_crypt, aad, K_P_DATA, aad_len),
	    P(struct sks_crypt, in, K_P_DATA, in_len),
	    P(struct sks_crypt, out, K_P_OUT, out_len)),
	CMD(SKS_IOC_DECRYPT, struct sks_crypt, 0, W_PART,
	    F(struct sks_crypt, handle, K_HANDLE),
	    F(struct sks_crypt, mechanism, K_MECH),
	    F(struct sks_crypt, iv, K_BYTES),
	    P(struct sks_crypt, aad, K_P_DATA, aad_len),
	    P(struct sks_crypt, in, K_P_DATA, in_len),
	    P(struct sks_crypt, out, K_P_OUT, out_len)),
	CMD(SKS_IOC_SIGN, struct sks_sign, 0, W_PART,
	    F(struct sks_sign, handle, K_HANDLE),
	    F(struct sks_sign, mechanism, K_MECH),
	    P(struct sks_sign, data, K_P_DATA, data_len),
	    P(struct sks_sign, sig, K_P_OUT, sig_len)),
	CMD(SKS_IOC_VERIFY, struct sks_sign, 0, W_PART,
	    F(struct sks_sign, handle, K_HANDLE),
	    F(struct sks_sign, mechanism, K_MECH),
	    P(struct sks_sign, data, K_P_DATA, data_len),
	    P(struct sks_sign, sig, K_P_DATA, sig_len)),
	CMD(SKS_IOC_EXTRACT, struct sks_extract, SKS_EXTRACT_DELETE, W_V1,
	    P(struct sks_extract, handles, K_P_HANDLES, count),
	    P(struct sks_extract, blob, K_P_OUT, blob_len)),
	CMD(SKS_IOC_INSERT, struct sks_insert, 0, W_V1,
	    P(struct sks_insert, blob, K_P_BLOB, blob_len),
	    P(struct sks_insert, handles, K_P_HOUT, count)),
	CMD(SKS_IOC_SMK_ROLLOVER, struct sks_simple,
	    SKS_ROLLOVER_START | SKS_ROLLOVER_END, W_V1),
	CMD(SKS_IOC_ARCHIVE_BACKUP, struct sks_archive_backup,
	    SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE, W_PART,
	    F(struct sks_archive_backup, backup_slot, K_SLOT),
	    P(struct sks_archive_backup, so_secret, K_P_HSM, so_secret_len),
	    P(struct sks_archive_backup, user_secret, K_P_USER,
	      user_secret_len),
	    P(struct sks_archive_backup, handles, K_P_HANDLES, count),
	    F(struct sks_archive_backup, name, K_NAME),
	    F(struct sks_archive_backup, objects, K_OUT32),
	    F(struct sks_archive_backup, reserved, K_RSVD)),
	CMD(SKS_IOC_ARCHIVE_RESTORE, struct sks_archive_restore, 0, W_PART,
	    F(struct sks_archive_restore, backup_slot, K_SLOT),
	    P(struct sks_archive_restore, user_secret, K_P_USER,
	      user_secret_len),
	    F(struct sks_archive_restore, name, K_NAME),
	    F(struct sks_archive_restore, status, K_OUT32),
	    F(struct sks_archive_restore, objects, K_OUT32)),
	CMD(SKS_IOC_ARCHIVE_LIST, struct sks_archive_list, 0, W_BACKUP,
	    PE(struct sks_archive_list, entries, count, entry_size),
	    P(struct sks_archive_list, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_archive_list, reserved, K_RSVD)),
	CMD(SKS_IOC_ARCHIVE_SHOW, struct sks_archive_show, 0, W_BACKUP,
	    P(struct sks_archive_show, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_archive_show, reserved, K_RSVD),
	    F(struct sks_archive_show, entry.name, K_NAME),
	    F(struct sks_archive_show, entry.objects, K_OUT32)),
	CMD(SKS_IOC_ARCHIVE_DELETE, struct sks_archive_show, 0, W_BACKUP,
	    P(struct sks_archive_show, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_archive_show, reserved, K_RSVD),
	    F(struct sks_archive_show, entry.name, K_NAME)),
	CMD(SKS_IOC_IMAGE_SAVE, struct sks_image_save, 0, W_BACKUP,
	    P(struct sks_image_save, image, K_P_OUT, image_len),
	    P(struct sks_image_save, so_secret, K_P_HSM, so_secret_len)),
};

#define NR_CMDS	ARRAY_SIZE(cmds)
_Static_assert(ARRAY_SIZE(cmds) <= 64, "stats arrays too small");

/* ---- per-thread memory --------------------------------------------------- */

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
static uint32_t fd_handles[NR_FDS][FD_HANDLES];

static uint8_t *unmapped;	/* a PROT_NONE region */

static void *alloc_worker_mem(struct worker *w)
{
	uint8_t *p = mmap(NULL, ARENA_SIZE + 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + ARENA_SIZE, PAGE, PROT_NONE) ||
	    mprotect(p + ARENA_SIZE + PAGE, PAGE, PROT_READ))
		return NULL;
	w->arena = p;
	w->ro = p + ARENA_SIZE + PAGE;
	return p;
}

/* A buffer of @len bytes, or NULL if the arena is used up for this call. */
static uint8_t *take(struct worker *w, size_t len)
{
	size_t align = chance(&w->rng, 80) ? 1 : 8;

	if ((size_t)(w->top - w->arena) < len + align)
		return NULL;
	w->top -= len;
	w->top = (uint8_t *)((uintptr_t)w->top & ~(uintptr_t)(align - 1));
	return w->top;
}

/* Some address that is not a usable buffer of @len bytes. */
static uint64_t bad_pointer(struct worker *w, size_t len)
{
	switch (rnd(&w->rng, 8)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)unmapped + rnd(&w->rng, PAGE);
	case 2:
		return 0xffffffff81000000ULL + rnd(&w->rng, 1 << 20);
	case 3:
		return 0x8000000000000000ULL + rnd(&w->rng, 1 << 20);
	case 4:
		return (uintptr_t)w->ro;	/* readable, not writable */
	case 5:	/* straddles the guard page */
		return (uintptr_t)w->arena + ARENA_SIZE - len / 2 - 1;
	case 6:
		return -(uint64_t)rnd(&w->rng, 4096);
	default:
		return rnd64(&w->rng);
	}
}

static void fill_random(struct worker *w, uint8_t *p, size_t len)
{
	size_t i;

	switch (rnd(&w->rng, 4)) {
	case 0:
		memset(p, 0, len);
		break;
	case 1:
		memset(p, 'a' + rnd(&w->rng, 26), len);
		break;
	default:
		for (i = 0; i < len; i++)
			p[i] = rnd64(&w->rng);
	}
}

/* A damaged copy of @s in @p (room @room); returns the length used. */
static uint32_t sample_copy(struct worker *w, struct sample *s, uint8_t *p,
			    uint32_t room, bool image)
{
	uint32_t len, i, n;

	pthread_mutex_lock(&s->lock);
	len = s->len < room ? s->len : room;
	memcpy(p, s->buf, len);
	pthread_mutex_unlock(&s->lock);
	if (!len || chance(&w->rng, 40))
		return len;
	n = 1 + rnd(&w->rng, 4);
	for (i = 0; i < n; i++) {
		uint32_t at = rnd(&w->rng, len);

		/*
		 * An image's PBKDF2 iteration count (bytes 12..15) is left
		 * alone: up to 10^7 iterations are valid, minutes of work
		 * under emulation.
		 */
		if (image && at >= 12 && at < 16)
			continue;
		p[at] ^= 1U << rnd(&w->rng, 8);
	}
	if (chance(&w->rng, 20))
		len = rnd(&w->rng, len + 1);
	else if (chance(&w->rng, 10) && len < room)
		len += rnd(&w->rng, room - len + 1);
	return len;
}

/* ---- argument generation -------------------------------------------------- */

static uint32_t pick_slot(struct worker *w)
{
	uint32_t s;

	if (chance(&w->rng, 70))
		return __atomic_load_n(&st->live[rnd(&w->rng, NR_LIVE)],
				       __ATOMIC_RELAXED);
	s = chance(&w->rng, 80) ? rnd(&w->rng, SKS_MAX_SLOTS + 2) :
				  rnd_u32(&w->rng);
	return s;
}

static uint32_t pick_handle(struct worker *w)
{
	if (w->fdidx >= 0 && chance(&w->rng, 60))
		return __atomic_load_n(&fd_handles[w->fdidx]
				       [rnd(&w->rng, FD_HANDLES)],
				       __ATOMIC_RELAXED);
	if (chance(&w->rng, 60))
		return __atomic_load_n(&st->handles[rnd(&w->rng, 64)],
				       __ATOMIC_RELAXED);
	return chance(&w->rng, 50) ? rnd(&w->rng, 64) : rnd_u32(&w->rng);
}

static void learn_handle(struct worker *w, uint32_t h)
{
	static unsigned int next;

	if (!h)
		return;
	if (w && w->fdidx >= 0)
		__atomic_store_n(&fd_handles[w->fdidx]
				 [rnd(&w->rng, FD_HANDLES)], h,
				 __ATOMIC_RELAXED);
	if (!w || chance(&w->rng, 20))
		__atomic_store_n(&st->handles[__atomic_fetch_add(&next, 1,
				 __ATOMIC_RELAXED) % 64], h, __ATOMIC_RELAXED);
	INC(st->handles_learned);
}

static void fill_attrs(struct worker *w, struct sks_obj_attrs *a)
{
	static const uint32_t classes[] = { SKS_CKO_DATA, SKS_CKO_SECRET_KEY };
	static const uint32_t types[] = {
		SKS_CKK_NONE, SKS_CKK_GENERIC_SECRET, SKS_CKK_AES,
	};
	static const uint32_t lens[] = { 0, 16, 24, 32, 64, 128, 129, 8 };
	struct rng *r = &w->rng;

	memset(a, 0, sizeof(*a));
	a->obj_class = chance(r, 90) ? classes[rnd(r, 2)] : rnd_u32(r);
	a->key_type = chance(r, 90) ? types[rnd(r, 3)] : rnd_u32(r);
	a->flags = chance(r, 85) ? rnd(r, SKS_OBJ_FLAGS_ALL + 1) : rnd_u32(r);
	a->value_len = chance(r, 80) ? lens[rnd(r, ARRAY_SIZE(lens))] :
				       rnd_len(r, SKS_MAX_DATA_SIZE + 16);
	a->usage_limit = chance(r, 70) ? 0 : rnd_u64(r);
	a->usage_count = chance(r, 90) ? 0 : rnd_u64(r);
	a->label_len = chance(r, 90) ? rnd(r, SKS_OBJ_LABEL_MAX + 1) :
				       rnd_u32(r);
	a->id_len = chance(r, 90) ? rnd(r, SKS_OBJ_ID_MAX + 1) : rnd_u32(r);
	fill_random(w, a->label, a->label_len < sizeof(a->label) ?
		    a->label_len : sizeof(a->label));
	fill_random(w, a->id, a->id_len < sizeof(a->id) ?
		    a->id_len : sizeof(a->id));
	if (chance(r, 5))
		fill_random(w, (uint8_t *)a, sizeof(*a));
}

static void fill_name(struct worker *w, uint8_t *name, size_t size)
{
	static const char *const names[] = {
		"fuzz-clone", "fuzz-clone-2", "x",
	};
	const char *n;
	size_t i, len;

	memset(name, 0, size);
	switch (rnd(&w->rng, 5)) {
	case 0:
		return;
	case 1:
	case 2:
		n = names[rnd(&w->rng, ARRAY_SIZE(names))];
		memcpy(name, n, strlen(n));
		return;
	case 3:
		len = 1 + rnd(&w->rng, size);
		for (i = 0; i < len; i++)
			name[i] = '!' + rnd(&w->rng, '~' - '!' + 1);
		return;
	default:
		fill_random(w, name, size);
	}
}

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Entry size of an array of outputs (list commands). */
static uint32_t entry_size(struct worker *w, unsigned long nr)
{
	uint32_t real = nr == SKS_CTL_LIST_SLOTS ?
			sizeof(struct sks_slot_entry) :
			sizeof(struct sks_archive_entry);

	if (chance(&w->rng, 75))
		return real;
	return chance(&w->rng, 50) ? real + 8 * rnd(&w->rng, 3) - 8 :
				     rnd_u32(&w->rng);
}

/* The secret a valid call would pass in this field (NULL: none). */
static const char *sane_secret(const struct cmd *c, const struct field *f,
			       const uint8_t *arg)
{
	uint32_t v;

	switch (f->kind) {
	case K_P_PIN:	/* login, init role, change pin: role at 8 */
		memcpy(&v, arg + 8, 4);
		return v == SKS_ROLE_SO ? SO_PIN : v == SKS_ROLE_CU ? CU_PIN :
		       CO_PIN;
	case K_P_SO:
		return SO_PIN;
	case K_P_HSM:
		memcpy(&v, arg + 8, 4);
		if (c->nr == SKS_CTL_CREATE_SLOT && v != SKS_SLOT_BACKUP)
			return NULL;
		return HSM_SO;
	case K_P_USER:
		return USER_SECRET;
	case K_P_DOMAIN:
		return DOMAIN;
	default:
		return secrets[0];
	}
}

static uint32_t sane_data_len(struct worker *w, const struct cmd *c)
{
	static const uint32_t macs[] = { 32, 48, 64 };

	if (c->nr == SKS_IOC_VERIFY && chance(&w->rng, 50))
		return macs[rnd(&w->rng, 3)];
	return chance(&w->rng, 80) ? rnd(&w->rng, 300) :
	       rnd(&w->rng, SKS_MAX_DATA_SIZE + 1);
}

/* Attributes a valid call would pass. */
static void sane_attrs(struct worker *w, const struct cmd *c,
		       struct sks_obj_attrs *a, uint32_t mech)
{
	struct rng *r = &w->rng;
	bool aes;

	memset(a, 0, sizeof(*a));
	a->label_len = rnd(r, 9);
	memcpy(a->label, "fuzz-key", a->label_len);
	if (chance(r, 30)) {
		a->id_len = 1 + rnd(r, 4);
		memset(a->id, '0' + rnd(r, 10), a->id_len);
	}
	if (c->nr == SKS_IOC_FIND_OBJECTS) {
		a->obj_class = rnd(r, 2) ? SKS_CKO_SECRET_KEY : SKS_CKO_DATA;
		a->key_type = rnd(r, 2) ? SKS_CKK_AES : SKS_CKK_GENERIC_SECRET;
		return;
	}
	if (c->nr == SKS_IOC_CREATE_OBJECT && chance(r, 50)) {
		a->obj_class = SKS_CKO_DATA;
		a->key_type = SKS_CKK_NONE;
		a->flags = chance(r, 50) ? SKS_OBJ_EXTRACTABLE : 0;
		a->value_len = rnd(r, 300);
	} else {
		aes = c->nr == SKS_IOC_GENERATE_KEY ?
		      mech == SKS_CKM_AES_KEY_GEN : chance(r, 50);
		a->obj_class = SKS_CKO_SECRET_KEY;
		a->key_type = aes ? SKS_CKK_AES : SKS_CKK_GENERIC_SECRET;
		a->value_len = aes ? 16 + 8 * rnd(r, 3) : 16 + rnd(r, 113);
		a->flags = SKS_OBJ_EXTRACTABLE |
			   (aes ? SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT :
				  SKS_OBJ_SIGN | SKS_OBJ_VERIFY) |
			   (chance(r, 50) ? SKS_OBJ_SENSITIVE : 0);
		if (chance(r, 20))
			a->usage_limit = 1 + rnd(r, 5);
	}
	if (w->fdtype == SKS_SLOT_V0 && chance(r, 30))
		a->flags |= SKS_OBJ_TOKEN;
}

/* The sane value of a plain field. */
static void sane_field(struct worker *w, const struct cmd *c,
		       const struct field *f, uint8_t *arg)
{
	static const uint32_t hmacs[] = {
		SKS_CKM_SHA256_HMAC, SKS_CKM_SHA384_HMAC, SKS_CKM_SHA512_HMAC,
	};
	struct rng *r = &w->rng;
	uint8_t *p = arg + f->off;
	uint32_t v = 0;

	switch (f->kind) {
	case K_FLAGS:
		/* none, or one valid bit */
		if (c->flags && chance(r, 40)) {
			do {
				v = 1U << rnd(r, 32);
			} while (!(v & c->flags));
		}
		put_u32(p, v);
		break;
	case K_U64:
		put_u64(p, chance(r, 50) ? 0 : 65536ULL << rnd(r, 5));
		break;
	case K_SLOT:
		put_u32(p, __atomic_load_n(&st->live[2], __ATOMIC_RELAXED));
		break;
	case K_TYPE:
		put_u32(p, rnd(r, 3));
		break;
	case K_ROLE:
		v = rnd(r, 10);
		put_u32(p, v < 2 ? SKS_ROLE_SO : v < 4 ? SKS_ROLE_CU :
			SKS_ROLE_CO);
		break;
	case K_MECH:
		if (c->nr == SKS_IOC_GENERATE_KEY)
			v = rnd(r, 2) ? SKS_CKM_AES_KEY_GEN :
					SKS_CKM_GENERIC_SECRET_KEY_GEN;
		else if (c->nr == SKS_IOC_ENCRYPT || c->nr == SKS_IOC_DECRYPT)
			v = SKS_CKM_AES_GCM;
		else
			v = hmacs[rnd(r, 3)];
		put_u32(p, v);
		break;
	case K_NAME:
		memset(p, 0, f->size);
		if (c->nr != SKS_IOC_ARCHIVE_BACKUP ||
		    w->fdtype != SKS_SLOT_V1)
			memcpy(p, rnd(r, 2) ? "fuzz-clone" : "fuzz-clone-2",
			       rnd(r, 2) ? 10 : 12);
		break;
	case K_ATTRS: {
		uint32_t mech;

		memcpy(&mech, arg + 8, 4);	/* generate: mechanism */
		sane_attrs(w, c, (struct sks_obj_attrs *)p, mech);
		break;
	}
	case K_HANDLE:
		put_u32(p, pick_handle(w));
		break;
	default:	/* results, outputs, reserved fields, arrays */
		memset(p, 0, f->size);
	}
}

/*
 * A pointer field and its length: a valid buffer most of the time (its
 * length written to the paired field, mostly), a bad pointer otherwise.
 */
static void fill_pointer(struct worker *w, const struct cmd *c,
			 const struct field *f, uint8_t *arg)
{
	struct rng *r = &w->rng;
	uint32_t len = 0, unit = 1, esize = 0;
	uint64_t ptr;
	uint8_t *buf = NULL;

	switch (f->kind) {
	case K_P_SECRET:
	case K_P_PIN:
	case K_P_SO:
	case K_P_HSM:
	case K_P_USER:
	case K_P_DOMAIN:
		if (w->sane) {
			const char *s = sane_secret(c, f, arg);

			if (!s) {	/* a partition has no secret here */
				put_u64(arg + f->off, 0);
				put_u32(arg + f->len, 0);
				return;
			}
			len = strlen(s);
			buf = take(w, len);
			if (buf)
				memcpy(buf, s, len);
		} else if (chance(r, 70)) {
			const char *s = secrets[rnd(r, ARRAY_SIZE(secrets))];

			len = strlen(s);
			buf = take(w, len);
			if (buf)
				memcpy(buf, s, len);
		} else {
			len = rnd_len(r, 200);
			buf = take(w, len);
			if (buf)
				fill_random(w, buf, len);
		}
		break;
	case K_P_DATA:
		len = f->len >= 0 && c->nr == SKS_IOC_CREATE_OBJECT &&
		      (w->sane || chance(r, 70)) ?
		      *(uint32_t *)(arg + f->len) :
		      w->sane ? sane_data_len(w, c) :
		      rnd_len(r, SKS_MAX_DATA_SIZE + 32);
		if (len > SKS_MAX_DATA_SIZE + 32)
			len = rnd_len(r, 4096);
		buf = take(w, len);
		if (buf)
			fill_random(w, buf, len);
		break;
	case K_P_BLOB:
	case K_P_IMAGE:
		if (w->sane || chance(r, 80)) {
			bool image = f->kind == K_P_IMAGE;
			struct sample *s = image ? &images[rnd(r, 2)] :
					   &blobs[rnd(r, NR_SAMPLES)];

			buf = take(w, SKS_MAX_BLOB_SIZE);
			if (buf) {
				len = sample_copy(w, s, buf, SKS_MAX_BLOB_SIZE,
						  image);
				/* move it up against the end of its room */
				memmove(buf + SKS_MAX_BLOB_SIZE - len, buf, len);
				buf += SKS_MAX_BLOB_SIZE - len;
			}
		} else {
			len = rnd_len(r, SKS_MAX_BLOB_SIZE + 16);
			buf = take(w, len);
			if (buf)
				fill_random(w, buf, len);
		}
		break;
	case K_P_HANDLES:
		len = w->sane ? 1 + rnd(r, 3) : chance(r, 80) ? rnd(r, 8) :
		      rnd_len(r, SKS_MAX_EXTRACT + 1);
		unit = 4;
		buf = take(w, (size_t)len * 4);
		for (uint32_t i = 0; buf && i < len; i++)
			put_u32(buf + 4 * i, pick_handle(w));
		break;
	case K_P_HOUT:
		len = w->sane ? 64 : rnd_len(r, 2048);
		unit = 4;
		buf = take(w, (size_t)len * 4);
		break;
	case K_P_ENTRIES:
		esize = w->sane ? (c->nr == SKS_CTL_LIST_SLOTS ?
				   sizeof(struct sks_slot_entry) :
				   sizeof(struct sks_archive_entry)) :
				  entry_size(w, c->nr);
		len = w->sane ? SKS_MAX_SLOTS : chance(r, 30) ? 0 :
		      rnd(r, SKS_MAX_SLOTS + 2);
		unit = esize < 4096 ? esize : 0;
		buf = unit ? take(w, (size_t)len * unit) : NULL;
		if (!len && chance(r, 60))
			buf = NULL;	/* size query */
		break;
	case K_P_OUT:
	default:
		len = w->sane ? SKS_MAX_BLOB_SIZE + SKS_GCM_TAG_LEN :
		      chance(r, 70) ? rnd_len(r, 2 * SKS_MAX_BLOB_SIZE) :
		      rnd(r, SKS_MAX_BLOB_SIZE + 64);
		buf = take(w, len);
		break;
	}

	if (buf && (w->sane || chance(r, 92)))
		ptr = (uintptr_t)buf;
	else if (!buf && !len && chance(r, 50))
		ptr = 0;
	else
		ptr = bad_pointer(w, (size_t)len * unit);
	put_u64(arg + f->off, ptr);
	if (f->len >= 0) {
		if (w->sane || chance(r, 85))
			put_u32(arg + f->len, len);
		else if (chance(r, 50))
			put_u32(arg + f->len, len + rnd(r, 3) - 1);
		else
			put_u32(arg + f->len, rnd_u32(r));
	}
	if (f->unit >= 0)
		put_u32(arg + f->unit, esize);
}

static void fill_field(struct worker *w, const struct cmd *c,
		       const struct field *f, uint8_t *arg)
{
	static const uint32_t roles[] = {
		SKS_ROLE_SO, SKS_ROLE_CO, SKS_ROLE_CU, SKS_ROLE_NONE,
	};
	static const uint32_t mechs[] = {
		SKS_CKM_GENERIC_SECRET_KEY_GEN, SKS_CKM_AES_KEY_GEN,
		SKS_CKM_AES_GCM, SKS_CKM_SHA256_HMAC, SKS_CKM_SHA384_HMAC,
		SKS_CKM_SHA512_HMAC,
	};
	struct rng *r = &w->rng;
	uint8_t *p = arg + f->off;
	uint32_t v;

	if (w->sane && f->kind < K_P_SECRET) {
		sane_field(w, c, f, arg);
		return;
	}
	switch (f->kind) {
	case K_FLAGS:
		v = chance(r, 60) ? 0 : chance(r, 70) ?
		    c->flags & (uint32_t)rnd64(r) : rnd_u32(r);
		put_u32(p, v);
		break;
	case K_RESULT:
		put_u32(p, chance(r, 80) ? 0 : rnd_u32(r));
		break;
	case K_OUT32:
	case K_RSVD:
		put_u32(p, chance(r, 90) ? 0 : rnd_u32(r));
		break;
	case K_OUT64:
		put_u64(p, chance(r, 90) ? 0 : rnd_u64(r));
		break;
	case K_U32:
		put_u32(p, rnd_u32(r));
		break;
	case K_U64:
		put_u64(p, chance(r, 50) ? 0 : rnd_u64(r));
		break;
	case K_SLOT:
		put_u32(p, pick_slot(w));
		break;
	case K_TYPE:
		put_u32(p, chance(r, 85) ? rnd(r, 3) : rnd_u32(r));
		break;
	case K_HANDLE:
		put_u32(p, pick_handle(w));
		break;
	case K_ROLE:
		put_u32(p, chance(r, 90) ? roles[rnd(r, 4)] : rnd_u32(r));
		break;
	case K_MECH:
		put_u32(p, chance(r, 90) ? mechs[rnd(r, ARRAY_SIZE(mechs))] :
					   rnd_u32(r));
		break;
	case K_BYTES:
		if (chance(r, 50)) {
			memset(p, 0, f->size);
		} else if (chance(r, 50)) {
			static const char *const v[] = { "7.7.1", "6.28.0",
				"7.7.0", "6.27.9", "8.0.0", "fuzz", "" };
			const char *s = v[rnd(r, ARRAY_SIZE(v))];

			memset(p, 0, f->size);
			memcpy(p, s, strlen(s));
		} else {
			fill_random(w, p, f->size);
		}
		break;
	case K_NAME:
		fill_name(w, p, f->size);
		break;
	case K_ATTRS:
		fill_attrs(w, (struct sks_obj_attrs *)p);
		break;
	default:
		fill_pointer(w, c, f, arg);
	}
}

/* ---- the calls -------------------------------------------------------- */

static void replace_live(uint32_t slot);

/* One of the slots the workers created, or SKS_MAX_SLOTS + something. */
static uint32_t pick_created(struct worker *w)
{
	uint32_t map = __atomic_load_n(&st->created, __ATOMIC_RELAXED);
	uint32_t n, i;

	if (!map)
		return SKS_MAX_SLOTS + rnd(&w->rng, 4);
	n = rnd(&w->rng, __builtin_popcount(map));
	for (i = 0; i < 32; i++)
		if ((map & (1U << i)) && !n--)
			break;
	return i;
}

static void forget_slot(uint32_t slot)
{
	if (slot < 32)
		__atomic_fetch_and(&st->created, ~(1U << slot),
				   __ATOMIC_RELAXED);
}

static bool is_live(uint32_t slot)
{
	int k;

	for (k = 0; k < NR_LIVE; k++)
		if (__atomic_load_n(&st->live[k], __ATOMIC_RELAXED) == slot)
			return true;
	return false;
}

#define ARG_MAX_LEN	(2 * PAGE)	/* argument structs with their tails */

struct proc {
	int fds[NR_FDS];	/* [0] the control device, the rest slots */
	int types[NR_FDS];	/* slot type behind fds[i], or -1 */
};

static struct proc proc;

static void count_result(int ret, int err)
{
	INC(st->calls);
	if (!ret)
		INC(st->ok);
	else
		INC(st->err[err > 0 && err < ERRNO_MAX ? err : 0]);
}

/* What a successful call taught us. */
static void learn(struct worker *w, const struct cmd *c, const uint8_t *arg)
{
	switch (c->nr) {
	case SKS_IOC_GENERATE_KEY:
		learn_handle(w, ((const struct sks_generate_key *)arg)->handle);
		break;
	case SKS_IOC_CREATE_OBJECT:
		learn_handle(w, ((const struct sks_create_object *)arg)->handle);
		break;
	case SKS_CTL_CREATE_SLOT:
	case SKS_CTL_IMAGE_LOAD: {
		uint32_t slot = c->nr == SKS_CTL_CREATE_SLOT ?
			((const struct sks_slot_create *)arg)->slot :
			((const struct sks_image_load *)arg)->slot;

		if (slot < 32)
			__atomic_fetch_or(&st->created, 1U << slot,
					  __ATOMIC_RELAXED);
		INC(st->slots_created);
		break;
	}
	case SKS_CTL_DELETE_SLOT:
		INC(st->slots_deleted);
		break;
	}
}

/* Output buffers we filled ourselves: only those are read back. */
static bool in_arena(struct worker *w, uint64_t p, uint64_t len)
{
	return p >= (uintptr_t)w->arena && len <= ARENA_SIZE &&
	       p + len <= (uintptr_t)w->arena + ARENA_SIZE;
}

static void learn_output(struct worker *w, const struct cmd *c,
			 const uint8_t *arg)
{
	if (c->nr == SKS_IOC_EXTRACT) {
		const struct sks_extract *ex = (const void *)arg;

		if (ex->blob && in_arena(w, ex->blob, ex->blob_len)) {
			sample_put(&blobs[rnd(&w->rng, NR_SAMPLES)],
				   (const void *)(uintptr_t)ex->blob,
				   ex->blob_len);
			INC(st->blobs_learned);
		}
	} else if (c->nr == SKS_IOC_IMAGE_SAVE) {
		const struct sks_image_save *is = (const void *)arg;

		if (is->image && in_arena(w, is->image, is->image_len) &&
		    is->image_len <= SKS_MAX_BLOB_SIZE) {
			sample_put(&images[rnd(&w->rng, 2)],
				   (const void *)(uintptr_t)is->image,
				   is->image_len);
			INC(st->images_learned);
		}
	} else if (c->nr == SKS_IOC_INSERT || c->nr == SKS_IOC_FIND_OBJECTS) {
		const struct sks_insert *in = (const void *)arg;
		const struct sks_find_objects *fo = (const void *)arg;
		uint64_t p = c->nr == SKS_IOC_INSERT ? in->handles : fo->handles;
		uint32_t n = c->nr == SKS_IOC_INSERT ? in->count : fo->count;
		uint32_t i, h;

		for (i = 0; p && i < n && i < 4; i++) {
			if (!in_arena(w, p + 4 * i, 4))
				break;
			memcpy(&h, (const void *)(uintptr_t)(p + 4 * i), 4);
			learn_handle(w, h);
		}
	} else {
		learn(w, c, arg);
	}
}

/*
 * The driver's convention: once the struct could be read, @result holds
 * CKR_OK exactly when the call succeeded.
 */
static void check_result(const struct cmd *c, int ret, int err,
			 const uint8_t *arg)
{
	uint32_t result;

	memcpy(&result, arg + 4, 4);
	/* (calls refused before the struct was read) */
	if (ret == -1 && (err == EBADF || err == ENOTTY || err == EFAULT))
		return;
	if ((ret == 0) == (result == SKS_CKR_OK))
		return;
	if (INC(st->result_mismatch) == 0) {
		st->mismatch_cmd = c - cmds;
		st->mismatch_ret = ret;
		st->mismatch_errno = err;
		st->mismatch_result = result;
	}
}

static int pick_fd(struct worker *w)
{
	if (chance(&w->rng, 3))
		return chance(&w->rng, 50) ? -1 : 1000 + (int)rnd(&w->rng, 10);
	return __atomic_load_n(&proc.fds[rnd(&w->rng, NR_FDS)],
			       __ATOMIC_RELAXED);
}

static void do_ioctl(struct worker *w)
{
	struct rng *r = &w->rng;
	const struct cmd *c = &cmds[rnd(r, NR_CMDS)];
	unsigned long nr = c->nr;
	uint32_t usize = c->size, dir, type, size, i;
	uint8_t argbuf[ARG_MAX_LEN];
	uint8_t *arg = NULL;
	uint64_t argp;
	int extra = -1, fd, ret, err;
	uint32_t del_slot = UINT32_MAX;
	bool exact = true;

	/*
	 * Control commands mostly on the control device, and vice versa;
	 * a sane call goes to a slot of the right type if there is one.
	 */
	w->sane = chance(r, 40);
	w->fdtype = -1;
	w->fdidx = -1;
	if (c->want == W_CTL && chance(r, 85)) {
		fd = proc.fds[0];
	} else if (c->want != W_CTL && chance(r, 85)) {
		int k = 1 + rnd(r, NR_FDS - 1), n;

		for (n = 0; w->sane && n < NR_FDS - 1; n++) {
			int t = __atomic_load_n(&proc.types[k],
						__ATOMIC_RELAXED);

			if (c->want == W_ANY ||
			    (c->want == W_PART && (t == SKS_SLOT_V0 ||
						   t == SKS_SLOT_V1)) ||
			    (c->want == W_V1 && t == SKS_SLOT_V1) ||
			    (c->want == W_BACKUP && t == SKS_SLOT_BACKUP))
				break;
			k = 1 + k % (NR_FDS - 1);
		}
		fd = __atomic_load_n(&proc.fds[k], __ATOMIC_RELAXED);
		w->fdtype = __atomic_load_n(&proc.types[k], __ATOMIC_RELAXED);
		w->fdidx = k;
	} else {
		fd = pick_fd(w);
	}

	switch (rnd(r, 20)) {
	case 0:	/* random nr in our type */
		nr = _IOC(rnd(r, 4), SKS_IOC_MAGIC, rnd(r, 256),
			  chance(r, 50) ? rnd(r, 300) : rnd(r, _IOC_SIZEMASK + 1));
		extra = X_RANDOM_NR;
		break;
	case 1:	/* another type (not ones the VFS handles itself) */
		do {
			type = rnd(r, 256);
		} while (type == 'X' || type == 'f' || type == 'T' ||
			 type == 0x94 || type == 0x12 || type == SKS_IOC_MAGIC);
		nr = _IOC(rnd(r, 4), type, rnd(r, 256), rnd(r, 512));
		extra = X_RANDOM_TYPE;
		break;
	case 2:
	case 3:	/* known nr, other size or direction */
		dir = chance(r, 70) ? _IOC_READ | _IOC_WRITE : rnd(r, 4);
		switch (rnd(r, 6)) {
		case 0:
			size = c->size - 1 - rnd(r, c->size);
			break;
		case 1:
			size = c->size + 4 * (1 + rnd(r, 8));
			break;
		case 2:
			size = c->size + rnd(r, 64);
			break;
		case 3:
			size = rnd(r, _IOC_SIZEMASK + 1);
			break;
		default:
			size = c->size + rnd(r, 2 * PAGE);
		}
		size &= _IOC_SIZEMASK;
		nr = _IOC(dir, SKS_IOC_MAGIC, _IOC_NR(c->nr), size);
		extra = X_BAD_SHAPE;
		exact = false;
		break;
	default:
		break;
	}
	if (nr != c->nr)
		exact = false;
	usize = _IOC_SIZE(nr);

	/*
	 * The argument struct (with a zero or random tail up to the size in
	 * the command): half the time right against the guard page, so that
	 * a read beyond @usize faults; else below the buffers.
	 */
	w->top = w->arena + ARENA_SIZE;
	if (usize <= sizeof(argbuf) && chance(r, 50))
		arg = w->top -= usize;
	memset(argbuf, 0, usize < sizeof(argbuf) ? usize : sizeof(argbuf));
	if (extra == X_RANDOM_NR || extra == X_RANDOM_TYPE) {
		fill_random(w, argbuf, usize < sizeof(argbuf) ? usize :
			    sizeof(argbuf));
	} else {
		if (extra >= 0)
			w->sane = false;
		for (i = 0; i < ARRAY_SIZE(c->f) && c->f[i].kind != K_END; i++)
			fill_field(w, c, &c->f[i], argbuf);
		/* A valid call with one field gone wrong. */
		if (w->sane && chance(r, 30)) {
			for (i = 0; i < ARRAY_SIZE(c->f) &&
			     c->f[i].kind != K_END; i++)
				;
			w->sane = false;
			fill_field(w, c, &c->f[rnd(r, i)], argbuf);
		}
		if (usize > c->size && usize <= sizeof(argbuf) &&
		    chance(r, 30))
			fill_random(w, argbuf + c->size, usize - c->size);
	}
	/*
	 * Never delete a slot that was there before; spare the provisioned
	 * slots most of the time (they are re-created when deleted).
	 */
	if (_IOC_TYPE(nr) == SKS_IOC_MAGIC &&
	    _IOC_NR(nr) == _IOC_NR(SKS_CTL_DELETE_SLOT) && usize >= 12) {
		memcpy(&del_slot, argbuf + 8, 4);
		if ((del_slot < SKS_MAX_SLOTS && preexisting[del_slot]) ||
		    (is_live(del_slot) && chance(r, 97)) || w->sane) {
			del_slot = pick_created(w);
			put_u32(argbuf + 8, del_slot);
		}
	}
	if (!arg && usize <= sizeof(argbuf))
		arg = take(w, usize);
	if (arg)
		memcpy(arg, argbuf, usize);
	argp = arg && chance(r, 95) ? (uintptr_t)arg :
	       bad_pointer(w, usize);
	if (argp != (uintptr_t)arg)
		exact = false;

	ret = ioctl(fd, nr, (void *)(uintptr_t)argp);
	err = ret ? errno : 0;
	count_result(ret, err);
	if (extra >= 0) {
		INC(st->extra_calls[extra]);
	} else {
		INC(st->cmd_calls[c - cmds]);
		if (!ret)
			INC(st->cmd_ok[c - cmds]);
	}
	if (!ret && del_slot != UINT32_MAX) {
		forget_slot(del_slot);
		if (is_live(del_slot))
			replace_live(del_slot);
	}
	if (exact && arg) {
		check_result(c, ret, err, arg);
		if (!ret)
			learn_output(w, c, arg);
	}
	if (verbose > 1)
		fprintf(stderr, "[%d] fd %d cmd %#lx (%s) -> %d %s\n", w->id,
			fd, nr, extra >= 0 ? "other" : c->name, ret,
			ret ? strerror(err) : "");
}

/* ---- setup and slot churn --------------------------------------------- */

static int xioctl(int fd, unsigned long nr, void *arg)
{
	return ioctl(fd, nr, arg) ? -errno : 0;
}

static int open_slot(uint32_t slot)
{
	char path[32];

	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	return open(path, O_RDWR | O_CLOEXEC);
}

static int login(int fd, uint32_t role, const char *pin)
{
	struct sks_login l = {
		.role = role, .pin = (uintptr_t)pin, .pin_len = strlen(pin),
	};

	return xioctl(fd, SKS_IOC_LOGIN, &l);
}

static int init_role(int fd, uint32_t role, const char *pin)
{
	struct sks_init_role ir = {
		.role = role, .pin = (uintptr_t)pin, .pin_len = strlen(pin),
	};

	return xioctl(fd, SKS_IOC_INIT_ROLE, &ir);
}

/* Create a slot of @type and make it usable: roles, for partitions. */
static int provision(int ctl, uint32_t type)
{
	struct sks_slot_create sc = { .type = type };
	struct sks_partition_init pi = {
		.so_pin = (uintptr_t)SO_PIN, .so_pin_len = strlen(SO_PIN),
		.domain = (uintptr_t)DOMAIN, .domain_len = strlen(DOMAIN),
		.label = "sks-fuzz",
	};
	struct sks_simple lo = { 0 };
	int fd, err;

	if (type == SKS_SLOT_BACKUP) {
		sc.so_secret = (uintptr_t)HSM_SO;
		sc.so_secret_len = strlen(HSM_SO);
	}
	err = xioctl(ctl, SKS_CTL_CREATE_SLOT, &sc);
	if (err)
		return err;
	INC(st->slots_created);
	if (type == SKS_SLOT_BACKUP)
		return sc.slot;
	fd = open_slot(sc.slot);
	if (fd < 0)
		return sc.slot;	/* deleted meanwhile: still a number */
	if (!xioctl(fd, SKS_IOC_PARTITION_INIT, &pi) &&
	    !login(fd, SKS_ROLE_SO, SO_PIN)) {
		init_role(fd, SKS_ROLE_CO, CO_PIN);
		init_role(fd, SKS_ROLE_CU, CU_PIN);
		xioctl(fd, SKS_IOC_LOGOUT, &lo);
	}
	close(fd);
	return sc.slot;
}

static const uint32_t live_types[NR_LIVE] = {
	SKS_SLOT_V0, SKS_SLOT_V1, SKS_SLOT_BACKUP,
};

/* Delete a slot (never one that was there before us), maybe replace it. */
static void churn(struct worker *w)
{
	struct sks_slot_delete d = { 0 };
	int k = rnd(&w->rng, NR_LIVE);

	d.slot = chance(&w->rng, 10) ?
		 __atomic_load_n(&st->live[k], __ATOMIC_RELAXED) :
		 chance(&w->rng, 80) ? pick_created(w) :
		 rnd(&w->rng, SKS_MAX_SLOTS + 4);
	if (d.slot < SKS_MAX_SLOTS && preexisting[d.slot])
		return;
	INC(st->calls);
	if (xioctl(proc.fds[0], SKS_CTL_DELETE_SLOT, &d)) {
		INC(st->err[errno < ERRNO_MAX ? errno : 0]);
		return;
	}
	INC(st->ok);
	INC(st->slots_deleted);
	forget_slot(d.slot);
	replace_live(d.slot);
}

/* A provisioned slot was deleted: make another of its type. */
static void replace_live(uint32_t slot)
{
	int k, s;

	for (k = 0; k < NR_LIVE; k++) {
		if (__atomic_load_n(&st->live[k], __ATOMIC_RELAXED) != slot)
			continue;
		s = provision(proc.fds[0], live_types[k]);
		if (s >= 0) {
			__atomic_store_n(&st->live[k], s, __ATOMIC_RELAXED);
			INC(st->reprovisioned);
		}
	}
}

/*
 * Random wrong secrets reach the bad-attempt limits of the provisioned
 * slots: a locked CO or CU, a partition zeroized by ten wrong SO secrets,
 * a Backup HSM whose SO is locked out for minutes. Such a slot no longer
 * lets calls reach deep paths: replace it with a fresh one.
 */
static void heal(struct worker *w)
{
	const uint32_t stuck = SKS_STATE_CO_LOCKED | SKS_STATE_CU_LOCKED |
			       SKS_STATE_SO_LOCKED | SKS_STATE_ZEROIZED;
	struct sks_session_info si = { 0 };
	struct sks_slot_delete d = { 0 };
	int fd, err;

	d.slot = __atomic_load_n(&st->live[rnd(&w->rng, NR_LIVE)],
				 __ATOMIC_RELAXED);
	fd = open_slot(d.slot);
	if (fd < 0)
		return;
	err = xioctl(fd, SKS_IOC_SESSION_INFO, &si);
	close(fd);
	if (err || (!(si.state & stuck) && (si.type == SKS_SLOT_BACKUP ||
					     (si.state & SKS_STATE_INITIALIZED))))
		return;
	if (xioctl(proc.fds[0], SKS_CTL_DELETE_SLOT, &d))
		return;
	INC(st->healed);
	forget_slot(d.slot);
	replace_live(d.slot);
}

/* Close and reopen one of the process's descriptors. */
static void reopen(struct worker *w)
{
	int i = rnd(&w->rng, NR_FDS), fd, old, k, type = -1;
	uint32_t slot;

	if (i == 0) {
		fd = open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	} else {
		k = rnd(&w->rng, NR_LIVE);
		slot = st->live[k];
		type = live_types[k];
		if (chance(&w->rng, 15)) {
			slot = rnd(&w->rng, SKS_MAX_SLOTS + 2);
			type = -1;
		}
		if (slot < SKS_MAX_SLOTS && preexisting[slot])
			slot = st->live[0];
		fd = open_slot(slot);
		if (fd < 0) {
			/* count the miss, then take a slot that exists */
			INC(st->opens);
			INC(st->open_fail);
			INC(st->open_err[errno < ERRNO_MAX ? errno : 0]);
			k = rnd(&w->rng, NR_LIVE);
			fd = open_slot(st->live[k]);
			type = live_types[k];
		}
		if (fd >= 0 && chance(&w->rng, 50))
			login(fd, chance(&w->rng, 80) ? SKS_ROLE_CO :
			      SKS_ROLE_CU, chance(&w->rng, 80) ? CO_PIN : CU_PIN);
	}
	INC(st->opens);
	if (fd < 0) {
		INC(st->open_fail);
		INC(st->open_err[errno < ERRNO_MAX ? errno : 0]);
	}
	__atomic_store_n(&proc.types[i], type, __ATOMIC_RELAXED);
	for (k = 0; k < FD_HANDLES; k++)
		__atomic_store_n(&fd_handles[i][k], 0, __ATOMIC_RELAXED);
	old = __atomic_exchange_n(&proc.fds[i], fd, __ATOMIC_RELAXED);
	if (old >= 0 && chance(&w->rng, 95)) {
		close(old);
		INC(st->closes);
	}
}

/* read, write, lseek and mmap, none of which the driver offers. */
static void do_rw(struct worker *w)
{
	int fd = pick_fd(w);
	uint8_t buf[64];
	ssize_t n;
	void *p;

	INC(st->rw_calls);
	switch (rnd(&w->rng, 4)) {
	case 0:
		n = read(fd, buf, sizeof(buf));
		(void)n;
		break;
	case 1:
		memset(buf, 0, sizeof(buf));
		n = write(fd, buf, sizeof(buf));
		(void)n;
		break;
	case 2:
		lseek(fd, rnd(&w->rng, 100), SEEK_SET);
		break;
	default:
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			munmap(p, PAGE);
	}
}

static bool time_up(uint64_t done)
{
	if (stop || (max_calls && done >= max_calls))
		return true;
	return time(NULL) >= deadline;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t n = 0;
	unsigned int x;

	while (!time_up(n)) {
		x = rnd(&w->rng, 1000);
		if (x < 15)
			reopen(w);
		else if (x < 17 || (x < 60 &&
			 __builtin_popcount(__atomic_load_n(&st->created,
					    __ATOMIC_RELAXED)) > 12))
			churn(w);
		else if (x < 25)
			do_rw(w);
		else if (x < 27)
			heal(w);
		else
			do_ioctl(w);
		n++;
	}
	return NULL;
}

/* One process: NR_FDS descriptors, @threads workers. */
static int child_main(int id, int threads, uint64_t seed)
{
	struct worker *ws = calloc(threads, sizeof(*ws));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	int i;

	if (!ws || !tids)
		return 2;
	proc.fds[0] = open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	proc.types[0] = -1;
	for (i = 1; i < NR_FDS; i++) {
		proc.fds[i] = open_slot(st->live[i % NR_LIVE]);
		proc.types[i] = live_types[i % NR_LIVE];
		if (proc.fds[i] >= 0 && i % 2)
			login(proc.fds[i], SKS_ROLE_CO, CO_PIN);
	}
	for (i = 0; i < threads; i++) {
		ws[i].id = id * 100 + i;
		ws[i].rng.s = seed ^ (0x9e3779b97f4a7c15ULL * (ws[i].id + 1));
		if (!ws[i].rng.s)
			ws[i].rng.s = 1;
		if (!alloc_worker_mem(&ws[i])) {
			perror("sks-fuzz: mmap");
			return 2;
		}
		if (pthread_create(&tids[i], NULL, worker_main, &ws[i])) {
			perror("sks-fuzz: pthread_create");
			return 2;
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	for (i = 0; i < NR_FDS; i++)
		if (proc.fds[i] >= 0)
			close(proc.fds[i]);
	return 0;
}

/* Blobs and an image for the samples, made the honest way. */
static void make_samples(void)
{
	struct sks_generate_key g = {
		.mechanism = SKS_CKM_AES_KEY_GEN,
		.attrs = {
			.obj_class = SKS_CKO_SECRET_KEY, .key_type = SKS_CKK_AES,
			.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE |
				 SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT,
			.value_len = 32, .label_len = 4, .label = "fuzz",
		},
	};
	struct sks_generate_key hm = g;
	static uint8_t buf[SKS_MAX_BLOB_SIZE];
	uint32_t handles[2];
	struct sks_extract ex = {
		.handles = (uintptr_t)handles, .blob = (uintptr_t)buf,
		.blob_len = sizeof(buf),
	};
	struct sks_archive_backup ab = {
		.so_secret = (uintptr_t)HSM_SO, .so_secret_len = strlen(HSM_SO),
		.user_secret = (uintptr_t)USER_SECRET,
		.user_secret_len = strlen(USER_SECRET),
	};
	struct sks_image_save is = {
		.image = (uintptr_t)buf, .image_len = sizeof(buf),
		.so_secret = (uintptr_t)HSM_SO, .so_secret_len = strlen(HSM_SO),
	};
	int v0, v1, bk, i;

	v0 = open_slot(st->live[0]);
	v1 = open_slot(st->live[1]);
	bk = open_slot(st->live[2]);
	if (v1 >= 0 && !login(v1, SKS_ROLE_CO, CO_PIN)) {
		hm.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN;
		hm.attrs.key_type = SKS_CKK_GENERIC_SECRET;
		hm.attrs.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN |
				 SKS_OBJ_VERIFY;
		hm.attrs.value_len = 64;
		if (!xioctl(v1, SKS_IOC_GENERATE_KEY, &g) &&
		    !xioctl(v1, SKS_IOC_GENERATE_KEY, &hm)) {
			learn_handle(NULL, g.handle);
			learn_handle(NULL, hm.handle);
			handles[0] = g.handle;
			handles[1] = hm.handle;
			for (i = 1; i <= 2; i++) {
				ex.count = i;
				ex.blob_len = sizeof(buf);
				if (!xioctl(v1, SKS_IOC_EXTRACT, &ex)) {
					sample_put(&blobs[i - 1], buf,
						   ex.blob_len);
					sample_put(&blobs[i + 1], buf,
						   ex.blob_len);
				}
			}
		} else {
			fprintf(stderr, "sks-fuzz: setup: no key: %m\n");
		}
		ab.backup_slot = st->live[2];
		if (xioctl(v1, SKS_IOC_ARCHIVE_BACKUP, &ab))
			fprintf(stderr, "sks-fuzz: setup: SKS backup: %m\n");
	}
	if (v0 >= 0 && !login(v0, SKS_ROLE_CO, CO_PIN)) {
		struct sks_create_object co = {
			.value = (uintptr_t)"token data",
			.attrs = { .obj_class = SKS_CKO_DATA,
				   .flags = SKS_OBJ_TOKEN, .value_len = 10 },
		};

		if (!xioctl(v0, SKS_IOC_CREATE_OBJECT, &co))
			learn_handle(NULL, co.handle);
		memset(ab.name, 0, sizeof(ab.name));
		memcpy(ab.name, "fuzz-clone", 10);
		ab.backup_slot = st->live[2];
		if (xioctl(v0, SKS_IOC_ARCHIVE_BACKUP, &ab))
			fprintf(stderr, "sks-fuzz: setup: clone backup: %m\n");
	}
	if (bk >= 0) {
		if (!xioctl(bk, SKS_IOC_IMAGE_SAVE, &is)) {
			sample_put(&images[0], buf, is.image_len);
			sample_put(&images[1], buf, is.image_len);
		} else {
			fprintf(stderr, "sks-fuzz: setup: image save: %m\n");
		}
	}
	for (i = 0; i < 2; i++)
		if (!blobs[i].len)
			fprintf(stderr, "sks-fuzz: setup: no blob sample %d\n",
				i);
	if (v0 >= 0)
		close(v0);
	if (v1 >= 0)
		close(v1);
	if (bk >= 0)
		close(bk);
}

/* Slots that exist now, as a bitmap; -errno on error. */
static int64_t slot_map(int ctl)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_slot_list l = {
		.entries = (uintptr_t)e, .count = SKS_MAX_SLOTS,
		.entry_size = sizeof(e[0]),
	};
	int64_t map = 0;
	uint32_t i;
	int err = xioctl(ctl, SKS_CTL_LIST_SLOTS, &l);

	if (err)
		return err;
	for (i = 0; i < l.count && i < SKS_MAX_SLOTS; i++)
		if (e[i].slot < SKS_MAX_SLOTS)
			map |= 1LL << e[i].slot;
	return map;
}

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

static void report(double secs, int procs, int threads)
{
	unsigned int distinct = 0, i;

	printf("sks-fuzz: %" PRIu64 " calls in %.0f s (%d processes x %d threads), %" PRIu64 " succeeded\n",
	       st->calls, secs, procs, threads, st->ok);
	printf("sks-fuzz: errnos:");
	for (i = 1; i < ERRNO_MAX; i++) {
		if (!st->err[i])
			continue;
		distinct++;
		printf(" %s=%" PRIu64, strerrorname_np(i) ?: "?", st->err[i]);
	}
	if (st->err[0])
		printf(" other=%" PRIu64, st->err[0]);
	printf("\nsks-fuzz: %u distinct errnos\n", distinct);
	printf("sks-fuzz: commands (calls/ok):");
	for (i = 0; i < NR_CMDS; i++)
		printf(" %s=%" PRIu64 "/%" PRIu64, cmds[i].name + 4,
		       st->cmd_calls[i], st->cmd_ok[i]);
	printf(" random-nr=%" PRIu64 " other-type=%" PRIu64
	       " bad-size-or-dir=%" PRIu64 "\n",
	       st->extra_calls[X_RANDOM_NR], st->extra_calls[X_RANDOM_TYPE],
	       st->extra_calls[X_BAD_SHAPE]);
	printf("sks-fuzz: opens %" PRIu64 " (%" PRIu64 " failed), closes %" PRIu64
	       ", read/write/mmap %" PRIu64 ", slots created %" PRIu64
	       ", deleted %" PRIu64 ", re-provisioned %" PRIu64
	       " (%" PRIu64 " locked or zeroized)\n",
	       st->opens, st->open_fail, st->closes, st->rw_calls,
	       st->slots_created, st->slots_deleted, st->reprovisioned,
	       st->healed);
	printf("sks-fuzz: failed opens:");
	for (i = 0; i < ERRNO_MAX; i++)
		if (st->open_err[i])
			printf(" %s=%" PRIu64, strerrorname_np(i) ?: "?",
			       st->open_err[i]);
	printf("\nsks-fuzz: learned %" PRIu64 " handles, %" PRIu64
	       " blobs, %" PRIu64 " images\n", st->handles_learned,
	       st->blobs_learned, st->images_learned);
	printf("sks-fuzz: result-code mismatches %" PRIu64, st->result_mismatch);
	if (st->result_mismatch)
		printf(" (first: %s returned %d errno %u with result %#x)",
		       cmds[st->mismatch_cmd].name, (int)st->mismatch_ret,
		       st->mismatch_errno, st->mismatch_result);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sks-fuzz [-t SECONDS] [-n CALLS] [-p PROCS] [-j THREADS] [-s SEED] [-k] [-v]\n"
		"  -t  run time (default 20 s)\n"
		"  -n  stop each worker after this many actions\n"
		"  -p  processes (default 2), -j threads per process (default 3)\n"
		"  -s  seed (default: time and pid)\n"
		"  -k  keep the slots created (default: delete them at the end)\n"
		"  -v  verbose (twice: every call)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int seconds = 20, procs = 2, threads = 3, keep = 0, opt, i, ctl, s;
	int status, failed = 0, alive;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct timespec t0, t1;
	struct sigaction sa;
	int64_t before, after;
	pid_t *pids;

	while ((opt = getopt(argc, argv, "t:n:p:j:s:kv")) != -1) {
		switch (opt) {
		case 't':
			seconds = atoi(optarg);
			break;
		case 'n':
			max_calls = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			procs = atoi(optarg);
			break;
		case 'j':
			threads = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			keep = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (seconds < 1 || procs < 1 || procs > 64 || threads < 1 ||
	    threads > 64 || optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 16 * PAGE, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED || unmapped == MAP_FAILED) {
		perror("sks-fuzz: mmap");
		return 2;
	}
	for (i = 0; i < (int)NR_SAMPLES; i++)
		pthread_mutex_init(&blobs[i].lock, NULL);
	for (i = 0; i < 2; i++)
		pthread_mutex_init(&images[i].lock, NULL);

	ctl = open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		perror("sks-fuzz: " SKS_CONTROL_DEVICE);
		return 2;
	}
	before = slot_map(ctl);
	if (before < 0) {
		fprintf(stderr, "sks-fuzz: list slots: %s\n",
			strerror((int)-before));
		return 2;
	}
	for (i = 0; i < SKS_MAX_SLOTS; i++)
		preexisting[i] = before & (1LL << i);
	for (i = 0; i < NR_LIVE; i++) {
		s = provision(ctl, live_types[i]);
		if (s < 0) {
			fprintf(stderr, "sks-fuzz: create slot type %u: %s\n",
				live_types[i], strerror(-s));
			return 2;
		}
		st->live[i] = s;
	}
	make_samples();
	printf("sks-fuzz: seed %#" PRIx64 ", slots V0 %u, V1 %u, Backup %u, %d s\n",
	       seed, st->live[0], st->live[1], st->live[2], seconds);

	pids = calloc(procs, sizeof(*pids));
	if (!pids)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline = time(NULL) + seconds;
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("sks-fuzz: fork");
			return 2;
		}
		if (!pids[i]) {
			close(ctl);
			_exit(child_main(i, threads,
					 seed + 0x100000001ULL * i));
		}
	}

	/* Wait for the workers; a hang (a stuck ioctl) is a failure. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: waitpid() returns */
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds + 120);
	alive = procs;
	while (alive > 0) {
		pid_t pid = waitpid(-1, &status, 0);

		if (pid < 0 && errno == EINTR && stop) {
			fprintf(stderr, "sks-fuzz: workers still running 120 s after the deadline: hung?\n");
			for (i = 0; i < procs; i++)
				kill(pids[i], SIGKILL);
			failed = 1;
			stop = 0;
			continue;
		}
		if (pid < 0)
			break;
		alive--;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "sks-fuzz: worker %d %s %d\n", pid,
				WIFSIGNALED(status) ? "killed by signal" :
				"exited with", WIFSIGNALED(status) ?
				WTERMSIG(status) : WEXITSTATUS(status));
			failed = 1;
		}
	}
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report(t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       procs, threads);

	if (keep) {
		printf("sks-fuzz: slots kept\n");
		return failed;
	}
	/* Delete every slot that was not there before. */
	after = slot_map(ctl);
	if (after < 0) {
		fprintf(stderr, "sks-fuzz: list slots: %s\n",
			strerror((int)-after));
		return 1;
	}
	s = 0;
	for (i = 0; i < SKS_MAX_SLOTS; i++) {
		struct sks_slot_delete d = { .slot = i };

		if (!(after & (1LL << i)) || preexisting[i])
			continue;
		if (xioctl(ctl, SKS_CTL_DELETE_SLOT, &d))
			fprintf(stderr, "sks-fuzz: delete slot %d: %m\n", i);
		else
			s++;
	}
	after = slot_map(ctl);
	printf("sks-fuzz: cleanup: deleted %d slots, %s\n", s,
	       after == before ? "the slots from before remain, no other" :
	       "slots LEFT BEHIND");
	if (after != before)
		failed = 1;
	close(ctl);
	return failed;
}
