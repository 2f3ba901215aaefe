/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks - Backup HSM image codec (format: docs/backup.md).
 *
 * Pure functions over byte buffers: no allocation, no crypto, no locking,
 * like blob.h. They build in user space too, so the parser can be fuzzed
 * (compile image.c together with blob.c).
 */
#ifndef _SKS_IMAGE_CODEC_H
#define _SKS_IMAGE_CODEC_H

#include "blob_codec.h"

#ifndef __KERNEL__
typedef signed long long s64;
#endif

#define SKS_IMAGE_MAGIC		"SKSI"
#define SKS_IMAGE_VERSION	2	/* written; 1 is still read */
#define SKS_IMAGE_VERSION_1	1
#define SKS_IMAGE_HDR_LEN	104	/* version 2; 88 in version 1 */
#define SKS_IMAGE_HDR_LEN_V1	88
#define SKS_IMAGE_SUM_OFF	88	/* checksum of the 88 bytes before it */
#define SKS_IMAGE_SUM_LEN	16
#define SKS_IMAGE_SALT_LEN	32
#define SKS_IMAGE_IV_LEN	12
#define SKS_IMAGE_CHECK_LEN	16
#define SKS_IMAGE_TAG_LEN	16
#define SKS_IMAGE_MAX_LEN	(16U * 1024 * 1024)
#define SKS_IMAGE_MIN_ITER	1000U		/* SKS_KDF_ITERATIONS_MIN */
#define SKS_IMAGE_MAX_ITER	10000000U	/* SKS_KDF_ITERATIONS_MAX */
#define SKS_IMAGE_HSM_LEN	72	/* version 2; 40 in version 1 */
#define SKS_IMAGE_HSM_LEN_V1	40
#define SKS_IMAGE_ID_KEY_LEN	32
#define SKS_IMAGE_ARC_FIXED	224
#define SKS_IMAGE_NAME_LEN	64
#define SKS_IMAGE_FW_LEN	16
#define SKS_IMAGE_DOMAIN_LEN	32
#define SKS_IMAGE_SSALT_LEN	16
#define SKS_IMAGE_SHASH_LEN	32
#define SKS_IMAGE_SMK_LEN	32
#define SKS_IMAGE_MAX_ARCHIVES	4096
#define SKS_IMAGE_KIND_SKS	1
#define SKS_IMAGE_KIND_CLONING	2

/**
 * struct sks_image_hdr - decoded image header (authenticated as AAD).
 * @version: format version (SKS_IMAGE_VERSION, or SKS_IMAGE_VERSION_1 when
 *	read); the payload's records have the same version.
 * @flags: must be 0.
 * @iterations: PBKDF2 iterations of the key derivation.
 * @payload_len: length of the encrypted payload (tag excluded).
 * @salt: random PBKDF2 salt.
 * @iv: AES-GCM nonce.
 * @check: key check value: tells a wrong secret from a damaged image.
 * @sum: version 2: the header checksum as stored (SHA-256 of the first
 *	SKS_IMAGE_SUM_OFF bytes, truncated); the caller compares it, so that
 *	a damaged header is told apart from a wrong secret. Version 1: zeros.
 */
struct sks_image_hdr {
	u16 version;
	u32 flags;
	u32 iterations;
	u32 payload_len;
	u8 salt[SKS_IMAGE_SALT_LEN];
	u8 iv[SKS_IMAGE_IV_LEN];
	u8 check[SKS_IMAGE_CHECK_LEN];
	u8 sum[SKS_IMAGE_SUM_LEN];
};

/**
 * struct sks_image_hsm - the Backup HSM itself (first payload record).
 * @version: record layout (the image's version).
 * @serial: Backup HSM serial number.
 * @capacity: archive storage in bytes.
 * @fw_version: firmware version, NUL padded.
 * @nr_archives: archive records that follow.
 * @so_failures: version 2: consecutive failed HSM SO secret checks.
 * @id_key: version 2: the random key of the Backup HSM's domain ids;
 *	version 1: absent (zeros).
 */
struct sks_image_hsm {
	u32 version;
	u64 serial;
	u64 capacity;
	char fw_version[SKS_IMAGE_FW_LEN];
	u32 nr_archives;
	u32 so_failures;
	u8 id_key[SKS_IMAGE_ID_KEY_LEN];
};

/**
 * struct sks_image_arc - one archive partition record.
 * @version: record layout (the image's version); object records are
 *	blob records of the same version.
 * @kind: SKS_IMAGE_KIND_SKS or SKS_IMAGE_KIND_CLONING.
 * @nr_objects: object records in @objects.
 * @name: archive name, NUL padded.
 * @created: creation time, seconds since the epoch.
 * @source_serial: serial of the partition it was backed up from.
 * @domain: cloning domain hash.
 * @secret_iterations: PBKDF2 iterations of the user secret hash.
 * @secret_salt: salt of the user secret hash.
 * @secret_hash: user secret hash.
 * @smk: SKS archives: the SMK; cloning archives: zeros.
 * @failures: version 2: consecutive wrong user secrets.
 * @objects_len: bytes at @objects.
 * @objects: object records (blob record encoding), pointing into the
 *	buffer on decode.
 */
struct sks_image_arc {
	u32 version;
	u32 kind;
	u32 nr_objects;
	u8 name[SKS_IMAGE_NAME_LEN];
	s64 created;
	u64 source_serial;
	u8 domain[SKS_IMAGE_DOMAIN_LEN];
	u32 secret_iterations;
	u8 secret_salt[SKS_IMAGE_SSALT_LEN];
	u8 secret_hash[SKS_IMAGE_SHASH_LEN];
	u8 smk[SKS_IMAGE_SMK_LEN];
	u32 failures;
	u32 objects_len;
	const u8 *objects;
};

void sks_image_put_hdr(u8 *out, const struct sks_image_hdr *h);
size_t sks_image_hdr_size(u32 version);
int sks_image_get_hdr(const u8 *buf, size_t len, struct sks_image_hdr *h);
size_t sks_image_put_hsm(u8 *out, const struct sks_image_hsm *m);
int sks_image_get_hsm(const u8 *buf, size_t len, u32 version,
		      struct sks_image_hsm *m);
size_t sks_image_hsm_size(u32 version);
size_t sks_image_arc_size(const struct sks_image_arc *a);
size_t sks_image_put_arc(u8 *out, const struct sks_image_arc *a);
int sks_image_get_arc(const u8 *buf, size_t len, u32 version,
		      struct sks_image_arc *a, size_t *used);
int sks_image_check_name(const u8 *name, size_t len);

#endif /* _SKS_IMAGE_CODEC_H */
