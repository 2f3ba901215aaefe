// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - objects in a slot: generate, import, read attributes and data
 * values, find, destroy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "attrs.h"

SKS_API int sks_object_generate(struct sks_session *session, uint32_t mechanism,
				const struct sks_attrs *attrs, uint32_t *handle)
{
	struct sks_generate_key g;

	if (!attrs)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&g, 0, sizeof(g));
	g.mechanism = mechanism;
	g.attrs = attrs->raw;
	g.attrs.usage_count = 0;
	if (sks_do_ioctl(session->fd, SKS_IOC_GENERATE_KEY, &g))
		return -1;
	if (handle)
		*handle = g.handle;
	return 0;
}

SKS_API int sks_object_create(struct sks_session *session,
			      const struct sks_attrs *attrs, const void *value,
			      size_t len, uint32_t *handle)
{
	struct sks_create_object c;

	if (!attrs || len > SKS_MAX_DATA_SIZE || (len && !value))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&c, 0, sizeof(c));
	c.attrs = attrs->raw;
	c.attrs.usage_count = 0;
	c.attrs.value_len = len;
	c.value = (uintptr_t)value;
	if (sks_do_ioctl(session->fd, SKS_IOC_CREATE_OBJECT, &c))
		return -1;
	if (handle)
		*handle = c.handle;
	return 0;
}

SKS_API struct sks_attrs *sks_object_get_attrs(struct sks_session *session,
					       uint32_t handle)
{
	struct sks_get_attrs g;
	struct sks_attrs *a;

	memset(&g, 0, sizeof(g));
	g.handle = handle;
	if (sks_do_ioctl(session->fd, SKS_IOC_GET_ATTRS, &g))
		return NULL;
	a = sks_attrs_from_raw(&g.attrs);
	if (a)
		sks_set_result(SKS_CKR_OK);
	return a;
}

SKS_API void *sks_object_get_value(struct sks_session *session,
				   uint32_t handle, size_t *len)
{
	struct sks_get_value g;
	uint8_t *buf = NULL;
	uint32_t room = 0;

	for (;;) {
		memset(&g, 0, sizeof(g));
		g.handle = handle;
		g.len = room;
		g.buf = (uintptr_t)buf;
		if (!sks_do_ioctl(session->fd, SKS_IOC_GET_VALUE, &g) &&
		    (buf || !g.len))
			break;
		if (sks_last_result() != SKS_CKR_OK &&
		    sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL) {
			free(buf);
			return NULL;
		}
		free(buf);
		room = g.len;
		/* Zeroed: memcheck cannot see the driver fill it. */
		buf = calloc(1, room);
		if (!buf) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}
	*len = g.len;
	sks_set_result(SKS_CKR_OK);
	return buf;
}

SKS_API uint32_t *sks_object_find(struct sks_session *session,
				  const struct sks_attrs *tmpl, uint32_t match,
				  size_t *count)
{
	struct sks_find_objects f;
	uint32_t *handles = NULL;
	uint32_t room = 0;

	if ((match && !tmpl) || (match & ~SKS_FIND_ALL)) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	for (;;) {
		memset(&f, 0, sizeof(f));
		f.flags = match;
		if (tmpl)
			f.tmpl = tmpl->raw;
		f.tmpl.usage_count = 0;
		f.handles = (uintptr_t)handles;
		f.count = room;
		if (!sks_do_ioctl(session->fd, SKS_IOC_FIND_OBJECTS, &f) &&
		    (handles || !f.count))
			break;
		if (sks_last_result() != SKS_CKR_OK &&
		    sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL) {
			free(handles);
			return NULL;
		}
		free(handles);
		room = f.count + 16;
		handles = calloc(room, sizeof(*handles));
		if (!handles) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}
	if (!handles) {
		handles = calloc(1, sizeof(*handles));
		if (!handles) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}
	*count = f.count;
	sks_set_result(SKS_CKR_OK);
	return handles;
}

SKS_API int sks_object_destroy(struct sks_session *session, uint32_t handle)
{
	struct sks_destroy_object d;

	memset(&d, 0, sizeof(d));
	d.handle = handle;
	return sks_do_ioctl(session->fd, SKS_IOC_DESTROY_OBJECT, &d);
}
