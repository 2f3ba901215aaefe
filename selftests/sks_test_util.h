/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the sks selftests.
 */
#ifndef SKS_TEST_UTIL_H
#define SKS_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sks.h>

#define SKS_SO_PIN	"so-secret-1"
#define SKS_CO_PIN	"co-secret-1"
#define SKS_CU_PIN	"cu-secret-1"
#define SKS_DOMAIN	"test-domain"

static inline uint64_t sks_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static inline int sks_ctl_open(void)
{
	return open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
}

/* ioctl() returning -errno or 0. */
static inline int sks_ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* Create a slot; returns its number or -errno. */
static inline int sks_slot_new(int ctl, uint32_t type, uint64_t capacity)
{
	struct sks_slot_create c = { .type = type, .capacity = capacity };
	int err;

	if (type == SKS_SLOT_BACKUP) {
		c.so_secret = sks_ptr(SKS_SO_PIN);
		c.so_secret_len = strlen(SKS_SO_PIN);
	}
	err = sks_ioc(ctl, SKS_CTL_CREATE_SLOT, &c);
	return err ? err : (int)c.slot;
}

static inline int sks_slot_del(int ctl, int slot)
{
	struct sks_slot_delete d = { .slot = slot };

	return sks_ioc(ctl, SKS_CTL_DELETE_SLOT, &d);
}

static inline int sks_slot_open(int slot)
{
	char path[32];

	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	return open(path, O_RDWR | O_CLOEXEC);
}

static inline int sks_part_init(int fd, const char *label)
{
	struct sks_partition_init pi = {
		.so_pin = sks_ptr(SKS_SO_PIN),
		.so_pin_len = strlen(SKS_SO_PIN),
		.domain = sks_ptr(SKS_DOMAIN),
		.domain_len = strlen(SKS_DOMAIN),
	};

	strncpy((char *)pi.label, label, sizeof(pi.label));
	return sks_ioc(fd, SKS_IOC_PARTITION_INIT, &pi);
}

static inline int sks_login_as(int fd, uint32_t role, const char *pin,
			       uint32_t *result)
{
	struct sks_login li = {
		.role = role, .pin = sks_ptr(pin), .pin_len = strlen(pin),
	};
	int err = sks_ioc(fd, SKS_IOC_LOGIN, &li);

	if (result)
		*result = li.result;
	return err;
}

static inline int sks_logout(int fd)
{
	struct sks_simple s = {};

	return sks_ioc(fd, SKS_IOC_LOGOUT, &s);
}

static inline int sks_init_role_pin(int fd, uint32_t role, const char *pin)
{
	struct sks_init_role ir = {
		.role = role, .pin = sks_ptr(pin), .pin_len = strlen(pin),
	};

	return sks_ioc(fd, SKS_IOC_INIT_ROLE, &ir);
}

/*
 * Make a ready partition: initialised, CO and CU set; @fd is left logged
 * in as CO. Returns 0 or -errno.
 */
static inline int sks_part_ready(int fd)
{
	int err;

	err = sks_part_init(fd, "test");
	if (!err)
		err = sks_login_as(fd, SKS_ROLE_SO, SKS_SO_PIN, NULL);
	if (!err)
		err = sks_init_role_pin(fd, SKS_ROLE_CO, SKS_CO_PIN);
	if (!err)
		err = sks_init_role_pin(fd, SKS_ROLE_CU, SKS_CU_PIN);
	if (!err)
		err = sks_logout(fd);
	if (!err)
		err = sks_login_as(fd, SKS_ROLE_CO, SKS_CO_PIN, NULL);
	return err;
}

static inline void sks_attrs_set(struct sks_obj_attrs *a, uint32_t class,
				 uint32_t key_type, uint32_t flags,
				 uint32_t value_len, const char *label)
{
	memset(a, 0, sizeof(*a));
	a->obj_class = class;
	a->key_type = key_type;
	a->flags = flags;
	a->value_len = value_len;
	if (label) {
		a->label_len = strlen(label);
		memcpy(a->label, label, a->label_len);
	}
}

/* Import a key or data object; returns the handle or -errno. */
static inline int64_t sks_import(int fd, const struct sks_obj_attrs *a,
				 const void *value, uint32_t *result)
{
	struct sks_create_object co = { .value = sks_ptr(value), .attrs = *a };
	int err = sks_ioc(fd, SKS_IOC_CREATE_OBJECT, &co);

	if (result)
		*result = co.result;
	return err ? err : (int64_t)co.handle;
}

static inline int64_t sks_import_aes(int fd, const uint8_t *key, uint32_t len,
				     uint32_t flags)
{
	struct sks_obj_attrs a;

	sks_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES, flags, len, "aes");
	return sks_import(fd, &a, key, NULL);
}

static inline int64_t sks_import_data(int fd, const void *data, uint32_t len,
				      uint32_t flags)
{
	struct sks_obj_attrs a;

	sks_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, flags, len, "data");
	return sks_import(fd, &a, data, NULL);
}

/* Find @needle in @hay. */
static inline int sks_memmem(const void *hay, size_t hlen, const void *needle,
			     size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= hlen; i++)
		if (!memcmp((const char *)hay + i, needle, nlen))
			return 1;
	return 0;
}

#endif /* SKS_TEST_UTIL_H */
