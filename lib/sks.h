/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsks - C library over the sks ioctls (Scalable Key Storage HSM emulation).
 *
 * Objects
 *   struct sks_hsm          the HSM's control device (/dev/sks-control)
 *   struct sks_slot_info    one slot as listed by the control device
 *   struct sks_slots        the slots of the HSM
 *   struct sks_session      an open session on a slot (/dev/sksN)
 *   struct sks_session_desc a snapshot of a session's slot and login state
 *   struct sks_attrs        object attributes (template or read back)
 *   struct sks_blob_set     an ordered set of SKS blobs (one extracted group)
 *   struct sks_archive_info one archive partition of a Backup HSM
 *   struct sks_archives     the archives of a Backup HSM
 *
 * EC identity keys (key pairs, ECDSA, ECDH, public keys as DER and PEM)
 * are used through handles and byte buffers: see "EC identity keys".
 *
 * Backup HSM images are plain byte buffers (malloc) or files.
 *
 * Error convention (the same for every function of this library)
 *   - A function returning int returns 0 on success and -1 on failure.
 *   - A function returning a pointer returns a valid pointer on success and
 *     NULL on failure.
 *   - On failure errno is set, and the PKCS#11 result code (CKR_*) of the
 *     failure is available in the same thread from sks_last_result(). The
 *     code comes from the driver when it answered, otherwise the library
 *     picks the closest code (CKR_HOST_MEMORY for ENOMEM, CKR_ARGUMENTS_BAD
 *     for invalid arguments, ...). Every call that can fail sets the last
 *     result, to CKR_OK on success.
 *   - Getters of opaque objects cannot fail and return plain values.
 *   - Destructors (*_free, *_close) accept NULL.
 *
 * Variable-size output (the same for every function that writes into a
 * caller's buffer whose room it takes and returns through a size_t
 * pointer: sks_crypto_encrypt(), sks_crypto_decrypt(), sks_crypto_sign(),
 * sks_ec_sign(), sks_ec_get_point() and the EC codecs;
 * PKCS#11 v2.40 section 5.2)
 *   - A NULL buffer is a size query: the call returns 0 and puts the needed
 *     length in *len. No operation runs and no key use is counted.
 *   - A buffer with too little room: the call returns -1 with errno
 *     EOVERFLOW, sks_last_result() SKS_CKR_BUFFER_TOO_SMALL and the needed
 *     length in *len; nothing is written to the buffer.
 *   - Success: *len is the number of bytes written.
 *   - Any other failure: *len is 0.
 *   Functions that return variable-size output in memory they allocate
 *   (sks_object_get_value(), sks_object_find(), sks_backup_save_image(),
 *   the lists) size it themselves; sks_hsm_get_firmware() fills a string of
 *   at most SKS_FW_VERSION_LEN bytes and fails with EOVERFLOW
 *   (SKS_CKR_BUFFER_TOO_SMALL) in less room.
 *
 * Ownership
 *   Every object returned by a *_new, *_open, *_get_*_info/_desc, *_list or
 *   extract function belongs to the caller, who releases it with the
 *   matching destructor named in the function's comment. Pointers returned by
 *   getters point into the object they were read from and live as long as it.
 *
 * Threads
 *   The library has no global mutable state except the per-thread last
 *   result. Distinct objects may be used from different threads freely; one
 *   object must not be modified (set_*, add, free) concurrently with other
 *   use of it. Sessions may be shared between threads for crypto operations:
 *   the driver serialises what needs it.
 */
#ifndef __LIBSKS_SKS_H__
#define __LIBSKS_SKS_H__

#include <stddef.h>
#include <stdint.h>
#include <linux/sks.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sks_hsm;
struct sks_slot_info;
struct sks_slots;
struct sks_session;
struct sks_session_desc;
struct sks_attrs;
struct sks_blob_set;
struct sks_archive_info;
struct sks_archives;

/* ---------------------------------------------------------------------- */
/* Result codes and version                                               */
/* ---------------------------------------------------------------------- */

/**
 * sks_last_result() - the PKCS#11 result code of this thread's last call.
 *
 * Return: CKR_* value (SKS_CKR_OK after a successful call).
 */
uint32_t sks_last_result(void);

/**
 * sks_result_name() - symbolic name of a result code.
 * @ckr: CKR_* value.
 *
 * Return: a static string such as "CKR_SESSION_CLOSED", or NULL if @ckr is
 * not a code the driver uses. Never free it.
 */
const char *sks_result_name(uint32_t ckr);

/**
 * sks_strerror() - human readable description of a result code.
 * @ckr: CKR_* value.
 *
 * Return: a static string ("session closed", ...); "unknown result code"
 * for codes the library does not know. Never free it.
 */
const char *sks_strerror(uint32_t ckr);

/**
 * sks_result_errno() - the errno value the driver pairs with a result code.
 * @ckr: CKR_* value.
 *
 * Return: a positive errno value, 0 for CKR_OK, EIO for unknown codes.
 */
int sks_result_errno(uint32_t ckr);

/**
 * sks_api_version() - version of the library.
 *
 * Return: static string such as "0.1.0". Never free it.
 */
const char *sks_api_version(void);

/* ---------------------------------------------------------------------- */
/* The HSM: /dev/sks-control (CAP_SYS_ADMIN)                               */
/* ---------------------------------------------------------------------- */

/**
 * sks_hsm_open() - open the HSM's control device.
 * @path: device path, or NULL for SKS_CONTROL_DEVICE.
 *
 * Return: a new HSM handle, to be released with sks_hsm_close(), or NULL.
 */
struct sks_hsm *sks_hsm_open(const char *path);

/**
 * sks_hsm_close() - close an HSM handle and free it.
 * @hsm: handle from sks_hsm_open(), or NULL.
 */
void sks_hsm_close(struct sks_hsm *hsm);

/**
 * sks_hsm_get_fd() - the file descriptor of the control device.
 * @hsm: HSM handle.
 *
 * Return: the descriptor, owned by @hsm (do not close it).
 */
int sks_hsm_get_fd(struct sks_hsm *hsm);

/**
 * sks_hsm_get_serial() - read the HSM serial number.
 * @hsm: HSM handle.
 * @serial: out: serial number.
 *
 * Return: 0 or -1.
 */
int sks_hsm_get_serial(struct sks_hsm *hsm, uint64_t *serial);

/**
 * sks_hsm_get_firmware() - read the HSM firmware version.
 * @hsm: HSM handle.
 * @buf: out: NUL terminated version string ("7.7.2").
 * @size: room at @buf (SKS_FW_VERSION_LEN is enough).
 *
 * Return: 0 or -1 (EOVERFLOW with SKS_CKR_BUFFER_TOO_SMALL if @size was too
 * small, EINVAL if @buf is NULL or @size 0).
 */
int sks_hsm_get_firmware(struct sks_hsm *hsm, char *buf, size_t size);

/**
 * sks_hsm_create_partition() - create a partition slot.
 * @hsm: HSM handle.
 * @type: SKS_SLOT_V0 (ordinary) or SKS_SLOT_V1 (SKS partition).
 * @capacity: object storage in bytes, 0 for the default.
 * @slot: out: number of the new slot (may be NULL).
 *
 * The partition must then be initialised with sks_session_init_partition().
 *
 * Return: 0 or -1.
 */
int sks_hsm_create_partition(struct sks_hsm *hsm, unsigned int type,
			     uint64_t capacity, unsigned int *slot);

/**
 * sks_hsm_create_backup() - create a Backup HSM slot.
 * @hsm: HSM handle.
 * @firmware: firmware version string, or NULL for the default ("7.7.1").
 * @so_secret: the Backup HSM's SO secret (NUL terminated).
 * @slot: out: number of the new slot (may be NULL).
 *
 * Return: 0 or -1.
 */
int sks_hsm_create_backup(struct sks_hsm *hsm, const char *firmware,
			  const char *so_secret, unsigned int *slot);

/**
 * sks_hsm_create_partition_at() - create a partition slot with a given
 * number (as an operator numbers slots: "slot 4").
 * @hsm: HSM handle.
 * @slot: the slot number, below SKS_MAX_SLOTS.
 * @type: SKS_SLOT_V0 or SKS_SLOT_V1.
 * @capacity: object storage in bytes, 0 for the default.
 *
 * Return: 0 or -1 (EEXIST with CKR_FUNCTION_FAILED if the slot exists).
 */
int sks_hsm_create_partition_at(struct sks_hsm *hsm, unsigned int slot,
				unsigned int type, uint64_t capacity);

/**
 * sks_hsm_create_backup_at() - create a Backup HSM slot with a given number.
 * @hsm: HSM handle.
 * @slot: the slot number, below SKS_MAX_SLOTS.
 * @firmware: firmware version string, or NULL for the default ("7.7.1").
 * @so_secret: the Backup HSM's SO secret (NUL terminated).
 *
 * Return: 0 or -1 (EEXIST with CKR_FUNCTION_FAILED if the slot exists).
 */
int sks_hsm_create_backup_at(struct sks_hsm *hsm, unsigned int slot,
			     const char *firmware, const char *so_secret);

/**
 * sks_hsm_delete_slot() - delete a slot and everything in it.
 * @hsm: HSM handle.
 * @slot: slot number.
 *
 * Return: 0 or -1.
 */
int sks_hsm_delete_slot(struct sks_hsm *hsm, unsigned int slot);

/**
 * sks_hsm_list_slots() - list the slots, lowest number first.
 * @hsm: HSM handle.
 *
 * Return: a new list, to be released with sks_slots_free(), or NULL.
 */
struct sks_slots *sks_hsm_list_slots(struct sks_hsm *hsm);

/**
 * sks_slots_free() - free a slot list and the entries it owns.
 * @list: list from sks_hsm_list_slots(), or NULL.
 */
void sks_slots_free(struct sks_slots *list);

/**
 * sks_slots_get_count() - number of slots in a list.
 * @list: slot list.
 *
 * Return: the count.
 */
size_t sks_slots_get_count(const struct sks_slots *list);

/**
 * sks_slots_get_slot() - one slot of a list.
 * @list: slot list.
 * @index: 0..count-1.
 *
 * Return: the entry, owned by @list, or NULL if @index is out of range.
 */
const struct sks_slot_info *
sks_slots_get_slot(const struct sks_slots *list, size_t index);

/** sks_slot_info_get_number() - slot number N of /dev/sksN. @info: entry. */
unsigned int sks_slot_info_get_number(const struct sks_slot_info *info);
/** sks_slot_info_get_type() - SKS_SLOT_V0, _V1 or _BACKUP. @info: entry. */
unsigned int sks_slot_info_get_type(const struct sks_slot_info *info);
/** sks_slot_info_get_serial() - slot serial number. @info: entry. */
uint64_t sks_slot_info_get_serial(const struct sks_slot_info *info);
/**
 * sks_slot_info_get_label() - partition label.
 * @info: entry.
 *
 * Return: NUL terminated string owned by @info ("" if none).
 */
const char *sks_slot_info_get_label(const struct sks_slot_info *info);
/**
 * sks_slot_info_get_firmware() - firmware version of the slot.
 * @info: entry.
 *
 * Return: NUL terminated string owned by @info.
 */
const char *sks_slot_info_get_firmware(const struct sks_slot_info *info);
/** sks_slot_info_get_state() - SKS_STATE_* bits. @info: entry. */
uint32_t sks_slot_info_get_state(const struct sks_slot_info *info);
/** sks_slot_info_get_sessions() - open sessions. @info: entry. */
unsigned int sks_slot_info_get_sessions(const struct sks_slot_info *info);
/** sks_slot_info_get_capacity() - storage in bytes. @info: entry. */
uint64_t sks_slot_info_get_capacity(const struct sks_slot_info *info);
/** sks_slot_info_get_used() - bytes used by objects. @info: entry. */
uint64_t sks_slot_info_get_used(const struct sks_slot_info *info);

/**
 * sks_slot_type_name() - name of a slot type for display.
 * @type: SKS_SLOT_*.
 *
 * Return: static string ("SKS partition (V1)", ...).
 */
const char *sks_slot_type_name(unsigned int type);

/* ---------------------------------------------------------------------- */
/* Sessions: /dev/sksN                                                    */
/* ---------------------------------------------------------------------- */

/**
 * sks_session_open() - open a session on a slot.
 * @slot: slot number N of /dev/sksN.
 *
 * Return: a new session, to be released with sks_session_close(), or NULL
 * (CKR_TOKEN_NOT_PRESENT if there is no such slot).
 */
struct sks_session *sks_session_open(unsigned int slot);

/**
 * sks_session_open_path() - open a session on a slot device by path.
 * @path: device path.
 *
 * Return: a new session, to be released with sks_session_close(), or NULL.
 */
struct sks_session *sks_session_open_path(const char *path);

/**
 * sks_session_close() - close a session (logging it out) and free it.
 * Session objects created in it are destroyed by the driver.
 * @session: session, or NULL.
 */
void sks_session_close(struct sks_session *session);

/**
 * sks_session_get_fd() - the session's file descriptor.
 * @session: session.
 *
 * Return: the descriptor, owned by @session (do not close it).
 */
int sks_session_get_fd(struct sks_session *session);

/**
 * sks_session_get_desc() - read the state of the session and its slot.
 * @session: session.
 *
 * Return: a new snapshot, to be released with sks_session_desc_free(), or
 * NULL.
 */
struct sks_session_desc *sks_session_get_desc(struct sks_session *session);

/**
 * sks_session_desc_free() - free a snapshot.
 * @desc: snapshot, or NULL.
 */
void sks_session_desc_free(struct sks_session_desc *desc);

/** sks_session_desc_get_slot() - slot number. @desc: snapshot. */
unsigned int sks_session_desc_get_slot(const struct sks_session_desc *desc);
/** sks_session_desc_get_type() - SKS_SLOT_*. @desc: snapshot. */
unsigned int sks_session_desc_get_type(const struct sks_session_desc *desc);
/** sks_session_desc_get_role() - SKS_ROLE_* or SKS_ROLE_NONE. @desc: snapshot. */
uint32_t sks_session_desc_get_role(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_state() - SKS_STATE_* bits of the slot.
 * @desc: snapshot.
 *
 * Besides INITIALIZED, CO_SET, CU_SET and SMK_ROLLOVER: SKS_STATE_CO_LOCKED
 * and SKS_STATE_CU_LOCKED (that role is locked after SKS_MAX_LOGIN_FAILURES
 * failed logins until the partition SO initialises it again),
 * SKS_STATE_ZEROIZED (the partition was wiped after SKS_MAX_SO_FAILURES
 * failed partition SO logins and must be initialised again) and, on a
 * Backup HSM, SKS_STATE_SO_LOCKED (an HSM SO lockout is running).
 *
 * Return: the bits.
 */
uint32_t sks_session_desc_get_state(const struct sks_session_desc *desc);
/** sks_session_desc_get_serial() - slot serial number. @desc: snapshot. */
uint64_t sks_session_desc_get_serial(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_label() - partition label.
 * @desc: snapshot.
 *
 * Return: NUL terminated string owned by @desc.
 */
const char *sks_session_desc_get_label(const struct sks_session_desc *desc);
/** sks_session_desc_get_capacity() - bytes. @desc: snapshot. */
uint64_t sks_session_desc_get_capacity(const struct sks_session_desc *desc);
/** sks_session_desc_get_used() - bytes used. @desc: snapshot. */
uint64_t sks_session_desc_get_used(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_smk_fingerprint() - primary SMK fingerprint (V1).
 * @desc: snapshot.
 *
 * Return: SKS_FINGERPRINT_LEN bytes owned by @desc, or NULL if the slot has
 * no SMK.
 */
const uint8_t *
sks_session_desc_get_smk_fingerprint(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_rollover_fingerprint() - rollover SMK fingerprint.
 * @desc: snapshot.
 *
 * Return: SKS_FINGERPRINT_LEN bytes owned by @desc, or NULL if no rollover
 * SMK is present.
 */
const uint8_t *
sks_session_desc_get_rollover_fingerprint(const struct sks_session_desc *desc);

/**
 * sks_session_desc_get_so_failures() - consecutive failed checks of the
 * partition SO secret (on a Backup HSM: of the HSM SO secret).
 * @desc: snapshot.
 *
 * SKS_MAX_SO_FAILURES of them zeroize a partition; SKS_MAX_HSM_SO_FAILURES
 * of them start an HSM SO lockout on a Backup HSM.
 *
 * Return: the count (0 with a driver that does not report it).
 */
unsigned int
sks_session_desc_get_so_failures(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_co_failures() - consecutive failed Crypto Officer
 * logins (SKS_MAX_LOGIN_FAILURES lock the role).
 * @desc: snapshot.
 *
 * Return: the count.
 */
unsigned int
sks_session_desc_get_co_failures(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_cu_failures() - consecutive failed Crypto User
 * logins (SKS_MAX_LOGIN_FAILURES lock the role).
 * @desc: snapshot.
 *
 * Return: the count.
 */
unsigned int
sks_session_desc_get_cu_failures(const struct sks_session_desc *desc);
/**
 * sks_session_desc_get_lockout_secs() - Backup HSM: seconds left of an HSM
 * SO lockout (SKS_STATE_SO_LOCKED).
 * @desc: snapshot.
 *
 * Return: the seconds, 0 when no lockout runs (and on partitions).
 */
unsigned int
sks_session_desc_get_lockout_secs(const struct sks_session_desc *desc);

/**
 * sks_role_name() - Luna name of a role for display.
 * @role: SKS_ROLE_*.
 *
 * Return: static string: "Partition SO", "Crypto Officer", "Crypto User" or
 * "none".
 */
const char *sks_role_name(uint32_t role);

/**
 * sks_session_init_partition() - initialise a partition (CAP_SYS_ADMIN).
 * A V1 partition gets a new SMK here.
 * @session: session on the partition.
 * @so_pin: partition SO secret (SKS_PIN_MIN..SKS_PIN_MAX characters). A
 *	partition that is initialised already is re-initialised, its
 *	objects, SMKs and Crypto Officer and Crypto User secrets wiped, when
 *	@so_pin is its current SO secret, which it keeps.
 * @domain: cloning domain.
 * @label: partition label, or NULL.
 *
 * Return: 0 or -1 (CKR_PIN_INCORRECT for a wrong SO secret on an
 * initialised partition, counted towards its zeroization; CKR_PIN_LEN_RANGE
 * for a secret of the wrong length).
 */
int sks_session_init_partition(struct sks_session *session, const char *so_pin,
			       const char *domain, const char *label);

/**
 * sks_session_login() - log the session in.
 * @session: session.
 * @role: SKS_ROLE_SO, SKS_ROLE_CO or SKS_ROLE_CU.
 * @pin: the role's secret.
 *
 * Every wrong secret counts (see "Bad-attempt limits" in <linux/sks.h>).
 *
 * Return: 0 or -1 (CKR_PIN_INCORRECT for a wrong secret, CKR_PIN_LOCKED for
 * a locked Crypto Officer or Crypto User, CKR_USER_PIN_NOT_INITIALIZED on a
 * zeroized partition).
 */
int sks_session_login(struct sks_session *session, uint32_t role,
		      const char *pin);

/**
 * sks_session_logout() - log the session out.
 * @session: session.
 *
 * Return: 0 or -1.
 */
int sks_session_logout(struct sks_session *session);

/**
 * sks_session_init_role() - as partition SO, set the CO or CU secret (this
 * also clears a lockout).
 * @session: session logged in as SO.
 * @role: SKS_ROLE_CO or SKS_ROLE_CU.
 * @pin: the new secret.
 *
 * Return: 0 or -1.
 */
int sks_session_init_role(struct sks_session *session, uint32_t role,
			  const char *pin);

/**
 * sks_session_change_pin() - change the logged-in role's secret.
 * @session: logged-in session.
 * @role: the role logged in.
 * @old_pin: current secret.
 * @new_pin: new secret.
 *
 * Return: 0 or -1.
 */
int sks_session_change_pin(struct sks_session *session, uint32_t role,
			   const char *old_pin, const char *new_pin);

/**
 * sks_session_smk_rollover() - start or end an SMK rollover (V1, CO).
 * @session: session logged in as CO.
 * @flags: SKS_ROLLOVER_START or SKS_ROLLOVER_END.
 *
 * Return: 0 or -1.
 */
int sks_session_smk_rollover(struct sks_session *session, uint32_t flags);

/* ---------------------------------------------------------------------- */
/* Object attributes                                                      */
/* ---------------------------------------------------------------------- */

/**
 * sks_attrs_new() - new attributes for a private key: class
 * SKS_CKO_SECRET_KEY, key type SKS_CKK_AES, flags SKS_OBJ_PRIVATE, empty
 * label and id.
 *
 * Objects are private by default, as Luna's are: only sessions logged in
 * as Crypto Officer or Crypto User see them. An object without
 * SKS_OBJ_PRIVATE is public (also seen without a login, and by the SO).
 *
 * Return: new attributes, to be released with sks_attrs_free(), or NULL.
 */
struct sks_attrs *sks_attrs_new(void);

/**
 * sks_attrs_free() - free attributes.
 * @attrs: attributes, or NULL.
 */
void sks_attrs_free(struct sks_attrs *attrs);

/** sks_attrs_set_class() - set the class (SKS_CKO_*). @attrs: attributes. @cls: class. */
void sks_attrs_set_class(struct sks_attrs *attrs, uint32_t cls);
/** sks_attrs_set_key_type() - set the key type (SKS_CKK_*). @attrs: attributes. @key_type: type. */
void sks_attrs_set_key_type(struct sks_attrs *attrs, uint32_t key_type);
/**
 * sks_attrs_set_flags() - set the SKS_OBJ_* flags.
 * @attrs: attributes.
 * @flags: all the flags: SKS_OBJ_PRIVATE included for a private object
 *	(sks_attrs_new() sets it; these flags replace it).
 */
void sks_attrs_set_flags(struct sks_attrs *attrs, uint32_t flags);
/** sks_attrs_set_value_len() - set the key length in bytes. @attrs: attributes. @len: bytes. */
void sks_attrs_set_value_len(struct sks_attrs *attrs, uint32_t len);
/** sks_attrs_set_usage_limit() - set the usage limit, 0 = unlimited. @attrs: attributes. @limit: limit. */
void sks_attrs_set_usage_limit(struct sks_attrs *attrs, uint64_t limit);

/**
 * sks_attrs_set_label() - set CKA_LABEL.
 * @attrs: attributes.
 * @label: NUL terminated label (at most SKS_OBJ_LABEL_MAX bytes), or NULL.
 *
 * Return: 0 or -1 (EINVAL if too long).
 */
int sks_attrs_set_label(struct sks_attrs *attrs, const char *label);

/**
 * sks_attrs_set_id() - set CKA_ID.
 * @attrs: attributes.
 * @id: bytes (may be NULL if @len is 0).
 * @len: at most SKS_OBJ_ID_MAX.
 *
 * Return: 0 or -1 (EINVAL if too long).
 */
int sks_attrs_set_id(struct sks_attrs *attrs, const void *id, size_t len);

/** sks_attrs_get_class() - class. @attrs: attributes. */
uint32_t sks_attrs_get_class(const struct sks_attrs *attrs);
/** sks_attrs_get_key_type() - key type. @attrs: attributes. */
uint32_t sks_attrs_get_key_type(const struct sks_attrs *attrs);
/** sks_attrs_get_flags() - SKS_OBJ_* flags (SKS_OBJ_PRIVATE: private). @attrs: attributes. */
uint32_t sks_attrs_get_flags(const struct sks_attrs *attrs);
/** sks_attrs_get_value_len() - value length in bytes. @attrs: attributes. */
uint32_t sks_attrs_get_value_len(const struct sks_attrs *attrs);
/** sks_attrs_get_usage_limit() - usage limit. @attrs: attributes. */
uint64_t sks_attrs_get_usage_limit(const struct sks_attrs *attrs);
/** sks_attrs_get_usage_count() - uses so far. @attrs: attributes. */
uint64_t sks_attrs_get_usage_count(const struct sks_attrs *attrs);
/**
 * sks_attrs_get_label() - CKA_LABEL.
 * @attrs: attributes.
 *
 * Return: NUL terminated string owned by @attrs.
 */
const char *sks_attrs_get_label(const struct sks_attrs *attrs);
/**
 * sks_attrs_get_id() - CKA_ID.
 * @attrs: attributes.
 * @len: out: its length.
 *
 * Return: bytes owned by @attrs.
 */
const uint8_t *sks_attrs_get_id(const struct sks_attrs *attrs, size_t *len);

/* ---------------------------------------------------------------------- */
/* Objects                                                                */
/* ---------------------------------------------------------------------- */

/**
 * sks_object_generate() - generate a secret key in the kernel.
 * @session: logged-in session.
 * @mechanism: SKS_CKM_AES_KEY_GEN or SKS_CKM_GENERIC_SECRET_KEY_GEN.
 * @attrs: attributes of the new key (value length, flags, label, id).
 * @handle: out: handle of the new key.
 *
 * Return: 0 or -1.
 */
int sks_object_generate(struct sks_session *session, uint32_t mechanism,
			const struct sks_attrs *attrs, uint32_t *handle);

/**
 * sks_object_create() - import a key value or create a data object.
 * @session: logged-in session.
 * @attrs: attributes (the value length is taken from @len).
 * @value: the value.
 * @len: its length.
 * @handle: out: handle of the new object.
 *
 * Return: 0 or -1.
 */
int sks_object_create(struct sks_session *session,
		      const struct sks_attrs *attrs, const void *value,
		      size_t len, uint32_t *handle);

/**
 * sks_object_get_attrs() - read an object's attributes (never its value).
 * @session: session; without a Crypto Officer or Crypto User login only
 *	public objects can be read.
 * @handle: object handle.
 *
 * Return: new attributes, to be released with sks_attrs_free(), or NULL
 * (CKR_OBJECT_HANDLE_INVALID also for a private object the session may not
 * see).
 */
struct sks_attrs *sks_object_get_attrs(struct sks_session *session,
				       uint32_t handle);

/**
 * sks_object_get_value() - read a data object's value.
 * @session: session.
 * @handle: data object handle.
 * @len: out: value length.
 *
 * Return: a new buffer (malloc) the caller frees with free(), or NULL. A
 * zero-length value gives a valid one-byte buffer and @len 0.
 */
void *sks_object_get_value(struct sks_session *session, uint32_t handle,
			   size_t *len);

/**
 * sks_object_find() - handles of the objects that match a template.
 * @session: session; without a Crypto Officer or Crypto User login (none,
 *	or the SO's) only public objects are found.
 * @tmpl: template, or NULL to list every visible object.
 * @match: SKS_FIND_* bits saying which fields of @tmpl must match.
 * @count: out: number of handles.
 *
 * Return: a new array (malloc) of @count handles, ascending, that the caller
 * frees with free(), or NULL on failure. With no match the array is valid
 * and @count is 0.
 */
uint32_t *sks_object_find(struct sks_session *session,
			  const struct sks_attrs *tmpl, uint32_t match,
			  size_t *count);

/**
 * sks_object_destroy() - destroy an object.
 * @session: session.
 * @handle: object handle.
 *
 * Return: 0 or -1.
 */
int sks_object_destroy(struct sks_session *session, uint32_t handle);

/* ---------------------------------------------------------------------- */
/* Crypto                                                                  */
/* ---------------------------------------------------------------------- */

/**
 * sks_crypto_encrypt() - AES-GCM encryption with a key in the slot.
 * @session: session.
 * @key: AES key handle.
 * @aad: additional authenticated data (may be NULL if @aad_len is 0).
 * @aad_len: its length.
 * @in: plaintext.
 * @in_len: its length (at most SKS_MAX_DATA_SIZE).
 * @iv: out: the SKS_GCM_IV_LEN byte nonce the device chose (not written
 *	by a size query).
 * @out: out: ciphertext followed by the tag: @in_len + SKS_GCM_TAG_LEN
 *	bytes; NULL to query that length.
 * @out_len: in: room at @out; out: bytes written, or needed (size query,
 *	CKR_BUFFER_TOO_SMALL), or 0 after any other failure.
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (EOVERFLOW with CKR_BUFFER_TOO_SMALL if @out is too
 * small; CKR_DATA_LEN_RANGE for a plaintext above SKS_MAX_DATA_SIZE).
 */
int sks_crypto_encrypt(struct sks_session *session, uint32_t key,
		       const void *aad, size_t aad_len, const void *in,
		       size_t in_len, uint8_t *iv, void *out, size_t *out_len);

/**
 * sks_crypto_decrypt() - AES-GCM decryption with a key in the slot.
 * @session: session.
 * @key: AES key handle.
 * @aad: additional authenticated data (may be NULL if @aad_len is 0).
 * @aad_len: its length.
 * @iv: the SKS_GCM_IV_LEN byte nonce.
 * @in: ciphertext followed by the tag.
 * @in_len: its length.
 * @out: out: plaintext, @in_len - SKS_GCM_TAG_LEN bytes; nothing is written
 *	if the tag does not verify (CKR_ENCRYPTED_DATA_INVALID); NULL to
 *	query that length.
 * @out_len: in: room at @out; out: bytes written, or needed (size query,
 *	CKR_BUFFER_TOO_SMALL), or 0 after any other failure.
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (EOVERFLOW with CKR_BUFFER_TOO_SMALL if @out is too
 * small; CKR_ENCRYPTED_DATA_LEN_RANGE for a ciphertext below
 * SKS_GCM_TAG_LEN or above SKS_MAX_DATA_SIZE + SKS_GCM_TAG_LEN bytes).
 */
int sks_crypto_decrypt(struct sks_session *session, uint32_t key,
		       const void *aad, size_t aad_len, const uint8_t *iv,
		       const void *in, size_t in_len, void *out,
		       size_t *out_len);

/**
 * sks_crypto_sign() - HMAC with a generic secret key in the slot.
 * @session: session.
 * @key: key handle.
 * @mechanism: SKS_CKM_SHA256_HMAC, SKS_CKM_SHA384_HMAC or SKS_CKM_SHA512_HMAC.
 *	(The driver takes the ECDSA mechanisms here too, with an EC private
 *	key, and gives r || s; sks_ec_sign() is the EC call, DER included.)
 * @data: message.
 * @len: its length.
 * @mac: out: the MAC; NULL to query its length.
 * @mac_len: in: room at @mac (64 is always enough); out: MAC length
 *	(written, or needed: size query, CKR_BUFFER_TOO_SMALL), or 0 after
 *	any other failure.
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (EOVERFLOW with CKR_BUFFER_TOO_SMALL if @mac is too
 * small).
 */
int sks_crypto_sign(struct sks_session *session, uint32_t key,
		    uint32_t mechanism, const void *data, size_t len,
		    void *mac, size_t *mac_len);

/**
 * sks_crypto_verify() - check an HMAC with a key in the slot.
 * @session: session.
 * @key: key handle.
 * @mechanism: as for sks_crypto_sign().
 * @data: message.
 * @len: its length.
 * @mac: the MAC to check.
 * @mac_len: its length.
 *
 * Return: 0 if the MAC is valid; -1 otherwise (CKR_SIGNATURE_INVALID for a
 * wrong MAC).
 */
int sks_crypto_verify(struct sks_session *session, uint32_t key,
		      uint32_t mechanism, const void *data, size_t len,
		      const void *mac, size_t mac_len);

/**
 * struct sks_crypto_op - one operation of sks_crypto_batch(). Fill @type,
 * @key, @mechanism, the pointers and lengths (and @iv for a decryption)
 * and leave the rest zero; each operation behaves as the single ioctl of
 * its type (SKS_IOC_ENCRYPT, ...) would.
 * @type: SKS_BATCH_ENCRYPT, SKS_BATCH_DECRYPT, SKS_BATCH_SIGN or
 *	SKS_BATCH_VERIFY.
 * @key: key handle.
 * @mechanism: SKS_CKM_AES_GCM for encrypt and decrypt; SKS_CKM_SHA256_HMAC,
 *	SKS_CKM_SHA384_HMAC or SKS_CKM_SHA512_HMAC for sign and verify.
 * @iv: encrypt: out: the SKS_GCM_IV_LEN byte nonce the device chose;
 *	decrypt: the nonce; sign and verify: zero.
 * @aad: encrypt and decrypt: additional authenticated data (may be NULL
 *	if @aad_len is 0); sign and verify: NULL.
 * @aad_len: its length; sign and verify: 0.
 * @in: plaintext, ciphertext followed by the tag, or message.
 * @in_len: its length.
 * @out: encrypt, decrypt and sign: the output buffer, NULL to query the
 *	length; verify: the MAC to check.
 * @out_len: encrypt, decrypt and sign: in: room at @out; out: bytes
 *	written, or needed (size query: SKS_CKR_OK; too little room:
 *	SKS_CKR_BUFFER_TOO_SMALL). Verify: the length of the MAC at @out.
 * @result: out: the operation's SKS_CKR_* code. Operations that did not
 *	run (after a failure with SKS_BATCH_STOP_ON_ERROR) keep their
 *	@result, @iv and @out_len as they were.
 */
struct sks_crypto_op {
	uint32_t type;
	uint32_t key;
	uint32_t mechanism;
	uint8_t iv[SKS_GCM_IV_LEN];
	const void *aad;
	size_t aad_len;
	const void *in;
	size_t in_len;
	void *out;
	size_t out_len;
	uint32_t result;
};

/**
 * sks_crypto_batch() - run many encrypt, decrypt, sign and verify
 * operations in one call (SKS_IOC_BATCH).
 * @session: session, logged in as CO or CU.
 * @ops: @count operations; each gets its own @result, and @iv and
 *	@out_len as the single call would return them.
 * @count: 1..SKS_BATCH_MAX_OPS; the inputs (in_len + aad_len) add up to
 *	at most SKS_BATCH_MAX_BYTES.
 * @flags: 0, or SKS_BATCH_STOP_ON_ERROR to stop after the first failed
 *	operation.
 * @done: out, may be NULL: operations run (the first @done of @ops).
 *
 * Return: the number of operations that failed (0: all succeeded; see
 * each @result), or -1 if the batch was refused as a whole and nothing
 * ran (sks_last_result() says why: CKR_ARGUMENTS_BAD also for a length
 * above 4 GiB, CKR_HOST_MEMORY).
 */
int sks_crypto_batch(struct sks_session *session, struct sks_crypto_op *ops,
		     size_t count, uint32_t flags, size_t *done);

/* ---------------------------------------------------------------------- */
/* EC identity keys: P-256 and P-384 key pairs, ECDSA, ECDH (lib/ec.c)     */
/* ---------------------------------------------------------------------- */

/*
 * An EC key pair is two objects: a CKO_PUBLIC_KEY whose value is the
 * uncompressed point 04 || X || Y (SEC 1 2.3.3; 65 bytes on P-256, 97 on
 * P-384; readable by anyone who may see the object) and a CKO_PRIVATE_KEY
 * whose value, the scalar d, never leaves the kernel but inside SKS blobs
 * and archives. The curve is named by SKS_EC_P256 or SKS_EC_P384 and
 * follows from the value's length (sks_attrs_get_ec_curve()).
 *
 * Public keys travel as a DER SubjectPublicKeyInfo (RFC 5480 2: algorithm
 * id-ecPublicKey, parameters namedCurve secp256r1 or secp384r1, the point
 * uncompressed in the BIT STRING) or its PEM form (RFC 7468 13, label
 * "PUBLIC KEY"), which is what OpenSSL reads and writes. The codecs below
 * are plain byte work: they check the form of a point, not that it lies on
 * its curve; the driver checks that fully (SP 800-56A 5.6.2.3.3) when the
 * point is imported (sks_object_create()) or used (sks_ec_derive()).
 *
 * ECDSA signatures are r || s, each as many bytes as the curve's order
 * (64 or 96: PKCS#11's form), or with SKS_SIGN_DER an ECDSA-Sig-Value in
 * DER (RFC 3279 2.2.3: SEQUENCE { r INTEGER, s INTEGER }, as X.509, CMS
 * and OpenSSL's dgst use).
 */

/* Longest uncompressed point (P-384). */
#define SKS_EC_POINT_MAX_LEN	97
/* Longest SubjectPublicKeyInfo of a P-384 key (23-byte header + point). */
#define SKS_EC_SPKI_MAX_LEN	120
/*
 * Room that always holds an ECDSA signature: the driver asks for r || s
 * plus 9 bytes for DER (a P-384 DER signature is at most 104 bytes; raw
 * r || s at most 96).
 */
#define SKS_ECDSA_SIG_MAX_LEN	105

/**
 * sks_ec_generate_key_pair() - make an EC key pair in the kernel
 * (SKS_CKM_EC_KEY_PAIR_GEN, FIPS 186-4 B.4.2); both objects or neither.
 * @session: session logged in as Crypto Officer.
 * @curve: SKS_EC_P256 or SKS_EC_P384.
 * @pub_attrs: the public key's label, id and flags (SKS_OBJ_VERIFY,
 *	SKS_OBJ_PRIVATE, ...), or NULL for SKS_OBJ_VERIFY |
 *	SKS_OBJ_EXTRACTABLE | SKS_OBJ_PRIVATE and no label or id.
 * @priv_attrs: the private key's label, id, flags (SKS_OBJ_SIGN,
 *	SKS_OBJ_DERIVE, SKS_OBJ_SENSITIVE, SKS_OBJ_EXTRACTABLE, ...) and
 *	usage limit, or NULL for SKS_OBJ_SIGN | SKS_OBJ_DERIVE |
 *	SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE | SKS_OBJ_PRIVATE.
 * @pub: out: the public key's handle.
 * @priv: out: the private key's handle.
 *
 * The class, key type and value length of @pub_attrs and @priv_attrs are
 * not used: the call sends SKS_CKO_PUBLIC_KEY and SKS_CKO_PRIVATE_KEY,
 * SKS_CKK_EC, and lets the kernel set the value lengths.
 *
 * Return: 0 or -1 (CKR_DOMAIN_PARAMS_INVALID for an unknown @curve, CKR_TEMPLATE_INCONSISTENT for flags an EC key of that
 * class may not have, CKR_USER_NOT_LOGGED_IN without a CO login).
 */
int sks_ec_generate_key_pair(struct sks_session *session, uint32_t curve,
			     const struct sks_attrs *pub_attrs,
			     const struct sks_attrs *priv_attrs,
			     uint32_t *pub, uint32_t *priv);

/**
 * sks_ec_sign() - ECDSA signature with an EC private key in the slot.
 * @session: session logged in as CO or CU.
 * @key: the private key's handle (SKS_OBJ_SIGN; one use counted).
 * @mechanism: SKS_CKM_ECDSA_SHA256 or SKS_CKM_ECDSA_SHA384 (the kernel
 *	hashes @data, 0..SKS_MAX_DATA_SIZE bytes), or SKS_CKM_ECDSA (@data is
 *	a hash the caller made, 1..64 bytes, truncated to the curve's size
 *	as FIPS 186-4 6.4 says).
 * @flags: 0 (r || s) or SKS_SIGN_DER (ECDSA-Sig-Value, RFC 3279 2.2.3).
 * @data: the message or the hash.
 * @len: its length.
 * @sig: out: the signature; NULL to query its length.
 * @sig_len: in: room at @sig (SKS_ECDSA_SIG_MAX_LEN is always enough);
 *	out: the signature's length (a DER signature's varies: a size query
 *	gives the longest), or 0 after any other failure.
 *
 * Nonces are RFC 6979's, hedged with fresh randomness (RFC 6979 3.6): two
 * signatures of one message differ. Variable-size output as described at
 * the top of this header.
 *
 * Return: 0 or -1 (EOVERFLOW with CKR_BUFFER_TOO_SMALL if @sig is too
 * small; CKR_KEY_TYPE_INCONSISTENT for a key that is not an EC private
 * key; CKR_KEY_FUNCTION_NOT_PERMITTED without SKS_OBJ_SIGN; CKR_DATA_LEN_RANGE
 * for a message above SKS_MAX_DATA_SIZE or a hash of 0 or more than 64
 * bytes; CKR_KEY_NOT_ACTIVE once a usage limit is used up).
 */
int sks_ec_sign(struct sks_session *session, uint32_t key, uint32_t mechanism,
		uint32_t flags, const void *data, size_t len, void *sig,
		size_t *sig_len);

/**
 * sks_ec_verify() - check an ECDSA signature with an EC public key in the
 * slot.
 * @session: session; a public key object needs no login.
 * @key: the public key's handle (SKS_OBJ_VERIFY).
 * @mechanism: as for sks_ec_sign().
 * @flags: 0 (@sig is r || s) or SKS_SIGN_DER (@sig is strict DER: no BER
 *	long forms, no superfluous leading zeros, no trailing bytes).
 * @data: the message or the hash.
 * @len: its length.
 * @sig: the signature.
 * @sig_len: its length.
 *
 * Return: 0 if the signature is valid; -1 otherwise (CKR_SIGNATURE_INVALID
 * for a wrong one, r or s outside 1..n-1, or DER that is not the one strict
 * encoding; CKR_SIGNATURE_LEN_RANGE for r || s of the wrong length).
 */
int sks_ec_verify(struct sks_session *session, uint32_t key,
		  uint32_t mechanism, uint32_t flags, const void *data,
		  size_t len, const void *sig, size_t sig_len);

/**
 * sks_ec_derive() - a new secret key from an EC private key and a peer's
 * public key (SKS_CKM_ECDH1_DERIVE: ECDH as SP 800-56A 5.7.1.2, then the
 * KDF).
 * @session: session logged in as Crypto Officer.
 * @base: the private key's handle (SKS_OBJ_DERIVE; one use counted).
 * @kdf: SKS_CKD_NULL (the key is the leading bytes of the shared secret
 *	Z), SKS_CKD_SHA256_KDF or SKS_CKD_SHA384_KDF (ANSI X9.63 / SEC 1
 *	3.6.1 over Z and @shared).
 * @peer: the peer's uncompressed point on the base key's curve (65 or 97
 *	bytes; sks_ec_spki_to_point() and sks_ec_pem_to_point() make it
 *	from the peer's public key).
 * @peer_len: its length.
 * @shared: the KDF's SharedInfo, or NULL (always NULL with SKS_CKD_NULL).
 * @shared_len: its length, 0..SKS_MAX_DATA_SIZE.
 * @attrs: the new key: class SKS_CKO_SECRET_KEY, key type SKS_CKK_AES (16,
 *	24 or 32 bytes) or SKS_CKK_GENERIC_SECRET, its value length
 *	(sks_attrs_set_value_len(); with SKS_CKD_NULL at most the size of
 *	Z: 32 or 48), flags, label, id, usage limit.
 * @handle: out: the new key's handle.
 *
 * Return: 0 or -1 (CKR_DOMAIN_PARAMS_INVALID for a point of another curve;
 * CKR_ARGUMENTS_BAD for one that is not on the curve; CKR_KEY_FUNCTION_NOT_PERMITTED
 * without SKS_OBJ_DERIVE).
 */
int sks_ec_derive(struct sks_session *session, uint32_t base, uint32_t kdf,
		  const void *peer, size_t peer_len, const void *shared,
		  size_t shared_len, const struct sks_attrs *attrs,
		  uint32_t *handle);

/**
 * sks_ec_get_point() - read an EC public key's point.
 * @session: session that may see the object.
 * @key: the public key's handle.
 * @point: out: 04 || X || Y; NULL to query its length.
 * @len: in: room at @point (SKS_EC_POINT_MAX_LEN is always enough); out:
 *	the point's length (65 or 97), or 0 after any other failure.
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (CKR_KEY_TYPE_INCONSISTENT for an object that is not an
 * EC public key; a private key's point cannot be read: read its public
 * key's).
 */
int sks_ec_get_point(struct sks_session *session, uint32_t key, void *point,
		     size_t *len);

/**
 * sks_attrs_get_ec_curve() - the curve of an EC key.
 * @attrs: attributes read back with sks_object_get_attrs().
 *
 * Return: SKS_EC_P256 or SKS_EC_P384, or 0 if @attrs is not an EC public or
 * private key of a known length.
 */
uint32_t sks_attrs_get_ec_curve(const struct sks_attrs *attrs);

/**
 * sks_ec_curve_name() - the NIST name of a curve for display.
 * @curve: SKS_EC_P256 or SKS_EC_P384.
 *
 * Return: static string "P-256" or "P-384", or NULL for another value.
 */
const char *sks_ec_curve_name(uint32_t curve);

/**
 * sks_ec_point_to_spki() - a public point as a DER SubjectPublicKeyInfo
 * (RFC 5480 2: id-ecPublicKey, namedCurve, uncompressed point).
 * @point: 04 || X || Y, 65 (P-256) or 97 (P-384) bytes.
 * @len: its length.
 * @der: out: the SubjectPublicKeyInfo (91 or 120 bytes); NULL to query its
 *	length.
 * @der_len: in: room at @der (SKS_EC_SPKI_MAX_LEN is always enough); out:
 *	bytes written or needed, 0 after any other failure.
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (EINVAL with CKR_ARGUMENTS_BAD for a @point that is not
 * an uncompressed point of either length).
 */
int sks_ec_point_to_spki(const void *point, size_t len, void *der,
			 size_t *der_len);

/**
 * sks_ec_spki_to_point() - the point of a DER SubjectPublicKeyInfo.
 * @der: a SubjectPublicKeyInfo (RFC 5280 4.1.2.7) in DER.
 * @der_len: its length (nothing may follow it).
 * @point: out: 04 || X || Y; NULL to query its length.
 * @len: in: room at @point (SKS_EC_POINT_MAX_LEN is always enough); out:
 *	bytes written or needed, 0 after any other failure.
 * @curve: out: SKS_EC_P256 or SKS_EC_P384 (may be NULL).
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (EBADMSG with CKR_DATA_INVALID if @der is not a DER
 * SubjectPublicKeyInfo, or its point is not as long as its curve's;
 * EOPNOTSUPP with CKR_DOMAIN_PARAMS_INVALID for another algorithm than
 * id-ecPublicKey, another curve than P-256 and P-384, explicit curve
 * parameters, or a compressed point).
 */
int sks_ec_spki_to_point(const void *der, size_t der_len, void *point,
			 size_t *len, uint32_t *curve);

/**
 * sks_ec_point_to_pem() - a public point as PEM text (RFC 7468 13:
 * "-----BEGIN PUBLIC KEY-----", the SubjectPublicKeyInfo in base64 lines
 * of 64 characters, "-----END PUBLIC KEY-----", each line ended by "\n").
 * @point: 04 || X || Y, 65 or 97 bytes.
 * @len: its length.
 *
 * Return: a new NUL terminated string (malloc) the caller frees with
 * free(), or NULL (CKR_ARGUMENTS_BAD as sks_ec_point_to_spki() says;
 * CKR_HOST_MEMORY).
 */
char *sks_ec_point_to_pem(const void *point, size_t len);

/**
 * sks_ec_pem_to_point() - the point of the first "PUBLIC KEY" PEM block
 * of a text (RFC 7468 13; text before and after the block is ignored, as
 * OpenSSL does).
 * @pem: the text (need not be NUL terminated).
 * @pem_len: its length.
 * @point: out: 04 || X || Y; NULL to query its length.
 * @len: in: room at @point; out: bytes written or needed, 0 after any
 *	other failure.
 * @curve: out: SKS_EC_P256 or SKS_EC_P384 (may be NULL).
 *
 * Variable-size output as described at the top of this header.
 *
 * Return: 0 or -1 (EBADMSG with CKR_DATA_INVALID if there is no such block
 * or its base64 is broken; then as sks_ec_spki_to_point()).
 */
int sks_ec_pem_to_point(const char *pem, size_t pem_len, void *point,
			size_t *len, uint32_t *curve);

/* ---------------------------------------------------------------------- */
/* SKS blobs and groups of blobs                                          */
/* ---------------------------------------------------------------------- */

/**
 * sks_blob_get_length() - length of the blob that starts at @buf, read
 * from its header (header, payload and tag).
 * @buf: bytes that start with an SKS blob.
 * @len: bytes available at @buf (at least the header).
 *
 * Blob formats 1 and 2 (docs/blob-format.md) share the header and are both
 * accepted.
 *
 * Return: the blob length (it may exceed @len: truncated input), or 0 with
 * errno EBADMSG if @buf does not start with a valid version 1 or 2 header.
 */
size_t sks_blob_get_length(const void *buf, size_t len);

/**
 * sks_blob_get_fingerprint() - fingerprint of the SMK a blob needs.
 * @blob: one whole SKS blob.
 * @len: its length.
 * @fingerprint: out: SKS_FINGERPRINT_LEN bytes.
 *
 * Only the (authenticated, clear) header is parsed; nothing is decrypted.
 *
 * Return: 0 or -1 (EBADMSG if @blob is not a well-formed blob).
 */
int sks_blob_get_fingerprint(const void *blob, size_t len,
			     uint8_t *fingerprint);

/**
 * sks_blob_get_object_count() - number of objects in a blob.
 * @blob: one whole SKS blob.
 * @len: its length.
 *
 * Return: the count (>= 1), or 0 with errno EBADMSG if @blob is malformed.
 */
size_t sks_blob_get_object_count(const void *blob, size_t len);

/**
 * sks_blob_set_new() - new, empty set of blobs.
 *
 * Return: a new set, to be released with sks_blob_set_free(), or NULL.
 */
struct sks_blob_set *sks_blob_set_new(void);

/**
 * sks_blob_set_free() - free a set and the blobs it holds.
 * @set: set, or NULL.
 */
void sks_blob_set_free(struct sks_blob_set *set);

/**
 * sks_blob_set_add() - append a copy of one blob to a set.
 * @set: set.
 * @blob: one whole blob (its header is checked).
 * @len: its length.
 *
 * Return: 0 or -1 (EBADMSG for a malformed blob).
 */
int sks_blob_set_add(struct sks_blob_set *set, const void *blob, size_t len);

/**
 * sks_blob_set_from_buffer() - split concatenated blobs into a new set.
 * @buf: zero or more whole blobs back to back (a group file's contents).
 * @len: length of @buf.
 *
 * Return: a new set, to be released with sks_blob_set_free(), or NULL
 * (EBADMSG if @buf is not exactly a sequence of well-formed blobs).
 */
struct sks_blob_set *sks_blob_set_from_buffer(const void *buf, size_t len);

/** sks_blob_set_get_count() - number of blobs in a set. @set: set. */
size_t sks_blob_set_get_count(const struct sks_blob_set *set);

/**
 * sks_blob_set_get_blob() - one blob of a set.
 * @set: set.
 * @index: 0..count-1.
 * @len: out: blob length.
 *
 * Return: the blob, owned by @set, or NULL if @index is out of range.
 */
const uint8_t *sks_blob_set_get_blob(const struct sks_blob_set *set,
				     size_t index, size_t *len);

/**
 * sks_blob_set_get_object_count() - objects held by all blobs of a set.
 * @set: set.
 *
 * Return: the total.
 */
size_t sks_blob_set_get_object_count(const struct sks_blob_set *set);

/**
 * sks_blob_set_write_fd() - write all blobs of a set back to back.
 * @set: set.
 * @fd: file descriptor open for writing.
 *
 * Return: 0 or -1.
 */
int sks_blob_set_write_fd(const struct sks_blob_set *set, int fd);

/**
 * sks_blob_extract() - extract any number of objects into SKS blobs.
 * @session: session on a V1 partition, logged in as CO.
 * @handles: objects to extract, in the order they will be inserted back.
 * @count: number of handles (>= 1).
 * @flags: 0 or SKS_EXTRACT_DELETE (destroy the objects once every blob
 *	of the group has been made; nothing is destroyed if any blob fails).
 *
 * The objects are packed greedily, in order, into as few blobs of at most
 * SKS_MAX_BLOB_SIZE bytes (and SKS_MAX_EXTRACT objects) as that order
 * allows, using the driver's size query. An object too large for a blob of
 * its own fails with CKR_DATA_LEN_RANGE.
 *
 * Return: a new set, to be released with sks_blob_set_free(), or NULL.
 */
struct sks_blob_set *sks_blob_extract(struct sks_session *session,
				      const uint32_t *handles, size_t count,
				      uint32_t flags);

/**
 * sks_blob_insert() - insert every blob of a set, all or nothing.
 * @session: session on a V1 partition, logged in as CO.
 * @set: blobs, as from sks_blob_extract() or sks_blob_set_from_buffer().
 * @count: out: number of new objects (may be NULL).
 *
 * If any blob fails, the objects already inserted from the others are
 * destroyed again and the failing blob's result code is reported.
 *
 * Return: a new array (malloc) of the new objects' handles in blob order,
 * that the caller frees with free(), or NULL.
 */
uint32_t *sks_blob_insert(struct sks_session *session,
			  const struct sks_blob_set *set, size_t *count);

/**
 * sks_blob_rewrap() - make blobs under the primary or rollover SMK anew
 * under the primary SMK (SKS_IOC_REWRAP), without their keys becoming
 * objects.
 * @session: session on a V1 partition, logged in as CO.
 * @set: the blobs, any number (SKS_MAX_REWRAP per kernel call).
 * @refused: out (may be NULL): on failure, the index in @set of the blob
 *	the kernel refused (sks_last_result() says why: e.g.
 *	CKR_ENCRYPTED_DATA_INVALID for a damaged blob,
 *	CKR_SMK_ID_NOT_FOUND for one under neither SMK), or SIZE_MAX if
 *	the call failed as a whole (not logged in, no memory, ...).
 *
 * Each new blob has a fresh salt and IV, the same objects, usage counts
 * and M-of-N auth section, in the same order. All or nothing: on failure
 * no new blob is returned.
 *
 * Return: a new set of as many blobs, to be released with
 * sks_blob_set_free(), or NULL.
 */
struct sks_blob_set *sks_blob_rewrap(struct sks_session *session,
				     const struct sks_blob_set *set,
				     size_t *refused);

/* ---------------------------------------------------------------------- */
/* Backup HSM archives                                                    */
/* ---------------------------------------------------------------------- */

/**
 * sks_session_backup() - back up the session's partition to a Backup HSM.
 * @session: session on the partition, logged in as Crypto Officer.
 * @backup_slot: slot number of the Backup HSM.
 * @so_secret: the Backup HSM's SO secret.
 * @user_secret: the new archive's user secret (V0 append: the archive's).
 * @name: V0: archive name; V1 (SKS partition): must be NULL, the driver
 *	names the archive "<partition serial>_<YYYY:MM:DD-HH:MM:SS>".
 * @flags: V0: 0, SKS_BACKUP_APPEND or SKS_BACKUP_REPLACE; V1: 0.
 * @name_out: out: the archive's name, NUL terminated (may be NULL).
 * @name_out_len: room at @name_out, more than SKS_ARCHIVE_NAME_MAX.
 *
 * A V1 partition's backup holds only its SMK and cloning domain.
 *
 * Return: 0 or -1.
 */
int sks_session_backup(struct sks_session *session, unsigned int backup_slot,
		       const char *so_secret, const char *user_secret,
		       const char *name, uint32_t flags, char *name_out,
		       size_t name_out_len);

/**
 * sks_session_restore() - restore an archive onto the session's partition.
 * @session: session on the partition, logged in as Crypto Officer.
 * @backup_slot: slot number of the Backup HSM.
 * @user_secret: the archive's user secret.
 * @name: archive name.
 * @status: out: SKS_RESTORE_WARN_* bits (may be NULL).
 * @objects: out: V0: objects restored; V1: crypto objects found in the
 *	archive and ignored (may be NULL).
 *
 * On a V1 partition the archived SMK replaces the partition's SMK.
 *
 * Return: 0 or -1.
 */
int sks_session_restore(struct sks_session *session, unsigned int backup_slot,
			const char *user_secret, const char *name,
			uint32_t *status, uint32_t *objects);

/**
 * sks_session_backup_objects() - back up chosen objects of a V0 partition
 * (or, like sks_session_backup(), a V1 partition's SMK) to a Backup HSM.
 * @session: session on the partition, logged in as Crypto Officer.
 * @backup_slot: slot number of the Backup HSM.
 * @so_secret: the Backup HSM's SO secret.
 * @user_secret: the archive's user secret (new archive or REPLACE: sets it;
 *	APPEND: must be the archive's).
 * @name: V0: archive name (1..SKS_ARCHIVE_NAME_MAX characters '!'..'~');
 *	V1: NULL.
 * @flags: V0: 0, SKS_BACKUP_APPEND (add to an existing archive, same
 *	domain) or SKS_BACKUP_REPLACE (replace it as a whole); V1: 0.
 * @handles: V0: the objects to clone, or NULL with @count 0 for every
 *	token object; V1: NULL.
 * @count: number of @handles (at most SKS_MAX_EXTRACT).
 * @name_out: out: the archive's name, NUL terminated (may be NULL).
 * @name_out_len: room at @name_out, more than SKS_ARCHIVE_NAME_MAX.
 * @objects: out: objects now in the archive (may be NULL).
 *
 * The space on the Backup HSM is checked before anything is written; an
 * existing name without APPEND or REPLACE fails with CKR_FUNCTION_FAILED.
 *
 * Return: 0 or -1.
 */
int sks_session_backup_objects(struct sks_session *session,
			       unsigned int backup_slot, const char *so_secret,
			       const char *user_secret, const char *name,
			       uint32_t flags, const uint32_t *handles,
			       size_t count, char *name_out,
			       size_t name_out_len, uint32_t *objects);

/**
 * sks_backup_list_archives() - list the archives of a Backup HSM, oldest
 * first.
 * @backup: session on the Backup HSM slot (no login: the SO secret
 *	authenticates each call).
 * @so_secret: the Backup HSM's SO secret.
 *
 * Return: a new list, to be released with sks_archives_free(), or NULL
 * (CKR_PIN_INCORRECT for a wrong secret, CKR_FUNCTION_NOT_SUPPORTED if
 * @backup is not on a Backup HSM).
 */
struct sks_archives *sks_backup_list_archives(struct sks_session *backup,
					      const char *so_secret);

/**
 * sks_archives_free() - free an archive list and the entries it owns.
 * @list: list from sks_backup_list_archives(), or NULL.
 */
void sks_archives_free(struct sks_archives *list);

/**
 * sks_archives_get_count() - number of archives in a list.
 * @list: archive list.
 *
 * Return: the count.
 */
size_t sks_archives_get_count(const struct sks_archives *list);

/**
 * sks_archives_get_archive() - one archive of a list.
 * @list: archive list.
 * @index: 0..count-1.
 *
 * Return: the entry, owned by @list, or NULL if @index is out of range.
 */
const struct sks_archive_info *
sks_archives_get_archive(const struct sks_archives *list, size_t index);

/**
 * sks_backup_get_archive_info() - describe one archive of a Backup HSM.
 * @backup: session on the Backup HSM slot.
 * @so_secret: the Backup HSM's SO secret.
 * @name: archive name.
 *
 * Return: a new description, to be released with sks_archive_info_free(),
 * or NULL (CKR_TOKEN_NOT_RECOGNIZED if there is no such archive).
 */
struct sks_archive_info *
sks_backup_get_archive_info(struct sks_session *backup, const char *so_secret,
			    const char *name);

/**
 * sks_archive_info_free() - free a description from
 * sks_backup_get_archive_info().
 * @info: description, or NULL. (Entries of a list belong to the list.)
 */
void sks_archive_info_free(struct sks_archive_info *info);

/**
 * sks_backup_delete_archive() - delete an archive of a Backup HSM (its SMK
 * and objects are wiped).
 * @backup: session on the Backup HSM slot.
 * @so_secret: the Backup HSM's SO secret.
 * @name: archive name.
 *
 * Return: 0 or -1 (CKR_TOKEN_NOT_RECOGNIZED if there is no such archive).
 */
int sks_backup_delete_archive(struct sks_session *backup,
			      const char *so_secret, const char *name);

/**
 * sks_archive_info_get_name() - archive name.
 * @info: archive.
 *
 * Return: NUL terminated string owned by @info.
 */
const char *sks_archive_info_get_name(const struct sks_archive_info *info);
/** sks_archive_info_get_kind() - SKS_ARCHIVE_SKS or SKS_ARCHIVE_CLONING. @info: archive. */
unsigned int sks_archive_info_get_kind(const struct sks_archive_info *info);
/** sks_archive_info_get_objects() - objects held (the SMK not counted). @info: archive. */
unsigned int sks_archive_info_get_objects(const struct sks_archive_info *info);
/** sks_archive_info_get_created() - creation time, seconds since the epoch. @info: archive. */
int64_t sks_archive_info_get_created(const struct sks_archive_info *info);
/** sks_archive_info_get_source_serial() - serial of the partition backed up. @info: archive. */
uint64_t sks_archive_info_get_source_serial(const struct sks_archive_info *info);
/** sks_archive_info_get_size() - bytes of the Backup HSM's capacity used. @info: archive. */
uint64_t sks_archive_info_get_size(const struct sks_archive_info *info);
/**
 * sks_archive_info_get_domain_id() - public identifier of the archive's
 * cloning domain (equal domains give equal identifiers).
 * @info: archive.
 *
 * Return: SKS_DOMAIN_ID_LEN bytes owned by @info.
 */
const uint8_t *sks_archive_info_get_domain_id(const struct sks_archive_info *info);
/**
 * sks_archive_info_get_smk_fingerprint() - fingerprint of an SKS archive's
 * SMK: the value blob headers and sks_session_desc_get_smk_fingerprint()
 * give.
 * @info: archive.
 *
 * Return: SKS_FINGERPRINT_LEN bytes owned by @info, or NULL for a cloning
 * archive.
 */
const uint8_t *
sks_archive_info_get_smk_fingerprint(const struct sks_archive_info *info);
/**
 * sks_archive_info_get_failures() - consecutive wrong user secrets given
 * for the archive (SKS_MAX_LOGIN_FAILURES start a lockout).
 * @info: archive.
 *
 * Return: the count (0 with a driver that does not report it).
 */
unsigned int sks_archive_info_get_failures(const struct sks_archive_info *info);
/**
 * sks_archive_info_get_lockout_secs() - seconds left of the archive's user
 * secret lockout (restores and appends give CKR_PIN_LOCKED until then).
 * @info: archive.
 *
 * Return: the seconds, 0 when no lockout runs.
 */
unsigned int
sks_archive_info_get_lockout_secs(const struct sks_archive_info *info);

/* ---------------------------------------------------------------------- */
/* Backup HSM images                                                      */
/* ---------------------------------------------------------------------- */

/**
 * sks_backup_save_image() - seal a Backup HSM's whole contents into an
 * image.
 * @backup: session on the Backup HSM slot.
 * @so_secret: the Backup HSM's SO secret (the image key derives from it).
 * @len: out: image length.
 *
 * Return: a new buffer (malloc) holding the image, that the caller frees
 * with free(), or NULL (CKR_PIN_INCORRECT for a wrong secret).
 */
void *sks_backup_save_image(struct sks_session *backup, const char *so_secret,
			    size_t *len);

/**
 * sks_image_write_file() - write bytes to a file atomically.
 * @path: the file to create or replace.
 * @image: the bytes.
 * @len: their length.
 *
 * Writes a temporary file (mode 0600) in the directory of @path, fsyncs
 * it, renames it over @path and fsyncs the directory: after a crash at any
 * point @path holds either its old or its new contents. On failure the
 * temporary file is removed and @path is untouched.
 *
 * Return: 0 or -1 (errno from the failing call, CKR_DEVICE_ERROR).
 */
int sks_image_write_file(const char *path, const void *image, size_t len);

/**
 * sks_backup_save_image_file() - sks_backup_save_image() then
 * sks_image_write_file().
 * @backup: session on the Backup HSM slot.
 * @so_secret: the Backup HSM's SO secret.
 * @path: image file to create or replace atomically.
 *
 * Return: 0 or -1 (nothing is written if the image cannot be made).
 */
int sks_backup_save_image_file(struct sks_session *backup,
			       const char *so_secret, const char *path);

/**
 * sks_hsm_load_image() - create a Backup HSM slot from an image
 * (CAP_SYS_ADMIN). Nothing is created unless the whole image opens.
 * @hsm: HSM handle.
 * @image: the image.
 * @len: its length (at most SKS_IMAGE_MAX_SIZE).
 * @so_secret: the SO secret it was saved under.
 * @slot: out: number of the new slot (may be NULL).
 * @serial: out: its serial number, the saved one (may be NULL).
 *
 * Return: 0 or -1 (CKR_PIN_INCORRECT: wrong secret; CKR_DATA_INVALID: not
 * an image, foreign, truncated or tampered; CKR_DATA_LEN_RANGE: too big).
 */
int sks_hsm_load_image(struct sks_hsm *hsm, const void *image, size_t len,
		       const char *so_secret, unsigned int *slot,
		       uint64_t *serial);

/**
 * sks_hsm_load_image_file() - sks_hsm_load_image() from a file.
 * @hsm: HSM handle.
 * @path: image file.
 * @so_secret: the SO secret it was saved under.
 * @slot: out: number of the new slot (may be NULL).
 * @serial: out: its serial number (may be NULL).
 *
 * Return: 0 or -1 (also for a file that cannot be read).
 */
int sks_hsm_load_image_file(struct sks_hsm *hsm, const char *path,
			    const char *so_secret, unsigned int *slot,
			    uint64_t *serial);

/* ---------------------------------------------------------------------- */
/* Durable state: sealed state records and the state directory            */
/* ---------------------------------------------------------------------- */

/*
 * The driver never writes files: it hands out one sealed record per slot
 * and one HSM record (the HSM's serial number and the slots that exist,
 * with their generations), and takes them back (docs/durability.md). The
 * calls below move records between the driver and memory, and keep a
 * state directory (/var/lib/sks by default) current:
 *
 *   DIR/hsm.rec          the HSM record
 *   DIR/slot-<N>-<serial>.rec  the record of slot N (serial number
 *                        <serial>: a slot number used again by a new slot
 *                        never overwrites the file of the old one)
 *   DIR/orphans/         records no HSM record lists (never loaded
 *                        automatically, never deleted)
 *   DIR/rejected/        records the driver refused, or older than the
 *                        HSM record says (never deleted)
 *   DIR/.lock, .queue    lock files (flock) that serialise savers and
 *                        loaders of the directory
 *
 * Every file is written atomically (temporary file in DIR, write, fsync,
 * rename, fsync of DIR): after a crash at any moment a file holds its old
 * or its new contents. Slot records are written before the HSM record
 * that lists them, and files of deleted slots are removed only after an
 * HSM record that no longer lists them is on disk, so that the HSM record
 * on disk never lists a slot whose file is missing or older than listed.
 * All of these calls need CAP_SYS_ADMIN (the control device).
 */

struct sks_state_report;

/* sks_state_save_dir() flags */
#define SKS_SAVE_DIR_ALL	(1U << 0)	/* every slot, even unchanged */
#define SKS_SAVE_DIR_COALESCE	(1U << 1)	/* see sks_state_save_dir() */

/* What a state directory call did with one file: sks_state_report_get_kind() */
enum sks_dir_event {
	SKS_DIR_SAVED = 1,	/* a record written */
	SKS_DIR_REMOVED,	/* the file of a deleted slot removed */
	SKS_DIR_LOADED,		/* a record loaded (deactivated) */
	SKS_DIR_LOADED_ACTIVE,	/* a record loaded and auto-activated */
	SKS_DIR_PRESENT,	/* the slot is in the HSM already: not loaded */
	/* problems: the call returns -1 (EUCLEAN) once it has done the rest */
	SKS_DIR_MISSING,	/* the HSM record lists a slot without a file */
	SKS_DIR_STALE,		/* a file older than the HSM record lists: rejected/ */
	SKS_DIR_REJECTED,	/* the driver refused a record: moved to rejected/ */
	SKS_DIR_ORPHAN,		/* a record no HSM record lists: moved to orphans/ */
	SKS_DIR_FAILED,		/* a record could not be saved or written */
};

/**
 * sks_state_save_slot() - the sealed state record of one slot.
 * @hsm: HSM handle.
 * @slot: slot number.
 * @len: out: the record's length.
 * @generation: out: the slot generation it holds (may be NULL).
 *
 * The record is encrypted under the slot's storage key, which it keeps
 * only wrapped under keys derived from the SO and Crypto Officer secrets
 * (and the auto-activation key): it is not secret, but useless without
 * one of those.
 *
 * Return: a new buffer (malloc) that the caller frees with free(), or NULL
 * (CKR_SLOT_ID_INVALID: no such slot).
 */
void *sks_state_save_slot(struct sks_hsm *hsm, unsigned int slot, size_t *len,
			  uint64_t *generation);

/**
 * sks_state_save_hsm() - the HSM record: the HSM's serial number and the
 * slots that exist, with their generations (not secret).
 * @hsm: HSM handle.
 * @len: out: the record's length.
 * @generation: out: the HSM's generation, which grows whenever a slot is
 *	made or deleted (may be NULL).
 *
 * Return: a new buffer (malloc) that the caller frees with free(), or NULL.
 */
void *sks_state_save_hsm(struct sks_hsm *hsm, size_t *len,
			 uint64_t *generation);

/**
 * sks_state_load_record() - give a record back to the driver.
 * @hsm: HSM handle.
 * @record: an HSM record or a slot record.
 * @len: its length (at most SKS_STATE_MAX_SIZE).
 * @slot: out: the slot made (slot records; may be NULL).
 * @generation: out: the record's generation (may be NULL).
 * @status: out: SKS_STATE_LOADED_ACTIVE if the slot came back active
 *	(auto-activation), else 0 (may be NULL).
 *
 * An HSM record sets the HSM's serial number (only while no slot exists).
 * A slot record makes its slot, with its number, deactivated. Nothing is
 * made unless the whole record is intact.
 *
 * Return: 0 or -1 (CKR_DATA_INVALID: damaged or truncated;
 * CKR_STATE_UNSUPPORTED: an unknown format version; CKR_STATE_FOREIGN:
 * another HSM's; CKR_FUNCTION_FAILED: the slot number is taken).
 */
int sks_state_load_record(struct sks_hsm *hsm, const void *record, size_t len,
			  unsigned int *slot, uint64_t *generation,
			  uint32_t *status);

/**
 * sks_state_load_file() - sks_state_load_record() from a file (to take
 * back a record from DIR/orphans/ or DIR/rejected/ by hand).
 * @hsm: HSM handle.
 * @path: the record file.
 * @slot: out: the slot made (may be NULL).
 * @generation: out: the record's generation (may be NULL).
 * @status: out: SKS_STATE_LOADED_* bits (may be NULL).
 *
 * Return: 0 or -1 (also for a file that cannot be read).
 */
int sks_state_load_file(struct sks_hsm *hsm, const char *path,
			unsigned int *slot, uint64_t *generation,
			uint32_t *status);

/**
 * sks_state_save_dir() - bring a state directory up to date.
 * @hsm: HSM handle.
 * @dir: the state directory (made, mode 0700, if missing; its parent must
 *	exist).
 * @flags: 0, or SKS_SAVE_DIR_* bits.
 * @report: out: what was done, file by file, to be freed with
 *	sks_state_report_free() (may be NULL; set on success and on failure
 *	when the directory could be locked, else NULL).
 *
 * Under DIR/.lock (flock, exclusive): takes the HSM record; writes the
 * record of every slot it lists whose file holds another serial number or
 * generation (every slot with SKS_SAVE_DIR_ALL); fsyncs DIR; writes the
 * HSM record if it differs from DIR/hsm.rec; then removes the files of
 * slots it does not list. The first save into a directory without
 * hsm.rec first writes one that lists no slot, so that the HSM's serial
 * number is on disk before any slot record.
 *
 * Concurrent changes: a slot made or deleted while the call runs (the
 * HSM's generation changed), or deleted before its record was taken,
 * makes the call start over (a few times at most, then EBUSY), so that
 * the HSM record it writes lists only slots whose files it wrote or found
 * current. When the call returns 0, DIR holds every change made before
 * the call began; changes made while it ran are saved by the next call
 * (the driver's uevent for them starts one). A power cut before the next
 * call returns leaves the last saved state: a slot deleted meanwhile is
 * still listed and comes back at the next load (deactivated), as if it
 * had been deleted after the power cut; a slot made meanwhile is not
 * listed, and its file, if one was written, is an orphan at the next
 * load. Neither a listed slot without its file nor a listed slot with an
 * older file can come out of any interleaving or power cut.
 *
 * With SKS_SAVE_DIR_COALESCE the call returns 0 at once, doing nothing,
 * if another call is already waiting for the lock: that one starts after
 * this call began and saves its changes too (uevent handlers use it, so
 * that a burst of changes runs at most two saves).
 *
 * Refused without touching anything if DIR/hsm.rec names another HSM
 * (its serial number differs: the state was not loaded, the directory is
 * another machine's, or the serial number is damaged; CKR_STATE_FOREIGN,
 * EXDEV) or is not an HSM record at all (CKR_DATA_INVALID, EBADMSG). An
 * hsm.rec that names this HSM is replaced, even if damaged since.
 *
 * Return: 0, or -1 (errno: EUCLEAN if a slot record could not be saved
 * (SKS_DIR_FAILED in @report; the old HSM record stays), EBUSY if slots
 * kept changing, or the errno of a failing file operation).
 */
int sks_state_save_dir(struct sks_hsm *hsm, const char *dir,
		       unsigned int flags, struct sks_state_report **report);

/**
 * sks_state_load_dir() - load a state directory into an HSM that has no
 * slots yet (at boot, or after the module was loaded).
 * @hsm: HSM handle.
 * @dir: the state directory.
 * @flags: must be 0.
 * @report: out: what was done, file by file, to be freed with
 *	sks_state_report_free() (may be NULL).
 *
 * Under DIR/.lock: loads DIR/hsm.rec first (the HSM's serial number),
 * then every slot it lists. A listed slot whose file is missing is
 * reported (SKS_DIR_MISSING); a file older than the generation the HSM
 * record lists (SKS_DIR_STALE) or refused by the driver
 * (SKS_DIR_REJECTED) is moved to DIR/rejected/ and reported; a slot
 * record the HSM record does not list (a power cut between the save of a
 * new slot and that of the HSM record, or before the file of a deleted
 * slot was removed) is moved to DIR/orphans/ and reported: none of these
 * is ever loaded automatically or deleted (sks_state_load_file() takes
 * one back by hand). A slot the HSM already has, with the same serial
 * number, is left as it is (SKS_DIR_PRESENT): loading twice is harmless.
 * A directory without hsm.rec (and without slot records) loads nothing.
 *
 * Return: 0 when everything listed was loaded (or present) and nothing
 * was set aside; -1 with errno EUCLEAN when the rest was loaded but
 * @report holds problems; -1 with another errno when DIR/hsm.rec could
 * not be read or loaded (then nothing is loaded or moved: CKR_DATA_INVALID
 * for a damaged one, CKR_STATE_UNSUPPORTED, CKR_FUNCTION_FAILED if the
 * HSM has slots of another serial number).
 */
int sks_state_load_dir(struct sks_hsm *hsm, const char *dir,
		       unsigned int flags, struct sks_state_report **report);

/**
 * sks_state_report_free() - free a report.
 * @report: from sks_state_save_dir() or sks_state_load_dir(), or NULL.
 */
void sks_state_report_free(struct sks_state_report *report);

/**
 * sks_state_report_get_count() - the number of events in a report.
 * @report: report.
 *
 * Return: the count; events are in the order they happened.
 */
size_t sks_state_report_get_count(const struct sks_state_report *report);

/**
 * sks_state_report_get_problems() - the number of problem events
 * (SKS_DIR_MISSING and after) in a report.
 * @report: report.
 *
 * Return: the count.
 */
size_t sks_state_report_get_problems(const struct sks_state_report *report);

/**
 * sks_state_report_get_kind() - what happened.
 * @report: report.
 * @index: below sks_state_report_get_count().
 *
 * Return: an enum sks_dir_event value.
 */
unsigned int sks_state_report_get_kind(const struct sks_state_report *report,
				       size_t index);

/**
 * sks_state_report_get_slot() - the slot an event is about.
 * @report: report.
 * @index: below sks_state_report_get_count().
 *
 * Return: the slot number, or -1 for the HSM record.
 */
int sks_state_report_get_slot(const struct sks_state_report *report,
			      size_t index);

/**
 * sks_state_report_get_file() - the file an event is about.
 * @report: report.
 * @index: below sks_state_report_get_count().
 *
 * Return: its name in the state directory ("slot-3-123456789012.rec",
 * "orphans/slot-3-123456789012-g5.rec"), "" if none; valid as long as
 * @report.
 */
const char *sks_state_report_get_file(const struct sks_state_report *report,
				      size_t index);

/**
 * sks_state_report_get_result() - the driver's result code of an event.
 * @report: report.
 * @index: below sks_state_report_get_count().
 *
 * Return: the CKR_* code (SKS_CKR_OK if the driver was not involved or
 * agreed).
 */
uint32_t sks_state_report_get_result(const struct sks_state_report *report,
				     size_t index);

/**
 * sks_state_report_get_text() - an event in words, one line without a
 * newline ("slot 3: slot-3-123456789012.rec holds generation 4, the HSM record lists
 * 6: not loaded, moved to rejected/slot-3-...").
 * @report: report.
 * @index: below sks_state_report_get_count().
 *
 * Return: the text, valid as long as @report.
 */
const char *sks_state_report_get_text(const struct sks_state_report *report,
				      size_t index);

/**
 * sks_session_set_auto_activation() - set or clear a partition's
 * auto-activation policy (Luna partition policy 23); partition SO only.
 * @session: session logged in as the partition SO.
 * @keydesc: the description of a `logon` key in the caller's keyrings
 *	("sks:payments"): from now on the partition's storage key is also
 *	wrapped under a key derived from it, and a load finds it the same
 *	way; NULL clears the policy.
 *
 * Whoever can make that key available to the loading process (root)
 * activates the partition without a password (docs/durability.md).
 *
 * Return: 0 or -1 (CKR_KEY_HANDLE_INVALID: no such key;
 * CKR_USER_NOT_LOGGED_IN: not the SO).
 */
int sks_session_set_auto_activation(struct sks_session *session,
				    const char *keydesc);

#ifdef __cplusplus
}
#endif

#endif /* __LIBSKS_SKS_H__ */
