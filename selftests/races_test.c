// SPDX-License-Identifier: GPL-2.0
/*
 * Half-done answers under races:
 *
 * - every Backup HSM command racing SKS_CTL_DELETE_SLOT of its slot either
 *   sees the whole slot or fails with CKR_TOKEN_NOT_PRESENT: an image
 *   saved with CKR_OK loads and holds the archive, a list with CKR_OK
 *   counts it, show and delete find it, a restore finds it (or finds no
 *   slot);
 * - a size query never touches a key's usage count, also while other
 *   threads make them on the key the one real operation uses.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>

#include "kselftest_harness.h"
#include "common.h"

#define ARCHIVE		"race-archive"
#define NOBJ		4
#define OBJ_SIZE	4096
#define ROUNDS		24

/* ---- Backup HSM commands racing the deletion of their slot ---- */

enum race_op { OP_SAVE, OP_LIST, OP_SHOW, OP_DELETE, OP_RESTORE };

struct race {
	enum race_op op;
	int bfd, bslot, pfd;
	unsigned char *buf;	/* image buffer */
	__u32 room;
	useconds_t wait;	/* before the call */
	pthread_barrier_t go;
	/* the outcome */
	int err;
	__u32 res, len, count, objects;
	char name[SKS_ARCHIVE_NAME_MAX + 1];
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	struct sks_image_save is = { .image = st_ptr(r->buf), .image_len = r->room,
				     .so_secret = st_ptr(ST_BK_SO),
				     .so_secret_len = strlen(ST_BK_SO) };
	struct sks_archive_entry e[4];
	struct sks_archive_list al = { .entries = st_ptr(e), .count = 4,
				       .entry_size = sizeof(e[0]),
				       .so_secret = st_ptr(ST_BK_SO),
				       .so_secret_len = strlen(ST_BK_SO) };
	struct sks_archive_show as = { .so_secret = st_ptr(ST_BK_SO),
				       .so_secret_len = strlen(ST_BK_SO) };
	struct sks_archive_restore ar;

	memset(e, 0, sizeof(e));
	strcpy((char *)as.entry.name, ARCHIVE);
	pthread_barrier_wait(&r->go);
	usleep(r->wait);
	switch (r->op) {
	case OP_SAVE:
		r->err = ioctl(r->bfd, SKS_IOC_IMAGE_SAVE, &is) ? -errno : 0;
		r->res = is.result;
		r->len = is.image_len;
		break;
	case OP_LIST:
		r->err = ioctl(r->bfd, SKS_IOC_ARCHIVE_LIST, &al) ? -errno : 0;
		r->res = al.result;
		r->count = al.count;
		memcpy(r->name, e[0].name, SKS_ARCHIVE_NAME_MAX);
		r->objects = e[0].objects;
		break;
	case OP_SHOW:
	case OP_DELETE:
		r->err = ioctl(r->bfd, r->op == OP_SHOW ? SKS_IOC_ARCHIVE_SHOW :
			       SKS_IOC_ARCHIVE_DELETE, &as) ? -errno : 0;
		r->res = as.result;
		memcpy(r->name, as.entry.name, SKS_ARCHIVE_NAME_MAX);
		r->objects = as.entry.objects;
		break;
	case OP_RESTORE:
		r->err = st_restore(r->pfd, r->bslot, ST_BK_USER, ARCHIVE, &ar);
		r->res = ar.result;
		r->objects = ar.objects;
		break;
	}
	return NULL;
}

FIXTURE(race) {
	int ctl;
	int pslot, pfd;		/* V0 partition, CO logged in */
	unsigned char *img;	/* a Backup HSM holding ARCHIVE */
	__u32 len;
	double save_secs;	/* how long an image save takes */
	unsigned int seed;
};

FIXTURE_SETUP(race)
{
	static unsigned char val[OBJ_SIZE];
	struct sks_archive_backup ab;
	int bslot, bfd, i;
	__u32 h, res;
	double t0;

	self->img = NULL;
	self->seed = getpid();
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->pfd = st_partition_cap(self->ctl, SKS_SLOT_V0, "race",
				     &self->pslot, 4 << 20);
	ASSERT_LE(0, self->pfd);
	for (i = 0; i < NOBJ; i++) {
		memset(val, 'a' + i, sizeof(val));
		ASSERT_EQ(0, st_data(self->pfd, true, "race", val, sizeof(val),
				     &h));
	}
	bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, bslot);
	ASSERT_EQ(0, st_backup(self->pfd, bslot, ST_BK_SO, ST_BK_USER, ARCHIVE, 0,
			       &ab));
	bfd = st_slot_open(bslot);
	ASSERT_LE(0, bfd);
	t0 = st_now();
	ASSERT_EQ(0, st_image_save(bfd, ST_BK_SO, &self->img, &self->len, &res));
	self->save_secs = (st_now() - t0) / 2;	/* a size query and a save */
	close(bfd);
	ASSERT_EQ(0, st_slot_del(self->ctl, bslot));
	/* the objects restored in the rounds go, the originals stay */
}

FIXTURE_TEARDOWN(race)
{
	free(self->img);
	close(self->pfd);
	st_slot_del(self->ctl, self->pslot);
	close(self->ctl);
}

/* The Backup HSM of the saved image again; its slot number, or -errno. */
static int fresh_backup_hsm(FIXTURE_DATA(race) *self)
{
	__u32 res;

	return st_image_load(self->ctl, self->img, self->len, ST_BK_SO, &res);
}

/* Did a call that lost the race fail the way it must? */
static bool slot_gone(const struct race *r)
{
	if (r->err == -ENODEV && r->res == SKS_CKR_TOKEN_NOT_PRESENT)
		return true;
	/* a restore names the slot by number: it may be gone altogether */
	return r->op == OP_RESTORE && r->err == -ENODEV &&
	       r->res == SKS_CKR_SLOT_ID_INVALID;
}

/*
 * ROUNDS times: a fresh Backup HSM, @op in a thread and SKS_CTL_DELETE_SLOT,
 * one of them delayed at random (the deletion by up to twice the time an
 * image save takes, the call by up to half of it); every outcome checked,
 * by @whole for CKR_OK.
 */
static void race_delete(struct __test_metadata *_metadata,
			FIXTURE_DATA(race) *self, enum race_op op,
			bool (*whole)(FIXTURE_DATA(race) *self, struct race *r))
{
	int i, won = 0, lost = 0;
	pthread_t t;

	for (i = 0; i < ROUNDS; i++) {
		struct race r = { .op = op, .pfd = self->pfd };
		useconds_t delay, span;

		r.bslot = fresh_backup_hsm(self);
		ASSERT_LE(0, r.bslot);
		r.bfd = st_slot_open(r.bslot);
		ASSERT_LE(0, r.bfd);
		r.room = self->len + 4096;
		r.buf = calloc(1, r.room);
		ASSERT_NE(NULL, r.buf);
		pthread_barrier_init(&r.go, NULL, 2);
		ASSERT_EQ(0, pthread_create(&t, NULL, race_thread, &r));
		/* from before the call starts to after it would have ended */
		span = 2.5e6 * self->save_secs + 1000;
		delay = rand_r(&self->seed) % span;
		if (delay < span / 5) {
			r.wait = delay;
			delay = 0;
		}
		pthread_barrier_wait(&r.go);
		usleep(delay);
		EXPECT_EQ(0, st_slot_del(self->ctl, r.bslot));
		pthread_join(t, NULL);
		pthread_barrier_destroy(&r.go);

		if (!r.err) {
			won++;
			EXPECT_EQ(SKS_CKR_OK, r.res);
			EXPECT_TRUE(whole(self, &r))
				TH_LOG("round %d (delays %u/%u us): CKR_OK on a partial slot",
				       i, delay, r.wait);
		} else {
			lost++;
			EXPECT_TRUE(slot_gone(&r))
				TH_LOG("round %d (delays %u/%u us): errno %d, result 0x%x",
				       i, delay, r.wait, -r.err, r.res);
		}
		close(r.bfd);
		free(r.buf);
		if (!_metadata->passed)
			break;
	}
	TH_LOG("%d rounds: %d before the deletion, %d after", won + lost, won,
	       lost);
}

/* A saved image loads and holds the archive with all its objects. */
static bool image_whole(FIXTURE_DATA(race) *self, struct race *r)
{
	struct sks_archive_show as;
	__u32 res;
	int slot, bfd;
	bool ok;

	slot = st_image_load(self->ctl, r->buf, r->len, ST_BK_SO, &res);
	if (slot < 0)
		return false;
	bfd = st_slot_open(slot);
	ok = bfd >= 0 && st_archive_count(bfd, ST_BK_SO) == 1 &&
	     !st_archive_show(bfd, ST_BK_SO, ARCHIVE, &as) && as.entry.objects == NOBJ;
	close(bfd);
	st_slot_del(self->ctl, slot);
	return ok;
}

static bool list_whole(FIXTURE_DATA(race) *self, struct race *r)
{
	return r->count == 1 && !strcmp(r->name, ARCHIVE) &&
	       r->objects == NOBJ;
}

static bool show_whole(FIXTURE_DATA(race) *self, struct race *r)
{
	return !strcmp(r->name, ARCHIVE) && r->objects == NOBJ;
}

static bool deleted(FIXTURE_DATA(race) *self, struct race *r)
{
	return true;	/* CKR_OK: it found the archive */
}

static bool restored(FIXTURE_DATA(race) *self, struct race *r)
{
	return r->objects == NOBJ;
}

TEST_F_TIMEOUT(race, image_save_racing_slot_deletion, 120)
{
	race_delete(_metadata, self, OP_SAVE, image_whole);
}

TEST_F_TIMEOUT(race, archive_list_racing_slot_deletion, 120)
{
	race_delete(_metadata, self, OP_LIST, list_whole);
}

TEST_F_TIMEOUT(race, archive_show_racing_slot_deletion, 120)
{
	race_delete(_metadata, self, OP_SHOW, show_whole);
}

TEST_F_TIMEOUT(race, archive_delete_racing_slot_deletion, 120)
{
	race_delete(_metadata, self, OP_DELETE, deleted);
}

TEST_F_TIMEOUT(race, archive_restore_racing_slot_deletion, 120)
{
	race_delete(_metadata, self, OP_RESTORE, restored);
}

/* ---- size queries next to the one real use of a key ---- */

#define QUERY_THREADS	3
#define QUERY_ROUNDS	300

struct queries {
	int fd;
	volatile __u32 aes, mac;
	volatile int stop;
	long made;
};

static void *query_thread(void *arg)
{
	struct queries *q = arg;
	static const char msg[] = "size query";
	unsigned char ct[sizeof(msg) + SKS_GCM_TAG_LEN] = {};
	long n = 0;

	while (!q->stop) {
		struct sks_crypt c = { .handle = q->aes,
				       .mechanism = SKS_CKM_AES_GCM,
				       .in = st_ptr(msg), .in_len = sizeof(msg) };
		struct sks_sign s = { .handle = q->mac,
				      .mechanism = SKS_CKM_SHA256_HMAC,
				      .data = st_ptr(msg),
				      .data_len = sizeof(msg) };

		ioctl(q->fd, SKS_IOC_ENCRYPT, &c);
		ioctl(q->fd, SKS_IOC_SIGN, &s);
		c = (struct sks_crypt){ .handle = q->aes,
					.mechanism = SKS_CKM_AES_GCM,
					.in = st_ptr(ct), .in_len = sizeof(ct) };
		ioctl(q->fd, SKS_IOC_DECRYPT, &c);
		n += 3;
	}
	__atomic_fetch_add(&q->made, n, __ATOMIC_RELAXED);
	return NULL;
}

static __s64 limited_key(int fd, bool aes)
{
	static const unsigned char key[32] = "a key used once, and only once";
	struct sks_obj_attrs a;

	if (aes)
		st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES,
			      SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT, 32, "once");
	else
		st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
			      SKS_OBJ_SIGN, 32, "once");
	a.usage_limit = 1;
	return st_import(fd, &a, key, NULL);
}

TEST(size_queries_never_take_the_one_use_of_a_key)
{
	struct queries q = {};
	pthread_t t[QUERY_THREADS];
	int ctl, slot, i, enc_failed = 0, sign_failed = 0;
	__u32 res;
	__s64 h;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	q.fd = st_partition(ctl, SKS_SLOT_V1, "queries", &slot);
	ASSERT_LE(0, q.fd);
	h = limited_key(q.fd, true);
	ASSERT_LT(0, h);
	q.aes = h;
	h = limited_key(q.fd, false);
	ASSERT_LT(0, h);
	q.mac = h;
	for (i = 0; i < QUERY_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, query_thread, &q));

	for (i = 0; i < QUERY_ROUNDS; i++) {
		__u32 old_aes = q.aes, old_mac = q.mac;

		/* the one real use of each key */
		if (st_encrypt(q.fd, q.aes, &res)) {
			enc_failed++;
			TH_LOG("round %d: encrypt result 0x%x", i, res);
		}
		if (st_sign(q.fd, q.mac, &res)) {
			sign_failed++;
			TH_LOG("round %d: sign result 0x%x", i, res);
		}
		/* used up; fresh keys for the next round */
		EXPECT_EQ(-EKEYEXPIRED, st_encrypt(q.fd, q.aes, &res));
		h = limited_key(q.fd, true);
		ASSERT_LT(0, h);
		q.aes = h;
		h = limited_key(q.fd, false);
		ASSERT_LT(0, h);
		q.mac = h;
		st_destroy(q.fd, old_aes, NULL);
		st_destroy(q.fd, old_mac, NULL);
	}
	q.stop = 1;
	for (i = 0; i < QUERY_THREADS; i++)
		pthread_join(t[i], NULL);
	TH_LOG("%d rounds, %ld size queries beside them", QUERY_ROUNDS, q.made);
	EXPECT_EQ(0, enc_failed);
	EXPECT_EQ(0, sign_failed);
	EXPECT_LT(QUERY_ROUNDS, q.made);
	close(q.fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

TEST_HARNESS_MAIN
