/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test guest: one VM with one memory slot and one vCPU in a chosen mode,
 * running a program from guest_code.S, with every exit recorded so that a
 * run on lvmm can be compared with the same run on KVM.
 */
#ifndef LVMM_SELFTEST_GUEST_H
#define LVMM_SELFTEST_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

#define GUEST_CODE	0x1000
#define GUEST_DATA	0x20000
#define GUEST_PT	0x10000
#define GUEST_GDT	0x17000
#define GUEST_STACK	0x1ff000
#define GUEST_MEM_SIZE	(2UL << 20)
#define GUEST_MMIO	0xc0000000UL	/* no slot there */
#define CONSOLE_PORT	0xe9

enum guest_mode { MODE_REAL, MODE_PROT32, MODE_PAGING32, MODE_LONG64 };
enum backing { BACKING_DEFAULT, BACKING_ANON, BACKING_GMEM };

#define GUEST_PROG(name) ({						\
	extern const uint8_t name##_start[], name##_end[];		\
	(struct guest_prog){ name##_start, name##_end - name##_start };	\
})

struct guest_prog {
	const uint8_t *code;
	size_t len;
};

/* One exit, as much of it as the comparison with KVM needs. */
struct exit_rec {
	uint32_t reason;
	uint16_t port;
	uint8_t dir;
	uint8_t size;
	uint32_t count;
	uint64_t addr;
	uint32_t len;
	uint8_t is_write;
	uint64_t data;
};

#define MAX_EXITS 512

struct guest {
	struct vm *vm;
	struct vcpu *vcpu;
	uint8_t *mem;
	enum guest_mode mode;
	char console[4096];
	size_t console_len;
	struct exit_rec exits[MAX_EXITS];
	int nexits;
	uint32_t seq;			/* MMIO reads so far */
	uint64_t in_bytes;		/* bytes of IN data so far */
	uint8_t out_data[16384];	/* bytes of OUTs to ports 0x3000+ */
	size_t out_len;
};

struct guest *guest_create(const char *device, enum guest_mode mode,
			   struct guest_prog prog, enum backing backing);
void guest_destroy(struct guest *g);
/* Another vCPU in the same mode, at the same entry point. */
struct vcpu *guest_add_vcpu(struct guest *g, int id);
/*
 * A long-mode guest running intr64 (guest_code.S): a 256-vector IDT that
 * reports exceptions and interrupts on port 0x80, then @then, loaded at
 * GUEST_AFTER_IDT and entered with every other register as the test sets.
 */
#define GUEST_AFTER_IDT	0x3000	/* past intr64 and its 256 stubs */
struct guest *guest_create_with_idt(const char *device, struct guest_prog then);
/* A long-mode guest running print64 on @s (copied to GUEST_DATA). */
struct guest *guest_create_print64(const char *device, const char *s,
				   enum backing backing);
/* mmio16's real-mode setup: DS and SS past RAM, its address registers. */
void guest_setup_mmio16(struct guest *g);
/* Set to leave the vCPU's CPUID at the device's default. */
extern int guest_no_cpuid;
/*
 * Set to give new guests the in-kernel irqchip: 1 for KVM_CREATE_IRQCHIP,
 * GUEST_IRQCHIP_SPLIT for KVM_CAP_SPLIT_IRQCHIP with 24 IOAPIC routes.
 */
#define GUEST_IRQCHIP_SPLIT	2
extern int guest_irqchip;
/*
 * A guest_create_with_idt() guest with the in-kernel irqchip: @irqchip is
 * 1 for KVM_CREATE_IRQCHIP or GUEST_IRQCHIP_SPLIT.
 */
struct guest *guest_create_irqchip(struct guest_prog then, int irqchip);
/*
 * One KVM_RUN of @vcpu, for the irqchip tests: the port of an OUT (its
 * byte in *@data), else GUEST_EXIT(the exit reason).
 */
#define GUEST_EXIT(r)	(0x10000 | (r))
uint32_t guest_next_out(struct vcpu *vcpu, uint8_t *data);
/* Run until HLT, SHUTDOWN or an error exit; returns the exit reason. */
uint32_t guest_run(struct guest *g);
/* One KVM_RUN: record the exit and answer it as guest_run() would. */
uint32_t guest_step(struct guest *g);
/*
 * For guest_create_with_idt(): run to the first exception report (an OUT
 * to port 0x80: the vector) or to "survived" (an OUT to 0x81: 256); any
 * other final exit gives minus its reason.
 */
int guest_trap_outcome(struct guest *g);
/* EAX, EBX, ECX, EDX of CPUID(@leaf, @sub) in a cpuid64 guest. */
void guest_cpuid(struct guest *g, uint32_t leaf, uint32_t sub,
		 uint32_t out[4]);
void guest_get_regs(struct guest *g, struct kvm_regs *regs);
void guest_set_regs(struct guest *g, const struct kvm_regs *regs);
/* The test VMM's answer to MMIO read number @seq at @addr. */
uint64_t guest_read_value(uint32_t seq, uint64_t addr);
/* Byte @k of the stream of IN data the test VMM supplies. */
uint8_t guest_in_byte(uint64_t k);
void *vm_add_memory(struct vm *vm, uint32_t slot, uint64_t gpa, size_t size,
		    enum backing backing);
int vm_create_gmem(struct vm *vm, size_t size);
int have_device(const char *path);

#endif /* LVMM_SELFTEST_GUEST_H */
