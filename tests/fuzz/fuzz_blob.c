// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the SKS blob parser, driver/blob_codec.c, built for user space
 * from the module's own source file.
 *
 * The input is a whole blob (header || payload || tag) with the payload taken
 * as already decrypted: it goes through the same steps as SKS_IOC_INSERT
 * (sks_blob_get_hdr(); with the header flag SKS_BLOB_F_AUTH the auth section
 * with sks_blob_get_auth(); then hdr.count records with sks_blob_get_rec(),
 * which must end exactly at the tag). The auth and record parsers also run
 * on the payload area regardless of the header, so that mutations which
 * break the header still reach them.
 *
 * Properties checked besides memory safety:
 * - every length the parser returns stays inside the input;
 * - the encoding is canonical: re-encoding an accepted header and accepted
 *   records with sks_blob_put_hdr()/sks_blob_put_rec() gives back the input
 *   bytes exactly (encode(parse(x)) == x), and parsing the re-encoding
 *   gives the same record again; the same for the auth section (encoded
 *   by blob_auth.h: the module writes it with its crypto);
 * - a record or auth section one byte short never parses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_auth.h"
#include "blob_codec.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: property failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static void same_rec(const struct sks_blob_rec *a, const struct sks_blob_rec *b)
{
	FUZZ_CHECK(a->class == b->class && a->key_type == b->key_type &&
		   a->flags == b->flags && a->label_len == b->label_len &&
		   a->id_len == b->id_len && a->value_len == b->value_len &&
		   a->usage_limit == b->usage_limit &&
		   a->usage_count == b->usage_count);
	FUZZ_CHECK(!memcmp(a->key_id, b->key_id, sizeof(a->key_id)));
	FUZZ_CHECK(!memcmp(a->label, b->label, a->label_len));
	FUZZ_CHECK(!memcmp(a->id, b->id, a->id_len));
	FUZZ_CHECK(!a->value_len || !memcmp(a->value, b->value, a->value_len));
}

/* Parse one record at @p (@len bytes left); check it and its re-encoding. */
static int one_rec(const u8 *p, size_t len, u32 version, size_t *used)
{
	size_t fixed = version == SKS_BLOB_VERSION_1 ? SKS_BLOB_REC_FIXED_V1 :
		       SKS_BLOB_REC_FIXED;
	static const u8 zero[SKS_BLOB_KEY_ID_LEN];
	struct sks_blob_rec r, r2;
	size_t n, n2;
	u8 *enc;

	if (sks_blob_get_rec(p, len, version, &r, &n))
		return -1;
	FUZZ_CHECK(r.version == version);
	FUZZ_CHECK(n >= fixed && n <= len);
	FUZZ_CHECK(n == sks_blob_rec_size(&r));
	FUZZ_CHECK(r.label_len <= SKS_BLOB_LABEL_MAX &&
		   r.id_len <= SKS_BLOB_ID_MAX &&
		   r.value_len <= SKS_BLOB_VALUE_MAX);
	/* version 2: a key id exactly with a usage limit; version 1: none */
	FUZZ_CHECK(!memcmp(r.key_id, zero, sizeof(zero)) ==
		   (version == SKS_BLOB_VERSION_1 || !r.usage_limit));
	FUZZ_CHECK(r.label == p + fixed);
	FUZZ_CHECK(r.value + r.value_len == p + n);

	enc = malloc(n);
	FUZZ_CHECK(enc);
	FUZZ_CHECK(sks_blob_put_rec(enc, &r) == n);
	FUZZ_CHECK(!memcmp(enc, p, n));
	FUZZ_CHECK(!sks_blob_get_rec(enc, n, version, &r2, &n2) && n2 == n);
	same_rec(&r, &r2);
	/* A record cut short by one byte never parses. */
	FUZZ_CHECK(sks_blob_get_rec(enc, n - 1, version, &r2, &n2));
	free(enc);
	*used = n;
	return 0;
}

/* The records of a payload, as the insert path walks them. */
static int walk(const u8 *p, size_t len, u32 count, u32 version)
{
	size_t off = 0, n;
	u32 i;

	for (i = 0; i < count; i++, off += n) {
		if (one_rec(p + off, len - off, version, &n))
			return -1;
		FUZZ_CHECK(off + n <= len);
	}
	return off == len ? 0 : -1;
}

/*
 * The auth section at the start of a payload (@len bytes); its size in
 * @used. Checks what an accepted section promises and its re-encoding.
 */
static int auth(const u8 *p, size_t len, size_t *used)
{
	struct sks_blob_auth a, a2;
	size_t n, n2;
	u8 *enc;

	memset(&a, 0, sizeof(a));
	memset(&a2, 0, sizeof(a2));
	if (sks_blob_get_auth(p, len, &a, &n))
		return -1;
	FUZZ_CHECK(a.n >= 1 && a.n <= SKS_BLOB_AUTH_MAX);
	FUZZ_CHECK(a.m >= 1 && a.m <= a.n);
	FUZZ_CHECK(n == sks_blob_auth_size(a.n) && n <= len);
	FUZZ_CHECK(a.key == p + 8);
	FUZZ_CHECK(a.verifiers == p + SKS_BLOB_AUTH_FIXED);
	FUZZ_CHECK(a.verifiers + (size_t)a.n * SKS_BLOB_AUTH_VERIFIER_LEN ==
		   p + n);

	enc = malloc(n);
	FUZZ_CHECK(enc);
	FUZZ_CHECK(put_auth(enc, a.n, a.m, 0, a.key, a.verifiers) == n);
	FUZZ_CHECK(!memcmp(enc, p, n));
	FUZZ_CHECK(!sks_blob_get_auth(enc, n, &a2, &n2) && n2 == n);
	FUZZ_CHECK(a2.n == a.n && a2.m == a.m);
	FUZZ_CHECK(!memcmp(a2.key, a.key, SKS_BLOB_AUTH_KEY_LEN));
	FUZZ_CHECK(!memcmp(a2.verifiers, a.verifiers,
			   (size_t)a.n * SKS_BLOB_AUTH_VERIFIER_LEN));
	/* One byte short never parses. */
	FUZZ_CHECK(sks_blob_get_auth(enc, n - 1, &a2, &n2));
	free(enc);
	*used = n;
	return 0;
}

static void whole_blob(const u8 *data, size_t size)
{
	struct sks_blob_hdr h, h2;
	u8 hdr[SKS_BLOB_HDR_LEN];
	size_t used = 0;

	/* (zeroed: the structs are compared whole, padding included) */
	memset(&h, 0, sizeof(h));
	memset(&h2, 0, sizeof(h2));
	if (sks_blob_get_hdr(data, size, &h))
		return;
	FUZZ_CHECK(size >= SKS_BLOB_HDR_LEN + SKS_BLOB_TAG_LEN &&
		   size <= SKS_BLOB_MAX_LEN);
	FUZZ_CHECK(h.version == SKS_BLOB_VERSION ||
		   h.version == SKS_BLOB_VERSION_1);
	/* the auth section only in version 2; no other flag */
	FUZZ_CHECK(!h.flags || (h.flags == SKS_BLOB_F_AUTH &&
				h.version == SKS_BLOB_VERSION));
	FUZZ_CHECK(h.count >= 1 && h.count <= SKS_BLOB_MAX_COUNT);
	FUZZ_CHECK((size_t)h.payload_len + SKS_BLOB_HDR_LEN +
		   SKS_BLOB_TAG_LEN == size);
	FUZZ_CHECK(h.payload_len >= (size_t)h.count * (h.version ==
		   SKS_BLOB_VERSION_1 ? SKS_BLOB_REC_FIXED_V1 :
		   SKS_BLOB_REC_FIXED) +
		   (h.flags ? sks_blob_auth_size(1) : 0));

	sks_blob_put_hdr(hdr, &h);
	FUZZ_CHECK(!memcmp(hdr, data, SKS_BLOB_HDR_LEN));
	FUZZ_CHECK(!sks_blob_get_hdr(data, size, &h2));
	FUZZ_CHECK(!memcmp(&h, &h2, sizeof(h)));
	/* Truncation and trailing bytes are refused. */
	FUZZ_CHECK(sks_blob_get_hdr(data, size - 1, &h2));

	/* As insert: the auth section first, then the records to the end. */
	if (h.flags & SKS_BLOB_F_AUTH) {
		if (auth(data + SKS_BLOB_HDR_LEN, h.payload_len, &used))
			return;
		FUZZ_CHECK(used <= h.payload_len);
	}
	walk(data + SKS_BLOB_HDR_LEN + used, h.payload_len - used, h.count,
	     h.version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	whole_blob(data, size);

	/* The auth and record parsers on their own, whatever the header says. */
	if (size >= SKS_BLOB_HDR_LEN + SKS_BLOB_TAG_LEN) {
		size_t plen = size - SKS_BLOB_HDR_LEN - SKS_BLOB_TAG_LEN, used;

		if (!auth(data + SKS_BLOB_HDR_LEN, plen, &used))
			walk(data + SKS_BLOB_HDR_LEN + used, plen - used,
			     SKS_BLOB_MAX_COUNT, SKS_BLOB_VERSION);
		walk(data + SKS_BLOB_HDR_LEN,
		     size - SKS_BLOB_HDR_LEN - SKS_BLOB_TAG_LEN,
		     SKS_BLOB_MAX_COUNT, SKS_BLOB_VERSION);
		walk(data + SKS_BLOB_HDR_LEN,
		     size - SKS_BLOB_HDR_LEN - SKS_BLOB_TAG_LEN,
		     SKS_BLOB_MAX_COUNT, SKS_BLOB_VERSION_1);
	}
	return 0;
}
