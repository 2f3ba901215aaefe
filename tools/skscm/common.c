// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - what the command handlers share: output, questions, options,
 * the sessions kept open across commands.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skscm.h"

/* One paragraph of output: a blank line, then the text. */
void cm_para(const char *fmt, ...)
{
	va_list ap;

	putchar('\n');
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

uint32_t cm_syntax(const char *fmt, ...)
{
	va_list ap;

	printf("\nSyntax Error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return CKR_ARGUMENTS_BAD;
}

/* "Error: <what>" and the library's result for the failed call. */
uint32_t cm_failed(const char *fmt, ...)
{
	uint32_t ckr = sks_last_result();
	va_list ap;

	printf("\nError: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return ckr ? ckr : SKS_CKR_GENERAL_ERROR;
}

int cm_confirm(struct cm_state *st, const struct cm_parsed *p)
{
	char *answer;
	int ok;

	if (cm_has(p, "force"))
		return 1;
	cm_para("Are you sure you wish to continue?");
	answer = cm_read_line(st, "\nType 'proceed' to continue, or 'quit' to quit now ->", 0);
	ok = answer && !strcmp(answer, "proceed");
	free(answer);
	return ok;
}

uint32_t cm_cancelled(void)
{
	cm_para("Command cancelled; nothing was changed.");
	return CM_CKR_CANCEL;
}

/*
 * A secret from -<opt> <value>, or prompted for without echo. NULL if none
 * was given: see cm_no_answer().
 */
char *cm_secret(struct cm_state *st, const struct cm_parsed *p,
		const char *opt, const char *prompt)
{
	const char *v = cm_get(p, opt);
	char *s;

	if (v)
		return strdup(v);
	s = cm_read_line(st, prompt, 1);
	if (!s && !st->cancelled)
		cm_para("Error: No password was entered.");
	return s;
}

/* The result of a command whose question got no answer. */
uint32_t cm_no_answer(struct cm_state *st)
{
	return st->cancelled ? cm_cancelled() : CKR_ARGUMENTS_BAD;
}

void cm_drop_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/*
 * A new secret: from -<opt> <value>, or asked twice without echo (@again
 * is the second question). Refused, with a message, *@ckr set and NULL
 * returned, when its length is not SKS_PIN_MIN..SKS_PIN_MAX (checked
 * before the second question) or when the two answers differ.
 */
char *cm_new_secret(struct cm_state *st, const struct cm_parsed *p,
		    const char *opt, const char *prompt, const char *again,
		    uint32_t *ckr)
{
	const char *given = cm_get(p, opt);
	char *s = cm_secret(st, p, opt, prompt), *s2;
	size_t len;

	if (!s) {
		*ckr = given ? SKS_CKR_HOST_MEMORY : cm_no_answer(st);
		return NULL;
	}
	len = strlen(s);
	if (len < SKS_PIN_MIN || len > SKS_PIN_MAX) {
		cm_para("Error: A password must be %d to %d characters long; nothing was changed.",
			SKS_PIN_MIN, SKS_PIN_MAX);
		cm_drop_secret(s);
		*ckr = SKS_CKR_PIN_LEN_RANGE;
		return NULL;
	}
	if (given)
		return s;
	s2 = cm_read_line(st, again, 1);
	if (!s2) {
		if (!st->cancelled)
			cm_para("Error: The password was not confirmed; nothing was changed.");
		cm_drop_secret(s);
		*ckr = cm_no_answer(st);
		return NULL;
	}
	if (strcmp(s, s2)) {
		cm_para("Error: The two passwords do not match; nothing was changed.");
		cm_drop_secret(s);
		cm_drop_secret(s2);
		*ckr = CKR_ARGUMENTS_BAD;
		return NULL;
	}
	cm_drop_secret(s2);
	return s;
}

int cm_parse_uint(const char *s, unsigned long long max,
		  unsigned long long *out)
{
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end || *out > max ? -1 : 0;
}

int cm_get_slot_opt(const struct cm_parsed *p, const char *opt,
		    unsigned int *slot)
{
	unsigned long long v;

	if (cm_parse_uint(cm_get(p, opt), SKS_MAX_SLOTS - 1, &v))
		return -1;
	*slot = v;
	return 0;
}

int cm_get_handle(const struct cm_parsed *p, uint32_t *h)
{
	unsigned long long v;

	if (cm_parse_uint(cm_get(p, "handle"), UINT32_MAX, &v))
		return -1;
	*h = v;
	return 0;
}

int cm_parse_handles(const char *s, uint32_t **out, size_t *n)
{
	size_t room = 1, k = 0;
	const char *q;
	char *copy, *tok, *save;
	unsigned long long v;

	for (q = s; *q; q++)
		room += *q == ',' || *q == ' ';
	*out = calloc(room, sizeof(**out));
	copy = strdup(s);
	if (!*out || !copy)
		goto fail;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (cm_parse_uint(tok, UINT32_MAX, &v))
			goto fail;
		(*out)[k++] = v;
	}
	free(copy);
	*n = k;
	return k ? 0 : -1;
fail:
	free(copy);
	free(*out);
	*out = NULL;
	return -1;
}

/* Why the control device could not be opened, in words. */
uint32_t cm_hsm_open_failed(void)
{
	int err = errno;

	return cm_failed("Failed to open the HSM control device %s: %s%s.",
			 SKS_CONTROL_DEVICE, strerror(err),
			 err == ENOENT ? " (is the sks module loaded?)" :
			 err == EACCES || err == EPERM ?
			 " (it needs CAP_SYS_ADMIN: run skscm as root)" : "");
}

/* Why a session on @slot could not be opened, in words. */
uint32_t cm_slot_open_failed(unsigned int slot)
{
	int err = errno;

	if (err == ENOENT || err == ENXIO || err == ENODEV)
		return cm_failed("Slot %u does not exist.", slot);
	return cm_failed("Failed to open a session on slot %u (" SKS_SLOT_DEVICE_FMT "): %s%s.",
			 slot, slot, strerror(err),
			 err == EACCES ? " (slot devices belong to the group sks)" : "");
}

/* The session kept open on @slot (opened on first use). */
struct sks_session *cm_session_on(struct cm_state *st, unsigned int slot)
{
	if (slot >= SKS_MAX_SLOTS) {
		errno = EINVAL;
		return NULL;
	}
	if (!st->sess[slot])
		st->sess[slot] = sks_session_open(slot);
	return st->sess[slot];
}

void cm_session_drop(struct cm_state *st, unsigned int slot)
{
	if (slot < SKS_MAX_SLOTS) {
		sks_session_close(st->sess[slot]);
		st->sess[slot] = NULL;
	}
}

/* Forget the image file attached to Backup HSM @slot, if any. */
void cm_image_detach(struct cm_state *st, unsigned int slot)
{
	if (slot >= SKS_MAX_SLOTS)
		return;
	free(st->image[slot]);
	st->image[slot] = NULL;
	cm_drop_secret(st->image_secret[slot]);
	st->image_secret[slot] = NULL;
}

struct sks_session *cm_current(struct cm_state *st, uint32_t *ckr)
{
	struct sks_session *s;

	if (!st->have_slot) {
		cm_para("Error: No current slot. Use 'slot set -slot <n>'.");
		*ckr = SKS_CKR_TOKEN_NOT_PRESENT;
		return NULL;
	}
	s = cm_session_on(st, st->slot);
	if (!s)
		*ckr = cm_slot_open_failed(st->slot);
	return s;
}

void cm_hex(const uint8_t *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

const char *cm_plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}
