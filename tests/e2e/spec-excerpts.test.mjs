// Issue 13, §2 (remainder): the specification excerpt in Why? keeps the page's structure.
// A summary rule shows under its event heading (restored ones say so) with the numbered
// list as a list; a network-down message shows its event's error table once and says why
// a listening socket gets FD_ACCEPT.

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

test('a summary rule shows under its restored event heading, as a numbered list', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  await page.locator('button[data-action=end]').click();
  await page.locator('tr.msg[data-event=FD_ACCEPT]').first().click();
  const ctx = page.locator('.why-context');
  assert.match(await ctx.locator('.spec-heading').textContent(), /• FD_ACCEPT:\s*\(heading restored\)/);
  const items = ctx.locator('ol.spec-list > li');
  assert.equal(await items.count(), 3);
  // The rule FD_ACCEPT.N is item N of the list, and only it is marked.
  const n = Number((await page.locator('[data-testid=why-rule]').textContent()).match(/FD_ACCEPT\.(\d)/)[1]);
  assert.equal(await ctx.locator('ol.spec-list mark').count(), 1);
  assert.equal(await items.nth(n - 1).locator('mark').count(), 1);
  assert.equal(await items.nth(n - 1).getAttribute('value'), String(n));
  // FD_READ's heading was always there: no "restored".
  await page.locator('tr.msg[data-event=FD_READ]').first().click();
  const h = await page.locator('.why-context .spec-heading').textContent();
  assert.match(h, /• FD_READ:/);
  assert.doesNotMatch(h, /restored/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('network down: one error table, and why a listening socket gets FD_ACCEPT', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'network-down');
  await page.locator('button[data-action=end]').click();
  await page.locator('tr.msg[data-event=FD_ACCEPT]').last().click();
  await page.locator('[data-testid=why-rule]', { hasText: 'ERR.netdown' }).waitFor();
  const ctx = page.locator('.why-context');
  assert.match(await ctx.locator('.spec-heading').textContent(), /Error codes for FD_ACCEPT/);
  const text = await ctx.textContent();
  assert.equal(text.match(/WSAENETDOWN The network subsystem failed/g).length, 1, `the table once: ${text}`);
  assert.doesNotMatch(text, /Error code Meaning/);
  assert.match(await ctx.locator('[data-testid=why-reason]').textContent(), /listening/);
  await page.locator('.cell-why button[data-action=maximize]').click();
  await page.locator('.cell-why').screenshot({ path: path.join(screenshots, 'why-network-down.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
