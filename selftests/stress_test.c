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

/* A fixture only for its timeout: the debug kernel needs minutes. */
FIXTURE(stress) {};
FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, vm_create_run_destroy_cycles, 1200)
{
	const char *env = getenv("LVMM_STRESS_CYCLES");
	long cycles = env ? atol(env) : 1000, i, created;
	struct guest *g;
	int bad = 0;

	created = lvmm_stat("vms_created");
	for (i = 0; i < cycles && !bad; i++) {
		g = guest_create_print64(LVMM_DEV, "!",
					 i & 1 ? BACKING_ANON : BACKING_GMEM);
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
	EXPECT_EQ(cycles, lvmm_stat("vms_created") - created);
	EXPECT_EQ(0, lvmm_stat("vms"));
	EXPECT_EQ(0, lvmm_stat("vcpus"));
}

TEST_HARNESS_MAIN
