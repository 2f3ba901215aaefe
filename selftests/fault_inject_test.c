// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: for each ioctl, fail the k-th allocation of the call
 * (slab or page, through /proc/thread-self/fail-nth with failslab and
 * fail_page_alloc set to count GFP_KERNEL allocations of any order) for
 * k = 1, 2, ... until the call completes without reaching its k-th
 * allocation. After every injected failure: the call failed cleanly
 * (an errno, and a CKR code unless the ioctl struct itself could not be
 * allocated), nothing is half done (slot list, object counts, usage
 * counts, SMK fingerprints, archives as before), and the same call made
 * again without a fault succeeds. Leaks are left to kmemleak (the run's
 * final check).
 *
 * Needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and their debugfs files
 * (make check-debug); elsewhere it skips. It reloads sks with the smallest
 * PBKDF2 iteration count to keep the many logins short, and loads it
 * again with the parameters it had at the end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "common.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAILPAGE	"/sys/kernel/debug/fail_page_alloc"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define MAX_K		1000
#define SENTINEL	0xfeedf00dU

/* ---- the fault injection switches ---- */

struct fi_saved {
	char path[96];
	char val[32];
};

static struct fi_saved saved[16];
static int nsaved;

static int fi_set(const char *dir, const char *file, const char *val)
{
	struct fi_saved *s = &saved[nsaved];

	snprintf(s->path, sizeof(s->path), "%s/%s", dir, file);
	if (st_read_file(s->path, s->val, sizeof(s->val)) < 0)
		return -errno;
	nsaved++;
	return st_write_file(s->path, "%s", val);
}

static int fi_setup(void)
{
	static const char *const dirs[] = { FAILSLAB, FAILPAGE };
	int i, err = 0;

	nsaved = 0;
	for (i = 0; i < 2 && !err; i++) {
		/* fail only through fail-nth, only this task, quietly */
		err = fi_set(dirs[i], "probability", "0") ?:
		      fi_set(dirs[i], "interval", "1") ?:
		      fi_set(dirs[i], "times", "-1") ?:
		      fi_set(dirs[i], "space", "0") ?:
		      fi_set(dirs[i], "verbose", "0") ?:
		      fi_set(dirs[i], "task-filter", "Y") ?:
		      fi_set(dirs[i], "ignore-gfp-wait", "N");
	}
	if (!err)
		err = fi_set(FAILPAGE, "min-order", "0");
	if (!err)
		err = st_write_file("/proc/self/make-it-fail", "1");
	return err;
}

static void fi_restore(void)
{
	while (nsaved > 0) {
		nsaved--;
		st_write_file(saved[nsaved].path, "%s", saved[nsaved].val);
	}
	st_write_file("/proc/self/make-it-fail", "0");
}

static int nth_fd = -1;

static void nth_arm(unsigned int k)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", k);

	if (pwrite(nth_fd, buf, n, 0) != n)
		abort();
}

/* Disarm; returns what was left of the count (0: the fault was injected). */
static unsigned int nth_disarm(void)
{
	char buf[16] = "";
	unsigned int left;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		abort();
	left = strtoul(buf, NULL, 10);
	if (pwrite(nth_fd, "0", 1, 0) != 1)
		abort();
	return left;
}

/* ---- the world the ioctls run in ---- */

struct world {
	int ctl;
	int pslot, co, so, s2;		/* V1 partition; sessions: CO, SO, spare */
	int bslot, bfd;			/* Backup HSM */
	__u32 aes, hmac;		/* keys of the CO session */
	unsigned char blob[1024];
	__u32 bloblen;
	char arch[SKS_ARCHIVE_NAME_MAX + 1];	/* SKS archive of the SMK */
	unsigned char *img;
	__u32 imglen;
	char cu_pin[32];
	int cu_gen;
	/* per operation */
	int tslot, tfd;
	__u32 th[8];
	char tname[SKS_ARCHIVE_NAME_MAX + 1];
	unsigned char *out;
	__u32 outlen;
};

struct snapshot {
	struct sks_slot_entry slots[SKS_MAX_SLOTS];
	int nslots;
	struct sks_session_info info;
	int objects;
	int archives;
	__u32 s2_role;
	__u64 aes_uses, hmac_uses;
};

static __u64 uses(int fd, __u32 h)
{
	struct sks_get_attrs ga = { .handle = h };

	return ioctl(fd, SKS_IOC_GET_ATTRS, &ga) ? ~0ULL : ga.attrs.usage_count;
}

static void snap(struct world *w, struct snapshot *s)
{
	struct sks_session_info info;

	memset(s, 0, sizeof(*s));
	s->nslots = st_slots(w->ctl, s->slots, SKS_MAX_SLOTS);
	st_info(w->co, &s->info);
	s->info.result = 0;
	s->objects = st_nobjects(w->co);
	s->archives = st_archive_count(w->bfd, ST_BK_SO);
	s->aes_uses = uses(w->co, w->aes);
	s->hmac_uses = uses(w->co, w->hmac);
	s->s2_role = st_info(w->s2, &info) ? ~0U : info.role;
}

/* What differs between two snapshots, or NULL. */
static const char *snap_diff(const struct snapshot *a, const struct snapshot *b)
{
	if (a->nslots != b->nslots ||
	    memcmp(a->slots, b->slots, sizeof(a->slots)))
		return "slot list";
	if (memcmp(a->info.smk_fingerprint, b->info.smk_fingerprint,
		   SKS_FINGERPRINT_LEN) ||
	    memcmp(a->info.rollover_fingerprint, b->info.rollover_fingerprint,
		   SKS_FINGERPRINT_LEN))
		return "SMK fingerprints";
	if (memcmp(&a->info, &b->info, sizeof(a->info)))
		return "partition state";
	if (a->objects != b->objects)
		return "object count";
	if (a->archives != b->archives)
		return "archive count";
	if (a->aes_uses != b->aes_uses || a->hmac_uses != b->hmac_uses)
		return "key usage counts";
	if (a->s2_role != b->s2_role)
		return "login state";
	return NULL;
}

/* ---- the operations ---- */

struct op {
	const char *name;
	/* before each attempt, without faults */
	void (*prepare)(struct world *w);
	/* the ioctl; 0 or -errno, *res the result field */
	int (*call)(struct world *w, __u32 *res);
	/* after the call succeeded, without faults: undo it */
	void (*finish)(struct world *w);
	/* after a failure: what the snapshot cannot see is as before */
	bool (*unchanged)(struct world *w);
};

static void nop(struct world *w)
{
}

/* create slot */
static int call_create(struct world *w, __u32 *res)
{
	struct sks_slot_create c = { .type = SKS_SLOT_V1, .result = SENTINEL };
	int err = ioctl(w->ctl, SKS_CTL_CREATE_SLOT, &c) ? -errno : 0;

	*res = c.result;
	w->tslot = c.slot;
	return err;
}

static void finish_delete_tslot(struct world *w)
{
	if (w->tfd >= 0)
		close(w->tfd);
	w->tfd = -1;
	st_slot_del(w->ctl, w->tslot);
}

/* delete slot */
static void prep_tslot(struct world *w)
{
	w->tslot = st_slot_create(w->ctl, SKS_SLOT_V0, NULL, NULL, 0);
}

static int call_delete(struct world *w, __u32 *res)
{
	struct sks_slot_delete d = { .slot = w->tslot, .result = SENTINEL };
	int err = ioctl(w->ctl, SKS_CTL_DELETE_SLOT, &d) ? -errno : 0;

	*res = d.result;
	return err;
}

/* partition init */
static void prep_init(struct world *w)
{
	w->tslot = st_slot_create(w->ctl, SKS_SLOT_V1, NULL, NULL, 0);
	w->tfd = st_slot_open(w->tslot);
}

static int call_init(struct world *w, __u32 *res)
{
	struct sks_partition_init pi = {
		.result = SENTINEL,
		.so_pin = st_ptr(ST_PART_SO), .so_pin_len = strlen(ST_PART_SO),
		.domain = st_ptr("fault"), .domain_len = 5,
		.label = "fault",
	};
	int err = ioctl(w->tfd, SKS_IOC_PARTITION_INIT, &pi) ? -errno : 0;

	*res = pi.result;
	return err;
}

/* login */
static int call_login(struct world *w, __u32 *res)
{
	struct sks_login li = { .result = SENTINEL, .role = SKS_ROLE_CO,
				.pin = st_ptr(ST_PART_CO), .pin_len = strlen(ST_PART_CO) };
	int err = ioctl(w->s2, SKS_IOC_LOGIN, &li) ? -errno : 0;

	*res = li.result;
	return err;
}

static void finish_logout(struct world *w)
{
	ioctl(w->s2, SKS_IOC_LOGOUT, &(struct sks_simple){});
}

/* init role: a new CU secret each time; a failure keeps the old one */
static int call_init_role(struct world *w, __u32 *res)
{
	char pin[32];
	struct sks_init_role ir = { .result = SENTINEL, .role = SKS_ROLE_CU,
				    .pin = st_ptr(pin) };
	int err;

	snprintf(pin, sizeof(pin), "cu-secret-%d", w->cu_gen + 1);
	ir.pin_len = strlen(pin);
	err = ioctl(w->so, SKS_IOC_INIT_ROLE, &ir) ? -errno : 0;
	*res = ir.result;
	return err;
}

static bool cu_pin_unchanged(struct world *w)
{
	bool ok = !st_login(w->s2, SKS_ROLE_CU, w->cu_pin);

	ioctl(w->s2, SKS_IOC_LOGOUT, &(struct sks_simple){});
	return ok;
}

static void finish_init_role(struct world *w)
{
	w->cu_gen++;
	snprintf(w->cu_pin, sizeof(w->cu_pin), "cu-secret-%d", w->cu_gen);
}

/* generate key */
static int call_generate(struct world *w, __u32 *res)
{
	*res = SENTINEL;
	return st_genkey(w->co, true, SKS_OBJ_ENCRYPT | SKS_OBJ_EXTRACTABLE,
			 &w->th[0], res);
}

static void finish_destroy_th0(struct world *w)
{
	st_destroy(w->co, w->th[0], NULL);
}

/* create object */
static int call_create_object(struct world *w, __u32 *res)
{
	static const unsigned char key[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct sks_create_object co = { .result = SENTINEL, .value = st_ptr(key) };
	int err;

	st_attrs_set(&co.attrs, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
		      SKS_OBJ_SIGN | SKS_OBJ_VERIFY, 32, "imported");
	err = ioctl(w->co, SKS_IOC_CREATE_OBJECT, &co) ? -errno : 0;
	*res = co.result;
	w->th[0] = co.handle;
	return err;
}

/* encrypt, sign */
static int call_encrypt(struct world *w, __u32 *res)
{
	*res = SENTINEL;
	return st_encrypt(w->co, w->aes, res);
}

static int call_sign(struct world *w, __u32 *res)
{
	*res = SENTINEL;
	return st_sign(w->co, w->hmac, res);
}

/* extract with delete: a failure keeps the key */
static void prep_extract(struct world *w)
{
	st_genkey(w->co, true, SKS_OBJ_ENCRYPT | SKS_OBJ_EXTRACTABLE,
		  &w->th[0], NULL);
}

static int call_extract(struct world *w, __u32 *res)
{
	unsigned char blob[1024];
	__u32 len = sizeof(blob);

	memset(blob, 0, sizeof(blob));
	*res = SENTINEL;
	return st_extract(w->co, w->th, 1, blob, &len, SKS_EXTRACT_DELETE, res);
}

/* insert */
static int call_insert(struct world *w, __u32 *res)
{
	__u32 n = 8;

	*res = SENTINEL;
	return st_insert(w->co, w->blob, w->bloblen, w->th, &n, res);
}

/* rollover start; finish ends it */
static int call_rollover(struct world *w, __u32 *res)
{
	*res = SENTINEL;
	return st_rollover(w->co, SKS_ROLLOVER_START, res);
}

static void finish_rollover(struct world *w)
{
	st_rollover(w->co, SKS_ROLLOVER_END, NULL);
}

/* archive backup; finish deletes the archive */
static int call_backup(struct world *w, __u32 *res)
{
	struct sks_archive_backup ab;
	int err = st_backup(w->co, w->bslot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab);

	*res = ab.result;
	memcpy(w->tname, ab.name, SKS_ARCHIVE_NAME_MAX);
	return err;
}

static void finish_backup(struct world *w)
{
	struct sks_archive_show as = { .so_secret = st_ptr(ST_BK_SO),
				       .so_secret_len = strlen(ST_BK_SO) };

	memcpy(as.entry.name, w->tname, strlen(w->tname));
	ioctl(w->bfd, SKS_IOC_ARCHIVE_DELETE, &as);
}

/* archive restore: the partition gets another SMK first */
static void prep_restore(struct world *w)
{
	st_rollover(w->co, SKS_ROLLOVER_START, NULL);
	st_rollover(w->co, SKS_ROLLOVER_END, NULL);
}

static int call_restore(struct world *w, __u32 *res)
{
	struct sks_archive_restore ar;
	int err = st_restore(w->co, w->bslot, ST_BK_USER, w->arch, &ar);

	*res = ar.result;
	return err;
}

/* image save */
static int call_image_save(struct world *w, __u32 *res)
{
	struct sks_image_save is = { .result = SENTINEL,
				     .image = st_ptr(w->out),
				     .image_len = w->outlen,
				     .so_secret = st_ptr(ST_BK_SO),
				     .so_secret_len = strlen(ST_BK_SO) };
	int err = ioctl(w->bfd, SKS_IOC_IMAGE_SAVE, &is) ? -errno : 0;

	*res = is.result;
	return err;
}

/* image load; finish deletes the new slot */
static int call_image_load(struct world *w, __u32 *res)
{
	struct sks_image_load il = { .result = SENTINEL, .image = st_ptr(w->img),
				     .image_len = w->imglen,
				     .so_secret = st_ptr(ST_BK_SO),
				     .so_secret_len = strlen(ST_BK_SO) };
	int err = ioctl(w->ctl, SKS_CTL_IMAGE_LOAD, &il) ? -errno : 0;

	*res = il.result;
	w->tslot = il.slot;
	return err;
}

static const struct op ops[] = {
	{ "create slot", nop, call_create, finish_delete_tslot, NULL },
	{ "partition init", prep_init, call_init, finish_delete_tslot, NULL },
	{ "login", nop, call_login, finish_logout, NULL },
	{ "init role", nop, call_init_role, finish_init_role,
	  cu_pin_unchanged },
	{ "generate key", nop, call_generate, finish_destroy_th0, NULL },
	{ "create object", nop, call_create_object, finish_destroy_th0, NULL },
	{ "encrypt", nop, call_encrypt, nop, NULL },
	{ "sign", nop, call_sign, nop, NULL },
	{ "extract", prep_extract, call_extract, nop, NULL },
	{ "insert", nop, call_insert, finish_destroy_th0, NULL },
	{ "rollover", nop, call_rollover, finish_rollover, NULL },
	{ "archive backup", nop, call_backup, finish_backup, NULL },
	{ "archive restore", prep_restore, call_restore, nop, NULL },
	{ "image save", nop, call_image_save, nop, NULL },
	{ "image load", nop, call_image_load, finish_delete_tslot, NULL },
	{ "delete slot", prep_tslot, call_delete, nop, NULL },
};

/* ---- kernel log ---- */

static char *klog(void)
{
	int n = klogctl(10, NULL, 0);
	char *log = calloc(1, n > 0 ? n + 1 : 1);

	if (log && n > 0 && klogctl(3, log, n) < 0)
		log[0] = 0;
	return log;
}

static bool has_splat(const char *log, bool traces_too)
{
	static const char *const pat[] = {
		"BUG:", "WARNING:", "Oops", "general protection", "KASAN",
		"UBSAN", "possible circular locking", "possible recursive locking",
		"inconsistent lock state", "suspicious RCU usage",
		"suspected memory leak", "leak detector disabled",
		"kmemleak: Cannot",
	};
	size_t i;

	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (strstr(log, pat[i]))
			return true;
	return traces_too && strstr(log, "Call Trace");
}

/* ---- the test ---- */

FIXTURE(fault) {
	struct world w;
	char params[512];
	bool reloaded;
	bool ready;
	char *log0;
};

FIXTURE_SETUP(fault)
{
	struct world *w = &self->w;
	struct sks_archive_backup ab;
	struct stat st;
	__u32 res;
	int err;

	memset(w, 0, sizeof(*w));
	w->ctl = w->co = w->so = w->s2 = w->bfd = w->tfd = -1;
	self->log0 = NULL;
	self->reloaded = false;
	self->ready = false;
	/* (the test itself skips: a SKIP here would not stop it) */
	if (stat(FAILSLAB, &st) || stat(FAILPAGE, &st) ||
	    stat(FAIL_NTH, &st))
		return;

	ASSERT_EQ(0, st_sks_params(self->params, sizeof(self->params)));
	err = st_load_sks("pbkdf2_iterations=1000");
	if (err)
		TH_LOG("sks not reloaded (%d): logins are slow", err);
	self->reloaded = !err;
	ASSERT_EQ(0, access(SKS_CONTROL_DEVICE, F_OK));
	self->log0 = klog();
	ASSERT_NE(NULL, self->log0);

	w->ctl = st_ctl_open();
	ASSERT_LE(0, w->ctl);
	w->co = st_partition(w->ctl, SKS_SLOT_V1, "fault", &w->pslot);
	ASSERT_LE(0, w->co);
	w->so = st_slot_open(w->pslot);
	ASSERT_LE(0, w->so);
	ASSERT_EQ(0, st_login(w->so, SKS_ROLE_SO, ST_PART_SO));
	strcpy(w->cu_pin, "cu-secret-0");
	ASSERT_EQ(0, st_init_role_pin(w->so, SKS_ROLE_CU, w->cu_pin));
	w->s2 = st_slot_open(w->pslot);
	ASSERT_LE(0, w->s2);
	ASSERT_EQ(0, st_genkey(w->co, true, SKS_OBJ_ENCRYPT | SKS_OBJ_EXTRACTABLE,
			       &w->aes, &res));
	ASSERT_EQ(0, st_genkey(w->co, false, SKS_OBJ_SIGN, &w->hmac, &res));
	w->bloblen = sizeof(w->blob);
	ASSERT_EQ(0, st_extract(w->co, &w->aes, 1, w->blob, &w->bloblen, 0,
				&res));

	w->bslot = st_slot_create(w->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, w->bslot);
	w->bfd = st_slot_open(w->bslot);
	ASSERT_LE(0, w->bfd);
	ASSERT_EQ(0, st_backup(w->co, w->bslot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	memcpy(w->arch, ab.name, SKS_ARCHIVE_NAME_MAX);
	ASSERT_EQ(0, st_image_save(w->bfd, ST_BK_SO, &w->img, &w->imglen, NULL));
	w->outlen = w->imglen + 4096;
	w->out = malloc(w->outlen);
	ASSERT_NE(NULL, w->out);
	memset(w->out, 0, w->outlen);	/* no page fault in the ioctl */

	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth_fd);
	ASSERT_EQ(0, fi_setup());
	self->ready = true;
}

FIXTURE_TEARDOWN(fault)
{
	struct world *w = &self->w;

	if (nth_fd >= 0) {
		nth_disarm();
		close(nth_fd);
		nth_fd = -1;
	}
	fi_restore();
	if (w->tfd >= 0)
		close(w->tfd);
	if (w->co >= 0)
		close(w->co);
	if (w->so >= 0)
		close(w->so);
	if (w->s2 >= 0)
		close(w->s2);
	if (w->bfd >= 0)
		close(w->bfd);
	if (w->ctl >= 0) {
		st_slot_del(w->ctl, w->pslot);
		st_slot_del(w->ctl, w->bslot);
		close(w->ctl);
	}
	free(w->img);
	free(w->out);
	free(self->log0);
	if (self->reloaded && st_load_sks(self->params))
		TH_LOG("could not load sks again with %s", self->params);
}

/*
 * Runs everywhere: calls that fail before the crypto runs (a size query,
 * unreadable input) leave a key's usage count alone.
 */
TEST(failed_calls_use_no_key_use)
{
	unsigned char out[64];
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM,
			       .in = st_ptr("data"), .in_len = 4,
			       .out = st_ptr(out), .out_len = 4 };
	struct sks_sign s = { .mechanism = SKS_CKM_SHA256_HMAC,
			      .data = st_ptr("data"), .data_len = 4,
			      .sig = st_ptr(out), .sig_len = 16 };
	__u32 aes, hmac, res;
	int ctl, slot, fd;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "uses", &slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_genkey(fd, true, SKS_OBJ_ENCRYPT, &aes, &res));
	ASSERT_EQ(0, st_genkey(fd, false, SKS_OBJ_SIGN, &hmac, &res));

	c.handle = aes;
	EXPECT_EQ(-1, ioctl(fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, c.result);
	c.out_len = sizeof(out);
	c.in = 8;	/* unreadable */
	EXPECT_EQ(-1, ioctl(fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, uses(fd, aes));
	c.in = st_ptr("data");
	c.out_len = sizeof(out);	/* a failure left it 0 */
	EXPECT_EQ(0, ioctl(fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(1, uses(fd, aes));

	s.handle = hmac;
	EXPECT_EQ(-1, ioctl(fd, SKS_IOC_SIGN, &s));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, s.result);
	s.sig_len = 32;
	s.data = 8;
	EXPECT_EQ(-1, ioctl(fd, SKS_IOC_SIGN, &s));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, uses(fd, hmac));
	s.data = st_ptr("data");
	s.sig_len = 32;
	EXPECT_EQ(0, ioctl(fd, SKS_IOC_SIGN, &s));
	EXPECT_EQ(1, uses(fd, hmac));

	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

/* Is a failed call's errno and result a clean failure report? */
static bool clean_failure(int err, __u32 res)
{
	if (res == SENTINEL)	/* the ioctl struct could not be allocated */
		return err == -ENOMEM;
	if (res == SKS_CKR_OK)
		return false;
	return err == -ENOMEM || err == -EIO || err == -ENOENT ||
	       err == -EAGAIN;
}

TEST_F_TIMEOUT(fault, every_allocation_of_every_ioctl, 1500)
{
	struct world *w = &self->w;
	struct snapshot before, after;
	long total = 0, absorbed = 0;
	size_t i;
	char *log1, *fresh;

	if (!self->ready)
		SKIP(return, "no failslab/fail_page_alloc in debugfs, or no fail-nth");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct op *op = &ops[i];
		unsigned int k, left = 0;
		long points = 0;
		__u32 res;
		int err;

		for (k = 1; k <= MAX_K; k++) {
			const char *diff;

			op->prepare(w);
			snap(w, &before);
			nth_arm(k);
			err = op->call(w, &res);
			left = nth_disarm();
			if (left) {
				/* fewer than k allocations: ran through */
				ASSERT_EQ(0, err) TH_LOG("%s without a fault: errno %d result 0x%x",
							 op->name, -err, res);
				op->finish(w);
				break;
			}
			points++;
			if (!err) {
				/* a failure the kernel absorbed (a uevent, ...) */
				absorbed++;
				op->finish(w);
				continue;
			}
			EXPECT_TRUE(clean_failure(err, res))
				TH_LOG("%s, allocation %u: errno %d, result 0x%x",
				       op->name, k, -err, res);
			snap(w, &after);
			diff = snap_diff(&before, &after);
			EXPECT_EQ(NULL, diff)
				TH_LOG("%s, allocation %u failed (errno %d, result 0x%x): %s changed",
				       op->name, k, -err, res, diff);
			if (op->unchanged)
				EXPECT_TRUE(op->unchanged(w))
					TH_LOG("%s, allocation %u: changed", op->name, k);
			/* the same call again, without a fault, works */
			err = op->call(w, &res);
			EXPECT_EQ(0, err) TH_LOG("%s after a failure at allocation %u: errno %d result 0x%x",
						 op->name, k, -err, res);
			if (!err)
				op->finish(w);
			if (!_metadata->passed)
				break;
		}
		EXPECT_NE(0, left) TH_LOG("%s: still failing after %d allocations",
					  op->name, MAX_K);
		printf("# %-16s %4ld fault points\n", op->name, points);
		total += points;
	}
	printf("# fault points: %ld (%ld absorbed by the kernel: the call succeeded)\n",
	       total, absorbed);
	fflush(stdout);
	EXPECT_LT(0, total);

	/*
	 * Failed allocations may log "allocation failure" reports with a
	 * stack dump; anything else is a real splat. The run's final log
	 * check would take those reports for one: once this run's new
	 * messages are checked, clear the log (unless it held a splat
	 * before, which is left for the final check).
	 */
	log1 = klog();
	ASSERT_NE(NULL, log1);
	fresh = strncmp(log1, self->log0, strlen(self->log0)) ? log1 :
		log1 + strlen(self->log0);
	EXPECT_FALSE(has_splat(fresh, false)) TH_LOG("splat during fault injection:\n%s",
						      fresh);
	if (!has_splat(self->log0, true) && !has_splat(fresh, false) &&
	    has_splat(fresh, true)) {
		klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
		st_write_file("/dev/kmsg",
			      "sks fault_inject_test: allocation failure reports checked and cleared\n");
	}
	free(log1);
}

TEST_HARNESS_MAIN
