// SPDX-License-Identifier: GPL-2.0
/*
 * sks-state: keep the HSM's durable state in a directory (docs/durability.md).
 *
 *   sks-state save   [-d DIR] [-a] [-q] [--uevent]   bring DIR up to date
 *   sks-state load   [-d DIR] [-q] [--uevent]        load DIR (at boot)
 *   sks-state load   -f FILE                         load one record by hand
 *   sks-state watch  [-d DIR] [-q]                   save after every change
 *   sks-state status [-d DIR] [-q]                   is DIR current?
 *
 * The udev rule (61-sks-state.rules) runs "save --uevent" on every add,
 * remove and change uevent of a slot device and "load --uevent" when
 * /dev/sks-control appears; "watch" does the saving where there is no udev.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include <sks.h>

#define DEFAULT_DIR	"/var/lib/sks"

static bool quiet;		/* only problems */
static bool use_syslog;		/* also to syslog (--uevent) */

static void usage(FILE *f)
{
	fputs("Usage: sks-state save  [-d DIR] [-a] [-q] [--uevent]\n"
	      "       sks-state load  [-d DIR] [-q] [--uevent]\n"
	      "       sks-state load  -f FILE\n"
	      "       sks-state watch [-d DIR] [-q]\n"
	      "       sks-state status [-d DIR] [-q]\n"
	      "\n"
	      "Keep the durable state of the sks HSM (its slots' sealed records and the\n"
	      "HSM record) in DIR (default " DEFAULT_DIR ").\n"
	      "\n"
	      "  save    save every slot whose file is not current, then the HSM\n"
	      "          record, then remove the files of deleted slots\n"
	      "  load    load the HSM record, then every slot it lists (slots are\n"
	      "          deactivated until a Crypto Officer or SO login)\n"
	      "  watch   save now and after every change, until killed\n"
	      "  status  exit 0 if DIR holds the HSM's state as it is now, else 1\n"
	      "\n"
	      "  -d DIR  the state directory\n"
	      "  -a      save every slot, even unchanged ones\n"
	      "  -f FILE load this record (a file set aside in DIR/orphans/ or\n"
	      "          DIR/rejected/)\n"
	      "  -q      print only problems\n"
	      "  --uevent  run from a uevent: also log to syslog; save returns at\n"
	      "          once if another save is waiting already; no HSM is no error\n",
	      f);
}

/* One line to stderr (and syslog with --uevent). */
__attribute__((format(printf, 2, 3)))
static void say(int prio, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_syslog)
		syslog(prio, "%s", line);
	if (prio <= LOG_WARNING)
		fprintf(stderr, "sks-state: %s\n", line);
	else if (!quiet)
		printf("%s\n", line);
}

static void print_report(const struct sks_state_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < sks_state_report_get_count(r); i++) {
		unsigned int kind = sks_state_report_get_kind(r, i);

		say(kind >= SKS_DIR_MISSING ? LOG_ERR :
		    kind == SKS_DIR_SAVED || kind == SKS_DIR_REMOVED ?
		    LOG_INFO : LOG_NOTICE, "%s", sks_state_report_get_text(r, i));
	}
}

static void fail(const char *what)
{
	uint32_t ckr = sks_last_result();

	if (ckr != SKS_CKR_OK && ckr != SKS_CKR_DEVICE_ERROR)
		say(LOG_ERR, "%s: %s (%s)", what, sks_strerror(ckr),
		    sks_result_name(ckr) ? sks_result_name(ckr) : "?");
	else
		say(LOG_ERR, "%s: %s", what, strerror(errno));
}

/* The control device; NULL without an HSM (quietly with --uevent). */
static struct sks_hsm *open_hsm(bool uevent)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);

	if (!hsm && !(uevent && (errno == ENOENT || errno == ENODEV ||
				 errno == ENXIO)))
		fail("opening " SKS_CONTROL_DEVICE);
	return hsm;
}

/* Whether the HSM has no slot at all (a module just loaded, its state not yet). */
static bool hsm_empty(struct sks_hsm *hsm)
{
	struct sks_slots *list = sks_hsm_list_slots(hsm);
	bool empty = list && !sks_slots_get_count(list);

	sks_slots_free(list);
	return empty;
}

static int do_save(struct sks_hsm *hsm, const char *dir, unsigned int flags)
{
	struct sks_state_report *r;
	int ret;

	ret = sks_state_save_dir(hsm, dir, flags, &r);
	/*
	 * A uevent of the module's previous life (slot devices removed at
	 * rmmod) handled after modprobe, before the load: the new, empty
	 * HSM is not the directory's yet. Nothing to save, nothing wrong.
	 */
	if (ret && (flags & SKS_SAVE_DIR_COALESCE) &&
	    sks_last_result() == SKS_CKR_STATE_FOREIGN && hsm_empty(hsm)) {
		sks_state_report_free(r);
		return 0;
	}
	print_report(r);
	if (ret) {
		if (errno == EUCLEAN)
			say(LOG_ERR, "%s: not every slot could be saved: the HSM record on disk stays the previous one",
			    dir);
		else
			fail(dir);
	}
	sks_state_report_free(r);
	return ret ? 1 : 0;
}

/*
 * Let the driver find auto-activation keys in root's user keyring: a
 * session keyring of our own, with the user keyring linked into it
 * (udev and service managers give their children a bare one).
 */
static void join_user_keyring(void)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
	    syscall(SYS_keyctl, KEYCTL_LINK, KEY_SPEC_USER_KEYRING,
		    KEY_SPEC_SESSION_KEYRING) < 0)
		say(LOG_WARNING, "no keyring for auto-activation keys: %s",
		    strerror(errno));
}

static int do_load(struct sks_hsm *hsm, const char *dir, const char *file)
{
	struct sks_state_report *r;
	uint64_t gen;
	unsigned int slot;
	uint32_t status;
	int ret;

	join_user_keyring();
	if (file) {
		if (sks_state_load_file(hsm, file, &slot, &gen, &status)) {
			fail(file);
			return 1;
		}
		say(LOG_NOTICE, "%s loaded: slot %u, generation %llu, %s", file,
		    slot, (unsigned long long)gen,
		    status & SKS_STATE_LOADED_ACTIVE ? "active" : "deactivated");
		return 0;
	}
	ret = sks_state_load_dir(hsm, dir, 0, &r);
	print_report(r);
	if (ret && errno == EUCLEAN)
		say(LOG_ERR, "%s: loaded with %zu problem(s): see above and \"Recovery\" in docs/durability.md",
		    dir, sks_state_report_get_problems(r));
	else if (ret)
		fail(dir);
	sks_state_report_free(r);
	return ret ? 1 : 0;
}

/*
 * DIR is current when its hsm.rec is the HSM record the driver gives now:
 * that record lists every slot with its generation, and a save writes it
 * only after every slot file it lists.
 */
static int do_status(struct sks_hsm *hsm, const char *dir)
{
	uint8_t *now, *disk = NULL;
	size_t len, disk_len = 0;
	char path[4096];
	bool current;
	FILE *f;

	now = sks_state_save_hsm(hsm, &len, NULL);
	if (!now) {
		fail("the HSM record");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/hsm.rec", dir);
	f = fopen(path, "rb");
	if (f) {
		disk = malloc(len + 1);
		if (disk)
			disk_len = fread(disk, 1, len + 1, f);
		fclose(f);
	}
	current = disk && disk_len == len && !memcmp(disk, now, len);
	if (!quiet)
		printf("%s: %s\n", dir, current ? "current" :
		       f ? "behind the HSM (a save is due or running)" :
		       "no HSM record saved");
	free(disk);
	free(now);
	return current ? 0 : 1;
}

/* ---- watch: save after every change ---- */

/* A uevent socket: slot devices come and go, and change. */
static int uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read what is queued; true if any of it is about sks. */
static bool uevent_drain(int fd)
{
	char buf[8192];
	bool sks = false;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = 0;
		/* "ACTION@DEVPATH", then KEY=VALUE strings */
		for (char *p = buf; p < buf + n; p += strlen(p) + 1)
			if (!strcmp(p, "SUBSYSTEM=sks") ||
			    !strcmp(p, "DEVNAME=sks-control"))
				sks = true;
	}
	if (n < 0 && errno == ENOBUFS)
		sks = true;	/* lost some: save anyway */
	return sks;
}

/*
 * Wait until a slot changes (its state_generation attribute is notified)
 * or a uevent arrives; every 10 minutes at most, save anyway.
 */
static void watch_wait(int ufd)
{
	struct pollfd pfd[1 + SKS_MAX_SLOTS];
	char attr[SKS_MAX_SLOTS][8];
	nfds_t n = 0, i;
	glob_t g;

	pfd[n].fd = ufd;
	pfd[n++].events = POLLIN;
	if (!glob("/sys/class/sks/sks*/state_generation", 0, NULL, &g)) {
		for (i = 0; i < g.gl_pathc && n < 1 + SKS_MAX_SLOTS; i++) {
			int fd = open(g.gl_pathv[i], O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				continue;
			/* read it once: poll reports the next notification */
			if (read(fd, attr[n - 1], sizeof(attr[0])) < 0) {
				close(fd);
				continue;
			}
			pfd[n].fd = fd;
			pfd[n++].events = POLLPRI;
		}
		globfree(&g);
	}
	for (;;) {
		int ret = poll(pfd, n, 600 * 1000);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0 || (pfd[0].revents && uevent_drain(ufd)))
			break;
		for (i = 1; i < n && !pfd[i].revents; i++)
			;
		if (i < n)
			break;
	}
	for (i = 1; i < n; i++)
		close(pfd[i].fd);
}

static int do_watch(const char *dir)
{
	struct sks_hsm *hsm;
	int ufd;

	ufd = uevent_socket();
	if (ufd < 0) {
		say(LOG_ERR, "listening to uevents: %s", strerror(errno));
		return 1;
	}
	for (;;) {
		hsm = open_hsm(true);
		if (hsm) {
			do_save(hsm, dir, 0);
			sks_hsm_close(hsm);
		}
		watch_wait(ufd);
		uevent_drain(ufd);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "file", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "uevent", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DEFAULT_DIR, *file = NULL, *cmd;
	unsigned int flags = 0;
	bool uevent = false;
	struct sks_hsm *hsm;
	int c, ret;

	while ((c = getopt_long(argc, argv, "d:af:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'a':
			flags |= SKS_SAVE_DIR_ALL;
			break;
		case 'f':
			file = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'u':
			uevent = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);	/* a log file follows each line */
	if (uevent) {
		use_syslog = true;
		openlog("sks-state", LOG_PID, LOG_DAEMON);
		flags |= SKS_SAVE_DIR_COALESCE;
	}
	if ((file && strcmp(cmd, "load")) ||
	    ((flags & SKS_SAVE_DIR_ALL) && strcmp(cmd, "save"))) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(cmd, "watch"))
		return do_watch(dir);
	if (strcmp(cmd, "save") && strcmp(cmd, "load") &&
	    strcmp(cmd, "status")) {
		usage(stderr);
		return 2;
	}
	hsm = open_hsm(uevent);
	if (!hsm)
		return uevent ? 0 : 1;
	if (!strcmp(cmd, "save"))
		ret = do_save(hsm, dir, flags);
	else if (!strcmp(cmd, "status"))
		ret = do_status(hsm, dir);
	else
		ret = do_load(hsm, dir, file);
	sks_hsm_close(hsm);
	return ret;
}
