// SPDX-License-Identifier: GPL-2.0
/*
 * kvmclock: the KVM paravirtual clock's CPUID leaves, its system time and
 * wall clock MSRs and the structs they point at, and KVM_GET/SET_CLOCK.
 * lvmm puts KVM's leaves at 0x40000100 (its own are at 0x40000000), KVM
 * at 0x40000000: the guest scans for the signature as Linux does. The
 * structs are KVM's ABI (asm/pvclock-abi.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/kvm_para.h>

#include "kselftest_harness.h"
#include "guest.h"

struct pvti {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t mul;
	int8_t shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((packed));

struct pvwc {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __attribute__((packed));

/* What kvmclock64 (guest_code.S) stores at RBP. */
struct kc_results {
	uint64_t base;
	uint64_t features;
	uint64_t tsc1;
	uint64_t tsc2;
	uint64_t msr;
};

#define KC_RESULTS	(GUEST_DATA + 0x1000)
#define KC_PVTI		(GUEST_DATA + 0x2000)
#define KC_WALL		(GUEST_DATA + 0x3000)
#define KC_STABLE	(1u << 0)	/* PVCLOCK_TSC_STABLE_BIT */
#define KC_ENABLE	1ull

static void kc_setup(struct guest *g, struct vcpu *vcpu, uint64_t results,
		     uint64_t system_time, uint64_t wall_clock)
{
	struct kvm_regs regs;

	vmm_ioctl(vcpu->fd, KVM_GET_REGS, &regs);
	regs.rip = GUEST_CODE;
	regs.rbp = results;
	regs.rdi = system_time;
	regs.rsi = wall_clock;
	regs.r8 = 100000;
	vmm_ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

static struct guest *kc_guest(uint64_t system_time, uint64_t wall_clock)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(kvmclock64), BACKING_DEFAULT);

	kc_setup(g, g->vcpu, KC_RESULTS, system_time, wall_clock);
	return g;
}

static struct kc_results *kc_results(struct guest *g, uint64_t at)
{
	return (struct kc_results *)(g->mem + at);
}

/* The guest's pvclock read at guest TSC @tsc. */
static uint64_t pv_ns(const struct pvti *p, uint64_t tsc)
{
	uint64_t d = tsc - p->tsc_timestamp;

	d = p->shift < 0 ? d >> -p->shift : d << p->shift;
	return p->system_time + (uint64_t)(((unsigned __int128)d * p->mul) >> 32);
}

static void get_clock(struct guest *g, struct kvm_clock_data *c)
{
	memset(c, 0, sizeof(*c));
	vmm_ioctl(g->vm->fd, KVM_GET_CLOCK, c);
}

/* The same guest time on the host's clock and in the guest's struct. */
static int clock_is_global(struct guest *g, const struct pvti *p)
{
	return !vmm_is_kvm() || (p->flags & KC_STABLE);
}

TEST(kvmclock_cpuid_leaves)
{
	struct guest *g = kc_guest(KC_PVTI | KC_ENABLE, 0);
	struct cpuid_table t = { .hdr.nent = 100 };
	struct kc_results *r = kc_results(g, KC_RESULTS);
	struct kvm_cpuid_entry2 *e;
	uint32_t clock = (1u << KVM_FEATURE_CLOCKSOURCE) |
			 (1u << KVM_FEATURE_CLOCKSOURCE2);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	ASSERT_NE(0, r->base) TH_LOG("no KVM signature");
	EXPECT_EQ(clock, r->features & clock);
	ASSERT_EQ(0, ioctl(g->vm->sys_fd, KVM_GET_SUPPORTED_CPUID, &t));
	if (!vmm_is_kvm()) {
		EXPECT_EQ(0x40000100, r->base);
		EXPECT_EQ(0, r->features & ~(clock |
			  (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT)))
			TH_LOG("kvmclock only: 0x%lx", (long)r->features);
		/* lvmm's own range stays what it was. */
		e = cpuid_leaf(&t, 0x40000000);
		ASSERT_NE(NULL, e);
		EXPECT_EQ(0x40000001, e->eax);
		EXPECT_EQ(0x4d4d564c, e->ebx);
		e = cpuid_leaf(&t, 0x40000100);
		ASSERT_NE(NULL, e);
		EXPECT_EQ(0x40000101, e->eax);
	}
	e = cpuid_leaf(&t, r->base + 1);
	ASSERT_NE(NULL, e) TH_LOG("features leaf in KVM_GET_SUPPORTED_CPUID");
	EXPECT_EQ(r->features, e->eax);
	/*
	 * Where VMMs read KVM's features whatever signature they give the
	 * guest (QEMU's -cpu host): on lvmm, a copy under its own signature.
	 */
	e = cpuid_leaf(&t, 0x40000001);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(r->features, e->eax) TH_LOG("QEMU would offer no kvmclock");
	guest_destroy(g);
}

/*
 * The vCPU's struct: written (even version), read back through the MSR,
 * ticking at KVM_GET_TSC_KHZ, and between two KVM_GET_CLOCKs.
 */
TEST(kvmclock_system_time)
{
	struct guest *g = kc_guest(KC_PVTI | KC_ENABLE, 0);
	struct kc_results *r = kc_results(g, KC_RESULTS);
	struct pvti *p = (struct pvti *)(g->mem + KC_PVTI);
	struct kvm_clock_data before, after;
	uint64_t ns1, ns2;
	double hz, khz;

	get_clock(g, &before);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	get_clock(g, &after);
	ASSERT_NE(0, r->base);
	EXPECT_EQ(KC_PVTI | KC_ENABLE, r->msr);
	EXPECT_EQ(0, p->version & 1);
	EXPECT_NE(0, p->version);
	ASSERT_NE(0, p->mul);

	khz = ioctl(g->vcpu->fd, KVM_GET_TSC_KHZ, 0);
	hz = 1e9 * 4294967296.0 / p->mul;
	hz = p->shift < 0 ? hz * (1u << -p->shift) : hz / (1u << p->shift);
	EXPECT_GT(0.001, fabs(hz / (khz * 1000) - 1))
		TH_LOG("mul %u shift %d: %.0f Hz, TSC %.0f kHz", p->mul,
		       p->shift, hz, khz);

	ns1 = pv_ns(p, r->tsc1);
	ns2 = pv_ns(p, r->tsc2);
	EXPECT_LE(p->system_time, ns1);
	EXPECT_LT(ns1, ns2) TH_LOG("time stood still");
	if (clock_is_global(g, p)) {
		EXPECT_LE(before.clock, ns1);
		EXPECT_LE(ns2, after.clock);
	}
	if (!vmm_is_kvm())
		EXPECT_EQ(0, p->flags & ~KC_STABLE);
	guest_destroy(g);
}

/* Every vCPU's struct is the same function of the TSC. */
TEST(kvmclock_same_on_every_vcpu)
{
	struct guest *g = kc_guest(KC_PVTI | KC_ENABLE, 0);
	struct vcpu *v1 = guest_add_vcpu(g, 1);
	struct pvti *p0 = (struct pvti *)(g->mem + KC_PVTI);
	struct pvti *p1 = (struct pvti *)(g->mem + KC_PVTI + 0x100);
	struct kc_results *r1 = kc_results(g, KC_RESULTS + 0x100);

	kc_setup(g, v1, KC_RESULTS + 0x100, (KC_PVTI + 0x100) | KC_ENABLE, 0);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	vcpu_run(v1);
	ASSERT_EQ(KVM_EXIT_HLT, v1->run->exit_reason);
	ASSERT_NE(0, p0->mul);
	ASSERT_NE(0, p1->mul);
	EXPECT_EQ(p0->mul, p1->mul);
	EXPECT_EQ(p0->shift, p1->shift);
	if (!vmm_is_kvm()) {
		/* One reference for the VM: the very same numbers. */
		EXPECT_EQ(p0->tsc_timestamp, p1->tsc_timestamp);
		EXPECT_EQ(p0->system_time, p1->system_time);
	} else if (p0->flags & p1->flags & KC_STABLE) {
		/*
		 * KVM's master clock moves when a vCPU joins: vCPU 0's struct
		 * has an older reference, on the same line within rounding.
		 */
		int64_t d = pv_ns(p0, r1->tsc1) - pv_ns(p1, r1->tsc1);

		EXPECT_GT(100000, llabs(d)) TH_LOG("%ld ns apart", (long)d);
	}
	vcpu_destroy(v1);
	guest_destroy(g);
}

/*
 * A struct outside memory, or across a page boundary, is not written and
 * the WRMSR does not fault, as in KVM; disabled, nothing is written.
 */
TEST(kvmclock_bad_gpa_is_ignored)
{
	static const uint64_t msrs[] = {
		GUEST_MMIO | KC_ENABLE,			/* no memory there */
		(KC_PVTI + 0xff0) | KC_ENABLE,		/* crosses a page */
		KC_PVTI,				/* not enabled */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		struct guest *g = kc_guest(msrs[i], 0);
		struct kc_results *r = kc_results(g, KC_RESULTS);
		uint8_t junk[32];

		memset(g->mem + KC_PVTI, 0xa5, 0x1000);
		memset(junk, 0xa5, sizeof(junk));
		EXPECT_EQ(KVM_EXIT_HLT, guest_run(g)) TH_LOG("MSR 0x%lx",
							       (long)msrs[i]);
		EXPECT_EQ(msrs[i], r->msr);
		EXPECT_EQ(0, memcmp(g->mem + KC_PVTI, junk, sizeof(junk)));
		EXPECT_EQ(0, memcmp(g->mem + KC_PVTI + 0xff0, junk, 16));
		guest_destroy(g);
	}
}

TEST(kvmclock_wall_clock)
{
	struct guest *g = kc_guest(0, KC_WALL);
	struct pvwc *w = (struct pvwc *)(g->mem + KC_WALL);
	struct msrs m = { .hdr.nmsrs = 1, .e[0].index = MSR_KVM_WALL_CLOCK_NEW };
	long now;

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	now = time(NULL);
	EXPECT_EQ(0, w->version & 1);
	EXPECT_NE(0, w->version);
	EXPECT_GT(1000000000, w->nsec);
	EXPECT_GT(3600, labs(now - (long)w->sec)) TH_LOG("%u against %ld",
							  w->sec, now);
	EXPECT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(KC_WALL, m.e[0].data);
	guest_destroy(g);
}

/*
 * A VMM restores the MSR with KVM_SET_MSRS: the struct is there when the
 * guest next runs. A new guest TSC (IA32_TSC) rewrites it, and
 * KVM_SET_CLOCK moves guest time: each time the guest's time lies between
 * two KVM_GET_CLOCKs around its run.
 */
static uint64_t kc_run(struct __test_metadata *_metadata, struct guest *g,
		       uint64_t lo)
{
	struct kc_results *r = kc_results(g, KC_RESULTS);
	struct pvti *p = (struct pvti *)(g->mem + KC_PVTI);
	struct kvm_clock_data before, after;
	uint64_t ns;

	kc_setup(g, g->vcpu, KC_RESULTS, 0, 0);
	get_clock(g, &before);
	EXPECT_EQ(KVM_EXIT_HLT, guest_run(g));
	get_clock(g, &after);
	EXPECT_EQ(KC_PVTI | KC_ENABLE, r->msr);
	EXPECT_NE(0, p->version);
	EXPECT_EQ(0, p->version & 1);
	ns = pv_ns(p, r->tsc1);
	if (clock_is_global(g, p)) {
		EXPECT_LE(lo, before.clock);
		EXPECT_LE(before.clock, ns);
		EXPECT_LE(ns, after.clock) TH_LOG("stale struct: %.3f s ahead",
						  (ns - after.clock) / 1e9);
	}
	return after.clock;
}

TEST(kvmclock_restore_tsc_write_and_set_clock)
{
	struct guest *g = kc_guest(0, 0);
	struct msrs m = { .hdr.nmsrs = 1 };
	struct kvm_clock_data set = {};
	uint64_t now;
	int caps = ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_ADJUST_CLOCK);

	EXPECT_EQ(KVM_CLOCK_TSC_STABLE, caps & KVM_CLOCK_TSC_STABLE);
	m.e[0].index = MSR_KVM_SYSTEM_TIME_NEW;
	m.e[0].data = KC_PVTI | KC_ENABLE;
	ASSERT_EQ(1, ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
	m.e[0].data = 0;
	ASSERT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(KC_PVTI | KC_ENABLE, m.e[0].data);
	now = kc_run(_metadata, g, 0);

	/* Far from where the TSC is, so that KVM does not "synchronize". */
	m.e[0].index = 0x10;
	ASSERT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	m.e[0].data += 1ull << 42;
	ASSERT_EQ(1, ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
	now = kc_run(_metadata, g, now);

	/* A minute ahead: the guest sees it at its next entry. */
	set.clock = now + 60ull * 1000000000;
	ASSERT_EQ(0, ioctl(g->vm->fd, KVM_SET_CLOCK, &set));
	kc_run(_metadata, g, set.clock);
	set.flags = 1u << 7;
	EXPECT_EQ(-1, ioctl(g->vm->fd, KVM_SET_CLOCK, &set));
	EXPECT_EQ(EINVAL, errno);
	guest_destroy(g);
}

/*
 * lvmm's rule (KVM's with KVM_CAP_ENFORCE_PV_FEATURE_CPUID): the guest has
 * the clock MSRs only if its CPUID offers them, else #GP.
 */
TEST(kvmclock_msrs_follow_cpuid)
{
	struct cpuid_table t = { .hdr.nent = 100 };
	struct guest *g;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint32_t i, n = 0;
	int vec = -1;

	if (vmm_is_kvm())
		SKIP(return, "KVM does not enforce PV CPUID by default");
	g = guest_create_with_idt(vmm_device(), GUEST_PROG(atk_wrmsr));
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_GET_CPUID2, &t));
	for (i = 0; i < t.hdr.nent; i++)
		if ((t.e[i].function & 0xffffff00) != 0x40000100)
			t.e[n++] = t.e[i];
	ASSERT_EQ(t.hdr.nent - 2, n);
	t.hdr.nent = n;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_CPUID2, &t));
	guest_get_regs(g, &regs);
	regs.rcx = MSR_KVM_SYSTEM_TIME_NEW;
	regs.rax = KC_PVTI | KC_ENABLE;
	regs.rdx = 0;
	guest_set_regs(g, &regs);
	run = g->vcpu->run;
	while (guest_step(g) == KVM_EXIT_IO) {
		if (run->io.port == 0x80 || run->io.port == 0x81) {
			vec = run->io.port == 0x81 ? 256 :
			      *((uint8_t *)run + run->io.data_offset);
			break;
		}
	}
	EXPECT_EQ(13, vec) TH_LOG("#GP without the KVM leaves");
	guest_destroy(g);
}

TEST_HARNESS_MAIN
