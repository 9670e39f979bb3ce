#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The lvmm CLI, driven as a person would: every image format and mode, exit
# codes, every error path with its message, console input through a pipe,
# 4 VMs at once, and lvmm ps/stat (with --json read back) against VMs that
# are running. $LVMM_DEVICE=/dev/kvm runs the guests on KVM instead.
. "$(dirname "$0")/ktap.sh"
DEV=${LVMM_DEVICE:-/dev/lvmm}
G=/guests
T=$(mktemp -d)
ktap_header 34

run() { lvmm run -q --device "$DEV" "$@" > "$T/out" 2> "$T/err"; }
# check NAME WANT_STATUS GOT_STATUS [PATTERN FILE]...
check() {
	name=$1 want=$2 got=$3
	shift 3
	ok=0
	[ "$got" = "$want" ] || { echo "# $name: status $got, want $want"; ok=1; }
	while [ $# -ge 2 ]; do
		grep -q -- "$1" "$2" || { echo "# $name: no '$1' in $(basename "$2"):"; sed 's/^/#   /' "$2"; ok=1; }
		shift 2
	done
	ktap_result $ok "$name"
}

run --cmdline "x=1" $G/hello.elf
check elf64_hello 0 $? 'vCPU 0 of 1, 64 MiB, 64-bit, cmdline "x=1"' "$T/out"
run $G/hello32.elf
check elf32_hello 0 $? 'vCPU 0 of 1, 64 MiB, 32-bit' "$T/out"
run $G/flat16.bin
check flat_real_mode 0 $? 'hello from a flat real-mode binary' "$T/out"
run --mode protected $G/flat32.bin
check flat_protected_mode 0 $? 'hello from a flat protected-mode binary' "$T/out"
run --mode long $G/flat64.bin
check flat_long_mode_exit_3 3 $? 'hello from a flat long-mode binary' "$T/out"
cp $G/flat16.bin "$T/flat16_at_0x7000"
run --load 0x7000 "$T/flat16_at_0x7000"
check flat_real_mode_load_address 0 $? 'flat real-mode binary' "$T/out"
run -m 128M $G/hello.elf
check memory_option 0 $? '128 MiB' "$T/out"
run --cmdline n=1000 $G/primes.elf
check primes 0 $? '168 primes below 1000' "$T/out"
run --cmdline code=7 $G/exit.elf
check guest_exit_code 7 $? 
run --cmdline code=0 $G/exit.elf
check guest_exit_code_zero 0 $?
run --mode long $G/triple.bin
check triple_fault_is_80 80 $? 'triple fault' "$T/err"
run -c 4 $G/smp.elf
st=$?
n=$(grep -c 'reporting' "$T/out")
[ "$n" = 4 ] || echo "# smp: $n of 4 vCPUs reported"
check smp_four_vcpus 0 $st 'all 4 vCPUs reported' "$T/out"
printf 'ping from a pipe\n' | lvmm run -q --device "$DEV" $G/echo.elf > "$T/out" 2> "$T/err"
check serial_input_from_pipe 0 $? 'got "ping from a pipe"' "$T/out"
lvmm run --device "$DEV" --stats $G/hello.elf > "$T/out" 2> "$T/err"
check stats_flag 0 $? 'vcpu0: io=' "$T/err"
# Ctrl-A x ends an idling guest, as in QEMU (here through a pipe).
(sleep 1; printf '\001x') | lvmm run -q --device "$DEV" --cmdline size=1M $G/memfill.elf > "$T/out" 2> "$T/err"
check ctrl_a_x_quits 0 $?

# Four VMs at once.
for i in 1 2 3 4; do
	lvmm run -q --device "$DEV" --cmdline "n=$((i * 1000))" $G/primes.elf > "$T/p$i" 2>&1 &
done
wait
ok=0
for i in 1 2 3 4; do
	grep -q "primes below $((i * 1000))" "$T/p$i" || { echo "# VM $i:"; sed 's/^/#   /' "$T/p$i"; ok=1; }
done
ktap_result $ok four_vms_concurrently

# Errors: status and a message that names the file or option and the reason.
run /nonexistent.elf
check error_missing_image 66 $? '/nonexistent.elf: No such file' "$T/err"
: > "$T/empty"
run "$T/empty"
check error_empty_image 65 $? 'empty' "$T/err"
head -c 100 $G/hello.elf > "$T/truncated.elf"
run "$T/truncated.elf"
check error_truncated_elf 65 $? 'truncated.elf: ' "$T/err"
cp $G/hello.elf "$T/arm.elf"
printf '\050' | dd of="$T/arm.elf" bs=1 seek=18 conv=notrunc 2>/dev/null
run "$T/arm.elf"
check error_foreign_elf 65 $? 'another machine' "$T/err"
run --load 0x90000 $G/flat16.bin
check error_boot_area_overlap 65 $? 'boot area' "$T/err"
run -m 1M --mode long --load 0xfffff0 $G/flat64.bin
check error_image_beyond_memory 65 $? 'outside' "$T/err"
run --cpus 0 $G/hello.elf
check error_bad_cpus 64 $? "--cpus '0'" "$T/err"
run --memory banana $G/hello.elf
check error_bad_memory 64 $? "--memory 'banana'" "$T/err"
run --mode weird $G/flat16.bin
check error_bad_mode 64 $? "--mode 'weird'" "$T/err"
run --share=abc $G/hello.elf
check error_bad_share_group 64 $? "--share 'abc'" "$T/err" 'group number' "$T/err"
run --share=0 $G/hello.elf
check error_share_group_zero 64 $? "--share '0'" "$T/err"
# --share on KVM hands guest memory to KSM, which has no groups.
if [ "$DEV" = /dev/kvm ]; then
	run --share=2 $G/hello.elf
	check error_share_group_on_kvm 64 $? "KSM has no share groups" "$T/err"
	lvmm run -q --device "$DEV" --share -m 16M --cmdline size=4M $G/memfill.elf > "$T/ksm" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 300 ] && ! grep -q idling "$T/ksm"; do sleep 0.1; i=$((i + 1)); done
	# The guest RAM mapping carries VM_MERGEABLE ("mg" in smaps).
	grep -q '^VmFlags:.* mg' /proc/$pid/smaps
	ok=$?
	kill $pid; wait $pid 2>/dev/null
	ktap_result $ok share_on_kvm_is_ksm_mergeable
else
	ktap_result skip error_share_group_on_kvm "runs with LVMM_DEVICE=/dev/kvm"
	ktap_result skip share_on_kvm_is_ksm_mergeable "runs with LVMM_DEVICE=/dev/kvm"
fi
lvmm run -q --device /dev/nonexistent $G/hello.elf > "$T/out" 2> "$T/err"
check error_no_device 69 $? 'insmod' "$T/err"
as_nobody lvmm run -q --device "$DEV" $G/hello.elf > "$T/out" 2> "$T/err"
check error_permission_denied 77 $? 'Permission denied' "$T/err"

# lvmm ps and stat, against VMs that are running (lvmm only: sysfs).
if [ "$DEV" != /dev/lvmm ]; then
	ktap_result skip ps_and_stat_need_no_privilege "sysfs is lvmm's"
	ktap_result skip stat_watch_redraws "sysfs is lvmm's"
	ktap_result skip stat_json_read_back "sysfs is lvmm's"
else
	lvmm run -q --name idle-one --cmdline size=4M $G/memfill.elf > "$T/m1" 2>&1 &
	p1=$!
	lvmm run -q --name idle-two -c 2 --cmdline size=4M $G/memfill.elf > "$T/m2" 2>&1 &
	p2=$!
	i=0
	while [ $i -lt 300 ] && ! { grep -q idling "$T/m1" && grep -q idling "$T/m2"; }; do
		sleep 0.1
		i=$((i + 1))
	done
	as_nobody lvmm ps > "$T/ps"
	ok=0
	grep -Eq "idle-one +$p1 +1 +64M" "$T/ps" || ok=1
	grep -Eq "idle-two +$p2 +2 +64M" "$T/ps" || ok=1
	[ $ok = 0 ] || sed 's/^/# ps: /' "$T/ps"
	ktap_result $ok ps_and_stat_need_no_privilege

	# --watch redraws: at least two frames in two seconds.
	timeout 2 lvmm stat --watch 0.5 idle-one > "$T/watch"
	frames=$(grep -c 'vm [0-9]* (idle-one)' "$T/watch")
	[ "$frames" -ge 2 ]
	ktap_result $? "stat_watch_redraws ($frames frames)"

	ok=0
	lvmm stat idle-one --json > "$T/json"
	[ "$(json_get vms.0.name < "$T/json")" = idle-one ] || ok=1
	[ "$(json_get vms.0.pid < "$T/json")" = "$p1" ] || ok=1
	[ "$(json_get vms.0.vcpus < "$T/json")" = 1 ] || ok=1
	io=$(json_get vms.0.vcpu.0.exits.io < "$T/json")
	[ "${io:-0}" -gt 0 ] || ok=1
	json_get vms.1 < "$T/json" > /dev/null && ok=1	# only the one asked for
	json_get vms.0.vcpu.1 < "$T/json" > /dev/null && ok=1	# one vCPU
	lvmm stat idle-two > "$T/stat"
	grep -q 'vcpu1:' "$T/stat" || ok=1
	lvmm stat no-such-vm > /dev/null 2> "$T/err" && ok=1
	grep -q "no VM with id or name 'no-such-vm'" "$T/err" || ok=1
	[ $ok = 0 ] || { sed 's/^/# json: /' "$T/json"; sed 's/^/# stat: /' "$T/stat"; }
	kill $p1 $p2
	wait $p1
	s1=$?
	wait $p2
	[ "$s1" = 143 ] || { echo "# SIGTERM gave status $s1"; ok=1; }
	lvmm ps | grep -q idle- && { echo "# VMs still listed after kill"; ok=1; }
	ktap_result $ok stat_json_read_back
fi

rm -rf "$T"
ktap_finish
