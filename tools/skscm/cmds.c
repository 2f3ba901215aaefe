// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - the command handlers. Each prints its messages and returns the
 * PKCS#11 result that closes the command ("Command Result : ...").
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skscm.h"
#include "table.h"

#define CKR_OK			SKS_CKR_OK
#define CKR_ARGUMENTS_BAD	SKS_CKR_ARGUMENTS_BAD

/* One paragraph of output: a blank line, then the text. */
static void para(const char *fmt, ...)
{
	va_list ap;

	putchar('\n');
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static uint32_t syntax(const char *fmt, ...)
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
static uint32_t failed(const char *fmt, ...)
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

static int confirm(struct cm_state *st, const struct cm_parsed *p)
{
	char *answer;
	int ok;

	if (cm_has(p, "force"))
		return 1;
	para("Are you sure you wish to continue?");
	answer = cm_read_line(st, "\nType 'proceed' to continue, or 'quit' to quit now ->", 0);
	ok = answer && !strcmp(answer, "proceed");
	free(answer);
	return ok;
}

static uint32_t cancelled(void)
{
	para("Command cancelled; nothing was changed.");
	return CM_CKR_CANCEL;
}

/*
 * A secret from -<opt> <value>, or prompted for without echo. NULL if none
 * was given: see no_answer().
 */
static char *secret(struct cm_state *st, const struct cm_parsed *p,
		    const char *opt, const char *prompt)
{
	const char *v = cm_get(p, opt);
	char *s;

	if (v)
		return strdup(v);
	s = cm_read_line(st, prompt, 1);
	if (!s && !st->cancelled)
		para("Error: No password was entered.");
	return s;
}

/* The result of a command whose question got no answer. */
static uint32_t no_answer(struct cm_state *st)
{
	return st->cancelled ? cancelled() : CKR_ARGUMENTS_BAD;
}

static void drop_secret(char *s)
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
static char *new_secret(struct cm_state *st, const struct cm_parsed *p,
			const char *opt, const char *prompt, const char *again,
			uint32_t *ckr)
{
	const char *given = cm_get(p, opt);
	char *s = secret(st, p, opt, prompt), *s2;
	size_t len;

	if (!s) {
		*ckr = given ? SKS_CKR_HOST_MEMORY : no_answer(st);
		return NULL;
	}
	len = strlen(s);
	if (len < SKS_PIN_MIN || len > SKS_PIN_MAX) {
		para("Error: A password must be %d to %d characters long; nothing was changed.",
		     SKS_PIN_MIN, SKS_PIN_MAX);
		drop_secret(s);
		*ckr = SKS_CKR_PIN_LEN_RANGE;
		return NULL;
	}
	if (given)
		return s;
	s2 = cm_read_line(st, again, 1);
	if (!s2) {
		if (!st->cancelled)
			para("Error: The password was not confirmed; nothing was changed.");
		drop_secret(s);
		*ckr = no_answer(st);
		return NULL;
	}
	if (strcmp(s, s2)) {
		para("Error: The two passwords do not match; nothing was changed.");
		drop_secret(s);
		drop_secret(s2);
		*ckr = CKR_ARGUMENTS_BAD;
		return NULL;
	}
	drop_secret(s2);
	return s;
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end || *out > max ? -1 : 0;
}

static int get_slot_opt(const struct cm_parsed *p, const char *opt,
			unsigned int *slot)
{
	unsigned long long v;

	if (parse_uint(cm_get(p, opt), SKS_MAX_SLOTS - 1, &v))
		return -1;
	*slot = v;
	return 0;
}

/* Why the control device could not be opened, in words. */
static uint32_t hsm_open_failed(void)
{
	int err = errno;

	return failed("Failed to open the HSM control device %s: %s%s.",
		      SKS_CONTROL_DEVICE, strerror(err),
		      err == ENOENT ? " (is the sks module loaded?)" :
		      err == EACCES || err == EPERM ?
		      " (it needs CAP_SYS_ADMIN: run skscm as root)" : "");
}

/* Why a session on @slot could not be opened, in words. */
static uint32_t slot_open_failed(unsigned int slot)
{
	int err = errno;

	if (err == ENOENT || err == ENXIO || err == ENODEV)
		return failed("Slot %u does not exist.", slot);
	return failed("Failed to open a session on slot %u (" SKS_SLOT_DEVICE_FMT "): %s%s.",
		      slot, slot, strerror(err),
		      err == EACCES ? " (slot devices belong to the group sks)" : "");
}

/* The session kept open on @slot (opened on first use). */
static struct sks_session *session_on(struct cm_state *st, unsigned int slot)
{
	if (slot >= SKS_MAX_SLOTS) {
		errno = EINVAL;
		return NULL;
	}
	if (!st->sess[slot])
		st->sess[slot] = sks_session_open(slot);
	return st->sess[slot];
}

static void session_drop(struct cm_state *st, unsigned int slot)
{
	if (slot < SKS_MAX_SLOTS) {
		sks_session_close(st->sess[slot]);
		st->sess[slot] = NULL;
	}
}

/* Forget the image file attached to Backup HSM @slot, if any. */
static void image_detach(struct cm_state *st, unsigned int slot)
{
	if (slot >= SKS_MAX_SLOTS)
		return;
	free(st->image[slot]);
	st->image[slot] = NULL;
	drop_secret(st->image_secret[slot]);
	st->image_secret[slot] = NULL;
}

static struct sks_session *current(struct cm_state *st, uint32_t *ckr)
{
	struct sks_session *s;

	if (!st->have_slot) {
		para("Error: No current slot. Use 'slot set -slot <n>'.");
		*ckr = SKS_CKR_TOKEN_NOT_PRESENT;
		return NULL;
	}
	s = session_on(st, st->slot);
	if (!s)
		*ckr = slot_open_failed(st->slot);
	return s;
}

static int parse_role(const char *name, uint32_t *role)
{
	static const struct { const char *name; uint32_t role; } roles[] = {
		{ "so", SKS_ROLE_SO }, { "po", SKS_ROLE_SO },
		{ "partition so", SKS_ROLE_SO },
		{ "co", SKS_ROLE_CO }, { "crypto officer", SKS_ROLE_CO },
		{ "cu", SKS_ROLE_CU }, { "crypto user", SKS_ROLE_CU },
	};

	for (size_t i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcasecmp(name, roles[i].name)) {
			*role = roles[i].role;
			return 0;
		}
	return -1;
}

static void hex(const uint8_t *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int unhex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++)
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	*len = n / 2;
	return 0;
}

/*
 * Whole file into memory: NULL with errno set (EISDIR for a directory,
 * EFBIG for more than @max bytes) if it cannot be read.
 */
static uint8_t *read_file(const char *path, size_t max, size_t *len)
{
	uint8_t *buf = NULL;
	struct stat sb;
	size_t n = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb))
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* One byte more than allowed: a larger file is refused. */
	buf = malloc(max + 1);
	if (!buf)
		goto fail;
	while (n <= max) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += r;
	}
	if (n > max) {
		errno = EFBIG;
		goto fail;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return NULL;
}

/* "Error: Cannot read <path>: <why>." for read_file()'s errno @err. */
static uint32_t read_error(const char *path, int err, size_t max)
{
	if (err == EFBIG)
		para("Error: Cannot read %s: it is larger than %zu bytes.", path,
		     max);
	else
		para("Error: Cannot read %s: %s.", path, strerror(err));
	return CKR_ARGUMENTS_BAD;
}

/*
 * Whether @path can be created or replaced: not a directory, in a directory
 * that exists and can be written. 0, or -1 with errno set. Checked before
 * an operation whose result would otherwise be lost.
 */
static int check_writable(const char *path)
{
	char *copy, *dir;
	struct stat sb;
	int ret = 0;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	copy = strdup(path);
	if (!copy)
		return -1;
	dir = dirname(copy);
	if (stat(dir, &sb))
		ret = -1;
	else if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		ret = -1;
	} else if (access(dir, W_OK)) {
		ret = -1;
	}
	free(copy);
	return ret;
}

/* "Error: Cannot write <path>: <why>." */
static uint32_t write_error(const char *path, int err)
{
	para("Error: Cannot write %s: %s.", path, strerror(err));
	return SKS_CKR_GENERAL_ERROR;
}

/* Write a file atomically: temporary file, fsync, rename. */
static int write_file(const char *path, const void *data, size_t len,
		      const struct sks_blob_set *set)
{
	char tmp[4096];
	int fd, err;

	if (check_writable(path))
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (set) {
		if (sks_blob_set_write_fd(set, fd))
			goto fail;
	} else {
		const uint8_t *p = data;

		while (len) {
			ssize_t n = write(fd, p, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				goto fail;
			if (!n) {
				errno = EIO;
				goto fail;
			}
			p += n;
			len -= n;
		}
	}
	if (fsync(fd))
		goto fail;
	err = close(fd);
	fd = -1;
	if (err || rename(tmp, path))
		goto fail;
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = err;
	return -1;
}

/* ---- help ------------------------------------------------------------- */

static void cmd_name(const struct cm_cmd_def *c, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; c->words[i]; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 i ? " " : "", c->words[i]);
}

static uint32_t do_help(struct cm_state *st, const struct cm_parsed *p)
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
		return syntax("%s", err);
	n = cm_lookup(cm_commands, cm_ncommands, toks, nt, found, 64, err,
		      sizeof(err));
	cm_tokens_free(toks, nt);
	if (n < 0)
		return syntax("%s", err);
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

/* ---- hsm and slots ------------------------------------------------------ */

static uint32_t do_hsm_show(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_slots *list;
	char fw[SKS_FW_VERSION_LEN];
	uint64_t serial;

	(void)st; (void)p;
	if (!hsm)
		return hsm_open_failed();
	if (sks_hsm_get_serial(hsm, &serial) ||
	    sks_hsm_get_firmware(hsm, fw, sizeof(fw)) ||
	    !(list = sks_hsm_list_slots(hsm))) {
		uint32_t ckr = failed("Failed to read the HSM information.");

		sks_hsm_close(hsm);
		return ckr;
	}
	printf("\n\tHSM Serial Number ->\t%" PRIu64 "\n", serial);
	printf("\tFirmware Version ->\t%s\n", fw);
	printf("\tSlots ->\t\t%zu\n", sks_slots_get_count(list));
	sks_slots_free(list);
	sks_hsm_close(hsm);
	return CKR_OK;
}

static void print_state(uint32_t state)
{
	printf("\tState ->\t\t%s%s%s%s%s%s%s%s\n",
	       state & SKS_STATE_INITIALIZED ? "initialized" : "not initialized",
	       state & SKS_STATE_ZEROIZED ? ", zeroized" : "",
	       state & SKS_STATE_CO_SET ? ", CO set" : "",
	       state & SKS_STATE_CU_SET ? ", CU set" : "",
	       state & SKS_STATE_CO_LOCKED ? ", CO locked" : "",
	       state & SKS_STATE_CU_LOCKED ? ", CU locked" : "",
	       state & SKS_STATE_SO_LOCKED ? ", HSM SO locked out" : "",
	       state & SKS_STATE_SMK_ROLLOVER ? ", SMK rollover" : "");
}

static uint32_t do_slot_list(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_slots *list;
	size_t n;

	(void)p;
	if (!hsm)
		return hsm_open_failed();
	list = sks_hsm_list_slots(hsm);
	sks_hsm_close(hsm);
	if (!list)
		return failed("Failed to list the slots.");
	n = sks_slots_get_count(list);
	for (size_t i = 0; i < n; i++) {
		const struct sks_slot_info *s = sks_slots_get_slot(list, i);
		unsigned int num = sks_slot_info_get_number(s);

		printf("\n\tSlot Id ->\t\t%u%s\n", num,
		       st->have_slot && st->slot == num ? " (current)" : "");
		printf("\tLabel ->\t\t%s\n", sks_slot_info_get_label(s));
		printf("\tSerial Number ->\t%" PRIu64 "\n",
		       sks_slot_info_get_serial(s));
		printf("\tFirmware Version ->\t%s\n",
		       sks_slot_info_get_firmware(s));
		printf("\tConfiguration ->\t%s\n",
		       sks_slot_type_name(sks_slot_info_get_type(s)));
		if (sks_slot_info_get_type(s) != SKS_SLOT_BACKUP)
			print_state(sks_slot_info_get_state(s));
		else if (num < SKS_MAX_SLOTS && st->image[num])
			printf("\tImage File ->\t\t%s\n", st->image[num]);
	}
	if (!n)
		para("No slots. Create one with 'partition create' or 'backuphsm create'.");
	sks_slots_free(list);
	return CKR_OK;
}

static uint32_t do_slot_set(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_session *s;
	unsigned int slot;

	if (get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot needs a slot number (0..%d).",
			      SKS_MAX_SLOTS - 1);
	s = session_on(st, slot);
	if (!s)
		return slot_open_failed(slot);
	st->slot = slot;
	st->have_slot = 1;
	return CKR_OK;
}

/* ---- roles ------------------------------------------------------------ */

/* "co" or "cu", as 'role init -name' takes it. */
static const char *role_opt(uint32_t role)
{
	return role == SKS_ROLE_CU ? "cu" : "co";
}

static const char *plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}

/*
 * After a partition refused a secret of @role (@ckr): what it means, from
 * the slot's counters and state (the policies of <linux/sks.h>): how many
 * attempts are left, a role now locked, a partition zeroized.
 */
static void explain_role_failure(struct cm_state *st, unsigned int slot,
				 uint32_t role, uint32_t ckr)
{
	struct sks_session *s = session_on(st, slot);
	struct sks_session_desc *d = s ? sks_session_get_desc(s) : NULL;
	const char *name = sks_role_name(role);
	uint32_t state = d ? sks_session_desc_get_state(d) : 0;
	unsigned int n;

	if (ckr == SKS_CKR_PIN_LEN_RANGE) {
		para("A password is %d to %d characters long.", SKS_PIN_MIN,
		     SKS_PIN_MAX);
	} else if (state & SKS_STATE_ZEROIZED) {
		para("The partition on slot %u was zeroized after %d failed partition SO logins:\n"
		     "its SMKs, objects and roles are gone. 'partition init' initializes it again.",
		     slot, SKS_MAX_SO_FAILURES);
	} else if (!d) {
		/* Nothing more to say. */
	} else if (ckr == SKS_CKR_PIN_LOCKED ||
		   (ckr == SKS_CKR_PIN_INCORRECT && role != SKS_ROLE_SO &&
		    (state & (role == SKS_ROLE_CU ? SKS_STATE_CU_LOCKED :
			      SKS_STATE_CO_LOCKED)))) {
		para("The %s is locked after %d failed logins.\n"
		     "The partition SO unlocks it with 'role init -name %s'.",
		     name, SKS_MAX_LOGIN_FAILURES, role_opt(role));
	} else if (ckr == SKS_CKR_PIN_INCORRECT && role == SKS_ROLE_SO) {
		n = sks_session_desc_get_so_failures(d);
		para("Failed partition SO logins: %u of %d. At %d the partition is zeroized:\n"
		     "its SMKs, objects and roles are destroyed.",
		     n, SKS_MAX_SO_FAILURES, SKS_MAX_SO_FAILURES);
	} else if (ckr == SKS_CKR_PIN_INCORRECT) {
		n = role == SKS_ROLE_CU ? sks_session_desc_get_cu_failures(d) :
		    sks_session_desc_get_co_failures(d);
		para("Failed %s logins: %u of %d. At %d the role is locked until the partition SO\n"
		     "initializes it again.", name, n, SKS_MAX_LOGIN_FAILURES,
		     SKS_MAX_LOGIN_FAILURES);
	} else if (ckr == SKS_CKR_USER_PIN_NOT_INITIALIZED) {
		if (!(state & SKS_STATE_INITIALIZED))
			para("The partition on slot %u is not initialized: 'partition init' first.",
			     slot);
		else if (role != SKS_ROLE_SO)
			para("The %s has no password yet: the partition SO sets it with 'role init -name %s'.",
			     name, role_opt(role));
	}
	sks_session_desc_free(d);
}

static uint32_t do_role_login(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t role, ckr = CKR_OK;
	struct sks_session *s;
	char *pw;

	if (parse_role(cm_get(p, "name"), &role))
		return syntax("Option -name must be so, co, cu, Crypto Officer or Crypto User.");
	s = current(st, &ckr);
	if (!s)
		return ckr;
	pw = secret(st, p, "password", "\n\tEnter the password: ");
	if (!pw)
		return no_answer(st);
	if (sks_session_login(s, role, pw)) {
		ckr = failed("Login as %s failed.", sks_role_name(role));
		explain_role_failure(st, st->slot, role, ckr);
	}
	drop_secret(pw);
	return ckr;
}

static uint32_t do_role_logout(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK;
	struct sks_session *s = current(st, &ckr);

	(void)p;
	if (!s)
		return ckr;
	if (sks_session_logout(s))
		return failed("Logout failed.");
	return CKR_OK;
}

static uint32_t do_role_init(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t role, ckr = CKR_OK;
	struct sks_session *s;
	char *pw;

	if (parse_role(cm_get(p, "name"), &role) || role == SKS_ROLE_SO)
		return syntax("Option -name must be co, cu, Crypto Officer or Crypto User.");
	s = current(st, &ckr);
	if (!s)
		return ckr;
	pw = new_secret(st, p, "password", "\n\tEnter the new password: ",
			"\n\tEnter the new password again: ", &ckr);
	if (!pw)
		return ckr;
	if (sks_session_init_role(s, role, pw))
		ckr = failed("Failed to initialize the %s role.", sks_role_name(role));
	drop_secret(pw);
	return ckr;
}

static uint32_t do_role_changepw(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t role, ckr = CKR_OK;
	struct sks_session *s;
	char *old = NULL, *new = NULL;

	if (parse_role(cm_get(p, "name"), &role))
		return syntax("Option -name must be so, co, cu, Crypto Officer or Crypto User.");
	s = current(st, &ckr);
	if (!s)
		return ckr;
	old = secret(st, p, "oldpw", "\n\tEnter the current password: ");
	if (!old)
		return no_answer(st);
	new = new_secret(st, p, "newpw", "\n\tEnter the new password: ",
			 "\n\tEnter the new password again: ", &ckr);
	if (new && sks_session_change_pin(s, role, old, new)) {
		ckr = failed("Failed to change the password.");
		explain_role_failure(st, st->slot, role, ckr);
	}
	drop_secret(old);
	drop_secret(new);
	return ckr;
}

/* "3 of 10 failed logins", "locked (...)": one role's line of role show. */
static void print_role_counter(const char *label, unsigned int failures,
			       int limit, int locked, const char *locked_how)
{
	if (locked)
		printf("\t%s\tlocked after %d failed logins; %s\n", label,
		       limit, locked_how);
	else
		printf("\t%s\t%u of %d failed logins\n", label, failures,
		       limit);
}

/* The bad-attempt counters of a partition or Backup HSM (role show,
 * partition show). */
static void print_counters(const struct sks_session_desc *d)
{
	uint32_t state = sks_session_desc_get_state(d);
	unsigned int secs = sks_session_desc_get_lockout_secs(d);

	if (sks_session_desc_get_type(d) == SKS_SLOT_BACKUP) {
		printf("\tHSM SO ->\t\t%u of %d failed attempts",
		       sks_session_desc_get_so_failures(d),
		       SKS_MAX_HSM_SO_FAILURES);
		if ((state & SKS_STATE_SO_LOCKED) || secs)
			printf("; locked out for %u more second%s", secs,
			       plural(secs));
		printf("\n");
		return;
	}
	if (state & SKS_STATE_ZEROIZED) {
		printf("\tPartition SO ->\t\tzeroized after %d failed logins; 'partition init' initializes it again\n",
		       SKS_MAX_SO_FAILURES);
		return;
	}
	print_role_counter("Partition SO ->\t", sks_session_desc_get_so_failures(d),
			   SKS_MAX_SO_FAILURES, 0, NULL);
	print_role_counter("Crypto Officer ->", sks_session_desc_get_co_failures(d),
			   SKS_MAX_LOGIN_FAILURES, state & SKS_STATE_CO_LOCKED,
			   "the partition SO unlocks it with 'role init -name co'");
	print_role_counter("Crypto User ->\t", sks_session_desc_get_cu_failures(d),
			   SKS_MAX_LOGIN_FAILURES, state & SKS_STATE_CU_LOCKED,
			   "the partition SO unlocks it with 'role init -name cu'");
}

static uint32_t do_role_show(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK;
	struct sks_session *s = current(st, &ckr);
	struct sks_session_desc *d;

	(void)p;
	if (!s)
		return ckr;
	d = sks_session_get_desc(s);
	if (!d)
		return failed("Failed to read the session state.");
	if (sks_session_desc_get_role(d) == SKS_ROLE_NONE)
		para("No role is logged in on slot %u.", st->slot);
	else
		para("The '%s' is logged in on slot %u.",
		     sks_role_name(sks_session_desc_get_role(d)), st->slot);
	putchar('\n');
	print_counters(d);
	sks_session_desc_free(d);
	return CKR_OK;
}

/* ---- partitions ------------------------------------------------------- */

static uint32_t do_par_create(struct cm_state *st, const struct cm_parsed *p)
{
	const char *type = cm_get(p, "type");
	unsigned long long cap = 0;
	unsigned int t = SKS_SLOT_V1, slot;
	struct sks_hsm *hsm;
	int ret;

	(void)st;
	if (type && !strcasecmp(type, "v0"))
		t = SKS_SLOT_V0;
	else if (type && strcasecmp(type, "v1"))
		return syntax("Option -type must be v1 or v0.");
	if (cm_has(p, "capacity") &&
	    parse_uint(cm_get(p, "capacity"), UINT64_MAX, &cap))
		return syntax("Option -capacity needs a number of bytes.");
	if (cm_has(p, "slot") && get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot needs a slot number.");
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		return hsm_open_failed();
	if (cm_has(p, "slot"))
		ret = sks_hsm_create_partition_at(hsm, slot, t, cap);
	else
		ret = sks_hsm_create_partition(hsm, t, cap, &slot);
	sks_hsm_close(hsm);
	if (ret)
		return failed("Failed to create the partition.");
	para("Created %s on slot %u.", sks_slot_type_name(t), slot);
	return CKR_OK;
}

static uint32_t do_par_init(struct cm_state *st, const struct cm_parsed *p)
{
	const char *label = cm_get(p, "label"), *domain = cm_get(p, "domain");
	struct sks_session_desc *d;
	unsigned int slot = st->slot, type;
	struct sks_session *s;
	uint32_t ckr = CKR_OK;
	int reinit;
	char *pw;

	if (!label || !domain)
		return syntax("Options -label and -domain are required.");
	if (cm_has(p, "slot") && get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot needs a slot number.");
	if (!cm_has(p, "slot") && !st->have_slot) {
		para("Error: No current slot. Use 'slot set -slot <n>'.");
		return SKS_CKR_TOKEN_NOT_PRESENT;
	}
	s = session_on(st, slot);
	if (!s)
		return slot_open_failed(slot);
	d = sks_session_get_desc(s);
	if (!d)
		return failed("Failed to read slot %u.", slot);
	reinit = !!(sks_session_desc_get_state(d) & SKS_STATE_INITIALIZED);
	type = sks_session_desc_get_type(d);
	sks_session_desc_free(d);
	if (type == SKS_SLOT_BACKUP) {
		para("Error: Slot %u is a Backup HSM, not a partition.", slot);
		return SKS_CKR_FUNCTION_NOT_SUPPORTED;
	}
	if (reinit)
		para("You are about to re-initialize the partition on slot %u.\n"
		     "All contents of the partition will be destroyed: its objects, its SMKs (blobs\n"
		     "made under them will never insert again) and the Crypto Officer and Crypto\n"
		     "User passwords. The partition SO password stays as it is.", slot);
	else
		para("You are about to initialize the partition on slot %u.\nAll contents of the partition will be destroyed.",
		     slot);
	if (!confirm(st, p))
		return cancelled();
	if (reinit) {
		pw = secret(st, p, "password",
			    "\n\tEnter the current partition SO password: ");
		if (!pw)
			return no_answer(st);
	} else {
		pw = new_secret(st, p, "password",
				"\n\tEnter the partition SO password: ",
				"\n\tEnter the partition SO password again: ", &ckr);
		if (!pw)
			return ckr;
	}
	if (sks_session_init_partition(s, pw, domain, label)) {
		switch (sks_last_result()) {
		case SKS_CKR_PIN_INCORRECT:
			ckr = failed("Wrong partition SO password; the partition on slot %u was not re-initialized.",
				     slot);
			break;
		case SKS_CKR_USER_ALREADY_LOGGED_IN:
			ckr = failed("A role is logged in on the partition on slot %u (in this or another\n"
				     "session): log it out ('role logout') before re-initializing.", slot);
			break;
		default:
			ckr = failed("Failed to initialize the partition.");
		}
		explain_role_failure(st, slot, SKS_ROLE_SO, ckr);
	} else if (reinit) {
		para("The partition on slot %u was re-initialized: it is empty, with a new SMK.\n"
		     "Every session of it was logged out; the partition SO sets the Crypto Officer\n"
		     "and Crypto User passwords again with 'role init'.", slot);
	}
	drop_secret(pw);
	return ckr;
}

static uint32_t do_par_delete(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned int slot = st->slot;
	struct sks_hsm *hsm;
	int ret;

	if (cm_has(p, "slot") ? get_slot_opt(p, "slot", &slot) : !st->have_slot)
		return syntax("Give -slot <n> or set a current slot.");
	para("You are about to delete slot %u and everything in it.", slot);
	if (!confirm(st, p))
		return cancelled();
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		return hsm_open_failed();
	ret = sks_hsm_delete_slot(hsm, slot);
	sks_hsm_close(hsm);
	if (ret)
		return failed("Failed to delete slot %u.", slot);
	session_drop(st, slot);
	image_detach(st, slot);
	if (st->have_slot && st->slot == slot)
		st->have_slot = 0;
	return CKR_OK;
}

static uint32_t do_par_show(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned int slot = st->slot;
	struct sks_session_desc *d;
	struct sks_session *s;
	const uint8_t *fp;
	char h[2 * SKS_FINGERPRINT_LEN + 1];

	if (cm_has(p, "slot") ? get_slot_opt(p, "slot", &slot) : !st->have_slot)
		return syntax("Give -slot <n> or set a current slot.");
	s = session_on(st, slot);
	if (!s)
		return slot_open_failed(slot);
	d = sks_session_get_desc(s);
	if (!d)
		return failed("Failed to read slot %u.", slot);
	printf("\n\tSlot Id ->\t\t%u\n", slot);
	printf("\tLabel ->\t\t%s\n", sks_session_desc_get_label(d));
	printf("\tSerial Number ->\t%" PRIu64 "\n", sks_session_desc_get_serial(d));
	printf("\tConfiguration ->\t%s\n",
	       sks_slot_type_name(sks_session_desc_get_type(d)));
	print_state(sks_session_desc_get_state(d));
	printf("\tLogged in ->\t\t%s\n",
	       sks_role_name(sks_session_desc_get_role(d)));
	print_counters(d);
	printf("\tStorage (used/total) ->\t%" PRIu64 "/%" PRIu64 " bytes\n",
	       sks_session_desc_get_used(d), sks_session_desc_get_capacity(d));
	fp = sks_session_desc_get_smk_fingerprint(d);
	if (fp) {
		hex(fp, SKS_FINGERPRINT_LEN, h);
		printf("\tSMK Fingerprint ->\t%s\n", h);
	}
	fp = sks_session_desc_get_rollover_fingerprint(d);
	if (fp) {
		hex(fp, SKS_FINGERPRINT_LEN, h);
		printf("\tRollover SMK ->\t\t%s\n", h);
	}
	sks_session_desc_free(d);
	return CKR_OK;
}

static const char *key_type_name(const struct sks_attrs *a)
{
	if (sks_attrs_get_class(a) == SKS_CKO_DATA)
		return "Data";
	switch (sks_attrs_get_key_type(a)) {
	case SKS_CKK_AES:
		return "Symmetric Key (AES)";
	case SKS_CKK_GENERIC_SECRET:
		return "Symmetric Key (Generic Secret)";
	default:
		return "Unknown";
	}
}

static void print_object(struct sks_session *s, uint32_t h)
{
	struct sks_attrs *a = sks_object_get_attrs(s, h);
	uint32_t f;

	if (!a) {
		printf("\tHandle:\t\t%u (unreadable: %s)\n", h,
		       sks_result_name(sks_last_result()));
		return;
	}
	f = sks_attrs_get_flags(a);
	printf("\tLabel:\t\t%s\n", sks_attrs_get_label(a));
	printf("\tHandle:\t\t%u\n", h);
	printf("\tObject Type:\t%s, %u bytes\n", key_type_name(a),
	       sks_attrs_get_value_len(a));
	printf("\tAccess:\t\t%s\n", f & SKS_OBJ_PRIVATE ?
	       "private (Crypto Officer and Crypto User)" : "public");
	printf("\tUsage:\t\t%s%s%s%s%s%s\n",
	       f & SKS_OBJ_ENCRYPT ? "encrypt " : "",
	       f & SKS_OBJ_DECRYPT ? "decrypt " : "",
	       f & SKS_OBJ_SIGN ? "sign " : "", f & SKS_OBJ_VERIFY ? "verify " : "",
	       f & SKS_OBJ_EXTRACTABLE ? "extractable " : "",
	       f & SKS_OBJ_TOKEN ? "token" : "");
	if (sks_attrs_get_usage_limit(a))
		printf("\tUsage Limit:\t%" PRIu64 " (used %" PRIu64 ")\n",
		       sks_attrs_get_usage_limit(a), sks_attrs_get_usage_count(a));
	printf("\n");
	sks_attrs_free(a);
}

static uint32_t do_contents(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, *h;
	struct sks_session *s = current(st, &ckr);
	struct sks_session_desc *d;
	size_t n;

	(void)p;
	if (!s)
		return ckr;
	d = sks_session_get_desc(s);
	if (!d)
		return failed("Failed to read the session state.");
	if (sks_session_desc_get_role(d) != SKS_ROLE_NONE)
		para("\tThe '%s' is currently logged in. Looking for objects accessible to the '%s'.",
		     sks_role_name(sks_session_desc_get_role(d)),
		     sks_role_name(sks_session_desc_get_role(d)));
	else
		para("\tThe 'Crypto Officer' is not logged in. If you are expecting to see private\n"
		     "\tobjects then please log in first.");
	sks_session_desc_free(d);
	h = sks_object_find(s, NULL, 0, &n);
	if (!h)
		return failed("Failed to list the objects.");
	printf("\n\tObject list:\n");
	for (size_t i = 0; i < n; i++)
		print_object(s, h[i]);
	printf("\tNumber of objects:  %zu\n", n);
	free(h);
	return CKR_OK;
}

/* Whether an SMK rollover runs on @s's partition (if that can be read). */
static int rollover_running(struct sks_session *s)
{
	struct sks_session_desc *d = sks_session_get_desc(s);
	int running = !d || (sks_session_desc_get_state(d) & SKS_STATE_SMK_ROLLOVER);

	sks_session_desc_free(d);
	return running;
}

static uint32_t do_rollover(struct cm_state *st, const struct cm_parsed *p)
{
	int start = cm_has(p, "start"), end = cm_has(p, "end");
	uint32_t ckr = CKR_OK;
	struct sks_session *s;

	if (start == end)
		return syntax("Give exactly one of -start and -end.");
	s = current(st, &ckr);
	if (!s)
		return ckr;
	if (end && rollover_running(s)) {
		para("You are about to end the SMK rollover on slot %u.\n"
		     "The old (rollover) SMK will be destroyed: SKS blobs still under it will never\n"
		     "insert again, on this partition or any other. Insert them and extract them\n"
		     "again under the new SMK first ('sks identify' tells which SMK a blob needs).",
		     st->slot);
		if (!confirm(st, p))
			return cancelled();
	}
	if (sks_session_smk_rollover(s, start ? SKS_ROLLOVER_START :
				     SKS_ROLLOVER_END)) {
		switch (sks_last_result()) {
		case SKS_CKR_OPERATION_ACTIVE:
			return failed("An SMK rollover is already running on slot %u; end it with\n"
				      "'partition smkrollover -end' before starting another.",
				      st->slot);
		case SKS_CKR_OPERATION_NOT_INITIALIZED:
			return failed("No SMK rollover is running on slot %u: there is no old SMK to destroy.",
				      st->slot);
		default:
			return failed("Failed to %s the SMK rollover.",
				      start ? "start" : "end");
		}
	}
	para(start ? "SMK rollover started: new blobs use the new SMK; blobs under the old SMK still insert." :
		     "SMK rollover ended: the old SMK was destroyed.");
	return CKR_OK;
}

/* ---- archives ------------------------------------------------------------ */

/* The current slot's type and role, for the archive commands. */
static int archive_source(struct cm_state *st, unsigned int *type,
			  uint32_t *role, uint32_t *ckr)
{
	struct sks_session *s = current(st, ckr);
	struct sks_session_desc *d;

	if (!s)
		return -1;
	d = sks_session_get_desc(s);
	if (!d) {
		*ckr = failed("Failed to read the current slot.");
		return -1;
	}
	*type = sks_session_desc_get_type(d);
	*role = sks_session_desc_get_role(d);
	sks_session_desc_free(d);
	return 0;
}

/*
 * Why a libsks call failed, in words: the file system's reason for a file
 * that could not be read or written (CKR_DEVICE_ERROR, errno @err), else
 * the result code's.
 */
static const char *cause(uint32_t ckr, int err)
{
	if (ckr == SKS_CKR_DEVICE_ERROR || ckr == SKS_CKR_GENERAL_ERROR)
		return strerror(err);
	return sks_strerror(ckr);
}

/*
 * After a Backup HSM refused its HSM SO secret (@ckr): the attempts left,
 * or the lockout now running (nothing is ever erased).
 */
static void explain_hsm_so_failure(struct cm_state *st, unsigned int slot,
				   uint32_t ckr)
{
	struct sks_session_desc *d;
	struct sks_session *b;
	unsigned int n, secs;

	if (ckr == SKS_CKR_PIN_LEN_RANGE)
		para("A password is %d to %d characters long.", SKS_PIN_MIN,
		     SKS_PIN_MAX);
	if (ckr != SKS_CKR_PIN_INCORRECT && ckr != SKS_CKR_PIN_LOCKED)
		return;
	b = session_on(st, slot);
	d = b ? sks_session_get_desc(b) : NULL;
	if (!d)
		return;
	n = sks_session_desc_get_so_failures(d);
	secs = sks_session_desc_get_lockout_secs(d);
	if (ckr == SKS_CKR_PIN_LOCKED ||
	    (sks_session_desc_get_state(d) & SKS_STATE_SO_LOCKED))
		para("The HSM SO of the Backup HSM on slot %u is locked out for %u more second%s\n"
		     "after %d failed attempts; every failure after a lockout doubles the next one.\n"
		     "Nothing was erased: the archives are intact.", slot, secs,
		     plural(secs), SKS_MAX_HSM_SO_FAILURES);
	else
		para("Failed HSM SO attempts on slot %u: %u of %d. At %d the HSM SO is locked out\n"
		     "for a while, longer after each further failure; nothing is ever erased.",
		     slot, n, SKS_MAX_HSM_SO_FAILURES, SKS_MAX_HSM_SO_FAILURES);
	sks_session_desc_free(d);
}

/* After an archive refused its user secret (@ckr). */
static void explain_archive_user_failure(const char *name, uint32_t ckr)
{
	if (ckr == SKS_CKR_PIN_LEN_RANGE)
		para("A password is %d to %d characters long.", SKS_PIN_MIN,
		     SKS_PIN_MAX);
	else if (ckr == SKS_CKR_PIN_INCORRECT)
		para("Wrong password of the archive's user. After %d wrong passwords in a row the\n"
		     "archive %s is locked out for a while; nothing is ever erased.",
		     SKS_MAX_LOGIN_FAILURES, name);
	else if (ckr == SKS_CKR_PIN_LOCKED)
		para("The user of the archive %s is locked out after %d wrong passwords;\n"
		     "'partition archive show' gives the seconds left. Nothing was erased.",
		     name, SKS_MAX_LOGIN_FAILURES);
}

/* The HSM SO failures of Backup HSM @slot now, or 0. */
static unsigned int hsm_so_failures(struct cm_state *st, unsigned int slot)
{
	struct sks_session *b = session_on(st, slot);
	struct sks_session_desc *d = b ? sks_session_get_desc(b) : NULL;
	unsigned int n = 0;

	if (d) {
		n = sks_session_desc_get_so_failures(d);
		if (sks_session_desc_get_state(d) & SKS_STATE_SO_LOCKED)
			n = ~0U;
	}
	sks_session_desc_free(d);
	return n;
}

/* Save Backup HSM @slot to its attached image file, if it has one. */
static uint32_t image_autosave(struct cm_state *st, unsigned int slot)
{
	struct sks_session *b;
	uint32_t ckr;
	int err;

	if (slot >= SKS_MAX_SLOTS || !st->image[slot])
		return CKR_OK;
	b = session_on(st, slot);
	if (!b || sks_backup_save_image_file(b, st->image_secret[slot],
					     st->image[slot])) {
		err = errno;
		ckr = failed("Failed to save the Backup HSM on slot %u to %s: %s.",
			     slot, st->image[slot], cause(sks_last_result(), err));
		explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	para("Saved the Backup HSM on slot %u to %s.", slot, st->image[slot]);
	return CKR_OK;
}

static uint32_t backup_hsm_check(struct cm_state *st, unsigned int slot)
{
	struct sks_session *b = session_on(st, slot);
	struct sks_session_desc *d;
	unsigned int type;

	if (!b)
		return slot_open_failed(slot);
	d = sks_session_get_desc(b);
	if (!d)
		return failed("Failed to read slot %u.", slot);
	type = sks_session_desc_get_type(d);
	sks_session_desc_free(d);
	if (type != SKS_SLOT_BACKUP) {
		para("Error: Slot %u is not a Backup HSM.", slot);
		return SKS_CKR_ARGUMENTS_BAD;
	}
	return CKR_OK;
}

/* "1,2,3" into a new array; -1 on a malformed list. */
static int parse_handles(const char *s, uint32_t **out, size_t *n);

static uint32_t do_arch_backup(struct cm_state *st, const struct cm_parsed *p)
{
	char name[SKS_ARCHIVE_NAME_MAX + 1], *so = NULL, *user = NULL;
	const char *target = cm_get(p, "partition"), *objs = cm_get(p, "objects");
	int append = cm_has(p, "append"), replace = cm_has(p, "replace");
	uint32_t role, ckr = CKR_OK, objects = 0, *h = NULL;
	unsigned int type, slot, so_before;
	size_t nh = 0;
	int v1;

	if (get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot <backup hsm slot> is required.");
	if (append && replace)
		return syntax("Options -append and -replace exclude each other.");
	if (cm_has(p, "objects") && (!objs || parse_handles(objs, &h, &nh)))
		return syntax("Option -objects needs a comma separated list of handles.");
	if (archive_source(st, &type, &role, &ckr))
		goto out;
	v1 = type == SKS_SLOT_V1;
	if (v1)
		para("You are backing up a SKS partition.\nOnly the SKS master key (SMK) will be backed up.\nNo other objects will be cloned.");
	else if (nh)
		para("You are backing up a partition.\nThe %zu object(s) listed will be cloned.", nh);
	else
		para("You are backing up a partition.\nAll token objects will be cloned.");
	if (!confirm(st, p)) {
		ckr = cancelled();
		goto out;
	}
	if (v1 && (cm_has(p, "partition") || cm_has(p, "objects") || append ||
		   replace)) {
		para("Syntax Error: Option -%s cannot be used for SKS operation.",
		     cm_has(p, "partition") ? "partition" :
		     cm_has(p, "objects") ? "objects" :
		     append ? "append" : "replace");
		ckr = CM_SYNTAX_NO_ERROR;
		goto out;
	}
	if (!v1 && !target) {
		ckr = syntax("Option -partition <archive name> is required for a cloning backup.");
		goto out;
	}
	if (role != SKS_ROLE_CO) {
		para("Error: Failed to open session.");
		ckr = SKS_CKR_SESSION_CLOSED;
		goto out;
	}
	ckr = backup_hsm_check(st, slot);
	if (ckr)
		goto out;
	para("Logging in as the SO on slot %u.", slot);
	so = secret(st, p, "password", "\n\tEnter the Backup HSM SO password: ");
	if (!so) {
		ckr = no_answer(st);
		goto out;
	}
	/* Appending: the archive's password; else a new one, asked twice. */
	if (append) {
		user = secret(st, p, "userpassword",
			      "\n\tEnter the password of the archive's user: ");
		if (!user)
			ckr = no_answer(st);
	} else {
		user = new_secret(st, p, "userpassword",
				  "\n\tEnter the password of the archive's user: ",
				  "\n\tEnter the password of the archive's user again: ",
				  &ckr);
	}
	if (!user)
		goto out;
	so_before = hsm_so_failures(st, slot);
	if (sks_session_backup_objects(st->sess[st->slot], slot, so, user,
				       v1 ? NULL : target,
				       append ? SKS_BACKUP_APPEND :
				       replace ? SKS_BACKUP_REPLACE : 0,
				       h, nh, name, sizeof(name), &objects)) {
		ckr = failed("The backup failed; nothing was %s on slot %u.",
			     append || replace ? "changed" : "created", slot);
		/* Whose secret was refused: the HSM SO's counts on the
		 * Backup HSM, an archive's on the archive. */
		if (ckr == SKS_CKR_PIN_LOCKED || ckr == SKS_CKR_PIN_INCORRECT) {
			if (hsm_so_failures(st, slot) != so_before ||
			    so_before == ~0U || !append)
				explain_hsm_so_failure(st, slot, ckr);
			else
				explain_archive_user_failure(target, ckr);
		} else if (ckr == SKS_CKR_PIN_LEN_RANGE) {
			explain_hsm_so_failure(st, slot, ckr);
		}
		goto out;
	}
	if (append) {
		para("Logging into the container %s on slot %u as the user.", name, slot);
		para("Appending to the partition %s on slot %u.", name, slot);
	} else {
		para("%s partition %s on slot %u.", replace ? "Replacing" : "Creating",
		     name, slot);
		para("Logging into the container %s on slot %u as the user.", name, slot);
		para("Creating Domain for the partition %s on slot %u.", name, slot);
	}
	if (v1)
		para("The SMK was cloned successfully.");
	else
		para("The objects were cloned successfully (%u in the archive).",
		     objects);
	ckr = image_autosave(st, slot);
out:
	free(h);
	drop_secret(so);
	drop_secret(user);
	return ckr;
}

static uint32_t do_arch_restore(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "partition");
	uint32_t role, ckr = CKR_OK, status = 0, objects = 0;
	unsigned int type, slot;
	char *user;
	int v1;

	if (get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot <backup hsm slot> is required.");
	if (!name)
		return syntax("Option -partition <archive partition> is required.");
	if (archive_source(st, &type, &role, &ckr))
		return ckr;
	v1 = type == SKS_SLOT_V1;
	if (v1)
		para("You are restoring an SKS partition.\nOnly the SKS master key (SMK) will be restored.\nCAUTION: The existing SMK will be overwritten.\n");
	else
		para("You are restoring a partition.\nThe objects of the archive will be cloned into it.");
	if (!confirm(st, p))
		return cancelled();
	if (role != SKS_ROLE_CO) {
		para("Error: Failed to open session.");
		return SKS_CKR_SESSION_CLOSED;
	}
	ckr = backup_hsm_check(st, slot);
	if (ckr)
		return ckr;
	para("Logging in to partition %s on slot %u as the user.", name, slot);
	user = secret(st, p, "password", "\n\tEnter the password of the archive's user: ");
	if (!user)
		return no_answer(st);
	if (sks_session_restore(st->sess[st->slot], slot, user, name, &status,
				&objects)) {
		ckr = failed("The restore failed; nothing was changed.");
		explain_archive_user_failure(name, ckr);
	} else {
		if (status & SKS_RESTORE_WARN_OBJECTS)
			para("WARNING: Crypto object(s) detected in the backup device container.\nDedicated backup container for SKS Master key is recommended.");
		if (v1)
			para("The SMK was cloned successfully.");
		else
			para("%u object(s) were cloned successfully.", objects);
	}
	drop_secret(user);
	return ckr;
}

static uint32_t do_bhsm_create(struct cm_state *st, const struct cm_parsed *p)
{
	const char *fw = cm_get(p, "firmware");
	struct sks_hsm *hsm;
	unsigned int slot;
	uint32_t ckr = CKR_OK;
	char *pw;

	if (cm_has(p, "slot") && get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot needs a slot number.");
	pw = new_secret(st, p, "password", "\n\tEnter the new Backup HSM SO password: ",
			"\n\tEnter the new Backup HSM SO password again: ", &ckr);
	if (!pw)
		return ckr;
	hsm = sks_hsm_open(NULL);
	if (!hsm)
		ckr = hsm_open_failed();
	else if (cm_has(p, "slot") ? sks_hsm_create_backup_at(hsm, slot, fw, pw) :
		 sks_hsm_create_backup(hsm, fw, pw, &slot))
		ckr = failed("Failed to create the Backup HSM.");
	else
		para("Created Backup HSM (firmware %s) on slot %u.",
		     fw ? fw : "7.7.1", slot);
	sks_hsm_close(hsm);
	drop_secret(pw);
	return ckr;
}

/* ---- Backup HSM archives and images ---------------------------------- */

static void print_archive(const struct sks_archive_info *a)
{
	char h[2 * SKS_FINGERPRINT_LEN + 1], when[64];
	time_t t = (time_t)sks_archive_info_get_created(a);
	const uint8_t *fp = sks_archive_info_get_smk_fingerprint(a);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)t);
	printf("\n\tPartition Name ->\t%s\n", sks_archive_info_get_name(a));
	printf("\tKind ->\t\t\t%s\n",
	       sks_archive_info_get_kind(a) == SKS_ARCHIVE_SKS ?
	       "SKS archive (SMK)" : "cloning archive (objects)");
	printf("\tSource Serial ->\t%" PRIu64 "\n",
	       sks_archive_info_get_source_serial(a));
	printf("\tCreated ->\t\t%s\n", when);
	printf("\tObjects ->\t\t%u\n", sks_archive_info_get_objects(a));
	printf("\tSize ->\t\t\t%" PRIu64 " bytes\n", sks_archive_info_get_size(a));
	hex(sks_archive_info_get_domain_id(a), SKS_DOMAIN_ID_LEN, h);
	printf("\tDomain Id ->\t\t%s\n", h);
	if (fp) {
		hex(fp, SKS_FINGERPRINT_LEN, h);
		printf("\tSMK Fingerprint ->\t%s\n", h);
	}
	printf("\tUser Failures ->\t%u of %d failed passwords\n",
	       sks_archive_info_get_failures(a), SKS_MAX_LOGIN_FAILURES);
	if (sks_archive_info_get_lockout_secs(a))
		printf("\tUser Locked Out ->\t%u more second%s\n",
		       sks_archive_info_get_lockout_secs(a),
		       plural(sks_archive_info_get_lockout_secs(a)));
}

/* Check -slot is a Backup HSM, and get its SO password. */
static struct sks_session *backup_hsm_login(struct cm_state *st,
					    const struct cm_parsed *p,
					    unsigned int *slot, char **so,
					    uint32_t *ckr)
{
	if (get_slot_opt(p, "slot", slot)) {
		*ckr = syntax("Option -slot <backup hsm slot> is required.");
		return NULL;
	}
	*ckr = backup_hsm_check(st, *slot);
	if (*ckr)
		return NULL;
	para("Logging in as the SO on slot %u.", *slot);
	*so = secret(st, p, "password", "\n\tEnter the Backup HSM SO password: ");
	if (!*so) {
		*ckr = no_answer(st);
		return NULL;
	}
	return st->sess[*slot];
}

static uint32_t do_arch_list(struct cm_state *st, const struct cm_parsed *p)
{
	struct sks_archives *list;
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;
	size_t n;

	b = backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	list = sks_backup_list_archives(b, so);
	drop_secret(so);
	if (!list) {
		ckr = failed("Failed to list the archive partitions on slot %u.", slot);
		explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	n = sks_archives_get_count(list);
	for (size_t i = 0; i < n; i++)
		print_archive(sks_archives_get_archive(list, i));
	para("\tNumber of archive partitions on slot %u:  %zu", slot, n);
	sks_archives_free(list);
	return CKR_OK;
}

static uint32_t do_arch_show(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "partition");
	struct sks_archive_info *a;
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;

	if (!name)
		return syntax("Option -partition <archive partition> is required.");
	b = backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	a = sks_backup_get_archive_info(b, so, name);
	drop_secret(so);
	if (!a) {
		ckr = failed("Failed to read the archive partition %s on slot %u.",
			     name, slot);
		explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	print_archive(a);
	sks_archive_info_free(a);
	return CKR_OK;
}

static uint32_t do_arch_delete(struct cm_state *st, const struct cm_parsed *p)
{
	const char *name = cm_get(p, "partition");
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;

	if (!name)
		return syntax("Option -partition <archive partition> is required.");
	if (get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot <backup hsm slot> is required.");
	para("You are about to delete the archive partition %s on slot %u.\nIts SMK and objects will be destroyed.",
	     name, slot);
	if (!confirm(st, p))
		return cancelled();
	b = backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	if (sks_backup_delete_archive(b, so, name)) {
		ckr = failed("Failed to delete the archive partition %s on slot %u.",
			     name, slot);
		explain_hsm_so_failure(st, slot, ckr);
	}
	drop_secret(so);
	if (ckr)
		return ckr;
	para("Deleted the archive partition %s on slot %u.", name, slot);
	return image_autosave(st, slot);
}

static uint32_t do_image_save(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	struct sks_session *b;
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;
	void *image;
	size_t len;

	if (!file)
		return syntax("Option -file <image file> is required.");
	/* Say what is wrong with the file before asking for the password. */
	if (check_writable(file))
		return write_error(file, errno);
	b = backup_hsm_login(st, p, &slot, &so, &ckr);
	if (!b)
		return ckr;
	image = sks_backup_save_image(b, so, &len);
	drop_secret(so);
	if (!image) {
		ckr = failed("Failed to seal the Backup HSM on slot %u.", slot);
		explain_hsm_so_failure(st, slot, ckr);
		return ckr;
	}
	if (sks_image_write_file(file, image, len))
		ckr = failed("Cannot write %s: %s; it was left as it was.", file,
			     strerror(errno));
	else
		para("Saved the Backup HSM on slot %u to %s (%zu bytes).", slot,
		     file, len);
	free(image);
	return ckr;
}

/* Attach @file to Backup HSM @slot under @so (taken over), saving it now. */
static uint32_t image_attach(struct cm_state *st, unsigned int slot,
			     const char *file, char *so)
{
	char *f = strdup(file);
	uint32_t ckr;

	if (!f) {
		drop_secret(so);
		para("Error: Out of memory.");
		return SKS_CKR_HOST_MEMORY;
	}
	image_detach(st, slot);
	st->image[slot] = f;
	st->image_secret[slot] = so;
	ckr = image_autosave(st, slot);
	if (ckr) {
		image_detach(st, slot);
		return ckr;
	}
	para("The image file %s is attached to slot %u: it is saved after every change.",
	     file, slot);
	return CKR_OK;
}

static uint32_t do_image_load(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	struct sks_hsm *hsm;
	unsigned int slot;
	uint64_t serial;
	uint8_t *image;
	uint32_t ckr;
	size_t len;
	char *so;
	int ret;

	if (!file)
		return syntax("Option -file <image file> is required.");
	/* The file first: a missing one is not worth a password. */
	image = read_file(file, SKS_IMAGE_MAX_SIZE, &len);
	if (!image) {
		if (errno == EFBIG)
			para("Error: %s is larger than a Backup HSM image can be (%u bytes); nothing was loaded.",
			     file, SKS_IMAGE_MAX_SIZE);
		else
			para("Error: Cannot read %s: %s; nothing was loaded.",
			     file, strerror(errno));
		return errno == EFBIG ? SKS_CKR_DATA_LEN_RANGE : CKR_ARGUMENTS_BAD;
	}
	so = secret(st, p, "password", "\n\tEnter the Backup HSM SO password: ");
	if (!so) {
		free(image);
		return no_answer(st);
	}
	hsm = sks_hsm_open(NULL);
	if (!hsm) {
		drop_secret(so);
		free(image);
		return hsm_open_failed();
	}
	ret = sks_hsm_load_image(hsm, image, len, so, &slot, &serial);
	sks_hsm_close(hsm);
	free(image);
	if (ret) {
		drop_secret(so);
		switch (sks_last_result()) {
		case SKS_CKR_PIN_INCORRECT:
			return failed("Wrong Backup HSM SO password for %s; nothing was loaded.",
				      file);
		case SKS_CKR_DATA_INVALID:
			return failed("%s is not an intact Backup HSM image; nothing was loaded.",
				      file);
		case SKS_CKR_PIN_LEN_RANGE:
			ckr = failed("Cannot load %s; nothing was loaded.", file);
			explain_hsm_so_failure(st, 0, ckr);
			return ckr;
		default:
			return failed("Cannot load %s: %s; nothing was loaded.",
				      file, sks_strerror(sks_last_result()));
		}
	}
	para("Loaded the Backup HSM %" PRIu64 " from %s on slot %u.", serial,
	     file, slot);
	if (!cm_has(p, "attach")) {
		drop_secret(so);
		return CKR_OK;
	}
	return image_attach(st, slot, file, so);
}

static uint32_t do_bhsm_attach(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	uint32_t ckr = CKR_OK;
	unsigned int slot;
	char *so = NULL;

	if (!file)
		return syntax("Option -file <image file> is required.");
	if (check_writable(file))
		return write_error(file, errno);
	if (!backup_hsm_login(st, p, &slot, &so, &ckr))
		return ckr;
	return image_attach(st, slot, file, so);
}

static uint32_t do_bhsm_detach(struct cm_state *st, const struct cm_parsed *p)
{
	unsigned int slot;

	if (get_slot_opt(p, "slot", &slot))
		return syntax("Option -slot <backup hsm slot> is required.");
	if (!st->image[slot]) {
		para("Error: No image file is attached to slot %u.", slot);
		return CKR_ARGUMENTS_BAD;
	}
	para("The image file %s is no longer attached to slot %u.",
	     st->image[slot], slot);
	image_detach(st, slot);
	return CKR_OK;
}

/* ---- keys -------------------------------------------------------------- */

static int parse_usage(const char *s, uint32_t *flags)
{
	char *copy, *tok, *save;
	int ret = 0;

	if (!s)
		return 0;
	copy = strdup(s);
	if (!copy)
		return -1;
	*flags &= ~(SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT | SKS_OBJ_SIGN | SKS_OBJ_VERIFY);
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!strcasecmp(tok, "encrypt"))
			*flags |= SKS_OBJ_ENCRYPT;
		else if (!strcasecmp(tok, "decrypt"))
			*flags |= SKS_OBJ_DECRYPT;
		else if (!strcasecmp(tok, "sign"))
			*flags |= SKS_OBJ_SIGN;
		else if (!strcasecmp(tok, "verify"))
			*flags |= SKS_OBJ_VERIFY;
		else
			ret = -1;
	}
	free(copy);
	return ret;
}

/* Attributes from -keytype, -label, -id, -usage, -usagelimit, ... */
static struct sks_attrs *key_attrs(const struct cm_parsed *p, uint32_t *mech,
				   uint32_t *ckr)
{
	const char *kt = cm_get(p, "keytype");
	struct sks_attrs *a = sks_attrs_new();
	uint32_t flags = SKS_OBJ_SENSITIVE | SKS_OBJ_EXTRACTABLE;
	unsigned long long v;
	uint8_t id[SKS_OBJ_ID_MAX];
	size_t idlen;

	if (!a) {
		*ckr = failed("Out of memory.");
		return NULL;
	}
	if (!kt || !strcasecmp(kt, "aes")) {
		*mech = SKS_CKM_AES_KEY_GEN;
		flags |= SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
		sks_attrs_set_value_len(a, 32);
	} else if (!strcasecmp(kt, "generic") || !strcasecmp(kt, "hmac")) {
		*mech = SKS_CKM_GENERIC_SECRET_KEY_GEN;
		sks_attrs_set_key_type(a, SKS_CKK_GENERIC_SECRET);
		flags |= SKS_OBJ_SIGN | SKS_OBJ_VERIFY;
		sks_attrs_set_value_len(a, 32);
	} else if (!strcasecmp(kt, "data") && cm_has(p, "file")) {
		*mech = 0;
		sks_attrs_set_class(a, SKS_CKO_DATA);
		sks_attrs_set_key_type(a, SKS_CKK_NONE);
		flags = SKS_OBJ_EXTRACTABLE;
	} else {
		*ckr = syntax("Option -keytype must be aes or generic%s.",
			      cm_has(p, "file") ? " or data" : "");
		goto fail;
	}
	if (cm_has(p, "nonextractable"))
		flags &= ~SKS_OBJ_EXTRACTABLE;
	/* Private unless -private 0, as Luna's objects are. */
	if (cm_has(p, "private")) {
		const char *v = cm_get(p, "private");

		if (!v || (strcmp(v, "0") && strcmp(v, "1"))) {
			*ckr = syntax("Option -private takes 1 (private, the default) or 0 (public).");
			goto fail;
		}
		if (!strcmp(v, "1"))
			flags |= SKS_OBJ_PRIVATE;
	} else {
		flags |= SKS_OBJ_PRIVATE;
	}
	if (parse_usage(cm_get(p, "usage"), &flags)) {
		*ckr = syntax("Option -usage takes encrypt, decrypt, sign and verify, comma separated.");
		goto fail;
	}
	sks_attrs_set_flags(a, flags);
	if (cm_has(p, "length")) {
		if (parse_uint(cm_get(p, "length"), 4096, &v)) {
			*ckr = syntax("Option -length needs a number of bytes.");
			goto fail;
		}
		sks_attrs_set_value_len(a, v);
	}
	if (cm_has(p, "usagelimit")) {
		if (parse_uint(cm_get(p, "usagelimit"), UINT64_MAX, &v)) {
			*ckr = syntax("Option -usagelimit needs a number.");
			goto fail;
		}
		sks_attrs_set_usage_limit(a, v);
	}
	if (cm_get(p, "label") && sks_attrs_set_label(a, cm_get(p, "label"))) {
		*ckr = syntax("The label is longer than %d bytes.", SKS_OBJ_LABEL_MAX);
		goto fail;
	}
	if (cm_get(p, "id")) {
		if (unhex(cm_get(p, "id"), id, sizeof(id), &idlen)) {
			*ckr = syntax("Option -id needs at most %d bytes in hex.", SKS_OBJ_ID_MAX);
			goto fail;
		}
		sks_attrs_set_id(a, id, idlen);
	}
	return a;
fail:
	sks_attrs_free(a);
	return NULL;
}

static uint32_t do_key_generate(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, mech, h;
	struct sks_session *s;
	struct sks_attrs *a;

	a = key_attrs(p, &mech, &ckr);
	if (!a)
		return ckr;
	s = current(st, &ckr);
	if (s && sks_object_generate(s, mech, a, &h))
		ckr = failed("Failed to generate the key.");
	else if (s)
		para("\tGenerated key handle: %u", h);
	sks_attrs_free(a);
	return ckr;
}

static uint32_t do_key_import(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	uint32_t ckr = CKR_OK, mech, h;
	struct sks_session *s;
	struct sks_attrs *a;
	uint8_t *value;
	size_t len;

	if (!file)
		return syntax("Option -file is required.");
	a = key_attrs(p, &mech, &ckr);
	if (!a)
		return ckr;
	value = read_file(file, SKS_MAX_DATA_SIZE, &len);
	if (!value) {
		sks_attrs_free(a);
		return read_error(file, errno, SKS_MAX_DATA_SIZE);
	}
	s = current(st, &ckr);
	if (s && sks_object_create(s, a, value, len, &h))
		ckr = failed("Failed to import the %s.", mech ? "key" : "data object");
	else if (s)
		para("\tImported object handle: %u", h);
	explicit_bzero(value, len);
	free(value);
	sks_attrs_free(a);
	return ckr;
}

static int get_handle(const struct cm_parsed *p, uint32_t *h)
{
	unsigned long long v;

	if (parse_uint(cm_get(p, "handle"), UINT32_MAX, &v))
		return -1;
	*h = v;
	return 0;
}

static uint32_t do_key_show(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, h;
	struct sks_session *s;
	struct sks_attrs *a;

	if (get_handle(p, &h))
		return syntax("Option -handle <handle> is required.");
	s = current(st, &ckr);
	if (!s)
		return ckr;
	a = sks_object_get_attrs(s, h);
	if (!a)
		return failed("Object %u cannot be read.", h);
	sks_attrs_free(a);
	putchar('\n');
	print_object(s, h);
	return CKR_OK;
}

static uint32_t do_key_delete(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK, h;
	struct sks_session *s;

	if (get_handle(p, &h))
		return syntax("Option -handle <handle> is required.");
	s = current(st, &ckr);
	if (!s)
		return ckr;
	para("You are about to destroy object %u.", h);
	if (!confirm(st, p))
		return cancelled();
	if (sks_object_destroy(s, h))
		return failed("Failed to destroy object %u.", h);
	return CKR_OK;
}

/* ---- SKS blobs --------------------------------------------------------- */

static int parse_handles(const char *s, uint32_t **out, size_t *n)
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
		if (parse_uint(tok, UINT32_MAX, &v))
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

static uint32_t do_sks_extract(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file"), *hs = cm_get(p, "handles");
	struct sks_blob_set *set;
	struct sks_session *s;
	uint32_t ckr = CKR_OK, *h = NULL;
	size_t n = 0, bytes = 0;

	if (!file || (!hs == !cm_has(p, "all")))
		return syntax("Give -file and one of -handles <h,h,...> and -all.");
	if (hs && parse_handles(hs, &h, &n))
		return syntax("Option -handles needs a comma separated list of handles.");
	if (check_writable(file)) {
		free(h);
		return write_error(file, errno);
	}
	s = current(st, &ckr);
	if (!s) {
		free(h);
		return ckr;
	}
	if (!hs) {
		h = sks_object_find(s, NULL, 0, &n);
		if (!h)
			return failed("Failed to list the objects.");
		if (!n) {
			free(h);
			para("Error: There are no objects to extract.");
			return SKS_CKR_OBJECT_HANDLE_INVALID;
		}
	}
	/* -delete: the objects go once the blobs are safely in the file. */
	set = sks_blob_extract(s, h, n, 0);
	if (!set) {
		free(h);
		return failed("SKS extract failed.");
	}
	for (size_t i = 0; i < sks_blob_set_get_count(set); i++) {
		size_t len;

		sks_blob_set_get_blob(set, i, &len);
		bytes += len;
	}
	if (write_file(file, NULL, 0, set)) {
		ckr = write_error(file, errno);
		if (cm_has(p, "delete"))
			para("No object was destroyed.");
		goto out;
	}
	para("Extracted %zu object(s) into %zu SKS blob(s), %zu bytes, written to %s.",
	     sks_blob_set_get_object_count(set), sks_blob_set_get_count(set),
	     bytes, file);
	for (size_t i = 0; cm_has(p, "delete") && i < n; i++)
		if (sks_object_destroy(s, h[i]) && ckr == CKR_OK)
			ckr = failed("Object %u could not be destroyed; it is in %s too.",
				     h[i], file);
out:
	free(h);
	sks_blob_set_free(set);
	return ckr;
}

/* A group file: any number of blobs back to back (at most this many bytes). */
#define GROUP_FILE_MAX	((size_t)SKS_MAX_EXTRACT * SKS_MAX_BLOB_SIZE)

static struct sks_blob_set *load_blobs(const char *file, uint32_t *ckr)
{
	struct sks_blob_set *set;
	uint8_t *buf;
	size_t len;

	buf = read_file(file, GROUP_FILE_MAX, &len);
	if (!buf) {
		*ckr = read_error(file, errno, GROUP_FILE_MAX);
		return NULL;
	}
	set = sks_blob_set_from_buffer(buf, len);
	free(buf);
	if (!set)
		*ckr = failed("%s is not a file of SKS blobs.", file);
	else if (!sks_blob_set_get_count(set)) {
		para("Error: %s holds no SKS blob.", file);
		sks_blob_set_free(set);
		*ckr = SKS_CKR_DATA_INVALID;
		return NULL;
	}
	return set;
}

static uint32_t do_sks_insert(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	struct sks_blob_set *set;
	struct sks_session *s;
	uint32_t ckr = CKR_OK, *h;
	size_t n;

	if (!file)
		return syntax("Option -file is required.");
	set = load_blobs(file, &ckr);
	if (!set)
		return ckr;
	s = current(st, &ckr);
	if (!s) {
		sks_blob_set_free(set);
		return ckr;
	}
	h = sks_blob_insert(s, set, &n);
	if (!h) {
		ckr = failed("SKS insert failed; no object was inserted.");
	} else {
		printf("\nInserted %zu object(s) from %zu SKS blob(s). Handles:", n,
		       sks_blob_set_get_count(set));
		for (size_t i = 0; i < n; i++)
			printf("%s%u", i ? "," : " ", h[i]);
		printf("\n");
	}
	free(h);
	sks_blob_set_free(set);
	return ckr;
}

static uint32_t do_sks_identify(struct cm_state *st, const struct cm_parsed *p)
{
	const char *file = cm_get(p, "file");
	const uint8_t *prim = NULL, *roll = NULL;
	struct sks_session_desc *d = NULL;
	struct sks_blob_set *set;
	uint32_t ckr = CKR_OK;

	if (!file)
		return syntax("Give the blob file: sks identify <file>.");
	set = load_blobs(file, &ckr);
	if (!set)
		return ckr;
	if (st->have_slot && session_on(st, st->slot))
		d = sks_session_get_desc(st->sess[st->slot]);
	if (d) {
		prim = sks_session_desc_get_smk_fingerprint(d);
		roll = sks_session_desc_get_rollover_fingerprint(d);
	}
	for (size_t i = 0; i < sks_blob_set_get_count(set); i++) {
		uint8_t fp[SKS_FINGERPRINT_LEN];
		char h[2 * SKS_FINGERPRINT_LEN + 1];
		const uint8_t *b;
		size_t len;

		b = sks_blob_set_get_blob(set, i, &len);
		sks_blob_get_fingerprint(b, len, fp);
		hex(fp, sizeof(fp), h);
		printf("\n\tBlob %zu ->\t\t%zu object(s), %zu bytes\n", i + 1,
		       sks_blob_get_object_count(b, len), len);
		printf("\tSMK Fingerprint ->\t%s\n", h);
		if (prim && !memcmp(prim, fp, sizeof(fp)))
			printf("\tCurrent slot ->\t\tprimary SMK: can insert\n");
		else if (roll && !memcmp(roll, fp, sizeof(fp)))
			printf("\tCurrent slot ->\t\trollover SMK: can insert\n");
		else if (d)
			printf("\tCurrent slot ->\t\tdifferent SMK: cannot insert\n");
	}
	sks_session_desc_free(d);
	sks_blob_set_free(set);
	return CKR_OK;
}

/* ---- crypto on files ---------------------------------------------------- */

static uint32_t do_crypt(struct cm_state *st, const struct cm_parsed *p, int enc)
{
	const char *in = cm_get(p, "in"), *out = cm_get(p, "out");
	const char *aad = cm_get(p, "aad");
	uint32_t ckr = CKR_OK, h;
	struct sks_session *s;
	/* Encrypt: one plaintext; decrypt: IV, ciphertext and tag. */
	size_t max = SKS_MAX_DATA_SIZE +
		     (enc ? 0 : SKS_GCM_IV_LEN + SKS_GCM_TAG_LEN);
	uint8_t *data, *res = NULL;
	size_t len, rlen = 0;

	if (get_handle(p, &h) || !in || !out)
		return syntax("Options -handle, -in and -out are required.");
	data = read_file(in, max, &len);
	if (!data)
		return read_error(in, errno, max);
	/* Before the key is used: the result must have somewhere to go. */
	if (check_writable(out)) {
		free(data);
		return write_error(out, errno);
	}
	s = current(st, &ckr);
	if (!s)
		goto out;
	if (enc) {
		rlen = len + SKS_GCM_TAG_LEN;
		res = malloc(SKS_GCM_IV_LEN + rlen);
		if (!res || sks_crypto_encrypt(s, h, aad, aad ? strlen(aad) : 0,
					       data, len, res, res + SKS_GCM_IV_LEN, &rlen)) {
			ckr = failed("Encryption failed.");
			goto out;
		}
		rlen += SKS_GCM_IV_LEN;
	} else {
		if (len < SKS_GCM_IV_LEN + SKS_GCM_TAG_LEN) {
			para("Error: %s is too short to be encrypted data.", in);
			ckr = SKS_CKR_ENCRYPTED_DATA_LEN_RANGE;
			goto out;
		}
		rlen = len - SKS_GCM_IV_LEN - SKS_GCM_TAG_LEN;
		res = malloc(rlen + 1);
		if (!res || sks_crypto_decrypt(s, h, aad, aad ? strlen(aad) : 0, data,
					       data + SKS_GCM_IV_LEN,
					       len - SKS_GCM_IV_LEN, res, &rlen)) {
			ckr = failed("Decryption failed.");
			goto out;
		}
	}
	if (write_file(out, res, rlen, NULL)) {
		ckr = write_error(out, errno);
		goto out;
	}
	para("%s %zu bytes from %s to %s.", enc ? "Encrypted" : "Decrypted",
	     len, in, out);
out:
	if (res)
		explicit_bzero(res, rlen);
	free(res);
	free(data);
	return ckr;
}

static int parse_mech(const struct cm_parsed *p, uint32_t *mech)
{
	const char *m = cm_get(p, "mechanism");

	if (!m || !strcasecmp(m, "sha256"))
		*mech = SKS_CKM_SHA256_HMAC;
	else if (!strcasecmp(m, "sha384"))
		*mech = SKS_CKM_SHA384_HMAC;
	else if (!strcasecmp(m, "sha512"))
		*mech = SKS_CKM_SHA512_HMAC;
	else
		return -1;
	return 0;
}

static uint32_t do_sign(struct cm_state *st, const struct cm_parsed *p, int sign)
{
	const char *in = cm_get(p, "in");
	const char *sigf = cm_get(p, sign ? "out" : "signature");
	uint32_t ckr = CKR_OK, h, mech;
	uint8_t *data, *sig = NULL, mac[64];
	struct sks_session *s;
	size_t len, slen = sizeof(mac);

	if (get_handle(p, &h) || !in || !sigf)
		return syntax("Options -handle, -in and -%s are required.",
			      sign ? "out" : "signature");
	if (parse_mech(p, &mech))
		return syntax("Option -mechanism must be sha256, sha384 or sha512.");
	data = read_file(in, SKS_MAX_DATA_SIZE, &len);
	if (!data)
		return read_error(in, errno, SKS_MAX_DATA_SIZE);
	if (!sign && !(sig = read_file(sigf, sizeof(mac), &slen))) {
		ckr = read_error(sigf, errno, sizeof(mac));
		free(data);
		return ckr;
	}
	if (sign && check_writable(sigf)) {
		free(data);
		return write_error(sigf, errno);
	}
	s = current(st, &ckr);
	if (!s)
		goto out;
	if (sign) {
		if (sks_crypto_sign(s, h, mech, data, len, mac, &slen))
			ckr = failed("Signing failed.");
		else if (write_file(sigf, mac, slen, NULL))
			ckr = write_error(sigf, errno);
		else
			para("Signed %zu bytes from %s; %zu byte MAC written to %s.",
			     len, in, slen, sigf);
	} else {
		if (sks_crypto_verify(s, h, mech, data, len, sig, slen))
			ckr = failed("Signature verification failed.");
		else
			para("The signature is valid.");
	}
out:
	free(sig);
	free(data);
	return ckr;
}

/* ---- dispatch -------------------------------------------------------- */

static uint32_t dispatch(struct cm_state *st, const struct cm_parsed *p)
{
	switch (p->cmd->id) {
	case CMD_HELP: return do_help(st, p);
	case CMD_EXIT: st->quit = 1; return CKR_OK;
	case CMD_HSM_SHOW: return do_hsm_show(st, p);
	case CMD_SLOT_LIST: return do_slot_list(st, p);
	case CMD_SLOT_SET: return do_slot_set(st, p);
	case CMD_ROLE_LOGIN: return do_role_login(st, p);
	case CMD_ROLE_LOGOUT: return do_role_logout(st, p);
	case CMD_ROLE_INIT: return do_role_init(st, p);
	case CMD_ROLE_CHANGEPW: return do_role_changepw(st, p);
	case CMD_ROLE_SHOW: return do_role_show(st, p);
	case CMD_PAR_CREATE: return do_par_create(st, p);
	case CMD_PAR_INIT: return do_par_init(st, p);
	case CMD_PAR_DELETE: return do_par_delete(st, p);
	case CMD_PAR_SHOW: return do_par_show(st, p);
	case CMD_PAR_CONTENTS: return do_contents(st, p);
	case CMD_PAR_ROLLOVER: return do_rollover(st, p);
	case CMD_ARCH_BACKUP: return do_arch_backup(st, p);
	case CMD_ARCH_RESTORE: return do_arch_restore(st, p);
	case CMD_BHSM_CREATE: return do_bhsm_create(st, p);
	case CMD_KEY_GENERATE: return do_key_generate(st, p);
	case CMD_KEY_IMPORT: return do_key_import(st, p);
	case CMD_KEY_LIST: return do_contents(st, p);
	case CMD_KEY_SHOW: return do_key_show(st, p);
	case CMD_KEY_DELETE: return do_key_delete(st, p);
	case CMD_SKS_EXTRACT: return do_sks_extract(st, p);
	case CMD_SKS_INSERT: return do_sks_insert(st, p);
	case CMD_SKS_IDENTIFY: return do_sks_identify(st, p);
	case CMD_ENCRYPT: return do_crypt(st, p, 1);
	case CMD_DECRYPT: return do_crypt(st, p, 0);
	case CMD_SIGN: return do_sign(st, p, 1);
	case CMD_VERIFY: return do_sign(st, p, 0);
	case CMD_ARCH_LIST: return do_arch_list(st, p);
	case CMD_ARCH_SHOW: return do_arch_show(st, p);
	case CMD_ARCH_DELETE: return do_arch_delete(st, p);
	case CMD_IMAGE_SAVE: return do_image_save(st, p);
	case CMD_IMAGE_LOAD: return do_image_load(st, p);
	case CMD_BHSM_ATTACH: return do_bhsm_attach(st, p);
	case CMD_BHSM_DETACH: return do_bhsm_detach(st, p);
	}
	return SKS_CKR_FUNCTION_NOT_SUPPORTED;
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
		ckr = syntax("%s", err);
		print_result(ckr);
		return ckr;
	}
	if (cm_parse(cm_commands, cm_ncommands, toks, n, &p)) {
		ckr = syntax("%s", p.err);
	} else {
		ckr = dispatch(st, &p);
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
		session_drop(st, i);
		image_detach(st, i);
	}
}
