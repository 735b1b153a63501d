#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// steps-test.js - the step-through page of `kmemsim run --steps`, driven in
// Chromium (issue 18)
//
//   node steps-test.js OUTDIR PAGE.html
//
// PAGE is tests/steps-scenario.lua's page.  At 1280x720:
//   - it opens at step 1 of 6 and shows that step's operation;
//   - the slider moves the shown step (its operation, the step counter and
//     the memory map: the canvas pixel of pfn 0's cell changes colour when
//     the slider goes from the free_pages step back to the alloc_pages one,
//     as the data says cells 0-3 are in use there and free after);
//   - the step button and the right arrow key go one step forward, the back
//     button and the left arrow key one back; End goes to the last step,
//     whose slab lists name the cache steps_test;
//   - large type (key L) makes the text bigger and the page still shows
//     the step; no text is cut and no two text boxes overlap.
// Screenshots (normal and large type) go to OUTDIR.
// Exits 0 when all hold, 1 otherwise, 77 (SKIP) without a browser.
'use strict';

const fs = require('fs');
const path = require('path');
const h = require('./harness');

let failures = 0;
function check(cond, msg) {
	console.log(`${cond ? 'ok' : 'FAIL'}: ${msg}`);
	if (!cond)
		failures++;
}

// what the page shows now
function state() {
	const cv = document.getElementById('map');
	const px = cv.getContext('2d').getImageData(1, 1, 1, 1).data;
	return {
		step: +document.body.getAttribute('data-step'),
		pos: document.getElementById('pos').textContent,
		op: document.getElementById('op').textContent,
		lists: document.getElementById('lists').textContent,
		pfn0: `${px[0]},${px[1]},${px[2]}`,
		font: parseFloat(getComputedStyle(document.body).fontSize),
	};
}

async function slide(page, to) {
	await page.evaluate((v) => {
		const s = document.getElementById('slider');
		s.value = v;
		s.dispatchEvent(new Event('input'));
	}, to);
	return page.evaluate(state);
}

const [outdir, file] = process.argv.slice(2);
if (!file) {
	console.error('usage: steps-test.js OUTDIR PAGE.html');
	process.exit(2);
}
fs.mkdirSync(outdir, { recursive: true });
h.main(async (browser) => {
	const page = await h.open(browser, path.resolve(file), { width: 1280, height: 720 });
	let s = await page.evaluate(state);
	check(s.step === 0 && s.pos === 'step 1 of 6' && /alloc_pages/.test(s.op),
		`opens at step 1 of 6, alloc_pages (${s.pos}: ${s.op})`);
	const inUse = s.pfn0;
	s = await slide(page, 2);
	check(s.step === 2 && s.pos === 'step 3 of 6' && /free_pages/.test(s.op),
		`slider to 2: step 3, free_pages (${s.pos}: ${s.op})`);
	check(s.pfn0 !== inUse, `slider: pfn 0's cell changes colour (in use ${inUse}, free ${s.pfn0})`);
	s = await slide(page, 0);
	check(s.step === 0 && s.pfn0 === inUse, `slider back to 0: the cell is in use again (${s.pfn0})`);

	await page.click('#next');
	s = await page.evaluate(state);
	check(s.step === 1, `the step button: step ${s.step + 1}`);
	await page.keyboard.press('ArrowRight');
	s = await page.evaluate(state);
	check(s.step === 2, `the right arrow key: step ${s.step + 1}`);
	await page.click('#back');
	await page.keyboard.press('ArrowLeft');
	s = await page.evaluate(state);
	check(s.step === 0, `the back button and the left arrow key: step ${s.step + 1}`);
	await page.keyboard.press('End');
	s = await page.evaluate(state);
	check(s.step === 5 && /kmem_cache_free/.test(s.op), `End: the last step, kmem_cache_free (${s.op})`);
	const title = await page.evaluate(() => document.getElementById('liststitle').textContent);
	check(/steps_test/.test(title), `the last step's slab lists are steps_test's (${title})`);

	const boxes = await h.textBoxes(page);
	check(!boxes.some((b) => b.clipped), `no text cut (${boxes.length} boxes)`);
	check(!h.overlaps(boxes).length, 'no two text boxes overlap');
	await h.screenshot(page, path.join(outdir, 'steps.png'));

	const small = s.font;
	await page.keyboard.press('l');
	s = await page.evaluate(state);
	check(s.font >= 1.5 * small && s.step === 5, `large type: ${small}px -> ${s.font}px, still step ${s.step + 1}`);
	await h.screenshot(page, path.join(outdir, 'steps-large.png'));
	await page.close();
	return failures;
});
