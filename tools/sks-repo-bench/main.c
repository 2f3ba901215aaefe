// SPDX-License-Identifier: GPL-2.0
/*
 * sks-repo-bench - the key repository at scale: keys generated, extracted
 * in groups and stored (sks_repo_store()), an SMK rollover rewrapping all
 * of them (sks_repo_rewrap()), then a random sample fetched, inserted and
 * used. Reports keys/s of each step and the peak memory (VmHWM) of each
 * quarter of each step: with bounded memory it stays flat as the count
 * grows.
 *
 * --fake measures the repository alone, without the kernel: well-formed
 * blob headers with random sealed parts, stored, walked and fetched.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sks_format.h>
#include <sks.h>
#include <sks_repo.h>

#define SO_PW	"bench-so-secret"
#define CO_PW	"bench-co-secret"

static struct {
	unsigned long keys, group, sample, batch, txn;
	const char *repo;
	int fake, keep;
} opt = { 1000000, 100, 1000, 256, 64, "/tmp/sks-repo-bench.db", 0, 0 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* VmHWM (peak resident set) in KiB. */
static long peak_kib(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* Start a new peak (Linux >= 4.0: clear_refs 5). */
static void peak_reset(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "5", 1) != 1)
			perror("clear_refs");
		close(fd);
	}
}

/* The peaks of the four quarters of a step. */
struct quarters {
	long kib[4];
	int next;
};

static void quarter_check(struct quarters *q, unsigned long done,
			  unsigned long total)
{
	while (q->next < 4 && done * 4 >= total * (unsigned long)(q->next + 1)) {
		q->kib[q->next++] = peak_kib();
		peak_reset();
	}
}

static void report(const char *step, unsigned long keys, unsigned long entries,
		   double secs, const struct quarters *q)
{
	printf("%-22s %9lu keys %8lu entries %8.1f s %10.0f keys/s  peak RSS by quarter (MiB):",
	       step, keys, entries, secs, secs > 0 ? keys / secs : 0.0);
	for (int i = 0; i < 4; i++)
		printf(" %.1f", q->kib[i] / 1024.0);
	printf("\n");
	fflush(stdout);
}

static void die(const char *what, struct sks_repo *r)
{
	fprintf(stderr, "sks-repo-bench: %s failed: %s (%s)%s%s\n", what,
		strerror(errno), sks_result_name(sks_last_result()) ?: "?",
		r ? ": " : "", r ? sks_repo_get_message(r) : "");
	exit(1);
}

/* A fake blob of @count keys (96-byte records) under fingerprint 0x11.. */
static struct sks_blob_set *fake_set(unsigned long count)
{
	size_t len = SKS_BLOB_HDR_LEN + count * 96 + SKS_BLOB_TAG_LEN;
	uint8_t *b = malloc(len);
	struct sks_blob_set *set = sks_blob_set_new();

	if (!b || !set)
		die("malloc", NULL);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)rand();
	memcpy(b, SKS_BLOB_MAGIC, 4);
	sks_put_le16(b + SKS_BLOB_OFF_VERSION, SKS_BLOB_VERSION);
	sks_put_le16(b + SKS_BLOB_OFF_HDR_LEN, SKS_BLOB_HDR_LEN);
	sks_put_le32(b + SKS_BLOB_OFF_FLAGS, 0);
	sks_put_le32(b + SKS_BLOB_OFF_COUNT, (uint32_t)count);
	sks_put_le32(b + SKS_BLOB_OFF_PAYLOAD, (uint32_t)(count * 96));
	memset(b + SKS_BLOB_OFF_FP, 0x11, SKS_FINGERPRINT_LEN);
	if (sks_blob_set_add(set, b, len))
		die("sks_blob_set_add", NULL);
	free(b);
	return set;
}

static struct sks_session *partition(struct sks_hsm **hsm, unsigned int *slot)
{
	struct sks_session *s;

	*hsm = sks_hsm_open(NULL);
	if (!*hsm || sks_hsm_create_partition(*hsm, SKS_SLOT_V1, 0, slot))
		die("creating a V1 partition", NULL);
	s = sks_session_open(*slot);
	if (!s || sks_session_init_partition(s, SO_PW, "bench-domain", "repo-bench") ||
	    sks_session_login(s, SKS_ROLE_SO, SO_PW) ||
	    sks_session_init_role(s, SKS_ROLE_CO, CO_PW) ||
	    sks_session_logout(s) || sks_session_login(s, SKS_ROLE_CO, CO_PW))
		die("initialising the partition", NULL);
	return s;
}

/* Step 1: generate, extract and store every key, @opt.group per entry. */
static void store_step(struct sks_repo *r, struct sks_session *s)
{
	struct sks_attrs *a = sks_attrs_new();
	uint32_t *h = calloc(opt.group, sizeof(*h));
	struct sks_blob_set *fake = opt.fake ? fake_set(opt.group) : NULL;
	double t0 = now(), t_kernel = 0, t_db = 0;
	unsigned long entries = 0;
	struct quarters q = { 0 };

	if (!a || !h)
		die("malloc", NULL);
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_PRIVATE | SKS_OBJ_SENSITIVE |
			    SKS_OBJ_EXTRACTABLE | SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	peak_reset();
	for (unsigned long k = 0; k < opt.keys; k += opt.group) {
		unsigned long n = opt.keys - k < opt.group ? opt.keys - k : opt.group;
		struct sks_blob_set *set = fake;
		char name[32];
		double t1 = now();

		if (!opt.fake) {
			for (unsigned long i = 0; i < n; i++)
				if (sks_object_generate(s, SKS_CKM_AES_KEY_GEN, a, &h[i]))
					die("sks_object_generate", NULL);
			set = sks_blob_extract(s, h, n, SKS_EXTRACT_DELETE);
			if (!set)
				die("sks_blob_extract", NULL);
		}
		t_kernel += now() - t1;
		t1 = now();
		if (entries % opt.txn == 0 && sks_repo_begin(r))
			die("sks_repo_begin", r);
		snprintf(name, sizeof(name), "key-%lu", k);
		if (sks_repo_store(r, name, "bench", &k, sizeof(k), set, 0, NULL))
			die("sks_repo_store", r);
		entries++;
		if ((entries % opt.txn == 0 || k + n >= opt.keys) && sks_repo_commit(r))
			die("sks_repo_commit", r);
		t_db += now() - t1;
		if (set != fake)
			sks_blob_set_free(set);
		quarter_check(&q, k + n, opt.keys);
	}
	report("store (all)", opt.keys, entries, now() - t0, &q);
	if (!opt.fake)
		printf("%-22s %8.1f s generate + extract, %8.1f s database (%.0f keys/s)\n",
		       "  of which", t_kernel, t_db, t_db > 0 ? opt.keys / t_db : 0.0);
	sks_blob_set_free(fake);
	sks_attrs_free(a);
	free(h);
}

struct prog {
	struct quarters q;
	double t0, last;
};

static int on_progress(const struct sks_repo_progress *p, void *arg)
{
	struct prog *pg = arg;

	if (p->failed_name) {
		fprintf(stderr, "refused: %s (%s)\n", p->failed_name,
			sks_result_name(p->failed_result) ?: "?");
		return 0;
	}
	quarter_check(&pg->q, p->done, p->total);
	if (now() - pg->last > 10) {
		pg->last = now();
		fprintf(stderr, "  rewrap: %llu of %llu entries, %.0f s\n",
			(unsigned long long)p->done, (unsigned long long)p->total,
			pg->last - pg->t0);
	}
	return 0;
}

/* Step 2: the rollover. */
static void rewrap_step(struct sks_repo *r, struct sks_session *s)
{
	struct sks_repo_progress p;
	struct prog pg = { .t0 = now(), .last = now() };

	if (sks_session_smk_rollover(s, SKS_ROLLOVER_START))
		die("SMK rollover start", NULL);
	peak_reset();
	pg.t0 = now();
	if (sks_repo_rewrap(r, s, opt.batch, on_progress, &pg, &p))
		die("sks_repo_rewrap", r);
	quarter_check(&pg.q, 1, 1);
	report("rewrap", opt.keys, (unsigned long)p.done, now() - pg.t0, &pg.q);
	if (p.failed || p.skipped || p.done != p.total)
		fprintf(stderr, "rewrap: %llu failed, %llu skipped of %llu\n",
			(unsigned long long)p.failed, (unsigned long long)p.skipped,
			(unsigned long long)p.total);
	if (sks_session_smk_rollover(s, SKS_ROLLOVER_END))
		die("SMK rollover end", NULL);
}

/* Step 3: a random sample fetched (and inserted and used). */
static void fetch_step(struct sks_repo *r, struct sks_session *s)
{
	unsigned long entries = (opt.keys + opt.group - 1) / opt.group, keys = 0;
	struct quarters q = { 0 };
	double t0;

	peak_reset();
	t0 = now();
	for (unsigned long i = 0; i < opt.sample; i++) {
		unsigned long k = (unsigned long)rand() % entries * opt.group;
		struct sks_repo_entry *e;
		char name[32];

		snprintf(name, sizeof(name), "key-%lu", k);
		e = sks_repo_fetch(r, SKS_REPO_BY_NAME, name, 0);
		if (!e)
			die("sks_repo_fetch", r);
		keys += sks_repo_entry_get_object_count(e);
		if (!opt.fake) {
			uint8_t in[64] = { 0 }, out[64 + SKS_GCM_TAG_LEN], iv[SKS_GCM_IV_LEN];
			size_t n, len = sizeof(out);
			uint32_t *h = sks_blob_insert(s, sks_repo_entry_get_blobs(e), &n);

			if (!h || sks_crypto_encrypt(s, h[0], NULL, 0, in, sizeof(in),
						     iv, out, &len))
				die("insert and encrypt", NULL);
			for (size_t j = 0; j < n; j++)
				sks_object_destroy(s, h[j]);
			free(h);
		}
		sks_repo_entry_free(e);
		quarter_check(&q, i + 1, opt.sample);
	}
	report(opt.fake ? "fetch (sample)" : "fetch+insert (sample)", keys,
	       opt.sample, now() - t0, &q);
}

/* --fake: a walk over every entry with its blobs. */
static void walk_step(struct sks_repo *r)
{
	struct sks_repo_iter *it = sks_repo_list(r, SKS_REPO_ALL, NULL, 0,
						 SKS_REPO_WITH_BLOBS);
	const struct sks_repo_entry *e;
	unsigned long n = 0, keys = 0, total = (opt.keys + opt.group - 1) / opt.group;
	struct quarters q = { 0 };
	double t0;

	if (!it)
		die("sks_repo_list", r);
	peak_reset();
	t0 = now();
	while (!sks_repo_iter_next(it, &e) && e) {
		keys += sks_repo_entry_get_object_count(e);
		quarter_check(&q, ++n, total);
	}
	if (n != total)
		die("the walk", r);
	sks_repo_iter_free(it);
	report("walk (all, blobs)", keys, n, now() - t0, &q);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: sks-repo-bench [options]\n"
"  -k, --keys N       keys (default 1000000)\n"
"  -g, --group N      keys per entry, extracted together (100)\n"
"  -s, --sample N     entries fetched, inserted and used at the end (1000)\n"
"  -b, --batch N      entries per rewrap batch (256)\n"
"  -t, --txn N        entries stored per transaction (64)\n"
"  -r, --repo WHERE   SQLite file or postgresql:// URI (/tmp/sks-repo-bench.db)\n"
"      --fake         no kernel: fake blobs; store, walk and fetch only\n"
"      --keep         keep the repository (default: SQLite file removed)\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "group", required_argument, NULL, 'g' },
		{ "sample", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "txn", required_argument, NULL, 't' },
		{ "repo", required_argument, NULL, 'r' },
		{ "fake", no_argument, NULL, 'F' },
		{ "keep", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sks_session *s = NULL;
	struct sks_hsm *hsm = NULL;
	struct sks_repo *r;
	unsigned int slot = 0;
	char path[600];
	int ch;

	while ((ch = getopt_long(argc, argv, "k:g:s:b:t:r:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'k': opt.keys = strtoul(optarg, NULL, 0); break;
		case 'g': opt.group = strtoul(optarg, NULL, 0); break;
		case 's': opt.sample = strtoul(optarg, NULL, 0); break;
		case 'b': opt.batch = strtoul(optarg, NULL, 0); break;
		case 't': opt.txn = strtoul(optarg, NULL, 0); break;
		case 'r': opt.repo = optarg; break;
		case 'F': opt.fake = 1; break;
		case 'K': opt.keep = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!opt.keys || !opt.group || opt.group > SKS_MAX_EXTRACT || !opt.txn ||
	    !opt.batch) {
		usage(stderr);
		return 2;
	}
	srand(1);
	if (strncmp(opt.repo, "postgres", 8)) {
		unlink(opt.repo);
		snprintf(path, sizeof(path), "%s-wal", opt.repo);
		unlink(path);
	}
	r = sks_repo_open(opt.repo, SKS_REPO_CREATE);
	if (!r) {
		fprintf(stderr, "sks-repo-bench: %s: %s\n", opt.repo,
			sks_repo_get_message(NULL));
		return 1;
	}
	printf("sks-repo-bench: %lu keys, %lu per entry, %s repository%s\n",
	       opt.keys, opt.group, sks_repo_get_backend(r),
	       opt.fake ? " (fake blobs, no kernel)" : "");
	if (!opt.fake)
		s = partition(&hsm, &slot);
	store_step(r, s);
	if (opt.fake)
		walk_step(r);
	else
		rewrap_step(r, s);
	fetch_step(r, s);
	sks_repo_close(r);
	sks_session_close(s);
	if (hsm) {
		sks_hsm_delete_slot(hsm, slot);
		sks_hsm_close(hsm);
	}
	if (!opt.keep && strncmp(opt.repo, "postgres", 8)) {
		unlink(opt.repo);
		snprintf(path, sizeof(path), "%s-wal", opt.repo);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", opt.repo);
		unlink(path);
	}
	return 0;
}
