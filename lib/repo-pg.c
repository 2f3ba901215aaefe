// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the key repository in a PostgreSQL database (libpq): statements
 * prepared once per connection, parameters and results in binary form.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "internal.h"
#include "repo.h"

/* Type OIDs of pg_type (stable since PostgreSQL 7). */
#define OID_BYTEA	17
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23
#define OID_TEXT	25

static PGconn *conn_of(struct sks_repo *repo)
{
	return repo->db;
}

/* Fail with the message of @res (or of the connection). */
static int pg_fail(struct sks_repo *repo, PGresult *res, const char *what)
{
	const char *m = res ? PQresultErrorMessage(res) : "";

	if (!m || !*m)
		m = PQerrorMessage(conn_of(repo));
	sks_repo_db_fail(repo, "%s: %s", what, m);
	/* (libpq's messages end with a newline) */
	repo->msg[strcspn(repo->msg, "\n")] = '\0';
	PQclear(res);
	return -1;
}

static void pg_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* "relation already exists, skipping" and the like */
}

static int pg_open(struct sks_repo *repo, const char *where, uint32_t flags)
{
	PGconn *c = PQconnectdb(where);

	(void)flags;
	if (!c) {
		errno = ENOMEM;
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	}
	repo->db = c;
	if (PQstatus(c) != CONNECTION_OK)
		return pg_fail(repo, NULL, "cannot connect");
	PQsetNoticeProcessor(c, pg_notice, NULL);
	return 0;
}

static void pg_close(struct sks_repo *repo)
{
	PQfinish(conn_of(repo));
	repo->db = NULL;
	memset(repo->stmts, 0, sizeof(repo->stmts));
}

static int pg_exec(struct sks_repo *repo, const char *sql)
{
	PGresult *res = PQexec(conn_of(repo), sql);
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return pg_fail(repo, res, "exec");
	PQclear(res);
	return 0;
}

/*
 * Prepare statement @id once per connection, named "sks_<id>", with the
 * types of its parameters (int8, text, bytea).
 */
static int pg_prepare(struct sks_repo *repo, int id, const char *sql,
		      int np, const Oid *types, char *name, size_t room)
{
	PGresult *res;

	snprintf(name, room, "sks_%d", id);
	if (repo->stmts[id])
		return 0;
	/* (a statement is always run with the same types of parameters) */
	res = PQprepare(conn_of(repo), name, sql, np, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_fail(repo, res, "prepare");
	PQclear(res);
	repo->stmts[id] = repo;		/* (any non-NULL mark) */
	return 0;
}

#define PG_MAX_PARAMS	16
#define PG_MAX_COLS	16

static int pg_run(struct sks_repo *repo, int id, const char *sql,
		  const struct repo_val *params, int np, repo_row_fn fn,
		  void *arg)
{
	const char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
	Oid types[PG_MAX_PARAMS];
	uint64_t ints[PG_MAX_PARAMS];
	char name[32];
	PGresult *res;
	ExecStatusType s;
	int rows, n;

	if (np > PG_MAX_PARAMS)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	for (int i = 0; i < np; i++) {
		formats[i] = 1;
		switch (params[i].type) {
		case REPO_INT:
			ints[i] = htobe64((uint64_t)params[i].i);
			values[i] = (const char *)&ints[i];
			lengths[i] = 8;
			types[i] = OID_INT8;
			break;
		case REPO_TEXT:
		case REPO_BLOB:
			values[i] = params[i].len ? params[i].p : "";
			lengths[i] = (int)params[i].len;
			types[i] = params[i].type == REPO_TEXT ? OID_TEXT : OID_BYTEA;
			break;
		default:
			values[i] = NULL;
			lengths[i] = 0;
			types[i] = 0;
		}
	}
	if (id >= 0 && id < REPO_MAX_STMTS) {
		if (pg_prepare(repo, id, sql, np, types, name, sizeof(name)))
			return -1;
		res = PQexecPrepared(conn_of(repo), name, np, values, lengths,
				     formats, 1);
	} else {
		res = PQexecParams(conn_of(repo), sql, np, types, values,
				   lengths, formats, 1);
	}
	s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
		return pg_fail(repo, res, "query");
	rows = PQntuples(res);
	n = PQnfields(res);
	if (n > PG_MAX_COLS)
		n = PG_MAX_COLS;
	for (int r = 0; fn && r < rows; r++) {
		struct repo_val cols[PG_MAX_COLS];

		for (int c = 0; c < n; c++) {
			const uint8_t *v = (const uint8_t *)PQgetvalue(res, r, c);
			int len = PQgetlength(res, r, c);

			memset(&cols[c], 0, sizeof(cols[c]));
			if (PQgetisnull(res, r, c)) {
				cols[c].type = REPO_NULL;
				continue;
			}
			switch (PQftype(res, c)) {
			case OID_INT8:
				cols[c].type = REPO_INT;
				cols[c].i = len == 8 ? (int64_t)be64toh(*(const uint64_t *)v) : 0;
				break;
			case OID_INT4:
				cols[c].type = REPO_INT;
				cols[c].i = len == 4 ? (int32_t)be32toh(*(const uint32_t *)v) : 0;
				break;
			case OID_INT2:
				cols[c].type = REPO_INT;
				cols[c].i = len == 2 ? (int16_t)be16toh(*(const uint16_t *)v) : 0;
				break;
			case OID_BYTEA:
				cols[c].type = REPO_BLOB;
				cols[c].p = v;
				cols[c].len = (size_t)len;
				break;
			default:	/* text and the like */
				cols[c].type = REPO_TEXT;
				cols[c].p = v;
				cols[c].len = (size_t)len;
			}
		}
		if (fn(arg, cols, n)) {
			PQclear(res);
			return -1;
		}
	}
	PQclear(res);
	return 0;
}

static int one_row(void *arg, const struct repo_val *cols, int ncols)
{
	*(int64_t *)arg = ncols > 0 && cols[0].type == REPO_INT ? cols[0].i : 0;
	return 0;
}

static int pg_is_empty(struct sks_repo *repo)
{
	int64_t n = 0;

	if (pg_run(repo, -1,
		   "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'sks_schema_version'",
		   NULL, 0, one_row, &n))
		return -1;
	return n == 0;
}

/* As repo-sqlite.c's, in PostgreSQL's types. */
static const char *const pg_migrate[] = {
	"CREATE TABLE sks_schema_version (version INTEGER NOT NULL);"
	"INSERT INTO sks_schema_version VALUES (0);"
	"CREATE TABLE sks_entries ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  label TEXT NOT NULL DEFAULT '',"
	"  key_id BYTEA NOT NULL DEFAULT '\\x',"
	"  fingerprint BYTEA NOT NULL,"
	"  blobs INTEGER NOT NULL,"
	"  objects INTEGER NOT NULL,"
	"  bytes BIGINT NOT NULL,"
	"  created BIGINT NOT NULL,"
	"  updated BIGINT NOT NULL);"
	"CREATE TABLE sks_blobs ("
	"  entry_id BIGINT NOT NULL REFERENCES sks_entries(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  data BYTEA NOT NULL,"
	"  PRIMARY KEY (entry_id, seq));"
	"ALTER TABLE sks_blobs ALTER COLUMN data SET STORAGE EXTERNAL;"
	"CREATE INDEX sks_entries_fingerprint ON sks_entries (fingerprint, id);"
	"UPDATE sks_schema_version SET version = 1;",

	"ALTER TABLE sks_entries ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;"
	"CREATE INDEX sks_entries_label ON sks_entries (label, id);"
	"CREATE INDEX sks_entries_key_id ON sks_entries (key_id, id);"
	"UPDATE sks_schema_version SET version = 2;",
};

_Static_assert(sizeof(pg_migrate) / sizeof(pg_migrate[0]) ==
	       SKS_REPO_SCHEMA_VERSION, "one migration per schema version");

const struct repo_backend sks_repo_pg = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.run = pg_run,
	.read_begin_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	.begin_sql = "BEGIN",
	.migrate = pg_migrate,
	.is_empty = pg_is_empty,
	/* one connection at a time creates or migrates the tables */
	.lock_sql = "SELECT pg_advisory_xact_lock(7302575)",
};
