-- kmemsim.expect: expectations for tests, exercises and self-checking scenarios
--
--   local expect = require "kmemsim.expect"
--   expect(sim):free_pages_at_least(1000)
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
local Sim = {}
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

setmetatable(M, {
  __call = function(_, sim)
    return setmetatable({ sim = sim }, Sim)
  end,
})

return M
