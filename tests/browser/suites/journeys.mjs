// The journeys of the issue, each in French and in English, each done twice: with JavaScript and the
// keyboard alone, and with JavaScript off and a pointer (forms post, pages render).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGS, PASSWORD, PEOPLE, RUN, htmlLang, other, saveSession, session, withContext } from '../lib/browser.mjs';
import { uiFor } from '../lib/ui.mjs';

const path = (page) => new URL(page.url()).pathname;
const text = (page, selector) => page.locator(selector).first().innerText();

export const WORDS = {
  fr: { typo: 'sauvegrades', fixed: 'sauvegardes', slug: 'sauvegardes-3-2-1', title: 'Sauvegardes : la règle 3-2-1',
        translation: { slug: 'backups-3-2-1', title: 'Backups: the 3-2-1 rule' } },
  en: { typo: 'bakups', fixed: 'backups', slug: 'backups-3-2-1', title: 'Backups: the 3-2-1 rule',
        translation: { slug: 'sauvegardes-3-2-1', title: 'Sauvegardes : la règle 3-2-1' } },
};

const TICKET = {
  fr: { subject: 'Nos sauvegardes du bureau ne fonctionnent plus', body: 'Depuis lundi, le disque externe affiche une erreur.\n\n- Nous avons redémarré\n- Le message est en pièce jointe',
        note: 'Note interne : le disque a sans doute lâché, vérifier la garantie.', reply: 'Bonjour! Essayez la restauration décrite dans le guide sur les sauvegardes, puis dites-nous si ça fonctionne.',
        file: 'message-erreur.txt' },
  en: { subject: 'Our office backups stopped working', body: 'Since Monday the external drive shows an error.\n\n- We restarted it\n- The message is attached',
        note: 'Internal note: the drive probably died, check the warranty.', reply: 'Hello! Try the restore described in the backups guide, then tell us whether it works.',
        file: 'error-message.txt' },
};

// A visitor opens the home page, switches language, searches with a misspelled word, follows the
// suggestion, reads an article and its translation.
async function visitor(lang, js) {
  const o = other(lang);
  const w = WORDS[lang];
  await withContext({ lang: o, js }, async ({ page }) => {
    const ui = uiFor(page, js);
    await page.goto('/');
    assert.equal(path(page), `/${o}/`, 'the home page in the browser\'s language');
    assert.equal(await htmlLang(page), o);
    await ui.go('a.lang-switch');
    assert.equal(path(page), `/${lang}/`);
    assert.equal(await htmlLang(page), lang);
    assert.equal(await page.getAttribute('a.lang-switch', 'lang'), o, 'the language switch is marked in its language');

    await ui.fill('#site-search', w.typo, { slowly: true });
    await ui.enter();
    assert.equal(path(page), `/${lang}/search`);
    const suggestion = page.locator('.did-you-mean a');
    assert.equal((await suggestion.innerText()).trim(), w.fixed, 'a "did you mean" for the misspelled word');
    await ui.go('.did-you-mean a');
    assert.equal(new URL(page.url()).searchParams.get('q'), w.fixed);
    assert.ok(await page.locator('.search-results .article-item').count() > 0, 'results for the corrected word');

    // Result links go through /{lang}/search/go, which counts the click and redirects to the article.
    await ui.go(`.search-results a.article-link[href$="to=${encodeURIComponent(`/${lang}/articles/${w.slug}`)}"]`);
    assert.equal(path(page), `/${lang}/articles/${w.slug}`);
    assert.ok((await text(page, 'h1')).startsWith(w.title));
    assert.ok(await page.locator('.prose p').count() > 3, 'the article has a body');
    const tr = `.translation a[hreflang="${o}"]`;
    assert.equal(await page.getAttribute(tr, 'lang'), o, 'the link to the translation is marked in its language');
    await ui.go(tr);
    assert.equal(path(page), `/${o}/articles/${w.translation.slug}`);
    assert.equal(await htmlLang(page), o);
    assert.ok((await text(page, 'h1')).startsWith(w.translation.title));
  });
}

async function signIn(page, ui, lang, person) {
  await ui.go(`.utility a[href="/${lang}/signin"]`);
  assert.equal(path(page), `/${lang}/signin`);
  await ui.fill('#email', person.email);
  await ui.fill('#password', PASSWORD);
  await ui.enter();
  assert.ok([`/${lang}/tickets`, `/${lang}/queue`].includes(path(page)), `signed in, on the queue or the help requests (${path(page)})`);
  assert.equal((await text(page, `.utility a[href="/${lang}/account"]`)).trim(), person.name);
}

// A member signs in, opens a ticket with an attachment, sees the suggested articles while typing, and
// finds the ticket in the group's list. Returns the ticket.
async function member(lang, js) {
  const person = PEOPLE.member[lang];
  const t = TICKET[lang];
  const subject = `${t.subject} (${RUN}${js ? 'k' : 'p'})`;
  return withContext({ lang, js }, async ({ page, context }) => {
    const ui = uiFor(page, js);
    await page.goto(`/${lang}/`);
    await signIn(page, ui, lang, person);
    if (js) saveSession('member', lang, await context.storageState());

    await ui.go(`.site-nav a[href="/${lang}/tickets"]`);
    assert.equal(path(page), `/${lang}/tickets`);
    await ui.go(`main a[href="/${lang}/tickets/new"]`);
    assert.equal(path(page), `/${lang}/tickets/new`);

    await ui.fill('#subject', subject, { slowly: true });
    if (js) {
      // Articles that may already answer, suggested while the subject is typed.
      const link = page.locator(`#subject-suggestions a[href="/${lang}/articles/${WORDS[lang].slug}"]`);
      await link.waitFor({ state: 'visible', timeout: 5000 });
      assert.ok((await link.innerText()).startsWith(WORDS[lang].title));
    }
    await ui.fill('#body', t.body);
    await ui.select('#category', 'data-backups');
    await ui.select('#urgency', 'high');
    await ui.files('#files', [{ name: t.file, mimeType: 'text/plain', buffer: Buffer.from('E: disk I/O error (sector 1234)\n') }]);
    await ui.submit('main form button[type=submit]');

    assert.match(path(page), new RegExp(`^/${lang}/tickets/\\d+$`), 'the new ticket\'s page');
    const id = Number(path(page).split('/').pop());
    const h1 = await text(page, 'h1');
    const ref = h1.match(/ENT-\d{4}-\d{4}/)?.[0];
    assert.ok(ref, `a reference in "${h1}"`);
    assert.ok(h1.includes(subject));
    assert.equal((await text(page, '.files a')).trim(), t.file, 'the attachment is listed');
    assert.ok((await text(page, '.event-message .prose')).includes(t.body.split('\n')[0]), 'the description is shown');
    assert.equal(await page.locator('.event-message .prose li').count(), 2, 'the description\'s Markdown is rendered');

    await ui.go(`.site-nav a[href="/${lang}/tickets"]`);
    const row = page.locator('tbody tr', { hasText: subject });
    assert.equal(await row.count(), 1, 'the ticket is in the group\'s list');
    assert.ok((await row.innerText()).includes(person.group));
    assert.ok((await row.innerText()).includes(ref));
    return { id, ref, subject, lang };
  });
}

// A volunteer signs in, filters the queue, claims the ticket, adds an internal note and a public reply,
// resolves it; the member then sees the reply and not the note.
async function volunteer(lang, js, ticket) {
  const person = PEOPLE.volunteer[lang];
  const t = TICKET[lang];
  await withContext({ lang, js }, async ({ page, context }) => {
    const ui = uiFor(page, js);
    await page.goto(`/${lang}/`);
    await signIn(page, ui, lang, person);
    if (js) saveSession('volunteer', lang, await context.storageState());

    await ui.go(`.site-nav a[href="/${lang}/queue"]`);
    assert.equal(path(page), `/${lang}/queue`);
    const groupId = await page.$eval('#f-group', (s, name) => [...s.options].find((o) => o.text === name)?.value,
      PEOPLE.member[lang].group);
    assert.ok(groupId, 'the member\'s group is a filter');
    await ui.select('#f-status', 'new');
    await ui.select('#f-urgency', 'high');
    await ui.select('#f-assignee', 'none');
    await ui.select('#f-group', groupId);
    await ui.select('#f-lang', lang);
    await ui.submit('form.filters button[type=submit]');
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('status'), 'new');
    assert.equal(q.get('group'), groupId);
    assert.equal(q.get('ticket_lang'), lang);
    const rows = page.locator('tbody tr');
    const n = await rows.count();
    assert.ok(n >= 1);
    for (let i = 0; i < n; i++) assert.ok((await rows.nth(i).innerText()).includes(PEOPLE.member[lang].group), 'filtered by group');
    await ui.go(`tbody a[href="/${lang}/tickets/${ticket.id}"]`);
    assert.equal(path(page), `/${lang}/tickets/${ticket.id}`);

    await ui.submit('form[action$="/claim"] button');
    assert.equal(await page.getAttribute('.status', 'class'), 'status status-in_progress', 'claiming makes it in progress');
    assert.ok((await text(page, 'main > p.meta')).includes(person.name), 'held by the volunteer');

    await ui.fill('#reply-body', t.note);
    await ui.radio('mode', 'internal');
    await ui.submit('form[action$="/reply"] button[type=submit]');
    assert.ok((await text(page, '.event-internal')).includes(t.note.slice(0, 20)), 'the note is shown to volunteers, marked internal');

    await ui.fill('#reply-body', t.reply);
    await ui.radio('mode', 'public');
    await ui.submit('form[action$="/reply"] button[type=submit]');

    await ui.select('#status', 'resolved');
    await ui.submit('form[action$="/status"] button');
    assert.equal(await page.getAttribute('.status', 'class'), 'status status-resolved');
  });

  // The member sees the reply and not the note.
  await withContext({ lang, js, storageState: await session('member', lang) }, async ({ page }) => {
    const ui = uiFor(page, js);
    await page.goto(`/${lang}/tickets`);
    await ui.go(`tbody a[href="/${lang}/tickets/${ticket.id}"]`);
    const main = await text(page, 'main');
    assert.ok(main.includes(t.reply.slice(0, 30)), 'the member sees the public reply');
    assert.ok(!main.includes(t.note.slice(0, 20)), 'the member does not see the internal note');
    assert.equal(await page.locator('.event-internal').count(), 0);
    assert.equal(await page.getAttribute('.status', 'class'), 'status status-resolved');
    assert.equal(await page.locator('form[action$="/helpful"]').count(), 1, 'the member is asked whether it helped');
  });
}

export function register() {
  for (const js of [true, false]) {
    const how = js ? 'keyboard only, JavaScript on' : 'JavaScript off';
    for (const lang of LANGS) {
      describe(`journeys (${lang}, ${how})`, () => {
        let ticket = null;
        test(`visitor: home, language switch, misspelled search, suggestion, article and translation`, () => visitor(lang, js));
        test(`member: signs in, opens a ticket with an attachment, finds it in the group's list`, async () => {
          ticket = await member(lang, js);
        });
        test(`volunteer: filters the queue, claims, notes, replies, resolves; the member sees the reply only`, async (t) => {
          if (!ticket) return t.skip('the member journey did not make a ticket');
          await volunteer(lang, js, ticket);
        });
      });
    }
  }
}
