// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm run's VM: the device, guest memory (module-owned on lvmm, anonymous
 * elsewhere), page sharing, the guest image or Linux kernel, and the vCPUs
 * at their boot state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "cli.h"
#include "run_vm.h"

static int setup_memory(struct vm *vm, bool own_memory)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = 0, .memory_size = vm->mem_size,
	};
	struct kvm_create_guest_memfd gm = { .size = vm->mem_size };
	int gfd = -1;

	if (own_memory) {
		gfd = ioctl(vm->fd, KVM_CREATE_GUEST_MEMFD, &gm);
		if (gfd < 0)
			return -errno;
		vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, gfd, 0);
		r.flags = KVM_MEM_GUEST_MEMFD;
		r.guest_memfd = gfd;
	} else {
		/* KVM's guest_memfd cannot be mapped: plain anonymous memory. */
		vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (vm->mem == MAP_FAILED) {
		if (gfd >= 0)
			close(gfd);
		return -errno;
	}
	r.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->fd, own_memory ? KVM_SET_USER_MEMORY_REGION2 :
		  KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	if (gfd >= 0)
		close(gfd);
	return 0;
}

/*
 * Join share group @group. Only lvmm has the ioctl, and the scanner merges
 * only memory the module owns (guest_memfd), which lvmm run uses on lvmm.
 */
static int join_share_group(struct vm *vm, uint32_t group)
{
	struct lvmm_share_group sg = { .group = group };
	int err;

	if (!ioctl(vm->fd, LVMM_SET_SHARE_GROUP, &sg))
		return 0;
	err = errno;	/* fprintf may change errno */
	/* ENOTTY: a module from before page sharing. */
	fprintf(stderr, "lvmm run: --share=%u: LVMM_SET_SHARE_GROUP: %s%s\n",
		group, strerror(err),
		err == ENOTTY ? " (this lvmm.ko has no page sharing)" : "");
	return err == EPERM || err == EACCES ? CLI_NOPERM : CLI_OSERR;
}

/* COM1's interrupt line, wired to IOAPIC pin UART_GSI. */
static void uart_irq(void *ctx, bool level)
{
	struct vm *vm = ctx;
	struct kvm_irq_level irq = { .irq = UART_GSI, .level = level };

	if (ioctl(vm->fd, KVM_IRQ_LINE, &irq))
		fprintf(stderr, "\r\nlvmm: KVM_IRQ_LINE %u: %s\r\n", UART_GSI,
			strerror(errno));
}

static int setup_linux_vcpu(struct vm *vm, struct vcpu *cpu)
{
	int ret = boot_set_cpuid(vm->sys_fd, cpu->fd, cpu->id);

	if (!ret && cpu->id == 0)
		ret = linux_setup_bsp(cpu->fd, &vm->img);
	return ret;
}

/* --name: only lvmm names VMs. */
static int set_name(struct vm *vm, const char *name)
{
	struct lvmm_vm_name n = {};

	if (strlen(name) >= sizeof(n.name)) {
		fprintf(stderr, "lvmm run: --name '%s': at most %zu characters\n",
			name, sizeof(n.name) - 1);
		return CLI_USAGE;
	}
	strcpy(n.name, name);
	if (ioctl(vm->fd, LVMM_SET_VM_NAME, &n)) {
		fprintf(stderr, "lvmm run: --name '%s': %s (letters, digits, '.', '_', '-')\n",
			name, strerror(errno));
		return CLI_USAGE;
	}
	return 0;
}

/* Guest memory and, with --share, the way to share it on this device. */
static int setup_shared_memory(struct vm *vm, const struct run_config *cfg,
			       bool is_lvmm)
{
	int ret, code;

	if (cfg->share && is_lvmm) {
		code = join_share_group(vm, cfg->share);
		if (code)
			return code;
	}
	ret = setup_memory(vm, is_lvmm);
	if (ret) {
		fprintf(stderr, "lvmm: cannot set up %llu MiB of guest memory: %s\n",
			(unsigned long long)(vm->mem_size >> 20), strerror(-ret));
		return CLI_OSERR;
	}
	/* Elsewhere guest memory is anonymous: KSM can merge it. */
	if (cfg->share && !is_lvmm &&
	    madvise(vm->mem, vm->mem_size, MADV_MERGEABLE)) {
		fprintf(stderr, "lvmm run: --share on %s: madvise(MADV_MERGEABLE): %s%s\n",
			vm->device, strerror(errno),
			errno == EINVAL ? " (a kernel without KSM?)" : "");
		return CLI_OSERR;
	}
	return 0;
}

/* The guest into memory: a Linux kernel with its platform, or IMAGE. */
static int load_guest(struct vm *vm, const struct run_config *cfg)
{
	int code;

	if (cfg->lb.kernel) {
		code = linux_load(&cfg->lb, vm->mem, vm->mem_size, vm->nr_cpus,
				  &vm->img);
		if (code)
			return code;
		/* The local APICs and the IOAPIC; before any vCPU. */
		if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)) {
			fprintf(stderr, "lvmm: KVM_CREATE_IRQCHIP on %s: %s\n",
				vm->device, strerror(errno));
			return CLI_OSERR;
		}
		return 0;
	}
	code = load_image(cfg->image, vm->mem, vm->mem_size, cfg->flat_mode,
			  cfg->flat_addr, &vm->img);
	if (code)
		return code;
	return boot_setup_memory(vm->mem, vm->mem_size, vm->nr_cpus,
				 cfg->cmdline);
}

static int create_vcpu(struct vm *vm, int i)
{
	struct vcpu *cpu = &vm->cpus[i];
	long sz = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	int ret;

	cpu->vm = vm;
	cpu->id = i;
	cpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, i);
	if (cpu->fd < 0 || sz <= 0) {
		fprintf(stderr, "lvmm: KVM_CREATE_VCPU %d: %s\n", i,
			strerror(errno));
		return CLI_OSERR;
	}
	cpu->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED,
			cpu->fd, 0);
	if (cpu->run == MAP_FAILED) {
		ret = -errno;
	} else if (vm->img.mode == MODE_LINUX) {
		ret = setup_linux_vcpu(vm, cpu);
	} else {
		ret = boot_setup_vcpu(vm->sys_fd, cpu->fd, &vm->img, i,
				      vm->mem_size);
		/* Our guests' APs start at their registers, not by SIPI. */
		if (!ret && ioctl(cpu->fd, KVM_SET_MP_STATE,
				  &(struct kvm_mp_state){ KVM_MP_STATE_RUNNABLE }))
			ret = -errno;
	}
	if (ret) {
		fprintf(stderr, "lvmm: cannot set up vCPU %d: %s\n", i,
			strerror(-ret));
		return CLI_OSERR;
	}
	return 0;
}

/* The virtio devices, in slot order: the disks, then the rng. */
static int add_virtio(struct vm *vm, const struct run_config *cfg)
{
	struct virtio_dev *dev;
	int i, code;

	for (i = 0; i < cfg->nr_disks + cfg->rng; i++) {
		dev = &vm->virtio[vm->nr_virtio];
		if (i < cfg->nr_disks) {
			code = virtio_blk_open(dev, cfg->disks[i], i);
			if (code)
				return code;
		}
		if (virtio_pci_add(dev, i < cfg->nr_disks ? &virtio_blk_ops : &virtio_rng_ops,
				   &vm->pci, vm->fd, vm->mem, vm->mem_size))
			return CLI_OSERR;
		vm->nr_virtio++;
	}
	return 0;
}

int vm_setup(struct vm *vm, const struct run_config *cfg)
{
	bool is_lvmm;
	int i, code;

	vm->device = cfg->device;
	vm->mem_size = cfg->mem_size;
	vm->nr_cpus = cfg->nr_cpus;
	vm->quiet = cfg->quiet;
	vm->name = cfg->name;
	vm->sys_fd = open_device(vm->device, &code);
	if (vm->sys_fd < 0)
		return code;
	/* Only lvmm answers its own ioctls; KVM says ENOTTY. */
	is_lvmm = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD) > 0 &&
		  !access(LVMM_SYSFS, F_OK) && strcmp(vm->device, "/dev/kvm");
	if (cfg->share && !is_lvmm && cfg->share_group_given) {
		fprintf(stderr, "lvmm run: --share=GROUP: %s is not lvmm, and KSM has no share groups; give --share alone\n",
			vm->device);
		return CLI_USAGE;
	}
	vm->fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		fprintf(stderr, "lvmm: KVM_CREATE_VM on %s: %s\n", vm->device,
			strerror(errno));
		return CLI_OSERR;
	}
	if (cfg->name && is_lvmm) {
		code = set_name(vm, cfg->name);
		if (code)
			return code;
	}
	code = setup_shared_memory(vm, cfg, is_lvmm);
	if (code)
		return code;
	code = load_guest(vm, cfg);
	if (code)
		return code;

	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	uart_init(&vm->uart, STDOUT_FILENO);
	if (vm->img.mode == MODE_LINUX) {
		pci_init(&vm->pci);
		code = add_virtio(vm, cfg);
		if (code)
			return code;
		uart_set_irq(&vm->uart, uart_irq, vm);
		uart_pace_input(&vm->uart);
	}
	for (i = 0; i < vm->nr_cpus; i++) {
		code = create_vcpu(vm, i);
		if (code)
			return code;
	}
	return 0;
}
