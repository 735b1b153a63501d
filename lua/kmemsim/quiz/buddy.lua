-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.buddy: the buddy allocator splitting and merging blocks
--
-- A zone of 1024 pages starts as one free order-10 block.  A seeded
-- sequence of alloc_pages() and free_pages() runs on it; the questions ask
-- which pfn each allocation gets (expand(): the lowest 2^order pages of
-- the first block of the smallest order that has one, the upper halves of
-- each split going to the heads of the lower lists), what each free
-- merges with (__free_one_page(): the buddy at pfn XOR 2^order, while it
-- is a free block of the same order), and what /proc/buddyinfo shows at
-- the end.  Every answer is read from the simulator: the pfn it returned,
-- its narration of the free, its buddyinfo.
--
-- The pages are movable (GFP_HIGHUSER_MOVABLE) and the per-CPU lists are
-- off, so every page comes from and goes back to the buddy lists of one
-- migratetype: the rules above are all there is to it.

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "buddy",
  summary = "alloc_pages/free_pages: which pfn, which blocks merge, buddyinfo",
  policies = nil,
}

local PAGES = 1024
local GFP = "GFP_HIGHUSER_MOVABLE"

-- the sizes of the problem by difficulty: operations, highest order
local SHAPE = {
  { ops = 4, max_order = 2 },
  { ops = 7, max_order = 3 },
  { ops = 10, max_order = 4 },
}

-- the sequence: { {op = "alloc", name = "A", order = 2}, {op = "free", name = "A"} }
local function draw_ops(d)
  local shape = SHAPE[d]
  local ops, live, n = {}, {}, 0
  for i = 1, shape.ops do
    local left = shape.ops - i + 1
    -- free once two blocks are out; the last operation always frees
    local free = #live > 0 and (left == 1 or (#live >= 2 and math.random() < 0.4))
    if free then
      local k = math.random(1, #live)
      ops[#ops + 1] = { op = "free", name = live[k].name, order = live[k].order }
      table.remove(live, k)
    else
      n = n + 1
      local o = { op = "alloc", name = string.char(64 + n), order = math.random(0, shape.max_order) }
      ops[#ops + 1] = o
      live[#live + 1] = o
    end
  end
  return ops
end

-- the free blocks of the zone, by order, from sim:page() (for the why)
local function free_blocks(sim, base)
  local by_order = {}
  local pfn = base
  while pfn < base + PAGES do
    local p = assert(sim:page(pfn))
    local size = 1 << p.order
    if p.state == "free" and p.head == pfn then
      local l = by_order[p.order] or {}
      l[#l + 1] = Q.hex(pfn)
      by_order[p.order] = l
    end
    pfn = p.head + size
  end
  local parts = {}
  for o = 0, 10 do
    if by_order[o] then
      parts[#parts + 1] = ("order %d: %s"):format(o, table.concat(by_order[o], ", "))
    end
  end
  return table.concat(parts, "; ")
end

local function buddyinfo_counts(sim)
  local z = Q.zone(sim, "Normal")
  local c = {}
  for o = 0, 10 do c[o + 1] = z.nr_free[o + 1] end
  return c
end

function M.generate(p)
  local ops = draw_ops(p.difficulty)
  local sim = km.new{ zones = { Normal = PAGES }, cpus = 1, pcp = false, min_free_kbytes = 128 }
  local base = Q.zone(sim, "Normal").start_pfn
  local questions = {}
  local pfns = {}
  local data_ops = {}

  for _, o in ipairs(ops) do
    if o.op == "alloc" then
      local narr, r = Q.narrate(sim, sim.alloc_pages, sim, o.order, GFP)
      local pfn = assert(r[1], r[2])
      pfns[o.name] = pfn
      data_ops[#data_ops + 1] = { op = "alloc", name = o.name, order = o.order }
      questions[#questions + 1] = {
        q = ("%s = alloc_pages(order %d): at which pfn does %s start?"):format(o.name, o.order, o.name),
        answer = pfn,
        show = Q.hex(pfn),
        why = Q.find_note(narr, "^buddy") or Q.find_note(narr, "at pfn") or "(no narration)",
      }
    else
      local pfn = pfns[o.name]
      local narr = Q.narrate(sim, sim.free_pages, sim, pfn, o.order)
      local note = assert(Q.find_note(narr, "^buddy:"), "free_pages: no buddy narration")
      -- the merge is read back from the simulator: the block now holding pfn
      local pg = assert(sim:page(pfn))
      local merged = {}
      local list = note:match("merges with its free budd%a+ (.-): an order")
      if list then
        for b in list:gmatch("0x(%x+) %(order") do merged[#merged + 1] = tonumber(b, 16) end
      end
      local shown
      if #merged == 0 then
        shown = ("no merge: %s stays an order-%d block at %s"):format(o.name, o.order, Q.hex(pfn))
      else
        local names = {}
        for _, b in ipairs(merged) do names[#names + 1] = Q.hex(b) end
        shown = ("merges with %s: one free order-%d block at %s"):format(
          table.concat(names, ", "), pg.order, Q.hex(pg.head))
      end
      data_ops[#data_ops + 1] = { op = "free", name = o.name, order = o.order }
      questions[#questions + 1] = {
        q = ("free_pages(%s, order %d): which free buddies does it merge with, and what free block results?"):format(
          o.name, o.order),
        answer = { merged = merged, pfn = pg.head, order = pg.order },
        show = shown,
        why = note:gsub("^buddy: ", ""),
      }
    end
  end
  local counts = buddyinfo_counts(sim)
  questions[#questions + 1] = {
    q = "What does /proc/buddyinfo show for zone Normal at the end (free blocks of order 0 to 10)?",
    answer = counts,
    show = table.concat(counts, " "),
    why = "the free blocks are " .. free_blocks(sim, base),
  }

  local text = {
    ("Zone Normal has %d pages, pfn %s to %s: at the start one free"):format(PAGES,
      Q.hex(base), Q.hex(base + PAGES - 1)),
    "order-10 block.  Per-CPU page lists are off and every page is movable, so",
    "each request goes straight to the buddy lists.  The requests, in order:",
    "",
  }
  for i, o in ipairs(ops) do
    if o.op == "alloc" then
      text[#text + 1] = ("  %2d. %s = alloc_pages(%s, order %d)"):format(i, o.name, GFP, o.order)
    else
      text[#text + 1] = ("  %2d. free_pages(%s, order %d)"):format(i, o.name, o.order)
    end
  end
  text[#text + 1] = ""
  text[#text + 1] = "Rules: an allocation takes the first block of the smallest order that has"
  text[#text + 1] = "one and splits it, keeping the lower half, the upper halves going to the"
  text[#text + 1] = "head of their lists; a freed block merges with its buddy (pfn XOR 2^order)"
  text[#text + 1] = "while that is a free block of the same order (a block is queued at the"
  text[#text + 1] = "tail of its list when its own buddy is free one order up, else the head)."
  return {
    title = "Buddy allocator: split and merge",
    text = text,
    data = { zone = "Normal", start_pfn = base, pages = PAGES, gfp = GFP, ops = data_ops },
    questions = questions,
  }
end

return M
