// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/sks-control: HSM info, slot create/delete/list, sysfs, and the
 * extensible-struct rules every ioctl follows.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

/* The same command with another struct size. */
#define SKS_CMD_SIZE(cmd, size) \
	_IOC(_IOC_READ | _IOC_WRITE, _IOC_TYPE(cmd), _IOC_NR(cmd), (size))

static int read_sysfs(int slot, const char *attr, char *buf, size_t len)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/sks/sks%d/%s", slot, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

FIXTURE(ctl) {
	int ctl;
	int slots[4];
	int nslots;
};

FIXTURE_SETUP(ctl)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->nslots = 0;
}

FIXTURE_TEARDOWN(ctl)
{
	int i;

	for (i = 0; i < self->nslots; i++)
		st_slot_del(self->ctl, self->slots[i]);
	close(self->ctl);
}

static int add_slot(struct __test_metadata *_metadata,
		    FIXTURE_DATA(ctl) *self, uint32_t type)
{
	int slot = st_slot_new(self->ctl, type, 0);

	if (slot >= 0)
		self->slots[self->nslots++] = slot;
	return slot;
}

TEST_F(ctl, hsm_info)
{
	struct sks_hsm_info info = { .result = 0xdead };

	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_HSM_INFO, &info));
	EXPECT_EQ(SKS_CKR_OK, info.result);
	EXPECT_NE(0, info.serial);
	EXPECT_EQ(0, strncmp((char *)info.firmware, "7.7.", 4));
	EXPECT_EQ(SKS_MAX_SLOTS, info.max_slots);
	EXPECT_EQ(SKS_MAX_BLOB_SIZE, info.max_blob_size);
	EXPECT_LE(SKS_KDF_ITERATIONS_MIN, info.pbkdf2_iterations);
	EXPECT_GE(SKS_KDF_ITERATIONS_MAX, info.pbkdf2_iterations);
}

TEST_F(ctl, create_delete_and_sysfs)
{
	struct sks_slot_delete d = {};
	char buf[64], path[32];
	struct stat st;
	int slot;

	slot = add_slot(_metadata, self, SKS_SLOT_V1);
	ASSERT_LE(0, slot);
	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	ASSERT_EQ(0, stat(path, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0, read_sysfs(slot, "type", buf, sizeof(buf)));
	EXPECT_STREQ("V1\n", buf);
	ASSERT_EQ(0, read_sysfs(slot, "smk_fingerprint", buf, sizeof(buf)));
	EXPECT_STREQ("none\n", buf);	/* not initialised yet */
	ASSERT_EQ(0, read_sysfs(slot, "capacity", buf, sizeof(buf)));
	EXPECT_EQ(1024 * 1024, atoi(buf));
	ASSERT_EQ(0, read_sysfs(slot, "bytes_used", buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
	ASSERT_EQ(0, read_sysfs(slot, "serial", buf, sizeof(buf)));
	EXPECT_LT(0, atoll(buf));

	d.slot = slot;
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_DELETE_SLOT, &d));
	EXPECT_EQ(SKS_CKR_OK, d.result);
	self->nslots--;
	EXPECT_NE(0, stat(path, &st));
	EXPECT_EQ(-ENODEV, st_ioc(self->ctl, SKS_CTL_DELETE_SLOT, &d));
	EXPECT_EQ(SKS_CKR_SLOT_ID_INVALID, d.result);
	d.slot = 1000;
	EXPECT_EQ(-ENODEV, st_ioc(self->ctl, SKS_CTL_DELETE_SLOT, &d));
}

TEST_F(ctl, lowest_free_number)
{
	int a, b, c;

	a = add_slot(_metadata, self, SKS_SLOT_V0);
	b = add_slot(_metadata, self, SKS_SLOT_V1);
	ASSERT_LE(0, a);
	ASSERT_LT(a, b);
	ASSERT_EQ(0, st_slot_del(self->ctl, a));
	self->slots[0] = b;
	self->nslots = 1;
	c = add_slot(_metadata, self, SKS_SLOT_V0);
	EXPECT_EQ(a, c);
}

/* An operator's numbering ("slot 4"): create at a chosen, free number. */
TEST_F(ctl, create_at_number)
{
	struct sks_slot_create c = {
		.flags = SKS_SLOT_CREATE_AT, .type = SKS_SLOT_V1,
	};
	char path[32];
	struct stat st;
	int want;

	/* the highest number: free unless every slot is taken */
	want = SKS_MAX_SLOTS - 1;
	c.slot = want;
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_EQ(SKS_CKR_OK, c.result);
	ASSERT_EQ(want, (int)c.slot);
	self->slots[self->nslots++] = want;
	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, want);
	EXPECT_EQ(0, stat(path, &st));

	/* taken: EEXIST, and nothing else created */
	c.result = 0;
	EXPECT_EQ(-EEXIST, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_EQ(SKS_CKR_FUNCTION_FAILED, c.result);

	/* out of range */
	c.slot = SKS_MAX_SLOTS;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, c.result);

	/* without the flag the slot field is output only */
	c.flags = 0;
	c.slot = want;
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_NE(want, (int)c.slot);
	self->slots[self->nslots++] = c.slot;
}

TEST_F(ctl, backup_slot)
{
	struct sks_slot_create c = { .type = SKS_SLOT_BACKUP };
	char buf[64];
	int slot;

	slot = add_slot(_metadata, self, SKS_SLOT_BACKUP);
	ASSERT_LE(0, slot);
	ASSERT_EQ(0, read_sysfs(slot, "type", buf, sizeof(buf)));
	EXPECT_STREQ("BACKUP\n", buf);
	ASSERT_EQ(0, read_sysfs(slot, "firmware_version", buf, sizeof(buf)));
	EXPECT_STREQ("7.7.1\n", buf);

	/* A Backup HSM needs an HSM-SO secret of a valid length. */
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_EQ(SKS_CKR_PIN_LEN_RANGE, c.result);
	/* Partitions take no secret and no firmware version. */
	c.type = SKS_SLOT_V0;
	c.so_secret_len = 8;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, c.result);
	c.so_secret_len = 0;
	strcpy((char *)c.fw_version, "7.7.1");
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	/* Backup HSM with its own firmware version. */
	memset(&c, 0, sizeof(c));
	c.type = SKS_SLOT_BACKUP;
	c.so_secret = st_ptr(ST_SO_PIN);
	c.so_secret_len = strlen(ST_SO_PIN);
	strcpy((char *)c.fw_version, "6.28.0");
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	self->slots[self->nslots++] = c.slot;
	ASSERT_EQ(0, read_sysfs(c.slot, "firmware_version", buf, sizeof(buf)));
	EXPECT_STREQ("6.28.0\n", buf);
	/* Bad pointer to the secret. */
	c.so_secret = 8;
	EXPECT_EQ(-EFAULT, st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, c.result);
}

TEST_F(ctl, extensible_struct_rules)
{
	struct {
		struct sks_slot_create c;
		uint64_t tail;
	} big = {};
	struct sks_slot_create c = { .type = SKS_SLOT_V0 };
	unsigned long cmd = SKS_CTL_CREATE_SLOT;

	/* size 0 and short: below the first version */
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CMD_SIZE(cmd, 0), &c));
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CMD_SIZE(cmd, 8), &c));
	/* NULL and bad pointers */
	EXPECT_EQ(-EFAULT, st_ioc(self->ctl, cmd, NULL));
	EXPECT_EQ(-EFAULT, st_ioc(self->ctl, cmd, (void *)8));
	/* longer with a non-zero tail */
	big.c.type = SKS_SLOT_V0;
	big.tail = 1;
	EXPECT_EQ(-E2BIG, st_ioc(self->ctl, SKS_CMD_SIZE(cmd, sizeof(big)),
				  &big));
	/* longer with a zero tail is fine */
	big.tail = 0;
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CMD_SIZE(cmd, sizeof(big)), &big));
	EXPECT_EQ(SKS_CKR_OK, big.c.result);
	self->slots[self->nslots++] = big.c.slot;
	/* unknown flags, reserved fields, output fields set on input */
	c.flags = 1U << 1;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, cmd, &c));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, c.result);
	c.flags = 0;
	c.reserved = 1;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, cmd, &c));
	c.reserved = 0;
	c.type = 7;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, cmd, &c));
	c.type = SKS_SLOT_V0;
	c.capacity = 1ULL << 40;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, cmd, &c));
}

TEST_F(ctl, unknown_ioctls)
{
	struct sks_hsm_info info = {};

	EXPECT_EQ(-ENOTTY, st_ioc(self->ctl, _IOWR(SKS_IOC_MAGIC, 0x7f,
						     struct sks_hsm_info), &info));
	EXPECT_EQ(-ENOTTY, st_ioc(self->ctl, _IOR(SKS_IOC_MAGIC, 0x00,
						    struct sks_hsm_info), &info));
	EXPECT_EQ(-ENOTTY, st_ioc(self->ctl, _IOWR('x', 0x00,
						     struct sks_hsm_info), &info));
	/* session ioctls do not exist on the control device */
	EXPECT_EQ(-ENOTTY, st_ioc(self->ctl, SKS_IOC_LOGOUT, &info));
}

TEST_F(ctl, list_slots)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_slot_list l = { .entry_size = sizeof(e[0]) };
	int a, b;
	unsigned int i, seen = 0;

	a = add_slot(_metadata, self, SKS_SLOT_V0);
	b = add_slot(_metadata, self, SKS_SLOT_V1);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_LIST_SLOTS, &l));
	ASSERT_LE(2, l.count);
	l.count = 1;
	l.entries = st_ptr(e);
	EXPECT_EQ(-EOVERFLOW, st_ioc(self->ctl, SKS_CTL_LIST_SLOTS, &l));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, l.result);
	l.count = SKS_MAX_SLOTS;
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_LIST_SLOTS, &l));
	for (i = 0; i < l.count; i++) {
		if ((int)e[i].slot == a) {
			EXPECT_EQ(SKS_SLOT_V0, e[i].type);
			seen++;
		}
		if ((int)e[i].slot == b) {
			EXPECT_EQ(SKS_SLOT_V1, e[i].type);
			seen++;
		}
	}
	EXPECT_EQ(2, seen);
	l.entry_size = 8;
	EXPECT_EQ(-EINVAL, st_ioc(self->ctl, SKS_CTL_LIST_SLOTS, &l));
	EXPECT_EQ(0, l.count);	/* a failure leaves no count */
	l.entry_size = sizeof(e[0]);
	l.entries = 8;
	l.count = SKS_MAX_SLOTS;
	EXPECT_EQ(-EFAULT, st_ioc(self->ctl, SKS_CTL_LIST_SLOTS, &l));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, l.result);
}

/* Argument errors win over the missing capability. */
TEST_F(ctl, create_checks_ordering)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sks_slot_create c = { .type = SKS_SLOT_V0 };
		int ok = 1;

		if (setresuid(65534, 65534, 65534))
			_exit(2);
		c.reserved = 1;
		ok &= st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c) == -EINVAL;
		c.reserved = 0;
		ok &= st_ioc(self->ctl, SKS_CTL_CREATE_SLOT, &c) == -EPERM;
		ok &= c.result == SKS_CKR_USER_NOT_LOGGED_IN;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(ctl, delete_with_open_session)
{
	struct sks_session_info info = {};
	int slot, fd;

	slot = add_slot(_metadata, self, SKS_SLOT_V1);
	ASSERT_LE(0, slot);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_part_ready(fd));
	ASSERT_EQ(0, st_slot_del(self->ctl, slot));
	self->nslots--;
	EXPECT_EQ(-ENODEV, st_ioc(fd, SKS_IOC_SESSION_INFO, &info));
	EXPECT_EQ(SKS_CKR_TOKEN_NOT_PRESENT, info.result);
	EXPECT_EQ(-ENODEV, st_logout(fd));
	EXPECT_EQ(0, close(fd));
}

TEST_HARNESS_MAIN
