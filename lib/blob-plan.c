// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the packing decision for groups of blobs, kept pure (no device,
 * no allocation) so that it can be tested anywhere.
 */
#include "internal.h"

/*
 * Greedy, in order: each group takes objects while the blob they would make
 * (the shared overhead plus each object's own share) stays within @max_len
 * and the group within @max_count objects. The order of the objects is kept,
 * so the handles that come back from inserting the groups one after the
 * other are in the order of extraction.
 */
size_t sks_blob_plan(const size_t *blob_len, size_t n, size_t overhead,
		     size_t max_len, size_t max_count, size_t *groups,
		     size_t *too_big)
{
	size_t ngroups = 0, in_group = 0, size = overhead;

	if (!n || !max_count || overhead >= max_len) {
		*too_big = 0;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t share;

		if (blob_len[i] > max_len || blob_len[i] < overhead) {
			*too_big = i;
			return 0;
		}
		share = blob_len[i] - overhead;
		if (in_group && (size + share > max_len ||
				 in_group == max_count)) {
			groups[ngroups++] = in_group;
			in_group = 0;
			size = overhead;
		}
		in_group++;
		size += share;
	}
	groups[ngroups++] = in_group;
	return ngroups;
}
