// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - the terminal: the prompt with line editing, answers to questions,
 * secrets without echo, and Ctrl-C.
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
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "skscm.h"

/* Ctrl-C handling: on while commands and answers come from a terminal. */
static volatile sig_atomic_t got_sigint;
static int catching;
static sigset_t wait_mask;	/* the mask while waiting: SIGINT open */

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* SIGINT is blocked except in wait_input(). */
void cm_catch_sigint(void)
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

void cm_drop_pending_sigint(void)
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

char *cm_read_line_tty(const char *prompt, int *cancelled)
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
			line = cm_read_line_tty(prompt, &st->cancelled);
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
