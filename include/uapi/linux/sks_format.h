/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sks - the byte layout of the data sks hands to user space to keep: SKS
 * blobs (docs/blob-format.md), Backup HSM images (docs/backup.md) and
 * state records (docs/durability.md). Everything is little endian and
 * unaligned. One definition for the driver's codecs and for libsks, which
 * reads blob and record headers without the kernel.
 */
#ifndef _UAPI_LINUX_SKS_FORMAT_H
#define _UAPI_LINUX_SKS_FORMAT_H

#include <linux/types.h>

/* ---- SKS blob header: header || ciphertext || 16-byte GCM tag ---- */
#define SKS_BLOB_MAGIC		"SKSB"
#define SKS_BLOB_VERSION	2	/* written; 1 is still read */
#define SKS_BLOB_VERSION_1	1
#define SKS_BLOB_HDR_LEN	80
#define SKS_BLOB_TAG_LEN	16
#define SKS_BLOB_OFF_MAGIC	0	/* 4 bytes */
#define SKS_BLOB_OFF_VERSION	4	/* __u16 */
#define SKS_BLOB_OFF_HDR_LEN	6	/* __u16 */
#define SKS_BLOB_OFF_FLAGS	8	/* __u32, 0 */
#define SKS_BLOB_OFF_COUNT	12	/* __u32, objects */
#define SKS_BLOB_OFF_PAYLOAD	16	/* __u32, ciphertext bytes */
#define SKS_BLOB_OFF_FP		20	/* 16 bytes: the SMK fingerprint */
#define SKS_BLOB_OFF_SALT	36	/* 32 bytes */
#define SKS_BLOB_OFF_IV		68	/* 12 bytes */

/*
 * Header flag SKS_BLOB_F_AUTH: the blob needs M of N authorisation
 * secrets; its plaintext payload starts with the auth section:
 * __u16 N, __u16 M, __u32 0, a 32-byte verifier key, N 32-byte verifiers,
 * then the object records.
 */
#define SKS_BLOB_F_AUTH		(1U << 0)
#define SKS_BLOB_AUTH_FIXED	40
#define SKS_BLOB_AUTH_KEY_LEN	32
#define SKS_BLOB_AUTH_VERIFIER_LEN	32

/* ---- state records: the header fields read before any key ---- */
#define SKS_REC_MAGIC		"SKSR"	/* a slot record */
#define SKS_HREC_MAGIC		"SKSH"	/* the HSM record */
#define SKS_REC_OFF_VERSION	4	/* __u16 */
#define SKS_REC_OFF_TYPE	12	/* __u32, SKS_SLOT_* */
#define SKS_REC_OFF_HSM_SERIAL	16	/* __u64 */
#define SKS_REC_OFF_SERIAL	24	/* __u64 */
#define SKS_REC_OFF_NUM		32	/* __u32, slot number */
#define SKS_REC_TRAILER_LEN	64	/* at the end of a slot record */
#define SKS_REC_TRL_GENERATION	16	/* __u64, in the trailer */

/* ---- little endian, unaligned ---- */

static inline __u16 sks_get_le16(const __u8 *p)
{
	return (__u16)(p[0] | p[1] << 8);
}

static inline __u32 sks_get_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

static inline __u64 sks_get_le64(const __u8 *p)
{
	return (__u64)sks_get_le32(p) | (__u64)sks_get_le32(p + 4) << 32;
}

static inline void sks_put_le16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v & 0xff);
	p[1] = (__u8)(v >> 8 & 0xff);
}

static inline void sks_put_le32(__u8 *p, __u32 v)
{
	sks_put_le16(p, (__u16)(v & 0xffff));
	sks_put_le16(p + 2, (__u16)(v >> 16));
}

static inline void sks_put_le64(__u8 *p, __u64 v)
{
	sks_put_le32(p, (__u32)(v & 0xffffffff));
	sks_put_le32(p + 4, (__u32)(v >> 32));
}

#endif /* _UAPI_LINUX_SKS_FORMAT_H */
