// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - the shell's own commands: help, exit and quit.
 */
#include <stdio.h>
#include <string.h>

#include "skscm.h"

static void cmd_name(const struct cm_cmd_def *c, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; c->words[i]; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 i ? " " : "", c->words[i]);
}

uint32_t cm_help(struct cm_state *st, const struct cm_parsed *p)
{
	const char *what = cm_get(p, "command");
	const struct cm_cmd_def *found[64];
	char name[128], err[CM_ERR_LEN];
	struct cm_token *toks = NULL;
	int n, nt;

	(void)st;
	if (!what) {
		printf("\nCommands (any unique prefix of a word or option will do):\n\n");
		for (size_t i = 0; i < cm_ncommands; i++) {
			cmd_name(&cm_commands[i], name, sizeof(name));
			printf("  %-28s %s\n", name, cm_commands[i].summary);
		}
		printf("\nType 'help <command>' for its options.\n");
		return CKR_OK;
	}
	nt = cm_tokenize(what, &toks, err, sizeof(err));
	if (nt < 0)
		return cm_syntax("%s", err);
	n = cm_lookup(cm_commands, cm_ncommands, toks, nt, found, 64, err,
		      sizeof(err));
	cm_tokens_free(toks, nt);
	if (n < 0)
		return cm_syntax("%s", err);
	for (int i = 0; i < n; i++) {
		const char *u = found[i]->usage;

		cmd_name(found[i], name, sizeof(name));
		printf("\n%s: %s\n\n", name, found[i]->summary);
		/* Continuation lines of the usage are indented too. */
		while (*u) {
			size_t len = strcspn(u, "\n");

			printf("    %.*s\n", (int)len, u);
			u += len + (u[len] == '\n');
		}
	}
	return CKR_OK;
}

/* exit and quit: leave after this command, without its result line. */
uint32_t cm_exit(struct cm_state *st, const struct cm_parsed *p)
{
	(void)p;
	st->quit = 1;
	return CKR_OK;
}
