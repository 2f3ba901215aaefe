// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - files the commands read and write: whole files in, atomic
 * writes out, and errors that name their cause.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skscm.h"

/*
 * Whole file into memory: NULL with errno set (EISDIR for a directory,
 * EFBIG for more than @max bytes) if it cannot be read.
 */
uint8_t *cm_read_file(const char *path, size_t max, size_t *len)
{
	uint8_t *buf = NULL;
	struct stat sb;
	size_t n = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb))
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* One byte more than allowed: a larger file is refused. */
	buf = malloc(max + 1);
	if (!buf)
		goto fail;
	while (n <= max) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += r;
	}
	if (n > max) {
		errno = EFBIG;
		goto fail;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return NULL;
}

/* "Error: Cannot read <path>: <why>." for cm_read_file()'s errno @err. */
uint32_t cm_read_error(const char *path, int err, size_t max)
{
	if (err == EFBIG)
		cm_para("Error: Cannot read %s: it is larger than %zu bytes.", path,
			max);
	else
		cm_para("Error: Cannot read %s: %s.", path, strerror(err));
	return CKR_ARGUMENTS_BAD;
}

/*
 * Whether @path can be created or replaced: not a directory, in a directory
 * that exists and can be written. 0, or -1 with errno set. Checked before
 * an operation whose result would otherwise be lost.
 */
int cm_check_writable(const char *path)
{
	char *copy, *dir;
	struct stat sb;
	int ret = 0;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	copy = strdup(path);
	if (!copy)
		return -1;
	dir = dirname(copy);
	if (stat(dir, &sb))
		ret = -1;
	else if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		ret = -1;
	} else if (access(dir, W_OK)) {
		ret = -1;
	}
	free(copy);
	return ret;
}

/* "Error: Cannot write <path>: <why>." */
uint32_t cm_write_error(const char *path, int err)
{
	cm_para("Error: Cannot write %s: %s.", path, strerror(err));
	return SKS_CKR_GENERAL_ERROR;
}

/* Write a file atomically: temporary file, fsync, rename. */
int cm_write_file(const char *path, const void *data, size_t len,
		  const struct sks_blob_set *set)
{
	char tmp[4096];
	int fd, err;

	if (cm_check_writable(path))
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (set) {
		if (sks_blob_set_write_fd(set, fd))
			goto fail;
	} else {
		const uint8_t *p = data;

		while (len) {
			ssize_t n = write(fd, p, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				goto fail;
			if (!n) {
				errno = EIO;
				goto fail;
			}
			p += n;
			len -= n;
		}
	}
	if (fsync(fd))
		goto fail;
	err = close(fd);
	fd = -1;
	if (err || rename(tmp, path))
		goto fail;
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = err;
	return -1;
}
