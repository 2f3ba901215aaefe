// SPDX-License-Identifier: GPL-2.0
/*
 * skscm as an operator meets it, against the driver: Ctrl-C on a terminal
 * that keeps logins and session keys.
 */
#include "kselftest_harness.h"
#include "skscm_util.h"

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
	self->v1 = cm_partition(self->hsm, SKS_SLOT_V1, DOMAIN);
	ASSERT_NE(~0U, self->v1);
	ASSERT_EQ(0, sks_hsm_create_backup(self->hsm, NULL, BK_PW, &self->bk));
	self->out = NULL;
}

FIXTURE_TEARDOWN(ops)
{
	sks_hsm_delete_slot(self->hsm, self->v1);
	sks_hsm_delete_slot(self->hsm, self->bk);
	sks_hsm_close(self->hsm);
	free(self->out);
}

/* Interactive skscm at @slot, logged in as CO with a session key. */
static int tty_session(struct cm_pty *t, unsigned int slot)
{
	char *cmd = cm_fmt("slot set -slot %u\r", slot);
	int ret;

	ret = cm_pty_start(t, "skscm", NULL) ||
	      cm_pty_expect(t, "skscm:> ", TMO) ||
	      !cmd || cm_pty_send(t, cmd) ||
	      cm_pty_expect(t, "skscm:> ", TMO) ||
	      cm_pty_send(t, "role login -name co -password " CO_PW "\r") ||
	      cm_pty_expect(t, "No Error", TMO) ||
	      cm_pty_expect(t, "skscm:> ", TMO) ||
	      cm_pty_send(t, "key generate -keytype aes -label tty-key\r") ||
	      cm_pty_expect(t, "Generated key handle", TMO) ||
	      cm_pty_expect(t, "skscm:> ", TMO);
	free(cmd);
	return ret ? -1 : 0;
}

TEST_F(ops, ctrl_c_keeps_logins_and_session_keys)
{
	struct cm_pty t;

	ASSERT_EQ(0, tty_session(&t, self->v1)) TH_LOG("%s", t.out);
	/* At the prompt: the line is dropped. */
	ASSERT_EQ(0, cm_pty_send(&t, "key delete -handle 1 -force"));
	ASSERT_EQ(0, cm_pty_expect(&t, "-force", TMO));
	ASSERT_EQ(0, cm_pty_send(&t, "\x03"));
	EXPECT_EQ(0, cm_pty_expect(&t, "^C\r\nskscm:> ", TMO)) TH_LOG("%s", t.out);
	/* At a password prompt: the command is cancelled. */
	ASSERT_EQ(0, cm_pty_send(&t, "role changepw -name co\r"));
	ASSERT_EQ(0, cm_pty_expect(&t, "Enter the current password: ", TMO));
	ASSERT_EQ(0, cm_pty_send(&t, "\x03"));
	EXPECT_EQ(0, cm_pty_expect(&t, "Command Result : 0x1 (CKR_CANCEL)", TMO))
		TH_LOG("%s", t.out);
	/* At a confirmation. */
	ASSERT_EQ(0, cm_pty_send(&t, "key delete -handle 1\r"));
	ASSERT_EQ(0, cm_pty_expect(&t, "quit now ->", TMO));
	ASSERT_EQ(0, cm_pty_send(&t, "\x03"));
	EXPECT_EQ(0, cm_pty_expect(&t, "Command Result : 0x1 (CKR_CANCEL)", TMO));
	/* Still logged in, the session key still there. */
	ASSERT_EQ(0, cm_pty_send(&t, "role show\r"));
	EXPECT_EQ(0, cm_pty_expect(&t, "The 'Crypto Officer' is logged in", TMO))
		TH_LOG("%s", t.out);
	ASSERT_EQ(0, cm_pty_send(&t, "key list\r"));
	EXPECT_EQ(0, cm_pty_expect(&t, "tty-key", TMO)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, cm_pty_expect(&t, "Number of objects:  1", TMO));
	ASSERT_EQ(0, cm_pty_send(&t, "exit\r"));
	EXPECT_NE(-1, cm_pty_wait(&t, TMO));
	cm_pty_close(&t);
}

TEST_HARNESS_MAIN
