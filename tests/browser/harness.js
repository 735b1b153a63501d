// SPDX-License-Identifier: GPL-2.0-or-later
// harness.js - drive the system Chromium headless over the DevTools protocol
// (puppeteer-core), for tests that look at a page as a person would.
//
// Why a harness of our own: the tests must use Debian's chromium, never a
// downloaded browser, must run as root in CI (no sandbox), must not touch
// the network, and must SKIP (exit 77) where no browser or no node modules
// exist.  Everything about launching lives here, so a test only says what
// page to open and what to measure.
//
// API (CommonJS):
//   const h = require('./harness');
//   h.SKIP                         77, the automake exit status for SKIP
//   h.findBrowser()                path of a Chromium, or null
//                                  ($CHROMIUM, /usr/bin/chromium, chromium-browser)
//   h.available()                  { ok: true } or { ok: false, why: "..." }
//   await h.launch(opts?)          a browser: headless, fresh --user-data-dir
//                                  (removed at close), no network services;
//                                  opts.args adds switches
//   await h.open(browser, file, { width, height })
//                                  a page at file:// (absolute or relative
//                                  path, or a URL), viewport width x height
//                                  (default 1280x720), loaded
//   await h.screenshot(page, png, { fullPage })
//   await h.textBoxes(page, selector?)
//                                  [{ text, x, y, w, h, tag, id, clipped }]:
//                                  each visible text node's box (per element,
//                                  SVG <text> and HTML alike); clipped is true
//                                  when the element's text is cut by its box
//                                  (overflow hidden and scrollWidth >
//                                  clientWidth) or ends in "..."; an SVG
//                                  <text> counts as one box with its tspans
//   h.overlaps(boxes, slack?)      pairs of boxes that intersect by more than
//                                  slack px (default 0.5) in both directions
//   await h.close(browser)         quit and remove the profile
//   h.main(async (browser) => n)   run a test body: SKIP if unavailable,
//                                  exit 1 if it throws or returns n > 0
//                                  failures, else 0; always closes the browser
//
// Pages are loaded with JavaScript enabled but all requests other than
// file:// and data: are refused, so a page that needs the network fails
// visibly instead of waiting.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const SKIP = 77;

const SWITCHES = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--disable-extensions',
	'--hide-scrollbars', '--font-render-hinting=none',
];

function findBrowser() {
	const cands = [process.env.CHROMIUM, '/usr/bin/chromium',
		'/usr/bin/chromium-browser'].filter(Boolean);
	for (const c of cands) {
		try {
			fs.accessSync(c, fs.constants.X_OK);
			return c;
		} catch (e) { /* next */ }
	}
	return null;
}

function loadPuppeteer() {
	try {
		return require('puppeteer-core');
	} catch (e) {
		return null;
	}
}

function available() {
	if (!findBrowser())
		return { ok: false, why: 'no Chromium (apt-get install chromium, or set CHROMIUM)' };
	if (!loadPuppeteer())
		return { ok: false, why: 'no puppeteer-core (run tests/browser/setup.sh)' };
	return { ok: true };
}

async function launch(opts = {}) {
	const pptr = loadPuppeteer();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kmemsim-chromium-'));
	const browser = await pptr.launch({
		executablePath: findBrowser(),
		headless: true,
		args: SWITCHES.concat([`--user-data-dir=${profile}`], opts.args || []),
		ignoreDefaultArgs: ['--enable-automation'],
		timeout: 60000,
	});
	browser.__kmemsimProfile = profile;
	return browser;
}

async function open(browser, file, { width = 1280, height = 720 } = {}) {
	const page = await browser.newPage();
	await page.setViewport({ width, height, deviceScaleFactor: 1 });
	await page.setRequestInterception(true);
	page.on('request', (req) => {
		const u = req.url();
		if (u.startsWith('file:') || u.startsWith('data:'))
			req.continue();
		else
			req.abort();
	});
	const url = /^[a-z]+:/.test(file) ? file : 'file://' + path.resolve(file);
	await page.goto(url, { waitUntil: 'load', timeout: 60000 });
	return page;
}

async function screenshot(page, png, { fullPage = false } = {}) {
	fs.mkdirSync(path.dirname(path.resolve(png)), { recursive: true });
	await page.screenshot({ path: png, fullPage });
}

// Runs in the page: one box per element that directly holds visible text.
/* eslint-disable no-undef */
function collectBoxes(selector) {
	const out = [];
	const els = document.querySelectorAll(selector);
	for (const el of els) {
		let direct = '';
		// an SVG <text> is one box, its <tspan>s laid out in sequence
		if (el instanceof SVGElement && el.tagName === 'tspan')
			continue;
		if (el instanceof SVGElement && el.tagName === 'text')
			direct = el.textContent;
		else
			for (const n of el.childNodes)
				if (n.nodeType === 3)
					direct += n.nodeValue;
		direct = direct.trim();
		if (!direct)
			continue;
		const cs = getComputedStyle(el);
		if (cs.visibility === 'hidden' || cs.display === 'none')
			continue;
		let r;
		if (el instanceof SVGElement) {
			r = el.getBoundingClientRect();
		} else {
			// the text itself, not the block around it
			const range = document.createRange();
			range.selectNodeContents(el);
			r = range.getBoundingClientRect();
		}
		if (r.width === 0 || r.height === 0)
			continue;
		// cut: an ellipsis, or a box that hides what does not fit (a box
		// that scrolls, like a wide /proc file in <pre>, cuts nothing)
		const hides = cs.overflowX === 'hidden' || cs.overflowX === 'clip' ||
			cs.textOverflow === 'ellipsis';
		const clipped = direct.endsWith('...') || direct.endsWith('\u2026') ||
			(!(el instanceof SVGElement) && hides &&
			 el.scrollWidth > el.clientWidth + 1);
		out.push({
			text: direct, tag: el.tagName.toLowerCase(), id: el.id || '',
			x: r.left + window.scrollX, y: r.top + window.scrollY,
			w: r.width, h: r.height, clipped,
		});
	}
	return out;
}
/* eslint-enable no-undef */

async function textBoxes(page, selector = 'body *') {
	return page.evaluate(collectBoxes, selector);
}

function overlaps(boxes, slack = 0.5) {
	const bad = [];
	const sorted = boxes.slice().sort((a, b) => a.y - b.y);
	for (let i = 0; i < sorted.length; i++) {
		const a = sorted[i];
		for (let j = i + 1; j < sorted.length; j++) {
			const b = sorted[j];
			if (b.y >= a.y + a.h - slack)
				break;
			const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
			const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
			if (ox > slack && oy > slack)
				bad.push([a, b]);
		}
	}
	return bad;
}

async function close(browser) {
	const profile = browser.__kmemsimProfile;
	try {
		await browser.close();
	} finally {
		if (profile)
			fs.rmSync(profile, { recursive: true, force: true });
	}
}

function main(body) {
	const av = available();
	if (!av.ok) {
		console.log(`SKIP: ${av.why}`);
		process.exit(SKIP);
	}
	(async () => {
		let browser;
		let failures = 1;
		try {
			browser = await launch();
			failures = await body(browser);
		} catch (e) {
			console.log(`FAIL: ${e && e.stack ? e.stack : e}`);
			failures = 1;
		} finally {
			if (browser)
				await close(browser).catch(() => {});
		}
		process.exit(failures > 0 ? 1 : 0);
	})();
}

module.exports = {
	SKIP, findBrowser, available, launch, open, screenshot, textBoxes,
	overlaps, close, main,
};
