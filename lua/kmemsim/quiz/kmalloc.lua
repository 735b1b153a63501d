-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.kmalloc: size classes and the bytes they waste, per policy
--
-- kmalloc() has no cache of its own: under SLUB and SLAB it rounds a
-- request up to one of the kmalloc caches (8, 16, 32, 64, 96, 128, 192,
-- 256, 512, 1k, 2k, 4k, 8k; SLAB starts at 32), and above 8 KiB it takes
-- whole pages; SLOB carves size + an 8-byte header (in 2-byte units) out
-- of a page it shares with everything else, and takes pages from 4088
-- bytes on.  A seeded list of request sizes is run on one simulator per
-- policy; the answer for each request is what the simulator did: the
-- cache whose live objects grew (or the large kmalloc, or the SLOB block
-- its narration reports) and the bytes it set aside, minus the request.

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "kmalloc",
  summary = "kmalloc(n): the size class that serves it and the bytes it wastes",
  policies = { "slub", "slab", "slob" },
  all_policies = true,
}

-- class boundaries: a request one byte past one wastes the most
local EDGES = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096 }

local function draw_size(d)
  local r = math.random()
  if r < 0.4 then
    local top = ({ 7, 10, 12 })[d]
    return EDGES[math.random(1, top)] + 1
  elseif r < 0.55 and d >= 2 then
    return EDGES[math.random(1, 11)]		-- exactly a class (a power of two: SLOB aligns it)
  end
  local hi = ({ 512, 4096, 8192 })[d]
  return math.random(1, hi)
end

local function draw_sizes(d)
  local n = ({ 4, 6, 8 })[d]
  local sizes, seen = {}, {}
  -- the tricky ones at difficulty 3: nothing, a page minus the SLOB header, a large one
  if d == 3 then
    for _, s in ipairs({ 0, math.random(4089, 4096), math.random(8193, 20000) }) do
      sizes[#sizes + 1] = s
      seen[s] = true
    end
  end
  while #sizes < n do
    local s = draw_size(d)
    if not seen[s] then
      seen[s] = true
      sizes[#sizes + 1] = s
    end
  end
  return Q.shuffle(sizes)
end

-- live objects per cache, by name
local function live_by_cache(sim)
  local t = {}
  for _, c in ipairs(sim:caches()) do t[c:name()] = c:stats().live end
  return t
end

-- what one kmalloc(n) did on sim: { where =, bytes =, waste =, why = }
local function serve(sim, policy, n)
  local before = live_by_cache(sim)
  local large_before = sim:slab_summary().large_objects
  local narr, r = Q.narrate(sim, sim.kmalloc, sim, n, "GFP_KERNEL")
  local a = assert(r[1], r[2])
  if n == 0 then
    return { where = "ZERO_SIZE_PTR", bytes = 0, waste = 0,
      why = Q.find_note(narr, "ZERO_SIZE_PTR") or "kmalloc(0)" }, a
  end
  if sim:slab_summary().large_objects > large_before then
    local bytes = sim:ksize(a)
    local order = 0
    while (4096 << order) < bytes do order = order + 1 end
    local why = Q.find_note(narr, "large kmalloc") or Q.find_note(narr, "whole pages") or "a large kmalloc"
    return { where = ("pages (order %d)"):format(order), bytes = bytes, waste = bytes - n,
      why = why:gsub("^slob: ", "") }, a
  end
  if policy == "slob" then
    -- "slob: 1803 bytes (902 units) at offset ...": the block is the units
    local note = assert(Q.find_note(narr, "^slob: %d+ bytes %("), "slob: no block narration")
    local bytes = 2 * tonumber(note:match("^slob: %d+ bytes %((%d+) units"))
    return { where = "SLOB heap", bytes = bytes, waste = bytes - n, why = note:gsub("^slob: ", "") }, a
  end
  for name, live in pairs(live_by_cache(sim)) do
    if live > (before[name] or 0) then
      local c = sim:cache(name)
      local bytes = c:info().size
      return { where = name, bytes = bytes, waste = bytes - n,
        why = Q.find_note(narr, "bytes of padding") or name }, a
    end
  end
  error(("kmalloc(%d) under %s: no cache gained an object"):format(n, policy))
end

local function show(policy, r)
  policy = policy:upper()
  if r.where == "ZERO_SIZE_PTR" then return ("%s ZERO_SIZE_PTR: nothing allocated"):format(policy) end
  if r.where == "SLOB heap" then
    return ("%s heap block: %d bytes, %d wasted"):format(policy, r.bytes, r.waste)
  end
  return ("%s %s: %d bytes, %d wasted"):format(policy, r.where, r.bytes, r.waste)
end

function M.generate(p)
  local policies = p.policy and { p.policy } or { "slub", "slab", "slob" }
  local sizes = draw_sizes(p.difficulty)
  local results = {}
  for _, pol in ipairs(policies) do
    local sim = km.new{ ram = "64M", cpus = 1, policy = pol }
    local res = {}
    for i, n in ipairs(sizes) do res[i] = serve(sim, pol, n) end
    results[pol] = res
  end
  local questions = {}
  for i, n in ipairs(sizes) do
    local answer, shows, whys = {}, {}, {}
    for _, pol in ipairs(policies) do
      local r = results[pol][i]
      answer[pol] = { where = r.where, bytes = r.bytes, waste = r.waste }
      shows[#shows + 1] = show(pol, r)
      whys[#whys + 1] = ("%s: %s"):format(pol:upper(), r.why)
    end
    questions[#questions + 1] = {
      q = ("kmalloc(%d): what serves it under %s, how many bytes does it take, and how many of them are wasted?"):format(
        n, #policies > 1 and "each policy" or policies[1]:upper()),
      answer = answer,
      show = table.concat(shows, "; "),
      why = table.concat(whys, "; "),
    }
  end
  local total, shows = {}, {}
  for _, pol in ipairs(policies) do
    local req, taken = 0, 0
    for i, n in ipairs(sizes) do
      req = req + n
      taken = taken + results[pol][i].bytes
    end
    total[pol] = taken - req
    shows[#shows + 1] = ("%s %d of %d bytes (%.1f%%)"):format(pol:upper(), taken - req, taken,
      taken > 0 and (taken - req) * 100 / taken or 0)
  end
  questions[#questions + 1] = {
    q = "In all, how many bytes do these requests waste under each policy?",
    answer = total,
    show = table.concat(shows, "; "),
    why = "the sums of the answers above: bytes taken minus bytes requested",
  }
  local text = {
    ("A driver calls kmalloc() with these sizes, in this order, on a fresh 64 MiB"),
    ("machine (GFP_KERNEL, CPU 0):"),
    "",
    "  " .. table.concat(sizes, ", "),
    "",
    "SLUB and SLAB serve a request from the smallest kmalloc cache it fits",
    "(kmalloc-8 ... kmalloc-8k; SLAB's smallest is kmalloc-32) and give pages",
    "above 8 KiB; SLOB takes the request plus an 8-byte header, rounded up to",
    "2-byte units, from its heap, and whole pages once that does not fit a page.",
  }
  return {
    title = "kmalloc size classes and internal fragmentation",
    text = text,
    data = { sizes = sizes, policies = policies, gfp = "GFP_KERNEL" },
    questions = questions,
  }
end

return M
