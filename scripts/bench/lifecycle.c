// SPDX-License-Identifier: GPL-2.0
/*
 * VM lifecycle: open the device, create a VM with 1 MiB of memory and one
 * vCPU, run it to its first OUT, tear it all down. Operations per second.
 */
#include <sys/mman.h>

#include "bench.h"

#define LIFECYCLE_MEM	(1UL << 20)

static void one_lifecycle(const struct bench_ctx *c)
{
	struct vm *vm = vm_create(c->device);
	uint8_t *mem = vm_add_memory(vm, 0, 0, LIFECYCLE_MEM, BACKING_DEFAULT);
	struct vcpu *vcpu = vcpu_create(vm, 0);

	bench_run_out16(vcpu, mem);
	vcpu_destroy(vcpu);
	munmap(mem, LIFECYCLE_MEM);
	vm_destroy(vm);
}

void bench_lifecycle(const struct bench_ctx *c)
{
	int ops = c->smoke ? 5 : 50, r, i;
	double rate[BENCH_MAX_REPS];

	one_lifecycle(c);		/* warm the allocator caches */
	for (r = 0; r < c->reps; r++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < ops; i++)
			one_lifecycle(c);
		rate[r] = ops * 1e9 / (double)(bench_now_ns() - t0);
	}
	bench_emit(c, "lifecycle", "VMs/s", "higher", rate, c->reps, NULL);
}
