// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC: what KVM_CREATE_IRQCHIP gives every vCPU.
 *
 * The registers live in a 1 KiB array at their xAPIC offsets, which is also
 * the layout of KVM_GET_LAPIC. The guest reaches them by MMIO at APIC_BASE
 * (xAPIC) or by the MSRs 0x800-0x8ff (x2APIC). Interrupts come from the
 * APIC timer, from IPIs of other vCPUs and from the IOAPIC; each sets a
 * bit in IRR and kicks the vCPU. Before every entry the run loop asks
 * lvmm_lapic_inject() for the highest IRR vector above the processor
 * priority, moves it to ISR and hands it to the backend's event injection.
 *
 * The APIC timer counts at 1 GHz, as KVM's does, divided by TDCR.
 * INIT and SIPI IPIs are latched here, in @init_sipi, and acted on by the
 * target vCPU itself (mp_state.c), which alone may touch its registers.
 *
 * Not modelled: the CR8/TPR link, the error status register (always 0),
 * lowest-priority arbitration (the first enabled destination wins), SMI
 * and NMI (NMIs are counted and dropped: lvmm has no NMI injection).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/math64.h>
#include <linux/rcuwait.h>
#include <linux/slab.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>
#include <trace/events/ipi.h>

#include "lvmm.h"
#include "lapic.h"

#define LAPIC_VERSION		0x14	/* integrated APIC */
#define LAPIC_MAX_LVT		6	/* LVT entries minus one: CMCI too */
#define LAPIC_BUS_NS		1	/* one timer tick per ns before TDCR */
#define LAPIC_MIN_PERIOD_NS	100000	/* as KVM's min_timer_period_us */
#define X2APIC_MSR_BASE		0x800
#define X2APIC_MSR_LAST		0x8ff
#define APIC_BASE_RESERVED	(~(MSR_IA32_APICBASE_BSP | X2APIC_ENABLE | \
				   MSR_IA32_APICBASE_ENABLE | \
				   GENMASK_ULL(51, 12)))

#define ICR_SHORTHAND		(3 << 18)
/* ICR bits the x2APIC faults on: 31:20, 17:16 and 13 (busy, 12, is not). */
#define X2APIC_ICR_RESERVED	(GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | \
				 BIT_ULL(13))
#define LVT_TIMER_MODE		(3 << 17)
#define LVT_TIMER_ONESHOT	0
#define LVT_TIMER_PERIODIC	BIT(17)
#define LVT_TIMER_TSCDEADLINE	BIT(18)

static u32 *reg(struct lvmm_lapic *a, u32 off)
{
	return &a->regs[off / 4];
}

/* IRR, ISR and TMR: 256 bits in eight u32 registers, 16 bytes apart. */
static void vec_set(struct lvmm_lapic *a, u32 base, u8 v)
{
	*reg(a, base + (v / 32) * 0x10) |= BIT(v % 32);
}

static void vec_clear(struct lvmm_lapic *a, u32 base, u8 v)
{
	*reg(a, base + (v / 32) * 0x10) &= ~BIT(v % 32);
}

static bool vec_test(struct lvmm_lapic *a, u32 base, u8 v)
{
	return *reg(a, base + (v / 32) * 0x10) & BIT(v % 32);
}

static int vec_highest(struct lvmm_lapic *a, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = *reg(a, base + i * 0x10);

		if (w)
			return i * 32 + fls(w) - 1;
	}
	return -1;
}

static bool x2apic_mode(struct lvmm_vcpu *vcpu)
{
	return vcpu->apic_base & X2APIC_ENABLE;
}

static bool hw_enabled(struct lvmm_vcpu *vcpu)
{
	return vcpu->apic_base & MSR_IA32_APICBASE_ENABLE;
}

static bool sw_enabled(struct lvmm_lapic *a)
{
	return *reg(a, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

/* Processor priority: the higher of TPR and the class in service. */
static u32 ppr(struct lvmm_lapic *a)
{
	u32 tpr = *reg(a, APIC_TASKPRI) & 0xff;
	int isr = vec_highest(a, APIC_ISR);
	u32 isrv = isr < 0 ? 0 : isr;

	return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}

/* The vector to deliver now, or -1. Under a->lock. */
static int pending_vector(struct lvmm_lapic *a)
{
	int irr;

	if (!hw_enabled(a->vcpu))
		return -1;
	irr = vec_highest(a, APIC_IRR);
	if (irr < 0 || (irr & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return irr;
}

/*
 * Wake the vCPU for an event: out of HLT, or out of the guest so that the
 * run loop looks at IRR again before the next entry. Called from the APIC
 * timer's hard interrupt callback too, hence an rcuwait: waking one takes
 * only the task's raw pi_lock, where a wait queue's spinlock would sleep
 * on PREEMPT_RT (KVM's kvm_vcpu_wake_up() does the same). The write the
 * waiter's condition reads was made before, under a->lock, and
 * rcuwait_wake_up() orders it before its look at the waiting task.
 */
static void kick(struct lvmm_vcpu *vcpu)
{
	set_bit(LVMM_REQ_EVENT, &vcpu->requests);
	/* Pairs with smp_store_mb() in lvmm_vcpu_prepare_entry(). */
	smp_mb__after_atomic();
	rcuwait_wake_up(&vcpu->wait);
	if (READ_ONCE(vcpu->mode) == LVMM_IN_GUEST) {
		int cpu = READ_ONCE(vcpu->cpu);

		if (cpu >= 0 && cpu != raw_smp_processor_id())
			smp_send_reschedule(cpu);
	}
}

/*
 * Accept @vector into IRR, or drop it: an illegal vector (ESR is not
 * modelled), or any vector while the APIC is software-disabled, which
 * takes no fixed interrupts (KVM's __apic_accept_irq() too). Under
 * a->lock; the caller kicks. Return: accepted.
 */
static bool accept(struct lvmm_lapic *a, u8 vector, bool level)
{
	if (vector < 16 || !sw_enabled(a))
		return false;
	vec_set(a, APIC_IRR, vector);
	if (level)
		vec_set(a, APIC_TMR, vector);
	else
		vec_clear(a, APIC_TMR, vector);
	return true;
}

/* A fixed interrupt for @vcpu. Return: its APIC took it. */
bool lvmm_lapic_deliver(struct lvmm_vcpu *vcpu, u8 vector, bool level)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	bool taken;

	raw_spin_lock_irqsave(&a->lock, flags);
	taken = accept(a, vector, level);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	if (taken)
		kick(vcpu);
	return taken;
}

void lvmm_lapic_inject(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	int v;

	vcpu->irq_window = false;
	if (vcpu->irq_pending)
		return;
	raw_spin_lock_irqsave(&a->lock, flags);
	v = pending_vector(a);
	if (v >= 0) {
		if (lvmm_arch->interrupt_allowed(vcpu)) {
			vec_clear(a, APIC_IRR, v);
			vec_set(a, APIC_ISR, v);
			vcpu->irq_pending = true;
			vcpu->irq_vector = v;
		} else {
			vcpu->irq_window = true;
		}
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

/*
 * HLT ends when an interrupt the guest would take is pending: in IRR, or
 * already taken from it (irq_pending). The second happens when a tick came
 * while the guest sat in the STI shadow right before its HLT: the vector
 * went to ISR for delivery, the shadow held it back, and HLT exited first.
 * With only IRR looked at, that vCPU slept with its interrupt in hand and
 * every later tick blocked behind it in ISR.
 */
bool lvmm_lapic_runnable(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	int v;

	if (!lvmm_arch->interrupt_allowed(vcpu))
		return false;
	if (READ_ONCE(vcpu->irq_pending))
		return true;
	raw_spin_lock_irqsave(&a->lock, flags);
	v = pending_vector(a);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	return v >= 0;
}

/* End the interrupt in service; a level one's vector for the IOAPIC, or -1. */
static int eoi(struct lvmm_lapic *a)
{
	int v = vec_highest(a, APIC_ISR);

	if (v < 0)
		return -1;
	vec_clear(a, APIC_ISR, v);
	return vec_test(a, APIC_TMR, v) ? v : -1;
}

/* --- Timer --- */

static u32 timer_divisor(struct lvmm_lapic *a)
{
	u32 tdcr = *reg(a, APIC_TDCR);

	return 1U << ((((tdcr & 3) | ((tdcr & 8) >> 1)) + 1) & 7);
}

static u32 timer_mode(struct lvmm_lapic *a)
{
	return *reg(a, APIC_LVTT) & LVT_TIMER_MODE;
}

/*
 * The length of a one-shot count, or of a period: TMICT ticks. A short
 * period is stretched, as KVM does, or its hrtimer would eat the host CPU.
 * Under a->lock.
 */
static u64 timer_count_ns(struct lvmm_lapic *a)
{
	u64 ns = (u64)*reg(a, APIC_TMICT) * timer_divisor(a) * LAPIC_BUS_NS;

	if (ns && timer_mode(a) == LVT_TIMER_PERIODIC)
		ns = max_t(u64, ns, LAPIC_MIN_PERIOD_NS);
	return ns;
}

static enum hrtimer_restart timer_fire(struct hrtimer *t)
{
	struct lvmm_lapic *a = container_of(t, struct lvmm_lapic, timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;
	u32 lvt;

	raw_spin_lock_irqsave(&a->lock, flags);
	lvt = *reg(a, APIC_LVTT);
	if (!(lvt & APIC_LVT_MASKED))
		accept(a, lvt & APIC_VECTOR_MASK, false);
	if (timer_mode(a) == LVT_TIMER_PERIODIC && a->period_ns) {
		/* A one-shot turned periodic while it ran has no floor yet. */
		a->period_ns = max_t(u64, a->period_ns, LAPIC_MIN_PERIOD_NS);
		hrtimer_forward_now(t, ns_to_ktime(a->period_ns));
		a->expires = hrtimer_get_expires(t);
		ret = HRTIMER_RESTART;
	} else if (timer_mode(a) == LVT_TIMER_TSCDEADLINE) {
		a->tsc_deadline = 0;
	} else {
		a->period_ns = 0;
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
	kick(a->vcpu);
	return ret;
}

/*
 * Start the count from the top after TMICT or TSC_DEADLINE was written, a
 * switch to or from TSC-deadline mode cleared them, or KVM_SET_LAPIC;
 * with nothing to count, just stop it. vCPU thread, no lock.
 */
static void timer_restart(struct lvmm_lapic *a)
{
	struct lvmm_vcpu *vcpu = a->vcpu;
	unsigned long flags;
	u64 ns = 0, tsc;

	hrtimer_cancel(&a->timer);
	if (timer_mode(a) == LVT_TIMER_TSCDEADLINE && a->tsc_deadline &&
	    !lvmm_arch->get_msr(vcpu, MSR_IA32_TSC, &tsc) && tsc_khz) {
		if (a->tsc_deadline > tsc)
			ns = mul_u64_u32_div(a->tsc_deadline - tsc, 1000000, tsc_khz);
	}
	raw_spin_lock_irqsave(&a->lock, flags);
	switch (timer_mode(a)) {
	case LVT_TIMER_ONESHOT:
	case LVT_TIMER_PERIODIC:
		ns = timer_count_ns(a);
		a->period_ns = ns;
		if (!ns)
			goto out;
		break;
	case LVT_TIMER_TSCDEADLINE:
		a->period_ns = 0;
		if (!a->tsc_deadline)
			goto out;
		break;
	default:
		a->period_ns = 0;
		goto out;
	}
	a->expires = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&a->timer, a->expires, HRTIMER_MODE_ABS_HARD);
out:
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

/*
 * TDCR changed the divisor of a running count: the ticks left stay what
 * they were, so the time left scales by new / @old_divisor (KVM's
 * update_target_expiration()). vCPU thread, no lock.
 */
static void timer_rescale(struct lvmm_lapic *a, u32 old_divisor)
{
	unsigned long flags;
	ktime_t now;
	s64 left;
	u64 ns;

	hrtimer_cancel(&a->timer);
	raw_spin_lock_irqsave(&a->lock, flags);
	/* A one-shot that ran out before the cancel has nothing left. */
	if (a->period_ns && timer_mode(a) != LVT_TIMER_TSCDEADLINE) {
		now = ktime_get();
		left = max_t(s64, ktime_to_ns(ktime_sub(a->expires, now)), 0);
		ns = mul_u64_u32_div(left, timer_divisor(a), old_divisor);
		a->period_ns = timer_count_ns(a);
		a->expires = ktime_add_ns(now, ns);
		hrtimer_start(&a->timer, a->expires, HRTIMER_MODE_ABS_HARD);
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

static u32 timer_current_count(struct lvmm_lapic *a)
{
	s64 left;

	if (timer_mode(a) == LVT_TIMER_TSCDEADLINE || !a->period_ns ||
	    !hrtimer_active(&a->timer))
		return 0;
	left = ktime_to_ns(ktime_sub(a->expires, ktime_get()));
	if (left <= 0)
		return 0;
	return div_u64(left, timer_divisor(a) * LAPIC_BUS_NS);
}

/* --- IPIs --- */

static bool logical_match(struct lvmm_vcpu *t, u32 dest, bool x2apic)
{
	u32 ldr = *reg(t->lapic, APIC_LDR);

	if (x2apic)
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	ldr >>= 24;
	if (*reg(t->lapic, APIC_DFR) >> 28 == 0xf)	/* flat */
		return dest & ldr;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);	/* cluster */
}

/* Is @t a destination of @dest, physical or logical? */
bool lvmm_lapic_match(struct lvmm_vcpu *t, u32 dest, bool logical)
{
	bool x2apic = x2apic_mode(t);

	if (!t->lapic || !hw_enabled(t))
		return false;
	if (logical)
		return logical_match(t, dest, x2apic);
	if (dest == (x2apic ? 0xffffffff : 0xff))
		return true;
	return x2apic ? dest == t->id : dest == *reg(t->lapic, APIC_ID) >> 24;
}

static bool ipi_target(struct lvmm_vcpu *src, struct lvmm_vcpu *t, u32 icr,
		       u32 dest)
{
	switch (icr & ICR_SHORTHAND) {
	case APIC_DEST_SELF:
		return t == src;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return t != src;
	}
	return lvmm_lapic_match(t, dest, icr & APIC_DEST_LOGICAL);
}

/*
 * Latch an INIT or a SIPI for @t. A new INIT drops a SIPI not yet taken,
 * as in KVM: the SIPI belonged to the INIT before it.
 */
static void latch_init_sipi(struct lvmm_vcpu *t, u32 mode, u8 vector)
{
	struct lvmm_lapic *a = t->lapic;
	unsigned long flags;

	raw_spin_lock_irqsave(&a->lock, flags);
	if (mode == APIC_DM_INIT) {
		WRITE_ONCE(a->init_sipi, LVMM_APIC_INIT);
	} else {
		a->sipi_vector = vector;
		WRITE_ONCE(a->init_sipi, a->init_sipi | LVMM_APIC_SIPI);
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
	kick(t);
}

bool lvmm_lapic_has_init_sipi(struct lvmm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->lapic->init_sipi);
}

/* The INIT and SIPI bits latched for @vcpu, now cleared; *@vector: SIPI's. */
unsigned long lvmm_lapic_take_init_sipi(struct lvmm_vcpu *vcpu, u8 *vector)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags, events;

	raw_spin_lock_irqsave(&a->lock, flags);
	events = a->init_sipi;
	*vector = a->sipi_vector;
	WRITE_ONCE(a->init_sipi, 0);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	return events;
}

static void send_ipi(struct lvmm_vcpu *src, u32 icr, u32 dest)
{
	struct lvmm_vm *vm = src->vm;
	u32 mode = icr & APIC_MODE_MASK;
	unsigned int i;

	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
	case APIC_DM_STARTUP:
		break;
	case APIC_DM_INIT:
		/*
		 * "INIT level de-assert" (level trigger, level 0) only
		 * synchronised the arbitration IDs of old APICs: KVM ignores
		 * it, and Linux still sends it after every INIT.
		 */
		if ((icr & APIC_INT_LEVELTRIG) && !(icr & APIC_INT_ASSERT))
			return;
		break;
	default:
		/* NMI, SMI: see the header comment. */
		src->lapic->nmi_dropped += mode == APIC_DM_NMI;
		pr_info_ratelimited("vm %u vcpu %u: IPI delivery mode 0x%x not supported; dropped\n",
				    vm->id, src->id, mode >> 8);
		return;
	}
	for (i = 0; i < lvmm_max_vcpus; i++) {
		/* Published with smp_store_release() in lvmm_create_vcpu(). */
		struct lvmm_vcpu *t = smp_load_acquire(&vm->vcpus[i]);

		if (!t || !ipi_target(src, t, icr, dest))
			continue;
		if (mode == APIC_DM_INIT || mode == APIC_DM_STARTUP) {
			latch_init_sipi(t, mode, icr & APIC_VECTOR_MASK);
			continue;
		}
		/* Lowest priority: the first that takes it (not arbitrated). */
		if (lvmm_lapic_deliver(t, icr & APIC_VECTOR_MASK, false) &&
		    mode == APIC_DM_LOWEST)
			break;
	}
}

/* --- Registers --- */

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
		return timer_current_count(a);
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
	bool timer;		/* start or stop the count: timer_restart() */
	u32 old_divisor;	/* rescale the running count; 0: no */
	int eoi;		/* level vector to end at the IOAPIC, or -1 */
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
		after->eoi = eoi(a);
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
		 * one-shot and periodic it counts on (timer_fire() reads the
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
		accept(a, val & APIC_VECTOR_MASK, false);
		break;
	default:
		/* Read-only or reserved: ignored by xAPIC, #GP by x2APIC. */
		return x2apic ? -EINVAL : 0;
	}
	return 0;
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
		send_ipi(vcpu, icr, dest);
	if (after.timer)
		timer_restart(a);
	if (after.old_divisor)
		timer_rescale(a, after.old_divisor);
	if (after.eoi >= 0)
		lvmm_ioapic_eoi(vcpu->vm, after.eoi);
	if (off == APIC_SELF_IPI || off == APIC_EOI || off == APIC_TASKPRI)
		set_bit(LVMM_REQ_EVENT, &vcpu->requests);
	return ret;
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
		timer_restart(a);
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
	*(u32 *)(s->regs + APIC_TMCCT) = timer_current_count(a);
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
	timer_restart(a);
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
	a->timer.function = timer_fire;
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
