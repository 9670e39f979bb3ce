// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM and per-vCPU counters in sysfs, one value per file:
 *
 *   /sys/kernel/lvmm/stats/{vms,vcpus,vms_created,exits}
 *   /sys/kernel/lvmm/vms/<vm>/{pid,vcpus,pages}
 *   /sys/kernel/lvmm/vms/<vm>/vcpu<N>/{entries,guest_time_ns,...}
 *   /sys/kernel/lvmm/vms/<vm>/vcpu<N>/exits/<reason>
 *
 * See Documentation/ABI/testing/sysfs-kernel-lvmm. Each object's directory
 * is removed (kobject_del, which waits for readers) before the object is
 * freed, so a show() never sees freed memory.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "arch.h"
#include "share/share.h"
#include "stats.h"
#include "vcpu.h"
#include "vm.h"

struct lvmm_global_stats lvmm_stats;
static struct kobject *vms_kobj, *stats_kobj;

/* A directory owned by a VM or vCPU. */
struct lvmm_dir {
	struct kobject kobj;
	void *owner;
};

static void lvmm_dir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct lvmm_dir, kobj));
}

static void *dir_owner(struct kobject *kobj)
{
	return container_of(kobj, struct lvmm_dir, kobj)->owner;
}

#define STAT_ATTR(prefix, name, expr)					\
static ssize_t prefix##_##name##_show(struct kobject *kobj,		\
				      struct kobj_attribute *attr,	\
				      char *buf)			\
{									\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}									\
									\
static struct kobj_attribute prefix##_##name##_attr =			\
	__ATTR(name, 0444, prefix##_##name##_show, NULL)

#define VM(kobj)	((struct lvmm_vm *)dir_owner(kobj))
#define VCPU(kobj)	((struct lvmm_vcpu *)dir_owner(kobj))

STAT_ATTR(global, vms, atomic_read(&lvmm_stats.vms));
STAT_ATTR(global, vcpus, atomic_read(&lvmm_stats.vcpus));
STAT_ATTR(global, vms_created, atomic64_read(&lvmm_stats.vms_created));
STAT_ATTR(global, exits, atomic64_read(&lvmm_stats.exits));

static struct attribute *global_attrs[] = {
	&global_vms_attr.attr, &global_vcpus_attr.attr,
	&global_vms_created_attr.attr, &global_exits_attr.attr, NULL,
};

static const struct attribute_group global_group = { .attrs = global_attrs };

STAT_ATTR(vm, pid, VM(kobj)->pid);
STAT_ATTR(vm, vcpus, atomic_read(&VM(kobj)->nr_vcpus));
STAT_ATTR(vm, pages, atomic64_read(&VM(kobj)->stats.pages));

STAT_ATTR(vm, memory, READ_ONCE(VM(kobj)->memory_bytes));
STAT_ATTR(vm, share_group, READ_ONCE(VM(kobj)->share_group));
STAT_ATTR(vm, pages_merged, atomic64_read(&VM(kobj)->stats.pages_merged));
STAT_ATTR(vm, cow_breaks, atomic64_read(&VM(kobj)->stats.cow_breaks));

/* Counted when read: an entry walk, no counters to keep in step. */
static ssize_t vm_share_show(struct kobject *kobj, char *buf, bool zero)
{
	unsigned long shared, zeros;

	lvmm_share_vm_counts(VM(kobj), &shared, &zeros);
	return sysfs_emit(buf, "%lu\n", zero ? zeros : shared);
}

static ssize_t shared_pages_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return vm_share_show(kobj, buf, false);
}

static ssize_t zero_pages_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return vm_share_show(kobj, buf, true);
}

static struct kobj_attribute vm_shared_pages_attr = __ATTR_RO(shared_pages);
static struct kobj_attribute vm_zero_pages_attr = __ATTR_RO(zero_pages);

static ssize_t vm_name_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct lvmm_vm *vm = VM(kobj);
	ssize_t n;

	mutex_lock(&vm->lock);
	n = sysfs_emit(buf, "%s\n", vm->name);
	mutex_unlock(&vm->lock);
	return n;
}

static struct kobj_attribute vm_name_attr = __ATTR(name, 0444, vm_name_show, NULL);

static struct attribute *vm_attrs[] = {
	&vm_pid_attr.attr, &vm_vcpus_attr.attr, &vm_pages_attr.attr,
	&vm_memory_attr.attr, &vm_name_attr.attr, &vm_share_group_attr.attr,
	&vm_pages_merged_attr.attr, &vm_cow_breaks_attr.attr,
	&vm_shared_pages_attr.attr, &vm_zero_pages_attr.attr, NULL,
};
ATTRIBUTE_GROUPS(vm);

STAT_ATTR(vcpu, entries, READ_ONCE(VCPU(kobj)->stats.entries));
STAT_ATTR(vcpu, guest_time_ns, READ_ONCE(VCPU(kobj)->stats.guest_ns));
STAT_ATTR(vcpu, userspace_exits, READ_ONCE(VCPU(kobj)->stats.userspace_exits));
STAT_ATTR(vcpu, mmio_exits, READ_ONCE(VCPU(kobj)->stats.mmio_exits));
STAT_ATTR(vcpu, unknown_msrs, READ_ONCE(VCPU(kobj)->stats.unknown_msrs));
STAT_ATTR(vcpu, halt_waits, READ_ONCE(VCPU(kobj)->stats.halt_waits));

static struct attribute *vcpu_attrs[] = {
	&vcpu_entries_attr.attr, &vcpu_guest_time_ns_attr.attr,
	&vcpu_userspace_exits_attr.attr, &vcpu_mmio_exits_attr.attr,
	&vcpu_unknown_msrs_attr.attr, &vcpu_halt_waits_attr.attr, NULL,
};
ATTRIBUTE_GROUPS(vcpu);

/* A named group is a directory of the vCPU's own kobject. */
#define EXIT_ATTR(name, reason) \
	STAT_ATTR(exit, name, READ_ONCE(VCPU(kobj)->stats.exits[reason]))

EXIT_ATTR(intr, LVMM_EXIT_INTR);
EXIT_ATTR(cpuid, LVMM_EXIT_CPUID);
EXIT_ATTR(hlt, LVMM_EXIT_HLT);
EXIT_ATTR(io, LVMM_EXIT_IO);
EXIT_ATTR(npf, LVMM_EXIT_NPF);
EXIT_ATTR(rdmsr, LVMM_EXIT_RDMSR);
EXIT_ATTR(wrmsr, LVMM_EXIT_WRMSR);
EXIT_ATTR(xsetbv, LVMM_EXIT_XSETBV);
EXIT_ATTR(hypercall, LVMM_EXIT_HYPERCALL);
EXIT_ATTR(ud, LVMM_EXIT_UD);
EXIT_ATTR(dr, LVMM_EXIT_DR);
EXIT_ATTR(shutdown, LVMM_EXIT_SHUTDOWN);
EXIT_ATTR(fail_entry, LVMM_EXIT_FAIL_ENTRY);
EXIT_ATTR(unknown, LVMM_EXIT_UNKNOWN);
EXIT_ATTR(other, LVMM_EXIT_NONE);

static struct attribute *exits_attrs[] = {
	&exit_intr_attr.attr, &exit_cpuid_attr.attr, &exit_hlt_attr.attr,
	&exit_io_attr.attr, &exit_npf_attr.attr, &exit_rdmsr_attr.attr,
	&exit_wrmsr_attr.attr, &exit_xsetbv_attr.attr, &exit_hypercall_attr.attr,
	&exit_ud_attr.attr, &exit_dr_attr.attr,
	&exit_shutdown_attr.attr, &exit_fail_entry_attr.attr,
	&exit_unknown_attr.attr, &exit_other_attr.attr, NULL,
};

static const struct attribute_group exits_group = {
	.name = "exits",
	.attrs = exits_attrs,
};

static const struct kobj_type vm_ktype = {
	.release = lvmm_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vm_groups,
};

static const struct kobj_type vcpu_ktype = {
	.release = lvmm_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vcpu_groups,
};

static struct kobject *lvmm_dir_add(const struct kobj_type *type,
				    struct kobject *parent, void *owner,
				    const char *fmt, u32 n)
{
	struct lvmm_dir *dir = kzalloc(sizeof(*dir), GFP_KERNEL);

	if (!dir)
		return NULL;
	dir->owner = owner;
	if (kobject_init_and_add(&dir->kobj, type, parent, fmt, n)) {
		kobject_put(&dir->kobj);
		return NULL;
	}
	return &dir->kobj;
}

static void lvmm_dir_del(struct kobject **kobj)
{
	if (!*kobj)
		return;
	kobject_del(*kobj);
	kobject_put(*kobj);
	*kobj = NULL;
}

int lvmm_vm_sysfs_add(struct lvmm_vm *vm)
{
	vm->kobj = lvmm_dir_add(&vm_ktype, vms_kobj, vm, "%u", vm->id);
	return vm->kobj ? 0 : -ENOMEM;
}

void lvmm_vm_sysfs_del(struct lvmm_vm *vm)
{
	lvmm_dir_del(&vm->kobj);
}

/* A vCPU without counters in sysfs still runs; not worth failing for. */
int lvmm_vcpu_sysfs_add(struct lvmm_vcpu *vcpu)
{
	vcpu->kobj = lvmm_dir_add(&vcpu_ktype, vcpu->vm->kobj, vcpu, "vcpu%u",
				  vcpu->id);
	if (!vcpu->kobj)
		return -ENOMEM;
	if (sysfs_create_group(vcpu->kobj, &exits_group)) {
		lvmm_dir_del(&vcpu->kobj);
		return -ENOMEM;
	}
	return 0;
}

void lvmm_vcpu_sysfs_del(struct lvmm_vcpu *vcpu)
{
	if (vcpu->kobj)
		sysfs_remove_group(vcpu->kobj, &exits_group);
	lvmm_dir_del(&vcpu->kobj);
}

/* vms/ and stats/ under @parent, /sys/kernel/lvmm/. */
int lvmm_stats_sysfs_init(struct kobject *parent)
{
	vms_kobj = kobject_create_and_add("vms", parent);
	stats_kobj = kobject_create_and_add("stats", parent);
	if (!vms_kobj || !stats_kobj)
		return -ENOMEM;
	return sysfs_create_group(stats_kobj, &global_group);
}

void lvmm_stats_sysfs_exit(void)
{
	kobject_put(stats_kobj);
	kobject_put(vms_kobj);
	stats_kobj = NULL;
	vms_kobj = NULL;
}
