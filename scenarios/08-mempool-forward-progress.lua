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
-- memory is exhausted; part 2 (when this build has sim:mempool_create)
-- shows the pool's reserve and the wait.
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

-- part 1: the writeback path allocating bios without a pool
local r = wl.run(sim, {
  name = "writeback",
  streams = { { name = "bio", cache = bio, lifetime = wl.exponential("50us") } },
  contexts = { process = { weight = 1, gfp = "GFP_NOIO|__GFP_NOWARN" } },
  phases = { wl.steady{ ops = 2000 } },
})
print(("without a mempool: %d of %d bio allocations failed%s"):format(r.failures,
  r.allocs + r.failures, r.failures > 0 and " -- writeback stalls, nothing gets freed" or ""))
for _, x in ipairs(r.reasons) do print(("  %d x %s"):format(x.count, x.reason)) end

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
local got, failed = {}, 0
for _ = 1, 24 do
  local p = pool:alloc("GFP_NOIO")
  if p then got[#got + 1] = p else failed = failed + 1 end
  if #got > 8 then pool:free(table.remove(got, 1)) end   -- I/O completes, a bio comes back
end
print(("with a mempool of 16: 24 GFP_NOIO allocations, %d failed"):format(failed))
local atomic_failed = 0
fresh:irq(function()
  for _ = 1, 24 do
    local p = pool:alloc("GFP_ATOMIC")
    if p then got[#got + 1] = p else atomic_failed = atomic_failed + 1 end
  end
end)
print(("GFP_ATOMIC from a hardirq: %d of 24 failed once the reserve was empty"):format(atomic_failed))
for _, p in ipairs(got) do pool:free(p) end
local info = pool:info()
for _, k in ipairs{ "min_nr", "curr_nr", "allocs", "from_reserve", "waits", "failures" } do
  if info[k] ~= nil then print(("  pool %s = %s"):format(k, tostring(info[k]))) end
end
