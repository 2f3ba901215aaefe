// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - sks extract, insert and identify: objects as SKS blobs in
 * group files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skscm.h"

uint32_t cm_sks_extract(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file"), *hs = cm_get(p, "handles");
	struct sks_blob_set *set;
	struct sks_session *s;
	uint32_t ckr = CKR_OK, *h = NULL;
	size_t n = 0, bytes = 0;

	if (!file || (!hs == !cm_has(p, "all")))
		return cm_syntax("Give -file and one of -handles <h,h,...> and -all.");
	if (hs && cm_parse_handles(hs, &h, &n))
		return cm_syntax("Option -handles needs a comma separated list of handles.");
	if (cm_check_writable(file)) {
		free(h);
		return cm_write_error(file, errno);
	}
	s = cm_current(st, &ckr);
	if (!s) {
		free(h);
		return ckr;
	}
	if (!hs) {
		h = sks_object_find(s, NULL, 0, &n);
		if (!h)
			return cm_failed("Failed to list the objects.");
		if (!n) {
			free(h);
			cm_para("Error: There are no objects to extract.");
			return SKS_CKR_OBJECT_HANDLE_INVALID;
		}
	}
	/* -delete: the objects go once the blobs are safely in the file. */
	set = sks_blob_extract(s, h, n, 0);
	if (!set) {
		free(h);
		return cm_failed_why("SKS extract failed");
	}
	for (size_t i = 0; i < sks_blob_set_get_count(set); i++) {
		size_t len;

		sks_blob_set_get_blob(set, i, &len);
		bytes += len;
	}
	if (cm_write_file(file, NULL, 0, set)) {
		ckr = cm_write_error(file, errno);
		if (cm_has(p, "delete"))
			cm_para("No object was destroyed.");
		goto out;
	}
	cm_para("Extracted %zu object(s) into %zu SKS blob(s), %zu bytes, written to %s.",
		sks_blob_set_get_object_count(set), sks_blob_set_get_count(set),
		bytes, file);
	for (size_t i = 0; cm_has(p, "delete") && i < n; i++)
		if (sks_object_destroy(s, h[i]) && ckr == CKR_OK)
			ckr = cm_failed("Object %u could not be destroyed; it is in %s too.",
					h[i], file);
out:
	free(h);
	sks_blob_set_free(set);
	return ckr;
}

/* A group file: any number of blobs back to back (at most this many bytes). */
#define GROUP_FILE_MAX	((size_t)SKS_MAX_EXTRACT * SKS_MAX_BLOB_SIZE)

struct sks_blob_set *cm_load_blobs(const char *file, uint32_t *ckr)
{
	struct sks_blob_set *set;
	uint8_t *buf;
	size_t len;

	buf = cm_read_file(file, GROUP_FILE_MAX, &len);
	if (!buf) {
		*ckr = cm_read_error(file, errno, GROUP_FILE_MAX);
		return NULL;
	}
	set = sks_blob_set_from_buffer(buf, len);
	free(buf);
	if (!set)
		*ckr = cm_failed("%s is not a file of SKS blobs.", file);
	else if (!sks_blob_set_get_count(set)) {
		cm_para("Error: %s holds no SKS blob.", file);
		sks_blob_set_free(set);
		*ckr = SKS_CKR_DATA_INVALID;
		return NULL;
	}
	return set;
}

uint32_t cm_sks_insert(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	struct sks_blob_set *set;
	struct sks_session *s;
	uint32_t ckr = CKR_OK, *h;
	size_t n;

	if (!file)
		return cm_syntax("Option -file is required.");
	set = cm_load_blobs(file, &ckr);
	if (!set)
		return ckr;
	s = cm_current(st, &ckr);
	if (!s) {
		sks_blob_set_free(set);
		return ckr;
	}
	h = sks_blob_insert(s, set, &n);
	if (!h) {
		ckr = cm_failed("SKS insert failed: %s; no object was inserted.", sks_strerror(sks_last_result()));
	} else {
		printf("\nInserted %zu object(s) from %zu SKS blob(s). Handles:", n,
		       sks_blob_set_get_count(set));
		for (size_t i = 0; i < n; i++)
			printf("%s%u", i ? "," : " ", h[i]);
		printf("\n");
	}
	free(h);
	sks_blob_set_free(set);
	return ckr;
}

uint32_t cm_sks_identify(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	const uint8_t *prim = NULL, *roll = NULL;
	struct sks_session_desc *d = NULL;
	struct sks_blob_set *set;
	uint32_t ckr = CKR_OK;

	if (!file)
		return cm_syntax("Give the blob file: sks identify <file>.");
	set = cm_load_blobs(file, &ckr);
	if (!set)
		return ckr;
	if (st->have_slot && cm_session_on(st, st->slot))
		d = sks_session_get_desc(st->sess[st->slot]);
	if (d) {
		prim = sks_session_desc_get_smk_fingerprint(d);
		roll = sks_session_desc_get_rollover_fingerprint(d);
	}
	for (size_t i = 0; i < sks_blob_set_get_count(set); i++) {
		uint8_t fp[SKS_FINGERPRINT_LEN];
		char h[2 * SKS_FINGERPRINT_LEN + 1];
		const uint8_t *b;
		size_t len;

		b = sks_blob_set_get_blob(set, i, &len);
		sks_blob_get_fingerprint(b, len, fp);
		cm_hex(fp, sizeof(fp), h);
		printf("\n\tBlob %zu ->\t\t%zu object(s), %zu bytes\n", i + 1,
		       sks_blob_get_object_count(b, len), len);
		printf("\tSMK Fingerprint ->\t%s\n", h);
		if (prim && !memcmp(prim, fp, sizeof(fp)))
			printf("\tCurrent slot ->\t\tprimary SMK: can insert\n");
		else if (roll && !memcmp(roll, fp, sizeof(fp)))
			printf("\tCurrent slot ->\t\trollover SMK: can insert\n");
		else if (d)
			printf("\tCurrent slot ->\t\tdifferent SMK: cannot insert\n");
	}
	sks_session_desc_free(d);
	sks_blob_set_free(set);
	return CKR_OK;
}
