-- SPDX-License-Identifier: GPL-2.0-or-later
-- The sandbox: what a scenario can and cannot reach.
local expect = require "kmemsim.expect"

expect.eq(os, nil, "os is nil")
expect.eq(io, nil, "io is nil")
expect.eq(debug, nil, "debug is nil")
expect.eq(dofile, nil, "dofile is nil")
expect.eq(loadfile, nil, "loadfile is nil")
expect.eq(package.loadlib, nil, "package.loadlib is nil")

-- load is text-only
local f = load("return 1 + 1")
expect.eq(f(), 2, "text load works")
expect.errors(function() load(string.dump(function() end), "x", "b") end, "binary", "no bytecode")
local bc = string.dump(function() return 1 end)
local g, err = load(bc)
expect.eq(g, nil, "bytecode refused")
expect.match(err, "binary", "bytecode message")

-- require: embedded modules yes, arbitrary files no
expect.eq(type(require "kmemsim.util"), "table", "embedded module")
expect.errors(function() require "socket" end, "not found", "no C modules")

-- no host addresses, by any path
expect.errors(function() return ("%p"):format({}) end, "not available", "%p refused")
expect.errors(function() return ("\0%p"):format({}) end, "not available", "%p after a \\0 refused")
expect.errors(function() return ("%d %5p"):format(1, {}) end, "not available", "%5p refused")
expect.match(tostring({}), "^table#%d+$", "stable table identity")
expect.match(tostring(print), "^function#%d+$", "stable function identity")
expect.match(tostring(coroutine.create(print)), "^thread#%d+$", "stable thread identity")
local km = require "kmemsim"
local sim = km.new{ ram = "16M" }
expect.match(tostring(sim), "^sim<slub>#%d+$", "simulator identity")
expect.match(tostring(sim:task{}), "^task", "task identity")
local tbl = {}
expect.eq(("%s"):format(tbl), tostring(tbl), "%s of a table")
expect.eq(("[%10s]"):format(tbl), ("[%10s]"):format(tostring(tbl)), "%10s of a table")
expect.eq(("%s|%s"):format(print, sim), tostring(print) .. "|" .. tostring(sim), "%s of a function, a userdata")
expect.eq(("%s %d %s"):format(1, 2, "x"), "1 2 x", "format otherwise unchanged")
expect.eq(("%5.1f%%"):format(12.345), " 12.3%", "%% and precision")
for _, v in ipairs { tostring({}), tostring(print), ("%s"):format({}), tostring(sim),
  tostring(setmetatable({}, { __name = "thing" })) } do
  expect.eq(v:find("0x"), nil, "no address in " .. v)
end
expect.match(tostring(setmetatable({}, { __name = "thing" })), "^thing#%d+$", "__name kept")
expect.eq(tostring(setmetatable({}, { __tostring = function() return "mine" end })), "mine", "__tostring honoured")
-- a wrapped standard function still names the line and itself
local ok, err = pcall(function() return string.format("%d", "x") end)
expect.match(err, "^[^:]*api_sandbox.lua:%d+: bad argument #2 to 'format'", "format error location")
ok, err = pcall(function() return load(nil) end)
expect.match(err, "^[^:]*api_sandbox.lua:%d+: bad argument #1 to 'load'", "load error location")
expect.errors(function() collectgarbage("count") end, "not available", "gc count refused")
collectgarbage()

-- math.random is seeded by --seed: the first draw with --seed=1 is fixed
math.randomseed(1)
local a = math.random(1, 1000000)
math.randomseed(1)
expect.eq(math.random(1, 1000000), a, "reseeding repeats")
expect.errors(function() math.random(5, 1) end, "interval is empty", "empty interval")

-- pairs and next visit keys in one defined order
local t = {}
for _, k in ipairs { "delta", "alpha", "charlie", "bravo" } do t[k] = true end
t[10], t[2] = true, true
t[false], t[true] = 1, 2
local f1, f2 = {}, function() end
t[f1], t[f2] = 3, 4
local want = { "2", "10", "alpha", "bravo", "charlie", "delta", "false", "true",
  tostring(f1), tostring(f2) }
local order = {}
for k in pairs(t) do order[#order + 1] = tostring(k) end
expect.same(order, want, "pairs order")
order = {}
for k in next, t do order[#order + 1] = tostring(k) end
expect.same(order, want, "next order")
order = {}
local k = next(t)
while k ~= nil do order[#order + 1] = tostring(k); k = next(t, k) end
expect.same(order, want, "next(t, k) by hand")
expect.eq(next({}), nil, "next of an empty table")
expect.eq(select("#", next({})), 1, "next of an empty table: one nil")
expect.errors(function() next(nil) end, "table expected", "next(nil)")
-- clearing fields while traversing is allowed, as with Lua's next
local big = {}
for i = 1, 200 do big["k" .. i] = i end
local seen = 0
for key in pairs(big) do big[key] = nil; seen = seen + 1 end
expect.eq(seen, 200, "clearing while traversing visits every key")
expect.eq(next(big), nil, "all cleared")
-- the same order whatever the insertion order (string hashes are seeded)
local a, b = {}, {}
for i = 1, 50 do a["s" .. i] = i end
for i = 50, 1, -1 do b["s" .. i] = i end
local oa, ob = {}, {}
for key in next, a do oa[#oa + 1] = key end
for key in next, b do ob[#ob + 1] = key end
expect.same(oa, ob, "order independent of insertion")

-- every metatable of kmemsim's is protected: getmetatable() gives a name,
-- setmetatable() is refused, so no script can reach or replace a method
-- (a cache:name that closes the simulator, say) nor forge an object
do
  local km = require "kmemsim"
  local wl = require "kmemsim.workload"
  local ex = require "kmemsim.expect"
  local ps = km.new{ ram = "32M" }
  local pc = ps:cache_create("prot", 64)
  local objs = {
    { ps, "kmemsim.sim" }, { pc, "kmemsim.cache" }, { ps:task{}, "kmemsim.task" },
    { ps:mempool_create(1, { kmalloc = 64 }), "kmemsim.mempool" },
    { ps:shrinker{ cache = pc }, "kmemsim.shrinker" },
    { wl.new(ps, { streams = { { kmalloc = 64 } } }), "kmemsim.workload" },
    { wl.uniform(8, 16), "kmemsim.workload.size" },
    { wl.exponential("1us"), "kmemsim.workload.lifetime" },
    { wl.steady{ ops = 1 }, "kmemsim.workload.phase" },
    { wl, "kmemsim.workload" }, { ex, "kmemsim.expect" }, { ex(ps), "kmemsim.expect.sim" },
  }
  for _, o in ipairs(objs) do
    expect.eq(getmetatable(o[1]), o[2], "getmetatable gives the name " .. o[2])
    if type(o[1]) == "table" then
      expect.errors(function() setmetatable(o[1], {}) end, "protected metatable",
        "setmetatable refused on " .. o[2])
    end
  end
  -- a table dressed up as a size generator is not one
  local fake = setmetatable({ kind = "fixed", lo = 8 }, { __metatable = "kmemsim.workload.size" })
  expect.errors(function() wl.new(ps, { streams = { { kmalloc = fake } } }) end, "size",
    "a forged generator is refused")
  ps:close()
end
print("api_sandbox: ok")
