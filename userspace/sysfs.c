// SPDX-License-Identifier: GPL-2.0
/*
 * Reading /sys/kernel/lvmm: one value per file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int sysfs_read(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

long long sysfs_num(const char *dir, const char *name)
{
	char buf[64];

	if (sysfs_read(dir, name, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* Like sysfs_num, for signed values: -1 is a value, absence is told apart. */
int sysfs_get(const char *dir, const char *name, long long *v)
{
	char buf[64], *end;

	if (sysfs_read(dir, name, buf, sizeof(buf)))
		return -1;
	*v = strtoll(buf, &end, 10);
	return end == buf ? -1 : 0;
}
