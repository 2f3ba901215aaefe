// SPDX-License-Identifier: GPL-2.0
/*
 * skscm and the Backup HSM, against the driver: the product document's
 * backup and restore transcripts and its three troubleshooting cases as
 * whole transcripts, word for word where the document gives words
 * (passwords replace "Please attend to the PED."); cancelling and -force;
 * archive list, show and delete; V0 cloning backups with -objects,
 * -append and -replace; Backup HSM images: save, load, wrong secret,
 * tampered and truncated images, and the image file kept up to date after
 * every change once attached.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define DOMAIN	"archive-domain"

FIXTURE(arch) {
	struct sks_hsm *hsm;
	unsigned int v1, bk, extra[8];
	int nextra;
	char dir[64];
	char *out;
};

FIXTURE_SETUP(arch)
{
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	self->v1 = st_lib_partition(self->hsm, SKS_SLOT_V1, DOMAIN);
	ASSERT_NE(~0U, self->v1);
	ASSERT_EQ(0, sks_hsm_create_backup(self->hsm, NULL, ST_BK_PW, &self->bk));
	self->nextra = 0;
	snprintf(self->dir, sizeof(self->dir), "/tmp/skscm-arch-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->out = NULL;
}

FIXTURE_TEARDOWN(arch)
{
	char *cmd = st_fmt("rm -rf %s", self->dir);

	if (cmd && system(cmd))
		TH_LOG("could not remove %s", self->dir);
	free(cmd);
	for (int i = 0; i < self->nextra; i++)
		sks_hsm_delete_slot(self->hsm, self->extra[i]);
	sks_hsm_delete_slot(self->hsm, self->v1);
	sks_hsm_delete_slot(self->hsm, self->bk);
	sks_hsm_close(self->hsm);
	free(self->out);
}

/* Remember a slot the test made, for the teardown. */
static unsigned int keep(FIXTURE_DATA(arch) *self, unsigned int slot)
{
	if (slot != ~0U && self->nextra < 8)
		self->extra[self->nextra++] = slot;
	return slot;
}

/* The number the next new slot gets: the lowest free one. */
static unsigned int lowest_free(struct sks_hsm *hsm)
{
	struct sks_slots *l = sks_hsm_list_slots(hsm);
	unsigned int n = ~0U;
	int used[SKS_MAX_SLOTS] = { 0 };

	if (!l)
		return ~0U;
	for (size_t i = 0; i < sks_slots_get_count(l); i++) {
		unsigned int s = sks_slot_info_get_number(sks_slots_get_slot(l, i));

		if (s < SKS_MAX_SLOTS)
			used[s] = 1;
	}
	sks_slots_free(l);
	for (unsigned int i = 0; i < SKS_MAX_SLOTS && n == ~0U; i++)
		if (!used[i])
			n = i;
	return n;
}

/* Back up @slot's SMK (or V0 objects into @name) with libsks. */
static int lib_backup(unsigned int slot, unsigned int bk, const char *name,
		      uint32_t flags, char *name_out)
{
	struct sks_session *s = st_lib_co(slot);
	int ret = s ? sks_session_backup(s, bk, ST_BK_PW, ST_US_PW, name, flags,
					 name_out, SKS_ARCHIVE_NAME_MAX + 1) : -1;

	sks_session_close(s);
	return ret;
}

static int file_equals(const char *a, const char *b)
{
	char *cmd = st_fmt("cmp -s %s %s", a, b);
	int ret = cmd ? system(cmd) : -1;

	free(cmd);
	return ret == 0;
}

/* No temporary file is left in @dir. */
static int no_temp_files(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int clean = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp"))
			clean = 0;
	closedir(d);
	return clean;
}

/* The slot number from "... on slot N." after @marker in @out. */
static unsigned int slot_after(const char *out, const char *marker)
{
	const char *p = strstr(out, marker);
	unsigned int slot;

	p = p ? strstr(p, " on slot ") : NULL;
	if (!p || sscanf(p, " on slot %u.", &slot) != 1)
		return ~0U;
	return slot;
}

TEST_F(arch, backup_transcript_word_for_word)
{
	char *script, *want, name[SKS_ARCHIVE_NAME_MAX + 1], date[32];
	struct sks_archives *l;
	struct sks_session_desc *d;
	struct sks_session *b, *s;
	unsigned long long serial;
	time_t now = time(NULL);
	struct tm tm;

	script = st_fmt("slot set -slot %u\n"
			"role login -name Crypto Officer -password " ST_CO_PW "\n"
			"partition archive backup -slot %u\n"
			"proceed\n" ST_BK_PW "\n" ST_US_PW "\n" ST_US_PW "\n", self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);

	b = sks_session_open(self->bk);
	ASSERT_NE(NULL, b);
	l = sks_backup_list_archives(b, ST_BK_PW);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(1, sks_archives_get_count(l));
	snprintf(name, sizeof(name), "%s",
		 sks_archive_info_get_name(sks_archives_get_archive(l, 0)));
	sks_archives_free(l);
	sks_session_close(b);

	/* The name: the source partition's serial and a UTC time stamp. */
	s = sks_session_open(self->v1);
	ASSERT_NE(NULL, s);
	d = sks_session_get_desc(s);
	ASSERT_NE(NULL, d);
	serial = sks_session_desc_get_serial(d);
	sks_session_desc_free(d);
	sks_session_close(s);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y:%m:%d-", &tm);
	want = st_fmt("%llu_%s", serial, date);
	EXPECT_EQ(0, strncmp(name, want, strlen(want))) TH_LOG("name %s", name);
	free(want);
	EXPECT_EQ(strlen(name), strlen("_2017:03:09-16:52:47") + (size_t)snprintf(NULL, 0, "%llu", serial));

	want = st_fmt(
		"\nskscm:> slot set -slot %u\n"
		"\nCommand Result : No Error\n"
		"\nskscm:> role login -name Crypto Officer -password ********\n"
		"\nCommand Result : No Error\n"
		"\nskscm:> partition archive backup -slot %u\n"
		"\nYou are backing up a SKS partition.\n"
		"Only the SKS master key (SMK) will be backed up.\n"
		"No other objects will be cloned.\n"
		"\nAre you sure you wish to continue?\n"
		"\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n"
		"\nLogging in as the SO on slot %u.\n"
		"\n\tEnter the Backup HSM SO password: \n"
		"\n\tEnter the password of the archive's user: \n"
		"\n\tEnter the password of the archive's user again: \n"
		"\nCreating partition %s on slot %u.\n"
		"\nLogging into the container %s on slot %u as the user.\n"
		"\nCreating Domain for the partition %s on slot %u.\n"
		"\nThe SMK was cloned successfully.\n"
		"\nCommand Result : No Error\n",
		self->v1, self->bk, self->bk, name, self->bk, name, self->bk,
		name, self->bk);
	EXPECT_STREQ(want, self->out);
	free(want);
}

TEST_F(arch, restore_transcript_word_for_word_onto_a_test_partition)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *script, *want;
	char fp1[65], fp2[65], fp_before[65];
	unsigned int v1b;

	ASSERT_EQ(0, lib_backup(self->v1, self->bk, NULL, 0, name));
	v1b = keep(self, st_lib_partition(self->hsm, SKS_SLOT_V1, DOMAIN));
	ASSERT_NE(~0U, v1b);
	ASSERT_EQ(0, st_lib_smk_hex(v1b, fp_before));
	ASSERT_EQ(0, st_lib_smk_hex(self->v1, fp1));
	ASSERT_STRNE(fp1, fp_before);

	script = st_fmt("slot set -slot %u\n"
			"role login -name Crypto Officer -password " ST_CO_PW "\n"
			"partition archive restore -slot %u -partition %s\n"
			"proceed\n" ST_US_PW "\n", v1b, self->bk, name);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt(
		"\nskscm:> partition archive restore -slot %u -partition %s\n"
		"\nYou are restoring an SKS partition.\n"
		"Only the SKS master key (SMK) will be restored.\n"
		"CAUTION: The existing SMK will be overwritten.\n"
		"\n"
		"\nAre you sure you wish to continue?\n"
		"\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n"
		"\nLogging in to partition %s on slot %u as the user.\n"
		"\n\tEnter the password of the archive's user: \n"
		"\nThe SMK was cloned successfully.\n"
		"\nCommand Result : No Error\n", self->bk, name, name, self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	ASSERT_EQ(0, st_lib_smk_hex(v1b, fp2));
	EXPECT_STREQ(fp1, fp2);
}

TEST_F(arch, not_logged_in_fails_to_open_session_and_creates_nothing)
{
	char *script, *want;

	script = st_fmt("slot set -slot %u\npartition archive backup -slot %u\nproceed\n",
			self->v1, self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	want = st_fmt(
		"\nskscm:> partition archive backup -slot %u\n"
		"\nYou are backing up a SKS partition.\n"
		"Only the SKS master key (SMK) will be backed up.\n"
		"No other objects will be cloned.\n"
		"\nAre you sure you wish to continue?\n"
		"\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n"
		"\nError: Failed to open session.\n"
		"\nCommand Result : 0xb0 (CKR_SESSION_CLOSED)\n", self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_EQ(0, st_lib_archives(self->bk));
}

TEST_F(arch, partition_option_on_sks_backup_is_a_syntax_error)
{
	char *script, *want;

	script = st_fmt("slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -partition test\nproceed\n",
			self->v1, self->bk);
	/* The document closes with "No Error"; the exit status still fails. */
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	want = st_fmt(
		"\nskscm:> partition archive backup -slot %u -partition test\n"
		"\nYou are backing up a SKS partition.\n"
		"Only the SKS master key (SMK) will be backed up.\n"
		"No other objects will be cloned.\n"
		"\nAre you sure you wish to continue?\n"
		"\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n"
		"\nSyntax Error: Option -partition cannot be used for SKS operation.\n"
		"\nCommand Result : No Error\n", self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_EQ(0, st_lib_archives(self->bk));
}

TEST_F(arch, archive_with_crypto_objects_restores_with_warning)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *script, *want, fp1[65], fp2[65];
	struct sks_attrs *a = sks_attrs_new();
	struct sks_session *s;
	unsigned int v0, v1b;
	uint32_t h;

	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, lib_backup(self->v1, self->bk, NULL, 0, name));
	/* A V0 partition of the same domain appends a token object to it. */
	v0 = keep(self, st_lib_partition(self->hsm, SKS_SLOT_V0, DOMAIN));
	ASSERT_NE(~0U, v0);
	s = st_lib_co(v0);
	ASSERT_NE(NULL, s);
	sks_attrs_set_class(a, SKS_CKO_DATA);
	sks_attrs_set_key_type(a, SKS_CKK_NONE);
	sks_attrs_set_flags(a, SKS_OBJ_TOKEN);
	ASSERT_EQ(0, sks_object_create(s, a, "record", 6, &h));
	sks_attrs_free(a);
	sks_session_close(s);
	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -partition %s -append "
			"-password " ST_BK_PW " -userpassword " ST_US_PW " -force\n",
			v0, self->bk, name);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt("\nAppending to the partition %s on slot %u.\n"
		      "\nThe objects were cloned successfully (1 in the archive).\n",
		      name, self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	free(self->out);

	/* The document's abbreviated restore onto a fresh test partition. */
	v1b = keep(self, st_lib_partition(self->hsm, SKS_SLOT_V1, DOMAIN));
	ASSERT_NE(~0U, v1b);
	script = st_fmt("slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"
			"par ar r -s %u -par %s\nproceed\n" ST_US_PW "\n",
			v1b, self->bk, name);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt(
		"\nskscm:> par ar r -s %u -par %s\n"
		"\nYou are restoring an SKS partition.\n"
		"Only the SKS master key (SMK) will be restored.\n"
		"CAUTION: The existing SMK will be overwritten.\n"
		"\n"
		"\nAre you sure you wish to continue?\n"
		"\nType 'proceed' to continue, or 'quit' to quit now ->proceed\n"
		"\nLogging in to partition %s on slot %u as the user.\n"
		"\n\tEnter the password of the archive's user: \n"
		"\nWARNING: Crypto object(s) detected in the backup device container.\n"
		"Dedicated backup container for SKS Master key is recommended.\n"
		"\nThe SMK was cloned successfully.\n"
		"\nCommand Result : No Error\n", self->bk, name, name, self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	ASSERT_EQ(0, st_lib_smk_hex(self->v1, fp1));
	ASSERT_EQ(0, st_lib_smk_hex(v1b, fp2));
	EXPECT_STREQ(fp1, fp2);
	/* Only the SMK came over: the partition holds no object. */
	s = st_lib_co(v1b);
	ASSERT_NE(NULL, s);
	{
		size_t n = 99;
		uint32_t *list = sks_object_find(s, NULL, 0, &n);

		EXPECT_EQ(0, n);
		free(list);
	}
	sks_session_close(s);
}

TEST_F(arch, anything_but_proceed_cancels_and_changes_nothing)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *script, fp_before[65], fp_after[65];
	unsigned int v1b;

	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -password " ST_BK_PW
			" -userpassword " ST_US_PW "\nquit\n", self->v1, self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "->quit\n\nCommand cancelled; nothing was changed.\n"
			      "\nCommand Result : 0x1 (CKR_CANCEL)\n");
	EXPECT_HASNT(self->out, "Creating partition");
	EXPECT_EQ(0, st_lib_archives(self->bk));
	free(self->out);

	/* "yes" is not "proceed" either. */
	ASSERT_EQ(0, lib_backup(self->v1, self->bk, NULL, 0, name));
	v1b = keep(self, st_lib_partition(self->hsm, SKS_SLOT_V1, DOMAIN));
	ASSERT_NE(~0U, v1b);
	ASSERT_EQ(0, st_lib_smk_hex(v1b, fp_before));
	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"par ar r -s %u -par %s -password " ST_US_PW "\nyes\n",
			v1b, self->bk, name);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "->yes\n\nCommand cancelled; nothing was changed.\n");
	ASSERT_EQ(0, st_lib_smk_hex(v1b, fp_after));
	EXPECT_STREQ(fp_before, fp_after);
	free(self->out);

	/* An archive delete answered with an empty line. */
	script = st_fmt("partition archive delete -slot %u -partition %s -password " ST_BK_PW "\n\n",
			self->bk, name);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "\nCommand Result : 0x1 (CKR_CANCEL)\n");
	EXPECT_EQ(1, st_lib_archives(self->bk));
}

TEST_F(arch, force_skips_the_confirmation)
{
	char *script;

	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -password " ST_BK_PW
			" -userpassword " ST_US_PW " -force\n", self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	EXPECT_HAS(self->out, "No other objects will be cloned.\n"
			      "\nLogging in as the SO on slot ");
	EXPECT_HASNT(self->out, "Are you sure");
	EXPECT_HAS(self->out, "\nThe SMK was cloned successfully.\n\nCommand Result : No Error\n");
	EXPECT_EQ(1, st_lib_archives(self->bk));
}

/* During an SMK rollover the archive holds the new SMK only: said first. */
TEST_F(arch, backup_during_a_rollover_says_the_old_smk_is_not_in_it)
{
	char *script;

	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition smkrollover -start\n"
			"partition archive backup -slot %u -password " ST_BK_PW
			" -userpassword " ST_US_PW " -force\n", self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	EXPECT_HAS(self->out, "No other objects will be cloned.\n\n"
			      "CAUTION: An SMK rollover is in progress on this partition.\n"
			      "Only the primary SMK is backed up, not the rollover SMK\n");
	EXPECT_HASNT(self->out, "All token objects will be cloned.");
	EXPECT_HAS(self->out, "\nThe SMK was cloned successfully.\n");
	EXPECT_EQ(1, st_lib_archives(self->bk));
}

TEST_F(arch, archive_list_show_and_delete)
{
	char n1[SKS_ARCHIVE_NAME_MAX + 1], n2[SKS_ARCHIVE_NAME_MAX + 1];
	char *script, *want, fp[65];

	ASSERT_EQ(0, lib_backup(self->v1, self->bk, NULL, 0, n1));
	ASSERT_EQ(0, lib_backup(self->v1, self->bk, NULL, 0, n2));
	ASSERT_STRNE(n1, n2);
	ASSERT_EQ(0, st_lib_smk_hex(self->v1, fp));

	script = st_fmt("par ar l -s %u -password " ST_BK_PW "\n"
			"partition archive show -slot %u -partition %s\n" ST_BK_PW "\n",
			self->bk, self->bk, n2);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt("\nLogging in as the SO on slot %u.\n"
		      "\n\tPartition Name ->\t%s\n"
		      "\tKind ->\t\t\tSKS archive (SMK)\n", self->bk, n1);
	EXPECT_HAS(self->out, want);
	free(want);
	want = st_fmt("\n\tNumber of archive partitions on slot %u:  2\n"
		      "\nCommand Result : No Error\n", self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	want = st_fmt("\tSMK Fingerprint ->\t%s\n", fp);
	EXPECT_HAS(strstr(self->out, "skscm:> partition archive show"), want);
	free(want);
	want = st_fmt("\tPartition Name ->\t%s\n", n2);
	EXPECT_HAS(strstr(self->out, "skscm:> partition archive show"), want);
	free(want);
	free(self->out);

	/* Delete one; the other stays. Then it is unknown, and a wrong
	 * password is refused. */
	script = st_fmt("partition archive delete -slot %u -partition %s -password " ST_BK_PW "\nproceed\n"
			"partition archive show -slot %u -partition %s -password " ST_BK_PW "\n",
			self->bk, n1, self->bk, n1);
	EXPECT_EQ(1, st_skscm_run(NULL, "-continue", script, &self->out));
	free(script);
	want = st_fmt("\nDeleted the archive partition %s on slot %u.\n"
		      "\nCommand Result : No Error\n", n1, self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_HAS(self->out, "\nCommand Result : 0xe1 (CKR_TOKEN_NOT_RECOGNIZED)\n");
	EXPECT_EQ(1, st_lib_archives(self->bk));
	free(self->out);

	script = st_fmt("partition archive list -slot %u -password wrong-secret\n", self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "\nCommand Result : 0xa0 (CKR_PIN_INCORRECT)\n");
	free(self->out);

	/* The archive commands want a Backup HSM slot. */
	script = st_fmt("partition archive list -slot %u -password " ST_BK_PW "\n", self->v1);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	want = st_fmt("\nError: Slot %u is not a Backup HSM.\n", self->v1);
	EXPECT_HAS(self->out, want);
	free(want);
}

TEST_F(arch, cloning_backup_objects_append_replace_and_restore)
{
	struct sks_attrs *a = sks_attrs_new();
	uint32_t h[3], *list;
	struct sks_session *s;
	unsigned int v0, v0b;
	char *script;
	size_t n;

	ASSERT_NE(NULL, a);
	v0 = keep(self, st_lib_partition(self->hsm, SKS_SLOT_V0, DOMAIN));
	ASSERT_NE(~0U, v0);
	s = st_lib_co(v0);
	ASSERT_NE(NULL, s);
	sks_attrs_set_class(a, SKS_CKO_DATA);
	sks_attrs_set_key_type(a, SKS_CKK_NONE);
	sks_attrs_set_flags(a, SKS_OBJ_TOKEN);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, sks_object_create(s, a, "abc", 3, &h[i]));
	sks_attrs_free(a);
	sks_session_close(s);

	script = st_fmt(
		"slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
		"partition archive backup -slot %u -partition clone-1 -objects %u -password " ST_BK_PW " -userpassword " ST_US_PW " -force\n"
		"partition archive backup -slot %u -partition clone-1 -objects %u -password " ST_BK_PW " -userpassword " ST_US_PW " -force\n"
		"partition archive backup -slot %u -partition clone-1 -objects %u -append -password " ST_BK_PW " -userpassword " ST_US_PW " -force\n"
		"partition archive backup -slot %u -partition clone-1 -replace -password " ST_BK_PW " -userpassword " ST_US_PW " -force\n",
		v0, self->bk, h[0], self->bk, h[1], self->bk, h[1], self->bk);
	EXPECT_EQ(1, st_skscm_run(NULL, "-continue", script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "The 1 object(s) listed will be cloned.\n");
	EXPECT_HAS(self->out, "\nThe objects were cloned successfully (1 in the archive).\n");
	EXPECT_HAS(self->out, "\nError: The backup failed; nothing was created on slot ");
	EXPECT_HAS(self->out, "\nCommand Result : 0x6 (CKR_FUNCTION_FAILED)\n");
	EXPECT_HAS(self->out, "\nThe objects were cloned successfully (2 in the archive).\n");
	EXPECT_HAS(self->out, "\nReplacing partition clone-1 on slot ");
	EXPECT_HAS(self->out, "\nThe objects were cloned successfully (3 in the archive).\n");
	free(self->out);

	/* SKS-only options on a V1 partition are the document's syntax error. */
	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -append -force\n",
			self->v1, self->bk);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "\nSyntax Error: Option -append cannot be used for SKS operation.\n");
	free(self->out);

	/* Restore onto a fresh V0 partition of the domain. */
	v0b = keep(self, st_lib_partition(self->hsm, SKS_SLOT_V0, DOMAIN));
	ASSERT_NE(~0U, v0b);
	script = st_fmt("slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive restore -slot %u -partition clone-1 -password " ST_US_PW " -force\n",
			v0b, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	EXPECT_HAS(self->out, "\n3 object(s) were cloned successfully.\n");
	s = st_lib_co(v0b);
	ASSERT_NE(NULL, s);
	list = sks_object_find(s, NULL, 0, &n);
	ASSERT_NE(NULL, list);
	EXPECT_EQ(3, n);
	free(list);
	sks_session_close(s);
}

TEST_F(arch, image_save_load_wrong_secret_tamper_truncate)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *script, *want, *img, *bad, *cmd;
	unsigned int loaded;
	int slots;

	ASSERT_EQ(0, lib_backup(self->v1, self->bk, NULL, 0, name));
	img = st_fmt("%s/backup.img", self->dir);
	bad = st_fmt("%s/bad.img", self->dir);
	script = st_fmt("backuphsm image save -slot %u -file %s -password " ST_BK_PW "\n",
			self->bk, img);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt("\nLogging in as the SO on slot %u.\n"
		      "\nSaved the Backup HSM on slot %u to %s (", self->bk, self->bk, img);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_TRUE(no_temp_files(self->dir));
	free(self->out);

	/* Load: a new Backup HSM slot with the same archive. */
	slots = st_lib_slots(self->hsm);
	script = st_fmt("backuphsm image load -file %s\n" ST_BK_PW "\n", img);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	loaded = keep(self, slot_after(self->out, "Loaded the Backup HSM"));
	ASSERT_NE(~0U, loaded);
	EXPECT_EQ(slots + 1, st_lib_slots(self->hsm));
	EXPECT_EQ(1, st_lib_archives(loaded));
	free(self->out);
	script = st_fmt("partition archive show -slot %u -partition %s -password " ST_BK_PW "\n",
			loaded, name);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	free(self->out);

	/* Wrong secret: nothing loaded. */
	slots = st_lib_slots(self->hsm);
	script = st_fmt("backuphsm image load -file %s -password wrong-secret\n", img);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	want = st_fmt("\nError: Wrong Backup HSM SO password for %s; nothing was loaded.\n"
		      "\nCommand Result : 0xa0 (CKR_PIN_INCORRECT)\n", img);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_EQ(slots, st_lib_slots(self->hsm));
	free(self->out);

	/* One flipped byte in the sealed payload. */
	cmd = st_fmt("cp %s %s && printf '\\377' | dd of=%s bs=1 seek=120 conv=notrunc 2>/dev/null",
		     img, bad, bad);
	ASSERT_EQ(0, system(cmd));
	free(cmd);
	ASSERT_FALSE(file_equals(img, bad));
	script = st_fmt("backuphsm image load -file %s -password " ST_BK_PW "\n", bad);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	want = st_fmt("\nError: %s is not an intact Backup HSM image; nothing was loaded.\n"
		      "\nCommand Result : 0x20 (CKR_DATA_INVALID)\n", bad);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_EQ(slots, st_lib_slots(self->hsm));
	free(self->out);

	/* Truncated by one byte. */
	cmd = st_fmt("head -c $(($(wc -c <%s) - 1)) %s >%s", img, img, bad);
	ASSERT_EQ(0, system(cmd));
	free(cmd);
	script = st_fmt("backuphsm image load -file %s -password " ST_BK_PW "\n", bad);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "\nCommand Result : 0x20 (CKR_DATA_INVALID)\n");
	EXPECT_EQ(slots, st_lib_slots(self->hsm));
	free(self->out);

	/* A failed save (wrong secret) leaves the old image as it was. */
	cmd = st_fmt("cp %s %s", img, bad);
	ASSERT_EQ(0, system(cmd));
	free(cmd);
	script = st_fmt("backuphsm image save -slot %u -file %s -password wrong-secret\n",
			self->bk, img);
	EXPECT_EQ(1, st_skscm(script, &self->out));
	free(script);
	EXPECT_HAS(self->out, "\nCommand Result : 0xa0 (CKR_PIN_INCORRECT)\n");
	EXPECT_TRUE(file_equals(img, bad));
	EXPECT_TRUE(no_temp_files(self->dir));
	free(img);
	free(bad);
}

TEST_F(arch, attached_image_is_saved_after_every_change)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *script, *want, *img;
	struct sks_archives *l;
	struct sks_session *b;
	unsigned int loaded;

	img = st_fmt("%s/attached.img", self->dir);
	script = st_fmt("backuphsm attach -slot %u -file %s -password " ST_BK_PW "\n"
			"slot list\n"
			"slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -password " ST_BK_PW
			" -userpassword " ST_US_PW " -force\n",
			self->bk, img, self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt("\nSaved the Backup HSM on slot %u to %s.\n"
		      "\nThe image file %s is attached to slot %u: it is saved after every change.\n",
		      self->bk, img, img, self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	want = st_fmt("\tImage File ->\t\t%s\n", img);
	EXPECT_HAS(self->out, want);
	free(want);
	want = st_fmt("\nThe SMK was cloned successfully.\n"
		      "\nSaved the Backup HSM on slot %u to %s.\n"
		      "\nCommand Result : No Error\n", self->bk, img);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_TRUE(no_temp_files(self->dir));
	free(self->out);

	/* The file holds the new archive. */
	ASSERT_EQ(0, sks_hsm_load_image_file(self->hsm, img, ST_BK_PW, &loaded, NULL));
	keep(self, loaded);
	b = sks_session_open(loaded);
	ASSERT_NE(NULL, b);
	l = sks_backup_list_archives(b, ST_BK_PW);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(1, sks_archives_get_count(l));
	snprintf(name, sizeof(name), "%s",
		 sks_archive_info_get_name(sks_archives_get_archive(l, 0)));
	sks_archives_free(l);
	sks_session_close(b);

	/* Load with -attach (the new slot gets the lowest free number),
	 * delete the archive there: the file is saved again. */
	loaded = lowest_free(self->hsm);
	ASSERT_NE(~0U, loaded);
	script = st_fmt("backuphsm image load -file %s -password " ST_BK_PW " -attach\n"
			"partition archive delete -slot %u -partition %s -password " ST_BK_PW " -force\n",
			img, loaded, name);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	ASSERT_EQ(loaded, keep(self, slot_after(self->out, "Loaded the Backup HSM")));
	want = st_fmt("\nThe image file %s is attached to slot %u: it is saved after every change.\n",
		      img, loaded);
	EXPECT_HAS(self->out, want);
	free(want);
	want = st_fmt("\nDeleted the archive partition %s on slot %u.\n"
		      "\nSaved the Backup HSM on slot %u to %s.\n"
		      "\nCommand Result : No Error\n", name, loaded, loaded, img);
	EXPECT_HAS(self->out, want);
	free(want);
	free(self->out);

	/* Detached: changes no longer reach the file. */
	script = st_fmt("backuphsm attach -slot %u -file %s -password " ST_BK_PW "\n"
			"backuphsm detach -slot %u\n"
			"slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
			"partition archive backup -slot %u -password " ST_BK_PW
			" -userpassword " ST_US_PW " -force\n",
			self->bk, img, self->bk, self->v1, self->bk);
	ASSERT_EQ(0, st_skscm(script, &self->out)) TH_LOG("%s", self->out);
	free(script);
	want = st_fmt("\nThe image file %s is no longer attached to slot %u.\n", img, self->bk);
	EXPECT_HAS(self->out, want);
	free(want);
	EXPECT_HASNT(strstr(self->out, "SMK was cloned"), "Saved the Backup HSM");
	ASSERT_EQ(0, sks_hsm_load_image_file(self->hsm, img, ST_BK_PW, &loaded, NULL));
	keep(self, loaded);
	/* bk had one archive when attached, and the backup after the
	 * detach is not in the file. */
	EXPECT_EQ(1, st_lib_archives(loaded));
	EXPECT_EQ(2, st_lib_archives(self->bk));
	EXPECT_TRUE(no_temp_files(self->dir));
	free(img);
}

TEST_HARNESS_MAIN
