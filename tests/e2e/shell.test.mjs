// Browser tests of the playground's shell: presets, stepping (buttons and keyboard),
// the highlighted line, parse errors, share links (good, stale, malformed, oversized),
// the profile switch and compare view, embed mode, and the measured speed figures
// (printed, never asserted).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import { startSite, openPage, screenshots, timeKeys } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const counter = (page) => page.locator('[data-testid=step-counter]');

// The step counter as [cursor, len].
async function position(page) {
  const text = (await counter(page).textContent()).replace(/\s+/g, ' ');
  const m = text.match(/Step (\d+) \/ (\d+)/);
  assert.ok(m, `step counter: ${text}`);
  return [Number(m[1]), Number(m[2])];
}

async function waitForStep(page, n) {
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid=step-counter] strong');
      return el && el.textContent.trim() === String(n);
    },
    n,
    { timeout: 10_000 },
  );
}

async function loadPreset(page, id) {
  await page.locator('details.presets > summary').click();
  await page.locator(`button.preset[data-id="${id}"]`).click();
  await waitForStep(page, 0);
}

// The text of the editor's highlighted line.
async function highlightedLine(page) {
  const line = Number(await page.locator('.current-line').getAttribute('data-line'));
  const text = await page.locator('#scenario-editor').inputValue();
  return { line, text: text.split('\n')[line - 1] };
}

// Leaves any focused field, so shortcuts apply.
async function blur(page) {
  await page.evaluate(() => document.activeElement?.blur());
}

function base64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function linkFor(text, extra = '') {
  return `#v1.${base64url(zlib.deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }))}${extra}`;
}

test('a preset loads, and steps go forward and back by buttons and keys', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(site.context, site.baseUrl);
  await page.screenshot({ path: path.join(screenshots, 'shell-first-load.png') });

  await loadPreset(page, 'fd-read-level-triggered');
  assert.match(await page.locator('#editor-title').textContent(), /FD_READ is level-triggered/);
  const [, len] = await position(page);
  assert.ok(len > 10, `steps: ${len}`);
  assert.equal(await page.locator('.current-line').count(), 0, 'no line before the first step');

  for (let i = 1; i <= 3; i++) {
    await page.locator('button[data-action=forward]').click();
    await waitForStep(page, i);
  }
  const third = await highlightedLine(page);
  assert.ok(third.line > 0);
  assert.match(third.text, /^\s*[^#\s]/, `a statement line is highlighted: ${third.text}`);

  await blur(page);
  await page.keyboard.press('ArrowRight');
  await waitForStep(page, 4);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await waitForStep(page, 2);
  const second = await highlightedLine(page);
  assert.ok(second.line <= third.line, 'going back moves the highlight up');
  await page.locator('button[data-action=back]').click();
  await waitForStep(page, 1);
  await page.keyboard.press('End');
  await waitForStep(page, len);
  await page.keyboard.press('Home');
  await waitForStep(page, 0);

  // The slider describes the position for screen readers, and jumps.
  await page.locator('#timeline').fill('6');
  await waitForStep(page, 6);
  assert.match(await page.locator('#timeline').getAttribute('aria-valuetext'), /^step 6 of \d+, virtual time /);

  // Keys do nothing while typing in the editor; Esc leaves it.
  await page.locator('#scenario-editor').click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Home');
  assert.deepEqual((await position(page))[0], 6, 'typing keys do not step');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowRight');
  await waitForStep(page, 7);

  // Play runs on its own, and pauses.
  await page.keyboard.press('Space');
  await waitForStep(page, 9);
  await page.keyboard.press('Space');
  const paused = (await position(page))[0];
  await page.waitForTimeout(600);
  assert.equal((await position(page))[0], paused, 'paused');

  // The help overlay lists the shortcuts; Esc closes it.
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.textContent(), /step forward/);
  // …and every call a scenario can make, from the core's table.
  assert.match(await dialog.textContent(), /WSAAccept\(s, CF_ACCEPT, CF_REJECT or CF_DEFER\)/);
  assert.match(await dialog.textContent(), /WSARecv\(s, length/);
  await page.screenshot({ path: path.join(screenshots, 'shell-help.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await page.screenshot({ path: path.join(screenshots, 'shell-stepping-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(screenshots, 'shell-stepping-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Everything important fits a 1440×900 screen: no page scrolling.
  const scroll = await page.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
  assert.ok(scroll[0] <= scroll[1] + 1, `the page does not scroll: ${scroll}`);

  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('a parse error is marked at its line and column, and the last run stays', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(site.context, site.baseUrl);
  await loadPreset(page, 'graceful-close');
  const [, len] = await position(page);
  const editor = page.locator('#scenario-editor');
  const lines = (await editor.inputValue()).split('\n');
  const at = lines.findIndex((l) => l.includes('socket(AF_INET'));
  assert.ok(at >= 0);
  lines[at] = lines[at].replace('socket(AF_INET', 'socket(AF_INET,, ');
  await editor.fill(lines.join('\n'));

  const diag = page.locator('.diag.error').first();
  await diag.waitFor({ timeout: 10_000 });
  const text = await diag.textContent();
  assert.match(text, new RegExp(`^${at + 1}:\\d+ Error: expected `), text);
  assert.equal(await page.locator(`.mark-line.error[data-line="${at + 1}"]`).count(), 1);
  assert.equal(await page.locator('.mark-col.error').count(), 1);
  assert.match(await page.locator('[data-testid=editor-status]').textContent(), /1 error/);
  assert.match(await page.locator('.stale-note').textContent(), /last run that worked/);
  assert.equal((await position(page))[1], len, 'the last good run is still shown');
  await page.screenshot({ path: path.join(screenshots, 'shell-parse-error.png') });

  // Clicking the position puts the caret there.
  await diag.locator('button').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scenario-editor');

  // A failing expectation is marked too, with expected and actual.
  lines[at] = lines[at].replace('socket(AF_INET,, ', 'socket(AF_INET');
  const exp = lines.findIndex((l) => /^expect \w+: WM_USER/.test(l));
  lines[exp] = lines[exp].replace(/FD_\w+/, 'FD_OOB');
  await editor.fill(lines.join('\n'));
  const failure = page.locator('.diag.failure');
  await failure.waitFor({ timeout: 10_000 });
  assert.match(await failure.textContent(), new RegExp(`^${exp + 1}:\\d+ Expectation failed: expected .*FD_OOB.*, but got `));
  assert.equal(await page.locator('.diag.error').count(), 0);

  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('a share link opens the same scenario at the same step; a changed trace is reported', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(site.context, site.baseUrl);
  await loadPreset(page, 'oob-separate');
  await blur(page);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await waitForStep(page, 5);
  const source = await page.locator('#scenario-editor').inputValue();
  await page.getByRole('button', { name: 'Share' }).click();
  const url = await page.locator('#share-url').inputValue();
  assert.match(url, /#v1\.[A-Za-z0-9_-]+&step=5&d2=[A-Za-z0-9_-]+$/);
  assert.equal(new URL(url).hash, new URL(page.url()).hash, 'the address bar holds the link');
  // The browser compressed the text (CompressionStream's raw deflate), not just stored it.
  const packed = Buffer.from(new URL(url).hash.match(/^#v1\.([^&]+)/)[1], 'base64url');
  assert.equal(zlib.inflateRawSync(packed).toString('utf8'), source);
  assert.ok(packed.length < source.length / 2, `${packed.length} bytes for ${source.length}`);
  await page.screenshot({ path: path.join(screenshots, 'shell-share.png') });
  await page.close();

  // Local storage now holds another text; the link wins.
  const other = await openPage(site.context, site.baseUrl);
  await loadPreset(other.page, 'udp-datagrams');
  await other.page.close();

  const fresh = await openPage(site.context, url);
  assert.equal(await fresh.page.locator('#scenario-editor').inputValue(), source);
  await waitForStep(fresh.page, 5);
  assert.equal(await fresh.page.locator('[data-testid=link-notice]').count(), 0);
  await fresh.page.close();

  // The same link with another digest: "made with an earlier version".
  const d = new URL(url).hash.match(/&d2=([^&]+)/)[1];
  const bytes = Buffer.from(d.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  bytes[0] ^= 0xff; // the whole-trace hash
  bytes[8 + 4] ^= 0xff; // entry 4
  const changed = url.replace(d, base64url(bytes));
  const old = await openPage(site.context, changed);
  const notice = old.page.locator('[data-testid=link-notice]');
  await notice.waitFor();
  const m = (await notice.textContent()).match(
    /This link was made with an earlier version of wsasim; its trace differs from step (\d+)\./,
  );
  assert.ok(m, await notice.textContent());
  await old.page.screenshot({ path: path.join(screenshots, 'shell-old-link.png') });
  await old.page.locator('button[data-action=jump-notice]').click();
  await waitForStep(old.page, Number(m[1]));
  await old.page.close();

  assert.deepEqual([...problems, ...fresh.problems, ...old.problems], [], 'no errors or warnings');
});

test('malformed and oversized links show a message and leave the editor usable', { timeout: 120_000 }, async () => {
  const first = await openPage(site.context, site.baseUrl);
  await loadPreset(first.page, 'connect-refused');
  let before = await first.page.locator('#scenario-editor').inputValue();
  await first.page.close();

  const cases = [
    ['#v1.!!!not-base64', /not valid base64url/],
    [`#v1.${base64url(Buffer.from([0xff, 0xfe, 0x01, 0x02, 0x03]))}`, /does not decompress/],
    [linkFor('host a 10.0.0.1\n').replace('#v1.', '#v7.'), /format “v7”/],
    [linkFor('x'.repeat((1 << 20) + 10)), /too large/],
    [linkFor('host a 10.0.0.1\n', '&step=abc'), /malformed part “step=abc”/],
  ];
  for (const [hash, message] of cases) {
    const { page, problems } = await openPage(site.context, site.baseUrl + hash);
    const notice = page.locator('[data-testid=link-notice]');
    await notice.waitFor();
    const text = await notice.textContent();
    assert.match(text, /This link could not be opened/);
    assert.match(text, message);
    assert.equal(await page.locator('#scenario-editor').inputValue(), before, `${hash.slice(0, 20)}: editor kept its text`);
    if (message.source.includes('base64')) {
      before = before.replace(/^title ".*"$/m, 'title "Edited after a bad link"');
      await page.screenshot({ path: path.join(screenshots, 'shell-bad-link.png') });
      // Still usable: edit and run.
      const editor = page.locator('#scenario-editor');
      await editor.fill(before);
      await page.locator('#editor-title', { hasText: 'Edited after a bad link' }).waitFor({ timeout: 10_000 });
    }
    assert.deepEqual(problems, [], 'no errors or warnings');
    await page.close();
  }
});

test('the profile switch re-runs, and the compare view finds the first divergence', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(site.context, site.baseUrl);
  await loadPreset(page, 'windows-reset-connaborted');
  await page.locator('button[data-action=compare]').click();
  const compare = page.locator('section.compare');
  await compare.waitFor();
  const text = await compare.textContent();
  assert.match(text, /The traces first differ at step \d+ \(trace entry #\d+\)/);
  assert.equal(await compare.locator('.side').count(), 2);
  assert.match(await compare.locator('.side[data-profile=documented]').textContent(), /WSAECONNRESET/);
  assert.match(await compare.locator('.side[data-profile=windows]').textContent(), /WSAECONNABORTED/);
  assert.ok((await compare.locator('.rule-id').count()) >= 2, 'a rule on each side');
  const jump = compare.locator('button[data-action=jump-divergence]');
  const step = Number((await jump.textContent()).match(/\d+/)[0]);
  await jump.click();
  await waitForStep(page, step);
  await page.screenshot({ path: path.join(screenshots, 'shell-compare.png') });

  // The preset's own `profile windows` line chose Windows; the switch overrides it.
  await page.locator('button.seg[data-profile=windows][aria-pressed=true]').waitFor();
  await page.locator('button.seg[data-profile=documented]').click();
  await page.locator('button.seg[data-profile=documented][aria-pressed=true]').waitFor();
  await compare.locator('.side.mine[data-profile=documented]').waitFor();
  await page.getByRole('button', { name: 'Share' }).click();
  assert.match(await page.locator('#share-url').inputValue(), /&profile=documented/);

  // The p key switches back.
  await blur(page);
  await page.keyboard.press('p');
  await page.locator('button.seg[data-profile=windows][aria-pressed=true]').waitFor();
  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('embed mode shows the title, controls, queue and lParam only', { timeout: 120_000 }, async () => {
  const src = (await import('node:fs')).readFileSync(
    path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'core', 'scenarios', 'fd-read-level-triggered.wsa'),
    'utf8',
  );
  const page0 = await site.context.newPage();
  await page0.setViewportSize({ width: 760, height: 520 });
  const { page, problems } = await (async () => {
    await page0.close();
    return openPage(site.context, site.baseUrl + linkFor(src, '&step=8&embed=1'));
  })();
  await page.setViewportSize({ width: 760, height: 520 });
  await waitForStep(page, 8);
  assert.equal(await page.locator('.app.embed').count(), 1);
  assert.match(await page.locator('.embed-title').textContent(), /FD_READ is level-triggered/);
  assert.equal(await page.locator('.masthead').count(), 0);
  assert.equal(await page.locator('#scenario-editor').count(), 0);
  assert.equal(await page.locator('.cell-queue').count(), 1);
  assert.equal(await page.locator('#lparam-input').count(), 1);
  await page.screenshot({ path: path.join(screenshots, 'shell-embed.png'), fullPage: true });
  assert.deepEqual(problems, [], 'the page logged no errors or warnings');
  await page.close();
});

test('measured: first interactive render, and step updates deep in a 100,000-step scenario', { timeout: 600_000 }, async () => {
  // Time to the first interactive render: the step counter showing a run.
  const page = await site.context.newPage();
  await page.addInitScript(() => {
    const obs = new MutationObserver(() => {
      const el = document.querySelector('[data-testid=step-counter]');
      if (el && / \/ [1-9]/.test(el.textContent) && !window.__firstRender) {
        window.__firstRender = performance.now();
        obs.disconnect();
      }
    });
    obs.observe(document, { childList: true, subtree: true, characterData: true });
  });
  await page.goto(site.baseUrl, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__firstRender, null, { timeout: 60_000 });
  const first = await page.evaluate(() => window.__firstRender);
  console.log(`MEASURED first interactive render: ${first.toFixed(0)} ms after navigation start`);
  await page.close();

  // A 100,000-step scenario, opened from a share link.
  let src =
    'title "100,000 steps"\nhost a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n' +
    'b: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n' +
    'a: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\n' +
    'b: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\nrun until idle\n';
  // Five steps a block (send, the data and its ACK delivered, GetMessage, recv) in 49
  // bytes, so 100,000 steps fit the core's 1 MiB script limit; the queue stays short.
  src += 'a:send(C,"p")\nstep 2\nb:GetMessage(w)\nb:recv(A,9)\n'.repeat(20_000);
  const t0 = Date.now();
  const big = await site.context.newPage();
  const errors = [];
  big.on('pageerror', (e) => errors.push(e.message));
  await big.goto(site.baseUrl + linkFor(src), { waitUntil: 'load' });
  await big.waitForFunction(
    () => / \/ \d{6}/.test(document.querySelector('[data-testid=step-counter]')?.textContent ?? ''),
    null,
    { timeout: 300_000 },
  );
  const [, len] = await position(big);
  console.log(`MEASURED 100,000-step scenario: ${len} steps, loaded and run in ${Date.now() - t0} ms`);
  assert.ok(len >= 100_000, `steps: ${len}`);
  await big.keyboard.press('End');
  await waitForStep(big, len);
  await blur(big);
  // Step back then forward 70 times each near the end (two checkpoint intervals), timing
  // each from the key press to the DOM updated and laid out.
  const times = { back: await timeKeys(big, 'ArrowLeft', 70), fwd: await timeKeys(big, 'ArrowRight', 70) };
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `max ${s[s.length - 1].toFixed(1)} ms, median ${s[s.length >> 1].toFixed(1)} ms`;
  };
  console.log(`MEASURED step back on ${len} steps: ${stat(times.back)}`);
  console.log(`MEASURED step forward on ${len} steps: ${stat(times.fwd)}`);
  await waitForStep(big, len);
  await big.screenshot({ path: path.join(screenshots, 'shell-100k.png') });
  assert.deepEqual(errors, []);
  await big.close();
});

// A browser without CompressionStream still makes links: its text goes in stored deflate
// blocks (longer, but every version's reader opens them).
test('without CompressionStream, Share makes a stored-deflate link that opens', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(site.context, site.baseUrl);
  await loadPreset(page, 'udp-datagrams');
  await blur(page);
  const source = await page.locator('#scenario-editor').inputValue();
  await page.evaluate(() => {
    delete window.CompressionStream;
  });
  await page.getByRole('button', { name: 'Share' }).click();
  await page.locator('#share-url').waitFor();
  const url = await page.locator('#share-url').inputValue();
  const packed = Buffer.from(new URL(url).hash.match(/^#v1\.([^&]+)/)[1], 'base64url');
  assert.equal(packed.length, Buffer.byteLength(source) + 5, 'one stored block');
  assert.equal(zlib.inflateRawSync(packed).toString('utf8'), source);
  await page.close();
  const fresh = await openPage(site.context, url);
  assert.equal(await fresh.page.locator('#scenario-editor').inputValue(), source);
  assert.deepEqual([...problems, ...fresh.problems], []);
  await fresh.page.close();
});
