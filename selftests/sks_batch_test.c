// SPDX-License-Identifier: GPL-2.0
/*
 * SKS_IOC_BATCH: many encrypt, decrypt, sign and verify operations in one
 * call. Success against the single ioctls, per-operation failures and
 * SKS_BATCH_STOP_ON_ERROR, bounds (count, op_size, total bytes), reserved
 * fields and flags, and descriptor sizes. (The libsks wrapper is tested
 * in lib_sks_test.c.)
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "common.h"

static const uint8_t aes_key[32] = {
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
	0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f,
};

#define UNTOUCHED	0xdeadbeefU	/* result of an operation not run */

FIXTURE(batch) {
	int ctl;
	int slot;
	int fd;
	uint32_t aes;		/* AES-256, encrypt and decrypt */
	uint32_t mac;		/* 32-byte generic secret, sign and verify */
	uint8_t msg[2][100];
	uint8_t ct[2][100 + SKS_GCM_TAG_LEN];
	uint8_t pt[2][100];
	uint8_t sig[64];
};

FIXTURE_SETUP(batch)
{
	struct sks_obj_attrs a;
	int64_t h;
	int i;

	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->slot = st_slot_new(self->ctl, SKS_SLOT_V1, 0);
	ASSERT_LE(0, self->slot);
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, st_part_ready(self->fd));
	h = st_import_aes(self->fd, aes_key, 32,
			   SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	ASSERT_LT(0, h);
	self->aes = h;
	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
		      SKS_OBJ_SIGN | SKS_OBJ_VERIFY, 32, "mac");
	h = st_import(self->fd, &a, aes_key, NULL);
	ASSERT_LT(0, h);
	self->mac = h;
	for (i = 0; i < 2; i++)
		memset(self->msg[i], 'a' + i, sizeof(self->msg[i]));
}

FIXTURE_TEARDOWN(batch)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

static void op_encrypt(struct sks_batch_op *op, uint32_t key, const void *in,
		       uint32_t len, void *out, uint32_t room)
{
	memset(op, 0, sizeof(*op));
	op->op = SKS_BATCH_ENCRYPT;
	op->result = UNTOUCHED;
	op->handle = key;
	op->mechanism = SKS_CKM_AES_GCM;
	op->in = st_ptr(in);
	op->in_len = len;
	op->out = st_ptr(out);
	op->out_len = room;
}

static void op_decrypt(struct sks_batch_op *op, uint32_t key,
		       const uint8_t *iv, const void *in, uint32_t len,
		       void *out, uint32_t room)
{
	uint8_t nonce[SKS_GCM_IV_LEN];

	memcpy(nonce, iv, sizeof(nonce));	/* @iv may be @op->iv */
	op_encrypt(op, key, in, len, out, room);
	op->op = SKS_BATCH_DECRYPT;
	memcpy(op->iv, nonce, sizeof(nonce));
}

static void op_mac(struct sks_batch_op *op, uint32_t type, uint32_t key,
		   const void *data, uint32_t len, void *mac, uint32_t maclen)
{
	memset(op, 0, sizeof(*op));
	op->op = type;
	op->result = UNTOUCHED;
	op->handle = key;
	op->mechanism = SKS_CKM_SHA256_HMAC;
	op->in = st_ptr(data);
	op->in_len = len;
	op->out = st_ptr(mac);
	op->out_len = maclen;
}

static int run(int fd, struct sks_batch *b, void *ops, uint32_t count,
	       uint32_t op_size)
{
	b->ops = st_ptr(ops);
	b->count = count;
	b->op_size = op_size;
	b->done = b->failed = 12345;
	return st_ioc(fd, SKS_IOC_BATCH, b);
}

TEST_F(batch, sizes)
{
	EXPECT_EQ(40, sizeof(struct sks_batch));
	EXPECT_EQ(SKS_BATCH_OP_SIZE_VER0, sizeof(struct sks_batch_op));
	EXPECT_EQ(0x38, _IOC_NR(SKS_IOC_BATCH));
	EXPECT_EQ(sizeof(struct sks_batch), _IOC_SIZE(SKS_IOC_BATCH));
}

TEST_F(batch, success_matches_single_calls)
{
	struct sks_batch_op ops[4];
	struct sks_batch b = {};
	struct sks_sign s = {};
	uint8_t single[64];
	int i;

	op_encrypt(&ops[0], self->aes, self->msg[0], 100, self->ct[0],
		   sizeof(self->ct[0]));
	op_encrypt(&ops[1], self->aes, self->msg[1], 100, self->ct[1],
		   sizeof(self->ct[1]));
	op_mac(&ops[2], SKS_BATCH_SIGN, self->mac, self->msg[0], 100,
	       self->sig, sizeof(self->sig));
	ASSERT_EQ(0, run(self->fd, &b, ops, 3, sizeof(ops[0])));
	EXPECT_EQ(SKS_CKR_OK, b.result);
	EXPECT_EQ(3, b.done);
	EXPECT_EQ(0, b.failed);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(SKS_CKR_OK, ops[i].result);
	EXPECT_EQ(100 + SKS_GCM_TAG_LEN, ops[0].out_len);
	EXPECT_EQ(32, ops[2].out_len);
	/* device-chosen IVs, one per operation */
	EXPECT_NE(0, memcmp(ops[0].iv, ops[1].iv, SKS_GCM_IV_LEN));

	/* the same MAC as SKS_IOC_SIGN */
	s.handle = self->mac;
	s.mechanism = SKS_CKM_SHA256_HMAC;
	s.data = st_ptr(self->msg[0]);
	s.data_len = 100;
	s.sig = st_ptr(single);
	s.sig_len = sizeof(single);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SIGN, &s));
	EXPECT_EQ(0, memcmp(single, self->sig, 32));

	/* decrypt both, verify the MAC, in one more batch */
	op_decrypt(&ops[0], self->aes, ops[0].iv, self->ct[0],
		   sizeof(self->ct[0]), self->pt[0], sizeof(self->pt[0]));
	op_decrypt(&ops[1], self->aes, ops[1].iv, self->ct[1],
		   sizeof(self->ct[1]), self->pt[1], sizeof(self->pt[1]));
	op_mac(&ops[2], SKS_BATCH_VERIFY, self->mac, self->msg[0], 100,
	       self->sig, 32);
	ASSERT_EQ(0, run(self->fd, &b, ops, 3, sizeof(ops[0])));
	EXPECT_EQ(3, b.done);
	EXPECT_EQ(0, b.failed);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(SKS_CKR_OK, ops[i].result);
	EXPECT_EQ(100, ops[0].out_len);
	EXPECT_EQ(0, memcmp(self->pt[0], self->msg[0], 100));
	EXPECT_EQ(0, memcmp(self->pt[1], self->msg[1], 100));
}

TEST_F(batch, per_operation_failures)
{
	struct sks_batch_op ops[6];
	struct sks_batch b = {};
	uint8_t bad[32] = {};
	int i;

	op_encrypt(&ops[0], self->aes, self->msg[0], 100, self->ct[0],
		   sizeof(self->ct[0]));
	op_encrypt(&ops[1], 0x7fffff00, self->msg[0], 100, self->ct[1],
		   sizeof(self->ct[1]));			/* no such key */
	op_encrypt(&ops[2], self->mac, self->msg[0], 100, self->ct[1],
		   sizeof(self->ct[1]));			/* wrong type */
	op_encrypt(&ops[3], self->aes, self->msg[0], 100, self->ct[1],
		   10);						/* too small */
	op_mac(&ops[4], SKS_BATCH_VERIFY, self->mac, self->msg[0], 100,
	       bad, 32);					/* wrong MAC */
	op_mac(&ops[5], SKS_BATCH_SIGN, self->mac, self->msg[0], 100,
	       self->sig, sizeof(self->sig));
	ASSERT_EQ(0, run(self->fd, &b, ops, 6, sizeof(ops[0])));
	EXPECT_EQ(SKS_CKR_OK, b.result);
	EXPECT_EQ(6, b.done);
	EXPECT_EQ(4, b.failed);
	EXPECT_EQ(SKS_CKR_OK, ops[0].result);
	EXPECT_EQ(SKS_CKR_KEY_HANDLE_INVALID, ops[1].result);
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, ops[2].result);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, ops[3].result);
	EXPECT_EQ(100 + SKS_GCM_TAG_LEN, ops[3].out_len);
	EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID, ops[4].result);
	EXPECT_EQ(SKS_CKR_OK, ops[5].result);

	/* a tampered ciphertext: nothing written, the rest still runs */
	self->ct[0][5] ^= 1;
	memset(self->pt[0], 0x55, sizeof(self->pt[0]));
	op_decrypt(&ops[1], self->aes, ops[0].iv, self->ct[0],
		   sizeof(self->ct[0]), self->pt[0], sizeof(self->pt[0]));
	op_mac(&ops[2], SKS_BATCH_SIGN, self->mac, self->msg[1], 100,
	       self->sig, sizeof(self->sig));
	ASSERT_EQ(0, run(self->fd, &b, &ops[1], 2, sizeof(ops[0])));
	EXPECT_EQ(2, b.done);
	EXPECT_EQ(1, b.failed);
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, ops[1].result);
	EXPECT_EQ(SKS_CKR_OK, ops[2].result);
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0x55, self->pt[0][i]);

	/* SKS_BATCH_STOP_ON_ERROR: stops after the failure */
	op_encrypt(&ops[0], self->aes, self->msg[0], 100, self->ct[1],
		   sizeof(self->ct[1]));
	op_encrypt(&ops[1], 0x7fffff00, self->msg[0], 100, self->ct[1],
		   sizeof(self->ct[1]));
	op_encrypt(&ops[2], self->aes, self->msg[0], 100, self->ct[1],
		   sizeof(self->ct[1]));
	b.flags = SKS_BATCH_STOP_ON_ERROR;
	ASSERT_EQ(0, run(self->fd, &b, ops, 3, sizeof(ops[0])));
	EXPECT_EQ(2, b.done);
	EXPECT_EQ(1, b.failed);
	EXPECT_EQ(SKS_CKR_OK, ops[0].result);
	EXPECT_EQ(SKS_CKR_KEY_HANDLE_INVALID, ops[1].result);
	EXPECT_EQ(UNTOUCHED, ops[2].result);
}

TEST_F(batch, usage_limit_counts_every_operation)
{
	struct sks_batch_op ops[3];
	struct sks_batch b = {};
	struct sks_get_attrs ga = {};
	struct sks_obj_attrs a;
	int64_t h;
	int i;

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES, SKS_OBJ_ENCRYPT, 32,
		      "limited");
	a.usage_limit = 2;
	h = st_import(self->fd, &a, aes_key, NULL);
	ASSERT_LT(0, h);
	for (i = 0; i < 3; i++)
		op_encrypt(&ops[i], h, self->msg[0], 100, self->ct[0],
			   sizeof(self->ct[0]));
	ASSERT_EQ(0, run(self->fd, &b, ops, 3, sizeof(ops[0])));
	EXPECT_EQ(3, b.done);
	EXPECT_EQ(1, b.failed);
	EXPECT_EQ(SKS_CKR_OK, ops[0].result);
	EXPECT_EQ(SKS_CKR_OK, ops[1].result);
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, ops[2].result);
	ga.handle = h;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &ga));
	EXPECT_EQ(2, ga.attrs.usage_count);
}

TEST_F(batch, bounds)
{
	struct sks_batch_op *ops;
	struct sks_batch b = {};
	uint8_t *big;
	int i;

	ops = calloc(SKS_BATCH_MAX_OPS + 1, sizeof(*ops));
	big = calloc(1, SKS_MAX_DATA_SIZE + 64);
	ASSERT_NE(NULL, ops);
	ASSERT_NE(NULL, big);
	for (i = 0; i <= SKS_BATCH_MAX_OPS; i++)
		op_mac(&ops[i], SKS_BATCH_SIGN, self->mac, self->msg[0], 16,
		       self->sig, sizeof(self->sig));

	/* count: 1..SKS_BATCH_MAX_OPS */
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 0, sizeof(*ops)));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	EXPECT_EQ(0, b.done);
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, SKS_BATCH_MAX_OPS + 1,
			       sizeof(*ops)));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	EXPECT_EQ(UNTOUCHED, ops[0].result);
	ASSERT_EQ(0, run(self->fd, &b, ops, SKS_BATCH_MAX_OPS, sizeof(*ops)));
	EXPECT_EQ(SKS_BATCH_MAX_OPS, b.done);
	EXPECT_EQ(0, b.failed);
	EXPECT_EQ(SKS_CKR_OK, ops[SKS_BATCH_MAX_OPS - 1].result);

	/* op_size: SKS_BATCH_OP_SIZE_VER0..SKS_BATCH_OP_SIZE_MAX */
	ops[0].result = UNTOUCHED;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 1, sizeof(*ops) - 8));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 1,
			       SKS_BATCH_OP_SIZE_MAX + 8));
	EXPECT_EQ(UNTOUCHED, ops[0].result);

	/* more than SKS_BATCH_MAX_BYTES of input: nothing runs */
	for (i = 0; i < 17; i++)
		op_encrypt(&ops[i], self->aes, big, SKS_MAX_DATA_SIZE, big,
			   SKS_MAX_DATA_SIZE + 64);
	EXPECT_EQ(-EMSGSIZE, run(self->fd, &b, ops, 17, sizeof(*ops)));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, b.result);
	EXPECT_EQ(0, b.done);
	for (i = 0; i < 17; i++)
		EXPECT_EQ(UNTOUCHED, ops[i].result);
	/* 16 x 64 KiB is exactly the limit */
	ASSERT_EQ(0, run(self->fd, &b, ops, 16, sizeof(*ops)));
	EXPECT_EQ(16, b.done);
	EXPECT_EQ(0, b.failed);

	/* per-operation lengths are checked as by the single ioctl */
	op_encrypt(&ops[0], self->aes, big, SKS_MAX_DATA_SIZE + 1, big,
		   SKS_MAX_DATA_SIZE + 64);
	ASSERT_EQ(0, run(self->fd, &b, ops, 1, sizeof(*ops)));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, ops[0].result);

	/* unreadable descriptors */
	EXPECT_EQ(-EFAULT, run(self->fd, &b, (void *)8, 1, sizeof(*ops)));
	free(big);
	free(ops);
}

TEST_F(batch, reserved_flags_and_descriptors)
{
	struct sks_batch_op ops[2];
	struct sks_batch b = {};
	struct {
		struct sks_batch_op op;
		uint64_t tail;
	} wide[2];

	op_mac(&ops[0], SKS_BATCH_SIGN, self->mac, self->msg[0], 16,
	       self->sig, sizeof(self->sig));
	op_mac(&ops[1], SKS_BATCH_SIGN, self->mac, self->msg[0], 16,
	       self->sig, sizeof(self->sig));

	b.reserved = 1;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 2, sizeof(ops[0])));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	b.reserved = 0;
	b.flags = 1U << 7;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 2, sizeof(ops[0])));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	b.flags = 0;
	EXPECT_EQ(UNTOUCHED, ops[0].result);

	/* an unknown op anywhere refuses the whole batch */
	ops[1].op = 99;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 2, sizeof(ops[0])));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	EXPECT_EQ(UNTOUCHED, ops[0].result);
	ops[1].op = SKS_BATCH_SIGN;

	/* sign/verify carry no AAD and no IV */
	ops[1].aad_len = 4;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 2, sizeof(ops[0])));
	ops[1].aad_len = 0;
	ops[1].iv[3] = 1;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, ops, 2, sizeof(ops[0])));
	ops[1].iv[3] = 0;
	EXPECT_EQ(UNTOUCHED, ops[0].result);

	/* a longer descriptor: zero tail accepted, stride honoured */
	memset(wide, 0, sizeof(wide));
	wide[0].op = ops[0];
	wide[1].op = ops[1];
	ASSERT_EQ(0, run(self->fd, &b, wide, 2, sizeof(wide[0])));
	EXPECT_EQ(2, b.done);
	EXPECT_EQ(SKS_CKR_OK, wide[0].op.result);
	EXPECT_EQ(SKS_CKR_OK, wide[1].op.result);
	EXPECT_EQ(0, wide[0].tail);
	/* a non-zero tail is a field this kernel does not know */
	wide[1].op.result = UNTOUCHED;
	wide[1].tail = 1;
	EXPECT_EQ(-EINVAL, run(self->fd, &b, wide, 2, sizeof(wide[0])));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, b.result);
	EXPECT_EQ(UNTOUCHED, wide[1].op.result);
}

TEST_F(batch, needs_a_login)
{
	struct sks_batch_op op;
	struct sks_batch b = {};

	op_mac(&op, SKS_BATCH_SIGN, self->mac, self->msg[0], 16, self->sig,
	       sizeof(self->sig));
	ASSERT_EQ(0, st_logout(self->fd));
	EXPECT_EQ(-EACCES, run(self->fd, &b, &op, 1, sizeof(op)));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, b.result);
	EXPECT_EQ(UNTOUCHED, op.result);
	/* the Crypto User may */
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_CU, ST_CU_PIN, NULL));
	ASSERT_EQ(0, run(self->fd, &b, &op, 1, sizeof(op)));
	EXPECT_EQ(SKS_CKR_OK, op.result);
}

TEST_HARNESS_MAIN
