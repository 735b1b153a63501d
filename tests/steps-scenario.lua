-- SPDX-License-Identifier: GPL-2.0-or-later
-- tests/steps-scenario.lua: six operations for the step-through page's tests
--
-- A 1024-page zone (one order-10 block) without per-CPU page lists, so
-- every page request goes to the buddy lists and tests/steps-check.lua can
-- predict each step from the buddy allocator's rules; then a 512-byte
-- SLUB cache, one object allocated and freed.
local km = require "kmemsim"
local sim = km.new{ zones = { Normal = 1024 }, cpus = 1, pcp = false, policy = "slub",
  min_free_kbytes = 128 }
local a = sim:alloc_pages(2, "GFP_HIGHUSER_MOVABLE")
sim:alloc_pages(0, "GFP_HIGHUSER_MOVABLE")
sim:free_pages(a, 2)
local c = sim:cache_create("steps_test", 512)
local obj = c:alloc("GFP_KERNEL")
c:free(obj)
