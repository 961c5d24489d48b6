// Browser test of issue 13's "the script's profile line is the default": a scenario with
// `profile windows` runs under Windows unless the switch (or a link's &profile=) says
// otherwise, and the page says which of the two chose.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { screenshots, siteDir, startSite } from './harness.mjs';

const notThePlayground = () => fs.readdirSync(siteDir).find((f) => f.endsWith('.css'));

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

async function open(url) {
  const page = await site.context.newPage();
  await page.goto(site.baseUrl + notThePlayground());
  await page.evaluate(() => localStorage.clear());
  const problems = [];
  page.on('console', (msg) => {
    if (/favicon\.ico$/.test(msg.location().url ?? '')) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(url ?? site.baseUrl, { waitUntil: 'load' });
  await page.locator('.panel.queue').waitFor({ state: 'visible', timeout: 30_000 });
  return { page, problems };
}

async function loadPreset(page, id) {
  await page.locator('details.presets > summary').click();
  const title = (await page.locator(`.preset[data-id="${id}"] .preset-title`).textContent()).trim();
  await page.locator(`.preset[data-id="${id}"]`).click();
  await page.locator('#editor-title', { hasText: title }).waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => /\/\s*[1-9]/.test(document.querySelector('.counter')?.textContent ?? ''), null, { timeout: 15_000 });
}

const pressed = async (page, p) => page.locator(`[data-profile="${p}"]`).getAttribute('aria-pressed');

test("a script's profile line is the default, and the switch overrides it visibly", { timeout: 180_000 }, async () => {
  const { page, problems } = await open();
  // The user chose Windows earlier; a preset still runs under its own line.
  await page.locator('[data-profile="windows"]').click();
  await loadPreset(page, 'graceful-close');
  assert.equal(await pressed(page, 'documented'), 'true', 'a preset without a profile line runs as documented');
  await loadPreset(page, 'windows-reset-connaborted');
  assert.equal(await pressed(page, 'windows'), 'true', 'the preset says "profile windows"');
  assert.equal((await page.locator('[data-testid=profile-source]').textContent()).trim(), 'from the script');

  await page.locator('[data-profile="documented"]').click();
  await page.waitForFunction(() => document.querySelector('[data-profile="documented"]')?.getAttribute('aria-pressed') === 'true');
  assert.equal((await page.locator('[data-testid=profile-source]').textContent()).trim(), 'overrides the script');
  await page.screenshot({ path: path.join(screenshots, 'profile-line-override.png') });

  // A share link keeps the override; the same link without it follows the script.
  await page.getByRole('button', { name: 'Share' }).click();
  const url = await page.locator('#share-url').inputValue();
  assert.match(url, /&profile=documented/);
  const plain = url.replace(/&profile=documented/, '').replace(/&d2=[^&]+/, '');
  const { page: linked, problems: linkedProblems } = await open(plain);
  await linked.waitForFunction(() => document.querySelector('[data-profile="windows"]')?.getAttribute('aria-pressed') === 'true', null, { timeout: 15_000 });
  assert.equal((await linked.locator('[data-testid=profile-source]').textContent()).trim(), 'from the script');
  await linked.close();
  await page.close();
  assert.deepEqual([...problems, ...linkedProblems], [], 'no errors or warnings');
});
