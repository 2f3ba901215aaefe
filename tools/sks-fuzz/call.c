// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - one call: an ioctl with a generated argument on a
 * descriptor of the process (or read, write, lseek, mmap), its result
 * counted and checked, and what a success taught (handles, blobs, images,
 * slots).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

/* One of the slots the workers created, or SKS_MAX_SLOTS + something. */
uint32_t pick_created(struct worker *w)
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

void forget_slot(uint32_t slot)
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

struct proc proc;

static void count_result(int ret, int err)
{
	INC(st->calls);
	if (!ret)
		INC(st->ok);
	else
		INC(st->err[err > 0 && err < ERRNO_MAX ? err : 0]);
}

/* Output buffers we filled ourselves: only those are read back. */
static bool in_arena(struct worker *w, uint64_t p, uint64_t len)
{
	return p >= (uintptr_t)w->arena && len <= ARENA_SIZE &&
	       p + len <= (uintptr_t)w->arena + ARENA_SIZE;
}

static void learn_slot(uint32_t slot)
{
	if (slot < 32)
		__atomic_fetch_or(&st->created, 1U << slot, __ATOMIC_RELAXED);
	INC(st->slots_created);
}

/* A blob made by this call, with what it holds. */
static void learn_blob(struct worker *w, uint64_t p, uint32_t len,
		       const struct smeta *meta)
{
	if (!p || !in_arena(w, p, len))
		return;
	sample_put(&blobs[NR_FIXED + rnd(&w->rng, NR_SAMPLES - NR_FIXED)],
		   (const void *)(uintptr_t)p, len, meta);
}

static void learn_extract(struct worker *w, const struct sks_extract *ex)
{
	struct smeta m;

	if (!ex->blob)
		return;
	memset(&m, 0, sizeof(m));
	m.count = ex->count;
	m.kind = ex->count == 1 ? w->xkind : HK_ANY;
	if (ex->auth_count) {
		m.n = w->auth_known && ex->auth_count == w->auth_n ?
		      w->auth_n : AUTH_UNKNOWN;
		m.m = ex->auth_subset;
		memcpy(m.idx, w->auth_idx, sizeof(m.idx));
		INC(st->auth_blobs_learned);
	}
	learn_blob(w, ex->blob, ex->blob_len, &m);
	INC(st->blobs_learned);
}

static void learn_rewrap(struct worker *w, const struct sks_rewrap *rw)
{
	struct sks_rewrap_item it;
	uint32_t i;

	for (i = 0; i < rw->count && i < ARRAY_SIZE(w->rw_meta); i++) {
		if (!in_arena(w, rw->items + i * sizeof(it), sizeof(it)))
			return;
		memcpy(&it, (const void *)(uintptr_t)(rw->items +
						      i * sizeof(it)),
		       sizeof(it));
		if (!it.out || it.result != SKS_CKR_OK)
			continue;
		learn_blob(w, it.out, it.out_len, &w->rw_meta[i]);
		INC(st->rewrapped_learned);
	}
}

/* SIGN: the signature and the key that verifies it, for VERIFY. */
static void learn_sig(struct worker *w, const struct sks_sign *s)
{
	uint32_t vh = 0, i;

	if (w->fdidx < 0 || !s->sig || !in_arena(w, s->sig, s->sig_len) ||
	    !in_arena(w, s->data, s->data_len))
		return;
	if (w->hkind == HK_HMAC)
		vh = s->handle;
	for (i = 0; !vh && hk_priv(w->hkind) && i < FD_PAIRS; i++)
		if (__atomic_load_n(&fd_pairs[w->fdidx][i][1],
				    __ATOMIC_RELAXED) == s->handle)
			vh = __atomic_load_n(&fd_pairs[w->fdidx][i][0],
					     __ATOMIC_RELAXED);
	if (vh)
		sig_put(w->fdidx, vh, s->mechanism, s->flags,
			(const void *)(uintptr_t)s->data, s->data_len,
			(const void *)(uintptr_t)s->sig, s->sig_len);
}

/* What a successful call taught us. */
static void learn_output(struct worker *w, const struct cmd *c,
			 const uint8_t *arg, int fd)
{
	switch (c->nr) {
	case SKS_IOC_PARTITION_INIT:
		restore_roles(fd);
		break;
	case SKS_IOC_GENERATE_KEY: {
		const struct sks_generate_key *g = (const void *)arg;

		learn_handle(w, g->handle, attrs_kind(&g->attrs));
		break;
	}
	case SKS_IOC_CREATE_OBJECT: {
		const struct sks_create_object *co = (const void *)arg;

		learn_handle(w, co->handle, attrs_kind(&co->attrs));
		break;
	}
	case SKS_IOC_DERIVE_KEY: {
		const struct sks_derive_key *d = (const void *)arg;

		learn_handle(w, d->handle, attrs_kind(&d->attrs));
		break;
	}
	case SKS_IOC_GENERATE_KEY_PAIR: {
		const struct sks_generate_key_pair *kp = (const void *)arg;
		int curve = kp->curve == SKS_EC_P384;

		learn_handle(w, kp->pub_handle,
			     curve ? HK_PUB384 : HK_PUB256);
		learn_handle(w, kp->priv_handle,
			     curve ? HK_PRIV384 : HK_PRIV256);
		if (w->fdidx >= 0) {
			uint32_t *p = fd_pairs[w->fdidx][rnd(&w->rng,
							     FD_PAIRS)];

			__atomic_store_n(&p[0], kp->pub_handle,
					 __ATOMIC_RELAXED);
			__atomic_store_n(&p[1], kp->priv_handle,
					 __ATOMIC_RELAXED);
		}
		break;
	}
	case SKS_IOC_GET_VALUE: {
		const struct sks_get_value *gv = (const void *)arg;

		if (gv->buf && in_arena(w, gv->buf, gv->len))
			point_put((const void *)(uintptr_t)gv->buf, gv->len);
		break;
	}
	case SKS_IOC_SIGN:
		learn_sig(w, (const void *)arg);
		break;
	case SKS_IOC_EXTRACT:
		learn_extract(w, (const void *)arg);
		break;
	case SKS_IOC_REWRAP:
		learn_rewrap(w, (const void *)arg);
		break;
	case SKS_IOC_IMAGE_SAVE: {
		const struct sks_image_save *is = (const void *)arg;

		if (is->image && in_arena(w, is->image, is->image_len) &&
		    is->image_len <= SKS_MAX_BLOB_SIZE) {
			sample_put(&images[rnd(&w->rng, 2)],
				   (const void *)(uintptr_t)is->image,
				   is->image_len, NULL);
			INC(st->images_learned);
		}
		break;
	}
	case SKS_CTL_STATE_SAVE: {
		const struct sks_state_save *ss = (const void *)arg;

		if (ss->record && in_arena(w, ss->record, ss->record_len) &&
		    ss->record_len <= SKS_MAX_BLOB_SIZE) {
			sample_put(&records[rnd(&w->rng, NR_RECORDS)],
				   (const void *)(uintptr_t)ss->record,
				   ss->record_len, NULL);
			INC(st->records_learned);
		}
		break;
	}
	case SKS_IOC_INSERT:
	case SKS_IOC_FIND_OBJECTS: {
		const struct sks_insert *in = (const void *)arg;
		const struct sks_find_objects *fo = (const void *)arg;
		uint64_t p = c->nr == SKS_IOC_INSERT ? in->handles : fo->handles;
		uint32_t n = c->nr == SKS_IOC_INSERT ? in->count : fo->count;
		int kind = c->nr == SKS_IOC_INSERT && w->have_blob &&
			   w->blob.count == 1 ? w->blob.kind : HK_ANY;
		uint32_t i, h;

		for (i = 0; p && i < n && i < 4; i++) {
			if (!in_arena(w, p + 4 * i, 4))
				break;
			memcpy(&h, (const void *)(uintptr_t)(p + 4 * i), 4);
			learn_handle(w, h, kind);
		}
		break;
	}
	case SKS_CTL_CREATE_SLOT:
		learn_slot(((const struct sks_slot_create *)arg)->slot);
		break;
	case SKS_CTL_IMAGE_LOAD:
		learn_slot(((const struct sks_image_load *)arg)->slot);
		break;
	case SKS_CTL_STATE_LOAD: {
		const struct sks_state_load *sl = (const void *)arg;

		/* a slot record makes a slot; the HSM record none */
		if (in_arena(w, sl->record, 4) &&
		    !memcmp((const void *)(uintptr_t)sl->record,
			    SKS_REC_MAGIC, 4))
			learn_slot(sl->slot);
		break;
	}
	case SKS_CTL_DELETE_SLOT:
		INC(st->slots_deleted);
		break;
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

/*
 * A valid call needs a login its descriptor may have lost (a logout, a
 * re-initialisation, another role): the Crypto Officer's, sometimes
 * first; the partition SO's for the auto-activation policy, on a session
 * of its own (returned, for the call to close).
 */
static int prepare_session(struct worker *w, const struct cmd *c, int fd)
{
	struct sks_session_info si = { 0 };
	int sfd;

	switch (c->nr) {
	case SKS_IOC_LOGIN:
	case SKS_IOC_LOGOUT:
	case SKS_IOC_INIT_ROLE:
	case SKS_IOC_CHANGE_PIN:
	case SKS_IOC_PARTITION_INIT:
	case SKS_IOC_SESSION_INFO:
		return -1;
	case SKS_IOC_AUTO_ACTIVATION:
		if (!chance(&w->rng, 60) ||
		    xioctl(fd, SKS_IOC_SESSION_INFO, &si))
			return -1;
		sfd = open_slot(si.slot);
		if (sfd >= 0)
			login_role(sfd, SKS_ROLE_SO, SO_PIN);
		return sfd;
	}
	if ((c->want == W_PART || c->want == W_V1) && chance(&w->rng, 35))
		login_role(fd, SKS_ROLE_CO, CO_PIN);
	if (chance(&w->rng, 50)) {
		const unsigned int ec = 1U << HK_PRIV256 | 1U << HK_PRIV384;

		switch (c->nr) {
		case SKS_IOC_ENCRYPT:
		case SKS_IOC_DECRYPT:
			ensure_key(w, fd, 1U << HK_AES);
			break;
		case SKS_IOC_SIGN:
		case SKS_IOC_EXTRACT:
			ensure_key(w, fd, chance(&w->rng, 50) ? ec :
				   1U << HK_HMAC);
			break;
		case SKS_IOC_DERIVE_KEY:
			ensure_key(w, fd, ec);
			break;
		}
	}
	return -1;
}

static int pick_fd(struct worker *w)
{
	if (chance(&w->rng, 3))
		return chance(&w->rng, 50) ? -1 : 1000 + (int)rnd(&w->rng, 10);
	return __atomic_load_n(&proc.fds[rnd(&w->rng, NR_FDS)],
			       __ATOMIC_RELAXED);
}

void do_ioctl(struct worker *w)
{
	struct rng *r = &w->rng;
	const struct cmd *c = &cmds[rnd(r, nr_cmds)];
	unsigned long nr = c->nr;
	uint32_t usize = c->size, dir, type, size, i;
	uint8_t argbuf[ARG_MAX_LEN];
	uint8_t *arg = NULL;
	uint64_t argp;
	int extra = -1, fd, ret, err;
	uint32_t del_slot = UINT32_MAX;
	bool exact = true, sane = false;
	int tmpfd = -1;

	/*
	 * Control commands mostly on the control device, and vice versa;
	 * a sane call goes to a slot of the right type if there is one.
	 */
	/*
	 * A valid re-initialisation wipes the partition's objects, SMK and
	 * CO and CU secrets, and logs every session out: seldom.
	 */
	w->sane = chance(r, c->nr == SKS_IOC_PARTITION_INIT ? 4 :
			 c->nr == SKS_IOC_SMK_ROLLOVER ||
			 c->nr == SKS_IOC_LOGOUT ? 10 : 40);
	w->fdtype = -1;
	w->fdidx = -1;
	w->hkind = HK_ANY;
	w->xkind = HK_ANY;
	w->have_blob = false;
	w->auth_n = 0;
	w->auth_known = true;
	w->curve = 0;
	w->argmem = NULL;
	memset(&w->blob, 0, sizeof(w->blob));
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
		/* VERIFY: where a signature was made, to check it there */
		if (w->sane && c->nr == SKS_IOC_VERIFY && chance(r, 60)) {
			int s = __atomic_load_n(&sigs[rnd(r, 2)].fdidx,
						__ATOMIC_RELAXED);

			if (s > 0)
				k = s;
		}
		fd = __atomic_load_n(&proc.fds[k], __ATOMIC_RELAXED);
		w->fdtype = __atomic_load_n(&proc.types[k], __ATOMIC_RELAXED);
		w->fdidx = k;
	} else {
		fd = pick_fd(w);
	}
	if (w->sane && w->fdtype >= 0)
		tmpfd = prepare_session(w, c, fd);
	if (tmpfd >= 0)
		fd = tmpfd;

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
	w->argmem = arg;
	memset(argbuf, 0, usize < sizeof(argbuf) ? usize : sizeof(argbuf));
	if (extra == X_RANDOM_NR || extra == X_RANDOM_TYPE) {
		fill_random(w, argbuf, usize < sizeof(argbuf) ? usize :
			    sizeof(argbuf));
	} else {
		if (extra >= 0)
			w->sane = false;
		for (i = 0; i < ARRAY_SIZE(c->f) && c->f[i].kind != K_END; i++)
			fill_field(w, c, &c->f[i], argbuf);
		if (w->sane)
			sane_fixup(w, c, argbuf);
		sane = w->sane;
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
			learn_output(w, c, arg, fd);
	}
	if (tmpfd >= 0)
		close(tmpfd);
	if (verbose > 1) {
		uint32_t res = 0;

		if (arg && exact)
			memcpy(&res, arg + 4, 4);
		fprintf(stderr, "[%d] fd %d cmd %#lx (%s)%s -> %d %s result %#x\n",
			w->id, fd, nr, extra >= 0 ? "other" : c->name,
			sane ? " valid" : "", ret, ret ? strerror(err) : "",
			res);
	}
}

/* read, write, lseek and mmap, none of which the driver offers. */
void do_rw(struct worker *w)
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
