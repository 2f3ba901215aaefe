// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsks - the key repository's rewrap after an SMK rollover: every entry
 * still under the rollover SMK is rewrapped by the kernel (SKS_IOC_REWRAP)
 * in batches, one transaction each, so that a crash or a stop loses or
 * doubles nothing (docs/repository.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "repo.h"

/* ---- rewrap ---------------------------------------------------------------------- */

struct rewrap_state {
	struct sks_repo *repo;
	struct sks_session *session;
	const struct repo_kernel *k;
	const uint8_t *old_fp, *new_fp;
	struct sks_repo_progress prog;
	sks_repo_progress_fn fn;
	void *arg;
	int stop;
};

/*
 * Whether @e (whose blobs are not as many as its row says) was changed
 * since its row was read (its generation moved, or it is gone): then it
 * is its writer's. Otherwise it is damaged (blob rows missing). Keeps
 * errno.
 */
static int changed_meanwhile(struct sks_repo *repo,
			     const struct sks_repo_entry *e)
{
	struct repo_val id = repo_v_int(e->id);
	struct sks_repo_entry now;
	int err = errno, changed = 1;
	size_t n = 0;

	memset(&now, 0, sizeof(now));
	if (!repo_read_page(repo, SKS_REPO_BY_ID, &id, 0, &now, 1, &n) && n) {
		changed = now.id != e->id || now.generation != e->generation;
		repo_entry_clear(&now);
	}
	errno = err;
	return changed;
}

/* Report entry @e as refused by the kernel with @ckr. */
static void refused_entry(struct rewrap_state *rs, const struct sks_repo_entry *e,
			  uint32_t ckr)
{
	rs->prog.failed++;
	if (rs->fn) {
		rs->prog.failed_name = e->name;
		rs->prog.failed_result = ckr;
		if (rs->fn(&rs->prog, rs->arg))
			rs->stop = 1;
		rs->prog.failed_name = NULL;
		rs->prog.failed_result = SKS_CKR_OK;
	}
}

/*
 * Write the new blobs of the entries of @batch marked in @ok, starting at
 * blob @pos of @out for each in turn, in one transaction.
 */
static int rewrap_commit(struct rewrap_state *rs, struct sks_repo_entry *batch,
			 size_t n, const char *ok, const struct sks_blob_set *out)
{
	struct sks_repo *repo = rs->repo;
	uint64_t done = 0, skipped = 0, bytes = 0;
	int64_t now = (int64_t)time(NULL);
	size_t pos = 0;

	if (repo->be->exec(repo, repo->be->begin_sql))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct sks_repo_entry *e = &batch[i];
		uint64_t size = 0;
		int64_t hit = -1;

		if (!ok[i])
			continue;
		for (unsigned int b = 0; b < e->blobs; b++) {
			size_t len;

			sks_blob_set_get_blob(out, pos + b, &len);
			size += len;
		}
		{
			struct repo_val p[] = {
				repo_v_int(e->id), repo_v_blob(rs->new_fp, SKS_FINGERPRINT_LEN),
				repo_v_int((int64_t)size), repo_v_int(now), repo_v_int(e->generation),
				repo_v_blob(rs->old_fp, SKS_FINGERPRINT_LEN),
			};

			if (repo_run(repo, Q_REWRAP_ENTRY, p, 6, repo_int_row, &hit))
				goto fail;
		}
		if (hit < 0) {
			skipped++;	/* changed since it was read: not ours */
			pos += e->blobs;
			continue;
		}
		for (unsigned int b = 0; b < e->blobs; b++, pos++) {
			size_t len;
			const uint8_t *d = sks_blob_set_get_blob(out, pos, &len);
			struct repo_val p[] = { repo_v_int(e->id), repo_v_int(b), repo_v_blob(d, len) };

			if (repo_run(repo, Q_REWRAP_BLOB, p, 3, NULL, NULL))
				goto fail;
		}
		done++;
		bytes += size;
	}
	if (repo->be->exec(repo, "COMMIT"))
		goto fail;
	rs->prog.done += done;
	rs->prog.skipped += skipped;
	rs->prog.bytes += bytes;
	return 0;
fail:
	repo_rollback_quietly(repo);
	return -1;
}

/*
 * One batch: the blobs of the entries marked in @ok rewrapped together; an
 * entry whose blob the kernel refuses is reported and dropped, and the
 * rest tried again. Returns 0 or -1 (a failure of the whole).
 */
static int rewrap_batch(struct rewrap_state *rs, struct sks_repo_entry *batch,
			size_t n, char *ok)
{
	for (;;) {
		struct sks_blob_set *in = sks_blob_set_new(), *out;
		size_t refused, left = 0;
		int ret;

		if (!in)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (!ok[i])
				continue;
			left++;
			for (unsigned int b = 0; b < batch[i].blobs; b++) {
				size_t len;
				const uint8_t *d = sks_blob_set_get_blob(batch[i].set, b, &len);

				if (sks_blob_set_add(in, d, len)) {
					sks_blob_set_free(in);
					return -1;
				}
			}
		}
		if (!left) {
			sks_blob_set_free(in);
			return 0;
		}
		out = rs->k->rewrap(rs->session, in, &refused);
		sks_blob_set_free(in);
		if (out) {
			ret = rewrap_commit(rs, batch, n, ok, out);
			sks_blob_set_free(out);
			return ret;
		}
		if (refused == SIZE_MAX)
			return -1;
		/* Which entry holds blob @refused. */
		for (size_t i = 0, pos = 0; i < n; i++) {
			if (!ok[i])
				continue;
			if (refused < pos + batch[i].blobs) {
				ok[i] = 0;
				refused_entry(rs, &batch[i], sks_last_result());
				break;
			}
			pos += batch[i].blobs;
		}
	}
}

/* The kernel's side: the partition's two SMKs. */
static int kernel_fps(struct sks_session *session, uint8_t *primary,
		      uint8_t *rollover)
{
	struct sks_session_desc *desc = sks_session_get_desc(session);
	int ret = 1;

	if (!desc)
		return -1;
	if (sks_session_desc_get_rollover_fingerprint(desc) &&
	    sks_session_desc_get_smk_fingerprint(desc)) {
		memcpy(rollover, sks_session_desc_get_rollover_fingerprint(desc),
		       SKS_FINGERPRINT_LEN);
		memcpy(primary, sks_session_desc_get_smk_fingerprint(desc),
		       SKS_FINGERPRINT_LEN);
		ret = 0;
	}
	sks_session_desc_free(desc);
	return ret;
}

static const struct repo_kernel the_kernel = {
	.fps = kernel_fps,
	.rewrap = sks_blob_rewrap,
};

SKS_API int sks_repo_rewrap(struct sks_repo *repo, struct sks_session *session,
			    size_t batch, sks_repo_progress_fn fn, void *arg,
			    struct sks_repo_progress *progress)
{
	if (!session)
		return sks_lib_fail(EINVAL, SKS_CKR_ARGUMENTS_BAD);
	return sks_repo_rewrap_with(repo, session, &the_kernel, batch, fn, arg,
				    progress);
}

int sks_repo_rewrap_with(struct sks_repo *repo, struct sks_session *session,
			 const struct repo_kernel *k, size_t batch,
			 sks_repo_progress_fn fn, void *arg,
			 struct sks_repo_progress *progress)
{
	struct rewrap_state rs = { .repo = repo, .session = session, .k = k,
				   .fn = fn, .arg = arg };
	struct sks_repo_entry *page = NULL;
	uint8_t old_fp[SKS_FINGERPRINT_LEN], new_fp[SKS_FINGERPRINT_LEN];
	struct repo_val key;
	char *ok = NULL;
	int64_t last = 0;
	int ret = -1, none;

	if (!repo || repo->in_txn)
		return sks_lib_fail(repo && repo->in_txn ? EBUSY : EINVAL,
				repo && repo->in_txn ? SKS_CKR_OPERATION_ACTIVE :
						       SKS_CKR_ARGUMENTS_BAD);
	if (!batch)
		batch = 256;
	none = k->fps(session, new_fp, old_fp);
	if (none < 0)
		return -1;
	if (none) {
		snprintf(repo->msg, sizeof(repo->msg),
			 "no SMK rollover runs on the session's partition");
		return sks_lib_fail(ENOKEY, SKS_CKR_SMK_ID_NOT_FOUND);
	}
	rs.old_fp = old_fp;
	rs.new_fp = new_fp;
	key = repo_v_blob(old_fp, sizeof(old_fp));
	if (sks_repo_count(repo, SKS_REPO_BY_FINGERPRINT, old_fp, 0, &rs.prog.total))
		return -1;
	page = calloc(batch, sizeof(*page));
	ok = calloc(batch, 1);
	if (!page || !ok) {
		sks_lib_fail(ENOMEM, SKS_CKR_HOST_MEMORY);
		goto out;
	}
	while (!rs.stop) {
		size_t n, take = 0;
		uint64_t bytes = 0;

		if (repo_read_page(repo, SKS_REPO_BY_FINGERPRINT, &key, last, page,
			      batch, &n))
			goto out;
		if (!n)
			break;
		/* At least one entry, and at most SKS_REPO_BATCH_BYTES. */
		while (take < n && (!take || bytes + page[take].bytes <= SKS_REPO_BATCH_BYTES))
			bytes += page[take++].bytes;
		for (size_t i = take; i < n; i++)
			repo_entry_clear(&page[i]);
		last = page[take - 1].id;
		for (size_t i = 0; i < take; i++) {
			ok[i] = 1;
			if (repo_entry_load_blobs(repo, &page[i])) {
				ok[i] = 0;
				if (errno == ESTALE &&
				    changed_meanwhile(repo, &page[i])) {
					rs.prog.skipped++;
					continue;
				}
				if (errno == ESTALE)	/* blobs missing */
					errno = EBADMSG;
				if (errno != EBADMSG)
					goto out_page;
				refused_entry(&rs, &page[i], sks_last_result());
			}
		}
		if (rewrap_batch(&rs, page, take, ok))
			goto out_page;
		for (size_t i = 0; i < take; i++)
			repo_entry_clear(&page[i]);
		if (fn && fn(&rs.prog, arg))
			rs.stop = 1;
		continue;
out_page:
		for (size_t i = 0; i < take; i++)
			repo_entry_clear(&page[i]);
		goto out;
	}
	ret = 0;
	sks_set_result(SKS_CKR_OK);
out:
	if (progress)
		*progress = rs.prog;
	free(page);
	free(ok);
	return ret;
}
