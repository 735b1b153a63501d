-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.allocbench: the workloads W4, W5 and W6 that were run on real
-- Linux 6.1 kernels (SLAB, SLUB, SLOB under User-Mode Linux; the harness
-- mm/allocbench.c and the recipe are described in tests/data/linux-6.1/README.md),
-- operation for operation, so a simulator can be held against the real
-- kernel's /proc/slabinfo and per-CPU page lists.
--
--   local ab = require "kmemsim.allocbench"
--   local sim = km.new(ab.profile())          -- the real machine's profile
--   local w = ab.w4(sim)                      -- create the caches
--   local r = w:run()                         -- 2,000,000 operations
--   print(r.final_state, r.allocs, r.frees)   -- the README's checksums
--   print(w:slabinfo())                       -- the six caches' lines
--   w:free_all()                              -- phase 2: every slot freed
--
-- Under SLOB, M.slob_lists(sim, "tests/data/linux-6.1/w4-slob-diag.log")
-- after ab.w4(sim) starts from the real kernel's lists (see below).
--
-- The operation stream: xorshift64 (x ^= x << 13; x ^= x >> 7;
-- x ^= x << 17, arithmetic mod 2^64) from 0x9E3779B97F4A7C15; each
-- operation draws k = r64() % S; an occupied slot is freed, an empty one
-- is filled with what one more r64() draws.  Lua integers are 64-bit two's
-- complement, `<<` and `>>` are logical shifts, so the generator is exact
-- as written; `%` is floored on signed values, so the draws use an
-- unsigned modulo (umod) of the 64-bit pattern.

local km = require "kmemsim"

local M = {}

M.SEED = 0x9E3779B97F4A7C15	-- wraps to a negative Lua integer: same bits

-- managed pages of the real machine's one zone, by slab policy: the
-- kernels' images differ in size, so mem=256M leaves each a different
-- number (totalram_pages in the harness's `start` line, the same on every
-- boot under setarch -R)
M.TOTALRAM = { slab = 62995, slub = 62973, slob = 63000 }

-- the profile of the real machine: Linux 6.1 under UML, uniprocessor,
-- 256M with M.TOTALRAM[policy] managed pages in one Normal zone,
-- pageblock_order 10, booted with slab_nomerge; its configuration has no
-- CONFIG_MEMCG and no CONFIG_SLAB_FREELIST_RANDOM.  The policy is
-- extra.policy, else the run's (--policy).
function M.profile(extra)
  local policy = extra and extra.policy or km.policy
  local p = { kernel = "6.1", smp = false, cpus = 1, pageblock_order = 10,
              zones = { Normal = M.TOTALRAM[policy] or M.TOTALRAM.slub },
              slab_nomerge = true, memcg = false, freelist_random = false }
  for k, v in pairs(extra or {}) do p[k] = v end
  return p
end

-- x mod d for x read as an unsigned 64-bit number, 0 < d < 2^62
local function umod(x, d)
  if x >= 0 then return x % d end
  local r = x - (((x >> 1) // d) << 1) * d	-- in [0, 2d) unsigned
  if not math.ult(r, d) then r = r - d end
  return r
end
M.umod = umod

-- one step of the generator: the new state (and the drawn value)
local function r64(x)
  x = x ~ (x << 13)
  x = x ~ (x >> 7)
  return x ~ (x << 17)
end
M.r64 = r64

function M.hex(x) return ("%016x"):format(x) end

-- ---------------------------------------------------------------- W4

-- six caches, created in this order by kmem_cache_create(name, size, 0, flags, NULL)
M.W4_CACHES = {
  { name = "c24",   size = 24 },
  { name = "c96h",  size = 96,   flags = "SLAB_HWCACHE_ALIGN" },
  { name = "c200",  size = 200 },
  { name = "c680",  size = 680 },
  { name = "c1200", size = 1200, flags = "SLAB_HWCACHE_ALIGN" },
  { name = "c3000", size = 3000 },
}
M.W4_OPS, M.W4_SLOTS = 2000000, 30000

-- ---------------------------------------------------------------- W5

-- (bytes_req, weight): the 64 most frequent kmalloc sizes of the 6.18
-- build trace, by size; a draw walks them with r = r64() % 8249
M.W5_SIZES = {
  {11,551},{13,16},{16,60},{28,274},{32,75},{40,8},{48,120},{50,69},
  {51,529},{52,1077},{53,481},{54,1094},{55,42},{56,326},{57,79},{58,83},
  {59,66},{60,57},{61,63},{62,35},{63,20},{64,610},{65,10},{66,20},
  {67,7},{68,6},{69,12},{70,13},{71,21},{72,354},{73,26},{74,25},
  {75,14},{76,16},{77,7},{78,8},{79,4},{80,8},{81,2},{82,8},
  {83,8},{84,2},{85,10},{86,10},{87,7},{88,18},{89,10},{90,5},
  {91,5},{92,7},{93,6},{94,3},{96,281},{112,11},{168,16},{176,150},
  {288,148},{312,7},{408,274},{504,274},{640,150},{728,184},{784,90},{2048,277},
}
M.W5_TOTAL, M.W5_OPS, M.W5_SLOTS = 8249, 1000000, 16384

-- ---------------------------------------------------------------- W6

M.W6_OPS, M.W6_SLOTS = 500000, 4096

-- ---------------------------------------------------------------- SLOB's boot lists

-- SLOB's three lists are shared by every cache, and when a workload starts
-- they hold the boot's partly free pages, whose holes take the workload's
-- objects before any new page does.  A diagnostic boot of the kernel
-- (tests/data/linux-6.1/slob-dump-lists.patch) prints every listed page's
-- free blocks, in list order, at a point of the harness:
--   allocbench w4 created slob-page list=0 units=568 free: 748+16 864+12 ...
-- (free blocks as offset+units, SLOB units of 2 bytes).  slob_lists(sim,
-- file [, point]) rebuilds those lists on a SLOB simulator from @file's
-- lines at @point ("w4 created" by default), each page at the tail of its
-- list; the used runs become live kmalloc objects that the workload never
-- frees, as the boot's were.  Returns the number of pages; a line that
-- does not parse is an error naming file:line.  Reading a file needs io
-- (kmemsim run --unsafe).
function M.slob_lists(sim, file, point)
  point = point or "w4 created"
  if not io then error("slob_lists reads " .. file .. ": run with --unsafe (the sandbox has no io)", 2) end
  local f, why = io.open(file, "r")
  if not f then error(why, 2) end
  local pages, ln = 0, 0
  local prefix = "allocbench " .. point .. " slob-page "
  for line in f:lines() do
    ln = ln + 1
    if line:sub(1, #prefix) == prefix then
      local list, units, rest = line:match("^list=(%d) units=(%d+) free:(.*)$", #prefix + 1)
      local blocks, sum = {}, 0
      for o, u in (rest or ""):gmatch("(%d+)%+(%d+)") do
        blocks[#blocks + 1] = { tonumber(o), tonumber(u) }
        sum = sum + tonumber(u)
      end
      if not list or sum ~= tonumber(units) then
        f:close()
        error(("%s:%d: %s"):format(file, ln, list and
          ("the free blocks add up to %d units, the page has %s (a cut line?)"):format(sum, units)
          or "expected 'list=L units=N free: off+units ...'"), 2)
      end
      local ok, err = pcall(sim.slob_add_page, sim, tonumber(list), blocks)
      if not ok or not err then
        f:close()
        error(("%s:%d: %s"):format(file, ln, tostring(err)), 2)
      end
      pages = pages + 1
    end
  end
  f:close()
  return pages
end

-- ---------------------------------------------------------------- runner

local Run = { __metatable = "kmemsim.allocbench.run" }	-- protected, as kmemsim's
Run.__index = Run

-- the loop shared by the three workloads: @alloc(draw) returns what to
-- keep in the slot (nil when the allocation failed), @free(kept) frees it
local function loop(self, ops, slots, alloc, free)
  local slot, st = self.slot, M.SEED
  local allocs, frees, fails = 0, 0, 0
  for _ = 1, ops do
    st = r64(st)
    local k = umod(st, slots)
    local v = slot[k]
    if v then
      free(v, k)
      slot[k] = nil
      frees = frees + 1
    else
      st = r64(st)
      v = alloc(st, k)
      if v then
        slot[k] = v
        allocs = allocs + 1
      else
        fails = fails + 1
      end
    end
  end
  self.st = st
  return { allocs = allocs, frees = frees, fails = fails, final_state = M.hex(st) }
end

-- live slots as { objects = n, bytes = b, by = { [key] = n } }
function Run:live()
  local n, bytes, by = 0, 0, {}
  for k = 0, self.slots - 1 do
    local v = self.slot[k]
    if v then
      local key, b = self.describe(v, k)
      n = n + 1
      bytes = bytes + b
      by[key] = (by[key] or 0) + 1
    end
  end
  return { objects = n, bytes = bytes, by = by }
end

-- phase 2 of the harness: every occupied slot freed, in index order
function Run:free_all()
  for k = 0, self.slots - 1 do
    local v = self.slot[k]
    if v then
      self.free(v, k)
      self.slot[k] = nil
    end
  end
end

-- W4 on @sim: the six caches are created now (the harness's "created" point)
function M.w4(sim, opts)
  opts = opts or {}
  local self = setmetatable({ sim = sim, slot = {}, slots = M.W4_SLOTS,
                              ops = opts.ops or M.W4_OPS, caches = {} }, Run)
  for i, d in ipairs(M.W4_CACHES) do
    self.caches[i] = sim:cache_create(d.name, d.size, d.flags and { flags = d.flags } or nil)
  end
  local caches, which = self.caches, {}
  self.which = which
  local mine = {}
  for _, d in ipairs(M.W4_CACHES) do mine[d.name] = true end
  function self.owns(name) return mine[name] == true end
  -- a slot holds the object's address; which[k] its cache's index
  function self.free(addr, k) caches[which[k]]:free(addr) end
  function self.describe(_, k)
    local i = which[k]
    return M.W4_CACHES[i].name, M.W4_CACHES[i].size
  end
  function self.alloc(st, k)
    local i = umod(st, 6) + 1
    local addr = caches[i]:alloc("GFP_KERNEL")
    if addr then which[k] = i end
    return addr
  end
  return self
end

-- W5 on @sim: plain kmalloc/kfree
function M.w5(sim, opts)
  opts = opts or {}
  local self = setmetatable({ sim = sim, slot = {}, slots = M.W5_SLOTS,
                              ops = opts.ops or M.W5_OPS }, Run)
  local sizes, size_of = M.W5_SIZES, {}
  -- the plain kmalloc-N caches (not -cg-, -rcl-, dma-)
  function self.owns(name) return name:match("^kmalloc%-%d+k?$") ~= nil end
  function self.free(addr, k) sim:kfree(addr) end
  function self.describe(_, k) return "kmalloc", size_of[k] end
  function self.alloc(st, k)
    local r = umod(st, M.W5_TOTAL)
    local size
    for i = 1, #sizes do
      local e = sizes[i]
      if r < e[2] then size = e[1] break end
      r = r - e[2]
    end
    local addr = sim:kmalloc(size, "GFP_KERNEL")
    if addr then size_of[k] = size end
    return addr
  end
  self.size_of = size_of
  return self
end

-- W6 on @sim: alloc_pages(GFP_KERNEL, 0..3) without __GFP_COMP
function M.w6(sim, opts)
  opts = opts or {}
  local self = setmetatable({ sim = sim, slot = {}, slots = M.W6_SLOTS,
                              ops = opts.ops or M.W6_OPS }, Run)
  local order_of = {}
  function self.free(pfn, k) sim:free_pages(pfn, order_of[k]) end
  function self.describe(_, k) return order_of[k], 1 << order_of[k] end
  function self.alloc(st, k)
    local o = umod(st, 4)
    local pfn = sim:alloc_pages(o, "GFP_KERNEL")
    if pfn then order_of[k] = o end
    return pfn
  end
  return self
end

-- the /proc/slabinfo lines of the workload's own caches, in the kernel's
-- order (W4: the six; W5: the kmalloc-N caches it draws from), as the
-- harness prints them; nil and the reason where the policy has no
-- /proc/slabinfo (SLOB) or the workload no caches (W6)
function Run:slabinfo()
  if not self.owns then return nil, "W6 allocates pages, not objects" end
  local text, err = self.sim:slabinfo()
  if not text then return nil, err end
  local out = {}
  for line in text:gmatch("[^\n]+") do
    if self.owns(line:match("^(%S+)")) then out[#out + 1] = line end
  end
  return table.concat(out, "\n")
end

-- run the operations; the checksums of the README when ops is the default
function Run:run()
  return loop(self, self.ops, self.slots, self.alloc, self.free)
end

return M
