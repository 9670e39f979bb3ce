/* SPDX-License-Identifier: GPL-2.0 */
/*
 * __svm_vmrun(vmcb_pa, host_vmcb_pa, gprs): one trip into the guest.
 *
 * Called with GIF=0. Loads the guest's general purpose registers (RAX and
 * RSP live in the VMCB), VMLOADs and VMRUNs the guest, and on #VMEXIT
 * stores them back, VMSAVEs the guest's and VMLOADs the host's hidden
 * segment state, which restores GS.base and with it per-CPU data. Nothing
 * may touch per-CPU data between VMLOAD of the guest and VMLOAD of the host,
 * which is why all of it is here and not in C.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#define GPR(n)	(8 * (n))

.section .noinstr.text, "ax"

SYM_FUNC_START(__svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx

	push	%rsi		/* 16(%rsp): host VMLOAD area */
	push	%rdx		/*  8(%rsp): gprs */
	push	%rdi		/*  0(%rsp): guest VMCB */

	mov	%rdi, %rax
	vmload	%rax

	mov	GPR(1)(%rdx), %rcx
	mov	GPR(3)(%rdx), %rbx
	mov	GPR(5)(%rdx), %rbp
	mov	GPR(6)(%rdx), %rsi
	mov	GPR(7)(%rdx), %rdi
	mov	GPR(8)(%rdx), %r8
	mov	GPR(9)(%rdx), %r9
	mov	GPR(10)(%rdx), %r10
	mov	GPR(11)(%rdx), %r11
	mov	GPR(12)(%rdx), %r12
	mov	GPR(13)(%rdx), %r13
	mov	GPR(14)(%rdx), %r14
	mov	GPR(15)(%rdx), %r15
	mov	GPR(2)(%rdx), %rdx

	vmrun	%rax

	/* RAX holds the VMCB address again; everything else is the guest's. */
	mov	8(%rsp), %rax
	mov	%rcx, GPR(1)(%rax)
	mov	%rdx, GPR(2)(%rax)
	mov	%rbx, GPR(3)(%rax)
	mov	%rbp, GPR(5)(%rax)
	mov	%rsi, GPR(6)(%rax)
	mov	%rdi, GPR(7)(%rax)
	mov	%r8, GPR(8)(%rax)
	mov	%r9, GPR(9)(%rax)
	mov	%r10, GPR(10)(%rax)
	mov	%r11, GPR(11)(%rax)
	mov	%r12, GPR(12)(%rax)
	mov	%r13, GPR(13)(%rax)
	mov	%r14, GPR(14)(%rax)
	mov	%r15, GPR(15)(%rax)

	mov	0(%rsp), %rax
	vmsave	%rax
	mov	16(%rsp), %rax
	vmload	%rax

	/* Stuff the RSB before the first RET after the guest ran. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	/* No guest value may linger in a register for speculation to use. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__svm_vmrun)
