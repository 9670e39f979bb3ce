#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lvmm run's control socket, driven as a person would: lvmm info NAME,
# pause and resume against a guest reading its console, lvmm ps's state,
# requests the VM must refuse (not JSON, unknown, too long) while it keeps
# running, a VM name already in use, permissions, and the socket gone at the
# end. $LVMM_DEVICE=/dev/kvm runs the guest on KVM (no sysfs there: the
# guest-time and ps checks are lvmm's).
. "$(dirname "$0")/ktap.sh"
# A guest that died must fail its cases, not kill the script at a write.
trap "" PIPE
DEV=${LVMM_DEVICE:-/dev/lvmm}
G=/guests
T=$(mktemp -d)
NAME=api-one
SOCK=/run/lvmm/$NAME.sock
ktap_header 7
if [ ! -e /proc/net/unix ]; then
	# The debug kernel's config leaves AF_UNIX out; lvmm run then runs a
	# named VM without its socket (cli_test covers that it still runs).
	for t in info_says_running pause_stops_the_guest bad_requests_are_refused \
		 client_errors name_in_use_is_refused resume_runs_it_again \
		 socket_gone_at_the_end; do
		ktap_result skip $t "a kernel without AF_UNIX sockets"
	done
	rm -rf "$T"
	ktap_finish
	exit 0
fi

# wait_for PATTERN FILE: up to 30 s.
wait_for() {
	i=0
	while [ $i -lt 300 ] && ! grep -q -- "$1" "$2"; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q -- "$1" "$2"
}

# The echo guest, whose console input is a FIFO this script holds open.
mkfifo "$T/in"
lvmm run -q --device "$DEV" --name $NAME $G/echo.elf < "$T/in" > "$T/out" 2> "$T/err" &
pid=$!
exec 3> "$T/in"
if ! wait_for 'type a line' "$T/out"; then
	echo "# the guest never asked for its line:"
	sed 's/^/#   /' "$T/out" "$T/err"
fi

ok=0
lvmm info $NAME > "$T/info" 2>&1 || ok=1
grep -Eq '^state: +running$' "$T/info" || ok=1
grep -Eq "^pid: +$pid\$" "$T/info" || ok=1
grep -Eq '^vcpus: +1$' "$T/info" || ok=1
grep -Eq '^memory: +64 MiB$' "$T/info" || ok=1
mode=$(stat -c %a "$SOCK" 2>&1)
[ "$mode" = 600 ] || { echo "# $SOCK: mode $mode, want 600"; ok=1; }
[ $ok = 0 ] || sed 's/^/# info: /' "$T/info"
ktap_result $ok info_says_running

# Paused: guest time stands still, a line typed now is not echoed, ps says so.
ok=0
lvmm pause $NAME > "$T/pause" 2>&1 || ok=1
grep -q "^$NAME: paused\$" "$T/pause" || { sed 's/^/# pause: /' "$T/pause"; ok=1; }
printf 'hello while paused\n' >&3
if [ "$DEV" = /dev/lvmm ]; then
	dir=$(dirname "$(grep -lx $NAME /sys/kernel/lvmm/vms/*/name)")
	t1=$(cat "$dir/vcpu0/guest_time_ns")
	sleep 1
	t2=$(cat "$dir/vcpu0/guest_time_ns")
	[ "$t1" = "$t2" ] || { echo "# guest time went on while paused: $t1 -> $t2"; ok=1; }
	lvmm ps > "$T/ps"
	grep -Eq "$NAME +$pid .* paused\$" "$T/ps" || { sed 's/^/# ps: /' "$T/ps"; ok=1; }
else
	sleep 1
fi
grep -q 'got' "$T/out" && { echo "# the paused guest echoed its line"; ok=1; }
lvmm info $NAME | grep -Eq '^state: +paused$' || ok=1
ktap_result $ok pause_stops_the_guest

# Requests the VM refuses, each with errno and words; it lives on.
ok=0
refused() { # refused NAME ERROR REQUEST
	lvmm api $NAME "$3" > "$T/api" 2> "$T/api.err"
	st=$?
	if [ $st != 65 ] || ! grep -q "\"ok\":false" "$T/api" || ! grep -q "\"error\":\"$2\"" "$T/api"; then
		echo "# $1: status $st:"
		sed 's/^/#   /' "$T/api" "$T/api.err"
		ok=1
	fi
}
refused not_json EINVAL 'pause, please'
refused not_an_object EINVAL '["pause"]'
refused cmd_not_a_string EINVAL '{"cmd": 3}'
refused unknown_cmd EINVAL '{"cmd": "fly"}'
refused too_long E2BIG "{\"cmd\": \"$(head -c 5000 /dev/zero | tr '\0' x)\"}"
lvmm api $NAME '{"cmd": "info"}' > "$T/api" || ok=1
grep -q '"state":"paused"' "$T/api" || { sed 's/^/# info: /' "$T/api"; ok=1; }
ktap_result $ok bad_requests_are_refused

# Errors of the client: status and a message naming the reason.
ok=0
lvmm pause no-such-vm > /dev/null 2> "$T/err1"
st=$?
[ $st = 69 ] && grep -q 'no VM of that name' "$T/err1" || { echo "# no such VM: status $st"; sed 's/^/#   /' "$T/err1"; ok=1; }
lvmm pause > /dev/null 2>&1
st=$?
[ $st = 64 ] || { echo "# pause without a name: status $st, want 64"; ok=1; }
as_nobody lvmm info $NAME > /dev/null 2> "$T/err2"
st=$?
[ $st = 77 ] && grep -q 'Permission denied' "$T/err2" || { echo "# as nobody: status $st"; sed 's/^/#   /' "$T/err2"; ok=1; }
ktap_result $ok client_errors

# A second VM may not take a name that is in use.
lvmm run -q --device "$DEV" --name $NAME $G/hello.elf > "$T/out2" 2> "$T/err3"
st=$?
ok=0
[ $st = 64 ] && grep -q 'another lvmm run serves' "$T/err3" || { echo "# second VM: status $st"; sed 's/^/#   /' "$T/err3"; ok=1; }
ktap_result $ok name_in_use_is_refused

# Resumed: the line typed while paused is echoed, and the guest ends well.
ok=0
lvmm resume $NAME > "$T/resume" 2>&1 || ok=1
grep -q "^$NAME: running\$" "$T/resume" || { sed 's/^/# resume: /' "$T/resume"; ok=1; }
wait_for 'got "hello while paused"' "$T/out" || { sed 's/^/# out: /' "$T/out"; ok=1; }
exec 3>&-
wait $pid
st=$?
[ $st = 0 ] || { echo "# the guest ended with status $st"; sed 's/^/#   /' "$T/err"; ok=1; }
ktap_result $ok resume_runs_it_again

ok=0
[ -e "$SOCK" ] && { echo "# $SOCK is still there"; ok=1; }
lvmm info $NAME > /dev/null 2>&1 && ok=1
ktap_result $ok socket_gone_at_the_end

rm -rf "$T"
ktap_finish
