-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.gfp: what a GFP mask allows -- sleeping, which reserves, where
--
-- For a few seeded GFP masks (and, at difficulty 3, a PF_MEMALLOC scope):
--   - may the allocation sleep, and in which contexts is it therefore a
--     bug?  Asked of the simulator by running it in process, atomic
--     (spinlock held), softirq and hardirq context and reading the
--     might_sleep() reports it files ("BUG: sleeping function called from
--     invalid context");
--   - how far below the min watermark may it take pages (the slow path's
--     watermark after gfp_to_alloc_flags(): __GFP_HIGH halves it, being
--     unable to block takes a quarter more, __GFP_MEMALLOC ignores it)?
--     Found by bisection: the same request on fresh simulators whose zone
--     was first drained to N free pages, the lowest N at which it succeeds;
--     the reserve it then needed is sim:last_alloc().reserve;
--   - (difficulty 2 and 3) does it wake kswapd below the low watermark?
-- The why is the simulator's narration of the deciding watermark check.
-- __GFP_NORETRY and __GFP_NOWARN are added to every probe: they change
-- neither the watermark nor the reserves, and keep a failing request from
-- reaching the OOM killer.

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "gfp",
  summary = "a GFP mask: may it sleep, how deep into the reserves, where is it a bug",
  policies = nil,
}

local PAGES = 4096

-- the cases by difficulty: { gfp =, scope = nil | "memalloc" }
local POOLS = {
  { { gfp = "GFP_KERNEL" }, { gfp = "GFP_ATOMIC" }, { gfp = "GFP_NOWAIT" } },
  { { gfp = "GFP_NOIO" }, { gfp = "GFP_NOFS" }, { gfp = "GFP_USER" },
    { gfp = "GFP_KERNEL|__GFP_HIGH" } },
  { { gfp = "GFP_ATOMIC|__GFP_NOMEMALLOC" }, { gfp = "GFP_KERNEL|__GFP_MEMALLOC" },
    { gfp = "__GFP_HIGH" }, { gfp = "GFP_NOIO", scope = "memalloc" },
    { gfp = "GFP_NOWAIT|__GFP_HIGH" } },
}

local function draw_cases(d)
  local pool, n = {}, ({ 2, 3, 4 })[d]
  for level = 1, d do
    for _, c in ipairs(POOLS[level]) do pool[#pool + 1] = c end
  end
  Q.shuffle(pool)
  local cases = {}
  -- at least one from this difficulty's own pool
  local own = POOLS[d][math.random(1, #POOLS[d])]
  cases[1] = own
  for _, c in ipairs(pool) do
    if #cases == n then break end
    if c ~= own then cases[#cases + 1] = c end
  end
  return cases
end

local function new_sim(kb)
  return km.new{ zones = { Normal = PAGES }, cpus = 1, pcp = false, min_free_kbytes = kb,
    watermark_boost_factor = 0 }
end

-- drain zone Normal to exactly `free` free pages with allocations nobody
-- can refuse (__GFP_MEMALLOC), biggest blocks first
local function drain_to(sim, free)
  while true do
    local now = Q.zone(sim, "Normal").free
    if now <= free then return now end
    local o = 0
    while o < 10 and (2 << o) <= now - free do o = o + 1 end
    assert(sim:alloc_pages(o, "__GFP_MEMALLOC|__GFP_NOWARN"))
  end
end

-- run the case's request once on sim (in process context, or its scope)
local function try(sim, case)
  local gfp = case.gfp .. "|__GFP_NORETRY|__GFP_NOWARN"
  if case.scope == "memalloc" then
    return sim:memalloc(function() return sim:alloc_pages(0, gfp) end)
  end
  return sim:alloc_pages(0, gfp)
end

-- the lowest free count at which the request succeeds, with its narration
local function floor_of(kb, case)
  local function probe(free)
    local sim <close> = new_sim(kb)
    drain_to(sim, free)
    local narr, r = Q.narrate(sim, try, sim, case)
    return r[1] ~= nil, narr, sim:last_alloc()
  end
  local sim <close> = new_sim(kb)
  local lo, hi = 1, Q.zone(sim, "Normal").low + 1	-- hi always succeeds
  assert(probe(hi), "the request fails even above the low watermark")
  while lo < hi do
    local mid = (lo + hi) // 2
    if probe(mid) then hi = mid else lo = mid + 1 end
  end
  local _, narr, last = probe(lo)
  return lo, narr, last
end

local CONTEXTS = { { "process", nil }, { "atomic", "atomic" }, { "softirq", "softirq" },
  { "hardirq", "irq" } }

-- the contexts where the request is reported as sleeping in atomic context
local function bug_contexts(kb, case)
  local bad, message = {}, nil
  for _, ctx in ipairs(CONTEXTS) do
    local sim <close> = new_sim(kb)
    local before = #sim:bugs()
    if ctx[2] then
      sim[ctx[2]](sim, function() return try(sim, case) end)
    else
      try(sim, case)
    end
    for i = before + 1, #sim:bugs() do
      local b = sim:bugs()[i]
      if b.kind == "sleep_in_atomic" then
        bad[#bad + 1] = ctx[1]
        message = message or b.message
      end
    end
  end
  return bad, message
end

-- does it wake kswapd when the zone is below its low watermark?
local function wakes_kswapd(kb, case)
  local sim <close> = new_sim(kb)
  local z = Q.zone(sim, "Normal")
  drain_to(sim, z.low - 1)
  local narr = Q.narrate(sim, try, sim, case)
  return Q.find_note(narr, "kswapd woken") ~= nil, Q.find_note(narr, "kswapd")
end

local function case_text(case)
  if case.scope == "memalloc" then
    return ("alloc_pages(%s, 0) inside memalloc_noreclaim_save() (PF_MEMALLOC)"):format(case.gfp)
  end
  return ("alloc_pages(%s, 0)"):format(case.gfp)
end

function M.generate(p)
  local kb = Q.pick({ 512, 768, 1024, 1536, 2048 })
  local cases = draw_cases(p.difficulty)
  local z = Q.zone(new_sim(kb), "Normal")
  local questions, data_cases = {}, {}
  for _, case in ipairs(cases) do
    local what = case_text(case)
    local floor, narr, last = floor_of(kb, case)
    local bad, message = bug_contexts(kb, case)
    local sleeps = #bad > 0
    local slow = Q.find_note(narr, "^slow path:") or "(no slow path narration)"
    questions[#questions + 1] = {
      q = ("%s: may it sleep?  In which of process context, atomic context (a spinlock held), softirq and hardirq is it a bug?"):format(what),
      answer = { may_sleep = sleeps, bug_in = bad },
      show = sleeps and ("yes: a bug in %s context"):format(table.concat(bad, ", "))
        or "no: it never sleeps, so no context forbids it",
      why = sleeps and ("%s; elsewhere: %s"):format(slow, message) or slow,
    }
    local note = Q.find_note(narr, "ALLOC_NO_WATERMARKS") or
      Q.find_note(narr, "zone Normal: free %d+ > ", true) or "(no narration)"
    local reserve = last.reserve
    questions[#questions + 1] = {
      q = ("%s, the zone below its low watermark (the fast path refuses): down to how many free pages does the slow path still succeed, and which reserve does that take?"):format(what),
      answer = { lowest_free = floor, reserve = reserve },
      show = ("it succeeds while at least %d page%s %s free%s"):format(floor, floor == 1 and "" or "s",
        floor == 1 and "is" or "are",
        reserve == "none" and " (no reserve: the plain min watermark)" or
        (", from the %s reserve"):format(reserve)),
      why = note,
    }
    if p.difficulty >= 2 then
      local wakes, knote = wakes_kswapd(kb, case)
      questions[#questions + 1] = {
        q = ("%s below the low watermark: does it wake kswapd?"):format(what),
        answer = wakes,
        show = wakes and "yes (__GFP_KSWAPD_RECLAIM)" or "no",
        why = knote or "no __GFP_KSWAPD_RECLAIM: kswapd is not woken",
      }
    end
    data_cases[#data_cases + 1] = { gfp = case.gfp, scope = case.scope or "none" }
  end
  local text = {
    ("One zone, Normal, %d pages; min_free_kbytes = %d, so its watermarks are"):format(PAGES, kb),
    ("min %d, low %d, high %d pages.  One CPU, no per-CPU page lists, nothing"):format(z.min, z.low, z.high),
    "to reclaim.  Every request is for one page (order 0):",
    "",
  }
  for i, case in ipairs(cases) do text[#text + 1] = ("  %d. %s"):format(i, case_text(case)) end
  return {
    title = "GFP flags: sleeping, watermarks and reserves",
    text = text,
    data = { pages = PAGES, min_free_kbytes = kb, min = z.min, low = z.low, high = z.high,
      cases = data_cases },
    questions = questions,
  }
end

return M
