// SPDX-License-Identifier: GPL-2.0
/*
 * MOV to and from the debug registers. The backend keeps the guest's
 * values (the hardware's belong to the host: perf and ptrace use them),
 * intercepts every access, and hands it over as LVMM_EXIT_DR; the checks
 * and the decoding are the architecture's, so they are done here once.
 * KVM_GET/SET_DEBUGREGS read and write the same values for the VMM.
 */
#include <linux/kvm.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "arch.h"
#include "core.h"
#include "exits.h"
#include "insn.h"
#include "vcpu.h"

/* Decode "MOV reg, DRn" / "MOV DRn, reg" at RIP: the GPR and the length. */
static int decode_mov_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
			 int *gpr, u8 *len)
{
	struct lvmm_prefixes p;
	u8 insn[15];
	int got;

	/* The number of bytes read: fewer where an unmapped page follows. */
	got = lvmm_fetch_insn(vcpu, insn, sizeof(insn));
	if (got < 0)
		return got;
	if (lvmm_decode_prefixes(insn, got, exit->state.mode, &p) ||
	    p.len + 3 > got)
		return -EINVAL;
	if (insn[p.len] != 0x0f ||
	    (insn[p.len + 1] != 0x21 && insn[p.len + 1] != 0x23))
		return -EINVAL;
	*gpr = (insn[p.len + 2] & 7) | ((p.rex & 1) << 3);
	*len = p.len + 3;
	return 0;
}

int lvmm_handle_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	int dr = exit->dr.num, gpr = exit->dr.gpr, decoded;
	u8 len = 0;

	if (exit->state.cpl) {
		lvmm_arch->queue_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	/* The length is needed too when the CPU gave no next RIP. */
	if ((gpr < 0 || !exit->next_rip) &&
	    decode_mov_dr(vcpu, exit, &decoded, &len))
		return lvmm_emulation_failed(vcpu, exit);
	if (gpr < 0)
		gpr = decoded;
	/* DR4 and DR5 are DR6 and DR7, unless CR4.DE makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (exit->state.cr4 & X86_CR4_DE) {
			lvmm_arch->queue_exception(vcpu, X86_TRAP_UD, false, 0);
			return 1;
		}
		dr += 2;
	}

	if (exit->dr.write)
		lvmm_arch->set_dr(vcpu, dr, vcpu->gpr[gpr]);
	else
		vcpu->gpr[gpr] = lvmm_arch->get_dr(vcpu, dr);
	if (exit->next_rip)
		lvmm_set_rip(vcpu, exit->next_rip);
	else
		lvmm_advance_rip(vcpu, len);
	return 1;
}

/*
 * KVM_GET_DEBUGREGS and KVM_SET_DEBUGREGS: DR0-DR3, DR6 and DR7. As in
 * KVM, a set with flags, or with bits 63:32 of DR6 or DR7 set, is -EINVAL;
 * the other reserved bits take the values they read as on hardware.
 */
int lvmm_debugregs_ioctl(struct lvmm_vcpu *vcpu, struct kvm_debugregs __user *u,
			 bool set)
{
	struct kvm_debugregs d;
	int i;

	if (!set) {
		memset(&d, 0, sizeof(d));
		for (i = 0; i < 4; i++)
			d.db[i] = lvmm_arch->get_dr(vcpu, i);
		d.dr6 = lvmm_arch->get_dr(vcpu, 6);
		d.dr7 = lvmm_arch->get_dr(vcpu, 7);
		return copy_to_user(u, &d, sizeof(d)) ? -EFAULT : 0;
	}
	if (copy_from_user(&d, u, sizeof(d)))
		return -EFAULT;
	if (d.flags || upper_32_bits(d.dr6) || upper_32_bits(d.dr7))
		return -EINVAL;
	for (i = 0; i < 4; i++)
		lvmm_arch->set_dr(vcpu, i, d.db[i]);
	lvmm_arch->set_dr(vcpu, 6, d.dr6);
	lvmm_arch->set_dr(vcpu, 7, d.dr7);
	return 0;
}
