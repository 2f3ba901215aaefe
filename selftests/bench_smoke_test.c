// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench must keep working: `sks-bench --smoke` (a few operations of
 * every case, every implementation, 1 and 2 threads, 1 and 600 live
 * objects) exits 0 and prints every row of its table, none failed (a case
 * an implementation cannot do, AF_ALG's ECDSA, is a row saying so).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

static const char *const cases[] = {
	"extract 1 key", "extract 100 keys", "insert 1 key", "insert 100 keys",
	"encrypt 64 B", "encrypt 4 KiB", "hmac-sha256 64 B",
	"cycle ins+enc+del", "16 x encrypt 64 B", "ecdsa p256 sign",
	"ecdsa p256 verify",
};

static const char *const impls[] = { "sks", "af_alg", "openssl", "softhsm" };

/* Lines of @out that start with the row key "case impl threads". */
static int count_rows(const char *out, const char *c, const char *impl,
		      unsigned int threads)
{
	char key[64];
	const char *p = out;
	size_t len;
	int n = 0;

	len = snprintf(key, sizeof(key), "%-18s %-8s %3u ", c, impl, threads);
	while (p && *p) {
		if (!strncmp(p, key, len))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

FIXTURE(bench) {
	int unused;
};

FIXTURE_SETUP(bench)
{
}

FIXTURE_TEARDOWN(bench)
{
}

/* About 10 s under TCG; the harness's default limit is 30 s. */
TEST_F_TIMEOUT(bench, smoke_prints_every_row, 300)
{
	const char *bin = getenv("SKS_BENCH") ?: "sks-bench";
	char cmd[256], *out = NULL;
	size_t len = 0, cap = 0, n;
	unsigned int c, i, t;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s --smoke 2>&1", bin);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			out = realloc(out, cap + 1);
			ASSERT_NE(NULL, out);
		}
		n = fread(out + len, 1, cap - len, p);
		len += n;
	} while (n);
	out[len] = 0;
	status = pclose(p);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "%s", out);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
			for (t = 1; t <= 2; t++) {
				int want = i ? 1 : 2;	/* sks: 2 levels */

				EXPECT_EQ(want, count_rows(out, cases[c],
							   impls[i], t))
					TH_LOG("row '%s %s %u threads'",
					       cases[c], impls[i], t);
			}
	EXPECT_EQ(NULL, strstr(out, "FAILED"));
	EXPECT_NE(NULL, strstr(out, "SKS cycle speed"));
	EXPECT_NE(NULL, strstr(out, "flat, time at 600"));
	/* ECDSA: measured beside OpenSSL and SoftHSMv2; AF_ALG has none. */
	EXPECT_NE(NULL, strstr(out, "ECDSA P-256 sign rate >= 2x SoftHSMv2's"));
	EXPECT_NE(NULL, strstr(out, "ECDSA P-256 sign time <= 3x OpenSSL"));
	EXPECT_EQ(2, count_rows(out, "ecdsa p256 sign", "af_alg", 1) +
		     count_rows(out, "ecdsa p256 verify", "af_alg", 1));
	EXPECT_NE(NULL, strstr(out, "(n/a: the kernel crypto API has no ECDSA signer)"));
	free(out);
}

TEST_HARNESS_MAIN
