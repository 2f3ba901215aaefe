// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - Backup HSM archives: back up the current partition (a V1
 * partition's SMK, or a V0 partition's token objects) and restore it.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static int secret_ok(const char *s)
{
	size_t n = s ? strnlen(s, SKS_PIN_MAX + 1) : 0;

	return n >= 1 && n <= SKS_PIN_MAX;
}

SKS_API int sks_archive_backup(struct sks_session *session,
			       unsigned int backup_slot, const char *so_secret,
			       const char *user_secret, const char *name,
			       uint32_t flags, char *name_out,
			       size_t name_out_len)
{
	struct sks_archive_backup b;
	size_t len;

	if (!secret_ok(so_secret) || !secret_ok(user_secret) ||
	    (name && strlen(name) > SKS_ARCHIVE_NAME_MAX) ||
	    (name_out && name_out_len <= SKS_ARCHIVE_NAME_MAX))
		return sks_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&b, 0, sizeof(b));
	b.flags = flags;
	b.backup_slot = backup_slot;
	b.so_secret = (uintptr_t)so_secret;
	b.so_secret_len = strlen(so_secret);
	b.user_secret = (uintptr_t)user_secret;
	b.user_secret_len = strlen(user_secret);
	if (name)
		memcpy(b.name, name, strlen(name));
	if (sks_do_ioctl(session->fd, SKS_IOC_ARCHIVE_BACKUP, &b))
		return -1;
	if (name_out) {
		len = strnlen((const char *)b.name, SKS_ARCHIVE_NAME_MAX);
		memcpy(name_out, b.name, len);
		name_out[len] = '\0';
	}
	return 0;
}

SKS_API int sks_archive_restore(struct sks_session *session,
				unsigned int backup_slot,
				const char *user_secret, const char *name,
				uint32_t *status, uint32_t *objects)
{
	struct sks_archive_restore r;

	if (!secret_ok(user_secret) || !name || !*name ||
	    strlen(name) > SKS_ARCHIVE_NAME_MAX)
		return sks_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&r, 0, sizeof(r));
	r.backup_slot = backup_slot;
	r.user_secret = (uintptr_t)user_secret;
	r.user_secret_len = strlen(user_secret);
	memcpy(r.name, name, strlen(name));
	if (sks_do_ioctl(session->fd, SKS_IOC_ARCHIVE_RESTORE, &r))
		return -1;
	if (status)
		*status = r.status;
	if (objects)
		*objects = r.objects;
	return 0;
}
