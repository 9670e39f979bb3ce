// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO and port I/O (KVM_REGISTER_COALESCED_MMIO): a guest write
 * that lies wholly inside a registered zone does not exit; it is queued in
 * a ring page the VMM maps at KVM_COALESCED_MMIO_PAGE_OFFSET of any vCPU
 * and drains when it next handles an exit. Devices whose writes have no
 * immediate effect (a framebuffer, the RTC's index port) batch that way.
 *
 * The ring is KVM's: the kernel fills entry ring->last and moves it on, the
 * VMM consumes from ring->first. One entry is always left free, so that a
 * full ring and an empty one differ; when full, or when the VMM has put
 * ring->last out of range, the write exits as usual and nothing is lost.
 *
 * As in KVM, zones may overlap (a write is queued once), and unregistering
 * removes every zone of the same kind that contains the range given; it
 * cannot fail.
 */
#include <linux/kvm.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "iodev.h"
#include "vm.h"

struct lvmm_coalesced_zone {
	struct list_head link;		/* in vm->io.zones */
	struct rcu_head rcu;
	u64 addr;
	u64 size;
	bool pio;
};

/* [@addr, @addr + @len) inside [@base, @base + @size), without overflow. */
static bool inside(u64 base, u64 size, u64 addr, u64 len)
{
	return addr >= base && len <= size && addr - base <= size - len;
}

bool lvmm_coalesced_write(struct lvmm_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val)
{
	struct kvm_coalesced_mmio_ring *ring = vm->io.ring;
	struct lvmm_coalesced_zone *z;
	bool in_zone = false;
	u32 last;

	rcu_read_lock();
	list_for_each_entry_rcu(z, &vm->io.zones, link) {
		if (z->pio == pio && inside(z->addr, z->size, addr, len)) {
			in_zone = true;
			break;
		}
	}
	rcu_read_unlock();
	if (!in_zone)
		return false;

	spin_lock(&vm->io.ring_lock);
	/* The VMM writes the ring too: read its indices once, and check. */
	last = READ_ONCE(ring->last);
	if (last >= KVM_COALESCED_MMIO_MAX ||
	    (last + 1) % KVM_COALESCED_MMIO_MAX == READ_ONCE(ring->first)) {
		spin_unlock(&vm->io.ring_lock);
		return false;
	}
	ring->coalesced_mmio[last].phys_addr = addr;
	ring->coalesced_mmio[last].len = len;
	ring->coalesced_mmio[last].pio = pio;
	memset(ring->coalesced_mmio[last].data, 0,
	       sizeof(ring->coalesced_mmio[last].data));
	memcpy(ring->coalesced_mmio[last].data, &val, len);
	/* The entry before the index that publishes it. */
	smp_wmb();
	WRITE_ONCE(ring->last, (last + 1) % KVM_COALESCED_MMIO_MAX);
	spin_unlock(&vm->io.ring_lock);
	return true;
}

int lvmm_coalesced_register(struct lvmm_vm *vm,
			    const struct kvm_coalesced_mmio_zone *zone)
{
	struct lvmm_coalesced_zone *z;
	int ret = 0;

	if (zone->pio != 0 && zone->pio != 1)
		return -EINVAL;
	z = kzalloc(sizeof(*z), GFP_KERNEL_ACCOUNT);
	if (!z)
		return -ENOMEM;
	z->addr = zone->addr;
	z->size = zone->size;
	z->pio = zone->pio;

	mutex_lock(&vm->io.lock);
	if (vm->io.nr_zones >= LVMM_MAX_COALESCED) {
		ret = -ENOSPC;
	} else {
		list_add_tail_rcu(&z->link, &vm->io.zones);
		vm->io.nr_zones++;
	}
	mutex_unlock(&vm->io.lock);
	if (ret)
		kfree(z);
	return ret;
}

int lvmm_coalesced_unregister(struct lvmm_vm *vm,
			      const struct kvm_coalesced_mmio_zone *zone)
{
	struct lvmm_coalesced_zone *z, *n;

	if (zone->pio != 0 && zone->pio != 1)
		return -EINVAL;
	mutex_lock(&vm->io.lock);
	list_for_each_entry_safe(z, n, &vm->io.zones, link) {
		/* KVM's test: the range given lies inside the zone. */
		if (z->pio != !!zone->pio ||
		    !inside(z->addr, z->size, zone->addr, zone->size))
			continue;
		list_del_rcu(&z->link);
		vm->io.nr_zones--;
		kfree_rcu(z, rcu);
	}
	mutex_unlock(&vm->io.lock);
	return 0;
}

/* The VM is going: no exit can be reading the list. */
void lvmm_coalesced_free_all(struct lvmm_vm *vm)
{
	struct lvmm_coalesced_zone *z, *n;

	list_for_each_entry_safe(z, n, &vm->io.zones, link)
		kfree(z);
	INIT_LIST_HEAD(&vm->io.zones);
	vm->io.nr_zones = 0;
}
