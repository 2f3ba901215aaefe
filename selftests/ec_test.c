// SPDX-License-Identifier: GPL-2.0
/*
 * EC keys in the kernel: key pairs on P-256 and P-384, ECDSA (raw and DER
 * signatures, checked both ways against OpenSSL), ECDH key derivation
 * (against OpenSSL's ECDH and X9.63 KDF), EC keys in blobs and under usage
 * limits, and what is refused.
 */
#define OPENSSL_API_COMPAT 0x10100000L
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sks.h>

#include "kselftest_harness.h"
#include "common.h"

struct ec_curve {
	__u32 id;
	int nid;
	__u32 n;		/* scalar bytes */
	__u32 mech;		/* ECDSA with the curve's hash */
	const EVP_MD *(*md)(void);
};

static const struct ec_curve ec_curves[] = {
	{ SKS_EC_P256, NID_X9_62_prime256v1, 32, SKS_CKM_ECDSA_SHA256,
	  EVP_sha256 },
	{ SKS_EC_P384, NID_secp384r1, 48, SKS_CKM_ECDSA_SHA384, EVP_sha384 },
};

static void ec_attrs(struct sks_obj_attrs *a, __u32 cls, __u32 flags,
		     const char *label)
{
	memset(a, 0, sizeof(*a));
	a->obj_class = cls;
	a->key_type = SKS_CKK_EC;
	a->flags = flags;
	a->label_len = strlen(label);
	memcpy(a->label, label, a->label_len);
}

static int ec_pair(int fd, __u32 curve, __u32 priv_flags, __u64 limit,
		   __u32 *pub, __u32 *priv)
{
	struct sks_generate_key_pair kp = {
		.mechanism = SKS_CKM_EC_KEY_PAIR_GEN, .curve = curve,
		.attrs_size = sizeof(struct sks_obj_attrs),
	};
	struct sks_obj_attrs pa, qa;

	ec_attrs(&pa, SKS_CKO_PUBLIC_KEY, SKS_OBJ_VERIFY | SKS_OBJ_EXTRACTABLE,
		 "ec-pub");
	ec_attrs(&qa, SKS_CKO_PRIVATE_KEY, priv_flags, "ec-priv");
	qa.usage_limit = limit;
	kp.pub_attrs = st_ptr(&pa);
	kp.priv_attrs = st_ptr(&qa);
	if (ioctl(fd, SKS_IOC_GENERATE_KEY_PAIR, &kp))
		return -errno;
	*pub = kp.pub_handle;
	*priv = kp.priv_handle;
	return 0;
}

static int ec_point(int fd, __u32 pub, __u8 *pt, __u32 *len)
{
	struct sks_get_value gv = { .handle = pub, .buf = st_ptr(pt),
				    .len = *len };

	if (ioctl(fd, SKS_IOC_GET_VALUE, &gv))
		return -errno;
	*len = gv.len;
	return 0;
}

static int ec_sign(int fd, __u32 key, __u32 mech, __u32 flags,
		   const void *msg, __u32 len, __u8 *sig, __u32 *sig_len,
		   __u32 *result)
{
	struct sks_sign s = { .flags = flags, .handle = key, .mechanism = mech,
			      .data = st_ptr(msg), .data_len = len,
			      .sig = st_ptr(sig), .sig_len = *sig_len };
	int err = ioctl(fd, SKS_IOC_SIGN, &s) ? -errno : 0;

	*sig_len = s.sig_len;
	if (result)
		*result = s.result;
	return err;
}

static int ec_verify(int fd, __u32 key, __u32 mech, __u32 flags,
		     const void *msg, __u32 len, const __u8 *sig,
		     __u32 sig_len, __u32 *result)
{
	struct sks_sign s = { .flags = flags, .handle = key, .mechanism = mech,
			      .data = st_ptr(msg), .data_len = len,
			      .sig = st_ptr(sig), .sig_len = sig_len };
	int err = ioctl(fd, SKS_IOC_VERIFY, &s) ? -errno : 0;

	if (result)
		*result = s.result;
	return err;
}

/* An OpenSSL EC_KEY holding the public point @pt. */
static EC_KEY *ec_ossl_pub(const struct ec_curve *c, const __u8 *pt,
			   __u32 len)
{
	EC_KEY *k = EC_KEY_new_by_curve_name(c->nid);
	const __u8 *p = pt;

	if (k && !o2i_ECPublicKey(&k, &p, len)) {
		EC_KEY_free(k);
		return NULL;
	}
	return k;
}

/* Import OpenSSL's public key into the partition; returns the handle. */
static int ec_import_pub(int fd, const struct ec_curve *c, EC_KEY *k,
			 __u32 *handle)
{
	struct sks_create_object co = {};
	__u8 pt[97];
	__u8 *p = pt;
	int len = i2o_ECPublicKey(k, NULL);

	if (len != 1 + 2 * (int)c->n)
		return -EINVAL;
	i2o_ECPublicKey(k, &p);
	ec_attrs(&co.attrs, SKS_CKO_PUBLIC_KEY, SKS_OBJ_VERIFY, "ossl-pub");
	co.attrs.value_len = len;
	co.value = st_ptr(pt);
	if (ioctl(fd, SKS_IOC_CREATE_OBJECT, &co))
		return -errno;
	*handle = co.handle;
	return 0;
}

/* An OpenSSL signature r || s of @msg under @k. */
static int ec_ossl_sign(const struct ec_curve *c, EC_KEY *k, const void *msg,
			__u32 len, __u8 *raw)
{
	__u8 h[64];
	unsigned int hlen;
	ECDSA_SIG *sig;
	const BIGNUM *r, *s;

	EVP_Digest(msg, len, h, &hlen, c->md(), NULL);
	sig = ECDSA_do_sign(h, hlen, k);
	if (!sig)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	BN_bn2binpad(r, raw, c->n);
	BN_bn2binpad(s, raw + c->n, c->n);
	ECDSA_SIG_free(sig);
	return 0;
}

/* OpenSSL's verdict on a kernel signature r || s. */
static int ec_ossl_verify(const struct ec_curve *c, EC_KEY *k,
			  const void *msg, __u32 len, const __u8 *raw)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	__u8 h[64];
	unsigned int hlen;
	int ok;

	EVP_Digest(msg, len, h, &hlen, c->md(), NULL);
	ECDSA_SIG_set0(sig, BN_bin2bn(raw, c->n, NULL),
		       BN_bin2bn(raw + c->n, c->n, NULL));
	ok = ECDSA_do_verify(h, hlen, sig, k);
	ECDSA_SIG_free(sig);
	return ok;
}

FIXTURE(ec)
{
	int ctl, fd, slot;
};

FIXTURE_SETUP(ec)
{
	self->ctl = st_ctl_open();
	ASSERT_LE(0, self->ctl);
	self->fd = st_partition(self->ctl, SKS_SLOT_V1, "ec", &self->slot);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(ec)
{
	close(self->fd);
	st_slot_del(self->ctl, self->slot);
	close(self->ctl);
}

TEST_F(ec, key_pairs_on_both_curves)
{
	const __u32 pf = SKS_OBJ_SIGN | SKS_OBJ_DERIVE | SKS_OBJ_SENSITIVE |
			 SKS_OBJ_PRIVATE | SKS_OBJ_EXTRACTABLE;
	struct sks_get_attrs ga = {};
	struct sks_get_value gv = {};
	__u32 pub, priv, len, i;
	__u8 pt[97];

	for (i = 0; i < 2; i++) {
		const struct ec_curve *c = &ec_curves[i];

		ASSERT_EQ(0, ec_pair(self->fd, c->id, pf, 0, &pub, &priv));
		len = sizeof(pt);
		ASSERT_EQ(0, ec_point(self->fd, pub, pt, &len));
		EXPECT_EQ(1 + 2 * c->n, len);
		EXPECT_EQ(0x04, pt[0]);
		ga.handle = priv;
		ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_GET_ATTRS, &ga));
		EXPECT_EQ(SKS_CKO_PRIVATE_KEY, ga.attrs.obj_class);
		EXPECT_EQ(SKS_CKK_EC, ga.attrs.key_type);
		EXPECT_EQ(c->n, ga.attrs.value_len);
		/* the private scalar never leaves */
		gv.handle = priv;
		EXPECT_EQ(-1, ioctl(self->fd, SKS_IOC_GET_VALUE, &gv));
		EXPECT_EQ(SKS_CKR_ATTRIBUTE_SENSITIVE, gv.result);
	}
}

TEST_F(ec, ecdsa_agrees_with_openssl_both_ways)
{
	static const char msg[] = "an organisation's certificate request";
	__u8 pt[97], sig[110], raw[96];
	__u32 pub, priv, len, sl, res, i, opub = 0;
	EC_KEY *ok, *ossl;

	for (i = 0; i < 2; i++) {
		const struct ec_curve *c = &ec_curves[i];

		ASSERT_EQ(0, ec_pair(self->fd, c->id, SKS_OBJ_SIGN, 0, &pub,
				     &priv));
		len = sizeof(pt);
		ASSERT_EQ(0, ec_point(self->fd, pub, pt, &len));
		ok = ec_ossl_pub(c, pt, len);
		ASSERT_NE(NULL, ok);

		/* size query, then raw r || s: OpenSSL verifies it */
		sl = 0;
		ASSERT_EQ(0, ec_sign(self->fd, priv, c->mech, 0, msg,
				     sizeof(msg), NULL, &sl, &res));
		EXPECT_EQ(2 * c->n, sl);
		sl = sizeof(sig);
		ASSERT_EQ(0, ec_sign(self->fd, priv, c->mech, 0, msg,
				     sizeof(msg), sig, &sl, &res));
		EXPECT_EQ(2 * c->n, sl);
		EXPECT_EQ(1, ec_ossl_verify(c, ok, msg, sizeof(msg), sig));
		EXPECT_EQ(0, ec_verify(self->fd, pub, c->mech, 0, msg,
				       sizeof(msg), sig, sl, &res));
		/* hedged nonces: a second signature differs, and verifies */
		memcpy(raw, sig, sl);
		ASSERT_EQ(0, ec_sign(self->fd, priv, c->mech, 0, msg,
				     sizeof(msg), sig, &sl, &res));
		EXPECT_NE(0, memcmp(raw, sig, sl));
		EXPECT_EQ(1, ec_ossl_verify(c, ok, msg, sizeof(msg), sig));
		/* changed: refused */
		sig[3] ^= 1;
		EXPECT_EQ(-EBADMSG, ec_verify(self->fd, pub, c->mech, 0, msg,
					      sizeof(msg), sig, sl, &res));
		EXPECT_EQ(SKS_CKR_SIGNATURE_INVALID, res);
		EXPECT_EQ(-EMSGSIZE, ec_verify(self->fd, pub, c->mech, 0, msg,
					       sizeof(msg), sig, sl - 1, &res));
		EXPECT_EQ(SKS_CKR_SIGNATURE_LEN_RANGE, res);

		/* DER: OpenSSL parses and verifies it */
		sl = sizeof(sig);
		ASSERT_EQ(0, ec_sign(self->fd, priv, c->mech, SKS_SIGN_DER,
				     msg, sizeof(msg), sig, &sl, &res));
		{
			__u8 h[64];
			unsigned int hlen;

			EVP_Digest(msg, sizeof(msg), h, &hlen, c->md(), NULL);
			EXPECT_EQ(1, ECDSA_verify(0, h, hlen, sig, sl, ok));
			/* CKM_ECDSA: the kernel takes the hash itself */
			EXPECT_EQ(0, ec_verify(self->fd, pub, SKS_CKM_ECDSA,
					       SKS_SIGN_DER, h, hlen, sig, sl,
					       &res));
		}
		EXPECT_EQ(0, ec_verify(self->fd, pub, c->mech, SKS_SIGN_DER,
				       msg, sizeof(msg), sig, sl, &res));
		sig[sl - 1] ^= 1;
		EXPECT_NE(0, ec_verify(self->fd, pub, c->mech, SKS_SIGN_DER,
				       msg, sizeof(msg), sig, sl, &res));

		/* OpenSSL signs, the kernel verifies with the imported point */
		ossl = EC_KEY_new_by_curve_name(c->nid);
		ASSERT_EQ(1, EC_KEY_generate_key(ossl));
		ASSERT_EQ(0, ec_import_pub(self->fd, c, ossl, &opub));
		ASSERT_EQ(0, ec_ossl_sign(c, ossl, msg, sizeof(msg), raw));
		EXPECT_EQ(0, ec_verify(self->fd, opub, c->mech, 0, msg,
				       sizeof(msg), raw, 2 * c->n, &res));
		EXPECT_EQ(-EBADMSG, ec_verify(self->fd, pub, c->mech, 0, msg,
					      sizeof(msg), raw, 2 * c->n,
					      &res));
		EC_KEY_free(ossl);
		EC_KEY_free(ok);
	}
}

/* Messages of 0, 1, 64 and 65 536 bytes, signed each way, both curves. */
TEST_F(ec, ecdsa_message_sizes_both_ways)
{
	static const __u32 sizes[] = { 0, 1, 64, 65536 };
	static __u8 msg[65536];
	__u8 pt[97], sig[96];
	__u32 pub, priv, opub, len, sl, res, i, j;
	EC_KEY *ok, *ossl;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i * 131 + 7;
	for (i = 0; i < 2; i++) {
		const struct ec_curve *c = &ec_curves[i];

		ASSERT_EQ(0, ec_pair(self->fd, c->id, SKS_OBJ_SIGN, 0, &pub,
				     &priv));
		len = sizeof(pt);
		ASSERT_EQ(0, ec_point(self->fd, pub, pt, &len));
		ok = ec_ossl_pub(c, pt, len);
		ASSERT_NE(NULL, ok);
		ossl = EC_KEY_new_by_curve_name(c->nid);
		ASSERT_EQ(1, EC_KEY_generate_key(ossl));
		ASSERT_EQ(0, ec_import_pub(self->fd, c, ossl, &opub));
		for (j = 0; j < 4; j++) {
			sl = sizeof(sig);
			ASSERT_EQ(0, ec_sign(self->fd, priv, c->mech, 0, msg,
					     sizes[j], sig, &sl, &res));
			EXPECT_EQ(1, ec_ossl_verify(c, ok, msg, sizes[j], sig));
			ASSERT_EQ(0, ec_ossl_sign(c, ossl, msg, sizes[j], sig));
			EXPECT_EQ(0, ec_verify(self->fd, opub, c->mech, 0, msg,
					       sizes[j], sig, 2 * c->n, &res));
			TH_LOG("P-%u, %u bytes: both ways", 8 * c->n, sizes[j]);
		}
		EC_KEY_free(ossl);
		EC_KEY_free(ok);
	}
}

/* RFC 6979 A.2.5: a known signature verifies (and its public key imports). */
TEST_F(ec, rfc6979_p256_signature_verifies)
{
	static const __u8 q[] = {
		0x04,
		0x60, 0xfe, 0xd4, 0xba, 0x25, 0x5a, 0x9d, 0x31,
		0xc9, 0x61, 0xeb, 0x74, 0xc6, 0x35, 0x6d, 0x68,
		0xc0, 0x49, 0xb8, 0x92, 0x3b, 0x61, 0xfa, 0x6c,
		0xe6, 0x69, 0x62, 0x2e, 0x60, 0xf2, 0x9f, 0xb6,
		0x79, 0x03, 0xfe, 0x10, 0x08, 0xb8, 0xbc, 0x99,
		0xa4, 0x1a, 0xe9, 0xe9, 0x56, 0x28, 0xbc, 0x64,
		0xf2, 0xf1, 0xb2, 0x0c, 0x2d, 0x7e, 0x9f, 0x51,
		0x77, 0xa3, 0xc2, 0x94, 0xd4, 0x46, 0x22, 0x99,
	};
	static const __u8 sig[] = {
		0xef, 0xd4, 0x8b, 0x2a, 0xac, 0xb6, 0xa8, 0xfd,
		0x11, 0x40, 0xdd, 0x9c, 0xd4, 0x5e, 0x81, 0xd6,
		0x9d, 0x2c, 0x87, 0x7b, 0x56, 0xaa, 0xf9, 0x91,
		0xc3, 0x4d, 0x0e, 0xa8, 0x4e, 0xaf, 0x37, 0x16,
		0xf7, 0xcb, 0x1c, 0x94, 0x2d, 0x65, 0x7c, 0x41,
		0xd4, 0x36, 0xc7, 0xa1, 0xb6, 0xe2, 0x9f, 0x65,
		0xf3, 0xe9, 0x00, 0xdb, 0xb9, 0xaf, 0xf4, 0x06,
		0x4d, 0xc4, 0xab, 0x2f, 0x84, 0x3a, 0xcd, 0xa8,
	};
	struct sks_create_object co = { .value = st_ptr(q) };
	__u32 res;

	ec_attrs(&co.attrs, SKS_CKO_PUBLIC_KEY, SKS_OBJ_VERIFY, "rfc6979");
	co.attrs.value_len = sizeof(q);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_CREATE_OBJECT, &co));
	EXPECT_EQ(0, ec_verify(self->fd, co.handle, SKS_CKM_ECDSA_SHA256, 0,
			       "sample", 6, sig, sizeof(sig), &res));
	EXPECT_EQ(-EBADMSG, ec_verify(self->fd, co.handle,
				      SKS_CKM_ECDSA_SHA256, 0, "samplf", 6,
				      sig, sizeof(sig), &res));
}

TEST_F(ec, bad_keys_and_wrong_uses_are_refused)
{
	struct sks_create_object co = {};
	__u8 pt[97], sig[96], zero[48] = {};
	__u32 pub, priv, len, sl, res;

	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P256, SKS_OBJ_SIGN, 0, &pub,
			     &priv));
	len = sizeof(pt);
	ASSERT_EQ(0, ec_point(self->fd, pub, pt, &len));
	/* a point off the curve, a compressed point, a zero scalar */
	pt[40] ^= 1;
	ec_attrs(&co.attrs, SKS_CKO_PUBLIC_KEY, SKS_OBJ_VERIFY, "bad");
	co.attrs.value_len = 65;
	co.value = st_ptr(pt);
	EXPECT_EQ(-1, ioctl(self->fd, SKS_IOC_CREATE_OBJECT, &co));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_VALUE_INVALID, co.result);
	pt[40] ^= 1;
	pt[0] = 0x02;
	EXPECT_EQ(-1, ioctl(self->fd, SKS_IOC_CREATE_OBJECT, &co));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_VALUE_INVALID, co.result);
	ec_attrs(&co.attrs, SKS_CKO_PRIVATE_KEY, SKS_OBJ_SIGN, "zero");
	co.attrs.value_len = 32;
	co.value = st_ptr(zero);
	EXPECT_EQ(-1, ioctl(self->fd, SKS_IOC_CREATE_OBJECT, &co));
	EXPECT_EQ(SKS_CKR_ATTRIBUTE_VALUE_INVALID, co.result);
	/* templates: a private key that verifies, a public one that signs */
	co.attrs.flags = SKS_OBJ_VERIFY;
	EXPECT_EQ(-1, ioctl(self->fd, SKS_IOC_CREATE_OBJECT, &co));
	EXPECT_EQ(SKS_CKR_TEMPLATE_INCONSISTENT, co.result);
	/* signing with the public key, verifying with the private one */
	sl = sizeof(sig);
	EXPECT_EQ(-EINVAL, ec_sign(self->fd, pub, SKS_CKM_ECDSA_SHA256, 0,
				   "m", 1, sig, &sl, &res));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, res);
	sl = sizeof(sig);
	ASSERT_EQ(0, ec_sign(self->fd, priv, SKS_CKM_ECDSA_SHA256, 0, "m", 1,
			     sig, &sl, &res));
	EXPECT_EQ(-EINVAL, ec_verify(self->fd, priv, SKS_CKM_ECDSA_SHA256, 0,
				     "m", 1, sig, sl, &res));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, res);
	/* CKM_ECDSA takes 1..64 bytes of hash */
	sl = sizeof(sig);
	EXPECT_EQ(-EMSGSIZE, ec_sign(self->fd, priv, SKS_CKM_ECDSA, 0, pt, 65,
				     sig, &sl, &res));
	EXPECT_EQ(SKS_CKR_DATA_LEN_RANGE, res);
	/* an unknown curve */
	EXPECT_EQ(-EXDEV, ec_pair(self->fd, 7, SKS_OBJ_SIGN, 0, &pub, &priv));
}

/* Derive a 32-byte AES key with ECDH; returns the handle. */
static int ec_derive(int fd, __u32 base, __u32 kdf, const __u8 *peer,
		     __u32 plen, const char *info, __u32 *handle, __u32 *res)
{
	struct sks_derive_key dk = {
		.mechanism = SKS_CKM_ECDH1_DERIVE, .base = base, .kdf = kdf,
		.public_data = st_ptr(peer), .public_len = plen,
	};
	int err;

	if (info) {
		dk.shared_data = st_ptr(info);
		dk.shared_len = strlen(info);
	}
	dk.attrs.obj_class = SKS_CKO_SECRET_KEY;
	dk.attrs.key_type = SKS_CKK_AES;
	dk.attrs.value_len = 32;
	dk.attrs.flags = SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
	err = ioctl(fd, SKS_IOC_DERIVE_KEY, &dk) ? -errno : 0;
	*handle = dk.handle;
	if (res)
		*res = dk.result;
	return err;
}

static int ec_gcm(int fd, bool enc, __u32 key, __u8 *iv, const void *in,
		  __u32 len, void *out, __u32 *olen)
{
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM, .handle = key,
			       .in = st_ptr(in), .in_len = len, .out = st_ptr(out),
			       .out_len = *olen };

	if (!enc)
		memcpy(c.iv, iv, 12);
	if (ioctl(fd, enc ? SKS_IOC_ENCRYPT : SKS_IOC_DECRYPT, &c))
		return -errno;
	if (enc)
		memcpy(iv, c.iv, 12);
	*olen = c.out_len;
	return 0;
}

TEST_F(ec, ecdh_seals_a_record_for_a_recipient)
{
	const __u32 df = SKS_OBJ_DERIVE | SKS_OBJ_SENSITIVE;
	static const char rec[] = "a record for the recipient";
	__u8 pa[65], pb[65], iv[12], ct[64], pt[64];
	__u32 apub, apriv, bpub, bpriv, ka, kb, la = 65, lb = 65, l, res;

	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P256, df, 0, &apub, &apriv));
	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P256, df, 0, &bpub, &bpriv));
	ASSERT_EQ(0, ec_point(self->fd, apub, pa, &la));
	ASSERT_EQ(0, ec_point(self->fd, bpub, pb, &lb));
	/* both sides derive the same key, with either KDF */
	ASSERT_EQ(0, ec_derive(self->fd, apriv, SKS_CKD_SHA256_KDF, pb, lb,
			       "sks ecdh test", &ka, &res));
	ASSERT_EQ(0, ec_derive(self->fd, bpriv, SKS_CKD_SHA256_KDF, pa, la,
			       "sks ecdh test", &kb, &res));
	l = sizeof(ct);
	ASSERT_EQ(0, ec_gcm(self->fd, true, ka, iv, rec, sizeof(rec), ct, &l));
	l = sizeof(pt);
	ASSERT_EQ(0, ec_gcm(self->fd, false, kb, iv, ct, sizeof(rec) + 16, pt,
			    &l));
	EXPECT_EQ(0, memcmp(pt, rec, sizeof(rec)));
	ASSERT_EQ(0, ec_derive(self->fd, apriv, SKS_CKD_NULL, pb, lb, NULL,
			       &ka, &res));
	ASSERT_EQ(0, ec_derive(self->fd, bpriv, SKS_CKD_NULL, pa, la, NULL,
			       &kb, &res));
	l = sizeof(ct);
	ASSERT_EQ(0, ec_gcm(self->fd, true, ka, iv, rec, sizeof(rec), ct, &l));
	l = sizeof(pt);
	ASSERT_EQ(0, ec_gcm(self->fd, false, kb, iv, ct, sizeof(rec) + 16, pt,
			    &l));
	/* a point off the curve, a key without CKA_DERIVE, another curve */
	pb[20] ^= 1;
	EXPECT_EQ(-EINVAL, ec_derive(self->fd, apriv, SKS_CKD_NULL, pb, lb,
				     NULL, &ka, &res));
	EXPECT_EQ(SKS_CKR_ARGUMENTS_BAD, res);
	pb[20] ^= 1;
	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P256, SKS_OBJ_SIGN, 0, &bpub,
			     &bpriv));
	EXPECT_EQ(-EPERM, ec_derive(self->fd, bpriv, SKS_CKD_NULL, pa, la,
				    NULL, &ka, &res));
	EXPECT_EQ(SKS_CKR_KEY_FUNCTION_NOT_PERMITTED, res);
}

/*
 * A public key may carry CKA_DERIVE, as pkcs11-tool asks by default
 * (PKCS#11 allows it on any key); it derives nothing: ECDH's base is the
 * private key.
 */
TEST_F(ec, public_key_with_derive_is_made_and_derives_nothing)
{
	struct sks_generate_key_pair kp = {
		.mechanism = SKS_CKM_EC_KEY_PAIR_GEN, .curve = SKS_EC_P256,
		.attrs_size = sizeof(struct sks_obj_attrs),
	};
	struct sks_obj_attrs pa, qa;
	__u8 pt[65];
	__u32 len = sizeof(pt), k, res;

	ec_attrs(&pa, SKS_CKO_PUBLIC_KEY, SKS_OBJ_VERIFY | SKS_OBJ_DERIVE,
		 "ec-pub");
	ec_attrs(&qa, SKS_CKO_PRIVATE_KEY, SKS_OBJ_SIGN | SKS_OBJ_DERIVE,
		 "ec-priv");
	kp.pub_attrs = st_ptr(&pa);
	kp.priv_attrs = st_ptr(&qa);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_GENERATE_KEY_PAIR, &kp));
	ASSERT_EQ(0, ec_point(self->fd, kp.pub_handle, pt, &len));
	EXPECT_EQ(-EINVAL, ec_derive(self->fd, kp.pub_handle, SKS_CKD_NULL, pt,
				     len, NULL, &k, &res));
	EXPECT_EQ(SKS_CKR_KEY_TYPE_INCONSISTENT, res);
	/* still no signing or sensitivity on a public key */
	ec_attrs(&pa, SKS_CKO_PUBLIC_KEY, SKS_OBJ_VERIFY | SKS_OBJ_SIGN,
		 "ec-pub");
	EXPECT_NE(0, ioctl(self->fd, SKS_IOC_GENERATE_KEY_PAIR, &kp));
	EXPECT_EQ(SKS_CKR_TEMPLATE_INCONSISTENT, kp.result);
}

/* The kernel derives with OpenSSL's public key; OpenSSL gets the same key. */
TEST_F(ec, ecdh_x963_kdf_agrees_with_openssl)
{
	static const char info[] = "x9.63 shared info";
	__u8 pa[65], z[32], key[32], iv[12], ct[64], ot[64], *p;
	__u32 apub, apriv, la = sizeof(pa), k, l, res, i;
	EVP_CIPHER_CTX *cx;
	EC_KEY *ossl, *apk;
	int ol, n;

	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P256, SKS_OBJ_DERIVE, 0, &apub,
			     &apriv));
	ASSERT_EQ(0, ec_point(self->fd, apub, pa, &la));
	ossl = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
	ASSERT_EQ(1, EC_KEY_generate_key(ossl));
	{
		__u8 ob[65];

		p = ob;
		i2o_ECPublicKey(ossl, &p);
		ASSERT_EQ(0, ec_derive(self->fd, apriv, SKS_CKD_SHA256_KDF, ob,
				       65, info, &k, &res));
	}
	apk = ec_ossl_pub(&ec_curves[0], pa, la);
	ASSERT_NE(NULL, apk);
	n = ECDH_compute_key(z, sizeof(z), EC_KEY_get0_public_key(apk), ossl,
			     NULL);
	ASSERT_EQ(32, n);
	{	/* X9.63: SHA-256(Z || 00000001 || info) */
		SHA256_CTX sc;
		__u8 ctr[4] = { 0, 0, 0, 1 };

		SHA256_Init(&sc);
		SHA256_Update(&sc, z, 32);
		SHA256_Update(&sc, ctr, 4);
		SHA256_Update(&sc, info, strlen(info));
		SHA256_Final(key, &sc);
	}
	l = sizeof(ct);
	ASSERT_EQ(0, ec_gcm(self->fd, true, k, iv, "hello", 5, ct, &l));
	cx = EVP_CIPHER_CTX_new();
	ASSERT_EQ(1, EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, key, iv));
	ASSERT_EQ(1, EVP_DecryptUpdate(cx, ot, &ol, ct, 5));
	EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, 16, ct + 5);
	EXPECT_EQ(1, EVP_DecryptFinal_ex(cx, ot + ol, &ol));
	EXPECT_EQ(0, memcmp(ot, "hello", 5));
	EVP_CIPHER_CTX_free(cx);
	for (i = 0; i < sizeof(z); i++)
		z[i] = 0;
	EC_KEY_free(apk);
	EC_KEY_free(ossl);
}

TEST_F(ec, a_key_pair_travels_in_a_blob_and_keeps_its_limit)
{
	const __u32 pf = SKS_OBJ_SIGN | SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE;
	struct sks_extract ex = { .count = 2, .flags = SKS_EXTRACT_DELETE };
	struct sks_insert in = { .count = 2 };
	__u8 blob[2048], sig[96];
	__u32 h[2], got[2], sl, res;

	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P384, pf, 2, &h[0], &h[1]));
	sl = sizeof(sig);
	ASSERT_EQ(0, ec_sign(self->fd, h[1], SKS_CKM_ECDSA_SHA384, 0, "m", 1,
			     sig, &sl, &res));
	ex.handles = st_ptr(h);
	ex.blob = st_ptr(blob);
	ex.blob_len = sizeof(blob);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_EXTRACT, &ex));
	in.blob = st_ptr(blob);
	in.blob_len = ex.blob_len;
	in.handles = st_ptr(got);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_INSERT, &in));
	/* the pair still works; the limit of 2 counts the use before */
	sl = sizeof(sig);
	ASSERT_EQ(0, ec_sign(self->fd, got[1], SKS_CKM_ECDSA_SHA384, 0, "m", 1,
			     sig, &sl, &res));
	EXPECT_EQ(0, ec_verify(self->fd, got[0], SKS_CKM_ECDSA_SHA384, 0, "m",
			       1, sig, sl, &res));
	sl = sizeof(sig);
	EXPECT_EQ(-EKEYEXPIRED, ec_sign(self->fd, got[1], SKS_CKM_ECDSA_SHA384,
					0, "m", 1, sig, &sl, &res));
	EXPECT_EQ(SKS_CKR_KEY_NOT_ACTIVE, res);
}

/* A blob holding a key pair: every byte flipped is refused, nothing made. */
TEST_F(ec, every_flipped_byte_of_a_key_pair_blob_is_refused)
{
	const __u32 pf = SKS_OBJ_SIGN | SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE;
	struct sks_extract ex = { .count = 2 };
	struct sks_find_objects fo = {};
	__u8 blob[2048];
	__u32 h[2], got[2], i, refused = 0;

	ASSERT_EQ(0, ec_pair(self->fd, SKS_EC_P256, pf, 0, &h[0], &h[1]));
	ex.handles = st_ptr(h);
	ex.blob = st_ptr(blob);
	ex.blob_len = sizeof(blob);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_EXTRACT, &ex));
	for (i = 0; i < ex.blob_len; i++) {
		struct sks_insert in = { .count = 2, .blob = st_ptr(blob),
					 .blob_len = ex.blob_len,
					 .handles = st_ptr(got) };

		blob[i] ^= 0x80;
		refused += ioctl(self->fd, SKS_IOC_INSERT, &in) == -1 &&
			   in.result != SKS_CKR_OK;
		blob[i] ^= 0x80;
	}
	EXPECT_EQ(ex.blob_len, refused);
	ASSERT_EQ(0, ioctl(self->fd, SKS_IOC_FIND_OBJECTS, &fo));
	EXPECT_EQ(2, fo.count);		/* only the pair itself */
	TH_LOG("%u of %u flipped bytes refused", refused, ex.blob_len);
}

TEST_HARNESS_MAIN
