// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.2, 5.4): one queue of device-writable buffers, each
 * filled from the host's getrandom(). `lvmm run --rng`; the guest's
 * virtio_rng driver shows it as /dev/hwrng.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "virtio_pci.h"

#define RNG_QUEUE_SIZE	64

static void rng_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtq *vq = &dev->vq[q];
	struct virtq_chain c;
	unsigned int i, pushed = 0;
	uint32_t written;
	ssize_t n;
	int ret;

	while ((ret = virtq_pop(vq, &c)) == 1) {
		written = 0;
		for (i = 0; i < c.n; i++) {
			if (!c.buf[i].writable)
				continue;
			n = getrandom(c.buf[i].addr, c.buf[i].len, 0);
			if (n < 0) {
				fprintf(stderr, "\r\nlvmm: virtio-rng: getrandom: %s\r\n",
					strerror(errno));
				break;
			}
			written += n;
			if ((uint32_t)n < c.buf[i].len)
				break;
		}
		virtq_push(vq, c.head, written);
		pushed++;
	}
	if (ret < 0)
		virtio_pci_broken(dev, q, vq->broken);
	else if (pushed)
		virtio_pci_interrupt(dev, q);
}

const struct virtio_dev_ops virtio_rng_ops = {
	.name = "virtio-rng",
	.device_id = 4,
	.class_rev = 0xff0000 << 8 | 1,	/* "other", as QEMU's */
	.num_queues = 1,
	.queue_max = RNG_QUEUE_SIZE,
	.queue_notify = rng_notify,
};
