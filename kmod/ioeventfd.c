// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IOEVENTFD: a guest write to a port or an MMIO address signals an
 * eventfd in the kernel instead of exiting to the VMM, which is how a
 * VMM's device thread (a virtio queue notify, say) learns of it without
 * stopping the vCPU. KVM's rules (api.rst, 4.59):
 *
 * - a write hits when its address is the entry's exactly and, for an entry
 *   with a length, its width is that length; with DATAMATCH, the value
 *   must equal the datamatch too;
 * - length 0 means any width at that address (KVM_CAP_IOEVENTFD_ANY_LENGTH)
 *   and cannot go with DATAMATCH;
 * - two entries collide, and the second is refused with -EEXIST, when one
 *   could take a write the other takes: same space and address, and either
 *   has length 0, or the lengths are equal and either matches any value or
 *   both match the same one;
 * - DEASSIGN removes the entry with the same eventfd, space, address,
 *   length and datamatch; none is -ENOENT.
 *
 * Entries are read under RCU by exits on every vCPU and changed under
 * vm->io.lock; a removed one is freed after a grace period, so that no
 * exit signals an eventfd already put.
 */
#include <linux/eventfd.h>
#include <linux/kvm.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "iodev.h"
#include "vm.h"

/**
 * struct lvmm_ioeventfd - one KVM_IOEVENTFD entry
 * @link:      in vm->io.ioeventfds
 * @eventfd:   signalled on a hit; a reference held
 * @addr:      port or guest-physical address
 * @len:       1, 2, 4 or 8; 0: any width
 * @pio:       @addr is a port
 * @wildcard:  any value hits (no DATAMATCH)
 * @datamatch: the value that hits, zero-extended from @len bytes
 */
struct lvmm_ioeventfd {
	struct list_head link;
	struct eventfd_ctx *eventfd;
	u64 addr;
	u8 len;
	bool pio;
	bool wildcard;
	u64 datamatch;
};

static bool collides(const struct lvmm_ioeventfd *a,
		     const struct lvmm_ioeventfd *b)
{
	if (a->pio != b->pio || a->addr != b->addr)
		return false;
	if (!a->len || !b->len)
		return true;
	return a->len == b->len &&
	       (a->wildcard || b->wildcard || a->datamatch == b->datamatch);
}

static bool hits(const struct lvmm_ioeventfd *p, bool pio, u64 addr,
		 unsigned int len, u64 val)
{
	if (p->pio != pio || p->addr != addr)
		return false;
	if (!p->len)
		return true;
	if (p->len != len)
		return false;
	if (len < 8)
		val &= BIT_ULL(len * 8) - 1;
	return p->wildcard || p->datamatch == val;
}

bool lvmm_ioeventfd_write(struct lvmm_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val)
{
	struct lvmm_ioeventfd *p;
	bool hit = false;

	rcu_read_lock();
	list_for_each_entry_rcu(p, &vm->io.ioeventfds, link) {
		if (hits(p, pio, addr, len, val)) {
			eventfd_signal(p->eventfd);
			hit = true;
			break;
		}
	}
	rcu_read_unlock();
	return hit;
}

static int assign(struct lvmm_vm *vm, struct lvmm_ioeventfd *new)
{
	struct lvmm_ioeventfd *p;
	int ret = 0;

	mutex_lock(&vm->io.lock);
	list_for_each_entry(p, &vm->io.ioeventfds, link) {
		if (collides(p, new)) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (vm->io.nr_ioeventfds >= LVMM_MAX_IOEVENTFDS) {
		ret = -ENOSPC;
		goto out;
	}
	list_add_tail_rcu(&new->link, &vm->io.ioeventfds);
	vm->io.nr_ioeventfds++;
out:
	mutex_unlock(&vm->io.lock);
	return ret;
}

static int deassign(struct lvmm_vm *vm, const struct lvmm_ioeventfd *key)
{
	struct lvmm_ioeventfd *p, *found = NULL;

	mutex_lock(&vm->io.lock);
	list_for_each_entry(p, &vm->io.ioeventfds, link) {
		if (p->eventfd == key->eventfd && p->pio == key->pio &&
		    p->addr == key->addr && p->len == key->len &&
		    p->wildcard == key->wildcard &&
		    (p->wildcard || p->datamatch == key->datamatch)) {
			found = p;
			list_del_rcu(&p->link);
			vm->io.nr_ioeventfds--;
			break;
		}
	}
	mutex_unlock(&vm->io.lock);
	if (!found)
		return -ENOENT;
	/* No exit may still be signalling it when the reference goes. */
	synchronize_rcu();
	eventfd_ctx_put(found->eventfd);
	kfree(found);
	return 0;
}

int lvmm_ioeventfd(struct lvmm_vm *vm, const struct kvm_ioeventfd *args)
{
	struct lvmm_ioeventfd *p;
	struct eventfd_ctx *eventfd;
	int ret;

	/*
	 * As KVM checks them, and in its order: a removal is only looked up.
	 * The s390 virtio-ccw notify space does not exist on x86.
	 */
	if (!(args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)) {
		if (args->len != 0 && args->len != 1 && args->len != 2 &&
		    args->len != 4 && args->len != 8)
			return -EINVAL;
		if (args->addr + args->len < args->addr)
			return -EINVAL;
		if (args->flags & ~(u32)(KVM_IOEVENTFD_FLAG_DATAMATCH |
					 KVM_IOEVENTFD_FLAG_PIO))
			return -EINVAL;
		if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
			return -EINVAL;
	}
	if (args->flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return -EINVAL;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		eventfd_ctx_put(eventfd);
		return -ENOMEM;
	}
	p->eventfd = eventfd;
	p->addr = args->addr;
	p->len = args->len;
	p->pio = args->flags & KVM_IOEVENTFD_FLAG_PIO;
	p->wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	p->datamatch = p->wildcard ? 0 : args->datamatch;

	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN) {
		ret = deassign(vm, p);
		eventfd_ctx_put(eventfd);
		kfree(p);
		return ret;
	}
	ret = assign(vm, p);
	if (ret) {
		eventfd_ctx_put(eventfd);
		kfree(p);
	}
	return ret;
}

/* The VM is going: no exit can be reading the list. */
void lvmm_ioeventfd_free_all(struct lvmm_vm *vm)
{
	struct lvmm_ioeventfd *p, *n;

	list_for_each_entry_safe(p, n, &vm->io.ioeventfds, link) {
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	INIT_LIST_HEAD(&vm->io.ioeventfds);
	vm->io.nr_ioeventfds = 0;
}
