// SPDX-License-Identifier: GPL-2.0
/*
 * skscm as an operator meets it, on the host (no driver needed): secrets
 * never shown in a transcript.
 */
#include <libgen.h>
#include <limits.h>

#include "kselftest_harness.h"
#include "../selftests/skscm_util.h"

#define TMO	5000	/* ms: skscm answers at once on the host */

/* build/tools/skscm next to this test's build/tests/. */
static char *skscm_path(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	return cm_fmt("%s/../tools/skscm", dirname(self));
}

/* skscm in batch use on @script, run from build/tools: exit status. */
static int batch(const char *args, const char *script, char **out)
{
	char *path = skscm_path(), *prefix;
	int st;

	if (!path)
		return -1;
	prefix = cm_fmt("PATH=%s:$PATH", dirname(path));
	st = skscm_run(prefix, args, script, out);
	free(prefix);
	free(path);
	return st;
}

TEST(batch_transcript_masks_every_secret)
{
	char *out = NULL;

	/* Full names, abbreviations, quotes, several secrets on a line,
	 * and lines that do not parse. */
	batch("-continue",
	      "role login -name co -password Secret-1\n"
	      "role login -name co -p \"Secret 2\"\n"
	      "partition archive backup -slot 5 -pass Secret-3 -userp Secret-4 -force\n"
	      "role changepw -name co -oldpw Secret-5 -newpw Secret-6\n"
	      "par ar r -s 5 -par pre-7-7 -password Secret-7\n"
	      "rloe login -password Secret-8\n"
	      "role login -name co -password 'Secret-9\n", &out);
	ASSERT_NE(NULL, out);
	EXPECT_HAS(out, "\nskscm:> role login -name co -password ********\n");
	EXPECT_HAS(out, "\nskscm:> role login -name co -p ********\n");
	EXPECT_HAS(out, "\nskscm:> partition archive backup -slot 5 -pass ******** -userp ******** -force\n");
	EXPECT_HAS(out, "\nskscm:> role changepw -name co -oldpw ******** -newpw ********\n");
	/* -par is the archive, not a password: shown. */
	EXPECT_HAS(out, "\nskscm:> par ar r -s 5 -par pre-7-7 -password ********\n");
	EXPECT_HAS(out, "\nskscm:> rloe login -password ********\n");
	EXPECT_HAS(out, "\nskscm:> role login -name co -password ********\n");
	EXPECT_HASNT(out, "Secret");
	free(out);
}

TEST_HARNESS_MAIN
