-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.expect: expectations for tests, exercises and self-checking scenarios
--
--   local expect = require "kmemsim.expect"
--   expect(sim):free_pages_at_least(1000)
--   expect(w):no_failures()            -- a workload, or the results of w:run()
--   expect.eq(got, want, "objects per slab")
--
-- A failed expectation raises an error that names the scenario line of the
-- expectation (not a line inside this module), so an exercise points the
-- student at their own code.

local M = {}

local function fail(msg, level)
  error("expectation failed: " .. msg, (level or 1) + 2)
end

local function show(v)
  if type(v) == "string" then return ("%q"):format(v) end
  return tostring(v)
end

--- eq(got, want, what): got == want.
function M.eq(got, want, what)
  if got ~= want then
    fail(("%s: expected %s, got %s"):format(what or "value", show(want), show(got)))
  end
  return got
end

--- truthy(v, what): v is neither nil nor false.
function M.truthy(v, what)
  if not v then fail(("%s: expected a true value, got %s"):format(what or "value", show(v))) end
  return v
end

--- falsy(v, what): v is nil or false.
function M.falsy(v, what)
  if v then fail(("%s: expected nil or false, got %s"):format(what or "value", show(v))) end
  return v
end

--- range(v, lo, hi, what): lo <= v <= hi.
function M.range(v, lo, hi, what)
  if type(v) ~= "number" or v < lo or v > hi then
    fail(("%s: expected a number in [%s, %s], got %s"):format(what or "value", lo, hi, show(v)))
  end
  return v
end

--- match(s, pattern, what): s is a string matching the Lua pattern.
function M.match(s, pattern, what)
  if type(s) ~= "string" or not s:find(pattern) then
    fail(("%s: expected a string matching %q, got %s"):format(what or "value", pattern, show(s)))
  end
  return s
end

--- errors(fn, pattern, what): fn() raises an error whose message matches.
function M.errors(fn, pattern, what)
  local ok, err = pcall(fn)
  if ok then fail(("%s: expected an error"):format(what or "call")) end
  if pattern and not tostring(err):find(pattern) then
    fail(("%s: error %s does not match %q"):format(what or "call", show(tostring(err)), pattern))
  end
  return err
end

--- same(a, b, what): two arrays (or scalars) are element-wise equal.
function M.same(a, b, what)
  if type(a) ~= "table" or type(b) ~= "table" then return M.eq(a, b, what) end
  if #a ~= #b then
    fail(("%s: expected %d elements, got %d"):format(what or "array", #b, #a))
  end
  for i = 1, #a do
    if a[i] ~= b[i] then
      fail(("%s[%d]: expected %s, got %s"):format(what or "array", i, show(b[i]), show(a[i])))
    end
  end
  return a
end

-- Expectations about one simulator: expect(sim):method(...)
local Sim = { __metatable = "kmemsim.expect.sim" }	-- protected, as kmemsim's
Sim.__index = Sim

--- :bugs(n, kind): exactly n bug reports (of the given kind, if any).
function Sim:bugs(n, kind)
  local count = 0
  for _, b in ipairs(self.sim:bugs()) do
    if not kind or b.kind == kind then count = count + 1 end
  end
  if count ~= n then
    fail(("expected %d %sbug report(s), got %d"):format(n, kind and (kind .. " ") or "", count))
  end
  return self
end

--- :no_bugs(): no simulated-kernel bug was reported.
function Sim:no_bugs()
  return self:bugs(0)
end

--- :free_pages_at_least(n): the machine has at least n free pages.
function Sim:free_pages_at_least(n)
  local free = 0
  for _, z in ipairs(self.sim:zones()) do free = free + z.free end
  if free < n then fail(("expected at least %d free pages, got %d"):format(n, free)) end
  return self
end

--- :free_pages_at_most(n): the machine has at most n free pages.
function Sim:free_pages_at_most(n)
  local free = 0
  for _, z in ipairs(self.sim:zones()) do free = free + z.free end
  if free > n then fail(("expected at most %d free pages, got %d"):format(n, free)) end
  return self
end

--- :vmstat(name, want): the counter equals want.
function Sim:vmstat(name, want)
  local v = self.sim:vmstat()[name]
  if v == nil then fail(("no vmstat counter %q"):format(name)) end
  if v ~= want then fail(("vmstat %s: expected %s, got %s"):format(name, want, v)) end
  return self
end

local function slab_pages(sim)
  local s = sim:slab_summary()
  return s.nr_slab_reclaimable + s.nr_slab_unreclaimable
end

--- :slab_pages_at_most(n): at most n pages in slabs (NR_SLAB_* with large kmallocs).
function Sim:slab_pages_at_most(n)
  local p = slab_pages(self.sim)
  if p > n then fail(("expected at most %d slab pages, got %d"):format(n, p)) end
  return self
end

--- :slab_pages_at_least(n): at least n pages in slabs.
function Sim:slab_pages_at_least(n)
  local p = slab_pages(self.sim)
  if p < n then fail(("expected at least %d slab pages, got %d"):format(n, p)) end
  return self
end

local function find_cache(sim, name)
  local c = sim:cache(name)
  if not c then fail(("no cache called %q"):format(name), 2) end
  return c
end

--- :cache_geometry(name, want): cache:info() has every field of want, e.g.
-- { size = 64, objects_per_slab = 64, order = 0 }.
function Sim:cache_geometry(name, want)
  local info = find_cache(self.sim, name):info()
  local keys = {}
  for k in next, want do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if info[k] ~= want[k] then
      fail(("cache %s: %s expected %s, got %s"):format(name, k, show(want[k]), show(info[k])))
    end
  end
  return self
end

--- :cache_live(name, n): exactly n objects of the cache are allocated.
function Sim:cache_live(name, n)
  local live = find_cache(self.sim, name):stats().live
  if live ~= n then fail(("cache %s: expected %d live objects, got %d"):format(name, n, live)) end
  return self
end

--- :live_objects(n): exactly n slab objects (large kmallocs included) are allocated.
function Sim:live_objects(n)
  local s = self.sim:slab_summary()
  local live = s.live + s.large_objects
  if live ~= n then fail(("expected %d live objects, got %d"):format(n, live)) end
  return self
end

--- :waste_at_most(f): slots hold at most a fraction f more than was requested.
function Sim:waste_at_most(f)
  local s = self.sim:slab_summary()
  local waste = s.slot_bytes > 0 and (s.slot_bytes - s.req_bytes) / s.slot_bytes or 0
  if waste > f then
    fail(("expected at most %.1f%% of slot bytes wasted, got %.1f%% (%d requested in %d)")
      :format(f * 100, waste * 100, s.req_bytes, s.slot_bytes))
  end
  return self
end

--- :dmesg_has(text): the kernel log contains text (plain, not a pattern).
function Sim:dmesg_has(text)
  if not self.sim:dmesg():find(text, 1, true) then
    fail(("expected the kernel log to contain %q"):format(text))
  end
  return self
end

-- Expectations about a workload's results: expect(w) or expect(w:run())
local Work = { __metatable = "kmemsim.expect.workload" }
Work.__index = Work

local function results(self)
  if self.w then return self.w:stats() end
  return self.r
end

--- :no_failures(): no allocation of the workload failed.
function Work:no_failures()
  local r = results(self)
  if r.failures ~= 0 then
    local first = r.reasons[1]
    fail(("expected no failed allocations, got %d%s"):format(r.failures,
      first and (" (" .. first.reason .. ")") or ""))
  end
  return self
end

--- :failures_at_least(n): at least n allocations of the workload failed.
function Work:failures_at_least(n)
  local r = results(self)
  if r.failures < n then fail(("expected at least %d failed allocations, got %d"):format(n, r.failures)) end
  return self
end

--- :failures_at_most(n): at most n allocations of the workload failed.
function Work:failures_at_most(n)
  local r = results(self)
  if r.failures > n then fail(("expected at most %d failed allocations, got %d"):format(n, r.failures)) end
  return self
end

--- :ops(n): the workload did exactly n operations.
function Work:ops(n)
  local r = results(self)
  if r.ops ~= n then fail(("expected %d operations, got %d"):format(n, r.ops)) end
  return self
end

--- :live(n): exactly n of the workload's objects are live.
function Work:live(n)
  local r = results(self)
  if r.live ~= n then fail(("expected %d live objects, got %d"):format(n, r.live)) end
  return self
end

--- :slab_pages_peak_at_most(n): the slab footprint never passed n pages while it ran.
function Work:slab_pages_peak_at_most(n)
  local r = results(self)
  if r.slab_pages_peak > n then
    fail(("expected a slab peak of at most %d pages, got %d"):format(n, r.slab_pages_peak))
  end
  return self
end

setmetatable(M, {
  __metatable = "kmemsim.expect",
  -- expect(sim), expect(workload) or expect(results of w:run())
  __call = function(_, x)
    if type(x) == "userdata" and tostring(x):find("^workload#") then
      return setmetatable({ w = x }, Work)
    end
    if type(x) == "table" and x.digest ~= nil and x.ops ~= nil then
      return setmetatable({ r = x }, Work)
    end
    return setmetatable({ sim = x }, Sim)
  end,
})

return M
