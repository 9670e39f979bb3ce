/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvmm-bench: the same workloads on /dev/lvmm and /dev/kvm, through the
 * selftest library's client code. Each measurement prints one line
 *
 *	bench: {"test": ..., "dev": ..., "unit": ..., "samples": [...]}
 *
 * that scripts/bench/report turns into ratios lvmm/KVM. Nothing here
 * judges a figure: a benchmark that cannot do what it measures dies instead.
 */
#ifndef LVMM_BENCH_H
#define LVMM_BENCH_H

#include <stdint.h>

#include "guest.h"

#define BENCH_DONE_PORT	0xf0
#define BENCH_PIO_PORT	0xf1
#define BENCH_MAX_REPS	64

struct bench_ctx {
	const char *device;	/* /dev/lvmm or /dev/kvm */
	const char *dev_name;	/* "lvmm" or "kvm", the report's column */
	int reps;		/* samples per figure */
	int smoke;		/* tiny counts: check the code, not the speed */
};

uint64_t bench_now_ns(void);
/*
 * Print one figure's samples. @better is "lower" or "higher"; @note is
 * free text for the report (NULL for none).
 */
void bench_emit(const struct bench_ctx *c, const char *test, const char *unit,
		const char *better, const double *samples, int n,
		const char *note);
/*
 * Run @vcpu until it writes BENCH_DONE_PORT, answering every other port,
 * MMIO and HLT exit. Returns how many exits reached userspace on the way.
 */
uint64_t bench_run_to_done(struct vcpu *vcpu);
/*
 * guest_destroy(), and unmap its memory too: the library leaves it mapped
 * (a test reads it after the VM is gone), a benchmark must not pile it up.
 */
void bench_guest_destroy(struct guest *g);
/* Restart @vcpu's loop at GUEST_CODE with R8 = @iters and RBX = @rbx. */
void bench_vcpu_start(struct vcpu *vcpu, uint64_t iters, uint64_t rbx);
/*
 * Run bench_out16 in real mode on @vcpu, @mem being guest RAM at 0: the
 * whole guest of the lifecycle and overhead figures.
 */
void bench_run_out16(struct vcpu *vcpu, uint8_t *mem);

void bench_exits(const struct bench_ctx *c);
void bench_lifecycle(const struct bench_ctx *c);
void bench_faultin(const struct bench_ctx *c);
void bench_overhead(const struct bench_ctx *c);
void bench_scaling(const struct bench_ctx *c);

#endif /* LVMM_BENCH_H */
