/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsks - internal definitions shared by the library's files.
 */
#ifndef __LIBSKS_INTERNAL_H__
#define __LIBSKS_INTERNAL_H__

#include <stddef.h>
#include <stdint.h>

#include <linux/sks_format.h>

#include "sks.h"

#define SKS_API __attribute__((visibility("default")))

/*
 * The blob layout (docs/blob-format.md) and the little-endian helpers are
 * the driver's: <linux/sks_format.h>. A blob is its fixed header, the
 * sealed payload and the GCM tag; this is the part that does not depend
 * on the objects in it.
 */
#define SKS_BLOB_OVERHEAD	(SKS_BLOB_HDR_LEN + SKS_BLOB_TAG_LEN)

struct sks_session {
	int fd;
};

/* Set the calling thread's last result. */
void sks_set_result(uint32_t ckr);

/* Fail with @err and the matching result @ckr: returns -1. */
int sks_lib_fail(int err, uint32_t ckr);

/*
 * Issue an sks ioctl whose argument starts with "__u32 flags; __u32 result;".
 * Sets the last result from the driver's answer (or from errno when the
 * driver could not answer) and returns 0 or -1 with errno set.
 */
int sks_do_ioctl(int fd, unsigned long cmd, void *arg);

/*
 * The blob packing decision: split @n objects, in order, into groups for
 * blobs of at most @max_len bytes and @max_count objects. @blob_len[i] is the
 * size of a blob holding object i alone, @overhead the part of every blob
 * that does not depend on its objects. Writes the size of each group to
 * @groups (room for @n entries) and returns the number of groups; returns 0
 * and sets *@too_big to the index of the first object that cannot fit in a
 * blob of its own.
 */
size_t sks_blob_plan(const size_t *blob_len, size_t n, size_t overhead,
		     size_t max_len, size_t max_count, size_t *groups,
		     size_t *too_big);

/* The room of a caller's buffer as an ioctl takes it (0 for NULL). */
uint32_t sks_room(const void *buf, size_t len);

/*
 * The variable-size output convention of <sks.h> applied to an ioctl's
 * answer: @ret is sks_do_ioctl()'s, @buf the caller's output buffer (NULL:
 * a size query), @needed the length the driver reported. Sets *@len and
 * returns 0 or -1 as that convention says.
 */
int sks_sized(int ret, const void *buf, uint32_t needed, size_t *len);

/* Wipe secrets (not optimised away). */
void sks_wipe(void *p, size_t len);

/*
 * Write all @len bytes of @buf to @fd (retrying short writes and EINTR).
 * Returns 0, or -1 with errno (a write of 0 bytes leaves errno as it was).
 */
int sks_write_all(int fd, const void *buf, size_t len);

#endif /* __LIBSKS_INTERNAL_H__ */
