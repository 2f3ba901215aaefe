// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - random ioctls against the sks driver, for a bounded time.
 *
 * Sets up a V0 partition, a V1 (SKS) partition and a Backup HSM (roles
 * initialised, a few blobs extracted and a Backup HSM image saved, so that
 * random calls can reach deep paths), then runs several processes of several
 * threads that, until the deadline, issue:
 *
 * - every known command with a structured random argument (flags, reserved
 *   fields, slot numbers, handles, roles, mechanisms, attributes, secrets
 *   that are sometimes right, blobs and images that are sometimes intact),
 * - known numbers with random sizes and directions, random numbers in the
 *   0xb5 type, random commands of other types,
 * - NULL, unmapped, kernel, non-canonical, read-only and page-end pointers,
 *   lengths that do and do not match their buffers,
 *
 * on the control device and on slot devices, with random close and reopen,
 * slot deletion and re-creation, reads and writes, all at once. At the end
 * it prints the number of calls, the errno of each and per-command counts,
 * then deletes every slot it created (every slot that was not there when it
 * started). Needs root. Exit status: 0, 1 if a worker died or hung or slots
 * were left behind, 2 for a usage or setup error.
 *
 * The files: fuzz.h.
 *
 * Usage: sks-fuzz [-t SECONDS] [-n CALLS] [-p PROCS] [-j THREADS] [-s SEED]
 *		   [-k] [-v]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

struct stats *st;

static volatile sig_atomic_t stop;

static time_t deadline;

static uint64_t max_calls;

int verbose;

bool preexisting[SKS_MAX_SLOTS];

static bool time_up(uint64_t done)
{
	if (stop || (max_calls && done >= max_calls))
		return true;
	return time(NULL) >= deadline;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t n = 0;
	unsigned int x;

	while (!time_up(n)) {
		x = rnd(&w->rng, 1000);
		if (x < 15)
			reopen(w);
		else if (x < 17 || (x < 60 &&
			 __builtin_popcount(__atomic_load_n(&st->created,
					    __ATOMIC_RELAXED)) > 12))
			churn(w);
		else if (x < 25)
			do_rw(w);
		else if (x < 27)
			heal(w);
		else if (x < 57)
			relogin(w);
		else
			do_ioctl(w);
		n++;
	}
	return NULL;
}

/* One process: NR_FDS descriptors, @threads workers. */
static int child_main(int id, int threads, uint64_t seed)
{
	struct worker *ws = calloc(threads, sizeof(*ws));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	int i;

	if (!ws || !tids)
		return 2;
	proc.fds[0] = open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	proc.types[0] = -1;
	for (i = 1; i < NR_FDS; i++) {
		proc.fds[i] = open_slot(st->live[i % NR_LIVE]);
		proc.types[i] = live_types[i % NR_LIVE];
		if (proc.fds[i] >= 0 && i % 2)
			login_role(proc.fds[i], SKS_ROLE_CO, CO_PIN);
	}
	for (i = 0; i < threads; i++) {
		ws[i].id = id * 100 + i;
		ws[i].rng.s = seed ^ (0x9e3779b97f4a7c15ULL * (ws[i].id + 1));
		if (!ws[i].rng.s)
			ws[i].rng.s = 1;
		if (!alloc_worker_mem(&ws[i])) {
			perror("sks-fuzz: mmap");
			return 2;
		}
		if (pthread_create(&tids[i], NULL, worker_main, &ws[i])) {
			perror("sks-fuzz: pthread_create");
			return 2;
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	for (i = 0; i < NR_FDS; i++)
		if (proc.fds[i] >= 0)
			close(proc.fds[i]);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

static void report(double secs, int procs, int threads)
{
	unsigned int distinct = 0, i;

	printf("sks-fuzz: %" PRIu64 " calls in %.0f s (%d processes x %d threads), %" PRIu64 " succeeded\n",
	       st->calls, secs, procs, threads, st->ok);
	printf("sks-fuzz: errnos:");
	for (i = 1; i < ERRNO_MAX; i++) {
		if (!st->err[i])
			continue;
		distinct++;
		printf(" %s=%" PRIu64, strerrorname_np(i) ?: "?", st->err[i]);
	}
	if (st->err[0])
		printf(" other=%" PRIu64, st->err[0]);
	printf("\nsks-fuzz: %u distinct errnos\n", distinct);
	printf("sks-fuzz: commands (calls/ok):");
	for (i = 0; i < nr_cmds; i++)
		printf(" %s=%" PRIu64 "/%" PRIu64, cmds[i].name + 4,
		       st->cmd_calls[i], st->cmd_ok[i]);
	printf(" random-nr=%" PRIu64 " other-type=%" PRIu64
	       " bad-size-or-dir=%" PRIu64 "\n",
	       st->extra_calls[X_RANDOM_NR], st->extra_calls[X_RANDOM_TYPE],
	       st->extra_calls[X_BAD_SHAPE]);
	printf("sks-fuzz: opens %" PRIu64 " (%" PRIu64 " failed), closes %" PRIu64
	       ", read/write/mmap %" PRIu64 ", slots created %" PRIu64
	       ", deleted %" PRIu64 ", re-provisioned %" PRIu64
	       " (%" PRIu64 " locked or zeroized)\n",
	       st->opens, st->open_fail, st->closes, st->rw_calls,
	       st->slots_created, st->slots_deleted, st->reprovisioned,
	       st->healed);
	printf("sks-fuzz: failed opens:");
	for (i = 0; i < ERRNO_MAX; i++)
		if (st->open_err[i])
			printf(" %s=%" PRIu64, strerrorname_np(i) ?: "?",
			       st->open_err[i]);
	printf("\nsks-fuzz: learned %" PRIu64 " handles, %" PRIu64
	       " blobs (%" PRIu64 " with auth secrets, %" PRIu64
	       " rewrapped), %" PRIu64 " images, %" PRIu64 " EC public keys, %"
	       PRIu64 " state records, %" PRIu64 " signatures\n",
	       st->handles_learned, st->blobs_learned, st->auth_blobs_learned,
	       st->rewrapped_learned, st->images_learned, st->points_learned,
	       st->records_learned, st->sigs_learned);
	printf("sks-fuzz: result-code mismatches %" PRIu64, st->result_mismatch);
	if (st->result_mismatch)
		printf(" (first: %s returned %d errno %u with result %#x)",
		       cmds[st->mismatch_cmd].name, (int)st->mismatch_ret,
		       st->mismatch_errno, st->mismatch_result);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sks-fuzz [-t SECONDS] [-n CALLS] [-p PROCS] [-j THREADS] [-s SEED] [-k] [-v]\n"
		"  -t  run time (default 20 s)\n"
		"  -n  stop each worker after this many actions\n"
		"  -p  processes (default 2), -j threads per process (default 3)\n"
		"  -s  seed (default: time and pid)\n"
		"  -k  keep the slots created (default: delete them at the end)\n"
		"  -v  verbose (twice: every call)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int seconds = 20, procs = 2, threads = 3, keep = 0, opt, i, ctl, s;
	int status, failed = 0, alive;
	int32_t key;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct timespec t0, t1;
	struct sigaction sa;
	int64_t before, after;
	pid_t *pids;

	while ((opt = getopt(argc, argv, "t:n:p:j:s:kv")) != -1) {
		switch (opt) {
		case 't':
			seconds = atoi(optarg);
			break;
		case 'n':
			max_calls = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			procs = atoi(optarg);
			break;
		case 'j':
			threads = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			keep = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (seconds < 1 || procs < 1 || procs > 64 || threads < 1 ||
	    threads > 64 || optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 16 * PAGE, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED || unmapped == MAP_FAILED) {
		perror("sks-fuzz: mmap");
		return 2;
	}
	for (i = 0; i < (int)NR_SAMPLES; i++)
		pthread_mutex_init(&blobs[i].lock, NULL);
	for (i = 0; i < 2; i++)
		pthread_mutex_init(&images[i].lock, NULL);
	for (i = 0; i < NR_RECORDS; i++)
		pthread_mutex_init(&records[i].lock, NULL);
	for (i = 0; i < 2; i++) {
		pthread_mutex_init(&points[i].lock, NULL);
		pthread_mutex_init(&sigs[i].lock, NULL);
		sigs[i].fdidx = -1;
	}

	ctl = open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		perror("sks-fuzz: " SKS_CONTROL_DEVICE);
		return 2;
	}
	before = slot_map(ctl);
	if (before < 0) {
		fprintf(stderr, "sks-fuzz: list slots: %s\n",
			strerror((int)-before));
		return 2;
	}
	for (i = 0; i < SKS_MAX_SLOTS; i++)
		preexisting[i] = before & (1LL << i);
	for (i = 0; i < NR_LIVE; i++) {
		s = provision(ctl, live_types[i]);
		if (s < 0) {
			fprintf(stderr, "sks-fuzz: create slot type %u: %s\n",
				live_types[i], strerror(-s));
			return 2;
		}
		st->live[i] = s;
	}
	key = add_keydesc_key();
	if (key < 0)
		fprintf(stderr, "sks-fuzz: setup: logon key %s: %m\n", KEYDESC);
	make_samples(ctl);
	printf("sks-fuzz: seed %#" PRIx64 ", slots V0 %u, V1 %u, Backup %u, %d s\n",
	       seed, st->live[0], st->live[1], st->live[2], seconds);

	pids = calloc(procs, sizeof(*pids));
	if (!pids)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline = time(NULL) + seconds;
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("sks-fuzz: fork");
			return 2;
		}
		if (!pids[i]) {
			close(ctl);
			_exit(child_main(i, threads,
					 seed + 0x100000001ULL * i));
		}
	}

	/* Wait for the workers; a hang (a stuck ioctl) is a failure. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: waitpid() returns */
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds + 120);
	alive = procs;
	while (alive > 0) {
		pid_t pid = waitpid(-1, &status, 0);

		if (pid < 0 && errno == EINTR && stop) {
			fprintf(stderr, "sks-fuzz: workers still running 120 s after the deadline: hung?\n");
			for (i = 0; i < procs; i++)
				kill(pids[i], SIGKILL);
			failed = 1;
			stop = 0;
			continue;
		}
		if (pid < 0)
			break;
		alive--;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "sks-fuzz: worker %d %s %d\n", pid,
				WIFSIGNALED(status) ? "killed by signal" :
				"exited with", WIFSIGNALED(status) ?
				WTERMSIG(status) : WEXITSTATUS(status));
			failed = 1;
		}
	}
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report(t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       procs, threads);

	if (keep) {
		printf("sks-fuzz: slots kept\n");
		return failed;
	}
	drop_keydesc_key(key);
	/* Delete every slot that was not there before. */
	after = slot_map(ctl);
	if (after < 0) {
		fprintf(stderr, "sks-fuzz: list slots: %s\n",
			strerror((int)-after));
		return 1;
	}
	s = 0;
	for (i = 0; i < SKS_MAX_SLOTS; i++) {
		struct sks_slot_delete d = { .slot = i };

		if (!(after & (1LL << i)) || preexisting[i])
			continue;
		if (xioctl(ctl, SKS_CTL_DELETE_SLOT, &d))
			fprintf(stderr, "sks-fuzz: delete slot %d: %m\n", i);
		else
			s++;
	}
	after = slot_map(ctl);
	printf("sks-fuzz: cleanup: deleted %d slots, %s\n", s,
	       after == before ? "the slots from before remain, no other" :
	       "slots LEFT BEHIND");
	if (after != before)
		failed = 1;
	close(ctl);
	return failed;
}
