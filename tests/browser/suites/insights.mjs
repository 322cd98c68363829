// Issue #19's pages: axe-core on the coordinators' dashboard, the saved replies (list and edit) and the article
// feedback form with its follow-up page (the comment, its error, the thanks), in both languages; and the saved
// reply offered on a ticket's reply form, with the keyboard (inserted at once by JavaScript, no page load) and
// without JavaScript (the form reloads the page with the text in the reply box), in the ticket's language.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGS, RUN, session, withContext } from '../lib/browser.mjs';
import { tabTo } from '../lib/keyboard.mjs';
import { audit } from './accessibility.mjs';
import { WORDS } from './journeys.mjs';

const REPLY = {
  title: { fr: `Redémarrer le routeur ${RUN}`, en: `Restart the router ${RUN}` },
  body: {
    fr: 'Bonjour,\n\nDébranchez le routeur 30 secondes, puis rebranchez-le.',
    en: 'Hello,\n\nUnplug the router for 30 seconds, then plug it back in.',
  },
};

// A ticket opened by the member of `lang` through the form (its language is the member's); returns its path.
async function openTicket(lang) {
  return withContext({ lang, storageState: await session('member', lang) }, async ({ page }) => {
    await page.goto(`/${lang}/tickets/new`);
    await page.fill('#subject', `${lang === 'fr' ? 'Internet coupé' : 'Internet down'} ${RUN}`);
    await page.fill('#body', lang === 'fr' ? 'Plus rien ne se charge.' : 'Nothing loads any more.');
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    const path = new URL(page.url()).pathname;
    assert.match(path, /\/tickets\/\d+$/);
    return path;
  });
}

export function register() {
  describe('insights (#19): dashboard, saved replies, article feedback', () => {
    let replyId = '';

    for (const lang of LANGS) {
      test(`dashboard (${lang}): axe on every period, charts with their tables`, async () => {
        await withContext({ lang, storageState: await session('coordinator', lang) }, async ({ page }) => {
          for (const weeks of [12, 4, 52]) {
            const resp = await page.goto(`/${lang}/admin/dashboard?weeks=${weeks}`);
            assert.equal(resp.status(), 200);
            assert.ok(await page.locator('svg.chart[role=img]').count() >= 5, 'the charts');
            assert.equal(await page.locator('svg.chart').count(),
              await page.locator('svg.chart[aria-labelledby]').count(), 'every chart is named');
            await audit(page, `dashboard, ${weeks} weeks`, lang);
          }
          // The period selector is a form that works with the keyboard.
          await page.goto(`/${lang}/admin/dashboard`);
          await tabTo(page, '#d-weeks');
          await page.selectOption('#d-weeks', '26');
          await tabTo(page, 'form.filters button[type=submit]');
          await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
          assert.match(page.url(), /weeks=26/);
        });
      });

      test(`saved replies (${lang}): the list, an error, the edit page`, async () => {
        await withContext({ lang, storageState: await session('volunteer', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/replies`);
          await audit(page, 'saved replies', lang);
          // The French text left empty (spaces pass "required"): the server names the field.
          await page.fill('#r-title-fr', REPLY.title.fr + (lang === 'en' ? ' (en)' : ''));
          await page.fill('#r-body-fr', '   ');
          await page.fill('#r-title-en', REPLY.title.en + (lang === 'en' ? ' (en)' : ''));
          await page.fill('#r-body-en', REPLY.body.en);
          await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
          assert.equal(await page.locator('.notice-error').count(), 1, 'the error is shown');
          assert.equal(await page.getAttribute('#r-body-fr', 'aria-invalid'), 'true');
          await audit(page, 'saved replies with an error', lang);
          await page.fill('#r-body-fr', REPLY.body.fr);
          await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
          const link = page.locator('.saved-replies a', { hasText: REPLY.title.fr + (lang === 'en' ? ' (en)' : '') });
          assert.equal(await link.count(), 1, 'the new reply is listed');
          await Promise.all([page.waitForNavigation(), link.click()]);
          const id = new URL(page.url()).pathname.split('/').pop();
          if (lang === 'fr') replyId = id;
          await audit(page, 'saved reply', lang);
        });
      });

      test(`article feedback (${lang}): No, then the comment page, its error and the thanks`, async () => {
        await withContext({ lang }, async ({ page }) => {
          await page.goto(`/${lang}/articles/${WORDS[lang].slug}`);
          const form = page.locator('form.feedback-form');
          assert.equal(await form.count(), 1, 'the question ends the article');
          await Promise.all([page.waitForNavigation(), form.locator('button[value=no]').click()]);
          assert.equal(await page.locator('#fb-comment').count(), 1, 'No asks for a comment');
          await audit(page, 'feedback: the comment', lang);
          // Over 500 characters (the box stops typing there; a script or an old browser may not).
          await page.$eval('#fb-comment', (el) => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(600); });
          await Promise.all([page.waitForNavigation(), page.click('main form.stack button[type=submit]')]);
          assert.equal(await page.locator('.notice-error').count(), 1);
          await audit(page, 'feedback: a comment too long', lang);
          await page.fill('#fb-comment', lang === 'fr' ? 'Il manque une capture d\'écran.' : 'A screenshot is missing.');
          await Promise.all([page.waitForNavigation(), page.click('main form.stack button[type=submit]')]);
          assert.equal(await page.locator('.notice-ok').count(), 1, 'thanks');
          await audit(page, 'feedback: thanks', lang);
        });
        // Without JavaScript: the same form, and Yes thanks at once.
        await withContext({ lang, js: false }, async ({ page }) => {
          await page.goto(`/${lang}/articles/${WORDS[lang].slug}`);
          await Promise.all([page.waitForNavigation(), page.click('form.feedback-form button[value=yes]')]);
          assert.equal(await page.locator('.notice-ok').count(), 1);
          assert.equal(await page.locator('#fb-comment').count(), 0, 'no comment asked after Yes');
        });
      });
    }

    for (const lang of LANGS) {
      test(`a saved reply goes into the reply box in the ticket's language (${lang} ticket): keyboard and JavaScript, then without JavaScript`, async () => {
        assert.ok(replyId, 'the saved replies test made one');
        // The volunteer of the other language, on the page in theirs: the text follows the ticket, not the reader.
        const reader = lang === 'fr' ? 'en' : 'fr';
        const ticket = (await openTicket(lang)).replace(`/${lang}/`, `/${reader}/`);
        const volunteer = await session('volunteer', reader);
        await withContext({ lang: reader, storageState: volunteer }, async ({ page }) => {
          await page.goto(ticket);
          await page.fill('#reply-body', '');
          await tabTo(page, '#saved-reply');
          await page.selectOption('#saved-reply', replyId);  // the select's own keys; no page load either way
          await tabTo(page, 'form.saved-reply-form button[type=submit]');
          const before = page.url();
          let loads = 0;
          page.on('framenavigated', (f) => { if (f === page.mainFrame()) loads++; });
          await page.keyboard.press('Enter');
          await page.waitForFunction(() => document.getElementById('reply-body').value.length > 0);
          assert.equal(loads, 0, 'inserted without loading a page');
          assert.equal(page.url(), before);
          assert.equal(await page.inputValue('#reply-body'), REPLY.body[lang]);
          assert.equal(await page.evaluate(() => document.activeElement.id), 'reply-body', 'the focus goes to the reply box');
          await audit(page, 'ticket with a saved reply inserted', reader);
        });
        await withContext({ lang: reader, js: false, storageState: volunteer }, async ({ page }) => {
          await page.goto(ticket);
          await page.selectOption('#saved-reply', replyId);
          await Promise.all([page.waitForNavigation(), page.click('form.saved-reply-form button[type=submit]')]);
          assert.match(page.url(), new RegExp(`saved_reply=${replyId}`));
          assert.equal(await page.inputValue('#reply-body'), REPLY.body[lang]);
        });
      });
    }
  });
}
