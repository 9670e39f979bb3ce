// SPDX-License-Identifier: GPL-2.0
/*
 * The hash index of page sharing: a table of stable (shared) pages and a
 * table of hints (private pages seen once in this pass).
 *
 * Both are keyed by a 64-bit xxhash of the page's content. A hash is only
 * ever a hint: merge.c compares the pages in full, with every mapping of
 * the private one removed, before it merges. A hint is kept for as long as
 * its page keeps its content, so an unchanged page costs no allocation per
 * pass; hints * expire after a pass in which their page was not seen with that content,
 * and go at once with a VM that leaves; stable
 * pages live as long as some gmem entry holds them.
 */
#include <linux/hashtable.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/xxhash.h>
#include <kunit/visibility.h>

#include "../arch.h"
#include "../vm.h"
#include "share.h"

#define STABLE_BITS	12
#define HINT_BITS	14

/**
 * struct lvmm_hint - a private page seen once, that nothing matched yet
 * @node:  in lvmm_hint_table
 * @hash:  its content's hash when it was seen
 * @group: its VM's share group
 * @vm:    its VM; hints go before the VM does (lvmm_hints_drop_vm())
 * @gfn:   where it is in the VM
 * @pass:  the last full scan that saw the page with this content
 */
struct lvmm_hint {
	struct hlist_node node;
	u64 hash;
	u32 group;
	struct lvmm_vm *vm;
	u64 gfn;
	unsigned long pass;
};

/* Shared pages by hash; their @users are atomic, the table is not. */
static DEFINE_HASHTABLE(lvmm_stable_table, STABLE_BITS);
static DEFINE_SPINLOCK(lvmm_stable_lock);

/* Hints by hash; under lvmm_share_lock. */
static DEFINE_HASHTABLE(lvmm_hint_table, HINT_BITS);
static struct kmem_cache *lvmm_hint_cache;
static unsigned long lvmm_hint_pass;

struct lvmm_stable *lvmm_zero_stable;
EXPORT_SYMBOL_IF_KUNIT(lvmm_zero_stable);

/* The hash of @page's content; sets *@zero when it is all zeroes. */
u64 lvmm_page_hash(struct page *page, bool *zero)
{
	void *va = kmap_local_page(page);
	u64 hash;

	*zero = !memchr_inv(va, 0, PAGE_SIZE);
	hash = xxh64(va, PAGE_SIZE, 0);
	kunmap_local(va);
	return hash;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_page_hash);

bool lvmm_pages_equal(struct page *a, struct page *b)
{
	void *va = kmap_local_page(a), *vb = kmap_local_page(b);
	bool equal = !memcmp(va, vb, PAGE_SIZE);

	kunmap_local(vb);
	kunmap_local(va);
	return equal;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_pages_equal);

/* A stable page owning @page (the caller's reference), one user, unhashed. */
struct lvmm_stable *lvmm_stable_alloc(struct page *page, u64 hash, u32 group)
{
	struct lvmm_stable *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return NULL;
	INIT_HLIST_NODE(&st->node);
	st->hash = hash;
	st->group = group;
	refcount_set(&st->users, 1);
	st->page = page;
	return st;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_alloc);

void lvmm_stable_insert(struct lvmm_stable *st)
{
	spin_lock(&lvmm_stable_lock);
	hash_add(lvmm_stable_table, &st->node, st->hash);
	spin_unlock(&lvmm_stable_lock);
	atomic_long_inc(&lvmm_share_stats.stable_pages);
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_insert);

static bool lvmm_group_match(u32 a, u32 b)
{
	return a == b || READ_ONCE(lvmm_share_knobs.merge_across_groups);
}

/*
 * A stable page of group @group whose hash is @hash, claimed for the
 * caller (one more user, to be dropped with lvmm_stable_put() or handed
 * to a gmem entry); NULL if there is none.
 */
struct lvmm_stable *lvmm_stable_find(u64 hash, u32 group, struct page *page)
{
	struct lvmm_stable *st, *found = NULL;

	spin_lock(&lvmm_stable_lock);
	hash_for_each_possible(lvmm_stable_table, st, node, hash) {
		if (st->hash != hash || !lvmm_group_match(st->group, group) ||
		    st->page == page)
			continue;
		/* Hashed pages have users: the last put unhashes under the lock. */
		refcount_inc(&st->users);
		found = st;
		break;
	}
	spin_unlock(&lvmm_stable_lock);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_find);

void lvmm_stable_get(struct lvmm_stable *st)
{
	refcount_inc(&st->users);
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_get);

/* Drop a user; the last one frees the page, which no mapping holds then. */
void lvmm_stable_put(struct lvmm_stable *st)
{
	/* refcount_dec_and_lock(), spelt out so that sparse can follow it. */
	if (refcount_dec_not_one(&st->users))
		return;
	spin_lock(&lvmm_stable_lock);
	if (!refcount_dec_and_test(&st->users)) {
		spin_unlock(&lvmm_stable_lock);
		return;
	}
	if (!hlist_unhashed(&st->node)) {
		hash_del(&st->node);
		atomic_long_dec(&lvmm_share_stats.stable_pages);
	}
	spin_unlock(&lvmm_stable_lock);
	put_page(st->page);
	kfree(st);
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_put);

/* The counter of gmem entries that hold @st. */
static atomic_long_t *lvmm_stable_entries(struct lvmm_stable *st)
{
	return st == lvmm_zero_stable ? &lvmm_share_stats.zero_entries :
					&lvmm_share_stats.stable_entries;
}

/* A gmem entry now holds @st (or no longer does): the counters follow. */
void lvmm_stable_entry_add(struct lvmm_stable *st)
{
	atomic_long_inc(lvmm_stable_entries(st));
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_entry_add);

void lvmm_stable_entry_del(struct lvmm_stable *st)
{
	atomic_long_dec(lvmm_stable_entries(st));
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_stable_entry_del);

int lvmm_hint_add(u64 hash, u32 group, struct lvmm_vm *vm, u64 gfn)
{
	struct lvmm_hint *hint;

	lockdep_assert_held(&lvmm_share_lock);
	hint = kmem_cache_alloc(lvmm_hint_cache, GFP_KERNEL);
	if (!hint)
		return -ENOMEM;
	hint->hash = hash;
	hint->group = group;
	hint->vm = vm;
	hint->gfn = gfn;
	hint->pass = lvmm_hint_pass;
	hash_add(lvmm_hint_table, &hint->node, hash);
	atomic_long_inc(&lvmm_share_stats.hints);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_hint_add);

static void lvmm_hint_free(struct lvmm_hint *hint)
{
	hash_del(&hint->node);
	kmem_cache_free(lvmm_hint_cache, hint);
	atomic_long_dec(&lvmm_share_stats.hints);
}

/**
 * lvmm_hint_lookup - what the hints know of a page's content
 * @hash:  the page's hash
 * @group: its VM's share group
 * @vm:    its VM
 * @gfn:   its guest frame
 * @hvm:   set to the VM of a twin candidate
 * @hgfn:  and to its frame
 *
 * Return: LVMM_HINT_TWIN after removing the hint of another page with this
 * hash, which the caller is to promote; LVMM_HINT_SELF if the page's own
 * hint is there (it is kept for this pass); LVMM_HINT_NONE.
 */
int lvmm_hint_lookup(u64 hash, u32 group, struct lvmm_vm *vm, u64 gfn,
		     struct lvmm_vm **hvm, u64 *hgfn)
{
	struct lvmm_hint *hint, *self = NULL;
	struct hlist_node *tmp;

	lockdep_assert_held(&lvmm_share_lock);
	hash_for_each_possible_safe(lvmm_hint_table, hint, tmp, node, hash) {
		if (hint->hash != hash || !lvmm_group_match(hint->group, group))
			continue;
		if (hint->vm == vm && hint->gfn == gfn) {
			self = hint;
			continue;
		}
		*hvm = hint->vm;
		*hgfn = hint->gfn;
		lvmm_hint_free(hint);
		if (self)
			lvmm_hint_free(self);
		return LVMM_HINT_TWIN;
	}
	if (!self)
		return LVMM_HINT_NONE;
	self->pass = lvmm_hint_pass;
	return LVMM_HINT_SELF;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_hint_lookup);

/* A full scan ended: hints it did not see again are stale. */
void lvmm_hints_expire(void)
{
	struct lvmm_hint *hint;
	struct hlist_node *tmp;
	int bkt;

	lockdep_assert_held(&lvmm_share_lock);
	hash_for_each_safe(lvmm_hint_table, bkt, tmp, hint, node)
		if (hint->pass != lvmm_hint_pass)
			lvmm_hint_free(hint);
	lvmm_hint_pass++;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_hints_expire);

void lvmm_hints_drop_vm(struct lvmm_vm *vm)
{
	struct lvmm_hint *hint;
	struct hlist_node *tmp;
	int bkt;

	lockdep_assert_held(&lvmm_share_lock);
	hash_for_each_safe(lvmm_hint_table, bkt, tmp, hint, node)
		if (hint->vm == vm)
			lvmm_hint_free(hint);
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_hints_drop_vm);

void lvmm_hints_clear(void)
{
	struct lvmm_hint *hint;
	struct hlist_node *tmp;
	int bkt;

	lockdep_assert_held(&lvmm_share_lock);
	hash_for_each_safe(lvmm_hint_table, bkt, tmp, hint, node)
		lvmm_hint_free(hint);
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_hints_clear);

/* What sharing itself costs, for profit_bytes. */
unsigned long lvmm_share_metadata_bytes(void)
{
	return sizeof(lvmm_stable_table) + sizeof(lvmm_hint_table) +
	       atomic_long_read(&lvmm_share_stats.stable_pages) *
			sizeof(struct lvmm_stable) +
	       atomic_long_read(&lvmm_share_stats.hints) *
			sizeof(struct lvmm_hint);
}

int lvmm_share_index_init(void)
{
	struct page *zero;
	bool is_zero;
	u64 hash;

	lvmm_hint_cache = KMEM_CACHE(lvmm_hint, 0);
	if (!lvmm_hint_cache)
		return -ENOMEM;
	zero = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!zero)
		goto err;
	hash = lvmm_page_hash(zero, &is_zero);
	/* Never hashed in the table: merge.c asks for it by content. */
	lvmm_zero_stable = lvmm_stable_alloc(zero, hash, LVMM_SHARE_ZERO_GROUP);
	if (!lvmm_zero_stable) {
		__free_page(zero);
		goto err;
	}
	return 0;
err:
	kmem_cache_destroy(lvmm_hint_cache);
	return -ENOMEM;
}

/* Every VM is gone by now, and with it every user of a stable page. */
void lvmm_share_index_exit(void)
{
	WARN_ON(refcount_read(&lvmm_zero_stable->users) != 1);
	lvmm_stable_put(lvmm_zero_stable);
	kmem_cache_destroy(lvmm_hint_cache);
}
