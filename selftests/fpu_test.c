// SPDX-License-Identifier: GPL-2.0
/*
 * FPU and extended state: what the VMM sets the guest sees, what the guest
 * writes the VMM reads, and two guests and the host never see each other's
 * registers. KVM_GET/SET_FPU, KVM_GET/SET_XSAVE, KVM_GET_XSAVE2, XCRs.
 *
 * lvmm only: on an XSAVE host, KVM's KVM_SET_FPU leaves the SSE state in
 * its init state until the guest itself has used SSE, so the first test
 * cannot pass there (Documentation/api.rst).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

static struct guest *fpu_guest(uint64_t xmm0, uint64_t rbx)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(fpu64), BACKING_DEFAULT);
	struct kvm_regs regs;
	struct kvm_fpu f;

	vmm_ioctl(g->vcpu->fd, KVM_GET_FPU, &f);
	memcpy(f.xmm[0], &xmm0, 8);
	f.mxcsr = 0x1f80;
	vmm_ioctl(g->vcpu->fd, KVM_SET_FPU, &f);
	guest_get_regs(g, &regs);
	regs.rbx = rbx;
	guest_set_regs(g, &regs);
	return g;
}

static uint64_t xmm_of(struct guest *g, int n)
{
	struct kvm_fpu f;
	uint64_t v;

	vmm_ioctl(g->vcpu->fd, KVM_GET_FPU, &f);
	memcpy(&v, f.xmm[n], 8);
	return v;
}

TEST(vmm_and_guest_see_the_same_registers)
{
	struct guest *g = fpu_guest(0x1111222233334444ULL, 0x5555666677778888ULL);
	struct kvm_regs regs;

	EXPECT_EQ(0x1111222233334444ULL, xmm_of(g, 0)) TH_LOG("SET_FPU, GET_FPU");
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	guest_get_regs(g, &regs);
	EXPECT_EQ(0x1111222233334444ULL, regs.rax) TH_LOG("guest read XMM0");
	EXPECT_EQ(0x5555666677778888ULL, xmm_of(g, 1)) TH_LOG("guest wrote XMM1");
	guest_destroy(g);
}

/*
 * KVM_RUN as a bare syscall between writing and reading XMM1, so that no
 * libc code (which uses XMM registers) runs in between.
 */
static long run_keeping_xmm1(int fd, uint64_t *xmm1)
{
	long ret;

	__asm__ volatile("movq %[in], %%xmm1\n\t"
			 "syscall\n\t"
			 "movq %%xmm1, %[out]"
			 : "=a"(ret), [out] "=r"(*xmm1)
			 : "a"(16L /* ioctl */), "D"((long)fd), "S"((long)KVM_RUN),
			   "d"(0L), [in] "r"(*xmm1)
			 : "rcx", "r11", "xmm1", "memory");
	return ret;
}

/* Two guests and the host, each with its own XMM1, interleaved. */
TEST(guests_and_host_are_isolated)
{
	struct guest *a = fpu_guest(0, 0xaaaaaaaaaaaaaaaaULL);
	struct guest *b = fpu_guest(0, 0xbbbbbbbbbbbbbbbbULL);
	uint64_t host = 0x0123456789abcdefULL;

	EXPECT_EQ(0, run_keeping_xmm1(a->vcpu->fd, &host));
	EXPECT_EQ(KVM_EXIT_HLT, a->vcpu->run->exit_reason);
	EXPECT_EQ(0x0123456789abcdefULL, host) TH_LOG("the host's XMM1 after guest A");
	EXPECT_EQ(0, run_keeping_xmm1(b->vcpu->fd, &host));
	EXPECT_EQ(KVM_EXIT_HLT, b->vcpu->run->exit_reason);
	EXPECT_EQ(0x0123456789abcdefULL, host) TH_LOG("the host's XMM1 after guest B");
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, xmm_of(a, 1));
	EXPECT_EQ(0xbbbbbbbbbbbbbbbbULL, xmm_of(b, 1));
	guest_destroy(a);
	guest_destroy(b);
}

TEST(xsave_round_trip)
{
	struct guest *g = fpu_guest(0x4242424242424242ULL, 0);
	int size = ioctl(g->vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
	struct kvm_xsave *x;

	ASSERT_LE((int)sizeof(struct kvm_xsave), size);
	x = calloc(1, size);
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_XSAVE2, x));
	/* XMM0 sits at byte 160 of the legacy area. */
	EXPECT_EQ(0x4242424242424242ULL, *(uint64_t *)((char *)x->region + 160));
	*(uint64_t *)((char *)x->region + 160) = 0x9999999999999999ULL;
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_XSAVE, x));
	EXPECT_EQ(0x9999999999999999ULL, xmm_of(g, 0));
	memset(x, 0, size);
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_XSAVE, x));
	EXPECT_EQ(0x9999999999999999ULL, *(uint64_t *)((char *)x->region + 160));
	free(x);
	guest_destroy(g);
}

TEST(xcr0)
{
	struct guest *g = fpu_guest(0, 0);
	struct kvm_xcrs x;

	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_XCRS, &x));
	EXPECT_EQ(1, x.nr_xcrs);
	EXPECT_EQ(0, x.xcrs[0].xcr);
	EXPECT_EQ(1, x.xcrs[0].value) TH_LOG("x87 only at reset");
	x.xcrs[0].value = 3;
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_XCRS, &x));
	x.xcrs[0].value = 2;		/* no x87: invalid */
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_XCRS, &x));
	EXPECT_EQ(3, x.xcrs[0].value);
	guest_destroy(g);
}

TEST_HARNESS_MAIN
