/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks - durable state record codec (format: docs/durability.md).
 *
 * Pure functions over byte buffers, like blob_codec.h and image_codec.h:
 * no allocation, no crypto, no locking; they build in user space too, so
 * the parser can be fuzzed (with blob_codec.c and image_codec.c).
 *
 * A slot record is header || ciphertext || tag || trailer. The header is
 * the AAD of the payload's AES-256-GCM; the trailer holds what changes
 * while a slot is deactivated (bad-attempt counters, the generation) and a
 * SHA-256 checksum of the whole record, computed and checked by the caller.
 * An HSM record is its own small format: the HSM's serial number and the
 * slots that exist.
 */
#ifndef _SKS_STATE_CODEC_H
#define _SKS_STATE_CODEC_H

#include "blob_codec.h"	/* and <linux/sks_format.h> */

/* PBKDF2 cost a record may ask for (SKS_KDF_ITERATIONS_MIN..._MAX). */
#define SKS_REC_MIN_ITER	1000U
#define SKS_REC_MAX_ITER	10000000U
#define SKS_REC_VERSION		1
#define SKS_REC_HDR_LEN		448
#define SKS_REC_SUM_LEN		32	/* SHA-256 of all bytes before it */
#define SKS_REC_TAG_LEN		16
#define SKS_REC_IV_LEN		12
#define SKS_REC_LABEL_LEN	32
#define SKS_REC_FW_LEN		16
#define SKS_REC_DESC_LEN	64
#define SKS_REC_WRAPS		3
#define SKS_REC_WRAP_LEN	88
#define SKS_REC_SALT_LEN	16
#define SKS_REC_KEY_LEN		32
#define SKS_REC_HASH_LEN	32
#define SKS_REC_MAX_LEN		((256U << 20) + (1U << 20))

/* struct sks_rec_wrap.kind */
#define SKS_WRAP_NONE		0
#define SKS_WRAP_SO		1	/* under the SO (HSM SO) secret */
#define SKS_WRAP_CO		2	/* under the Crypto Officer secret */
#define SKS_WRAP_AUTO		3	/* under the auto-activation key */

/* struct sks_rec_trailer.flags */
#define SKS_REC_ZEROIZED	0x1U

/*
 * Payload: fixed part, then objects and ledger (partitions) or the
 * Backup HSM's image payload encoding (Backup HSMs).
 */
#define SKS_REC_PAYLOAD_FIXED	288
#define SKS_REC_LEDGER_LEN	40
#define SKS_REC_MAX_OBJECTS	(4U << 20)

/* struct sks_rec_payload.flags */
#define SKS_PAYLOAD_INITIALIZED	0x1U

/**
 * struct sks_rec_wrap - the storage key wrapped under one key.
 * @kind: SKS_WRAP_*; SKS_WRAP_NONE marks an unused wrap slot (all zero).
 * @iterations: SO/CO: the PBKDF2 cost of the secret; AUTO: 0.
 * @salt: SO/CO: the PBKDF2 salt of the secret; AUTO: random HKDF salt.
 * @iv: AES-GCM nonce of the wrap.
 * @ct: the wrapped storage key.
 * @tag: its GCM tag.
 */
struct sks_rec_wrap {
	u32 kind;
	u32 iterations;
	u8 salt[SKS_REC_SALT_LEN];
	u8 iv[SKS_REC_IV_LEN];
	u8 ct[SKS_REC_KEY_LEN];
	u8 tag[SKS_REC_TAG_LEN];
};

/**
 * struct sks_rec_hdr - decoded slot record header (the payload's AAD).
 * @version: SKS_REC_VERSION.
 * @flags: must be 0.
 * @type: slot type (SKS_SLOT_*).
 * @hsm_serial: serial number of the HSM the record belongs to.
 * @serial: the slot's serial number.
 * @num: the slot number.
 * @nr_wraps: wraps in use, 0 (an uninitialised partition: no payload)
 *	to SKS_REC_WRAPS.
 * @capacity: the slot's capacity in bytes.
 * @payload_len: bytes of the encrypted payload (tag excluded).
 * @label: the partition label, NUL padded.
 * @fw_version: the slot's firmware version, NUL terminated.
 * @iv: the payload's AES-GCM nonce.
 * @desc: the auto-activation key's description, NUL padded ("" if none).
 * @wraps: the storage key's wraps, used ones first.
 */
struct sks_rec_hdr {
	u16 version;
	u32 flags;
	u32 type;
	u64 hsm_serial;
	u64 serial;
	u32 num;
	u32 nr_wraps;
	u64 capacity;
	u32 payload_len;
	u8 label[SKS_REC_LABEL_LEN];
	char fw_version[SKS_REC_FW_LEN];
	u8 iv[SKS_REC_IV_LEN];
	u8 desc[SKS_REC_DESC_LEN];
	struct sks_rec_wrap wraps[SKS_REC_WRAPS];
};

/**
 * struct sks_rec_trailer - the part of a slot record outside the AAD.
 * @so_failures: the SO (HSM SO) bad-attempt counter.
 * @co_failures: the Crypto Officer bad-attempt counter.
 * @cu_failures: the Crypto User bad-attempt counter.
 * @sim_failures: the blob authorisation bad-attempt counter.
 * @generation: the slot's state generation.
 * @flags: SKS_REC_ZEROIZED.
 * @sum: SHA-256 of every byte of the record before it, as stored.
 */
struct sks_rec_trailer {
	u32 so_failures;
	u32 co_failures;
	u32 cu_failures;
	u32 sim_failures;
	u64 generation;
	u32 flags;
	u8 sum[SKS_REC_SUM_LEN];
};

/**
 * struct sks_rec_secret - a secret verifier in a payload.
 * @set: the secret exists.
 * @iterations: its PBKDF2 cost.
 * @salt: its salt.
 * @hash: its PBKDF2 output.
 */
struct sks_rec_secret {
	u32 set;
	u32 iterations;
	u8 salt[SKS_REC_SALT_LEN];
	u8 hash[SKS_REC_HASH_LEN];
};

/**
 * struct sks_rec_payload - the fixed part of a decrypted payload.
 * @flags: SKS_PAYLOAD_INITIALIZED.
 * @nr_objects: partitions: token object records (blob record version 2)
 *	that follow.
 * @nr_ledger: partitions: usage ledger entries after the objects.
 * @so: SO (HSM SO) secret.
 * @co: Crypto Officer secret.
 * @cu: Crypto User secret.
 * @domain_set: a cloning domain is set.
 * @domain: its hash.
 * @smk: V1: the primary SMK, zeros if none.
 * @rollover: V1: the rollover SMK, zeros if none.
 */
struct sks_rec_payload {
	u32 flags;
	u32 nr_objects;
	u32 nr_ledger;
	struct sks_rec_secret so;
	struct sks_rec_secret co;
	struct sks_rec_secret cu;
	u32 domain_set;
	u8 domain[SKS_REC_HASH_LEN];
	u8 smk[SKS_REC_KEY_LEN];
	u8 rollover[SKS_REC_KEY_LEN];
};

/**
 * struct sks_rec_ledger - one usage ledger entry in a payload.
 * @key_id: the key's ledger id.
 * @limit: its usage limit (non-zero).
 * @count: uses counted (at most @limit).
 */
struct sks_rec_ledger {
	u8 key_id[SKS_BLOB_KEY_ID_LEN];
	u64 limit;
	u64 count;
};

#define SKS_HREC_VERSION	1
#define SKS_HREC_FIXED		40
#define SKS_HREC_SLOT_LEN	24
#define SKS_HREC_MAX_SLOTS	32

/**
 * struct sks_hrec_slot - one slot listed by an HSM record.
 * @num: slot number.
 * @type: slot type.
 * @serial: slot serial number.
 * @generation: its generation when the HSM record was made.
 */
struct sks_hrec_slot {
	u32 num;
	u32 type;
	u64 serial;
	u64 generation;
};

/**
 * struct sks_hrec - a decoded HSM record: the HSM and its slots. Not
 * secret; its last 32 bytes are a SHA-256 checksum (the caller's).
 * @serial: the HSM serial number.
 * @firmware: its firmware version, NUL terminated.
 * @nr_slots: entries in @slots.
 * @slots: the slots that exist, lowest number first.
 */
struct sks_hrec {
	u64 serial;
	char firmware[SKS_REC_FW_LEN];
	u32 nr_slots;
	struct sks_hrec_slot slots[SKS_HREC_MAX_SLOTS];
};

size_t sks_rec_size(const struct sks_rec_hdr *h);
void sks_rec_put_hdr(u8 *out, const struct sks_rec_hdr *h);
int sks_rec_get_hdr(const u8 *buf, size_t len, struct sks_rec_hdr *h);
void sks_rec_put_trailer(u8 *out, const struct sks_rec_trailer *t);
void sks_rec_get_trailer(const u8 *buf, struct sks_rec_trailer *t);
void sks_rec_put_payload(u8 *out, const struct sks_rec_payload *p);
int sks_rec_get_payload(const u8 *buf, size_t len, u32 type,
			struct sks_rec_payload *p);
void sks_rec_put_ledger(u8 *out, const struct sks_rec_ledger *l);
int sks_rec_get_ledger(const u8 *buf, struct sks_rec_ledger *l);
size_t sks_hrec_size(u32 nr_slots);
void sks_hrec_put(u8 *out, const struct sks_hrec *r);
int sks_hrec_get(const u8 *buf, size_t len, struct sks_hrec *r);

#endif /* _SKS_STATE_CODEC_H */
