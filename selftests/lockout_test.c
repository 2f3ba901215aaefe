// SPDX-License-Identifier: GPL-2.0
/*
 * Every secret has a bad-attempt limit (include/uapi/linux/sks.h,
 * "Bad-attempt limits"):
 *
 * - Crypto Officer and Crypto User: 10 consecutive wrong secrets (logins
 *   and the old secret of CHANGE_PIN) lock that role, and only that role,
 *   until the SO initialises it again;
 * - partition SO: the 10th consecutive wrong secret (login, CHANGE_PIN,
 *   re-initialisation) zeroizes the partition;
 * - HSM SO of a Backup HSM: 3 failures refuse every HSM SO check for
 *   lockout_secs, doubled by each further failure; archive user secrets:
 *   the same after 10 failures; nothing is erased, the counters go with
 *   the image;
 *
 * the counters are reported, a right secret resets them, and concurrent
 * attempts stop exactly at the limit. The Backup HSM tests load sks with
 * lockout_secs=2 (and load it back as it was).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>

#include "kselftest_harness.h"
#include "common.h"

#define WRONG		"wrong-secret"
#define LOCKOUT		2	/* lockout_secs of the Backup HSM tests */

static int role_login(int fd, __u32 role, const char *pin, __u32 *res)
{
	return st_login_as(fd, role, pin, res);
}

static int change_pin(int fd, __u32 role, const char *old, const char *new,
		      __u32 *res)
{
	struct sks_change_pin cp = { .role = role,
				     .old_pin = st_ptr(old), .old_len = strlen(old),
				     .new_pin = st_ptr(new), .new_len = strlen(new) };
	int err = ioctl(fd, SKS_IOC_CHANGE_PIN, &cp) ? -errno : 0;

	if (res)
		*res = cp.result;
	return err;
}

static int role_logout(int fd)
{
	return ioctl(fd, SKS_IOC_LOGOUT, &(struct sks_simple){}) ? -errno : 0;
}

static struct sks_session_info info_of(int fd)
{
	struct sks_session_info info;

	st_info(fd, &info);
	return info;
}

/* ---- concurrent wrong attempts ---- */

#define THREADS		8
#define TRIES		5

struct attempt {
	int fd;
	int (*try)(int fd, __u32 *res);
	pthread_barrier_t *start;
	int n[4];	/* PIN_INCORRECT, PIN_LOCKED, USER_PIN_NOT_INITIALIZED, other */
	__u32 other;
};

static void *attempt_thread(void *arg)
{
	struct attempt *a = arg;
	__u32 res;
	int i, err;

	pthread_barrier_wait(a->start);
	for (i = 0; i < TRIES; i++) {
		err = a->try(a->fd, &res);
		if (err == -EACCES && res == SKS_CKR_PIN_INCORRECT)
			a->n[0]++;
		else if (err == -EPERM && res == SKS_CKR_PIN_LOCKED)
			a->n[1]++;
		else if (err == -EACCES && res == SKS_CKR_USER_PIN_NOT_INITIALIZED)
			a->n[2]++;
		else {
			a->n[3]++;
			a->other = res;
		}
	}
	return NULL;
}

/* THREADS threads, each on its own session of @slot, TRIES attempts each. */
static void concurrently(int slot, int (*try)(int, __u32 *), int n[4])
{
	struct attempt a[THREADS];
	pthread_t t[THREADS];
	pthread_barrier_t start;
	int i, k;

	pthread_barrier_init(&start, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		a[i] = (struct attempt){ .fd = st_slot_open(slot), .try = try,
					 .start = &start };
		pthread_create(&t[i], NULL, attempt_thread, &a[i]);
	}
	memset(n, 0, 4 * sizeof(int));
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		close(a[i].fd);
		for (k = 0; k < 4; k++)
			n[k] += a[i].n[k];
	}
	pthread_barrier_destroy(&start);
}

/* ---- Crypto Officer and Crypto User ---- */

FIXTURE(role) {
	int ctl, slot;
	int so;		/* logged in as partition SO */
	int fd;		/* not logged in */
	const char *pin, *other_pin;
	__u32 other;
};

FIXTURE_VARIANT(role) {
	__u32 role;
	__u32 locked_bit, other_bit;
};

FIXTURE_VARIANT_ADD(role, crypto_officer) {
	.role = SKS_ROLE_CO,
	.locked_bit = SKS_STATE_CO_LOCKED, .other_bit = SKS_STATE_CU_LOCKED,
};

FIXTURE_VARIANT_ADD(role, crypto_user) {
	.role = SKS_ROLE_CU,
	.locked_bit = SKS_STATE_CU_LOCKED, .other_bit = SKS_STATE_CO_LOCKED,
};

FIXTURE_SETUP(role)
{
	int co;

	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	co = st_partition(self->ctl, SKS_SLOT_V1, "lockout", &self->slot);
	ASSERT_LE(0, co);
	close(co);
	self->so = st_slot_open(self->slot);
	ASSERT_LE(0, self->so);
	ASSERT_EQ(0, st_login(self->so, SKS_ROLE_SO, ST_PART_SO));
	ASSERT_EQ(0, st_init_role_pin(self->so, SKS_ROLE_CU, ST_CU_SECRET));
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);
	if (variant->role == SKS_ROLE_CO) {
		self->pin = ST_PART_CO;
		self->other = SKS_ROLE_CU;
		self->other_pin = ST_CU_SECRET;
	} else {
		self->pin = ST_CU_SECRET;
		self->other = SKS_ROLE_CO;
		self->other_pin = ST_PART_CO;
	}
}

FIXTURE_TEARDOWN(role)
{
	close(self->fd);
	close(self->so);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static __u32 failures(const struct sks_session_info *i, __u32 role)
{
	return role == SKS_ROLE_CO ? i->co_failures : i->cu_failures;
}

TEST_F(role, ten_wrong_secrets_lock_that_role_only)
{
	struct sks_session_info info;
	__u32 res;
	int i, fd2;

	for (i = 1; i <= SKS_MAX_LOGIN_FAILURES; i++) {
		EXPECT_EQ(-EACCES, role_login(self->fd, variant->role, WRONG, &res));
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
		info = info_of(self->so);
		EXPECT_EQ(i, failures(&info, variant->role));
		EXPECT_EQ(i == SKS_MAX_LOGIN_FAILURES,
			  !!(info.state & variant->locked_bit));
	}
	EXPECT_EQ(0, failures(&info, self->other));
	EXPECT_EQ(0, info.state & variant->other_bit);
	EXPECT_EQ(0, info.so_failures);

	/* locked: the right secret is refused too, without a check */
	EXPECT_EQ(-EPERM, role_login(self->fd, variant->role, self->pin, &res));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, res);
	EXPECT_EQ(-EPERM, role_login(self->fd, variant->role, WRONG, &res));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, res);

	/* the other role is not locked */
	fd2 = st_slot_open(self->slot);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, role_login(fd2, self->other, self->other_pin, &res));
	close(fd2);

	/* initialising the other role clears nothing of this one */
	ASSERT_EQ(0, st_init_role_pin(self->so, self->other, "new-other-pin"));
	EXPECT_EQ(-EPERM, role_login(self->fd, variant->role, self->pin, &res));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, res);

	/* initialising this role clears its lockout and counter */
	ASSERT_EQ(0, st_init_role_pin(self->so, variant->role, "new-role-pin"));
	info = info_of(self->so);
	EXPECT_EQ(0, info.state & variant->locked_bit);
	EXPECT_EQ(0, failures(&info, variant->role));
	EXPECT_EQ(0, role_login(self->fd, variant->role, "new-role-pin", &res));
}

TEST_F(role, wrong_old_secret_of_change_pin_counts)
{
	struct sks_session_info info;
	__u32 res;
	int in, i;

	in = st_slot_open(self->slot);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, role_login(in, variant->role, self->pin, &res));

	/* a right secret resets the count */
	for (i = 0; i < SKS_MAX_LOGIN_FAILURES - 1; i++) {
		EXPECT_EQ(-EACCES, change_pin(in, variant->role, WRONG,
					      "next-secret", &res));
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	}
	info = info_of(self->so);
	EXPECT_EQ(SKS_MAX_LOGIN_FAILURES - 1, failures(&info, variant->role));
	EXPECT_EQ(0, change_pin(in, variant->role, self->pin, self->pin, &res));
	info = info_of(self->so);
	EXPECT_EQ(0, failures(&info, variant->role));

	/* change-pin failures and login failures add up */
	for (i = 0; i < SKS_MAX_LOGIN_FAILURES / 2; i++)
		EXPECT_EQ(-EACCES, change_pin(in, variant->role, WRONG,
					      "next-secret", &res));
	for (i = 0; i < SKS_MAX_LOGIN_FAILURES / 2; i++)
		EXPECT_EQ(-EACCES, role_login(self->fd, variant->role, WRONG, &res));
	info = info_of(self->so);
	EXPECT_EQ(SKS_MAX_LOGIN_FAILURES, failures(&info, variant->role));
	EXPECT_NE(0, info.state & variant->locked_bit);
	EXPECT_EQ(-EPERM, role_login(self->fd, variant->role, self->pin, &res));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, res);
	close(in);
}

static __u32 try_role;

static int wrong_login(int fd, __u32 *res)
{
	return role_login(fd, try_role, WRONG, res);
}

TEST_F(role, concurrent_wrong_secrets_lock_exactly_at_the_limit)
{
	struct sks_session_info info;
	int n[4];

	try_role = variant->role;
	concurrently(self->slot, wrong_login, n);
	TH_LOG("%d incorrect, %d locked, %d other", n[0], n[1], n[3]);
	EXPECT_EQ(SKS_MAX_LOGIN_FAILURES, n[0]);
	EXPECT_EQ(THREADS * TRIES - SKS_MAX_LOGIN_FAILURES, n[1]);
	EXPECT_EQ(0, n[2] + n[3]);
	info = info_of(self->so);
	EXPECT_EQ(SKS_MAX_LOGIN_FAILURES, failures(&info, variant->role));
	EXPECT_NE(0, info.state & variant->locked_bit);
}

/* ---- partition SO: zeroization ---- */

FIXTURE(zeroize) {
	int ctl, slot;
	int co, cu, so;		/* sessions logged in as CO, CU, SO */
	int fd;			/* not logged in */
};

FIXTURE_VARIANT(zeroize) {
	__u32 type;
};

FIXTURE_VARIANT_ADD(zeroize, v0) { .type = SKS_SLOT_V0 };
FIXTURE_VARIANT_ADD(zeroize, v1) { .type = SKS_SLOT_V1 };

FIXTURE_SETUP(zeroize)
{
	self->so = self->cu = self->fd = -1;
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->co = st_partition(self->ctl, variant->type, "zeroize",
				&self->slot);
	ASSERT_LE(0, self->co);
	self->so = st_slot_open(self->slot);
	ASSERT_LE(0, self->so);
	ASSERT_EQ(0, st_login(self->so, SKS_ROLE_SO, ST_PART_SO));
	ASSERT_EQ(0, st_init_role_pin(self->so, SKS_ROLE_CU, ST_CU_SECRET));
	self->cu = st_slot_open(self->slot);
	ASSERT_LE(0, self->cu);
	ASSERT_EQ(0, st_login(self->cu, SKS_ROLE_CU, ST_CU_SECRET));
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(zeroize)
{
	close(self->fd);
	close(self->cu);
	close(self->so);
	close(self->co);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static int reinit(int fd, const char *so, __u32 *res)
{
	struct sks_partition_init pi = {
		.so_pin = st_ptr(so), .so_pin_len = strlen(so),
		.domain = st_ptr("zeroize"), .domain_len = 7, .label = "again",
	};
	int err = ioctl(fd, SKS_IOC_PARTITION_INIT, &pi) ? -errno : 0;

	if (res)
		*res = pi.result;
	return err;
}

TEST_F(zeroize, tenth_wrong_so_secret_zeroizes_the_partition)
{
	static const unsigned char zero[SKS_FINGERPRINT_LEN];
	struct sks_session_info before, info;
	struct sks_get_attrs ga = {};
	struct sks_slot_entry e;
	__u32 tok = 0, key = 0, res, n = 0;
	unsigned char blob[1024];
	int i;

	/* objects: a key of the CO session, a token object (V0), a blob (V1) */
	ASSERT_EQ(0, st_genkey(self->co, true, SKS_OBJ_ENCRYPT |
			       SKS_OBJ_EXTRACTABLE, &key, &res));
	if (variant->type == SKS_SLOT_V0) {
		ASSERT_EQ(0, st_data(self->co, true, "token", "t", 1, &tok));
	} else {
		n = sizeof(blob);
		ASSERT_EQ(0, st_extract(self->co, &key, 1, blob, &n, 0, &res));
	}
	before = info_of(self->fd);
	EXPECT_LT(0, before.used);

	/* 9 wrong SO secrets, from the three places that check it */
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EACCES, change_pin(self->so, SKS_ROLE_SO, WRONG,
					      "new-so-secret", &res));
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	}
	for (i = 0; i < 6; i++) {
		EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_SO, WRONG, &res));
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	}
	info = info_of(self->fd);
	EXPECT_EQ(SKS_MAX_SO_FAILURES - 1, info.so_failures);
	EXPECT_NE(0, info.state & SKS_STATE_INITIALIZED);
	EXPECT_EQ(0, info.state & SKS_STATE_ZEROIZED);
	EXPECT_EQ(before.used, info.used);

	/* the 10th: refused, and the partition is wiped */
	EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_SO, WRONG, &res));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	info = info_of(self->fd);
	EXPECT_NE(0, info.state & SKS_STATE_ZEROIZED);
	EXPECT_EQ(0, info.state & (SKS_STATE_INITIALIZED | SKS_STATE_CO_SET |
				   SKS_STATE_CU_SET));
	EXPECT_EQ(0, memcmp(zero, info.smk_fingerprint, SKS_FINGERPRINT_LEN));
	EXPECT_EQ(0, memcmp(zero, info.rollover_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_EQ(0, info.used);
	ASSERT_EQ(0, st_slot_entry(self->ctl, self->slot, &e));
	EXPECT_NE(0, e.state & SKS_STATE_ZEROIZED);
	EXPECT_EQ(0, e.used);
	/* every session is logged out, the objects are gone */
	EXPECT_EQ(SKS_ROLE_NONE, info_of(self->co).role);
	EXPECT_EQ(SKS_ROLE_NONE, info_of(self->cu).role);
	EXPECT_EQ(SKS_ROLE_NONE, info_of(self->so).role);
	ga.handle = key;
	EXPECT_EQ(-ENOENT, ioctl(self->co, SKS_IOC_GET_ATTRS, &ga) ? -errno : 0);
	if (tok) {
		ga.handle = tok;
		EXPECT_EQ(-ENOENT, ioctl(self->fd, SKS_IOC_GET_ATTRS, &ga) ?
			  -errno : 0);
	}
	EXPECT_EQ(0, st_nobjects(self->co));
	/* no role has a secret any more */
	EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_SO, ST_PART_SO, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_CO, ST_PART_CO, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_CU, ST_CU_SECRET, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);

	/* PARTITION_INIT makes it usable again, with a new SMK */
	ASSERT_EQ(0, st_part_init(self->fd, "revived"));
	info = info_of(self->fd);
	EXPECT_NE(0, info.state & SKS_STATE_INITIALIZED);
	EXPECT_EQ(0, info.state & SKS_STATE_ZEROIZED);
	EXPECT_EQ(0, info.so_failures);
	if (variant->type == SKS_SLOT_V1) {
		EXPECT_NE(0, memcmp(zero, info.smk_fingerprint,
				    SKS_FINGERPRINT_LEN));
		EXPECT_NE(0, memcmp(before.smk_fingerprint,
				    info.smk_fingerprint, SKS_FINGERPRINT_LEN));
	}
	ASSERT_EQ(0, role_login(self->fd, SKS_ROLE_SO, ST_SO_PIN, &res));
	EXPECT_EQ(-EACCES, role_login(self->co, SKS_ROLE_CO, ST_PART_CO, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	ASSERT_EQ(0, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_PART_CO));
	ASSERT_EQ(0, role_login(self->co, SKS_ROLE_CO, ST_PART_CO, &res));
	EXPECT_EQ(0, st_nobjects(self->co));
	if (variant->type == SKS_SLOT_V1) {
		__u32 h[2], cnt = 2;

		/* the old SMK is gone: its blobs no longer insert */
		EXPECT_EQ(-ENOKEY, st_insert(self->co, blob, n, h, &cnt, &res));
		EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, res);
	}
}

TEST_F(zeroize, reinit_with_a_wrong_so_secret_counts)
{
	struct sks_session_info info;
	__u32 res;
	int i;

	/* nobody logged in, so that only the secret decides */
	ASSERT_EQ(0, role_logout(self->co));
	ASSERT_EQ(0, role_logout(self->cu));
	ASSERT_EQ(0, role_logout(self->so));
	for (i = 1; i < SKS_MAX_SO_FAILURES; i++) {
		EXPECT_EQ(-EACCES, reinit(self->fd, WRONG, &res));
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
		EXPECT_EQ(i, info_of(self->fd).so_failures);
	}
	EXPECT_NE(0, info_of(self->fd).state & SKS_STATE_INITIALIZED);
	EXPECT_EQ(-EACCES, reinit(self->fd, WRONG, &res));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	info = info_of(self->fd);
	EXPECT_NE(0, info.state & SKS_STATE_ZEROIZED);
	EXPECT_EQ(0, info.state & SKS_STATE_INITIALIZED);
}

TEST_F(zeroize, right_so_secret_resets_the_count)
{
	struct sks_session_info info;
	__u32 res;
	int i;

	for (i = 0; i < SKS_MAX_SO_FAILURES - 1; i++)
		EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_SO, WRONG, &res));
	EXPECT_EQ(SKS_MAX_SO_FAILURES - 1, info_of(self->fd).so_failures);
	ASSERT_EQ(0, role_login(self->fd, SKS_ROLE_SO, ST_PART_SO, &res));
	EXPECT_EQ(0, info_of(self->fd).so_failures);
	ASSERT_EQ(0, role_logout(self->fd));
	for (i = 0; i < SKS_MAX_SO_FAILURES - 1; i++)
		EXPECT_EQ(-EACCES, role_login(self->fd, SKS_ROLE_SO, WRONG, &res));
	info = info_of(self->fd);
	EXPECT_NE(0, info.state & SKS_STATE_INITIALIZED);
	EXPECT_EQ(0, info.state & SKS_STATE_ZEROIZED);
	EXPECT_EQ(SKS_ROLE_CO, info_of(self->co).role);
}

static int wrong_so_login(int fd, __u32 *res)
{
	return role_login(fd, SKS_ROLE_SO, WRONG, res);
}

TEST_F(zeroize, concurrent_wrong_so_secrets_zeroize_exactly_at_the_limit)
{
	int n[4];

	concurrently(self->slot, wrong_so_login, n);
	TH_LOG("%d incorrect, %d not initialized, %d other", n[0], n[2], n[3]);
	EXPECT_EQ(SKS_MAX_SO_FAILURES, n[0]);
	EXPECT_EQ(THREADS * TRIES - SKS_MAX_SO_FAILURES, n[2]);
	EXPECT_EQ(0, n[1] + n[3]);
	EXPECT_NE(0, info_of(self->fd).state & SKS_STATE_ZEROIZED);
}

/* ---- Backup HSM: HSM SO and archive user secrets ---- */

FIXTURE(hsm) {
	char params[512];
	int ctl, bslot, bfd;
	int pslot, pfd;		/* V0 partition, CO logged in */
	__u32 tok;
};

FIXTURE_SETUP(hsm)
{
	struct sks_archive_backup ab;

	self->ctl = self->bfd = self->pfd = -1;
	ASSERT_EQ(0, st_sks_params(self->params, sizeof(self->params)));
	ASSERT_EQ(0, st_load_sks("pbkdf2_iterations=1000 lockout_secs=2"));
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, self->bslot);
	self->bfd = st_slot_open(self->bslot);
	ASSERT_LE(0, self->bfd);
	self->pfd = st_partition(self->ctl, SKS_SLOT_V0, "lockout",
				 &self->pslot);
	ASSERT_LE(0, self->pfd);
	ASSERT_EQ(0, st_data(self->pfd, true, "token", "t", 1, &self->tok));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "kept",
			       0, &ab));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
			       "other", 0, &ab));
}

FIXTURE_TEARDOWN(hsm)
{
	if (self->pfd >= 0)
		close(self->pfd);
	if (self->bfd >= 0)
		close(self->bfd);
	if (self->ctl >= 0) {
		st_slot_del(self->ctl, self->pslot);
		st_slot_del(self->ctl, self->bslot);
		close(self->ctl);
	}
	EXPECT_EQ(0, st_load_sks(self->params)) TH_LOG("params: %s", self->params);
}

/* The Backup HSM commands that check the HSM SO secret. */
enum { BY_LIST, BY_SHOW, BY_DELETE, BY_SAVE, BY_BACKUP, NR_BY };

static const char *const by_name[NR_BY] = {
	"archive list", "archive show", "archive delete", "image save",
	"archive backup",
};

static int hsm_so_check(FIXTURE_DATA(hsm) *self, int by, const char *so,
			__u32 *res)
{
	struct sks_archive_list al = { .entry_size = sizeof(struct sks_archive_entry),
				       .so_secret = st_ptr(so),
				       .so_secret_len = strlen(so) };
	struct sks_archive_show as = { .so_secret = st_ptr(so),
				       .so_secret_len = strlen(so) };
	struct sks_image_save is = { .so_secret = st_ptr(so),
				     .so_secret_len = strlen(so) };
	struct sks_archive_backup ab;
	int err;

	switch (by) {
	case BY_LIST:
		err = ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al) ? -errno : 0;
		*res = al.result;
		return err;
	case BY_SHOW:
	case BY_DELETE:
		/* no such archive: a right secret deletes nothing */
		strcpy((char *)as.entry.name, "no-such-archive");
		err = ioctl(self->bfd, by == BY_SHOW ? SKS_IOC_ARCHIVE_SHOW :
			    SKS_IOC_ARCHIVE_DELETE, &as) ? -errno : 0;
		*res = as.result;
		/* found no archive: the secret was right */
		if (err == -ENOENT && as.result == SKS_CKR_TOKEN_NOT_RECOGNIZED)
			err = 0;
		return err;
	case BY_SAVE:
		err = ioctl(self->bfd, SKS_IOC_IMAGE_SAVE, &is) ? -errno : 0;
		*res = is.result;
		return err;
	default:
		/* APPEND to "kept" with its own user secret */
		err = st_backup(self->pfd, self->bslot, so, ST_BK_USER, "kept",
				SKS_BACKUP_APPEND, &ab);
		*res = ab.result;
		return err;
	}
}

/* When the Backup HSM's SO lockout is over (polling its state), or -1. */
static double unlocked_at(int bfd, double max)
{
	double t0 = st_now();

	while (st_now() - t0 < max) {
		if (!(info_of(bfd).state & SKS_STATE_SO_LOCKED))
			return st_now();
		usleep(50000);
	}
	return -1;
}

/*
 * A wrong HSM SO secret through command @by that starts a lockout, and
 * bounds on that lockout's length: it started after *@t0 and before the
 * call returned, it was seen over no later than a poll after it was.
 */
static void fail_and_time(FIXTURE_DATA(hsm) *self, int by, double *lo,
			  double *hi)
{
	double t0, t1, end;
	__u32 res;

	t0 = st_now();
	hsm_so_check(self, by, WRONG, &res);
	t1 = st_now();
	end = unlocked_at(self->bfd, 4 * LOCKOUT + 4);
	*hi = end < 0 ? 1e9 : end - t0;		/* the lockout is at most */
	*lo = end < 0 ? 1e9 : end - t1 - 0.1;	/* and at least */
}

TEST_F(hsm, three_wrong_hsm_so_secrets_lock_every_check_for_a_while)
{
	struct sks_session_info info;
	double t0;
	__u32 res;
	int by;

	/* three failures, from three commands */
	for (by = BY_SHOW; by <= BY_SAVE; by++) {
		EXPECT_EQ(-EACCES, hsm_so_check(self, by, WRONG, &res))
			TH_LOG("%s", by_name[by]);
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
		info = info_of(self->bfd);
		EXPECT_EQ(by - BY_SHOW + 1, info.so_failures);
	}
	EXPECT_NE(0, info.state & SKS_STATE_SO_LOCKED);
	EXPECT_LE(1, info.lockout_secs);
	EXPECT_GE(LOCKOUT, info.lockout_secs);

	/* every HSM SO check is refused, the right secret's too */
	for (by = 0; by < NR_BY; by++) {
		EXPECT_EQ(-EPERM, hsm_so_check(self, by, ST_BK_SO, &res))
			TH_LOG("%s", by_name[by]);
		EXPECT_EQ(SKS_CKR_PIN_LOCKED, res) TH_LOG("%s", by_name[by]);
	}

	/* over after lockout_secs; then the right secret works and resets */
	t0 = st_now();
	EXPECT_LT(0, unlocked_at(self->bfd, LOCKOUT + 2));
	EXPECT_GT(LOCKOUT + 1.0, st_now() - t0);
	EXPECT_EQ(0, hsm_so_check(self, BY_LIST, ST_BK_SO, &res));
	info = info_of(self->bfd);
	EXPECT_EQ(0, info.so_failures);
	EXPECT_EQ(0, info.lockout_secs);
	/* nothing was erased */
	EXPECT_EQ(2, st_archive_count(self->bfd, ST_BK_SO));
}

TEST_F(hsm, each_further_failure_doubles_the_lockout)
{
	double lo, hi;
	__u32 res;
	int i;

	/* the third failure: LOCKOUT seconds */
	for (i = 0; i < SKS_MAX_HSM_SO_FAILURES - 1; i++)
		EXPECT_EQ(-EACCES, hsm_so_check(self, BY_LIST, WRONG, &res));
	fail_and_time(self, BY_LIST, &lo, &hi);
	TH_LOG("first lockout: %.2f..%.2f s", lo, hi);
	EXPECT_LE(LOCKOUT, hi);
	EXPECT_GE(LOCKOUT + 1.0, lo);

	/* one more failure after it: twice as long, the right secret refused */
	fail_and_time(self, BY_BACKUP, &lo, &hi);
	TH_LOG("second lockout: %.2f..%.2f s", lo, hi);
	EXPECT_LE(2 * LOCKOUT, hi);
	EXPECT_GE(2 * LOCKOUT + 1.0, lo);
	EXPECT_EQ(SKS_MAX_HSM_SO_FAILURES + 1, info_of(self->bfd).so_failures);

	/* the right secret after it resets the count, and the period */
	EXPECT_EQ(0, hsm_so_check(self, BY_LIST, ST_BK_SO, &res));
	EXPECT_EQ(0, info_of(self->bfd).so_failures);
	for (i = 0; i < SKS_MAX_HSM_SO_FAILURES - 1; i++)
		EXPECT_EQ(-EACCES, hsm_so_check(self, BY_LIST, WRONG, &res));
	EXPECT_EQ(0, info_of(self->bfd).state & SKS_STATE_SO_LOCKED);
	EXPECT_EQ(0, hsm_so_check(self, BY_LIST, ST_BK_SO, &res));
	for (i = 0; i < SKS_MAX_HSM_SO_FAILURES - 1; i++)
		EXPECT_EQ(-EACCES, hsm_so_check(self, BY_LIST, WRONG, &res));
	fail_and_time(self, BY_LIST, &lo, &hi);
	TH_LOG("lockout after a reset: %.2f..%.2f s", lo, hi);
	EXPECT_LE(LOCKOUT, hi);
	EXPECT_GE(LOCKOUT + 1.0, lo);
	EXPECT_EQ(2, st_archive_count(self->bfd, ST_BK_SO));
}

static const struct sks_archive_entry *entry(struct sks_archive_entry *e,
					     int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp((char *)e[i].name, name))
			return &e[i];
	return NULL;
}

static int list(int bfd, struct sks_archive_entry *e, __u32 room)
{
	struct sks_archive_list al = {
		.entries = st_ptr(e), .count = room, .entry_size = sizeof(*e),
		.so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO),
	};

	memset(e, 0, room * sizeof(*e));
	return ioctl(bfd, SKS_IOC_ARCHIVE_LIST, &al) ? -errno : (int)al.count;
}

/* Failures of archive @name as ARCHIVE_LIST and ARCHIVE_SHOW report them. */
static __u32 arc_failures(int bfd, const char *name, __u32 *lockout)
{
	struct sks_archive_entry e[4];
	const struct sks_archive_entry *x;
	struct sks_archive_show as;
	int n = list(bfd, e, 4);

	x = n > 0 ? entry(e, n, name) : NULL;
	if (!x || st_archive_show(bfd, ST_BK_SO, name, &as) ||
	    as.entry.failures != x->failures)
		return ~0U;
	if (lockout)
		*lockout = x->lockout_secs;
	return x->failures;
}

TEST_F(hsm, ten_wrong_archive_user_secrets_lock_that_archive)
{
	struct sks_archive_restore ar;
	struct sks_archive_backup ab;
	__u32 lockout;
	double t0;
	int i;

	/* restores and appends count alike */
	for (i = 1; i <= SKS_MAX_LOGIN_FAILURES; i++) {
		if (i % 2) {
			EXPECT_EQ(-EACCES, st_restore(self->pfd, self->bslot,
						      WRONG, "kept", &ar));
			EXPECT_EQ(SKS_CKR_PIN_INCORRECT, ar.result);
		} else {
			EXPECT_EQ(-EACCES, st_backup(self->pfd, self->bslot,
						     ST_BK_SO, WRONG, "kept",
						     SKS_BACKUP_APPEND, &ab));
			EXPECT_EQ(SKS_CKR_PIN_INCORRECT, ab.result);
		}
		EXPECT_EQ(i, arc_failures(self->bfd, "kept", &lockout));
	}
	EXPECT_LE(1, lockout);
	EXPECT_EQ(0, arc_failures(self->bfd, "other", &lockout));
	EXPECT_EQ(0, lockout);

	/* locked: the right secret too; the other archive is not */
	EXPECT_EQ(-EPERM, st_restore(self->pfd, self->bslot, ST_BK_USER, "kept",
				     &ar));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, ar.result);
	EXPECT_EQ(-EPERM, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				    "kept", SKS_BACKUP_APPEND, &ab));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, ab.result);
	EXPECT_EQ(0, st_restore(self->pfd, self->bslot, ST_BK_USER, "other", &ar));

	/* after lockout_secs the right secret works and resets the count */
	t0 = st_now();
	while (st_now() - t0 < 5 &&
	       st_restore(self->pfd, self->bslot, ST_BK_USER, "kept", &ar) == -EPERM)
		usleep(100000);
	EXPECT_EQ(SKS_CKR_OK, ar.result);
	EXPECT_GT(LOCKOUT + 1.0, st_now() - t0);
	EXPECT_EQ(0, arc_failures(self->bfd, "kept", &lockout));
	EXPECT_EQ(0, lockout);
}

TEST_F(hsm, counters_survive_an_image_save_and_load)
{
	struct sks_archive_restore ar;
	struct sks_session_info info;
	unsigned char *img;
	__u32 len, res, lockout;
	int i, slot, fd;

	for (i = 0; i < 4; i++)
		EXPECT_EQ(-EACCES, st_restore(self->pfd, self->bslot, WRONG,
					      "kept", &ar));
	EXPECT_EQ(-EACCES, hsm_so_check(self, BY_LIST, WRONG, &res));
	ASSERT_EQ(0, st_image_save(self->bfd, ST_BK_SO, &img, &len, &res));
	slot = st_image_load(self->ctl, img, len, ST_BK_SO, &res);
	free(img);
	ASSERT_LE(0, slot);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	info = info_of(fd);
	TH_LOG("loaded slot: HSM SO failures %u", info.so_failures);
	EXPECT_EQ(4, arc_failures(fd, "kept", &lockout));
	EXPECT_EQ(0, arc_failures(fd, "other", &lockout));
	/* the loaded slot goes on counting from there */
	for (i = 4; i < SKS_MAX_LOGIN_FAILURES; i++)
		EXPECT_EQ(-EACCES, st_restore(self->pfd, slot, WRONG, "kept",
					      &ar));
	EXPECT_EQ(-EPERM, st_restore(self->pfd, slot, ST_BK_USER, "kept", &ar));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, ar.result);
	close(fd);
	EXPECT_EQ(0, st_slot_del(self->ctl, slot));
}

static int wrong_list(int fd, __u32 *res)
{
	struct sks_archive_list al = { .entry_size = sizeof(struct sks_archive_entry),
				       .so_secret = st_ptr(WRONG),
				       .so_secret_len = strlen(WRONG) };
	int err = ioctl(fd, SKS_IOC_ARCHIVE_LIST, &al) ? -errno : 0;

	*res = al.result;
	return err;
}

TEST_F(hsm, concurrent_wrong_hsm_so_secrets_lock_exactly_at_the_limit)
{
	int n[4];

	/* a lockout that outlasts the attempts */
	close(self->pfd);
	close(self->bfd);
	self->pfd = self->bfd = -1;
	st_slot_del(self->ctl, self->pslot);
	st_slot_del(self->ctl, self->bslot);
	close(self->ctl);
	self->ctl = -1;
	ASSERT_EQ(0, st_load_sks("pbkdf2_iterations=1000 lockout_secs=60"));
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, self->bslot);
	self->pslot = -1;
	self->bfd = st_slot_open(self->bslot);
	ASSERT_LE(0, self->bfd);

	concurrently(self->bslot, wrong_list, n);
	TH_LOG("%d incorrect, %d locked, %d other", n[0], n[1], n[3]);
	EXPECT_EQ(SKS_MAX_HSM_SO_FAILURES, n[0]);
	EXPECT_EQ(THREADS * TRIES - SKS_MAX_HSM_SO_FAILURES, n[1]);
	EXPECT_EQ(0, n[2] + n[3]);
	EXPECT_NE(0, info_of(self->bfd).state & SKS_STATE_SO_LOCKED);
}

TEST_HARNESS_MAIN
