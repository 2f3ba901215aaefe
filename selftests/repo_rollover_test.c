// SPDX-License-Identifier: GPL-2.0
/*
 * An SMK rollover of keys kept in a key repository (libsks's sks_repo_*,
 * an SQLite file here): keys generated, used, extracted in groups and
 * stored; the rollover started; skscm's "partition smkrollover -end -repo"
 * refused; every entry rewrapped (sks_repo_rewrap(), SKS_IOC_REWRAP) in
 * batches; the same end accepted; a sample of keys fetched,
 * inserted and used on what they encrypted before. And the rewrap killed
 * at random points, resumed until done, with nothing lost or doubled.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* What each key encrypted before it left the partition. */
struct record {
	uint8_t iv[SKS_GCM_IV_LEN];
	uint8_t ct[REC_LEN + SKS_GCM_TAG_LEN];
};

struct part {
	struct sks_hsm *hsm;
	unsigned int slot;
	struct sks_session *s;
	char db[64];
	struct sks_repo *repo;
	struct record *rec;	/* by key number */
	size_t keys, per_group;
};

static void record_text(size_t k, uint8_t *out)
{
	memset(out, 0, REC_LEN);
	snprintf((char *)out, REC_LEN, "record %zu", k);
}

static int part_open(struct part *p, const char *label)
{
	memset(p, 0, sizeof(*p));
	p->hsm = sks_hsm_open(NULL);
	if (!p->hsm || sks_hsm_create_partition(p->hsm, SKS_SLOT_V1, 0, &p->slot))
		return -1;
	p->s = sks_session_open(p->slot);
	if (!p->s || sks_session_init_partition(p->s, SO_PW, "repo-domain", label) ||
	    sks_session_login(p->s, SKS_ROLE_SO, SO_PW) ||
	    sks_session_init_role(p->s, SKS_ROLE_CO, CO_PW) ||
	    sks_session_logout(p->s) ||
	    sks_session_login(p->s, SKS_ROLE_CO, CO_PW))
		return -1;
	snprintf(p->db, sizeof(p->db), "/tmp/repo-%s-%d.db", label, getpid());
	p->repo = sks_repo_open(p->db, SKS_REPO_CREATE);
	return p->repo ? 0 : -1;
}

static void part_close(struct part *p)
{
	char f[80];

	sks_repo_close(p->repo);
	sks_session_close(p->s);
	if (p->hsm)
		sks_hsm_delete_slot(p->hsm, p->slot);
	sks_hsm_close(p->hsm);
	free(p->rec);
	unlink(p->db);
	snprintf(f, sizeof(f), "%s-wal", p->db);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", p->db);
	unlink(f);
}

/*
 * @keys AES keys, each encrypting its record, extracted @per_group at a
 * time (deleted from the partition) and stored as entry "g<first key>".
 */
static int fill(struct part *p, size_t keys, size_t per_group)
{
	struct sks_attrs *a = sks_attrs_new();
	uint32_t *h = calloc(per_group, sizeof(*h));
	int ret = -1;

	p->rec = calloc(keys, sizeof(*p->rec));
	p->keys = keys;
	p->per_group = per_group;
	if (!a || !h || !p->rec)
		goto out;
	sks_attrs_set_key_type(a, SKS_CKK_AES);
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_PRIVATE | SKS_OBJ_SENSITIVE |
			    SKS_OBJ_EXTRACTABLE | SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	if (sks_repo_begin(p->repo))
		goto out;
	for (size_t k = 0; k < keys; k += per_group) {
		size_t n = keys - k < per_group ? keys - k : per_group;
		struct sks_blob_set *set;
		char name[32];
		uint32_t kid = (uint32_t)k;

		for (size_t i = 0; i < n; i++) {
			uint8_t text[REC_LEN];
			size_t len = sizeof(p->rec[0].ct);

			record_text(k + i, text);
			if (sks_object_generate(p->s, SKS_CKM_AES_KEY_GEN, a, &h[i]) ||
			    sks_crypto_encrypt(p->s, h[i], NULL, 0, text, REC_LEN,
					       p->rec[k + i].iv, p->rec[k + i].ct, &len))
				goto fail;
		}
		set = sks_blob_extract(p->s, h, n, SKS_EXTRACT_DELETE);
		if (!set)
			goto fail;
		snprintf(name, sizeof(name), "g%zu", k);
		if (sks_repo_store(p->repo, name, n > 1 ? "group" : "single",
				   &kid, sizeof(kid), set, 0, NULL)) {
			sks_blob_set_free(set);
			goto fail;
		}
		sks_blob_set_free(set);
		/* commit now and then: a long fill is not one transaction */
		if ((k / per_group) % 256 == 255 &&
		    (sks_repo_commit(p->repo) || sks_repo_begin(p->repo)))
			goto out;
	}
	ret = sks_repo_commit(p->repo);
	goto out;
fail:
	sks_repo_rollback(p->repo);
out:
	free(h);
	sks_attrs_free(a);
	return ret;
}

/*
 * Fetch the entry of key @k, insert it and decrypt with key @k the record
 * key @r encrypted (@k's own, unless an entry was replaced).
 */
static int check_key_record(struct part *p, size_t k, size_t r)
{
	size_t first = k - k % p->per_group, n, len = REC_LEN;
	struct sks_repo_entry *e;
	uint8_t want[REC_LEN], got[REC_LEN];
	uint32_t *h;
	char name[32];
	int ret = -1;

	snprintf(name, sizeof(name), "g%zu", first);
	e = sks_repo_fetch(p->repo, SKS_REPO_BY_NAME, name, 0);
	if (!e)
		return -1;
	h = sks_blob_insert(p->s, sks_repo_entry_get_blobs(e), &n);
	if (h && n > k - first &&
	    !sks_crypto_decrypt(p->s, h[k - first], NULL, 0, p->rec[r].iv,
				p->rec[r].ct, sizeof(p->rec[r].ct), got, &len)) {
		record_text(r, want);
		ret = len == REC_LEN && !memcmp(want, got, REC_LEN) ? 0 : -1;
	}
	for (size_t i = 0; h && i < n; i++)
		sks_object_destroy(p->s, h[i]);
	free(h);
	sks_repo_entry_free(e);
	return ret;
}

static int check_key(struct part *p, size_t k)
{
	return check_key_record(p, k, k);
}

/* Entries whose fingerprint is @fp, counted by walking every entry. */
static uint64_t walk_count(struct sks_repo *r, const uint8_t *fp, uint64_t *all)
{
	struct sks_repo_iter *it = sks_repo_list(r, SKS_REPO_ALL, NULL, 0, 0);
	const struct sks_repo_entry *e;
	uint64_t n = 0;

	*all = 0;
	while (it && !sks_repo_iter_next(it, &e) && e) {
		(*all)++;
		n += !memcmp(sks_repo_entry_get_fingerprint(e), fp, SKS_FINGERPRINT_LEN);
	}
	sks_repo_iter_free(it);
	return n;
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

/*
 * skscm's "partition smkrollover -end -repo" on @p's slot, "proceed" typed
 * at its question: its transcript in @out (room @room). Its exit status.
 */
static int skscm_end(struct part *p, char *out, size_t room)
{
	char cmd[512];
	size_t n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "echo proceed | skscm -c 'slot set -slot %u' "
		 "-c 'role login -name Crypto Officer -password " CO_PW "' "
		 "-c 'partition smkrollover -end -repo %s' 2>&1",
		 p->slot, p->db);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, room - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int rollover_running(struct sks_session *s)
{
	struct sks_session_desc *d = sks_session_get_desc(s);
	int r = d && (sks_session_desc_get_state(d) & SKS_STATE_SMK_ROLLOVER);

	sks_session_desc_free(d);
	return r;
}

static int batches;

static int count_batches(const struct sks_repo_progress *pr, void *arg)
{
	(void)arg;
	if (!pr->failed_name)
		batches++;
	return 0;
}

TEST(ten_thousand_keys_roll_over_through_the_repository)
{
	enum { KEYS = 10000, GROUP = 50, SAMPLE = 40 };
	struct sks_repo_progress pr;
	uint8_t old_fp[SKS_FINGERPRINT_LEN], new_fp[SKS_FINGERPRINT_LEN], none[16];
	uint64_t n, all;
	struct part p;
	time_t t0 = time(NULL);
	char out[8192];

	ASSERT_EQ(0, part_open(&p, "tenk")) TH_LOG("%s", sks_repo_get_message(NULL));
	ASSERT_EQ(0, fill(&p, KEYS, GROUP)) TH_LOG("%s", sks_repo_get_message(p.repo));
	TH_LOG("10000 keys generated, used, extracted and stored in %ld s",
	       (long)(time(NULL) - t0));
	ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_ALL, NULL, 0, &n));
	ASSERT_EQ(KEYS / GROUP, n);
	EXPECT_EQ(0, check_key(&p, 4321));

	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_START));
	fingerprints(p.s, new_fp, old_fp);
	ASSERT_NE(0, memcmp(new_fp, old_fp, 16));
	ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
	EXPECT_EQ(KEYS / GROUP, n);
	/* the operator's end of the rollover is refused: 200 entries need it */
	EXPECT_NE(0, skscm_end(&p, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "Error: 200 entries of the repository"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "CKR_FUNCTION_FAILED"));
	EXPECT_TRUE(rollover_running(p.s));

	t0 = time(NULL);
	ASSERT_EQ(0, sks_repo_rewrap(p.repo, p.s, 16, count_batches, NULL, &pr))
		TH_LOG("%s", sks_repo_get_message(p.repo));
	TH_LOG("%llu entries rewrapped in %d batches, %ld s",
	       (unsigned long long)pr.done, batches, (long)(time(NULL) - t0));
	EXPECT_EQ(KEYS / GROUP, pr.total);
	EXPECT_EQ(KEYS / GROUP, pr.done);
	EXPECT_EQ(0, pr.failed);
	EXPECT_EQ(0, pr.skipped);
	EXPECT_EQ((KEYS / GROUP + 15) / 16, batches);
	ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(KEYS / GROUP, walk_count(p.repo, new_fp, &all));
	EXPECT_EQ(KEYS / GROUP, all);
	/* done is done: nothing is rewrapped twice */
	ASSERT_EQ(0, sks_repo_rewrap(p.repo, p.s, 16, NULL, NULL, &pr));
	EXPECT_EQ(0, pr.total);
	EXPECT_EQ(0, pr.done);

	/* and now the operator's end goes through */
	EXPECT_EQ(0, skscm_end(&p, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "has no entry under the rollover SMK"));
	EXPECT_NE(NULL, strstr(out, "SMK rollover ended: the old SMK was destroyed."));
	ASSERT_FALSE(rollover_running(p.s));
	fingerprints(p.s, new_fp, none);
	srand((unsigned int)time(NULL));
	for (int i = 0; i < SAMPLE; i++) {
		size_t k = (size_t)rand() % KEYS;

		EXPECT_EQ(0, check_key(&p, k)) TH_LOG("key %zu", k);
	}
	EXPECT_EQ(0, check_key(&p, 0));
	EXPECT_EQ(0, check_key(&p, KEYS - 1));
	/* without the rollover SMK there is nothing to rewrap with */
	EXPECT_EQ(-1, sks_repo_rewrap(p.repo, p.s, 0, NULL, NULL, NULL));
	EXPECT_EQ(ENOKEY, errno);
	part_close(&p);
}

/* A child that rewraps until killed: its own connection and session. */
static void rewrap_child(struct part *p)
{
	struct sks_session *s = sks_session_open(p->slot);
	struct sks_repo *r = sks_repo_open(p->db, 0);

	if (!s || !r || sks_session_login(s, SKS_ROLE_CO, CO_PW))
		_exit(2);
	_exit(sks_repo_rewrap(r, s, 8, NULL, NULL, NULL) ? 1 : 0);
}

TEST(a_killed_rewrap_resumes_with_nothing_lost_or_doubled)
{
	enum { KEYS = 1200, GROUP = 1 };
	uint8_t old_fp[16], new_fp[16];
	uint64_t n, all, before = KEYS, kills = 0, mid = 0;
	struct part p;
	int finished = 0;

	ASSERT_EQ(0, part_open(&p, "kill"));
	ASSERT_EQ(0, fill(&p, KEYS, GROUP));
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_START));
	fingerprints(p.s, new_fp, old_fp);
	srand((unsigned int)getpid());
	for (int round = 0; round < 30 && !finished; round++) {
		pid_t pid = fork();
		int st;

		ASSERT_LE(0, pid);
		if (!pid)
			rewrap_child(&p);
		/* a random point: 20..400 ms in */
		usleep(20000 + (useconds_t)(rand() % 380000));
		if (kill(pid, SIGKILL) == 0)
			kills++;
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		if (WIFSIGNALED(st))
			st = -1;
		if (st != -1) {
			ASSERT_TRUE(WIFEXITED(st));
			ASSERT_EQ(0, WEXITSTATUS(st));
			finished = 1;
		}
		/* every entry is under one SMK or the other, none lost */
		ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_ALL, NULL, 0, &n));
		ASSERT_EQ(KEYS, n);
		ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
		ASSERT_EQ(KEYS, n + walk_count(p.repo, new_fp, &all));
		EXPECT_LE(n, before);	/* progress is never undone */
		/* killed with part of the work done: mid-walk */
		mid += st == -1 && n < before && n > 0;
		before = n;
	}
	TH_LOG("%llu kills (%llu mid-walk), %llu entries left for the last run",
	       (unsigned long long)kills, (unsigned long long)mid,
	       (unsigned long long)before);
	EXPECT_LT(0, mid);
	/* whatever is left, one more run finishes */
	ASSERT_EQ(0, sks_repo_rewrap(p.repo, p.s, 0, NULL, NULL, NULL));
	ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(KEYS, walk_count(p.repo, new_fp, &all));
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_END));
	/* every entry decrypts its record */
	for (size_t k = 0; k < KEYS; k++) {
		ASSERT_EQ(0, check_key(&p, k)) TH_LOG("key %zu", k);
	}
	part_close(&p);
}

struct meddle {
	struct part *p;
	struct sks_blob_set *old;	/* g7's blob, under the old SMK */
	int replaced;
	char failed[32];
	uint32_t failed_result;
};

/*
 * When the damaged entry is refused (its batch read, not yet written),
 * someone else replaces g3 through a connection of their own.
 */
static int meddle(const struct sks_repo_progress *pr, void *arg)
{
	struct meddle *m = arg;
	struct sks_repo *other;

	if (!pr->failed_name)
		return 0;
	snprintf(m->failed, sizeof(m->failed), "%s", pr->failed_name);
	m->failed_result = pr->failed_result;
	if (m->replaced)
		return 0;
	other = sks_repo_open(m->p->db, 0);
	if (other && !sks_repo_store(other, "g3", "replaced", NULL, 0, m->old,
				     SKS_REPO_REPLACE, NULL))
		m->replaced = 1;
	sks_repo_close(other);
	return 0;
}

/* Flip one bit of the sealed part of entry @name's blob, with SQLite. */
static int damage(const char *db, const char *name)
{
	sqlite3 *d = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t buf[SKS_MAX_BLOB_SIZE];
	int len = 0, ok = 0;

	if (sqlite3_open(db, &d) != SQLITE_OK ||
	    sqlite3_prepare_v2(d, "SELECT data FROM sks_blobs WHERE entry_id = "
			       "(SELECT id FROM sks_entries WHERE name = ?1)", -1,
			       &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		len = sqlite3_column_bytes(st, 0);
		if (len > 100 && len <= (int)sizeof(buf))
			memcpy(buf, sqlite3_column_blob(st, 0), len);
		else
			len = 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!len)
		goto out;
	buf[90] ^= 0x01;
	if (sqlite3_prepare_v2(d, "UPDATE sks_blobs SET data = ?2 WHERE entry_id = "
			       "(SELECT id FROM sks_entries WHERE name = ?1)", -1,
			       &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, buf, len, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(d) == 1;
out:
	sqlite3_finalize(st);
	sqlite3_close(d);
	return ok ? 0 : -1;
}

TEST(a_damaged_entry_is_reported_and_a_changed_one_left_to_its_writer)
{
	struct sks_repo_progress pr;
	struct meddle m = { 0 };
	struct sks_repo_entry *e;
	uint8_t old_fp[16], new_fp[16];
	const uint8_t *b;
	struct part p;
	uint64_t n;
	size_t len;

	ASSERT_EQ(0, part_open(&p, "damage"));
	ASSERT_EQ(0, fill(&p, 8, 1));
	m.p = &p;
	e = sks_repo_fetch(p.repo, SKS_REPO_BY_NAME, "g7", 0);
	ASSERT_NE(NULL, e);
	m.old = sks_blob_set_new();
	b = sks_blob_set_get_blob(sks_repo_entry_get_blobs(e), 0, &len);
	ASSERT_EQ(0, sks_blob_set_add(m.old, b, len));
	sks_repo_entry_free(e);
	ASSERT_EQ(0, damage(p.db, "g5"));
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_START));
	fingerprints(p.s, new_fp, old_fp);

	/* one batch of all eight: g5 refused, g3 changed meanwhile */
	ASSERT_EQ(0, sks_repo_rewrap(p.repo, p.s, 0, meddle, &m, &pr))
		TH_LOG("%s", sks_repo_get_message(p.repo));
	EXPECT_STREQ("g5", m.failed);
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, m.failed_result);
	EXPECT_EQ(1, m.replaced);
	EXPECT_EQ(8, pr.total);
	EXPECT_EQ(1, pr.failed);
	EXPECT_EQ(1, pr.skipped);
	EXPECT_EQ(6, pr.done);
	/* g3 holds what its writer stored, under the old SMK still */
	e = sks_repo_fetch(p.repo, SKS_REPO_BY_NAME, "g3", 0);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("replaced", sks_repo_entry_get_label(e));
	EXPECT_EQ(0, memcmp(old_fp, sks_repo_entry_get_fingerprint(e), 16));
	sks_repo_entry_free(e);
	ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
	EXPECT_EQ(2, n);

	/* the next run takes g3; g5 stays refused, and counted */
	memset(m.failed, 0, sizeof(m.failed));
	ASSERT_EQ(0, sks_repo_rewrap(p.repo, p.s, 0, meddle, &m, &pr));
	EXPECT_EQ(2, pr.total);
	EXPECT_EQ(1, pr.done);
	EXPECT_EQ(1, pr.failed);
	EXPECT_STREQ("g5", m.failed);
	ASSERT_EQ(0, sks_repo_count(p.repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &n));
	EXPECT_EQ(1, n);
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_END));
	/* g3 now holds key 7 under the new SMK; the others their own */
	EXPECT_EQ(0, check_key_record(&p, 3, 7));
	EXPECT_EQ(-1, check_key_record(&p, 3, 3));
	for (size_t k = 0; k < 8; k++) {
		if (k != 5 && k != 3)
			EXPECT_EQ(0, check_key(&p, k)) TH_LOG("key %zu", k);
	}
	EXPECT_EQ(-1, check_key(&p, 5));	/* damaged, and its SMK gone */
	sks_blob_set_free(m.old);
	part_close(&p);
}

/* Extract key @h with 2 of 2 authorisation secrets into @blob. */
static const char *const custodians[] = { "custodian-one", "custodian-two" };

static int auth_extract(struct sks_session *s, uint32_t h, uint8_t *blob,
			uint32_t *len)
{
	struct sks_auth_secret a[2] = {
		{ .secret = (uintptr_t)custodians[0], .len = 13 },
		{ .secret = (uintptr_t)custodians[1], .len = 13 },
	};
	struct sks_extract ex = {
		.handles = (uintptr_t)&h, .count = 1, .blob = (uintptr_t)blob,
		.blob_len = *len, .auth = (uintptr_t)a, .auth_count = 2,
		.auth_subset = 2,
	};

	if (ioctl(sks_session_get_fd(s), SKS_IOC_EXTRACT, &ex))
		return -errno;
	*len = ex.blob_len;
	return 0;
}

static int auth_insert(struct sks_session *s, const uint8_t *blob, size_t len,
		       unsigned int secrets, uint32_t *h)
{
	struct sks_auth_secret a[2] = {
		{ .secret = (uintptr_t)custodians[0], .len = 13 },
		{ .secret = (uintptr_t)custodians[1], .len = 13 },
	};
	struct sks_insert in = {
		.blob = (uintptr_t)blob, .blob_len = (uint32_t)len,
		.handles = (uintptr_t)h, .count = 1,
		.auth = secrets ? (uintptr_t)a : 0, .auth_count = secrets,
	};

	return ioctl(sks_session_get_fd(s), SKS_IOC_INSERT, &in) ? -errno : 0;
}

TEST(an_m_of_n_blob_keeps_its_secrets_through_the_repository_and_rewrap)
{
	uint8_t blob[1024], text[REC_LEN], got[REC_LEN];
	uint8_t old_fp[16], new_fp[16];
	uint32_t len = sizeof(blob), h, hh;
	struct sks_repo_progress pr;
	struct sks_blob_set *set = sks_blob_set_new();
	struct sks_repo_entry *e;
	struct sks_attrs *a = sks_attrs_new();
	struct record rec;
	const uint8_t *b;
	size_t n = sizeof(rec.ct), blen;
	struct part p;

	ASSERT_EQ(0, part_open(&p, "mofn"));
	ASSERT_NE(NULL, a);
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_PRIVATE | SKS_OBJ_EXTRACTABLE |
			    SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	ASSERT_EQ(0, sks_object_generate(p.s, SKS_CKM_AES_KEY_GEN, a, &h));
	record_text(1, text);
	ASSERT_EQ(0, sks_crypto_encrypt(p.s, h, NULL, 0, text, REC_LEN, rec.iv,
					rec.ct, &n));
	ASSERT_EQ(0, auth_extract(p.s, h, blob, &len));
	ASSERT_EQ(0, sks_blob_set_add(set, blob, len));
	ASSERT_EQ(0, sks_repo_store(p.repo, "guarded", NULL, NULL, 0, set, 0, NULL))
		TH_LOG("%s", sks_repo_get_message(p.repo));
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_START));
	fingerprints(p.s, new_fp, old_fp);
	ASSERT_EQ(0, sks_repo_rewrap(p.repo, p.s, 0, NULL, NULL, &pr));
	EXPECT_EQ(1, pr.done);
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_END));
	e = sks_repo_fetch(p.repo, SKS_REPO_BY_NAME, "guarded", 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, memcmp(new_fp, sks_repo_entry_get_fingerprint(e), 16));
	b = sks_blob_set_get_blob(sks_repo_entry_get_blobs(e), 0, &blen);
	/* still 2 of 2: without the secrets, refused */
	EXPECT_EQ(-EINVAL, auth_insert(p.s, b, blen, 0, &hh));
	ASSERT_EQ(0, auth_insert(p.s, b, blen, 2, &hh));
	n = sizeof(got);
	ASSERT_EQ(0, sks_crypto_decrypt(p.s, hh, NULL, 0, rec.iv, rec.ct,
					sizeof(rec.ct), got, &n));
	EXPECT_EQ(0, memcmp(text, got, REC_LEN));
	sks_repo_entry_free(e);
	sks_blob_set_free(set);
	sks_attrs_free(a);
	part_close(&p);
}

TEST(rewrap_of_more_blobs_than_one_call_takes)
{
	enum { N = SKS_MAX_REWRAP + 76 };
	struct sks_blob_set *in, *out;
	uint8_t old_fp[16], new_fp[16], fp[16];
	size_t refused;
	struct part p;

	ASSERT_EQ(0, part_open(&p, "many"));
	ASSERT_EQ(0, fill(&p, N, 1));
	ASSERT_EQ(0, sks_session_smk_rollover(p.s, SKS_ROLLOVER_START));
	fingerprints(p.s, new_fp, old_fp);
	in = sks_blob_set_new();
	ASSERT_NE(NULL, in);
	for (size_t k = 0; k < N; k++) {
		char name[32];
		struct sks_repo_entry *e;
		const uint8_t *b;
		size_t len;

		snprintf(name, sizeof(name), "g%zu", k);
		e = sks_repo_fetch(p.repo, SKS_REPO_BY_NAME, name, 0);
		ASSERT_NE(NULL, e);
		b = sks_blob_set_get_blob(sks_repo_entry_get_blobs(e), 0, &len);
		ASSERT_EQ(0, sks_blob_set_add(in, b, len));
		sks_repo_entry_free(e);
	}
	out = sks_blob_rewrap(p.s, in, &refused);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(N, sks_blob_set_get_count(out));
	for (size_t i = 0; i < N; i++) {
		size_t len;
		const uint8_t *b = sks_blob_set_get_blob(out, i, &len);

		ASSERT_EQ(0, sks_blob_get_fingerprint(b, len, fp));
		ASSERT_EQ(0, memcmp(fp, new_fp, 16));
	}
	sks_blob_set_free(out);
	/* a damaged blob past the first call is named by its index */
	{
		struct sks_blob_set *bad = sks_blob_set_new();

		for (size_t i = 0; i < N; i++) {
			size_t len;
			const uint8_t *b = sks_blob_set_get_blob(in, i, &len);
			uint8_t copy[SKS_MAX_BLOB_SIZE];

			memcpy(copy, b, len);
			if (i == SKS_MAX_REWRAP + 5)
				copy[len - 1] ^= 1;
			ASSERT_EQ(0, sks_blob_set_add(bad, copy, len));
		}
		EXPECT_EQ(NULL, sks_blob_rewrap(p.s, bad, &refused));
		EXPECT_EQ(SKS_MAX_REWRAP + 5, refused);
		EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, sks_last_result());
		sks_blob_set_free(bad);
	}
	/* and the call as a whole */
	ASSERT_EQ(0, sks_session_logout(p.s));
	EXPECT_EQ(NULL, sks_blob_rewrap(p.s, in, &refused));
	EXPECT_EQ(SIZE_MAX, refused);
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, sks_last_result());
	sks_blob_set_free(in);
	part_close(&p);
}

TEST_HARNESS_MAIN
