// SPDX-License-Identifier: GPL-2.0
/*
 * The ground every other test stands on: the module is loaded, its control
 * device answers, unknown ioctls are refused, and the kernel crypto API
 * offers the algorithms the driver is built on (checked from userspace
 * through AF_ALG with known-answer vectors).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kcapi.h>

#include "kselftest_harness.h"
#include "common.h"

static int unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = strlen(s) / 2;

	if (n > max)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	return (int)n;
}

TEST(module_is_loaded)
{
	struct stat st;

	ASSERT_EQ(0, stat("/sys/module/sks", &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
}

/* Lines in the kernel log that announce a load of sks.ko. */
static int count_load_lines(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p, *line;
	int n, found = 0;

	if (size <= 0)
		return -1;
	buf = calloc(1, size + 1);
	if (!buf)
		return -1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &p); line; line = strtok_r(NULL, "\n", &p))
		if (strstr(line, "sks: Scalable Key Storage HSM v") &&
		    strstr(line, " loaded"))
			found++;
	free(buf);
	return found;
}

/*
 * Earlier tests may have reloaded the module: reload it once more (with
 * the parameters it has) and check that exactly one more version line
 * appears.
 */
TEST(load_prints_one_version_line)
{
	int before = count_load_lines();
	char params[512];

	ASSERT_LT(0, before);
	ASSERT_EQ(0, st_sks_params(params, sizeof(params)));
	ASSERT_EQ(0, st_load_sks(params));
	EXPECT_EQ(before + 1, count_load_lines());
}

TEST(control_device_opens)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0, stat("/dev/sks-control", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	fd = open("/dev/sks-control", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

TEST(unknown_ioctl_is_enotty)
{
	/* A foreign type, and our own type with a number nobody uses. */
	const unsigned long cmds[] = {
		_IO('x', 0x7f),
		_IOWR(0xb5, 0xfe, unsigned long long),
		_IO(0xb5, 0xff),
	};
	int fd = open("/dev/sks-control", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		unsigned long long arg = 0;

		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, cmds[i], &arg));
		EXPECT_EQ(ENOTTY, errno);
	}
	close(fd);
}

/* NIST GCM test case 3 (AES-128, 64-byte plaintext, no AAD). */
TEST(kernel_has_gcm_aes)
{
	unsigned char key[16], iv[12], pt[64], want[80], out[80];
	struct kcapi_handle *h;
	ssize_t n;

	ASSERT_EQ(16, unhex("feffe9928665731c6d6a8f9467308308", key, sizeof(key)));
	ASSERT_EQ(12, unhex("cafebabefacedbaddecaf888", iv, sizeof(iv)));
	ASSERT_EQ(64, unhex("d9313225f88406e5a55909c5aff5269a"
			    "86a7a9531534f7da2e4c303d8a318a72"
			    "1c3c0c95956809532fcf0e2449a6b525"
			    "b16aedf5aa0de657ba637b391aafd255", pt, sizeof(pt)));
	ASSERT_EQ(80, unhex("42831ec2217774244b7221b784d0d49c"
			    "e3aa212f2c02a4e035c17e2329aca12e"
			    "21d514b25466931c7d8f6a5aac84aa05"
			    "1ba30b396a0aac973d58e091473f5985"
			    "4d5c2af327cd64a62cf35abd2ba6fab4", want, sizeof(want)));

	ASSERT_EQ(0, kcapi_aead_init(&h, "gcm(aes)", 0));
	ASSERT_EQ(0, kcapi_aead_setkey(h, key, sizeof(key)));
	ASSERT_EQ(0, kcapi_aead_settaglen(h, 16));
	kcapi_aead_setassoclen(h, 0);
	n = kcapi_aead_encrypt(h, pt, sizeof(pt), iv, out, sizeof(out),
			       KCAPI_ACCESS_HEURISTIC);
	kcapi_aead_destroy(h);
	ASSERT_EQ((ssize_t)sizeof(out), n);
	EXPECT_EQ(0, memcmp(want, out, sizeof(want)));
}

/* RFC 4231 test case 2. */
TEST(kernel_has_hmac_sha256)
{
	const char *data = "what do ya want for nothing?";
	unsigned char want[32], out[32];

	ASSERT_EQ(32, unhex("5bdcc146bf60754e6a042426089575c7"
			    "5a003f089d2739839dec58b964ec3843", want, sizeof(want)));
	ASSERT_EQ(32, kcapi_md_hmac_sha256((const uint8_t *)"Jefe", 4,
					   (const uint8_t *)data, strlen(data),
					   out, sizeof(out)));
	EXPECT_EQ(0, memcmp(want, out, sizeof(want)));
}

TEST_HARNESS_MAIN
