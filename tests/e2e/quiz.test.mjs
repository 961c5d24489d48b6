// Browser tests of learning mode ("predict the next message"): a wrong and a right
// answer, the score, the reveal with the rule and the page's sentence, the keyboard, the
// Windows profile, and a share link that opens in the mode.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSite, openFresh, pickPreset, presetIds, screenshots } from './harness.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const score = async (page) => (await page.locator('[data-testid=quiz-score]').textContent()).trim();

// Answers questions until one that posts a message is asked; returns the right choice id.
async function toAPostingQuestion(page) {
  for (let i = 0; i < 50; i++) {
    // Peek at nothing: answer "nothing" only where it is right is not knowable in
    // advance, so answer and go on until the solution is a message.
    await page.locator('.quiz-choice[data-choice="nothing"]').click();
    const solution = (await page.locator('[data-testid=quiz-solution]').textContent()).trim();
    if (!solution.startsWith('nothing')) return solution;
    await page.locator('[data-action=quiz-next]').click();
  }
  throw new Error('no question posts a message');
}

test('learning mode: a wrong and a right answer, the score, and a share link', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await pickPreset(page, 'graceful-close');
  await page.locator('[data-action=quiz]').click();
  await page.locator('[data-testid=quiz]').waitFor();
  assert.equal(await score(page), 'Score: 0 / 0');
  assert.match(await page.locator('[data-testid=quiz-prompt]').textContent(), /Question 1 of \d+/);

  // Answer "nothing" until a question whose step posts a message: that answer is wrong.
  const solution = await toAPostingQuestion(page);
  const asked = Number((await score(page)).match(/\/ (\d+)/)[1]);
  const right = Number((await score(page)).match(/: (\d+)/)[1]);
  assert.equal(right, asked - 1, 'every answer but the last was right ("nothing")');
  assert.match(await page.locator('.quiz-verdict').textContent(), /Not this time/);
  // The reveal: the rule's id and the page's sentence, and the Why? panel on the message.
  assert.ok((await page.locator('.quiz-rules .rule-id').count()) > 0);
  assert.ok((await page.locator('.quiz-rules .sentence').first().textContent()).length > 20);
  const event = solution.split(/[ ,]/)[0];

  // Play the same question again from a fresh start, by keyboard, with the right answer.
  await page.screenshot({ path: path.join(screenshots, 'quiz-wrong.png') });
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('q');
  await page.locator('[data-testid=quiz]').waitFor({ state: 'detached' });
  await page.keyboard.press('q');
  await page.locator('[data-testid=quiz]').waitFor();
  for (let i = 0; i < asked - 1; i++) {
    const n = await page.locator('.quiz-choice').count();
    await page.keyboard.press(String(n)); // the last button is "nothing"
    await page.keyboard.press('n');
  }
  const choices = await page.locator('.quiz-choice').evaluateAll((bs) => bs.map((b) => b.dataset.choice));
  const k = choices.indexOf(event) + 1;
  assert.ok(k > 0 && k <= 9, `choice ${event} among ${choices}`);
  await page.keyboard.press(String(k));
  assert.match(await page.locator('.quiz-verdict').textContent(), /Right/);
  assert.equal(await score(page), `Score: ${asked} / ${asked}`);

  // A share link made in learning mode opens in it.
  await page.locator('nav.tools button', { hasText: /^Share/ }).first().click();
  await page.locator('#share-url').waitFor();
  const url = await page.locator('#share-url').inputValue();
  assert.match(url, /&quiz=1/);
  const other = await site.context.newPage();
  await other.goto(url);
  await other.locator('[data-testid=quiz]').waitFor({ timeout: 15_000 });
  assert.equal(await score(other), 'Score: 0 / 0');
  assert.match(await other.locator('[data-testid=quiz-prompt]').textContent(), /Question 1 of/);
  await other.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('learning mode works under the Windows profile and for every preset', { timeout: 300_000 }, async () => {
  const { page, problems } = await openFresh(site);
  await page.locator('details.presets > summary').click();
  const ids = await presetIds(page);
  await page.locator('details.presets > summary').click();
  assert.ok(ids.length > 10);
  await page.locator('[data-action=quiz]').click();
  for (const id of ids) {
    await pickPreset(page, id);
    // A preset runs under its own profile line: switch to Windows for the quiz.
    await page.locator('[data-profile=windows]').click();
    await page.waitForFunction(() => document.querySelector('[data-profile=windows]')?.getAttribute('aria-pressed') === 'true');
    await page.locator('[data-testid=quiz]').waitFor();
    const prompt = page.locator('[data-testid=quiz-prompt], .quiz-prompt').first();
    assert.ok((await prompt.textContent()).length > 0, `${id}: a question or a note`);
    if (await page.locator('.quiz-choice').count()) {
      await page.locator('.quiz-choice').first().click();
      await page.locator('[data-testid=quiz-answer]').waitFor();
      assert.match(await score(page), /Score: [01] \/ 1/, id);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});
