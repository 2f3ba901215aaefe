// SPDX-License-Identifier: GPL-2.0
/*
 * sks - Backup HSM image codec: encode and parse the image header, the
 * HSM record and archive records. All integers are little endian; nothing
 * is aligned. Object records inside archives use the blob record encoding.
 */

#include "image_codec.h"

/* Header layout */
#define HDR_MAGIC	0
#define HDR_VERSION	4	/* u16 */
#define HDR_HDR_LEN	6	/* u16 */
#define HDR_FLAGS	8
#define HDR_ITERATIONS	12
#define HDR_PAYLOAD_LEN	16
#define HDR_RESERVED	20
#define HDR_SALT	24
#define HDR_IV		56
#define HDR_RESERVED2	68
#define HDR_CHECK	72
#define HDR_SUM		88	/* version 2 */

/* HSM record layout */
#define HSM_SERIAL	0
#define HSM_CAPACITY	8
#define HSM_FW		16
#define HSM_NR_ARC	32
#define HSM_SO_FAILURES	36	/* version 2; reserved (0) in version 1 */
#define HSM_ID_KEY	40	/* version 2 */

/* Archive record layout */
#define ARC_LEN		0
#define ARC_KIND	4
#define ARC_FAILURES	8	/* version 2; reserved (0) in version 1 */
#define ARC_NR_OBJ	12
#define ARC_NAME	16
#define ARC_CREATED	80
#define ARC_SOURCE	88
#define ARC_DOMAIN	96
#define ARC_S_ITER	128
#define ARC_RESERVED2	132
#define ARC_S_SALT	136
#define ARC_S_HASH	152
#define ARC_SMK		184
#define ARC_OBJ_LEN	216
#define ARC_RESERVED3	220

/**
 * sks_image_check_name() - check an archive name field.
 * @name: the field.
 * @len: its size (SKS_IMAGE_NAME_LEN).
 *
 * A name is 1..@len bytes of '!'..'~', NUL padded to @len.
 *
 * Context: any.
 * Return: the name's length, or -EINVAL.
 */
int sks_image_check_name(const u8 *name, size_t len)
{
	size_t n = 0, i;

	while (n < len && name[n])
		n++;
	if (!n)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (i < n && (name[i] < '!' || name[i] > '~'))
			return -EINVAL;
		if (i >= n && name[i])
			return -EINVAL;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_check_name);

/**
 * sks_image_hdr_size() - header length of an image version.
 * @version: SKS_IMAGE_VERSION or SKS_IMAGE_VERSION_1.
 *
 * Context: any.
 * Return: bytes.
 */
size_t sks_image_hdr_size(u32 version)
{
	return version == SKS_IMAGE_VERSION_1 ? SKS_IMAGE_HDR_LEN_V1 :
	       SKS_IMAGE_HDR_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_hdr_size);

/**
 * sks_image_put_hdr() - encode an image header.
 * @out: sks_image_hdr_size(@h->version) bytes.
 * @h: header (version SKS_IMAGE_VERSION or SKS_IMAGE_VERSION_1); @h->sum
 *	is written as given (version 2), the caller computes it over the
 *	bytes before SKS_IMAGE_SUM_OFF once they are encoded.
 *
 * Context: any.
 */
void sks_image_put_hdr(u8 *out, const struct sks_image_hdr *h)
{
	size_t len = sks_image_hdr_size(h->version);

	memset(out, 0, len);
	memcpy(out + HDR_MAGIC, SKS_IMAGE_MAGIC, 4);
	out[HDR_VERSION] = h->version;
	out[HDR_HDR_LEN] = len;
	sks_put_le32(out + HDR_FLAGS, h->flags);
	sks_put_le32(out + HDR_ITERATIONS, h->iterations);
	sks_put_le32(out + HDR_PAYLOAD_LEN, h->payload_len);
	memcpy(out + HDR_SALT, h->salt, SKS_IMAGE_SALT_LEN);
	memcpy(out + HDR_IV, h->iv, SKS_IMAGE_IV_LEN);
	memcpy(out + HDR_CHECK, h->check, SKS_IMAGE_CHECK_LEN);
	if (h->version != SKS_IMAGE_VERSION_1)
		memcpy(out + HDR_SUM, h->sum, SKS_IMAGE_SUM_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_put_hdr);

/**
 * sks_image_get_hdr() - parse and check the header of a whole image.
 * @buf: the image.
 * @len: its exact length (header, payload and tag).
 * @h: out: decoded header.
 *
 * Refuses a bad magic, an unknown version (1 and 2 are known) or header
 * length, unknown flags, non-zero reserved fields, an iteration count
 * outside SKS_IMAGE_MIN_ITER..SKS_IMAGE_MAX_ITER and any length mismatch
 * (truncation or trailing bytes). The version 2 checksum is returned in
 * @h->sum, not checked: that needs SHA-256 (the caller's).
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_image_get_hdr(const u8 *buf, size_t len, struct sks_image_hdr *h)
{
	size_t hlen;

	if (len < SKS_IMAGE_HDR_LEN_V1 + SKS_IMAGE_HSM_LEN_V1 +
		  SKS_IMAGE_TAG_LEN || len > SKS_IMAGE_MAX_LEN)
		return -EBADMSG;
	if (memcmp(buf + HDR_MAGIC, SKS_IMAGE_MAGIC, 4))
		return -EBADMSG;
	h->version = buf[HDR_VERSION] | buf[HDR_VERSION + 1] << 8;
	if (h->version != SKS_IMAGE_VERSION && h->version != SKS_IMAGE_VERSION_1)
		return -EBADMSG;
	hlen = sks_image_hdr_size(h->version);
	if (buf[HDR_HDR_LEN] != hlen || buf[HDR_HDR_LEN + 1] ||
	    len < hlen + sks_image_hsm_size(h->version) + SKS_IMAGE_TAG_LEN)
		return -EBADMSG;
	h->flags = sks_get_le32(buf + HDR_FLAGS);
	h->iterations = sks_get_le32(buf + HDR_ITERATIONS);
	h->payload_len = sks_get_le32(buf + HDR_PAYLOAD_LEN);
	if (h->flags || sks_get_le32(buf + HDR_RESERVED) ||
	    sks_get_le32(buf + HDR_RESERVED2))
		return -EBADMSG;
	if (h->iterations < SKS_IMAGE_MIN_ITER ||
	    h->iterations > SKS_IMAGE_MAX_ITER)
		return -EBADMSG;
	if (h->payload_len != len - hlen - SKS_IMAGE_TAG_LEN)
		return -EBADMSG;
	memcpy(h->salt, buf + HDR_SALT, SKS_IMAGE_SALT_LEN);
	memcpy(h->iv, buf + HDR_IV, SKS_IMAGE_IV_LEN);
	memcpy(h->check, buf + HDR_CHECK, SKS_IMAGE_CHECK_LEN);
	memset(h->sum, 0, SKS_IMAGE_SUM_LEN);
	if (h->version != SKS_IMAGE_VERSION_1)
		memcpy(h->sum, buf + HDR_SUM, SKS_IMAGE_SUM_LEN);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_get_hdr);

/**
 * sks_image_hsm_size() - HSM record length of an image version.
 * @version: SKS_IMAGE_VERSION or SKS_IMAGE_VERSION_1.
 *
 * Context: any.
 * Return: bytes.
 */
size_t sks_image_hsm_size(u32 version)
{
	return version == SKS_IMAGE_VERSION_1 ? SKS_IMAGE_HSM_LEN_V1 :
	       SKS_IMAGE_HSM_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_hsm_size);

/**
 * sks_image_put_hsm() - encode the HSM record.
 * @out: sks_image_hsm_size(@m->version) bytes.
 * @m: the record.
 *
 * Context: any.
 * Return: bytes written.
 */
size_t sks_image_put_hsm(u8 *out, const struct sks_image_hsm *m)
{
	size_t len = sks_image_hsm_size(m->version);

	memset(out, 0, len);
	sks_put_le64(out + HSM_SERIAL, m->serial);
	sks_put_le64(out + HSM_CAPACITY, m->capacity);
	memcpy(out + HSM_FW, m->fw_version, SKS_IMAGE_FW_LEN);
	sks_put_le32(out + HSM_NR_ARC, m->nr_archives);
	if (m->version != SKS_IMAGE_VERSION_1) {
		sks_put_le32(out + HSM_SO_FAILURES, m->so_failures);
		memcpy(out + HSM_ID_KEY, m->id_key, SKS_IMAGE_ID_KEY_LEN);
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_put_hsm);

/**
 * sks_image_get_hsm() - parse the HSM record.
 * @buf: decrypted payload.
 * @len: its length.
 * @version: the image's version.
 * @m: out: the record.
 *
 * The firmware version must be NUL terminated and printable.
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_image_get_hsm(const u8 *buf, size_t len, u32 version,
		      struct sks_image_hsm *m)
{
	size_t i;
	int end = 0;

	if ((version != SKS_IMAGE_VERSION && version != SKS_IMAGE_VERSION_1) ||
	    len < sks_image_hsm_size(version))
		return -EBADMSG;
	m->version = version;
	m->serial = sks_get_le64(buf + HSM_SERIAL);
	m->capacity = sks_get_le64(buf + HSM_CAPACITY);
	memcpy(m->fw_version, buf + HSM_FW, SKS_IMAGE_FW_LEN);
	m->nr_archives = sks_get_le32(buf + HSM_NR_ARC);
	m->so_failures = sks_get_le32(buf + HSM_SO_FAILURES);
	memset(m->id_key, 0, SKS_IMAGE_ID_KEY_LEN);
	if (version == SKS_IMAGE_VERSION_1 && m->so_failures)
		return -EBADMSG;	/* reserved in version 1 */
	if (version != SKS_IMAGE_VERSION_1)
		memcpy(m->id_key, buf + HSM_ID_KEY, SKS_IMAGE_ID_KEY_LEN);
	if (m->nr_archives > SKS_IMAGE_MAX_ARCHIVES)
		return -EBADMSG;
	for (i = 0; i < SKS_IMAGE_FW_LEN; i++) {
		u8 c = m->fw_version[i];

		if (!c)
			end = 1;
		else if (end || c < ' ' || c > '~')
			return -EBADMSG;
	}
	return end ? 0 : -EBADMSG;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_get_hsm);

/**
 * sks_image_arc_size() - encoded size of an archive record.
 * @a: the record.
 *
 * Context: any.
 * Return: size in bytes.
 */
size_t sks_image_arc_size(const struct sks_image_arc *a)
{
	return SKS_IMAGE_ARC_FIXED + (size_t)a->objects_len;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_arc_size);

/**
 * sks_image_put_arc() - encode an archive record.
 * @out: sks_image_arc_size(@a) bytes.
 * @a: the record.
 *
 * Context: any.
 * Return: bytes written.
 */
size_t sks_image_put_arc(u8 *out, const struct sks_image_arc *a)
{
	size_t size = sks_image_arc_size(a);

	memset(out, 0, SKS_IMAGE_ARC_FIXED);
	sks_put_le32(out + ARC_LEN, size);
	sks_put_le32(out + ARC_KIND, a->kind);
	if (a->version != SKS_IMAGE_VERSION_1)
		sks_put_le32(out + ARC_FAILURES, a->failures);
	sks_put_le32(out + ARC_NR_OBJ, a->nr_objects);
	memcpy(out + ARC_NAME, a->name, SKS_IMAGE_NAME_LEN);
	sks_put_le64(out + ARC_CREATED, a->created);
	sks_put_le64(out + ARC_SOURCE, a->source_serial);
	memcpy(out + ARC_DOMAIN, a->domain, SKS_IMAGE_DOMAIN_LEN);
	sks_put_le32(out + ARC_S_ITER, a->secret_iterations);
	memcpy(out + ARC_S_SALT, a->secret_salt, SKS_IMAGE_SSALT_LEN);
	memcpy(out + ARC_S_HASH, a->secret_hash, SKS_IMAGE_SHASH_LEN);
	memcpy(out + ARC_SMK, a->smk, SKS_IMAGE_SMK_LEN);
	sks_put_le32(out + ARC_OBJ_LEN, a->objects_len);
	if (a->objects_len)
		memcpy(out + SKS_IMAGE_ARC_FIXED, a->objects, a->objects_len);
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_put_arc);

/**
 * sks_image_get_arc() - parse one archive record.
 * @buf: payload from the record on.
 * @len: bytes left in the payload.
 * @version: the image's version.
 * @a: out: the record; @a->objects points into @buf.
 * @used: out: record size.
 *
 * Checks the kind, the name, the reserved fields, that an SKS archive
 * holds an SMK and a cloning archive none, and that the object area is
 * exactly @a->nr_objects well-formed records.
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_image_get_arc(const u8 *buf, size_t len, u32 version,
		      struct sks_image_arc *a, size_t *used)
{
	static const u8 zero[SKS_IMAGE_SMK_LEN];
	struct sks_blob_rec r;
	size_t size, off, n;
	u32 i;

	if ((version != SKS_IMAGE_VERSION && version != SKS_IMAGE_VERSION_1) ||
	    len < SKS_IMAGE_ARC_FIXED)
		return -EBADMSG;
	a->version = version;
	a->kind = sks_get_le32(buf + ARC_KIND);
	a->failures = sks_get_le32(buf + ARC_FAILURES);
	a->nr_objects = sks_get_le32(buf + ARC_NR_OBJ);
	memcpy(a->name, buf + ARC_NAME, SKS_IMAGE_NAME_LEN);
	a->created = (s64)sks_get_le64(buf + ARC_CREATED);
	a->source_serial = sks_get_le64(buf + ARC_SOURCE);
	memcpy(a->domain, buf + ARC_DOMAIN, SKS_IMAGE_DOMAIN_LEN);
	a->secret_iterations = sks_get_le32(buf + ARC_S_ITER);
	memcpy(a->secret_salt, buf + ARC_S_SALT, SKS_IMAGE_SSALT_LEN);
	memcpy(a->secret_hash, buf + ARC_S_HASH, SKS_IMAGE_SHASH_LEN);
	memcpy(a->smk, buf + ARC_SMK, SKS_IMAGE_SMK_LEN);
	a->objects_len = sks_get_le32(buf + ARC_OBJ_LEN);
	if ((version == SKS_IMAGE_VERSION_1 && a->failures) ||
	    sks_get_le32(buf + ARC_RESERVED2) || sks_get_le32(buf + ARC_RESERVED3))
		return -EBADMSG;
	if (a->kind != SKS_IMAGE_KIND_SKS && a->kind != SKS_IMAGE_KIND_CLONING)
		return -EBADMSG;
	if (a->kind == SKS_IMAGE_KIND_SKS && !memcmp(a->smk, zero, sizeof(zero)))
		return -EBADMSG;
	if (a->kind == SKS_IMAGE_KIND_CLONING && memcmp(a->smk, zero, sizeof(zero)))
		return -EBADMSG;
	if (sks_image_check_name(a->name, SKS_IMAGE_NAME_LEN) < 0)
		return -EBADMSG;
	if (a->secret_iterations < SKS_IMAGE_MIN_ITER ||
	    a->secret_iterations > SKS_IMAGE_MAX_ITER)
		return -EBADMSG;
	size = sks_image_arc_size(a);
	if (sks_get_le32(buf + ARC_LEN) != size || size > len)
		return -EBADMSG;
	a->objects = buf + SKS_IMAGE_ARC_FIXED;
	for (i = 0, off = 0; i < a->nr_objects; i++, off += n)
		if (sks_blob_get_rec(a->objects + off, a->objects_len - off,
				     version, &r, &n))
			return -EBADMSG;
	if (off != a->objects_len)
		return -EBADMSG;
	*used = size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_image_get_arc);
