// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm run's run loop: one thread per vCPU answering its exits, a console
 * thread feeding stdin to the UART, until the guest or a signal ends the
 * VM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "cli.h"
#include "gdbstub.h"
#include "run_vm.h"

#define CTRL_A		0x01

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
		} else if (c->vm->img.mode == MODE_LINUX &&
			   pci_io(&c->vm->pci, port, in, run->io.size, data)) {
			continue;
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

/*
 * Before KVM_RUN: wait while the VM is paused, then count as running, so
 * that vm_pause() knows whom to pull out. False once the VM is done.
 */
static bool vcpu_may_run(struct vcpu *c)
{
	struct vm *vm = c->vm;
	bool go;

	pthread_mutex_lock(&vm->lock);
	while (vm->paused && !vm->done)
		pthread_cond_wait(&vm->cond, &vm->lock);
	c->run->immediate_exit = 0;
	go = !vm->done;
	c->in_run = go;
	pthread_mutex_unlock(&vm->lock);
	return go;
}

static void vcpu_left_run(struct vcpu *c)
{
	struct vm *vm = c->vm;

	pthread_mutex_lock(&vm->lock);
	c->in_run = false;
	if (vm->paused)
		pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

int vm_pause(struct vm *vm)
{
	struct timespec ts;
	bool busy;
	int i;

	pthread_mutex_lock(&vm->lock);
	if (vm->done || vm->paused) {
		pthread_mutex_unlock(&vm->lock);
		return vm->done ? -ESRCH : 0;
	}
	vm->paused = true;
	/*
	 * immediate_exit makes a KVM_RUN that the signal just missed return
	 * at once; the signal pulls out one already in the guest. Repeat
	 * until every vCPU is out: a signal may land just before KVM_RUN.
	 */
	do {
		busy = false;
		for (i = 0; i < vm->nr_cpus; i++) {
			if (!vm->cpus[i].in_run)
				continue;
			busy = true;
			vm->cpus[i].run->immediate_exit = 1;
			pthread_kill(vm->cpus[i].thread, SIGUSR1);
		}
		if (busy) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&vm->cond, &vm->lock, &ts);
		}
	} while (busy && !vm->done);
	/* The guest's clock stands still while it cannot run. */
	vm->clock_saved = !ioctl(vm->fd, KVM_GET_CLOCK, &vm->clock);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

int vm_resume(struct vm *vm)
{
	struct kvm_clock_data clock = {};

	pthread_mutex_lock(&vm->lock);
	if (vm->done) {
		pthread_mutex_unlock(&vm->lock);
		return -ESRCH;
	}
	if (vm->paused && vm->clock_saved) {
		clock.clock = vm->clock.clock;
		if (ioctl(vm->fd, KVM_SET_CLOCK, &clock) && !vm->quiet)
			fprintf(stderr, "\r\nlvmm: KVM_SET_CLOCK: %s; the guest's clock jumps\r\n",
				strerror(errno));
	}
	vm->paused = false;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

const char *vm_state(struct vm *vm)
{
	const char *state;

	pthread_mutex_lock(&vm->lock);
	state = vm->done ? "ended" : vm->paused ? "paused" : "running";
	pthread_mutex_unlock(&vm->lock);
	return state;
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
		int r;

		if (vm->gdb)
			gdb_vcpu_enter(vm->gdb, c);
		if (!vcpu_may_run(c))
			break;
		r = ioctl(c->fd, KVM_RUN, 0);
		vcpu_left_run(c);
		if (vm->gdb)
			gdb_vcpu_leave(vm->gdb, c);
		if (r < 0) {
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
			if (vm->img.mode == MODE_LINUX &&
			    pci_mmio(&vm->pci, run->mmio.phys_addr, run->mmio.is_write,
				     run->mmio.len, run->mmio.data))
				break;
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
		case KVM_EXIT_DEBUG:
			if (!vm->gdb) {
				report(c, "unexpected debug exit");
				vm_finish(vm, CLI_INTERNAL);
				break;
			}
			gdb_vcpu_stopped(vm->gdb, c);
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

int vm_run(struct vm *vm)
{
	struct sigaction sa = {};
	pthread_t console;
	int i;

	the_vm = vm;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_kick;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns */

	if (vm->gdb && gdb_start(vm->gdb)) {
		fprintf(stderr, "lvmm: cannot start the gdb stub\n");
		return CLI_OSERR;
	}
	for (i = 0; i < vm->nr_virtio; i++) {
		if (virtio_pci_start(&vm->virtio[i])) {
			fprintf(stderr, "lvmm: cannot start the %s thread\n",
				vm->virtio[i].ops->name);
			return CLI_OSERR;
		}
	}
	console_raw();
	/* A Linux guest's APs wait in the kernel for INIT and SIPI. */
	for (i = 0; i < (vm->img.mode == MODE_LINUX ? vm->nr_cpus : 1); i++)
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
			if (vm->gdb)
				gdb_wake_all(vm->gdb);
			pthread_kill(vm->cpus[i].thread, SIGUSR1);
			usleep(1000);
		}
	}
	for (i = 0; i < vm->nr_virtio; i++)
		virtio_pci_stop(&vm->virtio[i]);
	console_restore();
	return vm->status;
}
