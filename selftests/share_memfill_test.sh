#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Page sharing with real guests: N VMs (8) in one group run memfill with the
# same page-distinct 16 MiB pattern, plus a region unique to each and a
# zeroed one. The scanner must merge at least 95% of what could merge, and
# free memory (MemFree plus the per-CPU free lists) must rise by at least
# 90% of what the counters claim. Then two
# groups with the same content: only zero pages are shared, until
# merge_across_groups=1 lets everything merge.
. "$(dirname "$0")/ktap.sh"
S=/sys/kernel/lvmm/sharing
G=/guests
N=${LVMM_SHARE_VMS:-8}
MIB=${LVMM_SHARE_MIB:-16}
PATIENCE=${LVMM_SHARE_PATIENCE:-120}
PAGES=$((MIB * 256))
ktap_header 5

if [ ! -d $S ]; then
	for t in merge_reaches_95_percent memfree_rises groups_share_only_zero_pages \
		 across_groups_shares_all unmerge_all; do
		ktap_result skip $t "no $S"
	done
	ktap_finish
	exit 0
fi

knob() { echo "$2" > $S/$1; }
stat() { cat $S/$1; }
# Free memory in kB: MemFree, plus the free pages waiting in the per-CPU
# lists, where freed pages go first and which MemFree does not count.
memfree() {
	pcp=$(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
	echo $(($(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo) + pcp * 4))
}
old_pages=$(stat pages_to_scan) old_sleep=$(stat sleep_millisecs)

# start_guests GROUP... : one memfill VM per argument, in that group.
pids=
start_guests() {
	i=0
	for grp in "$@"; do
		i=$((i + 1))
		lvmm run -q -m $((MIB + 8))M --share=$grp \
			--cmdline "size=${MIB}M unique=1 seed=$i zero=1" \
			$G/memfill.elf > /tmp/share.$i 2>&1 &
		pids="$pids $!"
	done
	t=0
	while [ $(cat /tmp/share.* 2>/dev/null | grep -c idling) -lt $# ]; do
		sleep 0.2
		t=$((t + 1))
		[ $t -lt $((PATIENCE * 5)) ] || { echo "# guests did not fill"; return 1; }
	done
}
stop_guests() {
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	pids=
	rm -f /tmp/share.*
}
# wait_stat NAME MIN: poll until the counter reaches MIN or time is up.
wait_stat() {
	t=0
	while [ "$(stat $1)" -lt "$2" ] && [ $t -lt $((PATIENCE * 10)) ]; do
		sleep 0.1
		t=$((t + 1))
	done
	[ "$(stat $1)" -ge "$2" ]
}

knob run 2
knob merge_across_groups 0
knob pages_to_scan 20000
knob sleep_millisecs 0

# 1-2: N guests in one group. Filled with the scanner stopped, so that the
# MemFree baseline holds every page.
groups=
for i in $(seq "$N"); do groups="$groups 1"; done
# shellcheck disable=SC2086
start_guests $groups
sleep 1
free0=$(memfree)
scans0=$(stat full_scans)
mergeable=$(((N - 1) * PAGES))
target=$((mergeable * 95 / 100))
t0=$(cut -d" " -f1 /proc/uptime)
knob run 1
wait_stat pages_sharing $target
ok=$?
t1=$(cut -d" " -f1 /proc/uptime)
sleep 1
sharing=$(stat pages_sharing) zero=$(stat zero_pages)
scans=$(($(stat full_scans) - scans0))
echo "# $N guests x $MIB MiB: pages_sharing $sharing of $mergeable mergeable" \
     "(target $target), zero_pages $zero, after $scans full scans," \
     "$(awk "BEGIN { print $t1 - $t0 }") s"
ktap_result $ok merge_reaches_95_percent
free1=$(memfree)
claimed=$(((sharing + zero) * 4))
rise=$((free1 - free0))
echo "# MemFree (with per-CPU free lists) rose $rise kB; the counters claim $claimed kB; profit_bytes $(stat profit_bytes)"
if [ -e /sys/kernel/debug/kmemleak ]; then
	# kmemleak's per-object records, KASAN's quarantine and stack depot
	# take megabytes while thousands of pages merge: not lvmm's memory.
	ktap_result skip memfree_rises "debug kernel: kmemleak and KASAN bookkeeping move MemFree; checked on the stock kernel"
else
	[ $rise -ge $((claimed * 90 / 100)) ]
	ktap_result $? memfree_rises
fi
stop_guests
knob run 2

# 3-5: two groups, same content.
start_guests 1 2
knob run 1
wait_stat zero_pages 512
z=$?
wait_stat full_scans $(($(stat full_scans) + 2))
shared=$(stat pages_shared)
echo "# two groups: pages_shared $shared, zero_pages $(stat zero_pages)"
[ $z = 0 ] && [ "$shared" = 0 ]
ktap_result $? groups_share_only_zero_pages
knob run 2
knob merge_across_groups 1
knob run 1
wait_stat pages_sharing $((PAGES * 95 / 100))
ktap_result $? across_groups_shares_all
echo "# across groups: pages_sharing $(stat pages_sharing)"
knob run 2
[ "$(stat pages_shared)" = 0 ] && [ "$(stat zero_pages)" = 0 ]
ktap_result $? unmerge_all
stop_guests

knob merge_across_groups 0
knob pages_to_scan "$old_pages"
knob sleep_millisecs "$old_sleep"
knob run 1
ktap_finish
