#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lvmm-bench-run [--smoke]: every benchmark, inside the test VM, with lvmm
# and kvm_amd both loaded. Each workload runs on lvmm and then on KVM right
# after, so drift in the host's speed hits both alike. Prints "bench:" lines
# for scripts/bench/report and one "bench-env:" line describing the boot.
set -eu
smoke=
[ "${1:-}" = --smoke ] && smoke=--smoke
[ -c /dev/lvmm ] || { echo "lvmm-bench-run: no /dev/lvmm" >&2; exit 1; }
[ -c /dev/kvm ] || { echo "lvmm-bench-run: no /dev/kvm (testvm --kvm)" >&2; exit 1; }
printf 'bench-env: {"kernel": "%s", "cpus": %d, "mem_kb": %d, "cpu_model": "%s", "lvmm": "%s", "thp": "%s"}\n' \
	"$(uname -r)" "$(grep -c ^processor /proc/cpuinfo)" \
	"$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)" \
	"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)" \
	"$(cat /sys/module/lvmm/version 2>/dev/null || echo unknown)" \
	"$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)"
# Warm up both paths once, unmeasured: the first runs after boot are slow.
lvmm-bench --smoke --reps 1 /dev/lvmm lvmm exits > /dev/null
lvmm-bench --smoke --reps 1 /dev/kvm kvm exits > /dev/null
for t in exits lifecycle faultin overhead scaling; do
	lvmm-bench $smoke /dev/lvmm lvmm $t
	lvmm-bench $smoke /dev/kvm kvm $t
done
lvmm-bench-profile $smoke
lvmm-bench-sharing $smoke
lvmm-bench-linux $smoke
