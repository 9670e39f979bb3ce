/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the lvmm CLI.
 */
#ifndef LVMM_CLI_H
#define LVMM_CLI_H

/* Exit codes of the launcher's own errors; see Documentation/cli.rst. */
enum lvmm_exit {
	LVMM_EXIT_OK		= 0,
	LVMM_EXIT_USAGE		= 64,	/* bad option (EX_USAGE) */
	LVMM_EXIT_NODEV		= 69,	/* no /dev/lvmm: module not loaded */
	LVMM_EXIT_NOPERM	= 77,	/* permission denied */
	LVMM_EXIT_OSERR		= 71,	/* a system call failed */
};

int cmd_info(int argc, char **argv);
int cmd_stat(int argc, char **argv);

/* Open a VMM device node, reporting a failure in words; -1 on error. */
int open_device(const char *path, int *exit_code);

#endif /* LVMM_CLI_H */
