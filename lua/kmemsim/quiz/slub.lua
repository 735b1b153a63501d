-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.slub: which list each slab is on after allocs and frees on two CPUs
--
-- SLUB keeps, per CPU, one slab it allocates from (the cpu slab, "frozen":
-- its free objects are the CPU's lockless freelist plus what other CPUs
-- freed into it meanwhile) and a short list of partial slabs; per node a
-- list of partial slabs; full slabs are on no list at all.  A seeded
-- sequence of kmem_cache_alloc()/kmem_cache_free() on CPU 0 and CPU 1
-- runs on a cache of page-sized objects (4 per slab, so a CPU's partial
-- list fills after 3 slabs and drains to the node): where is each slab at
-- the end, how many objects are free in it, and how many are on a CPU's
-- freelist?  The answers are read from the simulator's own lists
-- (cache:dump()), the why from its narration of the operation that last
-- moved that slab.

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "slub",
  summary = "allocs and frees on two CPUs: cpu slab, cpu partial, node partial, full",
  policies = { "slub" },
}

local SIZE = 4096
local BASE = 0xffff888000000000

-- a cache:dump() of SLUB, parsed: slab pfn -> { list =, cpu =, free = }, and
-- per CPU { freelist = objects on c->freelist, remote = freed into the slab }
local function parse_dump(text)
  local slabs, cpus = {}, {}
  local function pfn_of(hex) return (tonumber(hex, 16) - BASE) >> 12 end
  for line in text:gmatch("[^\n]+") do
    local cpu, rest = line:match("^cpu(%d+): (.*)$")
    if cpu then
      cpu = tonumber(cpu)
      local slab, a, b = rest:match("^slab 0x(%x+)%((%d+)%+(%d+)%)")
      cpus[cpu] = { freelist = 0, remote = 0 }
      if slab then
        slabs[pfn_of(slab)] = { list = "cpu_slab", cpu = cpu, free = tonumber(a) + tonumber(b) }
        cpus[cpu] = { freelist = tonumber(a), remote = tonumber(b) }
      end
      local part = rest:match("partial(.*)$") or ""
      local pos = 0
      for addr, n in part:gmatch("0x(%x+)%((%d+)%)") do
        pos = pos + 1
        slabs[pfn_of(addr)] = { list = "cpu_partial", cpu = cpu, free = tonumber(n), pos = pos }
      end
    end
    local node, list = line:match("^node(%d+): .-partial %d+:(.*)$")
    if node then
      local pos = 0
      for addr, n in list:gmatch("0x(%x+)%((%d+)%)") do
        pos = pos + 1
        slabs[pfn_of(addr)] = { list = "node_partial", node = tonumber(node), free = tonumber(n), pos = pos }
      end
    end
  end
  return slabs, cpus
end

local function describe(st)
  if st.list == "cpu_slab" then
    return ("CPU %d's cpu slab, %d free"):format(st.cpu, st.free)
  elseif st.list == "cpu_partial" then
    return ("CPU %d's partial list (%s), %d free"):format(st.cpu,
      st.pos == 1 and "at its head" or ("position %d"):format(st.pos), st.free)
  elseif st.list == "node_partial" then
    return ("node %d's partial list (%s), %d free"):format(st.node,
      st.pos == 1 and "at its head" or ("position %d"):format(st.pos), st.free)
  elseif st.list == "full" then
    return "full: on no list"
  end
  return "freed: its pages went back to the page allocator"
end

-- the operations: { cpu =, op = "alloc", names = {...} } or { cpu =, op = "free", names = {...} }
local function draw_ops(d)
  local ops, live, n = {}, {}, 0
  local function alloc(cpu, k)
    local names = {}
    for _ = 1, k do
      n = n + 1
      names[#names + 1] = "A" .. n
      live[#live + 1] = "A" .. n
    end
    ops[#ops + 1] = { cpu = cpu, op = "alloc", names = names }
  end
  local function free(cpu, k)
    local names = {}
    for _ = 1, math.min(k, #live) do
      local i = math.random(1, #live)
      names[#names + 1] = live[i]
      table.remove(live, i)
    end
    table.sort(names, function(a, b) return tonumber(a:sub(2)) < tonumber(b:sub(2)) end)
    if #names > 0 then ops[#ops + 1] = { cpu = cpu, op = "free", names = names } end
  end
  local first = math.random(0, 1)
  if d == 1 then
    alloc(first, math.random(6, 9))
    free(1 - first, math.random(2, 3))
    free(first, 1)
    alloc(math.random(0, 1), math.random(1, 2))
  elseif d == 2 then
    alloc(first, math.random(8, 12))
    alloc(1 - first, math.random(3, 6))
    free(1 - first, math.random(3, 5))
    free(first, math.random(2, 3))
    alloc(math.random(0, 1), math.random(2, 4))
    free(math.random(0, 1), 2)
  else
    alloc(first, math.random(16, 22))
    free(1 - first, math.random(6, 9))
    alloc(1 - first, math.random(3, 5))
    free(first, math.random(5, 8))
    free(1 - first, math.random(4, 6))
    alloc(first, math.random(2, 4))
  end
  return ops
end

local function names_text(names)
  -- A3, A4, A5, A6 -> A3-A6 when consecutive
  local parts, i = {}, 1
  while i <= #names do
    local j = i
    while j < #names and tonumber(names[j + 1]:sub(2)) == tonumber(names[j]:sub(2)) + 1 do j = j + 1 end
    parts[#parts + 1] = j > i + 1 and (names[i] .. "-" .. names[j]) or
      (j == i + 1 and (names[i] .. ", " .. names[j]) or names[i])
    i = j + 1
  end
  return table.concat(parts, ", ")
end

function M.generate(p)
  local ops = draw_ops(p.difficulty)
  local sim = km.new{ ram = "64M", cpus = 2, policy = "slub", slub_max_order = 2 }
  local c = sim:cache_create("quiz", SIZE)
  local info = c:info()
  local addr, slab_of = {}, {}		-- objects: address, slab entry
  local slabs = {}			-- in creation order: { pfn =, label =, state =, why = }
  local live = {}			-- pfn -> the slab entry there now
  local pages = info.pages_per_slab

  for _, o in ipairs(ops) do
    local narr = Q.narrate(sim, sim.on_cpu, sim, o.cpu, function()
      for _, nm in ipairs(o.names) do
        if o.op == "alloc" then
          addr[nm] = assert(c:alloc("GFP_KERNEL"))
          -- a new slab, or one at the pfn of a slab freed earlier: a new name
          local pfn = ((addr[nm] - BASE) >> 12) // pages * pages
          local e = live[pfn]
          if not e or (e.state and e.state.list == "freed") then
            e = { pfn = pfn, label = "S" .. (#slabs + 1), members = {} }
            slabs[#slabs + 1] = e
            live[pfn] = e
          end
          slab_of[nm] = e
          e.members[#e.members + 1] = nm
        else
          assert(c:free(addr[nm]))
        end
      end
    end)
    local now = parse_dump(c:dump())
    for _, e in ipairs(slabs) do
      local st = now[e.pfn]
      if live[e.pfn] ~= e then
        st = e.state		-- an older slab at a reused pfn: it stays freed
      elseif not st then
        -- on no list: full, or gone (its pages are no slab any more)
        local pg = sim:page(e.pfn)
        st = { list = (pg and pg.state == "slab") and "full" or "freed", free = 0 }
      end
      local old = e.state
      if not old or old.list ~= st.list or old.cpu ~= st.cpu or old.free ~= st.free or old.pos ~= st.pos then
        local mention = Q.find_note(narr, "pfn " .. Q.hex(e.pfn) .. "%f[^%x]", true)
        local notes = Q.notes(narr)
        local note = (mention or notes[#notes] or "the fast path: no slab changes list"):gsub("^slub quiz: ", "")
        e.why = ("CPU %d, %s: %s"):format(o.cpu, o.op == "alloc" and "the allocations" or "the frees", note)
        if not mention and old and old.list == st.list and old.pos ~= st.pos and st.pos then
          -- untouched itself: another slab went in front of it on the list
          e.why = ("%s; that puts %s at position %d"):format(e.why, e.label, st.pos)
        end
      end
      e.state = st
    end
  end

  local questions = {}
  local _, cpus = parse_dump(c:dump())
  for _, e in ipairs(slabs) do
    local st = e.state
    questions[#questions + 1] = {
      q = ("Slab %s (pfn %s, the slab of %s): where is it at the end, and how many of its objects are free?"):format(
        e.label, Q.hex(e.pfn), e.members[1]),
      answer = { list = st.list, cpu = st.cpu, node = st.node, position = st.pos, free = st.free },
      show = describe(st),
      why = e.why,
    }
  end
  for cpu = 0, 1 do
    local cs = cpus[cpu] or { freelist = 0, remote = 0 }
    local cur
    for _, e in ipairs(slabs) do
      if e.state.list == "cpu_slab" and e.state.cpu == cpu then cur = e end
    end
    questions[#questions + 1] = {
      q = ("CPU %d: how many free objects are on its lockless freelist (c->freelist), and how many did the other CPU free into its cpu slab?"):format(cpu),
      answer = { freelist = cs.freelist, remote = cs.remote },
      show = cur and ("%d on c->freelist, %d freed into slab %s by the other CPU"):format(cs.freelist,
        cs.remote, cur.label) or "none: CPU " .. cpu .. " has no cpu slab",
      why = cur and cur.why or ("CPU %d has no cpu slab: it never allocated, or its slab filled up"):format(cpu),
    }
  end

  local text = {
    ('kmem_cache_create("quiz", %d) on a 2-CPU machine booted with slub_max_order=2:'):format(SIZE),
    ("each slab is %d pages and holds %d objects, handed out in address order;"):format(pages,
      info.objects_per_slab),
    ("a CPU's partial list takes %d slabs before it is drained to the node"):format(info.cpu_partial_slabs),
    ("(cpu_partial_slabs), and an empty slab is freed once the node already has"),
    ("%d partial slabs (min_partial).  In order:"):format(info.min_partial),
    "",
  }
  local data_ops = {}
  for i, o in ipairs(ops) do
    local verb = o.op == "alloc" and "allocates" or "frees"
    text[#text + 1] = ("  %2d. CPU %d %s %s"):format(i, o.cpu, verb, names_text(o.names))
    data_ops[i] = { cpu = o.cpu, op = o.op, objects = o.names }
  end
  text[#text + 1] = ""
  text[#text + 1] = "Slabs are named S1, S2, ... in the order they are created."
  return {
    title = "SLUB: cpu slabs, partial lists, full slabs",
    text = text,
    data = { size = SIZE, cpus = 2, objects_per_slab = info.objects_per_slab, order = info.order,
      cpu_partial_slabs = info.cpu_partial_slabs, min_partial = info.min_partial, ops = data_ops },
    questions = questions,
  }
end

return M
