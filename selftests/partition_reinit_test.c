// SPDX-License-Identifier: GPL-2.0
/*
 * PARTITION_INIT on an initialised partition re-initialises it, as
 * C_InitToken does: with the current SO secret it wipes every object (the
 * session objects of every session too), the SMKs, the CO and CU secrets,
 * logs every session out (the caller's too), and sets the new label,
 * domain and SMK. A wrong SO secret is refused and counted; a caller
 * without CAP_SYS_ADMIN is refused; nothing changes then.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/capability.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

static int reinit(int fd, const char *so, const char *domain,
		  const char *label, __u32 *res)
{
	struct sks_partition_init pi = {
		.so_pin = st_ptr(so), .so_pin_len = strlen(so),
		.domain = st_ptr(domain), .domain_len = strlen(domain),
	};
	int err;

	strncpy((char *)pi.label, label, sizeof(pi.label));
	err = ioctl(fd, SKS_IOC_PARTITION_INIT, &pi) ? -errno : 0;
	if (res)
		*res = pi.result;
	return err;
}

FIXTURE(reinit) {
	int ctl, slot;
	int co;		/* made the objects, logged out again */
	int other;	/* made session objects too, logged out again */
	int fd;		/* never logged in */
	__u32 h[3];
	unsigned char blob[1024];
	__u32 bloblen;
	struct sks_session_info before;
};

FIXTURE_VARIANT(reinit) {
	__u32 type;
};

FIXTURE_VARIANT_ADD(reinit, v0) { .type = SKS_SLOT_V0 };
FIXTURE_VARIANT_ADD(reinit, v1) { .type = SKS_SLOT_V1 };

FIXTURE_SETUP(reinit)
{
	__u32 res;
	int so;

	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->co = st_partition(self->ctl, variant->type, "old-domain",
				&self->slot);
	ASSERT_LE(0, self->co);
	so = st_slot_open(self->slot);
	ASSERT_LE(0, so);
	ASSERT_EQ(0, st_login(so, SKS_ROLE_SO, ST_PART_SO));
	ASSERT_EQ(0, st_init_role_pin(so, SKS_ROLE_CU, ST_CU_SECRET));
	close(so);
	self->other = st_slot_open(self->slot);
	ASSERT_LE(0, self->other);
	ASSERT_EQ(0, st_login(self->other, SKS_ROLE_CO, ST_PART_CO));
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);

	/* public objects: session ones of two sessions, a token one (V0) */
	ASSERT_EQ(0, st_genkey(self->co, true, SKS_OBJ_ENCRYPT |
			       SKS_OBJ_EXTRACTABLE, &self->h[0], &res));
	ASSERT_EQ(0, st_data(self->other, false, "other", "o", 1, &self->h[1]));
	if (variant->type == SKS_SLOT_V0) {
		ASSERT_EQ(0, st_data(self->co, true, "token", "t", 1,
				     &self->h[2]));
	} else {
		self->bloblen = sizeof(self->blob);
		ASSERT_EQ(0, st_extract(self->co, self->h, 1, self->blob,
					&self->bloblen, 0, &res));
		/* a rollover SMK too */
		ASSERT_EQ(0, st_rollover(self->co, SKS_ROLLOVER_START, &res));
		self->h[2] = self->h[0];
	}
	ASSERT_EQ(0, ioctl(self->co, SKS_IOC_LOGOUT, &(struct sks_simple){}));
	ASSERT_EQ(0, ioctl(self->other, SKS_IOC_LOGOUT, &(struct sks_simple){}));
	ASSERT_EQ(0, st_info(self->fd, &self->before));
}

FIXTURE_TEARDOWN(reinit)
{
	close(self->fd);
	close(self->other);
	close(self->co);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static bool gone(int fd, __u32 h)
{
	struct sks_get_attrs ga = { .handle = h };

	return ioctl(fd, SKS_IOC_GET_ATTRS, &ga) && errno == ENOENT &&
	       ga.result == SKS_CKR_OBJECT_HANDLE_INVALID;
}

TEST_F(reinit, current_so_secret_wipes_everything)
{
	static const unsigned char zero[SKS_FINGERPRINT_LEN];
	struct sks_session_info info;
	__u32 res;
	int i;

	ASSERT_EQ(0, reinit(self->fd, ST_PART_SO, "new-domain", "relabelled",
			    &res));
	EXPECT_EQ(SKS_CKR_OK, res);
	ASSERT_EQ(0, st_info(self->fd, &info));
	EXPECT_STREQ("relabelled", (char *)info.label);
	EXPECT_NE(0, info.state & SKS_STATE_INITIALIZED);
	EXPECT_EQ(0, info.state & (SKS_STATE_CO_SET | SKS_STATE_CU_SET |
				   SKS_STATE_SMK_ROLLOVER | SKS_STATE_ZEROIZED));
	EXPECT_EQ(0, info.used);
	EXPECT_EQ(0, info.so_failures);
	EXPECT_EQ(0, memcmp(zero, info.rollover_fingerprint,
			    SKS_FINGERPRINT_LEN));
	if (variant->type == SKS_SLOT_V1) {
		EXPECT_NE(0, memcmp(zero, info.smk_fingerprint,
				    SKS_FINGERPRINT_LEN));
		EXPECT_NE(0, memcmp(self->before.smk_fingerprint,
				    info.smk_fingerprint, SKS_FINGERPRINT_LEN));
		EXPECT_NE(0, memcmp(self->before.rollover_fingerprint,
				    info.smk_fingerprint, SKS_FINGERPRINT_LEN));
	}
	/* every object is gone, every session's */
	for (i = 0; i < 3; i++) {
		EXPECT_TRUE(gone(self->co, self->h[i])) TH_LOG("object %d", i);
		EXPECT_TRUE(gone(self->other, self->h[i])) TH_LOG("object %d", i);
	}
	EXPECT_EQ(0, st_nobjects(self->co));
	EXPECT_EQ(0, st_nobjects(self->other));

	/* the SO secret given, no CO or CU secret */
	EXPECT_EQ(-EACCES, st_login_as(self->co, SKS_ROLE_CO, ST_PART_CO, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	EXPECT_EQ(-EACCES, st_login_as(self->co, SKS_ROLE_CU, ST_CU_SECRET, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_PART_SO, &res));
	ASSERT_EQ(0, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_PART_CO));
	ASSERT_EQ(0, st_login_as(self->co, SKS_ROLE_CO, ST_PART_CO, &res));
	if (variant->type == SKS_SLOT_V1) {
		__u32 h[2], n = 2;

		/* blobs of the old SMKs no longer insert */
		EXPECT_EQ(-ENOKEY, st_insert(self->co, self->blob,
					     self->bloblen, h, &n, &res));
		EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, res);
	}
}

TEST_F(reinit, the_new_domain_is_the_partitions)
{
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	int bslot, oslot, ofd, nslot, nfd;
	__u32 res;

	ASSERT_EQ(0, reinit(self->fd, ST_PART_SO, "new-domain", "relabelled",
			    &res));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_PART_SO, &res));
	ASSERT_EQ(0, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_PART_CO));
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_LOGOUT, &(struct sks_simple){}));
	ASSERT_EQ(0, st_login_as(self->co, SKS_ROLE_CO, ST_PART_CO, &res));
	if (variant->type == SKS_SLOT_V0)
		ASSERT_EQ(0, st_data(self->co, true, "token", "t", 1,
				     &self->h[0]));
	bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, bslot);
	ASSERT_EQ(0, st_backup(self->co, bslot, ST_BK_SO, ST_BK_USER,
			       variant->type == SKS_SLOT_V0 ? "v0" : NULL, 0,
			       &ab));
	ofd = st_partition(self->ctl, variant->type, "old-domain", &oslot);
	nfd = st_partition(self->ctl, variant->type, "new-domain", &nslot);
	ASSERT_LE(0, ofd);
	ASSERT_LE(0, nfd);
	EXPECT_EQ(-EXDEV, st_restore(ofd, bslot, ST_BK_USER, ab.name, &ar));
	EXPECT_EQ(0, st_restore(nfd, bslot, ST_BK_USER, ab.name, &ar));
	close(ofd);
	close(nfd);
	st_slot_del(self->ctl, oslot);
	st_slot_del(self->ctl, nslot);
	st_slot_del(self->ctl, bslot);
}

TEST_F(reinit, wrong_so_secret_changes_nothing_and_counts)
{
	struct sks_session_info info;
	__u32 res;

	EXPECT_EQ(-EACCES, reinit(self->fd, "wrong-secret", "new-domain",
				  "relabelled", &res));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	ASSERT_EQ(0, st_info(self->fd, &info));
	EXPECT_EQ(1, info.so_failures);
	info.so_failures = 0;
	info.result = self->before.result;
	EXPECT_EQ(0, memcmp(&self->before, &info, sizeof(info)));
	EXPECT_FALSE(gone(self->co, self->h[0]));
	EXPECT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_PART_SO, &res));
}

static __u32 role_of(int fd)
{
	struct sks_session_info info;

	return st_info(fd, &info) ? ~0U - 1 : info.role;
}

TEST_F(reinit, every_session_is_logged_out_the_callers_too)
{
	__u32 h, res;

	/* CO (with a new object), CU, and the caller as SO */
	ASSERT_EQ(0, st_login_as(self->co, SKS_ROLE_CO, ST_PART_CO, &res));
	ASSERT_EQ(0, st_data(self->co, false, "new", "n", 1, &h));
	ASSERT_EQ(0, st_login_as(self->other, SKS_ROLE_CU, ST_CU_SECRET, &res));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_PART_SO, &res));
	ASSERT_EQ(0, reinit(self->fd, ST_PART_SO, "new-domain", "relabelled",
			    &res));
	EXPECT_EQ(SKS_ROLE_NONE, role_of(self->co));
	EXPECT_EQ(SKS_ROLE_NONE, role_of(self->other));
	EXPECT_EQ(SKS_ROLE_NONE, role_of(self->fd));
	EXPECT_TRUE(gone(self->co, h));
	EXPECT_EQ(0, st_nobjects(self->co));
	/* what they could do logged in, they cannot now */
	EXPECT_EQ(-EACCES, st_genkey(self->co, true, SKS_OBJ_ENCRYPT, NULL,
				     &res));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, res);
	EXPECT_EQ(-EACCES, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_PART_CO));
}

TEST_F(reinit, needs_cap_sys_admin)
{
	struct sks_session_info info;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];
		__u32 res;

		if (syscall(SYS_capget, &h, d))
			_exit(100);
		d[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
		d[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(101);
		_exit(reinit(self->fd, ST_PART_SO, "new-domain", "relabelled",
			     &res) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, st_info(self->fd, &info));
	EXPECT_STREQ((char *)self->before.label, (char *)info.label);
	EXPECT_FALSE(gone(self->co, self->h[0]));
}

TEST_HARNESS_MAIN
