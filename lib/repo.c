// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the key repository: opening and migrating the schema, entries
 * stored, fetched, listed, counted and deleted, walks a page at a time
 * (the rewrap after an SMK rollover is repo-rewrap.c). Every query is here
 * once; repo-sqlite.c and repo-pg.c run them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "repo.h"

/* Entries a walk reads per query. */
#define PAGE	128

struct sks_repo_iter {
	struct sks_repo *repo;
	unsigned int by;
	struct repo_val key;
	void *key_copy;
	uint32_t flags;
	int64_t last;			/* the id of the last entry read */
	struct sks_repo_entry page[PAGE];
	size_t count, next;
	int end;
};

/* The message of the last failed sks_repo_open() of this thread. */
static __thread char open_msg[REPO_MSG_LEN];

/* ---- queries ------------------------------------------------------------ */

#define COLS "id, name, label, key_id, fingerprint, blobs, objects, bytes, " \
	     "created, updated, generation"

_Static_assert(Q_COUNT <= REPO_MAX_STMTS, "room for every statement");

#define INSERT_ENTRY \
	"INSERT INTO sks_entries (name, label, key_id, fingerprint, blobs, " \
	"objects, bytes, created, updated) " \
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (name) "

/* The queries that select entries, for each selector column. */
#define BY(by, col) \
	[Q_PAGE_BY + (by) - 1] = "SELECT " COLS " FROM sks_entries WHERE " col \
		" = $1 AND id > $2 ORDER BY id LIMIT $3", \
	[Q_COUNT_BY + (by) - 1] = "SELECT count(*) FROM sks_entries WHERE " col " = $1", \
	[Q_DELETE_BY + (by) - 1] = "DELETE FROM sks_entries WHERE " col " = $1 RETURNING id"

static const char *const sql_text[Q_COUNT] = {
	[Q_INSERT] = INSERT_ENTRY "DO NOTHING RETURNING id",
	[Q_UPSERT] = INSERT_ENTRY "DO UPDATE SET label = excluded.label, "
		"key_id = excluded.key_id, fingerprint = excluded.fingerprint, "
		"blobs = excluded.blobs, objects = excluded.objects, "
		"bytes = excluded.bytes, updated = excluded.updated, "
		"generation = sks_entries.generation + 1 RETURNING id",
	[Q_DROP_BLOBS] = "DELETE FROM sks_blobs WHERE entry_id = $1",
	[Q_ADD_BLOB] = "INSERT INTO sks_blobs (entry_id, seq, data) VALUES ($1, $2, $3)",
	[Q_BLOBS_OF] = "SELECT seq, data FROM sks_blobs WHERE entry_id = $1 ORDER BY seq",
	[Q_PAGE_ALL] = "SELECT " COLS " FROM sks_entries WHERE id > $1 ORDER BY id LIMIT $2",
	[Q_COUNT_ALL] = "SELECT count(*) FROM sks_entries",
	BY(SKS_REPO_BY_NAME, "name"),
	BY(SKS_REPO_BY_ID, "id"),
	BY(SKS_REPO_BY_LABEL, "label"),
	BY(SKS_REPO_BY_KEY_ID, "key_id"),
	BY(SKS_REPO_BY_FINGERPRINT, "fingerprint"),
	/* only what was read: same generation, still under the old SMK */
	[Q_REWRAP_ENTRY] = "UPDATE sks_entries SET fingerprint = $2, bytes = $3, "
		"updated = $4, generation = generation + 1 "
		"WHERE id = $1 AND generation = $5 AND fingerprint = $6 RETURNING id",
	[Q_REWRAP_BLOB] = "UPDATE sks_blobs SET data = $3 WHERE entry_id = $1 AND seq = $2",
	[Q_VERSION] = "SELECT version FROM sks_schema_version",
};

int repo_run(struct sks_repo *repo, int id, const struct repo_val *params,
	     int np, repo_row_fn fn, void *arg)
{
	return repo->be->run(repo, id, sql_text[id], params, np, fn, arg);
}

struct repo_val repo_v_int(int64_t i)
{
	return (struct repo_val){ .type = REPO_INT, .i = i };
}

static struct repo_val v_text(const char *s)
{
	return (struct repo_val){ .type = REPO_TEXT, .p = s, .len = strlen(s) };
}

struct repo_val repo_v_blob(const void *p, size_t len)
{
	return (struct repo_val){ .type = REPO_BLOB, .p = p, .len = len };
}

/* The first column of the (last) row as an integer; *arg = -1 if none. */
int repo_int_row(void *arg, const struct repo_val *cols, int ncols)
{
	*(int64_t *)arg = ncols > 0 && cols[0].type == REPO_INT ? cols[0].i : -1;
	return 0;
}

/* Rows counted. */
static int count_rows(void *arg, const struct repo_val *cols, int ncols)
{
	(void)cols;
	(void)ncols;
	++*(uint64_t *)arg;
	return 0;
}

int sks_repo_db_fail(struct sks_repo *repo, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(repo->msg, sizeof(repo->msg), fmt, ap);
	va_end(ap);
	if (repo->in_txn)
		repo->txn_failed = 1;
	return sks_lib_fail(EIO, SKS_CKR_DEVICE_ERROR);
}

/* ---- opening and the schema ---------------------------------------------- */

static int is_pg(const char *where)
{
	return !strncmp(where, "postgresql://", 13) ||
	       !strncmp(where, "postgres://", 11);
}

/* Keep errno and the last result across a rollback after a failure. */
void repo_rollback_quietly(struct sks_repo *repo)
{
	uint32_t ckr = sks_last_result();
	int err = errno;
	char msg[REPO_MSG_LEN];

	memcpy(msg, repo->msg, sizeof(msg));
	repo->be->exec(repo, "ROLLBACK");
	memcpy(repo->msg, msg, sizeof(msg));
	sks_lib_fail(err, ckr);
}

/* Bring the schema to @target in one transaction. */
static int migrate(struct sks_repo *repo, unsigned int target, uint32_t flags)
{
	int64_t v = 0;
	int empty;

	if (repo->be->exec(repo, repo->be->begin_sql))
		return -1;
	if (repo->be->lock_sql && repo->be->exec(repo, repo->be->lock_sql))
		goto fail;
	empty = repo->be->is_empty(repo);
	if (empty < 0)
		goto fail;
	if (empty && !(flags & SKS_REPO_CREATE)) {
		snprintf(repo->msg, sizeof(repo->msg),
			 "no sks repository here (create one with SKS_REPO_CREATE)");
		sks_lib_fail(ENOENT, SKS_CKR_TOKEN_NOT_RECOGNIZED);
		goto fail;
	}
	if (!empty && repo_run(repo, Q_VERSION, NULL, 0, repo_int_row, &v))
		goto fail;
	if (v < 0 || v > SKS_REPO_SCHEMA_VERSION) {
		snprintf(repo->msg, sizeof(repo->msg),
			 "schema version %lld is not one this library knows (newest: %d)",
			 (long long)v, SKS_REPO_SCHEMA_VERSION);
		sks_lib_fail(EPROTO, SKS_CKR_DEVICE_ERROR);
		goto fail;
	}
	for (; v < target; v++)
		if (repo->be->exec(repo, repo->be->migrate[v]))
			goto fail;
	if (repo->be->exec(repo, "COMMIT"))
		goto fail;
	repo->version = (unsigned int)(v > target ? v : target);
	return 0;
fail:
	repo_rollback_quietly(repo);
	return -1;
}

struct sks_repo *sks_repo_open_version(const char *where, uint32_t flags,
				       unsigned int version)
{
	struct sks_repo *repo;

	open_msg[0] = '\0';
	if (!where || !*where || (flags & ~SKS_REPO_CREATE) || !version ||
	    version > SKS_REPO_SCHEMA_VERSION) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	repo = calloc(1, sizeof(*repo));
	if (!repo) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	repo->be = is_pg(where) ? &sks_repo_pg : &sks_repo_sqlite;
	if (repo->be->open(repo, where, flags) || migrate(repo, version, flags)) {
		uint32_t ckr = sks_last_result();
		int err = errno;

		memcpy(open_msg, repo->msg, sizeof(open_msg));
		if (repo->db)
			repo->be->close(repo);
		free(repo);
		sks_lib_fail(err, ckr);
		return NULL;
	}
	sks_set_result(SKS_CKR_OK);
	return repo;
}

SKS_API struct sks_repo *sks_repo_open(const char *where, uint32_t flags)
{
	return sks_repo_open_version(where, flags, SKS_REPO_SCHEMA_VERSION);
}

SKS_API void sks_repo_close(struct sks_repo *repo)
{
	if (!repo)
		return;
	if (repo->in_txn)
		repo->be->exec(repo, "ROLLBACK");
	repo->be->close(repo);
	free(repo);
}

int sks_repo_exec(struct sks_repo *repo, const char *sql)
{
	if (repo->be->exec(repo, sql))
		return -1;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API const char *sks_repo_get_backend(const struct sks_repo *repo)
{
	return repo->be->name;
}

SKS_API const char *sks_repo_get_message(const struct sks_repo *repo)
{
	return repo ? repo->msg : open_msg;
}

SKS_API unsigned int sks_repo_get_schema_version(const struct sks_repo *repo)
{
	return repo->version;
}

/* ---- transactions --------------------------------------------------------- */

SKS_API int sks_repo_begin(struct sks_repo *repo)
{
	if (!repo)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (repo->in_txn)
		return sks_lib_fail(EBUSY, SKS_CKR_OPERATION_ACTIVE);
	if (repo->be->exec(repo, repo->be->begin_sql))
		return -1;
	repo->in_txn = 1;
	repo->txn_failed = 0;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API int sks_repo_commit(struct sks_repo *repo)
{
	if (!repo || !repo->in_txn)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	repo->in_txn = 0;
	if (repo->txn_failed) {
		/* (PostgreSQL would turn the COMMIT into a ROLLBACK anyway) */
		repo->be->exec(repo, "ROLLBACK");
		snprintf(repo->msg, sizeof(repo->msg),
			 "a statement of the transaction failed: rolled back");
		return sks_lib_fail(EIO, SKS_CKR_DEVICE_ERROR);
	}
	if (repo->be->exec(repo, "COMMIT")) {
		repo_rollback_quietly(repo);
		return -1;
	}
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API int sks_repo_rollback(struct sks_repo *repo)
{
	if (!repo || !repo->in_txn)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	repo->in_txn = 0;
	if (repo->be->exec(repo, "ROLLBACK"))
		return -1;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

/* A transaction of our own unless the application has one open. */
static int own_begin(struct sks_repo *repo, int *own)
{
	*own = !repo->in_txn;
	return *own ? repo->be->exec(repo, repo->be->begin_sql) : 0;
}

static int own_end(struct sks_repo *repo, int own, int failed)
{
	if (!own)
		return failed ? -1 : 0;
	if (failed) {
		repo_rollback_quietly(repo);
		return -1;
	}
	if (repo->be->exec(repo, "COMMIT")) {
		repo_rollback_quietly(repo);
		return -1;
	}
	return 0;
}

/* ---- store ------------------------------------------------------------------ */

/* The fingerprint, objects and bytes of a set whose blobs share one SMK. */
static int set_summary(const struct sks_blob_set *set, uint8_t *fp,
		       uint64_t *objects, uint64_t *bytes)
{
	size_t n = sks_blob_set_get_count(set);

	*objects = 0;
	*bytes = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t f[SKS_FINGERPRINT_LEN];
		size_t len;
		const uint8_t *b = sks_blob_set_get_blob(set, i, &len);

		if (!b || sks_blob_get_fingerprint(b, len, f))
			return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
		if (i && memcmp(f, fp, sizeof(f)))
			return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
		memcpy(fp, f, sizeof(f));
		*objects += sks_blob_get_object_count(b, len);
		*bytes += len;
	}
	return 0;
}

static int add_blobs(struct sks_repo *repo, int64_t id,
		     const struct sks_blob_set *set)
{
	for (size_t i = 0; i < sks_blob_set_get_count(set); i++) {
		size_t len;
		const uint8_t *b = sks_blob_set_get_blob(set, i, &len);
		struct repo_val p[] = { repo_v_int(id), repo_v_int((int64_t)i), repo_v_blob(b, len) };

		if (repo_run(repo, Q_ADD_BLOB, p, 3, NULL, NULL))
			return -1;
	}
	return 0;
}

SKS_API int sks_repo_store(struct sks_repo *repo, const char *name,
			   const char *label, const void *key_id,
			   size_t key_id_len, const struct sks_blob_set *blobs,
			   uint32_t flags, int64_t *id)
{
	uint8_t fp[SKS_FINGERPRINT_LEN];
	uint64_t objects, bytes;
	int64_t eid = -1;
	int own, failed;
	size_t nlen;

	if (!repo || !name || !blobs || (flags & ~SKS_REPO_REPLACE) ||
	    key_id_len > SKS_OBJ_ID_MAX || (key_id_len && !key_id))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	nlen = strlen(name);
	if (!nlen || nlen > SKS_REPO_NAME_MAX ||
	    (label && strlen(label) > SKS_REPO_NAME_MAX) ||
	    !sks_blob_set_get_count(blobs))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (set_summary(blobs, fp, &objects, &bytes))
		return -1;
	if (own_begin(repo, &own))
		return -1;
	{
		struct repo_val p[] = {
			v_text(name), v_text(label ? label : ""),
			repo_v_blob(key_id, key_id_len), repo_v_blob(fp, sizeof(fp)),
			repo_v_int((int64_t)sks_blob_set_get_count(blobs)),
			repo_v_int((int64_t)objects), repo_v_int((int64_t)bytes),
			repo_v_int((int64_t)time(NULL)),
		};
		int q = flags & SKS_REPO_REPLACE ? Q_UPSERT : Q_INSERT;
		struct repo_val pid[] = { repo_v_int(0) };

		failed = repo_run(repo, q, p, 8, repo_int_row, &eid);
		if (!failed && eid < 0) {
			snprintf(repo->msg, sizeof(repo->msg),
				 "an entry named '%s' exists", name);
			sks_lib_fail(EEXIST, SKS_CKR_FUNCTION_FAILED);
			failed = -1;
		}
		pid[0] = repo_v_int(eid);
		if (!failed && (flags & SKS_REPO_REPLACE))
			failed = repo_run(repo, Q_DROP_BLOBS, pid, 1, NULL, NULL);
		if (!failed)
			failed = add_blobs(repo, eid, blobs);
	}
	if (own_end(repo, own, failed))
		return -1;
	if (id)
		*id = eid;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

/* ---- entries ---------------------------------------------------------------- */

void repo_entry_clear(struct sks_repo_entry *e)
{
	free(e->name);
	free(e->label);
	free(e->key_id);
	sks_blob_set_free(e->set);
	memset(e, 0, sizeof(*e));
}

SKS_API void sks_repo_entry_free(struct sks_repo_entry *entry)
{
	if (!entry)
		return;
	repo_entry_clear(entry);
	free(entry);
}

static char *dup_text(const struct repo_val *v)
{
	char *s = malloc(v->len + 1);

	if (s) {
		if (v->len)
			memcpy(s, v->p, v->len);
		s[v->len] = '\0';
	}
	return s;
}

/* One row of COLS into @e. */
static int entry_from_row(struct sks_repo_entry *e, const struct repo_val *c,
			  int n)
{
	memset(e, 0, sizeof(*e));
	if (n < 11 || c[4].type != REPO_BLOB || c[4].len != SKS_FINGERPRINT_LEN)
		return sks_lib_fail(EIO, SKS_CKR_DEVICE_ERROR);
	e->id = c[0].i;
	e->name = dup_text(&c[1]);
	e->label = dup_text(&c[2]);
	e->key_id = malloc(c[3].len ? c[3].len : 1);
	if (!e->name || !e->label || !e->key_id) {
		repo_entry_clear(e);
		return sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
	}
	if (c[3].len)
		memcpy(e->key_id, c[3].p, c[3].len);
	e->key_id_len = c[3].len;
	memcpy(e->fp, c[4].p, SKS_FINGERPRINT_LEN);
	e->blobs = (unsigned int)c[5].i;
	e->objects = (unsigned int)c[6].i;
	e->bytes = (uint64_t)c[7].i;
	e->created = c[8].i;
	e->updated = c[9].i;
	e->generation = c[10].i;
	return 0;
}

struct page_ctx {
	struct sks_repo_entry *out;
	size_t room, count;
};

static int page_row(void *arg, const struct repo_val *cols, int ncols)
{
	struct page_ctx *pc = arg;

	if (pc->count >= pc->room)
		return 0;
	if (entry_from_row(&pc->out[pc->count], cols, ncols))
		return -1;
	pc->count++;
	return 0;
}

static int blob_row(void *arg, const struct repo_val *cols, int ncols)
{
	if (ncols < 2)
		return sks_lib_fail(EIO, SKS_CKR_DEVICE_ERROR);
	/* a row that holds no blob (written by someone else): damaged */
	if (cols[1].type != REPO_BLOB)
		return sks_lib_fail(EBADMSG, SKS_CKR_DATA_INVALID);
	return sks_blob_set_add(arg, cols[1].p, cols[1].len);
}

/*
 * Read @e's blobs: EBADMSG if one is malformed; ESTALE if they are not as
 * many as @e says (the entry changed since its row was read).
 */
int repo_entry_load_blobs(struct sks_repo *repo, struct sks_repo_entry *e)
{
	struct repo_val p[] = { repo_v_int(e->id) };

	e->set = sks_blob_set_new();
	if (!e->set)
		return -1;
	if (repo_run(repo, Q_BLOBS_OF, p, 1, blob_row, e->set)) {
		if (errno == EBADMSG)
			snprintf(repo->msg, sizeof(repo->msg),
				 "entry '%s' has a damaged blob", e->name);
		return -1;
	}
	if (sks_blob_set_get_count(e->set) != e->blobs) {
		snprintf(repo->msg, sizeof(repo->msg),
			 "entry '%s' has %zu of its %u blobs", e->name,
			 sks_blob_set_get_count(e->set), e->blobs);
		return sks_lib_fail(ESTALE, SKS_CKR_DATA_INVALID);
	}
	return 0;
}

/* The selector's key as a query parameter. */
static int key_param(unsigned int by, const void *key, size_t key_len,
		     struct repo_val *v)
{
	switch (by) {
	case SKS_REPO_BY_NAME:
	case SKS_REPO_BY_LABEL:
		if (!key)
			break;
		*v = v_text(key);
		return 0;
	case SKS_REPO_BY_ID:
		if (!key)
			break;
		*v = repo_v_int(*(const int64_t *)key);
		return 0;
	case SKS_REPO_BY_KEY_ID:
		if (key_len > SKS_OBJ_ID_MAX || (key_len && !key))
			break;
		*v = repo_v_blob(key, key_len);
		return 0;
	case SKS_REPO_BY_FINGERPRINT:
		if (!key)
			break;
		*v = repo_v_blob(key, SKS_FINGERPRINT_LEN);
		return 0;
	}
	return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
}

/* Up to @room entries after id @after that match. */
int repo_read_page(struct sks_repo *repo, unsigned int by,
		   const struct repo_val *key, int64_t after,
		   struct sks_repo_entry *out, size_t room, size_t *count)
{
	struct page_ctx pc = { .out = out, .room = room };
	int ret;

	if (by == SKS_REPO_ALL) {
		struct repo_val p[] = { repo_v_int(after), repo_v_int((int64_t)room) };

		ret = repo_run(repo, Q_PAGE_ALL, p, 2, page_row, &pc);
	} else {
		struct repo_val p[] = { *key, repo_v_int(after), repo_v_int((int64_t)room) };

		ret = repo_run(repo, Q_PAGE_BY + (int)by - 1, p, 3, page_row, &pc);
	}
	*count = pc.count;
	if (ret)
		while (pc.count)
			repo_entry_clear(&out[--pc.count]);
	return ret;
}

/*
 * The one entry that matches, with its blobs, read in one snapshot (a
 * read transaction of our own unless the application has one open).
 */
static struct sks_repo_entry *fetch_one(struct sks_repo *repo, unsigned int by,
					const struct repo_val *k)
{
	struct sks_repo_entry got[2], *e = NULL;
	int own = !repo->in_txn;
	size_t n = 0;

	if (own && repo->be->exec(repo, repo->be->read_begin_sql))
		return NULL;
	if (repo_read_page(repo, by, k, 0, got, 2, &n))
		goto out;
	if (n != 1) {
		if (n)
			sks_lib_fail(ENOTUNIQ, SKS_CKR_ARGUMENTS_BAD);
		else
			sks_lib_fail(ENOENT, SKS_CKR_OBJECT_HANDLE_INVALID);
		goto out;
	}
	e = malloc(sizeof(*e));
	if (!e) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	*e = got[0];
	n = 0;
	if (repo_entry_load_blobs(repo, e)) {
		sks_repo_entry_free(e);
		e = NULL;
	}
out:
	while (n)
		repo_entry_clear(&got[--n]);
	if (own) {
		if (e)
			repo->be->exec(repo, "COMMIT");	/* (read only) */
		else
			repo_rollback_quietly(repo);
	}
	return e;
}

SKS_API struct sks_repo_entry *sks_repo_fetch(struct sks_repo *repo,
					      unsigned int by, const void *key,
					      size_t key_len)
{
	struct sks_repo_entry *e;
	struct repo_val k;

	if (!repo || by == SKS_REPO_ALL || by == SKS_REPO_BY_FINGERPRINT ||
	    key_param(by, key, key_len, &k)) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	e = fetch_one(repo, by, &k);
	if (e)
		sks_set_result(SKS_CKR_OK);
	return e;
}

SKS_API int sks_repo_count(struct sks_repo *repo, unsigned int by,
			   const void *key, size_t key_len, uint64_t *count)
{
	int64_t n = -1;
	struct repo_val k;

	if (!repo || !count || by > SKS_REPO_BY_FINGERPRINT)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (by == SKS_REPO_ALL) {
		if (repo_run(repo, Q_COUNT_ALL, NULL, 0, repo_int_row, &n))
			return -1;
	} else {
		if (key_param(by, key, key_len, &k) ||
		    repo_run(repo, Q_COUNT_BY + (int)by - 1, &k, 1, repo_int_row, &n))
			return -1;
	}
	*count = n < 0 ? 0 : (uint64_t)n;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API int sks_repo_delete(struct sks_repo *repo, unsigned int by,
			    const void *key, size_t key_len, uint64_t *count)
{
	uint64_t n = 0;
	struct repo_val k;
	int own;

	if (!repo || by == SKS_REPO_ALL || by > SKS_REPO_BY_FINGERPRINT ||
	    key_param(by, key, key_len, &k))
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	if (own_begin(repo, &own))
		return -1;
	if (own_end(repo, own, repo_run(repo, Q_DELETE_BY + (int)by - 1, &k, 1,
				   count_rows, &n)))
		return -1;
	if (count)
		*count = n;
	if (!n)
		return sks_lib_fail(ENOENT, SKS_CKR_OBJECT_HANDLE_INVALID);
	sks_set_result(SKS_CKR_OK);
	return 0;
}

/* ---- walks -------------------------------------------------------------------- */

SKS_API struct sks_repo_iter *sks_repo_list(struct sks_repo *repo,
					    unsigned int by, const void *key,
					    size_t key_len, uint32_t flags)
{
	struct sks_repo_iter *it;

	if (!repo || by > SKS_REPO_BY_FINGERPRINT ||
	    (flags & ~SKS_REPO_WITH_BLOBS)) {
		sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
		return NULL;
	}
	it = calloc(1, sizeof(*it));
	if (!it) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		return NULL;
	}
	it->repo = repo;
	it->by = by;
	it->flags = flags;
	if (by != SKS_REPO_ALL) {
		if (key_param(by, key, key_len, &it->key)) {
			free(it);
			return NULL;
		}
		/* (the walk outlives the caller's key) */
		it->key_copy = malloc(it->key.len + 1);
		if (!it->key_copy) {
			free(it);
			sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
			return NULL;
		}
		if (it->key.type != REPO_INT && it->key.len)
			memcpy(it->key_copy, it->key.p, it->key.len);
		it->key.p = it->key_copy;
	}
	sks_set_result(SKS_CKR_OK);
	return it;
}

static void iter_clear_page(struct sks_repo_iter *it)
{
	for (size_t i = 0; i < it->count; i++)
		repo_entry_clear(&it->page[i]);
	it->count = 0;
	it->next = 0;
}

SKS_API int sks_repo_iter_next(struct sks_repo_iter *it,
			       const struct sks_repo_entry **entry)
{
	struct sks_repo_entry *e;

	if (!it || !entry)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	*entry = NULL;
	if (it->next >= it->count && !it->end) {
		iter_clear_page(it);
		if (repo_read_page(it->repo, it->by, &it->key, it->last, it->page,
			      PAGE, &it->count))
			return -1;
		if (it->count < PAGE)
			it->end = 1;
		if (it->count)
			it->last = it->page[it->count - 1].id;
	}
	if (it->next >= it->count) {
		sks_set_result(SKS_CKR_OK);
		return 0;
	}
	e = &it->page[it->next++];
	if ((it->flags & SKS_REPO_WITH_BLOBS) && !e->set &&
	    repo_entry_load_blobs(it->repo, e)) {
		struct repo_val id = repo_v_int(e->id);
		struct sks_repo_entry *again;

		if (errno != ESTALE)
			return -1;
		/* changed meanwhile: as it is now, or gone */
		again = fetch_one(it->repo, SKS_REPO_BY_ID, &id);
		if (!again && errno != ENOENT)
			return -1;
		repo_entry_clear(e);
		if (!again)
			return sks_repo_iter_next(it, entry);
		*e = *again;
		free(again);
	}
	*entry = e;
	sks_set_result(SKS_CKR_OK);
	return 0;
}

SKS_API void sks_repo_iter_free(struct sks_repo_iter *it)
{
	if (!it)
		return;
	iter_clear_page(it);
	free(it->key_copy);
	free(it);
}

/* ---- getters ------------------------------------------------------------------- */

SKS_API int64_t sks_repo_entry_get_id(const struct sks_repo_entry *e)
{
	return e->id;
}

SKS_API const char *sks_repo_entry_get_name(const struct sks_repo_entry *e)
{
	return e->name;
}

SKS_API const char *sks_repo_entry_get_label(const struct sks_repo_entry *e)
{
	return e->label;
}

SKS_API const uint8_t *
sks_repo_entry_get_key_id(const struct sks_repo_entry *e, size_t *len)
{
	if (len)
		*len = e->key_id_len;
	return e->key_id;
}

SKS_API const uint8_t *
sks_repo_entry_get_fingerprint(const struct sks_repo_entry *e)
{
	return e->fp;
}

SKS_API unsigned int
sks_repo_entry_get_blob_count(const struct sks_repo_entry *e)
{
	return e->blobs;
}

SKS_API unsigned int
sks_repo_entry_get_object_count(const struct sks_repo_entry *e)
{
	return e->objects;
}

SKS_API uint64_t sks_repo_entry_get_size(const struct sks_repo_entry *e)
{
	return e->bytes;
}

SKS_API int64_t sks_repo_entry_get_created(const struct sks_repo_entry *e)
{
	return e->created;
}

SKS_API int64_t sks_repo_entry_get_updated(const struct sks_repo_entry *e)
{
	return e->updated;
}

SKS_API const struct sks_blob_set *
sks_repo_entry_get_blobs(const struct sks_repo_entry *e)
{
	return e->set;
}
