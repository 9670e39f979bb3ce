#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lvmm-soak [BOOTS]: inside the test VM (lvmm and kvm_amd loaded), boot the
# 4-vCPU Linux guest BOOTS times (default 50) on lvmm, then as often on KVM,
# with both of the test VM's CPUs kept busy, and count how each boot ended:
#   ok    init reported every CPU's job and the guest powered off;
#   oops  the guest kernel logged BUG:, Oops, a WARNING or a panic;
#   hang  no end within the limit ($SOAK_LIMIT s, default 180);
#   fail  anything else (lvmm run failed, a missing CPU, ...).
# One line per boot that is not ok (with its last console lines), then
#   soak: lvmm ok N hang N oops N fail N of BOOTS
#   soak: kvm ok N hang N oops N fail N of BOOTS
# Exits 0 only if every lvmm boot was ok: KVM's line is the reference.
boots=${1:-50}
limit=${SOAK_LIMIT:-180}
G=${LVMM_LINUX_GUEST:-/extra/linux-guest}
T=$(mktemp -d)
splat='BUG:|Oops|WARNING:|Kernel panic|general protection fault|stack guard page'

[ -r "$G/vmlinuz" ] || { echo "lvmm-soak: no Linux guest in $G"; exit 2; }
# scripts/testvm --kvm (scripts/soak/run) has loaded kvm_amd.
[ -c /dev/kvm ] || { echo "lvmm-soak: no /dev/kvm (boot the test VM with --kvm)"; exit 2; }

# lvmm checks every entry and exit (kmod/svm/event_check.c); a broken rule
# is logged, and scripts/testvm counts the log line as a splat.
echo 1 > /sys/module/lvmm/parameters/event_checks
yes > /dev/null &
hog1=$!
yes > /dev/null &
hog2=$!

soak() { # soak NAME DEVICE
	name=$1 dev=$2 ok=0 hang=0 oops=0 fail=0 i=0
	while [ $i -lt "$boots" ]; do
		i=$((i + 1))
		echo "a line" | timeout -s KILL "$limit" lvmm run --device "$dev" \
			--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
			-c 4 -m 256M --cmdline "console=ttyS0 quiet" \
			> "$T/out" 2> "$T/err"
		st=$?
		if grep -Eq "$splat" "$T/out"; then
			oops=$((oops + 1)) why=oops
		elif [ $st = 137 ]; then
			hang=$((hang + 1)) why=hang
		elif [ $st = 0 ] && grep -q "lvmm-guest: nproc: 4" "$T/out" &&
		     grep -q "lvmm-guest: jobs done" "$T/out" &&
		     grep -q "lvmm-guest: job 3 ran on cpu 3 " "$T/out" &&
		     grep -q "the guest powered off" "$T/err"; then
			ok=$((ok + 1))
			continue
		else
			fail=$((fail + 1)) why="fail (exit $st)"
		fi
		echo "# $name boot $i: $why; last lines:"
		{ grep -E -A4 "$splat" "$T/out" | head -n 12; tail -n 4 "$T/out"; cat "$T/err"; } |
			sed 's/^/#   /'
	done
	echo "soak: $name ok $ok hang $hang oops $oops fail $fail of $boots"
	[ "$name" != lvmm ] || [ $ok = "$boots" ]
}

soak lvmm /dev/lvmm
rc=$?
soak kvm /dev/kvm
kill $hog1 $hog2
wait $hog1 $hog2 2> /dev/null
rm -rf "$T"
exit $rc
