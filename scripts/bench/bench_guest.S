/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest loops for the benchmarks. Each runs R8 iterations of one exit and
 * then writes to port BENCH_DONE_PORT, so that the host times N exits with
 * one clock pair. They run in long mode (selftests/lib/guest.c sets it up),
 * except bench_out16, the one-instruction guest of the lifecycle test.
 */
	.intel_syntax noprefix
	.section .rodata, "a"

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:
#define DONE	0xf0	/* BENCH_DONE_PORT */
#define PIO	0xf1	/* BENCH_PIO_PORT */

	.code64
/* CPUID leaf 0, handled in the kernel by both devices. */
GUEST(bench_cpuid)
1:	xor	eax, eax
	cpuid
	dec	r8
	jnz	1b
	out	DONE, al
	hlt
END(bench_cpuid)

/* VMMCALL with an unknown number: both answer -KVM_ENOSYS in the kernel. */
GUEST(bench_vmmcall)
1:	mov	eax, 0x7fff0000
	vmmcall
	dec	r8
	jnz	1b
	out	DONE, al
	hlt
END(bench_vmmcall)

/* OUT to a port no one claims: a round trip to userspace each. */
GUEST(bench_pio)
1:	out	PIO, al
	dec	r8
	jnz	1b
	out	DONE, al
	hlt
END(bench_pio)

/* A store to RBX, an address without memory: MMIO to userspace. */
GUEST(bench_mmio)
1:	mov	dword ptr [rbx], eax
	dec	r8
	jnz	1b
	out	DONE, al
	hlt
END(bench_mmio)

/* HLT with interrupts off: without an irqchip, both exit to userspace. */
GUEST(bench_hlt)
1:	hlt
	dec	r8
	jnz	1b
	out	DONE, al
	hlt
END(bench_hlt)

/* Write one byte in each 4 KiB page of [RBX, RBX + R8 pages). */
GUEST(bench_touch)
1:	mov	byte ptr [rbx], al
	add	rbx, 4096
	dec	r8
	jnz	1b
	out	DONE, al
	hlt
END(bench_touch)

/* Real mode: report at once. The lifecycle test's whole guest. */
	.code16
GUEST(bench_out16)
	out	DONE, al
	hlt
END(bench_out16)
	.section .note.GNU-stack, "", @progbits
