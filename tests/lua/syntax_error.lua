-- SPDX-License-Identifier: GPL-2.0-or-later
-- a scenario with a syntax error on line 3
local x = 1
local y = = 2
