// SPDX-License-Identifier: GPL-2.0
/*
 * Test guests: memory, processor mode and a recording run loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

int have_device(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int vm_create_gmem(struct vm *vm, size_t size)
{
	struct kvm_create_guest_memfd args = { .size = size };

	return ioctl(vm->fd, KVM_CREATE_GUEST_MEMFD, &args);
}

/*
 * lvmm's own memory (guest_memfd, mapped) unless the test or
 * $LVMM_BACKING=anon asks for anonymous memory; KVM gets anonymous memory,
 * since its guest_memfd cannot be mapped.
 */
void *vm_add_memory(struct vm *vm, uint32_t slot, uint64_t gpa, size_t size,
		    enum backing backing)
{
	struct kvm_userspace_memory_region2 region;
	const char *env = getenv("LVMM_BACKING");
	void *mem;
	int fd;

	if (backing == BACKING_DEFAULT)
		backing = strcmp(vm->device, KVM_DEV) && !(env && !strcmp(env, "anon")) ?
			  BACKING_GMEM : BACKING_ANON;
	if (backing == BACKING_ANON)
		return vm_add_anon_memory(vm, slot, gpa, size);

	fd = vm_create_gmem(vm, size);
	if (fd < 0)
		vmm_die("KVM_CREATE_GUEST_MEMFD of %zu bytes", size);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		vmm_die("mmap guest_memfd");
	region = (struct kvm_userspace_memory_region2){
		.slot = slot,
		.flags = KVM_MEM_GUEST_MEMFD,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)mem,
		.guest_memfd = fd,
	};
	vmm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION2, &region);
	close(fd);	/* the slot and the mapping keep it */
	return mem;
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type,
		    int code64, int db)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .l = code64, .db = db, .g = 1,
	};
}

static void setup_paging32(struct guest *g, struct kvm_sregs *sregs);
static void setup_long64(struct guest *g, struct kvm_sregs *sregs);
static void guest_set_cpuid(struct vcpu *vcpu);

static void setup_paging32(struct guest *g, struct kvm_sregs *sregs)
{
	uint32_t *pd = (uint32_t *)(g->mem + GUEST_PT);
	uint32_t *pt0 = (uint32_t *)(g->mem + GUEST_PT + 0x1000);
	uint32_t *pt1 = (uint32_t *)(g->mem + GUEST_PT + 0x2000);
	int i;

	/* 0-2 MiB identity; VA 0x80000000 -> PA GUEST_DATA. */
	for (i = 0; i < 512; i++)
		pt0[i] = (i << 12) | 3;
	pd[0] = (GUEST_PT + 0x1000) | 3;
	pt1[0] = GUEST_DATA | 3;
	pd[0x80000000 >> 22] = (GUEST_PT + 0x2000) | 3;
	sregs->cr3 = GUEST_PT;
	sregs->cr0 |= 0x80000000;
}

/* A GDT for what the descriptor caches hold: null, code64, data, code32. */
static void setup_gdt(struct guest *g, struct kvm_sregs *sregs)
{
	static const uint64_t gdt[] = {
		0, 0x00af9a000000ffffULL, 0x00cf92000000ffffULL,
		0x00cf9a000000ffffULL,
	};

	memcpy(g->mem + GUEST_GDT, gdt, sizeof(gdt));
	sregs->gdt.base = GUEST_GDT;
	sregs->gdt.limit = sizeof(gdt) - 1;
}

static void setup_long64(struct guest *g, struct kvm_sregs *sregs)
{
	uint64_t *pml4 = (uint64_t *)(g->mem + GUEST_PT);
	uint64_t *pdpt = (uint64_t *)(g->mem + GUEST_PT + 0x1000);
	int i, j;

	/* 0-4 GiB identity in 2 MiB pages: MMIO at 3 GiB is reachable. */
	pml4[0] = (GUEST_PT + 0x1000) | 3;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = (uint64_t *)(g->mem + GUEST_PT + 0x2000 + i * 0x1000);

		pdpt[i] = (GUEST_PT + 0x2000 + i * 0x1000) | 3;
		for (j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30) | ((uint64_t)j << 21) | 0x83;
	}
	sregs->cr3 = GUEST_PT;
	sregs->cr4 = 0x620;		/* PAE, OSFXSR, OSXMMEXCPT */
	sregs->cr0 = 0x80050033;	/* PG, WP, NE, ET, MP, PE */
	sregs->efer = 0x500;		/* LME, LMA */
	set_seg(&sregs->cs, 8, 11, 1, 0);
	set_seg(&sregs->ds, 16, 3, 0, 1);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	setup_gdt(g, sregs);
}

static void guest_set_cpuid(struct vcpu *vcpu)
{
	struct kvm_cpuid2 *cpuid;
	int n = 100;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		cpuid->nent = n;
		if (!ioctl(vcpu->vm->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid))
			break;
		if (errno != E2BIG)
			vmm_die("KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
		n *= 2;
	}
	vmm_ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
}

int guest_no_cpuid;
int guest_irqchip;

static void guest_setup_vcpu(struct guest *g, struct vcpu *vcpu)
{
	enum guest_mode mode = g->mode;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	/* KVM on AMD wants CPUID (with LM) before long-mode SREGS. */
	if (!guest_no_cpuid)
		guest_set_cpuid(vcpu);

	vmm_ioctl(vcpu->fd, KVM_GET_SREGS, &sregs);
	switch (mode) {
	case MODE_REAL:
		sregs.cs.base = 0;
		sregs.cs.selector = 0;
		break;
	case MODE_PAGING32:
	case MODE_PROT32:
		sregs.cr0 = 0x11;	/* PE, ET */
		setup_gdt(g, &sregs);
		set_seg(&sregs.cs, 0x18, 11, 0, 1);
		set_seg(&sregs.ds, 16, 3, 0, 1);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		if (mode == MODE_PAGING32)
			setup_paging32(g, &sregs);
		break;
	case MODE_LONG64:
		setup_long64(g, &sregs);
		break;
	}
	vmm_ioctl(vcpu->fd, KVM_SET_SREGS, &sregs);

	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE;
	regs.rflags = 2;
	regs.rsp = mode == MODE_REAL ? 0xf000 : GUEST_STACK;
	vmm_ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

struct vcpu *guest_add_vcpu(struct guest *g, int id)
{
	struct vcpu *vcpu = vcpu_create(g->vm, id);

	guest_setup_vcpu(g, vcpu);
	return vcpu;
}

struct guest *guest_create(const char *device, enum guest_mode mode,
			   struct guest_prog prog, enum backing backing)
{
	struct guest *g = calloc(1, sizeof(*g));

	if (!g)
		vmm_die("calloc");
	g->mode = mode;
	g->vm = vm_create(device);
	if (guest_irqchip == GUEST_IRQCHIP_SPLIT) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_SPLIT_IRQCHIP, .args[0] = 24,
		};

		vmm_ioctl(g->vm->fd, KVM_ENABLE_CAP, &cap);
	} else if (guest_irqchip) {
		vmm_ioctl(g->vm->fd, KVM_CREATE_IRQCHIP, NULL);
	}
	g->mem = vm_add_memory(g->vm, 0, 0, GUEST_MEM_SIZE, backing);
	memcpy(g->mem + GUEST_CODE, prog.code, prog.len);
	g->vcpu = vcpu_create(g->vm, 0);
	guest_setup_vcpu(g, g->vcpu);
	return g;
}

struct guest *guest_create_with_idt(const char *device, struct guest_prog then)
{
	struct guest *g = guest_create(device, MODE_LONG64, GUEST_PROG(intr64),
				       BACKING_DEFAULT);
	struct kvm_regs regs;

	memcpy(g->mem + GUEST_AFTER_IDT, then.code, then.len);
	guest_get_regs(g, &regs);
	regs.rbx = GUEST_AFTER_IDT;
	guest_set_regs(g, &regs);
	return g;
}

struct guest *guest_create_print64(const char *device, const char *s,
				   enum backing backing)
{
	struct guest *g = guest_create(device, MODE_LONG64, GUEST_PROG(print64),
				       backing);
	struct kvm_regs regs;

	strcpy((char *)g->mem + GUEST_DATA, s);
	guest_get_regs(g, &regs);
	regs.rsi = GUEST_DATA;
	guest_set_regs(g, &regs);
	return g;
}

void guest_setup_mmio16(struct guest *g)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vmm_ioctl(g->vcpu->fd, KVM_GET_SREGS, &sregs);
	sregs.ds.base = sregs.ss.base = GUEST_MEM_SIZE;
	vmm_ioctl(g->vcpu->fd, KVM_SET_SREGS, &sregs);
	guest_get_regs(g, &regs);
	regs.rax = 0xbeef;
	regs.rbx = 0x100;
	regs.rsi = 0x20;
	regs.rbp = 0x200;
	regs.rdi = 0x30;
	regs.rdx = 0x1111;
	guest_set_regs(g, &regs);
}

void guest_destroy(struct guest *g)
{
	vcpu_destroy(g->vcpu);
	vm_destroy(g->vm);
	free(g);
}

void guest_get_regs(struct guest *g, struct kvm_regs *regs)
{
	vmm_ioctl(g->vcpu->fd, KVM_GET_REGS, regs);
}

void guest_set_regs(struct guest *g, const struct kvm_regs *regs)
{
	vmm_ioctl(g->vcpu->fd, KVM_SET_REGS, (void *)regs);
}

uint8_t guest_in_byte(uint64_t k)
{
	return (k * 31 + 7) ^ (k >> 8);
}

uint64_t guest_read_value(uint32_t seq, uint64_t addr)
{
	return 0x0102030405060708ULL * (seq + 1) ^ (addr << 3);
}

static void record(struct guest *g, const struct exit_rec *rec)
{
	if (g->nexits < MAX_EXITS)
		g->exits[g->nexits] = *rec;
	g->nexits++;
}

static void handle_io(struct guest *g, struct exit_rec *rec)
{
	struct kvm_run *run = g->vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	size_t bytes = (size_t)run->io.size * run->io.count, i;

	rec->port = run->io.port;
	rec->dir = run->io.direction;
	rec->size = run->io.size;
	rec->count = run->io.count;
	if (run->io.direction == KVM_EXIT_IO_OUT) {
		memcpy(&rec->data, data, bytes < 8 ? bytes : 8);
		if (run->io.port == CONSOLE_PORT) {
			for (i = 0; i < bytes && g->console_len < sizeof(g->console) - 1; i++)
				g->console[g->console_len++] = data[i];
		} else if (g->out_len + bytes <= sizeof(g->out_data)) {
			memcpy(g->out_data + g->out_len, data, bytes);
			g->out_len += bytes;
		}
	} else {
		/* One stream for all INs, however the device batches them. */
		for (i = 0; i < bytes; i++)
			data[i] = guest_in_byte(g->in_bytes++);
		memcpy(&rec->data, data, bytes < 8 ? bytes : 8);
	}
}

static void handle_mmio(struct guest *g, struct exit_rec *rec)
{
	struct kvm_run *run = g->vcpu->run;
	uint64_t v;

	rec->addr = run->mmio.phys_addr;
	rec->len = run->mmio.len;
	rec->is_write = run->mmio.is_write;
	if (run->mmio.is_write) {
		memcpy(&rec->data, run->mmio.data, run->mmio.len);
	} else {
		v = guest_read_value(g->seq++, run->mmio.phys_addr);
		memcpy(run->mmio.data, &v, sizeof(v));
		rec->data = 0;
		memcpy(&rec->data, &v, run->mmio.len);
	}
}

uint32_t guest_step(struct guest *g)
{
	struct kvm_run *run = g->vcpu->run;
	struct exit_rec rec = {};

	vcpu_run(g->vcpu);
	rec.reason = run->exit_reason;
	if (run->exit_reason == KVM_EXIT_IO)
		handle_io(g, &rec);
	else if (run->exit_reason == KVM_EXIT_MMIO)
		handle_mmio(g, &rec);
	record(g, &rec);
	return run->exit_reason;
}

int guest_trap_outcome(struct guest *g)
{
	struct kvm_run *run = g->vcpu->run;
	uint32_t reason;

	for (;;) {
		reason = guest_step(g);
		if (reason == KVM_EXIT_MMIO)
			continue;
		if (reason != KVM_EXIT_IO)
			return -(int)reason;
		if (run->io.direction != KVM_EXIT_IO_OUT)
			continue;
		if (run->io.port == 0x80)
			return *((uint8_t *)run + run->io.data_offset);
		if (run->io.port == 0x81)
			return 256;
	}
}

struct guest *guest_create_irqchip(struct guest_prog then, int irqchip)
{
	struct guest *g;

	guest_irqchip = irqchip;
	g = guest_create_with_idt(vmm_device(), then);
	guest_irqchip = 0;
	return g;
}

uint32_t guest_next_out(struct vcpu *vcpu, uint8_t *data)
{
	struct kvm_run *run = vcpu->run;

	vcpu_run(vcpu);
	if (run->exit_reason == KVM_EXIT_IO) {
		*data = *((uint8_t *)run + run->io.data_offset);
		return run->io.port;
	}
	return GUEST_EXIT(run->exit_reason);
}

uint32_t guest_run(struct guest *g)
{
	uint32_t reason;

	do {
		reason = guest_step(g);
	} while (reason == KVM_EXIT_IO || reason == KVM_EXIT_MMIO);
	return reason;
}

/*
 * The halted cpuid64 guest runs CPUID once more from the start: how the
 * guest, rather than KVM_GET_CPUID2, sees leaf @leaf, subleaf @sub.
 */
void guest_cpuid(struct guest *g, uint32_t leaf, uint32_t sub,
		 uint32_t out[4])
{
	struct kvm_regs regs;

	guest_get_regs(g, &regs);
	regs.rip = GUEST_CODE;
	regs.rdi = leaf;
	regs.rsi = sub;
	guest_set_regs(g, &regs);
	g->nexits = 0;
	if (guest_run(g) != KVM_EXIT_HLT)
		vmm_die("cpuid guest: exit %s",
			exit_reason_str(g->vcpu->run->exit_reason));
	guest_get_regs(g, &regs);
	out[0] = regs.rax;
	out[1] = regs.rbx;
	out[2] = regs.rcx;
	out[3] = regs.rdx;
}
