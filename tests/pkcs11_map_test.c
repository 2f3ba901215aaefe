// SPDX-License-Identifier: GPL-2.0
/*
 * The PKCS#11 module's handle map (pkcs11/util.c) against a plain array:
 * random puts, gets and deletes (deletion shifts entries back, so every
 * entry must stay reachable), and iteration that deletes while it walks.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "../pkcs11/p11.h"

#define KEYS 3000

TEST(random_puts_gets_and_deletes_agree_with_an_array)
{
	static void *ref[KEYS + 1];
	struct p11_map m = { 0 };
	size_t live = 0, i;
	int round;

	srand(1234);
	for (round = 0; round < 200000; round++) {
		uint64_t k = 1 + rand() % KEYS;
		void *v = (void *)(uintptr_t)(k * 7 + round);

		switch (rand() % 3) {
		case 0:
			ASSERT_EQ(CKR_OK, p11_map_put(&m, k, v));
			live += !ref[k];
			ref[k] = v;
			break;
		case 1:
			ASSERT_EQ(ref[k], p11_map_del(&m, k));
			live -= !!ref[k];
			ref[k] = NULL;
			break;
		default:
			ASSERT_EQ(ref[k], p11_map_get(&m, k));
		}
		ASSERT_EQ(live, m.n);
	}
	for (i = 1; i <= KEYS; i++)
		ASSERT_EQ(ref[i], p11_map_get(&m, i));
	p11_map_free(&m);
}

TEST(deleting_while_iterating_visits_every_entry)
{
	struct p11_map m = { 0 };
	size_t j, seen = 0;
	uint64_t k;

	for (k = 1; k <= 500; k++)
		ASSERT_EQ(CKR_OK, p11_map_put(&m, k, (void *)(uintptr_t)k));
	/* delete the odd keys as p11_drv_put does, count the even ones */
	for (j = 0; j < m.cap; j++) {
		if (!p11_map_live(&m, j))
			continue;
		if (m.keys[j] % 2) {
			p11_map_del(&m, m.keys[j]);
			j--;
		}
	}
	for (j = 0; j < m.cap; j++)
		seen += p11_map_live(&m, j);
	EXPECT_EQ(250, seen);
	EXPECT_EQ(250, m.n);
	for (k = 1; k <= 500; k++)
		EXPECT_EQ(k % 2 ? NULL : (void *)(uintptr_t)k,
			  p11_map_get(&m, k));
	p11_map_free(&m);
}

TEST_HARNESS_MAIN
