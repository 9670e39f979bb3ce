// SPDX-License-Identifier: GPL-2.0
/*
 * smoke_guest DEVICE: run a two-instruction real-mode guest on DEVICE
 * (/dev/kvm or /dev/lvmm) and check that it writes 'K' to port 0x10 and
 * halts. Exit 0 when it does. The coexistence tests use it to show that a
 * hypervisor still works after the other one was loaded or unloaded.
 */
#include <stdio.h>
#include <string.h>

#include "vmm.h"

static const unsigned char guest_code[] = {
	0xb0, 'K',		/* mov al, 'K' */
	0xe6, 0x10,		/* out 0x10, al */
	0xf4,			/* hlt */
};

int main(int argc, char **argv)
{
	const char *device = argc > 1 ? argv[1] : vmm_device();
	struct vcpu *vcpu;
	struct vm *vm;
	uint8_t *mem;
	char data;

	vm = vm_create(device);
	mem = vm_add_anon_memory(vm, 0, 0, 0x10000);
	memcpy(mem + 0x1000, guest_code, sizeof(guest_code));
	vcpu = vcpu_create(vm, 0);
	vcpu_setup_real_mode(vcpu, 0x1000);

	vcpu_run(vcpu);
	if (vcpu->run->exit_reason != KVM_EXIT_IO ||
	    vcpu->run->io.port != 0x10 ||
	    vcpu->run->io.direction != KVM_EXIT_IO_OUT) {
		fprintf(stderr, "smoke_guest: %s: expected OUT to 0x10, got exit %s\n",
			device, exit_reason_str(vcpu->run->exit_reason));
		return 1;
	}
	data = *((char *)vcpu->run + vcpu->run->io.data_offset);
	vcpu_run(vcpu);
	if (vcpu->run->exit_reason != KVM_EXIT_HLT || data != 'K') {
		fprintf(stderr, "smoke_guest: %s: expected 'K' then HLT, got '%c' then %s\n",
			device, data, exit_reason_str(vcpu->run->exit_reason));
		return 1;
	}
	vcpu_destroy(vcpu);
	vm_destroy(vm);
	printf("smoke_guest: %s ran a guest\n", device);
	return 0;
}
