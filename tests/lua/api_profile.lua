-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of the kernel profiles (issue 12): the options kernel, smp
-- and pageblock_order, and the rules each changes (docs/model.md "Profiles").
local km = require "kmemsim"
local expect = require "kmemsim.expect"

-- the options and their defaults
local d = km.new{}:config()
expect.eq(d.kernel, "6.18", "default kernel")
expect.eq(d.smp, true, "default smp")
expect.eq(d.pageblock_order, 9, "x86_64 pageblock_order")

local up = km.new{ kernel = "6.1", smp = false, cpus = 1, pageblock_order = 10 }:config()
expect.eq(up.kernel, "6.1", "kernel 6.1")
expect.eq(up.smp, false, "smp off")
expect.eq(up.pageblock_order, 10, "pageblock_order 10")

expect.errors(function() km.new{ kernel = "5.4" } end,
  "unknown kernel version '5.4'", "unknown version")
expect.errors(function() km.new{ kernel = 6.1 } end, "string expected", "version as a number")
expect.errors(function() km.new{ smp = false } end, "add cpus = 1", "UP needs one CPU")
expect.errors(function() km.new{ pageblock_order = 11 } end, "out of range", "pageblock_order > MAX_ORDER")
expect.errors(function() km.new{ pageblock_order = 0 } end, "out of range", "pageblock_order 0")

-- pageblock_order at run time: /proc/pagetypeinfo, and an unmovable
-- allocation claims a whole pageblock of 2^pageblock_order pages
-- (try_to_claim_block / steal_suitable_fallback: the boot blocks are MOVABLE)
for _, o in ipairs{ 9, 10 } do
  local s = km.new{ cpus = 1, pageblock_order = o, zones = { Normal = 62973 }, pcp = false }
  local t = s:pagetypeinfo()
  expect.match(t, "Page block order: " .. o .. "\n", "pagetypeinfo order " .. o)
  expect.match(t, "Pages per block: +" .. (1 << o) .. "\n", "pages per block " .. o)
  -- whole blocks only: 62973 // 2^o of them, the rest a partial block
  local blocks = (62973 + (1 << o) - 1) >> o
  expect.match(t, "Node 0, zone   Normal +0 +" .. blocks .. " +0 +0", "blocks " .. o)
  -- the fallback takes the largest free block (order 10) and claims every
  -- pageblock in it: 2 of order 9, 1 of order 10
  assert(s:alloc_pages(0, "GFP_KERNEL"))
  local claimed = 1 << (10 - o)
  t = s:pagetypeinfo()
  expect.match(t, "Node 0, zone   Normal +" .. claimed .. " +" .. (blocks - claimed) .. " +0 +0",
    "claimed blocks " .. o)
end

-- ---- per-CPU page lists (6.1 mm/page_alloc.c vs 6.18) ----
-- Normal = 62973 pages, one CPU: low watermark 626, batch = rounddown_pow2(
-- 15 + 7) - 1 = 15 (zone_batchsize), 6.1 high = low / 1 CPU = 626, fixed;
-- 6.18 high floats in [626, managed / 8 = 7871]
local function pcp_of(s)
  local z = s:zoneinfo():match("zone   Normal.-pagesets(.-)node_unreclaimable")
  local t = {}
  for k, v in z:gmatch("(%a[%a_]*): +(%d+)") do t[k] = tonumber(v) end
  return t
end
local old = km.new{ kernel = "6.1", smp = false, cpus = 1, zones = { Normal = 62973 } }
local p = pcp_of(old)
expect.eq(p.high, 626, "6.1 pcp high = low watermark")
expect.eq(p.batch, 15, "6.1 pcp batch")
expect.eq(p.high_min, nil, "6.1 zoneinfo has no high_min")
expect.match(old:zoneinfo(), "count: 0\n              high:  626\n              batch: 15\n  node_unreclaimable",
  "6.1 zoneinfo pageset lines, no vm stats threshold without SMP")
local new = km.new{ cpus = 1, zones = { Normal = 62973 } }
p = pcp_of(new)
expect.eq(p.high_min, 626, "6.18 high_min")
expect.eq(p.high_max, 7871, "6.18 high_max = managed / 8")
expect.match(new:zoneinfo(), "vm stats threshold", "SMP zoneinfo")

-- 6.1: a free that brings count to high drains batch << free_factor pages
-- (free_factor 0, 1, 2, ... per drain without an allocation in between),
-- and a mid-order free right after a drain (free_factor != 0) drains
-- everything (free_high)
local pfns = {}
for i = 1, 700 do pfns[i] = assert(old:alloc_pages(0)) end
local base = old:zones()[3].pcp		-- left over from the last refill
for i = 1, 626 - base do old:free_pages(pfns[i], 0) end
expect.eq(old:zones()[3].pcp, 626 - 15, "first drain: one batch")
for i = 626 - base + 1, 626 - base + 15 do old:free_pages(pfns[i], 0) end
expect.eq(old:zones()[3].pcp, 626 - 30, "second drain: two batches")
local o1 = assert(old:alloc_pages(1))	-- free_factor 2 -> 1, from the pcp list
local before = old:zones()[3].pcp
old:free_pages(o1, 1)
expect.eq(old:zones()[3].pcp, 0, "free_high: the whole list drained (had " .. before .. ")")

-- 6.18 keeps them: high grows instead (free_count drain rules)
local npf = {}
for i = 1, 700 do npf[i] = assert(new:alloc_pages(0)) end
for i = 1, 700 do new:free_pages(npf[i], 0) end
expect.eq(new:zones()[3].pcp > 626, true, "6.18 high floats above 626")

-- ---- SLUB calculate_order (6.1 until 6.7 vs 6.8+) ----
-- 10928-byte objects, 1 CPU (min_objects 8): 6.18 accepts order 3 with 2
-- objects at fraction 2; 6.1 first lowers min_objects to 1 and takes
-- order 2 (get_order(10928)) with one object
for _, c in ipairs{ { "6.1", 1, 4 }, { "6.18", 2, 8 } } do
  local s = km.new{ kernel = c[1], cpus = 1, policy = "slub" }
  local i = s:cache_create("big", 10928):info()
  expect.eq(i.objects_per_slab, c[2], c[1] .. " objects of 10928")
  expect.eq(i.pages_per_slab, c[3], c[1] .. " pages of 10928")
end

-- 4688-byte objects, 2 CPUs: min_objects 4 * (fls(2) + 1) = 12, capped at
-- the 6 an order-3 slab holds; 6 * 4688 = 28128 leaves 4640 of 32768:
-- more than 1/16 and 1/8, within 1/4.  6.1 accepts it at fraction 4 for
-- min_objects 6 (without that fraction it would end at one object, order
-- 1); 6.18 the same in its one pass
for _, k in ipairs{ "6.1", "6.18" } do
  local i = km.new{ kernel = k, cpus = 2, policy = "slub" }:cache_create("mid", 4688):info()
  expect.eq(i.objects_per_slab, 6, k .. " objects of 4688")
  expect.eq(i.pages_per_slab, 8, k .. " pages of 4688")
end

-- ---- smp = false: no SLUB per-CPU partial slabs (SLUB_CPU_PARTIAL needs SMP)
local up = km.new{ kernel = "6.1", smp = false, cpus = 1, policy = "slub" }
expect.eq(up:cache_create("c", 200):info().cpu_partial, 0, "UP cpu_partial")
expect.eq(km.new{ cpus = 1, policy = "slub" }:cache_create("c", 200):info().cpu_partial, 120,
  "SMP cpu_partial of a 200-byte cache (below 256 B)")

-- ---- no sheaves in 6.1 ----
expect.eq(km.new{ kernel = "6.1" }:cache_create("m", 256, { sheaf_capacity = 32 }):info().sheaf_capacity,
  0, "6.1 has no sheaves")
expect.eq(km.new{}:cache_create("m", 256, { sheaf_capacity = 32 }):info().sheaf_capacity,
  32, "6.18 sheaves")

-- ---- buddy fallback (6.1 __rmqueue_fallback/steal_suitable_fallback vs
-- 6.15+ __rmqueue_claim/__rmqueue_steal) ----
-- Four MOVABLE pageblocks of 512 pages; page cache fills 1800 pages, so the
-- last block holds 264 movable pages and 248 free ones in blocks of order
-- 7, 6, 5, 4, 3.  An unmovable page must fall back.  Claiming needs
-- free + alike >= 256: 248 + (512 - 248 - 264) = 248, refused in both.
-- 6.1 still moves all 248 free pages to the UNMOVABLE lists (the pageblock
-- stays MOVABLE) and splits the smallest, order 3; 6.18 steals the order-3
-- block alone and leaves the rest on the MOVABLE lists.
local function freelists(s, mt)
  return s:pagetypeinfo():match("type +" .. mt .. " +([%d ]+)\n")
end
for _, k in ipairs{ "6.1", "6.18" } do
  local s = km.new{ kernel = k, cpus = 1, zones = { Normal = 2048 }, pcp = false }
  assert(s:page_cache{ clean = 1800 })
  expect.eq(freelists(s, "Movable"):gsub(" +", " "), "0 0 0 1 1 1 1 1 0 0 0 ", k .. " before")
  assert(s:alloc_pages(0, "GFP_KERNEL"))
  expect.match(s:pagetypeinfo(), "Normal +0 +4 +0 +0", k .. ": no pageblock claimed")
  local moved = k == "6.1"
  expect.eq(freelists(s, "Unmovable"):gsub(" +", " "),
    moved and "1 1 1 0 1 1 1 1 0 0 0 " or "0 0 0 0 0 0 0 0 0 0 0 ", k .. " unmovable lists")
  expect.eq(freelists(s, "Movable"):gsub(" +", " "),
    moved and "0 0 0 0 0 0 0 0 0 0 0 " or "1 1 1 0 1 1 1 1 0 0 0 ", k .. " movable lists")
end
