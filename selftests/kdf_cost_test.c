// SPDX-License-Identifier: GPL-2.0
/*
 * What a secret costs to guess: the PBKDF2 cost of the module (600000 by
 * default, bounded on both sides), the minimum length of every secret on
 * every call that takes one, iteration counts read from an image bounded
 * before any work is done, a damaged image told apart from a wrong secret,
 * cloning-domain ids keyed per Backup HSM, and a long derivation that a
 * fatal signal stops.
 *
 * The tests that need another module cost load sks again (finit_module,
 * with exactly the parameters they name) and load it back with the
 * parameters it had when the test started. Images of the old format
 * (version 1) are built here, from docs/backup.md, with the kernel crypto
 * API through AF_ALG.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/wait.h>

#include <kcapi.h>

#include "kselftest_harness.h"
#include "common.h"

/* Secrets of exactly SKS_PIN_MIN bytes; their first 7 bytes are too short. */
#define SO8	"so-pin-8"
#define SO8B	"so-pin-9"
#define CO8	"co-pin-8"
#define CU8	"cu-pin-8"
#define HSM8	"hsm-so-8"
#define USR8	"user-s-8"

/* Tests that load sks with other parameters load it back as it was. */
FIXTURE(module) {
	char params[512];
};

FIXTURE_SETUP(module)
{
	ASSERT_EQ(0, st_sks_params(self->params, sizeof(self->params)));
}

FIXTURE_TEARDOWN(module)
{
	EXPECT_EQ(0, st_load_sks(self->params)) TH_LOG("params: %s", self->params);
}

static __u32 hsm_cost(void)
{
	struct sks_hsm_info hi = {};
	int ctl = st_ctl_open();
	__u32 n = 0;

	if (ctl >= 0 && !ioctl(ctl, SKS_CTL_HSM_INFO, &hi))
		n = hi.pbkdf2_iterations;
	if (ctl >= 0)
		close(ctl);
	return n;
}

static bool sks_loaded(void)
{
	return !access("/sys/module/sks", F_OK);
}

/* ---- the module cost ---- */

TEST_F(module, default_cost_is_600000_without_parameters)
{
	ASSERT_EQ(0, st_load_sks(""));
	EXPECT_EQ(SKS_KDF_ITERATIONS_DEFAULT, hsm_cost());
	EXPECT_EQ(600000, SKS_KDF_ITERATIONS_DEFAULT);
}

TEST_F(module, cost_parameter_is_bounded_on_both_sides)
{
	static const char *const refused[] = {
		"pbkdf2_iterations=0", "pbkdf2_iterations=999",
		"pbkdf2_iterations=10000001", "pbkdf2_iterations=4294967295",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		EXPECT_EQ(-EINVAL, st_load_sks(refused[i])) TH_LOG("%s", refused[i]);
		EXPECT_FALSE(sks_loaded()) TH_LOG("%s: loaded", refused[i]);
	}
	ASSERT_EQ(0, st_load_sks("pbkdf2_iterations=1000"));
	EXPECT_EQ(SKS_KDF_ITERATIONS_MIN, hsm_cost());
	ASSERT_EQ(0, st_load_sks("pbkdf2_iterations=10000000"));
	EXPECT_EQ(SKS_KDF_ITERATIONS_MAX, hsm_cost());
}

/* ---- the length of every secret ---- */

/* ioctl(2) on @fd: -errno or 0; the result field lands in *@res. */
#define CALL(fd, cmd, arg) (ioctl((fd), (cmd), (arg)) ? -errno : 0)

/* A secret refused for its length: -EINVAL with CKR_PIN_LEN_RANGE. */
static void short_secret(struct __test_metadata *_metadata, int err,
			 __u32 result, const char *what)
{
	EXPECT_EQ(-EINVAL, err) TH_LOG("%s", what);
	EXPECT_EQ(SKS_CKR_PIN_LEN_RANGE, result) TH_LOG("%s", what);
}

/* (the call first, then its result field) */
#define EXPECT_SHORT(call, result, what) do {				\
	int __err = (call);						\
									\
	short_secret(_metadata, __err, (result), (what));		\
} while (0)

TEST(secrets_of_seven_bytes_are_refused_by_every_call)
{
	struct sks_slot_create sc = { .type = SKS_SLOT_BACKUP };
	struct sks_partition_init pi = {
		.domain = st_ptr("len-domain"), .domain_len = 10,
	};
	struct sks_login li = {};
	struct sks_init_role ir = {};
	struct sks_change_pin cp = {};
	struct sks_archive_backup ab = {};
	struct sks_archive_restore ar = {};
	struct sks_archive_entry e[2];
	struct sks_archive_list al = {};
	struct sks_archive_show as = {};
	struct sks_image_save is = {};
	struct sks_image_load il = {};
	char name[SKS_ARCHIVE_NAME_MAX + 1] = "";
	char long_pin[SKS_PIN_MAX + 2];
	unsigned char *img = NULL;
	int ctl, bslot, bfd, pslot, pfd, cufd, lslot;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);

	/* a Backup HSM's SO secret at creation */
	sc.so_secret = st_ptr(HSM8);
	sc.so_secret_len = 7;
	EXPECT_SHORT(CALL(ctl, SKS_CTL_CREATE_SLOT, &sc), sc.result, "create");
	sc.so_secret_len = 8;
	ASSERT_EQ(0, CALL(ctl, SKS_CTL_CREATE_SLOT, &sc));
	bslot = sc.slot;
	bfd = st_slot_open(bslot);
	ASSERT_LE(0, bfd);

	/* the partition SO secret */
	pslot = st_slot_create(ctl, SKS_SLOT_V1, NULL, NULL, 0);
	ASSERT_LE(0, pslot);
	pfd = st_slot_open(pslot);
	ASSERT_LE(0, pfd);
	pi.so_pin = st_ptr(SO8);
	pi.so_pin_len = 7;
	EXPECT_SHORT(CALL(pfd, SKS_IOC_PARTITION_INIT, &pi), pi.result,
		     "partition init");
	pi.so_pin_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_PARTITION_INIT, &pi));

	/* login, init role, change pin */
	li = (struct sks_login){ .role = SKS_ROLE_SO, .pin = st_ptr(SO8),
				 .pin_len = 7 };
	EXPECT_SHORT(CALL(pfd, SKS_IOC_LOGIN, &li), li.result, "login SO");
	li.pin_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_LOGIN, &li));
	ir = (struct sks_init_role){ .role = SKS_ROLE_CO, .pin = st_ptr(CO8),
				     .pin_len = 7 };
	EXPECT_SHORT(CALL(pfd, SKS_IOC_INIT_ROLE, &ir), ir.result, "init CO");
	ir.pin_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_INIT_ROLE, &ir));
	ir = (struct sks_init_role){ .role = SKS_ROLE_CU, .pin = st_ptr(CU8),
				     .pin_len = 7 };
	EXPECT_SHORT(CALL(pfd, SKS_IOC_INIT_ROLE, &ir), ir.result, "init CU");
	ir.pin_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_INIT_ROLE, &ir));
	cp = (struct sks_change_pin){ .role = SKS_ROLE_SO,
				      .old_pin = st_ptr(SO8), .old_len = 7,
				      .new_pin = st_ptr(SO8B), .new_len = 8 };
	EXPECT_SHORT(CALL(pfd, SKS_IOC_CHANGE_PIN, &cp), cp.result,
		     "change pin, old");
	cp.old_len = 8;
	cp.new_len = 7;
	EXPECT_SHORT(CALL(pfd, SKS_IOC_CHANGE_PIN, &cp), cp.result,
		     "change pin, new");
	cp.new_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_CHANGE_PIN, &cp));
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_LOGOUT, &(struct sks_simple){}));
	li = (struct sks_login){ .role = SKS_ROLE_CO, .pin = st_ptr(CO8),
				 .pin_len = 7 };
	EXPECT_SHORT(CALL(pfd, SKS_IOC_LOGIN, &li), li.result, "login CO");
	li.pin_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_LOGIN, &li));
	cufd = st_slot_open(pslot);
	ASSERT_LE(0, cufd);
	li = (struct sks_login){ .role = SKS_ROLE_CU, .pin = st_ptr(CU8),
				 .pin_len = 7 };
	EXPECT_SHORT(CALL(cufd, SKS_IOC_LOGIN, &li), li.result, "login CU");
	li.pin_len = 8;
	EXPECT_EQ(0, CALL(cufd, SKS_IOC_LOGIN, &li));
	ASSERT_EQ(0, CALL(cufd, SKS_IOC_LOGOUT, &(struct sks_simple){}));
	/* above SKS_PIN_MAX as well */
	memset(long_pin, 'x', sizeof(long_pin));
	li = (struct sks_login){ .role = SKS_ROLE_CU, .pin = st_ptr(long_pin),
				 .pin_len = SKS_PIN_MAX + 1 };
	EXPECT_SHORT(CALL(cufd, SKS_IOC_LOGIN, &li), li.result,
		     "login, 65 bytes");
	close(cufd);

	/* archive backup: HSM SO secret and archive user secret */
	ab = (struct sks_archive_backup){ .backup_slot = bslot,
					  .so_secret = st_ptr(HSM8),
					  .so_secret_len = 7,
					  .user_secret = st_ptr(USR8),
					  .user_secret_len = 8 };
	EXPECT_SHORT(CALL(pfd, SKS_IOC_ARCHIVE_BACKUP, &ab), ab.result,
		     "backup, HSM SO");
	ab.so_secret_len = 8;
	ab.user_secret_len = 7;
	EXPECT_SHORT(CALL(pfd, SKS_IOC_ARCHIVE_BACKUP, &ab), ab.result,
		     "backup, user");
	ab.user_secret_len = 8;
	ASSERT_EQ(0, CALL(pfd, SKS_IOC_ARCHIVE_BACKUP, &ab));
	memcpy(name, ab.name, SKS_ARCHIVE_NAME_MAX);

	/* archive restore */
	ar = (struct sks_archive_restore){ .backup_slot = bslot,
					   .user_secret = st_ptr(USR8),
					   .user_secret_len = 7 };
	memcpy(ar.name, name, strlen(name));
	EXPECT_SHORT(CALL(pfd, SKS_IOC_ARCHIVE_RESTORE, &ar), ar.result,
		     "restore");
	ar.user_secret_len = 8;
	EXPECT_EQ(0, CALL(pfd, SKS_IOC_ARCHIVE_RESTORE, &ar));

	/* archive list, show */
	al = (struct sks_archive_list){ .entries = st_ptr(e), .count = 2,
					.entry_size = sizeof(e[0]),
					.so_secret = st_ptr(HSM8),
					.so_secret_len = 7 };
	EXPECT_SHORT(CALL(bfd, SKS_IOC_ARCHIVE_LIST, &al), al.result, "list");
	al.so_secret_len = 8;
	al.count = 2;
	EXPECT_EQ(0, CALL(bfd, SKS_IOC_ARCHIVE_LIST, &al));
	EXPECT_EQ(1, al.count);
	as = (struct sks_archive_show){ .so_secret = st_ptr(HSM8),
					.so_secret_len = 7 };
	memcpy(as.entry.name, name, strlen(name));
	EXPECT_SHORT(CALL(bfd, SKS_IOC_ARCHIVE_SHOW, &as), as.result, "show");
	as.so_secret_len = 8;
	EXPECT_EQ(0, CALL(bfd, SKS_IOC_ARCHIVE_SHOW, &as));

	/* image save and load */
	is = (struct sks_image_save){ .so_secret = st_ptr(HSM8),
				      .so_secret_len = 7 };
	EXPECT_SHORT(CALL(bfd, SKS_IOC_IMAGE_SAVE, &is), is.result,
		     "image save");
	is.so_secret_len = 8;
	ASSERT_EQ(0, CALL(bfd, SKS_IOC_IMAGE_SAVE, &is));
	img = malloc(is.image_len);
	ASSERT_NE(NULL, img);
	is.image = st_ptr(img);
	ASSERT_EQ(0, CALL(bfd, SKS_IOC_IMAGE_SAVE, &is));
	il = (struct sks_image_load){ .image = st_ptr(img),
				      .image_len = is.image_len,
				      .so_secret = st_ptr(HSM8),
				      .so_secret_len = 7 };
	EXPECT_SHORT(CALL(ctl, SKS_CTL_IMAGE_LOAD, &il), il.result,
		     "image load");
	il.so_secret_len = 8;
	ASSERT_EQ(0, CALL(ctl, SKS_CTL_IMAGE_LOAD, &il));
	lslot = il.slot;
	free(img);

	/* archive delete */
	as = (struct sks_archive_show){ .so_secret = st_ptr(HSM8),
					.so_secret_len = 7 };
	memcpy(as.entry.name, name, strlen(name));
	EXPECT_SHORT(CALL(bfd, SKS_IOC_ARCHIVE_DELETE, &as), as.result,
		     "archive delete");
	as.so_secret_len = 8;
	EXPECT_EQ(0, CALL(bfd, SKS_IOC_ARCHIVE_DELETE, &as));

	close(pfd);
	close(bfd);
	EXPECT_EQ(0, st_slot_del(ctl, lslot));
	EXPECT_EQ(0, st_slot_del(ctl, pslot));
	EXPECT_EQ(0, st_slot_del(ctl, bslot));
	close(ctl);
}

/* ---- images of the old format, made here (docs/backup.md, version 1) ---- */

#define V1_HDR		88
#define V1_HSM		40
#define V1_ARC		224
#define V1_TAG		16
#define V1_MAX		(V1_HDR + V1_HSM + V1_ARC + V1_TAG)

static void put32(unsigned char *p, __u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(unsigned char *p, __u64 v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static __u32 get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

struct v1_spec {
	__u32 iterations;	/* of the image key */
	bool sealed;		/* derive the key; else check and tag are junk */
	bool archive;		/* one cloning archive, no objects */
	__u32 arc_iterations;	/* of the archive's user secret */
	const char *domain;	/* its cloning domain */
	__u64 serial;
};

#define V1_ARCHIVE	"v1-archive"

/*
 * A version 1 image of a Backup HSM under @so (HSM SO secret ST_BK_SO when
 * NULL), into @out (V1_MAX bytes); returns its length or -1.
 */
static int v1_image(unsigned char *out, const struct v1_spec *s)
{
	static const unsigned char salt[32] = "v1 image salt, 32 bytes long...";
	static const unsigned char iv[12] = "v1 image iv";
	static const unsigned char usalt[16] = "user salt 16 b.";
	static const unsigned char dsalt[16] = "SKS clone domain";
	unsigned char prk[32], key[32], check[32], buf[V1_MAX];
	unsigned char *hdr = buf, *pl = buf + V1_HDR, *arc = pl + V1_HSM;
	__u32 plen = V1_HSM + (s->archive ? V1_ARC : 0);
	struct kcapi_handle *h;
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	memcpy(hdr, "SKSI", 4);
	hdr[4] = 1;			/* version */
	hdr[6] = V1_HDR;		/* header length */
	put32(hdr + 12, s->iterations);
	put32(hdr + 16, plen);
	memcpy(hdr + 24, salt, 32);
	memcpy(hdr + 56, iv, 12);

	put64(pl, s->serial);
	put64(pl + 8, 1 << 20);		/* capacity */
	memcpy(pl + 16, "7.7.1", 5);
	put32(pl + 32, s->archive ? 1 : 0);
	if (s->archive) {
		put32(arc, V1_ARC);
		put32(arc + 4, SKS_ARCHIVE_CLONING);
		memcpy(arc + 16, V1_ARCHIVE, strlen(V1_ARCHIVE));
		put64(arc + 80, time(NULL));
		put64(arc + 88, 4242);
		/* cloning domain hash: PBKDF2(domain, "SKS clone domain", 2048) */
		if (kcapi_pbkdf("hmac(sha256)", (const uint8_t *)s->domain,
				strlen(s->domain), dsalt, 16, 2048, arc + 96,
				32) < 0)
			return -1;
		put32(arc + 128, s->arc_iterations);
		memcpy(arc + 136, usalt, 16);
		if (s->arc_iterations <= 100000 &&
		    kcapi_pbkdf("hmac(sha256)", (const uint8_t *)ST_BK_USER,
				strlen(ST_BK_USER), usalt, 16, s->arc_iterations,
				arc + 152, 32) < 0)
			return -1;
	}

	if (s->sealed) {
		if (kcapi_pbkdf("hmac(sha256)", (const uint8_t *)ST_BK_SO,
				strlen(ST_BK_SO), salt, 32, s->iterations, prk,
				32) < 0 ||
		    kcapi_md_hmac_sha256(prk, 32, (const uint8_t *)"SKS image v1 key\x01",
					 17, key, 32) != 32 ||
		    kcapi_md_hmac_sha256(prk, 32, (const uint8_t *)"SKS image v1 check\x01",
					 19, check, 32) != 32)
			return -1;
		memcpy(hdr + 72, check, 16);
		if (kcapi_aead_init(&h, "gcm(aes)", 0))
			return -1;
		kcapi_aead_setkey(h, key, 32);
		kcapi_aead_settaglen(h, V1_TAG);
		kcapi_aead_setassoclen(h, V1_HDR);
		n = kcapi_aead_encrypt(h, buf, V1_HDR + plen, iv, out,
				       V1_HDR + plen + V1_TAG,
				       KCAPI_ACCESS_HEURISTIC);
		kcapi_aead_destroy(h);
		if (n != V1_HDR + plen + V1_TAG)
			return -1;
	} else {
		memset(hdr + 72, 0x5c, 16);
		memcpy(out, buf, V1_HDR + plen);
		memset(out + V1_HDR + plen, 0xa5, V1_TAG);
	}
	return V1_HDR + plen + V1_TAG;
}

static int load(int ctl, const void *img, __u32 len, const char *so,
		__u32 *res, double *secs)
{
	double t0 = st_now();
	int slot = st_image_load(ctl, img, len, so, res);

	if (secs)
		*secs = st_now() - t0;
	return slot;
}

TEST(image_of_the_old_format_still_loads)
{
	struct v1_spec s = { .iterations = 2048, .sealed = true,
			     .archive = true, .arc_iterations = 2048,
			     .domain = "v1-domain", .serial = 0x5151e001 };
	unsigned char img[V1_MAX];
	struct sks_archive_restore ar;
	struct sks_archive_show as;
	int ctl, len, slot, bfd, pslot, pfd;
	__u32 res;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	len = v1_image(img, &s);
	ASSERT_LT(0, len);
	slot = load(ctl, img, len, ST_BK_SO, &res, NULL);
	ASSERT_LE(0, slot) TH_LOG("result 0x%x", res);
	bfd = st_slot_open(slot);
	ASSERT_LE(0, bfd);
	EXPECT_EQ(1, st_archive_count(bfd, ST_BK_SO));
	ASSERT_EQ(0, st_archive_show(bfd, ST_BK_SO, V1_ARCHIVE, &as));
	EXPECT_EQ(SKS_ARCHIVE_CLONING, as.entry.kind);
	EXPECT_EQ(4242, as.entry.source_serial);
	EXPECT_EQ(0, as.entry.failures);
	/* its archive restores onto a partition of its domain only */
	pfd = st_partition(ctl, SKS_SLOT_V0, "v1-domain", &pslot);
	ASSERT_LE(0, pfd);
	EXPECT_EQ(0, st_restore(pfd, slot, ST_BK_USER, V1_ARCHIVE, &ar))
		TH_LOG("result 0x%x", ar.result);
	close(pfd);
	EXPECT_EQ(0, st_slot_del(ctl, pslot));
	pfd = st_partition(ctl, SKS_SLOT_V0, "v2-domain", &pslot);
	ASSERT_LE(0, pfd);
	EXPECT_EQ(-EXDEV, st_restore(pfd, slot, ST_BK_USER, V1_ARCHIVE, &ar));
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, ar.result);
	close(pfd);
	EXPECT_EQ(0, st_slot_del(ctl, pslot));
	close(bfd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

/*
 * Iteration counts out of SKS_KDF_ITERATIONS_MIN..MAX, in the image header
 * or in an archive's user secret: CKR_DATA_INVALID before any derivation
 * (2^24 iterations would keep the CPU for minutes under emulation).
 */
TEST(image_costs_out_of_bounds_are_refused_at_once)
{
	static const __u32 low[] = { 1, 999 };
	static const __u32 high[] = { SKS_KDF_ITERATIONS_MAX + 1, 1U << 24,
				      0xffffffffU };
	struct v1_spec s = { .sealed = true, .domain = "v1-domain",
			     .serial = 0x5151e002 };
	unsigned char img[V1_MAX];
	int ctl, len, slot, nslots;
	double secs;
	size_t i;
	__u32 res;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	nslots = st_slots(ctl, (struct sks_slot_entry[SKS_MAX_SLOTS]){},
			  SKS_MAX_SLOTS);

	/* well-formed images sealed at a cost below the minimum */
	for (i = 0; i < ARRAY_SIZE(low); i++) {
		s.iterations = low[i];
		len = v1_image(img, &s);
		ASSERT_LT(0, len);
		slot = load(ctl, img, len, ST_BK_SO, &res, &secs);
		if (slot >= 0)
			st_slot_del(ctl, slot);
		ASSERT_EQ(-EBADMSG, slot) TH_LOG("header cost %u", low[i]);
		EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
	}
	/* an archive's user secret at a cost below the minimum */
	s.iterations = 1000;
	s.archive = true;
	s.arc_iterations = 1;
	len = v1_image(img, &s);
	ASSERT_LT(0, len);
	slot = load(ctl, img, len, ST_BK_SO, &res, &secs);
	if (slot >= 0)
		st_slot_del(ctl, slot);
	ASSERT_EQ(-EBADMSG, slot) TH_LOG("archive secret cost 1");
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);

	/* above the maximum: refused before any work */
	s.archive = false;
	s.sealed = false;
	for (i = 0; i < ARRAY_SIZE(high); i++) {
		s.iterations = high[i];
		len = v1_image(img, &s);
		ASSERT_LT(0, len);
		slot = load(ctl, img, len, ST_BK_SO, &res, &secs);
		if (slot >= 0)
			st_slot_del(ctl, slot);
		EXPECT_EQ(-EBADMSG, slot) TH_LOG("header cost %u", high[i]);
		EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
		EXPECT_GT(2.0, secs) TH_LOG("header cost %u: %.1f s", high[i],
					    secs);
	}
	s.iterations = 1000;
	s.sealed = true;
	s.archive = true;
	s.arc_iterations = 1U << 24;
	len = v1_image(img, &s);
	ASSERT_LT(0, len);
	slot = load(ctl, img, len, ST_BK_SO, &res, &secs);
	if (slot >= 0)
		st_slot_del(ctl, slot);
	EXPECT_EQ(-EBADMSG, slot) TH_LOG("archive secret cost 2^24");
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
	EXPECT_EQ(nslots, st_slots(ctl, (struct sks_slot_entry[SKS_MAX_SLOTS]){},
				   SKS_MAX_SLOTS));
	close(ctl);
}

/* ---- damaged images and wrong secrets ---- */

/*
 * Where the header fields are, by image version (docs/backup.md); version
 * 2 adds a checksum of the header's first 88 bytes (SHA-256, 16 bytes).
 */
struct hdr_fields {
	unsigned int iter, salt, salt_len, check, check_len, sum;
};

static int hdr_fields(const unsigned char *img, struct hdr_fields *f)
{
	*f = (struct hdr_fields){ .iter = 12, .salt = 24, .salt_len = 32,
				  .check = 72, .check_len = 16 };
	switch (img[4] | img[5] << 8) {
	case 1:
		return 0;
	case 2:
		f->sum = 88;
		return 0;
	default:
		return -1;
	}
}

/* A header changed on purpose: its checksum made to match again. */
static void fix_sum(unsigned char *img, const struct hdr_fields *f)
{
	unsigned char sum[32];

	if (f->sum && kcapi_md_sha256(img, f->sum, sum, sizeof(sum)) == 32)
		memcpy(img + f->sum, sum, 16);
}

/* A Backup HSM holding one cloning archive, saved; the slot is deleted. */
static int saved_image(int ctl, unsigned char **img, __u32 *len)
{
	struct sks_archive_backup ab;
	int bslot, pslot, pfd, err;
	__u32 h;

	bslot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	if (bslot < 0)
		return bslot;
	pfd = st_partition(ctl, SKS_SLOT_V0, "damage", &pslot);
	if (pfd < 0)
		return pfd;
	err = st_data(pfd, true, "obj", "value", 5, &h) ?:
	      st_backup(pfd, bslot, ST_BK_SO, ST_BK_USER, "damage", 0, &ab);
	close(pfd);
	st_slot_del(ctl, pslot);
	if (!err) {
		int bfd = st_slot_open(bslot);

		err = st_image_save(bfd, ST_BK_SO, img, len, NULL);
		close(bfd);
	}
	st_slot_del(ctl, bslot);
	return err;
}

TEST(damaged_image_header_is_data_invalid_not_a_wrong_secret)
{
	struct hdr_fields f;
	unsigned char *img, *bad;
	struct {
		const char *what;
		unsigned int byte;
		unsigned char mask;
	} flips[8];
	int ctl, slot, n = 0, i;
	__u32 len, res, iter;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, saved_image(ctl, &img, &len));
	ASSERT_EQ(0, hdr_fields(img, &f)) TH_LOG("image version %u", img[4]);
	bad = malloc(len);
	ASSERT_NE(NULL, bad);

	/* intact, wrong secret: a wrong secret */
	EXPECT_EQ(-EACCES, load(ctl, img, len, "wrong-secret", &res, NULL));
	EXPECT_EQ(SKS_CKR_PIN_INCORRECT, res);

	flips[n++] = (typeof(flips[0])){ "salt, first byte", f.salt, 0x01 };
	flips[n++] = (typeof(flips[0])){ "salt, last byte",
					 f.salt + f.salt_len - 1, 0x80 };
	flips[n++] = (typeof(flips[0])){ "check value, first byte", f.check,
					 0x01 };
	flips[n++] = (typeof(flips[0])){ "check value, last byte",
					 f.check + f.check_len - 1, 0x40 };
	/* a count still in range (1000 -> 1016), and one out of range */
	flips[n++] = (typeof(flips[0])){ "iterations, bit 4", f.iter, 0x10 };
	flips[n++] = (typeof(flips[0])){ "iterations, bit 31", f.iter + 3,
					 0x80 };
	for (i = 0; i < n; i++) {
		memcpy(bad, img, len);
		bad[flips[i].byte] ^= flips[i].mask;
		slot = load(ctl, bad, len, ST_BK_SO, &res, NULL);
		if (slot >= 0)
			st_slot_del(ctl, slot);
		EXPECT_EQ(-EBADMSG, slot) TH_LOG("%s", flips[i].what);
		EXPECT_EQ(SKS_CKR_DATA_INVALID, res) TH_LOG("%s", flips[i].what);
	}
	/*
	 * The iteration count set to 1 and to 2^24: refused at once, as
	 * damage and, with a checksum made to match, for the count itself.
	 */
	iter = get32(img + f.iter);
	EXPECT_LE(SKS_KDF_ITERATIONS_MIN, iter);
	for (i = 0; i < 4; i++) {
		double secs;

		memcpy(bad, img, len);
		put32(bad + f.iter, i % 2 ? 1U << 24 : 1);
		if (i >= 2)
			fix_sum(bad, &f);
		slot = load(ctl, bad, len, ST_BK_SO, &res, &secs);
		if (slot >= 0)
			st_slot_del(ctl, slot);
		EXPECT_EQ(-EBADMSG, slot) TH_LOG("iterations %u", get32(bad + f.iter));
		EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
		EXPECT_GT(2.0, secs) TH_LOG("%.1f s", secs);
	}

	/* right secret, damaged payload or tag */
	memcpy(bad, img, len);
	bad[len - 20] ^= 0x04;
	EXPECT_EQ(-EBADMSG, load(ctl, bad, len, ST_BK_SO, &res, NULL));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);
	memcpy(bad, img, len);
	bad[len - 1] ^= 0x04;
	EXPECT_EQ(-EBADMSG, load(ctl, bad, len, ST_BK_SO, &res, NULL));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, res);

	/* and the intact image loads */
	slot = load(ctl, img, len, ST_BK_SO, &res, NULL);
	ASSERT_LE(0, slot);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	free(bad);
	free(img);
	close(ctl);
}

/* ---- cloning domain ids ---- */

static int list(int bfd, struct sks_archive_entry *e, __u32 room)
{
	struct sks_archive_list al = {
		.entries = st_ptr(e), .count = room, .entry_size = sizeof(*e),
		.so_secret = st_ptr(ST_BK_SO), .so_secret_len = strlen(ST_BK_SO),
	};

	return ioctl(bfd, SKS_IOC_ARCHIVE_LIST, &al) ? -errno : (int)al.count;
}

static const struct sks_archive_entry *by_source(const struct sks_archive_entry *e,
						 int n, __u64 serial)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].source_serial == serial)
			return &e[i];
	return NULL;
}

TEST(domain_ids_are_keyed_per_backup_hsm)
{
	static const unsigned char zero[SKS_DOMAIN_ID_LEN];
	const struct sks_archive_entry *a1, *a2, *a3, *b1, *l1;
	struct sks_archive_entry e1[4], e2[4], el[4];
	struct sks_session_info i1, i2, i3;
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	char name3[SKS_ARCHIVE_NAME_MAX + 1] = "";
	char name1[SKS_ARCHIVE_NAME_MAX + 1] = "";
	int ctl, b1slot, b2slot, b1fd, b2fd, s1, s2, s3, p1, p2, p3, lslot, lfd;
	unsigned char *img;
	__u32 len, res;
	int n1, n2, nl;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	b1slot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	b2slot = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, b1slot);
	ASSERT_LE(0, b2slot);
	b1fd = st_slot_open(b1slot);
	b2fd = st_slot_open(b2slot);
	p1 = st_partition(ctl, SKS_SLOT_V1, "domain-A", &s1);
	p2 = st_partition(ctl, SKS_SLOT_V1, "domain-A", &s2);
	p3 = st_partition(ctl, SKS_SLOT_V1, "domain-B", &s3);
	ASSERT_LE(0, p1);
	ASSERT_LE(0, p2);
	ASSERT_LE(0, p3);
	ASSERT_EQ(0, st_info(p1, &i1));
	ASSERT_EQ(0, st_info(p2, &i2));
	ASSERT_EQ(0, st_info(p3, &i3));
	ASSERT_EQ(0, st_backup(p1, b1slot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	memcpy(name1, ab.name, SKS_ARCHIVE_NAME_MAX);
	ASSERT_EQ(0, st_backup(p2, b1slot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	ASSERT_EQ(0, st_backup(p3, b1slot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));
	memcpy(name3, ab.name, SKS_ARCHIVE_NAME_MAX);
	ASSERT_EQ(0, st_backup(p1, b2slot, ST_BK_SO, ST_BK_USER, NULL, 0, &ab));

	n1 = list(b1fd, e1, 4);
	n2 = list(b2fd, e2, 4);
	ASSERT_EQ(3, n1);
	ASSERT_EQ(1, n2);
	a1 = by_source(e1, n1, i1.serial);
	a2 = by_source(e1, n1, i2.serial);
	a3 = by_source(e1, n1, i3.serial);
	b1 = by_source(e2, n2, i1.serial);
	ASSERT_TRUE(a1 && a2 && a3 && b1);
	EXPECT_NE(0, memcmp(a1->domain_id, zero, SKS_DOMAIN_ID_LEN));
	/* one Backup HSM: equal domains, equal ids; others differ */
	EXPECT_EQ(0, memcmp(a1->domain_id, a2->domain_id, SKS_DOMAIN_ID_LEN));
	EXPECT_NE(0, memcmp(a1->domain_id, a3->domain_id, SKS_DOMAIN_ID_LEN));
	/* two Backup HSMs: the same domain, different ids */
	EXPECT_NE(0, memcmp(a1->domain_id, b1->domain_id, SKS_DOMAIN_ID_LEN));

	/* the key goes with the image: the same ids after a save and load */
	ASSERT_EQ(0, st_image_save(b1fd, ST_BK_SO, &img, &len, &res));
	lslot = st_image_load(ctl, img, len, ST_BK_SO, &res);
	free(img);
	ASSERT_LE(0, lslot);
	lfd = st_slot_open(lslot);
	nl = list(lfd, el, 4);
	ASSERT_EQ(3, nl);
	l1 = by_source(el, nl, i1.serial);
	ASSERT_NE(NULL, l1);
	EXPECT_EQ(0, memcmp(a1->domain_id, l1->domain_id, SKS_DOMAIN_ID_LEN));

	/* partitions still compare domains, on both slots */
	EXPECT_EQ(0, st_restore(p2, b1slot, ST_BK_USER, name1, &ar));
	EXPECT_EQ(-EXDEV, st_restore(p1, b1slot, ST_BK_USER, name3, &ar));
	EXPECT_EQ(SKS_CKR_DOMAIN_PARAMS_INVALID, ar.result);
	EXPECT_EQ(0, st_restore(p2, lslot, ST_BK_USER, name1, &ar));
	EXPECT_EQ(-EXDEV, st_restore(p2, lslot, ST_BK_USER, name3, &ar));

	close(lfd);
	close(b1fd);
	close(b2fd);
	close(p1);
	close(p2);
	close(p3);
	st_slot_del(ctl, lslot);
	st_slot_del(ctl, s1);
	st_slot_del(ctl, s2);
	st_slot_del(ctl, s3);
	st_slot_del(ctl, b1slot);
	st_slot_del(ctl, b2slot);
	close(ctl);
}

/* ---- a long derivation stops on a fatal signal ---- */

/*
 * Start @fn in a child, SIGKILL it after a second and measure how long it
 * takes to die (at most @limit s waited for; -1 if it did not).
 */
static double killed_after_1s(struct __test_metadata *_metadata,
			      void (*fn)(int), int arg, double limit)
{
	pid_t pid = fork(), got = 0;
	double t0, dead = -1;
	int status;

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0)
		return -1;
	usleep(1000000);
	/* still deriving after a second */
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));
	t0 = st_now();
	kill(pid, SIGKILL);
	while (st_now() - t0 < limit) {
		got = waitpid(pid, &status, WNOHANG);
		if (got)
			break;
		usleep(20000);
	}
	if (got == pid)
		dead = st_now() - t0;
	else
		waitpid(pid, &status, 0);	/* for the module's sake */
	return dead;
}

static void partition_init(int fd)
{
	st_part_init(fd, "slow");
}

static void image_load(int ctl)
{
	struct v1_spec s = { .iterations = SKS_KDF_ITERATIONS_MAX,
			     .sealed = false, .serial = 0x5151e003 };
	unsigned char img[V1_MAX];
	int len = v1_image(img, &s);
	__u32 res;

	st_image_load(ctl, img, len, ST_BK_SO, &res);
}

TEST_F(module, module_cost_of_ten_million_is_killable)
{
	struct sks_session_info info;
	int ctl, slot, fd;
	double dead;

	ASSERT_EQ(0, st_load_sks("pbkdf2_iterations=10000000"));
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	slot = st_slot_create(ctl, SKS_SLOT_V1, NULL, NULL, 0);
	ASSERT_LE(0, slot);
	fd = st_slot_open(slot);
	ASSERT_LE(0, fd);
	/* the SO secret's verifier: 10^7 iterations */
	dead = killed_after_1s(_metadata, partition_init, fd, 10);
	EXPECT_LE(0, dead);
	EXPECT_GT(5.0, dead) TH_LOG("died %.1f s after SIGKILL", dead);
	/* nothing half done */
	ASSERT_EQ(0, st_info(fd, &info));
	EXPECT_EQ(0, info.state & SKS_STATE_INITIALIZED);
	close(fd);
	EXPECT_EQ(0, st_slot_del(ctl, slot));
	close(ctl);
}

/* An image may ask for up to 10^7 iterations: that load is killable too. */
TEST(image_of_the_highest_cost_is_killable)
{
	int ctl, nslots;
	double dead;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	nslots = st_slots(ctl, (struct sks_slot_entry[SKS_MAX_SLOTS]){},
			  SKS_MAX_SLOTS);
	dead = killed_after_1s(_metadata, image_load, ctl, 10);
	EXPECT_LE(0, dead);
	EXPECT_GT(5.0, dead) TH_LOG("died %.1f s after SIGKILL", dead);
	EXPECT_EQ(nslots, st_slots(ctl, (struct sks_slot_entry[SKS_MAX_SLOTS]){},
				   SKS_MAX_SLOTS));
	close(ctl);
}

TEST_HARNESS_MAIN
