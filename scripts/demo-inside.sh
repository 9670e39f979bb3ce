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

step "Side by side with kvm_amd in the same boot"
for m in $LVMM_KVM_MODULES; do
	case $m in */kvm.ko) insmod "$m" enable_virt_at_load=0 ;; *) insmod "$m" ;; esac
done
lsmod | grep -E '^(lvmm|kvm_amd|kvm) '
lvmm run --device /dev/kvm --cmdline "now on KVM" $G/hello.elf
lvmm run --device /dev/lvmm --cmdline "and on lvmm" $G/hello.elf
echo "The same guest programs on both, compared exit by exit:"
kvm_oracle_test | grep -E '^(ok|not ok)'
