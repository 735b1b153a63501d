-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of the simulator core: options, errors, time, contexts.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

-- module surface
expect.match(km.version, "^%d+%.%d+%.%d+$", "version")
expect.same(km.policies(), { "slab", "slub", "slob" }, "policies")
expect.eq(km.seed, 1, "seed from --seed=1")
expect.eq(type(km.params), "table", "params")
expect.eq(km.GFP.KERNEL, 0xcc0, "GFP.KERNEL = RECLAIM|IO|FS")
expect.eq(km.GFP.ZERO, 0x100, "GFP.ZERO is bit 8")
expect.eq(km.GFP.ATOMIC, 0x820, "GFP.ATOMIC = HIGH|KSWAPD_RECLAIM")

-- options are checked
expect.errors(function() km.new{ rma = "4G" } end, "unknown option 'rma'", "typo in option")
expect.errors(function() km.new{ cpus = 0 } end, "cpus", "zero cpus")
expect.errors(function() km.new{ cpus = 65 } end, "out of range", "too many cpus")
expect.errors(function() km.new{ policy = "slab2" } end, "unknown slab policy 'slab2'", "bad policy")
expect.errors(function() km.new{ ram = "4Q" } end, "bad size '4Q'", "bad size suffix")
expect.errors(function() km.new{ ram = -5 } end, "api_core.lua:%d+: option 'ram': size must not be negative, got %-5$", "negative size")
expect.errors(function() km.new{ pcp = 1 } end, "boolean expected", "pcp type")

local sim = km.new{ cpus = 4, policy = "slob", seed = 7 }
expect.match(tostring(sim), "^sim<slob>#%d+$", "stable __tostring")
expect.eq(sim:config().cpus, 4, "cpus")
expect.eq(sim:config().seed, 7, "seed option")

-- virtual time
expect.eq(sim:now(), 0, "clock starts at 0")
expect.eq(sim:advance(1500), 1500, "advance by ns")
expect.eq(sim:advance("2us"), 3500, "advance by string")
expect.eq(sim:advance("1ms"), 1003500, "advance ms")
expect.errors(function() sim:advance("10 parsecs") end, "bad duration", "bad duration")
expect.errors(function() sim:advance(-1) end, "negative", "negative time")

-- contexts nest and unwind, also on error
expect.eq(sim:context(), "process", "initial context")
sim:atomic(function()
  expect.eq(sim:context(), "atomic", "in atomic")
  sim:softirq(function() expect.eq(sim:context(), "softirq", "nested softirq") end)
  expect.eq(sim:context(), "atomic", "back to atomic")
end)
expect.errors(function() sim:irq(function() error("boom") end) end, "boom", "error inside irq")
expect.eq(sim:context(), "process", "context unwound after error")
local r1, r2 = sim:atomic(function() return 1, 2 end)
expect.eq(r1 + r2, 3, "results pass through")

-- cpus
sim:on_cpu(3, function() expect.eq(sim:cpu(), 3, "on cpu 3") end)
expect.eq(sim:cpu(), 0, "cpu restored")
expect.errors(function() sim:on_cpu(4, function() end) end, "out of range", "cpu range")

-- randomness is reproducible per seed
local s1, s2 = km.new{ seed = 99 }, km.new{ seed = 99 }
for _ = 1, 100 do expect.eq(s1:random(1, 6), s2:random(1, 6), "same seed same stream") end
local s3 = km.new{ seed = 100 }
local differ = false
for _ = 1, 20 do if s1:random(0, 1 << 40) ~= s3:random(0, 1 << 40) then differ = true end end
expect.truthy(differ, "different seeds differ")
for _ = 1, 1000 do expect.range(s1:rand("zipf", 50, 1.2), 1, 50, "zipf range") end
for _ = 1, 1000 do expect.range(s1:random(3, 5), 3, 5, "random range") end

-- a fresh simulator has no bugs and an empty kernel log
expect(sim):no_bugs()
expect.eq(sim:dmesg(), "", "empty log")

-- closed simulators are a clear error
sim:close()
expect.errors(function() sim:now() end, "simulator is closed", "use after close")
expect.match(tostring(sim), "closed", "tostring after close")
print("api_core: ok")
