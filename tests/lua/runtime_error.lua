-- SPDX-License-Identifier: GPL-2.0-or-later
-- a scenario that fails at run time on line 4
local km = require "kmemsim"
local function go() return km.new{ cpus = "many" } end
go()
