// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - loading the state directory into the HSM: the records the HSM
 * record lists, then the others; what cannot load is set aside
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

/* ---- loading ---- */

struct load_ctx {
	struct sks_hsm *hsm;
	int dfd;
	struct sks_state_report *r;
	bool moved;
	uint64_t present[SKS_MAX_SLOTS];	/* serials in the HSM, 0: none */
};

/* The HSM's slots now: their serial numbers by number. */
static int load_present(struct load_ctx *c)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_slot_list req;
	uint32_t i;

	memset(&req, 0, sizeof(req));
	req.entries = (uintptr_t)e;
	req.count = SKS_MAX_SLOTS;
	req.entry_size = sizeof(e[0]);
	memset(e, 0, sizeof(e));
	if (sks_do_ioctl(sks_hsm_get_fd(c->hsm), SKS_CTL_LIST_SLOTS, &req))
		return -1;
	memset(c->present, 0, sizeof(c->present));
	for (i = 0; i < req.count && i < SKS_MAX_SLOTS; i++)
		if (e[i].slot < SKS_MAX_SLOTS)
			c->present[e[i].slot] = e[i].serial ? e[i].serial : 1;
	return 0;
}

/* Set @name aside into @sub and report @kind with @why. */
static void set_aside(struct load_ctx *c, const char *name, uint32_t num,
		      const struct peek *pk, const char *sub,
		      unsigned int kind, uint32_t ckr, const char *why)
{
	char to[160];

	if (sd_move_aside(c->dfd, name, sub, pk, to, sizeof(to))) {
		sd_report(c->r, kind, num, ckr, name,
		       "slot %u: %s: not loaded; moving it to %s/ failed (%s): left as %s",
		       num, why, sub, strerror(errno), name);
		return;
	}
	c->moved = true;
	sd_report(c->r, kind, num, ckr, to, "slot %u: %s: not loaded, moved to %s",
	       num, why, to);
}

/* Load the record @name; 0, or -1 with the driver's code in *@ckr. */
static int load_file_at(struct load_ctx *c, const char *name,
			unsigned int *slot, uint64_t *gen, uint32_t *status,
			uint32_t *ckr)
{
	uint8_t *buf;
	size_t len;
	int ret;

	*status = 0;
	if (sd_read_file_at(c->dfd, name, &buf, &len)) {
		*ckr = sks_last_result();
		return -1;
	}
	ret = sks_state_load_record(c->hsm, buf, len, slot, gen, status);
	*ckr = sks_last_result();
	free(buf);
	return ret;
}

/* Load one slot the HSM record lists. */
static void load_listed(struct load_ctx *c, const struct listed *e)
{
	char name[64], why[200];
	unsigned int got;
	uint32_t status, ckr;
	struct peek pk;
	uint64_t gen;

	sd_slot_file(name, sizeof(name), e->num, e->serial);
	if (sd_peek_at(c->dfd, name, &pk)) {
		if (errno == ENOENT)
			sd_report(c->r, SKS_DIR_MISSING, e->num, SKS_CKR_OK, name,
			       "slot %u (serial %" PRIu64 ", generation %" PRIu64
			       "): the HSM record lists it but %s is missing: the slot is lost unless a copy of the file is found",
			       e->num, e->serial, e->generation, name);
		else
			sd_report(c->r, SKS_DIR_REJECTED, e->num,
			       SKS_CKR_DEVICE_ERROR, name,
			       "slot %u: reading %s: %s: not loaded", e->num,
			       name, strerror(errno));
		return;
	}
	if (c->present[e->num]) {
		if (pk.slot && c->present[e->num] == pk.serial) {
			sd_report(c->r, SKS_DIR_PRESENT, e->num, SKS_CKR_OK, name,
			       "slot %u (serial %" PRIu64 ") is loaded already",
			       e->num, pk.serial);
			return;
		}
		snprintf(why, sizeof(why),
			 "the HSM has another slot %u (serial %" PRIu64 ")",
			 e->num, c->present[e->num]);
		set_aside(c, name, e->num, &pk, REJECTED, SKS_DIR_REJECTED,
			  SKS_CKR_FUNCTION_FAILED, why);
		return;
	}
	if (pk.slot && (pk.serial != e->serial || pk.num != e->num)) {
		snprintf(why, sizeof(why),
			 "%s holds slot %u serial %" PRIu64
			 ", not the slot its name says",
			 name, pk.num, pk.serial);
		set_aside(c, name, e->num, &pk, ORPHANS, SKS_DIR_ORPHAN,
			  SKS_CKR_OK, why);
		sd_report(c->r, SKS_DIR_MISSING, e->num, SKS_CKR_OK, "",
		       "slot %u (serial %" PRIu64 "): the HSM record lists it but no file holds it",
		       e->num, e->serial);
		return;
	}
	if (pk.slot && pk.generation < e->generation) {
		snprintf(why, sizeof(why),
			 "%s holds generation %" PRIu64
			 ", the HSM record lists %" PRIu64
			 " (an older copy of the file: replayed or restored)",
			 name, pk.generation, e->generation);
		set_aside(c, name, e->num, &pk, REJECTED, SKS_DIR_STALE,
			  SKS_CKR_OK, why);
		return;
	}
	if (!load_file_at(c, name, &got, &gen, &status, &ckr)) {
		sd_report(c->r, status & SKS_STATE_LOADED_ACTIVE ?
		       SKS_DIR_LOADED_ACTIVE : SKS_DIR_LOADED, got, SKS_CKR_OK,
		       name, "slot %u loaded (serial %" PRIu64 ", generation %"
		       PRIu64 "): %s", got, e->serial, gen,
		       status & SKS_STATE_LOADED_ACTIVE ? "active (auto-activation)" :
		       "deactivated until its Crypto Officer or SO logs in");
		return;
	}
	snprintf(why, sizeof(why), "the driver refused %s: %s", name,
		 sks_strerror(ckr));
	set_aside(c, name, e->num, &pk, REJECTED, SKS_DIR_REJECTED, ckr, why);
}

/* Set aside every slot record @h does not list (NULL: no HSM record). */
static void load_unlisted(struct load_ctx *c, const struct hsm_rec *h)
{
	struct slot_file *f;
	struct peek pk;
	char name[64];
	size_t n, i;
	uint32_t num;

	if (sd_slot_files(c->dfd, &f, &n)) {
		sd_report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
		       "listing the state directory: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		num = f[i].num;
		if (h && sd_hsm_rec_lists(h, num, f[i].serial))
			continue;
		sd_slot_file(name, sizeof(name), num, f[i].serial);
		if (sd_peek_at(c->dfd, name, &pk))
			continue;	/* gone meanwhile */
		/* saved in this boot (the HSM record is being written) */
		if (pk.slot && c->present[num] && c->present[num] == pk.serial)
			continue;
		set_aside(c, name, num, &pk, ORPHANS, SKS_DIR_ORPHAN,
			  SKS_CKR_OK, h ?
			  "the HSM record does not list it (a power cut between the save of a new slot and that of the HSM record, or before the file of a deleted slot was removed)" :
			  "there is no HSM record");
	}
	free(f);
}

/* Load DIR/hsm.rec, then what it lists; -1 only if hsm.rec fails. */
static int load_all(struct load_ctx *c, struct hsm_rec *h)
{
	uint8_t *buf;
	size_t len;
	uint32_t i;

	if (load_present(c))
		return -1;
	if (sd_read_file_at(c->dfd, HSM_FILE, &buf, &len)) {
		if (errno != ENOENT) {
			sd_report(c->r, SKS_DIR_FAILED, -1, sks_last_result(),
			       HSM_FILE, "reading %s: %s: nothing loaded",
			       HSM_FILE, strerror(errno));
			return -1;
		}
		load_unlisted(c, NULL);
		return 0;
	}
	if (sks_state_load_record(c->hsm, buf, len, NULL, NULL, NULL) ||
	    sd_parse_hsm_rec(buf, len, h)) {
		uint32_t ckr = sks_last_result() ? sks_last_result() :
			       SKS_CKR_DATA_INVALID;

		sd_report(c->r, SKS_DIR_REJECTED, -1, ckr, HSM_FILE,
		       "the driver refused %s: %s: nothing loaded (see \"Recovery\" in docs/durability.md)",
		       HSM_FILE, ckr == SKS_CKR_FUNCTION_FAILED ?
		       "the HSM has slots of another serial number" :
		       sks_strerror(ckr));
		free(buf);
		return sks_lib_fail(sks_result_errno(ckr), ckr);
	}
	free(buf);
	sd_report(c->r, SKS_DIR_LOADED, -1, SKS_CKR_OK, HSM_FILE,
	       "HSM record loaded: serial %" PRIu64 ", %u slot%s", h->serial,
	       h->nr_slots, h->nr_slots == 1 ? "" : "s");
	for (i = 0; i < h->nr_slots; i++)
		load_listed(c, &h->slots[i]);
	load_unlisted(c, h);
	return 0;
}

SKS_API int sks_state_load_dir(struct sks_hsm *hsm, const char *dir,
			       unsigned int flags,
			       struct sks_state_report **out)
{
	struct load_ctx c = { .hsm = hsm };
	struct hsm_rec *h;
	int lfd, ret, err;
	bool skip;

	if (out)
		*out = NULL;
	if (flags)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	c.dfd = sd_open_dir(dir, false);
	if (c.dfd < 0)
		return -1;
	lfd = sd_dir_lock(c.dfd, false, &skip);
	if (lfd < 0) {
		err = errno;
		close(c.dfd);
		return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
	}
	c.r = sd_report_new();
	h = malloc(sizeof(*h));
	if (!c.r || !h) {
		ret = sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	} else {
		sd_remove_temporaries(c.dfd);
		ret = load_all(&c, h);
		if (c.moved && sd_sync_dir(c.dfd))
			sd_report(c.r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
			       "syncing the state directory: %s",
			       strerror(errno));
		if (!ret && c.r->problems)
			ret = sks_lib_fail(EUCLEAN, SKS_CKR_DATA_INVALID);
	}
	free(h);
	err = errno;
	close(lfd);
	close(c.dfd);
	errno = err;
	return sd_report_out(c.r, out, ret);
}
