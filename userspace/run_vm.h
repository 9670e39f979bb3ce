/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM that lvmm run builds (vm_setup.c) and runs (vm_run.c): what the
 * options asked for, and the VM and vCPUs made from it.
 */
#ifndef LVMM_CLI_RUN_VM_H
#define LVMM_CLI_RUN_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "cli.h"
#include "pci.h"
#include "virtio_pci.h"

#define MAX_CPUS	64
#define MAX_DISKS	8
#define MAX_VIRTIO	(MAX_DISKS + 1)

/* lvmm run's options, checked and with their defaults filled in. */
struct run_config {
	const char *device;
	uint64_t mem_size;
	int nr_cpus;
	const char *name;		/* or NULL */
	const char *image;		/* NULL with --kernel */
	const char *cmdline;		/* for IMAGE */
	struct linux_boot lb;		/* lb.kernel set with --kernel */
	enum cpu_mode flat_mode;
	uint64_t flat_addr;
	uint32_t share;			/* LVMM_SHARE_NONE without --share */
	bool share_group_given;		/* --share=GROUP, not --share alone */
	bool stats;
	bool quiet;
	int gdb_port;			/* --gdb PORT, or 0 */
	const char *api_path;		/* --api PATH, or NULL */
	bool rng;			/* --rng */
	const char *disks[MAX_DISKS];	/* --disk FILE[,readonly] */
	int nr_disks;
};

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	bool running;
	bool in_run;			/* between the pause check and the exit */
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
	struct pci_bus pci;		/* --kernel's platform only */
	struct virtio_dev virtio[MAX_VIRTIO];	/* --disk..., --rng */
	int nr_virtio;
	struct vcpu cpus[MAX_CPUS];
	const char *name;		/* --name, or NULL */
	pthread_mutex_t lock;		/* @done, @status, @paused, vCPU start, in_run */
	pthread_cond_t cond;
	bool done;
	bool paused;
	int status;
	struct kvm_clock_data clock;	/* the guest's clock when paused */
	bool clock_saved;
	const char *why;		/* how the guest ended, for people */
	bool quiet;
	struct gdb *gdb;		/* --gdb's stub, or NULL */
	struct api *api;		/* the control socket, or NULL */
};

/* Make @vm as @cfg asks, up to runnable vCPUs; 0 or an exit status. */
int vm_setup(struct vm *vm, const struct run_config *cfg);
/* Run @vm's vCPUs and console until the guest ends; its exit status. */
int vm_run(struct vm *vm);
/*
 * Stop every vCPU outside KVM_RUN and hold the guest's kvmclock (as QEMU's
 * stop does), or let them run again with the clock where it stopped. 0, or
 * -ESRCH once the guest has ended. Either may be repeated.
 */
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
/* "running", "paused" or "ended". */
const char *vm_state(struct vm *vm);

#endif /* LVMM_CLI_RUN_VM_H */
