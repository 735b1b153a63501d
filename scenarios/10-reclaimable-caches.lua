-- scenarios/10-reclaimable-caches.lua: caches the kernel can give back
--
-- What it teaches: most slab memory is pinned -- nobody can free a kmalloc
-- buffer but its owner.  Some caches, like dentries and inodes, hold
-- objects that stay cached only to be found again and can be dropped when
-- memory is short.  Their caches are created with SLAB_RECLAIM_ACCOUNT:
-- their pages are counted as NR_SLAB_RECLAIMABLE (and come from
-- MIGRATE_RECLAIMABLE pageblocks, away from pinned ones), and a shrinker
-- registered with reclaim frees unused objects oldest first under
-- pressure.  Freeing objects frees pages only when whole slabs empty (see
-- 04-partial-slabs.lua): the shrinker walks its LRU oldest first, and the
-- oldest objects share the oldest slabs, so whole slabs empty; dropping
-- the same number of objects at random frees far fewer pages.
--
-- Here a dentry-like cache fills up next to kmalloc buffers; then "memory
-- pressure": a shrinker pass drops 75% of the cached dentries, in LRU
-- order on one simulator and at random on another, and the cache is
-- shrunk.  SLOB ignores SLAB_RECLAIM_ACCOUNT (it counts everything as
-- unreclaimable, as the kernel's SLOB did).  (The simulator's own
-- shrinker model, sim:shrinker_*, drives this from reclaim when the build
-- has it; this scenario does the shrinker's work by hand so that it runs
-- everywhere.)
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
print("the shrinker's way, least recently used first:")
local _, w = run("fifo")
print("the same number of dentries dropped at random:")
run("random")
print(("the pinned kmalloc memory stayed: %d objects nobody but their owner can free"):format(
  w:stats().streams[3].live))
