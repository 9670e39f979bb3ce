/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PCI bus of lvmm run's Linux platform (pci.c; Documentation/
 * platform.rst): bus 0 only, configuration mechanism #1 at ports
 * 0xcf8-0xcff, described to the guest by the DSDT's PCI0 (acpi.c).
 */
#ifndef LVMM_CLI_PCI_H
#define LVMM_CLI_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define PCI_CONF_ADDR		0xcf8
#define PCI_CONF_DATA		0xcfc
#define PCI_SLOTS		32
#define PCI_CONF_SIZE		256

/* The memory window PCI0's _CRS offers for BARs: the 32-bit MMIO hole. */
#define PCI_MMIO_BASE		0xc0000000u
#define PCI_MMIO_END		0xfebfffffu	/* below the IOAPIC */

/*
 * One function's configuration space: what a read returns, and which bits
 * a write may change (a BAR's size shows as the bits it keeps at 0).
 */
struct pci_function {
	uint8_t conf[PCI_CONF_SIZE];
	uint8_t wmask[PCI_CONF_SIZE];
};

struct pci_bus {
	pthread_mutex_t lock;	/* @addr and every function's @conf */
	uint32_t addr;		/* the last value written to 0xcf8 */
	struct pci_function *slot[PCI_SLOTS];	/* function 0 of each slot */
	struct pci_function host_bridge;	/* 00:00.0 */
};

/* The bus with its host bridge at 00:00.0. */
void pci_init(struct pci_bus *bus);
/*
 * A port access the bus claims (a dword at 0xcf8, anything at 0xcfc-0xcff):
 * @data holds @size bytes (1, 2 or 4) to write or read into. False for any
 * other access.
 */
bool pci_io(struct pci_bus *bus, uint16_t port, bool in, unsigned int size,
	    uint8_t *data);

#endif /* LVMM_CLI_PCI_H */
