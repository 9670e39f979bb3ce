// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm run: load a guest image and run it, one thread per vCPU, with a
 * serial console on stdio. This file turns the options into a run_config;
 * vm_setup.c builds the VM from it and vm_run.c runs it.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "cli.h"
#include "api.h"
#include "gdbstub.h"
#include "run_vm.h"

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G': case 'g': v <<= 30; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'K': case 'k': v <<= 10; end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static void run_usage(FILE *f)
{
	fprintf(f,
"usage: lvmm run [OPTIONS] IMAGE\n"
"       lvmm run [OPTIONS] --kernel BZIMAGE [--initrd FILE]\n"
"\n"
"Run a guest image with a serial console (16550A at 0x3f8) on stdio.\n"
"IMAGE is a static ELF (32-bit: protected mode, 64-bit: long mode) or a\n"
"flat binary. --kernel boots a Linux bzImage on lvmm's ACPI platform\n"
"(Documentation/platform.rst). Ctrl-A x quits.\n"
"\n"
"  -m, --memory SIZE    guest RAM, with K/M/G suffix (default 64M, min 1M;\n"
"                       256M with --kernel)\n"
"  -c, --cpus N         vCPUs (default 1); the others start halted\n"
"      --kernel FILE    boot this Linux bzImage (64-bit boot protocol)\n"
"      --initrd FILE    initramfs for --kernel\n"
"      --name NAME      name shown in lvmm ps and sysfs (lvmm only)\n"
"      --device PATH    VMM device (default " LVMM_DEVICE_PATH "; /dev/kvm works)\n"
"      --share[=GROUP]  let lvmm merge identical pages with the VMs of share\n"
"                       group GROUP, 1 to 4294967295 (default 1); on another\n"
"                       device, hand guest memory to KSM (no GROUP there)\n"
"      --cmdline STR    command line handed to the guest (with --kernel,\n"
"                       default \"console=ttyS0\")\n"
"      --load ADDR      flat binary: load and entry address (default 0x1000)\n"
"      --mode MODE      flat binary: real, protected or long (default real)\n"
"      --stats          print the exit counters when the guest ends\n"
"      --gdb PORT       wait for gdb on 127.0.0.1:PORT before the guest's\n"
"                       first instruction (target remote :PORT)\n"
"      --disk FILE[,readonly]\n"
"                       a virtio-blk disk on FILE, a raw image or block\n"
"                       device (with --kernel; repeatable, up to 8)\n"
"      --rng            a virtio-rng device (with --kernel) fed by getrandom()\n"
"      --api PATH       control socket for lvmm pause, resume and info\n"
"                       (default with --name: " API_DIR "/NAME" API_SUFFIX ")\n"
"  -q, --quiet          no messages from lvmm itself\n"
"  -h, --help           this text\n"
"\n"
"Exit status: the guest's (port 0x500), 0 on HLT with interrupts off,\n"
"0 when a Linux guest powers off or reboots,\n"
"80 triple fault, 81 failed entry, 82 internal error, 64 bad option,\n"
"65 bad image, 66 unreadable image, 69 no device, 71 system error,\n"
"77 permission denied. See Documentation/cli.rst.\n");
}

/*
 * --share[=GROUP]: a decimal group of 1 to 2^32-1. strtoul alone would take
 * "-1", " 7" or "0x10", so insist on digits; 0 is LVMM_SHARE_NONE, which
 * would silently mean "do not share".
 */
static int parse_share_group(const char *s, uint32_t *group)
{
	unsigned long v;
	char *end;

	if (!s) {
		*group = 1;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == LVMM_SHARE_NONE || v > UINT32_MAX)
		return -1;
	*group = v;
	return 0;
}

/*
 * Fill @cfg from the command line. Returns true to go on; false when the
 * command is done (--help, or a bad option, reported), with its exit
 * status in *status.
 */
static bool parse_options(int argc, char **argv, struct run_config *cfg,
			  int *status)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'N' },
		{ "device", required_argument, NULL, 'd' },
		{ "cmdline", required_argument, NULL, 'C' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "load", required_argument, NULL, 'L' },
		{ "mode", required_argument, NULL, 'M' },
		{ "share", optional_argument, NULL, 'G' },
		{ "stats", no_argument, NULL, 'S' },
		{ "gdb", required_argument, NULL, 'g' },
		{ "api", required_argument, NULL, 'A' },
		{ "rng", no_argument, NULL, 'R' },
		{ "disk", required_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool mem_given = false;
	char *end;
	int c;

	*cfg = (struct run_config){
		.device = LVMM_DEVICE_PATH,
		.mem_size = 64 << 20,
		.nr_cpus = 1,
		.flat_mode = MODE_REAL,
		.flat_addr = 0x1000,
		.share = LVMM_SHARE_NONE,
	};
	*status = CLI_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:c:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mem_given = true;
			if (parse_size(optarg, &cfg->mem_size) ||
			    cfg->mem_size < (1 << 20) || cfg->mem_size & 0xfff ||
			    cfg->mem_size > (1ULL << 40)) {
				fprintf(stderr, "lvmm run: --memory '%s': give a size of 1M to 1T, a multiple of 4K, like 64M\n",
					optarg);
				return false;
			}
			break;
		case 'c':
			cfg->nr_cpus = strtol(optarg, &end, 10);
			if (*end || cfg->nr_cpus < 1 || cfg->nr_cpus > MAX_CPUS) {
				fprintf(stderr, "lvmm run: --cpus '%s': give 1 to %d\n",
					optarg, MAX_CPUS);
				return false;
			}
			break;
		case 'N':
			cfg->name = optarg;
			break;
		case 'd':
			cfg->device = optarg;
			break;
		case 'C':
			cfg->cmdline = optarg;
			break;
		case 'K':
			cfg->lb.kernel = optarg;
			break;
		case 'I':
			cfg->lb.initrd = optarg;
			break;
		case 'L':
			if (parse_size(optarg, &cfg->flat_addr)) {
				fprintf(stderr, "lvmm run: --load '%s': not an address\n",
					optarg);
				return false;
			}
			break;
		case 'M':
			if (!strcmp(optarg, "real"))
				cfg->flat_mode = MODE_REAL;
			else if (!strcmp(optarg, "protected"))
				cfg->flat_mode = MODE_PROTECTED;
			else if (!strcmp(optarg, "long"))
				cfg->flat_mode = MODE_LONG;
			else {
				fprintf(stderr, "lvmm run: --mode '%s': use real, protected or long\n",
					optarg);
				return false;
			}
			break;
		case 'G':
			cfg->share_group_given = optarg;
			if (parse_share_group(optarg, &cfg->share)) {
				fprintf(stderr, "lvmm run: --share '%s': give a group number from 1 to %u, like --share=1\n",
					optarg, UINT32_MAX);
				return false;
			}
			break;
		case 'S':
			cfg->stats = true;
			break;
		case 'g':
			cfg->gdb_port = strtol(optarg, &end, 10);
			if (*end || cfg->gdb_port < 1 || cfg->gdb_port > 65535) {
				fprintf(stderr, "lvmm run: --gdb '%s': give a TCP port, 1 to 65535\n",
					optarg);
				return false;
			}
			break;
		case 'A':
			cfg->api_path = optarg;
			break;
		case 'R':
			cfg->rng = true;
			break;
		case 'D':
			if (cfg->nr_disks == MAX_DISKS) {
				fprintf(stderr, "lvmm run: --disk: at most %d disks\n", MAX_DISKS);
				return false;
			}
			cfg->disks[cfg->nr_disks++] = optarg;
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case 'h':
			run_usage(stdout);
			*status = CLI_OK;
			return false;
		default:
			run_usage(stderr);
			return false;
		}
	}
	if (cfg->lb.kernel && optind != argc) {
		fprintf(stderr, "lvmm run: an IMAGE and --kernel: give one of them\n");
		return false;
	}
	if (!cfg->lb.kernel && optind != argc - 1) {
		fprintf(stderr, "lvmm run: %s\n", optind == argc ?
			"no IMAGE given" : "more than one IMAGE given");
		run_usage(stderr);
		return false;
	}
	if (cfg->lb.initrd && !cfg->lb.kernel) {
		fprintf(stderr, "lvmm run: --initrd needs --kernel\n");
		return false;
	}
	if ((cfg->rng || cfg->nr_disks) && !cfg->lb.kernel) {
		fprintf(stderr, "lvmm run: --%s needs --kernel (virtio devices are on its PCI bus)\n",
			cfg->rng ? "rng" : "disk");
		return false;
	}
	if (cfg->lb.kernel) {
		cfg->lb.cmdline = cfg->cmdline ? cfg->cmdline : "console=ttyS0";
		if (!mem_given)
			cfg->mem_size = 256 << 20;
	} else {
		cfg->image = argv[optind];
		if (!cfg->cmdline)
			cfg->cmdline = "";
	}
	return true;
}

static void print_stats(struct vm *vm)
{
	static const char *const names[] = {
		[KVM_EXIT_IO] = "io", [KVM_EXIT_MMIO] = "mmio",
		[KVM_EXIT_HLT] = "hlt", [KVM_EXIT_SHUTDOWN] = "shutdown",
		[KVM_EXIT_INTR] = "intr",
	};
	int i;
	unsigned int r;

	fprintf(stderr, "lvmm: exits to the VMM, per vCPU:\n");
	for (i = 0; i < vm->nr_cpus; i++) {
		fprintf(stderr, "  vcpu%d:", i);
		for (r = 0; r < sizeof(names) / sizeof(names[0]); r++)
			if (names[r])
				fprintf(stderr, " %s=%llu", names[r],
					(unsigned long long)vm->cpus[i].exits[r]);
		fprintf(stderr, "\n");
	}
}

/* --api PATH, or the default for a named VM. */
static int start_api(struct vm *vm, const struct run_config *cfg)
{
	char path[128];

	if (!cfg->api_path && !cfg->name)
		return 0;
	if (!cfg->api_path && api_default_path(cfg->name, path, sizeof(path))) {
		fprintf(stderr, "lvmm run: --name '%s': too long for a socket path\n",
			cfg->name);
		return CLI_USAGE;
	}
	vm->api = api_listen(vm, cfg->api_path ? cfg->api_path : path);
	if (!vm->api && errno == EADDRINUSE)
		return CLI_USAGE;
	/*
	 * A named VM runs without the socket it did not ask for (a user who
	 * may not write API_DIR, a kernel without AF_UNIX); --api is a
	 * request, and its failure the run's.
	 */
	if (!vm->api && !cfg->api_path) {
		if (!cfg->quiet)
			fprintf(stderr, "lvmm run: running without a control socket\n");
		return 0;
	}
	if (!vm->api)
		return errno == EACCES || errno == EPERM ? CLI_NOPERM : CLI_OSERR;
	if (api_start(vm->api)) {
		fprintf(stderr, "lvmm run: cannot start the control socket's thread\n");
		return CLI_OSERR;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_config cfg;
	struct vm *vm;
	int status;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return CLI_OSERR;
	if (!parse_options(argc, argv, &cfg, &status))
		return status;
	status = vm_setup(vm, &cfg);
	if (status)
		return status;
	if (cfg.gdb_port) {
		vm->gdb = gdb_listen(vm, cfg.gdb_port);
		if (!vm->gdb)
			return CLI_OSERR;
	}
	status = start_api(vm, &cfg);
	if (status)
		return status;
	status = vm_run(vm);
	api_close(vm->api);
	if (cfg.stats)
		print_stats(vm);
	if (!vm->quiet && status >= 128)
		fprintf(stderr, "lvmm: stopped by signal %d\n", status - 128);
	else if (!vm->quiet && vm->why)
		fprintf(stderr, "lvmm: the guest %s\n", vm->why);
	return status;
}
