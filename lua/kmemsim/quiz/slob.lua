-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.slob: which page and offset SLOB's first fit picks
--
-- SLOB (the kernel's allocator for tiny machines until 6.3) keeps no slabs:
-- kmalloc(n) takes n + 8 bytes (a size header, then the object), rounded
-- up to 2-byte units, from the first page on one of three lists (by size:
-- under 256 bytes, under 1 KiB, larger) whose free units suffice and that
-- has a free block big enough -- first fit, address ordered, the block
-- start aligned so that the object is 8-byte aligned (a power-of-two size
-- to its own size).  A page that served a request becomes the head of its
-- list (the list is rotated, so the next search starts there); a new page
-- is added at the head.  Frees coalesce with adjacent free blocks, and a
-- page whose every unit is free goes back to the page allocator.
--
-- A seeded sequence of kmalloc()/kfree() runs on a fresh heap, then a few
-- probe allocations: which page, at which offset?  The answers are the
-- addresses the simulator returned; the why is its narration ("slob: 308
-- bytes (154 units) at offset 0 of pfn 0x1000, ...").

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "slob",
  summary = "kmalloc under SLOB: which page and offset first fit picks",
  policies = { "slob" },
}

local BASE = 0xffff888000000000

local function draw_size(d, small_ok)
  while true do
    local n
    if small_ok and math.random() < 0.3 then
      n = math.random(24, 240)
    else
      n = math.random(250, 1000)
    end
    -- powers of two are naturally aligned: only at difficulty 3
    local pow2 = n & (n - 1) == 0
    if d == 3 or not pow2 then return n end
  end
end

local SHAPE = {
  { allocs = 4, frees = 2, probes = 2 },
  { allocs = 6, frees = 3, probes = 3 },
  { allocs = 9, frees = 4, probes = 4 },
}

local function draw_ops(d)
  local shape = SHAPE[d]
  local ops, live = {}, {}
  local n = 0
  local function alloc()
    n = n + 1
    local o = { op = "alloc", name = string.char(64 + n), size = draw_size(d, d == 3) }
    ops[#ops + 1] = o
    live[#live + 1] = o.name
  end
  for _ = 1, shape.allocs do alloc() end
  -- the frees, interleaved after the first half of the allocations at difficulty 3
  for _ = 1, shape.frees do
    local i = math.random(1, #live)
    local pos = d == 3 and math.random(shape.allocs // 2 + 1, #ops + 1) or #ops + 1
    -- never free before the allocation itself
    local name = live[i]
    for k, o in ipairs(ops) do
      if o.op == "alloc" and o.name == name and pos <= k then pos = k + 1 end
    end
    table.insert(ops, pos, { op = "free", name = name })
    table.remove(live, i)
  end
  local probes = {}
  for _ = 1, shape.probes do
    n = n + 1
    probes[#probes + 1] = { op = "alloc", name = string.char(64 + n), size = draw_size(d, d == 3), probe = true }
  end
  return ops, probes
end

function M.generate(p)
  local ops, probes = draw_ops(p.difficulty)
  local sim = km.new{ ram = "64M", cpus = 1, policy = "slob" }
  local dumper = sim:cache_create("quiz_dump", 64)	-- any cache dumps the whole heap
  local addr, label, pages = {}, {}, {}
  local function page_of(a)
    return (a - BASE) >> 12, (a - BASE) & 4095
  end
  local questions = {}
  local function run(o)
    if o.op == "free" then
      sim:kfree(addr[o.name])
      return
    end
    local narr, r = Q.narrate(sim, sim.kmalloc, sim, o.size, "GFP_KERNEL")
    local a = assert(r[1], r[2])
    addr[o.name] = a
    -- a page SLOB takes gets the next name (even at the pfn of one it gave back)
    for _, nt in ipairs(Q.notes(narr)) do
      local new = nt:match("^slob: new page at pfn 0x(%x+)")
      if new then
        pages[#pages + 1] = tonumber(new, 16)
        label[tonumber(new, 16)] = "P" .. #pages
      end
    end
    local pfn, off = page_of(a - 8)		-- the block starts at its header
    if o.probe then
      local notes = {}
      for _, nt in ipairs(Q.notes(narr)) do
        if nt:find("^slob:") then notes[#notes + 1] = nt:gsub("^slob: ", "") end
      end
      questions[#questions + 1] = {
        q = ("%s = kmalloc(%d): in which page, and at which offset in it, does its block (the 8-byte header) start?"):format(
          o.name, o.size),
        answer = { page = label[pfn], pfn = pfn, offset = off },
        show = ("%s (pfn %s), offset %d: %s = %s + %d"):format(label[pfn], Q.hex(pfn), off, o.name,
          label[pfn], off + 8),
        why = table.concat(notes, "; "),
      }
    end
  end
  for _, o in ipairs(ops) do run(o) end
  for _, o in ipairs(probes) do run(o) end

  if p.difficulty >= 2 then
    -- the medium list's order, from the simulator's own dump
    local heads = {}
    local cur
    for line in dumper:dump():gmatch("[^\n]+") do
      local list = line:match("^(%a+): %d+ pages")
      if list then cur = list end
      local a = line:match("^  0x(%x+)%(")
      if a and cur == "medium" then
        local pfn = (tonumber(a, 16) - BASE) >> 12
        heads[#heads + 1] = label[pfn] or Q.hex(pfn)
      end
    end
    questions[#questions + 1] = {
      q = "At the end, which pages are on the medium list (requests of 256 to 1023 bytes with the header), in search order?",
      answer = heads,
      show = #heads > 0 and table.concat(heads, ", ") or "none: no medium page has free space",
      why = "SLOB starts the next search at the page that served the last request: it rotates the list to make that page the head",
    }
  end

  local text = {
    "A 1-CPU machine runs SLOB.  Its heap is empty; these calls run in order",
    "(pages are named P1, P2, ... in the order SLOB takes them):",
    "",
  }
  local data_ops = {}
  local i = 0
  local function line(o)
    i = i + 1
    if o.op == "alloc" then
      text[#text + 1] = ("  %2d. %s = kmalloc(%d)%s"):format(i, o.name, o.size, o.probe and "   <- question" or "")
      data_ops[#data_ops + 1] = { op = "alloc", name = o.name, size = o.size, question = o.probe or false }
    else
      text[#text + 1] = ("  %2d. kfree(%s)"):format(i, o.name)
      data_ops[#data_ops + 1] = { op = "free", name = o.name }
    end
  end
  for _, o in ipairs(ops) do line(o) end
  for _, o in ipairs(probes) do line(o) end
  text[#text + 1] = ""
  text[#text + 1] = "kmalloc(n) takes n + 8 bytes (a size header, then the object) in 2-byte"
  text[#text + 1] = "units; the object is 8-byte aligned (a power-of-two n: n-aligned), a gap"
  text[#text + 1] = "before it staying free.  Lists: small (< 256 bytes with the header),"
  text[#text + 1] = "medium (< 1024), large; a page is 2048 units."
  return {
    title = "SLOB: first fit over partially free pages",
    text = text,
    data = { page_size = 4096, unit = 2, header = 8, ops = data_ops },
    questions = questions,
  }
end

return M
