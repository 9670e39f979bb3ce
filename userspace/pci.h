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

#define PCI_BARS		6

struct pci_function;

/* What a function with memory BARs does. */
struct pci_function_ops {
	/* An access at @off in memory BAR @bar: @len bytes at @data. */
	void (*bar_access)(struct pci_function *f, int bar, uint64_t off,
			   bool write, unsigned int len, uint8_t *data);
	/*
	 * BAR @bar decodes at @addr now, or nowhere (0): the guest moved
	 * it or turned memory decoding on or off. Called under the bus lock.
	 */
	void (*bar_moved)(struct pci_function *f, int bar, uint64_t addr);
};

/*
 * One function's configuration space: what a read returns, and which bits
 * a write may change (a BAR's size shows as the bits it keeps at 0).
 */
struct pci_function {
	uint8_t conf[PCI_CONF_SIZE];
	uint8_t wmask[PCI_CONF_SIZE];
	uint32_t bar_size[PCI_BARS];	/* 32-bit memory BARs; 0: none */
	uint64_t bar_addr[PCI_BARS];	/* where each decodes; 0: nowhere */
	uint8_t last_cap;		/* the capability list's tail, or 0 */
	uint8_t cap_end;		/* the first byte after it */
	const struct pci_function_ops *ops;
	void *priv;
};

struct pci_bus {
	pthread_mutex_t lock;	/* @addr, @next_mmio, every function's conf */
	uint32_t addr;		/* the last value written to 0xcf8 */
	uint32_t next_mmio;	/* where pci_add() puts the next BAR */
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
/* An MMIO access inside a BAR that decodes: handled, true; else false. */
bool pci_mmio(struct pci_bus *bus, uint64_t gpa, bool write, unsigned int len,
	      uint8_t *data);

/* A type 0 header with these IDs; @class_rev is class << 8 | revision. */
void pci_function_init(struct pci_function *f, uint16_t vendor,
		       uint16_t device, uint32_t class_rev,
		       uint16_t subsys_vendor, uint16_t subsys);
/* Memory BAR @bar, 32-bit, of @size bytes (a power of two, >= 4 KiB). */
void pci_set_bar(struct pci_function *f, int bar, uint32_t size);
/* Append a capability (@cap[0] its ID); its offset in config space. */
uint8_t pci_add_cap(struct pci_function *f, const void *cap, uint8_t len);
/*
 * Put @f in the first free slot, its BARs placed in the MMIO window (as
 * firmware would; the guest may move them). Its slot, or -1 if full.
 */
int pci_add(struct pci_bus *bus, struct pci_function *f);

#endif /* LVMM_CLI_PCI_H */
