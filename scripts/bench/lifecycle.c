// SPDX-License-Identifier: GPL-2.0
/*
 * VM lifecycle: open the device, create a VM with 1 MiB of memory and one
 * vCPU, run it to its first OUT, tear it all down. Operations per second.
 */
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define LIFECYCLE_MEM	(1UL << 20)

static void one_lifecycle(const struct bench_ctx *c, struct guest_prog prog)
{
	struct vm *vm = vm_create(c->device);
	uint8_t *mem = vm_add_memory(vm, 0, 0, LIFECYCLE_MEM, BACKING_DEFAULT);
	struct vcpu *vcpu = vcpu_create(vm, 0);

	memcpy(mem + GUEST_CODE, prog.code, prog.len);
	vcpu_setup_real_mode(vcpu, GUEST_CODE);
	if (bench_run_to_done(vcpu))
		vmm_die("lifecycle guest on %s exited before its OUT", c->device);
	vcpu_destroy(vcpu);
	munmap(mem, LIFECYCLE_MEM);
	vm_destroy(vm);
}

void bench_lifecycle(const struct bench_ctx *c)
{
	struct guest_prog prog = GUEST_PROG(bench_out16);
	int ops = c->smoke ? 5 : 50, r, i;
	double rate[BENCH_MAX_REPS];

	one_lifecycle(c, prog);		/* warm the allocator caches */
	for (r = 0; r < c->reps; r++) {
		uint64_t t0 = bench_now_ns();

		for (i = 0; i < ops; i++)
			one_lifecycle(c, prog);
		rate[r] = ops * 1e9 / (double)(bench_now_ns() - t0);
	}
	bench_emit(c, "lifecycle", "VMs/s", "higher", rate, c->reps, NULL);
}
