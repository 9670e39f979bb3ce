// SPDX-License-Identifier: GPL-2.0
/*
 * Copy on write: a shared page becomes private again, because somebody
 * writes it (the guest, the VMM, or lvmm's own emulation, all through
 * lvmm_gmem_page()) or because sharing is being undone (unmerge). The
 * copy-on-write counters and tracepoint live here too.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <kunit/visibility.h>

#include "../arch.h"
#include "../core.h"
#include "../gmem.h"
#include "../memslot.h"
#include "../trace.h"
#include "../vm.h"
#include "share.h"

/* The VM that maps @index, for per-VM counters; NULL if none does. */
static struct lvmm_vm *lvmm_share_vm_of(struct lvmm_gmem *gmem, pgoff_t index)
{
	struct lvmm_slot *slot;

	list_for_each_entry(slot, &gmem->bindings, gmem_link)
		if (lvmm_slot_has_index(slot, index))
			return slot->vm;
	return NULL;
}

/*
 * Give @index a private copy of its shared page, because somebody writes
 * it (@cow) or because sharing is being undone. Copy first, then unmap the
 * shared page, then swap the entry: a failed allocation leaves everything
 * as it was.
 */
int lvmm_share_unshare(struct lvmm_gmem *gmem, pgoff_t index, bool cow)
{
	void *entry = xa_load(&gmem->pages, index);
	struct lvmm_stable *st;
	struct lvmm_vm *vm;
	struct page *copy;
	void *old;

	lockdep_assert_held(&gmem->lock);
	if (!entry || !lvmm_entry_shared(entry))
		return 0;
	st = lvmm_entry_stable(entry);
	copy = alloc_page(LVMM_GFP_PAGE);
	if (!copy)
		return -ENOMEM;
	copy_highpage(copy, st->page);

	lock_page(st->page);
	lvmm_gmem_invalidate(gmem, index);
	old = xa_store(&gmem->pages, index, copy, LVMM_GFP_GUEST);
	unlock_page(st->page);
	if (xa_is_err(old)) {
		__free_page(copy);
		return xa_err(old);
	}
	lvmm_stable_entry_del(st);
	if (cow) {
		atomic_long_inc(&lvmm_share_stats.cow_breaks);
		vm = lvmm_share_vm_of(gmem, index);
		if (vm)
			atomic64_inc(&vm->stats.cow_breaks);
		trace_lvmm_share_cow(vm ? vm->id : U32_MAX, index,
				     st == lvmm_zero_stable);
	}
	lvmm_stable_put(st);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_unshare);
