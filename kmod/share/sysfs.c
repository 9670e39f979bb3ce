// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/lvmm/sharing/: the knobs and counters of page sharing, named
 * after KSM's where they mean the same (Documentation/ABI/testing/
 * sysfs-kernel-lvmm). Knobs are root-writable, counters world-readable:
 * they count pages, never show their content.
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/sysfs.h>

#include "../lvmm.h"
#include "share.h"

static struct kobject *sharing_kobj;

#define COUNTER(name, expr)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%ld\n", (long)(expr));			\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

#define STAT(field) atomic_long_read(&lvmm_share_stats.field)

COUNTER(pages_shared, STAT(stable_pages));
COUNTER(pages_sharing, STAT(stable_entries) - STAT(stable_pages));
COUNTER(pages_unshared, STAT(hints));
COUNTER(pages_volatile, STAT(volatile_last));
COUNTER(zero_pages, STAT(zero_entries));
COUNTER(full_scans, STAT(full_scans));
COUNTER(pages_scanned, STAT(pages_scanned));
COUNTER(cow_breaks, STAT(cow_breaks));
COUNTER(hash_collisions, STAT(hash_collisions));
COUNTER(pages_merged, STAT(merges));
COUNTER(profit_bytes, (STAT(stable_entries) - STAT(stable_pages) +
		       STAT(zero_entries)) * (long)PAGE_SIZE -
		      (long)lvmm_share_metadata_bytes());

/* A knob: a number in [min, max], changed under lvmm_share_lock. */
static int knob_store(const char *buf, unsigned int *knob, unsigned int min,
		      unsigned int max)
{
	unsigned int v;
	int ret = kstrtouint(buf, 10, &v);

	if (ret)
		return ret;
	if (v < min || v > max)
		return -EINVAL;
	mutex_lock(&lvmm_share_lock);
	WRITE_ONCE(*knob, v);
	mutex_unlock(&lvmm_share_lock);
	lvmm_share_wake();
	return 0;
}

static ssize_t pages_to_scan_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(lvmm_share_knobs.pages_to_scan));
}

static ssize_t pages_to_scan_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	int ret = knob_store(buf, &lvmm_share_knobs.pages_to_scan, 1, 1U << 20);

	return ret ? ret : count;
}

static struct kobj_attribute pages_to_scan_attr = __ATTR_RW(pages_to_scan);

static ssize_t sleep_millisecs_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(lvmm_share_knobs.sleep_millisecs));
}

static ssize_t sleep_millisecs_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	int ret = knob_store(buf, &lvmm_share_knobs.sleep_millisecs, 0,
			     3600 * 1000);

	return ret ? ret : count;
}

static struct kobj_attribute sleep_millisecs_attr = __ATTR_RW(sleep_millisecs);

static ssize_t run_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(lvmm_share_knobs.run));
}

/* As KSM: 2 unmerges everything and stays stopped; on failure run is 0. */
static ssize_t run_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	int ret = knob_store(buf, &lvmm_share_knobs.run, 0, 2);

	if (ret)
		return ret;
	if (READ_ONCE(lvmm_share_knobs.run) == 2) {
		ret = lvmm_share_unmerge_all();
		if (ret) {
			WRITE_ONCE(lvmm_share_knobs.run, 0);
			return ret;
		}
	}
	return count;
}

static struct kobj_attribute run_attr = __ATTR_RW(run);

static ssize_t merge_across_groups_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(lvmm_share_knobs.merge_across_groups));
}

/*
 * As KSM's merge_across_nodes: only while no page is shared, so that no
 * shared page ever spans two groups while the groups are kept apart.
 */
static ssize_t merge_across_groups_store(struct kobject *kobj,
					 struct kobj_attribute *attr,
					 const char *buf, size_t count)
{
	unsigned int v;
	int ret = kstrtouint(buf, 10, &v);

	if (ret)
		return ret;
	if (v > 1)
		return -EINVAL;
	mutex_lock(&lvmm_share_lock);
	if (v != lvmm_share_knobs.merge_across_groups &&
	    atomic_long_read(&lvmm_share_stats.stable_pages))
		ret = -EBUSY;
	else
		WRITE_ONCE(lvmm_share_knobs.merge_across_groups, v);
	mutex_unlock(&lvmm_share_lock);
	return ret ? ret : count;
}

static struct kobj_attribute merge_across_groups_attr =
	__ATTR_RW(merge_across_groups);

static struct attribute *sharing_attrs[] = {
	&run_attr.attr, &pages_to_scan_attr.attr, &sleep_millisecs_attr.attr,
	&merge_across_groups_attr.attr,
	&pages_shared_attr.attr, &pages_sharing_attr.attr,
	&pages_unshared_attr.attr, &pages_volatile_attr.attr,
	&zero_pages_attr.attr, &full_scans_attr.attr, &pages_scanned_attr.attr,
	&cow_breaks_attr.attr, &hash_collisions_attr.attr,
	&pages_merged_attr.attr, &profit_bytes_attr.attr, NULL,
};

static const struct attribute_group sharing_group = { .attrs = sharing_attrs };

int lvmm_share_sysfs_init(void)
{
	int ret;

	sharing_kobj = kobject_create_and_add("sharing", lvmm_kobj);
	if (!sharing_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(sharing_kobj, &sharing_group);
	if (ret)
		kobject_put(sharing_kobj);
	return ret;
}

void lvmm_share_sysfs_exit(void)
{
	kobject_put(sharing_kobj);
}
