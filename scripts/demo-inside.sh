#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM for `make demo`. Everything below happens live.
step() { echo; echo "### $*"; }
G=/guests

step "The kernel lvmm was loaded into, and what it logged at load"
uname -r
dmesg | grep 'lvmm:'

step "The device node (root only) and lvmm info"
ls -l /dev/lvmm
lvmm info

step "Sample guests with lvmm run"
lvmm run --cmdline "from the demo" $G/hello.elf
lvmm run $G/hello32.elf
lvmm run $G/flat16.bin
lvmm run --cmdline n=20000 $G/primes.elf
lvmm run -c 4 $G/smp.elf
echo "typed into the console through a pipe" | lvmm run $G/echo.elf
lvmm run --cmdline code=42 $G/exit.elf; echo "(exit status $?)"
lvmm run -q --mode long $G/triple.bin; echo "(exit status $?: triple fault)"

step "Four guests at once, two still running for lvmm ps and lvmm stat"
lvmm run -q --name idler-a -m 128M --cmdline size=32M $G/memfill.elf > /tmp/a &
A=$!
lvmm run -q --name idler-b -c 2 --cmdline "size=16M pattern=7" $G/memfill.elf > /tmp/b &
B=$!
lvmm run -q --cmdline n=30000 $G/primes.elf &
lvmm run -q --cmdline n=40000 $G/primes.elf &
wait %3 %4 2>/dev/null
while ! grep -q idling /tmp/a || ! grep -q idling /tmp/b; do sleep 0.2; done
cat /tmp/a /tmp/b
lvmm ps
lvmm stat idler-b
lvmm stat idler-a --json
kill $A $B
wait $A $B

step "Tracepoints: every exit of a tiny guest"
echo 1 > /sys/kernel/tracing/events/lvmm/enable
smoke_guest /dev/lvmm
echo 0 > /sys/kernel/tracing/events/lvmm/enable
grep lvmm_ /sys/kernel/tracing/trace | sed 's/^ *//' | head -n 12

step "Module-wide counters"
lvmm stat | head -n 1

step "Page sharing: four identical guests"
S=/sys/kernel/lvmm/sharing
if [ -d $S ]; then
	# 32 MiB of the same pattern in each, 1 MiB unique, 1 MiB of zeros.
	pids=
	for n in 1 2 3 4; do
		lvmm run -q --share -m 40M --name share-$n \
			--cmdline "size=32M unique=1 seed=$n zero=1" \
			$G/memfill.elf > /tmp/share-$n &
		pids="$pids $!"
	done
	t=0
	while [ "$(cat /tmp/share-[1-4] 2>/dev/null | grep -c idling)" -lt 4 ] &&
	      [ $t -lt 600 ]; do
		sleep 0.2
		t=$((t + 1))
	done
	cat /tmp/share-[1-4]
	old_pages=$(cat $S/pages_to_scan)
	echo 20000 > $S/pages_to_scan
	# Until pages_sharing holds still over a second and two full scans
	# have passed since the guests idled; at most 60 seconds.
	scans0=$(cat $S/full_scans)
	last=-1
	t=0
	settled=no
	while [ $t -lt 60 ]; do
		sleep 1
		t=$((t + 1))
		now=$(cat $S/pages_sharing)
		if [ "$now" -gt 0 ] && [ "$now" = "$last" ] &&
		   [ $(($(cat $S/full_scans) - scans0)) -ge 2 ]; then
			settled=yes
			break
		fi
		last=$now
	done
	if [ $settled = yes ]; then
		echo "(pages_sharing stopped growing after $t s)"
	else
		echo "(pages_sharing did not settle within $t s; shown as it is)"
	fi
	lvmm stat | grep -A 2 '^sharing:'
	lvmm stat | grep -E '^vm [0-9]+ \(share-|^  sharing:'
	sharing=$(cat $S/pages_sharing)
	zero=$(cat $S/zero_pages)
	echo "4 guests x 32 MiB: $(((sharing + zero) * 4096 / 1048576)) MiB saved" \
	     "(pages_sharing + zero_pages), profit_bytes $(cat $S/profit_bytes)"
	# shellcheck disable=SC2086
	kill $pids
	# shellcheck disable=SC2086
	wait $pids
	echo "$old_pages" > $S/pages_to_scan
	rm -f /tmp/share-[1-4]
else
	echo "(this lvmm.ko has no page sharing)"
fi

step "Side by side with kvm_amd in the same boot"
for m in $LVMM_KVM_MODULES; do
	case $m in */kvm.ko) insmod "$m" enable_virt_at_load=0 ;; *) insmod "$m" ;; esac
done
lsmod | grep -E '^(lvmm|kvm_amd|kvm) '
lvmm run --device /dev/kvm --cmdline "now on KVM" $G/hello.elf
lvmm run --device /dev/lvmm --cmdline "and on lvmm" $G/hello.elf
echo "The same guest programs on both, compared exit by exit:"
kvm_oracle_test | grep -E '^(ok|not ok)'

step "An unmodified Linux kernel (the one this VM booted) as an lvmm guest, 2 vCPUs"
# Its init prints a banner, echoes the line typed into its console, prints
# nproc, runs a job on each CPU and powers off (Documentation/platform.rst).
L=/extra/linux-guest
echo "hello, Linux guest" | lvmm run -c 2 --kernel $L/vmlinuz \
	--initrd $L/initramfs.cpio.gz --cmdline "console=ttyS0 quiet"
echo "(exit status $?)"
