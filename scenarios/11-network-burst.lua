-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/11-network-burst.lua: a burst of packets, in softirq
--
-- What it teaches: every received packet costs two allocations in the
-- NET_RX softirq -- the sk_buff head from skbuff_head_cache (a dedicated
-- cache of 224-byte objects, cache-line aligned) and the data buffer from
-- kmalloc (the frame plus struct skb_shared_info: ~2 KiB for a 1500-byte
-- MTU frame, kmalloc-2k).  Both are GFP_ATOMIC: softirq context cannot
-- sleep.  Traffic is bursty: a steady trickle, then a burst of 10000
-- packets back to back (NAPI polling a full ring) that the stack holds for
-- a while, then drains.  The burst is what sizes the slab footprint: the
-- peak pages stay allocated long after (partial slabs, per-CPU caches)
-- until the caches shrink.  Compare the policies' peaks and latencies.
--
-- Look at: slab pages at the peak of the burst against at its end, and what
-- shrinking the cache gives back afterwards; `kmemsim compare` for each
-- policy's peak and latency.
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local sim = km.new{ ram = "512M", cpus = 2 }
print(("policy %s"):format(sim:config().policy))
local skb = sim:cache_create("skbuff_head_cache", 224, { flags = "SLAB_HWCACHE_ALIGN" })

local w = wl.new(sim, {
  name = "net-rx",
  streams = {
    -- a packet = one head + one data buffer; they live as long as the stack holds them
    { name = "skb", cache = skb, lifetime = wl.exponential("40us") },
    { name = "data", kmalloc = wl.weighted{ { 704, 1 }, { 2368, 6 } },
      lifetime = wl.exponential("40us") },
    -- held by a slow reader during the burst, freed when the phase ends
    { name = "skb_held", cache = skb, lifetime = wl.phase(), weight = 0 },
    { name = "data_held", kmalloc = 2368, lifetime = wl.phase(), weight = 0 },
  },
  contexts = { softirq = 1 },         -- GFP_ATOMIC by default in softirq
  rate = 200000,                      -- 100k packets/s: 2 allocations each
  phases = {
    wl.steady{ name = "trickle", duration = "20ms" },
    wl.burst{ name = "burst", ops = 20000, streams = { "skb_held", "data_held" } },
    wl.steady{ name = "after", duration = "20ms" },
  },
  on_phase = function(_, r)
    print(("%-8s %6d ops, %6d allocs, %d failed; slab pages %5d at the end, %5d at the peak")
      :format(r.name, r.ops, r.allocs, r.failures, r.slab_pages, r.slab_pages_peak))
  end,
})
local r = w:run()
print(("shrinking skbuff_head_cache gives back %d pages"):format(skb:shrink()))
print(w:summary())
