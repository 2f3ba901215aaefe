// SPDX-License-Identifier: GPL-2.0
/*
 * skscm transcripts of the product document's examples, word for word
 * where the document gives words: slot set, role login, SKS backup, the
 * three troubleshooting cases, restore (abbreviated as in the document)
 * and the check that follows it: insert a blob extracted under the
 * restored SMK into a fresh partition and use the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sks.h>

#include "kselftest_harness.h"
#include "common.h"

static unsigned int new_v1(struct sks_hsm *hsm, const char *domain)
{
	struct sks_session *s;
	unsigned int slot;

	if (sks_hsm_create_partition(hsm, SKS_SLOT_V1, 0, &slot))
		return ~0U;
	s = sks_session_open(slot);
	if (!s || sks_session_init_partition(s, ST_SO_PW, domain, "seed") ||
	    sks_session_login(s, SKS_ROLE_SO, ST_SO_PW) ||
	    sks_session_init_role(s, SKS_ROLE_CO, ST_CO_PW))
		slot = ~0U;
	sks_session_close(s);
	return slot;
}

FIXTURE(seed) {
	struct sks_hsm *hsm;
	unsigned int v1, bk, v1b;
	char *out;
};

FIXTURE_SETUP(seed)
{
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	self->v1 = new_v1(self->hsm, "seed-domain");
	ASSERT_NE(~0U, self->v1);
	self->v1b = ~0U;
	ASSERT_EQ(0, sks_hsm_create_backup(self->hsm, NULL, ST_BK_PW, &self->bk));
	self->out = NULL;
}

FIXTURE_TEARDOWN(seed)
{
	sks_hsm_delete_slot(self->hsm, self->v1);
	sks_hsm_delete_slot(self->hsm, self->bk);
	if (self->v1b != ~0U)
		sks_hsm_delete_slot(self->hsm, self->v1b);
	sks_hsm_close(self->hsm);
	free(self->out);
}

TEST_F(seed, slot_set_and_login)
{
	char script[256], want[256];

	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n",
		 self->v1);
	ASSERT_EQ(0, st_skscm(script, &self->out));
	snprintf(want, sizeof(want),
		 "\nskscm:> slot set -slot %u\n\nCommand Result : No Error\n", self->v1);
	EXPECT_HAS(self->out, want);
	/* The password is never echoed (docs/skscm.md). */
	EXPECT_HAS(self->out, "\nskscm:> role login -name Crypto Officer -password ********"
			      "\n\nCommand Result : No Error\n");
	EXPECT_EQ(NULL, strstr(self->out, ST_CO_PW));
}

TEST_F(seed, backup_smk)
{
	char script[512], want[512];

	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"
		 "partition archive backup -slot %u -password " ST_BK_PW " -userpassword " ST_US_PW "\n"
		 "proceed\n", self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	EXPECT_HAS(self->out,
		   "\nYou are backing up a SKS partition.\n"
		   "Only the SKS master key (SMK) will be backed up.\n"
		   "No other objects will be cloned.\n"
		   "\nAre you sure you wish to continue?\n"
		   "\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n");
	snprintf(want, sizeof(want), "\nLogging in as the SO on slot %u.\n", self->bk);
	EXPECT_HAS(self->out, want);
	snprintf(want, sizeof(want), "\nCreating partition ");
	EXPECT_HAS(self->out, want);
	snprintf(want, sizeof(want), " on slot %u.\n\nLogging into the container ", self->bk);
	EXPECT_HAS(self->out, want);
	EXPECT_HAS(self->out, "\nThe SMK was cloned successfully.\n\nCommand Result : No Error\n");
}

TEST_F(seed, not_logged_in)
{
	char script[256];

	snprintf(script, sizeof(script),
		 "slot set -slot %u\npartition archive backup -slot %u\nproceed\n",
		 self->v1, self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	EXPECT_HAS(self->out,
		   "\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n"
		   "\nError: Failed to open session.\n"
		   "\nCommand Result : 0xb0 (CKR_SESSION_CLOSED)\n");
}

TEST_F(seed, partition_option_is_a_syntax_error)
{
	char script[256];

	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
		 "partition archive backup -slot %u -partition test\nproceed\n",
		 self->v1, self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	EXPECT_HAS(self->out,
		   "\nSyntax Error: Option -partition cannot be used for SKS operation.\n"
		   "\nCommand Result : No Error\n");
}

TEST_F(seed, quit_cancels)
{
	char script[256];

	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
		 "partition archive backup -slot %u -password " ST_BK_PW " -userpassword " ST_US_PW "\n"
		 "quit\n", self->v1, self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	EXPECT_HAS(self->out, "->quit\n\nCommand cancelled; nothing was changed.\n"
			      "\nCommand Result : 0x1 (CKR_CANCEL)\n");
	EXPECT_EQ(NULL, strstr(self->out, "Creating partition"));
}

TEST_F(seed, restore_onto_fresh_partition_then_insert_and_use)
{
	char script[2048], name[SKS_ARCHIVE_NAME_MAX + 1], *p, want[256];

	/* Handles start at 1 in a fresh slot: the key here, the inserted
	 * key on the test partition below. Boot-1 side: key, blob,
	 * ciphertext, SMK backup. */
	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
		 "key generate -keytype aes -length 32 -label k\n"
		 "crypto encrypt -handle 1 -in /proc/version -out /tmp/seed.enc\n"
		 "sks extract -all -file /tmp/seed.sks\n"
		 "partition archive backup -slot %u -password " ST_BK_PW " -userpassword " ST_US_PW " -force\n",
		 self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	p = strstr(self->out, "Creating partition ");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, sscanf(p, "Creating partition %64s", name));
	free(self->out);
	self->out = NULL;

	/* A fresh V1 test partition in the same domain. */
	self->v1b = new_v1(self->hsm, "seed-domain");
	ASSERT_NE(~0U, self->v1b);
	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"
		 "sks insert -file /tmp/seed.sks\n", self->v1b);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	EXPECT_HAS(self->out, "\nError: SKS insert failed: ");
	EXPECT_HAS(self->out, "; no object was inserted.\n");
	free(self->out);
	self->out = NULL;

	snprintf(script, sizeof(script),
		 "slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"
		 "par ar r -s %u -par %s -password " ST_US_PW "\nproceed\n"
		 "sks identify /tmp/seed.sks\n"
		 "sks insert -file /tmp/seed.sks\n"
		 "crypto decrypt -handle 1 -in /tmp/seed.enc -out /tmp/seed.dec\n",
		 self->v1b, self->bk, name);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	EXPECT_HAS(self->out,
		   "\nYou are restoring an SKS partition.\n"
		   "Only the SKS master key (SMK) will be restored.\n"
		   "CAUTION: The existing SMK will be overwritten.\n\n"
		   "\nAre you sure you wish to continue?\n"
		   "\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n");
	snprintf(want, sizeof(want), "\nLogging in to partition %s on slot %u as the user.\n",
		 name, self->bk);
	EXPECT_HAS(self->out, want);
	EXPECT_HAS(self->out, "\nThe SMK was cloned successfully.\n\nCommand Result : No Error\n");
	EXPECT_HAS(self->out, "primary SMK: can insert");
	EXPECT_HAS(self->out, "\nInserted 1 object(s) from 1 SKS blob(s).");
	EXPECT_HAS(self->out, "\nDecrypted ");
	EXPECT_EQ(0, system("cmp -s /proc/version /tmp/seed.dec"));
}

TEST_HARNESS_MAIN
