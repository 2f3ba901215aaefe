/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the skscm transcript tests: run skscm on a script and capture
 * its transcript; set up partitions and Backup HSMs through libsks.
 */
#ifndef SKSCM_UTIL_H
#define SKSCM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <utmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sks.h>

#define SO_PW	"so-secret"
#define CO_PW	"co-secret"
#define BK_PW	"bk-secret"
#define US_PW	"us-secret"

/* printf into a new string (the tests free it). */
static inline char *cm_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/*
 * Interactive skscm on a pseudo-terminal, as an operator meets it: what it
 * prints is collected in @out; keys are sent to it, and cm_pty_expect()
 * waits for text to appear. The parent keeps the terminal's slave side
 * open, so that its settings can be read after skscm has exited.
 */
struct cm_pty {
	int master, slave;
	pid_t pid;
	char *out;
	size_t len, room, seen;	/* seen: cm_pty_expect() matched up to here */
};

/* Start @prog (a path, or a name looked up in PATH) with @args (NULL
 * terminated, without argv[0]). 0 or -1. */
static inline int cm_pty_start(struct cm_pty *t, const char *prog,
			       const char *const *args)
{
	const char *argv[8] = { prog };
	struct termios tio;

	memset(t, 0, sizeof(*t));
	for (int i = 0; args && args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (openpty(&t->master, &t->slave, NULL, NULL, NULL))
		return -1;
	/* A plain cooked terminal, whatever the defaults. */
	if (tcgetattr(t->slave, &tio) == 0) {
		tio.c_lflag |= ECHO | ICANON | ISIG;
		tcsetattr(t->slave, TCSANOW, &tio);
	}
	t->room = 1 << 16;
	t->out = calloc(1, t->room);
	if (!t->out)
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		close(t->master);
		if (login_tty(t->slave))
			_exit(127);
		setenv("TERM", "dumb", 1);
		setenv("INPUTRC", "/dev/null", 1);
		execvp(prog, (char *const *)argv);
		_exit(127);
	}
	return 0;
}

/* Read what skscm printed for up to @ms milliseconds (less once @needle,
 * if given, appears after the last match). */
static inline void cm_pty_read(struct cm_pty *t, int ms, const char *needle)
{
	struct timespec end, now;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct pollfd pfd = { .fd = t->master, .events = POLLIN };
		long left;
		ssize_t n;

		if (needle && strstr(t->out + t->seen, needle))
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (end.tv_sec - now.tv_sec) * 1000 +
		       (end.tv_nsec - now.tv_nsec) / 1000000L;
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return;
		if (t->room - t->len < 4096) {
			char *bigger = realloc(t->out, t->room * 2);

			if (!bigger)
				return;
			t->out = bigger;
			t->room *= 2;
		}
		n = read(t->master, t->out + t->len, t->room - t->len - 1);
		if (n <= 0)
			return;
		t->len += n;
		t->out[t->len] = '\0';
	}
}

/* Wait (at most @ms) for @needle after the last match: 0 if it came. */
static inline int cm_pty_expect(struct cm_pty *t, const char *needle, int ms)
{
	char *hit;

	cm_pty_read(t, ms, needle);
	hit = strstr(t->out + t->seen, needle);
	if (!hit)
		return -1;
	t->seen = hit - t->out + strlen(needle);
	return 0;
}

static inline int cm_pty_send(struct cm_pty *t, const char *keys)
{
	size_t len = strlen(keys);

	return write(t->master, keys, len) == (ssize_t)len ? 0 : -1;
}

/* Wait (at most @ms) for skscm to end: its wait status, or -1. */
static inline int cm_pty_wait(struct cm_pty *t, int ms)
{
	int st;

	for (int i = 0; i < ms / 20; i++) {
		cm_pty_read(t, 20, NULL);
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			cm_pty_read(t, 50, NULL);
			return st;
		}
	}
	return -1;
}

static inline void cm_pty_close(struct cm_pty *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	if (t->master > 0)
		close(t->master);
	if (t->slave > 0)
		close(t->slave);
	free(t->out);
	t->out = NULL;
}

/*
 * Run "@prefix skscm @args <script" with @script on stdin (batch use);
 * the transcript (stdout and stderr) in *@out (malloc'd). Returns skscm's
 * exit status, or -1 if it could not be run or did not exit.
 */
static inline int skscm_run(const char *prefix, const char *args,
			    const char *script, char **out)
{
	char in[] = "/tmp/skscm-in-XXXXXX", *cmd;
	size_t room = 1 << 16, len = 0, n;
	FILE *p;
	int fd, st;

	*out = NULL;
	fd = mkstemp(in);
	if (fd < 0)
		return -1;
	if (write(fd, script, strlen(script)) != (ssize_t)strlen(script)) {
		close(fd);
		unlink(in);
		return -1;
	}
	close(fd);
	cmd = cm_fmt("%s skscm %s <%s 2>&1", prefix ? prefix : "",
		     args ? args : "", in);
	p = cmd ? popen(cmd, "r") : NULL;
	free(cmd);
	*out = malloc(room);
	if (!p || !*out) {
		if (p)
			pclose(p);
		unlink(in);
		return -1;
	}
	while ((n = fread(*out + len, 1, room - len - 1, p)) > 0) {
		len += n;
		if (room - len < 4096) {
			char *bigger = realloc(*out, room * 2);

			if (!bigger)
				break;
			*out = bigger;
			room *= 2;
		}
	}
	(*out)[len] = '\0';
	st = pclose(p);
	unlink(in);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int skscm(const char *script, char **out)
{
	return skscm_run(NULL, NULL, script, out);
}

/* A new, initialised partition of @type with CO_PW set; ~0U on failure. */
static inline unsigned int cm_partition(struct sks_hsm *hsm, unsigned int type,
					const char *domain)
{
	struct sks_session *s;
	unsigned int slot;

	if (sks_hsm_create_partition(hsm, type, 0, &slot))
		return ~0U;
	s = sks_session_open(slot);
	if (!s || sks_session_init_partition(s, SO_PW, domain, "cm") ||
	    sks_session_login(s, SKS_ROLE_SO, SO_PW) ||
	    sks_session_init_role(s, SKS_ROLE_CO, CO_PW)) {
		sks_session_close(s);
		sks_hsm_delete_slot(hsm, slot);
		return ~0U;
	}
	sks_session_close(s);
	return slot;
}

/* A session on @slot logged in as CO, or NULL. */
static inline struct sks_session *cm_co(unsigned int slot)
{
	struct sks_session *s = sks_session_open(slot);

	if (s && sks_session_login(s, SKS_ROLE_CO, CO_PW)) {
		sks_session_close(s);
		return NULL;
	}
	return s;
}

/* Number of archives on Backup HSM @slot, or -1. */
static inline int cm_archives(unsigned int slot)
{
	struct sks_session *b = sks_session_open(slot);
	struct sks_archives *l = b ? sks_backup_list_archives(b, BK_PW) : NULL;
	int n = l ? (int)sks_archives_get_count(l) : -1;

	sks_archives_free(l);
	sks_session_close(b);
	return n;
}

/* Number of slots of the HSM, or -1. */
static inline int cm_slots(struct sks_hsm *hsm)
{
	struct sks_slots *l = sks_hsm_list_slots(hsm);
	int n = l ? (int)sks_slots_get_count(l) : -1;

	sks_slots_free(l);
	return n;
}

/* The primary SMK fingerprint of @slot as hex into @hex (65 bytes). */
static inline int cm_smk_hex(unsigned int slot, char *hex)
{
	struct sks_session *s = sks_session_open(slot);
	struct sks_session_desc *d = s ? sks_session_get_desc(s) : NULL;
	const uint8_t *fp = d ? sks_session_desc_get_smk_fingerprint(d) : NULL;

	hex[0] = '\0';
	for (int i = 0; fp && i < SKS_FINGERPRINT_LEN; i++)
		sprintf(hex + 2 * i, "%02x", fp[i]);
	sks_session_desc_free(d);
	sks_session_close(s);
	return fp ? 0 : -1;
}

#define EXPECT_HAS(hay, needle) \
	EXPECT_NE(NULL, strstr(hay, needle)) TH_LOG("missing:\n%s\n--- in:\n%s", needle, hay)
#define EXPECT_HASNT(hay, needle) \
	EXPECT_EQ(NULL, strstr(hay, needle)) TH_LOG("unexpected:\n%s\n--- in:\n%s", needle, hay)

#endif /* SKSCM_UTIL_H */
