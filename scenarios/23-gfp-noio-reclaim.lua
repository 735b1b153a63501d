-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/23-gfp-noio-reclaim.lua: what GFP_NOFS and GFP_NOIO forbid reclaim to do
--
-- What it teaches: a filesystem or block driver allocating memory must
-- not recurse into itself through reclaim.  GFP_NOFS keeps reclaim out of
-- filesystem code (FS shrinkers stop: dentries and inodes stay), GFP_NOIO
-- also forbids starting I/O (no swapping anonymous pages out).  Direct
-- reclaim never writes dirty page cache at all -- only kswapd does.  So
-- the more restricted the caller, the more it depends on kswapd and the
-- longer it stalls.  memalloc_noio_save() (sim:noio) makes every
-- allocation inside it GFP_NOIO, whatever its flags say.
--
-- Each run starts a 64 MiB machine (one zone, Normal), fills it below the
-- min watermark and allocates 64 pages with the flags under test.  The
-- tables say who freed what.
--
-- Look at: the "direct" and "time" columns: GFP_NOIO reclaims nothing itself
-- and waits for kswapd; in table 2 the "dentries" column: GFP_NOFS keeps the
-- FS shrinker out.
local km = require "kmemsim"

local function run(label, gfp, scope, setup)
  local sim = km.new{ zones = { Normal = 16384 }, cpus = 1, pcp = false }
  local dcache = setup(sim)
  local z = sim:zones()[3]
  for _ = 1, z.free - z.min + 1 do assert(sim:alloc_pages(0, "__GFP_MEMALLOC")) end
  local base = sim:vmstat()
  local objs = dcache:info().objects
  local t0 = sim:now()
  local function burst()
    for _ = 1, 64 do assert(sim:alloc_pages(0, gfp)) end
  end
  if scope then sim:noio(burst) else burst() end
  local v = sim:vmstat()
  local function d(k) return v[k] - base[k] end
  print(("%-22s %8d %8d %8d %8d %9d %10.2f"):format(label, d("pgsteal_direct"),
    d("pgsteal_kswapd"), d("pswpout"), d("nr_written"), objs - dcache:info().objects,
    (sim:now() - t0) / 1e6))
  sim:close()
end

local function header(title)
  print(title)
  print(("%-22s %8s %8s %8s %8s %9s %10s"):format("64 pages with", "direct", "kswapd",
    "swapped", "written", "dentries", "time (ms)"))
end

-- 1. anonymous memory with swap (and dirty page cache)
local function anon(sim)
  sim:swap("64M")
  local dcache = sim:shrinker{ name = "dcache", cache = sim:cache_create("dentry", 192), fs = true }
  sim:task{ name = "app", anon = 8000 }
  sim:page_cache{ dirty = 4000 }
  return dcache
end
header("1. a task's anonymous memory, 64 MiB of swap, dirty page cache")
run("GFP_KERNEL", "GFP_KERNEL", false, anon)
run("GFP_NOFS", "GFP_NOFS", false, anon)
run("GFP_NOIO", "GFP_NOIO", false, anon)
run("GFP_KERNEL in noio()", "GFP_KERNEL", true, anon)
print()

-- 2. no swap: dirty page cache and dentries only
local function dentries(sim)
  local dcache = sim:shrinker{ name = "dcache", cache = sim:cache_create("dentry", 192), fs = true }
  for _ = 1, 60000 do dcache:alloc() end
  sim:page_cache{ dirty = 8000 }
  return dcache
end
header("2. no swap: dirty page cache and a dentry cache behind an FS shrinker")
run("GFP_KERNEL", "GFP_KERNEL", false, dentries)
run("GFP_NOFS", "GFP_NOFS", false, dentries)
run("GFP_NOIO", "GFP_NOIO", false, dentries)
print()
print("direct: pages the allocating task reclaimed itself; kswapd: pages kswapd")
print("reclaimed meanwhile; swapped: anon pages written to swap; written: dirty page")
print("cache written back (kswapd only); dentries: objects the FS shrinker freed.")
