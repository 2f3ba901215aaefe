// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the Backup HSM image parser, driver/image_codec.c (with the
 * blob record parser of driver/blob_codec.c it uses for archive objects), built
 * for user space from the module's own source files.
 *
 * The input is a whole image (header || payload || tag) with the payload
 * taken as already decrypted. It goes through the steps of
 * SKS_CTL_IMAGE_LOAD: sks_image_get_hdr() on the whole image, then
 * sks_image_get_hsm() and nr_archives sks_image_get_arc() over the payload,
 * archive names unique, ending exactly at the tag. The payload walk also
 * runs whatever the header says, so that mutations which break the header
 * (its iteration count, say) still reach the record parsers.
 *
 * Properties checked besides memory safety: lengths stay inside the input,
 * and the encoding is canonical: the header, the HSM record and every
 * archive record re-encode (sks_image_put_*) to exactly the input bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_codec.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: property failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* At most this many archives fit in an input of libFuzzer's sizes anyway. */
#define NAMES_MAX	SKS_IMAGE_MAX_ARCHIVES

static int one_arc(const u8 *p, size_t len, u32 version,
		   struct sks_image_arc *a, size_t *used)
{
	struct sks_blob_rec r;
	size_t n, off, rn;
	u32 i;
	u8 *enc;
	int nl;

	memset(a, 0, sizeof(*a));
	if (sks_image_get_arc(p, len, version, a, &n))
		return -1;
	FUZZ_CHECK(a->version == version);
	FUZZ_CHECK(n >= SKS_IMAGE_ARC_FIXED && n <= len);
	FUZZ_CHECK(n == sks_image_arc_size(a));
	FUZZ_CHECK(a->kind == SKS_IMAGE_KIND_SKS ||
		   a->kind == SKS_IMAGE_KIND_CLONING);
	FUZZ_CHECK(a->objects == p + SKS_IMAGE_ARC_FIXED);
	FUZZ_CHECK(a->secret_iterations >= SKS_IMAGE_MIN_ITER &&
		   a->secret_iterations <= SKS_IMAGE_MAX_ITER);
	nl = sks_image_check_name(a->name, sizeof(a->name));
	FUZZ_CHECK(nl >= 1 && nl <= SKS_IMAGE_NAME_LEN);

	/* The object area is exactly nr_objects well-formed records. */
	for (i = 0, off = 0; i < a->nr_objects; i++, off += rn) {
		FUZZ_CHECK(!sks_blob_get_rec(a->objects + off,
					     a->objects_len - off, version,
					     &r, &rn));
		FUZZ_CHECK(rn <= a->objects_len - off);
	}
	FUZZ_CHECK(off == a->objects_len);

	enc = malloc(n);
	FUZZ_CHECK(enc);
	FUZZ_CHECK(sks_image_put_arc(enc, a) == n);
	FUZZ_CHECK(!memcmp(enc, p, n));
	free(enc);
	*used = n;
	return 0;
}

/* The decrypted payload, as the image load path decodes it. */
static int payload(const u8 *p, size_t len, u32 version)
{
	static u8 names[NAMES_MAX][SKS_IMAGE_NAME_LEN];
	size_t hsm_len = sks_image_hsm_size(version);
	struct sks_image_hsm m;
	struct sks_image_arc a;
	u8 enc[SKS_IMAGE_HSM_LEN];
	size_t off, n;
	u32 i, j;

	memset(&m, 0, sizeof(m));
	if (sks_image_get_hsm(p, len, version, &m))
		return -1;
	FUZZ_CHECK(m.version == version);
	FUZZ_CHECK(len >= hsm_len);
	FUZZ_CHECK(m.nr_archives <= SKS_IMAGE_MAX_ARCHIVES);
	FUZZ_CHECK(memchr(m.fw_version, 0, sizeof(m.fw_version)));
	FUZZ_CHECK(sks_image_put_hsm(enc, &m) == hsm_len);
	FUZZ_CHECK(!memcmp(enc, p, hsm_len));

	off = hsm_len;
	for (i = 0; i < m.nr_archives; i++, off += n) {
		if (one_arc(p + off, len - off, version, &a, &n))
			return -1;
		FUZZ_CHECK(off + n <= len);
		for (j = 0; j < i; j++)
			if (!memcmp(names[j], a.name, SKS_IMAGE_NAME_LEN))
				return -1;	/* duplicate name: refused */
		memcpy(names[i], a.name, SKS_IMAGE_NAME_LEN);
	}
	return off == len ? 0 : -1;
}

static void whole_image(const u8 *data, size_t size)
{
	struct sks_image_hdr h, h2;
	u8 hdr[SKS_IMAGE_HDR_LEN];
	size_t hlen;

	/* (zeroed: the structs are compared whole, padding included) */
	memset(&h, 0, sizeof(h));
	memset(&h2, 0, sizeof(h2));
	if (sks_image_get_hdr(data, size, &h))
		return;
	FUZZ_CHECK(size <= SKS_IMAGE_MAX_LEN);
	FUZZ_CHECK((h.version == SKS_IMAGE_VERSION ||
		    h.version == SKS_IMAGE_VERSION_1) && !h.flags);
	FUZZ_CHECK(h.iterations >= SKS_IMAGE_MIN_ITER &&
		   h.iterations <= SKS_IMAGE_MAX_ITER);
	hlen = sks_image_hdr_size(h.version);
	FUZZ_CHECK((size_t)h.payload_len + hlen + SKS_IMAGE_TAG_LEN == size);
	FUZZ_CHECK(h.payload_len >= sks_image_hsm_size(h.version));

	sks_image_put_hdr(hdr, &h);
	FUZZ_CHECK(!memcmp(hdr, data, hlen));
	FUZZ_CHECK(!sks_image_get_hdr(data, size, &h2));
	FUZZ_CHECK(!memcmp(&h, &h2, sizeof(h)));
	FUZZ_CHECK(sks_image_get_hdr(data, size - 1, &h2));

	payload(data + hlen, h.payload_len, h.version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	whole_image(data, size);

	/* The payload decoder on its own, whatever the header says. */
	if (size >= SKS_IMAGE_HDR_LEN + SKS_IMAGE_TAG_LEN) {
		payload(data + SKS_IMAGE_HDR_LEN,
			size - SKS_IMAGE_HDR_LEN - SKS_IMAGE_TAG_LEN,
			SKS_IMAGE_VERSION);
		payload(data + SKS_IMAGE_HDR_LEN_V1,
			size - SKS_IMAGE_HDR_LEN_V1 - SKS_IMAGE_TAG_LEN,
			SKS_IMAGE_VERSION_1);
	}
	return 0;
}
