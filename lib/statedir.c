// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the state directory's files: the HSM record read without
 * keys, record files peeked at, atomic writes, slot file names, moving
 * aside, and the directory lock (docs/durability.md).
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

#include "state.h"

/* Parse an HSM record's fields (its checksum is the driver's to check). */
int sd_parse_hsm_rec(const uint8_t *buf, size_t len, struct hsm_rec *h)
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
bool sd_hsm_rec_lists(const struct hsm_rec *h, uint32_t num,
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
int sd_peek_at(int dfd, const char *name, struct peek *pk)
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

/*
 * Replace @name in @dfd atomically: a temporary file in the same
 * directory, written and fsynced, renamed over @name. The caller fsyncs
 * the directory (once for several files). 0 or -1 with errno.
 */
int sd_write_at(int dfd, const char *name, const void *buf, size_t len)
{
	char tmp[96];
	int fd, err;

	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%s.%ld", name, (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (sks_write_all(fd, buf, len) || fsync(fd)) {
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
int sd_sync_dir(int dfd)
{
	if (!fsync(dfd) || errno == EINVAL || errno == EROFS)
		return 0;
	return -1;
}

/* Remove temporary files a crash left (the caller holds the lock). */
void sd_remove_temporaries(int dfd)
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
void sd_slot_file(char *name, size_t len, uint32_t num, uint64_t serial)
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
	sd_slot_file(check, sizeof(check), n, sn);
	if (strcmp(check, name))	/* one spelling only */
		return false;
	*num = n;
	*serial = sn;
	return true;
}

/* The slot files in @dfd: a malloc'd array of *@n (0 or -1 with errno). */
int sd_slot_files(int dfd, struct slot_file **files, size_t *n)
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
int sd_move_aside(int dfd, const char *name, const char *sub,
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
	if (!err && sd_sync_dir(sfd))
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
int sd_dir_lock(int dfd, bool coalesce, bool *skip)
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
int sd_open_dir(const char *dir, bool make)
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
