/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every file of lvmm's generic core shares: the lock order, the
 * module's hard limits, and the settings fixed at module load. The objects
 * themselves have a header each (vm.h, vcpu.h, memslot.h, ...).
 *
 * Lock order, outermost first:
 *
 *   vcpu->mutex         one ioctl at a time on a vCPU (KVM_RUN included)
 *   vm->lock            VM-wide configuration: creating vCPUs, changing slots
 *   lvmm_share_lock     (mutex) page sharing: members, hints, scan cursor
 *   vm->slots_lock      (rwsem) the slot table; read by faults, written by
 *                       KVM_SET_USER_MEMORY_REGION under vm->lock
 *   mm->mmap_lock       the VMM's, for pinning anonymous memory, and held
 *                       by the core mm around faults on a gmem mapping
 *   gmem->lock          (mutex) a gmem file's entries and bindings (gmem.h)
 *   vm->mmu_lock        (mutex) the backend's nested page tables and the
 *                       per-slot table of pinned pages
 *   lvmm_stable_lock    (spinlock) the table of shared pages
 *
 * Nothing is taken inside mmu_lock but page allocation and the stable
 * table's spinlock.
 *
 * The interrupt controllers have their own two, taken by a vCPU in exit
 * handling with none of the above held (KVM_IRQ_LINE holds none either):
 *
 *   ioapic->lock        (spinlock) the IOAPIC's pins and table (ioapic.c)
 *   lapic->lock         (raw spinlock, interrupts off) one local APIC's
 *                       registers and timer, and the INIT and SIPI other
 *                       vCPUs latched for it (lapic_internal.h); also
 *                       taken by the APIC timer in hard interrupt context.
 *                       Never two APICs' locks at once.
 *
 * The write sinks (iodev.h): vm->io.lock (mutex) for registering
 * ioeventfds and coalesced zones, with nothing else held; exits read them
 * under RCU. vm->io.ring_lock (spinlock) is a leaf: the coalesced ring.
 *
 * Interrupt routing (irq.h): vm->irq.lock (mutex) replaces the GSI table
 * and adds or removes irqfds, inside vm->lock; vm->irq.irqfds_lock
 * (spinlock, irqsave) guards the irqfd list, inside an eventfd's queue
 * lock. The table is read under RCU.
 *
 * vm->clock.lock (seqlock) is a leaf: kvmclock's reference, written only by
 * KVM_SET_CLOCK with nothing else held (pvclock.h).
 */
#ifndef LVMM_CORE_H
#define LVMM_CORE_H

#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/types.h>

struct lvmm_arch_ops;

#define LVMM_VERSION		"0.2.0"

#define LVMM_MAX_VCPUS		255	/* hard cap; module parameter below */
#define LVMM_MAX_SLOTS		512	/* hard cap; module parameter below */

/*
 * Allocations a running guest causes (its pages, their bookkeeping, nested
 * page tables): charged to the VMM's memory cgroup, and failing with
 * -ENOMEM at its limit rather than invoking the cgroup's OOM killer.
 */
#define LVMM_GFP_GUEST	(GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

/* The KVM quirks lvmm has, which KVM_CAP_DISABLE_QUIRKS2 can turn off. */
#define LVMM_QUIRKS	(KVM_X86_QUIRK_FIX_HYPERCALL_INSN | \
			 KVM_X86_QUIRK_LINT0_REENABLED)

/* GPR numbers, in the order of the x86 ModRM encoding. */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15 };

/* Module parameters (params.c). */
extern unsigned int lvmm_max_vcpus;
extern unsigned int lvmm_max_slots;
extern unsigned int lvmm_max_vms;
int lvmm_params_check(void);

/* The backend chosen at module load; constant afterwards (arch.c). */
extern const struct lvmm_arch_ops *lvmm_arch;

/* /sys/kernel/lvmm/ (sysfs.c), under which stats.c and share/ add theirs. */
extern struct kobject *lvmm_kobj;
int lvmm_sysfs_init(void);
void lvmm_sysfs_exit(void);

#endif /* LVMM_CORE_H */
