# SPDX-License-Identifier: GPL-2.0
#
# lvmm top-level Makefile. `make` builds the module, the userspace programs
# and the selftests; `make check` runs every test; `make demo` shows lvmm.
# Both install missing Debian packages first (`make deps`).

KVER_STOCK := $(shell scripts/kver 2>/dev/null)
KDIR_RUNNING := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(KDIR_RUNNING)),$(KDIR_RUNNING),/usr/src/linux-headers-$(KVER_STOCK))
W ?= 1

BUILD := $(CURDIR)/build
CC ?= cc
USER_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11 \
	-D_GNU_SOURCE -I$(CURDIR)/uapi -I$(BUILD)/include
USER_LDFLAGS := -static -pthread
# The selftests and the benchmark client use the selftest library; the CLI
# sees only the uapi headers and the system's.
SELFTEST_CFLAGS := $(USER_CFLAGS) -I$(CURDIR)/selftests/lib

# Debian's libc headers are from 6.1; the KVM ABI lvmm implements is 6.12's.
# Install the running target's <linux/kvm.h> the way `make headers` does.
HDRS := /usr/src/linux-headers-$(KVER_STOCK)
HDRS_COMMON := $(HDRS:-amd64=-common)
# headers_install.sh runs scripts/unifdef relative to the current directory.
HDR_INSTALL = cd $(HDRS) && sh $(HDRS_COMMON)/scripts/headers_install.sh
UAPI_HDRS := $(addprefix $(BUILD)/include/,linux/kvm.h linux/bits.h asm/kvm.h)
HARNESS := $(BUILD)/include/kselftest_harness.h

CLI_SRCS := $(wildcard userspace/*.c)

# Sample guests: freestanding, built with the host compiler.
GUEST_DIR := userspace/guests
GUEST_CFLAGS := -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-mno-red-zone -mgeneral-regs-only -nostdlib -static -no-pie \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wall -Wextra \
	-Wno-unused-parameter -I$(GUEST_DIR)/rt -I$(CURDIR)/uapi \
	-I$(BUILD)/include -T $(GUEST_DIR)/guest.ld
GUESTS64 := hello primes memfill smp exit echo
GUEST_RT := $(GUEST_DIR)/rt/lib.c $(GUEST_DIR)/rt/guest.h $(GUEST_DIR)/guest.ld
GUEST_IMAGES := $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS64)) \
	$(BUILD)/guests/hello32.elf \
	$(patsubst %,$(BUILD)/guests/%.bin,flat16 flat32 flat64 triple)
SELFTEST_LIB := $(wildcard selftests/lib/*.c selftests/lib/*.S)
SELFTEST_SRCS := $(wildcard selftests/*.c)
SELFTESTS := $(patsubst selftests/%.c,$(BUILD)/selftests/%,$(SELFTEST_SRCS))
# The tests' helper programs, installed beside them under their own names.
SELFTEST_TOOLS := $(patsubst selftests/tools/%.c,$(BUILD)/selftests/%,\
	$(wildcard selftests/tools/*.c))
SELFTEST_SCRIPTS := $(wildcard selftests/*.sh)
BENCH_SRCS := $(wildcard scripts/bench/*.c scripts/bench/*.S)

.PHONY: all kmod userspace guests selftests deps testkernel kmod-debug check demo bench soak \
	clean checkpatch help

all: kmod userspace selftests

help:
	@echo "make            build lvmm.ko, the lvmm CLI and the selftests"
	@echo "make deps       install the Debian packages lvmm needs"
	@echo "make check      run all tests (stock and debug kernel, KUnit)"
	@echo "make demo       boot the test VM and show lvmm at work"
	@echo "make bench      lvmm against KVM and KSM in one boot (build/bench.json)"
	@echo "make soak       boot 4-vCPU Linux 50 times on lvmm and on KVM (BOOTS=N)"
	@echo "make testkernel build the debug kernel (cached in ~/.cache/lvmm)"
	@echo "make checkpatch / make C=1  style and sparse checks"

deps:
	@scripts/deps

kmod:
	@test -d "$(KDIR)" || { echo "no kernel tree at KDIR=$(KDIR) (run 'make deps')"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

$(BUILD)/include/linux/%.h: $(HDRS_COMMON)/include/uapi/linux/%.h
	@mkdir -p $(@D)
	$(HDR_INSTALL) $< $@
$(BUILD)/include/asm/%.h: $(HDRS_COMMON)/arch/x86/include/uapi/asm/%.h
	@mkdir -p $(@D)
	$(HDR_INSTALL) $< $@

# The kselftest harness ships only in the kernel source tarball.
$(HARNESS):
	@mkdir -p $(@D)
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C $(@D) --strip-components=4 \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/kselftest.h

userspace: $(BUILD)/bin/lvmm $(BUILD)/bin/testvm-exit guests

guests: $(GUEST_IMAGES)

$(BUILD)/guests/%.elf: $(GUEST_DIR)/%.c $(GUEST_DIR)/rt/start64.S $(GUEST_RT)
	@mkdir -p $(@D)
	$(CC) -m64 $(GUEST_CFLAGS) -o $@ $(GUEST_DIR)/rt/start64.S $(GUEST_DIR)/rt/lib.c $<

# The same hello, as a 32-bit ELF; the kernel's asm headers serve -m32 too.
$(BUILD)/guests/hello32.elf: $(GUEST_DIR)/hello.c $(GUEST_DIR)/rt/start32.S $(GUEST_RT)
	@mkdir -p $(@D)
	$(CC) -m32 $(GUEST_CFLAGS) -idirafter /usr/include/x86_64-linux-gnu \
		-o $@ $(GUEST_DIR)/rt/start32.S $(GUEST_DIR)/rt/lib.c $<

# Flat binaries: linked where lvmm run's --load puts them (flat16: CS base).
FLAT_BASE_flat16 := 0
FLAT_BASE_flat32 := 0x1000
FLAT_BASE_flat64 := 0
FLAT_BASE_triple := 0
$(BUILD)/guests/%.bin: $(GUEST_DIR)/%.S
	@mkdir -p $(@D)
	@mkdir -p $(BUILD)/obj
	$(CC) -c -o $(BUILD)/obj/$*.o $<
	$(LD) -m elf_x86_64 -Ttext=$(FLAT_BASE_$*) --oformat binary -o $@ $(BUILD)/obj/$*.o

$(BUILD)/bin/lvmm: $(CLI_SRCS) $(wildcard userspace/*.h) uapi/linux/lvmm.h $(UAPI_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $(CLI_SRCS) $(USER_LDFLAGS) -ljson-c

$(BUILD)/bin/testvm-exit: scripts/testvm-exit.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS)

selftests: $(SELFTESTS) $(SELFTEST_TOOLS) $(BUILD)/bin/lvmm-bench $(BUILD)/bin/lvmm-bench-sharing $(BUILD)/bin/lvmm-bench-linux \
	$(BUILD)/bin/lvmm-bench-run $(BUILD)/bin/lvmm-bench-profile $(BUILD)/bin/lvmm-soak $(patsubst selftests/%,$(BUILD)/selftests/%,$(SELFTEST_SCRIPTS)) \
	$(BUILD)/selftests/run_selftests $(BUILD)/selftests/run_kunit $(BUILD)/selftests/run_kvm_selftests

# Unit tests of the CLI's own code link the file they test.
$(BUILD)/selftests/virtqueue_test: UNIT_SRCS := userspace/virtqueue.c
$(BUILD)/selftests/virtqueue_test: userspace/virtqueue.c userspace/virtqueue.h

$(SELFTESTS): $(BUILD)/selftests/%: selftests/%.c $(SELFTEST_LIB) $(wildcard selftests/lib/*.h) \
		$(UAPI_HDRS) $(HARNESS) uapi/linux/lvmm.h
	@mkdir -p $(@D)
	$(CC) $(SELFTEST_CFLAGS) -Wno-sign-compare -Wno-clobbered -o $@ $< $(UNIT_SRCS) \
		$(SELFTEST_LIB) $(USER_LDFLAGS)

$(SELFTEST_TOOLS): $(BUILD)/selftests/%: selftests/tools/%.c $(SELFTEST_LIB) \
		$(wildcard selftests/lib/*.h) $(UAPI_HDRS) uapi/linux/lvmm.h
	@mkdir -p $(@D)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_LIB) $(USER_LDFLAGS)

# The benchmark client: the selftest library's code, so that it drives both
# devices exactly as the tests do.
$(BUILD)/bin/lvmm-bench: $(BENCH_SRCS) scripts/bench/bench.h $(SELFTEST_LIB) \
		$(wildcard selftests/lib/*.h) $(UAPI_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SELFTEST_CFLAGS) -Wno-sign-compare -o $@ $(BENCH_SRCS) $(SELFTEST_LIB) $(USER_LDFLAGS)

$(BUILD)/bin/lvmm-bench-sharing: scripts/bench/sharing.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(BUILD)/bin/lvmm-bench-linux: scripts/bench/linux.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(BUILD)/bin/lvmm-bench-run: scripts/bench/inside.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(BUILD)/bin/lvmm-soak: scripts/soak/inside.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(BUILD)/bin/lvmm-bench-profile: scripts/bench/profile.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(BUILD)/selftests/%.sh: selftests/%.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(BUILD)/selftests/run_%: selftests/run_%
	@mkdir -p $(@D)
	install -m 0755 $< $@

testkernel:
	@scripts/testkernel >/dev/null

# lvmm.ko again, against the debug tree, plus the KUnit module. Kbuild of
# this era builds objects beside the sources, so build from a copy.
kmod-debug: testkernel
	@mkdir -p $(BUILD)/debug
	rsync -a --delete --include='*/' --include='*.[chS]' --include=Kbuild \
		--exclude='*' Kbuild kmod uapi $(BUILD)/debug/
	$(MAKE) -C $$(scripts/testkernel --print-dir) M=$(BUILD)/debug W=$(W) modules

check:
	@scripts/deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory kmod-debug
	@scripts/check

soak:
	@scripts/deps
	@$(MAKE) --no-print-directory all
	@scripts/soak/run $(BOOTS)

bench:
	@scripts/deps
	@$(MAKE) --no-print-directory all
	@scripts/bench/run

demo:
	@scripts/deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

checkpatch: testkernel
	perl $$(scripts/testkernel --print-dir)/scripts/checkpatch.pl --no-tree \
		--strict -f $$(git ls-files 'kmod/*.[chS]' 'uapi/*.h')

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
