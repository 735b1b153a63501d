-- SPDX-License-Identifier: GPL-2.0-or-later
-- string.find, match, gmatch and gsub over many subjects and patterns:
-- tests/strlib.sh runs this under the stock Lua libraries (tests/luaref)
-- and under kmemsim's sandbox (src/lsim_strlib.c); the outputs must match.
-- Each pattern item of the Lua 5.4 manual (6.4.1) appears at least once.
local subjects = { "", "a", "hello world", "  x = 10, y = 20  ", "THE (quick) fox", "[[nested]] [x]",
  "a.b.c", "abc123def", "aaa", "f(a(b)c)d", "key=val;k2=v2", "\0a\0b", "%%x%", "THE END", "ab$cd$", "^ab" }
local patterns = { "", "a", "l+", "o", "%a+", "%d+", "(%a+)=(%w+)", "%s*(.-)%s*$", "^%s*", "()a()", "%b()", "%f[%a]%a+",
  "[%a_][%w_]*", "[^%s]+", "(a*(.)%w(%s*))", "%u+", "..", ".-b", "a?b", "[a-c]+", "[]]", "[^]]+", "x*$", "$", "^$",
  "(h)(e)(l)(l)(o)", "%.", "%%", "(%w+)%s*=%s*(%w+)", "(.)%1", "a-", "[%d%.]+", "%z", "%x+", "%p+", "%c", "%g+",
  "%W+", "%S+", "%D", "^(%a+)", "(%a+)$", "%f[%w]%w+%f[%W]", "b*", "\0", "%$", "c$d", "%^a", "()", "(()a())" }
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  return table.concat(t, ",")
end
for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    for _, init in ipairs { 1, 2, -2, 100 } do
      local ok, r = pcall(function() return show(string.find(s, p, init)) end)
      print("find", ("%q"):format(s), ("%q"):format(p), init, ok, r)
      ok, r = pcall(function() return show(string.match(s, p, init)) end)
      print("match", ok, r)
    end
    local ok, r = pcall(function() return show(string.find(s, p, 1, true)) end)
    print("plain", ok, r)
    ok, r = pcall(function()
      local out = {}
      for a, b in string.gmatch(s, p) do out[#out + 1] = show(a, b) end
      return table.concat(out, "|")
    end)
    print("gmatch", ok, r)
    ok, r = pcall(function() return show(string.gsub(s, p, "<%0>")) end)
    print("gsub0", ok, r)
    ok, r = pcall(function() return show(string.gsub(s, p, "<%1>", 2)) end)
    print("gsub1", ok, r)
    ok, r = pcall(function() return show(string.gsub(s, p, function(a, b) return b and (a .. b) or nil end)) end)
    print("gsubf", ok, r)
    ok, r = pcall(function() return show(string.gsub(s, p, { a = "A", hello = 1, x = false })) end)
    print("gsubt", ok, r)
  end
end
for _, bad in ipairs { "%", "[a", "(", ")", "%b", "%f", "%fa", "(()", "%1", "a%2", "[%", "%g(" } do
  print("bad", bad, pcall(string.find, "abc", bad))
  print("badgsub", bad, pcall(string.gsub, "abc", "a", bad))
end
print(pcall(string.gsub, "abc", "(a)", "%2"))
print(pcall(string.gsub, "abc", "a", "%x"))
print(pcall(string.gsub, "abc", "a", {a = {}}))
print(string.gmatch("abc", "", 10)())
print(string.gmatch("abc", "")())
for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do print(k, v) end
print(select("#", string.gsub("hello", "", "-")))
print(string.gsub("hello", "", "-"))
print(string.gsub("abc", ".", "%%"))
print(string.find(("a"):rep(40), ("a-"):rep(3) .. "b"))
print(string.rep("x", 3), ("x"):find("x"), ("xyz"):match("y(z)"))
