-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.watermarks: min, low and high from managed pages and min_free_kbytes
--
-- A machine with seeded zone sizes boots: what are min_free_kbytes (when
-- left to the kernel: calculate_min_free_kbytes(), isqrt(16 x lowmem kB)
-- clamped to 128..262144) and each zone's min, low and high watermarks
-- (__setup_per_zone_wmarks(): the zone's share of min_free_kbytes in
-- proportion to its managed pages; low and high one step above, the step
-- the larger of min/4 and managed x watermark_scale_factor / 10000)?  At
-- difficulty 3 also the lowmem reserve a Normal request must leave in a
-- lower zone.  The answers are the simulator's: sim:sysctl() and
-- sim:zones(); the why shows the kernel's formula with the simulator's
-- own numbers in it.

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "watermarks",
  summary = "min/low/high of each zone from managed pages and min_free_kbytes",
  policies = nil,
}

local function draw(d)
  local z = {}
  local pages = function(lo, hi) return 256 * math.random(lo, hi) end	-- whole MiB
  if d == 1 then
    z = { { "Normal", pages(8, 256) } }
  elseif d == 2 then
    z = { { "DMA32", pages(16, 512) }, { "Normal", pages(16, 1024) } }
  else
    z = { { "DMA", 3840 + 16 * math.random(0, 10) }, { "DMA32", pages(64, 1024) },
      { "Normal", pages(64, 2048) } }
  end
  local kb = d < 3 and 128 * math.random(4, 32) or nil		-- nil: the kernel's default
  local wsf = d == 3 and Q.pick({ 10, 20, 50, 100, 200 }) or 10
  return z, kb, wsf
end

function M.generate(p)
  local zs, kb, wsf = draw(p.difficulty)
  local spec = {}
  for _, z in ipairs(zs) do spec[z[1]] = z[2] end
  local sim = km.new{ zones = spec, cpus = 1, min_free_kbytes = kb or -1,
    watermark_scale_factor = wsf }
  local mfk = sim:sysctl("vm.min_free_kbytes")
  local lowmem = 0
  for _, z in ipairs(zs) do lowmem = lowmem + Q.zone(sim, z[1]).managed end
  local questions = {}
  if not kb then
    questions[#questions + 1] = {
      q = "min_free_kbytes is left to the kernel: what does it choose?",
      answer = mfk,
      show = ("%d kB"):format(mfk),
      why = ("calculate_min_free_kbytes(): isqrt(16 x 4 x %d lowmem pages = %d kB) = %d, within 128..262144"):format(
        lowmem, 4 * lowmem, mfk),
    }
  end
  local pages_min = mfk >> 2
  for _, zd in ipairs(zs) do
    local z = Q.zone(sim, zd[1])
    local step = z.low - z.min
    questions[#questions + 1] = {
      q = ("Zone %s (%d managed pages): what are its min, low and high watermarks, in pages?"):format(
        z.name, z.managed),
      answer = { min = z.min, low = z.low, high = z.high },
      show = ("min %d, low %d, high %d"):format(z.min, z.low, z.high),
      why = ("min = %d pages (%d kB) x %d / %d managed = %d; step = max(min/4 = %d, %d x %d / 10000 = %d) = %d; low = min + step, high = low + step"):format(
        pages_min, mfk, z.managed, lowmem, z.min, z.min >> 2, z.managed, wsf,
        z.managed * wsf // 10000, step),
    }
  end
  if p.difficulty == 3 then
    local dma32 = Q.zone(sim, "DMA32")
    local normal = Q.zone(sim, "Normal")
    local r = dma32.protection[3]	-- protection[ZONE_NORMAL + 1]
    questions[#questions + 1] = {
      q = "A GFP_KERNEL request (it may use zone Normal) falls back to zone DMA32: how many pages must it leave free there beyond DMA32's watermark (lowmem_reserve)?",
      answer = r,
      show = ("%d pages"):format(r),
      why = ("lowmem_reserve_ratio for DMA32 is 256: Normal's %d managed pages / 256 = %d (zoneinfo: protection)"):format(
        normal.managed, r),
    }
  end
  local text = {
    "A machine boots with these zones (managed pages, 4 KiB each):",
    "",
  }
  for _, zd in ipairs(zs) do text[#text + 1] = ("  %-7s %7d pages"):format(zd[1], zd[2]) end
  text[#text + 1] = ""
  text[#text + 1] = kb and ("vm.min_free_kbytes = %d, vm.watermark_scale_factor = %d."):format(kb, wsf)
    or ("vm.min_free_kbytes is left to the kernel; vm.watermark_scale_factor = %d."):format(wsf)
  local zones = {}
  for _, zd in ipairs(zs) do zones[#zones + 1] = { name = zd[1], managed = zd[2] } end
  return {
    title = "Zone watermarks",
    text = text,
    data = { zones = zones, min_free_kbytes = kb or "default", watermark_scale_factor = wsf },
    questions = questions,
  }
end

return M
