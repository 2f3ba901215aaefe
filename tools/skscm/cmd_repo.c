// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - the key repository (libsks's sks_repo_*, an SQLite file or a
 * PostgreSQL database): sks store, fetch, list and rewrap, and the check
 * that partition smkrollover -end makes of a repository.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sks_repo.h>

#include "skscm.h"

/*
 * -repo as shown to the operator: a password in a connection URI
 * ("postgresql://user:secret@host", "?password=secret") becomes "***".
 */
static const char *shown(const struct cm_parsed *p)
{
	static char buf[1024];
	const char *where = cm_get(p, "repo");
	char *at, *colon, *pw, *end;

	if (!where)
		return "";
	snprintf(buf, sizeof(buf), "%s", where);
	colon = strstr(buf, "://");
	at = colon ? strchr(colon + 3, '@') : NULL;
	if (at) {
		char *c = memchr(colon + 3, ':', (size_t)(at - colon - 3));

		if (c && at - c > 1) {
			memmove(c + 4, at, strlen(at) + 1);
			memcpy(c + 1, "***", 3);
		}
	}
	pw = strstr(buf, "password=");
	if (pw) {
		pw += 9;
		end = pw + strcspn(pw, "&");
		if (end - pw > 0 && (size_t)(pw - buf) + 3 + strlen(end) < sizeof(buf)) {
			memmove(pw + 3, end, strlen(end) + 1);
			memcpy(pw, "***", 3);
		}
	}
	return buf;
}

/* Open the repository of -repo (created by sks store only). */
static struct sks_repo *repo_open(const struct cm_parsed *p, uint32_t flags,
				  uint32_t *ckr)
{
	const char *where = cm_get(p, "repo");
	struct sks_repo *r = sks_repo_open(where, flags);

	if (!r)
		*ckr = cm_failed("Cannot open the key repository %s: %s.", shown(p),
				 sks_repo_get_message(NULL));
	return r;
}

static uint32_t repo_failed(struct sks_repo *r, const char *what)
{
	const char *m = sks_repo_get_message(r);

	if (m && *m && sks_last_result() == SKS_CKR_DEVICE_ERROR)
		return cm_failed("%s: %s.", what, m);
	return cm_failed("%s.", what);
}

/* -id as hex bytes (CKA_ID). */
static int parse_id(const char *s, uint8_t *out, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > SKS_OBJ_ID_MAX)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static size_t set_bytes(const struct sks_blob_set *set)
{
	size_t total = 0;

	for (size_t i = 0; i < sks_blob_set_get_count(set); i++) {
		size_t len;

		sks_blob_set_get_blob(set, i, &len);
		total += len;
	}
	return total;
}

uint32_t cm_sks_store(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "name"), *file = cm_get(p, "file");
	const char *hs = cm_get(p, "handles"), *ids = cm_get(p, "id");
	int all = cm_has(p, "all"), del = cm_has(p, "delete");
	struct sks_blob_set *set = NULL;
	struct sks_session *s = NULL;
	struct sks_repo *r = NULL;
	uint8_t kid[SKS_OBJ_ID_MAX];
	uint32_t ckr = CKR_OK, *h = NULL;
	size_t kid_len = 0, n = 0;
	int64_t id;

	if (!cm_get(p, "repo") || !name || (!!file + !!hs + all) != 1)
		return cm_syntax("Give -repo, -name and one of -file <file>, -handles <h,h,...> and -all.");
	if (del && file)
		return cm_syntax("Option -delete goes with -handles or -all.");
	if (ids && parse_id(ids, kid, &kid_len))
		return cm_syntax("Option -id needs up to %d bytes in hex.", SKS_OBJ_ID_MAX);
	if (hs && cm_parse_handles(hs, &h, &n))
		return cm_syntax("Option -handles needs a comma separated list of handles.");
	if (file) {
		set = cm_load_blobs(file, &ckr);
	} else {
		s = cm_current(st, &ckr);
		if (s && all) {
			h = sks_object_find(s, NULL, 0, &n);
			if (!h)
				ckr = cm_failed("Failed to list the objects.");
			else if (!n) {
				cm_para("Error: There are no objects to extract.");
				ckr = SKS_CKR_OBJECT_HANDLE_INVALID;
			}
		}
		if (ckr == CKR_OK && s) {
			set = sks_blob_extract(s, h, n, 0);
			if (!set)
				ckr = cm_failed_why("SKS extract failed");
		}
	}
	if (!set)
		goto out;
	r = repo_open(p, SKS_REPO_CREATE, &ckr);
	if (!r)
		goto out;
	if (sks_repo_store(r, name, cm_get(p, "label"), kid, kid_len, set,
			   cm_has(p, "replace") ? SKS_REPO_REPLACE : 0, &id)) {
		if (errno == EEXIST)
			ckr = cm_failed("The repository has an entry named '%s' already; give -replace\n"
					"to replace its blobs.", name);
		else
			ckr = repo_failed(r, "Storing the blobs failed");
		if (del)
			cm_para("No object was destroyed.");
		goto out;
	}
	cm_para("Stored %zu object(s) in %zu SKS blob(s), %zu bytes, as entry '%s' (id %" PRId64 ")\n"
		"of the %s repository %s.",
		sks_blob_set_get_object_count(set), sks_blob_set_get_count(set),
		set_bytes(set), name, id, sks_repo_get_backend(r), shown(p));
	/* -delete: the objects go once their blobs are committed. */
	for (size_t i = 0; del && i < n; i++)
		if (sks_object_destroy(s, h[i]) && ckr == CKR_OK)
			ckr = cm_failed("Object %u could not be destroyed; it is in the repository too.",
					h[i]);
out:
	sks_repo_close(r);
	sks_blob_set_free(set);
	free(h);
	return ckr;
}

/* The entry chosen by -name, -entry or -label. */
static struct sks_repo_entry *pick_entry(struct sks_repo *r,
					 const struct cm_parsed *p,
					 uint32_t *ckr)
{
	const char *name = cm_get(p, "name"), *label = cm_get(p, "label");
	const char *ent = cm_get(p, "entry");
	struct sks_repo_entry *e;
	unsigned long long v = 0;
	int64_t id;

	if (ent) {
		cm_parse_uint(ent, INT64_MAX, &v);
		id = (int64_t)v;
		e = sks_repo_fetch(r, SKS_REPO_BY_ID, &id, 0);
	} else if (name) {
		e = sks_repo_fetch(r, SKS_REPO_BY_NAME, name, 0);
	} else {
		e = sks_repo_fetch(r, SKS_REPO_BY_LABEL, label, 0);
	}
	if (e)
		return e;
	if (errno == ENOENT)
		*ckr = cm_failed("The repository has no such entry.");
	else if (errno == ENOTUNIQ)
		*ckr = cm_failed("More than one entry has the label '%s'; 'sks list -repo <r> -label %s'\n"
				 "shows them: fetch one by -name or -entry.", label, label);
	else
		*ckr = repo_failed(r, "Reading the entry failed");
	return NULL;
}

uint32_t cm_sks_fetch(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file"), *ent = cm_get(p, "entry");
	int ins = cm_has(p, "insert");
	unsigned long long v;
	struct sks_repo_entry *e = NULL;
	const struct sks_blob_set *set;
	struct sks_session *s = NULL;
	struct sks_repo *r;
	uint32_t ckr = CKR_OK, *h;
	size_t n;

	if (!cm_get(p, "repo") ||
	    (!!cm_get(p, "name") + !!ent + !!cm_get(p, "label")) != 1 ||
	    (!!file + ins) != 1)
		return cm_syntax("Give -repo, one of -name, -entry and -label, and one of -file <file>\n"
				 "and -insert.");
	if (ent && cm_parse_uint(ent, INT64_MAX, &v))
		return cm_syntax("Option -entry needs an entry id (sks list shows them).");
	if (file && cm_check_writable(file))
		return cm_write_error(file, errno);
	if (ins) {
		s = cm_current(st, &ckr);
		if (!s)
			return ckr;
	}
	r = repo_open(p, 0, &ckr);
	if (!r)
		return ckr;
	e = pick_entry(r, p, &ckr);
	if (!e)
		goto out;
	set = sks_repo_entry_get_blobs(e);
	if (file) {
		if (cm_write_file(file, NULL, 0, set))
			ckr = cm_write_error(file, errno);
		else
			cm_para("Fetched entry '%s': %zu object(s) in %zu SKS blob(s), %zu bytes, written to %s.",
				sks_repo_entry_get_name(e), sks_blob_set_get_object_count(set),
				sks_blob_set_get_count(set), set_bytes(set), file);
		goto out;
	}
	h = sks_blob_insert(s, set, &n);
	if (!h) {
		ckr = cm_failed("SKS insert failed: %s; no object was inserted.", sks_strerror(sks_last_result()));
		goto out;
	}
	printf("\nInserted %zu object(s) of entry '%s' from %zu SKS blob(s). Handles:", n,
	       sks_repo_entry_get_name(e), sks_blob_set_get_count(set));
	for (size_t i = 0; i < n; i++)
		printf("%s%u", i ? "," : " ", h[i]);
	printf("\n");
	free(h);
out:
	sks_repo_entry_free(e);
	sks_repo_close(r);
	return ckr;
}

/* The current slot's SMK fingerprints, if it has them: 1 if read. */
static int slot_fps(struct cm_state *st, uint8_t *prim, uint8_t *roll,
		    int *has_roll)
{
	struct sks_session_desc *d = NULL;
	const uint8_t *fp;

	*has_roll = 0;
	if (st->have_slot && cm_session_on(st, st->slot))
		d = sks_session_get_desc(st->sess[st->slot]);
	if (!d || !(fp = sks_session_desc_get_smk_fingerprint(d))) {
		sks_session_desc_free(d);
		return 0;
	}
	memcpy(prim, fp, SKS_FINGERPRINT_LEN);
	fp = sks_session_desc_get_rollover_fingerprint(d);
	if (fp) {
		memcpy(roll, fp, SKS_FINGERPRINT_LEN);
		*has_roll = 1;
	}
	sks_session_desc_free(d);
	return 1;
}

static void fmt_time(int64_t t, char *out, size_t room)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, room, "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(out, room, "%" PRId64, t);
}

uint32_t cm_sks_list(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "name"), *label = cm_get(p, "label");
	int roll = cm_has(p, "rollover"), prim = cm_has(p, "primary");
	int count_only = cm_has(p, "count"), has_roll = 0, known;
	uint8_t pfp[SKS_FINGERPRINT_LEN], rfp[SKS_FINGERPRINT_LEN];
	uint64_t n = 0, np = 0, nr = 0, all = 0;
	const struct sks_repo_entry *e;
	struct sks_repo_iter *it = NULL;
	struct sks_repo *r;
	uint32_t ckr = CKR_OK;
	unsigned int by = SKS_REPO_ALL;
	const void *key = NULL;

	if (!cm_get(p, "repo") || (!!name + !!label + roll + prim) > 1)
		return cm_syntax("Give -repo and at most one of -name, -label, -rollover and -primary.");
	known = slot_fps(st, pfp, rfp, &has_roll);
	if ((roll || prim) && !known)
		return cm_syntax("Options -rollover and -primary need a current slot with an SMK.");
	if (roll && !has_roll) {
		cm_para("No SMK rollover is running on slot %u: no entry can be under a rollover SMK.",
			st->slot);
		return CKR_OK;
	}
	r = repo_open(p, 0, &ckr);
	if (!r)
		return ckr;
	if (name) {
		by = SKS_REPO_BY_NAME;
		key = name;
	} else if (label) {
		by = SKS_REPO_BY_LABEL;
		key = label;
	} else if (roll || prim) {
		by = SKS_REPO_BY_FINGERPRINT;
		key = roll ? rfp : pfp;
	}
	if (!count_only) {
		it = sks_repo_list(r, by, key, 0, 0);
		if (!it) {
			ckr = repo_failed(r, "Listing the repository failed");
			goto out;
		}
		printf("\n\tId\tName\tLabel\tObjects\tBlobs\tBytes\tSMK\tUpdated (UTC)\n");
		while (!sks_repo_iter_next(it, &e) && e) {
			const uint8_t *fp = sks_repo_entry_get_fingerprint(e);
			char smk[2 * SKS_FINGERPRINT_LEN + 1], when[32];

			cm_hex(fp, SKS_FINGERPRINT_LEN, smk);
			if (known && !memcmp(fp, pfp, sizeof(pfp)))
				snprintf(smk, sizeof(smk), "primary");
			else if (has_roll && !memcmp(fp, rfp, sizeof(rfp)))
				snprintf(smk, sizeof(smk), "rollover");
			fmt_time(sks_repo_entry_get_updated(e), when, sizeof(when));
			printf("\t%" PRId64 "\t%s\t%s\t%u\t%u\t%" PRIu64 "\t%s\t%s\n",
			       sks_repo_entry_get_id(e), sks_repo_entry_get_name(e),
			       sks_repo_entry_get_label(e),
			       sks_repo_entry_get_object_count(e),
			       sks_repo_entry_get_blob_count(e),
			       sks_repo_entry_get_size(e), smk, when);
			n++;
		}
		if (sks_last_result() != SKS_CKR_OK) {
			ckr = repo_failed(r, "Listing the repository failed");
			goto out;
		}
		printf("\tNumber of entries listed:  %" PRIu64 "\n", n);
	}
	/* The summary, from the indexes. */
	if (sks_repo_count(r, SKS_REPO_ALL, NULL, 0, &all) ||
	    (known && sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, pfp, 0, &np)) ||
	    (has_roll && sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, rfp, 0, &nr))) {
		ckr = repo_failed(r, "Counting the entries failed");
		goto out;
	}
	if (!known)
		cm_para("The %s repository %s holds %" PRIu64 " entr%s.",
			sks_repo_get_backend(r), shown(p), all, all == 1 ? "y" : "ies");
	else
		cm_para("The %s repository %s holds %" PRIu64 " entr%s: %" PRIu64 " under the primary SMK\n"
			"of slot %u, %" PRIu64 " under its rollover SMK, %" PRIu64 " under other SMKs.",
			sks_repo_get_backend(r), shown(p), all, all == 1 ? "y" : "ies",
			np, st->slot, nr, all - np - nr);
out:
	sks_repo_iter_free(it);
	sks_repo_close(r);
	return ckr;
}

/* ---- sks rewrap ---------------------------------------------------------- */

struct rewrap_view {
	int tty;
	double t0, last;
	uint64_t base;		/* entries done before this run (none) */
	int stopped;
	int shown;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether a Ctrl-C is waiting (SIGINT is blocked while a command runs). */
static int sigint_pending(void)
{
	sigset_t set;

	return !sigpending(&set) && sigismember(&set, SIGINT);
}

static void fmt_secs(double s, char *out, size_t room)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	snprintf(out, room, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

static void show_progress(struct rewrap_view *v, const struct sks_repo_progress *pr,
			  int last)
{
	double el = mono() - v->t0;
	uint64_t handled = pr->done + pr->failed + pr->skipped;
	double rate = el > 0 ? pr->done / el : 0;
	char eta[32];

	fmt_secs(rate > 0 && pr->total > handled ? (pr->total - handled) / rate : 0,
		 eta, sizeof(eta));
	if (v->tty) {
		int width = 30, fill = pr->total ? (int)(width * handled / pr->total) : width;

		if (fill > width)
			fill = width;
		printf("\r\t[%.*s%*s] %" PRIu64 "/%" PRIu64 " entries  %.0f/s  ETA %s ",
		       fill, "##############################", width - fill, "",
		       handled, pr->total, rate, eta);
		if (last)
			printf("\n");
	} else {
		printf("\tRewrapped %" PRIu64 " of %" PRIu64 " entries, %.0f entries/s, ETA %s\n",
		       pr->done, pr->total, rate, eta);
	}
	fflush(stdout);
	v->shown = 1;
}

static int on_progress(const struct sks_repo_progress *pr, void *arg)
{
	struct rewrap_view *v = arg;
	double t = mono();

	if (pr->failed_name) {
		if (v->tty && v->shown)
			printf("\n");
		printf("\tRefused: entry '%s': %s (%s); it is left as it was.\n",
		       pr->failed_name, sks_strerror(pr->failed_result),
		       sks_result_name(pr->failed_result) ?: "?");
		v->last = 0;	/* redraw */
	} else if (t - v->last >= (v->tty ? 0.2 : 5.0)) {
		v->last = t;
		show_progress(v, pr, 0);
	}
	if (sigint_pending()) {
		v->stopped = 1;
		return 1;
	}
	return 0;
}

/* sks rewrap -file: a group file made anew under the primary SMK. */
static uint32_t rewrap_file(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file"), *out = cm_get(p, "out");
	struct sks_blob_set *set, *nset;
	struct sks_session *s;
	uint32_t ckr = CKR_OK;
	size_t refused;

	if (!out)
		out = file;
	if (cm_check_writable(out))
		return cm_write_error(out, errno);
	set = cm_load_blobs(file, &ckr);
	if (!set)
		return ckr;
	s = cm_current(st, &ckr);
	if (!s) {
		sks_blob_set_free(set);
		return ckr;
	}
	nset = sks_blob_rewrap(s, set, &refused);
	if (!nset) {
		if (refused != SIZE_MAX)
			ckr = cm_failed("Blob %zu of %s was refused; nothing was written.",
					refused + 1, file);
		else
			ckr = cm_failed("SKS rewrap failed: %s; nothing was written.", sks_strerror(sks_last_result()));
	} else if (cm_write_file(out, NULL, 0, nset)) {
		ckr = cm_write_error(out, errno);
	} else {
		cm_para("Rewrapped %zu object(s) in %zu SKS blob(s) under the primary SMK, written to %s.",
			sks_blob_set_get_object_count(nset), sks_blob_set_get_count(nset), out);
	}
	sks_blob_set_free(nset);
	sks_blob_set_free(set);
	return ckr;
}

uint32_t cm_sks_rewrap(struct cm_state *st, const struct cm_parsed *p)
{
	const char *where = cm_get(p, "repo"), *bs = cm_get(p, "batch");
	struct rewrap_view v = { .tty = isatty(STDOUT_FILENO) };
	uint8_t pfp[SKS_FINGERPRINT_LEN], rfp[SKS_FINGERPRINT_LEN];
	struct sks_repo_progress pr = { 0 };
	unsigned long long batch = 0;
	sigset_t block, old;
	struct sks_session *s;
	struct sks_repo *r;
	uint32_t ckr = CKR_OK;
	uint64_t left = 0;
	int has_roll, rc;
	char took[32];

	if (!where == !cm_get(p, "file"))
		return cm_syntax("Give one of -repo <file|postgresql://...> and -file <file>.");
	if (bs && (cm_parse_uint(bs, 100000, &batch) || !batch))
		return cm_syntax("Option -batch needs a number of entries, 1 to 100000.");
	if (cm_get(p, "file"))
		return rewrap_file(st, p);
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	if (!slot_fps(st, pfp, rfp, &has_roll) || !has_roll)
		return cm_failed("No SMK rollover is running on slot %u: there is nothing to rewrap.\n"
				 "Start one with 'partition smkrollover -start'.", st->slot);
	r = repo_open(p, 0, &ckr);
	if (!r)
		return ckr;
	/* Ctrl-C stops after the batch being written (skscm blocks SIGINT
	 * while a command runs when it reads a terminal; block it here too). */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	cm_para("Rewrapping the entries of %s under the rollover SMK of slot %u (Ctrl-C stops\n"
		"after the batch being written; run the command again to go on).", shown(p), st->slot);
	v.t0 = mono();
	rc = sks_repo_rewrap(r, s, (size_t)batch, on_progress, &v, &pr);
	if (rc)
		ckr = repo_failed(r, "SKS rewrap failed");
	else if (v.shown || pr.total)
		show_progress(&v, &pr, 1);
	if (v.stopped && !sigismember(&old, SIGINT)) {
		/* (skscm does not catch it here: take it before unblocking) */
		struct timespec zero = { 0, 0 };

		sigtimedwait(&block, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	fmt_secs(mono() - v.t0, took, sizeof(took));
	if (!rc)
		cm_para("Rewrapped %" PRIu64 " entr%s (%" PRIu64 " bytes) in %s; %" PRIu64 " refused, %" PRIu64
			" changed by someone\nelse meanwhile.",
			pr.done, pr.done == 1 ? "y" : "ies", pr.bytes, took, pr.failed, pr.skipped);
	if (sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, rfp, 0, &left)) {
		if (ckr == CKR_OK)
			ckr = repo_failed(r, "Counting the entries failed");
	} else if (left) {
		cm_para("%" PRIu64 " entr%s of %s %s still under the rollover SMK.%s", left,
			left == 1 ? "y" : "ies", shown(p), left == 1 ? "is" : "are",
			pr.failed ? " Entries refused above cannot be\nrewrapped: look at them before ending the rollover." :
				    " Run the command again to go on.");
	} else {
		cm_para("No entry of %s is under the rollover SMK: 'partition smkrollover -end -repo %s'\n"
			"may end the rollover.", shown(p), shown(p));
	}
	sks_repo_close(r);
	if (ckr != CKR_OK)
		return ckr;
	if (v.stopped) {
		cm_para("Stopped by Ctrl-C; what was rewrapped is kept.");
		return CM_CKR_CANCEL;
	}
	if (left) {
		printf("\nError: The rewrap did not finish.\n");
		return SKS_CKR_FUNCTION_FAILED;
	}
	return CKR_OK;
}

/*
 * partition smkrollover -end -repo: how many entries of the repository
 * still need the rollover SMK of @s's partition. CKR_OK to go on.
 */
uint32_t cm_repo_rollover_check(struct cm_state *st, const struct cm_parsed *p,
				struct sks_session *s)
{
	struct sks_session_desc *d = sks_session_get_desc(s);
	uint8_t rfp[SKS_FINGERPRINT_LEN];
	uint32_t ckr = CKR_OK;
	struct sks_repo *r;
	uint64_t n = 0;

	if (!d)
		return cm_failed("Failed to read slot %u.", st->slot);
	if (!sks_session_desc_get_rollover_fingerprint(d)) {
		sks_session_desc_free(d);
		return CKR_OK;	/* (the driver says there is no rollover) */
	}
	memcpy(rfp, sks_session_desc_get_rollover_fingerprint(d), sizeof(rfp));
	sks_session_desc_free(d);
	r = repo_open(p, 0, &ckr);
	if (!r) {
		cm_para("The rollover was not ended: the repository could not be checked.");
		return ckr;
	}
	if (sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, rfp, 0, &n)) {
		ckr = repo_failed(r, "Counting the entries failed");
		cm_para("The rollover was not ended: the repository could not be checked.");
	} else if (!n) {
		cm_para("The repository %s has no entry under the rollover SMK.", shown(p));
	} else if (!cm_has(p, "force")) {
		printf("\nError: %" PRIu64 " entr%s of the repository %s %s still under the rollover SMK:\n"
		       "ending the rollover would destroy the only SMK that opens %s. Rewrap %s\n"
		       "with 'sks rewrap -repo %s' first, or give -force to end the rollover all\n"
		       "the same.\n", n, n == 1 ? "y" : "ies", shown(p), n == 1 ? "is" : "are",
		       n == 1 ? "it" : "them", n == 1 ? "it" : "them", shown(p));
		ckr = SKS_CKR_FUNCTION_FAILED;
	} else {
		cm_para("CAUTION: %" PRIu64 " entr%s of the repository %s %s still under the rollover SMK.\n"
			"Ending the rollover destroys that SMK: %s can never be inserted again.",
			n, n == 1 ? "y" : "ies", shown(p), n == 1 ? "is" : "are",
			n == 1 ? "it" : "they");
	}
	sks_repo_close(r);
	return ckr;
}
