// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench - throughput and latency of the sks driver against AF_ALG,
 * in-process OpenSSL and SoftHSMv2, in one run, with one table.
 *
 * Every case runs for --time seconds per thread count (adaptive iteration
 * count, at least 3 operations per thread), split in --rounds rounds that
 * are interleaved: round 1 of every case of every implementation, then
 * round 2, and so on, so that sks and its baselines take turns and a slow
 * spell of the host falls on all of them. Each round starts with a short
 * warm-up. A row's p50, p99 and ops/s are the medians of its rounds'; in a
 * round, ops/s is the sum over threads of operations / time spent in the
 * timed part and p50/p99 are taken over every operation of every thread.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_LEVELS	8
#define MAX_CACHES	512
#define MAX_ROUNDS	15

struct bench_sizes bench_sizes;
const uint8_t bench_key[32] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae,
	0xf0, 0x85, 0x7d, 0x77, 0x81, 0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61,
	0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};
const char *bench_softhsm_path = "/usr/lib/softhsm/libsofthsm2.so";
bool bench_verbose;

static const char *const case_names[CASE_COUNT] = {
	[CASE_EXTRACT1] = "extract 1 key",
	[CASE_EXTRACT100] = "extract 100 keys",
	[CASE_INSERT1] = "insert 1 key",
	[CASE_INSERT100] = "insert 100 keys",
	[CASE_ENC64] = "encrypt 64 B",
	[CASE_ENC4K] = "encrypt 4 KiB",
	[CASE_HMAC64] = "hmac-sha256 64 B",
	[CASE_CYCLE] = "cycle ins+enc+del",
	[CASE_BATCH16] = "16 x encrypt 64 B",
	[CASE_ECDSA_SIGN] = "ecdsa p256 sign",
	[CASE_ECDSA_VERIFY] = "ecdsa p256 verify",
};

static const struct bench_impl_ops *const impls[IMPL_COUNT] = {
	[IMPL_SKS] = &sks_impl,
	[IMPL_AFALG] = &afalg_impl,
	[IMPL_OPENSSL] = &openssl_impl,
	[IMPL_SOFTHSM] = &softhsm_impl,
	[IMPL_PKCS11] = &pkcs11_impl,
};

struct row {
	bool done;
	bool failed;
	double ops, p50, p99;	/* ops/s, microseconds: medians of rounds */
	size_t n;
	double spread;		/* (max - min) / median of the rounds' p50 */
	unsigned int nr;	/* rounds done */
	double r_ops[MAX_ROUNDS], r_p50[MAX_ROUNDS], r_p99[MAX_ROUNDS];
};

static struct {
	double time;
	unsigned int rounds;
	unsigned int iterations;	/* fixed count per thread (smoke) */
	unsigned int threads[BENCH_MAX_THREADS];
	unsigned int nthreads;
	uint64_t levels[MAX_LEVELS];	/* requested live objects */
	uint64_t reached[MAX_LEVELS];	/* live objects actually there */
	char level_note[MAX_LEVELS][128];
	unsigned int nlevels;
	uint64_t capacity;
	bool softhsm;
	bool legend;
	const char *clock;		/* --clock: how the guest keeps time */
	unsigned int only;		/* bit per impl; 0 = all */
	unsigned int cases;		/* bit per case; 0 = all */
} opt = {
	.time = 1.0,
	.rounds = 5,
	.capacity = 256ULL << 20,
	.softhsm = true,
};

static struct row rows[IMPL_COUNT][CASE_COUNT][BENCH_MAX_THREADS][MAX_LEVELS];
static bool impl_ok[IMPL_COUNT];
static char impl_why[IMPL_COUNT][160];
static struct worker workers[BENCH_MAX_THREADS];
static int failures;

/* Kernel memory per filler object, from the largest fill step. */
static struct {
	uint64_t objects;
	double slab_per_obj, used_per_obj;
	char top[512];
} mem;

void bench_fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
}

void bench_next_iv(struct worker *w)
{
	w->ctr++;
	memcpy(w->iv + 4, &w->ctr, sizeof(w->ctr));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- running one case ---- */

struct run {
	const struct bench_impl_ops *impl;
	int c;
	pthread_barrier_t bar;
};

static void push(struct worker *w, uint64_t ns)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		uint64_t *p = realloc(w->lat, cap * sizeof(*p));

		if (!p) {
			bench_fail(w, "out of memory for samples");
			return;
		}
		w->lat = p;
		w->cap = cap;
	}
	w->lat[w->n++] = ns;
}

static void *run_thread(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	int (*op)(struct worker *) = r->impl->op[r->c];
	void (*post)(struct worker *) = r->impl->post[r->c];
	uint64_t start, t0, t1, t2, dur;
	unsigned int i;

	/* warm-up (also fills TCG's translation cache) */
	for (i = 0; i < (opt.iterations ? 1 : 3) && !w->failed; i++) {
		if (op(w))
			break;
		if (post)
			post(w);
	}
	pthread_barrier_wait(&r->bar);
	dur = (uint64_t)(opt.time / opt.rounds * 1e9);
	start = now_ns();
	w->span = 0;
	w->untimed = 0;
	while (!w->failed) {
		t0 = now_ns();
		if (op(w))
			break;
		t1 = now_ns();
		push(w, t1 - t0);
		w->timed += t1 - t0;
		w->span = t1 - start;
		if (post) {
			post(w);
			t2 = now_ns();
			w->untimed += t2 - t1;
			w->span = t2 - start;
		}
		if (opt.iterations ? w->n >= opt.iterations :
		    (t1 - start >= dur && w->n >= 3))
			break;
		if (w->n >= (64u << 20))
			break;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run_round(int impl, int c, unsigned int ti, struct row *row);

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * One round of --time / rounds seconds of a case; the row's figures are
 * the medians of its rounds so far. A case that failed once is not run
 * again.
 */
static void run_case(int impl, int c, unsigned int ti, unsigned int li)
{
	struct row *row = &rows[impl][c][ti][li], r;
	double lo, hi;
	unsigned int i;

	if (row->failed)
		return;
	memset(&r, 0, sizeof(r));
	run_round(impl, c, ti, &r);
	row->done = true;
	if (r.failed) {
		row->failed = true;
		return;
	}
	i = row->nr++;
	row->r_ops[i] = r.ops;
	row->r_p50[i] = r.p50;
	row->r_p99[i] = r.p99;
	row->n += r.n;
	row->ops = median(row->r_ops, row->nr);
	row->p50 = median(row->r_p50, row->nr);
	row->p99 = median(row->r_p99, row->nr);
	lo = hi = row->r_p50[0];
	for (i = 1; i < row->nr; i++) {
		lo = row->r_p50[i] < lo ? row->r_p50[i] : lo;
		hi = row->r_p50[i] > hi ? row->r_p50[i] : hi;
	}
	row->spread = row->p50 > 0 ? (hi - lo) / row->p50 : 0;
}

static void run_round(int impl, int c, unsigned int ti, struct row *row)
{
	unsigned int nt = opt.threads[ti], i;
	pthread_t tid[BENCH_MAX_THREADS];
	struct run r = { .impl = impls[impl], .c = c };
	uint64_t *all, span = 0;
	size_t total = 0, k = 0;

	if (bench_verbose)
		fprintf(stderr, "# %s: %s, %u thread(s)\n", impls[impl]->name,
			case_names[c], nt);
	pthread_barrier_init(&r.bar, NULL, nt);
	for (i = 0; i < nt; i++) {
		struct worker *w = &workers[i];

		w->n = 0;
		w->timed = 0;
		w->failed = 0;
		w->err[0] = 0;
		w->run = &r;
		pthread_create(&tid[i], NULL, run_thread, w);
	}
	row->ops = 0;
	for (i = 0; i < nt; i++) {
		struct worker *w = &workers[i];

		pthread_join(tid[i], NULL);
		if (w->failed) {
			row->failed = true;
			fprintf(stderr, "sks-bench: %s %s (%u threads): %s\n",
				impls[impl]->name, case_names[c], nt, w->err);
		}
		if (w->span > w->untimed && w->span - w->untimed > span)
			span = w->span - w->untimed;
		total += w->n;
	}
	pthread_barrier_destroy(&r.bar);
	/*
	 * Throughput: every thread's operations over the longest thread's
	 * span (its untimed clean-up taken out), so that time a thread
	 * waited for a CPU counts, as a 2-thread scaling figure needs.
	 */
	if (span)
		row->ops = total / (span / 1e9);
	row->done = true;
	row->n = total;
	if (row->failed) {
		failures++;
		return;
	}
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all) {
		row->failed = true;
		failures++;
		return;
	}
	for (i = 0; i < nt; i++) {
		memcpy(all + k, workers[i].lat, workers[i].n * sizeof(*all));
		k += workers[i].n;
	}
	qsort(all, total, sizeof(*all), cmp_u64);
	row->p50 = total ? all[total / 2] / 1e3 : 0;
	row->p99 = total ? all[total * 99 / 100 < total ? total * 99 / 100 :
			       total - 1] / 1e3 : 0;
	free(all);
}

static bool selected(int impl)
{
	return !opt.only || (opt.only & (1u << impl));
}

/*
 * Every round of every case of the implementations that are set up (at
 * object level @li: only sks's rows have levels beyond the first), the
 * implementations taking turns case by case and round by round.
 */
static void run_rounds(unsigned int li)
{
	unsigned int round, ti;
	int c, impl;

	for (round = 0; round < opt.rounds; round++) {
		if (bench_verbose)
			fprintf(stderr, "# round %u of %u\n", round + 1,
				opt.rounds);
		for (c = 0; c < CASE_COUNT; c++)
			for (ti = 0; ti < opt.nthreads && (!opt.cases ||
			     (opt.cases & (1u << c))); ti++)
				for (impl = 0; impl < IMPL_COUNT; impl++)
					if (impl_ok[impl] && selected(impl) &&
					    impls[impl]->op[c] &&
					    (impl == IMPL_SKS || !li))
						run_case(impl, c, ti, li);
	}
}

/* ---- kernel memory per object ---- */

struct slab_snap {
	unsigned int n;
	char name[MAX_CACHES][64];
	uint64_t bytes[MAX_CACHES];
	uint64_t total;
	uint64_t used_kib;	/* MemTotal - MemFree */
};

static void snap(struct slab_snap *s)
{
	char line[512], name[48];
	unsigned long active, num, size;
	uint64_t total = 0, freek = 0, v;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen("/proc/slabinfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%47s %lu %lu %lu", name, &active, &num,
				   &size) != 4 || s->n == MAX_CACHES)
				continue;
			snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
			s->bytes[s->n] = (uint64_t)active * size;
			s->total += s->bytes[s->n++];
		}
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "MemTotal: %lu", &v) == 1)
				total = v;
			else if (sscanf(line, "MemFree: %lu", &v) == 1)
				freek = v;
		}
		fclose(f);
	}
	s->used_kib = total - freek;
}

static void mem_delta(const struct slab_snap *a, const struct slab_snap *b,
		      uint64_t objects)
{
	unsigned int i, j, best[4] = { 0 }, nb = 0;
	int64_t d[MAX_CACHES];
	size_t off = 0;

	if (!objects || objects < mem.objects)
		return;
	mem.objects = objects;
	mem.slab_per_obj = ((double)b->total - (double)a->total) / objects;
	mem.used_per_obj = ((double)b->used_kib - (double)a->used_kib) *
			   1024.0 / objects;
	for (i = 0; i < b->n; i++) {
		d[i] = (int64_t)b->bytes[i];
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i])) {
				d[i] -= (int64_t)a->bytes[j];
				break;
			}
	}
	/* the four caches that grew most */
	for (nb = 0; nb < 4; nb++) {
		int64_t top = 0;

		best[nb] = MAX_CACHES;
		for (i = 0; i < b->n; i++) {
			for (j = 0; j < nb; j++)
				if (best[j] == i)
					break;
			if (j == nb && d[i] > top) {
				top = d[i];
				best[nb] = i;
			}
		}
		if (best[nb] == MAX_CACHES)
			break;
	}
	mem.top[0] = 0;
	for (i = 0; i < nb; i++)
		off += snprintf(mem.top + off, sizeof(mem.top) - off, "%s%s %.0f",
				i ? ", " : "", b->name[best[i]],
				(double)d[best[i]] / objects);
}

/* ---- output ---- */

static void fmt_ops(char *buf, size_t len, double v)
{
	snprintf(buf, len, v >= 100 ? "%.0f" : "%.1f", v);
}

static void print_row(int impl, int c, unsigned int ti, unsigned int li)
{
	const struct row *r = &rows[impl][c][ti][li];
	char objs[24], ops[24], ratio[IMPL_COUNT][16];
	int b;

	if (!selected(impl))
		return;
	if (impl == IMPL_SKS)
		snprintf(objs, sizeof(objs), "%lu%s", opt.reached[li],
			 opt.reached[li] < opt.levels[li] ? "*" : "");
	else
		snprintf(objs, sizeof(objs), "-");
	for (b = 1; b < IMPL_COUNT; b++) {
		const struct row *br = &rows[b][c][ti][0];

		ratio[b][0] = 0;
		if (impl == IMPL_SKS && r->done && !r->failed && br->done &&
		    !br->failed && r->p50 > 0)
			snprintf(ratio[b], sizeof(ratio[b]), "%.2fx",
				 br->p50 / r->p50);
	}
	if (!impl_ok[impl]) {
		printf("%-18s %-8s %3u %9s %11s %9s %9s %7s   (n/a: %s)\n",
		       case_names[c], impls[impl]->name, opt.threads[ti], objs,
		       "n/a", "n/a", "n/a", "", impl_why[impl]);
		return;
	}
	if (!impls[impl]->op[c]) {
		printf("%-18s %-8s %3u %9s %11s %9s %9s %7s   (n/a: %s)\n",
		       case_names[c], impls[impl]->name, opt.threads[ti], objs,
		       "n/a", "n/a", "n/a", "",
		       impls[impl]->what[c] ?: "not implemented in this row's tool");
		return;
	}
	if (!r->done || r->failed) {
		printf("%-18s %-8s %3u %9s %11s %9s %9s\n", case_names[c],
		       impls[impl]->name, opt.threads[ti], objs, "FAILED", "-",
		       "-");
		return;
	}
	fmt_ops(ops, sizeof(ops), r->ops);
	printf("%-18s %-8s %3u %9s %11s %9.1f %9.1f %6.1f%%", case_names[c],
	       impls[impl]->name, opt.threads[ti], objs, ops, r->p50, r->p99,
	       r->spread * 100);
	if (impl == IMPL_SKS)
		printf(" %10s %10s %10s", ratio[IMPL_AFALG],
		       ratio[IMPL_OPENSSL], ratio[IMPL_SOFTHSM]);
	if (impl == IMPL_PKCS11) {
		/* sks through PKCS#11: its time against libsks's, and
		 * SoftHSMv2's time against its own */
		const struct row *sr = &rows[IMPL_SKS][c][ti][0];
		const struct row *hr = &rows[IMPL_SOFTHSM][c][ti][0];
		char vs_sks[16] = "", vs_soft[16] = "";

		if (sr->done && !sr->failed && sr->p50 > 0)
			snprintf(vs_sks, sizeof(vs_sks), "%.2fx", r->p50 / sr->p50);
		if (hr->done && !hr->failed && r->p50 > 0)
			snprintf(vs_soft, sizeof(vs_soft), "%.2fx",
				 hr->p50 / r->p50);
		printf(" %10s %10s %10s  time/libsks %s", "", "", vs_soft,
		       vs_sks);
	}
	printf("\n");
}

static const struct row *row_ok(int impl, int c, unsigned int ti,
				unsigned int li)
{
	const struct row *r = &rows[impl][c][ti][li];

	return impl_ok[impl] && r->done && !r->failed && r->ops > 0 ? r : NULL;
}

static void target(const char *what, bool have, double v, const char *unit,
		   bool met)
{
	char m[32];

	if (have)
		snprintf(m, sizeof(m), "%.2f%s", v, unit);
	else
		snprintf(m, sizeof(m), "n/a");
	printf("%-58s %12s  %s\n", what, m, !have ? "not measured" :
	       met ? "met" : "MISSED");
}

static int thread_index(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < opt.nthreads; i++)
		if (opt.threads[i] == n)
			return i;
	return -1;
}

/*
 * The verdicts compare medians of the rounds' figures: p50 for speed, and
 * for 2-thread scaling ops/s (every thread's operations over the round's
 * span: p50s cannot show threads waiting for a CPU).
 */
static void print_targets(void)
{
	int t1 = thread_index(1), t2 = thread_index(2), c;
	unsigned int last = opt.nlevels - 1;
	const struct row *s, *b;
	char what[96];

	bool icount = opt.clock && !strncmp(opt.clock, "icount", 6);

	snprintf(what, sizeof(what), "target (medians of %u rounds)",
		 opt.rounds);
	printf("\n%-58s %12s  %s\n", what, "measured", "verdict");
	for (c = 0; c < 2; c++) {
		int t = c ? t2 : t1;

		s = t >= 0 ? row_ok(IMPL_SKS, CASE_CYCLE, t, 0) : NULL;
		b = t >= 0 ? row_ok(IMPL_SOFTHSM, CASE_CYCLE, t, 0) : NULL;
		snprintf(what, sizeof(what),
			 "SKS cycle speed >= 10x SoftHSMv2's (%d thread%s)",
			 c + 1, c ? "s" : "");
		target(what, s && b, s && b ? b->p50 / s->p50 : 0, "x",
		       s && b && b->p50 >= 10 * s->p50);
	}
	s = t1 >= 0 ? row_ok(IMPL_SKS, CASE_CYCLE, t1, 0) : NULL;
	b = t1 >= 0 ? row_ok(IMPL_SOFTHSM, CASE_CYCLE, t1, 0) : NULL;
	s = t1 >= 0 ? row_ok(IMPL_PKCS11, CASE_CYCLE, t1, 0) : NULL;
	target("PKCS#11 cycle speed >= 5x SoftHSMv2's (1 thread)", s && b,
	       s && b ? b->p50 / s->p50 : 0, "x",
	       s && b && b->p50 >= 5 * s->p50);
	for (c = 0; c < CASE_COUNT; c++) {
		/* (PKCS#11 has no batch call: 16 calls against one ioctl) */
		if (c == CASE_BATCH16)
			continue;
		s = t1 >= 0 ? row_ok(IMPL_PKCS11, c, t1, 0) : NULL;
		b = t1 >= 0 ? row_ok(IMPL_SKS, c, t1, 0) : NULL;
		snprintf(what, sizeof(what), "PKCS#11 time <= 1.15x libsks: %s",
			 case_names[c]);
		target(what, s && b, s && b ? s->p50 / b->p50 : 0, "x",
		       s && b && s->p50 <= 1.15 * b->p50);
	}
	for (c = CASE_EXTRACT1; c <= CASE_INSERT1; c += 2) {
		s = t1 >= 0 ? row_ok(IMPL_SKS, c, t1, 0) : NULL;
		b = t1 >= 0 ? row_ok(IMPL_AFALG, c, t1, 0) : NULL;
		snprintf(what, sizeof(what),
			 "%s: time <= 1.5x one AF_ALG one-shot, same bytes",
			 case_names[c]);
		target(what, s && b, s && b ? s->p50 / b->p50 : 0, "x",
		       s && b && s->p50 <= 1.5 * b->p50);
	}
	for (c = 0; c < CASE_COUNT; c++) {
		s = t1 >= 0 ? row_ok(IMPL_SKS, c, t1, 0) : NULL;
		b = t2 >= 0 ? row_ok(IMPL_SKS, c, t2, 0) : NULL;
		snprintf(what, sizeof(what), "2 threads >= 1.7x 1 thread%s: %s",
			 icount ? "*" : "", case_names[c]);
		target(what, s && b, s && b ? b->ops / s->ops : 0, "x",
		       s && b && b->ops >= 1.7 * s->ops);
	}
	for (c = 0; c < CASE_COUNT; c++) {
		s = t1 >= 0 ? row_ok(IMPL_SKS, c, t1, 0) : NULL;
		b = t1 >= 0 && last ? row_ok(IMPL_SKS, c, t1, last) : NULL;
		snprintf(what, sizeof(what), "flat, time at %lu <= 1.25x at %lu: %s",
			 opt.reached[last], opt.reached[0], case_names[c]);
		target(what, s && b, s && b ? b->p50 / s->p50 : 0, "x",
		       s && b && b->p50 <= 1.25 * s->p50);
	}
	s = t1 >= 0 ? row_ok(IMPL_SKS, CASE_ECDSA_SIGN, t1, 0) : NULL;
	b = t1 >= 0 ? row_ok(IMPL_SOFTHSM, CASE_ECDSA_SIGN, t1, 0) : NULL;
	target("ECDSA P-256 sign rate >= 2x SoftHSMv2's (1 thread)", s && b,
	       s && b ? b->p50 / s->p50 : 0, "x",
	       s && b && b->p50 >= 2 * s->p50);
	b = t1 >= 0 ? row_ok(IMPL_OPENSSL, CASE_ECDSA_SIGN, t1, 0) : NULL;
	target("ECDSA P-256 sign time <= 3x OpenSSL in-process (1 thread)",
	       s && b, s && b ? s->p50 / b->p50 : 0, "x",
	       s && b && s->p50 <= 3 * b->p50);
	target("memory per session object - 32 key bytes <= 512 B (slab)",
	       mem.objects > 0, mem.slab_per_obj - 32, " B",
	       mem.slab_per_obj - 32 <= 512);
	if (icount && t2 >= 0)
		printf("  * throughput (ops/s) of 2 threads over 1. Under -icount "
		       "the guest has one vCPU\n    (QEMU 7.2 does not bring "
		       "up a second one with -icount; and one host thread\n"
		       "    would run both in turn, the clock counting the "
		       "instructions of both):\n    2 threads cannot beat 1 "
		       "there. Scaling is measured with BENCH_CLOCK=host.\n");
	if (mem.objects)
		printf("  (from %lu objects: slab %.0f B/object, MemTotal-MemFree "
		       "%.0f B/object; caches grown most, B/object: %s)\n",
		       mem.objects, mem.slab_per_obj, mem.used_per_obj,
		       mem.top);
}

static void print_table(void)
{
	unsigned int ti, li;
	int c, impl;

	printf("%-18s %-8s %3s %9s %11s %9s %9s %7s %10s %10s %10s\n", "case",
	       "impl", "thr", "objects", "ops/s", "p50 us", "p99 us", "spread",
	       "vs af_alg", "vs openssl", "vs softhsm");
	for (c = 0; c < CASE_COUNT; c++) {
		if (opt.cases && !(opt.cases & (1u << c)))
			continue;
		for (li = 0; li < opt.nlevels; li++)
			for (ti = 0; ti < opt.nthreads; ti++)
				print_row(IMPL_SKS, c, ti, li);
		for (impl = 1; impl < IMPL_COUNT; impl++)
			for (ti = 0; ti < opt.nthreads; ti++)
				print_row(impl, c, ti, 0);
	}
	printf("\nops/s, p50, p99: medians of %u interleaved rounds; spread: "
	       "(max - min) / median of the rounds' p50.\n", opt.rounds);
	if (opt.clock)
		printf("clock: %s\n", opt.clock);
	printf("vs X: X's p50 divided by sks's p50, same case and threads "
	       "(>1: sks faster).\n");
	printf("objects: live session objects in the partition besides the "
	       "benchmark's keys.\n");
	printf("blob sizes: 1 key %u B, %d keys %u B.\n", bench_sizes.blob1,
	       BENCH_MANY, bench_sizes.blob100);
	for (li = 0; li < opt.nlevels; li++)
		if (opt.level_note[li][0])
			printf("* %lu live objects asked for, %lu reached (%s)\n",
			       opt.levels[li], opt.reached[li],
			       opt.level_note[li]);
	if (opt.legend)
		for (impl = 0; impl < IMPL_COUNT; impl++)
			for (c = 0; c < CASE_COUNT; c++)
				printf("  %-8s %-18s %s\n", impls[impl]->name,
				       case_names[c], impls[impl]->what[c] ?:
				       "not implemented");
}

/* ---- options ---- */

static int parse_list(const char *s, uint64_t *out, unsigned int max,
		      unsigned int *n)
{
	char *end;

	*n = 0;
	while (*s) {
		if (*n == max)
			return -1;
		errno = 0;
		out[*n] = strtoull(s, &end, 10);
		if (errno || end == s || (*end && *end != ','))
			return -1;
		(*n)++;
		s = *end ? end + 1 : end;
	}
	return *n ? 0 : -1;
}

static int cmp_level(const void *a, const void *b)
{
	return cmp_u64(a, b);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: sks-bench [options]\n"
"  -t, --time SEC        seconds per case and thread count (default 1)\n"
"  -r, --rounds N        split it in N interleaved rounds, report their\n"
"                        medians (default 5, at most 15)\n"
"  -o, --objects LIST    live session objects, e.g. 1,1000,1000000\n"
"                        (default 1,1000,1000000)\n"
"  -j, --threads LIST    thread counts (default 1,2)\n"
"  -n, --iterations N    fixed operations per thread instead of --time\n"
"  -c, --capacity BYTES  partition capacity (default 256 MiB, the maximum)\n"
"      --softhsm PATH    SoftHSMv2 PKCS#11 module\n"
"                        (default /usr/lib/softhsm/libsofthsm2.so)\n"
"      --no-softhsm      skip the SoftHSMv2 baseline\n"
"      --pkcs11 PATH     sks's PKCS#11 module\n"
"                        (default /usr/local/lib/libsks-pkcs11.so)\n"
"      --smoke           a few operations of every case (-n 3 -o 1,600)\n"
"      --legend          describe every row's operation\n"
"      --only LIST       only these of sks,af_alg,openssl,softhsm,pkcs11\n"
"      --cases LIST      only these cases, by name (\"insert 1 key,cycle ins+enc+del\")\n"
"      --afalg-access M  heuristic, sendmsg or vmsplice (libkcapi)\n"
"      --clock TEXT      how the guest keeps time, for the table (icount...:\n"
"                        the 2-thread verdicts are marked)\n"
"  -v, --verbose         progress on stderr\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "time", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "objects", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 'j' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "softhsm", required_argument, NULL, 'S' },
		{ "no-softhsm", no_argument, NULL, 'N' },
		{ "pkcs11", required_argument, NULL, 'P' },
		{ "smoke", no_argument, NULL, 'm' },
		{ "legend", no_argument, NULL, 'L' },
		{ "only", required_argument, NULL, 'O' },
		{ "afalg-access", required_argument, NULL, 'A' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "clock", required_argument, NULL, 'C' },
		{ "cases", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *objects = "1,1000,1000000", *threads = "1,2";
	uint64_t tl[BENCH_MAX_THREADS];
	unsigned int i, li, maxt = 0;
	struct slab_snap before, after;
	bool tried[IMPL_COUNT] = { false };
	char why[160];
	int ch, impl;

	while ((ch = getopt_long(argc, argv, "t:r:o:j:n:c:vh", lo, NULL)) != -1) {
		switch (ch) {
		case 't':
			opt.time = strtod(optarg, NULL);
			break;
		case 'r':
			opt.rounds = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			objects = optarg;
			break;
		case 'j':
			threads = optarg;
			break;
		case 'n':
			opt.iterations = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			opt.capacity = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			bench_softhsm_path = optarg;
			break;
		case 'N':
			opt.softhsm = false;
			break;
		case 'P':
			bench_pkcs11_path = optarg;
			break;
		case 'm':
			opt.iterations = 3;
			opt.rounds = 1;
			objects = "1,600";
			break;
		case 'L':
			opt.legend = true;
			break;
		case 'O':
			for (impl = 0; impl < IMPL_COUNT; impl++)
				if (strstr(optarg, impls[impl]->name))
					opt.only |= 1u << impl;
			break;
		case 'A':
			bench_afalg_access = !strcmp(optarg, "sendmsg") ? 2 :
					     !strcmp(optarg, "vmsplice") ? 1 : 0;
			break;
		case 'v':
			bench_verbose = true;
			break;
		case 'C':
			opt.clock = optarg;
			break;
		case 'K':
			for (i = 0; i < CASE_COUNT; i++)
				if (strstr(optarg, case_names[i]))
					opt.cases |= 1u << i;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (parse_list(objects, opt.levels, MAX_LEVELS, &opt.nlevels) ||
	    parse_list(threads, tl, BENCH_MAX_THREADS, &opt.nthreads) ||
	    opt.time <= 0 || !opt.rounds || opt.rounds > MAX_ROUNDS) {
		usage(stderr);
		return 2;
	}
	qsort(opt.levels, opt.nlevels, sizeof(opt.levels[0]), cmp_level);
	for (i = 0; i < opt.nthreads; i++) {
		if (!tl[i] || tl[i] > BENCH_MAX_THREADS) {
			fprintf(stderr, "sks-bench: 1..%d threads\n",
				BENCH_MAX_THREADS);
			return 2;
		}
		opt.threads[i] = tl[i];
		if (tl[i] > maxt)
			maxt = tl[i];
	}

	for (i = 0; i < maxt; i++) {
		struct worker *w = &workers[i];

		w->id = i;
		if (posix_memalign((void **)&w->in, 4096, BENCH_BUF) ||
		    posix_memalign((void **)&w->out, 4096, BENCH_BUF) ||
		    !(w->ct1 = malloc(BENCH_BUF)) ||
		    !(w->ct100 = malloc(BENCH_BUF))) {
			fprintf(stderr, "sks-bench: out of memory\n");
			return 1;
		}
		memset(w->in, 0xa5 ^ i, BENCH_BUF);
	}

	/* sks first: the baselines take their sizes from its blobs. */
	if (sks_bench_open(opt.capacity, why, sizeof(why)) ||
	    sks_impl.setup(maxt, workers, why, sizeof(why))) {
		fprintf(stderr, "sks-bench: sks set-up: %s\n", why);
		sks_impl.teardown(maxt, workers);
		sks_bench_close();
		return 1;
	}
	impl_ok[IMPL_SKS] = true;
	for (i = 0; i < maxt; i++)
		if (bench_seal(&workers[i])) {
			fprintf(stderr, "sks-bench: sealing the baselines' "
				"ciphertexts failed\n");
			return 1;
		}

	for (impl = 1; impl < IMPL_COUNT; impl++) {
		if (!selected(impl))
			continue;
		if (impl == IMPL_SOFTHSM && !opt.softhsm) {
			snprintf(impl_why[impl], sizeof(impl_why[impl]),
				 "--no-softhsm");
			continue;
		}
		if (impl == IMPL_SOFTHSM && access(bench_softhsm_path, R_OK)) {
			snprintf(impl_why[impl], sizeof(impl_why[impl]),
				 "%s missing", bench_softhsm_path);
			continue;
		}
		why[0] = 0;
		if (impl == IMPL_PKCS11 && access(bench_pkcs11_path, R_OK)) {
			snprintf(impl_why[impl], sizeof(impl_why[impl]),
				 "%s missing", bench_pkcs11_path);
			failures++;
			continue;
		}
		tried[impl] = true;
		if (impls[impl]->setup(maxt, workers, why, sizeof(why))) {
			snprintf(impl_why[impl], sizeof(impl_why[impl]),
				 "set-up failed: %s", why);
			fprintf(stderr, "sks-bench: %s: %s\n",
				impls[impl]->name, impl_why[impl]);
			if (impl != IMPL_SOFTHSM)
				failures++;
		} else {
			impl_ok[impl] = true;
		}
	}
	for (li = 0; li < opt.nlevels; li++) {
		uint64_t was = sks_bench_live();

		if (bench_verbose)
			fprintf(stderr, "# filling to %lu live objects\n",
				opt.levels[li]);
		snap(&before);
		opt.reached[li] = sks_bench_fill(opt.levels[li],
						 opt.level_note[li],
						 sizeof(opt.level_note[li]));
		snap(&after);
		if (opt.reached[li] - was >= 1000)
			mem_delta(&before, &after, opt.reached[li] - was);
		/* the first level: sks and every baseline, taking turns */
		run_rounds(li);
		if (!li)
			for (impl = 1; impl < IMPL_COUNT; impl++)
				if (tried[impl])
					impls[impl]->teardown(maxt, workers);
		if (opt.reached[li] < opt.levels[li]) {
			opt.nlevels = li + 1;
			break;
		}
	}
	sks_impl.teardown(maxt, workers);
	sks_bench_close();

	print_table();
	print_targets();
	for (i = 0; i < maxt; i++) {
		free(workers[i].in);
		free(workers[i].out);
		free(workers[i].ct1);
		free(workers[i].ct100);
		free(workers[i].lat);
	}
	if (failures)
		fprintf(stderr, "sks-bench: %d case(s) failed\n", failures);
	return failures ? 1 : 0;
}
