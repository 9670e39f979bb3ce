// SPDX-License-Identifier: GPL-2.0
/*
 * Decide from raw CPUID/MSR values whether lvmm can run, and with what.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>

#include "features.h"

/**
 * svm_decode_caps - decode and check SVM capabilities
 * @raw:  values read from the CPU
 * @caps: filled with what was found, also on failure where it was read
 * @why:  on failure, set to a sentence for the administrator
 *
 * Return: 0 if lvmm can use this CPU; -ENODEV without SVM, -EPERM when
 * firmware disabled SVM, -EOPNOTSUPP when a required feature is missing.
 */
int svm_decode_caps(const struct svm_raw_caps *raw, struct svm_caps *caps,
		    const char **why)
{
	*caps = (struct svm_caps){};

	if (raw->max_ext_leaf < 0x80000001 ||
	    !(raw->ext1_ecx & SVM_EXT1_ECX_SVM)) {
		*why = "CPU has no AMD SVM (CPUID 0x80000001 ECX bit 2); "
		       "lvmm needs an AMD-V host";
		return -ENODEV;
	}
	if (raw->vm_cr & SVM_VM_CR_SVMDIS) {
		*why = "SVM is disabled by firmware (VM_CR.SVMDIS); "
		       "enable SVM/AMD-V in the BIOS setup";
		return -EPERM;
	}
	if (raw->max_ext_leaf < SVM_CPUID_LEAF) {
		*why = "CPU lacks CPUID leaf 0x8000000A, cannot tell SVM features";
		return -EOPNOTSUPP;
	}

	caps->revision = raw->svm_eax & 0xff;
	caps->nr_asids = raw->svm_ebx;
	caps->npt = raw->svm_edx & SVM_EDX_NPT;
	caps->nrips = raw->svm_edx & SVM_EDX_NRIPS;
	caps->vmcb_clean = raw->svm_edx & SVM_EDX_VMCB_CLEAN;
	caps->flush_by_asid = raw->svm_edx & SVM_EDX_FLUSH_BY_ASID;
	caps->decode_assists = raw->svm_edx & SVM_EDX_DECODE_ASSISTS;
	caps->pause_filter = raw->svm_edx & SVM_EDX_PAUSE_FILTER;
	caps->vgif = raw->svm_edx & SVM_EDX_VGIF;

	if (!caps->npt) {
		*why = "CPU has SVM but no nested paging (NPT), which lvmm requires";
		return -EOPNOTSUPP;
	}
	/* ASID 0 is the host's; a guest needs at least one more. */
	if (caps->nr_asids < 2) {
		*why = "CPU reports fewer than 2 ASIDs; no ASID is left for guests";
		return -EOPNOTSUPP;
	}
	*why = NULL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_decode_caps);
