// Issue 13, §6: accessibility and small things. Contrast of taken rows and latch markers
// (WCAG AA), taken rows marked without strike-through, focus after a preset chosen by
// keyboard, presets' accessible names, a loading state and <noscript>, the usual
// Play/Step icons, "did you mean recv?", `&profile=linux` refused like `&step=abc`,
// `?embed=1` without a scenario, and README's claims.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openFresh, pickPreset, root, siteDir, startSite } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

// The WCAG contrast ratio of `el`'s text against the first opaque background behind it.
function contrastOf(el) {
  const parse = (c) => {
    const n = c.match(/[\d.]+/g).map(Number);
    if (c.startsWith('color(srgb')) return { rgb: n.slice(0, 3).map((v) => v * 255), a: n[3] ?? 1 };
    return { rgb: n.slice(0, 3), a: n[3] ?? 1 };
  };
  const lum = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // Composites the backgrounds from the page up to `el`.
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = parse(getComputedStyle(e).backgroundColor);
    if (bg.a > 0) layers.push(bg);
    if (bg.a >= 1) break;
  }
  let base = [255, 255, 255];
  for (const l of layers.reverse()) base = base.map((v, i) => v * (1 - l.a) + l.rgb[i] * l.a);
  const fg = parse(getComputedStyle(el).color);
  let opacity = 1;
  for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
  const a = fg.a * opacity;
  const text = base.map((v, i) => v * (1 - a) + fg.rgb[i] * a);
  const [l1, l2] = [lum(text), lum(base)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

for (const scheme of ['light', 'dark']) {
  test(`${scheme}: taken rows and latch markers meet WCAG AA; taken rows are not struck through`, { timeout: 180_000 }, async () => {
    const { page, problems } = await openFresh(site);
    await page.emulateMedia({ colorScheme: scheme });
    await pickPreset(page, 'fd-read-level-triggered');
    for (let i = 0; i < 22; i++) await page.locator('button[data-action=forward]').click();
    const taken = page.locator('tr.msg.consumed').first();
    await taken.waitFor();
    for (const sel of ['td.num', 'code.hwnd', '.lparam-hex', '.ev', '.taken-tag', 'code.rule']) {
      const ratio = await taken.locator(sel).first().evaluate(contrastOf);
      assert.ok(ratio >= 4.5, `taken row ${sel}: ${ratio.toFixed(2)}:1`);
    }
    assert.equal(await taken.locator('.lparam-hex').evaluate((e) => getComputedStyle(e).textDecorationLine), 'none');
    assert.equal(await taken.locator('.taken-tag').textContent(), 'taken');
    for (const sel of ['td.latch.not-selected', 'td.latch.armed', 'td.latch.waiting', 'th .trig', 'thead th abbr']) {
      const el = page.locator(`.latch-grid ${sel}`).first();
      if ((await el.count()) === 0) continue;
      const ratio = await el.evaluate(contrastOf);
      assert.ok(ratio >= 4.5, `latch ${sel}: ${ratio.toFixed(2)}:1`);
      const size = await el.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(size >= 11, `latch ${sel} is at least 11 px (${size})`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('presets by keyboard: names, focus after choosing, click outside closes', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFresh(site);
  const summary = page.locator('details.presets > summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  const preset = page.locator('.preset[data-id="fd-read-level-triggered"]');
  await preset.waitFor();
  // The accessible name is the title alone; the sentence is its description.
  const title = (await preset.locator('.preset-title').textContent()).trim();
  assert.equal(await preset.getAttribute('aria-label'), title);
  const described = await preset.getAttribute('aria-describedby');
  assert.match(await page.locator(`#${described}`).textContent(), /100 bytes arrive/);
  await preset.focus();
  await page.keyboard.press('Enter');
  await page.locator('#editor-title', { hasText: title }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.matches('details.presets > summary')), true, 'focus is back on the Presets button');
  // A click outside an open menu closes it.
  await summary.click();
  await page.locator('.presets .preset-menu').waitFor();
  await page.locator('.panel.queue').click({ position: { x: 10, y: 10 } });
  await page.waitForFunction(() => !document.querySelector('details.presets').open);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Play and Step have the usual icons', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFresh(site);
  const play = page.locator('button[data-action=play]');
  const step = page.locator('button[data-action=forward]');
  assert.equal((await play.textContent()).trim(), '', 'no ▶▶ text');
  // Play: one triangle. Step: a triangle and a bar.
  assert.equal(await play.locator('path').getAttribute('d'), 'M4 2v12l10-6z');
  assert.match(await step.locator('path').getAttribute('d'), /^M3 2v12l8-6zM11 2h2v12h-2z$/);
  await play.click();
  assert.equal(await play.locator('path').getAttribute('d'), 'M4 2h3v12H4zM9 2h3v12H9z', 'pause: two bars');
  await play.click();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a loading state while the wasm loads, and <noscript>', { timeout: 120_000 }, async () => {
  const html = fs.readFileSync(path.join(siteDir, 'index.html'), 'utf8');
  assert.match(html, /<noscript>[\s\S]*needs JavaScript[\s\S]*<\/noscript>/);
  const page = await site.context.newPage();
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(site.baseUrl, { waitUntil: 'domcontentloaded' });
  await page.locator('#loading').waitFor({ state: 'visible' });
  assert.match(await page.locator('#loading').textContent(), /Loading/);
  release();
  await page.locator('.panel.queue').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#loading').isVisible(), false, 'hidden once the app runs');
  await page.close();
});

test('a misspelled call gets "did you mean recv?"', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  const editor = page.locator('#scenario-editor');
  const text = await editor.inputValue();
  await editor.fill(text.replace('server: recv(A, 50)', 'server: recieve(A, 50)'));
  await page.locator('.diag', { hasText: "did you mean 'recv'?" }).first().waitFor({ timeout: 10_000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('&profile=linux is refused like &step=abc', { timeout: 120_000 }, async () => {
  const { page } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  await page.getByRole('button', { name: 'Share' }).click();
  const url = (await page.locator('#share-url').inputValue()).replace(/&profile=[a-z]+/, '');
  for (const bad of ['&step=abc', '&profile=linux']) {
    const { page: p } = await openFresh(site, { url: `${url}${bad}` });
    const notice = p.locator('[data-testid=link-notice]');
    await notice.waitFor();
    assert.match(await notice.textContent(), new RegExp(`could not be opened.*${bad.slice(1, 8)}`));
    await p.close();
  }
  await page.close();
});

test('?embed=1 without a scenario shows the default scenario, not the saved draft', { timeout: 120_000 }, async () => {
  const { page } = await openFresh(site);
  await pickPreset(page, 'fd-read-level-triggered');
  await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
  const embed = await site.context.newPage();
  await embed.goto(`${site.baseUrl}?embed=1`, { waitUntil: 'load' });
  await embed.locator('.embed-title').waitFor();
  assert.equal((await embed.locator('.embed-title').textContent()).trim(), 'Connection reset');
  await embed.close();
  await page.close();
});

test('README claims no hosted site or git repository that does not exist', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.doesNotMatch(readme, /wsasim\.github\.io\/wsasim/);
  assert.doesNotMatch(readme, /github\.com\/wsasim\/wsasim/);
  assert.match(readme, /wsasim = \{ path = /);
});
