/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks - Scalable Key Storage HSM emulation: internal definitions.
 *
 * Lock order: sks_hsm.slots_lock -> sks_slot.auth_lock -> sks_slot.lock.
 * The crypto path (encrypt, decrypt, sign, verify) takes no mutex: it
 * checks the role and the slot with READ_ONCE(), looks the key up under
 * the xarray's spinlock (xa_lock, which every xa_erase() of an object
 * also takes before the partition's reference is dropped), counts the
 * use with an atomic compare-and-swap, and runs the crypto on a
 * transform owned by the key object, keyed once on the first use.
 */
#ifndef _SKS_H
#define _SKS_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/sks.h>

#include "state_codec.h"

#define SKS_VERSION		"0.3.0"
#define SKS_FIRMWARE		"7.7.2"
#define SKS_BACKUP_FIRMWARE	"7.7.1"
#define SKS_SMK_LEN		32
#define SKS_SECRET_SALT_LEN	16
#define SKS_SECRET_HASH_LEN	32
#define SKS_DEFAULT_CAPACITY	(1024 * 1024)
#define SKS_OBJ_OVERHEAD	64	/* bytes charged per object */
#define SKS_IOCTL_MAX_SIZE	256	/* largest ioctl struct */
#define SKS_KEY_ID_LEN		16	/* usage ledger id of a key */
#define SKS_ID_KEY_LEN		32	/* Backup HSM domain id key */
#define SKS_LEDGER_CHARGE	64	/* bytes charged per ledger entry */

struct crypto_shash;
struct crypto_aead;

/**
 * struct sks_hkdf - HKDF-SHA-256 context: hmac(sha256) keyed with the PRK.
 * @hmac_tfm: keyed once at setup, then only used through on-stack
 *	descriptors, so concurrent sks_hkdf_expand() calls are safe.
 */
struct sks_hkdf {
	struct crypto_shash *hmac_tfm;
};

/**
 * struct sks_secret - a secret's verifier: salted PBKDF2-HMAC-SHA256.
 * @set: a secret is present.
 * @iterations: the PBKDF2 cost it was made with (kept with the verifier,
 *	so a later change of the module's cost does not lock anyone out).
 * @salt: random salt.
 * @hash: PBKDF2 output.
 */
struct sks_secret {
	bool set;
	u32 iterations;
	u8 salt[SKS_SECRET_SALT_LEN];
	u8 hash[SKS_SECRET_HASH_LEN];
};

/**
 * struct sks_lockout - the bad-attempt counter of one secret.
 * @failures: consecutive failed checks; reset by a right secret.
 * @until: time lockouts: CLOCK_BOOTTIME nanosecond until which every
 *	check is refused, 0 if none (see sks_lockout_fail()).
 *
 * Protected by the lock of the state it protects (the slot's lock).
 */
struct sks_lockout {
	u32 failures;
	u64 until;
};

/**
 * struct sks_usage - a usage ledger entry: the use count of one
 * usage-limited key, shared by every copy of the key in the partition.
 * @ref: one for the ledger, one per object that counts its uses here.
 * @node: in sks_slot.ledger, ordered by @key_id; protected by slot->lock.
 * @key_id: the key's random id, carried in its blobs and archives.
 * @limit: the key's usage limit (immutable, non-zero).
 * @count: uses counted so far; atomic, never above @limit.
 */
struct sks_usage {
	struct kref ref;
	struct rb_node node;
	u8 key_id[SKS_KEY_ID_LEN];
	u64 limit;
	atomic64_t count;
};

/**
 * struct sks_smk - an SKS Master Key. Immutable after creation.
 * @ref: held by the slot (primary/rollover) and by extract/insert in flight.
 * @key: the SMK; never leaves the kernel.
 * @hkdf: PRK = HKDF-Extract(@key).
 * @fingerprint: public one-way identifier.
 */
struct sks_smk {
	struct kref ref;
	u8 key[SKS_SMK_LEN];
	struct sks_hkdf hkdf;
	u8 fingerprint[SKS_FINGERPRINT_LEN];
};

struct sks_file_session;

#define SKS_HMAC_ALGS	3	/* hmac(sha256), hmac(sha384), hmac(sha512) */

/**
 * struct sks_object - a key or data object, kept small: an idle AES-256
 * session object is one 128-byte allocation.
 * @ref: one reference for the partition's xarray, one per operation in
 *	flight; the value and transforms are freed with the last one.
 * @handle: index in sks_slot.objects.
 * @owner: owning session for session objects, NULL for token objects.
 *	Set once before the object is published.
 * @sess_node: entry in @owner's sks_file_session.objects; protected by
 *	sks_slot.lock.
 * @aead: AES keys: gcm(aes) keyed with the value, made on first use
 *	(sks_object_aead()); set once with cmpxchg(), then immutable.
 * @hmac: generic secrets: hmac(sha256/384/512) keyed with the value,
 *	each made on first use of its mechanism; set once like @aead.
 * @usage_count: keys without a usage limit: uses counted so far (atomic).
 * @usage: usage-limited keys: the partition's ledger entry that counts
 *	the uses of every copy of this key (a reference is held).
 * @usage_limit: immutable; 0 = unlimited (then @usage_count is used).
 * @obj_class: immutable, as are the fields below.
 * @key_type: key type.
 * @flags: SKS_OBJ_* bits.
 * @value_len: bytes of the value.
 * @label_len: bytes of the label.
 * @id_len: bytes of the id.
 * @bound: a usage-limited key bound to its ledger entry (@usage is
 *	valid); set before the object is published, then immutable.
 * @made: while it is published: its ledger entry was made for it.
 * @charge: bytes accounted in sks_slot.used.
 * @data: label, id, value and, for usage-limited keys, the key id
 *	(SKS_KEY_ID_LEN bytes), in this order; wiped on free.
 */
struct sks_object {
	struct kref ref;
	u32 handle;
	struct sks_file_session *owner;
	struct list_head sess_node;
	union {
		struct crypto_aead *aead;
		struct crypto_shash *hmac[SKS_HMAC_ALGS];
	};
	union {
		atomic64_t usage_count;
		struct sks_usage *usage;
	};
	u64 usage_limit;
	u32 obj_class;
	u32 key_type;
	u32 flags;
	u32 value_len;
	u32 charge;
	u8 label_len;
	u8 id_len;
	bool bound;
	bool made;
	u8 data[];
};

static inline const u8 *sks_obj_label(const struct sks_object *obj)
{
	return obj->data;
}

static inline const u8 *sks_obj_id(const struct sks_object *obj)
{
	return obj->data + obj->label_len;
}

static inline const u8 *sks_obj_value(const struct sks_object *obj)
{
	return obj->data + obj->label_len + obj->id_len;
}

struct sks_hsm;

/**
 * struct sks_slot - a partition (V0/V1) or a Backup HSM slot.
 * @ref: held by the slot table and by every session.
 * @hsm: owning HSM.
 * @num: slot number (minor), stable while the slot exists.
 * @type: SKS_SLOT_*.
 * @serial: slot serial number.
 * @fw_version: firmware version string.
 * @capacity: object storage in bytes.
 * @dev: the /dev/sksN device.
 * @cdev: its character device (allocated separately: open files may
 *	outlive the slot).
 * @auth_lock: serialises every check and change of a secret of this slot
 *	(so bad-attempt limits are exact) and the Backup HSM archive
 *	operations; protects @pin_tfm and @image_aead.
 * @pin_tfm: hmac(sha256) for PBKDF2; keyed only while a secret is used.
 * @image_aead: BACKUP: gcm(aes) for images, allocated on first use.
 * @lock: protects every field below.
 * @dead: the slot was deleted (written under @lock with WRITE_ONCE(),
 *	read locklessly on the crypto path). Set in the same critical
 *	section that empties @archives and @objects: whoever sees it clear
 *	under @lock sees the whole slot.
 * @initialized: partition initialised (always true for BACKUP).
 * @zeroized: the partition was zeroized after SKS_MAX_SO_FAILURES wrong
 *	SO secrets and not initialised since.
 * @epoch: bumped when a partition is zeroized or re-initialised; a login
 *	counts only in the epoch it was made in (sks_session_role()).
 *	Written with WRITE_ONCE(), read locklessly on the crypto path.
 * @label: partition label.
 * @so: SO secret (HSM-SO secret on a BACKUP slot).
 * @co: Crypto Officer secret.
 * @cu: Crypto User secret.
 * @domain: cloning domain (hashed like a secret).
 * @so_lockout: SO (Backup HSM: HSM SO) bad-attempt counter.
 * @co_lockout: Crypto Officer bad-attempt counter.
 * @cu_lockout: Crypto User bad-attempt counter.
 * @sim_lockout: V1: bad-attempt counter of blob authorisation secrets.
 * @sessions: open sessions.
 * @used: bytes charged by objects, ledger entries (and, BACKUP, archives).
 * @objects: handle -> struct sks_object.
 * @ledger: usage ledger: struct sks_usage by key id.
 * @smk: primary SMK (V1).
 * @rollover: rollover SMK (V1, during an SMK rollover).
 * @archives: BACKUP: struct sks_archive list, oldest first (archive.c);
 *	changed only under auth_lock and lock, emptied only together with
 *	setting @dead.
 * @nr_archives: BACKUP: entries on @archives.
 * @id_key: BACKUP: random key of the domain ids it reports (archive.c).
 * @storage_key: the random key its state records are sealed under
 *	(state.c); valid while @has_storage_key.
 * @has_storage_key: a storage key is set (an initialised, active slot).
 * @so_wrap: @storage_key wrapped under the SO (HSM SO) secret.
 * @co_wrap: @storage_key wrapped under the Crypto Officer secret.
 * @auto_wrap: the auto-activation policy: @storage_key wrapped under a
 *	keyring key named @auto_desc; kind SKS_WRAP_NONE when off.
 * @auto_desc: that key's description.
 * @deactivated: loaded from a state record and not activated yet: only
 *	@sealed is known of its contents (written under @lock with
 *	WRITE_ONCE(), read locklessly).
 * @sealed: while @deactivated: the record as loaded.
 * @sealed_len: its length.
 * @generation: grows with every durable change (sks_state_changed()).
 * @state_work: tells user space about a change (uevent, sysfs_notify).
 * @state_aead: gcm(aes) for records, made on first use; protected by
 *	auth_lock.
 */
struct sks_slot {
	struct kref ref;
	struct sks_hsm *hsm;
	unsigned int num;
	u32 type;
	u64 serial;
	char fw_version[SKS_FW_VERSION_LEN];
	u64 capacity;
	struct device *dev;
	struct cdev *cdev;

	struct mutex auth_lock;		/* see kernel-doc above */
	struct crypto_shash *pin_tfm;	/* protected by auth_lock */
	struct crypto_aead *image_aead;	/* protected by auth_lock */

	struct mutex lock;		/* see kernel-doc above */
	bool dead;			/* written under lock, WRITE_ONCE */
	bool initialized;		/* protected by lock */
	bool zeroized;			/* protected by lock */
	u32 epoch;			/* written under lock, WRITE_ONCE */
	char label[SKS_LABEL_LEN + 1];	/* protected by lock */
	struct sks_secret so;		/* protected by lock */
	struct sks_secret co;		/* protected by lock */
	struct sks_secret cu;		/* protected by lock */
	struct sks_secret domain;	/* protected by lock */
	struct sks_lockout so_lockout;	/* protected by lock */
	struct sks_lockout co_lockout;	/* protected by lock */
	struct sks_lockout cu_lockout;	/* protected by lock */
	struct sks_lockout sim_lockout;	/* protected by lock */
	unsigned int sessions;		/* protected by lock */
	u64 used;			/* protected by lock */
	struct xarray objects;		/* protected by lock (and xa_lock) */
	struct rb_root ledger;		/* protected by lock */
	struct sks_smk *smk;		/* protected by lock */
	struct sks_smk *rollover;	/* protected by lock */
	struct list_head archives;	/* protected by lock */
	unsigned int nr_archives;	/* protected by lock */
	u8 id_key[SKS_ID_KEY_LEN];	/* BACKUP; immutable once registered */
	u8 storage_key[SKS_SMK_LEN];	/* protected by lock */
	bool has_storage_key;		/* protected by lock */
	struct sks_rec_wrap so_wrap;	/* protected by lock */
	struct sks_rec_wrap co_wrap;	/* protected by lock */
	struct sks_rec_wrap auto_wrap;	/* protected by lock */
	char auto_desc[SKS_KEYDESC_MAX + 1];	/* protected by lock */
	bool deactivated;		/* written under lock, WRITE_ONCE */
	u8 *sealed;			/* protected by lock */
	u32 sealed_len;			/* protected by lock */
	atomic64_t generation;
	struct work_struct state_work;
	struct crypto_aead *state_aead;	/* protected by auth_lock */
};

/**
 * struct sks_file_session - one open file of /dev/sksN.
 * @slot: the slot (a reference is held).
 * @role: logged-in role or SKS_ROLE_NONE; written under slot->lock
 *	with WRITE_ONCE(), read under it or with READ_ONCE() (crypto path),
 *	always through sks_session_role().
 * @epoch: the slot's epoch at login; same locking as @role.
 * @objects: the session objects it owns (sks_object.sess_node);
 *	protected by slot->lock.
 * @blob_lock: protects @blob_aead.
 * @blob_aead: gcm(aes) rekeyed per blob with the derived blob key.
 */
struct sks_file_session {
	struct sks_slot *slot;
	u32 role;
	u32 epoch;
	struct list_head objects;	/* protected by slot->lock */
	struct mutex blob_lock;		/* protects blob_aead */
	struct crypto_aead *blob_aead;
};

/**
 * struct sks_hsm - the HSM (one per loaded module).
 * @serial: HSM serial number.
 * @firmware: firmware version.
 * @control: /dev/sks-control.
 * @devt: first dev_t of the slot devices.
 * @class: the "sks" class.
 * @slots_lock: protects @slots, @nr_slots and @generation.
 * @slots: slot table, indexed by slot number.
 * @nr_slots: slots in use.
 * @generation: grows when a slot is made or deleted (the HSM record).
 */
struct sks_hsm {
	u64 serial;
	char firmware[SKS_FW_VERSION_LEN];
	struct miscdevice control;
	dev_t devt;
	struct class *class;
	struct mutex slots_lock;		/* protects slots, nr_slots */
	struct sks_slot *slots[SKS_MAX_SLOTS];	/* protected by slots_lock */
	unsigned int nr_slots;			/* protected by slots_lock */
	u64 generation;				/* protected by slots_lock */
};

extern unsigned int sks_pbkdf2_iterations;
extern unsigned int sks_lockout_secs;
extern struct sks_hsm *sks_hsm;

/* ioctl.c */
int sks_fail(u32 *ckr, u32 code);
int sks_fail_errno(u32 *ckr, u32 code, int err);
long sks_dispatch(struct sks_file_session *sess, struct sks_hsm *hsm,
		  unsigned int cmd, unsigned long arg);
void *sks_memdup_user(u64 uptr, u32 len, u32 max, u32 *ckr);
int sks_handles_first_duplicate(const u32 *handles, u32 count, u32 *first);

/* crypto.c */
int sks_hkdf_setup(struct sks_hkdf *hkdf, const u8 *salt, unsigned int saltlen,
		   const u8 *ikm, unsigned int ikmlen);
int sks_hkdf_expand_tfm(struct crypto_shash *tfm, const u8 *info,
			unsigned int infolen, u8 *okm, unsigned int okmlen);
int sks_hkdf_expand(const struct sks_hkdf *hkdf, const u8 *info,
		    unsigned int infolen, u8 *okm, unsigned int okmlen);
void sks_hkdf_destroy(struct sks_hkdf *hkdf);
void sks_shash_forget_key(struct crypto_shash *tfm);
int sks_pbkdf2_sha256(struct crypto_shash *tfm, const u8 *pass, size_t passlen,
		      const u8 *salt, size_t saltlen, unsigned int iterations,
		      u8 *out, size_t outlen);
int sks_secret_set(struct crypto_shash *tfm, struct sks_secret *s,
		   const u8 *pin, size_t len);
int sks_secret_check(struct crypto_shash *tfm, const struct sks_secret *s,
		     const u8 *pin, size_t len, bool *match);
int sks_gcm_buf(struct crypto_aead *tfm, const u8 *key, bool enc, u8 *buf,
		size_t aad_len, size_t text_len, const u8 *iv);
struct crypto_aead *sks_gcm_alloc(void);
struct crypto_aead *sks_gcm_get(void);
void sks_gcm_put(struct crypto_aead *tfm);
struct crypto_shash *sks_hmac_get(int idx);
void sks_hmac_put(int idx, struct crypto_shash *tfm);
#define SKS_OPBUF_SIZE	16384	/* pooled operation buffers */
void *sks_opbuf_get(size_t size);
void sks_opbuf_put(void *buf, size_t size);
void sks_opbuf_put_wiped(void *buf, size_t size, size_t wipe);
void sks_pools_exit(void);
struct sks_smk *sks_smk_create(void);
struct sks_smk *sks_smk_import(const u8 *key);
void sks_smk_put(struct sks_smk *smk);
int sks_selftest(void);

/* slot.c */
int sks_slots_init(struct sks_hsm *hsm);
void sks_slots_exit(struct sks_hsm *hsm);
u64 sks_random_serial(void);
int sks_slot_create(struct sks_hsm *hsm, struct sks_slot_create *arg, u32 *ckr);
struct sks_slot *sks_slot_alloc(struct sks_hsm *hsm,
				const struct sks_slot_create *arg);
#define SKS_SLOT_LOWEST_FREE	U32_MAX		/* sks_slot_register(): lowest free */
int sks_slot_register(struct sks_hsm *hsm, struct sks_slot *slot, u32 want,
		      u32 *ckr);
int sks_slot_delete(struct sks_hsm *hsm, u32 num, u32 *ckr);
struct sks_slot *sks_slot_get(struct sks_hsm *hsm, u32 num);
int sks_slot_list(struct sks_hsm *hsm, struct sks_slot_list *arg, u32 *ckr);
void sks_slot_put(struct sks_slot *slot);
u32 sks_slot_state(struct sks_slot *slot);
extern const struct file_operations sks_slot_fops;

/* main.c: control ioctls */
int sks_ctl_hsm_info(struct sks_hsm *hsm, void *arg, u32 *ckr);
int sks_ctl_create_slot(struct sks_hsm *hsm, void *arg, u32 *ckr);
int sks_ctl_delete_slot(struct sks_hsm *hsm, void *arg, u32 *ckr);
int sks_ctl_list_slots(struct sks_hsm *hsm, void *arg, u32 *ckr);

/* session.c */
u32 sks_session_role(struct sks_file_session *sess);
bool sks_session_sees_private(struct sks_file_session *sess);
int sks_session_require_partition(struct sks_file_session *sess, u32 *ckr);
int sks_session_require(struct sks_file_session *sess, bool co_only, u32 *ckr);
int sks_session_require_lockless(struct sks_file_session *sess, bool co_only,
				 u32 *ckr);
int sks_ioc_session_info(struct sks_file_session *sess, void *arg, u32 *ckr);

/* auth.c */
u32 sks_lockout_left(const struct sks_lockout *l);
void sks_lockout_fail(struct sks_lockout *l, u32 limit);
void sks_lockout_resume(struct sks_lockout *l, u32 limit);
void sks_lockout_reset(struct sks_lockout *l);
int sks_check_pin_len(u32 len, u32 *ckr);
u8 *sks_copy_pin(u64 uptr, u32 len, u32 *ckr);
int sks_check_secret(struct sks_slot *slot, u32 role, const u8 *pin,
		     u32 len, u32 *ckr);
void sks_partition_wipe_locked(struct sks_slot *slot);
int sks_ioc_partition_init(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_login(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_logout(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_init_role(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_change_pin(struct sks_file_session *sess, void *arg, u32 *ckr);

/* object.c */
struct sks_blob_rec;
void sks_object_put(struct sks_object *obj);
u64 sks_object_use_count(const struct sks_object *obj);
void sks_object_attrs(const struct sks_object *obj, struct sks_obj_attrs *a);
int sks_object_validate(struct sks_slot *slot, const struct sks_obj_attrs *a,
			bool insert, u32 *ckr);
int sks_object_check_value(const struct sks_obj_attrs *a, const u8 *value,
			   u32 *ckr);
struct sks_object *sks_object_new(const struct sks_obj_attrs *a,
				  const u8 *value, const u8 *key_id, u32 *ckr);
int sks_objects_publish_locked(struct sks_slot *slot, struct sks_file_session *sess,
			       struct sks_object **objs, u32 n, u32 *ckr);
void sks_object_remove_locked(struct sks_slot *slot, struct sks_object *obj);
struct sks_object *sks_object_get_locked(struct sks_file_session *sess, u32 handle);
void sks_session_objects_destroy(struct sks_file_session *sess);
void sks_slot_objects_destroy_locked(struct sks_slot *slot);
void sks_object_to_rec(const struct sks_object *obj, struct sks_blob_rec *r);
int sks_rec_attrs(struct sks_slot *slot, const struct sks_blob_rec *r,
		  u32 flags, struct sks_obj_attrs *a, u32 *ckr);
struct sks_object *sks_object_from_rec(struct sks_slot *slot,
				       const struct sks_blob_rec *r, u32 flags,
				       u32 *ckr);
int sks_ioc_generate_key(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_create_object(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_get_attrs(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_get_value(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_find_objects(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_destroy_object(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_set_attrs(struct sks_file_session *sess, void *arg, u32 *ckr);
struct sks_object *sks_lookup(struct sks_file_session *sess, u32 handle,
			      bool co_only, u32 *ckr);
bool sks_object_visible(struct sks_file_session *sess,
			const struct sks_object *obj, bool priv);
int sks_check_bytes(const u8 *buf, u32 len, u32 max);

/* ledger.c */
const u8 *sks_obj_key_id(const struct sks_object *obj);
void sks_legacy_key_id(const struct sks_blob_rec *r, u8 *key_id);
void sks_ledger_put(struct sks_usage *u);
int sks_ledger_carry(struct sks_slot *slot, const u8 *key_id, u64 limit,
		     u64 *count, u32 *ckr);
int sks_ledger_bind_locked(struct sks_slot *slot, struct sks_object *obj,
			   u32 *ckr);
void sks_ledger_unbind_all_locked(struct sks_slot *slot,
				  struct sks_object **objs, u32 n);
void sks_ledger_destroy_locked(struct sks_slot *slot);
int sks_ledger_restore_locked(struct sks_slot *slot,
			      const struct sks_rec_ledger *l, u32 *ckr);

/* keyuse.c */
struct sks_object *sks_use_key(struct sks_file_session *sess, u32 handle,
			       u32 obj_class, u32 key_type, u32 need, u32 *ckr);
bool sks_object_count_use(struct sks_object *obj);
bool sks_object_count_uses(struct sks_object *obj, u32 n);
int sks_sign_prepare(const struct sks_object *obj, u32 mechanism, u32 flags,
		     u32 *sig_max, u32 *ckr);
int sks_sign_obj(struct sks_object *obj, u32 mechanism, u32 flags,
		 const u8 *msg, u32 len, u8 *sig, u32 *sig_len);
int sks_ioc_encrypt(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_decrypt(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_sign(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_verify(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_batch(struct sks_file_session *sess, void *arg, u32 *ckr);

/* blob.c */
int sks_ioc_extract(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_insert(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_multi_sign(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_rewrap(struct sks_file_session *sess, void *arg, u32 *ckr);
struct sks_blob_hdr;
struct sks_blob_auth;
struct sks_sim_secrets;
int sks_blob_crypt(struct sks_file_session *sess, struct sks_smk *smk,
		   const struct sks_blob_hdr *hdr, u8 *buf, bool enc);
u8 *sks_blob_read(struct sks_file_session *sess, u64 ublob, u32 len,
		  struct sks_blob_hdr *hdr, u32 *ckr);
int sks_blob_unseal(struct sks_file_session *sess, const struct sks_blob_hdr *hdr,
		    u8 *buf, struct sks_blob_auth *auth, const u8 **recs,
		    const u8 **end, u32 *ckr);
int sks_blob_open(struct sks_file_session *sess, const struct sks_blob_hdr *hdr,
		  u8 *buf, const struct sks_sim_secrets *secrets,
		  const u8 **recs, const u8 **end, u32 *ckr);

/**
 * struct sks_sim_secrets - authorisation secrets of an SKS blob, copied
 * from user space (simauth.c); wiped when freed.
 * @count: how many.
 * @len: their lengths.
 * @val: their bytes.
 */
struct sks_sim_secrets {
	u32 count;
	u32 len[SKS_SIM_AUTH_MAX];
	u8 val[SKS_SIM_AUTH_MAX][SKS_PIN_MAX];
};

struct sks_sim_secrets *sks_sim_secrets_read(u64 uptr, u32 count, u32 *ckr);
void sks_sim_secrets_free(struct sks_sim_secrets *s);
int sks_sim_auth_check_new(const struct sks_sim_secrets *s, u32 m, u32 *ckr);
void sks_sim_auth_put(const struct sks_sim_secrets *s, u32 m, u8 *out);
int sks_sim_auth_check(struct sks_slot *slot, const struct sks_blob_auth *a,
		       const struct sks_sim_secrets *s, u32 *ckr);
int sks_ioc_smk_rollover(struct sks_file_session *sess, void *arg, u32 *ckr);

/* archive.c */
int sks_ioc_archive_backup(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_archive_restore(struct sks_file_session *sess, void *arg, u32 *ckr);

/* backup_hsm.c */
void sks_archives_destroy_locked(struct sks_slot *slot);
int sks_domain_set(struct crypto_shash *tfm, struct sks_secret *s,
		   const u8 *domain, size_t len);
void sks_domain_restore(struct sks_secret *s, const u8 *hash);
bool sks_fw_supports_sks(const char *fw);
int sks_ioc_archive_list(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_archive_show(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_archive_delete(struct sks_file_session *sess, void *arg, u32 *ckr);

/* ec.c */
/**
 * struct sks_ec_curve - a curve sks keys can be on.
 * @id: SKS_EC_*.
 * @ecc_id: the ecc module's ECC_CURVE_NIST_*.
 * @ndigits: 64-bit digits of a scalar or coordinate.
 * @nbytes: bytes of a scalar or coordinate.
 * @hash: the RFC 6979 HMAC hash of the curve (SHA-256, SHA-384): index in
 *	sks_ec_hash[].
 */
struct sks_ec_curve {
	u32 id;
	unsigned int ecc_id;
	unsigned int ndigits;
	unsigned int nbytes;
	unsigned int hash;
};

const struct sks_ec_curve *sks_ec_curve_of(u32 obj_class, u32 len);
const struct sks_ec_curve *sks_ec_curve_get(u32 id);
u32 sks_ec_sizes(const struct sks_ec_curve *c, u32 *priv, u32 *pub);
int sks_ec_generate(const struct sks_ec_curve *c, u8 *priv, u8 *pub);
int sks_ec_check_priv(const struct sks_ec_curve *c, const u8 *priv);
int sks_ec_check_pub(const struct sks_ec_curve *c, const u8 *pub);
int sks_ecdsa_sign(const struct sks_ec_curve *c, const u8 *priv, const u8 *h,
		   size_t hlen, bool hedge, u8 *sig);
int sks_ecdsa_verify(const struct sks_ec_curve *c, const u8 *pub, const u8 *h,
		     size_t hlen, const u8 *sig);
int sks_ecdh(const struct sks_ec_curve *c, const u8 *priv, const u8 *peer,
	     u8 *z);
int sks_ec_hash_msg(bool sha384, const u8 *msg, size_t len, u8 *out);
int sks_ec_kdf(bool sha384, const u8 *z, size_t zlen, const u8 *info,
	       size_t ilen, u8 *out, size_t olen);
u32 sks_ecdsa_to_der(const u8 *raw, u32 n, u8 *der);
int sks_ecdsa_from_der(const u8 *der, u32 dlen, u32 n, u8 *raw);
int sks_ec_selftest(void);
int sks_ec_init(void);
void sks_ec_exit(void);

/* ecops.c */
bool sks_ecdsa_mechanism(u32 mechanism);
struct ecc_curve;
struct ecc_point;
void sks_ec_mod_add(u64 *r, const u64 *a, const u64 *b, const u64 *m,
		    unsigned int nd);
bool sks_ecp_mul2(const struct ecc_curve *c, const u64 *u1, const u64 *u2,
		  const struct ecc_point *q, u64 *rx, u64 *ry);
bool sks_ecp_double(const struct ecc_curve *c, const struct ecc_point *p,
		    u64 *rx, u64 *ry);
u32 sks_ecdsa_sig_max(const struct sks_object *obj, bool der);
int sks_ecdsa_sign_obj(const struct sks_object *obj, u32 mechanism, bool der,
		       const u8 *msg, u32 len, u8 *sig, u32 *sig_len);
#define SKS_ECDSA_DER_MAX	(2 * 48 + 9)	/* P-384 ECDSA-Sig-Value */
#define SKS_SIG_MAX		SKS_ECDSA_DER_MAX	/* HMAC: 64 */
int sks_ecdsa(struct sks_file_session *sess, struct sks_sign *s, bool sign,
	      u32 *ckr);
int sks_ioc_generate_key_pair(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ioc_derive_key(struct sks_file_session *sess, void *arg, u32 *ckr);

/* state.c */
void sks_state_init(struct sks_slot *slot);
void sks_state_changed(struct sks_slot *slot);
void sks_state_stop(struct sks_slot *slot);
int sks_state_wrap_role_locked(struct sks_slot *slot, u32 role);
int sks_state_new_key_locked(struct sks_slot *slot);
void sks_state_forget_locked(struct sks_slot *slot);
int sks_state_unlock(struct sks_slot *slot, u32 role, const u8 *pin, u32 len,
		     bool *match, u32 *ckr);
int sks_ctl_state_save(struct sks_hsm *hsm, void *arg, u32 *ckr);
int sks_ctl_state_load(struct sks_hsm *hsm, void *arg, u32 *ckr);
int sks_ioc_auto_activation(struct sks_file_session *sess, void *arg, u32 *ckr);

/* image.c */
size_t sks_image_payload_size(struct sks_slot *b);
void sks_image_encode(struct sks_slot *b, u8 *p);
int sks_backup_state_open(struct sks_slot *b, const u8 *p, size_t len,
			  u32 *ckr);
int sks_ioc_image_save(struct sks_file_session *sess, void *arg, u32 *ckr);
int sks_ctl_image_load(struct sks_hsm *hsm, void *arg, u32 *ckr);

#endif /* _SKS_H */
