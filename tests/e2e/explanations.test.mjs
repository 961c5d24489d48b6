// Browser test of issue 13's "explanations are true for this message": the "Win ≠" badge
// and the Why panel's note come from running both profiles, not from the rule alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
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

async function open(viewport) {
  const page = await site.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(site.baseUrl + notThePlayground());
  await page.evaluate(() => localStorage.clear());
  const problems = [];
  page.on('console', (msg) => {
    // Chromium's own favicon request (outside the site's path) is not the page's problem.
    if (/favicon\.ico$/.test(msg.location().url ?? '')) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(site.baseUrl, { waitUntil: 'load' });
  await page.locator('.panel.queue').waitFor({ state: 'visible', timeout: 30_000 });
  return { page, problems };
}

async function loadPreset(page, id) {
  await page.locator('details.presets > summary').click();
  const title = (await page.locator(`.preset[data-id="${id}"] .preset-title`).textContent()).trim();
  await page.locator(`.preset[data-id="${id}"]`).click();
  await page.locator('#editor-title', { hasText: title }).waitFor({ timeout: 15_000 });
  await page.waitForTimeout(600);
  await page.waitForFunction(() => /\/\s*[1-9]/.test(document.querySelector('.counter')?.textContent ?? ''), null, { timeout: 15_000 });
}

test('where both profiles agree there is no badge and no Windows note', { timeout: 180_000 }, async () => {
  const { page, problems } = await open();
  await loadPreset(page, 'graceful-close');
  await page.locator('[data-profile="documented"]').click();
  await page.locator('[data-action="end"]').click();
  const close = page.locator('.panel.queue tr.msg[data-event="FD_CLOSE"]').first();
  await close.waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.panel.queue tbody .win-badge').count(), 0, 'no message is marked');
  await close.click();
  assert.match(await page.locator('[data-testid=why-rule]').textContent(), /FD_CLOSE\.2/);
  assert.equal(await page.locator('.panel.why .why-windows').count(), 0, 'no Windows note for this FD_CLOSE');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a message Windows posts differently is marked and explained', { timeout: 180_000 }, async () => {
  for (const [name, viewport, scheme] of [
    ['wide-light', { width: 1440, height: 900 }, 'light'],
    ['narrow-dark', { width: 390, height: 844 }, 'dark'],
  ]) {
    const { page, problems } = await open(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await loadPreset(page, 'windows-reset-connaborted');
    await page.locator('[data-profile="documented"]').click();
    await page.locator('[data-action="end"]').click();
    const reset = page.locator('.panel.queue tr.msg', { hasText: 'WSAECONNRESET' }).first();
    await reset.waitFor({ timeout: 10_000 });
    const badge = reset.locator('.win-badge');
    assert.equal(await badge.count(), 1);
    assert.match(await badge.getAttribute('aria-label'), /^Under Windows: FD_CLOSE with WSAECONNABORTED \[FD_CLOSE\.\d\]/);
    await reset.click();
    const note = page.locator('[data-testid=why-other]');
    await note.waitFor({ timeout: 5_000 });
    assert.match(await note.textContent(), /Under Windows: FD_CLOSE with WSAECONNABORTED/);
    // Messages the Windows run posts the same way carry no badge.
    const connect = page.locator('.panel.queue tr.msg[data-event="FD_CONNECT"]');
    for (let i = 0; i < (await connect.count()); i++) {
      assert.equal(await connect.nth(i).locator('.win-badge').count(), 0);
    }
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshots, `explanations-${name}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});
