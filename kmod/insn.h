/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instructions (insn.c): fetching them from the guest, decoding prefixes
 * and the MOVs that touch MMIO, and moving RIP past an emulated one.
 */
#ifndef LVMM_INSN_H
#define LVMM_INSN_H

#include <linux/types.h>

#include "arch.h"

struct lvmm_mmio_insn;
struct lvmm_vcpu;

/**
 * struct lvmm_prefixes - what an instruction's prefixes say
 * @len:    bytes of prefixes: legacy ones, then REX
 * @opsize: an operand-size prefix (0x66)
 * @adsize: an address-size prefix (0x67)
 * @seg:    the segment override (enum lvmm_seg), -1 for none
 * @rex:    the REX prefix in 64-bit mode, else 0
 */
struct lvmm_prefixes {
	u8 len;
	bool opsize;
	bool adsize;
	s8 seg;
	u8 rex;
};

int lvmm_decode_prefixes(const u8 *bytes, unsigned int avail,
			 enum lvmm_cpu_mode mode, struct lvmm_prefixes *p);
u8 lvmm_addr_size(enum lvmm_cpu_mode mode, bool adsize);
int lvmm_decode_mmio(const u8 *bytes, unsigned int avail,
		     enum lvmm_cpu_mode mode, struct lvmm_mmio_insn *insn);
int lvmm_fetch_insn(struct lvmm_vcpu *vcpu, u8 *bytes, unsigned int len);
u64 lvmm_rip_linear(struct lvmm_vcpu *vcpu);
void lvmm_set_rip(struct lvmm_vcpu *vcpu, u64 rip);
void lvmm_advance_rip(struct lvmm_vcpu *vcpu, unsigned int len);
int lvmm_skip_insn(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
		   const u8 *opcode, unsigned int oplen);
int lvmm_skip_and_resume(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
			 const u8 *opcode, unsigned int oplen);

#endif /* LVMM_INSN_H */
