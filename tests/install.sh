#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.sh - what `make install` gives a user, checked in a scratch DESTDIR
#
#   - the files: the binary, libkmemsim shared and static, <kmemsim/*.h>,
#     kmemsim.pc, both manuals, the bash completion, every doc of docs/
#     and README.md, every bundled scenario; no Lua modules (the binary
#     reads only its compiled-in copy, so installed ones would mislead);
#   - the installed binary, run from /, runs any bundled scenario by name
#     and gives the same bytes as the build tree's;
#   - docs/examples/embed.c, built with `pkg-config --cflags --libs
#     kmemsim` against the installed tree (PKG_CONFIG_SYSROOT_DIR), runs
#     with the shared library, and again linked statically; its figures
#     are the kernel's: kmalloc(72) is served by kmalloc-96, and a SLUB
#     cache of 200-byte objects packs 4096 / 200 = 20 objects in an
#     order-0 slab (calculate_order() keeps order 0 while it holds at
#     least min_objects = 4 * (fls(2 CPUs) + 1) = 12).
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
builddir=$(cd "$(dirname "$km")/.." && pwd)
tmp=${TMPDIR:-/tmp}/install.$$
root=$tmp/root
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# a make of our own, not the jobserver of the make check that runs us
if ! (unset MAKEFLAGS MFLAGS MAKELEVEL; ${MAKE:-make} -s -C "$builddir" install \
	DESTDIR="$root" >"$tmp/install.log" 2>&1); then
	echo "FAIL: make install DESTDIR=$root:"; tail -20 "$tmp/install.log"; exit 1
fi

# the files, wherever configure put them (--prefix, --libdir, ...)
find "$root" \( -type f -o -type l \) | sed "s|^$root||" | sort >"$tmp/files"
want() { # the end of an installed path, description
	if grep -q -- "$1\$" "$tmp/files"; then pass "installed: .../$1"; else
		fail "not installed: .../$1 ($2)"; fi
}
want "/bin/kmemsim" "the command"
want "/libkmemsim.so" "the shared library"
want "/libkmemsim.a" "the static library"
want "/pkgconfig/kmemsim.pc" "pkg-config"
for h in sim.h simdefs.h simconf.h simversion.h report.h; do
	want "/include/kmemsim/$h" "a public header"
done
want "/man1/kmemsim.1" "kmemsim(1)"
want "/man7/kmemsim-dsl.7" "kmemsim-dsl(7)"
want "/bash-completion/completions/kmemsim" "the bash completion"
want "/doc/kmemsim/README.md" "the README"
want "/doc/kmemsim/examples/embed.c" "the C example"
for d in "$srcdir"/docs/*.md; do
	want "/doc/kmemsim/$(basename "$d")" "a doc"
done
for s in "$srcdir"/scenarios/*.lua; do
	want "/kmemsim/scenarios/$(basename "$s")" "a bundled scenario"
done
bin=$root$(grep '/bin/kmemsim$' "$tmp/files" | head -1)
libdir=$root$(dirname "$(grep '/libkmemsim.so$' "$tmp/files" | head -1)")
includedir=$root$(dirname "$(dirname "$(grep '/kmemsim/sim.h$' "$tmp/files" | head -1)")")
if find "$root" -name '*.lua' -path '*kmemsim/lua/*' | grep -q .; then
	fail "Lua modules installed, but the binary never reads them"
else pass "no Lua modules installed (the binary has its own)"; fi
# every installed header compiles on its own (no config.h, no build tree)
# a library built with the sanitizers (--enable-sanitizers) needs their
# runtime in the program too, first in line
cc="${CC:-cc} ${KMEMSIM_SAN_CFLAGS:-}"
for h in sim.h report.h simversion.h; do
	printf '#include <kmemsim/%s>\nint main(void) { return 0; }\n' "$h" >"$tmp/h.c"
	if $cc -std=c11 -Wall -Wextra -pedantic -Werror -I"$includedir" -c "$tmp/h.c" \
		-o "$tmp/h.o" 2>"$tmp/cc.log"; then pass "<kmemsim/$h> compiles alone"; else
		fail "<kmemsim/$h> does not compile alone:"; cat "$tmp/cc.log"; fi
done

# the installed binary, from anywhere
for s in default 01-my-cache 24-gfp-compaction; do
	(cd / && "$bin" run "$s" --seed=3) >"$tmp/a" 2>&1
	a=$?
	(cd "$srcdir" && "$km" run "scenarios/$s.lua" --seed=3) >"$tmp/b" 2>&1
	if [ "$a" = 0 ] && cmp -s "$tmp/a" "$tmp/b"; then pass "installed: kmemsim run $s from /"; else
		fail "installed kmemsim run $s from / (exit $a) differs from the build's:"; diff "$tmp/a" "$tmp/b" | head -5; fi
done

# the C example, against the installed library
export PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
unset PKG_CONFIG_LIBDIR
flags=$(pkg-config --cflags --libs kmemsim) || { fail "pkg-config --cflags --libs kmemsim"; flags=; }
v=$("$km" --version | awk '{ print $2 }')
check_embed() { # program, how it was linked
	if ! "$1" >"$tmp/out" 2>&1; then fail "$2: embed exits $?"; cat "$tmp/out"; return; fi
	if grep -q "^kmemsim library $v (headers $v)$" "$tmp/out"; then pass "$2: sim_version() is $v"; else
		fail "$2: the version line is not 'kmemsim library $v (headers $v)':"; cat "$tmp/out"; fi
	if grep -q "^kmalloc(72) = 0xffff888[0-9a-f]*, ksize 96$" "$tmp/out"; then pass "$2: kmalloc(72) is in kmalloc-96"; else
		fail "$2: kmalloc(72) not served by kmalloc-96:"; cat "$tmp/out"; fi
	# slabinfo: name active num objsize objperslab pagesperslab
	if awk '$1 == "mydev" && $4 == 200 && $5 == 20 && $6 == 1 { ok = 1 } END { exit !ok }' "$tmp/out"; then
		pass "$2: mydev packs 20 objects of 200 bytes in one page"; else
		fail "$2: mydev's slabinfo line is not 200-byte objects, 20 per 1-page slab:"; cat "$tmp/out"; fi
}
if $cc -std=c11 -Wall -Wextra -Werror "$srcdir/docs/examples/embed.c" $flags -o "$tmp/embed" 2>"$tmp/cc.log"; then
	pass "embed.c builds with pkg-config --cflags --libs kmemsim"
	LD_LIBRARY_PATH="$libdir" check_embed "$tmp/embed" "shared"
	if LD_LIBRARY_PATH="$libdir" ldd "$tmp/embed" 2>/dev/null | grep -q "$libdir/libkmemsim.so"; then
		pass "shared: it runs with the installed libkmemsim.so"; else fail "shared: not linked to the installed libkmemsim.so"; fi
else
	fail "embed.c does not build against the installed tree:"; cat "$tmp/cc.log"
fi
static=$(pkg-config --static --libs-only-l kmemsim | sed 's/-lkmemsim//')
if $cc -std=c11 "$srcdir/docs/examples/embed.c" $(pkg-config --cflags kmemsim) \
	"$libdir/libkmemsim.a" $static -o "$tmp/embed-static" 2>"$tmp/cc.log"; then
	check_embed "$tmp/embed-static" "static"
else
	fail "embed.c does not link with libkmemsim.a and pkg-config --static:"; cat "$tmp/cc.log"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]
