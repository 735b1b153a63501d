#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh - the bash completion (completion/kmemsim), in bash
#
# Sources the script, sets COMP_LINE/COMP_WORDS as bash does for a line
# typed so far (bash splits words at '=' too), calls _kmemsim and compares
# COMPREPLY with what must be offered: derived from the binary's tables
# (kmemsim list --names, the policy names) or fixed by the CLI contract.
# SKIPs without bash.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
command -v bash >/dev/null 2>&1 || { echo "SKIP: no bash"; exit 77; }
tmp=${TMPDIR:-/tmp}/completion.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/dir" && ln -s "$km" "$tmp/bin/kmemsim" && : >"$tmp/dir/trace.txt"
names=$("$km" list --names | tr '\n' ' ')
# the commands kmemsim --help lists (complete is hidden), sorted
cmds=$("$km" --help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit }
	f && /^  [a-z]/ { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
rcmds=$(echo "$cmds" | tr ' ' '\n' | grep '^r' | tr '\n' ' ' | sed 's/ $//')

cat >"$tmp/t.bash" <<'BASH'
. "$1/completion/kmemsim"
PATH=$2:$PATH
fails=0
# complete LINE: COMPREPLY, sorted, space-separated
complete_line() {
	local line=$1 w rest
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDS=()
	read -r -a parts <<<"$line"
	case $line in *' ') parts+=("") ;; esac
	# bash's COMP_WORDS split at the COMP_WORDBREAKS '=', ':' and '|' too,
	# each a word of its own, and the cursor's word is empty after one
	for w in "${parts[@]}"; do
		while [[ $w =~ ^([^=:|]*)([=:|])(.*)$ ]]; do
			[[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
			COMP_WORDS+=("${BASH_REMATCH[2]}")
			w=${BASH_REMATCH[3]}
		done
		[[ -n $w || ! ${COMP_WORDS[-1]-} =~ ^[=:|]$ ]] && COMP_WORDS+=("$w")
	done
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_kmemsim
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
check() { # line, expected (sorted, space-separated)
	local got
	got=$(complete_line "$1")
	if [[ $got == "$2" ]]; then echo "ok: [$1] -> $got"; else
		echo "FAIL: [$1] -> '$got', expected '$2'"; fails=$((fails + 1)); fi
}
check "kmemsim " "$4"
check "kmemsim co" "compare"
check "kmemsim --v" "--version"
check "kmemsim run --pol" "--policy"
check "kmemsim compare --pol" "--policies"
check "kmemsim run --policy " "slab slob slub"
check "kmemsim run --policy=" "slab slob slub"
check "kmemsim run --policy=sl" "slab slob slub"
check "kmemsim run --policy=slu" "slub"
check "kmemsim compare --policies slab," "slab,slob slab,slub"
check "kmemsim replay --format=" "csv html json text"
check "kmemsim run --format=" "csv html json svg text"
check "kmemsim run --kernel " "6.1 6.18"
check "kmemsim run --opt slub_min_o" "slub_min_objects= slub_min_order="
check "kmemsim help r" "$5"
check "kmemsim replay --lua" ""
check "kmemsim run 02-k" "02-kmalloc-kfree"
check "kmemsim run --set gfp=GFP_KERNEL|__GFP_ZE" "__GFP_ZERO __GFP_ZEROTAGS"
check "kmemsim replay $3/dir/tr" "$3/dir/trace.txt"
check "kmemsim run -o $3/dir/tr" "$3/dir/trace.txt"
check "kmemsim run --output=$3/dir/tr" "$3/dir/trace.txt"
check "kmemsim sweep --sl" "--slurm --slurm-max --slurm-opts"
check "kmemsim sweep --policies slob," "slob,slab slob,slub"
check "kmemsim sweep --opt slub_max_o" "slub_max_order="
check "kmemsim sweep --out $3/d" "$3/dir"
check "kmemsim merge --format " "csv html json svg text"
check "kmemsim merge --all" "--allow-missing"
check "kmemsim merge $3/dir/tr" "$3/dir/trace.txt"
exit $fails
BASH
bash "$tmp/t.bash" "$srcdir" "$tmp/bin" "$tmp" "$cmds" "$rcmds"
rc=$?
# every bundled scenario, and nothing else, for an empty operand
got=$(cd "$tmp/dir" && PATH=$tmp/bin:$PATH kmemsim complete -- run "" | grep -v '^@' | tr '\n' ' ')
if [ "$got" = "$names" ]; then echo "ok: run's operand: the bundled scenarios, then files"; else
	echo "FAIL: run's operand offers '$got', not '$names'"; rc=1; fi
[ "$rc" = 0 ]
