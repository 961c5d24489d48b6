// Browser test of issue 12's playground part: Export as C downloads the scenario as a C
// program (or shows why it cannot), and the compare view compares a real run's JSON lines
// (the Wine run the CLI tests use) with the model: agreement, a difference with its jump,
// and bad input as the core's `LINE: …` error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { openFresh, pickPreset, root, screenshots, startSite } from './harness.mjs';

const wineRun = fs.readFileSync(path.join(root, 'cli', 'tests', 'fixtures', 'fd-read-level-triggered.wine.jsonl'), 'utf8');

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});



test('Export as C downloads the program, or shows why it cannot', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-action="export-c"]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'fd-read-level-triggered.c');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.match(text, /^\/\* wsasim scenario "[^"]+", exported to C by `wsasim export-c` \(profile /);
  assert.match(text, /-lws2_32/);

  // The key does the same.
  await page.evaluate(() => document.activeElement?.blur());
  const [again] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('x')]);
  assert.equal(again.suggestedFilename(), 'fd-read-level-triggered.c');

  // A partition cannot be exported: the refusal is shown, the editor keeps its text.
  await pickPreset(page, 'connect-timed-out');
  const before = await page.locator('#scenario-editor').inputValue();
  await page.locator('[data-action="export-c"]').click();
  const notice = page.locator('[data-testid=export-notice]');
  await notice.waitFor({ timeout: 10_000 });
  assert.match(await notice.textContent(), /\d+:\d+: cannot export partition:/);
  assert.equal(await page.locator('#scenario-editor').inputValue(), before);
  await page.screenshot({ path: path.join(screenshots, 'export-refused.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('Compare takes a real run: agreement, a difference with its jump, and bad input', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  await page.locator('[data-profile="windows"]').click();
  await page.locator('[data-action="compare"]').click();
  const input = page.locator('#real-run-text');
  await input.waitFor();

  await input.fill(wineRun);
  const agrees = page.locator('[data-testid=real-agrees]');
  await agrees.waitFor({ timeout: 15_000 });
  assert.match(await agrees.textContent(), /13 call\(s\) and 3 message\(s\) compared/);

  await input.fill(wineRun.replace('"result":"50"', '"result":"49"'));
  const differs = page.locator('[data-testid=real-differs]');
  await differs.waitFor({ timeout: 15_000 });
  assert.match(await differs.textContent(), /^1 difference\(s\).*first is at line 22/);
  assert.equal((await page.locator('[data-side=real] .entry').textContent()).trim(), '49');
  assert.equal((await page.locator('[data-side=model] .entry').textContent()).trim(), '50');
  const jump = page.locator('[data-side=model] [data-action=jump-real]');
  const target = Number((await jump.textContent()).match(/\d+/)[0]);
  await jump.click();
  await page.waitForFunction((n) => new RegExp(`\\b${n}\\s*/`).test(document.querySelector('.counter')?.textContent ?? ''), target, { timeout: 10_000 });
  await page.screenshot({ path: path.join(screenshots, 'compare-real-run.png') });

  await input.fill('{not json\n');
  const error = page.locator('[data-testid=real-error]');
  await error.waitFor({ timeout: 15_000 });
  assert.match(await error.textContent(), /^1: not a JSON line/);
  assert.deepEqual(problems, []);
  await page.close();
});
