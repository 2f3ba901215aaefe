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
	{ "start", FLAG }, { "end", FLAG }, { "force", FLAG }, { "repo", VAL },
	{ NULL, 0 } };
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
	{ "keytype", VAL }, { "curve", VAL }, { "length", VAL },
	{ "label", VAL }, { "id", VAL },
	{ "usage", VAL }, { "usagelimit", VAL }, { "nonextractable", FLAG },
	{ "private", VAL }, { NULL, 0 } };
static const struct cm_opt_def keyimport_opts[] = {
	{ "keytype", VAL }, { "file", VAL }, { "label", VAL }, { "id", VAL },
	{ "usage", VAL }, { "usagelimit", VAL }, { "nonextractable", FLAG },
	{ "private", VAL }, { NULL, 0 } };
static const struct cm_opt_def exportpub_opts[] = {
	{ "handle", VAL }, { "file", VAL }, { NULL, 0 } };
static const struct cm_opt_def derive_opts[] = {
	{ "mechanism", VAL }, { "handle", VAL }, { "peer", VAL },
	{ "kdf", VAL }, { "shareddata", VAL }, { "keytype", VAL },
	{ "length", VAL }, { "label", VAL }, { "id", VAL }, { "usage", VAL },
	{ "usagelimit", VAL }, { "nonextractable", FLAG }, { "private", VAL },
	{ NULL, 0 } };
static const struct cm_opt_def csr_opts[] = {
	{ "handle", VAL }, { "pubhandle", VAL }, { "subject", VAL },
	{ "file", VAL }, { NULL, 0 } };
static const struct cm_opt_def selfsign_opts[] = {
	{ "handle", VAL }, { "pubhandle", VAL }, { "subject", VAL },
	{ "days", VAL }, { "serial", VAL }, { "file", VAL }, { NULL, 0 } };
static const struct cm_opt_def handle_opts[] = {
	{ "handle", VAL }, { "force", FLAG }, { NULL, 0 } };
static const struct cm_opt_def extract_opts[] = {
	{ "handles", VAL }, { "all", FLAG }, { "file", VAL },
	{ "delete", FLAG }, { NULL, 0 } };
static const struct cm_opt_def file_opts[] = { { "file", VAL }, { NULL, 0 } };
static const struct cm_opt_def hsave_opts[] = {
	{ "dir", VAL }, { "all", FLAG }, { NULL, 0 } };
static const struct cm_opt_def hload_opts[] = {
	{ "dir", VAL }, { "file", VAL }, { NULL, 0 } };
static const struct cm_opt_def policy_opts[] = {
	{ "policy", VAL }, { "value", VAL }, { "keydesc", VAL }, { NULL, 0 } };
static const struct cm_opt_def store_opts[] = {
	{ "repo", VAL }, { "name", VAL }, { "file", VAL }, { "handles", VAL },
	{ "all", FLAG }, { "label", VAL }, { "id", VAL }, { "replace", FLAG },
	{ "delete", FLAG }, { NULL, 0 } };
static const struct cm_opt_def fetch_opts[] = {
	{ "repo", VAL }, { "name", VAL }, { "entry", VAL }, { "label", VAL },
	{ "file", VAL }, { "insert", FLAG }, { NULL, 0 } };
static const struct cm_opt_def list_opts[] = {
	{ "repo", VAL }, { "name", VAL }, { "label", VAL }, { "rollover", FLAG },
	{ "primary", FLAG }, { "count", FLAG }, { NULL, 0 } };
static const struct cm_opt_def rewrap_opts[] = {
	{ "repo", VAL }, { "file", VAL }, { "out", VAL }, { "batch", VAL },
	{ NULL, 0 } };
static const struct cm_opt_def crypt_opts[] = {
	{ "handle", VAL }, { "in", VAL }, { "out", VAL }, { "aad", VAL },
	{ NULL, 0 } };
static const struct cm_opt_def sign_opts[] = {
	{ "handle", VAL }, { "mechanism", VAL }, { "in", VAL },
	{ "out", VAL }, { "der", FLAG }, { NULL, 0 } };
static const struct cm_opt_def verify_opts[] = {
	{ "handle", VAL }, { "mechanism", VAL }, { "in", VAL },
	{ "signature", VAL }, { "der", FLAG }, { NULL, 0 } };

const struct cm_cmd_def cm_commands[] = {
	{ { "help" }, cm_help, help_opts, "command",
	  "List the commands, or describe one.",
	  "help [<command>]" },
	{ { "exit" }, cm_exit, no_opts, NULL, "Leave skscm.", "exit" },
	{ { "quit" }, cm_exit, no_opts, NULL, "Leave skscm.", "quit" },
	{ { "hsm", "show" }, cm_hsm_show, no_opts, NULL,
	  "Show the HSM: serial number, firmware, slots.", "hsm show" },
	{ { "hsm", "save" }, cm_hsm_save, hsave_opts, NULL,
	  "Save the HSM's state (sealed records of every slot) to its state directory now.",
	  "hsm save [-dir <dir>] [-all]\n"
	  "    (default /var/lib/sks, which the udev rule keeps current after every change;\n"
	  "    -all: every slot, even unchanged ones)" },
	{ { "hsm", "load" }, cm_hsm_load, hload_opts, NULL,
	  "Load the HSM's state: the HSM record, then every slot it lists, deactivated.",
	  "hsm load [-dir <dir>] | -file <record>\n"
	  "    (default /var/lib/sks, which the udev rule loads at boot; -file: one record\n"
	  "    set aside in orphans/ or rejected/)" },
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
	  "partition smkrollover -start | -end [-repo <file|postgresql://...>] [-force]\n"
	  "    (-end destroys the old SMK: blobs still under it never insert again;\n"
	  "    with -repo it refuses while the repository has entries under it)" },
	{ { "partition", "changepolicy" }, cm_partition_changepolicy,
	  policy_opts, NULL,
	  "As partition SO, change a partition policy: 23, auto-activation.",
	  "partition changepolicy -policy 23 -value <1|0> [-keydesc <logon key description>]\n"
	  "    (1: the partition comes back active after a load while that logon key\n"
	  "    is in the kernel keyring, e.g. keyctl add logon sks:payments <secret> @u)" },
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
	  "Generate a secret key, or an EC key pair, in the current slot.",
	  "key generate -keytype <aes|generic|ec> [-curve <p256|p384>] (ec; default p256)\n"
	  "             [-length <bytes>] [-label <l>] [-id <hex>]\n"
	  "             [-usage <encrypt,decrypt,sign,verify,derive>] [-usagelimit <n>] [-nonextractable]\n"
	  "             [-private <1|0>] (1, the default: only CO and CU see it; 0: public)\n"
	  "    (ec: the pair shares label and id; -usage and -usagelimit are the private key's:\n"
	  "     sign and derive by default; the public key verifies)" },
	{ { "key", "import" }, cm_key_import, keyimport_opts, NULL,
	  "Import a key value, an EC public key or (-keytype data) a data object from a file.",
	  "key import -keytype <aes|generic|ecpublic|data> -file <file> [-label <l>] [-id <hex>]\n"
	  "           [-usage <...>] [-usagelimit <n>] [-nonextractable] [-private <1|0>]\n"
	  "    (ecpublic: PEM, DER SubjectPublicKeyInfo or an uncompressed point, P-256 or P-384)" },
	{ { "key", "list" }, cm_partition_contents, no_opts, NULL,
	  "List the objects visible in the current slot's session.", "key list" },
	{ { "key", "show" }, cm_key_show, handle_opts, NULL,
	  "Show an object's attributes (an EC public key: also the key, PEM).",
	  "key show -handle <h>" },
	{ { "key", "exportpub" }, cm_key_exportpub, exportpub_opts, NULL,
	  "Write an EC public key to a file (PEM).",
	  "key exportpub -handle <h> -file <file>\n"
	  "    (-handle: the public key, or the private key of its pair)" },
	{ { "key", "derive" }, cm_key_derive_cmd, derive_opts, NULL,
	  "Derive a secret key by ECDH from an EC private key and a peer's public key.",
	  "key derive -mechanism ecdh -handle <private key> -peer <public key file>\n"
	  "           [-kdf <sha256|sha384|null>] [-shareddata <text>] [-keytype <aes|generic>]\n"
	  "           [-length <bytes>] [-label <l>] [-id <hex>] [-usage <...>] [-usagelimit <n>]\n"
	  "           [-nonextractable] [-private <1|0>]\n"
	  "    (default: X9.63 KDF with SHA-256, an AES-256 key that encrypts and decrypts)" },
	{ { "key", "csr" }, cm_key_csr, csr_opts, NULL,
	  "Write a certificate signing request (PKCS#10, PEM) signed by an EC private key.",
	  "key csr -handle <private key> -subject </CN=...> -file <file> [-pubhandle <h>]" },
	{ { "key", "selfsign" }, cm_key_selfsign, selfsign_opts, NULL,
	  "Write a self-signed X.509 certificate (PEM) signed by an EC private key.",
	  "key selfsign -handle <private key> -subject </CN=...> -file <file> [-days <n>]\n"
	  "             [-serial <n>] [-pubhandle <h>]" },
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
	{ { "sks", "store" }, cm_sks_store, store_opts, NULL,
	  "Store SKS blobs (a group file, or objects extracted now) as one entry of a key repository.",
	  "sks store -repo <file|postgresql://...> -name <name> (-file <file> | -handles <h,h,...> | -all)\n"
	  "          [-label <label>] [-id <hex>] [-replace] [-delete]" },
	{ { "sks", "fetch" }, cm_sks_fetch, fetch_opts, NULL,
	  "Fetch an entry of a key repository into a group file, or insert it into the current slot.",
	  "sks fetch -repo <file|postgresql://...> (-name <name> | -entry <id> | -label <label>)\n"
	  "          (-file <file> | -insert)" },
	{ { "sks", "list" }, cm_sks_list, list_opts, NULL,
	  "List the entries of a key repository and the SMK each needs.",
	  "sks list -repo <file|postgresql://...> [-name <name> | -label <label> | -rollover | -primary]\n"
	  "         [-count]" },
	{ { "sks", "rewrap" }, cm_sks_rewrap, rewrap_opts, NULL,
	  "During an SMK rollover, rewrap every entry of a key repository (or a group file) under the new SMK.",
	  "sks rewrap -repo <file|postgresql://...> [-batch <entries>] | -file <file> [-out <file>]" },
	{ { "crypto", "encrypt" }, cm_crypto_encrypt, crypt_opts, NULL,
	  "AES-GCM encrypt a file with a key in the slot (output: IV, ciphertext, tag).",
	  "crypto encrypt -handle <h> -in <file> -out <file> [-aad <text>]" },
	{ { "crypto", "decrypt" }, cm_crypto_decrypt, crypt_opts, NULL,
	  "AES-GCM decrypt a file made by crypto encrypt.",
	  "crypto decrypt -handle <h> -in <file> -out <file> [-aad <text>]" },
	{ { "crypto", "sign" }, cm_crypto_sign, sign_opts, NULL,
	  "Sign a file: HMAC with a generic secret key, ECDSA with an EC private key.",
	  "crypto sign -handle <h> [-mechanism <m>] -in <file> -out <file> [-der]\n"
	  "    (-mechanism: sha256, sha384, sha512 (HMAC); ecdsa-sha256, ecdsa-sha384, or ecdsa\n"
	  "     whose input is a hash; default: the key's (HMAC sha256, ECDSA with the curve's hash);\n"
	  "     -der: an ECDSA signature in DER, as OpenSSL's dgst, X.509 and CMS use)" },
	{ { "crypto", "verify" }, cm_crypto_verify, verify_opts, NULL,
	  "Check a file's HMAC or ECDSA signature.",
	  "crypto verify -handle <h> [-mechanism <m>] -in <file> -signature <file> [-der]\n"
	  "    (ECDSA: -handle is the public key)" },
};

const size_t cm_ncommands = sizeof(cm_commands) / sizeof(cm_commands[0]);
