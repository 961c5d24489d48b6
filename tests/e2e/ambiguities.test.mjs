// Browser test of issue 11, section 3: where the page reads two ways, the Why panel says
// so for the message the user selects, with the other reading and a link to its entry in
// docs/ambiguities.md (shipped beside the site as ambiguities.md).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFresh, pickPreset, startSite } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

test('the Why panel marks a message where the page is ambiguous, and links its entry', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'ambiguous-connect');
  await page.locator('[data-profile="documented"]').click();
  await page.locator('[data-action="end"]').click();
  const refused = page.locator('.panel.queue tr.msg[data-event="FD_CONNECT"]', { hasText: 'WSAECONNREFUSED' }).first();
  await refused.waitFor({ timeout: 10_000 });
  await refused.click();
  assert.match(await page.locator('[data-testid=why-rule]').textContent(), /FD_CONNECT\.4/);
  const note = page.locator('[data-testid=why-ambiguous]');
  await note.waitFor({ timeout: 5_000 });
  const text = await note.textContent();
  assert.match(text, /The page is ambiguous here/);
  assert.match(text, /A second connect outcome after WSAECONNREFUSED/);
  assert.match(text, /The other reading: .*Whether the operation eventually succeeds or not/);
  const link = note.locator('[data-ambiguity="connect-outcome-after-refused"] a');
  assert.equal(await link.getAttribute('href'), './ambiguities.md#connect-outcome-after-refused');
  assert.equal((await link.textContent()).trim(), 'docs/ambiguities.md#connect-outcome-after-refused');
  // The link resolves on the site.
  const res = await page.request.get(new URL('ambiguities.md', page.url()).href);
  assert.equal(res.status(), 200);
  assert.match(await res.text(), /<a id="connect-outcome-after-refused"><\/a>/);

  // A message where the page is clear carries no such note.
  await pickPreset(page, 'graceful-close');
  await page.locator('[data-action="end"]').click();
  const close = page.locator('.panel.queue tr.msg[data-event="FD_CLOSE"]').first();
  await close.waitFor({ timeout: 10_000 });
  await close.click();
  await page.locator('[data-testid=why-rule]').waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('[data-testid=why-ambiguous]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
