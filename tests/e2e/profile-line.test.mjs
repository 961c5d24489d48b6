// Browser test of issue 13's "the script's profile line is the default": a scenario with
// `profile windows` runs under Windows unless the switch (or a link's &profile=) says
// otherwise, and the page says which of the two chose.

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



const pressed = async (page, p) => page.locator(`[data-profile="${p}"]`).getAttribute('aria-pressed');

test("a script's profile line is the default, and the switch overrides it visibly", { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  // The user chose Windows earlier; a preset still runs under its own line.
  await page.locator('[data-profile="windows"]').click();
  await pickPreset(page, 'graceful-close');
  assert.equal(await pressed(page, 'documented'), 'true', 'a preset without a profile line runs as documented');
  await pickPreset(page, 'windows-reset-connaborted');
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
  const { page: linked, problems: linkedProblems } = await openFresh(site, { url: plain });
  await linked.waitForFunction(() => document.querySelector('[data-profile="windows"]')?.getAttribute('aria-pressed') === 'true', null, { timeout: 15_000 });
  assert.equal((await linked.locator('[data-testid=profile-source]').textContent()).trim(), 'from the script');
  await linked.close();
  await page.close();
  assert.deepEqual([...problems, ...linkedProblems], [], 'no errors or warnings');
});
