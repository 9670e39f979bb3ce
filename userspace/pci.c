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

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

void pci_init(struct pci_bus *bus)
{
	struct pci_function *f = &bus->host_bridge;

	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	put16(f->conf + PCI_VENDOR_ID, HOST_BRIDGE_VENDOR);
	put16(f->conf + PCI_DEVICE_ID, HOST_BRIDGE_DEVICE);
	put16(f->conf + PCI_SUBSYSTEM_VENDOR_ID, HOST_BRIDGE_VENDOR);
	put16(f->conf + PCI_SUBSYSTEM_ID, HOST_BRIDGE_DEVICE);
	/* Revision 1, class code 06 00 00 (host bridge). */
	f->conf[PCI_CLASS_REVISION] = 1;
	f->conf[PCI_CLASS_REVISION + 3] = CLASS_HOST_BRIDGE >> 16;
	f->conf[PCI_HEADER_TYPE] = 0;	/* type 0, single function */
	/* Memory space and bus master may be set; nothing else sticks. */
	f->wmask[PCI_COMMAND] = 0x06;
	bus->slot[0] = f;
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
