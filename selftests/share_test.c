// SPDX-License-Identifier: GPL-2.0
/*
 * Content-based page sharing: the group ioctl, merging, copy on write by the
 * VMM and by the guest, unmerging, teardown, and an integrity run where
 * guests on several vCPUs and their VMMs keep rewriting shared memory while
 * the scanner runs flat out. lvmm only.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/lvmm.h>

#include "kselftest_harness.h"
#include "guest.h"

#define SHARING		"/sys/kernel/lvmm/sharing"
#define VMS		"/sys/kernel/lvmm/vms"
#define PAGE		4096UL
#define GOLDEN		0x9e3779b97f4a7c15ULL

static long share_stat(const char *name)
{
	return read_sysfs_num(SHARING, name);
}

/* Write a knob; 0 or -errno. */
static int share_knob(const char *name, long v)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), SHARING "/%s", name);
	snprintf(buf, sizeof(buf), "%ld\n", v);
	return write_file(path, buf);
}

/* Seconds a wait may take: the debug kernel is far slower. */
static int patience(void)
{
	const char *env = getenv("LVMM_SHARE_PATIENCE");

	return env ? atoi(env) : 120;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One VM with one slot of module-owned memory and no vCPU. */
struct member {
	struct vm *vm;
	uint8_t *mem;
	size_t size;
	char dir[300];
};

static int __set_group(struct vm *vm, uint32_t group, uint32_t flags)
{
	struct lvmm_share_group sg = { .group = group, .flags = flags };

	return ioctl(vm->fd, LVMM_SET_SHARE_GROUP, &sg) ? -errno : 0;
}

static void set_group(struct vm *vm, uint32_t group)
{
	if (__set_group(vm, group, 0))
		vmm_die("LVMM_SET_SHARE_GROUP %u", group);
}

/* The VM's sysfs directory, found by the unique name given to it. */
static void name_vm(struct vm *vm, char *dir, size_t len)
{
	static int seq;
	struct lvmm_vm_name n = {};
	int id;

	snprintf(n.name, sizeof(n.name), "share-%d-%d", getpid(), seq++);
	vmm_ioctl(vm->fd, LVMM_SET_VM_NAME, &n);
	for (id = 0; id < 4096; id++) {
		char path[300], buf[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), VMS "/%d/name", id);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		buf[strcspn(buf, "\n")] = 0;
		if (!strcmp(buf, n.name)) {
			snprintf(dir, len, VMS "/%d", id);
			return;
		}
	}
	vmm_die("no sysfs directory for VM %s", n.name);
}

static void member_init(struct member *m, size_t size, uint32_t group)
{
	m->vm = vm_create(LVMM_DEV);
	m->size = size;
	m->mem = vm_add_memory(m->vm, 0, 0, size, BACKING_GMEM);
	name_vm(m->vm, m->dir, sizeof(m->dir));
	if (group)
		set_group(m->vm, group);
}

static void member_fini(struct member *m)
{
	munmap(m->mem, m->size);
	vm_destroy(m->vm);
}

static long vm_stat(struct member *m, const char *name)
{
	return read_sysfs_num(m->dir, name);
}

/* Page content number @tag: 512 words, none of them zero. */
static void fill_page(uint8_t *p, uint64_t tag)
{
	uint64_t *w = (uint64_t *)p;
	int i;

	for (i = 0; i < 512; i++)
		w[i] = (tag + 1) * GOLDEN + i;
}

static int page_is(const uint8_t *p, uint64_t tag)
{
	const uint64_t *w = (const uint64_t *)p;
	int i;

	for (i = 0; i < 512; i++)
		if (w[i] != (tag + 1) * GOLDEN + i)
			return 0;
	return 1;
}

/* Wait until @name in @dir reaches @want; the last value read. */
static long wait_for(const char *dir, const char *name, long want)
{
	double end = now() + patience();
	long v;

	while ((v = read_sysfs_num(dir, name)) < want && now() < end)
		usleep(20000);
	return v;
}

/* run=0, and wait until the scanner has left the page it was on. */
static void scanner_stop(void)
{
	long seen;

	share_knob("run", 0);
	do {
		seen = share_stat("pages_scanned");
		usleep(20000);
	} while (share_stat("pages_scanned") != seen);
}

FIXTURE(sharing) {
	long pages_to_scan, sleep_ms;
};

/* Scanner flat out; the knobs as they were afterwards. */
FIXTURE_SETUP(sharing)
{
	if (access(SHARING, F_OK))
		SKIP(return, "no " SHARING " (lvmm without page sharing)");
	self->pages_to_scan = share_stat("pages_to_scan");
	self->sleep_ms = share_stat("sleep_millisecs");
	ASSERT_EQ(0, share_knob("run", 2));
	ASSERT_EQ(0, share_knob("merge_across_groups", 0));
	ASSERT_EQ(0, share_knob("pages_to_scan", 20000));
	ASSERT_EQ(0, share_knob("sleep_millisecs", 0));
	ASSERT_EQ(0, share_knob("run", 1));
}

FIXTURE_TEARDOWN(sharing)
{
	if (access(SHARING, F_OK))
		return;
	share_knob("run", 2);
	share_knob("merge_across_groups", 0);
	share_knob("pages_to_scan", self->pages_to_scan);
	share_knob("sleep_millisecs", self->sleep_ms);
	share_knob("run", 1);
}

TEST_F(sharing, group_ioctl_rules)
{
	struct member m;

	member_init(&m, 64 * PAGE, 0);
	EXPECT_EQ(-EINVAL, __set_group(m.vm, 1, 1));
	EXPECT_EQ(-EINVAL, __set_group(m.vm, 0xffffffff, 0));
	EXPECT_EQ(0, __set_group(m.vm, 5, 0));
	EXPECT_EQ(5, vm_stat(&m, "share_group"));
	EXPECT_EQ(0, __set_group(m.vm, 5, 0));
	EXPECT_EQ(0, __set_group(m.vm, 6, 0));
	EXPECT_EQ(6, vm_stat(&m, "share_group"));
	EXPECT_EQ(0, __set_group(m.vm, 0, 0));
	EXPECT_EQ(0, vm_stat(&m, "share_group"));
	EXPECT_EQ(-EFAULT, (int)(ioctl(m.vm->fd, LVMM_SET_SHARE_GROUP, NULL) ? -errno : 0));
	/* Knobs reject what they cannot mean. */
	EXPECT_EQ(-EINVAL, share_knob("run", 3));
	EXPECT_EQ(-EINVAL, share_knob("pages_to_scan", 0));
	EXPECT_EQ(-EINVAL, share_knob("merge_across_groups", 2));
	member_fini(&m);
}

/*
 * Pairs of identical pages in one VM merge; a write by the VMM through its
 * mapping gets a private copy and leaves the twin as it was.
 */
TEST_F(sharing, merge_then_vmm_write_copies)
{
	long cow0 = share_stat("cow_breaks");
	struct member m;
	int i;

	member_init(&m, 1024 * PAGE, 0);
	for (i = 0; i < 1024; i++)
		fill_page(m.mem + i * PAGE, i % 512);
	set_group(m.vm, 11);
	ASSERT_LE(1024, wait_for(m.dir, "shared_pages", 1024));
	EXPECT_LE(512, share_stat("pages_shared"));
	EXPECT_LE(512, share_stat("pages_sharing"));
	for (i = 0; i < 1024; i++)
		ASSERT_TRUE(page_is(m.mem + i * PAGE, i % 512));

	/*
	 * One write, one copy: with the scanner stopped. Running, it may
	 * merge the new copy again between the copy and the store (the
	 * copy still equals its twin), and the store copies once more.
	 */
	scanner_stop();
	m.mem[3 * PAGE + 8] ^= 0xff;
	EXPECT_EQ(1, vm_stat(&m, "cow_breaks"));
	EXPECT_EQ(cow0 + 1, share_stat("cow_breaks"));
	EXPECT_TRUE(page_is(m.mem + 515 * PAGE, 3));
	EXPECT_FALSE(page_is(m.mem + 3 * PAGE, 3));
	EXPECT_EQ(1023, vm_stat(&m, "shared_pages"));
	m.mem[3 * PAGE + 8] ^= 0xff;
	EXPECT_TRUE(page_is(m.mem + 3 * PAGE, 3));
	member_fini(&m);
}

/* A guest that writes a merged page gets its own copy; its twin keeps. */
TEST_F(sharing, guest_write_copies)
{
	struct guest *g = guest_create(LVMM_DEV, MODE_LONG64,
				       GUEST_PROG(sharewrite64), BACKING_GMEM);
	const uint64_t base = 4UL << 20, npages = 64;
	uint8_t *region, *shadow;
	struct kvm_regs regs;
	char dir[300];
	int i;

	region = vm_add_memory(g->vm, 1, base, 2 * npages * PAGE, BACKING_GMEM);
	name_vm(g->vm, dir, sizeof(dir));
	/* Version 1 of pages 0-63 twice: the guest's and a twin at +64. */
	shadow = g->mem + GUEST_DATA;
	for (i = 0; i < npages; i++) {
		uint64_t v = ((uint64_t)i * 4 + 1) * GOLDEN;
		uint64_t *w = (uint64_t *)(region + i * PAGE);
		int k;

		for (k = 0; k < 512; k++)
			w[k] = v;
		memcpy(region + (npages + i) * PAGE, w, PAGE);
		shadow[i] = 1;
	}
	set_group(g->vm, 12);
	ASSERT_LE(2 * npages, wait_for(dir, "shared_pages", 2 * npages));

	guest_get_regs(g, &regs);
	regs.rdi = base;
	regs.rsi = npages;
	regs.rdx = 200;
	regs.r8 = 0x1234567;
	regs.r9 = 0;
	regs.r12 = GUEST_DATA;
	guest_set_regs(g, &regs);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	guest_get_regs(g, &regs);
	ASSERT_EQ(0x600d, regs.rax) TH_LOG("guest saw bad data at 0x%llx",
					   regs.r10);
	EXPECT_LT(0, read_sysfs_num(dir, "cow_breaks"));
	/* The twins were never written: still version 1. */
	for (i = 0; i < npages; i++)
		ASSERT_EQ(((uint64_t)i * 4 + 1) * GOLDEN,
			  *(uint64_t *)(region + (npages + i) * PAGE));
	guest_destroy(g);
}

/* Zero pages merge across groups; other pages only within one. */
TEST_F(sharing, groups_keep_pages_apart)
{
	struct member a, b;
	int i;

	member_init(&a, 512 * PAGE, 0);
	member_init(&b, 512 * PAGE, 0);
	for (i = 0; i < 256; i++) {
		fill_page(a.mem + i * PAGE, i);
		fill_page(b.mem + i * PAGE, i);
		memset(a.mem + (256 + i) * PAGE, 0, PAGE);
		memset(b.mem + (256 + i) * PAGE, 0, PAGE);
	}
	set_group(a.vm, 21);
	set_group(b.vm, 22);
	ASSERT_LE(256, wait_for(a.dir, "zero_pages", 256));
	ASSERT_LE(256, wait_for(b.dir, "zero_pages", 256));
	/* Two more full scans: time enough to merge what may merge. */
	wait_for(SHARING, "full_scans", share_stat("full_scans") + 2);
	EXPECT_EQ(0, vm_stat(&a, "shared_pages"));
	EXPECT_EQ(0, vm_stat(&b, "shared_pages"));

	/* Lifting the fence needs no shared page in the way, as KSM's. */
	ASSERT_EQ(0, share_knob("merge_across_groups", 1));
	ASSERT_LE(256, wait_for(a.dir, "shared_pages", 256));
	ASSERT_LE(256, wait_for(b.dir, "shared_pages", 256));
	EXPECT_EQ(-EBUSY, share_knob("merge_across_groups", 0));
	for (i = 0; i < 256; i++) {
		ASSERT_TRUE(page_is(a.mem + i * PAGE, i));
		ASSERT_TRUE(page_is(b.mem + i * PAGE, i));
	}
	member_fini(&a);
	member_fini(&b);
}

/* run=2 gives every page back, private and with the same bytes. */
TEST_F(sharing, unmerge_all_restores_private_pages)
{
	struct member m[3];
	uint8_t *before;
	int i, k;

	before = malloc(768 * PAGE);
	ASSERT_NE(NULL, before);
	for (k = 0; k < 3; k++) {
		member_init(&m[k], 768 * PAGE, 0);
		for (i = 0; i < 512; i++)
			fill_page(m[k].mem + i * PAGE, i);
		for (i = 512; i < 768; i++)
			memset(m[k].mem + i * PAGE, i < 640 ? 0 : k + 1, PAGE);
		set_group(m[k].vm, 31);
	}
	memcpy(before, m[1].mem, 768 * PAGE);
	for (k = 0; k < 3; k++)
		ASSERT_LE(640, wait_for(m[k].dir, "shared_pages", 640));

	ASSERT_EQ(0, share_knob("run", 2));
	EXPECT_EQ(2, share_stat("run"));
	for (k = 0; k < 3; k++) {
		EXPECT_EQ(0, vm_stat(&m[k], "shared_pages"));
		EXPECT_EQ(0, vm_stat(&m[k], "zero_pages"));
	}
	EXPECT_EQ(0, share_stat("pages_shared"));
	EXPECT_EQ(0, share_stat("zero_pages"));
	EXPECT_EQ(0, memcmp(before, m[1].mem, 768 * PAGE));
	/* Unmerging is not copy on write. */
	for (k = 0; k < 3; k++)
		EXPECT_EQ(0, vm_stat(&m[k], "cow_breaks"));
	for (k = 0; k < 3; k++)
		member_fini(&m[k]);
	free(before);
}

/* Leaving the group unmerges at once: no shared page outlives it. */
TEST_F(sharing, leaving_the_group_unmerges)
{
	struct member m;
	int i;

	member_init(&m, 256 * PAGE, 41);
	for (i = 0; i < 256; i++)
		fill_page(m.mem + i * PAGE, i % 64);
	ASSERT_LE(256, wait_for(m.dir, "shared_pages", 256));
	ASSERT_EQ(0, __set_group(m.vm, 0, 0));
	EXPECT_EQ(0, vm_stat(&m, "shared_pages"));
	for (i = 0; i < 256; i++)
		ASSERT_TRUE(page_is(m.mem + i * PAGE, i % 64));
	member_fini(&m);
}

/*
 * Teardown with shared pages, in every order: a slot deleted first, the
 * VM closed before its memory's mapping, the mapping before the VM. The
 * counters come back to where they were, and kmemleak (scanned at the end
 * of the run) finds nothing.
 */
TEST_F(sharing, teardown_with_shared_pages)
{
	struct kvm_userspace_memory_region2 del = { .slot = 0 };
	long shared0 = share_stat("pages_shared");
	long zero0 = share_stat("zero_pages");
	struct member m[3];
	int i, k;

	for (k = 0; k < 3; k++) {
		member_init(&m[k], 256 * PAGE, 51);
		for (i = 0; i < 256; i++)
			if (i < 200)
				fill_page(m[k].mem + i * PAGE, i);
			else
				memset(m[k].mem + i * PAGE, 0, PAGE);
	}
	for (k = 0; k < 3; k++) {
		ASSERT_LE(200, wait_for(m[k].dir, "shared_pages", 200));
		ASSERT_LE(56, wait_for(m[k].dir, "zero_pages", 56));
	}

	/* 0: slot gone, mapping stays; still the same bytes, still writable. */
	ASSERT_EQ(0, ioctl(m[0].vm->fd, KVM_SET_USER_MEMORY_REGION2, &del));
	ASSERT_TRUE(page_is(m[0].mem + 7 * PAGE, 7));
	fill_page(m[0].mem + 7 * PAGE, 1000);
	ASSERT_TRUE(page_is(m[1].mem + 7 * PAGE, 7));
	/* 1: the VM first, then the mapping. */
	vm_destroy(m[1].vm);
	ASSERT_TRUE(page_is(m[1].mem + 9 * PAGE, 9));
	munmap(m[1].mem, m[1].size);
	/* 2: the mapping first. */
	munmap(m[2].mem, m[2].size);
	vm_destroy(m[2].vm);
	member_fini(&m[0]);

	EXPECT_EQ(shared0, share_stat("pages_shared"));
	EXPECT_EQ(zero0, share_stat("zero_pages"));
}

#define TRACING "/sys/kernel/tracing"

/* Lines of the trace buffer that contain @what. */
static int trace_count(const char *what)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(TRACING "/trace", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what))
			n++;
	fclose(f);
	return n;
}

/* lvmm:lvmm_share_merge and lvmm:lvmm_share_cow fire, one per event. */
TEST_F(sharing, tracepoints)
{
	struct member m;
	int i;

	if (access(TRACING "/events/lvmm/lvmm_share_merge", F_OK))
		SKIP(return, "no tracefs at " TRACING);
	ASSERT_EQ(0, write_file(TRACING "/trace", ""));
	ASSERT_EQ(0, write_file(TRACING "/events/lvmm/lvmm_share_merge/enable", "1"));
	ASSERT_EQ(0, write_file(TRACING "/events/lvmm/lvmm_share_cow/enable", "1"));
	member_init(&m, 64 * PAGE, 0);
	for (i = 0; i < 64; i++)
		fill_page(m.mem + i * PAGE, i % 32);
	set_group(m.vm, 71);
	ASSERT_LE(64, wait_for(m.dir, "shared_pages", 64));
	m.mem[5 * PAGE] ^= 1;
	m.mem[6 * PAGE] ^= 1;
	write_file(TRACING "/events/lvmm/lvmm_share_merge/enable", "0");
	write_file(TRACING "/events/lvmm/lvmm_share_cow/enable", "0");
	/* 32 pages promoted, 32 merged into them. */
	EXPECT_EQ(read_sysfs_num(m.dir, "pages_merged"), trace_count("lvmm_share_merge:"));
	EXPECT_LE(32, trace_count("lvmm_share_merge:"));
	/*
	 * At least the two writes' copies; the scanner may merge and copy
	 * again while they happen, so count against the counter, not 2.
	 */
	EXPECT_EQ(vm_stat(&m, "cow_breaks"), trace_count("lvmm_share_cow:"));
	EXPECT_LE(2, trace_count("lvmm_share_cow:"));
	member_fini(&m);
}

/* Integrity: VMs x vCPUs and their VMMs rewrite shared memory at once. */
#define INT_VMS		3
#define INT_VCPUS	2
#define INT_PAGES	192	/* per vCPU, and for the VMM */
#define INT_BASE	(4UL << 20)

struct int_vcpu {
	struct guest *g;
	struct vcpu *vcpu;
	int index;
	double end;
	long rounds;
	uint64_t bad;
	int failed;
};

struct int_vmm {
	uint8_t *region;
	double end;
	long rounds;
	long corrupt;
};

static void *int_vcpu_thread(void *arg)
{
	struct int_vcpu *c = arg;
	uint64_t seed = 0x9e37 + c->index * 7919;
	struct kvm_regs regs;

	while (now() < c->end && !c->failed) {
		memset(&regs, 0, sizeof(regs));
		regs.rip = GUEST_CODE;
		regs.rflags = 2;
		regs.rdi = INT_BASE + c->index * INT_PAGES * PAGE;
		regs.rsi = INT_PAGES;
		regs.rdx = 100;
		regs.r8 = seed;
		regs.r9 = c->index * INT_PAGES;
		regs.r12 = GUEST_DATA + c->index * INT_PAGES;
		vmm_ioctl(c->vcpu->fd, KVM_SET_REGS, &regs);
		if (__vcpu_run(c->vcpu) || c->vcpu->run->exit_reason != KVM_EXIT_HLT) {
			c->failed = 1;
			break;
		}
		vmm_ioctl(c->vcpu->fd, KVM_GET_REGS, &regs);
		if (regs.rax != 0x600d) {
			c->failed = 1;
			c->bad = regs.r10;
		}
		seed = regs.r8;
		c->rounds++;
	}
	return NULL;
}

/* The VMM's side: the same scheme, on pages no vCPU touches. */
static void *int_vmm_thread(void *arg)
{
	struct int_vmm *v = arg;
	uint8_t version[INT_PAGES] = {};
	uint64_t x = 88172645463325252ULL;

	while (now() < v->end) {
		uint64_t *w, want;
		int page, k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		page = x % INT_PAGES;
		w = (uint64_t *)(v->region + page * PAGE);
		want = version[page] ?
		       ((uint64_t)(INT_VCPUS * INT_PAGES + page) * 4 + version[page]) * GOLDEN : 0;
		for (k = 0; k < 512; k++)
			if (w[k] != want)
				v->corrupt++;
		version[page] = ((x >> 40) & 3) + 1;
		want = ((uint64_t)(INT_VCPUS * INT_PAGES + page) * 4 + version[page]) * GOLDEN;
		for (k = 0; k < 512; k++)
			w[k] = want;
		v->rounds++;
	}
	return NULL;
}

TEST_F(sharing, integrity_under_concurrent_writes)
{
	const char *env = getenv("LVMM_SHARE_SECS");
	double secs = env ? atof(env) : 8;
	struct int_vcpu c[INT_VMS][INT_VCPUS] = {};
	struct int_vmm v[INT_VMS] = {};
	pthread_t tc[INT_VMS][INT_VCPUS], tv[INT_VMS];
	long cow0 = share_stat("cow_breaks");
	long merged0 = share_stat("pages_merged");
	long vm_cows = 0, rounds = 0;
	char dirs[INT_VMS][300];
	struct guest *g[INT_VMS];
	double end = now() + secs;
	int i, k;

	for (i = 0; i < INT_VMS; i++) {
		g[i] = guest_create(LVMM_DEV, MODE_LONG64, GUEST_PROG(sharewrite64),
				    BACKING_GMEM);
		v[i].region = vm_add_memory(g[i]->vm, 1, INT_BASE,
					    (INT_VCPUS + 1) * INT_PAGES * PAGE,
					    BACKING_GMEM);
		v[i].region += INT_VCPUS * INT_PAGES * PAGE;
		v[i].end = end;
		name_vm(g[i]->vm, dirs[i], sizeof(dirs[i]));
		set_group(g[i]->vm, 61);
		for (k = 0; k < INT_VCPUS; k++) {
			c[i][k].g = g[i];
			c[i][k].vcpu = k ? guest_add_vcpu(g[i], k) : g[i]->vcpu;
			c[i][k].index = k;
			c[i][k].end = end;
		}
	}
	for (i = 0; i < INT_VMS; i++) {
		for (k = 0; k < INT_VCPUS; k++)
			pthread_create(&tc[i][k], NULL, int_vcpu_thread, &c[i][k]);
		pthread_create(&tv[i], NULL, int_vmm_thread, &v[i]);
	}
	for (i = 0; i < INT_VMS; i++) {
		for (k = 0; k < INT_VCPUS; k++)
			pthread_join(tc[i][k], NULL);
		pthread_join(tv[i], NULL);
	}

	for (i = 0; i < INT_VMS; i++) {
		for (k = 0; k < INT_VCPUS; k++) {
			EXPECT_FALSE(c[i][k].failed) TH_LOG("vm %d vcpu %d: bad data at 0x%llx",
							    i, k, (unsigned long long)c[i][k].bad);
			rounds += c[i][k].rounds;
		}
		EXPECT_EQ(0, v[i].corrupt) TH_LOG("vm %d: %ld corrupt words seen by the VMM",
						  i, v[i].corrupt);
		vm_cows += read_sysfs_num(dirs[i], "cow_breaks");
	}
	TH_LOG("%ld guest rounds of 100 pages, %ld merges, %ld copies on write",
	       rounds, share_stat("pages_merged") - merged0,
	       share_stat("cow_breaks") - cow0);
	EXPECT_LT(0, share_stat("pages_merged") - merged0);
	EXPECT_LT(0, share_stat("cow_breaks") - cow0);
	/* Every copy was made for one of these VMs, and counted for it. */
	EXPECT_EQ(share_stat("cow_breaks") - cow0, vm_cows);
	for (i = 0; i < INT_VMS; i++)
		guest_destroy(g[i]);
}

TEST_HARNESS_MAIN
