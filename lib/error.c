// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - result codes: the per-thread last result, names, descriptions
 * and the ioctl helper that sets them.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

static __thread uint32_t last_result;

void sks_set_result(uint32_t ckr)
{
	last_result = ckr;
}

int sks_fail(int err, uint32_t ckr)
{
	last_result = ckr;
	errno = err;
	return -1;
}

SKS_API uint32_t sks_last_result(void)
{
	return last_result;
}

SKS_API const char *sks_result_name(uint32_t ckr)
{
#define SKS_CKR_NAME(name, value, err) case value: return #name;
	switch (ckr) {
	SKS_CKR_LIST(SKS_CKR_NAME)
	}
#undef SKS_CKR_NAME
	return NULL;
}

SKS_API int sks_result_errno(uint32_t ckr)
{
#define SKS_CKR_ERRNO(name, value, err) case value: return err;
	switch (ckr) {
	SKS_CKR_LIST(SKS_CKR_ERRNO)
	}
#undef SKS_CKR_ERRNO
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
		{ SKS_CKR_BUFFER_TOO_SMALL, "buffer too small" },
		{ SKS_CKR_SMK_ID_NOT_FOUND, "no SMK with the blob's fingerprint" },
		{ SKS_CKR_KEY_NOT_ACTIVE, "key not active (usage limit reached)" },
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

SKS_API const char *sks_api_version(void)
{
	return "0.1.0";
}
