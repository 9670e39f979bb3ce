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

#include "../arch.h"
#include "../core.h"
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

/**
 * struct lvmm_knob - a sysfs file for one of lvmm_share_knobs
 * @attr:  the file
 * @value: the knob
 * @min:   smallest value accepted
 * @max:   largest value accepted
 * @check: called under lvmm_share_lock before a change; an errno refuses it
 * @done:  called after a change, without the lock; an errno is returned
 */
struct lvmm_knob {
	struct kobj_attribute attr;
	unsigned int *value;
	unsigned int min;
	unsigned int max;
	int (*check)(unsigned int v);
	int (*done)(unsigned int v);
};

#define to_knob(a) container_of(a, struct lvmm_knob, attr)

static ssize_t knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*to_knob(attr)->value));
}

static ssize_t knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct lvmm_knob *knob = to_knob(attr);
	unsigned int v;
	int ret = kstrtouint(buf, 10, &v);

	if (ret)
		return ret;
	if (v < knob->min || v > knob->max)
		return -EINVAL;
	mutex_lock(&lvmm_share_lock);
	ret = knob->check ? knob->check(v) : 0;
	if (!ret)
		WRITE_ONCE(*knob->value, v);
	mutex_unlock(&lvmm_share_lock);
	if (ret)
		return ret;
	lvmm_share_wake();
	if (knob->done) {
		ret = knob->done(v);
		if (ret)
			return ret;
	}
	return count;
}

/* As KSM: 2 unmerges everything and stays stopped; on failure run is 0. */
static int run_done(unsigned int v)
{
	int ret = v == 2 ? lvmm_share_unmerge_all() : 0;

	if (ret)
		WRITE_ONCE(lvmm_share_knobs.run, 0);
	return ret;
}

/*
 * As KSM's merge_across_nodes: only while no page is shared, so that no
 * shared page ever spans two groups while the groups are kept apart.
 */
static int merge_across_groups_check(unsigned int v)
{
	if (v != lvmm_share_knobs.merge_across_groups &&
	    atomic_long_read(&lvmm_share_stats.stable_pages))
		return -EBUSY;
	return 0;
}

static struct lvmm_knob run_knob = {
	.attr = __ATTR(run, 0644, knob_show, knob_store),
	.value = &lvmm_share_knobs.run, .min = 0, .max = 2, .done = run_done,
};

static struct lvmm_knob pages_to_scan_knob = {
	.attr = __ATTR(pages_to_scan, 0644, knob_show, knob_store),
	.value = &lvmm_share_knobs.pages_to_scan, .min = 1, .max = 1U << 20,
};

static struct lvmm_knob sleep_millisecs_knob = {
	.attr = __ATTR(sleep_millisecs, 0644, knob_show, knob_store),
	.value = &lvmm_share_knobs.sleep_millisecs, .min = 0,
	.max = 3600 * 1000,
};

static struct lvmm_knob merge_across_groups_knob = {
	.attr = __ATTR(merge_across_groups, 0644, knob_show, knob_store),
	.value = &lvmm_share_knobs.merge_across_groups, .min = 0, .max = 1,
	.check = merge_across_groups_check,
};

static struct attribute *sharing_attrs[] = {
	&run_knob.attr.attr, &pages_to_scan_knob.attr.attr,
	&sleep_millisecs_knob.attr.attr, &merge_across_groups_knob.attr.attr,
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
