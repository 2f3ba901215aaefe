// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - result codes: the per-thread last result, names, descriptions
 * and the ioctl helper that sets them.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

static __thread uint32_t last_result;

void sks_set_result(uint32_t ckr)
{
	last_result = ckr;
}

int sks_lib_fail(int err, uint32_t ckr)
{
	last_result = ckr;
	errno = err;
	return -1;
}

SKS_API uint32_t sks_last_result(void)
{
	return last_result;
}

/* Every result code of <linux/sks.h>: its name and the errno the driver pairs
 * with it (written next to the code in the header). */
static const struct {
	uint32_t ckr;
	const char *name;
	int err;
} results[] = {
#define R(name, err) { SKS_##name, #name, err }
	R(CKR_OK, 0),
	R(CKR_HOST_MEMORY, ENOMEM),
	R(CKR_SLOT_ID_INVALID, ENODEV),
	R(CKR_GENERAL_ERROR, EIO),
	R(CKR_FUNCTION_FAILED, EEXIST),
	R(CKR_ARGUMENTS_BAD, EINVAL),
	R(CKR_ATTRIBUTE_READ_ONLY, EINVAL),
	R(CKR_ATTRIBUTE_SENSITIVE, EPERM),
	R(CKR_ATTRIBUTE_VALUE_INVALID, EINVAL),
	R(CKR_DATA_INVALID, EBADMSG),
	R(CKR_DATA_LEN_RANGE, EMSGSIZE),
	R(CKR_DEVICE_ERROR, EIO),
	R(CKR_DEVICE_MEMORY, ENOSPC),
	R(CKR_ENCRYPTED_DATA_INVALID, EBADMSG),
	R(CKR_ENCRYPTED_DATA_LEN_RANGE, EMSGSIZE),
	R(CKR_FUNCTION_NOT_SUPPORTED, EOPNOTSUPP),
	R(CKR_KEY_HANDLE_INVALID, ENOENT),
	R(CKR_KEY_SIZE_RANGE, EINVAL),
	R(CKR_KEY_TYPE_INCONSISTENT, EINVAL),
	R(CKR_KEY_FUNCTION_NOT_PERMITTED, EPERM),
	R(CKR_KEY_UNEXTRACTABLE, EPERM),
	R(CKR_MECHANISM_INVALID, EINVAL),
	R(CKR_OBJECT_HANDLE_INVALID, ENOENT),
	R(CKR_OPERATION_ACTIVE, EBUSY),
	R(CKR_OPERATION_NOT_INITIALIZED, ENOENT),
	R(CKR_PIN_INCORRECT, EACCES),
	R(CKR_PIN_LEN_RANGE, EINVAL),
	R(CKR_PIN_LOCKED, EPERM),
	R(CKR_SESSION_CLOSED, ENODEV),
	R(CKR_SIGNATURE_INVALID, EBADMSG),
	R(CKR_SIGNATURE_LEN_RANGE, EMSGSIZE),
	R(CKR_TEMPLATE_INCONSISTENT, EINVAL),
	R(CKR_TOKEN_NOT_PRESENT, ENODEV),
	R(CKR_TOKEN_NOT_RECOGNIZED, ENOENT),
	R(CKR_USER_ALREADY_LOGGED_IN, EALREADY),
	R(CKR_USER_NOT_LOGGED_IN, EACCES),
	R(CKR_USER_PIN_NOT_INITIALIZED, EACCES),
	R(CKR_USER_TYPE_INVALID, EINVAL),
	R(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, EALREADY),
	R(CKR_DOMAIN_PARAMS_INVALID, EXDEV),
	R(CKR_BUFFER_TOO_SMALL, EOVERFLOW),
	R(CKR_SAVED_STATE_INVALID, EMEDIUMTYPE),
	R(CKR_SMK_ID_NOT_FOUND, ENOKEY),
	R(CKR_KEY_NOT_ACTIVE, EKEYEXPIRED),
	R(CKR_PARTITION_DEACTIVATED, ENOKEY),
	R(CKR_STATE_FOREIGN, EXDEV),
	R(CKR_STATE_UNSUPPORTED, EPROTO),
#undef R
};

SKS_API const char *sks_result_name(uint32_t ckr)
{
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		if (results[i].ckr == ckr)
			return results[i].name;
	return NULL;
}

SKS_API int sks_result_errno(uint32_t ckr)
{
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		if (results[i].ckr == ckr)
			return results[i].err;
	return EIO;
}

SKS_API const char *sks_strerror(uint32_t ckr)
{
	static const struct {
		uint32_t ckr;
		const char *text;
	} texts[] = {
		{ SKS_CKR_OK, "no error" },
		{ SKS_CKR_HOST_MEMORY, "out of host memory" },
		{ SKS_CKR_GENERAL_ERROR, "general error" },
		{ SKS_CKR_FUNCTION_FAILED, "function failed" },
		{ SKS_CKR_ARGUMENTS_BAD, "bad arguments" },
		{ SKS_CKR_ATTRIBUTE_SENSITIVE, "attribute is sensitive" },
		{ SKS_CKR_ATTRIBUTE_VALUE_INVALID, "attribute value invalid" },
		{ SKS_CKR_DATA_INVALID, "data invalid" },
		{ SKS_CKR_DATA_LEN_RANGE, "data length out of range" },
		{ SKS_CKR_DEVICE_ERROR, "device error" },
		{ SKS_CKR_DEVICE_MEMORY, "device memory full" },
		{ SKS_CKR_ENCRYPTED_DATA_INVALID, "encrypted data invalid" },
		{ SKS_CKR_ENCRYPTED_DATA_LEN_RANGE, "encrypted data length out of range" },
		{ SKS_CKR_FUNCTION_NOT_SUPPORTED, "function not supported" },
		{ SKS_CKR_KEY_HANDLE_INVALID, "key handle invalid" },
		{ SKS_CKR_KEY_SIZE_RANGE, "key size out of range" },
		{ SKS_CKR_KEY_TYPE_INCONSISTENT, "key type inconsistent" },
		{ SKS_CKR_KEY_FUNCTION_NOT_PERMITTED, "key function not permitted" },
		{ SKS_CKR_KEY_UNEXTRACTABLE, "key is not extractable" },
		{ SKS_CKR_MECHANISM_INVALID, "mechanism invalid" },
		{ SKS_CKR_OBJECT_HANDLE_INVALID, "object handle invalid" },
		{ SKS_CKR_OPERATION_ACTIVE, "operation active" },
		{ SKS_CKR_OPERATION_NOT_INITIALIZED, "operation not initialized" },
		{ SKS_CKR_PIN_INCORRECT, "incorrect password" },
		{ SKS_CKR_PIN_LEN_RANGE, "password length out of range" },
		{ SKS_CKR_PIN_LOCKED, "role locked" },
		{ SKS_CKR_SESSION_CLOSED, "session closed" },
		{ SKS_CKR_SIGNATURE_INVALID, "signature invalid" },
		{ SKS_CKR_SIGNATURE_LEN_RANGE, "signature length out of range" },
		{ SKS_CKR_TEMPLATE_INCONSISTENT, "template inconsistent" },
		{ SKS_CKR_TOKEN_NOT_PRESENT, "slot not present" },
		{ SKS_CKR_USER_ALREADY_LOGGED_IN, "already logged in" },
		{ SKS_CKR_USER_NOT_LOGGED_IN, "not logged in" },
		{ SKS_CKR_USER_PIN_NOT_INITIALIZED, "role not initialized" },
		{ SKS_CKR_USER_TYPE_INVALID, "role invalid" },
		{ SKS_CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "another role is logged in" },
		{ SKS_CKR_DOMAIN_PARAMS_INVALID,
		  "domain parameters invalid (another curve, or none sks has)" },
		{ SKS_CKR_BUFFER_TOO_SMALL, "buffer too small" },
		{ SKS_CKR_SMK_ID_NOT_FOUND, "no SMK with the blob's fingerprint" },
		{ SKS_CKR_KEY_NOT_ACTIVE, "key not active (usage limit reached)" },
		{ SKS_CKR_PARTITION_DEACTIVATED,
		  "not activated since it was loaded: the SO or Crypto Officer secret activates it" },
		{ SKS_CKR_STATE_FOREIGN, "state record of another HSM" },
		{ SKS_CKR_STATE_UNSUPPORTED, "state record of an unknown format version" },
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].ckr == ckr)
			return texts[i].text;
	return "unknown result code";
}

static uint32_t ckr_from_errno(int err)
{
	switch (err) {
	case ENOMEM:
		return SKS_CKR_HOST_MEMORY;
	case ENOTTY:
	case EOPNOTSUPP:
		return SKS_CKR_FUNCTION_NOT_SUPPORTED;
	case EFAULT:
	case EINVAL:
	case E2BIG:
		return SKS_CKR_ARGUMENTS_BAD;
	case ENODEV:
	case ENXIO:
	case ENOENT:
		return SKS_CKR_TOKEN_NOT_PRESENT;
	case EPERM:
	case EACCES:
		return SKS_CKR_USER_NOT_LOGGED_IN;
	default:
		return SKS_CKR_GENERAL_ERROR;
	}
}

int sks_do_ioctl(int fd, unsigned long cmd, void *arg)
{
	uint32_t *hdr = arg;	/* flags, result */
	int ret, err;

	hdr[1] = SKS_CKR_OK;
	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	if (ret >= 0) {
		last_result = SKS_CKR_OK;
		return 0;
	}
	err = errno;
	last_result = hdr[1] != SKS_CKR_OK ? hdr[1] : ckr_from_errno(err);
	errno = err;
	return -1;
}

void sks_wipe(void *p, size_t len)
{
	if (p)
		explicit_bzero(p, len);
}

int sks_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

SKS_API const char *sks_api_version(void)
{
	return "0.1.0";
}
