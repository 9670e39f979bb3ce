// SPDX-License-Identifier: GPL-2.0
/*
 * Reading every VM's counters from sysfs in one pass.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vmlist.h"

const char *const vm_exit_reasons[VM_EXIT_REASONS] = {
	"intr", "cpuid", "hlt", "io", "npf", "rdmsr", "wrmsr", "xsetbv",
	"shutdown", "fail_entry", "unknown", "other", "hypercall",
};

static uint64_t num(const char *dir, const char *name)
{
	long long v = sysfs_num(dir, name);

	return v < 0 ? 0 : v;
}

static int by_number(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

static void read_vcpus(const char *dir, struct vm_info *vm)
{
	struct dirent **names;
	char path[4096], exits[4200];
	int i, n, r;

	vm->nvcpu = 0;
	n = scandir(dir, &names, NULL, by_number);
	if (n < 0)
		return;
	vm->vcpu = calloc(n, sizeof(*vm->vcpu));
	for (i = 0; i < n; i++) {
		struct vcpu_info *v;

		/* vcpu<N> directories; "vcpus" is a file beside them. */
		if (vm->vcpu && !strncmp(names[i]->d_name, "vcpu", 4) &&
		    names[i]->d_name[4] >= '0' && names[i]->d_name[4] <= '9' &&
		    snprintf(path, sizeof(path), "%s/%s", dir,
			     names[i]->d_name) < (int)sizeof(path)) {
			v = &vm->vcpu[vm->nvcpu++];
			v->id = atoi(names[i]->d_name + 4);
			v->entries = num(path, "entries");
			v->guest_time_ns = num(path, "guest_time_ns");
			v->userspace_exits = num(path, "userspace_exits");
			v->mmio_exits = num(path, "mmio_exits");
			v->unknown_msrs = num(path, "unknown_msrs");
			snprintf(exits, sizeof(exits), "%s/exits", path);
			for (r = 0; r < VM_EXIT_REASONS; r++)
				v->exits[r] = num(exits, vm_exit_reasons[r]);
		}
		free(names[i]);
	}
	free(names);
}

/* Page sharing came later: an older module has no share_group file. */
static void read_sharing(const char *dir, struct vm_share_info *share)
{
	long long group;

	share->present = !sysfs_get(dir, "share_group", &group);
	if (!share->present)
		return;
	share->share_group = group;
	share->shared_pages = num(dir, "shared_pages");
	share->zero_pages = num(dir, "zero_pages");
	share->cow_breaks = num(dir, "cow_breaks");
	share->pages_merged = num(dir, "pages_merged");
}

struct vm_info *vm_list(int *count)
{
	struct dirent **names;
	struct vm_info *vms;
	char dir[4096];
	int i, n, k = 0;

	n = scandir(LVMM_SYSFS "/vms", &names, NULL, by_number);
	if (n < 0)
		return NULL;
	vms = calloc(n + 1, sizeof(*vms));
	for (i = 0; i < n; i++) {
		if (vms && names[i]->d_name[0] != '.' &&
		    snprintf(dir, sizeof(dir), LVMM_SYSFS "/vms/%s",
			     names[i]->d_name) < (int)sizeof(dir)) {
			struct vm_info *vm = &vms[k];

			vm->id = atoi(names[i]->d_name);
			if (sysfs_read(dir, "name", vm->name, sizeof(vm->name)))
				vm->name[0] = '\0';
			vm->pid = num(dir, "pid");
			vm->nr_vcpus = num(dir, "vcpus");
			vm->memory = num(dir, "memory");
			vm->pages = num(dir, "pages");
			read_sharing(dir, &vm->share);
			read_vcpus(dir, vm);
			/* The VM may have gone while we read it. */
			if (!vm->pid)
				free(vm->vcpu);
			else
				k++;
		}
		free(names[i]);
	}
	free(names);
	if (!vms)
		errno = ENOMEM;
	*count = k;
	return vms;
}

void vm_list_free(struct vm_info *vms, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(vms[i].vcpu);
	free(vms);
}

uint64_t vm_entries(const struct vm_info *vm)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < vm->nvcpu; i++)
		sum += vm->vcpu[i].entries;
	return sum;
}
