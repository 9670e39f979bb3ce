// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCB: a vCPU's intercepts, its reset state and its segment and control
 * registers as KVM_GET/SET_SREGS see them.
 */
#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

/* Every port and every MSR is intercepted: the bitmaps are all ones. */
#define IOPM_ORDER	2	/* 12 KiB used */
#define MSRPM_ORDER	1	/* 8 KiB */

static struct page *iopm, *msrpm;
u64 svm_iopm_pa, svm_msrpm_pa;

int svm_tables_init(void)
{
	iopm = alloc_pages(GFP_KERNEL, IOPM_ORDER);
	msrpm = alloc_pages(GFP_KERNEL, MSRPM_ORDER);
	if (!iopm || !msrpm) {
		svm_tables_exit();
		return -ENOMEM;
	}
	memset(page_address(iopm), 0xff, PAGE_SIZE << IOPM_ORDER);
	memset(page_address(msrpm), 0xff, PAGE_SIZE << MSRPM_ORDER);
	svm_iopm_pa = page_to_phys(iopm);
	svm_msrpm_pa = page_to_phys(msrpm);
	return 0;
}

void svm_tables_exit(void)
{
	if (iopm)
		__free_pages(iopm, IOPM_ORDER);
	if (msrpm)
		__free_pages(msrpm, MSRPM_ORDER);
	iopm = NULL;
	msrpm = NULL;
}

static void set_intercept(struct vmcb *vmcb, unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] |= BIT(bit % 32);
}

/*
 * What the guest may not do without lvmm seeing it. See
 * Documentation/svm.rst for the reasons.
 */
static void svm_init_intercepts(struct vmcb *vmcb)
{
	static const u8 intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
		INTERCEPT_CPUID, INTERCEPT_INVD, INTERCEPT_HLT,
		INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_VMRUN, INTERCEPT_VMMCALL,
		INTERCEPT_VMLOAD, INTERCEPT_VMSAVE, INTERCEPT_STGI,
		INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_MONITOR,
		INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND, INTERCEPT_XSETBV,
		INTERCEPT_RDPRU,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		set_intercept(vmcb, intercepts[i]);
	/*
	 * #DB and #AC: a guest must not hold the CPU in an exception loop.
	 * #UD: the core patches VMCALL, which Intel-built guests use.
	 */
	vmcb->control.intercepts[INTERCEPT_EXCEPTION] = BIT(X86_TRAP_DB) |
							BIT(X86_TRAP_AC) |
							BIT(X86_TRAP_UD);
	/* Debug registers are the host's; the guest gets shadows. */
	vmcb->control.intercepts[INTERCEPT_DR] = 0x00ff00ff;
}

static void seg_set(struct vmcb_seg *seg, u16 selector, u64 base, u32 limit,
		    u16 attrib)
{
	seg->selector = selector;
	seg->base = base;
	seg->limit = limit;
	seg->attrib = attrib;
}

/*
 * The architectural state after RESET (@init false) or INIT, as KVM sets
 * it. INIT keeps the MSRs (PAT among them: the VMCB's g_pat) and drops
 * whatever event was being delivered; at RESET the VMCB is still all
 * zeroes, so CR2-CR4 and the event fields are 0 already.
 */
static void svm_reset(struct lvmm_vcpu *vcpu, bool init)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save_area *save = &sv->vmcb->save;
	struct vmcb_control_area *c = &sv->vmcb->control;

	seg_set(&save->cs, 0xf000, 0xffff0000, 0xffff, 0x9b);
	seg_set(&save->ds, 0, 0, 0xffff, 0x93);
	seg_set(&save->es, 0, 0, 0xffff, 0x93);
	seg_set(&save->ss, 0, 0, 0xffff, 0x93);
	seg_set(&save->fs, 0, 0, 0xffff, 0x93);
	seg_set(&save->gs, 0, 0, 0xffff, 0x93);
	seg_set(&save->ldtr, 0, 0, 0xffff, 0x82);
	seg_set(&save->tr, 0, 0, 0xffff, 0x8b);
	seg_set(&save->gdtr, 0, 0, 0xffff, 0);
	seg_set(&save->idtr, 0, 0, 0xffff, 0);
	save->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	save->cr2 = 0;
	save->cr3 = 0;
	save->cr4 = 0;
	save->efer = EFER_SVME;
	save->dr6 = 0xffff0ff0;
	save->dr7 = 0x400;
	if (!init)
		save->g_pat = 0x0007040600070406ULL;
	save->cpl = 0;
	memset(sv->dr, 0, sizeof(sv->dr));
	sv->dr6 = 0xffff0ff0;
	sv->dr7 = 0x400;
	sv->spec_ctrl = 0;
	save->spec_ctrl = 0;
	sv->shutdown = false;
	c->event_inj = 0;
	sv->requeued = 0;
	c->event_inj_err = 0;
	c->int_state = 0;
	svm_close_irq_window(vcpu);
	svm_mark_dirty(sv, SVM_CLEAN_ALL);
}

/* INIT: the guest's TLB goes too, as in KVM (the core requests it). */
void svm_vcpu_init_reset(struct lvmm_vcpu *vcpu)
{
	svm_reset(vcpu, true);
}

int svm_vcpu_create(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv;
	struct page *page;
	struct vmcb *vmcb;

	sv = kzalloc(sizeof(*sv), GFP_KERNEL_ACCOUNT);
	if (!sv)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(sv);
		return -ENOMEM;
	}
	sv->vmcb = page_address(page);
	sv->vmcb_pa = page_to_phys(page);
	sv->asid_cpu = -1;
	sv->last_cpu = -1;
	sv->dirty = SVM_CLEAN_ALL;
	vcpu->arch = sv;

	vmcb = sv->vmcb;
	svm_init_intercepts(vmcb);
	vmcb->control.iopm_base_pa = svm_iopm_pa;
	vmcb->control.msrpm_base_pa = svm_msrpm_pa;
	/* Physical interrupts are masked by the host's IF, not the guest's. */
	vmcb->control.int_ctl = V_INTR_MASKING_MASK;
	vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	vmcb->control.nested_cr3 = __pa(to_svm_vm(vcpu->vm)->npt_root);
	svm_reset(vcpu, false);
	return 0;
}

void svm_vcpu_destroy(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (!sv)
		return;
	free_page((unsigned long)sv->vmcb);
	kfree(sv);
	vcpu->arch = NULL;
}

/* VMCB segment attributes <-> struct kvm_segment. */
static void seg_to_kvm(const struct vmcb_seg *s, struct kvm_segment *k)
{
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = s->attrib & SVM_SELECTOR_TYPE_MASK;
	k->s = !!(s->attrib & SVM_SELECTOR_S_MASK);
	k->dpl = (s->attrib >> SVM_SELECTOR_DPL_SHIFT) & 3;
	k->present = !!(s->attrib & SVM_SELECTOR_P_MASK);
	k->avl = !!(s->attrib & SVM_SELECTOR_AVL_MASK);
	k->l = !!(s->attrib & SVM_SELECTOR_L_MASK);
	k->db = !!(s->attrib & SVM_SELECTOR_DB_MASK);
	k->g = !!(s->attrib & SVM_SELECTOR_G_MASK);
	k->unusable = !k->present;
	k->padding = 0;
}

static void seg_from_kvm(struct vmcb_seg *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	if (k->unusable) {
		s->attrib = 0;
		return;
	}
	s->attrib = (k->type & SVM_SELECTOR_TYPE_MASK) |
		    (k->s ? SVM_SELECTOR_S_MASK : 0) |
		    ((k->dpl & 3) << SVM_SELECTOR_DPL_SHIFT) |
		    (k->present ? SVM_SELECTOR_P_MASK : 0) |
		    (k->avl ? SVM_SELECTOR_AVL_MASK : 0) |
		    (k->l ? SVM_SELECTOR_L_MASK : 0) |
		    (k->db ? SVM_SELECTOR_DB_MASK : 0) |
		    (k->g ? SVM_SELECTOR_G_MASK : 0);
}

void svm_get_sregs(struct lvmm_vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save_area *save = &sv->vmcb->save;

	memset(sregs, 0, sizeof(*sregs));
	seg_to_kvm(&save->cs, &sregs->cs);
	seg_to_kvm(&save->ds, &sregs->ds);
	seg_to_kvm(&save->es, &sregs->es);
	seg_to_kvm(&save->fs, &sregs->fs);
	seg_to_kvm(&save->gs, &sregs->gs);
	seg_to_kvm(&save->ss, &sregs->ss);
	seg_to_kvm(&save->tr, &sregs->tr);
	seg_to_kvm(&save->ldtr, &sregs->ldt);
	sregs->gdt.base = save->gdtr.base;
	sregs->gdt.limit = save->gdtr.limit;
	sregs->idt.base = save->idtr.base;
	sregs->idt.limit = save->idtr.limit;
	sregs->cr0 = save->cr0;
	sregs->cr2 = save->cr2;
	sregs->cr3 = save->cr3;
	sregs->cr4 = save->cr4;
	sregs->efer = save->efer & ~EFER_SVME;
	sregs->apic_base = vcpu->apic_base;
}

/* Guest EFER bits lvmm lets the guest or the VMM set. */
#define EFER_ALLOWED	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR)

int svm_set_sregs(struct lvmm_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save_area *save = &sv->vmcb->save;
	u64 efer = sregs->efer;

	if (efer & ~EFER_ALLOWED)
		return -EINVAL;
	/* Long mode with paging on implies LMA, as the CPU would set it. */
	if ((efer & EFER_LME) && (sregs->cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	else if (!(sregs->cr0 & X86_CR0_PG))
		efer &= ~EFER_LMA;
	if ((efer & EFER_LMA) && !(sregs->cr4 & X86_CR4_PAE))
		return -EINVAL;
	if (sregs->cr0 >> 32 || sregs->cr4 & X86_CR4_VMXE)
		return -EINVAL;

	seg_from_kvm(&save->cs, &sregs->cs);
	seg_from_kvm(&save->ds, &sregs->ds);
	seg_from_kvm(&save->es, &sregs->es);
	seg_from_kvm(&save->fs, &sregs->fs);
	seg_from_kvm(&save->gs, &sregs->gs);
	seg_from_kvm(&save->ss, &sregs->ss);
	seg_from_kvm(&save->tr, &sregs->tr);
	seg_from_kvm(&save->ldtr, &sregs->ldt);
	save->gdtr.base = sregs->gdt.base;
	save->gdtr.limit = sregs->gdt.limit;
	save->idtr.base = sregs->idt.base;
	save->idtr.limit = sregs->idt.limit;
	save->cr0 = sregs->cr0;
	save->cr2 = sregs->cr2;
	save->cr3 = sregs->cr3;
	save->cr4 = sregs->cr4;
	save->efer = efer | EFER_SVME;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_CR) | BIT(SVM_CLEAN_DT) |
			   BIT(SVM_CLEAN_SEG) | BIT(SVM_CLEAN_CR2));
	/* CPL is SS.DPL in protected mode, 0 in real mode, 3 in VM86. */
	if (!(save->cr0 & X86_CR0_PE))
		save->cpl = 0;
	else if (vcpu->rflags & X86_EFLAGS_VM)
		save->cpl = 3;
	else
		save->cpl = sregs->ss.dpl;
	return 0;
}

void svm_get_state(struct lvmm_vcpu *vcpu, struct lvmm_cpu_state *st)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;
	u16 cs = save->cs.attrib;

	st->cr0 = save->cr0;
	st->cr3 = save->cr3;
	st->cr4 = save->cr4;
	st->efer = save->efer & ~EFER_SVME;
	st->cpl = save->cpl;
	if (!(save->cr0 & X86_CR0_PE) || (vcpu->rflags & X86_EFLAGS_VM))
		st->mode = LVMM_MODE_REAL;
	else if ((st->efer & EFER_LMA) && (cs & SVM_SELECTOR_L_MASK))
		st->mode = LVMM_MODE_LONG64;
	else if (cs & SVM_SELECTOR_DB_MASK)
		st->mode = LVMM_MODE_PROT32;
	else
		st->mode = LVMM_MODE_PROT16;
	st->seg_base[LVMM_ES] = save->es.base;
	st->seg_base[LVMM_CS] = save->cs.base;
	st->seg_base[LVMM_SS] = save->ss.base;
	st->seg_base[LVMM_DS] = save->ds.base;
	st->seg_base[LVMM_FS] = save->fs.base;
	st->seg_base[LVMM_GS] = save->gs.base;
	if (st->mode == LVMM_MODE_LONG64) {
		st->seg_base[LVMM_ES] = 0;
		st->seg_base[LVMM_CS] = 0;
		st->seg_base[LVMM_SS] = 0;
		st->seg_base[LVMM_DS] = 0;
	}
}
