/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsks - the key repository: SKS blobs kept in a database (SQLite or
 * PostgreSQL), and their rewrap under a new SMK after an SMK rollover.
 *
 * Objects
 *   struct sks_repo         an open repository (one database connection)
 *   struct sks_repo_entry   one entry: a name, the application's label and
 *                           key id, the SMK fingerprint its blobs need,
 *                           sizes, times and (when fetched) the blobs
 *   struct sks_repo_iter    a walk over entries, a page at a time
 *
 * An entry holds one group of SKS blobs (struct sks_blob_set: one or more
 * blobs of at most SKS_MAX_BLOB_SIZE bytes, all under the same SMK),
 * stored and fetched as a whole. Every entry has a unique name chosen by
 * the application, a unique numeric id chosen by the repository, and
 * optionally a label and a key id (the CKA_LABEL and CKA_ID the
 * application gave its keys: blobs are sealed, so the repository cannot
 * read them from the blobs and keeps what the application says).
 *
 * Backends: a repository is named by a string. "postgresql://..." or
 * "postgres://..." (a libpq connection URI) opens a PostgreSQL database;
 * anything else is the path of an SQLite database file. The tables
 * (sks_schema_version, sks_entries, sks_blobs) are created by the library
 * with SKS_REPO_CREATE, and migrated to the library's schema version on
 * every open (SKS_REPO_SCHEMA_VERSION; a newer schema is refused). SQLite
 * files run in WAL mode with synchronous=FULL: a committed change
 * survives a power cut.
 *
 * Scale: the walks (sks_repo_list(), sks_repo_rewrap()) read the database
 * a page at a time by ascending id, so memory stays bounded by the page,
 * whatever the number of entries; lookups by name, id, label, key id and
 * fingerprint use indexes.
 *
 * Errors follow <sks.h>: 0 / -1 or a pointer / NULL, errno and
 * sks_last_result() set. Database failures are EIO with
 * SKS_CKR_DEVICE_ERROR, and the database's own message is kept in
 * sks_repo_get_message(). Besides: ENOENT (SKS_CKR_OBJECT_HANDLE_INVALID)
 * for no such entry, EEXIST (SKS_CKR_FUNCTION_FAILED) for a name that is
 * taken, ENOTUNIQ (SKS_CKR_ARGUMENTS_BAD) for a fetch that matches several
 * entries, EBADMSG (SKS_CKR_DATA_INVALID) for blobs that are malformed or
 * not all under one SMK, EPROTO (SKS_CKR_DEVICE_ERROR) for a database whose
 * schema is newer than the library.
 *
 * Threads: one struct sks_repo is one connection; use it from one thread
 * at a time. Several connections (threads, processes, machines with
 * PostgreSQL) may share a database: every change is a transaction.
 */
#ifndef __LIBSKS_SKS_REPO_H__
#define __LIBSKS_SKS_REPO_H__

#include <stddef.h>
#include <stdint.h>

#include <sks.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sks_repo;
struct sks_repo_entry;
struct sks_repo_iter;

/* The schema version this library writes (table sks_schema_version). */
#define SKS_REPO_SCHEMA_VERSION	2

/* sks_repo_open() flags */
#define SKS_REPO_CREATE		(1U << 0)	/* create the database/tables */

/* sks_repo_store() flags */
#define SKS_REPO_REPLACE	(1U << 0)	/* replace an entry of that name */

/* What selects entries: sks_repo_fetch(), _list(), _count(), _delete(). */
#define SKS_REPO_ALL		0	/* every entry (no key) */
#define SKS_REPO_BY_NAME	1	/* key: NUL terminated name */
#define SKS_REPO_BY_ID		2	/* key: int64_t entry id */
#define SKS_REPO_BY_LABEL	3	/* key: NUL terminated label */
#define SKS_REPO_BY_KEY_ID	4	/* key: bytes (key_len of them) */
#define SKS_REPO_BY_FINGERPRINT	5	/* key: SKS_FINGERPRINT_LEN bytes */

/* sks_repo_list() flags */
#define SKS_REPO_WITH_BLOBS	(1U << 0)	/* read each entry's blobs too */

/**
 * sks_repo_open() - open (or create) a key repository.
 * @where: "postgresql://..." or "postgres://..." for PostgreSQL (a libpq
 *	connection URI), otherwise the path of an SQLite database file.
 * @flags: 0 or SKS_REPO_CREATE: create the SQLite file if missing and the
 *	tables if the database has none. Without it a database without the
 *	tables is refused (ENOENT, SKS_CKR_TOKEN_NOT_RECOGNIZED).
 *
 * An older schema is migrated to SKS_REPO_SCHEMA_VERSION in one
 * transaction (one connection at a time does it).
 *
 * Return: a new repository, to be released with sks_repo_close(), or NULL
 * (EIO for a database that cannot be opened or reached, its message in
 * sks_repo_get_message(NULL); EPROTO for a schema newer than this
 * library's; EINVAL for an empty @where).
 */
struct sks_repo *sks_repo_open(const char *where, uint32_t flags);

/**
 * sks_repo_close() - close a repository; an open transaction is rolled
 * back.
 * @repo: repository, or NULL.
 */
void sks_repo_close(struct sks_repo *repo);

/**
 * sks_repo_get_backend() - which database holds the repository.
 * @repo: repository.
 *
 * Return: the static string "sqlite" or "postgresql".
 */
const char *sks_repo_get_backend(const struct sks_repo *repo);

/**
 * sks_repo_get_message() - the database's message for the last failure
 * of a call on @repo.
 * @repo: repository, or NULL for this thread's last failed
 *	sks_repo_open().
 *
 * Return: NUL terminated string owned by @repo (or the thread), "" if
 * none, valid until the next call on it.
 */
const char *sks_repo_get_message(const struct sks_repo *repo);

/**
 * sks_repo_get_schema_version() - the schema version of the database.
 * @repo: repository.
 *
 * Return: SKS_REPO_SCHEMA_VERSION once opened.
 */
unsigned int sks_repo_get_schema_version(const struct sks_repo *repo);

/**
 * sks_repo_begin() - start a transaction: the changes made until
 * sks_repo_commit() are kept all or none (e.g. many stores at once, far
 * faster than one transaction each).
 * @repo: repository with no transaction open.
 *
 * Return: 0 or -1 (EBUSY if one is open already).
 */
int sks_repo_begin(struct sks_repo *repo);

/**
 * sks_repo_commit() - commit the transaction of sks_repo_begin().
 * @repo: repository.
 *
 * Return: 0 or -1 (EINVAL if none is open; after a failure the
 * transaction is rolled back).
 */
int sks_repo_commit(struct sks_repo *repo);

/**
 * sks_repo_rollback() - drop the transaction of sks_repo_begin().
 * @repo: repository.
 *
 * Return: 0 or -1 (EINVAL if none is open).
 */
int sks_repo_rollback(struct sks_repo *repo);

/**
 * sks_repo_store() - store a group of blobs as one entry.
 * @repo: repository.
 * @name: the entry's name, 1..SKS_REPO_NAME_MAX bytes, unique.
 * @label: label of the keys (CKA_LABEL), or NULL for none.
 * @key_id: key id (CKA_ID) bytes, or NULL for none.
 * @key_id_len: their number, at most SKS_OBJ_ID_MAX.
 * @blobs: one or more blobs, all under the same SMK (the fingerprint is
 *	read from their headers).
 * @flags: 0, or SKS_REPO_REPLACE to replace an entry of that name (its id
 *	and creation time stay; a walk that read the old blobs will not
 *	overwrite the new ones).
 * @id: out: the entry's id (may be NULL).
 *
 * The entry records the fingerprint, the number of blobs and objects, the
 * bytes and the times (seconds since the epoch) of creation and last
 * change.
 *
 * Return: 0 or -1 (EEXIST if the name is taken and @flags has no
 * SKS_REPO_REPLACE; EBADMSG for a malformed set or one under several
 * SMKs; EINVAL for an empty set, name or too long a key id).
 */
int sks_repo_store(struct sks_repo *repo, const char *name, const char *label,
		   const void *key_id, size_t key_id_len,
		   const struct sks_blob_set *blobs, uint32_t flags,
		   int64_t *id);

#define SKS_REPO_NAME_MAX	1024	/* bytes of an entry name */

/**
 * sks_repo_fetch() - read one entry with its blobs.
 * @repo: repository.
 * @by: SKS_REPO_BY_NAME, _ID, _LABEL or _KEY_ID.
 * @key: the name, label (NUL terminated), id (int64_t) or key id.
 * @key_len: bytes at @key for SKS_REPO_BY_KEY_ID (ignored otherwise).
 *
 * The entry and its blobs are read in one snapshot (a read transaction),
 * so a concurrent store never gives the blobs of one version with the
 * metadata of another.
 *
 * Return: a new entry, to be released with sks_repo_entry_free(), or NULL
 * (ENOENT if nothing matches, ENOTUNIQ if a label or key id matches more
 * than one entry: list them with sks_repo_list()).
 */
struct sks_repo_entry *sks_repo_fetch(struct sks_repo *repo, unsigned int by,
				      const void *key, size_t key_len);

/**
 * sks_repo_list() - start a walk over the entries that match, by
 * ascending id.
 * @repo: repository; not to be used for anything else until the walk is
 *	freed (the walk reads it a page at a time).
 * @by: SKS_REPO_ALL (then @key is NULL) or an SKS_REPO_BY_* selector.
 * @key: as for sks_repo_fetch(); SKS_REPO_BY_FINGERPRINT: the
 *	SKS_FINGERPRINT_LEN bytes.
 * @key_len: bytes at @key for SKS_REPO_BY_KEY_ID.
 * @flags: 0 (metadata only) or SKS_REPO_WITH_BLOBS.
 *
 * Entries stored or changed during the walk may or may not be seen; none
 * is seen twice; an entry's blobs are those of its metadata (an entry
 * found changed is read again).
 *
 * Return: a new walk, to be released with sks_repo_iter_free(), or NULL.
 */
struct sks_repo_iter *sks_repo_list(struct sks_repo *repo, unsigned int by,
				    const void *key, size_t key_len,
				    uint32_t flags);

/**
 * sks_repo_iter_next() - the next entry of a walk.
 * @iter: walk.
 * @entry: out: the entry, owned by @iter and valid until the next call;
 *	NULL at the end of the walk.
 *
 * Return: 0 (an entry, or the end) or -1.
 */
int sks_repo_iter_next(struct sks_repo_iter *iter,
		       const struct sks_repo_entry **entry);

/**
 * sks_repo_iter_free() - end a walk.
 * @iter: walk, or NULL.
 */
void sks_repo_iter_free(struct sks_repo_iter *iter);

/**
 * sks_repo_count() - count the entries that match.
 * @repo: repository.
 * @by: as for sks_repo_list().
 * @key: as for sks_repo_list().
 * @key_len: as for sks_repo_list().
 * @count: out: the number of entries.
 *
 * Return: 0 or -1.
 */
int sks_repo_count(struct sks_repo *repo, unsigned int by, const void *key,
		   size_t key_len, uint64_t *count);

/**
 * sks_repo_delete() - delete the entries that match, and their blobs.
 * @repo: repository.
 * @by: SKS_REPO_BY_* (not SKS_REPO_ALL).
 * @key: as for sks_repo_list().
 * @key_len: as for sks_repo_list().
 * @count: out: entries deleted (may be NULL).
 *
 * Return: 0 or -1 (ENOENT if nothing matched).
 */
int sks_repo_delete(struct sks_repo *repo, unsigned int by, const void *key,
		    size_t key_len, uint64_t *count);

/**
 * sks_repo_entry_free() - free an entry from sks_repo_fetch().
 * @entry: entry, or NULL (entries of a walk belong to the walk).
 */
void sks_repo_entry_free(struct sks_repo_entry *entry);

/** sks_repo_entry_get_id() - the entry's id (>= 1). @entry: entry. */
int64_t sks_repo_entry_get_id(const struct sks_repo_entry *entry);
/**
 * sks_repo_entry_get_name() - the entry's name.
 * @entry: entry.
 *
 * Return: NUL terminated string owned by @entry.
 */
const char *sks_repo_entry_get_name(const struct sks_repo_entry *entry);
/**
 * sks_repo_entry_get_label() - the label given at store.
 * @entry: entry.
 *
 * Return: NUL terminated string owned by @entry ("" if none).
 */
const char *sks_repo_entry_get_label(const struct sks_repo_entry *entry);
/**
 * sks_repo_entry_get_key_id() - the key id given at store.
 * @entry: entry.
 * @len: out: its length (0 if none).
 *
 * Return: bytes owned by @entry.
 */
const uint8_t *sks_repo_entry_get_key_id(const struct sks_repo_entry *entry,
					 size_t *len);
/**
 * sks_repo_entry_get_fingerprint() - the SMK the entry's blobs need.
 * @entry: entry.
 *
 * Return: SKS_FINGERPRINT_LEN bytes owned by @entry.
 */
const uint8_t *
sks_repo_entry_get_fingerprint(const struct sks_repo_entry *entry);
/** sks_repo_entry_get_blob_count() - blobs in the entry. @entry: entry. */
unsigned int sks_repo_entry_get_blob_count(const struct sks_repo_entry *entry);
/** sks_repo_entry_get_object_count() - objects in its blobs. @entry: entry. */
unsigned int
sks_repo_entry_get_object_count(const struct sks_repo_entry *entry);
/** sks_repo_entry_get_size() - bytes of its blobs. @entry: entry. */
uint64_t sks_repo_entry_get_size(const struct sks_repo_entry *entry);
/** sks_repo_entry_get_created() - stored first, seconds since the epoch. @entry: entry. */
int64_t sks_repo_entry_get_created(const struct sks_repo_entry *entry);
/** sks_repo_entry_get_updated() - last stored or rewrapped, seconds since the epoch. @entry: entry. */
int64_t sks_repo_entry_get_updated(const struct sks_repo_entry *entry);
/**
 * sks_repo_entry_get_blobs() - the entry's blobs.
 * @entry: entry.
 *
 * Return: the set, owned by @entry, or NULL for an entry listed without
 * SKS_REPO_WITH_BLOBS.
 */
const struct sks_blob_set *
sks_repo_entry_get_blobs(const struct sks_repo_entry *entry);

/**
 * struct sks_repo_progress - where a rewrap stands, given to its callback
 * after every batch.
 * @total: entries under the rollover SMK when the rewrap started.
 * @done: entries rewrapped and committed so far by this call.
 * @failed: entries the kernel refused (left as they were).
 * @skipped: entries changed by someone else meanwhile (left to them).
 * @bytes: bytes of blobs rewrapped so far.
 * @failed_name: the name of an entry refused in the last batch, or NULL.
 * @failed_result: its CKR_* code (SKS_CKR_OK if none).
 */
struct sks_repo_progress {
	uint64_t total;
	uint64_t done;
	uint64_t failed;
	uint64_t skipped;
	uint64_t bytes;
	const char *failed_name;
	uint32_t failed_result;
};

/*
 * Called after every committed batch (and once for every refused entry,
 * with failed_name set). Return 0 to go on, non-zero to stop after this
 * batch (e.g. on Ctrl-C): what was committed stays, and a later call
 * picks up the rest.
 */
typedef int (*sks_repo_progress_fn)(const struct sks_repo_progress *progress,
				    void *arg);

/**
 * sks_repo_rewrap() - rewrap every entry whose blobs need the rollover SMK
 * of @session's partition, so that they need its primary SMK.
 * @repo: repository, with no transaction open.
 * @session: session on a V1 partition during an SMK rollover, logged in
 *	as Crypto Officer.
 * @batch: entries per batch (one kernel call per SKS_MAX_REWRAP blobs, one
 *	database transaction per batch), 0 for the default (256). A batch
 *	also ends at SKS_REPO_BATCH_BYTES bytes of blobs.
 * @fn: progress callback, or NULL.
 * @arg: passed to @fn.
 * @progress: out: the final counts (may be NULL).
 *
 * Each batch is read, rewrapped in the kernel (sks_blob_rewrap()), and
 * written back in one transaction that replaces each entry's blobs and
 * fingerprint only if the entry is unchanged since it was read. The old
 * blobs therefore stay until the new ones are committed: a crash or a
 * stop anywhere leaves every entry under one of the two SMKs, and calling
 * again (the rollover SMK still present) finishes the work without
 * rewrapping anything twice. An entry the kernel refuses (e.g. a damaged
 * blob) is reported and left as it is; the others go on.
 *
 * Return: 0 when the walk finished or @fn stopped it, or -1 (ENOKEY with
 * SKS_CKR_SMK_ID_NOT_FOUND if no rollover SMK is present; a failure of
 * the kernel as a whole or of the database).
 */
int sks_repo_rewrap(struct sks_repo *repo, struct sks_session *session,
		    size_t batch, sks_repo_progress_fn fn, void *arg,
		    struct sks_repo_progress *progress);

#define SKS_REPO_BATCH_BYTES	(8U << 20)	/* blob bytes of one batch */

#ifdef __cplusplus
}
#endif

#endif /* __LIBSKS_SKS_REPO_H__ */
