// SPDX-License-Identifier: GPL-2.0
/*
 * The key repository (sks_repo_*) on both of its backends, one suite: every
 * test runs on an SQLite file and on a PostgreSQL database of a server this
 * program starts (scripts/pg-test-server.sh: Debian's server, a cluster in
 * a temporary folder, an unprivileged user, 127.0.0.1 only). No kernel is
 * needed: the blobs are made here, with well-formed headers (the
 * repository reads only those) and random sealed parts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "kselftest_harness.h"

#include <sks.h>
#include <sks_repo.h>
#include <linux/sks_format.h>
#include "../lib/internal.h"
#include "../lib/repo.h"

static char tmpdir[256];
static char pg_url[256];	/* postgresql://sks@127.0.0.1:PORT */

/* A well-formed blob of @count objects under SMK fingerprint @fp*16. */
static uint8_t *make_blob(uint8_t fp, uint32_t count, uint32_t payload,
			  size_t *len)
{
	size_t n = SKS_BLOB_HDR_LEN + payload + SKS_BLOB_TAG_LEN;
	uint8_t *b = malloc(n);

	if (!b)
		return NULL;
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rand();
	memcpy(b, SKS_BLOB_MAGIC, 4);
	sks_put_le16(b + SKS_BLOB_OFF_VERSION, SKS_BLOB_VERSION);
	sks_put_le16(b + SKS_BLOB_OFF_HDR_LEN, SKS_BLOB_HDR_LEN);
	sks_put_le32(b + SKS_BLOB_OFF_FLAGS, 0);
	sks_put_le32(b + SKS_BLOB_OFF_COUNT, count);
	sks_put_le32(b + SKS_BLOB_OFF_PAYLOAD, payload);
	memset(b + SKS_BLOB_OFF_FP, fp, SKS_FINGERPRINT_LEN);
	if (payload)
		b[SKS_BLOB_HDR_LEN] = 0;	/* (0xee: the fake kernel refuses it) */
	*len = n;
	return b;
}

/* A set of @nblobs blobs of @count objects each, under fingerprint @fp. */
static struct sks_blob_set *make_set(uint8_t fp, size_t nblobs, uint32_t count,
				     uint32_t payload)
{
	struct sks_blob_set *set = sks_blob_set_new();

	for (size_t i = 0; set && i < nblobs; i++) {
		size_t len;
		uint8_t *b = make_blob(fp, count, payload, &len);

		if (!b || sks_blob_set_add(set, b, len)) {
			free(b);
			sks_blob_set_free(set);
			return NULL;
		}
		free(b);
	}
	return set;
}

static int same_sets(const struct sks_blob_set *a, const struct sks_blob_set *b)
{
	if (!a || !b || sks_blob_set_get_count(a) != sks_blob_set_get_count(b))
		return 0;
	for (size_t i = 0; i < sks_blob_set_get_count(a); i++) {
		size_t la, lb;
		const uint8_t *pa = sks_blob_set_get_blob(a, i, &la);
		const uint8_t *pb = sks_blob_set_get_blob(b, i, &lb);

		if (la != lb || memcmp(pa, pb, la))
			return 0;
	}
	return 1;
}

static int pg_admin(const char *sql)
{
	char url[300];
	PGconn *c;
	PGresult *r;
	int ok;

	snprintf(url, sizeof(url), "%s/postgres", pg_url);
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "# %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "# %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

FIXTURE(repo)
{
	char where[512];
	char db[64];
	struct sks_repo *r;
};

FIXTURE_VARIANT(repo)
{
	int pg;
};

FIXTURE_VARIANT_ADD(repo, sqlite)
{
	.pg = 0,
};

FIXTURE_VARIANT_ADD(repo, postgresql)
{
	.pg = 1,
};

FIXTURE_SETUP(repo)
{
	char sql[128];

	srand((unsigned int)getpid());
	self->r = NULL;
	if (!variant->pg) {
		snprintf(self->where, sizeof(self->where), "%s/t%d.db", tmpdir,
			 getpid());
		return;
	}
	ASSERT_NE(0, pg_url[0]) TH_LOG("the PostgreSQL test server did not start");
	snprintf(self->db, sizeof(self->db), "t%d", getpid());
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", self->db);
	ASSERT_EQ(0, pg_admin(sql));
	snprintf(self->where, sizeof(self->where), "%s/%s", pg_url, self->db);
}

FIXTURE_TEARDOWN(repo)
{
	char sql[600];

	sks_repo_close(self->r);
	if (!variant->pg) {
		unlink(self->where);
		snprintf(sql, sizeof(sql), "%s-wal", self->where);
		unlink(sql);
		snprintf(sql, sizeof(sql), "%s-shm", self->where);
		unlink(sql);
		return;
	}
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", self->db);
	pg_admin(sql);
}

#define OPEN(self) do { \
	(self)->r = sks_repo_open((self)->where, SKS_REPO_CREATE); \
	ASSERT_NE(NULL, (self)->r) TH_LOG("open: %s", sks_repo_get_message(NULL)); \
} while (0)

static const uint8_t FP_A[SKS_FINGERPRINT_LEN] = {
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t FP_B[SKS_FINGERPRINT_LEN] = {
	0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
	0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb };

TEST_F(repo, open_without_create_finds_no_repository_then_creates_one)
{
	struct sks_repo *r = sks_repo_open(self->where, 0);

	ASSERT_EQ(NULL, r);
	EXPECT_EQ(ENOENT, errno);
	EXPECT_NE(0, strlen(sks_repo_get_message(NULL)));
	OPEN(self);
	EXPECT_STREQ(variant->pg ? "postgresql" : "sqlite",
		     sks_repo_get_backend(self->r));
	EXPECT_EQ(SKS_REPO_SCHEMA_VERSION, sks_repo_get_schema_version(self->r));
	/* and now it opens without the flag */
	r = sks_repo_open(self->where, 0);
	ASSERT_NE(NULL, r);
	sks_repo_close(r);
	EXPECT_EQ(NULL, sks_repo_open("", SKS_REPO_CREATE));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(repo, store_then_fetch_by_name_id_label_and_key_id)
{
	struct sks_blob_set *set = make_set(0xaa, 1, 3, 300);
	const uint8_t kid[] = { 1, 2, 3, 4 };
	struct sks_repo_entry *e;
	int64_t id = 0, id2 = 0;
	size_t klen;
	time_t t0 = time(NULL);

	OPEN(self);
	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, sks_repo_store(self->r, "keys/one", "payments", kid,
				    sizeof(kid), set, 0, &id));
	EXPECT_LT(0, id);
	ASSERT_EQ(0, sks_repo_store(self->r, "keys/two", "other", NULL, 0, set,
				    0, &id2));
	EXPECT_NE(id, id2);

	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "keys/one", 0);
	ASSERT_NE(NULL, e) TH_LOG("%s", sks_repo_get_message(self->r));
	EXPECT_EQ(id, sks_repo_entry_get_id(e));
	EXPECT_STREQ("keys/one", sks_repo_entry_get_name(e));
	EXPECT_STREQ("payments", sks_repo_entry_get_label(e));
	EXPECT_EQ(0, memcmp(kid, sks_repo_entry_get_key_id(e, &klen), sizeof(kid)));
	EXPECT_EQ(sizeof(kid), klen);
	EXPECT_EQ(0, memcmp(FP_A, sks_repo_entry_get_fingerprint(e), SKS_FINGERPRINT_LEN));
	EXPECT_EQ(1, sks_repo_entry_get_blob_count(e));
	EXPECT_EQ(3, sks_repo_entry_get_object_count(e));
	EXPECT_EQ(SKS_BLOB_HDR_LEN + 300 + SKS_BLOB_TAG_LEN, sks_repo_entry_get_size(e));
	EXPECT_LE(t0, sks_repo_entry_get_created(e));
	EXPECT_LE(sks_repo_entry_get_created(e), time(NULL));
	EXPECT_EQ(sks_repo_entry_get_created(e), sks_repo_entry_get_updated(e));
	EXPECT_TRUE(same_sets(set, sks_repo_entry_get_blobs(e)));
	sks_repo_entry_free(e);

	e = sks_repo_fetch(self->r, SKS_REPO_BY_ID, &id2, 0);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("keys/two", sks_repo_entry_get_name(e));
	EXPECT_STREQ("other", sks_repo_entry_get_label(e));
	sks_repo_entry_get_key_id(e, &klen);
	EXPECT_EQ(0, klen);
	sks_repo_entry_free(e);

	e = sks_repo_fetch(self->r, SKS_REPO_BY_LABEL, "payments", 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(id, sks_repo_entry_get_id(e));
	sks_repo_entry_free(e);
	e = sks_repo_fetch(self->r, SKS_REPO_BY_KEY_ID, kid, sizeof(kid));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(id, sks_repo_entry_get_id(e));
	sks_repo_entry_free(e);

	/* nothing, and more than one */
	EXPECT_EQ(NULL, sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "keys/none", 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(SKS_CKR_OBJECT_HANDLE_INVALID, sks_last_result());
	ASSERT_EQ(0, sks_repo_store(self->r, "keys/three", "payments", NULL, 0,
				    set, 0, NULL));
	EXPECT_EQ(NULL, sks_repo_fetch(self->r, SKS_REPO_BY_LABEL, "payments", 0));
	EXPECT_EQ(ENOTUNIQ, errno);
	EXPECT_EQ(NULL, sks_repo_fetch(self->r, SKS_REPO_ALL, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	sks_blob_set_free(set);
}

TEST_F(repo, a_taken_name_is_refused_unless_replaced)
{
	struct sks_blob_set *a = make_set(0xaa, 1, 1, 100);
	struct sks_blob_set *b = make_set(0xbb, 2, 2, 200);
	struct sks_repo_entry *e;
	int64_t id, id2;
	uint64_t n;

	OPEN(self);
	ASSERT_EQ(0, sks_repo_store(self->r, "k", "first", NULL, 0, a, 0, &id));
	EXPECT_EQ(-1, sks_repo_store(self->r, "k", "second", NULL, 0, b, 0, NULL));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(SKS_CKR_FUNCTION_FAILED, sks_last_result());
	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "k", 0);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(same_sets(a, sks_repo_entry_get_blobs(e)));
	sks_repo_entry_free(e);

	ASSERT_EQ(0, sks_repo_store(self->r, "k", "second", NULL, 0, b,
				    SKS_REPO_REPLACE, &id2));
	EXPECT_EQ(id, id2);
	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "k", 0);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("second", sks_repo_entry_get_label(e));
	EXPECT_EQ(0, memcmp(FP_B, sks_repo_entry_get_fingerprint(e), SKS_FINGERPRINT_LEN));
	EXPECT_EQ(2, sks_repo_entry_get_blob_count(e));
	EXPECT_EQ(4, sks_repo_entry_get_object_count(e));
	EXPECT_TRUE(same_sets(b, sks_repo_entry_get_blobs(e)));
	sks_repo_entry_free(e);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(1, n);
	sks_blob_set_free(a);
	sks_blob_set_free(b);
}

TEST_F(repo, stores_that_make_no_sense_are_refused)
{
	struct sks_blob_set *a = make_set(0xaa, 1, 1, 100);
	struct sks_blob_set *mixed = make_set(0xaa, 1, 1, 100);
	struct sks_blob_set *empty = sks_blob_set_new();
	struct sks_blob_set *b = make_set(0xbb, 1, 1, 100);
	uint8_t kid[SKS_OBJ_ID_MAX + 1] = { 0 };
	char *longname = malloc(SKS_REPO_NAME_MAX + 2);
	const uint8_t *p;
	uint64_t n;
	size_t len;

	OPEN(self);
	ASSERT_NE(NULL, longname);
	memset(longname, 'x', SKS_REPO_NAME_MAX + 1);
	longname[SKS_REPO_NAME_MAX + 1] = '\0';
	p = sks_blob_set_get_blob(b, 0, &len);
	ASSERT_EQ(0, sks_blob_set_add(mixed, p, len));
	EXPECT_EQ(-1, sks_repo_store(self->r, "m", NULL, NULL, 0, mixed, 0, NULL));
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_EQ(-1, sks_repo_store(self->r, "e", NULL, NULL, 0, empty, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sks_repo_store(self->r, "", NULL, NULL, 0, a, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sks_repo_store(self->r, longname, NULL, NULL, 0, a, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sks_repo_store(self->r, "k", NULL, kid, sizeof(kid), a, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sks_repo_store(self->r, "k", NULL, NULL, 0, a, 0x80, NULL));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(0, n);
	sks_blob_set_free(a);
	sks_blob_set_free(b);
	sks_blob_set_free(mixed);
	sks_blob_set_free(empty);
	free(longname);
}

TEST_F(repo, a_group_larger_than_one_blob_is_one_entry)
{
	/* five blobs of almost 64 KiB: 320 KiB in one entry */
	uint32_t payload = SKS_MAX_BLOB_SIZE - SKS_BLOB_HDR_LEN - SKS_BLOB_TAG_LEN;
	struct sks_blob_set *set = make_set(0xaa, 5, 700, payload);
	struct sks_repo_entry *e;
	uint64_t n;

	OPEN(self);
	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, sks_repo_store(self->r, "group", NULL, NULL, 0, set, 0, NULL));
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(1, n);
	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "group", 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(5, sks_repo_entry_get_blob_count(e));
	EXPECT_EQ(3500, sks_repo_entry_get_object_count(e));
	EXPECT_EQ(5ULL * SKS_MAX_BLOB_SIZE, sks_repo_entry_get_size(e));
	EXPECT_TRUE(same_sets(set, sks_repo_entry_get_blobs(e)));
	sks_repo_entry_free(e);
	sks_blob_set_free(set);
}

TEST_F(repo, walks_go_page_by_page_in_id_order_and_see_each_entry_once)
{
	enum { N = 300 };	/* more than two pages */
	struct sks_blob_set *a = make_set(0xaa, 1, 1, 64);
	struct sks_blob_set *b = make_set(0xbb, 1, 2, 64);
	const struct sks_repo_entry *e;
	struct sks_repo_iter *it;
	int64_t last = 0;
	uint64_t n, seen = 0, with_b = 0;
	char name[32];

	OPEN(self);
	ASSERT_EQ(0, sks_repo_begin(self->r));
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "k%04d", i);
		ASSERT_EQ(0, sks_repo_store(self->r, name, i % 3 ? "odd" : "third",
					    NULL, 0, i % 2 ? b : a, 0, NULL));
	}
	ASSERT_EQ(0, sks_repo_commit(self->r));

	it = sks_repo_list(self->r, SKS_REPO_ALL, NULL, 0, 0);
	ASSERT_NE(NULL, it);
	while (sks_repo_iter_next(it, &e) == 0 && e) {
		EXPECT_LT(last, sks_repo_entry_get_id(e));
		last = sks_repo_entry_get_id(e);
		EXPECT_EQ(NULL, sks_repo_entry_get_blobs(e));
		snprintf(name, sizeof(name), "k%04d", (int)seen);
		EXPECT_STREQ(name, sks_repo_entry_get_name(e));
		seen++;
	}
	EXPECT_EQ(NULL, e);
	EXPECT_EQ(N, seen);
	sks_repo_iter_free(it);

	it = sks_repo_list(self->r, SKS_REPO_BY_FINGERPRINT, FP_B, 0,
			   SKS_REPO_WITH_BLOBS);
	ASSERT_NE(NULL, it);
	while (sks_repo_iter_next(it, &e) == 0 && e) {
		EXPECT_EQ(0, memcmp(FP_B, sks_repo_entry_get_fingerprint(e), 16));
		EXPECT_TRUE(same_sets(b, sks_repo_entry_get_blobs(e)));
		with_b++;
	}
	sks_repo_iter_free(it);
	EXPECT_EQ(N / 2, with_b);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(N / 2, n);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_LABEL, "third", 0, &n));
	EXPECT_EQ(N / 3, n);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(N, n);
	sks_blob_set_free(a);
	sks_blob_set_free(b);
}

TEST_F(repo, delete_by_name_label_and_fingerprint)
{
	struct sks_blob_set *a = make_set(0xaa, 1, 1, 64);
	struct sks_blob_set *b = make_set(0xbb, 1, 1, 64);
	uint64_t n;

	OPEN(self);
	ASSERT_EQ(0, sks_repo_store(self->r, "a1", "x", NULL, 0, a, 0, NULL));
	ASSERT_EQ(0, sks_repo_store(self->r, "a2", "x", NULL, 0, a, 0, NULL));
	ASSERT_EQ(0, sks_repo_store(self->r, "a3", "y", NULL, 0, a, 0, NULL));
	ASSERT_EQ(0, sks_repo_store(self->r, "b1", "y", NULL, 0, b, 0, NULL));
	ASSERT_EQ(0, sks_repo_delete(self->r, SKS_REPO_BY_NAME, "a1", 0, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(-1, sks_repo_delete(self->r, SKS_REPO_BY_NAME, "a1", 0, &n));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, n);
	ASSERT_EQ(0, sks_repo_delete(self->r, SKS_REPO_BY_LABEL, "y", 0, &n));
	EXPECT_EQ(2, n);
	ASSERT_EQ(0, sks_repo_delete(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(1, n);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(-1, sks_repo_delete(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(EINVAL, errno);
	/* the blobs went with their entries: the name is free again */
	ASSERT_EQ(0, sks_repo_store(self->r, "a1", "x", NULL, 0, b, 0, NULL));
	sks_blob_set_free(a);
	sks_blob_set_free(b);
}

TEST_F(repo, a_transaction_is_kept_all_or_none)
{
	struct sks_blob_set *a = make_set(0xaa, 1, 1, 64);
	struct sks_repo *other;
	uint64_t n;

	OPEN(self);
	EXPECT_EQ(-1, sks_repo_commit(self->r));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, sks_repo_begin(self->r));
	EXPECT_EQ(-1, sks_repo_begin(self->r));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, sks_repo_store(self->r, "r1", NULL, NULL, 0, a, 0, NULL));
	ASSERT_EQ(0, sks_repo_store(self->r, "r2", NULL, NULL, 0, a, 0, NULL));
	ASSERT_EQ(0, sks_repo_rollback(self->r));
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(0, n);

	ASSERT_EQ(0, sks_repo_begin(self->r));
	ASSERT_EQ(0, sks_repo_store(self->r, "c1", NULL, NULL, 0, a, 0, NULL));
	ASSERT_EQ(0, sks_repo_commit(self->r));
	/* another connection sees what was committed */
	other = sks_repo_open(self->where, 0);
	ASSERT_NE(NULL, other);
	ASSERT_EQ(0, sks_repo_count(other, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(1, n);
	sks_repo_close(other);
	/* a transaction left open at close is rolled back */
	ASSERT_EQ(0, sks_repo_begin(self->r));
	ASSERT_EQ(0, sks_repo_store(self->r, "lost", NULL, NULL, 0, a, 0, NULL));
	sks_repo_close(self->r);
	OPEN(self);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_ALL, NULL, 0, &n));
	EXPECT_EQ(1, n);
	sks_blob_set_free(a);
}

/* Schema version 1 had no generation column and no label index. */
TEST_F(repo, a_version_1_schema_is_migrated_on_open)
{
	struct sks_repo *r = sks_repo_open_version(self->where, SKS_REPO_CREATE, 1);
	struct sks_blob_set *set = make_set(0xaa, 1, 2, 40);
	struct sks_repo_entry *e;
	const uint8_t *b;
	char sql[1024], hex[2 * 256 + 1];
	size_t len;
	int pg = variant->pg;

	ASSERT_NE(NULL, r) TH_LOG("%s", sks_repo_get_message(NULL));
	EXPECT_EQ(1, sks_repo_get_schema_version(r));
	b = sks_blob_set_get_blob(set, 0, &len);
	ASSERT_LT(len, 256);
	for (size_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
	/* what a version 1 library wrote */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO sks_entries (name, label, key_id, fingerprint, blobs, objects, bytes, created, updated) "
		 "VALUES ('old', 'legacy', %s, %s, 1, 2, %zu, 1700000000, 1700000000)",
		 pg ? "'\\x0102'::bytea" : "x'0102'",
		 pg ? "'\\xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'::bytea" : "x'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
		 len);
	ASSERT_EQ(0, sks_repo_exec(r, sql)) TH_LOG("%s", sks_repo_get_message(r));
	snprintf(sql, sizeof(sql),
		 "INSERT INTO sks_blobs (entry_id, seq, data) SELECT id, 0, %s%s%s FROM sks_entries",
		 pg ? "'\\x" : "x'", hex, pg ? "'::bytea" : "'");
	ASSERT_EQ(0, sks_repo_exec(r, sql)) TH_LOG("%s", sks_repo_get_message(r));
	/* (a version 1 database has no generation to write) */
	EXPECT_EQ(-1, sks_repo_exec(r, "UPDATE sks_entries SET generation = 1"));
	sks_repo_close(r);

	OPEN(self);
	EXPECT_EQ(2, sks_repo_get_schema_version(self->r));
	e = sks_repo_fetch(self->r, SKS_REPO_BY_LABEL, "legacy", 0);
	ASSERT_NE(NULL, e) TH_LOG("%s", sks_repo_get_message(self->r));
	EXPECT_STREQ("old", sks_repo_entry_get_name(e));
	EXPECT_EQ(1700000000, sks_repo_entry_get_created(e));
	EXPECT_EQ(0, memcmp(FP_A, sks_repo_entry_get_fingerprint(e), 16));
	EXPECT_TRUE(same_sets(set, sks_repo_entry_get_blobs(e)));
	sks_repo_entry_free(e);
	/* and the migrated database takes version 2's writes */
	ASSERT_EQ(0, sks_repo_store(self->r, "old", "legacy", NULL, 0, set,
				    SKS_REPO_REPLACE, NULL));
	ASSERT_EQ(0, sks_repo_exec(self->r, "UPDATE sks_entries SET generation = generation + 1"));
	sks_blob_set_free(set);
}

TEST_F(repo, a_schema_newer_than_the_library_is_refused)
{
	struct sks_repo *r;

	OPEN(self);
	ASSERT_EQ(0, sks_repo_exec(self->r, "UPDATE sks_schema_version SET version = 99"));
	r = sks_repo_open(self->where, 0);
	EXPECT_EQ(NULL, r);
	EXPECT_EQ(EPROTO, errno);
	EXPECT_NE(NULL, strstr(sks_repo_get_message(NULL), "99"));
	sks_repo_close(r);
	/* nothing was changed by the refusal */
	ASSERT_EQ(0, sks_repo_exec(self->r, "UPDATE sks_schema_version SET version = 2"));
	r = sks_repo_open(self->where, 0);
	ASSERT_NE(NULL, r);
	sks_repo_close(r);
}

TEST_F(repo, everything_is_there_after_reopening)
{
	struct sks_blob_set *a = make_set(0xaa, 3, 10, 1000);
	struct sks_repo_entry *e;

	OPEN(self);
	ASSERT_EQ(0, sks_repo_store(self->r, "persist", "p", "id", 2, a, 0, NULL));
	sks_repo_close(self->r);
	self->r = sks_repo_open(self->where, 0);
	ASSERT_NE(NULL, self->r);
	e = sks_repo_fetch(self->r, SKS_REPO_BY_KEY_ID, "id", 2);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(same_sets(a, sks_repo_entry_get_blobs(e)));
	EXPECT_EQ(30, sks_repo_entry_get_object_count(e));
	sks_repo_entry_free(e);
	sks_blob_set_free(a);
}

/* ---- the rewrap, against a stand-in for the kernel ----------------------
 *
 * The partition's primary SMK is 0xbb.., its rollover SMK 0xaa..; the fake
 * SKS_IOC_REWRAP moves a blob under either to 0xbb.., changes its sealed
 * part (as a fresh salt and IV would), refuses one under another SMK and
 * one whose sealed part starts with 0xee, and counts the blobs it saw.
 */
static int fake_no_rollover;
static unsigned long fake_blobs;

static int fake_fps(struct sks_session *s, uint8_t *prim, uint8_t *roll)
{
	(void)s;
	memset(prim, 0xbb, SKS_FINGERPRINT_LEN);
	memset(roll, 0xaa, SKS_FINGERPRINT_LEN);
	return fake_no_rollover;
}

static struct sks_blob_set *fake_rewrap(struct sks_session *s,
					const struct sks_blob_set *in,
					size_t *refused)
{
	struct sks_blob_set *out = sks_blob_set_new();

	(void)s;
	*refused = SIZE_MAX;
	for (size_t i = 0; out && i < sks_blob_set_get_count(in); i++) {
		size_t len;
		const uint8_t *b = sks_blob_set_get_blob(in, i, &len);
		uint8_t copy[SKS_MAX_BLOB_SIZE];

		fake_blobs++;
		if ((b[SKS_BLOB_OFF_FP] != 0xaa && b[SKS_BLOB_OFF_FP] != 0xbb) ||
		    b[SKS_BLOB_HDR_LEN] == 0xee) {
			sks_blob_set_free(out);
			*refused = i;
			sks_lib_fail(EBADMSG, b[SKS_BLOB_HDR_LEN] == 0xee ?
				     SKS_CKR_ENCRYPTED_DATA_INVALID :
				     SKS_CKR_SMK_ID_NOT_FOUND);
			return NULL;
		}
		memcpy(copy, b, len);
		memset(copy + SKS_BLOB_OFF_FP, 0xbb, SKS_FINGERPRINT_LEN);
		copy[len - 1] ^= 0x5a;	/* a new tag */
		if (sks_blob_set_add(out, copy, len)) {
			sks_blob_set_free(out);
			return NULL;
		}
	}
	return out;
}

static const struct repo_kernel fake_kernel = {
	.fps = fake_fps,
	.rewrap = fake_rewrap,
};

/* @n entries "e<i>" under the rollover SMK, entry i with 1 + i % 3 blobs. */
static int fill_old(struct sks_repo *r, int n)
{
	if (sks_repo_begin(r))
		return -1;
	for (int i = 0; i < n; i++) {
		struct sks_blob_set *set = make_set(0xaa, 1 + i % 3, 2, 200);
		char name[32];
		int rc;

		snprintf(name, sizeof(name), "e%d", i);
		rc = !set || sks_repo_store(r, name, i % 2 ? "odd" : "even", NULL,
					    0, set, 0, NULL);
		sks_blob_set_free(set);
		if (rc) {
			sks_repo_rollback(r);
			return -1;
		}
	}
	return sks_repo_commit(r);
}

/* Every entry under the primary SMK, header and all, sealed part changed once. */
static int all_rewrapped(struct sks_repo *r, int n)
{
	struct sks_repo_iter *it = sks_repo_list(r, SKS_REPO_ALL, NULL, 0,
						 SKS_REPO_WITH_BLOBS);
	const struct sks_repo_entry *e;
	int seen = 0, good = 0;

	while (it && !sks_repo_iter_next(it, &e) && e) {
		const struct sks_blob_set *set = sks_repo_entry_get_blobs(e);
		int ok = !memcmp(FP_B, sks_repo_entry_get_fingerprint(e), 16) &&
			 sks_blob_set_get_count(set) ==
				 sks_repo_entry_get_blob_count(e);

		for (size_t i = 0; ok && i < sks_blob_set_get_count(set); i++) {
			uint8_t fp[16];
			size_t len;
			const uint8_t *b = sks_blob_set_get_blob(set, i, &len);

			ok = !sks_blob_get_fingerprint(b, len, fp) && !memcmp(fp, FP_B, 16);
		}
		seen++;
		good += ok;
	}
	sks_repo_iter_free(it);
	return seen == n && good == n;
}

static int batches_seen;

static int count_batches(const struct sks_repo_progress *pr, void *arg)
{
	(void)arg;
	batches_seen += !pr->failed_name;
	return 0;
}

TEST_F(repo, rewrap_moves_every_entry_in_batches)
{
	enum { N = 300 };
	struct sks_repo_progress pr;
	struct sks_repo_entry *e;
	uint64_t n;

	OPEN(self);
	ASSERT_EQ(0, fill_old(self->r, N));
	fake_blobs = 0;
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 16,
					  count_batches, NULL, &pr))
		TH_LOG("%s", sks_repo_get_message(self->r));
	EXPECT_EQ(N, pr.total);
	EXPECT_EQ(N, pr.done);
	EXPECT_EQ(0, pr.failed);
	EXPECT_EQ(0, pr.skipped);
	EXPECT_EQ((N + 15) / 16, batches_seen);
	EXPECT_EQ(N / 3 * (1 + 2 + 3), fake_blobs);
	EXPECT_TRUE(all_rewrapped(self->r, N));
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(0, n);
	/* labels, names, sizes stay; updated is set */
	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "e5", 0);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("odd", sks_repo_entry_get_label(e));
	EXPECT_EQ(3, sks_repo_entry_get_blob_count(e));
	EXPECT_EQ(6, sks_repo_entry_get_object_count(e));
	EXPECT_EQ(3 * (SKS_BLOB_HDR_LEN + 200 + SKS_BLOB_TAG_LEN),
		  sks_repo_entry_get_size(e));
	sks_repo_entry_free(e);
	/* nothing left: a second run does nothing */
	fake_blobs = 0;
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 16, NULL,
					  NULL, &pr));
	EXPECT_EQ(0, pr.total);
	EXPECT_EQ(0, fake_blobs);
}

static int stop_after(const struct sks_repo_progress *pr, void *arg)
{
	return !pr->failed_name && pr->done >= *(uint64_t *)arg;
}

TEST_F(repo, a_stopped_rewrap_resumes_and_rewraps_nothing_twice)
{
	enum { N = 120 };
	struct sks_repo_progress pr;
	uint64_t stop = 20, n, blobs = N / 3 * 6;

	OPEN(self);
	ASSERT_EQ(0, fill_old(self->r, N));
	fake_blobs = 0;
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 10,
					  stop_after, &stop, &pr));
	EXPECT_EQ(20, pr.done);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(N - 20, n);
	/* another connection, as after a restart */
	sks_repo_close(self->r);
	OPEN(self);
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 10, NULL,
					  NULL, &pr));
	EXPECT_EQ(N - 20, pr.total);
	EXPECT_EQ(N - 20, pr.done);
	EXPECT_EQ(blobs, fake_blobs);	/* every blob through the kernel once */
	EXPECT_TRUE(all_rewrapped(self->r, N));
}

struct meddle {
	const char *where;
	int replaced;
	char failed[16];
	uint32_t result;
};

/* When e4 is refused, someone else replaces e6 (read, not yet written). */
static int meddle(const struct sks_repo_progress *pr, void *arg)
{
	struct meddle *m = arg;
	struct sks_blob_set *set;
	struct sks_repo *other;

	if (!pr->failed_name || m->replaced)
		return 0;
	snprintf(m->failed, sizeof(m->failed), "%s", pr->failed_name);
	m->result = pr->failed_result;
	other = sks_repo_open(m->where, 0);
	set = make_set(0xaa, 1, 1, 50);
	if (other && set && !sks_repo_store(other, "e6", "new", NULL, 0, set,
					    SKS_REPO_REPLACE, NULL))
		m->replaced = 1;
	sks_blob_set_free(set);
	sks_repo_close(other);
	return 0;
}

TEST_F(repo, a_refused_entry_is_named_and_a_changed_one_left_to_its_writer)
{
	struct sks_repo_progress pr;
	struct meddle m = { .where = self->where };
	struct sks_blob_set *bad = make_set(0xaa, 2, 1, 100);
	struct sks_blob_set *foreign = make_set(0xcc, 1, 1, 100);
	struct sks_repo_entry *e;
	uint8_t *b;
	size_t len;
	uint64_t n;

	OPEN(self);
	ASSERT_EQ(0, fill_old(self->r, 10));
	/* e4's second blob damaged; e8 under an SMK the partition lacks */
	b = (uint8_t *)sks_blob_set_get_blob(bad, 1, &len);
	b[SKS_BLOB_HDR_LEN] = 0xee;
	ASSERT_EQ(0, sks_repo_store(self->r, "e4", "bad", NULL, 0, bad,
				    SKS_REPO_REPLACE, NULL));
	ASSERT_EQ(0, sks_repo_store(self->r, "e8", "foreign", NULL, 0, foreign,
				    SKS_REPO_REPLACE, NULL));
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 0, meddle,
					  &m, &pr));
	EXPECT_STREQ("e4", m.failed);
	EXPECT_EQ(SKS_CKR_ENCRYPTED_DATA_INVALID, m.result);
	EXPECT_EQ(1, m.replaced);
	EXPECT_EQ(9, pr.total);		/* e8 is not the rollover SMK's */
	EXPECT_EQ(1, pr.failed);
	EXPECT_EQ(1, pr.skipped);
	EXPECT_EQ(7, pr.done);
	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "e6", 0);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("new", sks_repo_entry_get_label(e));
	EXPECT_EQ(1, sks_repo_entry_get_blob_count(e));
	EXPECT_EQ(0, memcmp(FP_A, sks_repo_entry_get_fingerprint(e), 16));
	sks_repo_entry_free(e);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(2, n);	/* e4 (refused) and e6 (its writer's) */
	/* the next run takes e6 */
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 0, NULL,
					  NULL, &pr));
	EXPECT_EQ(2, pr.total);
	EXPECT_EQ(1, pr.done);
	EXPECT_EQ(1, pr.failed);
	sks_blob_set_free(bad);
	sks_blob_set_free(foreign);
}

struct refusals {
	char names[64];
	uint32_t result[4];
	int n;
};

static int note_refused(const struct sks_repo_progress *pr, void *arg)
{
	struct refusals *r = arg;

	if (pr->failed_name && r->n < 4) {
		r->result[r->n++] = pr->failed_result;
		strncat(r->names, pr->failed_name,
			sizeof(r->names) - strlen(r->names) - 2);
		strcat(r->names, " ");
	}
	return 0;
}

/*
 * Rows someone else broke: a blob that is not one (text in SQLite, junk
 * in PostgreSQL), an entry whose blob rows are gone. Each is named as
 * refused; the healthy entries are rewrapped; the next run says the same.
 */
TEST_F(repo, damaged_rows_are_refused_by_name_and_the_rest_goes_on)
{
	struct refusals ref = { .n = 0 };
	struct sks_repo_progress pr;
	struct sks_repo_entry *e;
	uint64_t n;

	OPEN(self);
	ASSERT_EQ(0, fill_old(self->r, 10));
	ASSERT_EQ(0, sks_repo_exec(self->r,
		"UPDATE sks_blobs SET data = 'garbage' WHERE entry_id = "
		"(SELECT id FROM sks_entries WHERE name = 'e2')"))
		TH_LOG("%s", sks_repo_get_message(self->r));
	ASSERT_EQ(0, sks_repo_exec(self->r,
		"DELETE FROM sks_blobs WHERE entry_id = "
		"(SELECT id FROM sks_entries WHERE name = 'e5')"));
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 4,
					  note_refused, &ref, &pr))
		TH_LOG("%s", sks_repo_get_message(self->r));
	EXPECT_STREQ("e2 e5 ", ref.names);
	EXPECT_EQ(SKS_CKR_DATA_INVALID, ref.result[0]);
	EXPECT_EQ(SKS_CKR_DATA_INVALID, ref.result[1]);
	EXPECT_EQ(10, pr.total);
	EXPECT_EQ(8, pr.done);
	EXPECT_EQ(2, pr.failed);
	EXPECT_EQ(0, pr.skipped);
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(2, n);
	/* a fetch says what is wrong with the entry */
	e = sks_repo_fetch(self->r, SKS_REPO_BY_NAME, "e5", 0);
	EXPECT_EQ(NULL, e);
	EXPECT_EQ(SKS_CKR_DATA_INVALID, sks_last_result());
	EXPECT_NE(NULL, strstr(sks_repo_get_message(self->r), "e5"))
		TH_LOG("%s", sks_repo_get_message(self->r));
	sks_repo_entry_free(e);
	/* again: the same two, nothing else */
	memset(&ref, 0, sizeof(ref));
	ASSERT_EQ(0, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 4,
					  note_refused, &ref, &pr));
	EXPECT_STREQ("e2 e5 ", ref.names);
	EXPECT_EQ(0, pr.done);
}

TEST_F(repo, two_rewraps_at_once_commit_each_entry_once)
{
	enum { N = 400 };
	int fds[2][2];
	pid_t pid[2];
	uint64_t done[2] = { 0, 0 }, n;

	OPEN(self);
	ASSERT_EQ(0, fill_old(self->r, N));
	sks_repo_close(self->r);
	self->r = NULL;
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, pipe(fds[i]));
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			struct sks_repo *r = sks_repo_open(self->where, 0);
			struct sks_repo_progress pr = { 0 };

			if (!r || sks_repo_rewrap_with(r, NULL, &fake_kernel, 8,
						       NULL, NULL, &pr))
				_exit(1);
			if (write(fds[i][1], &pr.done, sizeof(pr.done)) != sizeof(pr.done))
				_exit(1);
			sks_repo_close(r);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (int i = 0; i < 2; i++) {
		int st;

		ASSERT_EQ(pid[i], waitpid(pid[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		EXPECT_EQ(sizeof(done[i]), read(fds[i][0], &done[i], sizeof(done[i])));
		close(fds[i][0]);
	}
	TH_LOG("%llu + %llu entries", (unsigned long long)done[0],
	       (unsigned long long)done[1]);
	EXPECT_EQ(N, done[0] + done[1]);	/* each committed once */
	OPEN(self);
	EXPECT_TRUE(all_rewrapped(self->r, N));
	ASSERT_EQ(0, sks_repo_count(self->r, SKS_REPO_BY_FINGERPRINT, FP_A, 0, &n));
	EXPECT_EQ(0, n);
}

TEST_F(repo, no_rewrap_without_a_rollover_or_inside_a_transaction)
{
	OPEN(self);
	ASSERT_EQ(0, fill_old(self->r, 3));
	fake_no_rollover = 1;
	EXPECT_EQ(-1, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 0, NULL,
					   NULL, NULL));
	EXPECT_EQ(ENOKEY, errno);
	EXPECT_EQ(SKS_CKR_SMK_ID_NOT_FOUND, sks_last_result());
	fake_no_rollover = 0;
	ASSERT_EQ(0, sks_repo_begin(self->r));
	EXPECT_EQ(-1, sks_repo_rewrap_with(self->r, NULL, &fake_kernel, 0, NULL,
					   NULL, NULL));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, sks_repo_rollback(self->r));
	EXPECT_EQ(-1, sks_repo_rewrap(self->r, NULL, 0, NULL, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST(a_database_that_cannot_be_reached_is_an_error_with_a_message)
{
	EXPECT_EQ(NULL, sks_repo_open("/nonexistent-dir/x/y.db", SKS_REPO_CREATE));
	EXPECT_EQ(SKS_CKR_DEVICE_ERROR, sks_last_result());
	EXPECT_NE(0, strlen(sks_repo_get_message(NULL)));
	/* port 1 on loopback: nothing listens */
	EXPECT_EQ(NULL, sks_repo_open("postgresql://sks@127.0.0.1:1/x?connect_timeout=5",
				      SKS_REPO_CREATE));
	EXPECT_EQ(EIO, errno);
	EXPECT_NE(NULL, strstr(sks_repo_get_message(NULL), "connect"));
}

static void stop_pg(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "%s/scripts/pg-test-server.sh stop %s/pg",
		 getenv("SKS_TOP") ? getenv("SKS_TOP") : ".", tmpdir);
	if (system(cmd))
		fprintf(stderr, "# stopping the PostgreSQL test server failed\n");
	rmdir(tmpdir);
}

static void __attribute__((constructor)) order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	char cmd[600];
	FILE *f;
	int ret;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sks-repo-test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(tmpdir, 0711);	/* the server's user reaches its folder */
	snprintf(cmd, sizeof(cmd), "%s/scripts/pg-test-server.sh start %s/pg",
		 getenv("SKS_TOP") ? getenv("SKS_TOP") : ".", tmpdir);
	f = popen(cmd, "r");
	if (!f || !fgets(pg_url, sizeof(pg_url), f))
		pg_url[0] = '\0';
	pg_url[strcspn(pg_url, "\n")] = '\0';
	if (f && pclose(f))
		pg_url[0] = '\0';
	if (!pg_url[0])
		fprintf(stderr, "# the PostgreSQL test server did not start: its tests fail\n");
	ret = test_harness_run(argc, argv);
	stop_pg();
	return ret;
}
