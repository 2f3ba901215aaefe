// SPDX-License-Identifier: GPL-2.0
/*
 * sks - the ioctls of EC keys: key pair generation, ECDSA signing and
 * verification, ECDH key derivation. The arithmetic is in ec.c.
 */

#include <crypto/sha2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sks.h"

/**
 * sks_ecdsa_mechanism() - whether a mechanism is one of ECDSA's.
 * @mechanism: a CKM_* value.
 *
 * Context: any.
 * Return: true for SKS_CKM_ECDSA, SKS_CKM_ECDSA_SHA256, SKS_CKM_ECDSA_SHA384.
 */
bool sks_ecdsa_mechanism(u32 mechanism)
{
	return mechanism == SKS_CKM_ECDSA || mechanism == SKS_CKM_ECDSA_SHA256 ||
	       mechanism == SKS_CKM_ECDSA_SHA384;
}

/* Read one struct sks_obj_attrs of @size bytes from user space. */
static int sks_attrs_from_user(struct sks_obj_attrs *a, u64 uptr, u32 size,
			       u32 *ckr)
{
	int err = copy_struct_from_user(a, sizeof(*a), u64_to_user_ptr(uptr),
					size);

	if (err == -EFAULT)
		return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	if (err)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	return 0;
}

/*
 * The template of one half of a key pair: its class and type are those of
 * the half, its value length the curve's (0 means "the curve's").
 */
static int sks_pair_template(struct sks_slot *slot, struct sks_obj_attrs *a,
			     u32 obj_class, u32 len, u32 *ckr)
{
	if (a->obj_class != obj_class || a->key_type != SKS_CKK_EC ||
	    (a->value_len && a->value_len != len))
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	a->value_len = len;
	return sks_object_validate(slot, a, false, ckr);
}

/* Make both objects of a pair, publish them together. */
static int sks_pair_publish(struct sks_file_session *sess,
			    const struct sks_obj_attrs *pa, const u8 *pub,
			    const struct sks_obj_attrs *qa, const u8 *priv,
			    struct sks_generate_key_pair *kp, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	struct sks_object *objs[2];
	int err;

	objs[0] = sks_object_new(pa, pub, NULL, ckr);
	if (IS_ERR(objs[0]))
		return PTR_ERR(objs[0]);
	objs[1] = sks_object_new(qa, priv, NULL, ckr);
	if (IS_ERR(objs[1])) {
		sks_object_put(objs[0]);
		return PTR_ERR(objs[1]);
	}
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err)
		err = sks_objects_publish_locked(slot, sess, objs, 2, ckr);
	if (!err) {
		kp->pub_handle = objs[0]->handle;
		kp->priv_handle = objs[1]->handle;
	}
	mutex_unlock(&slot->lock);
	if (err) {
		sks_object_put(objs[0]);
		sks_object_put(objs[1]);
	}
	return err;
}

/**
 * sks_ioc_generate_key_pair() - SKS_IOC_GENERATE_KEY_PAIR: make an EC key
 * pair in the kernel.
 * @sess: the session.
 * @arg: struct sks_generate_key_pair.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism (CKR_MECHANISM_INVALID), curve
 * (CKR_DOMAIN_PARAMS_INVALID), @attrs_size and reserved fields, the two
 * templates (CKR_TEMPLATE_INCONSISTENT, ...), login as CO, capacity. The
 * private scalar never leaves the kernel but in blobs and archives.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_generate_key_pair(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_generate_key_pair *kp = arg;
	struct sks_obj_attrs pa, qa;
	const struct sks_ec_curve *c;
	u8 *priv = NULL, *pub = NULL;
	u32 plen, qlen;
	int err;

	kp->pub_handle = 0;
	kp->priv_handle = 0;
	if (kp->mechanism != SKS_CKM_EC_KEY_PAIR_GEN)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	c = sks_ec_curve_get(kp->curve);
	if (!c)
		return sks_fail(ckr, SKS_CKR_DOMAIN_PARAMS_INVALID);
	if (kp->reserved || kp->attrs_size < SKS_OBJ_ATTRS_SIZE_VER0 ||
	    kp->attrs_size > PAGE_SIZE)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	err = sks_attrs_from_user(&pa, kp->pub_attrs, kp->attrs_size, ckr) ?:
	      sks_attrs_from_user(&qa, kp->priv_attrs, kp->attrs_size, ckr);
	if (err)
		return err;
	sks_ec_sizes(c, &qlen, &plen);
	err = sks_pair_template(sess->slot, &pa, SKS_CKO_PUBLIC_KEY, plen,
				ckr) ?:
	      sks_pair_template(sess->slot, &qa, SKS_CKO_PRIVATE_KEY, qlen,
				ckr);
	if (err)
		return err;
	mutex_lock(&sess->slot->lock);
	err = sks_session_require(sess, true, ckr);
	mutex_unlock(&sess->slot->lock);
	if (err)
		return err;

	priv = kmalloc(qlen, GFP_KERNEL);
	pub = kmalloc(plen, GFP_KERNEL);
	if (!priv || !pub) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	err = sks_ec_generate(c, priv, pub);
	if (err) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	err = sks_pair_publish(sess, &pa, pub, &qa, priv, kp, ckr);
out:
	kfree_sensitive(priv);
	kfree(pub);
	return err;
}

/* Hash @msg as @mechanism asks; *@hlen gets its length. */
static int sks_ecdsa_hash(u32 mechanism, const u8 *msg, u32 len, u8 *h,
			  size_t *hlen)
{
	int n;

	if (mechanism == SKS_CKM_ECDSA) {
		memcpy(h, msg, len);
		*hlen = len;
		return 0;
	}
	n = sks_ec_hash_msg(mechanism == SKS_CKM_ECDSA_SHA384, msg, len, h);
	if (n < 0)
		return n;
	*hlen = n;
	return 0;
}

/**
 * sks_ecdsa_sig_max() - the largest signature of an EC key.
 * @obj: an EC key.
 * @der: DER (SKS_SIGN_DER) rather than r || s.
 *
 * Context: any.
 * Return: bytes.
 */
u32 sks_ecdsa_sig_max(const struct sks_object *obj, bool der)
{
	const struct sks_ec_curve *c = sks_ec_curve_of(obj->obj_class,
						       obj->value_len);
	u32 raw = sks_ec_sizes(c, NULL, NULL);

	return der ? raw + 9 : raw;
}

/**
 * sks_ecdsa_sign_obj() - sign with an EC private key; no use is counted.
 * @obj: the key (class, type and CKA_SIGN checked by the caller).
 * @mechanism: SKS_CKM_ECDSA (@msg is a hash of 1..64 bytes) or
 *	SKS_CKM_ECDSA_SHA256/384.
 * @der: write DER rather than r || s.
 * @msg: the input.
 * @len: its length.
 * @sig: room for sks_ecdsa_sig_max() bytes.
 * @sig_len: out: the signature's length.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int sks_ecdsa_sign_obj(const struct sks_object *obj, u32 mechanism, bool der,
		       const u8 *msg, u32 len, u8 *sig, u32 *sig_len)
{
	const struct sks_ec_curve *c = sks_ec_curve_of(obj->obj_class,
						       obj->value_len);
	u8 h[SHA512_DIGEST_SIZE], raw[96];
	u32 raw_len = sks_ec_sizes(c, NULL, NULL);
	size_t hlen;
	int err;

	err = sks_ecdsa_hash(mechanism, msg, len, h, &hlen);
	if (!err)
		err = sks_ecdsa_sign(c, sks_obj_value(obj), h, hlen, true, raw);
	if (!err && der) {
		*sig_len = sks_ecdsa_to_der(raw, raw_len / 2, sig);
	} else if (!err) {
		memcpy(sig, raw, raw_len);
		*sig_len = raw_len;
	}
	memzero_explicit(h, sizeof(h));
	memzero_explicit(raw, sizeof(raw));
	return err;
}

/* Sign: one use, the signature, the room check, the copy out. */
static int sks_ecdsa_sign_op(struct sks_file_session *sess, struct sks_object *obj,
			     struct sks_sign *s, const u8 *msg, u32 room,
			     u32 *ckr)
{
	u8 sig[SKS_ECDSA_DER_MAX];
	u32 len;
	int err;

	if (!sks_object_count_use(obj))
		return sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
	if (obj->usage_limit)
		sks_state_changed(sess->slot);
	err = sks_ecdsa_sign_obj(obj, s->mechanism, s->flags & SKS_SIGN_DER,
				 msg, s->data_len, sig, &len);
	if (err)
		return sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	if (room < len) {	/* a DER signature shorter than the maximum */
		s->sig_len = len;
		return sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
	}
	if (copy_to_user(u64_to_user_ptr(s->sig), sig, len))
		return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
	s->sig_len = len;
	return 0;
}

/* Verify: the signature's form, the hash, one use, the check. */
static int sks_ecdsa_verify_op(struct sks_object *obj,
			       const struct sks_ec_curve *c,
			       const struct sks_sign *s, const u8 *msg,
			       u32 *ckr)
{
	u8 h[SHA512_DIGEST_SIZE], raw[96], *given;
	u32 raw_len = sks_ec_sizes(c, NULL, NULL);
	size_t hlen;
	int err = 0;

	given = memdup_user(u64_to_user_ptr(s->sig), s->sig_len);
	if (IS_ERR(given))
		return sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD,
				      PTR_ERR(given));
	if (s->flags & SKS_SIGN_DER)
		err = sks_ecdsa_from_der(given, s->sig_len, raw_len / 2, raw) ?
		      sks_fail(ckr, SKS_CKR_SIGNATURE_INVALID) : 0;
	else
		memcpy(raw, given, raw_len);
	kfree(given);
	if (err)
		return err;
	err = sks_ecdsa_hash(s->mechanism, msg, s->data_len, h, &hlen);
	if (err)
		return sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	if (!sks_object_count_use(obj))
		return sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
	err = sks_ecdsa_verify(c, sks_obj_value(obj), h, hlen, raw);
	if (err == -EBADMSG)
		return sks_fail(ckr, SKS_CKR_SIGNATURE_INVALID);
	return err ? sks_fail(ckr, SKS_CKR_DEVICE_ERROR) : 0;
}

/**
 * sks_ecdsa() - SKS_IOC_SIGN and SKS_IOC_VERIFY with an ECDSA mechanism.
 * @sess: the session (CO or CU).
 * @s: struct sks_sign.
 * @sign: sign with a private key, else verify with a public key.
 * @ckr: out: result code.
 *
 * Order of checks: flags, data length (CKM_ECDSA: 1..64 bytes, else up to
 * SKS_MAX_DATA_SIZE: CKR_DATA_LEN_RANGE), the key (as sks_use_key():
 * login, handle, class and type, CKA_SIGN or CKA_VERIFY, usage limit),
 * then sign: a size query (@sig 0: the raw size, or DER's largest) or
 * the room (CKR_BUFFER_TOO_SMALL); verify: the signature's length (raw:
 * exactly 2 * the curve's size, DER: at most its largest:
 * CKR_SIGNATURE_LEN_RANGE) and form (CKR_SIGNATURE_INVALID). One use is
 * counted right before the signature is made or checked.
 *
 * Context: process context, may sleep; no mutex.
 * Return: 0 or a negative errno.
 */
int sks_ecdsa(struct sks_file_session *sess, struct sks_sign *s, bool sign,
	      u32 *ckr)
{
	const struct sks_ec_curve *c;
	struct sks_object *obj;
	u32 room = s->sig_len, max;
	u8 *msg = NULL;
	int err = 0;

	if (sign)
		s->sig_len = 0;
	if (s->flags & ~SKS_SIGN_DER)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (s->mechanism == SKS_CKM_ECDSA ?
	    !s->data_len || s->data_len > SHA512_DIGEST_SIZE :
	    s->data_len > SKS_MAX_DATA_SIZE)
		return sks_fail(ckr, SKS_CKR_DATA_LEN_RANGE);
	obj = sks_use_key(sess, s->handle, sign ? SKS_CKO_PRIVATE_KEY :
			  SKS_CKO_PUBLIC_KEY, SKS_CKK_EC,
			  sign ? SKS_OBJ_SIGN : SKS_OBJ_VERIFY, ckr);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	c = sks_ec_curve_of(obj->obj_class, obj->value_len);
	max = sks_ecdsa_sig_max(obj, s->flags & SKS_SIGN_DER);
	if (sign && (!s->sig || room < max)) {
		s->sig_len = max;
		if (s->sig)
			err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;	/* else a size query: nothing runs */
	}
	if (!sign && (s->flags & SKS_SIGN_DER ? room > max || room < 8 :
		      room != max)) {
		err = sks_fail(ckr, SKS_CKR_SIGNATURE_LEN_RANGE);
		goto out;
	}
	msg = kvmalloc(max_t(u32, s->data_len, 1), GFP_KERNEL_ACCOUNT);
	if (!msg) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	if (copy_from_user(msg, u64_to_user_ptr(s->data), s->data_len)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
		goto out;
	}
	if (sign)
		err = sks_ecdsa_sign_op(sess, obj, s, msg, room, ckr);
	else
		err = sks_ecdsa_verify_op(obj, c, s, msg, ckr);
out:
	kvfree(msg);
	sks_object_put(obj);
	return err;
}

/* The derived key's value from Z: its leading bytes, or the X9.63 KDF. */
static int sks_derive_value(const struct sks_derive_key *dk, const u8 *z,
			    u32 zlen, const u8 *info, u8 *value, u32 *ckr)
{
	int err;

	if (dk->kdf == SKS_CKD_NULL) {
		if (dk->attrs.value_len > zlen)
			return sks_fail(ckr, SKS_CKR_KEY_SIZE_RANGE);
		memcpy(value, z, dk->attrs.value_len);
		return 0;
	}
	err = sks_ec_kdf(dk->kdf == SKS_CKD_SHA384_KDF, z, zlen, info,
			 dk->shared_len, value, dk->attrs.value_len);
	return err ? sks_fail(ckr, SKS_CKR_DEVICE_ERROR) : 0;
}

static int sks_derive_check(struct sks_file_session *sess, struct sks_derive_key *dk,
			    u32 *ckr)
{
	if (dk->mechanism != SKS_CKM_ECDH1_DERIVE)
		return sks_fail(ckr, SKS_CKR_MECHANISM_INVALID);
	if ((dk->kdf != SKS_CKD_NULL && dk->kdf != SKS_CKD_SHA256_KDF &&
	     dk->kdf != SKS_CKD_SHA384_KDF) ||
	    (dk->kdf == SKS_CKD_NULL && (dk->shared_len || dk->shared_data)) ||
	    dk->shared_len > SKS_MAX_DATA_SIZE || dk->handle ||
	    (dk->public_len != 65 && dk->public_len != 97))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (dk->attrs.obj_class != SKS_CKO_SECRET_KEY)
		return sks_fail(ckr, SKS_CKR_TEMPLATE_INCONSISTENT);
	return sks_object_validate(sess->slot, &dk->attrs, false, ckr);
}

/**
 * sks_ioc_derive_key() - SKS_IOC_DERIVE_KEY: a secret key from ECDH.
 * @sess: the session.
 * @arg: struct sks_derive_key.
 * @ckr: out: result code.
 *
 * Order of checks: mechanism, KDF and lengths (CKR_ARGUMENTS_BAD), the
 * new key's template, the base key (as sks_use_key(): login as CO or CU,
 * handle, an EC private key, CKA_DERIVE, usage limit), the peer point's
 * curve (CKR_DOMAIN_PARAMS_INVALID) and validity (CKR_ARGUMENTS_BAD), a
 * CO login to make the key, capacity. One use of the base key is
 * counted.
 *
 * Context: process context, may sleep; takes slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_derive_key(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_derive_key *dk = arg;
	struct sks_slot *slot = sess->slot;
	const struct sks_ec_curve *c;
	struct sks_object *base, *obj = NULL;
	u8 *peer = NULL, *info = NULL, *value = NULL, z[48];
	u32 plen;
	int err;

	err = sks_derive_check(sess, dk, ckr);
	if (err)
		return err;
	base = sks_use_key(sess, dk->base, SKS_CKO_PRIVATE_KEY, SKS_CKK_EC,
			   SKS_OBJ_DERIVE, ckr);
	if (IS_ERR(base))
		return PTR_ERR(base);
	c = sks_ec_curve_of(base->obj_class, base->value_len);
	sks_ec_sizes(c, NULL, &plen);
	if (dk->public_len != plen) {
		err = sks_fail(ckr, SKS_CKR_DOMAIN_PARAMS_INVALID);
		goto out;
	}
	peer = memdup_user(u64_to_user_ptr(dk->public_data), plen);
	info = dk->shared_len ? memdup_user(u64_to_user_ptr(dk->shared_data),
					    dk->shared_len) : NULL;
	if (IS_ERR(peer) || IS_ERR(info)) {
		err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD,
				     IS_ERR(peer) ? PTR_ERR(peer) :
				     PTR_ERR(info));
		goto out;
	}
	value = kmalloc(dk->attrs.value_len, GFP_KERNEL);
	if (!value) {
		err = sks_fail(ckr, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	if (!sks_object_count_use(base)) {
		err = sks_fail(ckr, SKS_CKR_KEY_NOT_ACTIVE);
		goto out;
	}
	if (base->usage_limit)
		sks_state_changed(slot);
	err = sks_ecdh(c, sks_obj_value(base), peer, z);
	if (err) {
		err = sks_fail(ckr, err == -ENOMEM ? SKS_CKR_HOST_MEMORY :
			       SKS_CKR_ARGUMENTS_BAD);
		goto out;
	}
	err = sks_derive_value(dk, z, plen / 2, info, value, ckr);
	if (err)
		goto out;
	obj = sks_object_new(&dk->attrs, value, NULL, ckr);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		obj = NULL;
		goto out;
	}
	mutex_lock(&slot->lock);
	err = sks_session_require(sess, true, ckr);
	if (!err)
		err = sks_objects_publish_locked(slot, sess, &obj, 1, ckr);
	if (!err)
		dk->handle = obj->handle;
	mutex_unlock(&slot->lock);
	if (!err)
		obj = NULL;
out:
	sks_object_put(obj);
	memzero_explicit(z, sizeof(z));
	kfree_sensitive(value);
	if (!IS_ERR_OR_NULL(info))
		kfree(info);
	if (!IS_ERR_OR_NULL(peer))
		kfree(peer);
	sks_object_put(base);
	return err;
}
