// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART at 0x3f8, as Linux's 8250 driver sees one: THR/RBR, IER,
 * IIR/FCR, LCR, MCR, LSR, MSR, SCR and the divisor latch. Output goes to a
 * file descriptor as it is written; input is queued by the console thread
 * and read by the guest through RBR, with LSR.DR telling it that a byte is
 * there.
 *
 * Interrupts follow the chip: "data ready" and "transmitter empty" are
 * pending when IER enables them, IIR names the highest one (reading it
 * clears "transmitter empty"), and the line is asserted while one is
 * pending and MCR.OUT2 lets it out, as on a PC. The line goes to @set_irq,
 * which the launcher wires to an IOAPIC pin; guests that never enable IER
 * poll LSR instead.
 *
 * Input can be paced (uart_pace_input()): it then reaches the guest only
 * while the receive interrupt is enabled, and clearing the FIFO drops
 * nothing, as if the terminal had flow control. A kernel clears the FIFO
 * while it probes and opens the port, and a line piped in at launch must
 * survive that.
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define LCR_DLAB	0x80
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MCR_LOOP	0x10
#define MSR_DEFAULT	0xb0	/* DCD, DSR, CTS */
#define IIR_NONE	0x01
#define IIR_THRE	0x02
#define IIR_RDA		0x04
#define IIR_FIFO	0xc0
#define FCR_ENABLE	0x01
#define IER_RDI		0x01
#define IER_THRI	0x02
#define MCR_OUT2	0x08

void uart_init(struct uart *u, int out_fd)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->out_fd = out_fd;
	u->lcr = 0x03;		/* 8N1 */
	u->mcr = 0x08;		/* OUT2 */
	u->dll = 12;		/* 9600 baud */
}

static bool rx_ready(struct uart *u)
{
	if (u->paced_input && !(u->ier & IER_RDI))
		return false;
	return u->rx_head != u->rx_tail;
}

static uint8_t iir(struct uart *u)
{
	if ((u->ier & IER_RDI) && rx_ready(u))
		return IIR_RDA;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRE;
	return IIR_NONE;
}

/* Under u->lock: move the interrupt line if the pending state changed. */
static void update_irq(struct uart *u)
{
	bool level = iir(u) != IIR_NONE && (u->mcr & MCR_OUT2);

	if (level != u->irq_level && u->set_irq) {
		u->irq_level = level;
		u->set_irq(u->irq_ctx, level);
	}
}

void uart_set_irq(struct uart *u, void (*set_irq)(void *ctx, bool level),
		  void *ctx)
{
	u->set_irq = set_irq;
	u->irq_ctx = ctx;
}

void uart_pace_input(struct uart *u)
{
	u->paced_input = true;
}

void uart_receive(struct uart *u, const uint8_t *buf, size_t n)
{
	size_t i;

	pthread_mutex_lock(&u->lock);
	for (i = 0; i < n; i++) {
		unsigned int next = (u->rx_head + 1) % sizeof(u->rx);

		if (next == u->rx_tail)
			break;		/* full: drop, as a real UART would */
		u->rx[u->rx_head] = buf[i];
		u->rx_head = next;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static uint8_t uart_read(struct uart *u, unsigned int reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case 0:
		if (dlab)
			return u->dll;
		if (!rx_ready(u))
			return 0;
		v = u->rx[u->rx_tail];
		u->rx_tail = (u->rx_tail + 1) % sizeof(u->rx);
		return v;
	case 1:
		return dlab ? u->dlm : u->ier;
	case 2:
		v = iir(u);
		/* Reading IIR is how the driver acknowledges "THR empty". */
		if (v == IIR_THRE)
			u->thre_pending = false;
		return v | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
	case 3:
		return u->lcr;
	case 4:
		return u->mcr;
	case 5:
		return LSR_THRE | LSR_TEMT | (rx_ready(u) ? LSR_DR : 0);
	case 6:
		/* In loopback, the modem lines follow MCR, as on the chip. */
		if (u->mcr & MCR_LOOP)
			return ((u->mcr & 0x0c) << 4) | ((u->mcr & 0x01) << 5) |
			       ((u->mcr & 0x02) << 3);
		return MSR_DEFAULT;
	default:
		return u->scr;
	}
}

static void uart_write(struct uart *u, unsigned int reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab) {
			u->dll = v;
		} else if (u->mcr & MCR_LOOP) {
			uint8_t c = v;
			unsigned int next = (u->rx_head + 1) % sizeof(u->rx);

			if (next != u->rx_tail) {
				u->rx[u->rx_head] = c;
				u->rx_head = next;
			}
		} else if (write(u->out_fd, &v, 1) < 0) {
			/* The console went away; the guest cannot tell. */
		}
		/* Sent at once: THR is empty again. */
		u->thre_pending = true;
		break;
	case 1:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* Enabling the THRE interrupt with THR empty raises it. */
		if ((v & IER_THRI) && !(u->ier & IER_THRI))
			u->thre_pending = true;
		u->ier = v & 0x0f;
		break;
	case 2:
		u->fcr = v;
		if ((v & 0x02) && !u->paced_input)	/* clear the receive FIFO */
			u->rx_tail = u->rx_head;
		break;
	case 3:
		u->lcr = v;
		break;
	case 4:
		u->mcr = v & 0x1f;
		break;
	case 7:
		u->scr = v;
		break;
	default:
		break;		/* LSR and MSR are read-only */
	}
}

void uart_io(struct uart *u, uint16_t port, bool in, uint8_t *data)
{
	unsigned int reg = port - UART_BASE;

	pthread_mutex_lock(&u->lock);
	if (in)
		*data = uart_read(u, reg);
	else
		uart_write(u, reg, *data);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}
