#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# quiz.sh - `kmemsim quiz`: every topic, seeded, answered by the simulator
# and checked against the kernel's rules (issue 18)
#
#   - every topic at three seeds, each difficulty (and at difficulty 1
#     each policy the topic takes): the answers of `quiz TOPIC -c --format json` are
#     recomputed from the problem's own inputs by tests/quiz/check.lua,
#     plain Lua that models the kernel's rules (buddy split/merge, kmalloc
#     size classes, calculate_sizes/calculate_order, calculate_slab_order,
#     SLUB's lists, SLOB's first fit, gfp_to_alloc_flags, the watermark
#     formula) without the simulator
#   - same seed, same problem (byte for byte, text and JSON); another seed,
#     another problem
#   - without -c the same questions and no answers (text and JSON); with -c
#     every question has an answer and a why
#   - --list names every topic; bad topics, policies, difficulties and
#     formats are usage errors (exit 2) naming the value
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-quiz.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

TOPICS="buddy kmalloc slab slub slob gfp watermarks"
SEEDS="1 7 2026"

# the policies a topic is asked under: none given (the topic's default) and
# each one it accepts
policies() {
	case $1 in
	kmalloc) echo "- slub slab slob" ;;
	slab) echo "- slub slab" ;;
	*) echo "-" ;;
	esac
}

cd "$srcdir"

# ---- --list ----
"$km" quiz --list >"$tmp/list" 2>&1 || fail "quiz --list: exit $?"
for t in $TOPICS; do
	grep -q "^  $t " "$tmp/list" || fail "quiz --list does not name $t"
done

# ---- answers against the kernel's rules; determinism; hidden answers ----
for t in $TOPICS; do
	for s in $SEEDS; do
		for d in 1 2 3; do
			# each policy the topic takes at difficulty 1, the default after
			pols=-
			[ "$d" = 1 ] && pols=$(policies "$t")
			for p in $pols; do
				set -- quiz "$t" --seed "$s" --difficulty "$d"
				[ "$p" = - ] || set -- "$@" --policy "$p"
				what="$*"
				if ! "$km" "$@" -c --format json >"$tmp/a.json" 2>"$tmp/err"; then
					fail "$what -c --format json: exit status"; cat "$tmp/err"; continue
				fi
				if "$km" run --unsafe tests/quiz/check.lua \
					--set "file=$tmp/a.json" >"$tmp/check" 2>&1; then
					pass "$(cat "$tmp/check")"
				else
					fail "$what: answers differ from the kernel's rules"
					cat "$tmp/check"
				fi
				"$km" "$@" >"$tmp/q.txt" 2>&1 || fail "$what: exit status"
				# same seed, same problem (once per topic and seed)
				if [ "$d$p" = 1- ]; then
					"$km" "$@" -c --format json >"$tmp/b.json" 2>&1
					cmp -s "$tmp/a.json" "$tmp/b.json" ||
						fail "$what: two runs differ (JSON)"
					"$km" "$@" >"$tmp/q2.txt" 2>&1
					cmp -s "$tmp/q.txt" "$tmp/q2.txt" ||
						fail "$what: two runs differ (text)"
				fi
				# without -c: the questions, no answers
				if grep -q '^ *\(answer\|why\):' "$tmp/q.txt"; then
					fail "$what: answers shown without -c"
				fi
				grep -q -- "-c\$" "$tmp/q.txt" ||
					fail "$what: no 'then check: ... -c' line"
				"$km" "$@" -c >"$tmp/c.txt" 2>&1 || fail "$what -c: exit status"
				nq=$(grep -c '^ *[0-9][0-9]*\. ' "$tmp/q.txt")
				na=$(grep -c '^ *answer: ' "$tmp/c.txt")
				nw=$(grep -c '^ *why: ' "$tmp/c.txt")
				[ "$nq" -gt 0 ] && [ "$na" -gt 0 ] && [ "$nw" = "$na" ] ||
					fail "$what -c: $nq numbered lines, $na answers, $nw whys"
				"$km" "$@" --format json >"$tmp/h.json" 2>&1
				if grep -q '"answer"\|"answer_text"\|"why"' "$tmp/h.json" ||
					! grep -q '"answers": false' "$tmp/h.json" ||
					! grep -q '"question"' "$tmp/h.json"; then
					fail "$what --format json: answers shown, or no questions"
				fi
			done
		done
	done
	# another seed, another problem
	"$km" quiz "$t" --seed 1 --format json | grep -v '"seed"\|"command"' >"$tmp/s1"
	"$km" quiz "$t" --seed 2 --format json | grep -v '"seed"\|"command"' >"$tmp/s2"
	cmp -s "$tmp/s1" "$tmp/s2" && fail "quiz $t: seeds 1 and 2 give the same problem"
done

# ---- usage errors ----
usage() { # expected text, args...
	want=$1; shift
	"$km" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 2 ]; then fail "kmemsim $*: exit $rc, expected 2"
	elif ! grep -q -- "$want" "$tmp/err"; then
		fail "kmemsim $*: no '$want' in:"; cat "$tmp/err"
	else pass "kmemsim $*: usage error"; fi
}
usage "unknown topic 'budy' (did you mean 'buddy'?)" quiz budy
usage "which topic" quiz
usage "--difficulty needs 1, 2 or 3, got '4'" quiz buddy --difficulty 4
usage "unknown format 'xml'" quiz buddy --format xml
usage "unknown policy 'slib'" quiz kmalloc --policy slib
usage "--policy slob does not apply" quiz slab --policy slob
usage "one topic at a time" quiz buddy slab

if [ "$fails" -gt 0 ]; then echo "$fails failure(s)"; exit 1; fi
exit 0
