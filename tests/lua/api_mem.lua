-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lua API tests of the physical memory layer: zones, watermarks, pages,
-- bad input, /proc texts, fragmentation indices, vmstat.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

-- the managed pages of a real 6.18 machine (tests/data/zoneinfo-6.18.txt)
-- with its min_free_kbytes: every watermark and protection vector matches
-- the kernel's (kernel-model section 2; the C suite check_zone shows the
-- arithmetic)
local ref = km.new{ zones = { DMA = 3840, DMA32 = 772918, Normal = 294912 },
                    min_free_kbytes = 67584, cpus = 2 }
local want = {
  DMA     = { managed = 3840,   min = 60,    low = 75,    high = 90,    prot = { 0, 3019, 4171, 4171, 4171 } },
  DMA32   = { managed = 772918, min = 12185, low = 15231, high = 18277, prot = { 0, 0, 1152, 1152, 1152 } },
  Normal  = { managed = 294912, min = 4649,  low = 5811,  high = 6973,  prot = { 0, 0, 0, 0, 0 } },
  Movable = { managed = 0,      min = 32,    low = 32,    high = 32,    prot = { 0, 0, 0, 0, 0 } },
  Device  = { managed = 0,      min = 0,     low = 0,     high = 0,     prot = { 0, 0, 0, 0, 0 } },
}
local zones = ref:zones()
expect.eq(#zones, 5, "every zone of the node is listed")
for i, name in ipairs{ "DMA", "DMA32", "Normal", "Movable", "Device" } do
  local z, w = zones[i], want[name]
  expect.eq(z.name, name, "zone order")
  expect.eq(z.node, 0, name .. " node")
  expect.eq(z.managed, w.managed, name .. " managed")
  expect.eq(z.free, w.managed, name .. " all free at boot")
  expect.eq(z.min, w.min, name .. " min")
  expect.eq(z.low, w.low, name .. " low")
  expect.eq(z.high, w.high, name .. " high")
  expect.same(z.protection, w.prot, name .. " protection")
end
-- the zoneinfo text carries the same numbers in the kernel's layout
expect.match(ref:zoneinfo(), "\n        protection: %(0, 3019, 4171, 4171, 4171%)\n", "zoneinfo protection")
expect.match(ref:zoneinfo(), "\n              high_min: 7615\n              high_max: 48307\n", "DMA32 pcp")
ref:close()

-- a 256 MiB machine: DMA (16 MiB) and DMA32
local sim = km.new{ ram = "256M", cpus = 2 }
expect(sim):no_bugs()
expect(sim):free_pages_at_least(65536)
local z = sim:zones()
expect.eq(z[1].name, "DMA", "DMA first")
expect.eq(z[1].managed, 4096, "16 MiB of DMA")
expect.eq(z[2].managed, 61440, "the rest is DMA32")
expect.eq(z[2].start_pfn, 4096, "DMA32 starts at 16 MiB")
expect.eq(z[3].populated, false, "no Normal zone below 4 GiB")
expect.eq(z[2].nr_free[11], 60, "60 free order-10 blocks")

-- alloc and free; GFP as a string or a number
local p = assert(sim:alloc_pages(0, "GFP_KERNEL"))
expect.eq(p, 4096, "the first page of DMA32")
local pg = sim:page(p)
expect.eq(pg.zone, "DMA32", "page zone")
expect.eq(pg.order, 0, "page order")
expect.eq(pg.state, "kernel", "allocated page state")
expect.eq(pg.migratetype, "Unmovable", "its pageblock was claimed for GFP_KERNEL")
expect.eq(pg.addr, 0xffff888000000000 + p * 4096, "direct-map address")
expect.eq(sim:page(p + 1).state, "pcp", "the refill batch waits on the per-CPU list")
local big = assert(sim:alloc_pages(4, km.GFP.HIGHUSER_MOVABLE))
expect.eq(sim:page(big + 15).head, big, "a tail page knows its block")
expect.eq(sim:page(big + 15).migratetype, "Movable", "movable request, movable block")
local vm = sim:vmstat()
expect.eq(vm.pgalloc_dma32, 17, "pgalloc counts pages: 1 + 16")
expect.eq(vm.nr_kernel_pages, 17, "17 pages in kernel use")
sim:free_pages(big, 4)
sim:free_pages(p, 0)
expect.eq(sim:vmstat().pgfree, 17, "pgfree counts pages")
expect(sim):no_bugs()

-- bad input: a simulated-kernel bug report, the run goes on
sim:free_pages(p, 0)
expect(sim):bugs(1, "bad_page")
expect.match(sim:bugs()[1].message, "^BUG: Bad page state in process kmemsim  pfn:01000 %(double free", "message")
expect.match(sim:bugs()[1].where, "api_mem.lua:%d+$", "bug names the scenario line")
sim:free_pages(1 << 40, 0)
sim:free_pages(big + 1, 3)
sim:free_pages(big, 11)
expect(sim):bugs(4, "bad_page")
local none, why = sim:alloc_pages(11)
expect.eq(none, nil, "order 11 fails")
expect.eq(why, "order 11 out of range (0..10)", "order 11 reason")
expect(sim):bugs(1, "warning")
-- a negative order is the script's mistake, not the kernel's WARNING: the
-- kernel's order is unsigned, so there is no "order -1 > MAX_PAGE_ORDER"
local nbugs = #sim:bugs()
local okn, errn = pcall(function() return sim:alloc_pages(-1, "GFP_KERNEL|__GFP_NOWARN") end)
expect.eq(okn, false, "negative order raises")
expect.match(errn, "^[^:]*api_mem.lua:%d+: bad argument #1 to 'alloc_pages' %(order must not be negative, got %-1%)$",
  "negative order: its own message")
okn, errn = pcall(function() sim:free_pages(big, -3) end)
expect.eq(okn, false, "negative free order raises")
expect.match(errn, "api_mem.lua:%d+: bad argument #2 to 'free_pages' %(order must not be negative, got %-3%)$",
  "negative free order: its own message, the line of the call")
expect.eq(#sim:bugs(), nbugs, "and no bug record for either")
-- negative sizes likewise: never "out of range" nor a simulated failure
okn, errn = pcall(function() sim:kmalloc(-1) end)
expect.match(errn, "api_mem.lua:%d+: bad argument #1 to 'kmalloc': size must not be negative, got %-1$",
  "negative kmalloc size")
okn, errn = pcall(function() sim:cache_create("neg", -3) end)
expect.match(errn, "api_mem.lua:%d+: bad argument #2 to 'cache_create': size must not be negative, got %-3$",
  "negative cache size")
okn, errn = pcall(function() sim:kmalloc(-0.5) end)
expect.match(errn, "bad argument #1 to 'kmalloc': size must not be negative, got %-0.5$",
  "negative fractional size")
expect.errors(function() sim:alloc_pages(0, "GFP_KERNL") end, "GFP_KERNEL", "unknown flag, with a suggestion")
expect.errors(function() sim:alloc_pages("x") end, "number expected", "order type")
expect.errors(function() sim:alloc_pages(0, "__GFP_DMA|__GFP_DMA32") end, "zone modifier", "bad zone bits")
local nope, nwhy = sim:page(5000000)
expect.eq(nope, nil, "no such page")
expect.match(nwhy, "not a page of any zone", "page reason")

-- exhaustion is data: nil and the reason, nothing changed (the fast path
-- alone, so the failure point is the low watermark)
sim:slowpath(false)
local held = {}
while true do
  local q, reason = sim:alloc_pages(10)
  if not q then
    expect.match(reason, "^order 10 unavailable in zone DMA32 %(below low watermark", "ENOMEM reason")
    break
  end
  held[#held + 1] = q
end
-- DMA32 has 61425 free pages in buddy (15 wait on the pcp list): order 10
-- needs free - 1023 > low 600, so 59 whole blocks go (the 59th at 2033
-- free); then DMA, which must keep low 40 + protection 61440/256 = 240:
-- 4096, 3072, 2048 free pass, 1024 does not.  59 + 3 = 62.
expect.eq(#held, 62, "order-10 blocks before the low watermarks")
local before = sim:buddyinfo()
expect.eq(sim:alloc_pages(10), nil, "still nothing")
expect.eq(sim:buddyinfo(), before, "a failed allocation changes nothing")
for _, q in ipairs(held) do sim:free_pages(q, 10) end
sim:close()

-- sizes and errors before anything is allocated
expect.errors(function() km.new{ ram = "1M" } end, "below one pageblock", "RAM below a pageblock")
expect.errors(function() km.new{ ram = "16T" } end, "16T out of range %(at most 4T", "RAM beyond what the host can hold")
expect.errors(function() km.new{ zones = { Normal = 100 } } end, "below one pageblock", "tiny zones")
expect.errors(function() km.new{ zones = { Movable = 4096 } } end, "DMA, DMA32 and Normal", "no lowmem")

-- a tiny machine, text as the kernel prints it (computed by hand in
-- tests/unit/check_page_alloc.c)
local tiny = km.new{ zones = { DMA = 1024, Normal = 2048 }, cpus = 1 }
expect.eq(tiny:alloc_pages(0), 1048576, "first Normal page")
expect.eq(tiny:buddyinfo(),
  "Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      1 \n" ..
  "Node 0, zone   Normal      1      1      1      1      1      1      1      1      1      1      1 \n",
  "buddyinfo")
expect.eq(tiny:unusable_index(),
  "Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 \n" ..
  "Node 0, zone   Normal 0.000 0.000 0.001 0.003 0.007 0.015 0.030 0.062 0.124 0.249 0.499 \n",
  "unusable_index")
expect.match(tiny:extfrag_index(), "^Node 0, zone      DMA %-1%.000 ", "extfrag_index")
expect.match(tiny:pagetypeinfo(), "^Page block order: 9\nPages per block:  512\n", "pagetypeinfo")
local f = tiny:frag()
expect.eq(#f, 2, "frag lists populated zones")
expect.eq(f[2].name, "Normal", "frag zone")
expect.same(f[2].unusable, { 0, 0, 1, 3, 7, 15, 30, 62, 124, 249, 499 }, "unusable per order")
expect.same(f[2].extfrag, { -1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000 }, "extfrag")

-- fragmentation that makes high orders fail: take every page of Normal,
-- give back every other one (pcp off so they return to buddy at once)
local frag = km.new{ zones = { Normal = 4096 }, cpus = 1, pcp = false, min_free_kbytes = 0 }
local pages = {}
for i = 1, 4096 - 16 do pages[i] = assert(frag:alloc_pages(0)) end
for i = 1, #pages, 2 do frag:free_pages(pages[i], 0) end
local nf = frag:frag()[1]
-- the 4080 pages went out in address order, so the last 16 pages are one
-- free order-4 block; with 2040 single free pages, 2056 pages are free in
-- 2041 blocks.  At order 1 only the order-4 block helps:
-- unusable = (2056 - 16) * 1000 / 2056 = 992
expect.eq(nf.unusable[2], 992, "unusable index at order 1")
-- at order 5 nothing fits: 1000 - (1000 + 2056*1000/32) / 2041 = 1000 - 31 = 969
expect.eq(nf.extfrag[6], 969, "fragmentation index at order 5")
expect.eq(frag:alloc_pages(5), nil, "order 5 fails by fragmentation")
frag:close()

-- NUMA: nodes split the RAM
local numa = km.new{ ram = "8G", nodes = 2, cpus = 2 }
local nz = numa:zones()
expect.eq(#nz, 10, "5 zones per node")
expect.eq(nz[8].name, "Normal", "node 1 Normal")
expect.eq(nz[8].node, 1, "node 1")
expect.eq(nz[8].managed, 1048576, "node 1 holds 4 GiB of Normal")
numa:on_cpu(1, function()
  local q = assert(numa:alloc_pages(0))
  expect.eq(numa:page(q).node, 1, "CPU 1 allocates on its node")
end)
numa:close()
print("api_mem: ok")

-- Options are the engine's table: unknown keys name the script line and
-- the closest option; bad values name the option and its range.
expect.errors(function() km.new{ rams = "64M" } end, "api_mem.lua:%d+: unknown option 'rams' %(did you mean 'ram'%?%)",
	      "a misspelt option names the line and suggests")
expect.errors(function() km.new{ cpus = 65 } end, "option 'cpus': 65 out of range %(1..64%)", "cpus range")
expect.errors(function() km.new{ pcp = "yes" } end, "option 'pcp': boolean expected, got string", "boolean type")
expect.errors(function() km.new{ zones = { Normall = 100 } } end, "did you mean 'Normal'", "zone names suggest")
-- every method's option table is checked the same way, not only kmemsim.new{}:
-- the caller's line (the line numbers below are this file's), the closest name
do
  local t = km.new{ ram = "64M" }
  local wl = require "kmemsim.workload"
  local cases = {
    { function() t:cache_create("x", 32, { flag = "SLAB_HWCACHE_ALIGN" }) end, "flag", "flags" },
    { function() t:page_cache{ clen = 1 } end, "clen", "clean" },
    { function() t:task{ nme = "a" } end, "nme", "name" },
    { function() t:mempool_create(2, { ordr = 0 }) end, "ordr", "order" },
    { function() t:shrinker{ cach = 1 } end, "cach", "cache" },
    { function() t:sample{ evry = 100 } end, "evry", "every" },
    { function() wl.new(t, { stream = {} }) end, "stream", "streams" },
    { function() wl.steady{ opss = 1 } end, "opss", "ops" },
    { function() wl.new(t, { streams = { { nam = "x", kmalloc = 64 } } }) end, "nam", "name" },
    { function() wl.steady{ ops = 1, contexts = { procss = 1 } } end, "procss", "process" },
  }
  for i, c in ipairs(cases) do
    local ok, err = pcall(c[1])
    expect.eq(ok, false, "typo " .. c[2] .. " raises")
    local line = err:match("^[^:]*api_mem%.lua:(%d+): ")
    expect.eq(line ~= nil, true, "typo " .. c[2] .. " names this file's line: " .. err)
    expect.match(err, "unknown option '" .. c[2] .. "' %(did you mean '" .. c[3] .. "'%?%)",
      "typo " .. c[2] .. " suggests " .. c[3])
  end
  expect.eq(km.suggest("rams", { "cpus", "ram" }), "ram", "kmemsim.suggest: the closest")
  expect.eq(km.suggest("zzzzzz", { "cpus", "ram" }), nil, "kmemsim.suggest: nothing close")
  t:close()
end
local zs = km.new{ zones = { Normal = 4096 } }:zones()
local normal
for _, z in ipairs(zs) do if z.name == "Normal" then normal = z end end
expect.eq(normal.managed, 4096, "zones = { Normal = 4096 } gives 4096 managed pages")
