// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: how fast a guest's first touches fault memory in, and how much
 * kernel memory an idle VM and an extra vCPU cost.
 *
 * The overhead is the drop in free memory (MemFree plus the per-CPU free
 * lists, where freed pages wait) less what this process itself gained in
 * anonymous memory, which holds the guest's RAM (anonymous on both devices
 * here) and the library's bookkeeping. What remains is kernel memory: slab,
 * page tables, VMCBs, kvm_run pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define FAULTIN_GPA	(1UL << 30)
#define IDLE_MEM	(1UL << 20)

/* One "Key: N kB" line of a /proc file, in kB; dies if absent. */
static long proc_kb(const char *file, const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		vmm_die("open %s", file);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			v = atol(line + len + 1);
	fclose(f);
	if (v < 0)
		vmm_die("no %s in %s", key, file);
	return v;
}

/* Free memory in kB, counting the pages on the per-CPU free lists. */
static long free_kb(void)
{
	long pcp = 0, n;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		vmm_die("open /proc/zoneinfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pcp += n;
	fclose(f);
	return proc_kb("/proc/meminfo", "MemFree") + pcp * 4;
}

static long slab_kb(void)
{
	return proc_kb("/proc/meminfo", "Slab");
}

static long user_kb(void)
{
	return proc_kb("/proc/self/status", "RssAnon");
}

void bench_faultin(const struct bench_ctx *c)
{
	size_t size = c->smoke ? 8UL << 20 : 256UL << 20;
	uint64_t pages = size >> 12;
	double rate[BENCH_MAX_REPS];
	int r;

	for (r = 0; r < c->reps; r++) {
		struct guest *g = guest_create(c->device, MODE_LONG64,
					       GUEST_PROG(bench_touch),
					       BACKING_DEFAULT);
		void *mem = vm_add_memory(g->vm, 1, FAULTIN_GPA, size,
					  BACKING_DEFAULT);
		uint64_t t0;

		bench_vcpu_start(g->vcpu, 1, GUEST_CODE);	/* fault in the code */
		bench_run_to_done(g->vcpu);
		bench_vcpu_start(g->vcpu, pages, FAULTIN_GPA);
		t0 = bench_now_ns();
		if (bench_run_to_done(g->vcpu))
			vmm_die("first touch on %s reached userspace", c->device);
		rate[r] = pages * 1e9 / (double)(bench_now_ns() - t0);
		munmap(mem, size);
		bench_guest_destroy(g);
	}
	bench_emit(c, "faultin", "pages/s", "higher", rate, c->reps, NULL);
}

/* @nvms idle VMs of one vCPU each: kernel kB per VM, and slab kB per VM. */
static void idle_vms(const struct bench_ctx *c, int nvms, double *per_vm,
		     double *slab_per_vm)
{
	struct vm **vms = calloc(nvms, sizeof(*vms));
	struct vcpu **vcpus = calloc(nvms, sizeof(*vcpus));
	uint8_t **mems = calloc(nvms, sizeof(*mems));
	long free0, slab0, user0;
	int i;

	if (!vms || !vcpus || !mems)
		vmm_die("calloc");
	free0 = free_kb();
	slab0 = slab_kb();
	user0 = user_kb();
	for (i = 0; i < nvms; i++) {
		vms[i] = vm_create(c->device);
		mems[i] = vm_add_memory(vms[i], 0, 0, IDLE_MEM, BACKING_ANON);
		vcpus[i] = vcpu_create(vms[i], 0);
		bench_run_out16(vcpus[i], mems[i]);
	}
	*per_vm = (double)(free0 - free_kb() - (user_kb() - user0)) / nvms;
	*slab_per_vm = (double)(slab_kb() - slab0) / nvms;
	for (i = 0; i < nvms; i++) {
		vcpu_destroy(vcpus[i]);
		munmap(mems[i], IDLE_MEM);
		vm_destroy(vms[i]);
	}
	free(vms);
	free(vcpus);
	free(mems);
}

/* One VM with @extra more vCPUs than one: kernel kB per extra vCPU. */
static double extra_vcpus(const struct bench_ctx *c, int extra)
{
	struct vm *vm = vm_create(c->device);
	uint8_t *mem = vm_add_memory(vm, 0, 0, IDLE_MEM, BACKING_ANON);
	struct vcpu **vcpus = calloc(extra + 1, sizeof(*vcpus));
	long free0, user0;
	double kb;
	int i;

	if (!vcpus)
		vmm_die("calloc");
	vcpus[0] = vcpu_create(vm, 0);
	bench_run_out16(vcpus[0], mem);
	free0 = free_kb();
	user0 = user_kb();
	for (i = 1; i <= extra; i++) {
		vcpus[i] = vcpu_create(vm, i);
		bench_run_out16(vcpus[i], mem);
	}
	kb = (double)(free0 - free_kb() - (user_kb() - user0)) / extra;
	for (i = 0; i <= extra; i++)
		vcpu_destroy(vcpus[i]);
	free(vcpus);
	munmap(mem, IDLE_MEM);
	vm_destroy(vm);
	return kb;
}

void bench_overhead(const struct bench_ctx *c)
{
	int nvms = c->smoke ? 5 : 100, extra = c->smoke ? 3 : 31, r;
	double vm_kb[BENCH_MAX_REPS], slab[BENCH_MAX_REPS], vcpu_kb[BENCH_MAX_REPS];
	char note[64];

	for (r = 0; r < c->reps; r++) {
		idle_vms(c, nvms, &vm_kb[r], &slab[r]);
		vcpu_kb[r] = extra_vcpus(c, extra);
	}
	snprintf(note, sizeof(note), "%d idle VMs", nvms);
	bench_emit(c, "overhead.vm", "KiB/VM", "lower", vm_kb, c->reps, note);
	bench_emit(c, "overhead.vm_slab", "KiB/VM", "lower", slab, c->reps, note);
	snprintf(note, sizeof(note), "%d extra vCPUs in one VM", extra);
	bench_emit(c, "overhead.vcpu", "KiB/vCPU", "lower", vcpu_kb, c->reps, note);
}
