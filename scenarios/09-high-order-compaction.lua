-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/09-high-order-compaction.lua: free memory that cannot be used
--
-- What it teaches: the buddy allocator can only hand out a block of 2^order
-- pages if a free block that large exists.  Two processes fault in
-- anonymous pages turn about until memory is nearly full; one exits, and
-- half of memory is free -- every other page -- yet no free block of
-- order 1 or more exists: external fragmentation.  The unusable free space
-- index (debugfs extfrag/unusable_index) says how much of the free memory
-- is useless at each order.  An order-4 request that cannot sleep
-- (GFP_NOWAIT) fails although thousands of pages are free ("fragmented"
-- in the reason).  One that may sleep (GFP_KERNEL) compacts first: the
-- survivor's pages are movable (user memory is allocated __GFP_MOVABLE),
-- so compaction migrates them together and rebuilds large blocks.  Kernel
-- pages could not be moved; the allocator keeps them in pageblocks of
-- their own (migratetypes) so that they fragment movable memory less.
--
-- Look at: the buddyinfo lines (thousands of order-0 blocks, nothing above),
-- the "unusable at order 4" index, the GFP_NOWAIT failure's reason
-- (fragmented) and the GFP_KERNEL request that compacts and succeeds.
local km = require "kmemsim"

-- min_free_kbytes = 128: low watermarks, so that the tasks can fill memory
local sim = km.new{ ram = "64M", cpus = 1, pcp = false, min_free_kbytes = 128 }
print(("policy %s"):format(sim:config().policy))

local function free_pages()
  local n = 0
  for _, z in ipairs(sim:zones()) do n = n + z.free end
  return n
end
local function index_at(order)
  local parts = {}
  for _, z in ipairs(sim:frag()) do
    parts[#parts + 1] = ("%s %.1f%%"):format(z.name, z.unusable[order + 1] / 10)
  end
  return table.concat(parts, ", ")
end

local a, b = sim:task{ name = "a" }, sim:task{ name = "b" }
while free_pages() > 600 do
  a:fault(1)
  b:fault(1)
end
print(("tasks a and b hold %d anonymous pages, interleaved; %d pages free"):format(
  sim:meminfo().anon, free_pages()))
a:exit()
print(("a exited: %d pages free, every other page"):format(free_pages()))
print("unusable at order 4: " .. index_at(4))
print(sim:buddyinfo())

-- the few large blocks left serve some order-4 requests; then none fit
local got, p, why = 0, nil, nil
repeat
  p, why = sim:alloc_pages(4, "GFP_NOWAIT|__GFP_NOWARN")
  if p then got = got + 1 end
until not p
print(("alloc_pages(4, GFP_NOWAIT): %d succeeded from the blocks left over, then:"):format(got))
print("  failed: " .. why)
p, why = sim:alloc_pages(4, "GFP_KERNEL|__GFP_NOWARN")
local la = sim:last_alloc()
print(("alloc_pages(4, GFP_KERNEL) -> %s"):format(p and ("pfn " .. p) or ("failed: " .. why)))
print(("  after %d compaction run(s), %d reclaim run(s); it slept %d ns"):format(la.compact_runs,
  la.reclaim_runs, la.stall_ns))
local v = sim:vmstat()
print(("  compact_stall %d, compact_success %d, pages migrated %d"):format(v.compact_stall,
  v.compact_success, v.pgmigrate_success))
sim:compact_memory()
print("after echo 1 > /proc/sys/vm/compact_memory: unusable at order 4: " .. index_at(4))
