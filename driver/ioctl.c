// SPDX-License-Identifier: GPL-2.0
/*
 * sks - ioctl dispatch: extensible structs and PKCS#11 result codes.
 */

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/sort.h>
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
	{ SKS_CKR_PARTITION_DEACTIVATED, -ENOKEY },
	{ SKS_CKR_STATE_FOREIGN, -EXDEV },
	{ SKS_CKR_STATE_UNSUPPORTED, -EPROTO },
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

static int sks_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * sks_handles_first_duplicate() - find a repeated handle in a list.
 * @handles: the list.
 * @count: its length.
 * @first: out: the index of the first handle that repeats an earlier one,
 *	or @count if none does.
 *
 * Sorts (handle, index) pairs: O(n log n) for lists of SKS_MAX_EXTRACT.
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int sks_handles_first_duplicate(const u32 *handles, u32 count, u32 *first)
{
	u64 *pairs;
	u32 i;

	*first = count;
	if (count < 2)
		return 0;
	pairs = kmalloc_array(count, sizeof(*pairs), GFP_KERNEL);
	if (!pairs)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		pairs[i] = (u64)handles[i] << 32 | i;
	sort(pairs, count, sizeof(*pairs), sks_u64_cmp, NULL);
	for (i = 1; i < count; i++)
		if (pairs[i] >> 32 == pairs[i - 1] >> 32 &&
		    (u32)pairs[i] < *first)
			*first = (u32)pairs[i];
	kfree(pairs);
	return 0;
}

/**
 * struct sks_ioctl_desc - one entry of the ioctl table.
 * @cmd: the full command (its _IOC_SIZE is the kernel's struct size).
 * @ver0: the struct's first published size (SKS_*_SIZE_VER0).
 * @valid_flags: flag bits accepted in the struct's first field.
 * @len_off: offset of the struct's output length or count, which every
 *	failure leaves 0 (the handlers do so for theirs, the dispatcher for
 *	the flags it refuses), or 0 if it has none.
 * @sess_fn: handler of a slot ioctl (/dev/sksN), or NULL.
 * @hsm_fn: handler of a control ioctl (/dev/sks-control), or NULL.
 */
struct sks_ioctl_desc {
	unsigned int cmd;
	u32 ver0;
	u32 valid_flags;
	u32 len_off;
	int (*sess_fn)(struct sks_file_session *sess, void *arg, u32 *ckr);
	int (*hsm_fn)(struct sks_hsm *hsm, void *arg, u32 *ckr);
};

/*
 * One entry: SKS_IOCTL(IOC_LOGIN, LOGIN, 0, sess_fn, sks_ioc_login) is
 * SKS_IOC_LOGIN, its struct's first size SKS_LOGIN_SIZE_VER0, no flags,
 * a session handler.
 */
#define SKS_IOCTL(_cmd, _struct, _flags, _kind, _fn)			\
	[_IOC_NR(SKS_##_cmd)] = {					\
		.cmd = SKS_##_cmd, .ver0 = SKS_##_struct##_SIZE_VER0,	\
		.valid_flags = (_flags), ._kind = (_fn),		\
	}

/* The same, for a struct sks_<_type> with an output length <_len>. */
#define SKS_IOCTL_LEN(_cmd, _struct, _flags, _kind, _fn, _type, _len)	\
	[_IOC_NR(SKS_##_cmd)] = {					\
		.cmd = SKS_##_cmd, .ver0 = SKS_##_struct##_SIZE_VER0,	\
		.valid_flags = (_flags), ._kind = (_fn),		\
		.len_off = offsetof(struct sks_##_type, _len),		\
	}

/*
 * Every ioctl, indexed by _IOC_NR: 0x00..0x0f on /dev/sks-control, the
 * rest on the slot devices (include/uapi/linux/sks.h groups them alike).
 */
static const struct sks_ioctl_desc sks_ioctls[] = {
	SKS_IOCTL(CTL_HSM_INFO, HSM_INFO, 0, hsm_fn, sks_ctl_hsm_info),
	SKS_IOCTL(CTL_CREATE_SLOT, SLOT_CREATE, SKS_SLOT_CREATE_AT,
		  hsm_fn, sks_ctl_create_slot),
	SKS_IOCTL(CTL_DELETE_SLOT, SLOT_DELETE, 0, hsm_fn, sks_ctl_delete_slot),
	SKS_IOCTL_LEN(CTL_LIST_SLOTS, SLOT_LIST, 0, hsm_fn, sks_ctl_list_slots,
		      slot_list, count),
	SKS_IOCTL(CTL_IMAGE_LOAD, IMAGE_LOAD, 0, hsm_fn, sks_ctl_image_load),
	SKS_IOCTL_LEN(CTL_STATE_SAVE, STATE_SAVE, SKS_STATE_SAVE_HSM, hsm_fn,
		      sks_ctl_state_save, state_save, record_len),
	SKS_IOCTL(CTL_STATE_LOAD, STATE_LOAD, 0, hsm_fn, sks_ctl_state_load),
	SKS_IOCTL(IOC_SESSION_INFO, SESSION_INFO, 0,
		  sess_fn, sks_ioc_session_info),
	SKS_IOCTL(IOC_PARTITION_INIT, PARTITION_INIT, 0,
		  sess_fn, sks_ioc_partition_init),
	SKS_IOCTL(IOC_LOGIN, LOGIN, 0, sess_fn, sks_ioc_login),
	SKS_IOCTL(IOC_LOGOUT, SIMPLE, 0, sess_fn, sks_ioc_logout),
	SKS_IOCTL(IOC_INIT_ROLE, INIT_ROLE, 0, sess_fn, sks_ioc_init_role),
	SKS_IOCTL(IOC_CHANGE_PIN, CHANGE_PIN, 0, sess_fn, sks_ioc_change_pin),
	SKS_IOCTL(IOC_AUTO_ACTIVATION, AUTO_ACTIVATION, SKS_AUTO_ACTIVATION_ON,
		  sess_fn, sks_ioc_auto_activation),
	SKS_IOCTL(IOC_SET_ATTRS, SET_ATTRS,
		  SKS_SET_LABEL | SKS_SET_ID | SKS_SET_FLAGS,
		  sess_fn, sks_ioc_set_attrs),
	SKS_IOCTL(IOC_GENERATE_KEY, GENERATE_KEY, 0,
		  sess_fn, sks_ioc_generate_key),
	SKS_IOCTL(IOC_CREATE_OBJECT, CREATE_OBJECT, 0,
		  sess_fn, sks_ioc_create_object),
	SKS_IOCTL(IOC_GET_ATTRS, GET_ATTRS, 0, sess_fn, sks_ioc_get_attrs),
	SKS_IOCTL_LEN(IOC_GET_VALUE, GET_VALUE, 0, sess_fn, sks_ioc_get_value,
		      get_value, len),
	SKS_IOCTL_LEN(IOC_FIND_OBJECTS, FIND_OBJECTS, SKS_FIND_ALL,
		      sess_fn, sks_ioc_find_objects, find_objects, count),
	SKS_IOCTL(IOC_DESTROY_OBJECT, DESTROY_OBJECT, 0,
		  sess_fn, sks_ioc_destroy_object),
	SKS_IOCTL(IOC_GENERATE_KEY_PAIR, GENERATE_KEY_PAIR, 0, sess_fn,
		  sks_ioc_generate_key_pair),
	SKS_IOCTL(IOC_DERIVE_KEY, DERIVE_KEY, 0, sess_fn, sks_ioc_derive_key),
	SKS_IOCTL_LEN(IOC_ENCRYPT, CRYPT, 0, sess_fn, sks_ioc_encrypt,
		      crypt, out_len),
	SKS_IOCTL_LEN(IOC_DECRYPT, CRYPT, 0, sess_fn, sks_ioc_decrypt,
		      crypt, out_len),
	SKS_IOCTL_LEN(IOC_SIGN, SIGN, SKS_SIGN_DER, sess_fn, sks_ioc_sign,
		      sign, sig_len),
	SKS_IOCTL(IOC_VERIFY, SIGN, SKS_SIGN_DER, sess_fn, sks_ioc_verify),
	SKS_IOCTL_LEN(IOC_EXTRACT, EXTRACT, SKS_EXTRACT_DELETE,
		      sess_fn, sks_ioc_extract, extract, blob_len),
	SKS_IOCTL_LEN(IOC_INSERT, INSERT, 0, sess_fn, sks_ioc_insert,
		      insert, count),
	SKS_IOCTL(IOC_MULTI_SIGN, MULTI_SIGN, SKS_SIGN_DER, sess_fn,
		  sks_ioc_multi_sign),
	SKS_IOCTL(IOC_REWRAP, REWRAP, 0, sess_fn, sks_ioc_rewrap),
	SKS_IOCTL(IOC_SMK_ROLLOVER, SIMPLE,
		  SKS_ROLLOVER_START | SKS_ROLLOVER_END,
		  sess_fn, sks_ioc_smk_rollover),
	SKS_IOCTL(IOC_ARCHIVE_BACKUP, ARCHIVE_BACKUP,
		  SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE,
		  sess_fn, sks_ioc_archive_backup),
	SKS_IOCTL(IOC_ARCHIVE_RESTORE, ARCHIVE_RESTORE, 0,
		  sess_fn, sks_ioc_archive_restore),
	SKS_IOCTL_LEN(IOC_ARCHIVE_LIST, ARCHIVE_LIST, 0,
		      sess_fn, sks_ioc_archive_list, archive_list, count),
	SKS_IOCTL(IOC_ARCHIVE_SHOW, ARCHIVE_SHOW, 0,
		  sess_fn, sks_ioc_archive_show),
	SKS_IOCTL(IOC_ARCHIVE_DELETE, ARCHIVE_SHOW, 0,
		  sess_fn, sks_ioc_archive_delete),
	SKS_IOCTL_LEN(IOC_IMAGE_SAVE, IMAGE_SAVE, 0, sess_fn,
		      sks_ioc_image_save, image_save, image_len),
	SKS_IOCTL(IOC_BATCH, BATCH, SKS_BATCH_STOP_ON_ERROR,
		  sess_fn, sks_ioc_batch),
};

/*
 * Every ABI size in one place (as landlock's build_check_abi()): each
 * struct's size as this kernel knows it, never below its first published
 * size, and within the room sks_dispatch() keeps on its stack.
 */
#define SKS_CHECK_ABI(_type, _TYPE, _size)				\
	do {								\
		BUILD_BUG_ON(sizeof(struct sks_##_type) != (_size));	\
		BUILD_BUG_ON(sizeof(struct sks_##_type) <		\
			     SKS_##_TYPE##_SIZE_VER0);			\
		BUILD_BUG_ON(sizeof(struct sks_##_type) >		\
			     SKS_IOCTL_MAX_SIZE);			\
	} while (0)

static void __maybe_unused sks_build_check_abi(void)
{
	SKS_CHECK_ABI(hsm_info, HSM_INFO, 56);
	SKS_CHECK_ABI(slot_create, SLOT_CREATE, 64);
	SKS_CHECK_ABI(slot_delete, SLOT_DELETE, 16);
	SKS_CHECK_ABI(slot_list, SLOT_LIST, 24);
	SKS_CHECK_ABI(slot_entry, SLOT_ENTRY, 96);
	SKS_CHECK_ABI(session_info, SESSION_INFO, 136);
	SKS_CHECK_ABI(partition_init, PARTITION_INIT, 64);
	SKS_CHECK_ABI(login, LOGIN, 24);
	SKS_CHECK_ABI(simple, SIMPLE, 8);
	SKS_CHECK_ABI(init_role, INIT_ROLE, 24);
	SKS_CHECK_ABI(change_pin, CHANGE_PIN, 40);
	SKS_CHECK_ABI(obj_attrs, OBJ_ATTRS, SKS_OBJ_ATTRS_SIZE_VER0);
	SKS_CHECK_ABI(generate_key, GENERATE_KEY, 184);
	SKS_CHECK_ABI(create_object, CREATE_OBJECT, 192);
	SKS_CHECK_ABI(get_attrs, GET_ATTRS, 184);
	SKS_CHECK_ABI(get_value, GET_VALUE, 24);
	SKS_CHECK_ABI(find_objects, FIND_OBJECTS, 192);
	SKS_CHECK_ABI(destroy_object, DESTROY_OBJECT, 16);
	SKS_CHECK_ABI(set_attrs, SET_ATTRS, 184);
	SKS_CHECK_ABI(crypt, CRYPT, 64);
	SKS_CHECK_ABI(sign, SIGN, 40);
	SKS_CHECK_ABI(extract, EXTRACT, 48);
	SKS_CHECK_ABI(insert, INSERT, 48);
	SKS_CHECK_ABI(auth_secret, AUTH_SECRET, 16);
	SKS_CHECK_ABI(multi_sign, MULTI_SIGN, 48);
	SKS_CHECK_ABI(multi_sign_item, MULTI_SIGN_ITEM, 24);
	SKS_CHECK_ABI(rewrap, REWRAP, 24);
	SKS_CHECK_ABI(rewrap_item, REWRAP_ITEM, 32);
	SKS_CHECK_ABI(batch, BATCH, 40);
	SKS_CHECK_ABI(batch_op, BATCH_OP, SKS_BATCH_OP_SIZE_VER0);
	SKS_CHECK_ABI(archive_backup, ARCHIVE_BACKUP, 120);
	SKS_CHECK_ABI(archive_restore, ARCHIVE_RESTORE, 96);
	SKS_CHECK_ABI(archive_entry, ARCHIVE_ENTRY, 136);
	SKS_CHECK_ABI(archive_list, ARCHIVE_LIST, 40);
	SKS_CHECK_ABI(archive_show, ARCHIVE_SHOW, 160);
	SKS_CHECK_ABI(image_save, IMAGE_SAVE, 32);
	SKS_CHECK_ABI(image_load, IMAGE_LOAD, 48);
	SKS_CHECK_ABI(state_save, STATE_SAVE, 40);
	SKS_CHECK_ABI(state_load, STATE_LOAD, 40);
	SKS_CHECK_ABI(auto_activation, AUTO_ACTIVATION, 24);
	SKS_CHECK_ABI(generate_key_pair, GENERATE_KEY_PAIR, 48);
	SKS_CHECK_ABI(derive_key, DERIVE_KEY, 216);
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
 * version). Unknown flag bits give -EINVAL (and the output length, if
 * the struct has one, 0). Once the struct was read, the
 * result code is written back into its second field on every return.
 * The kernel copy lives on the stack (SKS_IOCTL_MAX_SIZE bytes) and is
 * wiped before returning.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
long sks_dispatch(struct sks_file_session *sess, struct sks_hsm *hsm,
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

	if (hdr[0] & ~d->valid_flags) {
		ret = sks_fail(&ckr, SKS_CKR_ARGUMENTS_BAD);
		if (d->len_off)
			memset((u8 *)hdr + d->len_off, 0, sizeof(u32));
	} else if (sess) {
		ret = d->sess_fn(sess, hdr, &ckr);
	} else {
		ret = d->hsm_fn(hsm, hdr, &ckr);
	}
	if (ret && ckr == SKS_CKR_OK)
		ckr = sks_errno_ckr(ret);
	hdr[1] = ckr;

	if (copy_to_user(uarg, hdr, min(usize, ksize)))
		ret = -EFAULT;
out_wipe:
	memzero_explicit(hdr, ksize);
	return ret;
}
