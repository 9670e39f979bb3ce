// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 of KVM_CREATE_PIT2, programmed by the guest's own port I/O
 * (the pic_shell guest, port_shell.h) the way Linux and BIOSes do it:
 * channel 0's periodic modes against the guest's TSC, mode 0's one-shot,
 * channel 2 behind port 0x61 (Linux's TSC calibration), latching and the
 * read-back status; KVM_GET/SET_PIT2, KVM_REINJECT_CONTROL and KVM's
 * errnos. Everything runs the same on KVM ($LVMM_DEVICE=/dev/kvm).
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "port_shell.h"

#define PIT_FREQ	1193182
#define PIT_CH0		0x40
#define PIT_CH2		0x42
#define PIT_CONTROL	0x43
#define PORT_61		0x61
#define RW_WORD		3		/* low byte, then high byte */
#define STATUS_OUT	0x80
#define MS		1193		/* counts in a millisecond */

/* Channel @ch to @mode, loaded with @count (0: 0x10000). */
static int program(struct vcpu *v, int ch, int mode, uint16_t count)
{
	return shell_outb(v, PIT_CONTROL, ch << 6 | RW_WORD << 4 | mode << 1) ?:
	       shell_outb(v, PIT_CH0 + ch, count) ?:
	       shell_outb(v, PIT_CH0 + ch, count >> 8);
}

/* Read-back of channel @ch's status byte (count not latched). */
static int status(struct vcpu *v, int ch)
{
	if (shell_outb(v, PIT_CONTROL, 0xc0 | 0x20 | 2 << ch))
		return SHELL_BROKEN;
	return shell_inb(v, PIT_CH0 + ch);
}

/* Channel @ch's count, latched, low byte then high byte. */
static int latched_count(struct vcpu *v, int ch)
{
	int lo, hi;

	if (shell_outb(v, PIT_CONTROL, ch << 6))
		return SHELL_BROKEN;
	lo = shell_inb(v, PIT_CH0 + ch);
	hi = shell_inb(v, PIT_CH0 + ch);
	return lo == SHELL_BROKEN || hi == SHELL_BROKEN ? SHELL_BROKEN : hi << 8 | lo;
}

static int create_pit(struct guest *g)
{
	struct kvm_pit_config cfg = { .flags = KVM_PIT_SPEAKER_DUMMY };

	return ioctl(g->vm->fd, KVM_CREATE_PIT2, &cfg) ? -errno : 0;
}

static int get_pit(struct guest *g, struct kvm_pit_state2 *s)
{
	memset(s, 0, sizeof(*s));
	return ioctl(g->vm->fd, KVM_GET_PIT2, s) ? -errno : 0;
}

/* A pic_shell guest with an 8254, IRQ 0 the one 8259 pin unmasked. */
static struct guest *pit_guest(struct __test_metadata *_metadata)
{
	struct guest *g = guest_create_irqchip(GUEST_PROG(pic_shell), 1);

	EXPECT_EQ(0, create_pit(g));
	EXPECT_EQ(0, shell_pic_init(g->vcpu, ICW4_8086, 0xfffe));
	return g;
}

/*
 * Modes 2 (rate generator) and 3 (square wave) interrupt once per count:
 * 100 ticks of 2 ms take 200 ms of the guest's TSC. The bounds are wide
 * (a quarter either way): they catch a wrong clock, divisor or byte order,
 * not the host's jitter.
 */
TEST(periodic_modes_tick_at_the_programmed_rate)
{
	struct guest *g = pit_guest(_metadata);
	struct vcpu *v = g->vcpu;
	long khz = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
	int mode;

	ASSERT_LT(0, khz);
	for (mode = 2; mode <= 3; mode++) {
		double expected = 100.0 * 2 * MS * khz * 1000 / PIT_FREQ;
		uint64_t cycles;

		ASSERT_EQ(0, program(v, 0, mode, 2 * MS));
		cycles = shell_ticks(v, 100);
		ASSERT_NE(0, cycles) TH_LOG("mode %d: the shell broke", mode);
		TH_LOG("mode %d: 100 ticks in %.3f of the expected TSC cycles",
		       mode, cycles / expected);
		EXPECT_LT(0.75 * expected, cycles);
		EXPECT_GT(1.25 * expected, cycles);
	}
	guest_destroy(g);
}

/* Mode 0: one interrupt when the count runs out; then OUT is high. */
TEST(mode_0_fires_once_and_raises_out)
{
	struct guest *g = pit_guest(_metadata);
	struct vcpu *v = g->vcpu;
	struct kvm_pit_state2 s;

	ASSERT_EQ(0, program(v, 0, 0, MS));
	EXPECT_EQ(VECTOR_BASE, shell_take(v, 1));
	EXPECT_EQ(0, shell_outb(v, MASTER, 0x20));
	EXPECT_EQ(STATUS_OUT | RW_WORD << 4 | 0 << 1, status(v, 0));
	ASSERT_EQ(0, get_pit(g, &s));
	EXPECT_EQ(0, s.channels[0].mode);
	EXPECT_EQ(MS, s.channels[0].count);
	EXPECT_EQ(RW_WORD, s.channels[0].rw_mode);
	EXPECT_EQ(1, s.channels[0].gate);
	guest_destroy(g);
}

/*
 * Channel 2 behind port 0x61, as Linux's TSC calibration uses it: the gate
 * and speaker bits read back, the count moves, and OUT (bit 5) rises when
 * a one-shot count runs out.
 */
TEST(channel_2_through_port_61)
{
	struct guest *g = pit_guest(_metadata);
	struct vcpu *v = g->vcpu;
	int i, c1, c2, p61 = 0;

	EXPECT_EQ(0, shell_outb(v, PORT_61, 0x03));
	EXPECT_EQ(0x03, shell_inb(v, PORT_61) & 0x03);
	EXPECT_EQ(0, shell_outb(v, PORT_61, 0x01));
	EXPECT_EQ(0x01, shell_inb(v, PORT_61) & 0x03);

	ASSERT_EQ(0, program(v, 2, 0, 0));
	c1 = latched_count(v, 2);
	c2 = latched_count(v, 2);
	EXPECT_NE(SHELL_BROKEN, c1);
	EXPECT_NE(SHELL_BROKEN, c2);
	EXPECT_NE(c1, c2) TH_LOG("channel 2's count does not move");

	/* 1 ms: far fewer reads than the bound, however slow the host. */
	ASSERT_EQ(0, program(v, 2, 0, MS));
	for (i = 0; i < 100000 && p61 != SHELL_BROKEN && !(p61 & 0x20); i++)
		p61 = shell_inb(v, PORT_61);
	EXPECT_NE(SHELL_BROKEN, p61);
	EXPECT_TRUE(p61 & 0x20) TH_LOG("OUT never rose");
	EXPECT_EQ(STATUS_OUT | RW_WORD << 4 | 0 << 1, status(v, 2));
	guest_destroy(g);
}

/* KVM_GET/SET_PIT2 and KVM_REINJECT_CONTROL on a programmed 8254. */
TEST(state_get_and_set)
{
	struct guest *g = pit_guest(_metadata);
	struct vcpu *v = g->vcpu;
	struct kvm_reinject_control rc = { .pit_reinject = 0 };
	struct kvm_pit_state2 s;

	ASSERT_EQ(0, program(v, 0, 2, MS));
	ASSERT_EQ(0, get_pit(g, &s));
	EXPECT_EQ(2, s.channels[0].mode);
	EXPECT_EQ(MS, s.channels[0].count);
	EXPECT_EQ(0, s.channels[2].gate) TH_LOG("channel 2's gate starts low");
	EXPECT_EQ(1, s.channels[1].gate);

	s.channels[0].count = 2 * MS;
	s.flags = KVM_PIT_FLAGS_HPET_LEGACY;
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_PIT2, &s));
	ASSERT_EQ(0, get_pit(g, &s));
	EXPECT_EQ(2 * MS, s.channels[0].count);
	EXPECT_EQ(2, s.channels[0].mode) TH_LOG("HPET legacy kept the mode");
	EXPECT_EQ(KVM_PIT_FLAGS_HPET_LEGACY, s.flags);

	EXPECT_EQ(0, ioctl(g->vm->fd, KVM_REINJECT_CONTROL, &rc));
	rc.pit_reinject = 1;
	EXPECT_EQ(0, ioctl(g->vm->fd, KVM_REINJECT_CONTROL, &rc));
	guest_destroy(g);
}

/* KVM's errnos: no 8254 yet, one already, no in-kernel 8259 for it. */
TEST(errnos)
{
	struct guest *g = guest_create_irqchip(GUEST_PROG(pic_shell), 1);
	struct kvm_reinject_control rc = { .pit_reinject = 1 };
	struct kvm_pit_state2 s;

	EXPECT_EQ(-ENXIO, get_pit(g, &s));
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_REINJECT_CONTROL, &rc));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, create_pit(g));
	EXPECT_EQ(-EEXIST, create_pit(g));
	guest_destroy(g);

	g = guest_create_irqchip(GUEST_PROG(pic_shell), GUEST_IRQCHIP_SPLIT);
	EXPECT_EQ(-ENOENT, create_pit(g)) TH_LOG("split: the 8259 is the VMM's");
	guest_destroy(g);

	g = guest_create_with_idt(vmm_device(), GUEST_PROG(pic_shell));
	EXPECT_EQ(-ENOENT, create_pit(g));
	guest_destroy(g);
}

TEST_HARNESS_MAIN
