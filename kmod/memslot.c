// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots: which host page backs a guest frame.
 *
 * A slot is backed either by module-owned memory (gmem.c), or by the VMM's
 * anonymous memory, pinned page by page as the guest first touches it and
 * unpinned when the slot goes away. Guest-physical addresses outside every
 * slot are MMIO.
 */
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "arch.h"
#include "core.h"
#include "gmem.h"
#include "memslot.h"
#include "request.h"
#include "vm.h"

/* Guest-physical addresses the 4-level nested page table can map. */
#define LVMM_GPA_BITS		48
#define LVMM_SLOT_FLAGS		(KVM_MEM_READONLY | KVM_MEM_GUEST_MEMFD)
#define LVMM_SLOT_MAX_PAGES	((1UL << 31) - 1)

struct lvmm_slot *lvmm_find_slot(struct lvmm_vm *vm, u64 gfn)
{
	struct lvmm_slot *slot;
	unsigned long id;

	xa_for_each(&vm->slots, id, slot)
		if (gfn >= slot->base_gfn && gfn - slot->base_gfn < slot->npages)
			return slot;
	return NULL;
}

/* Unbound from its gmem already (lvmm_unbind_slots()), or never bound. */
static void lvmm_slot_free(struct lvmm_slot *slot)
{
	struct page *page;
	unsigned long off;

	xa_for_each(&slot->pinned, off, page)
		unpin_user_page(page);
	xa_destroy(&slot->pinned);
	if (slot->gmem)
		fput(slot->gmem);
	kfree(slot);
}

static void lvmm_slot_unbind(struct lvmm_slot *slot)
{
	if (slot->gmem)
		lvmm_gmem_unbind(lvmm_gmem_of(slot->gmem), slot);
}

/*
 * Remove every nested mapping of @slot and make sure no vCPU still uses
 * one. Under vm->slots_lock for writing, so no fault maps them again.
 */
static void lvmm_unmap_slot(struct lvmm_vm *vm, struct lvmm_slot *slot)
{
	lockdep_assert_held_write(&vm->slots_lock);
	mutex_lock(&vm->mmu_lock);
	lvmm_arch->unmap_gfns(vm, slot->base_gfn, slot->npages);
	mutex_unlock(&vm->mmu_lock);
	lvmm_vm_flush_tlbs(vm);
}

/* Take a slot out of the guest's view, then free it. Under vm->lock. */
static void lvmm_delete_slot(struct lvmm_vm *vm, struct lvmm_slot *slot)
{
	down_write(&vm->slots_lock);
	xa_erase(&vm->slots, slot->id);
	vm->nr_slots--;
	vm->memory_bytes -= slot->npages << PAGE_SHIFT;
	lvmm_unmap_slot(vm, slot);
	lvmm_slot_unbind(slot);
	up_write(&vm->slots_lock);
	lvmm_slot_free(slot);
}

/*
 * Before a VM's nested page table goes: its gmem files may outlive it and
 * must not reach into it again.
 */
void lvmm_unbind_slots(struct lvmm_vm *vm)
{
	struct lvmm_slot *slot;
	unsigned long id;

	xa_for_each(&vm->slots, id, slot)
		lvmm_slot_unbind(slot);
}

void lvmm_free_slots(struct lvmm_vm *vm)
{
	struct lvmm_slot *slot;
	unsigned long id;

	xa_for_each(&vm->slots, id, slot)
		lvmm_slot_free(slot);
	xa_destroy(&vm->slots);
}

static int lvmm_check_region(const struct kvm_userspace_memory_region2 *mem)
{
	u64 size = mem->memory_size, gpa = mem->guest_phys_addr;

	if (mem->flags & ~LVMM_SLOT_FLAGS)
		return -EINVAL;
	if ((mem->slot >> 16) || (mem->slot & 0xffff) >= lvmm_max_slots)
		return -EINVAL;
	if (!PAGE_ALIGNED(size) || !PAGE_ALIGNED(gpa))
		return -EINVAL;
	if (gpa >= BIT_ULL(LVMM_GPA_BITS) || size > BIT_ULL(LVMM_GPA_BITS) - gpa)
		return -EINVAL;
	/* KVM's limit on a slot, so that the same sizes fail on both. */
	if ((size >> PAGE_SHIFT) > LVMM_SLOT_MAX_PAGES)
		return -EINVAL;
	if (!(mem->flags & KVM_MEM_GUEST_MEMFD) && size &&
	    (!PAGE_ALIGNED(mem->userspace_addr) ||
	     !access_ok((void __user *)(unsigned long)mem->userspace_addr, size)))
		return -EINVAL;
	if ((mem->flags & KVM_MEM_GUEST_MEMFD) &&
	    !PAGE_ALIGNED(mem->guest_memfd_offset))
		return -EINVAL;
	return 0;
}

static bool lvmm_overlaps(struct lvmm_vm *vm, u64 gfn, u64 npages, u32 skip)
{
	struct lvmm_slot *slot;
	unsigned long id;

	xa_for_each(&vm->slots, id, slot)
		if (id != skip && gfn < slot->base_gfn + slot->npages &&
		    slot->base_gfn < gfn + npages)
			return true;
	return false;
}

static int lvmm_create_slot(struct lvmm_vm *vm,
			    const struct kvm_userspace_memory_region2 *mem)
{
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	struct lvmm_slot *slot;
	int ret;

	if (vm->nr_slots >= lvmm_max_slots)
		return -ENOSPC;
	if (lvmm_overlaps(vm, mem->guest_phys_addr >> PAGE_SHIFT, npages, ~0u))
		return -EEXIST;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	slot->id = mem->slot;
	slot->flags = mem->flags;
	slot->base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	slot->npages = npages;
	slot->hva = mem->userspace_addr;
	slot->vm = vm;
	INIT_LIST_HEAD(&slot->gmem_link);
	xa_init(&slot->pinned);

	if (mem->flags & KVM_MEM_GUEST_MEMFD) {
		slot->gmem = lvmm_gmem_get(mem->guest_memfd);
		if (IS_ERR(slot->gmem)) {
			ret = PTR_ERR(slot->gmem);
			kfree(slot);
			return ret;
		}
		slot->gmem_pgoff = mem->guest_memfd_offset >> PAGE_SHIFT;
		if (mem->guest_memfd_offset + mem->memory_size >
		    i_size_read(file_inode(slot->gmem))) {
			fput(slot->gmem);
			kfree(slot);
			return -EINVAL;
		}
	}

	down_write(&vm->slots_lock);
	ret = xa_insert(&vm->slots, slot->id, slot, GFP_KERNEL_ACCOUNT);
	if (!ret) {
		vm->nr_slots++;
		vm->memory_bytes += mem->memory_size;
		if (slot->gmem)
			lvmm_gmem_bind(lvmm_gmem_of(slot->gmem), slot);
	}
	up_write(&vm->slots_lock);
	if (ret) {
		lvmm_slot_free(slot);
		return ret;
	}
	return 0;
}

/*
 * An existing slot may change its flags, or move (KVM's KVM_MR_MOVE) to
 * another guest-physical place with the same size and backing. A gmem slot
 * cannot move: its file finds the slot's frames for merges, as in KVM, where
 * private memory slots are immutable. Under vm->lock. The mappings are
 * removed and remade, from the new place and flags, on the next fault; a
 * vCPU touching the range meanwhile sees MMIO, as on KVM.
 */
static int lvmm_change_slot(struct lvmm_vm *vm, struct lvmm_slot *slot,
			    const struct kvm_userspace_memory_region2 *mem)
{
	u64 gfn = mem->guest_phys_addr >> PAGE_SHIFT;

	if (slot->npages != mem->memory_size >> PAGE_SHIFT ||
	    ((slot->flags ^ mem->flags) & KVM_MEM_GUEST_MEMFD) ||
	    (!slot->gmem && slot->hva != mem->userspace_addr))
		return -EINVAL;
	if (gfn != slot->base_gfn) {
		if (slot->gmem)
			return -EINVAL;
		if (lvmm_overlaps(vm, gfn, slot->npages, slot->id))
			return -EEXIST;
	} else if (slot->flags == mem->flags) {
		return 0;
	}
	down_write(&vm->slots_lock);
	lvmm_unmap_slot(vm, slot);
	slot->base_gfn = gfn;
	slot->flags = mem->flags;
	up_write(&vm->slots_lock);
	return 0;
}

int lvmm_set_memory_region(struct lvmm_vm *vm,
			   const struct kvm_userspace_memory_region2 *mem)
{
	struct lvmm_slot *old;
	int ret;

	ret = lvmm_check_region(mem);
	if (ret)
		return ret;

	mutex_lock(&vm->lock);
	old = xa_load(&vm->slots, mem->slot);
	if (!mem->memory_size) {
		if (old)
			lvmm_delete_slot(vm, old);
		else
			ret = -EINVAL;
	} else if (old) {
		ret = lvmm_change_slot(vm, old, mem);
	} else {
		ret = lvmm_create_slot(vm, mem);
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/* The anonymous page behind @off of @slot, pinned on first use. */
static int lvmm_slot_pin(struct lvmm_vm *vm, struct lvmm_slot *slot, u64 off,
			 struct page **page)
{
	unsigned int gup = FOLL_LONGTERM;
	struct page *p, *old;
	int ret;

	p = xa_load(&slot->pinned, off);
	if (p) {
		*page = p;
		return 0;
	}
	if (!(slot->flags & KVM_MEM_READONLY))
		gup |= FOLL_WRITE;
	ret = pin_user_pages_fast(slot->hva + (off << PAGE_SHIFT), 1, gup, &p);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	mutex_lock(&vm->mmu_lock);
	old = xa_cmpxchg(&slot->pinned, off, NULL, p, LVMM_GFP_GUEST);
	mutex_unlock(&vm->mmu_lock);
	if (xa_is_err(old)) {
		unpin_user_page(p);
		return xa_err(old);
	}
	if (old) {
		/* Another vCPU pinned it first. */
		unpin_user_page(p);
		p = old;
	}
	*page = p;
	return 0;
}

/*
 * The page behind @gfn for an access that writes if @write; -ENOENT outside
 * every slot (MMIO) or for a write to a read-only one. Under slots_lock. A
 * gmem slot's page comes with gmem->lock held, so that no merge replaces
 * it while the caller maps or copies it: lvmm_put_guest_page() drops it.
 */
static int lvmm_get_guest_page(struct lvmm_vm *vm, u64 gfn, bool write,
			       struct lvmm_slot **slotp, struct page **page,
			       bool *shared)
{
	struct lvmm_slot *slot = lvmm_find_slot(vm, gfn);
	struct lvmm_gmem *gmem;
	int ret;

	*shared = false;
	if (!slot || (write && (slot->flags & KVM_MEM_READONLY)))
		return -ENOENT;
	*slotp = slot;
	if (!slot->gmem)
		return lvmm_slot_pin(vm, slot, gfn - slot->base_gfn, page);
	gmem = lvmm_gmem_of(slot->gmem);
	mutex_lock(&gmem->lock);
	ret = lvmm_gmem_page(gmem, lvmm_slot_index(slot, gfn), write, page,
			     shared);
	if (ret)
		mutex_unlock(&gmem->lock);
	return ret;
}

static void lvmm_put_guest_page(struct lvmm_slot *slot)
{
	if (slot->gmem)
		mutex_unlock(&lvmm_gmem_of(slot->gmem)->lock);
}

/**
 * lvmm_map_gfn - back a guest frame and map it in the nested page table
 * @vm:    the VM
 * @gfn:   guest frame number
 * @write: the guest writes: a shared page gets a private copy first
 *
 * Return: 0; -ENOENT outside every slot (MMIO), or when writing a read-only
 * slot; another negative errno when the backing cannot be had.
 */
int lvmm_map_gfn(struct lvmm_vm *vm, u64 gfn, bool write)
{
	struct lvmm_slot *slot;
	struct page *page;
	bool shared;
	int ret;

	down_read(&vm->slots_lock);
	ret = lvmm_get_guest_page(vm, gfn, write, &slot, &page, &shared);
	if (!ret) {
		mutex_lock(&vm->mmu_lock);
		ret = lvmm_arch->map_gfn(vm, gfn, page_to_pfn(page),
					 !shared && !(slot->flags & KVM_MEM_READONLY));
		mutex_unlock(&vm->mmu_lock);
		lvmm_put_guest_page(slot);
	}
	up_read(&vm->slots_lock);
	return ret;
}

/* Copy within one guest page; under vm->slots_lock. */
static int lvmm_copy_guest_page(struct lvmm_vm *vm, u64 gpa, void *buf,
				size_t n, bool write)
{
	struct lvmm_slot *slot;
	struct page *page;
	bool shared;
	void *va;
	int ret;

	ret = lvmm_get_guest_page(vm, gpa >> PAGE_SHIFT, write, &slot, &page,
				  &shared);
	if (ret)
		return ret;
	va = kmap_local_page(page);
	if (write)
		memcpy(va + offset_in_page(gpa), buf, n);
	else
		memcpy(buf, va + offset_in_page(gpa), n);
	kunmap_local(va);
	lvmm_put_guest_page(slot);
	return 0;
}

static int lvmm_copy_guest(struct lvmm_vm *vm, u64 gpa, void *buf,
			   size_t len, bool write)
{
	int ret = 0;

	down_read(&vm->slots_lock);
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(gpa));

		ret = lvmm_copy_guest_page(vm, gpa, buf, n, write);
		if (ret)
			break;
		gpa += n;
		buf += n;
		len -= n;
	}
	up_read(&vm->slots_lock);
	return ret ? -EFAULT : 0;
}

int lvmm_read_guest(struct lvmm_vm *vm, u64 gpa, void *buf, size_t len)
{
	return lvmm_copy_guest(vm, gpa, buf, len, false);
}

int lvmm_write_guest(struct lvmm_vm *vm, u64 gpa, const void *buf, size_t len)
{
	return lvmm_copy_guest(vm, gpa, (void *)buf, len, true);
}
