-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.sandbox: deterministic pairs() and tostring() for scenarios
--
-- Lua 5.4 seeds its string hashes per state, so the order in which plain
-- pairs() visits a table's keys changes from run to run, and tostring() of
-- a table prints its host address.  Either would break kmemsim's promise
-- that the same script and seed give byte-identical output.  Loaded once at
-- start-up, before the scenario, this module replaces both:
--   pairs(t)    visits keys in a defined order: numbers ascending, then
--               strings in byte order, then booleans (false first), then
--               other values in the order they were first seen; a __pairs
--               metamethod is still honoured
--   tostring(v) tables, functions, threads and userdata without __tostring
--               or __name print as "table#3", numbered in first-seen order

local next, type, rawget, getmetatable = next, type, rawget, getmetatable
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
  if ta ~= tb then
    return (rank[ta] or 4) < (rank[tb] or 4)
  end
  if ta == "number" or ta == "string" then
    return a < b
  elseif ta == "boolean" then
    return b and not a
  end
  return id_of(a) < id_of(b)
end

function pairs(t)
  local mt = getmetatable(t)
  if mt and type(mt) == "table" and rawget(mt, "__pairs") then
    return mt.__pairs(t)
  end
  if type(t) ~= "table" then
    error(("bad argument #1 to 'pairs' (table expected, got %s)"):format(type(t)), 2)
  end
  local keys, n = {}, 0
  for k in next, t do
    n = n + 1
    keys[n] = k
  end
  sort(keys, key_less)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then
      return k, t[k]
    end
  end, t, nil
end

function tostring(v)
  local tv = type(v)
  if tv == "table" or tv == "function" or tv == "thread" or tv == "userdata" then
    local mt = getmetatable(v)
    if type(mt) == "table" and (rawget(mt, "__tostring") or rawget(mt, "__name")) then
      local s = raw_tostring(v)
      if not s:find("0x%x+") then
        return s
      end
      return (s:gsub(": 0x%x+", "#" .. id_of(v)))
    end
    return tv .. "#" .. id_of(v)
  end
  return raw_tostring(v)
end

return true
