// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - Backup HSM archives: back up the current partition (a V1
 * partition's SMK, or a V0 partition's token objects) and restore it; list,
 * describe and delete the archives of a Backup HSM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int secret_ok(const char *s)
{
	size_t n = s ? strnlen(s, SKS_PIN_MAX + 1) : 0;

	return n >= 1 && n <= SKS_PIN_MAX;
}

static int name_ok(const char *name)
{
	size_t n = name ? strnlen(name, SKS_ARCHIVE_NAME_MAX + 1) : 0;

	return n >= 1 && n <= SKS_ARCHIVE_NAME_MAX;
}

SKS_API int sks_session_backup_objects(struct sks_session *session,
				       unsigned int backup_slot,
				       const char *so_secret,
				       const char *user_secret,
				       const char *name, uint32_t flags,
				       const uint32_t *handles, size_t count,
				       char *name_out, size_t name_out_len,
				       uint32_t *objects)
{
	struct sks_archive_backup b;
	size_t len;

	if (!secret_ok(so_secret) || !secret_ok(user_secret) ||
	    (name && !name_ok(name)) || (count && !handles) ||
	    count > SKS_MAX_EXTRACT ||
	    (name_out && name_out_len <= SKS_ARCHIVE_NAME_MAX))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&b, 0, sizeof(b));
	b.flags = flags;
	b.backup_slot = backup_slot;
	b.so_secret = (uintptr_t)so_secret;
	b.so_secret_len = strlen(so_secret);
	b.user_secret = (uintptr_t)user_secret;
	b.user_secret_len = strlen(user_secret);
	b.count = count;
	b.handles = (uintptr_t)handles;
	if (name)
		memcpy(b.name, name, strlen(name));
	if (sks_do_ioctl(session->fd, SKS_IOC_ARCHIVE_BACKUP, &b))
		return -1;
	if (name_out) {
		len = strnlen((const char *)b.name, SKS_ARCHIVE_NAME_MAX);
		memcpy(name_out, b.name, len);
		name_out[len] = '\0';
	}
	if (objects)
		*objects = b.objects;
	return 0;
}

SKS_API int sks_session_backup(struct sks_session *session,
			       unsigned int backup_slot, const char *so_secret,
			       const char *user_secret, const char *name,
			       uint32_t flags, char *name_out,
			       size_t name_out_len)
{
	return sks_session_backup_objects(session, backup_slot, so_secret,
					  user_secret, name, flags, NULL, 0,
					  name_out, name_out_len, NULL);
}

SKS_API int sks_session_restore(struct sks_session *session,
				unsigned int backup_slot,
				const char *user_secret, const char *name,
				uint32_t *status, uint32_t *objects)
{
	struct sks_archive_restore r;

	if (!secret_ok(user_secret) || !name || !*name ||
	    strlen(name) > SKS_ARCHIVE_NAME_MAX)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
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

/* ---- archives of a Backup HSM --------------------------------------- */

struct sks_archive_info {
	char name[SKS_ARCHIVE_NAME_MAX + 1];
	unsigned int kind;
	unsigned int objects;
	int64_t created;
	uint64_t source_serial;
	uint64_t size;
	uint8_t domain_id[SKS_DOMAIN_ID_LEN];
	uint8_t smk_fp[SKS_FINGERPRINT_LEN];
	unsigned int failures;
	unsigned int lockout_secs;
};

struct sks_archives {
	size_t count;
	struct sks_archive_info *archives;
};

static void info_from_entry(struct sks_archive_info *i,
			    const struct sks_archive_entry *e)
{
	memset(i, 0, sizeof(*i));
	memcpy(i->name, e->name, SKS_ARCHIVE_NAME_MAX);
	i->kind = e->kind;
	i->objects = e->objects;
	i->created = (int64_t)e->created;
	i->source_serial = e->source_serial;
	i->size = e->size;
	memcpy(i->domain_id, e->domain_id, SKS_DOMAIN_ID_LEN);
	memcpy(i->smk_fp, e->smk_fingerprint, SKS_FINGERPRINT_LEN);
	i->failures = e->failures;
	i->lockout_secs = e->lockout_secs;
}

SKS_API struct sks_archives *
sks_backup_list_archives(struct sks_session *backup, const char *so_secret)
{
	struct sks_archives *list = NULL;
	struct sks_archive_entry *entries = NULL;
	struct sks_archive_list req;
	uint32_t room = 0;

	if (!secret_ok(so_secret)) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	/* Ask for the count, then read; retry if archives appeared. */
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.entries = (uintptr_t)entries;
		req.count = room;
		req.entry_size = sizeof(struct sks_archive_entry);
		req.so_secret = (uintptr_t)so_secret;
		req.so_secret_len = strlen(so_secret);
		if (!sks_do_ioctl(backup->fd, SKS_IOC_ARCHIVE_LIST, &req) &&
		    (entries || !req.count))
			break;
		if (sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL &&
		    sks_last_result() != SKS_CKR_OK)
			goto fail;
		free(entries);
		room = req.count + 4;
		entries = calloc(room, sizeof(*entries));
		if (!entries)
			goto nomem;
	}

	list = calloc(1, sizeof(*list));
	if (!list)
		goto nomem;
	list->count = req.count;
	list->archives = calloc(req.count ? req.count : 1,
				sizeof(*list->archives));
	if (!list->archives)
		goto nomem;
	for (size_t i = 0; i < req.count; i++)
		info_from_entry(&list->archives[i], &entries[i]);
	free(entries);
	sks_set_result(SKS_CKR_OK);
	return list;

nomem:
	sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
fail:
	sks_archives_free(list);
	free(entries);
	return NULL;
}

SKS_API void sks_archives_free(struct sks_archives *list)
{
	if (!list)
		return;
	free(list->archives);
	free(list);
}

SKS_API size_t
sks_archives_get_count(const struct sks_archives *list)
{
	return list->count;
}

SKS_API const struct sks_archive_info *
sks_archives_get_archive(const struct sks_archives *list, size_t index)
{
	if (index >= list->count) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	return &list->archives[index];
}

/* SHOW and DELETE share their argument. */
static int archive_by_name(struct sks_session *backup, unsigned long cmd,
			   const char *so_secret, const char *name,
			   struct sks_archive_show *req)
{
	if (!secret_ok(so_secret) || !name_ok(name))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(req, 0, sizeof(*req));
	req->so_secret = (uintptr_t)so_secret;
	req->so_secret_len = strlen(so_secret);
	memcpy(req->entry.name, name, strlen(name));
	return sks_do_ioctl(backup->fd, cmd, req);
}

SKS_API struct sks_archive_info *
sks_backup_get_archive_info(struct sks_session *backup, const char *so_secret,
			    const char *name)
{
	struct sks_archive_show req;
	struct sks_archive_info *info;

	if (archive_by_name(backup, SKS_IOC_ARCHIVE_SHOW, so_secret, name,
			    &req))
		return NULL;
	info = malloc(sizeof(*info));
	if (!info) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	info_from_entry(info, &req.entry);
	return info;
}

SKS_API int sks_backup_delete_archive(struct sks_session *backup,
				      const char *so_secret, const char *name)
{
	struct sks_archive_show req;

	return archive_by_name(backup, SKS_IOC_ARCHIVE_DELETE, so_secret, name,
			       &req);
}

SKS_API void sks_archive_info_free(struct sks_archive_info *info)
{
	free(info);
}

SKS_API const char *sks_archive_info_get_name(const struct sks_archive_info *info)
{
	return info->name;
}

SKS_API unsigned int sks_archive_info_get_kind(const struct sks_archive_info *info)
{
	return info->kind;
}

SKS_API unsigned int
sks_archive_info_get_objects(const struct sks_archive_info *info)
{
	return info->objects;
}

SKS_API int64_t sks_archive_info_get_created(const struct sks_archive_info *info)
{
	return info->created;
}

SKS_API uint64_t
sks_archive_info_get_source_serial(const struct sks_archive_info *info)
{
	return info->source_serial;
}

SKS_API uint64_t sks_archive_info_get_size(const struct sks_archive_info *info)
{
	return info->size;
}

SKS_API const uint8_t *
sks_archive_info_get_domain_id(const struct sks_archive_info *info)
{
	return info->domain_id;
}

SKS_API const uint8_t *
sks_archive_info_get_smk_fingerprint(const struct sks_archive_info *info)
{
	return info->kind == SKS_ARCHIVE_SKS ? info->smk_fp : NULL;
}

SKS_API unsigned int
sks_archive_info_get_failures(const struct sks_archive_info *info)
{
	return info->failures;
}

SKS_API unsigned int
sks_archive_info_get_lockout_secs(const struct sks_archive_info *info)
{
	return info->lockout_secs;
}
