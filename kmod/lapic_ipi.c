// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's IPIs: the destinations an ICR write (lapic.c) or the
 * IOAPIC names, fixed and lowest-priority interrupts delivered to them,
 * and INIT and SIPI, which are latched in the target's APIC, in
 * @init_sipi, and acted on by the target vCPU itself (mp_state.c), which
 * alone may touch its registers.
 *
 * Not modelled: lowest-priority arbitration (the first enabled destination
 * wins), SMI and NMI (NMIs are counted and dropped: lvmm has no NMI
 * injection).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>

#include "arch.h"
#include "core.h"
#include "lapic_internal.h"
#include "vcpu.h"
#include "vm.h"

#define ICR_SHORTHAND		(3 << 18)

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
	lvmm_lapic_kick(t);
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

void lvmm_lapic_send_ipi(struct lvmm_vcpu *src, u32 icr, u32 dest)
{
	struct lvmm_vm *vm = src->vm;
	u32 mode = icr & APIC_MODE_MASK;
	struct lvmm_vcpu *t;

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
	lvmm_for_each_vcpu(t, vm) {
		if (!ipi_target(src, t, icr, dest))
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
