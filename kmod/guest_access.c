// SPDX-License-Identifier: GPL-2.0
/*
 * Guest virtual memory: walk the guest's own page tables to reach the bytes
 * an emulated instruction names (instruction fetch, string port I/O).
 *
 * All four x86 paging forms: none, 32-bit (with 4 MiB pages), PAE and
 * 4-level long mode (with 2 MiB and 1 GiB pages). Permission bits are not
 * checked: the instruction already passed the CPU's checks before it exited.
 */
#include <linux/mm.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "arch.h"
#include "guest_access.h"
#include "memslot.h"
#include "vcpu.h"

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

static int read_pte(struct lvmm_vcpu *vcpu, u64 gpa, int size, u64 *pte)
{
	u32 pte32;

	if (size == 4) {
		if (lvmm_read_guest(vcpu->vm, gpa, &pte32, 4))
			return -EFAULT;
		*pte = pte32;
		return 0;
	}
	return lvmm_read_guest(vcpu->vm, gpa, pte, 8) ? -EFAULT : 0;
}

/*
 * Through the page tables of the control state at the last exit (or, at
 * the start of KVM_RUN, as the VMM left it): the state the instruction
 * being emulated ran with.
 */
int lvmm_gva_to_gpa(struct lvmm_vcpu *vcpu, u64 gva, bool write, u64 *gpa)
{
	const struct lvmm_cpu_state *st = &vcpu->exit.state;
	u64 table, pte;
	int level, levels, shift;

	if (!(st->cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}

	if (st->efer & EFER_LMA) {
		levels = 4;
		table = st->cr3 & PTE_ADDR;
	} else if (st->cr4 & X86_CR4_PAE) {
		/* The PDPTE is picked by bits 31:30 from a 32-byte table. */
		gva &= 0xffffffffULL;
		if (read_pte(vcpu, (st->cr3 & 0xffffffe0) + ((gva >> 30) & 3) * 8,
			     8, &pte) || !(pte & PTE_P))
			return -EFAULT;
		levels = 2;
		table = pte & PTE_ADDR;
	} else {
		/* 32-bit paging: two levels of 4-byte entries. */
		gva &= 0xffffffffULL;
		if (read_pte(vcpu, (st->cr3 & 0xfffff000) + ((gva >> 22) & 1023) * 4,
			     4, &pte) || !(pte & PTE_P))
			return -EFAULT;
		if ((pte & PTE_PS) && (st->cr4 & X86_CR4_PSE)) {
			*gpa = (pte & 0xffc00000ULL) | ((pte & 0x1fe000ULL) << 19) |
			       (gva & 0x3fffff);
			return 0;
		}
		if (read_pte(vcpu, (pte & 0xfffff000) + ((gva >> 12) & 1023) * 4,
			     4, &pte) || !(pte & PTE_P))
			return -EFAULT;
		*gpa = (pte & 0xfffff000) | (gva & 0xfff);
		return 0;
	}

	for (level = levels; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		if (read_pte(vcpu, table + ((gva >> shift) & 511) * 8, 8, &pte) ||
		    !(pte & PTE_P))
			return -EFAULT;
		if (level <= 3 && level > 1 && (pte & PTE_PS)) {
			*gpa = (pte & PTE_ADDR & ~((1ULL << shift) - 1)) |
			       (gva & ((1ULL << shift) - 1));
			return 0;
		}
		table = pte & PTE_ADDR;
	}
	*gpa = table | (gva & 0xfff);
	return 0;
}

static int lvmm_copy_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, void *buf,
				size_t len, bool write)
{
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(gva));
		u64 gpa;
		int ret;

		ret = lvmm_gva_to_gpa(vcpu, gva, write, &gpa);
		if (ret)
			return ret;
		ret = write ? lvmm_write_guest(vcpu->vm, gpa, buf, n) :
			      lvmm_read_guest(vcpu->vm, gpa, buf, n);
		if (ret)
			return ret;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int lvmm_read_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, void *buf,
			 size_t len)
{
	return lvmm_copy_guest_virt(vcpu, gva, buf, len, false);
}

int lvmm_write_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, const void *buf,
			  size_t len)
{
	return lvmm_copy_guest_virt(vcpu, gva, (void *)buf, len, true);
}
