#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lvmm and kvm_amd loaded and unloaded in every order: each hypervisor that is
# loaded must still run guests, and the kernel log must stay clean. lvmm sets
# EFER.SVME only around its own VMRUN, so no load order is refused. KVM is
# loaded with enable_virt_at_load=0, so that it holds SVM only while it has
# VMs; with KVM's default (SVM held from load to unload) lvmm's KVM_RUN must
# fail cleanly with EBUSY and say why.
. "$(dirname "$0")/ktap.sh"
ktap_header 7

kvm_load_with() { # kvm_load_with ENABLE_VIRT_AT_LOAD
	for m in $LVMM_KVM_MODULES; do
		mod=$(basename "$m" .ko | tr - _)
		args=
		[ "$mod" = kvm ] && args="enable_virt_at_load=$1"
		grep -q "^$mod " /proc/modules || insmod "$m" $args || return 1
	done
}
kvm_load() { kvm_load_with 0; }
kvm_load_holding_svm() { kvm_load_with 1; }
kvm_unload() {
	for m in $(echo "$LVMM_KVM_MODULES" | tr ' ' '\n' | sed '1!G;h;$!d'); do
		rmmod "$(basename "$m" .ko)" || return 1
	done
}
lvmm_load() { insmod "$LVMM_KO"; }
lvmm_unload() { rmmod lvmm; }
# A working KVM runs a guest; a working lvmm answers its device and sysfs.
kvm_works() { smoke_guest /dev/kvm >/dev/null; }
lvmm_works() { lvmm info >/dev/null && smoke_guest /dev/lvmm >/dev/null; }
lvmm_refuses_busy() {
	out=$(smoke_guest /dev/lvmm 2>&1) && return 1
	echo "$out" | grep -q 'errno 16' &&
		dmesg | tail -n 5 | grep -q 'another hypervisor (kvm_amd?) has SVM enabled'
}

run_case() { # run_case NAME STEP...
	name=$1; shift
	mark="kvm_coexist $name $$"
	dmesg_mark "$mark"
	ok=0
	for step in "$@"; do
		if ! $step; then echo "# $name: step '$step' failed"; ok=1; break; fi
	done
	splats=$(dmesg_since "$mark" | grep -E "$KTAP_SPLAT")
	[ -n "$splats" ] && { echo "$splats" | sed 's/^/# /'; ok=1; }
	# Back to the starting state (lvmm loaded, KVM not) whatever happened.
	grep -q '^kvm_amd ' /proc/modules && kvm_unload
	grep -q '^lvmm ' /proc/modules || lvmm_load
	ktap_result $ok "$name"
}

grep -q '^lvmm ' /proc/modules || lvmm_load
run_case lvmm_then_kvm_unload_lvmm_first \
	kvm_load kvm_works lvmm_works lvmm_unload kvm_works kvm_unload lvmm_load lvmm_works
run_case lvmm_then_kvm_unload_kvm_first \
	kvm_load kvm_works kvm_unload lvmm_works
run_case kvm_then_lvmm_unload_kvm_first \
	lvmm_unload kvm_load kvm_works lvmm_load lvmm_works kvm_works kvm_unload lvmm_works
run_case kvm_then_lvmm_unload_lvmm_first \
	lvmm_unload kvm_load lvmm_load lvmm_works lvmm_unload kvm_works kvm_unload lvmm_load
run_case kvm_holding_svm_makes_lvmm_refuse_cleanly \
	kvm_load_holding_svm kvm_works lvmm_refuses_busy kvm_unload lvmm_works

# kvm_amd loaded and unloaded while an lvmm guest computes: the guest either
# finishes with the right answer, or (KVM holding SVM) stops with status 81
# and says why. Never a wrong answer, never a splat.
guest_under_kvm_churn() { # guest_under_kvm_churn ENABLE_VIRT_AT_LOAD
	lvmm run -q --cmdline n=60000 /guests/primes.elf > /tmp/churn.out 2>&1 &
	vmm=$!
	for i in 1 2 3; do
		kvm_load_with "$1" && kvm_unload || return 1
	done
	wait $vmm
	st=$?
	if [ $st = 0 ]; then
		grep -q '6057 primes below 60000' /tmp/churn.out
	else
		[ $st = 81 ] && grep -q 'another hypervisor' /tmp/churn.out
	fi
}
churn_idle_kvm() { guest_under_kvm_churn 0; }
churn_kvm_holding_svm() { guest_under_kvm_churn 1; }
run_case kvm_loaded_and_unloaded_under_a_running_guest churn_idle_kvm
run_case kvm_holding_svm_loaded_under_a_running_guest churn_kvm_holding_svm
ktap_finish
