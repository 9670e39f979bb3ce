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
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "lvmm.h"

/**
 * struct lvmm_gmem - one module-owned memory file
 * @pages:  page offset -> struct page; xarray's own lock serializes inserts
 * @npages: size of the file in pages, fixed at creation
 */
struct lvmm_gmem {
	struct xarray pages;
	pgoff_t npages;
};

static const struct file_operations lvmm_gmem_fops;

int lvmm_gmem_get_page(struct file *file, pgoff_t index, struct page **page)
{
	struct lvmm_gmem *gmem = file->private_data;
	struct page *p, *old;

	if (index >= gmem->npages)
		return -EINVAL;
	p = xa_load(&gmem->pages, index);
	if (p) {
		*page = p;
		return 0;
	}
	/*
	 * NORETRY: past its memory cgroup's limit a VM gets -ENOMEM from
	 * KVM_RUN (or SIGBUS in the VMM) instead of an OOM kill in the cgroup.
	 */
	p = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT | __GFP_NORETRY |
		       __GFP_NOWARN);
	if (!p)
		return -ENOMEM;
	old = xa_cmpxchg(&gmem->pages, index, NULL, p, LVMM_GFP_GUEST);
	if (xa_is_err(old)) {
		__free_page(p);
		return xa_err(old);
	}
	if (old) {
		__free_page(p);
		p = old;
	}
	*page = p;
	return 0;
}

static vm_fault_t lvmm_gmem_fault(struct vm_fault *vmf)
{
	struct page *page;
	int ret;

	ret = lvmm_gmem_get_page(vmf->vma->vm_file, vmf->pgoff, &page);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lvmm_gmem_vm_ops = {
	.fault = lvmm_gmem_fault,
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
	struct lvmm_gmem *gmem = file->private_data;
	struct page *page;
	unsigned long i;

	xa_for_each(&gmem->pages, i, page)
		put_page(page);
	xa_destroy(&gmem->pages);
	kfree(gmem);
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

	gmem = kzalloc(sizeof(*gmem), GFP_KERNEL_ACCOUNT);
	if (!gmem)
		return -ENOMEM;
	xa_init(&gmem->pages);
	gmem->npages = args->size >> PAGE_SHIFT;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kfree(gmem);
		return fd;
	}
	/* A fresh inode per file, so that its mappings are its own. */
	file = anon_inode_create_getfile("[lvmm-gmem]", &lvmm_gmem_fops, gmem,
					 O_RDWR, NULL);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kfree(gmem);
		return PTR_ERR(file);
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	i_size_write(file_inode(file), args->size);
	fd_install(fd, file);
	return fd;
}
