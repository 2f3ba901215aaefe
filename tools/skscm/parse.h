/* SPDX-License-Identifier: GPL-2.0 */
/*
 * skscm - command line parsing: tokens, commands and options with
 * lunacm's unique-prefix abbreviations. No device access here.
 */
#ifndef SKSCM_PARSE_H
#define SKSCM_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define CM_MAX_WORDS	3
#define CM_MAX_OPTS	16
#define CM_ERR_LEN	512

/* struct cm_opt_def.takes_value */
#define CM_FLAG		0	/* no value */
#define CM_VAL		1	/* needs a value */
#define CM_OPT		2	/* may have a value */
#define CM_SECRET	3	/* may have a value, a secret: never shown */

struct cm_opt_def {
	const char *name;	/* without the leading '-' */
	int takes_value;	/* CM_FLAG, CM_VAL, CM_OPT or CM_SECRET */
};

struct cm_state;
struct cm_parsed;

/*
 * A command's handler: runs the command as parsed into @p, prints its
 * messages and returns the PKCS#11 result that closes the command
 * ("Command Result : ..."). One file per command group (cmd_*.c).
 */
typedef uint32_t cm_handler(struct cm_state *st, const struct cm_parsed *p);

/* One command: its words, its handler, its options and its help. */
struct cm_cmd_def {
	const char *words[CM_MAX_WORDS + 1];	/* NULL terminated */
	cm_handler *run;
	const struct cm_opt_def *opts;		/* {NULL} terminated */
	const char *positional;	/* option that bare words fill, or NULL */
	const char *summary;
	const char *usage;	/* option lines for help <command> */
};

struct cm_token {
	char *text;
	int quoted;	/* some of it was quoted: never an option name */
	size_t start;	/* where it is in the line: [start, end) */
	size_t end;
};

struct cm_parsed {
	const struct cm_cmd_def *cmd;
	int nopts;
	struct {
		const char *name;	/* the option's full name */
		char *value;		/* NULL for a flag */
	} opts[CM_MAX_OPTS];
	char err[CM_ERR_LEN];
};

/*
 * Split @line into tokens: blanks separate, "double" and 'single' quotes
 * group, a backslash escapes the next character outside single quotes.
 * A '#' at the start of a token begins a comment. Returns the number of
 * tokens (0 for a blank line) and a new array in *@toks, or -1 with @err
 * filled on an unterminated quote or a lone trailing backslash.
 */
int cm_tokenize(const char *line, struct cm_token **toks, char *err,
		size_t errlen);

void cm_tokens_free(struct cm_token *toks, int n);

/*
 * Resolve @toks against @table: command words and option names may be
 * abbreviated to any unique prefix (an exact name always wins); an option
 * that takes a value takes every following token up to the next option,
 * joined by single spaces, so "-name Crypto Officer" needs no quotes.
 * Returns 0, or -1 with @out->err set ("Syntax Error" text without the
 * prefix). Free @out with cm_parsed_free().
 */
int cm_parse(const struct cm_cmd_def *table, size_t n,
	     const struct cm_token *toks, int ntoks, struct cm_parsed *out);

void cm_parsed_free(struct cm_parsed *p);

/* The value of option @name, or NULL if absent (or a flag). */
const char *cm_get(const struct cm_parsed *p, const char *name);

/* Whether option @name was given. */
int cm_has(const struct cm_parsed *p, const char *name);

/*
 * Resolve the command words alone (for "help <command>"): returns the
 * number of matching table entries written to @found (room @max), or -1
 * with @err set when a word is unknown or ambiguous.
 */
int cm_lookup(const struct cm_cmd_def *table, size_t n,
	      const struct cm_token *toks, int ntoks,
	      const struct cm_cmd_def **found, size_t max, char *err,
	      size_t errlen);

/*
 * @line as skscm may show or store it: the value of every secret option
 * (-password, -userpassword, -oldpw, -newpw, abbreviated or not) replaced
 * by "********", the rest as typed. A line that does not parse is masked
 * from any option that could name a secret. Returns a new string (NULL
 * when out of memory).
 */
char *cm_mask_secrets(const struct cm_cmd_def *table, size_t n,
		      const char *line);

#define CM_MASK "********"

/* The command table of skscm (table.c): every command, in help order. */
extern const struct cm_cmd_def cm_commands[];
extern const size_t cm_ncommands;

#endif /* SKSCM_PARSE_H */
