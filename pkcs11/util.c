// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sks-pkcs11 - helpers: the handle map, ioctls and their result codes,
 * blank-padded strings, growing buffers, EC curve parameters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "p11.h"

/* ---- hash map (open addressing, linear probing) ---- */

static size_t map_slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

void *p11_map_get(const struct p11_map *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = map_slot(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
		if (m->keys[i] == P11_MAP_EMPTY)
			return NULL;
	}
}

static CK_RV map_grow(struct p11_map *m)
{
	size_t cap = m->cap ? m->cap : 16, i;
	struct p11_map n = { 0 };

	/* rehash into a table at most a quarter full */
	while (cap < 4 * (m->n + 1))
		cap *= 2;
	n.keys = calloc(cap, sizeof(*n.keys));
	n.vals = calloc(cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return CKR_HOST_MEMORY;
	}
	n.cap = cap;
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (!p11_map_live(m, i))
			continue;
		for (j = map_slot(m->keys[i], cap); n.keys[j];
		     j = (j + 1) & (cap - 1))
			;
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
		n.n++;
	}
	n.used = n.n;
	free(m->keys);
	free(m->vals);
	*m = n;
	return CKR_OK;
}

CK_RV p11_map_put(struct p11_map *m, uint64_t key, void *val)
{
	size_t i;

	if ((m->used + 1) * 2 > m->cap) {
		CK_RV rv = map_grow(m);

		if (rv != CKR_OK)
			return rv;
	}
	for (i = map_slot(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return CKR_OK;
		}
		if (m->keys[i] == P11_MAP_EMPTY)
			break;
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	m->used++;
	return CKR_OK;
}

/*
 * Removal shifts the entries of the probe chain after the hole back
 * (Knuth's algorithm R for linear probing): no tombstones, so a map whose
 * objects come and go (inserts and destroys) never needs rehashing.
 */
void *p11_map_del(struct p11_map *m, uint64_t key)
{
	size_t i, j, mask = m->cap - 1;
	void *v;

	if (!m->cap)
		return NULL;
	for (i = map_slot(key, m->cap);; i = (i + 1) & mask) {
		if (m->keys[i] == key)
			break;
		if (m->keys[i] == P11_MAP_EMPTY)
			return NULL;
	}
	v = m->vals[i];
	for (j = (i + 1) & mask; m->keys[j] != P11_MAP_EMPTY;
	     j = (j + 1) & mask) {
		size_t home = map_slot(m->keys[j], m->cap);

		/* the entry at j may fill the hole at i if its home is not
		 * cyclically in (i, j] */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = P11_MAP_EMPTY;
	m->vals[i] = NULL;
	m->n--;
	m->used--;
	return v;
}

void p11_map_free(struct p11_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- ioctls ---- */

/*
 * The result code of a failed ioctl the driver did not answer (it could
 * not read the struct): the driver's errno pairs (<linux/sks.h>).
 */
CK_RV p11_rv_from_errno(int err)
{
	switch (err) {
	case ENOMEM:
		return CKR_HOST_MEMORY;
	case EFAULT:
	case EINVAL:
	case E2BIG:
		return CKR_ARGUMENTS_BAD;
	case ENODEV:
	case ENXIO:
		return CKR_DEVICE_REMOVED;
	case ENOTTY:
	case EOPNOTSUPP:
		return CKR_FUNCTION_NOT_SUPPORTED;
	case EPERM:
	case EACCES:
		return CKR_FUNCTION_FAILED;
	default:
		return CKR_DEVICE_ERROR;
	}
}

/**
 * p11_ioctl() - issue a slot ioctl and return its PKCS#11 result.
 * @fd: the slot device.
 * @cmd: SKS_IOC_*.
 * @arg: its struct, which starts with "__u32 flags; __u32 result;".
 *
 * Return: CKR_OK, the driver's result code (<linux/sks.h>: written on
 * every return once the struct was read), or a code from errno when the
 * driver could not read the struct.
 */
CK_RV p11_ioctl(int fd, unsigned long cmd, void *arg)
{
	uint32_t *result = (uint32_t *)arg + 1;

	*result = UINT32_MAX;
	if (ioctl(fd, cmd, arg) == 0)
		return CKR_OK;
	if (*result != UINT32_MAX && *result != CKR_OK)
		return *result;
	return p11_rv_from_errno(errno);
}

/* ---- strings and buffers ---- */

/* Blank-pad @src into the fixed PKCS#11 field @dst of @len bytes. */
void p11_pad(CK_UTF8CHAR *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len);

	memset(dst, ' ', len);
	memcpy(dst, src, n);
}

/*
 * Append @n bytes to a growing buffer of at most @max bytes: CKR_OK,
 * CKR_DATA_LEN_RANGE beyond @max, CKR_HOST_MEMORY.
 */
CK_RV p11_buf_append(uint8_t **buf, size_t *len, size_t *cap,
		     const void *data, size_t n, size_t max)
{
	if (n > max - *len)
		return CKR_DATA_LEN_RANGE;
	if (*len + n > *cap) {
		size_t ncap = *cap ? *cap : 256;
		uint8_t *nb;

		while (ncap < *len + n)
			ncap *= 2;
		nb = malloc(ncap);
		if (!nb)
			return CKR_HOST_MEMORY;
		if (*len)
			memcpy(nb, *buf, *len);
		if (*buf) {
			p11_wipe(*buf, *cap);
			free(*buf);
		}
		*buf = nb;
		*cap = ncap;
	}
	if (n)
		memcpy(*buf + *len, data, n);
	*len += n;
	return CKR_OK;
}

void p11_wipe(void *p, size_t len)
{
	if (p && len)
		explicit_bzero(p, len);
}

/* ---- EC curves ---- */

/* DER OIDs (CKA_EC_PARAMS as namedCurve, RFC 5480 section 2.1.1.1). */
static const uint8_t oid_p256[] = {
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };

/* The curve (SKS_EC_*) named by a CKA_EC_PARAMS value, or 0. */
int p11_curve_from_params(const void *der, size_t len)
{
	if (len == sizeof(oid_p256) && !memcmp(der, oid_p256, len))
		return SKS_EC_P256;
	if (len == sizeof(oid_p384) && !memcmp(der, oid_p384, len))
		return SKS_EC_P384;
	return 0;
}

const uint8_t *p11_curve_params(int curve, size_t *len)
{
	switch (curve) {
	case SKS_EC_P256:
		*len = sizeof(oid_p256);
		return oid_p256;
	case SKS_EC_P384:
		*len = sizeof(oid_p384);
		return oid_p384;
	default:
		*len = 0;
		return NULL;
	}
}

/* Field size in bytes. */
size_t p11_curve_bytes(int curve)
{
	return curve == SKS_EC_P256 ? 32 : curve == SKS_EC_P384 ? 48 : 0;
}

/* The curve of an EC key from its value length (<linux/sks.h>), or 0. */
int p11_curve_of_attrs(const struct sks_obj_attrs *a)
{
	if (a->key_type != SKS_CKK_EC)
		return 0;
	switch (a->value_len) {
	case 32:
	case 65:
		return SKS_EC_P256;
	case 48:
	case 97:
		return SKS_EC_P384;
	default:
		return 0;
	}
}
