// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - command line parsing (see parse.h). Pure: no device access, no
 * output, so that the host tests can include it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

int cm_tokenize(const char *line, struct cm_token **toks, char *err,
		size_t errlen)
{
	size_t len = strlen(line);
	struct cm_token *t = calloc(len / 2 + 2, sizeof(*t));
	const char *p = line;
	int n = 0;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		char *buf, *o;
		int quoted = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		t[n].start = p - line;
		buf = malloc(len + 1);
		if (!buf) {
			snprintf(err, errlen, "out of memory");
			cm_tokens_free(t, n);
			return -1;
		}
		o = buf;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;

				quoted = 1;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1])
						p++;
					*o++ = *p++;
				}
				if (!*p) {
					snprintf(err, errlen,
						 "Unterminated %s quote.",
						 q == '"' ? "double" : "single");
					free(buf);
					cm_tokens_free(t, n);
					return -1;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					snprintf(err, errlen,
						 "Trailing backslash.");
					free(buf);
					cm_tokens_free(t, n);
					return -1;
				}
				quoted = 1;
				p++;
				*o++ = *p++;
			} else {
				*o++ = *p++;
			}
		}
		*o = '\0';
		t[n].end = p - line;
		t[n].text = buf;
		t[n].quoted = quoted;
		n++;
	}
	*toks = t;
	return n;
}

void cm_tokens_free(struct cm_token *toks, int n)
{
	if (!toks)
		return;
	for (int i = 0; i < n; i++)
		free(toks[i].text);
	free(toks);
}

static int is_prefix(const char *abbr, const char *name)
{
	return strncasecmp(abbr, name, strlen(abbr)) == 0;
}

static int is_option(const struct cm_token *t)
{
	return !t->quoted && t->text[0] == '-' && t->text[1] &&
	       !isdigit((unsigned char)t->text[1]);
}

/* Distinct words at @depth among the candidates. */
static size_t words_at(const struct cm_cmd_def *table, const int *cand,
		       size_t n, int depth, const char **words)
{
	size_t nw = 0;

	for (size_t i = 0; i < n; i++) {
		const char *w;
		size_t j;

		if (!cand[i] || !(w = table[i].words[depth]))
			continue;
		for (j = 0; j < nw; j++)
			if (!strcmp(words[j], w))
				break;
		if (j == nw)
			words[nw++] = w;
	}
	return nw;
}

static void list_names(char *buf, size_t len, const char *lead,
		       const char **names, size_t n)
{
	size_t off = strlen(buf);

	for (size_t i = 0; i < n && off < len; i++) {
		snprintf(buf + off, len - off, "%s%s%s", i ? ", " : "", lead,
			 names[i]);
		off = strlen(buf);
	}
}

/*
 * Match command words. Returns the number of tokens used, with @cand
 * marking the entries whose words all matched so far; -1 on error.
 */
static int match_words(const struct cm_cmd_def *table, size_t n,
		       const struct cm_token *toks, int ntoks, int *cand,
		       int *depth_out, char *err, size_t errlen)
{
	const char *words[64];
	int depth = 0;

	for (size_t i = 0; i < n; i++)
		cand[i] = 1;
	while (depth < CM_MAX_WORDS && depth < ntoks) {
		const struct cm_token *t = &toks[depth];
		size_t nw = words_at(table, cand, n, depth, words);
		const char *hit = NULL, *hits[64];
		size_t nhits = 0;

		if (!nw || is_option(t))
			break;
		for (size_t j = 0; j < nw; j++) {
			if (!strcasecmp(t->text, words[j])) {
				hit = words[j];
				nhits = 1;
				break;
			}
			if (is_prefix(t->text, words[j]))
				hits[nhits++] = words[j];
		}
		if (!hit && nhits == 1)
			hit = hits[0];
		if (!hit) {
			int complete = 0;

			for (size_t i = 0; i < n; i++)
				if (cand[i] && !table[i].words[depth])
					complete = 1;
			if (complete && !nhits)
				break;	/* a positional argument */
			if (nhits > 1) {
				snprintf(err, errlen,
					 "Ambiguous command '%s': could be ",
					 t->text);
				list_names(err, errlen, "", hits, nhits);
				strncat(err, ".", errlen - strlen(err) - 1);
			} else if (depth == 0) {
				snprintf(err, errlen,
					 "Unknown command '%s'. Type 'help' for a list of commands.",
					 t->text);
			} else {
				snprintf(err, errlen,
					 "Unknown command '%s'; choose one of: ",
					 t->text);
				list_names(err, errlen, "", words, nw);
				strncat(err, ".", errlen - strlen(err) - 1);
			}
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			if (cand[i] && (!table[i].words[depth] ||
					strcmp(table[i].words[depth], hit)))
				cand[i] = 0;
		depth++;
	}
	*depth_out = depth;
	return depth;
}

int cm_lookup(const struct cm_cmd_def *table, size_t n,
	      const struct cm_token *toks, int ntoks,
	      const struct cm_cmd_def **found, size_t max, char *err,
	      size_t errlen)
{
	int *cand = calloc(n, sizeof(*cand));
	int depth, used;
	size_t nf = 0;

	if (!cand) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	used = match_words(table, n, toks, ntoks, cand, &depth, err, errlen);
	if (used >= 0 && used < ntoks) {
		snprintf(err, errlen, "Unknown command '%s'.", toks[used].text);
		used = -1;
	}
	if (used < 0) {
		free(cand);
		return -1;
	}
	for (size_t i = 0; i < n && nf < max; i++)
		if (cand[i])
			found[nf++] = &table[i];
	free(cand);
	return nf;
}

static const struct cm_opt_def *find_opt(const struct cm_cmd_def *cmd,
					 const char *abbr, char *err,
					 size_t errlen)
{
	const struct cm_opt_def *hit = NULL;
	const char *hits[CM_MAX_OPTS];
	size_t nhits = 0;

	for (const struct cm_opt_def *o = cmd->opts; o && o->name; o++) {
		if (!strcasecmp(abbr, o->name))
			return o;
		if (is_prefix(abbr, o->name) && nhits < CM_MAX_OPTS) {
			hit = o;
			hits[nhits++] = o->name;
		}
	}
	if (nhits == 1)
		return hit;
	if (nhits > 1) {
		snprintf(err, errlen, "Ambiguous option '-%s': could be ", abbr);
		list_names(err, errlen, "-", hits, nhits);
		strncat(err, ".", errlen - strlen(err) - 1);
	} else {
		char name[128] = "";

		for (int i = 0; cmd->words[i]; i++)
			snprintf(name + strlen(name), sizeof(name) - strlen(name),
				 "%s%s", i ? " " : "", cmd->words[i]);
		snprintf(err, errlen, "Unknown option '-%s' for '%s'.", abbr,
			 name);
	}
	return NULL;
}

static char *join(const struct cm_token *toks, int from, int to)
{
	size_t len = 1;
	char *s;

	for (int i = from; i < to; i++)
		len += strlen(toks[i].text) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = from; i < to; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, toks[i].text);
	}
	return s;
}

static int add_opt(struct cm_parsed *out, const char *name, char *value)
{
	for (int i = 0; i < out->nopts; i++)
		if (!strcmp(out->opts[i].name, name)) {
			snprintf(out->err, sizeof(out->err),
				 "Option -%s given twice.", name);
			free(value);
			return -1;
		}
	if (out->nopts == CM_MAX_OPTS) {
		snprintf(out->err, sizeof(out->err), "Too many options.");
		free(value);
		return -1;
	}
	out->opts[out->nopts].name = name;
	out->opts[out->nopts].value = value;
	out->nopts++;
	return 0;
}

int cm_parse(const struct cm_cmd_def *table, size_t n,
	     const struct cm_token *toks, int ntoks, struct cm_parsed *out)
{
	int *cand = calloc(n, sizeof(*cand));
	const struct cm_cmd_def *cmd = NULL;
	int depth, i;

	memset(out, 0, sizeof(*out));
	if (!cand) {
		snprintf(out->err, sizeof(out->err), "out of memory");
		return -1;
	}
	if (match_words(table, n, toks, ntoks, cand, &depth, out->err,
			sizeof(out->err)) < 0) {
		free(cand);
		return -1;
	}
	for (size_t k = 0; k < n; k++)
		if (cand[k] && !table[k].words[depth])
			cmd = &table[k];
	if (!cmd) {
		const char *words[64];
		size_t nw = words_at(table, cand, n, depth, words);

		if (depth < ntoks)
			snprintf(out->err, sizeof(out->err),
				 "Unknown command '%s'; choose one of: ",
				 toks[depth].text);
		else
			snprintf(out->err, sizeof(out->err),
				 "Incomplete command; choose one of: ");
		list_names(out->err, sizeof(out->err), "", words, nw);
		strncat(out->err, ".", sizeof(out->err) - strlen(out->err) - 1);
		free(cand);
		return -1;
	}
	free(cand);
	out->cmd = cmd;

	i = depth;
	/* Bare words right after the command fill its positional option. */
	if (i < ntoks && !is_option(&toks[i])) {
		int j = i;

		while (j < ntoks && !is_option(&toks[j]))
			j++;
		if (!cmd->positional) {
			snprintf(out->err, sizeof(out->err),
				 "Unexpected argument '%s'.", toks[i].text);
			goto fail;
		}
		if (add_opt(out, cmd->positional, join(toks, i, j)))
			goto fail;
		i = j;
	}
	while (i < ntoks) {
		const struct cm_opt_def *o;
		int j;

		o = find_opt(cmd, toks[i].text + 1, out->err, sizeof(out->err));
		if (!o)
			goto fail;
		for (j = i + 1; j < ntoks && !is_option(&toks[j]); j++)
			;
		if (!o->takes_value && j > i + 1) {
			snprintf(out->err, sizeof(out->err),
				 "Option -%s takes no value ('%s').", o->name,
				 toks[i + 1].text);
			goto fail;
		}
		if (o->takes_value == CM_VAL && j == i + 1) {
			snprintf(out->err, sizeof(out->err),
				 "Option -%s needs a value.", o->name);
			goto fail;
		}
		if (add_opt(out, o->name, j > i + 1 ? join(toks, i + 1, j) :
			    NULL))
			goto fail;
		i = j;
	}
	return 0;
fail:
	cm_parsed_free(out);
	return -1;
}

void cm_parsed_free(struct cm_parsed *p)
{
	for (int i = 0; i < p->nopts; i++)
		free(p->opts[i].value);
	p->nopts = 0;
}

const char *cm_get(const struct cm_parsed *p, const char *name)
{
	for (int i = 0; i < p->nopts; i++)
		if (!strcmp(p->opts[i].name, name))
			return p->opts[i].value;
	return NULL;
}

int cm_has(const struct cm_parsed *p, const char *name)
{
	for (int i = 0; i < p->nopts; i++)
		if (!strcmp(p->opts[i].name, name))
			return 1;
	return 0;
}

/* Tokens split at blanks only (no quoting), for lines that do not tokenize. */
static int cm_tokenize_blanks(const char *line, struct cm_token **toks)
{
	struct cm_token *t = calloc(strlen(line) / 2 + 2, sizeof(*t));
	const char *p = line;
	int n = 0;

	if (!t)
		return -1;
	for (;;) {
		size_t len;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t\n\r\f\v");
		t[n].text = strndup(p, len);
		if (!t[n].text) {
			cm_tokens_free(t, n);
			return -1;
		}
		t[n].start = p - line;
		t[n].end = t[n].start + len;
		n++;
		p += len;
	}
	*toks = t;
	return n;
}

/* Whether option name @abbr could stand for a secret option of any command. */
static int may_be_secret(const struct cm_cmd_def *table, size_t n,
			 const char *abbr)
{
	if (!*abbr)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (const struct cm_opt_def *o = table[i].opts; o && o->name; o++)
			if (o->takes_value == CM_SECRET && is_prefix(abbr, o->name))
				return 1;
	return 0;
}

/*
 * may_be_secret() for the letters @abbr starts with (an option word with
 * a value glued to it, or a stray character in it); *@word: their count.
 */
static int may_be_secret_word(const struct cm_cmd_def *table, size_t n,
			      const char *abbr, size_t *word)
{
	char name[64];
	size_t k = 0;

	while (abbr[k] && k < sizeof(name) - 1 &&
	       isalpha((unsigned char)abbr[k])) {
		name[k] = abbr[k];
		k++;
	}
	name[k] = 0;
	*word = k;
	return may_be_secret(table, n, name);
}

/* The secret option @abbr of @cmd stands for, if it is one. */
static int is_secret_of(const struct cm_cmd_def *cmd, const char *abbr)
{
	char err[CM_ERR_LEN];
	const struct cm_opt_def *o = find_opt(cmd, abbr, err, sizeof(err));

	return o && o->takes_value == CM_SECRET;
}

char *cm_mask_secrets(const struct cm_cmd_def *table, size_t n,
		      const char *line)
{
	size_t len = strlen(line), from = 0;
	const struct cm_cmd_def *cmd = NULL;
	struct cm_token *toks = NULL;
	struct cm_parsed parsed;
	char err[CM_ERR_LEN], *out, *o;
	size_t word;
	int nt, i;

	/* Each mask may be longer than what it hides. */
	out = malloc(len + (len / 2 + 2) * (sizeof(CM_MASK) + 1) + 1);
	if (!out)
		return NULL;
	o = out;
	nt = cm_tokenize(line, &toks, err, sizeof(err));
	if (nt >= 0 && !cm_parse(table, n, toks, nt, &parsed)) {
		cmd = parsed.cmd;
		cm_parsed_free(&parsed);
	} else if (nt < 0) {
		/* An unterminated quote: split at blanks only. */
		nt = cm_tokenize_blanks(line, &toks);
		if (nt < 0) {
			free(out);
			return NULL;
		}
	}
	for (i = 0; i < nt; i++) {
		int j;

		if (!is_option(&toks[i])) {
			size_t at;

			/*
			 * A quoted or escaped word that would name a secret
			 * option (-password='x', -pass\word x): whatever
			 * it is part of, hide it and the rest of the line.
			 */
			if (line[toks[i].start] != '-' ||
			    !may_be_secret_word(table, n,
						line + toks[i].start + 1,
						&word))
				continue;
			at = toks[i].start + 1 + word;
			memcpy(o, line + from, at - from);
			o += at - from;
			o += sprintf(o, "%s", CM_MASK);
			from = len;
			break;
		}
		for (j = i + 1; j < nt && !is_option(&toks[j]); j++)
			;
		if (cmd && is_secret_of(cmd, toks[i].text + 1)) {
			if (j == i + 1)
				continue;
		} else if (!cmd && may_be_secret_word(table, n,
						      line + toks[i].start + 1,
						      &word)) {
			/*
			 * Not understood: hide everything after it, and a
			 * value glued to the name (-password=x, -p:x, -pass\word).
			 */
			size_t at = toks[i].start + 1 + word;

			if (at < toks[i].end) {
				memcpy(o, line + from, at - from);
				o += at - from;
				o += sprintf(o, "%s", CM_MASK);
				from = len;
				break;
			}
			if (i + 1 == nt)
				continue;
			j = nt;
		} else {
			continue;
		}
		memcpy(o, line + from, toks[i].end - from);
		o += toks[i].end - from;
		o += sprintf(o, " %s", CM_MASK);
		from = j == nt ? len : toks[j - 1].end;
		i = j - 1;
	}
	strcpy(o, line + from);
	cm_tokens_free(toks, nt);
	return out;
}
