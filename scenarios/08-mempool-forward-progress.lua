-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/08-mempool-forward-progress.lua: why the block layer uses mempools
--
-- What it teaches: a writeback path must make progress exactly when memory
-- is short -- writing dirty pages out is how memory gets freed.  If its
-- own allocation (a bio, a request) fails then, nothing is freed and the
-- machine deadlocks.  A mempool keeps min_nr elements in reserve: when the
-- allocator fails, mempool_alloc() hands out a reserved element, and when
-- even the reserve is empty a caller that may sleep waits until an element
-- comes back (I/O completion frees it) instead of failing.  An atomic
-- caller cannot wait, so it still gets NULL.
--
-- Part 1 shows the problem with plain kmem_cache_alloc under GFP_NOIO once
-- memory is exhausted; part 2 shows the pool's reserve and the wait.
--
-- Look at: "without a mempool" (every bio allocation fails: the deadlock)
-- against "with a mempool" (none fails; one waits), and the pool counters:
-- from_reserve and waits.
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local sim = km.new{ ram = "64M", cpus = 2 }
print(("policy %s"):format(sim:config().policy))
local bio = sim:cache_create("bio-184", 184, { flags = "SLAB_HWCACHE_ALIGN" })

-- exhaust memory with kernel pages nobody can reclaim
local held = 0
while sim:alloc_pages(0, "GFP_NOWAIT|__GFP_NOWARN") do held = held + 1 end
sim:memalloc(function()
  while sim:alloc_pages(0, "GFP_ATOMIC|__GFP_NOWARN") do held = held + 1 end
end)
print(("memory exhausted: %d pages held by the kernel"):format(held))

-- part 1: the writeback path allocating bios without a pool: GFP_NOIO may
-- sleep, so each attempt reclaims (nothing to reclaim: kernel pages) and
-- waits; the simulator gives up after 10 s of virtual time, the kernel
-- would retry forever
local t0 = sim:now()
local r = wl.run(sim, {
  name = "writeback",
  streams = { { name = "bio", cache = bio, lifetime = wl.exponential("50us") } },
  contexts = { process = { weight = 1, gfp = "GFP_NOIO|__GFP_NOWARN" } },
  phases = { wl.steady{ ops = 3 } },
})
print(("without a mempool: %d of %d bio allocations failed, after %.0f s of virtual time in reclaim")
  :format(r.failures, r.allocs + r.failures, (sim:now() - t0) / 1e9))
for _, x in ipairs(r.reasons) do print(("  %d x %s"):format(x.count, x.reason)) end
print("  -- writeback cannot start, so nothing is ever freed: a deadlock")

-- part 2: the same with a mempool of 16 bios created at boot
if not sim.mempool_create then
  print("(this build has no sim:mempool_create yet: the mempool half of the story is skipped)")
  return
end
local fresh = km.new{ ram = "64M", cpus = 2 }
local bio2 = fresh:cache_create("bio-184", 184, { flags = "SLAB_HWCACHE_ALIGN" })
local pool = fresh:mempool_create(16, { cache = bio2 })
while fresh:alloc_pages(0, "GFP_NOWAIT|__GFP_NOWARN") do end
fresh:memalloc(function()
  while fresh:alloc_pages(0, "GFP_ATOMIC|__GFP_NOWARN") do end
end)
-- the writeback path: 40 bios, each completing (freed) 200 us after it is
-- submitted; the 17th finds the reserve empty and waits for a completion
local failed, t0 = 0, fresh:now()
for _ = 1, 40 do
  local p = pool:alloc("GFP_NOIO")
  if p then pool:free(p, "200us") else failed = failed + 1 end
end
local info = pool:info()
print(("with a mempool of 16: 40 GFP_NOIO allocations, %d failed, %d waited (%.1f ms in all)")
  :format(failed, info.waits, (fresh:now() - t0) / 1e6))
-- an interrupt handler cannot wait: with every element in flight, NULL
fresh:advance("1ms")	-- the last completions come in: the reserve is full again
local held, atomic_ok = {}, 0
for _ = 1, 16 do held[#held + 1] = pool:alloc("GFP_NOIO") end
fresh:irq(function()
  while atomic_ok < 100 do
    local p = pool:alloc("GFP_ATOMIC|__GFP_NOWARN")
    if not p then break end
    held[#held + 1] = p
    atomic_ok = atomic_ok + 1
  end
end)
print(("GFP_ATOMIC from a hardirq, 16 bios in flight: %d more (the cache's free objects), then NULL")
  :format(atomic_ok))
for _, p in ipairs(held) do pool:free(p) end
info = pool:info()
for _, k in ipairs{ "min_nr", "curr_nr", "allocs", "from_reserve", "waits", "failures" } do
  if info[k] ~= nil then print(("  pool %s = %s"):format(k, tostring(info[k]))) end
end
