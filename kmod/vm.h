/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine (vm.c): what KVM_CREATE_VM returns a file for. Its
 * locks and their order are in core.h.
 */
#ifndef LVMM_VM_H
#define LVMM_VM_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <linux/lvmm.h>

#include "core.h"
#include "iodev.h"
#include "irq.h"
#include "pvclock.h"
#include "stats.h"

struct lvmm_ioapic;
struct lvmm_pic;
struct lvmm_pit;
struct lvmm_vcpu;

/*
 * Which interrupt controllers the kernel has, KVM's irqchip_mode: none,
 * all of them (KVM_CREATE_IRQCHIP), or only the local APICs, with the
 * IOAPIC and 8259 in the VMM (KVM_CAP_SPLIT_IRQCHIP).
 */
enum lvmm_irqchip {
	LVMM_IRQCHIP_NONE,
	LVMM_IRQCHIP_KERNEL,
	LVMM_IRQCHIP_SPLIT,
};

/**
 * struct lvmm_tsc_sync - the VMM's last TSC write (tsc_sync.c)
 * @lock:       (spinlock) the struct; a leaf
 * @written:    there was one
 * @offset:     the TSC offset it gave, which matching writes share
 * @last_write: the value written
 * @last_ns:    when, in ktime
 */
struct lvmm_tsc_sync {
	spinlock_t lock;	/* the struct; a leaf */
	bool written;
	u64 offset;
	u64 last_write;
	u64 last_ns;
};

struct lvmm_vm {
	struct kref ref;
	u32 id;
	struct mm_struct *mm;
	pid_t pid;

	struct mutex lock;		/* configuration; see lock order */
	struct rw_semaphore slots_lock;	/* @slots, @nr_slots */
	struct xarray slots;		/* slot id -> struct lvmm_slot */
	unsigned int nr_slots;
	struct mutex mmu_lock;		/* nested page table, pinned pages */

	char name[LVMM_NAME_MAX];	/* under @lock */
	u64 memory_bytes;		/* in all slots; under @lock */

	struct lvmm_vcpu **vcpus;	/* lvmm_max_vcpus entries */
	atomic_t nr_vcpus;
	unsigned long tlb_generation;	/* bumped when a mapping is removed */

	u32 share_group;		/* under lvmm_share_lock; 0: none */
	struct list_head share_link;	/* in the members; lvmm_share_lock */

	struct lvmm_ioapic *ioapic;	/* KVM_CREATE_IRQCHIP; set under @lock */
	struct lvmm_pic *pic;		/* KVM_CREATE_IRQCHIP; set under @lock */
	struct lvmm_pit *pit;		/* KVM_CREATE_PIT2; set under @lock */
	u8 irqchip;			/* enum lvmm_irqchip; set under @lock */
	u32 nr_reserved_ioapic_pins;	/* split: the VMM IOAPIC's GSIs */
	u64 disabled_quirks;		/* KVM_X86_QUIRK_*; set under @lock */
	u64 x2apic_api;			/* KVM_X2APIC_API_*; set under @lock */
	u32 max_vcpu_ids;		/* KVM_CAP_MAX_VCPU_ID, 0: max_vcpus; @lock */
	struct lvmm_clock clock;	/* kvmclock */
	struct lvmm_tsc_sync tsc;	/* the VMM's TSC writes */
	struct lvmm_iodev io;		/* ioeventfds, coalesced zones */
	struct lvmm_vm_irq irq;		/* GSI routing, irqfds */

	struct lvmm_vm_stats stats;
	struct kobject *kobj;
	void *arch;
};

/*
 * The VM's irqchip mode. Set once, under vm->lock, before any vCPU, and
 * published with smp_store_release() after what it names exists.
 */
static inline enum lvmm_irqchip lvmm_irqchip_mode(struct lvmm_vm *vm)
{
	/* Pairs with the release in vm.c: what the mode names is there. */
	return smp_load_acquire(&vm->irqchip);
}

/*
 * The first vCPU of @vm at or after index *@i, or NULL; *@i is left at
 * its index. Needs no lock: a vCPU is published with smp_store_release()
 * in lvmm_create_vcpu() and lives as long as its VM, so a walk can miss
 * only one being created meanwhile.
 */
static inline struct lvmm_vcpu *lvmm_vm_next_vcpu(struct lvmm_vm *vm,
						  unsigned int *i)
{
	struct lvmm_vcpu *vcpu;

	for (; *i < lvmm_max_vcpus; (*i)++) {
		/* Pairs with the release in lvmm_create_vcpu(). */
		vcpu = smp_load_acquire(&vm->vcpus[*i]);
		if (vcpu)
			return vcpu;
	}
	return NULL;
}

/* lvmm_for_each_vcpu - every vCPU of @vm, in index order, without a lock. */
#define lvmm_for_each_vcpu(vcpu, vm)					\
	for (unsigned int __vcpu_idx = 0;				\
	     (vcpu = lvmm_vm_next_vcpu(vm, &__vcpu_idx)); __vcpu_idx++)

long lvmm_create_vm(unsigned long type);
void lvmm_vm_put(struct lvmm_vm *vm);
bool lvmm_vm_owned(struct lvmm_vm *vm);
int lvmm_check_extension(long ext);
int lvmm_guest_tsc_khz(void);

/* tsc_sync.c */
void lvmm_tsc_sync_init(struct lvmm_vm *vm);
void lvmm_tsc_host_write(struct lvmm_vcpu *vcpu, u64 data);

#endif /* LVMM_VM_H */
