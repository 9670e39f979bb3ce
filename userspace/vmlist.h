/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of the VMs under /sys/kernel/lvmm/vms, for lvmm ps and stat.
 */
#ifndef LVMM_CLI_VMLIST_H
#define LVMM_CLI_VMLIST_H

#include <stdbool.h>
#include <stdint.h>

#define VM_EXIT_REASONS 13

struct vcpu_info {
	int id;
	uint64_t entries, guest_time_ns, userspace_exits, mmio_exits;
	uint64_t unknown_msrs;
	uint64_t exits[VM_EXIT_REASONS];
};

/* A VM's page sharing; @present is false on a module without it. */
struct vm_share_info {
	bool present;
	uint32_t share_group;
	uint64_t shared_pages, zero_pages, cow_breaks, pages_merged;
};

struct vm_info {
	int id;
	char name[64];
	long pid;
	int nr_vcpus;
	uint64_t memory, pages;
	struct vm_share_info share;
	int nvcpu;
	struct vcpu_info *vcpu;
};

extern const char *const vm_exit_reasons[VM_EXIT_REASONS];

/* All VMs, sorted by id; *n is set. NULL with errno when sysfs is absent. */
struct vm_info *vm_list(int *n);
void vm_list_free(struct vm_info *vms, int n);
uint64_t vm_entries(const struct vm_info *vm);

#endif /* LVMM_CLI_VMLIST_H */
