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
