#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// merge-test.js - a `kmemsim merge` HTML page, looked at in Chromium
//
//   node merge-test.js OUTDIR PAGE.html MERGE.json
//
// MERGE.json is the same merge rendered as JSON (--format json): the
// numbers the page must draw.  The merge has one group key (the charts'
// x axis), so each line of a chart is one policy.  At 1280x720:
//   - nothing is fetched (the harness refuses every request but file: and
//     data:, and the page names no other), no two text boxes overlap, no
//     text is cut, nothing makes the page wider than the viewport;
//   - one chart per metric of the JSON, in its order, titled with its name,
//     its y axis labelled with its unit;
//   - every point of every chart is drawn to the chart's one y scale (read
//     off its tick labels): the dot at the JSON mean and its error bar's
//     ends at mean -/+ the JSON 95% interval, within 1 px, for every policy
//     at every x value -- so the policies compared in a chart share a scale.
// A full-page screenshot goes to OUTDIR.  Exits 0 when all hold, 1
// otherwise, 77 (SKIP) without a browser.
'use strict';

const fs = require('fs');
const path = require('path');
const h = require('./harness');

let failures = 0;
function fail(msg) {
	console.log(`FAIL: ${msg}`);
	failures++;
}
function ok(msg) {
	console.log(`ok: ${msg}`);
}

const [outdir, page, jsonFile] = process.argv.slice(2);
if (!jsonFile) {
	console.error('usage: merge-test.js OUTDIR PAGE.html MERGE.json');
	process.exit(2);
}
const merge = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));

// Runs in the page: each chart's title, axis label, ticks, x labels and
// points, in SVG user units (the coordinates the page was drawn in).
/* eslint-disable no-undef */
function readCharts() {
	const num = (e, a) => parseFloat(e.getAttribute(a));
	return [...document.querySelectorAll('figure svg, svg')].filter((s) =>
		!s.parentElement.closest('svg')).map((svg) => {
		const texts = [...svg.querySelectorAll(':scope > text')];
		const yLabel = texts.find((t) => (t.getAttribute('transform') || '').startsWith('rotate'));
		const ticks = texts.filter((t) => t.getAttribute('text-anchor') === 'end')
			.map((t) => ({ v: parseFloat(t.textContent), y: num(t, 'y') - 4 }));
		// x labels: centred, under the plot, above the axis title
		const centred = texts.filter((t) => t.getAttribute('text-anchor') === 'middle' && t !== yLabel);
		const xTitleY = Math.max(...centred.map((t) => num(t, 'y')));
		const xLabels = centred.filter((t) => num(t, 'y') < xTitleY)
			.map((t) => ({ text: t.textContent, x: num(t, 'x') }));
		const points = [];
		for (const g of svg.querySelectorAll(':scope > g')) {
			for (const c of g.querySelectorAll('circle')) {
				const title = c.querySelector('title');
				if (!title)
					continue;
				const bar = c.previousElementSibling && c.previousElementSibling.tagName === 'path' ?
					c.previousElementSibling.getAttribute('d') : null;
				points.push({ title: title.textContent, cx: num(c, 'cx'), cy: num(c, 'cy'), bar });
			}
		}
		return {
			title: svg.querySelector('title') ? svg.querySelector('title').textContent : '',
			yLabel: yLabel ? yLabel.textContent : null,
			ticks, xLabels, points,
		};
	});
}
/* eslint-enable no-undef */

h.main(async (browser) => {
	const html = fs.readFileSync(page, 'utf8');
	const refs = html.match(/(?:src|href)\s*=\s*["'][^"']*|url\(|@import/g) || [];
	if (refs.length)
		fail(`the page refers to other files: ${refs.slice(0, 3).join(' ')}`);
	else
		ok('the page names nothing to fetch');

	const p = await h.open(browser, page, { width: 1280, height: 720 });
	await h.screenshot(p, path.join(outdir, 'merge.png'), { fullPage: true });
	// a <code> inside a sentence is measured as part of the sentence's box
	// (each element's box is its whole text, inline children included)
	const boxes = await h.textBoxes(p, 'body *:not(code)');
	const bad = h.overlaps(boxes);
	if (bad.length)
		for (const [a, b] of bad.slice(0, 5))
			fail(`text overlaps: "${a.text}" and "${b.text}"`);
	else
		ok(`no two of ${boxes.length} text boxes overlap`);
	const cut = boxes.filter((b) => b.clipped);
	if (cut.length)
		fail(`text cut: ${cut.slice(0, 3).map((b) => b.text).join(' | ')}`);
	else
		ok('no text is cut');
	const sw = await p.evaluate(() => document.documentElement.scrollWidth);
	if (sw > 1280)
		fail(`the page is ${sw} px wide, wider than the 1280 px viewport`);

	const charts = await p.evaluate(readCharts);
	const names = merge.metrics.map((m) => m.name);
	if (charts.length !== names.length || charts.some((c, i) => c.title !== names[i]))
		fail(`charts ${JSON.stringify(charts.map((c) => c.title))}, expected one per metric ${JSON.stringify(names)}`);
	else
		ok(`one chart per metric (${charts.length}), in the JSON's order`);
	const xkey = merge.group_keys[0];
	for (const [i, chart] of charts.entries()) {
		const m = merge.metrics[i];
		if (!m)
			break;
		const unit = m.unit || (m.decimals ? 'value' : 'count');
		if (chart.yLabel !== unit)
			fail(`${m.name}: the y axis says '${chart.yLabel}', not its unit '${unit}'`);
		// the scale: the first and last ticks
		const t0 = chart.ticks[0], t1 = chart.ticks[chart.ticks.length - 1];
		if (!t0 || t0.v === t1.v) {
			fail(`${m.name}: no y scale to read`);
			continue;
		}
		const yOf = (v) => t0.y + (v - t0.v) * (t1.y - t0.y) / (t1.v - t0.v);
		let checked = 0;
		for (const g of merge.groups) {
			const xl = chart.xLabels.find((l) => l.text === g.point[xkey]);
			const st = g.stats.find((s) => s.metric === m.name);
			if (!xl || !st) {
				fail(`${m.name}: no x label '${g.point[xkey]}' or no stats`);
				continue;
			}
			for (const col of merge.columns) {
				const c = st.columns[col];
				if (!c || !c.n)
					continue;
				// the policy's dot nearest this x value
				const pts = chart.points.filter((q) => q.title.startsWith(`${col}: `))
					.sort((a, b) => Math.abs(a.cx - xl.x) - Math.abs(b.cx - xl.x));
				const pt = pts[0];
				if (!pt || Math.abs(pt.cx - xl.x) > 12) {
					fail(`${m.name}: no ${col} point at ${xkey}=${g.point[xkey]}`);
					continue;
				}
				if (Math.abs(pt.cy - yOf(c.mean)) > 1)
					fail(`${m.name}, ${col} at ${g.point[xkey]}: dot at y ${pt.cy}, the mean ${c.mean} is at ${yOf(c.mean).toFixed(1)}`);
				if (c.ci95 > 0) {
					const ys = pt.bar ? (pt.bar.match(/^M[-\d.]+ ([-\d.]+)V([-\d.]+)/) || []).slice(1).map(Number) : [];
					const want = [yOf(c.mean - c.ci95), yOf(c.mean + c.ci95)];
					if (ys.length !== 2 || Math.abs(ys[0] - want[0]) > 1 || Math.abs(ys[1] - want[1]) > 1)
						fail(`${m.name}, ${col} at ${g.point[xkey]}: error bar ${ys.join('..')}, expected ${want.map((v) => v.toFixed(1)).join('..')} (${c.mean} ± ${c.ci95})`);
				} else if (pt.bar) {
					fail(`${m.name}, ${col} at ${g.point[xkey]}: an error bar for an interval of 0`);
				}
				checked++;
			}
		}
		ok(`${m.name}: y axis '${unit}', ${checked} dots and error bars on one scale`);
	}
	return failures;
});
