// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters: the limits every VM is held to, fixed at load and
 * read without locks afterwards. See Documentation/ABI/ for the files
 * under /sys/module/lvmm/parameters/; the names are the module's, not this
 * file's, since module_param gives every object of lvmm.ko the prefix
 * "lvmm.".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "arch.h"
#include "core.h"

unsigned int lvmm_max_vcpus = 64;
module_param_named(max_vcpus, lvmm_max_vcpus, uint, 0444);
MODULE_PARM_DESC(max_vcpus, "vCPUs per VM (default 64, at most 255)");

unsigned int lvmm_max_slots = 64;
module_param_named(max_slots, lvmm_max_slots, uint, 0444);
MODULE_PARM_DESC(max_slots, "memory slots per VM (default 64, at most 512)");

unsigned int lvmm_max_vms = 1024;
module_param_named(max_vms, lvmm_max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "VMs at once, all processes together (default 1024)");

/* Refuse to load with a limit outside what the core can hold. */
int __init lvmm_params_check(void)
{
	if (!lvmm_max_vcpus || lvmm_max_vcpus > LVMM_MAX_VCPUS ||
	    !lvmm_max_slots || lvmm_max_slots > LVMM_MAX_SLOTS ||
	    !lvmm_max_vms) {
		pr_err("cannot load: max_vcpus must be 1-%d, max_slots 1-%d, max_vms at least 1\n",
		       LVMM_MAX_VCPUS, LVMM_MAX_SLOTS);
		return -EINVAL;
	}
	return 0;
}
