#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# deps.sh: make sure the Debian packages pullkern needs are installed.
#
# Theory: `make deps`, `make run` and `make test` call this first, so the
# common case (everything present) must be silent and fast: one dpkg-query
# for the whole list, no network.  When something is missing, root gets it
# installed with apt-get (no recommends, no prompts); anyone else gets the
# exact command to run and a non-zero exit, because installing is not ours
# to decide.  On a system without dpkg we cannot name packages, so we look
# for the programs instead and say what is missing.
#
# PACKAGES is the one list of what the project needs; add to it here.
# OPTIONAL is what only some tests need: root gets it installed with the
# rest; anyone else is told once and goes on, and the tests that need it
# are skipped (tests/bochs: Bochs, the second emulator, docs/bochs.md).

set -euo pipefail

PROG=tools/deps.sh
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian package: why we need it.
readonly PACKAGES=(
	gcc                  # kernel and host test compiler
	make
	binutils             # ld, objdump
	grub-common          # grub-mkrescue, grub-file
	grub-pc-bin          # BIOS GRUB image for the ISO
	grub-efi-amd64-bin   # UEFI GRUB image for the ISO
	xorriso              # ISO writer for grub-mkrescue and run-qemu.sh
	mtools               # FAT EFI image inside the ISO
	qemu-system-x86
	ovmf                 # UEFI firmware for QEMU
	libcmocka-dev        # host unit tests
	spin                 # model checker for tests/model (timer migration)
	python3-matplotlib   # tools/residency --png: the plot make run leaves in out/
)

readonly OPTIONAL=(
	bochs                # the second emulator (tools/run-bochs.sh, tests/bochs)
	bochs-term           # its terminal display, the one that needs no X server
	bochsbios            # its BIOS image
	vgabios              # its VGA BIOS image
)

# Fallback for systems without dpkg: one program or file per need.
readonly PROGRAMS=(gcc make ld grub-mkrescue grub-file xorriso mformat spin
	qemu-system-x86_64)

missing_packages() {
	pkg_missing "${PACKAGES[@]}"
	# Any python3 will do for the other tools (standard library only);
	# python3-matplotlib above brings Debian's.
	command -v python3 >/dev/null || missing+=(python3)
}

without_dpkg() {
	local absent=() p

	for p in "${PROGRAMS[@]}" python3; do
		command -v "$p" >/dev/null || absent+=("$p")
	done
	if command -v python3 >/dev/null && ! python3 -c 'import matplotlib' 2>/dev/null; then
		absent+=("python3's matplotlib module")
	fi
	[[ ${#absent[@]} -eq 0 ]] && return 0
	echo "tools/deps.sh: no dpkg here, and these programs are missing: ${absent[*]}" >&2
	echo "tools/deps.sh: the Debian packages are: ${PACKAGES[*]}" >&2
	return 1
}

main() {
	local missing=() required

	if ! command -v dpkg-query >/dev/null; then
		without_dpkg
		return
	fi
	missing_packages
	required=${#missing[@]}
	pkg_missing "${OPTIONAL[@]}"
	if [[ $(id -u) -eq 0 ]]; then
		pkg_install_or_explain "${missing[@]}"
		return
	fi
	if [[ ${#missing[@]} -gt $required ]]; then
		echo "$PROG: optional, for the Bochs tests (skipped without them):" \
			"sudo apt-get install --no-install-recommends ${missing[*]:$required}" >&2
	fi
	pkg_install_or_explain "${missing[@]:0:$required}"
}

main "$@"
