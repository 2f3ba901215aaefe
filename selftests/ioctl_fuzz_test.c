// SPDX-License-Identifier: GPL-2.0
/*
 * Random ioctls for a bounded time (tools/sks-fuzz: every command with
 * random sizes, directions, flags, lengths, pointers, handles and slot
 * numbers, on the control and slot devices, several processes and threads,
 * with close/reopen and slot deletion), then: every command added since
 * the fuzzer was written succeeded at least once, the kernel log has no
 * splat, the module still works, and every slot the fuzzer made is gone.
 *
 * SKS_FUZZ_TIME (seconds, default 25) sets the length of the run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <sys/klog.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

#define STATE_FILE	"/tmp/sks-ioctl-fuzz.state"

/* Slots that exist now, as a bitmap; negative errno on error. */
static int64_t slot_map(int ctl)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_slot_list l = {
		.entries = st_ptr(e), .count = SKS_MAX_SLOTS,
		.entry_size = sizeof(e[0]),
	};
	int64_t map = 0;
	uint32_t i;
	int err = st_ioc(ctl, SKS_CTL_LIST_SLOTS, &l);

	if (err)
		return err;
	for (i = 0; i < l.count && i < SKS_MAX_SLOTS; i++)
		map |= 1LL << e[i].slot;
	return map;
}

/* The whole kernel log (malloc'd, NUL terminated), or NULL. */
static char *kernel_log(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;
	int n;

	if (size <= 0)
		return NULL;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

static void kmsg(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, msg, strlen(msg)) < 0)
			perror("/dev/kmsg");
		close(fd);
	}
}

static void save_state(int64_t before, const char *marker)
{
	FILE *f = fopen(STATE_FILE, "w");

	if (f) {
		fprintf(f, "%lld\n%s\n", (long long)before, marker);
		fclose(f);
	}
}

static int load_state(int64_t *before, char *marker, size_t len)
{
	FILE *f = fopen(STATE_FILE, "r");
	long long b;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lld\n", &b) == 1 && fgets(marker, len, f);
	fclose(f);
	if (!ok)
		return -1;
	marker[strcspn(marker, "\n")] = 0;
	*before = b;
	return 0;
}

FIXTURE(fuzz) {
	int ctl;
};

FIXTURE_SETUP(fuzz)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(fuzz)
{
	close(self->ctl);
}

/*
 * The commands added since the fuzzer was first written; each must have
 * succeeded (CKR_OK) at least once when it was called often enough that
 * its valid calls (40 %, some made wrong on purpose) had a fair chance:
 * the fuzzer's generation for it reaches the driver's success path.
 */
static const char *const must_succeed[] = {
	"CTL_STATE_SAVE", "CTL_STATE_LOAD", "IOC_AUTO_ACTIVATION",
	"IOC_SET_ATTRS", "IOC_GENERATE_KEY_PAIR", "IOC_DERIVE_KEY",
	"IOC_SIGN", "IOC_EXTRACT", "IOC_INSERT", "IOC_MULTI_SIGN",
	"IOC_REWRAP", "IOC_BATCH",
};

#define MIN_CALLS_FOR_OK	100

/* Commands of @line ("... NAME=calls/ok ...") that never succeeded. */
static int count_never_ok(const char *line)
{
	unsigned long long calls, ok;
	char key[64];
	const char *p;
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(must_succeed); i++) {
		snprintf(key, sizeof(key), " %s=", must_succeed[i]);
		p = strstr(line, key);
		if (!p || sscanf(p + strlen(key), "%llu/%llu", &calls,
				 &ok) != 2) {
			printf("# %s: not in the fuzzer's report\n",
			       must_succeed[i]);
			bad++;
		} else if (calls < MIN_CALLS_FOR_OK) {
			printf("# %s: only %llu calls, not judged\n",
			       must_succeed[i], calls);
		} else if (!ok) {
			printf("# %s: %llu calls, none succeeded\n",
			       must_succeed[i], calls);
			bad++;
		}
	}
	return bad;
}

/* 1: the fuzzer runs to its deadline and exits cleanly. */
TEST_F_TIMEOUT(fuzz, random_ioctls_for_a_bounded_time, 400)
{
	const char *time_env = getenv("SKS_FUZZ_TIME");
	const char *bin = access("/usr/local/bin/sks-fuzz", X_OK) ?
			  "sks-fuzz" : "/usr/local/bin/sks-fuzz";
	char cmd[256], line[4096], marker[64];
	unsigned long long calls = 0;
	unsigned int distinct = 0, mismatches = 0;
	int never_ok = -1;
	int64_t before;
	FILE *p;
	int status;

	before = slot_map(self->ctl);
	ASSERT_LE(0, before);
	snprintf(marker, sizeof(marker), "sks-ioctl-fuzz: start %d",
		 (int)getpid());
	kmsg(marker);
	save_state(before, marker);

	snprintf(cmd, sizeof(cmd), "%s -t %d -p 2 -j 3 2>&1", bin,
		 time_env ? atoi(time_env) : 25);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		printf("# %s", line);
		if (strstr(line, " calls in "))
			sscanf(line, "sks-fuzz: %llu calls", &calls);
		sscanf(line, "sks-fuzz: %u distinct errnos", &distinct);
		sscanf(line, "sks-fuzz: result-code mismatches %u",
		       &mismatches);
		if (!strncmp(line, "sks-fuzz: commands (calls/ok):", 30))
			never_ok = count_never_ok(line);
	}
	status = pclose(p);
	fflush(stdout);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_LT(1000, calls);
	/* Random input reaches many different refusals. */
	EXPECT_LE(8, distinct);
	/* CKR_OK in @result exactly when the call succeeded. */
	EXPECT_EQ(0, mismatches);
	/* The new commands' valid arguments do reach their success path. */
	EXPECT_EQ(0, never_ok);
}

/* 2: no oops, warning or sanitizer report since the run started. */
TEST_F(fuzz, kernel_log_clean_after_fuzzing)
{
	static const char *const bad[] = {
		"BUG:", "WARNING:", "Oops", "general protection", "KASAN",
		"UBSAN", "Call Trace", "blocked for more than",
	};
	char marker[64], *log, *from, *line, *end;
	int64_t before;
	size_t i;
	int found = 0;

	ASSERT_EQ(0, load_state(&before, marker, sizeof(marker)));
	log = kernel_log();
	ASSERT_NE(NULL, log);
	from = NULL;
	for (line = strstr(log, marker); line; line = strstr(line + 1, marker))
		from = line;
	/*
	 * The marker may have scrolled out of a busy ring buffer: then judge
	 * everything since the VM's /init loaded the module.
	 */
	if (!from)
		from = strstr(log, "sks-vm: boot done, loading sks.ko");
	if (!from)
		from = log;
	for (line = from; *line; line = end + (*end != 0)) {
		end = strchrnul(line, '\n');
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			if (memmem(line, end - line, bad[i], strlen(bad[i]))) {
				if (found++ < 20)
					printf("# %.*s\n", (int)(end - line),
					       line);
				break;
			}
		}
	}
	free(log);
	EXPECT_EQ(0, found);
}

/* 3: the module still does its job: create, open, use, delete a slot. */
TEST_F(fuzz, module_usable_after_fuzzing)
{
	struct sks_session_info si = { 0 };
	struct sks_hsm_info hi = { 0 };
	int ctl = self->ctl, slot, fd;

	ASSERT_EQ(0, st_ioc(ctl, SKS_CTL_HSM_INFO, &hi));
	slot = st_slot_new(ctl, SKS_SLOT_V1, 0);
	ASSERT_LE(0, slot);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, st_part_init(fd, "after-fuzz"));
	EXPECT_EQ(0, st_ioc(fd, SKS_IOC_SESSION_INFO, &si));
	EXPECT_EQ(slot, (int)si.slot);
	EXPECT_EQ(SKS_SLOT_V1, si.type);
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
}

/* 4: every slot the fuzzer created is gone; those from before remain. */
TEST_F(fuzz, fuzzer_slots_all_deleted)
{
	char marker[64];
	int64_t before, now;
	struct sks_hsm_info hi = { 0 };

	ASSERT_EQ(0, load_state(&before, marker, sizeof(marker)));
	now = slot_map(self->ctl);
	ASSERT_LE(0, now);
	EXPECT_EQ(before, now);
	ASSERT_EQ(0, st_ioc(self->ctl, SKS_CTL_HSM_INFO, &hi));
	EXPECT_EQ(__builtin_popcountll(before), (int)hi.nr_slots);
	unlink(STATE_FILE);
}

TEST_HARNESS_MAIN
