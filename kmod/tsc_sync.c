// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's writes of IA32_TSC (KVM_SET_MSRS), synchronized across a VM's
 * vCPUs as KVM's kvm_synchronize_tsc() does. A VMM sets each vCPU's TSC
 * in turn, QEMU to 0 at every reset; taken literally, vCPUs written a few
 * microseconds apart would disagree by that much, and a Linux guest that
 * measures the warp stops trusting its TSC. So a write of 0, or of a value
 * within a second of where the last written TSC has got to since, means
 * "the same TSC as the others" and gets their offset; any other value
 * starts a new one. The guest's own writes are taken literally (msr.c).
 */
#include <linux/math64.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "arch.h"
#include "core.h"
#include "vcpu.h"
#include "vm.h"

void lvmm_tsc_sync_init(struct lvmm_vm *vm)
{
	spin_lock_init(&vm->tsc.lock);
}

void lvmm_tsc_host_write(struct lvmm_vcpu *vcpu, u64 data)
{
	struct lvmm_tsc_sync *s = &vcpu->vm->tsc;
	/* The guest's TSC runs at the host's rate (KVM_GET_TSC_KHZ). */
	u64 hz = (u64)tsc_khz * 1000, now, expected, offset;

	spin_lock(&s->lock);
	now = ktime_get_ns();
	offset = data - rdtsc();
	if (s->written) {
		expected = s->last_write +
			   mul_u64_u64_div_u64(now - s->last_ns, hz, NSEC_PER_SEC);
		if (!data || (data < expected + hz && data + hz > expected))
			offset = s->offset;
	}
	s->written = true;
	s->offset = offset;
	s->last_write = data;
	s->last_ns = now;
	spin_unlock(&s->lock);
	lvmm_arch->set_tsc_offset(vcpu, offset);
}
