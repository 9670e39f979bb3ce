// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm module entry: backend selection, /dev/lvmm and its system ioctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "arch.h"
#include "core.h"
#include "cpuid.h"
#include "fpu.h"
#include "irq.h"
#include "msr.h"
#include "pvclock.h"
#include "share/share.h"
#include "stats.h"
#include "vm.h"

/*
 * As in KVM: struct kvm_run, a page of port I/O data, then the VM's
 * coalesced MMIO ring (KVM_COALESCED_MMIO_PAGE_OFFSET).
 */
#define LVMM_VCPU_MMAP_SIZE	((KVM_COALESCED_MMIO_PAGE_OFFSET + 1) * PAGE_SIZE)

/*
 * KVM_GET/HAS_DEVICE_ATTR on /dev/lvmm: the one attribute, KVM's
 * KVM_X86_XCOMP_GUEST_SUPP, the XSAVE features a guest may enable.
 */
static int lvmm_dev_attr(struct kvm_device_attr __user *u, bool get)
{
	struct kvm_device_attr attr;

	if (copy_from_user(&attr, u, sizeof(attr)))
		return -EFAULT;
	if (attr.group != KVM_X86_GRP_SYSTEM ||
	    attr.attr != KVM_X86_XCOMP_GUEST_SUPP)
		return -ENXIO;
	if (get && put_user(lvmm_host_xcr0,
			    (u64 __user *)(unsigned long)attr.addr))
		return -EFAULT;
	return 0;
}

static long lvmm_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		return lvmm_create_vm(arg);
	case KVM_CHECK_EXTENSION:
		return lvmm_check_extension(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return LVMM_VCPU_MMAP_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return lvmm_get_supported_cpuid((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		return lvmm_get_msr_index_list((void __user *)arg,
					       cmd == KVM_GET_MSR_FEATURE_INDEX_LIST);
	case KVM_GET_MSRS:
		return lvmm_vcpu_msrs(NULL, (void __user *)arg, false);
	case KVM_X86_GET_MCE_CAP_SUPPORTED:
		/* The MCG_CAP bits KVM_X86_SETUP_MCE takes (mce.c). */
		return put_user(LVMM_MCG_CAP_SUPPORTED, (u64 __user *)arg);
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return lvmm_dev_attr((void __user *)arg, cmd == KVM_GET_DEVICE_ATTR);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lvmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lvmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice lvmm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lvmm",
	.fops	= &lvmm_dev_fops,
	.mode	= 0600,
};

static int __init lvmm_init(void)
{
	int ret;

	ret = lvmm_params_check();
	if (ret)
		return ret;

	ret = lvmm_svm_ops.probe();
	if (ret)
		return ret;
	lvmm_arch = &lvmm_svm_ops;

	ret = lvmm_arch->init();
	if (ret)
		return ret;

	/*
	 * The host's XCR0 first: the default CPUID table offers no more. The
	 * table offers kvmclock where the host's TSC allows it.
	 */
	lvmm_fpu_init();
	ret = lvmm_cpuid_init(lvmm_pvclock_cpuid_features());
	if (ret)
		goto err_arch;

	ret = lvmm_sysfs_init();
	if (ret)
		goto err_cpuid;

	ret = lvmm_stats_sysfs_init(lvmm_kobj);
	if (ret)
		goto err_stats;

	ret = lvmm_share_init();
	if (ret)
		goto err_stats;

	ret = lvmm_irqfd_module_init();
	if (ret)
		goto err_share;

	/* Last: once the node exists, userspace may call in. */
	ret = misc_register(&lvmm_dev);
	if (ret)
		goto err_irqfd;

	pr_info("version %s loaded, backend %s\n", LVMM_VERSION,
		lvmm_arch->name);
	return 0;

err_irqfd:
	lvmm_irqfd_module_exit();
err_share:
	lvmm_share_exit();
err_stats:
	lvmm_stats_sysfs_exit();
	lvmm_sysfs_exit();
err_cpuid:
	lvmm_cpuid_exit();
err_arch:
	lvmm_arch->exit();
	return ret;
}

static void __exit lvmm_exit(void)
{
	misc_deregister(&lvmm_dev);
	lvmm_irqfd_module_exit();
	lvmm_share_exit();
	lvmm_stats_sysfs_exit();
	lvmm_sysfs_exit();
	lvmm_cpuid_exit();
	lvmm_arch->exit();
}

module_init(lvmm_init);
module_exit(lvmm_exit);

MODULE_DESCRIPTION("lvmm: lightweight virtual machine monitor");
MODULE_LICENSE("GPL");
MODULE_VERSION(LVMM_VERSION);
