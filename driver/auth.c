// SPDX-License-Identifier: GPL-2.0
/*
 * sks - secrets and roles: partition initialisation and
 * re-initialisation, login, logout, role initialisation, secret changes,
 * and the bad-attempt limit of every secret (include/uapi/linux/sks.h,
 * "Bad-attempt limits").
 *
 * Every check of a secret of a slot runs under the slot's auth_lock, from
 * reading the counter to recording the outcome, so concurrent wrong
 * guesses are counted one by one and the limits are exact.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "sks.h"

/* ---- bad-attempt counters ---- */

static u64 sks_now(void)
{
	return ktime_get_boottime_ns();
}

/*
 * The lockout period after @failures failures, @limit of them allowed, in
 * nanoseconds: a lockout lasts its full length, not up to the next
 * second boundary.
 */
static u64 sks_lockout_period(u32 failures, u32 limit)
{
	u32 shift = failures - limit;
	u64 secs = shift >= 32 ? SKS_LOCKOUT_MAX_SECS :
		   min_t(u64, (u64)sks_lockout_secs << shift,
			 SKS_LOCKOUT_MAX_SECS);

	return secs * NSEC_PER_SEC;
}

/**
 * sks_lockout_left() - seconds left of a time lockout.
 * @l: the counter.
 *
 * Context: caller holds the lock of the state @l belongs to.
 * Return: seconds before a check of the secret is accepted again, rounded
 * up, 0 if it is accepted now.
 */
u32 sks_lockout_left(const struct sks_lockout *l)
{
	u64 now = sks_now();

	return l->until > now ?
	       min_t(u64, DIV_ROUND_UP_ULL(l->until - now, NSEC_PER_SEC),
		     U32_MAX) : 0;
}

/**
 * sks_lockout_fail() - count one wrong secret.
 * @l: the counter.
 * @limit: failures allowed before a time lockout, or 0 for counters
 *	without one (they lock or zeroize by their count alone).
 *
 * From the @limit-th consecutive failure on, each failure starts a lockout
 * of lockout_secs seconds doubled for each failure beyond @limit, at most
 * SKS_LOCKOUT_MAX_SECS: a dictionary-attack lockout that erases nothing.
 *
 * Context: caller holds the lock of the state @l belongs to.
 */
void sks_lockout_fail(struct sks_lockout *l, u32 limit)
{
	if (l->failures < U32_MAX)
		l->failures++;
	if (limit && l->failures >= limit)
		l->until = sks_now() + sks_lockout_period(l->failures, limit);
}

/**
 * sks_lockout_resume() - restart the lockout of a counter read back from
 * saved state (the clock it ran on did not survive).
 * @l: the counter, @l->failures as saved.
 * @limit: as for sks_lockout_fail().
 *
 * Context: the state is not visible yet.
 */
void sks_lockout_resume(struct sks_lockout *l, u32 limit)
{
	l->until = 0;
	if (limit && l->failures >= limit)
		l->until = sks_now() + sks_lockout_period(l->failures, limit);
}

/**
 * sks_lockout_reset() - forget the failures of a counter (a right
 * secret, or a wipe).
 * @l: the counter.
 *
 * Context: caller holds the lock of the state @l belongs to.
 */
void sks_lockout_reset(struct sks_lockout *l)
{
	l->failures = 0;
	l->until = 0;
}

/* ---- partitions: wiping, roles ---- */

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

static struct sks_lockout *sks_role_lockout(struct sks_slot *slot, u32 role)
{
	switch (role) {
	case SKS_ROLE_SO:
		return &slot->so_lockout;
	case SKS_ROLE_CO:
		return &slot->co_lockout;
	default:
		return &slot->cu_lockout;
	}
}

/*
 * Whether checks of @role's secret are refused now (CKR_PIN_LOCKED): the
 * CO and CU after SKS_MAX_LOGIN_FAILURES failures, a Backup HSM's SO
 * during a time lockout. A partition SO is never locked: the failure that
 * reaches the limit zeroizes the partition.
 */
static bool sks_role_locked(struct sks_slot *slot, u32 role)
{
	const struct sks_lockout *l = sks_role_lockout(slot, role);

	lockdep_assert_held(&slot->lock);
	if (slot->type == SKS_SLOT_BACKUP)
		return sks_lockout_left(l) > 0;
	if (role == SKS_ROLE_SO)
		return false;
	return l->failures >= SKS_MAX_LOGIN_FAILURES;
}

/**
 * sks_partition_wipe_locked() - wipe everything a partition holds.
 * @slot: a partition.
 *
 * Destroys every object (also other sessions' session objects), drops the
 * SMKs, the role secrets, the domain, the usage ledger and the counters,
 * and ends every login (the epoch moves on). The slot, its number, serial
 * and open sessions stay. Used by zeroization and re-initialisation.
 *
 * Context: caller holds slot->auth_lock and slot->lock.
 */
void sks_partition_wipe_locked(struct sks_slot *slot)
{
	lockdep_assert_held(&slot->auth_lock);
	lockdep_assert_held(&slot->lock);
	sks_slot_objects_destroy_locked(slot);
	sks_ledger_destroy_locked(slot);
	sks_smk_put(slot->smk);
	sks_smk_put(slot->rollover);
	slot->smk = NULL;
	slot->rollover = NULL;
	memzero_explicit(&slot->so, sizeof(slot->so));
	memzero_explicit(&slot->co, sizeof(slot->co));
	memzero_explicit(&slot->cu, sizeof(slot->cu));
	memzero_explicit(&slot->domain, sizeof(slot->domain));
	memset(slot->label, 0, sizeof(slot->label));
	sks_lockout_reset(&slot->so_lockout);
	sks_lockout_reset(&slot->co_lockout);
	sks_lockout_reset(&slot->cu_lockout);
	sks_lockout_reset(&slot->sim_lockout);
	sks_state_forget_locked(slot);
	slot->initialized = false;
	WRITE_ONCE(slot->epoch, slot->epoch + 1);
	sks_state_changed(slot);
}

/**
 * sks_check_secret() - check a secret of a slot and count the attempt.
 * @slot: the slot.
 * @role: whose secret: SKS_ROLE_SO (on a Backup HSM: the HSM SO),
 *	SKS_ROLE_CO or SKS_ROLE_CU.
 * @pin: the candidate.
 * @len: its length.
 * @ckr: out: result code.
 *
 * A locked role is refused before anything is computed. On a deactivated
 * slot the secret is checked by unwrapping the storage key with it, and
 * a right one activates the slot (sks_state_unlock()). A wrong secret
 * counts: the SKS_MAX_LOGIN_FAILURES-th lock the CO or CU, the
 * SKS_MAX_SO_FAILURES-th zeroizes a partition (sks_partition_wipe_locked()),
 * and on a Backup HSM the SKS_MAX_HSM_SO_FAILURES-th starts a time
 * lockout. A right one resets the counter.
 *
 * Context: process context, may sleep; caller holds slot->auth_lock;
 * takes slot->lock.
 * Return: 0 if the secret is right; -EACCES (CKR_PIN_INCORRECT), -EPERM
 * (CKR_PIN_LOCKED), -EACCES (CKR_USER_PIN_NOT_INITIALIZED: no such
 * secret), -ENOKEY (CKR_PARTITION_DEACTIVATED: the CU of a deactivated
 * partition), -ENODEV (CKR_TOKEN_NOT_PRESENT), -EINTR (killed) or -EIO.
 */
int sks_check_secret(struct sks_slot *slot, u32 role, const u8 *pin,
		     u32 len, u32 *ckr)
{
	bool backup = slot->type == SKS_SLOT_BACKUP;
	struct sks_lockout *l = sks_role_lockout(slot, role);
	struct sks_secret stored;
	bool match = false, deactivated;
	int err = 0;

	lockdep_assert_held(&slot->auth_lock);
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (slot->deactivated && sks_role_locked(slot, role))
		err = sks_fail(ckr, SKS_CKR_PIN_LOCKED);
	else if (slot->deactivated)
		;	/* the secret is checked by unwrapping the storage key */
	else if (!slot->initialized || !sks_role_secret(slot, role)->set)
		err = sks_fail(ckr, SKS_CKR_USER_PIN_NOT_INITIALIZED);
	else if (sks_role_locked(slot, role))
		err = sks_fail(ckr, SKS_CKR_PIN_LOCKED);
	deactivated = slot->deactivated;
	stored = *sks_role_secret(slot, role);
	mutex_unlock(&slot->lock);
	if (err)
		goto out;

	if (deactivated)
		err = sks_state_unlock(slot, role, pin, len, &match, ckr);
	else
		err = sks_secret_check(slot->pin_tfm, &stored, pin, len,
				       &match);
	if (err) {
		if (!deactivated || err == -EINTR)
			err = err == -EINTR ? err :
			      sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}

	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else if (match) {
		if (l->failures)
			sks_state_changed(slot);
		sks_lockout_reset(l);
	} else {
		sks_lockout_fail(l, backup ? SKS_MAX_HSM_SO_FAILURES : 0);
		sks_state_changed(slot);
		if (!backup && role == SKS_ROLE_SO &&
		    l->failures >= SKS_MAX_SO_FAILURES) {
			sks_partition_wipe_locked(slot);
			slot->zeroized = true;
			pr_warn("slot %u zeroized after %u wrong SO secrets\n",
				slot->num, SKS_MAX_SO_FAILURES);
		}
		err = sks_fail(ckr, SKS_CKR_PIN_INCORRECT);
	}
	mutex_unlock(&slot->lock);
out:
	memzero_explicit(&stored, sizeof(stored));
	return err;
}

/**
 * sks_check_pin_len() - check the length of a secret.
 * @len: its length.
 * @ckr: out: result code.
 *
 * Context: any.
 * Return: 0, or -EINVAL with CKR_PIN_LEN_RANGE outside
 * SKS_PIN_MIN..SKS_PIN_MAX.
 */
int sks_check_pin_len(u32 len, u32 *ckr)
{
	if (len < SKS_PIN_MIN || len > SKS_PIN_MAX)
		return sks_fail(ckr, SKS_CKR_PIN_LEN_RANGE);
	return 0;
}

/**
 * sks_copy_pin() - check a secret's length and copy it from user space.
 * @uptr: user pointer.
 * @len: length.
 * @ckr: out: result code.
 *
 * Context: process context, may sleep.
 * Return: the copy (free with kfree_sensitive()), or an ERR_PTR
 * (-EINVAL with CKR_PIN_LEN_RANGE, -EFAULT, -ENOMEM).
 */
u8 *sks_copy_pin(u64 uptr, u32 len, u32 *ckr)
{
	int err = sks_check_pin_len(len, ckr);

	if (err)
		return ERR_PTR(err);
	return sks_memdup_user(uptr, len, SKS_PIN_MAX, ckr);
}

/* ---- partition initialisation ---- */

/* The new secrets and SMK of an initialisation, made before it commits. */
struct sks_init_state {
	struct sks_secret so;
	struct sks_secret domain;
	struct sks_smk *smk;
};

static int sks_init_prepare(struct sks_slot *slot, const u8 *pin, u32 pin_len,
			    const u8 *dom, u32 dom_len,
			    struct sks_init_state *st, u32 *ckr)
{
	int err;

	err = sks_secret_set(slot->pin_tfm, &st->so, pin, pin_len);
	if (!err)
		err = sks_domain_set(slot->pin_tfm, &st->domain, dom, dom_len);
	if (!err && slot->type == SKS_SLOT_V1) {
		st->smk = sks_smk_create();
		if (IS_ERR(st->smk)) {
			err = PTR_ERR(st->smk);
			st->smk = NULL;
		}
	}
	if (err && err != -EINTR)
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	return err;
}

static void sks_init_commit_locked(struct sks_slot *slot,
				   struct sks_init_state *st, const u8 *label)
{
	lockdep_assert_held(&slot->lock);
	if (slot->initialized)
		sks_partition_wipe_locked(slot);
	slot->so = st->so;
	slot->domain = st->domain;
	slot->smk = st->smk;
	st->smk = NULL;
	memcpy(slot->label, label, SKS_LABEL_LEN);
	slot->label[SKS_LABEL_LEN] = 0;
	slot->initialized = true;
	slot->zeroized = false;
	sks_state_changed(slot);
}

/**
 * sks_ioc_partition_init() - SKS_IOC_PARTITION_INIT: initialise or
 * re-initialise a partition.
 * @sess: the session.
 * @arg: struct sks_partition_init.
 * @ckr: out: result code.
 *
 * Sets the SO secret, label and cloning domain; a V1 partition gets a new
 * random SMK. An initialised partition is re-initialised as C_InitToken
 * does (PKCS#11 v2.40 section 5.6) if @so_pin is its current SO secret
 * (counted like a login): everything it held is wiped first and every
 * login of it ends. Order of checks: secret and domain lengths,
 * capability, slot type, the slot still exists, then (re-initialisation)
 * the current SO secret.
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_partition_init(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_partition_init *pi = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_init_state st = {};
	bool reinit = false;
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
	reinit = slot->initialized;
	mutex_unlock(&slot->lock);
	if (!err && reinit)
		err = sks_check_secret(slot, SKS_ROLE_SO, pin, pi->so_pin_len,
				       ckr);
	if (!err)
		err = sks_init_prepare(slot, pin, pi->so_pin_len, dom,
				       pi->domain_len, &st, ckr);
	if (err)
		goto out_auth;

	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else {
		sks_init_commit_locked(slot, &st, pi->label);
		if (sks_state_new_key_locked(slot))
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	}
	mutex_unlock(&slot->lock);
out_auth:
	mutex_unlock(&slot->auth_lock);
	sks_smk_put(st.smk);
	memzero_explicit(&st, sizeof(st));
	kfree_sensitive(dom);
out_pin:
	kfree_sensitive(pin);
	return err;
}

/* ---- logins ---- */

/* Login preconditions; caller holds slot->lock. */
static int sks_login_check(struct sks_file_session *sess, u32 role, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	u32 cur = sks_session_role(sess);

	lockdep_assert_held(&slot->lock);
	if (slot->dead)
		return sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	if (slot->type == SKS_SLOT_BACKUP && role != SKS_ROLE_SO)
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	if (cur == role)
		return sks_fail(ckr, SKS_CKR_USER_ALREADY_LOGGED_IN);
	if (cur != SKS_ROLE_NONE)
		return sks_fail(ckr, SKS_CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
	return 0;
}

static bool sks_role_valid(u32 role)
{
	return role == SKS_ROLE_SO || role == SKS_ROLE_CO ||
	       role == SKS_ROLE_CU;
}

/**
 * sks_ioc_login() - SKS_IOC_LOGIN: log the session in as a role.
 * @sess: the session.
 * @arg: struct sks_login.
 * @ckr: out: result code.
 *
 * Order of checks: role (CKR_USER_TYPE_INVALID), secret length, the slot
 * exists, role fits the slot, the session is not logged in, the role has
 * a secret (CKR_USER_PIN_NOT_INITIALIZED), it is not locked
 * (CKR_PIN_LOCKED), the secret (CKR_PIN_INCORRECT, counted; see
 * sks_check_secret() for the limits).
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_login(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_login *li = arg;
	struct sks_slot *slot = sess->slot;
	u8 *pin;
	int err;

	if (!sks_role_valid(li->role))
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	pin = sks_copy_pin(li->pin, li->pin_len, ckr);
	if (IS_ERR(pin))
		return PTR_ERR(pin);

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	err = sks_login_check(sess, li->role, ckr);
	mutex_unlock(&slot->lock);
	if (!err)
		err = sks_check_secret(slot, li->role, pin, li->pin_len, ckr);
	if (!err) {
		mutex_lock(&slot->lock);
		err = sks_login_check(sess, li->role, ckr);
		if (!err) {
			WRITE_ONCE(sess->epoch, slot->epoch);
			WRITE_ONCE(sess->role, li->role);
		}
		mutex_unlock(&slot->lock);
	}
	mutex_unlock(&slot->auth_lock);
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
int sks_ioc_logout(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_slot *slot = sess->slot;
	int err = 0;

	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (sks_session_role(sess) == SKS_ROLE_NONE)
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
 * Initialising a role also clears that role's lockout and failure count,
 * and only that role's.
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno.
 */
int sks_ioc_init_role(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_init_role *ir = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_secret s = {};
	u8 *pin;
	int err = 0;

	if (ir->role != SKS_ROLE_CO && ir->role != SKS_ROLE_CU)
		return sks_fail(ckr, SKS_CKR_USER_TYPE_INVALID);
	pin = sks_copy_pin(ir->pin, ir->pin_len, ckr);
	if (IS_ERR(pin))
		return PTR_ERR(pin);

	mutex_lock(&slot->auth_lock);
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (slot->type == SKS_SLOT_BACKUP)
		err = sks_fail(ckr, SKS_CKR_FUNCTION_NOT_SUPPORTED);
	else if (sks_session_role(sess) != SKS_ROLE_SO)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	mutex_unlock(&slot->lock);
	if (err)
		goto out;

	err = sks_secret_set(slot->pin_tfm, &s, pin, ir->pin_len);
	if (err) {
		err = err == -EINTR ? err : sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		goto out;
	}
	mutex_lock(&slot->lock);
	if (slot->dead) {
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	} else {
		*sks_role_secret(slot, ir->role) = s;
		sks_lockout_reset(sks_role_lockout(slot, ir->role));
		if (sks_state_wrap_role_locked(slot, ir->role))
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
		sks_state_changed(slot);
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
 * The old secret is checked like a login: a wrong one counts towards the
 * role's limit (sks_check_secret()).
 *
 * Context: process context, may sleep; takes auth_lock and slot->lock.
 * Return: 0 or a negative errno (-EACCES with CKR_PIN_INCORRECT if the
 * old secret is wrong).
 */
int sks_ioc_change_pin(struct sks_file_session *sess, void *arg, u32 *ckr)
{
	struct sks_change_pin *cp = arg;
	struct sks_slot *slot = sess->slot;
	struct sks_secret s = {};
	u8 *old, *new = NULL;
	int err;

	if (cp->reserved)
		return sks_fail(ckr, SKS_CKR_ARGUMENTS_BAD);
	if (!sks_role_valid(cp->role))
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
	else if (sks_session_role(sess) != cp->role)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	mutex_unlock(&slot->lock);
	if (!err)
		err = sks_check_secret(slot, cp->role, old, cp->old_len, ckr);
	if (!err) {
		err = sks_secret_set(slot->pin_tfm, &s, new, cp->new_len);
		if (err && err != -EINTR)
			err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	}
	if (err)
		goto out;
	mutex_lock(&slot->lock);
	if (slot->dead)
		err = sks_fail(ckr, SKS_CKR_TOKEN_NOT_PRESENT);
	else if (sks_session_role(sess) != cp->role)
		err = sks_fail(ckr, SKS_CKR_USER_NOT_LOGGED_IN);
	else
		*sks_role_secret(slot, cp->role) = s;
	if (!err && sks_state_wrap_role_locked(slot, cp->role))
		err = sks_fail(ckr, SKS_CKR_DEVICE_ERROR);
	if (!err)
		sks_state_changed(slot);
	mutex_unlock(&slot->lock);
out:
	mutex_unlock(&slot->auth_lock);
	memzero_explicit(&s, sizeof(s));
out_free:
	kfree_sensitive(new);
	kfree_sensitive(old);
	return err;
}
