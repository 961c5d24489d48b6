// Issue 14 (size): the gallery, the specification and Export as C's prelude are static
// files the page fetches when first wanted (web/src/data.rs), not part of the WebAssembly
// module. A visit that needs none fetches none; each is fetched once, from under the
// site's sub-path; until they arrive the presets menu says so, the Why panel shows the
// rule without the page's excerpt, an export waits, and the user's text is kept; a failed
// fetch is said and the rest of the page works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openFresh, pickPreset, root, startSite, subPath } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const files = /\/(gallery\.txt|WSAAsyncSelect\.txt)$/;

// A route handler that records each request's path and holds it until `release()`.
const holdRequests = () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const fetched = [];
  const hold = async (route) => {
    fetched.push(new URL(route.request().url()).pathname);
    await gate;
    await route.continue();
  };
  return { fetched, hold, release };
};

test('the presets and the excerpt wait for their files, and the user keeps their text', { timeout: 120_000 }, async () => {
  const { fetched, hold, release } = holdRequests();
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

test('a gallery that cannot be fetched is said in the menu; the page still runs; the menu asks again', { timeout: 120_000 }, async () => {
  const fail = (route) => route.fulfill({ status: 404, body: 'gone' });
  await site.context.route(/\/gallery\.txt$/, fail);
  let failing = true;
  try {
    const { page, problems } = await openFresh(site);
    const summary = page.locator('details.presets > summary');
    await summary.click();
    const status = page.locator('.preset-status[role=alert]');
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.textContent(), /could not be loaded \(gallery\.txt: HTTP 404\)\. Point at or open the menu again/);
    await summary.click();
    await page.locator('button[data-action=end]').click();
    await page.locator('.panel.queue tr.msg').first().click();
    await page.locator('.why-context').waitFor({ timeout: 15_000 });
    // The file is back: opening the menu again fetches it, and the presets are there.
    await site.context.unroute(/\/gallery\.txt$/, fail);
    failing = false;
    const asked = [];
    page.on('request', (r) => /\/gallery\.txt$/.test(r.url()) && asked.push(r.url()));
    await summary.click();
    await page.locator('.preset-menu button.preset').first().waitFor({ timeout: 15_000 });
    assert.equal(await status.count(), 0, 'the failure is no longer said');
    assert.equal(asked.length, 1, 'asked for once more');
    assert.deepEqual(problems.filter((p) => !/404/.test(p)), []);
    await page.close();
  } finally {
    if (failing) await site.context.unroute(/\/gallery\.txt$/, fail);
  }
});

// Export as C's shared C comes from `prelude.c`, fetched when first wanted: an export
// asked for before it arrives (by two presses) is one download, made once it does, with
// the core's prelude in it; a prelude that cannot be fetched is said, and nothing else.
test('Export as C waits for its prelude, then downloads once; a missing prelude is said', { timeout: 120_000 }, async () => {
  const { fetched, hold, release } = holdRequests();
  await site.context.route(/\/prelude\.c$/, hold);
  try {
    const { page, problems } = await openFresh(site);
    await page.waitForTimeout(300);
    assert.deepEqual(fetched, [], 'not fetched at start');
    // (The first-load example resets a connection, which cannot be exported.)
    await pickPreset(page, 'fd-read-level-triggered');
    const downloads = [];
    page.on('download', (d) => downloads.push(d));
    await page.locator('[data-action="export-c"]').click();
    await page.locator('[data-action="export-c"]').click();
    await page.waitForTimeout(300);
    assert.deepEqual(fetched, [`${subPath}prelude.c`]);
    assert.equal(downloads.length, 0, 'nothing before the prelude arrives');
    release();
    await page.waitForEvent('download', { timeout: 15_000 }).catch(() => {});
    await page.waitForTimeout(500);
    assert.equal(downloads.length, 1, 'one download for the two presses');
    const text = fs.readFileSync(await downloads[0].path(), 'utf8');
    const prelude = fs.readFileSync(path.join(root, 'core', 'src', 'script', 'export_c', 'prelude.c'), 'utf8');
    assert.ok(text.includes(prelude + '\nint main(void) {'), 'the core\'s prelude, before main');
    // Once there, a press downloads at once.
    await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-c"]').click()]);
    assert.equal(fetched.length, 1, 'fetched once');
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await site.context.unroute(/\/prelude\.c$/, hold);
  }
  const fail = (route) => route.fulfill({ status: 404, body: 'gone' });
  await site.context.route(/\/prelude\.c$/, fail);
  try {
    const { page } = await openFresh(site);
    await pickPreset(page, 'fd-read-level-triggered');
    await page.locator('[data-action="export-c"]').click();
    const notice = page.locator('[data-testid=export-notice]');
    await notice.waitFor({ timeout: 10_000 });
    assert.match(await notice.textContent(), /prelude\.c: HTTP 404/);
    // A later press asks again.
    const asked = [];
    page.on('request', (r) => /\/prelude\.c$/.test(r.url()) && asked.push(r.url()));
    await page.locator('[data-action="export-c"]').click();
    await page.waitForTimeout(500);
    assert.equal(asked.length, 1, 'a failed prelude is fetched again on the next export');
    await page.close();
  } finally {
    await site.context.unroute(/\/prelude\.c$/, fail);
  }
});
