// SPDX-License-Identifier: GPL-2.0
/*
 * Durable state records (docs/durability.md) through the raw ioctls, across
 * an rmmod and modprobe of sks.ko in one boot: what survives, activation by
 * the Crypto Officer or the HSM SO, damaged, foreign and newer records, the
 * bad-attempt counters, auto-activation with a logon key.
 */
#include <errno.h>
#include <fcntl.h>
#include <kcapi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sks.h>
#include <linux/sks_format.h>

#include "kselftest_harness.h"
#include "common.h"

#define ST_MAX_RECORDS	(SKS_MAX_SLOTS + 1)

struct sr_record {
	__u8 *buf;
	__u32 len;
};

/* SKS_CTL_STATE_SAVE into a malloc'd buffer; 0 or -errno. */
static int sr_save(int ctl, __u32 slot, __u32 flags, struct sr_record *r)
{
	struct sks_state_save ss = { .flags = flags, .slot = slot };

	if (ioctl(ctl, SKS_CTL_STATE_SAVE, &ss))
		return -errno;
	r->buf = malloc(ss.record_len);
	if (!r->buf)
		return -ENOMEM;
	ss.record = st_ptr(r->buf);
	if (ioctl(ctl, SKS_CTL_STATE_SAVE, &ss))
		return -errno;
	r->len = ss.record_len;
	return 0;
}

static int sr_load(int ctl, const struct sr_record *r,
		   struct sks_state_load *sl)
{
	memset(sl, 0, sizeof(*sl));
	sl->record = st_ptr(r->buf);
	sl->record_len = r->len;
	return ioctl(ctl, SKS_CTL_STATE_LOAD, sl) ? -errno : 0;
}

/* Recompute a record's SHA-256 checksum after a test changed it. */
static void sr_resum(struct sr_record *r)
{
	kcapi_md_sha256(r->buf, r->len - 32, r->buf + r->len - 32, 32);
}

/* Save the HSM record and every slot's, then rmmod and modprobe sks. */
static int sr_save_all_and_reload(struct sr_record *recs, int *n)
{
	int ctl = st_ctl_open(), i, err;
	struct sks_slot_list sl = { .entry_size = sizeof(struct sks_slot_entry) };
	struct sks_slot_entry e[SKS_MAX_SLOTS];

	if (ctl < 0)
		return -errno;
	sl.entries = st_ptr(e);
	sl.count = SKS_MAX_SLOTS;
	if (ioctl(ctl, SKS_CTL_LIST_SLOTS, &sl))
		return -errno;
	err = sr_save(ctl, 0, SKS_STATE_SAVE_HSM, &recs[0]);
	for (i = 0; !err && i < (int)sl.count; i++)
		err = sr_save(ctl, e[i].slot, 0, &recs[i + 1]);
	*n = sl.count + 1;
	close(ctl);
	if (err)
		return err;
	if (system("rmmod sks && modprobe sks"))
		return -EIO;
	return 0;
}

static int sr_state(int fd, __u32 *state)
{
	struct sks_session_info si;
	int err = st_info(fd, &si);

	*state = si.state;
	return err;
}

static int sr_crypt(int fd, bool enc, __u32 key, const void *in, __u32 len,
		    __u8 *iv, void *out, __u32 *out_len)
{
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM, .handle = key,
			       .in = st_ptr(in), .in_len = len, .out = st_ptr(out),
			       .out_len = *out_len };

	if (!enc)
		memcpy(c.iv, iv, sizeof(c.iv));
	if (ioctl(fd, enc ? SKS_IOC_ENCRYPT : SKS_IOC_DECRYPT, &c))
		return -errno;
	if (enc)
		memcpy(iv, c.iv, sizeof(c.iv));
	*out_len = c.out_len;
	return 0;
}

/*
 * Boot 1's HSM (before the reload): a V1 partition whose key is extracted
 * to a blob after encrypting a record, a V0 partition with a token key
 * that encrypted another record, a Backup HSM with the V1's SMK archived.
 */
TEST(everything_survives_a_reload_deactivated_until_activated)
{
	static const char text[] = "boot 1 record";
	__u8 blob[4096], ct1[64], ct2[64], iv1[12], iv2[12], pt[64];
	__u32 key, tok, blen = sizeof(blob), l1 = sizeof(ct1), l2 = sizeof(ct2);
	struct sr_record recs[ST_MAX_RECORDS] = {};
	struct sks_generate_key g = { .mechanism = SKS_CKM_AES_KEY_GEN };
	struct sks_extract ex = { .count = 1, .flags = SKS_EXTRACT_DELETE };
	struct sks_insert in = { .count = 1 };
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	struct sks_session_info si;
	struct sks_state_load sl;
	int ctl, v1, v0, bk, n = 0, i, s1, s0, sb, s2, fd2;
	__u32 state, h, pl;
	__u64 hsm_serial;
	struct sks_hsm_info hi = {};

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, ioctl(ctl, SKS_CTL_HSM_INFO, &hi));
	hsm_serial = hi.serial;
	v1 = st_partition(ctl, SKS_SLOT_V1, "state-domain", &s1);
	ASSERT_LE(0, v1);
	ASSERT_EQ(0, st_aes_key(v1, &key));
	ASSERT_EQ(0, sr_crypt(v1, true, key, text, sizeof(text), iv1, ct1, &l1));
	ex.handles = st_ptr(&key);
	ex.blob = st_ptr(blob);
	ex.blob_len = blen;
	ASSERT_EQ(0, ioctl(v1, SKS_IOC_EXTRACT, &ex));
	blen = ex.blob_len;
	v0 = st_partition(ctl, SKS_SLOT_V0, "state-domain", &s0);
	ASSERT_LE(0, v0);
	g.attrs.obj_class = SKS_CKO_SECRET_KEY;
	g.attrs.key_type = SKS_CKK_AES;
	g.attrs.value_len = 32;
	g.attrs.flags = SKS_OBJ_TOKEN | SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT |
			SKS_OBJ_PRIVATE | SKS_OBJ_SENSITIVE;
	ASSERT_EQ(0, ioctl(v0, SKS_IOC_GENERATE_KEY, &g));
	tok = g.handle;
	ASSERT_EQ(0, sr_crypt(v0, true, tok, text, sizeof(text), iv2, ct2, &l2));
	sb = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, sb);
	ASSERT_EQ(0, st_backup(v1, sb, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	close(v1);
	close(v0);
	close(ctl);

	ASSERT_EQ(0, sr_save_all_and_reload(recs, &n));
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	/* the HSM record first: the serial comes back */
	ASSERT_EQ(0, sr_load(ctl, &recs[0], &sl));
	ASSERT_EQ(0, ioctl(ctl, SKS_CTL_HSM_INFO, &hi));
	EXPECT_EQ(hsm_serial, hi.serial);
	for (i = 1; i < n; i++) {
		ASSERT_EQ(0, sr_load(ctl, &recs[i], &sl));
		EXPECT_EQ(0, sl.status);
	}

	/* V1: listed, deactivated; the CO activates it */
	v1 = st_slot_open(s1);
	ASSERT_LE(0, v1);
	ASSERT_EQ(0, sr_state(v1, &state));
	EXPECT_TRUE(state & SKS_STATE_DEACTIVATED);
	EXPECT_EQ(-ENOKEY, st_nobjects(v1));
	EXPECT_EQ(-EACCES, st_login(v1, SKS_ROLE_CO, "not-the-secret"));
	ASSERT_EQ(0, st_info(v1, &si));
	EXPECT_EQ(1, si.co_failures);
	EXPECT_EQ(0, st_login(v1, SKS_ROLE_CO, ST_PART_CO));
	ASSERT_EQ(0, st_info(v1, &si));
	EXPECT_FALSE(si.state & SKS_STATE_DEACTIVATED);
	EXPECT_EQ(0, si.co_failures);
	in.blob = st_ptr(blob);
	in.blob_len = blen;
	in.handles = st_ptr(&h);
	ASSERT_EQ(0, ioctl(v1, SKS_IOC_INSERT, &in));
	pl = sizeof(pt);
	ASSERT_EQ(0, sr_crypt(v1, false, h, ct1, l1, iv1, pt, &pl));
	EXPECT_EQ(0, memcmp(pt, text, sizeof(text)));

	/* V0: its token key is back once the CO activates it */
	v0 = st_slot_open(s0);
	ASSERT_LE(0, v0);
	EXPECT_EQ(0, st_login(v0, SKS_ROLE_CO, ST_PART_CO));
	EXPECT_EQ(1, st_nobjects(v0));
	pl = sizeof(pt);
	ASSERT_EQ(0, sr_crypt(v0, false, tok, ct2, l2, iv2, pt, &pl));
	EXPECT_EQ(0, memcmp(pt, text, sizeof(text)));

	/* Backup HSM: its HSM SO secret activates it; the archive restores */
	bk = st_slot_open(sb);
	ASSERT_LE(0, bk);
	ASSERT_EQ(0, sr_state(bk, &state));
	EXPECT_TRUE(state & SKS_STATE_DEACTIVATED);
	fd2 = st_partition(ctl, SKS_SLOT_V1, "state-domain", &s2);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-ENOKEY, st_restore(fd2, sb, ST_BK_USER, ab.name, &ar));
	EXPECT_EQ(SKS_CKR_PARTITION_DEACTIVATED, ar.result);
	EXPECT_EQ(1, st_archive_count(bk, ST_BK_SO));
	ASSERT_EQ(0, st_restore(fd2, sb, ST_BK_USER, ab.name, &ar));
	in.count = 1;
	ASSERT_EQ(0, ioctl(fd2, SKS_IOC_INSERT, &in));

	close(fd2);
	close(bk);
	close(v0);
	close(v1);
	EXPECT_EQ(0, st_slot_del(ctl, s2));
	EXPECT_EQ(0, st_slot_del(ctl, s1));
	EXPECT_EQ(0, st_slot_del(ctl, s0));
	EXPECT_EQ(0, st_slot_del(ctl, sb));
	close(ctl);
	for (i = 0; i < n; i++)
		free(recs[i].buf);
}

/*
 * EC key pairs in durable state: a V0 partition's token key pairs (P-256
 * and P-384, the private keys with a usage limit partly used) and a V1
 * partition's key pair extracted to a blob survive an rmmod and modprobe:
 * same points, signatures made before verify after, the private keys sign
 * and keep counting their uses, the blob inserts as a pair.
 */
TEST(ec_key_pairs_survive_a_reload)
{
	static const __u32 curves[] = { SKS_EC_P256, SKS_EC_P384 };
	static const char msg[] = "signed before the reload";
	__u8 pt[2][128], pt2[128], sig[2][128], bsig[128], blob[4096];
	__u32 pub[2] = {}, priv[2] = {}, plen[2], slen[2], bslen, blen;
	__u32 bpub = 0, bpriv = 0;
	__u32 h[2], ckr, l, i;
	struct sr_record recs[ST_MAX_RECORDS] = {};
	struct sks_extract ex = { .count = 2 };
	struct sks_insert in = { .count = 2 };
	struct sks_state_load sl;
	int ctl, v0, v1, s0, s1, n = 0, j;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	v0 = st_partition(ctl, SKS_SLOT_V0, "state-ec", &s0);
	ASSERT_LE(0, v0);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, st_ec_pair(v0, curves[i], SKS_OBJ_TOKEN, 4,
					&pub[i], &priv[i]));
		plen[i] = sizeof(pt[i]);
		ASSERT_EQ(0, st_ec_point(v0, pub[i], pt[i], &plen[i]));
		slen[i] = sizeof(sig[i]);
		ASSERT_EQ(0, st_ecdsa(v0, false, priv[i], msg, sig[i],
				      &slen[i], &ckr));
		EXPECT_EQ(1, st_use_count(v0, priv[i]));
	}
	EXPECT_EQ(4, st_nobjects(v0));
	/* V1: a key pair extracted (both objects, deleted) to a blob */
	v1 = st_partition(ctl, SKS_SLOT_V1, "state-ec", &s1);
	ASSERT_LE(0, v1);
	ASSERT_EQ(0, st_ec_pair(v1, SKS_EC_P256, SKS_OBJ_EXTRACTABLE, 0,
				&bpub, &bpriv));
	bslen = sizeof(bsig);
	ASSERT_EQ(0, st_ecdsa(v1, false, bpriv, msg, bsig, &bslen, &ckr));
	h[0] = bpub;
	h[1] = bpriv;
	ex.flags = SKS_EXTRACT_DELETE;
	ex.handles = st_ptr(h);
	ex.blob = st_ptr(blob);
	ex.blob_len = sizeof(blob);
	ASSERT_EQ(0, ioctl(v1, SKS_IOC_EXTRACT, &ex));
	blen = ex.blob_len;
	close(v0);
	close(v1);
	close(ctl);

	ASSERT_EQ(0, sr_save_all_and_reload(recs, &n));
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	for (j = 0; j < n; j++) {
		ASSERT_EQ(0, sr_load(ctl, &recs[j], &sl));
		EXPECT_EQ(0, sl.status);
	}

	v0 = st_slot_open(s0);
	ASSERT_LE(0, v0);
	ASSERT_EQ(0, st_login(v0, SKS_ROLE_CO, ST_PART_CO));
	EXPECT_EQ(4, st_nobjects(v0));
	for (i = 0; i < 2; i++) {
		l = sizeof(pt2);
		ASSERT_EQ(0, st_ec_point(v0, pub[i], pt2, &l));
		EXPECT_EQ(plen[i], l);
		EXPECT_EQ(0, memcmp(pt[i], pt2, l));
		EXPECT_EQ(0, st_ecdsa(v0, true, pub[i], msg, sig[i], &slen[i],
				      &ckr));
		EXPECT_EQ(1, st_use_count(v0, priv[i]));
		/* three uses left of four, then none */
		for (j = 0; j < 3; j++) {
			__u8 s2[128];
			__u32 l2 = sizeof(s2);

			ASSERT_EQ(0, st_ecdsa(v0, false, priv[i], msg, s2, &l2,
					      &ckr));
			EXPECT_EQ(0, st_ecdsa(v0, true, pub[i], msg, s2, &l2,
					      &ckr));
		}
		l = sizeof(sig[i]);
		EXPECT_NE(0, st_ecdsa(v0, false, priv[i], msg, sig[i], &l,
				      &ckr));
		EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, ckr);
	}

	/* the V1 blob inserts as a pair: the public key checks the old
	 * signature, the private key signs */
	v1 = st_slot_open(s1);
	ASSERT_LE(0, v1);
	ASSERT_EQ(0, st_login(v1, SKS_ROLE_CO, ST_PART_CO));
	in.blob = st_ptr(blob);
	in.blob_len = blen;
	in.handles = st_ptr(h);
	ASSERT_EQ(0, ioctl(v1, SKS_IOC_INSERT, &in));
	EXPECT_EQ(0, st_ecdsa(v1, true, h[0], msg, bsig, &bslen, &ckr));
	l = sizeof(bsig);
	ASSERT_EQ(0, st_ecdsa(v1, false, h[1], msg, bsig, &l, &ckr));
	EXPECT_EQ(0, st_ecdsa(v1, true, h[0], msg, bsig, &l, &ckr));

	close(v0);
	close(v1);
	EXPECT_EQ(0, st_slot_del(ctl, s0));
	EXPECT_EQ(0, st_slot_del(ctl, s1));
	close(ctl);
	for (j = 0; j < n; j++)
		free(recs[j].buf);
}

static int sr_nr_slots(int ctl)
{
	struct sks_slot_list sl = { .entry_size = sizeof(struct sks_slot_entry) };

	if (ioctl(ctl, SKS_CTL_LIST_SLOTS, &sl))
		return -errno;
	return sl.count;
}

TEST(damaged_foreign_and_newer_records_make_nothing)
{
	struct sr_record r = {}, bad = {};
	struct sks_state_load sl;
	int ctl, fd, slot, n;
	__u32 i;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "damage", &slot);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, sr_save(ctl, slot, 0, &r));
	ASSERT_EQ(0, st_slot_del(ctl, slot));
	n = sr_nr_slots(ctl);
	bad.buf = malloc(r.len);
	ASSERT_NE(NULL, bad.buf);
	bad.len = r.len;

	/* a flipped bit anywhere: damaged */
	for (i = 0; i < r.len; i += 53) {
		memcpy(bad.buf, r.buf, r.len);
		bad.buf[i] ^= 0x10;
		EXPECT_EQ(-EBADMSG, sr_load(ctl, &bad, &sl)) TH_LOG("byte %u", i);
		EXPECT_EQ(SKS_CKR_DATA_INVALID, sl.result);
	}
	memcpy(bad.buf, r.buf, r.len);
	bad.len = r.len - 1;
	EXPECT_EQ(-EBADMSG, sr_load(ctl, &bad, &sl));
	bad.len = r.len;
	/* another HSM's record, checksum right */
	bad.buf[SKS_REC_OFF_HSM_SERIAL] ^= 1;
	sr_resum(&bad);
	EXPECT_EQ(-EXDEV, sr_load(ctl, &bad, &sl));
	EXPECT_EQ(SKS_CKR_STATE_FOREIGN, sl.result);
	/* a newer format version */
	memcpy(bad.buf, r.buf, r.len);
	bad.buf[SKS_REC_OFF_VERSION] = 2;
	sr_resum(&bad);
	EXPECT_EQ(-EPROTO, sr_load(ctl, &bad, &sl));
	EXPECT_EQ(SKS_CKR_STATE_UNSUPPORTED, sl.result);
	EXPECT_EQ(n, sr_nr_slots(ctl));

	/* the intact one loads, once */
	ASSERT_EQ(0, sr_load(ctl, &r, &sl));
	EXPECT_EQ((__u32)slot, sl.slot);
	EXPECT_EQ(-EEXIST, sr_load(ctl, &r, &sl));
	EXPECT_EQ(SKS_CKR_FUNCTION_FAILED, sl.result);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	free(bad.buf);
	free(r.buf);
	close(ctl);
}

TEST(counters_and_the_generation_are_kept)
{
	struct sr_record r = {}, r2 = {};
	struct sks_state_load sl;
	struct sks_session_info si;
	struct sks_state_save ss = {};
	int ctl, fd, slot;
	__u64 gen;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "counters", &slot);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, sr_save(ctl, slot, 0, &r));
	ASSERT_EQ(0, st_slot_del(ctl, slot));
	ASSERT_EQ(0, sr_load(ctl, &r, &sl));
	gen = sl.generation;
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	/* wrong secrets while deactivated count, and raise the generation */
	EXPECT_EQ(-EACCES, st_login(fd, SKS_ROLE_CO, "wrong-secret-1"));
	EXPECT_EQ(-EACCES, st_login(fd, SKS_ROLE_SO, "wrong-secret-2"));
	ss.slot = slot;
	ASSERT_EQ(0, ioctl(ctl, SKS_CTL_STATE_SAVE, &ss));
	EXPECT_LT(gen, ss.generation);
	ASSERT_EQ(0, sr_save(ctl, slot, 0, &r2));
	close(fd);
	ASSERT_EQ(0, st_slot_del(ctl, slot));
	ASSERT_EQ(0, sr_load(ctl, &r2, &sl));
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_info(fd, &si));
	EXPECT_EQ(1, si.co_failures);
	EXPECT_EQ(1, si.so_failures);
	EXPECT_TRUE(si.state & SKS_STATE_DEACTIVATED);
	/* the Crypto User cannot activate */
	EXPECT_EQ(-ENOKEY, st_login(fd, SKS_ROLE_CU, "any-secret-at-all"));
	EXPECT_EQ(0, st_login(fd, SKS_ROLE_SO, ST_PART_SO));
	ASSERT_EQ(0, st_info(fd, &si));
	EXPECT_EQ(0, si.so_failures);
	EXPECT_EQ(1, si.co_failures);
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	free(r.buf);
	free(r2.buf);
	close(ctl);
}

static long sr_add_logon_key(const char *desc, const char *payload)
{
	return syscall(SYS_add_key, "logon", desc, payload, strlen(payload),
		       -4 /* KEY_SPEC_USER_KEYRING */);
}

TEST(auto_activation_with_a_logon_key)
{
	struct sks_auto_activation aa = { .flags = SKS_AUTO_ACTIVATION_ON };
	static const char desc[] = "sks:state-test";
	struct sks_simple lo = {};
	struct sr_record r = {};
	struct sks_state_load sl;
	int ctl, fd, slot;
	long key;
	__u32 state;

	key = sr_add_logon_key(desc, "auto-activation key material");
	ASSERT_LT(0, key);
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "auto", &slot);
	ASSERT_LE(0, fd);
	aa.desc = st_ptr(desc);
	aa.desc_len = strlen(desc);
	/* only the SO sets it */
	EXPECT_EQ(-EACCES, ioctl(fd, SKS_IOC_AUTO_ACTIVATION, &aa) ? -errno : 0);
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_LOGOUT, &lo));
	ASSERT_EQ(0, st_login(fd, SKS_ROLE_SO, ST_PART_SO));
	aa.desc = st_ptr("sks:no-such-key");
	aa.desc_len = strlen("sks:no-such-key");
	EXPECT_EQ(-ENOENT, ioctl(fd, SKS_IOC_AUTO_ACTIVATION, &aa) ? -errno : 0);
	EXPECT_EQ(SKS_CKR_KEY_HANDLE_INVALID, aa.result);
	aa.desc = st_ptr(desc);
	aa.desc_len = strlen(desc);
	ASSERT_EQ(0, ioctl(fd, SKS_IOC_AUTO_ACTIVATION, &aa));
	ASSERT_EQ(0, sr_state(fd, &state));
	EXPECT_TRUE(state & SKS_STATE_AUTO_ACTIVATION);
	close(fd);

	ASSERT_EQ(0, sr_save(ctl, slot, 0, &r));
	ASSERT_EQ(0, st_slot_del(ctl, slot));
	ASSERT_EQ(0, sr_load(ctl, &r, &sl));
	EXPECT_EQ(SKS_STATE_LOADED_ACTIVE, sl.status);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sr_state(fd, &state));
	EXPECT_FALSE(state & SKS_STATE_DEACTIVATED);
	close(fd);
	ASSERT_EQ(0, st_slot_del(ctl, slot));

	/* without the key it stays deactivated */
	ASSERT_EQ(0, syscall(SYS_keyctl, 21 /* KEYCTL_INVALIDATE */, key));
	ASSERT_EQ(0, sr_load(ctl, &r, &sl));
	EXPECT_EQ(0, sl.status);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sr_state(fd, &state));
	EXPECT_TRUE(state & SKS_STATE_DEACTIVATED);
	EXPECT_EQ(0, st_login(fd, SKS_ROLE_CO, ST_PART_CO));
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	free(r.buf);
	close(ctl);
}

TEST(every_durable_change_raises_the_generation)
{
	struct sks_state_save ss = {};
	__u64 g0, g1, g2;
	int ctl, fd, slot;
	__u32 key;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "gen", &slot);
	ASSERT_LE(0, fd);
	ss.slot = slot;
	ASSERT_EQ(0, ioctl(ctl, SKS_CTL_STATE_SAVE, &ss));
	g0 = ss.generation;
	ASSERT_EQ(0, st_aes_key(fd, &key));	/* a session key: not durable */
	ASSERT_EQ(0, ioctl(ctl, SKS_CTL_STATE_SAVE, &ss));
	g1 = ss.generation;
	EXPECT_EQ(g0, g1);
	ASSERT_EQ(0, st_data(fd, true, "token", "v", 1, &key));
	ASSERT_EQ(0, ioctl(ctl, SKS_CTL_STATE_SAVE, &ss));
	g2 = ss.generation;
	EXPECT_LT(g1, g2);
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

TEST_HARNESS_MAIN
