-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz: seeded exercises whose answers the simulator computes
--
-- The habit of OSTEP's homework simulators, for the kernel's allocators:
-- `kmemsim quiz TOPIC --seed N` prints a problem and its questions; the
-- same command with -c prints the same questions with the answers and a
-- one-line "why" each.  Nothing here knows an answer: every topic module
-- (kmemsim.quiz.<topic>) draws its problem from math.random (seeded by
-- --seed, so the same seed gives the same problem), runs it on fresh
-- simulators, and reads the answers back from them -- addresses, lists,
-- /proc/buddyinfo, geometry, watermarks -- and the why from the narration
-- the engine gives --explain (sim:events(), OP and NOTE events).
--
-- A topic module is a table:
--   name, summary     its name and one line for `kmemsim quiz --list`
--   policies          the slab policies it can be about (nil: any, the
--                     policy plays no part), first the default; with
--   all_policies      true, no --policy means every one of them
--   generate(p)       p = { difficulty = 1..3, policy = "slub" | nil }:
--                     returns the problem { title =, text = {lines},
--                     data = {inputs, for graders}, questions = { {
--                     q = text, answer = value, show = text, why = text } } }
-- This module renders a problem as text or JSON (run()) and holds the
-- helpers the topics share.

local M = {}

-- the topics, in `kmemsim quiz --list` order (src/cmd_quiz.c has the same list)
M.TOPICS = { "buddy", "kmalloc", "slab", "slub", "slob", "gfp", "watermarks" }

--- topic(name): the topic module, or nil and a reason
function M.topic(name)
  for _, t in ipairs(M.TOPICS) do
    if t == name then return require("kmemsim.quiz." .. name) end
  end
  return nil, ("unknown topic '%s'"):format(tostring(name))
end

-- ---- helpers for the topics ----

--- hex(n): "0x100004"
function M.hex(n) return ("0x%x"):format(n) end

--- pick(list): one element, drawn from math.random
function M.pick(list) return list[math.random(1, #list)] end

--- shuffle(list): list, reordered in place (Fisher-Yates on math.random)
function M.shuffle(list)
  for i = #list, 2, -1 do
    local j = math.random(1, i)
    list[i], list[j] = list[j], list[i]
  end
  return list
end

--- narrate(sim, fn, ...): run fn(...) recording the simulator's events;
-- returns the narration (array of { op = OP text, notes = {NOTE text} }, one
-- per operation announced) and fn's results packed.
function M.narrate(sim, fn, ...)
  sim:events(true)
  local r = table.pack(fn(...))
  local evs = sim:events()
  sim:events(false)
  local ops, cur = {}, nil
  for _, e in ipairs(evs) do
    if e.type == "OP" then
      cur = { op = e.str, notes = {} }
      ops[#ops + 1] = cur
    elseif e.type == "NOTE" then
      if not cur then
        cur = { op = "", notes = {} }
        ops[#ops + 1] = cur
      end
      cur.notes[#cur.notes + 1] = e.str
    end
  end
  return ops, r
end

--- notes(ops): every NOTE of a narration, in order
function M.notes(ops)
  local out = {}
  for _, o in ipairs(ops) do
    for _, n in ipairs(o.notes) do out[#out + 1] = n end
  end
  return out
end

--- find_note(ops, pattern [, last]): the first (or last) note matching a
-- Lua pattern (plain text if it has no magic characters), or nil
function M.find_note(ops, pattern, last)
  local found
  for _, n in ipairs(M.notes(ops)) do
    if n:find(pattern) then
      if not last then return n end
      found = n
    end
  end
  return found
end

--- zone(sim, name): the populated zone called name, from sim:zones()
function M.zone(sim, name)
  for _, z in ipairs(sim:zones()) do
    if z.populated and z.name == name then return z end
  end
end

-- ---- JSON (for auto-graders): objects with sorted keys, arrays in order ----

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local map = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t',
      ['\r'] = '\\r' }
    return map[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

local function is_array(t)
  if next(t) == nil then return true end	-- {} is an empty list
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return false end
    n = n + 1
  end
  return n == #t
end

local function json(v, indent, out)
  local ty = type(v)
  if ty == "nil" then
    out[#out + 1] = "null"
  elseif ty == "boolean" then
    out[#out + 1] = tostring(v)
  elseif ty == "number" then
    if math.type(v) == "integer" then
      out[#out + 1] = ("%d"):format(v)
    elseif v ~= v or v == math.huge or v == -math.huge then
      out[#out + 1] = "null"
    else
      out[#out + 1] = ("%.6g"):format(v)
    end
  elseif ty == "string" then
    out[#out + 1] = json_string(v)
  elseif ty == "table" then
    local pad = indent .. "  "
    if is_array(v) then
      if #v == 0 then out[#out + 1] = "[]"; return end
      -- short arrays of scalars on one line (buddyinfo counts, pfn lists)
      local flat = #v <= 16
      for _, x in ipairs(v) do flat = flat and type(x) ~= "table" end
      if flat then
        out[#out + 1] = "["
        for i, x in ipairs(v) do
          if i > 1 then out[#out + 1] = ", " end
          json(x, pad, out)
        end
        out[#out + 1] = "]"
        return
      end
      out[#out + 1] = "[\n"
      for i, x in ipairs(v) do
        out[#out + 1] = pad
        json(x, pad, out)
        out[#out + 1] = i < #v and ",\n" or "\n"
      end
      out[#out + 1] = indent .. "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      if #keys == 0 then out[#out + 1] = "{}"; return end
      out[#out + 1] = "{\n"
      for i, k in ipairs(keys) do
        out[#out + 1] = pad .. json_string(k) .. ": "
        local val = v[k]
        if val == nil then val = v[tonumber(k)] end
        json(val, pad, out)
        out[#out + 1] = i < #keys and ",\n" or "\n"
      end
      out[#out + 1] = indent .. "}"
    end
  else
    error("quiz: cannot write a " .. ty .. " as JSON")
  end
end

--- json(v): v as JSON text (deterministic: sorted keys)
function M.json(v)
  local out = {}
  json(v, "", out)
  return table.concat(out)
end

-- ---- Text ----

--- wrap(text, width, first, rest): text folded at spaces into lines of at
-- most width columns, the first prefixed by `first`, the others by `rest`
local function wrap(text, width, first, rest)
  local lines, line = {}, first
  local empty = true
  for word in text:gmatch("%S+") do
    if not empty and utf8.len(line) + 1 + utf8.len(word) > width then
      lines[#lines + 1] = line
      line, empty = rest, true
    end
    line = line .. (empty and "" or " ") .. word
    empty = false
  end
  lines[#lines + 1] = line
  return table.concat(lines, "\n")
end
M.wrap = wrap

local WIDTH = 78

local function command_line(o)
  local c = ("kmemsim quiz %s --seed %d"):format(o.topic, o.seed)
  if o.difficulty ~= 1 then c = c .. (" --difficulty %d"):format(o.difficulty) end
  if o.policy_given then c = c .. " --policy " .. o.policy_given end
  return c
end

local function render_text(o, prob)
  local out = {}
  local function add(s) out[#out + 1] = s end
  local head = ("%s   (%s)"):format(prob.title, command_line(o))
  if utf8.len(head) > WIDTH then	-- the command on a line of its own
    add(prob.title)
    head = "(" .. command_line(o) .. ")"
  end
  add(head)
  add("")
  for _, l in ipairs(prob.text) do add(l) end
  add("")
  add(o.answers and "Questions, with the answers the simulator computed:" or "Questions:")
  for i, q in ipairs(prob.questions) do
    local num = ("%3d. "):format(i)
    add("")
    add(wrap(q.q, WIDTH, num, "     "))
    if o.answers then
      add(wrap(q.show, WIDTH, "     answer: ", "             "))
      add(wrap(q.why, WIDTH, "     why:    ", "             "))
    end
  end
  add("")
  if not o.answers then
    add(("Work them out, then check: %s -c"):format(command_line(o)))
  end
  return table.concat(out, "\n") .. "\n"
end

local function render_json(o, prob)
  local qs = {}
  for i, q in ipairs(prob.questions) do
    local e = { n = i, question = q.q }
    if o.answers then
      e.answer, e.answer_text, e.why = q.answer, q.show, q.why
    end
    qs[i] = e
  end
  return M.json({
    kmemsim = o.version,
    command = command_line(o),
    topic = o.topic,
    seed = o.seed,
    difficulty = o.difficulty,
    policy = prob.policy or "any",
    answers = o.answers,
    title = prob.title,
    problem = prob.text,
    data = prob.data,
    questions = qs,
  }) .. "\n"
end

--- check(o): nil if o can be run, else a usage message
-- o: { topic =, seed =, difficulty =, policy = (nil: the topic's default) }
function M.check(o)
  local t, err = M.topic(o.topic)
  if not t then return err end
  if o.policy and t.policies then
    local ok = false
    for _, p in ipairs(t.policies) do ok = ok or p == o.policy end
    if not ok then
      return ("topic %s is about %s: --policy %s does not apply"):format(o.topic,
        table.concat(t.policies, " or "), o.policy)
    end
  end
end

--- run(o): the problem rendered; o as for check() plus answers (bool),
-- format ("text" | "json"), version
function M.run(o)
  local usage = M.check(o)
  if usage then return nil, usage end
  local t = M.topic(o.topic)
  o.policy_given = o.policy
  local policy = o.policy
  if not policy and t.policies and not t.all_policies then policy = t.policies[1] end
  local prob = t.generate({ difficulty = o.difficulty, policy = policy })
  prob.policy = policy or (t.all_policies and "all") or nil
  if o.format == "json" then return render_json(o, prob) end
  return render_text(o, prob)
end

--- list(): the topics and their one-line summaries, for --list
function M.list()
  local out = {}
  for _, name in ipairs(M.TOPICS) do
    local t = M.topic(name)
    local pol = t.policies and (" [" .. table.concat(t.policies, ", ") .. "]") or ""
    out[#out + 1] = ("  %-11s %s%s"):format(name, t.summary, pol)
  end
  return table.concat(out, "\n") .. "\n"
end

return M
