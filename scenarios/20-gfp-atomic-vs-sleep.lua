-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/20-gfp-atomic-vs-sleep.lua: GFP_ATOMIC and GFP_KERNEL under memory pressure
--
-- What it teaches: the same request for a page succeeds, sleeps, dips into
-- the reserves or fails depending on whether it may sleep.  Memory is full
-- of clean page cache, which only reclaim can turn back into free pages.
--
--   GFP_ATOMIC (a network receive burst in softirq) may not sleep, so it
--   cannot reclaim: below the low watermark it wakes kswapd and takes what
--   is free down to the min watermark, then dips under it (__GFP_HIGH: down
--   to min/2; unable to block: down to 3/8 of min), then fails at once --
--   with plenty of page cache that could have been dropped.
--
--   Virtual time passes: kswapd, woken by the burst, reclaims page cache in
--   the background until the zone is above its high watermark again.
--
--   GFP_KERNEL (a burst in process context) may sleep: when free pages run
--   out it reclaims page cache itself (direct reclaim, SWAP_CLUSTER_MAX
--   pages at a time) and waits for it: an allocation stall, counted in
--   virtual time (alloc_stall_ns, allocstall_normal), but it does not fail.
--
-- Look at: how many GFP_ATOMIC pages came from under the min watermark and
-- why allocation 289 failed without sleeping; then the GFP_KERNEL burst that
-- never fails but stalls (direct reclaim stalls, time asleep).
local km = require "kmemsim"

-- watermark_boost_factor = 0: no boost after pageblock fallbacks, so the
-- watermarks stay where the first line prints them
local sim = km.new{ zones = { Normal = 16384 }, cpus = 1, pcp = false,
                    watermark_boost_factor = 0 }

local function normal() return sim:zones()[3] end
local z = normal()
print(("Normal: %d pages, watermarks min %d, low %d, high %d"):format(z.managed, z.min,
  z.low, z.high))

-- page cache everywhere but for a little above the low watermark
sim:page_cache{ clean = z.free - z.high }
print(("page cache: %d pages; free %d"):format(sim:meminfo().file, normal().free))

-- a receive burst: GFP_ATOMIC pages in softirq, no time passing
local ok, reserve, fail = 0, {}, nil
sim:softirq(function()
  for i = 1, 1000 do
    local p, why = sim:alloc_pages(0, "GFP_ATOMIC|__GFP_NOWARN")
    if not p then fail = { at = i, why = why } break end
    ok = ok + 1
    local r = sim:last_alloc().reserve
    reserve[r] = (reserve[r] or 0) + 1
  end
end)
print(("GFP_ATOMIC burst: %d pages; %d came from under the min watermark (%d down to min/2, %d below)")
  :format(ok, (reserve.min or 0) + (reserve.atomic or 0), reserve.min or 0, reserve.atomic or 0))
if fail then
  print(("  allocation %d failed without sleeping:"):format(fail.at))
  print("    " .. fail.why)
end
local v = sim:vmstat()
print(("  page cache untouched: %d pages; time slept: %d ns; kswapd woken: %d time(s)")
  :format(sim:meminfo().file, v.alloc_stall_ns, v.kswapd_wakeups))

-- time passes: kswapd balances the zone to above its high watermark
sim:advance("5ms")
v = sim:vmstat()
print(("after 5 ms: free %d (high %d); kswapd reclaimed %d pages in %d run(s), then slept")
  :format(normal().free, normal().high, v.pgsteal_kswapd, v.pageoutrun))

-- a process-context burst: GFP_KERNEL pages
local t0, got = sim:now(), 0
for _ = 1, 3000 do
  if sim:alloc_pages(0, "GFP_KERNEL") then got = got + 1 end
end
v = sim:vmstat()
print(("GFP_KERNEL burst: %d of 3000 pages in %.1f us of virtual time"):format(got,
  (sim:now() - t0) / 1000))
print(("  direct reclaim: %d stalls, %d pages the tasks reclaimed themselves, %.1f us asleep")
  :format(v.allocstall_normal, v.pgsteal_direct, v.alloc_stall_ns / 1000))
print(("  kswapd in all: %d pages; OOM kills: %d; bug reports: %d")
  :format(v.pgsteal_kswapd, v.oom_kill, #sim:bugs()))
