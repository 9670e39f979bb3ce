// SPDX-License-Identifier: GPL-2.0
/*
 * Merging and unmerging: the life of a gmem entry under page sharing.
 *
 *   private --promote--> shared (a new stable page, the entry's own page)
 *   private --merge----> shared (an existing stable page; the private page
 *                                is freed at once)
 *   shared  --write----> private copy (cow.c, lvmm_share_unshare())
 *   shared  --unmerge--> private copy
 *
 * Promotion and merging take the entry's gmem->lock, remove every mapping
 * of the entry (VMM and guests), and only then look at its content. From
 * then until the lock is dropped nobody can map or write the page, so the
 * full comparison that decides the merge is the truth.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <kunit/visibility.h>

#include "../arch.h"
#include "../gmem.h"
#include "../memslot.h"
#include "../trace.h"
#include "../vm.h"
#include "share.h"

/* The gmem entry behind @gfn; under vm->slots_lock. */
static struct lvmm_gmem *lvmm_share_gmem(struct lvmm_vm *vm, u64 gfn,
					 pgoff_t *index)
{
	struct lvmm_slot *slot = lvmm_find_slot(vm, gfn);

	if (!slot || !slot->gmem)
		return NULL;
	*index = lvmm_slot_index(slot, gfn);
	return lvmm_gmem_of(slot->gmem);
}

/* Swap a private entry for @st, which the caller has claimed for it. */
static void lvmm_share_install(struct lvmm_gmem *gmem, pgoff_t index,
			       struct lvmm_stable *st)
{
	void *old;

	/* Replacing a present entry allocates nothing, so cannot fail. */
	old = xa_store(&gmem->pages, index,
		       xa_tag_pointer(st, LVMM_ENTRY_SHARED), GFP_NOWAIT);
	WARN_ON_ONCE(xa_is_err(old));
	lvmm_stable_entry_add(st);
}

/*
 * Make the private page at @index of @gmem a stable page, if its content
 * still hashes to @hash. Return it claimed for the caller, or NULL.
 */
struct lvmm_stable *lvmm_share_promote_entry(struct lvmm_gmem *gmem,
					     pgoff_t index, u64 hash,
					     u32 group)
{
	struct lvmm_stable *st = NULL;
	struct page *page;
	void *entry;
	bool zero;

	mutex_lock(&gmem->lock);
	entry = xa_load(&gmem->pages, index);
	if (!entry || lvmm_entry_shared(entry))
		goto out;
	page = entry;
	lock_page(page);
	lvmm_gmem_invalidate(gmem, index);
	if (lvmm_page_hash(page, &zero) != hash) {
		atomic_long_inc(&lvmm_share_stats.volatile_pages);
		goto unlock;
	}
	/* The entry's reference on the page becomes the stable page's. */
	st = lvmm_stable_alloc(page, hash, group);
	if (!st)
		goto unlock;
	lvmm_share_install(gmem, index, st);
	lvmm_stable_insert(st);
	lvmm_stable_get(st);
unlock:
	unlock_page(page);
out:
	mutex_unlock(&gmem->lock);
	return st;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_promote_entry);

struct lvmm_stable *lvmm_share_promote(struct lvmm_vm *vm, u64 gfn, u64 hash)
{
	struct lvmm_stable *st = NULL;
	struct lvmm_gmem *gmem;
	pgoff_t index;

	down_read(&vm->slots_lock);
	gmem = lvmm_share_gmem(vm, gfn, &index);
	if (gmem)
		st = lvmm_share_promote_entry(gmem, index, hash,
					      vm->share_group);
	up_read(&vm->slots_lock);
	return st;
}

/*
 * Replace the private @page at @index of @gmem by the stable page @st, which
 * the caller claimed. The claim is consumed either way.
 * Return: 0 if merged, -EAGAIN if the entry or its content changed.
 */
int lvmm_share_merge_entry(struct lvmm_gmem *gmem, pgoff_t index,
			   struct page *page, struct lvmm_stable *st)
{
	int ret = -EAGAIN;

	mutex_lock(&gmem->lock);
	if (xa_load(&gmem->pages, index) != page)
		goto out;
	lock_page(page);
	lvmm_gmem_invalidate(gmem, index);
	if (!lvmm_pages_equal(page, st->page)) {
		unlock_page(page);
		atomic_long_inc(&lvmm_share_stats.volatile_pages);
		goto out;
	}
	lvmm_share_install(gmem, index, st);
	unlock_page(page);
	st = NULL;
	put_page(page);
	atomic_long_inc(&lvmm_share_stats.merges);
	ret = 0;
out:
	mutex_unlock(&gmem->lock);
	if (st)
		lvmm_stable_put(st);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_merge_entry);

int lvmm_share_merge(struct lvmm_vm *vm, u64 gfn, struct page *page,
		     struct lvmm_stable *st)
{
	struct lvmm_gmem *gmem;
	bool zero = st == lvmm_zero_stable;
	u64 hash = st->hash;
	pgoff_t index;
	int ret;

	down_read(&vm->slots_lock);
	gmem = lvmm_share_gmem(vm, gfn, &index);
	if (gmem) {
		ret = lvmm_share_merge_entry(gmem, index, page, st);
	} else {
		lvmm_stable_put(st);
		ret = -EAGAIN;
	}
	up_read(&vm->slots_lock);
	if (!ret) {
		atomic64_inc(&vm->stats.pages_merged);
		trace_lvmm_share_merge(vm->id, gfn, hash, zero);
	}
	return ret;
}

/*
 * Private copies for every shared entry in [@first, @last]. The lock is
 * taken per page so that a vCPU faulting meanwhile waits one copy at most;
 * lvmm_share_unshare() looks at the entry again under it.
 */
int lvmm_share_unmerge_range(struct lvmm_gmem *gmem, pgoff_t first,
			     pgoff_t last)
{
	unsigned long index;
	void *entry;
	int ret = 0;

	xa_for_each_range(&gmem->pages, index, entry, first, last) {
		if (!lvmm_entry_shared(entry))
			continue;
		mutex_lock(&gmem->lock);
		ret = lvmm_share_unshare(gmem, index, false);
		mutex_unlock(&gmem->lock);
		if (ret)
			break;
		cond_resched();
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_unmerge_range);

/* Give @vm private copies of all its shared pages. */
int lvmm_share_unmerge_vm(struct lvmm_vm *vm)
{
	struct lvmm_slot *slot;
	unsigned long id;
	int ret = 0;

	down_read(&vm->slots_lock);
	xa_for_each(&vm->slots, id, slot) {
		if (!slot->gmem)
			continue;
		ret = lvmm_share_unmerge_range(lvmm_gmem_of(slot->gmem),
					       slot->gmem_pgoff,
					       slot->gmem_pgoff + slot->npages - 1);
		if (ret)
			break;
	}
	up_read(&vm->slots_lock);
	return ret;
}

/* A VM's entries that map a shared page, and those that map the zero page. */
void lvmm_share_vm_counts(struct lvmm_vm *vm, unsigned long *shared,
			  unsigned long *zero)
{
	struct lvmm_slot *slot;
	unsigned long id, index;
	void *entry;

	*shared = 0;
	*zero = 0;
	down_read(&vm->slots_lock);
	xa_for_each(&vm->slots, id, slot) {
		struct lvmm_gmem *gmem;

		if (!slot->gmem)
			continue;
		gmem = lvmm_gmem_of(slot->gmem);
		xa_for_each_range(&gmem->pages, index, entry, slot->gmem_pgoff,
				  slot->gmem_pgoff + slot->npages - 1) {
			if (!lvmm_entry_shared(entry))
				continue;
			if (lvmm_entry_stable(entry) == lvmm_zero_stable)
				(*zero)++;
			else
				(*shared)++;
		}
	}
	up_read(&vm->slots_lock);
}
