-- SPDX-License-Identifier: GPL-2.0-or-later
-- Tests of the fixes from issue 12's source review of mm/slub.c, mm/slab.c
-- and mm/slab_common.c (6.1 and 6.18): each case states the kernel rule it
-- checks, and every expected number follows from that rule, not from a run.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

-- The machine of tests/unit/check_slowpath.c: Normal 4096 pages, 1 CPU, no
-- pcp, min_free_kbytes 1024 -> min 256, low 320, high 384.
local function machine(policy)
  return km.new{ zones = { Normal = 4096 }, cpus = 1, pcp = false, policy = policy,
                 min_free_kbytes = 1024, watermark_boost_factor = 0 }
end

-- bring free memory down to n without waking kswapd (no reclaim bits)
local function fill_to(sim, n)
  local held = {}
  while sim:zones()[3].free > n do held[#held + 1] = assert(sim:alloc_pages(0, "__GFP_MEMALLOC")) end
  return held
end

-- ---- fix 2: allocate_slab() always retries at s->min with the caller's flags ----
-- mm/slub.c allocate_slab(): the first try adds __GFP_NORETRY | __GFP_NOWARN;
-- when it fails, "oo = s->min; alloc_gfp = flags;" and a second try follows,
-- even when s->min is the same order.  A 192-byte cache has order 0 = min
-- order.  With free memory below min and nothing to reclaim, the NORETRY try
-- fails without the OOM killer; the second, plain GFP_KERNEL, try invokes it:
-- the biggest task dies and the slab is made (ORDER_FALLBACK counted).
do
  local sim = machine("slub")
  local big = sim:task{ name = "big", anon = 1000 }
  fill_to(sim, 200)
  local c = sim:cache_create("order0", 192, { flags = "SLAB_NO_MERGE" })
  expect.eq(c:info().order, 0, "192-byte objects: order 0")
  expect.eq(c:info().min_order, 0, "min order 0 too")
  local obj, why = c:alloc("GFP_KERNEL")
  expect.truthy(obj, "the second try (caller's flags) may OOM-kill: " .. tostring(why))
  expect.eq(big:info().state, "killed", "the OOM killer ran for the second try")
  expect(sim):vmstat("oom_kill", 1)
  expect.eq(c:stats().order_fallback, 1, "ORDER_FALLBACK: the second try succeeded")
  sim:close()
end
