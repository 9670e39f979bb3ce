// SPDX-License-Identifier: GPL-2.0
/*
 * The SVM backend's entry in the arch ops table.
 */
#include <linux/kernel.h>

#include "../arch.h"
#include "svm.h"

static struct lvmm_feature svm_features[] = {
	{ "revision" },
	{ "nr_asids" },
	{ "npt" },
	{ "nrip_save" },
	{ "decode_assists" },
	{ "vmcb_clean" },
	{ "flush_by_asid" },
	{ "pause_filter" },
	{ "vgif" },
};

static const struct lvmm_feature *svm_get_features(unsigned int *nr)
{
	u32 values[] = {
		svm_caps.revision, svm_caps.nr_asids, svm_caps.npt,
		svm_caps.nrips, svm_caps.decode_assists, svm_caps.vmcb_clean,
		svm_caps.flush_by_asid, svm_caps.pause_filter, svm_caps.vgif,
	};
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(values) != ARRAY_SIZE(svm_features));
	for (i = 0; i < ARRAY_SIZE(svm_features); i++)
		svm_features[i].value = values[i];
	*nr = ARRAY_SIZE(svm_features);
	return svm_features;
}

const struct lvmm_arch_ops lvmm_svm_ops = {
	.name		= "svm",
	.probe		= svm_probe,
	.init		= svm_cpus_init,
	.exit		= svm_cpus_exit,
	.features	= svm_get_features,
	.vm_init	= svm_vm_init,
	.vm_destroy	= svm_vm_destroy,
	.vcpu_create	= svm_vcpu_create,
	.vcpu_destroy	= svm_vcpu_destroy,
	.vcpu_reset	= svm_vcpu_init_reset,
	.vcpu_enter	= svm_vcpu_enter,
	.vcpu_exit	= svm_vcpu_exit,
	.get_sregs	= svm_get_sregs,
	.set_sregs	= svm_set_sregs,
	.get_state	= svm_get_state,
	.get_msr	= svm_get_msr,
	.set_msr	= svm_set_msr,
	.tsc_offset	= svm_tsc_offset,
	.set_tsc_offset	= svm_set_tsc_offset,
	.queue_exception = svm_queue_exception,
	.interrupt_allowed = svm_interrupt_allowed,
	.end_interrupt_shadow = svm_end_interrupt_shadow,
	.get_dr		= svm_get_dr,
	.set_dr		= svm_set_dr,
	.update_guest_debug = svm_update_guest_debug,
	.get_events	= svm_get_events,
	.set_events	= svm_set_events,
	.map_gfn	= svm_map_gfn,
	.unmap_gfns	= svm_unmap_gfns,
	.exit_name	= svm_exit_name,
	.dump_exits	= svm_exit_ring_dump,
};
