#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lvmm-bench-sharing [--smoke]: page sharing against KSM, inside the test VM.
# N memfill guests fill the same page-distinct pattern; lvmm's scanner
# merges them on /dev/lvmm, KSM on /dev/kvm (lvmm run --share hands the
# anonymous guest memory to KSM there). For each engine and total size:
# time to 50% and 95% of the attainable saving ((N-1) guests' pattern),
# scanner CPU seconds to 95% (the kernel thread's schedstat), the final
# saving by the counters and by free memory, and scanner CPU per full scan
# once everything is merged. One "bench: {json}" line per figure.
#
# KSM runs at its defaults (at the middle size: a full 1 GiB scan at 100
# pages per 20 ms takes minutes) and tuned: pages_to_scan set so that
# ksmd uses as much CPU per second as lvmm's scanner did.
set -u
N=4
SIZES="16 64 256"	# MiB per guest: 64 MiB, 256 MiB and 1 GiB in all
DEFAULT_SIZE=64
PATIENCE=300		# seconds per run before giving up on 95%
if [ "${1:-}" = --smoke ]; then
	N=2 SIZES=2 DEFAULT_SIZE=2 PATIENCE=60
fi
L=/sys/kernel/lvmm/sharing
K=/sys/kernel/mm/ksm
G=${LVMM_GUESTS:-/guests}
[ -d $L ] || { echo "lvmm-bench-sharing: no $L (lvmm not loaded?)" >&2; exit 1; }
[ -d $K ] || { echo "lvmm-bench-sharing: no $K (kernel without KSM)" >&2; exit 1; }
[ -c /dev/kvm ] || { echo "lvmm-bench-sharing: no /dev/kvm (load kvm_amd)" >&2; exit 1; }

now() { cut -d' ' -f1 /proc/uptime; }
# Free memory in kB, with the per-CPU free lists.
memfree() {
	pcp=$(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
	echo $(($(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo) + pcp * 4))
}
thread_pid() {
	for p in /proc/[0-9]*; do
		[ "$(cat $p/comm 2>/dev/null)" = "$1" ] && { echo "${p#/proc/}"; return; }
	done
	echo "lvmm-bench-sharing: no kernel thread $1" >&2
	exit 1
}
cpu_ns() { cut -d' ' -f1 /proc/$1/schedstat; }
emit() { # emit TEST DEV UNIT BETTER VALUE [NOTE]
	printf 'bench: {"test": "%s", "dev": "%s", "unit": "%s", "better": "%s", "samples": [%s]%s}\n' \
		"$1" "$2" "$3" "$4" "$5" "${6:+, \"note\": \"$6\"}"
}

# start_guests DEVICE MIB: N memfill guests, filled, before any scanning.
pids=
start_guests() {
	rm -f /tmp/fill.*
	for i in $(seq $N); do
		lvmm run -q --device "$1" --share -m $(($2 + 8))M \
			--cmdline "size=${2}M" $G/memfill.elf > /tmp/fill.$i 2>&1 &
		pids="$pids $!"
	done
	t=0
	while [ "$(cat /tmp/fill.* 2>/dev/null | grep -c idling)" -lt $N ]; do
		sleep 0.2
		t=$((t + 1))
		[ $t -lt 1500 ] || { echo "lvmm-bench-sharing: guests did not fill" >&2; cat /tmp/fill.* >&2; exit 1; }
	done
}
stop_guests() {
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	pids=
}

# measure ENGINE MIB: start the scanner, wait for 50% and 95%, settle,
# then emit. ENGINE is lvmm, ksm or ksm-tuned (knobs already set).
measure() {
	eng=$1 mib=$2
	case $eng in
	lvmm) dir=$L pid=$(thread_pid lvmm_share) ;;
	*) dir=$K pid=$(thread_pid ksmd) ;;
	esac
	goal=$(((N - 1) * mib * 256))
	free0=$(memfree)
	cpu0=$(cpu_ns $pid)
	t0=$(now)
	echo 1 > $dir/run
	t50= t95=
	deadline=$(awk "BEGIN { print $t0 + $PATIENCE }")
	while :; do
		s=$(cat $dir/pages_sharing) t=$(now)
		[ -z "$t50" ] && [ $((s * 2)) -ge $goal ] && t50=$t
		if [ $((s * 100)) -ge $((goal * 95)) ]; then
			t95=$t cpu95=$(cpu_ns $pid)
			break
		fi
		awk "BEGIN { exit !($t > $deadline) }" && break
		sleep 0.1
	done
	# Settle: two more full scans, then the final saving and the steady
	# cost of a full scan.
	scans=$(cat $dir/full_scans)
	c1=$(cpu_ns $pid)
	while [ "$(cat $dir/full_scans)" -lt $((scans + 2)) ]; do
		sleep 0.1
		awk "BEGIN { exit !($(now) > $deadline + 60) }" && break
	done
	c2=$(cpu_ns $pid) ds=$(($(cat $dir/full_scans) - scans))
	saved=$(cat $dir/pages_sharing)
	[ $eng = lvmm ] && saved=$((saved + $(cat $dir/zero_pages)))
	[ $eng != lvmm ] && saved=$((saved + $(cat $dir/ksm_zero_pages 2>/dev/null || echo 0)))
	rise=$(($(memfree) - free0))
	tag=share.$((N * mib))M
	note="$N guests x $mib MiB, goal $goal pages"
	if [ -n "$t95" ]; then
		emit $tag.t50 $eng s lower "$(awk "BEGIN { print $t50 - $t0 }")" "$note"
		emit $tag.t95 $eng s lower "$(awk "BEGIN { print $t95 - $t0 }")" "$note"
		emit $tag.cpu95 $eng "CPU s" lower "$(awk "BEGIN { print ($cpu95 - $cpu0) / 1e9 }")" "$note"
		u=$(awk "BEGIN { print ($cpu95 - $cpu0) / 1e9 / ($t95 - $t0 + 0.01) }")
	else
		emit $tag.t95 $eng s lower "null" "not reached in $PATIENCE s: $s of $goal pages"
		u=$(awk "BEGIN { print ($(cpu_ns $pid) - $cpu0) / 1e9 / $PATIENCE }")
	fi
	emit $tag.saved $eng MiB higher "$(awk "BEGIN { print $saved / 256 }")" "$note"
	emit $tag.memfree_rise $eng MiB higher "$(awk "BEGIN { print $rise / 1024 }")" "$note"
	[ $ds -gt 0 ] && emit $tag.cpu_per_scan $eng "CPU ms" lower \
		"$(awk "BEGIN { print ($c2 - $c1) / 1e6 / $ds }")" "$note"
	echo "# $eng $tag: CPU use while merging $u of a CPU" >&2
	util=$u
}

# run_lvmm MIB, run_ksm MIB PAGES_TO_SCAN NAME
run_lvmm() {
	echo 2 > $L/run
	echo 1000 > $L/pages_to_scan	# lvmm's defaults
	echo 20 > $L/sleep_millisecs
	start_guests /dev/lvmm "$1"
	measure lvmm "$1"
	lvmm_util=$util
	echo 2 > $L/run
	stop_guests
}
run_ksm() {
	echo 2 > $K/run
	echo "$2" > $K/pages_to_scan
	echo 20 > $K/sleep_millisecs
	start_guests /dev/kvm "$1"
	measure "$3" "$1"
	echo 2 > $K/run
	stop_guests
	echo 0 > $K/run
}

echo 0 > $K/run
# The middle size first: it sets the tuned pages_to_scan for the others.
run_lvmm $DEFAULT_SIZE
run_ksm $DEFAULT_SIZE 100 ksm
# pages_to_scan sets ksmd's work per wake-up, so its CPU share scales with it.
pts=$(awk "BEGIN { p = int(100 * $lvmm_util / ($util + 1e-6)); if (p < 100) p = 100; if (p > 100000) p = 100000; print p }")
emit ksm_tuned_pages_to_scan ksm-tuned pages higher "$pts" "lvmm's scanner used $lvmm_util of a CPU, default ksmd $util"
run_ksm $DEFAULT_SIZE "$pts" ksm-tuned
for mib in $SIZES; do
	[ $mib = $DEFAULT_SIZE ] && continue
	run_lvmm $mib
	run_ksm $mib "$pts" ksm-tuned
done
exit 0
