// SPDX-License-Identifier: GPL-2.0
/*
 * sks - durable state record codec: slot record headers, trailers and the
 * fixed part of payloads, ledger entries, and HSM records. All integers
 * little endian (<linux/sks_format.h>), nothing aligned. Format:
 * docs/durability.md.
 */

#include "state_codec.h"

/* Slot record header */
#define H_MAGIC		0
#define H_VERSION	4	/* u16 */
#define H_HDR_LEN	6	/* u16 */
#define H_FLAGS		8
#define H_TYPE		SKS_REC_OFF_TYPE
#define H_HSM_SERIAL	SKS_REC_OFF_HSM_SERIAL
#define H_SERIAL	SKS_REC_OFF_SERIAL
#define H_NUM		SKS_REC_OFF_NUM
#define H_NR_WRAPS	36
#define H_CAPACITY	40
#define H_PAYLOAD_LEN	48
#define H_RESERVED	52
#define H_LABEL		56
#define H_FW		88
#define H_IV		104
#define H_RESERVED2	116
#define H_DESC		120
#define H_WRAPS		184

/* Wrap */
#define W_KIND		0
#define W_ITER		4
#define W_SALT		8
#define W_IV		24
#define W_CT		36
#define W_TAG		68
#define W_RESERVED	84

/* Trailer */
#define T_MAGIC		0
#define T_SO		4
#define T_CO		8
#define T_CU		12
#define T_GENERATION	SKS_REC_TRL_GENERATION
#define T_FLAGS		24
#define T_SIM		28
#define T_SUM		32

/* Payload fixed part */
#define P_FLAGS		0
#define P_NR_OBJ	4
#define P_NR_LEDGER	8
#define P_RESERVED	12
#define P_SO		16	/* 3 secrets of 56 bytes */
#define P_SECRET_LEN	56
#define P_DOMAIN_SET	184
#define P_RESERVED2	188
#define P_DOMAIN	192
#define P_SMK		224
#define P_ROLLOVER	256

/* Secret in a payload */
#define S_SET		0
#define S_ITER		4
#define S_SALT		8
#define S_HASH		24

/* HSM record */
#define R_MAGIC		0
#define R_VERSION	4	/* u16 */
#define R_HDR_LEN	6	/* u16 */
#define R_SERIAL	8
#define R_FW		16
#define R_NR_SLOTS	32
#define R_RESERVED	36
#define R_SLOTS		SKS_HREC_FIXED

static int sks_rec_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

/* A NUL terminated, printable string filling @len bytes with NUL padding. */
static int sks_rec_string_ok(const u8 *p, size_t len)
{
	size_t i;
	int end = 0;

	for (i = 0; i < len; i++) {
		if (!p[i])
			end = 1;
		else if (end || p[i] < ' ' || p[i] > '~')
			return 0;
	}
	return end;
}

/**
 * sks_rec_size() - the size of a whole slot record.
 * @h: its header.
 *
 * Context: any.
 * Return: bytes: header, payload and tag (when there are wraps), trailer.
 */
size_t sks_rec_size(const struct sks_rec_hdr *h)
{
	return SKS_REC_HDR_LEN + (h->nr_wraps ? (size_t)h->payload_len +
				  SKS_REC_TAG_LEN : 0) + SKS_REC_TRAILER_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_size);

/**
 * sks_rec_put_hdr() - encode a slot record header.
 * @out: SKS_REC_HDR_LEN bytes.
 * @h: the header; @h->version is ignored, SKS_REC_VERSION is written;
 *	wraps beyond @h->nr_wraps are written as zeros.
 *
 * Context: any.
 */
void sks_rec_put_hdr(u8 *out, const struct sks_rec_hdr *h)
{
	u32 i;

	memset(out, 0, SKS_REC_HDR_LEN);
	memcpy(out + H_MAGIC, SKS_REC_MAGIC, 4);
	sks_put_le16(out + H_VERSION, SKS_REC_VERSION);
	sks_put_le16(out + H_HDR_LEN, SKS_REC_HDR_LEN);
	sks_put_le32(out + H_FLAGS, h->flags);
	sks_put_le32(out + H_TYPE, h->type);
	sks_put_le64(out + H_HSM_SERIAL, h->hsm_serial);
	sks_put_le64(out + H_SERIAL, h->serial);
	sks_put_le32(out + H_NUM, h->num);
	sks_put_le32(out + H_NR_WRAPS, h->nr_wraps);
	sks_put_le64(out + H_CAPACITY, h->capacity);
	sks_put_le32(out + H_PAYLOAD_LEN, h->nr_wraps ? h->payload_len : 0);
	memcpy(out + H_LABEL, h->label, SKS_REC_LABEL_LEN);
	memcpy(out + H_FW, h->fw_version, SKS_REC_FW_LEN);
	memcpy(out + H_IV, h->iv, SKS_REC_IV_LEN);
	memcpy(out + H_DESC, h->desc, SKS_REC_DESC_LEN);
	for (i = 0; i < h->nr_wraps && i < SKS_REC_WRAPS; i++) {
		const struct sks_rec_wrap *w = &h->wraps[i];
		u8 *p = out + H_WRAPS + i * SKS_REC_WRAP_LEN;

		sks_put_le32(p + W_KIND, w->kind);
		sks_put_le32(p + W_ITER, w->iterations);
		memcpy(p + W_SALT, w->salt, SKS_REC_SALT_LEN);
		memcpy(p + W_IV, w->iv, SKS_REC_IV_LEN);
		memcpy(p + W_CT, w->ct, SKS_REC_KEY_LEN);
		memcpy(p + W_TAG, w->tag, SKS_REC_TAG_LEN);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_put_hdr);

/* A PBKDF2 cost a record may ask for: bounded on both sides. */
static int sks_rec_iter_ok(u32 iterations)
{
	return iterations >= SKS_REC_MIN_ITER &&
	       iterations <= SKS_REC_MAX_ITER;
}

static int sks_rec_get_wrap(const u8 *p, struct sks_rec_wrap *w)
{
	w->kind = sks_get_le32(p + W_KIND);
	w->iterations = sks_get_le32(p + W_ITER);
	memcpy(w->salt, p + W_SALT, SKS_REC_SALT_LEN);
	memcpy(w->iv, p + W_IV, SKS_REC_IV_LEN);
	memcpy(w->ct, p + W_CT, SKS_REC_KEY_LEN);
	memcpy(w->tag, p + W_TAG, SKS_REC_TAG_LEN);
	if (sks_get_le32(p + W_RESERVED))
		return -EBADMSG;
	switch (w->kind) {
	case SKS_WRAP_SO:
	case SKS_WRAP_CO:
		return sks_rec_iter_ok(w->iterations) ? 0 : -EBADMSG;
	case SKS_WRAP_AUTO:
		return w->iterations ? -EBADMSG : 0;
	default:
		return -EBADMSG;
	}
}

/**
 * sks_rec_get_hdr() - parse and check the header of a whole slot record.
 * @buf: the record.
 * @len: its exact length.
 * @h: out: the header.
 *
 * Refuses a bad magic, a header length other than SKS_REC_HDR_LEN, flags,
 * reserved fields, a slot type, wrap or string out of range, a payload
 * without wraps or wraps without a payload, two wraps of one kind, an
 * auto-activation wrap without a description (or a description without
 * one), a wrap's PBKDF2 cost outside SKS_REC_MIN_ITER..SKS_REC_MAX_ITER
 * (SKS_KDF_ITERATIONS_MIN..MAX: a record cannot ask for a login that runs
 * for hours) and any length mismatch. A version other than SKS_REC_VERSION is
 * -EPROTONOSUPPORT, so a newer record is told apart from a damaged one.
 *
 * Context: any.
 * Return: 0, -EPROTONOSUPPORT or -EBADMSG.
 */
int sks_rec_get_hdr(const u8 *buf, size_t len, struct sks_rec_hdr *h)
{
	u32 i, seen = 0;

	if (len < SKS_REC_HDR_LEN + SKS_REC_TRAILER_LEN ||
	    len > SKS_REC_MAX_LEN || memcmp(buf + H_MAGIC, SKS_REC_MAGIC, 4))
		return -EBADMSG;
	h->version = sks_get_le16(buf + H_VERSION);
	if (h->version != SKS_REC_VERSION)
		return -EPROTONOSUPPORT;
	if (sks_get_le16(buf + H_HDR_LEN) != SKS_REC_HDR_LEN)
		return -EBADMSG;
	h->flags = sks_get_le32(buf + H_FLAGS);
	h->type = sks_get_le32(buf + H_TYPE);
	h->hsm_serial = sks_get_le64(buf + H_HSM_SERIAL);
	h->serial = sks_get_le64(buf + H_SERIAL);
	h->num = sks_get_le32(buf + H_NUM);
	h->nr_wraps = sks_get_le32(buf + H_NR_WRAPS);
	h->capacity = sks_get_le64(buf + H_CAPACITY);
	h->payload_len = sks_get_le32(buf + H_PAYLOAD_LEN);
	memcpy(h->label, buf + H_LABEL, SKS_REC_LABEL_LEN);
	memcpy(h->fw_version, buf + H_FW, SKS_REC_FW_LEN);
	memcpy(h->iv, buf + H_IV, SKS_REC_IV_LEN);
	memcpy(h->desc, buf + H_DESC, SKS_REC_DESC_LEN);
	if (h->flags || h->type > 2 || h->num >= SKS_HREC_MAX_SLOTS ||
	    !h->capacity || h->capacity > (256U << 20) ||
	    h->nr_wraps > SKS_REC_WRAPS || sks_get_le32(buf + H_RESERVED) ||
	    sks_get_le32(buf + H_RESERVED2) ||
	    !sks_rec_string_ok((const u8 *)h->fw_version, SKS_REC_FW_LEN) ||
	    (h->desc[0] && !sks_rec_string_ok(h->desc, SKS_REC_DESC_LEN)) ||
	    (!h->desc[0] && !sks_rec_zero(h->desc, SKS_REC_DESC_LEN)))
		return -EBADMSG;
	if (!h->nr_wraps != !h->payload_len)
		return -EBADMSG;
	for (i = 0; i < SKS_REC_WRAPS; i++) {
		const u8 *p = buf + H_WRAPS + i * SKS_REC_WRAP_LEN;

		memset(&h->wraps[i], 0, sizeof(h->wraps[i]));
		if (i >= h->nr_wraps) {
			if (!sks_rec_zero(p, SKS_REC_WRAP_LEN))
				return -EBADMSG;
			continue;
		}
		if (sks_rec_get_wrap(p, &h->wraps[i]) ||
		    seen & (1U << h->wraps[i].kind))
			return -EBADMSG;
		seen |= 1U << h->wraps[i].kind;
	}
	if (!!(seen & (1U << SKS_WRAP_AUTO)) != !!h->desc[0])
		return -EBADMSG;
	if (len != sks_rec_size(h))
		return -EBADMSG;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_get_hdr);

/**
 * sks_rec_put_trailer() - encode a slot record trailer.
 * @out: SKS_REC_TRAILER_LEN bytes.
 * @t: the trailer (@t->sum is written as given).
 *
 * Context: any.
 */
void sks_rec_put_trailer(u8 *out, const struct sks_rec_trailer *t)
{
	memset(out, 0, SKS_REC_TRAILER_LEN);
	memcpy(out + T_MAGIC, "SKST", 4);
	sks_put_le32(out + T_SO, t->so_failures);
	sks_put_le32(out + T_CO, t->co_failures);
	sks_put_le32(out + T_CU, t->cu_failures);
	sks_put_le64(out + T_GENERATION, t->generation);
	sks_put_le32(out + T_FLAGS, t->flags);
	sks_put_le32(out + T_SIM, t->sim_failures);
	memcpy(out + T_SUM, t->sum, SKS_REC_SUM_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_put_trailer);

/**
 * sks_rec_get_trailer() - decode a slot record trailer.
 * @buf: SKS_REC_TRAILER_LEN bytes (checked by the record's checksum).
 * @t: out: the trailer.
 *
 * Context: any.
 */
void sks_rec_get_trailer(const u8 *buf, struct sks_rec_trailer *t)
{
	t->so_failures = sks_get_le32(buf + T_SO);
	t->co_failures = sks_get_le32(buf + T_CO);
	t->cu_failures = sks_get_le32(buf + T_CU);
	t->generation = sks_get_le64(buf + T_GENERATION);
	t->flags = sks_get_le32(buf + T_FLAGS);
	t->sim_failures = sks_get_le32(buf + T_SIM);
	memcpy(t->sum, buf + T_SUM, SKS_REC_SUM_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_get_trailer);

static void sks_rec_put_secret(u8 *p, const struct sks_rec_secret *s)
{
	sks_put_le32(p + S_SET, s->set);
	sks_put_le32(p + S_ITER, s->iterations);
	memcpy(p + S_SALT, s->salt, SKS_REC_SALT_LEN);
	memcpy(p + S_HASH, s->hash, SKS_REC_HASH_LEN);
}

static int sks_rec_get_secret(const u8 *p, struct sks_rec_secret *s)
{
	s->set = sks_get_le32(p + S_SET);
	s->iterations = sks_get_le32(p + S_ITER);
	memcpy(s->salt, p + S_SALT, SKS_REC_SALT_LEN);
	memcpy(s->hash, p + S_HASH, SKS_REC_HASH_LEN);
	if (s->set > 1 || (s->set && !sks_rec_iter_ok(s->iterations)) ||
	    (!s->set && !sks_rec_zero(p, P_SECRET_LEN)))
		return -EBADMSG;
	return 0;
}

/**
 * sks_rec_put_payload() - encode the fixed part of a payload.
 * @out: SKS_REC_PAYLOAD_FIXED bytes.
 * @p: the fixed part.
 *
 * Context: any.
 */
void sks_rec_put_payload(u8 *out, const struct sks_rec_payload *p)
{
	memset(out, 0, SKS_REC_PAYLOAD_FIXED);
	sks_put_le32(out + P_FLAGS, p->flags);
	sks_put_le32(out + P_NR_OBJ, p->nr_objects);
	sks_put_le32(out + P_NR_LEDGER, p->nr_ledger);
	sks_rec_put_secret(out + P_SO, &p->so);
	sks_rec_put_secret(out + P_SO + P_SECRET_LEN, &p->co);
	sks_rec_put_secret(out + P_SO + 2 * P_SECRET_LEN, &p->cu);
	sks_put_le32(out + P_DOMAIN_SET, p->domain_set);
	memcpy(out + P_DOMAIN, p->domain, SKS_REC_HASH_LEN);
	memcpy(out + P_SMK, p->smk, SKS_REC_KEY_LEN);
	memcpy(out + P_ROLLOVER, p->rollover, SKS_REC_KEY_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_put_payload);

/**
 * sks_rec_get_payload() - decode and check the fixed part of a payload.
 * @buf: the decrypted payload.
 * @len: its length.
 * @type: the slot type of the record.
 * @p: out: the fixed part.
 *
 * Checks the flags, reserved fields and secrets, that only a V1 partition
 * has SMKs (and a rollover SMK only with a primary one), that a Backup
 * HSM has neither objects, ledger, CO, CU nor domain, and that the
 * counts fit the bytes that follow. The objects and ledger entries that
 * follow are parsed by the caller.
 *
 * Context: any.
 * Return: 0, or -EBADMSG.
 */
int sks_rec_get_payload(const u8 *buf, size_t len, u32 type,
			struct sks_rec_payload *p)
{
	int smk, rollover;

	if (len < SKS_REC_PAYLOAD_FIXED)
		return -EBADMSG;
	p->flags = sks_get_le32(buf + P_FLAGS);
	p->nr_objects = sks_get_le32(buf + P_NR_OBJ);
	p->nr_ledger = sks_get_le32(buf + P_NR_LEDGER);
	p->domain_set = sks_get_le32(buf + P_DOMAIN_SET);
	memcpy(p->domain, buf + P_DOMAIN, SKS_REC_HASH_LEN);
	memcpy(p->smk, buf + P_SMK, SKS_REC_KEY_LEN);
	memcpy(p->rollover, buf + P_ROLLOVER, SKS_REC_KEY_LEN);
	if (p->flags & ~SKS_PAYLOAD_INITIALIZED ||
	    sks_get_le32(buf + P_RESERVED) || sks_get_le32(buf + P_RESERVED2) ||
	    p->domain_set > 1 ||
	    (!p->domain_set && !sks_rec_zero(p->domain, SKS_REC_HASH_LEN)))
		return -EBADMSG;
	if (sks_rec_get_secret(buf + P_SO, &p->so) ||
	    sks_rec_get_secret(buf + P_SO + P_SECRET_LEN, &p->co) ||
	    sks_rec_get_secret(buf + P_SO + 2 * P_SECRET_LEN, &p->cu))
		return -EBADMSG;
	smk = !sks_rec_zero(p->smk, SKS_REC_KEY_LEN);
	rollover = !sks_rec_zero(p->rollover, SKS_REC_KEY_LEN);
	if ((type != 1 && (smk || rollover)) || (rollover && !smk))
		return -EBADMSG;
	if (type == 2 && (p->nr_objects || p->nr_ledger || p->co.set ||
			  p->cu.set || p->domain_set))
		return -EBADMSG;
	if (p->nr_objects > SKS_REC_MAX_OBJECTS ||
	    p->nr_ledger > SKS_REC_MAX_OBJECTS ||
	    (u64)p->nr_objects * SKS_BLOB_REC_FIXED +
	    (u64)p->nr_ledger * SKS_REC_LEDGER_LEN >
	    len - SKS_REC_PAYLOAD_FIXED)
		return -EBADMSG;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_get_payload);

/**
 * sks_rec_put_ledger() - encode one usage ledger entry.
 * @out: SKS_REC_LEDGER_LEN bytes.
 * @l: the entry.
 *
 * Context: any.
 */
void sks_rec_put_ledger(u8 *out, const struct sks_rec_ledger *l)
{
	memset(out, 0, SKS_REC_LEDGER_LEN);
	memcpy(out, l->key_id, SKS_BLOB_KEY_ID_LEN);
	sks_put_le64(out + 16, l->limit);
	sks_put_le64(out + 24, l->count);
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_put_ledger);

/**
 * sks_rec_get_ledger() - decode one usage ledger entry.
 * @buf: SKS_REC_LEDGER_LEN bytes.
 * @l: out: the entry.
 *
 * Context: any.
 * Return: 0, or -EBADMSG (no key id, no limit, a count above the limit,
 * reserved bytes).
 */
int sks_rec_get_ledger(const u8 *buf, struct sks_rec_ledger *l)
{
	memcpy(l->key_id, buf, SKS_BLOB_KEY_ID_LEN);
	l->limit = sks_get_le64(buf + 16);
	l->count = sks_get_le64(buf + 24);
	if (sks_rec_zero(l->key_id, SKS_BLOB_KEY_ID_LEN) || !l->limit ||
	    l->count > l->limit || sks_get_le64(buf + 32))
		return -EBADMSG;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_rec_get_ledger);

/**
 * sks_hrec_size() - the size of an HSM record.
 * @nr_slots: slots it lists.
 *
 * Context: any.
 * Return: bytes, checksum included.
 */
size_t sks_hrec_size(u32 nr_slots)
{
	return SKS_HREC_FIXED + (size_t)nr_slots * SKS_HREC_SLOT_LEN +
	       SKS_REC_SUM_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(sks_hrec_size);

/**
 * sks_hrec_put() - encode an HSM record, checksum bytes zero.
 * @out: sks_hrec_size(@r->nr_slots) bytes.
 * @r: the record.
 *
 * Context: any.
 */
void sks_hrec_put(u8 *out, const struct sks_hrec *r)
{
	u32 i;

	memset(out, 0, sks_hrec_size(r->nr_slots));
	memcpy(out + R_MAGIC, SKS_HREC_MAGIC, 4);
	sks_put_le16(out + R_VERSION, SKS_HREC_VERSION);
	sks_put_le16(out + R_HDR_LEN, SKS_HREC_FIXED);
	sks_put_le64(out + R_SERIAL, r->serial);
	memcpy(out + R_FW, r->firmware, SKS_REC_FW_LEN);
	sks_put_le32(out + R_NR_SLOTS, r->nr_slots);
	for (i = 0; i < r->nr_slots; i++) {
		u8 *p = out + R_SLOTS + i * SKS_HREC_SLOT_LEN;

		sks_put_le32(p, r->slots[i].num);
		sks_put_le32(p + 4, r->slots[i].type);
		sks_put_le64(p + 8, r->slots[i].serial);
		sks_put_le64(p + 16, r->slots[i].generation);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sks_hrec_put);

/**
 * sks_hrec_get() - parse and check an HSM record (not its checksum).
 * @buf: the record.
 * @len: its exact length.
 * @r: out: the record.
 *
 * Context: any.
 * Return: 0, -EPROTONOSUPPORT (another version) or -EBADMSG (a bad
 * magic or header length, too many slots, slot numbers out of range or
 * not ascending, slot types out of range, a length mismatch).
 */
int sks_hrec_get(const u8 *buf, size_t len, struct sks_hrec *r)
{
	u32 i;

	if (len < sks_hrec_size(0) || memcmp(buf + R_MAGIC, SKS_HREC_MAGIC, 4))
		return -EBADMSG;
	if (sks_get_le16(buf + R_VERSION) != SKS_HREC_VERSION)
		return -EPROTONOSUPPORT;
	r->serial = sks_get_le64(buf + R_SERIAL);
	memcpy(r->firmware, buf + R_FW, SKS_REC_FW_LEN);
	r->nr_slots = sks_get_le32(buf + R_NR_SLOTS);
	if (sks_get_le16(buf + R_HDR_LEN) != SKS_HREC_FIXED ||
	    sks_get_le32(buf + R_RESERVED) ||
	    r->nr_slots > SKS_HREC_MAX_SLOTS ||
	    len != sks_hrec_size(r->nr_slots) ||
	    !sks_rec_string_ok((const u8 *)r->firmware, SKS_REC_FW_LEN))
		return -EBADMSG;
	for (i = 0; i < r->nr_slots; i++) {
		const u8 *p = buf + R_SLOTS + i * SKS_HREC_SLOT_LEN;
		struct sks_hrec_slot *e = &r->slots[i];

		e->num = sks_get_le32(p);
		e->type = sks_get_le32(p + 4);
		e->serial = sks_get_le64(p + 8);
		e->generation = sks_get_le64(p + 16);
		if (e->num >= SKS_HREC_MAX_SLOTS || e->type > 2 ||
		    (i && e->num <= r->slots[i - 1].num))
			return -EBADMSG;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sks_hrec_get);
