/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO exits (mmio.c): a nested page fault on no memory slot, decoded
 * (insn.c), given to the in-kernel APIC or IOAPIC when they claim the
 * address, else to the VMM through kvm_run. Handlers follow the
 * convention in exits.h.
 */
#ifndef LVMM_MMIO_H
#define LVMM_MMIO_H

#include <linux/types.h>

struct lvmm_exit;
struct lvmm_vcpu;

/**
 * struct lvmm_mmio_insn - a decoded MOV that touches MMIO
 * @len:        instruction length in bytes
 * @write:      store to MMIO (else load)
 * @size:       access width: 1, 2, 4 or 8
 * @reg:        register operand (GPR number), when @has_reg
 * @high_byte:  @reg names AH/CH/DH/BH
 * @has_reg:    the data comes from or goes to a register
 * @imm:        immediate operand of a store, when !@has_reg
 * @dst_size:   width of the register a load writes (MOVZX/MOVSX widen)
 * @sign_extend: MOVSX
 */
struct lvmm_mmio_insn {
	u8 len;
	bool write;
	u8 size;
	u8 reg;
	bool high_byte;
	bool has_reg;
	u64 imm;
	u8 dst_size;
	bool sign_extend;
};

int lvmm_handle_mmio(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit, u64 gpa);
int lvmm_complete_mmio(struct lvmm_vcpu *vcpu, const void *data);

#endif /* LVMM_MMIO_H */
