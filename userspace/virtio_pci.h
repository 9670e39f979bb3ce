/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio 1.x devices on lvmm run's PCI bus (virtio_pci.c): the modern PCI
 * transport only (no legacy interface), MSI-X interrupts, and queue
 * notifications that reach the device's own thread through ioeventfds, not
 * through a vCPU thread (Documentation/platform.rst, "virtio devices").
 */
#ifndef LVMM_CLI_VIRTIO_PCI_H
#define LVMM_CLI_VIRTIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pci.h"
#include "virtqueue.h"

#define VIRTIO_MAX_QUEUES	4

struct virtio_dev;

/* What a device type adds to the transport. */
struct virtio_dev_ops {
	const char *name;		/* for messages: "virtio-rng" */
	uint16_t device_id;		/* virtio 1.2, 5: 4 for entropy */
	uint32_t class_rev;		/* PCI class << 8 | revision */
	uint64_t features;		/* beyond VIRTIO_F_VERSION_1 */
	unsigned int num_queues;
	uint16_t queue_max;		/* each queue's largest size */
	/* Queue @q has buffers; on the device's thread, dev->lock held. */
	void (*queue_notify)(struct virtio_dev *dev, unsigned int q);
	/* Back to the reset state; dev->lock held. May be NULL. */
	void (*reset)(struct virtio_dev *dev);
	/* The device-specific configuration (read-only here), if any. */
	unsigned int config_size;
	void (*config_read)(struct virtio_dev *dev, unsigned int off,
			    uint8_t *data, unsigned int len);
};

struct virtio_queue_regs {
	uint16_t size, msix_vector;
	bool enabled;
	uint64_t desc, driver, device;
};

/* One MSI-X table entry (PCI 3.0, 6.8.2). */
struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	struct pci_function pci;
	int vm_fd;
	uint8_t *mem;
	uint64_t mem_size;
	void *priv;			/* the device type's state */
	uint64_t features;		/* this device's, beyond ops->features */

	pthread_mutex_t lock;		/* everything below */
	uint32_t dfselect, gfselect;
	uint64_t driver_features;
	uint8_t status;
	uint8_t config_generation;
	uint8_t isr;
	uint16_t queue_select, msix_config;
	struct virtio_queue_regs qregs[VIRTIO_MAX_QUEUES];
	struct virtq vq[VIRTIO_MAX_QUEUES];
	struct msix_entry msix[VIRTIO_MAX_QUEUES + 1];
	uint32_t msix_pending;		/* one bit per entry (the PBA) */
	bool broken_logged;

	/* Notifications: an eventfd per queue, registered at the BAR. */
	int notify_fd[VIRTIO_MAX_QUEUES];
	uint64_t notify_base;		/* where they are registered, or 0 */
	int stop_fd;
	pthread_t thread;
	bool started;
};

/*
 * Make @dev a device of type @ops on @bus, for the VM @vm_fd whose RAM is
 * @mem. 0, or -errno with a message.
 */
int virtio_pci_add(struct virtio_dev *dev, const struct virtio_dev_ops *ops,
		   struct pci_bus *bus, int vm_fd, uint8_t *mem,
		   uint64_t mem_size);
/* Start the device's thread; stop it (and unregister) at the end. */
int virtio_pci_start(struct virtio_dev *dev);
void virtio_pci_stop(struct virtio_dev *dev);
/*
 * The queue went wrong (a hostile or broken driver): log @why once, set
 * DEVICE_NEEDS_RESET and tell the driver. dev->lock held.
 */
void virtio_pci_broken(struct virtio_dev *dev, unsigned int q, const char *why);
/* Interrupt the driver for queue @q if it wants one. dev->lock held. */
void virtio_pci_interrupt(struct virtio_dev *dev, unsigned int q);

/* The device types. */
extern const struct virtio_dev_ops virtio_rng_ops;
extern const struct virtio_dev_ops virtio_blk_ops;
/*
 * --disk FILE[,readonly] number @index: open it and make @dev its disk.
 * 0, or an exit status with a message.
 */
int virtio_blk_open(struct virtio_dev *dev, const char *spec, int index);

#endif /* LVMM_CLI_VIRTIO_PCI_H */
