// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: both backings shared between the VMM and the guest, slot
 * rules (KVM's errnos), deleted slots becoming MMIO, and lvmm's own memory
 * files. $LVMM_DEVICE=/dev/kvm runs what applies on KVM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"

/*
 * Point memory64 at its work from the start: sum @n bytes at @src into RAX,
 * then fill @n bytes at @dst with 0xab.
 */
static void memory64_args(struct guest *g, uint64_t src, uint64_t dst,
			  uint64_t n)
{
	struct kvm_regs regs;

	guest_get_regs(g, &regs);
	regs.rip = GUEST_CODE;
	regs.rsi = src;
	regs.rdi = dst;
	regs.rcx = n;
	guest_set_regs(g, &regs);
}

FIXTURE(shared) {
	struct guest *g;
};

FIXTURE_VARIANT(shared) {
	enum backing backing;
};

FIXTURE_VARIANT_ADD(shared, own_memory) { .backing = BACKING_GMEM };
FIXTURE_VARIANT_ADD(shared, anonymous_memory) { .backing = BACKING_ANON };

FIXTURE_SETUP(shared)
{
	if (variant->backing == BACKING_GMEM && vmm_is_kvm())
		SKIP(return, "KVM's guest_memfd cannot be mapped");
	self->g = guest_create(vmm_device(), MODE_LONG64, GUEST_PROG(memory64),
			       variant->backing);
}

FIXTURE_TEARDOWN(shared)
{
	if (self->g)
		guest_destroy(self->g);
}

/* The VMM writes, the guest sums; the guest writes, the VMM reads. */
TEST_F(shared, written_by_one_seen_by_the_other)
{
	const size_t n = 3 * 4096 + 100;	/* crosses pages */
	uint8_t *in = self->g->mem + GUEST_DATA;
	uint8_t *out = self->g->mem + GUEST_DATA + 0x10000;
	struct kvm_regs regs;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		in[i] = (i * 13) ^ (i >> 8);
		sum += in[i];
	}
	memory64_args(self->g, GUEST_DATA, GUEST_DATA + 0x10000, n);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(self->g));
	guest_get_regs(self->g, &regs);
	EXPECT_EQ(sum, regs.rax);
	for (i = 0; i < n; i++)
		if (out[i] != 0xab)
			break;
	EXPECT_EQ(n, i) TH_LOG("byte %zu is 0x%x", i, out[i]);
	EXPECT_EQ(0, out[n]) TH_LOG("the guest wrote past its buffer");
}

static int set_region(struct vm *vm, uint32_t slot, uint32_t flags,
		      uint64_t gpa, uint64_t size, uint64_t hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = hva,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

TEST(slot_rules)
{
	struct vm *vm = vm_create(vmm_device());
	uint64_t hva = (uintptr_t)mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_EQ(0, set_region(vm, 0, 0, 0x100000, 0x40000, hva));
	EXPECT_EQ(EEXIST, set_region(vm, 1, 0, 0x13f000, 0x2000, hva));
	EXPECT_EQ(EEXIST, set_region(vm, 1, 0, 0xff000, 0x2000, hva));
	EXPECT_EQ(0, set_region(vm, 1, 0, 0x140000, 0x1000, hva));
	EXPECT_EQ(EINVAL, set_region(vm, 2, 0, 0x200800, 0x1000, hva));
	EXPECT_EQ(EINVAL, set_region(vm, 2, 0, 0x200000, 0x800, hva));
	EXPECT_EQ(EINVAL, set_region(vm, 2, 0, 0x200000, 0x1000, hva + 8));
	EXPECT_EQ(EINVAL, set_region(vm, 2, 1u << 7, 0x200000, 0x1000, hva));
	/* Address space 1 is KVM's SMM space; lvmm has no SMM. */
	if (!vmm_is_kvm())
		EXPECT_EQ(EINVAL, set_region(vm, 0x10000, 0, 0x200000, 0x1000, hva));
	EXPECT_EQ(EINVAL, set_region(vm, 100000, 0, 0x200000, 0x1000, hva));
	/* Oversized: more pages than a slot may have. */
	EXPECT_EQ(EINVAL, set_region(vm, 2, 0, 0, 1ULL << 44, hva));
	/* A slot's size cannot change; only deleting frees it. */
	EXPECT_EQ(EINVAL, set_region(vm, 0, 0, 0x100000, 0x80000, hva));
	EXPECT_EQ(EINVAL, set_region(vm, 5, 0, 0x300000, 0, 0));
	/* Size 0 deletes; the slot number and the range are free again. */
	EXPECT_EQ(0, set_region(vm, 1, 0, 0x140000, 0, 0));
	EXPECT_EQ(EINVAL, set_region(vm, 1, 0, 0x140000, 0, 0));
	EXPECT_EQ(0, set_region(vm, 1, 0, 0x140000, 0x2000, hva));
	vm_destroy(vm);
}

/* Reading a deleted slot is MMIO: the guest-physical range is a hole again. */
TEST(deleted_slot_becomes_mmio)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(memory64), BACKING_DEFAULT);
	uint8_t *extra = vm_add_memory(g->vm, 1, 0x40000000, 0x10000,
				       BACKING_DEFAULT);
	struct kvm_userspace_memory_region2 del = { .slot = 1 };
	struct kvm_regs regs;

	memset(extra, 2, 0x10000);
	memory64_args(g, 0x40000000, 0x40008000, 16);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	guest_get_regs(g, &regs);
	EXPECT_EQ(32, regs.rax);
	EXPECT_EQ(0xab, extra[0x8000]);

	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_USER_MEMORY_REGION2, &del));
	memory64_args(g, 0x40000000, 0x40008000, 16);
	vcpu_run(g->vcpu);
	EXPECT_EQ(KVM_EXIT_MMIO, g->vcpu->run->exit_reason);
	EXPECT_EQ(0x40000000, g->vcpu->run->mmio.phys_addr);
	EXPECT_FALSE(g->vcpu->run->mmio.is_write);
	guest_destroy(g);
}

/*
 * A slot moved to another guest-physical place (same size and memory)
 * keeps its contents there; its old range is MMIO. KVM's KVM_MR_MOVE.
 */
TEST(moved_slot_keeps_its_memory)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(memory64), BACKING_DEFAULT);
	uint8_t *extra = vm_add_memory(g->vm, 1, 0x40000000, 0x10000,
				       BACKING_ANON);
	struct kvm_userspace_memory_region2 move = {
		.slot = 1, .guest_phys_addr = 0x40100000,
		.memory_size = 0x10000, .userspace_addr = (uintptr_t)extra,
	};
	struct kvm_regs regs;

	memset(extra, 3, 0x10000);
	memory64_args(g, 0x40000000, 0x40008000, 16);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));	/* maps the old place */

	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_USER_MEMORY_REGION2, &move));
	extra[0x100] = 7;
	memory64_args(g, 0x40100100, 0x40100200, 16);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	guest_get_regs(g, &regs);
	EXPECT_EQ(7 + 15 * 3, regs.rax);
	EXPECT_EQ(0xab, extra[0x200]) TH_LOG("the guest's write went elsewhere");

	memory64_args(g, 0x40000000, 0x40100200, 16);
	vcpu_run(g->vcpu);
	EXPECT_EQ(KVM_EXIT_MMIO, g->vcpu->run->exit_reason);
	EXPECT_EQ(0x40000000, g->vcpu->run->mmio.phys_addr);

	/* Onto another slot: refused. */
	vm_add_memory(g->vm, 2, 0x40200000, 0x10000, BACKING_ANON);
	move.guest_phys_addr = 0x40208000;
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_SET_USER_MEMORY_REGION2, &move));
	EXPECT_EQ(EEXIST, errno);
	guest_destroy(g);
}

TEST(own_memory_rules)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = 0, .flags = KVM_MEM_GUEST_MEMFD, .memory_size = 0x10000,
	};
	struct kvm_create_guest_memfd bad = { .size = 0x10000, .flags = 1 };
	struct vm *vm;
	int fd;

	if (vmm_is_kvm())
		SKIP(return, "lvmm's mappable guest_memfd");
	vm = vm_create(vmm_device());
	EXPECT_EQ(-1, vm_create_gmem(vm, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, vm_create_gmem(vm, 4095));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_GUEST_MEMFD, &bad));
	EXPECT_EQ(EINVAL, errno);

	fd = vm_create_gmem(vm, 0x10000);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 0x10000, PROT_READ, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);

	/* Beyond the end of the file. */
	r.guest_memfd = fd;
	r.guest_memfd_offset = 0x8000;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION2, &r));
	EXPECT_EQ(EINVAL, errno);
	/* Not a guest_memfd. */
	r.guest_memfd = vm->sys_fd;
	r.guest_memfd_offset = 0;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION2, &r));
	EXPECT_EQ(EINVAL, errno);
	r.guest_memfd = fd;
	EXPECT_EQ(0, ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION2, &r));
	close(fd);
	vm_destroy(vm);
}

/* The mapping outlives the VM: pages go only when nothing uses them. */
TEST(own_memory_outlives_the_vm)
{
	struct guest *g;
	uint8_t *mem;

	if (vmm_is_kvm())
		SKIP(return, "lvmm's mappable guest_memfd");
	g = guest_create(vmm_device(), MODE_LONG64, GUEST_PROG(memory64),
			 BACKING_GMEM);
	mem = g->mem;
	mem[GUEST_DATA] = 0x42;
	guest_destroy(g);
	EXPECT_EQ(0x42, mem[GUEST_DATA]);
	mem[GUEST_DATA + 1] = 0x43;
	EXPECT_EQ(0, munmap(mem, GUEST_MEM_SIZE));
}

TEST_HARNESS_MAIN
