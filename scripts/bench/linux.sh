#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lvmm-bench-linux [--smoke]: the Linux guest of scripts/linux-guest (Debian's
# kernel and a busybox initramfs), inside the test VM, on lvmm and on KVM.
#
# - linux.boot1, linux.boot4: seconds from launching `lvmm run --kernel` to
#   the guest init's banner, with 1 and 4 vCPUs; each rep boots on lvmm and
#   then on KVM, so drift in the host's speed hits both alike. A boot that
#   shows no banner in 180 s gives no sample (KVM's SMP guests hang under
#   TCG now and then).
# - linux.share.saved: N guests booted with --share and left idle; the
#   fraction of their RAM saved after a fixed time, by lvmm's scanner on
#   /dev/lvmm and by KSM (defaults) on /dev/kvm.
# - qemu.boot1, qemu.boot4: the same guest and measure with Debian's own QEMU
#   as the VMM (scripts/qemu-bundle, -machine q35,kernel_irqchip=on, the
#   8259, IOAPIC and 8254 in the kernel), on lvmm and on KVM.
# One "bench: {json}" line per figure, for scripts/bench/report.
set -u
REPS=5
N=4
MIB=256
SETTLE=90		# seconds of scanning before the saving is read
if [ "${1:-}" = --smoke ]; then
	REPS=1 N=2 SETTLE=20
fi
G=${LVMM_LINUX_GUEST:-/extra/linux-guest}
L=/sys/kernel/lvmm/sharing
K=/sys/kernel/mm/ksm
[ -r "$G/vmlinuz" ] || { echo "lvmm-bench-linux: no Linux guest in $G" >&2; exit 1; }

now() { cut -d' ' -f1 /proc/uptime; }
emit() { # emit TEST DEV UNIT BETTER SAMPLES
	printf 'bench: {"test": "%s", "dev": "%s", "unit": "%s", "better": "%s", "samples": [%s]}\n' \
		"$1" "$2" "$3" "$4" "$5"
}

# boot_time DEVICE CPUS: seconds from launch to the banner, or nothing.
boot_time() {
	t0=$(now)
	echo line | timeout -s KILL 180 lvmm run -q --device "$1" --kernel "$G/vmlinuz" \
		--initrd "$G/initramfs.cpio.gz" -c "$2" -m ${MIB}M \
		--cmdline "console=ttyS0 quiet" 2>/dev/null |
	while IFS= read -r l; do
		case $l in
		*"lvmm-guest: banner:"*) echo "$t0 $(now)" ;;
		esac
	done | awk '{ printf "%.2f", $2 - $1 }'
}

# qemu_boot_time DEVICE CPUS: the same with QEMU, which is stopped at the
# banner (its guest would wait for a console line).
QB=${LVMM_QEMU_BUNDLE:-/extra/qemu-bundle.tar}
Q=$(mktemp -d)
[ -r "$QB" ] && tar -C "$Q" -xf "$QB"
qemu_boot_time() {
	[ -x "$Q/qemu/run" ] || return 0
	t0=$(now)
	{ timeout -s KILL 180 "$Q/qemu/run" -accel "kvm,device=$1" \
		-machine q35,kernel_irqchip=on -cpu host -smp "$2" -m ${MIB}M \
		-nographic -nodefaults -serial stdio -no-reboot \
		-kernel "$G/vmlinuz" -initrd "$G/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet" < /dev/null 2>/dev/null &
	  echo "pid $!"; wait; } |
	while IFS= read -r l; do
		case $l in
		"pid "*) pid=${l#pid } ;;
		*"lvmm-guest: banner:"*) echo "$t0 $(now)"; kill "$pid" ;;
		esac
	done | awk '{ printf "%.2f", $2 - $1 }'
}

for f in boot_time qemu_boot_time; do
	for cpus in 1 4; do
		lv= kv=
		for r in $(seq $REPS); do
			a=$($f /dev/lvmm $cpus)
			b=$($f /dev/kvm $cpus)
			[ -n "$a" ] && lv="${lv:+$lv, }$a"
			[ -n "$b" ] && kv="${kv:+$kv, }$b"
		done
		name=linux.boot$cpus
		[ $f = qemu_boot_time ] && name=qemu.boot$cpus
		emit $name lvmm s lower "$lv"
		emit $name kvm s lower "$kv"
	done
done
rm -rf "$Q"

# share DEVICE COUNTERS_DIR: N idle guests, then the fraction saved.
share() {
	pids=
	rm -f /tmp/lg.*
	for i in $(seq $N); do
		# The guest's init reads a line from its console first; with
		# none it waited there, never "idle", and the figure measured
		# guests stuck at that prompt.
		echo line | lvmm run -q --device "$1" --share --kernel "$G/vmlinuz" \
			--initrd "$G/initramfs.cpio.gz" -m ${MIB}M \
			--cmdline "console=ttyS0 quiet lvmm_guest=idle" \
			> /tmp/lg.$i 2>&1 &
		pids="$pids $!"
	done
	# Up to 3 minutes for all to boot; KVM's guests hang under TCG now and
	# then, and a hung guest simply shares less.
	t=0
	while [ "$(cat /tmp/lg.* | grep -c 'lvmm-guest: idle')" -lt $N ] && [ $t -lt 180 ]; do
		sleep 1
		t=$((t + 1))
	done
	up=$(cat /tmp/lg.* | grep -c 'lvmm-guest: idle')
	[ "$up" = $N ] || echo "lvmm-bench-linux: on $1, $up of $N guests booted" >&2
	echo 1 > "$2/run"
	sleep $SETTLE
	# Pages saved: shared non-zero pages plus merged zero pages.
	saved=$(cat "$2/pages_sharing")
	z=$(cat "$2/zero_pages" 2>/dev/null || cat "$2/ksm_zero_pages" 2>/dev/null || echo 0)
	saved=$((saved + z))
	echo 2 > "$2/run"	# stop and unmerge: leave the scanner as found
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	awk -v s="$saved" -v n=$N -v m=$MIB \
		'BEGIN { printf "%.4f", s * 4096 / (n * m * 1048576) }'
}

emit linux.share.saved lvmm fraction higher "$(share /dev/lvmm $L)"
emit linux.share.saved ksm fraction higher "$(share /dev/kvm $K)"
