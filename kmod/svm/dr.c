// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers: the hardware's are the host's (perf and ptrace use them),
 * so every MOV to or from DR0-DR7 exits and works on shadow copies. The
 * guest's DR7 is kept out of the VMCB, so guest breakpoints never arm the
 * host's DR0-DR3; guest hardware breakpoints therefore do not fire.
 */
#include <asm/debugreg.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

/* DR6 bits that read 1 when nothing happened (RTM, bit 16, is active low). */
#define DR6_ACTIVE_LOW	0xffff0ff0ULL

/* The guest's DR0-DR3, DR6 or DR7 (the core maps DR4/DR5 to 6/7). */
u64 svm_get_dr(struct lvmm_vcpu *vcpu, int dr)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (dr < 4)
		return sv->dr[dr];
	return dr == 6 ? sv->dr6 : sv->dr7;
}

/* Reserved bits take the values they read as on hardware. */
void svm_set_dr(struct lvmm_vcpu *vcpu, int dr, u64 val)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (dr < 4)
		sv->dr[dr] = val;
	else if (dr == 6)
		sv->dr6 = (val & 0xffffefff) | 0xffff0ff0;
	else
		sv->dr7 = (val & 0xffffffff) | 0x400;
}

/**
 * svm_take_db_causes - what a #DB found in the VMCB's DR6, into the guest's
 * @sv: the vCPU, at a #DB intercept
 *
 * The guest's DR6 lives in @sv->dr6 (its DR accesses are intercepted); the
 * CPU records why a #DB happened (B0-B3, BD, BS, BT; RTM is active low) in
 * the VMCB's DR6 before the intercept. The guest's handler must find those
 * causes, with the B0-B3 of an earlier #DB replaced, as the SDM says and
 * KVM's #DB payload does. The VMCB's DR6 is reset so that the next #DB
 * reports only its own causes.
 */
void svm_take_db_causes(struct svm_vcpu *sv)
{
	u64 causes = sv->vmcb->save.dr6 ^ DR6_ACTIVE_LOW;

	sv->dr6 &= ~DR_TRAP_BITS;
	sv->dr6 |= DR6_ACTIVE_LOW;
	sv->dr6 |= causes;
	sv->dr6 ^= causes & DR6_ACTIVE_LOW;
	sv->vmcb->save.dr6 = DR6_ACTIVE_LOW;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_DR));
}
