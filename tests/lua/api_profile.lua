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
