// SPDX-License-Identifier: GPL-2.0
/*
 * sks - sessions: the open files of /dev/sksN, their login state and what
 * a session may do.
 */

#include <crypto/aead.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sks.h"

#define SKS_R_SO	BIT(0)
#define SKS_R_CO	BIT(1)
#define SKS_R_CU	BIT(2)

static u32 sks_role_bit(u32 role)
{
	switch (role) {
	case SKS_ROLE_SO:
		return SKS_R_SO;
	case SKS_ROLE_CO:
		return SKS_R_CO;
	case SKS_ROLE_CU:
		return SKS_R_CU;
	default:
		return 0;
	}
}

/**
 * sks_session_role() - the role a session is logged in as now.
 * @sess: the session.
 *
 * A login ends when the partition is zeroized or re-initialised: it
 * counts only in the slot epoch it was made in.
 *
 * Context: any; under slot->lock or locklessly (READ_ONCE()).
 * Return: SKS_ROLE_SO, SKS_ROLE_CO, SKS_ROLE_CU or SKS_ROLE_NONE.
 */
u32 sks_session_role(struct sks_file_session *sess)
{
	u32 role = READ_ONCE(sess->role);

	if (READ_ONCE(sess->epoch) != READ_ONCE(sess->slot->epoch))
		return SKS_ROLE_NONE;
	return role;
}

static int sks_session_check_role(struct sks_file_session *sess, bool co_only,
				  u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	u32 ok = co_only ? SKS_R_CO : SKS_R_CO | SKS_R_CU;

	if (READ_ONCE(slot->dead))
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	if (slot->type == SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	if (READ_ONCE(slot->deactivated))
		return sks_fail(ckr, SKS_CKR_PARTITION_DEACTIVATED);
	if (!(sks_role_bit(sks_session_role(sess)) & ok))
		return sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	return 0;
}

/**
 * sks_session_sees_private() - whether private objects are visible.
 * @sess: the session.
 *
 * Only a Crypto Officer or Crypto User login sees objects with
 * SKS_OBJ_PRIVATE (PKCS#11 v2.40 section 4.4, CKA_PRIVATE); everyone else,
 * the SO included, sees the public ones.
 *
 * Context: any.
 * Return: true if logged in as CO or CU.
 */
bool sks_session_sees_private(struct sks_file_session *sess)
{
	return sks_role_bit(sks_session_role(sess)) & (SKS_R_CO | SKS_R_CU);
}

/**
 * sks_session_require_partition() - check that a session's slot is a
 * partition that still exists, whatever the login.
 * @sess: the session.
 * @ckr: out: result code.
 *
 * Context: any.
 * Return: 0, -ENODEV (CKR_TOKEN_NOT_PRESENT), -EOPNOTSUPP
 * (CKR_FUNCTION_NOT_SUPPORTED on a Backup HSM) or -ENOKEY
 * (CKR_PARTITION_DEACTIVATED: loaded and not activated yet).
 */
int sks_session_require_partition(struct sks_file_session *sess, u32 *ckr)
{
	if (READ_ONCE(sess->slot->dead))
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	if (sess->slot->type == SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	if (READ_ONCE(sess->slot->deactivated))
		return sks_fail(ckr, SKS_CKR_PARTITION_DEACTIVATED);
	return 0;
}

/**
 * sks_session_require() - check that a session may run a partition command.
 * @sess: the session.
 * @co_only: the command needs the Crypto Officer; otherwise CO or CU.
 * @ckr: out: result code.
 *
 * Checks, in this order: the slot still exists (CKR_TOKEN_NOT_PRESENT),
 * it is a partition (CKR_FUNCTION_NOT_SUPPORTED on a Backup HSM), it is
 * activated (CKR_PARTITION_DEACTIVATED), the session is logged in with a
 * suitable role (CKR_USER_NOT_LOGGED_IN).
 *
 * Context: caller holds sess->slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_session_require(struct sks_file_session *sess, bool co_only, u32 *ckr)
{
	lockdep_assert_held(&sess->slot->lock);
	return sks_session_check_role(sess, co_only, ckr);
}

/**
 * sks_session_require_lockless() - sks_session_require() for the crypto
 * path, without slot->lock.
 * @sess: the session.
 * @co_only: the command needs the Crypto Officer; otherwise CO or CU.
 * @ckr: out: result code.
 *
 * The slot's dead flag and the session's role are read once each with
 * READ_ONCE(); a login, logout or slot deletion running at the same time
 * is ordered either before or after the check, as it would be with the
 * lock.
 *
 * Context: any.
 * Return: 0 or a negative errno, as sks_session_require().
 */
int sks_session_require_lockless(struct sks_file_session *sess, bool co_only,
				 u32 *ckr)
{
	return sks_session_check_role(sess, co_only, ckr);
}

/**
 * sks_ioc_session_info() - SKS_IOC_SESSION_INFO: describe session and slot.
 * @sess: the session.
 * @arg: struct sks_session_info.
 * @ckr: out: result code.
 *
 * Needs no login; works on any slot type.
 *
 * Context: process context; takes slot->lock.
 * Return: 0, or -ENODEV (slot deleted).
 */
int sks_ioc_session_info(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_session_info *info = arg;
	struct sks_slot *slot = sess->slot;
	u32 flags = info->flags;
	int err = 0;

	memset(info, 0, sizeof(*info));
	info->flags = flags;
	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
		goto out;
	}
	info->slot = slot->num;
	info->type = slot->type;
	info->role = sks_session_role(sess);
	info->state = sks_slot_state(slot);
	info->so_failures = slot->so_lockout.failures;
	info->co_failures = slot->co_lockout.failures;
	info->cu_failures = slot->cu_lockout.failures;
	if (slot->type == SKS_SLOT_BACKUP)
		info->lockout_secs = sks_lockout_left(&slot->so_lockout);
	info->sim_failures = slot->sim_lockout.failures;
	info->sim_lockout_secs = sks_lockout_left(&slot->sim_lockout);
	info->serial = slot->serial;
	memcpy(info->label, slot->label, sizeof(info->label));
	info->capacity = slot->capacity;
	info->used = slot->used;
	if (slot->smk)
		memcpy(info->smk_fingerprint, slot->smk->fingerprint,
		       SKS_FINGERPRINT_LEN);
	if (slot->rollover)
		memcpy(info->rollover_fingerprint, slot->rollover->fingerprint,
		       SKS_FINGERPRINT_LEN);
out:
	mutex_unlock(&slot->lock);
	return err;
}

static int sks_slot_open(struct inode *inode, struct file *file)
{
	struct sks_hsm *hsm = sks_hsm;
	unsigned int num = iminor(inode);
	struct sks_file_session *sess;
	struct sks_slot *slot;
	int err = 0;

	mutex_lock(&hsm->slots_lock);
	slot = num < SKS_MAX_SLOTS ? hsm->slots[num] : NULL;
	if (slot)
		kref_get(&slot->ref);
	mutex_unlock(&hsm->slots_lock);
	if (!slot)
		return -ENXIO;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL_ACCOUNT);
	if (!sess) {
		err = -ENOMEM;
		goto err_put;
	}
	sess->slot = slot;
	sess->role = SKS_ROLE_NONE;
	INIT_LIST_HEAD(&sess->objects);
	mutex_init(&sess->blob_lock);
	if (slot->type == SKS_SLOT_V1) {
		sess->blob_aead = crypto_alloc_aead("gcm(aes)", 0, 0);
		if (IS_ERR(sess->blob_aead)) {
			err = PTR_ERR(sess->blob_aead);
			goto err_free;
		}
		err = crypto_aead_setauthsize(sess->blob_aead, SKS_GCM_TAG_LEN);
		if (err)
			goto err_aead;
	}

	mutex_lock(&slot->lock);
	if (slot->dead)
		err = -ENXIO;
	else
		slot->sessions++;
	mutex_unlock(&slot->lock);
	if (err)
		goto err_aead;

	file->private_data = sess;
	return nonseekable_open(inode, file);

err_aead:
	crypto_free_aead(sess->blob_aead);
err_free:
	kfree(sess);
err_put:
	sks_slot_put(slot);
	return err;
}

static int sks_slot_release_file(struct inode *inode, struct file *file)
{
	struct sks_file_session *sess = file->private_data;
	struct sks_slot *slot = sess->slot;

	sks_session_objects_destroy(sess);
	mutex_lock(&slot->lock);
	if (!slot->dead)
		slot->sessions--;
	WRITE_ONCE(sess->role, SKS_ROLE_NONE);
	mutex_unlock(&slot->lock);
	crypto_free_aead(sess->blob_aead);
	mutex_destroy(&sess->blob_lock);
	kfree(sess);
	sks_slot_put(slot);
	return 0;
}

static long sks_slot_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	return sks_dispatch(file->private_data, NULL, cmd, arg);
}

const struct file_operations sks_slot_fops = {
	.owner = THIS_MODULE,
	.open = sks_slot_open,
	.release = sks_slot_release_file,
	.unlocked_ioctl = sks_slot_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	/* no .llseek: lseek() fails with ESPIPE (no_llseek is gone in 6.12) */
};
