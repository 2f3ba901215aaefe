/* SPDX-License-Identifier: GPL-2.0 */
/*
 * skscm - state kept across the commands of one run, and the helpers the
 * command handlers share.
 *
 * Where things are:
 *   main.c       arguments, the loop over command lines, one line run
 *   term.c       the terminal: prompts, secrets without echo, Ctrl-C
 *   parse.c      tokens, commands and options, unique-prefix abbreviations
 *   table.c      every command once: words, handler, options, help
 *   common.c     output, questions, options and sessions the handlers share
 *   file.c       files read and written by the commands
 *   cmd_*.c      the handlers, one file per command group (cmd_repo.c:
 *                the key repository's sks store, fetch, list and rewrap)
 */
#ifndef SKSCM_H
#define SKSCM_H

#include <stdint.h>
#include <stdio.h>

#include <sks.h>

#include "parse.h"

#define CKR_OK			SKS_CKR_OK
#define CKR_ARGUMENTS_BAD	SKS_CKR_ARGUMENTS_BAD
/* PKCS#11 CKR_CANCEL: the operator did not type 'proceed'. */
#define CM_CKR_CANCEL		0x00000001U
/* A syntax error the seed closes with "Command Result : No Error". */
#define CM_SYNTAX_NO_ERROR	0xfffffffeU

struct cm_state {
	int have_slot;
	unsigned int slot;		/* the current slot */
	struct sks_session *sess[SKS_MAX_SLOTS];	/* one per slot */
	/* Backup HSMs with an image file attached: saved after every change. */
	char *image[SKS_MAX_SLOTS];
	char *image_secret[SKS_MAX_SLOTS];
	FILE *in;			/* where commands and answers come from */
	int interactive;		/* readline on a terminal */
	int cancelled;			/* Ctrl-C at this command's question */
	int quit;
};

/* ---- main.c ---- */

/* Run one command line; returns the CKR result (CKR_OK on success). */
uint32_t cm_run_line(struct cm_state *st, const char *line);

void cm_state_free(struct cm_state *st);

/* ---- term.c ---- */

/*
 * Read a line of input (answers to prompts): malloc'd, no newline, or NULL
 * at end of input or, with st->cancelled set, after a Ctrl-C.
 */
char *cm_read_line(struct cm_state *st, const char *prompt, int secret);

/*
 * readline(@prompt) that a Ctrl-C cancels: the line typed so far is dropped
 * and NULL returned with *@cancelled set. NULL also at end of input.
 */
char *cm_read_line_tty(const char *prompt, int *cancelled);

/* Catch SIGINT, blocked except while waiting for the terminal. */
void cm_catch_sigint(void);

/* Forget a Ctrl-C typed while the last command ran. */
void cm_drop_pending_sigint(void);

/* ---- common.c: output ---- */

/* One paragraph of output: a blank line, then the text. */
void cm_para(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "Syntax Error: <what>": CKR_ARGUMENTS_BAD. */
uint32_t cm_syntax(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "Error: <what>" and the library's result for the failed call. */
uint32_t cm_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "s" unless @n is 1. */
const char *cm_plural(unsigned int n);

/* @len bytes as 2 * @len lowercase hex digits and a NUL at @out. */
void cm_hex(const uint8_t *p, size_t len, char *out);

/* ---- common.c: questions and secrets ---- */

/* -force, or 'proceed' typed at the question: 1; else 0. */
int cm_confirm(struct cm_state *st, const struct cm_parsed *p);

/* "Command cancelled; nothing was changed.": CM_CKR_CANCEL. */
uint32_t cm_cancelled(void);

/*
 * A secret from -<opt> <value>, or prompted for without echo. NULL if none
 * was given: see cm_no_answer().
 */
char *cm_secret(struct cm_state *st, const struct cm_parsed *p,
		const char *opt, const char *prompt);

/* The result of a command whose question got no answer. */
uint32_t cm_no_answer(struct cm_state *st);

/* Wipe and free a secret (NULL is fine). */
void cm_drop_secret(char *s);

/*
 * A new secret: from -<opt> <value>, or asked twice without echo (@again
 * is the second question). Refused, with a message, *@ckr set and NULL
 * returned, when its length is not SKS_PIN_MIN..SKS_PIN_MAX (checked
 * before the second question) or when the two answers differ.
 */
char *cm_new_secret(struct cm_state *st, const struct cm_parsed *p,
		    const char *opt, const char *prompt, const char *again,
		    uint32_t *ckr);

/* ---- common.c: option values ---- */

/*
 * A number up to @max, as strtoull(base 0) reads it but starting with a
 * digit: 0, or -1 if @s is not one.
 */
int cm_parse_uint(const char *s, unsigned long long max,
		  unsigned long long *out);

/* Option @opt as a slot number (below SKS_MAX_SLOTS): 0 or -1. */
int cm_get_slot_opt(const struct cm_parsed *p, const char *opt,
		    unsigned int *slot);

/* Option -handle as an object handle: 0 or -1. */
int cm_get_handle(const struct cm_parsed *p, uint32_t *h);

/* "1,2,3" into a new array; -1 on a malformed list. */
int cm_parse_handles(const char *s, uint32_t **out, size_t *n);

/* ---- common.c: the HSM and the sessions kept open ---- */

/* Why the control device could not be opened, in words. */
uint32_t cm_hsm_open_failed(void);

/* Why a session on @slot could not be opened, in words. */
uint32_t cm_slot_open_failed(unsigned int slot);

/* The session kept open on @slot (opened on first use). */
struct sks_session *cm_session_on(struct cm_state *st, unsigned int slot);

/* Close the session kept open on @slot, if any. */
void cm_session_drop(struct cm_state *st, unsigned int slot);

/* Forget the image file attached to Backup HSM @slot, if any. */
void cm_image_detach(struct cm_state *st, unsigned int slot);

/* The session on the current slot, or NULL with *@ckr set and said. */
struct sks_session *cm_current(struct cm_state *st, uint32_t *ckr);

/* ---- file.c ---- */

/*
 * Whole file into memory: NULL with errno set (EISDIR for a directory,
 * EFBIG for more than @max bytes) if it cannot be read.
 */
uint8_t *cm_read_file(const char *path, size_t max, size_t *len);

/* "Error: Cannot read <path>: <why>." for cm_read_file()'s errno @err. */
uint32_t cm_read_error(const char *path, int err, size_t max);

/*
 * Whether @path can be created or replaced: not a directory, in a directory
 * that exists and can be written. 0, or -1 with errno set. Checked before
 * an operation whose result would otherwise be lost.
 */
int cm_check_writable(const char *path);

/* "Error: Cannot write <path>: <why>." */
uint32_t cm_write_error(const char *path, int err);

/* Write @data (or the blobs of @set) to @path atomically. */
int cm_write_file(const char *path, const void *data, size_t len,
		  const struct sks_blob_set *set);

/* ---- what one command group lends the others ---- */

/* cmd_slot.c: the "State ->" line of a slot. */
void cm_print_state(uint32_t state);

/* cmd_role.c: the bad-attempt counters (role show, partition show). */
void cm_print_counters(const struct sks_session_desc *d);

/* cmd_role.c: what a partition's refusal of a secret of @role means. */
void cm_explain_role_failure(struct cm_state *st, unsigned int slot,
			     uint32_t role, uint32_t ckr);

/* cmd_key.c: one object's attributes. */
void cm_print_object(struct sks_session *s, uint32_t h);

/* cmd_ec.c: "Error: <what>: <the last result's text>." and the result. */
uint32_t cm_failed_why(const char *what);

/* cmd_ec.c: whether @mech is one of the ECDSA mechanisms. */
int cm_is_ecdsa(uint32_t mech);

/* cmd_ec.c: "p256" or "p384" (and their other names): 0, or -1. */
int cm_parse_curve(const char *s, uint32_t *curve);

/* cmd_ec.c: key generate -keytype ec, @priv the private key's template. */
uint32_t cm_ec_generate(struct cm_state *st, const struct cm_parsed *p,
			const struct sks_attrs *priv);

/* cmd_ec.c: key derive with the new key's template @a. */
uint32_t cm_key_derive(struct cm_state *st, const struct cm_parsed *p,
		       struct sks_attrs *a);

/*
 * cmd_ec.c: the point of a public key file (PEM, DER SubjectPublicKeyInfo
 * or a bare point; @len: in: room, out: length). 0, or -1 said, *@ckr set.
 */
int cm_load_point(const char *path, uint8_t *point, size_t *len,
		  uint32_t *curve, uint32_t *ckr);

/*
 * cmd_ec.c: the public key of the pair of EC key @h (@h itself if it is
 * public; else the one public key with its label and id). 0, or -1 said.
 */
int cm_ec_public_of(struct sks_session *s, uint32_t h, uint32_t *pub,
		    uint32_t *ckr);

/* cmd_ec.c: the PEM of EC public key @pub (malloc), or NULL said. */
char *cm_ec_pem_of(struct sks_session *s, uint32_t pub, uint32_t *ckr);

/* cmd_ec.c: key show's PEM of an EC public key. */
void cm_print_ec_public(struct sks_session *s, uint32_t h);

/*
 * cmd_ec.c: ECDSA sign (write @sigf) or verify (@sig_in) of @data from
 * file @in with key @h.
 */
uint32_t cm_ecdsa_file(struct sks_session *s, const struct cm_parsed *p,
		       int sign, uint32_t h, uint32_t mech, const uint8_t *data,
		       size_t len, const char *in, const char *sigf,
		       const uint8_t *sig_in, size_t sig_in_len);

/* cmd_backuphsm.c: what a Backup HSM's refusal of its SO secret means. */
void cm_explain_hsm_so_failure(struct cm_state *st, unsigned int slot,
			       uint32_t ckr);

/* cmd_backuphsm.c: save Backup HSM @slot to its attached image, if any. */
uint32_t cm_image_autosave(struct cm_state *st, unsigned int slot);

/* cmd_backuphsm.c: CKR_OK if @slot is a Backup HSM; else said. */
uint32_t cm_backup_hsm_check(struct cm_state *st, unsigned int slot);

/*
 * cmd_sks.c: the blobs of a group file, or NULL with *@ckr set and said
 * (unreadable, not blobs, no blob).
 */
struct sks_blob_set *cm_load_blobs(const char *file, uint32_t *ckr);

/*
 * cmd_repo.c: partition smkrollover -end -repo: CKR_OK when the repository
 * has no entry under @s's rollover SMK, or -force was given (a CAUTION
 * names the count); else said, and the refusal's result.
 */
uint32_t cm_repo_rollover_check(struct cm_state *st, const struct cm_parsed *p,
				struct sks_session *s);

/* cmd_backuphsm.c: check -slot is a Backup HSM, and get its SO password. */
struct sks_session *cm_backup_hsm_login(struct cm_state *st,
					const struct cm_parsed *p,
					unsigned int *slot, char **so,
					uint32_t *ckr);

/* ---- the handlers (table.c lists them) ---- */

/* cmd_help.c */
cm_handler cm_help, cm_exit;
/* cmd_hsm.c */
cm_handler cm_hsm_show, cm_hsm_save, cm_hsm_load;
/* cmd_slot.c */
cm_handler cm_slot_list, cm_slot_set;
/* cmd_role.c */
cm_handler cm_role_login, cm_role_logout, cm_role_init, cm_role_changepw,
	   cm_role_show;
/* cmd_partition.c */
cm_handler cm_partition_create, cm_partition_init, cm_partition_delete,
	   cm_partition_show, cm_partition_contents, cm_partition_smkrollover,
	   cm_partition_changepolicy;
/* cmd_archive.c */
cm_handler cm_archive_backup, cm_archive_restore, cm_archive_list,
	   cm_archive_show, cm_archive_delete;
/* cmd_backuphsm.c */
cm_handler cm_backuphsm_create, cm_backuphsm_image_save,
	   cm_backuphsm_image_load, cm_backuphsm_attach, cm_backuphsm_detach;
/* cmd_key.c */
cm_handler cm_key_generate, cm_key_import, cm_key_show, cm_key_delete,
	   cm_key_derive_cmd;
/* cmd_ec.c */
cm_handler cm_key_exportpub;
/* cmd_x509.c */
cm_handler cm_key_csr, cm_key_selfsign;
/* cmd_sks.c */
cm_handler cm_sks_extract, cm_sks_insert, cm_sks_identify;
/* cmd_repo.c */
cm_handler cm_sks_store, cm_sks_fetch, cm_sks_list, cm_sks_rewrap;
/* cmd_crypto.c */
cm_handler cm_crypto_encrypt, cm_crypto_decrypt, cm_crypto_sign,
	   cm_crypto_verify;

#endif /* SKSCM_H */
