/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvmm run --gdb PORT (gdbstub.c): a GDB remote stub. The vCPU threads
 * call in around KVM_RUN, and on KVM_EXIT_DEBUG.
 */
#ifndef LVMM_CLI_GDBSTUB_H
#define LVMM_CLI_GDBSTUB_H

struct gdb;
struct vcpu;
struct vm;

/* Listen on 127.0.0.1:@port; NULL (with a message) if that fails. */
struct gdb *gdb_listen(struct vm *vm, int port);
/* Serve gdb from a thread of its own; the vCPUs wait for it. 0 or errno. */
int gdb_start(struct gdb *g);
/* Around each KVM_RUN: wait while gdb holds the vCPUs stopped. */
void gdb_vcpu_enter(struct gdb *g, struct vcpu *c);
void gdb_vcpu_leave(struct gdb *g, struct vcpu *c);
/* KVM_EXIT_DEBUG: a breakpoint or a step; every vCPU stops. */
void gdb_vcpu_stopped(struct gdb *g, struct vcpu *c);
/* The VM is ending: let waiting vCPUs see it. */
void gdb_wake_all(struct gdb *g);

#endif /* LVMM_CLI_GDBSTUB_H */
