// SPDX-License-Identifier: GPL-2.0
/*
 * libsks against the real driver: slots, sessions and roles, keys, crypto,
 * and extraction of a group of objects into several blobs and back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sks.h>

#include "kselftest_harness.h"

#define SO_PW	"so-secret"
#define CO_PW	"co-secret"

FIXTURE(v1) {
	struct sks_hsm *hsm;
	unsigned int slot;
	struct sks_session *s;
};

FIXTURE_SETUP(v1)
{
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	ASSERT_EQ(0, sks_hsm_create_partition(self->hsm, SKS_SLOT_V1, 0, &self->slot));
	self->s = sks_session_open(self->slot);
	ASSERT_NE(NULL, self->s);
	ASSERT_EQ(0, sks_session_init_partition(self->s, SO_PW, "lib-domain", "libtest"));
	ASSERT_EQ(0, sks_session_login(self->s, SKS_ROLE_SO, SO_PW));
	ASSERT_EQ(0, sks_session_init_role(self->s, SKS_ROLE_CO, CO_PW));
	ASSERT_EQ(0, sks_session_logout(self->s));
	ASSERT_EQ(0, sks_session_login(self->s, SKS_ROLE_CO, CO_PW));
}

FIXTURE_TEARDOWN(v1)
{
	sks_session_close(self->s);
	sks_hsm_delete_slot(self->hsm, self->slot);
	sks_hsm_close(self->hsm);
}

TEST_F(v1, slot_is_listed_and_described)
{
	struct sks_slots *list = sks_hsm_list_slots(self->hsm);
	struct sks_session_desc *d;
	int found = 0;

	ASSERT_NE(NULL, list);
	for (size_t i = 0; i < sks_slots_get_count(list); i++) {
		const struct sks_slot_info *e = sks_slots_get_slot(list, i);

		if (sks_slot_info_get_number(e) == self->slot) {
			found = 1;
			EXPECT_EQ(SKS_SLOT_V1, sks_slot_info_get_type(e));
			EXPECT_STREQ("libtest", sks_slot_info_get_label(e));
		}
	}
	EXPECT_EQ(1, found);
	sks_slots_free(list);

	d = sks_session_get_desc(self->s);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(self->slot, sks_session_desc_get_slot(d));
	EXPECT_EQ(SKS_ROLE_CO, sks_session_desc_get_role(d));
	EXPECT_NE(NULL, sks_session_desc_get_smk_fingerprint(d));
	sks_session_desc_free(d);
}

TEST_F(v1, wrong_pin_sets_result)
{
	struct sks_session *s2 = sks_session_open(self->slot);

	ASSERT_NE(NULL, s2);
	EXPECT_EQ(-1, sks_session_login(s2, SKS_ROLE_CO, "wrong-secret"));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, sks_last_result());
	EXPECT_EQ(EACCES, errno);
	sks_session_close(s2);
}

TEST_F(v1, generate_encrypt_decrypt_extract_insert)
{
	struct sks_attrs *a = sks_attrs_new();
	uint8_t iv[SKS_GCM_IV_LEN], ct[64], pt[64], fp[SKS_FINGERPRINT_LEN];
	size_t ctlen = sizeof(ct), ptlen = sizeof(pt), n;
	struct sks_session_desc *d;
	struct sks_blob_set *set;
	uint32_t key, *h;
	const uint8_t *b;

	ASSERT_NE(NULL, a);
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT |
			    SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE);
	ASSERT_EQ(0, sks_attrs_set_label(a, "k1"));
	ASSERT_EQ(0, sks_object_generate(self->s, SKS_CKM_AES_KEY_GEN, a, &key));
	sks_attrs_free(a);
	ASSERT_EQ(0, sks_crypto_encrypt(self->s, key, "aad", 3, "hello", 5, iv,
					ct, &ctlen));
	EXPECT_EQ(5 + SKS_GCM_TAG_LEN, ctlen);

	set = sks_blob_extract(self->s, &key, 1, SKS_EXTRACT_DELETE);
	ASSERT_NE(NULL, set);
	ASSERT_EQ(1, sks_blob_set_get_count(set));
	b = sks_blob_set_get_blob(set, 0, &n);
	ASSERT_EQ(0, sks_blob_get_fingerprint(b, n, fp));
	d = sks_session_get_desc(self->s);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0, memcmp(fp, sks_session_desc_get_smk_fingerprint(d), sizeof(fp)));
	sks_session_desc_free(d);
	/* The key is gone... */
	EXPECT_EQ(-1, sks_crypto_decrypt(self->s, key, "aad", 3, iv, ct, ctlen,
					 pt, &ptlen));
	/* ...and comes back from the blob. */
	h = sks_blob_insert(self->s, set, &n);
	ASSERT_NE(NULL, h);
	ASSERT_EQ(1, n);
	ptlen = sizeof(pt);
	ASSERT_EQ(0, sks_crypto_decrypt(self->s, h[0], "aad", 3, iv, ct, ctlen,
					pt, &ptlen));
	EXPECT_EQ(5, ptlen);
	EXPECT_EQ(0, memcmp(pt, "hello", 5));
	free(h);
	sks_blob_set_free(set);
}

TEST_F(v1, large_group_splits_into_blobs_and_inserts_back)
{
	enum { N = 3, LEN = 30000 };
	uint32_t h[N], *back;
	uint8_t *value = malloc(LEN);
	struct sks_attrs *a = sks_attrs_new();
	struct sks_blob_set *set;
	size_t n;

	ASSERT_NE(NULL, value);
	ASSERT_NE(NULL, a);
	sks_attrs_set_class(a, SKS_CKO_DATA);
	sks_attrs_set_key_type(a, SKS_CKK_NONE);
	sks_attrs_set_flags(a, SKS_OBJ_EXTRACTABLE);
	for (int i = 0; i < N; i++) {
		memset(value, 'a' + i, LEN);
		ASSERT_EQ(0, sks_object_create(self->s, a, value, LEN, &h[i]));
	}
	sks_attrs_free(a);
	set = sks_blob_extract(self->s, h, N, 0);
	ASSERT_NE(NULL, set) TH_LOG("extract: %s", sks_result_name(sks_last_result()));
	/* Two 30 kB objects fit one 64 KiB blob, three do not. */
	ASSERT_EQ(2, sks_blob_set_get_count(set));
	EXPECT_EQ(N, sks_blob_set_get_object_count(set));
	for (size_t i = 0; i < 2; i++) {
		size_t len;

		sks_blob_set_get_blob(set, i, &len);
		EXPECT_LE(len, SKS_MAX_BLOB_SIZE);
	}
	back = sks_blob_insert(self->s, set, &n);
	ASSERT_NE(NULL, back);
	ASSERT_EQ(N, n);
	for (int i = 0; i < N; i++) {
		size_t len;
		uint8_t *v = sks_object_get_value(self->s, back[i], &len);

		ASSERT_NE(NULL, v);
		EXPECT_EQ(LEN, len);
		EXPECT_EQ('a' + i, v[LEN - 1]);
		free(v);
	}
	free(back);
	sks_blob_set_free(set);
	free(value);
}

TEST_F(v1, insert_is_all_or_nothing)
{
	struct sks_attrs *a = sks_attrs_new();
	struct sks_blob_set *set, *bad;
	uint32_t k[2], *h;
	size_t n, before, after, len;
	uint32_t *list;
	uint8_t *copy;
	const uint8_t *b;

	ASSERT_NE(NULL, a);
	sks_attrs_set_flags(a, SKS_OBJ_ENCRYPT | SKS_OBJ_EXTRACTABLE);
	sks_attrs_set_value_len(a, 16);
	ASSERT_EQ(0, sks_object_generate(self->s, SKS_CKM_AES_KEY_GEN, a, &k[0]));
	ASSERT_EQ(0, sks_object_generate(self->s, SKS_CKM_AES_KEY_GEN, a, &k[1]));
	sks_attrs_free(a);
	set = sks_blob_extract(self->s, k, 2, 0);
	ASSERT_NE(NULL, set);
	/* A set of a good blob followed by a tampered copy of it. */
	bad = sks_blob_set_new();
	ASSERT_NE(NULL, bad);
	b = sks_blob_set_get_blob(set, 0, &len);
	ASSERT_EQ(0, sks_blob_set_add(bad, b, len));
	copy = malloc(len);
	ASSERT_NE(NULL, copy);
	memcpy(copy, b, len);
	copy[len - 1] ^= 1;
	ASSERT_EQ(0, sks_blob_set_add(bad, copy, len));
	list = sks_object_find(self->s, NULL, 0, &before);
	ASSERT_NE(NULL, list);
	free(list);
	h = sks_blob_insert(self->s, bad, &n);
	EXPECT_EQ(NULL, h);
	EXPECT_NE(SKS_CKR_OK, sks_last_result());
	list = sks_object_find(self->s, NULL, 0, &after);
	ASSERT_NE(NULL, list);
	free(list);
	EXPECT_EQ(before, after);
	free(copy);
	sks_blob_set_free(bad);
	sks_blob_set_free(set);
}

/* A key of @type (AES or generic secret) with @flags and @limit. */
static uint32_t make_key(struct sks_session *s, uint32_t type, uint32_t flags,
			 uint64_t limit)
{
	struct sks_attrs *a = sks_attrs_new();
	uint32_t h = 0;

	if (!a)
		return 0;
	sks_attrs_set_key_type(a, type);
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, flags | SKS_OBJ_PRIVATE);
	sks_attrs_set_usage_limit(a, limit);
	if (sks_object_generate(s, type == SKS_CKK_AES ? SKS_CKM_AES_KEY_GEN :
				SKS_CKM_GENERIC_SECRET_KEY_GEN, a, &h))
		h = 0;
	sks_attrs_free(a);
	return h;
}

/*
 * One size-query convention for every libsks call that fills a caller's
 * buffer (lib/sks.h): NULL buffer -> 0 and the length; too small -> -1,
 * EOVERFLOW, CKR_BUFFER_TOO_SMALL and the length; other failures -> 0.
 */
TEST_F(v1, size_queries_follow_one_convention)
{
	uint32_t aes = make_key(self->s, SKS_CKK_AES,
				SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT, 0);
	uint32_t mac = make_key(self->s, SKS_CKK_GENERIC_SECRET, SKS_OBJ_SIGN, 0);
	uint8_t iv[SKS_GCM_IV_LEN], ct[64], pt[64], sig[64];
	size_t len, ctlen;

	ASSERT_NE(0, aes);
	ASSERT_NE(0, mac);

	/* Encrypt: query, too small, right. */
	len = 12345;
	ASSERT_EQ(0, sks_crypto_encrypt(self->s, aes, NULL, 0, "hello", 5, iv,
					NULL, &len));
	EXPECT_EQ(SKS_CKR_OK, sks_last_result());
	EXPECT_EQ(5 + SKS_GCM_TAG_LEN, len);
	len = 4;
	errno = 0;
	EXPECT_EQ(-1, sks_crypto_encrypt(self->s, aes, NULL, 0, "hello", 5, iv,
					 ct, &len));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(5 + SKS_GCM_TAG_LEN, len);
	ctlen = sizeof(ct);
	ASSERT_EQ(0, sks_crypto_encrypt(self->s, aes, NULL, 0, "hello", 5, iv,
					ct, &ctlen));
	EXPECT_EQ(5 + SKS_GCM_TAG_LEN, ctlen);

	/* Decrypt: the same three answers. */
	len = 0;
	ASSERT_EQ(0, sks_crypto_decrypt(self->s, aes, NULL, 0, iv, ct, ctlen,
					NULL, &len));
	EXPECT_EQ(5, len);
	len = 2;
	errno = 0;
	EXPECT_EQ(-1, sks_crypto_decrypt(self->s, aes, NULL, 0, iv, ct, ctlen,
					 pt, &len));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(5, len);
	len = sizeof(pt);
	ASSERT_EQ(0, sks_crypto_decrypt(self->s, aes, NULL, 0, iv, ct, ctlen,
					pt, &len));
	EXPECT_EQ(5, len);

	/* Sign: a NULL buffer is a query, not CKR_ARGUMENTS_BAD, and too
	 * little room reports the MAC length, not the caller's. */
	len = 0;
	ASSERT_EQ(0, sks_crypto_sign(self->s, mac, SKS_CKM_SHA256_HMAC, "m", 1,
				     NULL, &len));
	EXPECT_EQ(SKS_CKR_OK, sks_last_result());
	EXPECT_EQ(32, len);
	len = 0;
	ASSERT_EQ(0, sks_crypto_sign(self->s, mac, SKS_CKM_SHA512_HMAC, "m", 1,
				     NULL, &len));
	EXPECT_EQ(64, len);
	len = 16;
	errno = 0;
	EXPECT_EQ(-1, sks_crypto_sign(self->s, mac, SKS_CKM_SHA256_HMAC, "m", 1,
				      sig, &len));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(32, len);
	len = sizeof(sig);
	ASSERT_EQ(0, sks_crypto_sign(self->s, mac, SKS_CKM_SHA256_HMAC, "m", 1,
				     sig, &len));
	EXPECT_EQ(32, len);

	/* Any other failure leaves the length 0. */
	len = sizeof(sig);
	EXPECT_EQ(-1, sks_crypto_sign(self->s, 999999, SKS_CKM_SHA256_HMAC, "m",
				      1, sig, &len));
	EXPECT_NE(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
	EXPECT_EQ(0, len);
	len = sizeof(pt);
	ct[0] ^= 1;
	EXPECT_EQ(-1, sks_crypto_decrypt(self->s, aes, NULL, 0, iv, ct, ctlen,
					 pt, &len));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, sks_last_result());
	EXPECT_EQ(0, len);
}

/* Size queries never use up a usage-limited key. */
TEST_F(v1, size_queries_count_no_key_use)
{
	uint32_t aes = make_key(self->s, SKS_CKK_AES, SKS_OBJ_ENCRYPT, 1);
	uint32_t mac = make_key(self->s, SKS_CKK_GENERIC_SECRET, SKS_OBJ_SIGN, 1);
	uint8_t iv[SKS_GCM_IV_LEN], ct[64], sig[64];
	size_t len;

	ASSERT_NE(0, aes);
	ASSERT_NE(0, mac);
	for (int i = 0; i < 3; i++) {
		len = 0;
		ASSERT_EQ(0, sks_crypto_encrypt(self->s, aes, NULL, 0, "x", 1,
						iv, NULL, &len));
		len = 1;
		EXPECT_EQ(-1, sks_crypto_encrypt(self->s, aes, NULL, 0, "x", 1,
						 iv, ct, &len));
		len = 0;
		ASSERT_EQ(0, sks_crypto_sign(self->s, mac, SKS_CKM_SHA256_HMAC,
					     "x", 1, NULL, &len));
	}
	len = sizeof(ct);
	EXPECT_EQ(0, sks_crypto_encrypt(self->s, aes, NULL, 0, "x", 1, iv, ct,
					&len));
	len = sizeof(sig);
	EXPECT_EQ(0, sks_crypto_sign(self->s, mac, SKS_CKM_SHA256_HMAC, "x", 1,
				     sig, &len));
}

TEST_F(v1, firmware_into_too_small_a_buffer)
{
	char fw[SKS_FW_VERSION_LEN], tiny[2];

	ASSERT_EQ(0, sks_hsm_get_firmware(self->hsm, fw, sizeof(fw)));
	errno = 0;
	EXPECT_EQ(-1, sks_hsm_get_firmware(self->hsm, tiny, sizeof(tiny)));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, sks_last_result());
}

/* Keys made from sks_attrs_new() are private; the flags say so. */
TEST_F(v1, default_template_makes_private_keys)
{
	struct sks_attrs *a = sks_attrs_new(), *back;
	uint32_t h;

	ASSERT_NE(NULL, a);
	sks_attrs_set_value_len(a, 16);
	ASSERT_EQ(0, sks_object_generate(self->s, SKS_CKM_AES_KEY_GEN, a, &h));
	sks_attrs_free(a);
	back = sks_object_get_attrs(self->s, h);
	ASSERT_NE(NULL, back);
	EXPECT_TRUE(sks_attrs_get_flags(back) & SKS_OBJ_PRIVATE);
	sks_attrs_free(back);
}

/*
 * The bad-attempt counters as libsks reports them (driver: issue 11,
 * "Bad-attempt limits"): wrong CO and CU logins count apart, a right
 * login resets its counter.
 */
TEST_F(v1, failure_counters_are_reported)
{
	struct sks_session *s2 = sks_session_open(self->slot);
	struct sks_session_desc *d;

	ASSERT_NE(NULL, s2);
	EXPECT_EQ(-1, sks_session_login(s2, SKS_ROLE_CO, "wrong-secret"));
	EXPECT_EQ(-1, sks_session_login(s2, SKS_ROLE_CO, "wrong-secret"));
	EXPECT_EQ(-1, sks_session_login(s2, SKS_ROLE_SO, "wrong-secret"));
	d = sks_session_get_desc(s2);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(2, sks_session_desc_get_co_failures(d));
	EXPECT_EQ(0, sks_session_desc_get_cu_failures(d));
	EXPECT_EQ(1, sks_session_desc_get_so_failures(d));
	EXPECT_EQ(0, sks_session_desc_get_lockout_secs(d));
	EXPECT_FALSE(sks_session_desc_get_state(d) &
		     (SKS_STATE_CO_LOCKED | SKS_STATE_ZEROIZED));
	sks_session_desc_free(d);
	ASSERT_EQ(0, sks_session_login(s2, SKS_ROLE_SO, SO_PW));
	d = sks_session_get_desc(s2);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0, sks_session_desc_get_so_failures(d));
	EXPECT_EQ(2, sks_session_desc_get_co_failures(d));
	sks_session_desc_free(d);
	sks_session_close(s2);
}

#define UNTOUCHED	0xdeadbeefU	/* result of an operation not run */

static void crypto_op(struct sks_crypto_op *op, uint32_t type, uint32_t key,
		      const void *in, size_t len, void *out, size_t room)
{
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->result = UNTOUCHED;
	op->key = key;
	op->mechanism = type == SKS_BATCH_ENCRYPT || type == SKS_BATCH_DECRYPT ?
			SKS_CKM_AES_GCM : SKS_CKM_SHA256_HMAC;
	op->in = in;
	op->in_len = len;
	op->out = out;
	op->out_len = room;
}

/* sks_crypto_batch(): a result per operation, a count of failures. */
TEST_F(v1, crypto_batch_reports_each_operation)
{
	uint32_t aes = make_key(self->s, SKS_CKK_AES, SKS_OBJ_ENCRYPT, 0);
	uint32_t mac = make_key(self->s, SKS_CKK_GENERIC_SECRET, SKS_OBJ_SIGN, 0);
	uint8_t msg[100], ct[2][100 + SKS_GCM_TAG_LEN], sig[64];
	struct sks_crypto_op ops[3];
	size_t done = 99;

	ASSERT_NE(0, aes);
	ASSERT_NE(0, mac);
	memset(msg, 'a', sizeof(msg));
	crypto_op(&ops[0], SKS_BATCH_ENCRYPT, aes, msg, 100, ct[0],
		  sizeof(ct[0]));
	crypto_op(&ops[1], SKS_BATCH_SIGN, mac, msg, 100, sig, sizeof(sig));
	crypto_op(&ops[2], SKS_BATCH_ENCRYPT, 0x7fffff00, msg, 100, ct[1],
		  sizeof(ct[1]));
	EXPECT_EQ(1, sks_crypto_batch(self->s, ops, 3, 0, &done));
	EXPECT_EQ(3, done);
	EXPECT_EQ(SKS_CKR_OK, ops[0].result);
	EXPECT_EQ(SKS_CKR_OK, ops[1].result);
	EXPECT_EQ(SKS_CKR_KEY_HANDLE_INVALID, ops[2].result);
	EXPECT_EQ(0, sks_crypto_batch(self->s, ops, 2, 0, NULL));
	EXPECT_EQ(-1, sks_crypto_batch(self->s, ops, 0, 0, &done));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
	EXPECT_EQ(-1, sks_crypto_batch(self->s, ops, 2, 1U << 5, &done));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
	EXPECT_EQ(0, done);
}

/*
 * What the library carries to the driver and back: the nonce and the
 * length an operation returns, the MAC a verification reads, size
 * queries, and operations not run left as they were.
 */
TEST_F(v1, crypto_batch_carries_nonces_lengths_and_macs)
{
	uint32_t aes = make_key(self->s, SKS_CKK_AES,
				SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT, 0);
	uint32_t mac = make_key(self->s, SKS_CKK_GENERIC_SECRET,
				SKS_OBJ_SIGN | SKS_OBJ_VERIFY, 0);
	uint8_t msg[64], ct[64 + SKS_GCM_TAG_LEN], pt[64], sig[64];
	struct sks_crypto_op ops[3];
	size_t done;

	ASSERT_NE(0, aes);
	ASSERT_NE(0, mac);
	memset(msg, 'm', sizeof(msg));
	crypto_op(&ops[0], SKS_BATCH_ENCRYPT, aes, msg, 64, ct, sizeof(ct));
	ops[0].aad = "aad";
	ops[0].aad_len = 3;
	crypto_op(&ops[1], SKS_BATCH_SIGN, mac, msg, 64, sig, sizeof(sig));
	crypto_op(&ops[2], SKS_BATCH_SIGN, mac, msg, 64, NULL, 0);
	ASSERT_EQ(0, sks_crypto_batch(self->s, ops, 3, 0, &done));
	EXPECT_EQ(64 + SKS_GCM_TAG_LEN, ops[0].out_len);
	EXPECT_EQ(32, ops[1].out_len);
	EXPECT_EQ(SKS_CKR_OK, ops[2].result);	/* a size query */
	EXPECT_EQ(32, ops[2].out_len);

	/* The nonce the encryption chose decrypts; the MAC verifies. */
	crypto_op(&ops[2], SKS_BATCH_DECRYPT, aes, ct, ops[0].out_len, pt,
		  sizeof(pt));
	memcpy(ops[2].iv, ops[0].iv, SKS_GCM_IV_LEN);
	ops[2].aad = "aad";
	ops[2].aad_len = 3;
	crypto_op(&ops[1], SKS_BATCH_VERIFY, mac, msg, 64, sig, 32);
	crypto_op(&ops[0], SKS_BATCH_VERIFY, mac, msg, 63, sig, 32);
	EXPECT_EQ(1, sks_crypto_batch(self->s, ops, 3, 0, &done));
	EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID, ops[0].result);
	EXPECT_EQ(SKS_CKR_OK, ops[1].result);
	EXPECT_EQ(32, ops[1].out_len);
	EXPECT_EQ(SKS_CKR_OK, ops[2].result);
	EXPECT_EQ(64, ops[2].out_len);
	EXPECT_EQ(0, memcmp(pt, msg, 64));

	/* Stopped after the first failure: the rest keep their fields. */
	ops[1].result = UNTOUCHED;
	ops[2].result = UNTOUCHED;
	ops[2].out_len = 7;
	ops[2].out = NULL;
	EXPECT_EQ(1, sks_crypto_batch(self->s, ops, 3, SKS_BATCH_STOP_ON_ERROR,
				      &done));
	EXPECT_EQ(1, done);
	EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID, ops[0].result);
	EXPECT_EQ(UNTOUCHED, ops[1].result);
	EXPECT_EQ(UNTOUCHED, ops[2].result);
	EXPECT_EQ(7, ops[2].out_len);
}

TEST_HARNESS_MAIN
