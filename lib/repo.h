/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsks - the key repository's internals: what repo.c asks of a database
 * backend (repo-sqlite.c, repo-pg.c). repo.c holds every query once, with
 * PostgreSQL's $N placeholders; a backend prepares, binds and runs them
 * and hands each result row back as an array of values.
 */
#ifndef __LIBSKS_REPO_H__
#define __LIBSKS_REPO_H__

#include <stddef.h>
#include <stdint.h>

#include "sks_repo.h"

enum repo_type { REPO_NULL, REPO_INT, REPO_TEXT, REPO_BLOB };

/* One parameter or one column of a result row. */
struct repo_val {
	enum repo_type type;
	int64_t i;		/* REPO_INT */
	const void *p;		/* REPO_TEXT (not NUL terminated), REPO_BLOB */
	size_t len;
};

/* Called for every result row: 0 to go on, -1 to fail the statement. */
typedef int (*repo_row_fn)(void *arg, const struct repo_val *cols,
			   int ncols);

struct repo_backend {
	const char *name;
	/* Connect; 0 or -1 with the message in repo->msg. */
	int (*open)(struct sks_repo *repo, const char *where, uint32_t flags);
	void (*close)(struct sks_repo *repo);
	/* Statements without parameters or rows (DDL, transactions). */
	int (*exec)(struct sks_repo *repo, const char *sql);
	/*
	 * Run query @id (repo.c's table: its text is @sql) with @np
	 * parameters; @fn is called for each row (may be NULL).
	 */
	int (*run)(struct sks_repo *repo, int id, const char *sql,
		   const struct repo_val *params, int np, repo_row_fn fn,
		   void *arg);
	/* The statement that starts a write transaction. */
	const char *begin_sql;
	/* The one that starts a read transaction: one snapshot of it all. */
	const char *read_begin_sql;
	/* The schema migrations: migrate[v] takes version v to v + 1. */
	const char *const *migrate;
	/* Whether a database has no sks tables yet: 1, 0, or -1. */
	int (*is_empty)(struct sks_repo *repo);
	/* Take the migration lock inside a transaction (may be NULL). */
	const char *lock_sql;
};

#define REPO_MSG_LEN	512
#define REPO_MAX_STMTS	32

struct sks_repo {
	const struct repo_backend *be;
	void *db;			/* sqlite3 * or PGconn * */
	void *stmts[REPO_MAX_STMTS];	/* prepared statements, by id */
	int in_txn;			/* sks_repo_begin() was called */
	int txn_failed;			/* a statement in it failed */
	unsigned int version;
	char msg[REPO_MSG_LEN];
};

extern const struct repo_backend sks_repo_sqlite;
extern const struct repo_backend sks_repo_pg;

/* Record the database's message and fail with EIO/CKR_DEVICE_ERROR. */
int sks_repo_db_fail(struct sks_repo *repo, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * What sks_repo_rewrap() asks of the kernel: the session's partition's
 * primary and rollover SMK fingerprints (0; 1 if no rollover runs; -1),
 * and sks_blob_rewrap(). The tests give a stand-in.
 */
struct repo_kernel {
	int (*fps)(struct sks_session *session, uint8_t *primary,
		   uint8_t *rollover);
	struct sks_blob_set *(*rewrap)(struct sks_session *session,
				       const struct sks_blob_set *set,
				       size_t *refused);
};

int sks_repo_rewrap_with(struct sks_repo *repo, struct sks_session *session,
			 const struct repo_kernel *k, size_t batch,
			 sks_repo_progress_fn fn, void *arg,
			 struct sks_repo_progress *progress);

/*
 * For the tests (static library only): open at schema version @version
 * (1..SKS_REPO_SCHEMA_VERSION) instead of the current one, and run any
 * SQL on the connection.
 */
struct sks_repo *sks_repo_open_version(const char *where, uint32_t flags,
				       unsigned int version);
int sks_repo_exec(struct sks_repo *repo, const char *sql);

/* ---- shared by repo.c and repo-rewrap.c ---- */

/* An entry as read (struct sks_repo_entry of sks_repo.h). */
struct sks_repo_entry {
	int64_t id;
	char *name;
	char *label;
	uint8_t *key_id;
	size_t key_id_len;
	uint8_t fp[SKS_FINGERPRINT_LEN];
	unsigned int blobs;
	unsigned int objects;
	uint64_t bytes;
	int64_t created;
	int64_t updated;
	int64_t generation;
	struct sks_blob_set *set;	/* NULL unless read */
};

/* The statements of repo.c, by number. */
enum {
	Q_INSERT,		/* a new entry, unless the name is taken */
	Q_UPSERT,		/* a new entry, or replace the named one */
	Q_DROP_BLOBS,
	Q_ADD_BLOB,
	Q_BLOBS_OF,
	Q_PAGE_ALL,
	Q_PAGE_BY,		/* + SKS_REPO_BY_* - 1: five of them */
	Q_COUNT_ALL = Q_PAGE_BY + 5,
	Q_COUNT_BY,		/* five */
	Q_DELETE_BY = Q_COUNT_BY + 5,	/* five */
	Q_REWRAP_ENTRY = Q_DELETE_BY + 5,
	Q_REWRAP_BLOB,
	Q_VERSION,
	Q_COUNT
};

int repo_run(struct sks_repo *repo, int id, const struct repo_val *params,
	     int np, repo_row_fn fn, void *arg);
struct repo_val repo_v_int(int64_t i);
struct repo_val repo_v_blob(const void *p, size_t len);
void repo_rollback_quietly(struct sks_repo *repo);
void repo_entry_clear(struct sks_repo_entry *e);
int repo_entry_load_blobs(struct sks_repo *repo, struct sks_repo_entry *e);
int repo_int_row(void *arg, const struct repo_val *cols, int ncols);
int repo_read_page(struct sks_repo *repo, unsigned int by,
		   const struct repo_val *key, int64_t after,
		   struct sks_repo_entry *out, size_t room, size_t *count);

#endif /* __LIBSKS_REPO_H__ */
