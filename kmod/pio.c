// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits: IN, OUT and their string forms INS and OUTS, with or
 * without REP. An IN or OUT of a port an in-kernel device answers (the
 * 8259 pair of KVM_CREATE_IRQCHIP, the 8254 of KVM_CREATE_PIT2), and an
 * OUT an ioeventfd or a coalesced zone takes (iodev.h), is done in the
 * kernel; every other access goes to the VMM as KVM_EXIT_IO, the data in
 * the page after struct kvm_run. String accesses always go to the VMM: no
 * VMM puts an in-kernel device, an ioeventfd or a coalesced zone on a
 * port it streams to. The next KVM_RUN finishes the instruction
 * (lvmm_complete_pio()): loads the value of an IN, copies an INS's
 * elements into guest memory, moves RSI/RDI/RCX and RIP.
 *
 * A REP string instruction moves at most a page of data per exit; RIP stays
 * on it while RCX has more, so the guest runs it again for the rest.
 */
#include <linux/kvm.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <asm/processor-flags.h>

#include "arch.h"
#include "core.h"
#include "exits.h"
#include "guest_access.h"
#include "insn.h"
#include "iodev.h"
#include "pic.h"
#include "pio.h"
#include "pit.h"
#include "vcpu.h"

/* Address-size arithmetic on RSI/RDI/RCX: only the low bits move. */
static void add_masked(u64 *reg, s64 delta, u8 addr_size)
{
	u64 mask = addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;

	*reg = (*reg & ~mask) | ((*reg + delta) & mask);
}

static u64 masked(u64 reg, u8 addr_size)
{
	return addr_size == 8 ? reg : reg & ((1ULL << (addr_size * 8)) - 1);
}

/*
 * What the prefixes of a string I/O instruction say: the segment an OUTS
 * reads from (DS unless overridden) and the address size. The CPU reports
 * the address size in EXITINFO1; QEMU's TCG leaves it 0, so it is derived
 * from the mode and a 0x67 prefix when missing.
 */
static void string_prefixes(struct lvmm_vcpu *vcpu, enum lvmm_cpu_mode mode,
			    int *seg, u8 *addr_size)
{
	struct lvmm_prefixes p = { .seg = -1 };
	u8 bytes[15];
	int got;

	got = lvmm_fetch_insn(vcpu, bytes, sizeof(bytes));
	/* Unreadable bytes: the defaults, as before the CPU's own report. */
	if (got > 0)
		lvmm_decode_prefixes(bytes, got, mode, &p);
	*seg = p.seg >= 0 ? p.seg : LVMM_DS;
	if (!*addr_size)
		*addr_size = lvmm_addr_size(mode, p.adsize);
}

/* Guest address of element @i of a string transfer starting at @reg. */
static u64 string_addr(struct lvmm_vcpu *vcpu, u64 base, u64 reg, u32 i)
{
	struct lvmm_pio *pio = &vcpu->pio;
	s64 step = (vcpu->rflags & X86_EFLAGS_DF) ? -(s64)pio->size : pio->size;
	u64 off = reg;

	add_masked(&off, step * i, pio->addr_size);
	return base + off;
}

/*
 * Move a string transfer's elements between guest memory and @data. Going
 * forwards (DF=0) they are one contiguous block, copied page by page; going
 * backwards, element by element.
 */
static int string_copy(struct lvmm_vcpu *vcpu, int reg, u8 *data,
		       bool to_guest)
{
	struct lvmm_pio *pio = &vcpu->pio;
	u32 i, len = pio->size;
	u64 addr;
	int ret;

	if (!(vcpu->rflags & X86_EFLAGS_DF)) {
		len *= pio->count;
		addr = string_addr(vcpu, pio->seg_base, vcpu->gpr[reg], 0);
		/* Contiguous unless the address wraps at the address size. */
		if (string_addr(vcpu, pio->seg_base, vcpu->gpr[reg],
				pio->count - 1) == addr + len - pio->size)
			return to_guest ? lvmm_write_guest_virt(vcpu, addr, data, len) :
					  lvmm_read_guest_virt(vcpu, addr, data, len);
		len = pio->size;
	}
	for (i = 0; i < pio->count; i++) {
		addr = string_addr(vcpu, pio->seg_base, vcpu->gpr[reg], i);
		ret = to_guest ? lvmm_write_guest_virt(vcpu, addr, data + i * len, len) :
				 lvmm_read_guest_virt(vcpu, addr, data + i * len, len);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * An IN or OUT the in-kernel devices claim, as KVM's PIO bus does before
 * ioeventfds. A read's value replaces the low bytes of RAX (all of it for
 * 4 bytes, as a 32-bit write does).
 */
static bool kernel_pio(struct lvmm_vcpu *vcpu, u16 port, bool in)
{
	struct lvmm_pio *pio = &vcpu->pio;
	u32 val = vcpu->gpr[RAX];
	u64 mask;

	if (!lvmm_pic_pio(vcpu->vm, port, pio->size, in, &val) &&
	    !lvmm_pit_pio(vcpu->vm, port, in, &val))
		return false;
	if (in) {
		mask = pio->size == 4 ? ~0ULL : BIT_ULL(pio->size * 8) - 1;
		vcpu->gpr[RAX] = (vcpu->gpr[RAX] & ~mask) | (val & mask);
	}
	lvmm_set_rip(vcpu, pio->next_rip);
	return true;
}

int lvmm_handle_io(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;
	struct lvmm_pio *pio = &vcpu->pio;
	u8 *data = (u8 *)run + PAGE_SIZE;

	*pio = (struct lvmm_pio){
		.in = exit->io.in,
		.string = exit->io.string,
		.rep = exit->io.rep,
		.size = exit->io.size,
		.count = 1,
		.addr_size = exit->io.addr_size,
		.next_rip = exit->next_rip,
	};
	if (pio->size != 1 && pio->size != 2 && pio->size != 4)
		return lvmm_emulation_failed(vcpu, exit);
	if (!pio->string && kernel_pio(vcpu, exit->io.port, pio->in))
		return 1;

	if (pio->string) {
		int seg;
		u64 rcx;

		string_prefixes(vcpu, exit->state.mode, &seg, &pio->addr_size);
		rcx = masked(vcpu->gpr[RCX], pio->addr_size);
		if (pio->rep && !rcx) {
			lvmm_set_rip(vcpu, pio->next_rip);
			return 1;
		}
		if (pio->rep)
			pio->count = min_t(u64, rcx, PAGE_SIZE / pio->size);
		pio->seg_base = exit->state.seg_base[pio->in ? LVMM_ES : seg];
		if (!pio->in && string_copy(vcpu, RSI, data, false))
			return lvmm_emulation_failed(vcpu, exit);
	} else if (!pio->in) {
		u64 val = vcpu->gpr[RAX] & (BIT_ULL(pio->size * 8) - 1);

		if (lvmm_iodev_write(vcpu->vm, true, exit->io.port, pio->size,
				     val)) {
			lvmm_set_rip(vcpu, pio->next_rip);
			return 1;
		}
		memcpy(data, &vcpu->gpr[RAX], pio->size);
	}

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = pio->in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = pio->size;
	run->io.port = exit->io.port;
	run->io.count = pio->count;
	run->io.data_offset = PAGE_SIZE;
	vcpu->pending = LVMM_PENDING_PIO;
	vcpu->pending_rip = vcpu->rip;
	return 0;
}

int lvmm_complete_pio(struct lvmm_vcpu *vcpu)
{
	struct lvmm_pio *pio = &vcpu->pio;
	u8 *data = (u8 *)vcpu->run + PAGE_SIZE;
	s64 bytes;

	if (!pio->string) {
		if (pio->in) {
			u64 val = pio->size < 4 ? vcpu->gpr[RAX] : 0;

			memcpy(&val, data, pio->size);
			vcpu->gpr[RAX] = val;
		}
		lvmm_set_rip(vcpu, pio->next_rip);
		return 0;
	}

	/*
	 * A VMM that lowered RCX during the exit gets only that many done;
	 * one that raised it gets the rest when the instruction runs again.
	 */
	if (pio->rep)
		pio->count = min_t(u64, pio->count,
				   masked(vcpu->gpr[RCX], pio->addr_size));
	if (!pio->count) {
		lvmm_set_rip(vcpu, pio->next_rip);
		return 0;
	}
	if (pio->in && string_copy(vcpu, RDI, data, true))
		return -EFAULT;
	bytes = (s64)pio->count * pio->size;
	if (vcpu->rflags & X86_EFLAGS_DF)
		bytes = -bytes;
	add_masked(&vcpu->gpr[pio->in ? RDI : RSI], bytes, pio->addr_size);
	if (pio->rep)
		add_masked(&vcpu->gpr[RCX], -(s64)pio->count, pio->addr_size);
	/* A REP with RCX left re-executes the instruction for the rest. */
	if (!pio->rep || !masked(vcpu->gpr[RCX], pio->addr_size))
		lvmm_set_rip(vcpu, pio->next_rip);
	return 0;
}
