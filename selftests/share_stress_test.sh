#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stress with page sharing: 32 VMs x 2 vCPUs in one share group, for a
# bounded time, while this script kills VMM processes at random (SIGKILL,
# in whatever state their VMs are) and starts them again. Afterwards every
# sharing counter must be back at zero, no VM may be left, and the host
# must still run guests. Splats and leaks fail the run through testvm.
. "$(dirname "$0")/ktap.sh"
S=/sys/kernel/lvmm/sharing
N=${LVMM_STRESS_VMS:-32}
SECS=${LVMM_STRESS_SECS:-20}
D=/tmp/share-stress
ktap_header 3
if [ ! -d $S ]; then
	for t in vmms_killed_and_restarted counters_back_to_zero host_still_runs_guests; do
		ktap_result skip $t "no $S"
	done
	ktap_finish
	exit 0
fi
old_pages=$(cat $S/pages_to_scan) old_sleep=$(cat $S/sleep_millisecs)
echo 5000 > $S/pages_to_scan
echo 1 > $S/sleep_millisecs
merged0=$(cat $S/pages_merged) cow0=$(cat $S/cow_breaks)
mkdir -p $D

start() { # start I: one VMM, its pid in $D/pid.I
	lvmm run -q -c 2 -m 12M --share --name "stress-$1" \
		--cmdline "size=4M unique=1 seed=$1" /guests/memfill.elf \
		> /dev/null 2>&1 &
	echo $! > $D/pid.$1
}

i=1
while [ $i -le "$N" ]; do
	start $i
	i=$((i + 1))
done
kills=0 failed=0
end=$(($(cut -d. -f1 /proc/uptime) + SECS))
seed=$$
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	i=$((seed % N + 1))
	pid=$(cat $D/pid.$i)
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		kills=$((kills + 1))
	else
		# It ended without being killed: that is a failure.
		wait "$pid" 2>/dev/null
		failed=$((failed + 1))
	fi
	start $i
	sleep 0.$((seed % 5))
done
merges=$(($(cat $S/pages_merged) - merged0))
cows=$(($(cat $S/cow_breaks) - cow0))
echo "# stress: $N VMs x 2 vCPUs with sharing, $kills VMMs killed and restarted in ${SECS}s," \
     "$failed died on their own, $merges merges, $cows copies on write"
[ $kills -gt 0 ] && [ $failed = 0 ] && [ $merges -gt 0 ]
ktap_result $? vmms_killed_and_restarted

for f in $D/pid.*; do kill -9 "$(cat "$f")" 2>/dev/null; done
wait
t=0
while [ "$(cat /sys/kernel/lvmm/stats/vms)" != 0 ] && [ $t -lt 100 ]; do
	sleep 0.1
	t=$((t + 1))
done
left="vms=$(cat /sys/kernel/lvmm/stats/vms) pages_shared=$(cat $S/pages_shared)"
left="$left pages_sharing=$(cat $S/pages_sharing) zero_pages=$(cat $S/zero_pages)"
left="$left pages_unshared=$(cat $S/pages_unshared)"
echo "# after the last VMM: $left"
[ "$left" = "vms=0 pages_shared=0 pages_sharing=0 zero_pages=0 pages_unshared=0" ]
ktap_result $? counters_back_to_zero
smoke_guest /dev/lvmm > /dev/null
ktap_result $? host_still_runs_guests
echo "$old_pages" > $S/pages_to_scan
echo "$old_sleep" > $S/sleep_millisecs
rm -rf $D
ktap_finish
