-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/24-gfp-compaction.lua: a high-order allocation with and without compaction
--
-- What it teaches: half of memory can be free and still no block of 16
-- contiguous pages (order 4) exist -- external fragmentation.  Reclaim
-- does not help when the pages in the way cannot be reclaimed (anonymous
-- memory, no swap).  Compaction moves movable pages (page cache, anon) out
-- of the way: the migrate scanner takes them from the bottom of the zone,
-- the free scanner finds free pages for them at the top.  It needs
-- __GFP_IO (gfp_compaction_allowed), so a GFP_NOIO request fails where a
-- GFP_KERNEL one succeeds; async compaction only moves pages out of
-- pageblocks of the request's own migratetype, so the kernel escalates to
-- sync compaction on the retry.
--
-- Two tasks fault pages in turn (A even pages, B odd ones) over 3/4 of the
-- zone, kernel pages take the rest, then A exits: every other page is free.
--
-- Look at: the buddyinfo line before (only order 0) and after; GFP_NOIO
-- fails (no compaction without __GFP_IO) where GFP_KERNEL gets its order-4
-- block after two compaction runs.
local km = require "kmemsim"

local sim = km.new{ zones = { Normal = 4096 }, cpus = 1, pcp = false,
                    min_free_kbytes = 1024, watermark_boost_factor = 0 }
local A, B = sim:task{ name = "A" }, sim:task{ name = "B" }
for _ = 1, 1536 do A:fault(1); B:fault(1) end
while sim:zones()[3].free > 0 do assert(sim:alloc_pages(0, "__GFP_MEMALLOC")) end
A:exit()

local function show(what)
  local f = sim:frag()[1]
  print(("%s: %d pages free; fragmentation index at order 4: %d (%s)"):format(what,
    sim:zones()[3].free, f.extfrag[5],
    f.extfrag[5] == -1000 and "an order-4 block exists" or
    f.extfrag[5] > 500 and "failure due to fragmentation" or "failure due to lack of memory"))
  print(sim:buddyinfo())
end
show("fragmented")

local p, why = sim:alloc_pages(4, "GFP_NOIO")
print("alloc_pages(4, GFP_NOIO):   " .. (p and ("pfn " .. p) or ("failed: " .. why)))
p, why = sim:alloc_pages(4, "GFP_KERNEL")
local la = sim:last_alloc()
print("alloc_pages(4, GFP_KERNEL): " .. (p and ("pfn " .. p) or ("failed: " .. why)))
local v = sim:vmstat()
print(("  %d compaction runs (compact_stall %d: %d failed, %d succeeded), %d pages migrated, %.1f us stalled")
  :format(la.compact_runs, v.compact_stall, v.compact_fail, v.compact_success,
    v.pgmigrate_success, la.stall_ns / 1000))
show("after")
sim:compact_memory()
show("after echo 1 > /proc/sys/vm/compact_memory")
