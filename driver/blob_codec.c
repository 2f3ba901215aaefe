// SPDX-License-Identifier: GPL-2.0
/*
 * sks - SKS blob codec: encode and parse headers and object records.
 * All integers are little endian; nothing is aligned.
 */

#include "blob_codec.h"

/* Header layout: <linux/sks_format.h> */
#define HDR_MAGIC	SKS_BLOB_OFF_MAGIC
#define HDR_VERSION	SKS_BLOB_OFF_VERSION
#define HDR_HDR_LEN	SKS_BLOB_OFF_HDR_LEN
#define HDR_FLAGS	SKS_BLOB_OFF_FLAGS
#define HDR_COUNT	SKS_BLOB_OFF_COUNT
#define HDR_PAYLOAD_LEN	SKS_BLOB_OFF_PAYLOAD
#define HDR_FP		SKS_BLOB_OFF_FP
#define HDR_SALT	SKS_BLOB_OFF_SALT
#define HDR_IV		SKS_BLOB_OFF_IV

/* Record layout */
#define REC_LEN		0
#define REC_CLASS	4
#define REC_KEY_TYPE	8
#define REC_FLAGS	12
#define REC_LABEL_LEN	16
#define REC_ID_LEN	20
#define REC_VALUE_LEN	24
#define REC_RESERVED	28
#define REC_USAGE_LIMIT	32
#define REC_USAGE_COUNT	40
#define REC_KEY_ID	48	/* version 2 */

static size_t sks_blob_rec_fixed(u32 version)
{
	return version == SKS_BLOB_VERSION_1 ? SKS_BLOB_REC_FIXED_V1 :
	       SKS_BLOB_REC_FIXED;
}

/**
 * sks_blob_rec_size() - encoded size of a record.
 * @r: record (lengths within the SKS_BLOB_*_MAX bounds; @r->version
 *	selects the layout).
 *
 * Context: any.
 * Return: size in bytes.
 */
size_t sks_blob_rec_size(const struct sks_blob_rec *r)
{
	return sks_blob_rec_fixed(r->version) + (size_t)r->label_len +
	       r->id_len + r->value_len;
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_rec_size);

/**
 * sks_blob_put_hdr() - encode a header.
 * @out: SKS_BLOB_HDR_LEN bytes.
 * @h: header (version SKS_BLOB_VERSION or SKS_BLOB_VERSION_1).
 *
 * Context: any.
 */
void sks_blob_put_hdr(u8 *out, const struct sks_blob_hdr *h)
{
	memcpy(out + HDR_MAGIC, SKS_BLOB_MAGIC, 4);
	sks_put_le16(out + HDR_VERSION, h->version);
	sks_put_le16(out + HDR_HDR_LEN, SKS_BLOB_HDR_LEN);
	sks_put_le32(out + HDR_FLAGS, h->flags);
	sks_put_le32(out + HDR_COUNT, h->count);
	sks_put_le32(out + HDR_PAYLOAD_LEN, h->payload_len);
	memcpy(out + HDR_FP, h->fingerprint, SKS_BLOB_FP_LEN);
	memcpy(out + HDR_SALT, h->salt, SKS_BLOB_SALT_LEN);
	memcpy(out + HDR_IV, h->iv, SKS_BLOB_IV_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_put_hdr);

/**
 * sks_blob_get_hdr() - parse and check the header of a whole blob.
 * @buf: the blob.
 * @len: its exact length (header, payload and tag).
 * @h: out: decoded header.
 *
 * Refuses a bad magic, an unknown version (1 and 2 are known) or header
 * length, unknown flags (version 2 knows SKS_BLOB_F_AUTH), an object
 * count out of range and any length mismatch (truncation or trailing
 * bytes).
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_blob_get_hdr(const u8 *buf, size_t len, struct sks_blob_hdr *h)
{
	if (len < SKS_BLOB_HDR_LEN + SKS_BLOB_TAG_LEN || len > SKS_BLOB_MAX_LEN)
		return -EBADMSG;
	if (memcmp(buf + HDR_MAGIC, SKS_BLOB_MAGIC, 4))
		return -EBADMSG;
	h->version = sks_get_le16(buf + HDR_VERSION);
	if ((h->version != SKS_BLOB_VERSION &&
	     h->version != SKS_BLOB_VERSION_1) ||
	    sks_get_le16(buf + HDR_HDR_LEN) != SKS_BLOB_HDR_LEN)
		return -EBADMSG;
	h->flags = sks_get_le32(buf + HDR_FLAGS);
	h->count = sks_get_le32(buf + HDR_COUNT);
	h->payload_len = sks_get_le32(buf + HDR_PAYLOAD_LEN);
	if (h->flags & ~(h->version == SKS_BLOB_VERSION ? SKS_BLOB_F_AUTH : 0))
		return -EBADMSG;
	if (!h->count || h->count > SKS_BLOB_MAX_COUNT)
		return -EBADMSG;
	if (h->payload_len != len - SKS_BLOB_HDR_LEN - SKS_BLOB_TAG_LEN)
		return -EBADMSG;
	if (h->payload_len < (size_t)h->count * sks_blob_rec_fixed(h->version) +
	    (h->flags & SKS_BLOB_F_AUTH ? sks_blob_auth_size(1) : 0))
		return -EBADMSG;
	memcpy(h->fingerprint, buf + HDR_FP, SKS_BLOB_FP_LEN);
	memcpy(h->salt, buf + HDR_SALT, SKS_BLOB_SALT_LEN);
	memcpy(h->iv, buf + HDR_IV, SKS_BLOB_IV_LEN);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_get_hdr);

/**
 * sks_blob_put_rec() - encode one record.
 * @out: sks_blob_rec_size(@r) bytes.
 * @r: record, in the layout of @r->version.
 *
 * Context: any.
 * Return: bytes written.
 */
size_t sks_blob_put_rec(u8 *out, const struct sks_blob_rec *r)
{
	size_t size = sks_blob_rec_size(r);
	u8 *p = out + sks_blob_rec_fixed(r->version);

	sks_put_le32(out + REC_LEN, size);
	sks_put_le32(out + REC_CLASS, r->class);
	sks_put_le32(out + REC_KEY_TYPE, r->key_type);
	sks_put_le32(out + REC_FLAGS, r->flags);
	sks_put_le32(out + REC_LABEL_LEN, r->label_len);
	sks_put_le32(out + REC_ID_LEN, r->id_len);
	sks_put_le32(out + REC_VALUE_LEN, r->value_len);
	sks_put_le32(out + REC_RESERVED, 0);
	sks_put_le64(out + REC_USAGE_LIMIT, r->usage_limit);
	sks_put_le64(out + REC_USAGE_COUNT, r->usage_count);
	if (r->version != SKS_BLOB_VERSION_1)
		memcpy(out + REC_KEY_ID, r->key_id, SKS_BLOB_KEY_ID_LEN);
	memcpy(p, r->label, r->label_len);
	p += r->label_len;
	memcpy(p, r->id, r->id_len);
	p += r->id_len;
	if (r->value_len)
		memcpy(p, r->value, r->value_len);
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_put_rec);

static int sks_blob_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

/**
 * sks_blob_get_rec() - parse one record.
 * @buf: decrypted payload from the record on.
 * @len: bytes left in the payload.
 * @version: the header's version: the record layout.
 * @r: out: decoded record, pointing into @buf.
 * @used: out: record size.
 *
 * Only the encoding is checked here (and, in version 2, that a key id is
 * present exactly when there is a usage limit); attribute values are
 * checked by the caller like those of any new object.
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_blob_get_rec(const u8 *buf, size_t len, u32 version,
		     struct sks_blob_rec *r, size_t *used)
{
	size_t size, fixed = sks_blob_rec_fixed(version);

	if ((version != SKS_BLOB_VERSION && version != SKS_BLOB_VERSION_1) ||
	    len < fixed)
		return -EBADMSG;
	r->version = version;
	r->class = sks_get_le32(buf + REC_CLASS);
	r->key_type = sks_get_le32(buf + REC_KEY_TYPE);
	r->flags = sks_get_le32(buf + REC_FLAGS);
	r->label_len = sks_get_le32(buf + REC_LABEL_LEN);
	r->id_len = sks_get_le32(buf + REC_ID_LEN);
	r->value_len = sks_get_le32(buf + REC_VALUE_LEN);
	r->usage_limit = sks_get_le64(buf + REC_USAGE_LIMIT);
	r->usage_count = sks_get_le64(buf + REC_USAGE_COUNT);
	memset(r->key_id, 0, SKS_BLOB_KEY_ID_LEN);
	if (version != SKS_BLOB_VERSION_1) {
		memcpy(r->key_id, buf + REC_KEY_ID, SKS_BLOB_KEY_ID_LEN);
		if (sks_blob_zero(r->key_id, SKS_BLOB_KEY_ID_LEN) !=
		    !r->usage_limit)
			return -EBADMSG;
	}
	if (sks_get_le32(buf + REC_RESERVED) || r->label_len > SKS_BLOB_LABEL_MAX ||
	    r->id_len > SKS_BLOB_ID_MAX || r->value_len > SKS_BLOB_VALUE_MAX)
		return -EBADMSG;
	size = sks_blob_rec_size(r);
	if (sks_get_le32(buf + REC_LEN) != size || size > len)
		return -EBADMSG;
	r->label = buf + fixed;
	r->id = r->label + r->label_len;
	r->value = r->id + r->id_len;
	*used = size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_get_rec);

/**
 * sks_blob_auth_size() - encoded size of an auth section.
 * @n: number of verifiers.
 *
 * Context: any.
 * Return: size in bytes.
 */
size_t sks_blob_auth_size(u32 n)
{
	return SKS_BLOB_AUTH_FIXED + (size_t)n * SKS_BLOB_AUTH_VERIFIER_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_auth_size);

/**
 * sks_blob_get_auth() - parse the auth section at the start of a
 * decrypted payload (header flag SKS_BLOB_F_AUTH).
 * @buf: the payload.
 * @len: its length.
 * @a: out: the section, pointing into @buf.
 * @used: out: its size.
 *
 * Context: any.
 * Return: 0, or -EBADMSG (N or M out of range, reserved bytes set,
 * truncated).
 */
int sks_blob_get_auth(const u8 *buf, size_t len, struct sks_blob_auth *a,
		      size_t *used)
{
	if (len < SKS_BLOB_AUTH_FIXED)
		return -EBADMSG;
	a->n = sks_get_le16(buf);
	a->m = sks_get_le16(buf + 2);
	if (!a->n || a->n > SKS_BLOB_AUTH_MAX || !a->m || a->m > a->n ||
	    sks_get_le32(buf + 4))
		return -EBADMSG;
	*used = sks_blob_auth_size(a->n);
	if (*used > len)
		return -EBADMSG;
	a->key = buf + 8;
	a->verifiers = buf + SKS_BLOB_AUTH_FIXED;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_blob_get_auth);
