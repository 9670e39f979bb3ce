// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel IOAPIC of KVM_CREATE_IRQCHIP: 24 pins, driven through the
 * GSI routing table (irq_routing.c) by KVM_IRQ_LINE and irqfds, programmed
 * by the guest through IOREGSEL/IOWIN at 0xfec00000, delivering fixed or
 * lowest-priority interrupts over the APIC bus (apic_bus.c). A
 * level-triggered pin stays "remote IRR" until the APIC's EOI for its
 * vector, and is delivered again then if the line is still high. Before
 * that, the EOI goes to the ack notifiers (irq_ack.c): resampling irqfds
 * lower their input first, as with KVM's.
 *
 * A pin's level is the OR of its sources (irq.h), each set on its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/slab.h>
#include <asm/apicdef.h>

#include "arch.h"
#include "core.h"
#include "irq.h"
#include "lapic.h"
#include "vcpu.h"
#include "vm.h"

#define IOAPIC_BASE		0xfec00000ULL
#define IOAPIC_PINS		24
#define IOAPIC_VERSION		(0x11 | ((IOAPIC_PINS - 1) << 16))
#define IOREGSEL		0x00
#define IOWIN			0x10
#define REG_ID			0x00
#define REG_VERSION		0x01
#define REG_ARB			0x02
#define REG_REDIR		0x10

#define RTE_VECTOR		GENMASK_ULL(7, 0)
#define RTE_MODE		GENMASK_ULL(10, 8)
#define RTE_LOGICAL		BIT_ULL(11)
#define RTE_REMOTE_IRR		BIT_ULL(14)
#define RTE_LEVEL		BIT_ULL(15)
#define RTE_MASKED		BIT_ULL(16)
#define RTE_DEST_SHIFT		56
/* What the guest may write: everything but delivery status and remote IRR. */
#define RTE_WRITABLE		((GENMASK_ULL(13, 0) & ~BIT_ULL(12)) | RTE_LEVEL | \
				 RTE_MASKED | GENMASK_ULL(63, 56))

/**
 * struct lvmm_ioapic - a VM's IOAPIC
 * @lock:    protects every field but @vectors; taken before any local
 *           APIC's lock
 * @sel:     IOREGSEL
 * @id:      the ID register
 * @source:  for each source (irq.h), the pins it holds high
 * @rte:     the redirection table
 * @vectors: the vectors in @rte, written under @lock and read without
 *           it, so that an EOI of any other vector costs no lock (KVM's
 *           ioapic_handled_vectors)
 */
struct lvmm_ioapic {
	spinlock_t lock;	/* all but @vectors; before any lapic->lock */
	u32 sel;
	u32 id;
	u32 source[LVMM_IRQ_SOURCES];
	u64 rte[IOAPIC_PINS];
	DECLARE_BITMAP(vectors, 256);
};

/* Recompute @vectors after the table changed. Under io->lock. */
static void update_vectors(struct lvmm_ioapic *io)
{
	DECLARE_BITMAP(v, 256);
	int pin;

	bitmap_zero(v, 256);
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		__set_bit(io->rte[pin] & RTE_VECTOR, v);
	/* Word by word: a reader sees each bit old or new, never torn. */
	for (pin = 0; pin < BITS_TO_LONGS(256); pin++)
		WRITE_ONCE(io->vectors[pin], v[pin]);
}

/* The pins whose input is high, whoever drives it. Under io->lock. */
static u32 lines(struct lvmm_ioapic *io)
{
	u32 high = 0;
	int i;

	for (i = 0; i < LVMM_IRQ_SOURCES; i++)
		high |= io->source[i];
	return high;
}

/* Send pin @pin's interrupt. Under io->lock. */
static void deliver(struct lvmm_vm *vm, struct lvmm_ioapic *io, int pin)
{
	u64 rte = io->rte[pin];
	struct lvmm_apic_irq irq = {
		.dest = rte >> RTE_DEST_SHIFT,
		.logical = rte & RTE_LOGICAL,
		.mode = rte & RTE_MODE,
		.vector = rte & RTE_VECTOR,
		.level = rte & RTE_LEVEL,
	};
	int taken = lvmm_apic_bus_deliver(vm, &irq);

	/*
	 * Remote IRR waits for the EOI of an APIC that took the interrupt.
	 * If every APIC addressed dropped it, no EOI will come: leave it
	 * clear, or the pin would be dead. With no APIC addressed at all it
	 * is set, as KVM's ioapic_service() does.
	 */
	if ((rte & RTE_LEVEL) && taken != 0)
		io->rte[pin] |= RTE_REMOTE_IRR;
}

/* Deliver @pin if its input asks for it now. Under io->lock. */
static void service(struct lvmm_vm *vm, struct lvmm_ioapic *io, int pin)
{
	u64 rte = io->rte[pin];

	if ((rte & RTE_MASKED) || !(lines(io) & BIT(pin)))
		return;
	if ((rte & RTE_LEVEL) && (rte & RTE_REMOTE_IRR))
		return;
	deliver(vm, io, pin);
}

/*
 * Source @src sets pin @pin's input to @level, for the routing table. The
 * result is KVM's status: 0 when a raised line is coalesced with one not
 * yet handled (an edge pin already high, a level pin in remote IRR), else 1.
 */
int lvmm_ioapic_set_irq(struct lvmm_vm *vm, int src, u32 pin, bool level)
{
	struct lvmm_ioapic *io = vm->ioapic;
	bool rising, coalesced;

	if (!io)
		return -ENXIO;
	if (pin >= IOAPIC_PINS || src >= LVMM_IRQ_SOURCES)
		return -EINVAL;
	spin_lock(&io->lock);
	rising = level && !(lines(io) & BIT(pin));
	coalesced = level && ((io->rte[pin] & RTE_LEVEL) ?
			      (io->rte[pin] & RTE_REMOTE_IRR) : !rising);
	if (level)
		io->source[src] |= BIT(pin);
	else
		io->source[src] &= ~BIT(pin);
	/* An edge pin fires on the rising edge only; a level pin while high. */
	if (rising || (level && (io->rte[pin] & RTE_LEVEL)))
		service(vm, io, pin);
	spin_unlock(&io->lock);
	return coalesced ? 0 : 1;
}

/*
 * A local APIC ended @vector, level-triggered in its TMR or not. As in
 * KVM, every pin with that vector is acknowledged to the ack notifiers;
 * a level one leaves remote IRR and fires again if its line is high.
 */
void lvmm_ioapic_eoi(struct lvmm_vm *vm, u8 vector, bool level)
{
	struct lvmm_ioapic *io = vm->ioapic;
	unsigned long acked = 0;
	int pin;

	if (!io || !test_bit(vector, io->vectors))
		return;
	spin_lock(&io->lock);
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		if ((io->rte[pin] & RTE_VECTOR) == vector)
			__set_bit(pin, &acked);
	spin_unlock(&io->lock);
	if (!acked)
		return;

	/*
	 * Resamplers lower their input before the pin is looked at again,
	 * with the IOAPIC's lock dropped: they set pins through it.
	 */
	lvmm_irq_notify_acked(vm, KVM_IRQCHIP_IOAPIC, acked);
	if (!level)
		return;

	spin_lock(&io->lock);
	for_each_set_bit(pin, &acked, IOAPIC_PINS) {
		if (!(io->rte[pin] & RTE_LEVEL))
			continue;
		io->rte[pin] &= ~RTE_REMOTE_IRR;
		service(vm, io, pin);
	}
	spin_unlock(&io->lock);
}

static u32 read_window(struct lvmm_ioapic *io)
{
	u32 sel = io->sel;

	switch (sel) {
	case REG_ID:
		return io->id;
	case REG_VERSION:
		return IOAPIC_VERSION;
	case REG_ARB:
		return io->id;
	}
	if (sel >= REG_REDIR && sel < REG_REDIR + 2 * IOAPIC_PINS) {
		u64 rte = io->rte[(sel - REG_REDIR) / 2];

		return sel & 1 ? rte >> 32 : (u32)rte;
	}
	return 0xffffffff;
}

static void write_window(struct lvmm_vm *vm, struct lvmm_ioapic *io, u32 val)
{
	u32 sel = io->sel;
	int pin;
	u64 rte;

	if (sel == REG_ID) {
		io->id = val & GENMASK(27, 24);
		return;
	}
	if (sel < REG_REDIR || sel >= REG_REDIR + 2 * IOAPIC_PINS)
		return;
	pin = (sel - REG_REDIR) / 2;
	rte = io->rte[pin];
	if (sel & 1)
		rte = (rte & 0xffffffffULL) | ((u64)val << 32);
	else
		rte = (rte & ~0xffffffffULL) | val;
	io->rte[pin] = (io->rte[pin] & ~RTE_WRITABLE) | (rte & RTE_WRITABLE);
	update_vectors(io);
	/* Unmasking a level pin that is high delivers it. */
	if (io->rte[pin] & RTE_LEVEL)
		service(vm, io, pin);
}

bool lvmm_ioapic_mmio(struct lvmm_vm *vm, u64 gpa, unsigned int size,
		      bool write, u64 *val)
{
	struct lvmm_ioapic *io = vm->ioapic;
	u32 off = gpa - IOAPIC_BASE;
	bool was_masked, unmasked = false;
	int pin = -1;

	if (!io || gpa < IOAPIC_BASE || gpa >= IOAPIC_BASE + PAGE_SIZE)
		return false;
	spin_lock(&io->lock);
	if (write) {
		if (off == IOREGSEL) {
			io->sel = *val & 0xff;
		} else if (off == IOWIN && size == 4) {
			if (io->sel >= REG_REDIR && io->sel < REG_REDIR + 2 * IOAPIC_PINS)
				pin = (io->sel - REG_REDIR) / 2;
			was_masked = pin >= 0 && (io->rte[pin] & RTE_MASKED);
			write_window(vm, io, *val);
			unmasked = was_masked && !(io->rte[pin] & RTE_MASKED);
		}
	} else {
		*val = off == IOREGSEL ? io->sel : off == IOWIN ? read_window(io) : 0;
	}
	spin_unlock(&io->lock);
	/* Listeners (the 8254's reinjection) hear of it without the lock. */
	if (unmasked)
		lvmm_irq_notify_unmasked(vm, KVM_IRQCHIP_IOAPIC, BIT(pin));
	return true;
}

int lvmm_ioapic_create(struct lvmm_vm *vm)
{
	struct lvmm_ioapic *io;
	int pin;

	io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	if (!io)
		return -ENOMEM;
	spin_lock_init(&io->lock);
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASKED;
	update_vectors(io);
	/* Pairs with smp_load_acquire() in lvmm_irq_line(). */
	smp_store_release(&vm->ioapic, io);
	return 0;
}

void lvmm_ioapic_destroy(struct lvmm_vm *vm)
{
	kfree(vm->ioapic);
	vm->ioapic = NULL;
}

/*
 * KVM_GET_IRQCHIP's IOAPIC: the registers as KVM reports them (the ID as
 * a number, not in bits 27:24) and in irr the pins whose input is high.
 */
void lvmm_ioapic_get_state(struct lvmm_vm *vm, struct kvm_ioapic_state *s)
{
	struct lvmm_ioapic *io = vm->ioapic;
	int pin;

	spin_lock(&io->lock);
	s->base_address = IOAPIC_BASE;
	s->ioregsel = io->sel;
	s->id = io->id >> 24;
	s->irr = lines(io);
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		s->redirtbl[pin].bits = io->rte[pin];
	spin_unlock(&io->lock);
}

/*
 * KVM_SET_IRQCHIP's IOAPIC. The input levels in irr become the VMM's own
 * (KVM_IRQ_LINE's source), and a high level pin that may fire does, as
 * KVM's kvm_set_ioapic() injects them again. The base address is fixed.
 */
void lvmm_ioapic_set_state(struct lvmm_vm *vm, const struct kvm_ioapic_state *s)
{
	struct lvmm_ioapic *io = vm->ioapic;
	int pin, i;

	spin_lock(&io->lock);
	io->sel = s->ioregsel & 0xff;
	io->id = (s->id & 0xf) << 24;
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = s->redirtbl[pin].bits;
	update_vectors(io);
	for (i = 0; i < LVMM_IRQ_SOURCES; i++)
		io->source[i] = 0;
	io->source[LVMM_IRQ_SRC_USER] = s->irr & GENMASK(IOAPIC_PINS - 1, 0);
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		if (io->rte[pin] & RTE_LEVEL)
			service(vm, io, pin);
	spin_unlock(&io->lock);
}
