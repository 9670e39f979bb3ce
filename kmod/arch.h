/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between lvmm's generic core and a hardware backend.
 *
 * The core calls the hardware only through one struct lvmm_arch_ops, in the
 * manner of NetBSD NVMM's nvmm_impl. A backend is selected once, at module
 * load, by the first ->probe() that succeeds. Nothing outside kmod/svm/ (or a
 * future kmod/vmx/) knows what a VMCB is: a VM exit reaches the core as a
 * struct lvmm_exit.
 */
#ifndef LVMM_ARCH_H
#define LVMM_ARCH_H

#include <linux/types.h>

struct kvm_sregs;
struct kvm_vcpu_events;
struct lvmm_vm;
struct lvmm_vcpu;

/**
 * struct lvmm_feature - one hardware capability, as shown in sysfs
 * @name:  file name under /sys/kernel/lvmm/features/
 * @value: 0/1 for a flag, a count or revision otherwise
 */
struct lvmm_feature {
	const char *name;
	u32 value;
};

/* Why the guest stopped, in the core's terms. */
enum lvmm_exit_reason {
	LVMM_EXIT_NONE,		/* handled by the backend; enter again */
	LVMM_EXIT_BUSY,		/* another hypervisor holds the CPU's SVM */
	LVMM_EXIT_INTR,		/* host interrupt or NMI */
	LVMM_EXIT_CPUID,
	LVMM_EXIT_HLT,
	LVMM_EXIT_IO,
	LVMM_EXIT_NPF,
	LVMM_EXIT_RDMSR,
	LVMM_EXIT_WRMSR,
	LVMM_EXIT_XSETBV,
	LVMM_EXIT_SKIP,		/* an instruction to ignore (INVD) */
	LVMM_EXIT_HYPERCALL,	/* VMMCALL */
	LVMM_EXIT_UD,		/* the guest's #UD: maybe a VMCALL to patch */
	LVMM_EXIT_DR,		/* MOV to or from a debug register */
	LVMM_EXIT_DEBUG,	/* a stop for the VMM's debugger (guest_debug.c) */
	LVMM_EXIT_SHUTDOWN,
	LVMM_EXIT_FAIL_ENTRY,
	LVMM_EXIT_UNKNOWN,
	LVMM_EXIT_NR_REASONS,
};

/* Processor mode, as instruction decoding needs it. */
enum lvmm_cpu_mode {
	LVMM_MODE_REAL,		/* also virtual-8086 */
	LVMM_MODE_PROT16,
	LVMM_MODE_PROT32,
	LVMM_MODE_LONG64,
};

/* Segment registers, in the order of the x86 segment override encoding. */
enum lvmm_seg { LVMM_ES, LVMM_CS, LVMM_SS, LVMM_DS, LVMM_FS, LVMM_GS };

/**
 * struct lvmm_cpu_state - control state the core reads to emulate
 * @mode:     processor mode of the code at RIP
 * @cpl:      current privilege level
 * @cr0:      guest CR0
 * @cr3:      guest CR3
 * @cr4:      guest CR4
 * @efer:     guest EFER, as the guest sees it
 * @seg_base: segment bases, indexed by enum lvmm_seg
 */
struct lvmm_cpu_state {
	enum lvmm_cpu_mode mode;
	u8 cpl;
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 efer;
	u64 seg_base[6];
};

/**
 * struct lvmm_exit - one VM exit
 * @reason:     what the core should do
 * @hw_code:    the backend's own exit code, for tracing and errors
 * @info1:      backend exit information, for tracing and errors
 * @info2:      more of it
 * @next_rip:   RIP after the exiting instruction, 0 if the hardware did
 *              not say (no NRIP save): the core then decodes it
 * @insn_len:   bytes in @insn (decode assists), else 0
 * @insn:       the guest's instruction bytes at RIP, when the CPU gave them
 * @vectoring:  the exit came while the CPU was delivering an event through
 *              the IDT: nothing at RIP has run, so nothing there may be
 *              emulated (the backend delivers the event again)
 * @event:      that event, in the backend's encoding, for error reports
 * @state:      the guest's control state at the exit: everything that
 *              emulates this exit reads it here, not from the backend
 * @io:         for LVMM_EXIT_IO
 * @npf:        for LVMM_EXIT_NPF
 * @dr:         for LVMM_EXIT_DR: which register, the direction, and the
 *              GPR when the CPU decoded it (decode assists), else -1
 * @debug:      for LVMM_EXIT_DEBUG: the exception (#DB or #BP) and the
 *              DR6 and DR7 it came with
 */
struct lvmm_exit {
	enum lvmm_exit_reason reason;
	u32 hw_code;
	u64 info1;
	u64 info2;
	u64 next_rip;
	u8 insn_len;
	u8 insn[15];
	bool vectoring;
	u64 event;
	struct lvmm_cpu_state state;
	union {
		struct {
			u16 port;
			u8 size;
			u8 addr_size;
			bool in;
			bool string;
			bool rep;
		} io;
		struct {
			u64 gpa;
			bool write;
			bool present;
		} npf;
		struct {
			u8 num;
			bool write;
			s8 gpr;
		} dr;
		struct {
			u8 vector;
			u64 dr6;
			u64 dr7;
		} debug;
	};
};

/**
 * struct lvmm_arch_ops - what a hardware backend provides
 * @name:        backend name, shown in /sys/kernel/lvmm/backend
 * @probe:       detect and check the hardware; on failure return a negative
 *               errno after logging one line that says why and what to do
 * @init:        allocate per-CPU resources once probe succeeded
 * @exit:        undo @init
 * @features:    the capabilities found by @probe; sets *@nr
 * @vm_init:     allocate a VM's backend state (nested page table root)
 * @vm_destroy:  free it, and every page table below it
 * @vcpu_create: allocate a vCPU's backend state, in the RESET state
 * @vcpu_destroy: free it
 * @vcpu_reset:  put the state the backend holds (segments, control and
 *               debug registers, events being delivered) in the INIT
 *               state; the core resets its own registers and the APIC
 * @vcpu_enter:  enter the guest once, flushing the vCPU's TLB first if
 *               @flush_tlb. Called by the run loop with interrupts off and
 *               returns with them off; it never calls into the core.
 *               Returns false if it did not enter (another hypervisor
 *               holds the CPU, or the backend found a triple fault while
 *               preparing the entry): the flush is then still owed
 * @vcpu_exit:   describe what ended the last @vcpu_enter in @exit, its
 *               control state in @exit->state included; interrupts on
 * @get_sregs:   KVM_GET_SREGS
 * @set_sregs:   KVM_SET_SREGS; -EINVAL for state lvmm cannot run
 * @get_state:   control state for emulation, outside an exit (the VMM
 *               may have changed it since the last one)
 * @get_msr:     read an MSR the backend keeps; -ENOENT if it keeps none
 * @set_msr:     write one; -ENOENT if unknown, -EINVAL if the value faults
 * @tsc_offset:  the guest's TSC minus the host's
 * @set_tsc_offset: set it
 * @queue_exception: deliver an exception at the next entry
 * @interrupt_allowed: the guest can take an external interrupt right now
 * @end_interrupt_shadow: an emulated instruction completed: the STI/MOV SS
 *               shadow, which covered only it, is over
 * @get_dr:      read DR0-DR3, DR6 or DR7 as the guest sees it
 * @set_dr:      write one (the core checked the access)
 * @update_guest_debug: vcpu->guest_debug changed: intercept #BP for
 *               software breakpoints, arm single-step and the debugger's
 *               hardware breakpoints from the next entry
 * @get_events:  KVM_GET_VCPU_EVENTS: events being delivered, the shadow
 * @set_events:  KVM_SET_VCPU_EVENTS
 * @map_gfn:     map a guest frame to a host frame; under vm->mmu_lock
 * @unmap_gfns:  remove mappings; under vm->mmu_lock; the caller flushes;
 *               returns how many there were
 * @exit_name:   name of a backend exit code, for messages
 * @dump_exits:  log the vCPU's recent exits (rate limited), when the core
 *               gives up on one; the vCPU's own thread
 */
struct lvmm_arch_ops {
	const char *name;
	int (*probe)(void);
	int (*init)(void);
	void (*exit)(void);
	const struct lvmm_feature *(*features)(unsigned int *nr);

	int (*vm_init)(struct lvmm_vm *vm);
	void (*vm_destroy)(struct lvmm_vm *vm);
	int (*vcpu_create)(struct lvmm_vcpu *vcpu);
	void (*vcpu_destroy)(struct lvmm_vcpu *vcpu);
	void (*vcpu_reset)(struct lvmm_vcpu *vcpu);
	bool (*vcpu_enter)(struct lvmm_vcpu *vcpu, bool flush_tlb);
	void (*vcpu_exit)(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);

	void (*get_sregs)(struct lvmm_vcpu *vcpu, struct kvm_sregs *sregs);
	int (*set_sregs)(struct lvmm_vcpu *vcpu, const struct kvm_sregs *sregs);
	void (*get_state)(struct lvmm_vcpu *vcpu, struct lvmm_cpu_state *st);
	int (*get_msr)(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct lvmm_vcpu *vcpu, u32 index, u64 data);
	u64 (*tsc_offset)(struct lvmm_vcpu *vcpu);
	void (*set_tsc_offset)(struct lvmm_vcpu *vcpu, u64 offset);
	void (*queue_exception)(struct lvmm_vcpu *vcpu, u8 vector,
				bool has_error, u32 error);
	bool (*interrupt_allowed)(struct lvmm_vcpu *vcpu);
	void (*end_interrupt_shadow)(struct lvmm_vcpu *vcpu);
	u64 (*get_dr)(struct lvmm_vcpu *vcpu, int dr);
	void (*set_dr)(struct lvmm_vcpu *vcpu, int dr, u64 val);
	void (*update_guest_debug)(struct lvmm_vcpu *vcpu);
	void (*get_events)(struct lvmm_vcpu *vcpu, struct kvm_vcpu_events *ev);
	int (*set_events)(struct lvmm_vcpu *vcpu,
			  const struct kvm_vcpu_events *ev);

	int (*map_gfn)(struct lvmm_vm *vm, u64 gfn, u64 pfn, bool writable);
	u64 (*unmap_gfns)(struct lvmm_vm *vm, u64 gfn, u64 count);
	const char *(*exit_name)(u32 hw_code);
	void (*dump_exits)(struct lvmm_vcpu *vcpu, const char *why);
};

/* The backends built into this module, in order of preference. */
extern const struct lvmm_arch_ops lvmm_svm_ops;

/*
 * What a backend may use of the core beyond struct lvmm_vcpu's registers,
 * and why. The layering check (scripts/check-layering) fails on anything
 * else a backend calls.
 */

/*
 * The host's XCR0, read once at load (fpu.c): XCR0 is not switched by
 * VMRUN, so the backend loads the guest's around it and puts this back.
 */
extern u64 lvmm_host_xcr0;

#endif /* LVMM_ARCH_H */
