/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding AMD SVM capabilities from raw CPUID and MSR values.
 *
 * Kept apart from the code that reads the hardware so that KUnit can feed it
 * values recorded on real CPUs and under QEMU TCG.
 */
#ifndef LVMM_SVM_FEATURES_H
#define LVMM_SVM_FEATURES_H

#include <linux/bits.h>
#include <linux/types.h>

#define SVM_CPUID_LEAF			0x8000000a
#define SVM_EXT1_ECX_SVM		BIT(2)	/* CPUID 0x80000001 ECX */
#define SVM_VM_CR_SVMDIS		BIT(4)	/* MSR_VM_CR */

/* CPUID 0x8000000A EDX */
#define SVM_EDX_NPT			BIT(0)
#define SVM_EDX_NRIPS			BIT(3)
#define SVM_EDX_VMCB_CLEAN		BIT(5)
#define SVM_EDX_FLUSH_BY_ASID		BIT(6)
#define SVM_EDX_DECODE_ASSISTS		BIT(7)
#define SVM_EDX_PAUSE_FILTER		BIT(10)
#define SVM_EDX_VGIF			BIT(16)

/**
 * struct svm_raw_caps - the hardware values SVM detection reads
 * @max_ext_leaf: CPUID 0x80000000 EAX
 * @ext1_ecx:     CPUID 0x80000001 ECX
 * @svm_eax:      CPUID 0x8000000A EAX (revision)
 * @svm_ebx:      CPUID 0x8000000A EBX (number of ASIDs)
 * @ecx_unused:   CPUID 0x8000000A ECX (reserved)
 * @svm_edx:      CPUID 0x8000000A EDX (feature flags)
 * @vm_cr:        MSR_VM_CR, only meaningful when SVM is present
 */
struct svm_raw_caps {
	u32 max_ext_leaf;
	u32 ext1_ecx;
	u32 svm_eax;
	u32 svm_ebx;
	u32 ecx_unused;
	u32 svm_edx;
	u64 vm_cr;
};

/**
 * struct svm_caps - decoded SVM capabilities
 *
 * NPT is required; everything else is optional and used when present.
 */
struct svm_caps {
	u32 revision;
	u32 nr_asids;
	bool npt;
	bool nrips;
	bool vmcb_clean;
	bool flush_by_asid;
	bool decode_assists;
	bool pause_filter;
	bool vgif;
};

int svm_decode_caps(const struct svm_raw_caps *raw, struct svm_caps *caps,
		    const char **why);

#endif /* LVMM_SVM_FEATURES_H */
