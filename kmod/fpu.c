// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU and extended state, as the VMM sees it: KVM_GET/SET_FPU,
 * KVM_GET/SET_XSAVE, KVM_GET_XSAVE2 and KVM_GET/SET_XCRS. The state itself
 * is the kernel's guest FPU state (struct fpu_guest), switched in and out
 * around KVM_RUN; these ioctls run under vcpu->mutex, outside KVM_RUN, when
 * it is saved in memory. Also the rules for the XCR0 a guest may set, which
 * XSETBV, KVM_SET_XCRS and the default CPUID table follow.
 */
#include <kunit/visibility.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>

#include "arch.h"
#include "fpu.h"
#include "vcpu.h"

/* The host's XCR0, the most a guest may enable; 0 without XSAVE. */
u64 lvmm_host_xcr0;
EXPORT_SYMBOL_IF_KUNIT(lvmm_host_xcr0);

/* MXCSR bits this CPU implements, as FXSAVE reports them. */
static u32 lvmm_mxcsr_mask;

void lvmm_fpu_init(void)
{
	struct fxregs_state fx __aligned(16) = {};

	if (boot_cpu_has(X86_FEATURE_XSAVE))
		lvmm_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	kernel_fpu_begin();
	asm volatile("fxsaveq %0" : "=m" (fx));
	kernel_fpu_end();
	/* 0 means the default mask of CPUs without MXCSR_MASK. */
	lvmm_mxcsr_mask = fx.mxcsr_mask ? fx.mxcsr_mask : 0xffbf;
}

/* XCR0 a guest may set: a subset of the host's, architecturally valid. */
bool lvmm_xcr0_valid(u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~lvmm_host_xcr0))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (!(xcr0 & XFEATURE_MASK_BNDREGS) != !(xcr0 & XFEATURE_MASK_BNDCSR))
		return false;
	if (xcr0 & XFEATURE_MASK_AVX512) {
		if ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
		    !(xcr0 & XFEATURE_MASK_YMM))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_xcr0_valid);

/* Bytes of KVM_GET_XSAVE2's buffer: the host's XSAVE size, at least 4096. */
int lvmm_xsave_size(void)
{
	u32 eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return sizeof(struct kvm_xsave);
	cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
	return max_t(u32, ebx, sizeof(struct kvm_xsave));
}

int lvmm_get_fpu(struct lvmm_vcpu *vcpu, struct kvm_fpu __user *u)
{
	struct fxregs_state *fx = &vcpu->fpu.fpstate->regs.fxsave;
	struct kvm_fpu f = {};

	memcpy(f.fpr, fx->st_space, sizeof(f.fpr));
	f.fcw = fx->cwd;
	f.fsw = fx->swd;
	f.ftwx = fx->twd;
	f.last_opcode = fx->fop;
	f.last_ip = fx->rip;
	f.last_dp = fx->rdp;
	memcpy(f.xmm, fx->xmm_space, sizeof(f.xmm));
	f.mxcsr = fx->mxcsr;
	return copy_to_user(u, &f, sizeof(f)) ? -EFAULT : 0;
}

int lvmm_set_fpu(struct lvmm_vcpu *vcpu, struct kvm_fpu __user *u)
{
	struct fxregs_state *fx = &vcpu->fpu.fpstate->regs.fxsave;
	struct kvm_fpu f;

	if (copy_from_user(&f, u, sizeof(f)))
		return -EFAULT;
	/* Reserved MXCSR bits would make the host's XRSTOR fault. */
	if (f.mxcsr & ~lvmm_mxcsr_mask)
		return -EINVAL;
	memcpy(fx->st_space, f.fpr, sizeof(f.fpr));
	fx->cwd = f.fcw;
	fx->swd = f.fsw;
	fx->twd = f.ftwx;
	fx->fop = f.last_opcode;
	fx->rip = f.last_ip;
	fx->rdp = f.last_dp;
	memcpy(fx->xmm_space, f.xmm, sizeof(f.xmm));
	fx->mxcsr = f.mxcsr;
	/* XRSTOR must load the legacy area, not reset it to its init state. */
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		vcpu->fpu.fpstate->regs.xsave.header.xfeatures |= XFEATURE_MASK_FPSSE;
	return 0;
}

int lvmm_get_xsave(struct lvmm_vcpu *vcpu, void __user *u, unsigned int size)
{
	void *buf = kzalloc(size, GFP_KERNEL);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->fpu, buf, size, lvmm_host_xcr0, 0);
	if (copy_to_user(u, buf, size))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

int lvmm_set_xsave(struct lvmm_vcpu *vcpu, void __user *u)
{
	unsigned int size = lvmm_xsave_size();
	void *buf;
	u32 pkru;
	int ret;

	buf = memdup_user(u, size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = fpu_copy_uabi_to_guest_fpstate(&vcpu->fpu, buf, lvmm_host_xcr0,
					     &pkru);
	kfree(buf);
	return ret ? -EINVAL : 0;
}

int lvmm_get_xcrs(struct lvmm_vcpu *vcpu, struct kvm_xcrs __user *u)
{
	struct kvm_xcrs x = { .nr_xcrs = 1 };

	x.xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
	x.xcrs[0].value = vcpu->xcr0;
	return copy_to_user(u, &x, sizeof(x)) ? -EFAULT : 0;
}

int lvmm_set_xcrs(struct lvmm_vcpu *vcpu, struct kvm_xcrs __user *u)
{
	struct kvm_xcrs x;
	u32 i;

	if (copy_from_user(&x, u, sizeof(x)))
		return -EFAULT;
	if (x.nr_xcrs > KVM_MAX_XCRS || x.flags)
		return -EINVAL;
	for (i = 0; i < x.nr_xcrs; i++)
		if (x.xcrs[i].xcr != XCR_XFEATURE_ENABLED_MASK ||
		    !lvmm_xcr0_valid(x.xcrs[i].value))
			return -EINVAL;
	for (i = 0; i < x.nr_xcrs; i++)
		vcpu->xcr0 = x.xcrs[i].value;
	return 0;
}
