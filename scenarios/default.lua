-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/default.lua: the default comparison workload, a kernel's day in brief
--
-- What it teaches: how SLAB, SLUB and SLOB fare on a realistic mix of
-- kernel allocations -- the scenario `kmemsim compare` runs when it is
-- given none, side by side under the three policies.  One simulated
-- 2-CPU, 512 MiB machine runs the caches a real kernel exercises most
-- (object sizes and flags from a 6.18 kmem trace: dentry, inode_cache,
-- filp, vm_area_struct, maple_node, anon_vma_chain, names_cache,
-- skbuff_head_cache) plus kmalloc with the size mix of that trace, in four
-- phases:
--
--   ramp    activity rises from a tenth of full rate: caches fill up
--   steady  churn at full rate: path lookups (names_cache) die at once,
--           open files and network buffers in microseconds, mappings in
--           tens of milliseconds, dentries and inodes stay cached
--   burst   a network receive burst in softirq (GFP_ATOMIC): 10000
--           packets back to back, held until the burst is over
--   drain   memory pressure: a shrinker evicts half of the dentries and
--           inodes (not in allocation order: at random)
--
-- The rate (200000 allocations per virtual second) is low enough for
-- every policy's modelled costs, so all three run the same sequence of
-- operations and differ only in how they serve it: pages in slabs at the
-- peak and after the drain, internal fragmentation, free objects left in
-- partial slabs, slow-path trips and latency.  Parameters: --set ops=N
-- scales the run (default 150000 operations).
--
-- Look at: the phases' "slab pages" and "peak" columns (the burst sets the
-- peak), the share of slab bytes holding data, and the latency line; run
-- `kmemsim compare` to see the three policies side by side.
local km = require "kmemsim"
local wl = require "kmemsim.workload"
local util = require "kmemsim.util"

local ops = tonumber(km.params.ops or "150000")
assert(ops and ops >= 100, "--set ops=N needs a number of at least 100")

local sim = km.new{ ram = "512M", cpus = 2 }

-- the caches, as the kernel creates them (object sizes from the trace)
local HW, RECL = "SLAB_HWCACHE_ALIGN", "SLAB_RECLAIM_ACCOUNT"
local dentry = sim:cache_create("dentry", 192, { flags = HW .. "|" .. RECL })
local inode = sim:cache_create("inode_cache", 616, { flags = RECL })
local filp = sim:cache_create("filp", 184, { flags = HW })
local vma = sim:cache_create("vm_area_struct", 192, { flags = HW })
local maple = sim:cache_create("maple_node", 256, { align = 256 })
local avc = sim:cache_create("anon_vma_chain", 64)
local names = sim:cache_create("names_cache", 4096, { flags = HW })
local skb = sim:cache_create("skbuff_head_cache", 224, { flags = HW })

local w = wl.new(sim, {
  name = "default",
  streams = {
    { name = "names_cache", cache = names, lifetime = wl.immediate(), weight = 15 },
    { name = "kmalloc", kmalloc = wl.kmalloc_mix(), lifetime = wl.pareto("20us", 1.1), weight = 20 },
    { name = "filp", cache = filp, lifetime = wl.exponential("1ms"), weight = 8 },
    { name = "vm_area_struct", cache = vma, lifetime = wl.exponential("100ms"), weight = 14 },
    { name = "maple_node", cache = maple, lifetime = wl.exponential("100ms"), weight = 10 },
    { name = "anon_vma_chain", cache = avc, lifetime = wl.exponential("100ms"), weight = 8 },
    { name = "dentry", cache = dentry, lifetime = wl.pareto("50ms", 1.2), weight = 12 },
    { name = "inode_cache", cache = inode, lifetime = wl.pareto("80ms", 1.2), weight = 5 },
    { name = "skb_tx", cache = skb, lifetime = wl.exponential("50us"), weight = 4 },
    { name = "skb_tx_data", kmalloc = wl.weighted{ { 704, 1 }, { 2368, 3 } },
      lifetime = wl.exponential("50us"), weight = 4 },
    -- receive burst only: held by the stack until the burst ends
    { name = "skb_rx", cache = skb, lifetime = wl.phase(), weight = 0 },
    { name = "skb_rx_data", kmalloc = 2368, lifetime = wl.phase(), weight = 0 },
  },
  contexts = { process = 97, softirq = 3 },
  rate = 200000,
  phases = {
    wl.ramp{ ops = ops * 3 // 10 },
    wl.steady{ ops = ops * 5 // 10 },
    wl.burst{ ops = ops * 2 // 15, streams = { "skb_rx", "skb_rx_data" },
      contexts = { softirq = 1 } },
    wl.drain{ fraction = 0.5, streams = { "dentry", "inode_cache" } },
  },
  on_phase = function(_, r)
    print(("  %-7s %7d ops %7d allocs %7d frees %4d failed  live %6d  slab pages %5d (peak %5d)")
      :format(r.name, r.ops, r.allocs, r.frees, r.failures, r.live, r.slab_pages, r.slab_pages_peak))
  end,
})

print(("default workload: %s, %d CPUs, %s, seed %d"):format(sim:config().policy,
  sim:config().cpus, util.fmt_bytes(sim:config().ram), sim:config().seed))
local r = w:run()
local s = sim:slab_summary()
print(("%d operations in %s of virtual time; %d objects (%s requested) live at the end"):format(
  r.ops, util.fmt_time(r.time), r.live, util.fmt_bytes(r.live_bytes)))
print(("slab pages: %d at the end, %d at the peak (%d reclaimable, %d unreclaimable now)"):format(
  r.slab_pages, r.slab_pages_peak, s.nr_slab_reclaimable, s.nr_slab_unreclaimable))
print(("%.1f%% of the slab pages' bytes hold requested data; %d free objects wait in partial slabs")
  :format(r.live_bytes * 100 / math.max(r.slab_pages * 4096, 1), s.free_in_partial))
print(("modelled latency: alloc p50 %d ns, p99 %d ns; free p50 %d ns, p99 %d ns; %d failures")
  :format(r.alloc_p50, r.alloc_p99, r.free_p50, r.free_p99, r.failures))
