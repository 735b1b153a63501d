#!/bin/sh
# layering.sh - the Lua bindings and main.c include only the public engine
# header (sim.h, simdefs.h, simconf.h), the Lua headers and lsimaux.h;
# engine files never include Lua.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
cd "$srcdir/src" || exit 99
bad=0
for f in main.c lsim*.c; do
	[ -f "$f" ] || continue
	grep -h '^#include "' "$f" | sed 's/#include "\(.*\)"/\1/' | while read -r h; do
		case $h in
		config.h|sim.h|simdefs.h|simconf.h|lsimaux.h) ;;
		*) echo "$f includes engine-internal header $h"; exit 1 ;;
		esac
	done || bad=1
done
for f in *.c; do
	case $f in lsim*.c|main.c|lua_modules.c) continue ;; esac
	if grep -q '#include <lua\|#include "lua\|lauxlib' "$f"; then
		echo "engine file $f includes Lua"; bad=1
	fi
done
[ "$bad" = 0 ] && echo "layering ok"
exit $bad
