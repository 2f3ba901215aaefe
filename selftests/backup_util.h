/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the Backup HSM selftests: slots, partitions and the archive
 * ioctls, straight over the uapi header.
 */
#ifndef BACKUP_UTIL_H
#define BACKUP_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sks.h>

#define BK_SO		"backup-so-secret"
#define BK_USER		"archive-user-1"
#define PART_SO		"partition-so"
#define PART_CO		"crypto-officer"
#define PTR(p)		((__u64)(uintptr_t)(p))

static inline int bk_ctl(void)
{
	return open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
}

/* Create a slot; returns its number or -errno. */
static inline int bk_create(int ctl, __u32 type, const char *fw,
			    const char *so, __u64 capacity)
{
	struct sks_slot_create c = { .type = type, .capacity = capacity };

	if (fw)
		strncpy((char *)c.fw_version, fw, sizeof(c.fw_version) - 1);
	if (so) {
		c.so_secret = PTR(so);
		c.so_secret_len = strlen(so);
	}
	if (ioctl(ctl, SKS_CTL_CREATE_SLOT, &c))
		return -errno;
	return c.slot;
}

static inline int bk_delete(int ctl, __u32 slot)
{
	struct sks_slot_delete d = { .slot = slot };

	return ioctl(ctl, SKS_CTL_DELETE_SLOT, &d) ? -errno : 0;
}

static inline int bk_open(__u32 slot)
{
	char path[32];

	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	return open(path, O_RDWR | O_CLOEXEC);
}

static inline int bk_login(int fd, __u32 role, const char *pin)
{
	struct sks_login l = { .role = role, .pin = PTR(pin),
			       .pin_len = strlen(pin) };

	return ioctl(fd, SKS_IOC_LOGIN, &l) ? -errno : 0;
}

/*
 * Create and initialise a partition of @type in @domain, set up its CO;
 * returns an open session logged in as CO (or -errno), the slot number
 * in *@slot.
 */
static inline int bk_partition_cap(int ctl, __u32 type, const char *domain,
				   int *slot, __u64 capacity)
{
	struct sks_partition_init pi = {
		.so_pin = PTR(PART_SO), .so_pin_len = strlen(PART_SO),
		.domain = PTR(domain), .domain_len = strlen(domain),
	};
	struct sks_init_role ir = { .role = SKS_ROLE_CO, .pin = PTR(PART_CO),
				    .pin_len = strlen(PART_CO) };
	struct sks_simple lo = {};
	int fd, n;

	n = bk_create(ctl, type, NULL, NULL, capacity);
	if (n < 0)
		return n;
	*slot = n;
	fd = bk_open(n);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SKS_IOC_PARTITION_INIT, &pi) ||
	    bk_login(fd, SKS_ROLE_SO, PART_SO) ||
	    ioctl(fd, SKS_IOC_INIT_ROLE, &ir) ||
	    ioctl(fd, SKS_IOC_LOGOUT, &lo) ||
	    bk_login(fd, SKS_ROLE_CO, PART_CO)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

static inline int bk_partition(int ctl, __u32 type, const char *domain,
			       int *slot)
{
	return bk_partition_cap(ctl, type, domain, slot, 0);
}

static inline int bk_info(int fd, struct sks_session_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, SKS_IOC_SESSION_INFO, info) ? -errno : 0;
}

/* SKS (V1) backup; fills @ab (result, name). Returns 0 or -errno. */
static inline int bk_backup(int fd, __u32 backup_slot, const char *so,
			    const char *user, const char *name, __u32 flags,
			    struct sks_archive_backup *ab)
{
	memset(ab, 0, sizeof(*ab));
	ab->flags = flags;
	ab->backup_slot = backup_slot;
	ab->so_secret = PTR(so);
	ab->so_secret_len = strlen(so);
	ab->user_secret = PTR(user);
	ab->user_secret_len = strlen(user);
	if (name)
		strncpy((char *)ab->name, name, sizeof(ab->name));
	return ioctl(fd, SKS_IOC_ARCHIVE_BACKUP, ab) ? -errno : 0;
}

static inline int bk_restore(int fd, __u32 backup_slot, const char *user,
			     const void *name, struct sks_archive_restore *ar)
{
	memset(ar, 0, sizeof(*ar));
	ar->backup_slot = backup_slot;
	ar->user_secret = PTR(user);
	ar->user_secret_len = strlen(user);
	memcpy(ar->name, name, strnlen(name, SKS_ARCHIVE_NAME_MAX));
	return ioctl(fd, SKS_IOC_ARCHIVE_RESTORE, ar) ? -errno : 0;
}

/* Number of archives on the Backup HSM slot open at @bfd, or -errno. */
static inline int bk_count(int bfd, const char *so)
{
	struct sks_archive_list al = {
		.entry_size = sizeof(struct sks_archive_entry),
		.so_secret = PTR(so), .so_secret_len = strlen(so),
	};

	if (ioctl(bfd, SKS_IOC_ARCHIVE_LIST, &al))
		return -errno;
	return al.count;
}

static inline int bk_show(int bfd, const char *so, const void *name,
			  struct sks_archive_show *as)
{
	memset(as, 0, sizeof(*as));
	as->so_secret = PTR(so);
	as->so_secret_len = strlen(so);
	memcpy(as->entry.name, name, strnlen(name, SKS_ARCHIVE_NAME_MAX));
	return ioctl(bfd, SKS_IOC_ARCHIVE_SHOW, as) ? -errno : 0;
}

/* A session AES-256 key that may be extracted; returns the handle. */
static inline int bk_aes_key(int fd, __u32 *handle)
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
static inline int bk_data(int fd, bool token, const char *label,
			  const void *val, __u32 len, __u32 *handle)
{
	struct sks_create_object c = { .value = PTR(val) };

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
static inline int bk_nobjects(int fd)
{
	struct sks_find_objects f = {};

	if (ioctl(fd, SKS_IOC_FIND_OBJECTS, &f))
		return -errno;
	return f.count;
}

/* An EC key pair on @fd; the private key signs and has usage limit @limit. */
static inline int bk_ec_pair(int fd, __u32 curve, __u32 flags, __u64 limit,
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

	kp.pub_attrs = PTR(&pa);
	kp.priv_attrs = PTR(&qa);
	if (ioctl(fd, SKS_IOC_GENERATE_KEY_PAIR, &kp))
		return -errno;
	*pub = kp.pub_handle;
	*priv = kp.priv_handle;
	return 0;
}

/* An EC public key's point. */
static inline int bk_ec_point(int fd, __u32 pub, __u8 *pt, __u32 *len)
{
	struct sks_get_value gv = { .handle = pub, .buf = PTR(pt),
				    .len = *len };

	if (ioctl(fd, SKS_IOC_GET_VALUE, &gv))
		return -errno;
	*len = gv.len;
	return 0;
}

/* Sign (@verify false) or verify @msg with ECDSA_SHA256; the CKR in @ckr. */
static inline int bk_ecdsa(int fd, bool verify, __u32 key, const char *msg,
			   __u8 *sig, __u32 *sig_len, __u32 *ckr)
{
	struct sks_sign s = { .handle = key,
			      .mechanism = SKS_CKM_ECDSA_SHA256,
			      .data = PTR(msg), .data_len = strlen(msg),
			      .sig = PTR(sig), .sig_len = *sig_len };
	int err = ioctl(fd, verify ? SKS_IOC_VERIFY : SKS_IOC_SIGN, &s) ?
		  -errno : 0;

	if (!verify)
		*sig_len = s.sig_len;
	*ckr = s.result;
	return err;
}

/* An object's usage count, or ~0 if it cannot be read. */
static inline __u64 bk_use_count(int fd, __u32 handle)
{
	struct sks_get_attrs ga = { .handle = handle };

	if (ioctl(fd, SKS_IOC_GET_ATTRS, &ga))
		return ~0ULL;
	return ga.attrs.usage_count;
}

#endif /* BACKUP_UTIL_H */
