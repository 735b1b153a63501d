-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/06-slab-colouring.lua: SLAB's cache colouring
--
-- What it teaches: objects of one cache sit at the same offsets in every
-- slab, so the first object of every slab maps to the same CPU cache sets
-- and they evict each other.  SLAB spends the bytes a slab leaves over on
-- "colour": each new slab starts its objects one cache line (colour_off)
-- further in, cycling through the colours the leftover allows, so that
-- objects of different slabs spread over more cache sets.  SLUB and SLOB
-- do not colour (SLUB relies on the randomness of its freelist order
-- instead, when CONFIG_SLAB_FREELIST_RANDOM is set).
--
-- Look at: "N colours of 64 bytes" and the first object's offset in each
-- new page cycling 64, 128, 192, 0, ...; under --policy slub every slab starts
-- at offset 0.
--
-- policy: slab   (kmemsim run uses it unless --policy is given)
local km = require "kmemsim"

local sim = km.new{ ram = "256M", cpus = 1, slab_nomerge = true }
local policy = sim:config().policy
print(("policy %s"):format(policy))
-- 384-byte objects: 10 per 4 KiB page and 256 bytes left over
local c = sim:cache_create("coloured", 384, { flags = "SLAB_HWCACHE_ALIGN" })
local info = c:info()
print(("object size %d, %d per slab of %d page(s)"):format(info.size, info.objects_per_slab,
  info.pages_per_slab))
if info.colour then
  print(("SLAB: %d colours of %d bytes"):format(info.colour, info.colour_off))
end
if info.objects_per_slab == 0 then
  print("SLOB has no slabs of slots, and no colouring: objects go wherever a block fits")
end

-- allocate 8 slabs' worth; the lowest offset in each page is where its slab starts
local per = math.max(info.objects_per_slab, 1)
local first = {}
local pages = {}
for _ = 1, 8 * per do
  local a = assert(c:alloc("GFP_KERNEL"))
  local page, off = a >> 12, a & 4095
  if not first[page] then first[page] = off; pages[#pages + 1] = page
  elseif off < first[page] then first[page] = off end
end
table.sort(pages)
local offs = {}
for i = 1, math.min(#pages, 8) do offs[i] = tostring(first[pages[i]]) end
print(("first object offset in each of the first %d pages: %s"):format(#offs,
  table.concat(offs, ", ")))
