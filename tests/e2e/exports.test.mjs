// Browser tests of the Files menu: every export downloads a file whose content is
// checked (the trace and the messages as JSON lines and CSV, the sequence diagram as
// Mermaid text and SVG, the scenario as .wsa), and a .wsa file opens by the file picker
// and by dropping it on the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startSite, openFresh, pickPreset } from './harness.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

// Clicks the export `id` in the Files menu; returns the download's name and text.
async function download(page, id) {
  const menu = page.locator('details.exports');
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${id}"]`).click()]);
  return { name: dl.suggestedFilename(), text: fs.readFileSync(await dl.path(), 'utf8') };
}

test('every export downloads the run or the scenario', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'graceful-close');

  const trace = await download(page, 'trace-jsonl');
  assert.match(trace.name, /\.trace\.jsonl$/);
  const entries = trace.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(entries.length > 5, `entries: ${entries.length}`);
  assert.deepEqual(entries.map((e) => e.entry), entries.map((_, i) => i), 'one line an entry, in order');
  const steps = entries.map((e) => e.step);
  assert.ok(steps.every((s, i) => s >= 1 && (i === 0 || s >= steps[i - 1])), 'steps count from 1, in order');
  for (const key of ['time', 'host', 'kind', 'messages', 'changes']) assert.ok(key in entries[0], `field ${key}`);
  const posted = entries.flatMap((e) => e.messages);
  assert.ok(posted.some((m) => m.event === 'FD_CLOSE'), 'graceful close posts FD_CLOSE');

  const csv = await download(page, 'trace-csv');
  assert.match(csv.name, /\.trace\.csv$/);
  assert.ok(csv.text.startsWith('step,entry,time,line,host,action,messages\r\n'));
  assert.equal(csv.text.split('\r\n').length - 2, entries.length, 'a row an entry');

  const msgs = await download(page, 'messages-jsonl');
  const rows = msgs.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, posted.length, 'a line a posted message');
  assert.deepEqual(rows.map((r) => r.event), posted.map((m) => m.event));
  const mcsv = await download(page, 'messages-csv');
  assert.ok(mcsv.text.startsWith('step,entry,time,line,window,msg,wparam,lparam,event,error,rule\r\n'));
  assert.equal(mcsv.text.split('\r\n').length - 2, posted.length);
  assert.match(mcsv.text, /FD_CLOSE/);

  const mmd = await download(page, 'diagram-mermaid');
  assert.match(mmd.name, /\.sequence\.mmd$/);
  assert.match(mmd.text, /^sequenceDiagram\n/);
  assert.match(mmd.text, /->>.*SYN/);
  assert.match(mmd.text, /->>.*FIN/);
  assert.match(mmd.text, /posted .*FD_CLOSE/);

  const svg = await download(page, 'diagram-svg');
  assert.match(svg.name, /\.sequence\.svg$/);
  assert.match(svg.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.text, /SYN/);
  assert.match(svg.text, /FD_CLOSE/);
  // The SVG is well-formed: the browser parses it without an error.
  const parses = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return !doc.querySelector('parsererror') && doc.querySelectorAll('g.segment').length;
  }, svg.text);
  assert.ok(parses > 0, 'SVG parses and has segments');

  const wsa = await download(page, 'scenario-wsa');
  assert.match(wsa.name, /\.wsa$/);
  assert.equal(wsa.text, await page.locator('#scenario-editor').inputValue());
  assert.deepEqual(problems, []);
  await page.close();
});

test('a .wsa file opens from the file picker and by drag and drop', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFresh(site);
  const text = (title) =>
    `title "${title}"\nhost a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n` +
    'b: L = socket(AF_INET, SOCK_STREAM)\nb: WSAAsyncSelect(L, w, WM_USER+1, FD_ACCEPT)\n';
  await page.locator('details.exports > summary').click();
  await page.locator('[data-testid=open-wsa]').setInputFiles({
    name: 'picked.wsa',
    mimeType: 'text/plain',
    buffer: Buffer.from(text('Picked from a file'), 'utf8'),
  });
  await page.locator('#editor-title', { hasText: 'Picked from a file' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#scenario-editor').inputValue(), text('Picked from a file'));

  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'dropped.wsa', { type: 'text/plain' }));
    const ev = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    document.body.dispatchEvent(ev);
  }, text('Dropped on the page'));
  await page.locator('#editor-title', { hasText: 'Dropped on the page' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#scenario-editor').inputValue(), text('Dropped on the page'));

  // Notepad's "Unicode" (UTF-16 with a byte-order mark) opens; Latin-1 is refused with
  // the position of its first bad byte, and the editor keeps its text.
  await page.locator('details.exports > summary').click();
  await page.locator('[data-testid=open-wsa]').setInputFiles({
    name: 'notepad.wsa',
    mimeType: 'text/plain',
    buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text('Saved by Notepad'), 'utf16le')]),
  });
  await page.locator('#editor-title', { hasText: 'Saved by Notepad' }).waitFor({ timeout: 10_000 });
  await page.locator('details.exports > summary').click();
  await page.locator('[data-testid=open-wsa]').setInputFiles({
    name: 'latin1.wsa',
    mimeType: 'text/plain',
    buffer: Buffer.from('host a 10.0.0.1\n# caf\xe9\n', 'latin1'),
  });
  const notice = page.locator('[data-testid=file-notice]');
  await notice.waitFor({ timeout: 10_000 });
  assert.match(await notice.textContent(), /latin1\.wsa:2:6: expected UTF-8 text but found byte 0xE9.*Latin-1/);
  assert.equal(await page.locator('#scenario-editor').inputValue(), text('Saved by Notepad'));
  assert.deepEqual(problems, []);
  await page.close();
});
