// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - the slots it works on: the provisioned V0, V1 and Backup
 * slots (roles set, blobs and an image made), slots deleted and replaced,
 * descriptors closed and reopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

int xioctl(int fd, unsigned long nr, void *arg)
{
	return ioctl(fd, nr, arg) ? -errno : 0;
}

int open_slot(uint32_t slot)
{
	char path[32];

	snprintf(path, sizeof(path), SKS_SLOT_DEVICE_FMT, slot);
	return open(path, O_RDWR | O_CLOEXEC);
}

int login_role(int fd, uint32_t role, const char *pin)
{
	struct sks_login l = {
		.role = role, .pin = (uintptr_t)pin, .pin_len = strlen(pin),
	};

	return xioctl(fd, SKS_IOC_LOGIN, &l);
}

static int init_role(int fd, uint32_t role, const char *pin)
{
	struct sks_init_role ir = {
		.role = role, .pin = (uintptr_t)pin, .pin_len = strlen(pin),
	};

	return xioctl(fd, SKS_IOC_INIT_ROLE, &ir);
}

/* Create a slot of @type and make it usable: roles, for partitions. */
int provision(int ctl, uint32_t type)
{
	struct sks_slot_create sc = { .type = type };
	struct sks_partition_init pi = {
		.so_pin = (uintptr_t)SO_PIN, .so_pin_len = strlen(SO_PIN),
		.domain = (uintptr_t)DOMAIN, .domain_len = strlen(DOMAIN),
		.label = "sks-fuzz",
	};
	struct sks_simple lo = { 0 };
	int fd, err;

	if (type == SKS_SLOT_BACKUP) {
		sc.so_secret = (uintptr_t)HSM_SO;
		sc.so_secret_len = strlen(HSM_SO);
	}
	err = xioctl(ctl, SKS_CTL_CREATE_SLOT, &sc);
	if (err)
		return err;
	INC(st->slots_created);
	if (type == SKS_SLOT_BACKUP)
		return sc.slot;
	fd = open_slot(sc.slot);
	if (fd < 0)
		return sc.slot;	/* deleted meanwhile: still a number */
	if (!xioctl(fd, SKS_IOC_PARTITION_INIT, &pi) &&
	    !login_role(fd, SKS_ROLE_SO, SO_PIN)) {
		init_role(fd, SKS_ROLE_CO, CO_PIN);
		init_role(fd, SKS_ROLE_CU, CU_PIN);
		xioctl(fd, SKS_IOC_LOGOUT, &lo);
	}
	close(fd);
	return sc.slot;
}

const uint32_t live_types[NR_LIVE] = {
	SKS_SLOT_V0, SKS_SLOT_V1, SKS_SLOT_BACKUP,
};

/* Delete a slot (never one that was there before us), maybe replace it. */
void churn(struct worker *w)
{
	struct sks_slot_delete d = { 0 };
	int k = rnd(&w->rng, NR_LIVE);

	d.slot = chance(&w->rng, 10) ?
		 __atomic_load_n(&st->live[k], __ATOMIC_RELAXED) :
		 chance(&w->rng, 80) ? pick_created(w) :
		 rnd(&w->rng, SKS_MAX_SLOTS + 4);
	if (d.slot < SKS_MAX_SLOTS && preexisting[d.slot])
		return;
	INC(st->calls);
	if (xioctl(proc.fds[0], SKS_CTL_DELETE_SLOT, &d)) {
		INC(st->err[errno < ERRNO_MAX ? errno : 0]);
		return;
	}
	INC(st->ok);
	INC(st->slots_deleted);
	forget_slot(d.slot);
	replace_live(d.slot);
}

/* A provisioned slot was deleted: make another of its type. */
void replace_live(uint32_t slot)
{
	int k, s;

	for (k = 0; k < NR_LIVE; k++) {
		if (__atomic_load_n(&st->live[k], __ATOMIC_RELAXED) != slot)
			continue;
		s = provision(proc.fds[0], live_types[k]);
		if (s >= 0) {
			__atomic_store_n(&st->live[k], s, __ATOMIC_RELAXED);
			INC(st->reprovisioned);
		}
	}
}

/*
 * Random wrong secrets reach the bad-attempt limits of the provisioned
 * slots: a locked CO or CU, a partition zeroized by ten wrong SO secrets,
 * a Backup HSM whose SO is locked out for minutes. Such a slot no longer
 * lets calls reach deep paths: replace it with a fresh one.
 */
void heal(struct worker *w)
{
	const uint32_t stuck = SKS_STATE_CO_LOCKED | SKS_STATE_CU_LOCKED |
			       SKS_STATE_SO_LOCKED | SKS_STATE_ZEROIZED;
	struct sks_session_info si = { 0 };
	struct sks_slot_delete d = { 0 };
	int fd, err;

	d.slot = __atomic_load_n(&st->live[rnd(&w->rng, NR_LIVE)],
				 __ATOMIC_RELAXED);
	fd = open_slot(d.slot);
	if (fd < 0)
		return;
	err = xioctl(fd, SKS_IOC_SESSION_INFO, &si);
	close(fd);
	if (err || (!(si.state & stuck) && (si.type == SKS_SLOT_BACKUP ||
					     (si.state & SKS_STATE_INITIALIZED))))
		return;
	if (xioctl(proc.fds[0], SKS_CTL_DELETE_SLOT, &d))
		return;
	INC(st->healed);
	forget_slot(d.slot);
	replace_live(d.slot);
}

/* Close and reopen one of the process's descriptors. */
void reopen(struct worker *w)
{
	int i = rnd(&w->rng, NR_FDS), fd, old, k, type = -1;
	uint32_t slot;

	if (i == 0) {
		fd = open(SKS_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	} else {
		k = rnd(&w->rng, NR_LIVE);
		slot = st->live[k];
		type = live_types[k];
		if (chance(&w->rng, 15)) {
			slot = rnd(&w->rng, SKS_MAX_SLOTS + 2);
			type = -1;
		}
		if (slot < SKS_MAX_SLOTS && preexisting[slot])
			slot = st->live[0];
		fd = open_slot(slot);
		if (fd < 0) {
			/* count the miss, then take a slot that exists */
			INC(st->opens);
			INC(st->open_fail);
			INC(st->open_err[errno < ERRNO_MAX ? errno : 0]);
			k = rnd(&w->rng, NR_LIVE);
			fd = open_slot(st->live[k]);
			type = live_types[k];
		}
		if (fd >= 0 && chance(&w->rng, 50))
			login_role(fd, chance(&w->rng, 80) ? SKS_ROLE_CO :
			      SKS_ROLE_CU, chance(&w->rng, 80) ? CO_PIN : CU_PIN);
	}
	INC(st->opens);
	if (fd < 0) {
		INC(st->open_fail);
		INC(st->open_err[errno < ERRNO_MAX ? errno : 0]);
	}
	__atomic_store_n(&proc.types[i], type, __ATOMIC_RELAXED);
	for (k = 0; k < FD_HANDLES; k++)
		__atomic_store_n(&fd_handles[i][k], 0, __ATOMIC_RELAXED);
	old = __atomic_exchange_n(&proc.fds[i], fd, __ATOMIC_RELAXED);
	if (old >= 0 && chance(&w->rng, 95)) {
		close(old);
		INC(st->closes);
	}
}

/* Blobs and an image for the samples, made the honest way. */
void make_samples(void)
{
	struct sks_generate_key g = {
		.mechanism = SKS_CKM_AES_KEY_GEN,
		.attrs = {
			.obj_class = SKS_CKO_SECRET_KEY, .key_type = SKS_CKK_AES,
			.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE |
				 SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT,
			.value_len = 32, .label_len = 4, .label = "fuzz",
		},
	};
	struct sks_generate_key hm = g;
	static uint8_t buf[SKS_MAX_BLOB_SIZE];
	uint32_t handles[2];
	struct sks_extract ex = {
		.handles = (uintptr_t)handles, .blob = (uintptr_t)buf,
		.blob_len = sizeof(buf),
	};
	struct sks_archive_backup ab = {
		.so_secret = (uintptr_t)HSM_SO, .so_secret_len = strlen(HSM_SO),
		.user_secret = (uintptr_t)USER_SECRET,
		.user_secret_len = strlen(USER_SECRET),
	};
	struct sks_image_save is = {
		.image = (uintptr_t)buf, .image_len = sizeof(buf),
		.so_secret = (uintptr_t)HSM_SO, .so_secret_len = strlen(HSM_SO),
	};
	int v0, v1, bk, i;

	v0 = open_slot(st->live[0]);
	v1 = open_slot(st->live[1]);
	bk = open_slot(st->live[2]);
	if (v1 >= 0 && !login_role(v1, SKS_ROLE_CO, CO_PIN)) {
		hm.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN;
		hm.attrs.key_type = SKS_CKK_GENERIC_SECRET;
		hm.attrs.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN |
				 SKS_OBJ_VERIFY;
		hm.attrs.value_len = 64;
		if (!xioctl(v1, SKS_IOC_GENERATE_KEY, &g) &&
		    !xioctl(v1, SKS_IOC_GENERATE_KEY, &hm)) {
			learn_handle(NULL, g.handle);
			learn_handle(NULL, hm.handle);
			handles[0] = g.handle;
			handles[1] = hm.handle;
			for (i = 1; i <= 2; i++) {
				ex.count = i;
				ex.blob_len = sizeof(buf);
				if (!xioctl(v1, SKS_IOC_EXTRACT, &ex)) {
					sample_put(&blobs[i - 1], buf,
						   ex.blob_len);
					sample_put(&blobs[i + 1], buf,
						   ex.blob_len);
				}
			}
		} else {
			fprintf(stderr, "sks-fuzz: setup: no key: %m\n");
		}
		ab.backup_slot = st->live[2];
		if (xioctl(v1, SKS_IOC_ARCHIVE_BACKUP, &ab))
			fprintf(stderr, "sks-fuzz: setup: SKS backup: %m\n");
	}
	if (v0 >= 0 && !login_role(v0, SKS_ROLE_CO, CO_PIN)) {
		struct sks_create_object co = {
			.value = (uintptr_t)"token data",
			.attrs = { .obj_class = SKS_CKO_DATA,
				   .flags = SKS_OBJ_TOKEN, .value_len = 10 },
		};

		if (!xioctl(v0, SKS_IOC_CREATE_OBJECT, &co))
			learn_handle(NULL, co.handle);
		memset(ab.name, 0, sizeof(ab.name));
		memcpy(ab.name, "fuzz-clone", 10);
		ab.backup_slot = st->live[2];
		if (xioctl(v0, SKS_IOC_ARCHIVE_BACKUP, &ab))
			fprintf(stderr, "sks-fuzz: setup: clone backup: %m\n");
	}
	if (bk >= 0) {
		if (!xioctl(bk, SKS_IOC_IMAGE_SAVE, &is)) {
			sample_put(&images[0], buf, is.image_len);
			sample_put(&images[1], buf, is.image_len);
		} else {
			fprintf(stderr, "sks-fuzz: setup: image save: %m\n");
		}
	}
	for (i = 0; i < 2; i++)
		if (!blobs[i].len)
			fprintf(stderr, "sks-fuzz: setup: no blob sample %d\n",
				i);
	if (v0 >= 0)
		close(v0);
	if (v1 >= 0)
		close(v1);
	if (bk >= 0)
		close(bk);
}

/* Slots that exist now, as a bitmap; -errno on error. */
int64_t slot_map(int ctl)
{
	struct sks_slot_entry e[SKS_MAX_SLOTS];
	struct sks_slot_list l = {
		.entries = (uintptr_t)e, .count = SKS_MAX_SLOTS,
		.entry_size = sizeof(e[0]),
	};
	int64_t map = 0;
	uint32_t i;
	int err = xioctl(ctl, SKS_CTL_LIST_SLOTS, &l);

	if (err)
		return err;
	for (i = 0; i < l.count && i < SKS_MAX_SLOTS; i++)
		if (e[i].slot < SKS_MAX_SLOTS)
			map |= 1LL << e[i].slot;
	return map;
}
