// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the HSM's control device: HSM information, slot creation and
 * deletion.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct sks_hsm {
	int fd;
};

SKS_API struct sks_hsm *sks_hsm_open(const char *path)
{
	struct sks_hsm *hsm;
	int err;

	hsm = calloc(1, sizeof(*hsm));
	if (!hsm) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	hsm->fd = open(path ? path : SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	if (hsm->fd < 0) {
		err = errno;
		free(hsm);
		sks_lib_fail(err,
			     err == ENOENT ? SKS_CKR_TOKEN_NOT_PRESENT :
			     err == EACCES || err == EPERM ?
			     SKS_CKR_USER_NOT_LOGGED_IN : SKS_CKR_DEVICE_ERROR);
		return NULL;
	}
	sks_set_result(SKS_CKR_OK);
	return hsm;
}

SKS_API void sks_hsm_close(struct sks_hsm *hsm)
{
	if (!hsm)
		return;
	close(hsm->fd);
	free(hsm);
}

SKS_API int sks_hsm_get_fd(struct sks_hsm *hsm)
{
	return hsm->fd;
}

static int hsm_info(struct sks_hsm *hsm, struct sks_hsm_info *info)
{
	memset(info, 0, sizeof(*info));
	return sks_do_ioctl(hsm->fd, SKS_CTL_HSM_INFO, info);
}

SKS_API int sks_hsm_get_serial(struct sks_hsm *hsm, uint64_t *serial)
{
	struct sks_hsm_info info;

	if (hsm_info(hsm, &info))
		return -1;
	*serial = info.serial;
	return 0;
}

SKS_API int sks_hsm_get_firmware(struct sks_hsm *hsm, char *buf, size_t size)
{
	struct sks_hsm_info info;
	size_t len;

	if (!buf || !size)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (hsm_info(hsm, &info))
		return -1;
	len = strnlen((const char *)info.firmware, sizeof(info.firmware));
	if (len >= size)
		return sks_lib_fail(EOVERFLOW, SKS_CKR_BUFFER_TOO_SMALL);
	memcpy(buf, info.firmware, len);
	buf[len] = '\0';
	return 0;
}

/* create_slot()'s @want for "the lowest free slot number". */
#define LOWEST_FREE_SLOT	UINT32_MAX

/* Create a slot: at number @want, or the lowest free one (LOWEST_FREE_SLOT). */
static int create_slot(struct sks_hsm *hsm, struct sks_slot_create *c,
		       unsigned int want, unsigned int *slot)
{
	if (want != LOWEST_FREE_SLOT) {
		c->flags |= SKS_SLOT_CREATE_AT;
		c->slot = want;
	}
	if (sks_do_ioctl(hsm->fd, SKS_CTL_CREATE_SLOT, c))
		return -1;
	if (slot)
		*slot = c->slot;
	return 0;
}

static int create_partition(struct sks_hsm *hsm, unsigned int want,
			    unsigned int type, uint64_t capacity,
			    unsigned int *slot)
{
	struct sks_slot_create c;

	if (type != SKS_SLOT_V0 && type != SKS_SLOT_V1)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&c, 0, sizeof(c));
	c.type = type;
	c.capacity = capacity;
	return create_slot(hsm, &c, want, slot);
}

static int create_backup(struct sks_hsm *hsm, unsigned int want,
			 const char *firmware, const char *so_secret,
			 unsigned int *slot)
{
	struct sks_slot_create c;

	if (!so_secret || (firmware && strlen(firmware) >= SKS_FW_VERSION_LEN))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&c, 0, sizeof(c));
	c.type = SKS_SLOT_BACKUP;
	if (firmware)
		memcpy(c.fw_version, firmware, strlen(firmware));
	c.so_secret = (uintptr_t)so_secret;
	c.so_secret_len = strlen(so_secret);
	return create_slot(hsm, &c, want, slot);
}

SKS_API int sks_hsm_create_partition(struct sks_hsm *hsm, unsigned int type,
				     uint64_t capacity, unsigned int *slot)
{
	return create_partition(hsm, LOWEST_FREE_SLOT, type, capacity, slot);
}

SKS_API int sks_hsm_create_partition_at(struct sks_hsm *hsm, unsigned int slot,
					unsigned int type, uint64_t capacity)
{
	if (slot == LOWEST_FREE_SLOT)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	return create_partition(hsm, slot, type, capacity, NULL);
}

SKS_API int sks_hsm_create_backup(struct sks_hsm *hsm, const char *firmware,
				  const char *so_secret, unsigned int *slot)
{
	return create_backup(hsm, LOWEST_FREE_SLOT, firmware, so_secret, slot);
}

SKS_API int sks_hsm_create_backup_at(struct sks_hsm *hsm, unsigned int slot,
				     const char *firmware, const char *so_secret)
{
	if (slot == LOWEST_FREE_SLOT)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	return create_backup(hsm, slot, firmware, so_secret, NULL);
}

SKS_API int sks_hsm_delete_slot(struct sks_hsm *hsm, unsigned int slot)
{
	struct sks_slot_delete d;

	memset(&d, 0, sizeof(d));
	d.slot = slot;
	return sks_do_ioctl(hsm->fd, SKS_CTL_DELETE_SLOT, &d);
}
