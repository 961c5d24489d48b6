// Browser tests of the scenario editor on a long script (issue 14): the gutter numbers
// only the lines near the view, lined up with the text wherever it is scrolled; markers
// stay at their lines; typing redraws neither the gutter nor the markers; a long script
// is still compared with the other profile; an edit far into a long run keeps its step
// on screen. Its speed is printed by figures.test.mjs, never
// asserted here.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSite, openFresh, screenshots, PING_HEADER, PING_BLOCK } from './harness.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});


// The numbers the gutter shows, and where its first one and the text area's first line
// are on the page.
const gutter = (page) =>
  page.evaluate(() => {
    const g = document.querySelector('.gutter-lines');
    const numbers = g.textContent.split('\n').map(Number);
    return {
      numbers,
      first: numbers[0],
      top: g.getBoundingClientRect().top,
      textTop: document.querySelector('#scenario-editor').getBoundingClientRect().top,
    };
  });

// Where line `n` (from 1) of the text area is on the page: 8 px of padding, 20 px a line.
const lineTop = (g, n) => g.textTop + 8 + (n - 1) * 20;
// Positions agree to a fraction of a pixel (deep in a scroller they are not whole).
const near = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) < 0.5, `${what}: ${actual} is not at ${expected}`);

test('a short script: the gutter numbers every line', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFresh(site);
  const lines = (await page.locator('#scenario-editor').inputValue()).split('\n').length;
  const g = await gutter(page);
  assert.deepEqual(g.numbers, Array.from({ length: lines }, (_, i) => i + 1));
  near(g.top, lineTop(g, 1), 'the first number');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a 20,000-line script: the gutter numbers the lines in view, lined up, and typing redraws neither it nor the markers', { timeout: 300_000 }, async () => {
  const { page, problems } = await openFresh(site);
  const lines = (PING_HEADER + PING_BLOCK.repeat(4_997)).split('\n');
  const bad = 15_000;
  lines[bad - 1] = 'b:recieve(A,9)';
  const text = lines.join('\n');
  const editor = page.locator('#scenario-editor');
  await editor.evaluate((ta, t) => {
    ta.focus();
    ta.value = t;
    ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
  await page.locator('.diag.error').first().waitFor({ timeout: 60_000 });
  await page.locator('.code').evaluate((c) => { c.scrollTop = 0; });
  await page.waitForFunction(() => document.querySelector('.gutter-lines').textContent.startsWith('1\n'));

  // At the top: a few hundred numbers from 1, not 20,000.
  let g = await gutter(page);
  assert.equal(g.numbers[0], 1);
  assert.ok(g.numbers.length >= 45 && g.numbers.length < 500, `numbers: ${g.numbers.length}`);
  near(g.top, lineTop(g, 1), 'the first number');

  // Go to the error: the view scrolls there, and its number and its marker share its line.
  await page.locator('.diag.error button').first().click();
  await page.waitForFunction((n) => {
    const nums = document.querySelector('.gutter-lines').textContent.split('\n').map(Number);
    return nums[0] <= n && nums[nums.length - 1] >= n;
  }, bad);
  g = await gutter(page);
  near(g.top, lineTop(g, g.first), 'the numbers');
  const mark = page.locator(`.mark-line.error[data-line="${bad}"]`);
  assert.equal(await mark.count(), 1);
  const markTop = await mark.evaluate((m) => m.getBoundingClientRect().top);
  near(markTop, lineTop(g, bad), 'the marker');
  const view = await page.locator('.code').boundingBox();
  assert.ok(markTop >= view.y && markTop + 20 <= view.y + view.height, 'the marked line is in view');
  await page.screenshot({ path: path.join(screenshots, 'editor-long-script.png') });

  // Typing on that line, and a new line: neither the gutter's numbers nor the markers
  // change (the gutter itself grows by a line, as the text area does).
  await page.evaluate(() => {
    window.__mutations = 0;
    const count = (list) => { window.__mutations += list.length; (window.__what ??= []).push(...list.map((m) => `${m.type} ${m.target.className ?? m.target.nodeName} ${m.attributeName ?? ''}`)); };
    for (const sel of ['.gutter-lines', '.marks']) {
      new MutationObserver(count).observe(document.querySelector(sel), {
        subtree: true, childList: true, characterData: true, attributes: true,
      });
    }
  });
  await page.keyboard.type('xyz');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  assert.deepEqual(await page.evaluate(() => window.__what ?? []), [], 'typing redrew the gutter or the markers');
  assert.equal((await editor.inputValue()).split('\n').length, lines.length + 1);

  // At the end: the last number is the last line's, on that line.
  await page.locator('.code').evaluate((c) => { c.scrollTop = c.scrollHeight; });
  await page.waitForFunction((n) => document.querySelector('.gutter-lines').textContent.endsWith(`\n${n}`), lines.length + 1);
  g = await gutter(page);
  assert.ok(g.numbers.length < 500, `numbers: ${g.numbers.length}`);
  near(g.top, lineTop(g, g.first), 'the last numbers');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a long script still gets its comparison with the other profile, after the run', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  const editor = page.locator('#scenario-editor');
  // The first-load example, Connection reset, made longer than a piece of a run (20,000
  // steps) before its reset: Windows reports the reset as WSAECONNABORTED.
  const text = (await editor.inputValue()).replace(
    'reset C\n',
    'client: ioctlsocket(C, FIONREAD) => 0\n'.repeat(21_000) + 'reset C\n',
  );
  await editor.evaluate((ta, t) => {
    ta.focus();
    ta.value = t;
    ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
  // The whole run, then the other profile's.
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=step-counter]');
    const m = (c?.textContent ?? '').match(/\/\s*(\d+)/);
    return m && Number(m[1]) > 21_000 && c.dataset.compared === 'true';
  }, null, { timeout: 120_000 });
  await page.locator('[data-action="end"]').click();
  const reset = page.locator('.panel.queue tr.msg', { hasText: 'WSAECONNRESET' }).first();
  await reset.locator('.win-badge').waitFor({ timeout: 30_000 });
  assert.match(await reset.locator('.win-badge').getAttribute('aria-label'), /^Under Windows: FD_CLOSE with WSAECONNABORTED/);
  assert.deepEqual(problems, []);
  await page.close();
});

// A 60,000-step run at its last step, its editor not focused.
const openFarRun = async () => {
  const { page, problems } = await openFresh(site);
  const editor = page.locator('#scenario-editor');
  await editor.evaluate((ta, t) => {
    ta.focus();
    ta.value = t;
    ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, 'title "far"\n' + PING_HEADER + PING_BLOCK.repeat(12_000));
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=step-counter]');
    return / \/ \d{5}/.test(c?.textContent ?? '') && !c.querySelector('.running');
  }, null, { timeout: 120_000 });
  await editor.evaluate((ta) => ta.blur());
  await page.keyboard.press('End');
  return { page, problems, editor };
};

// While the mended script's run catches up with the step kept, the note under the editor
// says so; it never says "the script has errors" with no error listed.
test('mending a broken script far into a long run says the new run is on its way', { timeout: 300_000 }, async () => {
  const { page, problems, editor } = await openFarRun();
  const bad = 'a:send(C,';
  await editor.evaluate((ta, bad) => {
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
    document.execCommand('insertText', false, bad);
  }, bad);
  await page.waitForSelector('#editor-diagnostics .stale-note', { timeout: 60_000 });
  await page.waitForSelector('#editor-diagnostics li', { timeout: 60_000 });
  // Every state of the note and the list from the mend on.
  await page.evaluate(() => {
    window.__notes = [];
    const d = document.getElementById('editor-diagnostics');
    const record = () =>
      window.__notes.push({
        note: d.querySelector('.stale-note')?.textContent.trim() ?? '',
        errors: d.querySelectorAll('li').length,
      });
    new MutationObserver(record).observe(d, { subtree: true, childList: true, characterData: true });
  });
  await editor.evaluate((ta, bad) => {
    ta.setSelectionRange(ta.value.length - bad.length, ta.value.length);
    document.execCommand('insertText', false, 'a:send(C,"p")');
  }, bad);
  await page.waitForFunction(
    () => {
      const c = document.querySelector('[data-testid=step-counter]');
      return !document.querySelector('#editor-diagnostics .stale-note') && !c.querySelector('.running');
    },
    null,
    { timeout: 120_000 },
  );
  const notes = await page.evaluate(() => window.__notes);
  assert.ok(notes.length > 0, 'the diagnostics changed');
  for (const n of notes) {
    assert.ok(!/has errors/.test(n.note) || n.errors > 0, `a note about errors with none listed: ${JSON.stringify(notes)}`);
  }
  assert.ok(
    notes.some((n) => /new run/.test(n.note) && n.errors === 0),
    `the note said the new run was on its way: ${JSON.stringify(notes)}`,
  );
  assert.deepEqual(problems, []);
  await page.close();
});

// After an edit the view stays at its step. When that step lies beyond the first piece of
// the new run, the page keeps the run before the edit until the new one reaches it, so
// the step counter never shows another step on the way.
test('an edit far into a long run keeps the step on screen throughout', { timeout: 300_000 }, async () => {
  const { page, problems, editor } = await openFarRun();
  const steps = () =>
    page.evaluate(() => {
      const c = document.querySelector('[data-testid=step-counter]');
      const m = c.textContent.replace(/\s+/g, ' ').match(/Step (\d+) \/ (\d+)/);
      return { at: Number(m?.[1]), of: Number(m?.[2]), running: !!c.querySelector('.running') };
    });
  const before = await steps();
  assert.ok(before.at === before.of && before.of > 50_000, JSON.stringify(before));
  // Every step number the counter shows from the edit on.
  await page.evaluate(() => {
    window.__shown = [];
    const c = document.querySelector('[data-testid=step-counter]');
    new MutationObserver(() => window.__shown.push(c.querySelector('strong')?.textContent.trim())).observe(c, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  await editor.evaluate((ta) => {
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
    document.execCommand('insertText', false, 'a:send(C,"p")\n');
  });
  // One step more: the new run is in once the counter says so.
  await page.waitForFunction(
    (n) => {
      const c = document.querySelector('[data-testid=step-counter]');
      return new RegExp(` / ${n}\\b`).test(c.textContent.replace(/\s+/g, ' ')) && !c.querySelector('.running');
    },
    before.of + 1,
    { timeout: 120_000 },
  );
  const after = await steps();
  assert.deepEqual(after, { ...before, of: before.of + 1 }, 'the new run is shown at the same step');
  const shown = await page.evaluate(() => [...new Set(window.__shown)]);
  assert.deepEqual(shown, [String(before.at)], 'no other step was shown on the way');
  assert.deepEqual(problems, []);
  await page.close();
});
