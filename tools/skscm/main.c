// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - lunacm-style command line for sks: an interactive shell with line
 * editing and history, or batch use from a file, stdin or -c. Ctrl-C and
 * the terminal: term.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>

#include "skscm.h"

#define PROMPT "skscm:> "

static int echo_batch = 1;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: skscm [-c <command>]... [-f <file>] [-continue] [-q]\n"
		"\n"
		"  -c <command>  run a command (may be repeated); prompts read stdin\n"
		"  -f <file>     run the commands in <file>, one per line\n"
		"  -continue     in batch use, go on after a failed command\n"
		"  -q            in batch use, do not echo the commands\n"
		"\n"
		"Without -c or -f, commands come from stdin: an interactive shell on a\n"
		"terminal, batch use otherwise. The exit status is 0 if every command\n"
		"succeeded, 1 if one failed, 2 for a usage error.\n");
}

static void print_result(uint32_t ckr)
{
	const char *name = ckr == CM_CKR_CANCEL ? "CKR_CANCEL" : sks_result_name(ckr);

	if (ckr == CKR_OK || ckr == CM_SYNTAX_NO_ERROR)
		printf("\nCommand Result : No Error\n");
	else
		printf("\nCommand Result : 0x%x (%s)\n", ckr,
		       name ? name : "CKR_VENDOR_DEFINED");
	fflush(stdout);
}

uint32_t cm_run_line(struct cm_state *st, const char *line)
{
	struct cm_token *toks = NULL;
	struct cm_parsed p;
	char err[CM_ERR_LEN];
	uint32_t ckr;
	int n;

	st->cancelled = 0;
	n = cm_tokenize(line, &toks, err, sizeof(err));
	if (n == 0) {
		cm_tokens_free(toks, 0);
		return CKR_OK;
	}
	if (n < 0) {
		ckr = cm_syntax("%s", err);
		print_result(ckr);
		return ckr;
	}
	if (cm_parse(cm_commands, cm_ncommands, toks, n, &p)) {
		ckr = cm_syntax("%s", p.err);
	} else {
		ckr = p.cmd->run(st, &p);
		cm_parsed_free(&p);
	}
	cm_tokens_free(toks, n);
	if (!st->quit)
		print_result(ckr);
	return ckr;
}

void cm_state_free(struct cm_state *st)
{
	for (unsigned int i = 0; i < SKS_MAX_SLOTS; i++) {
		cm_session_drop(st, i);
		cm_image_detach(st, i);
	}
}

/* Start on the lowest slot that exists, as lunacm does. */
static void default_slot(struct cm_state *st)
{
	char path[32];
	struct stat sb;

	for (unsigned int i = 0; i < SKS_MAX_SLOTS; i++) {
		snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, i);
		if (stat(path, &sb) == 0) {
			st->slot = i;
			st->have_slot = 1;
			return;
		}
	}
}

/* @line as skscm shows and remembers it: secrets masked. */
static char *shown(const char *line)
{
	return cm_mask_secrets(cm_commands, cm_ncommands, line);
}

static int run_stream(struct cm_state *st, const char *name, int keep_going)
{
	int failed = 0;

	while (!st->quit) {
		char *line = NULL, *safe;
		size_t room = 0;
		ssize_t n;
		uint32_t ckr;

		if (st->interactive) {
			int cancelled = 0;

			cm_drop_pending_sigint();
			line = cm_read_line_tty(PROMPT, &cancelled);
			if (cancelled)
				continue;
			if (!line) {
				putchar('\n');
				break;
			}
			safe = shown(line);
			if (safe && *safe)
				add_history(safe);
			free(safe);
		} else {
			errno = 0;
			n = getline(&line, &room, st->in);
			if (n < 0) {
				if (ferror(st->in)) {
					fprintf(stderr, "skscm: %s: %s\n", name,
						strerror(errno ? errno : EIO));
					failed = 1;
				}
				free(line);
				break;
			}
			if (n && line[n - 1] == '\n')
				line[n - 1] = '\0';
			if (echo_batch && line[strspn(line, " \t")] &&
			    line[strspn(line, " \t")] != '#') {
				safe = shown(line);
				printf("\n%s%s\n", PROMPT, safe ? safe : "");
				free(safe);
			}
		}
		ckr = cm_run_line(st, line);
		explicit_bzero(line, strlen(line));
		free(line);
		if (ckr != SKS_CKR_OK) {
			failed = 1;
			if (!st->interactive && !keep_going)
				break;
		}
	}
	return failed;
}

/* Open the -f script, refusing what cannot be read as one (a directory). */
static FILE *open_script(const char *file)
{
	struct stat sb;
	FILE *f = fopen(file, "r");

	if (!f)
		return NULL;
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	return f;
}

int main(int argc, char **argv)
{
	struct cm_state st = { .in = stdin };
	const char *file = NULL;
	int keep_going = 0, failed = 0, ncmds = 0;
	char **cmds = calloc(argc, sizeof(*cmds));

	if (!cmds)
		return 2;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			cmds[ncmds++] = argv[++i];
		} else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "-continue")) {
			keep_going = 1;
		} else if (!strcmp(argv[i], "-q")) {
			echo_batch = 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			free(cmds);
			return 0;
		} else {
			usage(stderr);
			free(cmds);
			return 2;
		}
	}
	default_slot(&st);
	if (!ncmds && file) {
		st.in = open_script(file);
		if (!st.in) {
			fprintf(stderr, "skscm: %s: %s\n", file, strerror(errno));
			free(cmds);
			return 2;
		}
	}
	/* Questions come from a terminal: Ctrl-C cancels them. */
	if (isatty(fileno(st.in)))
		cm_catch_sigint();

	if (ncmds) {
		for (int i = 0; i < ncmds && !st.quit; i++) {
			cm_drop_pending_sigint();
			if (cm_run_line(&st, cmds[i]) != SKS_CKR_OK) {
				failed = 1;
				if (!keep_going)
					break;
			}
		}
	} else {
		st.interactive = !file && isatty(STDIN_FILENO);
		if (st.interactive) {
			using_history();
			printf("skscm (libsks %s). Type 'help' for the commands.\n",
			       sks_api_version());
		}
		failed = run_stream(&st, file ? file : "stdin", keep_going);
		if (file)
			fclose(st.in);
	}
	cm_state_free(&st);
	free(cmds);
	clear_history();
	return failed;
}
