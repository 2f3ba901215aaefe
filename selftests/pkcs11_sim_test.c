// SPDX-License-Identifier: GPL-2.0
/*
 * Luna's SKS functions through libsks-pkcs11.so: CA_SIMExtract,
 * CA_SIMInsert and CA_SIMMultiSign with Luna's signatures, called through
 * CA_GetFunctionList's list as Luna SDK code calls them: size queries,
 * handle order, extract-all, delete-after-extract, and the kernel's M-of-N
 * authorisation (M-1 secrets refused, a wrong secret refused and counted,
 * any M of N accepted).
 */
#include "kselftest_harness.h"
#include "common.h"

static const char *const secrets[] = {
	"first-custodian", "second-custodian", "third-custodian",
};

FIXTURE(sim) {
	struct st_p11 t;
	CK_SESSION_HANDLE h;
	CK_OBJECT_HANDLE k[3];
	CK_BYTE blob[4096];
	CK_ULONG blob_len;
};

FIXTURE_SETUP(sim)
{
	ASSERT_EQ(0, st_p11_load(&self->t));
	ASSERT_EQ(0, st_p11_token(&self->t, SKS_SLOT_V1, "sim"));
	ASSERT_EQ(CKR_OK, st_p11_user(&self->t, &self->h));
	ASSERT_EQ(CKR_OK, st_p11_hmac_key(&self->t, self->h,
					"key-number-one!!", 16, "one",
					&self->k[0]));
	ASSERT_EQ(CKR_OK, st_p11_aes(&self->t, self->h, 32, "two", &self->k[1]));
	ASSERT_EQ(CKR_OK, st_p11_hmac_key(&self->t, self->h,
					"key-number-three", 16, "three",
					&self->k[2]));
}

FIXTURE_TEARDOWN(sim)
{
	st_p11_done(&self->t);
}

#define CA (self->t.ca)
#define F (self->t.f)

/* Extract @n handles with @nsec of the secrets, @m needed. */
static CK_RV extract(struct st_p11 *t, CK_SESSION_HANDLE h,
		     CK_OBJECT_HANDLE *hs, CK_ULONG n, CK_ULONG nsec,
		     CK_ULONG m, CK_BBOOL del, CK_BYTE *blob, CK_ULONG *len)
{
	CK_ULONG sizes[3];
	CK_BYTE_PTR list[3];
	CK_ULONG i;

	for (i = 0; i < nsec; i++) {
		sizes[i] = strlen(secrets[i]);
		list[i] = (CK_BYTE_PTR)secrets[i];
	}
	return t->ca->CA_SIMExtract(h, n, hs, nsec, m,
				    nsec ? CKA_SIM_PASSWORD :
					   CKA_SIM_NO_AUTHORIZATION,
				    nsec ? sizes : NULL, nsec ? list : NULL,
				    del, len, blob);
}

static CK_RV insert(struct st_p11 *t, CK_SESSION_HANDLE h,
		    const char *const *sec, CK_ULONG nsec, CK_BYTE *blob,
		    CK_ULONG len, CK_ULONG *count, CK_OBJECT_HANDLE *hs)
{
	CK_ULONG sizes[3];
	CK_BYTE_PTR list[3];
	CK_ULONG i;

	for (i = 0; i < nsec; i++) {
		sizes[i] = strlen(sec[i]);
		list[i] = (CK_BYTE_PTR)sec[i];
	}
	return t->ca->CA_SIMInsert(h, nsec, nsec ? CKA_SIM_PASSWORD :
					  CKA_SIM_NO_AUTHORIZATION,
				   sizes, list, len, blob, count, hs);
}

static void label_of(struct st_p11 *t, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o,
		     char *out)
{
	CK_ATTRIBUTE a = { CKA_LABEL, out, 15 };

	memset(out, 0, 16);
	if (t->f->C_GetAttributeValue(h, o, &a, 1) != CKR_OK)
		strcpy(out, "?");
}

static uint32_t sim_failures(int slot)
{
	struct sks_session_info info = { 0 };
	int fd = st_slot_open(slot);

	if (fd < 0 || st_ioc(fd, SKS_IOC_SESSION_INFO, &info))
		info.sim_failures = 9999;
	close(fd);
	return info.sim_failures;
}

TEST_F(sim, extract_size_query_and_insert_in_order)
{
	CK_OBJECT_HANDLE order[3] = { self->k[2], self->k[0], self->k[1] };
	CK_OBJECT_HANDLE got[3];
	CK_ULONG len = 0, count = 0;
	char lab[16];

	/* NULL pBlob: the size, nothing extracted */
	ASSERT_EQ(CKR_OK, extract(&self->t, self->h, order, 3, 0, 0, CK_FALSE,
				  NULL, &len));
	ASSERT_LT(0, len);
	self->blob_len = len - 1;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL,
		  extract(&self->t, self->h, order, 3, 0, 0, CK_FALSE,
			  self->blob, &self->blob_len));
	EXPECT_EQ(len, self->blob_len);
	self->blob_len = sizeof(self->blob);
	ASSERT_EQ(CKR_OK, extract(&self->t, self->h, order, 3, 0, 0, CK_FALSE,
				  self->blob, &self->blob_len));
	EXPECT_EQ(len, self->blob_len);
	/* NULL pHandleList: the count */
	ASSERT_EQ(CKR_OK, insert(&self->t, self->h, NULL, 0, self->blob,
				 self->blob_len, &count, NULL));
	EXPECT_EQ(3, count);
	count = 2;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL,
		  insert(&self->t, self->h, NULL, 0, self->blob,
			 self->blob_len, &count, got));
	EXPECT_EQ(3, count);
	count = 3;
	ASSERT_EQ(CKR_OK, insert(&self->t, self->h, NULL, 0, self->blob,
				 self->blob_len, &count, got));
	ASSERT_EQ(3, count);
	label_of(&self->t, self->h, got[0], lab);
	EXPECT_STREQ("three", lab);
	label_of(&self->t, self->h, got[1], lab);
	EXPECT_STREQ("one", lab);
	label_of(&self->t, self->h, got[2], lab);
	EXPECT_STREQ("two", lab);
	/* the copies are session objects of this session */
	ASSERT_EQ(CKR_OK, F->C_CloseSession(self->h));
	ASSERT_EQ(CKR_OK, st_p11_user(&self->t, &self->h));
	label_of(&self->t, self->h, got[0], lab);
	EXPECT_STREQ("?", lab);
}

TEST_F(sim, extract_all_and_delete_after_extract)
{
	CK_OBJECT_HANDLE got[8];
	CK_ULONG count = 8;
	CK_ATTRIBUTE a = { CKA_LABEL, NULL, 0 };

	self->blob_len = sizeof(self->blob);
	ASSERT_EQ(CKR_OK, extract(&self->t, self->h, NULL, 0, 0, 0, CK_TRUE,
				  self->blob, &self->blob_len));
	/* every object went into the blob and is gone */
	EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID,
		  F->C_GetAttributeValue(self->h, self->k[0], &a, 1));
	EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID,
		  F->C_GetAttributeValue(self->h, self->k[2], &a, 1));
	ASSERT_EQ(CKR_OK, insert(&self->t, self->h, NULL, 0, self->blob,
				 self->blob_len, &count, got));
	EXPECT_EQ(3, count);
}

TEST_F(sim, m_of_n_authorisation_in_the_kernel)
{
	static const char *const pairs[][2] = {
		{ "first-custodian", "second-custodian" },
		{ "third-custodian", "first-custodian" },
		{ "second-custodian", "third-custodian" },
	};
	static const char *const wrong[] = { "first-custodian", "not-a-custodian" };
	static const char *const all[] = {
		"third-custodian", "second-custodian", "first-custodian",
	};
	CK_OBJECT_HANDLE got[1];
	CK_ULONG count, i;

	self->blob_len = sizeof(self->blob);
	ASSERT_EQ(CKR_OK, extract(&self->t, self->h, self->k, 1, 3, 2,
				  CK_FALSE, self->blob, &self->blob_len));
	/* M-1 secrets, or none */
	count = 1;
	EXPECT_EQ(CKR_ARGUMENTS_BAD, insert(&self->t, self->h, secrets, 1,
					    self->blob, self->blob_len,
					    &count, got));
	count = 1;
	EXPECT_EQ(CKR_ARGUMENTS_BAD, insert(&self->t, self->h, NULL, 0,
					    self->blob, self->blob_len,
					    &count, got));
	/* a wrong one: refused and counted */
	EXPECT_EQ(0, sim_failures(self->t.slot));
	count = 1;
	EXPECT_EQ(CKR_PIN_INCORRECT, insert(&self->t, self->h, wrong, 2,
					    self->blob, self->blob_len,
					    &count, got));
	EXPECT_EQ(1, sim_failures(self->t.slot));
	/* any M of N, and more than M */
	for (i = 0; i < 3; i++) {
		count = 1;
		ASSERT_EQ(CKR_OK, insert(&self->t, self->h, pairs[i], 2,
					 self->blob, self->blob_len, &count,
					 got));
		EXPECT_EQ(1, count);
		EXPECT_EQ(CKR_OK, F->C_DestroyObject(self->h, got[0]));
	}
	EXPECT_EQ(0, sim_failures(self->t.slot));
	count = 1;
	EXPECT_EQ(CKR_OK, insert(&self->t, self->h, all, 3, self->blob,
				 self->blob_len, &count, got));
	/* refused forms and counts at extract */
	self->blob_len = sizeof(self->blob);
	EXPECT_EQ(CKR_ARGUMENTS_BAD,
		  CA->CA_SIMExtract(self->h, 1, self->k, 0, 0,
				    CKA_SIM_CHALLENGE, NULL, NULL, CK_FALSE,
				    &self->blob_len, self->blob));
	EXPECT_EQ(CKR_ARGUMENTS_BAD,
		  extract(&self->t, self->h, self->k, 1, 2, 3, CK_FALSE,
			  self->blob, &self->blob_len));
}

TEST_F(sim, multi_sign_with_m_of_n)
{
	static const char *const two[] = { "second-custodian", "third-custodian" };
	CK_MECHANISM m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_BYTE in0[] = "first input", in1[] = "second input, longer";
	CK_BYTE_PTR ins[2] = { in0, in1 };
	CK_ULONG in_lens[2] = { sizeof(in0), sizeof(in1) };
	CK_BYTE s0[64], s1[64], want[32];
	CK_BYTE_PTR sigs[2] = { s0, s1 };
	CK_ULONG sig_lens[2], sizes[2], n;
	CK_BYTE_PTR list[2];
	int i;

	for (i = 0; i < 2; i++) {
		sizes[i] = strlen(two[i]);
		list[i] = (CK_BYTE_PTR)two[i];
	}
	self->blob_len = sizeof(self->blob);
	ASSERT_EQ(CKR_OK, extract(&self->t, self->h, self->k, 1, 3, 2,
				  CK_FALSE, self->blob, &self->blob_len));
	/* lengths only */
	sig_lens[0] = sig_lens[1] = 0;
	ASSERT_EQ(CKR_OK, CA->CA_SIMMultiSign(self->h, &m, 2, CKA_SIM_PASSWORD,
					      sizes, list, self->blob_len,
					      self->blob, 2, in_lens, ins,
					      sig_lens, NULL));
	EXPECT_EQ(32, sig_lens[0]);
	EXPECT_EQ(32, sig_lens[1]);
	sig_lens[0] = 64;
	sig_lens[1] = 16;
	EXPECT_EQ(CKR_BUFFER_TOO_SMALL,
		  CA->CA_SIMMultiSign(self->h, &m, 2, CKA_SIM_PASSWORD, sizes,
				      list, self->blob_len, self->blob, 2,
				      in_lens, ins, sig_lens, sigs));
	EXPECT_EQ(32, sig_lens[1]);
	sig_lens[0] = sig_lens[1] = 64;
	ASSERT_EQ(CKR_OK, CA->CA_SIMMultiSign(self->h, &m, 2, CKA_SIM_PASSWORD,
					      sizes, list, self->blob_len,
					      self->blob, 2, in_lens, ins,
					      sig_lens, sigs));
	/* the same MACs as the key itself gives */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(CKR_OK, F->C_SignInit(self->h, &m, self->k[0]));
		n = sizeof(want);
		ASSERT_EQ(CKR_OK, F->C_Sign(self->h, ins[i], in_lens[i], want,
					    &n));
		ASSERT_EQ(32, sig_lens[i]);
		EXPECT_EQ(0, memcmp(want, sigs[i], 32));
	}
	/* one secret too few */
	EXPECT_EQ(CKR_ARGUMENTS_BAD,
		  CA->CA_SIMMultiSign(self->h, &m, 1, CKA_SIM_PASSWORD, sizes,
				      list, self->blob_len, self->blob, 2,
				      in_lens, ins, sig_lens, sigs));
	/* the key never became an object */
	EXPECT_EQ(3, (int)({
		CK_OBJECT_HANDLE hs[8];
		CK_ULONG c = 0;

		F->C_FindObjectsInit(self->h, NULL, 0);
		F->C_FindObjects(self->h, hs, 8, &c);
		F->C_FindObjectsFinal(self->h);
		c;
	}));
}

TEST_HARNESS_MAIN
