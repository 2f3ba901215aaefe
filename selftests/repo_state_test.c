// SPDX-License-Identifier: GPL-2.0
/*
 * A rollover through a key repository survives the loss of the kernel's
 * state: the partition's sealed state record (SKS_CTL_STATE_SAVE, with
 * both SMKs) is loaded back and the rewrap picks up where it stopped.
 *
 * Run without arguments: one boot, the slot deleted and loaded back from
 * its record between two parts of the rewrap.
 * "power1 DIR" and "power2 DIR" are the two boots of
 * tests/repo_poweroff_test.sh: the first fills an SQLite repository on the
 * VM's disk (DIR), saves the records, starts the rewrap and cuts the power
 * (reboot(2), nothing synced) at a random point after the first commit;
 * the second loads the records, checks the file and every entry, resumes,
 * ends the rollover and decrypts every record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <sks.h>
#include <sks_repo.h>

#include "kselftest_harness.h"

#define SO_PW	"so-secret-1"
#define CO_PW	"co-secret-1"
#define REC_LEN	24

struct record {
	uint8_t iv[SKS_GCM_IV_LEN];
	uint8_t ct[REC_LEN + SKS_GCM_TAG_LEN];
};

static void record_text(size_t k, uint8_t *out)
{
	memset(out, 0, REC_LEN);
	snprintf((char *)out, REC_LEN, "record %zu", k);
}

/* A new V1 partition with a CO session; the slot number in *@slot. */
static struct sks_session *new_partition(struct sks_hsm *hsm, unsigned int *slot)
{
	struct sks_session *s;

	if (sks_hsm_create_partition(hsm, SKS_SLOT_V1, 0, slot))
		return NULL;
	s = sks_session_open(*slot);
	if (!s || sks_session_init_partition(s, SO_PW, "state-domain", "repostate") ||
	    sks_session_login(s, SKS_ROLE_SO, SO_PW) ||
	    sks_session_init_role(s, SKS_ROLE_CO, CO_PW) ||
	    sks_session_logout(s) || sks_session_login(s, SKS_ROLE_CO, CO_PW)) {
		sks_session_close(s);
		return NULL;
	}
	return s;
}

/* @n one-key entries "k<i>", each key encrypting its record into @rec. */
static int fill(struct sks_session *s, struct sks_repo *r, size_t n,
		struct record *rec)
{
	struct sks_attrs *a = sks_attrs_new();
	int ret = -1;

	if (!a || sks_repo_begin(r))
		goto out;
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_PRIVATE | SKS_OBJ_EXTRACTABLE |
			    SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	for (size_t i = 0; i < n; i++) {
		uint8_t text[REC_LEN];
		size_t len = sizeof(rec[i].ct);
		struct sks_blob_set *set;
		char name[32];
		uint32_t h;

		record_text(i, text);
		if (sks_object_generate(s, SKS_CKM_AES_KEY_GEN, a, &h) ||
		    sks_crypto_encrypt(s, h, NULL, 0, text, REC_LEN, rec[i].iv,
				       rec[i].ct, &len))
			goto out;
		set = sks_blob_extract(s, &h, 1, SKS_EXTRACT_DELETE);
		snprintf(name, sizeof(name), "k%zu", i);
		if (!set || sks_repo_store(r, name, NULL, NULL, 0, set, 0, NULL)) {
			sks_blob_set_free(set);
			goto out;
		}
		sks_blob_set_free(set);
	}
	ret = sks_repo_commit(r);
out:
	sks_attrs_free(a);
	return ret;
}

/* Fetch, insert and decrypt with entry k<i>: 0 if its record comes back. */
static int check_entry(struct sks_session *s, struct sks_repo *r, size_t i,
		       const struct record *rec)
{
	uint8_t want[REC_LEN], got[REC_LEN];
	struct sks_repo_entry *e;
	size_t n, len = sizeof(got);
	char name[32];
	uint32_t *h;
	int ret = -1;

	snprintf(name, sizeof(name), "k%zu", i);
	e = sks_repo_fetch(r, SKS_REPO_BY_NAME, name, 0);
	h = e ? sks_blob_insert(s, sks_repo_entry_get_blobs(e), &n) : NULL;
	if (h && n == 1 &&
	    !sks_crypto_decrypt(s, h[0], NULL, 0, rec[i].iv, rec[i].ct,
				sizeof(rec[i].ct), got, &len)) {
		record_text(i, want);
		ret = len == REC_LEN && !memcmp(want, got, REC_LEN) ? 0 : -1;
	}
	if (h)
		sks_object_destroy(s, h[0]);
	free(h);
	sks_repo_entry_free(e);
	return ret;
}

/* SKS_CTL_STATE_SAVE (slot @slot, or the HSM record) into a new buffer. */
static uint8_t *state_save(struct sks_hsm *hsm, unsigned int slot, int hsm_rec,
			   uint32_t *len)
{
	struct sks_state_save ss = { .slot = slot,
				     .flags = hsm_rec ? SKS_STATE_SAVE_HSM : 0 };
	int fd = sks_hsm_get_fd(hsm);
	uint8_t *buf;

	if (ioctl(fd, SKS_CTL_STATE_SAVE, &ss))
		return NULL;
	buf = malloc(ss.record_len);
	if (!buf)
		return NULL;
	ss.record = (uintptr_t)buf;
	if (ioctl(fd, SKS_CTL_STATE_SAVE, &ss)) {
		free(buf);
		return NULL;
	}
	*len = ss.record_len;
	return buf;
}

static int state_load(struct sks_hsm *hsm, const uint8_t *rec, uint32_t len,
		      unsigned int *slot)
{
	struct sks_state_load sl = { .record = (uintptr_t)rec, .record_len = len };

	if (ioctl(sks_hsm_get_fd(hsm), SKS_CTL_STATE_LOAD, &sl))
		return -errno;
	if (slot)
		*slot = sl.slot;
	return 0;
}

static void fingerprints(struct sks_session *s, uint8_t *prim, uint8_t *roll)
{
	struct sks_session_desc *d = sks_session_get_desc(s);
	const uint8_t *p = d ? sks_session_desc_get_smk_fingerprint(d) : NULL;
	const uint8_t *r = d ? sks_session_desc_get_rollover_fingerprint(d) : NULL;

	memset(prim, 0, SKS_FINGERPRINT_LEN);
	memset(roll, 0, SKS_FINGERPRINT_LEN);
	if (p)
		memcpy(prim, p, SKS_FINGERPRINT_LEN);
	if (r)
		memcpy(roll, r, SKS_FINGERPRINT_LEN);
	sks_session_desc_free(d);
}

static int stop_after_two(const struct sks_repo_progress *pr, void *arg)
{
	(void)arg;
	return !pr->failed_name && pr->done >= 2 * 16;
}

TEST(a_rewrap_goes_on_after_the_partition_is_loaded_from_its_record)
{
	enum { N = 200 };
	struct record *rec = calloc(N, sizeof(*rec));
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	uint8_t old_fp[16], new_fp[16], fp2[16], old2[16];
	struct sks_repo_progress pr;
	struct sks_session *s;
	struct sks_repo *r;
	unsigned int slot, slot2;
	uint64_t n;
	uint8_t *srec;
	uint32_t slen;
	char db[64];

	ASSERT_NE(NULL, rec);
	ASSERT_NE(NULL, hsm);
	s = new_partition(hsm, &slot);
	ASSERT_NE(NULL, s);
	snprintf(db, sizeof(db), "/tmp/repo-state-%d.db", getpid());
	r = sks_repo_open(db, SKS_REPO_CREATE);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, fill(s, r, N, rec));
	ASSERT_EQ(0, sks_session_smk_rollover(s, SKS_ROLLOVER_START));
	fingerprints(s, new_fp, old_fp);
	ASSERT_EQ(0, sks_repo_rewrap(r, s, 16, stop_after_two, NULL, &pr));
	EXPECT_EQ(32, pr.done);

	/* the kernel's state goes and comes back from the record */
	srec = state_save(hsm, slot, 0, &slen);
	ASSERT_NE(NULL, srec);
	sks_session_close(s);
	ASSERT_EQ(0, sks_hsm_delete_slot(hsm, slot));
	ASSERT_EQ(0, state_load(hsm, srec, slen, &slot2));
	EXPECT_EQ(slot, slot2);
	free(srec);
	s = sks_session_open(slot);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, sks_session_login(s, SKS_ROLE_CO, CO_PW));	/* activates */
	fingerprints(s, fp2, old2);
	EXPECT_EQ(0, memcmp(fp2, new_fp, 16));
	EXPECT_EQ(0, memcmp(old2, old_fp, 16));

	ASSERT_EQ(0, sks_repo_rewrap(r, s, 16, NULL, NULL, &pr));
	EXPECT_EQ(N - 32, pr.total);
	EXPECT_EQ(N - 32, pr.done);
	ASSERT_EQ(0, sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(0, sks_session_smk_rollover(s, SKS_ROLLOVER_END));
	for (size_t i = 0; i < N; i++) {
		ASSERT_EQ(0, check_entry(s, r, i, rec)) TH_LOG("entry k%zu", i);
	}
	sks_repo_close(r);
	unlink(db);
	sks_session_close(s);
	sks_hsm_delete_slot(hsm, slot);
	sks_hsm_close(hsm);
	free(rec);
}

/* ---- the two boots of tests/repo_poweroff_test.sh ------------------------ */

#define POWER_KEYS	1500

static int write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ok = write(fd, p, len) == (ssize_t)len && !fsync(fd);
	close(fd);
	return ok ? 0 : -1;
}

static uint8_t *read_file(const char *dir, const char *name, uint32_t *len)
{
	char path[256];
	uint8_t *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (uint32_t)n;
	}
	fclose(f);
	return buf;
}

static int power1(const char *dir)
{
	struct record *rec = calloc(POWER_KEYS, sizeof(*rec));
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	uint8_t fps[32], *hrec, *srec;
	struct sks_session *s;
	struct sks_repo *r;
	uint32_t hlen, slen;
	unsigned int slot;
	char db[256];
	uint64_t n = 0;
	pid_t pid;
	int dfd;

	snprintf(db, sizeof(db), "%s/keys.db", dir);
	s = hsm && rec ? new_partition(hsm, &slot) : NULL;
	r = s ? sks_repo_open(db, SKS_REPO_CREATE) : NULL;
	if (!r || fill(s, r, POWER_KEYS, rec) ||
	    sks_session_smk_rollover(s, SKS_ROLLOVER_START)) {
		printf("power1: setting up failed: %s\n", strerror(errno));
		return 1;
	}
	fingerprints(s, fps, fps + 16);
	hrec = state_save(hsm, 0, 1, &hlen);
	srec = state_save(hsm, slot, 0, &slen);
	if (!hrec || !srec || write_file(dir, "hsm.rec", hrec, hlen) ||
	    write_file(dir, "slot.rec", srec, slen) ||
	    write_file(dir, "records", rec, POWER_KEYS * sizeof(*rec)) ||
	    write_file(dir, "fps", fps, sizeof(fps))) {
		printf("power1: saving the state failed\n");
		return 1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	pid = fork();
	if (!pid) {
		struct sks_session *cs = sks_session_open(slot);
		struct sks_repo *cr = sks_repo_open(db, 0);

		if (!cs || !cr || sks_session_login(cs, SKS_ROLE_CO, CO_PW))
			_exit(2);
		_exit(sks_repo_rewrap(cr, cs, 4, NULL, NULL, NULL) ? 1 : 0);
	}
	/* after the first commit, at a random point: the power goes */
	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	while (!n) {
		usleep(20000);
		if (sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, fps, 0, &n))
			n = 0;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
	}
	usleep((useconds_t)(rand() % 400000));
	printf("power1: %llu entries seen rewrapped; the power goes now\n",
	       (unsigned long long)n);
	fflush(stdout);
	reboot(RB_POWER_OFF);	/* nothing synced: what was fsync'd stays */
	printf("power1: reboot failed: %s\n", strerror(errno));
	return 1;
}

static int tap_n;
static int tap_fail;

static void tap(int ok, const char *what)
{
	printf("%sok %d repo_poweroff.%s\n", ok ? "" : "not ", ++tap_n, what);
	tap_fail |= !ok;
}

static int integrity_ok(const char *db)
{
	sqlite3 *d = NULL;
	sqlite3_stmt *st = NULL;
	int ok = 0;

	if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(d, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(d);
	return ok;
}

static int power2(const char *dir)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	uint32_t hlen = 0, slen = 0, rlen = 0, flen = 0;
	uint8_t *hrec = read_file(dir, "hsm.rec", &hlen);
	uint8_t *srec = read_file(dir, "slot.rec", &slen);
	struct record *rec = (struct record *)read_file(dir, "records", &rlen);
	uint8_t *fps = read_file(dir, "fps", &flen);
	const struct sks_repo_entry *e;
	struct sks_repo_progress pr;
	struct sks_session *s = NULL;
	struct sks_repo_iter *it;
	struct sks_repo *r = NULL;
	uint64_t nold = 0, nnew = 0, whole = 0, all = 0;
	unsigned int slot = 0;
	char db[256];
	int ok;

	printf("TAP version 13\n1..8\n");
	tap(hsm && hrec && srec && rec && fps && flen == 32 &&
	    rlen == POWER_KEYS * sizeof(*rec), "boot_1_left_its_files");
	if (tap_fail)
		return 1;
	ok = !state_load(hsm, hrec, hlen, NULL) && !state_load(hsm, srec, slen, &slot);
	s = ok ? sks_session_open(slot) : NULL;
	tap(s && !sks_session_login(s, SKS_ROLE_CO, CO_PW),
	    "the_partition_comes_back_from_its_record_with_both_smks");
	snprintf(db, sizeof(db), "%s/keys.db", dir);
	tap(integrity_ok(db), "the_sqlite_file_is_intact_after_the_power_cut");
	r = sks_repo_open(db, 0);
	if (!s || !r) {
		tap(0, "the_repository_opens");
		return 1;
	}
	/* every entry whole, under one SMK or the other, blobs and all */
	it = sks_repo_list(r, SKS_REPO_ALL, NULL, 0, SKS_REPO_WITH_BLOBS);
	while (it && !sks_repo_iter_next(it, &e) && e) {
		const uint8_t *fp = sks_repo_entry_get_fingerprint(e);
		const struct sks_blob_set *set = sks_repo_entry_get_blobs(e);
		uint8_t bfp[16];
		size_t len;
		const uint8_t *b = sks_blob_set_get_blob(set, 0, &len);

		all++;
		nnew += !memcmp(fp, fps, 16);
		nold += !memcmp(fp, fps + 16, 16);
		whole += sks_blob_set_get_count(set) == 1 &&
			 !sks_blob_get_fingerprint(b, len, bfp) && !memcmp(bfp, fp, 16);
	}
	sks_repo_iter_free(it);
	printf("# after the cut: %llu entries rewrapped, %llu under the old SMK\n",
	       (unsigned long long)nnew, (unsigned long long)nold);
	tap(all == POWER_KEYS && nnew + nold == all && whole == all,
	    "every_entry_is_whole_under_one_smk_or_the_other");
	tap(nnew > 0 && nold > 0, "the_power_went_in_the_middle_of_the_walk");
	ok = !sks_repo_rewrap(r, s, 0, NULL, NULL, &pr) && pr.done == nold &&
	     !sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, fps + 16, 0, &nold) && !nold;
	tap(ok, "the_rewrap_resumes_and_finishes");
	tap(!sks_session_smk_rollover(s, SKS_ROLLOVER_END), "the_rollover_ends");
	ok = 1;
	for (size_t i = 0; i < POWER_KEYS && ok; i++)
		if (check_entry(s, r, i, rec)) {
			printf("# entry k%zu does not decrypt its record\n", i);
			ok = 0;
		}
	tap(ok, "every_entry_decrypts_its_record_under_the_new_smk");
	sks_repo_close(r);
	sks_session_close(s);
	sks_hsm_close(hsm);
	free(hrec);
	free(srec);
	free(rec);
	free(fps);
	return tap_fail;
}

static void __attribute__((constructor)) order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "power1"))
		return power1(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "power2"))
		return power2(argv[2]);
	return test_harness_run(argc, argv);
}
