// SPDX-License-Identifier: GPL-2.0
/*
 * Scaling: aggregate in-kernel exits per second (CPUID loops) with 1, 2, 4
 * and 8 vCPUs in one VM, and with as many one-vCPU VMs. Each vCPU has its
 * own thread; the clock runs from the start barrier to the last join.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

struct runner {
	struct vcpu *vcpu;
	uint64_t iters;
	pthread_barrier_t *start;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	/*
	 * Warm up in this thread: KVM pays a synchronize_rcu() on the first
	 * KVM_RUN from a new thread, which must not land in the timed part.
	 */
	bench_vcpu_start(r->vcpu, 2, 0);
	bench_run_to_done(r->vcpu);
	bench_vcpu_start(r->vcpu, r->iters, 0);
	pthread_barrier_wait(r->start);
	if (bench_run_to_done(r->vcpu))
		vmm_die("CPUID loop on %s reached userspace", r->vcpu->vm->device);
	return NULL;
}

/* Exits per second of @n vCPUs: in one VM if @same_vm, else one VM each. */
static double run_parallel(const struct bench_ctx *c, int n, int same_vm,
			   uint64_t iters)
{
	struct guest **g = calloc(n, sizeof(*g));
	struct runner *r = calloc(n, sizeof(*r));
	pthread_t *tid = calloc(n, sizeof(*tid));
	pthread_barrier_t start;
	uint64_t t0;
	int i;

	if (!g || !r || !tid)
		vmm_die("calloc");
	for (i = 0; i < n; i++) {
		if (same_vm && i) {
			r[i].vcpu = guest_add_vcpu(g[0], i);
		} else {
			g[i] = guest_create(c->device, MODE_LONG64,
					    GUEST_PROG(bench_cpuid), BACKING_DEFAULT);
			r[i].vcpu = g[i]->vcpu;
		}
		r[i].iters = iters;
		r[i].start = &start;
	}
	pthread_barrier_init(&start, NULL, n + 1);
	for (i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, runner_main, &r[i]))
			vmm_die("pthread_create");
	pthread_barrier_wait(&start);
	t0 = bench_now_ns();
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	t0 = bench_now_ns() - t0;
	pthread_barrier_destroy(&start);
	for (i = n - 1; i >= 0; i--) {
		if (same_vm && i)
			vcpu_destroy(r[i].vcpu);
		else
			bench_guest_destroy(g[i]);
	}
	free(g);
	free(r);
	free(tid);
	return (double)n * iters * 1e9 / t0;
}

void bench_scaling(const struct bench_ctx *c)
{
	static const int counts[] = { 1, 2, 4, 8 };
	uint64_t iters = c->smoke ? 200 : 10000;
	double rate[BENCH_MAX_REPS];
	char test[32];
	int same_vm, r;
	size_t k;

	for (same_vm = 1; same_vm >= 0; same_vm--) {
		for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
			for (r = 0; r < c->reps; r++)
				rate[r] = run_parallel(c, counts[k], same_vm, iters);
			snprintf(test, sizeof(test), "scaling.%s%d",
				 same_vm ? "vcpus" : "vms", counts[k]);
			bench_emit(c, test, "exits/s", "higher", rate, c->reps, NULL);
		}
	}
}
