/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sks - Scalable Key Storage HSM emulation: user-space ABI.
 *
 * One loaded module is one HSM. /dev/sks-control administers it (needs
 * CAP_SYS_ADMIN); every slot (partition or Backup HSM) is a character
 * device /dev/sks<N>, and every open file of a slot device is a session.
 *
 * Conventions shared by every ioctl:
 *
 * - Every argument struct starts with "__u32 flags; __u32 result;".
 *   Structs are extensible: the kernel takes the user's struct size from
 *   _IOC_SIZE(cmd). A shorter struct (but at least the first published
 *   size) is zero-extended, a longer one must have an all-zero tail
 *   (otherwise -E2BIG), a size below the first version gives -EINVAL.
 * - Unknown flag bits and non-zero reserved fields give -EINVAL with
 *   CKR_ARGUMENTS_BAD.
 * - Once the struct could be read, the kernel writes a PKCS#11 result code
 *   (CKR_*) into @result on every return (CKR_OK on success), beside the
 *   errno returned by ioctl(2). See the table below for the pairing. When
 *   the struct itself could not be taken (-EFAULT reading it, -E2BIG, a
 *   size below the first version: -EINVAL, an unknown command: -ENOTTY),
 *   nothing is written back, @result included. A buffer that the struct
 *   points to and that cannot be read or written gives -EFAULT with
 *   CKR_ARGUMENTS_BAD.
 * - Pointers are passed as __u64; lengths are __u32.
 * - Variable-size output (PKCS#11 v2.40 section 5.2, "Conventions for
 *   functions returning output in a variable-length buffer"): an output
 *   pointer of 0 is a size query, answered with CKR_OK and the needed
 *   length (or count) in the length field; it runs no operation and counts
 *   no key use. A non-zero pointer with too little room gives -EOVERFLOW
 *   with CKR_BUFFER_TOO_SMALL and the needed length, and writes nothing
 *   else. After any other failure the output length is 0 (except where a
 *   struct says otherwise) and nothing was written to the output buffer.
 * - Secrets (SO, Crypto Officer, Crypto User, HSM SO, archive user
 *   secrets) are SKS_PIN_MIN..SKS_PIN_MAX bytes. Every secret has a
 *   bad-attempt limit (see "Bad-attempt limits" below).
 * - The first published size of every struct is SKS_<NAME>_SIZE_VER0.
 */
#ifndef _UAPI_LINUX_SKS_H
#define _UAPI_LINUX_SKS_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SKS_CONTROL_DEVICE	"/dev/sks-control"
#define SKS_SLOT_DEVICE_FMT	"/dev/sks%u"

/* Limits */
#define SKS_MAX_SLOTS		32
#define SKS_MAX_CAPACITY	(256U << 20)	/* bytes of one slot */
#define SKS_LABEL_LEN		32	/* slot label, NUL padded */
#define SKS_FW_VERSION_LEN	16	/* "7.7.1", NUL padded */
#define SKS_OBJ_LABEL_MAX	64
#define SKS_OBJ_ID_MAX		64
#define SKS_PIN_MIN		8	/* NIST SP 800-63B 5.1.1.2: at least 8 */
#define SKS_PIN_MAX		64
#define SKS_DOMAIN_MAX		64
#define SKS_MAX_BLOB_SIZE	65536	/* one SKS blob, header and tag included */
#define SKS_MAX_DATA_SIZE	65536	/* data object value, one crypto input */
#define SKS_MAX_EXTRACT		1024	/* objects per extract/insert */
#define SKS_SIM_AUTH_MAX	16	/* N: authorisation secrets of a blob */
#define SKS_MAX_MULTI_SIGN	1024	/* inputs of one SKS_IOC_MULTI_SIGN */
#define SKS_MAX_REWRAP		1024	/* blobs of one SKS_IOC_REWRAP */
#define SKS_GENERIC_SECRET_MIN	1	/* CKK_GENERIC_SECRET value bytes */
#define SKS_GENERIC_SECRET_MAX	512	/* longer HMAC keys are hashed (RFC 2104) */

/*
 * Key derivation from secrets: PBKDF2-HMAC-SHA256 (RFC 8018). The HSM's
 * cost for new secrets and images is the module parameter
 * pbkdf2_iterations (SKS_CTL_HSM_INFO reports it), by default
 * SKS_KDF_ITERATIONS_DEFAULT (OWASP Password Storage Cheat Sheet, 2023).
 * A count read from an image or state record must lie within
 * SKS_KDF_ITERATIONS_MIN (NIST SP 800-132 section 5.2)..SKS_KDF_ITERATIONS_MAX.
 */
#define SKS_KDF_ITERATIONS_DEFAULT	600000
#define SKS_KDF_ITERATIONS_MIN		1000
#define SKS_KDF_ITERATIONS_MAX		10000000

/*
 * Bad-attempt limits. Every check of a secret counts: logins, the old
 * secret of SKS_IOC_CHANGE_PIN, the SO secret of a partition
 * re-initialisation, the HSM SO secret of every Backup HSM command and the
 * user secret of an archive. A right secret resets its counter.
 *
 * - Crypto Officer, Crypto User: SKS_MAX_LOGIN_FAILURES consecutive
 *   failures lock that role (CKR_PIN_LOCKED) until the partition SO
 *   initialises it again (SKS_IOC_INIT_ROLE). As Luna partitions do.
 * - Partition SO: SKS_MAX_SO_FAILURES consecutive failures zeroize the
 *   partition: its SMKs, objects and secrets are wiped and it is
 *   uninitialised (SKS_STATE_ZEROIZED until the next SKS_IOC_PARTITION_INIT).
 *   As Luna partitions do.
 * - HSM SO of a Backup HSM, archive user secrets: nothing is ever erased
 *   (a Backup HSM exists to keep backups). SKS_MAX_HSM_SO_FAILURES
 *   (archives: SKS_MAX_LOGIN_FAILURES) consecutive failures refuse every
 *   further attempt with CKR_PIN_LOCKED for a lockout period, which doubles
 *   with each further failure (at most SKS_LOCKOUT_MAX_SECS), as a TPM's
 *   dictionary-attack lockout does. The period starts at the module
 *   parameter lockout_secs (default SKS_LOCKOUT_SECS).
 *
 * - Authorisation secrets of SKS blobs (M of N, struct sks_extract):
 *   SKS_MAX_SIM_FAILURES consecutive wrong secrets presented to a
 *   partition (at SKS_IOC_INSERT or SKS_IOC_MULTI_SIGN, whichever blob)
 *   start the same doubling time lockout for every blob authorisation of
 *   that partition; logins are not affected.
 *
 * The counters are kept with the state they protect (a Backup HSM's in its
 * image) and reported by SKS_IOC_SESSION_INFO and SKS_IOC_ARCHIVE_LIST.
 */
#define SKS_MAX_LOGIN_FAILURES	10
#define SKS_MAX_SIM_FAILURES	10
#define SKS_MAX_SO_FAILURES	10
#define SKS_MAX_HSM_SO_FAILURES	3
#define SKS_LOCKOUT_SECS	60
#define SKS_LOCKOUT_MAX_SECS	86400
#define SKS_GCM_IV_LEN		12
#define SKS_GCM_TAG_LEN		16
#define SKS_FINGERPRINT_LEN	16

/* Slot types */
#define SKS_SLOT_V0		0	/* ordinary partition */
#define SKS_SLOT_V1		1	/* SKS partition, has an SMK */
#define SKS_SLOT_BACKUP		2	/* Backup HSM */

/* Roles (PKCS#11 / Luna user types) */
#define SKS_ROLE_SO		0x00000000	/* CKU_SO */
#define SKS_ROLE_CO		0x00000001	/* CKU_USER: Crypto Officer */
#define SKS_ROLE_CU		0x80000001	/* CKU_CRYPTO_USER */
#define SKS_ROLE_NONE		0xffffffff	/* not logged in */

/* Object classes and key types (PKCS#11 values) */
#define SKS_CKO_DATA		0x00000000
#define SKS_CKO_PUBLIC_KEY	0x00000002
#define SKS_CKO_PRIVATE_KEY	0x00000003
#define SKS_CKO_SECRET_KEY	0x00000004
#define SKS_CKK_NONE		0x00000000	/* data objects */
#define SKS_CKK_EC		0x00000003
#define SKS_CKK_GENERIC_SECRET	0x00000010
#define SKS_CKK_AES		0x0000001f

/*
 * EC curves (the value of an EC key says which: a private key's is the
 * scalar d, big endian; a public key's the uncompressed point
 * 0x04 || X || Y, SEC 1 2.3.3):
 *	P-256 (secp256r1, prime256v1, OID 1.2.840.10045.3.1.7): 32, 65 bytes
 *	P-384 (secp384r1, OID 1.3.132.0.34): 48, 97 bytes
 */
#define SKS_EC_P256		1
#define SKS_EC_P384		2

/* Mechanisms (PKCS#11 values) */
#define SKS_CKM_GENERIC_SECRET_KEY_GEN	0x00000350
#define SKS_CKM_AES_KEY_GEN		0x00001080
#define SKS_CKM_AES_GCM			0x00001087
#define SKS_CKM_SHA256_HMAC		0x00000251
#define SKS_CKM_SHA384_HMAC		0x00000261
#define SKS_CKM_SHA512_HMAC		0x00000271
#define SKS_CKM_EC_KEY_PAIR_GEN		0x00001040
#define SKS_CKM_ECDSA			0x00001041	/* a prehashed input */
#define SKS_CKM_ECDSA_SHA256		0x00001044
#define SKS_CKM_ECDSA_SHA384		0x00001045
#define SKS_CKM_ECDH1_DERIVE		0x00001050

/* Key derivation functions of SKS_CKM_ECDH1_DERIVE (PKCS#11 CKD_*) */
#define SKS_CKD_NULL			0x00000001	/* Z itself */
#define SKS_CKD_SHA256_KDF		0x00000006	/* ANSI X9.63 */
#define SKS_CKD_SHA384_KDF		0x00000007

/* Object attribute flags (struct sks_obj_attrs.flags) */
#define SKS_OBJ_TOKEN		(1U << 0)	/* V0 only: lives with the partition */
#define SKS_OBJ_SENSITIVE	(1U << 1)
#define SKS_OBJ_EXTRACTABLE	(1U << 2)	/* may leave in an SKS blob */
#define SKS_OBJ_ENCRYPT		(1U << 3)
#define SKS_OBJ_DECRYPT		(1U << 4)
#define SKS_OBJ_SIGN		(1U << 5)
#define SKS_OBJ_VERIFY		(1U << 6)
#define SKS_OBJ_PRIVATE		(1U << 7)	/* CKA_PRIVATE: only CO/CU see it */
#define SKS_OBJ_DERIVE		(1U << 8)	/* CKA_DERIVE */
#define SKS_OBJ_FLAGS_ALL	0x1ffU

/*
 * Result codes. Standard PKCS#11 values; Luna vendor codes are
 * CKR_VENDOR_DEFINED | n with Luna's numbers. The comment after each code
 * names the errno ioctl(2) fails with when the kernel reports that code.
 */
#define SKS_CKR_VENDOR_DEFINED	0x80000000U

#define SKS_CKR_OK				0x00000000U	/* - */
#define SKS_CKR_HOST_MEMORY			0x00000002U	/* ENOMEM */
#define SKS_CKR_SLOT_ID_INVALID			0x00000003U	/* ENODEV */
#define SKS_CKR_GENERAL_ERROR			0x00000005U	/* EIO */
#define SKS_CKR_FUNCTION_FAILED			0x00000006U	/* EEXIST */
#define SKS_CKR_ARGUMENTS_BAD			0x00000007U	/* EINVAL */
/* (CKR_ARGUMENTS_BAD comes with EFAULT for an unreadable or unwritable buffer) */
#define SKS_CKR_ATTRIBUTE_READ_ONLY		0x00000010U	/* EINVAL */
#define SKS_CKR_ATTRIBUTE_SENSITIVE		0x00000011U	/* EPERM */
#define SKS_CKR_ATTRIBUTE_VALUE_INVALID		0x00000013U	/* EINVAL */
#define SKS_CKR_DATA_INVALID			0x00000020U	/* EBADMSG */
#define SKS_CKR_DATA_LEN_RANGE			0x00000021U	/* EMSGSIZE */
#define SKS_CKR_DEVICE_ERROR			0x00000030U	/* EIO */
#define SKS_CKR_DEVICE_MEMORY			0x00000031U	/* ENOSPC */
#define SKS_CKR_ENCRYPTED_DATA_INVALID		0x00000040U	/* EBADMSG */
#define SKS_CKR_ENCRYPTED_DATA_LEN_RANGE	0x00000041U	/* EMSGSIZE */
#define SKS_CKR_FUNCTION_NOT_SUPPORTED		0x00000054U	/* EOPNOTSUPP */
#define SKS_CKR_KEY_HANDLE_INVALID		0x00000060U	/* ENOENT */
#define SKS_CKR_KEY_SIZE_RANGE			0x00000062U	/* EINVAL */
#define SKS_CKR_KEY_TYPE_INCONSISTENT		0x00000063U	/* EINVAL */
#define SKS_CKR_KEY_FUNCTION_NOT_PERMITTED	0x00000068U	/* EPERM */
#define SKS_CKR_KEY_UNEXTRACTABLE		0x0000006aU	/* EPERM */
#define SKS_CKR_MECHANISM_INVALID		0x00000070U	/* EINVAL */
#define SKS_CKR_OBJECT_HANDLE_INVALID		0x00000082U	/* ENOENT */
#define SKS_CKR_OPERATION_ACTIVE		0x00000090U	/* EBUSY */
#define SKS_CKR_OPERATION_NOT_INITIALIZED	0x00000091U	/* ENOENT */
#define SKS_CKR_PIN_INCORRECT			0x000000a0U	/* EACCES */
#define SKS_CKR_PIN_LEN_RANGE			0x000000a2U	/* EINVAL */
#define SKS_CKR_PIN_LOCKED			0x000000a4U	/* EPERM */
#define SKS_CKR_SESSION_CLOSED			0x000000b0U	/* ENODEV */
#define SKS_CKR_SIGNATURE_INVALID		0x000000c0U	/* EBADMSG */
#define SKS_CKR_SIGNATURE_LEN_RANGE		0x000000c1U	/* EMSGSIZE */
#define SKS_CKR_TEMPLATE_INCONSISTENT		0x000000d1U	/* EINVAL */
#define SKS_CKR_TOKEN_NOT_PRESENT		0x000000e0U	/* ENODEV */
#define SKS_CKR_TOKEN_NOT_RECOGNIZED		0x000000e1U	/* ENOENT */
#define SKS_CKR_USER_ALREADY_LOGGED_IN		0x00000100U	/* EALREADY */
#define SKS_CKR_USER_NOT_LOGGED_IN		0x00000101U	/* EACCES */
#define SKS_CKR_USER_PIN_NOT_INITIALIZED	0x00000102U	/* EACCES */
#define SKS_CKR_USER_TYPE_INVALID		0x00000103U	/* EINVAL */
#define SKS_CKR_USER_ANOTHER_ALREADY_LOGGED_IN	0x00000104U	/* EALREADY */
#define SKS_CKR_DOMAIN_PARAMS_INVALID		0x00000130U	/* EXDEV */
#define SKS_CKR_BUFFER_TOO_SMALL		0x00000150U	/* EOVERFLOW */
#define SKS_CKR_SAVED_STATE_INVALID		0x00000160U	/* EMEDIUMTYPE */
#define SKS_CKR_SMK_ID_NOT_FOUND		0x80000099U	/* ENOKEY */
#define SKS_CKR_KEY_NOT_ACTIVE			0x80000136U	/* EKEYEXPIRED */
#define SKS_CKR_PARTITION_DEACTIVATED		0x80000200U	/* ENOKEY */
#define SKS_CKR_STATE_FOREIGN			0x80000201U	/* EXDEV */
#define SKS_CKR_STATE_UNSUPPORTED		0x80000202U	/* EPROTO */

#define SKS_IOC_MAGIC		0xb5

/* ------------------------------------------------------------------ */
/* /dev/sks-control (CAP_SYS_ADMIN)                                    */
/* ------------------------------------------------------------------ */

/**
 * struct sks_hsm_info - SKS_CTL_HSM_INFO: describe the HSM.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @serial: out: HSM serial number.
 * @firmware: out: firmware version, NUL terminated ("7.7.2").
 * @nr_slots: out: slots that exist now.
 * @max_slots: out: SKS_MAX_SLOTS.
 * @pbkdf2_iterations: out: PBKDF2 iterations of every new secret
 *	verifier and image (module parameter; SKS_KDF_ITERATIONS_DEFAULT
 *	unless the module was loaded with another cost).
 * @max_blob_size: out: SKS_MAX_BLOB_SIZE.
 * @reserved: must be 0.
 * @reserved2: must be 0.
 */
struct sks_hsm_info {
	__u32 flags;
	__u32 result;
	__u64 serial;
	__u8 firmware[SKS_FW_VERSION_LEN];
	__u32 nr_slots;
	__u32 max_slots;
	__u32 pbkdf2_iterations;
	__u32 max_blob_size;
	__u32 reserved;
	__u32 reserved2;
};

#define SKS_HSM_INFO_SIZE_VER0	56	/* first published size */

/* struct sks_slot_create.flags */
#define SKS_SLOT_CREATE_AT	(1U << 0)	/* @slot names the slot number */

/**
 * struct sks_slot_create - SKS_CTL_CREATE_SLOT: create a partition or a
 * Backup HSM slot; the new slot gets the lowest free number, or the number
 * in @slot with SKS_SLOT_CREATE_AT (-EEXIST with CKR_FUNCTION_FAILED if
 * that slot exists, -EINVAL if it is SKS_MAX_SLOTS or more).
 * @flags: 0 or SKS_SLOT_CREATE_AT.
 * @result: out: CKR_* code.
 * @type: SKS_SLOT_V0, SKS_SLOT_V1 or SKS_SLOT_BACKUP.
 * @slot: out: slot number N of /dev/sksN; in with SKS_SLOT_CREATE_AT.
 * @capacity: object storage in bytes, at most SKS_MAX_CAPACITY (256 MiB);
 *	0 selects the default (1 MiB).
 * @serial: out: serial number of the new slot.
 * @fw_version: BACKUP only: firmware version string, "" = "7.7.1";
 *	must be all zero for partitions.
 * @so_secret: BACKUP only: pointer to the HSM-SO secret; 0 for partitions.
 * @so_secret_len: BACKUP only: its length (SKS_PIN_MIN..SKS_PIN_MAX;
 *	CKR_PIN_LEN_RANGE otherwise).
 * @reserved: must be 0.
 */
struct sks_slot_create {
	__u32 flags;
	__u32 result;
	__u32 type;
	__u32 slot;
	__u64 capacity;
	__u64 serial;
	__u8 fw_version[SKS_FW_VERSION_LEN];
	__u64 so_secret;
	__u32 so_secret_len;
	__u32 reserved;
};

#define SKS_SLOT_CREATE_SIZE_VER0	64	/* first published size */

/**
 * struct sks_slot_delete - SKS_CTL_DELETE_SLOT: delete a slot. Sessions
 * still open on it fail with CKR_TOKEN_NOT_PRESENT afterwards.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @slot: slot number.
 * @reserved: must be 0.
 */
struct sks_slot_delete {
	__u32 flags;
	__u32 result;
	__u32 slot;
	__u32 reserved;
};

#define SKS_SLOT_DELETE_SIZE_VER0	16	/* first published size */

/* struct sks_slot_entry.state and struct sks_session_info.state bits */
#define SKS_STATE_INITIALIZED	(1U << 0)
#define SKS_STATE_CO_SET	(1U << 1)
#define SKS_STATE_CU_SET	(1U << 2)
#define SKS_STATE_CO_LOCKED	(1U << 3)	/* Crypto Officer locked out */
#define SKS_STATE_SMK_ROLLOVER	(1U << 4)
#define SKS_STATE_CU_LOCKED	(1U << 5)	/* Crypto User locked out */
#define SKS_STATE_SO_LOCKED	(1U << 6)	/* Backup HSM: HSM SO lockout running */
#define SKS_STATE_ZEROIZED	(1U << 7)	/* zeroized after SO failures */
#define SKS_STATE_DEACTIVATED	(1U << 8)	/* loaded, not activated yet */
#define SKS_STATE_AUTO_ACTIVATION (1U << 9)	/* policy: auto-activation */

/**
 * struct sks_slot_entry - one slot in a SKS_CTL_LIST_SLOTS answer.
 * @slot: slot number.
 * @type: SKS_SLOT_*.
 * @serial: slot serial number.
 * @label: partition label, NUL padded.
 * @fw_version: firmware version, NUL terminated.
 * @state: SKS_STATE_* bits.
 * @sessions: open sessions.
 * @capacity: bytes.
 * @used: bytes used by objects.
 * @generation: the slot's state generation: it grows with every durable
 *	change of the slot (SKS_CTL_STATE_SAVE).
 */
struct sks_slot_entry {
	__u32 slot;
	__u32 type;
	__u64 serial;
	__u8 label[SKS_LABEL_LEN];
	__u8 fw_version[SKS_FW_VERSION_LEN];
	__u32 state;
	__u32 sessions;
	__u64 capacity;
	__u64 used;
	__u64 generation;
};

#define SKS_SLOT_ENTRY_SIZE_VER0	88	/* first published size */

/**
 * struct sks_slot_list - SKS_CTL_LIST_SLOTS: list slots, lowest first.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @entries: pointer to an array of @count entries of @entry_size bytes,
 *	or 0 to query the number of slots (CKR_OK).
 * @count: in: room in @entries; out: number of slots. CKR_BUFFER_TOO_SMALL
 *	if the room was too small (then nothing is written).
 * @entry_size: sizeof(struct sks_slot_entry) as known to the caller;
 *	at least SKS_SLOT_ENTRY_SIZE_VER0.
 */
struct sks_slot_list {
	__u32 flags;
	__u32 result;
	__u64 entries;
	__u32 count;
	__u32 entry_size;
};

#define SKS_SLOT_LIST_SIZE_VER0	24	/* first published size */

/* ------------------------------------------------------------------ */
/* /dev/sksN: sessions                                                 */
/* ------------------------------------------------------------------ */

/**
 * struct sks_session_info - SKS_IOC_SESSION_INFO: this session and its slot.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @slot: out: slot number.
 * @type: out: SKS_SLOT_*.
 * @role: out: logged-in role or SKS_ROLE_NONE.
 * @state: out: SKS_STATE_* bits.
 * @serial: out: slot serial number.
 * @label: out: partition label.
 * @capacity: out: bytes.
 * @used: out: bytes used.
 * @smk_fingerprint: out: primary SMK fingerprint (V1, initialised).
 * @rollover_fingerprint: out: rollover SMK fingerprint, or zeros.
 * @so_failures: out: consecutive failed checks of the partition SO secret
 *	(Backup HSM: of the HSM SO secret).
 * @co_failures: out: consecutive failed Crypto Officer logins.
 * @cu_failures: out: consecutive failed Crypto User logins.
 * @lockout_secs: out: Backup HSM: seconds left of an HSM SO lockout
 *	(SKS_STATE_SO_LOCKED), else 0.
 * @sim_failures: out: V1: consecutive wrong blob authorisation secrets
 *	(struct sks_insert).
 * @sim_lockout_secs: out: V1: seconds left of their lockout, else 0.
 */
struct sks_session_info {
	__u32 flags;
	__u32 result;
	__u32 slot;
	__u32 type;
	__u32 role;
	__u32 state;
	__u64 serial;
	__u8 label[SKS_LABEL_LEN];
	__u64 capacity;
	__u64 used;
	__u8 smk_fingerprint[SKS_FINGERPRINT_LEN];
	__u8 rollover_fingerprint[SKS_FINGERPRINT_LEN];
	__u32 so_failures;
	__u32 co_failures;
	__u32 cu_failures;
	__u32 lockout_secs;
	__u32 sim_failures;
	__u32 sim_lockout_secs;
};

#define SKS_SESSION_INFO_SIZE_VER0	112	/* first published size */

/**
 * struct sks_partition_init - SKS_IOC_PARTITION_INIT: initialise a
 * partition (CAP_SYS_ADMIN). A V1 partition gets a new random SMK here.
 *
 * A partition that is initialised already is re-initialised, as
 * C_InitToken does (PKCS#11 v2.40 section 5.6): @so_pin must be its
 * current SO secret (CKR_PIN_INCORRECT otherwise, counted towards the SO
 * bad-attempt limit), and then every object (also other sessions'
 * session objects), the SMKs (primary and rollover), the Crypto Officer
 * and Crypto User secrets and the usage ledger are wiped, and every
 * session of the partition is logged out, before the new label, domain
 * and SMK are set. The SO secret stays (as in C_InitToken, where pPin is
 * the current SO PIN); SKS_IOC_CHANGE_PIN changes it.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @so_pin: pointer to the partition SO secret.
 * @so_pin_len: SKS_PIN_MIN..SKS_PIN_MAX (CKR_PIN_LEN_RANGE).
 * @domain_len: 1..SKS_DOMAIN_MAX.
 * @domain: pointer to the cloning domain string.
 * @label: partition label, NUL padded (may be empty).
 */
struct sks_partition_init {
	__u32 flags;
	__u32 result;
	__u64 so_pin;
	__u32 so_pin_len;
	__u32 domain_len;
	__u64 domain;
	__u8 label[SKS_LABEL_LEN];
};

#define SKS_PARTITION_INIT_SIZE_VER0	64	/* first published size */

/**
 * struct sks_login - SKS_IOC_LOGIN: log this session in. A wrong secret
 * gives CKR_PIN_INCORRECT and counts towards the role's bad-attempt limit;
 * a locked role gives CKR_PIN_LOCKED without checking the secret.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @role: SKS_ROLE_SO, SKS_ROLE_CO or SKS_ROLE_CU.
 * @pin_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @pin: pointer to the secret.
 */
struct sks_login {
	__u32 flags;
	__u32 result;
	__u32 role;
	__u32 pin_len;
	__u64 pin;
};

#define SKS_LOGIN_SIZE_VER0	24	/* first published size */

/**
 * struct sks_simple - argument of ioctls without parameters
 * (SKS_IOC_LOGOUT).
 * @flags: must be 0.
 * @result: out: CKR_* code.
 */
struct sks_simple {
	__u32 flags;
	__u32 result;
};

#define SKS_SIMPLE_SIZE_VER0	8	/* first published size */

/**
 * struct sks_init_role - SKS_IOC_INIT_ROLE: the SO sets the CO or CU
 * secret; this also clears that role's lockout and failure counter (and
 * only that role's).
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @role: SKS_ROLE_CO or SKS_ROLE_CU.
 * @pin_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @pin: pointer to the new secret.
 */
struct sks_init_role {
	__u32 flags;
	__u32 result;
	__u32 role;
	__u32 pin_len;
	__u64 pin;
};

#define SKS_INIT_ROLE_SIZE_VER0	24	/* first published size */

/**
 * struct sks_change_pin - SKS_IOC_CHANGE_PIN: change the secret of the
 * logged-in role. A wrong @old_pin counts towards the role's bad-attempt
 * limit like a failed login.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @role: the role logged in on this session.
 * @old_len: length of @old_pin.
 * @old_pin: pointer to the current secret.
 * @new_pin: pointer to the new secret.
 * @new_len: length of @new_pin.
 * @reserved: must be 0.
 */
struct sks_change_pin {
	__u32 flags;
	__u32 result;
	__u32 role;
	__u32 old_len;
	__u64 old_pin;
	__u64 new_pin;
	__u32 new_len;
	__u32 reserved;
};

#define SKS_CHANGE_PIN_SIZE_VER0	40	/* first published size */

/**
 * struct sks_obj_attrs - object attributes.
 * @obj_class: SKS_CKO_* (CKA_CLASS).
 * @key_type: SKS_CKK_* (SKS_CKK_NONE for data objects).
 * @flags: SKS_OBJ_* bits. Objects without SKS_OBJ_PRIVATE are public:
 *	sessions that are not logged in as CO or CU (also the SO's) find them
 *	and read their attributes (and a data object's value), as PKCS#11
 *	v2.40 section 4.4 (CKA_PRIVATE) has it.
 * @value_len: value length in bytes (AES: 16/24/32; generic secret:
 *	SKS_GENERIC_SECRET_MIN..SKS_GENERIC_SECRET_MAX; data:
 *	0..SKS_MAX_DATA_SIZE; EC: see SKS_EC_*). Public key values are not
 *	sensitive: SKS_IOC_GET_VALUE reads them; private and secret key
 *	values never leave the kernel but in blobs and archives.
 * @usage_limit: number of crypto operations allowed, 0 = unlimited.
 *	The limit holds for the key, not for one copy of it: the partition
 *	keeps a usage ledger entry for every usage-limited key it has held,
 *	and every copy inserted from a blob or restored from an archive shares
 *	the count of that entry (docs/blob-format.md, "Usage limits").
 * @usage_count: operations done so far (read only: must be 0 on input).
 * @label_len: bytes used in @label (the rest must be zero).
 * @id_len: bytes used in @id (the rest must be zero).
 * @label: CKA_LABEL.
 * @id: CKA_ID.
 */
struct sks_obj_attrs {
	__u32 obj_class;
	__u32 key_type;
	__u32 flags;
	__u32 value_len;
	__u64 usage_limit;
	__u64 usage_count;
	__u32 label_len;
	__u32 id_len;
	__u8 label[SKS_OBJ_LABEL_MAX];
	__u8 id[SKS_OBJ_ID_MAX];
};

#define SKS_OBJ_ATTRS_SIZE_VER0	168	/* first published size */

/**
 * struct sks_generate_key - SKS_IOC_GENERATE_KEY: make a key in the kernel.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @mechanism: SKS_CKM_AES_KEY_GEN or SKS_CKM_GENERIC_SECRET_KEY_GEN.
 * @handle: out: object handle.
 * @attrs: attributes of the new key (class SKS_CKO_SECRET_KEY).
 */
struct sks_generate_key {
	__u32 flags;
	__u32 result;
	__u32 mechanism;
	__u32 handle;
	struct sks_obj_attrs attrs;
};

#define SKS_GENERATE_KEY_SIZE_VER0	184	/* first published size */

/**
 * struct sks_create_object - SKS_IOC_CREATE_OBJECT: import a key value or
 * create a data object.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @value: pointer to attrs.value_len bytes.
 * @handle: out: object handle.
 * @reserved: must be 0.
 * @attrs: attributes of the new object.
 */
struct sks_create_object {
	__u32 flags;
	__u32 result;
	__u64 value;
	__u32 handle;
	__u32 reserved;
	struct sks_obj_attrs attrs;
};

#define SKS_CREATE_OBJECT_SIZE_VER0	192	/* first published size */

/**
 * struct sks_get_attrs - SKS_IOC_GET_ATTRS: read an object's attributes
 * (never its value).
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @handle: object handle.
 * @reserved: must be 0.
 * @attrs: out: the attributes.
 */
struct sks_get_attrs {
	__u32 flags;
	__u32 result;
	__u32 handle;
	__u32 reserved;
	struct sks_obj_attrs attrs;
};

#define SKS_GET_ATTRS_SIZE_VER0	184	/* first published size */

/**
 * struct sks_get_value - SKS_IOC_GET_VALUE: read a data object's value,
 * or a public key's (its uncompressed point). Secret and private key
 * values are never readable (CKR_ATTRIBUTE_SENSITIVE). A public object
 * can be read without a login.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @handle: object handle.
 * @len: in: room at @buf; out: value length (CKR_BUFFER_TOO_SMALL if
 *	the room was too small; @buf 0 queries the length).
 * @buf: pointer to the buffer, or 0.
 */
struct sks_get_value {
	__u32 flags;
	__u32 result;
	__u32 handle;
	__u32 len;
	__u64 buf;
};

#define SKS_GET_VALUE_SIZE_VER0	24	/* first published size */

/* struct sks_find_objects.flags: which template fields must match */
#define SKS_FIND_CLASS		(1U << 0)
#define SKS_FIND_LABEL		(1U << 1)
#define SKS_FIND_ID		(1U << 2)
#define SKS_FIND_KEY_TYPE	(1U << 3)
#define SKS_FIND_ALL		0xfU

/**
 * struct sks_find_objects - SKS_IOC_FIND_OBJECTS: list the handles of the
 * objects visible to this session that match the template, ascending.
 * Visible are the token objects and this session's own session objects,
 * and of those only the public ones (no SKS_OBJ_PRIVATE) unless the
 * session is logged in as CO or CU. Needs no login.
 * @flags: SKS_FIND_* bits; 0 lists everything.
 * @result: out: CKR_* code.
 * @handles: pointer to @count __u32 handles, or 0 to query the count.
 * @count: in: room at @handles; out: number of matches
 *	(CKR_BUFFER_TOO_SMALL if the room was too small).
 * @reserved: must be 0.
 * @tmpl: template; only the fields selected by @flags are used.
 */
struct sks_find_objects {
	__u32 flags;
	__u32 result;
	__u64 handles;
	__u32 count;
	__u32 reserved;
	struct sks_obj_attrs tmpl;
};

#define SKS_FIND_OBJECTS_SIZE_VER0	192	/* first published size */

/**
 * struct sks_destroy_object - SKS_IOC_DESTROY_OBJECT: destroy an object.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @handle: object handle.
 * @reserved: must be 0.
 */
struct sks_destroy_object {
	__u32 flags;
	__u32 result;
	__u32 handle;
	__u32 reserved;
};

#define SKS_DESTROY_OBJECT_SIZE_VER0	16	/* first published size */

/* struct sks_set_attrs.flags: which attributes to change */
#define SKS_SET_LABEL		(1U << 0)	/* CKA_LABEL */
#define SKS_SET_ID		(1U << 1)	/* CKA_ID */
#define SKS_SET_FLAGS		(1U << 2)	/* the boolean attributes */

/**
 * struct sks_set_attrs - SKS_IOC_SET_ATTRS: change attributes of an object
 * (C_SetAttributeValue; logged in as CO, as every change of a partition
 * needs; CKR_USER_NOT_LOGGED_IN otherwise).
 *
 * What may change follows PKCS#11 v2.40 section 4.4 (Table 10, footnote
 * 8) and section 4.7 (Table 25, footnotes 9 and 11): the label and id;
 * SKS_OBJ_ENCRYPT, DECRYPT, SIGN, VERIFY, DERIVE within what the key's
 * type allows (CKR_TEMPLATE_INCONSISTENT); SKS_OBJ_SENSITIVE only from off
 * to on, SKS_OBJ_EXTRACTABLE only from on to off; SKS_OBJ_TOKEN and
 * SKS_OBJ_PRIVATE never (CKR_ATTRIBUTE_READ_ONLY). Nothing changes
 * unless every requested change is allowed.
 * @flags: SKS_SET_* bits, at least one.
 * @result: out: CKR_* code.
 * @handle: the object.
 * @reserved: must be 0.
 * @attrs: the new values of the attributes named by @flags (label and
 *	label_len, id and id_len, flags); every other field must be 0.
 */
struct sks_set_attrs {
	__u32 flags;
	__u32 result;
	__u32 handle;
	__u32 reserved;
	struct sks_obj_attrs attrs;
};

#define SKS_SET_ATTRS_SIZE_VER0		184	/* first published size */

/**
 * struct sks_crypt - SKS_IOC_ENCRYPT and SKS_IOC_DECRYPT with AES-GCM.
 * Encrypt: the device picks a random @iv and returns it; @out receives
 * ciphertext || 16-byte tag (@in_len + 16 bytes). Decrypt: @in is
 * ciphertext || tag; @out receives @in_len - 16 bytes, nothing if the tag
 * does not verify (CKR_ENCRYPTED_DATA_INVALID, @out_len 0).
 *
 * Lengths: plaintext above SKS_MAX_DATA_SIZE gives CKR_DATA_LEN_RANGE;
 * ciphertext (tag included) below 16 or above SKS_MAX_DATA_SIZE + 16
 * bytes gives CKR_ENCRYPTED_DATA_LEN_RANGE (PKCS#11 v2.40 section 5.2).
 * @out 0 is a size query; a use of the key is counted only when the cipher
 * runs.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @handle: AES key handle.
 * @mechanism: SKS_CKM_AES_GCM.
 * @iv: encrypt: out; decrypt: in.
 * @aad_len: 0..SKS_MAX_DATA_SIZE.
 * @aad: pointer to the additional authenticated data.
 * @in: pointer to the input.
 * @out: pointer to the output buffer.
 * @in_len: input length.
 * @out_len: in: room at @out; out: bytes written or needed.
 */
struct sks_crypt {
	__u32 flags;
	__u32 result;
	__u32 handle;
	__u32 mechanism;
	__u8 iv[SKS_GCM_IV_LEN];
	__u32 aad_len;
	__u64 aad;
	__u64 in;
	__u64 out;
	__u32 in_len;
	__u32 out_len;
};

#define SKS_CRYPT_SIZE_VER0	64	/* first published size */

/* struct sks_sign.flags */
#define SKS_SIGN_DER		(1U << 0)	/* ECDSA: DER ECDSA-Sig-Value */

/**
 * struct sks_sign - SKS_IOC_SIGN and SKS_IOC_VERIFY with HMAC or ECDSA.
 *
 * HMAC: a generic secret key. ECDSA: sign with an EC private key, verify
 * with an EC public key (the point is checked, SP 800-56A 5.6.2.3.3);
 * CKM_ECDSA takes a hash (1..64 bytes, truncated to the curve's size as
 * FIPS 186-4 6.4 says), CKM_ECDSA_SHA256/SHA384 hash the message in the
 * kernel. Signatures are r || s (PKCS#11's form, 64 or 96 bytes), or an
 * ECDSA-Sig-Value in DER (RFC 3279 2.2.3) with SKS_SIGN_DER. Nonces are
 * RFC 6979's, hedged with fresh randomness (RFC 6979 section 3.6).
 * @flags: 0 or SKS_SIGN_DER (ECDSA only).
 * @result: out: CKR_* code.
 * @handle: the key: a generic secret (HMAC), an EC private (ECDSA sign)
 *	or public key (ECDSA verify).
 * @mechanism: SKS_CKM_SHA256_HMAC, SKS_CKM_SHA384_HMAC,
 *	SKS_CKM_SHA512_HMAC, SKS_CKM_ECDSA, SKS_CKM_ECDSA_SHA256 or
 *	SKS_CKM_ECDSA_SHA384.
 * @data: pointer to the message.
 * @sig: pointer to the MAC (sign: out, or 0 to query its length; verify:
 *	in).
 * @data_len: 0..SKS_MAX_DATA_SIZE (CKR_DATA_LEN_RANGE).
 * @sig_len: sign: in: room, out: MAC length; verify: MAC length
 *	(CKR_SIGNATURE_LEN_RANGE if it is not the mechanism's).
 */
struct sks_sign {
	__u32 flags;
	__u32 result;
	__u32 handle;
	__u32 mechanism;
	__u64 data;
	__u64 sig;
	__u32 data_len;
	__u32 sig_len;
};

#define SKS_SIGN_SIZE_VER0	40	/* first published size */

/**
 * struct sks_generate_key_pair - SKS_IOC_GENERATE_KEY_PAIR: make an EC key
 * pair in the kernel (CO), both objects or neither.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @mechanism: SKS_CKM_EC_KEY_PAIR_GEN.
 * @curve: SKS_EC_P256 or SKS_EC_P384.
 * @pub_handle: out: the public key's handle.
 * @priv_handle: out: the private key's handle.
 * @pub_attrs: pointer to the public key's struct sks_obj_attrs (class
 *	SKS_CKO_PUBLIC_KEY, key type SKS_CKK_EC, value_len 0: the kernel
 *	knows it).
 * @priv_attrs: pointer to the private key's (SKS_CKO_PRIVATE_KEY).
 * @attrs_size: sizeof(struct sks_obj_attrs) as the caller knows it, at
 *	least SKS_OBJ_ATTRS_SIZE_VER0.
 * @reserved: must be 0.
 */
struct sks_generate_key_pair {
	__u32 flags;
	__u32 result;
	__u32 mechanism;
	__u32 curve;
	__u32 pub_handle;
	__u32 priv_handle;
	__u64 pub_attrs;
	__u64 priv_attrs;
	__u32 attrs_size;
	__u32 reserved;
};

#define SKS_GENERATE_KEY_PAIR_SIZE_VER0	48	/* first published size */

/**
 * struct sks_derive_key - SKS_IOC_DERIVE_KEY: a new secret key from an EC
 * private key and a peer's public key (SKS_CKM_ECDH1_DERIVE, PKCS#11
 * v2.40 section 2.3.9; ECDH as SP 800-56A 5.7.1.2). CO only; the base key
 * needs SKS_OBJ_DERIVE; one use of it is counted.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @mechanism: SKS_CKM_ECDH1_DERIVE.
 * @base: the private key's handle.
 * @kdf: SKS_CKD_NULL (the key is the leading bytes of Z), SKS_CKD_SHA256_KDF
 *	or SKS_CKD_SHA384_KDF (ANSI X9.63 with @shared_data).
 * @public_len: 65 or 97: the peer's uncompressed point on the base key's
 *	curve (checked fully: CKR_DOMAIN_PARAMS_INVALID for another curve,
 *	CKR_ARGUMENTS_BAD for a point not on it).
 * @public_data: pointer to it.
 * @shared_data: pointer to the KDF's shared info, or 0.
 * @shared_len: its length, 0..SKS_MAX_DATA_SIZE (0 with SKS_CKD_NULL).
 * @handle: out: the new key's handle.
 * @attrs: the new key (a SKS_CKO_SECRET_KEY, AES or generic secret, with
 *	its value_len; SKS_CKD_NULL: at most the size of Z).
 */
struct sks_derive_key {
	__u32 flags;
	__u32 result;
	__u32 mechanism;
	__u32 base;
	__u32 kdf;
	__u32 public_len;
	__u64 public_data;
	__u64 shared_data;
	__u32 shared_len;
	__u32 handle;
	struct sks_obj_attrs attrs;
};

#define SKS_DERIVE_KEY_SIZE_VER0	216	/* first published size */

/* struct sks_extract.flags */
#define SKS_EXTRACT_DELETE	(1U << 0)	/* destroy objects once extracted */

/**
 * struct sks_auth_secret - one authorisation secret of an SKS blob (an
 * entry of Luna's ppbAuthSecretList, authForm CKA_SIM_PASSWORD).
 * @secret: pointer to the secret's bytes.
 * @len: SKS_PIN_MIN..SKS_PIN_MAX (CKR_PIN_LEN_RANGE).
 * @reserved: must be 0.
 */
struct sks_auth_secret {
	__u64 secret;
	__u32 len;
	__u32 reserved;
};

#define SKS_AUTH_SECRET_SIZE_VER0	16	/* first published size */

/**
 * struct sks_extract - SKS_IOC_EXTRACT: wrap objects into one SKS blob
 * under the primary SMK (V1, CO).
 * @flags: SKS_EXTRACT_* bits.
 * @result: out: CKR_* code.
 * @handles: pointer to @count __u32 handles, each at most once
 *	(CKR_ARGUMENTS_BAD for a repeated handle).
 * @blob: pointer to the output buffer, or 0 to query the size.
 * @count: 1..SKS_MAX_EXTRACT.
 * @blob_len: in: room at @blob; out: blob size (written or needed; also
 *	reported with CKR_DATA_LEN_RANGE when the blob would exceed
 *	SKS_MAX_BLOB_SIZE).
 * @auth: pointer to @auth_count struct sks_auth_secret: the N secrets
 *	that authorise the blob, pairwise different (CKR_ARGUMENTS_BAD), or
 *	0 with @auth_count 0 for a blob any CO of a partition holding the
 *	SMK can insert.
 * @auth_count: N, 0..SKS_SIM_AUTH_MAX (Luna's ulAuthSecretCount).
 * @auth_subset: M, 1..N, or 0 when N is 0 (ulAuthSubsetCount): how many
 *	of the N secrets SKS_IOC_INSERT and SKS_IOC_MULTI_SIGN need. The
 *	blob keeps a verifier of each secret (HMAC-SHA-256 under a random
 *	per-blob key) inside its encrypted payload, never the secrets
 *	(docs/blob-format.md).
 */
struct sks_extract {
	__u32 flags;
	__u32 result;
	__u64 handles;
	__u64 blob;
	__u32 count;
	__u32 blob_len;
	__u64 auth;
	__u32 auth_count;
	__u32 auth_subset;
};

#define SKS_EXTRACT_SIZE_VER0	32	/* first published size */

/**
 * struct sks_insert - SKS_IOC_INSERT: unwrap an SKS blob into new session
 * objects (V1, CO), all or nothing.
 *
 * A rejected blob gives, in the order of the checks: CKR_DATA_LEN_RANGE
 * (@blob_len above SKS_MAX_BLOB_SIZE), CKR_DATA_INVALID (not a blob: magic,
 * version, lengths, truncation, trailing bytes), CKR_SMK_ID_NOT_FOUND (made
 * under an SMK that is neither the primary nor the rollover SMK),
 * CKR_ENCRYPTED_DATA_INVALID (authentication failed: altered or damaged),
 * CKR_DATA_INVALID (records that are not valid objects), then
 * CKR_DEVICE_MEMORY (the partition is full). Nothing is created on any of
 * them (docs/blob-format.md).
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @blob: pointer to the blob.
 * @handles: pointer to room for @count __u32 handles, or 0 to query the
 *	number of objects in the blob (read from its header; nothing is
 *	inserted).
 * @blob_len: blob size.
 * @count: in: room at @handles; out: objects in the blob.
 * @auth: pointer to @auth_count struct sks_auth_secret, or 0.
 * @auth_count: for a blob extracted with M of N secrets: M or more of
 *	them, each a different one of the N. After the blob has been
 *	authenticated: fewer than M, or secrets for a blob that has none,
 *	CKR_ARGUMENTS_BAD; during a lockout CKR_PIN_LOCKED (nothing
 *	checked); a secret that is none of the N (or repeats one already
 *	matched) CKR_PIN_INCORRECT, counted (SKS_MAX_SIM_FAILURES).
 * @reserved: must be 0.
 */
struct sks_insert {
	__u32 flags;
	__u32 result;
	__u64 blob;
	__u64 handles;
	__u32 blob_len;
	__u32 count;
	__u64 auth;
	__u32 auth_count;
	__u32 reserved;
};

#define SKS_INSERT_SIZE_VER0	32	/* first published size */

/**
 * struct sks_multi_sign_item - one input of SKS_IOC_MULTI_SIGN.
 * @data: pointer to the input.
 * @sig: pointer to room for its signature.
 * @data_len: 0..SKS_MAX_DATA_SIZE (CKR_DATA_LEN_RANGE).
 * @sig_len: in: room at @sig; out: signature length.
 */
struct sks_multi_sign_item {
	__u64 data;
	__u64 sig;
	__u32 data_len;
	__u32 sig_len;
};

#define SKS_MULTI_SIGN_ITEM_SIZE_VER0	24	/* first published size */

/**
 * struct sks_multi_sign - SKS_IOC_MULTI_SIGN: sign many inputs with the
 * one key an SKS blob holds, without making it an object (Luna's
 * CA_SIMMultiSign; V1, CO).
 *
 * The blob is checked as by SKS_IOC_INSERT (with its M of N secrets) and
 * must hold exactly one key that may sign with @mechanism
 * (CKR_KEY_TYPE_INCONSISTENT, CKR_KEY_FUNCTION_NOT_PERMITTED). Every
 * output buffer is checked before anything is signed: one too small gives
 * CKR_BUFFER_TOO_SMALL with the needed length in its @sig_len and no
 * signature made. A usage-limited key counts one use per input, in the
 * partition's usage ledger; when the limit would be passed nothing is
 * signed (CKR_KEY_NOT_ACTIVE).
 * @flags: 0 or SKS_SIGN_DER (ECDSA).
 * @result: out: CKR_* code.
 * @mechanism: as for SKS_IOC_SIGN.
 * @count: inputs, 1..SKS_MAX_MULTI_SIGN.
 * @blob: pointer to the blob.
 * @auth: pointer to @auth_count struct sks_auth_secret, or 0.
 * @items: pointer to @count struct sks_multi_sign_item.
 * @blob_len: blob size, at most SKS_MAX_BLOB_SIZE.
 * @auth_count: as for struct sks_insert.
 */
struct sks_multi_sign {
	__u32 flags;
	__u32 result;
	__u32 mechanism;
	__u32 count;
	__u64 blob;
	__u64 auth;
	__u64 items;
	__u32 blob_len;
	__u32 auth_count;
};

#define SKS_MULTI_SIGN_SIZE_VER0	48	/* first published size */

/**
 * struct sks_rewrap_item - one blob of SKS_IOC_REWRAP.
 * @in: pointer to the blob, made under the primary or the rollover SMK.
 * @out: pointer to room for the new blob, or 0 to ask its size.
 * @in_len: its length, at most SKS_MAX_BLOB_SIZE.
 * @out_len: in: room at @out; out: the new blob's length (@in_len, or
 *	more for a blob of format version 1, whose records grow).
 * @result: out: CKR_OK, or the code of this blob's failure.
 * @reserved: must be 0.
 */
struct sks_rewrap_item {
	__u64 in;
	__u64 out;
	__u32 in_len;
	__u32 out_len;
	__u32 result;
	__u32 reserved;
};

#define SKS_REWRAP_ITEM_SIZE_VER0	32	/* first published size */

/**
 * struct sks_rewrap - SKS_IOC_REWRAP: re-encrypt SKS blobs under the
 * primary SMK (V1, CO), e.g. every stored blob after
 * SKS_ROLLOVER_START, before SKS_ROLLOVER_END.
 *
 * Each blob is checked as SKS_IOC_INSERT checks it (length, header, SMK
 * fingerprint, authentication, records), but its keys never become
 * objects and no authorisation secret is needed: a blob's auth section
 * (M of N verifiers) goes into the new blob unchanged. The new blob has
 * a fresh salt and IV, format version 2, and for a usage-limited key the
 * larger of the blob's use count and the partition's usage ledger's.
 * First every @out_len is checked against the size of the new blob
 * (from the headers: CKR_BUFFER_TOO_SMALL, each item's @out_len set;
 * with every @out 0 a size query, CKR_OK); then the blobs are rewrapped
 * in order. The first blob that fails stops the call: its @result says
 * why and the call's @result is the same; outputs written before it are
 * valid blobs, but a caller should treat the batch as failed (one
 * transaction per call).
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @items: pointer to @count struct sks_rewrap_item.
 * @count: 1..SKS_MAX_REWRAP.
 * @done: out: blobs rewrapped (all of them on success).
 */
struct sks_rewrap {
	__u32 flags;
	__u32 result;
	__u64 items;
	__u32 count;
	__u32 done;
};

#define SKS_REWRAP_SIZE_VER0		24	/* first published size */

/* struct sks_batch_op.op */
#define SKS_BATCH_ENCRYPT	1	/* as SKS_IOC_ENCRYPT */
#define SKS_BATCH_DECRYPT	2	/* as SKS_IOC_DECRYPT */
#define SKS_BATCH_SIGN		3	/* as SKS_IOC_SIGN */
#define SKS_BATCH_VERIFY	4	/* as SKS_IOC_VERIFY */

/* struct sks_batch.flags */
#define SKS_BATCH_STOP_ON_ERROR	(1U << 0)	/* stop after the first failed op */

#define SKS_BATCH_MAX_OPS	256		/* operations per SKS_IOC_BATCH */
#define SKS_BATCH_MAX_BYTES	(1U << 20)	/* sum of in_len + aad_len */
#define SKS_BATCH_OP_SIZE_VER0	64		/* first struct sks_batch_op */
#define SKS_BATCH_OP_SIZE_MAX	256		/* largest op_size accepted */

/**
 * struct sks_batch_op - one operation of SKS_IOC_BATCH (64 bytes).
 * Each operation behaves exactly as the single ioctl named by @op (same
 * checks, in the same order, same result codes, one use counted per
 * operation); the fields map onto struct sks_crypt and struct sks_sign.
 * @op: SKS_BATCH_ENCRYPT, SKS_BATCH_DECRYPT, SKS_BATCH_SIGN or
 *	SKS_BATCH_VERIFY.
 * @result: out: CKR_* code of this operation; operations that were not
 *	run (after a failure with SKS_BATCH_STOP_ON_ERROR) are left as they
 *	were.
 * @handle: key handle.
 * @mechanism: SKS_CKM_AES_GCM, or an HMAC mechanism for sign/verify.
 * @iv: encrypt: out; decrypt: in; must be zero for sign/verify.
 * @aad_len: encrypt/decrypt: 0..SKS_MAX_DATA_SIZE; sign/verify: must be 0.
 * @aad: encrypt/decrypt: pointer to the AAD; sign/verify: must be 0.
 * @in: pointer to the input (plaintext, ciphertext || tag, or message).
 * @out: encrypt/decrypt/sign: pointer to the output buffer; verify:
 *	pointer to the MAC to check.
 * @in_len: input length.
 * @out_len: encrypt/decrypt/sign: in: room at @out, out: bytes written
 *	or needed; verify: length of the MAC at @out.
 */
struct sks_batch_op {
	__u32 op;
	__u32 result;
	__u32 handle;
	__u32 mechanism;
	__u8 iv[SKS_GCM_IV_LEN];
	__u32 aad_len;
	__u64 aad;
	__u64 in;
	__u64 out;
	__u32 in_len;
	__u32 out_len;
};

/**
 * struct sks_batch - SKS_IOC_BATCH: many encrypt, decrypt, sign and verify
 * operations in one call (CO or CU).
 * @flags: SKS_BATCH_* bits.
 * @result: out: CKR_* code of the batch itself: SKS_CKR_OK once the
 *	operations ran, whatever their own results.
 * @ops: pointer to @count operation descriptors, @op_size bytes apart.
 * @count: 1..SKS_BATCH_MAX_OPS.
 * @op_size: size of one descriptor as the caller knows it:
 *	SKS_BATCH_OP_SIZE_VER0..SKS_BATCH_OP_SIZE_MAX; bytes beyond the
 *	kernel's struct sks_batch_op must be zero.
 * @done: out: operations run (all @count unless SKS_BATCH_STOP_ON_ERROR
 *	stopped the batch).
 * @failed: out: operations among them whose @result is not SKS_CKR_OK.
 * @reserved: must be 0.
 *
 * The whole batch is refused, with nothing run, for: a @count or
 * @op_size out of range or a non-zero @reserved (CKR_ARGUMENTS_BAD,
 * -EINVAL), an unknown @op, a sign/verify descriptor with AAD or IV
 * fields set, or a non-zero descriptor tail (CKR_ARGUMENTS_BAD), input
 * bytes above SKS_BATCH_MAX_BYTES (CKR_DATA_LEN_RANGE, -EMSGSIZE),
 * unreadable descriptors (-EFAULT), no CO or CU login
 * (CKR_USER_NOT_LOGGED_IN). Otherwise the call returns 0 and each
 * operation's outcome is in its @result (and @iv, @out_len).
 */
struct sks_batch {
	__u32 flags;
	__u32 result;
	__u64 ops;
	__u32 count;
	__u32 op_size;
	__u32 done;
	__u32 failed;
	__u64 reserved;
};

#define SKS_BATCH_SIZE_VER0	40	/* first published size */

/* SKS_IOC_SMK_ROLLOVER flags (exactly one) */
#define SKS_ROLLOVER_START	(1U << 0)
#define SKS_ROLLOVER_END	(1U << 1)

/* ------------------------------------------------------------------ */
/* Backup HSM: archive partitions and durable images (docs/backup.md) */
/* ------------------------------------------------------------------ */

#define SKS_ARCHIVE_NAME_MAX	64	/* archive name, NUL padded if shorter */
#define SKS_DOMAIN_ID_LEN	16	/* public identifier of a cloning domain */
#define SKS_IMAGE_MAX_SIZE	(16U << 20)	/* a Backup HSM image */

/* Archive kinds (struct sks_archive_entry.kind) */
#define SKS_ARCHIVE_SKS		1	/* holds exactly one SMK (V1 backup) */
#define SKS_ARCHIVE_CLONING	2	/* holds cloned objects (V0 backup) */

/* struct sks_archive_backup.flags (V0 cloning backups only) */
#define SKS_BACKUP_APPEND	(1U << 0)	/* add to an existing archive */
#define SKS_BACKUP_REPLACE	(1U << 1)	/* replace an existing archive */

/*
 * struct sks_archive_restore.status bits. WARN_OBJECTS: an SKS restore
 * found crypto objects in the archive besides the SMK (and ignored them).
 */
#define SKS_RESTORE_WARN_OBJECTS (1U << 0)

/**
 * struct sks_archive_backup - SKS_IOC_ARCHIVE_BACKUP: back up the current
 * partition (this session, logged in as Crypto Officer) into a new archive
 * partition on a Backup HSM slot.
 *
 * V1 (SKS) partition: only the SMK and the cloning domain are archived;
 * @name must be empty on input and receives the generated name
 * "<partition serial>_<YYYY:MM:DD-HH:MM:SS>" (UTC); @flags, @count and
 * @handles must be 0. Needs Backup HSM firmware >= 7.7.1 (6.x: >= 6.28.0).
 * V0 partition: the token objects (or the @count objects listed) are
 * cloned into the archive @name; an existing archive of that name is an
 * error unless SKS_BACKUP_APPEND or SKS_BACKUP_REPLACE is given.
 *
 * @flags: SKS_BACKUP_* bits (V0 only).
 * @result: out: CKR_* code.
 * @backup_slot: slot number of the Backup HSM.
 * @so_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @so_secret: pointer to the Backup HSM SO secret.
 * @user_secret: pointer to the archive's user secret (new archive or
 *	REPLACE: sets it; APPEND: must match the archive's).
 * @user_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @count: V0: number of handles at @handles, 0 = every token object;
 *	at most SKS_MAX_EXTRACT. V1: must be 0.
 * @handles: pointer to @count __u32 object handles, or 0.
 * @name: V0: in: archive name; V1: in: all zero, out: the new name.
 *	1..SKS_ARCHIVE_NAME_MAX bytes of '!'..'~', NUL padded.
 * @objects: out: objects now in the archive (V1: 0).
 * @reserved: must be 0.
 */
struct sks_archive_backup {
	__u32 flags;
	__u32 result;
	__u32 backup_slot;
	__u32 so_secret_len;
	__u64 so_secret;
	__u64 user_secret;
	__u32 user_secret_len;
	__u32 count;
	__u64 handles;
	__u8 name[SKS_ARCHIVE_NAME_MAX];
	__u32 objects;
	__u32 reserved;
};

#define SKS_ARCHIVE_BACKUP_SIZE_VER0	120	/* first published size */

/**
 * struct sks_archive_restore - SKS_IOC_ARCHIVE_RESTORE: restore an archive
 * onto the current partition (this session, logged in as Crypto Officer).
 *
 * V1 partition: the archive must be an SKS archive of the partition's
 * cloning domain; its SMK replaces the partition's primary SMK (the old
 * one is wiped once nothing else holds it). Needs Backup HSM firmware
 * >= 7.7.1 (6.x: >= 6.28.0). V0 partition: the archive must be a cloning
 * archive of the partition's domain; its objects become new token
 * objects, all or nothing.
 *
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @backup_slot: slot number of the Backup HSM.
 * @user_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @user_secret: pointer to the archive's user secret.
 * @name: archive name, NUL padded.
 * @status: out: SKS_RESTORE_WARN_* bits.
 * @objects: out: V0: objects restored; V1: crypto objects found in the
 *	archive (and ignored).
 */
struct sks_archive_restore {
	__u32 flags;
	__u32 result;
	__u32 backup_slot;
	__u32 user_secret_len;
	__u64 user_secret;
	__u8 name[SKS_ARCHIVE_NAME_MAX];
	__u32 status;
	__u32 objects;
};

#define SKS_ARCHIVE_RESTORE_SIZE_VER0	96	/* first published size */

/**
 * struct sks_archive_entry - one archive partition.
 * @name: archive name, NUL padded.
 * @kind: SKS_ARCHIVE_SKS or SKS_ARCHIVE_CLONING.
 * @objects: objects held (an SKS archive's SMK is not counted).
 * @created: creation time, seconds since the epoch (UTC).
 * @source_serial: serial number of the partition it was backed up from.
 * @size: bytes of the Backup HSM's capacity it uses.
 * @domain_id: identifier of its cloning domain: equal domains give
 *	equal identifiers on one Backup HSM. It is keyed with a random key of
 *	that Backup HSM (kept in its image), so it cannot be tested against a
 *	dictionary of domain names offline, and differs between Backup HSMs.
 * @smk_fingerprint: SKS archive: fingerprint of its SMK (the same value
 *	as a partition's smk_fingerprint and a blob header's); else zeros.
 * @failures: out: consecutive wrong user secrets given for it.
 * @lockout_secs: out: seconds left of its user secret lockout, or 0.
 */
struct sks_archive_entry {
	__u8 name[SKS_ARCHIVE_NAME_MAX];
	__u32 kind;
	__u32 objects;
	__u64 created;
	__u64 source_serial;
	__u64 size;
	__u8 domain_id[SKS_DOMAIN_ID_LEN];
	__u8 smk_fingerprint[SKS_FINGERPRINT_LEN];
	__u32 failures;
	__u32 lockout_secs;
};

#define SKS_ARCHIVE_ENTRY_SIZE_VER0	128	/* first published size */

/**
 * struct sks_archive_list - SKS_IOC_ARCHIVE_LIST: list the archives of
 * this Backup HSM slot, oldest first. Authenticated by the HSM SO secret.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @entries: pointer to @count entries of @entry_size bytes, or 0 to
 *	query the number of archives.
 * @count: in: room at @entries; out: number of archives
 *	(CKR_BUFFER_TOO_SMALL if the room was too small: nothing written).
 * @entry_size: sizeof(struct sks_archive_entry) as known to the caller,
 *	at least SKS_ARCHIVE_ENTRY_SIZE_VER0.
 * @so_secret: pointer to the Backup HSM SO secret.
 * @so_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @reserved: must be 0.
 */
struct sks_archive_list {
	__u32 flags;
	__u32 result;
	__u64 entries;
	__u32 count;
	__u32 entry_size;
	__u64 so_secret;
	__u32 so_secret_len;
	__u32 reserved;
};

#define SKS_ARCHIVE_LIST_SIZE_VER0	40	/* first published size */

/**
 * struct sks_archive_show - SKS_IOC_ARCHIVE_SHOW (describe one archive)
 * and SKS_IOC_ARCHIVE_DELETE (delete it, wiping its SMK and objects), on
 * a session of the Backup HSM slot. Authenticated by the HSM SO secret.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @so_secret: pointer to the Backup HSM SO secret.
 * @so_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @reserved: must be 0.
 * @entry: in: @entry.name selects the archive (the other fields must be
 *	0); out (SHOW): the whole entry.
 */
struct sks_archive_show {
	__u32 flags;
	__u32 result;
	__u64 so_secret;
	__u32 so_secret_len;
	__u32 reserved;
	struct sks_archive_entry entry;
};

#define SKS_ARCHIVE_SHOW_SIZE_VER0	152	/* first published size */

/**
 * struct sks_image_save - SKS_IOC_IMAGE_SAVE: seal this Backup HSM slot's
 * whole contents into an image (format: docs/backup.md). The image key is
 * derived from the HSM SO secret, which is checked first.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @image: pointer to the output buffer, or 0 to query the size.
 * @image_len: in: room at @image; out: image size (written or needed;
 *	CKR_BUFFER_TOO_SMALL if the room was too small).
 * @so_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @so_secret: pointer to the Backup HSM SO secret.
 */
struct sks_image_save {
	__u32 flags;
	__u32 result;
	__u64 image;
	__u32 image_len;
	__u32 so_secret_len;
	__u64 so_secret;
};

#define SKS_IMAGE_SAVE_SIZE_VER0	32	/* first published size */

/**
 * struct sks_image_load - SKS_CTL_IMAGE_LOAD: create a Backup HSM slot
 * from an image (CAP_SYS_ADMIN). Nothing is created unless the whole
 * image opens under @so_secret and parses.
 * @flags: must be 0.
 * @result: out: CKR_* code: CKR_DATA_INVALID for an image that is not
 *	one or is damaged (magic, version, lengths, a header checksum that
 *	does not match, an iteration count outside SKS_KDF_ITERATIONS_MIN..
 *	SKS_KDF_ITERATIONS_MAX, a payload that fails authentication although
 *	the secret was right); CKR_PIN_INCORRECT for a wrong secret, told
 *	apart by the image's key check value. Loading counts no bad attempt:
 *	whoever holds the image can try secrets offline at the image's cost
 *	(docs/backup.md, "Threat model").
 * @image: pointer to the image.
 * @image_len: its size, at most SKS_IMAGE_MAX_SIZE.
 * @so_secret_len: SKS_PIN_MIN..SKS_PIN_MAX.
 * @so_secret: pointer to the Backup HSM SO secret.
 * @slot: out: number of the new slot.
 * @reserved: must be 0.
 * @serial: out: its serial number (the one saved in the image).
 */
struct sks_image_load {
	__u32 flags;
	__u32 result;
	__u64 image;
	__u32 image_len;
	__u32 so_secret_len;
	__u64 so_secret;
	__u32 slot;
	__u32 reserved;
	__u64 serial;
};

#define SKS_IMAGE_LOAD_SIZE_VER0	48	/* first published size */

/* ------------------------------------------------------------------ */
/* Durable state: sealed state records (docs/durability.md)           */
/* ------------------------------------------------------------------ */

/*
 * The kernel never writes files. It hands user space one sealed record
 * per slot and one HSM record, and takes them back at boot: a slot record
 * is AES-256-GCM encrypted under the slot's random storage key, which the
 * record keeps only wrapped under keys derived from the SO and Crypto
 * Officer secrets (and, with the auto-activation policy, from a key in
 * the kernel keyring). A loaded partition or Backup HSM is *deactivated*
 * (SKS_STATE_DEACTIVATED) until the first right SO or Crypto Officer
 * secret (a login; on a Backup HSM any command's HSM SO secret) unwraps
 * its storage key: before that, calls that need its contents fail with
 * CKR_PARTITION_DEACTIVATED. Every durable change of a slot increases its
 * generation, updates the sysfs attribute state_generation (pollable)
 * and sends a KOBJ_CHANGE uevent with SKS_STATE=1.
 */
#define SKS_STATE_MAX_SIZE	(SKS_MAX_CAPACITY + (1U << 20))	/* a record */
#define SKS_KEYDESC_MAX		64	/* keyring key description */

/* struct sks_state_save.flags */
#define SKS_STATE_SAVE_HSM	(1U << 0)	/* the HSM record, not a slot's */

/**
 * struct sks_state_save - SKS_CTL_STATE_SAVE: the sealed state record of a
 * slot, or (SKS_STATE_SAVE_HSM) the HSM record: the HSM's serial number
 * and the slots that exist, with their generations. CAP_SYS_ADMIN.
 * @flags: 0 or SKS_STATE_SAVE_HSM.
 * @result: out: CKR_* code.
 * @slot: the slot (0 with SKS_STATE_SAVE_HSM).
 * @reserved: must be 0.
 * @record: pointer to the output buffer, or 0 to query the size.
 * @record_len: in: room at @record; out: size written or needed.
 * @reserved2: must be 0.
 * @generation: out: the generation the record holds.
 */
struct sks_state_save {
	__u32 flags;
	__u32 result;
	__u32 slot;
	__u32 reserved;
	__u64 record;
	__u32 record_len;
	__u32 reserved2;
	__u64 generation;
};

#define SKS_STATE_SAVE_SIZE_VER0	40	/* first published size */

/* struct sks_state_load.status bits */
#define SKS_STATE_LOADED_ACTIVE	(1U << 0)	/* auto-activated at load */

/**
 * struct sks_state_load - SKS_CTL_STATE_LOAD: take a record back
 * (CAP_SYS_ADMIN). An HSM record sets the HSM's serial number (only while
 * no slot exists: CKR_FUNCTION_FAILED otherwise). A slot record makes the
 * slot, with its number, deactivated (or active, if its auto-activation
 * key is in the caller's keyrings). Nothing is made unless the whole
 * record is intact: CKR_DATA_INVALID for a damaged or truncated record,
 * CKR_STATE_UNSUPPORTED for an unknown format version, CKR_STATE_FOREIGN
 * for a record of another HSM (serial number), CKR_FUNCTION_FAILED if the
 * slot number is taken.
 * @flags: must be 0.
 * @result: out: CKR_* code.
 * @record: pointer to the record.
 * @record_len: its size, at most SKS_STATE_MAX_SIZE.
 * @slot: out: the slot made (slot records).
 * @generation: out: the record's generation.
 * @status: out: SKS_STATE_LOADED_* bits.
 * @reserved: must be 0.
 */
struct sks_state_load {
	__u32 flags;
	__u32 result;
	__u64 record;
	__u32 record_len;
	__u32 slot;
	__u64 generation;
	__u32 status;
	__u32 reserved;
};

#define SKS_STATE_LOAD_SIZE_VER0	40	/* first published size */

/* struct sks_auto_activation.flags */
#define SKS_AUTO_ACTIVATION_ON	(1U << 0)	/* set (else: clear) the policy */

/**
 * struct sks_auto_activation - SKS_IOC_AUTO_ACTIVATION: the partition SO
 * sets or clears Luna's auto-activation policy (partition policy 23). With
 * it, the storage key is also wrapped under a key derived from the
 * payload of a `logon` key in the kernel keyring (keyctl add logon
 * <@desc> ...), looked up in the caller's keyrings now and in the loading
 * process's at boot, so that the partition comes back active without a
 * password. Whoever can make that key available (root) activates the
 * partition (docs/durability.md).
 * @flags: 0 (clear) or SKS_AUTO_ACTIVATION_ON.
 * @result: out: CKR_* code (CKR_KEY_HANDLE_INVALID: no such key).
 * @desc_len: ON: 1..SKS_KEYDESC_MAX.
 * @reserved: must be 0.
 * @desc: ON: pointer to the key description ("logon" keys need a
 *	"service:" prefix, e.g. "sks:payments").
 */
struct sks_auto_activation {
	__u32 flags;
	__u32 result;
	__u32 desc_len;
	__u32 reserved;
	__u64 desc;
};

#define SKS_AUTO_ACTIVATION_SIZE_VER0	24	/* first published size */

/* ------------------------------------------------------------------ */
/* Command numbers                                                     */
/* ------------------------------------------------------------------ */

/* /dev/sks-control (CAP_SYS_ADMIN): 0x00..0x0f */
#define SKS_CTL_HSM_INFO	_IOWR(SKS_IOC_MAGIC, 0x00, struct sks_hsm_info)
#define SKS_CTL_CREATE_SLOT	_IOWR(SKS_IOC_MAGIC, 0x01, struct sks_slot_create)
#define SKS_CTL_DELETE_SLOT	_IOWR(SKS_IOC_MAGIC, 0x02, struct sks_slot_delete)
#define SKS_CTL_LIST_SLOTS	_IOWR(SKS_IOC_MAGIC, 0x03, struct sks_slot_list)
#define SKS_CTL_IMAGE_LOAD	_IOWR(SKS_IOC_MAGIC, 0x04, struct sks_image_load)
#define SKS_CTL_STATE_SAVE	_IOWR(SKS_IOC_MAGIC, 0x05, struct sks_state_save)
#define SKS_CTL_STATE_LOAD	_IOWR(SKS_IOC_MAGIC, 0x06, struct sks_state_load)

/* /dev/sksN: session and roles 0x10..0x16, objects 0x17..0x1f */
#define SKS_IOC_SESSION_INFO	_IOWR(SKS_IOC_MAGIC, 0x10, struct sks_session_info)
#define SKS_IOC_PARTITION_INIT	_IOWR(SKS_IOC_MAGIC, 0x11, struct sks_partition_init)
#define SKS_IOC_LOGIN		_IOWR(SKS_IOC_MAGIC, 0x12, struct sks_login)
#define SKS_IOC_LOGOUT		_IOWR(SKS_IOC_MAGIC, 0x13, struct sks_simple)
#define SKS_IOC_INIT_ROLE	_IOWR(SKS_IOC_MAGIC, 0x14, struct sks_init_role)
#define SKS_IOC_CHANGE_PIN	_IOWR(SKS_IOC_MAGIC, 0x15, struct sks_change_pin)
#define SKS_IOC_AUTO_ACTIVATION	_IOWR(SKS_IOC_MAGIC, 0x16, struct sks_auto_activation)
#define SKS_IOC_SET_ATTRS	_IOWR(SKS_IOC_MAGIC, 0x17, struct sks_set_attrs)
#define SKS_IOC_GENERATE_KEY	_IOWR(SKS_IOC_MAGIC, 0x18, struct sks_generate_key)
#define SKS_IOC_CREATE_OBJECT	_IOWR(SKS_IOC_MAGIC, 0x19, struct sks_create_object)
#define SKS_IOC_GET_ATTRS	_IOWR(SKS_IOC_MAGIC, 0x1a, struct sks_get_attrs)
#define SKS_IOC_GET_VALUE	_IOWR(SKS_IOC_MAGIC, 0x1b, struct sks_get_value)
#define SKS_IOC_FIND_OBJECTS	_IOWR(SKS_IOC_MAGIC, 0x1c, struct sks_find_objects)
#define SKS_IOC_DESTROY_OBJECT	_IOWR(SKS_IOC_MAGIC, 0x1d, struct sks_destroy_object)
#define SKS_IOC_GENERATE_KEY_PAIR _IOWR(SKS_IOC_MAGIC, 0x1e, struct sks_generate_key_pair)
#define SKS_IOC_DERIVE_KEY	_IOWR(SKS_IOC_MAGIC, 0x1f, struct sks_derive_key)

/* /dev/sksN: key use 0x20..0x27, SKS blobs 0x28..0x2f */
#define SKS_IOC_ENCRYPT		_IOWR(SKS_IOC_MAGIC, 0x20, struct sks_crypt)
#define SKS_IOC_DECRYPT		_IOWR(SKS_IOC_MAGIC, 0x21, struct sks_crypt)
#define SKS_IOC_SIGN		_IOWR(SKS_IOC_MAGIC, 0x22, struct sks_sign)
#define SKS_IOC_VERIFY		_IOWR(SKS_IOC_MAGIC, 0x23, struct sks_sign)
#define SKS_IOC_EXTRACT		_IOWR(SKS_IOC_MAGIC, 0x28, struct sks_extract)
#define SKS_IOC_INSERT		_IOWR(SKS_IOC_MAGIC, 0x29, struct sks_insert)
#define SKS_IOC_SMK_ROLLOVER	_IOWR(SKS_IOC_MAGIC, 0x2a, struct sks_simple)
#define SKS_IOC_MULTI_SIGN	_IOWR(SKS_IOC_MAGIC, 0x2b, struct sks_multi_sign)
#define SKS_IOC_REWRAP		_IOWR(SKS_IOC_MAGIC, 0x2c, struct sks_rewrap)

/* /dev/sksN: Backup HSM archives and images 0x30..0x37, batches 0x38 */
#define SKS_IOC_ARCHIVE_BACKUP	_IOWR(SKS_IOC_MAGIC, 0x30, struct sks_archive_backup)
#define SKS_IOC_ARCHIVE_RESTORE	_IOWR(SKS_IOC_MAGIC, 0x31, struct sks_archive_restore)
#define SKS_IOC_ARCHIVE_LIST	_IOWR(SKS_IOC_MAGIC, 0x33, struct sks_archive_list)
#define SKS_IOC_ARCHIVE_SHOW	_IOWR(SKS_IOC_MAGIC, 0x34, struct sks_archive_show)
#define SKS_IOC_ARCHIVE_DELETE	_IOWR(SKS_IOC_MAGIC, 0x35, struct sks_archive_show)
#define SKS_IOC_IMAGE_SAVE	_IOWR(SKS_IOC_MAGIC, 0x36, struct sks_image_save)
#define SKS_IOC_BATCH		_IOWR(SKS_IOC_MAGIC, 0x38, struct sks_batch)

#endif /* _UAPI_LINUX_SKS_H */
