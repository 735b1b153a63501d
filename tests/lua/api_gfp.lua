-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of GFP semantics: the slow path, reserves, sleeping, page
-- cache and kswapd, tasks and the OOM killer, shrinkers, mempools, events.
-- The machine of tests/unit/check_slowpath.c: Normal 4096 pages, 1 CPU,
-- no pcp, min_free_kbytes 1024 -> min 256, low 320, high 384.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local function machine()
  local sim = km.new{ zones = { Normal = 4096 }, cpus = 1, pcp = false,
                      min_free_kbytes = 1024, watermark_boost_factor = 0 }
  -- the default (off for now, see docs/model.md) is the previous setting
  expect.eq(type(sim:slowpath(true)), "boolean", "slowpath() returns the old setting")
  expect.eq(sim:slowpath(), true, "the slow path is on")
  return sim
end

local function free(sim) return sim:zones()[3].free end

-- bring free memory down to n without waking kswapd (no reclaim bits)
local function fill_to(sim, n)
  local held = {}
  for i = 1, free(sim) - n do held[i] = assert(sim:alloc_pages(0, "__GFP_MEMALLOC")) end
  expect.eq(free(sim), n, "filled to the level")
  return held
end

-- ---- reserves by level (the C table has every flag; a few here) ----
local sim = machine()
local z = sim:zones()[3]
expect.eq(z.min, 256, "min")
expect.eq(z.low, 320, "low")
expect.eq(z.high, 384, "high")
fill_to(sim, 200)
-- GFP_ATOMIC below min: __GFP_HIGH's half of min (128) suffices
expect.truthy(sim:alloc_pages(0, "GFP_ATOMIC"), "GFP_ATOMIC below min")
local la = sim:last_alloc()
expect.eq(la.reserve, "min", "ATOMIC used the min reserve")
expect.eq(la.slept, false, "ATOMIC never sleeps")
expect.eq(la.slowpath, true, "below low: slow path")
-- GFP_NOWAIT gets no discount: fails, no report (__GFP_NOWARN)
local p, why = sim:alloc_pages(0, "GFP_NOWAIT")
expect.eq(p, nil, "NOWAIT below min fails")
expect.match(why, "below min watermark", "NOWAIT reason")
expect.match(why, "cannot sleep", "NOWAIT stops before reclaim")
expect(sim):no_bugs()
-- PF_MEMALLOC: all of the reserves
sim:memalloc(function()
  expect.truthy(sim:alloc_pages(0, "GFP_KERNEL"), "PF_MEMALLOC below min")
end)
expect.eq(sim:last_alloc().reserve, "no_watermarks", "PF_MEMALLOC reserve")
-- GFP_KERNEL with nothing to reclaim and nothing to kill: the kernel
-- panics, and a panicked kernel runs nothing more (an error, not nil)
local ok, err = pcall(sim.alloc_pages, sim, 0, "GFP_KERNEL")
expect.eq(ok, false, "GFP_KERNEL with no victim panics")
expect.match(err, "Kernel panic %- not syncing: System is deadlocked on memory", "the panic")
expect.eq(sim:last_alloc().slept, true, "GFP_KERNEL slept in reclaim")
expect(sim):bugs(1, "panic")
expect(sim):bugs(0, "alloc_fail")   -- no warn_alloc after the panic
expect.match(sim:dmesg(), "Out of memory and no killable processes", "out_of_memory")
expect.eq(sim:dmesg():find("page allocation failure", 1, true), nil, "nothing after the panic")
ok, err = pcall(sim.kmalloc, sim, 64)
expect.eq(ok, false, "after the panic")
expect.match(err, "the simulated kernel panicked at .*nothing runs after a panic", "refused")
ok, err = pcall(sim.advance, sim, "1s")
expect.match(err, "nothing runs after a panic", "time stands still")
expect.truthy(sim:meminfo(), "the state can still be read")
sim:close()

-- ---- might_sleep ----
sim = machine()
sim:atomic(function()
  expect.truthy(sim:alloc_pages(0, "GFP_KERNEL"), "allocation goes on")
end)
expect(sim):bugs(1, "sleep_in_atomic")
expect.match(sim:bugs()[1].message, "^BUG: sleeping function called from invalid context", "might_sleep text")
expect.match(sim:bugs()[1].where, "api_gfp.lua:%d+", "where")
sim:softirq(function() expect.truthy(sim:kmalloc(100, "GFP_ATOMIC"), "atomic kmalloc ok") end)
expect(sim):vmstat("sleep_in_atomic", 1)
sim:close()

-- ---- page cache, kswapd, meminfo ----
sim = machine()
expect.eq(sim:page_cache{ clean = 3500 }, 3500, "page cache added")
local mi = sim:meminfo()
expect.eq(mi.file, 3500, "file pages")
for _ = 1, free(sim) - 320 do assert(sim:alloc_pages(0)) end
assert(sim:alloc_pages(0))          -- the slow path wakes kswapd
expect.eq(sim:meminfo().kswapd_running, true, "kswapd woken")
sim:advance("1ms")
expect.eq(sim:meminfo().kswapd_running, false, "kswapd balanced and asleep")
expect.eq(free(sim), 422, "kswapd reclaimed to above high (see check_reclaim.c)")
expect(sim):vmstat("pgsteal_kswapd", 103)
expect.eq(sim:drop_caches(1), 3397, "drop_caches frees the rest")
sim:close()

-- ---- tasks and the OOM killer ----
sim = machine()
local a = sim:task{ name = "small", anon = 100 }
local b = sim:task{ name = "big", anon = 1000 }
local c = sim:task{ name = "shielded", anon = 2000, oom_score_adj = -1000 }
expect.eq(tostring(b), "task<big>#1001", "task tostring")
expect.eq(b:info().badness, 1002, "badness = rss + page tables")
expect.eq(c:info().badness, nil, "oom_score_adj -1000: never")
fill_to(sim, 200)
expect.truthy(sim:alloc_pages(0, "GFP_KERNEL"), "the OOM kill makes room")
expect.eq(b:info().state, "killed", "the biggest killable task died")
expect.eq(a:info().state, "running", "the small one lives")
expect(sim):bugs(1, "oom")
expect.match(sim:bugs()[1].message, "^Out of memory: Killed process 1001 %(big%) total%-vm:4000kB", "kill report")
-- a task that allocates as current: ALLOC_OOM when it is the victim
local t = sim:task{ name = "grower" }
local n, reason = t:fault(100000)
expect.match(reason, "killed by the OOM killer", "grower killed while faulting")
expect.range(n, 1, 4096, "pages it got")
expect.eq(t:info().state, "killed", "grower state")
expect.eq(#sim:tasks(), 4, "four tasks")
sim:close()

-- ---- swap and NOIO ----
sim = machine()
expect.eq(sim:swap("1G"), 262144, "swap pages")
sim:task{ name = "anon", anon = 3000 }
fill_to(sim, 200)
expect.truthy(sim:alloc_pages(0, "GFP_NOIO"), "NOIO gets its page from kswapd's swapping")
expect(sim):vmstat("pgsteal_direct", 0)
expect.range(sim:vmstat().pswpout, 1, 3000, "kswapd swapped")
sim:close()

-- ---- compaction ----
sim = machine()
local A, B = sim:task{ name = "A" }, sim:task{ name = "B" }
for _ = 1, 1536 do A:fault(1); B:fault(1) end
fill_to(sim, 0)
A:exit()
expect.eq(sim:frag()[1].extfrag[5], 937, "order-4 fragmentation index")
p, why = sim:alloc_pages(4, "GFP_NOIO")
expect.eq(p, nil, "no compaction without __GFP_IO")
expect.match(why, "order 4 unavailable after reclaim and compaction", "reason")
expect.truthy(sim:alloc_pages(4, "GFP_KERNEL"), "compaction makes an order-4 block")
expect(sim):vmstat("compact_success", 1)
expect(sim):vmstat("pgmigrate_success", 256)
sim:close()

-- ---- shrinkers ----
sim = machine()
local dc = sim:cache_create("dentry_test", 192)
local sh = sim:shrinker{ name = "dcache", cache = dc, fs = true }
expect.eq(tostring(sh), "shrinker#1", "shrinker tostring")
local objs = {}
for i = 1, 500 do objs[i] = assert(sh:alloc()) end
expect.eq(sh:info().objects, 500, "objects on the LRU")
expect.eq(sim:meminfo().shrinkable, 500, "meminfo shrinkable")
expect.eq(sh:free(objs[500]), true, "free one")
sim:drop_caches(2)
expect.eq(sh:info().objects, 0, "drop_caches 2 empties it")
expect.eq(sh:info().freed, 499, "all freed by the shrinker")
expect.eq(sim:ksize(objs[1]), 0, "objects gone")
expect.errors(function() sim:shrinker{ name = "x" } end, "cache", "cache required")
sim:close()

-- ---- mempools ----
sim = machine()
local pool = sim:mempool_create(2, { order = 0 })
expect.eq(pool:info().curr_nr, 2, "reserve filled")
expect.eq(pool:info().backing, "page", "backing")
fill_to(sim, 0)
local e1 = assert(pool:alloc("GFP_KERNEL"))
local e2 = assert(pool:alloc("GFP_KERNEL"))
expect.eq(pool:info().from_reserve, 2, "from the reserve")
sim:atomic(function()
  local x, r = pool:alloc("GFP_ATOMIC")
  expect.eq(x, nil, "atomic caller fails on an empty pool")
  expect.match(r, "cannot sleep", "reason")
end)
expect.eq(pool:free(e1, "2ms"), true, "a free 2 ms from now")
local t0 = sim:now()
local e3 = assert(pool:alloc("GFP_KERNEL"))
expect.eq(e3, e1, "the blocking caller got the freed element")
expect.range(sim:now() - t0, 2000000, 3000000, "it slept until the free")
expect.eq(pool:info().waits, 1, "one wait")
local ok, msg = pool:free(12345)
expect.eq(ok, false, "bad free")
expect.match(msg, "is not an element", "bad free report")
pool:free(e2); pool:free(e3)
pool:destroy()
expect.errors(function() pool:alloc() end, "destroyed", "destroyed pool")
sim:close()

sim = machine()
local kp = sim:mempool_create(4, { kmalloc = 96 })
expect.eq(kp:info().backing, "kmalloc", "kmalloc pool")
local cp = sim:mempool_create(2, { cache = sim:cache_create("bio_test", 200) })
expect.eq(cp:info().backing, "slab", "slab pool")
expect.errors(function() sim:mempool_create(1, { cache = "no_such_cache" }) end,
              "no cache called", "unknown cache")
expect.errors(function() sim:mempool_create(1, { order = 1, kmalloc = 8 }) end,
              "exactly one", "one backing")
do
  local scoped <close> = sim:mempool_create(1, { order = 2 })
  expect.eq(scoped:info().curr_nr, 1, "scoped pool")
end
sim:close()

-- ---- events ----
sim = machine()
sim:events(true)
fill_to(sim, 300)
assert(sim:alloc_pages(0, "GFP_KERNEL"))
local evs = sim:events()
local seen = {}
for _, e in ipairs(evs) do seen[e.type] = (seen[e.type] or 0) + 1 end
expect.eq(seen.SLOWPATH >= 1, true, "a SLOWPATH event")
expect.eq(seen.KSWAPD_WAKE, 1, "one kswapd wakeup")
expect.truthy(seen.NOTE, "narration notes are recorded")
local notes = {}
for _, e in ipairs(evs) do if e.type == "NOTE" then notes[#notes + 1] = e.str end end
expect.match(table.concat(notes, "\n"), "zone Normal: free 300 <= low 320 %+ reserve 0: fail", "watermark narration")
expect.match(table.concat(notes, "\n"), "zone Normal: free 300 > min 256 %+ reserve 0: ok", "min narration")
-- named fields: the last slow-path entry (our GFP_KERNEL request; fill_to's
-- own allocations come before it) carries the request, the allocation that
-- follows it the pfn, in that order
local slow, alloc
for _, e in ipairs(evs) do
  if e.type == "SLOWPATH" then slow, alloc = e, nil end
  if e.type == "PAGE_ALLOC" and slow and not alloc then alloc = e end
end
expect.eq(slow.order, 0, "SLOWPATH order")
expect.eq(slow.gfp, "GFP_KERNEL", "SLOWPATH gfp as the kernel prints it")
expect.truthy(alloc and alloc.pfn and alloc.time >= slow.time, "PAGE_ALLOC after SLOWPATH")
sim:events(false)
local before = #sim:events()
assert(sim:alloc_pages(0, "GFP_KERNEL"))
expect.eq(#sim:events(), 0, "stopped and forgotten")
expect.eq(before, 0, "events(false) forgets the recording")
sim:close()
