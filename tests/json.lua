-- SPDX-License-Identifier: GPL-2.0-or-later
-- json.lua: a small recursive-descent JSON reader for the tests that check
-- kmemsim's JSON output from Lua (tests/steps-check.lua, tests/quiz/check.lua).
-- kmemsim has no JSON reader of its own: reports are only written.  Run
-- from the source tree (both tests cd there): dofile("tests/json.lua")
-- returns decode(text), which raises on malformed or trailing text.

local function decode(s)
  local pos = 1
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16))
          pos = pos + 6
        else
          out[#out + 1] = ({ n = "\n", t = "\t", r = "\r", b = "\b", f = "\f" })[e] or e
          pos = pos + 2
        end
      else
        out[#out + 1] = c
        pos = pos + 1
      end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" or c == "[" then
      local t, close = {}, c == "{" and "}" or "]"
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == close then pos = pos + 1; return t end
      while true do
        if close == "}" then
          ws()
          local k = str()
          ws()
          assert(s:sub(pos, pos) == ":", "JSON: ':' expected at " .. pos)
          pos = pos + 1
          t[k] = value()
        else
          t[#t + 1] = value()
        end
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == close then return t end
        assert(d == ",", "JSON: ',' expected at " .. pos)
      end
    elseif c == '"' then
      return str()
    elseif s:find("^true", pos) then pos = pos + 4; return true
    elseif s:find("^false", pos) then pos = pos + 5; return false
    elseif s:find("^null", pos) then pos = pos + 4; return nil
    end
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    assert(num and #num > 0, "JSON: value expected at " .. pos)
    pos = pos + #num
    return math.tointeger(tonumber(num)) or tonumber(num)
  end
  local v = value()
  ws()
  assert(pos > #s, "JSON: trailing text at " .. pos)
  return v
end

return decode
