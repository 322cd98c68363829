// The browser tests, in one process and one Chromium, in this order (later suites reuse the sessions the
// journeys opened through the sign-in form). Run by run.sh, which starts the server.
import { after, before } from 'node:test';
import { closeBrowser, launch } from './lib/browser.mjs';
import * as journeys from './suites/journeys.mjs';

before(async () => { await launch(); });
after(async () => { await closeBrowser(); });

journeys.register();
