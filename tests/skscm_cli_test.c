// SPDX-License-Identifier: GPL-2.0
/*
 * skscm as an operator meets it, on the host (no driver needed): secrets
 * never shown in a transcript nor kept in the history, Ctrl-C at a password
 * prompt, at a confirmation and at the "skscm:> " prompt (on a
 * pseudo-terminal), new secrets asked twice and refused when too short, and
 * errors on files that name their cause. What needs the driver (logins
 * surviving a Ctrl-C) is in selftests/skscm_ops_test.c.
 */
#include <libgen.h>
#include <limits.h>

#include "kselftest_harness.h"
#include "../selftests/common.h"

#define TMO	5000	/* ms: skscm answers at once on the host */

/* build/tools/skscm next to this test's build/tests/. */
static char *skscm_path(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	return st_fmt("%s/../tools/skscm", dirname(self));
}

/* skscm in batch use on @script, run from build/tools: exit status. */
static int batch(const char *args, const char *script, char **out)
{
	char *path = skscm_path(), *prefix;
	int st;

	if (!path)
		return -1;
	prefix = st_fmt("PATH=%s:$PATH", dirname(path));
	st = st_skscm_run(prefix, args, script, out);
	free(prefix);
	free(path);
	return st;
}

/* Interactive skscm on a pseudo-terminal, at its first prompt. */
static int interactive(struct st_pty *t)
{
	char *path = skscm_path();
	int ret;

	if (!path)
		return -1;
	ret = st_pty_start(t, path, NULL);
	free(path);
	if (ret)
		return -1;
	return st_pty_expect(t, "skscm:> ", TMO);
}

/* The terminal's echo and line mode, as skscm left them. */
static int terminal_is_cooked(struct st_pty *t)
{
	struct termios tio;

	return tcgetattr(t->slave, &tio) == 0 && (tio.c_lflag & ECHO) &&
	       (tio.c_lflag & ICANON);
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

TEST(new_secret_too_short_is_refused_before_the_second_question)
{
	char *out = NULL;

	EXPECT_EQ(1, batch(NULL, "backuphsm create\nshort12\n", &out));
	ASSERT_NE(NULL, out);
	EXPECT_HAS(out, "\tEnter the new Backup HSM SO password: \n"
			"\nError: A password must be 8 to 64 characters long; nothing was changed.\n"
			"\nCommand Result : 0xa2 (CKR_PIN_LEN_RANGE)\n");
	EXPECT_HASNT(out, "again");
	free(out);
	/* Given on the command line: refused too, no question. */
	EXPECT_EQ(1, batch(NULL, "backuphsm create -password short12\n", &out));
	EXPECT_HAS(out, "\nError: A password must be 8 to 64 characters long; nothing was changed.\n");
	EXPECT_HASNT(out, "Enter");
	free(out);
}

TEST(new_secret_is_asked_twice_and_a_mismatch_refused)
{
	char *out = NULL;

	EXPECT_EQ(1, batch(NULL, "backuphsm create\nSecret-one\nSecret-two\n", &out));
	ASSERT_NE(NULL, out);
	EXPECT_HAS(out, "\tEnter the new Backup HSM SO password: \n"
			"\n\tEnter the new Backup HSM SO password again: \n"
			"\nError: The two passwords do not match; nothing was changed.\n"
			"\nCommand Result : 0x7 (CKR_ARGUMENTS_BAD)\n");
	EXPECT_HASNT(out, "control device");	/* nothing was tried */
	EXPECT_HASNT(out, "Secret");
	free(out);
}

TEST(file_errors_name_their_cause)
{
	char *out = NULL;

	batch("-continue",
	      "backuphsm image load -file /nonexistent/backup.img\n"
	      "backuphsm image load -file /tmp\n"
	      "crypto encrypt -handle 1 -in /tmp -out /tmp/x\n"
	      "crypto encrypt -handle 1 -in /proc/version -out /tmp\n"
	      "crypto decrypt -handle 1 -in /nonexistent -out /tmp/x\n"
	      "crypto sign -handle 1 -in /proc/version -out /nonexistent/mac\n"
	      "crypto verify -handle 1 -in /proc/version -signature /tmp\n"
	      "key import -keytype aes -file /tmp\n"
	      "sks insert -file /tmp\n"
	      "sks identify /nonexistent\n"
	      "sks extract -all -file /tmp\n", &out);
	ASSERT_NE(NULL, out);
	EXPECT_HAS(out, "\nError: Cannot read /nonexistent/backup.img: No such file or directory; nothing was loaded.\n");
	EXPECT_HAS(out, "\nError: Cannot read /tmp: Is a directory; nothing was loaded.\n");
	EXPECT_HAS(out, "skscm:> crypto encrypt -handle 1 -in /tmp -out /tmp/x\n"
			"\nError: Cannot read /tmp: Is a directory.\n");
	EXPECT_HAS(out, "\nError: Cannot write /tmp: Is a directory.\n");
	EXPECT_HAS(out, "\nError: Cannot read /nonexistent: No such file or directory.\n");
	EXPECT_HAS(out, "\nError: Cannot write /nonexistent/mac: No such file or directory.\n");
	EXPECT_HAS(out, "skscm:> crypto verify -handle 1 -in /proc/version -signature /tmp\n"
			"\nError: Cannot read /tmp: Is a directory.\n");
	EXPECT_HAS(out, "skscm:> key import -keytype aes -file /tmp\n"
			"\nError: Cannot read /tmp: Is a directory.\n");
	EXPECT_HAS(out, "skscm:> sks insert -file /tmp\n"
			"\nError: Cannot read /tmp: Is a directory.\n");
	EXPECT_HAS(out, "skscm:> sks extract -all -file /tmp\n"
			"\nError: Cannot write /tmp: Is a directory.\n");
	EXPECT_HASNT(out, "Input/output error");
	free(out);

	/* A file larger than one operation takes. */
	{
		char big[] = "/tmp/skscm-cli-XXXXXX", *cmd, *want;
		int fd = mkstemp(big);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ftruncate(fd, 65537));
		close(fd);
		cmd = st_fmt("crypto encrypt -handle 1 -in %s -out /tmp/x\n", big);
		batch(NULL, cmd, &out);
		want = st_fmt("\nError: Cannot read %s: it is larger than 65536 bytes.\n", big);
		EXPECT_HAS(out, want);
		unlink(big);
		free(want);
		free(cmd);
		free(out);
	}
}

TEST(ec_options_and_files_are_checked_before_the_device)
{
	char rsa[] = "/tmp/skscm-cli-rsa-XXXXXX", big[] = "/tmp/skscm-cli-XXXXXX";
	char *cmd, *out = NULL;
	int fd;

	/* An RSA public key is no EC public key: said before any slot. */
	fd = mkstemp(rsa);
	ASSERT_LE(0, fd);
	close(fd);
	cmd = st_fmt("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2>/dev/null | "
		     "openssl pkey -pubout -out %s 2>/dev/null", rsa);
	ASSERT_EQ(0, system(cmd));
	free(cmd);
	fd = mkstemp(big);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 65));
	close(fd);
	cmd = st_fmt("key generate -keytype ec -curve p521\n"
		     "key generate -keytype ec -length 32\n"
		     "key generate -keytype rsa\n"
		     "key import -keytype ecpublic -file %s\n"
		     "key import -keytype ecpublic -file /nonexistent.pem\n"
		     "key derive -mechanism ecdh -handle 2 -peer %s\n"
		     "key derive -mechanism rsa -handle 2 -peer %s\n"
		     "key derive -handle 2 -peer %s -kdf md5\n"
		     "key derive -handle 2 -peer %s -kdf null -shareddata x\n"
		     "key derive -handle 2 -peer %s -keytype ec\n"
		     "crypto sign -handle 2 -mechanism ecdsa -in %s -out /tmp/x\n"
		     "crypto sign -handle 2 -mechanism sha256 -der -in %s -out /tmp/x\n"
		     "crypto sign -handle 2 -mechanism ecdsa-sha512 -in %s -out /tmp/x\n"
		     "key csr -handle 2 -subject CN=x -file /tmp/x.csr\n"
		     "key csr -handle 2 -file /tmp/x.csr\n"
		     "key selfsign -handle 2 -subject /CN=x -days 0x -file /tmp/x.crt\n"
		     "key exportpub -handle 2 -file /tmp\n",
		     rsa, rsa, rsa, rsa, rsa, rsa, big, big, big);
	batch("-continue", cmd, &out);
	ASSERT_NE(NULL, out);
	EXPECT_HAS(out, "Syntax Error: Option -curve must be p256 or p384.\n");
	EXPECT_HAS(out, "Syntax Error: Option -length is not for EC keys: -curve says their size.\n");
	EXPECT_HAS(out, "Syntax Error: Option -keytype must be aes, generic or ec.\n");
	{
		char *want = st_fmt("skscm:> key import -keytype ecpublic -file %s\n"
				    "\nError: %s is not an EC public key on P-256 or P-384 "
				    "(PEM, DER SubjectPublicKeyInfo or an uncompressed point): "
				    "another algorithm or curve, or a compressed point.\n"
				    "\nCommand Result : 0x130 (CKR_DOMAIN_PARAMS_INVALID)\n",
				    rsa, rsa);

		EXPECT_HAS(out, want);
		free(want);
	}
	EXPECT_HAS(out, "\nError: Cannot read /nonexistent.pem: No such file or directory.\n");
	EXPECT_HAS(out, "Syntax Error: Option -mechanism must be ecdh.\n");
	EXPECT_HAS(out, "Syntax Error: Option -kdf must be sha256 (ANSI X9.63 with SHA-256, the default), sha384 or null.\n");
	EXPECT_HAS(out, "Syntax Error: Option -shareddata needs a KDF (-kdf sha256 or sha384).\n");
	EXPECT_HAS(out, "Syntax Error: Option -keytype of a derived key must be aes or generic.\n");
	{
		char *want = st_fmt("\nError: Cannot read %s: it is larger than 64 bytes.\n", big);

		EXPECT_HAS(out, want);
		free(want);
	}
	EXPECT_HAS(out, "Syntax Error: Option -der is for ECDSA signatures.\n");
	EXPECT_HAS(out, "Syntax Error: Option -mechanism must be sha256, sha384, sha512 (HMAC), ecdsa-sha256, ecdsa-sha384 or ecdsa (the input is a hash).\n");
	EXPECT_HAS(out, "Syntax Error: Option -subject takes /TYPE=value/... as OpenSSL does");
	EXPECT_HAS(out, "Syntax Error: Options -handle <private key>, -subject </CN=...> and -file are required.\n");
	EXPECT_HAS(out, "Syntax Error: Option -days needs a number of days (at most 36500).\n");
	EXPECT_HAS(out, "\nError: Cannot write /tmp: Is a directory.\n");
	unlink(rsa);
	unlink(big);
	free(cmd);
	free(out);
}

TEST(script_that_is_a_directory_is_refused)
{
	char *out = NULL;

	EXPECT_EQ(2, batch("-f /tmp", "", &out));
	ASSERT_NE(NULL, out);
	EXPECT_HAS(out, "skscm: /tmp: Is a directory\n");
	free(out);
}

TEST(ctrl_c_at_a_password_prompt_cancels_the_command_and_restores_echo)
{
	struct st_pty t;
	int st;

	ASSERT_EQ(0, interactive(&t));
	ASSERT_EQ(0, st_pty_send(&t, "backuphsm create\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "Enter the new Backup HSM SO password: ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "Sec"));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "^C", TMO)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "\nCommand cancelled; nothing was changed.\r\n"
				   "\r\nCommand Result : 0x1 (CKR_CANCEL)\r\n", TMO));
	/* skscm is still there, at its prompt. */
	EXPECT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO)) TH_LOG("%s", t.out);
	/* The same at the second question of a new secret. */
	ASSERT_EQ(0, st_pty_send(&t, "backuphsm create\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "password: ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "Secret-one\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "again: ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "(CKR_CANCEL)", TMO)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "exit\r"));
	st = st_pty_wait(&t, TMO);
	ASSERT_NE(-1, st) TH_LOG("%s", t.out);
	EXPECT_TRUE(WIFEXITED(st)) TH_LOG("%s", t.out);
	/* Echo back on: readline restores the settings it found at its
	 * last prompt, so echo left off at the password is still off. */
	EXPECT_TRUE(terminal_is_cooked(&t));
	EXPECT_EQ(NULL, strstr(t.out, "Secret-one"));
	st_pty_close(&t);
}

TEST(ctrl_c_at_the_prompt_drops_the_line_and_stays)
{
	struct st_pty t;
	int st;

	ASSERT_EQ(0, interactive(&t));
	/* (A Ctrl-C flushes what the terminal holds: wait for the echo.) */
	ASSERT_EQ(0, st_pty_send(&t, "partition show -slot 1"));
	ASSERT_EQ(0, st_pty_expect(&t, "-slot 1", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "^C\r\nskscm:> ", TMO)) TH_LOG("%s", t.out);
	/* The dropped line was not run; the next one is. */
	ASSERT_EQ(0, st_pty_send(&t, "help role show\r"));
	EXPECT_EQ(0, st_pty_expect(&t, "role show: ", TMO)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	EXPECT_EQ(NULL, strstr(t.out, "Slot 1"));
	/* Ctrl-C on an empty line, twice: still there. */
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "^C\r\nskscm:> ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "^C\r\nskscm:> ", TMO));
	/* Ctrl-D leaves. */
	ASSERT_EQ(0, st_pty_send(&t, "\x04"));
	st = st_pty_wait(&t, TMO);
	ASSERT_NE(-1, st) TH_LOG("%s", t.out);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_TRUE(terminal_is_cooked(&t));
	st_pty_close(&t);
}

TEST(ctrl_c_at_a_confirmation_cancels_the_command)
{
	struct st_pty t;

	ASSERT_EQ(0, interactive(&t));
	ASSERT_EQ(0, st_pty_send(&t, "partition delete -slot 31\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "quit now ->", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "proc"));
	ASSERT_EQ(0, st_pty_expect(&t, "proc", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "\nCommand cancelled; nothing was changed.\r\n", TMO))
		TH_LOG("%s", t.out);
	EXPECT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	ASSERT_EQ(0, st_pty_send(&t, "exit\r"));
	EXPECT_NE(-1, st_pty_wait(&t, TMO));
	EXPECT_TRUE(terminal_is_cooked(&t));
	st_pty_close(&t);
}

TEST(history_keeps_command_lines_with_secrets_masked)
{
	struct st_pty t;

	ASSERT_EQ(0, interactive(&t));
	ASSERT_EQ(0, st_pty_send(&t, "role login -name co -password Secret-42\r"));
	ASSERT_EQ(0, st_pty_expect(&t, "Command Result", TMO));
	ASSERT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	/* Up arrow: the line comes back, its secret masked. */
	ASSERT_EQ(0, st_pty_send(&t, "\x1b[A"));
	EXPECT_EQ(0, st_pty_expect(&t, "role login -name co -password ********", TMO))
		TH_LOG("%s", t.out);
	usleep(100000);
	ASSERT_EQ(0, st_pty_send(&t, "\x03"));
	EXPECT_EQ(0, st_pty_expect(&t, "skscm:> ", TMO));
	/* Only the operator's own typing showed it. */
	{
		char *first = strstr(t.out, "Secret-42");

		ASSERT_NE(NULL, first);
		EXPECT_EQ(NULL, strstr(first + 1, "Secret-42")) TH_LOG("%s", t.out);
	}
	ASSERT_EQ(0, st_pty_send(&t, "exit\r"));
	EXPECT_NE(-1, st_pty_wait(&t, TMO));
	st_pty_close(&t);
}

TEST_HARNESS_MAIN
