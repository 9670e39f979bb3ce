/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lvmm: lightweight virtual machine monitor, userspace ABI.
 *
 * /dev/lvmm speaks the KVM ioctl ABI (<linux/kvm.h>) for the subset it
 * implements. This header holds only what lvmm adds on top of that: its own
 * ioctls, under their own magic so that they can never be mistaken for a KVM
 * ioctl, and the constants of the guest ABI.
 */
#ifndef _UAPI_LINUX_LVMM_H
#define _UAPI_LINUX_LVMM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ioctl magic; 0xAF 0x80-0xBF is unused in ioctl-number.rst. */
#define LVMMIO			0xAF

/* Path of the device node. */
#define LVMM_DEVICE_PATH	"/dev/lvmm"

#endif /* _UAPI_LINUX_LVMM_H */
