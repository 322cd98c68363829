// One headless Chromium (the Debian package, never a download) for the whole run, and browser contexts
// that record what their pages do: every request (to check that none leaves the site's origin),
// Content-Security-Policy violations and uncaught script errors.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE = process.env.ENTRAIDE_URL || 'http://127.0.0.1:8080';
export const ORIGIN = new URL(BASE).origin;
export const PASSWORD = process.env.ENTRAIDE_PASSWORD || 'Horse battery staple 42!';
export const LANGS = ['fr', 'en'];
export const other = (lang) => (lang === 'fr' ? 'en' : 'fr');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

// The people created by run.sh.
export const PEOPLE = {
  member: { fr: { email: 'marie@plateau.example', name: 'Marie Tremblay', group: 'Épicerie solidaire du Plateau' },
            en: { email: 'sam@psc.example', name: 'Sam Wilson', group: "Pointe-Saint-Charles Tenants' Association" } },
  volunteer: { fr: { email: 'julie@entraide.example', name: 'Julie Gagnon' },
               en: { email: 'alex@entraide.example', name: 'Alex Chen' } },
  coordinator: { fr: { email: 'helene@entraide.example', name: 'Hélène Roy' },
                 en: { email: 'jordan@entraide.example', name: 'Jordan Lee' } },
};

let browser = null;

export async function launch() {
  if (browser) return browser;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Playwright gives every launch a fresh profile (--user-data-dir in a temp folder).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
      '--no-default-browser-check', '--disable-domain-reliability', '--metrics-recording-only'],
  });
  return browser;
}

export async function closeBrowser() {
  if (browser) await browser.close();
  browser = null;
}

// Everything the pages of every context did, for the run's summary.
export const record = { requests: 0, foreign: [], csp: [], pageErrors: [] };

// Records in the page, before any of its scripts: CSP violations are reported to the console too,
// but the event also catches those the console would word differently.
const INIT = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});`;

// A new context: { context, page, seen, assertClean(), close() }. Options: lang (Accept-Language and
// locale), js (default true), viewport, storageState (a signed-in session saved earlier).
// bypassCSP and quiet (not counted in the run's record) are for the recorders' own self-test.
export async function open({ lang = 'fr', js = true, viewport = DESKTOP, storageState, reducedMotion = 'reduce',
  bypassCSP = false, quiet = false } = {}) {
  const b = await launch();
  const context = await b.newContext({
    baseURL: BASE,
    javaScriptEnabled: js,
    viewport,
    locale: lang === 'fr' ? 'fr-CA' : 'en-CA',
    extraHTTPHeaders: { 'Accept-Language': lang === 'fr' ? 'fr-CA,fr;q=0.9' : 'en-CA,en;q=0.9' },
    storageState,
    reducedMotion,
    serviceWorkers: 'block',
    bypassCSP,
  });
  const run = quiet ? { requests: 0, foreign: [], csp: [], pageErrors: [] } : record;
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const seen = { foreign: [], csp: [], pageErrors: [], consoleErrors: [] };
  context.on('request', (req) => {
    run.requests++;
    const url = req.url();
    if (/^(data|blob|about):/.test(url)) return;
    let origin = '';
    try { origin = new URL(url).origin; } catch { /* keep '' */ }
    if (origin !== ORIGIN) { seen.foreign.push(url); run.foreign.push(url); }
  });
  const watched = new WeakSet();
  const watch = (page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('console', (msg) => {
      const text = msg.text();
      if (/Content[ -]Security[ -]Policy/i.test(text)) { seen.csp.push(text); run.csp.push(text); }
      else if (msg.type() === 'error') seen.consoleErrors.push(text);
    });
    page.on('pageerror', (err) => { seen.pageErrors.push(String(err)); run.pageErrors.push(String(err)); });
  };
  context.on('page', watch);
  if (js) await context.addInitScript(INIT);
  const page = await context.newPage();
  watch(page);
  // Chromium reports every CSP violation to the console (caught above, on every page the context saw);
  // the in-page event log of the pages still open is read too, in case a message is worded differently.
  const pageCsp = async (p) => {
    if (!js || p.isClosed()) return [];
    try { return await p.evaluate(() => window.__csp || []); } catch { return []; }
  };
  return {
    context,
    page,
    seen,
    // Fails when a page asked another origin for anything, broke the CSP or threw.
    async assertClean() {
      for (const p of context.pages()) for (const v of await pageCsp(p)) if (!seen.csp.includes(v)) seen.csp.push(v);
      assert.deepEqual(seen.foreign, [], 'requests to another origin');
      assert.deepEqual(seen.csp, [], 'Content-Security-Policy violations');
      assert.deepEqual(seen.pageErrors, [], 'uncaught script errors');
    },
    async close() { await context.close(); },
  };
}

// Runs fn(ctx) in a fresh context, checks that it stayed clean, and closes it whatever happened.
export async function withContext(options, fn) {
  const ctx = await open(options);
  try {
    const result = await fn(ctx);
    await ctx.assertClean();
    return result;
  } finally {
    await ctx.close();
  }
}

// Sessions saved by the journeys (their sign-in went through the form), reused by later tests so that
// the run stays under the sign-in rate limit (10 a minute per address).
const sessions = new Map();
export function saveSession(role, lang, state) { sessions.set(`${role}:${lang}`, state); }

// A saved session, or a new one through the sign-in form (when the journey that makes it did not run).
export async function session(role, lang) {
  const key = `${role}:${lang}`;
  if (sessions.has(key)) return sessions.get(key);
  const person = PEOPLE[role][lang];
  const state = await withContext({ lang }, async ({ page, context }) => {
    await page.goto(`/${lang}/signin`);
    await page.fill('#email', person.email);
    await page.fill('#password', PASSWORD);
    // Volunteers land on the queue, members on their help requests.
    await Promise.all([page.waitForURL((u) => /\/(queue|tickets)$/.test(u.pathname)), page.click('form.stack button[type=submit]')]);
    return context.storageState();
  });
  sessions.set(key, state);
  return state;
}

// The page's <html lang>.
export const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);

// A unique word for this run, so that tickets of one run are easy to find.
export const RUN = Date.now().toString(36).slice(-5);
