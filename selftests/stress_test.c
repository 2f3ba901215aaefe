// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress: processes and threads on shared slots doing
 * login/logout, generate, extract, insert, destroy and encrypt, next to
 * SMK rollovers, SKS backups and restores, Backup HSM image save/load and
 * partitions deleted under their sessions, for a bounded time
 * (SKS_STRESS_SECS, default 15 s, after a short warm-up run).
 *
 * Afterwards: every operation gave an expected result, the object count
 * of each session matches what it created minus what it destroyed, the
 * partition's accounting matches their sum (and is 0 once the sessions
 * are closed), the kernel log has no splat, and unreclaimable slab memory
 * is back near its level before the run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <pthread.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

#define NPROC		3	/* worker processes */
#define NTHR		3	/* session threads per worker process */
#define NWORK		(NPROC * NTHR)
#define NROLE		5	/* rollover, backup, image, churn, companion */
#define KEY_CAP		24	/* keys a worker holds at most */
#define BLOB_MAX	8192
#define SLAB_SLACK_KB	2048	/* allowed growth of SUnreclaim */

struct wstat {
	long ops;
	long alive;
	long found;
	long bad;
	char what[160];
};

struct shared {
	pthread_barrier_t counted, done;
	double deadline;
	int pslot, bslot;
	volatile int churn_slot;
	struct wstat w[NWORK + NROLE];
};

static struct shared *sh;

static void bad(struct wstat *w, const char *op, int err, __u32 res)
{
	if (!w->bad++)
		snprintf(w->what, sizeof(w->what),
			 "%s: errno %d, result 0x%x", op, -err, res);
}

static bool running(void)
{
	return st_now() < sh->deadline;
}

/* ---- session workers: each on its own session of the shared partition */

static void *worker(void *arg)
{
	struct wstat *w = arg;
	__u32 h[KEY_CAP + SKS_MAX_EXTRACT], n = 0, res = 0, i, k, len;
	unsigned char *blob = malloc(BLOB_MAX);
	unsigned int seed = (unsigned int)(uintptr_t)w ^ getpid();
	__u32 bloblen = 0;
	int fd, err;

	fd = st_slot_open(sh->pslot);
	if (fd < 0 || !blob || st_login(fd, SKS_ROLE_CO, ST_PART_CO)) {
		bad(w, "open/login", -errno, 0);
		goto out;
	}
	while (running()) {
		int op = rand_r(&seed) % 100;

		w->ops++;
		if (op < 25 || !n) {
			err = st_genkey(fd, true, SKS_OBJ_EXTRACTABLE |
					SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT,
					&h[n], &res);
			if (err)
				bad(w, "generate", err, res);
			else
				n++;
		} else if (op < 40) {
			bool del = !(rand_r(&seed) % 3);

			k = 1 + rand_r(&seed) % (n < 3 ? n : 3);
			len = BLOB_MAX;
			err = st_extract(fd, &h[n - k], k, blob, &len,
					 del ? SKS_EXTRACT_DELETE : 0, &res);
			if (err) {
				bad(w, "extract", err, res);
			} else {
				bloblen = len;
				if (del)
					n -= k;
			}
		} else if (op < 55) {
			if (!bloblen || n + 3 > KEY_CAP)
				continue;
			k = SKS_MAX_EXTRACT;
			err = st_insert(fd, blob, bloblen, &h[n], &k, &res);
			if (!err)
				n += k;
			/* a rollover or restore may have retired its SMK */
			else if (err != -ENOKEY || res != SKS_CKR_SMK_ID_NOT_FOUND)
				bad(w, "insert", err, res);
		} else if (op < 70) {
			i = rand_r(&seed) % n;
			err = st_destroy(fd, h[i], &res);
			if (err)
				bad(w, "destroy", err, res);
			h[i] = h[--n];
		} else if (op < 92) {
			err = st_encrypt(fd, h[rand_r(&seed) % n], &res);
			if (err)
				bad(w, "encrypt", err, res);
		} else {
			err = ioctl(fd, SKS_IOC_LOGOUT, &(struct sks_simple){});
			if (err || st_login(fd, SKS_ROLE_CO, ST_PART_CO))
				bad(w, "logout/login", -errno, 0);
		}
		while (n >= KEY_CAP) {
			err = st_destroy(fd, h[--n], &res);
			if (err)
				bad(w, "destroy", err, res);
		}
	}
	w->alive = n;
	w->found = fd >= 0 ? st_nobjects(fd) : -1;
out:
	/* the parent reads the partition's accounting in between */
	pthread_barrier_wait(&sh->counted);
	pthread_barrier_wait(&sh->done);
	if (fd >= 0)
		close(fd);
	free(blob);
	return NULL;
}

static void worker_process(int p)
{
	pthread_t t[NTHR];
	int i;

	for (i = 0; i < NTHR; i++)
		pthread_create(&t[i], NULL, worker, &sh->w[p * NTHR + i]);
	for (i = 0; i < NTHR; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

/* ---- role threads, in the parent ---- */

static void *rollover_thread(void *arg)
{
	struct wstat *w = arg;
	__u32 res;
	int fd = st_slot_open(sh->pslot), err;

	if (fd < 0 || st_login(fd, SKS_ROLE_CO, ST_PART_CO)) {
		bad(w, "rollover open/login", -errno, 0);
		goto out;
	}
	while (running()) {
		err = st_rollover(fd, SKS_ROLLOVER_START, &res);
		w->ops++;
		if (err)
			bad(w, "rollover start", err, res);
		usleep(20000);
		err = st_rollover(fd, SKS_ROLLOVER_END, &res);
		w->ops++;
		if (err)
			bad(w, "rollover end", err, res);
		usleep(20000);
	}
out:
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void *backup_thread(void *arg)
{
	struct wstat *w = arg;
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	struct sks_archive_show as;
	char names[4][SKS_ARCHIVE_NAME_MAX + 1];
	int fd = st_slot_open(sh->pslot), bfd = st_slot_open(sh->bslot), err, n = 0;

	memset(names, 0, sizeof(names));
	if (fd < 0 || bfd < 0 || st_login(fd, SKS_ROLE_CO, ST_PART_CO)) {
		bad(w, "backup open/login", -errno, 0);
		goto out;
	}
	while (running()) {
		char *slot = names[n % 4];

		/* keep at most 4 archives: drop the oldest */
		if (slot[0]) {
			memset(&as, 0, sizeof(as));
			as.so_secret = st_ptr(ST_BK_SO);
			as.so_secret_len = strlen(ST_BK_SO);
			memcpy(as.entry.name, slot, strlen(slot));
			err = ioctl(bfd, SKS_IOC_ARCHIVE_DELETE, &as) ? -errno : 0;
			w->ops++;
			if (err)
				bad(w, "archive delete", err, as.result);
		}
		err = st_backup(fd, sh->bslot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab);
		w->ops++;
		if (err) {
			bad(w, "backup", err, ab.result);
			slot[0] = 0;
			continue;
		}
		memcpy(slot, ab.name, SKS_ARCHIVE_NAME_MAX);
		n++;
		err = st_restore(fd, sh->bslot, ST_BK_USER, slot, &ar);
		w->ops++;
		if (err)
			bad(w, "restore", err, ar.result);
	}
out:
	if (fd >= 0)
		close(fd);
	if (bfd >= 0)
		close(bfd);
	return NULL;
}

static void *image_thread(void *arg)
{
	struct wstat *w = arg;
	unsigned char *img;
	__u32 len, res = 0;
	int ctl = st_ctl_open(), bfd = st_slot_open(sh->bslot), err, slot;

	if (ctl < 0 || bfd < 0) {
		bad(w, "image open", -errno, 0);
		goto out;
	}
	while (running()) {
		err = st_image_save(bfd, ST_BK_SO, &img, &len, &res);
		w->ops++;
		if (err) {
			bad(w, "image save", err, res);
			continue;
		}
		slot = st_image_load(ctl, img, len, ST_BK_SO, &res);
		w->ops++;
		free(img);
		if (slot < 0) {
			/* the slot table may be full for a moment */
			if (slot != -ENOSPC)
				bad(w, "image load", slot, res);
			continue;
		}
		err = st_slot_del(ctl, slot);
		w->ops++;
		if (err)
			bad(w, "delete loaded slot", err, 0);
	}
out:
	if (ctl >= 0)
		close(ctl);
	if (bfd >= 0)
		close(bfd);
	return NULL;
}

/* Partitions made, used and deleted under their sessions. */
static void *churn_thread(void *arg)
{
	struct wstat *w = arg;
	struct sks_session_info info;
	__u32 h = 0, res = 0;
	int ctl = st_ctl_open(), fd, slot, err, i;

	if (ctl < 0) {
		bad(w, "churn open", -errno, 0);
		return NULL;
	}
	while (running()) {
		fd = st_partition(ctl, SKS_SLOT_V1, "churn", &slot);
		w->ops++;
		if (fd < 0) {
			if (fd != -ENOSPC)
				bad(w, "churn partition", fd, 0);
			usleep(10000);
			continue;
		}
		for (i = 0; i < 3; i++) {
			err = st_genkey(fd, true, SKS_OBJ_ENCRYPT, &h, &res);
			w->ops++;
			if (err)
				bad(w, "churn generate", err, res);
		}
		sh->churn_slot = slot;
		usleep(30000);
		sh->churn_slot = -1;
		err = st_slot_del(ctl, slot);
		w->ops++;
		if (err)
			bad(w, "churn delete", err, 0);
		/* the session survives as a closed one */
		err = st_info(fd, &info);
		if (err != -ENODEV || info.result != SKS_CKR_TOKEN_NOT_PRESENT)
			bad(w, "info after delete", err, info.result);
		err = st_encrypt(fd, h, &res);
		if (err != -ENODEV || res != SKS_CKR_TOKEN_NOT_PRESENT)
			bad(w, "encrypt after delete", err, res);
		close(fd);
	}
	close(ctl);
	return NULL;
}

/* Uses whatever partition the churn thread has up, until it goes away. */
static void *companion_thread(void *arg)
{
	struct wstat *w = arg;
	__u32 h = 0, res = 0;
	int fd, slot, err;

	while (running()) {
		slot = sh->churn_slot;
		if (slot < 0) {
			usleep(2000);
			continue;
		}
		fd = st_slot_open(slot);
		if (fd < 0)
			continue;	/* gone already */
		/* the number may belong to another slot by now */
		if (st_login(fd, SKS_ROLE_CO, ST_PART_CO)) {
			close(fd);
			continue;
		}
		for (;;) {
			w->ops++;
			err = st_genkey(fd, true, SKS_OBJ_ENCRYPT, &h, &res);
			if (!err)
				err = st_encrypt(fd, h, &res);
			if (err)
				break;
		}
		if (err != -ENODEV || res != SKS_CKR_TOKEN_NOT_PRESENT)
			bad(w, "companion", err, res);
		close(fd);
	}
	return NULL;
}

/* ---- one run ---- */

static int splats(void)
{
	static const char *const pat[] = {
		"BUG:", "WARNING:", "Oops", "general protection", "KASAN",
		"UBSAN", "possible circular locking", "lock held",
		"inconsistent lock state", "Call Trace",
	};
	int n = klogctl(10, NULL, 0), found = 0;
	char *log;
	size_t i;

	if (n <= 0)
		return -1;
	log = calloc(1, n + 1);
	if (!log)
		return -1;
	n = klogctl(3, log, n);
	for (i = 0; n > 0 && i < sizeof(pat) / sizeof(pat[0]); i++)
		for (char *p = log; (p = strstr(p, pat[i])); p++)
			found++;
	free(log);
	return found;
}

struct run {
	long ops;
	long objects;
	__u64 used, used_after;
};

static void run_stress(struct __test_metadata *_metadata, double secs,
		       struct run *r)
{
	void *(*roles[NROLE])(void *) = {
		rollover_thread, backup_thread, image_thread, churn_thread,
		companion_thread,
	};
	pthread_barrierattr_t ba;
	struct sks_session_info info;
	pthread_t t[NROLE];
	pid_t pids[NPROC];
	long expect = 0;
	int ctl, pfd, infofd, bfd, i, status;

	memset(sh, 0, sizeof(*sh));
	memset(r, 0, sizeof(*r));
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	ASSERT_EQ(0, pthread_barrier_init(&sh->counted, &ba, NWORK + 1));
	ASSERT_EQ(0, pthread_barrier_init(&sh->done, &ba, NWORK + 1));
	sh->churn_slot = -1;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	pfd = st_partition(ctl, SKS_SLOT_V1, "stress", &sh->pslot);
	ASSERT_LE(0, pfd);
	close(pfd);
	sh->bslot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 8 << 20);
	ASSERT_LE(0, sh->bslot);
	infofd = st_slot_open(sh->pslot);
	ASSERT_LE(0, infofd);
	sh->deadline = st_now() + secs;

	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			worker_process(i);
	}
	for (i = 0; i < NROLE; i++)
		pthread_create(&t[i], NULL, roles[i], &sh->w[NWORK + i]);
	for (i = 0; i < NROLE; i++)
		pthread_join(t[i], NULL);

	/* every worker stopped with its sessions open */
	pthread_barrier_wait(&sh->counted);
	ASSERT_EQ(0, st_info(infofd, &info));
	r->used = info.used;
	pthread_barrier_wait(&sh->done);
	for (i = 0; i < NPROC; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}

	for (i = 0; i < NWORK + NROLE; i++) {
		struct wstat *w = &sh->w[i];

		r->ops += w->ops;
		EXPECT_EQ(0, w->bad) TH_LOG("thread %d: %ld unexpected results, first: %s",
					    i, w->bad, w->what);
		if (i < NWORK) {
			EXPECT_EQ(w->alive, w->found);
			expect += w->alive;
		}
	}
	r->objects = expect;
	EXPECT_EQ((__u64)expect * ST_KEY_CHARGE, r->used);

	/* all closed: the partition holds nothing any more */
	ASSERT_EQ(0, st_info(infofd, &info));
	r->used_after = info.used;
	EXPECT_EQ(0, info.used);
	EXPECT_EQ(1, st_slot_entry(ctl, sh->pslot, &(struct sks_slot_entry){}) == 0);
	close(infofd);
	bfd = st_slot_open(sh->bslot);
	EXPECT_LE(0, bfd);
	EXPECT_GE(4, st_archive_count(bfd, ST_BK_SO));
	close(bfd);
	EXPECT_EQ(0, st_slot_del(ctl, sh->pslot));
	EXPECT_EQ(0, st_slot_del(ctl, sh->bslot));
	close(ctl);
	pthread_barrier_destroy(&sh->counted);
	pthread_barrier_destroy(&sh->done);
}

/*
 * Unreclaimable slab after letting deferred frees finish, in KiB. Every
 * cache is shrunk, which also empties KASAN's quarantine of freed objects
 * on the debug kernel.
 */
static long settled_slab(void)
{
	char path[300];
	struct dirent *de;
	DIR *d;
	int i;

	for (i = 0; i < 3; i++) {
		sync();
		st_write_file("/proc/sys/vm/drop_caches", "3");
		sleep(1);
		d = opendir("/sys/kernel/slab");
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 de->d_name);
			st_write_file(path, "1");
		}
		if (d)
			closedir(d);
	}
	return st_meminfo("SUnreclaim");
}

FIXTURE(stress) {
	double secs;
};

FIXTURE_SETUP(stress)
{
	const char *s = getenv("SKS_STRESS_SECS");

	self->secs = s ? atof(s) : 15;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
}

FIXTURE_TEARDOWN(stress)
{
	munmap(sh, sizeof(*sh));
}

TEST_F_TIMEOUT(stress, shared_slots, 300)
{
	struct run warm, r;
	long base, after;
	int splat0, splat1;

	splat0 = splats();
	/* a short first run grows the caches the measured run reuses */
	run_stress(_metadata, 3, &warm);
	base = settled_slab();
	run_stress(_metadata, self->secs, &r);
	after = settled_slab();
	splat1 = splats();

	printf("# stress operations: %ld (warm-up %ld) in %.0f s, %d workers x %d threads + %d role threads\n",
	       r.ops, warm.ops, self->secs, NPROC, NTHR, NROLE);
	printf("# objects alive at the end: %ld (partition used %llu bytes; 0 after close)\n",
	       r.objects, (unsigned long long)r.used);
	printf("# SUnreclaim: %ld KiB before, %ld KiB after (allowed +%d)\n",
	       base, after, SLAB_SLACK_KB);
	fflush(stdout);
	EXPECT_LT(100, r.ops);
	EXPECT_GE(splat0, splat1) TH_LOG("new oops/splat in the kernel log");
	ASSERT_LT(0, base);
	EXPECT_GE(base + SLAB_SLACK_KB, after);
}

TEST_HARNESS_MAIN
