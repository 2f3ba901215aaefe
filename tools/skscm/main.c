// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - lunacm-style command line for sks: an interactive shell with line
 * editing and history, or batch use from a file, stdin or -c.
 *
 * Ctrl-C on a terminal: at the "skscm:> " prompt it drops the line being
 * typed; at a command's question (a password, 'proceed') it cancels the
 * command. skscm goes on either way, its logins and session objects
 * intact. SIGINT is blocked except while skscm waits for the terminal, so
 * a Ctrl-C typed while a command runs cancels it at its next question
 * (the HSM finishes what it was asked to do).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "skscm.h"

#define PROMPT "skscm:> "

static int echo_batch = 1;

/* Ctrl-C handling: on while commands and answers come from a terminal. */
static volatile sig_atomic_t got_sigint;
static int catching;
static sigset_t wait_mask;	/* the mask while waiting: SIGINT open */

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

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* Catch SIGINT, blocked except in wait_input(). */
static void catch_sigint(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;	/* no SA_RESTART: waits end */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	if (sigaction(SIGINT, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, &block, &wait_mask))
		return;
	sigdelset(&wait_mask, SIGINT);
	catching = 1;
}

/* Forget a Ctrl-C typed while the last command ran. */
static void drop_pending_sigint(void)
{
	struct timespec now = { 0, 0 };
	sigset_t set;

	if (!catching)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	while (sigtimedwait(&set, NULL, &now) == SIGINT)
		;
	got_sigint = 0;
}

/*
 * Wait until @fd can be read: 1; 0 after a Ctrl-C (while waiting, or typed
 * earlier and still pending); -1 on an error.
 */
static int wait_input(int fd)
{
	fd_set fds;
	int n;

	for (;;) {
		if (got_sigint) {
			got_sigint = 0;
			return 0;
		}
		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		n = pselect(fd + 1, &fds, NULL, NULL, NULL,
			    catching ? &wait_mask : NULL);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/*
 * A line without echo from the terminal @fd, asked with @prompt; NULL at
 * end of input or, with *@cancelled set, after a Ctrl-C. As getpass(3)
 * does, echo goes off (and what was typed ahead is dropped) before the
 * prompt shows; the terminal's settings are restored on every path.
 */
static char *read_secret_tty(int fd, const char *prompt, int *cancelled)
{
	struct termios old, noecho;
	size_t len = 0, room = 64;
	char *line = malloc(room);
	int restore = 0, done = 0;

	if (!line)
		return NULL;
	if (tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~ECHO;
		noecho.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSAFLUSH, &noecho) == 0;
	}
	fputs(prompt, stdout);
	fflush(stdout);
	while (!done) {
		ssize_t n;
		int w = wait_input(fd);

		if (w <= 0) {
			if (!w) {
				*cancelled = 1;
				fputs("^C\n", stdout);
			}
			break;
		}
		if (len + 2 > room) {
			char *bigger = realloc(line, room * 2);

			if (!bigger)
				break;
			line = bigger;
			room *= 2;
		}
		n = read(fd, line + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {	/* end of input (Ctrl-D) or an error */
			if (len)
				done = 1;
			else
				putchar('\n');
			break;
		}
		if (line[len] == '\n')
			done = 1;
		else
			len++;
	}
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	fflush(stdout);
	if (!done) {
		explicit_bzero(line, room);
		free(line);
		return NULL;
	}
	line[len] = '\0';
	return line;
}

/* readline's callback interface, so that a Ctrl-C can end the wait. */
static char *rl_answer;
static int rl_answered;

static void on_line(char *line)
{
	rl_answer = line;
	rl_answered = 1;
	rl_callback_handler_remove();
}

/*
 * readline(@prompt) that a Ctrl-C cancels: the line typed so far is dropped
 * and NULL returned with *@cancelled set. NULL also at end of input.
 */
static char *read_line_tty(const char *prompt, int *cancelled)
{
	rl_answer = NULL;
	rl_answered = 0;
	rl_callback_handler_install(prompt, on_line);
	while (!rl_answered) {
		int w = wait_input(fileno(rl_instream));

		if (w <= 0) {
			if (!w) {
				*cancelled = 1;
				rl_point = rl_end;
				rl_redisplay();
				fputs("^C\n", rl_outstream);
				fflush(rl_outstream);
			}
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_callback_handler_remove();
			return NULL;
		}
		rl_callback_read_char();
	}
	return rl_answer;
}

char *cm_read_line(struct cm_state *st, const char *prompt, int secret)
{
	char *line = NULL;
	size_t room = 0;
	ssize_t n;

	if (isatty(fileno(st->in))) {
		if (secret)
			line = read_secret_tty(fileno(st->in), prompt,
					       &st->cancelled);
		else
			line = read_line_tty(prompt, &st->cancelled);
		return line;
	}
	fputs(prompt, stdout);
	n = getline(&line, &room, st->in);
	if (n < 0) {
		free(line);
		putchar('\n');
		return NULL;
	}
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	/* A transcript shows the answer, never a secret. */
	printf("%s\n", secret ? "" : line);
	fflush(stdout);
	return line;
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

			drop_pending_sigint();
			line = read_line_tty(PROMPT, &cancelled);
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
		catch_sigint();

	if (ncmds) {
		for (int i = 0; i < ncmds && !st.quit; i++) {
			drop_pending_sigint();
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
