-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/05-slob-search-cost.lua: what SLOB's first fit costs
--
-- What it teaches: SLOB keeps no slabs of one size; each allocation walks
-- a list of partially free pages (one list per size range: under 256
-- bytes, under 1 KiB, larger), block by block, for the first free block
-- big enough.  A page whose free bytes add up to enough but lie in holes
-- that are too small is walked for nothing.  Here a heap of 300-byte
-- objects with a random half freed leaves half of every page free, in
-- holes mostly too small for the 900-byte requests of the probe.  The
-- modelled latency (COST_SLOB_BLOCK per free block examined, docs/model.md)
-- shows the walk.  SLOB moves the list head to the page that last fitted,
-- which keeps the walk short on average -- but it is always there, where
-- SLAB and SLUB take a slot from a per-CPU cache in constant time, however
-- fragmented the heap (they pay in memory instead: compare the pages).
--
-- Look at: the probe's p50 and p99 allocation latency on the fresh heap
-- against the fragmented one: the same requests cost more because the first
-- fit walks pages whose holes are too small.  `kmemsim compare` shows SLAB's
-- and SLUB's constant-time slots beside it.
--
-- policy: slob   (kmemsim run uses it unless --policy is given)
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local function probe(sim, label)
  -- 4000 operations: 900-byte objects that live about 2 us, a dozen at a time
  local r = wl.run(sim, {
    name = "probe",
    streams = { { kmalloc = 900, lifetime = wl.exponential("2us") } },
    cpus = "current",
    rate = 5e6,
    phases = { wl.steady{ ops = 4000 } },
  })
  print(("%-34s alloc latency p50 %5d ns, p99 %6d ns"):format(label, r.alloc_p50, r.alloc_p99))
end

local fresh = km.new{ ram = "256M", cpus = 1 }
print(("policy %s"):format(fresh:config().policy))
probe(fresh, "fresh heap")

local sim = km.new{ ram = "256M", cpus = 1 }
-- fragment: 20000 objects of 300 bytes, then free a random half: every page
-- keeps about half its bytes free, in holes mostly too small for 900 bytes
local f = wl.new(sim, {
  name = "fragment",
  streams = { { kmalloc = 300, lifetime = wl.forever() } },
  cpus = "current",
  phases = { wl.steady{ ops = 20000 }, wl.drain{ fraction = 0.5 } },
})
local r = f:run()
local s = sim:slab_summary()
local pages = s.nr_slab_unreclaimable + s.nr_slab_reclaimable
print(("fragmented: %d objects live in %d slab pages, %.0f%% of their bytes free"):format(
  r.live, pages, 100 - r.live_bytes * 100 / (pages * 4096)))
probe(sim, "the same probe on that heap")
