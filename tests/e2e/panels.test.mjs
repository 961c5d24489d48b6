// End-to-end test of the playground's data panels in headless Chromium (node's test
// runner + playwright-core): message queues, the selected message's lParam, the latch
// grid, the sockets table, the sequence diagram, Why and the trace log.
//
// The site is served and the browser launched by harness.mjs, as for the other tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { screenshots, startSite, linkFor, PING_HEADER, PING_BLOCK } from './harness.mjs';

let baseUrl;
let context;
let site;

before(async () => {
  site = await startSite();
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.close();
});

// A fresh page (local storage cleared, so no earlier edit is restored).
async function open() {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(baseUrl, { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.locator('.panel.queue').waitFor({ state: 'visible', timeout: 30_000 });
  return { page, problems };
}

// Loads a gallery scenario through the presets menu and waits for its run.
async function loadPreset(page, id) {
  await page.locator('details.presets > summary').click();
  const title = (await page.locator(`.preset[data-id="${id}"] .preset-title`).textContent()).trim();
  await page.locator(`.preset[data-id="${id}"]`).click();
  await page.locator('#editor-title', { hasText: title }).waitFor({ timeout: 15_000 });
  // The editor's debounced re-run (250 ms) may start the run again: let it pass.
  await page.waitForTimeout(600);
  await page.locator(`.preset[data-id="${id}"]`).waitFor({ state: 'hidden', timeout: 10_000 });
  // The run exists once the step counter shows its length.
  await page.waitForFunction(() => /\/\s*[1-9]/.test(document.querySelector('.counter')?.textContent ?? ''), null, { timeout: 15_000 });
}

async function clickUntil(page, action, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    if ((await page.locator(selector).count()) > 0) return;
    await page.locator(`[data-action="${action}"]`).click();
  }
  assert.fail(`${selector} never appeared after ${max} × ${action}`);
}

// A latch cell of the socket whose script name is `name`.
function latch(page, name, event) {
  return page.locator('.latch-grid tbody tr', { hasText: `${name} (` }).locator(`td[data-event="${event}"]`);
}

test('queue, selected lParam, latch cell, Why and the diagram follow the steps', { timeout: 180_000 }, async () => {
  const { page, problems } = await open();
  await loadPreset(page, 'fd-read-level-triggered');

  // At the end everything was taken: three messages, all consumed; FD_READ armed, no data.
  await page.locator('[data-action="end"]').click();
  const queue = page.locator('.panel.queue');
  await queue.locator('tr.msg').nth(2).waitFor({ timeout: 10_000 });
  assert.equal(await queue.locator('tr.msg[data-state="consumed"]').count(), 3);
  assert.equal(await queue.locator('tr.msg[data-state="queued"]').count(), 0);
  assert.equal(await latch(page, 'A', 'FD_READ').getAttribute('data-state'), 'armed');
  assert.equal(await latch(page, 'A', 'FD_READ').getAttribute('data-holds'), 'false');

  // Step back until an FD_READ waits in the queue: the one re-posted by recv (FD_READ.3).
  await clickUntil(page, 'back', '.panel.queue tr.msg[data-state="queued"]');
  const queued = queue.locator('tr.msg[data-state="queued"]');
  assert.equal(await queued.count(), 1);
  assert.equal(await queued.getAttribute('data-event'), 'FD_READ');
  assert.match(await queued.textContent(), /WM_USER\+1/);
  assert.match(await queued.textContent(), /0x00000001/);
  assert.match(await queued.textContent(), /A\s*\d+/);
  assert.match(await queued.getAttribute('class'), /fresh/, 'posted by the step just taken');

  const cell = latch(page, 'A', 'FD_READ');
  assert.equal(await cell.getAttribute('data-state'), 'waiting');
  assert.equal(await cell.getAttribute('data-holds'), 'true');
  assert.match(await cell.getAttribute('aria-label'), /waiting for recv/);
  assert.match(await cell.getAttribute('class'), /changed/);
  assert.equal(await latch(page, 'A', 'FD_WRITE').getAttribute('data-state'), 'not-selected');

  // Select it: the decoder shows its two words, Why its rule and sentence.
  await queued.click();
  const sel = page.locator('#lparam-selected');
  await sel.locator('[data-testid=event-name]', { hasText: 'FD_READ' }).waitFor({ timeout: 10_000 });
  assert.equal((await sel.locator('[data-testid=error-name]').textContent()).trim(), '0');
  assert.match(await sel.textContent(), /0x00000001/);
  const why = page.locator('#why-body');
  assert.equal((await why.locator('[data-testid=why-rule]').textContent()).trim(), 'FD_READ.3');
  assert.match(await why.textContent(), /After recv or recvfrom is called/);
  assert.ok((await why.locator('mark').count()) === 1, 'the sentence is highlighted in the specification');

  // The sequence diagram: the handshake and the 100 bytes.
  const labels = await page.locator('.wire-arrow').evaluateAll((els) => els.map((e) => e.dataset.label));
  assert.deepEqual(labels.slice(0, 3), ['SYN', 'SYN|ACK', 'ACK']);
  assert.ok(labels.includes('len=100'), labels.join(','));

  await page.screenshot({ path: path.join(screenshots, 'panels-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(screenshots, 'panels-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Step forward: the expect takes it, it is shown as consumed and stays selected.
  await page.locator('[data-action="forward"]').click();
  await queue.locator('tr.msg[data-state="queued"]').waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await queue.locator('tr.msg.selected[data-state="consumed"]').count(), 1);

  // Clicking a trace entry explains it.
  const entry = page.locator('.trace-entry.current');
  await entry.click();
  assert.match(await page.locator('.panel.why .badge').textContent(), /selected step/);

  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('messages queued before closesocket are marked, and badges say what Windows does', { timeout: 180_000 }, async () => {
  const { page, problems } = await open();
  await loadPreset(page, 'closesocket-leaves-queued-messages');
  await page.locator('[data-action="end"]').click();
  await page.locator('.panel.queue tr.msg').first().waitFor({ timeout: 10_000 });
  await clickUntil(page, 'back', '.panel.queue tr.msg.after-cancel');
  const marked = page.locator('.panel.queue tr.msg.after-cancel');
  assert.equal(await marked.getAttribute('data-event'), 'FD_READ');
  assert.match(await marked.textContent(), /queued before cancel/);
  // Badges say what the other profile's run posts instead (explanations.test.mjs).
  const badges = page.locator('.panel.queue tr.msg .win-badge');
  for (let i = 0; i < (await badges.count()); i++) {
    assert.match(await badges.nth(i).getAttribute('aria-label'), /^Under Windows/);
  }
  // closesocket(A) with data unread reset the connection: A is gone, C saw the RST.
  const sockets = page.locator('.socket-table tbody');
  assert.equal(await sockets.locator('tr', { hasText: /^A\s/ }).count(), 0);
  assert.match(await sockets.locator('tr', { hasText: /^C\s/ }).textContent(), /CLOSED.*WSAECONNRESET/);
  await page.screenshot({ path: path.join(screenshots, 'panels-after-cancel.png') });
  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('lost segments end in a cross in the sequence diagram', { timeout: 180_000 }, async () => {
  const { page, problems } = await open();
  await loadPreset(page, 'connect-timed-out');
  await page.locator('[data-action="end"]').click();
  await page.locator('.wire-arrow[data-fate="dropped"]').first().waitFor({ timeout: 10_000 });
  assert.ok((await page.locator('.wire-arrow[data-fate="dropped"]').count()) >= 2);
  assert.ok((await page.locator('.wire-cross').count()) >= 2);
  await page.locator('.panel.wire').screenshot({ path: path.join(screenshots, 'panels-wire-dropped.png') });
  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('a step on a long run updates the panels quickly (printed, not asserted)', { timeout: 300_000 }, async () => {
  const { page, problems } = await open();
  let src = 'host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n';
  for (let i = 0; i < 5000; i++) {
    src += 'a: send(C, "ping")\nrun until idle\nexpect w: WM_USER+1(A, FD_READ, 0)\nb: recv(A, 10) => "ping"\n';
  }
  const editor = page.locator('#scenario-editor');
  await editor.evaluate((el, text) => {
    el.value = text;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, src);
  await page.waitForFunction(() => /\/\s*[1-9]\d{3,}/.test(document.querySelector('.counter')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.locator('[data-action="end"]').click();
  await page.locator('.trace-entry.current').first().waitFor({ timeout: 30_000 });
  const times = [];
  for (const action of ['back', 'back', 'forward', 'back', 'forward', 'forward', 'back', 'back', 'back', 'forward']) {
    const ms = await page.evaluate(async (a) => {
      const button = document.querySelector(`[data-action="${a}"]`);
      const t0 = performance.now();
      button.click();
      // Leptos runs its effects (the panels' updates) in tasks queued by the click.
      await new Promise((r) => setTimeout(r, 0));
      return performance.now() - t0;
    }, action);
    times.push(ms.toFixed(1));
  }
  const counter = await page.locator('.counter').textContent();
  console.log(`step updates on a long run (${counter.trim()}): ${times.join(', ')} ms (click until the panels are updated, before paint)`);
  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

// Chromium lays out every arrow of the diagram again when the SVG's size is written, even
// with the same value: a step must leave the SVG alone while its rows fit, and keep the
// arrows it does not change.
test('a step keeps the diagram: its size is not rewritten and its arrows stay', async () => {
  const page = await context.newPage();
  await page.goto(baseUrl + linkFor(PING_HEADER + PING_BLOCK.repeat(10)), { waitUntil: 'load' });
  await page.waitForFunction(() => / \/ [1-9]/.test(document.querySelector('[data-testid=step-counter]')?.textContent ?? ''));
  await page.locator('[data-action="end"]').click();
  await page.locator('.wire-arrow').nth(19).waitFor({ timeout: 10_000 });
  const before = await page.evaluate(() => {
    const svg = document.querySelector('.wire-svg');
    window.__svgWrites = [];
    new MutationObserver((ms) => window.__svgWrites.push(...ms.map((m) => m.attributeName))).observe(svg, { attributes: true });
    const arrows = [...document.querySelectorAll('.wire-arrow')];
    arrows.forEach((a, i) => (a.__probe = i));
    return { arrows: arrows.length, rows: document.querySelectorAll('.wire-time').length };
  });
  assert.ok(before.arrows >= 20 && before.rows < 30, JSON.stringify(before));
  // Back over one exchange (recv, GetMessage, the ACK and the data delivered, send): two
  // arrows and two instants (rows) fewer, within the first chunk of the SVG's height.
  for (let i = 0; i < 5; i++) {
    await page.locator('[data-action="back"]').click();
    await page.waitForTimeout(100);
  }
  const after = await page.evaluate(() => ({
    writes: window.__svgWrites,
    kept: [...document.querySelectorAll('.wire-arrow')].filter((a) => a.__probe !== undefined).length,
    arrows: document.querySelectorAll('.wire-arrow').length,
    rows: document.querySelectorAll('.wire-time').length,
  }));
  assert.deepEqual(after.writes, [], 'the SVG element was not written');
  assert.equal(after.arrows, before.arrows - 2);
  assert.equal(after.rows, before.rows - 2);
  // An arrow is keyed by all it shows: the one or two whose "fresh" mark the steps
  // changed are drawn anew, every other is the node drawn before.
  assert.ok(after.kept >= after.arrows - 2, `arrows kept: ${after.kept} of ${after.arrows}`);
  await page.close();
});

// A step changes a few cells: the sockets table, the latch grid and the trace log update
// those in place and keep every row they already drew.
test('a step keeps the rows of the sockets, the latches and the trace, and updates their cells', async () => {
  const page = await context.newPage();
  await page.goto(baseUrl + linkFor(PING_HEADER + PING_BLOCK.repeat(3)), { waitUntil: 'load' });
  await page.waitForFunction(() => / \/ [1-9]/.test(document.querySelector('[data-testid=step-counter]')?.textContent ?? ''));
  // To just before the second send: its step adds C's unacknowledged byte.
  await page.locator('[data-action="end"]').click();
  for (let i = 0; i < 10; i++) await page.locator('[data-action="back"]').click();
  await page.locator('.trace-entry.current').first().waitFor();
  const mark = () =>
    page.evaluate(() => {
      const rows = [...document.querySelectorAll('.socket-table tbody tr, .latch-grid tbody tr, .trace-entry')];
      rows.forEach((r) => (r.__probe = true));
      return {
        rows: rows.length,
        text: document.querySelector('.socket-table tbody').textContent,
        current: [...document.querySelectorAll('.trace-entry.current')].map((e) => e.dataset.index),
      };
    });
  const before = await mark();
  await page.locator('[data-action="forward"]').click();
  await page.waitForFunction((t) => document.querySelector('.socket-table tbody').textContent !== t, before.text);
  const after = await page.evaluate(() => ({
    kept: [...document.querySelectorAll('.socket-table tbody tr, .latch-grid tbody tr, .trace-entry')].filter((r) => r.__probe).length,
    current: [...document.querySelectorAll('.trace-entry.current')].map((e) => e.dataset.index),
    rows: document.querySelectorAll('.socket-table tbody tr, .latch-grid tbody tr, .trace-entry').length,
  }));
  assert.equal(after.kept, before.rows, 'every row drawn before is still the same node');
  assert.equal(after.rows, before.rows + 1, 'the step added one entry to the log');
  assert.ok(after.current.length >= 1 && !after.current.some((i) => before.current.includes(i)), JSON.stringify({ before, after }));
  await page.close();
});
