/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-owned guest memory: what the core and page sharing need to know.
 *
 * A gmem file holds one entry per page offset, in an xarray:
 *   - a struct page *, private to this offset; or
 *   - a struct lvmm_stable *, tagged with LVMM_ENTRY_SHARED: a read-only
 *     page whose content is shared with other offsets (page sharing).
 * Every lookup and every change of an entry happens under gmem->lock, so
 * a page that is being merged cannot be mapped or written meanwhile.
 */
#ifndef LVMM_GMEM_H
#define LVMM_GMEM_H

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/xarray.h>

struct address_space;
struct lvmm_slot;
struct lvmm_stable;
struct lvmm_vm;
struct page;

#define LVMM_ENTRY_SHARED	1	/* xa_pointer_tag() of a shared entry */

/* NORETRY: past the memory cgroup's limit, -ENOMEM instead of an OOM kill. */
#define LVMM_GFP_PAGE	(GFP_HIGHUSER | __GFP_ACCOUNT | __GFP_NORETRY | \
			 __GFP_NOWARN)

/**
 * struct lvmm_gmem - one module-owned memory file
 * @lock:     entries (allocation, merge, copy on write) and @bindings;
 *            lock order: after vm->slots_lock, before vm->mmu_lock
 * @pages:    page offset -> entry, as above
 * @npages:   size of the file in pages, fixed at creation
 * @mapping:  the file's address space (the VMM's mmaps), or NULL
 * @bindings: slots that map part of the file into a VM (slot->gmem_link)
 */
struct lvmm_gmem {
	struct mutex lock;		/* see above */
	struct xarray pages;
	pgoff_t npages;
	struct address_space *mapping;
	struct list_head bindings;
};

static inline bool lvmm_entry_shared(void *entry)
{
	return xa_pointer_tag(entry) == LVMM_ENTRY_SHARED;
}

static inline struct lvmm_stable *lvmm_entry_stable(void *entry)
{
	return xa_untag_pointer(entry);
}

static inline struct lvmm_gmem *lvmm_gmem_of(struct file *file)
{
	return file->private_data;
}

/* gmem.c */
long lvmm_create_gmem(struct lvmm_vm *vm, struct kvm_create_guest_memfd *args);
struct file *lvmm_gmem_get(int fd);
struct lvmm_gmem *lvmm_gmem_alloc(pgoff_t npages);
void lvmm_gmem_free(struct lvmm_gmem *gmem);
int lvmm_gmem_page(struct lvmm_gmem *gmem, pgoff_t index, bool write,
		   struct page **page, bool *shared);

/* gmem_invalidate.c */
void lvmm_gmem_zap_vmm(struct lvmm_gmem *gmem, pgoff_t index);
void lvmm_gmem_invalidate(struct lvmm_gmem *gmem, pgoff_t index);
void lvmm_gmem_bind(struct lvmm_gmem *gmem, struct lvmm_slot *slot);
void lvmm_gmem_unbind(struct lvmm_gmem *gmem, struct lvmm_slot *slot);

#endif /* LVMM_GMEM_H */
