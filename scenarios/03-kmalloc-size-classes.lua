-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/03-kmalloc-size-classes.lua: where kmalloc's waste comes from
--
-- What it teaches: kmalloc rounds every request up to a size class
-- (8, 16, 32, 64, 96, 128, 192, 256, 512, 1k, 2k, 4k, 8k; above that whole
-- pages).  A request just past a class boundary wastes almost half its
-- slot: 129 bytes take 192, 257 take 512, 1025 take 2048.  How much that
-- costs depends on the sizes a kernel really asks for: this scenario
-- measures the waste for the kmalloc sizes of a real 6.18 kernel build
-- (kmemsim.workload's kmalloc_mix, from a kmem trace) and for sizes spread
-- evenly over 8..4096.  SLOB has no classes and wastes only its 8-byte
-- headers -- but see 05-slob-search-cost.lua for what that costs.
--
-- Look at: the "wasted" column -- a request one byte past a class (33, 65,
-- 129, 257, 1025) wastes close to half its slot -- and the two summary lines:
-- how much of each slot the real kernel mix wastes, against sizes spread
-- evenly.
local km = require "kmemsim"
local wl = require "kmemsim.workload"
local util = require "kmemsim.util"

local sim = km.new{ ram = "512M", cpus = 2 }
local policy = sim:config().policy
print(("policy %s"):format(policy))

-- 1. single requests: the size asked, the slot used (ksize), the waste
local rows = {}
for _, n in ipairs{ 8, 13, 24, 33, 64, 65, 97, 100, 129, 192, 193, 257, 300, 513, 700,
    1025, 2049, 3000, 4096, 4097, 9000 } do
  local p = assert(sim:kmalloc(n, "GFP_KERNEL"))
  local usable = sim:ksize(p)
  rows[#rows + 1] = { n, usable, usable - n, ("%.1f%%"):format((usable - n) * 100 / usable) }
  sim:kfree(p)
end
print(util.table_format({ "asked", "ksize", "wasted", "of the slot" }, rows))
if policy == "slob" then
  print("(SLOB's ksize is the size asked: its waste is the 8-byte header and 2-byte rounding)")
end

-- 2. many requests: a real kernel's mix, and a uniform spread
local function measure(name, size)
  local s = km.new{ ram = "512M", cpus = 2 }
  local r = wl.run(s, {
    name = name,
    streams = { { name = name, kmalloc = size, lifetime = wl.forever() } },
    phases = { wl.steady{ ops = 20000 } },
  })
  local sum = s:slab_summary()
  local pages = sum.nr_slab_reclaimable + sum.nr_slab_unreclaimable
  local used = pages * 4096
  print(("%-22s %6d objects, %9s requested in %5d pages: %.1f%% of the slab memory holds data")
    :format(name, r.live, util.fmt_bytes(r.live_bytes), pages, r.live_bytes * 100 / used))
  if sum.slot_bytes > 0 then
    print(("%-22s slots hold %s: %.1f%% of each slot is wasted on average"):format("",
      util.fmt_bytes(sum.slot_bytes), (sum.slot_bytes - sum.req_bytes) * 100 / sum.slot_bytes))
  end
  s:close()
end
measure("real kernel mix", wl.kmalloc_mix())
measure("uniform 8..4096", wl.uniform(8, 4096))
