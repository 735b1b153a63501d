#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.sh - seed corpora, and the libFuzzer runs of `make fuzz`
#
#   fuzz.sh seeds SRCDIR DIR TARGET      write TARGET's seed inputs into DIR
#   fuzz.sh run SRCDIR O SECONDS TARGET...  (make fuzz FUZZ_TIME=SECONDS)
#                                        run each built $O/fuzz_TARGET for
#                                        SECONDS, then print one line each:
#                                        execs, execs/s, cov, ft, crashes
#   $FUZZ_RUNS    stop after that many executions too (0: run the corpus
#                 once, as a check of it under another build)
#   $FUZZ_MAX_LEN the longest input, instead of each target's own
#   $FUZZ_FLAGS   more libFuzzer flags, after the target's own (e.g.
#                 -entropic=1 for replay, or -seed=1)
#   (make passes `make fuzz FUZZ_RUNS=N` to this script's environment)
#
# Seeds come from the tree (tests/data traces, the scenarios and the Lua
# tests) and from tests/fuzz/regress/TARGET (every crash found so far).
# The corpus the fuzzer grows lives in $O/corpus/TARGET and is kept
# between runs.  A crash leaves its input in $O/crashes/TARGET/; once
# fixed, it goes into tests/fuzz/regress/TARGET/ and `make check` replays
# it from then on (tests/fuzz/regress.sh).  Exit status 1 if any target
# crashed.
set -u

# Speed over post-mortem detail: no allocation stacks (the stack depot
# costs a third of a parser execution) and a small quarantine (a fresh
# 256 MB of it page-faults on every input).  Use-after-free is still
# caught; a crash is then replayed with full reports by regress_TARGET of
# the sanitizer build (./configure --enable-sanitizers).
ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}
export ASAN_OPTIONS

# the option byte that fuzz_trace_input.c and fuzz_replay.c read first
prefix() { # byte (octal), file, out
	{ printf "\\$1"; cat "$2"; } >"$3"
}

seeds() { # srcdir, dir, target
	src=$1 dir=$2 t=$3
	mkdir -p "$dir"
	traces="$src/tests/data/trace-ftrace.txt $src/tests/data/trace-cmd.txt
		$src/tests/data/trace-perf.txt $src/tests/data/trace-garbage.txt
		$src/tests/data/trace-truncated.txt $src/tests/data/trace-binary.txt
		$src/tests/data/replay-kmalloc.txt $src/tests/data/replay-cache.txt
		$src/tests/data/replay-pages.txt $src/tests/data/replay-cmd.txt
		$src/tests/data/replay-perf.txt $src/tests/data/replay-order.txt"
	# the real 6.18 trace excerpt, in 60-line pieces a fuzzer can chew
	ex="$src/tests/data/trace-excerpt.txt"
	case $t in
	trace_text)
		for f in $traces; do cp "$f" "$dir/"; done
		[ -f "$ex" ] && split -l 60 -a 3 "$ex" "$dir/excerpt-" && \
			find "$dir" -name 'excerpt-*' | sort | sed -n '21,$p' | xargs rm -f
		;;
	trace_input)
		# 0: the bytes as a file; 1..4: text compressed into gzip, xz,
		# zstd, bzip2 by the target itself
		for f in $traces; do
			b=$(basename "$f" .txt)
			for m in 0 1 2 3 4; do prefix "00$m" "$f" "$dir/$b.$m"; done
		done
		;;
	trace_dat)
		cp "$src/tests/data/trace-ls.dat" "$dir/"
		;;
	replay)
		# option bits: 0x3 policy (0: all three), 0x4 two CPUs, 0x8 series,
		# 0x10 threads (on one such input in eight, by a hash), 0x20 6.1
		# rules, 0x40 JSON (0x80 unused); a hash of the
		# input renders the report (fuzz_replay.c)
		for f in $traces; do
			b=$(basename "$f" .txt)
			for ob in 000 224 101 362 373; do prefix "$ob" "$f" "$dir/$b.$ob"; done
		done
		;;
	lua)
		for f in "$src"/scenarios/*.lua "$src"/tests/lua/*.lua "$src"/tests/golden/*.lua; do
			[ -f "$f" ] && cp "$f" "$dir/"
		done
		;;
	*) echo "fuzz.sh: unknown target $t" >&2; return 1 ;;
	esac
	if [ -d "$src/tests/fuzz/regress/$t" ]; then
		for f in "$src/tests/fuzz/regress/$t"/*; do
			[ -f "$f" ] && cp "$f" "$dir/"
		done
	fi
	return 0
}

run() { # srcdir, O, seconds, targets...
	src=$1 o=$2 secs=$3
	shift 3
	# a leak inside a system library is not a finding (tests/lsan.supp)
	LSAN_OPTIONS="suppressions=$src/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	export LSAN_OPTIONS
	crashed=0
	printf '%-12s %12s %10s %8s %8s  %s\n' target execs "execs/s" cov ft crashes
	for t in "$@"; do
		rm -rf "$o/seeds/$t"
		seeds "$src" "$o/seeds/$t" "$t" || return 1
		mkdir -p "$o/corpus/$t" "$o/crashes/$t" "$o/logs"
		# -entropic=0 for replay: the entropic schedule updates a 4 MB
		# table for every feature of every execution, and an input that
		# boots three kernels has thousands -- a third of the target's
		# CPU time under UBSan, a fifth under ASan (perf)
		flags=
		case $t in
		trace_dat) maxlen=131072; dict=trace.dict ;;
		lua) maxlen=4096; dict=lua.dict ;;
		replay) maxlen=2048; dict=trace.dict; flags=-entropic=0 ;;
		*) maxlen=2048; dict=trace.dict ;;
		esac
		maxlen=${FUZZ_MAX_LEN:-$maxlen}
		before=$(ls "$o/crashes/$t" | wc -l)
		"$o/fuzz_$t" -max_total_time="$secs" -runs="${FUZZ_RUNS:--1}" -print_final_stats=1 \
			-max_len="$maxlen" -dict="$src/tests/fuzz/$dict" -timeout=20 \
			-rss_limit_mb=2560 -artifact_prefix="$o/crashes/$t/" \
			$flags ${FUZZ_FLAGS:-} "$o/corpus/$t" "$o/seeds/$t" >"$o/logs/$t.log" 2>&1
		rc=$?
		after=$(ls "$o/crashes/$t" | wc -l)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$o/logs/$t.log" | tail -n 1)
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$o/logs/$t.log" | tail -n 1)
		last=$(grep -E '^#[0-9]+' "$o/logs/$t.log" | tail -n 1)
		cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		printf '%-12s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
			"${cov:-?}" "${ft:-?}" "$((after - before))"
		if [ "$rc" != 0 ] || [ "$after" != "$before" ]; then
			crashed=1
			echo "  fuzz_$t: see $o/logs/$t.log; inputs in $o/crashes/$t/" >&2
			echo "  reproduce with tests/fuzz/regress_$t FILE, fix, then add FILE to" >&2
			echo "  tests/fuzz/regress/$t/ so that make check replays it" >&2
		fi
	done
	return $crashed
}

case ${1:-} in
seeds) shift; seeds "$@" ;;
run) shift; run "$@" ;;
*) echo "usage: fuzz.sh seeds SRCDIR DIR TARGET | run SRCDIR O SECONDS TARGET..." >&2; exit 2 ;;
esac
