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
