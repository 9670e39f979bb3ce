// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM paravirtual clock (kvmclock): CPUID leaves 0x40000100-0x40000101,
 * the wall clock and system time MSRs, KVM_GET_CLOCK and KVM_SET_CLOCK.
 *
 * Guest time is one function of the host TSC for the whole VM: guest ns =
 * ref_ns + scale(host TSC - ref_tsc), with the scale taken from tsc_khz
 * when the VM is created. A vCPU's struct pvclock_vcpu_time_info says the
 * same in its own TSC (the host's plus the vCPU's offset), so every vCPU
 * reads the same time, as with KVM's master clock. The reference moves
 * only with KVM_SET_CLOCK.
 */
#include <kunit/visibility.h>
#include <linux/clocksource_ids.h>
#include <linux/kvm.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/kvm_para.h>
#include <asm/pvclock.h>
#include <asm/pvclock-abi.h>
#include <asm/tsc.h>

#include "arch.h"
#include "core.h"
#include "cpuid.h"
#include "memslot.h"
#include "pvclock.h"
#include "request.h"
#include "vcpu.h"
#include "vm.h"

#define CLOCK_FEATURES	(BIT(KVM_FEATURE_CLOCKSOURCE) | \
			 BIT(KVM_FEATURE_CLOCKSOURCE2) | \
			 BIT(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT))

/**
 * lvmm_pvclock_scale - the pvclock scale for a counter of @hz
 * @hz:    counter frequency, nonzero
 * @mul:   tsc_to_system_mul
 * @shift: tsc_shift
 *
 * ns = ((ticks << shift, or >> -shift) * mul) >> 32, with mul in
 * [2^31, 2^32) for the most precision: mul * 2^shift / 2^32 = 10^9 / hz.
 */
void lvmm_pvclock_scale(u64 hz, u32 *mul, s8 *shift)
{
	u64 num = NSEC_PER_SEC, den = hz;
	int s = 0;

	while (num >= den) {		/* ratio >= 1: mul would not fit */
		den <<= 1;
		s++;
	}
	while (num < den / 2) {		/* ratio < 1/2: bits would be lost */
		num <<= 1;
		s--;
	}
	*mul = mul_u64_u64_div_u64(num, 1ULL << 32, den);
	*shift = s;
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_pvclock_scale);

/*
 * A guest told the TSC is stable drops its guard against time going back
 * between vCPUs, so say so only where the host keeps its own time with the
 * TSC, as KVM's master clock does: Linux does that only with a TSC that is
 * constant and synchronized across CPUs. (Under TCG the CPU does not claim
 * an invariant TSC, but the host still trusts it after checking.)
 */
static bool host_tsc_stable(void)
{
	struct system_time_snapshot snap;

	if (check_tsc_unstable())
		return false;
	ktime_get_snapshot(&snap);
	return snap.cs_id == CSID_X86_TSC;
}

/* KVM_CPUID_FEATURES EAX for the default table; 0: no kvmclock at all. */
u32 lvmm_pvclock_cpuid_features(void)
{
	u32 f = BIT(KVM_FEATURE_CLOCKSOURCE) | BIT(KVM_FEATURE_CLOCKSOURCE2);

	if (!tsc_khz)
		return 0;
	if (host_tsc_stable())
		f |= BIT(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
	return f;
}

/* The clock features the vCPU's CPUID offers, found as Linux finds them. */
static u32 guest_clock_features(struct lvmm_vcpu *vcpu)
{
	struct kvm_cpuid_entry2 *f;
	int i;

	for (i = 0; i < vcpu->nr_cpuid; i++) {
		struct kvm_cpuid_entry2 *e = &vcpu->cpuid[i];
		u32 base = e->function;

		if ((base & 0xffff00ff) != KVM_CPUID_SIGNATURE ||
		    e->ebx != KVM_SIGNATURE_EBX || e->ecx != KVM_SIGNATURE_ECX ||
		    e->edx != KVM_SIGNATURE_EDX)
			continue;
		if (e->eax && e->eax < (base | KVM_CPUID_FEATURES))
			return 0;
		f = lvmm_cpuid_entry(vcpu, base | KVM_CPUID_FEATURES, 0);
		return f ? f->eax & CLOCK_FEATURES : 0;
	}
	return 0;
}

void lvmm_clock_init(struct lvmm_vm *vm)
{
	struct lvmm_clock *c = &vm->clock;

	seqlock_init(&c->lock);
	if (tsc_khz)
		lvmm_pvclock_scale((u64)tsc_khz * 1000, &c->mul, &c->shift);
	c->ref_tsc = rdtsc();
	c->ref_ns = 0;
}

static void clock_ref(struct lvmm_clock *c, u64 *tsc, u64 *ns)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&c->lock);
		*tsc = c->ref_tsc;
		*ns = c->ref_ns;
	} while (read_seqretry(&c->lock, seq));
}

/* Guest ns at host TSC @host_tsc. */
static u64 clock_ns(struct lvmm_clock *c, u64 host_tsc)
{
	u64 ref_tsc, ref_ns;

	clock_ref(c, &ref_tsc, &ref_ns);
	if ((s64)(host_tsc - ref_tsc) < 0)	/* another CPU's TSC, a hair behind */
		host_tsc = ref_tsc;
	return ref_ns + pvclock_scale_delta(host_tsc - ref_tsc, c->mul, c->shift);
}

/*
 * The seqcount protocol of both pvclock structs: an odd version, then the
 * fields, then the next even version. A struct lvmm cannot write (no slot,
 * read-only) is left alone, as in KVM.
 */
static int begin_update(struct lvmm_vm *vm, u64 gpa, u32 *version)
{
	if (lvmm_read_guest(vm, gpa, version, sizeof(*version)))
		return -EFAULT;
	*version = (*version + 1) | 1;
	if (lvmm_write_guest(vm, gpa, version, sizeof(*version)))
		return -EFAULT;
	smp_wmb();	/* the odd version before the fields; pairs with the guest's rmb */
	return 0;
}

static void end_update(struct lvmm_vm *vm, u64 gpa, u32 version)
{
	smp_wmb();	/* the fields before the even version */
	version++;
	lvmm_write_guest(vm, gpa, &version, sizeof(version));
}

/* struct pvclock_wall_clock at @gpa: the wall time at guest ns 0. */
static void write_wall_clock(struct lvmm_vm *vm, u64 gpa)
{
	struct pvclock_wall_clock wc;
	u64 real = ktime_get_real_ns();
	u64 boot = real - clock_ns(&vm->clock, rdtsc());
	u32 version, rem;

	if (begin_update(vm, gpa, &version))
		return;
	wc.sec = div_u64_rem(boot, NSEC_PER_SEC, &rem);
	wc.nsec = rem;
	lvmm_write_guest(vm, gpa + offsetof(struct pvclock_wall_clock, sec),
			 &wc.sec, sizeof(wc) - sizeof(wc.version));
	end_update(vm, gpa, version);
}

/*
 * Write the vCPU's struct pvclock_vcpu_time_info, if enabled: before the
 * next entry after it was enabled, its TSC offset changed or KVM_SET_CLOCK.
 */
void lvmm_pvclock_update(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vm *vm = vcpu->vm;
	struct lvmm_clock *c = &vm->clock;
	struct pvclock_vcpu_time_info pv = {};
	u64 msr = vcpu->system_time_msr, gpa = msr & ~1ULL;
	u64 ref_tsc, ref_ns;
	u32 version;

	if (!(msr & 1) || offset_in_page(gpa) + sizeof(pv) > PAGE_SIZE)
		return;
	clock_ref(c, &ref_tsc, &ref_ns);
	pv.tsc_timestamp = ref_tsc + lvmm_arch->tsc_offset(vcpu);
	pv.system_time = ref_ns;
	pv.tsc_to_system_mul = c->mul;
	pv.tsc_shift = c->shift;
	/* As KVM: not for the old MSR, whose guests mishandled it. */
	if (!vcpu->system_time_old && host_tsc_stable() &&
	    (guest_clock_features(vcpu) &
	     BIT(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT)))
		pv.flags = PVCLOCK_TSC_STABLE_BIT;

	if (begin_update(vm, gpa, &version))
		return;
	lvmm_write_guest(vm, gpa + offsetof(struct pvclock_vcpu_time_info,
					    tsc_timestamp),
			 &pv.tsc_timestamp,
			 sizeof(pv) - offsetof(struct pvclock_vcpu_time_info,
					       tsc_timestamp));
	end_update(vm, gpa, version);
}

/* The feature an MSR needs, or -1 if it is not a clock MSR. */
static int msr_feature(u32 index)
{
	switch (index) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		return KVM_FEATURE_CLOCKSOURCE;
	case MSR_KVM_WALL_CLOCK_NEW:
	case MSR_KVM_SYSTEM_TIME_NEW:
		return KVM_FEATURE_CLOCKSOURCE2;
	}
	return -1;
}

/*
 * The guest has the clock MSRs its CPUID offers (else #GP); the VMM
 * (KVM_GET/SET_MSRS) always has them, so it can save and restore them.
 */
static bool msr_allowed(struct lvmm_vcpu *vcpu, u32 index, bool host)
{
	int f = msr_feature(index);

	return f >= 0 && (host || (guest_clock_features(vcpu) & BIT(f)));
}

/* 0, or -ENOENT if @index is not a clock MSR this vCPU has. */
int lvmm_pvclock_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data,
			 bool host)
{
	if (!msr_allowed(vcpu, index, host))
		return -ENOENT;
	if (index == MSR_KVM_WALL_CLOCK || index == MSR_KVM_WALL_CLOCK_NEW)
		*data = READ_ONCE(vcpu->vm->clock.wall_clock_msr);
	else
		*data = vcpu->system_time_msr;
	return 0;
}

int lvmm_pvclock_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data,
			 bool host)
{
	if (!msr_allowed(vcpu, index, host))
		return -ENOENT;
	if (index == MSR_KVM_WALL_CLOCK || index == MSR_KVM_WALL_CLOCK_NEW) {
		WRITE_ONCE(vcpu->vm->clock.wall_clock_msr, data);
		write_wall_clock(vcpu->vm, data);
		return 0;
	}
	vcpu->system_time_msr = data;
	vcpu->system_time_old = index == MSR_KVM_SYSTEM_TIME;
	lvmm_pvclock_request(vcpu);
	return 0;
}

void lvmm_pvclock_request(struct lvmm_vcpu *vcpu)
{
	set_bit(LVMM_REQ_CLOCK_UPDATE, &vcpu->requests);
}

/* KVM_GET_CLOCK: guest ns now, with the host TSC and wall time it goes with. */
int lvmm_get_clock(struct lvmm_vm *vm, struct kvm_clock_data __user *u)
{
	struct kvm_clock_data data = {};
	struct system_time_snapshot snap;

	ktime_get_snapshot(&snap);
	if (snap.cs_id == CSID_X86_TSC) {
		data.host_tsc = snap.cycles;
		data.realtime = ktime_to_ns(snap.real);
		data.flags |= KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC;
	} else {
		data.host_tsc = rdtsc();
	}
	if (host_tsc_stable())
		data.flags |= KVM_CLOCK_TSC_STABLE;
	data.clock = clock_ns(&vm->clock, data.host_tsc);
	return copy_to_user(u, &data, sizeof(data)) ? -EFAULT : 0;
}

/*
 * KVM_SET_CLOCK: guest ns now is @clock, moved on by the wall time since
 * @realtime with KVM_CLOCK_REALTIME. Every vCPU's struct is rewritten
 * before its next entry (a running vCPU: at its next exit).
 */
int lvmm_set_clock(struct lvmm_vm *vm, struct kvm_clock_data __user *u)
{
	struct lvmm_clock *c = &vm->clock;
	struct kvm_clock_data data;
	struct lvmm_vcpu *vcpu;

	if (copy_from_user(&data, u, sizeof(data)))
		return -EFAULT;
	if (data.flags & ~LVMM_CLOCK_VALID_FLAGS)
		return -EINVAL;
	if (data.flags & KVM_CLOCK_REALTIME) {
		u64 now = ktime_get_real_ns();

		if (now > data.realtime)	/* never backwards */
			data.clock += now - data.realtime;
	}
	write_seqlock(&c->lock);
	c->ref_tsc = rdtsc();
	c->ref_ns = data.clock;
	write_sequnlock(&c->lock);

	lvmm_for_each_vcpu(vcpu, vm)
		lvmm_pvclock_request(vcpu);
	return 0;
}
