// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's timer: an hrtimer counting at 1 GHz, as KVM's does,
 * divided by TDCR, in one-shot, periodic or TSC-deadline mode. It fires in
 * hard interrupt context, takes the APIC's lock and sets the LVTT vector
 * in IRR (lapic_inject.c). The register writes that start, stop and
 * rescale the count are lapic.c's.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <asm/tsc.h>

#include "arch.h"
#include "core.h"
#include "lapic_internal.h"
#include "vcpu.h"

#define LAPIC_BUS_NS		1	/* one timer tick per ns before TDCR */
#define LAPIC_MIN_PERIOD_NS	100000	/* as KVM's min_timer_period_us */

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

enum hrtimer_restart lvmm_lapic_timer_fire(struct hrtimer *t)
{
	struct lvmm_lapic *a = container_of(t, struct lvmm_lapic, timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;
	u32 lvt;

	raw_spin_lock_irqsave(&a->lock, flags);
	lvt = *reg(a, APIC_LVTT);
	if (!(lvt & APIC_LVT_MASKED))
		lvmm_lapic_accept(a, lvt & APIC_VECTOR_MASK, false);
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
	lvmm_lapic_kick(a->vcpu);
	return ret;
}

/*
 * Start the count from the top after TMICT or TSC_DEADLINE was written, a
 * switch to or from TSC-deadline mode cleared them, or KVM_SET_LAPIC;
 * with nothing to count, just stop it. vCPU thread, no lock.
 */
void lvmm_lapic_timer_restart(struct lvmm_lapic *a)
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
void lvmm_lapic_timer_rescale(struct lvmm_lapic *a, u32 old_divisor)
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

u32 lvmm_lapic_timer_current_count(struct lvmm_lapic *a)
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
