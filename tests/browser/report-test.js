#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// report-test.js - a compare or replay HTML report, looked at in Chromium
//
//   node report-test.js OUTDIR NAME PAGE.html REPORT.json [NAME PAGE JSON]...
//
// For each page (the JSON is the same report rendered as JSON: the data
// the page must show), at 1280x720:
//   - the first screen shows the whole headline (ul.headline inside the
//     viewport before any scrolling), and the headline's findings agree
//     with the bar group's data: "lowest" and "highest" name the series
//     with the smallest and largest value of that metric;
//   - with every <details> opened: no two text boxes overlap, no text is
//     cut (ends in an ellipsis, or an HTML box clips it), nothing makes the
//     page wider than the viewport;
//   - every bar of every bar chart: its height is the largest bar's height
//     times value / largest value, within 1 px, for the values in the JSON
//     (not in the page); its label, read back with the panel's unit (KiB,
//     MiB, us, ms, k, M), is the JSON value to three significant digits;
//     a metric whose values are all zero has no bars and is named in the
//     chart's "all zero:" line, and every other metric has its bars.
// Screenshots (first screen and full page) go to OUTDIR as test artefacts.
// Exits 0 when all hold, 1 otherwise, 77 (SKIP) without a browser.
'use strict';

const fs = require('fs');
const path = require('path');
const h = require('./harness');

const UNIT = {
	B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
	ns: 1, us: 1e3, ms: 1e6, s: 1e9,
};
const SUFFIX = { k: 1e3, M: 1e6, G: 1e9 };
const short = (t) => (t.length > 80 ? `${t.slice(0, 77)}...` : t).replace(/\n/g, ' ');

let failures = 0;
function fail(msg) {
	console.log(`FAIL: ${msg}`);
	failures++;
}
function ok(msg) {
	console.log(`ok: ${msg}`);
}

// every bar group of the report (top level only: the comparison)
function barGroups(report) {
	const out = [];
	for (const s of report.sections)
		for (const b of s.blocks)
			if (b.type === 'bars')
				out.push(b);
	return out;
}

function headlineRows(report) {
	for (const s of report.sections)
		for (const b of s.blocks)
			if (b.type === 'table' && b.role === 'headline')
				return b;
	return null;
}

function checkHeadlineData(name, report) {
	const hl = headlineRows(report);
	if (!hl) {
		fail(`${name}: the JSON has no headline table`);
		return;
	}
	const col = (n) => hl.columns.findIndex((c) => c.name === n);
	const [cm, clo, clov, chi, chiv] = ['metric', 'lowest', 'lowest value',
		'highest', 'highest value'].map(col);
	let checked = 0;
	for (const row of hl.rows) {
		if (row[cm] === null)
			continue;	// a note (a failed run), not a figure
		let cat = null, series = null;
		for (const g of barGroups(report))
			for (const c of g.categories)
				if (c.name === row[cm]) {
					cat = c;
					series = g.series;
				}
		if (!cat) {
			fail(`${name}: headline metric "${row[cm]}" is in no bar group`);
			continue;
		}
		const vals = cat.values.map((v, i) => [v, series[i]]).filter((p) => p[0] !== null);
		const lo = Math.min(...vals.map((p) => p[0]));
		const hi = Math.max(...vals.map((p) => p[0]));
		const vOf = (s) => cat.values[series.indexOf(s)];
		if (vOf(row[clo]) !== lo || Math.abs(row[clov] - lo) > 1e-3 * Math.max(1, Math.abs(lo)))
			fail(`${name}: headline "${row[cm]}": lowest is ${row[clo]} ${row[clov]}, the data says ${lo}`);
		else if (vOf(row[chi]) !== hi || Math.abs(row[chiv] - hi) > 1e-3 * Math.max(1, Math.abs(hi)))
			fail(`${name}: headline "${row[cm]}": highest is ${row[chi]} ${row[chiv]}, the data says ${hi}`);
		else if (hi === lo)
			fail(`${name}: headline "${row[cm]}" names a metric where the policies agree`);
		else
			checked++;
	}
	ok(`${name}: ${checked} headline findings agree with the figures`);
}

/* eslint-disable no-undef */
function inPageBars() {
	const out = [];
	for (const g of document.querySelectorAll('svg g.panel')) {
		const svg = g.ownerSVGElement;
		const unitEl = g.querySelector('text.unit');
		const bars = [...g.querySelectorAll('rect.bar')].map((r) => {
			const b = r.getBoundingClientRect();
			return { series: r.dataset.series, h: b.height };
		});
		const labels = [...g.querySelectorAll('text.value')].map((t) => t.textContent);
		out.push({
			chart: svg.querySelector('title').textContent,
			metric: g.dataset.metric,
			unit: unitEl ? unitEl.textContent : '',
			// the SVG may be scaled to fit: px per user unit
			scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
			bars, labels,
		});
	}
	const folded = [...document.querySelectorAll('svg text.folded')].map((t) => ({
		chart: t.ownerSVGElement.querySelector('title').textContent,
		text: t.textContent,
	}));
	return { panels: out, folded };
}
/* eslint-enable no-undef */

function parseLabel(text, unit) {
	const m = /^(-?[0-9.]+)([kMG]?)$/.exec(text);
	if (!m)
		return NaN;
	const mult = (UNIT[unit] || 1) * (m[2] ? SUFFIX[m[2]] : 1);
	return parseFloat(m[1]) * mult;
}

function checkBars(name, report, got) {
	let nbars = 0;
	for (const g of barGroups(report)) {
		const title = g.title || g.id;
		const panels = got.panels.filter((p) => p.chart === title);
		const folded = got.folded.filter((f) => f.chart === title).map((f) => f.text).join(' ');
		for (const cat of g.categories) {
			const present = cat.values.filter((v) => v !== null);
			const p = panels.find((x) => x.metric === cat.name);
			const allZero = present.length > 0 && present.every((v) => v === 0);
			if (allZero) {
				// zero at the JSON's decimals; the chart may know more
				// digits, but then every label must round to zero
				const half = 0.5 * 10 ** -cat.decimals;
				if (p) {
					for (const t of p.labels)
						if (!(Math.abs(parseLabel(t, p.unit)) < half))
							fail(`${name}: "${cat.name}" is zero in the JSON but labelled "${t}" ${p.unit}`);
					continue;
				}
				if (!folded.includes(cat.name))
					fail(`${name}: "${cat.name}" is all zero and not named in the "all zero:" line`);
				continue;
			}
			if (present.length === 0)
				continue;
			if (!p) {
				fail(`${name}: "${cat.name}" has values but no panel`);
				continue;
			}
			const vmax = Math.max(...present.map(Math.abs));
			const hmax = Math.max(...p.bars.map((b) => b.h));
			for (let i = 0; i < g.series.length; i++) {
				const v = cat.values[i];
				if (v === null)
					continue;
				const bar = p.bars.find((b) => b.series === g.series[i]);
				if (!bar) {
					fail(`${name}: "${cat.name}" has no bar for ${g.series[i]}`);
					continue;
				}
				const want = hmax * Math.abs(v) / vmax;
				// the JSON keeps cat.decimals digits: allow for that rounding
				const slack = 1 + hmax * 0.5 * 10 ** -cat.decimals / vmax;
				if (Math.abs(bar.h - want) > slack)
					fail(`${name}: "${cat.name}" ${g.series[i]}: bar ${bar.h.toFixed(2)} px, ` +
					     `value ${v} of ${vmax} wants ${want.toFixed(2)} px`);
				nbars++;
			}
			// labels in series order, one per present value
			const vals = cat.values.filter((v) => v !== null);
			p.labels.forEach((t, k) => {
				const read = parseLabel(t, p.unit);
				const v = vals[k];
				// three significant digits: within 0.5 % (and exact for 0)
				if (!(Math.abs(read - v) <= 0.005 * Math.abs(v) + 0.5 * 10 ** -cat.decimals + 1e-9))
					fail(`${name}: "${cat.name}": label "${t}" ${p.unit} reads ${read}, the value is ${v}`);
			});
		}
	}
	ok(`${name}: ${nbars} bars checked against the JSON values`);
}

async function checkPage(browser, outdir, name, html, json) {
	const report = JSON.parse(fs.readFileSync(json, 'utf8'));
	checkHeadlineData(name, report);

	const page = await h.open(browser, html, { width: 1280, height: 720 });
	await h.screenshot(page, path.join(outdir, `${name}-first-screen.png`));
	const hl = await page.evaluate(() => {
		const u = document.querySelector('ul.headline');
		if (!u)
			return null;
		const r = u.getBoundingClientRect();
		return { top: r.top, bottom: r.bottom, n: u.children.length };
	});
	if (!hl)
		fail(`${name}: no headline on the page`);
	else if (hl.top < 0 || hl.bottom > 720)
		fail(`${name}: the headline spans y ${hl.top}..${hl.bottom}, not inside the first 720 px`);
	else
		ok(`${name}: the first screen shows the headline (${hl.n} findings, y ${Math.round(hl.top)}..${Math.round(hl.bottom)})`);

	const closedHeight = await page.evaluate(() => document.documentElement.scrollHeight);
	// everything open: nothing folded may hide a collision
	await page.evaluate(() => {
		for (const d of document.querySelectorAll('details'))
			d.open = true;
	});
	const dims = await page.evaluate(() => ({
		w: document.documentElement.scrollWidth,
		h: document.documentElement.scrollHeight,
	}));
	console.log(`${name}: page height ${closedHeight} px as opened, ${dims.h} px with every part unfolded`);
	if (dims.w > 1280)
		fail(`${name}: the page is ${dims.w} px wide at a 1280 px viewport`);

	const boxes = await h.textBoxes(page);
	const cut = boxes.filter((b) => b.clipped);
	for (const b of cut.slice(0, 10))
		fail(`${name}: text cut: "${short(b.text)}" (${b.tag})`);
	if (!cut.length)
		ok(`${name}: none of ${boxes.length} text boxes is cut`);
	const ov = h.overlaps(boxes);
	for (const [a, b] of ov.slice(0, 10))
		fail(`${name}: text overlaps: "${short(a.text)}" (${a.tag} at ${a.x.toFixed(0)},${a.y.toFixed(0)}) ` +
		     `and "${short(b.text)}" (${b.tag} at ${b.x.toFixed(0)},${b.y.toFixed(0)})`);
	if (!ov.length)
		ok(`${name}: no two of ${boxes.length} text boxes overlap`);

	checkBars(name, report, await page.evaluate(inPageBars));
	await h.screenshot(page, path.join(outdir, `${name}-full.png`), { fullPage: true });
	await page.close();
}

const args = process.argv.slice(2);
if (args.length < 4 || (args.length - 1) % 3 !== 0) {
	console.error('usage: report-test.js OUTDIR NAME PAGE.html REPORT.json [NAME PAGE JSON]...');
	process.exit(2);
}
const outdir = args[0];
fs.mkdirSync(outdir, { recursive: true });
h.main(async (browser) => {
	for (let i = 1; i < args.length; i += 3)
		await checkPage(browser, outdir, args[i], args[i + 1], args[i + 2]);
	console.log(`screenshots in ${outdir}`);
	return failures;
});
