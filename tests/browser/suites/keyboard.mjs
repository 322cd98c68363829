// Keyboard: a skip link first on every page, the focus always visible, the ticket form in a sensible
// Tab order, the search suggestions usable with the arrow keys.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGS, session, withContext } from '../lib/browser.mjs';
import { tabTo } from '../lib/keyboard.mjs';
import { WORDS } from './journeys.mjs';

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  return { id: el.id, cls: el.className, tag: el.tagName.toLowerCase(), href: el.getAttribute('href'),
    inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.width > 1 && r.height > 1 };
});

export function register() {
  describe('keyboard', () => {
    for (const lang of LANGS) {
      test(`skip link first, visible when focused, moves to the content (${lang})`, async () => {
        await withContext({ lang, storageState: await session('volunteer', lang) }, async ({ page }) => {
          for (const url of [`/${lang}/`, `/${lang}/articles/${WORDS[lang].slug}`, `/${lang}/queue`, `/${lang}/no-such-page`]) {
            await page.goto(url);
            await page.keyboard.press('Tab');
            const first = await focused(page);
            assert.equal(first.cls, 'skip-link', `the first Tab stop on ${url}`);
            assert.ok(first.inView, `the skip link shows when focused on ${url}`);
            await page.keyboard.press('Enter');
            assert.equal((await focused(page)).id, 'main', `Enter on the skip link moves the focus to <main> on ${url}`);
            await page.keyboard.press('Tab');
            const next = await page.evaluate(() => !!document.activeElement.closest('main'));
            assert.ok(next, `the next Tab stop is inside the content on ${url}`);
          }
        });
      });

      test(`Tab goes through the ticket form in order, with visible focus (${lang})`, async () => {
        await withContext({ lang, storageState: await session('member', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/tickets/new`);
          const stops = await tabTo(page, 'main form button[type=submit]', { max: 60 });
          const ids = stops.map((s) => s.id).filter((id) => ['subject', 'body', 'category', 'urgency', 'files'].includes(id));
          assert.deepEqual(ids, ['subject', 'body', 'category', 'urgency', 'files']);
          assert.equal(stops[0].tag, 'a', 'the skip link comes first');
          // Back up with Shift+Tab: the same stops in reverse.
          const back = await tabTo(page, '#subject', { back: true, max: 20 });
          assert.deepEqual(back.map((s) => s.id).filter((id) => id).reverse().slice(0, 5), ['subject', 'body', 'category', 'urgency', 'files']);
        });
      });

      test(`search suggestions: arrows in, Escape out (${lang})`, async () => {
        await withContext({ lang }, async ({ page }) => {
          await page.goto(`/${lang}/`);
          await tabTo(page, '#site-search');
          await page.keyboard.type(WORDS[lang].fixed.slice(0, 6), { delay: 30 });
          const list = page.locator('.site-header .suggest-list');
          await list.locator('a').first().waitFor();
          await page.keyboard.press('ArrowDown');
          const f = await focused(page);
          assert.equal(f.tag, 'a');
          assert.ok(f.href.startsWith(`/${lang}/articles/`));
          await page.keyboard.press('Escape');
          assert.equal((await focused(page)).id, 'site-search', 'Escape returns to the search box');
          assert.equal(await list.isVisible(), false, 'and closes the list');
        });
      });
    }
  });
}
