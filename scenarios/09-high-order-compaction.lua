-- scenarios/09-high-order-compaction.lua: free memory that cannot be used
--
-- What it teaches: the buddy allocator can only hand out a block of 2^order
-- pages if a free block that large exists.  Allocate every page one by
-- one, free every other one, and half of memory is free -- yet not one
-- free block of order 1 or more exists: external fragmentation.  The
-- unusable free space index (debugfs extfrag/unusable_index) says how much
-- of the free memory is useless at each order.  An order-4 request then
-- fails although thousands of pages are free ("fragmented" in the reason).
-- Compaction migrates movable pages together to rebuild large blocks;
-- that is why user pages are allocated __GFP_MOVABLE and why a
-- GFP_KERNEL request may compact before it fails.
local km = require "kmemsim"

-- min_free_kbytes = 128: watermarks of a few pages, so the fill leaves little
local sim = km.new{ ram = "64M", cpus = 1, pcp = false, min_free_kbytes = 128 }
print(("policy %s"):format(sim:config().policy))

local function index_at(order)
  local parts = {}
  for _, z in ipairs(sim:frag()) do
    parts[#parts + 1] = ("%s %.1f%%"):format(z.name, z.unusable[order + 1] / 10)
  end
  return table.concat(parts, ", ")
end
local function free_pages()
  local n = 0
  for _, z in ipairs(sim:zones()) do n = n + z.free end
  return n
end

-- take every page, one at a time, all movable (low watermarks: little is left over)
local pages = {}
while true do
  local p = sim:alloc_pages(0, "GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY")
  if not p then break end
  pages[#pages + 1] = p
end
print(("allocated %d single pages; %d pages left free"):format(#pages, free_pages()))
for i = 1, #pages, 2 do sim:free_pages(pages[i], 0) end
print(("freed every other page: %d pages free"):format(free_pages()))
print("unusable at order 4: " .. index_at(4))
print(sim:buddyinfo())

-- the few large blocks the fill left serve some order-4 requests; then none fit
local got, p, why = {}, nil, nil
repeat
  p, why = sim:alloc_pages(4, "GFP_NOWAIT|__GFP_NOWARN")
  if p then got[#got + 1] = p end
until not p
print(("alloc_pages(4, GFP_NOWAIT): %d succeeded from the blocks left over, then:"):format(#got))
print("  failed: " .. why)
print(("  although %d pages are free"):format(free_pages()))
p, why = sim:alloc_pages(4, "GFP_KERNEL|__GFP_NOWARN")
print(("alloc_pages(4, GFP_KERNEL) may compact first -> %s"):format(p and ("pfn " .. p) or
  ("failed: " .. why)))
local v = sim:vmstat()
for _, k in ipairs{ "compact_stall", "compact_success", "compact_fail", "compact_migrate_scanned" } do
  if v[k] then print(("  %s %d"):format(k, v[k])) end
end
if p then sim:free_pages(p, 4) end
if sim.compact_memory then
  sim:compact_memory()
  print("after echo 1 > /proc/sys/vm/compact_memory: unusable at order 4: " .. index_at(4))
else
  print("(no sim:compact_memory in this build: full compaction skipped)")
end
