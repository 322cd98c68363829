// Light pages, no third parties, 320 px wide, printing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LANGS, open, record, session, withContext } from '../lib/browser.mjs';
import { WORDS } from './journeys.mjs';

export const weights = [];  // {name, lang, total, byType}: printed at the end of the run
const LIMIT = 60 * 1000;    // 60 KB transferred: HTML, CSS and JS, images aside

// Loads `url` in a fresh context (empty cache) and adds up what went over the wire, by kind.
async function weigh(url, lang, storageState) {
  return withContext({ lang, storageState }, async ({ page }) => {
    const requests = [];
    page.on('requestfinished', (r) => requests.push(r));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const byType = {};
    let total = 0;
    for (const r of requests) {
      const type = r.resourceType();
      const mime = (await r.response())?.headers()['content-type'] || '';
      if (type === 'image' || mime.startsWith('image/')) continue;  // images aside (the icon)
      const s = await r.sizes();
      const bytes = s.responseBodySize + s.responseHeadersSize + s.requestHeadersSize + s.requestBodySize;
      byType[type] = (byType[type] || 0) + bytes;
      total += bytes;
    }
    return { total, byType, count: requests.length };
  });
}

// Pages to check at 320 px, for one language.
async function pagesFor(lang) {
  return [
    ['home', `/${lang}/`, null],
    ['article list', `/${lang}/articles`, null],
    ['article', `/${lang}/articles/${WORDS[lang].slug}`, null],
    ['search results', `/${lang}/search?q=${WORDS[lang].typo}`, null],
    ['no results', `/${lang}/search?q=xqzwvk`, null],
    ['sign-in', `/${lang}/signin`, null],
    ['404', `/${lang}/no-such-page`, null],
    ['ticket form', `/${lang}/tickets/new`, 'member'],
    ['ticket list', `/${lang}/tickets`, 'member'],
    ['account', `/${lang}/account`, 'member'],
    ['queue', `/${lang}/queue`, 'volunteer'],
    ['administration', `/${lang}/admin`, 'coordinator'],
    ['admin people', `/${lang}/admin/people`, 'coordinator'],
    ['admin groups', `/${lang}/admin/groups`, 'coordinator'],
  ];
}

// Elements sticking out on the right, outside the boxes that scroll on purpose (tables, code).
const overflowing = () => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    if (el.closest('.table-wrap, pre, .prose table, .visually-hidden, .skip-link')) continue;
    out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> right edge at ${Math.round(r.right)}px`);
  }
  return { scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8) };
};

export function register() {
  describe('light pages', () => {
    for (const lang of LANGS) {
      test(`an article page under 60 KB in all (${lang})`, async () => {
        const w = await weigh(`/${lang}/articles/${WORDS[lang].slug}`, lang);
        weights.push({ name: 'article', lang, ...w });
        assert.ok(w.total < LIMIT, `article: ${w.total} bytes ${JSON.stringify(w.byType)}`);
      });
      test(`the queue page under 60 KB in all (${lang})`, async () => {
        const w = await weigh(`/${lang}/queue`, lang, await session('volunteer', lang));
        weights.push({ name: 'queue', lang, ...w });
        assert.ok(w.total < LIMIT, `queue: ${w.total} bytes ${JSON.stringify(w.byType)}`);
      });
    }
    test('the recorders see a request to another origin and a CSP violation (self-test)', async () => {
      // With the site's CSP: an inline script is refused and reported.
      const strict = await open({ quiet: true });
      try {
        await strict.page.goto('/fr/');
        await strict.page.evaluate(() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); });
        await strict.page.waitForTimeout(100);
        await assert.rejects(strict.assertClean(), /Content-Security-Policy/);
      } finally { await strict.close(); }
      // Without it (bypassed on purpose): an image from another origin (a loopback address that answers nothing).
      const loose = await open({ quiet: true, bypassCSP: true });
      try {
        await loose.page.goto('/fr/');
        await loose.page.evaluate(() => { const i = new Image(); i.src = 'http://127.0.0.2:9/pixel.png'; document.body.append(i); });
        await loose.page.waitForTimeout(300);
        await assert.rejects(loose.assertClean(), /another origin/);
      } finally { await loose.close(); }
    });
    test('no page asked another origin for anything, and the CSP was never violated', () => {
      assert.ok(record.requests > 20, `requests were recorded (${record.requests})`);
      assert.deepEqual(record.foreign, []);
      assert.deepEqual(record.csp, []);
      assert.deepEqual(record.pageErrors, []);
    });
  });

  describe('small screens and print', () => {
    for (const lang of LANGS) {
      test(`every page fits 320 px without sideways scrolling (${lang})`, async () => {
        const problems = [];
        for (const role of [null, 'member', 'volunteer']) {
          const pages = (await pagesFor(lang)).filter((p) => p[2] === role);
          await withContext({ lang, viewport: { width: 320, height: 640 }, storageState: role ? await session(role, lang) : undefined }, async ({ page }) => {
            const check = async (name, url) => {
              await page.goto(url);
              const r = await page.evaluate(overflowing);
              if (r.scroll > r.width || r.out.length) problems.push(`${name} (${url}): page ${r.scroll}px wide; ${r.out.join('; ')}`);
            };
            for (const [name, url] of pages) await check(name, url);
            // A ticket, as its group and as a volunteer (with the tools) see it.
            if (role) {
              await page.goto(role === 'member' ? `/${lang}/tickets` : `/${lang}/queue?status=`);
              const first = page.locator('tbody a').first();
              if (await first.count()) await check(`ticket (${role})`, await first.getAttribute('href'));
            }
          });
        }
        assert.deepEqual(problems, []);
      });

      test(`an article prints cleanly (${lang})`, async () => {
        await withContext({ lang }, async ({ page }) => {
          await page.goto(`/${lang}/articles/${WORDS[lang].slug}`);
          await page.emulateMedia({ media: 'print' });
          const s = await page.evaluate(() => {
            const shown = (sel) => [...document.querySelectorAll(sel)].some((el) => getComputedStyle(el).display !== 'none');
            const ext = document.querySelector('.prose a[href^="http"]');
            return {
              chrome: ['.site-header', '.site-footer', '.skip-link', '.article-toc', '.breadcrumb'].filter(shown),
              prose: shown('.prose'),
              background: getComputedStyle(document.body).backgroundColor,
              color: getComputedStyle(document.body).color,
              linkUrl: ext ? getComputedStyle(ext, '::after').content : 'none',
            };
          });
          assert.deepEqual(s.chrome, [], 'navigation, footer and table of contents are not printed');
          assert.ok(s.prose, 'the article is printed');
          assert.equal(s.background, 'rgb(255, 255, 255)');
          assert.equal(s.color, 'rgb(0, 0, 0)');
          assert.match(s.linkUrl, /http/, 'external links print their address');
          const pdf = await page.pdf({ format: 'Letter', printBackground: false });
          const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
          assert.ok(pages >= 1 && pages <= 12, `${pages} printed pages`);
          if (process.env.ENTRAIDE_BROWSER_TMP) writeFileSync(`${process.env.ENTRAIDE_BROWSER_TMP}/article-${lang}.pdf`, pdf);
        });
      });
    }
  });
}
