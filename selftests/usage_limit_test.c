// SPDX-License-Identifier: GPL-2.0
/*
 * A key's usage limit holds for the key, not for one copy of it: the
 * partition keeps a ledger entry per usage-limited key, and every copy
 * inserted from a blob (or restored from an archive onto the same
 * partition) shares its count, also after every copy was destroyed
 * (include/uapi/linux/sks.h, struct sks_obj_attrs.usage_limit).
 */
#include "kselftest_harness.h"
#include "common.h"

static const unsigned char key_value[32] = "the value of a usage-limited key";

FIXTURE(ledger) {
	int ctl, slot, fd;	/* V1 partition, CO logged in */
};

FIXTURE_SETUP(ledger)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->fd = st_partition(self->ctl, SKS_SLOT_V1, "ledger", &self->slot);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(ledger)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static __u32 limited_key(int fd, __u64 limit, __u32 flags)
{
	struct sks_obj_attrs a;
	__s64 h;

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES,
		      SKS_OBJ_ENCRYPT | SKS_OBJ_EXTRACTABLE | flags, 32,
		      "limited");
	a.usage_limit = limit;
	h = st_import(fd, &a, key_value, NULL);
	return h > 0 ? h : 0;
}

static __u64 uses(int fd, __u32 h)
{
	struct sks_get_attrs ga = { .handle = h };

	return ioctl(fd, SKS_IOC_GET_ATTRS, &ga) ? ~0ULL : ga.attrs.usage_count;
}

static int blob_of(int fd, __u32 h, unsigned char *blob, __u32 *len,
		   __u32 flags)
{
	__u32 res;

	*len = 1024;
	return st_extract(fd, &h, 1, blob, len, flags, &res);
}

static __u32 insert(int fd, const unsigned char *blob, __u32 len)
{
	__u32 h = 0, n = 1, res;

	return st_insert(fd, blob, len, &h, &n, &res) || n != 1 ? 0 : h;
}

TEST_F(ledger, one_use_over_the_original_and_five_inserted_copies)
{
	unsigned char blob[1024];
	__u32 h[6], len, res;
	int i, ok = 0;

	h[0] = limited_key(self->fd, 1, 0);
	ASSERT_NE(0, h[0]);
	ASSERT_EQ(0, blob_of(self->fd, h[0], blob, &len, 0));
	for (i = 1; i < 6; i++) {
		h[i] = insert(self->fd, blob, len);
		ASSERT_NE(0, h[i]);
	}
	for (i = 0; i < 6; i++) {
		if (!st_encrypt(self->fd, h[i], &res))
			ok++;
		else
			EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, res);
	}
	EXPECT_EQ(1, ok);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(1, uses(self->fd, h[i])) TH_LOG("copy %d", i);
}

TEST_F(ledger, extracted_with_delete_and_inserted_five_times)
{
	unsigned char blob[1024];
	__u32 h, len, res;
	int i, ok = 0;

	h = limited_key(self->fd, 1, 0);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, blob_of(self->fd, h, blob, &len, SKS_EXTRACT_DELETE));
	for (i = 0; i < 5; i++) {
		h = insert(self->fd, blob, len);
		ASSERT_NE(0, h);
		if (!st_encrypt(self->fd, h, &res))
			ok++;
	}
	EXPECT_EQ(1, ok);
}

TEST_F(ledger, two_copies_used_in_turn_share_three_uses)
{
	unsigned char blob[1024];
	__u32 h[2], len, res;
	int i, ok = 0;

	h[0] = limited_key(self->fd, 3, 0);
	ASSERT_NE(0, h[0]);
	ASSERT_EQ(0, blob_of(self->fd, h[0], blob, &len, 0));
	h[1] = insert(self->fd, blob, len);
	ASSERT_NE(0, h[1]);
	for (i = 0; i < 6; i++) {
		int err = st_encrypt(self->fd, h[i % 2], &res);

		if (!err)
			ok++;
		EXPECT_EQ(i < 3 ? 0 : -EKEYEXPIRED, err) TH_LOG("use %d", i);
		/* both copies report the shared count */
		EXPECT_EQ(uses(self->fd, h[0]), uses(self->fd, h[1]));
		EXPECT_EQ(ok, uses(self->fd, h[0]));
	}
	EXPECT_EQ(3, ok);
}

TEST_F(ledger, limit_outlives_every_copy)
{
	unsigned char blob[1024];
	__u32 h, len, res;

	/* the blob is taken before any use; the key is then used up */
	h = limited_key(self->fd, 2, 0);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, blob_of(self->fd, h, blob, &len, 0));
	EXPECT_EQ(0, st_encrypt(self->fd, h, &res));
	EXPECT_EQ(0, st_encrypt(self->fd, h, &res));
	ASSERT_EQ(0, st_destroy(self->fd, h, &res));
	h = insert(self->fd, blob, len);
	ASSERT_NE(0, h);
	EXPECT_EQ(2, uses(self->fd, h));
	EXPECT_EQ(-EKEYEXPIRED, st_encrypt(self->fd, h, &res));
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, res);

	/* a blob taken after one use: one use left */
	h = limited_key(self->fd, 2, 0);
	ASSERT_NE(0, h);
	EXPECT_EQ(0, st_encrypt(self->fd, h, &res));
	ASSERT_EQ(0, blob_of(self->fd, h, blob, &len, SKS_EXTRACT_DELETE));
	h = insert(self->fd, blob, len);
	ASSERT_NE(0, h);
	EXPECT_EQ(0, st_encrypt(self->fd, h, &res));
	EXPECT_EQ(-EKEYEXPIRED, st_encrypt(self->fd, h, &res));
}

TEST_F(ledger, blobs_of_one_key_share_a_count_keys_of_one_value_do_not)
{
	unsigned char b1[1024], b2[1024];
	__u32 h, other, c1, c2, l1, l2, res;
	int ok = 0;

	/* two blobs of the same key: one count */
	h = limited_key(self->fd, 1, 0);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, blob_of(self->fd, h, b1, &l1, 0));
	ASSERT_EQ(0, blob_of(self->fd, h, b2, &l2, 0));
	c1 = insert(self->fd, b1, l1);
	c2 = insert(self->fd, b2, l2);
	ASSERT_NE(0, c1);
	ASSERT_NE(0, c2);
	ok += !st_encrypt(self->fd, c1, &res);
	ok += !st_encrypt(self->fd, c2, &res);
	ok += !st_encrypt(self->fd, h, &res);
	EXPECT_EQ(1, ok);

	/* another key with the same value has a count of its own */
	other = limited_key(self->fd, 1, 0);
	ASSERT_NE(0, other);
	EXPECT_EQ(0, uses(self->fd, other));
	EXPECT_EQ(0, st_encrypt(self->fd, other, &res));
}

TEST_F(ledger, each_usage_limited_key_costs_64_bytes_of_capacity)
{
	struct sks_session_info i0, i1, i2, i3;
	unsigned char blob[1024];
	__u32 plain, limited, copy, len, res;

	ASSERT_EQ(0, st_info(self->fd, &i0));
	plain = limited_key(self->fd, 0, 0);
	ASSERT_NE(0, plain);
	ASSERT_EQ(0, st_info(self->fd, &i1));
	limited = limited_key(self->fd, 5, 0);
	ASSERT_NE(0, limited);
	ASSERT_EQ(0, st_info(self->fd, &i2));
	/* at least the object and a ledger entry */
	EXPECT_LE(i1.used - i0.used + 64, i2.used - i1.used);

	/* the entry stays when the key goes; copies add no entry */
	ASSERT_EQ(0, blob_of(self->fd, limited, blob, &len, SKS_EXTRACT_DELETE));
	ASSERT_EQ(0, st_destroy(self->fd, plain, &res));
	ASSERT_EQ(0, st_info(self->fd, &i3));
	EXPECT_EQ(i0.used + 64, i3.used);
	copy = insert(self->fd, blob, len);
	ASSERT_NE(0, copy);
	copy = insert(self->fd, blob, len);
	ASSERT_NE(0, copy);
	ASSERT_EQ(0, st_info(self->fd, &i3));
	EXPECT_EQ(i0.used + 64 + 2 * (i2.used - i1.used - 64), i3.used);
}

/* A V0 partition: a copy restored from a cloning archive shares the count. */
TEST(restored_copy_shares_the_count)
{
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	__u32 handles[4], h, copy, res;
	struct sks_find_objects f = { .handles = st_ptr(handles), .count = 4 };
	int ctl, slot, fd, bslot;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "ledger", &slot);
	ASSERT_LE(0, fd);
	bslot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, bslot);
	h = limited_key(fd, 2, SKS_OBJ_TOKEN);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, st_backup(fd, bslot, ST_BK_SO, ST_BK_USER, "limited", 0, &ab));
	EXPECT_EQ(0, st_encrypt(fd, h, &res));
	ASSERT_EQ(0, st_restore(fd, bslot, ST_BK_USER, "limited", &ar));
	ASSERT_EQ(1, ar.objects);
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_FIND_OBJECTS, &f));
	ASSERT_EQ(2, f.count);
	copy = handles[0] == h ? handles[1] : handles[0];
	EXPECT_EQ(1, uses(fd, copy));
	EXPECT_EQ(0, st_encrypt(fd, copy, &res));
	EXPECT_EQ(-EKEYEXPIRED, st_encrypt(fd, h, &res));
	EXPECT_EQ(-EKEYEXPIRED, st_encrypt(fd, copy, &res));
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	EXPECT_EQ(0, st_slot_del(ctl, bslot));
	close(ctl);
}

TEST_HARNESS_MAIN
