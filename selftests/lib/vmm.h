/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest library: drive /dev/lvmm or /dev/kvm through the KVM ioctl ABI.
 *
 * As in the KVM selftests, __foo() returns the raw result and foo() asserts,
 * printing the ioctl's name and errno. The same calls drive both devices, so
 * a test can run a guest on lvmm and on KVM and compare.
 */
#ifndef LVMM_SELFTEST_VMM_H
#define LVMM_SELFTEST_VMM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#define LVMM_DEV "/dev/lvmm"
#define KVM_DEV "/dev/kvm"

/* Print a message with errno and abort the test program. */
#define vmm_die(fmt, ...) \
	__vmm_die(__FILE__, __LINE__, fmt, ##__VA_ARGS__)
void __vmm_die(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define __vmm_ioctl(fd, cmd, arg) ioctl(fd, cmd, arg)
#define vmm_ioctl(fd, cmd, arg) ({					\
	long __r = ioctl(fd, cmd, arg);					\
	if (__r < 0)							\
		vmm_die("%s failed", #cmd);				\
	__r;								\
})

struct vm {
	int sys_fd;
	int fd;
	const char *device;
};

struct vcpu {
	struct vm *vm;
	int fd;
	int id;
	struct kvm_run *run;
	size_t run_size;
};

/* KVM_GET/SET_MSRS with room for a few MSRs. */
struct msrs {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[16];
};

/* KVM_GET_SUPPORTED_CPUID or KVM_GET/SET_CPUID2 with room for the table. */
struct cpuid_table {
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 e[100];
};

/* Leaf @function, subleaf 0, of @t; NULL if @t has none. */
struct kvm_cpuid_entry2 *cpuid_leaf(struct cpuid_table *t, uint32_t function);

/* Device the test targets: $LVMM_DEVICE, or /dev/lvmm. */
const char *vmm_device(void);
/* Whether that device is KVM, for the tests that differ there. */
int vmm_is_kvm(void);
int __vmm_open(const char *path);
int vmm_open(const char *path);

struct vm *vm_create(const char *device);
void vm_destroy(struct vm *vm);
/* Back [gpa, gpa+size) with fresh anonymous memory; returns the mapping. */
void *vm_add_anon_memory(struct vm *vm, uint32_t slot, uint64_t gpa,
			 size_t size);

/* A runnable vCPU, as KVM's selftests make every vCPU. */
struct vcpu *vcpu_create(struct vm *vm, int id);
/*
 * A vCPU as KVM_CREATE_VCPU leaves it: with the in-kernel irqchip, an AP
 * waits for INIT and SIPI.
 */
struct vcpu *vcpu_create_bare(struct vm *vm, int id);
void vcpu_destroy(struct vcpu *vcpu);
int __vcpu_run(struct vcpu *vcpu);
/* __vcpu_run() with SIGALRM due after @usec microseconds to interrupt it. */
int __vcpu_run_alarm(struct vcpu *vcpu, long usec);
void vcpu_run(struct vcpu *vcpu);
/* Real mode at cs:ip = 0:rip, flat data segments. */
void vcpu_setup_real_mode(struct vcpu *vcpu, uint64_t rip);

const char *exit_reason_str(uint32_t reason);
/* How often eventfd @fd was signalled since the last call (0: never). */
uint64_t eventfd_take(int fd);
/* A number from a one-value file @dir/@name (sysfs); -1 if unreadable. */
long read_sysfs_num(const char *dir, const char *name);
/* Write @s to @path (sysfs, tracefs): 0 or -errno. */
int write_file(const char *path, const char *s);
/* /sys/kernel/lvmm/stats/@name */
#define lvmm_stat(name) read_sysfs_num("/sys/kernel/lvmm/stats", name)

#endif /* LVMM_SELFTEST_VMM_H */
