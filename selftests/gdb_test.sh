#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lvmm run --gdb with Debian's gdb (scripts/gdb-bundle): Debian's kernel
# (scripts/linux-guest) booted with nokaslr and 2 vCPUs waits for gdb
# before its first instruction; gdb, with no symbols, breaks at
# start_kernel (its address from this test VM's own kallsyms, the same
# kernel, moved back to the link address), continues, checks the PC,
# steps one instruction, reads a register and the breakpoint's bytes
# (ENDBR64: Debian builds with IBT), lists the vCPUs as threads and kills
# the guest; lvmm run must exit 0. Then bad --gdb input.
#
# On KVM ($LVMM_DEVICE=/dev/kvm) the same, as the control.
. "$(dirname "$0")/ktap.sh"
DEV=${LVMM_DEVICE:-/dev/lvmm}
G=${LVMM_LINUX_GUEST:-/extra/linux-guest}
B=${LVMM_GDB_BUNDLE:-/extra/gdb-bundle.tar}
PORT=1234

ktap_header 2
text=$(awk '$3 == "_text" { print $1 }' /proc/kallsyms)
sk=$(awk '$3 == "start_kernel" { print $1 }' /proc/kallsyms)
if [ ! -r "$B" ] || [ ! -r "$G/vmlinuz" ] || [ -z "$sk" ] || [ "$text" = 0000000000000000 ]; then
	ktap_result skip gdb_breaks_steps_and_reads "no gdb bundle, Linux guest or kallsyms"
else
	T=$(mktemp -d)
	tar -C "$T" -xf "$B"
	ip link set lo up
	# The link address: CONFIG_PHYSICAL_START 16 MiB above the kernel map.
	addr=$(printf '0x%x' $((0x$sk - 0x$text + 0xffffffff81000000)))
	timeout -s KILL 600 lvmm run --device "$DEV" --gdb $PORT -c 2 \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--cmdline "console=ttyS0 nokaslr" < /dev/null > "$T/console" 2> "$T/err" &
	lvmm=$!
	i=0
	until grep -q "waiting for gdb" "$T/err" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	timeout 300 "$T/gdb/run" -nx -batch -ex 'set architecture i386:x86-64' \
		-ex "target remote 127.0.0.1:$PORT" -ex 'info threads' \
		-ex "hbreak *$addr" -ex continue -ex 'p/x $pc' -ex stepi \
		-ex 'p/x $pc' -ex 'p/x $rsp' -ex "x/4xb $addr" -ex kill \
		> "$T/gdb.out" 2>&1
	# gdb's kill ends lvmm run; if gdb never got that far, this does.
	i=0
	while kill -0 $lvmm 2> /dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 $lvmm 2> /dev/null
	wait $lvmm
	st=$?
	ok=0
	fail() { echo "# $*"; ok=1; }
	grep -q "^\\\$1 = $addr\$" "$T/gdb.out" || fail "no stop at start_kernel ($addr)"
	pc2=$(sed -n 's/^\$2 = \(0x[0-9a-f]*\)$/\1/p' "$T/gdb.out")
	[ -n "$pc2" ] && [ $((pc2 - addr)) -gt 0 ] && [ $((pc2 - addr)) -lt 16 ] ||
		fail "stepi went from $addr to '$pc2', not to the next instruction"
	grep -q '^\$3 = 0xffff' "$T/gdb.out" || fail "RSP is not a kernel address"
	grep -Eq '0xf3[[:space:]]+0x0f[[:space:]]+0x1e[[:space:]]+0xfa' "$T/gdb.out" ||
		fail "the bytes at $addr are not ENDBR64"
	[ "$(grep -cE '^[* ]+[12][[:space:]]+Thread [12][[:space:]]' "$T/gdb.out")" = 2 ] ||
		fail "info threads does not list the two vCPUs"
	[ "$st" = 0 ] || fail "lvmm run exited $st, want 0"
	if [ $ok != 0 ]; then
		sed 's/^/#   gdb: /' "$T/gdb.out" | tail -n 25
		sed 's/^/#   stderr: /' "$T/err" | tail -n 5
	fi
	ktap_result $ok gdb_breaks_steps_and_reads
	rm -rf "$T"
fi

ok=0
for bad in 0 65536 x12; do
	lvmm run --device "$DEV" --gdb "$bad" --kernel "$G/vmlinuz" 2> /tmp/gdb_bad.err < /dev/null
	st=$?
	[ $st = 64 ] && grep -q -- "--gdb '$bad': give a TCP port" /tmp/gdb_bad.err ||
		{ echo "# --gdb $bad: exit $st: $(cat /tmp/gdb_bad.err)"; ok=1; }
done
ktap_result $ok gdb_port_errors
ktap_finish
