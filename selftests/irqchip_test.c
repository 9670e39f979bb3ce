// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel irqchip (KVM_CREATE_IRQCHIP): the local APIC's timer in
 * one-shot and periodic mode waking HLT in the kernel, TPR, self-IPIs by
 * xAPIC MMIO and x2APIC MSR, an IPI between two vCPUs, the IOAPIC's edge
 * and level pins through KVM_IRQ_LINE, KVM_GET_LAPIC, a signal ending a
 * halt with the MP state kept, and the ioctls' rules. All of it runs the
 * same on KVM ($LVMM_DEVICE=/dev/kvm), which is what keeps it honest.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "guest.h"

static struct guest *apic_guest(struct guest_prog prog)
{
	return guest_create_irqchip(prog, 1);
}

static void irq_line(struct __test_metadata *_metadata, struct guest *g,
		     uint32_t pin, uint32_t level)
{
	struct kvm_irq_level irq = { .irq = pin, .level = level };

	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_IRQ_LINE, &irq));
}

TEST(oneshot_timer_wakes_hlt)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_oneshot));
	uint8_t data;

	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data)) TH_LOG("no timer interrupt");
	EXPECT_EQ(0x40, data);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	guest_destroy(g);
}

TEST(periodic_timer_ticks)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_periodic));
	uint8_t data;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data)) TH_LOG("tick %d", i);
		EXPECT_EQ(0x41, data);
	}
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("then vector 0x%x", data);
	guest_destroy(g);
}

TEST(tpr_and_x2apic_self_ipi)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_tpr_x2apic));
	struct kvm_lapic_state lapic;
	uint8_t data;

	/* TPR 0x60 holds vector 0x52 back until the guest lowers it. */
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data)) TH_LOG("0x52 got past TPR 0x60");
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(0x60, *(uint32_t *)&lapic.regs[0x80]);
	EXPECT_TRUE(*(uint32_t *)&lapic.regs[0x200 + 0x20] & (1u << (0x52 - 64)))
		TH_LOG("0x52 not pending in IRR");
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x52, data);
	/* x2APIC: ID by MSR, self-IPI by SELF_IPI, EOI by MSR. */
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, data);
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x53, data);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("x2APIC EOI faulted?");
	guest_destroy(g);
}

TEST(ioapic_edge_and_level_pins)
{
	struct guest *g = apic_guest(GUEST_PROG(ioapic_pins));
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	irq_line(_metadata, g, 3, 1);
	irq_line(_metadata, g, 3, 0);
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x70, data);
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data)) TH_LOG("edge pin fired twice?");
	irq_line(_metadata, g, 4, 1);
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x71, data);
	/* EOI with the line still high: delivered again. */
	ASSERT_EQ(0x80, guest_next_out(g->vcpu, &data)) TH_LOG("level pin not re-sent");
	EXPECT_EQ(0x71, data);
	irq_line(_metadata, g, 4, 0);
	EXPECT_EQ(0x85, guest_next_out(g->vcpu, &data)) TH_LOG("level pin sent after low");
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	guest_destroy(g);
}

struct waiter {
	struct vcpu *vcpu;
	uint32_t exits[2];
	uint8_t data[2];
};

static void *run_receiver(void *arg)
{
	struct waiter *w = arg;
	int i;

	for (i = 0; i < 2; i++)
		w->exits[i] = guest_next_out(w->vcpu, &w->data[i]);
	return NULL;
}

TEST(ipi_wakes_another_vcpu)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_ipi));
	struct waiter w = { 0 };
	struct kvm_regs regs;
	pthread_t t;
	uint8_t data;

	w.vcpu = guest_add_vcpu(g, 1);
	ASSERT_EQ(0, ioctl(w.vcpu->fd, KVM_GET_REGS, &regs));
	regs.rax = 1;
	regs.rbx = GUEST_AFTER_IDT;
	ASSERT_EQ(0, ioctl(w.vcpu->fd, KVM_SET_REGS, &regs));
	ASSERT_EQ(0x82, guest_next_out(w.vcpu, &data)) TH_LOG("receiver did not check in");
	/* The receiver halts in the kernel; the sender's IPI must wake it. */
	ASSERT_EQ(0, pthread_create(&t, NULL, run_receiver, &w));
	usleep(50000);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("sender");
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0x80, w.exits[0]);
	EXPECT_EQ(0x60, w.data[0]);
	EXPECT_EQ(0x81, w.exits[1]);
	guest_destroy(g);
}

static void on_alarm(int sig)
{
}

TEST(signal_ends_halt_and_keeps_mp_state)
{
	struct guest *g = apic_guest(GUEST_PROG(halt_forever));
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_value.tv_usec = 200000 };
	struct kvm_mp_state mp;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &t, NULL));
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(KVM_EXIT_INTR, g->vcpu->run->exit_reason);
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_HALTED, mp.mp_state);
	/* Made runnable, it goes on past the HLT. */
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_MP_STATE, &mp));
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, (uint8_t *)&mp));
	guest_destroy(g);
}

#define VAPIC	(GUEST_DATA + 0x800)

/*
 * KVM_SET_VAPIC_ADDR: the TPR shows in the page before each entry (lvmm;
 * KVM only when it has events to look at), and a TPR the guest writes
 * there is the APIC's after the next exit. Needs the in-kernel APIC and
 * guest memory at the address.
 */
TEST(vapic_page_mirrors_tpr)
{
	struct guest *plain = guest_create_with_idt(vmm_device(),
						    GUEST_PROG(halt_forever));
	struct guest *g = apic_guest(GUEST_PROG(apic_vapic));
	struct kvm_vapic_addr va = { .vapic_addr = VAPIC };
	struct kvm_regs regs;
	uint8_t data;

	EXPECT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_VAPIC));
	EXPECT_EQ(-1, ioctl(plain->vcpu->fd, KVM_SET_VAPIC_ADDR, &va));
	EXPECT_EQ(EINVAL, errno) TH_LOG("no in-kernel APIC");
	va.vapic_addr = 0x80000000;
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_SET_VAPIC_ADDR, &va));
	EXPECT_EQ(EINVAL, errno) TH_LOG("no memory there");
	va.vapic_addr = VAPIC;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_VAPIC_ADDR, &va));

	guest_get_regs(g, &regs);
	regs.rsi = VAPIC;
	guest_set_regs(g, &regs);
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	/* lvmm writes the page before every entry; KVM when it takes events. */
	if (!vmm_is_kvm())
		EXPECT_EQ(0x60, g->mem[VAPIC]) TH_LOG("TPR not in the vapic page");
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0x85, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x30, data) TH_LOG("the page's TPR did not reach the APIC");
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data));
	guest_destroy(plain);
	guest_destroy(g);
}

/*
 * After every KVM_RUN, kvm_run carries the APIC base and CR8 (the TPR's
 * priority class): QEMU copies both into its own APIC model, and with a
 * stale zero base it would disable the APIC and hide it from CPUID.
 */
TEST(kvm_run_reports_apic_base_and_cr8)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_vapic));
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint8_t data;

	guest_get_regs(g, &regs);
	regs.rsi = GUEST_DATA;		/* where the program's byte goes */
	guest_set_regs(g, &regs);
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_SREGS, &sregs));
	EXPECT_EQ(sregs.apic_base, g->vcpu->run->apic_base);
	EXPECT_EQ(0xfee00000 | 0x800 | 0x100, g->vcpu->run->apic_base)
		TH_LOG("base, enabled, BSP");
	EXPECT_EQ(0x6, g->vcpu->run->cr8) TH_LOG("TPR 0x60");
	guest_destroy(g);
}

/* KVM_TPR_ACCESS_REPORTING: each xAPIC TPR access exits, write then read. */
TEST(tpr_access_reports)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_vapic));
	struct guest_prog p = GUEST_PROG(apic_vapic);
	struct kvm_tpr_access_ctl tac = { .enabled = 1 };
	struct kvm_run *run = g->vcpu->run;
	struct kvm_regs regs;
	uint8_t data;

	tac.flags = 1;
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_TPR_ACCESS_REPORTING, &tac));
	EXPECT_EQ(EINVAL, errno) TH_LOG("flags");
	tac.flags = 0;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_TPR_ACCESS_REPORTING, &tac));
	guest_get_regs(g, &regs);
	regs.rsi = VAPIC;
	guest_set_regs(g, &regs);

	ASSERT_EQ(GUEST_EXIT(KVM_EXIT_TPR_ACCESS), guest_next_out(g->vcpu, &data));
	EXPECT_EQ(1, run->tpr_access.is_write);
	EXPECT_LE(GUEST_AFTER_IDT, run->tpr_access.rip);
	EXPECT_GT(GUEST_AFTER_IDT + p.len, run->tpr_access.rip);
	guest_get_regs(g, &regs);
	EXPECT_LT(run->tpr_access.rip, regs.rip) TH_LOG("reported after the write");
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));
	ASSERT_EQ(GUEST_EXIT(KVM_EXIT_TPR_ACCESS), guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, run->tpr_access.is_write);
	EXPECT_EQ(0x85, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0x60, data) TH_LOG("no vapic page: the TPR stays 0x60");
	guest_destroy(g);
}

TEST(irqchip_ioctl_rules)
{
	struct guest *plain = guest_create_with_idt(vmm_device(),
						    GUEST_PROG(halt_forever));
	struct guest *g = apic_guest(GUEST_PROG(halt_forever));
	struct kvm_irq_level line = { .irq = 3, .level = 1 };
	struct kvm_interrupt irq = { .irq = 0x30 };
	struct kvm_lapic_state lapic;

	/* Without it: no IRQ line, no APIC state. */
	EXPECT_EQ(-1, ioctl(plain->vm->fd, KVM_IRQ_LINE, &line));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(plain->vcpu->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(EINVAL, errno);
	/* Only before the first vCPU, and once. */
	EXPECT_EQ(-1, ioctl(plain->vm->fd, KVM_CREATE_IRQCHIP, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_CREATE_IRQCHIP, NULL));
	EXPECT_EQ(EEXIST, errno);
	/* With it, interrupts come through the APIC, not KVM_INTERRUPT. */
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_INTERRUPT, &irq));
	EXPECT_EQ(ENXIO, errno);
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(0, *(uint32_t *)&lapic.regs[0x20]) TH_LOG("APIC ID of vCPU 0");
	EXPECT_EQ(0x14, *(uint32_t *)&lapic.regs[0x30] & 0xff) TH_LOG("version");
	EXPECT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP));
	guest_destroy(plain);
	guest_destroy(g);
}

static int set_msr(struct vcpu *vcpu, uint32_t index, uint64_t value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e = { .index = index, .data = value } };

	return ioctl(vcpu->fd, KVM_SET_MSRS, &m);
}

static uint64_t get_msr(struct vcpu *vcpu, uint32_t index)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e = { .index = index } };

	if (ioctl(vcpu->fd, KVM_GET_MSRS, &m) != 1)
		vmm_die("KVM_GET_MSRS 0x%x", index);
	return m.e.data;
}

/*
 * In x2APIC mode KVM_GET_LAPIC shows the ID in bits 31:24 unless the VMM
 * asked for KVM_X2APIC_API_USE_32BIT_IDS; then a set with another ID is
 * refused. The x2APIC ICR faults on its reserved bits (the busy bit aside)
 * and reads back whole.
 */
TEST(x2apic_id_format_and_icr)
{
	struct guest *g = apic_guest(GUEST_PROG(halt_forever));
	struct vcpu *v = guest_add_vcpu(g, 3);
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X2APIC_API,
		.args[0] = KVM_X2APIC_API_USE_32BIT_IDS,
	};
	const uint64_t icr = 3ull << 32 | 0x4041;	/* fixed, vector 0x41 */
	struct kvm_lapic_state lapic;
	uint32_t *id = (uint32_t *)&lapic.regs[0x20];

	ASSERT_EQ(1, set_msr(v, 0x1b, 0xfee00000 | 0xc00));	/* EN, EXTD */
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(3u << 24, *id);
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_ENABLE_CAP, &cap));
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(3, *id);
	*id = 5;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_LAPIC, &lapic)) TH_LOG("x2APIC ID 5");
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(0, set_msr(v, 0x830, 0xa5a5a5a5a5a5a0a5ull)) TH_LOG("reserved");
	EXPECT_EQ(0, set_msr(v, 0x830, icr | 1u << 13)) TH_LOG("bit 13");
	EXPECT_EQ(1, set_msr(v, 0x830, icr | 1u << 12)) TH_LOG("busy is not");
	EXPECT_EQ(icr, get_msr(v, 0x830));

	/* The VMM may go back to xAPIC mode: the ID takes xAPIC form. */
	ASSERT_EQ(1, set_msr(v, 0x1b, 0xfee00000 | 0x800));
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(3u << 24, *id);
	guest_destroy(g);
}

/* The test's checkpoint on port 0x82 (and 0x84) reports a flag: 0 is good. */
TEST(lvtt_write_keeps_expired_oneshot)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_lvtt_expired_oneshot));
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, data) TH_LOG("unmasking LVTT restarted an expired one-shot");
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("then vector 0x%x", data);
	guest_destroy(g);
}

TEST(lvtt_write_keeps_periodic_phase)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_lvtt_periodic_phase));
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, data) TH_LOG("unmasking LVTT restarted the count");
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, data) TH_LOG("periodic to one-shot restarted the count");
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("then vector 0x%x", data);
	guest_destroy(g);
}

TEST(tdcr_write_rescales_running_timer)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_tdcr_rescale));
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, data) TH_LOG("TDCR divided the running count instead of rescaling the time left");
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("then vector 0x%x", data);
	guest_destroy(g);
}

static int irr_test(const struct kvm_lapic_state *lapic, uint8_t v)
{
	return *(uint32_t *)&lapic->regs[0x200 + (v / 32) * 0x10] &
	       (1u << (v % 32));
}

TEST(sw_disabled_apic_drops_fixed_irqs)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_sw_disabled));
	struct kvm_lapic_state lapic;
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	irq_line(_metadata, g, 3, 1);
	irq_line(_metadata, g, 3, 0);
	irq_line(_metadata, g, 4, 1);
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_FALSE(irr_test(&lapic, 0x52)) TH_LOG("self-IPI 0x52 in IRR");
	EXPECT_FALSE(irr_test(&lapic, 0x70)) TH_LOG("edge pin's 0x70 in IRR");
	EXPECT_FALSE(irr_test(&lapic, 0x71)) TH_LOG("level pin's 0x71 in IRR");
	ASSERT_EQ(0x84, guest_next_out(g->vcpu, &data));
	EXPECT_EQ(0, data) TH_LOG("remote IRR set for a dropped level interrupt");
	irq_line(_metadata, g, 4, 0);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("vector 0x%x delivered", data);
	guest_destroy(g);
}

/*
 * Disabling the APIC in IA32_APIC_BASE resets it in lvmm (the SDM's
 * transition from disabled to xAPIC mode gives the power-up state), ISR
 * included: an interrupt it had handed out for delivery goes too. KVM
 * keeps the registers, and with them the interrupt, so this is lvmm's.
 */
TEST(apic_base_disable_drops_taken_irq)
{
	struct guest *g;
	struct kvm_vcpu_events ev = { 0 };
	uint8_t data;

	if (vmm_is_kvm())
		SKIP(return, "KVM keeps the APIC's state when it is disabled");
	g = apic_guest(GUEST_PROG(apic_irq_window));
	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	ev.interrupt.injected = 1;
	ev.interrupt.nr = 0x52;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	ASSERT_EQ(1, set_msr(g->vcpu, 0x1b, 0xfee00000 | 0x100)); /* BSP only */
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_FALSE(ev.interrupt.injected) TH_LOG("still to inject: 0x%x",
						   ev.interrupt.nr);
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("vector 0x%x delivered", data);
	guest_destroy(g);
}

/*
 * With KVM_CREATE_IRQCHIP the VMM injects nothing itself: KVM ignores
 * request_interrupt_window and always reports ready_for_interrupt_injection.
 */
TEST(irq_window_request_ignored_with_irqchip)
{
	struct guest *g = apic_guest(GUEST_PROG(apic_irq_window));
	struct kvm_run *run = g->vcpu->run;
	uint8_t data;

	ASSERT_EQ(0x82, guest_next_out(g->vcpu, &data));
	EXPECT_FALSE(run->if_flag);
	EXPECT_TRUE(run->ready_for_interrupt_injection);
	run->request_interrupt_window = 1;
	EXPECT_EQ(0x81, guest_next_out(g->vcpu, &data)) TH_LOG("exit %s",
		exit_reason_str(run->exit_reason));
	run->request_interrupt_window = 0;
	guest_destroy(g);
}

TEST_HARNESS_MAIN
