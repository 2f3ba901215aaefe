// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - hsm show, hsm save, hsm load.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "skscm.h"

uint32_t cm_hsm_show(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_slots *list;
	char fw[SKS_FW_VERSION_LEN];
	uint64_t serial;

	(void)st; (void)p;
	if (!hsm)
		return cm_hsm_open_failed();
	if (sks_hsm_get_serial(hsm, &serial) ||
	    sks_hsm_get_firmware(hsm, fw, sizeof(fw)) ||
	    !(list = sks_hsm_list_slots(hsm))) {
		uint32_t ckr = cm_failed("Failed to read the HSM information.");

		sks_hsm_close(hsm);
		return ckr;
	}
	printf("\n\tHSM Serial Number ->\t%" PRIu64 "\n", serial);
	printf("\tFirmware Version ->\t%s\n", fw);
	printf("\tSlots ->\t\t%zu\n", sks_slots_get_count(list));
	sks_slots_free(list);
	sks_hsm_close(hsm);
	return CKR_OK;
}

/* The default state directory: the one the udev rule keeps. */
#define CM_STATE_DIR	"/var/lib/sks"

/* What a save or a load did, one line per file; problems marked. */
static void print_state_report(const struct sks_state_report *r)
{
	size_t i;

	if (!r || !sks_state_report_get_count(r))
		return;
	putchar('\n');
	for (i = 0; i < sks_state_report_get_count(r); i++)
		printf("\t%s%s\n", sks_state_report_get_kind(r, i) >=
		       SKS_DIR_MISSING ? "Problem: " : "",
		       sks_state_report_get_text(r, i));
}

uint32_t cm_hsm_save(struct cm_state *st, const struct cm_parsed *p)
{
	const char *dir = cm_get(p, "dir") ? cm_get(p, "dir") : CM_STATE_DIR;
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_state_report *r = NULL;
	uint32_t ckr = CKR_OK;
	int ret, err;

	(void)st;
	if (!hsm)
		return cm_hsm_open_failed();
	ret = sks_state_save_dir(hsm, dir, cm_has(p, "all") ? SKS_SAVE_DIR_ALL : 0,
				 &r);
	err = errno;
	sks_hsm_close(hsm);
	print_state_report(r);
	if (ret) {
		ckr = err == EUCLEAN ?
		      cm_failed("Not every slot could be saved: %s keeps its previous HSM record.", dir) :
		      err == EXDEV || err == EBADMSG ?
		      cm_failed("%s holds the state of another HSM, or a damaged one: nothing was saved\n"
				"(load it with 'hsm load', or move it away; docs/durability.md).", dir) :
		      cm_failed("Cannot save the HSM's state to %s: %s.", dir,
				strerror(err));
	} else if (!sks_state_report_get_count(r)) {
		cm_para("The HSM's state in %s is current: nothing to save.", dir);
	} else {
		cm_para("Saved the HSM's state to %s.", dir);
	}
	sks_state_report_free(r);
	return ckr;
}

uint32_t cm_hsm_load(struct cm_state *st, const struct cm_parsed *p)
{
	const char *dir = cm_get(p, "dir") ? cm_get(p, "dir") : CM_STATE_DIR;
	const char *file = cm_get(p, "file");
	struct sks_hsm *hsm;
	struct sks_state_report *r = NULL;
	uint32_t ckr = CKR_OK, status;
	unsigned int slot;
	uint64_t gen;
	int ret, err;

	(void)st;
	if (file && cm_has(p, "dir"))
		return cm_syntax("Give -dir or -file, not both.");
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		return cm_hsm_open_failed();
	if (file) {
		ret = sks_state_load_file(hsm, file, &slot, &gen, &status);
		err = errno;
		sks_hsm_close(hsm);
		/* the file's own problem in the system's words, else the HSM's */
		if (ret && sks_last_result() == SKS_CKR_DEVICE_ERROR)
			return cm_failed("Cannot load %s: %s; nothing was loaded.",
					 file, strerror(err));
		if (ret)
			return cm_failed("Cannot load %s: %s; nothing was loaded.",
					 file, sks_strerror(sks_last_result()));
		cm_para("Loaded slot %u (generation %" PRIu64 ") from %s: %s.",
			slot, gen, file, status & SKS_STATE_LOADED_ACTIVE ? "active" :
			"deactivated until its Crypto Officer or SO logs in");
		return CKR_OK;
	}
	ret = sks_state_load_dir(hsm, dir, 0, &r);
	err = errno;
	sks_hsm_close(hsm);
	print_state_report(r);
	if (ret && err == EUCLEAN)
		ckr = cm_failed("The state in %s loaded with %zu problem%s: see above and\n"
				"\"Recovery\" in docs/durability.md.", dir,
				sks_state_report_get_problems(r),
				cm_plural(sks_state_report_get_problems(r)));
	else if (ret)
		ckr = cm_failed("Cannot load the HSM's state from %s: %s.", dir,
				sks_last_result() == SKS_CKR_DEVICE_ERROR ?
				strerror(err) : sks_strerror(sks_last_result()));
	else if (!sks_state_report_get_count(r))
		cm_para("%s holds no HSM state.", dir);
	sks_state_report_free(r);
	return ckr;
}
