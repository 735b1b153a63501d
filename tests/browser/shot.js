#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// shot.js - screenshot a page with the system Chromium, for people looking
// at what a report shows:
//   node tests/browser/shot.js PAGE.html OUT.png [--full] [--size WxH]
//                              [--element CSS] [--open]
// --element: only that element; --open: every <details> unfolded first [--element CSS] [--open]
// Exits 77 (SKIP) where no browser or node modules exist.
'use strict';

const h = require('./harness');

const args = process.argv.slice(2);
const full = args.includes('--full');
const ei = args.indexOf('--element');
const element = ei >= 0 ? args[ei + 1] : null;
const si = args.indexOf('--size');
const [width, height] = si >= 0 ? args[si + 1].split('x').map(Number) : [1280, 720];
const files = args.filter((a, i) => !a.startsWith('--') && (si < 0 || i !== si + 1) && (ei < 0 || i !== ei + 1));
if (files.length !== 2) {
	console.error('usage: shot.js PAGE.html OUT.png [--full] [--size WxH] [--element CSS]');
	process.exit(2);
}
h.main(async (browser) => {
	const page = await h.open(browser, files[0], { width, height });
	if (args.includes('--open'))
		await page.evaluate(() => {
			for (const d of document.querySelectorAll('details'))
				d.open = true;
		});
	if (element) {
		const el = await page.$(element);
		if (!el)
			throw new Error(`no element matches ${element}`);
		await el.screenshot({ path: files[1] });
	} else {
		await h.screenshot(page, files[1], { fullPage: full });
	}
	const height_px = await page.evaluate(() => document.documentElement.scrollHeight);
	console.log(`${files[1]}: page height ${height_px} px`);
	return 0;
});
