// SPDX-License-Identifier: GPL-2.0
/*
 * Project Wycheproof's ECDSA and ECDH test vectors (tests/vectors/
 * wycheproof, Apache-2.0, from github.com/C2SP/wycheproof) against the
 * kernel's EC code: every "valid" signature verifies, every "invalid" one
 * (malformed DER, r or s out of range, edge cases of the arithmetic) is
 * refused, and every ECDH vector derives the expected shared secret or is
 * refused as the vector says. "acceptable" vectors may go either way but
 * a derived secret must still be right. The vector files are built into
 * the binary (.incbin), so the test needs nothing but itself in the VM.
 */
#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sks.h>

#include "kselftest_harness.h"
#include "common.h"

#define INCBIN(sym, file)						\
	__asm__(".section .rodata\n.global " #sym "\n" #sym ":\n"	\
		".incbin \"" file "\"\n.byte 0\n.previous\n");		\
	extern const char sym[]

#define VEC "tests/vectors/wycheproof/"
INCBIN(wp_p256_sha256, VEC "ecdsa_secp256r1_sha256_test.json");
INCBIN(wp_p256_sha256_p1363, VEC "ecdsa_secp256r1_sha256_p1363_test.json");
INCBIN(wp_p256_sha512, VEC "ecdsa_secp256r1_sha512_test.json");
INCBIN(wp_p384_sha384, VEC "ecdsa_secp384r1_sha384_test.json");
INCBIN(wp_p384_sha384_p1363, VEC "ecdsa_secp384r1_sha384_p1363_test.json");
INCBIN(wp_ecdh_p256, VEC "ecdh_secp256r1_ecpoint_test.json");
INCBIN(wp_ecdh_p384, VEC "ecdh_secp384r1_ecpoint_test.json");

struct wp_count {
	unsigned int valid, invalid, acceptable;
};

static int wp_hex(const char *hex, __u8 *out, size_t room)
{
	size_t n = strlen(hex), i;
	unsigned int b;

	if (n % 2 || n / 2 > room)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = b;
	}
	return n / 2;
}

static const char *wp_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_string(v) : "";
}

static json_object *wp_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* A public key object for the uncompressed point @pt, or 0. */
static __u32 wp_pub(int fd, const __u8 *pt, int len)
{
	struct sks_create_object c = { .value = st_ptr(pt) };

	c.attrs.obj_class = SKS_CKO_PUBLIC_KEY;
	c.attrs.key_type = SKS_CKK_EC;
	c.attrs.flags = SKS_OBJ_VERIFY;
	c.attrs.value_len = len;
	return ioctl(fd, SKS_IOC_CREATE_OBJECT, &c) ? 0 : c.handle;
}

static void wp_destroy(int fd, __u32 h)
{
	struct sks_destroy_object d = { .handle = h };

	ioctl(fd, SKS_IOC_DESTROY_OBJECT, &d);
}

/*
 * Run one ECDSA verification file: @mech on the message, or with
 * @prehash the digest computed here and CKM_ECDSA. Returns the number of
 * vectors the kernel got wrong; @c counts the vectors by result.
 */
static int wp_ecdsa(struct __test_metadata *_metadata, int fd,
		    const char *json, __u32 mech, const EVP_MD *prehash,
		    bool der, struct wp_count *c)
{
	json_object *root = json_tokener_parse(json), *groups;
	int wrong = 0;
	size_t g, t;

	ASSERT_NE(NULL, root);
	groups = wp_get(root, "testGroups");
	for (g = 0; g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g);
		json_object *tests = wp_get(grp, "tests");
		__u8 pt[97];
		int plen = wp_hex(wp_str(wp_get(grp, "publicKey"),
					 "uncompressed"), pt, sizeof(pt));
		__u32 key = plen > 0 ? wp_pub(fd, pt, plen) : 0;

		ASSERT_NE(0, key);	/* the files' keys are all valid */
		for (t = 0; t < json_object_array_length(tests); t++) {
			json_object *v = json_object_array_get_idx(tests, t);
			const char *res = wp_str(v, "result");
			static __u8 msg[65536];
			static __u8 sig[8192];
			__u8 h[64];
			int mlen = wp_hex(wp_str(v, "msg"), msg, sizeof(msg));
			int slen = wp_hex(wp_str(v, "sig"), sig, sizeof(sig));
			struct sks_sign s = {
				.flags = der ? SKS_SIGN_DER : 0,
				.handle = key, .mechanism = mech,
				.data = st_ptr(msg), .data_len = mlen,
				.sig = st_ptr(sig), .sig_len = slen,
			};
			unsigned int hlen;
			bool ok;

			ASSERT_LE(0, mlen);
			ASSERT_LE(0, slen);
			if (prehash) {
				EVP_Digest(msg, mlen, h, &hlen, prehash, NULL);
				s.data = st_ptr(h);
				s.data_len = hlen;
			}
			ok = !ioctl(fd, SKS_IOC_VERIFY, &s);
			if (!ok && s.result != SKS_CKR_SIGNATURE_INVALID &&
			    s.result != SKS_CKR_SIGNATURE_LEN_RANGE) {
				TH_LOG("tcId %d: unexpected result 0x%x",
				       json_object_get_int(wp_get(v, "tcId")),
				       s.result);
				wrong++;
			} else if (!strcmp(res, "valid")) {
				c->valid++;
				wrong += !ok;
				if (!ok)
					TH_LOG("tcId %d (valid) refused",
					       json_object_get_int(wp_get(v,
								   "tcId")));
			} else if (!strcmp(res, "invalid")) {
				c->invalid++;
				wrong += ok;
				if (ok)
					TH_LOG("tcId %d (invalid) accepted",
					       json_object_get_int(wp_get(v,
								   "tcId")));
			} else {
				c->acceptable++;
			}
		}
		wp_destroy(fd, key);
	}
	json_object_put(root);
	return wrong;
}

FIXTURE(wp)
{
	int ctl, fd, slot;
};

FIXTURE_SETUP(wp)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->fd = st_partition_cap(self->ctl, SKS_SLOT_V1, "wycheproof",
				    &self->slot, 4 << 20);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(wp)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

#define WP_ECDSA(name, json, mech, md, der)				\
TEST_F_TIMEOUT(wp, name, 600)						\
{									\
	struct wp_count c = {};						\
									\
	EXPECT_EQ(0, wp_ecdsa(_metadata, self->fd, json, mech, md, der,	\
			      &c));					\
	EXPECT_LT(0, c.valid);						\
	EXPECT_LT(0, c.invalid);					\
	TH_LOG("%u valid verified, %u invalid refused, %u acceptable",	\
	       c.valid, c.invalid, c.acceptable);			\
}

WP_ECDSA(ecdsa_p256_sha256_der, wp_p256_sha256, SKS_CKM_ECDSA_SHA256, NULL,
	 true)
WP_ECDSA(ecdsa_p256_sha256_p1363, wp_p256_sha256_p1363,
	 SKS_CKM_ECDSA_SHA256, NULL, false)
WP_ECDSA(ecdsa_p256_sha512_prehashed_der, wp_p256_sha512, SKS_CKM_ECDSA,
	 EVP_sha512(), true)
WP_ECDSA(ecdsa_p384_sha384_der, wp_p384_sha384, SKS_CKM_ECDSA_SHA384, NULL,
	 true)
WP_ECDSA(ecdsa_p384_sha384_p1363, wp_p384_sha384_p1363,
	 SKS_CKM_ECDSA_SHA384, NULL, false)

/* A private key object for the scalar in @hex (any length), or 0. */
static __u32 wp_priv(int fd, const char *hex, unsigned int n)
{
	struct sks_create_object c = {};
	__u8 raw[80], d[48] = {};
	int len = wp_hex(hex, raw, sizeof(raw)), skip = 0;

	while (skip < len && !raw[skip])
		skip++;
	if (len < 0 || len - skip > (int)n)
		return 0;
	memcpy(d + n - (len - skip), raw + skip, len - skip);
	c.value = st_ptr(d);
	c.attrs.obj_class = SKS_CKO_PRIVATE_KEY;
	c.attrs.key_type = SKS_CKK_EC;
	c.attrs.flags = SKS_OBJ_DERIVE | SKS_OBJ_SENSITIVE;
	c.attrs.value_len = n;
	return ioctl(fd, SKS_IOC_CREATE_OBJECT, &c) ? 0 : c.handle;
}

/*
 * Run one ECDH file: derive Z (CKD_NULL) into an HMAC key and compare its
 * HMAC of a fixed message with one under the expected Z, so the secret
 * never has to leave the kernel. Returns the number of wrong answers.
 */
static int wp_ecdh(struct __test_metadata *_metadata, int fd,
		   const char *json, unsigned int n, struct wp_count *c)
{
	json_object *root = json_tokener_parse(json), *groups;
	static const char probe[] = "wycheproof";
	int wrong = 0;
	size_t g, t;

	ASSERT_NE(NULL, root);
	groups = wp_get(root, "testGroups");
	for (g = 0; g < json_object_array_length(groups); g++) {
		json_object *tests = wp_get(json_object_array_get_idx(groups,
								      g),
					    "tests");

		for (t = 0; t < json_object_array_length(tests); t++) {
			json_object *v = json_object_array_get_idx(tests, t);
			const char *res = wp_str(v, "result");
			int id = json_object_get_int(wp_get(v, "tcId"));
			__u8 pub[256], z[64], mac[32], want[32];
			int plen = wp_hex(wp_str(v, "public"), pub,
					  sizeof(pub));
			int zlen = wp_hex(wp_str(v, "shared"), z, sizeof(z));
			__u32 priv = wp_priv(fd, wp_str(v, "private"), n);
			struct sks_derive_key dk = {
				.mechanism = SKS_CKM_ECDH1_DERIVE,
				.base = priv, .kdf = SKS_CKD_NULL,
				.public_data = st_ptr(pub), .public_len = plen,
			};
			struct sks_sign s = {
				.mechanism = SKS_CKM_SHA256_HMAC,
				.data = st_ptr(probe), .data_len = strlen(probe),
				.sig = st_ptr(mac), .sig_len = sizeof(mac),
			};
			unsigned int wl;
			bool ok;

			ASSERT_NE(0, priv);	/* the private keys are valid */
			dk.attrs.obj_class = SKS_CKO_SECRET_KEY;
			dk.attrs.key_type = SKS_CKK_GENERIC_SECRET;
			dk.attrs.flags = SKS_OBJ_SIGN | SKS_OBJ_SENSITIVE;
			dk.attrs.value_len = n;
			ok = plen > 0 && !ioctl(fd, SKS_IOC_DERIVE_KEY, &dk);
			if (ok) {
				s.handle = dk.handle;
				ASSERT_EQ(0, ioctl(fd, SKS_IOC_SIGN, &s));
				HMAC(EVP_sha256(), z, zlen,
				     (const __u8 *)probe, strlen(probe), want,
				     &wl);
				if (zlen != (int)n || memcmp(mac, want, 32)) {
					TH_LOG("tcId %d: wrong shared secret",
					       id);
					wrong++;
				}
				wp_destroy(fd, dk.handle);
			}
			if (!strcmp(res, "valid")) {
				c->valid++;
				if (!ok) {
					TH_LOG("tcId %d (valid) refused: 0x%x",
					       id, dk.result);
					wrong++;
				}
			} else if (!strcmp(res, "invalid")) {
				c->invalid++;
				if (ok) {
					TH_LOG("tcId %d (invalid) accepted",
					       id);
					wrong++;
				}
			} else {
				c->acceptable++;
			}
			wp_destroy(fd, priv);
		}
	}
	json_object_put(root);
	return wrong;
}

#define WP_ECDH(name, json, n)						\
TEST_F_TIMEOUT(wp, name, 900)						\
{									\
	struct wp_count c = {};						\
									\
	EXPECT_EQ(0, wp_ecdh(_metadata, self->fd, json, n, &c));	\
	EXPECT_LT(0, c.valid);						\
	EXPECT_LT(0, c.invalid);					\
	TH_LOG("%u valid derived, %u invalid refused, %u acceptable",	\
	       c.valid, c.invalid, c.acceptable);			\
}

WP_ECDH(ecdh_p256_points, wp_ecdh_p256, 32)
WP_ECDH(ecdh_p384_points, wp_ecdh_p384, 48)

TEST_HARNESS_MAIN
