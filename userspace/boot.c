// SPDX-License-Identifier: GPL-2.0
/*
 * The guest ABI of `lvmm run` (Documentation/guest-abi.rst): what is in
 * guest memory and in the registers when a guest starts.
 *
 *   0x80000-0x8ffff  real-mode stacks, 4 KiB per vCPU (SS = 0x8000)
 *   0x90000-0x95fff  long-mode page tables: 0-4 GiB identity, 2 MiB pages
 *   0x96000          GDT: null, code64 (0x08), data (0x10), code32 (0x18)
 *   0x97000          struct lvmm_boot_info, then the command line
 *
 * RDI holds the boot info address and RSI the vCPU id. In protected and
 * long mode, vCPU n's stack starts at the top of RAM minus n * 64 KiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "cli.h"

#define PT_BASE		0x90000
#define GDT_BASE	0x96000
#define CMDLINE_ADDR	(LVMM_BOOT_INFO + 0x100)
#define CMDLINE_MAX	(0x1000 - 0x100 - 1)
#define STACK_PER_CPU	0x10000

static const uint64_t gdt[] = {
	0,
	0x00af9a000000ffffULL,	/* 0x08: 64-bit code */
	0x00cf92000000ffffULL,	/* 0x10: data, 4 GiB */
	0x00cf9a000000ffffULL,	/* 0x18: 32-bit code, 4 GiB */
};

int boot_setup_memory(uint8_t *mem, uint64_t mem_size, int nr_cpus,
		      const char *cmdline)
{
	struct lvmm_boot_info *bi = (void *)(mem + LVMM_BOOT_INFO);
	uint64_t *pml4 = (void *)(mem + PT_BASE);
	uint64_t *pdpt = (void *)(mem + PT_BASE + 0x1000);
	size_t len = strlen(cmdline);
	int i, j;

	if (len > CMDLINE_MAX) {
		fprintf(stderr, "lvmm: --cmdline: %zu bytes, at most %d fit\n",
			len, CMDLINE_MAX);
		return CLI_USAGE;
	}
	pml4[0] = (PT_BASE + 0x1000) | 3;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = (void *)(mem + PT_BASE + 0x2000 + i * 0x1000);

		pdpt[i] = (PT_BASE + 0x2000 + i * 0x1000) | 3;
		for (j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30) | ((uint64_t)j << 21) | 0x83;
	}
	memcpy(mem + GDT_BASE, gdt, sizeof(gdt));

	bi->magic = LVMM_BOOT_MAGIC;
	bi->version = 1;
	bi->nr_cpus = nr_cpus;
	bi->mem_size = mem_size;
	bi->cmdline = CMDLINE_ADDR;
	bi->cmdline_size = len;
	memcpy(mem + CMDLINE_ADDR, cmdline, len + 1);
	return 0;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int l,
		int db)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .l = l, .db = db, .g = 1,
	};
}

#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID_1_ECX_HYPERVISOR		(1u << 31)

/*
 * Each vCPU's CPUID names its own APIC ID, as a real package's would. The
 * supported table leaves two bits to the VMM, as KVM's does: "running on a
 * hypervisor", which is what makes a guest look for paravirtual leaves,
 * and the TSC-deadline timer, which KVM reports as a capability instead.
 */
static void fix_cpuid(struct kvm_cpuid2 *c, int id, bool tsc_deadline)
{
	unsigned int i;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffff) | (uint32_t)id << 24;
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			if (tsc_deadline)
				e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
		}
		if (e->function == 0xb || e->function == 0x1f)
			e->edx = id;		/* x2APIC ID */
		if (e->function == 0x8000001e)
			e->eax = id;		/* extended APIC ID */
	}
}

/*
 * Give the vCPU the device's supported CPUID first: KVM wants LM before
 * long mode, and a Linux guest finds the paravirtual clock there.
 */
int boot_set_cpuid(int sys_fd, int vcpu_fd, int id)
{
	struct kvm_cpuid2 *c;
	int n = 64, ret;

	for (;;) {
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = n;
		ret = ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (!ret || errno != E2BIG)
			break;
		free(c);
		n *= 2;
	}
	if (!ret) {
		fix_cpuid(c, id, ioctl(sys_fd, KVM_CHECK_EXTENSION,
				       KVM_CAP_TSC_DEADLINE_TIMER) > 0);
		ret = ioctl(vcpu_fd, KVM_SET_CPUID2, c);
	}
	free(c);
	return ret ? -errno : 0;
}

int boot_setup_vcpu(int sys_fd, int vcpu_fd, const struct image *img,
		    int id, uint64_t mem_size)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret;

	ret = boot_set_cpuid(sys_fd, vcpu_fd, id);
	if (ret)
		return ret;
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs))
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	regs.rdi = LVMM_BOOT_INFO;
	regs.rsi = id;
	sregs.gdt.base = GDT_BASE;
	sregs.gdt.limit = sizeof(gdt) - 1;

	switch (img->mode) {
	case MODE_REAL:
		/* CS:IP from the entry; one 4 KiB stack per vCPU at SS 0x8000. */
		sregs.cs.selector = img->entry >> 4;
		sregs.cs.base = (img->entry >> 4) << 4;
		regs.rip = img->entry & 0xf;
		sregs.ss.selector = BOOT_AREA_START >> 4;
		sregs.ss.base = BOOT_AREA_START;
		regs.rsp = 0x10000 - id * 0x1000 - 0x10;
		break;
	case MODE_PROTECTED:
		sregs.cr0 = 0x11;		/* PE, ET */
		seg(&sregs.cs, 0x18, 11, 0, 1);
		seg(&sregs.ds, 0x10, 3, 0, 1);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		regs.rip = img->entry;
		regs.rsp = (mem_size > 0xffffffffULL ? 0x100000000ULL : mem_size) -
			   id * STACK_PER_CPU - 0x10;
		break;
	case MODE_LONG:
		sregs.cr3 = PT_BASE;
		sregs.cr4 = 0x620;		/* PAE, OSFXSR, OSXMMEXCPT */
		sregs.cr0 = 0x80050033;		/* PG, WP, NE, ET, MP, PE */
		sregs.efer = 0x500;		/* LME, LMA */
		seg(&sregs.cs, 0x08, 11, 1, 0);
		seg(&sregs.ds, 0x10, 3, 0, 1);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		regs.rip = img->entry;
		regs.rsp = mem_size - id * STACK_PER_CPU - 0x10;
		break;
	case MODE_LINUX:
		return -EINVAL;		/* linux_setup_bsp() */
	}
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) ||
	    ioctl(vcpu_fd, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}
