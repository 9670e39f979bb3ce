/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port I/O exits (pio.c): IN, OUT and their string forms, handed to the
 * VMM through kvm_run and finished at the next KVM_RUN. Handlers follow
 * the convention in exits.h.
 */
#ifndef LVMM_PIO_H
#define LVMM_PIO_H

#include <linux/types.h>

struct lvmm_exit;
struct lvmm_vcpu;

/**
 * struct lvmm_pio - a port I/O exit waiting to be completed
 * @in:        IN or INS
 * @string:    INS or OUTS
 * @rep:       REP prefix: RCX counts
 * @size:      1, 2 or 4
 * @count:     elements transferred through kvm_run in this exit
 * @addr_size: 2, 4 or 8: width of RSI/RDI/RCX
 * @seg_base:  base of the source segment (OUTS) or ES (INS)
 * @next_rip:  RIP after the instruction
 */
struct lvmm_pio {
	bool in;
	bool string;
	bool rep;
	u8 size;
	u32 count;
	u8 addr_size;
	u64 seg_base;
	u64 next_rip;
};

int lvmm_handle_io(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_complete_pio(struct lvmm_vcpu *vcpu);

#endif /* LVMM_PIO_H */
