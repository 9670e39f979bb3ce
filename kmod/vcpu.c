// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU: its file, the struct kvm_run it shares with the VMM, and the vCPU
 * ioctls. KVM_RUN itself is in run.c.
 *
 * A vCPU lives as long as its VM: closing the vCPU fd drops the fd's
 * reference on the VM, and the vCPU is freed together with the VM.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/processor-flags.h>
#include <asm/tsc.h>

#include "arch.h"
#include "core.h"
#include "cpuid.h"
#include "fpu.h"
#include "lapic.h"
#include "msr.h"
#include "sregs.h"
#include "stats.h"
#include "vcpu.h"
#include "vm.h"

static int lvmm_get_regs(struct lvmm_vcpu *vcpu, struct kvm_regs __user *u)
{
	struct kvm_regs regs = {
		.rax = vcpu->gpr[RAX], .rbx = vcpu->gpr[RBX],
		.rcx = vcpu->gpr[RCX], .rdx = vcpu->gpr[RDX],
		.rsi = vcpu->gpr[RSI], .rdi = vcpu->gpr[RDI],
		.rsp = vcpu->gpr[RSP], .rbp = vcpu->gpr[RBP],
		.r8 = vcpu->gpr[R8], .r9 = vcpu->gpr[R9],
		.r10 = vcpu->gpr[R10], .r11 = vcpu->gpr[R11],
		.r12 = vcpu->gpr[R12], .r13 = vcpu->gpr[R13],
		.r14 = vcpu->gpr[R14], .r15 = vcpu->gpr[R15],
		.rip = vcpu->rip, .rflags = vcpu->rflags,
	};

	return copy_to_user(u, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static int lvmm_set_regs(struct lvmm_vcpu *vcpu, struct kvm_regs __user *u)
{
	struct kvm_regs regs;

	if (copy_from_user(&regs, u, sizeof(regs)))
		return -EFAULT;
	vcpu->gpr[RAX] = regs.rax;
	vcpu->gpr[RBX] = regs.rbx;
	vcpu->gpr[RCX] = regs.rcx;
	vcpu->gpr[RDX] = regs.rdx;
	vcpu->gpr[RSI] = regs.rsi;
	vcpu->gpr[RDI] = regs.rdi;
	vcpu->gpr[RSP] = regs.rsp;
	vcpu->gpr[RBP] = regs.rbp;
	vcpu->gpr[R8] = regs.r8;
	vcpu->gpr[R9] = regs.r9;
	vcpu->gpr[R10] = regs.r10;
	vcpu->gpr[R11] = regs.r11;
	vcpu->gpr[R12] = regs.r12;
	vcpu->gpr[R13] = regs.r13;
	vcpu->gpr[R14] = regs.r14;
	vcpu->gpr[R15] = regs.r15;
	vcpu->rip = regs.rip;
	/* Bit 1 is always set; reserved bits are not the VMM's to set. */
	vcpu->rflags = (regs.rflags & 0x3f7fd7) | X86_EFLAGS_FIXED;
	return 0;
}

/*
 * KVM_INTERRUPT: the VMM's interrupt controller raised @irq. As with KVM
 * without an in-kernel irqchip, a newer one replaces one not yet delivered.
 * With a split irqchip it is the VMM's 8259 (ExtINT): held until the local
 * APIC accepts it through LINT0, one at a time (-EEXIST), as in KVM. With
 * the whole irqchip in the kernel, interrupts come through it (-ENXIO).
 */
static int lvmm_interrupt(struct lvmm_vcpu *vcpu, struct kvm_interrupt __user *u)
{
	struct kvm_interrupt irq;

	if (copy_from_user(&irq, u, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= 256)
		return -EINVAL;
	if (vcpu->lapic && lvmm_irqchip_mode(vcpu->vm) != LVMM_IRQCHIP_SPLIT)
		return -ENXIO;
	if (vcpu->lapic) {
		if (vcpu->extint_pending)
			return -EEXIST;
		vcpu->extint_pending = true;
		vcpu->extint_vector = irq.irq;
		return 0;
	}
	vcpu->irq_pending = true;
	vcpu->irq_vector = irq.irq;
	return 0;
}

static int lvmm_vcpu_events(struct lvmm_vcpu *vcpu, void __user *u, bool set)
{
	struct kvm_vcpu_events ev;

	if (set) {
		if (copy_from_user(&ev, u, sizeof(ev)))
			return -EFAULT;
		return lvmm_arch->set_events(vcpu, &ev);
	}
	lvmm_arch->get_events(vcpu, &ev);
	return copy_to_user(u, &ev, sizeof(ev)) ? -EFAULT : 0;
}

/* KVM_GET_LAPIC / KVM_SET_LAPIC: -EINVAL without an APIC, as in KVM. */
static int lvmm_lapic_state(struct lvmm_vcpu *vcpu, void __user *u, bool set)
{
	struct kvm_lapic_state *s;
	int ret = 0;

	if (!vcpu->lapic)
		return -EINVAL;
	if (set) {
		s = memdup_user(u, sizeof(*s));
		if (IS_ERR(s))
			return PTR_ERR(s);
		ret = lvmm_lapic_set_state(vcpu, s);
	} else {
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s)
			return -ENOMEM;
		lvmm_lapic_get_state(vcpu, s);
		if (copy_to_user(u, s, sizeof(*s)))
			ret = -EFAULT;
	}
	kfree(s);
	return ret;
}

static long lvmm_vcpu_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct lvmm_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_sregs *sregs;
	long ret;

	if (!lvmm_vm_owned(vcpu->vm))
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (cmd) {
	case KVM_RUN:
		ret = arg ? -EINVAL : lvmm_vcpu_run(vcpu);
		break;
	case KVM_GET_REGS:
		ret = lvmm_get_regs(vcpu, argp);
		break;
	case KVM_SET_REGS:
		ret = lvmm_set_regs(vcpu, argp);
		break;
	case KVM_GET_SREGS:
		ret = -ENOMEM;
		sregs = kmalloc(sizeof(*sregs), GFP_KERNEL);
		if (!sregs)
			break;
		lvmm_arch->get_sregs(vcpu, sregs);
		ret = copy_to_user(argp, sregs, sizeof(*sregs)) ? -EFAULT : 0;
		kfree(sregs);
		break;
	case KVM_SET_SREGS:
		sregs = memdup_user(argp, sizeof(*sregs));
		ret = PTR_ERR_OR_ZERO(sregs);
		if (ret)
			break;
		ret = lvmm_check_sregs(vcpu, sregs);
		if (!ret)
			ret = lvmm_arch->set_sregs(vcpu, sregs);
		if (!ret)
			ret = lvmm_set_apic_base(vcpu, sregs->apic_base, true);
		kfree(sregs);
		break;
	case KVM_SET_CPUID2:
		ret = lvmm_set_cpuid2(vcpu, argp);
		break;
	case KVM_GET_CPUID2:
		ret = lvmm_get_cpuid2(vcpu, argp);
		break;
	case KVM_GET_MSRS:
	case KVM_SET_MSRS:
		ret = lvmm_vcpu_msrs(vcpu, argp, cmd == KVM_SET_MSRS);
		break;
	case KVM_INTERRUPT:
		ret = lvmm_interrupt(vcpu, argp);
		break;
	case KVM_GET_VCPU_EVENTS:
	case KVM_SET_VCPU_EVENTS:
		ret = lvmm_vcpu_events(vcpu, argp, cmd == KVM_SET_VCPU_EVENTS);
		break;
	case KVM_GET_MP_STATE:
	case KVM_SET_MP_STATE:
		ret = lvmm_mp_state_ioctl(vcpu, argp, cmd == KVM_SET_MP_STATE);
		break;
	case KVM_GET_FPU:
		ret = lvmm_get_fpu(vcpu, argp);
		break;
	case KVM_SET_FPU:
		ret = lvmm_set_fpu(vcpu, argp);
		break;
	case KVM_GET_XSAVE:
		ret = lvmm_get_xsave(vcpu, argp, sizeof(struct kvm_xsave));
		break;
	case KVM_GET_XSAVE2:
		ret = lvmm_get_xsave(vcpu, argp, lvmm_xsave_size());
		break;
	case KVM_SET_XSAVE:
		ret = lvmm_set_xsave(vcpu, argp);
		break;
	case KVM_GET_XCRS:
		ret = lvmm_get_xcrs(vcpu, argp);
		break;
	case KVM_SET_XCRS:
		ret = lvmm_set_xcrs(vcpu, argp);
		break;
	case KVM_SET_VAPIC_ADDR:
	case KVM_TPR_ACCESS_REPORTING:
		ret = lvmm_lapic_vapic_ioctl(vcpu, cmd, argp);
		break;
	case KVM_SET_GUEST_DEBUG:
		ret = lvmm_set_guest_debug(vcpu, argp);
		break;
	case KVM_X86_SETUP_MCE:
		ret = lvmm_mce_setup(vcpu, argp);
		break;
	case KVM_GET_DEBUGREGS:
	case KVM_SET_DEBUGREGS:
		ret = lvmm_debugregs_ioctl(vcpu, argp, cmd == KVM_SET_DEBUGREGS);
		break;
	case KVM_GET_LAPIC:
	case KVM_SET_LAPIC:
		ret = lvmm_lapic_state(vcpu, argp, cmd == KVM_SET_LAPIC);
		break;
	case KVM_GET_TSC_KHZ:
		ret = lvmm_guest_tsc_khz();
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static vm_fault_t lvmm_vcpu_fault(struct vm_fault *vmf)
{
	struct lvmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff < ARRAY_SIZE(vcpu->run_pages))
		page = vcpu->run_pages[vmf->pgoff];
	else if (vmf->pgoff == KVM_COALESCED_MMIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->vm->io.ring);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lvmm_vcpu_vm_ops = {
	.fault = lvmm_vcpu_fault,
};

static int lvmm_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &lvmm_vcpu_vm_ops;
	return 0;
}

static int lvmm_vcpu_release(struct inode *inode, struct file *file)
{
	struct lvmm_vcpu *vcpu = file->private_data;

	lvmm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations lvmm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lvmm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lvmm_vcpu_mmap,
	.release	= lvmm_vcpu_release,
	.llseek		= noop_llseek,
};

/* What lvmm_vcpu_alloc() allocates before the FPU and backend state. */
static void lvmm_vcpu_free_memory(struct lvmm_vcpu *vcpu)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vcpu->run_pages); i++)
		if (vcpu->run_pages[i])
			__free_page(vcpu->run_pages[i]);
	kfree(vcpu->cpuid);
	kfree(vcpu);
	atomic_dec(&lvmm_stats.vcpus);
}

void lvmm_vcpu_free(struct lvmm_vcpu *vcpu)
{
	lvmm_vcpu_sysfs_del(vcpu);
	lvmm_lapic_destroy(vcpu);
	lvmm_arch->vcpu_destroy(vcpu);
	fpu_free_guest_fpstate(&vcpu->fpu);
	lvmm_vcpu_free_memory(vcpu);
}

static struct lvmm_vcpu *lvmm_vcpu_alloc(struct lvmm_vm *vm, u32 id)
{
	struct lvmm_vcpu *vcpu;
	struct page *page;
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(vcpu->run_pages) != 2);
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return NULL;
	atomic_inc(&lvmm_stats.vcpus);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	rcuwait_init(&vcpu->wait);
	/*
	 * kvm_run and the PIO data page must be contiguous (data_offset is
	 * relative to kvm_run), yet mapped one by one: split an order-1 block.
	 */
	page = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, 1);
	if (!page)
		goto err;
	split_page(page, 1);
	for (i = 0; i < ARRAY_SIZE(vcpu->run_pages); i++)
		vcpu->run_pages[i] = page + i;
	vcpu->run = page_address(page);
	vcpu->cpuid = kcalloc(LVMM_MAX_CPUID, sizeof(*vcpu->cpuid),
			      GFP_KERNEL_ACCOUNT);
	if (!vcpu->cpuid)
		goto err;
	if (!fpu_alloc_guest_fpstate(&vcpu->fpu))
		goto err;

	/* Reset state the backend does not hold. */
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->gpr[RDX] = 0x600;		/* processor signature, as KVM */
	vcpu->xcr0 = XFEATURE_MASK_FP;
	lvmm_msr_state_reset(vcpu);
	lvmm_vcpu_default_cpuid(vcpu);

	if (lvmm_arch->vcpu_create(vcpu)) {
		fpu_free_guest_fpstate(&vcpu->fpu);
		goto err;
	}
	/* vm->lock is held: KVM_CREATE_IRQCHIP cannot race with us. */
	if (vm->irqchip != LVMM_IRQCHIP_NONE && lvmm_lapic_create(vcpu)) {
		lvmm_arch->vcpu_destroy(vcpu);
		fpu_free_guest_fpstate(&vcpu->fpu);
		goto err;
	}
	lvmm_vcpu_init_mp_state(vcpu);
	return vcpu;

err:
	lvmm_vcpu_free_memory(vcpu);
	return NULL;
}

int lvmm_create_vcpu(struct lvmm_vm *vm, u32 id)
{
	struct lvmm_vcpu *vcpu;
	char name[24];
	int fd;

	mutex_lock(&vm->lock);
	if (id >= (vm->max_vcpu_ids ? vm->max_vcpu_ids : lvmm_max_vcpus)) {
		fd = -EINVAL;
		goto out;
	}
	if (vm->vcpus[id]) {
		fd = -EEXIST;
		goto out;
	}
	vcpu = lvmm_vcpu_alloc(vm, id);
	if (!vcpu) {
		fd = -ENOMEM;
		goto out;
	}
	lvmm_vcpu_sysfs_add(vcpu);

	kref_get(&vm->ref);	/* the vCPU fd's */
	snprintf(name, sizeof(name), "lvmm-vcpu:%u", id);
	fd = anon_inode_getfd(name, &lvmm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		lvmm_vcpu_free(vcpu);
		lvmm_vm_put(vm);
		goto out;
	}
	/* Published last: the TLB flush path walks vm->vcpus without vm->lock. */
	smp_store_release(&vm->vcpus[id], vcpu);
	atomic_inc(&vm->nr_vcpus);
out:
	mutex_unlock(&vm->lock);
	return fd;
}
