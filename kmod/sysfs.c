// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/lvmm/: what the module is and what hardware it found.
 * One value per file; see Documentation/ABI/testing/sysfs-kernel-lvmm.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "arch.h"
#include "core.h"

/* A features/ file: the attribute and the value it shows. */
struct lvmm_feature_attr {
	struct kobj_attribute attr;
	u32 value;
};

struct kobject *lvmm_kobj;
static struct kobject *features_kobj;
static struct lvmm_feature_attr *feature_attrs;
static struct attribute **feature_attr_list;
static struct attribute_group feature_group;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", LVMM_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static ssize_t backend_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", lvmm_arch->name);
}

static struct kobj_attribute backend_attr = __ATTR_RO(backend);

static struct attribute *lvmm_attrs[] = {
	&version_attr.attr,
	&backend_attr.attr,
	NULL,
};

static const struct attribute_group lvmm_group = {
	.attrs = lvmm_attrs,
};

static ssize_t feature_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct lvmm_feature_attr *fa;

	fa = container_of(attr, struct lvmm_feature_attr, attr);
	return sysfs_emit(buf, "%u\n", fa->value);
}

/* The feature list is the backend's, so its files are made at run time. */
static int lvmm_sysfs_add_features(void)
{
	const struct lvmm_feature *features;
	unsigned int i, nr;

	features = lvmm_arch->features(&nr);
	feature_attrs = kcalloc(nr, sizeof(*feature_attrs), GFP_KERNEL);
	feature_attr_list = kcalloc(nr + 1, sizeof(*feature_attr_list),
				    GFP_KERNEL);
	if (!feature_attrs || !feature_attr_list)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		struct lvmm_feature_attr *fa = &feature_attrs[i];

		sysfs_attr_init(&fa->attr.attr);
		fa->attr.attr.name = features[i].name;
		fa->attr.attr.mode = 0444;
		fa->attr.show = feature_show;
		fa->value = features[i].value;
		feature_attr_list[i] = &fa->attr.attr;
	}
	feature_group.attrs = feature_attr_list;

	features_kobj = kobject_create_and_add("features", lvmm_kobj);
	if (!features_kobj)
		return -ENOMEM;
	return sysfs_create_group(features_kobj, &feature_group);
}

static void lvmm_sysfs_free_features(void)
{
	kobject_put(features_kobj);
	features_kobj = NULL;
	kfree(feature_attr_list);
	feature_attr_list = NULL;
	kfree(feature_attrs);
	feature_attrs = NULL;
}

int lvmm_sysfs_init(void)
{
	int ret;

	lvmm_kobj = kobject_create_and_add("lvmm", kernel_kobj);
	if (!lvmm_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(lvmm_kobj, &lvmm_group);
	if (!ret)
		ret = lvmm_sysfs_add_features();
	if (ret)
		lvmm_sysfs_exit();
	return ret;
}

void lvmm_sysfs_exit(void)
{
	lvmm_sysfs_free_features();
	kobject_put(lvmm_kobj);
	lvmm_kobj = NULL;
}
