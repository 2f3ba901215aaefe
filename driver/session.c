// SPDX-License-Identifier: GPL-2.0
/*
 * sks - sessions (open files of /dev/sksN), partition initialisation,
 * roles and the slot ioctl table.
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

static int sks_session_check_role(struct sks_session *sess, bool co_only,
				  u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	u32 ok = co_only ? SKS_R_CO : SKS_R_CO | SKS_R_CU;

	if (READ_ONCE(slot->dead))
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	if (slot->type == SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	if (!(sks_role_bit(READ_ONCE(sess->role)) & ok))
		return sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	return 0;
}

/**
 * sks_session_require() - check that a session may run a partition command.
 * @sess: the session.
 * @co_only: the command needs the Crypto Officer; otherwise CO or CU.
 * @ckr: out: result code.
 *
 * Checks, in this order: the slot still exists (CKR_TOKEN_NOT_PRESENT),
 * it is a partition (CKR_FUNCTION_NOT_SUPPORTED on a Backup HSM), the
 * session is logged in with a suitable role (CKR_USER_NOT_LOGGED_IN).
 *
 * Context: caller holds sess->slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_session_require(struct sks_session *sess, bool co_only, u32 *ckr)
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
int sks_session_require_lockless(struct sks_session *sess, bool co_only,
				 u32 *ckr)
{
	return sks_session_check_role(sess, co_only, ckr);
}

static int sks_check_pin_len(u32 len, u32 *ckr)
{
	if (len < SKS_PIN_MIN || len > SKS_PIN_MAX)
		return sks_fail(ckr, SKS_CKR_PIN_LEN_RANGE);
	return 0;
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
int sks_ioc_session_info(struct sks_session *sess, void *arg, u32 *ckr)
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
	info->role = sess->role;
	info->state = sks_slot_state(slot);
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

/**
 * sks_ioc_partition_init() - SKS_IOC_PARTITION_INIT: initialise a partition.
 * @sess: the session.
 * @arg: struct sks_partition_init.
 * @ckr: out: result code.
 *
 * Sets the SO secret, label and cloning domain; a V1 partition gets a new
 * random SMK. Order of checks: secret and domain lengths, capability,
 * slot type, then state (already initialised: -EEXIST,
 * CKR_FUNCTION_FAILED).
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_partition_init(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_partition_init *pi = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_secret so = {}, domain = {};
	struct sks_smk *smk = NULL;
	u8 *pin, *dom;
	int err;

	err = sks_check_pin_len(pi->so_pin_len, ckr);
	if (err)
		return err;
	if (!pi->domain_len || pi->domain_len > SKS_DOMAIN_MAX)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);
	if (slot->type == SKS_SLOT_BACKUP)
		return sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);

	pin = sks_memdup_user(pi->so_pin, pi->so_pin_len, SKS_PIN_MAX, ckr);
	if (IS_ERR(pin))
		return PTR_ERR(pin);
	dom = sks_memdup_user(pi->domain, pi->domain_len, SKS_DOMAIN_MAX, ckr);
	if (IS_ERR(dom)) {
		err = PTR_ERR(dom);
		goto out_pin;
	}

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (slot->initialized)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
	mutex_unlock(&slot->lock);
	if (err)
		goto out_auth;

	err = sks_secret_set(slot->pin_tfm, &so, pin, pi->so_pin_len);
	if (!err)
		err = sks_domain_set(slot->pin_tfm, &domain, dom,
				     pi->domain_len);
	if (!err && slot->type == SKS_SLOT_V1) {
		smk = sks_smk_create();
		if (IS_ERR(smk)) {
			err = PTR_ERR(smk);
			smk = NULL;
		}
	}
	if (err) {
		*ckr = SKS_CKR_DEVICE_ERROR;
		goto out_auth;
	}

	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else {
		slot->so = so;
		slot->domain = domain;
		slot->smk = smk;
		smk = NULL;
		memcpy(slot->label, pi->label, SKS_LABEL_LEN);
		slot->label[SKS_LABEL_LEN] = 0;
		slot->initialized = true;
	}
	mutex_unlock(&slot->lock);
out_auth:
	mutex_unlock(&slot->auth_lock);
	sks_smk_put(smk);
	memzero_explicit(&so, sizeof(so));
	memzero_explicit(&domain, sizeof(domain));
	kfree_sensitive(dom);
out_pin:
	kfree_sensitive(pin);
	return err;
}

static struct sks_secret *sks_role_secret(struct sks_slot *slot, u32 role)
{
	switch (role) {
	case SKS_ROLE_SO:
		return &slot->so;
	case SKS_ROLE_CO:
		return &slot->co;
	default:
		return &slot->cu;
	}
}

/* Login preconditions; caller holds slot->lock. */
static int sks_login_check(struct sks_session *sess, u32 role, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;

	if (slot->dead)
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	if (slot->type == SKS_SLOT_BACKUP && role != SKS_ROLE_SO)
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	if (sess->role == role)
		return sks_fail(ckr, SKS_CKR_USER_ALREADY_LOGGED_IN);
	if (sess->role != SKS_ROLE_NONE)
		return sks_fail(ckr, SKS_CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
	if (!slot->initialized || !sks_role_secret(slot, role)->set)
		return sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
	if (role != SKS_ROLE_SO && slot->co_locked)
		return sks_fail(ckr, SKS_CKR_PIN_LOCKED);
	return 0;
}

/**
 * sks_ioc_login() - SKS_IOC_LOGIN: log the session in as a role.
 * @sess: the session.
 * @arg: struct sks_login.
 * @ckr: out: result code.
 *
 * SKS_MAX_LOGIN_FAILURES consecutive wrong CO secrets lock the CO and
 * the CU (CKR_PIN_LOCKED) until the SO initialises the CO role again.
 * Logins on one slot are serialised, so the limit is exact.
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno (-EACCES with CKR_PIN_INCORRECT for a
 * wrong secret).
 */
int sks_ioc_login(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_login *li = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_secret stored;
	bool match;
	u8 *pin;
	int err;

	if (!sks_role_bit(li->role))
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	err = sks_check_pin_len(li->pin_len, ckr);
	if (err)
		return err;
	pin = sks_memdup_user(li->pin, li->pin_len, SKS_PIN_MAX, ckr);
	if (IS_ERR(pin))
		return PTR_ERR(pin);

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	err = sks_login_check(sess, li->role, ckr);
	stored = *sks_role_secret(slot, li->role);
	mutex_unlock(&slot->lock);
	if (err)
		goto out;

	err = sks_secret_check(slot->pin_tfm, &stored, pin, li->pin_len,
			       &match);
	if (err) {
		*ckr = SKS_CKR_DEVICE_ERROR;
		goto out;
	}

	mutex_lock(&slot->lock);
	err = sks_login_check(sess, li->role, ckr);
	if (!err && match) {
		WRITE_ONCE(sess->role, li->role);
		if (li->role == SKS_ROLE_CO)
			slot->co_failures = 0;
	} else if (!err) {
		if (li->role == SKS_ROLE_CO &&
		    ++slot->co_failures >= SKS_MAX_LOGIN_FAILURES)
			slot->co_locked = true;
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
	}
	mutex_unlock(&slot->lock);
out:
	mutex_unlock(&slot->auth_lock);
	memzero_explicit(&stored, sizeof(stored));
	kfree_sensitive(pin);
	return err;
}

/**
 * sks_ioc_logout() - SKS_IOC_LOGOUT: log the session out.
 * @sess: the session.
 * @arg: struct sks_simple.
 * @ckr: out: result code.
 *
 * Session objects stay until the file is closed.
 *
 * Context: process context; takes slot->lock.
 * Return: 0, -ENODEV (slot deleted), -EACCES (CKR_USER_NOT_LOGGED_IN).
 */
int sks_ioc_logout(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	int err = 0;

	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (sess->role == SKS_ROLE_NONE)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	else
		WRITE_ONCE(sess->role, SKS_ROLE_NONE);
	mutex_unlock(&slot->lock);
	return err;
}

/**
 * sks_ioc_init_role() - SKS_IOC_INIT_ROLE: the SO sets the CO or CU secret.
 * @sess: the session.
 * @arg: struct sks_init_role.
 * @ckr: out: result code.
 *
 * Initialising the CO also clears a CO/CU lockout.
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_init_role(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_init_role *ir = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_secret s = {};
	u8 *pin;
	int err;

	if (ir->role != SKS_ROLE_CO && ir->role != SKS_ROLE_CU)
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	err = sks_check_pin_len(ir->pin_len, ckr);
	if (err)
		return err;
	pin = sks_memdup_user(ir->pin, ir->pin_len, SKS_PIN_MAX, ckr);
	if (IS_ERR(pin))
		return PTR_ERR(pin);

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (slot->type == SKS_SLOT_BACKUP)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	else if (sess->role != SKS_ROLE_SO)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	mutex_unlock(&slot->lock);
	if (err)
		goto out;

	err = sks_secret_set(slot->pin_tfm, &s, pin, ir->pin_len);
	if (err) {
		*ckr = SKS_CKR_DEVICE_ERROR;
		goto out;
	}
	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else {
		*sks_role_secret(slot, ir->role) = s;
		if (ir->role == SKS_ROLE_CO) {
			slot->co_failures = 0;
			slot->co_locked = false;
		}
	}
	mutex_unlock(&slot->lock);
out:
	mutex_unlock(&slot->auth_lock);
	memzero_explicit(&s, sizeof(s));
	kfree_sensitive(pin);
	return err;
}

/**
 * sks_ioc_change_pin() - SKS_IOC_CHANGE_PIN: change the logged-in role's
 * secret.
 * @sess: the session.
 * @arg: struct sks_change_pin.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno (-EACCES with CKR_PIN_INCORRECT if the
 * old secret is wrong).
 */
int sks_ioc_change_pin(struct sks_session *sess, void *arg, u32 *ckr)
{
	struct sks_change_pin *cp = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_secret stored, s = {};
	u8 *old = NULL, *new = NULL;
	bool match;
	int err;

	if (cp->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!sks_role_bit(cp->role))
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	err = sks_check_pin_len(cp->old_len, ckr);
	if (!err)
		err = sks_check_pin_len(cp->new_len, ckr);
	if (err)
		return err;
	old = sks_memdup_user(cp->old_pin, cp->old_len, SKS_PIN_MAX, ckr);
	if (IS_ERR(old))
		return PTR_ERR(old);
	new = sks_memdup_user(cp->new_pin, cp->new_len, SKS_PIN_MAX, ckr);
	if (IS_ERR(new)) {
		err = PTR_ERR(new);
		new = NULL;
		goto out_free;
	}

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (sess->role != cp->role)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	stored = *sks_role_secret(slot, cp->role);
	mutex_unlock(&slot->lock);
	if (err)
		goto out;

	err = sks_secret_check(slot->pin_tfm, &stored, old, cp->old_len,
			       &match);
	if (!err && match)
		err = sks_secret_set(slot->pin_tfm, &s, new, cp->new_len);
	if (err) {
		*ckr = SKS_CKR_DEVICE_ERROR;
		goto out;
	}
	if (!match) {
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
		goto out;
	}
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else
		*sks_role_secret(slot, cp->role) = s;
	mutex_unlock(&slot->lock);
out:
	mutex_unlock(&slot->auth_lock);
	memzero_explicit(&stored, sizeof(stored));
	memzero_explicit(&s, sizeof(s));
out_free:
	kfree_sensitive(new);
	kfree_sensitive(old);
	return err;
}

static int sks_slot_open(struct inode *inode, struct file *file)
{
	struct sks_hsm *hsm = sks_hsm;
	unsigned int num = iminor(inode);
	struct sks_session *sess;
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
	struct sks_session *sess = file->private_data;
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
