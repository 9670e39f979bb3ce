/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the local APIC's files share and nothing else needs: the APIC's
 * state, its register helpers and the calls between injection
 * (lapic_inject.c), the timer (lapic_timer.c), IPIs (lapic_ipi.c) and the
 * registers (lapic.c).
 */
#ifndef LVMM_LAPIC_INTERNAL_H
#define LVMM_LAPIC_INTERNAL_H

#include <linux/bitops.h>
#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "arch.h"
#include "lapic.h"
#include "vcpu.h"

/* Bytes of register state: the layout of struct kvm_lapic_state. */
#define LVMM_LAPIC_REGS_SIZE	1024

/**
 * struct lvmm_lapic - one vCPU's local APIC
 * @vcpu:         the vCPU it belongs to
 * @lock:         (raw spinlock, innermost, taken with interrupts off)
 *                protects @regs and the timer fields below; taken by the
 *                vCPU, by other vCPUs sending it an IPI, by the IOAPIC and
 *                by @timer's callback in hard interrupt context
 * @regs:         the registers at their xAPIC offsets, one u32 per 16 bytes
 * @timer:        the APIC timer, in one-shot, periodic or TSC-deadline mode
 * @period_ns:    one-shot or periodic mode: the length of the count that
 *                runs (periodic: the period); 0 if none runs, as after a
 *                one-shot ran out
 * @expires:      when @timer fires next (for the current-count register)
 * @tsc_deadline: IA32_TSC_DEADLINE, in guest TSC cycles; 0 if disarmed
 * @nmi_dropped:  NMIs sent to this vCPU, which lvmm does not deliver
 * @init_sipi:    INIT and SIPI sent to this vCPU and not yet taken
 *                (LVMM_APIC_INIT, LVMM_APIC_SIPI bits); written by the
 *                senders, taken by the vCPU in lvmm_lapic_take_init_sipi(),
 *                both under @lock. The vCPU may peek without the lock: a
 *                kick follows every write.
 * @sipi_vector:  the vector of the last SIPI; under @lock
 */
struct lvmm_lapic {
	struct lvmm_vcpu *vcpu;
	raw_spinlock_t lock;
	u32 regs[LVMM_LAPIC_REGS_SIZE / 16 * 4];
	struct hrtimer timer;
	u64 period_ns;
	ktime_t expires;
	u64 tsc_deadline;
	u64 nmi_dropped;
	unsigned long init_sipi;
	u8 sipi_vector;
};

/* The timer mode field of LVTT. */
#define LVT_TIMER_MODE		(3 << 17)
#define LVT_TIMER_ONESHOT	0
#define LVT_TIMER_PERIODIC	BIT(17)
#define LVT_TIMER_TSCDEADLINE	BIT(18)

/* The register at xAPIC offset @off. */
static inline u32 *reg(struct lvmm_lapic *a, u32 off)
{
	return &a->regs[off / 4];
}

/* IRR, ISR and TMR: 256 bits in eight u32 registers, 16 bytes apart. */
static inline void vec_set(struct lvmm_lapic *a, u32 base, u8 v)
{
	*reg(a, base + (v / 32) * 0x10) |= BIT(v % 32);
}

static inline void vec_clear(struct lvmm_lapic *a, u32 base, u8 v)
{
	*reg(a, base + (v / 32) * 0x10) &= ~BIT(v % 32);
}

static inline bool vec_test(struct lvmm_lapic *a, u32 base, u8 v)
{
	return *reg(a, base + (v / 32) * 0x10) & BIT(v % 32);
}

static inline int vec_highest(struct lvmm_lapic *a, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = *reg(a, base + i * 0x10);

		if (w)
			return i * 32 + fls(w) - 1;
	}
	return -1;
}

static inline bool x2apic_mode(struct lvmm_vcpu *vcpu)
{
	return vcpu->apic_base & X2APIC_ENABLE;
}

static inline bool hw_enabled(struct lvmm_vcpu *vcpu)
{
	return vcpu->apic_base & MSR_IA32_APICBASE_ENABLE;
}

static inline bool sw_enabled(struct lvmm_lapic *a)
{
	return *reg(a, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

/* Processor priority: the higher of TPR and the class in service. */
static inline u32 ppr(struct lvmm_lapic *a)
{
	u32 tpr = *reg(a, APIC_TASKPRI) & 0xff;
	int isr = vec_highest(a, APIC_ISR);
	u32 isrv = isr < 0 ? 0 : isr;

	return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}

static inline u32 timer_divisor(struct lvmm_lapic *a)
{
	u32 tdcr = *reg(a, APIC_TDCR);

	return 1U << ((((tdcr & 3) | ((tdcr & 8) >> 1)) + 1) & 7);
}

static inline u32 timer_mode(struct lvmm_lapic *a)
{
	return *reg(a, APIC_LVTT) & LVT_TIMER_MODE;
}

/* lapic_inject.c */
void lvmm_lapic_kick(struct lvmm_vcpu *vcpu);
bool lvmm_lapic_accept(struct lvmm_lapic *a, u8 vector, bool level);

/* lapic_timer.c */
enum hrtimer_restart lvmm_lapic_timer_fire(struct hrtimer *t);
void lvmm_lapic_timer_restart(struct lvmm_lapic *a);
void lvmm_lapic_timer_rescale(struct lvmm_lapic *a, u32 old_divisor);
u32 lvmm_lapic_timer_current_count(struct lvmm_lapic *a);

/* lapic_ipi.c */
void lvmm_lapic_send_ipi(struct lvmm_vcpu *src, u32 icr, u32 dest);

/* lapic.c, for the vapic page (lapic_vapic.c) */
void lvmm_lapic_set_tpr(struct lvmm_vcpu *vcpu, u32 tpr);

#endif /* LVMM_LAPIC_INTERNAL_H */
