// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - crypto operations done by the driver with keys in a slot:
 * AES-GCM encryption and decryption, HMAC signing and verification.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Room of a caller's buffer as the driver takes it: more than 4 GiB is
 * simply enough. */
static uint32_t room(const void *buf, size_t len)
{
	if (!buf)
		return 0;
	return len > UINT32_MAX ? UINT32_MAX : len;
}

/*
 * The size-query convention of <sks.h> from the driver's answer to a call
 * whose output pointer was @buf: a NULL @buf is a size query, answered with
 * success whether the driver says CKR_OK (size queries) or, as drivers
 * before the convention did, CKR_BUFFER_TOO_SMALL. @needed is the length
 * the driver reported; *@len receives it, or 0 after any other failure.
 */
static int sized(int ret, const void *buf, uint32_t needed, size_t *len)
{
	if (!ret) {
		*len = needed;
		return 0;
	}
	if (sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL) {
		*len = 0;
		return -1;
	}
	*len = needed;
	if (!buf) {
		sks_set_result(SKS_CKR_OK);
		return 0;
	}
	errno = EOVERFLOW;
	return -1;
}

static int crypt(struct sks_session *session, unsigned long cmd, uint32_t key,
		 const void *aad, size_t aad_len, uint8_t *iv, const void *in,
		 size_t in_len, void *out, size_t *out_len)
{
	struct sks_crypt c;
	int ret;

	if (!out_len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	/* Lengths the ioctl can carry; the driver judges their range. */
	if (!session || !iv || aad_len > UINT32_MAX || in_len > UINT32_MAX ||
	    (aad_len && !aad) || (in_len && !in)) {
		*out_len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	}
	memset(&c, 0, sizeof(c));
	c.handle = key;
	c.mechanism = SKS_CKM_AES_GCM;
	if (cmd == SKS_IOC_DECRYPT)
		memcpy(c.iv, iv, SKS_GCM_IV_LEN);
	c.aad = (uintptr_t)aad;
	c.aad_len = aad_len;
	c.in = (uintptr_t)in;
	c.in_len = in_len;
	c.out = (uintptr_t)out;
	c.out_len = room(out, *out_len);
	ret = sks_do_ioctl(session->fd, cmd, &c);
	ret = sized(ret, out, c.out_len, out_len);
	if (!ret && out && cmd == SKS_IOC_ENCRYPT)
		memcpy(iv, c.iv, SKS_GCM_IV_LEN);
	return ret;
}

SKS_API int sks_crypto_encrypt(struct sks_session *session, uint32_t key,
			       const void *aad, size_t aad_len, const void *in,
			       size_t in_len, uint8_t *iv, void *out,
			       size_t *out_len)
{
	return crypt(session, SKS_IOC_ENCRYPT, key, aad, aad_len, iv, in,
		     in_len, out, out_len);
}

SKS_API int sks_crypto_decrypt(struct sks_session *session, uint32_t key,
			       const void *aad, size_t aad_len,
			       const uint8_t *iv, const void *in,
			       size_t in_len, void *out, size_t *out_len)
{
	uint8_t nonce[SKS_GCM_IV_LEN];

	if (!iv) {
		if (out_len)
			*out_len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	}
	memcpy(nonce, iv, sizeof(nonce));
	return crypt(session, SKS_IOC_DECRYPT, key, aad, aad_len, nonce, in,
		     in_len, out, out_len);
}

SKS_API int sks_crypto_sign(struct sks_session *session, uint32_t key,
			    uint32_t mechanism, const void *data, size_t len,
			    void *mac, size_t *mac_len)
{
	struct sks_sign s;
	int ret;

	if (!mac_len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (!session || len > UINT32_MAX || (len && !data)) {
		*mac_len = 0;
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	}
	memset(&s, 0, sizeof(s));
	s.handle = key;
	s.mechanism = mechanism;
	s.data = (uintptr_t)data;
	s.data_len = len;
	s.sig = (uintptr_t)mac;
	s.sig_len = room(mac, *mac_len);
	ret = sks_do_ioctl(session->fd, SKS_IOC_SIGN, &s);
	return sized(ret, mac, s.sig_len, mac_len);
}

SKS_API int sks_crypto_verify(struct sks_session *session, uint32_t key,
			      uint32_t mechanism, const void *data, size_t len,
			      const void *mac, size_t mac_len)
{
	struct sks_sign s;

	if (!session || len > UINT32_MAX || (len && !data) || !mac ||
	    mac_len > UINT32_MAX)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&s, 0, sizeof(s));
	s.handle = key;
	s.mechanism = mechanism;
	s.data = (uintptr_t)data;
	s.data_len = len;
	s.sig = (uintptr_t)mac;
	s.sig_len = mac_len;
	return sks_do_ioctl(session->fd, SKS_IOC_VERIFY, &s);
}

/* The driver's descriptor of @op; 0, or -1 for a length it cannot carry. */
static int batch_op_to_raw(const struct sks_crypto_op *op,
			   struct sks_batch_op *raw)
{
	if (op->aad_len > UINT32_MAX || op->in_len > UINT32_MAX ||
	    (op->type == SKS_BATCH_VERIFY && op->out_len > UINT32_MAX))
		return -1;
	raw->op = op->type;
	raw->result = op->result;
	raw->handle = op->key;
	raw->mechanism = op->mechanism;
	memcpy(raw->iv, op->iv, sizeof(raw->iv));
	raw->aad_len = op->aad_len;
	raw->aad = (uintptr_t)op->aad;
	raw->in = (uintptr_t)op->in;
	raw->in_len = op->in_len;
	raw->out = (uintptr_t)op->out;
	raw->out_len = op->type == SKS_BATCH_VERIFY ? op->out_len :
		       room(op->out, op->out_len);
	return 0;
}

SKS_API int sks_crypto_batch(struct sks_session *session,
			     struct sks_crypto_op *ops, size_t count,
			     uint32_t flags, size_t *done)
{
	struct sks_batch_op *raw;
	struct sks_batch b;
	int ret;

	if (!session || !ops || !count || count > SKS_BATCH_MAX_OPS)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	raw = calloc(count, sizeof(*raw));
	if (!raw)
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	for (size_t i = 0; i < count; i++)
		if (batch_op_to_raw(&ops[i], &raw[i])) {
			free(raw);
			return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		}
	memset(&b, 0, sizeof(b));
	b.flags = flags;
	b.ops = (uintptr_t)raw;
	b.count = count;
	b.op_size = sizeof(*raw);
	if (done)
		*done = 0;
	ret = sks_do_ioctl(session->fd, SKS_IOC_BATCH, &b);
	/* The first b.done operations ran: their outcome back. */
	for (size_t i = 0; !ret && i < b.done && i < count; i++) {
		ops[i].result = raw[i].result;
		memcpy(ops[i].iv, raw[i].iv, sizeof(ops[i].iv));
		if (ops[i].type != SKS_BATCH_VERIFY)
			ops[i].out_len = raw[i].out_len;
	}
	free(raw);
	if (ret)
		return -1;
	if (done)
		*done = b.done;
	return (int)b.failed;
}
