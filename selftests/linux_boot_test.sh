#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's stock kernel, unmodified, booted by `lvmm run --kernel` with the
# busybox initramfs of scripts/linux-guest: its init prints a banner, reads
# a line piped into the console, prints nproc, runs one job pinned to each
# CPU and powers off (or reboots). Documentation/platform.rst says what the
# guest gets.
#
# $LVMM_DEVICE=/dev/kvm boots the same guest on KVM, then once more on lvmm
# in the same boot, and checks that lvmm's guest logs no time-keeping
# warning (TSC, clocksource, timer, APIC) that KVM's does not. KVM's own
# guests do not boot reliably under QEMU's TCG (SMP ones hang bringing up
# the APs or splat, and on the debug kernel even 1 vCPU may hang), so a KVM
# boot that does not finish is a skip, not a failure; the comparison uses
# the 1-vCPU boots.
. "$(dirname "$0")/ktap.sh"
DEV=${LVMM_DEVICE:-/dev/lvmm}
G=${LVMM_LINUX_GUEST:-/extra/linux-guest}
T=$(mktemp -d)

if [ ! -r "$G/vmlinuz" ] || [ ! -r "$G/initramfs.cpio.gz" ]; then
	ktap_header 1
	ktap_result skip linux_boot "no Linux guest in $G (scripts/linux-guest builds it)"
	ktap_finish
	exit 0
fi

# boot TAG DEVICE CPUS [CMDLINE...]: the console output in $T/TAG.out
boot() {
	tag=$1 dev=$2 cpus=$3
	shift 3
	echo "a line for $tag" | timeout -s KILL "${LIMIT:-600}" lvmm run --device "$dev" \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		-c "$cpus" -m 256M --cmdline "console=ttyS0 quiet $*" \
		> "$T/$tag.out" 2> "$T/$tag.err"
}

# check_boot NAME TAG STATUS CPUS [END]: what the guest's init reported
check_boot() {
	name=$1 tag=$2 st=$3 cpus=$4 end=${5:-powered off}
	ok=0
	fail() { echo "# $name: $*"; ok=1; }
	[ "$st" = 0 ] || fail "lvmm run exited $st, want 0"
	# 00:00.0: lvmm run's host bridge (userspace/pci.c), found through
	# the DSDT's PCI0 and configuration mechanism #1.
	for want in "lvmm-guest: banner: Linux" "lvmm-guest: read: a line for $tag" \
		    "lvmm-guest: nproc: $cpus" "lvmm-guest: jobs done" \
		    "lvmm-guest: pci: 0000:00:00.0 0x1af4 0x10f0 0x060000"; do
		grep -q "$want" "$T/$tag.out" || fail "no '$want' on the console"
	done
	i=0
	while [ $i -lt "$cpus" ]; do
		grep -q "lvmm-guest: job $i ran on cpu $i " "$T/$tag.out" ||
			fail "the job pinned to CPU $i did not report running there"
		i=$((i + 1))
	done
	grep -q "lvmm: the guest $end" "$T/$tag.err" || fail "no 'the guest $end' from lvmm run"
	if [ "$dev" = /dev/lvmm ] && grep -Eq "$KTAP_SPLAT" "$T/$tag.out"; then
		fail "the guest kernel logged a splat:"
		grep -E -A3 "$KTAP_SPLAT" "$T/$tag.out" | sed 's/^/#   /'
	fi
	if [ $ok != 0 ]; then
		echo "# console (last 30 lines):"
		tail -n 30 "$T/$tag.out" | sed 's/^/#   /'
		sed 's/^/#   stderr: /' "$T/$tag.err"
	fi
	ktap_result $ok "$name"
}

# The guest's time-keeping warnings, one per line, numbers masked. "hrtimer:
# interrupt took N ns" is left out: it says the host preempted the vCPU in
# the middle of the timer interrupt (two TCG CPUs run every vCPU here), which
# is the host's load, not the guest's time keeping.
kwarns() {
	sed -n 's/.*lvmm-guest: kwarn: //p' "$1" | sed 's/[0-9][0-9.]*/N/g' |
		grep -v '^hrtimer: interrupt took N ns' | sort -u
}

if [ "$DEV" = /dev/lvmm ]; then
	ktap_header 13
else
	ktap_header 3
fi

if [ "$DEV" != /dev/lvmm ]; then
	# kvm_boot NAME TAG CPUS: KVM is the reference here, not the subject. Its
	# guests hang under TCG now and then (more often on the debug kernel):
	# a boot that does not finish in 180 s is a skip, with its last lines.
	kvm_boot() {
		LIMIT=180
		boot "$2" "$DEV" "$3"
		st=$?
		LIMIT=600
		if grep -q "lvmm-guest: jobs done" "$T/$2.out"; then
			check_boot "$1" "$2" $st "$3"
			return 0
		fi
		echo "# KVM's $3-vCPU boot did not finish (exit $st); last lines:"
		grep -v '^\[ *0\.0*\]' "$T/$2.out" | tail -n 5 | sed 's/^/#   /'
		ktap_result skip "$1" "KVM's guest hung under TCG"
		return 1
	}
	kvm_boot boot_1_vcpu one 1
	kvm1=$?
	kvm_boot boot_4_vcpus_all_busy four 4
	# The same guest on lvmm, in this boot: no time warning KVM lacks.
	boot lvmm1 /dev/lvmm 1
	st=$?
	kwarns "$T/one.out" > "$T/kvm.warn"
	kwarns "$T/lvmm1.out" > "$T/lvmm.warn"
	extra=$(grep -vxF -f "$T/kvm.warn" "$T/lvmm.warn")
	[ -s "$T/kvm.warn" ] || extra=$(cat "$T/lvmm.warn")
	sed 's/^/# kvm kwarn: /' "$T/kvm.warn"
	sed 's/^/# lvmm kwarn: /' "$T/lvmm.warn"
	ok=0
	grep -q "lvmm-guest: jobs done" "$T/lvmm1.out" || { echo "# the lvmm boot did not finish (exit $st)"; ok=1; }
	[ -z "$extra" ] || { echo "# lvmm's guest warns where KVM's does not:"; echo "$extra" | sed 's/^/#   /'; ok=1; }
	if [ $kvm1 != 0 ] && [ $ok = 0 ]; then
		ktap_result skip no_time_warnings_beyond_kvm "no KVM boot to compare with"
	else
		ktap_result $ok no_time_warnings_beyond_kvm
	fi
	rm -rf "$T"
	ktap_finish
	exit
fi

boot one "$DEV" 1
check_boot boot_1_vcpu one $? 1
boot four "$DEV" 4
check_boot boot_4_vcpus_all_busy four $? 4

# With the host's CPUs busy, vCPU threads are scheduled out inside KVM_RUN:
# each must get its guest's FPU registers back before it enters again, or
# the guest's programs run on another task's SSE state and crash.
yes > /dev/null &
hog1=$!
yes > /dev/null &
hog2=$!
boot loaded "$DEV" 4
st=$?
kill $hog1 $hog2
wait $hog1 $hog2 2> /dev/null
check_boot boot_4_vcpus_with_the_host_busy loaded $st 4

boot reboot "$DEV" 1 lvmm_guest=reboot
check_boot reboot_ends_the_run reboot $? 1 rebooted

# lvmm run --rng: virtio-rng on the PCI bus, over MSI-X and an ioeventfd;
# the guest's hwrng is it, and 4 KiB from it are neither zeros nor ones.

echo "a line for rng" | timeout -s KILL 180 lvmm run --device "$DEV" --rng \
	--kernel "$G/vmlinuz" --initrd "$G/initramfs-virtio.cpio.gz" -m 256M \
	--cmdline "console=ttyS0 quiet lvmm_rng" > "$T/rng.out" 2> "$T/rng.err"
st=$?
ok=0
got=$(sed -n 's/.*lvmm-guest: hwrng: //p' "$T/rng.out" | tr -d '\r')
zeros=$(head -c 4096 /dev/zero | sha256sum | cut -d' ' -f1)
ones=$(head -c 4096 /dev/zero | tr '\0' '\377' | sha256sum | cut -d' ' -f1)
case "$got" in
"virtio_rng.0 "????????????????????????????????????????????????????????????????) ;;
*) echo "# the guest's hwrng: '$got'"; ok=1 ;;
esac
case "$got" in *"$zeros"*|*"$ones"*) echo "# hwrng gave zeros or ones"; ok=1 ;; esac
# Its interrupts are MSI-X messages (the platform has no INTx for it).
grep -Eq 'lvmm-guest: hwrng msi-x: [1-9]' "$T/rng.out" || { echo "# no MSI-X vector for virtio"; ok=1; }
[ $st = 0 ] || { echo "# lvmm run --rng exited $st"; ok=1; }
if [ $ok != 0 ]; then
	tail -n 20 "$T/rng.out" | sed 's/^/#   /'
	sed 's/^/#   stderr: /' "$T/rng.err"
fi
ktap_result $ok virtio_rng_is_the_guests_hwrng

# lvmm run --disk IMAGE,readonly: virtio-blk; the guest sees a read-only
# disk with its serial, mounts its ext4 and reads data.bin, whose sha256
# scripts/linux-guest wrote down when it made fresh random data for it.
echo "a line for disk" | timeout -s KILL 180 lvmm run --device "$DEV" \
	--disk "$G/disk.img,readonly" --kernel "$G/vmlinuz" \
	--initrd "$G/initramfs-virtio.cpio.gz" -m 256M \
	--cmdline "console=ttyS0 quiet lvmm_disk" > "$T/disk.out" 2> "$T/disk.err"
st=$?
ok=0
for want in "lvmm-guest: disk: ro=1 serial=lvmm0-disk.img" \
	    "lvmm-guest: disk data: $(cat "$G/disk.sha256")"; do
	grep -q "$want" "$T/disk.out" || { echo "# no '$want'"; ok=1; }
done
[ $st = 0 ] || { echo "# lvmm run --disk exited $st"; ok=1; }
if [ $ok != 0 ]; then
	grep 'lvmm-guest\|vda\|virtio' "$T/disk.out" | tail -n 20 | sed 's/^/#   /'
	sed 's/^/#   stderr: /' "$T/disk.err"
fi
ktap_result $ok virtio_blk_reads_an_ext4_image

# Bad input: a clear message and the documented status, no guest run.
# errcase NAME WANT_STATUS PATTERN ARGS...
errcase() {
	name=$1 want=$2 pat=$3
	shift 3
	lvmm run --device "$DEV" "$@" < /dev/null > "$T/e.out" 2> "$T/e.err"
	st=$?
	ok=0
	[ $st = "$want" ] || { echo "# $name: status $st, want $want"; ok=1; }
	grep -q -- "$pat" "$T/e.err" || { echo "# $name: no '$pat' in:"; sed 's/^/#   /' "$T/e.err"; ok=1; }
	ktap_result $ok "$name"
}
errcase kernel_not_a_bzimage 65 "not a bzImage" --kernel "$G/initramfs.cpio.gz"
errcase kernel_needs_more_memory 64 "to decompress; give -m" -m 32M --kernel "$G/vmlinuz"
errcase initrd_without_kernel 64 "--initrd needs --kernel" --initrd "$G/initramfs.cpio.gz" /guests/hello.elf
errcase kernel_and_image 64 "give one of them" --kernel "$G/vmlinuz" /guests/hello.elf
errcase disk_missing 66 "no-such.img: No such file" --disk /no-such.img --kernel "$G/vmlinuz"
errcase disk_bad_option 64 "unknown option 'rw'" --disk "$G/disk.img,rw" --kernel "$G/vmlinuz"
errcase disk_without_kernel 64 "needs --kernel" --disk "$G/disk.img" /guests/hello.elf

rm -rf "$T"
ktap_finish
