// SPDX-License-Identifier: GPL-2.0
/*
 * libsks and skscm under valgrind's memcheck, against the driver: a
 * multi-blob group extracted, written, read back and inserted (and a
 * tampered group refused), SMK backup, archive list/show/delete and Backup
 * HSM images through the library; a backup/restore/image transcript
 * through skscm. Any leak or invalid access fails (--error-exitcode).
 *
 * The exercise runs in this same binary: "lib_valgrind_test --exercise".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

#define VALGRIND "valgrind --leak-check=full --errors-for-leak-kinds=definite,possible " \
		 "--error-exitcode=99 -q"
#define IMG	"/tmp/lib-valgrind.img"
#define GROUP	"/tmp/lib-valgrind.sks"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "exercise: %s:%d: %s failed (%s, errno %d)\n", \
			__FILE__, __LINE__, #cond, \
			sks_result_name(sks_last_result()) ?: "?", errno); \
		goto out; \
	} \
} while (0)

/* Generate @n generic secret keys of @len bytes and @m data objects. */
static int make_objects(struct sks_session *s, uint32_t *h, int n, int len,
			int m)
{
	struct sks_attrs *a = sks_attrs_new();
	static uint8_t value[30000];
	int ret = -1;

	if (!a)
		return -1;
	sks_attrs_set_key_type(a, SKS_CKK_GENERIC_SECRET);
	sks_attrs_set_value_len(a, len);
	sks_attrs_set_flags(a, SKS_OBJ_SIGN | SKS_OBJ_VERIFY |
			    SKS_OBJ_EXTRACTABLE | SKS_OBJ_SENSITIVE);
	if (sks_attrs_set_label(a, "valgrind"))
		goto out;
	for (int i = 0; i < n; i++)
		if (sks_object_generate(s, SKS_CKM_GENERIC_SECRET_KEY_GEN, a, &h[i]))
			goto out;
	sks_attrs_set_class(a, SKS_CKO_DATA);
	sks_attrs_set_key_type(a, SKS_CKK_NONE);
	sks_attrs_set_flags(a, SKS_OBJ_EXTRACTABLE);
	for (int i = 0; i < m; i++) {
		memset(value, 'a' + i, sizeof(value));
		if (sks_object_create(s, a, value, sizeof(value), &h[n + i]))
			goto out;
	}
	ret = 0;
out:
	sks_attrs_free(a);
	return ret;
}

static int exercise(void)
{
	enum { NKEYS = 24, KEYLEN = 128, NDATA = 4, N = NKEYS + NDATA };
	char name[SKS_ARCHIVE_NAME_MAX + 1];
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_session *s = NULL, *b = NULL, *lb = NULL;
	struct sks_blob_set *set = NULL, *back = NULL, *bad = NULL;
	struct sks_archives *al = NULL;
	struct sks_archive_info *ai = NULL;
	struct sks_slots *sl = NULL;
	struct sks_session_desc *d = NULL;
	uint8_t mac[64] = { 0 }, *buf = NULL, *copy = NULL, *value = NULL;
	unsigned int v1 = ~0U, bk = ~0U, loaded = ~0U;
	uint32_t h[N], *ins = NULL, *found = NULL;
	size_t n = 0, len = 0, maclen = sizeof(mac);
	void *image = NULL;
	int fd = -1, ret = 1;
	struct stat sb;

	CHECK(hsm);
	v1 = st_lib_partition(hsm, SKS_SLOT_V1, "valgrind-domain");
	CHECK(v1 != ~0U);
	s = st_lib_co(v1);
	CHECK(s);
	CHECK(!make_objects(s, h, NKEYS, KEYLEN, NDATA));
	CHECK(!sks_crypto_sign(s, h[0], SKS_CKM_SHA256_HMAC, "m", 1, mac, &maclen));

	/* A group larger than one blob: extract, write, read back, insert. */
	set = sks_blob_extract(s, h, N, SKS_EXTRACT_DELETE);
	CHECK(set);
	CHECK(sks_blob_set_get_count(set) >= 2);
	CHECK(sks_blob_set_get_object_count(set) == N);
	fd = open(GROUP, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK(!sks_blob_set_write_fd(set, fd));
	CHECK(!fstat(fd, &sb));
	buf = calloc(1, sb.st_size);
	CHECK(buf);
	CHECK(pread(fd, buf, sb.st_size, 0) == sb.st_size);
	back = sks_blob_set_from_buffer(buf, sb.st_size);
	CHECK(back);
	CHECK(sks_blob_set_get_count(back) == sks_blob_set_get_count(set));
	for (size_t i = 0; i < sks_blob_set_get_count(back); i++) {
		uint8_t fp[SKS_FINGERPRINT_LEN];
		const uint8_t *blob = sks_blob_set_get_blob(back, i, &len);

		CHECK(blob && !sks_blob_get_fingerprint(blob, len, fp));
	}
	ins = sks_blob_insert(s, back, &n);
	CHECK(ins && n == N);
	CHECK(!sks_crypto_verify(s, ins[0], SKS_CKM_SHA256_HMAC, "m", 1, mac, maclen));
	value = sks_object_get_value(s, ins[NKEYS + 1], &len);
	CHECK(value && len == 30000 && value[len - 1] == 'b');

	/* A tampered group: nothing inserted, nothing leaked. */
	bad = sks_blob_set_new();
	CHECK(bad);
	{
		const uint8_t *blob = sks_blob_set_get_blob(set, 0, &len);

		copy = malloc(len);
		CHECK(copy);
		memcpy(copy, blob, len);
		copy[len - 1] ^= 1;
		CHECK(!sks_blob_set_add(bad, copy, len));
	}
	CHECK(!sks_blob_insert(s, bad, &n));
	found = sks_object_find(s, NULL, 0, &n);
	CHECK(found && n == N);

	/* The Backup HSM: backup, list, show, delete, images. */
	CHECK(!sks_hsm_create_backup(hsm, NULL, ST_BK_PW, &bk));
	CHECK(!sks_session_backup(s, bk, ST_BK_PW, ST_US_PW, NULL, 0, name, sizeof(name)));
	b = sks_session_open(bk);
	CHECK(b);
	CHECK(!sks_backup_list_archives(b, "wrong-secret"));
	al = sks_backup_list_archives(b, ST_BK_PW);
	CHECK(al && sks_archives_get_count(al) == 1);
	CHECK(!strcmp(name, sks_archive_info_get_name(sks_archives_get_archive(al, 0))));
	ai = sks_backup_get_archive_info(b, ST_BK_PW, name);
	CHECK(ai && sks_archive_info_get_smk_fingerprint(ai));
	d = sks_session_get_desc(s);
	CHECK(d && !memcmp(sks_session_desc_get_smk_fingerprint(d),
			   sks_archive_info_get_smk_fingerprint(ai), SKS_FINGERPRINT_LEN));
	CHECK(!sks_backup_get_archive_info(b, ST_BK_PW, "no-such-archive"));
	image = sks_backup_save_image(b, ST_BK_PW, &len);
	CHECK(image && len > 88);
	CHECK(!sks_backup_save_image(b, "wrong-secret", &len));
	CHECK(!sks_backup_save_image_file(b, ST_BK_PW, IMG));
	CHECK(sks_hsm_load_image_file(hsm, IMG, "wrong-secret", NULL, NULL));
	CHECK(sks_last_result() == SKS_CKR_PIN_INCORRECT);
	CHECK(!sks_hsm_load_image_file(hsm, IMG, ST_BK_PW, &loaded, NULL));
	lb = sks_session_open(loaded);
	CHECK(lb && !sks_backup_delete_archive(lb, ST_BK_PW, name));
	CHECK(sks_backup_delete_archive(lb, ST_BK_PW, name));
	sl = sks_hsm_list_slots(hsm);
	CHECK(sl && sks_slots_get_count(sl) >= 3);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	unlink(GROUP);
	unlink(IMG);
	sks_slots_free(sl);
	sks_session_desc_free(d);
	sks_archive_info_free(ai);
	sks_archives_free(al);
	free(image);
	free(found);
	free(copy);
	free(value);
	free(ins);
	free(buf);
	sks_blob_set_free(bad);
	sks_blob_set_free(back);
	sks_blob_set_free(set);
	sks_session_close(lb);
	sks_session_close(b);
	sks_session_close(s);
	if (hsm) {
		if (loaded != ~0U)
			sks_hsm_delete_slot(hsm, loaded);
		if (bk != ~0U)
			sks_hsm_delete_slot(hsm, bk);
		if (v1 != ~0U)
			sks_hsm_delete_slot(hsm, v1);
	}
	sks_hsm_close(hsm);
	return ret;
}

/* Run @cmd through sh: its exit status, or -1. */
static int run(struct __test_metadata *_metadata, const char *cmd)
{
	int st = system(cmd);

	if (st == -1 || !WIFEXITED(st)) {
		TH_LOG("%s: did not exit", cmd);
		return -1;
	}
	return WEXITSTATUS(st);
}

/* memcheck is slow, the more so under TCG: generous timeouts. */
FIXTURE(vg) {
	char self_path[4096];
};

FIXTURE_SETUP(vg)
{
	ssize_t n = readlink("/proc/self/exe", self->self_path,
			     sizeof(self->self_path) - 1);

	ASSERT_LT(0, n);
	self->self_path[n] = '\0';
	ASSERT_EQ(0, system("valgrind --version >/dev/null 2>&1"));
}

FIXTURE_TEARDOWN(vg)
{
}

TEST_F(vg, exercise_passes_without_valgrind)
{
	ASSERT_EQ(0, exercise());
}

TEST_F_TIMEOUT(vg, libsks_exercise_under_valgrind, 400)
{
	char *cmd = st_fmt(VALGRIND " %s --exercise", self->self_path);

	/* 99: memcheck found an error or a leak; 1: the exercise failed. */
	ASSERT_NE(NULL, cmd);
	EXPECT_EQ(0, run(_metadata, cmd));
	free(cmd);
}

TEST_F_TIMEOUT(vg, skscm_under_valgrind, 400)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	unsigned int v1, v1b, bk;
	char *script, *out = NULL;
	int st;

	ASSERT_NE(NULL, hsm);
	v1 = st_lib_partition(hsm, SKS_SLOT_V1, "valgrind-domain");
	v1b = st_lib_partition(hsm, SKS_SLOT_V1, "valgrind-domain");
	ASSERT_NE(~0U, v1);
	ASSERT_NE(~0U, v1b);
	ASSERT_EQ(0, sks_hsm_create_backup(hsm, NULL, ST_BK_PW, &bk));
	script = st_fmt(
		"backuphsm attach -slot %u -file " IMG " -password " ST_BK_PW "\n"
		"slot list\n"
		"slot set -slot %u\nrole login -name Crypto Officer -password " ST_CO_PW "\n"
		"key generate -keytype aes -label k\n"
		"key generate -keytype generic -length 128\n"
		"sks extract -all -file " GROUP "\n"
		"partition archive backup -slot %u\nproceed\n" ST_BK_PW "\n" ST_US_PW "\n" ST_US_PW "\n"
		"partition archive list -slot %u -password " ST_BK_PW "\n"
		"partition archive backup -slot %u -partition x\nproceed\n"
		"slot set -slot %u\nrole login -name co -password " ST_CO_PW "\n"
		"sks identify " GROUP "\n"
		"role show\npartition show\npartition contents\n"
		"backuphsm image save -slot %u -file " IMG ".2 -password " ST_BK_PW "\n"
		"backuphsm image load -file " IMG ".2 -password wrong-secret\n"
		"help par ar\n",
		bk, v1, bk, bk, bk, v1b, bk);
	st = st_skscm_run(VALGRIND, "-continue", script, &out);
	free(script);
	/* One command fails on purpose (the wrong image password): 1. */
	EXPECT_EQ(1, st) TH_LOG("%s", out);
	EXPECT_HAS(out, "\nThe SMK was cloned successfully.\n");
	EXPECT_HAS(out, "Saved the Backup HSM on slot");
	EXPECT_HAS(out, "\nCommand Result : 0xa0 (CKR_PIN_INCORRECT)\n");
	EXPECT_HASNT(out, "==");	/* no memcheck report */
	free(out);
	unlink(IMG);
	unlink(IMG ".2");
	unlink(GROUP);
	sks_hsm_delete_slot(hsm, v1);
	sks_hsm_delete_slot(hsm, v1b);
	sks_hsm_delete_slot(hsm, bk);
	sks_hsm_close(hsm);
}

/* TEST_HARNESS_MAIN, with the exercise mode in front. */
static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exercise"))
		return exercise();
	return test_harness_run(argc, argv);
}
