// axe-core on every page type in both languages, failing on any WCAG 2.0/2.1 A or AA violation, and the
// language of each page and of the text in the other language.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { LANGS, PEOPLE, htmlLang, session, withContext } from '../lib/browser.mjs';
import { AXE_VERSION, axeViolations, formatViolations } from '../lib/axe.mjs';
import { T } from '../lib/catalog.mjs';
import { WORDS } from './journeys.mjs';

const SUBJECT = { fr: 'Le disque de sauvegarde n\'est plus reconnu', en: 'The backup drive is not recognised any more' };
const BODY = {
  fr: 'Depuis la mise à jour de vendredi, l\'ordinateur du bureau ne voit plus le disque externe.\n\n*Rien* dans le gestionnaire de fichiers.',
  en: 'Since Friday\'s update the office computer no longer sees the external drive.\n\n*Nothing* shows in the file manager.',
};

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


// One SQL statement on the server's database (run.sh exports ENTRAIDE_DATA_DIR), through Python's sqlite3 module:
// the tests' way to make states the site has no button for (a failed email, a digest's take link).
function sql(statement) {
  const script = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nr = c.execute(sys.argv[2]).fetchall()\nc.commit()\nprint(r[0][0] if r else "")';
  return execFileSync('/usr/bin/python3', ['-c', script, `${process.env.ENTRAIDE_DATA_DIR}/entraide.db`, statement]).toString().trim();
}

// A ticket written by mail to the new-ticket address, taken by `entraide mail receive` as Postfix would pipe it;
// its confirmation link's token is then set to one the test knows (the real one only exists in the email).
function ticketByMail(lang) {
  const bin = process.env.ENTRAIDE_BIN || new URL('../../../build/entraide', import.meta.url).pathname;
  const raw = [
    'From: Marie Tremblay <marie@plateau.example>',
    'To: aide@reseau.example',
    `Subject: ${SUBJECT[lang]} (${lang})`,
    `Message-ID: <by-mail-${lang}-${randomBytes(6).toString('hex')}@plateau.example>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    BODY[lang],
    '',
  ].join('\r\n');
  execFileSync(bin, ['mail', 'receive'], {
    input: raw,
    env: { ...process.env, ENTRAIDE_MAIL_NEW_TICKET_ADDRESS: 'aide@reseau.example', ENTRAIDE_LOG_LEVEL: 'error' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const token = randomBytes(16).toString('hex');
  sql(`UPDATE mail_ticket_requests SET token_hash = '${createHash('sha256').update(token).digest('hex')}' ` +
      'WHERE rowid = (SELECT max(rowid) FROM mail_ticket_requests)');
  return token;
}

export function register() {
  describe(`accessibility: axe-core on every page type (WCAG 2.1 A and AA)`, () => {
    for (const lang of LANGS) {
      const w = WORDS[lang];
      test(`public pages (${lang}): home, library, category, tag, article, search, no results, sign-in, 404`, async () => {
        await withContext({ lang }, async ({ page }) => {
          const pages = [
            ['home', `/${lang}/`],
            ['article list', `/${lang}/articles`],
            ['category', `/${lang}/categories/${lang === 'fr' ? 'securite' : 'security'}`],
            ['tag', null],
            ['article', `/${lang}/articles/${w.slug}`],
            // tests/browser/content: a table wider than the screen (issue #21, scrollable-region-focusable).
            ['article with a wide table', `/${lang}/articles/${lang === 'fr' ? 'outils-agenda-compares' : 'calendar-tools-compared'}`],
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

      test(`email pages (${lang}): failed emails (coordinator), a digest's take link and a link that is not valid`, async () => {
        sql(`INSERT INTO outbox (kind, recipient_email, recipient_name, lang, status, attempts, last_error, created_at, subject)
             VALUES ('ticket_reply', 'gone-${lang}@example.org', 'Parti', '${lang}', 'failed', 9, '550 5.1.1 <gone@example.org>: no such user',
                     strftime('%s', 'now') - 200000, 'ENT-2026-0001')`);
        await withContext({ lang, storageState: await session('coordinator', lang) }, async ({ page }) => {
          const resp = await page.goto(`/${lang}/admin/mail`);
          assert.equal(resp.status(), 200);
          assert.equal(await page.locator('tbody tr').count() > 0, true, 'the failed email is listed');
          await audit(page, 'failed emails', lang);
        });
        const token = randomBytes(32).toString('hex');
        const ticket = sql("SELECT id FROM tickets ORDER BY id LIMIT 1");
        assert.ok(ticket, 'the journeys opened tickets');
        sql(`INSERT INTO take_links (token_hash, user_id, ticket_id, created_at, expires_at)
             VALUES ('${createHash('sha256').update(token).digest('hex')}',
                     (SELECT id FROM users WHERE email = '${PEOPLE.volunteer[lang].email}'), ${ticket},
                     strftime('%s', 'now'), strftime('%s', 'now') + 3600)`);
        await withContext({ lang }, async ({ page }) => {
          let resp = await page.goto(`/${lang}/take/${token}`);  // not signed in: a page with one button
          assert.ok([200, 409].includes(resp.status()), `take link: ${resp.status()}`);
          await audit(page, 'take link', lang);
          resp = await page.goto(`/${lang}/take/${'0'.repeat(64)}`);
          assert.equal(resp.status(), 404);
          await audit(page, 'take link not valid', lang);
        });
      });

      test(`administration pages (${lang}): overview, people and a search, a person with groups to add, groups, a group`, async () => {
        const member = PEOPLE.member[lang];
        const otherGroup = PEOPLE.member[lang === 'fr' ? 'en' : 'fr'].group;
        const word = otherGroup.split(/[ -]/)[0];  // "Pointe" or "Épicerie": found with or without its accent
        const coordinator = await session('coordinator', lang);
        let personUrl = '';
        await withContext({ lang, storageState: coordinator }, async ({ page }) => {
          for (const [name, url] of [['admin', `/${lang}/admin`], ['admin people', `/${lang}/admin/people`],
            ['admin groups', `/${lang}/admin/groups`]]) {
            const resp = await page.goto(url);
            assert.equal(resp.status(), 200, url);
            await audit(page, name, lang);
          }
          await page.goto(`/${lang}/admin/people?q=${encodeURIComponent(member.email)}`);
          assert.equal(await page.locator('tbody tr').count(), 1, 'the search finds the member');
          await audit(page, 'admin people search', lang);
          await Promise.all([page.waitForNavigation(), page.locator('tbody a').first().click()]);
          personUrl = new URL(page.url()).pathname;
          // As you type, the groups to add appear without leaving the page.
          await page.locator('#group-q').pressSequentially(word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(), { delay: 20 });
          await page.locator('#join-results button[name=add]').first().waitFor();
          assert.equal(new URL(page.url()).pathname, personUrl);
          await audit(page, 'admin person with groups to add', lang);
          await page.goto(`/${lang}/admin/groups`);
          await Promise.all([page.waitForNavigation(), page.locator('tbody a', { hasText: member.group }).click()]);
          assert.ok(await page.locator('tbody tr', { hasText: member.name }).count() > 0, 'the group lists its member');
          await audit(page, 'admin group', lang);
        });
        // Without JavaScript: the search is a GET of the page, and the buttons are forms.
        await withContext({ lang, js: false, storageState: coordinator }, async ({ page }) => {
          await page.goto(personUrl);
          await page.fill('#group-q', word);
          await Promise.all([page.waitForNavigation(), page.press('#group-q', 'Enter')]);
          const add = page.locator('#join-results button[name=add]').first();
          await Promise.all([page.waitForNavigation(), add.click()]);
          const remove = page.locator('button[name=remove]', { hasText: otherGroup });
          assert.equal(await remove.count(), 1, 'the group was added');
          await Promise.all([page.waitForNavigation(), remove.click()]);  // as it was, for the suites after this one
          assert.equal(await page.locator('button[name=remove]', { hasText: otherGroup }).count(), 0);
        });
      });

      test(`a ticket written in the other language is marked as such (${lang})`, async () => {
        const o = lang === 'fr' ? 'en' : 'fr';
        await withContext({ lang, storageState: await session('volunteer', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/queue?status=resolved&ticket_lang=${o}`);  // the journeys resolved theirs
          const cell = page.locator('tbody td[lang]').first();
          assert.equal(await cell.getAttribute('lang'), o, 'the subject in the queue');
          await Promise.all([page.waitForNavigation(), cell.locator('a').click()]);
          assert.equal(await page.getAttribute('h1 .subject', 'lang'), o, 'the subject on the ticket page');
          assert.equal(await page.getAttribute('.event-message .prose', 'lang'), o, 'the description');
          await checkLang(page, lang);
        });
      });

      test(`help desk pages (${lang}): ticket form with errors, ticket, list, queue, account`, async () => {
        let ticketUrl = '';
        await withContext({ lang, storageState: await session('member', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/tickets/new`);
          await audit(page, 'ticket form', lang);
          await page.locator('#subject').pressSequentially(w.fixed, { delay: 20 });
          await page.locator('#subject-suggestions a').first().waitFor();
          await audit(page, 'ticket form with suggested articles', lang);
          // Spaces pass the browser's "required" check and are refused by the server.
          await page.fill('#subject', '   ');
          await page.fill('#body', 'Test');
          await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
          assert.equal(await page.locator('.notice-error').count(), 1, 'the error is shown');
          const message = (await page.locator('.notice-error').innerText()).trim();
          assert.equal(message, T[lang].error_subject_required, 'the error is in the page\'s language');
          assert.equal(await page.getAttribute('#subject', 'aria-invalid'), 'true', 'the field in error is marked');
          await audit(page, 'ticket form with errors', lang);

          await page.fill('#subject', SUBJECT[lang]);
          await page.fill('#body', BODY[lang]);
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
          await page.goto(`/${lang}/account/email`);
          assert.equal(await page.locator('#new_ticket_alerts').count(), 1, 'volunteers choose their new-ticket alerts');
          await audit(page, 'email preferences (volunteer)', lang);
        });
      });

      test(`a ticket written by mail (${lang}): its confirmation page and the page that follows, by keyboard`, async () => {
        const token = ticketByMail(lang);
        await withContext({ lang }, async ({ page }) => {
          await page.goto(`/${lang}/tickets/by-mail/${token}`);
          assert.match(await page.locator('h1').innerText(), new RegExp(T[lang].by_mail_title));
          await audit(page, 'ticket by mail: confirmation', lang);
          // The only control is the button: reached with Tab, pressed with Enter.
          const button = page.locator('main form button[type=submit]');
          for (let i = 0; i < 40 && !(await button.evaluate((b) => b === document.activeElement)); ++i)
            await page.keyboard.press('Tab');
          assert.ok(await button.evaluate((b) => b === document.activeElement), 'the button takes the focus');
          await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
          assert.ok((await page.locator('main').innerText()).includes(T[lang].by_mail_done.replace(/ ?:$/, '')));
          await audit(page, 'ticket by mail: opened', lang);
        });
      });
    }
  });
}
