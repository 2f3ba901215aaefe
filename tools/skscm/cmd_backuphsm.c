// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - backuphsm create, image save and load, attach and detach: Backup
 * HSM slots, their SO secret and their image files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "skscm.h"

/*
 * Why a libsks call failed, in words: the file system's reason for a file
 * that could not be read or written (CKR_DEVICE_ERROR, errno @err), else
 * the result code's.
 */
static const char *cause(uint32_t ckr, int err)
{
	if (ckr == SKS_CKR_DEVICE_ERROR || ckr == SKS_CKR_GENERAL_ERROR)
		return strerror(err);
	return sks_strerror(ckr);
}

/*
 * After a Backup HSM refused its HSM SO secret (@ckr): the attempts left,
 * or the lockout now running (nothing is ever erased).
 */
void cm_explain_hsm_so_failure(struct cm_state *st, unsigned int slot,
			       uint32_t ckr)
{
	struct sks_session_desc *d;
	struct sks_session *b;
	unsigned int n, secs;

	if (ckr == SKS_CKR_PIN_LEN_RANGE)
		cm_para("A password is %d to %d characters long.", SKS_PIN_MIN,
			SKS_PIN_MAX);
	if (ckr != SKS_CKR_PIN_INCORRECT && ckr != SKS_CKR_PIN_LOCKED)
		return;
	b = cm_session_on(st, slot);
	d = b ? sks_session_get_desc(b) : NULL;
	if (!d)
		return;
	n = sks_session_desc_get_so_failures(d);
	secs = sks_session_desc_get_lockout_secs(d);
	if (ckr == SKS_CKR_PIN_LOCKED ||
	    (sks_session_desc_get_state(d) & SKS_STATE_SO_LOCKED))
		cm_para("The HSM SO of the Backup HSM on slot %u is locked out for %u more second%s\n"
			"after %d failed attempts; every failure after a lockout doubles the next one.\n"
			"Nothing was erased: the archives are intact.", slot, secs,
			cm_plural(secs), SKS_MAX_HSM_SO_FAILURES);
	else
		cm_para("Failed HSM SO attempts on slot %u: %u of %d. At %d the HSM SO is locked out\n"
			"for a while, longer after each further failure; nothing is ever erased.",
			slot, n, SKS_MAX_HSM_SO_FAILURES, SKS_MAX_HSM_SO_FAILURES);
	sks_session_desc_free(d);
}

/* Save Backup HSM @slot to its attached image file, if it has one. */
uint32_t cm_image_autosave(struct cm_state *st, unsigned int slot)
{
	struct sks_session *b;
	uint32_t ckr;
	int err;

	if (slot >= SKS_MAX_SLOTS || !st->image[slot])
		return CKR_OK;
	b = cm_session_on(st, slot);
	if (!b || sks_backup_save_image_file(b, st->image_secret[slot],
					     st->image[slot])) {
		err = errno;
		ckr = cm_failed("Failed to save the Backup HSM on slot %u to %s: %s.",
				slot, st->image[slot], cause(sks_last_result(), err));
		cm_explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	cm_para("Saved the Backup HSM on slot %u to %s.", slot, st->image[slot]);
	return CKR_OK;
}

uint32_t cm_backup_hsm_check(struct cm_state *st, unsigned int slot)
{
	struct sks_session *b = cm_session_on(st, slot);
	struct sks_session_desc *d;
	unsigned int type;

	if (!b)
		return cm_slot_open_failed(slot);
	d = sks_session_get_desc(b);
	if (!d)
		return cm_failed("Failed to read slot %u.", slot);
	type = sks_session_desc_get_type(d);
	sks_session_desc_free(d);
	if (type != SKS_SLOT_BACKUP) {
		cm_para("Error: Slot %u is not a Backup HSM.", slot);
		return SKS_CKR_ARGUMENTS_BAD;
	}
	return CKR_OK;
}

/* Check -slot is a Backup HSM, and get its SO password. */
struct sks_session *cm_backup_hsm_login(struct cm_state *st,
					const struct cm_parsed *p,
					unsigned int *slot, char **so,
					uint32_t *ckr)
{
	if (cm_get_slot_opt(p, "slot", slot)) {
		*ckr = cm_syntax("Option -slot <backup hsm slot> is required.");
		return NULL;
	}
	*ckr = cm_backup_hsm_check(st, *slot);
	if (*ckr)
		return NULL;
	cm_para("Logging in as the SO on slot %u.", *slot);
	*so = cm_secret(st, p, "password", "\n\tEnter the Backup HSM SO password: ");
	if (!*so) {
		*ckr = cm_no_answer(st);
		return NULL;
	}
	return st->sess[*slot];
}

uint32_t cm_backuphsm_create(struct cm_state *st, const struct cm_parsed *p)
{
	const char *fw = cm_get(p, "firmware");
	struct sks_hsm *hsm;
	unsigned int slot;
	uint32_t ckr = CKR_OK;
	char *pw;

	if (cm_has(p, "slot") && cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot needs a slot number.");
	pw = cm_new_secret(st, p, "password", "\n\tEnter the new Backup HSM SO password: ",
			   "\n\tEnter the new Backup HSM SO password again: ", &ckr);
	if (!pw)
		return ckr;
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		ckr = cm_hsm_open_failed();
	else if (cm_has(p, "slot") ? sks_hsm_create_backup_at(hsm, slot, fw, pw) :
		 sks_hsm_create_backup(hsm, fw, pw, &slot))
		ckr = cm_failed_why("Failed to create the Backup HSM");
	else
		cm_para("Created Backup HSM (firmware %s) on slot %u.",
			fw ? fw : "7.7.1", slot);
	sks_hsm_close(hsm);
	cm_drop_secret(pw);
	return ckr;
}

uint32_t cm_backuphsm_image_save(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;
	void *image;
	size_t len;

	if (!file)
		return cm_syntax("Option -file <image file> is required.");
	/* Say what is wrong with the file before asking for the password. */
	if (cm_check_writable(file))
		return cm_write_error(file, errno);
	b = cm_backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	image = sks_backup_save_image(b, so, &len);
	cm_drop_secret(so);
	if (!image) {
		ckr = cm_failed("Failed to seal the Backup HSM on slot %u.", slot);
		cm_explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	if (sks_image_write_file(file, image, len))
		ckr = cm_failed("Cannot write %s: %s; it was left as it was.", file,
				strerror(errno));
	else
		cm_para("Saved the Backup HSM on slot %u to %s (%zu bytes).", slot,
			file, len);
	free(image);
	return ckr;
}

/* Attach @file to Backup HSM @slot under @so (taken over), saving it now. */
static uint32_t image_attach(struct cm_state *st, unsigned int slot,
			     const char *file, char *so)
{
	char *f = strdup(file);
	uint32_t ckr;

	if (!f) {
		cm_drop_secret(so);
		cm_para("Error: Out of memory.");
		return SKS_CKR_HOST_MEMORY;
	}
	cm_image_detach(st, slot);
	st->image[slot] = f;
	st->image_secret[slot] = so;
	ckr = cm_image_autosave(st, slot);
	if (ckr) {
		cm_image_detach(st, slot);
		return ckr;
	}
	cm_para("The image file %s is attached to slot %u: it is saved after every change.",
		file, slot);
	return CKR_OK;
}

uint32_t cm_backuphsm_image_load(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	struct sks_hsm *hsm;
	unsigned int slot;
	uint64_t serial;
	uint8_t *image;
	uint32_t ckr;
	size_t len;
	char *so;
	int ret;

	if (!file)
		return cm_syntax("Option -file <image file> is required.");
	/* The file first: a missing one is not worth a password. */
	image = cm_read_file(file, SKS_IMAGE_MAX_SIZE, &len);
	if (!image) {
		if (errno == EFBIG)
			cm_para("Error: %s is larger than a Backup HSM image can be (%u bytes); nothing was loaded.",
				file, SKS_IMAGE_MAX_SIZE);
		else
			cm_para("Error: Cannot read %s: %s; nothing was loaded.",
				file, strerror(errno));
		return errno == EFBIG ? SKS_CKR_DATA_LEN_RANGE : CKR_ARGUMENTS_BAD;
	}
	so = cm_secret(st, p, "password", "\n\tEnter the Backup HSM SO password: ");
	if (!so) {
		free(image);
		return cm_no_answer(st);
	}
	hsm = sks_hsm_open(NULL);
	if (!hsm) {
		cm_drop_secret(so);
		free(image);
		return cm_hsm_open_failed();
	}
	ret = sks_hsm_load_image(hsm, image, len, so, &slot, &serial);
	sks_hsm_close(hsm);
	free(image);
	if (ret) {
		cm_drop_secret(so);
		switch (sks_last_result()) {
		case SKS_CKR_PIN_INCORRECT:
			return cm_failed("Wrong Backup HSM SO password for %s; nothing was loaded.",
					 file);
		case SKS_CKR_DATA_INVALID:
			return cm_failed("%s is not an intact Backup HSM image; nothing was loaded.",
					 file);
		case SKS_CKR_PIN_LEN_RANGE:
			ckr = cm_failed("Cannot load %s; nothing was loaded.", file);
			cm_explain_hsm_so_failure(st, 0, ckr);
			return ckr;
		default:
			return cm_failed("Cannot load %s: %s; nothing was loaded.",
					 file, sks_strerror(sks_last_result()));
		}
	}
	cm_para("Loaded the Backup HSM %" PRIu64 " from %s on slot %u.", serial,
		file, slot);
	if (!cm_has(p, "attach")) {
		cm_drop_secret(so);
		return CKR_OK;
	}
	return image_attach(st, slot, file, so);
}

uint32_t cm_backuphsm_attach(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;

	if (!file)
		return cm_syntax("Option -file <image file> is required.");
	if (cm_check_writable(file))
		return cm_write_error(file, errno);
	if (!cm_backup_hsm_login(st, p, &slot, &so, &ckr))
		return ckr;
	return image_attach(st, slot, file, so);
}

uint32_t cm_backuphsm_detach(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned int slot;

	if (cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot <backup hsm slot> is required.");
	if (!st->image[slot]) {
		cm_para("Error: No image file is attached to slot %u.", slot);
		return CKR_ARGUMENTS_BAD;
	}
	cm_para("The image file %s is no longer attached to slot %u.",
		st->image[slot], slot);
	cm_image_detach(st, slot);
	return CKR_OK;
}
