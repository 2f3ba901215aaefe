// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - SKS blobs: header parsing (which SMK a blob needs), sets of
 * blobs, and extraction and insertion of any number of objects as a group
 * of blobs of at most SKS_MAX_BLOB_SIZE bytes each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct sks_blob {
	uint8_t *data;
	size_t len;
};

struct sks_blob_set {
	struct sks_blob *blobs;
	size_t count;
	size_t room;
};

/*
 * Check the fixed header; returns the whole blob's length or 0. The two
 * versions the driver reads (SKS_BLOB_VERSION, 2, and SKS_BLOB_VERSION_1)
 * share the header: only the records inside the sealed payload, which the
 * library never sees, differ.
 */
static size_t header_length(const uint8_t *p, size_t avail)
{
	uint32_t payload, count;
	uint16_t version;

	if (avail < SKS_BLOB_HDR_LEN || memcmp(p, SKS_BLOB_MAGIC, 4))
		return 0;
	version = sks_get_le16(p + SKS_BLOB_OFF_VERSION);
	/* (version 2 knows one flag: an M-of-N auth section leads the payload) */
	if ((version != SKS_BLOB_VERSION && version != SKS_BLOB_VERSION_1) ||
	    sks_get_le16(p + SKS_BLOB_OFF_HDR_LEN) != SKS_BLOB_HDR_LEN ||
	    (sks_get_le32(p + SKS_BLOB_OFF_FLAGS) &
	     ~(version == SKS_BLOB_VERSION ? SKS_BLOB_F_AUTH : 0U)))
		return 0;
	count = sks_get_le32(p + SKS_BLOB_OFF_COUNT);
	payload = sks_get_le32(p + SKS_BLOB_OFF_PAYLOAD);
	if (!count || count > SKS_MAX_EXTRACT ||
	    payload > SKS_MAX_BLOB_SIZE - SKS_BLOB_OVERHEAD)
		return 0;
	return SKS_BLOB_OVERHEAD + (size_t)payload;
}

/* A whole, exactly sized blob. */
static int blob_ok(const void *blob, size_t len)
{
	return blob && len && header_length(blob, len) == len;
}

SKS_API size_t sks_blob_get_length(const void *buf, size_t len)
{
	size_t n = buf ? header_length(buf, len) : 0;

	if (!n)
		sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	else
		sks_set_result(SKS_CKR_OK);
	return n;
}

SKS_API int sks_blob_get_fingerprint(const void *blob, size_t len,
				     uint8_t *fingerprint)
{
	if (!blob_ok(blob, len) || !fingerprint)
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	memcpy(fingerprint, (const uint8_t *)blob + SKS_BLOB_OFF_FP,
	       SKS_FINGERPRINT_LEN);
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API size_t sks_blob_get_object_count(const void *blob, size_t len)
{
	if (!blob_ok(blob, len)) {
		sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
		return 0;
	}
	sks_set_result(SKS_CKR_OK);
	return sks_get_le32((const uint8_t *)blob + SKS_BLOB_OFF_COUNT);
}

SKS_API struct sks_blob_set *sks_blob_set_new(void)
{
	struct sks_blob_set *set = calloc(1, sizeof(*set));

	if (!set) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	sks_set_result(SKS_CKR_OK);
	return set;
}

SKS_API void sks_blob_set_free(struct sks_blob_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->blobs[i].data);
	free(set->blobs);
	free(set);
}

/* Append @data (malloc'd, ownership moves to the set on success). */
static int set_take(struct sks_blob_set *set, uint8_t *data, size_t len)
{
	if (set->count == set->room) {
		size_t room = set->room ? 2 * set->room : 4;
		struct sks_blob *b = realloc(set->blobs, room * sizeof(*b));

		if (!b)
			return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		set->blobs = b;
		set->room = room;
	}
	set->blobs[set->count].data = data;
	set->blobs[set->count].len = len;
	set->count++;
	return 0;
}

SKS_API int sks_blob_set_add(struct sks_blob_set *set, const void *blob,
			     size_t len)
{
	uint8_t *copy;

	if (!blob_ok(blob, len))
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	copy = malloc(len);
	if (!copy)
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	memcpy(copy, blob, len);
	if (set_take(set, copy, len)) {
		free(copy);
		return -1;
	}
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API struct sks_blob_set *sks_blob_set_from_buffer(const void *buf,
						      size_t len)
{
	const uint8_t *p = buf;
	struct sks_blob_set *set;
	size_t off = 0;

	if (len && !buf) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	set = sks_blob_set_new();
	if (!set)
		return NULL;
	while (off < len) {
		size_t n = header_length(p + off, len - off);

		if (!n || n > len - off) {
			sks_blob_set_free(set);
			sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
			return NULL;
		}
		if (sks_blob_set_add(set, p + off, n)) {
			sks_blob_set_free(set);
			return NULL;
		}
		off += n;
	}
	sks_set_result(SKS_CKR_OK);
	return set;
}

SKS_API size_t sks_blob_set_get_count(const struct sks_blob_set *set)
{
	return set->count;
}

SKS_API const uint8_t *sks_blob_set_get_blob(const struct sks_blob_set *set,
					     size_t index, size_t *len)
{
	if (index >= set->count) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	if (len)
		*len = set->blobs[index].len;
	return set->blobs[index].data;
}

SKS_API size_t sks_blob_set_get_object_count(const struct sks_blob_set *set)
{
	size_t total = 0;

	for (size_t i = 0; i < set->count; i++)
		total += sks_get_le32(set->blobs[i].data + SKS_BLOB_OFF_COUNT);
	return total;
}

SKS_API int sks_blob_set_write_fd(const struct sks_blob_set *set, int fd)
{
	for (size_t i = 0; i < set->count; i++) {
		const uint8_t *p = set->blobs[i].data;
		size_t left = set->blobs[i].len;

		while (left) {
			ssize_t n = write(fd, p, left);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return sks_lib_fail(n < 0 ? errno : EIO,
						    SKS_CKR_GENERAL_ERROR);
			p += n;
			left -= n;
		}
	}
	sks_set_result(SKS_CKR_OK);
	return 0;
}

/*
 * Size of the blob that @count objects from @handles would make, by the
 * driver's size query: CKR_OK (or CKR_BUFFER_TOO_SMALL from drivers before
 * the size-query convention) with the size, or CKR_DATA_LEN_RANGE with a
 * size above SKS_MAX_BLOB_SIZE, which the caller's plan then splits.
 */
static int extract_size(struct sks_session *s, const uint32_t *handles,
			size_t count, size_t *size)
{
	struct sks_extract e;

	memset(&e, 0, sizeof(e));
	e.handles = (uintptr_t)handles;
	e.count = count;
	if (sks_do_ioctl(s->fd, SKS_IOC_EXTRACT, &e) &&
	    sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL &&
	    !(sks_last_result() == SKS_CKR_DATA_LEN_RANGE &&
	      e.blob_len > SKS_MAX_BLOB_SIZE))
		return -1;
	if (!e.blob_len)
		return sks_lib_fail(EIO, SKS_CKR_GENERAL_ERROR);
	*size = e.blob_len;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

static int extract_one(struct sks_session *s, const uint32_t *handles,
		       size_t count, size_t size, struct sks_blob_set *set)
{
	struct sks_extract e;
	/* Zeroed: memcheck cannot see the driver fill it. */
	uint8_t *buf = calloc(1, size);

	if (!buf)
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	memset(&e, 0, sizeof(e));
	e.handles = (uintptr_t)handles;
	e.count = count;
	e.blob = (uintptr_t)buf;
	e.blob_len = size;
	if (sks_do_ioctl(s->fd, SKS_IOC_EXTRACT, &e) || set_take(set, buf,
								 e.blob_len)) {
		free(buf);
		return -1;
	}
	return 0;
}

SKS_API struct sks_blob_set *sks_blob_extract(struct sks_session *session,
					      const uint32_t *handles,
					      size_t count, uint32_t flags)
{
	struct sks_blob_set *set = NULL;
	size_t *sizes = NULL, *groups = NULL;
	size_t start = 0, bad;

	if (!handles || !count || (flags & ~SKS_EXTRACT_DELETE)) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	sizes = calloc(count, sizeof(*sizes));
	groups = calloc(count, sizeof(*groups));
	set = sks_blob_set_new();
	if (!sizes || !groups || !set) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		goto fail;
	}
	for (size_t i = 0; i < count; i++)
		if (extract_size(session, &handles[i], 1, &sizes[i]))
			goto fail;

	while (start < count) {
		size_t k, size;

		/* Plan what is left; take the first group, check it. */
		if (!sks_blob_plan(sizes + start, count - start,
				   SKS_BLOB_OVERHEAD, SKS_MAX_BLOB_SIZE,
				   SKS_MAX_EXTRACT, groups, &bad)) {
			sks_lib_fail(EMSGSIZE, SKS_CKR_DATA_LEN_RANGE);
			goto fail;
		}
		k = groups[0];
		for (;;) {
			if (extract_size(session, handles + start, k, &size))
				goto fail;
			if (size <= SKS_MAX_BLOB_SIZE)
				break;
			if (k == 1) {
				sks_lib_fail(EMSGSIZE, SKS_CKR_DATA_LEN_RANGE);
				goto fail;
			}
			k--;	/* the driver's format costs more than planned */
		}
		if (extract_one(session, handles + start, k, size, set))
			goto fail;
		start += k;
	}

	/* Every blob exists: only now may the objects go. */
	if (flags & SKS_EXTRACT_DELETE)
		for (size_t i = 0; i < count; i++)
			if (sks_object_destroy(session, handles[i]))
				goto fail;
	free(sizes);
	free(groups);
	sks_set_result(SKS_CKR_OK);
	return set;

fail:
	{
		int err = errno;
		uint32_t ckr = sks_last_result();

		sks_blob_set_free(set);
		free(sizes);
		free(groups);
		sks_lib_fail(err, ckr);
	}
	return NULL;
}

SKS_API uint32_t *sks_blob_insert(struct sks_session *session,
				  const struct sks_blob_set *set,
				  size_t *count)
{
	size_t total = 0, done = 0;
	uint32_t *handles;

	if (!set) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	for (size_t i = 0; i < set->count; i++)
		total += sks_get_le32(set->blobs[i].data + SKS_BLOB_OFF_COUNT);
	handles = calloc(total ? total : 1, sizeof(*handles));
	if (!handles) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	for (size_t i = 0; i < set->count; i++) {
		struct sks_insert ins;

		memset(&ins, 0, sizeof(ins));
		ins.blob = (uintptr_t)set->blobs[i].data;
		ins.blob_len = set->blobs[i].len;
		ins.handles = (uintptr_t)(handles + done);
		ins.count = total - done;
		if (sks_do_ioctl(session->fd, SKS_IOC_INSERT, &ins) ||
		    ins.count > total - done) {
			int err = errno;
			uint32_t ckr = sks_last_result();

			if (ckr == SKS_CKR_OK) {
				err = EIO;
				ckr = SKS_CKR_GENERAL_ERROR;
			}
			/* All or nothing: undo the blobs inserted so far. */
			for (size_t j = 0; j < done; j++)
				sks_object_destroy(session, handles[j]);
			free(handles);
			sks_lib_fail(err, ckr);
			return NULL;
		}
		done += ins.count;
	}
	if (count)
		*count = done;
	sks_set_result(SKS_CKR_OK);
	return handles;
}
