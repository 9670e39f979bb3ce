// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM and per-vCPU counters in /sys/kernel/lvmm/vms/, and the
 * lvmm:lvmm_entry / lvmm:lvmm_exit tracepoints in tracefs.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"

#define VMS "/sys/kernel/lvmm/vms"
#define TRACING "/sys/kernel/tracing"

/* The sysfs directory of this process's only VM. */
static int find_my_vm(char *dir, size_t len)
{
	struct dirent *d;
	DIR *vms = opendir(VMS);
	int found = 0;

	if (!vms)
		return 0;
	while ((d = readdir(vms))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(dir, len, VMS "/%s", d->d_name);
		if (read_sysfs_num(dir, "pid") == getpid()) {
			found = 1;
			break;
		}
	}
	closedir(vms);
	return found;
}

TEST(vm_and_vcpu_counters)
{
	struct guest *g = guest_create_print64(LVMM_DEV, "abc", BACKING_DEFAULT);
	char vm[512], vcpu[600];

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));

	ASSERT_TRUE(find_my_vm(vm, sizeof(vm)));
	snprintf(vcpu, sizeof(vcpu), "%s/vcpu0", vm);
	EXPECT_EQ(1, read_sysfs_num(vm, "vcpus"));
	/* Code, data and the page tables it walked: a few pages. */
	EXPECT_LE(3, read_sysfs_num(vm, "pages"));
	EXPECT_GE(16, read_sysfs_num(vm, "pages"));
	EXPECT_EQ(3, read_sysfs_num(vcpu, "exits/io"));
	EXPECT_EQ(1, read_sysfs_num(vcpu, "exits/hlt"));
	EXPECT_EQ(0, read_sysfs_num(vcpu, "exits/unknown"));
	EXPECT_EQ(4, read_sysfs_num(vcpu, "userspace_exits"));
	EXPECT_LE(read_sysfs_num(vcpu, "exits/io") + read_sysfs_num(vcpu, "exits/hlt") +
		  read_sysfs_num(vcpu, "exits/npf"), read_sysfs_num(vcpu, "entries"));
	EXPECT_LT(0, read_sysfs_num(vcpu, "guest_time_ns"));
	guest_destroy(g);
	EXPECT_FALSE(find_my_vm(vm, sizeof(vm))) TH_LOG("VM directory left behind");
}

/*
 * Each MOV to or from a debug register is an exit of its own (lvmm
 * intercepts them all) and counts in exits/dr: dr64 makes six writes and
 * six reads.
 */
TEST(debug_register_exits_counted)
{
	struct guest *g = guest_create(LVMM_DEV, MODE_LONG64, GUEST_PROG(dr64),
				       BACKING_DEFAULT);
	char vm[512], vcpu[600];

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	ASSERT_TRUE(find_my_vm(vm, sizeof(vm)));
	snprintf(vcpu, sizeof(vcpu), "%s/vcpu0", vm);
	EXPECT_EQ(12, read_sysfs_num(vcpu, "exits/dr"));
	EXPECT_EQ(1, read_sysfs_num(vcpu, "exits/hlt"));
	guest_destroy(g);
}

TEST(tracepoints)
{
	struct guest *g;
	char *buf;
	FILE *f;
	size_t n;

	if (access(TRACING "/events/lvmm", F_OK))
		SKIP(return, "no tracefs at " TRACING);
	ASSERT_EQ(0, write_file(TRACING "/trace", ""));
	ASSERT_EQ(0, write_file(TRACING "/events/lvmm/enable", "1"));

	g = guest_create(LVMM_DEV, MODE_REAL, GUEST_PROG(print16), BACKING_DEFAULT);
	strcpy((char *)g->mem + 0x8000, "x");
	{
		struct kvm_regs regs;

		guest_get_regs(g, &regs);
		regs.rsi = 0x8000;
		guest_set_regs(g, &regs);
	}
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	guest_destroy(g);
	ASSERT_EQ(0, write_file(TRACING "/events/lvmm/enable", "0"));

	buf = calloc(1, 1 << 20);
	f = fopen(TRACING "/trace", "re");
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	EXPECT_NE(NULL, strstr(buf, "lvmm_entry: vm "));
	/* SVM exit codes: 0x7b IOIO, 0x78 HLT. */
	EXPECT_NE(NULL, strstr(buf, "code 0x7b rip 0x"));
	EXPECT_NE(NULL, strstr(buf, "code 0x78"));
	free(buf);
}

TEST_HARNESS_MAIN
