// SPDX-License-Identifier: GPL-2.0
/*
 * Generic exit handlers: what a VM exit means, whichever backend saw it.
 *
 * lvmm_handle_exit() returns 1 to enter the guest again, 0 to return to the
 * VMM with struct kvm_run filled in, or a negative errno for KVM_RUN.
 * Port I/O and MMIO that go to the VMM are finished on the next KVM_RUN by
 * lvmm_complete_userspace_exit(), which is also when RIP moves past them,
 * as with KVM. A VMM that moved RIP in between (KVM_SET_REGS) has taken
 * the guest elsewhere: the instruction is then dropped, not finished, or
 * the new RIP would be skipped past an instruction that never ran.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/mm.h>
#include <asm/trapnr.h>
#include <asm/processor-flags.h>

#include "lvmm.h"
#include "lapic.h"

/* KVM_EXIT_INTERNAL_ERROR with four words of data for the VMM. */
static void lvmm_internal_exit(struct lvmm_vcpu *vcpu, u32 suberror, u64 d0,
			       u64 d1, u64 d2, u64 d3)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 4;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	run->internal.data[2] = d2;
	run->internal.data[3] = d3;
}

static void lvmm_internal_error(struct lvmm_vcpu *vcpu, u32 suberror,
				struct lvmm_exit *exit)
{
	lvmm_internal_exit(vcpu, suberror, exit->hw_code, exit->info1,
			   exit->info2, vcpu->rip);
	pr_warn_ratelimited("vm %u vcpu %u: cannot handle exit 0x%x (%s) at rip 0x%llx, info 0x%llx 0x%llx\n",
			    vcpu->vm->id, vcpu->id, exit->hw_code,
			    lvmm_arch->exit_name(exit->hw_code), vcpu->rip,
			    exit->info1, exit->info2);
	lvmm_arch->dump_exits(vcpu, "cannot handle exit");
}

/*
 * An exit during event delivery that lvmm cannot resolve: as KVM's
 * KVM_INTERNAL_ERROR_DELIVERY_EV, data[0] the event being delivered (the
 * backend's encoding), data[1] the exit code, data[2-3] its information
 * (for a nested page fault, data[3] is the guest-physical address).
 */
static void lvmm_delivery_error(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	lvmm_internal_exit(vcpu, KVM_INTERNAL_ERROR_DELIVERY_EV, exit->event,
			   exit->hw_code, exit->info1, exit->info2);
	pr_warn_ratelimited("vm %u vcpu %u: exit 0x%x (%s) during event delivery (0x%llx) at rip 0x%llx, info 0x%llx 0x%llx\n",
			    vcpu->vm->id, vcpu->id, exit->hw_code,
			    lvmm_arch->exit_name(exit->hw_code), exit->event,
			    vcpu->rip, exit->info1, exit->info2);
}

/* Emulation failed on an instruction lvmm should have understood. */
static int lvmm_emulation_failed(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	lvmm_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, exit);
	return 0;
}

/* 1 with RIP past the instruction, or 0 with an emulation error for the VMM. */
int lvmm_skip(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
	      const u8 *opcode, unsigned int oplen)
{
	if (lvmm_skip_insn(vcpu, exit, opcode, oplen))
		return lvmm_emulation_failed(vcpu, exit);
	return 1;
}

static const u8 op_cpuid[] = { 0x0f, 0xa2 };
static const u8 op_hlt[] = { 0xf4 };
static const u8 op_invd[] = { 0x0f, 0x08 };
static const u8 op_xsetbv[] = { 0x0f, 0x01, 0xd1 };

static int handle_cpuid(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	lvmm_emulate_cpuid(vcpu);
	return lvmm_skip(vcpu, exit, op_cpuid, sizeof(op_cpuid));
}

static int handle_hlt(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	if (lvmm_skip(vcpu, exit, op_hlt, sizeof(op_hlt)) <= 0)
		return 0;
	/* With the in-kernel APIC the wait is ours (mp_state.c). */
	if (vcpu->lapic) {
		vcpu->mp_state = KVM_MP_STATE_HALTED;
		return 1;
	}
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

static int handle_xsetbv(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u64 val = (vcpu->gpr[RDX] << 32) | (u32)vcpu->gpr[RAX];
	struct lvmm_cpu_state st;

	lvmm_arch->get_state(vcpu, &st);
	if (st.cpl || (u32)vcpu->gpr[RCX] || !(st.cr4 & X86_CR4_OSXSAVE) ||
	    !lvmm_xcr0_valid(val)) {
		lvmm_arch->queue_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu->xcr0 = val;
	return lvmm_skip(vcpu, exit, op_xsetbv, sizeof(op_xsetbv));
}

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
	static const u8 seg_prefix[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
	bool adsize = false;
	u8 bytes[15];
	int got, i, j;

	*seg = LVMM_DS;
	got = lvmm_fetch_insn(vcpu, bytes, sizeof(bytes));
	for (i = 0; i < got && lvmm_is_legacy_prefix(bytes[i]); i++) {
		if (bytes[i] == 0x67)
			adsize = true;
		for (j = 0; j < ARRAY_SIZE(seg_prefix); j++)
			if (bytes[i] == seg_prefix[j])
				*seg = j;
	}
	if (*addr_size)
		return;
	if (mode == LVMM_MODE_LONG64)
		*addr_size = adsize ? 4 : 8;
	else if (mode == LVMM_MODE_PROT32)
		*addr_size = adsize ? 2 : 4;
	else
		*addr_size = adsize ? 4 : 2;
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

static int handle_io(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;
	struct lvmm_pio *pio = &vcpu->pio;
	u8 *data = (u8 *)run + PAGE_SIZE;
	struct lvmm_cpu_state st;

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

	if (pio->string) {
		int seg;
		u64 rcx;

		lvmm_arch->get_state(vcpu, &st);
		string_prefixes(vcpu, st.mode, &seg, &pio->addr_size);
		rcx = masked(vcpu->gpr[RCX], pio->addr_size);
		if (pio->rep && !rcx) {
			lvmm_set_rip(vcpu, pio->next_rip);
			return 1;
		}
		if (pio->rep)
			pio->count = min_t(u64, rcx, PAGE_SIZE / pio->size);
		pio->seg_base = st.seg_base[pio->in ? LVMM_ES : seg];
		if (!pio->in && string_copy(vcpu, RSI, data, false))
			return lvmm_emulation_failed(vcpu, exit);
	} else if (!pio->in) {
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

static int complete_pio(struct lvmm_vcpu *vcpu)
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

static u64 mmio_reg_value(struct lvmm_vcpu *vcpu, struct lvmm_mmio_insn *m)
{
	u64 v = vcpu->gpr[m->reg];

	return m->high_byte ? v >> 8 : v;
}

static int complete_mmio(struct lvmm_vcpu *vcpu, const void *data);

/* MMIO the in-kernel interrupt controllers claim. */
static bool kernel_mmio(struct lvmm_vcpu *vcpu, u64 gpa, unsigned int size,
			bool write, u64 *val)
{
	return lvmm_lapic_mmio(vcpu, gpa, size, write, val) ||
	       lvmm_ioapic_mmio(vcpu->vm, gpa, size, write, val);
}

static int handle_mmio(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit, u64 gpa)
{
	struct lvmm_mmio_insn *m = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;
	struct lvmm_cpu_state st;
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
	lvmm_arch->get_state(vcpu, &st);
	if (lvmm_decode_mmio(bytes, got, st.mode, m))
		return lvmm_emulation_failed(vcpu, exit);

	val = 0;
	if (m->write)
		val = m->has_reg ? mmio_reg_value(vcpu, m) : m->imm;
	if (kernel_mmio(vcpu, gpa, m->size, m->write, &val)) {
		complete_mmio(vcpu, &val);
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
static int complete_mmio(struct lvmm_vcpu *vcpu, const void *data)
{
	struct lvmm_mmio_insn *m = &vcpu->mmio;
	struct lvmm_cpu_state st;
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
	lvmm_arch->get_state(vcpu, &st);
	if (st.mode == LVMM_MODE_PROT32)
		lvmm_set_rip(vcpu, (vcpu->rip + m->len) & 0xffffffffULL);
	else if (st.mode != LVMM_MODE_LONG64)
		lvmm_set_rip(vcpu, (vcpu->rip + m->len) & 0xffffULL);
	else
		lvmm_set_rip(vcpu, vcpu->rip + m->len);
	return 0;
}

int lvmm_complete_userspace_exit(struct lvmm_vcpu *vcpu)
{
	enum lvmm_pending pending = vcpu->pending;

	vcpu->pending = LVMM_PENDING_NONE;
	switch (pending) {
	case LVMM_PENDING_PIO:
		return vcpu->rip == vcpu->pending_rip ? complete_pio(vcpu) : 0;
	case LVMM_PENDING_MMIO:
		return vcpu->rip == vcpu->pending_rip ?
		       complete_mmio(vcpu, vcpu->run->mmio.data) : 0;
	case LVMM_PENDING_HYPERCALL:
		return lvmm_complete_hypercall(vcpu);
	default:
		return 0;
	}
}

static int handle_npf(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct lvmm_vm *vm = vcpu->vm;
	u64 gfn = exit->npf.gpa >> PAGE_SHIFT;
	int ret;

	ret = lvmm_map_gfn(vm, gfn, exit->npf.write);

	/*
	 * No memory there, and the CPU was delivering an event: the access was
	 * the delivery's own (IDT, GDT or stack), not the instruction at RIP's,
	 * and delivery cannot be emulated. KVM gives up the same way.
	 */
	if (ret == -ENOENT && exit->vectoring) {
		lvmm_delivery_error(vcpu, exit);
		return 0;
	}
	if (ret == -ENOENT)
		return handle_mmio(vcpu, exit, exit->npf.gpa);
	if (ret) {
		/* The backing is gone (unmapped by the VMM) or over its limit. */
		pr_warn_ratelimited("vm %u vcpu %u: cannot back guest frame 0x%llx: error %d\n",
				    vm->id, vcpu->id, gfn, ret);
		return ret == -ENOMEM ? -ENOMEM : -EFAULT;
	}
	return 1;
}

int lvmm_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;

	switch (exit->reason) {
	case LVMM_EXIT_NONE:
	case LVMM_EXIT_INTR:
		return 1;
	case LVMM_EXIT_BUSY:
		pr_warn_ratelimited("vm %u vcpu %u: another hypervisor (kvm_amd?) has SVM enabled on CPU %d; lvmm guests cannot run until it lets go\n",
				    vcpu->vm->id, vcpu->id, vcpu->cpu);
		return -EBUSY;
	case LVMM_EXIT_CPUID:
		return handle_cpuid(vcpu, exit);
	case LVMM_EXIT_HLT:
		return handle_hlt(vcpu, exit);
	case LVMM_EXIT_IO:
		return handle_io(vcpu, exit);
	case LVMM_EXIT_NPF:
		return handle_npf(vcpu, exit);
	case LVMM_EXIT_RDMSR:
		return lvmm_emulate_rdmsr(vcpu, exit);
	case LVMM_EXIT_WRMSR:
		return lvmm_emulate_wrmsr(vcpu, exit);
	case LVMM_EXIT_XSETBV:
		return handle_xsetbv(vcpu, exit);
	case LVMM_EXIT_UD:
		return lvmm_handle_ud(vcpu);
	case LVMM_EXIT_SKIP:
		return lvmm_skip(vcpu, exit, op_invd, sizeof(op_invd));
	case LVMM_EXIT_HYPERCALL:
		return lvmm_handle_hypercall(vcpu, exit);
	case LVMM_EXIT_SHUTDOWN:
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case LVMM_EXIT_FAIL_ENTRY:
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = exit->hw_code;
		run->fail_entry.cpu = vcpu->cpu;
		return 0;
	default:
		lvmm_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				    exit);
		return 0;
	}
}
