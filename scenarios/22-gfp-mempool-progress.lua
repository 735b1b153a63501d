-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/22-gfp-mempool-progress.lua: a mempool keeps writeback going when memory is gone
--
-- What it teaches: the block layer allocates a bio for every write.  When
-- memory is exhausted, writing dirty data out is the way to get memory
-- back -- so those allocations must not fail.  mempool_create() sets
-- min_nr bios aside; mempool_alloc() first asks the slab allocator without
-- reclaim or I/O, then takes a reserved bio, then asks again with the
-- caller's flags, and then -- if the caller may sleep -- waits until a bio
-- comes back (an I/O completes and mempool_free() refills the reserve
-- before anything else).  A caller that cannot sleep (softirq) gets NULL
-- once the reserve is empty.
--
-- The machine's memory is taken by kernel pages nothing can reclaim.  A
-- writeback loop submits 24 bios with GFP_NOIO; each write completes
-- 300 us after submission (pool:free(bio, "300us")).
--
-- Look at: "without the pool" failures against the pool's run, and the
-- t= column: where bios come from the reserve and where a writer waits for a
-- completion.
local km = require "kmemsim"

local sim = km.new{ ram = "32M", cpus = 2 }
local bio = sim:cache_create("bio-184", 184, { flags = "SLAB_HWCACHE_ALIGN" })
local pool = sim:mempool_create(4, { cache = bio })
print(("mempool of %d bios in reserve"):format(pool:info().curr_nr))

-- exhaust memory: kernel pages, through the reserves
local held = 0
sim:memalloc(function()
  while sim:alloc_pages(0, "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY") do held = held + 1 end
end)
print(("memory exhausted: %d pages held"):format(held))

-- without a pool: a plain kmem_cache_alloc fails as soon as the slabs are full
local plain, failed = {}, 0
for _ = 1, 200 do
  local b = bio:alloc("GFP_NOIO|__GFP_NOWARN")
  if b then plain[#plain + 1] = b else failed = failed + 1 end
end
for _, b in ipairs(plain) do bio:free(b) end
print(("without the pool: %d of 200 GFP_NOIO bio allocations failed"):format(failed))

-- with the pool: the writeback loop
local t0 = sim:now()
for i = 1, 24 do
  local before = pool:info()
  local t = sim:now()
  local b = assert(pool:alloc("GFP_NOIO"), "a blocking mempool_alloc never fails")
  local after = pool:info()
  local how = after.waits > before.waits and "waited for a completion"
    or after.from_reserve > before.from_reserve and "from the reserve" or "from the slab allocator"
  print(("  t=%7.1f us  bio %2d  %-24s (+%.1f us)"):format((t - t0) / 1000, i, how,
    (sim:now() - t) / 1000))
  pool:free(b, "300us")          -- the write completes later
end

-- a softirq caller cannot wait
sim:advance("1ms")               -- every write completed: the reserve is full again
local got, why = {}, nil
local reserve0 = pool:info().from_reserve
sim:softirq(function()
  for _ = 1, 64 do
    local b, r = pool:alloc("GFP_ATOMIC")
    if not b then why = r break end
    got[#got + 1] = b
  end
end)
print(("softirq, GFP_ATOMIC: %d bios (%d of them from the reserve), then NULL:"):format(#got,
  pool:info().from_reserve - reserve0))
print("  " .. tostring(why))
for _, b in ipairs(got) do pool:free(b) end
local info = pool:info()
print(("pool: %d allocations, %d from the reserve, %d waits, %d failures, %d refills")
  :format(info.allocs, info.from_reserve, info.waits, info.failures, info.refills))
