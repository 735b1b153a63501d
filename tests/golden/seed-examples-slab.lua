-- kmemsim-args: --policy slab
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: both seed examples (scenarios/01-my-cache.lua, then
-- scenarios/02-kmalloc-kfree.lua) under SLAB.
require "scenarios/01-my-cache.lua"
require "scenarios/02-kmalloc-kfree.lua"
