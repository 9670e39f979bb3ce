/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a virtio 1.x split virtqueue (virtio 1.2, 2.7), over
 * guest memory the launcher maps: what every virtio device of lvmm run is
 * built on. The guest is not trusted: a ring or descriptor that breaks the
 * rules marks the queue broken, with the reason, and the device is to set
 * DEVICE_NEEDS_RESET; nothing the guest writes makes it touch memory
 * outside guest RAM. Indirect descriptors and EVENT_IDX are not offered.
 */
#ifndef LVMM_CLI_VIRTQUEUE_H
#define LVMM_CLI_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE		32768	/* the spec's largest queue */
/* The longest chain a device takes; devices advertise less (seg_max). */
#define VIRTQ_MAX_CHAIN		256

struct virtq {
	uint8_t *mem;		/* guest RAM, from guest-physical 0 */
	uint64_t mem_size;
	uint16_t size;		/* entries, a power of two */
	uint64_t desc, avail, used;	/* guest-physical addresses */
	uint16_t last_avail;	/* the next available entry to take */
	uint16_t used_idx;	/* the device's copy of used->idx */
	char broken[128];	/* why the queue stopped; empty while it works */
};

/* One descriptor's buffer, in the launcher's address space. */
struct virtq_buf {
	uint8_t *addr;
	uint32_t len;
	bool writable;		/* device-writable: after every readable one */
};

/* A descriptor chain, readable buffers first. */
struct virtq_chain {
	uint16_t head;
	unsigned int n;
	uint32_t readable, writable;	/* bytes of each kind */
	struct virtq_buf buf[VIRTQ_MAX_CHAIN];
};

/*
 * The queue the driver set up: @size a power of two up to VIRTQ_MAX_SIZE,
 * the three rings aligned (16, 2, 4) and inside guest RAM. 0, or -EINVAL
 * with the reason in vq->broken.
 */
int virtq_setup(struct virtq *vq, uint8_t *mem, uint64_t mem_size,
		uint16_t size, uint64_t desc, uint64_t avail, uint64_t used);
/*
 * Take the next available chain: 1, 0 when there is none, or -EINVAL when
 * the queue is (or now becomes) broken.
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);
/* Give chain @head back with @written bytes written into it. */
void virtq_push(struct virtq *vq, uint16_t head, uint32_t written);
/* Does the driver want an interrupt for what was pushed? */
bool virtq_wants_interrupt(struct virtq *vq);

#endif /* LVMM_CLI_VIRTQUEUE_H */
