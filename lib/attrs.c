// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - object attributes: templates for new objects and searches, and
 * attributes read back from the driver.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "attrs.h"

SKS_API struct sks_attrs *sks_attrs_new(void)
{
	struct sks_attrs *a = calloc(1, sizeof(*a));

	if (!a) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	a->raw.obj_class = SKS_CKO_SECRET_KEY;
	a->raw.key_type = SKS_CKK_AES;
	/* Private unless told otherwise, as Luna's keys are. */
	a->raw.flags = SKS_OBJ_PRIVATE;
	sks_set_result(SKS_CKR_OK);
	return a;
}

struct sks_attrs *sks_attrs_from_raw(const struct sks_obj_attrs *raw)
{
	struct sks_attrs *a = sks_attrs_new();

	if (!a)
		return NULL;
	a->raw = *raw;
	if (a->raw.label_len > SKS_OBJ_LABEL_MAX)
		a->raw.label_len = SKS_OBJ_LABEL_MAX;
	if (a->raw.id_len > SKS_OBJ_ID_MAX)
		a->raw.id_len = SKS_OBJ_ID_MAX;
	memcpy(a->label, a->raw.label, a->raw.label_len);
	a->label[a->raw.label_len] = '\0';
	return a;
}

SKS_API void sks_attrs_free(struct sks_attrs *attrs)
{
	free(attrs);
}

SKS_API void sks_attrs_set_class(struct sks_attrs *attrs, uint32_t cls)
{
	attrs->raw.obj_class = cls;
}

SKS_API void sks_attrs_set_key_type(struct sks_attrs *attrs, uint32_t key_type)
{
	attrs->raw.key_type = key_type;
}

SKS_API void sks_attrs_set_flags(struct sks_attrs *attrs, uint32_t flags)
{
	attrs->raw.flags = flags;
}

SKS_API void sks_attrs_set_value_len(struct sks_attrs *attrs, uint32_t len)
{
	attrs->raw.value_len = len;
}

SKS_API void sks_attrs_set_usage_limit(struct sks_attrs *attrs, uint64_t limit)
{
	attrs->raw.usage_limit = limit;
}

SKS_API int sks_attrs_set_label(struct sks_attrs *attrs, const char *label)
{
	size_t len = label ? strlen(label) : 0;

	if (len > SKS_OBJ_LABEL_MAX)
		return sks_lib_fail(EINVAL, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	memset(attrs->raw.label, 0, sizeof(attrs->raw.label));
	memcpy(attrs->raw.label, label, len);
	attrs->raw.label_len = len;
	memcpy(attrs->label, attrs->raw.label, len);
	attrs->label[len] = '\0';
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API int sks_attrs_set_id(struct sks_attrs *attrs, const void *id, size_t len)
{
	if (len > SKS_OBJ_ID_MAX || (len && !id))
		return sks_lib_fail(EINVAL, SKS_CKR_ATTRIBUTE_VALUE_INVALID);
	memset(attrs->raw.id, 0, sizeof(attrs->raw.id));
	if (len)
		memcpy(attrs->raw.id, id, len);
	attrs->raw.id_len = len;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API uint32_t sks_attrs_get_class(const struct sks_attrs *attrs)
{
	return attrs->raw.obj_class;
}

SKS_API uint32_t sks_attrs_get_key_type(const struct sks_attrs *attrs)
{
	return attrs->raw.key_type;
}

SKS_API uint32_t sks_attrs_get_flags(const struct sks_attrs *attrs)
{
	return attrs->raw.flags;
}

SKS_API uint32_t sks_attrs_get_value_len(const struct sks_attrs *attrs)
{
	return attrs->raw.value_len;
}

SKS_API uint64_t sks_attrs_get_usage_limit(const struct sks_attrs *attrs)
{
	return attrs->raw.usage_limit;
}

SKS_API uint64_t sks_attrs_get_usage_count(const struct sks_attrs *attrs)
{
	return attrs->raw.usage_count;
}

SKS_API const char *sks_attrs_get_label(const struct sks_attrs *attrs)
{
	return attrs->label;
}

SKS_API const uint8_t *sks_attrs_get_id(const struct sks_attrs *attrs,
					size_t *len)
{
	*len = attrs->raw.id_len;
	return attrs->raw.id;
}
