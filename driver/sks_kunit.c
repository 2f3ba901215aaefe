// SPDX-License-Identifier: GPL-2.0
/*
 * sks - KUnit tests of the driver's pure parts: the SKS blob codec (with
 * the auth section of M-of-N blobs), the Backup HSM image codec, the
 * durable state record codec, HKDF-SHA-256 (RFC 5869), PBKDF2-HMAC-SHA256
 * and the firmware version gate of SKS backups. Built as sks_kunit.ko when
 * the kernel has CONFIG_KUNIT; sks.ko exports what is tested only then.
 */

#include <crypto/hash.h>
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blob_codec.h"
#include "image_codec.h"
#include "sks.h"
#include "state_codec.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* (KUNIT_EXPECT_MEMEQ came after 6.1) */
#define KT_EXPECT_MEMEQ(test, left, right, size)			\
	KUNIT_EXPECT_EQ_MSG(test, memcmp(left, right, size), 0,		\
			    "%s and %s differ", #left, #right)

/* ---- blob codec ---- */

static const u8 kt_label[] = "label";
static const u8 kt_id[] = { 1, 2, 3 };
static const u8 kt_value[32] = { 0xa5, 0x5a, 0x01, 0xfe };

static void kt_rec(struct sks_blob_rec *r, u32 value_len)
{
	memset(r, 0, sizeof(*r));
	r->version = SKS_BLOB_VERSION;
	r->class = 4;
	r->key_type = 0x1f;
	r->flags = 0x0e;
	r->label_len = sizeof(kt_label) - 1;
	r->id_len = sizeof(kt_id);
	r->value_len = value_len;
	r->usage_limit = 0x0102030405060708ULL;
	r->usage_count = 7;
	memset(r->key_id, 0x99, sizeof(r->key_id));
	r->label = kt_label;
	r->id = kt_id;
	r->value = kt_value;
}

/* header + two records + tag, in a kunit allocation; returns the length */
static size_t kt_blob(struct kunit *test, u8 **out)
{
	struct sks_blob_hdr h = { .version = SKS_BLOB_VERSION, .count = 2 };
	struct sks_blob_rec r;
	size_t off, len;
	u8 *buf;

	kt_rec(&r, 32);
	h.payload_len = 2 * sks_blob_rec_size(&r);
	len = SKS_BLOB_HDR_LEN + h.payload_len + SKS_BLOB_TAG_LEN;
	buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(h.fingerprint, 0x11, sizeof(h.fingerprint));
	memset(h.salt, 0x22, sizeof(h.salt));
	memset(h.iv, 0x33, sizeof(h.iv));
	sks_blob_put_hdr(buf, &h);
	off = SKS_BLOB_HDR_LEN;
	off += sks_blob_put_rec(buf + off, &r);
	off += sks_blob_put_rec(buf + off, &r);
	KUNIT_EXPECT_EQ(test, off, len - SKS_BLOB_TAG_LEN);
	*out = buf;
	return len;
}

static void sks_blob_round_trip(struct kunit *test)
{
	struct sks_blob_hdr h;
	struct sks_blob_rec r;
	size_t len, used;
	u8 *buf, fp[SKS_BLOB_FP_LEN];
	const u8 *p;

	len = kt_blob(test, &buf);
	KUNIT_ASSERT_EQ(test, sks_blob_get_hdr(buf, len, &h), 0);
	KUNIT_EXPECT_EQ(test, h.version, SKS_BLOB_VERSION);
	KUNIT_EXPECT_EQ(test, h.flags, 0U);
	KUNIT_EXPECT_EQ(test, h.count, 2U);
	KUNIT_EXPECT_EQ(test, (size_t)h.payload_len,
			len - SKS_BLOB_HDR_LEN - SKS_BLOB_TAG_LEN);
	memset(fp, 0x11, sizeof(fp));
	KT_EXPECT_MEMEQ(test, h.fingerprint, fp, sizeof(fp));
	KUNIT_EXPECT_EQ(test, h.salt[31], 0x22);
	KUNIT_EXPECT_EQ(test, h.iv[11], 0x33);

	p = buf + SKS_BLOB_HDR_LEN;
	KUNIT_ASSERT_EQ(test, sks_blob_get_rec(p, h.payload_len, h.version, &r,
					       &used), 0);
	KUNIT_EXPECT_EQ(test, used, (size_t)SKS_BLOB_REC_FIXED + 5 + 3 + 32);
	KUNIT_EXPECT_EQ(test, r.class, 4U);
	KUNIT_EXPECT_EQ(test, r.key_type, 0x1fU);
	KUNIT_EXPECT_EQ(test, r.flags, 0x0eU);
	KUNIT_EXPECT_EQ(test, r.usage_limit, 0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, r.usage_count, 7ULL);
	KUNIT_EXPECT_EQ(test, r.label_len, 5U);
	KT_EXPECT_MEMEQ(test, r.label, kt_label, 5);
	KT_EXPECT_MEMEQ(test, r.id, kt_id, sizeof(kt_id));
	KT_EXPECT_MEMEQ(test, r.value, kt_value, 32);
	KUNIT_EXPECT_EQ(test, r.key_id[15], 0x99);
	KUNIT_ASSERT_EQ(test, sks_blob_get_rec(p + used, h.payload_len - used,
					       h.version, &r, &used), 0);
	KUNIT_EXPECT_EQ(test, r.value_len, 32U);
}

static void sks_blob_rejects_length_errors(struct kunit *test)
{
	struct sks_blob_hdr h;
	size_t len;
	u8 *buf;

	len = kt_blob(test, &buf);
	/* truncated, trailing byte, below the minimum, above the maximum */
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, len - 1, &h), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, len + 1, &h), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, SKS_BLOB_HDR_LEN, &h),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, SKS_BLOB_MAX_LEN + 1, &h),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, len, &h), 0);
}

static void sks_blob_rejects_bad_header(struct kunit *test)
{
	struct sks_blob_hdr h;
	size_t len;
	u8 *buf;
	/* offset of the byte changed, how */
	static const struct { int off; u8 val; } bad[] = {
		{ 0, 'X' },		/* magic */
		{ 4, 3 },		/* version 3 */
		{ 4, 0 },		/* version 0 */
		{ 5, 1 },		/* version 0x101 */
		{ 6, 81 },		/* header length */
		{ 8, 2 },		/* an unknown flag */
		{ 8, 3 },		/* SKS_BLOB_F_AUTH and an unknown one */
		{ 11, 0x80 },		/* the highest flag bit */
		{ 12, 0 },		/* count 0 (was 2) */
		{ 13, 4 },		/* count above the maximum */
		{ 16, 0 },		/* payload length */
	};
	size_t i;

	len = kt_blob(test, &buf);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u8 save = buf[bad[i].off];

		buf[bad[i].off] = bad[i].val;
		KUNIT_EXPECT_EQ_MSG(test, sks_blob_get_hdr(buf, len, &h),
				    -EBADMSG, "byte %d", bad[i].off);
		buf[bad[i].off] = save;
	}
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, len, &h), 0);
}

static void sks_blob_rejects_bad_record(struct kunit *test)
{
	const u32 v = SKS_BLOB_VERSION;
	struct sks_blob_rec r;
	size_t used, size;
	u8 *rec;

	kt_rec(&r, 32);
	size = sks_blob_rec_size(&r);
	rec = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	sks_blob_put_rec(rec, &r);
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), 0);
	/* truncated record and truncated fixed part */
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size - 1, v, &r, &used),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, SKS_BLOB_REC_FIXED - 1, v,
					       &r, &used), -EBADMSG);
	/* record length disagreeing with the field lengths */
	rec[0]++;
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), -EBADMSG);
	rec[0]--;
	/* reserved field */
	rec[28] = 1;
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), -EBADMSG);
	rec[28] = 0;
	/* label longer than allowed */
	rec[16] = SKS_BLOB_LABEL_MAX + 1;
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), -EBADMSG);
	rec[16] = 5;
	/* value length near 4 GiB: no overflow of the size sum */
	rec[27] = 0xff;
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), -EBADMSG);
	rec[27] = 0;
	/* version 2: a usage limit needs a key id, no limit none */
	memset(rec + 48, 0, SKS_BLOB_KEY_ID_LEN);
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), -EBADMSG);
	memset(rec + 32, 0, 8);
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), 0);
	rec[63] = 1;
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, v, &r, &used), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, 3, &r, &used), -EBADMSG);
}

/* A version 1 record (48 fixed bytes, no key id) is still read. */
static void sks_blob_reads_version_1(struct kunit *test)
{
	struct sks_blob_rec r, d;
	size_t size, used;
	u8 *rec;

	kt_rec(&r, 32);
	r.version = SKS_BLOB_VERSION_1;
	size = sks_blob_rec_size(&r);
	KUNIT_EXPECT_EQ(test, size, (size_t)SKS_BLOB_REC_FIXED_V1 + 5 + 3 + 32);
	rec = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ(test, sks_blob_put_rec(rec, &r), size);
	KUNIT_ASSERT_EQ(test, sks_blob_get_rec(rec, size, SKS_BLOB_VERSION_1,
					       &d, &used), 0);
	KUNIT_EXPECT_EQ(test, used, size);
	KUNIT_EXPECT_EQ(test, d.usage_limit, r.usage_limit);
	KUNIT_EXPECT_EQ(test, d.key_id[0], 0);
	KT_EXPECT_MEMEQ(test, d.value, kt_value, 32);
	/* read as version 2 it is something else, and refused */
	KUNIT_EXPECT_EQ(test, sks_blob_get_rec(rec, size, SKS_BLOB_VERSION,
					       &d, &used), -EBADMSG);
}

/* ---- blob auth section (SKS_BLOB_F_AUTH) ---- */

/*
 * An auth section of @n verifiers, M @m, in @buf (room for 17 verifiers:
 * a larger @n gets its fixed part only); returns its size.
 */
static size_t kt_auth(u8 *buf, u32 n, u32 m)
{
	size_t i, len = SKS_BLOB_AUTH_FIXED + min_t(u32, n, SKS_BLOB_AUTH_MAX + 1) *
			SKS_BLOB_AUTH_VERIFIER_LEN;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(0x40 + i);
	sks_put_le16(buf, n);
	sks_put_le16(buf + 2, m);
	sks_put_le32(buf + 4, 0);
	return len;
}

static void sks_blob_auth_good(struct kunit *test)
{
	struct sks_blob_auth a;
	size_t len, used;
	u8 *buf;

	KUNIT_EXPECT_EQ(test, sks_blob_auth_size(0), (size_t)40);
	KUNIT_EXPECT_EQ(test, sks_blob_auth_size(1), (size_t)72);
	KUNIT_EXPECT_EQ(test, sks_blob_auth_size(16), (size_t)552);
	buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* 2 of 3, records after it: only the section is taken */
	len = kt_auth(buf, 3, 2);
	KUNIT_ASSERT_EQ(test, sks_blob_get_auth(buf, len + 100, &a, &used), 0);
	KUNIT_EXPECT_EQ(test, a.n, 3U);
	KUNIT_EXPECT_EQ(test, a.m, 2U);
	KUNIT_EXPECT_EQ(test, used, sks_blob_auth_size(3));
	KUNIT_EXPECT_PTR_EQ(test, a.key, (const u8 *)buf + 8);
	KUNIT_EXPECT_PTR_EQ(test, a.verifiers,
			    (const u8 *)buf + SKS_BLOB_AUTH_FIXED);
	/* exactly the section, nothing after it */
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), 0);
	/* the bounds: 1 of 1, 16 of 16, 1 of 16 */
	len = kt_auth(buf, 1, 1);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), 0);
	len = kt_auth(buf, SKS_BLOB_AUTH_MAX, SKS_BLOB_AUTH_MAX);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), 0);
	KUNIT_EXPECT_EQ(test, used, (size_t)552);
	len = kt_auth(buf, SKS_BLOB_AUTH_MAX, 1);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), 0);
}

static void sks_blob_auth_rejects(struct kunit *test)
{
	struct sks_blob_auth a;
	size_t len, used;
	u8 *buf;
	int i;

	buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* N 0, N above 16, M 0, M above N */
	kt_auth(buf, 0, 0);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, 1024, &a, &used), -EBADMSG);
	kt_auth(buf, SKS_BLOB_AUTH_MAX + 1, 1);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, 1024, &a, &used), -EBADMSG);
	kt_auth(buf, 0xffff, 1);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, 1024, &a, &used), -EBADMSG);
	len = kt_auth(buf, 3, 0);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), -EBADMSG);
	len = kt_auth(buf, 3, 4);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), -EBADMSG);
	/* any reserved byte set */
	for (i = 4; i < 8; i++) {
		len = kt_auth(buf, 3, 2);
		buf[i] = 1;
		KUNIT_EXPECT_EQ_MSG(test, sks_blob_get_auth(buf, len, &a, &used),
				    -EBADMSG, "reserved byte %d", i);
	}
	/* truncated: in the verifiers, in the fixed part, empty */
	len = kt_auth(buf, 3, 2);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len - 1, &a, &used),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, SKS_BLOB_AUTH_FIXED, &a,
						&used), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, SKS_BLOB_AUTH_FIXED - 1,
						&a, &used), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, 0, &a, &used), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_blob_get_auth(buf, len, &a, &used), 0);
}

/* The header flag: version 2 only, and room for the section's N = 1. */
static void sks_blob_auth_header_flag(struct kunit *test)
{
	struct sks_blob_hdr h = {
		.version = SKS_BLOB_VERSION, .flags = SKS_BLOB_F_AUTH,
		.count = 1,
	};
	size_t len;
	u8 *buf;

	buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	h.payload_len = SKS_BLOB_REC_FIXED + sks_blob_auth_size(1);
	len = SKS_BLOB_HDR_LEN + h.payload_len + SKS_BLOB_TAG_LEN;
	sks_blob_put_hdr(buf, &h);
	KUNIT_ASSERT_EQ(test, sks_blob_get_hdr(buf, len, &h), 0);
	KUNIT_EXPECT_EQ(test, h.flags, SKS_BLOB_F_AUTH);
	/* one byte too few for a record and the smallest section */
	h.payload_len--;
	sks_blob_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, len - 1, &h), -EBADMSG);
	/* format version 1 has no auth section */
	h.version = SKS_BLOB_VERSION_1;
	h.flags = SKS_BLOB_F_AUTH;
	h.payload_len = SKS_BLOB_REC_FIXED + sks_blob_auth_size(1);
	sks_blob_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_blob_get_hdr(buf, len, &h), -EBADMSG);
}

static struct kunit_case sks_blob_cases[] = {
	KUNIT_CASE(sks_blob_round_trip),
	KUNIT_CASE(sks_blob_rejects_length_errors),
	KUNIT_CASE(sks_blob_rejects_bad_header),
	KUNIT_CASE(sks_blob_rejects_bad_record),
	KUNIT_CASE(sks_blob_reads_version_1),
	KUNIT_CASE(sks_blob_auth_good),
	KUNIT_CASE(sks_blob_auth_rejects),
	KUNIT_CASE(sks_blob_auth_header_flag),
	{}
};

static struct kunit_suite sks_blob_suite = {
	.name = "sks_blob",
	.test_cases = sks_blob_cases,
};

/* ---- state record codec ---- */

static void kt_wrap(struct sks_rec_wrap *w, u32 kind)
{
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->iterations = kind == SKS_WRAP_AUTO ? 0 : SKS_KDF_ITERATIONS_MIN;
	memset(w->salt, 0x10 + kind, sizeof(w->salt));
	memset(w->iv, 0x20 + kind, sizeof(w->iv));
	memset(w->ct, 0x30 + kind, sizeof(w->ct));
	memset(w->tag, 0x40 + kind, sizeof(w->tag));
}

/* A V1 partition's header: SO and CO wraps, a payload of 400 bytes. */
static void kt_rec_hdr(struct sks_rec_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->version = SKS_REC_VERSION;
	h->type = SKS_SLOT_V1;
	h->hsm_serial = 154000001;
	h->serial = 154000101;
	h->num = 5;
	h->nr_wraps = 2;
	h->capacity = 1 << 20;
	h->payload_len = 400;
	memcpy(h->label, "kunit", 5);
	memcpy(h->fw_version, "7.7.1", 5);
	memset(h->iv, 0x55, sizeof(h->iv));
	kt_wrap(&h->wraps[0], SKS_WRAP_SO);
	kt_wrap(&h->wraps[1], SKS_WRAP_CO);
}

/* The header encoded in a record of its size (+1 byte of room). */
static u8 *kt_record(struct kunit *test, const struct sks_rec_hdr *h,
		     size_t *len)
{
	u8 *buf;

	*len = sks_rec_size(h);
	buf = kunit_kzalloc(test, *len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	sks_rec_put_hdr(buf, h);
	return buf;
}

static void sks_state_hdr_round_trip(struct kunit *test)
{
	struct sks_rec_hdr h, d;
	size_t len;
	u8 *buf;

	kt_rec_hdr(&h);
	buf = kt_record(test, &h, &len);
	KUNIT_EXPECT_EQ(test, len, (size_t)SKS_REC_HDR_LEN + 400 +
			SKS_REC_TAG_LEN + SKS_REC_TRAILER_LEN);
	KUNIT_ASSERT_EQ(test, sks_rec_get_hdr(buf, len, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, (u32)SKS_SLOT_V1);
	KUNIT_EXPECT_EQ(test, d.hsm_serial, 154000001ULL);
	KUNIT_EXPECT_EQ(test, d.serial, 154000101ULL);
	KUNIT_EXPECT_EQ(test, d.num, 5U);
	KUNIT_EXPECT_EQ(test, d.nr_wraps, 2U);
	KUNIT_EXPECT_EQ(test, d.capacity, 1ULL << 20);
	KUNIT_EXPECT_EQ(test, d.payload_len, 400U);
	KT_EXPECT_MEMEQ(test, d.label, h.label, sizeof(h.label));
	KT_EXPECT_MEMEQ(test, d.wraps, h.wraps, 2 * sizeof(h.wraps[0]));
	KUNIT_EXPECT_EQ(test, d.wraps[2].kind, (u32)SKS_WRAP_NONE);
	/* truncated, trailing byte */
	KUNIT_EXPECT_EQ(test, sks_rec_get_hdr(buf, len - 1, &d), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_rec_get_hdr(buf, len + 1, &d), -EBADMSG);
	/* an uninitialised partition: no wraps, no payload, no tag */
	h.nr_wraps = 0;
	buf = kt_record(test, &h, &len);
	KUNIT_EXPECT_EQ(test, len, (size_t)SKS_REC_HDR_LEN +
			SKS_REC_TRAILER_LEN);
	KUNIT_ASSERT_EQ(test, sks_rec_get_hdr(buf, len, &d), 0);
	KUNIT_EXPECT_EQ(test, d.payload_len, 0U);
	/* auto-activation: its wrap and its key description together */
	kt_rec_hdr(&h);
	h.nr_wraps = 3;
	kt_wrap(&h.wraps[2], SKS_WRAP_AUTO);
	memcpy(h.desc, "sks:kunit", 9);
	buf = kt_record(test, &h, &len);
	KUNIT_ASSERT_EQ(test, sks_rec_get_hdr(buf, len, &d), 0);
	KT_EXPECT_MEMEQ(test, d.desc, "sks:kunit", 10);
}

static void sks_state_hdr_rejects(struct kunit *test)
{
	static const u16 off[] = { 6, 52, 55, 116, 184 + 84, 184 + 88 + 87 };
	struct sks_rec_hdr h, d;
	size_t len;
	u8 *buf;
	int i;

	for (i = 0; i < 18; i++) {
		kt_rec_hdr(&h);
		switch (i) {
		case 0:
			h.flags = 1;
			break;
		case 1:
			h.type = 3;
			break;
		case 2:
			h.num = SKS_HREC_MAX_SLOTS;
			break;
		case 3:
			h.capacity = 0;
			break;
		case 4:
			h.capacity = (256ULL << 20) + 1;
			break;
		case 5:		/* two wraps of one kind */
			kt_wrap(&h.wraps[1], SKS_WRAP_SO);
			break;
		case 6:		/* an SO wrap without a PBKDF2 count */
			h.wraps[0].iterations = 0;
			break;
		case 7:		/* an auto wrap with one */
			kt_wrap(&h.wraps[1], SKS_WRAP_AUTO);
			h.wraps[1].iterations = 1000;
			memcpy(h.desc, "sks:x", 5);
			break;
		case 8:		/* an auto wrap without a description */
			kt_wrap(&h.wraps[1], SKS_WRAP_AUTO);
			break;
		case 9:		/* a description without an auto wrap */
			memcpy(h.desc, "sks:x", 5);
			break;
		case 10:	/* a wrap of no known kind */
			h.wraps[1].kind = 4;
			break;
		case 11:	/* firmware version not NUL terminated */
			memset(h.fw_version, '7', sizeof(h.fw_version));
			break;
		case 12:	/* a control character in the description */
			kt_wrap(&h.wraps[1], SKS_WRAP_AUTO);
			memcpy(h.desc, "sks:\n", 5);
			break;
		case 13:	/* a PBKDF2 cost below the minimum */
			h.wraps[0].iterations = SKS_KDF_ITERATIONS_MIN - 1;
			break;
		case 14:	/* above the maximum: a login of hours */
			h.wraps[1].iterations = SKS_KDF_ITERATIONS_MAX + 1;
			break;
		case 15:
			h.wraps[0].iterations = U32_MAX;
			break;
		case 16:	/* wraps without a payload */
			h.payload_len = 0;
			break;
		default:	/* more wraps than a record has room for */
			h.nr_wraps = SKS_REC_WRAPS + 1;
			break;
		}
		buf = kt_record(test, &h, &len);
		KUNIT_EXPECT_EQ_MSG(test, sks_rec_get_hdr(buf, len, &d),
				    -EBADMSG, "case %d", i);
	}
	/* a wrap slot beyond nr_wraps must be all zero */
	kt_rec_hdr(&h);
	buf = kt_record(test, &h, &len);
	buf[184 + 2 * 88 + 30] = 1;
	KUNIT_EXPECT_EQ(test, sks_rec_get_hdr(buf, len, &d), -EBADMSG);
	/* a payload without wraps (their slots cleared too) */
	kt_rec_hdr(&h);
	buf = kt_record(test, &h, &len);
	sks_put_le32(buf + 36, 0);
	memset(buf + 184, 0, 2 * 88);
	KUNIT_EXPECT_EQ(test, sks_rec_get_hdr(buf, SKS_REC_HDR_LEN +
					      SKS_REC_TRAILER_LEN, &d),
			-EBADMSG);
	/* the header length; reserved words of the header and of a wrap */
	for (i = 0; i < ARRAY_SIZE(off); i++) {
		kt_rec_hdr(&h);
		buf = kt_record(test, &h, &len);
		buf[off[i]] ^= 1;
		KUNIT_EXPECT_EQ_MSG(test, sks_rec_get_hdr(buf, len, &d),
				    -EBADMSG, "byte %u", off[i]);
	}
	/* magic; a newer version is told apart from damage */
	kt_rec_hdr(&h);
	buf = kt_record(test, &h, &len);
	buf[0] = 'X';
	KUNIT_EXPECT_EQ(test, sks_rec_get_hdr(buf, len, &d), -EBADMSG);
	buf[0] = 'S';
	buf[4] = 2;
	KUNIT_EXPECT_EQ(test, sks_rec_get_hdr(buf, len, &d), -EPROTONOSUPPORT);
}

static void sks_state_trailer(struct kunit *test)
{
	struct sks_rec_trailer t, d;
	u8 buf[SKS_REC_TRAILER_LEN];

	/* (zeroed whole: the structs are compared with their padding) */
	memset(&t, 0, sizeof(t));
	t.so_failures = 1;
	t.co_failures = 2;
	t.cu_failures = 3;
	t.sim_failures = 4;
	t.generation = 0x0102030405060708ULL;
	t.flags = SKS_REC_ZEROIZED;
	memset(t.sum, 0xab, sizeof(t.sum));
	sks_rec_put_trailer(buf, &t);
	KT_EXPECT_MEMEQ(test, buf, "SKST", 4);
	KUNIT_EXPECT_EQ(test, sks_get_le64(buf + SKS_REC_TRL_GENERATION),
			t.generation);
	memset(&d, 0, sizeof(d));
	sks_rec_get_trailer(buf, &d);
	KT_EXPECT_MEMEQ(test, &d, &t, sizeof(t));
	/* the checksum is the last bytes of the record */
	KUNIT_EXPECT_EQ(test, buf[SKS_REC_TRAILER_LEN - 1], 0xab);
}

static void kt_secret(struct sks_rec_secret *s, u8 seed)
{
	s->set = 1;
	s->iterations = 1000;
	memset(s->salt, seed, sizeof(s->salt));
	memset(s->hash, seed + 1, sizeof(s->hash));
}

static void sks_state_payload(struct kunit *test)
{
	struct sks_rec_payload p, d;
	u8 *buf;
	size_t len = SKS_REC_PAYLOAD_FIXED + SKS_BLOB_REC_FIXED +
		     SKS_REC_LEDGER_LEN;
	int i;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(&p, 0, sizeof(p));
	p.flags = SKS_PAYLOAD_INITIALIZED;
	p.nr_objects = 1;
	p.nr_ledger = 1;
	kt_secret(&p.so, 0x10);
	kt_secret(&p.co, 0x20);
	p.domain_set = 1;
	memset(p.domain, 0x30, sizeof(p.domain));
	memset(p.smk, 0x40, sizeof(p.smk));
	memset(p.rollover, 0x50, sizeof(p.rollover));
	sks_rec_put_payload(buf, &p);
	memset(&d, 0, sizeof(d));
	KUNIT_ASSERT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_V1, &d),
			0);
	KT_EXPECT_MEMEQ(test, &d, &p, sizeof(p));
	/* the counts must fit the bytes after the fixed part */
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len - 1, SKS_SLOT_V1,
						  &d), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, SKS_REC_PAYLOAD_FIXED - 1,
						  SKS_SLOT_V1, &d), -EBADMSG);
	/* only a V1 partition has SMKs */
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_V0, &d),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_BACKUP,
						  &d), -EBADMSG);
	for (i = 0; i < 9; i++) {
		struct sks_rec_payload q = p;

		switch (i) {
		case 0:
			q.flags = 2;
			break;
		case 1:		/* a rollover SMK without a primary one */
			memset(q.smk, 0, sizeof(q.smk));
			break;
		case 2:
			q.so.set = 2;
			break;
		case 3:
			q.co.iterations = 0;
			break;
		case 4:		/* an unset secret with bytes */
			q.cu.salt[0] = 1;
			break;
		case 5:
			q.domain_set = 2;
			break;
		case 6:		/* a verifier's PBKDF2 cost out of bounds */
			q.so.iterations = SKS_KDF_ITERATIONS_MIN - 1;
			break;
		case 7:
			q.co.iterations = SKS_KDF_ITERATIONS_MAX + 1;
			break;
		default:	/* no domain, but its hash */
			q.domain_set = 0;
			break;
		}
		sks_rec_put_payload(buf, &q);
		KUNIT_EXPECT_EQ_MSG(test, sks_rec_get_payload(buf, len,
							      SKS_SLOT_V1, &d),
				    -EBADMSG, "case %d", i);
	}
	/* reserved words */
	sks_rec_put_payload(buf, &p);
	buf[12] = 1;
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_V1, &d),
			-EBADMSG);
	sks_rec_put_payload(buf, &p);
	buf[188] = 1;
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_V1, &d),
			-EBADMSG);
}

/*
 * A Backup HSM's payload: an SO secret, and neither SMKs, objects, ledger,
 * CO, CU nor domain.
 */
static void sks_state_payload_backup(struct kunit *test)
{
	struct sks_rec_payload p, q, d;
	u8 *buf;
	size_t len = SKS_REC_PAYLOAD_FIXED + SKS_BLOB_REC_FIXED;
	int i;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(&p, 0, sizeof(p));
	p.flags = SKS_PAYLOAD_INITIALIZED;
	kt_secret(&p.so, 0x10);
	sks_rec_put_payload(buf, &p);
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_BACKUP,
						  &d), 0);
	/* (the same is a V0 partition's without CO, CU or objects) */
	KUNIT_EXPECT_EQ(test, sks_rec_get_payload(buf, len, SKS_SLOT_V0, &d),
			0);
	for (i = 0; i < 6; i++) {
		q = p;
		switch (i) {
		case 0:
			q.nr_objects = 1;
			break;
		case 1:
			q.nr_ledger = 1;
			break;
		case 2:
			kt_secret(&q.co, 0x20);
			break;
		case 3:
			kt_secret(&q.cu, 0x30);
			break;
		case 4:
			q.domain_set = 1;
			break;
		default:
			memset(q.smk, 0x40, sizeof(q.smk));
			break;
		}
		sks_rec_put_payload(buf, &q);
		KUNIT_EXPECT_EQ_MSG(test, sks_rec_get_payload(buf, len,
							      SKS_SLOT_BACKUP,
							      &d),
				    -EBADMSG, "case %d", i);
		/* what a partition may have, but for the SMK */
		KUNIT_EXPECT_EQ_MSG(test, sks_rec_get_payload(buf, len,
							      SKS_SLOT_V0, &d),
				    i == 5 ? -EBADMSG : 0, "V0, case %d", i);
	}
}

static void sks_state_ledger(struct kunit *test)
{
	struct sks_rec_ledger l = { .limit = 5, .count = 5 }, d;
	u8 buf[SKS_REC_LEDGER_LEN];

	memset(l.key_id, 0x77, sizeof(l.key_id));
	sks_rec_put_ledger(buf, &l);
	KUNIT_ASSERT_EQ(test, sks_rec_get_ledger(buf, &d), 0);
	KT_EXPECT_MEMEQ(test, &d, &l, sizeof(l));
	l.count = 6;			/* more uses than its limit */
	sks_rec_put_ledger(buf, &l);
	KUNIT_EXPECT_EQ(test, sks_rec_get_ledger(buf, &d), -EBADMSG);
	l.count = 0;
	l.limit = 0;			/* no limit */
	sks_rec_put_ledger(buf, &l);
	KUNIT_EXPECT_EQ(test, sks_rec_get_ledger(buf, &d), -EBADMSG);
	l.limit = 1;
	memset(l.key_id, 0, sizeof(l.key_id));	/* no key id */
	sks_rec_put_ledger(buf, &l);
	KUNIT_EXPECT_EQ(test, sks_rec_get_ledger(buf, &d), -EBADMSG);
	l.key_id[15] = 1;
	sks_rec_put_ledger(buf, &l);
	KUNIT_EXPECT_EQ(test, sks_rec_get_ledger(buf, &d), 0);
	buf[39] = 1;			/* reserved */
	KUNIT_EXPECT_EQ(test, sks_rec_get_ledger(buf, &d), -EBADMSG);
}

static void sks_state_hsm_record(struct kunit *test)
{
	struct sks_hrec *r, *d;
	size_t len;
	u8 *buf;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	buf = kunit_kzalloc(test, sks_hrec_size(SKS_HREC_MAX_SLOTS + 1),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	r->serial = 154000001;
	memcpy(r->firmware, "7.7.2", 5);
	r->nr_slots = 2;
	r->slots[0].num = 1;
	r->slots[0].type = SKS_SLOT_V1;
	r->slots[0].generation = 3;
	r->slots[1].num = 31;
	r->slots[1].type = SKS_SLOT_BACKUP;
	len = sks_hrec_size(2);
	KUNIT_EXPECT_EQ(test, len, (size_t)SKS_HREC_FIXED +
			2 * SKS_HREC_SLOT_LEN + SKS_REC_SUM_LEN);
	sks_hrec_put(buf, r);
	KUNIT_ASSERT_EQ(test, sks_hrec_get(buf, len, d), 0);
	KUNIT_EXPECT_EQ(test, d->serial, r->serial);
	KUNIT_EXPECT_EQ(test, d->nr_slots, 2U);
	KUNIT_EXPECT_EQ(test, d->slots[1].num, 31U);
	KUNIT_EXPECT_EQ(test, d->slots[0].generation, 3ULL);
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len - 1, d), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len + 1, d), -EBADMSG);
	/* numbers not ascending, out of range; a type out of range */
	r->slots[1].num = 1;
	sks_hrec_put(buf, r);
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len, d), -EBADMSG);
	r->slots[1].num = SKS_HREC_MAX_SLOTS;
	sks_hrec_put(buf, r);
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len, d), -EBADMSG);
	r->slots[1].num = 31;
	r->slots[1].type = 3;
	sks_hrec_put(buf, r);
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len, d), -EBADMSG);
	r->slots[1].type = SKS_SLOT_V0;
	/* too many slots said */
	sks_hrec_put(buf, r);
	sks_put_le32(buf + 32, SKS_HREC_MAX_SLOTS + 1);
	len = sks_hrec_size(SKS_HREC_MAX_SLOTS + 1);
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len, d), -EBADMSG);
	len = sks_hrec_size(2);
	/* another version */
	sks_hrec_put(buf, r);
	buf[4] = 2;
	KUNIT_EXPECT_EQ(test, sks_hrec_get(buf, len, d), -EPROTONOSUPPORT);
}

static struct kunit_case sks_state_cases[] = {
	KUNIT_CASE(sks_state_hdr_round_trip),
	KUNIT_CASE(sks_state_hdr_rejects),
	KUNIT_CASE(sks_state_trailer),
	KUNIT_CASE(sks_state_payload),
	KUNIT_CASE(sks_state_payload_backup),
	KUNIT_CASE(sks_state_ledger),
	KUNIT_CASE(sks_state_hsm_record),
	{}
};

static struct kunit_suite sks_state_suite = {
	.name = "sks_state",
	.test_cases = sks_state_cases,
};

/* ---- image codec ---- */

static void kt_arc(struct sks_image_arc *a, u32 kind, const u8 *objs,
		   u32 nr, u32 len)
{
	memset(a, 0, sizeof(*a));
	a->version = SKS_IMAGE_VERSION;
	a->kind = kind;
	a->nr_objects = nr;
	memcpy(a->name, "123456_2024:01:02-03:04:05", 26);
	a->created = 1700000000;
	a->source_serial = 123456;
	memset(a->domain, 0x44, sizeof(a->domain));
	a->secret_iterations = 2048;
	memset(a->secret_salt, 0x55, sizeof(a->secret_salt));
	memset(a->secret_hash, 0x66, sizeof(a->secret_hash));
	if (kind == SKS_IMAGE_KIND_SKS)
		memset(a->smk, 0x77, sizeof(a->smk));
	a->objects_len = len;
	a->objects = objs;
}

static void sks_image_header(struct kunit *test)
{
	struct sks_image_hdr h = { .version = SKS_IMAGE_VERSION,
				   .iterations = 2048 }, d;
	size_t len = SKS_IMAGE_HDR_LEN + SKS_IMAGE_HSM_LEN + SKS_IMAGE_TAG_LEN;
	u8 *buf;

	buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	h.payload_len = SKS_IMAGE_HSM_LEN;
	memset(h.salt, 1, sizeof(h.salt));
	memset(h.iv, 2, sizeof(h.iv));
	memset(h.check, 3, sizeof(h.check));
	memset(h.sum, 4, sizeof(h.sum));
	sks_image_put_hdr(buf, &h);
	KUNIT_ASSERT_EQ(test, sks_image_get_hdr(buf, len, &d), 0);
	KT_EXPECT_MEMEQ(test, d.sum, h.sum, sizeof(h.sum));
	KUNIT_EXPECT_EQ(test, d.version, SKS_IMAGE_VERSION);
	KUNIT_EXPECT_EQ(test, d.iterations, 2048U);
	KUNIT_EXPECT_EQ(test, d.payload_len, (u32)SKS_IMAGE_HSM_LEN);
	KT_EXPECT_MEMEQ(test, d.salt, h.salt, sizeof(h.salt));
	KT_EXPECT_MEMEQ(test, d.iv, h.iv, sizeof(h.iv));
	KT_EXPECT_MEMEQ(test, d.check, h.check, sizeof(h.check));

	/* truncated, trailing bytes */
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len - 1, &d), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len + 1, &d), -EBADMSG);
	/* version, header length, flags, reserved, iterations */
	buf[4] = 3;
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	buf[4] = SKS_IMAGE_VERSION;
	buf[7] = 1;
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	buf[7] = 0;
	buf[8] = 1;
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	buf[8] = 0;
	buf[20] = 1;
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	buf[20] = 0;
	buf[68] = 1;
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	buf[68] = 0;
	h.iterations = 0;
	sks_image_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	h.iterations = SKS_IMAGE_MIN_ITER - 1;
	sks_image_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	h.iterations = SKS_IMAGE_MIN_ITER;
	sks_image_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), 0);
	h.iterations = SKS_IMAGE_MAX_ITER + 1;
	sks_image_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
	h.iterations = SKS_IMAGE_MAX_ITER;
	sks_image_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), 0);
}

/* A version 1 header (88 bytes, no checksum) is still read. */
static void sks_image_header_version_1(struct kunit *test)
{
	struct sks_image_hdr h = { .version = SKS_IMAGE_VERSION_1,
				   .iterations = 2048 }, d;
	size_t len = SKS_IMAGE_HDR_LEN_V1 + SKS_IMAGE_HSM_LEN_V1 +
		     SKS_IMAGE_TAG_LEN;
	u8 *buf;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	h.payload_len = SKS_IMAGE_HSM_LEN_V1;
	sks_image_put_hdr(buf, &h);
	KUNIT_EXPECT_EQ(test, buf[6], SKS_IMAGE_HDR_LEN_V1);
	KUNIT_ASSERT_EQ(test, sks_image_get_hdr(buf, len, &d), 0);
	KUNIT_EXPECT_EQ(test, d.version, (u16)SKS_IMAGE_VERSION_1);
	KUNIT_EXPECT_EQ(test, d.sum[0], 0);
	/* a version 1 header claiming the version 2 length */
	buf[6] = SKS_IMAGE_HDR_LEN;
	KUNIT_EXPECT_EQ(test, sks_image_get_hdr(buf, len, &d), -EBADMSG);
}

static void sks_image_hsm_record(struct kunit *test)
{
	struct sks_image_hsm m = { .version = SKS_IMAGE_VERSION,
				   .serial = 987654321, .capacity = 1 << 20,
				   .nr_archives = 3, .so_failures = 2 }, d;
	const u32 v = SKS_IMAGE_VERSION;
	u8 buf[SKS_IMAGE_HSM_LEN];

	strscpy(m.fw_version, "7.7.1", sizeof(m.fw_version));
	KUNIT_EXPECT_EQ(test, sks_image_put_hsm(buf, &m),
			(size_t)SKS_IMAGE_HSM_LEN);
	KUNIT_ASSERT_EQ(test, sks_image_get_hsm(buf, sizeof(buf), v, &d), 0);
	KUNIT_EXPECT_EQ(test, d.serial, 987654321ULL);
	KUNIT_EXPECT_EQ(test, d.capacity, 1ULL << 20);
	KUNIT_EXPECT_EQ(test, d.nr_archives, 3U);
	KUNIT_EXPECT_STREQ(test, d.fw_version, "7.7.1");
	KUNIT_EXPECT_EQ(test, d.so_failures, 2U);
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, sizeof(buf) - 1, v, &d),
			-EBADMSG);

	/* firmware: not terminated, unprintable, text after the NUL */
	memset(m.fw_version, '7', sizeof(m.fw_version));
	sks_image_put_hsm(buf, &m);
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, sizeof(buf), v, &d), -EBADMSG);
	strscpy_pad(m.fw_version, "7.7\n", sizeof(m.fw_version));
	sks_image_put_hsm(buf, &m);
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, sizeof(buf), v, &d), -EBADMSG);
	/* (padded: the '7's of the first case would be text after the NUL) */
	strscpy_pad(m.fw_version, "7.7.1", sizeof(m.fw_version));
	m.fw_version[7] = 'x';
	sks_image_put_hsm(buf, &m);
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, sizeof(buf), v, &d), -EBADMSG);
	m.fw_version[7] = 0;
	m.nr_archives = SKS_IMAGE_MAX_ARCHIVES + 1;
	sks_image_put_hsm(buf, &m);
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, sizeof(buf), v, &d), -EBADMSG);
	m.nr_archives = 0;
	m.version = SKS_IMAGE_VERSION_1;
	KUNIT_EXPECT_EQ(test, sks_image_put_hsm(buf, &m),
			(size_t)SKS_IMAGE_HSM_LEN_V1);
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, SKS_IMAGE_HSM_LEN_V1,
						SKS_IMAGE_VERSION_1, &d), 0);
	buf[36] = 1;	/* reserved in version 1 */
	KUNIT_EXPECT_EQ(test, sks_image_get_hsm(buf, SKS_IMAGE_HSM_LEN_V1,
						SKS_IMAGE_VERSION_1, &d),
			-EBADMSG);
}

static void sks_image_archive_record(struct kunit *test)
{
	const u32 v = SKS_IMAGE_VERSION;
	struct sks_image_arc a, d;
	struct sks_blob_rec r;
	size_t size, used, rlen;
	u8 *objs, *buf;

	kt_rec(&r, 32);
	rlen = sks_blob_rec_size(&r);
	objs = kunit_kzalloc(test, 2 * rlen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	sks_blob_put_rec(objs, &r);
	sks_blob_put_rec(objs + rlen, &r);

	/* a cloning archive with two objects */
	kt_arc(&a, SKS_IMAGE_KIND_CLONING, objs, 2, 2 * rlen);
	size = sks_image_arc_size(&a);
	KUNIT_EXPECT_EQ(test, size, SKS_IMAGE_ARC_FIXED + 2 * rlen);
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, sks_image_put_arc(buf, &a), size);
	KUNIT_ASSERT_EQ(test, sks_image_get_arc(buf, size, v, &d, &used), 0);
	KUNIT_EXPECT_EQ(test, used, size);
	KUNIT_EXPECT_EQ(test, d.kind, (u32)SKS_IMAGE_KIND_CLONING);
	KUNIT_EXPECT_EQ(test, d.nr_objects, 2U);
	KT_EXPECT_MEMEQ(test, d.name, a.name, sizeof(a.name));
	KUNIT_EXPECT_EQ(test, d.created, (s64)1700000000);
	KUNIT_EXPECT_EQ(test, d.source_serial, 123456ULL);
	KUNIT_EXPECT_EQ(test, d.secret_iterations, 2048U);
	KT_EXPECT_MEMEQ(test, d.secret_hash, a.secret_hash,
			sizeof(a.secret_hash));
	KUNIT_EXPECT_PTR_EQ(test, d.objects, (const u8 *)buf + SKS_IMAGE_ARC_FIXED);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, size - 1, v, &d, &used),
			-EBADMSG);
	/* object count disagreeing with the object area */
	a.nr_objects = 1;
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, size, v, &d, &used), -EBADMSG);
	a.nr_objects = 3;
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, size, v, &d, &used), -EBADMSG);
	a.nr_objects = 2;
	/* a cloning archive holds no SMK, an SKS archive one */
	memset(a.smk, 1, sizeof(a.smk));
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, size, v, &d, &used), -EBADMSG);

	/* an SKS archive, no objects */
	kt_arc(&a, SKS_IMAGE_KIND_SKS, NULL, 0, 0);
	sks_image_put_arc(buf, &a);
	KUNIT_ASSERT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), 0);
	KT_EXPECT_MEMEQ(test, d.smk, a.smk, sizeof(a.smk));
	memset(a.smk, 0, sizeof(a.smk));
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), -EBADMSG);
	/* kind, name, iterations, reserved */
	kt_arc(&a, 3, NULL, 0, 0);
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), -EBADMSG);
	kt_arc(&a, SKS_IMAGE_KIND_SKS, NULL, 0, 0);
	a.name[3] = ' ';
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), -EBADMSG);
	kt_arc(&a, SKS_IMAGE_KIND_SKS, NULL, 0, 0);
	a.secret_iterations = SKS_IMAGE_MIN_ITER - 1;
	sks_image_put_arc(buf, &a);
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), -EBADMSG);
	kt_arc(&a, SKS_IMAGE_KIND_SKS, NULL, 0, 0);
	a.failures = 4;
	sks_image_put_arc(buf, &a);
	KUNIT_ASSERT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), 0);
	KUNIT_EXPECT_EQ(test, d.failures, 4U);
	buf[220] = 1;	/* reserved */
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED, v,
						&d, &used), -EBADMSG);
	buf[220] = 0;
	a.version = SKS_IMAGE_VERSION_1;
	a.failures = 0;
	sks_image_put_arc(buf, &a);
	buf[8] = 1;	/* reserved in version 1 */
	KUNIT_EXPECT_EQ(test, sks_image_get_arc(buf, SKS_IMAGE_ARC_FIXED,
						SKS_IMAGE_VERSION_1, &d, &used),
			-EBADMSG);
}

static void sks_image_names(struct kunit *test)
{
	u8 name[SKS_IMAGE_NAME_LEN];

	memset(name, 0, sizeof(name));
	KUNIT_EXPECT_EQ(test, sks_image_check_name(name, sizeof(name)), -EINVAL);
	memcpy(name, "backup-1", 8);
	KUNIT_EXPECT_EQ(test, sks_image_check_name(name, sizeof(name)), 8);
	name[20] = 'x';		/* text after the padding starts */
	KUNIT_EXPECT_EQ(test, sks_image_check_name(name, sizeof(name)), -EINVAL);
	name[20] = 0;
	name[2] = ' ';
	KUNIT_EXPECT_EQ(test, sks_image_check_name(name, sizeof(name)), -EINVAL);
	name[2] = 0x7f;
	KUNIT_EXPECT_EQ(test, sks_image_check_name(name, sizeof(name)), -EINVAL);
	memset(name, '~', sizeof(name));
	KUNIT_EXPECT_EQ(test, sks_image_check_name(name, sizeof(name)),
			SKS_IMAGE_NAME_LEN);
}

/* Version 2 carries the key of the domain ids; version 1 reads zeros. */
static void sks_image_hsm_id_key(struct kunit *test)
{
	struct sks_image_hsm m = { .version = SKS_IMAGE_VERSION,
				   .serial = 42, .capacity = 1 << 20 }, d;
	u8 buf[SKS_IMAGE_HSM_LEN], zero[SKS_IMAGE_ID_KEY_LEN] = {};

	strscpy(m.fw_version, "7.7.1", sizeof(m.fw_version));
	memset(m.id_key, 0xd7, sizeof(m.id_key));
	sks_image_put_hsm(buf, &m);
	KUNIT_ASSERT_EQ(test, sks_image_get_hsm(buf, sizeof(buf),
						SKS_IMAGE_VERSION, &d), 0);
	KT_EXPECT_MEMEQ(test, d.id_key, m.id_key, sizeof(m.id_key));
	/* a version 1 record has none, whatever follows it */
	m.version = SKS_IMAGE_VERSION_1;
	sks_image_put_hsm(buf, &m);
	memset(d.id_key, 0xee, sizeof(d.id_key));
	KUNIT_ASSERT_EQ(test, sks_image_get_hsm(buf, SKS_IMAGE_HSM_LEN_V1,
						SKS_IMAGE_VERSION_1, &d), 0);
	KT_EXPECT_MEMEQ(test, d.id_key, zero, sizeof(zero));
	KUNIT_EXPECT_EQ(test, d.so_failures, 0U);
}

static struct kunit_case sks_image_cases[] = {
	KUNIT_CASE(sks_image_header),
	KUNIT_CASE(sks_image_header_version_1),
	KUNIT_CASE(sks_image_hsm_record),
	KUNIT_CASE(sks_image_hsm_id_key),
	KUNIT_CASE(sks_image_archive_record),
	KUNIT_CASE(sks_image_names),
	{}
};

static struct kunit_suite sks_image_suite = {
	.name = "sks_image",
	.test_cases = sks_image_cases,
};

/* ---- HKDF-SHA-256, RFC 5869 appendix A.1-A.3 ---- */

struct kt_hkdf {
	const char *name;
	u8 ikm[80], salt[80], info[80];
	unsigned int ikmlen, saltlen, infolen, okmlen;
	u8 okm[82];
};

static const u8 kt_okm1[] = {
	0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a, 0x90, 0x43, 0x4f, 0x64,
	0xd0, 0x36, 0x2f, 0x2a, 0x2d, 0x2d, 0x0a, 0x90, 0xcf, 0x1a, 0x5a, 0x4c,
	0x5d, 0xb0, 0x2d, 0x56, 0xec, 0xc4, 0xc5, 0xbf, 0x34, 0x00, 0x72, 0x08,
	0xd5, 0xb8, 0x87, 0x18, 0x58, 0x65,
};

static const u8 kt_okm2[] = {
	0xb1, 0x1e, 0x39, 0x8d, 0xc8, 0x03, 0x27, 0xa1, 0xc8, 0xe7, 0xf7, 0x8c,
	0x59, 0x6a, 0x49, 0x34, 0x4f, 0x01, 0x2e, 0xda, 0x2d, 0x4e, 0xfa, 0xd8,
	0xa0, 0x50, 0xcc, 0x4c, 0x19, 0xaf, 0xa9, 0x7c, 0x59, 0x04, 0x5a, 0x99,
	0xca, 0xc7, 0x82, 0x72, 0x71, 0xcb, 0x41, 0xc6, 0x5e, 0x59, 0x0e, 0x09,
	0xda, 0x32, 0x75, 0x60, 0x0c, 0x2f, 0x09, 0xb8, 0x36, 0x77, 0x93, 0xa9,
	0xac, 0xa3, 0xdb, 0x71, 0xcc, 0x30, 0xc5, 0x81, 0x79, 0xec, 0x3e, 0x87,
	0xc1, 0x4c, 0x01, 0xd5, 0xc1, 0xf3, 0x43, 0x4f, 0x1d, 0x87,
};

static const u8 kt_okm3[] = {
	0x8d, 0xa4, 0xe7, 0x75, 0xa5, 0x63, 0xc1, 0x8f, 0x71, 0x5f, 0x80, 0x2a,
	0x06, 0x3c, 0x5a, 0x31, 0xb8, 0xa1, 0x1f, 0x5c, 0x5e, 0xe1, 0x87, 0x9e,
	0xc3, 0x45, 0x4e, 0x5f, 0x3c, 0x73, 0x8d, 0x2d, 0x9d, 0x20, 0x13, 0x95,
	0xfa, 0xa4, 0xb6, 0x1a, 0x96, 0xc8,
};

/* Fill a test case: the RFC's inputs are byte ranges. */
static void kt_range(u8 *p, u8 first, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = first + i;
}

static void kt_hkdf_case(struct kunit *test, int tc, bool null_salt)
{
	struct sks_hkdf hkdf = {};
	struct kt_hkdf *c;
	u8 out[82];
	int err;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	switch (tc) {
	case 1:
		memset(c->ikm, 0x0b, 22);
		c->ikmlen = 22;
		kt_range(c->salt, 0x00, 13);
		c->saltlen = 13;
		kt_range(c->info, 0xf0, 10);
		c->infolen = 10;
		c->okmlen = sizeof(kt_okm1);
		memcpy(c->okm, kt_okm1, sizeof(kt_okm1));
		break;
	case 2:
		kt_range(c->ikm, 0x00, 80);
		c->ikmlen = 80;
		kt_range(c->salt, 0x60, 80);
		c->saltlen = 80;
		kt_range(c->info, 0xb0, 80);
		c->infolen = 80;
		c->okmlen = sizeof(kt_okm2);
		memcpy(c->okm, kt_okm2, sizeof(kt_okm2));
		break;
	default:	/* 3: no salt, no info */
		memset(c->ikm, 0x0b, 22);
		c->ikmlen = 22;
		c->okmlen = sizeof(kt_okm3);
		memcpy(c->okm, kt_okm3, sizeof(kt_okm3));
		break;
	}
	err = sks_hkdf_setup(&hkdf, null_salt ? NULL : c->salt, c->saltlen,
			     c->ikm, c->ikmlen);
	if (err == -ENOENT)
		kunit_skip(test, "hmac(sha256) not available");
	KUNIT_ASSERT_EQ(test, err, 0);
	memset(out, 0, sizeof(out));
	KUNIT_EXPECT_EQ(test, sks_hkdf_expand(&hkdf, c->info, c->infolen, out,
					      c->okmlen), 0);
	KT_EXPECT_MEMEQ(test, out, c->okm, c->okmlen);
	/* a shorter output is a prefix of the longer one */
	memset(out, 0, sizeof(out));
	KUNIT_EXPECT_EQ(test, sks_hkdf_expand(&hkdf, c->info, c->infolen, out,
					      17), 0);
	KT_EXPECT_MEMEQ(test, out, c->okm, 17);
	KUNIT_EXPECT_EQ(test, out[17], 0);
	sks_hkdf_destroy(&hkdf);
	KUNIT_EXPECT_PTR_EQ(test, hkdf.hmac_tfm, (struct crypto_shash *)NULL);
}

static void sks_hkdf_rfc5869_1(struct kunit *test)
{
	kt_hkdf_case(test, 1, false);
}

static void sks_hkdf_rfc5869_2(struct kunit *test)
{
	kt_hkdf_case(test, 2, false);
}

static void sks_hkdf_rfc5869_3(struct kunit *test)
{
	/* "salt not provided": an empty salt and the default are the same */
	kt_hkdf_case(test, 3, false);
	kt_hkdf_case(test, 3, true);
}

static void sks_hkdf_output_limit(struct kunit *test)
{
	struct sks_hkdf hkdf = {};
	u8 *out;
	int err;

	err = sks_hkdf_setup(&hkdf, NULL, 0, (const u8 *)"ikm", 3);
	if (err == -ENOENT)
		kunit_skip(test, "hmac(sha256) not available");
	KUNIT_ASSERT_EQ(test, err, 0);
	out = kunit_kzalloc(test, 255 * 32 + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, sks_hkdf_expand(&hkdf, NULL, 0, out, 255 * 32), 0);
	KUNIT_EXPECT_EQ(test, sks_hkdf_expand(&hkdf, NULL, 0, out,
					      255 * 32 + 1), -EINVAL);
	sks_hkdf_destroy(&hkdf);
}

static struct kunit_case sks_hkdf_cases[] = {
	KUNIT_CASE(sks_hkdf_rfc5869_1),
	KUNIT_CASE(sks_hkdf_rfc5869_2),
	KUNIT_CASE(sks_hkdf_rfc5869_3),
	KUNIT_CASE(sks_hkdf_output_limit),
	{}
};

static struct kunit_suite sks_hkdf_suite = {
	.name = "sks_hkdf",
	.test_cases = sks_hkdf_cases,
};

/* ---- PBKDF2-HMAC-SHA256 ---- */

static const u8 kt_pbkdf2_c1[] = {	/* "password", "salt", 1, 32 */
	0x12, 0x0f, 0xb6, 0xcf, 0xfc, 0xf8, 0xb3, 0x2c, 0x43, 0xe7, 0x22, 0x52,
	0x56, 0xc4, 0xf8, 0x37, 0xa8, 0x65, 0x48, 0xc9, 0x2c, 0xcc, 0x35, 0x48,
	0x08, 0x05, 0x98, 0x7c, 0xb7, 0x0b, 0xe1, 0x7b,
};

static const u8 kt_pbkdf2_c2[] = {	/* "password", "salt", 2, 32 */
	0xae, 0x4d, 0x0c, 0x95, 0xaf, 0x6b, 0x46, 0xd3, 0x2d, 0x0a, 0xdf, 0xf9,
	0x28, 0xf0, 0x6d, 0xd0, 0x2a, 0x30, 0x3f, 0x8e, 0xf3, 0xc2, 0x51, 0xdf,
	0xd6, 0xe2, 0xd8, 0x5a, 0x95, 0x47, 0x4c, 0x43,
};

/* "passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40 */
static const u8 kt_pbkdf2_c4096[] = {
	0x34, 0x8c, 0x89, 0xdb, 0xcb, 0xd3, 0x2b, 0x2f, 0x32, 0xd8, 0x14, 0xb8,
	0x11, 0x6e, 0x84, 0xcf, 0x2b, 0x17, 0x34, 0x7e, 0xbc, 0x18, 0x00, 0x18,
	0x1c, 0x4e, 0x2a, 0x1f, 0xb8, 0xdd, 0x53, 0xe1, 0xc6, 0x35, 0x51, 0x8c,
	0x7d, 0xac, 0x47, 0xe9,
};

static int kt_pbkdf2_init(struct kunit *test)
{
	struct crypto_shash *tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	test->priv = tfm;
	return 0;
}

static void kt_pbkdf2_exit(struct kunit *test)
{
	crypto_free_shash(test->priv);
}

static void sks_pbkdf2_vectors(struct kunit *test)
{
	static const char p2[] = "passwordPASSWORDpassword";
	static const char s2[] = "saltSALTsaltSALTsaltSALTsaltSALTsalt";
	struct crypto_shash *tfm = test->priv;
	u8 out[40];

	KUNIT_ASSERT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)"password", 8,
						(const u8 *)"salt", 4, 1, out,
						32), 0);
	KT_EXPECT_MEMEQ(test, out, kt_pbkdf2_c1, 32);
	KUNIT_ASSERT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)"password", 8,
						(const u8 *)"salt", 4, 2, out,
						32), 0);
	KT_EXPECT_MEMEQ(test, out, kt_pbkdf2_c2, 32);
	/* two blocks, the second one partial */
	KUNIT_ASSERT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)p2,
						sizeof(p2) - 1,
						(const u8 *)s2, sizeof(s2) - 1,
						4096, out, 40), 0);
	KT_EXPECT_MEMEQ(test, out, kt_pbkdf2_c4096, 40);
}

static void sks_pbkdf2_rejects(struct kunit *test)
{
	struct crypto_shash *tfm = test->priv;
	u8 salt[65] = {}, out[32];

	KUNIT_EXPECT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)"pw", 2, salt,
						16, 0, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)"pw", 2, salt,
						65, 1, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)"pw", 2, salt,
						64, 1, out, 32), 0);
}

/* HMAC-SHA256 of @msg under @key with a transform of its own. */
static void kt_hmac(struct kunit *test, const u8 *key, size_t keylen,
		    const char *msg, u8 *out)
{
	struct crypto_shash *tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);

	KUNIT_ASSERT_FALSE(test, IS_ERR(tfm));
	KUNIT_ASSERT_EQ(test, crypto_shash_setkey(tfm, key, keylen), 0);
	KUNIT_EXPECT_EQ(test, crypto_shash_tfm_digest(tfm, (const u8 *)msg,
						      strlen(msg), out), 0);
	crypto_free_shash(tfm);
}

/*
 * Nothing derived from the password stays in the transform: afterwards
 * it computes HMAC under an empty key, not under the password.
 */
static void sks_pbkdf2_leaves_no_secret_in_the_tfm(struct kunit *test)
{
	static const char msg[] = "what do ya want for nothing?";
	struct crypto_shash *tfm = test->priv;
	u8 out[32], after[32], empty[32], keyed[32];

	KUNIT_ASSERT_EQ(test, sks_pbkdf2_sha256(tfm, (const u8 *)"password", 8,
						(const u8 *)"salt", 4, 2, out,
						32), 0);
	KUNIT_ASSERT_EQ(test, crypto_shash_tfm_digest(tfm, (const u8 *)msg,
						      strlen(msg), after), 0);
	kt_hmac(test, (const u8 *)"", 0, msg, empty);
	kt_hmac(test, (const u8 *)"password", 8, msg, keyed);
	KT_EXPECT_MEMEQ(test, after, empty, sizeof(after));
	KUNIT_EXPECT_NE(test, memcmp(after, keyed, sizeof(after)), 0);
}

static struct kunit_case sks_pbkdf2_cases[] = {
	KUNIT_CASE(sks_pbkdf2_vectors),
	KUNIT_CASE(sks_pbkdf2_rejects),
	KUNIT_CASE(sks_pbkdf2_leaves_no_secret_in_the_tfm),
	{}
};

static struct kunit_suite sks_pbkdf2_suite = {
	.name = "sks_pbkdf2",
	.init = kt_pbkdf2_init,
	.exit = kt_pbkdf2_exit,
	.test_cases = sks_pbkdf2_cases,
};

/* ---- firmware gate of SKS backups ---- */

static void sks_fw_gate(struct kunit *test)
{
	static const struct { const char *fw; bool ok; } v[] = {
		{ "7.7.1", true }, { "7.7.2", true }, { "7.7.10", true },
		{ "7.8.0", true }, { "7.10.0", true }, { "8.0.0", true },
		{ "10.1.2", true }, { "6.28.0", true }, { "6.30.5", true },
		{ "7.7.0", false }, { "7.6.99", false }, { "6.27.9", false },
		{ "5.99.99", false }, { "0.0.0", false },
		{ "", false }, { "7", false }, { "7.7", false },
		{ "7.7.", false }, { "7..1", false }, { ".7.7", false },
		{ "v7.7.1", false }, { "7.x.1", false }, { "7 .7.1", false },
		{ "7.99999999999.1", false }, { "4294967303.0.0", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		KUNIT_EXPECT_EQ_MSG(test, sks_fw_supports_sks(v[i].fw), v[i].ok,
				    "firmware \"%s\"", v[i].fw);
}

static struct kunit_case sks_fw_cases[] = {
	KUNIT_CASE(sks_fw_gate),
	{}
};

static struct kunit_suite sks_fw_suite = {
	.name = "sks_fw",
	.test_cases = sks_fw_cases,
};

kunit_test_suites(&sks_blob_suite, &sks_state_suite, &sks_image_suite,
		  &sks_hkdf_suite, &sks_pbkdf2_suite, &sks_fw_suite);

MODULE_DESCRIPTION("KUnit tests of the sks codecs and key derivations");
MODULE_LICENSE("GPL");
