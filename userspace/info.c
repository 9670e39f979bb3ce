// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm info: what is loaded and what hardware it found.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "cli.h"

#define SYSFS_DIR LVMM_SYSFS

int open_device(const char *path, int *exit_code)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	fprintf(stderr, "lvmm: cannot open %s: %s\n", path, strerror(errno));
	if (errno == ENOENT) {
		fprintf(stderr, "lvmm: is the module loaded? try 'insmod kmod/lvmm.ko'\n");
		*exit_code = CLI_NODEV;
	} else if (errno == EACCES || errno == EPERM) {
		fprintf(stderr, "lvmm: %s is root-only (mode 0600)\n", path);
		*exit_code = CLI_NOPERM;
	} else {
		*exit_code = CLI_OSERR;
	}
	return -1;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void print_features(void)
{
	struct dirent **names;
	char value[64];
	int i, n;

	n = scandir(SYSFS_DIR "/features", &names, NULL, name_cmp);
	if (n < 0) {
		fprintf(stderr, "lvmm: cannot list %s/features: %s\n", SYSFS_DIR,
			strerror(errno));
		return;
	}
	printf("features:\n");
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    !sysfs_read(SYSFS_DIR "/features", names[i]->d_name, value,
				sizeof(value)))
			printf("  %-16s %s\n", names[i]->d_name, value);
		free(names[i]);
	}
	free(names);
}

static void info_usage(FILE *f)
{
	fprintf(f, "usage: lvmm info [--device PATH]\n"
		"       lvmm info NAME|SOCKET\n\n"
		"Show the API version of the device, the module version, the\n"
		"hardware backend and the CPU features lvmm detected at load;\n"
		"with NAME, what the VM lvmm run --name NAME runs says of itself\n"
		"over its control socket (state, pid, vCPUs, memory, device).\n\n"
		"  --device PATH  device node (default " LVMM_DEVICE_PATH ")\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *device = LVMM_DEVICE_PATH;
	char value[64];
	int c, fd, api, code;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			info_usage(stdout);
			return 0;
		default:
			info_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind == argc - 1)
		return cmd_vm_info(argv[optind]);
	if (optind != argc) {
		fprintf(stderr, "lvmm info: unexpected argument '%s'\n", argv[optind + 1]);
		return CLI_USAGE;
	}

	fd = open_device(device, &code);
	if (fd < 0)
		return code;
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (api < 0) {
		fprintf(stderr, "lvmm: KVM_GET_API_VERSION on %s: %s\n", device,
			strerror(errno));
		return CLI_OSERR;
	}
	printf("device:          %s (KVM API %d)\n", device, api);

	if (sysfs_read(SYSFS_DIR, "version", value, sizeof(value))) {
		printf("module:          not lvmm (no %s)\n", SYSFS_DIR);
		return 0;
	}
	printf("module:          lvmm %s\n", value);
	if (!sysfs_read(SYSFS_DIR, "backend", value, sizeof(value)))
		printf("backend:         %s\n", value);
	print_features();
	return 0;
}
