// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables of lvmm's Linux platform (Documentation/platform.rst):
 * an RSDP, an XSDT, a hardware-reduced FADT, a DSDT that names the S5
 * sleep state, COM1 and the PCI host bridge, and a MADT listing one local
 * APIC per vCPU and the IOAPIC.
 *
 * Hardware-reduced ACPI is what tells a kernel there is no 8259 PIC, no
 * PIT, no CMOS RTC and no PM timer, so it neither probes nor waits for
 * them. Poweroff is the FADT's sleep control register and reboot its reset
 * register, both I/O ports the launcher watches.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pci.h"

#define OEM_ID		"LVMM  "
#define OEM_TABLE_ID	"LVMMPLAT"

/* FADT flags and IA-PC boot architecture flags (ACPI 6.x, 5.2.9). */
#define FADT_WBINVD		(1u << 0)
#define FADT_PWR_BUTTON		(1u << 4)	/* no fixed power button */
#define FADT_SLP_BUTTON		(1u << 5)	/* no fixed sleep button */
#define FADT_RESET_REG_SUP	(1u << 10)
#define FADT_HW_REDUCED_ACPI	(1u << 20)
#define BOOT_ARCH_NO_VGA	(1u << 2)
#define BOOT_ARCH_NO_CMOS_RTC	(1u << 5)

#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1

#define MADT_LOCAL_APIC		0
#define MADT_IOAPIC		1

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

/* ACPI 6.0 FADT: revision 6, 276 bytes. */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t legacy_regs[43];	/* ACPI_ENABLE .. GPE1_BASE: unused */
	uint8_t cst_cnt;
	uint8_t c_state_and_rtc[13];	/* P_LVL2_LAT .. CENTURY: unused */
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_legacy_blocks[8];	/* X_PM1a_EVT .. X_GPE1: unused */
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
	uint64_t hypervisor_vendor;
} __attribute__((packed));

struct madt_local_apic {
	uint8_t type, length, processor_uid, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_ioapic {
	uint8_t type, length, id, reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

/*
 * The DSDT's body, AML built by the functions below:
 *
 *   Name (_S5, Package (4) { 5, 0, 0, 0 })
 *   Scope (\_SB) {
 *     Device (COM1) {
 *       Name (_HID, EisaId ("PNP0501"))
 *       Name (_UID, 1)
 *       Name (_CRS, ResourceTemplate () {
 *         IO (Decode16, 0x3f8, 0x3f8, 0, 8)
 *         IRQNoFlags () { 4 }
 *       })
 *     }
 *     Device (PCI0) {
 *       Name (_HID, EisaId ("PNP0A03"))
 *       Name (_UID, 0)
 *       Name (_CRS, ResourceTemplate () {
 *         WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
 *                        0, 0, 0, 0, 1)
 *         IO (Decode16, 0xcf8, 0xcf8, 1, 8)
 *         DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
 *                      NonCacheable, ReadWrite, 0, PCI_MMIO_BASE,
 *                      PCI_MMIO_END, 0, PCI_MMIO_END - PCI_MMIO_BASE + 1)
 *       })
 *     }
 *   }
 *
 * The kernel writes SLP_TYP 5 with SLP_EN to the sleep control register to
 * power off. COM1 is described because a hardware-reduced platform has no
 * ISA interrupts: only a device that names GSI 4 gets it mapped, and the
 * 8250 driver then takes the port over from its legacy probe. PCI0 is bus
 * 0 (pci.c), reached through configuration mechanism #1, with the 32-bit
 * MMIO hole for its devices' BARs. It has no _PRT: its devices interrupt
 * by MSI-X, not INTx.
 */
#define AML_NAME		0x08
#define AML_BYTE		0x0a
#define AML_DWORD		0x0c
#define AML_SCOPE		0x10
#define AML_BUFFER		0x11
#define AML_PACKAGE		0x12
#define AML_EXT			0x5b
#define AML_DEVICE		0x82

struct aml {
	uint8_t *p;
	size_t len, size;
};

static void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->len + n <= a->size)
		memcpy(a->p + a->len, p, n);
	a->len += n;
}

static void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/*
 * Wrap what was emitted since @start in a package: @op (one byte, or
 * AML_EXT and one) and a PkgLength, which counts itself and what follows
 * (ACPI 6.x, 20.2.4); one byte up to 63, two up to 4095.
 */
static void aml_wrap(struct aml *a, size_t start, uint8_t op_ext, uint8_t op)
{
	size_t body = a->len - start, head = (op_ext ? 2 : 1);
	size_t pkg = body + 1 <= 63 ? 1 : 2, len = body + pkg;
	uint8_t h[4];

	h[0] = op_ext ? op_ext : op;
	h[1] = op;
	if (pkg == 1) {
		h[head] = len;
	} else {
		h[head] = 0x40 | (len & 0xf);
		h[head + 1] = len >> 4;
	}
	if (a->len + head + pkg <= a->size) {
		memmove(a->p + start + head + pkg, a->p + start, body);
		memcpy(a->p + start, h, head + pkg);
	}
	a->len += head + pkg;
}

/* Name (SEG, Buffer () { @res }) for a resource template. */
static void aml_name_resources(struct aml *a, const char *seg,
			       const uint8_t *res, size_t n)
{
	size_t start;

	aml_byte(a, AML_NAME);
	aml_bytes(a, seg, 4);
	start = a->len;
	aml_byte(a, AML_BYTE);
	aml_byte(a, n);
	aml_bytes(a, res, n);
	aml_wrap(a, start, 0, AML_BUFFER);
}

static void aml_name_eisaid(struct aml *a, const char *seg, const uint8_t id[4])
{
	aml_byte(a, AML_NAME);
	aml_bytes(a, seg, 4);
	aml_byte(a, AML_DWORD);
	aml_bytes(a, id, 4);
}

/* Name (SEG, small integer): Zero, One or a byte. */
static void aml_name_int(struct aml *a, const char *seg, uint8_t v)
{
	aml_byte(a, AML_NAME);
	aml_bytes(a, seg, 4);
	if (v > 1)
		aml_byte(a, AML_BYTE);
	aml_byte(a, v);
}

/* Device (SEG) { Name (_HID, @hid) Name (_UID, @uid) Name (_CRS, @crs) } */
static void aml_device(struct aml *a, const char *seg, const uint8_t hid[4],
		       uint8_t uid, const uint8_t *crs, size_t n)
{
	size_t start = a->len;

	aml_bytes(a, seg, 4);
	aml_name_eisaid(a, "_HID", hid);
	aml_name_int(a, "_UID", uid);
	aml_name_resources(a, "_CRS", crs, n);
	aml_wrap(a, start, AML_EXT, AML_DEVICE);
}

static const uint8_t com1_hid[4] = { 0x41, 0xd0, 0x05, 0x01 };	/* PNP0501 */
static const uint8_t pci0_hid[4] = { 0x41, 0xd0, 0x0a, 0x03 };	/* PNP0A03 */

static const uint8_t com1_crs[] = {
	0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08,	/* IO 0x3f8, 8 */
	0x22, 1 << UART_GSI, 0x00,			/* IRQ 4 */
	0x79, 0x00,					/* end tag */
};

#define LE16(v)	((v) & 0xff), (((v) >> 8) & 0xff)
#define LE32(v)	LE16((v) & 0xffff), LE16((v) >> 16)

static const uint8_t pci0_crs[] = {
	/* WordBusNumber: producer, min and max fixed, bus 0 only. */
	0x88, LE16(13), 0x02, 0x0c, 0x00,
	LE16(0), LE16(0), LE16(0), LE16(0), LE16(1),
	/* IO: the configuration ports. */
	0x47, 0x01, LE16(PCI_CONF_ADDR), LE16(PCI_CONF_ADDR), 0x01, 0x08,
	/* DWordMemory: producer, min and max fixed, read-write. */
	0x87, LE16(23), 0x00, 0x0c, 0x01,
	LE32(0), LE32(PCI_MMIO_BASE), LE32(PCI_MMIO_END), LE32(0),
	LE32(PCI_MMIO_END - PCI_MMIO_BASE + 1),
	0x79, 0x00,
};

/* The DSDT body into @buf; its length (more than @size: it did not fit). */
static size_t build_dsdt_aml(uint8_t *buf, size_t size)
{
	struct aml a = { .p = buf, .size = size };
	size_t scope, s5_start;
	static const uint8_t s5[] = {
		0x04, AML_BYTE, ACPI_S5_SLEEP_TYPE, 0x00, 0x00, 0x00,
	};

	aml_byte(&a, AML_NAME);
	aml_bytes(&a, "_S5_", 4);
	s5_start = a.len;
	aml_bytes(&a, s5, sizeof(s5));
	aml_wrap(&a, s5_start, 0, AML_PACKAGE);

	scope = a.len;
	aml_bytes(&a, "_SB_", 4);
	aml_device(&a, "COM1", com1_hid, 1, com1_crs, sizeof(com1_crs));
	aml_device(&a, "PCI0", pci0_hid, 0, pci0_crs, sizeof(pci0_crs));
	aml_wrap(&a, scope, 0, AML_SCOPE);
	return a.len;
}

_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

static void header(struct acpi_header *h, const char *sig, uint32_t len,
		   uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, OEM_ID, 6);
	memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "LVMM", 4);
	h->creator_revision = 1;
	h->checksum = 0;
	h->checksum = checksum(h, len);
}

static struct acpi_gas io_reg(uint16_t port)
{
	return (struct acpi_gas){
		.space_id = GAS_SYSTEM_IO, .bit_width = 8,
		.access_size = GAS_ACCESS_BYTE, .address = port,
	};
}

static void build_fadt(struct acpi_fadt *f, uint64_t dsdt)
{
	memset(f, 0, sizeof(*f));
	f->dsdt = dsdt;
	f->x_dsdt = dsdt;
	/* MSI is there: the virtio devices on PCI0 interrupt with MSI-X. */
	f->iapc_boot_arch = BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC;
	f->flags = FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
		   FADT_RESET_REG_SUP | FADT_HW_REDUCED_ACPI;
	f->reset_reg = io_reg(PORT_RESET);
	f->reset_value = RESET_VALUE;
	f->sleep_control = io_reg(PORT_ACPI_SLEEP_CONTROL);
	f->sleep_status = io_reg(PORT_ACPI_SLEEP_STATUS);
	memcpy(&f->hypervisor_vendor, "LVMM\0\0\0\0", 8);
	header(&f->h, "FACP", sizeof(*f), 6);
}

static uint32_t build_madt(uint8_t *p, int nr_cpus)
{
	struct acpi_header *h = (void *)p;
	uint32_t *lapic_addr_and_flags = (void *)(h + 1);
	uint8_t *e = (uint8_t *)(lapic_addr_and_flags + 2);
	struct madt_ioapic io = {
		.type = MADT_IOAPIC, .length = sizeof(io), .id = nr_cpus,
		.address = IOAPIC_ADDR, .gsi_base = 0,
	};
	int i;

	lapic_addr_and_flags[0] = LAPIC_ADDR;
	lapic_addr_and_flags[1] = 0;	/* no PCAT_COMPAT: there is no 8259 */
	for (i = 0; i < nr_cpus; i++) {
		struct madt_local_apic l = {
			.type = MADT_LOCAL_APIC, .length = sizeof(l),
			.processor_uid = i, .apic_id = i, .flags = 1,
		};

		memcpy(e, &l, sizeof(l));
		e += sizeof(l);
	}
	memcpy(e, &io, sizeof(io));
	e += sizeof(io);
	header(h, "APIC", e - p, 5);
	return e - p;
}

/* Lay the tables out from ACPI_TABLES_ADDR; returns the RSDP's address. */
int acpi_setup(uint8_t *mem, int nr_cpus, uint64_t *rsdp_addr)
{
	uint64_t addr = ACPI_TABLES_ADDR, xsdt_addr, fadt_addr, madt_addr;
	uint64_t dsdt_addr;
	struct acpi_rsdp *rsdp = (void *)(mem + addr);
	struct acpi_header *h;
	uint64_t *xsdt_entries;
	uint32_t len;

	if (nr_cpus > 254) {
		fprintf(stderr, "lvmm: the MADT has xAPIC entries only: at most 254 vCPUs\n");
		return CLI_USAGE;
	}
	memset(mem + ACPI_TABLES_ADDR, 0, ACPI_TABLES_END - ACPI_TABLES_ADDR);
	xsdt_addr = addr + 64;
	fadt_addr = xsdt_addr + 64;
	dsdt_addr = fadt_addr + 512;
	madt_addr = dsdt_addr + 256;

	h = (void *)(mem + dsdt_addr);
	len = build_dsdt_aml((uint8_t *)(h + 1), madt_addr - dsdt_addr - sizeof(*h));
	if (len > madt_addr - dsdt_addr - sizeof(*h))
		return CLI_INTERNAL;	/* the layout above is too tight */
	header(h, "DSDT", sizeof(*h) + len, 2);

	build_fadt((void *)(mem + fadt_addr), dsdt_addr);
	len = build_madt(mem + madt_addr, nr_cpus);
	if (madt_addr + len > ACPI_TABLES_END)
		return CLI_USAGE;

	h = (void *)(mem + xsdt_addr);
	xsdt_entries = (uint64_t *)(h + 1);
	xsdt_entries[0] = fadt_addr;
	xsdt_entries[1] = madt_addr;
	header(h, "XSDT", sizeof(*h) + 2 * sizeof(uint64_t), 1);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, OEM_ID, 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = xsdt_addr;
	rsdp->checksum = checksum(rsdp, 20);
	rsdp->extended_checksum = checksum(rsdp, sizeof(*rsdp));
	*rsdp_addr = addr;
	return 0;
}
