// SPDX-License-Identifier: GPL-2.0
/*
 * skscm as an operator meets it, against the driver: new secrets asked
 * twice, a partition re-initialised with its SO secret, the bad-attempt
 * limits in words (attempts left, a locked role, a zeroized partition, a
 * Backup HSM's HSM SO lockout, an archive's failed user secrets), role show
 * and partition show reporting the counters, the SMK rollover's end asked
 * for and explained, partition contents without a login (public objects),
 * errors on files before anything is done, and Ctrl-C on a terminal that
 * keeps logins and session keys.
 */
#include "kselftest_harness.h"
#include "common.h"

#define DOMAIN	"ops-domain"
#define TMO	30000	/* ms: the VM runs under TCG */

FIXTURE(ops) {
	struct sks_hsm *hsm;
	unsigned int v1, bk;
	char *out;
};

FIXTURE_SETUP(ops)
{
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	self->v1 = st_lib_partition(self->hsm, SKS_SLOT_V1, DOMAIN);
	ASSERT_NE(~0U, self->v1);
	ASSERT_EQ(0, sks_hsm_create_backup(self->hsm, NULL, ST_BK_PW, &self->bk));
	self->out = NULL;
}

FIXTURE_TEARDOWN(ops)
{
	sks_hsm_delete_slot(self->hsm, self->v1);
	sks_hsm_delete_slot(self->hsm, self->bk);
	sks_hsm_close(self->hsm);
	free(self->out);
}

/* skscm -continue on @fmt...: the transcript in self->out. */
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

/* A fresh session's login as @role with @pin: the result code. */
static uint32_t try_login(unsigned int slot, uint32_t role, const char *pin)
{
	struct sks_session *s = sks_session_open(slot);
	uint32_t ckr;

	if (!s)
		return sks_last_result();
	sks_session_login(s, role, pin);
	ckr = sks_last_result();
	sks_session_close(s);
	return ckr;
}

/* The state bits of @slot, or 0. */
static uint32_t slot_state(unsigned int slot)
{
	struct sks_session *s = sks_session_open(slot);
	struct sks_session_desc *d = s ? sks_session_get_desc(s) : NULL;
	uint32_t state = d ? sks_session_desc_get_state(d) : 0;

	sks_session_desc_free(d);
	sks_session_close(s);
	return state;
}

TEST_F(ops, new_secrets_are_asked_twice)
{
	/* A mismatch and a short secret change nothing. */
	EXPECT_EQ(1, RUN("slot set -slot %u\nrole login -name so -password " ST_SO_PW "\n"
			 "role init -name cu\ncu-secret-1\ncu-secret-2\n"
			 "role init -name cu\nshort\n", self->v1));
	EXPECT_HAS(self->out, "\n\tEnter the new password: \n"
			      "\n\tEnter the new password again: \n"
			      "\nError: The two passwords do not match; nothing was changed.\n"
			      "\nCommand Result : 0x7 (CKR_ARGUMENTS_BAD)\n");
	EXPECT_HAS(self->out, "\nError: A password must be 8 to 64 characters long; nothing was changed.\n"
			      "\nCommand Result : 0xa2 (CKR_PIN_LEN_RANGE)\n");
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED,
		  try_login(self->v1, SKS_ROLE_CU, "cu-secret-1"));

	/* Twice the same: set. */
	EXPECT_EQ(0, RUN("slot set -slot %u\nrole login -name so -password " ST_SO_PW "\n"
			 "role init -name cu\ncu-secret-1\ncu-secret-1\n", self->v1))
		TH_LOG("%s", self->out);
	EXPECT_EQ(SKS_CKR_OK, try_login(self->v1, SKS_ROLE_CU, "cu-secret-1"));

	/* changepw: the current secret once, the new one twice. */
	EXPECT_EQ(0, RUN("slot set -slot %u\nrole login -name cu -password cu-secret-1\n"
			 "role changepw -name cu\ncu-secret-1\ncu-secret-3\ncu-secret-3\n",
			 self->v1)) TH_LOG("%s", self->out);
	EXPECT_HAS(self->out, "\n\tEnter the current password: \n"
			      "\n\tEnter the new password: \n"
			      "\n\tEnter the new password again: \n"
			      "\nCommand Result : No Error\n");
	EXPECT_EQ(SKS_CKR_OK, try_login(self->v1, SKS_ROLE_CU, "cu-secret-3"));

	/* A new Backup HSM's SO secret. */
	EXPECT_EQ(1, RUN("backuphsm create\nhsm-so-secret-1\nhsm-so-secret-2\n"));
	EXPECT_HAS(self->out, "\nError: The two passwords do not match; nothing was changed.\n");
	EXPECT_HASNT(self->out, "Created Backup HSM");
}

TEST_F(ops, fresh_partition_init_asks_the_so_secret_twice)
{
	unsigned int slot;

	ASSERT_EQ(0, sks_hsm_create_partition(self->hsm, SKS_SLOT_V1, 0, &slot));
	EXPECT_EQ(1, RUN("partition init -slot %u -label a -domain " DOMAIN "\nproceed\n"
			 ST_SO_PW "\nso-secret-typo\n", slot));
	EXPECT_HAS(self->out, "\n\tEnter the partition SO password: \n"
			      "\n\tEnter the partition SO password again: \n"
			      "\nError: The two passwords do not match; nothing was changed.\n");
	EXPECT_FALSE(slot_state(slot) & SKS_STATE_INITIALIZED);
	EXPECT_EQ(0, RUN("partition init -slot %u -label a -domain " DOMAIN "\nproceed\n"
			 ST_SO_PW "\n" ST_SO_PW "\n", slot)) TH_LOG("%s", self->out);
	EXPECT_TRUE(slot_state(slot) & SKS_STATE_INITIALIZED);
	sks_hsm_delete_slot(self->hsm, slot);
}

/* Driver: PARTITION_INIT re-initialises with the current SO secret. */
TEST_F(ops, partition_init_reinitializes_with_the_current_so_secret)
{
	char before[65], after[65];

	ASSERT_EQ(0, st_lib_smk_hex(self->v1, before));
	EXPECT_EQ(1, RUN("partition init -slot %u -label again -domain " DOMAIN "\n"
			 "proceed\nwrong-secret\n", self->v1));
	HAS("\nYou are about to re-initialize the partition on slot %u.\n"
	    "All contents of the partition will be destroyed", self->v1);
	EXPECT_HAS(self->out, "\n\tEnter the current partition SO password: \n");
	EXPECT_HASNT(self->out, "again: ");
	HAS("\nError: Wrong partition SO password; the partition on slot %u was not re-initialized.\n",
	    self->v1);
	EXPECT_HAS(self->out, "\nFailed partition SO logins: 1 of 10. At 10 the partition is zeroized:\n");
	EXPECT_HAS(self->out, "\nCommand Result : 0xa0 (CKR_PIN_INCORRECT)\n");
	ASSERT_EQ(0, st_lib_smk_hex(self->v1, after));
	EXPECT_STREQ(before, after);

	EXPECT_EQ(0, RUN("partition init -slot %u -label again -domain " DOMAIN "\n"
			 "proceed\n" ST_SO_PW "\n", self->v1)) TH_LOG("%s", self->out);
	HAS("\nThe partition on slot %u was re-initialized: it is empty, with a new SMK.\n",
	    self->v1);
	ASSERT_EQ(0, st_lib_smk_hex(self->v1, after));
	EXPECT_STRNE(before, after);
	/* The SO secret stays; the CO's is gone. */
	EXPECT_EQ(SKS_CKR_OK, try_login(self->v1, SKS_ROLE_SO, ST_SO_PW));
	EXPECT_EQ(SKS_CKR_USER_PIN_NOT_INITIALIZED,
		  try_login(self->v1, SKS_ROLE_CO, ST_CO_PW));
}

/* Driver: 10 wrong partition SO secrets zeroize the partition. */
TEST_F(ops, zeroization_is_announced_and_init_recovers)
{
	char *script = st_fmt("slot set -slot %u\n", self->v1), *more;

	ASSERT_NE(NULL, script);
	for (int i = 0; i < SKS_MAX_SO_FAILURES; i++) {
		more = st_fmt("%srole login -name so -password wrong-secret\n", script);
		free(script);
		script = more;
		ASSERT_NE(NULL, script);
	}
	free(self->out);
	self->out = NULL;
	EXPECT_EQ(1, st_skscm_run(NULL, "-continue", script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "\nFailed partition SO logins: 9 of 10. At 10 the partition is zeroized:\n");
	HAS("\nThe partition on slot %u was zeroized after 10 failed partition SO logins:\n"
	    "its SMKs, objects and roles are gone. 'partition init' initializes it again.\n",
	    self->v1);
	EXPECT_TRUE(slot_state(self->v1) & SKS_STATE_ZEROIZED);

	EXPECT_EQ(1, RUN("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			 "partition show\n", self->v1));
	EXPECT_HAS(self->out, "zeroized after 10 failed logins; 'partition init' initializes it again");
	EXPECT_HAS(self->out, "\tState ->\t\tnot initialized, zeroized");

	EXPECT_EQ(0, RUN("partition init -slot %u -label back -domain " DOMAIN "\nproceed\n"
			 ST_SO_PW "\n" ST_SO_PW "\n", self->v1)) TH_LOG("%s", self->out);
	EXPECT_FALSE(slot_state(self->v1) & SKS_STATE_ZEROIZED);
	EXPECT_EQ(SKS_CKR_OK, try_login(self->v1, SKS_ROLE_SO, ST_SO_PW));
}

/* Driver: 10 wrong CO secrets lock the CO; the SO unlocks it. */
TEST_F(ops, locked_crypto_officer_is_explained)
{
	char *script = st_fmt("slot set -slot %u\n", self->v1), *more;

	ASSERT_NE(NULL, script);
	for (int i = 0; i < SKS_MAX_LOGIN_FAILURES; i++) {
		more = st_fmt("%srole login -name co -password wrong-secret\n", script);
		free(script);
		script = more;
		ASSERT_NE(NULL, script);
	}
	more = st_fmt("%srole login -name co -password " ST_CO_PW "\nrole show\n", script);
	free(script);
	free(self->out);
	self->out = NULL;
	EXPECT_EQ(1, st_skscm_run(NULL, "-continue", more, &self->out));
	free(more);
	EXPECT_HAS(self->out, "\nFailed Crypto Officer logins: 1 of 10. At 10 the role is locked");
	EXPECT_HAS(self->out, "\nThe Crypto Officer is locked after 10 failed logins.\n"
			      "The partition SO unlocks it with 'role init -name co'.\n"
			      "\nCommand Result : 0xa4 (CKR_PIN_LOCKED)\n");
	EXPECT_HAS(self->out, "\tCrypto Officer ->\tlocked after 10 failed logins; "
			      "the partition SO unlocks it with 'role init -name co'\n");
	EXPECT_HAS(self->out, "\tCrypto User ->\t\t0 of 10 failed logins\n");

	EXPECT_EQ(0, RUN("slot set -slot %u\nrole login -name so -password " ST_SO_PW "\n"
			 "role init -name co -password " ST_CO_PW "\n", self->v1));
	EXPECT_EQ(SKS_CKR_OK, try_login(self->v1, SKS_ROLE_CO, ST_CO_PW));
}

/* Driver: SESSION_INFO's counters. */
TEST_F(ops, role_show_and_partition_show_report_the_counters)
{
	EXPECT_EQ(1, RUN("slot set -slot %u\n"
			 "role login -name co -password wrong-secret\n"
			 "role login -name co -password wrong-secret\n"
			 "role login -name so -password wrong-secret\n"
			 "role show\npartition show\n", self->v1));
	EXPECT_HAS(self->out, "\nNo role is logged in on slot ");
	EXPECT_HAS(self->out, "\tPartition SO ->\t\t1 of 10 failed logins\n"
			      "\tCrypto Officer ->\t2 of 10 failed logins\n"
			      "\tCrypto User ->\t\t0 of 10 failed logins\n");
	EXPECT_HAS(strstr(self->out, "skscm:> partition show"),
		   "\tCrypto Officer ->\t2 of 10 failed logins\n");

	/* A Backup HSM: its HSM SO's attempts, then the lockout. */
	EXPECT_EQ(1, RUN("partition archive list -slot %u -password wrong-secret\n"
			 "partition show -slot %u\n", self->bk, self->bk));
	HAS("\nFailed HSM SO attempts on slot %u: 1 of 3. At 3 the HSM SO is locked out\n",
	    self->bk);
	EXPECT_HAS(self->out, "\tHSM SO ->\t\t1 of 3 failed attempts\n");
}

/*
 * Driver: the HSM SO lockout of a Backup HSM. The selftests load sks with
 * a 1 s lockout; this test reloads it with 60 s, longer than it runs, and
 * back with the selftests' parameters at the end.
 */
static int reload_sks(const char *params)
{
	char *cmd = st_fmt("rmmod sks && modprobe sks %s", params);
	int ret = cmd ? system(cmd) : -1;

	free(cmd);
	return ret;
}

TEST(hsm_so_lockout_is_explained)
{
	struct sks_hsm *hsm;
	char *out = NULL, *script, *want;
	unsigned int bk;

	if (reload_sks("lockout_secs=60"))
		SKIP(return, "sks could not be reloaded (in use)");
	hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, hsm);
	ASSERT_EQ(0, sks_hsm_create_backup(hsm, NULL, ST_BK_PW, &bk));
	script = st_fmt("partition archive list -slot %u -password wrong-secret\n"
			"partition archive list -slot %u -password wrong-secret\n"
			"partition archive list -slot %u -password wrong-secret\n"
			"partition archive list -slot %u -password " ST_BK_PW "\n"
			"partition show -slot %u\n", bk, bk, bk, bk, bk);
	ASSERT_NE(NULL, script);
	EXPECT_EQ(1, st_skscm_run(NULL, "-continue", script, &out));
	ASSERT_NE(NULL, out);
	want = st_fmt("\nThe HSM SO of the Backup HSM on slot %u is locked out for ", bk);
	EXPECT_HAS(out, want);
	EXPECT_HAS(out, "every failure after a lockout doubles the next one.\n"
			"Nothing was erased: the archives are intact.\n");
	EXPECT_HAS(out, "\nCommand Result : 0xa4 (CKR_PIN_LOCKED)\n");
	EXPECT_HAS(out, "\tHSM SO ->\t\t3 of 3 failed attempts; locked out for ");
	EXPECT_HAS(out, "HSM SO locked out");
	free(want);
	free(script);
	free(out);
	sks_hsm_delete_slot(hsm, bk);
	sks_hsm_close(hsm);
	EXPECT_EQ(0, reload_sks(""));
}

/* Driver: an archive's failed user secrets in archive list/show. */
TEST_F(ops, archive_user_failures_are_listed)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1];
	struct sks_session *s = st_lib_co(self->v1);

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, sks_session_backup(s, self->bk, ST_BK_PW, ST_US_PW, NULL, 0, name,
					sizeof(name)));
	sks_session_close(s);
	EXPECT_EQ(1, RUN("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			 "partition archive restore -slot %u -partition %s -password wrong-secret -force\n"
			 "partition archive show -slot %u -partition %s -password " ST_BK_PW "\n",
			 self->v1, self->bk, name, self->bk, name));
	HAS("\nWrong password of the archive's user. After 10 wrong passwords in a row the\n"
	    "archive %s is locked out for a while; nothing is ever erased.\n", name);
	EXPECT_HAS(self->out, "\tUser Failures ->\t1 of 10 failed passwords\n");
}

TEST_F(ops, smk_rollover_end_asks_and_says_what_it_destroys)
{
	const char *login = "role login -name co -password " ST_CO_PW;

	/* Nothing to end, then a second start: said in words. */
	EXPECT_EQ(1, RUN("slot set -slot %u\n%s\npartition smkrollover -end\n"
			 "partition smkrollover -start\npartition smkrollover -start\n",
			 self->v1, login));
	HAS("\nError: No SMK rollover is running on slot %u: there is no old SMK to destroy.\n"
	    "\nCommand Result : 0x91 (CKR_OPERATION_NOT_INITIALIZED)\n", self->v1);
	EXPECT_HASNT(self->out, "Are you sure");
	HAS("\nError: An SMK rollover is already running on slot %u; end it with\n"
	    "'partition smkrollover -end' before starting another.\n"
	    "\nCommand Result : 0x90 (CKR_OPERATION_ACTIVE)\n", self->v1);
	ASSERT_TRUE(slot_state(self->v1) & SKS_STATE_SMK_ROLLOVER);

	/* The end is asked for; 'quit' keeps the old SMK. */
	EXPECT_EQ(1, RUN("slot set -slot %u\n%s\npartition smkrollover -end\nquit\n",
			 self->v1, login));
	HAS("\nYou are about to end the SMK rollover on slot %u.\n"
	    "The old (rollover) SMK will be destroyed: SKS blobs still under it will never\n"
	    "insert again", self->v1);
	EXPECT_HAS(self->out, "\nType 'proceed' to continue, or 'quit' to quit now ->quit\n"
			      "\nCommand cancelled; nothing was changed.\n"
			      "\nCommand Result : 0x1 (CKR_CANCEL)\n");
	EXPECT_TRUE(slot_state(self->v1) & SKS_STATE_SMK_ROLLOVER);

	EXPECT_EQ(0, RUN("slot set -slot %u\n%s\npartition smkrollover -end\nproceed\n",
			 self->v1, login));
	EXPECT_HAS(self->out, "->proceed\n\nSMK rollover ended: the old SMK was destroyed.\n");
	EXPECT_FALSE(slot_state(self->v1) & SKS_STATE_SMK_ROLLOVER);

	/* -force: no question, as for the other destructive commands. */
	EXPECT_EQ(0, RUN("slot set -slot %u\n%s\npartition smkrollover -start\n"
			 "partition smkrollover -end -force\n", self->v1, login));
	EXPECT_HASNT(self->out, "Are you sure");
	EXPECT_FALSE(slot_state(self->v1) & SKS_STATE_SMK_ROLLOVER);
}

/* Driver: FIND_OBJECTS/GET_ATTRS without a CO or CU login see public
 * objects only. */
TEST_F(ops, contents_without_login_and_as_so_list_public_objects)
{
	/* Another session's session objects are never visible: the keys
	 * are made in skscm's session, then seen through other logins. */
	EXPECT_EQ(0, RUN("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			 "key generate -keytype aes -label public-key -private 0\n"
			 "key generate -keytype aes -label private-key\n"
			 "partition contents\n"
			 "role logout\npartition contents\n"
			 "role login -name so -password " ST_SO_PW "\npartition contents\n",
			 self->v1)) TH_LOG("%s", self->out);
	/* The CO sees both. */
	EXPECT_HAS(self->out, "\tLabel:\t\tprivate-key\n");
	EXPECT_HAS(self->out, "\tAccess:\t\tpublic\n");
	EXPECT_HAS(self->out, "\tAccess:\t\tprivate (Crypto Officer and Crypto User)\n");
	/* Without a login: the public one, and no error. */
	EXPECT_HAS(strstr(self->out, "skscm:> role logout"),
		   "\tThe 'Crypto Officer' is not logged in. If you are expecting to see private\n"
		   "\tobjects then please log in first.\n"
		   "\n\tObject list:\n\tLabel:\t\tpublic-key\n");
	EXPECT_HAS(strstr(self->out, "skscm:> role logout"), "\tNumber of objects:  1\n");
	/* The SO: the document's header, then the public one. */
	EXPECT_HAS(self->out,
		   "\n\tThe 'Partition SO' is currently logged in. Looking for objects accessible to the 'Partition SO'.\n"
		   "\n\tObject list:\n\tLabel:\t\tpublic-key\n");
	EXPECT_HASNT(self->out, "CKR_USER_NOT_LOGGED_IN");
	EXPECT_HAS(strstr(self->out, "skscm:> role login -name so"),
		   "\tNumber of objects:  1\n");

	EXPECT_EQ(1, RUN("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			 "key generate -keytype aes -private yes\n", self->v1));
	EXPECT_HAS(self->out, "\nSyntax Error: Option -private takes 1 (private, the default) or 0 (public).\n");
}

TEST_F(ops, file_errors_come_before_anything_is_done)
{
	/* The image file is checked before the password is asked. */
	EXPECT_EQ(1, RUN("backuphsm image save -slot %u -file /tmp\n"
			 "backuphsm attach -slot %u -file /nonexistent/b.img\n",
			 self->bk, self->bk));
	EXPECT_HAS(self->out, "\nError: Cannot write /tmp: Is a directory.\n");
	EXPECT_HAS(self->out, "\nError: Cannot write /nonexistent/b.img: No such file or directory.\n");
	EXPECT_HASNT(self->out, "Enter the Backup HSM SO password");

	/* sks extract -delete into a file that cannot be written keeps
	 * the objects: the key still encrypts. */
	EXPECT_EQ(1, RUN("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			 "key generate -keytype aes -label k\n"
			 "sks extract -all -file /nonexistent/k.sks -delete\n"
			 "crypto encrypt -handle 1 -in /proc/version -out /tmp/ops.enc\n",
			 self->v1));
	EXPECT_HAS(self->out, "\nError: Cannot write /nonexistent/k.sks: No such file or directory.\n");
	EXPECT_HAS(self->out, "\nEncrypted ");
	unlink("/tmp/ops.enc");
}

/* Interactive skscm at @slot, logged in as CO with a session key. */
static int tty_session(struct st_pty *t, unsigned int slot)
{
	char *cmd = st_fmt("slot set -slot %u\r", slot);
	int ret;

	ret = st_pty_start(t, "skscm", NULL) ||
	      st_pty_expect(t, "skscm:> ", TMO) ||
	      !cmd || st_pty_send(t, cmd) ||
	      st_pty_expect(t, "skscm:> ", TMO) ||
	      st_pty_send(t, "role login -name co -password " ST_CO_PW "\r") ||
	      st_pty_expect(t, "No Error", TMO) ||
	      st_pty_expect(t, "skscm:> ", TMO) ||
	      st_pty_send(t, "key generate -keytype aes -label tty-key\r") ||
	      st_pty_expect(t, "Generated key handle", TMO) ||
	      st_pty_expect(t, "skscm:> ", TMO);
	free(cmd);
	return ret ? -1 : 0;
}

TEST_F(ops, ctrl_c_keeps_logins_and_session_keys)
{
	struct st_pty t;

	ASSERT_EQ(0, tty_session(&t, self->v1)) TH_LOG("%s", t.out);
	/* At the prompt: the line is dropped. */
	ASSERT_EQ(0, st_pty_send(&t, "key delete -handle 1 -force"));
	ASSERT_EQ(0, st_pty_expect(&t, "-force", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "^C\r\nskscm:> ", TMO)) TH_LOG("%s", t.out);
	/* At a password prompt: the command is cancelled. */
	ASSERT_EQ(0, st_pty_send(&t, "role changepw -name co\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "Enter the current password: ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "Command Result : 0x1 (CKR_CANCEL)", TMO))
		TH_LOG("%s", t.out);
	/* At a confirmation. */
	ASSERT_EQ(0, st_pty_send(&t, "key delete -handle 1\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "quit now ->", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "Command Result : 0x1 (CKR_CANCEL)", TMO));
	/* Still logged in, the session key still there. */
	ASSERT_EQ(0, st_pty_send(&t, "role show\r"));
	EXPECT_EQ(0, st_pty_expect(&t, "The 'Crypto Officer' is logged in", TMO))
		TH_LOG("%s", t.out);
	ASSERT_EQ(0, st_pty_send(&t, "key list\r"));
	EXPECT_EQ(0, st_pty_expect(&t, "tty-key", TMO)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "Number of objects:  1", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "exit\r"));
	EXPECT_NE(-1, st_pty_wait(&t, TMO));
	st_pty_close(&t);
}

TEST_HARNESS_MAIN
