// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC: what KVM_CREATE_IRQCHIP gives every vCPU, and
 * its registers.
 *
 * The registers live in a 1 KiB array at their xAPIC offsets, which is also
 * the layout of KVM_GET_LAPIC. The guest reaches them by MMIO at APIC_BASE
 * (xAPIC) or by the MSRs 0x800-0x8ff (x2APIC). Interrupts come from the
 * APIC timer (lapic_timer.c), from IPIs of other vCPUs (lapic_ipi.c) and
 * from the IOAPIC; each sets a bit in IRR and kicks the vCPU, which takes
 * them into the guest (lapic_inject.c).
 *
 * Not modelled: the CR8/TPR link, the error status register (always 0),
 * SMI and NMI IPIs (lapic_ipi.c).
 */
#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/slab.h>

#include "arch.h"
#include "irq.h"
#include "lapic_internal.h"
#include "request.h"
#include "vcpu.h"
#include "vm.h"

#define LAPIC_VERSION		0x14	/* integrated APIC */
#define LAPIC_MAX_LVT		6	/* LVT entries minus one: CMCI too */
#define X2APIC_MSR_BASE		0x800
#define X2APIC_MSR_LAST		0x8ff
#define APIC_BASE_RESERVED	(~(MSR_IA32_APICBASE_BSP | X2APIC_ENABLE | \
				   MSR_IA32_APICBASE_ENABLE | \
				   GENMASK_ULL(51, 12)))

/* ICR bits the x2APIC faults on: 31:20, 17:16 and 13 (busy, 12, is not). */
#define X2APIC_ICR_RESERVED	(GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | \
				 BIT_ULL(13))

/* End the interrupt in service; a level one's vector for the IOAPIC, or -1. */
/* End the highest vector in service: it, or -1; *@level from TMR. */
static int eoi(struct lvmm_lapic *a, bool *level)
{
	int v = vec_highest(a, APIC_ISR);

	if (v < 0)
		return -1;
	vec_clear(a, APIC_ISR, v);
	*level = vec_test(a, APIC_TMR, v);
	return v;
}

static void mask_lvts(struct lvmm_lapic *a)
{
	static const u32 lvts[] = { APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC,
				    APIC_LVT0, APIC_LVT1, APIC_LVTERR,
				    APIC_LVTCMCI };
	int i;

	for (i = 0; i < ARRAY_SIZE(lvts); i++)
		*reg(a, lvts[i]) |= APIC_LVT_MASKED;
}

static void reset_regs(struct lvmm_lapic *a)
{
	memset(a->regs, 0, sizeof(a->regs));
	*reg(a, APIC_ID) = a->vcpu->id << 24;
	*reg(a, APIC_LVR) = LAPIC_VERSION | (LAPIC_MAX_LVT << 16);
	*reg(a, APIC_DFR) = 0xffffffff;
	*reg(a, APIC_SPIV) = 0xff;
	mask_lvts(a);
	/*
	 * KVM's KVM_X86_QUIRK_LINT0_REENABLED: the BSP's LINT0 comes out of
	 * reset as unmasked ExtINT, the 8259's virtual wire that BIOSes
	 * expect, and not masked as the SDM says.
	 */
	if (!a->vcpu->id &&
	    !(READ_ONCE(a->vcpu->vm->disabled_quirks) &
	      KVM_X86_QUIRK_LINT0_REENABLED))
		*reg(a, APIC_LVT0) = APIC_DM_EXTINT;
	a->tsc_deadline = 0;
	a->period_ns = 0;
}

/*
 * INIT: the registers as after RESET, but for the APIC ID and, in x2APIC
 * mode, the LDR derived from it; IA32_APIC_BASE stays as it is (KVM's
 * kvm_lapic_reset() with init_event). The vCPU's own thread, no lock held.
 */
void lvmm_lapic_init_reset(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	u32 id, ldr;

	hrtimer_cancel(&a->timer);
	raw_spin_lock_irqsave(&a->lock, flags);
	id = *reg(a, APIC_ID);
	ldr = *reg(a, APIC_LDR);
	reset_regs(a);
	*reg(a, APIC_ID) = id;
	if (x2apic_mode(vcpu))
		*reg(a, APIC_LDR) = ldr;
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

static u32 read_reg(struct lvmm_lapic *a, u32 off)
{
	switch (off) {
	case APIC_PROCPRI:
		return ppr(a);
	case APIC_TMCCT:
		return lvmm_lapic_timer_current_count(a);
	case APIC_ICR:
		return *reg(a, off) & ~APIC_ICR_BUSY;
	default:
		return *reg(a, off);
	}
}

/* Registers a read may name: the rest read as 0 (xAPIC) or #GP (x2APIC). */
static bool readable(u32 off, bool x2apic)
{
	switch (off) {
	case APIC_ID: case APIC_LVR: case APIC_TASKPRI: case APIC_PROCPRI:
	case APIC_LDR: case APIC_SPIV: case APIC_ESR: case APIC_ICR:
	case APIC_LVTCMCI: case APIC_LVTT: case APIC_LVTTHMR: case APIC_LVTPC:
	case APIC_LVT0: case APIC_LVT1: case APIC_LVTERR: case APIC_TMICT:
	case APIC_TMCCT: case APIC_TDCR:
		return true;
	case APIC_ARBPRI: case APIC_DFR: case APIC_ICR2:
		return !x2apic;
	default:
		return off >= APIC_ISR && off < APIC_ESR;	/* ISR, TMR, IRR */
	}
}

/* What a register write leaves to do once a->lock is dropped. */
struct after_write {
	bool ipi;		/* send the IPI in ICR */
	bool timer;		/* start or stop the count: lvmm_lapic_timer_restart() */
	u32 old_divisor;	/* rescale the running count; 0: no */
	int eoi;		/* vector ended, for the IOAPIC; or -1 */
	bool eoi_level;		/* ... and it was level-triggered */
};

/*
 * A register write, under a->lock. Returns -EINVAL for a write the x2APIC
 * interface faults on.
 */
static int write_reg(struct lvmm_lapic *a, u32 off, u32 val, bool x2apic,
		     struct after_write *after)
{
	u32 div;

	switch (off) {
	case APIC_ID:
		if (x2apic)
			return -EINVAL;
		*reg(a, off) = val & 0xff000000;
		break;
	case APIC_TASKPRI:
		*reg(a, off) = val & 0xff;
		break;
	case APIC_EOI:
		after->eoi = eoi(a, &after->eoi_level);
		break;
	case APIC_LDR:
		if (x2apic)
			return -EINVAL;
		*reg(a, off) = val & 0xff000000;
		break;
	case APIC_DFR:
		if (x2apic)
			return -EINVAL;
		*reg(a, off) = val | 0x0fffffff;
		break;
	case APIC_SPIV:
		*reg(a, off) = val & 0x3ff;
		/* The timer counts on; masked, it delivers nothing. */
		if (!(val & APIC_SPIV_APIC_ENABLED))
			mask_lvts(a);
		break;
	case APIC_ESR:
		*reg(a, off) = 0;
		break;
	case APIC_ICR:
		*reg(a, off) = val & ~APIC_ICR_BUSY;
		after->ipi = true;
		break;
	case APIC_ICR2:
		if (x2apic)
			return -EINVAL;
		*reg(a, off) = val & 0xff000000;
		break;
	case APIC_LVTT:
		val &= APIC_VECTOR_MASK | APIC_LVT_MASKED | LVT_TIMER_MODE;
		if (!sw_enabled(a))
			val |= APIC_LVT_MASKED;
		/*
		 * As in KVM, only TMICT starts the count: an LVTT write must
		 * not fire a one-shot again or shift a period. Between
		 * one-shot and periodic it counts on (lvmm_lapic_timer_fire() reads the
		 * mode); to or from TSC-deadline mode, which counts something
		 * else, it stops with TMICT and the deadline cleared.
		 */
		if (((val & LVT_TIMER_MODE) == LVT_TIMER_TSCDEADLINE) !=
		    (timer_mode(a) == LVT_TIMER_TSCDEADLINE)) {
			*reg(a, APIC_TMICT) = 0;
			a->tsc_deadline = 0;
			after->timer = true;
		}
		*reg(a, off) = val;
		break;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
	case APIC_LVTCMCI:
		val &= APIC_VECTOR_MASK | APIC_MODE_MASK | APIC_INPUT_POLARITY |
		       APIC_LVT_LEVEL_TRIGGER | APIC_LVT_MASKED;
		if (!sw_enabled(a))
			val |= APIC_LVT_MASKED;
		*reg(a, off) = val;
		break;
	case APIC_TMICT:
		if (timer_mode(a) != LVT_TIMER_TSCDEADLINE) {
			*reg(a, off) = val;
			after->timer = true;
		}
		break;
	case APIC_TDCR:
		div = timer_divisor(a);
		*reg(a, off) = val & 0xb;
		if (timer_divisor(a) != div && a->period_ns)
			after->old_divisor = div;
		break;
	case APIC_SELF_IPI:
		if (!x2apic)
			return 0;
		lvmm_lapic_accept(a, val & APIC_VECTOR_MASK, false);
		break;
	default:
		/* Read-only or reserved: ignored by xAPIC, #GP by x2APIC. */
		return x2apic ? -EINVAL : 0;
	}
	return 0;
}

/*
 * The guest ended @vector: the in-kernel IOAPIC hears of it (its ack
 * notifiers want edge pins too, for the 8254's reinjection), or, with a
 * split irqchip and a level-triggered vector, the VMM's IOAPIC
 * (KVM_EXIT_IOAPIC_EOI, from the run loop once this exit is done).
 */
static void ioapic_eoi(struct lvmm_vcpu *vcpu, u8 vector, bool level)
{
	if (lvmm_irqchip_mode(vcpu->vm) != LVMM_IRQCHIP_SPLIT) {
		lvmm_ioapic_eoi(vcpu->vm, vector, level);
		return;
	}
	if (level && lvmm_irq_split_eoi(vcpu->vm, vector)) {
		vcpu->eoi_exit_vector = vector;
		set_bit(LVMM_REQ_IOAPIC_EOI, &vcpu->requests);
	}
}

/* Write @val (and, for the x2APIC ICR, @hi) to register @off. */
static int lapic_write(struct lvmm_vcpu *vcpu, u32 off, u32 val, u32 hi)
{
	struct after_write after = { .eoi = -1 };
	struct lvmm_lapic *a = vcpu->lapic;
	bool x2apic = x2apic_mode(vcpu);
	unsigned long flags;
	u32 icr = 0, dest = 0;
	int ret;

	raw_spin_lock_irqsave(&a->lock, flags);
	if (x2apic && off == APIC_ICR)
		*reg(a, APIC_ICR2) = hi;
	ret = write_reg(a, off, val, x2apic, &after);
	if (after.ipi) {
		icr = *reg(a, APIC_ICR);
		dest = x2apic ? *reg(a, APIC_ICR2) : *reg(a, APIC_ICR2) >> 24;
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
	if (after.ipi)
		lvmm_lapic_send_ipi(vcpu, icr, dest);
	if (after.timer)
		lvmm_lapic_timer_restart(a);
	if (after.old_divisor)
		lvmm_lapic_timer_rescale(a, after.old_divisor);
	if (after.eoi >= 0)
		ioapic_eoi(vcpu, after.eoi, after.eoi_level);
	if (off == APIC_SELF_IPI || off == APIC_EOI || off == APIC_TASKPRI)
		set_bit(LVMM_REQ_EVENT, &vcpu->requests);
	return ret;
}

/*
 * An xAPIC MMIO access to the TPR, with KVM_TPR_ACCESS_REPORTING on
 * (lapic_vapic.c): KVM_EXIT_TPR_ACCESS once the instruction is done, with
 * its RIP, which has not moved past it yet.
 */
static void report_tpr_access(struct lvmm_vcpu *vcpu, bool write)
{
	if (!vcpu->tpr_access_reporting)
		return;
	vcpu->run->tpr_access.rip = vcpu->rip;
	vcpu->run->tpr_access.is_write = write;
	set_bit(LVMM_REQ_TPR_ACCESS, &vcpu->requests);
}

/* CR8, the TPR's priority class, for kvm_run (KVM's kvm_lapic_get_cr8()). */
u8 lvmm_lapic_get_cr8(struct lvmm_vcpu *vcpu)
{
	return (READ_ONCE(*reg(vcpu->lapic, APIC_TASKPRI)) >> 4) & 0xf;
}

/* The TPR as a guest write sets it; the vapic page's sync (lapic_vapic.c). */
void lvmm_lapic_set_tpr(struct lvmm_vcpu *vcpu, u32 tpr)
{
	lapic_write(vcpu, APIC_TASKPRI, tpr, 0);
}

bool lvmm_lapic_mmio(struct lvmm_vcpu *vcpu, u64 gpa, unsigned int size,
		     bool write, u64 *val)
{
	u64 base = vcpu->apic_base & GENMASK_ULL(51, 12);
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	u32 off, v = 0;

	if (!a || !hw_enabled(vcpu) || x2apic_mode(vcpu) ||
	    gpa < base || gpa >= base + PAGE_SIZE)
		return false;
	off = gpa - base;
	if ((off & ~0xfU) == APIC_TASKPRI)
		report_tpr_access(vcpu, write);
	/* Only the low 4 bytes of each 16-byte slot hold a register. */
	if (write) {
		if ((off & 0xf) == 0 && size == 4 && off < LVMM_LAPIC_REGS_SIZE)
			lapic_write(vcpu, off, *val, 0);
		return true;
	}
	if ((off & 0xf) + size <= 4 && (off & ~0xfU) < LVMM_LAPIC_REGS_SIZE &&
	    readable(off & ~0xfU, false)) {
		raw_spin_lock_irqsave(&a->lock, flags);
		v = read_reg(a, off & ~0xfU);
		raw_spin_unlock_irqrestore(&a->lock, flags);
		v >>= (off & 0xf) * 8;
	}
	*val = v;
	return true;
}

static bool is_x2apic_msr(u32 index)
{
	return index >= X2APIC_MSR_BASE && index <= X2APIC_MSR_LAST;
}

/* The xAPIC offset of an x2APIC MSR. */
static u32 x2apic_off(u32 index)
{
	return (index - X2APIC_MSR_BASE) << 4;
}

int lvmm_lapic_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	u32 off;

	if (!a)
		return -ENOENT;
	if (index == MSR_IA32_TSC_DEADLINE) {
		*data = timer_mode(a) == LVT_TIMER_TSCDEADLINE ? a->tsc_deadline : 0;
		return 0;
	}
	if (!is_x2apic_msr(index))
		return -ENOENT;
	off = x2apic_off(index);
	if (!x2apic_mode(vcpu) || off >= LVMM_LAPIC_REGS_SIZE ||
	    !readable(off, true))
		return -EINVAL;
	raw_spin_lock_irqsave(&a->lock, flags);
	*data = read_reg(a, off);
	if (off == APIC_ICR)
		*data |= (u64)*reg(a, APIC_ICR2) << 32;
	raw_spin_unlock_irqrestore(&a->lock, flags);
	return 0;
}

int lvmm_lapic_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	u32 off;

	if (!a)
		return -ENOENT;
	if (index == MSR_IA32_TSC_DEADLINE) {
		if (timer_mode(a) != LVT_TIMER_TSCDEADLINE)
			return 0;	/* ignored, as on hardware */
		hrtimer_cancel(&a->timer);
		raw_spin_lock_irqsave(&a->lock, flags);
		a->tsc_deadline = data;
		raw_spin_unlock_irqrestore(&a->lock, flags);
		lvmm_lapic_timer_restart(a);
		return 0;
	}
	if (!is_x2apic_msr(index))
		return -ENOENT;
	off = x2apic_off(index);
	if (!x2apic_mode(vcpu) || off >= LVMM_LAPIC_REGS_SIZE)
		return -EINVAL;
	/* Reserved bits fault; EOI and SELF_IPI take only what they use. */
	if (off != APIC_ICR && (data >> 32))
		return -EINVAL;
	if (off == APIC_ICR && (data & X2APIC_ICR_RESERVED))
		return -EINVAL;
	if (off == APIC_EOI && data && !host)
		return -EINVAL;
	return lapic_write(vcpu, off, data, data >> 32);
}

/* x2APIC mode: the ID is the vCPU id, the LDR derived from it. Under a->lock. */
static void set_x2apic_ids(struct lvmm_lapic *a)
{
	u32 id = a->vcpu->id;

	*reg(a, APIC_ID) = id;
	*reg(a, APIC_LDR) = ((id >> 4) << 16) | BIT(id & 0xf);
}

/*
 * x2APIC needs the APIC enabled; a guest may leave x2APIC mode only by
 * disabling the APIC (the VMM may restore any valid state).
 */
bool lvmm_apic_base_valid(struct lvmm_vcpu *vcpu, u64 data, bool host)
{
	u64 old = vcpu->apic_base;

	if (data & APIC_BASE_RESERVED)
		return false;
	if ((data & X2APIC_ENABLE) && !(data & MSR_IA32_APICBASE_ENABLE))
		return false;
	return host || !(old & X2APIC_ENABLE) ||
	       !(data & MSR_IA32_APICBASE_ENABLE) || (data & X2APIC_ENABLE);
}

/*
 * IA32_APIC_BASE: base, global enable and x2APIC mode. Disabling resets the
 * APIC's registers; entering x2APIC mode fixes the ID and LDR, and leaving
 * it for xAPIC puts the ID back in xAPIC form.
 */
int lvmm_set_apic_base(struct lvmm_vcpu *vcpu, u64 data, bool host)
{
	struct lvmm_lapic *a = vcpu->lapic;
	u64 old = vcpu->apic_base;
	unsigned long flags;

	if (!lvmm_apic_base_valid(vcpu, data, host))
		return -EINVAL;
	vcpu->apic_base = data;
	if (!a || old == data)
		return 0;

	if (!(data & MSR_IA32_APICBASE_ENABLE)) {
		hrtimer_cancel(&a->timer);
		raw_spin_lock_irqsave(&a->lock, flags);
		reset_regs(a);
		raw_spin_unlock_irqrestore(&a->lock, flags);
		/*
		 * An interrupt taken from IRR and not yet delivered went to
		 * ISR, which the reset just cleared: it goes too, or the
		 * guest would take a vector its APIC no longer has in
		 * service. KVM's vCPU reset likewise empties its interrupt
		 * queue with the APIC. With the APIC, irq_pending holds
		 * nothing else; the window it waited for goes with it.
		 */
		vcpu->irq_pending = false;
		vcpu->irq_window = false;
	} else if ((data ^ old) & X2APIC_ENABLE) {
		raw_spin_lock_irqsave(&a->lock, flags);
		if (data & X2APIC_ENABLE)
			set_x2apic_ids(a);
		else	/* only the VMM can do this: KVM's ABI */
			*reg(a, APIC_ID) = vcpu->id << 24;
		raw_spin_unlock_irqrestore(&a->lock, flags);
	}
	set_bit(LVMM_REQ_EVENT, &vcpu->requests);
	return 0;
}

/*
 * KVM_GET/SET_LAPIC show an x2APIC-mode ID as the xAPIC would hold it (in
 * bits 31:24) unless the VMM enabled KVM_X2APIC_API_USE_32BIT_IDS, as KVM
 * does. The x2APIC ID is read-only: a set ignores it, or, in the 32-bit
 * format, refuses one that is not the vCPU's.
 */
static bool x2apic_32bit_ids(struct lvmm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->vm->x2apic_api) & KVM_X2APIC_API_USE_32BIT_IDS;
}

void lvmm_lapic_get_state(struct lvmm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;

	BUILD_BUG_ON(sizeof(a->regs) != sizeof(s->regs));
	raw_spin_lock_irqsave(&a->lock, flags);
	memcpy(s->regs, a->regs, sizeof(s->regs));
	*(u32 *)(s->regs + APIC_TMCCT) = lvmm_lapic_timer_current_count(a);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	if (x2apic_mode(vcpu) && !x2apic_32bit_ids(vcpu))
		*(u32 *)(s->regs + APIC_ID) <<= 24;
}

int lvmm_lapic_set_state(struct lvmm_vcpu *vcpu, const struct kvm_lapic_state *s)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;

	if (x2apic_mode(vcpu) && x2apic_32bit_ids(vcpu) &&
	    *(u32 *)(s->regs + APIC_ID) != vcpu->id)
		return -EINVAL;
	hrtimer_cancel(&a->timer);
	raw_spin_lock_irqsave(&a->lock, flags);
	memcpy(a->regs, s->regs, sizeof(a->regs));
	*reg(a, APIC_LVR) = LAPIC_VERSION | (LAPIC_MAX_LVT << 16);
	*reg(a, APIC_TMCCT) = 0;
	if (x2apic_mode(vcpu))
		set_x2apic_ids(a);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	lvmm_lapic_timer_restart(a);
	set_bit(LVMM_REQ_EVENT, &vcpu->requests);
	return 0;
}

int lvmm_lapic_create(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	a->vcpu = vcpu;
	raw_spin_lock_init(&a->lock);
	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	a->timer.function = lvmm_lapic_timer_fire;
	reset_regs(a);
	vcpu->lapic = a;
	return 0;
}

void lvmm_lapic_destroy(struct lvmm_vcpu *vcpu)
{
	if (!vcpu->lapic)
		return;
	hrtimer_cancel(&vcpu->lapic->timer);
	kfree(vcpu->lapic);
	vcpu->lapic = NULL;
}
