// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits: a nested page fault on a guest-physical address outside every
 * memory slot. lvmm decodes the MOV that faulted (insn.c), offers it to
 * the in-kernel interrupt controllers, then a write to the ioeventfds and
 * coalesced zones (iodev.h), and sends the rest to the VMM as
 * KVM_EXIT_MMIO; the next KVM_RUN finishes the load into its register.
 */
#include <linux/kvm.h>
#include <linux/string.h>

#include "arch.h"
#include "exits.h"
#include "insn.h"
#include "iodev.h"
#include "lapic.h"
#include "mmio.h"
#include "vcpu.h"
#include "vm.h"

static u64 mmio_reg_value(struct lvmm_vcpu *vcpu, struct lvmm_mmio_insn *m)
{
	u64 v = vcpu->gpr[m->reg];

	return m->high_byte ? v >> 8 : v;
}

/* MMIO the in-kernel interrupt controllers claim. */
static bool kernel_mmio(struct lvmm_vcpu *vcpu, u64 gpa, unsigned int size,
			bool write, u64 *val)
{
	return lvmm_lapic_mmio(vcpu, gpa, size, write, val) ||
	       lvmm_ioapic_mmio(vcpu->vm, gpa, size, write, val);
}

int lvmm_handle_mmio(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit, u64 gpa)
{
	struct lvmm_mmio_insn *m = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;
	u8 bytes[15];
	int got;
	u64 val;

	if (exit->insn_len) {
		memcpy(bytes, exit->insn, exit->insn_len);
		got = exit->insn_len;
	} else {
		got = lvmm_fetch_insn(vcpu, bytes, sizeof(bytes));
		if (got < 0)
			return lvmm_emulation_failed(vcpu, exit);
	}
	if (lvmm_decode_mmio(bytes, got, exit->state.mode, m))
		return lvmm_emulation_failed(vcpu, exit);

	val = 0;
	if (m->write)
		val = m->has_reg ? mmio_reg_value(vcpu, m) : m->imm;
	if (kernel_mmio(vcpu, gpa, m->size, m->write, &val) ||
	    (m->write && lvmm_iodev_write(vcpu->vm, false, gpa, m->size, val))) {
		lvmm_complete_mmio(vcpu, &val);
		return 1;
	}

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = m->size;
	run->mmio.is_write = m->write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (m->write)
		memcpy(run->mmio.data, &val, m->size);
	vcpu->pending = LVMM_PENDING_MMIO;
	vcpu->pending_rip = vcpu->rip;
	vcpu->stats.mmio_exits++;
	return 0;
}

/* Finish a decoded MOV; a load takes its value from @data. */
int lvmm_complete_mmio(struct lvmm_vcpu *vcpu, const void *data)
{
	struct lvmm_mmio_insn *m = &vcpu->mmio;
	u64 val = 0, *reg;

	if (!m->write) {
		reg = &vcpu->gpr[m->reg];
		memcpy(&val, data, m->size);
		if (m->sign_extend)
			val = m->size == 1 ? (u64)(s64)(s8)val : (u64)(s64)(s16)val;
		if (m->high_byte)
			*reg = (*reg & ~0xff00ULL) | ((val & 0xff) << 8);
		else if (m->dst_size == 1)
			*reg = (*reg & ~0xffULL) | (val & 0xff);
		else if (m->dst_size == 2)
			*reg = (*reg & ~0xffffULL) | (val & 0xffff);
		else if (m->dst_size == 4)
			*reg = val & 0xffffffffULL;	/* zero-extends */
		else
			*reg = val;
	}
	lvmm_advance_rip(vcpu, m->len);
	return 0;
}
