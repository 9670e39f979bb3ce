// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU SVM resources.
 *
 * lvmm keeps no SVM state live on an idle CPU: EFER.SVME is set only around
 * a VMRUN, with interrupts off (run.c). So there is nothing to do when a CPU
 * goes on- or offline, and kvm_amd can be loaded or unloaded at any time.
 * The pages below exist for every possible CPU for that reason.
 */
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/io.h>

#include "svm.h"

DEFINE_PER_CPU(struct svm_cpu, svm_cpu);
u32 svm_max_asid;

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
	svm_tables_exit();
}

int svm_cpus_init(void)
{
	int cpu, ret;

	ret = svm_tables_init();
	if (ret)
		return ret;

	svm_max_asid = svm_caps.nr_asids - 1;
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
		sc->hsave_pa = page_to_phys(sc->hsave);
		sc->host_vmcb_pa = page_to_phys(sc->host_vmcb);
		/*
		 * Start past the last ASID: the first entry on this CPU then
		 * opens a new generation and flushes every ASID's TLB entries,
		 * whatever ran here before lvmm was loaded.
		 */
		sc->asid_generation = 1;
		sc->next_asid = svm_max_asid + 1;
	}
	return 0;
}
