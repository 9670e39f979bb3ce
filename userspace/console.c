// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal: raw input while a guest runs, and always put back, whether
 * lvmm exits normally, is interrupted or crashes.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static struct termios saved;
static volatile sig_atomic_t raw_active;

void console_restore(void)
{
	if (raw_active) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw_active = 0;
	}
}

static void restore_and_reraise(int sig)
{
	console_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Raw input (no echo, no line editing, no signals from keys); output as is. */
void console_raw(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct termios t;
	unsigned int i;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved))
		return;
	t = saved;
	cfmakeraw(&t);
	t.c_oflag = saved.c_oflag;	/* keep \n -> \r\n on output */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return;
	raw_active = 1;
	atexit(console_restore);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], restore_and_reraise);
}
