-- SPDX-License-Identifier: GPL-2.0-or-later
-- a runaway scenario: --max-steps must stop it
local n = 0
while true do n = n + 1 end
