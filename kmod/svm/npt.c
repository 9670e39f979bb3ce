// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables: guest-physical to host-physical, 4-level, 4 KiB pages.
 *
 * Built lazily: a guest's first touch of a frame faults (#NPF), the core
 * finds the backing page and calls svm_map_gfn(). All of it happens under
 * vm->mmu_lock, a mutex, so tables are allocated with LVMM_GFP_GUEST and
 * charged to the VMM's memory cgroup.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../arch.h"
#include "../core.h"
#include "../vm.h"
#include "svm.h"

#define NPT_PRESENT	BIT_ULL(0)
#define NPT_WRITABLE	BIT_ULL(1)
#define NPT_USER	BIT_ULL(2)	/* guest accesses are user accesses */
#define NPT_ACCESSED	BIT_ULL(5)
#define NPT_DIRTY	BIT_ULL(6)
#define NPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define NPT_TABLE	(NPT_PRESENT | NPT_WRITABLE | NPT_USER | NPT_ACCESSED)

static u64 *npt_alloc_table(void)
{
	return (u64 *)get_zeroed_page(LVMM_GFP_GUEST);
}

int svm_vm_init(struct lvmm_vm *vm)
{
	struct svm_vm *sv;

	sv = kzalloc(sizeof(*sv), GFP_KERNEL_ACCOUNT);
	if (!sv)
		return -ENOMEM;
	sv->npt_root = npt_alloc_table();
	if (!sv->npt_root) {
		kfree(sv);
		return -ENOMEM;
	}
	vm->arch = sv;
	return 0;
}

static void npt_free_level(u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < 512; i++)
			if (table[i] & NPT_PRESENT)
				npt_free_level(__va(table[i] & NPT_ADDR_MASK),
					       level - 1);
	}
	free_page((unsigned long)table);
}

void svm_vm_destroy(struct lvmm_vm *vm)
{
	struct svm_vm *sv = to_svm_vm(vm);

	if (!sv)
		return;
	npt_free_level(sv->npt_root, 4);
	kfree(sv);
	vm->arch = NULL;
}

/* The leaf entry for @gfn, allocating tables on the way if @alloc. */
static u64 *npt_walk(struct svm_vm *sv, u64 gfn, bool alloc)
{
	u64 *table = sv->npt_root;
	int level;

	for (level = 4; level > 1; level--) {
		u64 *entry = &table[(gfn >> (9 * (level - 1))) & 511];

		if (!(*entry & NPT_PRESENT)) {
			u64 *next;

			if (!alloc)
				return NULL;
			next = npt_alloc_table();
			if (!next)
				return NULL;
			*entry = __pa(next) | NPT_TABLE;
		}
		table = __va(*entry & NPT_ADDR_MASK);
	}
	return &table[gfn & 511];
}

int svm_map_gfn(struct lvmm_vm *vm, u64 gfn, u64 pfn, bool writable)
{
	u64 *pte;

	lockdep_assert_held(&vm->mmu_lock);
	pte = npt_walk(to_svm_vm(vm), gfn, true);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & NPT_PRESENT))
		atomic64_inc(&vm->stats.pages);
	WRITE_ONCE(*pte, (pfn << PAGE_SHIFT) | NPT_PRESENT | NPT_USER |
		   NPT_ACCESSED | NPT_DIRTY | (writable ? NPT_WRITABLE : 0));
	return 0;
}

u64 svm_unmap_gfns(struct lvmm_vm *vm, u64 gfn, u64 count)
{
	struct svm_vm *sv = to_svm_vm(vm);
	u64 end = gfn + count, removed = 0;

	lockdep_assert_held(&vm->mmu_lock);
	while (gfn < end) {
		u64 *pte = npt_walk(sv, gfn, false);

		if (!pte) {
			/* No table: skip to the next 2 MiB boundary. */
			gfn = (gfn | 511) + 1;
			continue;
		}
		if (*pte & NPT_PRESENT) {
			WRITE_ONCE(*pte, 0);
			atomic64_dec(&vm->stats.pages);
			removed++;
		}
		gfn++;
	}
	return removed;
}
