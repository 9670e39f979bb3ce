// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm run --gdb PORT: a GDB remote-protocol stub, so that `gdb` can debug
 * the guest kernel (gdb's "Remote Serial Protocol", the subset a
 * `target remote` session uses: registers, memory, breakpoints, continue
 * and step, threads as vCPUs, Ctrl-C). It listens on 127.0.0.1 only: the
 * protocol has no authentication, and it reads and writes the guest.
 *
 * All-stop, as QEMU's stub: the vCPUs start stopped, before the guest's
 * first instruction, and when one stops (a breakpoint, a step, Ctrl-C)
 * every other is pulled out of KVM_RUN (immediate_exit and a signal) and
 * waits in gdb_vcpu_enter(). Breakpoints of both kinds (Z0 and Z1) use the
 * debug registers through KVM_SET_GUEST_DEBUG, so at most four: software
 * breakpoints would need the hypervisor to intercept INT3, which QEMU's
 * TCG, where lvmm is tested, never does. A step steps the selected vCPU
 * alone (KVM_GUESTDBG_SINGLESTEP). Memory is read through the guest's own
 * page tables (long mode, or paging off), from lvmm run's mapping of its
 * RAM. Only the vCPU's stop is reported, as signal 5 (SIGTRAP) or 2.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "gdbstub.h"
#include "run_vm.h"

#define PACKET_MAX	4096
#define MAX_BPS		4

struct gdb {
	struct vm *vm;
	int port;
	int listen_fd;
	int fd;
	int wake[2];		/* a vCPU stopped: wakes the stub's poll() */
	pthread_t thread;
	pthread_mutex_t lock;	/* all below; a leaf */
	pthread_cond_t cond;
	bool paused;		/* vCPUs wait in gdb_vcpu_enter() */
	int step_cpu;		/* only this vCPU may run (a step), or -1 */
	int running;		/* vCPUs between enter and leave */
	int stopped_cpu;	/* the vCPU whose stop is to be reported, or -1 */
	int cur;		/* the vCPU gdb's Hg and Hc chose */
	uint64_t bp[MAX_BPS];
	int nr_bps;
};

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

static bool get_hex(const char *in, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = hex(in[2 * i]), lo = hi < 0 ? -1 : hex(in[2 * i + 1]);

		if (lo < 0)
			return false;
		p[i] = hi << 4 | lo;
	}
	return true;
}

static void send_packet(struct gdb *g, const char *s)
{
	char buf[PACKET_MAX + 8];
	uint8_t sum = 0;
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		sum += (uint8_t)s[i];
	n = snprintf(buf, sizeof(buf), "$%s#%02x", s, sum);
	/* A short write means gdb went: the next read ends the session. */
	if (write(g->fd, buf, n) != (ssize_t)n)
		return;
}

/* Read one packet into @p; the byte 0x03 (Ctrl-C) reads as "\x03". */
static int read_packet(struct gdb *g, char *p)
{
	char c;
	size_t n = 0;
	uint8_t sum = 0;
	int x1, x2;

	do {
		if (read(g->fd, &c, 1) != 1)
			return -1;
		if (c == 3) {
			strcpy(p, "\x03");
			return 0;
		}
	} while (c != '$');
	for (;;) {
		if (read(g->fd, &c, 1) != 1)
			return -1;
		if (c == '#')
			break;
		if (n < PACKET_MAX - 1)
			p[n++] = c;
		sum += (uint8_t)c;
	}
	p[n] = 0;
	if (read(g->fd, &c, 1) != 1 || (x1 = hex(c)) < 0 ||
	    read(g->fd, &c, 1) != 1 || (x2 = hex(c)) < 0)
		return -1;
	if ((uint8_t)(x1 << 4 | x2) != sum)
		return write(g->fd, "-", 1) == 1 ? read_packet(g, p) : -1;
	return write(g->fd, "+", 1) == 1 ? 0 : -1;
}

/* Pull every vCPU out of the guest and wait until none is in KVM_RUN. */
static void pause_all(struct gdb *g)
{
	struct vm *vm = g->vm;
	int i, running;

	pthread_mutex_lock(&g->lock);
	g->paused = true;
	g->step_cpu = -1;
	pthread_mutex_unlock(&g->lock);
	for (;;) {
		pthread_mutex_lock(&g->lock);
		running = g->running;
		pthread_mutex_unlock(&g->lock);
		if (!running || vm->done)
			return;
		for (i = 0; i < vm->nr_cpus; i++) {
			vm->cpus[i].run->immediate_exit = 1;
			if (vm->cpus[i].running)
				pthread_kill(vm->cpus[i].thread, SIGUSR1);
		}
		usleep(1000);
	}
}

/* The debug registers and single-step for every vCPU, then let them go. */
static int resume(struct gdb *g, int step_cpu)
{
	struct vm *vm = g->vm;
	int i, b;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct kvm_guest_debug dbg = {
			.control = KVM_GUESTDBG_ENABLE,
		};

		for (b = 0; b < g->nr_bps; b++) {
			dbg.arch.debugreg[b] = g->bp[b];
			dbg.arch.debugreg[7] |= 1ULL << (2 * b);  /* L<b>, exec */
		}
		if (g->nr_bps)
			dbg.control |= KVM_GUESTDBG_USE_HW_BP;
		if (i == step_cpu)
			dbg.control |= KVM_GUESTDBG_SINGLESTEP;
		if (ioctl(vm->cpus[i].fd, KVM_SET_GUEST_DEBUG, &dbg)) {
			fprintf(stderr, "\r\nlvmm: gdb: KVM_SET_GUEST_DEBUG: %s\r\n",
				strerror(errno));
			return -1;
		}
		vm->cpus[i].run->immediate_exit = 0;
	}
	pthread_mutex_lock(&g->lock);
	g->stopped_cpu = -1;
	g->step_cpu = step_cpu;
	g->paused = false;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

/* Guest virtual @gva to a pointer into RAM, through its page tables. */
static uint8_t *translate(struct gdb *g, uint64_t gva, size_t *room)
{
	struct vm *vm = g->vm;
	struct kvm_sregs sregs;
	uint64_t gpa = gva, entry, mask = (1ULL << 52) - 4096;
	int level, levels;

	if (ioctl(vm->cpus[g->cur].fd, KVM_GET_SREGS, &sregs))
		return NULL;
	if (sregs.cr0 & (1ULL << 31)) {		/* paging */
		if (!(sregs.efer & (1ULL << 10)))	/* long mode only */
			return NULL;
		levels = (sregs.cr4 & (1ULL << 12)) ? 5 : 4;
		gpa = sregs.cr3 & mask;
		for (level = levels; level >= 1; level--) {
			uint64_t idx = (gva >> (12 + 9 * (level - 1))) & 511;

			if (gpa + idx * 8 + 8 > vm->mem_size)
				return NULL;
			memcpy(&entry, vm->mem + gpa + idx * 8, 8);
			if (!(entry & 1))
				return NULL;
			/* A 1 GiB or 2 MiB page ends the walk. */
			if (level <= 3 && level > 1 && (entry & 0x80)) {
				uint64_t size = 1ULL << (12 + 9 * (level - 1));

				gpa = (entry & mask & ~(size - 1)) | (gva & (size - 1));
				break;
			}
			gpa = entry & mask;
			if (level == 1)
				gpa |= gva & 4095;
		}
	}
	if (gpa >= vm->mem_size)
		return NULL;
	*room = 4096 - (gpa & 4095);
	return vm->mem + gpa;
}

/* m and M: @len bytes at @gva, to or from @buf; false if unmapped. */
static bool access_memory(struct gdb *g, uint64_t gva, uint8_t *buf,
			  size_t len, bool write)
{
	while (len) {
		size_t room, n;
		uint8_t *p = translate(g, gva, &room);

		if (!p)
			return false;
		n = len < room ? len : room;
		if (write)
			memcpy(p, buf, n);
		else
			memcpy(buf, p, n);
		gva += n;
		buf += n;
		len -= n;
	}
	return true;
}

/* gdb's amd64 'g' layout: 16 GPRs, RIP, EFLAGS, CS, SS, DS, ES, FS, GS. */
static bool get_registers(struct gdb *g, char *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	uint8_t buf[16 * 8 + 8 + 7 * 4];
	uint64_t gpr[16];
	uint32_t seg[7];
	int fd = g->vm->cpus[g->cur].fd;

	if (ioctl(fd, KVM_GET_REGS, &r) || ioctl(fd, KVM_GET_SREGS, &s))
		return false;
	gpr[0] = r.rax; gpr[1] = r.rbx; gpr[2] = r.rcx; gpr[3] = r.rdx;
	gpr[4] = r.rsi; gpr[5] = r.rdi; gpr[6] = r.rbp; gpr[7] = r.rsp;
	gpr[8] = r.r8; gpr[9] = r.r9; gpr[10] = r.r10; gpr[11] = r.r11;
	gpr[12] = r.r12; gpr[13] = r.r13; gpr[14] = r.r14; gpr[15] = r.r15;
	seg[0] = r.rflags; seg[1] = s.cs.selector; seg[2] = s.ss.selector;
	seg[3] = s.ds.selector; seg[4] = s.es.selector;
	seg[5] = s.fs.selector; seg[6] = s.gs.selector;
	memcpy(buf, gpr, sizeof(gpr));
	memcpy(buf + sizeof(gpr), &r.rip, 8);
	memcpy(buf + sizeof(gpr) + 8, seg, sizeof(seg));
	put_hex(out, buf, sizeof(buf));
	return true;
}

/* 'G': the GPRs, RIP and EFLAGS (segment selectors are left alone). */
static bool set_registers(struct gdb *g, const char *in)
{
	struct kvm_regs r;
	uint8_t buf[16 * 8 + 8 + 4];
	uint64_t gpr[16];
	uint32_t flags;
	int fd = g->vm->cpus[g->cur].fd;

	if (strlen(in) < 2 * sizeof(buf) || !get_hex(in, buf, sizeof(buf)) ||
	    ioctl(fd, KVM_GET_REGS, &r))
		return false;
	memcpy(gpr, buf, sizeof(gpr));
	r.rax = gpr[0]; r.rbx = gpr[1]; r.rcx = gpr[2]; r.rdx = gpr[3];
	r.rsi = gpr[4]; r.rdi = gpr[5]; r.rbp = gpr[6]; r.rsp = gpr[7];
	r.r8 = gpr[8]; r.r9 = gpr[9]; r.r10 = gpr[10]; r.r11 = gpr[11];
	r.r12 = gpr[12]; r.r13 = gpr[13]; r.r14 = gpr[14]; r.r15 = gpr[15];
	memcpy(&r.rip, buf + sizeof(gpr), 8);
	memcpy(&flags, buf + sizeof(gpr) + 8, 4);
	r.rflags = flags;
	return ioctl(fd, KVM_SET_REGS, &r) == 0;
}

static void breakpoint(struct gdb *g, const char *p, bool insert, char *out)
{
	unsigned long long addr;
	int type, i;

	if (sscanf(p, "%d,%llx", &type, &addr) != 2 || type > 1) {
		out[0] = 0;		/* watchpoints: not offered */
		return;
	}
	for (i = 0; i < g->nr_bps && g->bp[i] != addr; i++)
		;
	if (insert && i == g->nr_bps) {
		if (g->nr_bps == MAX_BPS) {
			strcpy(out, "E1c");	/* four debug registers */
			return;
		}
		g->bp[g->nr_bps++] = addr;
	} else if (!insert && i < g->nr_bps) {
		g->bp[i] = g->bp[--g->nr_bps];
	}
	strcpy(out, "OK");
}

/* The stop reply for the vCPU that stopped. */
static void stop_reply(struct gdb *g, int sig, char *out)
{
	if (g->stopped_cpu >= 0)
		g->cur = g->stopped_cpu;
	sprintf(out, "T%02xthread:%x;", sig, g->cur + 1);
}

/* Wait for a vCPU to stop, or for Ctrl-C from gdb; then the stop reply. */
static int wait_stop(struct gdb *g, char *out)
{
	struct pollfd fds[2] = {
		{ .fd = g->fd, .events = POLLIN },
		{ .fd = g->wake[0], .events = POLLIN },
	};
	char c;

	while (!g->vm->done) {
		if (poll(fds, 2, 100) < 0 && errno != EINTR)
			return -1;
		if (fds[1].revents & POLLIN) {
			if (read(g->wake[0], &c, 1) != 1)
				return -1;
			pause_all(g);
			stop_reply(g, 5, out);
			return 0;
		}
		if (fds[0].revents & POLLIN) {
			if (read(g->fd, &c, 1) != 1)
				return -1;
			if (c != 3)
				continue;
			pause_all(g);
			stop_reply(g, 2, out);
			return 0;
		}
	}
	return -1;
}

static int thread_id(const char *p, int cur, int nr)
{
	long t = strtol(p, NULL, 16);

	return t > 0 && t <= nr ? t - 1 : cur;	/* 0 and -1: any */
}

/* One gdb session on g->fd; returns when gdb detaches or goes. */
static void session(struct gdb *g)
{
	static char in[PACKET_MAX], out[2 * PACKET_MAX + 64];
	struct vm *vm = g->vm;
	unsigned long long addr, len;
	int i;

	while (!vm->done && read_packet(g, in) == 0) {
		out[0] = 0;
		switch (in[0]) {
		case '?':
			stop_reply(g, 5, out);
			break;
		case 'g':
			if (!get_registers(g, out))
				strcpy(out, "E01");
			break;
		case 'G':
			strcpy(out, set_registers(g, in + 1) ? "OK" : "E01");
			break;
		case 'm':
			if (sscanf(in + 1, "%llx,%llx", &addr, &len) != 2 ||
			    len > PACKET_MAX / 2) {
				strcpy(out, "E01");
				break;
			} else {
				uint8_t buf[PACKET_MAX / 2];

				if (access_memory(g, addr, buf, len, false))
					put_hex(out, buf, len);
				else
					strcpy(out, "E14");	/* EFAULT */
			}
			break;
		case 'M': {
			uint8_t buf[PACKET_MAX / 2];
			char *data = strchr(in, ':');

			if (sscanf(in + 1, "%llx,%llx", &addr, &len) != 2 ||
			    !data || len > sizeof(buf) ||
			    !get_hex(data + 1, buf, len))
				strcpy(out, "E01");
			else
				strcpy(out, access_memory(g, addr, buf, len, true) ?
				       "OK" : "E14");
			break;
		}
		case 'Z':
		case 'z':
			breakpoint(g, in + 1, in[0] == 'Z', out);
			break;
		case 'c':
		case 's':
			if (in[1] && sscanf(in + 1, "%llx", &addr) == 1) {
				struct kvm_regs r;

				if (!ioctl(vm->cpus[g->cur].fd, KVM_GET_REGS, &r)) {
					r.rip = addr;
					ioctl(vm->cpus[g->cur].fd, KVM_SET_REGS, &r);
				}
			}
			if (resume(g, in[0] == 's' ? g->cur : -1) ||
			    wait_stop(g, out))
				return;
			break;
		case 'H':
			g->cur = thread_id(in + 2, g->cur, vm->nr_cpus);
			strcpy(out, "OK");
			break;
		case 'T':
			strcpy(out, thread_id(in + 1, -1, vm->nr_cpus) >= 0 ?
			       "OK" : "E01");
			break;
		case 'q':
			if (!strcmp(in, "qC")) {
				sprintf(out, "QC%x", g->cur + 1);
			} else if (!strncmp(in, "qSupported", 10)) {
				sprintf(out, "PacketSize=%x", PACKET_MAX);
			} else if (!strcmp(in, "qAttached")) {
				strcpy(out, "1");
			} else if (!strcmp(in, "qfThreadInfo")) {
				strcpy(out, "m");
				for (i = 0; i < vm->nr_cpus; i++)
					sprintf(out + strlen(out), "%s%x",
						i ? "," : "", i + 1);
			} else if (!strcmp(in, "qsThreadInfo")) {
				strcpy(out, "l");
			}
			break;
		case 'k':
			vm->why = "killed by gdb";
			pthread_mutex_lock(&vm->lock);
			vm->done = true;
			vm->status = 0;
			pthread_cond_broadcast(&vm->cond);
			pthread_mutex_unlock(&vm->lock);
			return;
		case 'D':
			send_packet(g, "OK");
			g->nr_bps = 0;
			resume(g, -1);
			for (i = 0; i < vm->nr_cpus; i++) {
				struct kvm_guest_debug off = {};

				ioctl(vm->cpus[i].fd, KVM_SET_GUEST_DEBUG, &off);
			}
			return;
		case 3:		/* Ctrl-C while stopped: already stopped */
			stop_reply(g, 2, out);
			break;
		}
		send_packet(g, out);
	}
}

static void *stub_thread(void *arg)
{
	struct gdb *g = arg;

	g->fd = accept(g->listen_fd, NULL, NULL);
	if (g->fd < 0) {
		fprintf(stderr, "\r\nlvmm: gdb: accept: %s\r\n", strerror(errno));
	} else {
		session(g);
		close(g->fd);
	}
	/* Without gdb the guest runs on as it is. */
	pthread_mutex_lock(&g->lock);
	g->paused = false;
	g->step_cpu = -1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct gdb *gdb_listen(struct vm *vm, int port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct gdb *g = calloc(1, sizeof(*g));
	int one = 1;

	if (!g)
		return NULL;
	g->vm = vm;
	g->port = port;
	g->paused = true;	/* before the guest's first instruction */
	g->step_cpu = -1;
	g->stopped_cpu = -1;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->listen_fd < 0 || pipe(g->wake) ||
	    setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(g->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(g->listen_fd, 1)) {
		fprintf(stderr, "lvmm run: --gdb %d: %s\n", port, strerror(errno));
		free(g);
		return NULL;
	}
	return g;
}

int gdb_start(struct gdb *g)
{
	if (!g->vm->quiet)
		fprintf(stderr, "lvmm: waiting for gdb on 127.0.0.1:%d\r\n",
			g->port);
	return pthread_create(&g->thread, NULL, stub_thread, g);
}

void gdb_vcpu_enter(struct gdb *g, struct vcpu *c)
{
	pthread_mutex_lock(&g->lock);
	while ((g->paused || (g->step_cpu >= 0 && g->step_cpu != c->id)) &&
	       !c->vm->done)
		pthread_cond_wait(&g->cond, &g->lock);
	g->running++;
	pthread_mutex_unlock(&g->lock);
}

void gdb_vcpu_leave(struct gdb *g, struct vcpu *c)
{
	pthread_mutex_lock(&g->lock);
	g->running--;
	pthread_mutex_unlock(&g->lock);
}

void gdb_vcpu_stopped(struct gdb *g, struct vcpu *c)
{
	bool first;

	pthread_mutex_lock(&g->lock);
	first = g->stopped_cpu < 0 && !g->paused;
	if (first)
		g->stopped_cpu = c->id;
	g->paused = true;
	pthread_mutex_unlock(&g->lock);
	if (first && write(g->wake[1], "", 1) != 1)
		fprintf(stderr, "\r\nlvmm: gdb: lost a stop\r\n");
}

void gdb_wake_all(struct gdb *g)
{
	pthread_mutex_lock(&g->lock);
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}
