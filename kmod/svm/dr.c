// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers: the hardware's are the host's (perf and ptrace use them),
 * so every MOV to or from DR0-DR7 exits and works on shadow copies. The
 * guest's DR7 is kept out of the VMCB, so guest breakpoints never arm the
 * host's DR0-DR3; guest hardware breakpoints therefore do not fire.
 */
#include <asm/debugreg.h>
#include <asm/trapnr.h>

#include "../lvmm.h"
#include "svm.h"

/* DR6 bits that read 1 when nothing happened (RTM, bit 16, is active low). */
#define DR6_ACTIVE_LOW	0xffff0ff0ULL

/* Decode "MOV reg, DRn" / "MOV DRn, reg" at RIP: the GPR and the length. */
static int decode_mov_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
			 int *gpr, u8 *len)
{
	struct lvmm_cpu_state st;
	u8 insn[15];
	int got, n, rex = 0;

	if (svm_caps.decode_assists && (exit->info1 & BIT_ULL(63))) {
		*gpr = exit->info1 & 15;
		*len = 0;
		return 0;
	}
	/* The number of bytes read: fewer where an unmapped page follows. */
	got = lvmm_fetch_insn(vcpu, insn, sizeof(insn));
	if (got < 0)
		return got;
	svm_get_state(vcpu, &st);
	n = lvmm_skip_prefixes(insn, got, st.mode);
	if (n < 0 || n + 3 > got)
		return -EINVAL;
	if (n > 0 && st.mode == LVMM_MODE_LONG64 && (insn[n - 1] & 0xf0) == 0x40)
		rex = insn[n - 1];
	if (insn[n] != 0x0f || (insn[n + 1] != 0x21 && insn[n + 1] != 0x23))
		return -EINVAL;
	*gpr = (insn[n + 2] & 7) | ((rex & 1) << 3);
	*len = n + 3;
	return 0;
}

void svm_emulate_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	bool write = exit->hw_code >= SVM_EXIT_WRITE_DR0;
	int dr = (exit->hw_code - SVM_EXIT_READ_DR0) & 7;
	u8 len;
	int gpr;

	exit->reason = LVMM_EXIT_NONE;
	if (sv->vmcb->save.cpl) {
		svm_queue_exception(vcpu, X86_TRAP_GP, true, 0);
		return;
	}
	if (decode_mov_dr(vcpu, exit, &gpr, &len)) {
		exit->reason = LVMM_EXIT_UNKNOWN;
		return;
	}
	if (dr == 4 || dr == 5) {
		if (sv->vmcb->save.cr4 & X86_CR4_DE) {
			svm_queue_exception(vcpu, X86_TRAP_UD, false, 0);
			return;
		}
		dr += 2;
	}

	if (write) {
		u64 val = vcpu->gpr[gpr];

		if (dr < 4)
			sv->dr[dr] = val;
		else if (dr == 6)
			sv->dr6 = (val & 0xffffefff) | 0xffff0ff0;
		else
			sv->dr7 = (val & 0xffffffff) | 0x400;
	} else {
		if (dr < 4)
			vcpu->gpr[gpr] = sv->dr[dr];
		else if (dr == 6)
			vcpu->gpr[gpr] = sv->dr6;
		else
			vcpu->gpr[gpr] = sv->dr7;
	}
	lvmm_set_rip(vcpu, exit->next_rip ? exit->next_rip : vcpu->rip + len);
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
