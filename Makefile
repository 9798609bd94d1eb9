# SPDX-License-Identifier: GPL-2.0-or-later
# pullkern build.
#
#   make            kernel ELF and the hybrid BIOS/UEFI ISO
#   make run        build, boot QEMU -smp 64 on the idle scenario (10 s), print
#                   the residency report; log and plot in out/ (RUN_SMP=8
#                   RUN_SECONDS=2 RUN_ARGS="tmigr=off" to change the run)
#   make test       every test: host unit tests, mutants, spin model, QEMU integration
#   make debug      QEMU waiting for gdb, and the gdb command line to use
#   make deps       install missing Debian packages (as root) or print the line
#   make bench      timer wheel against a binary-heap timer queue, on the host
#                   (and bench-tmigr)
#   make bench-tmigr idle entry/exit cost of the hierarchy, 8 .. 4096 CPUs, host
#   make bench-boot AP bring-up time and run wall time, -smp 64, 5 runs
#   make bench-linux the same, beside Debian's Linux on the same QEMU machine,
#                   then idle wake-ups and residency: Linux 6.1, 6.12, pullkern
#                   tmigr=off and on
#   make bench-idle idle wake-ups vs their lower bound, tmigr=on vs off, -smp 64,
#                   global-only and with pinned timers
#   make bench-hotplug park, unpark and hot-add latency (scenario, QMP
#                   device_add), -smp 64, beside Linux's offline/online/hot-add
#   make bench-reliability N=50: N boots at -smp 64, BIOS and UEFI alternating;
#                   crashes, hangs and timeouts counted, host time to the smp record
#   make fuzz       libFuzzer targets (clang, ASan+UBSan) for the ACPI tables,
#                   multiboot2, the command line, the whole boot chain, the
#                   format and JSON writers and the shell, FUZZ_SECONDS each
#                   (60); make test replays their corpora and fuzzes briefly
#                   (docs/fuzzing.md); make fuzz-build only builds them
#   make clean
#
# Everything built goes to build/.  Portable sources (the PORTABLE list
# below: code that includes no x86 header and reaches the machine only
# through kernel/arch_services.h) are compiled twice: freestanding into the
# kernel and hosted into build/host/libportable.a for the host tests.
# Design notes: docs/README.md.

BUILD := build
KERNEL := $(BUILD)/pullkern.elf
ISO := $(BUILD)/pullkern.iso

CC := gcc
LD := ld
HOST_CC := gcc

# Kernel compile flags, one per line with the reason.
KCFLAGS := -std=gnu11
KCFLAGS += -O2 -g
KCFLAGS += -Wall -Wextra -Werror
# Kernel stacks are 16 KiB (8 KiB for the IST ones): no frame may take a
# big share of one.  A 16 KiB local once overwrote the page tables silently.
KCFLAGS += -Wframe-larger-than=2048
# No hosted library, no builtin assumptions about memcpy and friends.
KCFLAGS += -ffreestanding -fno-builtin
# Stack protector needs a runtime we do not have.
KCFLAGS += -fno-stack-protector
# The kernel runs at its link address, identity mapped below 2 GiB.
KCFLAGS += -fno-pic -fno-pie -mcmodel=small
# Interrupts push onto the current stack: no red zone below %rsp.
KCFLAGS += -mno-red-zone
# No SSE/x87 state in the kernel: we never save it on interrupts.
KCFLAGS += -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2
# Frame pointers give the exception handler a usable backtrace.
KCFLAGS += -fno-omit-frame-pointer
# Separate sections let --gc-sections drop what nothing uses; linker.ld
# places the rest and its ASSERTs check the result (multiboot2 header,
# load address, section order, trampoline size).
KCFLAGS += -ffunction-sections -fdata-sections
# One include root: "arch/x86_64/cpu.h", "kernel/printk.h", "lib/format.h".
KCFLAGS += -I.
KCFLAGS += -MMD -MP
# make LOCK_DEBUG=1: spin_assert_held() checks that the functions needing a
# lock run with it held (kernel/spinlock.h).  Host tests always build that
# way, and there a lock also records its holder CPU.  A separate BUILD=dir
# keeps the two kernels apart (flags are not a dependency of the objects).
ifneq ($(LOCK_DEBUG),)
KCFLAGS += -DLOCK_DEBUG
endif

KASFLAGS := -I. -MMD -MP -g -Wa,--noexecstack

# Link flags: our script, no libc, 4 KiB alignment in the file.
KLDFLAGS := -nostdlib -static -T linker.ld -z max-page-size=0x1000 --gc-sections

# Host flags for portable code and host tests.
HCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -Itests/host
HCFLAGS += -DPULLKERN_HOST -MMD -MP
# Lock debugging (kernel/spinlock.h) in every host test; not in the benches.
HCFLAGS += -DLOCK_DEBUG
# make host-asan builds every host test a second time, in $(BUILD)/asan,
# with these switches (compile and link); see that target below.
HCFLAGS += $(HOST_SANITIZE)

# Kernel sources: every .c and .S below these directories.
KDIRS := boot arch/x86_64 drivers/apic drivers/console drivers/hpet kernel kernel/scenarios lib
KSRCS := $(foreach d,$(KDIRS),$(wildcard $(d)/*.c $(d)/*.S))
KOBJS := $(patsubst %,$(BUILD)/k/%.o,$(KSRCS))

# The ACPI table parsers: kernel/acpi.c and one file per further table
# (kernel/acpi_table.h); acpi_hotplug.c is not a parser but runs the SCI.
ACPI_SRCS := $(filter-out kernel/acpi_hotplug.c,$(wildcard kernel/acpi*.c))

# Portable sources, also linked into host tests.  Files that exist only.
PORTABLE := lib/format.c lib/json.c kernel/cmdline.c kernel/options.c $(ACPI_SRCS) \
	kernel/multiboot2.c drivers/console/fbcon.c drivers/console/font8x16.c \
	drivers/console/text_grid.c drivers/console/uart.c drivers/apic/lapic_mode.c kernel/timer.c \
	kernel/tmigr.c kernel/tmigr_debug.c kernel/report.c kernel/idle.c kernel/tick.c \
	kernel/workqueue.c kernel/shell_core.c kernel/cpuhp_block.c \
	drivers/console/ps2kbd_decode.c kernel/residency.c kernel/residency_report.c \
	kernel/boot_records.c
# Hardware counters' names, their model table, the idle-state choice and
# the TSC calibration's choice (tsc_choice):
# data and decisions from CPUID's answers, no instruction.
PORTABLE += kernel/hw_counters.c arch/x86_64/hw_model.c arch/x86_64/idle_choice.c \
	arch/x86_64/tsc_choice.c
# CPU numbering from the MADT (32-bit APIC IDs), a decision without hardware.
PORTABLE += arch/x86_64/cpu_numbering.c
PORTABLE := $(wildcard $(PORTABLE))
HOBJS := $(patsubst %,$(BUILD)/host/%.o,$(PORTABLE) tests/host/host_support.c tests/host/host_arch.c)
HLIB := $(BUILD)/host/libportable.a

HOST_TESTS_SRC := $(wildcard tests/host/test_*.c)
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(HOST_TESTS_SRC))

# The hierarchy's tests link the deterministic vCPU scheduler tests/host/tmsim.c.
# Those listed in HOST_TESTS_F2 are built a second time, as NAME_f2, with
# fan-out 2 (deep trees from few CPUs): the hierarchy and the wheel are then
# compiled into the program (tmigr_debug.c too: it shares their layout),
# not taken from libportable.a.
TMSIM := tests/host/tmsim.c
TMSIM_OBJ := $(BUILD)/host/$(TMSIM).o
HOST_TESTS_F2 := test_tmigr_races test_tmigr_growth test_tmigr_busy_remote_expiry
HOST_TESTS += $(patsubst %,$(BUILD)/host/%_f2,$(HOST_TESTS_F2))
# ... and a third time, as NAME_f2w, in weak mode (-DTMSIM_WEAK): the
# ordering-sensitive words go through the memory model tests/host/tmweak.c,
# which the ordering races' tests drive (docs/races.md §4.0, "weak mode").
TMWEAK := tests/host/tmweak.c
HOST_TESTS += $(patsubst %,$(BUILD)/host/%_f2w,$(HOST_TESTS_F2))
# The seeded random-operation test runs whole operations, one at a time:
# its _f2 build gives it deep trees; the weak model has nothing to add.
HOST_TESTS += $(BUILD)/host/test_tmigr_random_ops_keep_invariants_f2

# The stress test plays up to 512 CPUs, more than libportable.a's
# TIMER_MAX_CPUS: the wheel, the hierarchy and what they use are compiled
# into it with room for them.  It is built twice, plain and under
# ThreadSanitizer (a report fails that run: exit status 66).  gcc warns
# that TSan ignores atomic fences (-Wtsan): the one in tmigr.c (O3) orders
# only atomic loads, which TSan never reports, so the warning is off there.
STRESS_CPUS := 512
STRESS_SRCS := tests/host/test_tmigr_stress.c tests/host/stress_harness.c kernel/timer.c \
	kernel/tmigr.c kernel/tmigr_debug.c kernel/report.c lib/format.c lib/json.c \
	tests/host/host_arch.c tests/host/host_support.c
STRESS_DEPS := $(STRESS_SRCS) $(wildcard kernel/*.h lib/*.h tests/host/*.h)
STRESS_CFLAGS := $(filter-out -MMD -MP,$(HCFLAGS)) \
	-DTIMER_MAX_CPUS=$(STRESS_CPUS) -DHOST_MAX_CPUS=$(STRESS_CPUS)
HOST_TESTS += $(BUILD)/host/test_tmigr_stress_tsan
# The hotplug stress test (park, unpark, hot-add under the same harness,
# tests/host/stress_harness.c): plain with libportable.a (its own rule
# below, as the test_tmigr_% rule links no harness), and under
# ThreadSanitizer with the stress test's sources.
HPSTRESS_SRCS := tests/host/test_tmigr_hotplug_stress.c $(filter-out tests/host/test_tmigr_stress.c,$(STRESS_SRCS))
HOST_TESTS += $(BUILD)/host/test_tmigr_hotplug_stress_tsan

.PHONY: all kernel iso run test host-tests qemu-tests debug deps clean \
	bench bench-tmigr bench-boot bench-linux bench-idle bench-hotplug bench-reliability mutant-bin fuzz-shell \
	fuzz fuzz-build host-asan host-asan-build

all: $(ISO)

kernel: $(KERNEL)

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

$(KERNEL): $(KOBJS) linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS)
	@grub-file --is-x86-multiboot2 $@ || \
		{ echo "error: $@ is not a valid multiboot2 kernel"; exit 1; }

$(ISO): $(KERNEL) boot/grub.cfg
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(KERNEL) $(BUILD)/iso/boot/pullkern.elf
	cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

$(BUILD)/host/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -c $< -o $@

$(HLIB): $(HOBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/host/test_%: tests/host/test_%.c $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -o $@ $< $(HLIB) -lcmocka -lpthread

# The bench's correctness checks, run tiny: the test runs the bench program.
$(BUILD)/host/test_timer_bench_correctness: tests/host/test_timer_bench_correctness.c \
		$(BUILD)/host/bench_timers
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -DBENCH_TIMERS_BIN='"$(BUILD)/host/bench_timers"' -o $@ $< -lcmocka

# The residency picture (kernel/residency_screen.c, portable but calling the
# console lock and VGA text, which the test fakes) on the real fbcon.
$(BUILD)/host/test_residency_screen_draw: tests/host/test_residency_screen_draw.c \
		kernel/residency_screen.c $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -o $@ $(filter %.c,$^) $(HLIB) -lcmocka

# arch/x86_64/paging.c on host page tables (its allocator replaced by the test).
$(BUILD)/host/test_paging_bounds_table_pages: tests/host/test_paging_bounds_table_pages.c \
		arch/x86_64/paging.c $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -o $@ $(filter %.c,$^) $(HLIB) -lcmocka

# The README check reads README.md wherever the test is run from.
$(BUILD)/host/test_readme_option_table_matches: tests/host/test_readme_option_table_matches.c $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -DREADME_MD='"$(CURDIR)/README.md"' -o $@ $< $(HLIB) -lcmocka

# The shell's fuzz target, run for a bounded number of generated inputs
# under gcc's sanitizers (make test), needing no clang.
FUZZ_SHELL_SRCS := tests/fuzz/fuzz_shell.c kernel/shell_core.c lib/format.c lib/json.c
$(BUILD)/host/test_shell_fuzz_target_bounded: tests/host/test_shell_fuzz_target_bounded.c \
		$(FUZZ_SHELL_SRCS) $(wildcard kernel/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(filter-out -MMD -MP,$(HCFLAGS)) -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined -o $@ $< $(FUZZ_SHELL_SRCS) -lcmocka

# libFuzzer targets (tests/fuzz/, docs/fuzzing.md): clang with ASan and
# UBSan, a UBSan report fatal.  fuzz_NAME is tests/fuzz/fuzz_NAME.c, the
# code under test (FUZZ_SRCS_NAME) and, for the firmware parsers,
# tests/fuzz/fuzz_support.c (kprintf and the exact-length ACPI map).
# `make test` builds them when clang is there and tests/fuzz/run.sh
# replays each seed corpus and fuzzes briefly; `make fuzz` fuzzes each
# for FUZZ_SECONDS (60 by default) and prints the executions.
FUZZ_CC := clang
FUZZ_CFLAGS := $(filter-out -MMD -MP,$(HCFLAGS)) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_SUPPORT := tests/fuzz/fuzz_support.c lib/format.c
FUZZ_SRCS_acpi := $(FUZZ_SUPPORT) $(ACPI_SRCS)
FUZZ_SRCS_mb2 := $(FUZZ_SUPPORT) kernel/multiboot2.c
FUZZ_SRCS_cmdline := $(FUZZ_SUPPORT) kernel/cmdline.c kernel/options.c
FUZZ_SRCS_chain := $(FUZZ_SUPPORT) kernel/multiboot2.c kernel/cmdline.c kernel/options.c \
	$(ACPI_SRCS)
FUZZ_SRCS_format := $(FUZZ_SUPPORT)
FUZZ_SRCS_json := $(FUZZ_SUPPORT) lib/json.c
FUZZ_SRCS_shell := kernel/shell_core.c lib/format.c lib/json.c
FUZZ_TARGETS := acpi mb2 cmdline chain format json shell
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_SECONDS ?= 60
# make test builds the targets only where clang exists (the suite then
# skips them, saying so).
FUZZ_TEST_BINS := $(if $(shell command -v $(FUZZ_CC)),$(FUZZ_BINS))

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_SRCS_$(1)) \
		$$(wildcard kernel/*.h lib/*.h tests/fuzz/*.h) tests/host/format_cases.h
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $$(FUZZ_SRCS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# Every host test again under AddressSanitizer and UBSan (a report fatal),
# built in its own tree $(BUILD)/asan by a make of its own, so the objects
# of the two builds never mix.  The ThreadSanitizer programs are left out:
# one program takes one of ASan and TSan.  make test builds them and
# tests/run-all.sh runs them as the suite "asan" (about 2 minutes more on
# two busy cores: 1m50 to build, 40 s to run).
ASAN_BUILD := $(BUILD)/asan
ASAN_SWITCHES := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-Wno-error=format-truncation
ASAN_TESTS := $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(filter-out %_tsan,$(HOST_TESTS)))
host-asan-build:
	@$(MAKE) --no-print-directory -s BUILD=$(ASAN_BUILD) HOST_SANITIZE="$(ASAN_SWITCHES)" \
		$(ASAN_TESTS)
host-asan: host-asan-build
	@tests/run-host-tests.sh $(ASAN_TESTS)

fuzz-build: $(FUZZ_BINS)
fuzz-shell: $(BUILD)/fuzz/fuzz_shell
fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

# An explicit rule, not only the %.c.o pattern: make's first pass over
# pattern rules only takes prerequisites that exist or are named as
# targets, so in a clean tree test_% would win over test_tmigr_% below.
$(TMSIM_OBJ): $(TMSIM) tests/host/tmsim.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -c $< -o $@

$(BUILD)/host/test_tmigr_%: tests/host/test_tmigr_%.c $(TMSIM_OBJ) $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -o $@ $< $(TMSIM_OBJ) $(HLIB) -lcmocka -lpthread

# The idle loop's race tests run kernel/idle.c on tmsim's vCPUs too.
$(BUILD)/host/test_idle_%: tests/host/test_idle_%.c $(TMSIM_OBJ) $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -o $@ $< $(TMSIM_OBJ) $(HLIB) -lcmocka -lpthread

$(BUILD)/host/%_f2: tests/host/%.c $(TMSIM) kernel/tmigr.c kernel/tmigr_debug.c kernel/timer.c \
		$(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -DTMIGR_FANOUT=2 -o $@ $(filter %.c,$^) $(HLIB) -lcmocka -lpthread

$(BUILD)/host/%_f2w: tests/host/%.c $(TMSIM) $(TMWEAK) kernel/tmigr.c kernel/tmigr_debug.c \
		kernel/timer.c $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -DTMIGR_FANOUT=2 -DTMSIM_WEAK -o $@ $(filter %.c,$^) $(HLIB) \
		-lcmocka -lpthread

# One test program built with extra switches, for tests/host/run-mutants.sh:
#   make mutant-bin MUT_SRC=test_tmigr_races MUT_FLAGS=-DMUTANT_ID=R07 MUT_OUT=PATH
# MUT_FLAGS carries -DMUTANT_ID=ID (kernel/mutant.h).  MUT_SRCS: the code
# compiled into every mutant program (the switches live there).
MUT_SRCS := $(TMSIM) $(TMWEAK) kernel/tmigr.c kernel/tmigr_debug.c kernel/timer.c kernel/idle.c \
	kernel/tick.c kernel/workqueue.c kernel/residency.c
mutant-bin: $(HLIB)
	@mkdir -p $(dir $(MUT_OUT))
	$(HOST_CC) $(HCFLAGS) $(MUT_FLAGS) -o $(MUT_OUT) tests/host/$(MUT_SRC).c $(MUT_SRCS) \
		$(HLIB) -lcmocka -lpthread

$(BUILD)/host/test_tmigr_stress: $(STRESS_DEPS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(STRESS_CFLAGS) -o $@ $(STRESS_SRCS) -lcmocka -lpthread

$(BUILD)/host/test_tmigr_stress_tsan: $(STRESS_DEPS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(STRESS_CFLAGS) -fsanitize=thread -Wno-tsan -o $@ $(STRESS_SRCS) \
		-lcmocka -lpthread

$(BUILD)/host/test_tmigr_hotplug_stress: tests/host/test_tmigr_hotplug_stress.c \
		tests/host/stress_harness.c $(TMSIM_OBJ) $(HLIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HCFLAGS) -o $@ $(filter %.c,$^) $(TMSIM_OBJ) $(HLIB) -lcmocka -lpthread

$(BUILD)/host/test_tmigr_hotplug_stress_tsan: $(HPSTRESS_SRCS) $(wildcard kernel/*.h lib/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(STRESS_CFLAGS) -fsanitize=thread -Wno-tsan -o $@ $(HPSTRESS_SRCS) \
		-lcmocka -lpthread

host-tests: deps $(HOST_TESTS)
	@tests/run-host-tests.sh $(HOST_TESTS)

qemu-tests: deps $(ISO)
	@tests/qemu/run.sh

# make run's defaults; RUN_ARGS adds kernel command line words.
RUN_SMP := 64
RUN_SECONDS := 10
RUN_ARGS :=
run: deps $(ISO)
	@tools/run-report.sh --smp $(RUN_SMP) --seconds $(RUN_SECONDS) -- $(RUN_ARGS)

test: deps
	@$(MAKE) --no-print-directory -s $(ISO) $(HOST_TESTS) $(FUZZ_TEST_BINS)
	@$(MAKE) --no-print-directory -s host-asan-build
	@tests/run-all.sh $(HOST_TESTS)

# Benchmarks print figures; they are not tests and never fail on speed.
# bench_timers is built whole at -O2 (the kernel's level; libportable.a is -O1),
# without lock debugging, as the kernel runs.
bench: $(BUILD)/host/bench_timers $(BUILD)/host/tmigr_scale
	$(BUILD)/host/bench_timers
	$(BUILD)/host/tmigr_scale

BENCH_TIMERS_SRCS := $(filter-out tests/bench/tmigr_scale.c,$(wildcard tests/bench/*.c))
$(BUILD)/host/bench_timers: $(wildcard tests/bench/*.[ch]) $(HLIB)
	$(HOST_CC) $(filter-out -DLOCK_DEBUG,$(HCFLAGS)) -O2 -o $@ $(BENCH_TIMERS_SRCS) \
		$(patsubst $(BUILD)/host/%.o,%,$(HOBJS))

# tmigr_scale: idle entry and exit cost of the hierarchy at 8 .. 4096 CPUs,
# built at -O2 with room for 4096 CPUs (the wheel and the hierarchy compiled in).
SCALE_SRCS := tests/bench/tmigr_scale.c kernel/timer.c kernel/tmigr.c \
	kernel/tmigr_debug.c kernel/report.c lib/format.c lib/json.c tests/host/host_arch.c \
	tests/host/host_support.c
bench-tmigr: $(BUILD)/host/tmigr_scale
	$(BUILD)/host/tmigr_scale

$(BUILD)/host/tmigr_scale: $(SCALE_SRCS) $(wildcard kernel/*.h lib/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(filter-out -MMD -MP -DLOCK_DEBUG,$(HCFLAGS)) -O2 -DTIMER_MAX_CPUS=4096 \
		-DHOST_MAX_CPUS=4096 -o $@ $(SCALE_SRCS)

bench-boot: deps $(ISO)
	tools/bench-boot.py --runs 5 --smp 64

# Bring-up beside Linux, then idle wake-ups and residency beside Linux 6.1
# and 6.12 (tools/bench-residency.py; BENCH_LINUX_ARGS="--smp 8 --seconds 5"
# for a quick one).  Both parts run; the status is the first failure's.
bench-linux: deps $(ISO)
	@rc=0; tools/bench-boot.py --runs 3 --smp 64 --linux || rc=$$?; \
	tools/bench-residency.py --smp 64 --seconds 20 $(BENCH_LINUX_ARGS) || \
		{ r=$$?; [ $$rc -ne 0 ] || rc=$$r; }; exit $$rc

# BENCH_IDLE_ARGS="--seeds 1,2" runs every workload for each seed.
bench-idle: deps $(ISO)
	tools/bench-idle.py --smp 64 --seconds 10 --seed 1 $(BENCH_IDLE_ARGS)

# BENCH_HOTPLUG_ARGS="--no-linux" leaves Linux out; --help for the rest.
bench-hotplug: deps $(ISO)
	tools/bench-hotplug.py --runs 3 --smp 64 $(BENCH_HOTPLUG_ARGS)

# N boots (default 50); BENCH_RELIABILITY_ARGS="--cmdline 'hz=250'" and
# the rest of --help for other runs.
bench-reliability: deps $(ISO)
	tools/bench-reliability.py --runs $(or $(N),50) --smp 64 $(BENCH_RELIABILITY_ARGS)

debug: deps $(ISO)
	@echo "gdb: gdb $(KERNEL) -ex 'target remote :1234'"
	QEMU_EXTRA="-s -S $(QEMU_EXTRA)" ./run-qemu.sh --smp 4 --timeout 0

deps:
	@tools/deps.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
