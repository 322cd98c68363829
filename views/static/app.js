// Progressive enhancement only: every page works without this file.
// As-you-type suggestions for search boxes marked data-suggest="<lang>": titles from /api/v1/suggest.
(function () {
  'use strict';
  function attach(input) {
    var lang = input.getAttribute('data-suggest');
    var box = input.parentNode;
    var list = document.createElement('ul');
    list.className = 'suggest-list';
    list.hidden = true;
    list.setAttribute('aria-label', lang === 'fr' ? 'Suggestions' : 'Suggestions');
    box.appendChild(list);
    var timer = null, last = '';
    function render(items) {
      while (list.firstChild) list.removeChild(list.firstChild);
      items.forEach(function (s) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = s.url;
        a.textContent = s.title;  // never innerHTML: titles are text
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    input.addEventListener('input', function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2) { render([]); return; }
      timer = setTimeout(function () {
        if (q === last) return;
        last = q;
        fetch('/api/v1/suggest?lang=' + encodeURIComponent(lang) + '&q=' + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
          .catch(function () { render([]); });
      }, 150);
    });
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
  }
  document.querySelectorAll('input[data-suggest]').forEach(attach);
})();
