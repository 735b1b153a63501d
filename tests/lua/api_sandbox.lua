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

-- no host addresses
expect.errors(function() return ("%p"):format({}) end, "not available", "%p refused")
expect.match(tostring({}), "^table#%d+$", "stable table identity")
expect.match(tostring(print), "^function#%d+$", "stable function identity")
expect.errors(function() collectgarbage("count") end, "not available", "gc count refused")
collectgarbage()

-- math.random is seeded by --seed: the first draw with --seed=1 is fixed
math.randomseed(1)
local a = math.random(1, 1000000)
math.randomseed(1)
expect.eq(math.random(1, 1000000), a, "reseeding repeats")
expect.errors(function() math.random(5, 1) end, "interval is empty", "empty interval")

-- pairs order is defined
local t = {}
for _, k in ipairs { "delta", "alpha", "charlie", "bravo" } do t[k] = true end
t[10], t[2] = true, true
local order = {}
for k in pairs(t) do order[#order + 1] = tostring(k) end
expect.same(order, { "2", "10", "alpha", "bravo", "charlie", "delta" }, "pairs order")
print("api_sandbox: ok")
