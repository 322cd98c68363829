// axe-core on every page type in both languages, failing on any WCAG 2.0/2.1 A or AA violation, and the
// language of each page and of the text in the other language.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGS, RUN, htmlLang, other, session, withContext } from '../lib/browser.mjs';
import { AXE_VERSION, axeViolations, formatViolations } from '../lib/axe.mjs';
import { T } from '../lib/catalog.mjs';
import { WORDS } from './journeys.mjs';

export const axeReport = [];  // {page, lang, violations, passes}: printed at the end of the run

// Fails on any violation; also checks the lang attributes.
export async function audit(page, name, lang) {
  const { violations, passes } = await axeViolations(page);
  axeReport.push({ page: name, lang, violations: violations.length, passes });
  assert.equal(violations.length, 0, `axe ${AXE_VERSION} on ${name} (${lang}) ${page.url()}:\n  ${formatViolations(violations)}`);
  await checkLang(page, lang);
}

// <html lang> is the page's language; links and options in the other language say so.
export async function checkLang(page, lang) {
  assert.equal(await htmlLang(page), lang, `<html lang> on ${page.url()}`);
  const wrong = await page.evaluate((pageLang) => {
    const bad = [];
    const langOf = (el) => el.closest('[lang]')?.getAttribute('lang');
    for (const el of document.querySelectorAll('body [hreflang]'))
      if (langOf(el) !== el.getAttribute('hreflang')) bad.push(`${el.outerHTML.slice(0, 120)} is not marked lang="${el.getAttribute('hreflang')}"`);
    const names = { Français: 'fr', English: 'en' };
    for (const el of document.querySelectorAll('body option, body a'))
      if (names[el.textContent.trim()] && langOf(el) !== names[el.textContent.trim()]) bad.push(`"${el.textContent.trim()}" is not marked lang="${names[el.textContent.trim()]}"`);
    for (const el of document.querySelectorAll('[lang]'))
      if (!['fr', 'en'].includes(el.getAttribute('lang'))) bad.push(`lang="${el.getAttribute('lang')}" on <${el.tagName.toLowerCase()}>`);
    return bad;
  }, lang);
  assert.deepEqual(wrong, [], `language marks on ${page.url()}`);
}

const anon = (path) => async (page, lang) => { await page.goto(path(lang)); };

export function register() {
  describe(`accessibility: axe-core on every page type (WCAG 2.1 A and AA)`, () => {
    for (const lang of LANGS) {
      const w = WORDS[lang];
      test(`public pages (${lang}): home, library, category, tag, article, search, no results, sign-in, 404`, async () => {
        await withContext({ lang }, async ({ page }) => {
          const pages = [
            ['home', `/${lang}/`],
            ['article list', `/${lang}/articles`],
            ['category', `/${lang}/categories/security`],
            ['tag', null],
            ['article', `/${lang}/articles/${w.slug}`],
            ['search results', `/${lang}/search?q=${w.typo}`],
            ['search with filters', `/${lang}/search?q=${w.fixed}&category=security`],
            ['no results', `/${lang}/search?q=xqzwvk`],
            ['sign-in', `/${lang}/signin`],
            ['404', `/${lang}/no-such-page`],
          ];
          for (let [name, url] of pages) {
            if (name === 'tag') {
              await page.goto(`/${lang}/articles/${w.slug}`);
              url = await page.getAttribute('.tags-line a.tag', 'href');
            }
            const resp = await page.goto(url);
            if (name === '404') assert.equal(resp.status(), 404);
            else assert.equal(resp.status(), 200, url);
            await audit(page, name, lang);
          }
          // The search box with its suggestions open.
          await page.goto(`/${lang}/`);
          await page.locator('#site-search').pressSequentially(w.fixed.slice(0, 6), { delay: 20 });
          await page.locator('.site-header .suggest-list a').first().waitFor();
          await audit(page, 'home with suggestions', lang);
        });
      });

      test(`help desk pages (${lang}): ticket form with errors, ticket, list, queue, account`, async () => {
        let ticketUrl = '';
        await withContext({ lang, storageState: await session('member', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/tickets/new`);
          await audit(page, 'ticket form', lang);
          // Spaces pass the browser's "required" check and are refused by the server.
          await page.fill('#subject', '   ');
          await page.fill('#body', 'Test');
          await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
          assert.equal(await page.locator('.notice-error').count(), 1, 'the error is shown');
          const message = (await page.locator('.notice-error').innerText()).trim();
          assert.equal(message, T[lang].error_subject_required, 'the error is in the page\'s language');
          assert.equal(await page.getAttribute('#subject', 'aria-invalid'), 'true', 'the field in error is marked');
          await audit(page, 'ticket form with errors', lang);

          await page.fill('#subject', `${w.fixed} — axe ${RUN}`);
          await page.fill('#body', 'Une description.\n\n*Deux* lignes.');
          await page.setInputFiles('#files', { name: 'capture.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
          await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
          ticketUrl = new URL(page.url()).pathname;
          assert.match(ticketUrl, /\/tickets\/\d+$/);
          await audit(page, 'ticket (member)', lang);
          await page.goto(`/${lang}/tickets`);
          await audit(page, 'ticket list', lang);
          await page.goto(`/${lang}/account`);
          await audit(page, 'account', lang);
        });
        await withContext({ lang, storageState: await session('volunteer', lang) }, async ({ page }) => {
          await page.goto(ticketUrl);
          await audit(page, 'ticket (volunteer)', lang);
          await page.goto(`/${lang}/queue`);
          await audit(page, 'queue', lang);
          await page.goto(`/${lang}/queue?status=closed`);
          await audit(page, 'empty queue', lang);
        });
      });
    }
  });
}
