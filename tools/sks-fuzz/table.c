// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - the command table: every ioctl the driver knows, its
 * argument's size, valid flags and the device it is meant for, and the
 * kind of each field (what argument generation puts there).
 */
#include <stddef.h>

#include "fuzz.h"

#define F(type, m, k) \
	{ offsetof(type, m), sizeof(((type *)0)->m), k, -1, -1 }

#define P(type, m, k, l) \
	{ offsetof(type, m), 8, k, offsetof(type, l), -1 }

#define P0(type, m, k) \
	{ offsetof(type, m), 8, k, -1, -1 }

#define PE(type, m, l, u) \
	{ offsetof(type, m), 8, K_P_ENTRIES, offsetof(type, l), \
	  offsetof(type, u) }

#define HDR(type) F(type, flags, K_FLAGS), F(type, result, K_RESULT)

#define CMD(c, t, fl, want, ...) \
	{ #c, c, sizeof(t), fl, want, { HDR(t), ##__VA_ARGS__ } }

const struct cmd cmds[] = {
	CMD(SKS_CTL_HSM_INFO, struct sks_hsm_info, 0, W_CTL,
	    F(struct sks_hsm_info, serial, K_OUT64),
	    F(struct sks_hsm_info, nr_slots, K_OUT32),
	    F(struct sks_hsm_info, reserved, K_RSVD),
	    F(struct sks_hsm_info, reserved2, K_RSVD)),
	CMD(SKS_CTL_CREATE_SLOT, struct sks_slot_create, SKS_SLOT_CREATE_AT, W_CTL,
	    F(struct sks_slot_create, type, K_TYPE),
	    F(struct sks_slot_create, slot, K_OUT32),
	    F(struct sks_slot_create, capacity, K_U64),
	    F(struct sks_slot_create, serial, K_OUT64),
	    F(struct sks_slot_create, fw_version, K_BYTES),
	    P(struct sks_slot_create, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_slot_create, reserved, K_RSVD)),
	CMD(SKS_CTL_DELETE_SLOT, struct sks_slot_delete, 0, W_CTL,
	    F(struct sks_slot_delete, slot, K_SLOT),
	    F(struct sks_slot_delete, reserved, K_RSVD)),
	CMD(SKS_CTL_LIST_SLOTS, struct sks_slot_list, 0, W_CTL,
	    PE(struct sks_slot_list, entries, count, entry_size)),
	CMD(SKS_CTL_IMAGE_LOAD, struct sks_image_load, 0, W_CTL,
	    P(struct sks_image_load, image, K_P_IMAGE, image_len),
	    P(struct sks_image_load, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_image_load, slot, K_OUT32),
	    F(struct sks_image_load, reserved, K_RSVD),
	    F(struct sks_image_load, serial, K_OUT64)),

	CMD(SKS_IOC_SESSION_INFO, struct sks_session_info, 0, W_ANY,
	    F(struct sks_session_info, slot, K_OUT32),
	    F(struct sks_session_info, label, K_BYTES)),
	CMD(SKS_IOC_PARTITION_INIT, struct sks_partition_init, 0, W_PART,
	    P(struct sks_partition_init, so_pin, K_P_SO, so_pin_len),
	    P(struct sks_partition_init, domain, K_P_DOMAIN, domain_len),
	    F(struct sks_partition_init, label, K_BYTES)),
	CMD(SKS_IOC_LOGIN, struct sks_login, 0, W_PART,
	    F(struct sks_login, role, K_ROLE),
	    P(struct sks_login, pin, K_P_PIN, pin_len)),
	CMD(SKS_IOC_LOGOUT, struct sks_simple, 0, W_PART),
	CMD(SKS_IOC_INIT_ROLE, struct sks_init_role, 0, W_PART,
	    F(struct sks_init_role, role, K_ROLE),
	    P(struct sks_init_role, pin, K_P_PIN, pin_len)),
	CMD(SKS_IOC_CHANGE_PIN, struct sks_change_pin, 0, W_PART,
	    F(struct sks_change_pin, role, K_ROLE),
	    P(struct sks_change_pin, old_pin, K_P_PIN, old_len),
	    P(struct sks_change_pin, new_pin, K_P_PIN, new_len),
	    F(struct sks_change_pin, reserved, K_RSVD)),
	CMD(SKS_IOC_GENERATE_KEY, struct sks_generate_key, 0, W_PART,
	    F(struct sks_generate_key, mechanism, K_MECH),
	    F(struct sks_generate_key, handle, K_OUT32),
	    F(struct sks_generate_key, attrs, K_ATTRS)),
	CMD(SKS_IOC_CREATE_OBJECT, struct sks_create_object, 0, W_PART,
	    F(struct sks_create_object, attrs, K_ATTRS),
	    P(struct sks_create_object, value, K_P_DATA, attrs.value_len),
	    F(struct sks_create_object, handle, K_OUT32),
	    F(struct sks_create_object, reserved, K_RSVD)),
	CMD(SKS_IOC_GET_ATTRS, struct sks_get_attrs, 0, W_PART,
	    F(struct sks_get_attrs, handle, K_HANDLE),
	    F(struct sks_get_attrs, reserved, K_RSVD)),
	CMD(SKS_IOC_GET_VALUE, struct sks_get_value, 0, W_PART,
	    F(struct sks_get_value, handle, K_HANDLE),
	    P(struct sks_get_value, buf, K_P_OUT, len)),
	CMD(SKS_IOC_FIND_OBJECTS, struct sks_find_objects, SKS_FIND_ALL, W_PART,
	    F(struct sks_find_objects, tmpl, K_ATTRS),
	    P(struct sks_find_objects, handles, K_P_HOUT, count),
	    F(struct sks_find_objects, reserved, K_RSVD)),
	CMD(SKS_IOC_DESTROY_OBJECT, struct sks_destroy_object, 0, W_PART,
	    F(struct sks_destroy_object, handle, K_HANDLE),
	    F(struct sks_destroy_object, reserved, K_RSVD)),
	CMD(SKS_IOC_ENCRYPT, struct sks_crypt, 0, W_PART,
	    F(struct sks_crypt, handle, K_HANDLE),
	    F(struct sks_crypt, mechanism, K_MECH),
	    F(struct sks_crypt, iv, K_BYTES),
	    P(struct sks_crypt, aad, K_P_DATA, aad_len),
	    P(struct sks_crypt, in, K_P_DATA, in_len),
	    P(struct sks_crypt, out, K_P_OUT, out_len)),
	CMD(SKS_IOC_DECRYPT, struct sks_crypt, 0, W_PART,
	    F(struct sks_crypt, handle, K_HANDLE),
	    F(struct sks_crypt, mechanism, K_MECH),
	    F(struct sks_crypt, iv, K_BYTES),
	    P(struct sks_crypt, aad, K_P_DATA, aad_len),
	    P(struct sks_crypt, in, K_P_DATA, in_len),
	    P(struct sks_crypt, out, K_P_OUT, out_len)),
	CMD(SKS_IOC_SIGN, struct sks_sign, 0, W_PART,
	    F(struct sks_sign, handle, K_HANDLE),
	    F(struct sks_sign, mechanism, K_MECH),
	    P(struct sks_sign, data, K_P_DATA, data_len),
	    P(struct sks_sign, sig, K_P_OUT, sig_len)),
	CMD(SKS_IOC_VERIFY, struct sks_sign, 0, W_PART,
	    F(struct sks_sign, handle, K_HANDLE),
	    F(struct sks_sign, mechanism, K_MECH),
	    P(struct sks_sign, data, K_P_DATA, data_len),
	    P(struct sks_sign, sig, K_P_DATA, sig_len)),
	CMD(SKS_IOC_EXTRACT, struct sks_extract, SKS_EXTRACT_DELETE, W_V1,
	    P(struct sks_extract, handles, K_P_HANDLES, count),
	    P(struct sks_extract, blob, K_P_OUT, blob_len)),
	CMD(SKS_IOC_INSERT, struct sks_insert, 0, W_V1,
	    P(struct sks_insert, blob, K_P_BLOB, blob_len),
	    P(struct sks_insert, handles, K_P_HOUT, count)),
	CMD(SKS_IOC_SMK_ROLLOVER, struct sks_simple,
	    SKS_ROLLOVER_START | SKS_ROLLOVER_END, W_V1),
	CMD(SKS_IOC_ARCHIVE_BACKUP, struct sks_archive_backup,
	    SKS_BACKUP_APPEND | SKS_BACKUP_REPLACE, W_PART,
	    F(struct sks_archive_backup, backup_slot, K_SLOT),
	    P(struct sks_archive_backup, so_secret, K_P_HSM, so_secret_len),
	    P(struct sks_archive_backup, user_secret, K_P_USER,
	      user_secret_len),
	    P(struct sks_archive_backup, handles, K_P_HANDLES, count),
	    F(struct sks_archive_backup, name, K_NAME),
	    F(struct sks_archive_backup, objects, K_OUT32),
	    F(struct sks_archive_backup, reserved, K_RSVD)),
	CMD(SKS_IOC_ARCHIVE_RESTORE, struct sks_archive_restore, 0, W_PART,
	    F(struct sks_archive_restore, backup_slot, K_SLOT),
	    P(struct sks_archive_restore, user_secret, K_P_USER,
	      user_secret_len),
	    F(struct sks_archive_restore, name, K_NAME),
	    F(struct sks_archive_restore, status, K_OUT32),
	    F(struct sks_archive_restore, objects, K_OUT32)),
	CMD(SKS_IOC_ARCHIVE_LIST, struct sks_archive_list, 0, W_BACKUP,
	    PE(struct sks_archive_list, entries, count, entry_size),
	    P(struct sks_archive_list, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_archive_list, reserved, K_RSVD)),
	CMD(SKS_IOC_ARCHIVE_SHOW, struct sks_archive_show, 0, W_BACKUP,
	    P(struct sks_archive_show, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_archive_show, reserved, K_RSVD),
	    F(struct sks_archive_show, entry.name, K_NAME),
	    F(struct sks_archive_show, entry.objects, K_OUT32)),
	CMD(SKS_IOC_ARCHIVE_DELETE, struct sks_archive_show, 0, W_BACKUP,
	    P(struct sks_archive_show, so_secret, K_P_HSM, so_secret_len),
	    F(struct sks_archive_show, reserved, K_RSVD),
	    F(struct sks_archive_show, entry.name, K_NAME)),
	CMD(SKS_IOC_IMAGE_SAVE, struct sks_image_save, 0, W_BACKUP,
	    P(struct sks_image_save, image, K_P_OUT, image_len),
	    P(struct sks_image_save, so_secret, K_P_HSM, so_secret_len)),
};

const unsigned int nr_cmds = ARRAY_SIZE(cmds);

_Static_assert(ARRAY_SIZE(cmds) <= 64, "stats arrays too small");
