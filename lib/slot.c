// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - slot lists: the slots of the HSM as the control device lists
 * them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct sks_slot_info {
	unsigned int number;
	unsigned int type;
	uint64_t serial;
	char label[SKS_LABEL_LEN + 1];
	char firmware[SKS_FW_VERSION_LEN + 1];
	uint32_t state;
	unsigned int sessions;
	uint64_t capacity;
	uint64_t used;
};

struct sks_slots {
	size_t count;
	struct sks_slot_info *slots;
};

SKS_API struct sks_slots *sks_hsm_list_slots(struct sks_hsm *hsm)
{
	struct sks_slots *list = NULL;
	struct sks_slot_entry *entries = NULL;
	struct sks_slot_list req;
	int fd = sks_hsm_get_fd(hsm);
	uint32_t room = 0;

	/* Ask for the count, then read; retry if slots appeared meanwhile. */
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.entries = (uintptr_t)entries;
		req.count = room;
		req.entry_size = sizeof(struct sks_slot_entry);
		if (!sks_do_ioctl(fd, SKS_CTL_LIST_SLOTS, &req) &&
		    (entries || !req.count))
			break;
		if (sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL &&
		    sks_last_result() != SKS_CKR_OK)
			goto fail;
		free(entries);
		room = req.count + 4;
		entries = calloc(room, sizeof(*entries));
		if (!entries) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}

	list = calloc(1, sizeof(*list));
	if (!list)
		goto nomem;
	list->count = req.count;
	list->slots = calloc(req.count ? req.count : 1, sizeof(*list->slots));
	if (!list->slots)
		goto nomem;
	for (size_t i = 0; i < req.count; i++) {
		struct sks_slot_info *s = &list->slots[i];
		const struct sks_slot_entry *e = &entries[i];

		s->number = e->slot;
		s->type = e->type;
		s->serial = e->serial;
		memcpy(s->label, e->label, SKS_LABEL_LEN);
		memcpy(s->firmware, e->fw_version, SKS_FW_VERSION_LEN);
		s->state = e->state;
		s->sessions = e->sessions;
		s->capacity = e->capacity;
		s->used = e->used;
	}
	free(entries);
	sks_set_result(SKS_CKR_OK);
	return list;

nomem:
	sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
fail:
	sks_slots_free(list);
	free(entries);
	return NULL;
}

SKS_API void sks_slots_free(struct sks_slots *list)
{
	if (!list)
		return;
	free(list->slots);
	free(list);
}

SKS_API size_t sks_slots_get_count(const struct sks_slots *list)
{
	return list->count;
}

SKS_API const struct sks_slot_info *
sks_slots_get_slot(const struct sks_slots *list, size_t index)
{
	if (index >= list->count) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	return &list->slots[index];
}

SKS_API unsigned int sks_slot_info_get_number(const struct sks_slot_info *info)
{
	return info->number;
}

SKS_API unsigned int sks_slot_info_get_type(const struct sks_slot_info *info)
{
	return info->type;
}

SKS_API uint64_t sks_slot_info_get_serial(const struct sks_slot_info *info)
{
	return info->serial;
}

SKS_API const char *sks_slot_info_get_label(const struct sks_slot_info *info)
{
	return info->label;
}

SKS_API const char *sks_slot_info_get_firmware(const struct sks_slot_info *info)
{
	return info->firmware;
}

SKS_API uint32_t sks_slot_info_get_state(const struct sks_slot_info *info)
{
	return info->state;
}

SKS_API unsigned int sks_slot_info_get_sessions(const struct sks_slot_info *info)
{
	return info->sessions;
}

SKS_API uint64_t sks_slot_info_get_capacity(const struct sks_slot_info *info)
{
	return info->capacity;
}

SKS_API uint64_t sks_slot_info_get_used(const struct sks_slot_info *info)
{
	return info->used;
}

SKS_API const char *sks_slot_type_name(unsigned int type)
{
	switch (type) {
	case SKS_SLOT_V0:
		return "Partition (V0)";
	case SKS_SLOT_V1:
		return "SKS Partition (V1)";
	case SKS_SLOT_BACKUP:
		return "Backup HSM";
	default:
		return "unknown";
	}
}
