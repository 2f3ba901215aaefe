// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - Backup HSM images: seal a Backup HSM into an image (in memory or
 * written atomically to a file) and create a Backup HSM slot from one.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int image_secret_ok(const char *s)
{
	size_t n = s ? strnlen(s, SKS_PIN_MAX + 1) : 0;

	return n >= 1 && n <= SKS_PIN_MAX;
}

SKS_API void *sks_backup_save_image(struct sks_session *backup,
				    const char *so_secret, size_t *len)
{
	struct sks_image_save req;
	void *buf = NULL;
	uint32_t room = 0;

	if (!image_secret_ok(so_secret) || !len) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	/* Size query, then the image; again if archives appeared. */
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.image = (uintptr_t)buf;
		req.image_len = room;
		req.so_secret = (uintptr_t)so_secret;
		req.so_secret_len = strlen(so_secret);
		if (!sks_do_ioctl(backup->fd, SKS_IOC_IMAGE_SAVE, &req) && buf)
			break;
		if (sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL &&
		    sks_last_result() != SKS_CKR_OK) {
			free(buf);
			return NULL;
		}
		free(buf);
		room = req.image_len;
		/* Zeroed: memcheck cannot see the driver fill it. */
		buf = calloc(1, room ? room : 1);
		if (!buf) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}
	*len = req.image_len;
	sks_set_result(SKS_CKR_OK);
	return buf;
}

/* fsync the directory that holds @path, so that a rename in it lasts. */
static int sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	/* Some file systems cannot sync a directory: that is not an error. */
	if (!fsync(fd) || errno == EINVAL || errno == EROFS)
		ret = 0;
	close(fd);
	return ret;
}

SKS_API int sks_image_write_file(const char *path, const void *image,
				 size_t len)
{
	int fd = -1, created = 0, err;
	char *tmp;

	if (!path || !*path || (!image && len))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	created = 1;
	if (fchmod(fd, 0600) || sks_write_all(fd, image, len) || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	free(tmp);
	if (sync_dir_of(path))
		return sks_lib_fail(errno, SKS_CKR_DEVICE_ERROR);
	sks_set_result(SKS_CKR_OK);
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp);
	free(tmp);
	return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
}

SKS_API int sks_backup_save_image_file(struct sks_session *backup,
				       const char *so_secret, const char *path)
{
	size_t len;
	void *image;
	int ret;

	if (!path || !*path)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	image = sks_backup_save_image(backup, so_secret, &len);
	if (!image)
		return -1;
	ret = sks_image_write_file(path, image, len);
	free(image);
	return ret;
}

SKS_API int sks_hsm_load_image(struct sks_hsm *hsm, const void *image,
			       size_t len, const char *so_secret,
			       unsigned int *slot, uint64_t *serial)
{
	struct sks_image_load req;

	if (!image_secret_ok(so_secret) || !image || len > SKS_IMAGE_MAX_SIZE)
		return len > SKS_IMAGE_MAX_SIZE ?
		       sks_lib_fail(EMSGSIZE, SKS_CKR_DATA_LEN_RANGE) :
		       sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&req, 0, sizeof(req));
	req.image = (uintptr_t)image;
	req.image_len = len;
	req.so_secret = (uintptr_t)so_secret;
	req.so_secret_len = strlen(so_secret);
	if (sks_do_ioctl(sks_hsm_get_fd(hsm), SKS_CTL_IMAGE_LOAD, &req))
		return -1;
	if (slot)
		*slot = req.slot;
	if (serial)
		*serial = req.serial;
	return 0;
}

SKS_API int sks_hsm_load_image_file(struct sks_hsm *hsm, const char *path,
				    const char *so_secret, unsigned int *slot,
				    uint64_t *serial)
{
	uint8_t *buf;
	size_t len = 0;
	ssize_t n;
	int fd, err, ret;

	if (!path)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sks_lib_fail(errno, errno == ENOENT ?
				    SKS_CKR_ARGUMENTS_BAD :
				    SKS_CKR_DEVICE_ERROR);
	/* One byte more than an image may have: a larger file is refused. */
	buf = malloc(SKS_IMAGE_MAX_SIZE + 1);
	if (!buf) {
		close(fd);
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	}
	while (len <= SKS_IMAGE_MAX_SIZE) {
		n = read(fd, buf + len, SKS_IMAGE_MAX_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			free(buf);
			return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	if (len > SKS_IMAGE_MAX_SIZE) {
		free(buf);
		return sks_lib_fail(EMSGSIZE, SKS_CKR_DATA_LEN_RANGE);
	}
	ret = sks_hsm_load_image(hsm, buf, len, so_secret, slot, serial);
	free(buf);
	return ret;
}
