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
};
