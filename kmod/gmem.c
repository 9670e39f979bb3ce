// SPDX-License-Identifier: GPL-2.0
/*
 * Module-owned guest memory, after KVM's guest_memfd.
 *
 * KVM_CREATE_GUEST_MEMFD returns a file whose pages lvmm allocates on first
 * touch, whether that touch is the guest's (a nested page fault) or the
 * VMM's (a fault on its mmap of the file). Pages are charged to the memory
 * cgroup of the task that touched them first and freed when the file is
 * released, which happens once the VMM closed it, unmapped it and every slot
 * using it is gone. Unlike KVM's guest_memfd, the file can be mapped
 * (MAP_SHARED only): lvmm owns both the guest's and the VMM's view of every
 * page, which is what page sharing needs.
 *
 * A shared entry (gmem.h) is mapped read-only everywhere. The first write,
 * by the guest (nested page fault), by the VMM (a write fault on its
 * mapping) or by lvmm itself (emulation), breaks the sharing: the offset
 * gets a private copy and every old mapping of it is removed first
 * (share/cow.c; the removal is gmem_invalidate.c).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "arch.h"
#include "core.h"
#include "gmem.h"
#include "memslot.h"
#include "share/share.h"
#include "vm.h"

static const struct file_operations lvmm_gmem_fops;

struct lvmm_gmem *lvmm_gmem_alloc(pgoff_t npages)
{
	struct lvmm_gmem *gmem = kzalloc(sizeof(*gmem), GFP_KERNEL_ACCOUNT);

	if (!gmem)
		return NULL;
	mutex_init(&gmem->lock);
	xa_init(&gmem->pages);
	INIT_LIST_HEAD(&gmem->bindings);
	gmem->npages = npages;
	return gmem;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_gmem_alloc);

void lvmm_gmem_free(struct lvmm_gmem *gmem)
{
	unsigned long i;
	void *entry;

	xa_for_each(&gmem->pages, i, entry) {
		if (lvmm_entry_shared(entry)) {
			lvmm_stable_entry_del(lvmm_entry_stable(entry));
			lvmm_stable_put(lvmm_entry_stable(entry));
		} else {
			put_page(entry);
		}
	}
	xa_destroy(&gmem->pages);
	kfree(gmem);
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_gmem_free);

/**
 * lvmm_gmem_page - the page behind a file offset, allocated on first touch
 * @gmem:   the file's memory; the caller holds gmem->lock
 * @index:  page offset
 * @write:  the caller will write: a shared page is copied first
 * @page:   set to the page; valid until gmem->lock is dropped
 * @shared: set if it is a shared page, to be mapped read-only
 *
 * Return: 0, -EINVAL past the end of the file, or -ENOMEM.
 */
int lvmm_gmem_page(struct lvmm_gmem *gmem, pgoff_t index, bool write,
		   struct page **page, bool *shared)
{
	void *entry, *old;
	struct page *p;
	int ret;

	lockdep_assert_held(&gmem->lock);
	if (index >= gmem->npages)
		return -EINVAL;
	entry = xa_load(&gmem->pages, index);
	if (entry && lvmm_entry_shared(entry) && write) {
		ret = lvmm_share_unshare(gmem, index, true);
		if (ret)
			return ret;
		entry = xa_load(&gmem->pages, index);
	}
	if (entry) {
		*shared = lvmm_entry_shared(entry);
		*page = *shared ? lvmm_entry_stable(entry)->page : entry;
		return 0;
	}

	p = alloc_page(LVMM_GFP_PAGE | __GFP_ZERO);
	if (!p)
		return -ENOMEM;
	old = xa_store(&gmem->pages, index, p, LVMM_GFP_GUEST);
	if (xa_is_err(old)) {
		__free_page(p);
		return xa_err(old);
	}
	*page = p;
	*shared = false;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_gmem_page);

void lvmm_gmem_bind(struct lvmm_gmem *gmem, struct lvmm_slot *slot)
{
	mutex_lock(&gmem->lock);
	list_add(&slot->gmem_link, &gmem->bindings);
	mutex_unlock(&gmem->lock);
}

void lvmm_gmem_unbind(struct lvmm_gmem *gmem, struct lvmm_slot *slot)
{
	mutex_lock(&gmem->lock);
	list_del_init(&slot->gmem_link);
	mutex_unlock(&gmem->lock);
}

/*
 * A fault on the VMM's mapping. A write fault breaks sharing here; a read
 * fault maps whatever is there, read-only until ->page_mkwrite says
 * otherwise (the mapping asks for write notification by having it).
 *
 * The core mm installs the PTE after this returns, with gmem->lock long
 * dropped. So the page is returned locked, after checking under that page
 * lock that the entry is still the one looked up: whoever changes an entry
 * holds the old page's lock while it zaps and swaps (lvmm_gmem_invalidate()).
 */
static vm_fault_t lvmm_gmem_fault(struct vm_fault *vmf)
{
	struct lvmm_gmem *gmem = vmf->vma->vm_file->private_data;
	struct page *page;
	void *entry;
	bool shared;
	int ret;

	mutex_lock(&gmem->lock);
	ret = lvmm_gmem_page(gmem, vmf->pgoff, vmf->flags & FAULT_FLAG_WRITE,
			     &page, &shared);
	if (!ret) {
		get_page(page);
		entry = xa_load(&gmem->pages, vmf->pgoff);
	}
	mutex_unlock(&gmem->lock);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret)
		return VM_FAULT_SIGBUS;
	lock_page(page);
	if (xa_load(&gmem->pages, vmf->pgoff) != entry) {
		/* Merged or copied meanwhile: fault again. */
		unlock_page(page);
		put_page(page);
		return VM_FAULT_NOPAGE;
	}
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

/*
 * The VMM writes a page it mapped read-only. If it is still the private
 * page of its offset, it may simply become writable: return it locked (the
 * check and the PTE change happen under the page lock, as above). A shared
 * one is copied; any other is a stale mapping. Either way every mapping of
 * the offset is removed and the write faults again.
 */
static vm_fault_t lvmm_gmem_page_mkwrite(struct vm_fault *vmf)
{
	struct lvmm_gmem *gmem = vmf->vma->vm_file->private_data;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	void *entry;

	lock_page(vmf->page);
	if (xa_load(&gmem->pages, vmf->pgoff) == vmf->page)
		return VM_FAULT_LOCKED;
	unlock_page(vmf->page);

	mutex_lock(&gmem->lock);
	entry = xa_load(&gmem->pages, vmf->pgoff);
	if (entry && lvmm_entry_shared(entry) &&
	    lvmm_entry_stable(entry)->page == vmf->page) {
		if (lvmm_share_unshare(gmem, vmf->pgoff, true))
			ret = VM_FAULT_OOM;
	} else {
		lvmm_gmem_zap_vmm(gmem, vmf->pgoff);
	}
	mutex_unlock(&gmem->lock);
	return ret;
}

static const struct vm_operations_struct lvmm_gmem_vm_ops = {
	.fault		= lvmm_gmem_fault,
	.page_mkwrite	= lvmm_gmem_page_mkwrite,
};

static int lvmm_gmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* A private copy-on-write view of guest memory has no meaning. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &lvmm_gmem_vm_ops;
	return 0;
}

static int lvmm_gmem_release(struct inode *inode, struct file *file)
{
	lvmm_gmem_free(file->private_data);
	return 0;
}

static const struct file_operations lvmm_gmem_fops = {
	.owner		= THIS_MODULE,
	.mmap		= lvmm_gmem_mmap,
	.release	= lvmm_gmem_release,
	.llseek		= noop_llseek,
};

/* The gmem file behind @fd, with a reference; ERR_PTR if it is not one. */
struct file *lvmm_gmem_get(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op != &lvmm_gmem_fops) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

long lvmm_create_gmem(struct lvmm_vm *vm, struct kvm_create_guest_memfd *args)
{
	struct lvmm_gmem *gmem;
	struct file *file;
	int fd, i;

	if (args->flags || !args->size || !PAGE_ALIGNED(args->size) ||
	    args->size > MAX_LFS_FILESIZE)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args->reserved); i++)
		if (args->reserved[i])
			return -EINVAL;

	gmem = lvmm_gmem_alloc(args->size >> PAGE_SHIFT);
	if (!gmem)
		return -ENOMEM;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		lvmm_gmem_free(gmem);
		return fd;
	}
	/* A fresh inode per file, so that its mappings are its own. */
	file = anon_inode_create_getfile("[lvmm-gmem]", &lvmm_gmem_fops, gmem,
					 O_RDWR, NULL);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		lvmm_gmem_free(gmem);
		return PTR_ERR(file);
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	i_size_write(file_inode(file), args->size);
	gmem->mapping = file->f_mapping;
	fd_install(fd, file);
	return fd;
}
