// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio 1.x PCI transport of lvmm run's devices (virtio 1.2, 4.1): the
 * vendor capabilities that point into BAR 0, the common configuration
 * registers, the ISR byte, MSI-X, and queue notifications.
 *
 * BAR 0 (16 KiB, 32-bit memory):
 *   0x0000  common configuration
 *   0x0800  MSI-X table, one entry per queue and one for configuration
 *   0x0c00  MSI-X pending bits
 *   0x1000  ISR status
 *   0x2000  the device-specific configuration, if the type has one
 *   0x3000  notifications: queue N at 0x3000 + 4 * N
 *
 * A notification is a guest write that KVM_IOEVENTFD turns into an eventfd
 * signal, registered wherever the guest puts BAR 0: the device's thread
 * wakes for it, and no vCPU thread leaves the guest. Interrupts are MSI-X
 * messages sent with KVM_SIGNAL_MSI from that thread. There is no INTx:
 * the DSDT's PCI0 has no _PRT.
 *
 * Locks: the bus lock (pci.c) comes before dev->lock, which guards the
 * registers and queues; the vCPU threads take it for register accesses,
 * the device's thread while it serves its queues.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "virtio_pci.h"

#define BAR_SIZE		0x4000
#define COMMON_OFF		0x0000
#define COMMON_LEN		0x0040
#define MSIX_TABLE_OFF		0x0800
#define MSIX_PBA_OFF		0x0c00
#define ISR_OFF			0x1000
#define DEVICE_CFG_OFF		0x2000
#define NOTIFY_OFF		0x3000
#define NOTIFY_MULT		4

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE_BASE	0x1040	/* + the virtio device ID */
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11
#define MSIX_ENABLE		0x8000
#define MSIX_FUNCTION_MASK	0x4000
#define MSIX_ENTRY_MASKED	0x1

static uint64_t device_features(const struct virtio_dev *dev)
{
	return dev->ops->features | dev->features | 1ULL << VIRTIO_F_VERSION_1;
}

static unsigned int msix_entries(const struct virtio_dev *dev)
{
	return dev->ops->num_queues + 1;
}

/*
 * The MSI-X capability's message control word: the capability is the last
 * one virtio_pci_add() added. Read without the bus lock, byte by byte: a
 * guest write lands before or after, either of which is fine.
 */
static uint16_t msix_control(struct virtio_dev *dev)
{
	const uint8_t *c = dev->pci.conf + dev->pci.last_cap;

	return __atomic_load_n(&c[2], __ATOMIC_RELAXED) |
	       __atomic_load_n(&c[3], __ATOMIC_RELAXED) << 8;
}

static void send_msi(struct virtio_dev *dev, unsigned int vector)
{
	struct msix_entry *e = &dev->msix[vector];
	struct kvm_msi msi = {
		.address_lo = e->addr_lo, .address_hi = e->addr_hi,
		.data = e->data,
	};

	if (ioctl(dev->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
		fprintf(stderr, "\r\nlvmm: %s: KVM_SIGNAL_MSI: %s\r\n",
			dev->ops->name, strerror(errno));
}

/* Raise MSI-X @vector: now, or pending while it is masked. */
static void raise_vector(struct virtio_dev *dev, uint16_t vector)
{
	uint16_t ctrl = msix_control(dev);

	if (vector >= msix_entries(dev) || !(ctrl & MSIX_ENABLE))
		return;		/* no vector, no INTx: nothing to raise */
	if ((ctrl & MSIX_FUNCTION_MASK) || (dev->msix[vector].ctrl & MSIX_ENTRY_MASKED)) {
		dev->msix_pending |= 1u << vector;
		return;
	}
	send_msi(dev, vector);
}

/* An unmask delivers what became pending meanwhile. */
static void deliver_pending(struct virtio_dev *dev)
{
	uint16_t ctrl = msix_control(dev);
	unsigned int v;

	if (!(ctrl & MSIX_ENABLE) || (ctrl & MSIX_FUNCTION_MASK))
		return;
	for (v = 0; v < msix_entries(dev); v++) {
		if (!(dev->msix_pending & (1u << v)) ||
		    (dev->msix[v].ctrl & MSIX_ENTRY_MASKED))
			continue;
		dev->msix_pending &= ~(1u << v);
		send_msi(dev, v);
	}
}

void virtio_pci_interrupt(struct virtio_dev *dev, unsigned int q)
{
	if (!virtq_wants_interrupt(&dev->vq[q]))
		return;
	dev->isr |= 1;
	raise_vector(dev, dev->qregs[q].msix_vector);
}

void virtio_pci_broken(struct virtio_dev *dev, unsigned int q, const char *why)
{
	if (!dev->broken_logged)
		fprintf(stderr, "\r\nlvmm: %s: queue %u: %s; the device needs a reset\r\n",
			dev->ops->name, q, why);
	dev->broken_logged = true;
	if (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	dev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	dev->config_generation++;
	dev->isr |= 2;		/* a configuration change */
	raise_vector(dev, dev->msix_config);
}

static void reset(struct virtio_dev *dev)
{
	unsigned int q;

	dev->dfselect = dev->gfselect = 0;
	dev->driver_features = 0;
	dev->status = 0;
	dev->isr = 0;
	dev->queue_select = 0;
	dev->msix_config = VIRTIO_MSI_NO_VECTOR;
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		dev->qregs[q] = (struct virtio_queue_regs){
			.size = dev->ops->queue_max,
			.msix_vector = VIRTIO_MSI_NO_VECTOR,
		};
		memset(&dev->vq[q], 0, sizeof(dev->vq[q]));
	}
	dev->broken_logged = false;
	if (dev->ops->reset)
		dev->ops->reset(dev);
}

static struct virtio_queue_regs *selected(struct virtio_dev *dev)
{
	return dev->queue_select < dev->ops->num_queues ?
	       &dev->qregs[dev->queue_select] : NULL;
}

static uint64_t common_read(struct virtio_dev *dev, unsigned int off)
{
	struct virtio_queue_regs *r = selected(dev);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return dev->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return dev->dfselect < 2 ? (uint32_t)(device_features(dev) >> (32 * dev->dfselect)) : 0;
	case VIRTIO_PCI_COMMON_GFSELECT:
		return dev->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return dev->gfselect < 2 ? (uint32_t)(dev->driver_features >> (32 * dev->gfselect)) : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return dev->msix_config;
	case VIRTIO_PCI_COMMON_NUMQ:
		return dev->ops->num_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return dev->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return dev->config_generation;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return dev->queue_select;
	}
	if (!r)
		return 0;	/* queue_size 0: no such queue */
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return r->size;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return r->msix_vector;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return r->enabled;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return dev->queue_select;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		return (uint32_t)r->desc;
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		return r->desc >> 32;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		return (uint32_t)r->driver;
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		return r->driver >> 32;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		return (uint32_t)r->device;
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return r->device >> 32;
	}
	return 0;
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	*v = high ? (*v & 0xffffffffULL) | (uint64_t)val << 32 :
		    (*v & ~0xffffffffULL) | val;
}

static void write_status(struct virtio_dev *dev, uint8_t val)
{
	if (!val) {
		reset(dev);
		return;
	}
	/* FEATURES_OK only for features the device has, VERSION_1 among them. */
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((dev->driver_features & ~device_features(dev)) ||
	     !(dev->driver_features & (1ULL << VIRTIO_F_VERSION_1))))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	dev->status = val | (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void enable_queue(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_queue_regs *r = &dev->qregs[q];

	if (r->size > dev->ops->queue_max) {
		snprintf(dev->vq[q].broken, sizeof(dev->vq[q].broken),
			 "queue size %u is above the device's %u", r->size,
			 dev->ops->queue_max);
	} else if (virtq_setup(&dev->vq[q], dev->mem, dev->mem_size, r->size,
			       r->desc, r->driver, r->device) == 0) {
		r->enabled = true;
		return;
	}
	virtio_pci_broken(dev, q, dev->vq[q].broken);
}

static void common_write(struct virtio_dev *dev, unsigned int off, uint32_t val)
{
	struct virtio_queue_regs *r = selected(dev);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		dev->dfselect = val;
		return;
	case VIRTIO_PCI_COMMON_GFSELECT:
		dev->gfselect = val;
		return;
	case VIRTIO_PCI_COMMON_GF:
		if (dev->gfselect < 2 && !(dev->status & VIRTIO_CONFIG_S_FEATURES_OK))
			set_half(&dev->driver_features, dev->gfselect, val);
		return;
	case VIRTIO_PCI_COMMON_MSIX:
		dev->msix_config = val < msix_entries(dev) ? val : VIRTIO_MSI_NO_VECTOR;
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		write_status(dev, val);
		return;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		dev->queue_select = val;
		return;
	}
	/* A queue's registers are set before it is enabled, never after. */
	if (!r || r->enabled)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		r->size = val;
		break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		r->msix_vector = val < msix_entries(dev) ? val : VIRTIO_MSI_NO_VECTOR;
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (val == 1)
			enable_queue(dev, dev->queue_select);
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		set_half(&r->desc, off == VIRTIO_PCI_COMMON_Q_DESCHI, val);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		set_half(&r->driver, off == VIRTIO_PCI_COMMON_Q_AVAILHI, val);
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		set_half(&r->device, off == VIRTIO_PCI_COMMON_Q_USEDHI, val);
		break;
	}
}

/* A 64-bit access to a queue address is its two halves. */
static void common_access(struct virtio_dev *dev, unsigned int off, bool write,
			  unsigned int len, uint8_t *data)
{
	uint64_t v = 0;

	if (len == 8) {
		common_access(dev, off, write, 4, data);
		common_access(dev, off + 4, write, 4, data + 4);
		return;
	}
	if (write) {
		memcpy(&v, data, len);
		common_write(dev, off, v);
	} else {
		v = common_read(dev, off);
		memcpy(data, &v, len);
	}
}

static void msix_access(struct virtio_dev *dev, unsigned int off, bool write,
			unsigned int len, uint8_t *data)
{
	unsigned int entry = off / 16, word = (off % 16) / 4;
	uint32_t *w, v = 0;

	if (entry >= msix_entries(dev) || len != 4) {
		if (!write)
			memset(data, 0, len);
		return;
	}
	w = &dev->msix[entry].addr_lo + word;
	if (!write) {
		memcpy(data, w, 4);
		return;
	}
	memcpy(&v, data, 4);
	*w = word == 3 ? v & MSIX_ENTRY_MASKED : v;
	if (word == 3 && !(v & MSIX_ENTRY_MASKED))
		deliver_pending(dev);
}

static void bar_access(struct pci_function *f, int bar, uint64_t off,
		       bool is_write, unsigned int len, uint8_t *data)
{
	struct virtio_dev *dev = f->priv;
	uint64_t one = 1;
	unsigned int q;

	pthread_mutex_lock(&dev->lock);
	if (off < COMMON_OFF + COMMON_LEN) {
		common_access(dev, off - COMMON_OFF, is_write, len, data);
	} else if (off >= MSIX_TABLE_OFF && off < MSIX_PBA_OFF) {
		msix_access(dev, off - MSIX_TABLE_OFF, is_write, len, data);
	} else if (off >= MSIX_PBA_OFF && off < MSIX_PBA_OFF + 8 && !is_write) {
		memset(data, 0, len);
		if (off == MSIX_PBA_OFF)
			memcpy(data, &dev->msix_pending, len < 4 ? len : 4);
	} else if (off == ISR_OFF && !is_write) {
		memset(data, 0, len);
		data[0] = dev->isr;
		dev->isr = 0;	/* reading acknowledges */
	} else if (off >= DEVICE_CFG_OFF && off < NOTIFY_OFF && !is_write) {
		memset(data, 0, len);
		if (off - DEVICE_CFG_OFF + len <= dev->ops->config_size)
			dev->ops->config_read(dev, off - DEVICE_CFG_OFF, data, len);
	} else if (off >= NOTIFY_OFF && is_write) {
		/* Without its ioeventfd (or before it): the same signal. */
		q = (off - NOTIFY_OFF) / NOTIFY_MULT;
		if (q < dev->ops->num_queues && write(dev->notify_fd[q], &one, 8) != 8)
			fprintf(stderr, "\r\nlvmm: %s: notify: %s\r\n", dev->ops->name,
				strerror(errno));
	} else if (!is_write) {
		memset(data, 0, len);
	}
	pthread_mutex_unlock(&dev->lock);
}

/* (Un)register the notification eventfds at @base + NOTIFY_OFF. */
static void set_ioeventfds(struct virtio_dev *dev, uint64_t base, bool assign)
{
	unsigned int q;

	for (q = 0; q < dev->ops->num_queues; q++) {
		struct kvm_ioeventfd io = {
			.addr = base + NOTIFY_OFF + q * NOTIFY_MULT,
			.len = 0,	/* any width */
			.fd = dev->notify_fd[q],
			.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
		};

		if (ioctl(dev->vm_fd, KVM_IOEVENTFD, &io) < 0)
			fprintf(stderr, "\r\nlvmm: %s: KVM_IOEVENTFD at 0x%llx: %s (notifications go through the vCPU)\r\n",
				dev->ops->name, (unsigned long long)io.addr, strerror(errno));
	}
}

static void bar_moved(struct pci_function *f, int bar, uint64_t addr)
{
	struct virtio_dev *dev = f->priv;

	pthread_mutex_lock(&dev->lock);
	if (dev->notify_base)
		set_ioeventfds(dev, dev->notify_base, false);
	dev->notify_base = addr;
	if (addr)
		set_ioeventfds(dev, addr, true);
	pthread_mutex_unlock(&dev->lock);
}

static const struct pci_function_ops virtio_pci_function_ops = {
	.bar_access = bar_access,
	.bar_moved = bar_moved,
};

/* A virtio vendor capability for a region of BAR 0. */
static void add_region_cap(struct virtio_dev *dev, uint8_t type, uint32_t off,
			   uint32_t len)
{
	struct virtio_pci_notify_cap c = {
		.cap = {
			.cap_vndr = PCI_CAP_ID_VNDR,
			.cap_len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ?
				   sizeof(c) : sizeof(c.cap),
			.cfg_type = type, .bar = 0,
			.offset = off, .length = len,
		},
		.notify_off_multiplier = NOTIFY_MULT,
	};

	pci_add_cap(&dev->pci, &c, c.cap.cap_len);
}

int virtio_pci_add(struct virtio_dev *dev, const struct virtio_dev_ops *ops,
		   struct pci_bus *bus, int vm_fd, uint8_t *mem,
		   uint64_t mem_size)
{
	uint8_t msix[12] = { PCI_CAP_ID_MSIX };
	unsigned int q, n = ops->num_queues + 1;
	uint8_t off;

	dev->ops = ops;
	dev->vm_fd = vm_fd;
	dev->mem = mem;
	dev->mem_size = mem_size;
	dev->stop_fd = -1;
	pthread_mutex_init(&dev->lock, NULL);
	reset(dev);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
		dev->notify_fd[q] = -1;
	for (q = 0; q < ops->num_queues; q++) {
		dev->notify_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dev->notify_fd[q] < 0)
			goto fail;
	}
	dev->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (dev->stop_fd < 0)
		goto fail;

	pci_function_init(&dev->pci, VIRTIO_PCI_VENDOR,
			  VIRTIO_PCI_DEVICE_BASE + ops->device_id, ops->class_rev,
			  VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_BASE + ops->device_id);
	dev->pci.ops = &virtio_pci_function_ops;
	dev->pci.priv = dev;
	pci_set_bar(&dev->pci, 0, BAR_SIZE);
	add_region_cap(dev, VIRTIO_PCI_CAP_COMMON_CFG, COMMON_OFF, COMMON_LEN);
	add_region_cap(dev, VIRTIO_PCI_CAP_NOTIFY_CFG, NOTIFY_OFF,
		       NOTIFY_MULT * ops->num_queues);
	add_region_cap(dev, VIRTIO_PCI_CAP_ISR_CFG, ISR_OFF, 1);
	if (ops->config_size)
		add_region_cap(dev, VIRTIO_PCI_CAP_DEVICE_CFG, DEVICE_CFG_OFF,
			       ops->config_size);
	/* MSI-X last (msix_control() finds it there): table and PBA in BAR 0. */
	msix[2] = n - 1;		/* table size - 1 */
	msix[4] = MSIX_TABLE_OFF & 0xff;	/* BIR 0 */
	msix[5] = MSIX_TABLE_OFF >> 8;
	msix[8] = MSIX_PBA_OFF & 0xff;
	msix[9] = MSIX_PBA_OFF >> 8;
	off = pci_add_cap(&dev->pci, msix, sizeof(msix));
	dev->pci.wmask[off + 3] = (MSIX_ENABLE | MSIX_FUNCTION_MASK) >> 8;
	for (q = 0; q < n; q++)
		dev->msix[q].ctrl = MSIX_ENTRY_MASKED;
	if (pci_add(bus, &dev->pci) < 0) {
		fprintf(stderr, "lvmm: %s: no free PCI slot\n", ops->name);
		errno = ENOSPC;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "lvmm: %s: %s\n", ops->name, strerror(errno));
	return -errno;
}

static void *device_thread(void *arg)
{
	struct virtio_dev *dev = arg;
	struct pollfd p[VIRTIO_MAX_QUEUES + 1];
	unsigned int q, n = dev->ops->num_queues;
	uint64_t count;

	for (q = 0; q < n; q++)
		p[q] = (struct pollfd){ .fd = dev->notify_fd[q], .events = POLLIN };
	p[n] = (struct pollfd){ .fd = dev->stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(p, n + 1, -1) < 0 && errno != EINTR)
			break;
		if (p[n].revents)
			break;
		for (q = 0; q < n; q++) {
			if (!p[q].revents || read(dev->notify_fd[q], &count, 8) != 8)
				continue;
			pthread_mutex_lock(&dev->lock);
			if (dev->qregs[q].enabled &&
			    (dev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
			    !(dev->status & VIRTIO_CONFIG_S_NEEDS_RESET))
				dev->ops->queue_notify(dev, q);
			pthread_mutex_unlock(&dev->lock);
		}
	}
	return NULL;
}

int virtio_pci_start(struct virtio_dev *dev)
{
	if (pthread_create(&dev->thread, NULL, device_thread, dev))
		return -1;
	dev->started = true;
	return 0;
}

void virtio_pci_stop(struct virtio_dev *dev)
{
	uint64_t one = 1;

	if (dev->started && write(dev->stop_fd, &one, 8) == 8)
		pthread_join(dev->thread, NULL);
	dev->started = false;
}
