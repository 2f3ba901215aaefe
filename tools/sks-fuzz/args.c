// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - argument generation: buffers from a per-thread arena that
 * ends at a guard page, bad pointers, random and valid field values,
 * secrets, attributes, handles of the kind a call needs, and blobs and
 * images seen before (maybe damaged). Pointers to structs and arrays of
 * structs are arrays.c's.
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

const char *const auth_secrets[NR_AUTH] = {
	"fuzz-auth-00", "fuzz-auth-01", "fuzz-auth-02", "fuzz-auth-03",
	"fuzz-auth-04", "fuzz-auth-05", "fuzz-auth-06", "fuzz-auth-07",
	"fuzz-auth-08", "fuzz-auth-09", "fuzz-auth-10", "fuzz-auth-11",
	"fuzz-auth-12", "fuzz-auth-13", "fuzz-auth-14", "fuzz-auth-15",
};

struct sample blobs[NR_SAMPLES], images[2], records[NR_RECORDS];

void sample_put(struct sample *s, const void *p, uint32_t len,
		const struct smeta *meta)
{
	if (len > sizeof(s->buf))
		return;
	pthread_mutex_lock(&s->lock);
	memcpy(s->buf, p, len);
	s->len = len;
	if (meta)
		s->meta = *meta;
	else
		memset(&s->meta, 0, sizeof(s->meta));
	pthread_mutex_unlock(&s->lock);
}

uint32_t fd_handles[NR_FDS][FD_HANDLES];
uint8_t fd_hkinds[NR_FDS][FD_HANDLES];
uint32_t fd_pairs[NR_FDS][FD_PAIRS][2];

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

/*
 * A copy of @s in @p (room @room), damaged more often than not unless the
 * call is meant to be valid; returns the length used. @meta gets what the
 * sample holds.
 */
uint32_t sample_copy(struct worker *w, struct sample *s, uint8_t *p,
		     uint32_t room, bool image, struct smeta *meta)
{
	uint32_t len, i, n;

	pthread_mutex_lock(&s->lock);
	len = s->len < room ? s->len : room;
	memcpy(p, s->buf, len);
	if (meta)
		*meta = s->meta;
	pthread_mutex_unlock(&s->lock);
	if (!len || chance(&w->rng, w->sane ? 90 : 40))
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

uint32_t pick_handle(struct worker *w)
{
	w->hkind = HK_ANY;
	if (w->fdidx >= 0 && chance(&w->rng, 60)) {
		unsigned int i = rnd(&w->rng, FD_HANDLES);

		w->hkind = __atomic_load_n(&fd_hkinds[w->fdidx][i],
					   __ATOMIC_RELAXED);
		return __atomic_load_n(&fd_handles[w->fdidx][i],
				       __ATOMIC_RELAXED);
	}
	if (chance(&w->rng, 60))
		return __atomic_load_n(&st->handles[rnd(&w->rng, 64)],
				       __ATOMIC_RELAXED);
	return chance(&w->rng, 50) ? rnd(&w->rng, 64) : rnd_u32(&w->rng);
}

/*
 * A handle of this descriptor whose kind is in @mask (bits 1 << HK_*),
 * else any handle.
 */
uint32_t pick_handle_kind(struct worker *w, unsigned int mask)
{
	unsigned int i, k, start;
	uint32_t h;

	if (w->fdidx < 0)
		return pick_handle(w);
	start = rnd(&w->rng, FD_HANDLES);
	for (i = 0; i < FD_HANDLES; i++) {
		k = (start + i) % FD_HANDLES;
		h = __atomic_load_n(&fd_handles[w->fdidx][k], __ATOMIC_RELAXED);
		w->hkind = __atomic_load_n(&fd_hkinds[w->fdidx][k],
					   __ATOMIC_RELAXED);
		if (h && (mask & (1U << w->hkind)))
			return h;
	}
	return pick_handle(w);
}

/* The kind of an object with these attributes. */
int attrs_kind(const struct sks_obj_attrs *a)
{
	if (a->obj_class == SKS_CKO_DATA)
		return HK_DATA;
	if (a->key_type == SKS_CKK_AES)
		return HK_AES;
	if (a->key_type == SKS_CKK_GENERIC_SECRET)
		return HK_HMAC;
	if (a->key_type != SKS_CKK_EC)
		return HK_ANY;
	if (a->obj_class == SKS_CKO_PRIVATE_KEY)
		return a->value_len == 48 ? HK_PRIV384 : HK_PRIV256;
	return a->value_len == 97 ? HK_PUB384 : HK_PUB256;
}

void learn_handle(struct worker *w, uint32_t h, int kind)
{
	static unsigned int next;

	if (!h)
		return;
	if (w && w->fdidx >= 0) {
		unsigned int i = rnd(&w->rng, FD_HANDLES);

		__atomic_store_n(&fd_handles[w->fdidx][i], h,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&fd_hkinds[w->fdidx][i], kind,
				 __ATOMIC_RELAXED);
	}
	if (!w || chance(&w->rng, 20))
		__atomic_store_n(&st->handles[__atomic_fetch_add(&next, 1,
				 __ATOMIC_RELAXED) % 64], h, __ATOMIC_RELAXED);
	INC(st->handles_learned);
}

void random_attrs(struct worker *w, struct sks_obj_attrs *a)
{
	static const uint32_t classes[] = {
		SKS_CKO_DATA, SKS_CKO_SECRET_KEY, SKS_CKO_PUBLIC_KEY,
		SKS_CKO_PRIVATE_KEY,
	};
	static const uint32_t types[] = {
		SKS_CKK_NONE, SKS_CKK_GENERIC_SECRET, SKS_CKK_AES, SKS_CKK_EC,
	};
	static const uint32_t lens[] = {
		0, 16, 24, 32, 64, 128, 129, 8, 48, 65, 97, 512, 513,
	};
	struct rng *r = &w->rng;

	memset(a, 0, sizeof(*a));
	a->obj_class = chance(r, 90) ? classes[rnd(r, 4)] : rnd_u32(r);
	a->key_type = chance(r, 90) ? types[rnd(r, 4)] : rnd_u32(r);
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

/*
 * A blob sample; for a valid SKS_IOC_MULTI_SIGN one of a single key that
 * signs, if there is one.
 */
static struct sample *pick_blob(struct worker *w, const struct cmd *c)
{
	struct sample *s = &blobs[rnd(&w->rng, NR_SAMPLES)];
	unsigned int i;
	uint8_t k;

	for (i = 0; c->nr == SKS_IOC_MULTI_SIGN && w->sane && i < 8; i++) {
		pthread_mutex_lock(&s->lock);
		k = s->meta.count == 1 ? s->meta.kind : HK_ANY;
		pthread_mutex_unlock(&s->lock);
		if (k == HK_HMAC || hk_priv(k))
			break;
		s = &blobs[rnd(&w->rng, NR_SAMPLES)];
	}
	return s;
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
	if (c->nr == SKS_IOC_DERIVE_KEY)
		return 1 + rnd(&w->rng, 64);	/* the KDF's shared info */
	return chance(&w->rng, 80) ? rnd(&w->rng, 300) :
	       rnd(&w->rng, SKS_MAX_DATA_SIZE + 1);
}

/* The usage flags a key of this kind may have. */
static uint32_t kind_usage(int kind)
{
	switch (kind) {
	case HK_AES:
		return SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
	case HK_HMAC:
		return SKS_OBJ_SIGN | SKS_OBJ_VERIFY;
	case HK_PRIV256:
	case HK_PRIV384:
		return SKS_OBJ_SIGN | SKS_OBJ_DERIVE;
	case HK_PUB256:
	case HK_PUB384:
		return SKS_OBJ_VERIFY;
	default:
		return 0;
	}
}

/*
 * SKS_IOC_SET_ATTRS: changes PKCS#11 allows for an object of the kind
 * picked (label, id; usage flags the type has, sensitive on, extractable
 * off), every field not named zero.
 */
static void sane_set_attrs(struct worker *w, struct sks_obj_attrs *a,
			   uint32_t flags)
{
	struct rng *r = &w->rng;
	uint32_t use = kind_usage(w->hkind);

	memset(a, 0, sizeof(*a));
	if (flags & SKS_SET_LABEL) {
		a->label_len = rnd(r, 13);
		memcpy(a->label, "fuzz-renamed", a->label_len);
	}
	if (flags & SKS_SET_ID) {
		a->id_len = rnd(r, 5);
		memset(a->id, 'a' + rnd(r, 26), a->id_len);
	}
	if (flags & SKS_SET_FLAGS) {
		a->flags = use & (uint32_t)rnd64(r);
		if (!a->flags)
			a->flags = use;
		if (w->hkind != HK_DATA && !hk_pub(w->hkind) &&
		    w->hkind != HK_ANY)
			a->flags |= SKS_OBJ_SENSITIVE;
		if (w->fdtype == SKS_SLOT_V0 && chance(r, 30))
			a->flags |= SKS_OBJ_TOKEN;
	}
}

/* Attributes a valid call would pass. */
void sane_attrs(struct worker *w, const struct cmd *c,
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
		static const uint32_t cl[] = {
			SKS_CKO_SECRET_KEY, SKS_CKO_DATA, SKS_CKO_PUBLIC_KEY,
			SKS_CKO_PRIVATE_KEY,
		};
		static const uint32_t kt[] = {
			SKS_CKK_AES, SKS_CKK_GENERIC_SECRET, SKS_CKK_EC,
		};

		a->obj_class = cl[rnd(r, 4)];
		a->key_type = kt[rnd(r, 3)];
		return;
	}
	if (c->nr == SKS_IOC_DERIVE_KEY) {	/* at most Z's 32 bytes */
		aes = chance(r, 50);
		a->obj_class = SKS_CKO_SECRET_KEY;
		a->key_type = aes ? SKS_CKK_AES : SKS_CKK_GENERIC_SECRET;
		a->value_len = aes ? 16 + 8 * rnd(r, 3) : 1 + rnd(r, 32);
		a->flags = SKS_OBJ_EXTRACTABLE |
			   (aes ? SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT :
				  SKS_OBJ_SIGN | SKS_OBJ_VERIFY);
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
		switch (c->nr) {
		case SKS_IOC_SET_ATTRS:		/* at least one */
			v = 1 + rnd(r, SKS_SET_LABEL | SKS_SET_ID |
				    SKS_SET_FLAGS);
			break;
		case SKS_IOC_AUTO_ACTIVATION:
			v = chance(r, 80) ? SKS_AUTO_ACTIVATION_ON : 0;
			break;
		case SKS_CTL_STATE_SAVE:
			v = chance(r, 25) ? SKS_STATE_SAVE_HSM : 0;
			break;
		case SKS_IOC_EXTRACT:	/* (deleting spoils the handles) */
			v = chance(r, 10) ? SKS_EXTRACT_DELETE : 0;
			break;
		case SKS_IOC_SIGN:
		case SKS_IOC_VERIFY:
		case SKS_IOC_MULTI_SIGN:
			break;		/* with the mechanism: sane_fixup() */
		default:	/* none, or one valid bit */
			if (c->flags && chance(r, 40)) {
				do {
					v = 1U << rnd(r, 32);
				} while (!(v & c->flags));
			}
		}
		put_u32(p, v);
		break;
	case K_U64:
		put_u64(p, chance(r, 50) ? 0 : 65536ULL << rnd(r, 5));
		break;
	case K_SLOT:
		if (c->nr == SKS_CTL_STATE_SAVE)
			v = chance(r, 70) ?
			    __atomic_load_n(&st->live[rnd(r, NR_LIVE)],
					    __ATOMIC_RELAXED) : pick_created(w);
		else
			v = __atomic_load_n(&st->live[2], __ATOMIC_RELAXED);
		put_u32(p, v);
		break;
	case K_CURVE:
		w->curve = rnd(r, 2);
		put_u32(p, w->curve ? SKS_EC_P384 : SKS_EC_P256);
		break;
	case K_KDF:
		v = rnd(r, 3);
		put_u32(p, v == 0 ? SKS_CKD_NULL : v == 1 ? SKS_CKD_SHA256_KDF :
			SKS_CKD_SHA384_KDF);
		break;
	case K_AUTH_M:	/* after the secrets: M of their N */
		put_u32(p, w->auth_n ? 1 + rnd(r, w->auth_n) : 0);
		break;
	case K_OPSIZE:
		put_u32(p, chance(r, 80) ? SKS_BATCH_OP_SIZE_VER0 :
			SKS_BATCH_OP_SIZE_VER0 + 8 * rnd(r, 25));
		break;
	case K_TYPE:
		put_u32(p, rnd(r, 3));
		break;
	case K_ROLE:
		v = rnd(r, 10);
		put_u32(p, v < 2 ? SKS_ROLE_SO : v < 4 ? SKS_ROLE_CU :
			SKS_ROLE_CO);
		break;
	case K_MECH: {
		static const uint32_t ecdsas[] = {
			SKS_CKM_ECDSA, SKS_CKM_ECDSA_SHA256,
			SKS_CKM_ECDSA_SHA384,
		};
		int kind = c->nr == SKS_IOC_MULTI_SIGN ? w->blob.kind :
			   w->hkind;

		if (c->nr == SKS_IOC_GENERATE_KEY)
			v = rnd(r, 2) ? SKS_CKM_AES_KEY_GEN :
					SKS_CKM_GENERIC_SECRET_KEY_GEN;
		else if (c->nr == SKS_IOC_GENERATE_KEY_PAIR)
			v = SKS_CKM_EC_KEY_PAIR_GEN;
		else if (c->nr == SKS_IOC_DERIVE_KEY)
			v = SKS_CKM_ECDH1_DERIVE;
		else if (c->nr == SKS_IOC_ENCRYPT || c->nr == SKS_IOC_DECRYPT)
			v = SKS_CKM_AES_GCM;
		else if (hk_priv(kind) || hk_pub(kind) ||
			 (kind == HK_ANY && chance(r, 50)))
			v = ecdsas[rnd(r, 3)];
		else
			v = hmacs[rnd(r, 3)];
		put_u32(p, v);
		break;
	}
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
		if (c->nr == SKS_IOC_SET_ATTRS) {
			memcpy(&v, arg, 4);	/* the flags */
			sane_set_attrs(w, (struct sks_obj_attrs *)p, v);
		} else {
			sane_attrs(w, c, (struct sks_obj_attrs *)p, mech);
		}
		break;
	}
	case K_HANDLE: {
		/* a handle of the kind the call needs */
		unsigned int m = 0;

		switch (c->nr) {
		case SKS_IOC_ENCRYPT:
		case SKS_IOC_DECRYPT:
			m = 1U << HK_AES;
			break;
		case SKS_IOC_SIGN:
			m = 1U << HK_HMAC | 1U << HK_PRIV256 | 1U << HK_PRIV384;
			break;
		case SKS_IOC_VERIFY:
			m = 1U << HK_HMAC | 1U << HK_PUB256 | 1U << HK_PUB384;
			break;
		case SKS_IOC_DERIVE_KEY:
			m = 1U << HK_PRIV256 | 1U << HK_PRIV384;
			break;
		case SKS_IOC_GET_VALUE:
			if (chance(r, 70))
				m = 1U << HK_DATA | 1U << HK_PUB256 |
				    1U << HK_PUB384;
			break;
		}
		/* (any live handle of the descriptor, else) */
		put_u32(p, pick_handle_kind(w, m ? m : (1U << HK_NR) - 1));
		break;
	}
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
					   pick_blob(w, c);

			buf = take(w, SKS_MAX_BLOB_SIZE);
			if (buf) {
				len = sample_copy(w, s, buf, SKS_MAX_BLOB_SIZE,
						  image, &w->blob);
				w->have_blob = !image;
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
		len = w->sane ? (chance(r, 50) ? 1 : 1 + rnd(r, 3)) :
		      chance(r, 80) ? rnd(r, 8) :
		      rnd_len(r, SKS_MAX_EXTRACT + 1);
		unit = 4;
		buf = take(w, (size_t)len * 4);
		for (uint32_t i = 0; buf && i < len; i++)
			/* one key that signs: a blob for SKS_IOC_MULTI_SIGN */
			put_u32(buf + 4 * i, len == 1 && chance(r, 70) ?
				pick_handle_kind(w, 1U << HK_HMAC |
						 1U << HK_PRIV256 |
						 1U << HK_PRIV384) :
				pick_handle(w));
		w->xkind = len == 1 ? w->hkind : HK_ANY;
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
		len = w->sane ? SKS_MAX_BLOB_SIZE + SKS_GCM_TAG_LEN :
		      chance(r, 70) ? rnd_len(r, 2 * SKS_MAX_BLOB_SIZE) :
		      rnd(r, SKS_MAX_BLOB_SIZE + 64);
		buf = take(w, len);
		break;
	default:
		fill_struct_pointer(w, c, f, arg);
		return;
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
		SKS_CKM_SHA512_HMAC, SKS_CKM_EC_KEY_PAIR_GEN, SKS_CKM_ECDSA,
		SKS_CKM_ECDSA_SHA256, SKS_CKM_ECDSA_SHA384,
		SKS_CKM_ECDH1_DERIVE,
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
		random_attrs(w, (struct sks_obj_attrs *)p);
		break;
	case K_CURVE:
		w->curve = rnd(r, 2);
		put_u32(p, chance(r, 85) ? rnd(r, 4) : rnd_u32(r));
		break;
	case K_KDF:
		put_u32(p, chance(r, 85) ? rnd(r, 9) : rnd_u32(r));
		break;
	case K_AUTH_M:
		put_u32(p, chance(r, 80) ? rnd(r, NR_AUTH + 2) : rnd_u32(r));
		break;
	case K_OPSIZE: {
		static const uint32_t v[] = {
			0, 1, 8, 63, 64, 65, 72, 128, 255, 256, 257, 4096,
		};

		put_u32(p, chance(r, 85) ? v[rnd(r, ARRAY_SIZE(v))] :
			rnd_u32(r));
		break;
	}
	default:
		fill_pointer(w, c, f, arg);
	}
}

/*
 * The pointer to pass for a buffer @buf of @len bytes: @buf itself when
 * the call is meant to be valid, and mostly otherwise; else NULL, an
 * unmapped, kernel, read-only or page-straddling address, or one that
 * overlaps another part of the call (the argument struct @arg, the
 * buffer's own second byte).
 */
uint64_t hostile(struct worker *w, uint8_t *buf, size_t len,
		 const uint8_t *arg)
{
	struct rng *r = &w->rng;

	if (buf && (w->sane || chance(r, 88)))
		return (uintptr_t)buf;
	if (chance(r, 30)) {
		if (arg && chance(r, 50))
			return (uintptr_t)arg + rnd(r, 16);
		if (buf && len > 1)
			return (uintptr_t)buf + 1;
	}
	return bad_pointer(w, len);
}

/*
 * The count of an array of @n entries (at most @max valid): @n when the
 * call is meant to be valid, mostly otherwise; else 0, one off, the
 * limit and one beyond, or huge (count * size wrapping around).
 */
uint32_t hostile_count(struct worker *w, uint32_t n, uint32_t max)
{
	struct rng *r = &w->rng;
	static const uint32_t big[] = {
		0x10000000, 0x20000000, 0x40000000, 0x80000000, 0xffffffff,
	};

	if (w->sane || chance(r, 80))
		return n;
	switch (rnd(r, 6)) {
	case 0:
		return 0;
	case 1:
		return n + 1;
	case 2:
		return n ? n - 1 : 0;
	case 3:
		return max + rnd(r, 2);
	case 4:
		return big[rnd(r, ARRAY_SIZE(big))];
	default:
		return rnd_u32(r);
	}
}
