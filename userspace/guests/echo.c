// SPDX-License-Identifier: GPL-2.0
/* echo: reads one line from the console and prints it back. */
#include "guest.h"

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	char line[128];
	unsigned int n = 0;
	int c;

	puts_serial("echo: type a line\n");
	while (n < sizeof(line) - 1) {
		c = getc_serial();
		if (c == '\r' || c == '\n')
			break;
		line[n++] = c;
	}
	line[n] = '\0';
	puts_serial("echo: got \"");
	puts_serial(line);
	puts_serial("\"\n");
	return 0;
}
