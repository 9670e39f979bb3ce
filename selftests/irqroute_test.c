// SPDX-License-Identifier: GPL-2.0
/*
 * GSI routing and the ways into it: KVM_SIGNAL_MSI to a chosen APIC and
 * vector, KVM_SET_GSI_ROUTING with MSI and IOAPIC entries driven by
 * KVM_IRQ_LINE and by irqfds (edge, and level with a resamplefd), and the
 * errnos of KVM_SET_GSI_ROUTING, KVM_IRQFD and KVM_SIGNAL_MSI. Everything
 * runs the same on KVM ($LVMM_DEVICE=/dev/kvm).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"

static struct guest *apic_guest(struct guest_prog prog)
{
	return guest_create_irqchip(prog, 1);
}

/* vCPU @id, running the same program as vCPU 0 (intr64 jumps to RBX). */
static struct vcpu *second_vcpu(struct guest *g, int id)
{
	struct vcpu *v = guest_add_vcpu(g, id);
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_REGS, &regs))
		vmm_die("KVM_GET_REGS");
	regs.rbx = GUEST_AFTER_IDT;
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		vmm_die("KVM_SET_REGS");
	return v;
}

/* An MSI to physical APIC @apic, fixed, edge, @vector. */
static struct kvm_msi msi_to(uint32_t apic, uint8_t vector)
{
	return (struct kvm_msi){
		.address_lo = 0xfee00000 | (apic << 12),
		.data = vector,
	};
}

static int signal_msi(struct guest *g, struct kvm_msi msi)
{
	int r = ioctl(g->vm->fd, KVM_SIGNAL_MSI, &msi);

	return r < 0 ? -errno : r;
}

TEST(msi_to_chosen_apic_and_vector)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_wait_irq));
	struct vcpu *v1 = second_vcpu(g, 1);
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0x82, guest_next_out(v1, &data));
	/* Both wait with interrupts off: the MSIs stay pending in the APICs. */
	EXPECT_EQ(1, signal_msi(g, msi_to(1, 0x61)));
	EXPECT_EQ(1, signal_msi(g, msi_to(0, 0x62)));
	ASSERT_EQ(0x80, guest_next_out(v1, &data));
	EXPECT_EQ(0x61, data) TH_LOG("APIC 1 got the wrong vector");
	EXPECT_EQ(0x81, guest_next_out(v1, &data)) TH_LOG("APIC 1 got a second one");
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x62, data) TH_LOG("APIC 0 got the wrong vector");
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	guest_destroy(g);
}

static void set_routing(struct __test_metadata *_metadata, struct guest *g,
			const struct kvm_irq_routing_entry *e, uint32_t nr)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + nr * sizeof(*e));

	ASSERT_NE(NULL, r);
	r->nr = nr;
	memcpy(r->entries, e, nr * sizeof(*e));
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_GSI_ROUTING, r));
	free(r);
}

static struct kvm_irq_routing_entry msi_route(uint32_t gsi, uint32_t apic,
					      uint8_t vector)
{
	struct kvm_msi m = msi_to(apic, vector);

	return (struct kvm_irq_routing_entry){
		.gsi = gsi, .type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = m.address_lo, .data = m.data },
	};
}

static int irqfd(struct guest *g, int fd, uint32_t gsi, uint32_t flags,
		 int resamplefd)
{
	struct kvm_irqfd args = {
		.fd = fd, .gsi = gsi, .flags = flags, .resamplefd = resamplefd,
	};

	return ioctl(g->vm->fd, KVM_IRQFD, &args) ? -errno : 0;
}

/* A routed MSI, raised by KVM_IRQ_LINE and by an irqfd. */
TEST(msi_routes_from_irq_line_and_irqfd)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_wait_irq));
	struct vcpu *v1 = second_vcpu(g, 1);
	struct kvm_irq_routing_entry e[] = {
		msi_route(33, 1, 0x63), msi_route(34, 0, 0x64),
	};
	struct kvm_irq_level line = { .irq = 33, .level = 1 };
	int efd = eventfd(0, 0);
	uint64_t one = 1;
	uint8_t data;

	set_routing(_metadata, g, e, 2);
	ASSERT_EQ(0, irqfd(g, efd, 34, 0, 0));
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0x82, guest_next_out(v1, &data));

	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(1, line.status) TH_LOG("one APIC took it");
	ASSERT_EQ(0x80, guest_next_out(v1, &data));
	EXPECT_EQ(0x63, data);
	EXPECT_EQ(0x81, guest_next_out(v1, &data));

	/* vCPU 0 halts in the kernel until the irqfd's MSI wakes it. */
	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x64, data);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0, irqfd(g, efd, 34, KVM_IRQFD_FLAG_DEASSIGN, 0));
	close(efd);
	guest_destroy(g);
}

/*
 * A level-triggered IOAPIC pin driven by a resampling irqfd: the guest's
 * EOI lowers the line (no second interrupt) and signals the resamplefd;
 * the next signal raises it again.
 */
TEST(irqfd_level_with_resample)
{
	struct guest *g = apic_guest(GUEST_PROG(ioapic_level_twice));
	int efd = eventfd(0, 0), rfd = eventfd(0, EFD_NONBLOCK);
	uint64_t one = 1;
	uint8_t data;

	ASSERT_EQ(0, irqfd(g, efd, 5, KVM_IRQFD_FLAG_RESAMPLE, rfd));
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x72, data);
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(1, eventfd_take(rfd)) TH_LOG("no resample at the EOI");

	/* Line low: the guest halts until the alarm, not an interrupt. */
	EXPECT_EQ(-1, __vcpu_run_alarm(g->vcpu, 100000));
	EXPECT_EQ(EINTR, errno) TH_LOG("level line still high after the EOI");

	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x72, data);
	EXPECT_EQ(0x85, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(1, eventfd_take(rfd));
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0, irqfd(g, efd, 5, KVM_IRQFD_FLAG_DEASSIGN, 0));
	close(efd);
	close(rfd);
	guest_destroy(g);
}

static int routing_errno(struct guest *g, const struct kvm_irq_routing_entry *e,
			 uint32_t nr, uint32_t flags)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + (nr + 1) * sizeof(*e));
	int ret;

	if (!r)
		vmm_die("calloc");
	r->nr = nr;
	r->flags = flags;
	if (e)
		memcpy(r->entries, e, nr * sizeof(*e));
	ret = ioctl(g->vm->fd, KVM_SET_GSI_ROUTING, r) ? errno : 0;
	free(r);
	return ret;
}

static struct kvm_irq_routing_entry chip_route(uint32_t gsi, uint32_t chip,
					       uint32_t pin)
{
	return (struct kvm_irq_routing_entry){
		.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = chip, .pin = pin },
	};
}

TEST(routing_errnos)
{
	struct guest *plain = guest_create_with_idt(vmm_device(),
						    GUEST_PROG(halt_forever));
	struct guest *g = apic_guest(GUEST_PROG(halt_forever));
	struct kvm_irq_routing_entry e[2];
	struct kvm_irq_level line = { .irq = 100, .level = 1 };

	EXPECT_LT(0, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING));
	EXPECT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI));
	/* No irqchip, no routing. */
	EXPECT_EQ(EINVAL, routing_errno(plain, NULL, 0, 0));
	EXPECT_EQ(0, routing_errno(g, NULL, 0, 0)) TH_LOG("an empty table");
	EXPECT_EQ(EINVAL, routing_errno(g, NULL, 0, 1)) TH_LOG("flags");
	EXPECT_EQ(EINVAL, routing_errno(g, NULL, 4097, 0)) TH_LOG("too many");

	e[0] = chip_route(4096, KVM_IRQCHIP_IOAPIC, 1);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("GSI 4096");
	e[0] = chip_route(1, KVM_IRQCHIP_IOAPIC, 24);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("IOAPIC pin 24");
	e[0] = chip_route(1, KVM_IRQCHIP_PIC_SLAVE, 8);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("PIC pin 8");
	e[0] = chip_route(1, 3, 0);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("irqchip 3");
	e[0] = chip_route(1, KVM_IRQCHIP_IOAPIC, 1);
	e[0].type = 99;
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("type 99");
	e[0] = chip_route(1, KVM_IRQCHIP_IOAPIC, 1);
	e[0].flags = 1;
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("irqchip flags");
	e[0] = msi_route(1, 0, 0x40);
	e[0].flags = 2;
	EXPECT_EQ(EINVAL, routing_errno(g, e, 1, 0)) TH_LOG("MSI flags");

	/* Per GSI: one route per irqchip, or one MSI alone. */
	e[0] = chip_route(7, KVM_IRQCHIP_IOAPIC, 7);
	e[1] = chip_route(7, KVM_IRQCHIP_PIC_MASTER, 7);
	EXPECT_EQ(0, routing_errno(g, e, 2, 0));
	e[1] = chip_route(7, KVM_IRQCHIP_IOAPIC, 8);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 2, 0)) TH_LOG("IOAPIC twice");
	e[1] = msi_route(7, 0, 0x40);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 2, 0)) TH_LOG("MSI and IOAPIC");
	e[0] = msi_route(7, 1, 0x41);
	EXPECT_EQ(EINVAL, routing_errno(g, e, 2, 0)) TH_LOG("two MSIs");

	/* A GSI nothing takes: not an error, status -1. */
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(-1, line.status);
	guest_destroy(plain);
	guest_destroy(g);
}

TEST(irqfd_and_msi_errnos)
{
	struct guest *plain = guest_create_with_idt(vmm_device(),
						    GUEST_PROG(halt_forever));
	struct guest *g = apic_guest(GUEST_PROG(halt_forever));
	int efd = eventfd(0, 0), null = open("/dev/null", O_RDWR);
	struct kvm_msi m = msi_to(0, 0x40);

	ASSERT_LE(0, null);
	EXPECT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD));
	EXPECT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD_RESAMPLE));
	EXPECT_EQ(-EINVAL, irqfd(plain, efd, 1, 0, 0)) TH_LOG("no irqchip");
	EXPECT_EQ(-EINVAL, signal_msi(plain, m)) TH_LOG("no irqchip");
	m.flags = 2;
	EXPECT_EQ(-EINVAL, signal_msi(g, m)) TH_LOG("MSI flags");

	EXPECT_EQ(-EINVAL, irqfd(g, efd, 1, 4, 0)) TH_LOG("unknown flag");
	EXPECT_EQ(-EINVAL, irqfd(g, null, 1, 0, 0)) TH_LOG("not an eventfd");
	EXPECT_EQ(-EBADF, irqfd(g, -1, 1, 0, 0));
	EXPECT_EQ(-EBADF, irqfd(g, efd, 1, KVM_IRQFD_FLAG_RESAMPLE, -1))
		TH_LOG("no resamplefd");
	EXPECT_EQ(-EINVAL, irqfd(g, efd, 1, KVM_IRQFD_FLAG_RESAMPLE, null));
	ASSERT_EQ(0, irqfd(g, efd, 1, 0, 0));
	EXPECT_EQ(-EBUSY, irqfd(g, efd, 2, 0, 0)) TH_LOG("one irqfd per eventfd");
	/* Removing one that is not there is not an error. */
	EXPECT_EQ(0, irqfd(g, efd, 2, KVM_IRQFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-EBUSY, irqfd(g, efd, 2, 0, 0)) TH_LOG("GSI 1's is still there");
	EXPECT_EQ(0, irqfd(g, efd, 1, KVM_IRQFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(0, irqfd(g, efd, 2, 0, 0)) TH_LOG("gone after DEASSIGN");
	close(null);
	/* Left assigned: the VM's end must take it down. */
	close(efd);
	guest_destroy(plain);
	guest_destroy(g);
}

static struct guest *split_guest(struct guest_prog prog)
{
	return guest_create_irqchip(prog, GUEST_IRQCHIP_SPLIT);
}

static int enable_split(int vm_fd, uint64_t pins)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP, .args[0] = pins,
	};

	return ioctl(vm_fd, KVM_ENABLE_CAP, &cap) ? errno : 0;
}

TEST(split_irqchip_rules)
{
	struct guest *g = split_guest(GUEST_PROG(halt_forever));
	struct kvm_irq_routing_entry e = chip_route(1, KVM_IRQCHIP_IOAPIC, 1);
	struct kvm_interrupt irq = { .irq = 0x30 };
	struct kvm_lapic_state lapic;
	int efd = eventfd(0, 0), rfd = eventfd(0, 0);
	struct vm *fresh;

	EXPECT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP));
	EXPECT_EQ(EEXIST, enable_split(g->vm->fd, 24)) TH_LOG("twice");
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_CREATE_IRQCHIP, NULL));
	EXPECT_EQ(EEXIST, errno);
	fresh = vm_create(vmm_device());
	EXPECT_EQ(EINVAL, enable_split(fresh->fd, 4097)) TH_LOG("4097 pins");
	EXPECT_EQ(0, enable_split(fresh->fd, 0));
	vm_destroy(fresh);

	/* The local APIC is the kernel's; the IOAPIC and 8259 are not. */
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(EINVAL, routing_errno(g, &e, 1, 0)) TH_LOG("IOAPIC route");
	e = msi_route(1, 0, 0x40);
	EXPECT_EQ(0, routing_errno(g, &e, 1, 0));
	EXPECT_EQ(-EINVAL, irqfd(g, efd, 1, KVM_IRQFD_FLAG_RESAMPLE, rfd))
		TH_LOG("resampling needs the kernel's IOAPIC");
	EXPECT_EQ(0, irqfd(g, efd, 1, 0, 0));
	/* KVM_INTERRUPT is the 8259's ExtINT, one at a time. */
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_INTERRUPT, &irq));
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_INTERRUPT, &irq));
	EXPECT_EQ(EEXIST, errno);
	close(efd);
	close(rfd);
	guest_destroy(g);
}

/*
 * The VMM's IOAPIC routes its pins as MSIs through the first GSIs; the EOI
 * of a level-triggered one comes back as KVM_EXIT_IOAPIC_EOI. A GSI past
 * those reserved is not the IOAPIC's: no exit.
 */
TEST(split_irqchip_eoi_exit)
{
	struct guest *g = split_guest(GUEST_PROG(apic_wait_two_irqs));
	struct kvm_irq_routing_entry e[] = {
		msi_route(3, 0, 0x73), msi_route(30, 0, 0x74),
	};
	struct kvm_irq_level line = { .irq = 3, .level = 1 };
	uint8_t data;

	e[0].u.msi.data |= 1 << 15;	/* level */
	e[1].u.msi.data |= 1 << 15;
	set_routing(_metadata, g, e, 2);
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(1, line.status);
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x73, data);
	ASSERT_EQ(GUEST_EXIT(KVM_EXIT_IOAPIC_EOI), guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x73, g->vcpu->run->eoi.vector);
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));

	line.irq = 30;
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_IRQ_LINE_STATUS, &line));
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x74, data);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("EOI exit for GSI 30");
	guest_destroy(g);
}

/* KVM_INTERRUPT with a split irqchip: an ExtINT through LINT0 wakes HLT. */
TEST(split_irqchip_extint)
{
	struct guest *g = split_guest(GUEST_PROG(apic_extint));
	struct kvm_interrupt irq = { .irq = 0x75 };
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_INTERRUPT, &irq));
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x75, data);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	guest_destroy(g);
}

static atomic_int race_fd = -1;
static atomic_int race_done;

/* Signal whatever eventfd the test holds now, as fast as possible. */
static void *signaller(void *arg)
{
	uint64_t one = 1;

	while (!atomic_load(&race_done)) {
		int fd = atomic_load(&race_fd);

		if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
			continue;	/* closed under us: fine */
	}
	return NULL;
}

/*
 * irqfds assigned, deassigned and closed (the EPOLLHUP path) while another
 * thread signals them, on an MSI route (delivered in the wake-up) and on
 * IOAPIC routes, edge and resampling (delivered from the work item); the
 * VM ends with some still assigned. Every call must succeed, and the
 * debug kernel's KASAN and lockdep see no use after free and no lock
 * inversion between the eventfd's queue lock and lvmm's.
 */
TEST(irqfd_teardown_races)
{
	struct guest *g = apic_guest(GUEST_PROG(halt_forever));
	struct kvm_irq_routing_entry e[] = {
		msi_route(40, 0, 0x50), chip_route(5, KVM_IRQCHIP_IOAPIC, 5),
	};
	int keep[4], rfd = eventfd(0, EFD_NONBLOCK), i, efd;
	pthread_t t;

	set_routing(_metadata, g, e, 2);
	ASSERT_EQ(0, pthread_create(&t, NULL, signaller, NULL));
	for (i = 0; i < 300; i++) {
		efd = eventfd(0, 0);
		ASSERT_LE(0, efd);
		switch (i % 3) {
		case 0:
			ASSERT_EQ(0, irqfd(g, efd, 40, 0, 0));
			break;
		case 1:
			ASSERT_EQ(0, irqfd(g, efd, 5, 0, 0));
			break;
		case 2:
			ASSERT_EQ(0, irqfd(g, efd, 5, KVM_IRQFD_FLAG_RESAMPLE, rfd));
			break;
		}
		atomic_store(&race_fd, efd);
		if (i % 2) {
			ASSERT_EQ(0, irqfd(g, efd, i % 3 ? 5 : 40,
					   KVM_IRQFD_FLAG_DEASSIGN, 0));
		}
		atomic_store(&race_fd, -1);
		close(efd);
	}
	/* Some left assigned for the VM's end to take down. */
	for (i = 0; i < 4; i++) {
		keep[i] = eventfd(0, 0);
		ASSERT_EQ(0, irqfd(g, keep[i], i % 2 ? 5 : 40, 0, 0));
	}
	atomic_store(&race_fd, keep[0]);
	usleep(10000);
	atomic_store(&race_done, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	guest_destroy(g);
	for (i = 0; i < 4; i++)
		close(keep[i]);
	close(rfd);
}

TEST_HARNESS_MAIN
