-- SPDX-License-Identifier: GPL-2.0-or-later
-- real-6.1.lua: kmemsim against a real Linux 6.1 kernel (issue 12).
--
-- Run by tests/real-6.1.sh as
--   kmemsim run --unsafe --policy P tests/real-6.1.lua --set w=N --set data=FILE
-- FILE (tests/data/linux-6.1/, provenance in its README.md) is either the
-- `allocbench ...` lines of one real boot (*.log) or the published summary
-- of the real W5 boots (results-w5.md: the section of policy P is read).
-- The workload runs under kmemsim.allocbench's profile of that machine
-- (kernel 6.1, smp off, 1 CPU, pageblock_order 10, 62973 pages in Normal,
-- slab_nomerge, no memcg) and is held to the real figures:
--   W4 (SLAB, SLUB): the six caches' /proc/slabinfo lines, field for
--      field, right after the operations ("after") and after freeing every
--      slot ("freed"); (SLOB): slab pages added within 0.1%, from SLOB's
--      lists as the real kernel had them when W4 began (see below).
--   W5: every kmalloc-N cache's geometry (objsize, objperslab,
--      pagesperslab) field for field; slab pages added within 1%; each
--      kmalloc-N cache's slabs added within 2 of the real count.
--   W6: pages on the per-CPU lists after the operations within one batch.
-- Every comparison is printed; any miss fails the run (exit 1).
--
-- W5's caches are shared with the rest of the kernel, which had objects in
-- them when the workload started.  The summary has, per cache, the `before`
-- slabs and objects and the `after` active objects and the workload's own
-- live objects; the kernel's objects are estimated as
--   boot = min(before num_objs, after active_objs - live)
-- (what was active after the operations that was not the workload's) and
-- each cache is pre-filled with that many objects of its size before the
-- operations; they stay allocated, as the kernel's did.  The pre-fill is
-- checked to give the real `before` slab count.
local km = require "kmemsim"
local ab = require "kmemsim.allocbench"

local w = assert(tonumber(km.params.w), "--set w=4|5|6")
local file = assert(km.params.data, "--set data=FILE")
local policy = km.policy

-- ---------------------------------------------------------------- data

-- real.slabinfo[point][name] = the 11 numeric /proc/slabinfo fields
-- (active_objs num_objs objsize objperslab pagesperslab limit batchcount
-- sharedfactor active_slabs num_slabs sharedavail); real.counters[point],
-- real.pcp[point]: key = value tables; real.live[name]: workload objects
local real = { slabinfo = {}, counters = {}, pcp = {}, live = {} }

local function parse_log(f)
  for line in f:lines() do
    real.totalram = real.totalram or tonumber(line:match("^allocbench start .* totalram_pages=(%d+)"))
    local rest = line:match("allocbench (w%d .*)$")
    if rest then
      local point, what, body = rest:match("^w%d (%a+) (%a[%a_-]*) (.*)$")
      if what == "slabinfo" then
        local name, a, n, sz, per, pps, lim, bat, sh, as, ns, sa, live =
          body:match("^(%S+) +(%d+) +(%d+) +(%d+) +(%d+) +(%d+) : tunables +(%d+) +(%d+) +(%d+)"
                     .. " : slabdata +(%d+) +(%d+) +(%d+) : live +(%-?%d+)")
        assert(name, file .. ": bad slabinfo line: " .. line)
        real.slabinfo[point] = real.slabinfo[point] or {}
        real.slabinfo[point][name] = { tonumber(a), tonumber(n), tonumber(sz), tonumber(per),
          tonumber(pps), tonumber(lim), tonumber(bat), tonumber(sh), tonumber(as),
          tonumber(ns), tonumber(sa) }
        if point == "after" then real.live[name] = tonumber(live) end
      elseif what == "counters" then
        local t = {}
        for k, v in body:gmatch("([%a_]+)=(%-?%d+)") do t[k] = tonumber(v) end
        real.counters[point] = t
      elseif what == "pcp" then
        local t = {}
        for k, v in body:gmatch("(%a+)=(%-?%d+)") do t[k] = tonumber(v) end
        real.pcp[point] = t
      end
    end
  end
end

-- results-w5.md: "### <policy>" sections; a kmalloc row is
-- | cache | objsize | objperslab | pagesperslab | before num_objs/num_slabs |
--   after active_objs | after num_objs | after num_slabs | Δnum_slabs |
--   Δslab pages | live | freed num_slabs | shrunk num_slabs |
-- and "| after | slab_pages_delta | pages_used_delta | pcp_pages |"
local function parse_summary(f)
  local section
  for line in f:lines() do
    local s = line:match("^### (%S+)")
    if s then section = s end
    if section == policy and line:sub(1, 1) == "|" then
      local c = {}
      for cell in line:gmatch("|([^|]*)") do c[#c + 1] = cell:match("^%s*(.-)%s*$") end
      if c[1]:match("^kmalloc%-") and #c >= 13 then
        local bo, bs = c[5]:match("^(%d+)/(%d+)$")
        assert(bo, file .. ": bad before cell: " .. line)
        local n = function(i) return assert(tonumber(c[i]), file .. ": bad cell: " .. line) end
        real.slabinfo.before = real.slabinfo.before or {}
        real.slabinfo.after = real.slabinfo.after or {}
        -- the summary has no before active_objs nor tunables: nil
        real.slabinfo.before[c[1]] = { nil, tonumber(bo), n(2), n(3), n(4),
          nil, nil, nil, tonumber(bs), tonumber(bs), nil }
        real.slabinfo.after[c[1]] = { n(6), n(7), n(2), n(3), n(4),
          nil, nil, nil, n(8), n(8), nil }
        real.live[c[1]] = n(11)
      elseif c[1] == "after" and tonumber(c[2]) then
        real.counters.after = { slab_pages_delta = tonumber(c[2]),
          pages_used_delta = tonumber(c[3]), pcp_pages = tonumber(c[4]) }
      end
    end
  end
  assert(real.counters.after, file .. ": no section '### " .. policy .. "' with an after row")
end

do
  local f = assert(io.open(file, "r"))
  if file:match("%.md$") then parse_summary(f) else parse_log(f) end
  f:close()
end

-- ---------------------------------------------------------------- checks

local fails, checks = 0, 0
local function check(ok, fmt, ...)
  print(("%s %s"):format(ok and "ok:  " or "FAIL:", fmt:format(...)))
  checks = checks + 1
  if not ok then fails = fails + 1 end
end

-- one cache's 11 /proc/slabinfo fields from the simulator
local function sim_slabinfo(sim, name)
  for line in assert(sim:slabinfo()):gmatch("[^\n]+") do
    local n = line:match("^(%S+)")
    if n == name then
      local t = {}
      for v in line:sub(#n + 1):gmatch("%d+") do t[#t + 1] = tonumber(v) end
      return t
    end
  end
  error("no /proc/slabinfo line for " .. name)
end

local function fmt_fields(t)
  return ("%d %d %d %d %d : %d %d %d : %d %d %d"):format(table.unpack(t, 1, 11))
end

local function slab_pages(sim)
  local s = sim:slab_summary()
  return s.nr_slab_reclaimable + s.nr_slab_unreclaimable
end

local function within(sim_v, real_v, tol)
  return math.abs(sim_v - real_v) <= tol
end

local function pct(s, r) return r == 0 and 0 or 100 * (s - r) / r end

local sim = km.new(ab.profile())
local r

-- the boot's managed pages are the profile's (results-w5.md has none)
if real.totalram then
  local z = sim:zones()[3]
  check(z.managed == real.totalram, "managed pages: sim %d, real totalram_pages %d",
    z.managed, real.totalram)
end

if w == 4 then
  local run = ab.w4(sim)
  local diag = file:gsub("%.log$", "-diag.log")
  if policy == "slob" then
    -- The real SLOB lists held boot's partly free pages when W4 began
    -- (all caches share SLOB's three lists); their holes take W4 objects
    -- before any new page does.  A diagnostic boot of the same kernel
    -- (<file>-diag.log, made with slob-dump-lists.patch; same operations,
    -- same `after` counters) printed every listed page's free blocks at
    -- the `created` point: the simulator starts from those lists.
    local pages = ab.slob_lists(sim, diag)
    local listed = 0
    for line in io.lines(diag) do
      local n = line:match("^allocbench w4 created slob%-list %d pages=(%d+)")
      if n then listed = listed + tonumber(n) end
      local sp = line:match("^allocbench w4 after counters .*slab_pages=(%d+)")
      if sp then
        check(tonumber(sp) == real.counters.after.slab_pages,
          "W4 SLOB diagnostic boot: after slab_pages %s, the recipe boot's %d", sp,
          real.counters.after.slab_pages)
      end
    end
    check(pages > 0 and pages == listed,
      "W4 SLOB boot lists: %d pages rebuilt, the diagnostic boot's lists held %d", pages, listed)
  end
  local base = slab_pages(sim)
  r = run:run()
  check(r.final_state == "a9f8a2cc4072815a", "W4 final_state %s", r.final_state)
  local added = slab_pages(sim) - base
  if policy == "slob" then
    -- from the `created` point, as the simulator's base is taken after
    -- the caches exist and the lists are rebuilt
    local rv = real.counters.after.slab_pages - real.counters.created.slab_pages
    check(within(added, rv, rv / 1000),
      "W4 SLOB slab pages added: sim %d, real %d (%+.3f%%; within 0.1%%)",
      added, rv, pct(added, rv))
  else
    for _, point in ipairs{ "after", "freed" } do
      if point == "freed" then run:free_all() end
      for _, d in ipairs(ab.W4_CACHES) do
        local s, rl = sim_slabinfo(sim, d.name), real.slabinfo[point][d.name]
        local same = true
        for i = 1, 11 do same = same and s[i] == rl[i] end
        check(same, "W4 %s %-6s sim %s | real %s", point, d.name, fmt_fields(s), fmt_fields(rl))
      end
    end
  end
elseif w == 5 then
  local before, after = real.slabinfo.before or {}, real.slabinfo.after or {}
  local names = {}
  for name in pairs(after) do names[#names + 1] = name end
  table.sort(names, function(a, b) return after[a][3] < after[b][3] end)
  local slabs0 = {}
  for _, name in ipairs(names) do
    local c = assert(sim:cache(name), "the simulator has no " .. name)
    local s, rl = sim_slabinfo(sim, name), after[name]
    check(s[3] == rl[3] and s[4] == rl[4] and s[5] == rl[5],
      "W5 %-12s objsize objperslab pagesperslab: sim %d %d %d, real %d %d %d",
      name, s[3], s[4], s[5], rl[3], rl[4], rl[5])
    -- pre-fill with the kernel's own objects (see the top of this file)
    local boot = math.min(before[name][2], rl[1] - real.live[name])
    local size = c:info().object_size
    for _ = 1, boot do assert(sim:kmalloc(size, "GFP_KERNEL")) end
    slabs0[name] = c:stats().num_slabs
    check(slabs0[name] == before[name][10],
      "W5 %-12s before: %d boot objects in %d slabs, real %d slabs", name, boot,
      slabs0[name], before[name][10])
  end
  local base = slab_pages(sim)
  local run = ab.w5(sim)
  r = run:run()
  check(r.final_state == "686183027149bdd8", "W5 final_state %s", r.final_state)
  local added, rv = slab_pages(sim) - base, real.counters.after.slab_pages_delta
  check(within(added, rv, rv / 100), "W5 slab pages added: sim %d, real %d (%+.2f%%)",
    added, rv, pct(added, rv))
  for _, name in ipairs(names) do
    local st = sim:cache(name):stats()
    local ds = st.num_slabs - slabs0[name]
    local dr = after[name][10] - before[name][10]
    check(within(ds, dr, 2), "W5 %-12s slabs added: sim %d, real %d "
      .. "(after: active_objs sim %d real %d, num_objs sim %d real %d)",
      name, ds, dr, st.active_objs, after[name][1], st.num_objs, after[name][2])
  end
elseif w == 6 then
  local run = ab.w6(sim)
  r = run:run()
  check(r.final_state == "0c984363eb00b607", "W6 final_state %s", r.final_state)
  local z = sim:zones()[3]
  local rp = real.pcp.after
  check(within(z.pcp, rp.count, rp.batch), "W6 pages on the per-CPU lists: sim %d, real %d (batch %d)",
    z.pcp, rp.count, rp.batch)
end
print(("%d of %d comparisons with the real kernel matched"):format(checks - fails, checks))
if fails > 0 then error(("%d of the real kernel's figures missed"):format(fails), 0) end
