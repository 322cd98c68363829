// Issue #18's pages: axe-core on the library's editor (new, edit, with an error, the preview, beside a source),
// an article's history, a comparison, one version, the review queue and the translations to do, in both
// languages; the keyboard: Tab through the editor to Publish, Enter, land on the published article; and the live
// preview (editor.js) following the text as it is typed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGS, RUN, other, session, withContext } from '../lib/browser.mjs';
import { tabTo } from '../lib/keyboard.mjs';
import { audit } from './accessibility.mjs';

const TEXT = {
  fr: { title: `Nettoyer le clavier ${RUN}`, body: 'Éteignez l’ordinateur.\n\nPassez un **chiffon doux**.', change: 'Gras' },
  en: { title: `Clean the keyboard ${RUN}`, body: 'Turn the computer off.\n\nWipe it with a **soft cloth**.', change: 'Bold' },
};
const slugOf = (lang) => `${lang === 'fr' ? 'nettoyer-le-clavier' : 'clean-the-keyboard'}-${RUN}`;

export function register() {
  describe('editorial (#18): the editor, history, comparison, review, translations', () => {
    for (const lang of LANGS) {
      test(`the editor with the keyboard to Publish, the live preview, axe (${lang})`, async () => {
        await withContext({ lang, storageState: await session('coordinator', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/articles/new`);
          await audit(page, 'editor, new article', lang);
          // An error beside its field (the address is not a slug), the text kept.
          await page.fill('#ed-title', TEXT[lang].title);
          await page.fill('#ed-slug', 'Pas Un Slug');
          await page.fill('#ed-body', TEXT[lang].body);
          await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
          assert.equal(await page.getAttribute('#ed-slug', 'aria-invalid'), 'true');
          assert.equal(await page.inputValue('#ed-body'), TEXT[lang].body, 'the text is kept');
          await audit(page, 'editor with an error', lang);
          // The live preview follows the text.
          await page.fill('#ed-slug', slugOf(lang));
          await page.click('#ed-body');
          await page.keyboard.press('End');
          await page.keyboard.type(` ${RUN}live`);
          await page.waitForFunction((w) => document.querySelector('#editor-preview').textContent.includes(w), `${RUN}live`);
          assert.ok(await page.locator('#editor-preview strong').count() >= 1, 'Markdown rendered by the server');
          await audit(page, 'editor with the live preview', lang);
          // Keyboard only: from the body, Tab to Publish, Enter, land on the published article.
          await page.focus('#ed-body');
          await tabTo(page, 'button[value=publish]');
          await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
          assert.equal(new URL(page.url()).pathname, `/${lang}/articles/${slugOf(lang)}`);
          assert.equal(await page.locator('h1', { hasText: TEXT[lang].title }).count(), 1);
          // Edit it again, then its history, a comparison and one version.
          await page.click('a[href$="/edit"]');
          await audit(page, 'editor, existing article', lang);
          await page.fill('#ed-body', TEXT[lang].body.replace(/doux|soft/, lang === 'fr' ? 'sec' : 'dry'));
          await page.fill('#ed-change', TEXT[lang].change);
          await Promise.all([page.waitForNavigation(), page.click('button[value=publish]')]);
          await page.goto(`/${lang}/articles/${slugOf(lang)}/history`);
          await audit(page, 'history', lang);
          await Promise.all([page.waitForNavigation(), page.click('form[action$="/compare"] button[type=submit]:not([form])')]);
          assert.ok(await page.locator('pre.diff del').count() >= 1 && await page.locator('pre.diff ins').count() >= 1);
          await audit(page, 'comparison', lang);
          await page.click('dl.compare-heads a >> nth=0');
          await audit(page, 'one version', lang);
        });
      });

      test(`review and translations, the editor beside its source (${lang})`, async () => {
        // A volunteer's proposal waits for review.
        await withContext({ lang, storageState: await session('volunteer', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/articles/${slugOf(lang)}/edit`);
          await page.fill('#ed-body', `${TEXT[lang].body} ${RUN}proposal`);
          await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
          assert.match(page.url(), /\/history\?saved=1$/);
        });
        await withContext({ lang, storageState: await session('coordinator', lang) }, async ({ page }) => {
          await page.goto(`/${lang}/review`);
          assert.ok(await page.locator('.review-item', { hasText: TEXT[lang].title }).count() >= 1);
          await audit(page, 'review', lang);
          await page.goto(`/${lang}/translations`);
          await audit(page, 'translations', lang);
          const link = page.locator(`a[href*="translate=${lang}/${slugOf(lang)}"]`);
          assert.equal(await link.count(), 1, 'the new article waits for its translation');
          await Promise.all([page.waitForNavigation(), link.click()]);
          assert.equal(new URL(page.url()).pathname, `/${other(lang)}/articles/new`);
          assert.equal(await page.locator('.editor-beside pre.source').count(), 1, 'the source beside');
          await audit(page, 'editor beside its source', other(lang));
        });
      });
    }
  });
}
