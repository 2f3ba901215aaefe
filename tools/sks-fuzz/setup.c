// SPDX-License-Identifier: GPL-2.0
/*
 * sks-fuzz - the slots it works on: the provisioned V0, V1 and Backup
 * slots (roles set, blobs, EC public keys, state records and an image
 * made), slots deleted and replaced, descriptors closed and reopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
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

/* As the partition SO: set the CO and CU secrets. */
static void set_roles(int fd)
{
	struct sks_simple lo = { 0 };

	if (!login_role(fd, SKS_ROLE_SO, SO_PIN)) {
		init_role(fd, SKS_ROLE_CO, CO_PIN);
		init_role(fd, SKS_ROLE_CU, CU_PIN);
		xioctl(fd, SKS_IOC_LOGOUT, &lo);
	}
}

/*
 * A provisioned partition was re-initialised through @fd: it has no CO
 * or CU now (and a V1 partition a new SMK): set them again.
 */
void restore_roles(int fd)
{
	struct sks_session_info si = { 0 };
	int k, sfd;

	if (xioctl(fd, SKS_IOC_SESSION_INFO, &si))
		return;
	for (k = 0; k < NR_LIVE; k++)
		if (__atomic_load_n(&st->live[k], __ATOMIC_RELAXED) == si.slot)
			break;
	if (k == NR_LIVE || si.type == SKS_SLOT_BACKUP)
		return;
	sfd = open_slot(si.slot);
	if (sfd < 0)
		return;
	set_roles(sfd);
	close(sfd);
	if (si.type == SKS_SLOT_V1)
		make_v1_samples(si.slot);
}

/* Log a partition descriptor of the process in as CO again. */
void relogin(struct worker *w)
{
	int k = 1 + rnd(&w->rng, NR_FDS - 1);
	int t = __atomic_load_n(&proc.types[k], __ATOMIC_RELAXED);

	if (t == SKS_SLOT_V0 || t == SKS_SLOT_V1)
		login_role(__atomic_load_n(&proc.fds[k], __ATOMIC_RELAXED),
			   SKS_ROLE_CO, CO_PIN);
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
	if (!xioctl(fd, SKS_IOC_PARTITION_INIT, &pi))
		set_roles(fd);
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
			/* blobs of the old SMK insert nowhere now */
			if (live_types[k] == SKS_SLOT_V1)
				make_v1_samples(s);
		}
	}
}

/*
 * Random wrong secrets reach the bad-attempt limits of the provisioned
 * slots: a locked CO or CU, a partition zeroized by ten wrong SO secrets,
 * a Backup HSM whose SO is locked out for minutes, a V1 partition whose
 * blob authorisations are locked out. Such a slot no longer lets calls
 * reach deep paths: replace it with a fresh one.
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
	/* (a partition re-initialised has no CO until restore_roles()) */
	if (err || (!(si.state & stuck) && !si.sim_lockout_secs &&
		    (si.type == SKS_SLOT_BACKUP ||
		     ((si.state & SKS_STATE_INITIALIZED) &&
		      (si.state & SKS_STATE_CO_SET)))))
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
		if (fd >= 0 && chance(&w->rng, 50)) {
			/* (the SO sets the auto-activation policy) */
			static const uint32_t roles[] = {
				SKS_ROLE_CO, SKS_ROLE_CU, SKS_ROLE_SO,
			};
			static const char *const pins[] = {
				CO_PIN, CU_PIN, SO_PIN,
			};
			unsigned int x = rnd(&w->rng, 100);

			k = x < 70 ? 0 : x < 85 ? 1 : 2;
			/* a wrong one sometimes, never the SO's */
			login_role(fd, roles[k], k == 2 ||
				   chance(&w->rng, 80) ? pins[k] : CU_PIN);
		}
	}
	INC(st->opens);
	if (fd < 0) {
		INC(st->open_fail);
		INC(st->open_err[errno < ERRNO_MAX ? errno : 0]);
	}
	__atomic_store_n(&proc.types[i], type, __ATOMIC_RELAXED);
	for (k = 0; k < FD_HANDLES; k++) {
		__atomic_store_n(&fd_handles[i][k], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&fd_hkinds[i][k], HK_ANY, __ATOMIC_RELAXED);
	}
	for (k = 0; k < FD_PAIRS; k++) {
		__atomic_store_n(&fd_pairs[i][k][0], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&fd_pairs[i][k][1], 0, __ATOMIC_RELAXED);
	}
	for (k = 0; k < (int)ARRAY_SIZE(sigs); k++) {
		pthread_mutex_lock(&sigs[k].lock);
		if (sigs[k].fdidx == i)
			sigs[k].fdidx = -1;
		pthread_mutex_unlock(&sigs[k].lock);
	}
	old = __atomic_exchange_n(&proc.fds[i], fd, __ATOMIC_RELAXED);
	if (old >= 0 && chance(&w->rng, 95)) {
		close(old);
		INC(st->closes);
	}
}

/* An EC key pair on @fd; its public key becomes a sample. */
static int make_pair(int fd, uint32_t curve, uint32_t use, uint32_t *priv,
		     uint32_t *pub)
{
	struct sks_obj_attrs pa = {
		.obj_class = SKS_CKO_PUBLIC_KEY, .key_type = SKS_CKK_EC,
		.flags = SKS_OBJ_VERIFY, .label_len = 4, .label = "fuzz",
	};
	struct sks_obj_attrs qa = {
		.obj_class = SKS_CKO_PRIVATE_KEY, .key_type = SKS_CKK_EC,
		.flags = use | SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE,
		.label_len = 4, .label = "fuzz",
	};
	struct sks_generate_key_pair kp = {
		.mechanism = SKS_CKM_EC_KEY_PAIR_GEN, .curve = curve,
		.pub_attrs = (uintptr_t)&pa, .priv_attrs = (uintptr_t)&qa,
		.attrs_size = sizeof(pa),
	};
	uint8_t point[97];
	struct sks_get_value gv = { .buf = (uintptr_t)point,
				    .len = sizeof(point) };
	int err = xioctl(fd, SKS_IOC_GENERATE_KEY_PAIR, &kp);

	if (err)
		return err;
	gv.handle = kp.pub_handle;
	if (!xioctl(fd, SKS_IOC_GET_VALUE, &gv))
		point_put(point, gv.len);
	*priv = kp.priv_handle;
	if (pub)
		*pub = kp.pub_handle;
	return 0;
}

/*
 * Before a valid call that needs a key of a kind in @mask: if the
 * descriptor has none, make one there (outside the statistics).
 */
void ensure_key(struct worker *w, int fd, unsigned int mask)
{
	struct sks_generate_key g = {
		.attrs = {
			.obj_class = SKS_CKO_SECRET_KEY,
			.flags = SKS_OBJ_EXTRACTABLE, .label_len = 4,
			.label = "fuzz",
		},
	};
	uint32_t priv, pub, *p;
	unsigned int i;
	int curve;

	if (w->fdidx < 0)
		return;
	for (i = 0; i < FD_HANDLES; i++)
		if (__atomic_load_n(&fd_handles[w->fdidx][i],
				    __ATOMIC_RELAXED) &&
		    (mask & (1U << __atomic_load_n(&fd_hkinds[w->fdidx][i],
						   __ATOMIC_RELAXED))))
			return;
	if (mask & (1U << HK_PRIV256 | 1U << HK_PRIV384 | 1U << HK_PUB256 |
		    1U << HK_PUB384)) {
		curve = rnd(&w->rng, 2);
		if (make_pair(fd, curve ? SKS_EC_P384 : SKS_EC_P256,
			      SKS_OBJ_SIGN | SKS_OBJ_DERIVE, &priv, &pub))
			return;
		learn_handle(w, priv, curve ? HK_PRIV384 : HK_PRIV256);
		learn_handle(w, pub, curve ? HK_PUB384 : HK_PUB256);
		p = fd_pairs[w->fdidx][rnd(&w->rng, FD_PAIRS)];
		__atomic_store_n(&p[0], pub, __ATOMIC_RELAXED);
		__atomic_store_n(&p[1], priv, __ATOMIC_RELAXED);
		return;
	}
	if (mask & (1U << HK_AES)) {
		g.mechanism = SKS_CKM_AES_KEY_GEN;
		g.attrs.key_type = SKS_CKK_AES;
		g.attrs.flags |= SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT;
		g.attrs.value_len = 32;
	} else {
		g.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN;
		g.attrs.key_type = SKS_CKK_GENERIC_SECRET;
		g.attrs.flags |= SKS_OBJ_SIGN | SKS_OBJ_VERIFY;
		g.attrs.value_len = 32;
	}
	if (!xioctl(fd, SKS_IOC_GENERATE_KEY, &g))
		learn_handle(w, g.handle, mask & (1U << HK_AES) ? HK_AES :
			     HK_HMAC);
}

/* Extract @count objects into blob sample @i, with @n auth secrets. */
static void make_blob(int fd, int i, const uint32_t *handles, uint32_t count,
		      uint32_t n, uint32_t m, uint8_t kind)
{
	static uint8_t buf[SKS_MAX_BLOB_SIZE];
	struct sks_auth_secret a[NR_AUTH];
	struct sks_extract ex = {
		.handles = (uintptr_t)handles, .count = count,
		.blob = (uintptr_t)buf, .blob_len = sizeof(buf),
		.auth = n ? (uintptr_t)a : 0, .auth_count = n,
		.auth_subset = m,
	};
	struct smeta meta = {
		.n = n, .m = m, .kind = count == 1 ? kind : HK_ANY,
		.count = count,
	};
	uint32_t k;

	for (k = 0; k < n; k++) {
		a[k].secret = (uintptr_t)auth_secrets[k];
		a[k].len = strlen(auth_secrets[k]);
		a[k].reserved = 0;
		meta.idx[k] = k;
	}
	if (!xioctl(fd, SKS_IOC_EXTRACT, &ex))
		sample_put(&blobs[i], buf, ex.blob_len, &meta);
	else
		fprintf(stderr, "sks-fuzz: setup: blob sample %d: %m\n", i);
}

/*
 * The blob samples the V1 partition @slot can insert: one AES key, an AES
 * and an HMAC key, an HMAC key needing 2 of 3 secrets, a P-256 signing
 * key needing 1 of 1, a P-384 signing key; and EC public keys.
 */
void make_v1_samples(uint32_t slot)
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
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct sks_generate_key hm = g;
	uint32_t h[2], p256, p384;
	int fd = open_slot(slot);

	if (fd < 0)
		return;
	if (login_role(fd, SKS_ROLE_CO, CO_PIN)) {
		close(fd);
		return;
	}
	pthread_mutex_lock(&lock);	/* (make_blob()'s buffer) */
	hm.mechanism = SKS_CKM_GENERIC_SECRET_KEY_GEN;
	hm.attrs.key_type = SKS_CKK_GENERIC_SECRET;
	hm.attrs.flags = SKS_OBJ_EXTRACTABLE | SKS_OBJ_SIGN | SKS_OBJ_VERIFY;
	hm.attrs.value_len = 64;
	if (!xioctl(fd, SKS_IOC_GENERATE_KEY, &g) &&
	    !xioctl(fd, SKS_IOC_GENERATE_KEY, &hm)) {
		learn_handle(NULL, g.handle, HK_AES);
		learn_handle(NULL, hm.handle, HK_HMAC);
		h[0] = g.handle;
		h[1] = hm.handle;
		make_blob(fd, 0, h, 1, 0, 0, HK_AES);
		make_blob(fd, 1, h, 2, 0, 0, HK_ANY);
		make_blob(fd, 2, &h[1], 1, 3, 2, HK_HMAC);
	} else {
		fprintf(stderr, "sks-fuzz: setup: no key: %m\n");
	}
	if (!make_pair(fd, SKS_EC_P256, SKS_OBJ_SIGN | SKS_OBJ_DERIVE, &p256,
		       NULL))
		make_blob(fd, 3, &p256, 1, 1, 1, HK_PRIV256);
	if (!make_pair(fd, SKS_EC_P384, SKS_OBJ_SIGN, &p384, NULL))
		make_blob(fd, 4, &p384, 1, 0, 0, HK_PRIV384);
	pthread_mutex_unlock(&lock);
	close(fd);
}

/* A state record for the samples: a slot's, or the HSM's (@slot -1). */
static void make_record(int ctl, int i, int slot)
{
	static uint8_t buf[SKS_MAX_BLOB_SIZE];
	struct sks_state_save ss = {
		.flags = slot < 0 ? SKS_STATE_SAVE_HSM : 0,
		.slot = slot < 0 ? 0 : slot,
		.record = (uintptr_t)buf, .record_len = sizeof(buf),
	};

	if (!xioctl(ctl, SKS_CTL_STATE_SAVE, &ss))
		sample_put(&records[i], buf, ss.record_len, NULL);
	else
		fprintf(stderr, "sks-fuzz: setup: state record %d: %m\n", i);
}

/* Blobs, EC keys, archives, an image and state records, made honestly. */
void make_samples(int ctl)
{
	static uint8_t buf[SKS_MAX_BLOB_SIZE];
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

	make_v1_samples(st->live[1]);
	v0 = open_slot(st->live[0]);
	v1 = open_slot(st->live[1]);
	bk = open_slot(st->live[2]);
	if (v1 >= 0 && !login_role(v1, SKS_ROLE_CO, CO_PIN)) {
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
			learn_handle(NULL, co.handle, HK_DATA);
		memset(ab.name, 0, sizeof(ab.name));
		memcpy(ab.name, "fuzz-clone", 10);
		ab.backup_slot = st->live[2];
		if (xioctl(v0, SKS_IOC_ARCHIVE_BACKUP, &ab))
			fprintf(stderr, "sks-fuzz: setup: clone backup: %m\n");
	}
	if (bk >= 0) {
		if (!xioctl(bk, SKS_IOC_IMAGE_SAVE, &is)) {
			sample_put(&images[0], buf, is.image_len, NULL);
			sample_put(&images[1], buf, is.image_len, NULL);
		} else {
			fprintf(stderr, "sks-fuzz: setup: image save: %m\n");
		}
	}
	make_record(ctl, 0, -1);
	for (i = 0; i < NR_LIVE; i++)
		make_record(ctl, 1 + i, st->live[i]);
	for (i = 0; i < NR_FIXED; i++)
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

/*
 * The logon key that SKS_IOC_AUTO_ACTIVATION names (KEYDESC), in the
 * user keyring where the driver's lookups find it; returns its serial.
 */
int32_t add_keydesc_key(void)
{
	static const char payload[] = "sks-fuzz auto-activation key";

	return syscall(SYS_add_key, "logon", KEYDESC, payload,
		       sizeof(payload) - 1, -4 /* KEY_SPEC_USER_KEYRING */);
}

void drop_keydesc_key(int32_t key)
{
	if (key > 0)
		syscall(SYS_keyctl, 21 /* KEYCTL_INVALIDATE */, key);
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
