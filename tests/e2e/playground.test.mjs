// End-to-end test of the playground in headless Chromium (node's test runner + playwright-core).
//
// It serves the Trunk-built site itself, under a sub-path to prove the site's URLs are
// relative, from a static server on 127.0.0.1 (random free port). `cargo xtask test`
// builds the site and points WSASIM_SITE_DIR at it; run alone, it uses dist/
// (`cargo xtask dist`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSite, openPage, screenshots } from './harness.mjs';

let site;

before(async () => {
  site = await startSite({ viewport: { width: 1280, height: 820 } });
});

after(async () => {
  await site?.close();
});

// Opens the playground in a new page and records everything that went wrong on it.
async function open() {
  return openPage(site.context, site.baseUrl, '#lparam-input');
}

// The decoder's event and error names once they equal `event` and `error`.
async function decodedNames(page, event, error) {
  const out = page.locator('#lparam-output');
  await out.locator('[data-testid=event-name]', { hasText: event }).waitFor({ timeout: 10_000 });
  await out.locator('[data-testid=error-name]', { hasText: error }).waitFor({ timeout: 10_000 });
  return {
    event: (await out.locator('[data-testid=event-name]').textContent()).trim(),
    error: (await out.locator('[data-testid=error-name]').textContent()).trim(),
    text: await out.textContent(),
  };
}

test('the lParam decoder names FD_CLOSE and WSAECONNRESET for 0x27460020', { timeout: 120_000 }, async () => {
  const { page, problems } = await open();

  const title = await page.locator('h1').textContent();
  assert.match(title, /wsasim\s+—\s+the WSAAsyncSelect playground/);
  assert.equal(await page.locator('label[for=lparam-input]').count(), 1, 'the lParam input has a label');

  const input = page.locator('#lparam-input');
  await input.fill('');
  await input.pressSequentially('0x27460020');
  const decoded = await decodedNames(page, 'FD_CLOSE', 'WSAECONNRESET');
  assert.equal(decoded.event, 'FD_CLOSE');
  assert.equal(decoded.error, 'WSAECONNRESET');
  assert.match(decoded.text, /0x27460020/);
  assert.match(decoded.text, /10054/);

  await page.screenshot({ path: path.join(screenshots, 'playground-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(screenshots, 'playground-dark.png'), fullPage: true });

  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('bad input shows a message, and an example button decodes again', { timeout: 120_000 }, async () => {
  const { page, problems } = await open();
  const input = page.locator('#lparam-input');
  const out = page.locator('#lparam-output');

  await input.fill('0xzz');
  await out.locator('.invalid').waitFor({ timeout: 10_000 });
  assert.match(await out.textContent(), /“0xzz” is not an lParam/);
  assert.equal(await out.locator('[data-testid=event-name]').count(), 0);

  await input.fill('');
  await out.getByText('Type an lParam above').waitFor({ timeout: 10_000 });

  await page.getByRole('button', { name: '0x274d0010' }).click();
  assert.equal(await input.inputValue(), '0x274d0010');
  const decoded = await decodedNames(page, 'FD_CONNECT', 'WSAECONNREFUSED');
  assert.equal(decoded.event, 'FD_CONNECT');
  assert.equal(decoded.error, 'WSAECONNREFUSED');

  await page.screenshot({ path: path.join(screenshots, 'playground-invalid-then-example.png') });
  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});
