#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# layering.sh - the Lua bindings and main.c include only the public engine
# header (sim.h, simdefs.h, simconf.h), the Lua headers, lsimaux.h and
# cmd.h (the prototypes of commands kept outside main.c); so do the
# commands that run Lua scenarios (cmd_*.c including Lua: run, compare),
# plus cmd_scenario.h, what they share, and cmd_out.h (the commands'
# output files).  Engine files never include Lua.
# The report document (report.c) knows none of its renderers.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
cd "$srcdir/src" || exit 99
bad=0
for f in main.c lsim*.c cmd_*.c; do
	[ -f "$f" ] || continue
	case $f in
	cmd_*.c) grep -q '#include <lua\|#include "lua\|lauxlib' "$f" || continue ;;
	esac
	grep -h '^#include "' "$f" | sed 's/#include "\(.*\)"/\1/' | while read -r h; do
		case $h in
		config.h|sim.h|simdefs.h|simconf.h|lsimaux.h|cmd.h|cmd_scenario.h|cmd_out.h) ;;
		*) echo "$f includes engine-internal header $h"; exit 1 ;;
		esac
	done || bad=1
done
for f in *.c; do
	case $f in lsim*.c|main.c|cmd_*.c|lua_modules.c) continue ;; esac
	if grep -q '#include <lua\|#include "lua\|lauxlib' "$f"; then
		echo "engine file $f includes Lua"; bad=1
	fi
done
# The report document sits below its renderers: report.c and report_fmt.c
# name no renderer (the registry in report_render.c binds them from above).
for f in report.c report_fmt.c; do
	if grep -q '#include "report_render.h"\|rep_[a-z]*_renderer\|rep_svg_block' "$f"; then
		echo "$f (the report document) depends on a renderer"; bad=1
	fi
done
[ "$bad" = 0 ] && echo "layering ok"
exit $bad
