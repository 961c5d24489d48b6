// End-to-end test of the playground in headless Chromium (node's test runner + playwright-core).
//
// It serves the Trunk-built site itself, under a sub-path to prove the site's URLs are
// relative, from a static server on 127.0.0.1 (random free port). `cargo xtask test`
// builds the site and points WSASIM_SITE_DIR at it; run alone, it uses dist/
// (`cargo xtask dist`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const siteDir = path.resolve(process.env.WSASIM_SITE_DIR ?? path.join(root, 'dist'));
const screenshots = path.join(root, 'tests', 'screenshots');
const subPath = '/some/sub-path/';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

let server;
let baseUrl;
let context;
let userDataDir;

// Serves `siteDir` under `subPath` only; everything else is a 404, as on a shared host.
function startServer() {
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const pathname = decodeURIComponent(url.pathname);
    if (!pathname.startsWith(subPath)) {
      res.writeHead(404).end('not under the site path');
      return;
    }
    let file = path.join(siteDir, pathname.slice(subPath.length));
    if (!file.startsWith(siteDir)) {
      res.writeHead(403).end();
      return;
    }
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

before(async () => {
  assert.ok(
    fs.existsSync(path.join(siteDir, 'index.html')),
    `no built site in ${siteDir}: run \`cargo xtask dist\` (or \`cargo xtask test\`) first`,
  );
  server = await startServer();
  baseUrl = `http://127.0.0.1:${server.address().port}${subPath}`;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsasim-e2e-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 820 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(screenshots, { recursive: true });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

// Opens the playground in a new page and records everything that went wrong on it.
async function open() {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(baseUrl, { waitUntil: 'load' });
  await page.locator('#lparam-input').waitFor({ state: 'visible', timeout: 30_000 });
  return { page, problems };
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
  assert.match(await page.locator('.queue').textContent(), /No messages yet/);
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
