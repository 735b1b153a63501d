-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/10-reclaimable-caches.lua: caches the kernel can give back
--
-- What it teaches: most slab memory is pinned -- nobody can free a kmalloc
-- buffer but its owner.  Some caches, like dentries and inodes, hold
-- objects that stay cached only to be found again and can be dropped when
-- memory is short.  Their caches are created with SLAB_RECLAIM_ACCOUNT:
-- their pages are counted as NR_SLAB_RECLAIMABLE (and come from
-- MIGRATE_RECLAIMABLE pageblocks, away from pinned ones), and a shrinker
-- registered with reclaim frees unused objects oldest first under
-- pressure.
--
-- Part 1: a dentry cache behind a shrinker fills up; then a process
-- faults in more memory than is free, reclaim runs, and the shrinker
-- gives the dentries back -- the process gets its memory, no OOM kill.
--
-- Part 2: freeing objects frees pages only when whole slabs empty (see
-- 04-partial-slabs.lua).  A shrinker walks its LRU oldest first, and the
-- oldest objects share the oldest slabs, so whole slabs empty; dropping
-- the same number of objects at random frees almost no pages.  Here a
-- `find /`-like workload fills a dentry cache next to kmalloc buffers,
-- then 75% of the dentries go, in LRU order on one simulator and at
-- random on another.  SLOB ignores SLAB_RECLAIM_ACCOUNT (it counts
-- everything as unreclaimable, as the kernel's SLOB did).
--
-- Look at: in part 1 the dentries the shrinker freed and "OOM kills: 0"; in
-- part 2 the reclaimable pages after dropping 75% of the dentries in LRU
-- order (most pages come back) against at random (almost none do).
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local function run(order)
  local sim = km.new{ ram = "128M", cpus = 2 }
  local dentry = sim:cache_create("dentry", 192,
    { flags = "SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT" })
  local function show(what)
    local s = sim:slab_summary()
    print(("  %-32s reclaimable %5d pages, unreclaimable %5d pages, dentries %6d"):format(what,
      s.nr_slab_reclaimable, s.nr_slab_unreclaimable, dentry:stats().live))
  end
  -- a `find /` walk: dentries stay cached (until reclaim), buffers come and go
  local w = wl.new(sim, {
    name = "find",
    streams = {
      { name = "dentry", cache = dentry, lifetime = wl.forever(), weight = 3 },
      { name = "buffers", kmalloc = wl.kmalloc_mix(), lifetime = wl.exponential("20us"), weight = 2 },
      { name = "pinned", kmalloc = wl.uniform(64, 1024), lifetime = wl.forever(), weight = 1 },
    },
    phases = { wl.ramp{ ops = 30000 }, wl.steady{ ops = 30000 } },
  })
  w:run()
  show("after the walk")
  w:run_phase(wl.drain{ fraction = 0.75, order = order, streams = { "dentry" } })
  show(("dropped 75%% of dentries (%s)"):format(order))
  local given = dentry:shrink()
  show(("cache shrunk (%d pages to buddy)"):format(given))
  return sim, w
end

print(("policy %s"):format(km.policy))

-- part 1: the shrinker at work
do
  local sim = km.new{ ram = "64M", cpus = 1 }
  local dentry = sim:cache_create("dentry", 192,
    { flags = "SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT" })
  local dcache = sim:shrinker{ name = "dcache", cache = dentry, fs = true }
  for _ = 1, 40000 do assert(dcache:alloc("GFP_KERNEL")) end
  local function show(what)
    local s, i = sim:slab_summary(), dcache:info()
    local free = 0
    for _, z in ipairs(sim:zones()) do free = free + z.free end
    print(("  %-34s %5d reclaimable slab pages, %5d dentries cached, %5d pages free"):format(
      what, s.nr_slab_reclaimable, i.objects, free))
  end
  print("part 1: a shrinker-backed dentry cache under memory pressure")
  show("40000 dentries cached")
  local free = 0
  for _, z in ipairs(sim:zones()) do free = free + z.free end
  local app = sim:task{ name = "app" }
  local got = app:fault(free - 200)
  show(("a process faulted in %d pages"):format(got))
  got = app:fault(1000)
  show(("and %d more: reclaim ran"):format(got))
  local i = dcache:info()
  print(("  the shrinker scanned %d and freed %d dentries; OOM kills: %d"):format(i.scanned,
    i.freed, sim:vmstat().oom_kill or 0))
end

print("part 2: the shrinker's way, least recently used first:")
local _, w = run("fifo")
print("the same number of dentries dropped at random:")
run("random")
print(("the pinned kmalloc memory stayed: %d objects nobody but their owner can free"):format(
  w:stats().streams[3].live))
