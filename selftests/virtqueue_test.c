// SPDX-License-Identifier: GPL-2.0
/*
 * The virtqueue code of lvmm run's virtio devices (userspace/virtqueue.c),
 * against rings laid out in a buffer that stands for guest RAM, as a guest
 * driver would lay them out: a round trip, the index wrapping, and every
 * way a hostile driver can break the rules, each of which must stop the
 * queue with its reason and never hand out memory outside guest RAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_ring.h>

#include "kselftest_harness.h"
#include "../userspace/virtqueue.h"

#define RAM		(1 << 20)
#define QSIZE		8
#define DESC		0x1000
#define AVAIL		0x2000
#define USED		0x3000
#define DATA		0x10000

FIXTURE(vq) {
	uint8_t *ram;
	struct virtq q;
	struct virtq_chain c;
	uint16_t next_avail;
};

static struct vring_desc *desc(FIXTURE_DATA(vq) *self, int i)
{
	return (struct vring_desc *)(self->ram + DESC) + i;
}

static struct vring_avail *avail(FIXTURE_DATA(vq) *self)
{
	return (struct vring_avail *)(self->ram + AVAIL);
}

static struct vring_used *used(FIXTURE_DATA(vq) *self)
{
	return (struct vring_used *)(self->ram + USED);
}

static void set_desc(FIXTURE_DATA(vq) *self, int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	*desc(self, i) = (struct vring_desc){
		.addr = addr, .len = len, .flags = flags, .next = next,
	};
}

/* Make chain @head available, as a driver does: entry, then index. */
static void offer(FIXTURE_DATA(vq) *self, uint16_t head)
{
	avail(self)->ring[self->next_avail % QSIZE] = head;
	self->next_avail++;
	__atomic_store_n(&avail(self)->idx, self->next_avail, __ATOMIC_RELEASE);
}

FIXTURE_SETUP(vq)
{
	self->ram = calloc(1, RAM);
	ASSERT_NE(NULL, self->ram);
	self->next_avail = 0;
	ASSERT_EQ(0, virtq_setup(&self->q, self->ram, RAM, QSIZE, DESC, AVAIL, USED));
	ASSERT_EQ('\0', self->q.broken[0]);
}

FIXTURE_TEARDOWN(vq)
{
	free(self->ram);
}

/* The queue must be broken, with @why in its reason. */
#define EXPECT_BROKEN(why) do {						\
	EXPECT_EQ(-EINVAL, virtq_pop(&self->q, &self->c));		\
	EXPECT_NE(NULL, strstr(self->q.broken, why))			\
		TH_LOG("reason: '%s'", self->q.broken);			\
	/* And it stays so. */						\
	EXPECT_EQ(-EINVAL, virtq_pop(&self->q, &self->c));		\
} while (0)

TEST_F(vq, request_and_reply_round_trip)
{
	set_desc(self, 3, DATA, 16, VRING_DESC_F_NEXT, 5);
	set_desc(self, 5, DATA + 0x1000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 6);
	set_desc(self, 6, DATA + 0x2000, 1, VRING_DESC_F_WRITE, 0);
	EXPECT_EQ(0, virtq_pop(&self->q, &self->c));	/* nothing yet */
	offer(self, 3);
	ASSERT_EQ(1, virtq_pop(&self->q, &self->c));
	EXPECT_EQ(3, self->c.head);
	ASSERT_EQ(3, self->c.n);
	EXPECT_EQ(self->ram + DATA, self->c.buf[0].addr);
	EXPECT_EQ(16, self->c.buf[0].len);
	EXPECT_FALSE(self->c.buf[0].writable);
	EXPECT_EQ(self->ram + DATA + 0x1000, self->c.buf[1].addr);
	EXPECT_TRUE(self->c.buf[1].writable);
	EXPECT_EQ(16, self->c.readable);
	EXPECT_EQ(513, self->c.writable);
	EXPECT_EQ(0, virtq_pop(&self->q, &self->c));	/* taken once */

	virtq_push(&self->q, 3, 200);
	EXPECT_EQ(1, used(self)->idx);
	EXPECT_EQ(3, used(self)->ring[0].id);
	EXPECT_EQ(200, used(self)->ring[0].len);
	EXPECT_TRUE(virtq_wants_interrupt(&self->q));
	avail(self)->flags = VRING_AVAIL_F_NO_INTERRUPT;
	EXPECT_FALSE(virtq_wants_interrupt(&self->q));
}

/* 70,000 requests through 8 entries: both 16-bit indexes wrap. */
TEST_F(vq, indexes_wrap)
{
	unsigned int i;

	for (i = 0; i < 70000; i++) {
		uint16_t head = i % QSIZE;

		set_desc(self, head, DATA + head * 64, 64, VRING_DESC_F_WRITE, 0);
		offer(self, head);
		ASSERT_EQ(1, virtq_pop(&self->q, &self->c)) TH_LOG("request %u: %s", i,
								   self->q.broken);
		ASSERT_EQ(head, self->c.head);
		virtq_push(&self->q, head, i & 0xff);
		ASSERT_EQ((uint16_t)(i + 1), used(self)->idx);
		ASSERT_EQ(head, used(self)->ring[i % QSIZE].id);
	}
}

TEST_F(vq, setup_refuses_bad_rings)
{
	struct virtq q;

	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, 6, DESC, AVAIL, USED));
	EXPECT_NE(NULL, strstr(q.broken, "power of two"));
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, 0, DESC, AVAIL, USED));
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, 65535, DESC, AVAIL, USED));
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, QSIZE, DESC + 8, AVAIL, USED));
	EXPECT_NE(NULL, strstr(q.broken, "misaligned"));
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, QSIZE, DESC, AVAIL + 1, USED));
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, QSIZE, DESC, AVAIL, USED + 2));
	/* A used ring running past the end of RAM, and one beyond it. */
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, QSIZE, DESC, AVAIL, RAM - 32));
	EXPECT_NE(NULL, strstr(q.broken, "outside guest memory"));
	EXPECT_EQ(-EINVAL, virtq_setup(&q, self->ram, RAM, QSIZE, 0xfffffffffffff000ULL,
				       AVAIL, USED));
	/* A refused queue stays refused; one never set up has nothing. */
	EXPECT_EQ(-EINVAL, virtq_pop(&q, &self->c));
	memset(&q, 0, sizeof(q));
	EXPECT_EQ(0, virtq_pop(&q, &self->c));
}

TEST_F(vq, buffer_outside_memory)
{
	set_desc(self, 0, RAM - 16, 32, 0, 0);
	offer(self, 0);
	EXPECT_BROKEN("outside guest memory");
}

TEST_F(vq, length_that_wraps_the_address_space)
{
	set_desc(self, 0, 0xffffffffffffff00ULL, 0x200, VRING_DESC_F_WRITE, 0);
	offer(self, 0);
	EXPECT_BROKEN("outside guest memory");
}

TEST_F(vq, descriptor_loop)
{
	set_desc(self, 0, DATA, 8, VRING_DESC_F_NEXT, 1);
	set_desc(self, 1, DATA, 8, VRING_DESC_F_NEXT, 2);
	set_desc(self, 2, DATA, 8, VRING_DESC_F_NEXT, 0);
	offer(self, 0);
	EXPECT_BROKEN("loop");
}

TEST_F(vq, head_beyond_the_table)
{
	offer(self, QSIZE);
	EXPECT_BROKEN("names descriptor 8 of 8");
}

TEST_F(vq, next_beyond_the_table)
{
	set_desc(self, 0, DATA, 8, VRING_DESC_F_NEXT, 200);
	offer(self, 0);
	EXPECT_BROKEN("next 200 of 8");
}

TEST_F(vq, available_index_too_far_ahead)
{
	set_desc(self, 0, DATA, 8, 0, 0);
	__atomic_store_n(&avail(self)->idx, QSIZE + 1, __ATOMIC_RELEASE);
	EXPECT_BROKEN("more than the queue's 8");
}

TEST_F(vq, readable_after_writable)
{
	set_desc(self, 0, DATA, 8, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(self, 1, DATA, 8, 0, 0);
	offer(self, 0);
	EXPECT_BROKEN("readable after a writable");
}

TEST_F(vq, indirect_not_offered)
{
	set_desc(self, 0, DATA, 64, VRING_DESC_F_INDIRECT, 0);
	offer(self, 0);
	EXPECT_BROKEN("indirect");
}

/* A chain within the rules is taken whole, even through the whole table. */
TEST_F(vq, longest_chain_is_the_table)
{
	int i;

	for (i = 0; i < QSIZE; i++)
		set_desc(self, i, DATA + i * 8, 8,
			 i < QSIZE - 1 ? VRING_DESC_F_NEXT : 0, i + 1);
	offer(self, 0);
	ASSERT_EQ(1, virtq_pop(&self->q, &self->c)) TH_LOG("%s", self->q.broken);
	EXPECT_EQ(QSIZE, self->c.n);
	EXPECT_EQ(QSIZE * 8, self->c.readable);
}

TEST_HARNESS_MAIN
