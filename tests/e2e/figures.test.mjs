// The playground's speed and size figures of issue 14, measured on the release site in
// Chromium and printed as `FIGURE …` lines (README "Speed and size" gives them). Timings
// are never asserted: a shared machine makes them noisy. What is asserted is that each
// measurement happened (the run has its steps, the paste ran).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startSite, siteDir, timeKeys, linkFor, PING_HEADER, PING_BLOCK, BULK_HEADER } from './harness.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});



const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
};
const stat = (xs) =>
  `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

// Records the wasm module's memory (Trunk's start event carries the exports), the long
// tasks and the long animation frames (a frame's tasks with its style, layout and paint,
// which a long task may leave out), from the first script on.
const instrument = () => {
  window.__longTasks = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
  window.__longFrames = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__longFrames.push(e.duration);
  }).observe({ type: 'long-animation-frame', buffered: true });
  addEventListener('TrunkApplicationStarted', (e) => {
    window.__wasmMemory = e.detail?.wasm?.memory;
  });
};

// JS heap in use plus the wasm linear memory, in MB.
const memory = (page) =>
  page.evaluate(() => {
    const heap = performance.memory?.usedJSHeapSize ?? 0;
    const wasm = window.__wasmMemory?.buffer?.byteLength ?? 0;
    return { heap: heap / 1e6, wasm: wasm / 1e6 };
  });

const stepCount = (page) =>
  page.evaluate(() => {
    const m = (document.querySelector('[data-testid=step-counter]')?.textContent ?? '')
      .replace(/\s+/g, ' ')
      .match(/Step (\d+) \/ (\d+)/);
    return m ? [Number(m[1]), Number(m[2])] : null;
  });

test('figure: the size of the site', () => {
  let total = 0;
  for (const f of fs.readdirSync(siteDir).sort()) {
    if (!/\.(wasm|js)$/.test(f)) continue;
    const raw = fs.readFileSync(path.join(siteDir, f));
    const gz = zlib.gzipSync(raw, { level: 9 }).length;
    total += gz;
    console.log(`FIGURE size ${f}: ${raw.length} bytes raw, ${gz} bytes gzip -9`);
  }
  console.log(`FIGURE size wasm + JS: ${total} bytes gzip -9 (target 250000)`);
  assert.ok(total > 0);
});

// Opens `src` from a share link in a new instrumented page and waits for the first
// piece of its run, which shows (and can be stepped) before the rest is computed.
const openLink = async (src) => {
  const page = await site.context.newPage();
  await page.addInitScript(instrument);
  const t0 = Date.now();
  await page.goto(site.baseUrl + linkFor(src), { waitUntil: 'load' });
  await page.waitForFunction(
    () => / \/ \d+/.test(document.querySelector('[data-testid=step-counter]')?.textContent ?? ''),
    null,
    { timeout: 600_000 },
  );
  return { page, t0, firstShown: Date.now() - t0 };
};

test('figures: 100,000 steps loaded, stepped, and the memory they take', { timeout: 600_000 }, async () => {
  const src = 'title "100,000 steps"\n' + PING_HEADER + PING_BLOCK.repeat(20_000);
  const { page, t0, firstShown } = await openLink(src);
  await page.waitForFunction(
    () => {
      const c = document.querySelector('[data-testid=step-counter]');
      return / \/ \d{6}/.test(c?.textContent ?? '') && !c.querySelector('.running');
    },
    null,
    { timeout: 300_000 },
  );
  const loaded = Date.now() - t0;
  const [, len] = await stepCount(page);
  assert.ok(len >= 100_000, `steps: ${len}`);
  console.log(
    `FIGURE 100k load: ${len} steps, from navigation to the first steps usable in ${firstShown} ms, to the whole run in ${loaded} ms`,
  );
  // The other profile's run (for the badges) is computed after; step once it is there.
  await page.waitForSelector('[data-testid=step-counter][data-compared=true]', { timeout: 300_000 });
  console.log(`FIGURE 100k load: the other profile's run compared after ${Date.now() - t0} ms`);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.querySelector('[data-testid=step-counter] strong')?.textContent.trim() === String(n), len);
  const times = { back: await timeKeys(page, 'ArrowLeft', 100), fwd: await timeKeys(page, 'ArrowRight', 100) };
  console.log(`FIGURE step back at step ${len}: ${stat(times.back)}`);
  console.log(`FIGURE step forward at step ${len}: ${stat(times.fwd)}`);
  const mem = await memory(page);
  console.log(
    `FIGURE memory with ${len} steps: JS heap ${mem.heap.toFixed(1)} MB + wasm memory ${mem.wasm.toFixed(1)} MB = ${(mem.heap + mem.wasm).toFixed(1)} MB`,
  );
  // An edit (a key typed at the end of the text), as the issue counts it: from the key
  // to the new run's first steps on screen, and to the whole run, with the view at the
  // last step and at step 0. The playground runs the text 250 ms (DEBOUNCE_MS) after
  // the last key; the key itself costs Chromium's text area about 100 ms at 80,000 lines.
  const editAt = (where) =>
    page.evaluate(async (where) => {
      const ta = document.querySelector('#scenario-editor');
      const counter = document.querySelector('[data-testid=step-counter]');
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      ta.focus();
      ta.setSelectionRange(ta.value.length, ta.value.length);
      await new Promise((r) => setTimeout(r, 300));
      const before = counter.textContent;
      const t0 = performance.now();
      // At the last step, a statement more (one step more: the counter shows the new run
      // once it is shown there); at step 0, a space (the new run's first piece shows).
      document.execCommand('insertText', false, where === 'end' ? 'a:send(C,"p")' : ' ');
      let first = null;
      for (;;) {
        await frame();
        const text = counter.textContent;
        if (first === null && text !== before) first = performance.now() - t0;
        if (first !== null && !counter.querySelector('.running') && / \/ \d{6}/.test(text)) break;
        if (performance.now() - t0 > 60_000) break;
      }
      ta.blur();
      return { first, whole: performance.now() - t0, after: counter.textContent.replace(/\s+/g, ' ').trim() };
    }, where);
  const edit = await editAt('end');
  console.log(
    `FIGURE 100k edit at step ${len}: from the key to the new run shown ${edit.first?.toFixed(0)} ms, to the whole run ${edit.whole.toFixed(0)} ms (each with the 250 ms pause after typing)`,
  );
  assert.match(edit.after, new RegExp(`Step ${len} / ${len + 1}`), 'the edit keeps the step');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[data-testid=step-counter] strong')?.textContent.trim() === '0');
  const early = await editAt('start');
  console.log(
    `FIGURE 100k edit at step 0: from the key to the new run's first steps shown ${early.first?.toFixed(0)} ms, to the whole run ${early.whole.toFixed(0)} ms (each with the 250 ms pause after typing)`,
  );
  assert.match(early.after, new RegExp(`Step 0 / ${len + 1}`), 'the edit keeps step 0');
  await page.close();
});

// 1 MiB sends, each drained by one recv: about 1,440 steps a block, so 694 blocks make
// 1,000,000 steps from 43 KB of script (the parser takes at most 1 MiB). The same
// scenario as `cargo bench -p wsasim-web --bench timeline`.
const BULK_BLOCK = 'a: send(C, 1048576 bytes)\nrun until idle\nb: recv(A, 1048576)\n';

test('figures: 1,000,000 steps loaded and stepped, and the memory they take', { timeout: 900_000 }, async () => {
  const src = 'title "1,000,000 steps"\n' + BULK_HEADER + BULK_BLOCK.repeat(694);
  const { page, t0, firstShown } = await openLink(src);
  // Runs this long are not run again under the other profile (it would double the memory).
  await page.waitForSelector('[data-testid=step-counter][data-compared=skipped]', { timeout: 600_000 });
  const loaded = Date.now() - t0;
  const [, len] = await stepCount(page);
  assert.ok(len >= 1_000_000, `steps: ${len}`);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.querySelector('[data-testid=step-counter] strong')?.textContent.trim() === String(n), len);
  const back = await timeKeys(page, 'ArrowLeft', 30);
  const [cursor] = await stepCount(page);
  assert.equal(cursor, len - 30);
  const mem = await memory(page);
  console.log(
    `FIGURE 1M load: ${len} steps, first steps usable in ${firstShown} ms, the whole run in ${loaded} ms; step back at the end: ${stat(back)}`,
  );
  console.log(
    `FIGURE memory with ${len} steps: JS heap ${mem.heap.toFixed(1)} MB + wasm memory ${mem.wasm.toFixed(1)} MB = ${(mem.heap + mem.wasm).toFixed(1)} MB (target < 200 MB)`,
  );
  await page.close();
});

// Keys typed through the browser's input pipeline (as a person types: keydown, the text
// area's own editing, input), each timed in the page from its keydown to the end of the
// next frame, and the app's share of it: its input handling (from a capturing input
// listener, which runs before the app's, to a bubbling one on the window, which runs
// after it and its effects). Not `setRangeText`, as before: that replaces the text
// area's whole text node, which Chromium styles and lays out anew (about 250 ms a call on
// this script), while a typed key edits it in place.
const typeKeys = async (page, key, n) => {
  await page.evaluate(() => {
    window.__keys = [];
    window.__app = [];
    if (window.__timing) return;
    window.__timing = true;
    let start = 0;
    addEventListener('keydown', () => {
      const t = performance.now();
      requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - t), 0));
    }, true);
    addEventListener('input', () => { start = performance.now(); }, true);
    addEventListener('input', () => window.__app.push(performance.now() - start));
  });
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(key);
    await page.waitForFunction((k) => window.__keys.length > k, i);
    await page.waitForTimeout(30);
  }
  return page.evaluate(() => ({ keys: window.__keys, app: window.__app }));
};

test('figures: pasting a 20,000-line script, and typing in it', { timeout: 600_000 }, async () => {
  const page = await site.context.newPage();
  await page.addInitScript(instrument);
  await page.goto(site.baseUrl, { waitUntil: 'load' });
  await page.locator('#scenario-editor').waitFor();
  const src = 'title "20,000 lines"\n' + PING_HEADER + PING_BLOCK.repeat(4_997);
  const lines = src.split('\n').length - 1;
  const result = await page.evaluate(async (text) => {
    const ta = document.querySelector('#scenario-editor');
    ta.focus();
    window.__longTasks.length = 0;
    window.__longFrames.length = 0;
    const t0 = performance.now();
    // What a paste does to a text area: the new value, then an input event.
    ta.value = text;
    ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    const handled = performance.now() - t0;
    // Wait for the run of the pasted text (the step counter grows past 20,000).
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const m = (document.querySelector('[data-testid=step-counter]')?.textContent ?? '').match(/\/ (\d+)/);
      if (m && Number(m[1]) > 20_000) break;
      if (performance.now() - t0 > 120_000) break;
    }
    const ran = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    const pasteTasks = [...window.__longTasks];
    const pasteFrames = [...window.__longFrames];
    // The caret at the end, where the browser's own editing costs the most.
    ta.setSelectionRange(ta.value.length, ta.value.length);
    await new Promise((r) => setTimeout(r, 500));
    window.__longTasks.length = 0;
    window.__longFrames.length = 0;
    return { handled, ran, pasteTasks, pasteFrames };
  }, src);
  const longest = (xs) => (xs.length ? `${Math.max(...xs).toFixed(0)} ms` : 'none over 50 ms');
  console.log(
    `FIGURE paste of ${lines} lines: input handled in ${result.handled.toFixed(0)} ms, run shown after ${result.ran.toFixed(0)} ms, longest task ${longest(result.pasteTasks)}, longest animation frame ${longest(result.pasteFrames)}`,
  );
  const typed = await typeKeys(page, 'x', 20);
  const enter = await typeKeys(page, 'Enter', 10);
  // The pause in typing, then the re-run.
  await page.waitForTimeout(3000);
  const [typeTasks, typeFrames] = await page.evaluate(() => [[...window.__longTasks], [...window.__longFrames]]);
  console.log(
    `FIGURE typing in ${lines} lines (at its end): per key ${stat(typed.keys)}; of which the app's input handling ${stat(typed.app)}`,
  );
  console.log(`FIGURE Enter in ${lines} lines (a new line each): per key ${stat(enter.keys)}; of which the app's ${stat(enter.app)}`);
  console.log(
    `FIGURE longest task while typing and re-running ${lines} lines: ${longest(typeTasks)}, longest animation frame ${longest(typeFrames)}`,
  );
  assert.equal(typed.keys.length, 20);
  const text = await page.locator('#scenario-editor').inputValue();
  assert.ok(text.endsWith('x'.repeat(20) + '\n'.repeat(10)), 'the keys reached the text');
  await page.close();
});
