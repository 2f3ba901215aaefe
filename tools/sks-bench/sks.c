// SPDX-License-Identifier: GPL-2.0
/*
 * sks-bench: the cases against the sks driver, and the partition's filler
 * objects.
 *
 * Set-up goes through libsks; extract and insert are timed as one ioctl
 * each (libsks's sks_blob_extract() adds a size query), encrypt, sign and
 * destroy through libsks, whose functions are one ioctl each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "bench.h"

#define SO_PIN	"bench-so-secret"
#define CO_PIN	"bench-co-secret"
#define FILL_BLOB	500	/* keys per filler blob */

static struct sks_hsm *hsm;
static unsigned int slot;
static bool have_slot;
static struct sks_session *filler;	/* owns the filler objects */
static uint8_t *fill_blob;
static uint32_t fill_blob_len;
static uint64_t live;

/* Result of this thread's last raw ioctl that failed, else libsks's. */
static __thread uint32_t raw_result;
static __thread bool raw_failed;

static int raw_fail(uint32_t result)
{
	raw_result = result;
	raw_failed = true;
	return -1;
}

static const char *ckr(void)
{
	const char *n = sks_result_name(raw_failed ? raw_result :
					sks_last_result());

	raw_failed = false;
	return n ? n : "?";
}

static struct sks_attrs *key_attrs(uint32_t type, uint32_t flags)
{
	struct sks_attrs *a = sks_attrs_new();

	if (!a)
		return NULL;
	sks_attrs_set_key_type(a, type);
	sks_attrs_set_flags(a, flags);
	sks_attrs_set_value_len(a, 32);
	return a;
}

static int gen_key(struct sks_session *s, uint32_t type, uint32_t flags,
		   uint32_t *h)
{
	struct sks_attrs *a = key_attrs(type, flags);
	int err;

	if (!a)
		return -1;
	err = sks_object_generate(s, type == SKS_CKK_AES ? SKS_CKM_AES_KEY_GEN :
				  SKS_CKM_GENERIC_SECRET_KEY_GEN, a, h);
	sks_attrs_free(a);
	return err;
}

static int extract_raw(int fd, const uint32_t *h, uint32_t count,
		       uint8_t *buf, uint32_t room, uint32_t *len)
{
	struct sks_extract e = {
		.handles = (uintptr_t)h, .blob = (uintptr_t)buf,
		.count = count, .blob_len = room,
	};

	e.result = SKS_CKR_GENERAL_ERROR;
	if (ioctl(fd, SKS_IOC_EXTRACT, &e))
		return raw_fail(e.result);
	*len = e.blob_len;
	return 0;
}

static int insert_raw(int fd, const uint8_t *blob, uint32_t len,
		      uint32_t *h, uint32_t room, uint32_t *count)
{
	struct sks_insert in = {
		.blob = (uintptr_t)blob, .handles = (uintptr_t)h,
		.blob_len = len, .count = room,
	};

	in.result = SKS_CKR_GENERAL_ERROR;
	if (ioctl(fd, SKS_IOC_INSERT, &in))
		return raw_fail(in.result);
	*count = in.count;
	return 0;
}

static struct sks_session *co_session(char *why, size_t len)
{
	struct sks_session *s = sks_session_open(slot);

	if (!s) {
		snprintf(why, len, "open /dev/sks%u: %s", slot, ckr());
		return NULL;
	}
	if (sks_session_login(s, SKS_ROLE_CO, CO_PIN)) {
		snprintf(why, len, "CO login: %s", ckr());
		sks_session_close(s);
		return NULL;
	}
	return s;
}

int sks_bench_open(uint64_t capacity, char *why, size_t len)
{
	struct sks_session *s;
	uint32_t h[FILL_BLOB];
	int i;

	hsm = sks_hsm_open(NULL);
	if (!hsm) {
		snprintf(why, len, "open %s: %s", SKS_CONTROL_DEVICE, ckr());
		return -1;
	}
	if (sks_hsm_create_partition(hsm, SKS_SLOT_V1, capacity, &slot) &&
	    sks_hsm_create_partition(hsm, SKS_SLOT_V1, 0, &slot)) {
		snprintf(why, len, "create a V1 partition: %s", ckr());
		return -1;
	}
	have_slot = true;
	s = sks_session_open(slot);
	if (!s || sks_session_init_partition(s, SO_PIN, "bench-domain", "bench") ||
	    sks_session_login(s, SKS_ROLE_SO, SO_PIN) ||
	    sks_session_init_role(s, SKS_ROLE_CO, CO_PIN)) {
		snprintf(why, len, "initialise the partition: %s", ckr());
		sks_session_close(s);
		return -1;
	}
	sks_session_close(s);

	/* One blob of FILL_BLOB keys, inserted again and again to fill. */
	filler = co_session(why, len);
	if (!filler)
		return -1;
	fill_blob = malloc(SKS_MAX_BLOB_SIZE);
	if (!fill_blob)
		return -1;
	for (i = 0; i < FILL_BLOB; i++)
		if (gen_key(filler, SKS_CKK_AES, SKS_OBJ_ENCRYPT |
			    SKS_OBJ_EXTRACTABLE, &h[i])) {
			snprintf(why, len, "generate filler keys: %s", ckr());
			return -1;
		}
	if (extract_raw(sks_session_get_fd(filler), h, FILL_BLOB, fill_blob,
			SKS_MAX_BLOB_SIZE, &fill_blob_len)) {
		snprintf(why, len, "extract filler keys: %s", ckr());
		return -1;
	}
	for (i = 0; i < FILL_BLOB; i++)
		sks_object_destroy(filler, h[i]);
	return 0;
}

void sks_bench_close(void)
{
	sks_session_close(filler);
	filler = NULL;
	if (have_slot)
		sks_hsm_delete_slot(hsm, slot);
	have_slot = false;
	sks_hsm_close(hsm);
	hsm = NULL;
	free(fill_blob);
}

unsigned int sks_bench_slot(void)
{
	return slot;
}

const char *sks_bench_co_pin(void)
{
	return CO_PIN;
}

uint64_t sks_bench_live(void)
{
	return live;
}

/* MemAvailable in KiB, 0 if unknown. */
static uint64_t mem_available(uint64_t *total)
{
	char line[128];
	uint64_t v, avail = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %lu", &v) == 1)
			avail = v;
		else if (total && sscanf(line, "MemTotal: %lu", &v) == 1)
			*total = v;
	}
	fclose(f);
	return avail;
}

uint64_t sks_bench_fill(uint64_t target, char *why, size_t len)
{
	int fd = sks_session_get_fd(filler);
	static uint32_t h[FILL_BLOB];
	uint64_t total = 0, floor_kib, step = 0, report;
	uint32_t n, hk;

	why[0] = 0;
	mem_available(&total);
	/* Leave a tenth of the memory (at least 64 MiB) to everything else. */
	floor_kib = total / 10 > 65536 ? total / 10 : 65536;
	report = target / 10;
	while (target - live >= FILL_BLOB) {
		if (!(step++ % 8) && total && mem_available(NULL) < floor_kib) {
			snprintf(why, len, "stopped: MemAvailable below %lu MiB",
				 floor_kib / 1024);
			return live;
		}
		if (insert_raw(fd, fill_blob, fill_blob_len, h, FILL_BLOB, &n)) {
			snprintf(why, len, "stopped: insert failed with %s",
				 ckr());
			return live;
		}
		live += n;
		if (bench_verbose && report && live / report !=
		    (live - n) / report)
			fprintf(stderr, "# fill: %lu live objects\n", live);
	}
	while (live < target) {
		if (gen_key(filler, SKS_CKK_AES, SKS_OBJ_ENCRYPT |
			    SKS_OBJ_EXTRACTABLE, &hk)) {
			snprintf(why, len, "stopped: generate failed with %s",
				 ckr());
			return live;
		}
		live++;
	}
	return live;
}

/* ---- per worker ---- */

static int sks_setup(int nworkers, struct worker *ws, char *why, size_t len)
{
	const uint32_t enc = SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT |
			     SKS_OBJ_EXTRACTABLE;
	int i, k;

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];

		w->sess = co_session(why, len);
		if (!w->sess)
			return -1;
		w->fd = sks_session_get_fd(w->sess);
		if (gen_key(w->sess, SKS_CKK_AES, enc, &w->aes) ||
		    gen_key(w->sess, SKS_CKK_GENERIC_SECRET,
			    SKS_OBJ_SIGN | SKS_OBJ_VERIFY, &w->hmac)) {
			snprintf(why, len, "generate keys: %s", ckr());
			return -1;
		}
		for (k = 0; k < BENCH_MANY; k++)
			if (gen_key(w->sess, SKS_CKK_AES, enc, &w->many[k])) {
				snprintf(why, len, "generate keys: %s", ckr());
				return -1;
			}
		w->blob1 = malloc(SKS_MAX_BLOB_SIZE);
		w->blob100 = malloc(SKS_MAX_BLOB_SIZE);
		if (!w->blob1 || !w->blob100)
			return -1;
		if (extract_raw(w->fd, &w->aes, 1, w->blob1, SKS_MAX_BLOB_SIZE,
				&w->blob1_len) ||
		    extract_raw(w->fd, w->many, BENCH_MANY, w->blob100,
				SKS_MAX_BLOB_SIZE, &w->blob100_len)) {
			snprintf(why, len, "extract: %s", ckr());
			return -1;
		}
	}
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];
		size_t slen = sizeof(w->ecsig);

		if (sks_ec_generate_key_pair(w->sess, SKS_EC_P256, NULL, NULL,
					     &w->ecpub, &w->ecpriv) ||
		    sks_ec_sign(w->sess, w->ecpriv, SKS_CKM_ECDSA, 0, w->in,
				BENCH_DIGEST, w->ecsig, &slen)) {
			snprintf(why, len, "EC key pair: %s", ckr());
			return -1;
		}
	}
	bench_sizes.blob1 = ws[0].blob1_len;
	bench_sizes.blob100 = ws[0].blob100_len;
	return 0;
}

static void sks_teardown(int nworkers, struct worker *ws)
{
	int i;

	for (i = 0; i < nworkers; i++) {
		sks_session_close(ws[i].sess);
		ws[i].sess = NULL;
		free(ws[i].blob1);
		free(ws[i].blob100);
		ws[i].blob1 = ws[i].blob100 = NULL;
	}
}

static int op_extract(struct worker *w, const uint32_t *h, uint32_t count)
{
	uint32_t len;

	if (extract_raw(w->fd, h, count, w->out, BENCH_BUF, &len)) {
		bench_fail(w, "extract: %s", ckr());
		return -1;
	}
	return 0;
}

static int sks_extract1(struct worker *w)
{
	return op_extract(w, &w->aes, 1);
}

static int sks_extract100(struct worker *w)
{
	return op_extract(w, w->many, BENCH_MANY);
}

static int op_insert(struct worker *w, const uint8_t *blob, uint32_t len)
{
	if (insert_raw(w->fd, blob, len, w->ins, SKS_MAX_EXTRACT, &w->nins)) {
		bench_fail(w, "insert: %s", ckr());
		return -1;
	}
	return 0;
}

static int sks_insert1(struct worker *w)
{
	return op_insert(w, w->blob1, w->blob1_len);
}

static int sks_insert100(struct worker *w)
{
	return op_insert(w, w->blob100, w->blob100_len);
}

static void sks_post_insert(struct worker *w)
{
	uint32_t i;

	for (i = 0; i < w->nins; i++)
		if (sks_object_destroy(w->sess, w->ins[i]))
			bench_fail(w, "destroy: %s", ckr());
	w->nins = 0;
}

static int op_encrypt(struct worker *w, uint32_t key, size_t len)
{
	uint8_t iv[SKS_GCM_IV_LEN];
	size_t out = BENCH_BUF;

	if (sks_crypto_encrypt(w->sess, key, NULL, 0, w->in, len, iv, w->out,
			       &out)) {
		bench_fail(w, "encrypt: %s", ckr());
		return -1;
	}
	return 0;
}

static int sks_enc64(struct worker *w)
{
	return op_encrypt(w, w->aes, BENCH_SMALL);
}

static int sks_enc4k(struct worker *w)
{
	return op_encrypt(w, w->aes, BENCH_BIG);
}

/* BENCH_BATCH encryptions of 64 B in one SKS_IOC_BATCH (sks_crypto_batch()). */
static int sks_batch16(struct worker *w)
{
	struct sks_crypto_op ops[BENCH_BATCH];
	int i, failed;

	memset(ops, 0, sizeof(ops));
	for (i = 0; i < BENCH_BATCH; i++) {
		ops[i].type = SKS_BATCH_ENCRYPT;
		ops[i].key = w->aes;
		ops[i].mechanism = SKS_CKM_AES_GCM;
		ops[i].in = w->in;
		ops[i].in_len = BENCH_SMALL;
		ops[i].out = w->out + i * 128;
		ops[i].out_len = 128;
	}
	failed = sks_crypto_batch(w->sess, ops, BENCH_BATCH, 0, NULL);
	if (failed) {
		bench_fail(w, "batch: %s", failed < 0 ? ckr() :
			   sks_result_name(ops[0].result));
		return -1;
	}
	return 0;
}

static int sks_hmac64(struct worker *w)
{
	uint8_t mac[64];
	size_t maclen = sizeof(mac);

	if (sks_crypto_sign(w->sess, w->hmac, SKS_CKM_SHA256_HMAC, w->in,
			    BENCH_SMALL, mac, &maclen)) {
		bench_fail(w, "sign: %s", ckr());
		return -1;
	}
	return 0;
}

static int sks_ecdsa_sign(struct worker *w)
{
	uint8_t sig[BENCH_ECDSA_SIG];
	size_t slen = sizeof(sig);

	if (sks_ec_sign(w->sess, w->ecpriv, SKS_CKM_ECDSA, 0, w->in,
			BENCH_DIGEST, sig, &slen)) {
		bench_fail(w, "ECDSA sign: %s", ckr());
		return -1;
	}
	return 0;
}

static int sks_ecdsa_verify(struct worker *w)
{
	if (sks_ec_verify(w->sess, w->ecpub, SKS_CKM_ECDSA, 0, w->in,
			  BENCH_DIGEST, w->ecsig, sizeof(w->ecsig))) {
		bench_fail(w, "ECDSA verify: %s", ckr());
		return -1;
	}
	return 0;
}

static int sks_cycle(struct worker *w)
{
	uint32_t h, n;
	int err;

	if (insert_raw(w->fd, w->blob1, w->blob1_len, &h, 1, &n)) {
		bench_fail(w, "insert: %s", ckr());
		return -1;
	}
	err = op_encrypt(w, h, BENCH_BIG);
	if (sks_object_destroy(w->sess, h)) {
		bench_fail(w, "destroy: %s", ckr());
		return -1;
	}
	return err;
}

const struct bench_impl_ops sks_impl = {
	.name = "sks",
	.setup = sks_setup,
	.teardown = sks_teardown,
	.op = {
		[CASE_EXTRACT1] = sks_extract1,
		[CASE_EXTRACT100] = sks_extract100,
		[CASE_INSERT1] = sks_insert1,
		[CASE_INSERT100] = sks_insert100,
		[CASE_ENC64] = sks_enc64,
		[CASE_ENC4K] = sks_enc4k,
		[CASE_HMAC64] = sks_hmac64,
		[CASE_CYCLE] = sks_cycle,
		[CASE_BATCH16] = sks_batch16,
		[CASE_ECDSA_SIGN] = sks_ecdsa_sign,
		[CASE_ECDSA_VERIFY] = sks_ecdsa_verify,
	},
	.post = {
		[CASE_INSERT1] = sks_post_insert,
		[CASE_INSERT100] = sks_post_insert,
	},
	.what = {
		[CASE_EXTRACT1] = "SKS_IOC_EXTRACT of 1 AES-256 key",
		[CASE_EXTRACT100] = "SKS_IOC_EXTRACT of 100 keys into one blob",
		[CASE_INSERT1] = "SKS_IOC_INSERT of a 1-key blob (destroy untimed)",
		[CASE_INSERT100] = "SKS_IOC_INSERT of a 100-key blob (destroys untimed)",
		[CASE_ENC64] = "SKS_IOC_ENCRYPT AES-256-GCM, device IV",
		[CASE_ENC4K] = "SKS_IOC_ENCRYPT AES-256-GCM, device IV",
		[CASE_HMAC64] = "SKS_IOC_SIGN CKM_SHA256_HMAC, 32-byte key",
		[CASE_CYCLE] = "insert 1-key blob, encrypt 4 KiB, destroy",
		[CASE_BATCH16] = "one SKS_IOC_BATCH of 16 encryptions of 64 B",
		[CASE_ECDSA_SIGN] = "SKS_IOC_SIGN CKM_ECDSA of a 32-byte hash, P-256 (driver/ec.c)",
		[CASE_ECDSA_VERIFY] = "SKS_IOC_VERIFY CKM_ECDSA, P-256 public key",
	},
};
