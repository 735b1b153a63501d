-- SPDX-License-Identifier: GPL-2.0-or-later
-- allocbench.lua: the Lua ports of the real-kernel workloads W4, W5 and W6
-- (lua/kmemsim/allocbench.lua) reproduce the checksums of the real runs.
--
-- The expected figures are the ones the real Linux 6.1 harness
-- (mm/allocbench.c) printed on every boot, listed in the recipe's README
-- (/work/shared/data/linux-6.1-uml/README.md section 1, copied into
-- tests/data/linux-6.1/README.md): operation counts, the final xorshift64
-- state, and what was live at the end.  They depend only on the operation
-- stream, so a port that draws one number too many or too few, takes a
-- signed modulo, or frees with the wrong size fails here whatever the
-- simulator does.  No allocation may fail (the real runs had fails=0).
local km = require "kmemsim"
local expect = require "kmemsim.expect"
local ab = require "kmemsim.allocbench"

-- the generator itself: three steps from the seed, computed by hand from
-- x ^= x << 13; x ^= x >> 7; x ^= x << 17 (mod 2^64)
local x = ab.SEED
for _ = 1, 3 do x = ab.r64(x) end
local ref = 0x9E3779B97F4A7C15
for _ = 1, 3 do
  ref = ref ~ (ref << 13)
  ref = ref ~ (ref >> 7)
  ref = ref ~ (ref << 17)
end
expect.eq(x, ref, "r64")
-- unsigned modulo of patterns with the top bit set (2^64 - 1, 2^63),
-- values computed with arbitrary-precision arithmetic
expect.eq(ab.umod(-1, 6), 3, "(2^64 - 1) % 6")
expect.eq(ab.umod(-1, 8249), 7374, "(2^64 - 1) % 8249")
expect.eq(ab.umod(math.mininteger, 30000), 25808, "2^63 % 30000")
expect.eq(ab.umod(5, 6), 5, "small values")

-- W4: 1,007,520 allocs, 992,480 frees; live per cache
local sim = km.new(ab.profile())
local w4 = ab.w4(sim)
local r = w4:run()
expect.eq(r.allocs, 1007520, "W4 allocs")
expect.eq(r.frees, 992480, "W4 frees")
expect.eq(r.fails, 0, "W4 fails")
expect.eq(r.final_state, "a9f8a2cc4072815a", "W4 final_state")
local live = w4:live()
expect.eq(live.objects, 15040, "W4 live objects")
expect.eq(live.bytes, 13131232, "W4 live bytes")
for name, n in pairs{ c24 = 2427, c96h = 2499, c200 = 2544, c680 = 2471, c1200 = 2585, c3000 = 2514 } do
  expect.eq(live.by[name], n, "W4 live in " .. name)
end

-- w4:slabinfo(): exactly the six caches' /proc/slabinfo lines; each holds
-- at least the workload's live objects (the checksums above)
local seen = {}
for line in assert(w4:slabinfo()):gmatch("[^\n]+") do
  local name, active = line:match("^(%S+) +(%d+) ")
  expect.truthy(live.by[name], "w4:slabinfo() line of a W4 cache: " .. line)
  expect.truthy(tonumber(active) >= live.by[name], "active_objs >= live in " .. name)
  seen[#seen + 1] = name
end
expect.eq(#seen, 6, "w4:slabinfo() lines")

-- W5: 504,094 allocs, 495,906 frees, 8,188 objects of 1,513,952 bytes
sim = km.new(ab.profile())
local w5 = ab.w5(sim)
r = w5:run()
expect.eq(r.allocs, 504094, "W5 allocs")
expect.eq(r.frees, 495906, "W5 frees")
expect.eq(r.fails, 0, "W5 fails")
expect.eq(r.final_state, "686183027149bdd8", "W5 final_state")
live = w5:live()
expect.eq(live.objects, 8188, "W5 live objects")
expect.eq(live.bytes, 1513952, "W5 live bytes")
-- the size table: 64 sizes, total weight 8249
local tw = 0
for _, e in ipairs(ab.W5_SIZES) do tw = tw + e[2] end
expect.eq(#ab.W5_SIZES, 64, "W5 sizes")
expect.eq(tw, ab.W5_TOTAL, "W5 total weight")

-- W6: 251,022 allocs, 248,978 frees, 2,044 blocks = 7,785 pages
sim = km.new(ab.profile())
local w6 = ab.w6(sim)
r = w6:run()
expect.eq(r.allocs, 251022, "W6 allocs")
expect.eq(r.frees, 248978, "W6 frees")
expect.eq(r.fails, 0, "W6 fails")
expect.eq(r.final_state, "0c984363eb00b607", "W6 final_state")
live = w6:live()
expect.eq(live.objects, 2044, "W6 live blocks")
expect.eq(live.bytes, 7785, "W6 live pages")
for o, n in pairs{ [0] = 495, [1] = 507, [2] = 515, [3] = 527 } do
  expect.eq(live.by[o], n, "W6 live blocks of order " .. o)
end
expect.eq(w6:slabinfo(), nil, "W6 has no caches")
w6:free_all()
expect.eq(w6:live().objects, 0, "W6 free_all")
