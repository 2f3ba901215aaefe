/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks - Backup HSM internals shared by archive.c (archive partitions) and
 * image.c (sealed images of a whole Backup HSM). docs/backup.md.
 *
 * Locking: every operation on a Backup HSM slot B runs under B->auth_lock
 * from the HSM SO secret check to the end: it serialises the archive
 * operations of one Backup HSM and the checks of its secrets, and protects
 * B->pin_tfm and B->image_aead. B->archives, B->nr_archives and B->used
 * change only with B->lock held as well, except that deleting the slot
 * empties them under B->lock alone, in the same critical section that sets
 * B->dead: so an archive found under auth_lock stays valid as long as
 * B->dead is seen clear under B->lock before each use. The partition S of
 * a calling session is locked (S->lock) only while its SMK, domain or
 * objects are taken or installed, never together with B->lock; the order
 * is B->auth_lock -> S->lock, B->auth_lock -> B->lock, as in sks.h.
 */
#ifndef _SKS_BACKUP_H
#define _SKS_BACKUP_H

#include <linux/list.h>
#include <linux/types.h>

#include "sks.h"

#define SKS_ARCHIVE_OVERHEAD	256	/* bytes charged per archive */

/**
 * struct sks_archive - an archive partition on a Backup HSM slot.
 * @node: in sks_slot.archives (oldest first).
 * @name: archive name, NUL padded.
 * @kind: SKS_ARCHIVE_SKS (holds @smk) or SKS_ARCHIVE_CLONING.
 * @created: creation time, seconds since the epoch.
 * @source_serial: serial number of the partition backed up.
 * @domain: cloning domain hash (see sks_domain_set()).
 * @domain_id: the id reported for @domain: keyed with the Backup HSM's
 *	id key (sks_archive_set_domain_id()).
 * @secret: archive user secret (salted PBKDF2, with its cost).
 * @lockout: bad-attempt counter of @secret; the only field that changes
 *	while the archive is on the list, under the Backup HSM's lock.
 * @smk: SKS archives: the SMK (a shared reference, immutable).
 * @nr_objects: object records in @objects.
 * @objects_len: bytes at @objects.
 * @objects: cloned objects, blob records of the current format
 *	(SKS_BLOB_VERSION); wiped on free.
 * @size: bytes charged to the Backup HSM.
 *
 * Immutable once on the list but for @lockout; replaced as a whole by
 * APPEND/REPLACE.
 */
struct sks_archive {
	struct list_head node;
	u8 name[SKS_ARCHIVE_NAME_MAX];
	u32 kind;
	s64 created;
	u64 source_serial;
	struct sks_secret domain;
	u8 domain_id[SKS_DOMAIN_ID_LEN];
	struct sks_secret secret;
	struct sks_lockout lockout;
	struct sks_smk *smk;
	u32 nr_objects;
	u32 objects_len;
	u8 *objects;
	u64 size;
};

void sks_archive_free(struct sks_archive *a);
u64 sks_archive_charge(u32 objects_len, bool smk);
struct sks_archive *sks_archive_find(struct sks_slot *slot, const u8 *name);
int sks_archive_set_domain_id(struct sks_slot *b, struct sks_archive *a);
int sks_archive_check_secret(struct sks_slot *b, struct sks_archive *a,
			     const u8 *pin, u32 len, u32 *ckr);
bool sks_domain_equal(const struct sks_secret *a, const struct sks_secret *b);
struct sks_slot *sks_backup_get(struct sks_hsm *hsm, u32 num);
int sks_backup_lock(struct sks_slot *b, u32 *ckr);
int sks_backup_auth(struct sks_slot *b, const u8 *so, u32 len, u32 *ckr);

#endif /* _SKS_BACKUP_H */
