// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm module entry: backend selection, /dev/lvmm and its system ioctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "lvmm.h"

const struct lvmm_arch_ops *lvmm_arch;

static long lvmm_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
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

	ret = lvmm_svm_ops.probe();
	if (ret)
		return ret;
	lvmm_arch = &lvmm_svm_ops;

	ret = lvmm_arch->init();
	if (ret)
		return ret;

	ret = lvmm_sysfs_init();
	if (ret)
		goto err_arch;

	/* Last: once the node exists, userspace may call in. */
	ret = misc_register(&lvmm_dev);
	if (ret)
		goto err_sysfs;

	pr_info("version %s loaded, backend %s\n", LVMM_VERSION,
		lvmm_arch->name);
	return 0;

err_sysfs:
	lvmm_sysfs_exit();
err_arch:
	lvmm_arch->exit();
	return ret;
}

static void __exit lvmm_exit(void)
{
	misc_deregister(&lvmm_dev);
	lvmm_sysfs_exit();
	lvmm_arch->exit();
}

module_init(lvmm_init);
module_exit(lvmm_exit);

MODULE_DESCRIPTION("lvmm: lightweight virtual machine monitor");
MODULE_LICENSE("GPL");
MODULE_VERSION(LVMM_VERSION);
