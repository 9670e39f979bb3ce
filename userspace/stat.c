// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm stat: the counters under /sys/kernel/lvmm/, module-wide, per VM and
 * per vCPU.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvmm.h"

#define SYSFS_DIR "/sys/kernel/lvmm"

static int read_value(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
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

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

/* Print "name value" for each regular file in @dir, on one line. */
static void print_files(const char *dir, const char *indent)
{
	struct dirent **names;
	char value[64], path[4096];
	int i, n;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0)
		return;
	printf("%s", indent);
	for (i = 0; i < n; i++) {
		if (names[i]->d_type == DT_REG &&
		    !read_value(dir, names[i]->d_name, value, sizeof(value)))
			printf(" %s=%s", names[i]->d_name, value);
		free(names[i]);
	}
	printf("\n");
	free(names);
	snprintf(path, sizeof(path), "%s/exits", dir);
	n = scandir(path, &names, NULL, by_name);
	if (n < 0)
		return;
	printf("%s  exits:", indent);
	for (i = 0; i < n; i++) {
		if (names[i]->d_type == DT_REG &&
		    !read_value(path, names[i]->d_name, value, sizeof(value)) &&
		    strcmp(value, "0"))
			printf(" %s=%s", names[i]->d_name, value);
		free(names[i]);
	}
	printf("\n");
	free(names);
}

static void print_vm(const char *vmdir, const char *id)
{
	struct dirent **names;
	char path[4096];
	int i, n;

	printf("vm %s:", id);
	print_files(vmdir, "");
	n = scandir(vmdir, &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (names[i]->d_type == DT_DIR && !strncmp(names[i]->d_name, "vcpu", 4)) {
			if (snprintf(path, sizeof(path), "%s/%s", vmdir,
				     names[i]->d_name) < (int)sizeof(path)) {
				printf("  %s:", names[i]->d_name);
				print_files(path, "");
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

int cmd_stat(int argc, char **argv)
{
	struct dirent **names;
	char path[4096];
	int i, n;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: lvmm stat\n\nPrint lvmm's counters: module-wide, then per VM and vCPU.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "lvmm stat: unexpected argument '%s'\n", argv[1]);
		return LVMM_EXIT_USAGE;
	}
	n = scandir(SYSFS_DIR "/vms", &names, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "lvmm: cannot read %s/vms: %s (is lvmm.ko loaded?)\n",
			SYSFS_DIR, strerror(errno));
		return LVMM_EXIT_NODEV;
	}
	printf("lvmm:");
	print_files(SYSFS_DIR "/stats", "");
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/vms/%s", SYSFS_DIR,
				 names[i]->d_name);
			print_vm(path, names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}
