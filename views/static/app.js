// Progressive enhancement only: every page works without this file.
// As-you-type suggestions for inputs marked data-suggest="<lang>": titles from /api/v1/suggest.
//  - search boxes: a list of links under the box (ArrowDown enters it, Escape closes it);
//  - with data-suggest-into="<id>" (the help request's subject): the articles that may already answer,
//    shown in that element, which is a polite live region, with the heading in its data-heading.
(function () {
  'use strict';
  function attach(input) {
    var lang = input.getAttribute('data-suggest');
    var into = document.getElementById(input.getAttribute('data-suggest-into') || '');
    var box = into || input.parentNode;
    var list = document.createElement('ul');
    list.className = into ? 'suggest-inline' : 'suggest-list';
    list.hidden = true;
    if (into) {
      var heading = document.createElement('p');
      heading.className = 'suggest-heading';
      heading.id = into.id + '-heading';
      heading.textContent = into.getAttribute('data-heading') || '';
      heading.hidden = true;
      list.setAttribute('aria-labelledby', heading.id);
      into.appendChild(heading);
    } else {
      list.setAttribute('aria-label', input.getAttribute('data-suggest-label') || 'Suggestions');
    }
    box.appendChild(list);
    var timer = null, last = '';
    function render(items) {
      while (list.firstChild) list.removeChild(list.firstChild);
      items.forEach(function (s) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = s.url;
        a.textContent = s.title;  // never innerHTML: titles are text
        if (s.lang && s.lang !== document.documentElement.lang) { a.lang = s.lang; a.hreflang = s.lang; }
        if (into) { a.target = '_blank'; a.rel = 'noopener'; }  // keep the half-written request open
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      if (into) into.firstChild.hidden = list.hidden;
    }
    input.addEventListener('input', function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2) { last = ''; render([]); return; }
      timer = setTimeout(function () {
        if (q === last) return;
        last = q;
        fetch('/api/v1/suggest?lang=' + encodeURIComponent(lang) + '&q=' + encodeURIComponent(q),
              { credentials: 'same-origin', headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
          .catch(function () { render([]); });
      }, 200);
    });
    if (into) return;
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && !list.hidden && list.firstChild) { e.preventDefault(); list.firstChild.firstChild.focus(); }
      if (e.key === 'Escape') render([]);
    });
    list.addEventListener('keydown', function (e) {
      var li = document.activeElement.parentNode;
      if (e.key === 'ArrowDown' && li.nextSibling) { e.preventDefault(); li.nextSibling.firstChild.focus(); }
      if (e.key === 'ArrowUp') { e.preventDefault(); if (li.previousSibling) li.previousSibling.firstChild.focus(); else input.focus(); }
      if (e.key === 'Escape') { render([]); input.focus(); }
    });
    document.addEventListener('click', function (e) { if (!box.contains(e.target)) render([]); });
    box.addEventListener('focusout', function (e) { if (!box.contains(e.relatedTarget)) render([]); });
  }
  document.querySelectorAll('input[data-suggest]').forEach(attach);
})();
