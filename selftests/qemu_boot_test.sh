#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own QEMU (the one the test VM runs under, scripts/qemu-bundle),
# unmodified, as the VMM: `-accel kvm,device=/dev/lvmm` boots Debian's kernel
# on a q35 machine with kernel_irqchip=on (lvmm's 8259, IOAPIC and 8254)
# and =split (QEMU's), 1 and 4 vCPUs, a virtio-blk disk and virtio-net on
# user networking. The guest (scripts/linux-guest, initramfs-virtio) reads
# a console line, reads data.bin from the ext4 disk, downloads a fresh
# random blob from a web server in the test VM and uploads data.bin to it,
# reporting each sha256; then it powers off, and QEMU must exit 0.
#
# $LVMM_DEVICE=/dev/kvm runs the same boots on KVM, the control. KVM's
# guests do not always finish under TCG (linux_boot_test.sh): there a boot
# that does not finish is a skip, with its last lines.
. "$(dirname "$0")/ktap.sh"
DEV=${LVMM_DEVICE:-/dev/lvmm}
G=${LVMM_LINUX_GUEST:-/extra/linux-guest}
Q=${LVMM_QEMU_BUNDLE:-/extra/qemu-bundle.tar}
PORT=8080
BOOTS=${LVMM_QEMU_BOOTS:-"on:1 on:4 split:1 split:4"}

set -- $BOOTS
ktap_header $#
if [ ! -r "$G/initramfs-virtio.cpio.gz" ] || [ ! -r "$G/disk.img" ] || [ ! -r "$Q" ]; then
	for b in $BOOTS; do
		ktap_result skip "qemu_${b%:*}_${b#*:}_vcpus" "no QEMU bundle or guest (scripts/qemu-bundle, scripts/linux-guest)"
	done
	ktap_finish
	exit 0
fi

T=$(mktemp -d)
tar -C "$T" -xf "$Q"
cp "$G/disk.img" "$T/disk.img"
want_disk=$(cat "$G/disk.sha256")

# The host end of user networking: 10.0.2.2 in the guest is this loopback,
# which the test VM's init leaves down.
ip link set lo up
mkdir -p "$T/www/cgi-bin"
head -c $((4 << 20)) /dev/urandom > "$T/www/blob"
want_down=$(sha256sum < "$T/www/blob" | cut -d' ' -f1)
cat > "$T/www/cgi-bin/up" <<EOF
#!/bin/sh
head -c "\$CONTENT_LENGTH" | base64 -d > "$T/up"
printf 'Content-Type: text/plain\r\n\r\n'
sha256sum < "$T/up" | cut -d' ' -f1
EOF
chmod +x "$T/www/cgi-bin/up"
busybox httpd -f -p "127.0.0.1:$PORT" -h "$T/www" &
httpd=$!

# boot TAG CHIP CPUS: the console in $T/TAG.out, QEMU's stderr in .err.
# The console line goes in once the guest's init is up: QEMU reads its
# stdin at once, and the UART drops what comes before the guest opens it.
boot() {
	rm -f "$T/up" "$T/in"
	: > "$T/$1.out"
	mkfifo "$T/in"
	timeout "$LIMIT" sh -c 'until grep -q "lvmm-guest: banner" "$1"; do
		sleep 1; done; echo "$2"' sh "$T/$1.out" "a line for $1" > "$T/in" &
	timeout -s KILL "$LIMIT" "$T/qemu/run" \
		-accel "kvm,device=$DEV" -machine "q35,kernel_irqchip=$2" \
		-cpu host -smp "$3" -m 256 -nographic -nodefaults -serial stdio \
		-no-reboot -kernel "$G/vmlinuz" -initrd "$G/initramfs-virtio.cpio.gz" \
		-append "console=ttyS0 panic=-1 lvmm_virtio=$PORT" \
		-drive "file=$T/disk.img,format=raw,if=none,id=d0,readonly=on" \
		-device virtio-blk-pci,drive=d0 \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
		< "$T/in" > "$T/$1.out" 2> "$T/$1.err"
	st=$?
	kill $! 2> /dev/null
	wait $! 2> /dev/null
	return $st
}

# check NAME TAG STATUS CPUS: what the guest and QEMU reported
check() {
	name=$1 tag=$2 st=$3 cpus=$4
	ok=0
	fail() { echo "# $name: $*"; ok=1; }
	[ "$st" = 0 ] || fail "QEMU exited $st, want 0"
	for want in "lvmm-guest: read: a line for $tag" "lvmm-guest: nproc: $cpus" \
		    "lvmm-guest: jobs done" "lvmm-guest: disk: $want_disk" \
		    "lvmm-guest: net down: $want_down" \
		    "lvmm-guest: net up: $want_disk" "reboot: Power down"; do
		grep -q "$want" "$T/$tag.out" || fail "no '$want' on the console"
	done
	[ -r "$T/up" ] && [ "$(sha256sum < "$T/up" | cut -d' ' -f1)" = "$want_disk" ] ||
		fail "the upload that reached the test VM is not data.bin"
	if grep -Eq "$KTAP_SPLAT" "$T/$tag.out"; then
		fail "the guest kernel logged a splat:"
		grep -E -A3 "$KTAP_SPLAT" "$T/$tag.out" | sed 's/^/#   /'
	fi
	if [ $ok != 0 ]; then
		echo "# console (last 25 lines):"
		tail -n 25 "$T/$tag.out" | sed 's/^/#   /'
		sed 's/^/#   stderr: /' "$T/$tag.err" | tail -n 5
	fi
	ktap_result $ok "$name"
}

kvm_hung=
for b in $BOOTS; do
	chip=${b%:*} cpus=${b#*:}
	name=qemu_${chip}_${cpus}_vcpus tag=$chip$cpus
	if [ "$DEV" = /dev/lvmm ]; then
		LIMIT=300
		boot "$tag" "$chip" "$cpus"
		check "$name" "$tag" $? "$cpus"
		continue
	fi
	if [ -n "$kvm_hung" ]; then
		ktap_result skip "$name" "KVM hung before ($kvm_hung)"
		continue
	fi
	LIMIT=150
	boot "$tag" "$chip" "$cpus"
	st=$?
	if grep -q "lvmm-guest: jobs done" "$T/$tag.out"; then
		check "$name" "$tag" $st "$cpus"
	else
		echo "# KVM's $cpus-vCPU boot with kernel_irqchip=$chip did not finish (exit $st); last lines:"
		tail -n 5 "$T/$tag.out" | sed 's/^/#   /'
		ktap_result skip "$name" "KVM's guest hung under TCG"
		# A KVM guest hung under TCG can leave KVM unable to start the
		# next (seen in CI: no output at all after one); do not spend
		# the time limit on each.
		kvm_hung=$name
	fi
done

kill $httpd
wait $httpd 2> /dev/null
rm -rf "$T"
ktap_finish
