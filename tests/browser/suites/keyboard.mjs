// Keyboard: a skip link first on every page, the focus always visible, the ticket form in a sensible
// Tab order, the search suggestions usable with the arrow keys.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGS, PHONE, session, withContext } from '../lib/browser.mjs';
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

      // Issue #21: a table wider than the screen scrolls in a region that Tab reaches and the arrows scroll.
      test(`a wide table is reachable and scrollable with the keyboard (${lang})`, async () => {
        await withContext({ lang, viewport: PHONE }, async ({ page }) => {
          await page.goto(`/${lang}/articles/${lang === 'fr' ? 'outils-agenda-compares' : 'calendar-tools-compared'}`);
          const region = page.locator('.prose .table-scroll');
          assert.equal(await region.count(), 1);
          assert.ok(await region.evaluate((el) => el.scrollWidth > el.clientWidth), 'the table is wider than the phone');
          await tabTo(page, '.prose .table-scroll', { max: 60 });
          assert.equal(await region.evaluate((el) => el === document.activeElement), true, 'Tab reaches the table');
          assert.ok((await region.getAttribute('aria-label')).length > 0, 'the region has a name');
          await page.keyboard.press('ArrowRight');
          await page.waitForFunction(() => document.querySelector('.prose .table-scroll').scrollLeft > 0);
        });
      });

      // Issue #21: the header search box's placeholder is not cut at common widths.
      test(`the header search placeholder fits at common widths (${lang})`, async () => {
        await withContext({ lang }, async ({ page }) => {
          for (const width of [1440, 1280, 1024, 768, 390, 320]) {
            await page.setViewportSize({ width, height: 800 });
            await page.goto(`/${lang}/`);
            const fit = await page.evaluate(() => {
              const input = document.querySelector('#site-search');
              const cs = getComputedStyle(input);
              const ctx = document.createElement('canvas').getContext('2d');
              ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
              const room = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
              return { text: ctx.measureText(input.placeholder).width, room };
            });
            assert.ok(fit.text <= fit.room, `at ${width} px the placeholder needs ${fit.text.toFixed(0)} px, has ${fit.room.toFixed(0)}`);
          }
        });
      });

      // Issue #21: a late answer for an earlier request redrew the list and dropped the focus to <body>. Made
      // deterministic with page.route: the first request for a 3-letter prefix is held; the person types a
      // fourth letter, erases it (a new request for the same prefix, answered), moves into the list; then the
      // held, older answer (a "STALE" title) arrives. Only the newest request's answer may be drawn.
      test(`search suggestions: a late answer for an earlier request changes nothing (${lang})`, async () => {
        await withContext({ lang }, async ({ page }) => {
          const word = WORDS[lang].fixed;
          const prefix = word.slice(0, 3);
          let asked = 0, release, seen, answered;
          const held = new Promise((r) => { release = r; });
          const firstAsked = new Promise((r) => { seen = r; });
          const staleAnswered = new Promise((r) => { answered = r; });
          await page.route('**/api/v1/suggest?*', async (route) => {
            const q = new URL(route.request().url()).searchParams.get('q');
            if (q !== prefix || ++asked > 1) return route.continue();
            seen();
            await held;
            await route.fulfill({ status: 200, contentType: 'application/json',
              body: JSON.stringify({ suggestions: [{ title: 'STALE', url: `/${lang}/articles/stale`, lang }] }) });
            answered();
          });
          await page.goto(`/${lang}/`);
          await tabTo(page, '#site-search');
          const list = page.locator('.site-header .suggest-list');
          await page.keyboard.type(prefix);
          await firstAsked;  // after the 150 ms pause: the first request is out, and held
          await page.keyboard.type(word[3]);
          await list.locator('a').first().waitFor();
          const again = page.waitForResponse((r) => r.url().includes('/api/v1/suggest') &&
            new URL(r.url()).searchParams.get('q') === prefix);
          await page.keyboard.press('Backspace');
          await again;  // the newest request, for the same prefix, answered
          await page.waitForFunction(() => document.querySelector('.site-header .suggest-list a'));
          await page.keyboard.press('ArrowDown');
          const before = await focused(page);
          assert.equal(before.tag, 'a');
          release();
          await staleAnswered;
          await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));  // the answer's callbacks have run
          const after = await focused(page);
          assert.equal(after.tag, 'a', 'the focus stays on the suggestion');
          assert.equal(after.href, before.href);
          assert.equal(await list.locator('a', { hasText: 'STALE' }).count(), 0, 'the older answer is not drawn');
        });
      });
    }
  });
}
