/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs for events_test: what the CPU does while it delivers an
 * event. Each runs after intr64 (guest_code.S), whose IDT is at 0x29000.
 */
	.intel_syntax noprefix
	.section .rodata, "a"
	.code64

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:
#define IDT	0x29000

/*
 * Single-step one NOP with its own #DB handler, which reports DR6 on port
 * 0x85 (four bytes) and halts.
 */
GUEST(db_single_step)
	lea	rax, [rip + 2f]
	mov	rdi, IDT + 1 * 16
	mov	word ptr [rdi], ax
	shr	rax, 16
	mov	word ptr [rdi + 6], ax
	shr	rax, 16
	mov	dword ptr [rdi + 8], eax
	pushfq
	or	qword ptr [rsp], 0x100		/* TF */
	popfq
	nop
	hlt					/* not reached */
2:	mov	rax, dr6
	out	0x85, eax
	hlt
END(db_single_step)

/*
 * A #GP whose delivery pushes its frame onto a stack where the guest has
 * no memory (GUEST_MMIO, 3 GiB). The faulting instruction is a MOV to
 * memory that a VMM could decode as an MMIO write: it must not be.
 */
GUEST(deliver_onto_no_memory)
	mov	rsp, 0xc0001000
	mov	rax, 0x8000000000000000		/* not canonical: #GP */
	mov	dword ptr [rax], ebx
	hlt
END(deliver_onto_no_memory)
	.section .note.GNU-stack,"",@progbits
