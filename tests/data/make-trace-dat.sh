#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make-trace-dat.sh - how tests/data/trace-ls.dat was made (a maintainer
# tool, not run by make check; needs root, tracefs, trace-cmd, python3).
#
# A real trace.dat of `ls /usr/share/doc/apt` (kmem events of that process
# only), made small enough to keep in the tree: trace-cmd extract would
# store the whole /proc/kallsyms (5 MB) and the formats of every event
# system, so the ring buffer's raw pages are read from a private instance,
# `trace-cmd restore` wraps them in a trace.dat, `trace-cmd convert` makes
# it file version 6, and the script below keeps only the kmem formats and
# the kallsyms lines of the functions the call sites name (plus the next
# symbol, which bounds each function).  The ring-buffer pages, the
# formats kept and the saved cmdlines are the kernel's bytes, unchanged;
# `trace-cmd report` prints the same lines for the small file as for the
# full one.  trace-ls.dat.counts is `trace-cmd report`'s count per event.
#
#   sh tests/data/make-trace-dat.sh OUT.dat
set -eu
out=${1:?usage: make-trace-dat.sh OUT.dat}
tmp=$(mktemp -d)
T=/sys/kernel/tracing/instances/kmemsim-make-dat-$$
mkdir "$T"
echo 0 >"$T/tracing_on"
for e in kmalloc kfree kmem_cache_alloc kmem_cache_free mm_page_alloc mm_page_free mm_page_free_batched; do
	echo 1 >"$T/events/kmem/$e/enable"
done
echo 1 >"$T/options/event-fork"
sh -c 'echo $$ >'"$T"'/set_event_pid; echo 1 >'"$T"'/tracing_on; exec ls /usr/share/doc/apt' >/dev/null
echo 0 >"$T/tracing_on"
for c in "$T"/per_cpu/cpu*; do
	dd if="$c/trace_pipe_raw" of="$tmp/$(basename "$c").raw" iflag=nonblock bs=4096 2>/dev/null || :
done
rmdir "$T"
trace-cmd restore -c -o "$tmp/head.dat" >/dev/null
trace-cmd restore -i "$tmp/head.dat" -o "$tmp/full.dat" "$tmp"/cpu*.raw >/dev/null
trace-cmd convert -i "$tmp/full.dat" -o "$tmp/full6.dat" --file-version 6 >/dev/null
python3 - "$tmp/full6.dat" "$out" <<'PY'
# keep the kmem formats and the kallsyms lines the call sites need
import re, struct, subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
report = subprocess.run(["trace-cmd", "report", src], capture_output=True, text=True).stdout
names = set(re.findall(r"call_site=([A-Za-z0-9_.]+)\+0x", report))
b = open(src, "rb").read()
o = 0
def take(n):
    global o
    r = b[o:o + n]; o += n; return r
def cstr():
    global o
    e = b.index(b"\0", o); r = b[o:e]; o = e + 1; return r
out = bytearray(take(10))
assert cstr() == b"6"
out += b"6\0" + take(6)
for name in (b"header_page", b"header_event"):
    assert cstr() == name
    sz = struct.unpack("<Q", take(8))[0]
    out += name + b"\0" + struct.pack("<Q", sz) + take(sz)
n = struct.unpack("<I", take(4))[0]
out += struct.pack("<I", n)
for _ in range(n):
    sz = struct.unpack("<Q", take(8))[0]
    out += struct.pack("<Q", sz) + take(sz)
kept = []
for _ in range(struct.unpack("<I", take(4))[0]):
    name = cstr(); evs = []
    for _ in range(struct.unpack("<I", take(4))[0]):
        sz = struct.unpack("<Q", take(8))[0]; evs.append(take(sz))
    if name == b"kmem":
        kept.append((name, evs))
out += struct.pack("<I", len(kept))
for name, evs in kept:
    out += name + b"\0" + struct.pack("<I", len(evs))
    for e in evs:
        out += struct.pack("<Q", len(e)) + e
ks = take(struct.unpack("<I", take(4))[0]).decode().splitlines()
syms = sorted((int(l.split()[0], 16), l) for l in ks if len(l.split()) >= 3 and l.split()[1] in "tT")
want = set()
for i, (_, l) in enumerate(syms):
    if l.split()[2] in names:
        want.update({i, i + 1})
kal = "".join(syms[i][1] + "\n" for i in sorted(want) if i < len(syms)).encode()
out += struct.pack("<I", len(kal)) + kal
psz = struct.unpack("<I", take(4))[0]; out += struct.pack("<I", psz) + take(psz)
csz = struct.unpack("<Q", take(8))[0]; out += struct.pack("<Q", csz) + take(csz)
cpus = struct.unpack("<I", take(4))[0]; out += struct.pack("<I", cpus)
tag = take(10); assert tag == b"options  \0"; out += tag
while True:
    oid = struct.unpack("<H", take(2))[0]; out += struct.pack("<H", oid)
    if oid == 0:
        break
    osz = struct.unpack("<I", take(4))[0]; out += struct.pack("<I", osz) + take(osz)
tag = take(10); assert tag == b"flyrecord\0"; out += tag
cpu = [struct.unpack("<QQ", take(16)) for _ in range(cpus)]
table = len(out); out += b"\0" * (16 * cpus)
for i, (off, sz) in enumerate(cpu):
    out += b"\0" * ((-len(out)) % 4096)
    struct.pack_into("<QQ", out, table + 16 * i, len(out), sz)
    out += b[off:off + sz]
open(dst, "wb").write(out)
PY
trace-cmd report "$out" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { n = $(i + 1); sub(/:$/, "", n); c[n]++; break } } END { for (k in c) print k, c[k] }' | sort >"$out.counts"
rm -rf "$tmp"
