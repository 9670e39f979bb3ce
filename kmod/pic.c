// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel 8259A pair of KVM_CREATE_IRQCHIP. The master answers ports
 * 0x20-0x21, the slave 0xa0-0xa1 and raises the master's IR2; ELCR
 * (0x4d0-0x4d1) picks edge or level per pin. The master's output is an
 * ExtINT that a local APIC takes through LINT0 (lapic_inject.c) and
 * acknowledges with lvmm_pic_intack(); when the output rises, the first
 * vCPU whose APIC would take it is kicked, as in KVM.
 *
 * What Linux and SeaBIOS use, with KVM's semantics (arch/x86/kvm/i8259.c,
 * so that a VMM's saved state means the same): ICW1-ICW4 (ICW4's auto-EOI
 * and special fully nested mode), OCW1 (IMR), OCW2 (non-specific,
 * specific and rotating EOI, set priority), OCW3 (read IRR or ISR, poll,
 * special mask). Single mode and the 8080 call vectors are not modelled.
 * Accesses wider than a byte are dropped (reads give 0), as KVM does.
 *
 * An EOI (or an auto-EOI) goes to the ack notifiers (irq_ack.c) after the
 * lock is dropped: resampling irqfds set pins through the routing table,
 * which takes the lock again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/kvm.h>
#include <linux/slab.h>

#include "core.h"
#include "irq.h"
#include "lapic.h"
#include "pic.h"
#include "request.h"
#include "vcpu.h"
#include "vm.h"

#define PIC_MASTER_CMD		0x20
#define PIC_SLAVE_CMD		0xa0
#define PIC_ELCR_MASTER		0x4d0
#define PIC_CASCADE_PIN		2
#define PIC_SPURIOUS_PIN	7

/**
 * struct lvmm_pic_chip - one 8259A
 * @irr:        interrupt requests latched
 * @imr:        masked pins (OCW1)
 * @isr:        in service
 * @last_irr:   input levels last seen, to find rising edges
 * @priority_add: the rotation: pin (priority_add + n) & 7 has priority n
 * @irq_base:   vector of pin 0 (ICW2)
 * @read_isr:   OCW3 chose ISR for reads of the command port (else IRR)
 * @poll:       OCW3 poll: the next command-port read acknowledges
 * @special_mask: OCW3 special mask mode: ISR bits do not block lower pins
 * @init_state: 0 ready; 1, 2, 3: the next data write is ICW2, ICW3, ICW4
 * @init4:      ICW1 announced an ICW4
 * @auto_eoi:   ICW4 AEOI: acknowledging ends the interrupt
 * @rotate_on_auto_eoi: OCW2 set "rotate in AEOI mode"
 * @special_fully_nested: ICW4 SFNM
 * @elcr:       level-triggered pins
 * @elcr_mask:  the pins whose ELCR bit exists
 */
struct lvmm_pic_chip {
	u8 irr;
	u8 imr;
	u8 isr;
	u8 last_irr;
	u8 priority_add;
	u8 irq_base;
	bool read_isr;
	bool poll;
	bool special_mask;
	u8 init_state;
	bool init4;
	bool auto_eoi;
	bool rotate_on_auto_eoi;
	bool special_fully_nested;
	u8 elcr;
	u8 elcr_mask;
};

/**
 * struct lvmm_pic - the pair
 * @lock:   (spinlock) all of the struct; a leaf: kicks and ack notifiers
 *          run after it is dropped
 * @chip:   master, slave
 * @source: per source (irq.h), the pins 0-15 it holds high
 * @acked:  pins 0-15 ended under @lock, for the ack notifiers after it
 * @unmasked: pins 0-15 unmasked under @lock, for the same
 * @output: the master's INT line
 */
struct lvmm_pic {
	spinlock_t lock;	/* all of the struct; a leaf */
	struct lvmm_pic_chip chip[2];
	u16 source[LVMM_IRQ_SOURCES];
	u16 acked;
	u16 unmasked;
	bool output;
};

/* Latch @level on @pin of @c. Return KVM's status: -1 masked, 0 coalesced. */
static int latch(struct lvmm_pic_chip *c, int pin, bool level)
{
	u8 bit = BIT(pin);
	int ret = 1;

	if (c->elcr & bit) {
		if (level) {
			ret = !(c->irr & bit);
			c->irr |= bit;
			c->last_irr |= bit;
		} else {
			c->irr &= ~bit;
			c->last_irr &= ~bit;
		}
	} else if (level) {
		if (!(c->last_irr & bit)) {
			ret = !(c->irr & bit);
			c->irr |= bit;
		}
		c->last_irr |= bit;
	} else {
		c->last_irr &= ~bit;
	}
	return (c->imr & bit) ? -1 : ret;
}

/* The priority (0 highest) of the best pin in @mask; 8 if none. */
static int best_priority(struct lvmm_pic_chip *c, u8 mask)
{
	int p;

	for (p = 0; p < 8; p++)
		if (mask & BIT((p + c->priority_add) & 7))
			return p;
	return 8;
}

/* The pin @c would interrupt with now, or -1. */
static int pending_pin(struct lvmm_pic *pic, struct lvmm_pic_chip *c)
{
	u8 in_service = c->isr;
	int want, cur;

	want = best_priority(c, c->irr & ~c->imr);
	if (want == 8)
		return -1;
	/* SFNM: the slave's own nesting decides among its pins. */
	if (c->special_fully_nested && c == &pic->chip[0])
		in_service &= ~BIT(PIC_CASCADE_PIN);
	if (c->special_mask)
		in_service &= ~c->imr;
	cur = best_priority(c, in_service);
	return want < cur ? (want + c->priority_add) & 7 : -1;
}

/* Recompute the cascade and the output; under pic->lock. */
static bool update(struct lvmm_pic *pic)
{
	bool was = pic->output;

	if (pending_pin(pic, &pic->chip[1]) >= 0) {
		latch(&pic->chip[0], PIC_CASCADE_PIN, true);
		latch(&pic->chip[0], PIC_CASCADE_PIN, false);
	}
	pic->output = pending_pin(pic, &pic->chip[0]) >= 0;
	return pic->output && !was;
}

/* End @pin's interrupt on @c; its listeners hear of it after the lock. */
static void end_of_interrupt(struct lvmm_pic *pic, struct lvmm_pic_chip *c,
			     int pin)
{
	c->isr &= ~BIT(pin);
	pic->acked |= BIT(c == &pic->chip[1] ? pin + 8 : pin);
}

/*
 * Drop the lock after a change: recompute the output, tell the ack
 * notifiers of the pins ended, and kick a vCPU if the output rose.
 */
static void unlock_and_update(struct lvmm_vm *vm, struct lvmm_pic *pic)
	__releases(&pic->lock)
{
	unsigned long acked, unmasked;
	struct lvmm_vcpu *t;
	bool rose;

	rose = update(pic);
	acked = pic->acked;
	unmasked = pic->unmasked;
	pic->acked = 0;
	pic->unmasked = 0;
	spin_unlock(&pic->lock);

	lvmm_irq_notify_acked(vm, KVM_IRQCHIP_PIC_MASTER, acked & 0xff);
	lvmm_irq_notify_acked(vm, KVM_IRQCHIP_PIC_SLAVE, acked >> 8);
	lvmm_irq_notify_unmasked(vm, KVM_IRQCHIP_PIC_MASTER, unmasked & 0xff);
	lvmm_irq_notify_unmasked(vm, KVM_IRQCHIP_PIC_SLAVE, unmasked >> 8);
	if (!rose)
		return;
	lvmm_for_each_vcpu(t, vm) {
		if (t->lapic && lvmm_lapic_accepts_extint(t)) {
			lvmm_vcpu_request(t, LVMM_REQ_EVENT);
			return;
		}
	}
}

static void intack(struct lvmm_pic *pic, struct lvmm_pic_chip *c, int pin)
{
	c->isr |= BIT(pin);
	if (!(c->elcr & BIT(pin)))
		c->irr &= ~BIT(pin);
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (pin + 1) & 7;
		end_of_interrupt(pic, c, pin);
	}
}

/*
 * INTA, when a local APIC takes the ExtINT: the vector for the CPU, the
 * pins acknowledged. With nothing pending (another vCPU took it first, or
 * the line fell) it is IRQ 7's vector, the 8259's spurious interrupt.
 */
u8 lvmm_pic_intack(struct lvmm_vm *vm)
{
	struct lvmm_pic *pic = vm->pic;
	int pin, pin2;
	u8 vector;

	spin_lock(&pic->lock);
	pin = pending_pin(pic, &pic->chip[0]);
	if (pin < 0) {
		vector = pic->chip[0].irq_base + PIC_SPURIOUS_PIN;
	} else {
		intack(pic, &pic->chip[0], pin);
		if (pin == PIC_CASCADE_PIN) {
			pin2 = pending_pin(pic, &pic->chip[1]);
			if (pin2 >= 0)
				intack(pic, &pic->chip[1], pin2);
			else
				pin2 = PIC_SPURIOUS_PIN;
			vector = pic->chip[1].irq_base + pin2;
		} else {
			vector = pic->chip[0].irq_base + pin;
		}
	}
	unlock_and_update(vm, pic);
	return vector;
}

/* ICW1 starts over: what the 8259A resets, and what it keeps. */
static void icw1(struct lvmm_pic_chip *c, u8 val)
{
	c->init4 = val & 1;
	c->irr &= c->elcr;	/* edges latched are forgotten */
	c->last_irr = 0;
	c->imr = 0;
	c->isr = 0;
	c->priority_add = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	if (!c->init4) {
		c->auto_eoi = false;
		c->special_fully_nested = false;
	}
	c->init_state = 1;
	if (val & 0x02)
		pr_info_ratelimited("8259: single mode not supported\n");
}

static void ocw2(struct lvmm_pic *pic, struct lvmm_pic_chip *c, u8 val)
{
	int cmd = val >> 5, pin;

	switch (cmd) {
	case 0:	/* rotate in AEOI mode: clear */
	case 4:	/* ... set */
		c->rotate_on_auto_eoi = cmd == 4;
		break;
	case 1:	/* non-specific EOI */
	case 5:	/* ... and rotate */
		if (best_priority(c, c->isr) == 8)
			break;
		pin = (best_priority(c, c->isr) + c->priority_add) & 7;
		end_of_interrupt(pic, c, pin);
		if (cmd == 5)
			c->priority_add = (pin + 1) & 7;
		break;
	case 3:	/* specific EOI */
		end_of_interrupt(pic, c, val & 7);
		break;
	case 6:	/* set priority */
		c->priority_add = (val + 1) & 7;
		break;
	case 7:	/* specific EOI and rotate */
		end_of_interrupt(pic, c, val & 7);
		c->priority_add = ((val & 7) + 1) & 7;
		break;
	default:	/* 2: no operation */
		break;
	}
}

static void write_port(struct lvmm_pic *pic, struct lvmm_pic_chip *c,
		       bool data, u8 val)
{
	if (!data) {
		if (val & 0x10) {
			icw1(c, val);
		} else if (val & 0x08) {	/* OCW3 */
			if (val & 0x04)
				c->poll = true;
			if (val & 0x02)
				c->read_isr = val & 1;
			if (val & 0x40)
				c->special_mask = (val >> 5) & 1;
		} else {
			ocw2(pic, c, val);
		}
		return;
	}
	switch (c->init_state) {
	case 0:		/* OCW1 */
		pic->unmasked |= (c->imr & ~val) << (c == &pic->chip[1] ? 8 : 0);
		c->imr = val;
		break;
	case 1:		/* ICW2 */
		c->irq_base = val & 0xf8;
		c->init_state = 2;	/* cascade mode always: ICW3 next */
		break;
	case 2:		/* ICW3: the wiring is fixed here */
		c->init_state = c->init4 ? 3 : 0;
		break;
	case 3:		/* ICW4 */
		c->special_fully_nested = (val >> 4) & 1;
		c->auto_eoi = (val >> 1) & 1;
		c->init_state = 0;
		break;
	}
}

/*
 * OCW3 poll: the read takes the best pin as an INTA would, and ends it at
 * once (a poll needs no EOI); bit 7 says there was one. With none it reads
 * 0x07 (bit 7 clear), as KVM's does.
 */
static u8 poll(struct lvmm_pic *pic, struct lvmm_pic_chip *c)
{
	int pin = pending_pin(pic, c);

	if (pin < 0)
		return PIC_SPURIOUS_PIN;
	if (c == &pic->chip[1]) {
		pic->chip[0].isr &= ~BIT(PIC_CASCADE_PIN);
		pic->chip[0].irr &= ~BIT(PIC_CASCADE_PIN);
	}
	c->irr &= ~BIT(pin);
	end_of_interrupt(pic, c, pin);
	return 0x80 | pin;
}

static u8 read_port(struct lvmm_pic *pic, struct lvmm_pic_chip *c, bool data)
{
	if (c->poll) {
		c->poll = false;
		return poll(pic, c);
	}
	if (data)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/*
 * A port I/O access the pair claims: the two chips' ports and ELCR.
 * Return: claimed (the access is done; a read's value is in @val).
 */
bool lvmm_pic_pio(struct lvmm_vm *vm, u16 port, unsigned int size, bool in,
		  u32 *val)
{
	struct lvmm_pic *pic = vm->pic;
	struct lvmm_pic_chip *c;

	if (!pic)
		return false;
	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_CMD + 1:
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_CMD + 1:
		c = &pic->chip[port >= PIC_SLAVE_CMD];
		break;
	case PIC_ELCR_MASTER:
	case PIC_ELCR_MASTER + 1:
		c = &pic->chip[port & 1];
		break;
	default:
		return false;
	}
	if (size != 1) {
		pr_info_ratelimited("vm %u: 8259: %u-byte access to port %#x dropped\n",
				    vm->id, size, port);
		if (in)
			*val = 0;
		return true;
	}
	spin_lock(&pic->lock);
	if (port >= PIC_ELCR_MASTER) {
		if (in)
			*val = c->elcr;
		else
			c->elcr = *val & c->elcr_mask;
	} else if (in) {
		*val = read_port(pic, c, port & 1);
	} else {
		write_port(pic, c, port & 1, *val);
	}
	unlock_and_update(vm, pic);
	return true;
}

/* Source @src sets pin @pin (0-15) to @level. KVM's status: -1 masked. */
int lvmm_pic_set_irq(struct lvmm_vm *vm, int src, u32 pin, bool level)
{
	struct lvmm_pic *pic = vm->pic;
	u16 high = 0;
	int i, ret;

	if (!pic)
		return -ENXIO;
	if (pin >= LVMM_PIC_PINS || src >= LVMM_IRQ_SOURCES)
		return -EINVAL;
	spin_lock(&pic->lock);
	if (level)
		pic->source[src] |= BIT(pin);
	else
		pic->source[src] &= ~BIT(pin);
	for (i = 0; i < LVMM_IRQ_SOURCES; i++)
		high |= pic->source[i];
	ret = latch(&pic->chip[pin >> 3], pin & 7, high & BIT(pin));
	unlock_and_update(vm, pic);
	return ret;
}

/* Is the master's INT line high? Read without the lock, as a hint. */
bool lvmm_pic_output(struct lvmm_vm *vm)
{
	return vm->pic && READ_ONCE(vm->pic->output);
}

int lvmm_pic_create(struct lvmm_vm *vm)
{
	struct lvmm_pic *pic = kzalloc(sizeof(*pic), GFP_KERNEL_ACCOUNT);

	if (!pic)
		return -ENOMEM;
	spin_lock_init(&pic->lock);
	/* IRQ 0, 1, 2, 8 and 13 are always edge (PIIX3/ICH ELCR). */
	pic->chip[0].elcr_mask = 0xf8;
	pic->chip[1].elcr_mask = 0xde;
	vm->pic = pic;
	return 0;
}

void lvmm_pic_destroy(struct lvmm_vm *vm)
{
	kfree(vm->pic);
	vm->pic = NULL;
}

/* KVM_GET_IRQCHIP for KVM_IRQCHIP_PIC_MASTER (0) or _SLAVE (1). */
void lvmm_pic_get_state(struct lvmm_vm *vm, int chip, struct kvm_pic_state *s)
{
	struct lvmm_pic *pic = vm->pic;
	struct lvmm_pic_chip *c = &pic->chip[chip];

	spin_lock(&pic->lock);
	*s = (struct kvm_pic_state){
		.last_irr = c->last_irr, .irr = c->irr, .imr = c->imr,
		.isr = c->isr, .priority_add = c->priority_add,
		.irq_base = c->irq_base, .read_reg_select = c->read_isr,
		.poll = c->poll, .special_mask = c->special_mask,
		.init_state = c->init_state, .auto_eoi = c->auto_eoi,
		.rotate_on_auto_eoi = c->rotate_on_auto_eoi,
		.special_fully_nested_mode = c->special_fully_nested,
		.init4 = c->init4, .elcr = c->elcr, .elcr_mask = c->elcr_mask,
	};
	spin_unlock(&pic->lock);
}

/*
 * KVM_SET_IRQCHIP: the state as given, as KVM takes it, but for the ELCR
 * mask, which is the chipset's and stays (a pin that is always edge cannot
 * be made level by a saved state).
 */
void lvmm_pic_set_state(struct lvmm_vm *vm, int chip,
			const struct kvm_pic_state *s)
{
	struct lvmm_pic *pic = vm->pic;
	struct lvmm_pic_chip *c = &pic->chip[chip];

	spin_lock(&pic->lock);
	c->last_irr = s->last_irr;
	c->irr = s->irr;
	c->imr = s->imr;
	c->isr = s->isr;
	c->priority_add = s->priority_add & 7;
	c->irq_base = s->irq_base;
	c->read_isr = s->read_reg_select;
	c->poll = s->poll;
	c->special_mask = s->special_mask;
	c->init_state = s->init_state & 3;
	c->auto_eoi = s->auto_eoi;
	c->rotate_on_auto_eoi = s->rotate_on_auto_eoi;
	c->special_fully_nested = s->special_fully_nested_mode;
	c->init4 = s->init4;
	c->elcr = s->elcr & c->elcr_mask;
	unlock_and_update(vm, pic);
}
