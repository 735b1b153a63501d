# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.mk - the libFuzzer build (GNU make), run by `make fuzz`
#
# Builds every target of tests/fuzz/ with clang, libFuzzer, ASan and UBSan
# into $(O)/, out of the normal build's way: its own objects (with header
# dependencies, so a second `make fuzz` only rebuilds what changed), the
# normal build's config.h and generated src/lua_modules.c.  The caller
# (Makefile.am's fuzz rule) passes the source lists and the flags of the
# libraries configure found.
#
#   make -f tests/fuzz/fuzz.mk SRCDIR=. BUILDDIR=. O=fuzz-build \
#        FUZZ_CC=clang SANITIZE=address,undefined ENGINE_SRCS="..." LSIM_SRCS="..." EXTRA_CPPFLAGS="..." LIBS="..."

FUZZ_CC ?= clang
O ?= fuzz-build
TARGETS = trace_text trace_input trace_dat replay lua

# address,undefined by default; SANITIZE=undefined trades ASan's checks for
# several times the executions (each input's fresh memory page-faults)
SANITIZE ?= address,undefined
SAN = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
# $(O)/.sanitize names the flavour built: changing it rebuilds everything
STAMP = $(O)/.sanitize
# (and the version of the instrumentation's choices below: FLAVOUR)
FLAVOUR = $(SANITIZE) nocmp-1
$(shell mkdir -p $(O); [ "$$(cat $(STAMP) 2>/dev/null)" = "$(FLAVOUR)" ] || \
	echo "$(FLAVOUR)" >$(STAMP))
CFLAGS_FUZZ = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 $(SAN) \
	-fsanitize=fuzzer-no-link -MMD -MP
CPPFLAGS_FUZZ = -I$(SRCDIR)/src -I$(BUILDDIR) -I$(BUILDDIR)/src $(EXTRA_CPPFLAGS)

ENGINE_OBJS = $(patsubst %.c,$(O)/obj/%.o,$(filter %.c,$(ENGINE_SRCS)))

# Comparison tracing (trace-cmp: a libFuzzer hook on every integer compare,
# which records both operands) only where the input's bytes are compared:
# the trace parsers, the gfp and option texts, the Lua binding and the
# targets.  Elsewhere -- the simulators, the replay engine, the report --
# the operands are the simulator's own state, and the hooks were 40% of
# the replay target's CPU time (perf, UBSan) for nothing the mutator uses:
# libFuzzer (TracePC::HandleCmp) keeps 4- and 8-byte operands to splice
# them into inputs as binary words, which trace text never holds, and
# fills a value profile that only -use_value_profile=1 reads.  Edge
# coverage is the same; strcmp/memcmp are still intercepted everywhere.
CMP_SRCS = src/trace.c src/trace_input.c src/gfp.c src/simconfig.c
NOCMP_OBJS = $(patsubst %.c,$(O)/obj/%.o,$(filter-out $(CMP_SRCS),$(filter %.c,$(ENGINE_SRCS))))
$(NOCMP_OBJS): CFLAGS_FUZZ += -fno-sanitize-coverage=trace-cmp
LSIM_OBJS = $(patsubst %.c,$(O)/obj/%.o,$(filter %.c,$(LSIM_SRCS))) \
	$(O)/obj/lua_modules.o

all: $(TARGETS:%=$(O)/fuzz_%)

$(O)/obj/%.o: $(SRCDIR)/%.c $(STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_FUZZ) $(CFLAGS_FUZZ) -c -o $@ $<

$(O)/obj/lua_modules.o: $(BUILDDIR)/src/lua_modules.c $(STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_FUZZ) $(CFLAGS_FUZZ) -c -o $@ $<

$(O)/fuzz_lua: $(O)/obj/tests/fuzz/fuzz_lua.o $(LSIM_OBJS) $(ENGINE_OBJS)
	$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(LIBS)

$(O)/fuzz_%: $(O)/obj/tests/fuzz/fuzz_%.o $(ENGINE_OBJS)
	$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(LIBS)

.PHONY: all
.SECONDARY:

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
