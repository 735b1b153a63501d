-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of SLOB (mm/slob.c as last shipped in 6.3) through the
-- scenario API: kmalloc's header, units and lists, a hand-worked page,
-- list rotation, pages given back, cache emulation, bugs, and SLOB's own
-- report (the heap as cache:dump() shows it) instead of /proc/slabinfo.
-- Expectations by hand from kernel-model.md §8; tests/unit/check_slob.c
-- has the same cases with the reasoning spelled out.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local PAGE = 4096
local sim = km.new{ cpus = 2, policy = "slob", pcp = false }

-- a cache with no objects, to read the heap through its dump
local probe = sim:cache_create("probe", 8)

-- the layout of the heap page holding addr: "<free units>: <blocks>"
-- (read through cache c's dump, probe's by default)
local function layout(addr, c)
  local base = addr - addr % PAGE
  local units, blocks = (c or probe):dump():match(("\n  0x%x%%((%%d+)%%):([^\n]*)"):format(base))
  if not units then return nil end
  return units .. ":" .. blocks
end

-- the page addresses of one list, in search order
local function list_pages(name, c)
  local dump = (c or probe):dump()
  local section = dump:match(name .. ": %d+ pages\n(.-)\n%a") or ""
  local pages = {}
  for addr in section:gmatch("  0x(%x+)%(") do pages[#pages + 1] = tonumber(addr, 16) end
  return pages
end

-- SLOB prints no /proc/slabinfo
local none, why = sim:slabinfo()
expect.eq(none, nil, "no slabinfo under SLOB")
expect.match(why, "no /proc/slabinfo", "slabinfo reason")

-- kmalloc(100): 108 bytes = 54 units from the small list; header at 0
local a = assert(sim:kmalloc(100))
expect.eq(a % PAGE, 8, "object after the 8-byte header")
expect.eq(sim:ksize(a), 100, "ksize = SLOB_UNITS(100) * 2")
expect.eq(layout(a), "1994: 0+108 kmalloc(100) 108+3988 free", "kmalloc(100) layout")
expect.match(probe:dump(), "^small: 1 pages\n", "one page on the small list")
expect.eq(sim:slab_summary().nr_slab_unreclaimable, 1, "one unreclaimable slab page")

-- a power of two is naturally aligned: a 6-unit head fragment stays free
local b = assert(sim:kmalloc(64))
expect.eq(b % PAGE, 128, "kmalloc(64) at 128")
expect.eq(layout(a), "1958: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) 192+3904 free",
  "alignment fragment")
local c = assert(sim:kmalloc(10))
local d = assert(sim:kmalloc(3))
expect.eq(c % PAGE, 200, "first fit skips the 12-byte hole")
expect.eq(d % PAGE, 224, "a 6-byte fragment before kmalloc(3)")
expect.eq(sim:ksize(d), 4, "ksize rounds to units")
expect.eq(layout(a), "1943: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) 192+18 kmalloc(10) "
  .. "210+6 free 216+12 kmalloc(3) 228+3868 free", "four blocks")

-- coalescing: with the following block, then with both neighbours
expect.eq(sim:kfree(c), true, "kfree")
expect.eq(layout(a), "1952: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) 192+24 free "
  .. "216+12 kmalloc(3) 228+3868 free", "merged with the following block")
sim:kfree(b)
expect.eq(layout(a), "1988: 0+108 kmalloc(100) 108+108 free 216+12 kmalloc(3) 228+3868 free",
  "merged with both")
sim:kfree(a)
expect.eq(layout(d), "2042: 0+216 free 216+12 kmalloc(3) 228+3868 free", "merged in front")

-- the last block freed: the page goes back to the buddy allocator
sim:kfree(d)
expect.eq(layout(d), nil, "page gone")
expect.eq(sim:slab_summary().nr_slab_unreclaimable, 0, "no slab pages")
expect.match(probe:dump(), "^small: 0 pages\n", "small list empty")

-- new pages at the head, list rotation: 4 pages of 16 x kmalloc(240)
local objs, pages = {}, {}
for p = 1, 4 do
  objs[p] = {}
  for i = 1, 16 do objs[p][i] = assert(sim:kmalloc(240)) end
  pages[p] = objs[p][1] - objs[p][1] % PAGE
end
expect.same(list_pages("small"), { pages[4], pages[3], pages[2], pages[1] }, "new pages at the head")
sim:kfree(objs[2][1])
objs[2][1] = assert(sim:kmalloc(240))
expect.eq(objs[2][1], pages[2] + 8, "fits where it was freed")
expect.same(list_pages("small"), { pages[2], pages[1], pages[4], pages[3] }, "rotated to the front")
for p = 1, 4 do for i = 1, 16 do sim:kfree(objs[p][i]) end end
expect.eq(sim:slab_summary().nr_slab_unreclaimable, 0, "all pages back")

-- the page threshold: PAGE_SIZE - 8
local h = assert(sim:kmalloc(4087))
expect.eq(sim:ksize(h), 4088, "4095 bytes: a whole heap page")
local g = assert(sim:kmalloc(4088))
expect.eq(sim:ksize(g), 4096, "a page of its own")
expect.eq(sim:slab_summary().large_pages, 1, "large kmalloc")
sim:kfree(h)
sim:kfree(g)

-- kmem_cache emulation: objects are blocks, the ctor runs every time
local cc = sim:cache_create("ctor_cache", 30, { ctor = true })
local info = cc:info()
expect.eq(info.size, 30, "no metadata")
expect.eq(info.objects_per_slab, 0, "no slabs")
expect.eq(info.slob_units, 15, "15 units")
expect.eq(info.slob_list, 0, "small list")
local x0, x1 = cc:alloc(), cc:alloc()
expect.eq(x1 - x0, 32, "a 1-unit fragment keeps 8-byte alignment")
cc:free(x1)
x1 = cc:alloc()
expect.eq(cc:stats().ctor_calls, 3, "ctor on every allocation")
expect.eq(cc:shrink(), 0, "shrink gives nothing back")
expect.match(cc:dump(), " 0%+30 %*ctor_cache 30%+2 free 32%+30 %*ctor_cache ", "own objects starred")
-- RCU caches carry a 24-byte footer
expect.eq(sim:cache_create("rcu", 100, { flags = "SLAB_TYPESAFE_BY_RCU" }):info().size, 124, "slob_rcu footer")
-- caches are never merged under SLOB
expect.truthy(sim:cache_create("twin1", 48) ~= sim:cache_create("twin2", 48), "no merging")
expect(sim):no_bugs()

-- bugs: one report each, the heap goes on working
local pin = cc:alloc()
cc:free(x0)
local ok, msg = cc:free(x0)
expect.eq(ok, false, "double free")
expect.eq(msg, "BUG ctor_cache (Not tainted): Object already free", "double free message")
expect(sim):bugs(1, "double_free")
ok, msg = cc:free(x1 + 2)
expect.match(msg, "Invalid object pointer", "not a block start")
expect(sim):bugs(1, "invalid_free")
expect.eq(cc:free(x1), true, "still usable")
ok, msg = cc:destroy()
expect.eq(ok, false, "destroy with a live object")
expect(sim):bugs(1, "cache_busy")
expect.eq(sim:kfree(pin), true, "its object can still be freed")

-- sim:slob_add_page: a page with given free blocks (units), at the TAIL of
-- its list; the used runs between them are live kmalloc objects, their
-- 8-byte header in front.  Page A: runs 0..99, 150..299, 320..2047.
local s2 = km.new{ cpus = 1, policy = "slob", pcp = false }
local probe2 = s2:cache_create("probe2", 8)
local A = assert(s2:slob_add_page("small", { {100, 50}, {300, 20} }))
local B = assert(s2:slob_add_page(0, { {0, 40} }))
expect.eq(layout(A, probe2), "70: 0+200 kmalloc(192) 200+100 free 300+300 kmalloc(292) "
  .. "600+40 free 640+3456 kmalloc(3448)", "seeded page A")
expect.eq(layout(B, probe2), "40: 0+80 free 80+4016 kmalloc(4008)", "seeded page B")
expect.same(list_pages("small", probe2), { A, B }, "added at the tail: A stays first")
expect.eq(s2:slab_summary().nr_slab_unreclaimable, 2, "two slab pages")
-- kmalloc(60): 34 units, block + 8 aligned to 8: A's block at unit 100 (byte 200)
local k60 = assert(s2:kmalloc(60))
expect.eq(k60, A + 208, "first fit in the first page of the list")
-- kmalloc(70): 39 units; A has 36 free units left: B's block at 0
local k70 = assert(s2:kmalloc(70))
expect.eq(k70, B + 8, "A skipped by its free units, B fits")
-- every seeded run is a kmalloc object: freeing them all gives both pages back
for _, p in ipairs{ A + 8, A + 308, A + 648, B + 88, k60, k70 } do
  expect.eq(s2:kfree(p), true, ("kfree(0x%x)"):format(p))
end
expect.eq(s2:slab_summary().nr_slab_unreclaimable, 0, "both pages back")
expect(s2):no_bugs()
-- bad layouts are refused, naming the block
local function refused(list, blocks, pattern, what)
  local ok2, err = pcall(s2.slob_add_page, s2, list, blocks)
  expect.eq(ok2, false, what)
  expect.match(err, pattern, what)
end
refused(0, {}, "no free block", "no free block")
refused(0, { {10, 5}, {15, 5} }, "free block 2 %(unit 15%) touches", "touching blocks")
refused(0, { {10, 10}, {15, 5} }, "free block 2 %(unit 15%) overlaps", "overlap")
refused(0, { {3, 5} }, "used run of 3 units at unit 0 is smaller than the smallest kmalloc object %(5 units%)",
  "a run too small for a kmalloc header")
refused(0, { {0, 2048} }, "wholly free page", "a free page")
refused(0, { {2000, 49} }, "ends past the page's 2048 units", "past the page")
refused("huge", { {0, 40} }, "invalid option 'huge'", "list name")
refused(3, { {0, 40} }, "out of range", "list number")
expect.eq(s2:slab_summary().nr_slab_unreclaimable, 0, "nothing taken by a refused page")
local slub = km.new{ policy = "slub" }
local ok3, err3 = pcall(slub.slob_add_page, slub, 0, { {0, 40} })
expect.eq(ok3, false, "not under SLUB")
expect.match(err3, "the slab policy is slub: only SLOB keeps lists of partly free pages", "SLUB refuses")
print("api_slob: ok")
