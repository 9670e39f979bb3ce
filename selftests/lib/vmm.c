// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest library: VM and vCPU helpers over the KVM ioctl ABI.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "vmm.h"

void __vmm_die(const char *file, int line, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": errno %d (%s)\n", err, strerror(err));
	exit(1);
}

const char *vmm_device(void)
{
	const char *dev = getenv("LVMM_DEVICE");

	return dev && *dev ? dev : LVMM_DEV;
}

int vmm_is_kvm(void)
{
	return !strcmp(vmm_device(), KVM_DEV);
}

int __vmm_open(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

int vmm_open(const char *path)
{
	int fd = __vmm_open(path);

	if (fd < 0)
		vmm_die("open %s", path);
	return fd;
}

struct vm *vm_create(const char *device)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		vmm_die("calloc");
	vm->device = device;
	vm->sys_fd = vmm_open(device);
	vm->fd = vmm_ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	return vm;
}

void vm_destroy(struct vm *vm)
{
	close(vm->fd);
	close(vm->sys_fd);
	free(vm);
}

void *vm_add_anon_memory(struct vm *vm, uint32_t slot, uint64_t gpa,
			 size_t size)
{
	struct kvm_userspace_memory_region region;
	void *mem;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		vmm_die("mmap %zu bytes", size);
	region = (struct kvm_userspace_memory_region){
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};
	vmm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region);
	return mem;
}

struct vcpu *vcpu_create_bare(struct vm *vm, int id)
{
	struct vcpu *vcpu = calloc(1, sizeof(*vcpu));
	void *run;

	if (!vcpu)
		vmm_die("calloc");
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = vmm_ioctl(vm->fd, KVM_CREATE_VCPU, id);
	vcpu->run_size = vmm_ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED)
		vmm_die("mmap kvm_run of vCPU %d", id);
	vcpu->run = run;
	return vcpu;
}

/*
 * With an in-kernel irqchip an AP starts UNINITIALIZED, waiting for INIT
 * and SIPI. Like KVM's selftest library, make every vCPU runnable: the
 * tests start each one at the registers they set.
 */
struct vcpu *vcpu_create(struct vm *vm, int id)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct vcpu *vcpu = vcpu_create_bare(vm, id);

	vmm_ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp);
	return vcpu;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
	free(vcpu);
}

int __vcpu_run(struct vcpu *vcpu)
{
	return ioctl(vcpu->fd, KVM_RUN, 0);
}

static void on_alarm(int sig)
{
}

int __vcpu_run_alarm(struct vcpu *vcpu, long usec)
{
	struct itimerval t = { .it_value.tv_usec = usec };
	struct sigaction sa = { .sa_handler = on_alarm };

	/* No SA_RESTART: the signal must end KVM_RUN with EINTR. */
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &t, NULL))
		vmm_die("arming SIGALRM");
	return __vcpu_run(vcpu);
}

void vcpu_run(struct vcpu *vcpu)
{
	int r;

	do {
		r = __vcpu_run(vcpu);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		vmm_die("KVM_RUN on vCPU %d", vcpu->id);
}

void vcpu_setup_real_mode(struct vcpu *vcpu, uint64_t rip)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vmm_ioctl(vcpu->fd, KVM_GET_SREGS, &sregs);
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	vmm_ioctl(vcpu->fd, KVM_SET_SREGS, &sregs);
	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rflags = 0x2;
	vmm_ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

struct kvm_cpuid_entry2 *cpuid_leaf(struct cpuid_table *t, uint32_t function)
{
	uint32_t i;

	for (i = 0; i < t->hdr.nent; i++)
		if (t->e[i].function == function && !t->e[i].index)
			return &t->e[i];
	return NULL;
}

const char *exit_reason_str(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN",
		[KVM_EXIT_IO] = "IO",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "?";
}

long read_sysfs_num(const char *dir, const char *name)
{
	char path[1024], buf[32];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

uint64_t eventfd_take(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}
