// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: page sharing's hash index, the merge and unmerge state machine of
 * a gmem entry, and the reference counts of shared pages. The gmem here has
 * no file, no mapping and no VM: the state machine alone.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>

#include "../arch.h"
#include "../gmem.h"
#include "../share/share.h"
#include "../vm.h"

static long counter(atomic_long_t *c)
{
	return atomic_long_read(c);
}

static void fill(struct page *page, u64 tag)
{
	u64 *w = kmap_local_page(page);
	int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = tag * 0x9e3779b97f4a7c15ULL + i;
	kunmap_local(w);
}

/* Entry @index of @gmem, allocated and filled with @tag. */
static struct page *entry_page(struct kunit *test, struct lvmm_gmem *gmem,
			       pgoff_t index, u64 tag)
{
	struct page *page;
	bool shared;

	mutex_lock(&gmem->lock);
	KUNIT_ASSERT_EQ(test, 0,
			lvmm_gmem_page(gmem, index, true, &page, &shared));
	mutex_unlock(&gmem->lock);
	KUNIT_EXPECT_FALSE(test, shared);
	if (tag)
		fill(page, tag);
	return page;
}

static void *entry(struct lvmm_gmem *gmem, pgoff_t index)
{
	return xa_load(&gmem->pages, index);
}

static void hash_and_compare(struct kunit *test)
{
	struct page *a = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct page *b = alloc_page(GFP_KERNEL | __GFP_ZERO);
	bool zero;
	u64 ha, hb;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	ha = lvmm_page_hash(a, &zero);
	KUNIT_EXPECT_TRUE(test, zero);
	KUNIT_EXPECT_EQ(test, ha, lvmm_zero_stable->hash);
	fill(a, 7);
	fill(b, 7);
	ha = lvmm_page_hash(a, &zero);
	KUNIT_EXPECT_FALSE(test, zero);
	hb = lvmm_page_hash(b, &zero);
	KUNIT_EXPECT_EQ(test, ha, hb);
	KUNIT_EXPECT_TRUE(test, lvmm_pages_equal(a, b));
	fill(b, 8);
	KUNIT_EXPECT_NE(test, ha, lvmm_page_hash(b, &zero));
	KUNIT_EXPECT_FALSE(test, lvmm_pages_equal(a, b));
	__free_page(a);
	__free_page(b);
}

/* The stable table: found by hash within its group, freed by its last put. */
static void stable_table(struct kunit *test)
{
	long shared0 = counter(&lvmm_share_stats.stable_pages);
	struct page *page = alloc_page(GFP_KERNEL);
	struct lvmm_stable *st, *found;
	const u64 hash = 0x1234abcd5678ef01ULL;

	KUNIT_ASSERT_NOT_NULL(test, page);
	st = lvmm_stable_alloc(page, hash, 3);
	KUNIT_ASSERT_NOT_NULL(test, st);
	lvmm_stable_insert(st);
	KUNIT_EXPECT_EQ(test, shared0 + 1, counter(&lvmm_share_stats.stable_pages));

	KUNIT_EXPECT_NULL(test, lvmm_stable_find(hash, 4, NULL));
	KUNIT_EXPECT_NULL(test, lvmm_stable_find(hash + 1, 3, NULL));
	/* Never a page's own twin. */
	KUNIT_EXPECT_NULL(test, lvmm_stable_find(hash, 3, page));
	found = lvmm_stable_find(hash, 3, NULL);
	KUNIT_EXPECT_PTR_EQ(test, st, found);
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&st->users));

	WRITE_ONCE(lvmm_share_knobs.merge_across_groups, 1);
	found = lvmm_stable_find(hash, 4, NULL);
	WRITE_ONCE(lvmm_share_knobs.merge_across_groups, 0);
	KUNIT_EXPECT_PTR_EQ(test, st, found);
	KUNIT_EXPECT_EQ(test, 3, refcount_read(&st->users));

	lvmm_stable_put(st);
	lvmm_stable_put(st);
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&st->users));
	lvmm_stable_put(st);	/* frees it, and the page */
	KUNIT_EXPECT_EQ(test, shared0, counter(&lvmm_share_stats.stable_pages));
	KUNIT_EXPECT_NULL(test, lvmm_stable_find(hash, 3, NULL));
}

/* Hints: a twin is handed out once, a page's own hint kept, stale ones go. */
static void hints(struct kunit *test)
{
	struct lvmm_vm *vm_a = (struct lvmm_vm *)0x1000;
	struct lvmm_vm *vm_b = (struct lvmm_vm *)0x2000;
	long hints0 = counter(&lvmm_share_stats.hints);
	struct lvmm_vm *hvm = NULL;
	u64 hgfn = 0;

	mutex_lock(&lvmm_share_lock);
	KUNIT_ASSERT_EQ(test, 0, lvmm_hint_add(42, 1, vm_a, 10));
	KUNIT_EXPECT_EQ(test, LVMM_HINT_SELF,
			lvmm_hint_lookup(42, 1, vm_a, 10, &hvm, &hgfn));
	KUNIT_EXPECT_EQ(test, LVMM_HINT_NONE,
			lvmm_hint_lookup(42, 2, vm_b, 20, &hvm, &hgfn));
	KUNIT_EXPECT_EQ(test, LVMM_HINT_TWIN,
			lvmm_hint_lookup(42, 1, vm_b, 20, &hvm, &hgfn));
	KUNIT_EXPECT_PTR_EQ(test, vm_a, hvm);
	KUNIT_EXPECT_EQ(test, 10, hgfn);
	KUNIT_EXPECT_EQ(test, hints0, counter(&lvmm_share_stats.hints));
	KUNIT_EXPECT_EQ(test, LVMM_HINT_NONE,
			lvmm_hint_lookup(42, 1, vm_b, 20, &hvm, &hgfn));

	/* Seen in this pass: survives its end; not seen in the next: gone. */
	KUNIT_ASSERT_EQ(test, 0, lvmm_hint_add(43, 1, vm_a, 11));
	lvmm_hints_expire();
	KUNIT_EXPECT_EQ(test, hints0 + 1, counter(&lvmm_share_stats.hints));
	lvmm_hints_expire();
	KUNIT_EXPECT_EQ(test, hints0, counter(&lvmm_share_stats.hints));

	KUNIT_ASSERT_EQ(test, 0, lvmm_hint_add(44, 1, vm_a, 12));
	KUNIT_ASSERT_EQ(test, 0, lvmm_hint_add(45, 1, vm_b, 13));
	lvmm_hints_drop_vm(vm_a);
	KUNIT_EXPECT_EQ(test, LVMM_HINT_NONE,
			lvmm_hint_lookup(44, 1, vm_b, 99, &hvm, &hgfn));
	KUNIT_EXPECT_EQ(test, hints0 + 1, counter(&lvmm_share_stats.hints));
	lvmm_hints_drop_vm(vm_b);
	KUNIT_EXPECT_EQ(test, hints0, counter(&lvmm_share_stats.hints));
	mutex_unlock(&lvmm_share_lock);
}

/*
 * private -> promote -> shared; private -> merge -> shared; a merge whose
 * content differs is refused; a write copies; unmerge restores the rest.
 */
static void merge_state_machine(struct kunit *test)
{
	long shared0 = counter(&lvmm_share_stats.stable_pages);
	long entries0 = counter(&lvmm_share_stats.stable_entries);
	long cow0 = counter(&lvmm_share_stats.cow_breaks);
	struct lvmm_gmem *gmem = lvmm_gmem_alloc(4);
	struct page *p0, *p1, *p2, *page;
	struct lvmm_stable *st;
	bool shared, zero;
	u64 hash;

	KUNIT_ASSERT_NOT_NULL(test, gmem);
	p0 = entry_page(test, gmem, 0, 5);
	p1 = entry_page(test, gmem, 1, 5);
	p2 = entry_page(test, gmem, 2, 6);
	hash = lvmm_page_hash(p0, &zero);

	/* A stale hash promotes nothing. */
	KUNIT_EXPECT_NULL(test, lvmm_share_promote_entry(gmem, 0, hash + 1, 9));
	st = lvmm_share_promote_entry(gmem, 0, hash, 9);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_EXPECT_PTR_EQ(test, p0, st->page);
	KUNIT_EXPECT_TRUE(test, lvmm_entry_shared(entry(gmem, 0)));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&st->users));	/* entry + claim */
	KUNIT_EXPECT_EQ(test, shared0 + 1, counter(&lvmm_share_stats.stable_pages));

	KUNIT_EXPECT_EQ(test, 0, lvmm_share_merge_entry(gmem, 1, p1, st));
	KUNIT_EXPECT_PTR_EQ(test, st, lvmm_entry_stable(entry(gmem, 1)));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&st->users));
	KUNIT_EXPECT_EQ(test, entries0 + 2,
			counter(&lvmm_share_stats.stable_entries));

	/* Other content: refused, the claim dropped, the entry untouched. */
	lvmm_stable_get(st);
	KUNIT_EXPECT_EQ(test, -EAGAIN, lvmm_share_merge_entry(gmem, 2, p2, st));
	KUNIT_EXPECT_PTR_EQ(test, p2, entry(gmem, 2));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&st->users));
	/* An entry that is no longer the page scanned: refused too. */
	lvmm_stable_get(st);
	KUNIT_EXPECT_EQ(test, -EAGAIN, lvmm_share_merge_entry(gmem, 2, p1, st));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&st->users));

	/* A read sees the shared page; a write gets a copy with its bytes. */
	mutex_lock(&gmem->lock);
	KUNIT_ASSERT_EQ(test, 0, lvmm_gmem_page(gmem, 1, false, &page, &shared));
	KUNIT_EXPECT_TRUE(test, shared);
	KUNIT_EXPECT_PTR_EQ(test, st->page, page);
	KUNIT_ASSERT_EQ(test, 0, lvmm_gmem_page(gmem, 1, true, &page, &shared));
	mutex_unlock(&gmem->lock);
	KUNIT_EXPECT_FALSE(test, shared);
	KUNIT_EXPECT_PTR_NE(test, st->page, page);
	KUNIT_EXPECT_TRUE(test, lvmm_pages_equal(st->page, page));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&st->users));
	KUNIT_EXPECT_EQ(test, cow0 + 1, counter(&lvmm_share_stats.cow_breaks));

	/* Unmerging the last user frees the stable page; it is no copy on write. */
	KUNIT_EXPECT_EQ(test, 0, lvmm_share_unmerge_range(gmem, 0, 3));
	KUNIT_EXPECT_FALSE(test, lvmm_entry_shared(entry(gmem, 0)));
	KUNIT_EXPECT_EQ(test, shared0, counter(&lvmm_share_stats.stable_pages));
	KUNIT_EXPECT_EQ(test, entries0, counter(&lvmm_share_stats.stable_entries));
	KUNIT_EXPECT_EQ(test, cow0 + 1, counter(&lvmm_share_stats.cow_breaks));
	lvmm_gmem_free(gmem);
}

/* Zero pages share the one zero page; freeing the gmem gives it back. */
static void zero_page_refcounts(struct kunit *test)
{
	unsigned int users0 = refcount_read(&lvmm_zero_stable->users);
	long zero0 = counter(&lvmm_share_stats.zero_entries);
	struct lvmm_gmem *gmem = lvmm_gmem_alloc(2);
	struct page *p0, *p1;

	KUNIT_ASSERT_NOT_NULL(test, gmem);
	p0 = entry_page(test, gmem, 0, 0);
	p1 = entry_page(test, gmem, 1, 0);
	lvmm_stable_get(lvmm_zero_stable);
	KUNIT_EXPECT_EQ(test, 0, lvmm_share_merge_entry(gmem, 0, p0,
							lvmm_zero_stable));
	lvmm_stable_get(lvmm_zero_stable);
	KUNIT_EXPECT_EQ(test, 0, lvmm_share_merge_entry(gmem, 1, p1,
							lvmm_zero_stable));
	KUNIT_EXPECT_EQ(test, users0 + 2, refcount_read(&lvmm_zero_stable->users));
	KUNIT_EXPECT_EQ(test, zero0 + 2, counter(&lvmm_share_stats.zero_entries));
	lvmm_gmem_free(gmem);
	KUNIT_EXPECT_EQ(test, users0, refcount_read(&lvmm_zero_stable->users));
	KUNIT_EXPECT_EQ(test, zero0, counter(&lvmm_share_stats.zero_entries));
}

static struct kunit_case share_cases[] = {
	KUNIT_CASE(hash_and_compare),
	KUNIT_CASE(stable_table),
	KUNIT_CASE(hints),
	KUNIT_CASE(merge_state_machine),
	KUNIT_CASE(zero_page_refcounts),
	{}
};

static struct kunit_suite share_suite = {
	.name = "lvmm_share",
	.test_cases = share_cases,
};

kunit_test_suite(share_suite);
