// SPDX-License-Identifier: GPL-2.0
/*
 * The sharing scanner: which VMs take part, and the thread that walks them.
 *
 * VMs join with LVMM_SET_SHARE_GROUP and leave with group 0 or when they
 * die. The thread "lvmm_share" wakes every sleep_millisecs, scans one
 * batch of pages_to_scan pages, and sleeps again. It holds lvmm_share_lock
 * for at most 64 pages at a time and no lock across a whole scan; a vCPU
 * waits at most for one page's merge (its gmem->lock). It is freezable and
 * runs at nice 5.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include <linux/lvmm.h>

#include "../arch.h"
#include "../gmem.h"
#include "../memslot.h"
#include "../vm.h"
#include "share.h"

/* Under lvmm_share_lock: the members and where the scan is in them. */
static LIST_HEAD(lvmm_share_members);
static unsigned int lvmm_share_nr_members;
static struct lvmm_vm *cursor_vm;	/* NULL: a new pass starts */
static unsigned long cursor_slot;	/* slot id in cursor_vm */
static u64 cursor_off;			/* next page offset in that slot */

static struct task_struct *lvmm_scanner;
static DECLARE_WAIT_QUEUE_HEAD(lvmm_scanner_wait);
static bool lvmm_scanner_kicked;	/* a knob or a member changed */

void lvmm_share_wake(void)
{
	WRITE_ONCE(lvmm_scanner_kicked, true);
	wake_up_interruptible(&lvmm_scanner_wait);
}

static void lvmm_cursor_to(struct lvmm_vm *vm)
{
	cursor_vm = vm;
	cursor_slot = 0;
	cursor_off = 0;
}

static void lvmm_share_leave(struct lvmm_vm *vm)
{
	lockdep_assert_held(&lvmm_share_lock);
	if (cursor_vm == vm)
		lvmm_cursor_to(list_is_last(&vm->share_link, &lvmm_share_members) ?
			       NULL : list_next_entry(vm, share_link));
	list_del_init(&vm->share_link);
	lvmm_share_nr_members--;
	lvmm_hints_drop_vm(vm);
	vm->share_group = LVMM_SHARE_NONE;
}

/* LVMM_SET_SHARE_GROUP. Leaving or moving unmerges the VM's pages first. */
int lvmm_share_set_group(struct lvmm_vm *vm, u32 group)
{
	int ret = 0;

	if (group == LVMM_SHARE_ZERO_GROUP)
		return -EINVAL;
	mutex_lock(&lvmm_share_lock);
	if (vm->share_group == group)
		goto out;
	if (vm->share_group) {
		ret = lvmm_share_unmerge_vm(vm);
		if (ret)
			goto out;
		lvmm_share_leave(vm);
	}
	if (group) {
		vm->share_group = group;
		list_add_tail(&vm->share_link, &lvmm_share_members);
		lvmm_share_nr_members++;
	}
out:
	mutex_unlock(&lvmm_share_lock);
	lvmm_share_wake();
	return ret;
}

/* A dying VM: its pages go with its gmem files, its hints now. */
void lvmm_share_vm_exit(struct lvmm_vm *vm)
{
	mutex_lock(&lvmm_share_lock);
	if (vm->share_group)
		lvmm_share_leave(vm);
	mutex_unlock(&lvmm_share_lock);
}

/* run=2: private copies for every member's shared pages. */
int lvmm_share_unmerge_all(void)
{
	struct lvmm_vm *vm;
	int ret = 0;

	mutex_lock(&lvmm_share_lock);
	list_for_each_entry(vm, &lvmm_share_members, share_link) {
		ret = lvmm_share_unmerge_vm(vm);
		if (ret)
			break;
	}
	lvmm_hints_clear();
	lvmm_cursor_to(NULL);
	mutex_unlock(&lvmm_share_lock);
	return ret;
}

/*
 * The next private page of @vm at or after the cursor, with a reference,
 * and its guest frame; NULL when @vm has no more. Under vm->slots_lock.
 */
static struct page *lvmm_scan_next(struct lvmm_vm *vm, u64 *gfn)
{
	struct lvmm_slot *slot;
	unsigned long id;

	xa_for_each_start(&vm->slots, id, slot, cursor_slot) {
		struct lvmm_gmem *gmem;
		unsigned long index;
		void *entry;

		if (id != cursor_slot) {
			cursor_slot = id;
			cursor_off = 0;
		}
		if (!slot->gmem || cursor_off >= slot->npages)
			continue;
		gmem = lvmm_gmem_of(slot->gmem);
		xa_for_each_range(&gmem->pages, index, entry,
				  slot->gmem_pgoff + cursor_off,
				  slot->gmem_pgoff + slot->npages - 1) {
			struct page *page = NULL;

			if (lvmm_entry_shared(entry))
				continue;
			/* Found without the lock; make sure of it with it. */
			mutex_lock(&gmem->lock);
			if (xa_load(&gmem->pages, index) == entry) {
				page = entry;
				get_page(page);
			}
			mutex_unlock(&gmem->lock);
			if (!page)
				continue;
			*gfn = lvmm_slot_gfn(slot, index);
			cursor_off = *gfn - slot->base_gfn + 1;
			return page;
		}
		cursor_off = slot->npages;
	}
	return NULL;
}

/* One private page: merge it with its twin if it has one, else a hint. */
static void lvmm_scan_page(struct lvmm_vm *vm, u64 gfn, struct page *page)
{
	u32 group = vm->share_group;
	struct lvmm_stable *st;
	struct lvmm_vm *hvm;
	u64 hash, hgfn;
	bool zero;

	atomic_long_inc(&lvmm_share_stats.pages_scanned);
	hash = lvmm_page_hash(page, &zero);
	if (zero) {
		lvmm_stable_get(lvmm_zero_stable);
		lvmm_share_merge(vm, gfn, page, lvmm_zero_stable);
		return;
	}
	st = lvmm_stable_find(hash, group, page);
	if (st) {
		if (lvmm_pages_equal(page, st->page)) {
			lvmm_share_merge(vm, gfn, page, st);
			return;
		}
		/* Same hash, other content: a true collision, or a new write. */
		if (lvmm_page_hash(page, &zero) == hash)
			atomic_long_inc(&lvmm_share_stats.hash_collisions);
		else
			atomic_long_inc(&lvmm_share_stats.volatile_pages);
		lvmm_stable_put(st);
		return;
	}
	switch (lvmm_hint_lookup(hash, group, vm, gfn, &hvm, &hgfn)) {
	case LVMM_HINT_SELF:
		return;
	case LVMM_HINT_TWIN:
		st = lvmm_share_promote(hvm, hgfn, hash);
		if (st && !lvmm_share_merge(vm, gfn, page, st))
			return;
		break;
	}
	lvmm_hint_add(hash, group, vm, gfn);
}

static void lvmm_share_pass_end(void)
{
	atomic_long_inc(&lvmm_share_stats.full_scans);
	atomic_long_set(&lvmm_share_stats.volatile_last,
			atomic_long_xchg(&lvmm_share_stats.volatile_pages, 0));
	lvmm_hints_expire();
}

/* Scan up to @budget pages, ending at most one pass. */
static void lvmm_scan_batch(unsigned int budget)
{
	bool pass_ended = false;
	struct lvmm_vm *vm;
	struct page *page;
	u64 gfn;

	mutex_lock(&lvmm_share_lock);
	while (budget && READ_ONCE(lvmm_share_knobs.run) == 1 &&
	       !kthread_should_stop()) {
		if (!cursor_vm) {
			if (list_empty(&lvmm_share_members) || pass_ended)
				break;
			lvmm_cursor_to(list_first_entry(&lvmm_share_members,
							struct lvmm_vm, share_link));
		}
		vm = cursor_vm;
		down_read(&vm->slots_lock);
		page = lvmm_scan_next(vm, &gfn);
		up_read(&vm->slots_lock);
		if (page) {
			lvmm_scan_page(vm, gfn, page);
			put_page(page);
			/* Let the group ioctl, teardown and knobs in now and then. */
			if (!(--budget % 64)) {
				mutex_unlock(&lvmm_share_lock);
				cond_resched();
				mutex_lock(&lvmm_share_lock);
			}
			continue;
		}
		if (list_is_last(&vm->share_link, &lvmm_share_members)) {
			lvmm_cursor_to(NULL);
			lvmm_share_pass_end();
			pass_ended = true;
		} else {
			lvmm_cursor_to(list_next_entry(vm, share_link));
		}
	}
	mutex_unlock(&lvmm_share_lock);
}

static bool lvmm_scanner_has_work(void)
{
	return READ_ONCE(lvmm_share_knobs.run) == 1 &&
	       READ_ONCE(lvmm_share_nr_members);
}

static int lvmm_scanner_fn(void *unused)
{
	set_freezable();
	set_user_nice(current, 5);
	while (!kthread_should_stop()) {
		WRITE_ONCE(lvmm_scanner_kicked, false);
		if (lvmm_scanner_has_work()) {
			unsigned int ms = READ_ONCE(lvmm_share_knobs.sleep_millisecs);

			lvmm_scan_batch(READ_ONCE(lvmm_share_knobs.pages_to_scan));
			wait_event_freezable_timeout(lvmm_scanner_wait,
						     kthread_should_stop() ||
						     READ_ONCE(lvmm_scanner_kicked),
						     msecs_to_jiffies(ms));
		} else {
			wait_event_freezable(lvmm_scanner_wait,
					     kthread_should_stop() ||
					     lvmm_scanner_has_work());
		}
	}
	return 0;
}

int lvmm_share_init(void)
{
	int ret;

	ret = lvmm_share_index_init();
	if (ret)
		return ret;
	ret = lvmm_share_sysfs_init();
	if (ret)
		goto err_index;
	lvmm_scanner = kthread_run(lvmm_scanner_fn, NULL, "lvmm_share");
	if (IS_ERR(lvmm_scanner)) {
		ret = PTR_ERR(lvmm_scanner);
		goto err_sysfs;
	}
	return 0;
err_sysfs:
	lvmm_share_sysfs_exit();
err_index:
	lvmm_share_index_exit();
	return ret;
}

void lvmm_share_exit(void)
{
	kthread_stop(lvmm_scanner);
	lvmm_share_sysfs_exit();
	lvmm_share_index_exit();
}
