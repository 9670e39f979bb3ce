/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-physical memory slots (memslot.c): KVM_SET_USER_MEMORY_REGION(2),
 * the lookup from a guest frame to its backing, and copies to and from
 * guest-physical memory.
 */
#ifndef LVMM_MEMSLOT_H
#define LVMM_MEMSLOT_H

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct lvmm_vm;

/**
 * struct lvmm_slot - one guest-physical memory region
 * @id:         KVM slot number
 * @flags:      KVM_MEM_* flags
 * @base_gfn:   first guest frame
 * @npages:     length in pages
 * @hva:        anonymous backing: the VMM's address of the first page
 * @gmem:       module-owned backing, or NULL
 * @gmem_pgoff: page offset of the slot in @gmem
 * @pinned:     anonymous backing: page offset -> pinned struct page;
 *              written under vm->mmu_lock
 * @vm:         the VM the slot belongs to
 * @gmem_link:  in the gmem's bindings, under gmem->lock
 */
struct lvmm_slot {
	u32 id;
	u32 flags;
	u64 base_gfn;
	u64 npages;
	unsigned long hva;
	struct file *gmem;
	pgoff_t gmem_pgoff;
	struct xarray pinned;
	struct lvmm_vm *vm;
	struct list_head gmem_link;
};

/* Where guest frame @gfn of a gmem slot is in its file, and back. */
static inline pgoff_t lvmm_slot_index(const struct lvmm_slot *slot, u64 gfn)
{
	return slot->gmem_pgoff + gfn - slot->base_gfn;
}

static inline u64 lvmm_slot_gfn(const struct lvmm_slot *slot, pgoff_t index)
{
	return slot->base_gfn + index - slot->gmem_pgoff;
}

static inline bool lvmm_slot_has_index(const struct lvmm_slot *slot,
				       pgoff_t index)
{
	return index >= slot->gmem_pgoff &&
	       index - slot->gmem_pgoff < slot->npages;
}

int lvmm_set_memory_region(struct lvmm_vm *vm,
			   const struct kvm_userspace_memory_region2 *mem);
void lvmm_free_slots(struct lvmm_vm *vm);
void lvmm_unbind_slots(struct lvmm_vm *vm);
struct lvmm_slot *lvmm_find_slot(struct lvmm_vm *vm, u64 gfn);
int lvmm_map_gfn(struct lvmm_vm *vm, u64 gfn, bool write);
int lvmm_read_guest(struct lvmm_vm *vm, u64 gpa, void *buf, size_t len);
int lvmm_write_guest(struct lvmm_vm *vm, u64 gpa, const void *buf,
		     size_t len);

#endif /* LVMM_MEMSLOT_H */
