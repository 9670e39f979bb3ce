// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux x86 boot protocol, 64-bit entry (Documentation/arch/x86/
 * boot.rst in the kernel): load a bzImage's protected-mode part at its
 * preferred address, the initrd high in RAM, and hand the kernel a zero
 * page (struct boot_params) with the setup header, the command line, the
 * e820 map and the RSDP's address. The BSP enters at load address + 0x200
 * in long mode, with an identity map of the low 4 GiB.
 *
 * Guest-physical layout (Documentation/platform.rst):
 *
 *   0x01000  GDT: __BOOT_CS (0x10) and __BOOT_DS (0x18)
 *   0x07000  the zero page
 *   0x09000  page tables: PML4, PDPT, four page directories (2 MiB pages)
 *   0x20000  the command line
 *   0xe0000  ACPI tables (acpi.c), reserved in the e820 map
 *   0xffff0  the reset vector: a BIOS that only resets
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "cli.h"

#define GDT_ADDR		0x1000
#define ZERO_PAGE_ADDR		0x7000
#define PML4_ADDR		0x9000
#define CMDLINE_ADDR		0x20000
#define CMDLINE_LIMIT		0x10000
#define EBDA_START		0x9fc00
#define RESET_VECTOR		0xffff0
#define HIGH_RAM_START		0x100000
#define LINUX_MAX_RAM		0xc0000000ULL	/* below the 32-bit MMIO hole */

/* struct boot_params and setup header offsets (boot.rst, zero-page.rst). */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_E820_ENTRIES		0x1e8
#define BP_HDR			0x1f1
#define BP_E820_TABLE		0x2d0
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_END			0x268

#define LOADFLAGS_CAN_USE_HEAP	0x80
#define XLF_KERNEL_64		0x01
#define LOADER_UNDEFINED	0xff
#define E820_RAM		1
#define E820_RESERVED		2

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

static uint32_t get32(const uint8_t *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put32(uint8_t *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static int bad_kernel(const char *path, const char *why)
{
	fprintf(stderr, "lvmm: --kernel %s: %s\n", path, why);
	return CLI_BADIMAGE;
}

static void add_e820(uint8_t *zp, uint64_t addr, uint64_t size, uint32_t type)
{
	struct e820_entry e = { .addr = addr, .size = size, .type = type };
	uint8_t n = zp[BP_E820_ENTRIES];

	memcpy(zp + BP_E820_TABLE + n * sizeof(e), &e, sizeof(e));
	zp[BP_E820_ENTRIES] = n + 1;
}

/*
 * The reset vector, F000:FFF0. A kernel on a hardware-reduced ACPI platform
 * reboots through EFI, which is absent, and then by jumping there in real
 * mode, as to a BIOS: this "BIOS" resets the machine through the ACPI reset
 * register, which ends the VM.
 */
static void setup_reset_vector(uint8_t *mem)
{
	static const uint8_t stub[] = {
		0xb0, RESET_VALUE,		/* mov al, RESET_VALUE */
		0xba, PORT_RESET & 0xff, PORT_RESET >> 8,	/* mov dx, port */
		0xee,				/* out dx, al */
		0xf4,				/* 1: hlt */
		0xeb, 0xfd,			/* jmp 1b */
	};

	memcpy(mem + RESET_VECTOR, stub, sizeof(stub));
}

/* Identity-map the low 4 GiB with 2 MiB pages, and the boot GDT. */
static void setup_paging(uint8_t *mem)
{
	static const uint64_t gdt[] = {
		0, 0,
		0x00af9b000000ffffULL,	/* 0x10 __BOOT_CS: 64-bit code */
		0x00cf93000000ffffULL,	/* 0x18 __BOOT_DS: flat data */
	};
	uint64_t *pml4 = (void *)(mem + PML4_ADDR);
	uint64_t *pdpt = pml4 + 512;
	int i, j;

	memset(pml4, 0, 6 * 4096);
	pml4[0] = (PML4_ADDR + 0x1000) | 3;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = pml4 + 512 * (2 + i);

		pdpt[i] = (PML4_ADDR + 0x2000 + i * 0x1000) | 3;
		for (j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30) | ((uint64_t)j << 21) | 0x83;
	}
	memcpy(mem + GDT_ADDR, gdt, sizeof(gdt));
}

static int load_initrd(const char *path, uint8_t *mem, uint64_t mem_size,
		       uint64_t kernel_end, uint8_t *zp)
{
	uint64_t top = mem_size, addr;
	uint32_t max = get32(zp, HDR_INITRD_ADDR_MAX);
	size_t size;
	uint8_t *buf;
	int code = 0;

	buf = read_whole_file(path, &size, &code);
	if (!buf)
		return code;
	if (top > (uint64_t)max + 1)
		top = (uint64_t)max + 1;
	addr = (top - size) & ~0xfffULL;
	if (size > top || addr < kernel_end) {
		fprintf(stderr, "lvmm: --initrd %s: %zu KiB do not fit above the kernel; give more memory (-m)\n",
			path, size >> 10);
		free(buf);
		return CLI_USAGE;
	}
	memcpy(mem + addr, buf, size);
	free(buf);
	put32(zp, HDR_RAMDISK_IMAGE, addr);
	put32(zp, HDR_RAMDISK_SIZE, size);
	return 0;
}

int linux_load(const struct linux_boot *lb, uint8_t *mem, uint64_t mem_size,
	       int nr_cpus, struct image *img)
{
	uint8_t *k, *zp = mem + ZERO_PAGE_ADDR;
	uint64_t load, pm_offset, init_size, rsdp;
	size_t size, len = strlen(lb->cmdline);
	unsigned int setup_sects, hdr_end;
	int code = 0;

	if (mem_size > LINUX_MAX_RAM) {
		fprintf(stderr, "lvmm: --kernel: at most %llu MiB of memory (-m): the platform has no RAM above the 32-bit MMIO hole\n",
			LINUX_MAX_RAM >> 20);
		return CLI_USAGE;
	}
	k = read_whole_file(lb->kernel, &size, &code);
	if (!k)
		return code;
	code = CLI_BADIMAGE;
	if (size < HDR_END + 0x200 || k[HDR_BOOT_FLAG] != 0x55 ||
	    k[HDR_BOOT_FLAG + 1] != 0xaa || memcmp(k + HDR_MAGIC, "HdrS", 4)) {
		bad_kernel(lb->kernel, "not a bzImage (no boot sector signature or \"HdrS\" header)");
		goto out;
	}
	if ((k[HDR_VERSION] | k[HDR_VERSION + 1] << 8) < 0x20c ||
	    !(k[HDR_XLOADFLAGS] & XLF_KERNEL_64)) {
		bad_kernel(lb->kernel, "boot protocol older than 2.12 or no 64-bit entry point (XLF_KERNEL_64)");
		goto out;
	}
	setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	pm_offset = (setup_sects + 1) * 512ULL;
	hdr_end = HDR_JUMP + 2 + k[HDR_JUMP + 1];
	if (pm_offset >= size || hdr_end > HDR_END + 0x100) {
		bad_kernel(lb->kernel, "truncated, or setup header out of bounds");
		goto out;
	}
	if (len >= get32(k, HDR_CMDLINE_SIZE) || len >= CMDLINE_LIMIT) {
		fprintf(stderr, "lvmm: --cmdline: %zu bytes; this kernel takes at most %u\n",
			len, get32(k, HDR_CMDLINE_SIZE) - 1);
		code = CLI_USAGE;
		goto out;
	}
	/* The preferred address, unless the kernel cannot be moved there. */
	memcpy(&load, k + HDR_PREF_ADDRESS, sizeof(load));
	if (!k[HDR_RELOCATABLE] || load < HIGH_RAM_START ||
	    load & (get32(k, HDR_KERNEL_ALIGNMENT) - 1))
		load = HIGH_RAM_START;
	init_size = get32(k, HDR_INIT_SIZE);
	if (init_size < size - pm_offset)
		init_size = size - pm_offset;
	if (load + init_size > mem_size) {
		fprintf(stderr, "lvmm: --kernel %s: needs %llu MiB from 0x%llx to decompress; give -m %lluM or more\n",
			lb->kernel, (unsigned long long)(init_size >> 20),
			(unsigned long long)load,
			(unsigned long long)((load + init_size) >> 20) + 64);
		code = CLI_USAGE;
		goto out;
	}
	memcpy(mem + load, k + pm_offset, size - pm_offset);

	memset(zp, 0, 4096);
	memcpy(zp + BP_HDR, k + BP_HDR, hdr_end - BP_HDR);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[HDR_LOADFLAGS] |= LOADFLAGS_CAN_USE_HEAP;
	zp[HDR_HEAP_END_PTR] = 0x00;
	zp[HDR_HEAP_END_PTR + 1] = 0xfe;
	put32(zp, HDR_CMD_LINE_PTR, CMDLINE_ADDR);
	memcpy(mem + CMDLINE_ADDR, lb->cmdline, len + 1);
	if (lb->initrd) {
		code = load_initrd(lb->initrd, mem, mem_size, load + init_size, zp);
		if (code)
			goto out;
	}
	code = acpi_setup(mem, nr_cpus, &rsdp);
	if (code)
		goto out;
	memcpy(zp + BP_ACPI_RSDP_ADDR, &rsdp, sizeof(rsdp));
	add_e820(zp, 0, EBDA_START, E820_RAM);
	add_e820(zp, EBDA_START, HIGH_RAM_START - EBDA_START, E820_RESERVED);
	add_e820(zp, HIGH_RAM_START, mem_size - HIGH_RAM_START, E820_RAM);
	setup_paging(mem);
	setup_reset_vector(mem);

	img->mode = MODE_LINUX;
	img->entry = load + 0x200;
	code = 0;
out:
	free(k);
	return code;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int l)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .l = l, .db = !l, .g = 1,
	};
}

/*
 * The BSP enters the kernel as boot.rst's 64-bit protocol says; the APs
 * stay in their reset state until the kernel sends them INIT and SIPI.
 */
int linux_setup_bsp(int vcpu_fd, const struct image *img)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = img->entry, .rsi = ZERO_PAGE_ADDR, .rflags = 2,
	};

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.cr3 = PML4_ADDR;
	sregs.cr4 = 0x20;		/* PAE */
	sregs.cr0 = 0x80000011;		/* PG, ET, PE */
	sregs.efer = 0x500;		/* LME, LMA */
	seg(&sregs.cs, 0x10, 11, 1);
	seg(&sregs.ds, 0x18, 3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) ||
	    ioctl(vcpu_fd, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}
