// SPDX-License-Identifier: GPL-2.0
/*
 * sks - Scalable Key Storage HSM emulation.
 *
 * Module entry points and the HSM control device /dev/sks-control.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sks.h"

static unsigned long long serial;
module_param(serial, ullong, 0444);
MODULE_PARM_DESC(serial, "HSM serial number (default: random)");

unsigned int sks_pbkdf2_iterations = SKS_KDF_ITERATIONS_DEFAULT;
module_param_named(pbkdf2_iterations, sks_pbkdf2_iterations, uint, 0444);
MODULE_PARM_DESC(pbkdf2_iterations,
		 "PBKDF2-HMAC-SHA256 iterations of new secret verifiers and images, 1000..10000000 (default 600000)");

unsigned int sks_lockout_secs = SKS_LOCKOUT_SECS;
module_param_named(lockout_secs, sks_lockout_secs, uint, 0444);
MODULE_PARM_DESC(lockout_secs,
		 "first lockout period of the HSM SO and archive secrets, 1..86400 seconds (default 60)");

struct sks_hsm *sks_hsm;

static struct sks_hsm *sks_file_hsm(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct sks_hsm, control);
}

/**
 * sks_ctl_hsm_info() - SKS_CTL_HSM_INFO: describe the HSM.
 * @hsm: the HSM.
 * @arg: struct sks_hsm_info.
 * @ckr: out: result code.
 *
 * Context: process context; takes slots_lock.
 * Return: 0, -EINVAL (reserved fields), -EPERM (no CAP_SYS_ADMIN).
 */
int sks_ctl_hsm_info(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	struct sks_hsm_info *info = arg;

	if (info->reserved || info->reserved2)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);

	info->serial = hsm->serial;
	memset(info->firmware, 0, sizeof(info->firmware));
	strscpy(info->firmware, hsm->firmware, sizeof(info->firmware));
	mutex_lock(&hsm->slots_lock);
	info->nr_slots = hsm->nr_slots;
	mutex_unlock(&hsm->slots_lock);
	info->max_slots = SKS_MAX_SLOTS;
	info->pbkdf2_iterations = sks_pbkdf2_iterations;
	info->max_blob_size = SKS_MAX_BLOB_SIZE;
	return 0;
}

/**
 * sks_ctl_create_slot() - SKS_CTL_CREATE_SLOT: create a slot.
 * @hsm: the HSM.
 * @arg: struct sks_slot_create.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (see sks_slot_create()).
 */
int sks_ctl_create_slot(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	return sks_slot_create(hsm, arg, ckr);
}

/**
 * sks_ctl_delete_slot() - SKS_CTL_DELETE_SLOT: delete a slot.
 * @hsm: the HSM.
 * @arg: struct sks_slot_delete.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL, -EPERM, -ENODEV (no such slot).
 */
int sks_ctl_delete_slot(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	struct sks_slot_delete *del = arg;

	if (del->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);
	return sks_slot_delete(hsm, del->slot, ckr);
}

/**
 * sks_ctl_list_slots() - SKS_CTL_LIST_SLOTS: list the slots.
 * @hsm: the HSM.
 * @arg: struct sks_slot_list.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (see sks_slot_list()).
 */
int sks_ctl_list_slots(struct sks_hsm *hsm, void *arg, u32 *ckr)
{
	return sks_slot_list(hsm, arg, ckr);
}

static long sks_ctl_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return sks_dispatch(NULL, sks_file_hsm(file), cmd, arg);
}

static const struct file_operations sks_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sks_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static int __init sks_init(void)
{
	struct sks_hsm *hsm;
	int err;

	if (sks_pbkdf2_iterations < SKS_KDF_ITERATIONS_MIN ||
	    sks_pbkdf2_iterations > SKS_KDF_ITERATIONS_MAX) {
		pr_err("pbkdf2_iterations=%u is outside %u..%u\n",
		       sks_pbkdf2_iterations, SKS_KDF_ITERATIONS_MIN,
		       SKS_KDF_ITERATIONS_MAX);
		return -EINVAL;
	}
	if (!sks_lockout_secs || sks_lockout_secs > SKS_LOCKOUT_MAX_SECS) {
		pr_err("lockout_secs=%u is outside 1..%u\n", sks_lockout_secs,
		       SKS_LOCKOUT_MAX_SECS);
		return -EINVAL;
	}
	if (sks_pbkdf2_iterations < SKS_KDF_ITERATIONS_DEFAULT)
		pr_warn("pbkdf2_iterations=%u is below the production cost %u: secrets and images are cheaper to guess (for tests only)\n",
			sks_pbkdf2_iterations, SKS_KDF_ITERATIONS_DEFAULT);
	err = sks_ec_init();
	if (err)
		return err;
	err = sks_selftest();
	if (err)
		goto err_ec;

	hsm = kzalloc(sizeof(*hsm), GFP_KERNEL);
	if (!hsm) {
		err = -ENOMEM;
		goto err_ec;
	}
	mutex_init(&hsm->slots_lock);
	hsm->serial = serial;
	if (!hsm->serial)
		hsm->serial = sks_random_serial();
	strscpy(hsm->firmware, SKS_FIRMWARE, sizeof(hsm->firmware));

	sks_hsm = hsm;
	err = sks_slots_init(hsm);
	if (err)
		goto err_free;

	hsm->control.minor = MISC_DYNAMIC_MINOR;
	hsm->control.name = "sks-control";
	hsm->control.fops = &sks_ctl_fops;
	hsm->control.mode = 0600;	/* administration: root only */
	err = misc_register(&hsm->control);
	if (err)
		goto err_slots;

	pr_info("Scalable Key Storage HSM v%s loaded, serial %llu, firmware %s\n",
		SKS_VERSION, hsm->serial, hsm->firmware);
	return 0;

err_slots:
	sks_slots_exit(hsm);
err_free:
	kfree(hsm);
err_ec:
	sks_ec_exit();
	sks_pools_exit();
	return err;
}

static void __exit sks_exit(void)
{
	struct sks_hsm *hsm = sks_hsm;

	misc_deregister(&hsm->control);
	sks_slots_exit(hsm);
	kfree(hsm);
	sks_ec_exit();
	sks_pools_exit();
}

module_init(sks_init);
module_exit(sks_exit);

MODULE_DESCRIPTION("Scalable Key Storage HSM emulation");
MODULE_LICENSE("GPL");
MODULE_VERSION(SKS_VERSION);
