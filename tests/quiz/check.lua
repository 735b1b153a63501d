-- SPDX-License-Identifier: GPL-2.0-or-later
-- tests/quiz/check.lua: recompute a quiz's answers without the simulator
--
--   kmemsim run --unsafe tests/quiz/check.lua --set file=QUIZ.json
--
-- Reads the JSON `kmemsim quiz TOPIC -c --format json` wrote and computes
-- every answer again in plain Lua from the kernel's rules (the problem's
-- own inputs, under "data"), never from kmemsim: the buddy allocator's
-- split and merge, kmalloc's size classes, SLUB's calculate_sizes() and
-- calculate_order(), SLAB's calculate_slab_order() and colouring, SLUB's
-- cpu slab / partial list rules, SLOB's first fit, gfp_to_alloc_flags()
-- and __zone_watermark_ok(), __setup_per_zone_wmarks().  Any difference
-- is printed and the script fails.  Sources of the rules: kernel-model.md
-- sections 1, 2, 3, 6, 7, 8 (mm/page_alloc.c, mm/slub.c, mm/slab.c,
-- mm/slob.c, mm/slab_common.c of the kernels named there).

local params = require("kmemsim").params
local file = assert(params.file, "--set file=QUIZ.json")

-- ---- JSON ----

local decode = dofile("tests/json.lua")

local f = assert(io.open(file))
local q = decode(f:read("a"))
f:close()

-- ---- comparison ----

local failures, checked = 0, 0
local function show(v)
  if type(v) ~= "table" then return tostring(v) end
  local keys, out = {}, {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do out[#out + 1] = tostring(k) .. "=" .. show(v[k]) end
  return "{" .. table.concat(out, ",") .. "}"
end
local function same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
-- the answer of question n must equal want
local function expect(n, want)
  checked = checked + 1
  local got = q.questions[n] and q.questions[n].answer
  if not same(got, want) then
    failures = failures + 1
    print(("FAIL %s question %d (%s)\n  quiz:     %s\n  expected: %s"):format(q.command, n,
      q.questions[n] and q.questions[n].question or "missing", show(got), show(want)))
  end
end

local function get_order(bytes)
  local o = 0
  while (4096 << o) < bytes do o = o + 1 end
  return o
end

local function fls(x)
  local n = 0
  while x > 0 do n = n + 1; x = x >> 1 end
  return n
end

local function align(x, a) return (x + a - 1) // a * a end

local checks = {}
local ARCH_MINALIGN = 8

local function has(flags, f)
  for _, x in ipairs(flags) do if x == f then return true end end
  return false
end

-- calculate_alignment() (mm/slab_common.c)
local function calc_align(flags, al, size)
  if has(flags, "SLAB_HWCACHE_ALIGN") then
    local r = 64
    while size <= r // 2 do r = r // 2 end
    al = math.max(al, r)
  end
  al = math.max(al, ARCH_MINALIGN)
  return align(al, 8)
end
local slab_kmalloc_slot

-- ---- buddy: expand() and __free_one_page() over one migratetype ----

function checks.buddy(d)
  local lists = {}				-- order -> array of pfns, head first
  for o = 0, 10 do lists[o] = {} end
  local function push(o, pfn, tail)
    if tail then table.insert(lists[o], pfn) else table.insert(lists[o], 1, pfn) end
  end
  local function remove(o, pfn)
    for i, p in ipairs(lists[o]) do
      if p == pfn then table.remove(lists[o], i); return true end
    end
    return false
  end
  local function is_free(o, pfn)
    for _, p in ipairs(lists[o]) do if p == pfn then return true end end
    return false
  end
  local base, pages = d.start_pfn, d.pages
  for pfn = base, base + pages - 1, 1024 do push(10, pfn, true) end
  local pfn_of, n = {}, 0
  for _, op in ipairs(d.ops) do
    n = n + 1
    if op.op == "alloc" then
      local o = op.order
      while #lists[o] == 0 do o = o + 1 end
      local pfn = table.remove(lists[o], 1)
      while o > op.order do		-- the upper halves to the list heads
        o = o - 1
        push(o, pfn + (1 << o), false)
      end
      pfn_of[op.name] = pfn
      expect(n, pfn)
    else
      local pfn, o = pfn_of[op.name], op.order
      local merged = {}
      while o < 10 do
        local buddy = pfn ~ (1 << o)
        if buddy < base or buddy >= base + pages or not is_free(o, buddy) then break end
        remove(o, buddy)
        merged[#merged + 1] = buddy
        pfn = pfn & buddy
        o = o + 1
      end
      -- buddy_merge_likely(): the order+1 buddy of the merged block is free
      local tail = false
      if o < 9 then
        local higher = pfn & ~(1 << o)
        tail = is_free(o + 1, higher ~ (1 << (o + 1)))
      end
      push(o, pfn, tail)
      expect(n, { merged = merged, pfn = pfn, order = o })
    end
  end
  local counts = {}
  for o = 0, 10 do counts[o + 1] = #lists[o] end
  expect(n + 1, counts)
end

-- ---- kmalloc: the size classes (kmalloc_index) and SLOB's blocks ----

local function class_of(policy, n)
  if n <= 192 then
    -- kmalloc_size_index[(size - 1) / 8]; SLAB's smallest class is 32
    local idx = ({ 3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2 })[(n - 1) // 8 + 1]
    local size = idx == 1 and 96 or idx == 2 and 192 or 1 << idx
    if policy == "slab" and size < 32 then size = 32 end
    return size
  end
  return 1 << fls(n - 1)
end

local function kname(size)
  return size >= 1024 and ("kmalloc-%dk"):format(size // 1024) or ("kmalloc-%d"):format(size)
end

-- SLAB creates its kmalloc caches with ARCH_KMALLOC_FLAGS = SLAB_HWCACHE_ALIGN
-- (mm/slab.c kmem_cache_init), natural alignment for powers of two
-- (create_boot_cache): kmalloc-96 gets 128-byte slots; SLUB passes no flags
slab_kmalloc_slot = function(size)
  local al = ARCH_MINALIGN
  if size & (size - 1) == 0 then al = math.max(al, size) end
  return align(size, calc_align({ "SLAB_HWCACHE_ALIGN" }, al, size))
end

function checks.kmalloc(d)
  local total = {}
  for i, n in ipairs(d.sizes) do
    local want = {}
    for _, pol in ipairs(d.policies) do
      local r
      if n == 0 then
        r = { where = "ZERO_SIZE_PTR", bytes = 0, waste = 0 }
      elseif pol == "slob" then
        if n >= 4096 - 8 then
          local o = get_order(n)
          r = { where = ("pages (order %d)"):format(o), bytes = 4096 << o }
        else
          r = { where = "SLOB heap", bytes = 2 * ((n + 8 + 1) // 2) }
        end
      elseif n > 8192 then
        local o = get_order(n)
        r = { where = ("pages (order %d)"):format(o), bytes = 4096 << o }
      else
        local size = class_of(pol, n)
        local slot = size
        if pol == "slab" then slot = slab_kmalloc_slot(size) end
        r = { where = kname(size), bytes = slot }
      end
      r.waste = r.bytes - n
      want[pol] = r
      total[pol] = (total[pol] or 0) + r.waste
    end
    expect(i, want)
  end
  expect(#d.sizes + 1, total)
end

-- ---- slab: calculate_sizes/calculate_order (SLUB), __kmem_cache_create (SLAB) ----

local function slub_geometry(d, c)
  local al = calc_align(c.flags, c.align, c.size)
  local size = align(c.size, 8)
  if c.ctor then size = size + 8 end		-- the free pointer after the object
  size = align(size, al)
  local min_objects = 4 * (fls(d.cpus) + 1)
  local max_order = d.slub_max_order
  local max_objects = math.max((4096 << max_order) // size, 1)
  min_objects = math.min(min_objects, max_objects)
  local min_order = math.max(d.slub_min_order, get_order(min_objects * size))
  local order
  for _, fract in ipairs({ 16, 8, 4, 2 }) do
    for o = min_order, max_order do
      local slab = 4096 << o
      if slab % size <= slab // fract then order = o; break end
    end
    if order then break end
  end
  order = order or get_order(size)
  local objects = (4096 << order) // size
  return { size = size, order = order, objects = objects, left = (4096 << order) - objects * size }
end

-- SLAB: the kmalloc caches a freelist array may live in, created at boot in
-- this order; each one's placement, computed the same way (mgmt below)
local slab_kmalloc = {}
local slab_mgmt

local function slab_kmalloc_class(n)
  local size = class_of("slab", n)
  return slab_kmalloc[size]
end

-- calculate_slab_order() for placement mgmt: num, order, left (num 0: none)
local function slab_order(d, object_size, size, flags, mgmt)
  local num, order, left = 0, 0, 0
  for o = 0, 5 do
    local slab = 4096 << o
    local per = mgmt == "on_slab" and size + 1 or size
    local n, rem = slab // per, slab % per
    if n > 0 then
      if n > 255 then break end
      local skip = false
      if mgmt == "off_slab" then
        local fc = slab_kmalloc_class(n)
        if not fc or fc.mgmt == "off_slab" or fc.size > object_size // 2 then skip = true end
      end
      if not skip then
        num, order, left = n, o, rem
        if has(flags, "SLAB_RECLAIM_ACCOUNT") then break end
        if o >= d.slab_max_order then break end
        if left * 8 <= slab then break end
      end
    end
  end
  return num, order, left
end

function slab_mgmt(d, object_size, size, flags, ctor)
  if not ctor then
    local num, order, left = slab_order(d, object_size, size, flags, "objfreelist")
    if num > 0 and num <= object_size then return "objfreelist", num, order, left end
  end
  local num, order, left = slab_order(d, object_size, size, flags, "off_slab")
  if num > 0 and left < num then return "off_slab", num, order, left end
  num, order, left = slab_order(d, object_size, size, flags, "on_slab")
  return "on_slab", num, order, left
end

local function slab_geometry(d, c)
  if not next(slab_kmalloc) then
    for _, ks in ipairs({ 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192 }) do
      -- kmalloc caches: SLAB_HWCACHE_ALIGN and natural alignment
      local size = slab_kmalloc_slot(ks)
      local mgmt = slab_mgmt(d, ks, size, {}, false)
      slab_kmalloc[ks] = { size = size, mgmt = mgmt }
    end
  end
  local al = calc_align(c.flags, c.align, c.size)
  local size = align(align(c.size, 8), al)
  if size < 16 then size = align(16, al) end
  local mgmt, num, order, left = slab_mgmt(d, c.size, size, c.flags, c.ctor)
  local colour_off = math.max(64, al)
  return { size = size, order = order, objects = num, left = left, mgmt = mgmt,
    colours = left // colour_off, colour_off = colour_off }
end

function checks.slab(d)
  local n = 0
  for _, c in ipairs(d.calls) do
    local g = d.policy == "slub" and slub_geometry(d, c) or slab_geometry(d, c)
    n = n + 1; expect(n, g.size)
    n = n + 1; expect(n, { order = g.order, objects = g.objects })
    n = n + 1; expect(n, g.left)
    if d.policy == "slab" then
      n = n + 1; expect(n, { colours = g.colours, colour_off = g.colour_off })
      if q.difficulty >= 2 then n = n + 1; expect(n, g.mgmt) end
    end
  end
end

-- ---- slub: cpu slabs, cpu partial lists, node partial list (6.14/6.18 rules) ----

function checks.slub(d)
  local per, cpl, minp = d.objects_per_slab, d.cpu_partial_slabs, d.min_partial
  local slabs, node = {}, {}			-- node: the node partial list, head first
  local cpus = { [0] = { freelist = {}, partial = {} }, [1] = { freelist = {}, partial = {} } }
  local where = {}				-- object name -> { slab, slot }
  local function remove(list, s)
    for i, x in ipairs(list) do if x == s then table.remove(list, i); return end end
  end
  local function discard(s) s.freed = true end
  -- put_cpu_partial(): drain a full chain to the node, then push
  local function put_cpu_partial(c, s)
    local C = cpus[c]
    if #C.partial >= cpl then
      local chain = C.partial
      C.partial = {}
      for _, x in ipairs(chain) do
        x.cpu_partial = nil
        if x.inuse == 0 and #node >= minp then discard(x)
        else node[#node + 1] = x; x.on_node = true end
      end
    end
    table.insert(C.partial, 1, s)
    s.cpu_partial = c
  end
  local function take_freelist(C, s)
    C.freelist = s.freelist
    s.freelist = {}
    s.inuse = per
    s.frozen = true
    C.slab = s
  end
  local function alloc(c)
    local C = cpus[c]
    if not (C.slab and #C.freelist > 0) then
      local loaded = false
      if C.slab then
        if #C.slab.freelist > 0 then
          take_freelist(C, C.slab)		-- the objects freed to it meanwhile
          loaded = true
        else
          C.slab.frozen = false			-- full: on no list
          C.slab = nil
        end
      end
      if not loaded then
        if #C.partial > 0 then
          local s = table.remove(C.partial, 1)
          s.cpu_partial = nil
          take_freelist(C, s)
        elseif #node > 0 then
          local s = table.remove(node, 1)
          s.on_node = false
          -- get_partial_node(): the next ones go to this CPU's partial list
          -- until more than cpu_partial_slabs / 2 have moved
          local moved = 0
          while #node > 0 do
            local x = table.remove(node, 1)
            x.on_node = false
            table.insert(C.partial, 1, x)
            x.cpu_partial = c
            moved = moved + 1
            if moved > cpl // 2 then break end
          end
          take_freelist(C, s)
        else
          local s = { label = "S" .. (#slabs + 1), freelist = {}, inuse = per }
          for i = 0, per - 1 do s.freelist[#s.freelist + 1] = i end
          slabs[#slabs + 1] = s
          take_freelist(C, s)
        end
      end
    end
    return C.slab, table.remove(C.freelist, 1)
  end
  local function free(c, s, slot)
    local C = cpus[c]
    if s == C.slab then table.insert(C.freelist, 1, slot); return end
    local was_full = #s.freelist == 0
    table.insert(s.freelist, 1, slot)
    s.inuse = s.inuse - 1
    if s.frozen then return end
    if was_full then put_cpu_partial(c, s); return end
    if s.on_node and s.inuse == 0 and #node >= minp then
      remove(node, s)
      s.on_node = false
      discard(s)
    end
  end
  for _, op in ipairs(d.ops) do
    for _, name in ipairs(op.objects) do
      if op.op == "alloc" then
        local s, slot = alloc(op.cpu)
        where[name] = { s, slot }
      else
        free(op.cpu, where[name][1], where[name][2])
      end
    end
  end
  local n = 0
  for _, s in ipairs(slabs) do
    local want
    if s.freed then
      want = { list = "freed", free = 0 }
    elseif cpus[0].slab == s or cpus[1].slab == s then
      local c = cpus[0].slab == s and 0 or 1
      want = { list = "cpu_slab", cpu = c, free = #cpus[c].freelist + #s.freelist }
    elseif s.cpu_partial then
      local pos
      for i, x in ipairs(cpus[s.cpu_partial].partial) do if x == s then pos = i end end
      want = { list = "cpu_partial", cpu = s.cpu_partial, position = pos, free = per - s.inuse }
    elseif s.on_node then
      local pos
      for i, x in ipairs(node) do if x == s then pos = i end end
      want = { list = "node_partial", node = 0, position = pos, free = per - s.inuse }
    else
      want = { list = "full", free = 0 }
    end
    n = n + 1
    expect(n, want)
  end
  for c = 0, 1 do
    local C = cpus[c]
    n = n + 1
    expect(n, { freelist = C.slab and #C.freelist or 0, remote = C.slab and #C.slab.freelist or 0 })
  end
end

-- ---- slob: first fit (slob_alloc, slob_page_alloc, slob_free) ----

function checks.slob(d)
  local lists = { small = {}, medium = {}, large = {} }
  local pages = {}
  local function list_of(bytes) return bytes < 256 and "small" or bytes < 1024 and "medium" or "large" end
  -- first fit inside one page; the block's unit offset, or nil
  local function page_alloc(pg, units, al)
    for i, b in ipairs(pg.blocks) do
      -- ALIGN(cur + align_offset, align) - align_offset, in bytes, align_offset 8
      local delta = (align(b.off * 2 + 8, al) - 8 - b.off * 2) // 2
      if b.size >= units + delta then
        local cur, avail = b.off, b.size
        if delta > 0 then
          b.size = delta			-- the head fragment stays free
          cur, avail = cur + delta, avail - delta
          i = i + 1
          table.insert(pg.blocks, i, { off = cur, size = avail })
        end
        if avail == units then
          table.remove(pg.blocks, i)
        else
          pg.blocks[i] = { off = cur + units, size = avail - units }
        end
        pg.units = pg.units - units
        if pg.units == 0 then
          local l = lists[pg.list]
          for k, x in ipairs(l) do if x == pg then table.remove(l, k); break end end
          pg.list = nil
        end
        return cur
      end
    end
  end
  local function alloc(n)
    local bytes = n + 8
    local units = (bytes + 1) // 2
    local al = (n & (n - 1)) == 0 and math.max(n, 8) or 8
    local name = list_of(bytes)
    local l = lists[name]
    for idx, pg in ipairs(l) do
      if pg.units >= units then
        local cur = page_alloc(pg, units, al)
        if cur then
          if pg.list and idx ~= 1 then	-- list_rotate_to_front()
            local rot = {}
            for k = idx, #l do rot[#rot + 1] = l[k] end
            for k = 1, idx - 1 do rot[#rot + 1] = l[k] end
            lists[name] = rot
          end
          return pg, cur, units
        end
      end
    end
    local pg = { label = "P" .. (#pages + 1), units = 2048, blocks = { { off = 0, size = 2048 } }, list = name }
    pages[#pages + 1] = pg
    table.insert(l, 1, pg)
    return pg, page_alloc(pg, units, al), units
  end
  local function free(pg, off, units, bytes)
    if pg.units + units == 2048 then
      if pg.list then
        local l = lists[pg.list]
        for k, x in ipairs(l) do if x == pg then table.remove(l, k); break end end
      end
      pg.gone = true
      return
    end
    if not pg.list then
      pg.units = units
      pg.blocks = { { off = off, size = units } }
      pg.list = list_of(bytes)
      table.insert(lists[pg.list], 1, pg)
      return
    end
    pg.units = pg.units + units
    local i = 1
    while i <= #pg.blocks and pg.blocks[i].off < off do i = i + 1 end
    table.insert(pg.blocks, i, { off = off, size = units })
    local nx = pg.blocks[i + 1]
    if nx and off + units == nx.off then
      pg.blocks[i].size = units + nx.size
      table.remove(pg.blocks, i + 1)
    end
    local pv = pg.blocks[i - 1]
    if pv and pv.off + pv.size == off then
      pv.size = pv.size + pg.blocks[i].size
      table.remove(pg.blocks, i)
    end
  end
  local held, n = {}, 0
  for _, op in ipairs(d.ops) do
    if op.op == "alloc" then
      local pg, cur, units = alloc(op.size)
      held[op.name] = { pg, cur, units, op.size + 8 }
      if op.question then
        n = n + 1
        expect(n, { page = pg.label, pfn = q.questions[n].answer.pfn, offset = cur * 2 })
      end
    else
      local h = held[op.name]
      free(h[1], h[2], h[3], h[4])
    end
  end
  if q.difficulty >= 2 then
    local names = {}
    for _, pg in ipairs(lists.medium) do names[#names + 1] = pg.label end
    n = n + 1
    expect(n, names)
  end
end

-- ---- gfp: might_sleep_if(), gfp_to_alloc_flags(), __zone_watermark_ok() ----

local GFP = {
  __GFP_DMA = 0x01, __GFP_HIGHMEM = 0x02, __GFP_DMA32 = 0x04, __GFP_MOVABLE = 0x08,
  __GFP_RECLAIMABLE = 0x10, __GFP_HIGH = 0x20, __GFP_IO = 0x40, __GFP_FS = 0x80,
  __GFP_DIRECT_RECLAIM = 0x400, __GFP_KSWAPD_RECLAIM = 0x800, __GFP_NOWARN = 0x2000,
  __GFP_MEMALLOC = 0x20000, __GFP_NOMEMALLOC = 0x80000, __GFP_HARDWALL = 0x100000,
}
GFP.__GFP_RECLAIM = GFP.__GFP_DIRECT_RECLAIM | GFP.__GFP_KSWAPD_RECLAIM
GFP.GFP_ATOMIC = GFP.__GFP_HIGH | GFP.__GFP_KSWAPD_RECLAIM
GFP.GFP_KERNEL = GFP.__GFP_RECLAIM | GFP.__GFP_IO | GFP.__GFP_FS
GFP.GFP_NOWAIT = GFP.__GFP_KSWAPD_RECLAIM | GFP.__GFP_NOWARN
GFP.GFP_NOIO = GFP.__GFP_RECLAIM
GFP.GFP_NOFS = GFP.__GFP_RECLAIM | GFP.__GFP_IO
GFP.GFP_USER = GFP.__GFP_RECLAIM | GFP.__GFP_IO | GFP.__GFP_FS | GFP.__GFP_HARDWALL

local function gfp_of(s)
  local v = 0
  for name in s:gmatch("[^|]+") do v = v | assert(GFP[name], "unknown flag " .. name) end
  return v
end

function checks.gfp(d)
  local n = 0
  for _, case in ipairs(d.cases) do
    local g = gfp_of(case.gfp)
    local may_sleep = g & GFP.__GFP_DIRECT_RECLAIM ~= 0
    n = n + 1
    expect(n, { may_sleep = may_sleep, bug_in = may_sleep and { "atomic", "softirq", "hardirq" } or {} })
    -- the slow path's watermark (a single zone: no lowmem reserve)
    local lowest, reserve
    local nomemalloc = g & GFP.__GFP_NOMEMALLOC ~= 0
    if not nomemalloc and (g & GFP.__GFP_MEMALLOC ~= 0 or case.scope == "memalloc") then
      lowest, reserve = 1, "no_watermarks"	-- ALLOC_NO_WATERMARKS: while a page is free
    else
      local m = d.min
      local high = g & GFP.__GFP_HIGH ~= 0
      local non_block = not may_sleep and not nomemalloc
      if high then m = m - m // 2 end
      if high and non_block then m = m - m // 4 end
      lowest = m + 1				-- free must be > m
      reserve = not high and "none" or non_block and "atomic" or "min"
    end
    n = n + 1
    expect(n, { lowest_free = lowest, reserve = reserve })
    if q.difficulty >= 2 then
      n = n + 1
      expect(n, g & GFP.__GFP_KSWAPD_RECLAIM ~= 0)
    end
  end
end

-- ---- watermarks: calculate_min_free_kbytes(), __setup_per_zone_wmarks() ----

local function isqrt(x)
  local r = math.floor(math.sqrt(x))
  while r * r > x do r = r - 1 end
  while (r + 1) * (r + 1) <= x do r = r + 1 end
  return r
end

function checks.watermarks(d)
  local lowmem = 0
  for _, z in ipairs(d.zones) do lowmem = lowmem + z.managed end
  local n = 0
  local kb = d.min_free_kbytes
  if kb == "default" then
    kb = math.min(math.max(isqrt(16 * 4 * lowmem), 128), 262144)
    n = n + 1
    expect(n, kb)
  end
  local pages_min = kb >> 2
  local managed = {}
  for _, z in ipairs(d.zones) do
    local min = pages_min * z.managed // lowmem
    local step = math.max(min >> 2, z.managed * d.watermark_scale_factor // 10000)
    n = n + 1
    expect(n, { min = min, low = min + step, high = min + 2 * step })
    managed[z.name] = z.managed
  end
  if q.difficulty == 3 then
    n = n + 1
    expect(n, managed.Normal // 256)	-- lowmem_reserve_ratio[DMA32] = 256
  end
end

-- ---- run ----

local check = assert(checks[q.topic], "no check for topic " .. tostring(q.topic))
check(q.data)
if checked ~= #q.questions then
  failures = failures + 1
  print(("FAIL %s: %d questions, %d checked"):format(q.command, #q.questions, checked))
end
if failures > 0 then error(("%d of %d answers differ from the kernel's rules"):format(failures, checked), 0) end
print(("ok %s: %d answers match"):format(q.command, checked))
