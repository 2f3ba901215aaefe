/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsks - durable state, internal: the record fields read without keys,
 * the state directory's files and lock (statedir.c), reports (state.c),
 * shared by saving (state-save.c) and loading (state-load.c).
 */
#ifndef SKS_LIB_STATE_H
#define SKS_LIB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/*
 * What this file reads of a record without keys: a slot record's header
 * and trailer (<linux/sks_format.h>), and the HSM record, which is not
 * secret (docs/durability.md; its layout is the driver's,
 * driver/state_codec.c).
 */
#define REC_MIN_LEN		(448 + SKS_REC_TRAILER_LEN)	/* header, trailer */
#define REC_TRL_MAGIC		"SKST"
#define HREC_VERSION		1
#define HREC_OFF_VERSION	4	/* __u16 */
#define HREC_OFF_SERIAL		8	/* __u64 */
#define HREC_OFF_NR_SLOTS	32	/* __u32 */
#define HREC_FIXED		40	/* then the slots */
#define HREC_SLOT_LEN		24	/* num, type (__u32), serial, generation */
#define HREC_SUM_LEN		32

#define HSM_FILE		"hsm.rec"
#define LOCK_FILE		".lock"
#define QUEUE_FILE		".queue"
#define TMP_PREFIX		".tmp-"
#define ORPHANS			"orphans"
#define REJECTED		"rejected"
#define SAVE_ROUNDS		8	/* starts over at most this often */

struct sks_state_event {
	unsigned int kind;
	int slot;
	uint32_t result;
	char file[128];
	char text[320];
};

struct sks_state_report {
	size_t count;
	size_t room;
	size_t problems;
	struct sks_state_event *events;
	bool nomem;		/* an event could not be kept */
};

/* What a record file says about itself, read without keys. */
struct peek {
	bool slot;		/* a slot record */
	uint32_t num;
	uint64_t hsm_serial;
	uint64_t serial;
	uint64_t generation;
};

/* One slot an HSM record lists. */
struct listed {
	uint32_t num;
	uint64_t serial;
	uint64_t generation;
};

/* A slot record file in the state directory, by its name. */
struct slot_file {
	uint32_t num;
	uint64_t serial;
};

struct hsm_rec {
	uint64_t serial;
	uint32_t nr_slots;
	struct listed slots[SKS_MAX_SLOTS];
};

void *sd_save_record(struct sks_hsm *hsm, unsigned int slot, uint32_t flags,
		     size_t *len, uint64_t *generation);
int sd_hsm_generation(struct sks_hsm *hsm, uint64_t *generation);
int sd_read_file_at(int dfd, const char *name, uint8_t **buf, size_t *len);
__attribute__((format(printf, 6, 7)))
void sd_report(struct sks_state_report *r, unsigned int kind, int slot,
	       uint32_t result, const char *file, const char *fmt, ...);
struct sks_state_report *sd_report_new(void);
int sd_report_out(struct sks_state_report *r,
		  struct sks_state_report **out, int ret);
int sd_parse_hsm_rec(const uint8_t *buf, size_t len, struct hsm_rec *h);
bool sd_hsm_rec_lists(const struct hsm_rec *h, uint32_t num,
		      uint64_t serial);
int sd_peek_at(int dfd, const char *name, struct peek *pk);
int sd_write_at(int dfd, const char *name, const void *buf, size_t len);
int sd_sync_dir(int dfd);
void sd_remove_temporaries(int dfd);
void sd_slot_file(char *name, size_t len, uint32_t num, uint64_t serial);
int sd_slot_files(int dfd, struct slot_file **files, size_t *n);
int sd_move_aside(int dfd, const char *name, const char *sub,
		  const struct peek *pk, char *out, size_t out_len);
int sd_dir_lock(int dfd, bool coalesce, bool *skip);
int sd_open_dir(const char *dir, bool make);

#endif /* SKS_LIB_STATE_H */
