// SPDX-License-Identifier: GPL-2.0
/*
 * SKS extract and insert: round trip, size limits, every corrupted byte,
 * truncation, trailing bytes, foreign SMK, SMK rollover end to end.
 * Blobs are format version 2: 64 fixed bytes per record (a key id).
 */
#include <stdlib.h>

#include <linux/sks_format.h>

#include "kselftest_harness.h"
#include "common.h"

#define HDR	SKS_BLOB_HDR_LEN
#define REC	64	/* fixed part of a record, version 2 */
#define TAG	SKS_BLOB_TAG_LEN

static const uint8_t key16[16] = {
	0xc4, 0x19, 0x7e, 0x52, 0xa0, 0x3b, 0xd6, 0x88,
	0x61, 0xf2, 0x0d, 0x97, 0x4e, 0xb5, 0x2a, 0xe3,
};

FIXTURE(blob) {
	int ctl;
	int slot;
	int fd;
};

FIXTURE_SETUP(blob)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->slot = st_slot_new(self->ctl, SKS_SLOT_V1, 4 << 20);
	ASSERT_LE(0, self->slot);
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, st_part_ready(self->fd));
}

FIXTURE_TEARDOWN(blob)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static int extract(int fd, const uint32_t *h, uint32_t n, uint8_t *blob,
		   uint32_t *len, uint32_t flags, uint32_t *res)
{
	struct sks_extract ex = {
		.flags = flags, .handles = st_ptr(h), .count = n,
		.blob = st_ptr(blob), .blob_len = *len,
	};
	int err = st_ioc(fd, SKS_IOC_EXTRACT, &ex);

	*len = ex.blob_len;
	if (res)
		*res = ex.result;
	return err;
}

static int insert(int fd, const uint8_t *blob, uint32_t len, uint32_t *h,
		  uint32_t *n, uint32_t *res)
{
	struct sks_insert in = {
		.blob = st_ptr(blob), .blob_len = len,
		.handles = st_ptr(h), .count = *n,
	};
	int err = st_ioc(fd, SKS_IOC_INSERT, &in);

	*n = in.count;
	if (res)
		*res = in.result;
	return err;
}

static uint32_t count_objects(int fd)
{
	struct sks_find_objects fo = {};

	return st_ioc(fd, SKS_IOC_FIND_OBJECTS, &fo) ? ~0U : fo.count;
}

TEST_F(blob, round_trip)
{
	const uint32_t kflags = SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT |
				SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE;
	struct sks_session_info info = {};
	struct sks_get_attrs a1 = {}, a2 = {};
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM };
	uint32_t h[2], out[4], n = 4, len = 0, res;
	uint8_t blob[512], ct[64], pt[64];
	int64_t k;

	k = st_import_aes(self->fd, key16, 16, kflags);
	ASSERT_LT(0, k);
	h[0] = k;
	h[1] = st_import_data(self->fd, "payload", 7, SKS_OBJ_EXTRACTABLE);
	ASSERT_LT(0, (int)h[1]);

	/* size query */
	ASSERT_EQ(0, extract(self->fd, h, 2, NULL, &len, 0, &res));
	EXPECT_EQ(HDR + REC + 3 + 16 + REC + 4 + 7 + TAG, len);
	len = 10;
	EXPECT_EQ(-EOVERFLOW, extract(self->fd, h, 2, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, res);
	len = sizeof(blob);
	ASSERT_EQ(0, extract(self->fd, h, 2, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_OK, res);
	EXPECT_EQ(0, memcmp("SKSB", blob, 4));
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SESSION_INFO, &info));
	EXPECT_EQ(0, memcmp(info.smk_fingerprint, blob + 20, 16));
	/* key material leaves only encrypted */
	EXPECT_FALSE(st_memmem(blob, len, key16, 8));
	EXPECT_FALSE(st_memmem(blob, len, "payload", 7));

	ASSERT_EQ(0, insert(self->fd, blob, len, out, &n, &res));
	ASSERT_EQ(2, n);
	a1.handle = h[0];
	a2.handle = out[0];
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &a1));
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &a2));
	EXPECT_EQ(0, memcmp(&a1.attrs, &a2.attrs, sizeof(a1.attrs)));

	/* the inserted key decrypts what the original encrypted */
	c.handle = h[0];
	c.in = st_ptr("secret");
	c.in_len = 6;
	c.out = st_ptr(ct);
	c.out_len = sizeof(ct);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	c.handle = out[0];
	c.in = st_ptr(ct);
	c.in_len = c.out_len;
	c.out = st_ptr(pt);
	c.out_len = sizeof(pt);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(0, memcmp("secret", pt, 6));

	/* room for the handles */
	n = 1;
	EXPECT_EQ(-EOVERFLOW, insert(self->fd, blob, len, out, &n, &res));
	EXPECT_EQ(2, n);

	/* delete after extract */
	len = sizeof(blob);
	ASSERT_EQ(0, extract(self->fd, h, 2, blob, &len, SKS_EXTRACT_DELETE,
			     &res));
	a1.handle = h[0];
	EXPECT_EQ(-ENOENT, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &a1));
}

TEST_F(blob, extract_refusals)
{
	uint32_t h[2], len = 4096, res;
	uint8_t blob[4096];

	h[0] = st_import_aes(self->fd, key16, 16, SKS_OBJ_ENCRYPT);
	EXPECT_EQ(-EPERM, extract(self->fd, h, 1, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_KEY_UNEXTRACTABLE, res);
	h[0] = st_import_data(self->fd, "x", 1, SKS_OBJ_EXTRACTABLE);
	h[1] = h[0];
	EXPECT_EQ(-EINVAL, extract(self->fd, h, 2, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	h[1] = 4242;
	EXPECT_EQ(-ENOENT, extract(self->fd, h, 2, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_OBJECT_HANDLE_INVALID, res);
	EXPECT_EQ(-EINVAL, extract(self->fd, h, 0, blob, &len, 0, &res));
	EXPECT_EQ(-EINVAL, extract(self->fd, h, SKS_MAX_EXTRACT + 1, blob,
				   &len, 0, &res));
	EXPECT_EQ(-EFAULT, extract(self->fd, NULL, 1, blob, &len, 0, &res));
	EXPECT_EQ(-EINVAL, extract(self->fd, h, 1, blob, &len, 4, &res));
	len = sizeof(blob);
	EXPECT_EQ(-EFAULT, extract(self->fd, h, 1, (uint8_t *)8, &len, 0,
				   &res));
	/* wrong role */
	ASSERT_EQ(0, st_logout(self->fd));
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_CU, ST_CU_PIN, NULL));
	EXPECT_EQ(-EACCES, extract(self->fd, h, 1, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, res);
}

TEST_F(blob, every_corruption_is_refused)
{
	uint32_t h, out[4], n, len = 512, res, before, i;
	uint8_t blob[512], bad[520];

	h = st_import_data(self->fd, "abcdef", 6, SKS_OBJ_EXTRACTABLE);
	ASSERT_EQ(0, extract(self->fd, &h, 1, blob, &len, 0, NULL));
	before = count_objects(self->fd);

	for (i = 0; i < len; i++) {
		memcpy(bad, blob, len);
		bad[i] ^= 0x01;
		n = 4;
		EXPECT_GT(0, insert(self->fd, bad, len, out, &n, &res));
		EXPECT_TRUE(res == SKS_CKR_DATA_INVALID ||
			    res == SKS_CKR_ENCRYPTED_DATA_INVALID ||
			    res == SKS_CKR_SMK_ID_NOT_FOUND) {
			TH_LOG("byte %u: result 0x%x", i, res);
		}
		if (i >= 20 && i < 36)
			EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, res);
		if (i >= 80)
			EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, res);
	}
	/* truncated, trailing garbage, empty */
	n = 4;
	EXPECT_EQ(-EBADMSG, insert(self->fd, blob, len - 1, out, &n, &res));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
	memcpy(bad, blob, len);
	bad[len] = 0;
	EXPECT_EQ(-EBADMSG, insert(self->fd, bad, len + 1, out, &n, &res));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
	EXPECT_EQ(-EBADMSG, insert(self->fd, blob, 0, out, &n, &res));
	EXPECT_EQ(-EMSGSIZE, insert(self->fd, blob, SKS_MAX_BLOB_SIZE + 1, out,
				    &n, &res));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, res);
	EXPECT_EQ(-EFAULT, insert(self->fd, NULL, len, out, &n, &res));
	/* unknown version */
	EXPECT_EQ(SKS_BLOB_VERSION, sks_get_le16(blob + SKS_BLOB_OFF_VERSION));
	memcpy(bad, blob, len);
	bad[4] = 3;
	EXPECT_EQ(-EBADMSG, insert(self->fd, bad, len, out, &n, &res));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
	/* relabelled as version 1: the header is authenticated */
	bad[4] = 1;
	EXPECT_EQ(-EBADMSG, insert(self->fd, bad, len, out, &n, &res));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, res);
	/* nothing was created */
	EXPECT_EQ(before, count_objects(self->fd));
	/* the original still inserts (a failure left the count 0) */
	EXPECT_EQ(0, n);
	n = 4;
	EXPECT_EQ(0, insert(self->fd, blob, len, out, &n, &res));
}

TEST_F(blob, foreign_smk)
{
	uint32_t h, out[4], n = 4, len = 512, res;
	uint8_t blob[512];
	int slot2, fd2;

	slot2 = st_slot_new(self->ctl, SKS_SLOT_V1, 0);
	ASSERT_LE(0, slot2);
	fd2 = st_slot_open(slot2);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, st_part_ready(fd2));
	h = st_import_data(fd2, "abc", 3, SKS_OBJ_EXTRACTABLE);
	ASSERT_EQ(0, extract(fd2, &h, 1, blob, &len, 0, NULL));
	EXPECT_EQ(-ENOKEY, insert(self->fd, blob, len, out, &n, &res));
	EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, res);
	EXPECT_EQ(0, n);
	n = 4;
	EXPECT_EQ(0, insert(fd2, blob, len, out, &n, &res));
	close(fd2);
	st_slot_del(self->ctl, slot2);
}

TEST_F(blob, size_limit_64k)
{
	static uint8_t v[SKS_MAX_DATA_SIZE], blob[SKS_MAX_BLOB_SIZE];
	uint32_t h[2], out[2], n = 2, len, res;
	struct sks_destroy_object d = {};

	/* one object: header + record + 4 ("data") + value + tag */
	h[0] = st_import_data(self->fd, v, SKS_MAX_BLOB_SIZE - HDR - REC - 4 - TAG,
			       SKS_OBJ_EXTRACTABLE);
	len = sizeof(blob);
	ASSERT_EQ(0, extract(self->fd, h, 1, blob, &len, 0, &res));
	EXPECT_EQ(SKS_MAX_BLOB_SIZE, len);
	ASSERT_EQ(0, insert(self->fd, blob, len, out, &n, &res));
	EXPECT_EQ(1, n);
	h[0] = st_import_data(self->fd, v, SKS_MAX_BLOB_SIZE - HDR - REC - 4 - TAG + 1,
			       SKS_OBJ_EXTRACTABLE);
	len = 0;
	EXPECT_EQ(-EMSGSIZE, extract(self->fd, h, 1, NULL, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, res);
	EXPECT_EQ(SKS_MAX_BLOB_SIZE + 1, len);
	d.handle = h[0];
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_DESTROY_OBJECT, &d));

	/* two objects, at and just over the limit */
	h[0] = st_import_data(self->fd, v, 32768, SKS_OBJ_EXTRACTABLE);
	h[1] = st_import_data(self->fd, v,
			       SKS_MAX_BLOB_SIZE - HDR - 2 * (REC + 4) - TAG - 32768,
			       SKS_OBJ_EXTRACTABLE);
	len = sizeof(blob);
	ASSERT_EQ(0, extract(self->fd, h, 2, blob, &len, 0, &res));
	EXPECT_EQ(SKS_MAX_BLOB_SIZE, len);
	d.handle = h[1];
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_DESTROY_OBJECT, &d));
	h[1] = st_import_data(self->fd, v,
			       SKS_MAX_BLOB_SIZE - HDR - 2 * (REC + 4) - TAG - 32767,
			       SKS_OBJ_EXTRACTABLE);
	len = sizeof(blob);
	EXPECT_EQ(-EMSGSIZE, extract(self->fd, h, 2, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, res);
}

TEST_F(blob, smk_rollover)
{
	struct sks_session_info i1 = {}, i2 = {};
	struct sks_simple ro = { .flags = SKS_ROLLOVER_START };
	uint32_t h, out[2], n = 2, la = 512, lb = 512, res;
	uint8_t a[512], b[512];

	h = st_import_data(self->fd, "abc", 3, SKS_OBJ_EXTRACTABLE);
	ASSERT_EQ(0, extract(self->fd, &h, 1, a, &la, 0, NULL));
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SESSION_INFO, &i1));

	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SMK_ROLLOVER, &ro));
	EXPECT_EQ(-EBUSY, st_ioc(self->fd, SKS_IOC_SMK_ROLLOVER, &ro));
	EXPECT_EQ(SKS_CKR_OPERATION_ACTIVE, ro.result);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SESSION_INFO, &i2));
	EXPECT_TRUE(i2.state & SKS_STATE_SMK_ROLLOVER);
	EXPECT_EQ(0, memcmp(i1.smk_fingerprint, i2.rollover_fingerprint, 16));
	EXPECT_NE(0, memcmp(i1.smk_fingerprint, i2.smk_fingerprint, 16));

	/* old blob still inserts; re-extract uses the new primary */
	ASSERT_EQ(0, insert(self->fd, a, la, out, &n, &res));
	ASSERT_EQ(0, extract(self->fd, out, 1, b, &lb, 0, NULL));
	EXPECT_EQ(0, memcmp(i2.smk_fingerprint, b + 20, 16));

	ro.flags = SKS_ROLLOVER_END;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SMK_ROLLOVER, &ro));
	EXPECT_EQ(-ENOENT, st_ioc(self->fd, SKS_IOC_SMK_ROLLOVER, &ro));
	EXPECT_EQ(SKS_CKR_OPERATION_NOT_INITIALIZED, ro.result);
	n = 2;
	EXPECT_EQ(-ENOKEY, insert(self->fd, a, la, out, &n, &res));
	EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, res);
	n = 2;
	EXPECT_EQ(0, insert(self->fd, b, lb, out, &n, &res));

	ro.flags = SKS_ROLLOVER_START | SKS_ROLLOVER_END;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_SMK_ROLLOVER, &ro));
	ro.flags = SKS_ROLLOVER_START;
	ASSERT_EQ(0, st_logout(self->fd));
	EXPECT_EQ(-EACCES, st_ioc(self->fd, SKS_IOC_SMK_ROLLOVER, &ro));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, ro.result);
}

TEST_F(blob, v0_has_no_sks)
{
	uint32_t h, len = 512, res;
	uint8_t blob[512];
	int slot0, fd0;

	slot0 = st_slot_new(self->ctl, SKS_SLOT_V0, 0);
	ASSERT_LE(0, slot0);
	fd0 = st_slot_open(slot0);
	ASSERT_LE(0, fd0);
	ASSERT_EQ(0, st_part_ready(fd0));
	h = st_import_data(fd0, "abc", 3, SKS_OBJ_EXTRACTABLE);
	EXPECT_EQ(-EOPNOTSUPP, extract(fd0, &h, 1, blob, &len, 0, &res));
	EXPECT_EQ(SKS_CKR_FUNCTION_NOT_SUPPORTED, res);
	close(fd0);
	st_slot_del(self->ctl, slot0);
}

TEST_HARNESS_MAIN
