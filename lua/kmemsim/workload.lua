-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.workload: generated allocation workloads, compiled for the C engine
--
--   local wl = require "kmemsim.workload"
--   local w = wl.new(sim, {
--     streams = {
--       { name = "dentry", cache = dentry, lifetime = wl.exponential("200us") },
--       { name = "kmalloc", kmalloc = wl.kmalloc_mix(), lifetime = wl.pareto("2us", 1.5) },
--     },
--     contexts = { process = 95, softirq = 5 },
--     phases = { wl.ramp{ ops = 20000 }, wl.steady{ ops = 50000 }, wl.drain{ fraction = 0.5 } },
--   })
--   local results = w:run()
--   print(w:summary())
--
-- The generators here only describe: wl.new() compiles the description to
-- plain tables (the "compiled form", docs/dsl.md) and hands it to the C
-- engine (sim:workload_engine), which runs every operation without calling
-- back into Lua.  wl.reference() runs the same compiled description one
-- operation at a time from Lua, through sim:random/sim:rand/sim:kmalloc/...,
-- drawing from the simulator's PRNG in the engine's order (src/workload.c's
-- header comment); tests run both on two simulators with one seed and
-- demand identical results.  It is the executable specification of the
-- engine, and slow: use it on small workloads.
--
-- Errors in a description name the scenario line that made it.

local M = {}

-- ---------------------------------------------------------------- constants
-- Mirrored from src/workload.h: change both or neither.

local NEVER = math.maxinteger          -- WL_NEVER
local LIFE_CAP = 2 ^ 62                -- WL_LIFE_CAP
local MAX_SIZE = 1 << 30               -- WL_MAX_SIZE
local MAX_WEIGHT = 1 << 53             -- WL_MAX_WEIGHT
local MAX_SLOTS = 1 << 24              -- WL_MAX_SLOTS
local MAX_ENTRIES = 4096               -- WL_MAX_ENTRIES
local MIN_RATE, MAX_RATE = 1e-3, 1e12  -- WL_MIN_RATE, WL_MAX_RATE
local MAX_REASONS, REASON_LEN = 16, 127
local FNV_OFFSET = 0xcbf29ce484222325  -- wraps to a negative integer: same bits
local FNV_PRIME = 0x100000001b3
local OP_ALLOC, OP_FAIL, OP_FREE = 1, 2, 3

M.DEFAULT_RATE = 1000000               -- arrivals per virtual second

local CTX_ORDER = { "process", "atomic", "softirq", "hardirq" }
local DEFAULT_GFP = {
  process = "GFP_KERNEL", atomic = "GFP_ATOMIC",
  softirq = "GFP_ATOMIC", hardirq = "GFP_ATOMIC",
}

-- ---------------------------------------------------------------- helpers

local function sorted_keys(t)
  local keys = {}
  for k in next, t do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  return keys
end

-- unknown keys of option table t are an error naming the line, with a
-- "did you mean" (kmemsim's own, as for kmemsim.new{}) and the valid ones
local function check_opts(t, valid, what, level)
  local ok = {}
  for _, k in ipairs(valid) do ok[k] = true end
  local bad = {}
  for _, k in ipairs(sorted_keys(t)) do
    if not ok[k] then
      local hint = require("kmemsim").suggest(k, valid)
      bad[#bad + 1] = "'" .. k .. "'" .. (hint and (" (did you mean '" .. hint .. "'?)") or "")
    end
  end
  if #bad > 0 then
    error(("%s: unknown option%s %s (valid: %s)"):format(what, #bad > 1 and "s" or "",
      table.concat(bad, ", "), table.concat(valid, ", ")), level + 1)
  end
end

local function whole(v)
  if math.type(v) == "integer" then return v end
  if math.type(v) == "float" then return math.tointeger(v) end
  return nil
end

-- a whole number in [lo, hi], or an error at `level`
local function check_whole(v, lo, hi, what, level)
  local n = whole(v)
  if not n or n < lo or n > hi then
    error(("%s: whole number in %d..%d expected, got %s"):format(what, lo, hi,
      tostring(v)), level + 1)
  end
  return n
end

local time_units = { ns = 1, us = 1e3, ms = 1e6, s = 1e9 }

-- a duration: integer ns or "10ms", "2s", "1.5s", "500us", "7ns" (as sim:advance)
local function duration(v, what, level)
  if type(v) == "number" then
    local n = whole(v)
    if not n or n < 0 then
      error(("%s: duration must be a whole number of ns >= 0, got %s"):format(what,
        tostring(v)), level + 1)
    end
    return n
  end
  if type(v) == "string" then
    local num, unit = v:match("^%s*([%d%.]+)%s*(%a+)%s*$")
    local x = tonumber(num)
    if x and time_units[unit] and x * time_units[unit] < 9e18 then
      return math.floor(x * time_units[unit] + 0.5)
    end
    error(("%s: bad duration '%s' (expected e.g. 500, \"10us\", \"2ms\", \"1.5s\")")
      :format(what, v), level + 1)
  end
  error(("%s: duration expected, got %s"):format(what, type(v)), level + 1)
end

local size_units = { [""] = 1, K = 1 << 10, M = 1 << 20, G = 1 << 30 }

-- a size in bytes: 1..1 GiB, as a number or "512", "4K", "2M"
local function size_of(v, what, level)
  local n
  if type(v) == "number" then
    n = whole(v)
  elseif type(v) == "string" then
    local num, unit = v:match("^%s*(%d+)%s*([KkMmGg]?)i?[Bb]?%s*$")
    if num then n = tonumber(num) * size_units[unit:upper()] end
  else
    error(("%s: size expected, got %s"):format(what, type(v)), level + 1)
  end
  if not n or n < 1 or n > MAX_SIZE then
    error(("%s: size must be a whole number of bytes in 1..%d, got %s"):format(what,
      MAX_SIZE, tostring(v)), level + 1)
  end
  return n
end

local function check_weight(v, what, level)
  local n = check_whole(v, 0, MAX_WEIGHT, what, level + 1)
  return n   -- not a tail call: the error levels count this frame
end

-- ---------------------------------------------------------------- sizes

-- kmemsim's metatables are protected (__metatable: getmetatable() gives
-- the name), so a script can neither change a generator's methods nor
-- forge one; the module knows its own objects by this weak set instead
local made = setmetatable({}, { __mode = "k" })	-- object -> its metatable
local function make(t, mt)
  made[t] = mt
  return setmetatable(t, mt)
end

local Size = { __name = "kmemsim.workload.size", __metatable = "kmemsim.workload.size" }
Size.__index = Size
function Size:__tostring()
  if self.kind == "fixed" then return ("fixed(%d)"):format(self.lo) end
  if self.kind == "uniform" then return ("uniform(%d..%d)"):format(self.lo, self.hi) end
  return ("%s(%d entries)"):format(self.kind, #self.values)
end

local function new_size(t) return make(t, Size) end

--- fixed(n): always n bytes.
function M.fixed(n)
  return new_size{ kind = "fixed", lo = size_of(n, "fixed", 2) }
end

--- uniform(lo, hi): a whole number of bytes in lo..hi, all equally likely.
function M.uniform(lo, hi)
  lo, hi = size_of(lo, "uniform: lo", 2), size_of(hi, "uniform: hi", 2)
  if lo > hi then error(("uniform: empty range %d..%d"):format(lo, hi), 2) end
  return new_size{ kind = "uniform", lo = lo, hi = hi }
end

-- entries of a weighted list: { {size, weight}, ... } or { [size] = weight }
local function weighted_entries(t, what, level)
  if type(t) ~= "table" then
    error(("%s: table of {size, weight} pairs expected, got %s"):format(what, type(t)),
      level + 1)
  end
  local values, weights, total = {}, {}, 0
  if type(t[1]) == "table" then
    for i, e in ipairs(t) do
      values[i] = size_of(e[1], ("%s[%d] size"):format(what, i), level + 1)
      weights[i] = check_weight(e[2] == nil and 1 or e[2], ("%s[%d] weight"):format(what, i),
        level + 1)
    end
  else
    local sizes = {}
    for k in next, t do sizes[#sizes + 1] = k end
    for _, k in ipairs(sizes) do
      if type(k) ~= "number" then
        error(("%s: keys must be sizes, got %s"):format(what, tostring(k)), level + 1)
      end
    end
    table.sort(sizes)
    for i, k in ipairs(sizes) do
      values[i] = size_of(k, what .. " size", level + 1)
      weights[i] = check_weight(t[k], ("%s[%d] weight"):format(what, k), level + 1)
    end
  end
  if #values < 1 or #values > MAX_ENTRIES then
    error(("%s: 1..%d entries expected, got %d"):format(what, MAX_ENTRIES, #values), level + 1)
  end
  for _, w in ipairs(weights) do total = total + w end
  if total == 0 or total > MAX_WEIGHT then
    error(("%s: weights must add up to 1..2^53"):format(what), level + 1)
  end
  return values, weights
end

--- weighted(list): sizes with weights, { {32, 10}, {64, 5} } or { [32] = 10, [64] = 5 }.
function M.weighted(t)
  local values, weights = weighted_entries(t, "weighted", 2)
  return new_size{ kind = "weighted", values = values, weights = weights }
end

--- histogram(bins): { {lo, hi, weight}, ... }; a bin by weight, then a size in it.
function M.histogram(t)
  if type(t) ~= "table" or #t < 1 or #t > MAX_ENTRIES then
    error(("histogram: 1..%d bins {lo, hi, weight} expected"):format(MAX_ENTRIES), 2)
  end
  local values, uppers, weights, total = {}, {}, {}, 0
  for i, b in ipairs(t) do
    if type(b) ~= "table" then error(("histogram[%d]: {lo, hi, weight} expected"):format(i), 2) end
    values[i] = size_of(b[1], ("histogram[%d] lo"):format(i), 2)
    uppers[i] = size_of(b[2], ("histogram[%d] hi"):format(i), 2)
    weights[i] = check_weight(b[3] == nil and 1 or b[3], ("histogram[%d] weight"):format(i), 2)
    if values[i] > uppers[i] then
      error(("histogram[%d]: empty bin %d..%d"):format(i, values[i], uppers[i]), 2)
    end
    total = total + weights[i]
  end
  if total == 0 or total > MAX_WEIGHT then error("histogram: weights must add up to 1..2^53", 2) end
  return new_size{ kind = "histogram", values = values, uppers = uppers, weights = weights }
end

-- The kmalloc() request sizes of a real kernel: every `kmalloc:` event of
-- /work/shared/data/traces/build-6.18.trace.xz (a 6.18 kernel building
-- software on 2 CPUs; 8266 events), counted by bytes_req with
--   xzcat build-6.18.trace.xz | awk '/ kmalloc: /{ for (i = 1; i <= NF; i++)
--     if ($i ~ /^bytes_req=/) { split($i, a, "="); n[a[2]]++ } }
--     END { for (k in n) print k, n[k] }' | sort -n
-- { bytes requested, times seen }.  Small odd sizes are strings and names
-- (kstrdup), 52..54 are path components, 2048 are fd tables.
M.KMALLOC_MIX = {
  {11, 551}, {13, 16}, {16, 60}, {24, 1}, {28, 274}, {32, 75}, {40, 8}, {48, 120},
  {50, 69}, {51, 529}, {52, 1077}, {53, 481}, {54, 1094}, {55, 42}, {56, 326}, {57, 79},
  {58, 83}, {59, 66}, {60, 57}, {61, 63}, {62, 35}, {63, 20}, {64, 610}, {65, 10},
  {66, 20}, {67, 7}, {68, 6}, {69, 12}, {70, 13}, {71, 21}, {72, 354}, {73, 26},
  {74, 25}, {75, 14}, {76, 16}, {77, 7}, {78, 8}, {79, 4}, {80, 8}, {81, 2},
  {82, 8}, {83, 8}, {84, 2}, {85, 10}, {86, 10}, {87, 7}, {88, 18}, {89, 10},
  {90, 5}, {91, 5}, {92, 7}, {93, 6}, {94, 3}, {96, 281}, {97, 2}, {98, 1},
  {99, 1}, {100, 1}, {104, 1}, {108, 2}, {112, 11}, {128, 2}, {152, 2}, {168, 16},
  {176, 150}, {208, 1}, {288, 148}, {312, 7}, {408, 274}, {504, 274}, {640, 150}, {728, 184},
  {784, 90}, {1024, 1}, {1088, 1}, {2048, 277}, {4096, 1},
}

--- kmalloc_mix(): the kmalloc request sizes of a real 6.18 kernel (M.KMALLOC_MIX).
function M.kmalloc_mix()
  return M.weighted(M.KMALLOC_MIX)
end

-- a size spec: a generator, or a number/size string for fixed
local function compile_size(v, what, level)
  if made[v] == Size then
    local c = { kind = v.kind, lo = v.lo, hi = v.hi }
    if v.values then c.values, c.weights, c.uppers = v.values, v.weights, v.uppers end
    return c
  end
  if type(v) == "number" or type(v) == "string" then
    return { kind = "fixed", lo = size_of(v, what, level + 1) }
  end
  error(("%s: a size (number or wl.uniform/weighted/histogram/kmalloc_mix) expected, got %s")
    :format(what, type(v)), level + 1)
end

-- ---------------------------------------------------------------- lifetimes

local Life = { __name = "kmemsim.workload.lifetime", __metatable = "kmemsim.workload.lifetime" }
Life.__index = Life
function Life:__tostring()
  if self.kind == "exponential" then return ("exponential(%d ns)"):format(self.mean) end
  if self.kind == "pareto" then return ("pareto(%d ns, %g)"):format(self.xm, self.alpha) end
  return self.kind .. "()"
end

--- immediate(): freed before the next operation.
function M.immediate() return make({ kind = "immediate" }, Life) end
--- phase(): freed, oldest first, when the phase that allocated it ends.
function M.phase() return make({ kind = "phase" }, Life) end
--- forever(): only a drain frees it.
function M.forever() return make({ kind = "forever" }, Life) end

--- exponential(mean): lives an exponentially distributed time (virtual ns or "50us").
function M.exponential(mean)
  local m = duration(mean, "exponential: mean", 2)
  if m < 1 then error("exponential: mean must be at least 1 ns", 2) end
  return make({ kind = "exponential", mean = m }, Life)
end

--- pareto(xm, alpha): heavy-tailed lifetime, at least xm (ns or "2us"), shape alpha > 0.
function M.pareto(xm, alpha)
  local x = duration(xm, "pareto: scale", 2)
  if x < 1 then error("pareto: scale must be at least 1 ns", 2) end
  if type(alpha) ~= "number" or not (alpha > 0 and alpha < 1e6) then
    error(("pareto: shape must be a number in (0, 1e6), got %s"):format(tostring(alpha)), 2)
  end
  return make({ kind = "pareto", xm = x, alpha = alpha + 0.0 }, Life)
end

-- ---------------------------------------------------------------- mixes

-- contexts = { process = 90, hardirq = { weight = 10, gfp = "GFP_ATOMIC|__GFP_NOWARN" } }
local function compile_contexts(ctxs, gfpmap, what, level)
  if type(ctxs) ~= "table" then
    error(("%s: table of context weights expected, got %s"):format(what, type(ctxs)), level + 1)
  end
  check_opts(ctxs, CTX_ORDER, what, level + 1)
  local out, total = {}, 0
  for _, name in ipairs(CTX_ORDER) do
    local v = ctxs[name]
    if v ~= nil then
      local weight, gfp = v, gfpmap and gfpmap[name] or DEFAULT_GFP[name]
      if type(v) == "table" then
        check_opts(v, { "gfp", "weight" }, what .. "." .. name, level + 1)
        weight = v.weight == nil and 1 or v.weight
        if v.gfp ~= nil then gfp = v.gfp end
      end
      weight = check_weight(weight, what .. "." .. name, level + 1)
      if type(gfp) ~= "string" and not whole(gfp) then
        error(("%s.%s: GFP flags (string or integer) expected, got %s"):format(what, name,
          type(gfp)), level + 1)
      end
      total = total + weight
      out[#out + 1] = { ctx = name, gfp = gfp, weight = weight }
    end
  end
  if total == 0 then error(what .. ": the weights are all 0", level + 1) end
  return out
end

-- cpus = "all" | "current" | 1 | {0, 1} | { {cpu = 0, weight = 3}, {cpu = 1, weight = 1} }
local function compile_cpus(c, ncpus, what, level)
  if c == nil or c == "all" then return "all" end
  if c == "current" then return {} end
  local function one(v, i)
    local cpu, weight = v, 1
    if type(v) == "table" then
      check_opts(v, { "cpu", "weight" }, ("%s[%d]"):format(what, i), level + 2)
      cpu, weight = v.cpu, v.weight == nil and 1 or v.weight
    end
    cpu = check_whole(cpu, 0, (ncpus or 64) - 1, ("%s[%d]: cpu"):format(what, i), level + 2)
    return { cpu = cpu, weight = check_weight(weight, ("%s[%d]: weight"):format(what, i),
      level + 2) }
  end
  if type(c) == "number" then return { one(c, 1) } end
  if type(c) ~= "table" or #c == 0 then
    error(("%s: \"all\", \"current\", a CPU number or a list expected"):format(what), level + 1)
  end
  local out, total = {}, 0
  for i, v in ipairs(c) do
    out[i] = one(v, i)
    total = total + out[i].weight
  end
  if total == 0 then error(what .. ": the weights are all 0", level + 1) end
  return out
end

-- ---------------------------------------------------------------- phases

local Phase = { __name = "kmemsim.workload.phase", __metatable = "kmemsim.workload.phase" }
Phase.__index = Phase
function Phase:__tostring() return ("phase<%s>"):format(self.name) end

local PHASE_COMMON = { "name", "ops", "duration", "until", "rate", "arrival", "weights",
  "streams", "contexts", "cpus" }
local PHASE_EXTRA = {
  ramp = { "from" },
  steady = {},
  burst = {},
  drain = { "fraction", "count", "order" },
  slots = { "slots" },
}

local function phase(kind, t, level)
  level = level + 1
  local what = "wl." .. kind
  if t == nil then t = {} end
  if type(t) ~= "table" then error(("%s: options table expected, got %s"):format(what, type(t)), level) end
  local valid = {}
  for _, k in ipairs(PHASE_COMMON) do valid[#valid + 1] = k end
  for _, k in ipairs(PHASE_EXTRA[kind]) do valid[#valid + 1] = k end
  check_opts(t, valid, what, level)
  local p = { kind = kind, name = t.name or kind }
  if type(p.name) ~= "string" then error(what .. ": name must be a string", level) end
  if t.ops ~= nil then p.ops = check_whole(t.ops, 1, math.maxinteger, what .. ": ops", level) end
  if t.duration ~= nil then p.duration = duration(t.duration, what .. ": duration", level) end
  if t["until"] ~= nil then p["until"] = duration(t["until"], what .. ": until", level) end
  if kind ~= "drain" and not (p.ops or p.duration or p["until"]) then
    error(what .. ": needs ops, duration or until (when to stop)", level)
  end
  local function rate(v, key)
    if type(v) ~= "number" or not (v == 0 or (v >= MIN_RATE and v <= MAX_RATE)) then
      error(("%s: %s must be 0 (back to back) or a rate in %g..%g per second, got %s")
        :format(what, key, MIN_RATE, MAX_RATE, tostring(v)), level + 1)
    end
    return v + 0.0
  end
  if t.rate ~= nil then p.rate = rate(t.rate, "rate") end
  if t.from ~= nil then p.rate_from = rate(t.from, "from") end
  local back_to_back = p.rate == 0 or (p.rate == nil and (kind == "burst" or kind == "slots"))
    or (kind == "ramp" and p.rate_from == 0)
  if kind ~= "drain" and not p.ops and back_to_back then
    error(what .. ": events back to back (no rate) need ops: the schedule does not move", level)
  end
  if t.arrival ~= nil then
    if t.arrival ~= "fixed" and t.arrival ~= "poisson" then
      error(("%s: arrival must be \"fixed\" or \"poisson\", got %s"):format(what, tostring(t.arrival)), level)
    end
    p.poisson = t.arrival == "poisson"
  end
  if t.weights ~= nil then
    if type(t.weights) ~= "table" then error(what .. ": weights must be a table { name = weight }", level) end
    p.weights = {}
    for _, k in ipairs(sorted_keys(t.weights)) do
      p.weights[k] = check_weight(t.weights[k], ("%s: weights.%s"):format(what, k), level)
    end
  end
  if t.streams ~= nil then
    if type(t.streams) ~= "table" or #t.streams == 0 then
      error(what .. ": streams must be a list of stream names", level)
    end
    p.streams = {}
    for i, n in ipairs(t.streams) do
      if type(n) ~= "string" then error(("%s: streams[%d] must be a stream name"):format(what, i), level) end
      p.streams[i] = n
    end
  end
  if t.contexts ~= nil then p.contexts = compile_contexts(t.contexts, nil, what .. ": contexts", level) end
  if t.cpus ~= nil then p.cpus = compile_cpus(t.cpus, nil, what .. ": cpus", level) end
  if kind == "drain" then
    if t.fraction ~= nil and t.count ~= nil then error(what .. ": fraction or count, not both", level) end
    if t.fraction ~= nil then
      if type(t.fraction) ~= "number" or not (t.fraction >= 0 and t.fraction <= 1) then
        error(("%s: fraction must be in 0..1, got %s"):format(what, tostring(t.fraction)), level)
      end
      p.fraction = t.fraction + 0.0
    elseif t.count ~= nil then
      p.count = check_whole(t.count, 1, math.maxinteger, what .. ": count", level)
    else
      p.fraction = 1.0
    end
    local order = t.order or "random"
    if order ~= "random" and order ~= "fifo" and order ~= "lifo" then
      error(("%s: order must be \"random\", \"fifo\" or \"lifo\", got %s"):format(what, tostring(order)), level)
    end
    p.order = order
  elseif kind == "slots" then
    p.slots = check_whole(t.slots, 1, MAX_SLOTS, what .. ": slots", level)
  end
  return make(p, Phase)
end

--- ramp{ops=|duration=|until=, rate=, from=, ...}: arrivals whose rate rises from `from` to `rate`.
function M.ramp(t) local p = phase("ramp", t, 2); return p end
--- steady{...}: arrivals at a constant rate; lifetimes free objects: churn.
function M.steady(t) local p = phase("steady", t, 2); return p end
--- burst{...}: arrivals back to back (or at `rate`), often with other streams and contexts.
function M.burst(t) local p = phase("burst", t, 2); return p end
--- drain{fraction=|count=, order=, streams=}: free part of what is live.
function M.drain(t) local p = phase("drain", t, 2); return p end
--- slots{slots=, ops=}: each op draws a slot; frees its object, or allocates one into it.
function M.slots(t) local p = phase("slots", t, 2); return p end

-- ---------------------------------------------------------------- compile

local SPEC_OPTS = { "name", "streams", "contexts", "gfp", "cpus", "rate", "arrival",
  "free_cpu", "phases", "ops", "duration", "until", "on_phase" }
local STREAM_OPTS = { "name", "cache", "caches", "kmalloc", "lifetime", "weight", "flags" }

local function fail(msg) error(msg, 0) end

-- an error message without this module's "workload.lua:LINE: " prefix, so
-- that it can be raised again at the scenario's line
local function unwhere(msg)
  return (tostring(msg):gsub("^[^\n]-workload%.lua:%d+: ", ""))
end

local function cache_target(sim, c, weight, what)
  local ok, name = pcall(function() return c:name() end)
  if not ok or type(name) ~= "string" then
    if not ok and tostring(name):find("destroyed") then fail(what .. ": the cache was destroyed") end
    fail(("%s: a cache (from sim:cache_create) expected, got %s"):format(what, type(c)))
  end
  if sim:cache(name) ~= c then
    fail(("%s: cache '%s' is not the only cache of that name in this simulator (workloads find caches by name)")
      :format(what, name))
  end
  return { cache = name, ud = c, weight = weight }
end

local function compile_stream(sim, s, i)
  local what = ("streams[%d]"):format(i)
  if type(s) ~= "table" then fail(what .. ": table expected, got " .. type(s)) end
  local ok, err = pcall(check_opts, s, STREAM_OPTS, what, 1)
  if not ok then fail(err) end
  local n = (s.cache ~= nil and 1 or 0) + (s.caches ~= nil and 1 or 0) + (s.kmalloc ~= nil and 1 or 0)
  if n ~= 1 then fail(what .. ": give exactly one of cache, caches or kmalloc") end
  local c = { weight = 1 }
  if s.cache ~= nil then
    c.targets = { cache_target(sim, s.cache, 1, what .. ".cache") }
    c.name = c.targets[1].cache
  elseif s.caches ~= nil then
    if type(s.caches) ~= "table" or #s.caches == 0 then fail(what .. ".caches: a list of caches expected") end
    c.targets = {}
    for k, e in ipairs(s.caches) do
      local tw = ("%s.caches[%d]"):format(what, k)
      if type(e) == "table" then
        local okw, wt = pcall(check_weight, e[2] == nil and 1 or e[2], tw .. " weight", 1)
        if not okw then fail(wt) end
        c.targets[k] = cache_target(sim, e[1], wt, tw)
      else
        c.targets[k] = cache_target(sim, e, 1, tw)
      end
    end
    c.name = "caches" .. i
  else
    c.targets = { { cache = false, weight = 1 } }
    local oks, z = pcall(compile_size, s.kmalloc, what .. ".kmalloc", 1)
    if not oks then fail(z) end
    c.size = z
    c.name = "kmalloc" .. (i > 1 and i or "")
  end
  if s.name ~= nil then
    if type(s.name) ~= "string" or s.name == "" then fail(what .. ".name: a non-empty string expected") end
    c.name = s.name
  end
  local life = s.lifetime
  if life == nil then life = M.immediate() end
  if made[life] ~= Life then
    fail(what .. ".lifetime: wl.immediate/exponential/pareto/phase/forever() expected, got " .. type(life))
  end
  c.life = { kind = life.kind, mean = life.mean, xm = life.xm, alpha = life.alpha }
  if s.weight ~= nil then
    local okw, wt = pcall(check_weight, s.weight, what .. ".weight", 1)
    if not okw then fail(wt) end
    c.weight = wt
  end
  if s.flags ~= nil then
    if type(s.flags) ~= "string" and not whole(s.flags) then
      fail(what .. ".flags: GFP flags (string or integer) expected, got " .. type(s.flags))
    end
    c.flags = s.flags
  end
  return c
end

--- compile(sim, spec): the compiled form of a workload description (a plain table).
function M.compile(sim, spec)
  local ok, res = pcall(function()
    if type(spec) ~= "table" then fail("workload: description table expected, got " .. type(spec)) end
    local okc, err = pcall(check_opts, spec, SPEC_OPTS, "workload", 1)
    if not okc then fail(err) end
    local okc, cfg = pcall(function() return sim:config() end)
    if not okc then
      if tostring(cfg):find("simulator is closed", 1, true) then fail((cfg:gsub("^.-:%d+: ", ""))) end
      fail("workload: a simulator (from kmemsim.new) expected, got " .. type(sim))
    end
    local ncpus = cfg.cpus
    local d = { name = spec.name or "workload", free_cpu = spec.free_cpu or "same" }
    if type(d.name) ~= "string" then fail("workload: name must be a string") end
    if d.free_cpu ~= "same" and d.free_cpu ~= "any" then
      fail("workload: free_cpu must be \"same\" or \"any\", got " .. tostring(d.free_cpu))
    end
    if type(spec.streams) ~= "table" or #spec.streams == 0 then
      fail("workload: streams must be a non-empty list")
    end
    d.streams = {}
    local seen = {}
    for i, s in ipairs(spec.streams) do
      d.streams[i] = compile_stream(sim, s, i)
      local name = d.streams[i].name
      if seen[name] then fail(("workload: two streams are called '%s' (give them names)"):format(name)) end
      seen[name] = true
    end
    if spec.gfp ~= nil then
      if type(spec.gfp) ~= "table" then fail("workload: gfp must be a table { context = flags }") end
      local okg, e = pcall(check_opts, spec.gfp, CTX_ORDER, "workload.gfp", 1)
      if not okg then fail(e) end
    end
    local okx, ctx = pcall(compile_contexts, spec.contexts or { process = 1 }, spec.gfp,
      "workload.contexts", 1)
    if not okx then fail(ctx) end
    d.contexts = ctx
    local okp, cpus = pcall(compile_cpus, spec.cpus, ncpus, "workload.cpus", 1)
    if not okp then fail(cpus) end
    d.cpus = cpus
    local rate = spec.rate
    if rate == nil then rate = M.DEFAULT_RATE end
    if type(rate) ~= "number" or not (rate == 0 or (rate >= MIN_RATE and rate <= MAX_RATE)) then
      fail(("workload: rate must be 0 or in %g..%g per second"):format(MIN_RATE, MAX_RATE))
    end
    d.rate = rate + 0.0
    if spec.arrival ~= nil and spec.arrival ~= "fixed" and spec.arrival ~= "poisson" then
      fail("workload: arrival must be \"fixed\" or \"poisson\"")
    end
    d.poisson = spec.arrival == "poisson"
    if spec.on_phase ~= nil and type(spec.on_phase) ~= "function" then
      fail("workload: on_phase must be a function")
    end
    d.on_phase = spec.on_phase
    d.phases = {}
    if spec.phases ~= nil then
      if spec.ops ~= nil or spec.duration ~= nil or spec["until"] ~= nil then
        fail("workload: give phases, or ops/duration/until for one steady phase, not both")
      end
      if type(spec.phases) ~= "table" then fail("workload: phases must be a list") end
      for i, p in ipairs(spec.phases) do
        if made[p] ~= Phase then
          fail(("workload: phases[%d]: wl.ramp/steady/burst/drain/slots{...} expected"):format(i))
        end
        d.phases[i] = p
      end
    elseif spec.ops ~= nil or spec.duration ~= nil or spec["until"] ~= nil then
      local okp2, p = pcall(M.steady, { ops = spec.ops, duration = spec.duration, ["until"] = spec["until"] })
      if not okp2 then fail(unwhere(p)) end
      d.phases[1] = p
    end
    for i, p in ipairs(d.phases) do
      for _, n in ipairs(p.streams or {}) do
        if not seen[n] then fail(("workload: phases[%d] (%s): no stream '%s'"):format(i, p.name, n)) end
      end
      for _, n in ipairs(sorted_keys(p.weights or {})) do
        if not seen[n] then fail(("workload: phases[%d] (%s): no stream '%s'"):format(i, p.name, n)) end
      end
      if type(p.cpus) == "table" then
        for _, c in ipairs(p.cpus) do
          if c.cpu >= ncpus then
            fail(("workload: phases[%d] (%s): cpu %d out of range (0..%d)"):format(i, p.name, c.cpu, ncpus - 1))
          end
        end
      end
    end
    return d
  end)
  if not ok then error(unwhere(res), 2) end
  return res
end

--- new(sim, spec): a workload (userdata `workload#N`) ready to run on sim.
function M.new(sim, spec)
  local okd, d = pcall(M.compile, sim, spec)
  if not okd then error(unwhere(d), 2) end
  local ok, w = pcall(sim.workload_engine, sim, d)
  if not ok then error(unwhere(w), 2) end
  return w
end

--- run(sim, spec): new(sim, spec), run every phase; the results and the workload.
function M.run(sim, spec)
  local okd, d = pcall(M.compile, sim, spec)
  if not okd then error(unwhere(d), 2) end
  local ok, w = pcall(sim.workload_engine, sim, d)
  if not ok then error(unwhere(w), 2) end
  return w:run(), w
end

-- ---------------------------------------------------------------- reference
-- The engine, one operation at a time, in Lua.  Every line below has its
-- counterpart in src/workload.c (and the phase defaults in
-- src/lsim_workload.c); keep them in step.

local function make_pick(weights)
  local p = { cum = {}, total = 0, nz = 0, only = 1, n = #weights }
  for i, w in ipairs(weights) do
    p.total = p.total + w
    p.cum[i] = p.total
    if w > 0 then
      if p.nz == 0 then p.only = i end
      p.nz = p.nz + 1
    end
  end
  return p
end

local function pick(sim, p)
  if p.nz <= 1 then return p.only end
  local r = sim:random(1, p.total)
  for i = 1, p.n do
    if p.cum[i] >= r then return i end
  end
end

local function size_draw(sim, z)
  if z.kind == "uniform" then
    if z.lo == z.hi then return z.lo end
    return sim:random(z.lo, z.hi)
  elseif z.kind == "weighted" then
    return z.values[pick(sim, z.pick)]
  elseif z.kind == "histogram" then
    local i = pick(sim, z.pick)
    if z.values[i] == z.uppers[i] then return z.values[i] end
    return sim:random(z.values[i], z.uppers[i])
  end
  return z.lo
end

local function lifetime_due(sim, l, born)
  local x
  if l.kind == "immediate" then return born
  elseif l.kind == "exponential" then x = sim:rand("exponential", l.mean)
  elseif l.kind == "pareto" then x = sim:rand("pareto", l.xm, l.alpha)
  else return NEVER end
  if not (x < LIFE_CAP) then return NEVER end
  return born + math.floor(x)
end

local function reason_key(r)
  local open = r:find("(", 1, true)
  local colon = open and r:find(":", open + 1, true)
  if colon then
    local n = colon - 1
    if n > REASON_LEN then return r:sub(1, REASON_LEN) end
    r = r:sub(1, n)
    if n < REASON_LEN then r = r .. ")" end
    return r
  end
  return r:sub(1, REASON_LEN)
end

local function new_hist() return { count = 0, max = 0, bucket = {} } end

local function lat_bucket(v)
  if v < 8 then return v end
  local msb, x = 0, v
  while x > 1 do x = x >> 1; msb = msb + 1 end
  return ((msb - 3 + 1) << 3) + ((v >> (msb - 3)) & 7)
end

local function lat_bucket_max(b)
  local octave, sub = b >> 3, b & 7
  if octave == 0 then return b end
  return ((8 + sub + 1) << (octave - 1)) - 1
end

local function hist_record(h, v)
  h.count = h.count + 1
  if v > h.max then h.max = v end
  local b = lat_bucket(v)
  h.bucket[b] = (h.bucket[b] or 0) + 1
end

local function hist_percentile(h, pct)
  if h.count == 0 then return 0 end
  local rank = math.floor(pct / 100.0 * h.count + 0.999999)
  if rank < 1 then rank = 1 end
  if rank > h.count then rank = h.count end
  local keys = {}
  for b in next, h.bucket do keys[#keys + 1] = b end
  table.sort(keys)
  local seen = 0
  for _, b in ipairs(keys) do
    seen = seen + h.bucket[b]
    if seen >= rank then
      local hi = lat_bucket_max(b)
      return hi < h.max and hi or h.max
    end
  end
  return h.max
end

local function gfp_str(v)
  if type(v) == "number" then return ("0x%x"):format(v) end
  return v
end

local CTX_METHOD = { atomic = "atomic", softirq = "softirq", hardirq = "irq" }

-- fn() on `cpu` in context `ctx`: switch CPU, enter the context, undo both
local function run_on(sim, cpu, ctx, fn)
  local body = fn
  if ctx ~= "process" then
    local m = CTX_METHOD[ctx]
    body = function() return sim[m](sim, fn) end
  end
  if cpu ~= sim:cpu() then return sim:on_cpu(cpu, body) end
  return body()
end

local function slab_pages(sim)
  local s = sim:slab_summary()
  return s.nr_slab_reclaimable + s.nr_slab_unreclaimable
end

-- the heap of objects with a finite lifetime, by (due, seq)
local function before(a, b) return a.due < b.due or (a.due == b.due and a.seq < b.seq) end

local function heap_up(h, i)
  local o = h[i]
  while i > 1 do
    local p = i // 2
    if not before(o, h[p]) then break end
    h[i] = h[p]; h[i].hi = i
    i = p
  end
  h[i] = o; o.hi = i
end

local function heap_down(h, i)
  local o, n = h[i], #h
  while true do
    local c = 2 * i
    if c > n then break end
    if c + 1 <= n and before(h[c + 1], h[c]) then c = c + 1 end
    if not before(h[c], o) then break end
    h[i] = h[c]; h[i].hi = i
    i = c
  end
  h[i] = o; o.hi = i
end

local function heap_remove(h, o)
  local i, last = o.hi, h[#h]
  h[#h] = nil
  o.hi = nil
  if last == o then return end
  h[i] = last; last.hi = i
  heap_up(h, i)
  heap_down(h, last.hi)
end

local Ref = { __metatable = "kmemsim.workload.reference" }
Ref.__index = Ref

local function digest(R, op, addr, size)
  local h = R.st.digest
  h = (h ~ op) * FNV_PRIME
  h = (h ~ addr) * FNV_PRIME
  h = (h ~ size) * FNV_PRIME
  R.st.digest = h
end

function Ref:after_op(run)
  local p = slab_pages(self.sim)
  if p > self.st.slab_pages_peak then self.st.slab_pages_peak = p end
  if p > run.peak then run.peak = p end
end

function Ref:count_reason(reason)
  local key = reason_key(reason)
  for _, r in ipairs(self.reasons) do
    if r.reason == key then r.count = r.count + 1; return end
  end
  if #self.reasons == MAX_REASONS then self.other = self.other + 1; return end
  self.reasons[#self.reasons + 1] = { reason = key, count = 1 }
end

function Ref:release(o)
  local s = self.streams[o.stream]
  if o.hi then heap_remove(self.heap, o) end
  if o.slot then self.slots[o.slot] = nil end
  o.dead = true
  local last = s.live[#s.live]
  s.live[o.pos] = last
  last.pos = o.pos
  s.live[#s.live] = nil
end

function Ref:free(run, o)
  local sim = self.sim
  local s = self.streams[o.stream]
  local t = s.d.targets[o.target]
  local cpu = o.cpu
  if self.desc.free_cpu == "any" and #run.mix.cpus > 0 then
    cpu = run.mix.cpus[pick(sim, run.mix.cpick)]
  end
  local ok, lat
  run_on(sim, cpu, o.ctx, function()
    local t0 = sim:now()
    if t.ud then ok = t.ud:free(o.addr) else ok = sim:kfree(o.addr) end
    lat = sim:now() - t0
  end)
  hist_record(self.lat_free, lat)
  local st = self.st
  st.ops = st.ops + 1
  if ok then
    st.frees = st.frees + 1
    s.frees = s.frees + 1
  else
    st.free_errors = st.free_errors + 1
  end
  st.live = st.live - 1
  st.live_bytes = st.live_bytes - o.size
  s.live_bytes = s.live_bytes - o.size
  digest(self, OP_FREE, o.addr, o.size)
  self:release(o)
  self:after_op(run)
end

function Ref:alloc(run, slot)
  local sim = self.sim
  local m = run.mix
  local si = pick(sim, run.spick)
  local s = self.streams[si]
  local ti = pick(sim, s.tpick)
  local t = s.d.targets[ti]
  local cpu = run.cpu0
  if #m.cpus > 0 then cpu = m.cpus[pick(sim, m.cpick)] end
  local c = m.ctx[pick(sim, m.xpick)]
  local size
  if t.ud then size = s.objsize[ti] else size = size_draw(sim, s.size) end
  local gfp = gfp_str(c.gfp)
  if s.d.flags ~= nil then gfp = gfp .. "|" .. gfp_str(s.d.flags) end
  local addr, why, lat
  run_on(sim, cpu, c.ctx, function()
    local t0 = sim:now()
    if t.ud then addr, why = t.ud:alloc(gfp) else addr, why = sim:kmalloc(size, gfp) end
    lat = sim:now() - t0
  end)
  hist_record(self.lat_alloc, lat)
  local st = self.st
  st.ops = st.ops + 1
  if not addr then
    self:count_reason(why)
    st.failures = st.failures + 1
    s.failures = s.failures + 1
    digest(self, OP_FAIL, 0, size)
  else
    self.seq = self.seq + 1
    local o = { addr = addr, seq = self.seq, size = size, stream = si, target = ti,
      cpu = cpu, ctx = c.ctx, due = NEVER }
    s.live[#s.live + 1] = o
    o.pos = #s.live
    if slot then
      o.slot = slot
      self.slots[slot] = o
    elseif s.d.life.kind == "phase" then
      self.plist[#self.plist + 1] = o
    else
      o.due = lifetime_due(sim, s.d.life, self.sched)
      if o.due ~= NEVER then
        self.heap[#self.heap + 1] = o
        heap_up(self.heap, #self.heap)
      end
    end
    st.allocs = st.allocs + 1
    s.allocs = s.allocs + 1
    st.live = st.live + 1
    st.live_bytes = st.live_bytes + size
    s.live_bytes = s.live_bytes + size
    if st.live > st.peak_live then st.peak_live = st.live end
    if st.live_bytes > st.peak_live_bytes then st.peak_live_bytes = st.live_bytes end
    if #s.live > s.peak_live then s.peak_live = #s.live end
    digest(self, OP_ALLOC, addr, size)
  end
  self:after_op(run)
end

local function mix_of(R, contexts, cpus)
  local m = { ctx = contexts, cpus = {} }
  local cw = {}
  for i, c in ipairs(contexts) do cw[i] = c.weight end
  m.xpick = make_pick(cw)
  local pw = {}
  if cpus == "all" then
    for i = 1, R.sim:config().cpus do m.cpus[i] = i - 1; pw[i] = 1 end
  else
    for i, c in ipairs(cpus) do m.cpus[i] = c.cpu; pw[i] = c.weight end
  end
  m.cpick = make_pick(pw)
  return m
end

-- the phase as src/lsim_workload.c reads it (defaults from the workload)
function Ref:resolve(ph)
  local d = self.desc
  local P = { kind = ph.kind, name = ph.name or ph.kind, ops = ph.ops or 0,
    duration = ph.duration or 0, ["until"] = ph["until"] or 0 }
  local rate = d.rate or 0.0
  if P.kind ~= "ramp" and P.kind ~= "steady" then rate = 0.0 end
  if ph.rate ~= nil then rate = ph.rate end
  P.rate = rate
  P.rate_from = ph.rate_from
  if P.rate_from == nil then P.rate_from = rate / 10 end
  P.poisson = d.poisson or false
  if ph.poisson ~= nil then P.poisson = ph.poisson end
  P.fraction = ph.fraction or -1
  P.count = ph.count or 0
  if P.kind == "drain" and P.fraction < 0 and P.count == 0 then P.fraction = 1 end
  P.order = ph.order or "random"
  P.slots = ph.slots or 0
  local weights
  if ph.streams then
    weights = {}
    for i in ipairs(d.streams) do weights[i] = 0 end
    for _, n in ipairs(ph.streams) do
      for i, s in ipairs(d.streams) do
        if s.name == n then weights[i] = s.weight > 0 and s.weight or 1 end
      end
    end
  end
  if ph.weights then
    weights = {}
    for i, s in ipairs(d.streams) do weights[i] = ph.weights[s.name] or 0 end
  end
  P.weights = weights
  if ph.contexts or ph.cpus then
    P.mix = mix_of(self, ph.contexts or d.contexts, ph.cpus or d.cpus)
  end
  return P
end

local function advance_to(sim, t)
  local now = sim:now()
  if t > now then sim:advance(t - now) end
end

local function eligible(R, run)
  local n = 0
  for i, s in ipairs(R.streams) do
    if run.sw[i] > 0 then n = n + #s.live end
  end
  return n
end

function Ref:victim(run)
  local sim = self.sim
  if run.P.order == "random" then
    local n = eligible(self, run)
    if n == 0 then return nil end
    local r = n == 1 and 0 or sim:random(0, n - 1)
    for i, s in ipairs(self.streams) do
      if run.sw[i] > 0 then
        if r < #s.live then return s.live[r + 1] end
        r = r - #s.live
      end
    end
    return nil
  end
  local best
  local fifo = run.P.order == "fifo"
  for i, s in ipairs(self.streams) do
    if run.sw[i] > 0 then
      for _, o in ipairs(s.live) do
        if not best or (fifo and o.seq < best.seq) or (not fifo and o.seq > best.seq) then best = o end
      end
    end
  end
  return best
end

local function gap(sim, P, frac)
  local r = P.rate
  if P.kind == "ramp" then r = P.rate_from + (P.rate - P.rate_from) * frac end
  if not (r > 0) then return 0 end
  local g = 1e9 / r
  if P.poisson then g = sim:rand("exponential", g) end
  return math.floor(g)
end

function Ref:run_phase(ph)
  local sim, st = self.sim, self.st
  local P = self:resolve(ph)
  local drain = P.kind == "drain"
  local sw = P.weights
  if not sw then
    sw = {}
    for i, s in ipairs(self.desc.streams) do sw[i] = drain and 1 or s.weight end
  end
  local run = { P = P, sw = sw, spick = make_pick(sw), mix = P.mix or self.mix,
    cpu0 = sim:cpu(), peak = 0 }
  if not drain and run.spick.nz == 0 then
    error(("a %s phase needs a stream of weight > 0"):format(P.kind), 2)
  end
  local before_st = {}
  for k, v in next, st do before_st[k] = v end
  local ops0 = st.ops
  local start = sim:now()
  if st.phases == 0 then
    st.start = start
    self.sched = start
  else
    self.sched = self.sched + (start - self.mark)
  end
  local sstart = self.sched
  local next_ = sstart
  local has_end, end_ = false, 0
  if P.duration > 0 then end_, has_end = sstart + P.duration, true end
  if P["until"] > 0 and (not has_end or P["until"] < end_) then end_, has_end = P["until"], true end
  local drained, target = 0, 0
  if drain then
    local n = eligible(self, run)
    if P.fraction >= 0 then target = math.floor(P.fraction * n + 0.5)
    else target = math.min(P.count, n) end
  end
  self:after_op(run)
  local timed_out = false
  while true do
    if P.ops > 0 and st.ops - ops0 >= P.ops then break end
    if drain and (drained >= target or eligible(self, run) == 0) then break end
    local top = self.heap[1]
    if top and top.due <= next_ then
      if has_end and top.due > end_ then timed_out = true; break end
      self.sched = top.due
      advance_to(sim, self.sched)
      self:free(run, top)
    else
      if has_end and next_ > end_ then timed_out = true; break end
      self.sched = next_
      advance_to(sim, next_)
      local stop = false
      if drain then
        local o = self:victim(run)
        if not o then stop = true else self:free(run, o); drained = drained + 1 end
      elseif P.kind == "slots" then
        local k = P.slots == 1 and 0 or sim:random(0, P.slots - 1)
        if self.slots[k] then self:free(run, self.slots[k]) else self:alloc(run, k) end
      else
        self:alloc(run, nil)
      end
      if stop then break end
      local frac = 1.0
      if P.kind == "ramp" then
        if P.ops > 0 then frac = (st.ops - ops0) / P.ops
        else frac = (next_ - sstart) / (end_ - sstart) end
      end
      if frac > 1.0 then frac = 1.0 end
      next_ = next_ + gap(sim, P, frac)
    end
  end
  if timed_out then
    self.sched = end_
    advance_to(sim, end_)
  end
  for _, o in ipairs(self.plist) do
    if not o.dead then self:free(run, o) end
  end
  self.plist = {}
  self.mark = sim:now()
  st.phases = st.phases + 1
  st.stop = sim:now()
  st.time = st.time + (sim:now() - start)
  local r = { kind = P.kind, name = P.name, ops = st.ops - before_st.ops,
    allocs = st.allocs - before_st.allocs, frees = st.frees - before_st.frees,
    failures = st.failures - before_st.failures,
    free_errors = st.free_errors - before_st.free_errors,
    live = st.live, live_bytes = st.live_bytes, slab_pages = slab_pages(sim),
    slab_pages_peak = run.peak, start = start, stop = sim:now(), time = sim:now() - start }
  self.phases[#self.phases + 1] = r
  return r
end

function Ref:stats()
  local st = self.st
  local r = {}
  for _, k in ipairs({ "ops", "allocs", "frees", "failures", "free_errors", "live",
      "live_bytes", "slab_pages_peak", "start", "stop", "time", "peak_live",
      "peak_live_bytes" }) do
    r[k] = st[k]
  end
  r.slab_pages = slab_pages(self.sim)
  r.digest = ("%016x"):format(st.digest)
  r.alloc_p50 = hist_percentile(self.lat_alloc, 50)
  r.alloc_p99 = hist_percentile(self.lat_alloc, 99)
  r.alloc_max = self.lat_alloc.max
  r.free_p50 = hist_percentile(self.lat_free, 50)
  r.free_p99 = hist_percentile(self.lat_free, 99)
  r.free_max = self.lat_free.max
  r.reasons = {}
  for i, x in ipairs(self.reasons) do r.reasons[i] = { reason = x.reason, count = x.count } end
  if self.other > 0 then r.reasons[#r.reasons + 1] = { reason = "other", count = self.other } end
  r.streams = {}
  for i, s in ipairs(self.streams) do
    r.streams[i] = { name = s.d.name, allocs = s.allocs, frees = s.frees, failures = s.failures,
      live = #s.live, live_bytes = s.live_bytes, peak_live = s.peak_live }
  end
  r.phases = {}
  for i, p in ipairs(self.phases) do r.phases[i] = p end
  return r
end

function Ref:live()
  local all = {}
  for _, s in ipairs(self.streams) do
    for _, o in ipairs(s.live) do all[#all + 1] = o end
  end
  table.sort(all, function(a, b) return a.seq < b.seq end)
  local out = {}
  for i, o in ipairs(all) do out[i] = o.addr end
  return out
end

--- reference(sim, spec): run spec one operation at a time from Lua; results, live addresses.
function M.reference(sim, spec)
  local okd, d = pcall(M.compile, sim, spec)
  if not okd then error(unwhere(d), 2) end
  local R = setmetatable({ sim = sim, desc = d, streams = {}, heap = {}, slots = {},
    plist = {}, seq = 0, reasons = {}, other = 0, phases = {}, sched = 0, mark = 0,
    lat_alloc = new_hist(), lat_free = new_hist(),
    st = { ops = 0, allocs = 0, frees = 0, failures = 0, free_errors = 0, live = 0,
      live_bytes = 0, peak_live = 0, peak_live_bytes = 0, slab_pages_peak = 0,
      start = 0, stop = 0, time = 0, phases = 0, digest = FNV_OFFSET } }, Ref)
  for i, s in ipairs(d.streams) do
    local tw, objsize = {}, {}
    for k, t in ipairs(s.targets) do
      tw[k] = t.weight
      if t.ud then objsize[k] = t.ud:info().object_size end
    end
    local z = s.size
    if z and (z.kind == "weighted" or z.kind == "histogram") then
      z = { kind = z.kind, values = z.values, uppers = z.uppers, pick = make_pick(z.weights) }
    end
    R.streams[i] = { d = s, tpick = make_pick(tw), objsize = objsize, size = z, live = {},
      live_bytes = 0, allocs = 0, frees = 0, failures = 0, peak_live = 0 }
  end
  R.mix = mix_of(R, d.contexts, d.cpus)
  for _, ph in ipairs(d.phases) do R:run_phase(ph) end
  return R:stats(), R:live()
end

-- a misspelt generator (wl.normal, wl.expo) is an error that lists the real ones
local FUNCS = "fixed, uniform, weighted, histogram, kmalloc_mix, immediate, exponential, " ..
  "pareto, phase, forever, ramp, steady, burst, drain, slots, new, run, compile, reference"
setmetatable(M, {
  __metatable = "kmemsim.workload",
  __index = function(_, k)
    error(("kmemsim.workload has no %s '%s' (it has: %s)"):format(type(k) == "string" and
      "function" or "field", tostring(k), FUNCS), 2)
  end,
})

return M
