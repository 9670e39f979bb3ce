// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: $LVMM_STRESS_CYCLES (default 1000) VMs created, run to their HLT
 * and destroyed, one after another, alternating the two memory backings;
 * afterwards no VM and no vCPU may be left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

static long stat_of(const char *name)
{
	char path[128], buf[32];
	FILE *f;
	long v = -1;

	snprintf(path, sizeof(path), "/sys/kernel/lvmm/stats/%s", name);
	f = fopen(path, "re");
	if (f && fgets(buf, sizeof(buf), f))
		v = atol(buf);
	if (f)
		fclose(f);
	return v;
}

TEST(vm_create_run_destroy_cycles)
{
	const char *env = getenv("LVMM_STRESS_CYCLES");
	long cycles = env ? atol(env) : 1000, i, created;
	struct kvm_regs regs;
	struct guest *g;
	int bad = 0;

	created = stat_of("vms_created");
	for (i = 0; i < cycles && !bad; i++) {
		g = guest_create(LVMM_DEV, MODE_LONG64, GUEST_PROG(print64),
				 i & 1 ? BACKING_ANON : BACKING_GMEM);
		strcpy((char *)g->mem + GUEST_DATA, "!");
		guest_get_regs(g, &regs);
		regs.rsi = GUEST_DATA;
		guest_set_regs(g, &regs);
		if (guest_run(g) != KVM_EXIT_HLT || g->console_len != 1) {
			TH_LOG("cycle %ld: exit %s, %zu console bytes", i,
			       exit_reason_str(g->vcpu->run->exit_reason),
			       g->console_len);
			bad = 1;
		}
		guest_destroy(g);
	}
	printf("# %ld VM create/run/destroy cycles\n", i);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(cycles, stat_of("vms_created") - created);
	EXPECT_EQ(0, stat_of("vms"));
	EXPECT_EQ(0, stat_of("vcpus"));
}

TEST_HARNESS_MAIN
