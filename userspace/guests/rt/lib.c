// SPDX-License-Identifier: GPL-2.0
/*
 * Sample guest runtime: console, exit, command line.
 */
#include "guest.h"

#define COM1		0x3f8
#define LSR_DR		0x01
#define LSR_THRE	0x20

void putc_serial(char c)
{
	while (!(inb(COM1 + 5) & LSR_THRE))
		;
	outb(COM1, c);
}

void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

void print_u64(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts_serial(&buf[i]);
}

int getc_serial(void)
{
	while (!(inb(COM1 + 5) & LSR_DR))
		;
	return inb(COM1);
}

void guest_exit(int code)
{
	outl(LVMM_PORT_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("sti; hlt");
}

uint64_t arg_u64(const struct lvmm_boot_info *bi, const char *key, uint64_t def)
{
	const char *p = (const char *)(uintptr_t)bi->cmdline;

	while (*p) {
		const char *k = key;
		const char *q = p;

		while (*k && *q == *k) {
			k++;
			q++;
		}
		if (!*k && *q == '=') {
			uint64_t v = 0;

			for (q++; *q >= '0' && *q <= '9'; q++)
				v = v * 10 + (*q - '0');
			if (*q == 'K' || *q == 'k')
				v <<= 10;
			else if (*q == 'M' || *q == 'm')
				v <<= 20;
			else if (*q == 'G' || *q == 'g')
				v <<= 30;
			return v;
		}
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return def;
}
