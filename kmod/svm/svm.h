/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the SVM backend share. Only kmod/svm/ includes this.
 */
#ifndef LVMM_SVM_H
#define LVMM_SVM_H

#include <linux/percpu.h>
#include <asm/svm.h>

#include "../arch.h"
#include "../vm.h"
#include "features.h"

struct lvmm_vcpu;
struct lvmm_vm;
struct lvmm_exit;
struct lvmm_cpu_state;
struct kvm_sregs;
struct kvm_vcpu_events;

/* Found by svm_probe() at module load; read-only afterwards. */
extern struct svm_caps svm_caps;

/**
 * struct svm_cpu - what one physical CPU needs to run guests
 * @hsave:           host state save area named by MSR_VM_HSAVE_PA
 * @host_vmcb:       VMSAVE/VMLOAD target for host state VMRUN does not switch
 * @hsave_pa:        physical address of @hsave
 * @host_vmcb_pa:    physical address of @host_vmcb
 * @asid_generation: bumped each time this CPU's ASIDs are recycled
 * @next_asid:       next unused ASID in this generation
 *
 * Touched only by the CPU it belongs to, with interrupts disabled.
 */
struct svm_cpu {
	struct page *hsave;
	struct page *host_vmcb;
	u64 hsave_pa;
	u64 host_vmcb_pa;
	u64 asid_generation;
	u32 next_asid;
};

DECLARE_PER_CPU(struct svm_cpu, svm_cpu);
extern u32 svm_max_asid;

/*
 * VMCB clean bits: areas the CPU may keep cached from the last VMRUN of
 * the same VMCB on the same CPU. lvmm marks an area dirty whenever it
 * changes it; INTR and CR2 are treated as always dirty, as KVM does.
 */
enum svm_clean_area {
	SVM_CLEAN_INTERCEPTS,	/* intercepts, TSC offset, pause filter */
	SVM_CLEAN_PERM_MAP,	/* IOPM and MSRPM base */
	SVM_CLEAN_ASID,
	SVM_CLEAN_INTR,		/* int_ctl, int_vector */
	SVM_CLEAN_NPT,		/* nested_ctl, nested CR3, guest PAT */
	SVM_CLEAN_CR,		/* CR0, CR3, CR4, EFER */
	SVM_CLEAN_DR,		/* DR6, DR7 */
	SVM_CLEAN_DT,		/* GDTR, IDTR */
	SVM_CLEAN_SEG,		/* CS, DS, SS, ES, CPL */
	SVM_CLEAN_CR2,
	SVM_CLEAN_LBR,
	SVM_CLEAN_AVIC,
	SVM_CLEAN_NR,
};

#define SVM_CLEAN_ALL		(BIT(SVM_CLEAN_NR) - 1)
#define SVM_ALWAYS_DIRTY	(BIT(SVM_CLEAN_INTR) | BIT(SVM_CLEAN_CR2))

/* Rules of event delivery that event_check.c checks. */
enum svm_event_check {
	SVM_EVCHK_INTR_MASKED,
	SVM_EVCHK_REQUEUE_LOST,
	SVM_EVCHK_VECTORING_INSN,
	SVM_EVCHK_USER_KERNEL_GS,
	SVM_EVCHK_HOST_STATE,
	SVM_EVCHK_NR,
};

/**
 * struct svm_exit_record - one exit, as the ring of recent exits keeps it
 * @when_ns:       local_clock() at the exit
 * @code:          EXITCODE
 * @info1:         EXITINFO1
 * @info2:         EXITINFO2
 * @rip:           guest RIP after the exit
 * @rflags:        guest RFLAGS after the exit
 * @event_inj:     EVENTINJ of the entry that ended in this exit
 * @virq:          0x100 | vector if that entry injected a V_IRQ, else 0
 * @exit_int_info: EXITINTINFO
 * @int_state:     the interrupt shadow after the exit
 * @cpl:           guest CPL after the exit
 */
struct svm_exit_record {
	u64 when_ns;
	u32 code;
	u64 info1;
	u64 info2;
	u64 rip;
	u64 rflags;
	u32 event_inj;
	u16 virq;
	u32 exit_int_info;
	u32 int_state;
	u8 cpl;
};

#define SVM_EXIT_RING	16

/**
 * struct svm_vcpu - a vCPU's SVM state
 * @vmcb:            guest state and controls
 * @vmcb_pa:         physical address of @vmcb
 * @asid:            current ASID, valid on @asid_cpu in @asid_generation
 * @asid_cpu:        CPU the ASID belongs to, -1 for none
 * @asid_generation: generation of @asid_cpu the ASID is from
 * @dr:              guest DR0-DR3
 * @dr6:             guest DR6
 * @dr7:             guest DR7, never loaded into the VMCB
 * @step_tf:         this entry set RFLAGS.TF for the debugger's single-step;
 *                   the guest's own TF was clear
 * @shutdown:        an exception arrived on top of #DF: triple fault
 * @not_entered:     why the last svm_vcpu_enter() did not VMRUN
 *                   (LVMM_EXIT_BUSY, LVMM_EXIT_SHUTDOWN), else
 *                   LVMM_EXIT_NONE
 * @dirty:           VMCB areas (enum svm_clean_area) changed since the last
 *                   VMRUN; all of them after a move to another CPU
 * @last_cpu:        the CPU of the last VMRUN, -1 before the first
 * @requeued:        the event put back into EVENTINJ from EXITINTINFO at the
 *                   last exit, 0 if none (checked at the next entry)
 * @entry_event_inj: EVENTINJ of the last entry, for @ring
 * @virq_injected:   the entry injects @virq_vector as a virtual interrupt
 * @virq_vector:     the vector of that V_IRQ
 * @ring:            the last SVM_EXIT_RING exits, dumped when something
 *                   goes wrong (event_check.c)
 * @ring_next:       exits recorded in @ring so far
 *
 * All of it belongs to the vCPU's own thread (KVM_RUN and the vCPU ioctls,
 * which the vCPU mutex serialises).
 */
struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 asid;
	int asid_cpu;
	u64 asid_generation;
	u64 dr[4];
	u64 dr6;
	u64 dr7;
	bool step_tf;
	bool shutdown;
	enum lvmm_exit_reason not_entered;
	u32 dirty;
	int last_cpu;
	u64 spec_ctrl;
	u32 requeued;
	u32 entry_event_inj;
	bool virq_injected;
	u8 virq_vector;
	struct svm_exit_record ring[SVM_EXIT_RING];
	unsigned int ring_next;
};

/*
 * Is @event (EVENTINJ or EXITINTINFO, which share their layout) a valid
 * event of @type (SVM_EVTINJ_TYPE_*)?
 */
static inline bool svm_event_is(u32 event, u32 type)
{
	return (event & SVM_EVTINJ_VALID) &&
	       (event & SVM_EVTINJ_TYPE_MASK) == type;
}

static inline void svm_mark_dirty(struct svm_vcpu *sv, u32 areas)
{
	sv->dirty |= areas;
}

/**
 * struct svm_vm - a VM's SVM state
 * @npt_root: top level (PML4) of the nested page table
 */
struct svm_vm {
	u64 *npt_root;
};

#define to_svm(vcpu)	((struct svm_vcpu *)(vcpu)->arch)
#define to_svm_vm(vm)	((struct svm_vm *)(vm)->arch)

int svm_probe(void);
int svm_cpus_init(void);
void svm_cpus_exit(void);

/* npt.c */
int svm_vm_init(struct lvmm_vm *vm);
void svm_vm_destroy(struct lvmm_vm *vm);
int svm_map_gfn(struct lvmm_vm *vm, u64 gfn, u64 pfn, bool writable);
u64 svm_unmap_gfns(struct lvmm_vm *vm, u64 gfn, u64 count);

/* vmcb.c */
extern u64 svm_iopm_pa;
extern u64 svm_msrpm_pa;
int svm_tables_init(void);
void svm_tables_exit(void);
int svm_vcpu_create(struct lvmm_vcpu *vcpu);
void svm_vcpu_destroy(struct lvmm_vcpu *vcpu);
void svm_vcpu_init_reset(struct lvmm_vcpu *vcpu);
void svm_get_sregs(struct lvmm_vcpu *vcpu, struct kvm_sregs *sregs);
int svm_set_sregs(struct lvmm_vcpu *vcpu, const struct kvm_sregs *sregs);
void svm_get_state(struct lvmm_vcpu *vcpu, struct lvmm_cpu_state *st);
void svm_queue_exception(struct lvmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);

/* events.c */
bool svm_interrupt_allowed(struct lvmm_vcpu *vcpu);
void svm_end_interrupt_shadow(struct lvmm_vcpu *vcpu);
void svm_prepare_events(struct lvmm_vcpu *vcpu);
void svm_complete_virq(struct lvmm_vcpu *vcpu);
void svm_close_irq_window(struct lvmm_vcpu *vcpu);
void svm_get_events(struct lvmm_vcpu *vcpu, struct kvm_vcpu_events *ev);
int svm_set_events(struct lvmm_vcpu *vcpu, const struct kvm_vcpu_events *ev);

/* msr.c */
int svm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data);
u64 svm_tsc_offset(struct lvmm_vcpu *vcpu);
void svm_set_tsc_offset(struct lvmm_vcpu *vcpu, u64 offset);

/* spec_ctrl.c */
int svm_get_spec_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_spec_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data);
void svm_spec_ctrl_enter(struct svm_vcpu *sv);
void svm_spec_ctrl_exit(struct svm_vcpu *sv);

/* vmrun.c */
bool svm_vcpu_enter(struct lvmm_vcpu *vcpu, bool flush_tlb);
u32 svm_vmcb_clean_bits(bool supported, u32 dirty, int last_cpu, int cpu);

/* exit.c */
void svm_vcpu_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
#if IS_ENABLED(CONFIG_KUNIT)
void svm_requeue_event(struct lvmm_vcpu *vcpu);
#endif
const char *svm_exit_name(u32 code);

/* event_check.c */
extern bool svm_event_checks;
u32 svm_check_entry_events(const struct vmcb *vmcb, u32 requeued,
			   int pending_vector);
u32 svm_check_exit_events(const struct vmcb *vmcb);
void svm_event_check_entry(struct lvmm_vcpu *vcpu);
void svm_event_check_exit(struct lvmm_vcpu *vcpu);
void svm_exit_ring_entry(struct svm_vcpu *sv);
void svm_exit_ring_record(struct svm_vcpu *sv);
void svm_exit_ring_dump(struct lvmm_vcpu *vcpu, const char *why);

/* dr.c */
u64 svm_get_dr(struct lvmm_vcpu *vcpu, int dr);
void svm_set_dr(struct lvmm_vcpu *vcpu, int dr, u64 val);
void svm_take_db_causes(struct svm_vcpu *sv);
void svm_update_guest_debug(struct lvmm_vcpu *vcpu);
void svm_debug_enter(struct lvmm_vcpu *vcpu);
void svm_debug_exit(struct lvmm_vcpu *vcpu);

/* vmenter.S */
void __svm_vmrun(u64 vmcb_pa, u64 host_vmcb_pa, u64 *gprs);

#endif /* LVMM_SVM_H */
