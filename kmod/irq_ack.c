// SPDX-License-Identifier: GPL-2.0
/*
 * IRQ ack notifiers: who wants to hear that the guest ended an interrupt
 * of an in-kernel interrupt controller's pin, the way KVM's
 * kvm_notify_acked_irq() works. The IOAPIC calls lvmm_irq_notify_acked()
 * at the EOI of a pin's vector, before it looks at a level pin again, and
 * the 8259 at every EOI, after its own state has moved on (as KVM's);
 * resampling irqfds (irqfd.c) and the 8254's reinjection (pit.c) listen.
 * The controllers do not know their listeners, which is why this is a list
 * of callbacks and not calls: the notification runs against the flow of
 * GSI routing (listener -> routing -> controller).
 *
 * The list is read under RCU; it changes under vm->irq.lock, and a
 * notifier removed is not called once lvmm_irq_del_ack_notifier() and a
 * grace period have passed.
 */
#include <linux/rculist.h>

#include "irq.h"
#include "vm.h"

void lvmm_irq_add_ack_notifier(struct lvmm_vm *vm,
			       struct lvmm_irq_ack_notifier *n)
{
	lockdep_assert_held(&vm->irq.lock);
	hlist_add_head_rcu(&n->link, &vm->irq.ack_notifiers);
}

/* The caller waits for a grace period before freeing @n. */
void lvmm_irq_del_ack_notifier(struct lvmm_vm *vm,
			       struct lvmm_irq_ack_notifier *n)
{
	lockdep_assert_held(&vm->irq.lock);
	hlist_del_init_rcu(&n->link);
}

/*
 * The pins set in @pins of @irqchip (KVM_IRQCHIP_*) were ended; called
 * with no interrupt controller lock held. Controllers collect the pins
 * under their lock and report them here after dropping it: listeners set
 * pins through the same controller.
 */
void lvmm_irq_notify_acked(struct lvmm_vm *vm, u32 irqchip, unsigned long pins)
{
	struct lvmm_irq_ack_notifier *n;
	unsigned int pin;

	if (!pins)
		return;
	rcu_read_lock();
	for_each_set_bit(pin, &pins, BITS_PER_LONG)
		hlist_for_each_entry_rcu(n, &vm->irq.ack_notifiers, link)
			n->acked(n, irqchip, pin);
	rcu_read_unlock();
}

/* The pins set in @pins of @irqchip were unmasked; as above. */
void lvmm_irq_notify_unmasked(struct lvmm_vm *vm, u32 irqchip,
			      unsigned long pins)
{
	struct lvmm_irq_ack_notifier *n;
	unsigned int pin;

	if (!pins)
		return;
	rcu_read_lock();
	for_each_set_bit(pin, &pins, BITS_PER_LONG)
		hlist_for_each_entry_rcu(n, &vm->irq.ack_notifiers, link)
			if (n->unmasked)
				n->unmasked(n, irqchip, pin);
	rcu_read_unlock();
}
