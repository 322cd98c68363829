// Screenshots of the main pages at desktop (1280 px) and phone (390 px) widths, into ENTRAIDE_SCREENSHOTS_DIR
// (run.sh: a folder under /tmp unless asked, so that tests never change a tracked file; docs/screenshots/ to
// refresh the README's; "off" skips them). English, the README's language.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, test } from 'node:test';
import { DESKTOP, PHONE, session, withContext } from '../lib/browser.mjs';

const DIR = process.env.ENTRAIDE_SCREENSHOTS_DIR || `${tmpdir()}/entraide-screenshots`;
const lang = 'en';

export function register() {
  const skip = DIR === 'off' ? 'ENTRAIDE_SCREENSHOTS_DIR=off' : false;
  describe('screenshots', { skip }, () => {
    test(`home, article, search results, ticket form, ticket and queue, at 1280 and 390 px, into ${DIR}`, async () => {
      mkdirSync(DIR, { recursive: true });
      // A ticket worth showing: a question, a public answer, a linked article.
      let ticketUrl = '';
      await withContext({ lang, storageState: await session('member', lang) }, async ({ page }) => {
        await page.goto(`/${lang}/tickets/new`);
        await page.fill('#subject', 'Our newsletter lands in spam folders');
        await page.fill('#body', 'Since we moved the newsletter to our own domain, many members tell us it goes to their spam folder.\n\nWe send about **300 emails** a month with the mailing list software on our host.');
        await page.selectOption('#category', 'email');
        await page.selectOption('#urgency', 'high');
        await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
        ticketUrl = new URL(page.url()).pathname;
      });
      await withContext({ lang, storageState: await session('volunteer', lang) }, async ({ page }) => {
        await page.goto(ticketUrl);
        await Promise.all([page.waitForNavigation(), page.click('form[action$="/claim"] button')]);
        await page.fill('#reply-body', 'Thanks for the details! Two things usually fix this:\n\n1. Add **SPF** and **DKIM** records for your domain (your host has a page for this).\n2. Send from an address at your own domain, not a free webmail address.\n\nThe guide below walks through both.');
        await Promise.all([page.waitForNavigation(), page.click('form[action$="/reply"] button[type=submit]')]);
        await page.fill('#article', 'mailing-lists');
        await Promise.all([page.waitForNavigation(), page.click('form[action$="/link"] button')]);
        assert.equal(await page.locator('#links-h').count(), 1, 'the linked article is shown');
      });
      const shots = [
        ['home', null, `/${lang}/`],
        ['article', null, `/${lang}/articles/backups-3-2-1`],
        ['search-results', null, `/${lang}/search?q=bakups`],
        ['ticket-form', 'member', `/${lang}/tickets/new`],
        ['ticket', 'member', ticketUrl],
        ['queue', 'volunteer', `/${lang}/queue`],
      ];
      for (const role of [null, 'member', 'volunteer']) {
        await withContext({ lang, viewport: DESKTOP, storageState: role ? await session(role, lang) : undefined }, async ({ page }) => {
          for (const [name, , url] of shots.filter((s) => s[1] === role)) {
            for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
              await page.setViewportSize(viewport);
              await page.goto(url);
              if (name === 'ticket-form') {
                await page.locator('#subject').pressSequentially('How do we test our backups', { delay: 10 });
                await page.locator('#subject-suggestions a').first().waitFor();
              }
              await page.screenshot({ path: `${DIR}/${name}-${size}.png`, animations: 'disabled', caret: 'hide' });
            }
          }
        });
      }
    });
  });
}
