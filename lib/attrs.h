/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsks - the attributes object's layout, shared by attrs.c and object.c.
 */
#ifndef __LIBSKS_ATTRS_H__
#define __LIBSKS_ATTRS_H__

#include "internal.h"

struct sks_attrs {
	struct sks_obj_attrs raw;
	char label[SKS_OBJ_LABEL_MAX + 1];
};

/* New attributes holding a copy of @raw (label NUL terminated). */
struct sks_attrs *sks_attrs_from_raw(const struct sks_obj_attrs *raw);

#endif /* __LIBSKS_ATTRS_H__ */
