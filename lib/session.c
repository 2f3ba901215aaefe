// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - sessions on a slot device: open and close, state, partition
 * initialisation, roles and SMK rollover.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct sks_session_desc {
	unsigned int slot;
	unsigned int type;
	uint32_t role;
	uint32_t state;
	uint64_t serial;
	char label[SKS_LABEL_LEN + 1];
	uint64_t capacity;
	uint64_t used;
	int has_smk;
	int has_rollover;
	uint8_t smk_fp[SKS_FINGERPRINT_LEN];
	uint8_t rollover_fp[SKS_FINGERPRINT_LEN];
	unsigned int so_failures;
	unsigned int co_failures;
	unsigned int cu_failures;
	unsigned int lockout_secs;
};

SKS_API struct sks_session *sks_session_open_path(const char *path)
{
	struct sks_session *s;
	int err;

	if (!path) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	s->fd = open(path, O_RDWR | O_CLOEXEC);
	if (s->fd < 0) {
		err = errno;
		free(s);
		sks_lib_fail(err,
			     err == ENOENT || err == ENXIO || err == ENODEV ?
			     SKS_CKR_TOKEN_NOT_PRESENT : SKS_CKR_DEVICE_ERROR);
		return NULL;
	}
	sks_set_result(SKS_CKR_OK);
	return s;
}

SKS_API struct sks_session *sks_session_open(unsigned int slot)
{
	char path[32];

	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	return sks_session_open_path(path);
}

SKS_API void sks_session_close(struct sks_session *session)
{
	if (!session)
		return;
	close(session->fd);
	free(session);
}

SKS_API int sks_session_get_fd(struct sks_session *session)
{
	return session->fd;
}

static int all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

SKS_API struct sks_session_desc *sks_session_get_desc(struct sks_session *session)
{
	struct sks_session_info info;
	struct sks_session_desc *d;

	memset(&info, 0, sizeof(info));
	if (sks_do_ioctl(session->fd, SKS_IOC_SESSION_INFO, &info))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	d->slot = info.slot;
	d->type = info.type;
	d->role = info.role;
	d->state = info.state;
	d->serial = info.serial;
	memcpy(d->label, info.label, SKS_LABEL_LEN);
	d->capacity = info.capacity;
	d->used = info.used;
	memcpy(d->smk_fp, info.smk_fingerprint, SKS_FINGERPRINT_LEN);
	memcpy(d->rollover_fp, info.rollover_fingerprint, SKS_FINGERPRINT_LEN);
	d->has_smk = info.type == SKS_SLOT_V1 &&
		     (info.state & SKS_STATE_INITIALIZED) &&
		     !all_zero(d->smk_fp, SKS_FINGERPRINT_LEN);
	d->has_rollover = !all_zero(d->rollover_fp, SKS_FINGERPRINT_LEN);
	d->so_failures = info.so_failures;
	d->co_failures = info.co_failures;
	d->cu_failures = info.cu_failures;
	d->lockout_secs = info.lockout_secs;
	return d;
}

SKS_API void sks_session_desc_free(struct sks_session_desc *desc)
{
	free(desc);
}

SKS_API unsigned int sks_session_desc_get_slot(const struct sks_session_desc *desc)
{
	return desc->slot;
}

SKS_API unsigned int sks_session_desc_get_type(const struct sks_session_desc *desc)
{
	return desc->type;
}

SKS_API uint32_t sks_session_desc_get_role(const struct sks_session_desc *desc)
{
	return desc->role;
}

SKS_API uint32_t sks_session_desc_get_state(const struct sks_session_desc *desc)
{
	return desc->state;
}

SKS_API uint64_t sks_session_desc_get_serial(const struct sks_session_desc *desc)
{
	return desc->serial;
}

SKS_API const char *sks_session_desc_get_label(const struct sks_session_desc *desc)
{
	return desc->label;
}

SKS_API uint64_t sks_session_desc_get_capacity(const struct sks_session_desc *desc)
{
	return desc->capacity;
}

SKS_API uint64_t sks_session_desc_get_used(const struct sks_session_desc *desc)
{
	return desc->used;
}

SKS_API const uint8_t *
sks_session_desc_get_smk_fingerprint(const struct sks_session_desc *desc)
{
	return desc->has_smk ? desc->smk_fp : NULL;
}

SKS_API const uint8_t *
sks_session_desc_get_rollover_fingerprint(const struct sks_session_desc *desc)
{
	return desc->has_rollover ? desc->rollover_fp : NULL;
}

SKS_API unsigned int
sks_session_desc_get_so_failures(const struct sks_session_desc *desc)
{
	return desc->so_failures;
}

SKS_API unsigned int
sks_session_desc_get_co_failures(const struct sks_session_desc *desc)
{
	return desc->co_failures;
}

SKS_API unsigned int
sks_session_desc_get_cu_failures(const struct sks_session_desc *desc)
{
	return desc->cu_failures;
}

SKS_API unsigned int
sks_session_desc_get_lockout_secs(const struct sks_session_desc *desc)
{
	return desc->lockout_secs;
}

SKS_API const char *sks_role_name(uint32_t role)
{
	switch (role) {
	case SKS_ROLE_SO:
		return "Partition SO";
	case SKS_ROLE_CO:
		return "Crypto Officer";
	case SKS_ROLE_CU:
		return "Crypto User";
	default:
		return "none";
	}
}

/* Secrets are passed as NUL terminated strings; bound them before use. */
static int pin_ok(const char *pin)
{
	return pin && strnlen(pin, SKS_PIN_MAX + 1) <= SKS_PIN_MAX;
}

SKS_API int sks_session_init_partition(struct sks_session *session,
				       const char *so_pin, const char *domain,
				       const char *label)
{
	struct sks_partition_init p;

	if (!pin_ok(so_pin) || !domain ||
	    strnlen(domain, SKS_DOMAIN_MAX + 1) > SKS_DOMAIN_MAX ||
	    (label && strlen(label) > SKS_LABEL_LEN))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&p, 0, sizeof(p));
	p.so_pin = (uintptr_t)so_pin;
	p.so_pin_len = strlen(so_pin);
	p.domain = (uintptr_t)domain;
	p.domain_len = strlen(domain);
	if (label)
		memcpy(p.label, label, strlen(label));
	return sks_do_ioctl(session->fd, SKS_IOC_PARTITION_INIT, &p);
}

SKS_API int sks_session_login(struct sks_session *session, uint32_t role,
			      const char *pin)
{
	struct sks_login l;

	if (!pin_ok(pin))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&l, 0, sizeof(l));
	l.role = role;
	l.pin = (uintptr_t)pin;
	l.pin_len = strlen(pin);
	return sks_do_ioctl(session->fd, SKS_IOC_LOGIN, &l);
}

SKS_API int sks_session_logout(struct sks_session *session)
{
	struct sks_simple s;

	memset(&s, 0, sizeof(s));
	return sks_do_ioctl(session->fd, SKS_IOC_LOGOUT, &s);
}

SKS_API int sks_session_init_role(struct sks_session *session, uint32_t role,
				  const char *pin)
{
	struct sks_init_role r;

	if (!pin_ok(pin))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&r, 0, sizeof(r));
	r.role = role;
	r.pin = (uintptr_t)pin;
	r.pin_len = strlen(pin);
	return sks_do_ioctl(session->fd, SKS_IOC_INIT_ROLE, &r);
}

SKS_API int sks_session_change_pin(struct sks_session *session, uint32_t role,
				   const char *old_pin, const char *new_pin)
{
	struct sks_change_pin c;

	if (!pin_ok(old_pin) || !pin_ok(new_pin))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&c, 0, sizeof(c));
	c.role = role;
	c.old_pin = (uintptr_t)old_pin;
	c.old_len = strlen(old_pin);
	c.new_pin = (uintptr_t)new_pin;
	c.new_len = strlen(new_pin);
	return sks_do_ioctl(session->fd, SKS_IOC_CHANGE_PIN, &c);
}

SKS_API int sks_session_smk_rollover(struct sks_session *session,
				     uint32_t flags)
{
	struct sks_simple s;

	if (flags != SKS_ROLLOVER_START && flags != SKS_ROLLOVER_END)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&s, 0, sizeof(s));
	s.flags = flags;
	return sks_do_ioctl(session->fd, SKS_IOC_SMK_ROLLOVER, &s);
}
