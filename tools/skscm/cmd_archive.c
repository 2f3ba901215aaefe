// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - partition archive backup, restore, list, show and delete: a
 * partition to and from the archives of a Backup HSM.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "skscm.h"

/* The current slot's type and role, for the archive commands. */
static int archive_source(struct cm_state *st, unsigned int *type,
			  uint32_t *role, uint32_t *ckr, char *rollover_fp)
{
	struct sks_session *s = cm_current(st, ckr);
	struct sks_session_desc *d;
	const uint8_t *fp;

	if (!s)
		return -1;
	d = sks_session_get_desc(s);
	if (!d) {
		*ckr = cm_failed("Failed to read the current slot.");
		return -1;
	}
	*type = sks_session_desc_get_type(d);
	*role = sks_session_desc_get_role(d);
	/* an SMK rollover: its old SMK is in no SKS archive */
	fp = sks_session_desc_get_rollover_fingerprint(d);
	if (rollover_fp)
		rollover_fp[0] = 0;
	if (fp && rollover_fp)
		cm_hex(fp, SKS_FINGERPRINT_LEN, rollover_fp);
	sks_session_desc_free(d);
	return 0;
}

/* After an archive refused its user secret (@ckr). */
static void explain_archive_user_failure(const char *name, uint32_t ckr)
{
	if (ckr == SKS_CKR_PIN_LEN_RANGE)
		cm_para("A password is %d to %d characters long.", SKS_PIN_MIN,
			SKS_PIN_MAX);
	else if (ckr == SKS_CKR_PIN_INCORRECT)
		cm_para("Wrong password of the archive's user. After %d wrong passwords in a row the\n"
			"archive %s is locked out for a while; nothing is ever erased.",
			SKS_MAX_LOGIN_FAILURES, name);
	else if (ckr == SKS_CKR_PIN_LOCKED)
		cm_para("The user of the archive %s is locked out after %d wrong passwords;\n"
			"'partition archive show' gives the seconds left. Nothing was erased.",
			name, SKS_MAX_LOGIN_FAILURES);
	else if (ckr == SKS_CKR_TOKEN_NOT_RECOGNIZED)
		cm_para("The Backup HSM has no archive named %s ('partition archive list'\n"
			"shows its archives).", name);
	else if (ckr == SKS_CKR_DOMAIN_PARAMS_INVALID)
		cm_para("The archive %s was made in another cloning domain than this\n"
			"partition's: an SMK or object restores only within its domain.", name);
	else if (ckr == SKS_CKR_SAVED_STATE_INVALID)
		cm_para("The archive %s does not fit this partition: an SKS archive (an SMK)\n"
			"restores onto an SKS (V1) partition only, a cloning archive (objects)\n"
			"onto a V0 partition only; you cannot restore ordinary objects onto an\n"
			"SKS partition.", name);
}

/* The HSM SO failures of Backup HSM @slot now, or 0. */
static unsigned int hsm_so_failures(struct cm_state *st, unsigned int slot)
{
	struct sks_session *b = cm_session_on(st, slot);
	struct sks_session_desc *d = b ? sks_session_get_desc(b) : NULL;
	unsigned int n = 0;

	if (d) {
		n = sks_session_desc_get_so_failures(d);
		if (sks_session_desc_get_state(d) & SKS_STATE_SO_LOCKED)
			n = ~0U;
	}
	sks_session_desc_free(d);
	return n;
}

uint32_t cm_archive_backup(struct cm_state *st, const struct cm_parsed *p)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *so = NULL, *user = NULL;
	char rollover_fp[2 * SKS_FINGERPRINT_LEN + 1];
	const char *target = cm_get(p, "partition"), *objs = cm_get(p, "objects");
	int append = cm_has(p, "append"), replace = cm_has(p, "replace");
	uint32_t role, ckr = CKR_OK, objects = 0, *h = NULL;
	unsigned int type, slot, so_before;
	size_t nh = 0;
	int v1;

	if (cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot <backup hsm slot> is required.");
	if (append && replace)
		return cm_syntax("Options -append and -replace exclude each other.");
	if (cm_has(p, "objects") && (!objs || cm_parse_handles(objs, &h, &nh)))
		return cm_syntax("Option -objects needs a comma separated list of handles.");
	if (archive_source(st, &type, &role, &ckr, rollover_fp))
		goto out;
	v1 = type == SKS_SLOT_V1;
	if (v1 && rollover_fp[0])
		cm_para("You are backing up a SKS partition.\nOnly the SKS master key (SMK) will be backed up.\nNo other objects will be cloned.\n\n"
			"CAUTION: An SMK rollover is in progress on this partition.\n"
			"Only the primary SMK is backed up, not the rollover SMK\n%s:\n"
			"SKS blobs still under it cannot be inserted on a partition restored\n"
			"from this archive. Rewrap them first (sks rewrap), or back up again\n"
			"after the rollover ends.", rollover_fp);
	else if (v1)
		cm_para("You are backing up a SKS partition.\nOnly the SKS master key (SMK) will be backed up.\nNo other objects will be cloned.");
	else if (nh)
		cm_para("You are backing up a partition.\nThe %zu object(s) listed will be cloned.", nh);
	else
		cm_para("You are backing up a partition.\nAll token objects will be cloned.");
	if (!cm_confirm(st, p)) {
		ckr = cm_cancelled();
		goto out;
	}
	if (v1 && (cm_has(p, "partition") || cm_has(p, "objects") || append ||
		   replace)) {
		cm_para("Syntax Error: Option -%s cannot be used for SKS operation.",
			cm_has(p, "partition") ? "partition" :
			cm_has(p, "objects") ? "objects" :
			append ? "append" : "replace");
		ckr = CM_SYNTAX_NO_ERROR;
		goto out;
	}
	if (!v1 && !target) {
		ckr = cm_syntax("Option -partition <archive name> is required for a cloning backup.");
		goto out;
	}
	if (role != SKS_ROLE_CO) {
		cm_para("Error: Failed to open session.");
		ckr = SKS_CKR_SESSION_CLOSED;
		goto out;
	}
	ckr = cm_backup_hsm_check(st, slot);
	if (ckr)
		goto out;
	cm_para("Logging in as the SO on slot %u.", slot);
	so = cm_secret(st, p, "password", "\n\tEnter the Backup HSM SO password: ");
	if (!so) {
		ckr = cm_no_answer(st);
		goto out;
	}
	/* Appending: the archive's password; else a new one, asked twice. */
	if (append) {
		user = cm_secret(st, p, "userpassword",
				 "\n\tEnter the password of the archive's user: ");
		if (!user)
			ckr = cm_no_answer(st);
	} else {
		user = cm_new_secret(st, p, "userpassword",
				     "\n\tEnter the password of the archive's user: ",
				     "\n\tEnter the password of the archive's user again: ",
				     &ckr);
	}
	if (!user)
		goto out;
	so_before = hsm_so_failures(st, slot);
	if (sks_session_backup_objects(st->sess[st->slot], slot, so, user,
				       v1 ? NULL : target,
				       append ? SKS_BACKUP_APPEND :
				       replace ? SKS_BACKUP_REPLACE : 0,
				       h, nh, name, sizeof(name), &objects)) {
		ckr = cm_failed("The backup failed; nothing was %s on slot %u.",
				append || replace ? "changed" : "created", slot);
		/* Whose secret was refused: the HSM SO's counts on the
		 * Backup HSM, an archive's on the archive. */
		if (ckr == SKS_CKR_PIN_LOCKED || ckr == SKS_CKR_PIN_INCORRECT) {
			if (hsm_so_failures(st, slot) != so_before ||
			    so_before == ~0U || !append)
				cm_explain_hsm_so_failure(st, slot, ckr);
			else
				explain_archive_user_failure(target, ckr);
		} else if (ckr == SKS_CKR_PIN_LEN_RANGE) {
			cm_explain_hsm_so_failure(st, slot, ckr);
		}
		goto out;
	}
	if (append) {
		cm_para("Logging into the container %s on slot %u as the user.", name, slot);
		cm_para("Appending to the partition %s on slot %u.", name, slot);
	} else {
		cm_para("%s partition %s on slot %u.", replace ? "Replacing" : "Creating",
			name, slot);
		cm_para("Logging into the container %s on slot %u as the user.", name, slot);
		cm_para("Creating Domain for the partition %s on slot %u.", name, slot);
	}
	if (v1)
		cm_para("The SMK was cloned successfully.");
	else
		cm_para("The objects were cloned successfully (%u in the archive).",
			objects);
	if (!v1 && !nh && !objects)
		cm_para("WARNING: The partition holds no token objects, so the archive is empty.\n"
			"Session objects (what key generate makes) are cloned only when listed\n"
			"with -objects <h,h,...>.");
	ckr = cm_image_autosave(st, slot);
out:
	free(h);
	cm_drop_secret(so);
	cm_drop_secret(user);
	return ckr;
}

uint32_t cm_archive_restore(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "partition");
	uint32_t role, ckr = CKR_OK, status = 0, objects = 0;
	unsigned int type, slot;
	char *user;
	int v1;

	if (cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot <backup hsm slot> is required.");
	if (!name)
		return cm_syntax("Option -partition <archive partition> is required.");
	if (archive_source(st, &type, &role, &ckr, NULL))
		return ckr;
	v1 = type == SKS_SLOT_V1;
	if (v1)
		cm_para("You are restoring an SKS partition.\nOnly the SKS master key (SMK) will be restored.\nCAUTION: The existing SMK will be overwritten.\n");
	else
		cm_para("You are restoring a partition.\nThe objects of the archive will be cloned into it.");
	if (!cm_confirm(st, p))
		return cm_cancelled();
	if (role != SKS_ROLE_CO) {
		cm_para("Error: Failed to open session.");
		return SKS_CKR_SESSION_CLOSED;
	}
	ckr = cm_backup_hsm_check(st, slot);
	if (ckr)
		return ckr;
	cm_para("Logging in to partition %s on slot %u as the user.", name, slot);
	user = cm_secret(st, p, "password", "\n\tEnter the password of the archive's user: ");
	if (!user)
		return cm_no_answer(st);
	if (sks_session_restore(st->sess[st->slot], slot, user, name, &status,
				&objects)) {
		ckr = cm_failed("The restore failed: %s; nothing was changed.", sks_strerror(sks_last_result()));
		explain_archive_user_failure(name, ckr);
	} else {
		if (status & SKS_RESTORE_WARN_OBJECTS)
			cm_para("WARNING: Crypto object(s) detected in the backup device container.\nDedicated backup container for SKS Master key is recommended.");
		if (v1)
			cm_para("The SMK was cloned successfully.");
		else
			cm_para("%u object(s) were cloned successfully.", objects);
	}
	cm_drop_secret(user);
	return ckr;
}

static void print_archive(const struct sks_archive_info *a)
{
	char h[2 * SKS_FINGERPRINT_LEN + 1], when[64];
	time_t t = (time_t)sks_archive_info_get_created(a);
	const uint8_t *fp = sks_archive_info_get_smk_fingerprint(a);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)t);
	printf("\n\tPartition Name ->\t%s\n", sks_archive_info_get_name(a));
	printf("\tKind ->\t\t\t%s\n",
	       sks_archive_info_get_kind(a) == SKS_ARCHIVE_SKS ?
	       "SKS archive (SMK)" : "cloning archive (objects)");
	printf("\tSource Serial ->\t%" PRIu64 "\n",
	       sks_archive_info_get_source_serial(a));
	printf("\tCreated ->\t\t%s\n", when);
	printf("\tObjects ->\t\t%u\n", sks_archive_info_get_objects(a));
	printf("\tSize ->\t\t\t%" PRIu64 " bytes\n", sks_archive_info_get_size(a));
	cm_hex(sks_archive_info_get_domain_id(a), SKS_DOMAIN_ID_LEN, h);
	printf("\tDomain Id ->\t\t%s\n", h);
	if (fp) {
		cm_hex(fp, SKS_FINGERPRINT_LEN, h);
		printf("\tSMK Fingerprint ->\t%s\n", h);
	}
	printf("\tUser Failures ->\t%u of %d failed passwords\n",
	       sks_archive_info_get_failures(a), SKS_MAX_LOGIN_FAILURES);
	if (sks_archive_info_get_lockout_secs(a))
		printf("\tUser Locked Out ->\t%u more second%s\n",
		       sks_archive_info_get_lockout_secs(a),
		       cm_plural(sks_archive_info_get_lockout_secs(a)));
}

uint32_t cm_archive_list(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_archives *list;
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;
	size_t n;

	b = cm_backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	list = sks_backup_list_archives(b, so);
	cm_drop_secret(so);
	if (!list) {
		ckr = cm_failed("Failed to list the archive partitions on slot %u.", slot);
		cm_explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	n = sks_archives_get_count(list);
	for (size_t i = 0; i < n; i++)
		print_archive(sks_archives_get_archive(list, i));
	cm_para("\tNumber of archive partitions on slot %u:  %zu", slot, n);
	sks_archives_free(list);
	return CKR_OK;
}

uint32_t cm_archive_show(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "partition");
	struct sks_archive_info *a;
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;

	if (!name)
		return cm_syntax("Option -partition <archive partition> is required.");
	b = cm_backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	a = sks_backup_get_archive_info(b, so, name);
	cm_drop_secret(so);
	if (!a) {
		ckr = cm_failed("Failed to read the archive partition %s on slot %u.",
				name, slot);
		cm_explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	print_archive(a);
	sks_archive_info_free(a);
	return CKR_OK;
}

uint32_t cm_archive_delete(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "partition");
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;

	if (!name)
		return cm_syntax("Option -partition <archive partition> is required.");
	if (cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot <backup hsm slot> is required.");
	cm_para("You are about to delete the archive partition %s on slot %u.\nIts SMK and objects will be destroyed.",
		name, slot);
	if (!cm_confirm(st, p))
		return cm_cancelled();
	b = cm_backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	if (sks_backup_delete_archive(b, so, name)) {
		ckr = cm_failed("Failed to delete the archive partition %s on slot %u.",
				name, slot);
		cm_explain_hsm_so_failure(st, slot, ckr);
	}
	cm_drop_secret(so);
	if (ckr)
		return ckr;
	cm_para("Deleted the archive partition %s on slot %u.", name, slot);
	return cm_image_autosave(st, slot);
}
