-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/02-kmalloc-kfree.lua: kmalloc(100, GFP_KERNEL), then kfree
--
-- What it teaches: kmalloc() has no cache of its own; it picks one of the
-- kmalloc size classes (8, 16, 32, 64, 96, 128, 192, 256, ... bytes) and
-- hands out a whole slot of the smallest class that fits.  100 bytes land
-- in kmalloc-128, so 28 bytes of the slot are wasted: internal
-- fragmentation, the price of O(1) allocation.  ksize() tells the caller
-- how much it may really use.  SLOB has no size classes: it takes exactly
-- the bytes asked for (in 2-byte units) plus a small header from a page it
-- shares with everything else, and wastes less -- at the price of a search.
--
-- Look at: "served by kmalloc-128" and the wasted line (28 of 128 bytes);
-- with --policy slob the waste is only SLOB's header.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local sim = km.new{ ram = "256M", cpus = 2 }
print(("policy %s"):format(sim:config().policy))

-- which cache gains an object tells who served the request
local before = {}
for _, c in ipairs(sim:caches()) do before[c:name()] = c:stats().live end
local s0 = sim:slab_summary()

local p = assert(sim:kmalloc(100, "GFP_KERNEL"))
print(("kmalloc(100, GFP_KERNEL) = 0x%x"):format(p))

local served
for _, c in ipairs(sim:caches()) do
  if c:stats().live > (before[c:name()] or 0) then served = c end
end
local slot = sim:slab_summary().slot_bytes - s0.slot_bytes
if served then
  local info = served:info()
  print(("  served by %s: %d-byte slots, %d per slab of %d page(s)"):format(info.name,
    info.size, info.objects_per_slab, info.pages_per_slab))
else
  -- SLOB: a header of the minimum alignment (8 bytes on x86_64) in front,
  -- the size rounded up to SLOB_UNIT (2 bytes); the address is past the header
  slot = 8 + (100 + 1) // 2 * 2
  print("  served by SLOB's kmalloc: no size classes, a block carved from a shared page")
  print(("  (the block starts 8 bytes before the address: 0x%x is %d bytes into its page)")
    :format(p, p & 4095))
end
print(("  ksize() = %d bytes usable; the object occupies %d bytes"):format(sim:ksize(p), slot))
print(("  wasted: %d of %d bytes (%.1f%%)"):format(slot - 100, slot, (slot - 100) * 100 / slot))

assert(sim:kfree(p))
print("kfree(p)")
print(("  live objects now: %d"):format(sim:slab_summary().live))

expect(sim):no_bugs()
