// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle races: a partition deleted while its sessions are busy in
 * other threads, restores while inserts run on the same partition,
 * processes killed in the middle of ioctl loops, and rmmod while files
 * are open (refused) and after they are closed (the module is loaded
 * again at the end). Afterwards the module still works.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

static const char msg[] = "lifecycle message";

/* The module still works: a fresh partition, a key, an encryption. */
static int module_works(void)
{
	__u32 h, res;
	int ctl, fd, slot, err;

	ctl = st_ctl_open();
	if (ctl < 0)
		return -errno;
	fd = st_partition(ctl, SKS_SLOT_V1, "works", &slot);
	if (fd < 0) {
		close(ctl);
		return fd;
	}
	err = st_genkey(fd, true, SKS_OBJ_ENCRYPT, &h, &res);
	if (!err)
		err = st_encrypt(fd, h, &res);
	close(fd);
	if (!err)
		err = st_slot_del(ctl, slot);
	close(ctl);
	return err;
}

/* ---- partition deleted while its sessions are busy ---- */

struct busy {
	int fd;
	int id;
	long ops;
	int last_err;
	__u32 last_res;
	int bad;
	char what[96];
};

static void *busy_thread(void *arg)
{
	struct busy *b = arg;
	unsigned char blob[2048];
	__u32 h[4], res = 0, len, n;
	int err;

	for (;;) {
		b->ops++;
		err = st_genkey(b->fd, true, SKS_OBJ_ENCRYPT |
				SKS_OBJ_EXTRACTABLE, &h[0], &res);
		if (!err)
			err = st_encrypt(b->fd, h[0], &res);
		if (!err) {
			len = sizeof(blob);
			err = st_extract(b->fd, h, 1, blob, &len, 0, &res);
		}
		if (!err) {
			n = 3;
			err = st_insert(b->fd, blob, len, &h[1], &n, &res);
		}
		if (!err && b->id == 3) {
			err = ioctl(b->fd, SKS_IOC_LOGOUT,
				    &(struct sks_simple){}) ? -errno : 0;
			if (!err)
				err = st_login(b->fd, SKS_ROLE_CO, ST_PART_CO);
			res = err == -ENODEV ? SKS_CKR_TOKEN_NOT_PRESENT : res;
		}
		if (err)
			break;
	}
	b->last_err = err;
	b->last_res = res;
	return NULL;
}

TEST(delete_partition_under_busy_sessions)
{
	struct busy b[4];
	pthread_t t[4];
	struct sks_session_info info;
	struct sks_slot_entry e;
	int ctl, slot, fd2, i, n, err;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	b[0].fd = st_partition(ctl, SKS_SLOT_V1, "busy", &slot);
	ASSERT_LE(0, b[0].fd);
	/* two threads on one session, two on sessions of their own */
	fd2 = st_slot_open(slot);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, st_login(fd2, SKS_ROLE_CO, ST_PART_CO));
	for (i = 0; i < 4; i++) {
		memset(&b[i].ops, 0, sizeof(b[i]) - offsetof(struct busy, ops));
		b[i].id = i;
		if (i == 1)
			b[i].fd = b[0].fd;
		else if (i == 2)
			b[i].fd = fd2;
		else if (i == 3)
			b[i].fd = st_slot_open(slot);
		if (i == 3)
			ASSERT_EQ(0, st_login(b[i].fd, SKS_ROLE_CO, ST_PART_CO));
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, busy_thread, &b[i]));
	usleep(500000);
	ASSERT_EQ(0, st_slot_del(ctl, slot));
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		TH_LOG("thread %d: %ld rounds, ended with errno %d result 0x%x",
		       i, b[i].ops, -b[i].last_err, b[i].last_res);
		/* only the deletion stopped them */
		EXPECT_EQ(-ENODEV, b[i].last_err);
		EXPECT_EQ(SKS_CKR_TOKEN_NOT_PRESENT, b[i].last_res);
	}
	EXPECT_EQ(-ENODEV, st_info(b[0].fd, &info));
	EXPECT_EQ(-ENOENT, st_slot_entry(ctl, slot, &e));
	close(b[0].fd);
	close(fd2);
	close(b[3].fd);
	/* the number is free again, and the module works */
	n = st_slot_create(ctl, SKS_SLOT_V0, NULL, NULL, 0);
	EXPECT_LE(0, n);
	if (n >= 0)
		EXPECT_EQ(0, st_slot_del(ctl, n));
	err = module_works();
	EXPECT_EQ(0, err);
	close(ctl);
}

/* ---- restore while inserts run ---- */

struct inserter {
	int slot;
	const unsigned char *blob;
	__u32 bloblen;
	const unsigned char *ct;
	const unsigned char *iv;
	volatile int *stop;
	long ok, no_smk, bad;
	char what[96];
};

static void *insert_thread(void *arg)
{
	struct inserter *in = arg;
	unsigned char pt[sizeof(msg)];
	__u32 h[4], n, res;
	int fd, err;

	fd = st_slot_open(in->slot);
	if (fd < 0 || st_login(fd, SKS_ROLE_CO, ST_PART_CO)) {
		in->bad++;
		snprintf(in->what, sizeof(in->what), "open/login");
		return NULL;
	}
	while (!*in->stop) {
		n = 4;
		err = st_insert(fd, in->blob, in->bloblen, h, &n, &res);
		if (err == -ENOKEY && res == SKS_CKR_SMK_ID_NOT_FOUND) {
			in->no_smk++;
			continue;
		}
		if (err || n != 1) {
			in->bad++;
			snprintf(in->what, sizeof(in->what),
				 "insert: errno %d result 0x%x", -err, res);
			continue;
		}
		/* the key that comes out is the key that went in */
		struct sks_crypt c = { .handle = h[0],
				       .mechanism = SKS_CKM_AES_GCM,
				       .in = st_ptr(in->ct),
				       .in_len = sizeof(msg) + SKS_GCM_TAG_LEN,
				       .out = st_ptr(pt), .out_len = sizeof(pt) };

		memcpy(c.iv, in->iv, SKS_GCM_IV_LEN);
		if (ioctl(fd, SKS_IOC_DECRYPT, &c) || memcmp(pt, msg, sizeof(msg)) ||
		    st_destroy(fd, h[0], NULL)) {
			in->bad++;
			snprintf(in->what, sizeof(in->what),
				 "decrypt/destroy: errno %d result 0x%x", errno,
				 c.result);
			continue;
		}
		in->ok++;
	}
	if (st_nobjects(fd) != 0) {
		in->bad++;
		snprintf(in->what, sizeof(in->what), "objects left");
	}
	close(fd);
	return NULL;
}

TEST(restore_while_inserting)
{
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	struct inserter in[3];
	pthread_t t[3];
	unsigned char blob[1024], ct[sizeof(msg) + SKS_GCM_TAG_LEN];
	char name[SKS_ARCHIVE_NAME_MAX + 1] = {};
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM, .in = st_ptr(msg),
			       .in_len = sizeof(msg), .out = st_ptr(ct),
			       .out_len = sizeof(ct) };
	volatile int stop = 0;
	__u32 key, len, res, h[2], n;
	int ctl, slot, bslot, fd, i, rounds = 0;
	long ok = 0, no_smk = 0;
	double end;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "restore-race", &slot);
	ASSERT_LE(0, fd);
	bslot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, bslot);

	/* a key, a message under it and a blob under SMK 1 */
	ASSERT_EQ(0, st_genkey(fd, true, SKS_OBJ_EXTRACTABLE | SKS_OBJ_ENCRYPT |
			       SKS_OBJ_DECRYPT, &key, &res));
	c.handle = key;
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_ENCRYPT, &c));
	len = sizeof(blob);
	ASSERT_EQ(0, st_extract(fd, &key, 1, blob, &len, SKS_EXTRACT_DELETE,
				&res));
	ASSERT_EQ(0, st_backup(fd, bslot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	memcpy(name, ab.name, SKS_ARCHIVE_NAME_MAX);

	for (i = 0; i < 3; i++) {
		in[i] = (struct inserter){ .slot = slot, .blob = blob,
					   .bloblen = len, .ct = ct,
					   .iv = c.iv, .stop = &stop };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, insert_thread, &in[i]));
	}
	/* SMK 1 comes and goes: restored, then rolled over and dropped */
	end = st_now() + 4;
	while (st_now() < end) {
		EXPECT_EQ(0, st_restore(fd, bslot, ST_BK_USER, name, &ar));
		usleep(50000);
		EXPECT_EQ(0, st_rollover(fd, SKS_ROLLOVER_START, &res));
		usleep(20000);
		EXPECT_EQ(0, st_rollover(fd, SKS_ROLLOVER_END, &res));
		usleep(30000);
		rounds++;
	}
	stop = 1;
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, in[i].bad) TH_LOG("inserter %d: %s", i, in[i].what);
		ok += in[i].ok;
		no_smk += in[i].no_smk;
	}
	TH_LOG("%d restore rounds: %ld inserts, %ld refused for the SMK",
	       rounds, ok, no_smk);
	EXPECT_LT(0, rounds);

	/* settled: SMK 2 refuses the blob, a restore brings SMK 1 back */
	n = 2;
	EXPECT_EQ(-ENOKEY, st_insert(fd, blob, len, h, &n, &res));
	ASSERT_EQ(0, st_restore(fd, bslot, ST_BK_USER, name, &ar));
	n = 2;
	EXPECT_EQ(0, st_insert(fd, blob, len, h, &n, &res));
	EXPECT_EQ(1, n);
	EXPECT_EQ(1, st_nobjects(fd));

	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	EXPECT_EQ(0, st_slot_del(ctl, bslot));
	close(ctl);
}

/* ---- processes killed in the middle of ioctl loops ---- */

static void __attribute__((noreturn)) ioctl_loop(int slot)
{
	unsigned char blob[4096];
	__u32 h[8], n, len, res;
	int fd[2], i;

	for (i = 0; i < 2; i++) {
		fd[i] = st_slot_open(slot);
		if (fd[i] < 0 || st_login(fd[i], SKS_ROLE_CO, ST_PART_CO))
			_exit(1);
	}
	for (i = 0;; i++) {
		int f = fd[i % 2];

		if (st_genkey(f, true, SKS_OBJ_EXTRACTABLE | SKS_OBJ_ENCRYPT,
			      &h[0], &res) ||
		    st_genkey(f, false, SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN,
			      &h[1], &res))
			_exit(2);
		st_encrypt(f, h[0], &res);
		st_sign(f, h[1], &res);
		len = sizeof(blob);
		if (!st_extract(f, h, 2, blob, &len, 0, &res)) {
			n = 8;
			st_insert(f, blob, len, &h[2], &n, &res);
		}
		if (i % 4 == 3) {
			ioctl(f, SKS_IOC_LOGOUT, &(struct sks_simple){});
			st_login(f, SKS_ROLE_CO, ST_PART_CO);
		}
	}
}

TEST(killed_mid_ioctl)
{
	struct sks_slot_entry e;
	unsigned int seed = getpid();
	int ctl, slot, fd, i, status;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "kill", &slot);
	ASSERT_LE(0, fd);
	close(fd);

	for (i = 0; i < 8; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid)
			ioctl_loop(slot);
		usleep(100000 + rand_r(&seed) % 400000);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		/* it was still looping when it died */
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	/* the dead sessions are gone with their objects */
	ASSERT_EQ(0, st_slot_entry(ctl, slot, &e));
	EXPECT_EQ(0, e.sessions);
	EXPECT_EQ(0, e.used);
	EXPECT_EQ(0, e.state & SKS_STATE_CO_LOCKED);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, st_login(fd, SKS_ROLE_CO, ST_PART_CO));
	EXPECT_EQ(0, st_genkey(fd, true, SKS_OBJ_ENCRYPT, NULL, NULL));
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
	EXPECT_EQ(0, module_works());
}

/* ---- rmmod while files are open (the last test: it reloads sks) ---- */

static int try_rmmod(void)
{
	return syscall(SYS_delete_module, "sks", O_NONBLOCK) ? -errno : 0;
}

static bool module_loaded(void)
{
	struct stat st;

	return !stat("/sys/module/sks", &st);
}

TEST(rmmod_with_open_files)
{
	char path[64], buf[64], params[512];
	int ctl, slot, fd, sysfd, err;
	ssize_t n;

	if (!module_loaded())
		SKIP(return, "sks is not loaded");
	ASSERT_EQ(0, st_sks_params(params, sizeof(params)));
	/* /dev/sks-control open: refused */
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	err = try_rmmod();
	EXPECT_TRUE(err == -EWOULDBLOCK || err == -EBUSY)
		TH_LOG("rmmod with the control device open: %d", err);
	ASSERT_TRUE(module_loaded());

	/* only a session of a deleted slot open: still refused */
	fd = st_partition(ctl, SKS_SLOT_V1, "rmmod", &slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_genkey(fd, true, SKS_OBJ_ENCRYPT, NULL, NULL));
	snprintf(path, sizeof(path), "/sys/class/sks/sks%d/label", slot);
	ASSERT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
	err = try_rmmod();
	EXPECT_TRUE(err == -EWOULDBLOCK || err == -EBUSY);
	ASSERT_TRUE(module_loaded());
	EXPECT_EQ(-ENODEV, st_encrypt(fd, 1, NULL));
	close(fd);

	/* a sysfs attribute open does not pin the module, and is safe */
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	slot = st_slot_create(ctl, SKS_SLOT_V0, NULL, NULL, 0);
	ASSERT_LE(0, slot);
	close(ctl);
	snprintf(path, sizeof(path), "/sys/class/sks/sks%d/label", slot);
	sysfd = open(path, O_RDONLY);
	ASSERT_LE(0, sysfd);

	/* nothing of ours open: rmmod succeeds (slots and all) */
	ASSERT_EQ(0, try_rmmod());
	EXPECT_FALSE(module_loaded());
	n = pread(sysfd, buf, sizeof(buf), 0);
	EXPECT_GT(0, n);
	close(sysfd);
	EXPECT_NE(0, access(SKS_CONTROL_DEVICE, F_OK));

	/* load it again for the rest of the run, as it was */
	ASSERT_EQ(0, st_load_sks(params));
	ASSERT_TRUE(module_loaded());
	EXPECT_EQ(0, module_works());
}

TEST_HARNESS_MAIN
