// Browser tests of the locked-down page: the built site carries a Content-Security-Policy
// (xtask/src/csp.rs) under which every preset and a share link run with no violation;
// a scenario's text never reaches the DOM as HTML; the embed snippet is sandboxed and an
// embedded playground cannot navigate the page that embeds it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSite, openFresh, pickPreset, presetIds, siteDir, linkFor } from './harness.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});


// Records CSP violations from the first script on, in every page and frame of `context`.
async function watchViolations(context) {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

test('the built page declares a Content-Security-Policy without eval or inline script', () => {
  const html = fs.readFileSync(path.join(siteDir, 'index.html'), 'utf8');
  const m = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(m, 'no CSP meta in index.html');
  const policy = m[1];
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(policy, /'unsafe-eval'|script-src[^;]*'unsafe-inline'|https?:/);
  // The meta comes before any script, so it covers the loader.
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'));
});

test('every preset and a share link run under the policy with no violation', async () => {
  // openFresh makes its own page: the watcher goes on the context, before any script.
  await watchViolations(site.context);
  const { page: p, problems } = await openFresh(site);
  const ids = await presetIds(p);
  assert.ok(ids.length >= 40, `only ${ids.length} presets`);
  for (const id of ids) {
    await pickPreset(p, id);
  }
  const onPage = await p.evaluate(() => window.__cspViolations);
  assert.deepEqual(onPage, [], `CSP violations while loading presets: ${onPage.join('\n')}`);
  await p.goto(site.baseUrl + linkFor('title "linked"\nhost a 10.0.0.1\nwindow a w\na: WSAStartup()\n', '&step=2'));
  await p.locator('.panel.queue').waitFor({ state: 'visible' });
  await p.locator('.scenario-title', { hasText: 'linked' }).waitFor();
  const onLink = await p.evaluate(() => window.__cspViolations);
  assert.deepEqual(onLink, [], `CSP violations on a share link: ${onLink.join('\n')}`);
  const csp = problems.filter((x) => /Content Security Policy|Refused to/.test(x));
  assert.deepEqual(csp, []);
  console.log(`# security: ${ids.length} presets and a share link ran under the CSP with no violation`);
  await p.close();
});

test("a scenario's text never becomes markup", async () => {
  const markup = '<img src=x onerror=window.__pwned=1><b id=bold>b</b>';
  const src = [
    `title "${markup}"`,
    `about "${markup}"`,
    'host a 10.0.0.1',
    'host b 10.0.0.2',
    'window b w',
    'a: WSAStartup()',
    'b: WSAStartup()',
    'b: S = socket(AF_INET, SOCK_DGRAM)',
    'b: bind(S, 10.0.0.2:53)',
    'b: WSAAsyncSelect(S, w, WM_USER+1, FD_READ)',
    'a: U = socket(AF_INET, SOCK_DGRAM)',
    `a: sendto(U, "${markup}", 10.0.0.2:53)`,
    'run until idle',
    'b: recvfrom(S, 200)',
    '',
  ].join('\n');
  const { page } = await openFresh(site, { url: site.baseUrl + linkFor(src) });
  await page.locator('.scenario-title').waitFor();
  await page.keyboard.press('End');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#bold').count(), 0, 'a <b> from the scenario became an element');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'an <img> from the scenario became an element');
  assert.ok((await page.locator('.scenario-title').textContent()).includes('<img src=x'));
  assert.ok((await page.locator('[data-testid=scenario-about]').textContent()).includes('<b id=bold>'));
  await page.close();
});

test('the embed snippet is sandboxed, and an embedded playground cannot navigate its host', async () => {
  const { page } = await openFresh(site, {
    url: site.baseUrl + linkFor('title "embedded"\nhost a 10.0.0.1\nwindow a w\na: WSAStartup()\n'),
  });
  await page.locator('button.tool', { hasText: 'Share' }).click();
  const snippet = await page.locator('#embed-code').inputValue();
  assert.match(snippet, /sandbox="allow-scripts allow-same-origin"/);
  assert.doesNotMatch(snippet, /allow-top-navigation|allow-popups/);
  const src = snippet.match(/src="([^"]+)"/)[1];
  // A host page that embeds the snippet, served from another origin (about:blank here).
  const host = await site.context.newPage();
  await host.setContent(`<p id=host>host</p>${snippet}`);
  const frame = await (await host.waitForSelector('iframe')).contentFrame();
  await frame.locator('.panel.queue').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(new URL(frame.url()).hash, new URL(src).hash);
  // The sandbox forbids navigating the top page; an attempt from inside is refused.
  const refused = await frame.evaluate(() => {
    try {
      window.top.location.href = 'about:blank#hijacked';
      return false;
    } catch {
      return true;
    }
  });
  await host.waitForTimeout(300);
  assert.ok(refused || !host.url().includes('hijacked'), 'the embedded page navigated its host');
  assert.equal(await host.locator('#host').count(), 1);
  await host.close();
  await page.close();
});
