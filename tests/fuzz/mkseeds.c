// SPDX-License-Identifier: GPL-2.0
/*
 * Write the seed corpus of the parser fuzzers with the module's own encoders
 * (driver/blob_codec.c, driver/image_codec.c, driver/state_codec.c): valid
 * blobs (with and without an auth section), images and state records whose
 * payload is left in the clear (the fuzz targets take it as decrypted), plus
 * edge cases the parsers must refuse. The blob auth section is written by
 * blob_auth.h (the module writes it with its crypto). The output is
 * deterministic.
 *
 * Usage: mkseeds BLOB_DIR IMAGE_DIR STATE_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_auth.h"
#include "image_codec.h"
#include "state_codec.h"

static const char *blob_dir, *image_dir, *state_dir;

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
 * Header || [auth section] || records || tag; returns the length. An auth
 * section of @auth_n verifiers (M @auth_m) when @auth_n is not 0.
 */
static size_t blob_auth(u8 *out, const struct sks_blob_rec *r, u32 n,
			u32 auth_n, u32 auth_m)
{
	struct sks_blob_hdr h = { .version = r[0].version, .count = n };
	static u8 key[SKS_BLOB_AUTH_KEY_LEN], ver[64 * SKS_BLOB_AUTH_VERIFIER_LEN];
	size_t off = SKS_BLOB_HDR_LEN;
	u32 i;

	if (auth_n) {
		h.flags = SKS_BLOB_F_AUTH;
		pattern(key, sizeof(key), 0xd0);
		pattern(ver, sizeof(ver), 0xe0);
		off += put_auth(out + off, auth_n, auth_m, 0, key, ver);
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

	/* M of N authorisation secrets: the auth section leads the payload */
	r[0] = rec(4, 0x10, F_SENS_EXT_SIGN_VER, "sim", "", key, 32);
	len = blob_auth(buf, r, 1, 3, 2);
	put_file(blob_dir, "auth-2-of-3", buf, len);
	len = blob_auth(buf, r, 1, 1, 1);
	put_file(blob_dir, "auth-1-of-1", buf, len);
	r[1] = rec(0, 0, F_EXT, "note", "", data, 20);
	len = blob_auth(buf, r, 2, 16, 16);
	put_file(blob_dir, "auth-16-of-16-two-objects", buf, len);

	/* Refused: N 0 or 17, M 0 or above N, reserved set, truncated. */
	len = blob_auth(buf, r, 1, 3, 2);
	buf[SKS_BLOB_HDR_LEN] = 0;
	put_file(blob_dir, "auth-n-0", buf, len);
	buf[SKS_BLOB_HDR_LEN] = 17;
	put_file(blob_dir, "auth-n-17", buf, len);
	buf[SKS_BLOB_HDR_LEN] = 3;
	buf[SKS_BLOB_HDR_LEN + 2] = 0;
	put_file(blob_dir, "auth-m-0", buf, len);
	buf[SKS_BLOB_HDR_LEN + 2] = 4;
	put_file(blob_dir, "auth-m-above-n", buf, len);
	buf[SKS_BLOB_HDR_LEN + 2] = 2;
	buf[SKS_BLOB_HDR_LEN + 6] = 1;
	put_file(blob_dir, "auth-reserved", buf, len);
	buf[SKS_BLOB_HDR_LEN + 6] = 0;
	buf[SKS_BLOB_HDR_LEN] = 4;	/* one verifier more than there is */
	put_file(blob_dir, "auth-verifiers-short", buf, len);
	buf[SKS_BLOB_HDR_LEN] = 3;
	buf[8] = 2;			/* an unknown header flag */
	put_file(blob_dir, "auth-flag-unknown", buf, len);
	buf[8] = 1;
	buf[4] = 1;			/* the flag in format version 1 */
	put_file(blob_dir, "auth-flag-version-1", buf, len);
	buf[4] = 2;
	/* the flag set, but the payload holds only the records */
	len = blob(buf, r, 1);
	buf[8] = 1;
	put_file(blob_dir, "auth-flag-no-section", buf, len);
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

/* ---- state records -------------------------------------------------- */

/* An HSM record's slot @i: its number (driver/state_codec.c R_SLOTS). */
#define R_SLOT_NUM(i)	(SKS_HREC_FIXED + (i) * SKS_HREC_SLOT_LEN)

static struct sks_rec_wrap wrap(u32 kind)
{
	struct sks_rec_wrap w;

	memset(&w, 0, sizeof(w));
	w.kind = kind;
	w.iterations = kind == SKS_WRAP_AUTO ? 0 : 1000;
	pattern(w.salt, sizeof(w.salt), 0x11 * kind);
	pattern(w.iv, sizeof(w.iv), 0x12 * kind);
	pattern(w.ct, sizeof(w.ct), 0x13 * kind);
	pattern(w.tag, sizeof(w.tag), 0x14 * kind);
	return w;
}

static struct sks_rec_secret secret(u8 seed)
{
	struct sks_rec_secret s = { .set = 1, .iterations = 1000 };

	pattern(s.salt, sizeof(s.salt), seed);
	pattern(s.hash, sizeof(s.hash), seed + 1);
	return s;
}

/*
 * Header || payload (@p, @plen bytes, in the clear) || tag || trailer;
 * the checksum is left zero (the caller's, not the codec's).
 */
static size_t record(u8 *out, struct sks_rec_hdr *h, const u8 *p, u32 plen)
{
	struct sks_rec_trailer t = {
		.so_failures = 1, .co_failures = 2, .cu_failures = 3,
		.sim_failures = 4, .generation = 42,
	};
	size_t off = SKS_REC_HDR_LEN;

	h->payload_len = h->nr_wraps ? plen : 0;
	sks_rec_put_hdr(out, h);
	if (h->nr_wraps) {
		memcpy(out + off, p, plen);
		off += plen;
		memset(out + off, 0xcc, SKS_REC_TAG_LEN);
		off += SKS_REC_TAG_LEN;
	}
	sks_rec_put_trailer(out + off, &t);
	return off + SKS_REC_TRAILER_LEN;
}

static struct sks_rec_hdr rec_hdr(u32 type, u32 num, u32 nr_wraps)
{
	struct sks_rec_hdr h;
	u32 i;

	memset(&h, 0, sizeof(h));
	h.version = SKS_REC_VERSION;
	h.type = type;
	h.hsm_serial = 154000001;
	h.serial = 154000100 + num;
	h.num = num;
	h.capacity = 1024 * 1024;
	memcpy(h.label, "seed", 4);
	memcpy(h.fw_version, "7.7.1", 5);
	pattern(h.iv, sizeof(h.iv), 0x40);
	h.nr_wraps = nr_wraps;
	for (i = 0; i < nr_wraps; i++)
		h.wraps[i] = wrap(SKS_WRAP_SO + i);
	if (nr_wraps == 3)
		memcpy(h.desc, "sks:seed", 8);
	return h;
}

static void states(void)
{
	static u8 buf[65536], pl[8192], key[64];
	struct sks_rec_payload f;
	struct sks_rec_ledger l;
	struct sks_blob_rec r;
	struct sks_rec_hdr h;
	struct sks_hrec hr;
	size_t len, plen;
	u32 i;

	/* HSM records: no slot, three */
	memset(&hr, 0, sizeof(hr));
	hr.serial = 154000001;
	memcpy(hr.firmware, "7.7.2", 5);
	sks_hrec_put(buf, &hr);
	put_file(state_dir, "hsm-empty", buf, sks_hrec_size(0));
	hr.nr_slots = 3;
	for (i = 0; i < 3; i++) {
		hr.slots[i].num = 2 * i;
		hr.slots[i].type = i;
		hr.slots[i].serial = 154000100 + i;
		hr.slots[i].generation = 7 + i;
	}
	sks_hrec_put(buf, &hr);
	len = sks_hrec_size(3);
	put_file(state_dir, "hsm-three-slots", buf, len);
	buf[R_SLOT_NUM(1)] = 0;		/* not ascending */
	put_file(state_dir, "hsm-slots-not-ascending", buf, len);
	put_file(state_dir, "hsm-truncated", buf, len - 1);

	/* an uninitialised V0 partition: no wraps, no payload */
	h = rec_hdr(0, 3, 0);
	len = record(buf, &h, NULL, 0);
	put_file(state_dir, "v0-uninitialised", buf, len);

	/* a V1 partition: SO and CO wraps; SMKs, two token objects, a ledger */
	memset(&f, 0, sizeof(f));
	f.flags = SKS_PAYLOAD_INITIALIZED;
	f.so = secret(0x21);
	f.co = secret(0x31);
	f.cu = secret(0x41);
	f.domain_set = 1;
	pattern(f.domain, sizeof(f.domain), 0x51);
	pattern(f.smk, sizeof(f.smk), 0x61);
	pattern(f.rollover, sizeof(f.rollover), 0x71);
	f.nr_objects = 2;
	f.nr_ledger = 1;
	sks_rec_put_payload(pl, &f);
	plen = SKS_REC_PAYLOAD_FIXED;
	pattern(key, sizeof(key), 0x41);
	r = rec(4, 0x1f, F_SENS_EXT_ENC_DEC | 1, "token-aes", "", key, 32);
	plen += sks_blob_put_rec(pl + plen, &r);
	r = rec(4, 0x10, F_SENS_EXT_SIGN_VER | 1, "token-hmac", "9", key, 48);
	r.usage_limit = 10;
	r.usage_count = 3;
	pattern(r.key_id, sizeof(r.key_id), 0x81);
	plen += sks_blob_put_rec(pl + plen, &r);
	memcpy(l.key_id, r.key_id, sizeof(l.key_id));
	l.limit = 10;
	l.count = 3;
	sks_rec_put_ledger(pl + plen, &l);
	plen += SKS_REC_LEDGER_LEN;
	h = rec_hdr(1, 1, 2);
	len = record(buf, &h, pl, plen);
	put_file(state_dir, "v1-objects-ledger", buf, len);
	put_file(state_dir, "v1-truncated", buf, len - 1);

	/* with the auto-activation wrap and its key description */
	h = rec_hdr(1, 5, 3);
	len = record(buf, &h, pl, plen);
	put_file(state_dir, "v1-auto-activation", buf, len);

	/* a Backup HSM: the SO wrap; the image payload encoding after */
	memset(&f, 0, sizeof(f));
	f.flags = SKS_PAYLOAD_INITIALIZED;
	f.so = secret(0x22);
	sks_rec_put_payload(pl, &f);
	{
		struct sks_image_hsm m = {
			.version = SKS_IMAGE_VERSION, .serial = 154000102,
			.capacity = 1024 * 1024, .fw_version = "7.7.1",
		};

		pattern(m.id_key, sizeof(m.id_key), 0xc0);
		plen = SKS_REC_PAYLOAD_FIXED +
		       sks_image_put_hsm(pl + SKS_REC_PAYLOAD_FIXED, &m);
	}
	h = rec_hdr(2, 2, 1);
	len = record(buf, &h, pl, plen);
	put_file(state_dir, "backup-hsm", buf, len);

	/* Refused. */
	h = rec_hdr(1, 1, 2);
	h.wraps[1] = wrap(SKS_WRAP_SO);		/* two wraps of one kind */
	len = record(buf, &h, pl, plen);
	put_file(state_dir, "two-so-wraps", buf, len);
	h = rec_hdr(1, 1, 3);
	memset(h.desc, 0, sizeof(h.desc));	/* auto wrap, no description */
	len = record(buf, &h, pl, plen);
	put_file(state_dir, "auto-without-desc", buf, len);
	h = rec_hdr(1, 1, 1);
	h.wraps[0].iterations = 0;
	len = record(buf, &h, pl, plen);
	put_file(state_dir, "wrap-iterations-0", buf, len);
	h = rec_hdr(1, 1, 1);
	len = record(buf, &h, pl, plen);
	buf[4] = 2;				/* a newer version */
	put_file(state_dir, "version-2", buf, len);
	buf[4] = 1;
	buf[SKS_REC_OFF_NUM] = 32;		/* slot number out of range */
	put_file(state_dir, "slot-32", buf, len);
	buf[SKS_REC_OFF_NUM] = 1;
	buf[len] = 0;
	put_file(state_dir, "trailing-byte", buf, len + 1);
	/* the payload: a rollover SMK without a primary one */
	memset(&f, 0, sizeof(f));
	f.flags = SKS_PAYLOAD_INITIALIZED;
	f.so = secret(0x23);
	pattern(f.rollover, sizeof(f.rollover), 0x72);
	sks_rec_put_payload(pl, &f);
	h = rec_hdr(1, 1, 1);
	len = record(buf, &h, pl, SKS_REC_PAYLOAD_FIXED);
	put_file(state_dir, "rollover-without-smk", buf, len);
	put_file(state_dir, "empty", buf, 0);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mkseeds BLOB_DIR IMAGE_DIR STATE_DIR\n");
		return 2;
	}
	blob_dir = argv[1];
	image_dir = argv[2];
	state_dir = argv[3];
	blobs();
	images();
	states();
	return 0;
}
