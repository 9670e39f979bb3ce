/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt routing, the way KVM's irqchip does it: a GSI (global system
 * interrupt) names an input that KVM_IRQ_LINE and irqfds drive; the
 * routing table (irq_routing.c) sends it to an IOAPIC pin or as an MSI.
 * apic_bus.c carries an interrupt message to the local APICs it
 * addresses; irqfd.c turns eventfd signals into GSI edges or levels.
 */
#ifndef LVMM_IRQ_H
#define LVMM_IRQ_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct kvm_irq_level;
struct kvm_irq_routing;
struct kvm_irqchip;
struct kvm_irqfd;
struct kvm_msi;
struct lvmm_irq_routing;
struct lvmm_vm;

/*
 * Who drives an IOAPIC pin: its level is the OR of these, as in KVM, so
 * that the VMM's KVM_IRQ_LINE and a resampling irqfd on the same line do
 * not undo each other.
 */
enum lvmm_irq_source {
	LVMM_IRQ_SRC_USER,	/* KVM_IRQ_LINE, edge irqfds */
	LVMM_IRQ_SRC_RESAMPLE,	/* irqfds with KVM_IRQFD_FLAG_RESAMPLE */
	LVMM_IRQ_SRC_PIT,	/* the in-kernel 8254's channel 0 */
	LVMM_IRQ_SOURCES,
};

/* MSI data: level-triggered (Intel SDM 11.11.2). */
#define LVMM_MSI_DATA_LEVEL	BIT(15)

/* KVM's limit on GSIs (KVM_MAX_IRQ_ROUTES), and so on routing entries. */
#define LVMM_MAX_GSIS		4096

/**
 * struct lvmm_apic_irq - an interrupt message on the APIC bus
 * @dest:    destination: an APIC ID, or a logical mask with @logical
 * @logical: logical destination mode
 * @mode:    APIC_DM_FIXED or APIC_DM_LOWEST (others are dropped)
 * @vector:  the vector
 * @level:   level-triggered: the APIC sets TMR, and its EOI is broadcast
 */
struct lvmm_apic_irq {
	u32 dest;
	bool logical;
	u32 mode;
	u8 vector;
	bool level;
};

/**
 * struct lvmm_irq_ack_notifier - a listener for EOIs (irq_ack.c)
 * @link:     in vm->irq.ack_notifiers
 * @acked:    pin @pin of interrupt controller @irqchip (KVM_IRQCHIP_*) was
 *            ended by the guest; under RCU, no lock held
 * @unmasked: optional: the guest unmasked that pin; the same context
 */
struct lvmm_irq_ack_notifier {
	struct hlist_node link;
	void (*acked)(struct lvmm_irq_ack_notifier *n, u32 irqchip, u32 pin);
	void (*unmasked)(struct lvmm_irq_ack_notifier *n, u32 irqchip, u32 pin);
};

/**
 * struct lvmm_vm_irq - a VM's GSI routing and irqfds
 * @lock:        (mutex) replacing @routing, adding and removing irqfds;
 *               after vm->lock, before @irqfds_lock
 * @routing:     the routing table, read under RCU; NULL before
 *               KVM_CREATE_IRQCHIP
 * @irqfds_lock: (spinlock, interrupts off) @irqfds' membership; taken in
 *               an eventfd's wake-up, under that eventfd's queue lock
 * @irqfds:      struct lvmm_irqfd, read under RCU
 * @ack_notifiers: struct lvmm_irq_ack_notifier, read under RCU, changed
 *               under @lock
 */
struct lvmm_vm_irq {
	struct mutex lock;		/* after vm->lock; table and irqfds */
	struct lvmm_irq_routing __rcu *routing;
	spinlock_t irqfds_lock;		/* irqsave; inside eventfd wqh lock */
	struct list_head irqfds;
	struct hlist_head ack_notifiers;
};

/* irqchip.c: the VM ioctls */
int lvmm_create_irqchip(struct lvmm_vm *vm);
int lvmm_irq_line(struct lvmm_vm *vm, struct kvm_irq_level __user *u,
		  bool status);
int lvmm_irqchip_state(struct lvmm_vm *vm, unsigned int cmd,
		       struct kvm_irqchip __user *u);

/* apic_bus.c */
int lvmm_apic_bus_deliver(struct lvmm_vm *vm, const struct lvmm_apic_irq *irq);
int lvmm_msi_deliver(struct lvmm_vm *vm, u32 addr_lo, u32 addr_hi, u32 data);
int lvmm_signal_msi(struct lvmm_vm *vm, const struct kvm_msi *msi);

/* irq_routing.c */
void lvmm_vm_irq_init(struct lvmm_vm *vm);
int lvmm_irq_routing_default(struct lvmm_vm *vm);
int lvmm_set_gsi_routing(struct lvmm_vm *vm, struct kvm_irq_routing __user *u);
int lvmm_irq_set(struct lvmm_vm *vm, enum lvmm_irq_source src, u32 gsi,
		 bool level);
int lvmm_irq_set_msi_only(struct lvmm_vm *vm, u32 gsi);
bool lvmm_irq_gsi_routes_to(struct lvmm_vm *vm, u32 gsi, u32 irqchip, u32 pin);
bool lvmm_irq_split_eoi(struct lvmm_vm *vm, u8 vector);
void lvmm_irq_routing_free(struct lvmm_vm *vm);

/* irq_ack.c */
void lvmm_irq_add_ack_notifier(struct lvmm_vm *vm,
			       struct lvmm_irq_ack_notifier *n);
void lvmm_irq_del_ack_notifier(struct lvmm_vm *vm,
			       struct lvmm_irq_ack_notifier *n);
void lvmm_irq_notify_acked(struct lvmm_vm *vm, u32 irqchip, unsigned long pins);
void lvmm_irq_notify_unmasked(struct lvmm_vm *vm, u32 irqchip,
			      unsigned long pins);

/* irqfd.c */
int lvmm_irqfd(struct lvmm_vm *vm, const struct kvm_irqfd *args);
void lvmm_irqfd_release_all(struct lvmm_vm *vm);
int lvmm_irqfd_module_init(void);
void lvmm_irqfd_module_exit(void);

#endif /* LVMM_IRQ_H */
