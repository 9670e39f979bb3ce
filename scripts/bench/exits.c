// SPDX-License-Identifier: GPL-2.0
/*
 * Exit round trips: a guest loop of N exits of one kind, timed by the host
 * around the KVM_RUN calls that carry it. Kinds handled in the kernel must
 * not reach userspace at all; the others must reach it exactly N times, or
 * the figure would measure something else.
 */
#include <stdio.h>

#include "bench.h"

struct exit_kind {
	const char *test;
	struct guest_prog prog;
	int in_kernel;
};

static void bench_one_exit(const struct bench_ctx *c, const struct exit_kind *k)
{
	uint64_t iters = k->in_kernel ? 20000 : 2000;
	double ns[BENCH_MAX_REPS];
	struct guest *g;
	int r;

	if (c->smoke)
		iters /= 100;
	g = guest_create(c->device, MODE_LONG64, k->prog, BACKING_DEFAULT);
	/* One warm-up pass faults in the code, stack and page tables. */
	bench_vcpu_start(g->vcpu, 2, GUEST_MMIO);
	bench_run_to_done(g->vcpu);
	for (r = 0; r < c->reps; r++) {
		uint64_t t0, exits;

		bench_vcpu_start(g->vcpu, iters, GUEST_MMIO);
		t0 = bench_now_ns();
		exits = bench_run_to_done(g->vcpu);
		ns[r] = (double)(bench_now_ns() - t0) / iters;
		if (exits != (k->in_kernel ? 0 : iters))
			vmm_die("%s on %s: %llu exits reached userspace, want %llu",
				k->test, c->device, (unsigned long long)exits,
				(unsigned long long)(k->in_kernel ? 0 : iters));
	}
	bench_emit(c, k->test, "ns/exit", "lower", ns, c->reps, NULL);
	bench_guest_destroy(g);
}

void bench_exits(const struct bench_ctx *c)
{
	const struct exit_kind kinds[] = {
		{ "exit.cpuid", GUEST_PROG(bench_cpuid), 1 },
		{ "exit.vmmcall", GUEST_PROG(bench_vmmcall), 1 },
		{ "exit.pio", GUEST_PROG(bench_pio), 0 },
		{ "exit.mmio", GUEST_PROG(bench_mmio), 0 },
		{ "exit.hlt", GUEST_PROG(bench_hlt), 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		bench_one_exit(c, &kinds[i]);
}
