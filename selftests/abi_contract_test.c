// SPDX-License-Identifier: GPL-2.0
/*
 * The conventions include/uapi/linux/sks.h states for every ioctl:
 *
 * - variable-size output (PKCS#11 v2.40 section 5.2): a 0 pointer is a
 *   size query (CKR_OK and the needed length, nothing done, no key use),
 *   too little room is CKR_BUFFER_TOO_SMALL with the needed length and
 *   nothing written, any other failure leaves the length 0;
 * - the ciphertext and plaintext length codes of DECRYPT and ENCRYPT;
 * - @result is not written when the struct itself was not taken (E2BIG,
 *   a size below SKS_*_SIZE_VER0); every first published size is taken;
 *   an unreadable or unwritable buffer is EFAULT with CKR_ARGUMENTS_BAD;
 * - generic secrets of SKS_GENERIC_SECRET_MIN..MAX bytes and every RFC
 *   4231 HMAC test case;
 * - public objects: found and read without a login, private ones
 *   invisible to sessions not logged in as CO or CU.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "common.h"

#define CANARY		0xc5c5c5c5U
#define BADPTR		8ULL		/* nothing is mapped there */

static const unsigned char aes_key[32] = "an AES-256 key for the ABI test";
static const char msg[20] = "twenty bytes of data";

FIXTURE(abi) {
	int ctl;
	int slot, co;		/* V1 partition, CO logged in */
	int none;		/* a session of it that never logs in */
	int bslot, bfd;		/* Backup HSM with two archives */
	__u32 aes, mac, data, sens;
	unsigned char iv[SKS_GCM_IV_LEN];
	unsigned char ct[sizeof(msg) + SKS_GCM_TAG_LEN];
	unsigned char blob[1024];
	__u32 bloblen;
	unsigned char *ro;	/* a read-only page */
	char arc[SKS_ARCHIVE_NAME_MAX + 1];	/* one of the archives */
};

FIXTURE_SETUP(abi)
{
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM,
			       .in = st_ptr(msg), .in_len = sizeof(msg) };
	struct sks_archive_backup ab;
	struct sks_obj_attrs a;
	__u32 h[2], res;
	__s64 n;

	self->ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, self->ro);
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->co = st_partition(self->ctl, SKS_SLOT_V1, "abi", &self->slot);
	ASSERT_LE(0, self->co);
	self->none = st_slot_open(self->slot);
	ASSERT_LE(0, self->none);

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES, SKS_OBJ_ENCRYPT |
		      SKS_OBJ_DECRYPT | SKS_OBJ_EXTRACTABLE, 32, "aes");
	a.usage_limit = 100;
	n = st_import(self->co, &a, aes_key, NULL);
	ASSERT_LT(0, n);
	self->aes = n;
	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
		      SKS_OBJ_SIGN | SKS_OBJ_VERIFY, 32, "mac");
	a.usage_limit = 100;
	n = st_import(self->co, &a, aes_key, NULL);
	ASSERT_LT(0, n);
	self->mac = n;
	n = st_import_data(self->co, "hello", 5, SKS_OBJ_EXTRACTABLE);
	ASSERT_LT(0, n);
	self->data = n;
	n = st_import_aes(self->co, aes_key, 16,
			   SKS_OBJ_ENCRYPT | SKS_OBJ_SENSITIVE);
	ASSERT_LT(0, n);
	self->sens = n;

	c.handle = self->aes;
	c.out = st_ptr(self->ct);
	c.out_len = sizeof(self->ct);
	ASSERT_EQ(0, ioctl(self->co, SKS_IOC_ENCRYPT, &c));
	memcpy(self->iv, c.iv, sizeof(self->iv));
	h[0] = self->aes;
	h[1] = self->data;
	self->bloblen = sizeof(self->blob);
	ASSERT_EQ(0, st_extract(self->co, h, 2, self->blob, &self->bloblen, 0,
				&res));

	self->bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, self->bslot);
	self->bfd = st_slot_open(self->bslot);
	ASSERT_LE(0, self->bfd);
	ASSERT_EQ(0, st_backup(self->co, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	ASSERT_EQ(0, st_backup(self->co, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	memset(self->arc, 0, sizeof(self->arc));
	memcpy(self->arc, ab.name, SKS_ARCHIVE_NAME_MAX);
}

FIXTURE_TEARDOWN(abi)
{
	munmap(self->ro, 4096);
	close(self->bfd);
	close(self->none);
	close(self->co);
	st_slot_del(self->ctl, self->bslot);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static __u64 uses(int fd, __u32 h)
{
	struct sks_get_attrs ga = { .handle = h };

	return ioctl(fd, SKS_IOC_GET_ATTRS, &ga) ? ~0ULL : ga.attrs.usage_count;
}

static bool untouched(const unsigned char *buf, size_t len)
{
	while (len--)
		if (*buf++ != 0xc5)
			return false;
	return true;
}

#define ERR(x)	((x) ? -errno : 0)

/* ---- size queries ---- */

TEST_F(abi, size_queries_of_encrypt_decrypt_and_sign)
{
	static const struct { __u32 mech, len; } macs[] = {
		{ SKS_CKM_SHA256_HMAC, 32 }, { SKS_CKM_SHA384_HMAC, 48 },
		{ SKS_CKM_SHA512_HMAC, 64 },
	};
	unsigned char out[128];
	struct sks_crypt c;
	struct sks_sign s;
	size_t i;

	/* encrypt: a 0 pointer, whatever the room said */
	c = (struct sks_crypt){ .handle = self->aes,
				.mechanism = SKS_CKM_AES_GCM,
				.in = st_ptr(msg), .in_len = sizeof(msg),
				.out_len = 1000 };
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(SKS_CKR_OK, c.result);
	EXPECT_EQ(sizeof(msg) + SKS_GCM_TAG_LEN, c.out_len);
	/* too little room: the needed length, nothing written */
	memset(out, 0xc5, sizeof(out));
	c.out = st_ptr(out);
	c.out_len = sizeof(msg) + SKS_GCM_TAG_LEN - 1;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, c.result);
	EXPECT_EQ(sizeof(msg) + SKS_GCM_TAG_LEN, c.out_len);
	EXPECT_TRUE(untouched(out, sizeof(out)));

	/* decrypt */
	c = (struct sks_crypt){ .handle = self->aes,
				.mechanism = SKS_CKM_AES_GCM,
				.in = st_ptr(self->ct), .in_len = sizeof(self->ct),
				.out_len = 1000 };
	memcpy(c.iv, self->iv, sizeof(c.iv));
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_DECRYPT, &c)));
	EXPECT_EQ(SKS_CKR_OK, c.result);
	EXPECT_EQ(sizeof(msg), c.out_len);
	c.out = st_ptr(out);
	c.out_len = sizeof(msg) - 1;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_DECRYPT, &c)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, c.result);
	EXPECT_EQ(sizeof(msg), c.out_len);
	EXPECT_TRUE(untouched(out, sizeof(out)));

	/* sign, every mechanism */
	for (i = 0; i < ARRAY_SIZE(macs); i++) {
		s = (struct sks_sign){ .handle = self->mac,
				       .mechanism = macs[i].mech,
				       .data = st_ptr(msg),
				       .data_len = sizeof(msg), .sig_len = 7 };
		ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_SIGN, &s)));
		EXPECT_EQ(SKS_CKR_OK, s.result);
		EXPECT_EQ(macs[i].len, s.sig_len);
		s.sig = st_ptr(out);
		s.sig_len = macs[i].len - 1;
		EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_SIGN, &s)));
		EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, s.result);
		EXPECT_EQ(macs[i].len, s.sig_len);
		EXPECT_TRUE(untouched(out, sizeof(out)));
	}

	/* none of it used a key */
	EXPECT_EQ(1, uses(self->co, self->aes));	/* the setup's encryption */
	EXPECT_EQ(0, uses(self->co, self->mac));
}

TEST_F(abi, failed_crypto_calls_leave_the_length_0)
{
	unsigned char out[128], bad[sizeof(self->ct)];
	struct sks_crypt c;
	struct sks_sign s;

	/* a tag that does not verify: nothing written, out_len 0 */
	memcpy(bad, self->ct, sizeof(bad));
	bad[3] ^= 1;
	memset(out, 0xc5, sizeof(out));
	c = (struct sks_crypt){ .handle = self->aes,
				.mechanism = SKS_CKM_AES_GCM,
				.in = st_ptr(bad), .in_len = sizeof(bad),
				.out = st_ptr(out), .out_len = sizeof(out) };
	memcpy(c.iv, self->iv, sizeof(c.iv));
	EXPECT_EQ(-EBADMSG, ERR(ioctl(self->co, SKS_IOC_DECRYPT, &c)));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, c.result);
	EXPECT_EQ(0, c.out_len);
	EXPECT_TRUE(untouched(out, sizeof(out)));

	/* no such key, wrong mechanism, not permitted, not logged in */
	c = (struct sks_crypt){ .handle = 0x7ffffff0,
				.mechanism = SKS_CKM_AES_GCM,
				.in = st_ptr(msg), .in_len = sizeof(msg),
				.out = st_ptr(out), .out_len = sizeof(out) };
	EXPECT_EQ(-ENOENT, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(0, c.out_len);
	c.handle = self->aes;
	c.mechanism = SKS_CKM_SHA256_HMAC;
	c.out_len = sizeof(out);
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(0, c.out_len);
	c.mechanism = SKS_CKM_AES_GCM;
	c.handle = self->mac;
	c.out_len = sizeof(out);
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(0, c.out_len);
	c.handle = self->aes;
	c.out_len = sizeof(out);
	EXPECT_EQ(-EACCES, ERR(ioctl(self->none, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(0, c.out_len);
	EXPECT_TRUE(untouched(out, sizeof(out)));

	s = (struct sks_sign){ .handle = 0x7ffffff0,
			       .mechanism = SKS_CKM_SHA256_HMAC,
			       .data = st_ptr(msg), .data_len = sizeof(msg),
			       .sig = st_ptr(out), .sig_len = sizeof(out) };
	EXPECT_EQ(-ENOENT, ERR(ioctl(self->co, SKS_IOC_SIGN, &s)));
	EXPECT_EQ(0, s.sig_len);
	s.handle = self->aes;
	s.sig_len = sizeof(out);
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->co, SKS_IOC_SIGN, &s)));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, s.result);
	EXPECT_EQ(0, s.sig_len);
	EXPECT_TRUE(untouched(out, sizeof(out)));
}

TEST_F(abi, size_queries_of_get_value_extract_and_insert)
{
	unsigned char out[1024];
	struct sks_get_value gv;
	__u32 h[4], len, n, res, before;
	struct sks_extract ex;
	struct sks_insert in;

	/* get value */
	gv = (struct sks_get_value){ .handle = self->data, .len = 1 };
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_GET_VALUE, &gv)));
	EXPECT_EQ(5, gv.len);
	memset(out, 0xc5, sizeof(out));
	gv.buf = st_ptr(out);
	gv.len = 4;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_GET_VALUE, &gv)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, gv.result);
	EXPECT_EQ(5, gv.len);
	EXPECT_TRUE(untouched(out, sizeof(out)));
	gv.len = sizeof(out);
	gv.handle = self->sens;
	EXPECT_EQ(-EPERM, ERR(ioctl(self->co, SKS_IOC_GET_VALUE, &gv)));
	EXPECT_EQ(0, gv.len);
	gv.len = sizeof(out);
	gv.handle = 0x7ffffff0;
	EXPECT_EQ(-ENOENT, ERR(ioctl(self->co, SKS_IOC_GET_VALUE, &gv)));
	EXPECT_EQ(0, gv.len);

	/* extract: a size query runs nothing, SKS_EXTRACT_DELETE included */
	before = st_nobjects(self->co);
	h[0] = self->aes;
	h[1] = self->data;
	ex = (struct sks_extract){ .flags = SKS_EXTRACT_DELETE,
				   .handles = st_ptr(h), .count = 2,
				   .blob_len = 7 };
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_EXTRACT, &ex)));
	EXPECT_EQ(self->bloblen, ex.blob_len);
	EXPECT_EQ(before, st_nobjects(self->co));
	ex.blob = st_ptr(out);
	ex.blob_len = self->bloblen - 1;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_EXTRACT, &ex)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, ex.result);
	EXPECT_EQ(self->bloblen, ex.blob_len);
	EXPECT_TRUE(untouched(out, sizeof(out)));
	EXPECT_EQ(before, st_nobjects(self->co));
	h[1] = 0x7ffffff0;
	ex.flags = 0;
	ex.blob_len = sizeof(out);
	EXPECT_EQ(-ENOENT, ERR(ioctl(self->co, SKS_IOC_EXTRACT, &ex)));
	EXPECT_EQ(0, ex.blob_len);

	/* insert: a 0 pointer asks how many objects, inserts nothing */
	in = (struct sks_insert){ .blob = st_ptr(self->blob),
				  .blob_len = self->bloblen, .count = 1 };
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_INSERT, &in)));
	EXPECT_EQ(SKS_CKR_OK, in.result);
	EXPECT_EQ(2, in.count);
	EXPECT_EQ(before, st_nobjects(self->co));
	memset(h, 0xc5, sizeof(h));
	in.handles = st_ptr(h);
	in.count = 1;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_INSERT, &in)));
	EXPECT_EQ(2, in.count);
	EXPECT_TRUE(untouched((unsigned char *)h, sizeof(h)));
	EXPECT_EQ(before, st_nobjects(self->co));
	memcpy(out, self->blob, self->bloblen);
	out[self->bloblen - 1] ^= 1;
	in.blob = st_ptr(out);
	in.count = 4;
	EXPECT_EQ(-EBADMSG, ERR(ioctl(self->co, SKS_IOC_INSERT, &in)));
	EXPECT_EQ(0, in.count);
	n = 4;
	len = self->bloblen;
	EXPECT_EQ(0, st_insert(self->co, self->blob, len, h, &n, &res));
	EXPECT_EQ(2, n);
}

TEST_F(abi, size_queries_of_find_and_the_slot_list)
{
	struct sks_slot_entry se[SKS_MAX_SLOTS];
	struct sks_find_objects fo;
	struct sks_slot_list sl;
	__u32 h[8], nslots;

	/* find: a 0 pointer with any room */
	fo = (struct sks_find_objects){ .count = 1 };
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_FIND_OBJECTS, &fo)));
	EXPECT_EQ(SKS_CKR_OK, fo.result);
	EXPECT_EQ(4, fo.count);
	memset(h, 0xc5, sizeof(h));
	fo.handles = st_ptr(h);
	fo.count = 3;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->co, SKS_IOC_FIND_OBJECTS, &fo)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, fo.result);
	EXPECT_EQ(4, fo.count);
	EXPECT_TRUE(untouched((unsigned char *)h, sizeof(h)));
	fo.flags = 1U << 9;
	fo.count = 8;
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->co, SKS_IOC_FIND_OBJECTS, &fo)));
	EXPECT_EQ(0, fo.count);

	/* slot list */
	sl = (struct sks_slot_list){ .count = 5, .entry_size = sizeof(se[0]) };
	ASSERT_EQ(0, ERR(ioctl(self->ctl, SKS_CTL_LIST_SLOTS, &sl)));
	EXPECT_EQ(SKS_CKR_OK, sl.result);
	nslots = sl.count;
	EXPECT_LE(2, nslots);
	memset(se, 0xc5, sizeof(se));
	sl.entries = st_ptr(se);
	sl.count = 1;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->ctl, SKS_CTL_LIST_SLOTS, &sl)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sl.result);
	EXPECT_EQ(nslots, sl.count);
	EXPECT_TRUE(untouched((unsigned char *)se, sizeof(se)));
	sl.entry_size = 8;
	sl.count = SKS_MAX_SLOTS;
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->ctl, SKS_CTL_LIST_SLOTS, &sl)));
	EXPECT_EQ(0, sl.count);
}

TEST_F(abi, size_queries_of_the_archive_list_and_image_save)
{
	struct sks_archive_entry ae[4];
	unsigned char img[4096];
	struct sks_archive_list al;
	struct sks_image_save is;

	/* archive list */
	al = (struct sks_archive_list){ .count = 7, .entry_size = sizeof(ae[0]),
					.so_secret = st_ptr(ST_BK_SO),
					.so_secret_len = strlen(ST_BK_SO) };
	ASSERT_EQ(0, ERR(ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al)));
	EXPECT_EQ(SKS_CKR_OK, al.result);
	EXPECT_EQ(2, al.count);
	memset(ae, 0xc5, sizeof(ae));
	al.entries = st_ptr(ae);
	al.count = 1;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, al.result);
	EXPECT_EQ(2, al.count);
	EXPECT_TRUE(untouched((unsigned char *)ae, sizeof(ae)));
	al.so_secret = st_ptr("wrong-secret");
	al.so_secret_len = strlen("wrong-secret");
	al.count = 4;
	EXPECT_EQ(-EACCES, ERR(ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al)));
	EXPECT_EQ(0, al.count);

	/* image save */
	is = (struct sks_image_save){ .image_len = 3,
				      .so_secret = st_ptr(ST_BK_SO),
				      .so_secret_len = strlen(ST_BK_SO) };
	ASSERT_EQ(0, ERR(ioctl(self->bfd, SKS_IOC_IMAGE_SAVE, &is)));
	EXPECT_EQ(SKS_CKR_OK, is.result);
	ASSERT_LT(100, is.image_len);
	ASSERT_GT(sizeof(img), is.image_len);
	memset(img, 0xc5, sizeof(img));
	is.image = st_ptr(img);
	is.image_len--;
	EXPECT_EQ(-EOVERFLOW, ERR(ioctl(self->bfd, SKS_IOC_IMAGE_SAVE, &is)));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, is.result);
	EXPECT_TRUE(untouched(img, sizeof(img)));
	is.so_secret = st_ptr("wrong-secret");
	is.image_len = sizeof(img);
	EXPECT_EQ(-EACCES, ERR(ioctl(self->bfd, SKS_IOC_IMAGE_SAVE, &is)));
	EXPECT_EQ(0, is.image_len);
	EXPECT_EQ(2, st_archive_count(self->bfd, ST_BK_SO));	/* resets the counter */
}

/* Each batch operation behaves as the single ioctl. */
TEST_F(abi, batch_operations_follow_the_size_convention)
{
	struct sks_batch_op ops[3];
	struct sks_batch b = { .ops = st_ptr(ops), .count = 3,
			       .op_size = sizeof(ops[0]) };
	unsigned char out[128];

	memset(ops, 0, sizeof(ops));
	ops[0] = (struct sks_batch_op){ .op = SKS_BATCH_ENCRYPT,
					.handle = self->aes,
					.mechanism = SKS_CKM_AES_GCM,
					.in = st_ptr(msg), .in_len = sizeof(msg) };
	ops[1] = (struct sks_batch_op){ .op = SKS_BATCH_SIGN,
					.handle = self->mac,
					.mechanism = SKS_CKM_SHA256_HMAC,
					.in = st_ptr(msg), .in_len = sizeof(msg),
					.out_len = 3 };
	ops[2] = (struct sks_batch_op){ .op = SKS_BATCH_ENCRYPT,
					.handle = 0x7ffffff0,
					.mechanism = SKS_CKM_AES_GCM,
					.in = st_ptr(msg), .in_len = sizeof(msg),
					.out = st_ptr(out),
					.out_len = sizeof(out) };
	ASSERT_EQ(0, ERR(ioctl(self->co, SKS_IOC_BATCH, &b)));
	EXPECT_EQ(SKS_CKR_OK, ops[0].result);
	EXPECT_EQ(sizeof(msg) + SKS_GCM_TAG_LEN, ops[0].out_len);
	EXPECT_EQ(SKS_CKR_OK, ops[1].result);
	EXPECT_EQ(32, ops[1].out_len);
	EXPECT_EQ(SKS_CKR_KEY_HANDLE_INVALID, ops[2].result);
	EXPECT_EQ(0, ops[2].out_len);
	EXPECT_EQ(1, uses(self->co, self->aes));
	EXPECT_EQ(0, uses(self->co, self->mac));
}

/* ---- length codes of encrypt and decrypt ---- */

TEST_F(abi, ciphertext_and_plaintext_length_codes)
{
	static const __u32 short_ct[] = { 0, 1, SKS_GCM_TAG_LEN - 1 };
	static unsigned char big[SKS_MAX_DATA_SIZE + 64];
	static unsigned char out[SKS_MAX_DATA_SIZE + 64];
	struct sks_crypt c = { .handle = self->aes,
			       .mechanism = SKS_CKM_AES_GCM,
			       .in = st_ptr(big), .out = st_ptr(out) };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(short_ct); i++) {
		c.in_len = short_ct[i];
		c.out_len = sizeof(out);
		EXPECT_EQ(-EMSGSIZE, ERR(ioctl(self->co, SKS_IOC_DECRYPT, &c)))
			TH_LOG("in_len %u", short_ct[i]);
		EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_LEN_RANGE, c.result);
		EXPECT_EQ(0, c.out_len);
	}
	c.in_len = SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN + 1;
	c.out_len = sizeof(out);
	EXPECT_EQ(-EMSGSIZE, ERR(ioctl(self->co, SKS_IOC_DECRYPT, &c)));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_LEN_RANGE, c.result);
	EXPECT_EQ(0, c.out_len);
	/* the longest ciphertext is a length the call takes (then the tag) */
	c.in_len = SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN;
	c.out_len = sizeof(out);
	EXPECT_EQ(-EBADMSG, ERR(ioctl(self->co, SKS_IOC_DECRYPT, &c)));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, c.result);

	c.in_len = SKS_MAX_DATA_SIZE + 1;
	c.out_len = sizeof(out);
	EXPECT_EQ(-EMSGSIZE, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, c.result);
	EXPECT_EQ(0, c.out_len);
	c.in_len = SKS_MAX_DATA_SIZE;
	c.out_len = sizeof(out);
	EXPECT_EQ(0, ERR(ioctl(self->co, SKS_IOC_ENCRYPT, &c)));
	EXPECT_EQ(SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN, c.out_len);
}

/* ---- the struct itself: sizes, E2BIG, EFAULT ---- */

enum { CTL, SLOT };

static const struct ioc {
	const char *name;
	unsigned long cmd;
	__u32 ver0;
	int dev;
} iocs[] = {
	{ "HSM_INFO", SKS_CTL_HSM_INFO, SKS_HSM_INFO_SIZE_VER0, CTL },
	{ "CREATE_SLOT", SKS_CTL_CREATE_SLOT, SKS_SLOT_CREATE_SIZE_VER0, CTL },
	{ "DELETE_SLOT", SKS_CTL_DELETE_SLOT, SKS_SLOT_DELETE_SIZE_VER0, CTL },
	{ "LIST_SLOTS", SKS_CTL_LIST_SLOTS, SKS_SLOT_LIST_SIZE_VER0, CTL },
	{ "IMAGE_LOAD", SKS_CTL_IMAGE_LOAD, SKS_IMAGE_LOAD_SIZE_VER0, CTL },
	{ "SESSION_INFO", SKS_IOC_SESSION_INFO, SKS_SESSION_INFO_SIZE_VER0, SLOT },
	{ "PARTITION_INIT", SKS_IOC_PARTITION_INIT, SKS_PARTITION_INIT_SIZE_VER0,
	  SLOT },
	{ "LOGIN", SKS_IOC_LOGIN, SKS_LOGIN_SIZE_VER0, SLOT },
	{ "LOGOUT", SKS_IOC_LOGOUT, SKS_SIMPLE_SIZE_VER0, SLOT },
	{ "INIT_ROLE", SKS_IOC_INIT_ROLE, SKS_INIT_ROLE_SIZE_VER0, SLOT },
	{ "CHANGE_PIN", SKS_IOC_CHANGE_PIN, SKS_CHANGE_PIN_SIZE_VER0, SLOT },
	{ "GENERATE_KEY", SKS_IOC_GENERATE_KEY, SKS_GENERATE_KEY_SIZE_VER0, SLOT },
	{ "CREATE_OBJECT", SKS_IOC_CREATE_OBJECT, SKS_CREATE_OBJECT_SIZE_VER0,
	  SLOT },
	{ "GET_ATTRS", SKS_IOC_GET_ATTRS, SKS_GET_ATTRS_SIZE_VER0, SLOT },
	{ "GET_VALUE", SKS_IOC_GET_VALUE, SKS_GET_VALUE_SIZE_VER0, SLOT },
	{ "FIND_OBJECTS", SKS_IOC_FIND_OBJECTS, SKS_FIND_OBJECTS_SIZE_VER0, SLOT },
	{ "DESTROY_OBJECT", SKS_IOC_DESTROY_OBJECT, SKS_DESTROY_OBJECT_SIZE_VER0,
	  SLOT },
	{ "ENCRYPT", SKS_IOC_ENCRYPT, SKS_CRYPT_SIZE_VER0, SLOT },
	{ "DECRYPT", SKS_IOC_DECRYPT, SKS_CRYPT_SIZE_VER0, SLOT },
	{ "SIGN", SKS_IOC_SIGN, SKS_SIGN_SIZE_VER0, SLOT },
	{ "VERIFY", SKS_IOC_VERIFY, SKS_SIGN_SIZE_VER0, SLOT },
	{ "EXTRACT", SKS_IOC_EXTRACT, SKS_EXTRACT_SIZE_VER0, SLOT },
	{ "INSERT", SKS_IOC_INSERT, SKS_INSERT_SIZE_VER0, SLOT },
	{ "SMK_ROLLOVER", SKS_IOC_SMK_ROLLOVER, SKS_SIMPLE_SIZE_VER0, SLOT },
	{ "BATCH", SKS_IOC_BATCH, SKS_BATCH_SIZE_VER0, SLOT },
	{ "ARCHIVE_BACKUP", SKS_IOC_ARCHIVE_BACKUP, SKS_ARCHIVE_BACKUP_SIZE_VER0,
	  SLOT },
	{ "ARCHIVE_RESTORE", SKS_IOC_ARCHIVE_RESTORE,
	  SKS_ARCHIVE_RESTORE_SIZE_VER0, SLOT },
	{ "ARCHIVE_LIST", SKS_IOC_ARCHIVE_LIST, SKS_ARCHIVE_LIST_SIZE_VER0, SLOT },
	{ "ARCHIVE_SHOW", SKS_IOC_ARCHIVE_SHOW, SKS_ARCHIVE_SHOW_SIZE_VER0, SLOT },
	{ "ARCHIVE_DELETE", SKS_IOC_ARCHIVE_DELETE, SKS_ARCHIVE_SHOW_SIZE_VER0,
	  SLOT },
	{ "IMAGE_SAVE", SKS_IOC_IMAGE_SAVE, SKS_IMAGE_SAVE_SIZE_VER0, SLOT },
};

#define CMD_SIZE(cmd, size) \
	_IOC(_IOC_READ | _IOC_WRITE, _IOC_TYPE(cmd), _IOC_NR(cmd), (size))

/* Arguments that do no harm on a session that is not logged in. */
static void harmless(const struct ioc *c, __u32 *arg)
{
	if (c->cmd == SKS_CTL_CREATE_SLOT)
		arg[2] = 7;		/* no such slot type */
	if (c->cmd == SKS_CTL_DELETE_SLOT)
		arg[2] = 1000;		/* no such slot */
	arg[1] = CANARY;
}

TEST_F(abi, first_published_size_is_taken_one_byte_less_is_not)
{
	__u32 arg[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(iocs); i++) {
		const struct ioc *c = &iocs[i];
		int fd = c->dev == CTL ? self->ctl : self->none;

		ASSERT_GE(_IOC_SIZE(c->cmd), c->ver0) TH_LOG("%s", c->name);
		memset(arg, 0, sizeof(arg));
		harmless(c, arg);
		ioctl(fd, CMD_SIZE(c->cmd, c->ver0), arg);
		EXPECT_NE(CANARY, arg[1]) TH_LOG("%s: size %u not taken",
						  c->name, c->ver0);
		memset(arg, 0, sizeof(arg));
		harmless(c, arg);
		EXPECT_EQ(-EINVAL, ERR(ioctl(fd, CMD_SIZE(c->cmd, c->ver0 - 1),
					     arg))) TH_LOG("%s", c->name);
		EXPECT_EQ(CANARY, arg[1]) TH_LOG("%s: result written", c->name);
	}
}

TEST_F(abi, e2big_and_efault_on_the_struct_write_nothing)
{
	__u32 arg[128], copy[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(iocs); i++) {
		const struct ioc *c = &iocs[i];
		int fd = c->dev == CTL ? self->ctl : self->none;
		size_t ksize = _IOC_SIZE(c->cmd);

		memset(arg, 0, sizeof(arg));
		harmless(c, arg);
		arg[ksize / 4 + 1] = 1;		/* a field this kernel lacks */
		memcpy(copy, arg, sizeof(arg));
		EXPECT_EQ(-E2BIG, ERR(ioctl(fd, CMD_SIZE(c->cmd, ksize + 8),
					    arg))) TH_LOG("%s", c->name);
		EXPECT_EQ(0, memcmp(copy, arg, sizeof(arg)))
			TH_LOG("%s: written back after E2BIG", c->name);
		EXPECT_EQ(-EFAULT, ERR(ioctl(fd, c->cmd, (void *)BADPTR)))
			TH_LOG("%s", c->name);
	}
}

/* The first published entry sizes of the lists are taken, and honoured. */
TEST_F(abi, first_published_entry_sizes_of_the_lists)
{
	unsigned char buf[4 * 256];
	struct sks_archive_list al = {
		.entries = st_ptr(buf), .count = 4,
		.entry_size = SKS_ARCHIVE_ENTRY_SIZE_VER0,
		.so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO),
	};
	struct sks_slot_list sl = { .entries = st_ptr(buf), .count = 4,
				    .entry_size = SKS_SLOT_ENTRY_SIZE_VER0 };
	struct sks_archive_entry e0, e1;
	struct sks_archive_show as;

	memset(buf, 0xc5, sizeof(buf));
	ASSERT_EQ(0, ERR(ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al)));
	ASSERT_EQ(2, al.count);
	memcpy(&e0, buf, sizeof(e0));
	memcpy(&e1, buf + SKS_ARCHIVE_ENTRY_SIZE_VER0,
	       SKS_ARCHIVE_ENTRY_SIZE_VER0);
	EXPECT_EQ(0, st_archive_show(self->bfd, ST_BK_SO, (char *)e1.name, &as));
	EXPECT_EQ(SKS_ARCHIVE_SKS, e1.kind);
	/* nothing written past the two entries */
	EXPECT_TRUE(untouched(buf + 2 * SKS_ARCHIVE_ENTRY_SIZE_VER0, 64));
	al.entry_size = SKS_ARCHIVE_ENTRY_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al)));

	ASSERT_EQ(0, ERR(ioctl(self->ctl, SKS_CTL_LIST_SLOTS, &sl)));
	sl.entry_size = SKS_SLOT_ENTRY_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, ERR(ioctl(self->ctl, SKS_CTL_LIST_SLOTS, &sl)));
}

/* ---- buffers the struct points to ---- */

struct efault_case {
	const char *what;
	int fd;
	unsigned long cmd;
	__u32 arg[64];
};

static __u32 so_failures(int fd)
{
	struct sks_session_info info;

	return st_info(fd, &info) ? ~0U : info.so_failures;
}

TEST_F(abi, unreadable_or_unwritable_buffers_are_efault_and_arguments_bad)
{
	static struct efault_case cs[40];
	__u64 ro = st_ptr(self->ro);
	int n = 0, i, sofd, v0, v0slot, p2slot, p2, before;
	__u32 tok = 0, handles[2] = { 0 }, imglen, res;
	unsigned char *img;

	/* a V0 partition (cloning handle list), an uninitialised slot, an SO */
	v0 = st_partition(self->ctl, SKS_SLOT_V0, "abi", &v0slot);
	ASSERT_LE(0, v0);
	ASSERT_EQ(0, st_data(v0, true, "t", "t", 1, &tok));
	handles[0] = tok;
	p2slot = st_slot_create(self->ctl, SKS_SLOT_V1, NULL, NULL, 0);
	ASSERT_LE(0, p2slot);
	p2 = st_slot_open(p2slot);
	ASSERT_LE(0, p2);
	sofd = st_slot_open(self->slot);
	ASSERT_LE(0, sofd);
	ASSERT_EQ(0, st_login(sofd, SKS_ROLE_SO, ST_PART_SO));
	ASSERT_EQ(0, st_image_save(self->bfd, ST_BK_SO, &img, &imglen, &res));
	before = st_nobjects(self->co);

#define CASE(_what, _fd, _cmd, type, ...)				\
	do {								\
		type _a = { __VA_ARGS__ };				\
		cs[n].what = _what;					\
		cs[n].fd = _fd;						\
		cs[n].cmd = _cmd;					\
		memset(cs[n].arg, 0, sizeof(cs[n].arg));		\
		memcpy(cs[n].arg, &_a, sizeof(_a));			\
		n++;							\
	} while (0)

	CASE("create slot: so_secret", self->ctl, SKS_CTL_CREATE_SLOT,
	     struct sks_slot_create, .type = SKS_SLOT_BACKUP,
	     .so_secret = BADPTR, .so_secret_len = 8);
	CASE("list slots: entries", self->ctl, SKS_CTL_LIST_SLOTS,
	     struct sks_slot_list, .entries = ro, .count = SKS_MAX_SLOTS,
	     .entry_size = sizeof(struct sks_slot_entry));
	CASE("image load: image", self->ctl, SKS_CTL_IMAGE_LOAD,
	     struct sks_image_load, .image = BADPTR, .image_len = 200,
	     .so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO));
	CASE("image load: so_secret", self->ctl, SKS_CTL_IMAGE_LOAD,
	     struct sks_image_load, .image = st_ptr(img),
	     .image_len = imglen, .so_secret = BADPTR, .so_secret_len = 8);
	CASE("partition init: so_pin", p2, SKS_IOC_PARTITION_INIT,
	     struct sks_partition_init, .so_pin = BADPTR, .so_pin_len = 8,
	     .domain = st_ptr("abi"), .domain_len = 3);
	CASE("partition init: domain", p2, SKS_IOC_PARTITION_INIT,
	     struct sks_partition_init, .so_pin = st_ptr(ST_PART_SO),
	     .so_pin_len = strlen(ST_PART_SO), .domain = BADPTR, .domain_len = 3);
	CASE("login: pin", self->none, SKS_IOC_LOGIN, struct sks_login,
	     .role = SKS_ROLE_CO, .pin = BADPTR, .pin_len = 8);
	CASE("init role: pin", sofd, SKS_IOC_INIT_ROLE, struct sks_init_role,
	     .role = SKS_ROLE_CU, .pin = BADPTR, .pin_len = 8);
	CASE("change pin: old", self->co, SKS_IOC_CHANGE_PIN,
	     struct sks_change_pin, .role = SKS_ROLE_CO, .old_pin = BADPTR,
	     .old_len = 8, .new_pin = st_ptr("new-secret"), .new_len = 10);
	CASE("change pin: new", self->co, SKS_IOC_CHANGE_PIN,
	     struct sks_change_pin, .role = SKS_ROLE_CO,
	     .old_pin = st_ptr(ST_PART_CO), .old_len = strlen(ST_PART_CO),
	     .new_pin = BADPTR, .new_len = 10);
	CASE("create object: value", self->co, SKS_IOC_CREATE_OBJECT,
	     struct sks_create_object, .value = BADPTR,
	     .attrs = { .obj_class = SKS_CKO_DATA, .value_len = 4 });
	CASE("get value: buf", self->co, SKS_IOC_GET_VALUE,
	     struct sks_get_value, .handle = self->data, .buf = ro, .len = 64);
	CASE("find objects: handles", self->co, SKS_IOC_FIND_OBJECTS,
	     struct sks_find_objects, .handles = ro, .count = 8);
	CASE("encrypt: in", self->co, SKS_IOC_ENCRYPT, struct sks_crypt,
	     .handle = self->aes, .mechanism = SKS_CKM_AES_GCM, .in = BADPTR,
	     .in_len = 20, .out = st_ptr(self->blob), .out_len = 64);
	CASE("encrypt: aad", self->co, SKS_IOC_ENCRYPT, struct sks_crypt,
	     .handle = self->aes, .mechanism = SKS_CKM_AES_GCM,
	     .aad = BADPTR, .aad_len = 4, .in = st_ptr(msg), .in_len = 20,
	     .out = st_ptr(self->blob), .out_len = 64);
	CASE("encrypt: out", self->co, SKS_IOC_ENCRYPT, struct sks_crypt,
	     .handle = self->aes, .mechanism = SKS_CKM_AES_GCM, .in = st_ptr(msg),
	     .in_len = 20, .out = ro, .out_len = 64);
	CASE("decrypt: in", self->co, SKS_IOC_DECRYPT, struct sks_crypt,
	     .handle = self->aes, .mechanism = SKS_CKM_AES_GCM, .in = BADPTR,
	     .in_len = 36, .out = st_ptr(self->blob), .out_len = 64);
	CASE("sign: data", self->co, SKS_IOC_SIGN, struct sks_sign,
	     .handle = self->mac, .mechanism = SKS_CKM_SHA256_HMAC,
	     .data = BADPTR, .data_len = 20, .sig = st_ptr(self->blob),
	     .sig_len = 64);
	CASE("sign: sig", self->co, SKS_IOC_SIGN, struct sks_sign,
	     .handle = self->mac, .mechanism = SKS_CKM_SHA256_HMAC,
	     .data = st_ptr(msg), .data_len = 20, .sig = ro, .sig_len = 64);
	CASE("verify: sig", self->co, SKS_IOC_VERIFY, struct sks_sign,
	     .handle = self->mac, .mechanism = SKS_CKM_SHA256_HMAC,
	     .data = st_ptr(msg), .data_len = 20, .sig = BADPTR, .sig_len = 32);
	CASE("extract: handles", self->co, SKS_IOC_EXTRACT, struct sks_extract,
	     .handles = BADPTR, .count = 1, .blob = st_ptr(self->blob),
	     .blob_len = 1024);
	CASE("extract: blob", self->co, SKS_IOC_EXTRACT, struct sks_extract,
	     .handles = st_ptr(&self->data), .count = 1, .blob = ro,
	     .blob_len = 1024);
	CASE("insert: blob", self->co, SKS_IOC_INSERT, struct sks_insert,
	     .blob = BADPTR, .blob_len = 300, .handles = st_ptr(handles),
	     .count = 2);
	CASE("insert: handles", self->co, SKS_IOC_INSERT, struct sks_insert,
	     .blob = st_ptr(self->blob), .blob_len = self->bloblen, .handles = ro,
	     .count = 2);
	CASE("batch: ops", self->co, SKS_IOC_BATCH, struct sks_batch,
	     .ops = BADPTR, .count = 1, .op_size = sizeof(struct sks_batch_op));
	CASE("archive backup: so_secret", self->co, SKS_IOC_ARCHIVE_BACKUP,
	     struct sks_archive_backup, .backup_slot = self->bslot,
	     .so_secret = BADPTR, .so_secret_len = 8,
	     .user_secret = st_ptr(ST_BK_USER), .user_secret_len = strlen(ST_BK_USER));
	CASE("archive backup: user_secret", self->co, SKS_IOC_ARCHIVE_BACKUP,
	     struct sks_archive_backup, .backup_slot = self->bslot,
	     .so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO),
	     .user_secret = BADPTR, .user_secret_len = 8);
	CASE("archive backup: handles", v0, SKS_IOC_ARCHIVE_BACKUP,
	     struct sks_archive_backup, .backup_slot = self->bslot,
	     .so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO),
	     .user_secret = st_ptr(ST_BK_USER), .user_secret_len = strlen(ST_BK_USER),
	     .count = 1, .handles = BADPTR, .name = "efault");
	CASE("archive restore: user_secret", self->co, SKS_IOC_ARCHIVE_RESTORE,
	     struct sks_archive_restore, .backup_slot = self->bslot,
	     .user_secret = BADPTR, .user_secret_len = 8);
	memcpy(((struct sks_archive_restore *)cs[n - 1].arg)->name, self->arc,
	       strlen(self->arc));
	CASE("archive list: so_secret", self->bfd, SKS_IOC_ARCHIVE_LIST,
	     struct sks_archive_list, .entry_size = sizeof(struct sks_archive_entry),
	     .so_secret = BADPTR, .so_secret_len = 8);
	CASE("archive list: entries", self->bfd, SKS_IOC_ARCHIVE_LIST,
	     struct sks_archive_list, .entries = ro, .count = 4,
	     .entry_size = sizeof(struct sks_archive_entry),
	     .so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO));
	CASE("archive show: so_secret", self->bfd, SKS_IOC_ARCHIVE_SHOW,
	     struct sks_archive_show, .so_secret = BADPTR, .so_secret_len = 8,
	     .entry = { .name = "x" });
	CASE("archive delete: so_secret", self->bfd, SKS_IOC_ARCHIVE_DELETE,
	     struct sks_archive_show, .so_secret = BADPTR, .so_secret_len = 8,
	     .entry = { .name = "x" });
	CASE("image save: so_secret", self->bfd, SKS_IOC_IMAGE_SAVE,
	     struct sks_image_save, .so_secret = BADPTR, .so_secret_len = 8,
	     .image_len = 8);
	CASE("image save: image", self->bfd, SKS_IOC_IMAGE_SAVE,
	     struct sks_image_save, .so_secret = st_ptr(ST_BK_SO),
	     .so_secret_len = strlen(ST_BK_SO), .image = ro, .image_len = 4096);
#undef CASE

	for (i = 0; i < n; i++) {
		cs[i].arg[1] = CANARY;
		EXPECT_EQ(-EFAULT, ERR(ioctl(cs[i].fd, cs[i].cmd, cs[i].arg)))
			TH_LOG("%s", cs[i].what);
		EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, cs[i].arg[1])
			TH_LOG("%s", cs[i].what);
	}
	/* nothing half done, nothing counted */
	EXPECT_EQ(before, st_nobjects(self->co));
	EXPECT_EQ(0, so_failures(self->bfd));
	EXPECT_EQ(0, so_failures(self->co));
	EXPECT_EQ(2, st_archive_count(self->bfd, ST_BK_SO));
	EXPECT_EQ(0, st_login(self->none, SKS_ROLE_CO, ST_PART_CO));
	free(img);
	close(sofd);
	close(p2);
	close(v0);
	st_slot_del(self->ctl, p2slot);
	st_slot_del(self->ctl, v0slot);
}

/* ---- generic secrets and RFC 4231 ---- */

static __s64 generic_secret(int fd, const void *key, __u32 len, __u32 *res)
{
	struct sks_obj_attrs a;

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
		      SKS_OBJ_SIGN | SKS_OBJ_VERIFY, len, "hmac");
	return st_import(fd, &a, key, res);
}

TEST_F(abi, generic_secrets_of_1_to_512_bytes)
{
	static const __u32 ok[] = { 1, 4, 16, 131, 512 };
	static const __u32 refused[] = { 0, 513, 1024 };
	static unsigned char key[1024];
	struct sks_generate_key g = { .mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN };
	unsigned char mac[32];
	struct sks_sign s = { .mechanism = SKS_CKM_SHA256_HMAC,
			      .data = st_ptr(msg), .data_len = sizeof(msg),
			      .sig = st_ptr(mac), .sig_len = sizeof(mac) };
	__u32 res;
	size_t i;
	__s64 h;

	EXPECT_EQ(1, SKS_GENERIC_SECRET_MIN);
	EXPECT_EQ(512, SKS_GENERIC_SECRET_MAX);
	memset(key, 0x5a, sizeof(key));
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		h = generic_secret(self->co, key, ok[i], &res);
		EXPECT_LT(0, h) TH_LOG("%u bytes: result 0x%x", ok[i], res);
		s.handle = h;
		s.sig_len = sizeof(mac);
		EXPECT_EQ(0, ERR(ioctl(self->co, SKS_IOC_SIGN, &s)))
			TH_LOG("%u bytes", ok[i]);
		st_attrs_set(&g.attrs, SKS_CKO_SECRET_KEY,
			      SKS_CKK_GENERIC_SECRET, SKS_OBJ_SIGN, ok[i], "gen");
		EXPECT_EQ(0, ERR(ioctl(self->co, SKS_IOC_GENERATE_KEY, &g)))
			TH_LOG("generate %u bytes: 0x%x", ok[i], g.result);
	}
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		EXPECT_EQ(-EINVAL, generic_secret(self->co, key, refused[i], &res))
			TH_LOG("%u bytes", refused[i]);
		EXPECT_EQ(SKS_CKR_KEY_SIZE_RANGE, res);
		st_attrs_set(&g.attrs, SKS_CKO_SECRET_KEY,
			      SKS_CKK_GENERIC_SECRET, SKS_OBJ_SIGN, refused[i],
			      "gen");
		EXPECT_EQ(-EINVAL, ERR(ioctl(self->co, SKS_IOC_GENERATE_KEY, &g)));
		EXPECT_EQ(SKS_CKR_KEY_SIZE_RANGE, g.result);
	}
}

static int unhex(const char *s, unsigned char *out)
{
	int n = strlen(s) / 2, i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
	return n;
}

/* RFC 4231, section 4: test cases 1 to 7 (case 5: the first 128 bits). */
static const struct {
	unsigned char key_byte;		/* 0: the key below */
	__u32 key_len;
	const char *key_hex;
	const char *data;
	unsigned char data_byte;	/* data of 50 such bytes */
	const char *mac[3];		/* SHA-256, SHA-384, SHA-512 */
} rfc4231[] = {
	{ 0x0b, 20, NULL, "Hi There", 0, {
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" } },
	{ 0, 4, "4a656665", "what do ya want for nothing?", 0, {
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" } },
	{ 0xaa, 20, NULL, NULL, 0xdd, {
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
	  "2a5ab39dc13814b94e3ab6e101a34f27",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" } },
	{ 0, 25, "0102030405060708090a0b0c0d0e0f10111213141516171819", NULL,
	  0xcd, {
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
	  "6801dd23c4a7d679ccf8a386c674cffb",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" } },
	{ 0x0c, 20, NULL, "Test With Truncation", 0, {
	  "a3b6167473100ee06e0c796c2955552b",
	  "3abf34c3503b2a23a46efc619baef897",
	  "415fad6271580a531d4179bc891d87a6" } },
	{ 0xaa, 131, NULL,
	  "Test Using Larger Than Block-Size Key - Hash Key First", 0, {
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" } },
	{ 0xaa, 131, NULL,
	  "This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being "
	  "used by the HMAC algorithm.", 0, {
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	  "a678cc31e799176d3860e6110c46523e",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" } },
};

TEST_F(abi, rfc4231_test_cases_1_to_7)
{
	static const __u32 mechs[3] = { SKS_CKM_SHA256_HMAC, SKS_CKM_SHA384_HMAC,
					SKS_CKM_SHA512_HMAC };
	static const __u32 lens[3] = { 32, 48, 64 };
	unsigned char key[131], data[256], want[64], mac[64];
	size_t i, m;

	for (i = 0; i < ARRAY_SIZE(rfc4231); i++) {
		__u32 dlen, res;
		__s64 h;

		if (rfc4231[i].key_hex)
			unhex(rfc4231[i].key_hex, key);
		else
			memset(key, rfc4231[i].key_byte, rfc4231[i].key_len);
		if (rfc4231[i].data) {
			dlen = strlen(rfc4231[i].data);
			memcpy(data, rfc4231[i].data, dlen);
		} else {
			dlen = 50;
			memset(data, rfc4231[i].data_byte, dlen);
		}
		h = generic_secret(self->co, key, rfc4231[i].key_len, &res);
		EXPECT_LT(0, h) TH_LOG("case %zu: key of %u bytes, result 0x%x",
				       i + 1, rfc4231[i].key_len, res);
		if (h <= 0)
			continue;
		for (m = 0; m < 3; m++) {
			struct sks_sign s = { .handle = h, .mechanism = mechs[m],
					      .data = st_ptr(data),
					      .data_len = dlen,
					      .sig = st_ptr(mac),
					      .sig_len = sizeof(mac) };
			int wlen = unhex(rfc4231[i].mac[m], want);

			EXPECT_EQ(0, ERR(ioctl(self->co, SKS_IOC_SIGN, &s)))
				TH_LOG("case %zu, mechanism %zu", i + 1, m);
			EXPECT_EQ(lens[m], s.sig_len);
			/* case 5 is the truncated output: its first bytes */
			EXPECT_EQ(0, memcmp(want, mac, wlen))
				TH_LOG("case %zu, mechanism %zu", i + 1, m);
			EXPECT_EQ(0, ERR(ioctl(self->co, SKS_IOC_VERIFY, &s)))
				TH_LOG("case %zu, mechanism %zu: verify", i + 1, m);
		}
	}
}

/* ---- public and private objects ---- */

static int find(int fd, __u32 *h, __u32 room)
{
	struct sks_find_objects f = { .handles = st_ptr(h), .count = room };

	return ioctl(fd, SKS_IOC_FIND_OBJECTS, &f) ? -errno : (int)f.count;
}

static bool listed(const __u32 *h, int n, __u32 x)
{
	while (n-- > 0)
		if (h[n] == x)
			return true;
	return false;
}

static int attrs(int fd, __u32 h)
{
	struct sks_get_attrs ga = { .handle = h };
	int err = ERR(ioctl(fd, SKS_IOC_GET_ATTRS, &ga));

	if (err == -ENOENT && ga.result != SKS_CKR_OBJECT_HANDLE_INVALID)
		return -EIO;
	return err;
}

static int value(int fd, __u32 h, char *buf)
{
	struct sks_get_value gv = { .handle = h, .buf = st_ptr(buf), .len = 16 };
	int err = ERR(ioctl(fd, SKS_IOC_GET_VALUE, &gv));

	if (err == -ENOENT && gv.result != SKS_CKR_OBJECT_HANDLE_INVALID)
		return -EIO;
	return err ? err : (int)gv.len;
}

TEST(public_objects_need_no_login_private_ones_stay_hidden)
{
	__u32 pub_tok = 0, priv_tok, pub_key, pub_ses = 0, priv_ses, h[16], res;
	struct sks_obj_attrs a;
	int ctl, slot, co, none, so, cu, n;
	char buf[16];
	__s64 x;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	co = st_partition(ctl, SKS_SLOT_V0, "public", &slot);
	ASSERT_LE(0, co);
	ASSERT_EQ(0, st_data(co, true, "pub-tok", "public", 6, &pub_tok));
	st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE,
		      SKS_OBJ_TOKEN | SKS_OBJ_PRIVATE, 7, "priv-tok");
	x = st_import(co, &a, "private", &res);
	ASSERT_LT(0, x) TH_LOG("result 0x%x", res);
	priv_tok = x;
	x = st_import_aes(co, aes_key, 32, SKS_OBJ_TOKEN | SKS_OBJ_ENCRYPT);
	ASSERT_LT(0, x);
	pub_key = x;
	ASSERT_EQ(0, st_data(co, false, "pub-ses", "session", 7, &pub_ses));
	st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, SKS_OBJ_PRIVATE, 4,
		      "priv-ses");
	x = st_import(co, &a, "priv", &res);
	ASSERT_LT(0, x);
	priv_ses = x;
	n = find(co, h, 16);
	EXPECT_EQ(5, n);

	/* a session that never logged in: the public token objects */
	none = st_slot_open(slot);
	ASSERT_LE(0, none);
	n = find(none, h, 16);
	ASSERT_EQ(2, n);
	EXPECT_TRUE(listed(h, n, pub_tok));
	EXPECT_TRUE(listed(h, n, pub_key));
	EXPECT_EQ(0, attrs(none, pub_tok));
	EXPECT_EQ(0, attrs(none, pub_key));
	EXPECT_EQ(-ENOENT, attrs(none, priv_tok));
	EXPECT_EQ(-ENOENT, attrs(none, pub_ses));	/* another session's */
	EXPECT_EQ(6, value(none, pub_tok, buf));
	EXPECT_EQ(0, memcmp(buf, "public", 6));
	EXPECT_EQ(-ENOENT, value(none, priv_tok, buf));
	/* finding by template works too */
	{
		struct sks_find_objects f = { .flags = SKS_FIND_CLASS,
					      .handles = st_ptr(h), .count = 16 };

		f.tmpl.obj_class = SKS_CKO_SECRET_KEY;
		ASSERT_EQ(0, ERR(ioctl(none, SKS_IOC_FIND_OBJECTS, &f)));
		EXPECT_EQ(1, f.count);
		EXPECT_EQ(pub_key, h[0]);
	}
	/* creating, destroying and using still need a login */
	EXPECT_EQ(-EACCES, st_import_data(none, "x", 1, 0));
	EXPECT_EQ(-EACCES, st_destroy(none, pub_tok, &res));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, res);
	EXPECT_EQ(-EACCES, st_encrypt(none, pub_key, &res));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, res);

	/* the SO sees what a session without login sees */
	so = st_slot_open(slot);
	ASSERT_LE(0, so);
	ASSERT_EQ(0, st_login(so, SKS_ROLE_SO, ST_PART_SO));
	n = find(so, h, 16);
	EXPECT_EQ(2, n);
	EXPECT_EQ(-ENOENT, attrs(so, priv_tok));
	EXPECT_EQ(-ENOENT, value(so, priv_tok, buf));
	EXPECT_EQ(-EACCES, st_destroy(so, pub_tok, &res));
	ASSERT_EQ(0, st_init_role_pin(so, SKS_ROLE_CU, ST_CU_SECRET));

	/* the CU sees the private token objects */
	cu = st_slot_open(slot);
	ASSERT_LE(0, cu);
	ASSERT_EQ(0, st_login(cu, SKS_ROLE_CU, ST_CU_SECRET));
	n = find(cu, h, 16);
	EXPECT_EQ(3, n);
	EXPECT_TRUE(listed(h, n, priv_tok));
	EXPECT_EQ(7, value(cu, priv_tok, buf));

	/* logged out, the CO's own private session object hides too */
	ASSERT_EQ(0, ioctl(co, SKS_IOC_LOGOUT, &(struct sks_simple){}));
	n = find(co, h, 16);
	EXPECT_EQ(3, n);
	EXPECT_TRUE(listed(h, n, pub_ses));
	EXPECT_FALSE(listed(h, n, priv_ses));
	EXPECT_EQ(-ENOENT, attrs(co, priv_ses));
	EXPECT_EQ(7, value(co, pub_ses, buf));

	close(cu);
	close(so);
	close(none);
	close(co);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

TEST_HARNESS_MAIN
