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

/* Longest VM name, including the terminating NUL. */
#define LVMM_NAME_MAX		32

/**
 * struct lvmm_vm_name - argument of LVMM_SET_VM_NAME
 * @name: NUL-terminated; letters, digits, '.', '_' and '-' only
 */
struct lvmm_vm_name {
	char name[LVMM_NAME_MAX];
};

/**
 * LVMM_SET_VM_NAME - name a VM (VM fd)
 *
 * The name appears in /sys/kernel/lvmm/vms/<id>/name and in `lvmm ps`. It
 * may be set again at any time. -EINVAL for an empty name, one without a
 * NUL or with other characters.
 */
#define LVMM_SET_VM_NAME	_IOW(LVMMIO, 0x80, struct lvmm_vm_name)

/* Share group 0: the VM takes no part in page sharing. */
#define LVMM_SHARE_NONE		0

/**
 * struct lvmm_share_group - argument of LVMM_SET_SHARE_GROUP
 * @group: share group to join; LVMM_SHARE_NONE to leave
 * @flags: must be 0
 */
struct lvmm_share_group {
	__u32 group;
	__u32 flags;
};

/**
 * LVMM_SET_SHARE_GROUP - opt a VM into content-based page sharing (VM fd)
 *
 * The sharing scanner merges identical pages of module-owned guest memory
 * (KVM_CREATE_GUEST_MEMFD) among the VMs of one group; all-zero pages merge
 * across groups. Leaving a group, or moving to another, first gives the
 * VM private copies of all its shared pages (-ENOMEM if they cannot be
 * had). Documentation/page-sharing.rst.
 */
#define LVMM_SET_SHARE_GROUP	_IOW(LVMMIO, 0x81, struct lvmm_share_group)

/*
 * Hypercalls: VMMCALL with the number in RAX, arguments in RBX, RCX, RDX
 * and RSI, the result in RAX (Documentation/hypercalls.rst). Unknown
 * numbers return -KVM_ENOSYS (-1000); from CPL > 0, -KVM_EPERM.
 */
#define LVMM_HC_NOP		0x10000	/* returns 0; handled in the kernel */
#define LVMM_HC_VMM		0x10001	/* KVM_EXIT_HYPERCALL to the VMM */

/*
 * The guest ABI of the lvmm launcher (Documentation/guest-abi.rst): I/O
 * ports a guest uses to talk to `lvmm run`.
 */
#define LVMM_PORT_EXIT		0x500	/* OUT: end the VM with this status */
#define LVMM_PORT_START_CPU	0x504	/* OUT: start the vCPU with this id */
#define LVMM_BOOT_INFO		0x97000	/* guest-physical address */
#define LVMM_BOOT_MAGIC		0x544f4f424d4d564cULL	/* "LVMMBOOT" */

/**
 * struct lvmm_boot_info - what `lvmm run` tells a guest, at LVMM_BOOT_INFO
 * @magic:        LVMM_BOOT_MAGIC
 * @version:      1
 * @nr_cpus:      vCPUs the VM has
 * @mem_size:     bytes of RAM, from guest-physical 0
 * @cmdline:      guest-physical address of the NUL-terminated command line
 * @cmdline_size: its length, without the NUL
 */
struct lvmm_boot_info {
	__u64 magic;
	__u32 version;
	__u32 nr_cpus;
	__u64 mem_size;
	__u64 cmdline;
	__u64 cmdline_size;
};

#endif /* _UAPI_LINUX_LVMM_H */
