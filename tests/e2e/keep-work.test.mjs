// Browser test of issue 13's "never lose the user's work": a reload right after typing
// keeps every keystroke, presets and links open as new saved scenarios with an undo,
// the text earlier versions kept is migrated, and My scenarios opens, renames,
// duplicates and deletes saved scenarios.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { screenshots, siteDir, startSite } from './harness.mjs';

// A file of the site that is not the playground (its style sheet): storage is set there,
// so no playground page saves its state over it on the way out, and nothing is a 404.
const notThePlayground = () => fs.readdirSync(siteDir).find((f) => f.endsWith('.css'));

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const editor = (page) => page.locator('#scenario-editor');

async function fresh(viewport, seed) {
  const page = await site.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(site.baseUrl + notThePlayground());
  await page.evaluate((seed) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(seed ?? {})) localStorage.setItem(k, v);
  }, seed);
  const problems = [];
  page.on('console', (msg) => {
    // Chromium's own favicon request (outside the site's path) is not the page's problem.
    if (/favicon\.ico$/.test(msg.location().url ?? '')) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(site.baseUrl, { waitUntil: 'load' });
  await page.locator('[data-testid=step-counter]').waitFor({ timeout: 30_000 });
  return { page, problems };
}

function linkFor(text) {
  const b64 = Buffer.from(zlib.deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }))
    .toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `#v1.${b64}`;
}

test('a reload right after typing keeps the last keystrokes', { timeout: 120_000 }, async () => {
  const { page, problems } = await fresh();
  await editor(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# my last words');
  const typedAt = Date.now();
  // Reload at once: well within the editor's 250 ms pause.
  await page.reload({ waitUntil: 'load' });
  const reloadedAfter = Date.now() - typedAt;
  await page.locator('[data-testid=step-counter]').waitFor({ timeout: 30_000 });
  assert.match(await editor(page).inputValue(), /# my last words$/, `reloaded ${reloadedAfter} ms after typing`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a preset opens as a new scenario and can be undone; the old text is migrated', { timeout: 180_000 }, async () => {
  const mine = 'title "My own"\nhost a 10.0.0.1\n# work in progress\n';
  const { page, problems } = await fresh(undefined, { 'wsasim.scenario.v1': mine });
  assert.equal(await editor(page).inputValue(), mine, 'the text of earlier versions is restored');

  await page.locator('details.presets > summary').click();
  await page.locator('button.preset[data-id="graceful-close"]').click();
  await page.locator('#editor-title', { hasText: 'Graceful' }).waitFor({ timeout: 15_000 });
  const notice = page.locator('[data-testid=undo-notice]');
  await notice.waitFor({ timeout: 5_000 });
  await page.locator('[data-action=undo]').click();
  await page.waitForFunction((t) => document.querySelector('#scenario-editor').value === t, mine, { timeout: 5_000 });
  assert.equal(await notice.count(), 0);

  // A link also opens as a new scenario; both are listed, with the user's own.
  await page.evaluate((h) => { location.hash = h; }, linkFor('title "From a link"\nhost b 10.0.0.2\n'));
  await page.locator('#editor-title', { hasText: 'From a link' }).waitFor({ timeout: 15_000 });
  await page.locator('details.library > summary').click();
  const rows = page.locator('.library-entry');
  await rows.first().waitFor();
  assert.deepEqual(
    (await rows.locator('.entry-name').allTextContents()).map((s) => s.trim()),
    ['From a link', 'My own'],
  );
  assert.match(await rows.first().getAttribute('aria-current'), /true/);
  assert.match(await rows.first().locator('.entry-date').textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await page.screenshot({ path: path.join(screenshots, 'keep-work-library.png') });

  // Open the user's own again.
  await rows.filter({ hasText: 'My own' }).locator('[data-action=open-entry]').click();
  await page.waitForFunction((t) => document.querySelector('#scenario-editor').value === t, mine, { timeout: 5_000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('My scenarios renames, duplicates and deletes, by keyboard too', { timeout: 180_000 }, async () => {
  for (const [name, viewport, scheme] of [
    ['wide-light', { width: 1440, height: 900 }, 'light'],
    ['narrow-dark', { width: 390, height: 844 }, 'dark'],
  ]) {
    const { page, problems } = await fresh(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await editor(page).fill('title "Draft"\nhost a 10.0.0.1\n');
    await page.waitForTimeout(500);
    await page.locator('details.library > summary').focus();
    await page.keyboard.press('Enter');
    const row = page.locator('.library-entry').first();
    await row.waitFor();
    assert.equal((await row.locator('.entry-name').textContent()).trim(), 'Draft');
    await row.locator('[data-action=rename-entry]').focus();
    await page.keyboard.press('Enter');
    const input = page.locator('.rename-input');
    await input.waitFor();
    await input.fill('Renamed draft');
    await page.keyboard.press('Enter');
    await page.locator('.library-entry .entry-name', { hasText: 'Renamed draft' }).waitFor();
    await page.locator('.library-entry [data-action=duplicate-entry]').first().click();
    await page.locator('.library-entry .entry-name', { hasText: 'Renamed draft (copy)' }).waitFor();
    assert.equal(await page.locator('.library-entry').count(), 2);
    // The one in the editor cannot be deleted; the copy can.
    const current = page.locator('.library-entry[aria-current=true]');
    assert.ok(await current.locator('[data-action=delete-entry]').isDisabled());
    await page.screenshot({ path: path.join(screenshots, `keep-work-menu-${name}.png`) });
    await page.locator('.library-entry', { hasText: '(copy)' }).locator('[data-action=delete-entry]').click();
    await page.waitForFunction(() => document.querySelectorAll('.library-entry').length === 1);
    // The list survives a reload.
    await page.reload({ waitUntil: 'load' });
    await page.locator('details.library > summary').click();
    assert.equal((await page.locator('.library-entry .entry-name').textContent()).trim(), 'Renamed draft');
    assert.deepEqual(problems, []);
    await page.close();
  }
});
