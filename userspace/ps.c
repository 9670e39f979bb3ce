// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm ps: the running VMs, from sysfs alone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vmlist.h"

#define SAMPLE_US 200000

int cmd_ps(int argc, char **argv)
{
	struct vm_info *a, *b;
	char state[16];
	int na, nb, i, j;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: lvmm ps\n\nList running VMs: id, name, pid, vCPUs, memory, resident\n"
		       "memory, exits per second (sampled over 0.2 s), and running or\n"
		       "paused as the VM's control socket says (- if it has none, or\n"
		       "it is not yours). Reads /sys/kernel/lvmm.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "lvmm ps: unexpected argument '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	a = vm_list(&na);
	if (!a) {
		fprintf(stderr, "lvmm ps: cannot read %s/vms: %s (is lvmm.ko loaded?)\n",
			LVMM_SYSFS, strerror(errno));
		return CLI_NODEV;
	}
	usleep(SAMPLE_US);
	b = vm_list(&nb);
	if (!b) {
		vm_list_free(a, na);
		return CLI_NODEV;
	}

	printf("%4s %-16s %7s %5s %9s %9s %9s  %s\n", "ID", "NAME", "PID", "VCPUS",
	       "MEMORY", "RESIDENT", "EXITS/S", "STATE");
	for (i = 0; i < nb; i++) {
		uint64_t before = 0, rate;

		for (j = 0; j < na; j++)
			if (a[j].id == b[i].id)
				before = vm_entries(&a[j]);
		rate = (vm_entries(&b[i]) - before) * 1000000 / SAMPLE_US;
		snprintf(state, sizeof(state), "-");
		if (b[i].name[0])
			api_vm_state(b[i].name, state, sizeof(state));
		printf("%4d %-16s %7ld %5d %8lluM %8lluK %9llu  %s\n", b[i].id,
		       b[i].name[0] ? b[i].name : "-", b[i].pid, b[i].nr_vcpus,
		       (unsigned long long)(b[i].memory >> 20),
		       (unsigned long long)(b[i].pages * 4),
		       (unsigned long long)rate, state);
	}
	vm_list_free(a, na);
	vm_list_free(b, nb);
	return 0;
}
