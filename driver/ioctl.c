// SPDX-License-Identifier: GPL-2.0
/*
 * sks - ioctl dispatch: extensible structs and PKCS#11 result codes.
 */

#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sks.h"

struct sks_ckr_errno {
	u32 code;
	int err;
};

/* CKR code -> errno, as documented next to each code in the uapi header. */
static const struct sks_ckr_errno sks_ckr_table[] = {
	{ SKS_CKR_OK, 0 },
	{ SKS_CKR_HOST_MEMORY, -ENOMEM },
	{ SKS_CKR_SLOT_ID_INVALID, -ENODEV },
	{ SKS_CKR_GENERAL_ERROR, -EIO },
	{ SKS_CKR_FUNCTION_FAILED, -EEXIST },
	{ SKS_CKR_ARGUMENTS_BAD, -EINVAL },
	{ SKS_CKR_ATTRIBUTE_READ_ONLY, -EINVAL },
	{ SKS_CKR_ATTRIBUTE_SENSITIVE, -EPERM },
	{ SKS_CKR_ATTRIBUTE_VALUE_INVALID, -EINVAL },
	{ SKS_CKR_DATA_INVALID, -EBADMSG },
	{ SKS_CKR_DATA_LEN_RANGE, -EMSGSIZE },
	{ SKS_CKR_DEVICE_ERROR, -EIO },
	{ SKS_CKR_DEVICE_MEMORY, -ENOSPC },
	{ SKS_CKR_ENCRYPTED_DATA_INVALID, -EBADMSG },
	{ SKS_CKR_ENCRYPTED_DATA_LEN_RANGE, -EMSGSIZE },
	{ SKS_CKR_FUNCTION_NOT_SUPPORTED, -EOPNOTSUPP },
	{ SKS_CKR_KEY_HANDLE_INVALID, -ENOENT },
	{ SKS_CKR_KEY_SIZE_RANGE, -EINVAL },
	{ SKS_CKR_KEY_TYPE_INCONSISTENT, -EINVAL },
	{ SKS_CKR_KEY_FUNCTION_NOT_PERMITTED, -EPERM },
	{ SKS_CKR_KEY_UNEXTRACTABLE, -EPERM },
	{ SKS_CKR_MECHANISM_INVALID, -EINVAL },
	{ SKS_CKR_OBJECT_HANDLE_INVALID, -ENOENT },
	{ SKS_CKR_OPERATION_ACTIVE, -EBUSY },
	{ SKS_CKR_OPERATION_NOT_INITIALIZED, -ENOENT },
	{ SKS_CKR_PIN_INCORRECT, -EACCES },
	{ SKS_CKR_PIN_LEN_RANGE, -EINVAL },
	{ SKS_CKR_PIN_LOCKED, -EPERM },
	{ SKS_CKR_SESSION_CLOSED, -ENODEV },
	{ SKS_CKR_SIGNATURE_INVALID, -EBADMSG },
	{ SKS_CKR_SIGNATURE_LEN_RANGE, -EMSGSIZE },
	{ SKS_CKR_TEMPLATE_INCONSISTENT, -EINVAL },
	{ SKS_CKR_TOKEN_NOT_PRESENT, -ENODEV },
	{ SKS_CKR_TOKEN_NOT_RECOGNIZED, -ENOENT },
	{ SKS_CKR_USER_ALREADY_LOGGED_IN, -EALREADY },
	{ SKS_CKR_USER_NOT_LOGGED_IN, -EACCES },
	{ SKS_CKR_USER_PIN_NOT_INITIALIZED, -EACCES },
	{ SKS_CKR_USER_TYPE_INVALID, -EINVAL },
	{ SKS_CKR_USER_ANOTHER_ALREADY_LOGGED_IN, -EALREADY },
	{ SKS_CKR_DOMAIN_PARAMS_INVALID, -EXDEV },
	{ SKS_CKR_BUFFER_TOO_SMALL, -EOVERFLOW },
	{ SKS_CKR_SAVED_STATE_INVALID, -EMEDIUMTYPE },
	{ SKS_CKR_SMK_ID_NOT_FOUND, -ENOKEY },
	{ SKS_CKR_KEY_NOT_ACTIVE, -EKEYEXPIRED },
};

static int sks_ckr_errno(u32 code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sks_ckr_table); i++)
		if (sks_ckr_table[i].code == code)
			return sks_ckr_table[i].err;
	return -EIO;
}

/**
 * sks_fail() - record a result code and return the matching errno.
 * @ckr: where the result code goes.
 * @code: a SKS_CKR_* value.
 *
 * Context: any.
 * Return: the negative errno paired with @code in the uapi header.
 */
int sks_fail(u32 *ckr, u32 code)
{
	*ckr = code;
	return sks_ckr_errno(code);
}

/**
 * sks_fail_errno() - record a result code, return a given errno.
 * @ckr: where the result code goes.
 * @code: a CKR_* value.
 * @err: negative errno to return (for pairings outside the table, such
 *	as -EPERM with CKR_USER_NOT_LOGGED_IN for a missing capability).
 *
 * Context: any.
 * Return: @err.
 */
int sks_fail_errno(u32 *ckr, u32 code, int err)
{
	*ckr = code;
	return err;
}

static u32 sks_errno_ckr(int err)
{
	switch (err) {
	case -ENOMEM:
		return SKS_CKR_HOST_MEMORY;
	case -EFAULT:
	case -EINVAL:
		return SKS_CKR_ARGUMENTS_BAD;
	default:
		return SKS_CKR_GENERAL_ERROR;
	}
}

/**
 * sks_memdup_user() - copy a bounded user buffer into the kernel.
 * @uptr: user pointer as passed in an ioctl struct.
 * @len: number of bytes.
 * @max: largest @len accepted.
 * @ckr: out: result code on failure.
 *
 * The length is checked before anything is allocated; the memory is
 * charged to the caller's memory cgroup. Free with kfree_sensitive().
 *
 * Context: process context, may sleep.
 * Return: the copy, or an ERR_PTR (-EINVAL with CKR_ARGUMENTS_BAD for a
 * length above @max, -EFAULT, -ENOMEM).
 */
void *sks_memdup_user(u64 uptr, u32 len, u32 max, u32 *ckr)
{
	void *buf;

	if (len > max)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD));
	buf = kmalloc(max_t(u32, len, 1), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(sks_fail(ckr, SKS_CKR_HOST_MEMORY));
	if (copy_from_user(buf, u64_to_user_ptr(uptr), len)) {
		/* a partial copy may hold part of a secret */
		kfree_sensitive(buf);
		*ckr = SKS_CKR_ARGUMENTS_BAD;
		return ERR_PTR(-EFAULT);
	}
	return buf;
}

/**
 * sks_dispatch() - run one ioctl through a dispatch table.
 * @table: handlers, indexed by nothing in particular.
 * @n: entries in @table.
 * @priv: passed to the handler.
 * @cmd: ioctl command; matched on type, direction and _IOC_NR, the size
 *	field gives the size of the caller's struct.
 * @arg: user pointer to the struct.
 *
 * The struct is read with copy_struct_from_user() (zero-extended if short,
 * -E2BIG if longer with a non-zero tail, -EINVAL if smaller than the first
 * version). Unknown flag bits give -EINVAL. Once the struct was read, the
 * result code is written back into its second field on every return.
 * The kernel copy lives on the stack (SKS_IOCTL_MAX_SIZE bytes) and is
 * wiped before returning.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
long sks_dispatch(const struct sks_ioctl_desc *table, size_t n, void *priv,
		  unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct sks_ioctl_desc *d = NULL;
	size_t usize = _IOC_SIZE(cmd);
	u32 hdr[SKS_IOCTL_MAX_SIZE / sizeof(u32)] __aligned(8);
	u32 ckr = SKS_CKR_OK;
	size_t i;
	int ret;

	if (_IOC_TYPE(cmd) != SKS_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	for (i = 0; i < n; i++) {
		if (table[i].nr == _IOC_NR(cmd)) {
			d = &table[i];
			break;
		}
	}
	if (!d)
		return -ENOTTY;
	if (usize < d->min_size || WARN_ON_ONCE(d->size > sizeof(hdr)))
		return -EINVAL;

	ret = copy_struct_from_user(hdr, d->size, uarg, usize);
	if (ret)
		goto out_free;

	if (hdr[0] & ~d->valid_flags)
		ret = sks_fail(&ckr, SKS_CKR_ARGUMENTS_BAD);
	else
		ret = d->fn(priv, hdr, &ckr);
	if (ret && ckr == SKS_CKR_OK)
		ckr = sks_errno_ckr(ret);
	hdr[1] = ckr;

	if (copy_to_user(uarg, hdr, min_t(size_t, usize, d->size)))
		ret = -EFAULT;
out_free:
	memzero_explicit(hdr, d->size);
	return ret;
}
