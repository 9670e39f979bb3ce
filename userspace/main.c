// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm: command-line front end to /dev/lvmm.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run a guest image with a serial console on stdio" },
	{ "ps", cmd_ps, "list running VMs" },
	{ "info", cmd_info, "show the module, its backend and the CPU features it found" },
	{ "stat", cmd_stat, "show exit and memory counters, module-wide and per VM" },
	{ "pause", cmd_pause, "stop the vCPUs of a running VM (its control socket)" },
	{ "resume", cmd_resume, "let a paused VM run again" },
	{ "api", cmd_api, "send one raw JSON request to a VM's control socket" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lvmm COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'lvmm COMMAND --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "lvmm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
