#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest that runs past its VMM's memory cgroup limit gets an error exit:
# lvmm's own allocations for the guest fail with ENOMEM (lvmm run status
# 71) instead of invoking the cgroup's OOM killer. The VMM process itself is
# still subject to its cgroup: if one of its own page faults (a stack page,
# say) comes after the guest used up the limit, the cgroup may kill it, and
# only it. Either way the limit holds and the host goes on running guests.
. "$(dirname "$0")/ktap.sh"
ktap_header 3
CG=/sys/fs/cgroup
if ! grep -q cgroup2 /proc/mounts; then
	mount -t cgroup2 none $CG 2>/dev/null
fi
if ! echo +memory > $CG/cgroup.subtree_control 2>/dev/null; then
	for t in error_exit_past_the_limit limit_held host_still_runs_guests; do
		ktap_result skip $t "no memory cgroup controller"
	done
	ktap_finish
	exit 0
fi
mkdir -p $CG/lvmm-small
echo 24M > $CG/lvmm-small/memory.max
sh -c "echo \$\$ > $CG/lvmm-small/cgroup.procs; exec lvmm run -q -m 256M --cmdline size=128M /guests/memfill.elf" > /tmp/cg.out 2>&1
st=$?
kills=$(sed -n 's/^oom_kill //p' $CG/lvmm-small/memory.events)
if [ $st = 71 ] && grep -q 'Cannot allocate memory' /tmp/cg.out; then
	ktap_result 0 "error_exit_past_the_limit (ENOMEM)"
elif [ $st = 137 ] && [ "${kills:-0}" -ge 1 ]; then
	ktap_result 0 "error_exit_past_the_limit (VMM killed inside its cgroup)"
else
	echo "# status $st, oom_kill ${kills:-?}:"
	sed 's/^/#   /' /tmp/cg.out
	ktap_result 1 error_exit_past_the_limit
fi
peak=$(cat $CG/lvmm-small/memory.peak 2>/dev/null || cat $CG/lvmm-small/memory.current)
[ "$peak" -le $((24 << 20)) ]
ktap_result $? "limit_held (peak $((peak >> 20)) MiB of 24)"
smoke_guest /dev/lvmm > /dev/null
ktap_result $? host_still_runs_guests
rmdir $CG/lvmm-small
ktap_finish
