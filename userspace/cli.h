/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the lvmm CLI's files.
 */
#ifndef LVMM_CLI_H
#define LVMM_CLI_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The lvmm process's exit status (Documentation/cli.rst), not a VM exit:
 * sysexits.h's codes for the CLI's own failures, 80 and up for a guest
 * that could not go on.
 */
enum cli_status {
	CLI_OK			= 0,
	CLI_USAGE		= 64,	/* bad option (EX_USAGE) */
	CLI_BADIMAGE		= 65,	/* image malformed, request refused (EX_DATAERR) */
	CLI_NOINPUT		= 66,	/* image unreadable (EX_NOINPUT) */
	CLI_NODEV		= 69,	/* no /dev/lvmm: module not loaded */
	CLI_OSERR		= 71,	/* a system call failed */
	CLI_NOPERM		= 77,	/* permission denied */
	CLI_TRIPLE_FAULT	= 80,	/* the guest triple-faulted */
	CLI_FAIL_ENTRY		= 81,	/* the CPU refused the guest state */
	CLI_INTERNAL		= 82,	/* the hypervisor could not go on */
};

int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_stat(int argc, char **argv);

/* api_client.c: requests to lvmm run's control socket */
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_api(int argc, char **argv);
int cmd_vm_info(const char *vm);
void api_vm_state(const char *vm, char *state, size_t len);

/* Open a VMM device node, reporting a failure in words; -1 on error. */
int open_device(const char *path, int *exit_code);

/* sysfs.c: reading /sys/kernel/lvmm */
#define LVMM_SYSFS "/sys/kernel/lvmm"
int sysfs_read(const char *dir, const char *name, char *buf, size_t len);
long long sysfs_num(const char *dir, const char *name);
int sysfs_get(const char *dir, const char *name, long long *v);

/* --- lvmm run ------------------------------------------------------------ */

enum cpu_mode { MODE_REAL, MODE_PROTECTED, MODE_LONG, MODE_LINUX };

/* What a loaded image asks of the vCPUs. */
struct image {
	enum cpu_mode mode;
	uint64_t entry;
};

/* loader.c */
uint8_t *read_whole_file(const char *path, size_t *size, int *code);
int load_image(const char *path, uint8_t *mem, uint64_t mem_size,
	       enum cpu_mode flat_mode, uint64_t flat_addr, struct image *img);

/* boot.c: the guest ABI (Documentation/guest-abi.rst) */
#define BOOT_AREA_START	0x80000		/* real-mode stacks, tables, boot info */
#define BOOT_AREA_END	0x98000
int boot_setup_memory(uint8_t *mem, uint64_t mem_size, int nr_cpus,
		      const char *cmdline);
int boot_setup_vcpu(int sys_fd, int vcpu_fd, const struct image *img,
		    int id, uint64_t mem_size);
int boot_set_cpuid(int sys_fd, int vcpu_fd, int id);

/*
 * The Linux platform (Documentation/platform.rst): hardware-reduced ACPI,
 * a local APIC per vCPU and an IOAPIC in the kernel, COM1 on GSI 4.
 */
#define LAPIC_ADDR		0xfee00000u
#define IOAPIC_ADDR		0xfec00000u
#define ACPI_TABLES_ADDR	0xe0000
#define ACPI_TABLES_END		0xe2000
#define PORT_ACPI_SLEEP_CONTROL	0x600	/* SLP_TYP << 2 | SLP_EN (0x20) */
#define PORT_ACPI_SLEEP_STATUS	0x601
#define ACPI_S5_SLEEP_TYPE	5	/* poweroff */
#define SLEEP_ENABLE		0x20
#define PORT_RESET		0xcf9	/* the FADT's reset register */
#define RESET_VALUE		0x06
#define PORT_I8042_COMMAND	0x64	/* 0xfe: pulse the reset line */
#define I8042_RESET		0xfe
#define UART_GSI		4

struct linux_boot {
	const char *kernel;
	const char *initrd;		/* or NULL */
	const char *cmdline;
};

/* linux.c and acpi.c */
int linux_load(const struct linux_boot *lb, uint8_t *mem, uint64_t mem_size,
	       int nr_cpus, struct image *img);
int linux_setup_bsp(int vcpu_fd, const struct image *img);
int acpi_setup(uint8_t *mem, int nr_cpus, uint64_t *rsdp_addr);

/* uart.c: a 16550A at 0x3f8 */
#define UART_BASE	0x3f8
struct uart {
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t rx[4096];
	unsigned int rx_head, rx_tail;
	bool thre_pending;	/* "THR empty" not yet acknowledged */
	bool paced_input;	/* input only while IER enables it */
	bool irq_level;
	void (*set_irq)(void *ctx, bool level);
	void *irq_ctx;
	int out_fd;
};
void uart_init(struct uart *u, int out_fd);
void uart_set_irq(struct uart *u, void (*set_irq)(void *ctx, bool level),
		  void *ctx);
void uart_pace_input(struct uart *u);
void uart_io(struct uart *u, uint16_t port, bool in, uint8_t *data);
void uart_receive(struct uart *u, const uint8_t *buf, size_t n);

/* console.c: the terminal */
void console_raw(void);
void console_restore(void);

#endif /* LVMM_CLI_H */
