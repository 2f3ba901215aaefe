/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The auth section of an SKS blob (docs/blob-format.md, "Auth section";
 * <linux/sks_format.h>): N, M, a reserved word, the verifier key and N
 * verifiers. blob_codec.c parses it (sks_blob_get_auth()); the module
 * writes it with its crypto (sks_sim_auth_put() in driver/simauth.c, which
 * does not build in user space), so the fuzz targets and the seed
 * generator encode it here, from the layout constants the module uses.
 */
#ifndef SKS_FUZZ_BLOB_AUTH_H
#define SKS_FUZZ_BLOB_AUTH_H

#include "blob_codec.h"

/* Encode an auth section; returns its size, sks_blob_auth_size(@n). */
static inline size_t put_auth(u8 *out, u32 n, u32 m, u32 reserved,
			      const u8 *key, const u8 *verifiers)
{
	sks_put_le16(out, (u16)n);
	sks_put_le16(out + 2, (u16)m);
	sks_put_le32(out + 4, reserved);
	memcpy(out + 8, key, SKS_BLOB_AUTH_KEY_LEN);
	memcpy(out + SKS_BLOB_AUTH_FIXED, verifiers,
	       (size_t)n * SKS_BLOB_AUTH_VERIFIER_LEN);
	return sks_blob_auth_size(n);
}

#endif /* SKS_FUZZ_BLOB_AUTH_H */
