// SPDX-License-Identifier: GPL-2.0
/*
 * Removing the mappings of one page offset of a gmem file: the VMM's (its
 * mmap of the file) and every VM's (nested page tables, then a TLB flush).
 * Page sharing does it before it changes an entry (merge, copy on write);
 * it sits below both gmem.c and share/, which is what keeps them out of a
 * circle of calls.
 */
#include <linux/mm.h>

#include "arch.h"
#include "core.h"
#include "gmem.h"
#include "memslot.h"
#include "request.h"
#include "vm.h"

/* The VMM's mappings of @index only. */
void lvmm_gmem_zap_vmm(struct lvmm_gmem *gmem, pgoff_t index)
{
	if (gmem->mapping)
		unmap_mapping_range(gmem->mapping, (loff_t)index << PAGE_SHIFT,
				    PAGE_SIZE, 1);
}

/*
 * Remove every mapping of @index, in the VMM and in every VM, so that the
 * next access faults and sees the entry as it is then. The caller holds
 * the lock of the entry's page until it has changed the entry: the VMM's
 * fault path installs its PTE under that lock, after checking the entry
 * (lvmm_gmem_fault()), so it either finishes before this zap or sees the
 * new entry.
 */
void lvmm_gmem_invalidate(struct lvmm_gmem *gmem, pgoff_t index)
{
	struct lvmm_slot *slot;

	lockdep_assert_held(&gmem->lock);
	lvmm_gmem_zap_vmm(gmem, index);
	list_for_each_entry(slot, &gmem->bindings, gmem_link) {
		struct lvmm_vm *vm = slot->vm;
		u64 removed;

		if (!lvmm_slot_has_index(slot, index))
			continue;
		mutex_lock(&vm->mmu_lock);
		removed = lvmm_arch->unmap_gfns(vm, lvmm_slot_gfn(slot, index), 1);
		mutex_unlock(&vm->mmu_lock);
		if (removed)
			lvmm_vm_flush_tlbs(vm);
	}
}
