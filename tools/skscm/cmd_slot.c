// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - slot list, slot set.
 */
#include <inttypes.h>
#include <stdio.h>

#include "skscm.h"

void cm_print_state(uint32_t state)
{
	printf("\tState ->\t\t%s%s%s%s%s%s%s%s%s%s\n",
	       state & SKS_STATE_INITIALIZED ? "initialized" : "not initialized",
	       state & SKS_STATE_DEACTIVATED ? ", deactivated" : "",
	       state & SKS_STATE_AUTO_ACTIVATION ? ", auto-activation" : "",
	       state & SKS_STATE_ZEROIZED ? ", zeroized" : "",
	       state & SKS_STATE_CO_SET ? ", CO set" : "",
	       state & SKS_STATE_CU_SET ? ", CU set" : "",
	       state & SKS_STATE_CO_LOCKED ? ", CO locked" : "",
	       state & SKS_STATE_CU_LOCKED ? ", CU locked" : "",
	       state & SKS_STATE_SO_LOCKED ? ", HSM SO locked out" : "",
	       state & SKS_STATE_SMK_ROLLOVER ? ", SMK rollover" : "");
}

uint32_t cm_slot_list(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_slots *list;
	size_t n;

	(void)p;
	if (!hsm)
		return cm_hsm_open_failed();
	list = sks_hsm_list_slots(hsm);
	sks_hsm_close(hsm);
	if (!list)
		return cm_failed("Failed to list the slots.");
	n = sks_slots_get_count(list);
	for (size_t i = 0; i < n; i++) {
		const struct sks_slot_info *s = sks_slots_get_slot(list, i);
		unsigned int num = sks_slot_info_get_number(s);

		printf("\n\tSlot Id ->\t\t%u%s\n", num,
		       st->have_slot && st->slot == num ? " (current)" : "");
		printf("\tLabel ->\t\t%s\n", sks_slot_info_get_label(s));
		printf("\tSerial Number ->\t%" PRIu64 "\n",
		       sks_slot_info_get_serial(s));
		printf("\tFirmware Version ->\t%s\n",
		       sks_slot_info_get_firmware(s));
		printf("\tConfiguration ->\t%s\n",
		       sks_slot_type_name(sks_slot_info_get_type(s)));
		if (sks_slot_info_get_type(s) != SKS_SLOT_BACKUP)
			cm_print_state(sks_slot_info_get_state(s));
		else if (sks_slot_info_get_state(s) &
			 (SKS_STATE_DEACTIVATED | SKS_STATE_SO_LOCKED))
			printf("\tState ->\t\t%s%s%s\n",
			       sks_slot_info_get_state(s) & SKS_STATE_DEACTIVATED ?
			       "deactivated" : "",
			       (sks_slot_info_get_state(s) & SKS_STATE_DEACTIVATED) &&
			       (sks_slot_info_get_state(s) & SKS_STATE_SO_LOCKED) ?
			       ", " : "",
			       sks_slot_info_get_state(s) & SKS_STATE_SO_LOCKED ?
			       "HSM SO locked out" : "");
		if (sks_slot_info_get_type(s) == SKS_SLOT_BACKUP &&
		    num < SKS_MAX_SLOTS && st->image[num])
			printf("\tImage File ->\t\t%s\n", st->image[num]);
	}
	if (!n)
		cm_para("No slots. Create one with 'partition create' or 'backuphsm create'.");
	sks_slots_free(list);
	return CKR_OK;
}

uint32_t cm_slot_set(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_session *s;
	unsigned int slot;

	if (cm_get_slot_opt(p, "slot", &slot))
		return cm_syntax("Option -slot needs a slot number (0..%d).",
				 SKS_MAX_SLOTS - 1);
	s = cm_session_on(st, slot);
	if (!s)
		return cm_slot_open_failed(slot);
	st->slot = slot;
	st->have_slot = 1;
	return CKR_OK;
}
