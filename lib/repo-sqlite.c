// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the key repository in an SQLite database file (libsqlite3):
 * WAL journal, synchronous=FULL (a commit is on disk when it returns),
 * prepared statements kept for the connection's life.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"
#include "repo.h"

static sqlite3 *db_of(struct sks_repo *repo)
{
	return repo->db;
}

static int lite_fail(struct sks_repo *repo, const char *what)
{
	return sks_repo_db_fail(repo, "%s: %s", what, sqlite3_errmsg(db_of(repo)));
}

static int lite_open(struct sks_repo *repo, const char *where, uint32_t flags)
{
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	sqlite3 *db = NULL;
	int rc;

	if (!strncmp(where, "sqlite:", 7))
		where += 7;
	if (flags & SKS_REPO_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(where, &db, oflags, NULL);
	if (rc != SQLITE_OK) {
		sks_repo_db_fail(repo, "cannot open %s: %s", where,
				 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		if (rc == SQLITE_CANTOPEN && !(flags & SKS_REPO_CREATE))
			errno = ENOENT;
		return -1;
	}
	repo->db = db;
	sqlite3_extended_result_codes(db, 1);
	/* Writers wait for each other (a rewrap batch is short). */
	sqlite3_busy_timeout(db, 30000);
	if (repo->be->exec(repo, "PRAGMA journal_mode=WAL") ||
	    repo->be->exec(repo, "PRAGMA synchronous=FULL") ||
	    repo->be->exec(repo, "PRAGMA foreign_keys=ON"))
		return -1;
	return 0;
}

static void lite_close(struct sks_repo *repo)
{
	for (int i = 0; i < REPO_MAX_STMTS; i++) {
		sqlite3_finalize(repo->stmts[i]);
		repo->stmts[i] = NULL;
	}
	sqlite3_close(db_of(repo));
	repo->db = NULL;
}

static int lite_exec(struct sks_repo *repo, const char *sql)
{
	char *err = NULL;

	/* (PRAGMA journal_mode answers with a row: ignored) */
	if (sqlite3_exec(db_of(repo), sql, NULL, NULL, &err) != SQLITE_OK) {
		sks_repo_db_fail(repo, "%s", err ? err : "sqlite3_exec failed");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* repo.c writes $N placeholders; SQLite reads ?N the same way. */
static sqlite3_stmt *lite_prepare(struct sks_repo *repo, int id,
				  const char *sql)
{
	sqlite3_stmt *st = id >= 0 && id < REPO_MAX_STMTS ? repo->stmts[id] : NULL;
	char *text;

	if (st)
		return st;
	text = strdup(sql);
	if (!text) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	for (char *c = text; *c; c++)
		if (*c == '$')
			*c = '?';
	if (sqlite3_prepare_v3(db_of(repo), text, -1, SQLITE_PREPARE_PERSISTENT,
			       &st, NULL) != SQLITE_OK) {
		free(text);
		lite_fail(repo, "prepare");
		return NULL;
	}
	free(text);
	if (id >= 0 && id < REPO_MAX_STMTS)
		repo->stmts[id] = st;
	return st;
}

static int lite_bind(struct sks_repo *repo, sqlite3_stmt *st,
		     const struct repo_val *p, int np)
{
	for (int i = 0; i < np; i++) {
		int rc;

		switch (p[i].type) {
		case REPO_INT:
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
			break;
		case REPO_TEXT:
			rc = sqlite3_bind_text(st, i + 1, p[i].p, (int)p[i].len,
					       SQLITE_STATIC);
			break;
		case REPO_BLOB:
			/* (a zero-length blob, not NULL) */
			rc = sqlite3_bind_blob(st, i + 1, p[i].len ? p[i].p : "",
					       (int)p[i].len, SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, i + 1);
		}
		if (rc != SQLITE_OK)
			return lite_fail(repo, "bind");
	}
	return 0;
}

#define LITE_MAX_COLS	16

static int lite_run(struct sks_repo *repo, int id, const char *sql,
		    const struct repo_val *params, int np, repo_row_fn fn,
		    void *arg)
{
	sqlite3_stmt *st = lite_prepare(repo, id, sql);
	int rc, ret = 0;

	if (!st)
		return -1;
	if (lite_bind(repo, st, params, np)) {
		ret = -1;
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct repo_val cols[LITE_MAX_COLS];
		int n = sqlite3_column_count(st);

		if (n > LITE_MAX_COLS)
			n = LITE_MAX_COLS;
		for (int c = 0; c < n; c++) {
			memset(&cols[c], 0, sizeof(cols[c]));
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_INTEGER:
				cols[c].type = REPO_INT;
				cols[c].i = sqlite3_column_int64(st, c);
				break;
			case SQLITE_TEXT:
				cols[c].type = REPO_TEXT;
				cols[c].p = sqlite3_column_text(st, c);
				cols[c].len = (size_t)sqlite3_column_bytes(st, c);
				break;
			case SQLITE_BLOB:
				cols[c].type = REPO_BLOB;
				cols[c].p = sqlite3_column_blob(st, c);
				cols[c].len = (size_t)sqlite3_column_bytes(st, c);
				break;
			default:
				cols[c].type = REPO_NULL;
			}
		}
		if (fn && fn(arg, cols, n)) {
			ret = -1;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = lite_fail(repo, "step");
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (id < 0 || id >= REPO_MAX_STMTS)
		sqlite3_finalize(st);
	return ret;
}

static int count_row(void *arg, const struct repo_val *cols, int ncols)
{
	*(int64_t *)arg = ncols > 0 && cols[0].type == REPO_INT ? cols[0].i : 0;
	return 0;
}

static int lite_is_empty(struct sks_repo *repo)
{
	int64_t n = 0;

	if (lite_run(repo, -1,
		     "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sks_schema_version'",
		     NULL, 0, count_row, &n))
		return -1;
	return n == 0;
}

/*
 * Version 1: entries and their blobs, found by name, id and fingerprint.
 * Version 2: a generation per entry (a rewrap writes only what it read)
 * and indexes on label and key id.
 */
static const char *const lite_migrate[] = {
	"CREATE TABLE sks_schema_version (version INTEGER NOT NULL);"
	"INSERT INTO sks_schema_version VALUES (0);"
	"CREATE TABLE sks_entries ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  label TEXT NOT NULL DEFAULT '',"
	"  key_id BLOB NOT NULL DEFAULT x'',"
	"  fingerprint BLOB NOT NULL,"
	"  blobs INTEGER NOT NULL,"
	"  objects INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);"
	"CREATE TABLE sks_blobs ("
	"  entry_id INTEGER NOT NULL REFERENCES sks_entries(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (entry_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX sks_entries_fingerprint ON sks_entries (fingerprint, id);"
	"UPDATE sks_schema_version SET version = 1;",

	"ALTER TABLE sks_entries ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX sks_entries_label ON sks_entries (label, id);"
	"CREATE INDEX sks_entries_key_id ON sks_entries (key_id, id);"
	"UPDATE sks_schema_version SET version = 2;",
};

_Static_assert(sizeof(lite_migrate) / sizeof(lite_migrate[0]) ==
	       SKS_REPO_SCHEMA_VERSION, "one migration per schema version");

const struct repo_backend sks_repo_sqlite = {
	.name = "sqlite",
	.open = lite_open,
	.close = lite_close,
	.exec = lite_exec,
	.run = lite_run,
	.read_begin_sql = "BEGIN",
	.begin_sql = "BEGIN IMMEDIATE",
	.migrate = lite_migrate,
	.is_empty = lite_is_empty,
	.lock_sql = NULL,
};
