// SPDX-License-Identifier: GPL-2.0
/*
 * An ioctl fuzzer for /dev/lvmm. Seeded and bounded: $LVMM_FUZZ_SEED picks
 * the seed (printed, so a failure replays), $LVMM_FUZZ_ITERS the number of
 * calls (default 100000). Every ioctl lvmm implements, and random numbers,
 * with random, truncated, misaligned and half-valid arguments on every kind
 * of fd; between calls random mmap, munmap, close, fork (a child must get
 * EIO from every VM and vCPU ioctl) and threads racing on one vCPU and VM.
 * Every call must succeed or fail with an errno from the documented set,
 * and when everything is closed no VM may remain.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "kselftest_harness.h"
#include "vmm.h"

#define MAX_FDS		8
#define PAGE		4096

enum kind { SYS, VM, VCPU, GMEM, NKINDS };

static const unsigned long cmds[] = {
	KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_CHECK_EXTENSION,
	KVM_GET_VCPU_MMAP_SIZE, KVM_GET_SUPPORTED_CPUID, KVM_CREATE_VCPU,
	KVM_SET_USER_MEMORY_REGION, KVM_SET_USER_MEMORY_REGION2,
	KVM_CREATE_GUEST_MEMFD, KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR,
	KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
	KVM_SET_CPUID2, KVM_GET_CPUID2, LVMM_SET_VM_NAME, KVM_GET_MSR_INDEX_LIST,
	KVM_GET_MSRS, KVM_SET_MSRS, KVM_GET_TSC_KHZ, KVM_INTERRUPT,
	KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS, KVM_GET_MP_STATE,
	KVM_SET_MP_STATE, KVM_GET_FPU, KVM_SET_FPU, KVM_GET_XSAVE,
	KVM_GET_XSAVE2, KVM_SET_XSAVE, KVM_GET_XCRS, KVM_SET_XCRS,
	LVMM_SET_SHARE_GROUP, KVM_CREATE_IRQCHIP, KVM_IRQ_LINE,
	KVM_IRQ_LINE_STATUS, KVM_GET_LAPIC, KVM_SET_LAPIC, KVM_IOEVENTFD,
	KVM_REGISTER_COALESCED_MMIO, KVM_UNREGISTER_COALESCED_MMIO,
	KVM_SET_GSI_ROUTING, KVM_IRQFD, KVM_SIGNAL_MSI, KVM_GET_DEBUGREGS,
	KVM_SET_DEBUGREGS, KVM_X86_SETUP_MCE, KVM_SET_GUEST_DEBUG,
	KVM_SET_VAPIC_ADDR, KVM_TPR_ACCESS_REPORTING, KVM_GET_IRQCHIP,
	KVM_SET_IRQCHIP, KVM_CREATE_PIT, KVM_CREATE_PIT2, KVM_GET_PIT, KVM_SET_PIT,
	KVM_GET_PIT2, KVM_SET_PIT2, KVM_REINJECT_CONTROL, KVM_ENABLE_CAP,
	KVM_GET_CLOCK, KVM_SET_CLOCK, KVM_SET_NR_MMU_PAGES, KVM_HAS_DEVICE_ATTR,
	KVM_GET_DEVICE_ATTR, KVM_GET_MSR_FEATURE_INDEX_LIST,
	KVM_X86_GET_MCE_CAP_SUPPORTED,
	/* Not implemented: ENOTTY. */
	KVM_NMI,
};

static const int allowed[] = {
	EINVAL, EFAULT, ENOTTY, EEXIST, ENOENT, EBADF, E2BIG, EINTR, ENOMEM,
	ENOSPC, EIO, EBUSY, EAGAIN, EMFILE, ENODEV, EPERM, EACCES, ENXIO,
};

struct fuzz {
	unsigned int seed;
	int fds[NKINDS][MAX_FDS];
	void *maps[64];
	size_t map_len[64];
	uint8_t *buf;		/* 2 pages, then a PROT_NONE guard page */
	long calls, bad;
};

static unsigned int rnd(struct fuzz *f)
{
	f->seed = f->seed * 1103515245 + 12345;
	return (f->seed >> 8) & 0xffffff;
}

static int pick_fd(struct fuzz *f, enum kind k)
{
	return f->fds[k][rnd(f) % MAX_FDS];
}

static void add_fd(struct fuzz *f, enum kind k, int fd)
{
	int i = rnd(f) % MAX_FDS;

	if (fd < 0)
		return;
	if (f->fds[k][i] >= 0)
		close(f->fds[k][i]);
	f->fds[k][i] = fd;
}

static void on_alarm(int sig)
{
}

/* Touching a mapping past the end of its file is SIGBUS: expected. */
static sigjmp_buf touch_env;

static void on_bus(int sig)
{
	siglongjmp(touch_env, 1);
}

/*
 * An argument: random bytes, sometimes a valid-looking struct, placed so
 * that it is whole, misaligned, or truncated by the guard page.
 */
static void *make_arg(struct fuzz *f, unsigned long cmd, unsigned long *val)
{
	size_t size = _IOC_SIZE(cmd), i;
	uint8_t *p;

	for (i = 0; i < 2 * PAGE; i++)
		f->buf[i] = rnd(f);
	switch (rnd(f) % 8) {
	case 0:
		*val = rnd(f) % 4;		/* small integer argument */
		return NULL;
	case 1:
		return NULL;			/* NULL pointer */
	case 2:
		p = f->buf + 2 * PAGE - size / 2;	/* runs into the guard */
		break;
	case 3:
		p = f->buf + 1;			/* misaligned */
		break;
	case 4:
		p = (uint8_t *)8;		/* unmapped low address */
		break;
	default:
		p = f->buf + PAGE - (size > PAGE ? 0 : size);
		if (cmd == KVM_SET_USER_MEMORY_REGION ||
		    cmd == KVM_SET_USER_MEMORY_REGION2) {
			struct kvm_userspace_memory_region2 *r = (void *)p;

			/* Half-valid: sane slot and alignment, odd values. */
			r->slot = rnd(f) % 4;
			r->flags = rnd(f) % 3 == 0 ? KVM_MEM_GUEST_MEMFD : 0;
			r->guest_phys_addr = (uint64_t)(rnd(f) % 64) * PAGE;
			r->memory_size = (uint64_t)(rnd(f) % 4) * PAGE;
			r->userspace_addr = (uintptr_t)f->maps[rnd(f) % 64];
			if (size > sizeof(struct kvm_userspace_memory_region)) {
				r->guest_memfd = pick_fd(f, GMEM);
				r->guest_memfd_offset = (rnd(f) % 4) * PAGE;
			}
		} else if (cmd == KVM_CREATE_GUEST_MEMFD) {
			struct kvm_create_guest_memfd *g = (void *)p;

			memset(g, 0, sizeof(*g));
			g->size = (uint64_t)(rnd(f) % 16) * PAGE;
		} else if (cmd == KVM_SET_CPUID2 || cmd == KVM_GET_CPUID2 ||
			   cmd == KVM_GET_SUPPORTED_CPUID) {
			*(uint32_t *)p = rnd(f) % 300;
		} else if (cmd == KVM_ENABLE_CAP) {
			static const uint32_t caps[] = {
				KVM_CAP_SPLIT_IRQCHIP, KVM_CAP_X2APIC_API,
				KVM_CAP_DISABLE_QUIRKS2, KVM_CAP_MAX_VCPU_ID,
			};
			struct kvm_enable_cap *c = (void *)p;

			/* Half-valid: a cap lvmm enables, random args. */
			c->cap = caps[rnd(f) % 4];
			c->flags = rnd(f) % 4 ? 0 : rnd(f);
			c->args[0] = rnd(f) % 4 ? rnd(f) % 64 : c->args[0];
		}
		break;
	}
	return p;
}

static void check(struct __test_metadata *_metadata, struct fuzz *f, long ret,
		  int err, unsigned long cmd, enum kind k)
{
	unsigned int i;

	f->calls++;
	if (ret >= 0)
		return;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (err == allowed[i])
			return;
	f->bad++;
	TH_LOG("call %ld: ioctl 0x%lx on fd kind %d: errno %d (%s) is not documented",
	       f->calls, cmd, k, err, strerror(err));
}

static void do_ioctl(struct __test_metadata *_metadata, struct fuzz *f)
{
	enum kind k = rnd(f) % NKINDS;
	unsigned long cmd, val = 0;
	struct itimerval t = { .it_value.tv_usec = 2000 };
	void *arg;
	long ret;
	int fd = pick_fd(f, k);

	cmd = rnd(f) % 16 ? cmds[rnd(f) % (sizeof(cmds) / sizeof(cmds[0]))] :
			    ((unsigned long)rnd(f) << 8 | rnd(f)) & 0xffffffff;
	arg = make_arg(f, cmd, &val);
	if (cmd == KVM_RUN) {
		arg = NULL;
		val = 0;
		setitimer(ITIMER_REAL, &t, NULL);	/* bound any guest */
	}
	ret = ioctl(fd, cmd, arg ? (unsigned long)arg : val);
	check(_metadata, f, ret, errno, cmd, k);
	if (ret >= 0 && (cmd == KVM_CREATE_VM || cmd == KVM_CREATE_VCPU ||
			 cmd == KVM_CREATE_GUEST_MEMFD))
		add_fd(f, cmd == KVM_CREATE_VM ? VM :
			  cmd == KVM_CREATE_VCPU ? VCPU : GMEM, ret);
}

static void do_mm(struct fuzz *f)
{
	int i = rnd(f) % 64, k = rnd(f) % NKINDS;
	size_t len = (rnd(f) % 4 + 1) * PAGE;
	void *p;

	if (f->maps[i]) {
		munmap(f->maps[i], f->map_len[i]);
		f->maps[i] = NULL;
	}
	if (rnd(f) % 2)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 rnd(f) % 2 ? MAP_SHARED : MAP_PRIVATE, pick_fd(f, k),
			 (rnd(f) % 3) * PAGE);
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	f->maps[i] = p;
	f->map_len[i] = len;
	/* Touch it: faults on vCPU and guest memory mappings. */
	if (rnd(f) % 2 && !sigsetjmp(touch_env, 1))
		*(volatile uint8_t *)p = rnd(f);
}

/* A child may not use the parent's VM or vCPU: EIO, every time. */
static void do_fork(struct __test_metadata *_metadata, struct fuzz *f)
{
	int status, i, k, fd;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		struct kvm_regs regs;
		int bad = 0;

		for (i = 0; i < MAX_FDS; i++) {
			for (k = VM; k <= VCPU; k++) {
				fd = f->fds[k][i];
				if (fd < 0)
					continue;
				long ret = ioctl(fd, k == VM ? KVM_CREATE_VCPU : KVM_GET_REGS,
						 k == VM ? 0UL : (unsigned long)&regs);

				if (ret == 0 || (errno != EIO && errno != ENOTTY)) {
					dprintf(1, "# child: fd %d (kind %d): ioctl returned %ld, errno %d (%s)\n",
					       fd, k, ret, errno, strerror(errno));
					bad = 1;
				}
			}
		}
		_exit(bad);
	}
	if (pid < 0)
		return;
	/*
	 * The 2 ms ITIMER_REAL armed for a KVM_RUN may still be running: its
	 * SIGALRM (no SA_RESTART) must not cut the wait short, or the status
	 * read would be garbage.
	 */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	f->calls++;
	if (WIFSIGNALED(status)) {
		f->bad++;
		TH_LOG("call %ld: the forked child died of signal %d", f->calls,
		       WTERMSIG(status));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		f->bad++;
		TH_LOG("call %ld: a forked child could use the parent's VM", f->calls);
	}
}

struct racer {
	int fd;
	unsigned long cmd;
	int n;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct kvm_regs regs;
	int i, fd;


	for (i = 0; i < r->n; i++) {
		fd = ioctl(r->fd, r->cmd, r->cmd == KVM_CREATE_VCPU ?
			   (unsigned long)i : (unsigned long)&regs);
		if (r->cmd == KVM_CREATE_VCPU && fd >= 0)
			close(fd);
	}
	return NULL;
}

/* Two threads on one vCPU, one creating vCPUs on its VM. */
static void do_race(struct fuzz *f)
{
	struct racer r[3] = {
		{ pick_fd(f, VCPU), KVM_GET_REGS, 200 },
		{ pick_fd(f, VCPU), KVM_SET_REGS, 200 },
		{ pick_fd(f, VM), KVM_CREATE_VCPU, 8 },
	};
	pthread_t t[3];
	int i;

	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, race, &r[i]);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	f->calls += 408;
}

/* A fixture only for its timeout: the debug kernel needs minutes. */
FIXTURE(fuzz) {};
FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

TEST_F_TIMEOUT(fuzz, ioctl_fuzzer, 1200)
{
	const char *s = getenv("LVMM_FUZZ_SEED"), *n = getenv("LVMM_FUZZ_ITERS");
	long iters = n ? atol(n) : 100000, i;
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int seed = s ? strtoul(s, NULL, 0) : (unsigned int)time(NULL);
	struct fuzz f = { .seed = seed };
	char line[64];
	FILE *fp;
	int k, j;

	printf("# fuzz seed %u, %ld iterations (replay: LVMM_FUZZ_SEED=%u)\n",
	       seed, iters, seed);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_bus;
	sigaction(SIGBUS, &sa, NULL);
	f.buf = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.buf);
	ASSERT_EQ(0, mprotect(f.buf + 2 * PAGE, PAGE, PROT_NONE));
	for (k = 0; k < NKINDS; k++)
		for (j = 0; j < MAX_FDS; j++)
			f.fds[k][j] = -1;
	for (j = 0; j < MAX_FDS; j++)
		f.fds[SYS][j] = vmm_open(LVMM_DEV);

	for (i = 0; f.calls < iters; i++) {
		unsigned int what = rnd(&f) % 1000;

		if (what < 900)
			do_ioctl(_metadata, &f);
		else if (what < 960)
			do_mm(&f);
		else if (what < 990) {
			k = rnd(&f) % NKINDS;
			j = rnd(&f) % MAX_FDS;
			if (f.fds[k][j] >= 0 && k != SYS)
				close(f.fds[k][j]);
			if (k != SYS)
				f.fds[k][j] = -1;
		} else if (what < 996)
			do_race(&f);
		else
			do_fork(_metadata, &f);
		if (f.bad > 20)
			break;
	}

	for (j = 0; j < 64; j++)
		if (f.maps[j])
			munmap(f.maps[j], f.map_len[j]);
	for (k = 0; k < NKINDS; k++)
		for (j = 0; j < MAX_FDS; j++)
			if (f.fds[k][j] >= 0)
				close(f.fds[k][j]);
	printf("# fuzz: %ld calls, %ld with an undocumented result\n", f.calls, f.bad);
	EXPECT_EQ(0, f.bad) TH_LOG("replay with LVMM_FUZZ_SEED=%u", seed);

	/* Everything closed: no VM may be left (the last fput may lag a bit). */
	for (j = 0; j < 100; j++) {
		fp = fopen("/sys/kernel/lvmm/stats/vms", "re");
		ASSERT_NE(NULL, fp);
		ASSERT_NE(NULL, fgets(line, sizeof(line), fp));
		fclose(fp);
		if (atoi(line) == 0)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, atoi(line)) TH_LOG("VMs left after every fd was closed");
}

TEST_HARNESS_MAIN
