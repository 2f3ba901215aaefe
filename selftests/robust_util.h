/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the robustness selftests (security, stress, lifecycle, fault
 * injection): thin wrappers over the ioctls, on top of backup_util.h.
 */
#ifndef ROBUST_UTIL_H
#define ROBUST_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>

#include "backup_util.h"
#include "sks_test_util.h"

#define RB_CU		"crypto-user-1"

static inline double rb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A session key of @len bytes; AES (ENCRYPT/DECRYPT) or generic secret. */
static inline int rb_genkey(int fd, bool aes, __u32 flags, __u32 *handle,
			    __u32 *result)
{
	struct sks_generate_key g = {};
	int err;

	g.attrs.obj_class = SKS_CKO_SECRET_KEY;
	if (aes) {
		g.mechanism = SKS_CKM_AES_KEY_GEN;
		g.attrs.key_type = SKS_CKK_AES;
		g.attrs.value_len = 32;
	} else {
		g.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN;
		g.attrs.key_type = SKS_CKK_GENERIC_SECRET;
		g.attrs.value_len = 32;
	}
	g.attrs.flags = flags;
	err = ioctl(fd, SKS_IOC_GENERATE_KEY, &g) ? -errno : 0;
	if (result)
		*result = g.result;
	if (!err && handle)
		*handle = g.handle;
	return err;
}

/* Charge of a key made by rb_genkey() (driver: 64 + label + id + value). */
#define RB_KEY_CHARGE	(64 + 32)

static inline int rb_extract(int fd, const __u32 *h, __u32 n, void *blob,
			     __u32 *len, __u32 flags, __u32 *result)
{
	struct sks_extract ex = { .flags = flags, .handles = PTR(h),
				  .count = n, .blob = PTR(blob),
				  .blob_len = *len };
	int err = ioctl(fd, SKS_IOC_EXTRACT, &ex) ? -errno : 0;

	*len = ex.blob_len;
	if (result)
		*result = ex.result;
	return err;
}

static inline int rb_insert(int fd, const void *blob, __u32 len, __u32 *h,
			    __u32 *n, __u32 *result)
{
	struct sks_insert in = { .blob = PTR(blob), .blob_len = len,
				 .handles = PTR(h), .count = *n };
	int err = ioctl(fd, SKS_IOC_INSERT, &in) ? -errno : 0;

	*n = in.count;
	if (result)
		*result = in.result;
	return err;
}

static inline int rb_destroy(int fd, __u32 handle, __u32 *result)
{
	struct sks_destroy_object d = { .handle = handle };
	int err = ioctl(fd, SKS_IOC_DESTROY_OBJECT, &d) ? -errno : 0;

	if (result)
		*result = d.result;
	return err;
}

static inline int rb_encrypt(int fd, __u32 handle, __u32 *result)
{
	static const char msg[] = "robustness";
	unsigned char out[sizeof(msg) + SKS_GCM_TAG_LEN];
	struct sks_crypt c = { .handle = handle, .mechanism = SKS_CKM_AES_GCM,
			       .in = PTR(msg), .in_len = sizeof(msg),
			       .out = PTR(out), .out_len = sizeof(out) };
	int err = ioctl(fd, SKS_IOC_ENCRYPT, &c) ? -errno : 0;

	if (result)
		*result = c.result;
	return err;
}

static inline int rb_sign(int fd, __u32 handle, __u32 *result)
{
	static const char msg[] = "robustness";
	unsigned char mac[32];
	struct sks_sign s = { .handle = handle,
			      .mechanism = SKS_CKM_SHA256_HMAC,
			      .data = PTR(msg), .data_len = sizeof(msg),
			      .sig = PTR(mac), .sig_len = sizeof(mac) };
	int err = ioctl(fd, SKS_IOC_SIGN, &s) ? -errno : 0;

	if (result)
		*result = s.result;
	return err;
}

static inline int rb_rollover(int fd, __u32 flags, __u32 *result)
{
	struct sks_simple s = { .flags = flags };
	int err = ioctl(fd, SKS_IOC_SMK_ROLLOVER, &s) ? -errno : 0;

	if (result)
		*result = s.result;
	return err;
}

/* Image of a Backup HSM slot into a malloc'd buffer; returns 0 or -errno. */
static inline int rb_image_save(int bfd, const char *so, unsigned char **img,
				__u32 *len, __u32 *result)
{
	struct sks_image_save is = { .so_secret = PTR(so),
				     .so_secret_len = strlen(so) };
	int err;

	*img = NULL;
	do {	/* an archive added between the calls makes it grow */
		free(*img);
		*img = NULL;
		is.image = 0;
		err = ioctl(bfd, SKS_IOC_IMAGE_SAVE, &is) ? -errno : 0;
		if (err)
			break;
		*img = malloc(is.image_len);
		if (!*img)
			return -ENOMEM;
		is.image = PTR(*img);
		err = ioctl(bfd, SKS_IOC_IMAGE_SAVE, &is) ? -errno : 0;
	} while (err == -EOVERFLOW);
	if (err) {
		free(*img);
		*img = NULL;
	}
	*len = is.image_len;
	if (result)
		*result = is.result;
	return err;
}

/* Load an image as a new Backup HSM slot; returns the slot or -errno. */
static inline int rb_image_load(int ctl, const void *img, __u32 len,
				const char *so, __u32 *result)
{
	struct sks_image_load il = { .image = PTR(img), .image_len = len,
				     .so_secret = PTR(so),
				     .so_secret_len = strlen(so) };
	int err = ioctl(ctl, SKS_CTL_IMAGE_LOAD, &il) ? -errno : 0;

	if (result)
		*result = il.result;
	return err ? err : (int)il.slot;
}

/* The slot table; returns the number of slots (at most @max) or -errno. */
static inline int rb_slots(int ctl, struct sks_slot_entry *e, __u32 max)
{
	struct sks_slot_list l = { .entries = PTR(e), .count = max,
				   .entry_size = sizeof(*e) };

	return ioctl(ctl, SKS_CTL_LIST_SLOTS, &l) ? -errno : (int)l.count;
}

/* The list entry of slot @slot, 0 or -ENOENT. */
static inline int rb_slot_entry(int ctl, int slot, struct sks_slot_entry *out)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	int i, n = rb_slots(ctl, e, SKS_MAX_SLOTS);

	for (i = 0; i < n; i++) {
		if ((int)e[i].slot == slot) {
			*out = e[i];
			return 0;
		}
	}
	return n < 0 ? n : -ENOENT;
}

/* Read a whole (small) file into @buf, NUL terminated; bytes or -errno. */
static inline ssize_t rb_read_file(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/* A /proc/meminfo field in KiB, or -1. */
static inline long rb_meminfo(const char *field)
{
	char buf[8192], *p;
	size_t flen = strlen(field);

	if (rb_read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, field, flen) && p[flen] == ':')
			return strtol(p + flen + 1, NULL, 10);
	return -1;
}

/* Write a string to a (sysfs, debugfs, proc) file; 0 or -errno. */
static inline int rb_write_file(const char *path, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, strlen(buf));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* ---- loading sks with other module parameters ---- */

/*
 * The parameters sks is loaded with now, as "name=value ..." for
 * rb_load_sks() (serial left out: every load picks its own). Returns 0 or
 * -errno.
 */
static inline int rb_sks_params(char *buf, size_t len)
{
	char path[300], val[64];
	struct dirent *de;
	size_t used = 0;
	DIR *d;

	buf[0] = 0;
	d = opendir("/sys/module/sks/parameters");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "serial"))
			continue;
		snprintf(path, sizeof(path), "/sys/module/sks/parameters/%s",
			 de->d_name);
		if (rb_read_file(path, val, sizeof(val)) <= 0)
			continue;
		val[strcspn(val, "\n")] = 0;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s=%s", used ? " " : "", de->d_name, val);
	}
	closedir(d);
	return used < len ? 0 : -ENAMETOOLONG;
}

/* Unload sks (waiting a little for files closed a moment ago); 0 or -errno. */
static inline int rb_unload_sks(void)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (!syscall(SYS_delete_module, "sks", O_NONBLOCK) ||
		    errno == ENOENT)
			return 0;
		if (errno != EWOULDBLOCK && errno != EBUSY)
			return -errno;
		usleep(100000);
	}
	return -EBUSY;
}

/*
 * Load sks again with exactly @params (finit_module: no modprobe.d, no
 * parameters of an earlier load). Returns 0, or -errno of the load (the
 * module refuses a parameter out of range with -EINVAL; then it is not
 * loaded).
 */
static inline int rb_load_sks(const char *params)
{
	char path[128], cmd[300];
	struct utsname u;
	int fd, err, i;

	err = rb_unload_sks();
	if (err)
		return err;
	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/sks.ko", u.release);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		err = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
		close(fd);
	} else {
		snprintf(cmd, sizeof(cmd), "modprobe sks %s", params);
		err = system(cmd) ? -EIO : 0;
	}
	if (err)
		return err;
	for (i = 0; i < 50 && access(SKS_CONTROL_DEVICE, F_OK); i++)
		usleep(20000);
	return 0;
}

#endif /* ROBUST_UTIL_H */
