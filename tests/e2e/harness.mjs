// Shared set-up of the browser tests: a static server for the built site under a
// sub-path, and a headless Chromium (playwright-core, Debian's chromium) with the same
// launch flags everywhere. `cargo xtask test` points WSASIM_SITE_DIR at the site it
// built; run alone, the tests use dist/ (`cargo xtask dist`).

import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const siteDir = path.resolve(process.env.WSASIM_SITE_DIR ?? path.join(root, 'dist'));
export const screenshots = path.join(root, 'tests', 'screenshots');
export const subPath = '/some/sub-path/';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

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

// Starts the server and the browser; returns { baseUrl, context, close }.
export async function startSite({ viewport = { width: 1440, height: 900 } } = {}) {
  assert.ok(
    fs.existsSync(path.join(siteDir, 'index.html')),
    `no built site in ${siteDir}: run \`cargo xtask dist\` (or \`cargo xtask test\`) first`,
  );
  const server = await startServer();
  const baseUrl = `http://127.0.0.1:${server.address().port}${subPath}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsasim-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: launchArgs,
  });
  fs.mkdirSync(screenshots, { recursive: true });
  const close = async () => {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { baseUrl, context, close };
}

// Opens `url` in a new page, records every problem the page reports, and waits until
// `ready` (a selector) is visible.
export async function openPage(context, url, ready = '[data-testid=step-counter]') {
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
  await page.goto(url, { waitUntil: 'load' });
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 60_000 });
  return { page, problems };
}

// A file of the site that is not the playground (its style sheet): local storage is
// cleared there, so no playground page saves its state over it on the way out.
const notThePlayground = () => fs.readdirSync(siteDir).find((f) => f.endsWith('.css'));

// Opens the playground (or `url`) with empty local storage in a new page of `site`, at
// `viewport` if given; records every console error or warning and page error (Chromium's
// own favicon request is not the page's) and waits for the message queue panel.
export async function openFresh(site, { url, viewport } = {}) {
  const page = await site.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
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

// The ids of every preset, in the menu's order, once the gallery has arrived (the page
// fetches it when the pointer reaches the Presets button: web/src/data.rs).
export async function presetIds(page) {
  await page.locator('details.presets > summary').hover();
  await page.locator('.preset[data-id]').first().waitFor({ state: 'attached', timeout: 30_000 });
  return page.locator('.preset[data-id]').evaluateAll((els) => els.map((e) => e.dataset.id));
}

// Picks the preset `id` from the Presets menu and waits until its run is shown.
export async function pickPreset(page, id) {
  await page.locator('details.presets > summary').click();
  const title = (await page.locator(`.preset[data-id="${id}"] .preset-title`).textContent()).trim();
  await page.locator(`.preset[data-id="${id}"]`).click();
  await page.locator('#editor-title', { hasText: title }).waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => /\/\s*[1-9]/.test(document.querySelector('.counter')?.textContent ?? ''), null, { timeout: 15_000 });
}

// Presses `key` `n` times (a keydown on the window, as the playground's shortcuts read
// it), timing each from the key to the DOM updated and laid out; returns the times in ms.
export async function timeKeys(page, key, n) {
  return page.evaluate(
    async ([key, n]) => {
      const times = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        await new Promise((r) => setTimeout(r, 0));
        void document.body.offsetHeight;
        times.push(performance.now() - t);
      }
      return times;
    },
    [key, n],
  );
}

// A share link's fragment for `text` (`#v1.` and the raw-deflated text in URL-safe
// base64, as the playground writes it), with `extra` parts after it (`&step=3`, …).
export const linkFor = (text, extra = '') =>
  `#v1.${zlib.deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64url')}${extra}`;

// Scenario texts shared by the speed, editor and limit tests.
// Two hosts, one connection, FD_READ selected on the accepting end.
export const PING_HEADER =
  'host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n' +
  'b: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n' +
  'a: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\n' +
  'b: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\nrun until idle\n';
// Five steps and four lines a block: send, the data and its ACK delivered, GetMessage, recv.
export const PING_BLOCK = 'a:send(C,"p")\nstep 2\nb:GetMessage(w)\nb:recv(A,9)\n';
// The same, with 4 MiB buffers at both ends (the `cargo bench -p wsasim-web --bench
// timeline` scenarios).
export const BULK_HEADER =
  'host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n' +
  'b: L = socket(AF_INET, SOCK_STREAM)\nb: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 4194304)\n' +
  'b: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\n' +
  'a: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 4194304)\na: connect(C, 10.0.0.2:80)\n' +
  'b: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n';
