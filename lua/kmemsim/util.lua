-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.util: small helpers for scenarios and the other kmemsim modules

local M = {}

--- sorted_pairs(t): iterate t's keys in sorted order (numbers, then strings).
-- pairs() is already deterministic in kmemsim's sandbox; this spells the
-- intent out and works under --unsafe with a plain Lua too.
function M.sorted_pairs(t)
  local keys = {}
  for k in next, t do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    return a < b
  end)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end

local units = { "B", "KiB", "MiB", "GiB", "TiB" }

--- fmt_bytes(n): "4.0 KiB", "1.5 MiB", "512 B" (binary units, one decimal).
function M.fmt_bytes(n)
  local u = 1
  local v = n
  while v >= 1024 and u < #units do
    v = v / 1024
    u = u + 1
  end
  if u == 1 then return ("%d B"):format(n) end
  return ("%.1f %s"):format(v, units[u])
end

--- fmt_time(ns): "750 ns", "12.5 us", "3.20 ms", "1.500 s".
function M.fmt_time(ns)
  if ns < 1000 then return ("%d ns"):format(ns) end
  if ns < 1000000 then return ("%.1f us"):format(ns / 1e3) end
  if ns < 1000000000 then return ("%.2f ms"):format(ns / 1e6) end
  return ("%.3f s"):format(ns / 1e9)
end

--- check_type(v, ty, what, level): error "what: ty expected, got X" at level.
function M.check_type(v, ty, what, level)
  if type(v) ~= ty then
    error(("%s: %s expected, got %s"):format(what, ty, type(v)), (level or 1) + 1)
  end
  return v
end

--- table_format(rows, header): align columns; rows are arrays of strings.
-- Numbers are right-aligned, text left-aligned.
function M.table_format(header, rows)
  local widths = {}
  local all = { header }
  for _, r in ipairs(rows) do all[#all + 1] = r end
  for _, r in ipairs(all) do
    for i, c in ipairs(r) do
      local s = tostring(c)
      if not widths[i] or #s > widths[i] then widths[i] = #s end
    end
  end
  local out = {}
  for _, r in ipairs(all) do
    local cells = {}
    for i, c in ipairs(r) do
      local s = tostring(c)
      if type(c) == "number" then
        cells[i] = (" "):rep(widths[i] - #s) .. s
      else
        cells[i] = s .. (" "):rep(widths[i] - #s)
      end
    end
    out[#out + 1] = (table.concat(cells, "  "):gsub("%s+$", ""))
  end
  return table.concat(out, "\n")
end

return M
