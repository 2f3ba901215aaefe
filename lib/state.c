// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - durable state: sealed state records between the driver and
 * memory, and the reports of saves and loads (docs/durability.md). The
 * auto-activation policy of a partition is set here too.
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

/* ---- records in memory ---- */

/* SKS_CTL_STATE_SAVE into a malloc'd buffer: size query, then the record. */
void *sd_save_record(struct sks_hsm *hsm, unsigned int slot, uint32_t flags,
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
	return sd_save_record(hsm, slot, 0, len, generation);
}

SKS_API void *sks_state_save_hsm(struct sks_hsm *hsm, size_t *len,
				 uint64_t *generation)
{
	return sd_save_record(hsm, 0, SKS_STATE_SAVE_HSM, len, generation);
}

/* The HSM's generation alone (a size query of the HSM record). */
int sd_hsm_generation(struct sks_hsm *hsm, uint64_t *generation)
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
int sd_read_file_at(int dfd, const char *name, uint8_t **buf, size_t *len)
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
	if (sd_read_file_at(AT_FDCWD, path, &buf, &len))
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


/* Add an event; a report that cannot grow counts it as a problem. */
__attribute__((format(printf, 6, 7)))
void sd_report(struct sks_state_report *r, unsigned int kind, int slot,
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

struct sks_state_report *sd_report_new(void)
{
	struct sks_state_report *r = calloc(1, sizeof(*r));

	if (!r)
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	return r;
}

/* Hand @r to the caller (or free it) and return @ret, keeping errno. */
int sd_report_out(struct sks_state_report *r,
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
