// SPDX-License-Identifier: GPL-2.0
/*
 * Several at once: 8 VMs of 4 vCPUs each running concurrently, 64 vCPUs in
 * one VM, an AP started by INIT and SIPI from the BSP, VM fds used from
 * another process, a VMM killed mid-run, and fds closed in any order. Each
 * must leave lvmm's counters back where they were.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"

#define ROUNDS 40

struct runner {
	struct vcpu *vcpu;
	int id;
	int outs;
	int bad;
	uint32_t last_exit;
};

/* Run count64: R8 OUTs of the vCPU id to port 0x4000, then HLT. */
static void *run_vcpu(void *arg)
{
	struct runner *r = arg;
	struct kvm_run *run = r->vcpu->run;

	for (;;) {
		vcpu_run(r->vcpu);
		if (run->exit_reason != KVM_EXIT_IO)
			break;
		if (run->io.port == 0x4000 &&
		    *(uint32_t *)((char *)run + run->io.data_offset) == (uint32_t)r->id)
			r->outs++;
		else
			r->bad++;
	}
	r->last_exit = run->exit_reason;
	return NULL;
}

static void start(struct runner *r, struct vcpu *vcpu, int id, pthread_t *t)
{
	struct kvm_regs regs;

	vmm_ioctl(vcpu->fd, KVM_GET_REGS, &regs);
	regs.rdi = id;
	regs.r8 = ROUNDS;
	vmm_ioctl(vcpu->fd, KVM_SET_REGS, &regs);
	r->vcpu = vcpu;
	r->id = id;
	if (pthread_create(t, NULL, run_vcpu, r))
		vmm_die("pthread_create");
}

TEST(eight_vms_of_four_vcpus)
{
	struct guest *g[8];
	struct runner r[32] = {};
	struct vcpu *v[32];
	pthread_t t[32];
	int i, j;

	for (i = 0; i < 8; i++) {
		g[i] = guest_create(vmm_device(), MODE_LONG64,
				    GUEST_PROG(count64), BACKING_DEFAULT);
		v[i * 4] = g[i]->vcpu;
		for (j = 1; j < 4; j++)
			v[i * 4 + j] = guest_add_vcpu(g[i], j);
	}
	for (i = 0; i < 32; i++)
		start(&r[i], v[i], i, &t[i]);
	for (i = 0; i < 32; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(KVM_EXIT_HLT, r[i].last_exit) TH_LOG("vCPU %d", i);
		EXPECT_EQ(ROUNDS, r[i].outs) TH_LOG("vCPU %d", i);
		EXPECT_EQ(0, r[i].bad) TH_LOG("vCPU %d", i);
	}
	for (i = 0; i < 8; i++) {
		for (j = 1; j < 4; j++)
			vcpu_destroy(v[i * 4 + j]);
		guest_destroy(g[i]);
	}
}

TEST(sixty_four_vcpus_in_one_vm)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(count64), BACKING_DEFAULT);
	struct runner *r = calloc(64, sizeof(*r));
	struct vcpu *v[64];
	pthread_t t[64];
	int i;

	v[0] = g->vcpu;
	for (i = 1; i < 64; i++)
		v[i] = guest_add_vcpu(g, i);
	if (!vmm_is_kvm()) {
		/* lvmm's default max_vcpus is 64: ids run 0-63. */
		EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_CREATE_VCPU, 64));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_CREATE_VCPU, 5));
	EXPECT_EQ(EEXIST, errno);
	for (i = 0; i < 64; i++)
		start(&r[i], v[i], i, &t[i]);
	for (i = 0; i < 64; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(ROUNDS, r[i].outs) TH_LOG("vCPU %d", i);
	}
	for (i = 1; i < 64; i++)
		vcpu_destroy(v[i]);
	guest_destroy(g);
	free(r);
}

#define SIPI_VECTOR	0x9a	/* the AP starts at 0x9a000 */
#define WRONG_VECTOR	0x7c	/* sent before INIT: must be ignored */

struct ap_run {
	struct vcpu *vcpu;
	int nexits;
	uint32_t port[4];
	uint32_t data[4];
	uint32_t last_exit;
	struct kvm_sregs sregs;	/* at its first exit */
};

/* KVM_RUN until it stops; KVM returns EAGAIN once an UNINITIALIZED AP wakes. */
static int run_ap_once(struct vcpu *vcpu)
{
	int r;

	do {
		r = __vcpu_run(vcpu);
	} while (r < 0 && (errno == EINTR || errno == EAGAIN));
	return r;
}

/* The AP: its OUTs until "done" (port 0x81) or any other exit. */
static void *run_ap(void *arg)
{
	struct ap_run *a = arg;
	struct kvm_run *run = a->vcpu->run;

	while (a->nexits < 4) {
		if (run_ap_once(a->vcpu))
			vmm_die("KVM_RUN on the AP");
		a->last_exit = run->exit_reason;
		if (run->exit_reason != KVM_EXIT_IO)
			break;
		if (!a->nexits)
			vmm_ioctl(a->vcpu->fd, KVM_GET_SREGS, &a->sregs);
		a->port[a->nexits] = run->io.port;
		a->data[a->nexits] = 0;
		memcpy(&a->data[a->nexits], (char *)run + run->io.data_offset,
		       run->io.size);
		if (run->io.port == 0x81)
			break;
		a->nexits++;
	}
	return NULL;
}

static uint32_t mp_state(struct vcpu *vcpu)
{
	struct kvm_mp_state mp;

	vmm_ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp);
	return mp.mp_state;
}

/*
 * vCPU 0 starts vCPU 1, created as KVM creates an AP with the in-kernel
 * irqchip (UNINITIALIZED), with INIT and SIPI: by xAPIC MMIO, or by x2APIC
 * MSR. A SIPI before the INIT is ignored; the AP begins in real mode at
 * SIPI_VECTOR << 12 with CS = SIPI_VECTOR << 8 and IP 0.
 */
static void start_ap(struct __test_metadata *_metadata, int x2apic)
{
	extern const uint8_t ap_hello_ip[];
	struct guest_prog hello = GUEST_PROG(ap_hello);
	struct kvm_mp_state bogus = { .mp_state = 0x1234 };
	struct kvm_mp_state stopped = { .mp_state = KVM_MP_STATE_STOPPED };
	struct ap_run a = { 0 };
	struct kvm_regs regs;
	struct guest *g;
	pthread_t t;
	uint16_t marker;
	int r;

	guest_irqchip = 1;
	g = guest_create(vmm_device(), MODE_LONG64, GUEST_PROG(smp_start_ap),
			 BACKING_DEFAULT);
	guest_irqchip = 0;
	a.vcpu = vcpu_create_bare(g->vm, 1);
	memcpy(g->mem + (SIPI_VECTOR << 12), hello.code, hello.len);
	memcpy(g->mem + (WRONG_VECTOR << 12), hello.code, hello.len);
	guest_get_regs(g, &regs);
	regs.rdi = SIPI_VECTOR;
	regs.rsi = WRONG_VECTOR;
	regs.r9 = x2apic;
	guest_set_regs(g, &regs);

	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp_state(g->vcpu)) TH_LOG("the BSP");
	ASSERT_EQ(KVM_MP_STATE_UNINITIALIZED, mp_state(a.vcpu));
	EXPECT_EQ(-1, ioctl(a.vcpu->fd, KVM_SET_MP_STATE, &bogus));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(a.vcpu->fd, KVM_SET_MP_STATE, &stopped));
	EXPECT_EQ(EINVAL, errno);

	/* A SIPI with no INIT before it: the AP runs nothing, until a signal. */
	ASSERT_EQ(KVM_EXIT_IO, guest_step(g));
	ASSERT_EQ(0x82, g->vcpu->run->io.port);
	do {
		r = __vcpu_run_alarm(a.vcpu, 100000);
	} while (r < 0 && errno == EAGAIN);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(KVM_EXIT_INTR, a.vcpu->run->exit_reason)
		TH_LOG("the AP ran: exit %s",
		       exit_reason_str(a.vcpu->run->exit_reason));
	EXPECT_EQ(KVM_MP_STATE_UNINITIALIZED, mp_state(a.vcpu));

	/*
	 * The AP most likely sleeps in KVM_RUN when INIT comes, which is the
	 * case of interest; it must work as well if it is not there yet.
	 */
	ASSERT_EQ(0, pthread_create(&t, NULL, run_ap, &a));
	usleep(20000);
	EXPECT_EQ(KVM_EXIT_IO, guest_step(g));
	EXPECT_EQ(0x81, g->vcpu->run->io.port)
		TH_LOG("the BSP took the INIT de-assert for an INIT?");
	ASSERT_EQ(0, pthread_join(t, NULL));

	EXPECT_EQ(KVM_EXIT_IO, a.last_exit)
		TH_LOG("AP exit %s", exit_reason_str(a.last_exit));
	ASSERT_EQ(2, a.nexits);
	EXPECT_EQ(0x90, a.port[0]);
	EXPECT_EQ(SIPI_VECTOR << 8, a.data[0]) TH_LOG("CS as the AP saw it");
	EXPECT_EQ(0x92, a.port[1]);
	EXPECT_EQ(ap_hello_ip - hello.code, a.data[1]) TH_LOG("IP");
	EXPECT_EQ(SIPI_VECTOR << 8, a.sregs.cs.selector);
	EXPECT_EQ(SIPI_VECTOR << 12, a.sregs.cs.base);
	EXPECT_EQ(0, a.sregs.cr0 & 1) TH_LOG("CR0 0x%llx", a.sregs.cr0);
	EXPECT_EQ(0, a.sregs.efer);
	EXPECT_EQ(0, a.sregs.cr4);
	memcpy(&marker, g->mem + (SIPI_VECTOR << 12) + 0x100, 2);
	EXPECT_EQ(0x5a5a, marker);
	memcpy(&marker, g->mem + (WRONG_VECTOR << 12) + 0x100, 2);
	EXPECT_EQ(0, marker) TH_LOG("the AP ran at the SIPI sent before INIT");
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp_state(a.vcpu));

	vcpu_destroy(a.vcpu);
	guest_destroy(g);
}

TEST(init_sipi_starts_ap_xapic)
{
	start_ap(_metadata, 0);
}

TEST(init_sipi_starts_ap_x2apic)
{
	start_ap(_metadata, 1);
}

/* A VM belongs to the process that made it; a child gets EIO. */
TEST(another_process_gets_eio)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(count64), BACKING_DEFAULT);
	struct kvm_regs regs;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bad = 0;

		bad |= ioctl(g->vm->fd, KVM_CREATE_VCPU, 1) != -1 || errno != EIO;
		bad |= ioctl(g->vcpu->fd, KVM_RUN, 0) != -1 || errno != EIO;
		bad |= ioctl(g->vcpu->fd, KVM_GET_REGS, &regs) != -1 || errno != EIO;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Still fine in the parent. */
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_REGS, &regs));
	guest_destroy(g);
}

/* SIGKILL while the vCPU spins in the guest frees the VM. */
TEST(killed_vmm_frees_its_vms)
{
	long vms, vcpus;
	int p[2], status, i;
	char c;
	pid_t pid;

	if (vmm_is_kvm())
		SKIP(return, "reads lvmm's counters");
	vms = lvmm_stat("vms");
	vcpus = lvmm_stat("vcpus");
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct guest *g = guest_create(vmm_device(), MODE_LONG64,
					       GUEST_PROG(spin), BACKING_DEFAULT);

		guest_add_vcpu(g, 1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			__vcpu_run(g->vcpu);
	}
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ(vms + 1, lvmm_stat("vms"));
	usleep(100000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* The last fput may run just after the process is reaped. */
	for (i = 0; i < 100 && lvmm_stat("vms") != vms; i++)
		usleep(10000);
	EXPECT_EQ(vms, lvmm_stat("vms"));
	EXPECT_EQ(vcpus, lvmm_stat("vcpus"));
	close(p[0]);
	close(p[1]);
}

/* vCPU fd first or VM fd first: the VM goes with the last of them. */
TEST(fds_closed_in_any_order)
{
	long vms;
	int order;

	if (vmm_is_kvm())
		SKIP(return, "reads lvmm's counters");
	vms = lvmm_stat("vms");
	for (order = 0; order < 2; order++) {
		struct guest *g = guest_create(vmm_device(), MODE_LONG64,
					       GUEST_PROG(print64), BACKING_DEFAULT);
		struct kvm_regs regs;
		int vm_fd = g->vm->fd, vcpu_fd = g->vcpu->fd;

		EXPECT_EQ(vms + 1, lvmm_stat("vms"));
		close(order ? vm_fd : vcpu_fd);
		EXPECT_EQ(vms + 1, lvmm_stat("vms"));
		if (order)	/* the vCPU works without the VM fd */
			EXPECT_EQ(0, ioctl(vcpu_fd, KVM_GET_REGS, &regs));
		close(order ? vcpu_fd : vm_fd);
		/* The kvm_run mapping holds the vCPU file too. */
		EXPECT_EQ(vms + 1, lvmm_stat("vms"));
		munmap(g->vcpu->run, g->vcpu->run_size);
		EXPECT_EQ(vms, lvmm_stat("vms")) TH_LOG("order %d", order);
		close(g->vm->sys_fd);
		munmap(g->mem, GUEST_MEM_SIZE);
	}
}

TEST_HARNESS_MAIN
