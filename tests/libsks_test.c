// SPDX-License-Identifier: GPL-2.0
/*
 * The packing decision behind libsks's multi-blob extraction, and the
 * blob header parsing behind "sks identify", on hand-made inputs. Linked
 * with the static libsks: sks_blob_plan() is internal to the library.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "../lib/internal.h"

#define OV SKS_BLOB_OVERHEAD
#define MAX SKS_MAX_BLOB_SIZE

TEST(one_small_object_one_group)
{
	size_t sizes[] = { OV + 48 + 32 }, g[1], bad = 99;

	ASSERT_EQ(1, sks_blob_plan(sizes, 1, OV, MAX, 1024, g, &bad));
	EXPECT_EQ(1, g[0]);
}

TEST(exact_fit_and_one_byte_over)
{
	/* Two objects whose shares add up to exactly the room of one blob. */
	size_t room = MAX - OV;
	size_t a[] = { OV + room / 2, OV + room - room / 2 }, g[2], bad;
	size_t b[] = { OV + room / 2, OV + room - room / 2 + 1 };

	ASSERT_EQ(1, sks_blob_plan(a, 2, OV, MAX, 1024, g, &bad));
	EXPECT_EQ(2, g[0]);
	ASSERT_EQ(2, sks_blob_plan(b, 2, OV, MAX, 1024, g, &bad));
	EXPECT_EQ(1, g[0]);
	EXPECT_EQ(1, g[1]);
}

TEST(many_keys_greedy_in_order)
{
	/* 3000 AES-256 keys with a 16-byte label: 48 + 16 + 32 = 96 bytes each. */
	enum { N = 3000 };
	size_t *sizes = calloc(N, sizeof(*sizes)), *g = calloc(N, sizeof(*g));
	size_t bad, ng, total = 0, per = (MAX - OV) / 96;

	ASSERT_NE(NULL, sizes);
	ASSERT_NE(NULL, g);
	for (int i = 0; i < N; i++)
		sizes[i] = OV + 96;
	ng = sks_blob_plan(sizes, N, OV, MAX, 1024, g, &bad);
	/* 681 records fit the bytes, but a blob holds at most 1024 objects. */
	ASSERT_LT(per, 1024);
	EXPECT_EQ((N + per - 1) / per, ng);
	for (size_t i = 0; i < ng; i++) {
		total += g[i];
		EXPECT_LE(OV + g[i] * 96, MAX);
		if (i + 1 < ng)
			EXPECT_EQ(per, g[i]);
	}
	EXPECT_EQ(N, total);
	free(sizes);
	free(g);
}

TEST(count_limit_splits)
{
	size_t sizes[10], g[10], bad;

	for (int i = 0; i < 10; i++)
		sizes[i] = OV + 48;
	ASSERT_EQ(4, sks_blob_plan(sizes, 10, OV, MAX, 3, g, &bad));
	EXPECT_EQ(3, g[0]);
	EXPECT_EQ(3, g[1]);
	EXPECT_EQ(3, g[2]);
	EXPECT_EQ(1, g[3]);
}

TEST(large_object_alone_then_packing_resumes)
{
	size_t sizes[] = { OV + 100, MAX, OV + 100, OV + 100 }, g[4], bad;

	ASSERT_EQ(3, sks_blob_plan(sizes, 4, OV, MAX, 1024, g, &bad));
	EXPECT_EQ(1, g[0]);
	EXPECT_EQ(1, g[1]);
	EXPECT_EQ(2, g[2]);
}

TEST(too_big_object_is_reported)
{
	size_t sizes[] = { OV + 100, MAX + 1 }, g[2], bad = 99;

	EXPECT_EQ(0, sks_blob_plan(sizes, 2, OV, MAX, 1024, g, &bad));
	EXPECT_EQ(1, bad);
	EXPECT_EQ(0, sks_blob_plan(sizes, 0, OV, MAX, 1024, g, &bad));
}

/* A well-formed version 1 header followed by @payload bytes and a tag. */
static uint8_t *make_blob(uint32_t count, uint32_t payload, uint8_t fpbyte,
			  size_t *len)
{
	uint8_t *b;

	*len = OV + payload;
	b = calloc(1, *len);
	if (!b)
		return NULL;
	memcpy(b, "SKSB", 4);
	b[4] = 1;			/* version */
	b[6] = 80;			/* header length */
	b[12] = count & 0xff;
	b[13] = count >> 8;
	b[16] = payload & 0xff;
	b[17] = (payload >> 8) & 0xff;
	memset(b + 20, fpbyte, 16);	/* SMK fingerprint */
	return b;
}

TEST(blob_header_fingerprint_and_count)
{
	uint8_t fp[SKS_FINGERPRINT_LEN], want[SKS_FINGERPRINT_LEN];
	size_t len;
	uint8_t *b = make_blob(2, 200, 0xab, &len);

	ASSERT_NE(NULL, b);
	memset(want, 0xab, sizeof(want));
	EXPECT_EQ(len, sks_blob_get_length(b, SKS_BLOB_HDR_LEN));
	ASSERT_EQ(0, sks_blob_get_fingerprint(b, len, fp));
	EXPECT_EQ(0, memcmp(fp, want, sizeof(fp)));
	EXPECT_EQ(2, sks_blob_get_object_count(b, len));
	/* Truncated, trailing byte, bad magic, bad version. */
	EXPECT_EQ(-1, sks_blob_get_fingerprint(b, len - 1, fp));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, sks_last_result());
	EXPECT_EQ(0, sks_blob_get_object_count(b, len + 0 - 1));
	b[0] = 'X';
	EXPECT_EQ(0, sks_blob_get_length(b, len));
	b[0] = 'S';
	b[4] = 3;
	EXPECT_EQ(0, sks_blob_get_length(b, len));
	b[4] = 0;
	EXPECT_EQ(0, sks_blob_get_length(b, len));
	free(b);
}

/* Format 2 (usage-limited keys carry a key id inside the sealed payload)
 * has the same header: the library reads it as it reads version 1. */
TEST(blob_format_2_header_is_read_like_version_1)
{
	uint8_t fp[SKS_FINGERPRINT_LEN], want[SKS_FINGERPRINT_LEN];
	struct sks_blob_set *set;
	uint8_t *all;
	size_t len;
	uint8_t *b = make_blob(3, 300, 0xcd, &len);

	ASSERT_NE(NULL, b);
	b[4] = 2;
	memset(want, 0xcd, sizeof(want));
	EXPECT_EQ(len, sks_blob_get_length(b, SKS_BLOB_HDR_LEN));
	EXPECT_EQ(SKS_CKR_OK, sks_last_result());
	ASSERT_EQ(0, sks_blob_get_fingerprint(b, len, fp));
	EXPECT_EQ(0, memcmp(fp, want, sizeof(fp)));
	EXPECT_EQ(3, sks_blob_get_object_count(b, len));

	/* A group file mixing both formats. */
	all = malloc(2 * len);
	ASSERT_NE(NULL, all);
	memcpy(all, b, len);
	memcpy(all + len, b, len);
	all[len + 4] = 1;
	set = sks_blob_set_from_buffer(all, 2 * len);
	ASSERT_NE(NULL, set);
	EXPECT_EQ(2, sks_blob_set_get_count(set));
	EXPECT_EQ(6, sks_blob_set_get_object_count(set));
	sks_blob_set_free(set);
	free(all);
	free(b);
}

TEST(blob_with_an_m_of_n_section_is_well_formed_in_version_2_only)
{
	uint8_t fp[SKS_FINGERPRINT_LEN];
	struct sks_blob_set *set = sks_blob_set_new();
	size_t len;
	uint8_t *b = make_blob(2, 400, 0xab, &len);

	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, set);
	b[4] = 2;
	b[SKS_BLOB_OFF_FLAGS] = SKS_BLOB_F_AUTH;
	EXPECT_EQ(len, sks_blob_get_length(b, len));
	EXPECT_EQ(0, sks_blob_get_fingerprint(b, len, fp));
	EXPECT_EQ(0, sks_blob_set_add(set, b, len));
	/* an unknown flag, or the flag on a version 1 blob: not a blob */
	b[SKS_BLOB_OFF_FLAGS] = 2;
	EXPECT_EQ(0, sks_blob_get_length(b, len));
	b[SKS_BLOB_OFF_FLAGS] = SKS_BLOB_F_AUTH;
	b[4] = 1;
	EXPECT_EQ(0, sks_blob_get_length(b, len));
	EXPECT_EQ(-1, sks_blob_set_add(set, b, len));
	EXPECT_EQ(1, sks_blob_set_get_count(set));
	sks_blob_set_free(set);
	free(b);
}

TEST(blob_set_from_concatenated_buffer)
{
	size_t l1, l2, l3;
	uint8_t *b1 = make_blob(1, 100, 1, &l1), *b2 = make_blob(3, 300, 2, &l2);
	uint8_t *b3 = make_blob(1, 50, 3, &l3);
	uint8_t *all = malloc(l1 + l2 + l3);
	struct sks_blob_set *set;
	const uint8_t *p;
	size_t len;

	ASSERT_NE(NULL, all);
	memcpy(all, b1, l1);
	memcpy(all + l1, b2, l2);
	memcpy(all + l1 + l2, b3, l3);
	set = sks_blob_set_from_buffer(all, l1 + l2 + l3);
	ASSERT_NE(NULL, set);
	EXPECT_EQ(3, sks_blob_set_get_count(set));
	EXPECT_EQ(5, sks_blob_set_get_object_count(set));
	p = sks_blob_set_get_blob(set, 1, &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(l2, len);
	EXPECT_EQ(0, memcmp(p, b2, l2));
	EXPECT_EQ(NULL, sks_blob_set_get_blob(set, 3, &len));
	sks_blob_set_free(set);

	/* A truncated last blob makes the whole buffer invalid. */
	EXPECT_EQ(NULL, sks_blob_set_from_buffer(all, l1 + l2 + l3 - 1));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, sks_last_result());
	/* An empty buffer is an empty set. */
	set = sks_blob_set_from_buffer(all, 0);
	ASSERT_NE(NULL, set);
	EXPECT_EQ(0, sks_blob_set_get_count(set));
	sks_blob_set_free(set);
	sks_blob_set_free(NULL);
	free(all);
	free(b1);
	free(b2);
	free(b3);
}

TEST(result_names)
{
	EXPECT_STREQ("CKR_SESSION_CLOSED", sks_result_name(0xb0));
	EXPECT_STREQ("CKR_OK", sks_result_name(0));
	EXPECT_STREQ("CKR_SMK_ID_NOT_FOUND", sks_result_name(0x80000099));
	EXPECT_EQ(NULL, sks_result_name(0x12345));
	EXPECT_STREQ("session closed", sks_strerror(0xb0));
	EXPECT_STREQ("unknown result code", sks_strerror(0x12345));
	EXPECT_EQ(ENODEV, sks_result_errno(0xb0));
}

TEST(errors_set_errno_and_result)
{
	struct sks_attrs *a = sks_attrs_new();
	char label[SKS_OBJ_LABEL_MAX + 2];

	ASSERT_NE(NULL, a);
	memset(label, 'x', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	errno = 0;
	EXPECT_EQ(-1, sks_attrs_set_label(a, label));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_VALUE_INVALID, sks_last_result());
	EXPECT_EQ(0, sks_attrs_set_label(a, "ok"));
	EXPECT_EQ(SKS_CKR_OK, sks_last_result());
	EXPECT_STREQ("ok", sks_attrs_get_label(a));
	sks_attrs_free(a);
	EXPECT_EQ(NULL, sks_session_open_path("/nonexistent/sks"));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(SKS_CKR_TOKEN_NOT_PRESENT, sks_last_result());
}

TEST(new_attributes_are_private_until_told)
{
	struct sks_attrs *a = sks_attrs_new();

	ASSERT_NE(NULL, a);
	EXPECT_EQ(SKS_OBJ_PRIVATE, sks_attrs_get_flags(a));
	EXPECT_EQ(SKS_CKO_SECRET_KEY, sks_attrs_get_class(a));
	/* The flags given replace the default: a public key. */
	sks_attrs_set_flags(a, SKS_OBJ_ENCRYPT);
	EXPECT_EQ(SKS_OBJ_ENCRYPT, sks_attrs_get_flags(a));
	sks_attrs_set_flags(a, SKS_OBJ_ENCRYPT | SKS_OBJ_PRIVATE);
	EXPECT_EQ(SKS_OBJ_ENCRYPT | SKS_OBJ_PRIVATE, sks_attrs_get_flags(a));
	sks_attrs_free(a);
}

/*
 * The output length after a failure the library finds itself: 0, as after
 * any failure that is not CKR_BUFFER_TOO_SMALL (the driver's cases run in
 * the VM: selftests/lib_sks_test.c).
 */
TEST(output_length_is_zero_after_other_failures)
{
	uint8_t out[64], iv[SKS_GCM_IV_LEN] = { 0 };
	size_t len;

	len = sizeof(out);
	errno = 0;
	EXPECT_EQ(-1, sks_crypto_sign(NULL, 1, SKS_CKM_SHA256_HMAC, NULL, 1,
				      out, &len));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
	EXPECT_EQ(0, len);

	len = sizeof(out);
	EXPECT_EQ(-1, sks_crypto_encrypt(NULL, 1, NULL, 3, "x", 1, iv, out, &len));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, sks_last_result());
	EXPECT_EQ(0, len);

	len = sizeof(out);
	EXPECT_EQ(-1, sks_crypto_decrypt(NULL, 1, NULL, 0, NULL, out, 32, out,
					 &len));
	EXPECT_EQ(0, len);

	/* No length to write to: refused, nothing else touched. */
	EXPECT_EQ(-1, sks_crypto_sign(NULL, 1, SKS_CKM_SHA256_HMAC, "m", 1,
				      NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
