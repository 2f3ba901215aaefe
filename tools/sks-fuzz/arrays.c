// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - pointers to structs and to arrays of structs that hold
 * pointers themselves: the attributes of a key pair, the authorisation
 * secrets of a blob (struct sks_auth_secret), multi-sign, rewrap and batch
 * items; EC public keys and state records seen before; keyring key
 * descriptions; and the fix-ups that make a valid call coherent across
 * its fields.
 *
 * Each is mostly what a valid call passes and sometimes hostile: a wrong
 * struct size or count (0, one off, the limit and one beyond, huge so that
 * count * size wraps), NULL, unmapped, kernel, read-only or
 * page-straddling pointers, pointers into the argument struct or into the
 * array itself, reserved fields set, lengths that do not match.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

struct points points[2];
struct sigsample sigs[2];

/* The base points G of P-256 and P-384 (SEC 2): valid peers from the start. */
static const uint8_t g256[65] = {
	0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
	0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33,
	0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f, 0xe3, 0x42,
	0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e,
	0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40,
	0x68, 0x37, 0xbf, 0x51, 0xf5,
};

static const uint8_t g384[97] = {
	0x04, 0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7,
	0x1e, 0xf3, 0x20, 0xad, 0x74, 0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b,
	0x98, 0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55, 0x02, 0xf2,
	0x5d, 0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a,
	0xb7, 0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98,
	0xbf, 0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d, 0xbd, 0x28, 0x9a, 0x14,
	0x7c, 0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1,
	0xce, 0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e,
	0x5f,
};

/* Slot record layout (driver/state_codec.c, <linux/sks_format.h>). */
#define REC_HDR_LEN	448
#define REC_WRAPS	184	/* 3 wraps of 88 bytes */
#define REC_WRAP_LEN	88
#define REC_WRAP_ITER	4	/* __u32 PBKDF2 iterations of a wrap */
#define REC_TRAILER	SKS_REC_TRAILER_LEN
#define REC_SUM		32	/* SHA-256, the last bytes of every record */

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static bool is_ecdsa(uint32_t mech)
{
	return mech == SKS_CKM_ECDSA || mech == SKS_CKM_ECDSA_SHA256 ||
	       mech == SKS_CKM_ECDSA_SHA384;
}

void point_put(const uint8_t *p, uint32_t len)
{
	struct points *pt = &points[len == 97];

	if ((len != 65 && len != 97) || p[0] != 4)
		return;
	pthread_mutex_lock(&pt->lock);
	memcpy(pt->p[pt->n % NR_POINTS], p, len);
	pt->n++;
	pthread_mutex_unlock(&pt->lock);
	INC(st->points_learned);
}

void sig_put(int fdidx, uint32_t handle, uint32_t mech, uint32_t flags,
	     const uint8_t *data, uint32_t dlen, const uint8_t *sig,
	     uint32_t slen)
{
	struct sigsample *s = &sigs[handle & 1];

	if (dlen > sizeof(s->data) || slen > sizeof(s->sig))
		return;
	pthread_mutex_lock(&s->lock);
	s->fdidx = fdidx;
	s->handle = handle;
	s->mech = mech;
	s->flags = flags;
	s->dlen = dlen;
	s->slen = slen;
	memcpy(s->data, data, dlen);
	memcpy(s->sig, sig, slen);
	pthread_mutex_unlock(&s->lock);
	INC(st->sigs_learned);
}

/* ---- struct sks_obj_attrs of a key pair -------------------------------- */

static void ec_template(struct worker *w, struct sks_obj_attrs *a, bool priv)
{
	static const uint32_t use[] = {
		SKS_OBJ_SIGN, SKS_OBJ_DERIVE, SKS_OBJ_SIGN | SKS_OBJ_DERIVE,
	};
	struct rng *r = &w->rng;

	memset(a, 0, sizeof(*a));
	a->key_type = SKS_CKK_EC;
	a->label_len = 8;
	memcpy(a->label, priv ? "fuzz-ecq" : "fuzz-ecp", 8);
	if (priv) {
		a->obj_class = SKS_CKO_PRIVATE_KEY;
		a->flags = use[rnd(r, 3)] |
			   (chance(r, 70) ? SKS_OBJ_EXTRACTABLE : 0) |
			   (chance(r, 50) ? SKS_OBJ_SENSITIVE : 0);
		a->value_len = chance(r, 50) ? 0 : w->curve ? 48 : 32;
		if (chance(r, 15))
			a->usage_limit = 1 + rnd(r, 5);
	} else {
		a->obj_class = SKS_CKO_PUBLIC_KEY;
		a->flags = SKS_OBJ_VERIFY |
			   (chance(r, 50) ? SKS_OBJ_EXTRACTABLE : 0);
		a->value_len = chance(r, 50) ? 0 : point_len(w->curve);
	}
	if (w->fdtype == SKS_SLOT_V0 && chance(r, 20))
		a->flags |= SKS_OBJ_TOKEN;
}

static void fill_attrs_ptr(struct worker *w, const struct cmd *c,
			   const struct field *f, uint8_t *arg, bool priv)
{
	static const uint32_t sizes[] = {
		0, 8, SKS_OBJ_ATTRS_SIZE_VER0 - 1, SKS_OBJ_ATTRS_SIZE_VER0,
		SKS_OBJ_ATTRS_SIZE_VER0 + 1, SKS_OBJ_ATTRS_SIZE_VER0 + 8, 256,
		PAGE, PAGE + 1,
	};
	struct rng *r = &w->rng;
	struct sks_obj_attrs a;
	uint32_t size = sizeof(a), room;
	uint8_t *buf;
	uint64_t ptr;

	if (!w->sane && chance(r, 30))
		size = chance(r, 85) ? sizes[rnd(r, ARRAY_SIZE(sizes))] :
				       rnd_u32(r);
	if (w->sane || chance(r, 70))
		ec_template(w, &a, priv);
	else
		sane_attrs(w, c, &a, 0);	/* a secret key's: refused */
	if (!w->sane && chance(r, 10))
		random_attrs(w, &a);
	room = size > sizeof(a) && size <= 2 * PAGE ? size : sizeof(a);
	buf = take(w, room);
	if (buf) {
		memset(buf, 0, room);
		memcpy(buf, &a, sizeof(a));
		/* a longer struct must have an all-zero tail */
		if (room > sizeof(a) && !w->sane && chance(r, 40))
			fill_random(w, buf + sizeof(a), room - sizeof(a));
	}
	ptr = hostile(w, buf, size, w->argmem);
	/* the same struct for both halves */
	if (priv && !w->sane && chance(r, 8))
		memcpy(&ptr, arg + offsetof(struct sks_generate_key_pair,
					    pub_attrs), 8);
	put_u64(arg + f->off, ptr);
	put_u32(arg + f->len, size);
}

/* ---- struct sks_auth_secret[] ------------------------------------------ */

/* @n distinct indices out of @from (@nfrom of them), in random order. */
static void pick_distinct(struct worker *w, uint8_t *out, uint32_t n,
			  const uint8_t *from, uint32_t nfrom)
{
	uint8_t pool[NR_AUTH];
	uint32_t i, j;

	memcpy(pool, from, nfrom);
	for (i = 0; i < n && i < nfrom; i++) {
		j = i + rnd(&w->rng, nfrom - i);
		out[i] = pool[j];
		pool[j] = pool[i];
	}
}

static void fill_auth(struct worker *w, const struct cmd *c,
		      const struct field *f, uint8_t *arg)
{
	static const uint8_t all[NR_AUTH] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	};
	struct rng *r = &w->rng;
	const struct smeta *b = &w->blob;
	bool known_blob = w->have_blob && b->n && b->n <= NR_AUTH &&
			  b->m && b->m <= b->n;
	uint8_t idx[NR_AUTH + 4];
	struct sks_auth_secret *a;
	uint32_t n, i, len;
	uint8_t *buf, *sb;
	bool known = true;

	if (w->sane) {
		if (c->nr == SKS_IOC_EXTRACT) {
			n = chance(r, 40) ? 0 : 1 + rnd(r, 4);
			pick_distinct(w, idx, n, all, NR_AUTH);
		} else if (known_blob) {
			n = b->m + (chance(r, 20) ? rnd(r, b->n - b->m + 1) : 0);
			pick_distinct(w, idx, n, b->idx, b->n);
		} else if (w->have_blob && b->n == AUTH_UNKNOWN) {
			n = 1 + rnd(r, 3);
			pick_distinct(w, idx, n, all, NR_AUTH);
		} else {
			n = 0;
		}
	} else {
		n = chance(r, 70) ? rnd(r, 5) : rnd(r, NR_AUTH + 3);
		for (i = 0; i < n; i++)
			idx[i] = rnd(r, NR_AUTH);
		/* the right ones first, mostly: the others count failures */
		if (known_blob && chance(r, 60))
			pick_distinct(w, idx, n < b->n ? n : b->n, b->idx,
				      b->n);
	}
	w->auth_n = 0;
	w->auth_known = true;
	if (!n && (w->sane || chance(r, 60))) {
		put_u64(arg + f->off, 0);
		put_u32(arg + f->len, 0);
		return;
	}
	buf = take(w, (size_t)n * sizeof(*a) + 1);
	for (i = 0; buf && i < n; i++) {
		a = (struct sks_auth_secret *)(buf + i * sizeof(*a));
		memset(a, 0, sizeof(*a));
		len = strlen(auth_secrets[idx[i]]);
		sb = take(w, SKS_PIN_MAX + 8);
		if (sb)
			memcpy(sb, auth_secrets[idx[i]], len);
		if (!w->sane && chance(r, 15)) {
			known = false;
			switch (rnd(r, 6)) {
			case 0:		/* out of SKS_PIN_MIN..SKS_PIN_MAX */
				len = chance(r, 50) ? rnd(r, SKS_PIN_MIN) :
				      SKS_PIN_MAX + 1 + rnd(r, 8);
				break;
			case 1:
				len = rnd_u32(r);
				break;
			case 2:
				a->reserved = rnd_u32(r) | 1;
				break;
			case 3:		/* a secret that is none of them */
				if (sb)
					fill_random(w, sb, len);
				break;
			case 4:		/* the array itself */
				sb = buf;
				break;
			default:
				sb = NULL;
			}
		}
		a->secret = hostile(w, sb, len, buf);
		a->len = len;
	}
	if (n > NR_AUTH)
		known = false;
	for (i = 0; i < n && i < NR_AUTH; i++)
		w->auth_idx[i] = idx[i];
	w->auth_n = n < NR_AUTH ? n : NR_AUTH;
	w->auth_known = known;
	put_u64(arg + f->off, hostile(w, buf, (size_t)n * sizeof(*a),
				      w->argmem));
	put_u32(arg + f->len, hostile_count(w, n, NR_AUTH));
}

/* ---- struct sks_multi_sign_item[] --------------------------------------- */

static void fill_ms_items(struct worker *w, const struct field *f,
			  uint8_t *arg)
{
	struct rng *r = &w->rng;
	uint32_t mech = get_u32(arg + offsetof(struct sks_multi_sign,
					       mechanism));
	struct sks_multi_sign_item *it;
	uint32_t n, i, dlen, room;
	uint8_t *buf, *data, *sig;

	n = w->sane ? 1 + rnd(r, 6) : chance(r, 80) ? 1 + rnd(r, 8) :
	    rnd(r, 64);
	buf = take(w, (size_t)n * sizeof(*it));
	for (i = 0; buf && i < n; i++) {
		it = (struct sks_multi_sign_item *)(buf + i * sizeof(*it));
		dlen = mech == SKS_CKM_ECDSA ? 1 + rnd(r, 64) : rnd(r, 300);
		if (!w->sane && chance(r, 10))
			dlen = chance(r, 50) ? 0 : rnd_len(r, SKS_MAX_DATA_SIZE + 16);
		room = w->sane || chance(r, 80) ? SKS_SIG_MAX_LEN :
		       rnd(r, SKS_SIG_MAX_LEN + 1);
		data = take(w, dlen);
		if (data)
			fill_random(w, data, dlen);
		sig = take(w, room);
		it->data = hostile(w, data, dlen, buf);
		it->sig = !w->sane && chance(r, 5) ? it->data :
			  hostile(w, sig, room, buf);
		it->data_len = !w->sane && chance(r, 5) ? rnd_u32(r) : dlen;
		it->sig_len = room;
	}
	put_u64(arg + f->off, hostile(w, buf, (size_t)n * sizeof(*it),
				      w->argmem));
	put_u32(arg + f->len, hostile_count(w, n, SKS_MAX_MULTI_SIGN));
}

/* ---- struct sks_rewrap_item[] ------------------------------------------- */

static void fill_rw_items(struct worker *w, const struct field *f,
			  uint8_t *arg)
{
	struct rng *r = &w->rng;
	bool query = chance(r, 15);
	struct sks_rewrap_item *it;
	uint32_t n, i, len, room;
	uint8_t *buf, *in, *out;

	n = w->sane || chance(r, 80) ? 1 + rnd(r, 3) : rnd(r, 8);
	buf = take(w, (size_t)n * sizeof(*it));
	for (i = 0; buf && i < n; i++) {
		struct smeta meta;

		it = (struct sks_rewrap_item *)(buf + i * sizeof(*it));
		memset(it, 0, sizeof(*it));
		memset(&meta, 0, sizeof(meta));
		if (i < 3) {	/* (the arena holds three of each) */
			in = take(w, SKS_MAX_BLOB_SIZE);
			len = in ? sample_copy(w, &blobs[rnd(r, NR_SAMPLES)],
					       in, SKS_MAX_BLOB_SIZE, false,
					       &meta) : 0;
			if (in) {	/* against the end of its room */
				memmove(in + SKS_MAX_BLOB_SIZE - len, in, len);
				in += SKS_MAX_BLOB_SIZE - len;
			}
			room = w->sane || chance(r, 80) ? SKS_MAX_BLOB_SIZE :
			       rnd(r, len + 1);
		} else {
			len = rnd_len(r, 256);
			in = take(w, len);
			if (in)
				fill_random(w, in, len);
			room = rnd_len(r, 256);
		}
		out = take(w, room);
		if (i < ARRAY_SIZE(w->rw_meta))
			w->rw_meta[i] = meta;
		it->in = hostile(w, in, len, buf);
		it->in_len = !w->sane && chance(r, 5) ?
			     (chance(r, 50) ? rnd_u32(r) : len + rnd(r, 3) - 1) :
			     len;
		/* all outputs 0 (a size query) or all set */
		if (query != (!w->sane && chance(r, 5)))
			it->out = 0;
		else
			it->out = !w->sane && chance(r, 5) ? it->in :
				  hostile(w, out, room, buf);
		it->out_len = room;
		if (!w->sane && chance(r, 10))
			it->result = rnd_u32(r);
		if (!w->sane && chance(r, 4))
			it->reserved = rnd_u32(r) | 1;
	}
	put_u64(arg + f->off, hostile(w, buf, (size_t)n * sizeof(*it),
				      w->argmem));
	put_u32(arg + f->len, hostile_count(w, n, SKS_MAX_REWRAP));
}

/* ---- struct sks_batch_op[], @op_size bytes apart ------------------------- */

static void fill_batch(struct worker *w, const struct field *f, uint8_t *arg)
{
	static const uint32_t hmacs[] = {
		SKS_CKM_SHA256_HMAC, SKS_CKM_SHA384_HMAC, SKS_CKM_SHA512_HMAC,
	};
	struct rng *r = &w->rng;
	uint32_t op_size = get_u32(arg + f->unit), stride, n, i;
	struct sks_batch_op op;
	uint8_t *buf, *p;

	stride = op_size >= sizeof(op) && op_size <= SKS_BATCH_OP_SIZE_MAX ?
		 op_size : sizeof(op);
	n = w->sane ? 1 + rnd(r, 4) : chance(r, 85) ? 1 + rnd(r, 6) :
	    rnd(r, SKS_BATCH_MAX_OPS + 8);
	if ((size_t)n * stride > 65536)
		n = 65536 / stride;
	buf = take(w, (size_t)n * stride);
	for (i = 0; buf && i < n; i++) {
		p = buf + (size_t)i * stride;
		memset(&op, 0, sizeof(op));
		op.op = 1 + rnd(r, 4);
		if (!w->sane && chance(r, 5))
			op.op = chance(r, 50) ? rnd(r, 8) : rnd_u32(r);
		op.handle = pick_handle_kind(w, 1U << (op.op <= SKS_BATCH_DECRYPT ?
							HK_AES : HK_HMAC));
		op.mechanism = op.op <= SKS_BATCH_DECRYPT ? SKS_CKM_AES_GCM :
			       hmacs[rnd(r, 3)];
		if (!w->sane && chance(r, 5))
			op.mechanism = rnd_u32(r);
		op.in_len = rnd(r, 200);
		switch (op.op) {
		case SKS_BATCH_ENCRYPT:
			op.out_len = op.in_len + SKS_GCM_TAG_LEN;
			break;
		case SKS_BATCH_DECRYPT:
			op.in_len += SKS_GCM_TAG_LEN;
			op.out_len = op.in_len;
			fill_random(w, op.iv, sizeof(op.iv));
			break;
		case SKS_BATCH_SIGN:
			op.out_len = 64;
			break;
		default:
			op.out_len = 32 + 16 * rnd(r, 3);
		}
		if (op.op <= SKS_BATCH_DECRYPT && chance(r, 50)) {
			uint8_t *aad;

			op.aad_len = rnd(r, 64);
			aad = take(w, op.aad_len);
			if (aad)
				fill_random(w, aad, op.aad_len);
			op.aad = hostile(w, aad, op.aad_len, buf);
		}
		{
			uint8_t *in = take(w, op.in_len), *out;

			if (in)
				fill_random(w, in, op.in_len);
			out = take(w, op.out_len);
			if (out && op.op == SKS_BATCH_VERIFY)
				fill_random(w, out, op.out_len);
			op.in = hostile(w, in, op.in_len, buf);
			op.out = hostile(w, out, op.out_len, buf);
		}
		if (!w->sane && chance(r, 5))
			op.in_len = rnd_u32(r);
		if (!w->sane && chance(r, 5))
			op.aad_len = rnd_len(r, SKS_MAX_DATA_SIZE + 16);
		memset(p, 0, stride);
		memcpy(p, &op, sizeof(op));
		/* bytes beyond the kernel's struct must be zero */
		if (stride > sizeof(op) && !w->sane && chance(r, 10))
			fill_random(w, p + sizeof(op), stride - sizeof(op));
	}
	put_u64(arg + f->off, hostile(w, buf, (size_t)n * stride, w->argmem));
	put_u32(arg + f->len, hostile_count(w, n, SKS_BATCH_MAX_OPS));
}

/* ---- EC public keys ------------------------------------------------------ */

static void fill_point(struct worker *w, const struct field *f, uint8_t *arg)
{
	struct rng *r = &w->rng;
	int curve = w->hkind == HK_PRIV384 ? 1 : w->hkind == HK_PRIV256 ? 0 :
		    (int)rnd(r, 2);
	struct points *pt = &points[curve];
	uint32_t len = point_len(curve);
	uint8_t *buf = take(w, 97 + 8);

	if (buf) {
		pthread_mutex_lock(&pt->lock);
		if (pt->n && chance(r, 80))
			memcpy(buf, pt->p[rnd(r, pt->n < NR_POINTS ? pt->n :
					      NR_POINTS)], len);
		else
			memcpy(buf, curve ? g384 : g256, len);
		pthread_mutex_unlock(&pt->lock);
	}
	if (buf && !w->sane && chance(r, 60)) {
		switch (rnd(r, 6)) {
		case 0:		/* off the curve */
			buf[1 + rnd(r, len - 1)] ^= 1U << rnd(r, 8);
			break;
		case 1:		/* compressed, infinity, hybrid: not accepted */
			buf[0] = "\x00\x02\x03\x06"[rnd(r, 4)];
			break;
		case 2:		/* x = 0 */
			memset(buf + 1, 0, len / 2);
			break;
		case 3:		/* the other curve's */
			memcpy(buf, curve ? g256 : g384, curve ? 65 : 97);
			len = curve ? 65 : 97;
			break;
		case 4:
			len = chance(r, 50) ? len + rnd(r, 3) - 1 : rnd_len(r, 200);
			break;
		default:	/* x, y = p or beyond */
			memset(buf + 1, 0xff, len - 1);
		}
	}
	put_u64(arg + f->off, hostile(w, buf, len, w->argmem));
	put_u32(arg + f->len, len);
}

/* ---- state records ------------------------------------------------------- */

/* The checksum a damaged record needs to get past it. */
static void reseal(uint8_t *p, uint32_t len)
{
	if (len >= REC_SUM)
		sha256(p, len - REC_SUM, p + len - REC_SUM);
}

static void fill_record(struct worker *w, const struct field *f, uint8_t *arg)
{
	struct rng *r = &w->rng;
	struct sample *s = &records[rnd(r, NR_RECORDS)];
	uint8_t iters[3][4], *buf, *p;
	uint32_t len, room = SKS_MAX_BLOB_SIZE, i, mode;
	bool slotrec, seal = true;

	buf = take(w, room);
	if (!buf) {
		put_u64(arg + f->off, bad_pointer(w, 64));
		put_u32(arg + f->len, rnd_len(r, 4096));
		return;
	}
	pthread_mutex_lock(&s->lock);
	len = s->len;
	memcpy(buf, s->buf, len);
	pthread_mutex_unlock(&s->lock);
	if (!len || (!w->sane && chance(r, 5))) {
		len = rnd_len(r, 4096);
		fill_random(w, buf, len);
		if (len >= 4 && chance(r, 50))
			memcpy(buf, chance(r, 50) ? SKS_REC_MAGIC :
			       SKS_HREC_MAGIC, 4);
		seal = chance(r, 50);
		goto out;
	}
	slotrec = len >= REC_HDR_LEN + REC_TRAILER &&
		  !memcmp(buf, SKS_REC_MAGIC, 4);
	for (i = 0; slotrec && i < 3; i++)
		memcpy(iters[i], buf + REC_WRAPS + i * REC_WRAP_LEN +
		       REC_WRAP_ITER, 4);
	p = buf + len - REC_TRAILER;
	mode = w->sane ? (chance(r, 50) ? 8 : 9) : rnd(r, 10);
	switch (mode) {
	case 0:		/* bit flips the checksum refuses */
		seal = false;
		/* fall through */
	case 1:		/* bit flips that get past it */
		for (i = 1 + rnd(r, 4); i; i--)
			buf[rnd(r, len)] ^= 1U << rnd(r, 8);
		break;
	case 2:		/* the trailer: counters, generation, flags */
		if (!slotrec)
			break;
		put_u32(p + 4 + 4 * rnd(r, 3), chance(r, 50) ?
			SKS_MAX_LOGIN_FAILURES - 1 + rnd(r, 3) : rnd_u32(r));
		if (chance(r, 30))
			put_u32(p + 28, chance(r, 50) ?
				SKS_MAX_SIM_FAILURES + rnd(r, 3) : rnd_u32(r));
		if (chance(r, 30))
			put_u64(p + 16, rnd_u64(r));
		if (chance(r, 20))
			put_u32(p + 24, rnd_u32(r));
		break;
	case 3:		/* truncated, or trailing bytes */
		if (chance(r, 50) || len >= room)
			len = rnd(r, len);
		else
			len += 1 + rnd(r, room - len < 64 ? room - len : 64);
		seal = chance(r, 70);
		break;
	case 4:		/* another format version */
		put_u32(buf + 4, (get_u32(buf + 4) & 0xffff0000) |
			(chance(r, 50) ? 2 : rnd(r, 0x10000)));
		break;
	case 5:		/* another HSM's */
		if (len >= 24)
			put_u64(buf + (slotrec ? SKS_REC_OFF_HSM_SERIAL : 8),
				rnd_u64(r));
		break;
	case 6:		/* slot type, wraps, capacity, payload length */
		if (slotrec)
			put_u32(buf + 12 + 4 * rnd(r, 10), rnd_u32(r));
		break;
	case 7:		/* another slot number, maybe out of range */
		if (slotrec)
			put_u32(buf + SKS_REC_OFF_NUM, rnd(r, SKS_MAX_SLOTS + 8));
		break;
	case 8:		/* intact: loads where its slot is gone */
		break;
	default:	/* a free slot number: loads (and cannot activate) */
		if (slotrec) {
			uint32_t num = rnd(r, SKS_MAX_SLOTS);

			for (i = 0; i < SKS_MAX_SLOTS && preexisting[num]; i++)
				num = (num + 1) % SKS_MAX_SLOTS;
			put_u32(buf + SKS_REC_OFF_NUM, num);
		}
	}
	/*
	 * A wrap's PBKDF2 count is left alone: up to 2^32 iterations would
	 * pass (see the report), hours of work under emulation.
	 */
	for (i = 0; slotrec && len >= REC_HDR_LEN && i < 3; i++)
		memcpy(buf + REC_WRAPS + i * REC_WRAP_LEN + REC_WRAP_ITER,
		       iters[i], 4);
out:
	if (seal)
		reseal(buf, len);
	/* up against the end of its room */
	memmove(buf + room - len, buf, len);
	buf += room - len;
	put_u64(arg + f->off, hostile(w, buf, len, w->argmem));
	if (w->sane || chance(r, 90))
		put_u32(arg + f->len, len);
	else if (chance(r, 90))
		put_u32(arg + f->len, chance(r, 50) ? len + rnd(r, 3) - 1 :
			rnd_u32(r));
	else	/* a large allocation that the copy then fails */
		put_u32(arg + f->len, SKS_STATE_MAX_SIZE - rnd(r, 2));
}

/* ---- keyring key descriptions --------------------------------------------- */

static void fill_keydesc(struct worker *w, const struct field *f, uint8_t *arg)
{
	static const char *const descs[] = {
		KEYDESC, "sks:none", "user:fuzz", "sks:", "s", "fuzz",
	};
	struct rng *r = &w->rng;
	uint32_t len;
	uint8_t *buf = take(w, SKS_KEYDESC_MAX + 16);

	if (!buf) {
		put_u64(arg + f->off, bad_pointer(w, 8));
		put_u32(arg + f->len, 8);
		return;
	}
	if (w->sane || chance(r, 60)) {
		const char *d = w->sane ? KEYDESC :
				descs[rnd(r, ARRAY_SIZE(descs))];

		len = strlen(d);
		memcpy(buf, d, len);
		if (!w->sane && chance(r, 15))
			buf[rnd(r, len)] = 0;	/* a NUL inside */
	} else {
		len = chance(r, 20) ? SKS_KEYDESC_MAX + rnd(r, 2) :
		      rnd(r, SKS_KEYDESC_MAX + 1);
		fill_random(w, buf, len);
	}
	put_u64(arg + f->off, hostile(w, buf, len, w->argmem));
	put_u32(arg + f->len, w->sane || chance(r, 90) ? len : rnd_u32(r));
}

void fill_struct_pointer(struct worker *w, const struct cmd *c,
			 const struct field *f, uint8_t *arg)
{
	switch (f->kind) {
	case K_P_PUBATTRS:
	case K_P_PRIVATTRS:
		fill_attrs_ptr(w, c, f, arg, f->kind == K_P_PRIVATTRS);
		break;
	case K_P_AUTH:
		fill_auth(w, c, f, arg);
		break;
	case K_P_MSITEMS:
		fill_ms_items(w, f, arg);
		break;
	case K_P_RWITEMS:
		fill_rw_items(w, f, arg);
		break;
	case K_P_BATCH:
		fill_batch(w, f, arg);
		break;
	case K_P_POINT:
		fill_point(w, f, arg);
		break;
	case K_P_RECORD:
		fill_record(w, f, arg);
		break;
	case K_P_KEYDESC:
		fill_keydesc(w, f, arg);
		break;
	default:
		put_u64(arg + f->off, bad_pointer(w, 64));
	}
}

/* ---- coherence of a valid call ------------------------------------------- */

/* VERIFY: a signature made before on this descriptor, with its key. */
static void replay_sig(struct worker *w, struct sks_sign *s)
{
	struct sigsample *g = &sigs[rnd(&w->rng, 2)];
	uint8_t *data, *sig;

	pthread_mutex_lock(&g->lock);
	if (g->fdidx == w->fdidx && w->fdidx >= 0) {
		data = take(w, g->dlen);
		sig = take(w, g->slen);
		if (data && sig) {
			memcpy(data, g->data, g->dlen);
			memcpy(sig, g->sig, g->slen);
			s->handle = g->handle;
			s->mechanism = g->mech;
			s->flags = g->flags;
			s->data = (uintptr_t)data;
			s->data_len = g->dlen;
			s->sig = (uintptr_t)sig;
			s->sig_len = g->slen;
		}
	}
	pthread_mutex_unlock(&g->lock);
}

/*
 * After every field of a valid call is filled: what one field implies for
 * another (the DER flag only with ECDSA, no shared data with CKD_NULL, the
 * HSM record without a slot number, no description to clear a policy).
 */
void sane_fixup(struct worker *w, const struct cmd *c, uint8_t *arg)
{
	struct rng *r = &w->rng;

	switch (c->nr) {
	case SKS_IOC_SIGN:
	case SKS_IOC_VERIFY: {
		struct sks_sign *s = (struct sks_sign *)arg;

		s->flags = is_ecdsa(s->mechanism) && chance(r, 50) ?
			   SKS_SIGN_DER : 0;
		if (s->mechanism == SKS_CKM_ECDSA && s->data_len > 64)
			s->data_len = 1 + rnd(r, 64);
		if (s->mechanism == SKS_CKM_ECDSA && !s->data_len) {
			uint8_t *h = take(w, 32);

			if (h) {
				fill_random(w, h, 32);
				s->data = (uintptr_t)h;
				s->data_len = 32;
			}
		}
		if (c->nr == SKS_IOC_VERIFY && chance(r, 60))
			replay_sig(w, s);
		break;
	}
	case SKS_IOC_MULTI_SIGN: {
		struct sks_multi_sign *m = (struct sks_multi_sign *)arg;

		m->flags = is_ecdsa(m->mechanism) && chance(r, 50) ?
			   SKS_SIGN_DER : 0;
		break;
	}
	case SKS_IOC_DERIVE_KEY: {
		struct sks_derive_key *d = (struct sks_derive_key *)arg;

		if (d->kdf == SKS_CKD_NULL) {
			d->shared_data = 0;
			d->shared_len = 0;
		}
		break;
	}
	case SKS_CTL_STATE_SAVE: {
		struct sks_state_save *s = (struct sks_state_save *)arg;

		if (s->flags & SKS_STATE_SAVE_HSM)
			s->slot = 0;
		break;
	}
	case SKS_IOC_AUTO_ACTIVATION: {
		struct sks_auto_activation *a =
			(struct sks_auto_activation *)arg;

		if (!(a->flags & SKS_AUTO_ACTIVATION_ON)) {
			a->desc = 0;
			a->desc_len = 0;
		}
		break;
	}
	}
}
