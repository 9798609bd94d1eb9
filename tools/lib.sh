# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# lib.sh: helpers shared by the project's bash scripts (run-qemu.sh,
# tools/deps.sh, tools/bench-linux.sh).  Source it; it defines functions
# only.  The sourcing script sets PROG (its name, for messages) first.
#
# Packages: pkg_missing asks dpkg once for a whole list, so the common case
# (all present) costs one process and no network; pkg_install_or_explain
# installs as root and, for anyone else, prints the exact command to run
# and fails, because installing is not ours to decide.

die() {
	echo "$PROG: $*" >&2
	exit 2
}

# Option value of "--opt V" or "--opt=V" into REPLY; nshift = words used.
# shellcheck disable=SC2034  # REPLY and nshift are the caller's to read
optval() {
	local opt=$1
	shift
	if [[ $opt == *=* ]]; then
		REPLY=${opt#*=}
		nshift=1
		return
	fi
	[[ $# -ge 1 ]] || die "$opt needs a value (see --help)"
	REPLY=$1
	nshift=2
}

# $1 must be a whole number from $2 to $3; $4 names it in the message.
check_range() {
	if ! [[ $1 =~ ^[0-9]+$ ]] || (($1 < $2 || $1 > $3)); then
		die "$4 wants a number from $2 to $3, not '$1'"
	fi
}

# Append to the caller's array `missing` each Debian package of "$@" that
# is not installed.
pkg_missing() {
	local -A installed=()
	local pkg status

	while read -r pkg status; do
		[[ $status == ii* ]] && installed[${pkg%%:*}]=1
	done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' \
		"$@" 2>/dev/null || true)
	for pkg in "$@"; do
		[[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
	done
}

# Install "$@" when root; otherwise print the command and return 1.
pkg_install_or_explain() {
	[[ $# -eq 0 ]] && return 0
	if [[ $(id -u) -ne 0 ]]; then
		echo "$PROG: missing packages: $*" >&2
		echo "Install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install --no-install-recommends $*" >&2
		return 1
	fi
	echo "$PROG: installing $*" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get -qq update
	apt-get -qq install -y --no-install-recommends "$@" >/dev/null
}
