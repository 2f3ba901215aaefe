// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - SKS_IOC_REWRAP: a set of blobs under the primary or rollover SMK
 * made anew under the primary SMK, SKS_MAX_REWRAP blobs per call.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One call of up to SKS_MAX_REWRAP blobs: their new forms appended to @out. */
static int rewrap_chunk(struct sks_session *s, const struct sks_blob_set *set,
			size_t first, size_t n, struct sks_blob_set *out,
			size_t *refused)
{
	struct sks_rewrap_item *items = calloc(n, sizeof(*items));
	uint8_t *room = NULL;
	struct sks_rewrap rw;
	size_t total = 0, off = 0;
	int ret = -1;

	if (!items)
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const uint8_t *b = sks_blob_set_get_blob(set, first + i, &len);

		items[i].in = (uintptr_t)b;
		items[i].in_len = (uint32_t)len;
	}
	/* The size query: every out 0. */
	memset(&rw, 0, sizeof(rw));
	rw.items = (uintptr_t)items;
	rw.count = (uint32_t)n;
	if (sks_do_ioctl(s->fd, SKS_IOC_REWRAP, &rw))
		goto blame;
	for (size_t i = 0; i < n; i++) {
		if (!items[i].out_len || items[i].out_len > SKS_MAX_BLOB_SIZE) {
			sks_lib_fail(EIO, SKS_CKR_GENERAL_ERROR);
			goto out;
		}
		total += items[i].out_len;
	}
	room = malloc(total);
	if (!room) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].out = (uintptr_t)(room + off);
		off += items[i].out_len;
		items[i].result = 0;
	}
	memset(&rw, 0, sizeof(rw));
	rw.items = (uintptr_t)items;
	rw.count = (uint32_t)n;
	if (sks_do_ioctl(s->fd, SKS_IOC_REWRAP, &rw))
		goto blame;
	for (size_t i = 0; i < n; i++)
		if (sks_blob_set_add(out, (const uint8_t *)(uintptr_t)items[i].out,
				     items[i].out_len))
			goto out;
	ret = 0;
	goto out;
blame:
	/* A blob's own refusal, or the call's as a whole. */
	for (size_t i = 0; i < n; i++)
		if (items[i].result != SKS_CKR_OK) {
			*refused = first + i;
			break;
		}
out:
	if (room)
		sks_wipe(room, total);	/* (sealed, but no need to leave it) */
	free(room);
	free(items);
	return ret;
}

SKS_API struct sks_blob_set *sks_blob_rewrap(struct sks_session *session,
					     const struct sks_blob_set *set,
					     size_t *refused)
{
	size_t count, dummy;
	struct sks_blob_set *out;

	if (!refused)
		refused = &dummy;
	*refused = SIZE_MAX;
	if (!session || !set || !(count = sks_blob_set_get_count(set))) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	out = sks_blob_set_new();
	if (!out)
		return NULL;
	for (size_t first = 0; first < count; first += SKS_MAX_REWRAP) {
		size_t n = count - first;

		if (n > SKS_MAX_REWRAP)
			n = SKS_MAX_REWRAP;
		if (rewrap_chunk(session, set, first, n, out, refused)) {
			uint32_t ckr = sks_last_result();
			int err = errno;

			sks_blob_set_free(out);
			sks_lib_fail(err, ckr);
			return NULL;
		}
	}
	sks_set_result(SKS_CKR_OK);
	return out;
}
