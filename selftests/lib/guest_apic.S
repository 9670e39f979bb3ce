/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs for the in-kernel irqchip (irqchip_test.c). Each runs
 * after intr64 (guest_code.S), whose interrupt stubs OUT the vector to port
 * 0x80 and return without an EOI: the programs EOI themselves. Checkpoints
 * are OUTs to port 0x82 and up; "done" is an OUT to port 0x81, after which
 * the test does not run the vCPU again (a CLI; HLT would sleep in the
 * kernel for good).
 */
	.intel_syntax noprefix
	.section .rodata, "a"
	.code64

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:

#define APIC		0xfee00000
#define APIC_TPR	0x80
#define APIC_EOI	0xb0
#define APIC_SPIV	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_LVT0	0x350
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define IOAPIC		0xfec00000

/* Software-enable the APIC (spurious vector 0xff); RDI = its base. */
#define APIC_ON		mov rdi, APIC; mov dword ptr [rdi + APIC_SPIV], 0x1ff

/* One-shot timer, vector 0x40, after 1 ms; HLT until it fires. */
GUEST(apic_oneshot)
	APIC_ON
	mov	dword ptr [rdi + APIC_TDCR], 0xb		/* divide by 1 */
	mov	dword ptr [rdi + APIC_LVTT], 0x40
	mov	dword ptr [rdi + APIC_TMICT], 1000000
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x81, al
	hlt
END(apic_oneshot)

/* Periodic timer, vector 0x41, every 0.5 ms: three ticks, then masked. */
GUEST(apic_periodic)
	APIC_ON
	mov	dword ptr [rdi + APIC_TDCR], 0xb
	mov	dword ptr [rdi + APIC_LVTT], 0x20041		/* periodic */
	mov	dword ptr [rdi + APIC_TMICT], 500000
	mov	ecx, 3
1:	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	dec	ecx
	jnz	1b
	mov	dword ptr [rdi + APIC_LVTT], 0x10041		/* masked */
	out	0x81, al
	hlt
END(apic_periodic)

/*
 * TPR 0x60 holds back a self-IPI of vector 0x52 (class 5) until it drops:
 * checkpoint 0x82 comes before the interrupt. Then the same with x2APIC
 * MSRs: ID to port 0x84, self-IPI 0x53 through SELF_IPI, EOI by MSR.
 */
GUEST(apic_tpr_x2apic)
	APIC_ON
	mov	dword ptr [rdi + APIC_TPR], 0x60
	sti
	mov	dword ptr [rdi + APIC_ICR], 0x40052	/* self, fixed, 0x52 */
	nop
	out	0x82, al
	mov	dword ptr [rdi + APIC_TPR], 0
	nop
	mov	dword ptr [rdi + APIC_EOI], 0
	cli
	mov	ecx, 0x1b				/* IA32_APIC_BASE */
	rdmsr
	or	eax, 0xc00				/* enable + x2APIC */
	wrmsr
	mov	ecx, 0x802				/* x2APIC ID */
	rdmsr
	out	0x84, al
	sti
	mov	ecx, 0x83f				/* SELF_IPI */
	mov	eax, 0x53
	xor	edx, edx
	wrmsr
	nop
	cli
	mov	ecx, 0x80b				/* EOI */
	xor	eax, eax
	wrmsr
	out	0x81, al
	hlt
END(apic_tpr_x2apic)

/*
 * IOAPIC: pin 3 edge to vector 0x70, pin 4 level to vector 0x71, both to
 * APIC ID 0. Checkpoint 0x82 with interrupts about to be on: the test
 * pulses pin 3. Checkpoint 0x84: the test raises pin 4, which arrives,
 * and arrives again after its EOI while the line is still high; the
 * test lowers it then. Checkpoint 0x85 after the second EOI.
 */
GUEST(ioapic_pins)
	APIC_ON
	mov	dword ptr [rdi + APIC_LVT0], 0x10000	/* KVM: no 8259 on LINT0 */
	mov	rsi, IOAPIC
	mov	dword ptr [rsi], 0x16			/* pin 3, low half */
	mov	dword ptr [rsi + 0x10], 0x70
	mov	dword ptr [rsi], 0x17			/* high half: APIC 0 */
	mov	dword ptr [rsi + 0x10], 0
	mov	dword ptr [rsi], 0x18			/* pin 4 */
	mov	dword ptr [rsi + 0x10], 0x8071		/* level */
	mov	dword ptr [rsi], 0x19
	mov	dword ptr [rsi + 0x10], 0
	cli
	out	0x82, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x84, al
	sti
	hlt
	mov	dword ptr [rdi + APIC_EOI], 0
	nop
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x85, al
	out	0x81, al
	hlt
END(ioapic_pins)

/*
 * Two vCPUs. The receiver (RAX = 1) enables its APIC, checks in on port
 * 0x82 with interrupts off, then waits in STI; HLT. The sender (RAX = 0)
 * sends vector 0x60 to APIC ID 1 and reports on port 0x81.
 */
GUEST(apic_ipi)
	APIC_ON
	test	eax, eax
	jz	1f
	cli
	out	0x82, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x81, al
	hlt
1:	mov	dword ptr [rdi + APIC_ICR2], 0x01000000
	mov	dword ptr [rdi + APIC_ICR], 0x60	/* physical, fixed */
	out	0x81, al
	hlt
END(apic_ipi)

/*
 * Only a TMICT write starts the count. A masked one-shot of 100 ms (divide
 * by 1) runs out; then unmasking LVTT must not start it again: port 0x82
 * gets 1 if the current count is not 0 after the LVTT write.
 */
GUEST(apic_lvtt_expired_oneshot)
	APIC_ON
	mov	dword ptr [rdi + APIC_TDCR], 0xb
	mov	dword ptr [rdi + APIC_LVTT], 0x10040		/* masked */
	mov	dword ptr [rdi + APIC_TMICT], 100000000
1:	mov	eax, dword ptr [rdi + APIC_TMCCT]
	test	eax, eax
	jnz	1b
	mov	dword ptr [rdi + APIC_LVTT], 0x40		/* unmasked */
	mov	eax, dword ptr [rdi + APIC_TMCCT]
	test	eax, eax
	setnz	al
	out	0x82, al
	out	0x81, al
	hlt
END(apic_lvtt_expired_oneshot)

/*
 * A periodic timer of 2^32 ticks, divide by 128 (550 s), keeps its phase
 * through LVTT writes. Once it has counted 2^22 ticks down, the count
 * must not go up across an unmask (port 0x82: 1 if it did) nor across a
 * switch to one-shot (port 0x84).
 */
GUEST(apic_lvtt_periodic_phase)
	APIC_ON
	mov	dword ptr [rdi + APIC_TDCR], 0xa		/* divide by 128 */
	mov	dword ptr [rdi + APIC_LVTT], 0x30041		/* periodic, masked */
	mov	dword ptr [rdi + APIC_TMICT], 0xffffffff
1:	mov	ebx, dword ptr [rdi + APIC_TMCCT]
	cmp	ebx, 0xffffffff - 0x400000
	ja	1b
	mov	dword ptr [rdi + APIC_LVTT], 0x20041		/* unmasked */
	mov	ecx, dword ptr [rdi + APIC_TMCCT]
	cmp	ecx, ebx
	seta	al
	out	0x82, al
	mov	dword ptr [rdi + APIC_LVTT], 0x10041		/* one-shot */
	mov	edx, dword ptr [rdi + APIC_TMCCT]
	cmp	edx, ecx
	seta	al
	out	0x84, al
	mov	dword ptr [rdi + APIC_TMICT], 0
	out	0x81, al
	hlt
END(apic_lvtt_periodic_phase)

/*
 * TDCR rescales a running count: a one-shot of 2^32 ticks divided by 16
 * (69 s) goes on from the same count when the divisor becomes 128, instead
 * of showing an eighth of it. Port 0x82: 1 if the count fell below half.
 */
GUEST(apic_tdcr_rescale)
	APIC_ON
	mov	dword ptr [rdi + APIC_TDCR], 0x3		/* divide by 16 */
	mov	dword ptr [rdi + APIC_LVTT], 0x10040		/* masked */
	mov	dword ptr [rdi + APIC_TMICT], 0xffffffff
	mov	ebx, dword ptr [rdi + APIC_TMCCT]
	mov	dword ptr [rdi + APIC_TDCR], 0xa		/* divide by 128 */
	mov	ecx, dword ptr [rdi + APIC_TMCCT]
	shr	ebx, 1
	cmp	ecx, ebx
	setb	al
	out	0x82, al
	mov	dword ptr [rdi + APIC_TMICT], 0
	out	0x81, al
	hlt
END(apic_tdcr_rescale)

/*
 * A software-disabled APIC (SPIV bit 8 clear, as after reset) drops fixed
 * interrupts. IOAPIC pin 3 (edge, vector 0x70) and pin 4 (level, 0x71) go
 * to APIC 0. With interrupts off: a self-IPI of vector 0x52, then
 * checkpoint 0x82, where the test raises both pins and looks at IRR. Port
 * 0x84: pin 4's remote IRR bit (set only if an APIC took it). Then the
 * APIC is enabled and interrupts allowed: nothing may arrive before 0x81.
 */
GUEST(apic_sw_disabled)
	mov	rdi, APIC
	mov	dword ptr [rdi + APIC_SPIV], 0xff		/* disabled */
	mov	rsi, IOAPIC
	mov	dword ptr [rsi], 0x16
	mov	dword ptr [rsi + 0x10], 0x70
	mov	dword ptr [rsi], 0x17
	mov	dword ptr [rsi + 0x10], 0
	mov	dword ptr [rsi], 0x18
	mov	dword ptr [rsi + 0x10], 0x8071
	mov	dword ptr [rsi], 0x19
	mov	dword ptr [rsi + 0x10], 0
	cli
	mov	dword ptr [rdi + APIC_ICR], 0x40052		/* self, fixed */
	out	0x82, al
	mov	dword ptr [rsi], 0x18
	mov	eax, dword ptr [rsi + 0x10]
	shr	eax, 14
	and	al, 1
	out	0x84, al
	mov	dword ptr [rdi + APIC_SPIV], 0x1ff
	mov	dword ptr [rdi + APIC_LVT0], 0x10000		/* no 8259 on LINT0 */
	sti
	nop
	nop
	cli
	out	0x81, al
	hlt
END(apic_sw_disabled)

/*
 * Checkpoint 0x82 with interrupts off, then STI and on to 0x81: with the
 * in-kernel irqchip, request_interrupt_window must not end KVM_RUN there.
 */
GUEST(apic_irq_window)
	cli
	out	0x82, al
	sti
	nop
	nop
	out	0x81, al
	cli
	hlt
END(apic_irq_window)

/* Interrupts off, HLT: only a signal gets KVM_RUN back. */
GUEST(halt_forever)
	cli
	hlt
	out	0x81, al
	hlt
END(halt_forever)

/*
 * For the GSI routing tests: check in on port 0x82 with interrupts off,
 * then wait in STI; HLT for one interrupt; EOI, and report on 0x81.
 */
GUEST(apic_wait_irq)
	APIC_ON
	cli
	out	0x82, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x81, al
	hlt
END(apic_wait_irq)

/*
 * IOAPIC pin 5, level-triggered, vector 0x72 to APIC 0, for a resampling
 * irqfd: checkpoint 0x82, one interrupt, EOI, checkpoint 0x84; a second
 * interrupt, EOI, checkpoint 0x85; done.
 */
GUEST(ioapic_level_twice)
	APIC_ON
	mov	dword ptr [rdi + APIC_LVT0], 0x10000	/* KVM: no 8259 on LINT0 */
	mov	rsi, IOAPIC
	mov	dword ptr [rsi], 0x1a			/* pin 5, low half */
	mov	dword ptr [rsi + 0x10], 0x8072
	mov	dword ptr [rsi], 0x1b			/* high half: APIC 0 */
	mov	dword ptr [rsi + 0x10], 0
	cli
	out	0x82, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x84, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x85, al
	out	0x81, al
	hlt
END(ioapic_level_twice)

/*
 * Two interrupts, each waited for in STI; HLT and ended with an EOI:
 * checkpoints 0x82 before the first, 0x84 between, 0x81 after.
 */
GUEST(apic_wait_two_irqs)
	APIC_ON
	cli
	out	0x82, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x84, al
	sti
	hlt
	cli
	mov	dword ptr [rdi + APIC_EOI], 0
	out	0x81, al
	hlt
END(apic_wait_two_irqs)

/*
 * LINT0 as ExtINT, for the VMM's 8259 of a split irqchip: checkpoint 0x82,
 * wait in STI; HLT for its interrupt (no EOI: ExtINT is not in ISR), 0x81.
 */
GUEST(apic_extint)
	APIC_ON
	mov	dword ptr [rdi + APIC_LVT0], 0x700
	cli
	out	0x82, al
	sti
	hlt
	cli
	out	0x81, al
	hlt
END(apic_extint)

/*
 * The kvmvapic page at RSI (KVM_SET_VAPIC_ADDR): TPR 0x60 by MMIO, then
 * checkpoint 0x82 (the page shows it); a TPR of 0x30 written into the page,
 * as patched code does, and an exit (0x84); the TPR read back by MMIO goes
 * to port 0x85.
 */
GUEST(apic_vapic)
	APIC_ON
	mov	dword ptr [rdi + APIC_TPR], 0x60
	cli
	out	0x82, al
	mov	byte ptr [rsi], 0x30
	out	0x84, al
	mov	eax, dword ptr [rdi + APIC_TPR]
	out	0x85, al
	out	0x81, al
	hlt
END(apic_vapic)

/*
 * The 8259 pair and the 8254, driven by the test through the guest's own
 * port I/O (port_shell.c): LINT0 as ExtINT, interrupts off, then commands
 * read from port 0x90:
 * 1: take an interrupt, waiting in STI; HLT (the stub reports its vector
 *    on 0x80), then OUT to 0x85;
 * 2: STI; NOP; CLI, where a pending interrupt must be taken, then 0x85;
 * 3: OUT to the port read from 0x91 (16 bits) the byte read from 0x92,
 *    then 0x86;
 * 4: IN from the port read from 0x91, the byte reported on 0x84;
 * 5: wait for an interrupt, then for the number read from 0x91 more, each
 *    ended with an EOI to the master 8259; OUT to 0x87 with the TSC cycles
 *    from the first to the last in RAX;
 * anything else: done (0x81).
 */
GUEST(pic_shell)
	APIC_ON
	mov	dword ptr [rdi + APIC_LVT0], 0x700
	cli
1:	in	al, 0x90
	cmp	al, 1
	je	2f
	cmp	al, 2
	je	3f
	cmp	al, 3
	je	4f
	cmp	al, 4
	je	5f
	cmp	al, 5
	je	6f
	out	0x81, al
	hlt
2:	sti
	hlt
	cli
	out	0x85, al
	jmp	1b
3:	sti
	nop
	cli
	out	0x85, al
	jmp	1b
4:	in	ax, 0x91
	mov	dx, ax
	in	al, 0x92
	out	dx, al
	out	0x86, al
	jmp	1b
5:	in	ax, 0x91
	mov	dx, ax
	in	al, dx
	out	0x84, al
	jmp	1b
6:	in	ax, 0x91
	movzx	ecx, ax
	sti
	hlt
	cli
	mov	al, 0x20
	out	0x20, al
	rdtsc
	shl	rdx, 32
	or	rax, rdx
	mov	r8, rax
7:	sti
	hlt
	cli
	mov	al, 0x20
	out	0x20, al
	dec	ecx
	jnz	7b
	rdtsc
	shl	rdx, 32
	or	rax, rdx
	sub	rax, r8
	out	0x87, al
	jmp	1b
END(pic_shell)
	.section .note.GNU-stack,"",@progbits
