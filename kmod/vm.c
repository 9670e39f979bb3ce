// SPDX-License-Identifier: GPL-2.0
/*
 * A VM: its file, its lifetime and the VM ioctls.
 *
 * The VM fd and every vCPU fd hold a reference on struct lvmm_vm; the VM is
 * freed, with its vCPUs, slots and nested page tables, when the last of them
 * is closed. A VM belongs to the process (mm) that created it: from any
 * other process every VM and vCPU ioctl fails with -EIO, as with KVM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include <linux/lvmm.h>

#include "arch.h"
#include "core.h"
#include "fpu.h"
#include "gmem.h"
#include "lapic.h"
#include "memslot.h"
#include "msr.h"
#include "pic.h"
#include "pit.h"
#include "pvclock.h"
#include "share/share.h"
#include "stats.h"
#include "vcpu.h"
#include "vm.h"

static DEFINE_IDA(lvmm_vm_ida);

bool lvmm_vm_owned(struct lvmm_vm *vm)
{
	return vm->mm == current->mm;
}

static void lvmm_vm_free(struct kref *ref)
{
	struct lvmm_vm *vm = container_of(ref, struct lvmm_vm, ref);
	int i;

	/* Out of the scanner's sight before anything goes. */
	lvmm_share_vm_exit(vm);
	/*
	 * Then out of its gmem files' sight: they may outlive the VM, and a
	 * copy on write in one of them would otherwise flush the TLBs of
	 * vCPUs about to be freed, or unmap from freed page tables.
	 */
	lvmm_unbind_slots(vm);
	lvmm_vm_sysfs_del(vm);
	for (i = 0; i < lvmm_max_vcpus; i++)
		if (vm->vcpus[i])
			lvmm_vcpu_free(vm->vcpus[i]);
	/* The 8254 and irqfds drive the IOAPIC and the 8259 until gone. */
	lvmm_pit_destroy(vm);
	lvmm_irqfd_release_all(vm);
	lvmm_ioapic_destroy(vm);
	lvmm_pic_destroy(vm);
	lvmm_irq_routing_free(vm);
	lvmm_iodev_free(vm);
	lvmm_arch->vm_destroy(vm);
	lvmm_free_slots(vm);
	mmdrop(vm->mm);
	ida_free(&lvmm_vm_ida, vm->id);
	kfree(vm->vcpus);
	kfree(vm);
	atomic_dec(&lvmm_stats.vms);
}

void lvmm_vm_put(struct lvmm_vm *vm)
{
	kref_put(&vm->ref, lvmm_vm_free);
}

/* KVM_GET_TSC_KHZ: the guest's TSC runs at the host's rate, unscaled. */
int lvmm_guest_tsc_khz(void)
{
	return tsc_khz ? tsc_khz : -EIO;
}

int lvmm_check_extension(long ext)
{
	switch (ext) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_USER_MEMORY2:
	case KVM_CAP_GUEST_MEMFD:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_INTERNAL_ERROR_DATA:
	case KVM_CAP_GET_TSC_KHZ:
	case KVM_CAP_XSAVE:
	case KVM_CAP_XCRS:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_PIT:
	case KVM_CAP_PIT2:
	case KVM_CAP_PIT_STATE2:
	case KVM_CAP_REINJECT_CONTROL:
	case KVM_CAP_TSC_DEADLINE_TIMER:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_IOEVENTFD_NO_LENGTH:
	case KVM_CAP_COALESCED_PIO:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
	case KVM_CAP_SIGNAL_MSI:
	case KVM_CAP_SPLIT_IRQCHIP:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_SET_GUEST_DEBUG:
	case KVM_CAP_X86_ROBUST_SINGLESTEP:
	case KVM_CAP_VAPIC:
		return 1;
	case KVM_CAP_SET_GUEST_DEBUG2:
		return LVMM_GUESTDBG_VALID;
	case KVM_CAP_IRQ_ROUTING:
		return LVMM_MAX_GSIS;
	case KVM_CAP_COALESCED_MMIO:
		return KVM_COALESCED_MMIO_PAGE_OFFSET;
	case KVM_CAP_XSAVE2:
		return lvmm_xsave_size();
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), lvmm_max_vcpus);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return lvmm_max_vcpus;
	case KVM_CAP_NR_MEMSLOTS:
		return lvmm_max_slots;
	case KVM_CAP_VM_TYPES:
		return BIT(KVM_X86_DEFAULT_VM);
	case KVM_CAP_ENABLE_CAP_VM:
	case KVM_CAP_GET_MSR_FEATURES:
		return 1;
	case KVM_CAP_DISABLE_QUIRKS2:
		return LVMM_QUIRKS;
	case KVM_CAP_MCE:
		return LVMM_MCE_BANKS;
	case KVM_CAP_ADJUST_CLOCK:
		return LVMM_CLOCK_VALID_FLAGS;
	case KVM_CAP_X2APIC_API:
		return KVM_X2APIC_API_USE_32BIT_IDS;
	default:
		return 0;
	}
}

/*
 * KVM_CAP_SPLIT_IRQCHIP: local APICs in the kernel, the IOAPIC and 8259 in
 * the VMM, which routes its IOAPIC's pins as MSIs through GSIs 0 to
 * @pins - 1 and hears of their level-triggered EOIs as
 * KVM_EXIT_IOAPIC_EOI. As KVM: before any vCPU and any irqchip, else
 * -EEXIST; at most LVMM_MAX_GSIS pins, else -EINVAL.
 */
static int lvmm_split_irqchip(struct lvmm_vm *vm, u64 pins)
{
	int ret = 0;

	if (pins > LVMM_MAX_GSIS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->irqchip != LVMM_IRQCHIP_NONE || atomic_read(&vm->nr_vcpus)) {
		ret = -EEXIST;
	} else {
		vm->nr_reserved_ioapic_pins = pins;
		/* Pairs with lvmm_irqchip_mode(): the pin count first. */
		smp_store_release(&vm->irqchip, LVMM_IRQCHIP_SPLIT);
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * KVM_ENABLE_CAP on a VM:
 * - KVM_CAP_DISABLE_QUIRKS2, for the KVM quirks lvmm has: patching
 *   VMCALL (hypercall.c), and the BSP's LINT0 unmasked ExtINT at reset
 *   (lapic.c);
 * - KVM_CAP_X2APIC_API with USE_32BIT_IDS: the x2APIC ID format of
 *   KVM_GET/SET_LAPIC (lapic.c);
 * - KVM_CAP_MAX_VCPU_ID: a lower limit on vCPU ids for this VM;
 * - KVM_CAP_SPLIT_IRQCHIP: the local APICs only (above).
 * Bits lvmm does not have are refused, as KVM refuses bits it does not know.
 */
static int lvmm_vm_enable_cap(struct lvmm_vm *vm, struct kvm_enable_cap __user *u)
{
	struct kvm_enable_cap cap;
	u64 *field;
	int ret;

	if (copy_from_user(&cap, u, sizeof(cap)))
		return -EFAULT;
	if (cap.flags)
		return -EINVAL;
	switch (cap.cap) {
	case KVM_CAP_SPLIT_IRQCHIP:
		return lvmm_split_irqchip(vm, cap.args[0]);
	case KVM_CAP_MAX_VCPU_ID:
		/* A VMM may lower the vCPU id limit, once. */
		if (cap.args[0] > lvmm_max_vcpus)
			return -EINVAL;
		mutex_lock(&vm->lock);
		ret = vm->max_vcpu_ids && vm->max_vcpu_ids != cap.args[0] ?
		      -EINVAL : 0;
		if (!ret)
			vm->max_vcpu_ids = cap.args[0];
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_CAP_DISABLE_QUIRKS2:
		field = &vm->disabled_quirks;
		break;
	case KVM_CAP_X2APIC_API:
		field = &vm->x2apic_api;
		break;
	default:
		return -EINVAL;
	}
	if (cap.args[0] & ~(u64)lvmm_check_extension(cap.cap))
		return -EINVAL;
	mutex_lock(&vm->lock);
	WRITE_ONCE(*field, *field | cap.args[0]);
	mutex_unlock(&vm->lock);
	return 0;
}

/* Names are for people and sysfs: a short, plain, NUL-terminated word. */
static int lvmm_set_vm_name(struct lvmm_vm *vm, struct lvmm_vm_name __user *u)
{
	struct lvmm_vm_name n;
	size_t len, i;

	if (copy_from_user(&n, u, sizeof(n)))
		return -EFAULT;
	len = strnlen(n.name, sizeof(n.name));
	if (!len || len == sizeof(n.name))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(n.name[i]) && !strchr("._-", n.name[i]))
			return -EINVAL;
	mutex_lock(&vm->lock);
	strscpy(vm->name, n.name, sizeof(vm->name));
	mutex_unlock(&vm->lock);
	return 0;
}

static long lvmm_vm_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct lvmm_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (!lvmm_vm_owned(vm))
		return -EIO;

	switch (cmd) {
	case KVM_CREATE_VCPU:
		/* An id with bits 63:32 set is no id, not the id truncated. */
		return arg > U32_MAX ? -EINVAL : lvmm_create_vcpu(vm, arg);
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region2 mem = {};

		/* The old struct is a prefix of the new one. */
		if (copy_from_user(&mem, argp,
				   sizeof(struct kvm_userspace_memory_region)))
			return -EFAULT;
		if (mem.flags & KVM_MEM_GUEST_MEMFD)
			return -EINVAL;
		return lvmm_set_memory_region(vm, &mem);
	}
	case KVM_SET_USER_MEMORY_REGION2: {
		struct kvm_userspace_memory_region2 mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		return lvmm_set_memory_region(vm, &mem);
	}
	case KVM_CREATE_GUEST_MEMFD: {
		struct kvm_create_guest_memfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return lvmm_create_gmem(vm, &args);
	}
	case KVM_SET_TSS_ADDR:
	case KVM_SET_IDENTITY_MAP_ADDR:
		/* Real mode runs natively under SVM: nothing to set up. */
		return 0;
	case KVM_CHECK_EXTENSION:
		return lvmm_check_extension(arg);
	case KVM_CREATE_IRQCHIP:
		return lvmm_create_irqchip(vm);
	case KVM_GET_IRQCHIP:
	case KVM_SET_IRQCHIP:
		return lvmm_irqchip_state(vm, cmd, argp);
	case KVM_CREATE_PIT:
		return lvmm_create_pit(vm, KVM_PIT_SPEAKER_DUMMY);
	case KVM_CREATE_PIT2: {
		struct kvm_pit_config cfg;

		if (copy_from_user(&cfg, argp, sizeof(cfg)))
			return -EFAULT;
		return lvmm_create_pit(vm, cfg.flags);
	}
	case KVM_GET_PIT:
	case KVM_SET_PIT:
	case KVM_GET_PIT2:
	case KVM_SET_PIT2:
	case KVM_REINJECT_CONTROL:
		return lvmm_pit_ioctl(vm, cmd, argp);
	case KVM_ENABLE_CAP:
		return lvmm_vm_enable_cap(vm, argp);
	case KVM_IRQ_LINE:
	case KVM_IRQ_LINE_STATUS:
		return lvmm_irq_line(vm, argp, cmd == KVM_IRQ_LINE_STATUS);
	case KVM_GET_TSC_KHZ:
		return lvmm_guest_tsc_khz();
	case KVM_GET_CLOCK:
		return lvmm_get_clock(vm, argp);
	case KVM_SET_CLOCK:
		return lvmm_set_clock(vm, argp);
	case KVM_SET_NR_MMU_PAGES:
		/*
		 * A shadow-paging budget in KVM. lvmm only has nested page
		 * tables, allocated as the guest touches memory and charged
		 * to its cgroup: a valid size is accepted and changes nothing.
		 */
		return arg < 64 ? -EINVAL : 0;
	case KVM_SET_GSI_ROUTING:
		return lvmm_set_gsi_routing(vm, argp);
	case KVM_IRQFD: {
		struct kvm_irqfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return lvmm_irqfd(vm, &args);
	}
	case KVM_SIGNAL_MSI: {
		struct kvm_msi msi;

		if (copy_from_user(&msi, argp, sizeof(msi)))
			return -EFAULT;
		return lvmm_signal_msi(vm, &msi);
	}
	case KVM_IOEVENTFD: {
		struct kvm_ioeventfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return lvmm_ioeventfd(vm, &args);
	}
	case KVM_REGISTER_COALESCED_MMIO:
	case KVM_UNREGISTER_COALESCED_MMIO: {
		struct kvm_coalesced_mmio_zone zone;

		if (copy_from_user(&zone, argp, sizeof(zone)))
			return -EFAULT;
		return cmd == KVM_REGISTER_COALESCED_MMIO ?
		       lvmm_coalesced_register(vm, &zone) :
		       lvmm_coalesced_unregister(vm, &zone);
	}
	case LVMM_SET_VM_NAME:
		return lvmm_set_vm_name(vm, argp);
	case LVMM_SET_SHARE_GROUP: {
		struct lvmm_share_group sg;

		if (copy_from_user(&sg, argp, sizeof(sg)))
			return -EFAULT;
		if (sg.flags)
			return -EINVAL;
		return lvmm_share_set_group(vm, sg.group);
	}
	default:
		return -ENOTTY;
	}
}

static int lvmm_vm_release(struct inode *inode, struct file *file)
{
	lvmm_vm_put(file->private_data);
	return 0;
}

static const struct file_operations lvmm_vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lvmm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= lvmm_vm_release,
	.llseek		= noop_llseek,
};

long lvmm_create_vm(unsigned long type)
{
	struct lvmm_vm *vm;
	int fd, ret;

	if (type != KVM_X86_DEFAULT_VM)
		return -EINVAL;
	if (atomic_inc_return(&lvmm_stats.vms) > lvmm_max_vms) {
		atomic_dec(&lvmm_stats.vms);
		pr_warn_ratelimited("pid %d: VM limit (max_vms=%u) reached\n",
				    task_pid_nr(current), lvmm_max_vms);
		return -ENOSPC;
	}

	ret = -ENOMEM;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		goto err_count;
	vm->vcpus = kcalloc(lvmm_max_vcpus, sizeof(*vm->vcpus),
			    GFP_KERNEL_ACCOUNT);
	if (!vm->vcpus)
		goto err_free;
	ret = ida_alloc(&lvmm_vm_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	vm->id = ret;

	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	init_rwsem(&vm->slots_lock);
	xa_init(&vm->slots);
	mutex_init(&vm->mmu_lock);
	INIT_LIST_HEAD(&vm->share_link);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->pid = task_tgid_nr(current);
	lvmm_clock_init(vm);
	lvmm_vm_irq_init(vm);
	lvmm_tsc_sync_init(vm);
	ret = lvmm_iodev_init(vm);
	if (ret)
		goto err_iodev;

	ret = lvmm_arch->vm_init(vm);
	if (ret)
		goto err_iodev;

	ret = lvmm_vm_sysfs_add(vm);
	if (ret) {
		lvmm_vm_put(vm);
		return ret;
	}
	atomic64_inc(&lvmm_stats.vms_created);

	fd = anon_inode_getfd("lvmm-vm", &lvmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		lvmm_vm_put(vm);
	return fd;

err_iodev:
	lvmm_iodev_free(vm);
	mmdrop(vm->mm);
	ida_free(&lvmm_vm_ida, vm->id);
err_free:
	kfree(vm->vcpus);
	kfree(vm);
err_count:
	atomic_dec(&lvmm_stats.vms);
	return ret;
}
