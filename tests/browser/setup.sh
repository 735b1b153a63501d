#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# setup.sh - install the browser tests' node modules (puppeteer-core, pinned
# by package-lock.json) into tests/browser/node_modules with `npm ci`.
#
# Only where node, npm and a Chromium exist: the tests drive the system
# Chromium (Debian's chromium package), so no browser is ever downloaded
# (PUPPETEER_SKIP_DOWNLOAD, --ignore-scripts).  Without them this prints
# why and exits 0: the browser tests then SKIP.  ./bootstrap --with-browser
# installs chromium and calls this.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for t in node npm; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "tests/browser/setup.sh: no $t; the browser tests will SKIP"
		exit 0
	fi
done
if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ] && [ ! -x /usr/bin/chromium-browser ]; then
	echo "tests/browser/setup.sh: no chromium (apt-get install chromium); the browser tests will SKIP"
	exit 0
fi
cd "$here"
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "tests/browser/setup.sh: node modules installed in $here/node_modules"
