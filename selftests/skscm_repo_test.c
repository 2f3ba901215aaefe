// SPDX-License-Identifier: GPL-2.0
/*
 * skscm and a key repository, as an operator meets them: sks store, list,
 * fetch; partition smkrollover -end -repo refusing while entries need the
 * rollover SMK (and ending with -force after a CAUTION naming the count);
 * sks rewrap -repo with its progress; Ctrl-C on a terminal stopping the
 * rewrap after a batch, and the next run finishing it; sks rewrap -file.
 */
#include <sks_repo.h>

#include "kselftest_harness.h"
#include "common.h"

#define DOMAIN	"repo-domain"
#define TMO	60000	/* ms: the VM runs under TCG */

FIXTURE(cr) {
	struct sks_hsm *hsm;
	unsigned int v1;
	char dir[64], db[96];
	char *out;
};

FIXTURE_SETUP(cr)
{
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	self->v1 = st_lib_partition(self->hsm, SKS_SLOT_V1, DOMAIN);
	ASSERT_NE(~0U, self->v1);
	snprintf(self->dir, sizeof(self->dir), "/tmp/cr-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	snprintf(self->db, sizeof(self->db), "%s/keys.db", self->dir);
	self->out = NULL;
}

FIXTURE_TEARDOWN(cr)
{
	char *cmd = st_fmt("rm -rf %s", self->dir);

	if (cmd && system(cmd))
		fprintf(stderr, "# could not remove %s\n", self->dir);
	free(cmd);
	sks_hsm_delete_slot(self->hsm, self->v1);
	sks_hsm_close(self->hsm);
	free(self->out);
}

#define RUN(...) ({							\
	char *_s = st_fmt(__VA_ARGS__);					\
	int _st;							\
									\
	free(self->out);						\
	self->out = NULL;						\
	_st = _s ? st_skscm_run(NULL, "-continue", _s, &self->out) : -1;	\
	free(_s);							\
	ASSERT_NE(NULL, self->out);					\
	_st;								\
})

#define HAS(...) do {							\
	char *_w = st_fmt(__VA_ARGS__);					\
									\
	ASSERT_NE(NULL, _w);						\
	EXPECT_HAS(self->out, _w);					\
	free(_w);							\
} while (0)

static int rollover_running(unsigned int slot)
{
	struct sks_session *s = sks_session_open(slot);
	struct sks_session_desc *d = s ? sks_session_get_desc(s) : NULL;
	int r = d && (sks_session_desc_get_state(d) & SKS_STATE_SMK_ROLLOVER);

	sks_session_desc_free(d);
	sks_session_close(s);
	return r;
}

#define LOGIN(self) \
	"slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"

TEST_F(cr, store_list_rollover_refused_rewrap_end_fetch_and_decrypt)
{
	char *rec = st_fmt("%s/rec", self->dir);
	FILE *f = fopen(rec, "w");
	char buf[64] = { 0 };

	ASSERT_NE(NULL, f);
	fputs("invoice 2026-0099, 310.00 EUR\n", f);
	fclose(f);
	RUN(LOGIN(self)
	    "key generate -keytype aes -label k1\n"
	    "key generate -keytype aes -label k2\n"
	    "crypto encrypt -handle 1 -in %s -out %s.enc\n"
	    "sks store -repo %s -name pair -handles 1,2 -label payments -id 0a0b -delete\n"
	    "key generate -keytype aes -label k3\n"
	    "sks extract -handles 1 -file %s/k3.sks -delete\n"
	    "sks store -repo %s -name third -file %s/k3.sks\n"
	    "sks store -repo %s -name third -file %s/k3.sks\n"
	    "sks list -repo %s\n",
	    self->v1, rec, rec, self->db, self->dir, self->db, self->dir,
	    self->db, self->dir, self->db);
	HAS("Stored 2 object(s) in 1 SKS blob(s)");
	HAS("as entry 'pair' (id 1)\nof the sqlite repository %s.", self->db);
	HAS("as entry 'third' (id 2)");
	HAS("The repository has an entry named 'third' already; give -replace");
	HAS("\t1\tpair\tpayments\t2\t1\t");
	HAS("holds 2 entries: 2 under the primary SMK\nof slot %u, 0 under its rollover SMK",
	    self->v1);

	/* the rollover's end is refused while entries need the old SMK */
	RUN(LOGIN(self)
	    "partition smkrollover -start\n"
	    "sks list -repo %s -rollover\n"
	    "partition smkrollover -end -repo %s\n",
	    self->v1, self->db, self->db);
	HAS("\t2\tthird\t\t1\t1\t");
	HAS("rollover\t");
	HAS("Error: 2 entries of the repository %s are still under the rollover SMK:\n"
	    "ending the rollover would destroy the only SMK that opens them.", self->db);
	HAS("Command Result : 0x6 (CKR_FUNCTION_FAILED)");
	EXPECT_TRUE(rollover_running(self->v1));

	RUN(LOGIN(self)
	    "sks rewrap -repo %s -batch 1\n"
	    "partition smkrollover -end -repo %s -force\n"
	    "sks fetch -repo %s -label payments -insert\n"
	    "crypto decrypt -handle 1 -in %s.enc -out %s.dec\n"
	    "sks list -repo %s -count\n",
	    self->v1, self->db, self->db, self->db, rec, rec, self->db);
	HAS("Rewrapped 2 entries (");
	HAS("0 refused, 0 changed by someone\nelse meanwhile.");
	HAS("No entry of %s is under the rollover SMK", self->db);
	HAS("The repository %s has no entry under the rollover SMK.", self->db);
	HAS("SMK rollover ended: the old SMK was destroyed.");
	HAS("Inserted 2 object(s) of entry 'pair' from 1 SKS blob(s). Handles: 1,2");
	HAS("holds 2 entries: 2 under the primary SMK");
	EXPECT_HASNT(self->out, "Error:");
	EXPECT_FALSE(rollover_running(self->v1));
	free(rec);
	rec = st_fmt("%s/rec.dec", self->dir);
	f = fopen(rec, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_STREQ("invoice 2026-0099, 310.00 EUR\n", buf);
	free(rec);
}

TEST_F(cr, force_ends_the_rollover_after_a_caution_naming_the_count)
{
	RUN(LOGIN(self)
	    "key generate -keytype aes -label k1\n"
	    "sks store -repo %s -name lost -handles 1 -delete\n"
	    "partition smkrollover -start\n"
	    "partition smkrollover -end -repo %s -force\n"
	    "sks list -repo %s\n",
	    self->v1, self->db, self->db, self->db);
	HAS("CAUTION: 1 entry of the repository %s is still under the rollover SMK.\n"
	    "Ending the rollover destroys that SMK: it can never be inserted again.", self->db);
	HAS("SMK rollover ended: the old SMK was destroyed.");
	HAS("holds 1 entry: 0 under the primary SMK\nof slot %u, 0 under its rollover SMK, 1 under other SMKs.",
	    self->v1);
	EXPECT_FALSE(rollover_running(self->v1));
	/* a repository that cannot be read stops the end: nothing checked */
	RUN(LOGIN(self)
	    "partition smkrollover -start\n"
	    "partition smkrollover -end -repo %s/none.db -force\n",
	    self->v1, self->dir);
	HAS("Error: Cannot open the key repository %s/none.db", self->dir);
	HAS("The rollover was not ended: the repository could not be checked.");
	EXPECT_TRUE(rollover_running(self->v1));
}

/* @n one-key entries under the current SMK of @slot, through libsks. */
static int fill(unsigned int slot, const char *db, int n)
{
	struct sks_session *s = st_lib_co(slot);
	struct sks_repo *r = sks_repo_open(db, SKS_REPO_CREATE);
	struct sks_attrs *a = sks_attrs_new();
	int ret = -1;

	if (!s || !r || !a || sks_repo_begin(r))
		goto out;
	sks_attrs_set_value_len(a, 32);
	sks_attrs_set_flags(a, SKS_OBJ_PRIVATE | SKS_OBJ_EXTRACTABLE |
			    SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT);
	for (int i = 0; i < n; i++) {
		struct sks_blob_set *set;
		uint32_t h;
		char name[32];

		if (sks_object_generate(s, SKS_CKM_AES_KEY_GEN, a, &h))
			goto out;
		set = sks_blob_extract(s, &h, 1, SKS_EXTRACT_DELETE);
		snprintf(name, sizeof(name), "k%d", i);
		if (!set || sks_repo_store(r, name, NULL, NULL, 0, set, 0, NULL)) {
			sks_blob_set_free(set);
			goto out;
		}
		sks_blob_set_free(set);
	}
	ret = sks_repo_commit(r);
out:
	sks_attrs_free(a);
	sks_repo_close(r);
	sks_session_close(s);
	return ret;
}

TEST_F(cr, ctrl_c_stops_the_rewrap_after_a_batch_and_the_next_run_finishes)
{
	struct st_pty t;
	char *cmd;
	struct sks_repo *r;
	uint64_t all, left;

	ASSERT_EQ(0, fill(self->v1, self->db, 1500));
	ASSERT_EQ(0, st_pty_start(&t, "skscm", NULL));
	ASSERT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	cmd = st_fmt("slot set -slot %u\r", self->v1);
	ASSERT_EQ(0, st_pty_send(&t, cmd));
	free(cmd);
	ASSERT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "role login -name co -password " ST_CO_PW "\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "No Error", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "partition smkrollover -start\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "No Error", TMO));
	cmd = st_fmt("sks rewrap -repo %s -batch 1\r", self->db);
	ASSERT_EQ(0, st_pty_send(&t, cmd));
	free(cmd);
	/* the progress bar: a count, a rate and an ETA */
	ASSERT_EQ(0, st_pty_expect(&t, "/1500 entries  ", TMO)) TH_LOG("%s", t.out);
	ASSERT_EQ(0, st_pty_expect(&t, "/s  ETA ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "Stopped by Ctrl-C; what was rewrapped is kept.", TMO))
		TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "Command Result : ", TMO));
	EXPECT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));

	/* stopped part of the way: some done, some left, none lost */
	r = sks_repo_open(self->db, 0);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, sks_repo_count(r, SKS_REPO_ALL, NULL, 0, &all));
	EXPECT_EQ(1500, all);
	sks_repo_close(r);
	EXPECT_NE(NULL, strstr(t.out, " entries of ")) TH_LOG("%s", t.out);
	EXPECT_NE(NULL, strstr(t.out, "are still under the rollover SMK. Run the command again to go on."));

	cmd = st_fmt("sks rewrap -repo %s\r", self->db);
	ASSERT_EQ(0, st_pty_send(&t, cmd));
	free(cmd);
	EXPECT_EQ(0, st_pty_expect(&t, "is under the rollover SMK", TMO)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "Command Result : No Error", TMO));
	cmd = st_fmt("partition smkrollover -end -repo %s\r", self->db);
	ASSERT_EQ(0, st_pty_send(&t, cmd));
	free(cmd);
	EXPECT_EQ(0, st_pty_expect(&t, "Type 'proceed' to continue", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "proceed\r"));
	EXPECT_EQ(0, st_pty_expect(&t, "SMK rollover ended", TMO)) TH_LOG("%s", t.out);
	ASSERT_EQ(0, st_pty_send(&t, "exit\r"));
	st_pty_wait(&t, TMO);
	st_pty_close(&t);

	r = sks_repo_open(self->db, 0);
	ASSERT_NE(NULL, r);
	{
		char hex[65];
		uint8_t fp[SKS_FINGERPRINT_LEN];

		ASSERT_EQ(0, st_lib_smk_hex(self->v1, hex));
		for (int i = 0; i < SKS_FINGERPRINT_LEN; i++) {
			unsigned int v;

			sscanf(hex + 2 * i, "%2x", &v);
			fp[i] = (uint8_t)v;
		}
		ASSERT_EQ(0, sks_repo_count(r, SKS_REPO_BY_FINGERPRINT, fp, 0, &left));
		EXPECT_EQ(1500, left);	/* every one under the new SMK */
	}
	sks_repo_close(r);
}

TEST_F(cr, rewrap_file_and_plain_progress_lines_off_a_terminal)
{
	RUN(LOGIN(self)
	    "key generate -keytype aes -label k1\n"
	    "sks extract -handles 1 -file %s/k.sks\n"
	    "sks rewrap -file %s/k.sks\n"
	    "partition smkrollover -start\n"
	    "sks rewrap -file %s/k.sks -out %s/k2.sks\n"
	    "sks identify %s/k2.sks\n"
	    "sks store -repo %s -name k -file %s/k.sks\n"
	    "sks rewrap -repo %s\n"
	    "sks rewrap -repo %s -file %s/k.sks\n",
	    self->v1, self->dir, self->dir, self->dir, self->dir, self->dir,
	    self->db, self->dir, self->db, self->db, self->dir);
	/* before the rollover: under the primary SMK, made anew all the same */
	HAS("Rewrapped 1 object(s) in 1 SKS blob(s) under the primary SMK, written to %s/k.sks.",
	    self->dir);
	HAS("written to %s/k2.sks.", self->dir);
	HAS("Current slot ->\t\tprimary SMK: can insert");
	/* not a terminal: plain lines */
	HAS("\tRewrapped 1 of 1 entries, ");
	EXPECT_HASNT(self->out, "[###");
	HAS("Syntax Error: Give one of -repo <file|postgresql://...> and -file <file>.");
}

TEST_HARNESS_MAIN
