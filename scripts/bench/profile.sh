#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lvmm-bench-profile [--smoke]: where an exit's time goes, from tracepoints.
# Runs the exit benchmarks once more per device with the exit and entry
# tracepoints on (lvmm:lvmm_exit/lvmm_entry, kvm:kvm_exit/kvm_entry) and
# splits each exit kind's round trip into
#   host: from the exit tracepoint to the next entry tracepoint (the
#         handler, and for userspace exits the trip through the VMM), and
#   switch: from the entry to the next exit, i.e. VMRUN, the guest's few
#         instructions and #VMEXIT, which TCG emulates.
# Tracing slows both a little; the split, not the sum, is the figure.
set -eu
smoke=
[ "${1:-}" = --smoke ] && smoke=--smoke
T=/sys/kernel/tracing
[ -d $T/events/lvmm ] || { echo "lvmm-bench-profile: no lvmm tracepoints" >&2; exit 1; }

profile() { # profile DEV NAME SYSTEM
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 16384 > $T/buffer_size_kb
	echo 1 > $T/events/$3/$3_exit/enable
	echo 1 > $T/events/$3/$3_entry/enable
	echo 1 > $T/tracing_on
	lvmm-bench $smoke --reps 1 "$1" "$2" exits > /dev/null
	echo 0 > $T/tracing_on
	echo 0 > $T/events/$3/$3_exit/enable
	echo 0 > $T/events/$3/$3_entry/enable
	# lvmm_exit says "code 0x72"; kvm_exit says "reason cpuid" (VMMCALL:
	# "reason hypercall").
	awk -v dev="$2" '
	function ts(  i) { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) return substr($i, 1, length($i) - 1) * 1e6; return -1 }
	function kind(  i) {
		for (i = 1; i < NF; i++) {
			if ($i == "code") return $(i + 1)
			if ($i == "reason") return $(i + 1)
		}
		return "?"
	}
	/_exit: / { t = ts(); if (entry >= 0) { k = kind(); sw[k] += t - entry; n[k]++ } last = t; lk = kind(); entry = -1; next }
	/_entry: / { t = ts(); if (last >= 0) { host[lk] += t - last; hn[lk]++ } entry = t; last = -1; next }
	BEGIN { entry = -1; last = -1
		name["0x72"] = "cpuid"; name["cpuid"] = "cpuid"
		name["0x81"] = "vmmcall"; name["hypercall"] = "vmmcall"
		name["0x7b"] = "pio"; name["io"] = "pio"
		name["0x400"] = "mmio"; name["npf"] = "mmio"
		name["0x78"] = "hlt"; name["hlt"] = "hlt" }
	END {
		for (k in n) {
			if (!(k in name) || n[k] < 10 || !hn[k]) continue
			printf "bench: {\"test\": \"profile.%s.host\", \"dev\": \"%s\", \"unit\": \"us\", \"better\": \"lower\", \"samples\": [%.2f], \"note\": \"%d exits\"}\n", name[k], dev, host[k] / hn[k], hn[k]
			printf "bench: {\"test\": \"profile.%s.switch\", \"dev\": \"%s\", \"unit\": \"us\", \"better\": \"lower\", \"samples\": [%.2f], \"note\": \"%d exits\"}\n", name[k], dev, sw[k] / n[k], n[k]
		}
	}' $T/trace
	echo > $T/trace
}
profile /dev/lvmm lvmm lvmm
profile /dev/kvm kvm kvm
