-- kmemsim-args: --set label=golden
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: the seeded PRNGs, the virtual clock and contexts, printed.
-- Same seed => byte-identical transcript; the expected file pins it.
local km = require "kmemsim"

print("kmemsim " .. km.version, "seed " .. km.seed, "label " .. km.params.label)

-- math.random draws from the --seed stream
local r = {}
for i = 1, 5 do r[i] = math.random(1, 1000) end
print("math.random:", table.concat(r, " "))

-- each simulator has its own PRNG, seeded by new{seed=}
local a = km.new{ seed = 42 }
local b = km.new{ seed = 42 }
local c = km.new{ seed = 43 }
local xa, xb, xc = {}, {}, {}
for i = 1, 4 do
  xa[i] = a:random(0, 1 << 30)
  xb[i] = b:random(0, 1 << 30)
  xc[i] = c:random(0, 1 << 30)
end
print("sim a:", table.concat(xa, " "))
print("sim b:", table.concat(xb, " "))
print("sim c:", table.concat(xc, " "))
print("zipf:", a:rand("zipf", 1000, 1.1), a:rand("zipf", 1000, 1.1))
print(("normal: %.6f exponential: %.6f pareto: %.6f"):format(
  a:rand("normal", 100, 15), a:rand("exponential", 50), a:rand("pareto", 1, 2)))

-- the virtual clock and contexts
print("now", a:now(), "advance 2ms ->", a:advance("2ms"), "advance 1.5s ->", a:advance("1.5s"))
a:atomic(function() print("inside atomic:", a:context()) end)
a:irq(function() a:atomic(function() print("nested:", a:context()) end) end)
print("after:", a:context())
a:on_cpu(1, function() print("on cpu", a:cpu()) end)
print("back on cpu", a:cpu())

-- deterministic pairs and tostring
local t = { zeta = 1, alpha = 2, [3] = "three", [1] = "one", mid = 3 }
local keys = {}
for k in pairs(t) do keys[#keys + 1] = tostring(k) end
print("pairs order:", table.concat(keys, " "))
print("identities:", tostring({}), tostring(print) ~= nil, tostring(a))
