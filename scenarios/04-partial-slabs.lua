-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/04-partial-slabs.lua: freed objects do not give pages back
--
-- What it teaches: a slab page returns to the page allocator only when
-- every object in it is free.  Fill a cache, free every other object, and
-- half the objects are gone but not one page: each slab still holds live
-- objects, so all of them sit on the partial lists, pinned.  Shrinking
-- the cache finds nothing to give back.  Only when the survivors go too
-- do the pages come back (SLUB keeps min_partial empty slabs around
-- until the cache is shrunk).  This is why long-lived objects mixed with
-- short-lived ones fragment the slab heap, and why the kernel groups
-- objects by lifetime (separate caches, SLAB_RECLAIM_ACCOUNT).
--
-- Look at: the "slab pages" column stays at its peak after every other
-- object is freed and after the shrink; it drops only once the rest go.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local N = 4096
local sim = km.new{ ram = "256M", cpus = 1, slab_nomerge = true }
print(("policy %s"):format(sim:config().policy))
local c = sim:cache_create("frag_cache", 256)

local function pages()
  local s = sim:slab_summary()
  return s.nr_slab_reclaimable + s.nr_slab_unreclaimable
end
local base = pages()
local function show(what)
  local st = c:stats()
  print(("%-30s live %5d  slab pages %4d  partial slabs %4d  free slots in them %5d")
    :format(what, st.live, pages() - base, st.partial_slabs, st.free_in_partial))
end

local objs = {}
for i = 1, N do objs[i] = assert(c:alloc("GFP_KERNEL")) end
show(("filled with %d objects"):format(N))
for i = 1, N, 2 do c:free(objs[i]) end
show("freed every other object")
local given = c:shrink()
show(("shrunk (%d pages given back)"):format(given))
for i = 2, N, 2 do c:free(objs[i]) end
show("freed the rest")
given = c:shrink()
show(("shrunk (%d pages given back)"):format(given))
c:destroy()
expect(sim):no_bugs()
