// Progressive enhancement only: every page works without this file.
// Suggestions as you type, for inputs marked data-suggest="<lang>":
//  - search boxes: matching titles (/api/v1/suggest) in a list of links under the box; ArrowDown
//    moves into the list, ArrowUp/ArrowDown move in it, Escape closes it; with data-suggest-fill, choosing
//    one puts its address in the box (the article linked to a ticket) instead of opening it;
//  - data-suggest-into="<id>" (the help request's subject): the articles and answered questions that
//    may already answer (/api/v1/search), shown in that element, a polite live region, under the
//    heading in its data-heading.
// Search boxes that refresh part of their own page as you type, for inputs marked data-live-results="<id>"
// (the groups offered on a person's administration page): the form's GET is fetched and that element of the
// answer replaces this page's; without JavaScript, submitting the form shows the same.
(function () {
  'use strict';
  var lang = document.documentElement.lang;

  function link(s, newTab) {
    var a = document.createElement('a');
    var u = new URL(s.url, location.href);  // the search API gives absolute URLs: keep links on this site relative
    a.href = u.origin === location.origin ? u.pathname + u.search : u.href;
    a.textContent = s.title;  // never innerHTML: titles are text
    if (s.lang && s.lang !== lang) { a.lang = s.lang; a.hreflang = s.lang; }
    if (newTab) { a.target = '_blank'; a.rel = 'noopener'; }  // keeps the half-written request open
    var li = document.createElement('li');
    li.appendChild(a);
    return li;
  }

  function attach(input) {
    var into = document.getElementById(input.getAttribute('data-suggest-into') || '');
    var box = into || input.parentNode;
    var list = document.createElement('ul');
    var heading = null;
    list.hidden = true;
    if (into) {
      heading = document.createElement('p');
      heading.className = 'suggest-heading';
      heading.id = into.id + '-heading';
      heading.textContent = into.getAttribute('data-heading') || '';
      heading.hidden = true;
      list.className = 'suggest-inline';
      list.setAttribute('aria-labelledby', heading.id);
      into.appendChild(heading);
    } else {
      list.className = 'suggest-list';
      list.setAttribute('aria-label', input.getAttribute('data-suggest-label') || 'Suggestions');
    }
    box.appendChild(list);

    function render(items) {
      if (!items.length && list.hidden) return;
      var links = items.map(function (s) { return link(s, !!into); });
      var same = links.length === list.children.length && links.every(function (li, i) {
        return li.firstChild.href === list.children[i].firstChild.href && li.textContent === list.children[i].textContent;
      });
      if (same) return;  // nothing changed: keep the list, and the focus where it is
      // The focus is in the list: it stays on the same suggestion when it is still there, else goes back to
      // the box (never to <body>).
      var focusedHref = list.contains(document.activeElement) ? document.activeElement.href : null;
      if (focusedHref !== null && !links.some(function (li) { return li.firstChild.href === focusedHref; })) input.focus();
      list.replaceChildren.apply(list, links);
      list.hidden = items.length === 0;
      if (heading) heading.hidden = list.hidden;
      if (focusedHref !== null) links.forEach(function (li) { if (li.firstChild.href === focusedHref) li.firstChild.focus(); });
    }
    function close(refocus) {
      if (refocus) input.focus();  // before the links go, so the focus is never lost
      render([]);
    }

    var timer = null, last = '', newest = 0;
    var source = into ? '/api/v1/search?lang=' : '/api/v1/suggest?lang=';
    input.addEventListener('input', function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < (into ? 4 : 2)) { last = ''; ++newest; render([]); return; }
      timer = setTimeout(function () {
        if (q === last) return;
        last = q;
        // Answers can come back out of order: only the newest request's answer is shown.
        var mine = ++newest;
        fetch(source + encodeURIComponent(input.getAttribute('data-suggest')) + '&q=' + encodeURIComponent(q),
              { credentials: 'same-origin', headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : {}; })
          .then(function (data) {
            if (mine !== newest || input.value.trim() !== q) return;
            render(into ? (data.results || []).slice(0, 4) : (data.suggestions || []));
          })
          .catch(function () { if (mine === newest) render([]); });
      }, into ? 350 : 150);
    });
    if (into) return;

    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && !list.hidden && list.firstChild) { e.preventDefault(); list.firstChild.firstChild.focus(); }
      if (e.key === 'Escape' && !list.hidden) { e.preventDefault(); close(false); }
    });
    list.addEventListener('keydown', function (e) {
      var li = document.activeElement.parentNode;
      if (e.key === 'ArrowDown') { e.preventDefault(); if (li.nextSibling) li.nextSibling.firstChild.focus(); }
      if (e.key === 'ArrowUp') { e.preventDefault(); if (li.previousSibling) li.previousSibling.firstChild.focus(); else input.focus(); }
      if (e.key === 'Escape') { e.preventDefault(); close(true); }
    });
    // data-suggest-fill (linking an article to a ticket): a suggestion fills the box with its address
    // instead of opening it.
    if (input.hasAttribute('data-suggest-fill')) {
      list.addEventListener('click', function (e) {
        var a = e.target.closest('a');
        if (!a) return;
        e.preventDefault();
        input.value = a.getAttribute('href');
        close(true);
      });
    }
    document.addEventListener('click', function (e) { if (!box.contains(e.target)) close(false); });
    box.addEventListener('focusout', function (e) { if (e.relatedTarget && !box.contains(e.relatedTarget)) close(false); });
  }

  document.querySelectorAll('input[data-suggest]').forEach(attach);

  function live(input) {
    var target = document.getElementById(input.getAttribute('data-live-results'));
    if (!target || !input.form) return;
    var timer = null, last = input.value.trim();
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last) return;
        last = q;
        var url = new URL(input.form.action, location.href);
        url.searchParams.set(input.name, q);
        fetch(url.pathname + url.search, { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (html === null || input.value.trim() !== q) return;
            var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(target.id);
            if (!fresh) return;
            target.replaceChildren.apply(target, Array.prototype.map.call(fresh.childNodes, function (n) {
              return document.importNode(n, true);
            }));
            history.replaceState(null, '', url.pathname + url.search);  // a reload shows the same
          })
          .catch(function () {});
      }, 250);
    });
  }
  document.querySelectorAll('input[data-live-results]').forEach(live);

  // Saved replies: the ticket page's "Insert" puts the chosen text in the reply box at once (without JavaScript
  // the form reloads the page with it there).
  document.querySelectorAll('form.saved-reply-form').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      var select = form.querySelector('select'), box = document.getElementById('reply-body');
      var option = select && select.options[select.selectedIndex];
      if (!option || !box) return;
      e.preventDefault();
      var text = option.getAttribute('data-body') || '';
      var start = box.selectionStart || 0, end = box.selectionEnd || 0;
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
      box.selectionStart = box.selectionEnd = start + text.length;
    });
  });
})();
