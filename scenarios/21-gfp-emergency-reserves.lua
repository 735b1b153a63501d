-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/21-gfp-emergency-reserves.lua: who may go below the min watermark, and how far
--
-- What it teaches: the min watermark is not a floor for everyone.  The
-- slow path turns the GFP mask into alloc flags (gfp_to_alloc_flags) and
-- the watermark check (__zone_watermark_ok) discounts min for them:
--
--   GFP_NOWAIT             cannot sleep, no __GFP_HIGH: stops at min
--   GFP_KERNEL|NORETRY     may sleep: stops at min, after reclaiming (here
--                          there is nothing to reclaim) -- it slept for it
--   __GFP_HIGH             high priority: down to min/2 (ALLOC_MIN_RESERVE)
--   GFP_ATOMIC             __GFP_HIGH and cannot block: down to 3/8 of min
--                          (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK)
--   OOM victim             the task the OOM killer chose: down to min/2 of
--                          what is left (ALLOC_OOM), so it can exit
--   PF_MEMALLOC            the reclaimer itself (memalloc scope) or
--                          __GFP_MEMALLOC: no watermark at all
--
-- One zone (Normal, 4096 pages, min_free_kbytes 1024: min 256, low 320)
-- is brought down step by step; at each level every request is tried on a
-- copy of the machine and the table shows ok (and the reserve it needed)
-- or "-" for a failure.
--
-- Look at: the table: at each free-page level, which requests still get a
-- page and which reserve they needed (min/2, 3/8); the OOM victim and
-- PF_MEMALLOC rows go furthest.
local km = require "kmemsim"

local levels = { 330, 300, 200, 110, 60 }
local requests = {
  { "GFP_NOWAIT", "GFP_NOWAIT" },
  { "GFP_KERNEL|NORETRY", "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN" },
  { "__GFP_HIGH", "__GFP_HIGH|__GFP_NOWARN" },
  { "GFP_ATOMIC", "GFP_ATOMIC|__GFP_NOWARN" },
  { "OOM victim", "victim" },
  { "PF_MEMALLOC", "memalloc" },
}

local function machine(level)
  local sim = km.new{ zones = { Normal = 4096 }, cpus = 1, pcp = false,
                      min_free_kbytes = 1024, watermark_boost_factor = 0 }
  local victim = sim:task{ name = "victim", anon = 16 }
  for _ = 1, sim:zones()[3].free - level do assert(sim:alloc_pages(0, "__GFP_MEMALLOC")) end
  return sim, victim
end

local z = km.new{ zones = { Normal = 4096 }, min_free_kbytes = 1024 }:zones()[3]
print(("Normal: min %d, low %d, high %d; min/2 = %d, 3/8 min = %d"):format(z.min, z.low, z.high,
  z.min - z.min // 2, (z.min - z.min // 2) - (z.min - z.min // 2) // 4))
print()
local names = { min = " min/2", atomic = " 3/8", oom = " oom", no_watermarks = " all",
                highatomic = " highatomic" }
local head = ("%-20s"):format("request \\ free")
for _, l in ipairs(levels) do head = head .. ("%13d"):format(l) end
print(head)
for _, r in ipairs(requests) do
  local line = ("%-20s"):format(r[1])
  for _, level in ipairs(levels) do
    local sim, victim = machine(level)
    local p
    if r[2] == "memalloc" then
      sim:memalloc(function() p = sim:alloc_pages(0, "GFP_KERNEL") end)
    elseif r[2] == "victim" then
      -- the task allocates itself; as the only task it is the OOM victim
      victim:run(function() p = sim:alloc_pages(0, "GFP_KERNEL|__GFP_NOWARN") end)
    else
      p = sim:alloc_pages(0, r[2])
    end
    local la = sim:last_alloc()
    local cell = p and ("ok" .. (names[la.reserve] or "")) or "fail"
    if la.slept then cell = cell .. "*" end
    line = line .. ("%13s"):format(cell)
    sim:close()
  end
  print(line)
end
print()
print("ok min/2, ok 3/8, ok oom, ok all: succeeded below min, using that much of the")
print("reserve; * the task slept (reclaim, backoff) on the way.  Above low the fast")
print("path serves everyone; between low and min the slow path's first try at min")
print("does; below min only the reserves' owners get through.")
