// SPDX-License-Identifier: GPL-2.0
/*
 * Read the boot CPU's SVM capabilities and decide whether lvmm can load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/msr.h>
#include <asm/processor.h>
#include <linux/printk.h>

#include "svm.h"

struct svm_caps svm_caps;

static void svm_read_raw_caps(struct svm_raw_caps *raw)
{
	*raw = (struct svm_raw_caps){};
	raw->max_ext_leaf = cpuid_eax(0x80000000);
	if (raw->max_ext_leaf >= 0x80000001)
		raw->ext1_ecx = cpuid_ecx(0x80000001);
	if (!(raw->ext1_ecx & SVM_EXT1_ECX_SVM))
		return;
	/* VM_CR exists only with SVM; _safe in case a hypervisor hides it. */
	if (rdmsrl_safe(MSR_VM_CR, &raw->vm_cr))
		raw->vm_cr = 0;
	if (raw->max_ext_leaf >= SVM_CPUID_LEAF)
		cpuid(SVM_CPUID_LEAF, &raw->svm_eax, &raw->svm_ebx,
		      &raw->ecx_unused, &raw->svm_edx);
}

int svm_probe(void)
{
	struct svm_raw_caps raw;
	const char *why;
	u64 efer;
	int ret;

	svm_read_raw_caps(&raw);
	ret = svm_decode_caps(&raw, &svm_caps, &why);
	if (ret) {
		pr_err("cannot load: %s (error %d)\n", why, ret);
		return ret;
	}

	/*
	 * lvmm sets EFER.SVME only around its own VMRUN, with interrupts off,
	 * and leaves it as it found it; so another hypervisor holding SVME
	 * (kvm_amd) is not a conflict. Say so, since it is worth knowing.
	 */
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		pr_info("EFER.SVME is already set (kvm_amd loaded?); lvmm shares SVM with it\n");

	pr_info("SVM revision %u, %u ASIDs, npt %d nrips %d decode_assists %d vmcb_clean %d flush_by_asid %d pause_filter %d vgif %d\n",
		svm_caps.revision, svm_caps.nr_asids, svm_caps.npt,
		svm_caps.nrips, svm_caps.decode_assists, svm_caps.vmcb_clean,
		svm_caps.flush_by_asid, svm_caps.pause_filter, svm_caps.vgif);
	return 0;
}
