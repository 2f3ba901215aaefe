// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - saving the HSM's state into the state directory: save order,
 * owner check, rounds that start over when the HSM changed meanwhile
 * (docs/durability.md).
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_alg.h>

#include "state.h"

/* ---- saving ---- */

struct save_ctx {
	struct sks_hsm *hsm;
	int dfd;
	unsigned int flags;
	struct sks_state_report *r;
	bool have_hsm_file;
};

enum save_step { SAVE_DONE, SAVE_AGAIN, SAVE_FAILED };

/* Is DIR/hsm.rec this HSM's (or absent)? 0, or -1 with the reason. */
static int check_owner(struct save_ctx *c, uint64_t serial)
{
	struct hsm_rec *h;
	uint8_t *buf;
	size_t len;
	int ret = 0;

	c->have_hsm_file = true;
	if (sd_read_file_at(c->dfd, HSM_FILE, &buf, &len)) {
		if (errno != ENOENT)
			return -1;
		c->have_hsm_file = false;
		return 0;
	}
	h = malloc(sizeof(*h));
	if (!h) {
		free(buf);
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	}
	/*
	 * Only its form and serial number count (its checksum is the
	 * driver's to check): one that names this HSM, the serial number
	 * the HSM took from it at load, is replaced even if damaged since.
	 */
	if (sd_parse_hsm_rec(buf, len, h)) {
		sd_report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DATA_INVALID, HSM_FILE,
		       "%s is damaged: nothing saved (see \"Recovery\" in docs/durability.md)",
		       HSM_FILE);
		ret = sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	} else if (h->serial != serial) {
		sd_report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_STATE_FOREIGN, HSM_FILE,
		       "%s names HSM %" PRIu64 ", this HSM is %" PRIu64
		       ": nothing saved (the state was not loaded, the directory is another HSM's, or %s is damaged: see \"Recovery\" in docs/durability.md)",
		       HSM_FILE, h->serial, serial, HSM_FILE);
		ret = sks_lib_fail(EXDEV, SKS_CKR_STATE_FOREIGN);
	}
	free(h);
	free(buf);
	return ret;
}

static int write_hsm_file(struct save_ctx *c, const uint8_t *buf, size_t len,
			  uint32_t nr_slots)
{
	if (sd_write_at(c->dfd, HSM_FILE, buf, len) || sd_sync_dir(c->dfd)) {
		sd_report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, HSM_FILE,
		       "writing %s: %s", HSM_FILE, strerror(errno));
		return -1;
	}
	c->have_hsm_file = true;
	sd_report(c->r, SKS_DIR_SAVED, -1, SKS_CKR_OK, HSM_FILE,
	       "HSM record saved (%u slot%s)", nr_slots, nr_slots == 1 ? "" : "s");
	return 0;
}

/* SHA-256 through the kernel (AF_ALG): 0, or -1 where there is none. */
static int sha256(const uint8_t *in, size_t len, uint8_t *out)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int tfm, op, ret = -1;

	strcpy((char *)sa.salg_type, "hash");
	strcpy((char *)sa.salg_name, "sha256");
	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0)
		return -1;
	if (!bind(tfm, (struct sockaddr *)&sa, sizeof(sa))) {
		op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
		if (op >= 0) {
			if (write(op, in, len) == (ssize_t)len &&
			    read(op, out, HREC_SUM_LEN) == HREC_SUM_LEN)
				ret = 0;
			close(op);
		}
	}
	close(tfm);
	return ret;
}

/*
 * The first save into a directory: an HSM record that lists no slot, so
 * that the HSM's serial number is on disk before any slot record while
 * hsm.rec lists no slot whose file is not written yet. Made from the
 * driver's record @hrec (its fixed part, no slots, a new checksum);
 * without SHA-256 in the kernel, the save goes on without it.
 */
static int write_identity(struct save_ctx *c, const uint8_t *hrec)
{
	uint8_t rec[HREC_FIXED + HREC_SUM_LEN];

	memcpy(rec, hrec, HREC_FIXED);
	memset(rec + HREC_OFF_NR_SLOTS, 0, 4);
	if (sha256(rec, HREC_FIXED, rec + HREC_FIXED))
		return 0;
	return write_hsm_file(c, rec, sizeof(rec), 0);
}

/* Does DIR/hsm.rec hold exactly @buf? */
static bool hsm_file_is(struct save_ctx *c, const uint8_t *buf, size_t len)
{
	uint8_t *old;
	size_t old_len;
	bool same;

	if (sd_read_file_at(c->dfd, HSM_FILE, &old, &old_len))
		return false;
	same = old_len == len && !memcmp(old, buf, len);
	free(old);
	return same;
}

/* Save one listed slot if its file is not current. */
static enum save_step save_slot(struct save_ctx *c, const struct listed *e,
				uint64_t hsm_serial, bool *wrote)
{
	char name[64];
	struct peek pk;
	uint64_t gen;
	size_t len;
	uint8_t *rec;
	uint32_t ckr;

	sd_slot_file(name, sizeof(name), e->num, e->serial);
	if (!(c->flags & SKS_SAVE_DIR_ALL) && !sd_peek_at(c->dfd, name, &pk) &&
	    pk.slot && pk.num == e->num && pk.hsm_serial == hsm_serial &&
	    pk.serial == e->serial && pk.generation == e->generation)
		return SAVE_DONE;	/* current */
	rec = sd_save_record(c->hsm, e->num, 0, &len, &gen);
	if (!rec) {
		ckr = sks_last_result();
		if (ckr == SKS_CKR_SLOT_ID_INVALID ||
		    ckr == SKS_CKR_TOKEN_NOT_PRESENT)
			return SAVE_AGAIN;	/* deleted meanwhile */
		sd_report(c->r, SKS_DIR_FAILED, e->num, ckr, name,
		       "slot %u: its record could not be saved: %s", e->num,
		       sks_strerror(ckr));
		return SAVE_FAILED;
	}
	if (len < REC_MIN_LEN ||
	    sks_get_le64(rec + SKS_REC_OFF_SERIAL) != e->serial) {
		free(rec);
		return SAVE_AGAIN;	/* deleted and made again meanwhile */
	}
	if (sd_write_at(c->dfd, name, rec, len)) {
		sd_report(c->r, SKS_DIR_FAILED, e->num, SKS_CKR_DEVICE_ERROR, name,
		       "slot %u: writing %s: %s", e->num, name, strerror(errno));
		free(rec);
		return SAVE_FAILED;
	}
	free(rec);
	*wrote = true;
	sd_report(c->r, SKS_DIR_SAVED, e->num, SKS_CKR_OK, name,
	       "slot %u saved (serial %" PRIu64 ", generation %" PRIu64 ", %zu bytes)",
	       e->num, e->serial, gen, len);
	return SAVE_DONE;
}

/* Remove the files of this HSM's slots that @h does not list. */
static int remove_deleted(struct save_ctx *c, const struct hsm_rec *h)
{
	struct slot_file *f;
	bool removed = false;
	struct peek pk;
	char name[64];
	size_t n, i;
	int ret = 0;

	if (sd_slot_files(c->dfd, &f, &n))
		return -1;
	for (i = 0; i < n && !ret; i++) {
		if (sd_hsm_rec_lists(h, f[i].num, f[i].serial))
			continue;
		sd_slot_file(name, sizeof(name), f[i].num, f[i].serial);
		/* another HSM's file, or not a record: the load sets it aside */
		if (sd_peek_at(c->dfd, name, &pk) || !pk.slot ||
		    pk.hsm_serial != h->serial || pk.serial != f[i].serial)
			continue;
		if (unlinkat(c->dfd, name, 0)) {
			ret = -1;
			break;
		}
		removed = true;
		sd_report(c->r, SKS_DIR_REMOVED, f[i].num, SKS_CKR_OK, name,
		       "slot %u (serial %" PRIu64 ") no longer exists: %s removed",
		       f[i].num, f[i].serial, name);
	}
	free(f);
	if (!ret && removed)
		ret = sd_sync_dir(c->dfd);
	return ret;
}

/* One round of a save; SAVE_AGAIN if the slots changed under it. */
static enum save_step save_round(struct save_ctx *c, struct hsm_rec *h,
				 bool first_round)
{
	enum save_step step = SAVE_DONE, s;
	uint64_t gen, gen2;
	bool wrote = false;
	uint8_t *hrec;
	size_t len;
	uint32_t i;

	hrec = sd_save_record(c->hsm, 0, SKS_STATE_SAVE_HSM, &len, &gen);
	if (!hrec)
		return SAVE_FAILED;
	if (sd_parse_hsm_rec(hrec, len, h)) {
		free(hrec);
		sks_lib_fail(EPROTO, SKS_CKR_STATE_UNSUPPORTED);
		return SAVE_FAILED;
	}
	if (first_round && check_owner(c, h->serial))
		goto failed;
	/* a new directory gets the HSM's serial number before any slot */
	if (!c->have_hsm_file && write_identity(c, hrec))
		goto failed;
	for (i = 0; i < h->nr_slots; i++) {
		s = save_slot(c, &h->slots[i], h->serial, &wrote);
		if (s == SAVE_AGAIN) {
			free(hrec);
			return SAVE_AGAIN;
		}
		if (s == SAVE_FAILED)
			step = SAVE_FAILED;
	}
	if (wrote && sd_sync_dir(c->dfd)) {
		sd_report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
		       "syncing the state directory: %s", strerror(errno));
		goto failed;
	}
	if (step == SAVE_FAILED) {
		/* the old HSM record stays: it lists no file we could not write */
		sks_lib_fail(EUCLEAN, SKS_CKR_DEVICE_ERROR);
		goto failed;
	}
	/* a slot made or deleted since the HSM record was taken: again */
	if (sd_hsm_generation(c->hsm, &gen2))
		goto failed;
	if (gen2 != gen) {
		free(hrec);
		return SAVE_AGAIN;
	}
	if (!hsm_file_is(c, hrec, len) &&
	    write_hsm_file(c, hrec, len, h->nr_slots))
		goto failed;
	free(hrec);
	if (remove_deleted(c, h)) {
		sd_report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
		       "removing the files of deleted slots: %s", strerror(errno));
		return SAVE_FAILED;
	}
	return SAVE_DONE;
failed:
	free(hrec);
	return SAVE_FAILED;
}


SKS_API int sks_state_save_dir(struct sks_hsm *hsm, const char *dir,
			       unsigned int flags,
			       struct sks_state_report **out)
{
	struct save_ctx c = { .hsm = hsm, .flags = flags };
	enum save_step step = SAVE_AGAIN;
	struct hsm_rec *h = NULL;
	int lfd, round, err;
	bool skip;

	if (out)
		*out = NULL;
	if (flags & ~(SKS_SAVE_DIR_ALL | SKS_SAVE_DIR_COALESCE))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	c.dfd = sd_open_dir(dir, true);
	if (c.dfd < 0)
		return -1;
	lfd = sd_dir_lock(c.dfd, flags & SKS_SAVE_DIR_COALESCE, &skip);
	if (lfd < 0) {
		err = errno;
		close(c.dfd);
		if (skip) {
			if (out)
				*out = sd_report_new();
			sks_set_result(SKS_CKR_OK);
			return out && !*out ? -1 : 0;
		}
		return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
	}
	c.r = sd_report_new();
	h = malloc(sizeof(*h));
	if (!c.r || !h) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		step = SAVE_FAILED;
	} else {
		sd_remove_temporaries(c.dfd);
	}
	for (round = 0; step == SAVE_AGAIN && round < SAVE_ROUNDS; round++)
		step = save_round(&c, h, !round);
	if (step == SAVE_AGAIN)
		sks_lib_fail(EBUSY, SKS_CKR_OPERATION_ACTIVE);
	free(h);
	err = errno;
	close(lfd);
	close(c.dfd);
	errno = err;
	return sd_report_out(c.r, out, step == SAVE_DONE ? 0 : -1);
}
