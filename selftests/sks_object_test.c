// SPDX-License-Identifier: GPL-2.0
/*
 * Objects and crypto: generate/import/find/attributes/destroy, capacity,
 * usage limits, AES-GCM and HMAC cross-checked against the kernel crypto
 * API through AF_ALG, and sensitive key values that never come back.
 */
#include <stdlib.h>
#include <sys/klog.h>

#include <kcapi.h>

#include "kselftest_harness.h"
#include "common.h"

static const uint8_t known_key[32] = {
	0x5b, 0x3a, 0xe1, 0x77, 0x90, 0x0c, 0x42, 0xd8,
	0x11, 0x6f, 0xa4, 0x29, 0xbe, 0x83, 0x57, 0xc6,
	0x3d, 0xf0, 0x08, 0x9a, 0x64, 0x2e, 0xcb, 0x15,
	0x7e, 0xd2, 0x49, 0xa0, 0x36, 0xef, 0x81, 0x5c,
};

FIXTURE(obj) {
	int ctl;
	int slot;
	int fd;
};

FIXTURE_VARIANT(obj) {
	uint32_t type;
	uint64_t capacity;
};

FIXTURE_VARIANT_ADD(obj, v1) { .type = SKS_SLOT_V1, .capacity = 0 };
FIXTURE_VARIANT_ADD(obj, v0) { .type = SKS_SLOT_V0, .capacity = 0 };

FIXTURE_SETUP(obj)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->slot = st_slot_new(self->ctl, variant->type, variant->capacity);
	ASSERT_LE(0, self->slot);
	self->fd = st_slot_open(self->slot);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, st_part_ready(self->fd));
}

FIXTURE_TEARDOWN(obj)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

TEST_F(obj, generate_find_destroy)
{
	struct sks_generate_key gk = { .mechanism = SKS_CKM_AES_KEY_GEN };
	struct sks_get_attrs ga = {};
	struct sks_find_objects fo = {};
	struct sks_destroy_object d = {};
	uint32_t handles[8];

	st_attrs_set(&gk.attrs, SKS_CKO_SECRET_KEY, SKS_CKK_AES,
		      SKS_OBJ_ENCRYPT | SKS_OBJ_SENSITIVE, 32, "gen");
	gk.attrs.id_len = 2;
	gk.attrs.id[0] = 0xab;
	gk.attrs.id[1] = 0xcd;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	ASSERT_NE(0, gk.handle);

	ga.handle = gk.handle;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &ga));
	EXPECT_EQ(32, ga.attrs.value_len);
	EXPECT_EQ(SKS_CKK_AES, ga.attrs.key_type);
	EXPECT_EQ(2, ga.attrs.id_len);
	EXPECT_EQ(0, memcmp("gen", ga.attrs.label, 3));

	/* mechanism and key type must agree; sizes are checked */
	gk.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	EXPECT_EQ(SKS_CKR_MECHANISM_INVALID, gk.result);
	gk.mechanism = SKS_CKM_AES_KEY_GEN;
	gk.attrs.value_len = 20;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	EXPECT_EQ(SKS_CKR_KEY_SIZE_RANGE, gk.result);
	gk.attrs.value_len = 16;
	gk.attrs.flags |= SKS_OBJ_SIGN;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	EXPECT_EQ(SKS_CKR_TEMPLATE_INCONSISTENT, gk.result);
	gk.attrs.flags = 1U << 20;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_VALUE_INVALID, gk.result);
	gk.attrs.flags = 0;
	gk.attrs.label[40] = 1;	/* beyond label_len */
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	gk.attrs.label[40] = 0;
	gk.attrs.usage_count = 1;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_GENERATE_KEY, &gk));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_READ_ONLY, gk.result);

	ASSERT_LT(0, st_import_data(self->fd, "abc", 3, 0));
	fo.flags = SKS_FIND_CLASS;
	fo.tmpl.obj_class = SKS_CKO_SECRET_KEY;
	fo.handles = st_ptr(handles);
	fo.count = 8;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(1, fo.count);
	EXPECT_EQ(gk.handle, handles[0]);
	fo.flags = 0;
	fo.count = 1;
	EXPECT_EQ(-EOVERFLOW, st_ioc(self->fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(2, fo.count);
	fo.flags = SKS_FIND_ID;
	fo.count = 8;
	fo.tmpl.id_len = 2;
	fo.tmpl.id[0] = 0xab;
	fo.tmpl.id[1] = 0xcd;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(1, fo.count);
	fo.flags = 1U << 9;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_FIND_OBJECTS, &fo));

	d.handle = gk.handle;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_DESTROY_OBJECT, &d));
	EXPECT_EQ(-ENOENT, st_ioc(self->fd, SKS_IOC_DESTROY_OBJECT, &d));
	EXPECT_EQ(SKS_CKR_OBJECT_HANDLE_INVALID, d.result);
	EXPECT_EQ(-ENOENT, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &ga));
}

TEST_F(obj, session_objects_are_private_and_die_with_session)
{
	struct sks_get_attrs ga = {};
	int64_t h;
	int other;

	h = st_import_data(self->fd, "abc", 3, 0);
	ASSERT_LT(0, h);
	other = st_slot_open(self->slot);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, st_login_as(other, SKS_ROLE_CO, ST_CO_PIN, NULL));
	ga.handle = h;
	EXPECT_EQ(-ENOENT, st_ioc(other, SKS_IOC_GET_ATTRS, &ga));
	close(self->fd);
	self->fd = other;
	if (variant->type == SKS_SLOT_V0) {
		struct sks_obj_attrs a;

		st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, SKS_OBJ_TOKEN, 3,
			      "tok");
		h = st_import(other, &a, "tok", NULL);
		ASSERT_LT(0, h);
		other = st_slot_open(self->slot);
		ASSERT_LE(0, other);
		ASSERT_EQ(0, st_login_as(other, SKS_ROLE_CU, ST_CU_PIN, NULL));
		ga.handle = h;
		EXPECT_EQ(0, st_ioc(other, SKS_IOC_GET_ATTRS, &ga));
		close(other);
	} else {
		struct sks_obj_attrs a;
		uint32_t res;

		st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, SKS_OBJ_TOKEN, 3,
			      "tok");
		EXPECT_EQ(-EINVAL, st_import(other, &a, "tok", &res));
		EXPECT_EQ(SKS_CKR_TEMPLATE_INCONSISTENT, res);
	}
}

TEST_F(obj, data_object_value_and_capacity)
{
	struct sks_get_value gv = {};
	static uint8_t big[SKS_MAX_DATA_SIZE + 1];
	uint8_t out[16];
	uint32_t res;
	int64_t h;
	int i;

	h = st_import_data(self->fd, "hello", 5, 0);
	ASSERT_LT(0, h);
	gv.handle = h;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_VALUE, &gv));
	EXPECT_EQ(5, gv.len);
	gv.buf = st_ptr(out);
	gv.len = 2;
	EXPECT_EQ(-EOVERFLOW, st_ioc(self->fd, SKS_IOC_GET_VALUE, &gv));
	gv.len = sizeof(out);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_VALUE, &gv));
	EXPECT_EQ(0, memcmp("hello", out, 5));

	{
		struct sks_obj_attrs a;

		st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, 0,
			      SKS_MAX_DATA_SIZE + 1, "big");
		EXPECT_EQ(-EINVAL, st_import(self->fd, &a, big, &res));
		EXPECT_EQ(SKS_CKR_ATTRIBUTE_VALUE_INVALID, res);
	}
	/* Fill the 1 MiB default capacity with 64 KiB objects. */
	for (i = 0; i < 20; i++) {
		h = st_import_data(self->fd, big, SKS_MAX_DATA_SIZE, 0);
		if (h < 0)
			break;
	}
	EXPECT_EQ(-ENOSPC, h);
	{
		struct sks_obj_attrs a;

		st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, 0,
			      SKS_MAX_DATA_SIZE, "full");
		EXPECT_EQ(-ENOSPC, st_import(self->fd, &a, big, &res));
		EXPECT_EQ(SKS_CKR_DEVICE_MEMORY, res);
	}
	EXPECT_LE(15, i);
}

TEST_F(obj, gcm_matches_kernel_crypto_api)
{
	static const char aad[] = "header";
	static const char msg[] = "attack at dawn!!";
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM };
	uint8_t ct[64], pt[64], in[64], ref[64];
	struct kcapi_handle *kh;
	int64_t h;

	h = st_import_aes(self->fd, known_key, 16,
			   SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT | SKS_OBJ_SENSITIVE);
	ASSERT_LT(0, h);
	c.handle = h;
	c.aad = st_ptr(aad);
	c.aad_len = strlen(aad);
	c.in = st_ptr(msg);
	c.in_len = strlen(msg);
	c.out = st_ptr(ct);
	c.out_len = 4;
	EXPECT_EQ(-EOVERFLOW, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(SKS_CKR_BUFFER_TOO_SMALL, c.result);
	EXPECT_EQ(strlen(msg) + 16, c.out_len);
	c.out_len = sizeof(ct);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	ASSERT_EQ(strlen(msg) + 16, c.out_len);

	/* The same with AF_ALG and the returned IV. */
	memcpy(in, aad, c.aad_len);
	memcpy(in + c.aad_len, msg, strlen(msg));
	ASSERT_EQ(0, kcapi_aead_init(&kh, "gcm(aes)", 0));
	ASSERT_EQ(0, kcapi_aead_setkey(kh, known_key, 16));
	ASSERT_EQ(0, kcapi_aead_settaglen(kh, 16));
	kcapi_aead_setassoclen(kh, c.aad_len);
	ASSERT_EQ((ssize_t)(c.aad_len + c.out_len),
		  kcapi_aead_encrypt(kh, in, c.aad_len + strlen(msg), c.iv,
				     ref, c.aad_len + c.out_len,
				     KCAPI_ACCESS_HEURISTIC));
	kcapi_aead_destroy(kh);
	EXPECT_EQ(0, memcmp(ref + c.aad_len, ct, c.out_len));

	/* decrypt back; a flipped bit is refused and nothing comes out */
	c.in = st_ptr(ct);
	c.in_len = c.out_len;
	c.out = st_ptr(pt);
	c.out_len = sizeof(pt);
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(strlen(msg), c.out_len);
	EXPECT_EQ(0, memcmp(msg, pt, strlen(msg)));
	ct[3] ^= 1;
	memset(pt, 0, sizeof(pt));
	c.out_len = sizeof(pt);
	EXPECT_EQ(-EBADMSG, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, c.result);
	EXPECT_EQ(0, pt[0] | pt[1] | pt[2]);

	/* wrong mechanism, missing handle, too short */
	c.mechanism = SKS_CKM_SHA256_HMAC;
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_MECHANISM_INVALID, c.result);
	c.mechanism = SKS_CKM_AES_GCM;
	c.handle = 9999;
	EXPECT_EQ(-ENOENT, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_KEY_HANDLE_INVALID, c.result);
	c.handle = h;
	c.in_len = 8;
	EXPECT_EQ(-EMSGSIZE, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_LEN_RANGE, c.result);
	c.in_len = SKS_MAX_DATA_SIZE + 17;
	EXPECT_EQ(-EMSGSIZE, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_LEN_RANGE, c.result);
	EXPECT_EQ(0, c.out_len);	/* a failure leaves no length */
	c.in_len = 32;
	c.in = 8;
	c.out_len = sizeof(pt);
	EXPECT_EQ(-EFAULT, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, c.result);
}

TEST_F(obj, hmac_matches_kernel_crypto_api)
{
	static const char msg[] = "what do ya want for nothing?";
	static const struct {
		uint32_t mech;
		unsigned int len;
	} m[] = {
		{ SKS_CKM_SHA256_HMAC, 32 },
		{ SKS_CKM_SHA384_HMAC, 48 },
		{ SKS_CKM_SHA512_HMAC, 64 },
	};
	struct sks_obj_attrs a;
	struct sks_sign s = {};
	uint8_t mac[64], ref[64];
	int64_t h;
	unsigned int i;

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_GENERIC_SECRET,
		      SKS_OBJ_SIGN | SKS_OBJ_VERIFY | SKS_OBJ_SENSITIVE, 32,
		      "mac");
	h = st_import(self->fd, &a, known_key, NULL);
	ASSERT_LT(0, h);
	for (i = 0; i < 3; i++) {
		memset(&s, 0, sizeof(s));
		s.handle = h;
		s.mechanism = m[i].mech;
		s.data = st_ptr(msg);
		s.data_len = strlen(msg);
		s.sig = st_ptr(mac);
		s.sig_len = sizeof(mac);
		ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_SIGN, &s));
		ASSERT_EQ(m[i].len, s.sig_len);
		if (i == 0)
			kcapi_md_hmac_sha256(known_key, 32, (const uint8_t *)msg,
					     strlen(msg), ref, sizeof(ref));
		else if (i == 1)
			kcapi_md_hmac_sha384(known_key, 32, (const uint8_t *)msg,
					     strlen(msg), ref, sizeof(ref));
		else
			kcapi_md_hmac_sha512(known_key, 32, (const uint8_t *)msg,
					     strlen(msg), ref, sizeof(ref));
		EXPECT_EQ(0, memcmp(ref, mac, m[i].len));
		ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_VERIFY, &s));
		mac[0] ^= 1;
		EXPECT_EQ(-EBADMSG, st_ioc(self->fd, SKS_IOC_VERIFY, &s));
		EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID, s.result);
		s.sig_len = 7;
		EXPECT_EQ(-EMSGSIZE, st_ioc(self->fd, SKS_IOC_VERIFY, &s));
		EXPECT_EQ(SKS_CKR_SIGNATURE_LEN_RANGE, s.result);
	}
	/* an AES key cannot sign */
	s.handle = st_import_aes(self->fd, known_key, 16, SKS_OBJ_ENCRYPT);
	s.sig_len = sizeof(mac);
	EXPECT_EQ(-EINVAL, st_ioc(self->fd, SKS_IOC_SIGN, &s));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, s.result);
}

TEST_F(obj, usage_limit_and_permissions)
{
	struct sks_obj_attrs a;
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM };
	struct sks_get_attrs ga = {};
	uint8_t out[32];
	int64_t h;

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES, SKS_OBJ_ENCRYPT, 16,
		      "limited");
	a.usage_limit = 2;
	h = st_import(self->fd, &a, known_key, NULL);
	ASSERT_LT(0, h);
	c.handle = h;
	c.in = st_ptr("abcd");
	c.in_len = 4;
	c.out = st_ptr(out);
	c.out_len = sizeof(out);
	EXPECT_EQ(0, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(0, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(-EKEYEXPIRED, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, c.result);
	ga.handle = h;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &ga));
	EXPECT_EQ(2, ga.attrs.usage_count);
	/* no CKA_DECRYPT */
	c.in_len = 20;
	EXPECT_EQ(-EPERM, st_ioc(self->fd, SKS_IOC_DECRYPT, &c));
	EXPECT_EQ(SKS_CKR_KEY_FUNCTION_NOT_PERMITTED, c.result);
	/* not logged in */
	ASSERT_EQ(0, st_logout(self->fd));
	EXPECT_EQ(-EACCES, st_ioc(self->fd, SKS_IOC_ENCRYPT, &c));
	EXPECT_EQ(SKS_CKR_USER_NOT_LOGGED_IN, c.result);
	/* the CU uses keys but does not create objects */
	ASSERT_EQ(0, st_login_as(self->fd, SKS_ROLE_CU, ST_CU_PIN, NULL));
	EXPECT_EQ(-EACCES, st_import_data(self->fd, "x", 1, 0));
}

/* A sensitive key never comes back: attributes, value, sysfs, kernel log. */
TEST_F(obj, sensitive_value_never_leaks)
{
	struct sks_get_value gv = {};
	struct sks_get_attrs ga = {};
	uint8_t buf[256];
	char *log;
	int64_t h;
	int n;

	h = st_import_aes(self->fd, known_key, 32,
			   SKS_OBJ_ENCRYPT | SKS_OBJ_SENSITIVE);
	ASSERT_LT(0, h);
	ga.handle = h;
	ASSERT_EQ(0, st_ioc(self->fd, SKS_IOC_GET_ATTRS, &ga));
	EXPECT_FALSE(st_memmem(&ga, sizeof(ga), known_key, 8));
	gv.handle = h;
	gv.buf = st_ptr(buf);
	gv.len = sizeof(buf);
	EXPECT_EQ(-EPERM, st_ioc(self->fd, SKS_IOC_GET_VALUE, &gv));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_SENSITIVE, gv.result);

	n = klogctl(10, NULL, 0);
	ASSERT_LT(0, n);
	log = calloc(1, n + 1);
	ASSERT_NE(NULL, log);
	n = klogctl(3, log, n);
	ASSERT_LE(0, n);
	EXPECT_FALSE(st_memmem(log, n, known_key, 8));
	EXPECT_EQ(NULL, strstr(log, "5b3ae177"));
	free(log);
}

TEST_HARNESS_MAIN
