// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm run: load a guest image and run it, one thread per vCPU, with a
 * serial console on stdio.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "cli.h"

#define MAX_CPUS	64
#define CTRL_A		0x01

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	bool running;
	uint64_t exits[KVM_EXIT_MEMORY_FAULT + 1];
};

struct vm {
	const char *device;
	int sys_fd;
	int fd;
	uint8_t *mem;
	uint64_t mem_size;
	int nr_cpus;
	struct image img;
	struct uart uart;
	struct vcpu cpus[MAX_CPUS];
	pthread_mutex_t lock;		/* @done, @status, vCPU start */
	pthread_cond_t cond;
	bool done;
	int status;
	const char *why;		/* how the guest ended, for people */
	bool quiet;
};

static struct vm *the_vm;

static void vm_finish(struct vm *vm, int status)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->done) {
		vm->done = true;
		vm->status = status;
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

static void on_signal(int sig)
{
	/* Only async-signal-safe work: mark, and let the main thread act. */
	if (the_vm && !the_vm->done) {
		the_vm->done = true;
		the_vm->status = 128 + sig;
	}
}

static void on_kick(int sig)
{
}

static void start_cpu(struct vm *vm, unsigned int id)
{
	if (id >= (unsigned int)vm->nr_cpus)
		return;
	pthread_mutex_lock(&vm->lock);
	vm->cpus[id].started = true;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

/* The platform's power ports (Documentation/platform.rst). */
static bool power_port(struct vm *vm, uint16_t port, uint32_t v)
{
	if (port == PORT_ACPI_SLEEP_CONTROL) {
		if (!(v & SLEEP_ENABLE) || ((v >> 2) & 7) != ACPI_S5_SLEEP_TYPE)
			return true;	/* only S5 exists */
		vm->why = "powered off";
	} else if (port == PORT_RESET) {
		if (!(v & 0x04))	/* the reset bit of 0xcf9 */
			return true;
		vm->why = "rebooted";
	} else if (port == PORT_I8042_COMMAND) {
		if (v != I8042_RESET)
			return true;
		vm->why = "rebooted";
	} else {
		return false;
	}
	vm_finish(vm, CLI_OK);
	return true;
}

static void handle_io(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool in = run->io.direction == KVM_EXIT_IO_IN;
	uint16_t port = run->io.port;
	uint32_t i, v = 0;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (port >= UART_BASE && port < UART_BASE + 8 && run->io.size == 1) {
			uart_io(&c->vm->uart, port, in, data);
		} else if (!in && port == LVMM_PORT_EXIT) {
			memcpy(&v, data, run->io.size);
			vm_finish(c->vm, v & 0xff);
		} else if (!in && port == LVMM_PORT_START_CPU) {
			memcpy(&v, data, run->io.size);
			start_cpu(c->vm, v);
		} else if (!in && run->io.size == 1 &&
			   power_port(c->vm, port, *data)) {
			continue;
		} else if (in) {
			memset(data, 0xff, run->io.size);	/* nothing there */
		}
	}
}

/* Block until the VM ends: a halted vCPU with interrupts on idles. */
static void idle(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	while (!vm->done)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
}

static void report(struct vcpu *c, const char *what)
{
	struct kvm_regs regs;

	if (ioctl(c->fd, KVM_GET_REGS, &regs))
		memset(&regs, 0, sizeof(regs));
	fprintf(stderr, "\r\nlvmm: vCPU %d: %s at rip 0x%llx\r\n", c->id, what,
		(unsigned long long)regs.rip);
}

/*
 * Fault in some stack now: a guest that fills its memory cgroup leaves no
 * room for it later, and the error report must not be what gets killed.
 */
static void prefault_stack(void)
{
	volatile char pad[64 * 1024];

	memset((char *)pad, 0, sizeof(pad));
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct vm *vm = c->vm;
	struct kvm_run *run = c->run;
	struct kvm_regs regs;

	prefault_stack();
	pthread_mutex_lock(&vm->lock);
	while (!c->started && !vm->done)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);

	while (!vm->done) {
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EBUSY)
				fprintf(stderr, "\r\nlvmm: vCPU %d: another hypervisor (kvm_amd?) holds SVM on this CPU; unload it, or load kvm with enable_virt_at_load=0\r\n",
					c->id);
			else if (errno == ENOMEM)
				fprintf(stderr, "\r\nlvmm: vCPU %d: KVM_RUN: %s: no memory for the guest (memory cgroup limit?)\r\n",
					c->id, strerror(errno));
			else
				fprintf(stderr, "\r\nlvmm: vCPU %d: KVM_RUN: %s\r\n",
					c->id, strerror(errno));
			vm_finish(vm, errno == EBUSY ? CLI_FAIL_ENTRY :
				  errno == ENOMEM || errno == EFAULT ? CLI_OSERR :
				  CLI_INTERNAL);
			break;
		}
		if (run->exit_reason < sizeof(c->exits) / sizeof(c->exits[0]))
			c->exits[run->exit_reason]++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(c);
			break;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)	/* no device: all ones */
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			break;
		case KVM_EXIT_HLT:
			if (ioctl(c->fd, KVM_GET_REGS, &regs) == 0 &&
			    (regs.rflags & 0x200)) {
				idle(vm);	/* no interrupt will ever come */
			} else if (c->id == 0) {
				vm_finish(vm, CLI_OK);
			} else {
				return NULL;	/* an AP is done */
			}
			break;
		case KVM_EXIT_SHUTDOWN:
			report(c, "triple fault");
			vm_finish(vm, CLI_TRIPLE_FAULT);
			break;
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "\r\nlvmm: vCPU %d: the CPU refused the guest state (reason 0x%llx)\r\n",
				c->id, (unsigned long long)
				run->fail_entry.hardware_entry_failure_reason);
			vm_finish(vm, CLI_FAIL_ENTRY);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			fprintf(stderr, "\r\nlvmm: vCPU %d: internal error %u (data 0x%llx)\r\n",
				c->id, run->internal.suberror,
				(unsigned long long)(run->internal.ndata ?
						     run->internal.data[0] : 0));
			vm_finish(vm, CLI_INTERNAL);
			break;
		default:
			report(c, "unexpected exit");
			vm_finish(vm, CLI_INTERNAL);
			break;
		}
	}
	return NULL;
}

/* stdin -> UART; Ctrl-A x ends the VM, Ctrl-A Ctrl-A sends Ctrl-A. */
static void *console_thread(void *arg)
{
	struct vm *vm = arg;
	bool escape = false;
	uint8_t buf[256], out[256];
	ssize_t n, i, m;

	while (!vm->done && (n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		for (i = 0, m = 0; i < n; i++) {
			if (escape) {
				escape = false;
				if (buf[i] == 'x') {
					vm_finish(vm, CLI_OK);
					return NULL;
				}
				if (buf[i] != CTRL_A)
					continue;
			} else if (buf[i] == CTRL_A) {
				escape = true;
				continue;
			}
			out[m++] = buf[i];
		}
		uart_receive(&vm->uart, out, m);
	}
	return NULL;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G': case 'g': v <<= 30; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'K': case 'k': v <<= 10; end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static void run_usage(FILE *f)
{
	fprintf(f,
"usage: lvmm run [OPTIONS] IMAGE\n"
"       lvmm run [OPTIONS] --kernel BZIMAGE [--initrd FILE]\n"
"\n"
"Run a guest image with a serial console (16550A at 0x3f8) on stdio.\n"
"IMAGE is a static ELF (32-bit: protected mode, 64-bit: long mode) or a\n"
"flat binary. --kernel boots a Linux bzImage on lvmm's ACPI platform\n"
"(Documentation/platform.rst). Ctrl-A x quits.\n"
"\n"
"  -m, --memory SIZE    guest RAM, with K/M/G suffix (default 64M, min 1M;\n"
"                       256M with --kernel)\n"
"  -c, --cpus N         vCPUs (default 1); the others start halted\n"
"      --kernel FILE    boot this Linux bzImage (64-bit boot protocol)\n"
"      --initrd FILE    initramfs for --kernel\n"
"      --name NAME      name shown in lvmm ps and sysfs (lvmm only)\n"
"      --device PATH    VMM device (default " LVMM_DEVICE_PATH "; /dev/kvm works)\n"
"      --share[=GROUP]  let lvmm merge identical pages with the VMs of share\n"
"                       group GROUP, 1 to 4294967295 (default 1); on another\n"
"                       device, hand guest memory to KSM (no GROUP there)\n"
"      --cmdline STR    command line handed to the guest (with --kernel,\n"
"                       default \"console=ttyS0\")\n"
"      --load ADDR      flat binary: load and entry address (default 0x1000)\n"
"      --mode MODE      flat binary: real, protected or long (default real)\n"
"      --stats          print the exit counters when the guest ends\n"
"  -q, --quiet          no messages from lvmm itself\n"
"  -h, --help           this text\n"
"\n"
"Exit status: the guest's (port 0x500), 0 on HLT with interrupts off,\n"
"0 when a Linux guest powers off or reboots,\n"
"80 triple fault, 81 failed entry, 82 internal error, 64 bad option,\n"
"65 bad image, 66 unreadable image, 69 no device, 71 system error,\n"
"77 permission denied. See Documentation/cli.rst.\n");
}

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
 * --share[=GROUP]: a decimal group of 1 to 2^32-1. strtoul alone would take
 * "-1", " 7" or "0x10", so insist on digits; 0 is LVMM_SHARE_NONE, which
 * would silently mean "do not share".
 */
static int parse_share_group(const char *s, uint32_t *group)
{
	unsigned long v;
	char *end;

	if (!s) {
		*group = 1;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == LVMM_SHARE_NONE || v > UINT32_MAX)
		return -1;
	*group = v;
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

static void print_stats(struct vm *vm)
{
	static const char *const names[] = {
		[KVM_EXIT_IO] = "io", [KVM_EXIT_MMIO] = "mmio",
		[KVM_EXIT_HLT] = "hlt", [KVM_EXIT_SHUTDOWN] = "shutdown",
		[KVM_EXIT_INTR] = "intr",
	};
	int i;
	unsigned int r;

	fprintf(stderr, "lvmm: exits to the VMM, per vCPU:\n");
	for (i = 0; i < vm->nr_cpus; i++) {
		fprintf(stderr, "  vcpu%d:", i);
		for (r = 0; r < sizeof(names) / sizeof(names[0]); r++)
			if (names[r])
				fprintf(stderr, " %s=%llu", names[r],
					(unsigned long long)vm->cpus[i].exits[r]);
		fprintf(stderr, "\n");
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'N' },
		{ "device", required_argument, NULL, 'd' },
		{ "cmdline", required_argument, NULL, 'C' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "load", required_argument, NULL, 'L' },
		{ "mode", required_argument, NULL, 'M' },
		{ "share", optional_argument, NULL, 'G' },
		{ "stats", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct vm *vm = calloc(1, sizeof(*vm));
	const char *name = NULL, *cmdline = NULL, *image = NULL;
	struct linux_boot lb = {};
	bool mem_given = false;
	enum cpu_mode flat_mode = MODE_REAL;
	uint64_t flat_addr = 0x1000;
	uint32_t share = LVMM_SHARE_NONE;
	struct sigaction sa = {};
	bool stats = false, is_lvmm, share_group_given = false;
	pthread_t console;
	int c, i, ret, code;
	char *end;

	if (!vm)
		return CLI_OSERR;
	vm->device = LVMM_DEVICE_PATH;
	vm->mem_size = 64 << 20;
	vm->nr_cpus = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:c:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mem_given = true;
			if (parse_size(optarg, &vm->mem_size) ||
			    vm->mem_size < (1 << 20) || vm->mem_size & 0xfff ||
			    vm->mem_size > (1ULL << 40)) {
				fprintf(stderr, "lvmm run: --memory '%s': give a size of 1M to 1T, a multiple of 4K, like 64M\n",
					optarg);
				return CLI_USAGE;
			}
			break;
		case 'c':
			vm->nr_cpus = strtol(optarg, &end, 10);
			if (*end || vm->nr_cpus < 1 || vm->nr_cpus > MAX_CPUS) {
				fprintf(stderr, "lvmm run: --cpus '%s': give 1 to %d\n",
					optarg, MAX_CPUS);
				return CLI_USAGE;
			}
			break;
		case 'N':
			name = optarg;
			break;
		case 'd':
			vm->device = optarg;
			break;
		case 'C':
			cmdline = optarg;
			break;
		case 'K':
			lb.kernel = optarg;
			break;
		case 'I':
			lb.initrd = optarg;
			break;
		case 'L':
			if (parse_size(optarg, &flat_addr)) {
				fprintf(stderr, "lvmm run: --load '%s': not an address\n",
					optarg);
				return CLI_USAGE;
			}
			break;
		case 'M':
			if (!strcmp(optarg, "real"))
				flat_mode = MODE_REAL;
			else if (!strcmp(optarg, "protected"))
				flat_mode = MODE_PROTECTED;
			else if (!strcmp(optarg, "long"))
				flat_mode = MODE_LONG;
			else {
				fprintf(stderr, "lvmm run: --mode '%s': use real, protected or long\n",
					optarg);
				return CLI_USAGE;
			}
			break;
		case 'G':
			share_group_given = optarg;
			if (parse_share_group(optarg, &share)) {
				fprintf(stderr, "lvmm run: --share '%s': give a group number from 1 to %u, like --share=1\n",
					optarg, UINT32_MAX);
				return CLI_USAGE;
			}
			break;
		case 'S':
			stats = true;
			break;
		case 'q':
			vm->quiet = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (lb.kernel && optind != argc) {
		fprintf(stderr, "lvmm run: an IMAGE and --kernel: give one of them\n");
		return CLI_USAGE;
	}
	if (!lb.kernel && optind != argc - 1) {
		fprintf(stderr, "lvmm run: %s\n", optind == argc ?
			"no IMAGE given" : "more than one IMAGE given");
		run_usage(stderr);
		return CLI_USAGE;
	}
	if (lb.initrd && !lb.kernel) {
		fprintf(stderr, "lvmm run: --initrd needs --kernel\n");
		return CLI_USAGE;
	}
	if (lb.kernel) {
		lb.cmdline = cmdline ? cmdline : "console=ttyS0";
		if (!mem_given)
			vm->mem_size = 256 << 20;
	} else {
		image = argv[optind];
		if (!cmdline)
			cmdline = "";
	}

	vm->sys_fd = open_device(vm->device, &code);
	if (vm->sys_fd < 0)
		return code;
	/* Only lvmm answers its own ioctls; KVM says ENOTTY. */
	is_lvmm = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD) > 0 &&
		  !access(LVMM_SYSFS, F_OK) && strcmp(vm->device, "/dev/kvm");
	if (share && !is_lvmm && share_group_given) {
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
	if (name && is_lvmm) {
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
	}
	if (share && is_lvmm) {
		code = join_share_group(vm, share);
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
	if (share && !is_lvmm && madvise(vm->mem, vm->mem_size, MADV_MERGEABLE)) {
		fprintf(stderr, "lvmm run: --share on %s: madvise(MADV_MERGEABLE): %s%s\n",
			vm->device, strerror(errno),
			errno == EINVAL ? " (a kernel without KSM?)" : "");
		return CLI_OSERR;
	}
	if (lb.kernel) {
		code = linux_load(&lb, vm->mem, vm->mem_size, vm->nr_cpus,
				  &vm->img);
		if (code)
			return code;
		/* The local APICs and the IOAPIC; before any vCPU. */
		if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)) {
			fprintf(stderr, "lvmm: KVM_CREATE_IRQCHIP on %s: %s\n",
				vm->device, strerror(errno));
			return CLI_OSERR;
		}
	} else {
		code = load_image(image, vm->mem, vm->mem_size, flat_mode,
				  flat_addr, &vm->img);
		if (code)
			return code;
		code = boot_setup_memory(vm->mem, vm->mem_size, vm->nr_cpus,
					 cmdline);
		if (code)
			return code;
	}

	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	uart_init(&vm->uart, STDOUT_FILENO);
	if (lb.kernel) {
		uart_set_irq(&vm->uart, uart_irq, vm);
		uart_pace_input(&vm->uart);
	}
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *cpu = &vm->cpus[i];
		long sz = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

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
		} else if (lb.kernel) {
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
	}

	the_vm = vm;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_kick;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns */

	console_raw();
	/* A Linux guest's APs wait in the kernel for INIT and SIPI. */
	for (i = 0; i < (lb.kernel ? vm->nr_cpus : 1); i++)
		vm->cpus[i].started = true;
	for (i = 0; i < vm->nr_cpus; i++) {
		if (pthread_create(&vm->cpus[i].thread, NULL, vcpu_thread,
				   &vm->cpus[i])) {
			fprintf(stderr, "lvmm: cannot start vCPU thread %d\n", i);
			vm_finish(vm, CLI_OSERR);
			break;
		}
		vm->cpus[i].running = true;
	}
	if (pthread_create(&console, NULL, console_thread, vm) == 0)
		pthread_detach(console);

	/* Wait for the end; a signal handler may set done without a wakeup. */
	pthread_mutex_lock(&vm->lock);
	while (!vm->done) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&vm->cond, &vm->lock, &ts);
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);

	/* Pull every vCPU out of KVM_RUN and wait for it. */
	for (i = 0; i < vm->nr_cpus; i++) {
		if (!vm->cpus[i].running)
			continue;
		while (pthread_tryjoin_np(vm->cpus[i].thread, NULL) == EBUSY) {
			pthread_kill(vm->cpus[i].thread, SIGUSR1);
			usleep(1000);
		}
	}
	console_restore();
	if (stats)
		print_stats(vm);
	if (!vm->quiet && vm->status >= 128)
		fprintf(stderr, "lvmm: stopped by signal %d\n", vm->status - 128);
	else if (!vm->quiet && vm->why)
		fprintf(stderr, "lvmm: the guest %s\n", vm->why);
	return vm->status;
}
