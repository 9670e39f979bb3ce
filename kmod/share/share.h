/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content-based page sharing (Documentation/page-sharing.rst).
 *
 * A kernel thread walks the module-owned memory of every VM in a share
 * group, hashes each private page and looks the hash up in two tables:
 *
 *   stable  pages already shared: read-only, content fixed for life;
 *   hints   private pages seen before, with no twin yet.
 *
 * A page that matches a stable page (compared in full) is replaced by it.
 * A page that matches a hint promotes the hinted page to stable, then
 * merges into it. So identical pages merge in the pass that first sees
 * them both; KSM needs at least two, and its unstable tree is rebuilt
 * every pass where lvmm keeps a hint while its page keeps its content.
 * Writes to a shared page get a private copy (gmem.c).
 *
 * Locks, outermost first (the full order is in core.h):
 *   lvmm_share_lock    (mutex) members, hints, scan cursor, knobs
 *   gmem->lock, vm->mmu_lock
 *   lvmm_stable_lock   (spinlock) the stable table; innermost
 */
#ifndef LVMM_SHARE_H
#define LVMM_SHARE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct lvmm_gmem;
struct lvmm_slot;
struct lvmm_vm;
struct page;

/* The group of the shared zero page: it matches every group. */
#define LVMM_SHARE_ZERO_GROUP	U32_MAX

/**
 * struct lvmm_stable - a shared page
 * @node:  in the stable table, under lvmm_stable_lock; unhashed for the
 *         zero page, which is never looked up by hash
 * @hash:  hash of @page's content
 * @group: the share group whose pages may map it
 * @users: gmem entries that hold it, plus transient claims by the scanner
 * @page:  the page; never written while @users > 0
 */
struct lvmm_stable {
	struct hlist_node node;
	u64 hash;
	u32 group;
	refcount_t users;
	struct page *page;
};

/* Module-wide counters: sysfs (share/sysfs.c) and Documentation/ABI. */
struct lvmm_share_stats {
	atomic_long_t stable_pages;	/* pages_shared */
	atomic_long_t stable_entries;	/* gmem entries mapping them */
	atomic_long_t zero_entries;	/* zero_pages */
	atomic_long_t hints;		/* pages_unshared */
	atomic_long_t volatile_pages;	/* changed while being merged */
	atomic_long_t volatile_last;	/* pages_volatile: in the last pass */
	atomic_long_t full_scans;
	atomic_long_t pages_scanned;
	atomic_long_t cow_breaks;
	atomic_long_t hash_collisions;
	atomic_long_t merges;
};

/* The knobs; written under lvmm_share_lock, read anywhere. */
struct lvmm_share_knobs {
	unsigned int run;		/* 0 stop, 1 run, 2 unmerge all */
	unsigned int pages_to_scan;
	unsigned int sleep_millisecs;
	unsigned int merge_across_groups;
};

extern struct lvmm_share_stats lvmm_share_stats;
extern struct lvmm_share_knobs lvmm_share_knobs;
extern struct mutex lvmm_share_lock;
extern struct lvmm_stable *lvmm_zero_stable;

/* share/index.c: the stable table and the hints */
u64 lvmm_page_hash(struct page *page, bool *zero);
bool lvmm_pages_equal(struct page *a, struct page *b);
struct lvmm_stable *lvmm_stable_alloc(struct page *page, u64 hash, u32 group);
void lvmm_stable_insert(struct lvmm_stable *st);
struct lvmm_stable *lvmm_stable_find(u64 hash, u32 group, struct page *page);
void lvmm_stable_get(struct lvmm_stable *st);
void lvmm_stable_put(struct lvmm_stable *st);
void lvmm_stable_entry_add(struct lvmm_stable *st);
void lvmm_stable_entry_del(struct lvmm_stable *st);
int lvmm_hint_add(u64 hash, u32 group, struct lvmm_vm *vm, u64 gfn);
enum { LVMM_HINT_NONE, LVMM_HINT_SELF, LVMM_HINT_TWIN };
int lvmm_hint_lookup(u64 hash, u32 group, struct lvmm_vm *vm, u64 gfn,
		     struct lvmm_vm **hvm, u64 *hgfn);
void lvmm_hints_expire(void);
void lvmm_hints_drop_vm(struct lvmm_vm *vm);
void lvmm_hints_clear(void);
unsigned long lvmm_share_metadata_bytes(void);
int lvmm_share_index_init(void);
void lvmm_share_index_exit(void);

/* share/merge.c: the merge and unmerge state machine */
struct lvmm_stable *lvmm_share_promote_entry(struct lvmm_gmem *gmem,
					     pgoff_t index, u64 hash,
					     u32 group);
int lvmm_share_merge_entry(struct lvmm_gmem *gmem, pgoff_t index,
			   struct page *page, struct lvmm_stable *st);
struct lvmm_stable *lvmm_share_promote(struct lvmm_vm *vm, u64 gfn, u64 hash);
int lvmm_share_merge(struct lvmm_vm *vm, u64 gfn, struct page *page,
		     struct lvmm_stable *st);
int lvmm_share_unmerge_vm(struct lvmm_vm *vm);
void lvmm_share_vm_counts(struct lvmm_vm *vm, unsigned long *shared,
			  unsigned long *zero);
/* cow.c */
int lvmm_share_unshare(struct lvmm_gmem *gmem, pgoff_t index, bool cow);

int lvmm_share_unmerge_range(struct lvmm_gmem *gmem, pgoff_t first,
			     pgoff_t last);

/* share/scan.c: members and the scanner thread */
int lvmm_share_set_group(struct lvmm_vm *vm, u32 group);
void lvmm_share_vm_exit(struct lvmm_vm *vm);
void lvmm_share_wake(void);
int lvmm_share_unmerge_all(void);
int lvmm_share_init(void);
void lvmm_share_exit(void);

/* share/sysfs.c */
int lvmm_share_sysfs_init(void);
void lvmm_share_sysfs_exit(void);

#endif /* LVMM_SHARE_H */
