-- SPDX-License-Identifier: GPL-2.0-or-later
-- kmemsim.quiz.slab: the geometry of a cache from its kmem_cache_create()
--
-- A seeded kmem_cache_create(name, size, align, flags, ctor) on a 2-CPU
-- machine: what slot size does each object get, which slab order, how
-- many objects per slab, how many bytes are left over, and under SLAB how
-- many colours that leftover allows and where the freelist index lives.
-- SLUB: calculate_sizes() and calculate_order(); SLAB: __kmem_cache_create
-- and calculate_slab_order().  The answers are the simulator's cache:info()
-- and the why its narration of the creation (sim:explain()).  Merging is
-- off (slab_nomerge), so the call always makes a cache of its own.

local km = require "kmemsim"
local Q = require "kmemsim.quiz"

local M = {
  name = "slab",
  summary = "kmem_cache_create(): slot size, order, objects per slab, leftover, colour",
  policies = { "slub", "slab" },
}

local NAMES = { "foo_cache", "bar_node", "req_ctx", "inode_ext", "frag_desc", "io_tag" }

local function draw_call(d)
  local c = { name = Q.pick(NAMES), align = 0, flags = {}, ctor = false }
  if d == 1 then
    c.size = 8 * math.random(3, 128)
  elseif d == 2 then
    c.size = math.random(20, 2000)
    if math.random() < 0.6 then c.flags[#c.flags + 1] = "SLAB_HWCACHE_ALIGN" end
  else
    c.size = math.random(8, 4000)
    if math.random() < 0.5 then c.flags[#c.flags + 1] = "SLAB_HWCACHE_ALIGN" end
    if math.random() < 0.4 then c.flags[#c.flags + 1] = "SLAB_RECLAIM_ACCOUNT" end
    if math.random() < 0.4 then c.align = Q.pick({ 16, 32, 128 }) end
    c.ctor = math.random() < 0.3
  end
  return c
end

local function call_text(c)
  return ('kmem_cache_create("%s", %d, %d, %s, %s)'):format(c.name, c.size, c.align,
    #c.flags > 0 and table.concat(c.flags, " | ") or "0", c.ctor and "ctor" or "NULL")
end

local WHERE = {
  objfreelist = "inside one free object (objfreelist)",
  off_slab = "off the slab, in a kmalloc buffer",
  on_slab = "at the end of the slab (on-slab)",
}

function M.generate(p)
  local policy = p.policy
  local calls = { draw_call(p.difficulty) }
  if p.difficulty == 3 then
    local second = draw_call(p.difficulty)
    second.name = second.name == calls[1].name and "other_cache" or second.name
    calls[2] = second
  end
  local sim = km.new{ ram = "256M", cpus = 2, policy = policy, slab_nomerge = true }
  local questions, data_calls = {}, {}
  local slab_max_order
  for _, c in ipairs(calls) do
    local opts = { align = c.align > 0 and c.align or nil,
      flags = #c.flags > 0 and table.concat(c.flags, "|") or nil, ctor = c.ctor or nil }
    local narr, r = Q.narrate(sim, sim.cache_create, sim, c.name, c.size, opts)
    local cache = r[1]
    local info = cache:info()
    slab_max_order = info.slab_max_order
    local slab_bytes = info.pages_per_slab * 4096
    local left = slab_bytes - info.objects_per_slab * info.size
    if policy == "slab" and info.off_slab == 0 and info.objfreelist == 0 then
      left = left - info.freelist_size		-- the index array sits in the slab
    end
    local notes = Q.notes(narr)
    local lay = notes[1] or "(no narration)"
    local geo = notes[2] or lay
    local who = ('"%s"'):format(c.name)
    questions[#questions + 1] = {
      q = ("%s: how many bytes does each object's slot take?"):format(who),
      answer = info.size, show = ("%d bytes"):format(info.size), why = lay,
    }
    questions[#questions + 1] = {
      q = ("%s: which slab order, and how many objects per slab?"):format(who),
      answer = { order = info.order, objects = info.objects_per_slab },
      show = ("order %d (%d page%s), %d objects"):format(info.order, info.pages_per_slab,
        info.pages_per_slab > 1 and "s" or "", info.objects_per_slab),
      why = geo,
    }
    questions[#questions + 1] = {
      q = ("%s: how many bytes of each slab are left over?"):format(who),
      answer = left, show = ("%d bytes"):format(left), why = geo,
    }
    if policy == "slab" then
      questions[#questions + 1] = {
        q = ("%s: how many colours does SLAB cycle through, and how far apart are they?"):format(who),
        answer = { colours = info.colour, colour_off = info.colour_off },
        show = ("%d colour%s, %d bytes apart"):format(info.colour, info.colour == 1 and "" or "s",
          info.colour_off),
        why = geo,
      }
      if p.difficulty >= 2 then
        local where = info.objfreelist == 1 and "objfreelist" or info.off_slab == 1 and "off_slab" or "on_slab"
        questions[#questions + 1] = {
          q = ("%s: where does SLAB keep each slab's freelist index array (one byte per object)?"):format(who),
          answer = where, show = WHERE[where], why = lay,
        }
      end
    end
    data_calls[#data_calls + 1] = { name = c.name, size = c.size, align = c.align,
      flags = c.flags, ctor = c.ctor }
  end
  local cfg = sim:config()
  local text = {
    ("A 2-CPU x86_64 machine (4 KiB pages, 64-byte cache lines, 256 MiB) runs %s;"):format(
      policy:upper()),
    "cache merging is off.  A module creates:",
    "",
  }
  for _, c in ipairs(calls) do text[#text + 1] = "  " .. call_text(c) end
  text[#text + 1] = ""
  if policy == "slub" then
    text[#text + 1] = ("Boot options: slub_min_order=%d slub_max_order=%d, slub_min_objects unset"):format(
      cfg.slub_min_order, cfg.slub_max_order)
    text[#text + 1] = "(so min_objects comes from the number of CPUs)."
  else
    text[#text + 1] = ("SLAB's slab_max_order is %d (RAM above 32 MiB); one-byte freelist indexes."):format(
      slab_max_order)
  end
  return {
    title = ("Slab geometry under %s"):format(policy:upper()),
    text = text,
    data = { policy = policy, cpus = 2, ram = "256M", page_size = 4096, cache_line = 64,
      slub_min_order = cfg.slub_min_order, slub_max_order = cfg.slub_max_order,
      slab_max_order = slab_max_order, calls = data_calls },
    questions = questions,
  }
end

return M
