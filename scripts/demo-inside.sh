#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM for `make demo`.
step() { echo; echo "### $*"; }

step "The kernel lvmm was loaded into, and what it logged at load"
uname -r
dmesg | grep 'lvmm:'

step "The device node: root only, as /dev/kvm would be on a locked-down host"
ls -l /dev/lvmm

step "lvmm info: KVM API version over the ioctl, then sysfs"
lvmm info

step "/sys/kernel/lvmm/, one value per file"
for f in $(find /sys/kernel/lvmm -type f | sort); do
	printf '%-45s %s\n' "$f" "$(cat "$f")"
done

step "Guests in four processor modes, on lvmm's own memory and on anonymous memory"
guest_modes_test | grep -E '^(ok|not ok)'

step "Exits: CPUID, MMIO decoding, string I/O, triple fault, signals"
exits_test | grep -E '^(ok|not ok)'

step "Tracepoints: every exit of a tiny guest"
echo 1 > /sys/kernel/tracing/events/lvmm/enable
smoke_guest /dev/lvmm
echo 0 > /sys/kernel/tracing/events/lvmm/enable
grep lvmm_ /sys/kernel/tracing/trace | sed 's/^ *//' | head -n 20

step "8 VMs x 4 vCPUs at once, then lvmm's counters"
smp_test -t eight_vms_of_four_vcpus | grep -E '^(ok|not ok)'
lvmm stat

step "Unload and load again"
rmmod lvmm && echo "unloaded; /dev/lvmm present: $([ -e /dev/lvmm ] && echo yes || echo no)"
insmod "$LVMM_KO" && echo "loaded again; /dev/lvmm present: $([ -e /dev/lvmm ] && echo yes || echo no)"

step "Side by side with kvm_amd"
for m in $LVMM_KVM_MODULES; do
	case $m in */kvm.ko) insmod "$m" enable_virt_at_load=0 ;; *) insmod "$m" ;; esac
done
lsmod | grep -E '^(lvmm|kvm_amd|kvm) '
smoke_guest /dev/kvm
smoke_guest /dev/lvmm
echo "The same guest programs on both, compared exit by exit:"
kvm_oracle_test | grep -E '^(ok|not ok)' 
