// SPDX-License-Identifier: GPL-2.0
/*
 * Events from the VMM: external interrupts with KVM_INTERRUPT, the
 * interrupt window (request_interrupt_window, KVM_EXIT_IRQ_WINDOW_OPEN,
 * ready_for_interrupt_injection, if_flag), exceptions with error codes
 * through KVM_SET_VCPU_EVENTS, and MP state. The same on KVM without an
 * in-kernel irqchip, which is what $LVMM_DEVICE=/dev/kvm checks.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

static struct guest *intr_guest(struct guest_prog scenario)
{
	return guest_create_with_idt(vmm_device(), scenario);
}

/* Run to the next exit the test cares about: return "reason:port". */
static uint32_t next(struct guest *g, uint8_t *data)
{
	struct kvm_run *run = g->vcpu->run;

	vcpu_run(g->vcpu);
	if (run->exit_reason == KVM_EXIT_IO) {
		*data = *((uint8_t *)run + run->io.data_offset);
		return run->io.port;
	}
	return 0x10000 | run->exit_reason;
}

#define EXIT(r)	(0x10000 | (r))

static void interrupt(struct __test_metadata *_metadata, struct guest *g,
		      uint32_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_INTERRUPT, &irq));
}

TEST(interrupt_wakes_a_halted_guest)
{
	struct guest *g = intr_guest(GUEST_PROG(irq_after_hlt));
	struct kvm_interrupt bad = { .irq = 256 };
	uint8_t data;

	ASSERT_EQ(EXIT(KVM_EXIT_HLT), next(g, &data));
	EXPECT_TRUE(g->vcpu->run->if_flag);
	EXPECT_TRUE(g->vcpu->run->ready_for_interrupt_injection);
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_INTERRUPT, &bad));
	EXPECT_EQ(EINVAL, errno);
	interrupt(_metadata, g, 0x30);
	/* A second one before the first is delivered replaces it, as KVM's. */
	interrupt(_metadata, g, 0x31);
	ASSERT_EQ(0x80, next(g, &data));
	EXPECT_EQ(0x31, data);
	EXPECT_EQ(0x81, next(g, &data)) TH_LOG("the handler returned");
	EXPECT_EQ(EXIT(KVM_EXIT_HLT), next(g, &data));
	guest_destroy(g);
}

TEST(interrupt_window)
{
	struct guest *g = intr_guest(GUEST_PROG(irq_window));
	struct kvm_run *run = g->vcpu->run;
	uint8_t data;

	ASSERT_EQ(0x82, next(g, &data));
	EXPECT_FALSE(run->if_flag);
	EXPECT_FALSE(run->ready_for_interrupt_injection);
	run->request_interrupt_window = 1;
	ASSERT_EQ(EXIT(KVM_EXIT_IRQ_WINDOW_OPEN), next(g, &data));
	EXPECT_TRUE(run->if_flag);
	EXPECT_TRUE(run->ready_for_interrupt_injection);
	run->request_interrupt_window = 0;
	interrupt(_metadata, g, 0x41);
	ASSERT_EQ(0x80, next(g, &data));
	EXPECT_EQ(0x41, data);
	EXPECT_EQ(0x81, next(g, &data));
	EXPECT_EQ(EXIT(KVM_EXIT_HLT), next(g, &data));
	guest_destroy(g);
}

/* An interrupt raised while IF=0 waits, and arrives when IF=1. */
TEST(interrupt_waits_for_if)
{
	struct guest *g = intr_guest(GUEST_PROG(irq_window));
	uint8_t data;

	ASSERT_EQ(0x82, next(g, &data));
	interrupt(_metadata, g, 0x55);
	ASSERT_EQ(0x80, next(g, &data));
	EXPECT_EQ(0x55, data);
	EXPECT_EQ(0x81, next(g, &data));
	guest_destroy(g);
}

TEST(exception_with_error_code)
{
	struct guest *g = intr_guest(GUEST_PROG(irq_window));
	struct kvm_vcpu_events ev;
	uint8_t data;

	ASSERT_EQ(0x82, next(g, &data));
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_FALSE(ev.exception.injected);
	ev.exception.injected = 1;
	ev.exception.nr = 13;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = 0x18;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(13, ev.exception.nr);
	EXPECT_EQ(0x18, ev.exception.error_code);
	ASSERT_EQ(0x83, next(g, &data)) TH_LOG("the error code was pushed");
	EXPECT_EQ(0x18, data);
	ASSERT_EQ(0x80, next(g, &data));
	EXPECT_EQ(13, data);
	guest_destroy(g);
}

/*
 * What QEMU sets at every vCPU reset: the NMI and SIPI fields named valid,
 * with no NMI pending. An NMI pending is lvmm's -EINVAL (it has no NMIs).
 */
TEST(vcpu_events_reset_flags)
{
	struct guest *g = intr_guest(GUEST_PROG(irq_window));
	struct kvm_vcpu_events ev;

	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING |
		   KVM_VCPUEVENT_VALID_SIPI_VECTOR;
	ev.sipi_vector = 0x10;
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	ev.flags |= 1u << 31;
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	EXPECT_EQ(EINVAL, errno) TH_LOG("unknown flag");
	if (!vmm_is_kvm()) {
		ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
		ev.nmi.pending = 1;
		EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
		EXPECT_EQ(EINVAL, errno) TH_LOG("lvmm has no NMIs");
	}
	guest_destroy(g);
}

TEST(mp_state)
{
	struct guest *g = intr_guest(GUEST_PROG(irq_window));
	struct kvm_mp_state mp = { .mp_state = 42 };

	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_MP_STATE, &mp));
	mp.mp_state = KVM_MP_STATE_HALTED;
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_SET_MP_STATE, &mp));
	EXPECT_EQ(EINVAL, errno) TH_LOG("no in-kernel APIC: always runnable");
	guest_destroy(g);
}

TEST_HARNESS_MAIN
