// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel 8254 of KVM_CREATE_PIT2: three counters at 1.193182 MHz on
 * ports 0x40-0x43, and with KVM_PIT_SPEAKER_DUMMY port 0x61, where channel
 * 2's gate and output are (Linux calibrates the TSC against them). KVM's
 * semantics (arch/x86/kvm/i8254.c), so that a VMM's saved state and a
 * guest's readings mean the same: a counter's value is derived from the
 * time since it was loaded, in every mode (0-5), with latching, the
 * read-back command and the status byte.
 *
 * Channel 0 drives GSI 0. Modes 2 and 3 are periodic, 0, 1 and 4 one-shot,
 * on an hrtimer that only queues the injection: the interrupt is raised
 * and lowered from a work item, in process context, as the routing table
 * wants. With reinjection (the default, KVM_REINJECT_CONTROL) a tick is
 * injected only once the one before was acknowledged (the ack notifiers of
 * irq_ack.c): ticks that fired meanwhile are owed and sent one per EOI,
 * so that a guest counting ticks for time loses none. Unmasking GSI 0
 * forgets what is owed, as KVM's mask notifier does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "irq.h"
#include "pit.h"
#include "vm.h"

#define PIT_FREQ		1193182
#define PIT_BASE		0x40
#define PIT_CONTROL		0x43
#define PIT_SPEAKER		0x61
#define PIT_GSI			0
/* As KVM's min_timer_period_us: a periodic hrtimer is not throttled. */
#define PIT_MIN_PERIOD_NS	200000

/* rw_mode, read_state, write_state: which byte of the count comes next. */
#define RW_LSB			1
#define RW_MSB			2
#define RW_WORD0		3
#define RW_WORD1		4

/**
 * struct lvmm_pit - a VM's 8254
 * @lock:      (mutex) @ch, @flags and the timer's programming; taken by
 *             port I/O and the ioctls, after vm->lock; a leaf
 * @ch:        the three counters, in KVM's layout; count_load_time is
 *             ktime in ns
 * @flags:     KVM_PIT_FLAGS_*
 * @speaker:   port 0x61 is ours (KVM_PIT_SPEAKER_DUMMY)
 * @timer:     channel 0's expiry
 * @period:    channel 0's period in ns, 0 when it has none; written under
 *             @lock with @timer stopped
 * @periodic:  modes 2 and 3
 * @reinject:  KVM_REINJECT_CONTROL; changed under @lock
 * @pending:   ticks fired and not yet acknowledged (with @reinject)
 * @irq_ack:   the last tick was acknowledged (with @reinject)
 * @inject:    the work that raises GSI 0
 * @notifier:  acks and unmasks of GSI 0's pins (with @reinject)
 * @vm:        the VM
 */
struct lvmm_pit {
	struct mutex lock;	/* @ch, @flags, timer setup; after vm->lock */
	struct kvm_pit_channel_state ch[3];
	u32 flags;
	bool speaker;
	struct hrtimer timer;
	s64 period;
	bool periodic;
	bool reinject;
	atomic_t pending;
	atomic_t irq_ack;
	struct work_struct inject;
	struct lvmm_irq_ack_notifier notifier;
	struct lvmm_vm *vm;
};

/* @a modulo @b, for 64-bit @a. */
static u32 mod(u64 a, u32 b)
{
	return do_div(a, b);
}

/* Nanoseconds since channel @n started counting. */
static s64 elapsed_ns(struct lvmm_pit *pit, int n)
{
	/* Channel 0 follows its timer, so reads agree with the ticks. */
	if (n == 0)
		return pit->period ?
		       pit->period - ktime_to_ns(hrtimer_get_remaining(&pit->timer)) : 0;
	return ktime_to_ns(ktime_sub(ktime_get(), pit->ch[n].count_load_time));
}

/* Counter ticks since channel @n started. */
static u64 elapsed_ticks(struct lvmm_pit *pit, int n)
{
	s64 ns = elapsed_ns(pit, n);

	return ns > 0 ? mul_u64_u32_div(ns, PIT_FREQ, NSEC_PER_SEC) : 0;
}

/* The current count of channel @n. */
static u32 current_count(struct lvmm_pit *pit, int n)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];
	u64 d = elapsed_ticks(pit, n);

	switch (c->mode) {
	case 0:
	case 1:
	case 4:
	case 5:
		/* The counter wraps and goes on counting. */
		return (c->count - d) & 0xffff;
	case 3:
		/* Square wave: counts down by two, twice per period. */
		return c->count - mod(2 * d, c->count);
	default:
		return c->count - mod(d, c->count);
	}
}

/* The OUT pin of channel @n. */
static bool output(struct lvmm_pit *pit, int n)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];
	u64 d = elapsed_ticks(pit, n);

	switch (c->mode) {
	default:
	case 0:
		return d >= c->count;
	case 1:
		return d < c->count;
	case 2:
		return mod(d, c->count) == 0 && d != 0;
	case 3:
		return mod(d, c->count) < ((c->count + 1) >> 1);
	case 4:
	case 5:
		return d == c->count;
	}
}

static void latch_count(struct lvmm_pit *pit, int n)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];

	if (!c->count_latched) {
		c->latched_count = current_count(pit, n);
		c->count_latched = c->rw_mode;
	}
}

static void latch_status(struct lvmm_pit *pit, int n)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];

	/* NULL COUNT (bit 6) is not modelled, as in KVM. */
	if (!c->status_latched) {
		c->status = output(pit, n) << 7 | c->rw_mode << 4 |
			    c->mode << 1 | c->bcd;
		c->status_latched = 1;
	}
}

/* What is owed is forgotten: a new count, or GSI 0 unmasked. */
static void reset_reinject(struct lvmm_pit *pit)
{
	atomic_set(&pit->pending, 0);
	atomic_set(&pit->irq_ack, 1);
}

static void inject_work(struct work_struct *work)
{
	struct lvmm_pit *pit = container_of(work, struct lvmm_pit, inject);

	/* Pairs with the barrier in pit_acked(). */
	if (READ_ONCE(pit->reinject) && !atomic_xchg(&pit->irq_ack, 0))
		return;
	lvmm_irq_set(pit->vm, LVMM_IRQ_SRC_PIT, PIT_GSI, true);
	lvmm_irq_set(pit->vm, LVMM_IRQ_SRC_PIT, PIT_GSI, false);
}

static enum hrtimer_restart timer_fired(struct hrtimer *t)
{
	struct lvmm_pit *pit = container_of(t, struct lvmm_pit, timer);

	if (READ_ONCE(pit->reinject))
		atomic_inc(&pit->pending);
	queue_work(system_highpri_wq, &pit->inject);
	if (!pit->periodic)
		return HRTIMER_NORESTART;
	hrtimer_add_expires_ns(t, pit->period);
	return HRTIMER_RESTART;
}

/* GSI 0's pin was ended: the next owed tick may go. */
static void pit_acked(struct lvmm_irq_ack_notifier *n, u32 irqchip, u32 pin)
{
	struct lvmm_pit *pit = container_of(n, struct lvmm_pit, notifier);

	if (!lvmm_irq_gsi_routes_to(pit->vm, PIT_GSI, irqchip, pin))
		return;
	atomic_set(&pit->irq_ack, 1);
	/* irq_ack before pending: pairs with timer_fired() and inject_work(). */
	smp_mb__after_atomic();
	if (atomic_dec_if_positive(&pit->pending) > 0)
		queue_work(system_highpri_wq, &pit->inject);
}

static void pit_unmasked(struct lvmm_irq_ack_notifier *n, u32 irqchip, u32 pin)
{
	struct lvmm_pit *pit = container_of(n, struct lvmm_pit, notifier);

	if (lvmm_irq_gsi_routes_to(pit->vm, PIT_GSI, irqchip, pin))
		reset_reinject(pit);
}

/* Stop channel 0's timer and any injection it queued. Under @lock. */
static void stop_timer(struct lvmm_pit *pit)
{
	hrtimer_cancel(&pit->timer);
	cancel_work_sync(&pit->inject);
	pit->period = 0;
}

/* Channel 0 counts @count ticks, once or periodically. Under @lock. */
static void start_timer(struct lvmm_pit *pit, u32 count, bool periodic)
{
	s64 ns = mul_u64_u32_div(count, NSEC_PER_SEC, PIT_FREQ);

	/* As KVM: without an in-kernel IOAPIC, or with HPET legacy routing. */
	if (!pit->vm->ioapic || (pit->flags & KVM_PIT_FLAGS_HPET_LEGACY))
		return;
	stop_timer(pit);
	reset_reinject(pit);
	if (periodic && ns < PIT_MIN_PERIOD_NS) {
		pr_info_ratelimited("vm %u: 8254 period of %lld ns raised to %d ns\n",
				    pit->vm->id, ns, PIT_MIN_PERIOD_NS);
		ns = PIT_MIN_PERIOD_NS;
	}
	pit->period = ns;
	pit->periodic = periodic;
	hrtimer_start(&pit->timer, ktime_add_ns(ktime_get(), ns),
		      HRTIMER_MODE_ABS);
}

/* Load channel @n's count (0 means 0x10000). Under @lock. */
static void load_count(struct lvmm_pit *pit, int n, u32 val)
{
	if (!val)
		val = 0x10000;
	pit->ch[n].count = val;
	if (n) {
		pit->ch[n].count_load_time = ktime_to_ns(ktime_get());
		return;
	}
	switch (pit->ch[0].mode) {
	case 0:
	case 1:
	case 4:
		start_timer(pit, val, false);
		break;
	case 2:
	case 3:
		start_timer(pit, val, true);
		break;
	default:
		stop_timer(pit);
	}
}

static void set_gate(struct lvmm_pit *pit, int n, bool gate)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];

	/* Modes 1, 2, 3 and 5 restart on a rising gate. */
	if (c->mode != 0 && c->mode != 4 && !c->gate && gate)
		c->count_load_time = ktime_to_ns(ktime_get());
	c->gate = gate;
}

static void control_write(struct lvmm_pit *pit, u8 val)
{
	struct kvm_pit_channel_state *c;
	int n = val >> 6, access;

	if (n == 3) {		/* read-back */
		for (n = 0; n < 3; n++) {
			if (!(val & (2 << n)))
				continue;
			if (!(val & 0x20))
				latch_count(pit, n);
			if (!(val & 0x10))
				latch_status(pit, n);
		}
		return;
	}
	c = &pit->ch[n];
	access = (val >> 4) & 3;
	if (!access) {		/* counter latch */
		latch_count(pit, n);
		return;
	}
	c->rw_mode = access;
	c->read_state = access;
	c->write_state = access;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)	/* 6 and 7 are 2 and 3 */
		c->mode -= 4;
	c->bcd = val & 1;
}

static void count_write(struct lvmm_pit *pit, int n, u8 val)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];

	switch (c->write_state) {
	default:
	case RW_LSB:
		load_count(pit, n, val);
		break;
	case RW_MSB:
		load_count(pit, n, val << 8);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		break;
	case RW_WORD1:
		load_count(pit, n, c->write_latch | val << 8);
		c->write_state = RW_WORD0;
		break;
	}
}

static u8 count_read(struct lvmm_pit *pit, int n)
{
	struct kvm_pit_channel_state *c = &pit->ch[n];
	u8 ret;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->count_latched) {
		if (c->count_latched == RW_MSB) {
			ret = c->latched_count >> 8;
			c->count_latched = 0;
		} else if (c->count_latched == RW_WORD0) {
			ret = c->latched_count;
			c->count_latched = RW_MSB;
		} else {
			ret = c->latched_count;
			c->count_latched = 0;
		}
		return ret;
	}
	switch (c->read_state) {
	case RW_MSB:
		return current_count(pit, n) >> 8;
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return current_count(pit, n);
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return current_count(pit, n) >> 8;
	default:
		return current_count(pit, n);
	}
}

/* Port 0x61: speaker data (bit 1), channel 2's gate (0) and output (5). */
static u8 speaker_read(struct lvmm_pit *pit)
{
	/* The refresh clock toggles every 15 us or so: 2^14 ns, as KVM. */
	u8 refresh = (ktime_get_ns() >> 14) & 1;

	return !!(pit->flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON) << 1 |
	       pit->ch[2].gate | output(pit, 2) << 5 | refresh << 4;
}

static void speaker_write(struct lvmm_pit *pit, u8 val)
{
	if (val & 2)
		pit->flags |= KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	else
		pit->flags &= ~KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	set_gate(pit, 2, val & 1);
}

/*
 * A port I/O access the 8254 claims. Only the low byte of a wider access
 * counts, as in KVM. Return: claimed (a read's value is in @val).
 */
bool lvmm_pit_pio(struct lvmm_vm *vm, u16 port, bool in, u32 *val)
{
	/* Published with smp_store_release() in lvmm_create_pit(). */
	struct lvmm_pit *pit = smp_load_acquire(&vm->pit);

	if (!pit)
		return false;
	if (port == PIT_SPEAKER && pit->speaker) {
		mutex_lock(&pit->lock);
		if (in)
			*val = speaker_read(pit);
		else
			speaker_write(pit, *val);
		mutex_unlock(&pit->lock);
		return true;
	}
	if (port < PIT_BASE || port > PIT_CONTROL)
		return false;
	mutex_lock(&pit->lock);
	if (port == PIT_CONTROL) {
		if (in)
			*val = 0;	/* write-only */
		else
			control_write(pit, *val);
	} else if (in) {
		*val = count_read(pit, port - PIT_BASE);
	} else {
		count_write(pit, port - PIT_BASE, *val);
	}
	mutex_unlock(&pit->lock);
	return true;
}

/* Reinjection on or off; under @lock. The notifier follows it. */
static void set_reinject(struct lvmm_pit *pit, bool on)
{
	struct lvmm_vm *vm = pit->vm;

	if (pit->reinject == on)
		return;
	mutex_lock(&vm->irq.lock);
	if (on) {
		reset_reinject(pit);
		lvmm_irq_add_ack_notifier(vm, &pit->notifier);
	} else {
		lvmm_irq_del_ack_notifier(vm, &pit->notifier);
	}
	mutex_unlock(&vm->irq.lock);
	WRITE_ONCE(pit->reinject, on);
}

/* KVM_CREATE_PIT2 (and KVM_CREATE_PIT, with the speaker). */
int lvmm_create_pit(struct lvmm_vm *vm, u32 flags)
{
	struct lvmm_pit *pit;
	int n, ret = 0;

	mutex_lock(&vm->lock);
	if (vm->pit) {
		ret = -EEXIST;
		goto out;
	}
	/* As KVM: the 8254's interrupt needs the in-kernel 8259. */
	if (lvmm_irqchip_mode(vm) != LVMM_IRQCHIP_KERNEL) {
		ret = -ENOENT;
		goto out;
	}
	pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);
	if (!pit) {
		ret = -ENOMEM;
		goto out;
	}
	mutex_init(&pit->lock);
	pit->vm = vm;
	pit->speaker = flags & KVM_PIT_SPEAKER_DUMMY;
	hrtimer_init(&pit->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	pit->timer.function = timer_fired;
	INIT_WORK(&pit->inject, inject_work);
	pit->notifier.acked = pit_acked;
	pit->notifier.unmasked = pit_unmasked;

	mutex_lock(&pit->lock);
	for (n = 0; n < 3; n++) {
		pit->ch[n].mode = 0xff;		/* none yet: no timer */
		pit->ch[n].gate = n != 2;
		load_count(pit, n, 0);
	}
	set_reinject(pit, true);
	mutex_unlock(&pit->lock);
	smp_store_release(&vm->pit, pit);	/* set up before it is seen */
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* The VM is going: no vCPU runs, no ioctl can come. */
void lvmm_pit_destroy(struct lvmm_vm *vm)
{
	struct lvmm_pit *pit = vm->pit;

	if (!pit)
		return;
	mutex_lock(&pit->lock);
	set_reinject(pit, false);
	stop_timer(pit);
	mutex_unlock(&pit->lock);
	synchronize_rcu();	/* the notifier is out of every reader's sight */
	kfree(pit);
	vm->pit = NULL;
}

/* KVM_GET_PIT2: the channels as KVM keeps them, and the flags. */
static void get_state(struct lvmm_pit *pit, struct kvm_pit_state2 *s)
{
	memset(s, 0, sizeof(*s));
	mutex_lock(&pit->lock);
	memcpy(s->channels, pit->ch, sizeof(s->channels));
	s->flags = pit->flags;
	mutex_unlock(&pit->lock);
}

/*
 * KVM_SET_PIT2: the channels as given, each count loaded again (channel
 * 0's timer restarts from now). HPET legacy routing turned on stops
 * channel 0, as in KVM.
 */
static void set_state(struct lvmm_pit *pit, const struct kvm_pit_state2 *s)
{
	bool legacy_start = !(pit->flags & KVM_PIT_FLAGS_HPET_LEGACY) &&
			    (s->flags & KVM_PIT_FLAGS_HPET_LEGACY);
	int n;

	mutex_lock(&pit->lock);
	memcpy(pit->ch, s->channels, sizeof(pit->ch));
	pit->flags = s->flags;
	for (n = 0; n < 3; n++) {
		u8 mode = pit->ch[n].mode;

		if (n == 0 && legacy_start)
			pit->ch[0].mode = 0xff;		/* no timer */
		load_count(pit, n, pit->ch[n].count);
		pit->ch[n].mode = mode;
	}
	mutex_unlock(&pit->lock);
}

/*
 * The VM ioctls of the 8254: KVM_GET/SET_PIT, KVM_GET/SET_PIT2 and
 * KVM_REINJECT_CONTROL; -ENXIO before KVM_CREATE_PIT2, as in KVM.
 */
int lvmm_pit_ioctl(struct lvmm_vm *vm, unsigned int cmd, void __user *u)
{
	/* Pairs with the release in lvmm_create_pit(). */
	struct lvmm_pit *pit = smp_load_acquire(&vm->pit);
	struct kvm_reinject_control rc;
	struct kvm_pit_state2 s;
	size_t size = cmd == KVM_GET_PIT || cmd == KVM_SET_PIT ?
		      sizeof(struct kvm_pit_state) : sizeof(s);

	if (cmd == KVM_REINJECT_CONTROL) {
		if (copy_from_user(&rc, u, sizeof(rc)))
			return -EFAULT;
		if (!pit)
			return -ENXIO;
		mutex_lock(&pit->lock);
		set_reinject(pit, rc.pit_reinject);
		mutex_unlock(&pit->lock);
		return 0;
	}
	if (!pit)
		return -ENXIO;
	if (cmd == KVM_GET_PIT || cmd == KVM_GET_PIT2) {
		get_state(pit, &s);
		return copy_to_user(u, &s, size) ? -EFAULT : 0;
	}
	get_state(pit, &s);	/* KVM_SET_PIT keeps the flags */
	if (copy_from_user(&s, u, size))
		return -EFAULT;
	set_state(pit, &s);
	return 0;
}
