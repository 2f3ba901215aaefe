// SPDX-License-Identifier: GPL-2.0
/*
 * Cloning backups of V0 partitions, the SKS restore warning, and durable
 * Backup HSM images.
 */
#include "kselftest_harness.h"

#include "common.h"

FIXTURE(clone) {
	int ctl;
	int bslot, bfd;
	int pslot, pfd;
};

FIXTURE_SETUP(clone)
{
	self->bslot = self->pslot = -1;
	self->bfd = self->pfd = -1;
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO,
				16384);
	ASSERT_LE(0, self->bslot);
	self->bfd = st_slot_open(self->bslot);
	ASSERT_LE(0, self->bfd);
	self->pfd = st_partition(self->ctl, SKS_SLOT_V0, "domain-A",
				 &self->pslot);
	ASSERT_LE(0, self->pfd);
}

FIXTURE_TEARDOWN(clone)
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

static const char blob_bytes[] = "an SKS blob kept as a data object";

/* Token objects (a data object too) out to an archive and back. */
TEST_F(clone, backup_restore_v0)
{
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	struct sks_get_value gv = {};
	char buf[64];
	__u32 h, handles[4];
	struct sks_find_objects f = { .handles = st_ptr(handles), .count = 4 };
	int tslot, tfd;

	ASSERT_EQ(0, st_data(self->pfd, true, "blob-1", blob_bytes,
			     sizeof(blob_bytes), &h));
	ASSERT_EQ(0, st_data(self->pfd, true, "blob-2", "xyz", 3, &h));
	/* session objects are not cloned by default */
	ASSERT_EQ(0, st_data(self->pfd, false, "session", "s", 1, &h));

	/* a V0 backup needs a name */
	EXPECT_EQ(-EINVAL, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     NULL, 0, &ab));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "v0-1",
			       0, &ab));
	EXPECT_EQ(2, ab.objects);
	EXPECT_EQ(0, strcmp((char *)ab.name, "v0-1"));
	/* the name exists */
	EXPECT_EQ(-EEXIST, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     "v0-1", 0, &ab));
	EXPECT_EQ(SKS_CKR_FUNCTION_FAILED, ab.result);

	tfd = st_partition(self->ctl, SKS_SLOT_V0, "domain-A", &tslot);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, st_restore(tfd, self->bslot, ST_BK_USER, "v0-1", &ar));
	EXPECT_EQ(2, ar.objects);
	ASSERT_EQ(0, ioctl(tfd, SKS_IOC_FIND_OBJECTS, &f));
	ASSERT_EQ(2, f.count);
	gv.handle = handles[0];
	gv.buf = st_ptr(buf);
	gv.len = sizeof(buf);
	ASSERT_EQ(0, ioctl(tfd, SKS_IOC_GET_VALUE, &gv));
	EXPECT_EQ(sizeof(blob_bytes), gv.len);
	EXPECT_EQ(0, memcmp(buf, blob_bytes, sizeof(blob_bytes)));
	close(tfd);
	st_slot_del(self->ctl, tslot);

	/* another domain: refused, nothing created */
	tfd = st_partition(self->ctl, SKS_SLOT_V0, "domain-B", &tslot);
	ASSERT_LE(0, tfd);
	EXPECT_EQ(-EXDEV, st_restore(tfd, self->bslot, ST_BK_USER, "v0-1", &ar));
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, ar.result);
	EXPECT_EQ(0, st_nobjects(tfd));
	close(tfd);
	st_slot_del(self->ctl, tslot);
}

/*
 * A V0's token EC key pair (P-384: the longest values) out to a cloning
 * archive and back onto a fresh partition: the same point, a signature
 * made before verifies with the restored public key, the restored private
 * key signs and keeps its usage count and limit.
 */
TEST_F(clone, backup_restore_v0_ec_key_pair)
{
	static const char msg[] = "signed before the backup";
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	__u8 pt[128], pt2[128], sig[128], s2[128];
	__u32 pub = 0, priv = 0, plen, slen, l, ckr, handles[4];
	__u32 rpub = 0, rpriv = 0;
	struct sks_find_objects f = { .handles = st_ptr(handles), .count = 4 };
	struct sks_get_attrs ga;
	int tslot, tfd, i;

	ASSERT_EQ(0, st_ec_pair(self->pfd, SKS_EC_P384, SKS_OBJ_TOKEN, 3,
				&pub, &priv));
	plen = sizeof(pt);
	ASSERT_EQ(0, st_ec_point(self->pfd, pub, pt, &plen));
	EXPECT_EQ(97, plen);
	slen = sizeof(sig);
	ASSERT_EQ(0, st_ecdsa(self->pfd, false, priv, msg, sig, &slen, &ckr));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "v0-ec",
			       0, &ab));
	EXPECT_EQ(2, ab.objects);

	tfd = st_partition(self->ctl, SKS_SLOT_V0, "domain-A", &tslot);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, st_restore(tfd, self->bslot, ST_BK_USER, "v0-ec", &ar));
	EXPECT_EQ(2, ar.objects);
	ASSERT_EQ(0, ioctl(tfd, SKS_IOC_FIND_OBJECTS, &f));
	ASSERT_EQ(2, f.count);
	for (i = 0; i < 2; i++) {
		memset(&ga, 0, sizeof(ga));
		ga.handle = handles[i];
		ASSERT_EQ(0, ioctl(tfd, SKS_IOC_GET_ATTRS, &ga));
		EXPECT_EQ(SKS_CKK_EC, ga.attrs.key_type);
		EXPECT_TRUE(ga.attrs.flags & SKS_OBJ_TOKEN);
		if (ga.attrs.obj_class == SKS_CKO_PUBLIC_KEY)
			rpub = handles[i];
		else if (ga.attrs.obj_class == SKS_CKO_PRIVATE_KEY)
			rpriv = handles[i];
	}
	ASSERT_NE(0, rpub);
	ASSERT_NE(0, rpriv);
	l = sizeof(pt2);
	ASSERT_EQ(0, st_ec_point(tfd, rpub, pt2, &l));
	EXPECT_EQ(plen, l);
	EXPECT_EQ(0, memcmp(pt, pt2, plen));
	EXPECT_EQ(0, st_ecdsa(tfd, true, rpub, msg, sig, &slen, &ckr));
	EXPECT_EQ(1, st_use_count(tfd, rpriv));
	/* two uses of three left */
	for (i = 0; i < 2; i++) {
		l = sizeof(s2);
		ASSERT_EQ(0, st_ecdsa(tfd, false, rpriv, msg, s2, &l, &ckr));
		EXPECT_EQ(0, st_ecdsa(self->pfd, true, pub, msg, s2, &l,
				      &ckr));
	}
	l = sizeof(s2);
	EXPECT_NE(0, st_ecdsa(tfd, false, rpriv, msg, s2, &l, &ckr));
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, ckr);
	close(tfd);
	st_slot_del(self->ctl, tslot);
}

TEST_F(clone, append_replace_and_list)
{
	struct sks_archive_backup ab;
	struct sks_archive_show as;
	__u32 h1, h2;

	ASSERT_EQ(0, st_data(self->pfd, true, "one", "1", 1, &h1));
	ASSERT_EQ(0, st_data(self->pfd, true, "two", "2", 1, &h2));
	ab.count = 1;
	memset(&ab, 0, sizeof(ab));
	ab.backup_slot = self->bslot;
	ab.so_secret = st_ptr(ST_BK_SO);
	ab.so_secret_len = strlen(ST_BK_SO);
	ab.user_secret = st_ptr(ST_BK_USER);
	ab.user_secret_len = strlen(ST_BK_USER);
	strcpy((char *)ab.name, "chosen");
	ab.count = 1;
	ab.handles = st_ptr(&h2);
	ASSERT_EQ(0, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	EXPECT_EQ(1, ab.objects);
	/* APPEND adds, with the archive's own user secret */
	EXPECT_EQ(-EACCES, st_backup(self->pfd, self->bslot, ST_BK_SO,
				     "other-secret", "chosen",
				     SKS_BACKUP_APPEND, &ab));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
			       "chosen", SKS_BACKUP_APPEND, &ab));
	EXPECT_EQ(3, ab.objects);
	/* REPLACE starts over */
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, "new-user",
			       "chosen", SKS_BACKUP_REPLACE, &ab));
	EXPECT_EQ(2, ab.objects);
	ASSERT_EQ(0, st_archive_show(self->bfd, ST_BK_SO, "chosen", &as));
	EXPECT_EQ(SKS_ARCHIVE_CLONING, as.entry.kind);
	EXPECT_EQ(2, as.entry.objects);
	EXPECT_EQ(1, st_archive_count(self->bfd, ST_BK_SO));
	/* both flags at once */
	EXPECT_EQ(-EINVAL, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     "chosen",
				     SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE,
				     &ab));
	/* APPEND to a missing archive */
	EXPECT_EQ(-ENOENT, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     "missing", SKS_BACKUP_APPEND, &ab));
}

/*
 * Every handle list refuses a repeated handle with CKR_ARGUMENTS_BAD before
 * doing anything: no archive, not even a check of the HSM SO secret.
 */
TEST_F(clone, repeated_handle_is_refused_before_anything)
{
	static const struct {
		__u32 n;
		__u32 idx[3];
	} lists[] = {
		{ 2, { 0, 0 } },
		{ 3, { 0, 1, 0 } },
		{ 3, { 1, 0, 1 } },
	};
	struct sks_archive_backup ab;
	struct sks_session_info bi;
	__u32 h[2], handles[3];
	size_t i, k;

	ASSERT_EQ(0, st_data(self->pfd, true, "one", "1", 1, &h[0]));
	ASSERT_EQ(0, st_data(self->pfd, true, "two", "2", 1, &h[1]));
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		for (k = 0; k < lists[i].n; k++)
			handles[k] = h[lists[i].idx[k]];
		memset(&ab, 0, sizeof(ab));
		ab.backup_slot = self->bslot;
		ab.so_secret = st_ptr(ST_BK_SO);
		ab.so_secret_len = strlen(ST_BK_SO);
		ab.user_secret = st_ptr(ST_BK_USER);
		ab.user_secret_len = strlen(ST_BK_USER);
		strcpy((char *)ab.name, "dups");
		ab.count = lists[i].n;
		ab.handles = st_ptr(handles);
		EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab))
			TH_LOG("list %zu", i);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ab.result);
		EXPECT_EQ(0, ab.objects);
		/* checked first: a wrong HSM SO secret is not even looked at */
		ab.so_secret = st_ptr("wrong-secret");
		ab.so_secret_len = strlen("wrong-secret");
		EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
		EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ab.result);
	}
	EXPECT_EQ(0, st_archive_count(self->bfd, ST_BK_SO));
	ASSERT_EQ(0, st_info(self->bfd, &bi));
	EXPECT_EQ(0, bi.so_failures);
	EXPECT_EQ(0, bi.used);
	/* APPEND with a repeated handle adds nothing either */
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "dups",
			       0, &ab));
	EXPECT_EQ(2, ab.objects);
	handles[0] = handles[1] = h[0];
	memset(&ab, 0, sizeof(ab));
	ab.flags = SKS_BACKUP_APPEND;
	ab.backup_slot = self->bslot;
	ab.so_secret = st_ptr(ST_BK_SO);
	ab.so_secret_len = strlen(ST_BK_SO);
	ab.user_secret = st_ptr(ST_BK_USER);
	ab.user_secret_len = strlen(ST_BK_USER);
	strcpy((char *)ab.name, "dups");
	ab.count = 2;
	ab.handles = st_ptr(handles);
	EXPECT_EQ(-1, ioctl(self->pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, ab.result);
	{
		struct sks_archive_show as;

		ASSERT_EQ(0, st_archive_show(self->bfd, ST_BK_SO, "dups", &as));
		EXPECT_EQ(2, as.entry.objects);
	}
}

/* A backup that does not fit fails cleanly. */
TEST_F(clone, capacity_exhausted)
{
	static char big[6000];
	struct sks_archive_backup ab;
	struct sks_session_info bi;
	__u32 h;

	ASSERT_EQ(0, st_data(self->pfd, true, "big", big, sizeof(big), &h));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "a1",
			       0, &ab));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "a2",
			       0, &ab));
	ASSERT_EQ(0, st_info(self->bfd, &bi));
	EXPECT_EQ(-ENOSPC, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
				     "a3", 0, &ab));
	EXPECT_EQ(SKS_CKR_DEVICE_MEMORY, ab.result);
	EXPECT_EQ(2, st_archive_count(self->bfd, ST_BK_SO));
	{
		struct sks_session_info after;

		ASSERT_EQ(0, st_info(self->bfd, &after));
		EXPECT_EQ(bi.used, after.used);
	}
}

/*
 * Kinds: a cloning archive cannot go onto an SKS partition, an SKS
 * archive not onto a V0 partition; an SKS archive that also holds
 * objects restores the SMK with the warning.
 */
TEST_F(clone, kinds_and_warning)
{
	struct sks_session_info before, after;
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	char name[SKS_ARCHIVE_NAME_MAX + 1] = "";
	int vslot, vfd, tslot, tfd;
	__u32 h;

	ASSERT_EQ(0, st_data(self->pfd, true, "obj", "value", 5, &h));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "v0",
			       0, &ab));
	vfd = st_partition(self->ctl, SKS_SLOT_V1, "domain-A", &vslot);
	ASSERT_LE(0, vfd);
	ASSERT_EQ(0, st_info(vfd, &before));
	EXPECT_EQ(-EMEDIUMTYPE, st_restore(vfd, self->bslot, ST_BK_USER, "v0",
					   &ar));
	EXPECT_EQ(SKS_CKR_SAVED_STATE_INVALID, ar.result);
	ASSERT_EQ(0, st_info(vfd, &after));
	EXPECT_EQ(0, memcmp(before.smk_fingerprint, after.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_EQ(0, st_nobjects(vfd));

	ASSERT_EQ(0, st_backup(vfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	EXPECT_EQ(-EMEDIUMTYPE, st_restore(self->pfd, self->bslot, ST_BK_USER,
					   ab.name, &ar));
	/* objects appended to the SKS archive from a V0 partition */
	memcpy(name, ab.name, sizeof(ab.name));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER,
			       name, SKS_BACKUP_APPEND, &ab));
	EXPECT_EQ(1, ab.objects);
	tfd = st_partition(self->ctl, SKS_SLOT_V1, "domain-A", &tslot);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, st_restore(tfd, self->bslot, ST_BK_USER, ab.name, &ar));
	EXPECT_EQ(SKS_RESTORE_WARN_OBJECTS, ar.status);
	EXPECT_EQ(1, ar.objects);
	ASSERT_EQ(0, st_info(tfd, &after));
	EXPECT_EQ(0, memcmp(before.smk_fingerprint, after.smk_fingerprint,
			    SKS_FINGERPRINT_LEN));
	EXPECT_EQ(0, st_nobjects(tfd));
	close(tfd);
	st_slot_del(self->ctl, tslot);
	close(vfd);
	st_slot_del(self->ctl, vslot);
}

static int image_save(int bfd, const char *so, unsigned char **img,
		      __u32 *len)
{
	struct sks_image_save is = { .so_secret = st_ptr(so),
				     .so_secret_len = strlen(so) };

	if (ioctl(bfd, SKS_IOC_IMAGE_SAVE, &is))
		return -errno;
	*img = malloc(is.image_len);
	is.image = st_ptr(*img);
	if (ioctl(bfd, SKS_IOC_IMAGE_SAVE, &is))
		return -errno;
	*len = is.image_len;
	return 0;
}

static int image_load(int ctl, const void *img, __u32 len, const char *so,
		      struct sks_image_load *il)
{
	memset(il, 0, sizeof(*il));
	il->image = st_ptr(img);
	il->image_len = len;
	il->so_secret = st_ptr(so);
	il->so_secret_len = strlen(so);
	return ioctl(ctl, SKS_CTL_IMAGE_LOAD, il) ? -errno : 0;
}

static int nr_slots(int ctl)
{
	struct sks_hsm_info info = {};

	return ioctl(ctl, SKS_CTL_HSM_INFO, &info) ? -errno : (int)info.nr_slots;
}

/* Save, delete the slot, load: same archives, same fingerprints. */
TEST_F(clone, image_roundtrip_and_tamper)
{
	struct sks_archive_backup sks_ab, ab;
	struct sks_archive_show as1, as2;
	struct sks_archive_restore ar;
	struct sks_session_info bi, vi;
	struct sks_image_load il;
	unsigned char *img, *bad;
	int vslot, vfd, n, i, bfd;
	__u32 len, h;

	ASSERT_EQ(0, st_data(self->pfd, true, "obj", "value", 5, &h));
	ASSERT_EQ(0, st_backup(self->pfd, self->bslot, ST_BK_SO, ST_BK_USER, "v0",
			       0, &ab));
	vfd = st_partition(self->ctl, SKS_SLOT_V1, "domain-A", &vslot);
	ASSERT_LE(0, vfd);
	ASSERT_EQ(0, st_backup(vfd, self->bslot, ST_BK_SO, ST_BK_USER, NULL, 0,
			       &sks_ab));
	ASSERT_EQ(0, st_archive_show(self->bfd, ST_BK_SO, sks_ab.name, &as1));
	ASSERT_EQ(0, st_info(self->bfd, &bi));

	EXPECT_EQ(-EACCES, image_save(self->bfd, "wrong-so", &img, &len));
	ASSERT_EQ(0, image_save(self->bfd, ST_BK_SO, &img, &len));
	close(self->bfd);
	self->bfd = -1;
	ASSERT_EQ(0, st_slot_del(self->ctl, self->bslot));
	self->bslot = -1;
	n = nr_slots(self->ctl);

	/* refused: wrong secret, flipped bytes, truncated, trailing bytes */
	EXPECT_EQ(-EACCES, image_load(self->ctl, img, len, "wrong-so", &il));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, il.result);
	bad = malloc(len + 1);
	for (i = 0; i < (int)len; i += (i < 100 ? 7 : 97)) {
		memcpy(bad, img, len);
		bad[i] ^= 0x01;
		/* damaged, with the right secret: never a wrong secret */
		EXPECT_EQ(-EBADMSG, image_load(self->ctl, bad, len, ST_BK_SO, &il))
			TH_LOG("byte %d", i);
		EXPECT_EQ(SKS_CKR_DATA_INVALID, il.result) TH_LOG("byte %d", i);
	}
	memcpy(bad, img, len);
	bad[len - 1] ^= 0x80;
	EXPECT_EQ(-EBADMSG, image_load(self->ctl, bad, len, ST_BK_SO, &il));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, il.result);
	EXPECT_EQ(-EBADMSG, image_load(self->ctl, img, len - 1, ST_BK_SO, &il));
	memcpy(bad, img, len);
	bad[len] = 0;
	EXPECT_EQ(-EBADMSG, image_load(self->ctl, bad, len + 1, ST_BK_SO, &il));
	memcpy(bad, img, len);
	bad[0] = 'X';
	EXPECT_EQ(-EBADMSG, image_load(self->ctl, bad, len, ST_BK_SO, &il));
	bad[0] = img[0];
	bad[4] = 0x7f;	/* an unknown version */
	EXPECT_EQ(-EBADMSG, image_load(self->ctl, bad, len, ST_BK_SO, &il));
	EXPECT_EQ(n, nr_slots(self->ctl));
	free(bad);

	ASSERT_EQ(0, image_load(self->ctl, img, len, ST_BK_SO, &il));
	self->bslot = il.slot;
	EXPECT_EQ(bi.serial, il.serial);
	bfd = st_slot_open(il.slot);
	ASSERT_LE(0, bfd);
	self->bfd = bfd;
	EXPECT_EQ(2, st_archive_count(bfd, ST_BK_SO));
	ASSERT_EQ(0, st_archive_show(bfd, ST_BK_SO, sks_ab.name, &as2));
	EXPECT_EQ(0, memcmp(&as1.entry, &as2.entry, sizeof(as1.entry)));
	ASSERT_EQ(0, st_info(bfd, &vi));
	EXPECT_EQ(bi.used, vi.used);
	EXPECT_EQ(bi.capacity, vi.capacity);

	/* the loaded archives restore */
	ASSERT_EQ(0, st_restore(vfd, il.slot, ST_BK_USER, sks_ab.name, &ar));
	EXPECT_EQ(0, ar.status);
	free(img);
	close(vfd);
	st_slot_del(self->ctl, vslot);
}

/*
 * An image bigger than kmalloc can serve (KMALLOC_MAX_SIZE, 4 MiB on
 * x86-64) lives in vmalloc memory on both save and load: it must seal and
 * open the same way, page by page.
 */
TEST_F(clone, image_beyond_kmalloc)
{
	enum { N = 70, SZ = SKS_MAX_DATA_SIZE, CAP = 8 << 20 };
	struct sks_archive_restore ar;
	struct sks_archive_backup ab;
	struct sks_image_load il;
	struct sks_get_value gv = {};
	int bslot, bfd, pslot, pfd, tslot, tfd, i;
	unsigned char *val, *img, *back;
	__u32 h, len, handles[N];
	struct sks_find_objects f = { .handles = st_ptr(handles), .count = N };

	val = malloc(SZ);
	back = malloc(SZ);
	ASSERT_NE(NULL, val);
	ASSERT_NE(NULL, back);
	bslot = st_slot_create(self->ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, CAP);
	ASSERT_LE(0, bslot);
	bfd = st_slot_open(bslot);
	ASSERT_LE(0, bfd);
	pfd = st_partition_cap(self->ctl, SKS_SLOT_V0, "domain-A", &pslot, CAP);
	ASSERT_LE(0, pfd);
	for (i = 0; i < N; i++) {
		memset(val, i, SZ);
		val[0] = 0xa5;
		ASSERT_EQ(0, st_data(pfd, true, "big", val, SZ, &h));
	}
	ASSERT_EQ(0, st_backup(pfd, bslot, ST_BK_SO, ST_BK_USER, "big", 0, &ab));
	ASSERT_EQ(0, image_save(bfd, ST_BK_SO, &img, &len));
	EXPECT_LT(4u << 20, len);
	close(bfd);
	ASSERT_EQ(0, st_slot_del(self->ctl, bslot));

	ASSERT_EQ(0, image_load(self->ctl, img, len, ST_BK_SO, &il));
	tfd = st_partition_cap(self->ctl, SKS_SLOT_V0, "domain-A", &tslot, CAP);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, st_restore(tfd, il.slot, ST_BK_USER, "big", &ar));
	ASSERT_EQ(0, ioctl(tfd, SKS_IOC_FIND_OBJECTS, &f));
	ASSERT_EQ(N, (int)f.count);
	/* every value came back: the last object's bytes compared in full */
	for (i = 0; i < N; i++) {
		gv.handle = handles[i];
		gv.buf = st_ptr(back);
		gv.len = SZ;
		ASSERT_EQ(0, ioctl(tfd, SKS_IOC_GET_VALUE, &gv));
		ASSERT_EQ(0xa5, back[0]);
	}
	memset(val, back[1], SZ);
	val[0] = 0xa5;
	EXPECT_EQ(0, memcmp(val, back, SZ));

	free(img);
	free(val);
	free(back);
	close(tfd);
	close(pfd);
	st_slot_del(self->ctl, tslot);
	st_slot_del(self->ctl, pslot);
	st_slot_del(self->ctl, il.slot);
}

TEST_HARNESS_MAIN
