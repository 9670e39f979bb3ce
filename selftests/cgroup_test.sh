#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest that runs past its VMM's memory cgroup limit gets an error exit
# (KVM_RUN: ENOMEM, lvmm run status 71), nobody is OOM-killed, and the host
# goes on running guests.
. "$(dirname "$0")/ktap.sh"
ktap_header 3
CG=/sys/fs/cgroup
if ! grep -q cgroup2 /proc/mounts; then
	mount -t cgroup2 none $CG 2>/dev/null
fi
if ! echo +memory > $CG/cgroup.subtree_control 2>/dev/null; then
	for t in error_exit_past_the_limit no_oom_kill host_still_runs_guests; do
		ktap_result skip $t "no memory cgroup controller"
	done
	ktap_finish
	exit 0
fi
mkdir -p $CG/lvmm-small
echo 24M > $CG/lvmm-small/memory.max
sh -c "echo \$\$ > $CG/lvmm-small/cgroup.procs; exec lvmm run -q -m 256M --cmdline size=128M /guests/memfill.elf" > /tmp/cg.out 2>&1
st=$?
[ $st = 71 ] && grep -q 'Cannot allocate memory' /tmp/cg.out
ok=$?
[ $ok = 0 ] || { echo "# status $st:"; sed 's/^/#   /' /tmp/cg.out; }
ktap_result $ok error_exit_past_the_limit
kills=$(sed -n 's/^oom_kill //p' $CG/lvmm-small/memory.events)
[ "${kills:-1}" = 0 ]
ktap_result $? "no_oom_kill (oom_kill ${kills:-?})"
smoke_guest /dev/lvmm > /dev/null
ktap_result $? host_still_runs_guests
rmdir $CG/lvmm-small
ktap_finish
