// SPDX-License-Identifier: GPL-2.0
/*
 * Partition lifecycle, roles and sessions: init, login, lockout after ten
 * wrong CO secrets (the CO's only), wrong role, not logged in, change of
 * secret.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "common.h"

FIXTURE(part) {
	int ctl;
	int slot;
	int fd;
};

FIXTURE_SETUP(part)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->slot = st_slot_new(self->ctl, SKS_SLOT_V1, 0);
	ASSERT_LE(0, self->slot);
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(part)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

TEST_F(part, nothing_works_before_initialisation)
{
	uint32_t res;

	EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_SO, ST_SO_PIN, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
}

TEST_F(part, reinitialisation_wants_the_current_so_secret)
{
	struct sks_partition_init pi = {
		.so_pin = st_ptr("not-the-so-secret"), .so_pin_len = 17,
		.domain = st_ptr(ST_DOMAIN),
		.domain_len = strlen(ST_DOMAIN), .label = "again",
	};

	ASSERT_EQ(0, st_part_init(self->fd, "lifecycle"));
	EXPECT_EQ(-EACCES, st_ioc(self->fd, SKS_IOC_PARTITION_INIT, &pi));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, pi.result);
}

TEST_F(part, session_info_after_initialisation)
{
	struct sks_session_info info = {};

	ASSERT_EQ(0, st_part_init(self->fd, "lifecycle"));
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SESSION_INFO, &info));
	EXPECT_EQ(SKS_SLOT_V1, info.type);
	EXPECT_EQ(SKS_ROLE_NONE, info.role);
	EXPECT_STREQ("lifecycle", (char *)info.label);
	EXPECT_TRUE(info.state & SKS_STATE_INITIALIZED);
	EXPECT_FALSE(info.state & SKS_STATE_CO_SET);
	EXPECT_NE(0, info.smk_fingerprint[0] | info.smk_fingerprint[1] |
		  info.smk_fingerprint[2] | info.smk_fingerprint[3]);
}

TEST_F(part, only_the_so_initialises_roles)
{
	uint32_t res;

	ASSERT_EQ(0, st_part_init(self->fd, "lifecycle"));
	EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, &res));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED, res);
	EXPECT_EQ(-EACCES, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_CO_PIN));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_SO_PIN, NULL));
	EXPECT_EQ(-EALREADY, st_login_as(self->fd, SKS_ROLE_SO, ST_SO_PIN, &res));
	EXPECT_EQ(SKS_CKR_USER_ALREADY_LOGGED_IN, res);
	EXPECT_EQ(-EALREADY, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, &res));
	EXPECT_EQ(SKS_CKR_USER_ANOTHER_ALREADY_LOGGED_IN, res);
	EXPECT_EQ(-EINVAL, st_init_role_pin(self->fd, SKS_ROLE_SO, ST_CO_PIN));
	EXPECT_EQ(-EINVAL, st_init_role_pin(self->fd, SKS_ROLE_CO, "abc"));
	ASSERT_EQ(0, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_CO_PIN));
	ASSERT_EQ(0, st_init_role_pin(self->fd, SKS_ROLE_CU, ST_CU_PIN));
}

TEST_F(part, the_so_makes_no_objects_and_sees_public_ones_only)
{
	struct sks_find_objects fo = {};

	ASSERT_EQ(0, st_part_init(self->fd, "lifecycle"));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_SO_PIN, NULL));
	EXPECT_EQ(-EACCES, st_import_data(self->fd, "x", 1, 0));
	EXPECT_EQ(0, st_ioc(self->fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(0, fo.count);
}

TEST_F(part, logout_then_crypto_officer_login)
{
	struct sks_session_info info = {};

	ASSERT_EQ(0, st_part_init(self->fd, "lifecycle"));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_SO, ST_SO_PIN, NULL));
	ASSERT_EQ(0, st_init_role_pin(self->fd, SKS_ROLE_CO, ST_CO_PIN));
	ASSERT_EQ(0, st_logout(self->fd));
	EXPECT_EQ(-EACCES, st_logout(self->fd));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, NULL));
	info.result = 0xdead;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SESSION_INFO, &info));
	EXPECT_EQ(SKS_CKR_OK, info.result);
	EXPECT_EQ(SKS_ROLE_CO, info.role);
}

TEST_F(part, login_argument_errors)
{
	struct sks_login li = { .role = 7, .pin = st_ptr("x"), .pin_len = 1 };

	ASSERT_EQ(0, st_part_ready(self->fd));
	ASSERT_EQ(0, st_logout(self->fd));
	/* checks ordering: role, then length, then memory */
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_LOGIN, &li));
	EXPECT_EQ(SKS_CKR_USER_TYPE_INVALID, li.result);
	li.role = SKS_ROLE_CO;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_LOGIN, &li));
	EXPECT_EQ(SKS_CKR_PIN_LEN_RANGE, li.result);
	li.pin_len = SKS_PIN_MAX + 1;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_LOGIN, &li));
	li.pin_len = 8;
	li.pin = 0;
	EXPECT_EQ(-EFAULT, st_ioc(self->fd, SKS_IOC_LOGIN, &li));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, li.result);
	li.flags = 2;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_LOGIN, &li));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, li.result);
}

TEST_F(part, lockout_after_ten_failures)
{
	uint32_t res;
	int i, other;

	ASSERT_EQ(0, st_part_ready(self->fd));
	ASSERT_EQ(0, st_logout(self->fd));
	for (i = 0; i < SKS_MAX_LOGIN_FAILURES; i++) {
		EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_CO, "wrong-pin",
						&res));
		EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	}
	/* Locked: the right secret does not help. The CU is not locked. */
	EXPECT_EQ(-EPERM, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, &res));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, res);
	other = st_slot_open(self->slot);
	ASSERT_LE(0, other);
	EXPECT_EQ(0, st_login_as(other, SKS_ROLE_CU, ST_CU_PIN, &res));
	ASSERT_EQ(0, st_logout(other));
	/* The SO resets the CO. */
	ASSERT_EQ(0, st_login_as(other, SKS_ROLE_SO, ST_SO_PIN, NULL));
	ASSERT_EQ(0, st_init_role_pin(other, SKS_ROLE_CO, "co-secret-2"));
	close(other);
	EXPECT_EQ(0, st_login_as(self->fd, SKS_ROLE_CO, "co-secret-2", NULL));
}

TEST_F(part, success_resets_failure_count)
{
	int i;

	ASSERT_EQ(0, st_part_ready(self->fd));
	ASSERT_EQ(0, st_logout(self->fd));
	for (i = 0; i < SKS_MAX_LOGIN_FAILURES - 1; i++)
		EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_CO, "bad-secret",
						NULL));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, NULL));
	ASSERT_EQ(0, st_logout(self->fd));
	EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_CO, "bad-secret", NULL));
	EXPECT_EQ(0, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, NULL));
}

TEST_F(part, change_pin)
{
	struct sks_change_pin cp = {
		.role = SKS_ROLE_CO,
		.old_pin = st_ptr("wrong-old"), .old_len = 9,
		.new_pin = st_ptr("co-secret-3"), .new_len = 11,
	};

	ASSERT_EQ(0, st_part_ready(self->fd));
	EXPECT_EQ(-EACCES, st_ioc(self->fd, SKS_IOC_CHANGE_PIN, &cp));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, cp.result);
	cp.role = SKS_ROLE_CU;
	EXPECT_EQ(-EACCES, st_ioc(self->fd, SKS_IOC_CHANGE_PIN, &cp));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, cp.result);
	cp.role = SKS_ROLE_CO;
	cp.reserved = 1;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_CHANGE_PIN, &cp));
	cp.reserved = 0;
	cp.old_pin = st_ptr(ST_CO_PIN);
	cp.old_len = strlen(ST_CO_PIN);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_CHANGE_PIN, &cp));
	ASSERT_EQ(0, st_logout(self->fd));
	EXPECT_EQ(-EACCES, st_login_as(self->fd, SKS_ROLE_CO, ST_CO_PIN, NULL));
	EXPECT_EQ(0, st_login_as(self->fd, SKS_ROLE_CO, "co-secret-3", NULL));
}

TEST_F(part, login_is_per_session)
{
	struct sks_find_objects fo = {};
	struct sks_obj_attrs a;
	int other;

	ASSERT_EQ(0, st_part_ready(self->fd));
	st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, SKS_OBJ_PRIVATE, 1, "p");
	ASSERT_LT(0, st_import(self->fd, &a, "p", NULL));
	other = st_slot_open(self->slot);
	ASSERT_LE(0, other);
	EXPECT_EQ(-EACCES, st_import_data(other, "x", 1, 0));
	EXPECT_EQ(0, st_ioc(other, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(0, fo.count);
	EXPECT_EQ(0, st_ioc(self->fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(1, fo.count);
	close(other);
}

TEST_F(part, backup_slot_refuses_partition_commands)
{
	int slot = st_slot_new(self->ctl, SKS_SLOT_BACKUP, 0);
	struct sks_find_objects fo = {};
	uint32_t res;
	int fd;

	ASSERT_LE(0, slot);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, st_part_init(fd, "x"));
	EXPECT_EQ(-EINVAL, st_login_as(fd, SKS_ROLE_CO, ST_CO_PIN, &res));
	EXPECT_EQ(SKS_CKR_USER_TYPE_INVALID, res);
	EXPECT_EQ(0, st_login_as(fd, SKS_ROLE_SO, ST_SO_PIN, NULL));
	EXPECT_EQ(-EOPNOTSUPP, st_ioc(fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(SKS_CKR_FUNCTION_NOT_SUPPORTED, fo.result);
	close(fd);
	st_slot_del(self->ctl, slot);
}

TEST_HARNESS_MAIN
