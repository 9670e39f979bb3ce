// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 for lvmm run's Linux platform: the guest
 * writes a bus/device/function/register address to port 0xcf8, with bit
 * 31 set, and reads or writes the register through ports 0xcfc-0xcff
 * (PCI Local Bus 3.0, 3.2.2.3.2). Bus 0 only; a function that is not there
 * reads as all ones, as on hardware, and ignores writes.
 *
 * 00:00.0 is a host bridge: Linux's check that mechanism #1 works
 * (pci_sanity_check()) looks for a host bridge's class code. virtio
 * devices will take the other slots (Documentation/platform.rst).
 */
#include <string.h>

#include "pci.h"

#define CONF_ENABLE		0x80000000u
#define CONF_BUS(a)		(((a) >> 16) & 0xff)
#define CONF_SLOT(a)		(((a) >> 11) & 0x1f)
#define CONF_FUNC(a)		(((a) >> 8) & 0x7)
#define CONF_REG(a)		((a) & 0xfc)

#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e

/*
 * The host bridge's IDs: Red Hat's PCI vendor ID, which virtio devices
 * carry too, with a device ID from the range virtio does not use.
 */
#define HOST_BRIDGE_VENDOR	0x1af4
#define HOST_BRIDGE_DEVICE	0x10f0
#define CLASS_HOST_BRIDGE	0x060000

#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_CAPABILITY_LIST	0x34
#define PCI_COMMAND_MEMORY	0x02
#define CAP_START		0x40

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void pci_function_init(struct pci_function *f, uint16_t vendor,
		       uint16_t device, uint32_t class_rev,
		       uint16_t subsys_vendor, uint16_t subsys)
{
	memset(f, 0, sizeof(*f));
	put16(f->conf + PCI_VENDOR_ID, vendor);
	put16(f->conf + PCI_DEVICE_ID, device);
	put32(f->conf + PCI_CLASS_REVISION, class_rev);
	put16(f->conf + PCI_SUBSYSTEM_VENDOR_ID, subsys_vendor);
	put16(f->conf + PCI_SUBSYSTEM_ID, subsys);
	f->conf[PCI_HEADER_TYPE] = 0;	/* type 0, single function */
	/* Memory space and bus master may be set; nothing else sticks. */
	f->wmask[PCI_COMMAND] = 0x06;
}

void pci_set_bar(struct pci_function *f, int bar, uint32_t size)
{
	f->bar_size[bar] = size;
	/* 32-bit memory, not prefetchable: the low 4 bits read 0. */
	put32(f->wmask + PCI_BASE_ADDRESS_0 + 4 * bar, ~(size - 1));
}

uint8_t pci_add_cap(struct pci_function *f, const void *cap, uint8_t len)
{
	/* Each dword aligned, after the last. */
	uint8_t off = f->cap_end ? (f->cap_end + 3) & ~3 : CAP_START;

	memcpy(f->conf + off, cap, len);
	f->cap_end = off + len;
	f->conf[off + 1] = 0;
	if (f->last_cap)
		f->conf[f->last_cap + 1] = off;
	else
		f->conf[PCI_CAPABILITY_LIST] = off;
	f->conf[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	f->last_cap = off;
	return off;
}

void pci_init(struct pci_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	pci_function_init(&bus->host_bridge, HOST_BRIDGE_VENDOR,
			  HOST_BRIDGE_DEVICE, CLASS_HOST_BRIDGE << 8 | 1,
			  HOST_BRIDGE_VENDOR, HOST_BRIDGE_DEVICE);
	bus->slot[0] = &bus->host_bridge;
	bus->next_mmio = PCI_MMIO_BASE;
}

int pci_add(struct pci_bus *bus, struct pci_function *f)
{
	int slot, bar;

	pthread_mutex_lock(&bus->lock);
	for (slot = 1; slot < PCI_SLOTS && bus->slot[slot]; slot++)
		;
	if (slot == PCI_SLOTS) {
		pthread_mutex_unlock(&bus->lock);
		return -1;
	}
	for (bar = 0; bar < PCI_BARS; bar++) {
		uint32_t size = f->bar_size[bar];

		if (!size)
			continue;
		bus->next_mmio = (bus->next_mmio + size - 1) & ~(size - 1);
		put32(f->conf + PCI_BASE_ADDRESS_0 + 4 * bar, bus->next_mmio);
		bus->next_mmio += size;
	}
	bus->slot[slot] = f;
	pthread_mutex_unlock(&bus->lock);
	return slot;
}

/* After a config write: where each BAR decodes now, and who must know. */
static void update_bars(struct pci_function *f)
{
	bool on = f->conf[PCI_COMMAND] & PCI_COMMAND_MEMORY;
	uint64_t addr;
	int bar;

	for (bar = 0; bar < PCI_BARS; bar++) {
		if (!f->bar_size[bar])
			continue;
		addr = on ? get32(f->conf + PCI_BASE_ADDRESS_0 + 4 * bar) & ~0xfu : 0;
		/* A BAR sized or parked outside the window decodes nowhere. */
		if (addr < PCI_MMIO_BASE || addr + f->bar_size[bar] - 1 > PCI_MMIO_END)
			addr = 0;
		if (addr == f->bar_addr[bar])
			continue;
		f->bar_addr[bar] = addr;
		if (f->ops && f->ops->bar_moved)
			f->ops->bar_moved(f, bar, addr);
	}
}

bool pci_mmio(struct pci_bus *bus, uint64_t gpa, bool write, unsigned int len,
	      uint8_t *data)
{
	struct pci_function *f;
	int slot, bar;

	if (gpa < PCI_MMIO_BASE || gpa > PCI_MMIO_END)
		return false;
	pthread_mutex_lock(&bus->lock);
	for (slot = 1; slot < PCI_SLOTS; slot++) {
		f = bus->slot[slot];
		if (!f)
			continue;
		for (bar = 0; bar < PCI_BARS; bar++) {
			uint64_t base = f->bar_addr[bar];

			if (!base || gpa < base || gpa + len > base + f->bar_size[bar])
				continue;
			pthread_mutex_unlock(&bus->lock);
			/* Functions live as long as the bus: no reference. */
			f->ops->bar_access(f, bar, gpa - base, write, len, data);
			return true;
		}
	}
	pthread_mutex_unlock(&bus->lock);
	return false;
}

/* The function the address in 0xcf8 selects, or NULL. */
static struct pci_function *selected(struct pci_bus *bus)
{
	uint32_t a = bus->addr;

	if (!(a & CONF_ENABLE) || CONF_BUS(a) || CONF_FUNC(a))
		return NULL;
	return bus->slot[CONF_SLOT(a)];
}

static void conf_data(struct pci_bus *bus, unsigned int off, bool in,
		      unsigned int size, uint8_t *data)
{
	struct pci_function *f = selected(bus);
	unsigned int reg = CONF_REG(bus->addr) + off, i;

	for (i = 0; i < size; i++) {
		if (in)
			data[i] = f ? f->conf[reg + i] : 0xff;
		else if (f)
			f->conf[reg + i] = (f->conf[reg + i] & ~f->wmask[reg + i]) |
					   (data[i] & f->wmask[reg + i]);
	}
	if (!in && f)
		update_bars(f);
}

bool pci_io(struct pci_bus *bus, uint16_t port, bool in, unsigned int size,
	    uint8_t *data)
{
	uint32_t v;

	/* Only dword accesses reach 0xcf8: 0xcf9's byte is the reset port. */
	if (port == PCI_CONF_ADDR && size == 4) {
		pthread_mutex_lock(&bus->lock);
		if (in) {
			memcpy(data, &bus->addr, 4);
		} else {
			memcpy(&v, data, 4);
			bus->addr = v & 0x80fffffc;	/* reserved bits read 0 */
		}
		pthread_mutex_unlock(&bus->lock);
		return true;
	}
	if (port < PCI_CONF_DATA || port >= PCI_CONF_DATA + 4)
		return false;
	pthread_mutex_lock(&bus->lock);
	/* An access may not run past the register's last byte. */
	if (port - PCI_CONF_DATA + size <= 4)
		conf_data(bus, port - PCI_CONF_DATA, in, size, data);
	else if (in)
		memset(data, 0xff, size);
	pthread_mutex_unlock(&bus->lock);
	return true;
}
