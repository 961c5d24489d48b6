// Issue 13, §5: a layout that shows the key content. A resizable split, panels that can be
// maximised, the latch grid in full, the scenario's title and about above the editor; on
// a phone the Presets menu on screen, sticky step controls (390 and 1024 px), Compare
// brought into view, scroll cues on tables and the diagram. Screenshots at the four sizes
// in both colour schemes (tests/screenshots/layout-*.png) for people to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openFresh, pickPreset, screenshots, startSite } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const inViewport = (box, vp) => box && box.x >= -1 && box.y >= -1 && box.x + box.width <= vp.width + 1 && box.y + box.height <= vp.height + 1;

test('wide: resizable split, maximised panels, the whole latch grid, title and about', { timeout: 180_000 }, async () => {
  const viewport = { width: 1440, height: 900 };
  const { page, problems } = await openFresh(site, { viewport });
  await pickPreset(page, 'fd-read-level-triggered');
  // The scenario's about sentence is shown above the editor.
  assert.match(await page.locator('[data-testid=scenario-about]').textContent(), /100 bytes arrive/);
  // The split moves with the arrow keys (and by dragging).
  const editor = page.locator('.workspace > .editor');
  const before = (await editor.boundingBox()).width;
  const handle = page.locator('.splitter[role=separator]');
  await handle.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  const wider = (await editor.boundingBox()).width;
  assert.ok(wider > before + 100, `the editor widened: ${before} → ${wider}`);
  // The arrow keys moved the split, not the step.
  assert.match(await page.locator('[data-testid=step-counter]').textContent(), /Step\s*0\s*\//);
  const hb = await handle.boundingBox();
  await page.mouse.move(hb.x + hb.width / 2, hb.y + 40);
  await page.mouse.down();
  await page.mouse.move(hb.x - 200, hb.y + 40, { steps: 5 });
  await page.mouse.up();
  const narrower = (await editor.boundingBox()).width;
  assert.ok(narrower < wider - 150, `dragging narrowed the editor: ${wider} → ${narrower}`);
  // The split is kept for the next visit.
  await page.reload({ waitUntil: 'load' });
  await page.locator('.panel.queue').waitFor();
  const kept = (await editor.boundingBox()).width;
  assert.ok(Math.abs(kept - narrower) < 4, `the split survives a reload: ${narrower} → ${kept}`);
  // Every latch column is readable once the grid is maximised; headers have full names.
  await page.locator('button[data-action=end]').click();
  await page.locator('.cell-latches button[data-action=maximize]').click();
  await page.locator('.cell-latches.maximized').waitFor();
  assert.equal(await page.locator('.cell-queue').isVisible(), false, 'the other panels give way');
  const grid = page.locator('.latch-grid');
  const heads = grid.locator('thead th[data-event]');
  assert.equal(await heads.count(), 10);
  const gridBox = await page.locator('.cell-latches').boundingBox();
  for (let i = 0; i < 10; i++) {
    const b = await heads.nth(i).boundingBox();
    assert.ok(b.x + b.width <= gridBox.x + gridBox.width, `column ${i} is inside the panel`);
    assert.match(await heads.nth(i).getAttribute('title'), /^FD_/);
  }
  await page.screenshot({ path: path.join(screenshots, 'layout-latches-maximised.png') });
  await page.keyboard.press('Escape');
  await page.locator('.cell-latches.maximized').waitFor({ state: 'detached' });
  // Why? and the decoder can be maximised too.
  for (const cell of ['why', 'lparam']) {
    await page.locator(`.cell-${cell} button[data-action=maximize]`).click();
    await page.locator(`.cell-${cell}.maximized`).waitFor();
    await page.locator(`.cell-${cell} button[data-action=maximize]`).click();
  }
  assert.deepEqual(problems, []);
  await page.close();
});

for (const viewport of [{ width: 390, height: 844 }, { width: 1024, height: 768 }]) {
  test(`${viewport.width} px: sticky controls, Presets on screen, Compare brought into view, scroll cues`, { timeout: 180_000 }, async () => {
    const { page, problems } = await openFresh(site, { viewport });
    // The Presets menu opens on screen, and a click outside closes it.
    await page.locator('details.presets > summary').click();
    const menu = page.locator('.presets .preset-menu');
    await menu.waitFor();
    assert.ok(inViewport(await menu.boundingBox(), viewport), 'the menu is on screen');
    await page.mouse.click(viewport.width - 5, viewport.height - 5);
    await page.waitForFunction(() => !document.querySelector('details.presets').open);
    await pickPreset(page, 'windows-reselect-reposts');
    // Scrolled down, the step controls stay at the top of the screen.
    await page.locator('.cell-trace').scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(200);
    const controls = await page.locator('.controls').boundingBox();
    assert.ok(controls.y >= -1 && controls.y < 5, `the controls are stuck at the top: y=${controls.y}`);
    await page.locator('button[data-action=end]').click();
    // Compare opens in view, with focus.
    await page.locator('button[data-action=compare]').click();
    const compare = page.locator('section.compare');
    await compare.waitFor();
    await page.waitForTimeout(300);
    const cb = await compare.boundingBox();
    assert.ok(cb.y < viewport.height && cb.y + 40 > 0, `the compare view is on screen: y=${cb.y}`);
    await page.waitForFunction(() => document.activeElement?.closest('section.compare') != null);
    await page.screenshot({ path: path.join(screenshots, `layout-compare-${viewport.width}.png`) });
    // Tables and the diagram that overflow carry a scroll cue.
    for (const sel of ['.latches .grid-scroll', '.sockets .grid-scroll', '.wire-scroll', '.queue-scroll']) {
      const bg = await page.locator(sel).first().evaluate((el) => getComputedStyle(el).backgroundImage);
      assert.match(bg, /gradient/, `${sel} has a scroll cue`);
      const mask = await page.locator(sel).first().evaluate((el) => getComputedStyle(el).maskImage);
      assert.match(mask, /gradient/, `${sel} fades on the side with more (over the rows' own backgrounds)`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('screenshots at four sizes, light and dark', { timeout: 300_000 }, async () => {
  const sizes = [
    { width: 1440, height: 900 },
    { width: 1920, height: 1080 },
    { width: 1024, height: 768 },
    { width: 390, height: 844 },
  ];
  for (const scheme of ['light', 'dark']) {
    for (const viewport of sizes) {
      const { page, problems } = await openFresh(site, { viewport });
      await page.emulateMedia({ colorScheme: scheme });
      await pickPreset(page, 'windows-reselect-reposts');
      for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
      await page.locator('tr.msg').first().click();
      await page.screenshot({ path: path.join(screenshots, `layout-${viewport.width}x${viewport.height}-${scheme}.png`) });
      if (viewport.width === 1440) {
        await page.locator('button[data-action=compare]').click();
        await page.locator('section.compare').waitFor();
        await page.screenshot({ path: path.join(screenshots, `layout-compare-${scheme}.png`) });
      }
      assert.deepEqual(problems, []);
      await page.close();
    }
  }
});
