// SPDX-License-Identifier: GPL-2.0
/*
 * testvm-exit STATUS: end the test VM, carrying STATUS (0-127) out through
 * QEMU's isa-debug-exit device at port 0xf4. QEMU then exits with
 * (STATUS << 1) | 1, which scripts/testvm turns back into STATUS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	long status;

	if (argc != 2) {
		fprintf(stderr, "usage: testvm-exit STATUS\n");
		return 2;
	}
	status = strtol(argv[1], NULL, 0);
	if (status < 0 || status > 127)
		status = 127;
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("testvm-exit: ioperm(0xf4)");
		return 1;
	}
	outl((unsigned int)status, DEBUG_EXIT_PORT);
	/*
	 * QEMU up to 8.x exit()s inside the port write. Since 9.0 the device
	 * asks the main loop for a shutdown with that code, so the vCPU runs
	 * on for a moment: wait for it rather than report a missing device.
	 */
	sleep(10);
	fprintf(stderr, "testvm-exit: no isa-debug-exit device at 0xf4\n");
	return 1;
}
