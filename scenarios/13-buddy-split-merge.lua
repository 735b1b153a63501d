-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/13-buddy-split-merge.lua: the buddy allocator splits and merges
--
-- What it teaches: the page allocator keeps free memory in blocks of 2^order
-- pages, one free list per order.  A request takes the first block of the
-- smallest order that has one; a bigger block is split in halves until it
-- fits, the lower half kept and each upper half put on the free list one
-- order down (expand()).  A freed block looks at its buddy -- the block of
-- the same size whose pfn differs in bit `order` (pfn XOR 2^order) -- and,
-- while the buddy is free and of the same order, the two merge into one
-- block of the next order (__free_one_page()).  Here one zone of 1024
-- pages (a single order-10 block) without per-CPU page lists, so every
-- request and every free goes straight to the buddy lists: four allocations
-- split the block, four frees merge it back.
--
-- Look at: the buddyinfo line after each operation (free blocks per order,
-- 0 to 10, from the left) and the pfns: A and B end up buddies (pfn XOR 4),
-- so freeing both merges them; the last free restores the single order-10
-- block.  Best seen one step at a time:
--   kmemsim run 13-buddy-split-merge --steps -o buddy.html
-- or narrated: kmemsim run 13-buddy-split-merge --explain
local km = require "kmemsim"

local sim = km.new{ zones = { Normal = 1024 }, cpus = 1, pcp = false, min_free_kbytes = 128 }
local base
for _, z in ipairs(sim:zones()) do
  if z.populated and z.name == "Normal" then base = z.start_pfn end
end
local function buddyinfo(what)
  local line = sim:buddyinfo():match("zone%s+Normal%s+([%d%s]+)")
  print(("%-34s %s"):format(what, (line:gsub("%s+$", ""):gsub("%s+", " "))))
end
local function off(pfn) return ("pfn base+%d"):format(pfn - base) end

buddyinfo("start: order 0 .. 10")
local a = sim:alloc_pages(2, "GFP_KERNEL")
buddyinfo("A = alloc_pages(order 2): " .. off(a))
local b = sim:alloc_pages(2, "GFP_KERNEL")
buddyinfo("B = alloc_pages(order 2): " .. off(b))
local c = sim:alloc_pages(0, "GFP_KERNEL")
buddyinfo("C = alloc_pages(order 0): " .. off(c))
local d = sim:alloc_pages(3, "GFP_KERNEL")
buddyinfo("D = alloc_pages(order 3): " .. off(d))
sim:free_pages(a, 2)
buddyinfo("free_pages(A, order 2)")
sim:free_pages(b, 2)
buddyinfo("free_pages(B, order 2): merged")
sim:free_pages(c, 0)
buddyinfo("free_pages(C, order 0)")
sim:free_pages(d, 3)
buddyinfo("free_pages(D, order 3): one block")
