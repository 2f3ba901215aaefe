// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - the command table: every command once, with its words, its
 * handler (cmd_*.c), its options and its help texts, in the order help
 * lists them. The host tests parse against it.
 */
#include <stddef.h>

#include "skscm.h"

#define VAL CM_VAL	/* option needs a value */
#define OPT CM_OPT	/* option may have a value */
#define FLAG CM_FLAG
#define PW CM_SECRET	/* option may have a value, a secret (-password) */

static const struct cm_opt_def no_opts[] = { { NULL, 0 } };
static const struct cm_opt_def help_opts[] = { { "command", VAL }, { NULL, 0 } };
static const struct cm_opt_def slot_opts[] = { { "slot", VAL }, { NULL, 0 } };
static const struct cm_opt_def login_opts[] = {
	{ "name", VAL }, { "password", PW }, { NULL, 0 } };
static const struct cm_opt_def changepw_opts[] = {
	{ "name", VAL }, { "oldpw", PW }, { "newpw", PW }, { NULL, 0 } };
static const struct cm_opt_def pcreate_opts[] = {
	{ "type", VAL }, { "capacity", VAL }, { "slot", VAL }, { NULL, 0 } };
static const struct cm_opt_def pinit_opts[] = {
	{ "label", VAL }, { "domain", VAL }, { "password", PW },
	{ "slot", VAL }, { "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def pdelete_opts[] = {
	{ "slot", VAL }, { "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def rollover_opts[] = {
	{ "start", FLAG }, { "end", FLAG }, { "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def backup_opts[] = {
	{ "slot", VAL }, { "partition", VAL }, { "password", PW },
	{ "userpassword", PW }, { "objects", VAL }, { "append", FLAG },
	{ "replace", FLAG }, { "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def alist_opts[] = {
	{ "slot", VAL }, { "password", PW }, { NULL, 0 } };
static const struct cm_opt_def ashow_opts[] = {
	{ "slot", VAL }, { "partition", VAL }, { "password", PW },
	{ NULL, 0 } };
static const struct cm_opt_def adelete_opts[] = {
	{ "slot", VAL }, { "partition", VAL }, { "password", PW },
	{ "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def isave_opts[] = {
	{ "slot", VAL }, { "file", VAL }, { "password", PW }, { NULL, 0 } };
static const struct cm_opt_def iload_opts[] = {
	{ "file", VAL }, { "password", PW }, { "attach", FLAG }, { NULL, 0 } };
static const struct cm_opt_def archive_opts[] = {
	{ "slot", VAL }, { "partition", VAL }, { "password", PW },
	{ "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def bcreate_opts[] = {
	{ "firmware", VAL }, { "password", PW }, { "slot", VAL }, { NULL, 0 } };
static const struct cm_opt_def keygen_opts[] = {
	{ "keytype", VAL }, { "length", VAL }, { "label", VAL }, { "id", VAL },
	{ "usage", VAL }, { "usagelimit", VAL }, { "nonextractable", FLAG },
	{ "private", VAL }, { NULL, 0 } };
static const struct cm_opt_def keyimport_opts[] = {
	{ "keytype", VAL }, { "file", VAL }, { "label", VAL }, { "id", VAL },
	{ "usage", VAL }, { "usagelimit", VAL }, { "nonextractable", FLAG },
	{ "private", VAL }, { NULL, 0 } };
static const struct cm_opt_def handle_opts[] = {
	{ "handle", VAL }, { "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def extract_opts[] = {
	{ "handles", VAL }, { "all", FLAG }, { "file", VAL },
	{ "delete", FLAG }, { NULL, 0 } };
static const struct cm_opt_def file_opts[] = { { "file", VAL }, { NULL, 0 } };
static const struct cm_opt_def crypt_opts[] = {
	{ "handle", VAL }, { "in", VAL }, { "out", VAL }, { "aad", VAL },
	{ NULL, 0 } };
static const struct cm_opt_def sign_opts[] = {
	{ "handle", VAL }, { "mechanism", VAL }, { "in", VAL },
	{ "out", VAL }, { NULL, 0 } };
static const struct cm_opt_def verify_opts[] = {
	{ "handle", VAL }, { "mechanism", VAL }, { "in", VAL },
	{ "signature", VAL }, { NULL, 0 } };

const struct cm_cmd_def cm_commands[] = {
	{ { "help" }, cm_help, help_opts, "command",
	  "List the commands, or describe one.",
	  "help [<command>]" },
	{ { "exit" }, cm_exit, no_opts, NULL, "Leave skscm.", "exit" },
	{ { "quit" }, cm_exit, no_opts, NULL, "Leave skscm.", "quit" },
	{ { "hsm", "show" }, cm_hsm_show, no_opts, NULL,
	  "Show the HSM: serial number, firmware, slots.", "hsm show" },
	{ { "slot", "list" }, cm_slot_list, no_opts, NULL,
	  "List the slots: partitions and Backup HSMs.", "slot list" },
	{ { "slot", "set" }, cm_slot_set, slot_opts, NULL,
	  "Select the current slot.", "slot set -slot <n>" },
	{ { "role", "login" }, cm_role_login, login_opts, NULL,
	  "Log in to the current slot.",
	  "role login -name <so|co|cu|Crypto Officer|Crypto User> [-password [<pw>]]" },
	{ { "role", "logout" }, cm_role_logout, no_opts, NULL,
	  "Log out of the current slot.", "role logout" },
	{ { "role", "init" }, cm_role_init, login_opts, NULL,
	  "As partition SO, set the Crypto Officer or Crypto User password.",
	  "role init -name <co|cu> [-password [<pw>]]" },
	{ { "role", "changepw" }, cm_role_changepw, changepw_opts, NULL,
	  "Change the password of the logged-in role.",
	  "role changepw -name <so|co|cu> [-oldpw [<pw>]] [-newpw [<pw>]]" },
	{ { "role", "show" }, cm_role_show, no_opts, NULL,
	  "Show who is logged in to the current slot, and the failed logins of each role.",
	  "role show" },
	{ { "partition", "create" }, cm_partition_create, pcreate_opts, NULL,
	  "Create a partition slot (V1: SKS partition, V0: ordinary).",
	  "partition create [-type <v1|v0>] [-capacity <bytes>] [-slot <n>]\n"
	  "    (-slot: the slot number to create; default: the lowest free one)" },
	{ { "partition", "init" }, cm_partition_init, pinit_opts, NULL,
	  "Initialise the current (or given) partition: label, cloning domain, SO password.",
	  "partition init -label <label> -domain <domain> [-password [<pw>]] [-slot <n>] [-force]" },
	{ { "partition", "delete" }, cm_partition_delete, pdelete_opts, NULL,
	  "Delete a slot and everything in it.",
	  "partition delete [-slot <n>] [-force]" },
	{ { "partition", "show" }, cm_partition_show, slot_opts, NULL,
	  "Show a partition: type, serial, state, failed logins, SMK fingerprints.",
	  "partition show [-slot <n>]" },
	{ { "partition", "contents" }, cm_partition_contents, no_opts, NULL,
	  "List the objects visible in the current slot's session (without a CO or CU login: the public ones).",
	  "partition contents" },
	{ { "partition", "smkrollover" }, cm_partition_smkrollover,
	  rollover_opts, NULL,
	  "Start or end an SMK rollover on the current SKS partition.",
	  "partition smkrollover -start | -end [-force]\n"
	  "    (-end destroys the old SMK: blobs still under it never insert again)" },
	{ { "partition", "archive", "backup" }, cm_archive_backup, backup_opts,
	  NULL, "Back up the current partition to a Backup HSM (SKS: the SMK only).",
	  "partition archive backup -slot <backup hsm> [-partition <name> (V0 only)]\n"
	  "    [-objects <h,h,...>] [-append | -replace] (V0 only)\n"
	  "    [-password [<Backup HSM SO pw>]] [-userpassword [<archive user pw>]] [-force]" },
	{ { "partition", "archive", "restore" }, cm_archive_restore,
	  archive_opts,
	  NULL, "Restore an archive onto the current partition (SKS: the SMK only).",
	  "partition archive restore -slot <backup hsm> -partition <archive>\n"
	  "    [-password [<archive user pw>]] [-force]" },
	{ { "partition", "archive", "list" }, cm_archive_list, alist_opts, NULL,
	  "List the archive partitions of a Backup HSM.",
	  "partition archive list -slot <backup hsm> [-password [<Backup HSM SO pw>]]" },
	{ { "partition", "archive", "show" }, cm_archive_show, ashow_opts, NULL,
	  "Show one archive partition: kind, source, domain, SMK fingerprint.",
	  "partition archive show -slot <backup hsm> -partition <archive>\n"
	  "    [-password [<Backup HSM SO pw>]]" },
	{ { "partition", "archive", "delete" }, cm_archive_delete, adelete_opts,
	  NULL, "Delete an archive partition from a Backup HSM.",
	  "partition archive delete -slot <backup hsm> -partition <archive>\n"
	  "    [-password [<Backup HSM SO pw>]] [-force]" },
	{ { "backuphsm", "create" }, cm_backuphsm_create, bcreate_opts, NULL,
	  "Create a Backup HSM slot with its HSM SO password.",
	  "backuphsm create [-firmware <version>] [-password [<pw>]] [-slot <n>]" },
	{ { "backuphsm", "image", "save" }, cm_backuphsm_image_save,
	  isave_opts, NULL,
	  "Save a Backup HSM's whole contents to a sealed image file (atomically).",
	  "backuphsm image save -slot <backup hsm> -file <image> [-password [<Backup HSM SO pw>]]" },
	{ { "backuphsm", "image", "load" }, cm_backuphsm_image_load,
	  iload_opts, NULL,
	  "Create a Backup HSM slot from an image file.",
	  "backuphsm image load -file <image> [-password [<Backup HSM SO pw>]] [-attach]" },
	{ { "backuphsm", "attach" }, cm_backuphsm_attach, isave_opts, NULL,
	  "Attach an image file to a Backup HSM: save it now and after every change in this run.",
	  "backuphsm attach -slot <backup hsm> -file <image> [-password [<Backup HSM SO pw>]]" },
	{ { "backuphsm", "detach" }, cm_backuphsm_detach, slot_opts, NULL,
	  "Stop saving a Backup HSM to its image file.",
	  "backuphsm detach -slot <backup hsm>" },
	{ { "key", "generate" }, cm_key_generate, keygen_opts, NULL,
	  "Generate a secret key in the current slot.",
	  "key generate -keytype <aes|generic> [-length <bytes>] [-label <l>] [-id <hex>]\n"
	  "             [-usage <encrypt,decrypt,sign,verify>] [-usagelimit <n>] [-nonextractable]\n"
	  "             [-private <1|0>] (1, the default: only CO and CU see it; 0: public)" },
	{ { "key", "import" }, cm_key_import, keyimport_opts, NULL,
	  "Import a key value (or, -keytype data, a data object) from a file.",
	  "key import -keytype <aes|generic|data> -file <file> [-label <l>] [-id <hex>]\n"
	  "           [-usage <...>] [-usagelimit <n>] [-nonextractable] [-private <1|0>]" },
	{ { "key", "list" }, cm_partition_contents, no_opts, NULL,
	  "List the objects visible in the current slot's session.", "key list" },
	{ { "key", "show" }, cm_key_show, handle_opts, NULL,
	  "Show an object's attributes.", "key show -handle <h>" },
	{ { "key", "delete" }, cm_key_delete, handle_opts, NULL,
	  "Destroy an object.", "key delete -handle <h> [-force]" },
	{ { "sks", "extract" }, cm_sks_extract, extract_opts, NULL,
	  "Extract objects as SKS blobs into one file (as many 64 KB blobs as needed).",
	  "sks extract (-handles <h,h,...> | -all) -file <file> [-delete]" },
	{ { "sks", "insert" }, cm_sks_insert, file_opts, "file",
	  "Insert every SKS blob of a file into the current slot, all or nothing.",
	  "sks insert -file <file>" },
	{ { "sks", "identify" }, cm_sks_identify, file_opts, "file",
	  "Show which SMK (fingerprint) each blob of a file needs.",
	  "sks identify [-file] <file>" },
	{ { "crypto", "encrypt" }, cm_crypto_encrypt, crypt_opts, NULL,
	  "AES-GCM encrypt a file with a key in the slot (output: IV, ciphertext, tag).",
	  "crypto encrypt -handle <h> -in <file> -out <file> [-aad <text>]" },
	{ { "crypto", "decrypt" }, cm_crypto_decrypt, crypt_opts, NULL,
	  "AES-GCM decrypt a file made by crypto encrypt.",
	  "crypto decrypt -handle <h> -in <file> -out <file> [-aad <text>]" },
	{ { "crypto", "sign" }, cm_crypto_sign, sign_opts, NULL,
	  "HMAC a file with a generic secret key in the slot.",
	  "crypto sign -handle <h> [-mechanism <sha256|sha384|sha512>] -in <file> -out <file>" },
	{ { "crypto", "verify" }, cm_crypto_verify, verify_opts, NULL,
	  "Check a file's HMAC made by crypto sign.",
	  "crypto verify -handle <h> [-mechanism <sha256|sha384|sha512>] -in <file> -signature <file>" },
};

const size_t cm_ncommands = sizeof(cm_commands) / sizeof(cm_commands[0]);
