-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.sandbox: deterministic next(), pairs() and tostring() for scenarios
--
-- Lua 5.4 seeds its string hashes per state, so the order in which plain
-- next() and pairs() visit a table's keys changes from run to run, and
-- tostring() of a table prints its host address.  Either would break
-- kmemsim's promise that the same script and seed give byte-identical
-- output.  Loaded once at start-up, before the scenario, this module
-- replaces them:
--   next(t, k)  visits keys in a defined order: numbers ascending, then
--               strings in byte order, then booleans (false first), then
--               other values in the order they were first seen.  Clearing
--               fields during a traversal is allowed, as with Lua's next.
--   pairs(t)    next, t, nil -- the same order; a __pairs metamethod is
--               still honoured
--   tostring(v) tables, functions, threads and userdata print as
--               "table#3", "sim<slub>#1", "kmemsim.cache#4": a __tostring
--               result as it is, else the __name (or type) and a number
--               given in first-seen order, never the host address
-- It returns { tostring = ... } so that the C side (string.format's %s)
-- uses the same identities whatever the script does to the globals.

local raw_next, type, rawget, error, select = next, type, rawget, error, select
local sort = table.sort
local raw_tostring = tostring

local ids = setmetatable({}, { __mode = "k" })
local last_id = 0

local function id_of(v)
  local id = ids[v]
  if not id then
    last_id = last_id + 1
    id = last_id
    ids[v] = id
  end
  return id
end

local rank = { number = 1, string = 2, boolean = 3 }

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  local ra, rb = rank[ta] or 4, rank[tb] or 4
  if ra ~= rb then
    return ra < rb
  end
  if ta == "number" or ta == "string" then
    return a < b
  elseif ta == "boolean" then
    return b and not a
  end
  return id_of(a) < id_of(b)
end

-- One traversal per table, kept while the table lives: its keys sorted
-- once (on the first next(t, k)) and each key's position, so a whole
-- traversal costs one sort.  next(t) starts a new traversal with a linear
-- scan, so `next(t) == nil` stays cheap.
local traversals = setmetatable({}, { __mode = "k" })

local function first_key(t)
  local best
  for k in raw_next, t do
    if best == nil or key_less(k, best) then best = k end
  end
  return best
end

local function sorted_keys(t)
  local keys, n = {}, 0
  for k in raw_next, t do
    n = n + 1
    keys[n] = k
  end
  sort(keys, key_less)
  local pos = {}
  for i = 1, n do pos[keys[i]] = i end
  return { keys = keys, pos = pos, n = n }
end

-- the position of the first key after k (k may have been cleared since)
local function after(tr, k)
  local i = tr.pos[k]
  if i then return i + 1 end
  local lo, hi = 1, tr.n + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if key_less(k, tr.keys[mid]) then hi = mid else lo = mid + 1 end
  end
  return lo
end

local function checktable(t, fname)
  if type(t) ~= "table" then
    error(("bad argument #1 to '%s' (table expected, got %s)")
      :format(fname, t == nil and "no value" or type(t)), 3)
  end
end

function next(t, k)
  checktable(t, "next")
  if k == nil then
    traversals[t] = nil
    local f = first_key(t)
    if f == nil then return nil end
    return f, rawget(t, f)
  end
  local tr = traversals[t]
  if not tr then
    tr = sorted_keys(t)
    traversals[t] = tr
  end
  local keys = tr.keys
  for i = after(tr, k), tr.n do
    local nk = keys[i]
    local v = rawget(t, nk)
    if v ~= nil then return nk, v end	-- cleared fields are skipped
  end
  return nil
end
local sandbox_next = next

function pairs(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and rawget(mt, "__pairs") then
    return mt.__pairs(t)
  end
  checktable(t, "pairs")
  return sandbox_next, t, nil
end

-- luaL_tolstring's default text is "NAME: ADDRESS" (NAME the __name or the
-- type): the address goes, a stable number takes its place
function tostring(...)
  if select("#", ...) == 0 then
    error("bad argument #1 to 'tostring' (value expected)", 2)
  end
  local v = ...
  local tv = type(v)
  if tv == "table" or tv == "function" or tv == "thread" or tv == "userdata" then
    local s = raw_tostring(v)
    local name = s:match("^(.*): 0x%x+$")
    if name then
      return name .. "#" .. id_of(v)
    end
    return s
  end
  return raw_tostring(v)
end

return { tostring = tostring }
