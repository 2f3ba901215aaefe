// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - hsm show.
 */
#include <inttypes.h>
#include <stdio.h>

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
