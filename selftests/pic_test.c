// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair of KVM_CREATE_IRQCHIP, programmed the way a BIOS or a
 * kernel does it: by the guest's own port I/O to 0x20/0x21, 0xa0/0xa1 and
 * ELCR (0x4d0/0x4d1), which the in-kernel chips answer. The guest is a
 * small shell (pic_shell in guest_apic.S) that takes commands from the test
 * over port I/O, so each test reads as the sequence of accesses and line
 * changes it checks. KVM_IRQ_LINE drives the pins through KVM's default
 * routing (GSI n to 8259 pin n); KVM_GET/SET_IRQCHIP read and load the
 * chips' state. Everything runs the same on KVM ($LVMM_DEVICE=/dev/kvm).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "port_shell.h"

#define ELCR		0x4d0
#define ICW4_AUTO_EOI	0x02
#define OCW2_EOI	0x20
#define OCW3_READ_IRR	0x0a
#define OCW3_READ_ISR	0x0b
#define OCW3_POLL	0x0c

/* A register of @chip through OCW3: OCW3_READ_IRR or OCW3_READ_ISR. */
static int read_reg(struct vcpu *v, uint16_t chip, uint8_t ocw3)
{
	return shell_outb(v, chip, ocw3) ? SHELL_BROKEN : shell_inb(v, chip);
}

/* KVM_IRQ_LINE_STATUS on GSI @irq: the status, or -errno - 100. */
static int irq_line(struct guest *g, uint32_t irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(g->vm->fd, KVM_IRQ_LINE_STATUS, &l))
		return -errno - 100;
	return l.status;
}

static int edge(struct guest *g, uint32_t irq)
{
	int r = irq_line(g, irq, 1);

	irq_line(g, irq, 0);
	return r;
}

static struct guest *shell(struct __test_metadata *_metadata, uint8_t icw4,
			   uint16_t imr)
{
	struct guest *g = guest_create_irqchip(GUEST_PROG(pic_shell), 1);

	EXPECT_EQ(0, shell_pic_init(g->vcpu, icw4, imr)) TH_LOG("pic_shell broke");
	return g;
}

static int get_chip(struct guest *g, uint32_t id, struct kvm_irqchip *c)
{
	memset(c, 0, sizeof(*c));
	c->chip_id = id;
	return ioctl(g->vm->fd, KVM_GET_IRQCHIP, c) ? -errno : 0;
}

/* A master pin, and a slave pin through the cascade on the master's IR2. */
TEST(master_and_cascaded_slave_pins)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0);
	struct vcpu *v = g->vcpu;

	EXPECT_EQ(0, shell_take(v, 0)) TH_LOG("an interrupt before any line rose");
	edge(g, 1);
	EXPECT_EQ(VECTOR_BASE + 1, shell_take(v, 1));
	EXPECT_EQ(0x02, read_reg(v, MASTER, OCW3_READ_ISR));
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	/* OCW3's register choice stays: this reads ISR again. */
	EXPECT_EQ(0, shell_inb(v, MASTER));

	edge(g, 10);
	EXPECT_EQ(VECTOR_BASE + 8 + 2, shell_take(v, 1));
	EXPECT_EQ(0x04, read_reg(v, MASTER, OCW3_READ_ISR)) TH_LOG("cascade pin");
	EXPECT_EQ(0x04, read_reg(v, SLAVE, OCW3_READ_ISR)) TH_LOG("slave pin 2");
	EXPECT_EQ(0, shell_outb(v, SLAVE, OCW2_EOI));
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	EXPECT_EQ(0, shell_inb(v, SLAVE));
	EXPECT_EQ(0, shell_inb(v, MASTER));
	EXPECT_EQ(0, shell_take(v, 0)) TH_LOG("a second interrupt");
	guest_destroy(g);
}

/* Lower pins win; an in-service pin holds back the ones below it. */
TEST(priority_and_nesting)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0);
	struct vcpu *v = g->vcpu;

	edge(g, 3);
	edge(g, 1);
	EXPECT_EQ(0x0a, read_reg(v, MASTER, OCW3_READ_IRR));
	EXPECT_EQ(VECTOR_BASE + 1, shell_take(v, 1));
	/* The stub sent no EOI: IRQ 1 in service blocks IRQ 3. */
	EXPECT_EQ(0, shell_take(v, 0)) TH_LOG("IRQ 3 got past IRQ 1 in service");
	EXPECT_EQ(0x08, read_reg(v, MASTER, OCW3_READ_IRR));
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	EXPECT_EQ(VECTOR_BASE + 3, shell_take(v, 1));
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	EXPECT_EQ(0, read_reg(v, MASTER, OCW3_READ_ISR));
	guest_destroy(g);
}

/* A masked pin latches its edge in IRR and interrupts when unmasked. */
TEST(masked_pin_waits_in_irr)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0x02);
	struct vcpu *v = g->vcpu;

	EXPECT_EQ(0x02, shell_inb(v, MASTER + 1)) TH_LOG("IMR reads back");
	edge(g, 1);
	EXPECT_EQ(0, shell_take(v, 0)) TH_LOG("a masked pin interrupted");
	EXPECT_EQ(0x02, read_reg(v, MASTER, OCW3_READ_IRR));
	EXPECT_EQ(0, shell_outb(v, MASTER + 1, 0));
	EXPECT_EQ(VECTOR_BASE + 1, shell_take(v, 1));
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	guest_destroy(g);
}

/*
 * ELCR: pins 0-2 and 8, 13 are edge only; a level pin interrupts again
 * after its EOI while the line is high, and not once it is low.
 */
TEST(level_pin_until_line_falls)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0);
	struct vcpu *v = g->vcpu;

	EXPECT_EQ(0, shell_outb(v, ELCR, 0xff));
	EXPECT_EQ(0, shell_outb(v, ELCR + 1, 0xff));
	EXPECT_EQ(0xf8, shell_inb(v, ELCR));
	EXPECT_EQ(0xde, shell_inb(v, ELCR + 1));
	EXPECT_EQ(0, shell_outb(v, ELCR, 1 << 5));

	irq_line(g, 5, 1);
	EXPECT_EQ(VECTOR_BASE + 5, shell_take(v, 1));
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	EXPECT_EQ(VECTOR_BASE + 5, shell_take(v, 1)) TH_LOG("line high, no second");
	irq_line(g, 5, 0);
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	EXPECT_EQ(0, shell_take(v, 0)) TH_LOG("line low, but interrupted");
	EXPECT_EQ(0, read_reg(v, MASTER, OCW3_READ_IRR));
	guest_destroy(g);
}

/* ICW4 auto-EOI: the acknowledge ends the interrupt; nothing in ISR. */
TEST(auto_eoi)
{
	struct guest *g = shell(_metadata, ICW4_8086 | ICW4_AUTO_EOI, 0);
	struct vcpu *v = g->vcpu;

	edge(g, 4);
	EXPECT_EQ(VECTOR_BASE + 4, shell_take(v, 1));
	EXPECT_EQ(0, read_reg(v, MASTER, OCW3_READ_ISR));
	edge(g, 4);
	EXPECT_EQ(VECTOR_BASE + 4, shell_take(v, 1)) TH_LOG("no EOI was needed");
	guest_destroy(g);
}

/*
 * OCW3 poll with interrupts off: the read takes the best pin (bit 7 set)
 * and ends it; with none it reads 0x07, as KVM's does.
 */
TEST(poll_command)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0);
	struct vcpu *v = g->vcpu;

	edge(g, 6);
	edge(g, 3);
	EXPECT_EQ(0x83, read_reg(v, MASTER, OCW3_POLL));
	EXPECT_EQ(0x86, read_reg(v, MASTER, OCW3_POLL));
	EXPECT_EQ(0x07, read_reg(v, MASTER, OCW3_POLL));
	EXPECT_EQ(0, read_reg(v, MASTER, OCW3_READ_ISR));
	EXPECT_EQ(0, shell_take(v, 0));
	guest_destroy(g);
}

/*
 * A resampling irqfd on a level 8259 pin: the guest's EOI lowers the line
 * and signals the resamplefd (the 8259's ack notifiers).
 */
TEST(resampling_irqfd_on_pic_pin)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0);
	struct vcpu *v = g->vcpu;
	int efd = eventfd(0, 0), rfd = eventfd(0, EFD_NONBLOCK);
	struct kvm_irqfd args = {
		.fd = efd, .gsi = 7, .flags = KVM_IRQFD_FLAG_RESAMPLE,
		.resamplefd = rfd,
	};
	uint64_t one = 1;

	ASSERT_LE(0, efd);
	ASSERT_LE(0, rfd);
	EXPECT_EQ(0, shell_outb(v, ELCR, 1 << 7));
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_IRQFD, &args));
	ASSERT_EQ(8, write(efd, &one, 8));
	EXPECT_EQ(VECTOR_BASE + 7, shell_take(v, 1));
	EXPECT_EQ(0, eventfd_take(rfd)) TH_LOG("resampled before the EOI");
	EXPECT_EQ(0, shell_outb(v, MASTER, OCW2_EOI));
	EXPECT_EQ(1, eventfd_take(rfd)) TH_LOG("no resample at the EOI");
	EXPECT_EQ(0, shell_take(v, 0)) TH_LOG("the resampled line stayed high");
	args.flags |= KVM_IRQFD_FLAG_DEASSIGN;
	EXPECT_EQ(0, ioctl(g->vm->fd, KVM_IRQFD, &args));
	close(efd);
	close(rfd);
	guest_destroy(g);
}

/* KVM_GET_IRQCHIP shows what the guest programmed; SET loads a state. */
TEST(irqchip_state_get_and_set)
{
	struct guest *g = shell(_metadata, ICW4_8086, 0xfffb);
	struct vcpu *v = g->vcpu;
	struct kvm_irqchip c;

	EXPECT_EQ(0, shell_outb(v, ELCR, 1 << 5));
	edge(g, 1);
	ASSERT_EQ(0, get_chip(g, KVM_IRQCHIP_PIC_MASTER, &c));
	EXPECT_EQ(VECTOR_BASE, c.chip.pic.irq_base);
	EXPECT_EQ(0xfb, c.chip.pic.imr);
	EXPECT_EQ(0x02, c.chip.pic.irr) TH_LOG("the masked edge is latched");
	EXPECT_EQ(1 << 5, c.chip.pic.elcr);
	EXPECT_EQ(0xf8, c.chip.pic.elcr_mask);
	EXPECT_EQ(0, c.chip.pic.init_state);
	ASSERT_EQ(0, get_chip(g, KVM_IRQCHIP_PIC_SLAVE, &c));
	EXPECT_EQ(VECTOR_BASE + 8, c.chip.pic.irq_base);
	EXPECT_EQ(0xff, c.chip.pic.imr);
	EXPECT_EQ(0xde, c.chip.pic.elcr_mask);

	/* Unmasking by SET_IRQCHIP delivers the latched edge. */
	ASSERT_EQ(0, get_chip(g, KVM_IRQCHIP_PIC_MASTER, &c));
	c.chip.pic.imr = 0;
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_IRQCHIP, &c));
	EXPECT_EQ(0, shell_inb(v, MASTER + 1));
	EXPECT_EQ(VECTOR_BASE + 1, shell_take(v, 1));

	/* The IOAPIC: masked at reset, at its fixed base; an RTE round trip. */
	ASSERT_EQ(0, get_chip(g, KVM_IRQCHIP_IOAPIC, &c));
	EXPECT_EQ(0xfec00000, c.chip.ioapic.base_address);
	EXPECT_TRUE(c.chip.ioapic.redirtbl[3].bits & (1 << 16));
	c.chip.ioapic.redirtbl[3].bits = 0x0100000000010035ULL;
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_IRQCHIP, &c));
	ASSERT_EQ(0, get_chip(g, KVM_IRQCHIP_IOAPIC, &c));
	EXPECT_EQ(0x0100000000010035ULL, c.chip.ioapic.redirtbl[3].bits);
	guest_destroy(g);
}

/* KVM's errnos: an unknown chip, and no in-kernel 8259 to read. */
TEST(irqchip_state_errnos)
{
	struct guest *g = guest_create_irqchip(GUEST_PROG(pic_shell), 1);
	struct kvm_irqchip c;

	EXPECT_EQ(-EINVAL, get_chip(g, KVM_NR_IRQCHIPS, &c));
	c.chip_id = KVM_NR_IRQCHIPS;
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_SET_IRQCHIP, &c));
	EXPECT_EQ(EINVAL, errno);
	guest_destroy(g);

	g = guest_create_irqchip(GUEST_PROG(pic_shell), GUEST_IRQCHIP_SPLIT);
	EXPECT_EQ(-ENXIO, get_chip(g, KVM_IRQCHIP_PIC_MASTER, &c))
		TH_LOG("a split irqchip's 8259 is the VMM's");
	guest_destroy(g);

	g = guest_create_with_idt(vmm_device(), GUEST_PROG(pic_shell));
	EXPECT_EQ(-ENXIO, get_chip(g, KVM_IRQCHIP_IOAPIC, &c));
	guest_destroy(g);
}

TEST_HARNESS_MAIN
