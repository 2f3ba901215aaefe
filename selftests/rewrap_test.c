// SPDX-License-Identifier: GPL-2.0
/*
 * SKS_IOC_REWRAP (stored blobs move to the primary SMK during a rollover,
 * their keys never becoming objects) and SKS_IOC_SET_ATTRS (PKCS#11's
 * rules for changing an object's attributes).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sks.h>
#include <linux/sks_format.h>

#include "kselftest_harness.h"
#include "common.h"

static const char *const custodians[] = { "custodian-one", "custodian-two" };

static int rw_hmac_key(int fd, __u64 limit, __u32 *handle)
{
	struct sks_generate_key g = {
		.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN,
	};

	g.attrs.obj_class = SKS_CKO_SECRET_KEY;
	g.attrs.key_type = SKS_CKK_GENERIC_SECRET;
	g.attrs.value_len = 32;
	g.attrs.usage_limit = limit;
	g.attrs.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN | SKS_OBJ_VERIFY |
			SKS_OBJ_SENSITIVE;
	if (ioctl(fd, SKS_IOC_GENERATE_KEY, &g))
		return -errno;
	*handle = g.handle;
	return 0;
}

static int rw_mac(int fd, __u32 key, __u8 *mac, __u32 *result)
{
	struct sks_sign s = { .handle = key, .mechanism = SKS_CKM_SHA256_HMAC,
			      .data = st_ptr("rec"), .data_len = 3,
			      .sig = st_ptr(mac), .sig_len = 32 };
	int err = ioctl(fd, SKS_IOC_SIGN, &s) ? -errno : 0;

	if (result)
		*result = s.result;
	return err;
}

static int rw_extract(int fd, __u32 h, bool auth, __u8 *blob, __u32 *len)
{
	struct sks_auth_secret a[2] = {
		{ .secret = st_ptr(custodians[0]), .len = strlen(custodians[0]) },
		{ .secret = st_ptr(custodians[1]), .len = strlen(custodians[1]) },
	};
	struct sks_extract ex = {
		.handles = st_ptr(&h), .count = 1,
		.blob = st_ptr(blob), .blob_len = *len,
	};

	if (auth) {
		ex.auth = st_ptr(a);
		ex.auth_count = 2;
		ex.auth_subset = 2;
	}
	if (ioctl(fd, SKS_IOC_EXTRACT, &ex))
		return -errno;
	*len = ex.blob_len;
	return 0;
}

static int rw_insert(int fd, const __u8 *blob, __u32 len, bool auth,
		     __u32 *h, __u32 *result)
{
	struct sks_auth_secret a[2] = {
		{ .secret = st_ptr(custodians[0]), .len = strlen(custodians[0]) },
		{ .secret = st_ptr(custodians[1]), .len = strlen(custodians[1]) },
	};
	struct sks_insert in = {
		.blob = st_ptr(blob), .blob_len = len,
		.handles = st_ptr(h), .count = 1,
	};
	int err;

	if (auth) {
		in.auth = st_ptr(a);
		in.auth_count = 2;
	}
	err = ioctl(fd, SKS_IOC_INSERT, &in) ? -errno : 0;
	if (result)
		*result = in.result;
	return err;
}

static int rw_rewrap(int fd, struct sks_rewrap_item *items, __u32 n,
		     __u32 *done, __u32 *result)
{
	struct sks_rewrap rw = { .items = st_ptr(items), .count = n };
	int err = ioctl(fd, SKS_IOC_REWRAP, &rw) ? -errno : 0;

	*done = rw.done;
	*result = rw.result;
	return err;
}

static int rw_rollover(int fd, __u32 flags)
{
	struct sks_simple s = { .flags = flags };

	return ioctl(fd, SKS_IOC_SMK_ROLLOVER, &s) ? -errno : 0;
}

FIXTURE(rw)
{
	int ctl, fd, slot;
	__u32 a, b;		/* an HMAC key (2 of 2), one with limit 2 */
	__u8 ba[1024], bb[1024], na[1024], nb[1024];
	__u32 la, lb;
	__u8 mac_a[32];
};

FIXTURE_SETUP(rw)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->fd = st_partition(self->ctl, SKS_SLOT_V1, "rewrap", &self->slot);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, rw_hmac_key(self->fd, 0, &self->a));
	ASSERT_EQ(0, rw_hmac_key(self->fd, 2, &self->b));
	ASSERT_EQ(0, rw_mac(self->fd, self->a, self->mac_a, NULL));
	ASSERT_EQ(0, rw_mac(self->fd, self->b, self->mac_a + 0, NULL));
	ASSERT_EQ(0, rw_mac(self->fd, self->a, self->mac_a, NULL));
	self->la = sizeof(self->ba);
	self->lb = sizeof(self->bb);
	ASSERT_EQ(0, rw_extract(self->fd, self->a, true, self->ba, &self->la));
	ASSERT_EQ(0, rw_extract(self->fd, self->b, false, self->bb, &self->lb));
}

FIXTURE_TEARDOWN(rw)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static void rw_items(FIXTURE_DATA(rw) *self, struct sks_rewrap_item *it,
		     bool out)
{
	memset(it, 0, 2 * sizeof(*it));
	it[0].in = st_ptr(self->ba);
	it[0].in_len = self->la;
	it[1].in = st_ptr(self->bb);
	it[1].in_len = self->lb;
	if (out) {
		it[0].out = st_ptr(self->na);
		it[0].out_len = sizeof(self->na);
		it[1].out = st_ptr(self->nb);
		it[1].out_len = sizeof(self->nb);
	}
}

TEST_F(rw, a_rollover_moves_stored_blobs_to_the_new_smk)
{
	struct sks_rewrap_item it[2];
	struct sks_session_info si;
	__u32 done, res, h;
	__u8 mac[32];

	ASSERT_EQ(0, rw_rollover(self->fd, SKS_ROLLOVER_START));
	/* the size query: as long as the blobs */
	rw_items(self, it, false);
	ASSERT_EQ(0, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(self->la, it[0].out_len);
	EXPECT_EQ(self->lb, it[1].out_len);
	EXPECT_EQ(0, done);

	rw_items(self, it, true);
	ASSERT_EQ(0, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(2, done);
	EXPECT_EQ(SKS_CKR_OK, it[0].result);
	ASSERT_EQ(self->la, it[0].out_len);
	ASSERT_EQ(self->lb, it[1].out_len);
	ASSERT_EQ(0, st_info(self->fd, &si));
	EXPECT_EQ(0, memcmp(self->na + SKS_BLOB_OFF_FP, si.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_EQ(0, memcmp(self->nb + SKS_BLOB_OFF_FP, si.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_EQ(2, st_nobjects(self->fd));	/* no object made */

	ASSERT_EQ(0, rw_rollover(self->fd, SKS_ROLLOVER_END));
	EXPECT_EQ(-ENOKEY, rw_insert(self->fd, self->ba, self->la, true, &h,
				     &res));
	EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, res);
	/* the rewrapped blob keeps its 2 of 2 secrets and its key */
	EXPECT_EQ(-EINVAL, rw_insert(self->fd, self->na, it[0].out_len, false,
				     &h, &res));
	ASSERT_EQ(0, rw_insert(self->fd, self->na, it[0].out_len, true, &h,
			       &res));
	ASSERT_EQ(0, rw_mac(self->fd, h, mac, NULL));
	EXPECT_EQ(0, memcmp(mac, self->mac_a, sizeof(mac)));
	/* the usage-limited key carried its count: one use left of two */
	ASSERT_EQ(0, rw_insert(self->fd, self->nb, it[1].out_len, false, &h,
			       &res));
	EXPECT_EQ(0, rw_mac(self->fd, h, mac, &res));
	EXPECT_EQ(-EKEYEXPIRED, rw_mac(self->fd, h, mac, &res));
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, res);
}

TEST_F(rw, a_key_used_up_stays_used_up_after_rewrap)
{
	struct sks_rewrap_item it[2];
	__u32 done, res, h;
	__u8 mac[32];

	/* the blob of b says one use; the partition has seen two since */
	ASSERT_EQ(0, rw_mac(self->fd, self->b, mac, NULL));
	ASSERT_EQ(-EKEYEXPIRED, rw_mac(self->fd, self->b, mac, NULL));
	ASSERT_EQ(0, rw_rollover(self->fd, SKS_ROLLOVER_START));
	rw_items(self, it, true);
	ASSERT_EQ(0, rw_rewrap(self->fd, it, 2, &done, &res));
	ASSERT_EQ(0, rw_rollover(self->fd, SKS_ROLLOVER_END));
	ASSERT_EQ(0, rw_insert(self->fd, self->nb, it[1].out_len, false, &h,
			       &res));
	EXPECT_EQ(-EKEYEXPIRED, rw_mac(self->fd, h, mac, &res));
}

TEST_F(rw, a_bad_blob_stops_the_call_and_names_itself)
{
	struct sks_rewrap_item it[2];
	__u32 done, res;

	self->bb[self->lb - 1] ^= 1;	/* the tag */
	rw_items(self, it, true);
	EXPECT_EQ(-EBADMSG, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, res);
	EXPECT_EQ(1, done);
	EXPECT_EQ(SKS_CKR_OK, it[0].result);
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, it[1].result);

	/* a header that is no blob is found before anything is rewrapped */
	self->bb[0] = 'X';
	rw_items(self, it, true);
	EXPECT_EQ(-EBADMSG, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, it[1].result);
	EXPECT_EQ(0, done);
}

TEST_F(rw, room_and_arguments_are_checked_first)
{
	struct sks_rewrap_item it[2];
	__u32 done, res;

	rw_items(self, it, true);
	it[1].out_len = self->lb - 1;
	EXPECT_EQ(-EOVERFLOW, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, res);
	EXPECT_EQ(self->la, it[0].out_len);
	EXPECT_EQ(self->lb, it[1].out_len);
	EXPECT_EQ(0, done);

	rw_items(self, it, true);
	it[1].out = 0;	/* half a size query */
	EXPECT_EQ(-EINVAL, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);

	rw_items(self, it, true);
	it[0].reserved = 1;
	EXPECT_EQ(-EINVAL, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(-EINVAL, rw_rewrap(self->fd, it, 0, &done, &res));
	EXPECT_EQ(-EINVAL, rw_rewrap(self->fd, it, SKS_MAX_REWRAP + 1, &done,
				     &res));
}

TEST_F(rw, rewrap_needs_the_crypto_officer)
{
	struct sks_rewrap_item it[2];
	struct sks_simple lo = {};
	__u32 done, res;

	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_LOGOUT, &lo));
	rw_items(self, it, true);
	EXPECT_EQ(-EACCES, rw_rewrap(self->fd, it, 2, &done, &res));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, res);
}

static int rw_set(int fd, __u32 h, __u32 what, const struct sks_obj_attrs *a,
		  __u32 *result)
{
	struct sks_set_attrs sa = { .flags = what, .handle = h };
	int err;

	if (a)
		sa.attrs = *a;
	err = ioctl(fd, SKS_IOC_SET_ATTRS, &sa) ? -errno : 0;
	*result = sa.result;
	return err;
}

static int rw_get(int fd, __u32 h, struct sks_obj_attrs *a)
{
	struct sks_get_attrs ga = { .handle = h };

	if (ioctl(fd, SKS_IOC_GET_ATTRS, &ga))
		return -errno;
	*a = ga.attrs;
	return 0;
}

TEST_F(rw, set_attrs_follows_pkcs11s_rules)
{
	struct sks_obj_attrs a = {}, g;
	__u32 res, h;
	__u8 mac[32];

	/* label and id change; the key and its handle stay */
	a.label_len = 9;
	memcpy(a.label, "renamed!!", 9);
	a.id_len = 2;
	a.id[0] = 0xab;
	a.id[1] = 0xcd;
	ASSERT_EQ(0, rw_set(self->fd, self->a, SKS_SET_LABEL | SKS_SET_ID, &a,
			    &res));
	ASSERT_EQ(0, rw_get(self->fd, self->a, &g));
	EXPECT_EQ(9, g.label_len);
	EXPECT_EQ(0, memcmp(g.label, "renamed!!", 9));
	EXPECT_EQ(2, g.id_len);
	EXPECT_EQ(0xcd, g.id[1]);
	ASSERT_EQ(0, rw_mac(self->fd, self->a, mac, NULL));
	EXPECT_EQ(0, memcmp(mac, self->mac_a, sizeof(mac)));

	/* CKA_SENSITIVE only on, CKA_EXTRACTABLE only off */
	memset(&a, 0, sizeof(a));
	a.flags = g.flags & ~SKS_OBJ_SENSITIVE;
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, SKS_SET_FLAGS, &a, &res));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_READ_ONLY, res);
	a.flags = g.flags & ~SKS_OBJ_EXTRACTABLE;
	ASSERT_EQ(0, rw_set(self->fd, self->a, SKS_SET_FLAGS, &a, &res));
	a.flags = g.flags;	/* extractable again */
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, SKS_SET_FLAGS, &a, &res));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_READ_ONLY, res);
	h = self->a;
	{
		__u8 blob[512];
		__u32 len = sizeof(blob);

		EXPECT_EQ(-EPERM, rw_extract(self->fd, h, false, blob, &len));
	}
	/* CKA_TOKEN and CKA_PRIVATE never */
	a.flags = (g.flags & ~SKS_OBJ_EXTRACTABLE) ^ SKS_OBJ_PRIVATE;
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, SKS_SET_FLAGS, &a, &res));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_READ_ONLY, res);
	/* what the key type cannot do */
	a.flags = (g.flags & ~SKS_OBJ_EXTRACTABLE) | SKS_OBJ_ENCRYPT;
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, SKS_SET_FLAGS, &a, &res));
	EXPECT_EQ(SKS_CKR_TEMPLATE_INCONSISTENT, res);
	/* usage flags may go off, and the key obeys */
	a.flags = g.flags & ~(SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN);
	ASSERT_EQ(0, rw_set(self->fd, self->a, SKS_SET_FLAGS, &a, &res));
	EXPECT_EQ(-EPERM, rw_mac(self->fd, self->a, mac, &res));
	EXPECT_EQ(SKS_CKR_KEY_FUNCTION_NOT_PERMITTED, res);
}

TEST_F(rw, set_attrs_refuses_what_it_cannot_change)
{
	struct sks_obj_attrs a = {};
	struct sks_simple lo = {};
	__u32 res;

	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, 0, &a, &res));
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, 1U << 3, &a, &res));
	a.value_len = 32;	/* not named: must be 0 */
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, SKS_SET_LABEL, &a, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	memset(&a, 0, sizeof(a));
	a.label_len = SKS_OBJ_LABEL_MAX + 1;
	EXPECT_EQ(-EINVAL, rw_set(self->fd, self->a, SKS_SET_LABEL, &a, &res));
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-ENOENT, rw_set(self->fd, 0xdead, SKS_SET_LABEL, &a, &res));
	EXPECT_EQ(SKS_CKR_OBJECT_HANDLE_INVALID, res);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_LOGOUT, &lo));
	EXPECT_EQ(-EACCES, rw_set(self->fd, self->a, SKS_SET_LABEL, &a, &res));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, res);
}

TEST_HARNESS_MAIN
