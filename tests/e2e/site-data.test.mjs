// Issue 14 (size): the gallery and the specification are static files the page fetches
// when first wanted (web/src/data.rs), not part of the WebAssembly module. A visit that
// needs neither fetches neither; each is fetched once, from under the site's sub-path;
// until they arrive the presets menu says so and the Why panel shows the rule without the
// page's excerpt, and the user's text is kept; a failed fetch is said in the menu and the
// rest of the page works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFresh, pickPreset, startSite, subPath } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const files = /\/(gallery\.txt|WSAAsyncSelect\.txt)$/;

test('the presets and the excerpt wait for their files, and the user keeps their text', { timeout: 120_000 }, async () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const fetched = [];
  const hold = async (route) => {
    fetched.push(new URL(route.request().url()).pathname);
    await gate;
    await route.continue();
  };
  await site.context.route(files, hold);
  try {
    const { page, problems } = await openFresh(site);
    const editor = page.locator('#scenario-editor');
    const mine = await editor.inputValue();
    assert.ok(mine.length > 0);
    // The page ran its scenario and asked for neither file.
    await page.waitForTimeout(500);
    assert.deepEqual(fetched, []);

    // The run does not need the files: step to the end and explain a message; the first
    // explanation asks for the specification.
    await page.locator('button[data-action=end]').click();
    await page.locator('.panel.queue tr.msg').first().click();
    await page.locator('[data-testid=why-rule]').waitFor();
    assert.equal(await page.locator('.why-context').count(), 0, 'no excerpt before the page arrives');
    assert.deepEqual(fetched, [`${subPath}WSAAsyncSelect.txt`]);

    // Opening the menu asks for the gallery; the menu says it is loading and offers no
    // preset to pick.
    await page.locator('details.presets > summary').click();
    await page.locator('.preset-status', { hasText: 'Loading the presets' }).waitFor();
    assert.equal(await page.locator('.preset[data-id]').count(), 0);
    assert.deepEqual(fetched, [`${subPath}WSAAsyncSelect.txt`, `${subPath}gallery.txt`]);

    release();
    await page.locator('.preset[data-id="graceful-close"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.preset-status').count(), 0);
    await page.locator('.why-context').waitFor({ timeout: 15_000 });
    assert.equal(await editor.inputValue(), mine, 'the files arriving left the text alone');

    await page.locator('details.presets > summary').click();
    await pickPreset(page, 'graceful-close');
    assert.match(await editor.inputValue(), /^# /);
    // Each file was fetched once.
    assert.equal(fetched.length, 2);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await site.context.unroute(files, hold);
  }
});

test('a gallery that cannot be fetched is said in the menu; the page still runs', { timeout: 120_000 }, async () => {
  const fail = (route) => route.fulfill({ status: 404, body: 'gone' });
  await site.context.route(/\/gallery\.txt$/, fail);
  try {
    const { page } = await openFresh(site);
    await page.locator('details.presets > summary').click();
    const status = page.locator('.preset-status[role=alert]');
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.textContent(), /could not be loaded \(gallery\.txt: HTTP 404\)/);
    await page.locator('details.presets > summary').click();
    await page.locator('button[data-action=end]').click();
    await page.locator('.panel.queue tr.msg').first().click();
    await page.locator('.why-context').waitFor({ timeout: 15_000 });
    await page.close();
  } finally {
    await site.context.unroute(/\/gallery\.txt$/, fail);
  }
});
