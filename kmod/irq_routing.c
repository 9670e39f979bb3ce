// SPDX-License-Identifier: GPL-2.0
/*
 * GSI routing (KVM_SET_GSI_ROUTING, api.rst 4.52): which interrupt
 * controller input, or which MSI, each GSI drives. KVM_CREATE_IRQCHIP
 * installs KVM's default table, GSI n to IOAPIC pin n (0-23) and to 8259
 * pin n (0-15); a VMM replaces the whole table at once.
 *
 * KVM's rules for a table: at most LVMM_MAX_GSIS entries and GSIs; a GSI
 * has either one MSI entry or up to one entry per irqchip; PIC pins are
 * 0-7 of the master or the slave, IOAPIC pins 0-23. Anything else is
 * -EINVAL, and so is a table without an in-kernel irqchip, or one with
 * irqchip routes for a split irqchip.
 *
 * Readers (KVM_IRQ_LINE, irqfds, their wake-ups
 * in atomic context) see the table under RCU; a replaced one is freed
 * after a grace period.
 */
#include <linux/kvm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "irq.h"
#include "lapic.h"
#include "pic.h"
#include "vm.h"

#define ROUTES_PER_GSI	3	/* one per irqchip: PIC master, slave, IOAPIC */
#define PIC_PINS	8
#define IOAPIC_PINS	24

struct lvmm_route {
	u32 type;			/* KVM_IRQ_ROUTING_IRQCHIP or _MSI */
	union {
		struct {
			u32 irqchip;	/* KVM_IRQCHIP_* */
			u32 pin;
		} chip;
		struct {
			u32 addr_lo;
			u32 addr_hi;
			u32 data;
		} msi;
	};
};

struct lvmm_gsi_routes {
	u32 nr;
	struct lvmm_route r[ROUTES_PER_GSI];
};

struct lvmm_irq_routing {
	u32 nr_gsis;			/* highest GSI in the table, plus 1 */
	struct lvmm_gsi_routes gsi[] __counted_by(nr_gsis);
};

void lvmm_vm_irq_init(struct lvmm_vm *vm)
{
	mutex_init(&vm->irq.lock);
	spin_lock_init(&vm->irq.irqfds_lock);
	INIT_LIST_HEAD(&vm->irq.irqfds);
	INIT_HLIST_HEAD(&vm->irq.ack_notifiers);
}

/* Add @ue to @rt, with KVM's checks. */
static int add_route(struct lvmm_vm *vm, struct lvmm_irq_routing *rt,
		     const struct kvm_irq_routing_entry *ue)
{
	struct lvmm_gsi_routes *g = &rt->gsi[ue->gsi];
	struct lvmm_route *r;
	u32 i;

	if (ue->type == KVM_IRQ_ROUTING_MSI ?
	    ue->flags & ~KVM_MSI_VALID_DEVID : ue->flags)
		return -EINVAL;
	/* An MSI GSI has one route; an irqchip GSI one per chip. */
	for (i = 0; i < g->nr; i++)
		if (g->r[i].type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    g->r[i].chip.irqchip == ue->u.irqchip.irqchip)
			return -EINVAL;

	r = &g->r[g->nr];
	r->type = ue->type;
	switch (ue->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		/* A split irqchip's chips are the VMM's. */
		if (lvmm_irqchip_mode(vm) == LVMM_IRQCHIP_SPLIT)
			return -EINVAL;
		switch (ue->u.irqchip.irqchip) {
		case KVM_IRQCHIP_PIC_MASTER:
		case KVM_IRQCHIP_PIC_SLAVE:
			if (ue->u.irqchip.pin >= PIC_PINS)
				return -EINVAL;
			break;
		case KVM_IRQCHIP_IOAPIC:
			if (ue->u.irqchip.pin >= IOAPIC_PINS)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
		r->chip.irqchip = ue->u.irqchip.irqchip;
		r->chip.pin = ue->u.irqchip.pin;
		break;
	case KVM_IRQ_ROUTING_MSI:
		if ((READ_ONCE(vm->x2apic_api) & KVM_X2APIC_API_USE_32BIT_IDS) &&
		    (ue->u.msi.address_hi & 0xff))
			return -EINVAL;
		r->msi.addr_lo = ue->u.msi.address_lo;
		r->msi.addr_hi = ue->u.msi.address_hi;
		r->msi.data = ue->u.msi.data;
		break;
	default:
		return -EINVAL;
	}
	g->nr++;
	return 0;
}

/* A table from @nr entries, or an ERR_PTR. */
static struct lvmm_irq_routing *build(struct lvmm_vm *vm,
				      const struct kvm_irq_routing_entry *ue,
				      u32 nr)
{
	struct lvmm_irq_routing *rt;
	u32 i, nr_gsis = 1;
	int ret;

	for (i = 0; i < nr; i++) {
		if (ue[i].gsi >= LVMM_MAX_GSIS)
			return ERR_PTR(-EINVAL);
		nr_gsis = max(nr_gsis, ue[i].gsi + 1);
	}
	rt = kvzalloc(struct_size(rt, gsi, nr_gsis), GFP_KERNEL_ACCOUNT);
	if (!rt)
		return ERR_PTR(-ENOMEM);
	rt->nr_gsis = nr_gsis;
	for (i = 0; i < nr; i++) {
		ret = add_route(vm, rt, &ue[i]);
		if (ret) {
			kvfree(rt);
			return ERR_PTR(ret);
		}
	}
	return rt;
}

/* Put @rt in place; the old table goes once no reader can see it. */
static void install(struct lvmm_vm *vm, struct lvmm_irq_routing *rt)
{
	struct lvmm_irq_routing *old;

	mutex_lock(&vm->irq.lock);
	old = rcu_replace_pointer(vm->irq.routing, rt,
				  lockdep_is_held(&vm->irq.lock));
	mutex_unlock(&vm->irq.lock);
	if (old) {
		synchronize_rcu();
		kvfree(old);
	}
}

/* KVM_CREATE_IRQCHIP's table; under vm->lock, before any vCPU. */
int lvmm_irq_routing_default(struct lvmm_vm *vm)
{
	struct kvm_irq_routing_entry *ue;
	struct lvmm_irq_routing *rt;
	u32 gsi, n = 0;

	/* 40 entries of 64 bytes: too many for the stack. */
	ue = kcalloc(IOAPIC_PINS + 2 * PIC_PINS, sizeof(*ue), GFP_KERNEL);
	if (!ue)
		return -ENOMEM;
	for (gsi = 0; gsi < IOAPIC_PINS; gsi++) {
		ue[n].gsi = gsi;
		ue[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		ue[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		ue[n++].u.irqchip.pin = gsi;
		if (gsi >= 2 * PIC_PINS)
			continue;
		ue[n].gsi = gsi;
		ue[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		ue[n].u.irqchip.irqchip = gsi < PIC_PINS ? KVM_IRQCHIP_PIC_MASTER :
							   KVM_IRQCHIP_PIC_SLAVE;
		ue[n++].u.irqchip.pin = gsi % PIC_PINS;
	}
	rt = build(vm, ue, n);
	kfree(ue);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	install(vm, rt);
	return 0;
}

int lvmm_set_gsi_routing(struct lvmm_vm *vm, struct kvm_irq_routing __user *u)
{
	struct kvm_irq_routing_entry *ue = NULL;
	struct lvmm_irq_routing *rt;
	struct kvm_irq_routing hdr;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (lvmm_irqchip_mode(vm) == LVMM_IRQCHIP_NONE)
		return -EINVAL;
	if (hdr.nr > LVMM_MAX_GSIS || hdr.flags)
		return -EINVAL;
	if (hdr.nr) {
		ue = vmemdup_array_user(u->entries, hdr.nr, sizeof(*ue));
		if (IS_ERR(ue))
			return PTR_ERR(ue);
	}
	rt = build(vm, ue, hdr.nr);
	kvfree(ue);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	install(vm, rt);
	return 0;
}

/* Drive one route; KVM's result: <0 nothing, else how many took it. */
static int set_route(struct lvmm_vm *vm, const struct lvmm_route *r,
		     enum lvmm_irq_source src, bool level)
{
	if (r->type == KVM_IRQ_ROUTING_MSI)
		return level ? lvmm_msi_deliver(vm, r->msi.addr_lo,
						r->msi.addr_hi, r->msi.data) : -1;
	if (r->chip.irqchip == KVM_IRQCHIP_IOAPIC)
		return lvmm_ioapic_set_irq(vm, src, r->chip.pin, level);
	return lvmm_pic_set_irq(vm, src, r->chip.irqchip == KVM_IRQCHIP_PIC_SLAVE ?
				r->chip.pin + 8 : r->chip.pin, level);
}

/*
 * Set GSI @gsi to @level for source @src, through every route it has.
 * KVM_IRQ_LINE's status: -1 when nothing took it, else the sum.
 */
int lvmm_irq_set(struct lvmm_vm *vm, enum lvmm_irq_source src, u32 gsi,
		 bool level)
{
	struct lvmm_irq_routing *rt;
	int ret = -1, r;
	u32 i;

	rcu_read_lock();
	rt = rcu_dereference(vm->irq.routing);
	if (rt && gsi < rt->nr_gsis) {
		for (i = 0; i < rt->gsi[gsi].nr; i++) {
			r = set_route(vm, &rt->gsi[gsi].r[i], src, level);
			if (r >= 0)
				ret = ret < 0 ? r : ret + r;
		}
	}
	rcu_read_unlock();
	return ret;
}

/*
 * An irqfd's wake-up, in atomic context: deliver @gsi at once if its one
 * route is an MSI (the APIC bus takes only raw spinlocks); -EWOULDBLOCK
 * when it goes to an irqchip, which has to be driven from process context.
 */
int lvmm_irq_set_msi_only(struct lvmm_vm *vm, u32 gsi)
{
	struct lvmm_irq_routing *rt;
	struct lvmm_route r;
	bool msi;

	rcu_read_lock();
	rt = rcu_dereference(vm->irq.routing);
	msi = rt && gsi < rt->nr_gsis && rt->gsi[gsi].nr == 1 &&
	      rt->gsi[gsi].r[0].type == KVM_IRQ_ROUTING_MSI;
	if (msi)
		r = rt->gsi[gsi].r[0];
	rcu_read_unlock();
	if (!msi)
		return -EWOULDBLOCK;
	lvmm_msi_deliver(vm, r.msi.addr_lo, r.msi.addr_hi, r.msi.data);
	return 0;
}

/* Does @gsi drive pin @pin of @irqchip? For resampling irqfds. */
bool lvmm_irq_gsi_routes_to(struct lvmm_vm *vm, u32 gsi, u32 irqchip, u32 pin)
{
	struct lvmm_irq_routing *rt;
	bool found = false;
	u32 i;

	rcu_read_lock();
	rt = rcu_dereference(vm->irq.routing);
	if (rt && gsi < rt->nr_gsis)
		for (i = 0; i < rt->gsi[gsi].nr; i++)
			found |= rt->gsi[gsi].r[i].type == KVM_IRQ_ROUTING_IRQCHIP &&
				 rt->gsi[gsi].r[i].chip.irqchip == irqchip &&
				 rt->gsi[gsi].r[i].chip.pin == pin;
	rcu_read_unlock();
	return found;
}

/*
 * Split irqchip: does the EOI of level-triggered @vector go to the VMM?
 * As KVM decides it: the VMM's IOAPIC routes (GSIs below
 * vm->nr_reserved_ioapic_pins) have a level-triggered MSI of @vector.
 */
bool lvmm_irq_split_eoi(struct lvmm_vm *vm, u8 vector)
{
	struct lvmm_irq_routing *rt;
	bool found = false;
	u32 gsi, i;

	rcu_read_lock();
	rt = rcu_dereference(vm->irq.routing);
	for (gsi = 0; rt && gsi < min(rt->nr_gsis, vm->nr_reserved_ioapic_pins); gsi++) {
		for (i = 0; i < rt->gsi[gsi].nr; i++) {
			const struct lvmm_route *r = &rt->gsi[gsi].r[i];

			if (r->type == KVM_IRQ_ROUTING_MSI &&
			    (r->msi.data & 0xff) == vector &&
			    (r->msi.data & LVMM_MSI_DATA_LEVEL))
				found = true;
		}
	}
	rcu_read_unlock();
	return found;
}

/* The VM is going: nothing reads the table any more. */
void lvmm_irq_routing_free(struct lvmm_vm *vm)
{
	kvfree(rcu_dereference_protected(vm->irq.routing, 1));
	RCU_INIT_POINTER(vm->irq.routing, NULL);
}
