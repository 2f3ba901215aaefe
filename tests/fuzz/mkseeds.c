// SPDX-License-Identifier: GPL-2.0
/*
 * Write the seed corpus of the parser fuzzers with the module's own encoders
 * (driver/blob_codec.c, driver/image_codec.c): valid blobs and images whose payload is
 * left in the clear (the fuzz targets take it as decrypted), plus edge cases
 * the parsers must refuse. The output is deterministic.
 *
 * Usage: mkseeds BLOB_DIR IMAGE_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_codec.h"

static const char *blob_dir, *image_dir;

static void put_file(const char *dir, const char *name, const u8 *p,
		     size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (len && fwrite(p, 1, len, f) != len) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void pattern(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7);
}

/* ---- blobs ---------------------------------------------------------- */

static struct sks_blob_rec rec(u32 class, u32 key_type, u32 flags,
			       const char *label, const char *id,
			       const u8 *value, u32 value_len)
{
	struct sks_blob_rec r = {
		.version = SKS_BLOB_VERSION, .class = class, .key_type = key_type, .flags = flags,
		.label_len = strlen(label), .id_len = strlen(id),
		.value_len = value_len,
		.label = (const u8 *)label, .id = (const u8 *)id,
		.value = value,
	};
	return r;
}

/*
 * Header || [auth section] || records || tag; returns the length. An
 * auth_n of 0 writes no auth section; otherwise one with auth_n verifiers,
 * of which auth_m are needed (SKS_BLOB_F_AUTH, version 2 only).
 */
static size_t blob_auth(u8 *out, const struct sks_blob_rec *r, u32 n,
			u32 auth_n, u32 auth_m)
{
	struct sks_blob_hdr h = { .version = r[0].version, .count = n };
	size_t off = SKS_BLOB_HDR_LEN;
	u32 i;

	if (auth_n) {
		u8 *a = out + off;

		h.flags = SKS_BLOB_F_AUTH;
		a[0] = auth_n & 0xff;
		a[1] = auth_n >> 8;
		a[2] = auth_m & 0xff;
		a[3] = auth_m >> 8;
		memset(a + 4, 0, 4);
		pattern(a + 8, SKS_BLOB_AUTH_FIXED - 8, 0x50);
		pattern(a + SKS_BLOB_AUTH_FIXED,
			auth_n * SKS_BLOB_AUTH_VERIFIER_LEN, 0x60);
		off += sks_blob_auth_size(auth_n);
	}
	for (i = 0; i < n; i++)
		off += sks_blob_put_rec(out + off, &r[i]);
	h.payload_len = off - SKS_BLOB_HDR_LEN;
	pattern(h.fingerprint, sizeof(h.fingerprint), 0x10);
	pattern(h.salt, sizeof(h.salt), 0x20);
	pattern(h.iv, sizeof(h.iv), 0x30);
	sks_blob_put_hdr(out, &h);
	memset(out + off, 0xaa, SKS_BLOB_TAG_LEN);
	return off + SKS_BLOB_TAG_LEN;
}

static size_t blob(u8 *out, const struct sks_blob_rec *r, u32 n)
{
	return blob_auth(out, r, n, 0, 0);
}

/* Flags and values as SKS_IOC_EXTRACT writes them (uapi SKS_OBJ_*). */
#define F_SENS_EXT_ENC_DEC	0x1e
#define F_SENS_EXT_SIGN_VER	0x66
#define F_EXT			0x04

static void blobs(void)
{
	static u8 buf[SKS_BLOB_MAX_LEN], key[128], data[300];
	char label[SKS_BLOB_LABEL_MAX + 1], id[SKS_BLOB_ID_MAX + 1];
	struct sks_blob_rec r[8];
	size_t len;

	pattern(key, sizeof(key), 0x41);
	pattern(data, sizeof(data), 0x61);
	memset(label, 'L', SKS_BLOB_LABEL_MAX);
	label[SKS_BLOB_LABEL_MAX] = 0;
	memset(id, 'I', SKS_BLOB_ID_MAX);
	id[SKS_BLOB_ID_MAX] = 0;

	r[0] = rec(4, 0x1f, F_SENS_EXT_ENC_DEC, "aes-key", "", key, 32);
	len = blob(buf, r, 1);
	put_file(blob_dir, "aes256-one", buf, len);

	r[1] = rec(4, 0x10, F_SENS_EXT_SIGN_VER, "hmac", "01", key, 64);
	r[2] = rec(0, 0, F_EXT, "note", "", data, sizeof(data));
	r[2].usage_limit = 0;
	r[1].usage_limit = 100;
	r[1].usage_count = 7;
	pattern(r[1].key_id, sizeof(r[1].key_id), 0x99);
	len = blob(buf, r, 3);
	put_file(blob_dir, "aes-hmac-data", buf, len);
	/* the same in format version 1 (no key ids), which is still read */
	r[0].version = r[1].version = r[2].version = SKS_BLOB_VERSION_1;
	len = blob(buf, r, 3);
	put_file(blob_dir, "aes-hmac-data-v1", buf, len);

	r[0] = rec(4, 0x1f, F_SENS_EXT_ENC_DEC, label, id, key, 16);
	len = blob(buf, r, 1);
	put_file(blob_dir, "max-label-id", buf, len);

	/* M-of-N authorised blobs (an auth section before the records) */
	r[0] = rec(4, 0x1f, F_SENS_EXT_ENC_DEC, "mofn", "", key, 32);
	len = blob_auth(buf, r, 1, 3, 2);
	put_file(blob_dir, "auth-2-of-3", buf, len);
	len = blob_auth(buf, r, 1, SKS_BLOB_AUTH_MAX, SKS_BLOB_AUTH_MAX);
	put_file(blob_dir, "auth-max", buf, len);

	r[0] = rec(0, 0, F_EXT, "", "", NULL, 0);
	len = blob(buf, r, 1);
	put_file(blob_dir, "empty-data-object", buf, len);

	/* Edge cases, all refused by the parser. */
	r[0] = rec(4, 0x1f, F_SENS_EXT_ENC_DEC, "k", "", key, 24);
	len = blob(buf, r, 1);
	put_file(blob_dir, "truncated", buf, len - 1);
	buf[len] = 0;
	put_file(blob_dir, "trailing-byte", buf, len + 1);
	buf[12] = 2;	/* count 2, one record */
	put_file(blob_dir, "count-too-high", buf, len);
	buf[12] = 1;
	buf[SKS_BLOB_HDR_LEN + 28] = 1;	/* record reserved field */
	put_file(blob_dir, "rec-reserved", buf, len);
	buf[SKS_BLOB_HDR_LEN + 28] = 0;
	buf[4] = 3;	/* version */
	put_file(blob_dir, "version-3", buf, len);
	put_file(blob_dir, "header-only", buf, SKS_BLOB_HDR_LEN);
	put_file(blob_dir, "empty", buf, 0);
}

/* ---- images --------------------------------------------------------- */

static struct sks_image_arc arc(u32 kind, const char *name, const u8 *objects,
				u32 objects_len, u32 nr_objects)
{
	struct sks_image_arc a;

	memset(&a, 0, sizeof(a));
	a.version = SKS_IMAGE_VERSION;
	a.kind = kind;
	a.nr_objects = nr_objects;
	strncpy((char *)a.name, name, sizeof(a.name));
	a.created = 1489078367;	/* 2017-03-09 16:52:47 UTC */
	a.source_serial = 358628973182ULL;
	pattern(a.domain, sizeof(a.domain), 0x50);
	a.secret_iterations = 2048;
	pattern(a.secret_salt, sizeof(a.secret_salt), 0x60);
	pattern(a.secret_hash, sizeof(a.secret_hash), 0x70);
	if (kind == SKS_IMAGE_KIND_SKS)
		pattern(a.smk, sizeof(a.smk), 0x80);
	a.objects = objects;
	a.objects_len = objects_len;
	return a;
}

static size_t image(u8 *out, const struct sks_image_arc *a, u32 n)
{
	struct sks_image_hdr h = { .version = SKS_IMAGE_VERSION,
				   .iterations = 2048 };
	struct sks_image_hsm m = {
		.version = SKS_IMAGE_VERSION,
		.serial = 154000001, .capacity = 1024 * 1024,
		.fw_version = "7.7.1", .nr_archives = n,
	};
	size_t off = SKS_IMAGE_HDR_LEN;
	u32 i;

	pattern(m.id_key, sizeof(m.id_key), 0xc0);
	off += sks_image_put_hsm(out + off, &m);
	for (i = 0; i < n; i++)
		off += sks_image_put_arc(out + off, &a[i]);
	h.payload_len = off - SKS_IMAGE_HDR_LEN;
	pattern(h.salt, sizeof(h.salt), 0x90);
	pattern(h.iv, sizeof(h.iv), 0xa0);
	pattern(h.check, sizeof(h.check), 0xb0);
	sks_image_put_hdr(out, &h);
	memset(out + off, 0xbb, SKS_IMAGE_TAG_LEN);
	return off + SKS_IMAGE_TAG_LEN;
}

static void images(void)
{
	static u8 buf[65536], objs[4096], key[64];
	struct sks_blob_rec r;
	struct sks_image_arc a[4];
	size_t len, olen = 0;

	pattern(key, sizeof(key), 0x41);
	r = rec(4, 0x1f, 0x1e | 1, "token-aes", "", key, 32);
	olen += sks_blob_put_rec(objs + olen, &r);
	r = rec(0, 0, 0x04 | 1, "token-data", "7", key, 10);
	olen += sks_blob_put_rec(objs + olen, &r);

	len = image(buf, a, 0);
	put_file(image_dir, "empty-hsm", buf, len);

	a[0] = arc(SKS_IMAGE_KIND_SKS, "358628973182_2017:03:09-16:52:47",
		   NULL, 0, 0);
	len = image(buf, a, 1);
	put_file(image_dir, "one-sks-archive", buf, len);

	a[1] = arc(SKS_IMAGE_KIND_CLONING, "clone1", objs, olen, 2);
	a[2] = arc(SKS_IMAGE_KIND_SKS, "358628973182_2017:03:09-16:52:47_2",
		   objs, olen, 2);
	len = image(buf, a, 3);
	put_file(image_dir, "sks-cloning-mixed", buf, len);

	/* Edge cases, all refused. */
	a[1] = arc(SKS_IMAGE_KIND_CLONING, "358628973182_2017:03:09-16:52:47",
		   NULL, 0, 0);
	len = image(buf, a, 2);
	put_file(image_dir, "duplicate-name", buf, len);
	a[1] = arc(SKS_IMAGE_KIND_CLONING, "bad name", NULL, 0, 0);
	len = image(buf, a, 2);
	put_file(image_dir, "bad-name", buf, len);
	a[1] = arc(SKS_IMAGE_KIND_CLONING, "clone1", objs, olen, 1);
	len = image(buf, a, 2);
	put_file(image_dir, "objects-count-short", buf, len);
	a[1] = arc(SKS_IMAGE_KIND_CLONING, "clone1", objs, olen, 2);
	len = image(buf, a, 2);
	put_file(image_dir, "truncated", buf, len - 1);
	buf[12] = buf[13] = buf[14] = 0xff;	/* iterations 0x01ffffff > 2^24 */
	buf[15] = 0x01;
	put_file(image_dir, "iterations-too-high", buf, len);
	put_file(image_dir, "empty", buf, 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds BLOB_DIR IMAGE_DIR\n");
		return 2;
	}
	blob_dir = argv[1];
	image_dir = argv[2];
	blobs();
	images();
	return 0;
}
