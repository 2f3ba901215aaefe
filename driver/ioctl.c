// SPDX-License-Identifier: GPL-2.0
/*
 * sks - ioctl dispatch: extensible structs and PKCS#11 result codes.
 */

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/nospec.h>
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
 * struct sks_ioctl_desc - one entry of the ioctl table.
 * @cmd: the full command (its _IOC_SIZE is the kernel's struct size).
 * @ver0: the struct's first published size (SKS_*_SIZE_VER0).
 * @valid_flags: flag bits accepted in the struct's first field.
 * @sess_fn: handler of a slot ioctl (/dev/sksN), or NULL.
 * @hsm_fn: handler of a control ioctl (/dev/sks-control), or NULL.
 */
struct sks_ioctl_desc {
	unsigned int cmd;
	u32 ver0;
	u32 valid_flags;
	int (*sess_fn)(struct sks_session *sess, void *arg, u32 *ckr);
	int (*hsm_fn)(struct sks_hsm *hsm, void *arg, u32 *ckr);
};

#define SKS_IOCTL_SESS(_cmd, _ver0, _flags, _fn)			\
	[_IOC_NR(_cmd)] = { .cmd = (_cmd), .ver0 = (_ver0),		\
			    .valid_flags = (_flags), .sess_fn = (_fn) }
#define SKS_IOCTL_HSM(_cmd, _ver0, _flags, _fn)				\
	[_IOC_NR(_cmd)] = { .cmd = (_cmd), .ver0 = (_ver0),		\
			    .valid_flags = (_flags), .hsm_fn = (_fn) }

/*
 * Every ioctl, indexed by _IOC_NR: 0x00..0x0f on /dev/sks-control, the
 * rest on the slot devices (include/uapi/linux/sks.h groups them alike).
 */
static const struct sks_ioctl_desc sks_ioctls[] = {
	SKS_IOCTL_HSM(SKS_CTL_HSM_INFO, SKS_HSM_INFO_SIZE_VER0, 0,
		      sks_ctl_hsm_info),
	SKS_IOCTL_HSM(SKS_CTL_CREATE_SLOT, SKS_SLOT_CREATE_SIZE_VER0,
		      SKS_SLOT_CREATE_AT, sks_ctl_create_slot),
	SKS_IOCTL_HSM(SKS_CTL_DELETE_SLOT, SKS_SLOT_DELETE_SIZE_VER0, 0,
		      sks_ctl_delete_slot),
	SKS_IOCTL_HSM(SKS_CTL_LIST_SLOTS, SKS_SLOT_LIST_SIZE_VER0, 0,
		      sks_ctl_list_slots),
	SKS_IOCTL_HSM(SKS_CTL_IMAGE_LOAD, SKS_IMAGE_LOAD_SIZE_VER0, 0,
		      sks_ctl_image_load),
	SKS_IOCTL_SESS(SKS_IOC_SESSION_INFO, SKS_SESSION_INFO_SIZE_VER0, 0,
		       sks_ioc_session_info),
	SKS_IOCTL_SESS(SKS_IOC_PARTITION_INIT, SKS_PARTITION_INIT_SIZE_VER0, 0,
		       sks_ioc_partition_init),
	SKS_IOCTL_SESS(SKS_IOC_LOGIN, SKS_LOGIN_SIZE_VER0, 0, sks_ioc_login),
	SKS_IOCTL_SESS(SKS_IOC_LOGOUT, SKS_SIMPLE_SIZE_VER0, 0, sks_ioc_logout),
	SKS_IOCTL_SESS(SKS_IOC_INIT_ROLE, SKS_INIT_ROLE_SIZE_VER0, 0,
		       sks_ioc_init_role),
	SKS_IOCTL_SESS(SKS_IOC_CHANGE_PIN, SKS_CHANGE_PIN_SIZE_VER0, 0,
		       sks_ioc_change_pin),
	SKS_IOCTL_SESS(SKS_IOC_GENERATE_KEY, SKS_GENERATE_KEY_SIZE_VER0, 0,
		       sks_ioc_generate_key),
	SKS_IOCTL_SESS(SKS_IOC_CREATE_OBJECT, SKS_CREATE_OBJECT_SIZE_VER0, 0,
		       sks_ioc_create_object),
	SKS_IOCTL_SESS(SKS_IOC_GET_ATTRS, SKS_GET_ATTRS_SIZE_VER0, 0,
		       sks_ioc_get_attrs),
	SKS_IOCTL_SESS(SKS_IOC_GET_VALUE, SKS_GET_VALUE_SIZE_VER0, 0,
		       sks_ioc_get_value),
	SKS_IOCTL_SESS(SKS_IOC_FIND_OBJECTS, SKS_FIND_OBJECTS_SIZE_VER0,
		       SKS_FIND_ALL, sks_ioc_find_objects),
	SKS_IOCTL_SESS(SKS_IOC_DESTROY_OBJECT, SKS_DESTROY_OBJECT_SIZE_VER0, 0,
		       sks_ioc_destroy_object),
	SKS_IOCTL_SESS(SKS_IOC_ENCRYPT, SKS_CRYPT_SIZE_VER0, 0, sks_ioc_encrypt),
	SKS_IOCTL_SESS(SKS_IOC_DECRYPT, SKS_CRYPT_SIZE_VER0, 0, sks_ioc_decrypt),
	SKS_IOCTL_SESS(SKS_IOC_SIGN, SKS_SIGN_SIZE_VER0, 0, sks_ioc_sign),
	SKS_IOCTL_SESS(SKS_IOC_VERIFY, SKS_SIGN_SIZE_VER0, 0, sks_ioc_verify),
	SKS_IOCTL_SESS(SKS_IOC_EXTRACT, SKS_EXTRACT_SIZE_VER0,
		       SKS_EXTRACT_DELETE, sks_ioc_extract),
	SKS_IOCTL_SESS(SKS_IOC_INSERT, SKS_INSERT_SIZE_VER0, 0, sks_ioc_insert),
	SKS_IOCTL_SESS(SKS_IOC_SMK_ROLLOVER, SKS_SIMPLE_SIZE_VER0,
		       SKS_ROLLOVER_START | SKS_ROLLOVER_END,
		       sks_ioc_smk_rollover),
	SKS_IOCTL_SESS(SKS_IOC_ARCHIVE_BACKUP, SKS_ARCHIVE_BACKUP_SIZE_VER0,
		       SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE,
		       sks_ioc_archive_backup),
	SKS_IOCTL_SESS(SKS_IOC_ARCHIVE_RESTORE, SKS_ARCHIVE_RESTORE_SIZE_VER0, 0,
		       sks_ioc_archive_restore),
	SKS_IOCTL_SESS(SKS_IOC_ARCHIVE_LIST, SKS_ARCHIVE_LIST_SIZE_VER0, 0,
		       sks_ioc_archive_list),
	SKS_IOCTL_SESS(SKS_IOC_ARCHIVE_SHOW, SKS_ARCHIVE_SHOW_SIZE_VER0, 0,
		       sks_ioc_archive_show),
	SKS_IOCTL_SESS(SKS_IOC_ARCHIVE_DELETE, SKS_ARCHIVE_SHOW_SIZE_VER0, 0,
		       sks_ioc_archive_delete),
	SKS_IOCTL_SESS(SKS_IOC_IMAGE_SAVE, SKS_IMAGE_SAVE_SIZE_VER0, 0,
		       sks_ioc_image_save),
	SKS_IOCTL_SESS(SKS_IOC_BATCH, SKS_BATCH_SIZE_VER0,
		       SKS_BATCH_STOP_ON_ERROR, sks_ioc_batch),
};

/*
 * Every ABI size in one place (as landlock's build_check_abi()): each
 * struct's size as this kernel knows it, never below its first published
 * size, and within the room sks_dispatch() keeps on its stack.
 */
#define SKS_CHECK_ABI(_type, _ver0, _size)				\
	do {								\
		BUILD_BUG_ON(sizeof(struct _type) != (_size));		\
		BUILD_BUG_ON(sizeof(struct _type) < (_ver0));		\
		BUILD_BUG_ON(sizeof(struct _type) > SKS_IOCTL_MAX_SIZE); \
	} while (0)

static void __maybe_unused sks_build_check_abi(void)
{
	SKS_CHECK_ABI(sks_hsm_info, SKS_HSM_INFO_SIZE_VER0, 56);
	SKS_CHECK_ABI(sks_slot_create, SKS_SLOT_CREATE_SIZE_VER0, 64);
	SKS_CHECK_ABI(sks_slot_delete, SKS_SLOT_DELETE_SIZE_VER0, 16);
	SKS_CHECK_ABI(sks_slot_list, SKS_SLOT_LIST_SIZE_VER0, 24);
	SKS_CHECK_ABI(sks_slot_entry, SKS_SLOT_ENTRY_SIZE_VER0, SKS_SLOT_ENTRY_SIZE_VER0);
	SKS_CHECK_ABI(sks_session_info, SKS_SESSION_INFO_SIZE_VER0, 136);
	SKS_CHECK_ABI(sks_partition_init, SKS_PARTITION_INIT_SIZE_VER0, 64);
	SKS_CHECK_ABI(sks_login, SKS_LOGIN_SIZE_VER0, 24);
	SKS_CHECK_ABI(sks_simple, SKS_SIMPLE_SIZE_VER0, 8);
	SKS_CHECK_ABI(sks_init_role, SKS_INIT_ROLE_SIZE_VER0, 24);
	SKS_CHECK_ABI(sks_change_pin, SKS_CHANGE_PIN_SIZE_VER0, 40);
	SKS_CHECK_ABI(sks_obj_attrs, SKS_OBJ_ATTRS_SIZE_VER0, SKS_OBJ_ATTRS_SIZE_VER0);
	SKS_CHECK_ABI(sks_generate_key, SKS_GENERATE_KEY_SIZE_VER0, 184);
	SKS_CHECK_ABI(sks_create_object, SKS_CREATE_OBJECT_SIZE_VER0, 192);
	SKS_CHECK_ABI(sks_get_attrs, SKS_GET_ATTRS_SIZE_VER0, 184);
	SKS_CHECK_ABI(sks_get_value, SKS_GET_VALUE_SIZE_VER0, 24);
	SKS_CHECK_ABI(sks_find_objects, SKS_FIND_OBJECTS_SIZE_VER0, 192);
	SKS_CHECK_ABI(sks_destroy_object, SKS_DESTROY_OBJECT_SIZE_VER0, 16);
	SKS_CHECK_ABI(sks_crypt, SKS_CRYPT_SIZE_VER0, 64);
	SKS_CHECK_ABI(sks_sign, SKS_SIGN_SIZE_VER0, 40);
	SKS_CHECK_ABI(sks_extract, SKS_EXTRACT_SIZE_VER0, 32);
	SKS_CHECK_ABI(sks_insert, SKS_INSERT_SIZE_VER0, 32);
	SKS_CHECK_ABI(sks_batch, SKS_BATCH_SIZE_VER0, 40);
	SKS_CHECK_ABI(sks_batch_op, SKS_BATCH_OP_SIZE_VER0, SKS_BATCH_OP_SIZE_VER0);
	SKS_CHECK_ABI(sks_archive_backup, SKS_ARCHIVE_BACKUP_SIZE_VER0, 120);
	SKS_CHECK_ABI(sks_archive_restore, SKS_ARCHIVE_RESTORE_SIZE_VER0, 96);
	SKS_CHECK_ABI(sks_archive_entry, SKS_ARCHIVE_ENTRY_SIZE_VER0, 136);
	SKS_CHECK_ABI(sks_archive_list, SKS_ARCHIVE_LIST_SIZE_VER0, 40);
	SKS_CHECK_ABI(sks_archive_show, SKS_ARCHIVE_SHOW_SIZE_VER0, 160);
	SKS_CHECK_ABI(sks_image_save, SKS_IMAGE_SAVE_SIZE_VER0, 32);
	SKS_CHECK_ABI(sks_image_load, SKS_IMAGE_LOAD_SIZE_VER0, 48);
}

/**
 * sks_dispatch() - run one ioctl through the ioctl table.
 * @sess: the session (slot devices), or NULL.
 * @hsm: the HSM (control device), or NULL.
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
long sks_dispatch(struct sks_session *sess, struct sks_hsm *hsm,
		  unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct sks_ioctl_desc *d;
	size_t usize = _IOC_SIZE(cmd), ksize;
	u32 hdr[SKS_IOCTL_MAX_SIZE / sizeof(u32)] __aligned(8);
	u32 ckr = SKS_CKR_OK;
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (_IOC_TYPE(cmd) != SKS_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE) ||
	    nr >= ARRAY_SIZE(sks_ioctls))
		return -ENOTTY;
	d = &sks_ioctls[array_index_nospec(nr, ARRAY_SIZE(sks_ioctls))];
	if (sess ? !d->sess_fn : !d->hsm_fn)
		return -ENOTTY;
	ksize = _IOC_SIZE(d->cmd);
	if (usize < d->ver0)
		return -EINVAL;

	ret = copy_struct_from_user(hdr, ksize, uarg, usize);
	if (ret)
		goto out_wipe;

	if (hdr[0] & ~d->valid_flags)
		ret = sks_fail(&ckr, SKS_CKR_ARGUMENTS_BAD);
	else if (sess)
		ret = d->sess_fn(sess, hdr, &ckr);
	else
		ret = d->hsm_fn(hsm, hdr, &ckr);
	if (ret && ckr == SKS_CKR_OK)
		ckr = sks_errno_ckr(ret);
	hdr[1] = ckr;

	if (copy_to_user(uarg, hdr, min(usize, ksize)))
		ret = -EFAULT;
out_wipe:
	memzero_explicit(hdr, ksize);
	return ret;
}
