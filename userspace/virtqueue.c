// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of a virtio split virtqueue (virtqueue.h). The rings
 * live in guest memory, which the guest's vCPUs change while this code
 * reads them: every field is read once, into a local copy, and only the
 * copy is checked and used (no double fetch). The available index is read
 * with acquire and the used index written with release, so the entries
 * they publish are seen whole, the barriers virtio's memory model asks of
 * a device (virtio 1.2, 2.7.13 and 2.7.14).
 *
 * x86 is little-endian, as virtio 1.x rings are: fields are used as they
 * are.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/virtio_ring.h>

#include "virtqueue.h"

static int broken(struct virtq *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vq->broken, sizeof(vq->broken), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Is [gpa, gpa + len) inside guest RAM? Without overflow. */
static bool in_ram(const struct virtq *vq, uint64_t gpa, uint64_t len)
{
	return gpa <= vq->mem_size && len <= vq->mem_size - gpa;
}

static uint16_t load_acquire16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

int virtq_setup(struct virtq *vq, uint8_t *mem, uint64_t mem_size,
		uint16_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
	memset(vq, 0, sizeof(*vq));
	vq->mem = mem;
	vq->mem_size = mem_size;
	if (!size || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return broken(vq, "queue size %u is not a power of two up to %u",
			      size, VIRTQ_MAX_SIZE);
	if (desc % 16 || avail % 2 || used % 4)
		return broken(vq, "misaligned rings (desc 0x%llx, avail 0x%llx, used 0x%llx)",
			      (unsigned long long)desc, (unsigned long long)avail,
			      (unsigned long long)used);
	if (!in_ram(vq, desc, 16ULL * size) ||
	    !in_ram(vq, avail, 6 + 2ULL * size) ||
	    !in_ram(vq, used, 6 + 8ULL * size))
		return broken(vq, "a ring lies outside guest memory");
	vq->size = size;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	return 0;
}

static struct vring_avail *avail_ring(struct virtq *vq)
{
	return (struct vring_avail *)(vq->mem + vq->avail);
}

static struct vring_used *used_ring(struct virtq *vq)
{
	return (struct vring_used *)(vq->mem + vq->used);
}

/*
 * Each field once, into @d: a plain copy may be turned by the compiler
 * into later reads of guest memory, which the guest may have changed
 * after the checks.
 */
static void read_desc(struct vring_desc *d, const struct vring_desc *g)
{
	d->addr = __atomic_load_n(&g->addr, __ATOMIC_RELAXED);
	d->len = __atomic_load_n(&g->len, __ATOMIC_RELAXED);
	d->flags = __atomic_load_n(&g->flags, __ATOMIC_RELAXED);
	d->next = __atomic_load_n(&g->next, __ATOMIC_RELAXED);
}

/* Add descriptor @d to @c; 0, or the queue is broken. */
static int add_buf(struct virtq *vq, struct virtq_chain *c, uint16_t i,
		   const struct vring_desc *d)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	uint32_t *total = writable ? &c->writable : &c->readable;

	if (d->flags & VRING_DESC_F_INDIRECT)
		return broken(vq, "descriptor %u: indirect, which was not offered", i);
	if (!in_ram(vq, d->addr, d->len))
		return broken(vq, "descriptor %u: %u bytes at 0x%llx are outside guest memory",
			      i, d->len, (unsigned long long)d->addr);
	if (!writable && c->writable)
		return broken(vq, "descriptor %u: readable after a writable one", i);
	if (c->n == VIRTQ_MAX_CHAIN)
		return broken(vq, "chain at %u: longer than %u descriptors", c->head,
			      VIRTQ_MAX_CHAIN);
	if (d->len > UINT32_MAX - *total)
		return broken(vq, "chain at %u: more than 4 GiB", c->head);
	*total += d->len;
	c->buf[c->n].addr = vq->mem + d->addr;
	c->buf[c->n].len = d->len;
	c->buf[c->n].writable = writable;
	c->n++;
	return 0;
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	const struct vring_desc *table;
	struct vring_avail *av;
	struct vring_desc d;
	uint16_t idx, i;
	unsigned int n;
	int ret;

	if (vq->broken[0])
		return -EINVAL;
	if (!vq->size)
		return 0;	/* not set up: nothing is available */
	av = avail_ring(vq);
	idx = load_acquire16(&av->idx);
	if (idx == vq->last_avail)
		return 0;
	if ((uint16_t)(idx - vq->last_avail) > vq->size)
		return broken(vq, "available index %u is %u ahead of the device's %u: more than the queue's %u",
			      idx, (uint16_t)(idx - vq->last_avail), vq->last_avail,
			      vq->size);
	i = __atomic_load_n(&av->ring[vq->last_avail & (vq->size - 1)], __ATOMIC_RELAXED);
	if (i >= vq->size)
		return broken(vq, "available entry names descriptor %u of %u", i, vq->size);

	table = (const struct vring_desc *)(vq->mem + vq->desc);
	c->head = i;
	c->n = 0;
	c->readable = c->writable = 0;
	/* A chain visits each descriptor at most once: more is a loop. */
	for (n = 0; ; n++) {
		if (n == vq->size)
			return broken(vq, "chain at %u: a descriptor loop", c->head);
		read_desc(&d, &table[i]);
		ret = add_buf(vq, c, i, &d);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= vq->size)
			return broken(vq, "descriptor %u: next %u of %u", i, d.next, vq->size);
		i = d.next;
	}
	vq->last_avail++;
	return 1;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t written)
{
	struct vring_used *u = used_ring(vq);
	struct vring_used_elem e = { .id = head, .len = written };

	memcpy(&u->ring[vq->used_idx & (vq->size - 1)], &e, sizeof(e));
	vq->used_idx++;
	/* The entry before the index that publishes it. */
	__atomic_store_n(&u->idx, vq->used_idx, __ATOMIC_RELEASE);
}

bool virtq_wants_interrupt(struct virtq *vq)
{
	/* The flag is read after the used index was written. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&avail_ring(vq)->flags, __ATOMIC_RELAXED) &
		 VRING_AVAIL_F_NO_INTERRUPT);
}
