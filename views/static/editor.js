// Progressive enhancement of the library's editor (views/pages/editor.mustache); the page works without it.
//  - The preview follows the text: while typing in the body, the server's preview (POST data-preview-url with
//    the form's CSRF token, the same bounded renderer as the Preview button) replaces #editor-preview's
//    content, at most one request at a time, 400 ms after the last key. It is not a live region: a screen reader
//    would read the whole article again at every pause in typing; its heading leads to it.
//  - A new article's address (slug) is made from its title as it is typed, until the slug is edited by hand.
(function () {
  'use strict';
  var form = document.querySelector('form.editor-form');
  if (!form) return;
  var body = form.querySelector('textarea[name="body"]');
  var out = document.getElementById('editor-preview');
  var url = form.getAttribute('data-preview-url');
  var csrf = form.querySelector('input[name="csrf"]');

  if (body && out && url && csrf && window.fetch) {
    var timer = null, busy = false, again = false;
    var refresh = function () {
      if (busy) { again = true; return; }
      busy = true;
      var data = new URLSearchParams();
      data.set('csrf', csrf.value);
      data.set('body', body.value);
      fetch(url, {method: 'POST', body: data, credentials: 'same-origin',
                  headers: {'Content-Type': 'application/x-www-form-urlencoded'}})
        .then(function (r) { return r.text(); })
        .then(function (html) {
          // The server's HTML: its bounded Markdown renderer escapes what it does not allow (no raw HTML).
          out.innerHTML = html;
        })
        .catch(function () {})
        .then(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    };
    body.addEventListener('input', function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  }

  var slug = form.querySelector('input[data-slug-from]');
  if (slug) {
    var title = document.getElementById(slug.getAttribute('data-slug-from'));
    var touched = slug.value !== '';
    var slugify = function (s) {
      return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
        .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
    };
    slug.addEventListener('input', function () { touched = slug.value !== ''; });
    if (title) {
      title.addEventListener('input', function () {
        if (!touched) slug.value = slugify(title.value);
      });
    }
  }
})();
