/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest writes the kernel takes without an exit to the VMM, KVM's I/O bus:
 * ioeventfds (ioeventfd.c) signal an eventfd; coalesced zones
 * (coalesced.c) queue the write in a ring the VMM drains at its next exit.
 * Port I/O and MMIO exits offer their writes here after the in-kernel
 * interrupt controllers have declined them; what is not taken here goes to
 * the VMM as KVM_EXIT_IO or KVM_EXIT_MMIO.
 */
#ifndef LVMM_IODEV_H
#define LVMM_IODEV_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct kvm_coalesced_mmio_ring;
struct kvm_coalesced_mmio_zone;
struct kvm_ioeventfd;
struct lvmm_vm;
struct page;

/*
 * As many as KVM's I/O bus holds (NR_IOBUS_DEVS), so that a write is
 * matched against a bounded list.
 */
#define LVMM_MAX_IOEVENTFDS	1000
#define LVMM_MAX_COALESCED	1000

/**
 * struct lvmm_iodev - a VM's ioeventfds and coalesced zones
 * @lock:          (mutex) adding and removing entries of both lists; after
 *                 vm->lock, nothing but allocation inside
 * @ioeventfds:    struct lvmm_ioeventfd; read under RCU by exits
 * @nr_ioeventfds: entries in @ioeventfds; under @lock
 * @zones:         struct lvmm_coalesced_zone; read under RCU by exits
 * @nr_zones:      entries in @zones; under @lock
 * @ring_lock:     (spinlock, leaf) the kernel's side of @ring: filling an
 *                 entry and moving ring->last
 * @ring:          the coalesced ring, one page, mapped by every vCPU at
 *                 KVM_COALESCED_MMIO_PAGE_OFFSET
 */
struct lvmm_iodev {
	struct mutex lock;		/* registration; after vm->lock */
	struct list_head ioeventfds;
	unsigned int nr_ioeventfds;
	struct list_head zones;
	unsigned int nr_zones;
	spinlock_t ring_lock;		/* leaf; ring->last and entries */
	struct kvm_coalesced_mmio_ring *ring;
};

/* iodev.c */
int lvmm_iodev_init(struct lvmm_vm *vm);
void lvmm_iodev_free(struct lvmm_vm *vm);

/* ioeventfd.c */
int lvmm_ioeventfd(struct lvmm_vm *vm, const struct kvm_ioeventfd *args);
bool lvmm_ioeventfd_write(struct lvmm_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val);
void lvmm_ioeventfd_free_all(struct lvmm_vm *vm);

/* coalesced.c */
int lvmm_coalesced_register(struct lvmm_vm *vm,
			    const struct kvm_coalesced_mmio_zone *zone);
int lvmm_coalesced_unregister(struct lvmm_vm *vm,
			      const struct kvm_coalesced_mmio_zone *zone);
bool lvmm_coalesced_write(struct lvmm_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val);
void lvmm_coalesced_free_all(struct lvmm_vm *vm);

/*
 * A guest write of @len bytes (1 to 8, value @val) to port or
 * guest-physical address @addr: true if an ioeventfd or a coalesced zone
 * took it, and the guest goes on without an exit to the VMM (iodev.c).
 */
bool lvmm_iodev_write(struct lvmm_vm *vm, bool pio, u64 addr,
		      unsigned int len, u64 val);

#endif /* LVMM_IODEV_H */
