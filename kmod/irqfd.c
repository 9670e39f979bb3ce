// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IRQFD (api.rst 4.75): a signal on an eventfd raises a GSI, so that a
 * device thread or another process (vhost, a VFIO device) interrupts the
 * guest without a trip through the VMM's vCPU threads.
 *
 * - Without KVM_IRQFD_FLAG_RESAMPLE a signal is an edge: the GSI goes high
 *   and low again.
 * - With it the GSI goes high and stays high, for a level-triggered line:
 *   when the guest ends the interrupt (the IOAPIC pin's EOI), lvmm lowers
 *   it and signals the resamplefd; the VMM checks its device and signals
 *   the irqfd again if the line is still asserted.
 *
 * lvmm waits on the eventfd's queue as KVM does, first in line and
 * exclusive: the wake-up (atomic context, the eventfd's queue lock held)
 * consumes the count, delivers at once a GSI whose one route is an MSI,
 * and hands the rest to a work item, since the IOAPIC takes a plain
 * spinlock. Closing the eventfd (EPOLLHUP) or KVM_IRQFD_FLAG_DEASSIGN
 * takes the irqfd off the VM's list; the rest of its teardown runs on
 * lvmm_irqfd_wq, which both flush, so that the ioctl and the VM's end
 * return with nothing of it left running.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kvm.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "irq.h"
#include "vm.h"

/**
 * struct lvmm_irqfd - one KVM_IRQFD
 * @vm:         its VM; the VM waits for every irqfd to go before it goes
 * @link:       in vm->irq.irqfds while active
 * @active:     on the list; cleared by whoever takes it off, under
 *              vm->irq.irqfds_lock, who then queues @shutdown
 * @gsi:        the GSI it raises
 * @eventfd:    the eventfd waited on; a reference held
 * @resamplefd: with KVM_IRQFD_FLAG_RESAMPLE, signalled at the EOI; else NULL
 * @wait:       the entry on @eventfd's queue
 * @pt:         for vfs_poll(), which puts @wait on the queue
 * @inject:     raises @gsi from process context
 * @shutdown:   the teardown, on lvmm_irqfd_wq
 * @ack:        with a resamplefd, hears the EOIs (irq_ack.c)
 */
struct lvmm_irqfd {
	struct lvmm_vm *vm;
	struct list_head link;
	bool active;
	u32 gsi;
	struct eventfd_ctx *eventfd;
	struct eventfd_ctx *resamplefd;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct inject;
	struct work_struct shutdown;
	struct lvmm_irq_ack_notifier ack;
};

static struct workqueue_struct *lvmm_irqfd_wq;

static void irqfd_inject(struct work_struct *work)
{
	struct lvmm_irqfd *irqfd = container_of(work, struct lvmm_irqfd, inject);
	struct lvmm_vm *vm = irqfd->vm;

	if (irqfd->resamplefd) {
		lvmm_irq_set(vm, LVMM_IRQ_SRC_RESAMPLE, irqfd->gsi, true);
	} else {
		lvmm_irq_set(vm, LVMM_IRQ_SRC_USER, irqfd->gsi, true);
		lvmm_irq_set(vm, LVMM_IRQ_SRC_USER, irqfd->gsi, false);
	}
}

/* Off the list, teardown queued. Under vm->irq.irqfds_lock. */
static void deactivate(struct lvmm_irqfd *irqfd)
{
	if (!irqfd->active)
		return;
	irqfd->active = false;
	list_del_rcu(&irqfd->link);
	queue_work(lvmm_irqfd_wq, &irqfd->shutdown);
}

static void irqfd_shutdown(struct work_struct *work)
{
	struct lvmm_irqfd *irqfd = container_of(work, struct lvmm_irqfd,
						shutdown);
	u64 cnt;

	/* No wake-up runs after this; then none of its work either. */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	flush_work(&irqfd->inject);
	if (irqfd->resamplefd) {
		mutex_lock(&irqfd->vm->irq.lock);
		lvmm_irq_del_ack_notifier(irqfd->vm, &irqfd->ack);
		mutex_unlock(&irqfd->vm->irq.lock);
	}
	/* Nor an EOI still calling it. */
	synchronize_rcu();
	if (irqfd->resamplefd) {
		/*
		 * Its level goes with it. Another resampling irqfd on the
		 * same GSI raises it again at its next signal.
		 */
		lvmm_irq_set(irqfd->vm, LVMM_IRQ_SRC_RESAMPLE, irqfd->gsi, false);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			int sync, void *key)
{
	struct lvmm_irqfd *irqfd = container_of(wait, struct lvmm_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct lvmm_vm *vm = irqfd->vm;
	unsigned long iflags;
	int ret = 0;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		if (irqfd->resamplefd ||
		    lvmm_irq_set_msi_only(vm, irqfd->gsi) == -EWOULDBLOCK)
			queue_work(lvmm_irqfd_wq, &irqfd->inject);
		/* Consumed: no other waiter sees it, as in KVM. */
		ret = 1;
	}
	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&vm->irq.irqfds_lock, iflags);
		deactivate(irqfd);
		spin_unlock_irqrestore(&vm->irq.irqfds_lock, iflags);
	}
	return ret;
}

static void irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
			     poll_table *pt)
{
	struct lvmm_irqfd *irqfd = container_of(pt, struct lvmm_irqfd, pt);

	add_wait_queue_priority(wqh, &irqfd->wait);
}

/*
 * An EOI of pin @pin of @irqchip (irq_ack.c): if this irqfd's GSI drives
 * it, lower the level it holds and tell the VMM, which signals again if
 * its device still asserts the line.
 */
static void irqfd_acked(struct lvmm_irq_ack_notifier *n, u32 irqchip, u32 pin)
{
	struct lvmm_irqfd *irqfd = container_of(n, struct lvmm_irqfd, ack);

	if (!lvmm_irq_gsi_routes_to(irqfd->vm, irqfd->gsi, irqchip, pin))
		return;
	lvmm_irq_set(irqfd->vm, LVMM_IRQ_SRC_RESAMPLE, irqfd->gsi, false);
	eventfd_signal(irqfd->resamplefd);
}

static int assign(struct lvmm_vm *vm, const struct kvm_irqfd *args)
{
	struct lvmm_irqfd *irqfd, *p;
	struct fd f;
	__poll_t events;
	int ret;

	/* Resampling follows an in-kernel IOAPIC: not with a split irqchip. */
	if (lvmm_irqchip_mode(vm) == LVMM_IRQCHIP_NONE ||
	    ((args->flags & KVM_IRQFD_FLAG_RESAMPLE) &&
	     lvmm_irqchip_mode(vm) != LVMM_IRQCHIP_KERNEL))
		return -EINVAL;
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->link);
	INIT_WORK(&irqfd->inject, irqfd_inject);
	INIT_WORK(&irqfd->shutdown, irqfd_shutdown);

	f = fdget(args->fd);
	if (!fd_file(f)) {
		ret = -EBADF;
		goto err_free;
	}
	irqfd->eventfd = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(irqfd->eventfd)) {
		ret = PTR_ERR(irqfd->eventfd);
		goto err_fdput;
	}
	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		irqfd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			ret = PTR_ERR(irqfd->resamplefd);
			goto err_put;
		}
	}
	irqfd->ack.acked = irqfd_acked;
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_queue_proc);

	mutex_lock(&vm->irq.lock);
	spin_lock_irq(&vm->irq.irqfds_lock);
	ret = 0;
	list_for_each_entry(p, &vm->irq.irqfds, link)
		if (p->eventfd == irqfd->eventfd)
			ret = -EBUSY;	/* one irqfd per eventfd and VM */
	if (!ret) {
		irqfd->active = true;
		list_add_tail_rcu(&irqfd->link, &vm->irq.irqfds);
	}
	spin_unlock_irq(&vm->irq.irqfds_lock);
	if (ret) {
		mutex_unlock(&vm->irq.lock);
		goto err_put;
	}
	if (irqfd->resamplefd)
		lvmm_irq_add_ack_notifier(vm, &irqfd->ack);
	/* A signal that came before the irqfd counts, as in KVM. */
	events = vfs_poll(fd_file(f), &irqfd->pt);
	if (events & EPOLLIN)
		queue_work(lvmm_irqfd_wq, &irqfd->inject);
	mutex_unlock(&vm->irq.lock);
	fdput(f);
	return 0;

err_put:
	if (!IS_ERR_OR_NULL(irqfd->resamplefd))
		eventfd_ctx_put(irqfd->resamplefd);
	eventfd_ctx_put(irqfd->eventfd);
err_fdput:
	fdput(f);
err_free:
	kfree(irqfd);
	return ret;
}

/* As KVM: every irqfd of that eventfd and GSI goes; none is not an error. */
static int deassign(struct lvmm_vm *vm, const struct kvm_irqfd *args)
{
	struct eventfd_ctx *eventfd;
	struct lvmm_irqfd *p;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&vm->irq.lock);
	spin_lock_irq(&vm->irq.irqfds_lock);
	list_for_each_entry(p, &vm->irq.irqfds, link)
		if (p->eventfd == eventfd && p->gsi == args->gsi)
			deactivate(p);
	spin_unlock_irq(&vm->irq.irqfds_lock);
	mutex_unlock(&vm->irq.lock);
	eventfd_ctx_put(eventfd);
	/* Gone, with no signal left in flight, when the ioctl returns. */
	flush_workqueue(lvmm_irqfd_wq);
	return 0;
}

int lvmm_irqfd(struct lvmm_vm *vm, const struct kvm_irqfd *args)
{
	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return deassign(vm, args);
	return assign(vm, args);
}

/* The VM is going: take every irqfd down and wait for them. */
void lvmm_irqfd_release_all(struct lvmm_vm *vm)
{
	struct lvmm_irqfd *p;

	spin_lock_irq(&vm->irq.irqfds_lock);
	list_for_each_entry(p, &vm->irq.irqfds, link)
		deactivate(p);
	spin_unlock_irq(&vm->irq.irqfds_lock);
	flush_workqueue(lvmm_irqfd_wq);
}

int lvmm_irqfd_module_init(void)
{
	lvmm_irqfd_wq = alloc_workqueue("lvmm-irqfd", 0, 0);
	return lvmm_irqfd_wq ? 0 : -ENOMEM;
}

void lvmm_irqfd_module_exit(void)
{
	destroy_workqueue(lvmm_irqfd_wq);
}
