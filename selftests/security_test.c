// SPDX-License-Identifier: GPL-2.0
/*
 * Security properties of the driver: device node modes, administration
 * needs root with CAP_SYS_ADMIN, the CO lockout is exact under concurrent
 * logins, and a sensitive key's value never shows in any output.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

#define NOBODY		65534
#define UDEV_RULES	"/sks/60-sks.rules"

/* The key values searched for in every output. */
static const unsigned char secret_aes[32] = {
	0xc3, 0x5e, 0x7a, 0x19, 0x88, 0x01, 0xfe, 0x42,
	0x6b, 0xd0, 0x27, 0x93, 0x5c, 0xaa, 0x10, 0x7f,
	0x3e, 0xe1, 0x94, 0x08, 0x71, 0xbd, 0x2c, 0x66,
	0xf5, 0x19, 0x83, 0x4a, 0xde, 0x02, 0x9b, 0x37,
};

static const unsigned char secret_hmac[32] = {
	0x1d, 0x8c, 0x73, 0xe2, 0x4f, 0x90, 0x0b, 0xa6,
	0x55, 0xc8, 0x3d, 0x17, 0xe9, 0x62, 0xb4, 0x0f,
	0x81, 0x2a, 0xd7, 0x46, 0x9e, 0x35, 0xfc, 0x58,
	0x07, 0xbb, 0x61, 0x93, 0x2e, 0xc0, 0x4d, 0x79,
};

/* True if any 8-byte window of a secret appears in @buf. */
static bool leaks(const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= sizeof(secret_aes); i += 8)
		if (st_memmem(buf, len, secret_aes + i, 8) ||
		    st_memmem(buf, len, secret_hmac + i, 8))
			return true;
	return false;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/* Hex forms too (sysfs and dmesg print text). */
static bool leaks_text(const char *buf)
{
	char hex[17];
	int i;

	if (leaks(buf, strlen(buf)))
		return true;
	for (i = 0; i < 32; i += 8) {
		snprintf(hex, sizeof(hex), "%02x%02x%02x%02x%02x%02x%02x%02x",
			 secret_aes[i], secret_aes[i + 1], secret_aes[i + 2],
			 secret_aes[i + 3], secret_aes[i + 4], secret_aes[i + 5],
			 secret_aes[i + 6], secret_aes[i + 7]);
		if (strcasestr(buf, hex))
			return true;
		snprintf(hex, sizeof(hex), "%02x%02x%02x%02x%02x%02x%02x%02x",
			 secret_hmac[i], secret_hmac[i + 1], secret_hmac[i + 2],
			 secret_hmac[i + 3], secret_hmac[i + 4],
			 secret_hmac[i + 5], secret_hmac[i + 6],
			 secret_hmac[i + 7]);
		if (strcasestr(buf, hex))
			return true;
	}
	return false;
}

TEST(device_modes)
{
	struct stat st;
	char path[32];
	int ctl, slot;

	ASSERT_EQ(0, stat(SKS_CONTROL_DEVICE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	slot = st_slot_create(ctl, SKS_SLOT_V1, NULL, NULL, 0);
	ASSERT_LE(0, slot);
	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	/* Without udev, what the driver itself sets: root only. */
	EXPECT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

/* The udev rule opens the slot devices to group sks, not the control. */
TEST(udev_rule)
{
	char rules[2048];

	if (st_read_file(UDEV_RULES, rules, sizeof(rules)) < 0)
		SKIP(return, "%s not in this VM", UDEV_RULES);
	EXPECT_NE(NULL, strstr(rules, "KERNEL==\"sks-control\", MODE=\"0600\", OWNER=\"root\""));
	EXPECT_NE(NULL, strstr(rules, "KERNEL==\"sks[0-9]*\", MODE=\"0660\", GROUP=\"sks\""));
}

/*
 * Every administrative command on already open files; @expect_open is the
 * errno opening the control device gives. Runs in a child; exit status 0
 * if all held, else the number of the first failed check.
 */
static int admin_refused(int ctl, int pfd, int pslot, int expect_open)
{
	struct sks_slot_create c = { .type = SKS_SLOT_V0 };
	struct sks_slot_delete d = { .slot = pslot };
	struct sks_slot_list l = { .entry_size = sizeof(struct sks_slot_entry) };
	struct sks_hsm_info hi = {};
	struct sks_partition_init pi = {
		.so_pin = st_ptr(ST_PART_SO), .so_pin_len = strlen(ST_PART_SO),
		.domain = st_ptr("dom"), .domain_len = 3,
	};
	unsigned char img[256] = "SKSI";
	struct sks_image_load il = { .image = st_ptr(img), .image_len = sizeof(img),
				     .so_secret = st_ptr(ST_BK_SO),
				     .so_secret_len = strlen(ST_BK_SO) };
	int fd;

	fd = open(SKS_CONTROL_DEVICE, O_RDWR);
	if (expect_open ? !(fd < 0 && errno == expect_open) : fd < 0)
		return 1;
	if (fd >= 0)
		close(fd);
	if (ioctl(ctl, SKS_CTL_CREATE_SLOT, &c) != -1 || errno != EPERM ||
	    c.result != SKS_CKR_USER_NOT_LOGGED_IN)
		return 2;
	if (ioctl(ctl, SKS_CTL_DELETE_SLOT, &d) != -1 || errno != EPERM)
		return 3;
	if (ioctl(ctl, SKS_CTL_LIST_SLOTS, &l) != -1 || errno != EPERM)
		return 4;
	if (ioctl(ctl, SKS_CTL_HSM_INFO, &hi) != -1 || errno != EPERM)
		return 5;
	if (ioctl(ctl, SKS_CTL_IMAGE_LOAD, &il) != -1 || errno != EPERM)
		return 6;
	if (ioctl(pfd, SKS_IOC_PARTITION_INIT, &pi) != -1 || errno != EPERM)
		return 7;
	return 0;
}

static void check_child(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

FIXTURE(admin) {
	int ctl, pslot, pfd;
};

FIXTURE_SETUP(admin)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->pslot = st_slot_create(self->ctl, SKS_SLOT_V1, NULL, NULL, 0);
	ASSERT_LE(0, self->pslot);
	self->pfd = st_slot_open(self->pslot);
	ASSERT_LE(0, self->pfd);
}

FIXTURE_TEARDOWN(admin)
{
	close(self->pfd);
	/* nothing was changed: the slot is still there, uninitialised */
	st_slot_del(self->ctl, self->pslot);
	close(self->ctl);
}

TEST_F(admin, non_root_cannot_administer)
{
	struct sks_slot_entry e;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		char path[32];
		int r;

		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		r = admin_refused(self->ctl, self->pfd, self->pslot, EACCES);
		if (r)
			_exit(r);
		snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, self->pslot);
		_exit(open(path, O_RDWR) < 0 && errno == EACCES ? 0 : 20);
	}
	check_child(_metadata, pid);
	ASSERT_EQ(0, st_slot_entry(self->ctl, self->pslot, &e));
	EXPECT_EQ(0, e.state & SKS_STATE_INITIALIZED);
}

TEST_F(admin, root_without_cap_sys_admin_cannot_administer)
{
	struct sks_slot_entry e;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];

		if (syscall(SYS_capget, &h, d))
			_exit(100);
		d[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
		d[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
		d[CAP_SYS_ADMIN / 32].inheritable &= ~(1U << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &h, d) || getuid() != 0)
			_exit(101);
		/* still root: the node opens, the commands do not run */
		_exit(admin_refused(self->ctl, self->pfd, self->pslot, 0));
	}
	check_child(_metadata, pid);
	ASSERT_EQ(0, st_slot_entry(self->ctl, self->pslot, &e));
	EXPECT_EQ(0, e.state & SKS_STATE_INITIALIZED);
}

/* ---- lockout under concurrent logins ---- */

#define LOGIN_THREADS	8
#define LOGIN_TRIES	5

struct login_worker {
	int fd;
	int tries;
	pthread_barrier_t *start;
	int incorrect, locked, other;
};

static void *login_thread(void *arg)
{
	struct login_worker *w = arg;
	int i;

	pthread_barrier_wait(w->start);
	for (i = 0; i < w->tries; i++) {
		struct sks_login li = { .role = SKS_ROLE_CO,
					.pin = st_ptr("wrong-secret"),
					.pin_len = 12 };

		if (!ioctl(w->fd, SKS_IOC_LOGIN, &li))
			w->other++;
		else if (errno == EACCES && li.result == SKS_CKR_PIN_INCORRECT)
			w->incorrect++;
		else if (errno == EPERM && li.result == SKS_CKR_PIN_LOCKED)
			w->locked++;
		else
			w->other++;
	}
	return NULL;
}

/* @n threads, each on its own session, try @tries wrong CO secrets. */
static void wrong_logins(int slot, int n, int tries, int *incorrect,
			 int *locked, int *other)
{
	struct login_worker w[LOGIN_THREADS];
	pthread_t t[LOGIN_THREADS];
	pthread_barrier_t start;
	int i;

	pthread_barrier_init(&start, NULL, n);
	for (i = 0; i < n; i++) {
		w[i] = (struct login_worker){ .fd = st_slot_open(slot),
					      .tries = tries, .start = &start };
		pthread_create(&t[i], NULL, login_thread, &w[i]);
	}
	*incorrect = *locked = *other = 0;
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		close(w[i].fd);
		*incorrect += w[i].incorrect;
		*locked += w[i].locked;
		*other += w[i].other;
	}
	pthread_barrier_destroy(&start);
}

TEST(lockout_concurrent)
{
	struct sks_session_info info;
	int ctl, slot, fd, incorrect, locked, other;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "lockout", &slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_LOGOUT, &(struct sks_simple){}));

	/* 9 failures from 3 threads: one short of the limit, not locked */
	wrong_logins(slot, 3, 3, &incorrect, &locked, &other);
	EXPECT_EQ(9, incorrect);
	EXPECT_EQ(0, locked);
	EXPECT_EQ(0, other);
	ASSERT_EQ(0, st_info(fd, &info));
	EXPECT_EQ(0, info.state & SKS_STATE_CO_LOCKED);
	/* a right secret resets the count */
	ASSERT_EQ(0, st_login(fd, SKS_ROLE_CO, ST_PART_CO));
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_LOGOUT, &(struct sks_simple){}));

	/* 40 attempts at once: exactly 10 count, the other 30 are locked */
	wrong_logins(slot, LOGIN_THREADS, LOGIN_TRIES, &incorrect, &locked,
		     &other);
	TH_LOG("concurrent wrong logins: %d incorrect, %d locked, %d other",
	       incorrect, locked, other);
	EXPECT_EQ(SKS_MAX_LOGIN_FAILURES, incorrect);
	EXPECT_EQ(LOGIN_THREADS * LOGIN_TRIES - SKS_MAX_LOGIN_FAILURES, locked);
	EXPECT_EQ(0, other);
	ASSERT_EQ(0, st_info(fd, &info));
	EXPECT_NE(0, info.state & SKS_STATE_CO_LOCKED);
	EXPECT_EQ(-EPERM, st_login(fd, SKS_ROLE_CO, ST_PART_CO));

	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

/* ---- sensitive values never leave ---- */

static void scan_sysfs(struct __test_metadata *_metadata, int slot)
{
	char dir[64], path[320], buf[4096];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "/sys/class/sks/sks%d", slot);
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (st_read_file(path, buf, sizeof(buf)) < 0)
			continue;
		EXPECT_FALSE(leaks_text(buf)) TH_LOG("%s shows a key", path);
		n++;
	}
	closedir(d);
	EXPECT_LT(5, n);
}

TEST(sensitive_value_never_leaves)
{
	struct sks_obj_attrs a;
	struct sks_get_attrs ga = {};
	struct sks_get_value gv = {};
	struct sks_find_objects fo = {};
	struct sks_session_info info;
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_archive_backup ab;
	unsigned char blob[4096], out[64], *img;
	__u32 h[2], handles[8], len, res;
	int ctl, slot, fd, v0slot, v0fd, bslot, bfd, i, n;
	char *log;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "secrets", &slot);
	ASSERT_LE(0, fd);

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES,
		      SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE | SKS_OBJ_ENCRYPT |
		      SKS_OBJ_DECRYPT, 32, "aes-secret");
	ASSERT_LE(0, (int)(n = st_import(fd, &a, secret_aes, NULL)));
	h[0] = n;
	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
		      SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN,
		      32, "hmac-secret");
	ASSERT_LE(0, (int)(n = st_import(fd, &a, secret_hmac, NULL)));
	h[1] = n;

	for (i = 0; i < 2; i++) {
		/* attributes: never the value */
		memset(&ga, 0, sizeof(ga));
		ga.handle = h[i];
		ASSERT_EQ(0, ioctl(fd, SKS_IOC_GET_ATTRS, &ga));
		EXPECT_FALSE(leaks(&ga, sizeof(ga)));
		/* the value itself: refused, nothing written */
		memset(out, 0, sizeof(out));
		gv = (struct sks_get_value){ .handle = h[i], .buf = st_ptr(out),
					     .len = sizeof(out) };
		EXPECT_EQ(-1, ioctl(fd, SKS_IOC_GET_VALUE, &gv));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(SKS_CKR_ATTRIBUTE_SENSITIVE, gv.result);
		EXPECT_TRUE(all_zero(out, sizeof(out)));
		EXPECT_FALSE(leaks(&gv, sizeof(gv)));
	}
	/* find, session info, the slot list */
	fo.handles = st_ptr(handles);
	fo.count = 8;
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(2, fo.count);
	EXPECT_FALSE(leaks(&fo, sizeof(fo)));
	EXPECT_FALSE(leaks(handles, sizeof(handles)));
	ASSERT_EQ(0, st_info(fd, &info));
	EXPECT_FALSE(leaks(&info, sizeof(info)));
	n = st_slots(ctl, e, SKS_MAX_SLOTS);
	ASSERT_LT(0, n);
	EXPECT_FALSE(leaks(e, n * sizeof(e[0])));
	/* a blob holds the values only encrypted */
	len = sizeof(blob);
	ASSERT_EQ(0, st_extract(fd, h, 2, blob, &len, 0, &res));
	EXPECT_FALSE(leaks(blob, len));
	scan_sysfs(_metadata, slot);

	/* V0 cloning backup and Backup HSM image: encrypted too */
	v0fd = st_partition(ctl, SKS_SLOT_V0, "secrets", &v0slot);
	ASSERT_LE(0, v0fd);
	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES,
		      SKS_OBJ_TOKEN | SKS_OBJ_SENSITIVE | SKS_OBJ_ENCRYPT, 32,
		      "token-secret");
	ASSERT_LE(0, st_import(v0fd, &a, secret_aes, NULL));
	bslot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, bslot);
	ASSERT_EQ(0, st_backup(v0fd, bslot, ST_BK_SO, ST_BK_USER, "tokens", 0, &ab));
	bfd = st_slot_open(bslot);
	ASSERT_LE(0, bfd);
	ASSERT_EQ(0, st_image_save(bfd, ST_BK_SO, &img, &len, NULL));
	EXPECT_FALSE(leaks(img, len));
	free(img);
	scan_sysfs(_metadata, v0slot);
	scan_sysfs(_metadata, bslot);

	/* the kernel log */
	n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	ASSERT_LT(0, n);
	log = calloc(1, n + 1);
	ASSERT_NE(NULL, log);
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, n);
	ASSERT_LE(0, n);
	EXPECT_FALSE(leaks(log, n));
	EXPECT_FALSE(leaks_text(log));
	free(log);

	close(bfd);
	close(v0fd);
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, bslot));
	EXPECT_EQ(0, st_slot_del(ctl, v0slot));
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

TEST_HARNESS_MAIN
