// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm-bench [--smoke] [--reps N] DEVICE NAME [TEST...]: run the named
 * benchmarks (all by default) against DEVICE, labelling the figures NAME.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench.h"

static const struct {
	const char *name;
	void (*run)(const struct bench_ctx *c);
} tests[] = {
	{ "exits", bench_exits },
	{ "lifecycle", bench_lifecycle },
	{ "faultin", bench_faultin },
	{ "overhead", bench_overhead },
	{ "scaling", bench_scaling },
};

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bench_emit(const struct bench_ctx *c, const char *test, const char *unit,
		const char *better, const double *samples, int n,
		const char *note)
{
	int i;

	printf("bench: {\"test\": \"%s\", \"dev\": \"%s\", \"unit\": \"%s\", \"better\": \"%s\", \"samples\": [",
	       test, c->dev_name, unit, better);
	for (i = 0; i < n; i++)
		printf("%s%.6g", i ? ", " : "", samples[i]);
	printf("]");
	if (note)
		printf(", \"note\": \"%s\"", note);
	printf("}\n");
	fflush(stdout);
}

uint64_t bench_run_to_done(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t exits = 0;

	for (;;) {
		vcpu_run(vcpu);
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.port == BENCH_DONE_PORT)
				return exits;
			break;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			break;
		case KVM_EXIT_HLT:
			break;
		default: {
			struct kvm_regs regs;

			vmm_ioctl(vcpu->fd, KVM_GET_REGS, &regs);
			vmm_die("%s: unexpected exit %s at rip %#llx (r8 %#llx, after %llu exits)",
				vcpu->vm->device, exit_reason_str(run->exit_reason),
				regs.rip, regs.r8, (unsigned long long)exits);
		}
		}
		exits++;
	}
}

void bench_guest_destroy(struct guest *g)
{
	uint8_t *mem = g->mem;

	guest_destroy(g);
	munmap(mem, GUEST_MEM_SIZE);
}

void bench_vcpu_start(struct vcpu *vcpu, uint64_t iters, uint64_t rbx)
{
	struct kvm_regs regs;

	vmm_ioctl(vcpu->fd, KVM_GET_REGS, &regs);
	regs.rip = GUEST_CODE;
	regs.r8 = iters;
	regs.rbx = rbx;
	regs.rflags = 0x2;	/* IF=0: HLT exits, nothing interrupts */
	vmm_ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

void bench_run_out16(struct vcpu *vcpu, uint8_t *mem)
{
	struct guest_prog prog = GUEST_PROG(bench_out16);

	memcpy(mem + GUEST_CODE, prog.code, prog.len);
	vcpu_setup_real_mode(vcpu, GUEST_CODE);
	if (bench_run_to_done(vcpu))
		vmm_die("%s: the OUT guest exited before its OUT",
			vcpu->vm->device);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lvmm-bench [--smoke] [--reps N] DEVICE NAME [TEST...]\ntests:");
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		fprintf(f, " %s", tests[i].name);
	fprintf(f, "\n");
}

int main(int argc, char **argv)
{
	struct bench_ctx c = { .reps = 7 };
	int i = 1, ran = 0;
	size_t t;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--smoke")) {
			c.smoke = 1;
			c.reps = 3;
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			c.reps = atoi(argv[++i]);
			if (c.reps < 1 || c.reps > BENCH_MAX_REPS) {
				fprintf(stderr, "lvmm-bench: --reps: 1 to %d\n", BENCH_MAX_REPS);
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - i < 2) {
		usage(stderr);
		return 2;
	}
	c.device = argv[i++];
	c.dev_name = argv[i++];
	if (!have_device(c.device)) {
		fprintf(stderr, "lvmm-bench: cannot open %s: %s\n", c.device, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
		int want = i == argc, j;

		for (j = i; j < argc; j++)
			want |= !strcmp(argv[j], tests[t].name);
		if (!want)
			continue;
		tests[t].run(&c);
		ran++;
	}
	if (!ran) {
		usage(stderr);
		return 2;
	}
	return 0;
}
