// The browser tests, in one process and one Chromium, in this order (later suites reuse the sessions the
// journeys opened through the sign-in form, to stay under the sign-in rate limit). run.sh starts the
// server and sets ENTRAIDE_URL.
import { after, before } from 'node:test';
import { closeBrowser, launch, record } from './lib/browser.mjs';
import { AXE_VERSION } from './lib/axe.mjs';
import * as journeys from './suites/journeys.mjs';
import * as accessibility from './suites/accessibility.mjs';
import * as insights from './suites/insights.mjs';
import * as editorial from './suites/editorial.mjs';
import * as keyboard from './suites/keyboard.mjs';
import * as pages from './suites/pages.mjs';
import * as screenshots from './suites/screenshots.mjs';

before(async () => { await launch(); });
after(async () => {
  await closeBrowser();
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  const lines = ['', 'page weights (transferred, images aside):'];
  for (const w of pages.weights)
    lines.push(`  ${w.name} (${w.lang}): ${kb(w.total)} in ${w.count} requests — ${Object.entries(w.byType).map(([t, b]) => `${t} ${kb(b)}`).join(', ')}`);
  const checks = accessibility.axeReport;
  const bad = checks.filter((c) => c.violations > 0);
  lines.push(`axe-core ${AXE_VERSION} (WCAG 2.0/2.1 A and AA): ${checks.length} page checks, ${bad.length} with violations` +
    (bad.length ? `: ${bad.map((c) => `${c.page} (${c.lang})`).join(', ')}` : ''));
  lines.push(`requests recorded: ${record.requests}; to another origin: ${record.foreign.length}; CSP violations: ${record.csp.length}`);
  console.log(lines.join('\n'));
});

journeys.register();
accessibility.register();
insights.register();
editorial.register();
keyboard.register();
pages.register();
screenshots.register();
