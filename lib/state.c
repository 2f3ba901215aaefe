// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - durable state: sealed state records between the driver and
 * memory, and the state directory kept current from them (save order,
 * atomic files, locks, orphans; docs/durability.md). The auto-activation
 * policy of a partition is set here too.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_alg.h>

#include "internal.h"

/*
 * What this file reads of a record without keys: a slot record's header
 * and trailer (<linux/sks_format.h>), and the HSM record, which is not
 * secret (docs/durability.md; its layout is the driver's,
 * driver/state_codec.c).
 */
#define REC_MIN_LEN		(448 + SKS_REC_TRAILER_LEN)	/* header, trailer */
#define REC_TRL_MAGIC		"SKST"
#define HREC_VERSION		1
#define HREC_OFF_VERSION	4	/* __u16 */
#define HREC_OFF_SERIAL		8	/* __u64 */
#define HREC_OFF_NR_SLOTS	32	/* __u32 */
#define HREC_FIXED		40	/* then the slots */
#define HREC_SLOT_LEN		24	/* num, type (__u32), serial, generation */
#define HREC_SUM_LEN		32

#define HSM_FILE		"hsm.rec"
#define LOCK_FILE		".lock"
#define QUEUE_FILE		".queue"
#define TMP_PREFIX		".tmp-"
#define ORPHANS			"orphans"
#define REJECTED		"rejected"
#define SAVE_ROUNDS		8	/* starts over at most this often */

/* ---- records in memory ---- */

/* SKS_CTL_STATE_SAVE into a malloc'd buffer: size query, then the record. */
static void *save_record(struct sks_hsm *hsm, unsigned int slot, uint32_t flags,
			 size_t *len, uint64_t *generation)
{
	struct sks_state_save req;
	void *buf = NULL;
	uint32_t room = 0;

	if (!len) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	/* again if the record grew between the size query and the copy */
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.flags = flags;
		req.slot = slot;
		req.record = (uintptr_t)buf;
		req.record_len = room;
		if (!sks_do_ioctl(sks_hsm_get_fd(hsm), SKS_CTL_STATE_SAVE, &req) &&
		    buf)
			break;
		if (sks_last_result() != SKS_CKR_BUFFER_TOO_SMALL &&
		    sks_last_result() != SKS_CKR_OK) {
			free(buf);
			return NULL;
		}
		free(buf);
		room = req.record_len;
		/* zeroed: memcheck cannot see the driver fill it */
		buf = calloc(1, room ? room : 1);
		if (!buf) {
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
	}
	*len = req.record_len;
	if (generation)
		*generation = req.generation;
	sks_set_result(SKS_CKR_OK);
	return buf;
}

SKS_API void *sks_state_save_slot(struct sks_hsm *hsm, unsigned int slot,
				  size_t *len, uint64_t *generation)
{
	return save_record(hsm, slot, 0, len, generation);
}

SKS_API void *sks_state_save_hsm(struct sks_hsm *hsm, size_t *len,
				 uint64_t *generation)
{
	return save_record(hsm, 0, SKS_STATE_SAVE_HSM, len, generation);
}

/* The HSM's generation alone (a size query of the HSM record). */
static int hsm_generation(struct sks_hsm *hsm, uint64_t *generation)
{
	struct sks_state_save req;

	memset(&req, 0, sizeof(req));
	req.flags = SKS_STATE_SAVE_HSM;
	if (sks_do_ioctl(sks_hsm_get_fd(hsm), SKS_CTL_STATE_SAVE, &req))
		return -1;
	*generation = req.generation;
	return 0;
}

SKS_API int sks_state_load_record(struct sks_hsm *hsm, const void *record,
				  size_t len, unsigned int *slot,
				  uint64_t *generation, uint32_t *status)
{
	struct sks_state_load req;

	if (!record || !len)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (len > SKS_STATE_MAX_SIZE)
		return sks_lib_fail(EMSGSIZE, SKS_CKR_DATA_LEN_RANGE);
	memset(&req, 0, sizeof(req));
	req.record = (uintptr_t)record;
	req.record_len = len;
	if (sks_do_ioctl(sks_hsm_get_fd(hsm), SKS_CTL_STATE_LOAD, &req))
		return -1;
	if (slot)
		*slot = req.slot;
	if (generation)
		*generation = req.generation;
	if (status)
		*status = req.status;
	return 0;
}

/* Read a whole file (at most SKS_STATE_MAX_SIZE bytes) at @dfd. */
static int read_file_at(int dfd, const char *name, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	uint8_t *p;
	int fd, err;

	*buf = NULL;
	*len = 0;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sks_lib_fail(errno, SKS_CKR_DEVICE_ERROR);
	if (fstat(fd, &st)) {
		err = errno;
		close(fd);
		return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > SKS_STATE_MAX_SIZE) {
		close(fd);
		return sks_lib_fail(S_ISREG(st.st_mode) ? EMSGSIZE : EINVAL,
				SKS_CKR_DATA_LEN_RANGE);
	}
	p = malloc(st.st_size ? st.st_size : 1);
	if (!p) {
		close(fd);
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n ? errno : EIO;	/* shrank while read */
			close(fd);
			free(p);
			return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
		}
		done += n;
	}
	close(fd);
	*buf = p;
	*len = done;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API int sks_state_load_file(struct sks_hsm *hsm, const char *path,
				unsigned int *slot, uint64_t *generation,
				uint32_t *status)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (!path || !*path)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (read_file_at(AT_FDCWD, path, &buf, &len))
		return -1;
	ret = sks_state_load_record(hsm, buf, len, slot, generation, status);
	free(buf);
	return ret;
}

SKS_API int sks_session_set_auto_activation(struct sks_session *session,
					    const char *keydesc)
{
	struct sks_auto_activation req;
	size_t n = keydesc ? strnlen(keydesc, SKS_KEYDESC_MAX + 1) : 0;

	if (keydesc && (!n || n > SKS_KEYDESC_MAX))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	memset(&req, 0, sizeof(req));
	if (keydesc) {
		req.flags = SKS_AUTO_ACTIVATION_ON;
		req.desc = (uintptr_t)keydesc;
		req.desc_len = n;
	}
	return sks_do_ioctl(session->fd, SKS_IOC_AUTO_ACTIVATION, &req);
}

/* ---- reports ---- */

struct sks_state_event {
	unsigned int kind;
	int slot;
	uint32_t result;
	char file[128];
	char text[320];
};

struct sks_state_report {
	size_t count;
	size_t room;
	size_t problems;
	struct sks_state_event *events;
	bool nomem;		/* an event could not be kept */
};

/* Add an event; a report that cannot grow counts it as a problem. */
__attribute__((format(printf, 6, 7)))
static void report(struct sks_state_report *r, unsigned int kind, int slot,
		   uint32_t result, const char *file, const char *fmt, ...)
{
	struct sks_state_event *e;
	va_list ap;

	if (kind >= SKS_DIR_MISSING)
		r->problems++;
	if (r->count == r->room) {
		size_t room = r->room ? 2 * r->room : 16;

		e = realloc(r->events, room * sizeof(*e));
		if (!e) {
			r->nomem = true;
			return;
		}
		r->events = e;
		r->room = room;
	}
	e = &r->events[r->count++];
	e->kind = kind;
	e->slot = slot;
	e->result = result;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

SKS_API void sks_state_report_free(struct sks_state_report *report)
{
	if (!report)
		return;
	free(report->events);
	free(report);
}

SKS_API size_t sks_state_report_get_count(const struct sks_state_report *report)
{
	return report->count;
}

SKS_API size_t
sks_state_report_get_problems(const struct sks_state_report *report)
{
	return report->problems;
}

SKS_API unsigned int
sks_state_report_get_kind(const struct sks_state_report *report, size_t index)
{
	return report->events[index].kind;
}

SKS_API int sks_state_report_get_slot(const struct sks_state_report *report,
				      size_t index)
{
	return report->events[index].slot;
}

SKS_API const char *
sks_state_report_get_file(const struct sks_state_report *report, size_t index)
{
	return report->events[index].file;
}

SKS_API uint32_t
sks_state_report_get_result(const struct sks_state_report *report,
			    size_t index)
{
	return report->events[index].result;
}

SKS_API const char *
sks_state_report_get_text(const struct sks_state_report *report, size_t index)
{
	return report->events[index].text;
}

/* ---- files in the state directory ---- */

/* What a record file says about itself, read without keys. */
struct peek {
	bool slot;		/* a slot record */
	uint32_t num;
	uint64_t hsm_serial;
	uint64_t serial;
	uint64_t generation;
};

/* One slot an HSM record lists. */
struct listed {
	uint32_t num;
	uint64_t serial;
	uint64_t generation;
};

struct hsm_rec {
	uint64_t serial;
	uint32_t nr_slots;
	struct listed slots[SKS_MAX_SLOTS];
};

/* Parse an HSM record's fields (its checksum is the driver's to check). */
static int parse_hsm_rec(const uint8_t *buf, size_t len, struct hsm_rec *h)
{
	uint32_t i;

	if (len < HREC_FIXED + HREC_SUM_LEN || memcmp(buf, SKS_HREC_MAGIC, 4) ||
	    sks_get_le16(buf + HREC_OFF_VERSION) != HREC_VERSION)
		return -1;
	h->serial = sks_get_le64(buf + HREC_OFF_SERIAL);
	h->nr_slots = sks_get_le32(buf + HREC_OFF_NR_SLOTS);
	if (h->nr_slots > SKS_MAX_SLOTS ||
	    len != HREC_FIXED + (size_t)h->nr_slots * HREC_SLOT_LEN +
		   HREC_SUM_LEN)
		return -1;
	for (i = 0; i < h->nr_slots; i++) {
		const uint8_t *p = buf + HREC_FIXED + i * HREC_SLOT_LEN;

		h->slots[i].num = sks_get_le32(p);
		h->slots[i].serial = sks_get_le64(p + 8);
		h->slots[i].generation = sks_get_le64(p + 16);
		if (h->slots[i].num >= SKS_MAX_SLOTS)
			return -1;
	}
	return 0;
}

/* Does @h list slot @num with serial number @serial? */
static bool hsm_rec_lists(const struct hsm_rec *h, uint32_t num,
			  uint64_t serial)
{
	uint32_t i;

	for (i = 0; i < h->nr_slots; i++)
		if (h->slots[i].num == num && h->slots[i].serial == serial)
			return true;
	return false;
}

static int pread_all(int fd, uint8_t *p, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

/*
 * Read the header and trailer of the slot record @name: 0 (see
 * @pk->slot: false for a file that is not a slot record), or -1 with
 * errno (ENOENT: no such file).
 */
static int peek_at(int dfd, const char *name, struct peek *pk)
{
	uint8_t hdr[SKS_REC_OFF_NUM + 4], trl[SKS_REC_TRAILER_LEN];
	struct stat st;
	int fd, ok;

	memset(pk, 0, sizeof(*pk));
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	     st.st_size >= REC_MIN_LEN &&
	     !pread_all(fd, hdr, sizeof(hdr), 0) &&
	     !pread_all(fd, trl, sizeof(trl), st.st_size - SKS_REC_TRAILER_LEN) &&
	     !memcmp(hdr, SKS_REC_MAGIC, 4) && !memcmp(trl, REC_TRL_MAGIC, 4);
	close(fd);
	if (!ok)
		return 0;
	pk->slot = true;
	pk->num = sks_get_le32(hdr + SKS_REC_OFF_NUM);
	pk->hsm_serial = sks_get_le64(hdr + SKS_REC_OFF_HSM_SERIAL);
	pk->serial = sks_get_le64(hdr + SKS_REC_OFF_SERIAL);
	pk->generation = sks_get_le64(trl + SKS_REC_TRL_GENERATION);
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Replace @name in @dfd atomically: a temporary file in the same
 * directory, written and fsynced, renamed over @name. The caller fsyncs
 * the directory (once for several files). 0 or -1 with errno.
 */
static int write_at(int dfd, const char *name, const void *buf, size_t len)
{
	char tmp[96];
	int fd, err;

	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%s.%ld", name, (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, buf, len) || fsync(fd)) {
		err = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		errno = err;
		return -1;
	}
	if (close(fd) || renameat(dfd, tmp, dfd, name)) {
		err = errno;
		unlinkat(dfd, tmp, 0);
		errno = err;
		return -1;
	}
	return 0;
}

/* fsync a directory; file systems that cannot are not an error. */
static int sync_dir(int dfd)
{
	if (!fsync(dfd) || errno == EINVAL || errno == EROFS)
		return 0;
	return -1;
}

/* Remove temporary files a crash left (the caller holds the lock). */
static void remove_temporaries(int dfd)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)))
			unlinkat(dfd, de->d_name, 0);
	closedir(d);
}

/*
 * A slot's file is named by its number and serial number, so that a slot
 * number used again by a new slot never overwrites the file of the slot
 * it had before, which the HSM record on disk may still list.
 */
static void slot_file(char *name, size_t len, uint32_t num, uint64_t serial)
{
	snprintf(name, len, "slot-%u-%" PRIu64 ".rec", num, serial);
}

/* Is @name "slot-<N>-<serial>.rec"? Then its number and serial. */
static bool slot_file_name(const char *name, uint32_t *num, uint64_t *serial)
{
	char check[64];
	unsigned long long sn;
	unsigned int n;

	if (sscanf(name, "slot-%u-%llu.rec", &n, &sn) != 2 ||
	    n >= SKS_MAX_SLOTS)
		return false;
	slot_file(check, sizeof(check), n, sn);
	if (strcmp(check, name))	/* one spelling only */
		return false;
	*num = n;
	*serial = sn;
	return true;
}

struct slot_file {
	uint32_t num;
	uint64_t serial;
};

/* The slot files in @dfd: a malloc'd array of *@n (0 or -1 with errno). */
static int slot_files(int dfd, struct slot_file **files, size_t *n)
{
	struct slot_file *f = NULL, *more;
	struct dirent *de;
	size_t room = 0;
	uint32_t num;
	uint64_t serial;
	DIR *d;
	int fd;

	*files = NULL;
	*n = 0;
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!slot_file_name(de->d_name, &num, &serial))
			continue;
		if (*n == room) {
			room = room ? 2 * room : 16;
			more = realloc(f, room * sizeof(*f));
			if (!more) {
				free(f);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			f = more;
		}
		f[*n].num = num;
		f[(*n)++].serial = serial;
	}
	closedir(d);
	*files = f;
	return 0;
}

/*
 * Move @name into the subdirectory @sub (made if missing) under a name of
 * its own that says what it holds; its new name ("sub/...") into @out.
 * The caller fsyncs the directories. 0 or -1 with errno.
 */
static int move_aside(int dfd, const char *name, const char *sub,
		      const struct peek *pk, char *out, size_t out_len)
{
	char base[96], target[128];
	struct stat st;
	int sfd, i, err = 0;

	if (mkdirat(dfd, sub, 0700) && errno != EEXIST)
		return -1;
	sfd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return -1;
	/* a slot record is named by what it holds; anything else keeps its name */
	if (pk->slot)
		snprintf(base, sizeof(base), "slot-%u-%" PRIu64 "-g%" PRIu64,
			 pk->num, pk->serial, pk->generation);
	else
		snprintf(base, sizeof(base), "%s", name);
	for (i = 0; i < 1000; i++) {
		if (!i)
			snprintf(target, sizeof(target), "%s%s", base,
				 pk->slot ? ".rec" : "");
		else
			snprintf(target, sizeof(target), "%s.%d%s", base, i,
				 pk->slot ? ".rec" : "");
		if (fstatat(sfd, target, &st, AT_SYMLINK_NOFOLLOW) &&
		    errno == ENOENT)
			break;
	}
	if (i == 1000 || renameat(dfd, name, sfd, target))
		err = i == 1000 ? EEXIST : errno;
	if (!err && sync_dir(sfd))
		err = errno;
	close(sfd);
	if (err) {
		errno = err;
		return -1;
	}
	snprintf(out, out_len, "%s/%s", sub, target);
	return 0;
}

/* ---- the lock ---- */

/*
 * Take DIR/.lock. Whoever waits for it holds DIR/.queue meanwhile; with
 * @coalesce, finding .queue held means someone will save after us:
 * *@skip is set and nothing is locked. Returns the lock's descriptor
 * (close it to unlock), or -1 with errno.
 */
static int dir_lock(int dfd, bool coalesce, bool *skip)
{
	int qfd, lfd, err;

	*skip = false;
	qfd = openat(dfd, QUEUE_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (qfd < 0)
		return -1;
	while (flock(qfd, LOCK_EX | (coalesce ? LOCK_NB : 0))) {
		if (errno == EINTR)
			continue;
		err = errno;
		close(qfd);
		if (err == EWOULDBLOCK && coalesce) {
			*skip = true;
			return -1;
		}
		errno = err;
		return -1;
	}
	lfd = openat(dfd, LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	while (lfd >= 0 && flock(lfd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err = errno;
		close(lfd);
		errno = err;
		lfd = -1;
	}
	err = errno;
	close(qfd);	/* the next one may queue now */
	errno = err;
	return lfd;
}

/* Open (and with @make, create) the state directory. */
static int open_dir(const char *dir, bool make)
{
	int dfd;

	if (!dir || !*dir)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (make && mkdir(dir, 0700) && errno != EEXIST)
		return sks_lib_fail(errno, SKS_CKR_DEVICE_ERROR);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return sks_lib_fail(errno, SKS_CKR_DEVICE_ERROR);
	return dfd;
}

/* ---- saving ---- */

struct save_ctx {
	struct sks_hsm *hsm;
	int dfd;
	unsigned int flags;
	struct sks_state_report *r;
	bool have_hsm_file;
};

enum save_step { SAVE_DONE, SAVE_AGAIN, SAVE_FAILED };

/* Is DIR/hsm.rec this HSM's (or absent)? 0, or -1 with the reason. */
static int check_owner(struct save_ctx *c, uint64_t serial)
{
	struct hsm_rec *h;
	uint8_t *buf;
	size_t len;
	int ret = 0;

	c->have_hsm_file = true;
	if (read_file_at(c->dfd, HSM_FILE, &buf, &len)) {
		if (errno != ENOENT)
			return -1;
		c->have_hsm_file = false;
		return 0;
	}
	h = malloc(sizeof(*h));
	if (!h) {
		free(buf);
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	}
	/*
	 * Only its form and serial number count (its checksum is the
	 * driver's to check): one that names this HSM, the serial number
	 * the HSM took from it at load, is replaced even if damaged since.
	 */
	if (parse_hsm_rec(buf, len, h)) {
		report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DATA_INVALID, HSM_FILE,
		       "%s is damaged: nothing saved (see \"Recovery\" in docs/durability.md)",
		       HSM_FILE);
		ret = sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	} else if (h->serial != serial) {
		report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_STATE_FOREIGN, HSM_FILE,
		       "%s names HSM %" PRIu64 ", this HSM is %" PRIu64
		       ": nothing saved (the state was not loaded, the directory is another HSM's, or %s is damaged: see \"Recovery\" in docs/durability.md)",
		       HSM_FILE, h->serial, serial, HSM_FILE);
		ret = sks_lib_fail(EXDEV, SKS_CKR_STATE_FOREIGN);
	}
	free(h);
	free(buf);
	return ret;
}

static int write_hsm_file(struct save_ctx *c, const uint8_t *buf, size_t len,
			  uint32_t nr_slots)
{
	if (write_at(c->dfd, HSM_FILE, buf, len) || sync_dir(c->dfd)) {
		report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, HSM_FILE,
		       "writing %s: %s", HSM_FILE, strerror(errno));
		return -1;
	}
	c->have_hsm_file = true;
	report(c->r, SKS_DIR_SAVED, -1, SKS_CKR_OK, HSM_FILE,
	       "HSM record saved (%u slot%s)", nr_slots, nr_slots == 1 ? "" : "s");
	return 0;
}

/* SHA-256 through the kernel (AF_ALG): 0, or -1 where there is none. */
static int sha256(const uint8_t *in, size_t len, uint8_t *out)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int tfm, op, ret = -1;

	strcpy((char *)sa.salg_type, "hash");
	strcpy((char *)sa.salg_name, "sha256");
	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0)
		return -1;
	if (!bind(tfm, (struct sockaddr *)&sa, sizeof(sa))) {
		op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
		if (op >= 0) {
			if (write(op, in, len) == (ssize_t)len &&
			    read(op, out, HREC_SUM_LEN) == HREC_SUM_LEN)
				ret = 0;
			close(op);
		}
	}
	close(tfm);
	return ret;
}

/*
 * The first save into a directory: an HSM record that lists no slot, so
 * that the HSM's serial number is on disk before any slot record while
 * hsm.rec lists no slot whose file is not written yet. Made from the
 * driver's record @hrec (its fixed part, no slots, a new checksum);
 * without SHA-256 in the kernel, the save goes on without it.
 */
static int write_identity(struct save_ctx *c, const uint8_t *hrec)
{
	uint8_t rec[HREC_FIXED + HREC_SUM_LEN];

	memcpy(rec, hrec, HREC_FIXED);
	memset(rec + HREC_OFF_NR_SLOTS, 0, 4);
	if (sha256(rec, HREC_FIXED, rec + HREC_FIXED))
		return 0;
	return write_hsm_file(c, rec, sizeof(rec), 0);
}

/* Does DIR/hsm.rec hold exactly @buf? */
static bool hsm_file_is(struct save_ctx *c, const uint8_t *buf, size_t len)
{
	uint8_t *old;
	size_t old_len;
	bool same;

	if (read_file_at(c->dfd, HSM_FILE, &old, &old_len))
		return false;
	same = old_len == len && !memcmp(old, buf, len);
	free(old);
	return same;
}

/* Save one listed slot if its file is not current. */
static enum save_step save_slot(struct save_ctx *c, const struct listed *e,
				uint64_t hsm_serial, bool *wrote)
{
	char name[64];
	struct peek pk;
	uint64_t gen;
	size_t len;
	uint8_t *rec;
	uint32_t ckr;

	slot_file(name, sizeof(name), e->num, e->serial);
	if (!(c->flags & SKS_SAVE_DIR_ALL) && !peek_at(c->dfd, name, &pk) &&
	    pk.slot && pk.num == e->num && pk.hsm_serial == hsm_serial &&
	    pk.serial == e->serial && pk.generation == e->generation)
		return SAVE_DONE;	/* current */
	rec = save_record(c->hsm, e->num, 0, &len, &gen);
	if (!rec) {
		ckr = sks_last_result();
		if (ckr == SKS_CKR_SLOT_ID_INVALID ||
		    ckr == SKS_CKR_TOKEN_NOT_PRESENT)
			return SAVE_AGAIN;	/* deleted meanwhile */
		report(c->r, SKS_DIR_FAILED, e->num, ckr, name,
		       "slot %u: its record could not be saved: %s", e->num,
		       sks_strerror(ckr));
		return SAVE_FAILED;
	}
	if (len < REC_MIN_LEN ||
	    sks_get_le64(rec + SKS_REC_OFF_SERIAL) != e->serial) {
		free(rec);
		return SAVE_AGAIN;	/* deleted and made again meanwhile */
	}
	if (write_at(c->dfd, name, rec, len)) {
		report(c->r, SKS_DIR_FAILED, e->num, SKS_CKR_DEVICE_ERROR, name,
		       "slot %u: writing %s: %s", e->num, name, strerror(errno));
		free(rec);
		return SAVE_FAILED;
	}
	free(rec);
	*wrote = true;
	report(c->r, SKS_DIR_SAVED, e->num, SKS_CKR_OK, name,
	       "slot %u saved (serial %" PRIu64 ", generation %" PRIu64 ", %zu bytes)",
	       e->num, e->serial, gen, len);
	return SAVE_DONE;
}

/* Remove the files of this HSM's slots that @h does not list. */
static int remove_deleted(struct save_ctx *c, const struct hsm_rec *h)
{
	struct slot_file *f;
	bool removed = false;
	struct peek pk;
	char name[64];
	size_t n, i;
	int ret = 0;

	if (slot_files(c->dfd, &f, &n))
		return -1;
	for (i = 0; i < n && !ret; i++) {
		if (hsm_rec_lists(h, f[i].num, f[i].serial))
			continue;
		slot_file(name, sizeof(name), f[i].num, f[i].serial);
		/* another HSM's file, or not a record: the load sets it aside */
		if (peek_at(c->dfd, name, &pk) || !pk.slot ||
		    pk.hsm_serial != h->serial || pk.serial != f[i].serial)
			continue;
		if (unlinkat(c->dfd, name, 0)) {
			ret = -1;
			break;
		}
		removed = true;
		report(c->r, SKS_DIR_REMOVED, f[i].num, SKS_CKR_OK, name,
		       "slot %u (serial %" PRIu64 ") no longer exists: %s removed",
		       f[i].num, f[i].serial, name);
	}
	free(f);
	if (!ret && removed)
		ret = sync_dir(c->dfd);
	return ret;
}

/* One round of a save; SAVE_AGAIN if the slots changed under it. */
static enum save_step save_round(struct save_ctx *c, struct hsm_rec *h,
				 bool first_round)
{
	enum save_step step = SAVE_DONE, s;
	uint64_t gen, gen2;
	bool wrote = false;
	uint8_t *hrec;
	size_t len;
	uint32_t i;

	hrec = save_record(c->hsm, 0, SKS_STATE_SAVE_HSM, &len, &gen);
	if (!hrec)
		return SAVE_FAILED;
	if (parse_hsm_rec(hrec, len, h)) {
		free(hrec);
		sks_lib_fail(EPROTO, SKS_CKR_STATE_UNSUPPORTED);
		return SAVE_FAILED;
	}
	if (first_round && check_owner(c, h->serial))
		goto failed;
	/* a new directory gets the HSM's serial number before any slot */
	if (!c->have_hsm_file && write_identity(c, hrec))
		goto failed;
	for (i = 0; i < h->nr_slots; i++) {
		s = save_slot(c, &h->slots[i], h->serial, &wrote);
		if (s == SAVE_AGAIN) {
			free(hrec);
			return SAVE_AGAIN;
		}
		if (s == SAVE_FAILED)
			step = SAVE_FAILED;
	}
	if (wrote && sync_dir(c->dfd)) {
		report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
		       "syncing the state directory: %s", strerror(errno));
		goto failed;
	}
	if (step == SAVE_FAILED) {
		/* the old HSM record stays: it lists no file we could not write */
		sks_lib_fail(EUCLEAN, SKS_CKR_DEVICE_ERROR);
		goto failed;
	}
	/* a slot made or deleted since the HSM record was taken: again */
	if (hsm_generation(c->hsm, &gen2))
		goto failed;
	if (gen2 != gen) {
		free(hrec);
		return SAVE_AGAIN;
	}
	if (!hsm_file_is(c, hrec, len) &&
	    write_hsm_file(c, hrec, len, h->nr_slots))
		goto failed;
	free(hrec);
	if (remove_deleted(c, h)) {
		report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
		       "removing the files of deleted slots: %s", strerror(errno));
		return SAVE_FAILED;
	}
	return SAVE_DONE;
failed:
	free(hrec);
	return SAVE_FAILED;
}

static struct sks_state_report *report_new(void)
{
	struct sks_state_report *r = calloc(1, sizeof(*r));

	if (!r)
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	return r;
}

/* Hand @r to the caller (or free it) and return @ret, keeping errno. */
static int report_out(struct sks_state_report *r,
		      struct sks_state_report **out, int ret)
{
	int err = errno;
	uint32_t ckr = sks_last_result();

	if (r && r->nomem && !ret) {
		ret = -1;
		err = ENOMEM;
		ckr = SKS_CKR_HOST_MEMORY;
	}
	if (out)
		*out = r;
	else
		sks_state_report_free(r);
	if (ret)
		return sks_lib_fail(err, ckr);
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API int sks_state_save_dir(struct sks_hsm *hsm, const char *dir,
			       unsigned int flags,
			       struct sks_state_report **out)
{
	struct save_ctx c = { .hsm = hsm, .flags = flags };
	enum save_step step = SAVE_AGAIN;
	struct hsm_rec *h = NULL;
	int lfd, round, err;
	bool skip;

	if (out)
		*out = NULL;
	if (flags & ~(SKS_SAVE_DIR_ALL | SKS_SAVE_DIR_COALESCE))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	c.dfd = open_dir(dir, true);
	if (c.dfd < 0)
		return -1;
	lfd = dir_lock(c.dfd, flags & SKS_SAVE_DIR_COALESCE, &skip);
	if (lfd < 0) {
		err = errno;
		close(c.dfd);
		if (skip) {
			if (out)
				*out = report_new();
			sks_set_result(SKS_CKR_OK);
			return out && !*out ? -1 : 0;
		}
		return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
	}
	c.r = report_new();
	h = malloc(sizeof(*h));
	if (!c.r || !h) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		step = SAVE_FAILED;
	} else {
		remove_temporaries(c.dfd);
	}
	for (round = 0; step == SAVE_AGAIN && round < SAVE_ROUNDS; round++)
		step = save_round(&c, h, !round);
	if (step == SAVE_AGAIN)
		sks_lib_fail(EBUSY, SKS_CKR_OPERATION_ACTIVE);
	free(h);
	err = errno;
	close(lfd);
	close(c.dfd);
	errno = err;
	return report_out(c.r, out, step == SAVE_DONE ? 0 : -1);
}

/* ---- loading ---- */

struct load_ctx {
	struct sks_hsm *hsm;
	int dfd;
	struct sks_state_report *r;
	bool moved;
	uint64_t present[SKS_MAX_SLOTS];	/* serials in the HSM, 0: none */
};

/* The HSM's slots now: their serial numbers by number. */
static int load_present(struct load_ctx *c)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_slot_list req;
	uint32_t i;

	memset(&req, 0, sizeof(req));
	req.entries = (uintptr_t)e;
	req.count = SKS_MAX_SLOTS;
	req.entry_size = sizeof(e[0]);
	memset(e, 0, sizeof(e));
	if (sks_do_ioctl(sks_hsm_get_fd(c->hsm), SKS_CTL_LIST_SLOTS, &req))
		return -1;
	memset(c->present, 0, sizeof(c->present));
	for (i = 0; i < req.count && i < SKS_MAX_SLOTS; i++)
		if (e[i].slot < SKS_MAX_SLOTS)
			c->present[e[i].slot] = e[i].serial ? e[i].serial : 1;
	return 0;
}

/* Set @name aside into @sub and report @kind with @why. */
static void set_aside(struct load_ctx *c, const char *name, uint32_t num,
		      const struct peek *pk, const char *sub,
		      unsigned int kind, uint32_t ckr, const char *why)
{
	char to[160];

	if (move_aside(c->dfd, name, sub, pk, to, sizeof(to))) {
		report(c->r, kind, num, ckr, name,
		       "slot %u: %s: not loaded; moving it to %s/ failed (%s): left as %s",
		       num, why, sub, strerror(errno), name);
		return;
	}
	c->moved = true;
	report(c->r, kind, num, ckr, to, "slot %u: %s: not loaded, moved to %s",
	       num, why, to);
}

/* Load the record @name; 0, or -1 with the driver's code in *@ckr. */
static int load_file_at(struct load_ctx *c, const char *name,
			unsigned int *slot, uint64_t *gen, uint32_t *status,
			uint32_t *ckr)
{
	uint8_t *buf;
	size_t len;
	int ret;

	*status = 0;
	if (read_file_at(c->dfd, name, &buf, &len)) {
		*ckr = sks_last_result();
		return -1;
	}
	ret = sks_state_load_record(c->hsm, buf, len, slot, gen, status);
	*ckr = sks_last_result();
	free(buf);
	return ret;
}

/* Load one slot the HSM record lists. */
static void load_listed(struct load_ctx *c, const struct listed *e)
{
	char name[64], why[200];
	unsigned int got;
	uint32_t status, ckr;
	struct peek pk;
	uint64_t gen;

	slot_file(name, sizeof(name), e->num, e->serial);
	if (peek_at(c->dfd, name, &pk)) {
		if (errno == ENOENT)
			report(c->r, SKS_DIR_MISSING, e->num, SKS_CKR_OK, name,
			       "slot %u (serial %" PRIu64 ", generation %" PRIu64
			       "): the HSM record lists it but %s is missing: the slot is lost unless a copy of the file is found",
			       e->num, e->serial, e->generation, name);
		else
			report(c->r, SKS_DIR_REJECTED, e->num,
			       SKS_CKR_DEVICE_ERROR, name,
			       "slot %u: reading %s: %s: not loaded", e->num,
			       name, strerror(errno));
		return;
	}
	if (c->present[e->num]) {
		if (pk.slot && c->present[e->num] == pk.serial) {
			report(c->r, SKS_DIR_PRESENT, e->num, SKS_CKR_OK, name,
			       "slot %u (serial %" PRIu64 ") is loaded already",
			       e->num, pk.serial);
			return;
		}
		snprintf(why, sizeof(why),
			 "the HSM has another slot %u (serial %" PRIu64 ")",
			 e->num, c->present[e->num]);
		set_aside(c, name, e->num, &pk, REJECTED, SKS_DIR_REJECTED,
			  SKS_CKR_FUNCTION_FAILED, why);
		return;
	}
	if (pk.slot && (pk.serial != e->serial || pk.num != e->num)) {
		snprintf(why, sizeof(why),
			 "%s holds slot %u serial %" PRIu64
			 ", not the slot its name says",
			 name, pk.num, pk.serial);
		set_aside(c, name, e->num, &pk, ORPHANS, SKS_DIR_ORPHAN,
			  SKS_CKR_OK, why);
		report(c->r, SKS_DIR_MISSING, e->num, SKS_CKR_OK, "",
		       "slot %u (serial %" PRIu64 "): the HSM record lists it but no file holds it",
		       e->num, e->serial);
		return;
	}
	if (pk.slot && pk.generation < e->generation) {
		snprintf(why, sizeof(why),
			 "%s holds generation %" PRIu64
			 ", the HSM record lists %" PRIu64
			 " (an older copy of the file: replayed or restored)",
			 name, pk.generation, e->generation);
		set_aside(c, name, e->num, &pk, REJECTED, SKS_DIR_STALE,
			  SKS_CKR_OK, why);
		return;
	}
	if (!load_file_at(c, name, &got, &gen, &status, &ckr)) {
		report(c->r, status & SKS_STATE_LOADED_ACTIVE ?
		       SKS_DIR_LOADED_ACTIVE : SKS_DIR_LOADED, got, SKS_CKR_OK,
		       name, "slot %u loaded (serial %" PRIu64 ", generation %"
		       PRIu64 "): %s", got, e->serial, gen,
		       status & SKS_STATE_LOADED_ACTIVE ? "active (auto-activation)" :
		       "deactivated until its Crypto Officer or SO logs in");
		return;
	}
	snprintf(why, sizeof(why), "the driver refused %s: %s", name,
		 sks_strerror(ckr));
	set_aside(c, name, e->num, &pk, REJECTED, SKS_DIR_REJECTED, ckr, why);
}

/* Set aside every slot record @h does not list (NULL: no HSM record). */
static void load_unlisted(struct load_ctx *c, const struct hsm_rec *h)
{
	struct slot_file *f;
	struct peek pk;
	char name[64];
	size_t n, i;
	uint32_t num;

	if (slot_files(c->dfd, &f, &n)) {
		report(c->r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
		       "listing the state directory: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		num = f[i].num;
		if (h && hsm_rec_lists(h, num, f[i].serial))
			continue;
		slot_file(name, sizeof(name), num, f[i].serial);
		if (peek_at(c->dfd, name, &pk))
			continue;	/* gone meanwhile */
		/* saved in this boot (the HSM record is being written) */
		if (pk.slot && c->present[num] && c->present[num] == pk.serial)
			continue;
		set_aside(c, name, num, &pk, ORPHANS, SKS_DIR_ORPHAN,
			  SKS_CKR_OK, h ?
			  "the HSM record does not list it (a power cut between the save of a new slot and that of the HSM record, or before the file of a deleted slot was removed)" :
			  "there is no HSM record");
	}
	free(f);
}

/* Load DIR/hsm.rec, then what it lists; -1 only if hsm.rec fails. */
static int load_all(struct load_ctx *c, struct hsm_rec *h)
{
	uint8_t *buf;
	size_t len;
	uint32_t i;

	if (load_present(c))
		return -1;
	if (read_file_at(c->dfd, HSM_FILE, &buf, &len)) {
		if (errno != ENOENT) {
			report(c->r, SKS_DIR_FAILED, -1, sks_last_result(),
			       HSM_FILE, "reading %s: %s: nothing loaded",
			       HSM_FILE, strerror(errno));
			return -1;
		}
		load_unlisted(c, NULL);
		return 0;
	}
	if (sks_state_load_record(c->hsm, buf, len, NULL, NULL, NULL) ||
	    parse_hsm_rec(buf, len, h)) {
		uint32_t ckr = sks_last_result() ? sks_last_result() :
			       SKS_CKR_DATA_INVALID;

		report(c->r, SKS_DIR_REJECTED, -1, ckr, HSM_FILE,
		       "the driver refused %s: %s: nothing loaded (see \"Recovery\" in docs/durability.md)",
		       HSM_FILE, ckr == SKS_CKR_FUNCTION_FAILED ?
		       "the HSM has slots of another serial number" :
		       sks_strerror(ckr));
		free(buf);
		return sks_lib_fail(sks_result_errno(ckr), ckr);
	}
	free(buf);
	report(c->r, SKS_DIR_LOADED, -1, SKS_CKR_OK, HSM_FILE,
	       "HSM record loaded: serial %" PRIu64 ", %u slot%s", h->serial,
	       h->nr_slots, h->nr_slots == 1 ? "" : "s");
	for (i = 0; i < h->nr_slots; i++)
		load_listed(c, &h->slots[i]);
	load_unlisted(c, h);
	return 0;
}

SKS_API int sks_state_load_dir(struct sks_hsm *hsm, const char *dir,
			       unsigned int flags,
			       struct sks_state_report **out)
{
	struct load_ctx c = { .hsm = hsm };
	struct hsm_rec *h;
	int lfd, ret, err;
	bool skip;

	if (out)
		*out = NULL;
	if (flags)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	c.dfd = open_dir(dir, false);
	if (c.dfd < 0)
		return -1;
	lfd = dir_lock(c.dfd, false, &skip);
	if (lfd < 0) {
		err = errno;
		close(c.dfd);
		return sks_lib_fail(err, SKS_CKR_DEVICE_ERROR);
	}
	c.r = report_new();
	h = malloc(sizeof(*h));
	if (!c.r || !h) {
		ret = sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	} else {
		remove_temporaries(c.dfd);
		ret = load_all(&c, h);
		if (c.moved && sync_dir(c.dfd))
			report(c.r, SKS_DIR_FAILED, -1, SKS_CKR_DEVICE_ERROR, "",
			       "syncing the state directory: %s",
			       strerror(errno));
		if (!ret && c.r->problems)
			ret = sks_lib_fail(EUCLEAN, SKS_CKR_DATA_INVALID);
	}
	free(h);
	err = errno;
	close(lfd);
	close(c.dfd);
	errno = err;
	return report_out(c.r, out, ret);
}
