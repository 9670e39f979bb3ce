// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs the generic core keeps itself, before asking the backend: the APIC
 * base and the x2APIC registers (through lapic.c), kvmclock's (through
 * pvclock.c), the MTRRs, which only need to read back what the guest wrote
 * because nested paging takes the memory type from the host's page tables,
 * MISC_ENABLE, and the AMD HWCR, SYSCFG and patch-level MSRs that Linux
 * guests read at boot.
 */
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "arch.h"
#include "core.h"
#include "lapic.h"
#include "msr.h"
#include "pvclock.h"
#include "vcpu.h"
#include "vm.h"

#define MTRR_CAP_VCNT		8
#define MTRR_CAP_FIX		BIT_ULL(8)
#define MTRR_CAP_WC		BIT_ULL(10)
#define MTRR_DEF_TYPE_VALID	(GENMASK_ULL(7, 0) | BIT_ULL(10) | BIT_ULL(11))
#define MTRR_PHYS_BASE0		0x200	/* IA32_MTRR_PHYSBASE0 */
#define MTRR_PHYS_LAST		(MTRR_PHYS_BASE0 + 2 * MTRR_CAP_VCNT - 1)

/* HWCR bits a guest may set, and bits whose writes are dropped, as KVM. */
#define HWCR_VALID		(BIT_ULL(18) | BIT_ULL(24))	/* McStatusWrEn, TscFreqSel */
#define HWCR_IGNORED		(BIT_ULL(3) | BIT_ULL(6) | BIT_ULL(8))

/* A memory type is valid if it is UC, WC, WT, WP or WB. */
static bool mtrr_type_valid(u64 t)
{
	return t < 8 && t != 2 && t != 3;
}

static bool mtrr_fixed_valid(u64 data)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!mtrr_type_valid((data >> (i * 8)) & 0xff))
			return false;
	return true;
}

/* Index into lvmm_msr_state.mtrr_fixed, or -1. */
static int mtrr_fixed_index(u32 index)
{
	switch (index) {
	case LVMM_MSR_MTRR_FIX64K:
		return 0;
	case LVMM_MSR_MTRR_FIX16K_80000:
		return 1;
	case LVMM_MSR_MTRR_FIX16K_A0000:
		return 2;
	}
	if (index >= LVMM_MSR_MTRR_FIX4K_FIRST && index <= LVMM_MSR_MTRR_FIX4K_LAST)
		return 3 + index - LVMM_MSR_MTRR_FIX4K_FIRST;
	return -1;
}

void lvmm_msr_state_reset(struct lvmm_vcpu *vcpu)
{
	memset(&vcpu->msrs, 0, sizeof(vcpu->msrs));
	vcpu->msrs.misc_enable = MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL |
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL;
	vcpu->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			  (vcpu->id ? 0 : MSR_IA32_APICBASE_BSP);
}

/*
 * 0, -ENOENT if neither the core nor the backend keeps @index.
 * @host: KVM_GET_MSRS, which may read what the guest may not.
 */
int lvmm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data, bool host)
{
	struct lvmm_msr_state *m = &vcpu->msrs;
	int i, ret;

	ret = lvmm_lapic_get_msr(vcpu, index, data);
	if (ret != -ENOENT)
		return ret;
	ret = lvmm_pvclock_get_msr(vcpu, index, data, host);
	if (ret != -ENOENT)
		return ret;
	ret = lvmm_mce_get_msr(vcpu, index, data);
	if (ret != -ENOENT)
		return ret;
	i = mtrr_fixed_index(index);
	if (i >= 0) {
		*data = m->mtrr_fixed[i];
		return 0;
	}
	if (index >= MTRR_PHYS_BASE0 && index <= MTRR_PHYS_LAST) {
		*data = m->mtrr_var[index - MTRR_PHYS_BASE0];
		return 0;
	}
	switch (index) {
	case MSR_IA32_APICBASE:
		*data = vcpu->apic_base;
		return 0;
	case LVMM_MSR_MTRR_CAP:
		*data = MTRR_CAP_VCNT | MTRR_CAP_FIX | MTRR_CAP_WC;
		return 0;
	case LVMM_MSR_MTRR_DEF_TYPE:
		*data = m->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = m->misc_enable;
		return 0;
	case MSR_K7_HWCR:
		*data = m->hwcr;
		return 0;
	case MSR_AMD64_SYSCFG:
	case MSR_AMD64_NB_CFG:	/* northbridge config: nothing to show */
		*data = 0;
		return 0;
	case MSR_AMD64_PATCH_LEVEL:
		*data = m->ucode_rev;
		return 0;
	}
	return lvmm_arch->get_msr(vcpu, index, data);
}

/*
 * 0; -ENOENT if nobody keeps @index; -EINVAL for a value that faults.
 * @host: KVM_SET_MSRS, which may set what the guest may not.
 */
int lvmm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct lvmm_msr_state *m = &vcpu->msrs;
	u64 phys_mask = ~GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 12);
	int i, ret;

	ret = lvmm_lapic_set_msr(vcpu, index, data, host);
	if (ret != -ENOENT)
		return ret;
	ret = lvmm_mce_set_msr(vcpu, index, data, host);
	if (ret != -ENOENT)
		return ret;
	ret = lvmm_pvclock_set_msr(vcpu, index, data, host);
	if (ret != -ENOENT)
		return ret;
	i = mtrr_fixed_index(index);
	if (i >= 0) {
		if (!mtrr_fixed_valid(data))
			return -EINVAL;
		m->mtrr_fixed[i] = data;
		return 0;
	}
	if (index >= MTRR_PHYS_BASE0 && index <= MTRR_PHYS_LAST) {
		bool is_mask = (index - MTRR_PHYS_BASE0) & 1;

		/* Base: type in 7:0; mask: valid bit 11. The rest reserved. */
		if (is_mask ? data & phys_mask & ~BIT_ULL(11) :
			      (data & phys_mask & ~0xffULL) ||
			      !mtrr_type_valid(data & 0xff))
			return -EINVAL;
		m->mtrr_var[index - MTRR_PHYS_BASE0] = data;
		return 0;
	}
	switch (index) {
	case MSR_IA32_APICBASE:
		return lvmm_set_apic_base(vcpu, data, host);
	case LVMM_MSR_MTRR_CAP:
		return host ? 0 : -EINVAL;
	case LVMM_MSR_MTRR_DEF_TYPE:
		if ((data & ~MTRR_DEF_TYPE_VALID) || !mtrr_type_valid(data & 0xff))
			return -EINVAL;
		m->mtrr_def_type = data;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		m->misc_enable = data;
		return 0;
	case MSR_K7_HWCR:
		data &= ~HWCR_IGNORED;
		if (data & ~HWCR_VALID)
			return -EINVAL;
		m->hwcr = data;
		return 0;
	case MSR_AMD64_SYSCFG:
		return data ? -EINVAL : 0;
	case MSR_AMD64_NB_CFG:
		return 0;	/* as KVM: writes dropped */
	case MSR_AMD64_PATCH_LEVEL:
		/* Linux writes 0 before reading the revision: ignored. */
		if (host)
			m->ucode_rev = data;
		return 0;
	}
	if (index == MSR_IA32_TSC && host) {
		lvmm_tsc_host_write(vcpu, data);
		ret = 0;
	} else {
		ret = lvmm_arch->set_msr(vcpu, index, data);
	}
	/* kvmclock's tsc_timestamp is in the guest's TSC. */
	if (!ret && index == MSR_IA32_TSC)
		lvmm_pvclock_request(vcpu);
	return ret;
}
