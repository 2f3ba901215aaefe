// SPDX-License-Identifier: GPL-2.0
/*
 * sks - slots: creation, deletion, listing, character devices and sysfs.
 */

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sks.h"

static const char *const sks_slot_type_names[] = {
	[SKS_SLOT_V0] = "V0",
	[SKS_SLOT_V1] = "V1",
	[SKS_SLOT_BACKUP] = "BACKUP",
};

static struct sks_slot *sks_dev_slot(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  sks_slot_type_names[sks_dev_slot(dev)->type]);
}
static DEVICE_ATTR_RO(type);

static ssize_t label_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct sks_slot *slot = sks_dev_slot(dev);
	ssize_t ret;

	mutex_lock(&slot->lock);
	ret = sysfs_emit(buf, "%s\n", slot->label);
	mutex_unlock(&slot->lock);
	return ret;
}
static DEVICE_ATTR_RO(label);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n", sks_dev_slot(dev)->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_version_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", sks_dev_slot(dev)->fw_version);
}
static DEVICE_ATTR_RO(firmware_version);

static ssize_t capacity_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%llu\n", sks_dev_slot(dev)->capacity);
}
static DEVICE_ATTR_RO(capacity);

static ssize_t bytes_used_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct sks_slot *slot = sks_dev_slot(dev);
	u64 used;

	mutex_lock(&slot->lock);
	used = slot->used;
	mutex_unlock(&slot->lock);
	return sysfs_emit(buf, "%llu\n", used);
}
static DEVICE_ATTR_RO(bytes_used);

static ssize_t sks_show_fp(struct device *dev, char *buf, bool rollover)
{
	struct sks_slot *slot = sks_dev_slot(dev);
	struct sks_smk *smk;
	ssize_t ret;

	mutex_lock(&slot->lock);
	smk = rollover ? slot->rollover : slot->smk;
	if (smk)
		ret = sysfs_emit(buf, "%*phN\n", SKS_FINGERPRINT_LEN,
				 smk->fingerprint);
	else
		ret = sysfs_emit(buf, "none\n");
	mutex_unlock(&slot->lock);
	return ret;
}

static ssize_t smk_fingerprint_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sks_show_fp(dev, buf, false);
}
static DEVICE_ATTR_RO(smk_fingerprint);

static ssize_t smk_rollover_fingerprint_show(struct device *dev,
					     struct device_attribute *attr,
					     char *buf)
{
	return sks_show_fp(dev, buf, true);
}
static DEVICE_ATTR_RO(smk_rollover_fingerprint);

static ssize_t state_generation_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&sks_dev_slot(dev)->generation));
}
static DEVICE_ATTR_RO(state_generation);

static struct attribute *sks_slot_attrs[] = {
	&dev_attr_type.attr,
	&dev_attr_label.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_version.attr,
	&dev_attr_capacity.attr,
	&dev_attr_bytes_used.attr,
	&dev_attr_smk_fingerprint.attr,
	&dev_attr_smk_rollover_fingerprint.attr,
	&dev_attr_state_generation.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sks_slot);

static void sks_slot_release(struct kref *ref)
{
	struct sks_slot *slot = container_of(ref, struct sks_slot, ref);

	sks_state_stop(slot);
	mutex_lock(&slot->lock);
	sks_slot_objects_destroy_locked(slot);
	sks_ledger_destroy_locked(slot);
	sks_archives_destroy_locked(slot);
	sks_state_forget_locked(slot);
	mutex_unlock(&slot->lock);
	xa_destroy(&slot->objects);
	sks_smk_put(slot->smk);
	sks_smk_put(slot->rollover);
	crypto_free_aead(slot->image_aead);
	crypto_free_aead(slot->state_aead);
	crypto_free_shash(slot->pin_tfm);
	mutex_destroy(&slot->lock);
	mutex_destroy(&slot->auth_lock);
	kfree_sensitive(slot);
}

/**
 * sks_slot_put() - drop a slot reference; the last one frees the slot.
 * @slot: the slot.
 *
 * Context: process context, may sleep.
 */
void sks_slot_put(struct sks_slot *slot)
{
	kref_put(&slot->ref, sks_slot_release);
}

/**
 * sks_slot_state() - SKS_STATE_* bits of a slot.
 * @slot: the slot.
 *
 * Context: caller holds slot->lock.
 * Return: the bits.
 */
u32 sks_slot_state(struct sks_slot *slot)
{
	u32 state = 0;

	lockdep_assert_held(&slot->lock);
	if (slot->initialized)
		state |= SKS_STATE_INITIALIZED;
	if (slot->co.set)
		state |= SKS_STATE_CO_SET;
	if (slot->cu.set)
		state |= SKS_STATE_CU_SET;
	if (slot->co_lockout.failures >= SKS_MAX_LOGIN_FAILURES)
		state |= SKS_STATE_CO_LOCKED;
	if (slot->cu_lockout.failures >= SKS_MAX_LOGIN_FAILURES)
		state |= SKS_STATE_CU_LOCKED;
	if (slot->type == SKS_SLOT_BACKUP && sks_lockout_left(&slot->so_lockout))
		state |= SKS_STATE_SO_LOCKED;
	if (slot->zeroized)
		state |= SKS_STATE_ZEROIZED;
	if (slot->deactivated)
		state |= SKS_STATE_DEACTIVATED;
	if (slot->auto_wrap.kind != SKS_WRAP_NONE)
		state |= SKS_STATE_AUTO_ACTIVATION;
	if (slot->rollover)
		state |= SKS_STATE_SMK_ROLLOVER;
	return state;
}

static int sks_slot_check_create(const struct sks_slot_create *arg, u32 *ckr)
{
	bool backup = arg->type == SKS_SLOT_BACKUP;

	if (arg->type > SKS_SLOT_BACKUP || arg->reserved ||
	    arg->capacity > SKS_MAX_CAPACITY)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if ((arg->flags & SKS_SLOT_CREATE_AT) && arg->slot >= SKS_MAX_SLOTS)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!backup && (arg->so_secret || arg->so_secret_len ||
			memchr_inv(arg->fw_version, 0, sizeof(arg->fw_version))))
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (backup && arg->fw_version[SKS_FW_VERSION_LEN - 1])
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (backup)
		return sks_check_pin_len(arg->so_secret_len, ckr);
	return 0;
}

/**
 * sks_random_serial() - a random 12-digit serial number.
 *
 * Context: any.
 * Return: a number in 100000000000..999999999999.
 */
u64 sks_random_serial(void)
{
	return get_random_u64() % 900000000000ULL + 100000000000ULL;
}

/**
 * sks_slot_alloc() - allocate a slot that is not registered yet.
 * @hsm: the HSM.
 * @arg: checked creation arguments (type, capacity, firmware version).
 *
 * Context: process context, may sleep.
 * Return: the slot with one reference, or an ERR_PTR (-ENOMEM, or the
 * error of allocating its transform).
 */
struct sks_slot *sks_slot_alloc(struct sks_hsm *hsm,
				const struct sks_slot_create *arg)
{
	struct crypto_shash *tfm;
	struct sks_slot *slot;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return ERR_PTR(-ENOMEM);
	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm)) {
		kfree(slot);
		return ERR_CAST(tfm);
	}
	slot->pin_tfm = tfm;
	kref_init(&slot->ref);
	mutex_init(&slot->auth_lock);
	mutex_init(&slot->lock);
	xa_init_flags(&slot->objects, XA_FLAGS_ALLOC1);
	slot->ledger = RB_ROOT;
	INIT_LIST_HEAD(&slot->archives);
	sks_state_init(slot);
	slot->hsm = hsm;
	slot->type = arg->type;
	slot->serial = sks_random_serial();
	if (arg->type == SKS_SLOT_BACKUP)
		get_random_bytes(slot->id_key, sizeof(slot->id_key));
	slot->capacity = arg->capacity ?: SKS_DEFAULT_CAPACITY;
	if (arg->type != SKS_SLOT_BACKUP)
		strscpy(slot->fw_version, hsm->firmware,
			sizeof(slot->fw_version));
	else if (arg->fw_version[0])
		strscpy(slot->fw_version, arg->fw_version,
			sizeof(slot->fw_version));
	else
		strscpy(slot->fw_version, SKS_BACKUP_FIRMWARE,
			sizeof(slot->fw_version));
	return slot;
}

static int sks_slot_add_dev(struct sks_hsm *hsm, struct sks_slot *slot)
{
	dev_t devt = MKDEV(MAJOR(hsm->devt), slot->num);
	int err;

	slot->cdev = cdev_alloc();
	if (!slot->cdev)
		return -ENOMEM;
	slot->cdev->owner = THIS_MODULE;
	slot->cdev->ops = &sks_slot_fops;
	err = cdev_add(slot->cdev, devt, 1);
	if (err)
		goto err_put;
	slot->dev = device_create_with_groups(hsm->class, NULL, devt, slot,
					      sks_slot_groups, "sks%u",
					      slot->num);
	if (IS_ERR(slot->dev)) {
		err = PTR_ERR(slot->dev);
		goto err_del;
	}
	return 0;

err_del:
	cdev_del(slot->cdev);
	return err;
err_put:
	kobject_put(&slot->cdev->kobj);
	return err;
}

/**
 * sks_slot_create() - create a slot with the lowest free number.
 * @hsm: the HSM.
 * @arg: struct sks_slot_create; @slot and @serial are filled in.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slots_lock.
 * Return: 0, -EINVAL (arguments), -EPERM (no CAP_SYS_ADMIN), -EFAULT,
 * -ENOSPC (all SKS_MAX_SLOTS in use, CKR_DEVICE_MEMORY), -ENOMEM.
 */
int sks_slot_create(struct sks_hsm *hsm, struct sks_slot_create *arg, u32 *ckr)
{
	struct sks_slot *slot;
	u8 *secret = NULL;
	int err;

	err = sks_slot_check_create(arg, ckr);
	if (err)
		return err;
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);

	slot = sks_slot_alloc(hsm, arg);
	if (IS_ERR(slot))
		return sks_fail(ckr, PTR_ERR(slot) == -ENOMEM ?
				SKS_CKR_HOST_MEMORY : SKS_CKR_DEVICE_ERROR);
	if (arg->type == SKS_SLOT_BACKUP) {
		secret = sks_copy_pin(arg->so_secret, arg->so_secret_len, ckr);
		if (IS_ERR(secret)) {
			err = PTR_ERR(secret);
			goto err_put;
		}
		err = sks_secret_set(slot->pin_tfm, &slot->so, secret,
				     arg->so_secret_len);
		kfree_sensitive(secret);
		if (err)
			goto err_put;
		slot->initialized = true;
		mutex_lock(&slot->auth_lock);
		mutex_lock(&slot->lock);
		err = sks_state_new_key_locked(slot);
		mutex_unlock(&slot->lock);
		mutex_unlock(&slot->auth_lock);
		if (err) {
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
			goto err_put;
		}
	}

	err = sks_slot_register(hsm, slot, arg->flags & SKS_SLOT_CREATE_AT ?
				arg->slot : SKS_SLOT_LOWEST_FREE, ckr);
	if (err)
		goto err_put;
	arg->slot = slot->num;
	arg->serial = slot->serial;
	return 0;

err_put:
	sks_slot_put(slot);
	return err;
}

/**
 * sks_slot_register() - give a slot its number and its device.
 * @hsm: the HSM.
 * @slot: a slot from sks_slot_alloc(), fully set up; the slot table takes
 *	over the caller's reference on success.
 * @want: the slot number to use (below SKS_MAX_SLOTS), or SKS_SLOT_LOWEST_FREE
 *	for the lowest free one.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slots_lock.
 * Return: 0, -ENOSPC (all SKS_MAX_SLOTS in use, CKR_DEVICE_MEMORY), -EEXIST
 * (slot @want exists, CKR_FUNCTION_FAILED) or another negative errno.
 */
int sks_slot_register(struct sks_hsm *hsm, struct sks_slot *slot, u32 want,
		      u32 *ckr)
{
	unsigned int num;
	int err;

	mutex_lock(&hsm->slots_lock);
	if (want != SKS_SLOT_LOWEST_FREE) {
		num = want;
		if (hsm->slots[num]) {
			err = sks_fail(ckr, SKS_CKR_FUNCTION_FAILED);
			goto out;
		}
	} else {
		for (num = 0; num < SKS_MAX_SLOTS; num++)
			if (!hsm->slots[num])
				break;
	}
	if (num == SKS_MAX_SLOTS) {
		err = sks_fail(ckr, SKS_CKR_DEVICE_MEMORY);
		goto out;
	}
	slot->num = num;
	err = sks_slot_add_dev(hsm, slot);
	if (err)
		goto out;
	hsm->slots[num] = slot;
	hsm->nr_slots++;
	hsm->generation++;
out:
	mutex_unlock(&hsm->slots_lock);
	return err;
}

/**
 * sks_slot_delete() - delete a slot.
 * @hsm: the HSM.
 * @num: slot number.
 * @ckr: out: result code.
 *
 * The device node goes away at once, the SMKs and all objects are wiped;
 * open sessions keep a reference and get CKR_TOKEN_NOT_PRESENT from then
 * on. The memory is freed when the last session closes.
 *
 * Context: process context, may sleep; takes slots_lock and slot->lock.
 * Return: 0, or -ENODEV with CKR_SLOT_ID_INVALID.
 */
int sks_slot_delete(struct sks_hsm *hsm, u32 num, u32 *ckr)
{
	struct sks_smk *smk, *rollover;
	struct sks_slot *slot;

	mutex_lock(&hsm->slots_lock);
	slot = num < SKS_MAX_SLOTS ? hsm->slots[num] : NULL;
	if (!slot) {
		mutex_unlock(&hsm->slots_lock);
		return sks_fail(ckr, SKS_CKR_SLOT_ID_INVALID);
	}
	/*
	 * Everything the slot holds goes in the critical section that marks
	 * it dead: whoever finds it alive under slot->lock finds it whole.
	 */
	mutex_lock(&slot->lock);
	WRITE_ONCE(slot->dead, true);
	smk = slot->smk;
	rollover = slot->rollover;
	slot->smk = NULL;
	slot->rollover = NULL;
	sks_slot_objects_destroy_locked(slot);
	sks_ledger_destroy_locked(slot);
	sks_archives_destroy_locked(slot);
	sks_state_forget_locked(slot);
	mutex_unlock(&slot->lock);
	sks_state_stop(slot);	/* no change notice after the device */
	device_destroy(hsm->class, MKDEV(MAJOR(hsm->devt), num));
	cdev_del(slot->cdev);
	hsm->slots[num] = NULL;
	hsm->nr_slots--;
	hsm->generation++;
	mutex_unlock(&hsm->slots_lock);
	sks_smk_put(smk);
	sks_smk_put(rollover);
	sks_slot_put(slot);
	return 0;
}

/**
 * sks_slot_get() - a slot by number.
 * @hsm: the HSM.
 * @num: slot number.
 *
 * Context: process context; takes slots_lock.
 * Return: the slot with a reference (drop it with sks_slot_put()), or
 * NULL if there is none.
 */
struct sks_slot *sks_slot_get(struct sks_hsm *hsm, u32 num)
{
	struct sks_slot *slot;

	mutex_lock(&hsm->slots_lock);
	slot = num < SKS_MAX_SLOTS ? hsm->slots[num] : NULL;
	if (slot)
		kref_get(&slot->ref);
	mutex_unlock(&hsm->slots_lock);
	return slot;
}

static void sks_slot_fill_entry(struct sks_slot *slot,
				struct sks_slot_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->slot = slot->num;
	e->type = slot->type;
	e->serial = slot->serial;
	memcpy(e->fw_version, slot->fw_version, sizeof(e->fw_version));
	e->capacity = slot->capacity;
	mutex_lock(&slot->lock);
	memcpy(e->label, slot->label, sizeof(e->label));
	e->state = sks_slot_state(slot);
	e->sessions = slot->sessions;
	e->used = slot->used;
	e->generation = atomic64_read(&slot->generation);
	mutex_unlock(&slot->lock);
}

/**
 * sks_slot_list() - SKS_CTL_LIST_SLOTS: copy out an entry per slot.
 * @hsm: the HSM.
 * @arg: struct sks_slot_list.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep; takes slots_lock.
 * @entries 0 asks for the number of slots. Entries are @entry_size
 * apart; fields beyond the caller's size are left out, room beyond the
 * kernel's is zeroed.
 *
 * Return: 0, -EINVAL (@entry_size below the first version or above a
 * page), -EPERM, -EOVERFLOW (CKR_BUFFER_TOO_SMALL), -EFAULT, -ENOMEM.
 */
int sks_slot_list(struct sks_hsm *hsm, struct sks_slot_list *arg, u32 *ckr)
{
	struct sks_slot_entry *entries;
	u8 __user *uptr = u64_to_user_ptr(arg->entries);
	size_t sz = min_t(size_t, arg->entry_size, sizeof(*entries));
	unsigned int i, n = 0;
	u32 room = arg->count;
	int err = 0;

	arg->count = 0;
	if (arg->entry_size < SKS_SLOT_ENTRY_SIZE_VER0 ||
	    arg->entry_size > PAGE_SIZE)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!capable(CAP_SYS_ADMIN))
		return sks_fail_errno(ckr, SKS_CKR_USER_NOT_LOGGED_IN, -EPERM);

	entries = kcalloc(SKS_MAX_SLOTS, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return sks_fail(ckr, SKS_CKR_HOST_MEMORY);
	mutex_lock(&hsm->slots_lock);
	for (i = 0; i < SKS_MAX_SLOTS; i++)
		if (hsm->slots[i])
			sks_slot_fill_entry(hsm->slots[i], &entries[n++]);
	mutex_unlock(&hsm->slots_lock);

	if (!arg->entries) {
		arg->count = n;		/* size query */
		goto out;
	}
	if (room < n) {
		arg->count = n;
		err = sks_fail(ckr, SKS_CKR_BUFFER_TOO_SMALL);
		goto out;
	}
	for (i = 0; i < n; i++, uptr += arg->entry_size) {
		if (copy_to_user(uptr, &entries[i], sz) ||
		    clear_user(uptr + sz, arg->entry_size - sz)) {
			err = sks_fail_errno(ckr, SKS_CKR_ARGUMENTS_BAD, -EFAULT);
			goto out;
		}
	}
	arg->count = n;
out:
	kfree(entries);
	return err;
}

/**
 * sks_slots_init() - register the slot device numbers and class.
 * @hsm: the HSM.
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int sks_slots_init(struct sks_hsm *hsm)
{
	int err;

	err = alloc_chrdev_region(&hsm->devt, 0, SKS_MAX_SLOTS, "sks");
	if (err)
		return err;
#ifdef SKS_CLASS_CREATE_OWNER	/* before 6.4 (see Kbuild) */
	hsm->class = class_create(THIS_MODULE, "sks");
#else
	hsm->class = class_create("sks");
#endif
	if (IS_ERR(hsm->class)) {
		err = PTR_ERR(hsm->class);
		unregister_chrdev_region(hsm->devt, SKS_MAX_SLOTS);
		return err;
	}
	return 0;
}

/**
 * sks_slots_exit() - delete every slot and unregister the devices.
 * @hsm: the HSM.
 *
 * Context: module exit (no file of ours is open any more).
 */
void sks_slots_exit(struct sks_hsm *hsm)
{
	unsigned int i;
	u32 ckr;

	for (i = 0; i < SKS_MAX_SLOTS; i++)
		sks_slot_delete(hsm, i, &ckr);
	class_destroy(hsm->class);
	unregister_chrdev_region(hsm->devt, SKS_MAX_SLOTS);
}
