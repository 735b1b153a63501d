-- SPDX-License-Identifier: GPL-2.0-or-later
-- tests/steps-check.lua: the data of a step-through page, checked
--
--   kmemsim run --unsafe tests/steps-check.lua --set file=DATA.json
--
-- DATA.json is the JSON a page made by `kmemsim run tests/steps-scenario.lua
-- --steps -o F.html` embeds (<script type="application/json">).  The
-- expectations come from the buddy allocator's and SLUB's rules applied by
-- hand to the scenario's operations (see tests/steps-scenario.lua), never
-- from kmemsim's output:
--   - one step per operation, in the scenario's order, each narrated;
--   - applied forward from the initial map, every change's "old" value is
--     what the map holds at that point (the page can go back exactly);
--   - alloc_pages(order 2) on a fresh 1024-page zone takes pfns 0-3 of it
--     (the lowest block after splitting the order-10 one), order 0 then takes
--     pfn 4, free_pages(order 2) gives 0-3 back, unmerged (its buddy, 4-7, is
--     split); buddyinfo after each: orders 2..9 one block each; then
--     order 0 and 1 one block, order 2 none; then order 0..9 one block each;
--   - the first kmem_cache_alloc of a 512-byte SLUB cache on one CPU makes an
--     order-0 slab (8 objects: min_objects = 4 * (fls(1) + 1) = 8, 8 x 512 =
--     one page), so exactly one cell turns into that cache's slab, and the
--     step names the cache and shows its lists; the free keeps the slab.

local params = require("kmemsim").params
local file = assert(params.file, "--set file=DATA.json")

-- ---- JSON ----

local decode = dofile("tests/json.lua")

local f = assert(io.open(file))
local D = decode(f:read("a"))
f:close()

local fails = 0
local function check(ok, what)
  if ok then print("ok: " .. what) else fails = fails + 1; print("FAIL: " .. what) end
end

local OPS = { "alloc_pages", "alloc_pages", "free_pages", "kmem_cache_create",
  "kmem_cache_alloc", "kmem_cache_free" }
check(#D.sims == 1, "one simulator")
check(D.operations == #OPS and D.shown == #OPS and #D.steps == #OPS,
  ("%d operations, %d shown, %d steps (want %d)"):format(D.operations, D.shown, #D.steps, #OPS))
for i, want in ipairs(OPS) do
  local st = D.steps[i]
  check(st and st.op:find(want, 1, true) and #st.notes > 0,
    ("step %d is %s, narrated (%s)"):format(i, want, st and st.op or "missing"))
end

local sim = D.sims[1]
check(sim.cell_pages == 1 and sim.cells == 1024 and #sim.map == 1024,
  "the map: 1024 cells of one page")
local map = {}
for i = 1, #sim.map do map[i - 1] = sim.map:sub(i, i) end
check(map[0] == "." and map[1023] == ".", "every page free at the start")

-- apply each step; return the cells it changed, sorted
local function apply(st)
  local cells, bad = {}, 0
  for k = 1, #st.d, 3 do
    local c, old, new = st.d[k], st.d[k + 1], st.d[k + 2]
    if map[c] ~= old then bad = bad + 1 end
    map[c] = new
    cells[#cells + 1] = c
  end
  table.sort(cells)
  return cells, bad
end
local function counts(b)
  local line = b and b:match("zone%s+Normal([%d%s]+)")
  local t = {}
  for n in (line or ""):gmatch("%d+") do t[#t + 1] = tonumber(n) end
  return table.concat(t, " ")
end

local buddy = { "0 0 1 1 1 1 1 1 1 1 0", "1 1 0 1 1 1 1 1 1 1 0", "1 1 1 1 1 1 1 1 1 1 0" }
local changed = { { 0, 1, 2, 3 }, { 4 }, { 0, 1, 2, 3 } }
for i = 1, 3 do
  local cells, bad = apply(D.steps[i])
  check(bad == 0, ("step %d: every change starts from the map's value"):format(i))
  check(table.concat(cells, ",") == table.concat(changed[i], ","),
    ("step %d changes cells %s (got %s)"):format(i, table.concat(changed[i], ","), table.concat(cells, ",")))
  check(counts(D.steps[i].buddyinfo) == buddy[i],
    ("step %d: buddyinfo %s (got %s)"):format(i, buddy[i], counts(D.steps[i].buddyinfo)))
end
check(map[0] == "." and map[3] == "." and map[4] ~= ".", "after free_pages: pfns 0-3 free, 4 in use")

apply(D.steps[4])
local cells, bad = apply(D.steps[5])
local code = cells[1] and map[cells[1]]
check(bad == 0 and #cells == 1 and code and code:match("%u")
  and sim.caches[code:byte() - 64] == "steps_test",
  ("kmem_cache_alloc: one cell becomes a slab of steps_test (%d changed)"):format(#cells))
check(D.steps[5].cache == "steps_test" and #D.steps[5].lists > 0, "kmem_cache_alloc: the lists of steps_test")
cells = apply(D.steps[6])
check(#cells == 0 and D.steps[6].cache == "steps_test", "kmem_cache_free: the slab stays")

if fails > 0 then error(fails .. " check(s) failed", 0) end
