// SPDX-License-Identifier: GPL-2.0
/*
 * M-of-N authorisation of SKS blobs and multi-sign (Luna's CA_SIMExtract,
 * CA_SIMInsert and CA_SIMMultiSign): N secrets at extract, any M of them
 * at insert and multi-sign, wrong secrets counted and locked out, and a
 * blob key that signs many inputs without becoming an object.
 * The VM loads sks with lockout_secs=1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sks.h>

#include "kselftest_harness.h"
#include "common.h"

static const char *const secrets[] = {
	"first-custodian", "second-custodian", "third-custodian",
};

/* @n secrets from @names into @out. */
static void sim_auth(struct sks_auth_secret *out, const char *const *names,
		     unsigned int n)
{
	unsigned int i;

	memset(out, 0, n * sizeof(*out));
	for (i = 0; i < n; i++) {
		out[i].secret = st_ptr(names[i]);
		out[i].len = strlen(names[i]);
	}
}

static int sim_extract(int fd, __u32 *handles, __u32 count,
		       const char *const *names, __u32 n, __u32 m,
		       __u8 *blob, __u32 *blob_len, __u32 *result)
{
	struct sks_auth_secret a[SKS_SIM_AUTH_MAX + 1];
	struct sks_extract ex = {
		.handles = st_ptr(handles), .count = count,
		.blob = st_ptr(blob), .blob_len = *blob_len,
		.auth_count = n, .auth_subset = m,
	};
	int err;

	if (n) {
		sim_auth(a, names, n);
		ex.auth = st_ptr(a);
	}
	err = ioctl(fd, SKS_IOC_EXTRACT, &ex) ? -errno : 0;
	*blob_len = ex.blob_len;
	if (result)
		*result = ex.result;
	return err;
}

static int sim_insert(int fd, const __u8 *blob, __u32 len,
		      const char *const *names, __u32 n, __u32 *handles,
		      __u32 *count, __u32 *result)
{
	struct sks_auth_secret a[SKS_SIM_AUTH_MAX + 1];
	struct sks_insert in = {
		.blob = st_ptr(blob), .blob_len = len,
		.handles = st_ptr(handles), .count = *count,
		.auth_count = n,
	};
	int err;

	if (n) {
		sim_auth(a, names, n);
		in.auth = st_ptr(a);
	}
	err = ioctl(fd, SKS_IOC_INSERT, &in) ? -errno : 0;
	*count = in.count;
	if (result)
		*result = in.result;
	return err;
}

static int sim_hmac_key(int fd, __u64 limit, __u32 *handle)
{
	struct sks_generate_key g = {
		.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN,
	};

	g.attrs.obj_class = SKS_CKO_SECRET_KEY;
	g.attrs.key_type = SKS_CKK_GENERIC_SECRET;
	g.attrs.value_len = 32;
	g.attrs.usage_limit = limit;
	g.attrs.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN | SKS_OBJ_VERIFY |
			SKS_OBJ_SENSITIVE;
	if (ioctl(fd, SKS_IOC_GENERATE_KEY, &g))
		return -errno;
	*handle = g.handle;
	return 0;
}

static int sim_hmac(int fd, __u32 key, const char *msg, __u8 *mac)
{
	struct sks_sign s = { .handle = key, .mechanism = SKS_CKM_SHA256_HMAC,
			      .data = st_ptr(msg), .data_len = strlen(msg),
			      .sig = st_ptr(mac), .sig_len = 32 };

	return ioctl(fd, SKS_IOC_SIGN, &s) ? -errno : 0;
}

static __u32 sim_failures(int fd)
{
	struct sks_session_info si;

	return st_info(fd, &si) ? ~0U : si.sim_failures;
}

FIXTURE(sim)
{
	int ctl, fd, slot;
	__u32 key;
	__u8 blob[1024];
	__u32 blob_len;
};

/* A V1 partition with an HMAC key, extracted with 2 of 3 secrets. */
FIXTURE_SETUP(sim)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->fd = st_partition(self->ctl, SKS_SLOT_V1, "sim", &self->slot);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sim_hmac_key(self->fd, 0, &self->key));
	self->blob_len = sizeof(self->blob);
	ASSERT_EQ(0, sim_extract(self->fd, &self->key, 1, secrets, 3, 2,
				 self->blob, &self->blob_len, NULL));
}

FIXTURE_TEARDOWN(sim)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

TEST_F(sim, any_m_of_n_secrets_insert_the_blob)
{
	static const char *const pairs[][2] = {
		{ "first-custodian", "second-custodian" },
		{ "third-custodian", "first-custodian" },
		{ "second-custodian", "third-custodian" },
	};
	__u8 want[32], got[32];
	__u32 h, count, res, i;

	ASSERT_EQ(0, sim_hmac(self->fd, self->key, "record", want));
	for (i = 0; i < 3; i++) {
		count = 1;
		ASSERT_EQ(0, sim_insert(self->fd, self->blob, self->blob_len,
					pairs[i], 2, &h, &count, &res));
		EXPECT_EQ(1, count);
		ASSERT_EQ(0, sim_hmac(self->fd, h, "record", got));
		EXPECT_EQ(0, memcmp(want, got, sizeof(got)));
	}
	/* all three are more than M and still right */
	count = 1;
	EXPECT_EQ(0, sim_insert(self->fd, self->blob, self->blob_len,
				secrets, 3, &h, &count, &res));
	EXPECT_EQ(0, sim_failures(self->fd));
}

TEST_F(sim, fewer_than_m_secrets_are_refused_uncounted)
{
	__u32 h, count = 1, res;

	EXPECT_EQ(-EINVAL, sim_insert(self->fd, self->blob, self->blob_len,
				      NULL, 0, &h, &count, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(-EINVAL, sim_insert(self->fd, self->blob, self->blob_len,
				      secrets, 1, &h, &count, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(0, sim_failures(self->fd));
	EXPECT_EQ(1, st_nobjects(self->fd));	/* nothing inserted */
	/* the count query needs no secret */
	count = 0;
	EXPECT_EQ(0, sim_insert(self->fd, self->blob, self->blob_len, NULL,
				0, NULL, &count, &res));
	EXPECT_EQ(1, count);
}

TEST_F(sim, wrong_or_repeated_secrets_are_refused_and_counted)
{
	static const char *const wrong[] = { "first-custodian", "guessing-it" };
	static const char *const twice[] = { "third-custodian",
					     "third-custodian" };
	__u32 h, count = 1, res;

	EXPECT_EQ(-EACCES, sim_insert(self->fd, self->blob, self->blob_len,
				      wrong, 2, &h, &count, &res));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	EXPECT_EQ(1, sim_failures(self->fd));
	EXPECT_EQ(-EACCES, sim_insert(self->fd, self->blob, self->blob_len,
				      twice, 2, &h, &count, &res));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);
	EXPECT_EQ(2, sim_failures(self->fd));
	EXPECT_EQ(1, st_nobjects(self->fd));
	/* a right set resets the counter */
	count = 1;
	EXPECT_EQ(0, sim_insert(self->fd, self->blob, self->blob_len,
				secrets + 1, 2, &h, &count, &res));
	EXPECT_EQ(0, sim_failures(self->fd));
}

TEST_F(sim, ten_wrong_sets_lock_out_blob_authorisation)
{
	static const char *const wrong[] = { "guess-number-1", "guess-number-2" };
	struct sks_session_info si;
	__u32 h, count = 1, res, i;

	for (i = 0; i < SKS_MAX_SIM_FAILURES; i++)
		ASSERT_EQ(-EACCES, sim_insert(self->fd, self->blob,
					      self->blob_len, wrong, 2, &h,
					      &count, &res));
	ASSERT_EQ(0, st_info(self->fd, &si));
	EXPECT_EQ(SKS_MAX_SIM_FAILURES, si.sim_failures);
	EXPECT_LT(0, si.sim_lockout_secs);
	/* even the right secrets wait for the lockout */
	EXPECT_EQ(-EPERM, sim_insert(self->fd, self->blob, self->blob_len,
				     secrets, 2, &h, &count, &res));
	EXPECT_EQ(SKS_CKR_PIN_LOCKED, res);
	/* logins are not affected */
	EXPECT_EQ(0, sim_hmac(self->fd, self->key, "still works",
			      (__u8[32]){ 0 }));
	sleep(si.sim_lockout_secs + 1);
	count = 1;
	EXPECT_EQ(0, sim_insert(self->fd, self->blob, self->blob_len,
				secrets, 2, &h, &count, &res));
	EXPECT_EQ(0, sim_failures(self->fd));
}

TEST_F(sim, bad_extract_arguments_are_refused)
{
	static const char *const same[] = { "same-secret-x", "same-secret-x" };
	static const char *const shorty[] = { "short" };
	const char *many[SKS_SIM_AUTH_MAX + 1];
	__u8 blob[1024];
	__u32 len, res, i;

	for (i = 0; i <= SKS_SIM_AUTH_MAX; i++)
		many[i] = secrets[i % 3];
	len = sizeof(blob);
	EXPECT_EQ(-EINVAL, sim_extract(self->fd, &self->key, 1, secrets, 3,
				       0, blob, &len, &res));	/* M 0 */
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(-EINVAL, sim_extract(self->fd, &self->key, 1, secrets, 2,
				       3, blob, &len, &res));	/* M > N */
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(-EINVAL, sim_extract(self->fd, &self->key, 1, NULL, 0, 1,
				       blob, &len, &res));	/* M, no N */
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(-EINVAL, sim_extract(self->fd, &self->key, 1, same, 2, 1,
				       blob, &len, &res));	/* equal */
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(-EINVAL, sim_extract(self->fd, &self->key, 1, many,
				       SKS_SIM_AUTH_MAX + 1, 1, blob, &len,
				       &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	EXPECT_EQ(-EINVAL, sim_extract(self->fd, &self->key, 1, shorty, 1, 1,
				       blob, &len, &res));
	EXPECT_EQ(SKS_CKR_PIN_LEN_RANGE, res);
}

TEST_F(sim, secrets_for_a_blob_without_any_are_refused)
{
	__u8 blob[1024];
	__u32 len = sizeof(blob), h, count = 1, res;

	ASSERT_EQ(0, sim_extract(self->fd, &self->key, 1, NULL, 0, 0, blob,
				 &len, &res));
	EXPECT_EQ(-EINVAL, sim_insert(self->fd, blob, len, secrets, 1, &h,
				      &count, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	count = 1;
	EXPECT_EQ(0, sim_insert(self->fd, blob, len, NULL, 0, &h, &count,
				&res));
}

/* The first published struct sizes still work: no secrets. */
TEST_F(sim, callers_of_the_first_struct_sizes_still_work)
{
	const unsigned int ex0 = _IOWR(SKS_IOC_MAGIC, 0x28, __u8[32]);
	const unsigned int in0 = _IOWR(SKS_IOC_MAGIC, 0x29, __u8[32]);
	struct sks_extract ex = {};
	struct sks_insert in = {};
	__u8 blob[1024];
	__u32 h;

	ex.handles = st_ptr(&self->key);
	ex.count = 1;
	ex.blob = st_ptr(blob);
	ex.blob_len = sizeof(blob);
	ASSERT_EQ(0, ioctl(self->fd, ex0, &ex));
	in.blob = st_ptr(blob);
	in.blob_len = ex.blob_len;
	in.handles = st_ptr(&h);
	in.count = 1;
	ASSERT_EQ(0, ioctl(self->fd, in0, &in));
	EXPECT_EQ(1, in.count);
	/* and a 2-of-3 blob cannot be inserted through them */
	in.blob = st_ptr(self->blob);
	in.blob_len = self->blob_len;
	EXPECT_EQ(-1, ioctl(self->fd, in0, &in));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, in.result);
}

TEST_F(sim, every_flipped_byte_of_an_authorised_blob_is_refused)
{
	__u32 h, count, res, i;

	for (i = 0; i < self->blob_len; i++) {
		self->blob[i] ^= 0x01;
		count = 1;
		EXPECT_GT(0, sim_insert(self->fd, self->blob, self->blob_len,
					secrets, 2, &h, &count, &res));
		EXPECT_NE(SKS_CKR_OK, res);
		self->blob[i] ^= 0x01;
	}
	EXPECT_EQ(0, sim_failures(self->fd));	/* none got to the secrets */
	EXPECT_EQ(1, st_nobjects(self->fd));
}

static int sim_multi_sign(int fd, __u32 mech, __u32 flags, const __u8 *blob,
			  __u32 blob_len, const char *const *names, __u32 n,
			  struct sks_multi_sign_item *items, __u32 count,
			  __u32 *result)
{
	struct sks_auth_secret a[SKS_SIM_AUTH_MAX];
	struct sks_multi_sign ms = {
		.flags = flags, .mechanism = mech, .count = count,
		.blob = st_ptr(blob), .blob_len = blob_len,
		.items = st_ptr(items), .auth_count = n,
	};
	int err;

	if (n) {
		sim_auth(a, names, n);
		ms.auth = st_ptr(a);
	}
	err = ioctl(fd, SKS_IOC_MULTI_SIGN, &ms) ? -errno : 0;
	if (result)
		*result = ms.result;
	return err;
}

TEST_F(sim, multi_sign_signs_every_input_with_the_blob_key)
{
	static const char *const in[] = { "", "one", "two records" };
	struct sks_multi_sign_item items[3];
	__u8 sig[3][64], want[32];
	__u32 res, i;

	for (i = 0; i < 3; i++) {
		items[i] = (struct sks_multi_sign_item){
			.data = st_ptr(in[i]), .data_len = strlen(in[i]),
			.sig = st_ptr(sig[i]), .sig_len = sizeof(sig[i]),
		};
	}
	ASSERT_EQ(0, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC, 0,
				    self->blob, self->blob_len, secrets + 1, 2,
				    items, 3, &res));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(32, items[i].sig_len);
		ASSERT_EQ(0, sim_hmac(self->fd, self->key, in[i], want));
		EXPECT_EQ(0, memcmp(want, sig[i], 32));
	}
	EXPECT_EQ(1, st_nobjects(self->fd));	/* no object was made */

	/* too small a buffer: every length told, nothing signed */
	memset(sig, 0, sizeof(sig));
	items[1].sig_len = 31;
	EXPECT_EQ(-EOVERFLOW, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC, 0,
					     self->blob, self->blob_len,
					     secrets, 2, items, 3, &res));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, res);
	EXPECT_EQ(32, items[1].sig_len);
	EXPECT_EQ(0, sig[0][0] | sig[0][1] | sig[2][0] | sig[2][1]);

	/* the secrets are checked as at insert */
	EXPECT_EQ(-EINVAL, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC, 0,
					  self->blob, self->blob_len, secrets,
					  1, items, 3, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	/* a mechanism the key cannot do */
	EXPECT_EQ(-EINVAL, sim_multi_sign(self->fd, SKS_CKM_ECDSA_SHA256, 0,
					  self->blob, self->blob_len, secrets,
					  2, items, 3, &res));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, res);
	EXPECT_EQ(-EINVAL, sim_multi_sign(self->fd, SKS_CKM_AES_GCM, 0,
					  self->blob, self->blob_len, secrets,
					  2, items, 3, &res));
	EXPECT_EQ(SKS_CKR_MECHANISM_INVALID, res);
}

TEST_F(sim, multi_sign_takes_one_key_only)
{
	struct sks_multi_sign_item it;
	__u32 two[2], res;
	__u8 blob[1024], sig[64];
	__u32 len = sizeof(blob);

	two[0] = self->key;
	ASSERT_EQ(0, sim_hmac_key(self->fd, 0, &two[1]));
	ASSERT_EQ(0, sim_extract(self->fd, two, 2, NULL, 0, 0, blob, &len,
				 &res));
	it = (struct sks_multi_sign_item){ .data = st_ptr("x"), .data_len = 1,
					   .sig = st_ptr(sig),
					   .sig_len = sizeof(sig) };
	EXPECT_EQ(-EINVAL, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC, 0,
					  blob, len, NULL, 0, &it, 1, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
}

TEST_F(sim, multi_sign_counts_uses_against_the_usage_limit)
{
	struct sks_multi_sign_item items[4];
	__u8 blob[1024], sig[4][32];
	__u32 key, len = sizeof(blob), res, i;

	ASSERT_EQ(0, sim_hmac_key(self->fd, 3, &key));
	ASSERT_EQ(0, sim_extract(self->fd, &key, 1, NULL, 0, 0, blob, &len,
				 &res));
	for (i = 0; i < 4; i++)
		items[i] = (struct sks_multi_sign_item){
			.data = st_ptr("in"), .data_len = 2,
			.sig = st_ptr(sig[i]), .sig_len = 32,
		};
	/* four would pass the limit of three: none is made */
	EXPECT_EQ(-EKEYEXPIRED, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC,
					       0, blob, len, NULL, 0, items, 4,
					       &res));
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, res);
	EXPECT_EQ(0, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC, 0, blob,
				    len, NULL, 0, items, 2, &res));
	/* the copy in the partition shares the count: one use left */
	EXPECT_EQ(0, sim_hmac(self->fd, key, "in", sig[0]));
	EXPECT_EQ(-EKEYEXPIRED, sim_multi_sign(self->fd, SKS_CKM_SHA256_HMAC,
					       0, blob, len, NULL, 0, items, 1,
					       &res));
}

TEST_F(sim, multi_sign_with_an_ec_key_verifies)
{
	struct sks_generate_key_pair kp = {
		.mechanism = SKS_CKM_EC_KEY_PAIR_GEN, .curve = SKS_EC_P256,
		.attrs_size = sizeof(struct sks_obj_attrs),
	};
	struct sks_obj_attrs pa = {}, qa = {};
	struct sks_multi_sign_item items[2];
	static const char *const in[] = { "document one", "document two" };
	__u8 blob[1024], sig[2][104];
	__u32 len = sizeof(blob), res, i;

	pa.obj_class = SKS_CKO_PUBLIC_KEY;
	pa.key_type = SKS_CKK_EC;
	pa.flags = SKS_OBJ_VERIFY;
	qa.obj_class = SKS_CKO_PRIVATE_KEY;
	qa.key_type = SKS_CKK_EC;
	qa.flags = SKS_OBJ_SIGN | SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE;
	kp.pub_attrs = st_ptr(&pa);
	kp.priv_attrs = st_ptr(&qa);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_GENERATE_KEY_PAIR, &kp));
	ASSERT_EQ(0, sim_extract(self->fd, &kp.priv_handle, 1, secrets, 3, 1,
				 blob, &len, &res));
	for (i = 0; i < 2; i++)
		items[i] = (struct sks_multi_sign_item){
			.data = st_ptr(in[i]), .data_len = strlen(in[i]),
			.sig = st_ptr(sig[i]), .sig_len = sizeof(sig[i]),
		};
	ASSERT_EQ(0, sim_multi_sign(self->fd, SKS_CKM_ECDSA_SHA256,
				    SKS_SIGN_DER, blob, len, secrets + 2, 1,
				    items, 2, &res));
	for (i = 0; i < 2; i++) {
		struct sks_sign v = {
			.flags = SKS_SIGN_DER, .handle = kp.pub_handle,
			.mechanism = SKS_CKM_ECDSA_SHA256,
			.data = st_ptr(in[i]), .data_len = strlen(in[i]),
			.sig = st_ptr(sig[i]), .sig_len = items[i].sig_len,
		};

		EXPECT_EQ(0, ioctl(self->fd, SKS_IOC_VERIFY, &v));
		v.data = st_ptr(in[1 - i]);
		v.data_len = strlen(in[1 - i]);
		EXPECT_EQ(-1, ioctl(self->fd, SKS_IOC_VERIFY, &v));
		EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID, v.result);
	}
}

TEST_HARNESS_MAIN
