// Two ways of using the site, with the same verbs, so that each journey runs both ways:
//  - keyboard: Tab to each control (checking visible focus at every stop), type, Enter/Space/arrows;
//  - pointer: click and fill, as most people do (used with JavaScript off).
import assert from 'node:assert/strict';
import { tabTo } from './keyboard.mjs';

async function navigating(page, action) {
  await Promise.all([page.waitForNavigation(), action()]);
}

export function keyboardUI(page) {
  // Playwright intercepts file choosers only while a 'filechooser' listener exists, and turning that on is an
  // asynchronous call to the browser: a listener added just before pressing Space can lose the race, and the
  // chooser then opens natively (nothing, headless). One listener from the start keeps interception on.
  page.on('filechooser', () => {});
  return {
    mode: 'keyboard',
    // Follows a link or presses a button that loads a page.
    async go(selector, opts = {}) {
      await tabTo(page, selector, { max: 150, ...opts });
      await navigating(page, () => page.keyboard.press('Enter'));
    },
    async focus(selector, opts = {}) { await tabTo(page, selector, { max: 150, ...opts }); },
    async fill(selector, text, { slowly = false } = {}) {
      await tabTo(page, selector, { max: 150 });
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      if (slowly) await page.keyboard.type(text, { delay: 30 });
      else await page.keyboard.insertText(text);
    },
    // A closed <select>: Home, then ArrowDown until the option with this value is chosen.
    async select(selector, value) {
      await tabTo(page, selector, { max: 150 });
      await page.keyboard.press('Home');
      for (let i = 0; i < 40; i++) {
        if ((await page.$eval(selector, (s) => s.value)) === value) return;
        await page.keyboard.press('ArrowDown');
      }
      assert.fail(`could not choose ${value} in ${selector} with the arrow keys`);
    },
    // A radio group: Tab lands on the checked radio; arrows move the choice.
    async radio(name, value) {
      await tabTo(page, `input[type=radio][name="${name}"]`, { max: 150 });
      for (let i = 0; i < 10; i++) {
        if (await page.$eval(`input[type=radio][name="${name}"][value="${value}"]`, (r) => r.checked)) return;
        await page.keyboard.press('ArrowDown');
      }
      assert.fail(`could not choose ${name}=${value} with the arrow keys`);
    },
    // A file input: Space opens the chooser, which the test answers.
    async files(selector, files) {
      await tabTo(page, selector, { max: 150 });
      const focused = await page.evaluate((sel) => document.activeElement === document.querySelector(sel), selector);
      assert.ok(focused, `${selector} should have the focus before Space opens its chooser`);
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles(files);
    },
    async submit(selector, opts = {}) { await this.go(selector, opts); },
    // Enter in a text field sends its form.
    async enter() { await navigating(page, () => page.keyboard.press('Enter')); },
  };
}

export function pointerUI(page) {
  return {
    mode: 'pointer',
    async go(selector, { text } = {}) {
      const target = text ? page.locator(selector, { hasText: text }).first() : page.locator(selector).first();
      await navigating(page, () => target.click());
    },
    async focus(selector) { await page.locator(selector).first().focus(); },
    async fill(selector, text) { await page.fill(selector, text); },
    async select(selector, value) { await page.selectOption(selector, value); },
    async radio(name, value) { await page.check(`input[type=radio][name="${name}"][value="${value}"]`); },
    async files(selector, files) { await page.setInputFiles(selector, files); },
    async submit(selector, opts = {}) { await this.go(selector, opts); },
    async enter() { await navigating(page, () => page.keyboard.press('Enter')); },
  };
}

export const uiFor = (page, js) => (js ? keyboardUI(page) : pointerUI(page));
