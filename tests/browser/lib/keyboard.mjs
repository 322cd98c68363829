// Keyboard-only driving: Tab until the wanted element has the focus, checking at every stop that the
// focus is visible (an outline of at least 2 px, or a box shadow).
import assert from 'node:assert/strict';

// Describes the focused element and whether its focus indicator shows.
function focusState() {
  const el = document.activeElement;
  if (!el || el === document.body) return { none: true };
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  const label = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '').trim().slice(0, 40);
  return {
    none: false,
    tag: el.tagName.toLowerCase(),
    id: el.id,
    label,
    visible: outline || shadow,
    onScreen: r.width > 0 && r.height > 0,
  };
}

// Presses Tab (Shift+Tab with `back`) until the element matching the CSS `selector` (and containing
// `text`, when given) has the focus. Returns the stops on the way, for tests that check the order.
export async function tabTo(page, selector, { text, max = 80, back = false } = {}) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const st = await page.evaluate(focusState);
    if (st.none) continue;
    stops.push(st);
    assert.ok(st.visible, `no visible focus on <${st.tag}${st.id ? ' id=' + st.id : ''}> "${st.label}" at ${page.url()}`);
    assert.ok(st.onScreen, `the focused <${st.tag}> "${st.label}" has no size at ${page.url()}`);
    const match = await page.evaluate(([sel, txt]) => {
      const el = document.activeElement;
      return el.matches(sel) && (!txt || (el.textContent || el.value || '').includes(txt));
    }, [selector, text || '']);
    if (match) return stops;
  }
  throw new Error(`Tab did not reach ${selector}${text ? ` ("${text}")` : ''} within ${max} presses at ${page.url()}`);
}

// Tab to an element and press Enter, waiting for the navigation it starts.
export async function activate(page, selector, opts = {}) {
  await tabTo(page, selector, opts);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

// Types into the focused field at a person's pace (so that as-you-type code sees each key).
export async function typeSlowly(page, text, delay = 25) {
  await page.keyboard.type(text, { delay });
}
