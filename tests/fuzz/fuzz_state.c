// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the durable state record codec, driver/state_codec.c,
 * built for user space from the module's own source file.
 *
 * The input is a whole record as SKS_CTL_STATE_LOAD takes it, with a slot
 * record's payload taken as already decrypted:
 *
 * - "SKSH": an HSM record, sks_hrec_get();
 * - otherwise a slot record: sks_rec_get_hdr(), the trailer
 *   (sks_rec_get_trailer(), the last SKS_REC_TRAILER_LEN bytes), and, when
 *   the header has wraps, the payload as activation reads it:
 *   sks_rec_get_payload(), then for a partition nr_objects token object
 *   records (sks_blob_get_rec(), format version 2) and nr_ledger ledger
 *   entries (sks_rec_get_ledger()) ending exactly at the tag; for a Backup
 *   HSM the image payload encoding (sks_image_get_hsm() and its archives).
 *   The payload parsers also run on the bytes after the header whatever
 *   the header says.
 *
 * The checksum and the GCM tag are the caller's (crypto), not checked here.
 *
 * Properties checked besides memory safety:
 * - lengths stay inside the input, counts within their limits;
 * - the encoding is canonical: an accepted HSM record, header, payload
 *   fixed part and ledger entry re-encode with the module's encoders to
 *   exactly the input bytes and parse again to the same values;
 *   a trailer re-encodes to the input bytes after its magic (which the
 *   parser does not read, see docs/fuzzing.md);
 * - a record one byte short, or one byte longer, is refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_codec.h"
#include "state_codec.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: property failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define SLOT_BACKUP	2	/* SKS_SLOT_BACKUP */

static void hsm_record(const u8 *data, size_t size)
{
	static struct sks_hrec r, r2;
	u32 i;
	u8 *enc;

	memset(&r, 0, sizeof(r));
	memset(&r2, 0, sizeof(r2));
	if (sks_hrec_get(data, size, &r))
		return;
	FUZZ_CHECK(r.nr_slots <= SKS_HREC_MAX_SLOTS);
	FUZZ_CHECK(size == sks_hrec_size(r.nr_slots));
	FUZZ_CHECK(memchr(r.firmware, 0, sizeof(r.firmware)));
	for (i = 0; i < r.nr_slots; i++) {
		FUZZ_CHECK(r.slots[i].num < SKS_HREC_MAX_SLOTS &&
			   r.slots[i].type <= SLOT_BACKUP);
		FUZZ_CHECK(!i || r.slots[i].num > r.slots[i - 1].num);
	}

	/* The encoder leaves the checksum zero: it is the caller's. */
	enc = malloc(size + 1);
	FUZZ_CHECK(enc);
	sks_hrec_put(enc, &r);
	memcpy(enc + size - SKS_REC_SUM_LEN, data + size - SKS_REC_SUM_LEN,
	       SKS_REC_SUM_LEN);
	FUZZ_CHECK(!memcmp(enc, data, size));
	FUZZ_CHECK(!sks_hrec_get(enc, size, &r2));
	FUZZ_CHECK(!memcmp(&r, &r2, sizeof(r)));
	FUZZ_CHECK(sks_hrec_get(enc, size - 1, &r2));
	enc[size] = 0;
	FUZZ_CHECK(sks_hrec_get(enc, size + 1, &r2));
	free(enc);
}

/* One object record of a partition payload: format version 2, canonical. */
static int one_rec(const u8 *p, size_t len, size_t *used)
{
	struct sks_blob_rec r, r2;
	size_t n, n2;
	u8 *enc;

	if (sks_blob_get_rec(p, len, SKS_BLOB_VERSION, &r, &n))
		return -1;
	FUZZ_CHECK(n >= SKS_BLOB_REC_FIXED && n <= len);
	enc = malloc(n);
	FUZZ_CHECK(enc);
	FUZZ_CHECK(sks_blob_put_rec(enc, &r) == n);
	FUZZ_CHECK(!memcmp(enc, p, n));
	FUZZ_CHECK(!sks_blob_get_rec(enc, n, SKS_BLOB_VERSION, &r2, &n2) &&
		   n2 == n);
	free(enc);
	*used = n;
	return 0;
}

/* The image payload encoding a Backup HSM's record carries. */
static void backup_payload(const u8 *p, size_t len)
{
	size_t hsm_len = sks_image_hsm_size(SKS_IMAGE_VERSION), off, n;
	struct sks_image_hsm m;
	struct sks_image_arc a;
	u32 i;

	memset(&m, 0, sizeof(m));
	if (sks_image_get_hsm(p, len, SKS_IMAGE_VERSION, &m))
		return;
	FUZZ_CHECK(len >= hsm_len);
	FUZZ_CHECK(m.nr_archives <= SKS_IMAGE_MAX_ARCHIVES);
	for (i = 0, off = hsm_len; i < m.nr_archives; i++, off += n) {
		memset(&a, 0, sizeof(a));
		if (sks_image_get_arc(p + off, len - off, SKS_IMAGE_VERSION,
				      &a, &n))
			return;
		FUZZ_CHECK(n <= len - off && n == sks_image_arc_size(&a));
	}
}

/* A decrypted payload of a slot of @type, as activation reads it. */
static int payload(const u8 *p, size_t len, u32 type)
{
	struct sks_rec_payload f, f2;
	struct sks_rec_ledger l, l2;
	u8 enc[SKS_REC_PAYLOAD_FIXED > SKS_REC_LEDGER_LEN ?
	       SKS_REC_PAYLOAD_FIXED : SKS_REC_LEDGER_LEN];
	size_t off, n;
	u32 i;

	memset(&f, 0, sizeof(f));
	memset(&f2, 0, sizeof(f2));
	if (sks_rec_get_payload(p, len, type, &f))
		return -1;
	FUZZ_CHECK(len >= SKS_REC_PAYLOAD_FIXED);
	FUZZ_CHECK(f.nr_objects <= SKS_REC_MAX_OBJECTS &&
		   f.nr_ledger <= SKS_REC_MAX_OBJECTS);
	FUZZ_CHECK((u64)f.nr_objects * SKS_BLOB_REC_FIXED +
		   (u64)f.nr_ledger * SKS_REC_LEDGER_LEN <=
		   len - SKS_REC_PAYLOAD_FIXED);
	FUZZ_CHECK(f.so.set <= 1 && f.co.set <= 1 && f.cu.set <= 1);
	FUZZ_CHECK(type != SLOT_BACKUP || (!f.nr_objects && !f.nr_ledger &&
					   !f.co.set && !f.cu.set));
	sks_rec_put_payload(enc, &f);
	FUZZ_CHECK(!memcmp(enc, p, SKS_REC_PAYLOAD_FIXED));
	FUZZ_CHECK(!sks_rec_get_payload(p, len, type, &f2));
	FUZZ_CHECK(!memcmp(&f, &f2, sizeof(f)));
	if (!f.nr_objects && !f.nr_ledger) {	/* the fixed part alone */
		memset(&f2, 0, sizeof(f2));
		FUZZ_CHECK(!sks_rec_get_payload(enc, SKS_REC_PAYLOAD_FIXED,
						type, &f2));
		FUZZ_CHECK(!memcmp(&f, &f2, sizeof(f)));
	}
	FUZZ_CHECK(sks_rec_get_payload(p, SKS_REC_PAYLOAD_FIXED - 1, type,
				       &f2));

	off = SKS_REC_PAYLOAD_FIXED;
	if (type == SLOT_BACKUP) {
		backup_payload(p + off, len - off);
		return 0;
	}
	for (i = 0; i < f.nr_objects; i++, off += n) {
		if (one_rec(p + off, len - off, &n))
			return -1;
		FUZZ_CHECK(off + n <= len);
	}
	for (i = 0; i < f.nr_ledger; i++, off += SKS_REC_LEDGER_LEN) {
		if (len - off < SKS_REC_LEDGER_LEN ||
		    sks_rec_get_ledger(p + off, &l))
			return -1;
		FUZZ_CHECK(l.limit && l.count <= l.limit);
		sks_rec_put_ledger(enc, &l);
		FUZZ_CHECK(!memcmp(enc, p + off, SKS_REC_LEDGER_LEN));
		FUZZ_CHECK(!sks_rec_get_ledger(enc, &l2));
		FUZZ_CHECK(!memcmp(&l, &l2, sizeof(l)));
	}
	return off == len ? 0 : -1;
}

static void slot_record(const u8 *data, size_t size)
{
	static struct sks_rec_hdr h, h2;
	struct sks_rec_trailer t, t2;
	u8 hdr[SKS_REC_HDR_LEN], trl[SKS_REC_TRAILER_LEN];
	const u8 *tp;
	u32 i, seen = 0;
	u8 *big;

	memset(&h, 0, sizeof(h));
	memset(&h2, 0, sizeof(h2));
	if (sks_rec_get_hdr(data, size, &h))
		return;
	FUZZ_CHECK(size == sks_rec_size(&h) && size <= SKS_REC_MAX_LEN);
	FUZZ_CHECK(h.version == SKS_REC_VERSION && !h.flags);
	FUZZ_CHECK(h.type <= SLOT_BACKUP && h.num < SKS_HREC_MAX_SLOTS);
	FUZZ_CHECK(h.capacity && h.capacity <= (256U << 20));
	FUZZ_CHECK(h.nr_wraps <= SKS_REC_WRAPS);
	FUZZ_CHECK(h.nr_wraps || !h.payload_len);
	FUZZ_CHECK(memchr(h.fw_version, 0, sizeof(h.fw_version)));
	for (i = 0; i < h.nr_wraps; i++) {
		const struct sks_rec_wrap *w = &h.wraps[i];

		FUZZ_CHECK(w->kind >= SKS_WRAP_SO && w->kind <= SKS_WRAP_AUTO);
		FUZZ_CHECK(!(seen & (1U << w->kind)));
		seen |= 1U << w->kind;
		FUZZ_CHECK((w->kind == SKS_WRAP_AUTO) == !w->iterations);
	}
	FUZZ_CHECK(!!(seen & (1U << SKS_WRAP_AUTO)) == !!h.desc[0]);

	sks_rec_put_hdr(hdr, &h);
	FUZZ_CHECK(!memcmp(hdr, data, SKS_REC_HDR_LEN));
	FUZZ_CHECK(!sks_rec_get_hdr(data, size, &h2));
	FUZZ_CHECK(!memcmp(&h, &h2, sizeof(h)));
	/* Truncation and trailing bytes are refused. */
	FUZZ_CHECK(sks_rec_get_hdr(data, size - 1, &h2));
	big = malloc(size + 1);
	FUZZ_CHECK(big);
	memcpy(big, data, size);
	big[size] = 0;
	FUZZ_CHECK(sks_rec_get_hdr(big, size + 1, &h2));
	free(big);

	tp = data + size - SKS_REC_TRAILER_LEN;
	memset(&t, 0, sizeof(t));
	memset(&t2, 0, sizeof(t2));
	sks_rec_get_trailer(tp, &t);
	sks_rec_put_trailer(trl, &t);
	FUZZ_CHECK(!memcmp(trl + 4, tp + 4, sizeof(trl) - 4));
	sks_rec_get_trailer(trl, &t2);
	FUZZ_CHECK(!memcmp(&t, &t2, sizeof(t)));

	if (h.nr_wraps)
		payload(data + SKS_REC_HDR_LEN, h.payload_len, h.type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 type;

	if (size >= 4 && !memcmp(data, SKS_HREC_MAGIC, 4))
		hsm_record(data, size);
	else
		slot_record(data, size);

	/* The payload parsers on their own, whatever the header says. */
	if (size >= SKS_REC_HDR_LEN + SKS_REC_TAG_LEN + SKS_REC_TRAILER_LEN)
		for (type = 0; type <= SLOT_BACKUP; type++)
			payload(data + SKS_REC_HDR_LEN, size - SKS_REC_HDR_LEN -
				SKS_REC_TAG_LEN - SKS_REC_TRAILER_LEN, type);
	return 0;
}
