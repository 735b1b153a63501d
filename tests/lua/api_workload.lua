-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of kmemsim.workload and the C workload engine: the engine
-- agrees with the per-operation Lua reference loop, bad input is a clear
-- error at the caller's line, simulated failure is data, handles behave.
local km = require "kmemsim"
local wl = require "kmemsim.workload"
local expect = require "kmemsim.expect"

local HERE = "[^:]*api_workload%.lua:%d+: "

-- deep comparison with a path in the message
local function same(a, b, path)
  if type(a) ~= type(b) then
    error(("%s: %s vs %s"):format(path, tostring(a), tostring(b)), 2)
  end
  if type(a) ~= "table" then
    if a ~= b then error(("%s: %s vs %s"):format(path, tostring(a), tostring(b)), 2) end
    return
  end
  local keys = {}
  for k in pairs(a) do keys[k] = true end
  for k in pairs(b) do keys[k] = true end
  for k in pairs(keys) do same(a[k], b[k], path .. "." .. tostring(k)) end
end

-- ---------------------------------------------------------------- engine == reference

-- a description touching every generator, lifetime, phase kind and mix
local function rich(sim)
  local dentry = sim:cache_create("dentry", 192,
    { flags = "SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT" })
  local filp = sim:cache_create("filp", 184, { flags = "SLAB_HWCACHE_ALIGN" })
  return {
    name = "rich",
    streams = {
      { name = "uni", kmalloc = wl.uniform(8, 4096), lifetime = wl.exponential("20us"), weight = 3 },
      { name = "mix", kmalloc = wl.kmalloc_mix(), lifetime = wl.pareto("1us", 1.3), weight = 3 },
      { name = "hist", kmalloc = wl.histogram{ { 1, 64, 5 }, { 65, 512, 3 }, { 513, 8192, 1 } } },
      { name = "fixed", kmalloc = "2K", lifetime = wl.forever() },
      { name = "w", kmalloc = wl.weighted{ [32] = 3, [96] = 1 }, lifetime = wl.immediate() },
      { name = "dentry", cache = dentry, lifetime = wl.phase() },
      { name = "files", caches = { { filp, 2 }, { dentry, 1 } }, lifetime = wl.forever(),
        flags = "__GFP_ZERO" },
      { name = "rx", cache = dentry, lifetime = wl.phase(), weight = 0 },
    },
    contexts = { process = 8, softirq = 1, hardirq = { weight = 1, gfp = "GFP_ATOMIC|__GFP_NOWARN" } },
    free_cpu = "any",
    arrival = "poisson",
    phases = {
      wl.ramp{ ops = 1500 },
      wl.steady{ ops = 1500, rate = 5e5 },
      wl.burst{ ops = 300, streams = { "rx", "files" }, contexts = { softirq = 1 } },
      wl.drain{ fraction = 0.5 },
      wl.drain{ count = 20, order = "fifo", streams = { "files" } },
      wl.drain{ count = 20, order = "lifo" },
      wl.slots{ slots = 64, ops = 800, weights = { uni = 1, files = 1 } },
      wl.steady{ duration = "200us", cpus = 1, arrival = "fixed" },
      -- more slots than before: the 64 slots' objects live on into it
      wl.slots{ slots = 200, ops = 600 },
      wl.ramp{ duration = "100us", from = 1e5, rate = 1e6 },
    },
  }
end

local function compare_runs(policy, make, mem)
  local a = km.new{ seed = 7, cpus = 2, ram = mem or "64M", policy = policy }
  local b = km.new{ seed = 7, cpus = 2, ram = mem or "64M", policy = policy }
  local w = wl.new(a, make(a))
  local ra = w:run()
  local rb, live_b = wl.reference(b, make(b))
  same(ra, rb, policy .. " results")
  same(w:live(), live_b, policy .. " live addresses")
  same(a:vmstat(), b:vmstat(), policy .. " vmstat")
  same(a:slab_summary(), b:slab_summary(), policy .. " slab summary")
  same(a:slabinfo(), b:slabinfo(), policy .. " slabinfo")
  local ca, cb = a:caches(), b:caches()
  expect.eq(#ca, #cb, "number of caches")
  for i = 1, #ca do same(ca[i]:stats(), cb[i]:stats(), policy .. " cache " .. ca[i]:name()) end
  expect.eq(a:now(), b:now(), "clocks")
  expect.eq(a:dmesg(), b:dmesg(), "kernel logs")
  return ra, w
end

for _, policy in ipairs(km.policies()) do
  local r = compare_runs(policy, rich)
  expect.truthy(r.allocs > 1000 and r.frees > 1000, "the run did something")
  expect.eq(#r.phases, 10, "phases run")
end

-- failures in both: a tiny machine, objects kept forever
local function starving(sim)
  return {
    streams = { { kmalloc = wl.uniform(1024, 8192), lifetime = wl.forever() } },
    contexts = { process = { weight = 1, gfp = "GFP_NOWAIT|__GFP_NOWARN" },
      atomic = { weight = 1, gfp = "GFP_ATOMIC|__GFP_NOWARN" } },
    phases = { wl.steady{ ops = 6000 }, wl.drain{ fraction = 0.3, order = "random" } },
  }
end
local r = compare_runs("slub", starving, "8M")
expect.truthy(r.failures > 0, "a starved workload fails some allocations")
expect.eq(r.failures + r.allocs, r.phases[1].ops, "every op of the steady phase was an allocation")
expect.truthy(#r.reasons >= 1 and r.reasons[1].count > 0, "failure reasons counted")
expect.match(r.reasons[1].reason, "unavailable", "reason text")
expect.falsy(r.reasons[1].reason:find(":", 1, true), "reasons are cut before details")

-- ---------------------------------------------------------------- semantics

local sim = km.new{ seed = 3, cpus = 2, ram = "128M" }
local c = sim:cache_create("obj256", 256)

-- immediate: nothing stays; ops = 2 x allocations
local w = wl.new(sim, { streams = { { cache = c } }, ops = 1000 })
local res = w:run()
expect.eq(res.live, 0, "immediate objects all freed")
expect.eq(res.ops, 1000, "ops")
expect.eq(res.allocs, 500, "half the ops allocate")
expect(w):no_failures():ops(1000):live(0)
expect.match(tostring(w), "^workload#%d+$", "stable __tostring")

-- phase-bound objects die with their phase; forever ones stay until drained
w = wl.new(sim, {
  streams = {
    { name = "p", kmalloc = 64, lifetime = wl.phase() },
    { name = "f", kmalloc = 64, lifetime = wl.forever() },
  },
  phases = { wl.steady{ ops = 400 } },
})
res = w:run()
expect.eq(res.streams[1].live, 0, "phase-bound freed at the end of the phase")
expect.truthy(res.streams[2].live > 150, "forever objects stay")
expect.eq(res.phases[1].ops, 400 + res.streams[1].allocs, "phase-end frees are ops of the phase")
local before = res.live
local d = w:run_phase(wl.drain{ count = 10, order = "fifo" })
expect.eq(d.frees, 10, "drain count")
expect.eq(w:stats().live, before - 10, "drained")
d = w:run_phase(wl.drain{ fraction = 0.5 })
expect.eq(d.frees, (before - 10 + 1) // 2, "drain fraction rounds to nearest")
d = w:run_phase(wl.drain{})
expect.eq(w:stats().live, 0, "a drain frees everything by default")
expect.errors(function() w:run() end, "finished", "running a finished workload")
expect.eq(#w:live(), 0, "no live addresses")

-- slots: the benchmark's workload
w = wl.new(sim, {
  streams = { { kmalloc = wl.uniform(8, 4096) } },
  cpus = "current",
  phases = { wl.slots{ slots = 128, ops = 5000 } },
})
res = w:run()
expect.eq(res.ops, 5000, "slot ops")
expect.truthy(res.live <= 128, "at most one object per slot")
expect.eq(res.allocs - res.frees, res.live, "live = allocs - frees")
expect.eq(#w:live(), res.live, "live list")

-- durations: the schedule runs to the end of the phase
local t0 = sim:now()
res = wl.run(sim, { streams = { { kmalloc = 32 } }, rate = 1e6,
  phases = { wl.steady{ duration = "1ms" } } })
expect.truthy(sim:now() - t0 >= 1000000, "a 1 ms phase takes at least 1 ms")
expect.range(res.allocs, 990, 1001, "1e6 arrivals per second for 1 ms")

-- on_phase sees every phase's results, and the results of each phase add up
local seen = {}
res = wl.run(sim, {
  streams = { { kmalloc = 100, lifetime = wl.exponential("5us") } },
  phases = { wl.ramp{ ops = 200 }, wl.steady{ ops = 300 }, wl.burst{ ops = 100 } },
  on_phase = function(ww, pr) seen[#seen + 1] = pr.name; expect.match(tostring(ww), "^workload#") end,
})
expect.same(seen, { "ramp", "steady", "burst" }, "on_phase order")
local sum = 0
for _, p in ipairs(res.phases) do sum = sum + p.ops end
expect.eq(sum, res.ops, "phases add up")
for _, k in ipairs{ "alloc_p50", "alloc_p99", "alloc_max", "free_p50", "free_p99", "free_max",
    "slab_pages", "slab_pages_peak", "peak_live", "peak_live_bytes", "time", "start", "stop" } do
  expect.eq(math.type(res[k]), "integer", "result " .. k)
end
expect.truthy(res.alloc_p50 <= res.alloc_p99 and res.alloc_p99 <= res.alloc_max, "percentiles ordered")
expect.match(res.digest, "^%x+$", "digest")

-- same seed, same workload: same digest; another seed: another one
local function digest(seed)
  local s = km.new{ seed = seed, ram = "64M" }
  return wl.run(s, { streams = { { kmalloc = wl.uniform(8, 512), lifetime = wl.exponential("3us") } },
    ops = 2000 }).digest
end
expect.eq(digest(11), digest(11), "determinism")
expect.truthy(digest(11) ~= digest(12), "seeds matter")

-- the schedule does not depend on the policy: the same operations under all
-- three (the digest includes addresses, so compare what was asked for)
local runs = {}
for _, p in ipairs(km.policies()) do
  local s = km.new{ seed = 5, ram = "256M", policy = p }
  local rr = wl.run(s, { streams = {
    { kmalloc = wl.kmalloc_mix(), lifetime = wl.exponential("50us") },
    { kmalloc = wl.uniform(100, 3000), lifetime = wl.pareto("10us", 1.5) } },
    rate = 1e5, phases = { wl.ramp{ ops = 3000 }, wl.steady{ ops = 3000 } } })
  runs[#runs + 1] = { rr.allocs, rr.frees, rr.live, rr.live_bytes, rr.peak_live_bytes,
    rr.streams[1].allocs, rr.phases[1].ops, rr.phases[2].ops }
end
expect.same(runs[1], runs[2], "slab and slub are asked the same")
expect.same(runs[2], runs[3], "slub and slob are asked the same")

-- ---------------------------------------------------------------- handles

local s2 = km.new{ ram = "64M" }
local wc = wl.new(s2, { streams = { { kmalloc = 64, lifetime = wl.forever() } }, ops = 100 })
wc:run_phase(wl.steady{ ops = 50 })
local live_before = s2:slab_summary().live
collectgarbage()
expect.eq(s2:slab_summary().live, live_before, "collection changes nothing")
wc:close()
expect.match(tostring(wc), "closed", "tostring of a closed workload")
expect.errors(function() wc:run() end, "attempt to use a closed workload", "closed workload")
expect.errors(function() wc:stats() end, "closed workload", "stats of a closed workload")
expect.eq(s2:slab_summary().live, live_before, "closing leaves the objects allocated")
do
  local scoped <close> = wl.new(s2, { streams = { { kmalloc = 64 } }, ops = 10 })
  scoped:run()
end
local s3 = km.new{ ram = "64M" }
local w3 = wl.new(s3, { streams = { { kmalloc = 64 } }, ops = 10 })
s3:close()
expect.errors(function() w3:run() end, "simulator is closed", "closed simulator")
local s4 = km.new{ ram = "64M" }
local c4 = s4:cache_create("gone", 64)
local w4 = wl.new(s4, { streams = { { cache = c4 } }, ops = 10 })
c4:destroy()
expect.errors(function() w4:run() end, "stream 'gone': its cache was destroyed", "destroyed cache")

-- ---------------------------------------------------------------- bad input

local s5 = km.new{ ram = "64M" }
local function bad(fn, pattern, what)
  local err = expect.errors(fn, pattern, what)
  expect.match(err, "^" .. HERE, what .. " names the caller's line")
end
bad(function() wl.uniform(-5, 10) end, "uniform: lo: size must be", "negative size")
bad(function() wl.uniform(100, 10) end, "empty range", "empty range")
bad(function() wl.fixed(2 ^ 40) end, "size must be", "absurd size")
bad(function() wl.fixed("12Q") end, "size must be", "bad size string")
bad(function() wl.weighted{ { 32, -1 } } end, "weight", "negative weight")
bad(function() wl.weighted{ { 32, 0 } } end, "add up", "zero weights")
bad(function() wl.histogram{ { 64, 32, 1 } } end, "empty bin", "empty bin")
bad(function() wl.exponential("soon") end, "bad duration", "bad duration")
bad(function() return wl.normal(100, 10) end, "kmemsim.workload has no function 'normal'",
  "unknown distribution")
bad(function() wl.pareto(100, 0) end, "shape", "bad shape")
bad(function() wl.steady{} end, "needs ops, duration or until", "phase without an end")
bad(function() wl.burst{ duration = "1ms" } end, "back to back", "timeless burst")
bad(function() wl.steady{ ops = 10, rtae = 5 } end, "unknown option 'rtae'", "typo in a phase")
bad(function() wl.drain{ fraction = 2 } end, "fraction", "fraction out of range")
bad(function() wl.drain{ order = "newest" } end, "order", "bad order")
bad(function() wl.slots{ slots = 0, ops = 1 } end, "slots", "no slots")
bad(function() wl.steady{ ops = 1, contexts = { nmi = 1 } } end, "unknown option 'nmi'", "bad context")
bad(function() wl.new(s5, { streams = {} }) end, "non%-empty list", "no streams")
local nophase = wl.new(s5, { streams = { { kmalloc = 64 } } })
bad(function() nophase:run() end, "has no phases", "nothing to run")
expect.eq(nophase:run_phase(wl.steady{ ops = 4 }).ops, 4, "phases given one at a time")
bad(function() wl.new(s5, { streams = { { kmalloc = 64, cache = 1 } }, ops = 1 }) end,
  "exactly one of", "two targets")
bad(function() wl.new(s5, { streams = { { kmalloc = {} } }, ops = 1 }) end, "a size", "wrong type")
bad(function() wl.new(s5, { streams = { { kmalloc = 64, lifetime = 5 } }, ops = 1 }) end,
  "lifetime", "lifetime type")
bad(function() wl.new(s5, { streams = { { kmalloc = 64 } }, ops = 1,
  contexts = { process = { weight = 1, gfp = "GFP_KERNL" } } }) end, "GFP_KERNL", "unknown GFP name")
bad(function() wl.new(s5, { streams = { { kmalloc = 64, flags = "__GFP_ZERRO" } }, ops = 1 }) end,
  "__GFP_ZERRO", "unknown GFP flag")
bad(function() wl.new(s5, { streams = { { kmalloc = 64 } }, ops = 1, cpus = { 7 } }) end,
  "cpu", "CPU out of range")
bad(function() wl.new(s5, { streams = { { name = "a", kmalloc = 64 }, { name = "a", kmalloc = 32 } },
  ops = 1 }) end, "two streams are called 'a'", "duplicate names")
bad(function() wl.new(s5, { streams = { { name = "a", kmalloc = 64 } },
  phases = { wl.burst{ ops = 5, streams = { "b" } } } }) end, "no stream 'b'", "unknown stream")
bad(function() wl.new(s5, { streams = { { cache = "dentry" } }, ops = 1 }) end,
  "a cache", "a name instead of a cache")
bad(function() wl.new(42, { streams = { { kmalloc = 64 } }, ops = 1 }) end,
  "a simulator", "not a simulator")
bad(function() wl.new(s5, { streams = { { kmalloc = 64 } }, ops = 1, colour = 3 }) end,
  "unknown option 'colour'", "typo in a workload")

-- ---------------------------------------------------------------- expectations

local s6 = km.new{ ram = "64M", slab_nomerge = true }
local c6 = s6:cache_create("geo", 64)
local o6 = assert(c6:alloc())
expect(s6):cache_live("geo", 1):live_objects(1):slab_pages_at_least(1):slab_pages_at_most(100)
expect(s6):cache_geometry("geo", { size = 64, object_size = 64 })
expect.errors(function() expect(s6):cache_geometry("geo", { size = 96 }) end,
  HERE .. "expectation failed: cache geo: size expected 96, got 64", "geometry failure line")
expect.errors(function() expect(s6):cache_live("nope", 1) end, HERE .. ".*no cache called", "no cache")
expect.errors(function() expect(s6):slab_pages_at_most(0) end, "at most 0 slab pages", "pages")
expect(s6):waste_at_most(0.01)
c6:free(o6)
expect(s6):cache_live("geo", 0):no_bugs()
c6:free(o6)
expect(s6):dmesg_has("already free")
local ws = wl.new(s5, { streams = { { kmalloc = 64 } }, ops = 10 })
local rs = ws:run()
expect(rs):no_failures():ops(10)
expect.errors(function() expect(rs):failures_at_least(1) end, HERE, "results expectation line")
expect(ws):slab_pages_peak_at_most(1000):failures_at_most(0)

print("api_workload: ok")
