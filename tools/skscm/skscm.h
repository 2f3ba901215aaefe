/* SPDX-License-Identifier: GPL-2.0 */
/*
 * skscm - state kept across the commands of one run, and the helpers the
 * command handlers share.
 */
#ifndef SKSCM_H
#define SKSCM_H

#include <stdint.h>
#include <stdio.h>

#include <sks.h>

#include "parse.h"

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

/* Run one command line; returns the CKR result (CKR_OK on success). */
uint32_t cm_run_line(struct cm_state *st, const char *line);

/* term.c: the terminal */

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

void cm_state_free(struct cm_state *st);

#endif /* SKSCM_H */
