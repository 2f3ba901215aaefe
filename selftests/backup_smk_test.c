// SPDX-License-Identifier: GPL-2.0
/*
 * SKS backup and restore of the SMK through a Backup HSM slot: the
 * product document's procedures and troubleshooting cases.
 */
#include "kselftest_harness.h"

#include <time.h>

#include "common.h"

static const char plain[] = "record for the external database";

FIXTURE(smk) {
	int ctl;
	int bslot, bfd;
	int pslot, pfd;
};

FIXTURE_SETUP(smk)
{
	self->bslot = self->pslot = -1;
	self->bfd = self->pfd = -1;
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, self->bslot);
	self->bfd = st_slot_open(self->bslot);
	ASSERT_LE(0, self->bfd);
	self->pfd = st_partition(self->ctl, SKS_SLOT_V1, "domain-A",
				 &self->pslot);
	ASSERT_LE(0, self->pfd);
}

FIXTURE_TEARDOWN(smk)
{
	if (self->pfd >= 0)
		close(self->pfd);
	if (self->bfd >= 0)
		close(self->bfd);
	if (self->pslot >= 0)
		st_slot_del(self->ctl, self->pslot);
	if (self->bslot >= 0)
		st_slot_del(self->ctl, self->bslot);
	close(self->ctl);
}

/*
 * The document's check: back up the SMK, restore it onto a fresh V1 test
 * partition of the same domain, insert a blob extracted earlier and
 * decrypt data encrypted before.
 */
TEST_F(smk, backup_restore_insert_decrypt)
{
	struct sks_session_info src, dst;
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	struct sks_archive_show as;
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM };
	struct sks_extract ex = {};
	struct sks_insert in = {};
	unsigned char ct[sizeof(plain) + 16], pt[sizeof(plain)];
	unsigned char blob[4096], iv[SKS_GCM_IV_LEN];
	__u32 key, key2;
	char expect[64];
	int tslot, tfd;
	struct tm tm;
	time_t t0;

	ASSERT_EQ(0, st_aes_key(self->pfd, &key));
	c.handle = key;
	c.in = st_ptr(plain);
	c.in_len = sizeof(plain);
	c.out = st_ptr(ct);
	c.out_len = sizeof(ct);
	ASSERT_EQ(0, ioctl(self->pfd, SKS_IOC_ENCRYPT, &c));
	memcpy(iv, c.iv, sizeof(iv));
	ex.handles = st_ptr(&key);
	ex.count = 1;
	ex.blob = st_ptr(blob);
	ex.blob_len = sizeof(blob);
	ASSERT_EQ(0, ioctl(self->pfd, SKS_IOC_EXTRACT, &ex));

	t0 = time(NULL);
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	EXPECT_EQ(SKS_CKR_OK, ab.result);
	EXPECT_EQ(0, ab.objects);
	/* <serial>_<YYYY:MM:DD-HH:MM:SS> */
	ASSERT_EQ(0, st_info(self->pfd, &src));
	gmtime_r(&t0, &tm);
	snprintf(expect, sizeof(expect), "%llu_%04d:%02d:%02d-",
		 (unsigned long long)src.serial, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	EXPECT_EQ(0, strncmp((char *)ab.name, expect, strlen(expect)))
		TH_LOG("name %s", ab.name);
	EXPECT_EQ(strlen(expect) + 8, strlen((char *)ab.name));

	/* show: the archive's SMK fingerprint is the partition's */
	ASSERT_EQ(0, st_archive_show(self->bfd, ST_BK_SO, ab.name, &as));
	EXPECT_EQ(SKS_ARCHIVE_SKS, as.entry.kind);
	EXPECT_EQ(0, as.entry.objects);
	EXPECT_EQ(src.serial, as.entry.source_serial);
	EXPECT_EQ(0, memcmp(as.entry.smk_fingerprint, src.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_LE((__u64)t0, as.entry.created);

	/* a fresh test partition in the same domain */
	tfd = st_partition(self->ctl, SKS_SLOT_V1, "domain-A", &tslot);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, st_info(tfd, &dst));
	EXPECT_NE(0, memcmp(dst.smk_fingerprint, src.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	/* before the restore, the blob belongs to no SMK of the partition */
	in.blob = st_ptr(blob);
	in.blob_len = ex.blob_len;
	in.handles = st_ptr(&key2);
	in.count = 1;
	EXPECT_EQ(-1, ioctl(tfd, SKS_IOC_INSERT, &in));
	EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, in.result);

	ASSERT_EQ(0, st_restore(tfd, self->bslot, ST_BK_USER, ab.name, &ar));
	EXPECT_EQ(SKS_CKR_OK, ar.result);
	EXPECT_EQ(0, ar.status);
	ASSERT_EQ(0, st_info(tfd, &dst));
	EXPECT_EQ(0, memcmp(dst.smk_fingerprint, src.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));

	in.count = 1;
	ASSERT_EQ(0, ioctl(tfd, SKS_IOC_INSERT, &in));
	memset(&c, 0, sizeof(c));
	c.mechanism = SKS_CKM_AES_GCM;
	c.handle = key2;
	memcpy(c.iv, iv, sizeof(c.iv));
	c.in = st_ptr(ct);
	c.in_len = sizeof(ct);
	c.out = st_ptr(pt);
	c.out_len = sizeof(pt);
	ASSERT_EQ(0, ioctl(tfd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(0, memcmp(pt, plain, sizeof(plain)));

	close(tfd);
	st_slot_del(self->ctl, tslot);
}

/* The document's "Failed to open session." case. */
TEST_F(smk, not_logged_in_session_closed)
{
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	int fd = st_slot_open(self->pslot);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENODEV, st_backup(fd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
				     &ab));
	EXPECT_EQ(SKS_CKR_SESSION_CLOSED, ab.result);
	EXPECT_EQ(-ENODEV, st_restore(fd, self->bslot, ST_BK_USER, "x", &ar));
	EXPECT_EQ(SKS_CKR_SESSION_CLOSED, ar.result);
	/* logged in as SO is not enough either */
	ASSERT_EQ(0, st_login(fd, SKS_ROLE_SO, ST_PART_SO));
	EXPECT_EQ(-ENODEV, st_backup(fd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
				     &ab));
	EXPECT_EQ(SKS_CKR_SESSION_CLOSED, ab.result);
	/* not logged in wins over a wrong Backup HSM and a wrong name */
	close(fd);
	fd = st_slot_open(self->pslot);
	EXPECT_EQ(-ENODEV, st_backup(fd, 31, "wrong-so", ST_BK_USER, "test", 0,
				     &ab));
	EXPECT_EQ(SKS_CKR_SESSION_CLOSED, ab.result);
	EXPECT_EQ(0, st_archive_count(self->bfd, ST_BK_SO));
	close(fd);
}

/* The document's "-partition cannot be used for SKS operation". */
TEST_F(smk, name_given_for_sks_backup)
{
	struct sks_archive_backup ab;

	EXPECT_EQ(-EINVAL, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     "test", 0, &ab));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ab.result);
	EXPECT_EQ(-EINVAL, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     NULL, SKS_BACKUP_REPLACE, &ab));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ab.result);
	EXPECT_EQ(0, st_archive_count(self->bfd, ST_BK_SO));
}

TEST_F(smk, wrong_backup_so_secret)
{
	struct sks_archive_backup ab;

	EXPECT_EQ(-EACCES, st_backup(self->pfd, self->bslot, "not-the-so",
				     ST_BK_USER, NULL, 0, &ab));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, ab.result);
	EXPECT_EQ(0, st_archive_count(self->bfd, ST_BK_SO));
	EXPECT_EQ(-EACCES, st_archive_count(self->bfd, "not-the-so"));
	/* a partition is no Backup HSM */
	EXPECT_EQ(-ENODEV, st_backup(self->pfd, self->pslot, ST_BK_SO, ST_BK_USER,
				     NULL, 0, &ab));
	EXPECT_EQ(SKS_CKR_SLOT_ID_INVALID, ab.result);
}

TEST_F(smk, wrong_archive_user_secret)
{
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;

	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	EXPECT_EQ(-EACCES, st_restore(self->pfd, self->bslot, "wrong-user",
				      ab.name, &ar));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, ar.result);
	EXPECT_EQ(-ENOENT, st_restore(self->pfd, self->bslot, ST_BK_USER,
				      "no-such-archive", &ar));
	EXPECT_EQ(SKS_CKR_TOKEN_NOT_RECOGNIZED, ar.result);
}

/* Two backups in the same second both succeed, with distinct names. */
TEST_F(smk, unique_names_same_second)
{
	struct sks_archive_backup a1, a2, a3;

	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &a1));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &a2));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &a3));
	EXPECT_NE(0, strcmp((char *)a1.name, (char *)a2.name));
	EXPECT_NE(0, strcmp((char *)a1.name, (char *)a3.name));
	EXPECT_NE(0, strcmp((char *)a2.name, (char *)a3.name));
	EXPECT_EQ(3, st_archive_count(self->bfd, ST_BK_SO));
}

/* Another cloning domain: refused, nothing changes on either side. */
TEST_F(smk, domain_mismatch_changes_nothing)
{
	struct sks_session_info before, after;
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	int oslot, ofd;

	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	ofd = st_partition(self->ctl, SKS_SLOT_V1, "domain-B", &oslot);
	ASSERT_LE(0, ofd);
	ASSERT_EQ(0, st_info(ofd, &before));
	EXPECT_EQ(-EXDEV, st_restore(ofd, self->bslot, ST_BK_USER, ab.name, &ar));
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, ar.result);
	ASSERT_EQ(0, st_info(ofd, &after));
	EXPECT_EQ(0, memcmp(before.smk_fingerprint, after.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_EQ(1, st_archive_count(self->bfd, ST_BK_SO));
	close(ofd);
	st_slot_del(self->ctl, oslot);
}

static int fw_backup(int ctl, int pfd, const char *fw, __u32 *result)
{
	struct sks_archive_backup ab;
	int slot, ret;

	slot = st_slot_create(ctl, SKS_SLOT_BACKUP, fw, ST_BK_SO, 0);
	if (slot < 0)
		return slot;
	ret = st_backup(pfd, slot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab);
	*result = ab.result;
	st_slot_del(ctl, slot);
	return ret;
}

/* Backup HSM 7 firmware >= 7.7.1, G5 firmware >= 6.28.0. */
TEST_F(smk, firmware_gate)
{
	static const char *const refused[] = { "7.7.0", "6.27.9", "7.6.5",
					       "6.10.0", "5.4.1" };
	static const char *const accepted[] = { "7.7.1", "6.28.0", "7.8.0",
						"6.28.3", "8.0.0" };
	struct sks_archive_restore ar;
	unsigned int i;
	__u32 result;
	int slot;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		EXPECT_EQ(-EOPNOTSUPP, fw_backup(self->ctl, self->pfd,
						 refused[i], &result))
			TH_LOG("firmware %s", refused[i]);
		EXPECT_EQ(SKS_CKR_FUNCTION_NOT_SUPPORTED, result);
	}
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		EXPECT_EQ(0, fw_backup(self->ctl, self->pfd, accepted[i],
				       &result))
			TH_LOG("firmware %s", accepted[i]);
		EXPECT_EQ(SKS_CKR_OK, result);
	}
	slot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, "7.7.0", ST_BK_SO, 0);
	ASSERT_LE(0, slot);
	EXPECT_EQ(-EOPNOTSUPP, st_restore(self->pfd, slot, ST_BK_USER, "x", &ar));
	EXPECT_EQ(SKS_CKR_FUNCTION_NOT_SUPPORTED, ar.result);
	st_slot_del(self->ctl, slot);
}

/* Restore replaces the SMK: blobs of the old SMK no longer insert. */
TEST_F(smk, restore_overwrites_smk)
{
	struct sks_session_info i1, i2;
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	int tslot, tfd;

	ASSERT_EQ(0, st_info(self->pfd, &i1));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	tfd = st_partition(self->ctl, SKS_SLOT_V1, "domain-A", &tslot);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, st_info(tfd, &i2));
	ASSERT_EQ(0, st_restore(tfd, self->bslot, ST_BK_USER, ab.name, &ar));
	/* twice is fine too */
	ASSERT_EQ(0, st_restore(tfd, self->bslot, ST_BK_USER, ab.name, &ar));
	ASSERT_EQ(0, st_info(tfd, &i2));
	EXPECT_EQ(0, memcmp(i1.smk_fingerprint, i2.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	close(tfd);
	st_slot_del(self->ctl, tslot);
}

/* Archive show/delete and the list's size query. */
TEST_F(smk, list_show_delete)
{
	struct sks_archive_entry e[4];
	struct sks_archive_list al = {
		.entry_size = sizeof(e[0]),
		.so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO),
	};
	struct sks_archive_backup ab;
	struct sks_archive_show as;

	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &ab));
	ASSERT_EQ(0, ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al));
	EXPECT_EQ(2, al.count);
	al.count = 1;
	al.entries = st_ptr(e);
	EXPECT_EQ(-1, ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, al.result);
	EXPECT_EQ(2, al.count);
	al.count = 4;
	ASSERT_EQ(0, ioctl(self->bfd, SKS_IOC_ARCHIVE_LIST, &al));
	EXPECT_EQ(2, al.count);
	EXPECT_EQ(0, strcmp((char *)e[1].name, (char *)ab.name));
	EXPECT_EQ(SKS_ARCHIVE_SKS, e[0].kind);
	EXPECT_EQ(0, memcmp(e[0].domain_id, e[1].domain_id,
			    SKS_DOMAIN_ID_LEN));
	EXPECT_LT(0, e[0].size);

	/* show/delete need the Backup HSM: not on a partition session */
	EXPECT_EQ(-EOPNOTSUPP, st_archive_show(self->pfd, ST_BK_SO, ab.name, &as));
	ASSERT_EQ(0, st_archive_show(self->bfd, ST_BK_SO, ab.name, &as));
	memset(&as.entry.kind, 0, sizeof(as.entry) - sizeof(as.entry.name));
	ASSERT_EQ(0, ioctl(self->bfd, SKS_IOC_ARCHIVE_DELETE, &as));
	EXPECT_EQ(1, st_archive_count(self->bfd, ST_BK_SO));
	EXPECT_EQ(-ENOENT, st_archive_show(self->bfd, ST_BK_SO, ab.name, &as));
	EXPECT_EQ(SKS_CKR_TOKEN_NOT_RECOGNIZED, as.result);
	EXPECT_EQ(-1, ioctl(self->bfd, SKS_IOC_ARCHIVE_DELETE, &as));
	EXPECT_EQ(ENOENT, errno);
}

/* Extensible struct rules and reserved fields. */
TEST_F(smk, inconsistent_attr)
{
	struct sks_archive_backup ab;
	struct {
		struct sks_archive_backup ab;
		__u64 tail;
	} big;
	unsigned long cmd;

	st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab);
	memset(&ab.name, 0, sizeof(ab.name));
	ab.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ab.result);
	ab.reserved = 0;
	ab.flags = 4;
	EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	EXPECT_EQ(EINVAL, errno);
	ab.flags = 0;
	ab.so_secret_len = 2;
	EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	EXPECT_EQ(SKS_CKR_PIN_LEN_RANGE, ab.result);
	ab.so_secret_len = strlen(ST_BK_SO);
	ab.so_secret = 8;
	EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* longer struct with a non-zero tail */
	memset(&big, 0, sizeof(big));
	big.tail = 1;
	cmd = _IOWR(SKS_IOC_MAGIC, 0x30, big);
	EXPECT_EQ(-1, ioctl(self->pfd, cmd, &big));
	EXPECT_EQ(E2BIG, errno);
	/* shorter than the first version */
	cmd = _IOWR(SKS_IOC_MAGIC, 0x30, struct sks_archive_restore);
	EXPECT_EQ(-1, ioctl(self->pfd, cmd, &big));
	EXPECT_EQ(EINVAL, errno);
	/* bad name characters */
	{
		struct sks_archive_restore ar;

		EXPECT_EQ(-EINVAL, st_restore(self->pfd, self->bslot, ST_BK_USER,
					      "a b", &ar));
		EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ar.result);
	}
}

TEST_HARNESS_MAIN
