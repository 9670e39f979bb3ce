// SPDX-License-Identifier: GPL-2.0
/*
 * The little x86 decoding lvmm needs: instruction lengths for the exits it
 * emulates when the CPU does not report the next RIP (no NRIP save), and the
 * MOV forms a guest uses to touch MMIO, when the CPU does not hand over the
 * instruction bytes (no decode assists). Both run on the hot exit path, so
 * they stay small; lvmm_decode_mmio() is KUnit-tested byte by byte.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "arch.h"
#include "core.h"
#include "exits.h"
#include "guest_access.h"
#include "insn.h"
#include "mmio.h"
#include "vcpu.h"

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

/* Segment override prefixes, in enum lvmm_seg order. */
static int seg_override(u8 b)
{
	static const u8 seg_prefix[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
	int i;

	for (i = 0; i < ARRAY_SIZE(seg_prefix); i++)
		if (b == seg_prefix[i])
			return i;
	return -1;
}

/**
 * lvmm_decode_prefixes - the one prefix decoder every emulation uses
 * @bytes: instruction bytes at RIP
 * @avail: how many of them are valid
 * @mode:  processor mode of the code
 * @p:     what the prefixes say
 *
 * Legacy prefixes (at most 14: an instruction is at most 15 bytes), then
 * a REX prefix in 64-bit mode.
 *
 * Return: 0, or -EINVAL if no opcode byte follows the prefixes.
 */
int lvmm_decode_prefixes(const u8 *bytes, unsigned int avail,
			 enum lvmm_cpu_mode mode, struct lvmm_prefixes *p)
{
	unsigned int i = 0;
	int seg;

	*p = (struct lvmm_prefixes){ .seg = -1 };
	for (; i < avail && i < 14 && is_legacy_prefix(bytes[i]); i++) {
		if (bytes[i] == 0x66)
			p->opsize = true;
		else if (bytes[i] == 0x67)
			p->adsize = true;
		seg = seg_override(bytes[i]);
		if (seg >= 0)
			p->seg = seg;
	}
	if (mode == LVMM_MODE_LONG64 && i < avail && (bytes[i] & 0xf0) == 0x40)
		p->rex = bytes[i++];
	p->len = i;
	return i < avail ? 0 : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_decode_prefixes);

/* Address size in bytes: the mode's default, or the other with 0x67. */
u8 lvmm_addr_size(enum lvmm_cpu_mode mode, bool adsize)
{
	switch (mode) {
	case LVMM_MODE_LONG64:
		return adsize ? 4 : 8;
	case LVMM_MODE_PROT32:
		return adsize ? 2 : 4;
	default:
		return adsize ? 4 : 2;
	}
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_addr_size);

/* Length of ModRM, SIB and displacement, for a memory operand. */
static int modrm_len(const u8 *p, unsigned int avail, int addr_size)
{
	u8 modrm, mod, rm;
	int len = 1;

	if (!avail)
		return -EINVAL;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL;		/* a register, not memory */

	if (addr_size == 2) {
		if (mod == 1)
			len += 1;
		else if (mod == 2 || (mod == 0 && rm == 6))
			len += 2;
		return len;
	}
	if (rm == 4) {
		if (avail < 2)
			return -EINVAL;
		len++;
		if (mod == 0 && (p[1] & 7) == 5)
			len += 4;
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		len += 4;
	return len;
}

/**
 * lvmm_decode_mmio - decode a MOV that faulted on MMIO
 * @bytes: instruction bytes at RIP
 * @avail: how many of them are valid
 * @mode:  enum lvmm_cpu_mode of the code segment
 * @insn:  the result
 *
 * Handles MOV r/m,r (88, 89), MOV r,r/m (8A, 8B), MOV r/m,imm (C6 /0,
 * C7 /0), MOV with a moffs (A0-A3), MOVZX (0F B6, 0F B7) and MOVSX
 * (0F BE, 0F BF), with operand and address size prefixes and REX.
 *
 * Return: 0, or -EINVAL for anything else.
 */
int lvmm_decode_mmio(const u8 *bytes, unsigned int avail,
		     enum lvmm_cpu_mode mode, struct lvmm_mmio_insn *insn)
{
	struct lvmm_prefixes p;
	int i, n, op_size, addr_size, rm_len;
	u8 rex, op;

	*insn = (struct lvmm_mmio_insn){};
	if (lvmm_decode_prefixes(bytes, avail, mode, &p))
		return -EINVAL;
	i = p.len;
	rex = p.rex;
	addr_size = lvmm_addr_size(mode, p.adsize);
	if (mode == LVMM_MODE_LONG64)
		op_size = (rex & 8) ? 8 : p.opsize ? 2 : 4;
	else if (mode == LVMM_MODE_PROT32)
		op_size = p.opsize ? 2 : 4;
	else
		op_size = p.opsize ? 4 : 2;

	op = bytes[i++];
	insn->has_reg = true;
	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		insn->write = op < 0x8a;
		insn->size = (op & 1) ? op_size : 1;
		break;
	case 0xc6: case 0xc7:
		insn->write = true;
		insn->has_reg = false;
		insn->size = (op & 1) ? op_size : 1;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		insn->write = op >= 0xa2;
		insn->size = (op & 1) ? op_size : 1;
		insn->reg = RAX;
		insn->dst_size = insn->size;
		if (i + addr_size > (int)avail)
			return -EINVAL;
		insn->len = i + addr_size;
		return 0;
	case 0x0f:
		if (i >= (int)avail)
			return -EINVAL;
		op = bytes[i++];
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -EINVAL;
		insn->size = (op & 1) ? 2 : 1;
		insn->sign_extend = op >= 0xbe;
		insn->dst_size = op_size;
		break;
	default:
		return -EINVAL;
	}

	if (i >= (int)avail)
		return -EINVAL;
	if (!insn->has_reg && ((bytes[i] >> 3) & 7))
		return -EINVAL;		/* C6/C7 with /r other than /0 */
	if (insn->has_reg) {
		insn->reg = ((bytes[i] >> 3) & 7) | ((rex & 4) << 1);
		/* Byte registers 4-7 are AH-BH unless there is a REX. */
		if (insn->size == 1 && !insn->dst_size && !rex && insn->reg >= 4) {
			insn->reg -= 4;
			insn->high_byte = true;
		}
	}
	rm_len = modrm_len(bytes + i, avail - i, addr_size);
	if (rm_len < 0)
		return rm_len;
	i += rm_len;

	if (!insn->has_reg) {
		n = insn->size == 8 ? 4 : insn->size;
		if (i + n > (int)avail)
			return -EINVAL;
		insn->imm = 0;
		memcpy(&insn->imm, bytes + i, n);
		if (insn->size == 8)
			insn->imm = (u64)(s64)(s32)insn->imm;
		i += n;
	}
	if (!insn->dst_size)
		insn->dst_size = insn->size;
	insn->len = i;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_decode_mmio);

static u64 lvmm_rip_mask(enum lvmm_cpu_mode mode)
{
	switch (mode) {
	case LVMM_MODE_LONG64:
		return ~0ULL;
	case LVMM_MODE_PROT32:
		return 0xffffffffULL;
	default:
		return 0xffffULL;
	}
}

/* RIP past an instruction lvmm emulated: the STI/MOV SS shadow ends. */
void lvmm_set_rip(struct lvmm_vcpu *vcpu, u64 rip)
{
	vcpu->rip = rip;
	lvmm_arch->end_interrupt_shadow(vcpu);
	/* An emulated instruction: the debugger's single-step is owed. */
	if (vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP)
		vcpu->debug_step_owed = true;
}

/* RIP past @len bytes, wrapping at the width of the code's IP. */
void lvmm_advance_rip(struct lvmm_vcpu *vcpu, unsigned int len)
{
	lvmm_set_rip(vcpu, (vcpu->rip + len) &
			   lvmm_rip_mask(vcpu->exit.state.mode));
}

/* The linear address of the instruction at CS:RIP. */
u64 lvmm_rip_linear(struct lvmm_vcpu *vcpu)
{
	const struct lvmm_cpu_state *st = &vcpu->exit.state;
	u64 linear;

	linear = st->seg_base[LVMM_CS] + (vcpu->rip & lvmm_rip_mask(st->mode));
	if (st->mode != LVMM_MODE_LONG64)
		linear &= 0xffffffffULL;
	return linear;
}

/* Read up to @len instruction bytes at CS:RIP; returns how many. */
int lvmm_fetch_insn(struct lvmm_vcpu *vcpu, u8 *bytes, unsigned int len)
{
	u64 linear = lvmm_rip_linear(vcpu);
	unsigned int got = 0;

	/* Page by page: the instruction may end right before an unmapped page. */
	while (got < len) {
		unsigned int n = min_t(unsigned int, len - got,
				       PAGE_SIZE - offset_in_page(linear + got));

		if (lvmm_read_guest_virt(vcpu, linear + got, bytes + got, n))
			break;
		got += n;
	}
	return got ? got : -EFAULT;
}

/**
 * lvmm_skip_insn - move RIP past the instruction that exited
 * @vcpu:   the vCPU
 * @exit:   the exit; its next_rip is used when the CPU reported one
 * @opcode: the opcode bytes expected at RIP after any prefixes
 * @oplen:  their number
 *
 * Without NRIP save, lvmm reads the instruction and checks that it is the
 * one the exit is about before it trusts its length.
 *
 * Return: 0, or -errno if the bytes at RIP are not that instruction.
 */
int lvmm_skip_insn(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
		   const u8 *opcode, unsigned int oplen)
{
	struct lvmm_prefixes p;
	u8 bytes[15];
	int got;

	if (exit->next_rip) {
		lvmm_set_rip(vcpu, exit->next_rip);
		return 0;
	}
	got = lvmm_fetch_insn(vcpu, bytes, sizeof(bytes));
	if (got < 0)
		return got;
	if (lvmm_decode_prefixes(bytes, got, exit->state.mode, &p) ||
	    p.len + oplen > (unsigned int)got ||
	    memcmp(bytes + p.len, opcode, oplen))
		return -EINVAL;
	lvmm_advance_rip(vcpu, p.len + oplen);
	return 0;
}

/**
 * lvmm_skip_and_resume - finish an exit by skipping its instruction
 * @vcpu:   the vCPU
 * @exit:   the exit
 * @opcode: as for lvmm_skip_insn()
 * @oplen:  likewise
 *
 * Return: in the exit handlers' convention, 1 to enter the guest again,
 * or 0 with KVM_EXIT_INTERNAL_ERROR for the VMM when the instruction at
 * RIP is not the one that exited.
 */
int lvmm_skip_and_resume(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
			 const u8 *opcode, unsigned int oplen)
{
	if (lvmm_skip_insn(vcpu, exit, opcode, oplen))
		return lvmm_emulation_failed(vcpu, exit);
	return 1;
}
