// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU SVM resources.
 *
 * lvmm keeps no SVM state live on an idle CPU: EFER.SVME and VM_HSAVE_PA are
 * set only around a VMRUN, with interrupts off. So there is nothing to do
 * when a CPU goes on- or offline, and kvm_amd can be loaded or unloaded at
 * any time. The pages below exist for every possible CPU for that reason.
 */
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/percpu.h>

#include "svm.h"

/**
 * struct svm_cpu - pages one physical CPU uses while it runs a guest
 * @hsave:     host state save area named by MSR_VM_HSAVE_PA
 * @host_vmcb: VMSAVE/VMLOAD target for host state VMRUN does not switch
 */
struct svm_cpu {
	struct page *hsave;
	struct page *host_vmcb;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpu);

void svm_cpus_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);

		if (sc->hsave)
			__free_page(sc->hsave);
		if (sc->host_vmcb)
			__free_page(sc->host_vmcb);
		sc->hsave = NULL;
		sc->host_vmcb = NULL;
	}
}

int svm_cpus_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);
		int node = cpu_to_node(cpu);

		sc->hsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		sc->host_vmcb = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO,
						 0);
		if (!sc->hsave || !sc->host_vmcb) {
			svm_cpus_exit();
			return -ENOMEM;
		}
	}
	return 0;
}
