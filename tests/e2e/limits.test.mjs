// The playground's memory limits (README "Security"): the worst scripts found within the
// documented limits load without taking the tab down, the run stops with a message where
// it would keep too much, and the editor keeps the text. Memory is the wasm module's
// linear memory (its high-water mark) plus the JS heap; the bound asserted is generous on
// purpose (a limit, not a speed figure), and the figures are printed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, linkFor, BULK_HEADER } from './harness.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});


const MAX_SOURCE_BYTES = 1 << 20;
const LIMIT_MB = 512;

// As many connections as 1 MiB of script holds, every end asking for 1 MiB buffers and
// every sender filling them (the world grants 64 MiB beyond the defaults in all).
const worstBuffers = () => {
  let src =
    'host c 10.0.0.1\nhost s 10.0.0.2\nc: WSAStartup()\ns: WSAStartup()\n' +
    's: L = socket(AF_INET, SOCK_STREAM)\ns: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 1048576)\n' +
    's: setsockopt(L, SOL_SOCKET, SO_SNDBUF, 1048576)\ns: bind(L, 10.0.0.2:80)\ns: listen(L, 5)\n';
  const block =
    'c: C = socket(AF_INET, SOCK_STREAM)\nc: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1048576)\n' +
    'c: setsockopt(C, SOL_SOCKET, SO_RCVBUF, 1048576)\nc: connect(C, 10.0.0.2:80)\n' +
    's: A = accept(L)\nc: ioctlsocket(C, FIONBIO, 1)\nc: send(C, 1048576 bytes)\n';
  while (src.length + block.length + 20 < MAX_SOURCE_BYTES) src += block;
  return src + 'run for 10s\n';
};

// Every recv re-enables FD_READ and posts it again, and nobody takes the messages: the
// trace and the window's queue grow by an entry and a message a call, 90,000 calls a line.
const worstQueue = (blocks) =>
  BULK_HEADER +
  'a: send(C, 90000 bytes)\nrun until idle\nb: repeat recv(A, 1) until SOCKET_ERROR WSAEWOULDBLOCK => 90000\n'.repeat(
    blocks,
  );

const instrument = () => {
  addEventListener('TrunkApplicationStarted', (e) => {
    window.__wasmMemory = e.detail?.wasm?.memory;
  });
};

const memoryMb = (page) =>
  page.evaluate(() => {
    const heap = performance.memory?.usedJSHeapSize ?? 0;
    const wasm = window.__wasmMemory?.buffer?.byteLength ?? 0;
    return (heap + wasm) / 1e6;
  });

// Opens `src` from a share link and waits for the whole run (and the other profile's).
const open = async (src) => {
  const page = await site.context.newPage();
  await page.addInitScript(instrument);
  const t0 = Date.now();
  await page.goto(site.baseUrl + linkFor(src), { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=step-counter]:not([data-compared=false])', { timeout: 600_000 });
  return { page, ms: Date.now() - t0 };
};

// The page still works: the editor has the whole text and a key steps the run.
const stillUsable = async (page, src) => {
  const text = await page.$eval('textarea', (t) => t.value);
  assert.equal(text.length, src.length, 'the editor keeps the whole text');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=step-counter] strong')?.textContent.trim() === '1',
  );
};

test('the worst script for buffers loads within the memory limit', { timeout: 900_000 }, async () => {
  const src = worstBuffers();
  const { page, ms } = await open(src);
  const mb = await memoryMb(page);
  console.log(`FIGURE worst script for buffers (${src.length} bytes): loaded in ${ms} ms, ${mb.toFixed(1)} MB`);
  assert.ok(mb < LIMIT_MB, `${mb} MB`);
  await stillUsable(page, src);
  await page.close();
});

test('a run that would keep too much stops with a message', { timeout: 900_000 }, async () => {
  const src = worstQueue(40);
  const { page, ms } = await open(src);
  const cut = await page.textContent('[data-testid=run-cut]');
  assert.match(cut, /The run stops after step [\d,]+: the playground keeps at most 128 MB of a run/);
  const mb = await memoryMb(page);
  console.log(`FIGURE worst script for queued messages (${src.length} bytes): cut in ${ms} ms, ${mb.toFixed(1)} MB: ${cut}`);
  assert.ok(mb < LIMIT_MB, `${mb} MB`);
  await stillUsable(page, src);
  await page.close();
});
