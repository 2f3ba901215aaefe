// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - partition create, init, delete, show, contents and
 * smkrollover.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "skscm.h"

uint32_t cm_partition_create(struct cm_state *st, const struct cm_parsed *p)
{
	const char *type = cm_get(p, "type");
	unsigned long long cap = 0;
	unsigned int t = SKS_SLOT_V1, slot;
	struct sks_hsm *hsm;
	int ret;

	(void)st;
	if (type && !strcasecmp(type, "v0"))
		t = SKS_SLOT_V0;
	else if (type && strcasecmp(type, "v1"))
		return cm_syntax("Option -type must be v1 or v0.");
	if (cm_has(p, "capacity") &&
	    cm_parse_uint(cm_get(p, "capacity"), UINT64_MAX, &cap))
		return cm_syntax("Option -capacity needs a number of bytes.");
	if (cm_has(p, "slot") && cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot needs a slot number.");
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		return cm_hsm_open_failed();
	if (cm_has(p, "slot"))
		ret = sks_hsm_create_partition_at(hsm, slot, t, cap);
	else
		ret = sks_hsm_create_partition(hsm, t, cap, &slot);
	sks_hsm_close(hsm);
	if (ret)
		return cm_failed_why("Failed to create the partition");
	cm_para("Created %s on slot %u.", sks_slot_type_name(t), slot);
	return CKR_OK;
}

uint32_t cm_partition_init(struct cm_state *st, const struct cm_parsed *p)
{
	const char *label = cm_get(p, "label"), *domain = cm_get(p, "domain");
	struct sks_session_desc *d;
	unsigned int slot = st->slot, type;
	struct sks_session *s;
	uint32_t ckr = CKR_OK;
	int reinit;
	char *pw;

	if (!label || !domain)
		return cm_syntax("Options -label and -domain are required.");
	if (cm_has(p, "slot") && cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot needs a slot number.");
	if (!cm_has(p, "slot") && !st->have_slot) {
		cm_para("Error: No current slot. Use 'slot set -slot <n>'.");
		return SKS_CKR_TOKEN_NOT_PRESENT;
	}
	s = cm_session_on(st, slot);
	if (!s)
		return cm_slot_open_failed(slot);
	d = sks_session_get_desc(s);
	if (!d)
		return cm_failed("Failed to read slot %u.", slot);
	reinit = !!(sks_session_desc_get_state(d) & SKS_STATE_INITIALIZED);
	type = sks_session_desc_get_type(d);
	sks_session_desc_free(d);
	if (type == SKS_SLOT_BACKUP) {
		cm_para("Error: Slot %u is a Backup HSM, not a partition.", slot);
		return SKS_CKR_FUNCTION_NOT_SUPPORTED;
	}
	if (reinit)
		cm_para("You are about to re-initialize the partition on slot %u.\n"
			"All contents of the partition will be destroyed: its objects, its SMKs (blobs\n"
			"made under them will never insert again) and the Crypto Officer and Crypto\n"
			"User passwords. The partition SO password stays as it is.", slot);
	else
		cm_para("You are about to initialize the partition on slot %u.\nAll contents of the partition will be destroyed.",
			slot);
	if (!cm_confirm(st, p))
		return cm_cancelled();
	if (reinit) {
		pw = cm_secret(st, p, "password",
			       "\n\tEnter the current partition SO password: ");
		if (!pw)
			return cm_no_answer(st);
	} else {
		pw = cm_new_secret(st, p, "password",
				   "\n\tEnter the partition SO password: ",
				   "\n\tEnter the partition SO password again: ", &ckr);
		if (!pw)
			return ckr;
	}
	if (sks_session_init_partition(s, pw, domain, label)) {
		switch (sks_last_result()) {
		case SKS_CKR_PIN_INCORRECT:
			ckr = cm_failed("Wrong partition SO password; the partition on slot %u was not re-initialized.",
					slot);
			break;
		case SKS_CKR_USER_ALREADY_LOGGED_IN:
			ckr = cm_failed("A role is logged in on the partition on slot %u (in this or another\n"
					"session): log it out ('role logout') before re-initializing.", slot);
			break;
		default:
			ckr = cm_failed_why("Failed to initialize the partition");
		}
		cm_explain_role_failure(st, slot, SKS_ROLE_SO, ckr);
	} else if (reinit) {
		cm_para("The partition on slot %u was re-initialized: it is empty, with a new SMK.\n"
			"Every session of it was logged out; the partition SO sets the Crypto Officer\n"
			"and Crypto User passwords again with 'role init'.", slot);
	}
	cm_drop_secret(pw);
	return ckr;
}

uint32_t cm_partition_delete(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned int slot = st->slot;
	struct sks_hsm *hsm;
	int ret;

	if (cm_has(p, "slot") ? cm_get_slot_opt(p, "slot", &slot) : !st->have_slot)
		return cm_syntax("Give -slot <n> or set a current slot.");
	cm_para("You are about to delete slot %u and everything in it.", slot);
	if (!cm_confirm(st, p))
		return cm_cancelled();
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		return cm_hsm_open_failed();
	ret = sks_hsm_delete_slot(hsm, slot);
	sks_hsm_close(hsm);
	if (ret)
		return cm_failed("Failed to delete slot %u.", slot);
	cm_session_drop(st, slot);
	cm_image_detach(st, slot);
	if (st->have_slot && st->slot == slot)
		st->have_slot = 0;
	return CKR_OK;
}

uint32_t cm_partition_show(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned int slot = st->slot;
	struct sks_session_desc *d;
	struct sks_session *s;
	const uint8_t *fp;
	char h[2 * SKS_FINGERPRINT_LEN + 1];

	if (cm_has(p, "slot") ? cm_get_slot_opt(p, "slot", &slot) : !st->have_slot)
		return cm_syntax("Give -slot <n> or set a current slot.");
	s = cm_session_on(st, slot);
	if (!s)
		return cm_slot_open_failed(slot);
	d = sks_session_get_desc(s);
	if (!d)
		return cm_failed("Failed to read slot %u.", slot);
	printf("\n\tSlot Id ->\t\t%u\n", slot);
	printf("\tLabel ->\t\t%s\n", sks_session_desc_get_label(d));
	printf("\tSerial Number ->\t%" PRIu64 "\n", sks_session_desc_get_serial(d));
	printf("\tConfiguration ->\t%s\n",
	       sks_slot_type_name(sks_session_desc_get_type(d)));
	cm_print_state(sks_session_desc_get_state(d));
	printf("\tLogged in ->\t\t%s\n",
	       sks_role_name(sks_session_desc_get_role(d)));
	cm_print_counters(d);
	printf("\tStorage (used/total) ->\t%" PRIu64 "/%" PRIu64 " bytes\n",
	       sks_session_desc_get_used(d), sks_session_desc_get_capacity(d));
	fp = sks_session_desc_get_smk_fingerprint(d);
	if (fp) {
		cm_hex(fp, SKS_FINGERPRINT_LEN, h);
		printf("\tSMK Fingerprint ->\t%s\n", h);
	}
	fp = sks_session_desc_get_rollover_fingerprint(d);
	if (fp) {
		cm_hex(fp, SKS_FINGERPRINT_LEN, h);
		printf("\tRollover SMK ->\t\t%s\n", h);
	}
	sks_session_desc_free(d);
	return CKR_OK;
}

uint32_t cm_partition_contents(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, *h;
	struct sks_session *s = cm_current(st, &ckr);
	struct sks_session_desc *d;
	size_t n;

	(void)p;
	if (!s)
		return ckr;
	d = sks_session_get_desc(s);
	if (!d)
		return cm_failed("Failed to read the session state.");
	if (sks_session_desc_get_role(d) != SKS_ROLE_NONE)
		cm_para("\tThe '%s' is currently logged in. Looking for objects accessible to the '%s'.",
			sks_role_name(sks_session_desc_get_role(d)),
			sks_role_name(sks_session_desc_get_role(d)));
	else
		cm_para("\tThe 'Crypto Officer' is not logged in. If you are expecting to see private\n"
			"\tobjects then please log in first.");
	sks_session_desc_free(d);
	h = sks_object_find(s, NULL, 0, &n);
	if (!h)
		return cm_failed("Failed to list the objects.");
	printf("\n\tObject list:\n");
	for (size_t i = 0; i < n; i++)
		cm_print_object(s, h[i]);
	printf("\tNumber of objects:  %zu\n", n);
	free(h);
	return CKR_OK;
}

/* Whether an SMK rollover runs on @s's partition (if that can be read). */
static int rollover_running(struct sks_session *s)
{
	struct sks_session_desc *d = sks_session_get_desc(s);
	int running = !d || (sks_session_desc_get_state(d) & SKS_STATE_SMK_ROLLOVER);

	sks_session_desc_free(d);
	return running;
}

uint32_t cm_partition_smkrollover(struct cm_state *st, const struct cm_parsed *p)
{
	int start = cm_has(p, "start"), end = cm_has(p, "end");
	uint32_t ckr = CKR_OK;
	struct sks_session *s;

	if (start == end)
		return cm_syntax("Give exactly one of -start and -end.");
	if (start && cm_get(p, "repo"))
		return cm_syntax("Option -repo goes with -end.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	if (end && cm_get(p, "repo") && rollover_running(s)) {
		ckr = cm_repo_rollover_check(st, p, s);
		if (ckr != CKR_OK)
			return ckr;
	}
	if (end && rollover_running(s)) {
		cm_para("You are about to end the SMK rollover on slot %u.\n"
			"The old (rollover) SMK will be destroyed: SKS blobs still under it will never\n"
			"insert again, on this partition or any other. Insert them and extract them\n"
			"again under the new SMK first ('sks identify' tells which SMK a blob needs).",
			st->slot);
		if (!cm_confirm(st, p))
			return cm_cancelled();
	}
	if (sks_session_smk_rollover(s, start ? SKS_ROLLOVER_START :
				     SKS_ROLLOVER_END)) {
		switch (sks_last_result()) {
		case SKS_CKR_OPERATION_ACTIVE:
			return cm_failed("An SMK rollover is already running on slot %u; end it with\n"
					 "'partition smkrollover -end' before starting another.",
					 st->slot);
		case SKS_CKR_OPERATION_NOT_INITIALIZED:
			return cm_failed("No SMK rollover is running on slot %u: there is no old SMK to destroy.",
					 st->slot);
		default:
			return cm_failed("Failed to %s the SMK rollover.",
					 start ? "start" : "end");
		}
	}
	cm_para(start ? "SMK rollover started: new blobs use the new SMK; blobs under the old SMK still insert." :
			"SMK rollover ended: the old SMK was destroyed.");
	return CKR_OK;
}

/* Luna's partition policy 23: auto-activation. */
#define CM_POLICY_AUTO_ACTIVATION	23

uint32_t cm_partition_changepolicy(struct cm_state *st, const struct cm_parsed *p)
{
	const char *desc = cm_get(p, "keydesc");
	unsigned long long policy, value;
	uint32_t ckr = CKR_OK;
	struct sks_session *s;

	if (cm_parse_uint(cm_get(p, "policy"), UINT32_MAX, &policy) ||
	    cm_parse_uint(cm_get(p, "value"), 1, &value))
		return cm_syntax("Give -policy <id> -value <0|1>.");
	if (policy != CM_POLICY_AUTO_ACTIVATION)
		return cm_syntax("Only policy %d (auto-activation) can be changed.",
				 CM_POLICY_AUTO_ACTIVATION);
	if (value && !desc)
		return cm_syntax("Auto-activation needs -keydesc <description of a logon key>\n"
				 "(keyctl add logon sks:<name> <secret> @u).");
	if (!value && desc)
		return cm_syntax("Option -keydesc goes with -value 1 only.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	if (sks_session_set_auto_activation(s, value ? desc : NULL)) {
		switch (sks_last_result()) {
		case SKS_CKR_KEY_HANDLE_INVALID:
			return cm_failed("No logon key \"%s\" in your keyrings: add it first\n"
					 "(keyctl add logon %s <secret> @u).", desc, desc);
		case SKS_CKR_USER_NOT_LOGGED_IN:
			return cm_failed("Only the partition SO changes a policy: log in as SO first.");
		default:
			return cm_failed("Failed to change policy %d.",
					 CM_POLICY_AUTO_ACTIVATION);
		}
	}
	if (value)
		cm_para("Policy 23 (auto-activation) set to 1 on slot %u: the partition comes back\n"
			"active when it is loaded while the logon key \"%s\" is in the loader's\n"
			"keyrings (sks-state load links root's user keyring). Whoever can put that\n"
			"key there activates the partition without a password.", st->slot, desc);
	else
		cm_para("Policy 23 (auto-activation) set to 0 on slot %u: the partition stays\n"
			"deactivated after a load until its Crypto Officer or SO logs in.", st->slot);
	return CKR_OK;
}
