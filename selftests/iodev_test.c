// SPDX-License-Identifier: GPL-2.0
/*
 * Guest writes taken in the kernel without an exit to the VMM:
 * KVM_IOEVENTFD (port and MMIO, with and without datamatch, any length)
 * and coalesced MMIO and port I/O (the ring's contents and order, a full
 * ring, overlapping zones, unregistering), and the errnos of both ioctls.
 * Everything runs the same on KVM ($LVMM_DEVICE=/dev/kvm).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"

/* KVM_COALESCED_MMIO_MAX is in pages of the host's size: x86's. */
#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif

static struct guest *iodev_guest(struct guest_prog prog, uint64_t rcx)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64, prog,
				       BACKING_DEFAULT);
	struct kvm_regs regs;

	guest_get_regs(g, &regs);
	regs.rbx = GUEST_MMIO;
	regs.rcx = rcx;
	guest_set_regs(g, &regs);
	return g;
}

static int ioeventfd(struct guest *g, int fd, uint64_t addr, uint32_t len,
		     uint32_t flags, uint64_t datamatch)
{
	struct kvm_ioeventfd args = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = flags,
	};

	return ioctl(g->vm->fd, KVM_IOEVENTFD, &args) ? -errno : 0;
}

TEST(ioeventfd_pio_and_mmio)
{
	struct guest *g = iodev_guest(GUEST_PROG(iodev64), 0);
	int pio = eventfd(0, EFD_NONBLOCK), dword = eventfd(0, EFD_NONBLOCK);
	int any = eventfd(0, EFD_NONBLOCK);
	struct exit_rec *e = g->exits;

	ASSERT_EQ(0, ioeventfd(g, pio, 0x3100, 1,
			       KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH,
			       0x11));
	ASSERT_EQ(0, ioeventfd(g, dword, GUEST_MMIO, 4, 0, 0));
	ASSERT_EQ(0, ioeventfd(g, any, GUEST_MMIO + 8, 0, 0, 0));

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g))
		TH_LOG("exit %s", exit_reason_str(g->vcpu->run->exit_reason));
	/* Only what no ioeventfd matched reached the VMM. */
	ASSERT_EQ(4, g->nexits);
	EXPECT_EQ(KVM_EXIT_IO, e[0].reason);
	EXPECT_EQ(0x3100, e[0].port);
	EXPECT_EQ(1, e[0].size);
	EXPECT_EQ(0x22, e[0].data) TH_LOG("datamatch 0x11 took 0x22");
	EXPECT_EQ(KVM_EXIT_IO, e[1].reason);
	EXPECT_EQ(2, e[1].size) TH_LOG("a 1-byte entry took a word");
	EXPECT_EQ(KVM_EXIT_MMIO, e[2].reason);
	EXPECT_EQ(0, e[2].is_write) TH_LOG("an ioeventfd took a load");
	EXPECT_EQ(GUEST_MMIO, e[2].addr);
	EXPECT_EQ(KVM_EXIT_HLT, e[3].reason);

	EXPECT_EQ(1, eventfd_take(pio));
	EXPECT_EQ(1, eventfd_take(dword));
	EXPECT_EQ(2, eventfd_take(any)) TH_LOG("length 0 must take any width");
	close(pio);
	close(dword);
	close(any);
	guest_destroy(g);
}

/* Removing an entry: its writes exit again. */
TEST(ioeventfd_deassign)
{
	struct guest *g = iodev_guest(GUEST_PROG(iodev64), 0);
	int fd = eventfd(0, EFD_NONBLOCK);
	uint32_t flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH;

	ASSERT_EQ(0, ioeventfd(g, fd, 0x3100, 1, flags, 0x11));
	ASSERT_EQ(-ENOENT, ioeventfd(g, fd, 0x3100, 1,
				     flags | KVM_IOEVENTFD_FLAG_DEASSIGN, 0x12));
	ASSERT_EQ(0, ioeventfd(g, fd, 0x3100, 1,
			       flags | KVM_IOEVENTFD_FLAG_DEASSIGN, 0x11));
	ASSERT_EQ(-ENOENT, ioeventfd(g, fd, 0x3100, 1,
				     flags | KVM_IOEVENTFD_FLAG_DEASSIGN, 0x11));
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	EXPECT_EQ(8, g->nexits) TH_LOG("every access exits once removed");
	EXPECT_EQ(0x11, g->exits[0].data);
	EXPECT_EQ(0, eventfd_take(fd));
	close(fd);
	guest_destroy(g);
}

TEST(ioeventfd_errnos)
{
	struct guest *g = iodev_guest(GUEST_PROG(iodev64), 0);
	int fd = eventfd(0, EFD_NONBLOCK), other = eventfd(0, 0);
	int null = open("/dev/null", O_RDWR);
	uint32_t dm = KVM_IOEVENTFD_FLAG_DATAMATCH, pio = KVM_IOEVENTFD_FLAG_PIO;

	ASSERT_LE(0, null);
	EXPECT_EQ(-EINVAL, ioeventfd(g, fd, 0x3100, 3, pio, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(g, fd, 0x3100, 16, pio, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(g, fd, 0x3100, 0, pio | dm, 1))
		TH_LOG("length 0 cannot match data");
	EXPECT_EQ(-EINVAL, ioeventfd(g, fd, ~0ULL, 4, 0, 0))
		TH_LOG("an address range that wraps");
	EXPECT_EQ(-EINVAL, ioeventfd(g, fd, 0x3100, 1, 1u << 8, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(g, null, 0x3100, 1, pio, 0))
		TH_LOG("not an eventfd");
	EXPECT_EQ(-EBADF, ioeventfd(g, -1, 0x3100, 1, pio, 0));

	/* Collisions, whatever the eventfd. */
	ASSERT_EQ(0, ioeventfd(g, fd, 0x3100, 2, pio | dm, 5));
	EXPECT_EQ(-EEXIST, ioeventfd(g, other, 0x3100, 2, pio | dm, 5));
	EXPECT_EQ(-EEXIST, ioeventfd(g, other, 0x3100, 2, pio, 0))
		TH_LOG("a wildcard over a datamatch");
	EXPECT_EQ(-EEXIST, ioeventfd(g, other, 0x3100, 0, pio, 0))
		TH_LOG("any length over a 2-byte entry");
	EXPECT_EQ(0, ioeventfd(g, other, 0x3100, 2, pio | dm, 6));
	EXPECT_EQ(0, ioeventfd(g, other, 0x3100, 4, pio | dm, 5));
	EXPECT_EQ(0, ioeventfd(g, fd, 0x3100, 2, 0, 0))
		TH_LOG("MMIO and ports are separate spaces");
	/* Removal looks for the exact entry, eventfd included. */
	EXPECT_EQ(-ENOENT, ioeventfd(g, other, 0x3100, 2,
				     pio | dm | KVM_IOEVENTFD_FLAG_DEASSIGN, 5));
	EXPECT_EQ(-ENOENT, ioeventfd(g, fd, 0x3100, 2,
				     pio | KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(0, ioeventfd(g, fd, 0x3100, 2,
			       pio | dm | KVM_IOEVENTFD_FLAG_DEASSIGN, 5));
	close(null);
	close(fd);
	close(other);
	guest_destroy(g);
}

static int zone(struct guest *g, unsigned long cmd, uint64_t addr,
		uint32_t size, uint32_t pio)
{
	struct kvm_coalesced_mmio_zone z = {
		.addr = addr, .size = size, .pio = pio,
	};

	return ioctl(g->vm->fd, cmd, &z) ? -errno : 0;
}

static struct kvm_coalesced_mmio_ring *ring_of(struct guest *g)
{
	if (g->vcpu->run_size < (KVM_COALESCED_MMIO_PAGE_OFFSET + 1) * PAGE_SIZE)
		return NULL;
	return (void *)((uint8_t *)g->vcpu->run +
			KVM_COALESCED_MMIO_PAGE_OFFSET * PAGE_SIZE);
}

/* Entries queued and not yet consumed. */
static uint32_t ring_used(struct kvm_coalesced_mmio_ring *r)
{
	return (r->last + KVM_COALESCED_MMIO_MAX - r->first) %
	       KVM_COALESCED_MMIO_MAX;
}

/* Take the next entry and check it is @len bytes of @data at @addr. */
static int ring_take(struct kvm_coalesced_mmio_ring *r, uint64_t addr,
		     uint32_t len, uint64_t data, uint32_t pio)
{
	struct kvm_coalesced_mmio *e = &r->coalesced_mmio[r->first];
	uint64_t got = 0;

	memcpy(&got, e->data, len);
	r->first = (r->first + 1) % KVM_COALESCED_MMIO_MAX;
	return e->phys_addr == addr && e->len == len && got == data &&
	       e->pio == pio;
}

static uint64_t slot_addr(uint32_t n)
{
	return GUEST_MMIO + (n & 0x3f) * 4;
}

TEST(coalesced_ring_contents_and_order)
{
	struct guest *g = iodev_guest(GUEST_PROG(coalesced64), 5);
	struct kvm_coalesced_mmio_ring *r = ring_of(g);
	uint32_t n;

	ASSERT_NE(NULL, r) TH_LOG("vCPU mapping too small for the ring");
	ASSERT_EQ(KVM_COALESCED_MMIO_PAGE_OFFSET,
		  ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO));
	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, GUEST_MMIO, 0x100, 0));
	/* Overlapping the first: a write in both is queued once. */
	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, GUEST_MMIO + 8, 0x10, 0));
	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, 0x3200, 1, 1));

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	ASSERT_EQ(2, g->nexits) TH_LOG("queued writes exited");
	EXPECT_EQ(KVM_EXIT_MMIO, g->exits[0].reason);
	EXPECT_EQ(GUEST_MMIO + 0x200, g->exits[0].addr);
	EXPECT_EQ(6, g->exits[0].data);

	ASSERT_EQ(7, ring_used(r));
	for (n = 1; n <= 5; n++)
		EXPECT_TRUE(ring_take(r, slot_addr(n), 4, n, 0))
			TH_LOG("entry %u", n);
	EXPECT_TRUE(ring_take(r, 0x3200, 1, 0xa1, 1));
	EXPECT_TRUE(ring_take(r, 0x3200, 1, 0xa2, 1));
	guest_destroy(g);
}

/*
 * A full ring (one entry always free) sends the next write to the VMM,
 * whole; once drained, writes are queued again.
 */
TEST(coalesced_full_ring_exits)
{
	const uint32_t max = KVM_COALESCED_MMIO_MAX, more = 10;
	struct guest *g = iodev_guest(GUEST_PROG(coalesced64), max + more);
	struct kvm_coalesced_mmio_ring *r = ring_of(g);
	uint32_t n;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, GUEST_MMIO, 0x100, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, guest_step(g));
	EXPECT_EQ(slot_addr(max), g->exits[0].addr);
	EXPECT_EQ(max, g->exits[0].data) TH_LOG("the write the full ring refused");
	ASSERT_EQ(max - 1, ring_used(r));
	for (n = 1; n < max; n++)
		ASSERT_TRUE(ring_take(r, slot_addr(n), 4, n, 0)) TH_LOG("entry %u", n);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	/* Then the write past the zone and the two port writes exited. */
	EXPECT_EQ(5, g->nexits);
	ASSERT_EQ(more, ring_used(r));
	for (n = max + 1; n <= max + more; n++)
		EXPECT_TRUE(ring_take(r, slot_addr(n), 4, n, 0)) TH_LOG("entry %u", n);
	guest_destroy(g);
}

TEST(coalesced_zone_rules)
{
	struct guest *g = iodev_guest(GUEST_PROG(coalesced64), 1);
	struct kvm_coalesced_mmio_ring *r = ring_of(g);

	ASSERT_NE(NULL, r);
	EXPECT_EQ(-EINVAL, zone(g, KVM_REGISTER_COALESCED_MMIO, GUEST_MMIO, 16, 2));
	EXPECT_EQ(-EINVAL, zone(g, KVM_UNREGISTER_COALESCED_MMIO, GUEST_MMIO, 16, 2));
	/* Unregistering what is not there succeeds. */
	EXPECT_EQ(0, zone(g, KVM_UNREGISTER_COALESCED_MMIO, 0x1234, 4, 0));

	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, GUEST_MMIO, 0x100, 0));
	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, GUEST_MMIO, 0x10, 0));
	ASSERT_EQ(0, zone(g, KVM_REGISTER_COALESCED_MMIO, 0x3200, 1, 1));
	/* A range inside both MMIO zones removes both; the port zone stays. */
	ASSERT_EQ(0, zone(g, KVM_UNREGISTER_COALESCED_MMIO, GUEST_MMIO + 4, 4, 0));

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	ASSERT_EQ(3, g->nexits);
	EXPECT_EQ(KVM_EXIT_MMIO, g->exits[0].reason);
	EXPECT_EQ(slot_addr(1), g->exits[0].addr) TH_LOG("zone still there");
	ASSERT_EQ(2, ring_used(r));
	EXPECT_TRUE(ring_take(r, 0x3200, 1, 0xa1, 1));
	EXPECT_TRUE(ring_take(r, 0x3200, 1, 0xa2, 1));
	guest_destroy(g);
}

TEST_HARNESS_MAIN
