-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/07-atomic-in-hardirq.lua: GFP_ATOMIC in a hardirq, memory tight
--
-- What it teaches: an interrupt handler cannot sleep, so it cannot
-- reclaim: whatever it allocates must come from free pages now.  The page
-- allocator keeps reserves for exactly this: below the min watermark only
-- __GFP_HIGH requests that cannot block (GFP_ATOMIC) may dig, down to a
-- fraction of min (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK), while GFP_NOWAIT
-- -- also non-sleeping, but without __GFP_HIGH -- fails at the low
-- watermark.  And GFP_KERNEL in a hardirq is a bug: it may sleep, and the
-- kernel says so ("BUG: sleeping function called from invalid context").
--
-- Each case runs on its own simulator: memory is first filled with kernel
-- pages (GFP_NOWAIT, so nothing is reclaimed) until the low watermark
-- refuses, then a burst of 1500 network-interrupt kmalloc(512) runs in
-- hardirq context with the GFP under test (GFP_KERNEL: just 10, with
-- __GFP_NORETRY so that the OOM killer stays out of it).
--
-- Look at: how many of the 1500 GFP_ATOMIC allocations succeed against
-- GFP_NOWAIT (every one fails at the low watermark), the free pages "after"
-- each burst against min, and the BUG report GFP_KERNEL in a hardirq
-- provokes.
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local function zone_line(sim)
  local parts = {}
  for _, z in ipairs(sim:zones()) do
    if z.managed > 0 then
      parts[#parts + 1] = ("%s free %d (min %d, low %d, high %d)"):format(z.name, z.free,
        z.min, z.low, z.high)
    end
  end
  return table.concat(parts, "; ")
end

local function case(gfp, ops)
  local sim = km.new{ ram = "64M", cpus = 2 }
  local held = 0
  while sim:alloc_pages(0, "GFP_NOWAIT|__GFP_NOWARN") do held = held + 1 end
  if gfp == "GFP_ATOMIC" then
    print(("policy %s: %d pages taken; %s"):format(sim:config().policy, held, zone_line(sim)))
  end
  local bugs0 = #sim:bugs()
  local r = wl.run(sim, {
    name = "irq " .. gfp,
    streams = { { name = "rx", kmalloc = 512, lifetime = wl.forever() } },
    contexts = { hardirq = { weight = 1, gfp = gfp .. "|__GFP_NOWARN" } },
    phases = { wl.burst{ ops = ops } },
  })
  print(("%s in hardirq: %d of %d allocations failed; %d bug report(s)"):format(gfp,
    r.failures, r.ops, #sim:bugs() - bugs0))
  for _, x in ipairs(r.reasons) do print(("           %d x %s"):format(x.count, x.reason)) end
  for i = bugs0 + 1, math.min(#sim:bugs(), bugs0 + 1) do
    print("           " .. sim:bugs()[i].message)
  end
  print("           after: " .. zone_line(sim))
end

case("GFP_ATOMIC", 1500)
case("GFP_NOWAIT", 1500)
-- __GFP_NORETRY: no OOM killer, so that the point stays the bug report
case("GFP_KERNEL|__GFP_NORETRY", 10)
