/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic core of lvmm: the objects every core file shares.
 *
 * Lock order, outermost first:
 *
 *   vcpu->mutex         one ioctl at a time on a vCPU (KVM_RUN included)
 *   vm->lock            VM-wide configuration: creating vCPUs, changing slots
 *   lvmm_share_lock     (mutex) page sharing: members, hints, scan cursor
 *   vm->slots_lock      (rwsem) the slot table; read by faults, written by
 *                       KVM_SET_USER_MEMORY_REGION under vm->lock
 *   mm->mmap_lock       the VMM's, for pinning anonymous memory, and held
 *                       by the core mm around faults on a gmem mapping
 *   gmem->lock          (mutex) a gmem file's entries and bindings (gmem.h)
 *   vm->mmu_lock        (mutex) the backend's nested page tables and the
 *                       per-slot table of pinned pages
 *   lvmm_stable_lock    (spinlock) the table of shared pages
 *
 * Nothing is taken inside mmu_lock but page allocation and the stable
 * table's spinlock.
 *
 * The interrupt controllers have their own two, taken by a vCPU in exit
 * handling with none of the above held (KVM_IRQ_LINE holds none either):
 *
 *   ioapic->lock        (spinlock) the IOAPIC's pins and table (ioapic.c)
 *   lapic->lock         (raw spinlock, interrupts off) one local APIC's
 *                       registers and timer, and the INIT and SIPI other
 *                       vCPUs latched for it (lapic_internal.h); also
 *                       taken by the APIC timer in hard interrupt context.
 *                       Never two APICs' locks at once.
 *
 * vm->clock.lock (seqlock) is a leaf: kvmclock's reference, written only by
 * KVM_SET_CLOCK with nothing else held (pvclock.c).
 */
#ifndef LVMM_H
#define LVMM_H

#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/rcuwait.h>
#include <linux/rwsem.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include <linux/lvmm.h>

#include "arch.h"
#include "request.h"
#include "stats.h"

struct lvmm_ioapic;
struct lvmm_lapic;

#define LVMM_VERSION		"0.2.0"

#define LVMM_MAX_VCPUS		255	/* hard cap; module parameter below */
#define LVMM_MAX_SLOTS		512	/* hard cap; module parameter below */
#define LVMM_MAX_CPUID		256	/* entries in a vCPU's CPUID table */

/*
 * Allocations a running guest causes (its pages, their bookkeeping, nested
 * page tables): charged to the VMM's memory cgroup, and failing with
 * -ENOMEM at its limit rather than invoking the cgroup's OOM killer.
 */
#define LVMM_GFP_GUEST	(GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

/* Module parameters (params.c). */
extern unsigned int lvmm_max_vcpus;
extern unsigned int lvmm_max_slots;
extern unsigned int lvmm_max_vms;
int lvmm_params_check(void);

/* The backend chosen at module load; constant afterwards (arch.c). */
extern const struct lvmm_arch_ops *lvmm_arch;

/**
 * struct lvmm_slot - one guest-physical memory region
 * @id:         KVM slot number
 * @flags:      KVM_MEM_* flags
 * @base_gfn:   first guest frame
 * @npages:     length in pages
 * @hva:        anonymous backing: the VMM's address of the first page
 * @gmem:       module-owned backing, or NULL
 * @gmem_pgoff: page offset of the slot in @gmem
 * @pinned:     anonymous backing: page offset -> pinned struct page;
 *              written under vm->mmu_lock
 * @vm:         the VM the slot belongs to
 * @gmem_link:  in the gmem's bindings, under gmem->lock
 */
struct lvmm_slot {
	u32 id;
	u32 flags;
	u64 base_gfn;
	u64 npages;
	unsigned long hva;
	struct file *gmem;
	pgoff_t gmem_pgoff;
	struct xarray pinned;
	struct lvmm_vm *vm;
	struct list_head gmem_link;
};

/* Where guest frame @gfn of a gmem slot is in its file, and back. */
static inline pgoff_t lvmm_slot_index(const struct lvmm_slot *slot, u64 gfn)
{
	return slot->gmem_pgoff + gfn - slot->base_gfn;
}

static inline u64 lvmm_slot_gfn(const struct lvmm_slot *slot, pgoff_t index)
{
	return slot->base_gfn + index - slot->gmem_pgoff;
}

static inline bool lvmm_slot_has_index(const struct lvmm_slot *slot,
				       pgoff_t index)
{
	return index >= slot->gmem_pgoff &&
	       index - slot->gmem_pgoff < slot->npages;
}

/**
 * struct lvmm_clock - a VM's kvmclock (pvclock.c): guest ns as one
 * function of the host TSC, ref_ns + scale(TSC - ref_tsc), for all vCPUs
 * @lock:           (seqlock, a leaf) @ref_tsc and @ref_ns; written only by
 *                  KVM_SET_CLOCK
 * @ref_tsc:        host TSC at the reference point
 * @ref_ns:         guest ns at @ref_tsc (0 at VM creation)
 * @mul:            tsc_to_system_mul, from tsc_khz at VM creation
 * @shift:          tsc_shift, likewise
 * @wall_clock_msr: MSR_KVM_WALL_CLOCK(_NEW) as last written (VM-wide, as KVM)
 */
struct lvmm_clock {
	seqlock_t lock;
	u64 ref_tsc;
	u64 ref_ns;
	u32 mul;
	s8 shift;
	u64 wall_clock_msr;
};

struct lvmm_vm {
	struct kref ref;
	u32 id;
	struct mm_struct *mm;
	pid_t pid;

	struct mutex lock;		/* configuration; see lock order */
	struct rw_semaphore slots_lock;	/* @slots, @nr_slots */
	struct xarray slots;		/* slot id -> struct lvmm_slot */
	unsigned int nr_slots;
	struct mutex mmu_lock;		/* nested page table, pinned pages */

	char name[LVMM_NAME_MAX];	/* under @lock */
	u64 memory_bytes;		/* in all slots; under @lock */

	struct lvmm_vcpu **vcpus;	/* lvmm_max_vcpus entries */
	atomic_t nr_vcpus;
	unsigned long tlb_generation;	/* bumped when a mapping is removed */

	u32 share_group;		/* under lvmm_share_lock; 0: none */
	struct list_head share_link;	/* in the members; lvmm_share_lock */

	struct lvmm_ioapic *ioapic;	/* KVM_CREATE_IRQCHIP; set under @lock */
	u64 disabled_quirks;		/* KVM_X86_QUIRK_*; set under @lock */
	u64 x2apic_api;			/* KVM_X2APIC_API_*; set under @lock */
	u32 max_vcpu_ids;		/* KVM_CAP_MAX_VCPU_ID, 0: max_vcpus; @lock */
	struct lvmm_clock clock;	/* kvmclock */

	struct lvmm_vm_stats stats;
	struct kobject *kobj;
	void *arch;
};

/* What the vCPU owes the guest when KVM_RUN is called again. */
enum lvmm_pending {
	LVMM_PENDING_NONE,
	LVMM_PENDING_PIO,	/* finish an IN/OUT (string or not) */
	LVMM_PENDING_MMIO,	/* finish a decoded MOV to/from MMIO */
	LVMM_PENDING_HYPERCALL,	/* return the VMM's result in RAX */
};

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

/**
 * struct lvmm_msr_state - MSRs the core keeps (msr_state.c)
 * @mtrr_def_type: IA32_MTRR_DEF_TYPE
 * @mtrr_fixed:    the eleven fixed-range MTRRs
 * @mtrr_var:      base and mask of the eight variable ranges
 * @misc_enable:   IA32_MISC_ENABLE
 * @hwcr:          the AMD HWCR
 * @ucode_rev:     the patch level the guest reads; only the VMM sets it
 */
struct lvmm_msr_state {
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[16];
	u64 misc_enable;
	u64 hwcr;
	u64 ucode_rev;
};

struct lvmm_vcpu {
	struct lvmm_vm *vm;
	u32 id;
	struct mutex mutex;		/* one vCPU ioctl at a time */

	/* Guest registers not held by the backend's control block. */
	u64 gpr[16];
	u64 rip;
	u64 rflags;
	u64 xcr0;

	struct kvm_run *run;		/* two pages: kvm_run, then PIO data */
	struct page *run_pages[2];
	struct fpu_guest fpu;

	struct kvm_cpuid_entry2 *cpuid;	/* LVMM_MAX_CPUID entries */
	int nr_cpuid;
	bool ran;			/* KVM_RUN was called: CPUID is fixed */

	/*
	 * An external interrupt not yet delivered: from KVM_INTERRUPT, or
	 * taken from the in-kernel APIC's IRR (then already in its ISR).
	 */
	bool irq_pending;
	u8 irq_vector;

	/* The in-kernel local APIC (KVM_CREATE_IRQCHIP), or NULL. */
	struct lvmm_lapic *lapic;
	u64 apic_base;			/* IA32_APIC_BASE */
	/*
	 * Open an interrupt window at the next entry: the APIC holds an
	 * interrupt the guest cannot take yet or, without the in-kernel
	 * APIC, the VMM set request_interrupt_window. Set by the run loop.
	 */
	bool irq_window;
	/*
	 * KVM_MP_STATE_*: RUNNABLE, HALTED (in HLT until the APIC has an
	 * interrupt), UNINITIALIZED (an AP waiting for INIT) or
	 * INIT_RECEIVED (waiting for SIPI); the last three only with the
	 * in-kernel APIC (mp_state.c). Read and written only by the ioctls
	 * of this vCPU, under @mutex: other vCPUs' INIT and SIPI are latched
	 * in the APIC (lapic.h) and taken from there by the vCPU itself.
	 */
	u32 mp_state;
	/*
	 * Where the vCPU sleeps while not runnable, in lvmm_vcpu_wait(): one
	 * waiter at most, the KVM_RUN holding @mutex. An rcuwait, not a wait
	 * queue, because the APIC timer wakes it from hard interrupt context.
	 */
	struct rcuwait wait;
	struct lvmm_msr_state msrs;
	u64 system_time_msr;		/* MSR_KVM_SYSTEM_TIME(_NEW) */
	bool system_time_old;		/* ...written through the old one */

	enum lvmm_pending pending;
	u64 pending_rip;		/* RIP of the instruction owed */
	struct lvmm_pio pio;
	struct lvmm_mmio_insn mmio;

	/*
	 * The last exit, with the control state it came with: emulation
	 * reads the state here (arch.h). KVM_RUN refreshes it before it
	 * finishes an exit the VMM handled, as KVM_SET_SREGS may have
	 * changed it meanwhile.
	 */
	struct lvmm_exit exit;

	/* Requests from other threads, checked with interrupts off. */
	unsigned long requests;		/* LVMM_REQ_* (request.h) */
	int mode;			/* LVMM_OUTSIDE_GUEST or LVMM_IN_GUEST */
	int cpu;			/* where it last ran, for kicks */

	struct lvmm_vcpu_stats stats;
	struct kobject *kobj;
	void *arch;
};

/* GPR numbers, in the order of the x86 ModRM encoding. */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15 };

/* The KVM quirks lvmm has, which KVM_CAP_DISABLE_QUIRKS2 can turn off. */
#define LVMM_QUIRKS	KVM_X86_QUIRK_FIX_HYPERCALL_INSN

/* sysfs.c: /sys/kernel/lvmm/, under which share/sysfs.c adds sharing/ */
int lvmm_sysfs_init(void);
void lvmm_sysfs_exit(void);
extern struct kobject *lvmm_kobj;

/* vm.c */
long lvmm_create_vm(unsigned long type);
void lvmm_vm_put(struct lvmm_vm *vm);
bool lvmm_vm_owned(struct lvmm_vm *vm);
int lvmm_check_extension(long ext);
int lvmm_guest_tsc_khz(void);

/* memslot.c */
int lvmm_set_memory_region(struct lvmm_vm *vm,
			   const struct kvm_userspace_memory_region2 *mem);
void lvmm_free_slots(struct lvmm_vm *vm);
void lvmm_unbind_slots(struct lvmm_vm *vm);
struct lvmm_slot *lvmm_find_slot(struct lvmm_vm *vm, u64 gfn);
int lvmm_map_gfn(struct lvmm_vm *vm, u64 gfn, bool write);
int lvmm_read_guest(struct lvmm_vm *vm, u64 gpa, void *buf, size_t len);
int lvmm_write_guest(struct lvmm_vm *vm, u64 gpa, const void *buf,
		     size_t len);

/* gmem.c */
long lvmm_create_gmem(struct lvmm_vm *vm, struct kvm_create_guest_memfd *args);
struct file *lvmm_gmem_get(int fd);

/* vcpu.c */
int lvmm_create_vcpu(struct lvmm_vm *vm, u32 id);
void lvmm_vcpu_free(struct lvmm_vcpu *vcpu);

/* run.c */
int lvmm_vcpu_run(struct lvmm_vcpu *vcpu);

/* mp_state.c */
void lvmm_vcpu_init_mp_state(struct lvmm_vcpu *vcpu);
int lvmm_vcpu_wait(struct lvmm_vcpu *vcpu);
int lvmm_mp_state_ioctl(struct lvmm_vcpu *vcpu, void __user *u, bool set);

/*
 * Exit handlers return 1 to enter the guest again, 0 to return to the VMM
 * with struct kvm_run filled in, or a negative errno for KVM_RUN.
 */

/* exits.c */
int lvmm_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_complete_userspace_exit(struct lvmm_vcpu *vcpu);

/* pio.c */
int lvmm_handle_io(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_complete_pio(struct lvmm_vcpu *vcpu);

/* mmio.c */
int lvmm_handle_mmio(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit, u64 gpa);
int lvmm_complete_mmio(struct lvmm_vcpu *vcpu, const void *data);

/* debugreg.c */
int lvmm_handle_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);

/* internal_error.c */
void lvmm_internal_error(struct lvmm_vcpu *vcpu, u32 suberror,
			 struct lvmm_exit *exit);
void lvmm_delivery_error(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_emulation_failed(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);

/* cpuid.c */
int lvmm_cpuid_init(u32 pv_features);
void lvmm_cpuid_exit(void);
int lvmm_get_supported_cpuid(struct kvm_cpuid2 __user *ucpuid);
void lvmm_vcpu_default_cpuid(struct lvmm_vcpu *vcpu);
int lvmm_set_cpuid2(struct lvmm_vcpu *vcpu, struct kvm_cpuid2 __user *u);
int lvmm_get_cpuid2(struct lvmm_vcpu *vcpu, struct kvm_cpuid2 __user *u);
void lvmm_emulate_cpuid(struct lvmm_vcpu *vcpu);
void lvmm_filter_cpuid(struct kvm_cpuid_entry2 *e);
struct kvm_cpuid_entry2 *lvmm_cpuid_entry(struct lvmm_vcpu *vcpu, u32 f,
					  u32 index);

/* sregs.c */
u64 lvmm_cr4_allowed(struct lvmm_vcpu *vcpu);
int lvmm_check_sregs(struct lvmm_vcpu *vcpu, const struct kvm_sregs *s);

/* MTRR MSRs, by number (the kernel's names are CamelCase). */
#define LVMM_MSR_MTRR_CAP		0x0fe
#define LVMM_MSR_MTRR_FIX64K		0x250
#define LVMM_MSR_MTRR_FIX16K_80000	0x258
#define LVMM_MSR_MTRR_FIX16K_A0000	0x259
#define LVMM_MSR_MTRR_FIX4K_FIRST	0x268
#define LVMM_MSR_MTRR_FIX4K_LAST	0x26f
#define LVMM_MSR_MTRR_DEF_TYPE		0x2ff

/* msr_state.c */
void lvmm_msr_state_reset(struct lvmm_vcpu *vcpu);
int lvmm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data, bool host);
int lvmm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data, bool host);

/* msr.c */
int lvmm_emulate_rdmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_emulate_wrmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_get_msr_index_list(struct kvm_msr_list __user *u, bool features);
int lvmm_vcpu_msrs(struct lvmm_vcpu *vcpu, struct kvm_msrs __user *u,
		   bool write);

/* fpu.c */
extern u64 lvmm_host_xcr0;
bool lvmm_xcr0_valid(u64 xcr0);
void lvmm_fpu_init(void);
int lvmm_xsave_size(void);
int lvmm_get_fpu(struct lvmm_vcpu *vcpu, struct kvm_fpu __user *u);
int lvmm_set_fpu(struct lvmm_vcpu *vcpu, struct kvm_fpu __user *u);
int lvmm_get_xsave(struct lvmm_vcpu *vcpu, void __user *u, unsigned int size);
int lvmm_set_xsave(struct lvmm_vcpu *vcpu, void __user *u);
int lvmm_get_xcrs(struct lvmm_vcpu *vcpu, struct kvm_xcrs __user *u);
int lvmm_set_xcrs(struct lvmm_vcpu *vcpu, struct kvm_xcrs __user *u);

/* hypercall.c */
int lvmm_handle_hypercall(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_handle_ud(struct lvmm_vcpu *vcpu);
int lvmm_complete_hypercall(struct lvmm_vcpu *vcpu);

/* guest_access.c: guest virtual memory, through the guest's page tables */
int lvmm_gva_to_gpa(struct lvmm_vcpu *vcpu, u64 gva, bool write, u64 *gpa);
int lvmm_read_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, void *buf,
			 size_t len);
int lvmm_write_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, const void *buf,
			  size_t len);

/**
 * struct lvmm_prefixes - what an instruction's prefixes say (insn.c)
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

/* insn.c: instruction decoding, and RIP after an emulated instruction */
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

/* pvclock.c: kvmclock */
#define LVMM_KVM_CPUID_BASE	0x40000100	/* KVM's leaves, above lvmm's */
#define KVM_SIGNATURE_EBX	0x4b4d564b	/* "KVMKVMKVM\0\0\0" */
#define KVM_SIGNATURE_ECX	0x564b4d56
#define KVM_SIGNATURE_EDX	0x0000004d
#define LVMM_CLOCK_VALID_FLAGS	(KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | \
				 KVM_CLOCK_HOST_TSC)
void lvmm_pvclock_scale(u64 hz, u32 *mul, s8 *shift);
u32 lvmm_pvclock_cpuid_features(void);
void lvmm_clock_init(struct lvmm_vm *vm);
void lvmm_pvclock_update(struct lvmm_vcpu *vcpu);
void lvmm_pvclock_request(struct lvmm_vcpu *vcpu);
int lvmm_pvclock_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data,
			 bool host);
int lvmm_pvclock_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data,
			 bool host);
int lvmm_get_clock(struct lvmm_vm *vm, struct kvm_clock_data __user *u);
int lvmm_set_clock(struct lvmm_vm *vm, struct kvm_clock_data __user *u);

/* stats.c */
int lvmm_vm_sysfs_add(struct lvmm_vm *vm);
void lvmm_vm_sysfs_del(struct lvmm_vm *vm);
int lvmm_vcpu_sysfs_add(struct lvmm_vcpu *vcpu);
void lvmm_vcpu_sysfs_del(struct lvmm_vcpu *vcpu);
int lvmm_stats_sysfs_init(struct kobject *parent);
void lvmm_stats_sysfs_exit(void);

#endif /* LVMM_H */
