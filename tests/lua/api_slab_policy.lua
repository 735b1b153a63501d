-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of the SLAB policy: geometry fields, cache:tune(), /proc/slabinfo
-- text, reaping in virtual time.  Expectations are worked out by hand from
-- kernel-model.md §7 and §10 (see the comments).
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local sim = km.new{ cpus = 2, policy = "slab", slab_nomerge = true }

-- the slabinfo line of one cache
local function line(name)
  for l in sim:slabinfo():gmatch("[^\n]+") do
    if l:sub(1, #name + 1) == name .. " " then return l end
  end
end

-- geometry: 192-byte objects hold 21 per page with 64 bytes left (colour 1),
-- the index array fits in one object (objfreelist); limit 120, batchcount 60,
-- shared 8 on two CPUs; free_limit (1 + 2) * 60 + 21 = 201
local c = sim:cache_create("t192", 192, { align = 8 })
local info = c:info()
expect.eq(info.size, 192, "buffer size")
expect.eq(info.objects_per_slab, 21, "objects per slab")
expect.eq(info.order, 0, "order")
expect.eq(info.colour, 1, "colour")
expect.eq(info.colour_off, 64, "colour_off")
expect.eq(info.objfreelist, 1, "objfreelist")
expect.eq(info.off_slab, 0, "not off-slab")
expect.eq(info.limit, 120, "limit")
expect.eq(info.batchcount, 60, "batchcount")
expect.eq(info.shared, 8, "shared")
expect.eq(info.free_limit, 201, "free_limit")
expect.eq(info.slab_max_order, 1, "slab_max_order above 32 MiB")

-- 16-byte objects: on-slab, 4096 / 17 = 240
local c16 = sim:cache_create("t16", 16, { align = 8 })
expect.eq(c16:info().objects_per_slab, 240, "16 bytes: 240 per slab")
expect.eq(c16:info().objfreelist, 0, "16 bytes: not objfreelist")
expect.eq(c16:info().off_slab, 0, "16 bytes: on-slab")

-- one allocation: an untouched array refills 16 from a new slab, so 15 are
-- cached and 5 stay free in the slab: active_objs 21 - 5 = 16
local a = assert(c:alloc())
expect.eq(line("t192"),
  "t192                  16     21    192   21    1 : tunables  120   60    8 : slabdata      1      1      0",
  "slabinfo after one allocation")
expect.eq(c:stats().cpu_avail, 15, "15 objects in CPU 0's array")
expect.eq(sim:ksize(a), 192, "ksize is the object size")

-- cache:tune() follows the /proc/slabinfo write rules: ignored unless
-- limit >= 1, 1 <= batchcount <= limit and shared >= 0
for _, bad in ipairs{ { 0, 1, 0 }, { 10, 0, 0 }, { 10, 11, 0 }, { 10, 5, -1 } } do
  local ok, why = c:tune(bad[1], bad[2], bad[3])
  expect.eq(ok, nil, ("tune(%d, %d, %d) refused"):format(bad[1], bad[2], bad[3]))
  expect.match(why, "ignored", "refusal reason")
end
expect.eq(c:info().limit, 120, "limit unchanged after refusals")
expect.errors(function() c:tune(10, 5) end, "number expected", "tune needs three numbers")

-- a retune gives the arrays' objects back to the slabs: 20 free, 1 active
expect.eq(c:tune(2, 1, 8), true, "tune(2, 1, 8)")
expect.eq(line("t192"),
  "t192                   1     21    192   21    1 : tunables    2    1    8 : slabdata      1      1      0",
  "slabinfo after the retune")
expect.eq(c:info().free_limit, 3 * 1 + 21, "free_limit follows batchcount")

-- limit 2, batchcount 1: allocate three more and free them on CPU 0; the
-- third free flushes the oldest object into the shared array (8 * 1 = 8)
local o = {}
for i = 1, 3 do o[i] = assert(c:alloc()) end
for i = 1, 3 do expect.eq(c:free(o[i]), true, "free") end
expect.eq(line("t192"),
  "t192                   4     21    192   21    1 : tunables    2    1    8 : slabdata      1      1      1",
  "sharedavail 1; objects in arrays count as active")
-- CPU 1 refills from the shared array first: it gets that oldest object
sim:on_cpu(1, function()
  expect.eq(c:alloc(), o[1], "refill from the shared array")
end)
expect.eq(c:stats().shared_avail, 0, "shared array empty")

-- reaping: CPU 0's array (2 objects) was touched; the reap at 1 s only clears
-- the mark, the one at 3 s frees (limit + 4) / 5 = (2 + 4) / 5 = 1
sim:advance("1s")
expect.eq(c:stats().cpu_avail, 2, "touched array kept at 1 s")
sim:advance("2s")
expect.eq(c:stats().cpu_avail, 1, "untouched array drained at 3 s")
expect(sim):no_bugs()

-- shrink gives back what has no objects; a destroyed cache has no line
sim:on_cpu(1, function() expect.eq(c:free(o[1]), true, "free on CPU 1") end)
expect.eq(c:free(a), true, "free the first object")
expect.eq(c:shrink(), 1, "shrink frees the slab")
expect.eq(c:stats().num_slabs, 0, "no slabs left")
expect.eq(c:destroy(), true, "destroy")
expect.eq(line("t192"), nil, "no slabinfo line after destroy")

-- SLUB has no tunables
local slub = km.new{ policy = "slub" }
local ok, why = slub:cache_create("x", 64):tune(10, 5, 2)
expect.eq(ok, nil, "SLUB: tune refused")
expect.match(why, "no tunables", "SLUB: reason")
expect(sim):no_bugs()
