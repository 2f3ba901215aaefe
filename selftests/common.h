/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - the helpers every sks selftest shares, one prefix (st_):
 *
 *  - the devices and ioctls straight over the uapi header (slots,
 *    partitions, roles, objects, archives, images, module reloads);
 *  - skscm driven on a script or a pseudo-terminal, and partitions and
 *    Backup HSMs set up through libsks (tests of skscm and libsks);
 *  - the PKCS#11 module loaded as an application loads it (dlopen +
 *    C_GetFunctionList), with partitions made through the control device.
 *
 * Every helper returns 0 (or a count, a slot, a handle) on success and
 * -errno on failure unless its comment says otherwise.
 */
#ifndef SKS_SELFTEST_COMMON_H
#define SKS_SELFTEST_COMMON_H

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include <linux/sks.h>
#include <sks.h>

#include "../pkcs11/luna.h"

/* ---- devices, slots, partitions, roles and objects ---- */

#define ST_SO_PIN	"so-secret-1"
#define ST_CO_PIN	"co-secret-1"
#define ST_CU_PIN	"cu-secret-1"
#define ST_DOMAIN	"test-domain"

static inline uint64_t st_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static inline int st_ctl_open(void)
{
	return open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
}

/* ioctl() returning -errno or 0. */
static inline int st_ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/*
 * Create a slot of @type (SKS_SLOT_*) with firmware version @fw (NULL: the
 * module's) and, for a Backup HSM, HSM SO secret @so; @capacity in bytes
 * (0: the module's default). Returns the slot number or -errno.
 */
static inline int st_slot_create(int ctl, uint32_t type, const char *fw,
				 const char *so, uint64_t capacity)
{
	struct sks_slot_create c = { .type = type, .capacity = capacity };
	int err;

	if (fw)
		strncpy((char *)c.fw_version, fw, sizeof(c.fw_version) - 1);
	if (so) {
		c.so_secret = st_ptr(so);
		c.so_secret_len = strlen(so);
	}
	err = st_ioc(ctl, SKS_CTL_CREATE_SLOT, &c);
	return err ? err : (int)c.slot;
}

/* st_slot_create() with ST_SO_PIN as a Backup HSM's SO secret. */
static inline int st_slot_new(int ctl, uint32_t type, uint64_t capacity)
{
	return st_slot_create(ctl, type, NULL,
			      type == SKS_SLOT_BACKUP ? ST_SO_PIN : NULL,
			      capacity);
}

static inline int st_slot_del(int ctl, int slot)
{
	struct sks_slot_delete d = { .slot = slot };

	return st_ioc(ctl, SKS_CTL_DELETE_SLOT, &d);
}

static inline int st_slot_open(int slot)
{
	char path[32];

	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	return open(path, O_RDWR | O_CLOEXEC);
}

static inline int st_part_init(int fd, const char *label)
{
	struct sks_partition_init pi = {
		.so_pin = st_ptr(ST_SO_PIN),
		.so_pin_len = strlen(ST_SO_PIN),
		.domain = st_ptr(ST_DOMAIN),
		.domain_len = strlen(ST_DOMAIN),
	};

	strncpy((char *)pi.label, label, sizeof(pi.label));
	return st_ioc(fd, SKS_IOC_PARTITION_INIT, &pi);
}

static inline int st_login_as(int fd, uint32_t role, const char *pin,
			       uint32_t *result)
{
	struct sks_login li = {
		.role = role, .pin = st_ptr(pin), .pin_len = strlen(pin),
	};
	int err = st_ioc(fd, SKS_IOC_LOGIN, &li);

	if (result)
		*result = li.result;
	return err;
}

static inline int st_logout(int fd)
{
	struct sks_simple s = {};

	return st_ioc(fd, SKS_IOC_LOGOUT, &s);
}

static inline int st_init_role_pin(int fd, uint32_t role, const char *pin)
{
	struct sks_init_role ir = {
		.role = role, .pin = st_ptr(pin), .pin_len = strlen(pin),
	};

	return st_ioc(fd, SKS_IOC_INIT_ROLE, &ir);
}

/*
 * Make a ready partition: initialised, CO and CU set; @fd is left logged
 * in as CO. Returns 0 or -errno.
 */
static inline int st_part_ready(int fd)
{
	int err;

	err = st_part_init(fd, "test");
	if (!err)
		err = st_login_as(fd, SKS_ROLE_SO, ST_SO_PIN, NULL);
	if (!err)
		err = st_init_role_pin(fd, SKS_ROLE_CO, ST_CO_PIN);
	if (!err)
		err = st_init_role_pin(fd, SKS_ROLE_CU, ST_CU_PIN);
	if (!err)
		err = st_logout(fd);
	if (!err)
		err = st_login_as(fd, SKS_ROLE_CO, ST_CO_PIN, NULL);
	return err;
}

static inline void st_attrs_set(struct sks_obj_attrs *a, uint32_t class,
				 uint32_t key_type, uint32_t flags,
				 uint32_t value_len, const char *label)
{
	memset(a, 0, sizeof(*a));
	a->obj_class = class;
	a->key_type = key_type;
	a->flags = flags;
	a->value_len = value_len;
	if (label) {
		a->label_len = strlen(label);
		memcpy(a->label, label, a->label_len);
	}
}

/* Import a key or data object; returns the handle or -errno. */
static inline int64_t st_import(int fd, const struct sks_obj_attrs *a,
				 const void *value, uint32_t *result)
{
	struct sks_create_object co = { .value = st_ptr(value), .attrs = *a };
	int err = st_ioc(fd, SKS_IOC_CREATE_OBJECT, &co);

	if (result)
		*result = co.result;
	return err ? err : (int64_t)co.handle;
}

static inline int64_t st_import_aes(int fd, const uint8_t *key, uint32_t len,
				     uint32_t flags)
{
	struct sks_obj_attrs a;

	st_attrs_set(&a, SKS_CKO_SECRET_KEY, SKS_CKK_AES, flags, len, "aes");
	return st_import(fd, &a, key, NULL);
}

static inline int64_t st_import_data(int fd, const void *data, uint32_t len,
				      uint32_t flags)
{
	struct sks_obj_attrs a;

	st_attrs_set(&a, SKS_CKO_DATA, SKS_CKK_NONE, flags, len, "data");
	return st_import(fd, &a, data, NULL);
}

/* Find @needle in @hay. */
static inline int st_memmem(const void *hay, size_t hlen, const void *needle,
			     size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= hlen; i++)
		if (!memcmp((const char *)hay + i, needle, nlen))
			return 1;
	return 0;
}

/* ---- Backup HSMs and archives ---- */

#define ST_BK_SO		"backup-so-secret"
#define ST_BK_USER		"archive-user-1"
#define ST_PART_SO		"partition-so"
#define ST_PART_CO		"crypto-officer"

/* Log in as @role (SKS_ROLE_*) with @pin. */
static inline int st_login(int fd, uint32_t role, const char *pin)
{
	return st_login_as(fd, role, pin, NULL);
}

/*
 * Create and initialise a partition of @type in @domain, set up its CO;
 * returns an open session logged in as CO (or -errno), the slot number
 * in *@slot.
 */
static inline int st_partition_cap(int ctl, __u32 type, const char *domain,
				   int *slot, __u64 capacity)
{
	struct sks_partition_init pi = {
		.so_pin = st_ptr(ST_PART_SO), .so_pin_len = strlen(ST_PART_SO),
		.domain = st_ptr(domain), .domain_len = strlen(domain),
	};
	struct sks_init_role ir = { .role = SKS_ROLE_CO, .pin = st_ptr(ST_PART_CO),
				    .pin_len = strlen(ST_PART_CO) };
	struct sks_simple lo = {};
	int fd, n;

	n = st_slot_create(ctl, type, NULL, NULL, capacity);
	if (n < 0)
		return n;
	*slot = n;
	fd = st_slot_open(n);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SKS_IOC_PARTITION_INIT, &pi) ||
	    st_login(fd, SKS_ROLE_SO, ST_PART_SO) ||
	    ioctl(fd, SKS_IOC_INIT_ROLE, &ir) ||
	    ioctl(fd, SKS_IOC_LOGOUT, &lo) ||
	    st_login(fd, SKS_ROLE_CO, ST_PART_CO)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

static inline int st_partition(int ctl, __u32 type, const char *domain,
			       int *slot)
{
	return st_partition_cap(ctl, type, domain, slot, 0);
}

static inline int st_info(int fd, struct sks_session_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, SKS_IOC_SESSION_INFO, info) ? -errno : 0;
}

/* SKS (V1) backup; fills @ab (result, name). Returns 0 or -errno. */
static inline int st_backup(int fd, __u32 backup_slot, const char *so,
			    const char *user, const char *name, __u32 flags,
			    struct sks_archive_backup *ab)
{
	memset(ab, 0, sizeof(*ab));
	ab->flags = flags;
	ab->backup_slot = backup_slot;
	ab->so_secret = st_ptr(so);
	ab->so_secret_len = strlen(so);
	ab->user_secret = st_ptr(user);
	ab->user_secret_len = strlen(user);
	if (name)
		strncpy((char *)ab->name, name, sizeof(ab->name));
	return ioctl(fd, SKS_IOC_ARCHIVE_BACKUP, ab) ? -errno : 0;
}

static inline int st_restore(int fd, __u32 backup_slot, const char *user,
			     const void *name, struct sks_archive_restore *ar)
{
	memset(ar, 0, sizeof(*ar));
	ar->backup_slot = backup_slot;
	ar->user_secret = st_ptr(user);
	ar->user_secret_len = strlen(user);
	memcpy(ar->name, name, strnlen(name, SKS_ARCHIVE_NAME_MAX));
	return ioctl(fd, SKS_IOC_ARCHIVE_RESTORE, ar) ? -errno : 0;
}

/* Number of archives on the Backup HSM slot open at @bfd, or -errno. */
static inline int st_archive_count(int bfd, const char *so)
{
	struct sks_archive_list al = {
		.entry_size = sizeof(struct sks_archive_entry),
		.so_secret = st_ptr(so), .so_secret_len = strlen(so),
	};

	if (ioctl(bfd, SKS_IOC_ARCHIVE_LIST, &al))
		return -errno;
	return al.count;
}

static inline int st_archive_show(int bfd, const char *so, const void *name,
			  struct sks_archive_show *as)
{
	memset(as, 0, sizeof(*as));
	as->so_secret = st_ptr(so);
	as->so_secret_len = strlen(so);
	memcpy(as->entry.name, name, strnlen(name, SKS_ARCHIVE_NAME_MAX));
	return ioctl(bfd, SKS_IOC_ARCHIVE_SHOW, as) ? -errno : 0;
}

/* A session AES-256 key that may be extracted; returns the handle. */
static inline int st_aes_key(int fd, __u32 *handle)
{
	struct sks_generate_key g = { .mechanism = SKS_CKM_AES_KEY_GEN };

	g.attrs.obj_class = SKS_CKO_SECRET_KEY;
	g.attrs.key_type = SKS_CKK_AES;
	g.attrs.value_len = 32;
	g.attrs.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_ENCRYPT |
			SKS_OBJ_DECRYPT | SKS_OBJ_SENSITIVE;
	if (ioctl(fd, SKS_IOC_GENERATE_KEY, &g))
		return -errno;
	*handle = g.handle;
	return 0;
}

/* A data object (token on V0); returns the handle. */
static inline int st_data(int fd, bool token, const char *label,
			  const void *val, __u32 len, __u32 *handle)
{
	struct sks_create_object c = { .value = st_ptr(val) };

	c.attrs.obj_class = SKS_CKO_DATA;
	c.attrs.value_len = len;
	c.attrs.flags = token ? SKS_OBJ_TOKEN : 0;
	c.attrs.label_len = strlen(label);
	memcpy(c.attrs.label, label, c.attrs.label_len);
	if (ioctl(fd, SKS_IOC_CREATE_OBJECT, &c))
		return -errno;
	*handle = c.handle;
	return 0;
}

/* Number of objects visible to the session, or -errno. */
static inline int st_nobjects(int fd)
{
	struct sks_find_objects f = {};

	if (ioctl(fd, SKS_IOC_FIND_OBJECTS, &f))
		return -errno;
	return f.count;
}

/* ---- keys, blobs, images, module parameters and reloads ---- */

#define ST_CU_SECRET		"crypto-user-1"

static inline double st_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A session key of @len bytes; AES (ENCRYPT/DECRYPT) or generic secret. */
static inline int st_genkey(int fd, bool aes, __u32 flags, __u32 *handle,
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

/* Charge of a key made by st_genkey() (driver: 64 + label + id + value). */
#define ST_KEY_CHARGE	(64 + 32)

static inline int st_extract(int fd, const __u32 *h, __u32 n, void *blob,
			     __u32 *len, __u32 flags, __u32 *result)
{
	struct sks_extract ex = { .flags = flags, .handles = st_ptr(h),
				  .count = n, .blob = st_ptr(blob),
				  .blob_len = *len };
	int err = ioctl(fd, SKS_IOC_EXTRACT, &ex) ? -errno : 0;

	*len = ex.blob_len;
	if (result)
		*result = ex.result;
	return err;
}

static inline int st_insert(int fd, const void *blob, __u32 len, __u32 *h,
			    __u32 *n, __u32 *result)
{
	struct sks_insert in = { .blob = st_ptr(blob), .blob_len = len,
				 .handles = st_ptr(h), .count = *n };
	int err = ioctl(fd, SKS_IOC_INSERT, &in) ? -errno : 0;

	*n = in.count;
	if (result)
		*result = in.result;
	return err;
}

static inline int st_destroy(int fd, __u32 handle, __u32 *result)
{
	struct sks_destroy_object d = { .handle = handle };
	int err = ioctl(fd, SKS_IOC_DESTROY_OBJECT, &d) ? -errno : 0;

	if (result)
		*result = d.result;
	return err;
}

static inline int st_encrypt(int fd, __u32 handle, __u32 *result)
{
	static const char msg[] = "robustness";
	unsigned char out[sizeof(msg) + SKS_GCM_TAG_LEN];
	struct sks_crypt c = { .handle = handle, .mechanism = SKS_CKM_AES_GCM,
			       .in = st_ptr(msg), .in_len = sizeof(msg),
			       .out = st_ptr(out), .out_len = sizeof(out) };
	int err = ioctl(fd, SKS_IOC_ENCRYPT, &c) ? -errno : 0;

	if (result)
		*result = c.result;
	return err;
}

static inline int st_sign(int fd, __u32 handle, __u32 *result)
{
	static const char msg[] = "robustness";
	unsigned char mac[32];
	struct sks_sign s = { .handle = handle,
			      .mechanism = SKS_CKM_SHA256_HMAC,
			      .data = st_ptr(msg), .data_len = sizeof(msg),
			      .sig = st_ptr(mac), .sig_len = sizeof(mac) };
	int err = ioctl(fd, SKS_IOC_SIGN, &s) ? -errno : 0;

	if (result)
		*result = s.result;
	return err;
}

static inline int st_rollover(int fd, __u32 flags, __u32 *result)
{
	struct sks_simple s = { .flags = flags };
	int err = ioctl(fd, SKS_IOC_SMK_ROLLOVER, &s) ? -errno : 0;

	if (result)
		*result = s.result;
	return err;
}

/* Image of a Backup HSM slot into a malloc'd buffer; returns 0 or -errno. */
static inline int st_image_save(int bfd, const char *so, unsigned char **img,
				__u32 *len, __u32 *result)
{
	struct sks_image_save is = { .so_secret = st_ptr(so),
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
		is.image = st_ptr(*img);
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
static inline int st_image_load(int ctl, const void *img, __u32 len,
				const char *so, __u32 *result)
{
	struct sks_image_load il = { .image = st_ptr(img), .image_len = len,
				     .so_secret = st_ptr(so),
				     .so_secret_len = strlen(so) };
	int err = ioctl(ctl, SKS_CTL_IMAGE_LOAD, &il) ? -errno : 0;

	if (result)
		*result = il.result;
	return err ? err : (int)il.slot;
}

/* The slot table; returns the number of slots (at most @max) or -errno. */
static inline int st_slots(int ctl, struct sks_slot_entry *e, __u32 max)
{
	struct sks_slot_list l = { .entries = st_ptr(e), .count = max,
				   .entry_size = sizeof(*e) };

	return ioctl(ctl, SKS_CTL_LIST_SLOTS, &l) ? -errno : (int)l.count;
}

/* The list entry of slot @slot, 0 or -ENOENT. */
static inline int st_slot_entry(int ctl, int slot, struct sks_slot_entry *out)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	int i, n = st_slots(ctl, e, SKS_MAX_SLOTS);

	for (i = 0; i < n; i++) {
		if ((int)e[i].slot == slot) {
			*out = e[i];
			return 0;
		}
	}
	return n < 0 ? n : -ENOENT;
}

/* Read a whole (small) file into @buf, NUL terminated; bytes or -errno. */
static inline ssize_t st_read_file(const char *path, char *buf, size_t len)
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
static inline long st_meminfo(const char *field)
{
	char buf[8192], *p;
	size_t flen = strlen(field);

	if (st_read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, field, flen) && p[flen] == ':')
			return strtol(p + flen + 1, NULL, 10);
	return -1;
}

/* Write a string to a (sysfs, debugfs, proc) file; 0 or -errno. */
static inline int st_write_file(const char *path, const char *fmt, ...)
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

/* ---- EC key pairs ---- */
/* An EC key pair on @fd; the private key signs and has usage limit @limit. */
static inline int st_ec_pair(int fd, __u32 curve, __u32 flags, __u64 limit,
			     __u32 *pub, __u32 *priv)
{
	struct sks_generate_key_pair kp = {
		.mechanism = SKS_CKM_EC_KEY_PAIR_GEN, .curve = curve,
		.attrs_size = sizeof(struct sks_obj_attrs),
	};
	struct sks_obj_attrs pa = { .obj_class = SKS_CKO_PUBLIC_KEY,
				    .key_type = SKS_CKK_EC,
				    .flags = flags | SKS_OBJ_VERIFY };
	struct sks_obj_attrs qa = { .obj_class = SKS_CKO_PRIVATE_KEY,
				    .key_type = SKS_CKK_EC,
				    .flags = flags | SKS_OBJ_SIGN |
					     SKS_OBJ_SENSITIVE | SKS_OBJ_PRIVATE,
				    .usage_limit = limit };

	kp.pub_attrs = st_ptr(&pa);
	kp.priv_attrs = st_ptr(&qa);
	if (ioctl(fd, SKS_IOC_GENERATE_KEY_PAIR, &kp))
		return -errno;
	*pub = kp.pub_handle;
	*priv = kp.priv_handle;
	return 0;
}

/* An EC public key's point. */
static inline int st_ec_point(int fd, __u32 pub, __u8 *pt, __u32 *len)
{
	struct sks_get_value gv = { .handle = pub, .buf = st_ptr(pt),
				    .len = *len };

	if (ioctl(fd, SKS_IOC_GET_VALUE, &gv))
		return -errno;
	*len = gv.len;
	return 0;
}

/* Sign (@verify false) or verify @msg with ECDSA_SHA256; the CKR in @ckr. */
static inline int st_ecdsa(int fd, bool verify, __u32 key, const char *msg,
			   __u8 *sig, __u32 *sig_len, __u32 *ckr)
{
	struct sks_sign s = { .handle = key,
			      .mechanism = SKS_CKM_ECDSA_SHA256,
			      .data = st_ptr(msg), .data_len = strlen(msg),
			      .sig = st_ptr(sig), .sig_len = *sig_len };
	int err = ioctl(fd, verify ? SKS_IOC_VERIFY : SKS_IOC_SIGN, &s) ?
		  -errno : 0;

	if (!verify)
		*sig_len = s.sig_len;
	*ckr = s.result;
	return err;
}

/* An object's usage count, or ~0 if it cannot be read. */
static inline __u64 st_use_count(int fd, __u32 handle)
{
	struct sks_get_attrs ga = { .handle = handle };

	if (ioctl(fd, SKS_IOC_GET_ATTRS, &ga))
		return ~0ULL;
	return ga.attrs.usage_count;
}

/* ---- loading sks with other module parameters ---- */

/*
 * The parameters sks is loaded with now, as "name=value ..." for
 * st_load_sks() (serial left out: every load picks its own). Returns 0 or
 * -errno.
 */
static inline int st_sks_params(char *buf, size_t len)
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
		if (st_read_file(path, val, sizeof(val)) <= 0)
			continue;
		val[strcspn(val, "\n")] = 0;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s=%s", used ? " " : "", de->d_name, val);
	}
	closedir(d);
	return used < len ? 0 : -ENAMETOOLONG;
}

/* Unload sks (waiting a little for files closed a moment ago); 0 or -errno. */
static inline int st_unload_sks(void)
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
static inline int st_load_sks(const char *params)
{
	char path[128], cmd[300];
	struct utsname u;
	int fd, err, i;

	err = st_unload_sks();
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

/* ---- skscm and libsks ---- */

#define ST_SO_PW	"so-secret"
#define ST_CO_PW	"co-secret"
#define ST_BK_PW	"bk-secret"
#define ST_US_PW	"us-secret"

/* printf into a new string (the tests free it). */
static inline char *st_fmt(const char *fmt, ...)
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
 * prints is collected in @out; keys are sent to it, and st_pty_expect()
 * waits for text to appear. The parent keeps the terminal's slave side
 * open, so that its settings can be read after skscm has exited.
 */
struct st_pty {
	int master, slave;
	pid_t pid;
	char *out;
	size_t len, room, seen;	/* seen: st_pty_expect() matched up to here */
};

/* Start @prog (a path, or a name looked up in PATH) with @args (NULL
 * terminated, without argv[0]). 0 or -1. */
static inline int st_pty_start(struct st_pty *t, const char *prog,
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
static inline void st_pty_read(struct st_pty *t, int ms, const char *needle)
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
static inline int st_pty_expect(struct st_pty *t, const char *needle, int ms)
{
	char *hit;

	st_pty_read(t, ms, needle);
	hit = strstr(t->out + t->seen, needle);
	if (!hit)
		return -1;
	t->seen = hit - t->out + strlen(needle);
	return 0;
}

static inline int st_pty_send(struct st_pty *t, const char *keys)
{
	size_t len = strlen(keys);

	return write(t->master, keys, len) == (ssize_t)len ? 0 : -1;
}

/* Wait (at most @ms) for skscm to end: its wait status, or -1. */
static inline int st_pty_wait(struct st_pty *t, int ms)
{
	int st;

	for (int i = 0; i < ms / 20; i++) {
		st_pty_read(t, 20, NULL);
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			st_pty_read(t, 50, NULL);
			return st;
		}
	}
	return -1;
}

static inline void st_pty_close(struct st_pty *t)
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
static inline int st_skscm_run(const char *prefix, const char *args,
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
	cmd = st_fmt("%s skscm %s <%s 2>&1", prefix ? prefix : "",
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

static inline int st_skscm(const char *script, char **out)
{
	return st_skscm_run(NULL, NULL, script, out);
}

/* A new, initialised partition of @type with ST_CO_PW set; ~0U on failure. */
static inline unsigned int st_lib_partition(struct sks_hsm *hsm, unsigned int type,
					const char *domain)
{
	struct sks_session *s;
	unsigned int slot;

	if (sks_hsm_create_partition(hsm, type, 0, &slot))
		return ~0U;
	s = sks_session_open(slot);
	if (!s || sks_session_init_partition(s, ST_SO_PW, domain, "cm") ||
	    sks_session_login(s, SKS_ROLE_SO, ST_SO_PW) ||
	    sks_session_init_role(s, SKS_ROLE_CO, ST_CO_PW)) {
		sks_session_close(s);
		sks_hsm_delete_slot(hsm, slot);
		return ~0U;
	}
	sks_session_close(s);
	return slot;
}

/* A session on @slot logged in as CO, or NULL. */
static inline struct sks_session *st_lib_co(unsigned int slot)
{
	struct sks_session *s = sks_session_open(slot);

	if (s && sks_session_login(s, SKS_ROLE_CO, ST_CO_PW)) {
		sks_session_close(s);
		return NULL;
	}
	return s;
}

/* Number of archives on Backup HSM @slot, or -1. */
static inline int st_lib_archives(unsigned int slot)
{
	struct sks_session *b = sks_session_open(slot);
	struct sks_archives *l = b ? sks_backup_list_archives(b, ST_BK_PW) : NULL;
	int n = l ? (int)sks_archives_get_count(l) : -1;

	sks_archives_free(l);
	sks_session_close(b);
	return n;
}

/* Number of slots of the HSM, or -1. */
static inline int st_lib_slots(struct sks_hsm *hsm)
{
	struct sks_slots *l = sks_hsm_list_slots(hsm);
	int n = l ? (int)sks_slots_get_count(l) : -1;

	sks_slots_free(l);
	return n;
}

/* The primary SMK fingerprint of @slot as hex into @hex (65 bytes). */
static inline int st_lib_smk_hex(unsigned int slot, char *hex)
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

/* ---- the PKCS#11 module ---- */

#define ST_P11_MODULE	"/usr/local/lib/libsks-pkcs11.so"

struct st_p11 {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SFNT_CA_FUNCTION_LIST_PTR ca;
	int ctl;
	int slot;		/* the partition made for the test */
};

static inline const char *st_p11_module(void)
{
	const char *m = getenv("SKS_PKCS11_MODULE");

	return m && *m ? m : ST_P11_MODULE;
}

/* Load the module and take both function lists; 0 or -1. */
static inline int st_p11_load(struct st_p11 *t)
{
	CK_RV (*gfl)(CK_FUNCTION_LIST_PTR_PTR);
	CK_RV (*cagfl)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR);

	memset(t, 0, sizeof(*t));
	t->slot = -1;
	t->ctl = -1;
	t->dl = dlopen(st_p11_module(), RTLD_NOW | RTLD_LOCAL);
	if (!t->dl)
		return -1;
	gfl = (CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(t->dl,
							   "C_GetFunctionList");
	cagfl = (CK_RV (*)(CK_SFNT_CA_FUNCTION_LIST_PTR_PTR))
		dlsym(t->dl, "CA_GetFunctionList");
	if (!gfl || !cagfl || gfl(&t->f) != CKR_OK || cagfl(&t->ca) != CKR_OK)
		return -1;
	return 0;
}

/*
 * A new uninitialised partition of @type (SKS_SLOT_V0/V1) initialised
 * through the module: C_InitToken, the SO logs in, C_InitPIN. Leaves the
 * module initialised with no session open. 0 or a CK_RV / -errno.
 */
static inline long st_p11_token(struct st_p11 *t, uint32_t type, const char *label)
{
	CK_UTF8CHAR lab[32];
	CK_SESSION_HANDLE h;
	CK_RV rv;

	t->ctl = st_ctl_open();
	if (t->ctl < 0)
		return -errno;
	t->slot = st_slot_new(t->ctl, type, 0);
	if (t->slot < 0)
		return t->slot;
	rv = t->f->C_Initialize(NULL);
	if (rv != CKR_OK)
		return rv;
	memset(lab, ' ', sizeof(lab));
	memcpy(lab, label, strlen(label));
	rv = t->f->C_InitToken(t->slot, (CK_UTF8CHAR_PTR)ST_SO_PIN,
			       strlen(ST_SO_PIN), lab);
	if (rv != CKR_OK)
		return rv;
	rv = t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				 NULL, NULL, &h);
	if (rv == CKR_OK)
		rv = t->f->C_Login(h, CKU_SO, (CK_UTF8CHAR_PTR)ST_SO_PIN,
				   strlen(ST_SO_PIN));
	if (rv == CKR_OK)
		rv = t->f->C_InitPIN(h, (CK_UTF8CHAR_PTR)ST_CO_PIN,
				     strlen(ST_CO_PIN));
	if (rv == CKR_OK)
		rv = t->f->C_Logout(h);
	t->f->C_CloseSession(h);
	return rv;
}

/* A R/W session logged in as the user (Crypto Officer). */
static inline CK_RV st_p11_user(struct st_p11 *t, CK_SESSION_HANDLE *h)
{
	CK_RV rv;

	rv = t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				 NULL, NULL, h);
	if (rv != CKR_OK)
		return rv;
	rv = t->f->C_Login(*h, CKU_USER, (CK_UTF8CHAR_PTR)ST_CO_PIN,
			   strlen(ST_CO_PIN));
	return rv == CKR_USER_ALREADY_LOGGED_IN ? CKR_OK : rv;
}

static inline void st_p11_done(struct st_p11 *t)
{
	if (t->f)
		t->f->C_Finalize(NULL);
	if (t->ctl >= 0 && t->slot >= 0)
		st_slot_del(t->ctl, t->slot);
	if (t->ctl >= 0)
		close(t->ctl);
	if (t->dl)
		dlclose(t->dl);
}

static const CK_BBOOL st_p11_true = CK_TRUE, st_p11_false = CK_FALSE;

/* A session AES key (CKM_AES_KEY_GEN) of @len bytes. */
static inline CK_RV st_p11_aes(struct st_p11 *t, CK_SESSION_HANDLE h, CK_ULONG len,
			     const char *label, CK_OBJECT_HANDLE *key)
{
	CK_MECHANISM m = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_VALUE_LEN, &len, sizeof(len) },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_ENCRYPT, (void *)&st_p11_true, 1 },
		{ CKA_DECRYPT, (void *)&st_p11_true, 1 },
	};

	return t->f->C_GenerateKey(h, &m, tmpl, 4, key);
}

/* A session generic secret imported with a known value. */
static inline CK_RV st_p11_hmac_key(struct st_p11 *t, CK_SESSION_HANDLE h,
				  const void *v, CK_ULONG len,
				  const char *label, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_VALUE, (void *)v, len },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_SIGN, (void *)&st_p11_true, 1 },
		{ CKA_VERIFY, (void *)&st_p11_true, 1 },
	};

	return t->f->C_CreateObject(h, tmpl, 6, key);
}

#endif /* SKS_SELFTEST_COMMON_H */
