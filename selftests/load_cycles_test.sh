#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload lvmm.ko $LVMM_LOAD_CYCLES times (default 50); the node and
# sysfs must come and go with it, and the kernel log must stay clean.
. "$(dirname "$0")/ktap.sh"
cycles=${LVMM_LOAD_CYCLES:-50}
ktap_header 4

grep -q '^lvmm ' /proc/modules && rmmod lvmm
mark="load_cycles_test start $$"
dmesg_mark "$mark"

bad=0
i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	if ! insmod "$LVMM_KO"; then echo "# cycle $i: insmod failed"; bad=1; break; fi
	[ -c /dev/lvmm ] || { echo "# cycle $i: no /dev/lvmm after insmod"; bad=1; }
	[ -r /sys/kernel/lvmm/version ] || { echo "# cycle $i: no sysfs"; bad=1; }
	if ! rmmod lvmm; then echo "# cycle $i: rmmod failed"; bad=1; break; fi
	[ -e /dev/lvmm ] && { echo "# cycle $i: /dev/lvmm left behind"; bad=1; }
	[ -e /sys/kernel/lvmm ] && { echo "# cycle $i: sysfs left behind"; bad=1; }
	[ $bad = 0 ] || break
done
ktap_result $bad "load_unload_${cycles}_cycles"

n=$(dmesg_since "$mark" | grep -c 'lvmm: version .* loaded')
[ "$n" = "$cycles" ]; ktap_result $? "each_load_logged_once ($n of $cycles)"

splats=$(dmesg_since "$mark" | grep -E "$KTAP_SPLAT")
[ -z "$splats" ]; ktap_result $? "no_kernel_splat"
[ -n "$splats" ] && echo "$splats" | sed 's/^/# /'

insmod "$LVMM_KO"

# Unloading while a VM exists fails cleanly, and works once it is gone.
lvmm run -q --cmdline size=1M /guests/memfill.elf > /tmp/idle.out 2>&1 &
vmm=$!
i=0
while [ $i -lt 300 ] && ! grep -q idling /tmp/idle.out; do sleep 0.1; i=$((i + 1)); done
ok=0
if rmmod lvmm 2>/tmp/rmmod.err; then
	echo "# rmmod succeeded with a VM running"; ok=1
	insmod "$LVMM_KO"
else
	grep -Eqi 'in use|unavailable|busy' /tmp/rmmod.err || { echo "# rmmod said: $(cat /tmp/rmmod.err)"; ok=1; }
fi
kill $vmm; wait $vmm
rmmod lvmm || { echo "# rmmod failed after the VM was gone"; ok=1; }
insmod "$LVMM_KO" || ok=1
ktap_result $ok unload_refused_while_a_vm_exists
ktap_finish
