/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks - SKS blob codec (format: docs/blob-format.md).
 *
 * Pure functions over byte buffers: no allocation, no crypto, no locking.
 * They build in user space too (without __KERNEL__ the
 * fixed-width types come from <linux/types.h>), so the parser can be fuzzed.
 * With CONFIG_KUNIT they are exported to the KUnit tests (sks_kunit.c).
 */
#ifndef _SKS_BLOB_CODEC_H
#define _SKS_BLOB_CODEC_H

#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/types.h>
#include <uapi/linux/sks_format.h>
#else
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
#define u8 __u8
#define u16 __u16
#define u32 __u32
#define u64 __u64
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#include <linux/sks_format.h>
#endif

/* The header layout is in <linux/sks_format.h> (shared with libsks). */
#define SKS_BLOB_FP_LEN		16
#define SKS_BLOB_SALT_LEN	32
#define SKS_BLOB_IV_LEN		12
#define SKS_BLOB_MAX_LEN	65536
#define SKS_BLOB_MAX_COUNT	1024
#define SKS_BLOB_REC_FIXED_V1	48
#define SKS_BLOB_REC_FIXED	64	/* version 2: + key id */
#define SKS_BLOB_KEY_ID_LEN	16
#define SKS_BLOB_LABEL_MAX	64
#define SKS_BLOB_ID_MAX		64
#define SKS_BLOB_VALUE_MAX	65536
#define SKS_BLOB_AUTH_MAX	16	/* N */

/**
 * struct sks_blob_hdr - decoded blob header (authenticated as AAD).
 * @version: format version (SKS_BLOB_VERSION, or SKS_BLOB_VERSION_1 when
 *	read); the records of the payload have the same version.
 * @flags: 0, or in version 2 SKS_BLOB_F_AUTH (an auth section first).
 * @count: number of object records in the payload.
 * @payload_len: length of the encrypted payload (tag excluded).
 * @fingerprint: fingerprint of the SMK the blob key was derived from.
 * @salt: random salt of the blob key derivation.
 * @iv: AES-GCM nonce.
 */
struct sks_blob_hdr {
	u16 version;
	u32 flags;
	u32 count;
	u32 payload_len;
	u8 fingerprint[SKS_BLOB_FP_LEN];
	u8 salt[SKS_BLOB_SALT_LEN];
	u8 iv[SKS_BLOB_IV_LEN];
};

/**
 * struct sks_blob_rec - one decoded object record.
 * @version: record format: SKS_BLOB_VERSION_1 (48 fixed bytes) or
 *	SKS_BLOB_VERSION (64: with @key_id).
 * @class: object class.
 * @key_type: key type.
 * @flags: object flags.
 * @label_len: length of @label.
 * @id_len: length of @id.
 * @value_len: length of @value.
 * @usage_limit: usage limit.
 * @usage_count: usage count.
 * @key_id: version 2: the key's usage ledger id, all zero exactly when
 *	@usage_limit is 0; version 1: absent (zeros).
 * @label: points into the record.
 * @id: points into the record.
 * @value: points into the record.
 */
struct sks_blob_rec {
	u32 version;
	u32 class;
	u32 key_type;
	u32 flags;
	u32 label_len;
	u32 id_len;
	u32 value_len;
	u64 usage_limit;
	u64 usage_count;
	u8 key_id[SKS_BLOB_KEY_ID_LEN];
	const u8 *label;
	const u8 *id;
	const u8 *value;
};

/**
 * struct sks_blob_auth - the decoded auth section of a blob.
 * @n: number of verifiers, 1..SKS_BLOB_AUTH_MAX.
 * @m: secrets needed, 1..@n.
 * @key: the verifier key (HMAC-SHA-256).
 * @verifiers: @n verifiers, pointing into the payload.
 */
struct sks_blob_auth {
	u32 n;
	u32 m;
	const u8 *key;
	const u8 *verifiers;
};

size_t sks_blob_rec_size(const struct sks_blob_rec *r);
size_t sks_blob_auth_size(u32 n);
int sks_blob_get_auth(const u8 *buf, size_t len, struct sks_blob_auth *a,
		      size_t *used);
void sks_blob_put_hdr(u8 *out, const struct sks_blob_hdr *h);
int sks_blob_get_hdr(const u8 *buf, size_t len, struct sks_blob_hdr *h);
size_t sks_blob_put_rec(u8 *out, const struct sks_blob_rec *r);
int sks_blob_get_rec(const u8 *buf, size_t len, u32 version,
		     struct sks_blob_rec *r, size_t *used);

#endif /* _SKS_BLOB_CODEC_H */
