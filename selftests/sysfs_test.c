// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/lvmm/: values must agree with the module and with what the
 * CPU reports to userspace through CPUID.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define SYSFS "/sys/kernel/lvmm"

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static long read_num(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), SYSFS "/features/%s", name);
	if (read_str(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

TEST(version_matches_module)
{
	char a[64], b[64];

	ASSERT_EQ(0, read_str(SYSFS "/version", a, sizeof(a)));
	ASSERT_EQ(0, read_str("/sys/module/lvmm/version", b, sizeof(b)));
	EXPECT_STREQ(b, a);
}

TEST(backend_is_svm)
{
	char buf[64];

	ASSERT_EQ(0, read_str(SYSFS "/backend", buf, sizeof(buf)));
	EXPECT_STREQ("svm", buf);
}

TEST(features_match_cpuid)
{
	static const struct { const char *name; int bit; } flags[] = {
		{ "npt", 0 }, { "nrip_save", 3 }, { "vmcb_clean", 5 },
		{ "flush_by_asid", 6 }, { "decode_assists", 7 },
		{ "pause_filter", 10 }, { "vgif", 16 },
	};
	unsigned int eax, ebx, ecx, edx;
	size_t i;

	ASSERT_TRUE(__get_cpuid(0x8000000a, &eax, &ebx, &ecx, &edx));
	EXPECT_EQ((long)(eax & 0xff), read_num("revision"));
	EXPECT_EQ((long)ebx, read_num("nr_asids"));
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		const char *name = flags[i].name;

		EXPECT_EQ((long)((edx >> flags[i].bit) & 1), read_num(name))
			TH_LOG("feature bit %d", flags[i].bit);
	}
	/* lvmm refuses to load without NPT, so a loaded lvmm has it. */
	EXPECT_EQ(1, read_num("npt"));
}

TEST(files_are_read_only)
{
	static const char *const files[] = {
		SYSFS "/version", SYSFS "/backend", SYSFS "/features/npt",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, open(files[i], O_WRONLY)) TH_LOG("%s", files[i]);
		EXPECT_EQ(EACCES, errno) TH_LOG("%s", files[i]);
	}
}

TEST_HARNESS_MAIN
