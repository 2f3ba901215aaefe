// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - argument generation: buffers from a per-thread arena that
 * ends at a guard page, bad pointers, random and valid field values,
 * secrets, attributes, and blobs and images seen before (maybe damaged).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"

static const char *const secrets[] = {
	SO_PIN, CO_PIN, CU_PIN, HSM_SO, USER_SECRET, DOMAIN,
};

struct sample blobs[NR_SAMPLES], images[2];

void sample_put(struct sample *s, const void *p, uint32_t len)
{
	if (len > sizeof(s->buf))
		return;
	pthread_mutex_lock(&s->lock);
	memcpy(s->buf, p, len);
	s->len = len;
	pthread_mutex_unlock(&s->lock);
}

uint32_t fd_handles[NR_FDS][FD_HANDLES];

uint8_t *unmapped;	/* a PROT_NONE region */

void *alloc_worker_mem(struct worker *w)
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
uint8_t *take(struct worker *w, size_t len)
{
	size_t align = chance(&w->rng, 80) ? 1 : 8;

	if ((size_t)(w->top - w->arena) < len + align)
		return NULL;
	w->top -= len;
	w->top = (uint8_t *)((uintptr_t)w->top & ~(uintptr_t)(align - 1));
	return w->top;
}

/* Some address that is not a usable buffer of @len bytes. */
uint64_t bad_pointer(struct worker *w, size_t len)
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

void fill_random(struct worker *w, uint8_t *p, size_t len)
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

void learn_handle(struct worker *w, uint32_t h)
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

void fill_field(struct worker *w, const struct cmd *c,
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
