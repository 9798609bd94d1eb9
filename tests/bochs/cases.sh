# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Bochs integration cases, sourced by tests/bochs/run.sh, run in this order.
#
# bochs_case NAME EXIT TIMEOUT "RUN-BOCHS OPTIONS [-- KERNEL CMDLINE]" CHECK...
#   EXIT     the exit status tools/run-bochs.sh must give (0 pass, 1 fail)
#   TIMEOUT  seconds before run-bochs.sh stops Bochs; generous, because
#            Bochs runs every CPU on one host thread and the host's two
#            cores are shared (a 4-CPU boot is 2-4 minutes, docs/bochs.md)
#   CHECK    arguments for `tools/report.py check` (--expect EXPR,
#            --text REGEX, --no-text REGEX), run against the case's log
# The options word is split at spaces, so it must not need quoting.
# Each case is a boot of minutes: add checks to a boot before adding boots.

# What QEMU's TCG cannot show, in one boot of Bochs's Skylake-X model with 4
# CPUs: the APs brought up and run in x2APIC mode (ICR and LVT through
# MSRs, switched on before the kernel looked, as firmware that hands over
# in x2APIC mode leaves it: apic=firmware_x2apic), the LAPIC timer in TSC-deadline
# mode, the idle scenario's timers all on time with the hierarchy
# consistent, and the MSRs this model lacks: with ignore_bad_msrs=0 Bochs
# raises #GP on them as hardware does, the exception table turns each into
# "not there" (the hardware counters' record says "#GP on rdmsr", the
# self-test's PKRS write is caught), and no exception reaches the handler.
# The idle-state record shows what the model offers (MWAIT, ARAT, an
# invariant TSC) and the BIOS's CR0.CD that keeps MWAIT out (docs/bochs.md).
# The model has IA32_TSC_ADJUST (TCG does not): tsc_adjust_test= moves it on
# the odd APs first, and the alignment before the clock sync must bring
# both back to the BSP's value, so the skew then measured is far below the
# offset (docs/cpus.md §7.11).  Bochs also has an HPET, and a CPUID 0x16
# base frequency that is nominal only (not the TSC's rate): the rate used
# is one two sources agree on (§7.10).
# Bochs's own 16550 model answers the console's probe (scratch, loopback)
# as COM1 (docs/consoles.md).
bochs_case smp4_x2apic_tsc_deadline_idle_and_missing_msrs_fault_safely 0 1200 \
	"--smp 4 -- apic=firmware_x2apic scenario=idle seconds_ms=500 tsc_adjust_test=1000000000" \
	--expect 'smp.possible == 4 and smp.online == 4 and smp.failed_apic_ids == []' \
	--expect 'smp.apic_mode == "x2apic" and smp.apic_ids == [0, 1, 2, 3]' \
	--expect 'smp.apic_mode_reason == "firmware enabled x2APIC" and firmware.x2apic_by_firmware == true' \
	--expect 'firmware.poweroff == "acpi_s5" and firmware.s5_from == "dsdt"' \
	--expect 'lapic_timer.mode == "tsc-deadline"' \
	--expect 'idle_state.mwait_in_cpuid == true and idle_state.arat == true' \
	--expect 'idle_state.invariant_tsc == true and idle_state.caches_disabled == true' \
	--expect 'clock.synced == 3 and clock.unsynced == 0' \
	--expect 'tsc_adjust.offered == true and tsc_adjust.cpus == 4 and tsc_adjust.unreadable == 0' \
	--expect 'tsc_adjust.differed == 2 and tsc_adjust.aligned == 2 and tsc_adjust.not_aligned == 0' \
	--expect 'tsc_adjust.differing[0].cpu == 1 and tsc_adjust.differing[1].cpu == 3' \
	--expect 'clock.max_skew_us * tsc.hz < tsc_adjust.test_offset * 1000000 / 2' \
	--expect 'tsc.agreed == true and tsc.sources.hpet > 0 and tsc.check_source != "cpuid16"' \
	--expect 'tick.cpus == 4 and min(tick.per_cpu) > 0' \
	--expect 'idle.cpus == 4 and idle.timers_fired > 0' \
	--expect 'idle.lost == 0 and idle.early == 0 and idle.over_bound == 0' \
	--expect 'sum(values(idle.wakeups_by_cause)) == idle.wakeups_total' \
	--expect 'idle.wakeups_by_cause.unnamed == 0' \
	--expect 'tmigr_check.violations == 0' \
	--expect 'hw_counters.table == "Skylake server" and hw_counters.counters.tsc == "read"' \
	--expect 'hw_counters.counters.aperf == "#GP on rdmsr"' \
	--expect '"#GP on rdmsr" in values(hw_counters.counters)' \
	--expect 'extable_selftest.ok == true and extable_selftest.fixups >= 2' \
	--expect 'extable_selftest.segment == "caught" and extable_selftest.pkrs_msr == "caught"' \
	--expect 'count("exception") == 0' \
	--expect 'boot.serial == "ttyS0" and boot.serial_found == "probe"' \
	--expect 'summary.result == "pass"'
