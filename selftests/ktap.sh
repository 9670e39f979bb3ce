# SPDX-License-Identifier: GPL-2.0
# KTAP output for shell selftests, ending with the same "# Totals:" line the
# kselftest harness prints, so run_selftests counts both kinds alike.
ktap_pass=0 ktap_fail=0 ktap_skip=0 ktap_n=0

ktap_header() { echo "TAP version 13"; echo "1..$1"; }
ktap_result() { # ktap_result 0|1|skip NAME [REASON]
	ktap_n=$((ktap_n + 1))
	case "$1" in
	0) ktap_pass=$((ktap_pass + 1)); echo "ok $ktap_n $2" ;;
	skip) ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_n $2 # SKIP $3" ;;
	*) ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_n $2" ;;
	esac
}
ktap_finish() {
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skip error:0"
	[ "$ktap_fail" = 0 ]
}

# Kernel log lines that mean something went wrong in the kernel.
KTAP_SPLAT='^(\[ *[0-9.]+\] )?(BUG:|WARNING: |KASAN:|UBSAN:|Oops|INFO: (possible|inconsistent))'
# dmesg_since MARK: print kernel log lines after the line holding MARK.
dmesg_since() { dmesg | sed -n "/$1/,\$p" | tail -n +2; }
dmesg_mark() { echo "$1" > /dev/kmsg; }
