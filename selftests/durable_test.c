// SPDX-License-Identifier: GPL-2.0
/*
 * The state directory (docs/durability.md) through libsks and sks-state,
 * against the driver, across rmmod and modprobe of sks.ko: what a save
 * writes and removes, what a load loads and what it sets aside (orphans,
 * missing, older and damaged files, a damaged or foreign HSM record),
 * saves racing slot deletions, coalescing, temporaries of a crash, and
 * sks-state under valgrind.
 *
 * The same binary runs the guest half of tests/durable_test.sh (two boots
 * on one disk, the state kept by the VM's uevent handler, no manual save)
 * and of tests/powercut_test.sh:
 *   durable_test boot1 FILE            make the slots, keep what boot 2
 *                                      checks in FILE
 *   durable_test boot2 FILE            check them after the reboot
 *   durable_test boot2-reloaded FILE   and after rmmod, modprobe
 *   durable_test powercut-loop         change, wait for the save, again
 *   durable_test powercut-check SAVED CHANGED
 *                                      the state after a power cut
 * and measures for scripts/state-bench.sh:
 *   durable_test bench DIR ROUNDS OBJECTS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sks.h>
#include <linux/sks_format.h>
#include <sks.h>

#include "kselftest_harness.h"
#include "common.h"

#define VALGRIND "valgrind --leak-check=full --errors-for-leak-kinds=definite,possible " \
		 "--error-exitcode=99 -q"

/* ---- helpers ---- */

/* A fresh module: no slot, a new HSM serial number. */
static int reload(void)
{
	return system("rmmod sks && modprobe sks") ? -EIO : 0;
}

static char *new_dir(void)
{
	char tmpl[] = "/tmp/durable.XXXXXX";

	return mkdtemp(tmpl) ? strdup(tmpl) : NULL;
}

static void remove_dir(char *dir)
{
	char cmd[128];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

static bool exists(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static int nr_files(const char *dir, const char *sub)
{
	char cmd[256];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s/%s 2>/dev/null | wc -l", dir, sub);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

/* Events of @kind in @r (for @slot, or any slot with -2). */
static int events(const struct sks_state_report *r, unsigned int kind,
		  int slot)
{
	size_t i;
	int n = 0;

	for (i = 0; r && i < sks_state_report_get_count(r); i++)
		if (sks_state_report_get_kind(r, i) == kind &&
		    (slot == -2 || sks_state_report_get_slot(r, i) == slot))
			n++;
	return n;
}

static void print_report(const struct sks_state_report *r)
{
	size_t i;

	for (i = 0; r && i < sks_state_report_get_count(r); i++)
		fprintf(stderr, "#   %s\n", sks_state_report_get_text(r, i));
}

static int save(struct sks_hsm *hsm, const char *dir,
		struct sks_state_report **r)
{
	return sks_state_save_dir(hsm, dir, 0, r);
}

static int slot_state(int slot, __u32 *state)
{
	struct sks_session_info si;
	int fd = st_slot_open(slot), err;

	if (fd < 0)
		return -errno;
	err = st_info(fd, &si);
	*state = si.state;
	close(fd);
	return err;
}

static int nr_slots(void)
{
	struct sks_slot_list sl = { .entry_size = sizeof(struct sks_slot_entry) };
	int ctl = st_ctl_open(), err;

	if (ctl < 0)
		return -errno;
	err = ioctl(ctl, SKS_CTL_LIST_SLOTS, &sl) ? -errno : (int)sl.count;
	close(ctl);
	return err;
}

static int read_file(const char *dir, const char *name, __u8 *buf,
		     size_t room)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, room);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

static int write_file(const char *dir, const char *name, const void *buf,
		      size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* The name of slot @slot's file: "slot-<N>-<serial>.rec". */
static char *slot_name(int slot, char *name, size_t len)
{
	struct sks_session_info si;
	int fd = st_slot_open(slot);

	if (fd < 0 || st_info(fd, &si))
		si.serial = 0;
	if (fd >= 0)
		close(fd);
	snprintf(name, len, "slot-%d-%llu.rec", slot,
		 (unsigned long long)si.serial);
	return name;
}

/* Flip one byte of DIR/NAME at @off (from the end if negative). */
static int flip(const char *dir, const char *name, long off)
{
	static __u8 buf[1 << 20];
	int n = read_file(dir, name, buf, sizeof(buf));

	if (n <= 0)
		return -EIO;
	if (off < 0)
		off += n;
	buf[off] ^= 0x40;
	return write_file(dir, name, buf, n);
}

/*
 * The invariant of a state directory: the HSM record on disk lists only
 * slots whose file holds the same serial number and at least the
 * generation listed. 0, or the slot that breaks it + 1. Looked at under
 * the directory's lock, as no save runs.
 */
static int dir_consistent(const char *dir)
{
	static __u8 h[4096], rec[1 << 20];
	char name[64];
	int n, len, i, lfd, ret = 0;

	snprintf((char *)rec, 256, "%s/.lock", dir);
	lfd = open((char *)rec, O_RDWR | O_CREAT, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX))
		return 2000;
	n = read_file(dir, "hsm.rec", h, sizeof(h));
	if (n != -ENOENT && (n < 72 || memcmp(h, SKS_HREC_MAGIC, 4)))
		ret = 1000;
	for (i = 0; !ret && n > 0 && i < (int)sks_get_le32(h + 32); i++) {
		const __u8 *e = h + 40 + 24 * i;

		snprintf(name, sizeof(name), "slot-%u-%llu.rec", sks_get_le32(e),
			 (unsigned long long)sks_get_le64(e + 8));
		len = read_file(dir, name, rec, sizeof(rec));
		if (len < 512 ||
		    sks_get_le64(rec + SKS_REC_OFF_SERIAL) != sks_get_le64(e + 8) ||
		    sks_get_le64(rec + len - SKS_REC_TRAILER_LEN +
				 SKS_REC_TRL_GENERATION) < sks_get_le64(e + 16))
			ret = sks_get_le32(e) + 1;
	}
	close(lfd);
	return ret;
}

/* ---- the tests ---- */

FIXTURE(dir) {
	char *dir;
	struct sks_hsm *hsm;
	struct sks_state_report *r;
};

FIXTURE_SETUP(dir)
{
	ASSERT_EQ(0, reload());
	self->dir = new_dir();
	ASSERT_NE(NULL, self->dir);
	self->hsm = sks_hsm_open(NULL);
	ASSERT_NE(NULL, self->hsm);
	self->r = NULL;
}

FIXTURE_TEARDOWN(dir)
{
	sks_state_report_free(self->r);
	sks_hsm_close(self->hsm);
	remove_dir(self->dir);
}

/* Close the control device, reload sks, open it again. */
static int reopen(struct sks_hsm **hsm)
{
	sks_hsm_close(*hsm);
	*hsm = NULL;
	if (reload())
		return -EIO;
	*hsm = sks_hsm_open(NULL);
	return *hsm ? 0 : -errno;
}

static void next_report(struct sks_state_report **r)
{
	sks_state_report_free(*r);
	*r = NULL;
}

TEST_F(dir, everything_comes_back_deactivated_and_twice_is_harmless)
{
	int ctl, v1, v0, bk, s1, s0, sb;
	__u32 h, state;
	uint64_t serial, serial2;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	v1 = st_partition(ctl, SKS_SLOT_V1, "durable", &s1);
	ASSERT_LE(0, v1);
	v0 = st_partition(ctl, SKS_SLOT_V0, "durable", &s0);
	ASSERT_LE(0, v0);
	ASSERT_EQ(0, st_data(v0, true, "token", "value", 5, &h));
	sb = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	ASSERT_LE(0, sb);
	close(v1);
	close(v0);
	close(ctl);
	ASSERT_EQ(0, sks_hsm_get_serial(self->hsm, &serial));

	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	print_report(self->r);
	/* a new directory: hsm.rec listing no slot, the slots, hsm.rec */
	EXPECT_EQ(5, events(self->r, SKS_DIR_SAVED, -2));
	EXPECT_EQ(2, events(self->r, SKS_DIR_SAVED, -1));
	EXPECT_EQ(0, sks_state_report_get_problems(self->r));
	EXPECT_EQ(0, dir_consistent(self->dir));
	next_report(&self->r);
	/* nothing changed: nothing written */
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	EXPECT_EQ(0, sks_state_report_get_count(self->r));
	next_report(&self->r);

	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(0, nr_slots());
	ASSERT_EQ(0, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	print_report(self->r);
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, -1));
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, s1));
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, s0));
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, sb));
	ASSERT_EQ(0, sks_hsm_get_serial(self->hsm, &serial2));
	EXPECT_EQ(serial, serial2);
	EXPECT_EQ(3, nr_slots());
	ASSERT_EQ(0, slot_state(s1, &state));
	EXPECT_TRUE(state & SKS_STATE_DEACTIVATED);
	ASSERT_EQ(0, slot_state(sb, &state));
	EXPECT_TRUE(state & SKS_STATE_DEACTIVATED);
	next_report(&self->r);

	/* a second load leaves what is there as it is */
	ASSERT_EQ(0, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	EXPECT_EQ(3, events(self->r, SKS_DIR_PRESENT, -2));
	EXPECT_EQ(0, sks_state_report_get_problems(self->r));
	next_report(&self->r);
	/* and the directory is current after a load */
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	EXPECT_EQ(0, events(self->r, SKS_DIR_SAVED, -2));

	/* the V0's token object is back once the CO activates it */
	v0 = st_slot_open(s0);
	ASSERT_LE(0, v0);
	EXPECT_EQ(-ENOKEY, st_nobjects(v0));
	ASSERT_EQ(0, st_login(v0, SKS_ROLE_CO, ST_PART_CO));
	EXPECT_EQ(1, st_nobjects(v0));
	close(v0);
	bk = st_slot_open(sb);
	ASSERT_LE(0, bk);
	EXPECT_EQ(0, st_archive_count(bk, ST_BK_SO));
	close(bk);
}

TEST_F(dir, a_deleted_slots_file_is_removed_after_the_hsm_record)
{
	int ctl, s0, s1, fd;
	char name[64];
	__u8 h[4096];

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "d", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	fd = st_partition(ctl, SKS_SLOT_V0, "d", &s1);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	slot_name(s1, name, sizeof(name));
	EXPECT_TRUE(exists(self->dir, name));
	ASSERT_EQ(0, st_slot_del(ctl, s1));
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	print_report(self->r);
	EXPECT_EQ(1, events(self->r, SKS_DIR_REMOVED, s1));
	EXPECT_FALSE(exists(self->dir, name));
	ASSERT_EQ(40 + 24 + 32, read_file(self->dir, "hsm.rec", h, sizeof(h)));
	EXPECT_EQ(1, sks_get_le32(h + 32));
	EXPECT_EQ(0, dir_consistent(self->dir));
}

/*
 * A power cut after the record of a new slot was written and before the
 * HSM record: the file is kept in orphans/, not loaded, and reported.
 */
TEST_F(dir, a_file_the_hsm_record_does_not_list_is_an_orphan)
{
	int ctl, s0, s1, fd;
	char name[64];
	size_t len;
	void *rec;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "o", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	fd = st_partition(ctl, SKS_SLOT_V1, "o", &s1);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	rec = sks_state_save_slot(self->hsm, s1, &len, NULL);
	ASSERT_NE(NULL, rec);
	slot_name(s1, name, sizeof(name));
	ASSERT_EQ(0, write_file(self->dir, name, rec, len));
	free(rec);
	next_report(&self->r);

	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	EXPECT_EQ(EUCLEAN, errno);
	print_report(self->r);
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, s0));
	EXPECT_EQ(1, events(self->r, SKS_DIR_ORPHAN, s1));
	EXPECT_EQ(1, sks_state_report_get_problems(self->r));
	EXPECT_EQ(1, nr_slots());
	EXPECT_FALSE(exists(self->dir, name));
	EXPECT_EQ(1, nr_files(self->dir, "orphans"));
	next_report(&self->r);
	/* never loaded automatically: the next load is clean */
	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(0, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	EXPECT_EQ(1, nr_slots());
}

/*
 * A slot deleted and its number used again by a new slot: a power cut
 * after the new slot's record was written, before the HSM record moved on.
 * The deleted slot comes back (its delete was not saved yet), the new one
 * is an orphan: nothing lost, both files there.
 */
TEST_F(dir, a_slot_number_used_again_never_overwrites_the_listed_file)
{
	char old_name[64], new_name[64];
	int ctl, s1, s2, fd;
	size_t len;
	void *rec;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "old", &s1);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	slot_name(s1, old_name, sizeof(old_name));
	ASSERT_EQ(0, st_slot_del(ctl, s1));
	fd = st_partition(ctl, SKS_SLOT_V0, "new", &s2);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	ASSERT_EQ(s1, s2);
	slot_name(s2, new_name, sizeof(new_name));
	ASSERT_STRNE(old_name, new_name);
	rec = sks_state_save_slot(self->hsm, s2, &len, NULL);
	ASSERT_NE(NULL, rec);
	ASSERT_EQ(0, write_file(self->dir, new_name, rec, len));
	free(rec);
	EXPECT_EQ(0, dir_consistent(self->dir));

	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	print_report(self->r);
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, s1));
	EXPECT_EQ(1, events(self->r, SKS_DIR_ORPHAN, s1));
	EXPECT_EQ(1, sks_state_report_get_problems(self->r));
	EXPECT_EQ(1, nr_files(self->dir, "orphans"));
	EXPECT_TRUE(exists(self->dir, old_name));
}

TEST_F(dir, a_missing_file_is_reported_and_the_rest_loads)
{
	int ctl, s0, s1, fd;
	char name[64], path[256];

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "m", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	fd = st_partition(ctl, SKS_SLOT_V0, "m", &s1);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	snprintf(path, sizeof(path), "%s/%s", self->dir,
		 slot_name(s1, name, sizeof(name)));
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	EXPECT_EQ(EUCLEAN, errno);
	print_report(self->r);
	EXPECT_EQ(1, events(self->r, SKS_DIR_MISSING, s1));
	EXPECT_EQ(1, events(self->r, SKS_DIR_LOADED, s0));
	EXPECT_EQ(1, nr_slots());
}

/*
 * An older copy of a slot's file (restored from a backup, or replayed):
 * the HSM record lists a newer generation. Set aside, not loaded; it can
 * be taken back by hand.
 */
TEST_F(dir, an_older_file_than_listed_is_set_aside_and_loads_by_hand)
{
	static __u8 old[1 << 16];
	int ctl, s0, fd, n;
	char name[64], path[256];
	unsigned int slot;
	__u32 h;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "s", &s0);
	ASSERT_LE(0, fd);
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	slot_name(s0, name, sizeof(name));
	n = read_file(self->dir, name, old, sizeof(old));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, st_data(fd, true, "newer", "v", 1, &h));
	close(fd);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	EXPECT_EQ(1, events(self->r, SKS_DIR_SAVED, s0));
	next_report(&self->r);
	ASSERT_EQ(0, write_file(self->dir, name, old, n));

	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	print_report(self->r);
	EXPECT_EQ(1, events(self->r, SKS_DIR_STALE, s0));
	EXPECT_EQ(0, nr_slots());
	EXPECT_EQ(1, nr_files(self->dir, "rejected"));
	ASSERT_EQ(1, sks_state_report_get_count(self->r) - 1);
	/* by hand: the operator takes it back, knowing it is older */
	snprintf(path, sizeof(path), "%s/%s", self->dir,
		 sks_state_report_get_file(self->r, 1));
	ASSERT_EQ(0, sks_state_load_file(self->hsm, path, &slot, NULL, NULL));
	EXPECT_EQ((unsigned int)s0, slot);
	fd = st_slot_open(s0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_login(fd, SKS_ROLE_CO, ST_PART_CO));
	EXPECT_EQ(0, st_nobjects(fd));	/* the older contents */
	close(fd);
}

TEST_F(dir, a_damaged_record_is_rejected_with_its_code)
{
	int ctl, s0, fd;
	char name[64];

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V1, "x", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	slot_name(s0, name, sizeof(name));
	ASSERT_EQ(0, flip(self->dir, name, 600));
	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	print_report(self->r);
	ASSERT_EQ(1, events(self->r, SKS_DIR_REJECTED, s0));
	EXPECT_EQ(SKS_CKR_DATA_INVALID, sks_state_report_get_result(self->r, 1));
	EXPECT_EQ(0, nr_slots());
	EXPECT_EQ(1, nr_files(self->dir, "rejected"));
}

TEST_F(dir, a_damaged_hsm_record_loads_nothing_and_stops_saves)
{
	int ctl, s0, fd;
	__u8 before[4096], after[4096];
	int n;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "h", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	ASSERT_EQ(0, flip(self->dir, "hsm.rec", 1));	/* its magic */
	n = read_file(self->dir, "hsm.rec", before, sizeof(before));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_EQ(SKS_CKR_DATA_INVALID, sks_last_result());
	print_report(self->r);
	EXPECT_EQ(0, nr_slots());
	EXPECT_FALSE(exists(self->dir, "rejected"));
	next_report(&self->r);
	/* a new slot is not saved over it */
	ctl = st_ctl_open();
	fd = st_partition(ctl, SKS_SLOT_V0, "h", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	EXPECT_EQ(-1, save(self->hsm, self->dir, &self->r));
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_EQ(n, read_file(self->dir, "hsm.rec", after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, n));
}

TEST_F(dir, another_hsms_directory_is_never_written)
{
	int ctl, s0, fd;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "f", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	next_report(&self->r);
	/* a new HSM (not loaded from the directory) makes a slot */
	ASSERT_EQ(0, reopen(&self->hsm));
	ctl = st_ctl_open();
	fd = st_partition(ctl, SKS_SLOT_V1, "f", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	EXPECT_EQ(-1, save(self->hsm, self->dir, &self->r));
	EXPECT_EQ(EXDEV, errno);
	EXPECT_EQ(SKS_CKR_STATE_FOREIGN, sks_last_result());
	EXPECT_EQ(1, events(self->r, SKS_DIR_FAILED, -1));
	next_report(&self->r);
	/* nor is it loaded into an HSM that has slots already */
	EXPECT_EQ(-1, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	EXPECT_EQ(SKS_CKR_FUNCTION_FAILED, sks_last_result());
	EXPECT_EQ(1, nr_slots());
}

TEST_F(dir, temporaries_a_crash_left_are_removed)
{
	int ctl, s0, fd;

	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "t", &s0);
	ASSERT_LE(0, fd);
	close(fd);
	close(ctl);
	ASSERT_EQ(0, write_file(self->dir, ".tmp-slot-0.rec.4242", "x", 1));
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	EXPECT_FALSE(exists(self->dir, ".tmp-slot-0.rec.4242"));
	EXPECT_EQ(0, dir_consistent(self->dir));
}

TEST_F(dir, a_coalescing_save_returns_when_another_one_waits)
{
	char path[256];
	int qfd;

	snprintf(path, sizeof(path), "%s/.queue", self->dir);
	qfd = open(path, O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, qfd);
	ASSERT_EQ(0, flock(qfd, LOCK_EX));	/* "a save waits" */
	EXPECT_EQ(0, sks_state_save_dir(self->hsm, self->dir,
					SKS_SAVE_DIR_COALESCE, &self->r));
	EXPECT_EQ(0, sks_state_report_get_count(self->r));
	EXPECT_FALSE(exists(self->dir, "hsm.rec"));
	close(qfd);
	next_report(&self->r);
	EXPECT_EQ(0, sks_state_save_dir(self->hsm, self->dir,
					SKS_SAVE_DIR_COALESCE, &self->r));
	EXPECT_TRUE(exists(self->dir, "hsm.rec"));
}

/*
 * Slots made and deleted while two processes save: after every save the
 * HSM record on disk lists no slot whose file is missing or older; at
 * the end the directory is current and loads without a problem.
 */
TEST_F_TIMEOUT(dir, deletes_racing_saves_lose_nothing_and_resurrect_nothing, 300)
{
	struct shared { int stop, churned, saves, bad; } *sh;
	int ctl, s0, fd, i, status, err = 0;
	pid_t churn, saver;
	__u32 h;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "keep", &s0);
	ASSERT_LE(0, fd);
	/* a slot made, the kept one changed, the slot deleted: over again */
	churn = fork();
	ASSERT_LE(0, churn);
	if (!churn) {
		while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
			int s = st_slot_create(ctl, SKS_SLOT_V0, NULL, NULL, 0);

			if (s < 0 || st_data(fd, true, "x", "v", 1, &h))
				_exit(1);
			__atomic_add_fetch(&sh->churned, 1, __ATOMIC_SEQ_CST);
			usleep(1000 * (sh->churned % 7));
			if (st_slot_del(ctl, s))
				_exit(1);
		}
		_exit(0);
	}
	/* a second saver, as udev runs one per device */
	saver = fork();
	ASSERT_LE(0, saver);
	if (!saver) {
		struct sks_hsm *hsm = sks_hsm_open(NULL);

		while (hsm && !__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST))
			if (sks_state_save_dir(hsm, self->dir, 0, NULL) &&
			    errno != EBUSY)
				_exit(2);
		sks_hsm_close(hsm);
		_exit(0);
	}
	/* at least 40 saves here, and until 30 slots came and went */
	for (i = 0; i < 2000 && (i < 40 || sh->churned < 30); i++) {
		if (save(self->hsm, self->dir, NULL) && errno != EBUSY) {
			err = errno;
			sh->bad++;
		}
		if (dir_consistent(self->dir))
			sh->bad++;
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(churn, waitpid(churn, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(saver, waitpid(saver, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	TH_LOG("%d slots made and deleted during %d saves here and more in a second saver",
	       sh->churned, i);
	EXPECT_LE(30, sh->churned);
	EXPECT_EQ(0, sh->bad) TH_LOG("errno %d", err);
	close(fd);
	close(ctl);
	ASSERT_EQ(0, save(self->hsm, self->dir, &self->r));
	EXPECT_EQ(0, dir_consistent(self->dir));
	EXPECT_EQ(2, nr_files(self->dir, "*.rec"));	/* hsm.rec, slot-0.rec */
	next_report(&self->r);
	ASSERT_EQ(0, reopen(&self->hsm));
	EXPECT_EQ(0, sks_state_load_dir(self->hsm, self->dir, 0, &self->r));
	print_report(self->r);
	EXPECT_EQ(1, nr_slots());
	fd = st_slot_open(s0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_login(fd, SKS_ROLE_CO, ST_PART_CO));
	EXPECT_EQ(sh->churned, st_nobjects(fd));
	close(fd);
	munmap(sh, sizeof(*sh));
}

TEST_F_TIMEOUT(dir, sks_state_runs_clean_under_valgrind, 600)
{
	char cmd[512], name[64];
	int ctl, s0, fd;
	__u32 h;

	if (access("/usr/local/bin/valgrind", X_OK))
		SKIP(return, "no valgrind in this VM");
	ctl = st_ctl_open();
	ASSERT_LE(0, ctl);
	fd = st_partition(ctl, SKS_SLOT_V0, "v", &s0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, st_data(fd, true, "x", "v", 1, &h));
	close(fd);
	fd = st_slot_create(ctl, SKS_SLOT_V0, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	close(ctl);
	ASSERT_EQ(0, write_file(self->dir, ".tmp-x", "x", 1));
	snprintf(cmd, sizeof(cmd), VALGRIND " sks-state save -q -d %s", self->dir);
	EXPECT_EQ(0, system(cmd));
	ASSERT_EQ(0, flip(self->dir, slot_name(1, name, sizeof(name)), 700));
	ASSERT_EQ(0, write_file(self->dir, "slot-7-1234.rec", "not a record", 12));
	ASSERT_EQ(0, reopen(&self->hsm));
	/* problems (exit 1), reported; no leak, no invalid access (99) */
	snprintf(cmd, sizeof(cmd), VALGRIND " sks-state load -q -d %s 2>/dev/null",
		 self->dir);
	EXPECT_EQ(1, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), VALGRIND " sks-state save -a -q -d %s", self->dir);
	EXPECT_EQ(0, system(cmd));
}

/* printf into a new string: every %s is the same @dir. */
static char *cm_fmt_dir(const char *fmt, const char *dir)
{
	char *s;

	if (asprintf(&s, fmt, dir, dir) < 0)
		return NULL;
	return s;
}

static int add_logon_key(const char *desc, const char *payload);

/* Run skscm on @script; its transcript in *@out (free it). 0 or -1. */
static int skscm_run(const char *script, char **out)
{
	static char buf[1 << 16];
	char path[] = "/tmp/durable-skscm.XXXXXX", cmd[128];
	size_t n = 0, got;
	FILE *f;
	int fd;

	*out = NULL;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script))
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "skscm -continue -f %s 2>&1", path);
	f = popen(cmd, "r");
	while (f && n < sizeof(buf) - 1 &&
	       (got = fread(buf + n, 1, sizeof(buf) - 1 - n, f)) > 0)
		n += got;
	buf[n] = 0;
	if (f)
		pclose(f);
	unlink(path);
	*out = strdup(buf);
	return *out ? 0 : -1;
}

#define EXPECT_OUT(out, text) \
	EXPECT_NE(NULL, strstr(out, text)) TH_LOG("no \"%s\" in:\n%s", text, out)

/* skscm's hsm save, hsm load, the state in slot list, policy 23. */
TEST_F(dir, skscm_saves_loads_and_sets_auto_activation)
{
	char *script, *out;

	script = cm_fmt_dir("partition create -type v1\n"
			    "partition init -slot 0 -label cm -domain d -password so-secret-1 -force\n"
			    "slot set -slot 0\n"
			    "role login -name so -password so-secret-1\n"
			    "role init -name co -password co-secret-1\n"
			    "partition changepolicy -policy 23 -value 1 -keydesc sks:no-such-key\n"
			    "partition changepolicy -policy 22 -value 1\n"
			    "hsm save -dir %s\n"
			    "hsm save -dir %s\n", self->dir);
	ASSERT_EQ(0, skscm_run(script, &out));
	EXPECT_OUT(out, "No logon key \"sks:no-such-key\" in your keyrings");
	EXPECT_OUT(out, "Only policy 23 (auto-activation) can be changed.");
	EXPECT_OUT(out, "HSM record saved (1 slot)");
	EXPECT_OUT(out, "Saved the HSM's state to");
	EXPECT_OUT(out, "is current: nothing to save.");
	free(out);
	free(script);

	/* with a logon key: the partition comes back active */
	ASSERT_EQ(0, add_logon_key("sks:durable-skscm", "skscm test key material"));
	ASSERT_EQ(0, skscm_run("slot set -slot 0\n"
			       "role login -name so -password so-secret-1\n"
			       "partition changepolicy -policy 23 -value 1 -keydesc sks:durable-skscm\n"
			       "slot list\n", &out));
	EXPECT_OUT(out, "Policy 23 (auto-activation) set to 1 on slot 0");
	EXPECT_OUT(out, "State ->\t\tinitialized, auto-activation, CO set");
	free(out);
	ASSERT_EQ(0, save(self->hsm, self->dir, NULL));
	ASSERT_EQ(0, reopen(&self->hsm));
	script = cm_fmt_dir("hsm load -dir %s\nslot list\n", self->dir);
	ASSERT_EQ(0, skscm_run(script, &out));
	EXPECT_OUT(out, "slot 0 loaded (serial");
	EXPECT_OUT(out, "active (auto-activation)");
	EXPECT_OUT(out, "State ->\t\tinitialized, auto-activation");
	free(out);
	free(script);

	/* policy off: deactivated after the next load, and slot list says so */
	ASSERT_EQ(0, skscm_run("slot set -slot 0\n"
			       "role login -name so -password so-secret-1\n"
			       "partition changepolicy -policy 23 -value 0\n", &out));
	EXPECT_OUT(out, "Policy 23 (auto-activation) set to 0 on slot 0");
	free(out);
	ASSERT_EQ(0, save(self->hsm, self->dir, NULL));
	ASSERT_EQ(0, reopen(&self->hsm));
	script = cm_fmt_dir("hsm load -dir %s\nhsm load -dir %s\nslot list\n"
			    "partition show -slot 0\n", self->dir);
	ASSERT_EQ(0, skscm_run(script, &out));
	EXPECT_OUT(out, "deactivated until its Crypto Officer or SO logs in");
	EXPECT_OUT(out, "is loaded already");
	EXPECT_OUT(out, "State ->\t\tinitialized, deactivated");
	free(out);
	free(script);
	/* a record set aside, by hand */
	ASSERT_EQ(0, reopen(&self->hsm));
	script = cm_fmt_dir("hsm load -file %s/no-such.rec\n", self->dir);
	ASSERT_EQ(0, skscm_run(script, &out));
	EXPECT_OUT(out, "Error: Cannot load");
	EXPECT_OUT(out, "no-such.rec: No such file or directory; nothing was loaded.");
	free(out);
	free(script);
}

/* ---- the guest half of tests/durable_test.sh ---- */

#define REC_TEXT	"boot 1 record: invoice 2026-0042, 1250.00 EUR"
#define AUTO_DESC	"sks:durable-test"
#define CU_PIN		"crypto-user-1"

/* What boot 1 leaves for boot 2 (DIR/boot1.dat). */
struct boot1 {
	uint64_t hsm_serial;
	__u32 v1, v0, bk, restored, locked;	/* slot numbers */
	uint64_t serial[SKS_MAX_SLOTS];
	__u8 fp0[SKS_FINGERPRINT_LEN];	/* the V1's SMK of the blob */
	__u8 fp[SKS_FINGERPRINT_LEN];	/* its new one (rollover) */
	__u8 blob[4096];
	__u32 blob_len;
	__u8 ct1[128], iv1[12], ct2[128], iv2[12];
	__u32 l1, l2, tok;
	char archive[SKS_ARCHIVE_NAME_MAX + 1];
};

static int tap_n;
static int tap_failed;

static bool tap(bool ok, const char *name)
{
	printf("%sok %d - durable.%s\n", ok ? "" : "not ", ++tap_n, name);
	fflush(stdout);
	if (!ok)
		tap_failed = 1;
	return ok;
}

static int gcm_crypt(int fd, bool enc, __u32 key, const void *in, __u32 len,
		 __u8 *iv, void *out, __u32 *out_len)
{
	struct sks_crypt c = { .mechanism = SKS_CKM_AES_GCM, .handle = key,
			       .in = st_ptr(in), .in_len = len, .out = st_ptr(out),
			       .out_len = *out_len };

	if (!enc)
		memcpy(c.iv, iv, sizeof(c.iv));
	if (ioctl(fd, enc ? SKS_IOC_ENCRYPT : SKS_IOC_DECRYPT, &c))
		return -errno;
	if (enc)
		memcpy(iv, c.iv, sizeof(c.iv));
	*out_len = c.out_len;
	return 0;
}

static int token_key(int fd, __u32 *handle)
{
	struct sks_generate_key g = { .mechanism = SKS_CKM_AES_KEY_GEN };

	g.attrs.obj_class = SKS_CKO_SECRET_KEY;
	g.attrs.key_type = SKS_CKK_AES;
	g.attrs.value_len = 32;
	g.attrs.flags = SKS_OBJ_TOKEN | SKS_OBJ_ENCRYPT | SKS_OBJ_DECRYPT |
			SKS_OBJ_PRIVATE | SKS_OBJ_SENSITIVE;
	if (ioctl(fd, SKS_IOC_GENERATE_KEY, &g))
		return -errno;
	*handle = g.handle;
	return 0;
}

static int rollover(int fd, __u32 flags)
{
	struct sks_simple s = { .flags = flags };

	return ioctl(fd, SKS_IOC_SMK_ROLLOVER, &s) ? -errno : 0;
}

static int insert(int fd, const struct boot1 *b, __u32 *h)
{
	struct sks_insert in = { .blob = st_ptr(b->blob), .blob_len = b->blob_len,
				 .handles = st_ptr(h), .count = 1 };

	return ioctl(fd, SKS_IOC_INSERT, &in) ? -errno : 0;
}

static bool decrypts(int fd, __u32 key, const __u8 *ct, __u32 len,
		     const __u8 *iv)
{
	char pt[128];
	__u32 pl = sizeof(pt);
	__u8 ivc[12];

	memcpy(ivc, iv, sizeof(ivc));
	return !gcm_crypt(fd, false, key, ct, len, ivc, pt, &pl) &&
	       pl == sizeof(REC_TEXT) && !memcmp(pt, REC_TEXT, pl);
}

static int boot1(const char *dir)
{
	static struct boot1 b;
	struct sks_extract ex = { .count = 1, .flags = SKS_EXTRACT_DELETE };
	struct sks_init_role ir = { .role = SKS_ROLE_CU, .pin = st_ptr(CU_PIN),
				    .pin_len = strlen(CU_PIN) };
	struct sks_archive_backup ab;
	struct sks_archive_restore ar;
	struct sks_session_info si;
	struct sks_simple lo = {};
	struct sks_hsm_info hi = {};
	int ctl, v1, v0, rs, lk, s, i, fails = 0;
	__u32 key;
	bool ok;
	FILE *f;

	ctl = st_ctl_open();
	if (!tap(ctl >= 0 && !ioctl(ctl, SKS_CTL_HSM_INFO, &hi), "boot1.hsm"))
		return 1;
	b.hsm_serial = hi.serial;
	/* a V1 partition: a key encrypts a record and goes out as a blob */
	v1 = st_partition(ctl, SKS_SLOT_V1, "durable-domain", &s);
	b.v1 = s;
	b.l1 = sizeof(b.ct1);
	ex.handles = st_ptr(&key);
	ex.blob = st_ptr(b.blob);
	ex.blob_len = sizeof(b.blob);
	if (!tap(v1 >= 0 && !st_aes_key(v1, &key) &&
		 !gcm_crypt(v1, true, key, REC_TEXT, sizeof(REC_TEXT), b.iv1, b.ct1,
			&b.l1) &&
		 !ioctl(v1, SKS_IOC_EXTRACT, &ex), "boot1.v1_key_extracted"))
		return 1;
	b.blob_len = ex.blob_len;
	/* a V0 partition with a token key that encrypts another record */
	v0 = st_partition(ctl, SKS_SLOT_V0, "durable-domain", &s);
	b.v0 = s;
	b.l2 = sizeof(b.ct2);
	if (!tap(v0 >= 0 && !token_key(v0, &b.tok) &&
		 !gcm_crypt(v0, true, b.tok, REC_TEXT, sizeof(REC_TEXT), b.iv2, b.ct2,
			&b.l2), "boot1.v0_token_key"))
		return 1;
	/* a Backup HSM with the V1's SMK archived */
	s = st_slot_create(ctl, SKS_SLOT_BACKUP, NULL, ST_BK_SO, 0);
	b.bk = s;
	if (!tap(s >= 0 && !st_backup(v1, s, ST_BK_SO, ST_BK_USER, NULL, 0, &ab),
		 "boot1.archive"))
		return 1;
	memcpy(b.archive, ab.name, SKS_ARCHIVE_NAME_MAX);
	/* a restore: the archive onto a fresh partition */
	rs = st_partition(ctl, SKS_SLOT_V1, "durable-domain", &s);
	b.restored = s;
	tap(rs >= 0 && !st_restore(rs, b.bk, ST_BK_USER, ab.name, &ar),
	    "boot1.restore");
	/* an SMK rollover on the V1, after the blob was made */
	ok = !st_info(v1, &si);
	memcpy(b.fp0, si.smk_fingerprint, sizeof(b.fp0));
	tap(ok && !rollover(v1, SKS_ROLLOVER_START) && !st_info(v1, &si) &&
	    (si.state & SKS_STATE_SMK_ROLLOVER) &&
	    !memcmp(si.rollover_fingerprint, b.fp0, sizeof(b.fp0)),
	    "boot1.smk_rollover_started");
	memcpy(b.fp, si.smk_fingerprint, sizeof(b.fp));
	/* a lockout: the Crypto User of a partition locked */
	lk = st_partition(ctl, SKS_SLOT_V0, "durable-domain", &s);
	b.locked = s;
	if (lk >= 0 && !ioctl(lk, SKS_IOC_LOGOUT, &lo) &&
	    !st_login(lk, SKS_ROLE_SO, ST_PART_SO) && !ioctl(lk, SKS_IOC_INIT_ROLE, &ir) &&
	    !ioctl(lk, SKS_IOC_LOGOUT, &lo))
		for (i = 0; i < SKS_MAX_LOGIN_FAILURES; i++)
			fails += st_login(lk, SKS_ROLE_CU, "wrong-secret") == -EACCES;
	tap(fails == SKS_MAX_LOGIN_FAILURES && !st_info(lk, &si) &&
	    (si.state & SKS_STATE_CU_LOCKED), "boot1.cu_locked_out");
	for (i = 0; i < SKS_MAX_SLOTS; i++) {
		int fd = st_slot_open(i);

		if (fd >= 0 && !st_info(fd, &si))
			b.serial[i] = si.serial;
		if (fd >= 0)
			close(fd);
	}
	close(v1);
	close(v0);
	close(rs);
	close(lk);
	close(ctl);
	f = fopen(dir, "wb");
	tap(f && fwrite(&b, sizeof(b), 1, f) == 1 && !fclose(f),
	    "boot1.kept_for_boot2");
	return tap_failed;
}

static bool deactivated(int slot)
{
	__u32 state;

	return !slot_state(slot, &state) && (state & SKS_STATE_DEACTIVATED);
}

static int add_logon_key(const char *desc, const char *payload)
{
	return syscall(SYS_add_key, "logon", desc, payload, strlen(payload),
		       -4 /* KEY_SPEC_USER_KEYRING */) < 0 ? -errno : 0;
}

static int boot2(const char *file)
{
	static struct boot1 b;
	struct sks_auto_activation aa = { .flags = SKS_AUTO_ACTIVATION_ON,
					  .desc = st_ptr(AUTO_DESC),
					  .desc_len = strlen(AUTO_DESC) };
	struct sks_archive_restore ar;
	struct sks_session_info si;
	struct sks_hsm_info hi = {};
	int ctl, fd, bk, s, n = 0, err;
	bool ok;
	__u32 h;
	FILE *f;

	f = fopen(file, "rb");
	if (!tap(f && fread(&b, sizeof(b), 1, f) == 1, "boot2.boot1_data"))
		return 1;
	fclose(f);
	ctl = st_ctl_open();
	tap(ctl >= 0 && !ioctl(ctl, SKS_CTL_HSM_INFO, &hi) &&
	    hi.serial == b.hsm_serial, "boot2.hsm_serial_kept");
	/* every slot listed, with its serial number, deactivated */
	for (s = 0; s < SKS_MAX_SLOTS; s++) {
		fd = st_slot_open(s);
		if (fd < 0)
			continue;
		if (!st_info(fd, &si) && si.serial == b.serial[s] &&
		    (si.state & SKS_STATE_DEACTIVATED))
			n++;
		close(fd);
	}
	tap(n == 5 && nr_slots() == 5, "boot2.all_slots_listed_deactivated");

	/* V1: nothing before the CO logs in; then the boot-1 blob */
	fd = st_slot_open(b.v1);
	tap(fd >= 0 && st_nobjects(fd) == -ENOKEY, "boot2.v1_deactivated_refuses");
	tap(!st_login(fd, SKS_ROLE_CO, ST_PART_CO) && !deactivated(b.v1),
	    "boot2.v1_co_login_activates");
	tap(!st_info(fd, &si) && (si.state & SKS_STATE_SMK_ROLLOVER) &&
	    !memcmp(si.smk_fingerprint, b.fp, sizeof(b.fp)) &&
	    !memcmp(si.rollover_fingerprint, b.fp0, sizeof(b.fp0)),
	    "boot2.smk_rollover_survived");
	tap(!insert(fd, &b, &h) && decrypts(fd, h, b.ct1, b.l1, b.iv1),
	    "boot2.boot1_blob_decrypts_boot1_record");
	/* the rollover ends in boot 2 */
	tap(!rollover(fd, SKS_ROLLOVER_END) && !st_info(fd, &si) &&
	    !(si.state & SKS_STATE_SMK_ROLLOVER) &&
	    !memcmp(si.smk_fingerprint, b.fp, sizeof(b.fp)),
	    "boot2.smk_rollover_ends");
	close(fd);

	/* V0: the token key decrypts after the CO logs in */
	fd = st_slot_open(b.v0);
	tap(fd >= 0 && !st_login(fd, SKS_ROLE_CO, ST_PART_CO) &&
	    decrypts(fd, b.tok, b.ct2, b.l2, b.iv2), "boot2.v0_token_key_decrypts");
	close(fd);

	/* the restore of boot 1 holds the V1's first SMK */
	fd = st_slot_open(b.restored);
	tap(fd >= 0 && !st_login(fd, SKS_ROLE_CO, ST_PART_CO) && !st_info(fd, &si) &&
	    !memcmp(si.smk_fingerprint, b.fp0, sizeof(b.fp0)) &&
	    !insert(fd, &b, &h) && decrypts(fd, h, b.ct1, b.l1, b.iv1),
	    "boot2.restore_survived");
	close(fd);

	/* the lockout survived */
	fd = st_slot_open(b.locked);
	tap(fd >= 0 && st_login(fd, SKS_ROLE_CU, CU_PIN) == -EPERM &&
	    !st_info(fd, &si) && (si.state & SKS_STATE_CU_LOCKED),
	    "boot2.lockout_survived");
	close(fd);

	/* the archive restores onto a fresh partition (HSM SO activates) */
	bk = st_slot_open(b.bk);
	fd = st_partition(ctl, SKS_SLOT_V1, "durable-domain", &s);
	ok = bk >= 0 && fd >= 0 && deactivated(b.bk) &&
	     st_archive_count(bk, ST_BK_SO) == 1 &&
	     !st_restore(fd, b.bk, ST_BK_USER, b.archive, &ar) &&
	     !insert(fd, &b, &h) && decrypts(fd, h, b.ct1, b.l1, b.iv1);
	tap(ok, "boot2.archive_restores_onto_a_fresh_partition");
	close(fd);
	close(bk);

	/* auto-activation for the rmmod/modprobe that follows */
	fd = st_slot_open(b.v0);
	err = fd < 0 ? -errno : add_logon_key(AUTO_DESC, "durable test key material");
	if (!err)
		err = st_login(fd, SKS_ROLE_SO, ST_PART_SO);
	if (!err && ioctl(fd, SKS_IOC_AUTO_ACTIVATION, &aa))
		err = -errno;
	if (!tap(!err, "boot2.auto_activation_set"))
		printf("# errno %d, result 0x%x\n", -err, aa.result);
	close(fd);
	close(ctl);
	return tap_failed;
}

/* After rmmod and modprobe in boot 2: the V0 came back active. */
static int boot2_reloaded(const char *file)
{
	static struct boot1 b;
	int fd;
	FILE *f;

	f = fopen(file, "rb");
	if (!f || fread(&b, sizeof(b), 1, f) != 1)
		return 1;
	fclose(f);
	tap(nr_slots() == 6 && deactivated(b.v1) && deactivated(b.bk),
	    "reload.slots_back_deactivated");
	fd = st_slot_open(b.v0);
	/* active: no CKR_PARTITION_DEACTIVATED; its private key after a login */
	tap(fd >= 0 && !deactivated(b.v0) && st_nobjects(fd) == 0 &&
	    !st_login(fd, SKS_ROLE_CO, ST_PART_CO) &&
	    decrypts(fd, b.tok, b.ct2, b.l2, b.iv2),
	    "reload.v0_auto_activated");
	close(fd);
	return tap_failed;
}

/* ---- the guest half of tests/powercut_test.sh ---- */

#define PC_SLOT		0	/* the partition that grows */
#define PC_CHURN	1	/* a slot made and deleted over and over */

/*
 * The objects of slot PC_SLOT, after a CO login: 0 and *@k if their
 * labels are exactly "n-1" ... "n-k", else -1.
 */
static int pc_objects(int fd, int *k)
{
	static __u32 h[4096];
	static bool seen[4096];
	struct sks_find_objects f = { .handles = st_ptr(h), .count = 4096 };
	__u32 i;
	int n;

	if (ioctl(fd, SKS_IOC_FIND_OBJECTS, &f))
		return -1;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < f.count; i++) {
		struct sks_get_attrs g = { .handle = h[i] };
		char label[SKS_OBJ_LABEL_MAX + 1] = "";

		if (ioctl(fd, SKS_IOC_GET_ATTRS, &g))
			return -1;
		memcpy(label, g.attrs.label, g.attrs.label_len);
		if (sscanf(label, "n-%d", &n) != 1 || n < 1 ||
		    n > (int)f.count || seen[n])
			return -1;
		seen[n] = true;
	}
	*k = f.count;
	return 0;
}

/*
 * Make a change, wait until the state directory holds it, say so; over
 * and over, until the power is cut. Each change adds object "n-<i>" to
 * slot PC_SLOT and makes or deletes slot PC_CHURN.
 */
static int powercut_loop(void)
{
	struct sks_simple lo = {};
	int ctl, fd, k, i, s;
	__u32 h;
	char label[16];

	ctl = st_ctl_open();
	if (ctl < 0)
		return 1;
	fd = st_slot_open(PC_SLOT);
	if (fd < 0) {	/* the first boot */
		fd = st_partition(ctl, SKS_SLOT_V0, "powercut", &s);
		if (fd < 0 || s != PC_SLOT || ioctl(fd, SKS_IOC_LOGOUT, &lo))
			return 1;
	}
	if (st_login(fd, SKS_ROLE_CO, ST_PART_CO) || pc_objects(fd, &k))
		return 1;
	if (system("/sks/vm-uevent settle"))
		return 1;
	printf("SAVE-LOOP-START %d\n", k);
	fflush(stdout);
	for (i = k + 1; ; i++) {
		snprintf(label, sizeof(label), "n-%d", i);
		printf("CHANGE %d\n", i);
		fflush(stdout);
		if (st_data(fd, true, label, label, strlen(label), &h))
			return 1;
		s = st_slot_open(PC_CHURN);
		if (s >= 0) {
			close(s);
			st_slot_del(ctl, PC_CHURN);
		} else {
			s = st_slot_create(ctl, SKS_SLOT_V0, NULL, NULL, 0);
			if (s != PC_CHURN)
				return 1;
		}
		if (system("/sks/vm-uevent settle"))
			return 1;
		printf("SAVED %d\n", i);
		fflush(stdout);
	}
}

/*
 * After a power cut: the partition holds exactly objects 1..k, with k at
 * least what was saved (@saved) and at most what was changed (@changed).
 */
static int powercut_check(int saved, int changed)
{
	int fd, k = -1;
	bool ok;

	fd = st_slot_open(PC_SLOT);
	ok = fd >= 0 && deactivated(PC_SLOT) &&
	     !st_login(fd, SKS_ROLE_CO, ST_PART_CO) && !pc_objects(fd, &k);
	printf("# partition: %d objects (saved before the cut: %d, changed: %d)\n",
	       k, saved, changed);
	tap(ok && k >= saved && k <= changed, "powercut.old_or_new_state");
	if (fd >= 0)
		close(fd);
	return tap_failed;
}

/* ---- figures: scripts/state-bench.sh ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * The cost of one save after one change of a small partition (the median
 * of @rounds), and the load and activation of a partition of @objects
 * token objects, in DIR.
 */
static int bench(const char *dir, int rounds, int objects)
{
	struct sks_hsm *hsm = sks_hsm_open(NULL);
	struct sks_state_report *r = NULL;
	double t, *ms = calloc(rounds, sizeof(*ms)), load, act;
	int ctl, fd, s, i, j;
	char label[32];
	__u32 h;

	ctl = st_ctl_open();
	fd = st_partition(ctl, SKS_SLOT_V0, "bench", &s);
	if (!hsm || !ms || fd < 0 || sks_state_save_dir(hsm, dir, 0, NULL))
		return 1;
	for (i = 0; i < rounds; i++) {
		snprintf(label, sizeof(label), "small-%d", i);
		if (st_data(fd, true, label, "v", 1, &h))
			return 1;
		t = now_ms();
		if (sks_state_save_dir(hsm, dir, 0, NULL))
			return 1;
		ms[i] = now_ms() - t;
	}
	for (i = 0; i < rounds; i++)	/* sort: the median */
		for (j = i + 1; j < rounds; j++)
			if (ms[j] < ms[i]) {
				t = ms[i];
				ms[i] = ms[j];
				ms[j] = t;
			}
	printf("save after one change of a partition of %d objects: median %.1f ms, min %.1f, max %.1f (%d saves)\n",
	       rounds, ms[rounds / 2], ms[0], ms[rounds - 1], rounds);
	close(fd);

	fd = st_partition(ctl, SKS_SLOT_V0, "bench-big", &s);
	for (i = 0; fd >= 0 && i < objects; i++) {
		snprintf(label, sizeof(label), "object-%d", i);
		if (st_data(fd, true, label, label, strlen(label), &h))
			return 1;
	}
	close(fd);
	close(ctl);
	t = now_ms();
	if (sks_state_save_dir(hsm, dir, 0, &r))
		return 1;
	printf("save of the partition of %d token objects: %.0f ms, %s\n", objects,
	       now_ms() - t, sks_state_report_get_text(r, 0));
	sks_state_report_free(r);
	if (reopen(&hsm))
		return 1;
	t = now_ms();
	if (sks_state_load_dir(hsm, dir, 0, NULL))
		return 1;
	load = now_ms() - t;
	fd = st_slot_open(s);
	t = now_ms();
	if (fd < 0 || st_login(fd, SKS_ROLE_CO, ST_PART_CO) ||
	    st_nobjects(fd) != objects)
		return 1;
	act = now_ms() - t;
	close(fd);
	printf("load of the directory (HSM record, 2 slots, one of %d token objects): %.0f ms\n",
	       objects, load);
	printf("activation of that partition (CO login: unwrap, decrypt, %d objects): %.0f ms\n",
	       objects, act);
	/* the same login again (active now): the PBKDF2 of the secret alone */
	fd = st_slot_open(s);
	t = now_ms();
	if (fd < 0 || st_login(fd, SKS_ROLE_CO, ST_PART_CO))
		return 1;
	printf("a Crypto Officer login of an active partition (the PBKDF2 alone): %.0f ms\n",
	       now_ms() - t);
	close(fd);
	sks_hsm_close(hsm);
	free(ms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "boot1"))
		return boot1(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "boot2"))
		return boot2(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "boot2-reloaded"))
		return boot2_reloaded(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "bench"))
		return bench(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 2 && !strcmp(argv[1], "powercut-loop"))
		return powercut_loop();
	if (argc == 4 && !strcmp(argv[1], "powercut-check"))
		return powercut_check(atoi(argv[2]), atoi(argv[3]));
	return test_harness_run(argc, argv);
}
