-- kmemsim-args: --policy slob --explain
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: --explain narrates both seed examples (scenarios/01-my-cache.lua,
-- then scenarios/02-kmalloc-kfree.lua) under SLOB: each operation, then
-- every step the simulated kernel takes for it, layer by layer.
require "scenarios/01-my-cache.lua"
require "scenarios/02-kmalloc-kfree.lua"
