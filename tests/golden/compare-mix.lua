-- kmemsim-args: --set ops=6000
-- kmemsim-cmd: compare
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: `kmemsim compare` on a small mixed workload: a dentry-like and an
-- inode-like cache plus a kmalloc mix, churned, then half freed.  The
-- side-by-side table is pinned; the scenario's own output is captured per
-- policy and must not appear in it, only in its own section after it.
local km = require "kmemsim"
local ops = tonumber(km.params.ops or "6000")

print("captured, never in the table: " .. km.policy)
local sim = km.new{ ram = "64M", cpus = 2 }
local dentry = sim:cache_create("dentry", 192,
  { flags = "SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT" })
local inode = sim:cache_create("inode_cache", 600, { flags = "SLAB_RECLAIM_ACCOUNT" })
local sizes = { 16, 24, 40, 64, 72, 100, 128, 200, 256, 300, 512, 700, 1024, 1500, 3000 }

local live = {}
for i = 1, ops do
  local r = math.random(1, 10)
  if #live > 0 and r <= 4 then
    local j = math.random(1, #live)
    local e = live[j]
    live[j] = live[#live]
    live[#live] = nil
    if e.c then e.c:free(e.p) else sim:kfree(e.p) end
  elseif r <= 6 then
    live[#live + 1] = { c = dentry, p = assert(dentry:alloc("GFP_KERNEL")) }
  elseif r == 7 then
    live[#live + 1] = { c = inode, p = assert(inode:alloc("GFP_KERNEL")) }
  else
    live[#live + 1] = { p = assert(sim:kmalloc(sizes[math.random(1, #sizes)])) }
  end
  if i % 500 == 0 then sim:advance("1ms") end
end
-- free every other object: partially empty slabs stay behind
for i = #live, 1, -2 do
  local e = live[i]
  if e.c then e.c:free(e.p) else sim:kfree(e.p) end
end
