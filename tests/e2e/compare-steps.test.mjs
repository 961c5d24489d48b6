// Issue 13, §3 and §4: the compare view lines up every message of both profiles and marks
// every difference; "step" means one thing everywhere (the counter, Why, Compare, the
// trace log, the share link), shown beside the trace entry number. §5: the step survives
// edits and reloads; a failed expectation goes to its step.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openFresh, pickPreset, screenshots, startSite } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const counter = async (page) => (await page.locator('[data-testid=step-counter]').textContent()).replace(/\s+/g, ' ');
const stepNow = async (page) => Number((await counter(page)).match(/Step (\d+)/)[1]);
const waitForStep = (page, n) =>
  page.waitForFunction((n) => new RegExp(`Step\\s*${n}\\s*/`).test(document.querySelector('[data-testid=step-counter]')?.textContent ?? ''), n, { timeout: 10_000 });

test('Compare lines up every message of both profiles and marks each difference', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'windows-reselect-reposts');
  await page.locator('button[data-action=compare]').click();
  const compare = page.locator('section.compare');
  await compare.waitFor();
  // The view is brought on screen and focused.
  await page.waitForFunction(() => document.activeElement?.closest('section.compare') != null, null, { timeout: 5_000 });
  const table = compare.locator('[data-testid=profile-rows]');
  await table.waitFor();
  const rows = table.locator('tbody tr.msg-row');
  const differing = table.locator('tbody tr.msg-row[data-differs=true]');
  const n = await differing.count();
  assert.ok(n >= 2, `several differences are marked, not only the first (${n})`);
  assert.ok((await rows.count()) > n, 'the messages both profiles post are lined up too');
  assert.match(await compare.locator('[data-testid=compare-summary]').textContent(), new RegExp(`^${n} message\\(s\\) differ`));
  // Each difference has its rules, a Windows note where the rule has one, and "go to step".
  const details = table.locator('tr.row-detail');
  assert.equal(await details.count(), n);
  for (let i = 0; i < n; i++) {
    assert.ok((await details.nth(i).locator('.rule-id').count()) >= 1, `difference ${i} names its rule`);
    assert.equal(await details.nth(i).locator('button[data-action=jump-row]').count(), 1);
  }
  assert.ok((await table.locator('.windows-note').count()) >= 1, 'a Windows note is shown');
  // Both sides say which step posted each message.
  const first = rows.first();
  assert.match(await first.textContent(), /step \d+ · #\d+/);
  // The queue's badges are the same diff: at the end, each Windows message of a differing
  // row (this preset runs under Windows) carries Doc ≠, and no other.
  await page.locator('button[data-action=end]').click();
  const mineDiffering = await table.locator('tr.msg-row[data-differs=true] td.msg-side:nth-child(3):not(.none)').count();
  assert.ok(mineDiffering >= 1);
  assert.equal(await page.locator('.panel.queue tr.msg .win-badge').count(), mineDiffering, 'badges = Compare');
  // "Go to step N" moves the step counter to N.
  const jump = details.last().locator('button[data-action=jump-row]');
  const step = Number((await jump.textContent()).match(/\d+/)[0]);
  await jump.click();
  await waitForStep(page, step);
  await page.screenshot({ path: path.join(screenshots, 'compare-every-difference.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('one meaning of step: counter, Why, trace log and Compare agree, with the entry beside it', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'windows-reset-connaborted');
  await page.locator('button[data-action=end]').click();
  const text = await counter(page);
  const m = text.match(/Step (\d+) \/ (\d+) · entry #(\d+)/);
  assert.ok(m, `the counter names the step and the entry: ${text}`);
  const [step, entry] = [Number(m[1]), Number(m[3])];
  // The trace log's newest entry says the same step and entry.
  const last = page.locator('.trace-entry').last();
  assert.match(await last.locator('.trace-step').textContent(), new RegExp(`step ${step}$`));
  assert.match(await last.locator('.trace-index').textContent(), new RegExp(`#${entry}$`));
  // Why for an entry that posted a message names the same step and entry as its row.
  const posting = page.locator('.trace-entry:has(li.posted)').last();
  const pStep = (await posting.locator('.trace-step').textContent()).match(/\d+/)[0];
  const pEntry = (await posting.locator('.trace-index').textContent()).match(/\d+/)[0];
  await posting.click();
  assert.match(await page.locator('.why-subject').textContent(), new RegExp(`^step ${pStep} · entry #${pEntry} `));
  // Compare's first difference is in steps, with the entry beside it; its button goes there.
  await page.locator('button[data-action=compare]').click();
  const at = await page.locator('section.compare .diverge-at').textContent();
  const d = at.match(/at step (\d+) \(trace entry #(\d+)\)/);
  assert.ok(d, at);
  await page.locator('button[data-action=jump-divergence]').click();
  await waitForStep(page, Number(d[1]));
  // The share link's &step= is the counter's step.
  await page.getByRole('button', { name: 'Share' }).click();
  assert.match(await page.locator('#share-url').inputValue(), new RegExp(`&step=${d[1]}(&|$)`));
  assert.deepEqual(problems, []);
  await page.close();
});

test('the step survives an edit and a reload; a failed expectation goes to its step', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  for (let i = 0; i < 12; i++) await page.locator('button[data-action=forward]').click();
  await waitForStep(page, 12);
  // Editing a comment keeps step 12.
  const editor = page.locator('#scenario-editor');
  const text = await editor.inputValue();
  await editor.fill(`# a comment\n${text}`);
  await page.waitForTimeout(700);
  assert.equal(await stepNow(page), 12, 'an edit keeps the step');
  // A reload comes back to step 12.
  await page.reload({ waitUntil: 'load' });
  await page.locator('.panel.queue').waitFor();
  await waitForStep(page, 12);
  // A wrong expectation: the view goes to the failing step, the last of the run.
  await editor.fill(text.replace('server: recv(A, 50)                      => 50\nexpect main: empty', 'expect main: WM_USER+1(A, FD_OOB, 0)\nserver: recv(A, 50)                      => 50'));
  await page.locator('.diag.failure').first().waitFor({ timeout: 10_000 });
  const c = (await counter(page)).match(/Step (\d+) \/ (\d+)/);
  assert.equal(c[1], c[2], `at the failing (last) step: ${c[0]}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('trace entries are one tab stop with arrow keys; Space on a message row does not play', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  await page.locator('button[data-action=end]').click();
  const stops = await page.locator('.trace-entry[tabindex="0"]').count();
  assert.equal(stops, 1, 'one tab stop in the trace log');
  const last = page.locator('.trace-entry[tabindex="0"]');
  const i = Number(await last.getAttribute('data-index'));
  await last.focus();
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((i) => document.activeElement?.getAttribute('data-index') === String(i - 1), i);
  assert.equal(await page.locator('.trace-entry[tabindex="0"]').getAttribute('data-index'), String(i - 1));
  assert.equal(await page.locator('.trace-entry.selected').getAttribute('data-index'), String(i - 1));
  // Space on a focused message row selects it and does not start playback.
  await page.locator('button[data-action=reset]').click();
  for (let k = 0; k < 20; k++) await page.locator('button[data-action=forward]').click();
  const row = page.locator('tr.msg').first();
  await row.focus();
  await page.keyboard.press(' ');
  await page.waitForTimeout(400);
  assert.equal(await page.locator('button[data-action=play]').getAttribute('aria-pressed'), 'false', 'not playing');
  assert.match(await row.getAttribute('class'), /selected/);
  assert.deepEqual(problems, []);
  await page.close();
});
