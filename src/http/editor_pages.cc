#include "http/editor_pages.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/strings.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"
#include "i18n/wording.h"

namespace entraide::http {
namespace {

using Fields = std::map<std::string, std::string>;
using editorial::EditorialService;

// The fields of the editor's form that a refusal can name (the message is shown beside that field).
constexpr const char* kFormFields[] = {"title", "slug", "summary", "category", "tags", "body", "change_summary"};

// What the editor's form holds: the article's fields and the save's.
struct EditorForm {
  model::ArticleFields fields;
  int64_t base_revision_id = 0;
  std::string change_summary;
  bool needs_translation = false;
  int64_t follows_id = 0;
  int64_t ticket_id = 0;
};

// What the editor's page shows besides the form.
struct EditorExtras {
  std::optional<model::Revision> conflict;  // the other person's revision (409)
  std::optional<model::Revision> beside;    // the other language's text, read-only
  std::string preview_html;                 // the server's preview (the Preview button)
  bool previewed = false;
  const editorial::TicketDraft* draft = nullptr;  // drafted from a solved ticket: what was removed
};

std::string ArticlePath(const std::string& lang, const std::string& slug) { return "/" + lang + "/articles/" + slug; }

std::string JoinTags(const std::vector<std::string>& tags) { return core::Join(tags, ", "); }

std::vector<std::string> SplitTags(const std::string& text) {
  std::vector<std::string> tags;
  for (const auto& part : core::Split(text, ',', true)) {
    std::string tag(core::Trim(part));
    if (!tag.empty()) tags.push_back(std::move(tag));
  }
  return tags;
}

EditorForm FormOf(Fields& f, const std::string& lang, const std::string& slug) {
  EditorForm e;
  e.fields.lang = lang;
  e.fields.slug = slug;
  e.fields.key = f["key"];
  e.fields.title = f["title"];
  e.fields.summary = f["summary"];
  e.fields.category = f["category"];
  e.fields.tags = SplitTags(f["tags"]);
  e.fields.body = f["body"];
  e.base_revision_id = PositiveId(f["base_revision_id"]);
  e.change_summary = f["change_summary"];
  e.needs_translation = f["needs_translation"] == "1";
  e.follows_id = PositiveId(f["follows_id"]);
  e.ticket_id = PositiveId(f["ticket_id"]);
  return e;
}

// A refusal of the editor's service for people. A body too large or too slow to render is about the body, said in
// the catalog's words when the service gave no key of its own (never the "unavailable" sentence of a 5xx).
PeopleMessage EditorMessage(const i18n::Catalog& t, const core::Status& st) {
  auto about_body = [&](const char* key) {
    PeopleMessage m = st.key().empty() || !t.Has(st.key()) ? Said(t.Get(key)) : Said(t.Format(st.key(), st.args()));
    m.field = st.field().empty() ? "body" : st.field();
    return m;
  };
  if (st.code() == core::StatusCode::kTooLarge) return about_body("editor_error_too_large");
  if (st.code() == core::StatusCode::kDeadlineExceeded) return about_body("editor_error_too_slow");
  if (st.code() == core::StatusCode::kAlreadyExists) {
    PeopleMessage m = st.key().empty() || !t.Has(st.key()) ? Said(t.Get("editor_error_slug_taken")) : ForPeople(t, st);
    m.field = st.field().empty() ? "slug" : st.field();
    return m;
  }
  return ForPeople(t, st);
}

// "il y a 3 minutes" with the instant for <time datetime>.
view::Value When(const i18n::Catalog& t, int64_t at) {
  int64_t now = core::SystemClock().NowSeconds();
  return view::Value::Object().Set("iso", core::FormatIso8601Utc(at)).Set("ago", i18n::Ago(t, now > at ? now - at : 0));
}

view::Value RevisionValue(const i18n::Catalog& t, const std::string& page_lang, const model::Revision& r) {
  std::string base = ArticlePath(r.lang, r.slug);
  view::Value v = view::Value::Object();
  v.Set("id", r.id)
      .Set("title", r.title)
      .Set("lang", r.lang)
      .Set("other_lang", r.lang != page_lang)
      .Set("slug", r.slug)
      .Set("author", r.author_id ? t.PersonName(r.author_name) : t.Get("editor_author_import"))
      .Set("when", When(t, r.created_at))
      .Set("state", t.Get("revision_state_" + std::string(model::ToString(r.state))))
      .Set("state_word", std::string(model::ToString(r.state)))
      .Set("origin", t.Get("revision_origin_" + std::string(model::ToString(r.origin))))
      .Set("change_summary", r.change_summary)
      .Set("review_note", r.review_note)
      .Set("current", r.current)
      .Set("needs_translation", r.needs_translation)
      .Set("ticket_ref", r.ticket_ref)
      .Set("source", r.source)
      .Set("article_url", base)
      .Set("history_url", base + "/history")
      .Set("view_url", base + "/revisions/" + std::to_string(r.id))
      .Set("restore_url", base + "/revisions/" + std::to_string(r.id) + "/restore");
  if (r.reviewed_by) v.Set("reviewer", t.PersonName(r.reviewer_name));
  return v;
}

Response EditorPageOf(const Services& s, Visitor& v, const std::string& lang, const std::string& name,
                      const std::string& title, const std::string& alt_path, view::Value data, int status,
                      const std::string& nav = "articles") {
  Response r = forms::Page(s, v, lang, name, title, std::move(data), status, alt_path, nav);
  r.Header("Cache-Control", "no-store");
  return r;
}

// A service's refusal of a page: a visitor who is not signed in goes to sign in; the others get the error page.
Response Refused(const Services& s, const Request& req, Visitor& v, const core::Status& st) {
  if (st.code() == core::StatusCode::kUnauthenticated) return forms::SignInFirst(v, req.Param("lang"));
  if (HttpStatusFor(st) >= 500) LogServiceError(st);
  Response r = ErrorPage(s, req, HttpStatusFor(st));
  v.Apply(r);
  return r;
}

// Signed in (else to sign-in) and a volunteer (else 403), then `fn`; a POST checks the form's CSRF token first.
template <typename Fn>
Response Volunteer(const Services& s, const Request& req, bool write, Fn fn) {
  Visitor v(s, req);
  if (!v.signed_in()) return forms::SignInFirst(v, req.Param("lang"));
  if (!auth::Allows(v.who(), auth::Action::kWriteArticle)) return Refused(s, req, v, core::PermissionDenied("editor"));
  Fields f = write ? FormFields(req) : Fields{};
  if (write && !v.CsrfOk(f["csrf"])) return forms::CsrfFailure(s, v, req.Param("lang"));
  return fn(v, f);
}

// The categories of the library as the select's options, `chosen` selected (an empty first option: none).
view::Value CategoryOptions(const Services& s, const std::string& lang, const std::string& chosen) {
  view::Value list = view::Value::List();
  list.Push(view::Value::Object()
                .Set("value", "")
                .Set("label", s.catalogs.For(lang).Get("editor_no_category"))
                .Set("selected", chosen.empty()));
  auto cats = s.articles.Categories(lang);
  if (!cats.ok()) return list;
  for (const auto& c : *cats)
    list.Push(view::Value::Object().Set("value", c.slug).Set("label", c.name).Set("selected", c.slug == chosen));
  return list;
}

view::Value RemovedValue(const i18n::Catalog& t, const editorial::ScrubCounts& c) {
  view::Value list = view::Value::List();
  auto add = [&](const char* key, int n) {
    if (n > 0) list.Push(view::Value::Object().Set("text", t.Plural(key, n)));
  };
  add("editor_removed_emails", c.emails);
  add("editor_removed_phones", c.phones);
  add("editor_removed_postal_codes", c.postal_codes);
  add("editor_removed_names", c.names);
  add("editor_removed_sites", c.sites);
  return list;
}

// The editor: a new article's (`is_new`) or an existing one's, with the extras of the moment.
Response EditorPage(const Services& s, const Request& req, Visitor& v, bool is_new, const EditorForm& form,
                    const EditorExtras& x, const core::Status& error, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  const auto& a = form.fields;
  view::Value d = view::Value::Object();
  d.Set("is_new", is_new)
      .Set("action_url", is_new ? "/" + lang + "/articles/new" : ArticlePath(lang, a.slug) + "/edit")
      .Set("preview_url", "/" + lang + "/articles/preview")
      .Set("article_url", ArticlePath(lang, a.slug))
      .Set("history_url", ArticlePath(lang, a.slug) + "/history")
      .Set("slug", a.slug)
      .Set("key", a.key)
      .Set("title_value", a.title)
      .Set("summary", a.summary)
      .Set("tags", JoinTags(a.tags))
      .Set("body", a.body)
      .Set("change_summary", form.change_summary)
      .Set("base_revision_id", form.base_revision_id)
      .Set("needs_translation", form.needs_translation)
      .Set("follows_id", form.follows_id)
      .Set("ticket_id", form.ticket_id)
      .Set("categories", CategoryOptions(s, lang, a.category))
      .Set("can_publish", auth::Allows(v.who(), auth::Action::kPublishArticle))
      .Set("editor_page", true)
      .Set("page_lang", lang);
  if (!error.ok()) {
    PeopleMessage m = EditorMessage(t, error);
    bool beside_field = false;
    for (const char* f : kFormFields) beside_field = beside_field || m.field == f;
    if (beside_field) {
      d.Set("field_error", m.text).Set("invalid_" + m.field, true);
      if (!m.lang.empty()) d.Set("field_error_lang", m.lang);
    } else {
      SetError(d, m);
    }
  }
  if (x.conflict) d.Set("conflict", RevisionValue(t, lang, *x.conflict));
  if (x.beside) d.Set("beside", RevisionValue(t, lang, *x.beside)).Set("beside_lang_name", LangName(s, x.beside->lang));
  if (x.previewed) d.Set("preview", true).Set("preview_html", x.preview_html);
  if (x.draft) {
    d.Set("draft", view::Value::Object()
                       .Set("ticket_ref", x.draft->ticket_ref)
                       .Set("removed", RemovedValue(t, x.draft->removed))
                       .Set("nothing_removed", x.draft->removed.total() == 0));
  }
  std::string title = is_new ? t.Get("editor_new_title") : t.Get("editor_edit_title") + " " + a.title;
  std::string alt = is_new ? "/articles/new" : "/articles/" + a.slug + "/edit";
  return EditorPageOf(s, v, lang, "editor", title, alt, std::move(d), status);
}

// The text of the source beside the editor: revision `follows` when given (from /translations: the source's
// current revision), else the head of `lang`/`slug`.
std::optional<model::Revision> SourceRevision(const Services& s, const auth::Principal* who, const std::string& lang,
                                              const std::string& slug, int64_t follows) {
  if (follows > 0) {
    auto r = s.editorial->Get(who, follows);
    if (r.ok() && r->lang == lang) return *r;
  }
  auto state = s.editorial->Open(who, lang, slug);
  if (!state.ok() || !state->head) return std::nullopt;
  return state->head;
}

// GET /{lang}/articles/{slug}/edit[?beside=1]: the latest revision (published or waiting) in the form; beside it,
// the other language's text when asked.
Response EditGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) {
    std::string lang = req.Param("lang");
    auto state = s.editorial->Open(v.who(), lang, req.Param("slug"));
    if (!state.ok()) return Refused(s, req, v, state.status());
    EditorForm form;
    form.fields = state->fields;
    form.fields.lang = lang;
    form.base_revision_id = state->base_revision_id;
    EditorExtras x;
    if (req.HasQuery("beside") || req.HasQuery("follows")) {
      std::string other = i18n::OtherLang(lang);
      auto versions = s.articles.Translations(form.fields.key);
      if (versions.ok())
        for (const auto& tr : *versions)
          if (tr.lang == other) x.beside = SourceRevision(s, v.who(), other, tr.slug, PositiveId(req.Query("follows")));
      if (x.beside) form.follows_id = x.beside->id;
    }
    return EditorPage(s, req, v, false, form, x, core::Status::Ok(), 200);
  });
}

// GET /{lang}/articles/new: empty, or prefilled from a source to translate (?translate=fr/slug[&follows=ID]) or
// from a solved ticket (?ticket=ID).
Response NewGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) {
    std::string lang = req.Param("lang");
    const auto& t = s.catalogs.For(lang);
    EditorForm form;
    form.fields.lang = lang;
    EditorExtras x;
    std::optional<editorial::TicketDraft> draft;
    if (std::string from = req.Query("translate"); !from.empty()) {
      auto slash = from.find('/');
      std::string src_lang = from.substr(0, slash == std::string::npos ? 0 : slash);
      std::string src_slug = slash == std::string::npos ? "" : from.substr(slash + 1);
      if (!i18n::IsSupportedLang(src_lang) || src_lang == lang || src_slug.empty()) return ErrorPage(s, req, 404);
      auto source = s.editorial->Open(v.who(), src_lang, src_slug);
      if (!source.ok()) return Refused(s, req, v, source.status());
      form.fields = source->fields;  // the same key, category and tags; the texts to translate
      form.fields.lang = lang;
      form.fields.slug.clear();
      x.beside = SourceRevision(s, v.who(), src_lang, src_slug, PositiveId(req.Query("follows")));
      if (x.beside) form.follows_id = x.beside->id;
    } else if (int64_t ticket = PositiveId(req.Query("ticket")); ticket > 0) {
      auto made = s.editorial->DraftFromTicket(v.who(), ticket, lang, editorial::DraftWordsIn(t));
      if (!made.ok()) return Refused(s, req, v, made.status());
      draft = std::move(made).value();
      form.fields = draft->fields;
      form.fields.lang = lang;
      form.ticket_id = draft->ticket_id;
      x.draft = &*draft;
    }
    return EditorPage(s, req, v, true, form, x, core::Status::Ok(), 200);
  });
}

// POST of the editor (new or existing): action=preview shows the form again with the server's preview below;
// otherwise saves (action=publish publishes at once, for editors). A refusal shows the form again with the text
// kept; a stale base answers 409 with both versions and the base moved to the other person's revision.
Response Save(const Services& s, const Request& req, bool is_new) {
  return Volunteer(s, req, true, [&](Visitor& v, Fields& f) {
    std::string lang = req.Param("lang");
    EditorForm form = FormOf(f, lang, is_new ? f["slug"] : req.Param("slug"));
    EditorExtras x;
    if (form.follows_id > 0) {
      auto source = s.editorial->Get(v.who(), form.follows_id);
      if (source.ok()) x.beside = *source;
    }
    if (f["action"] == "preview") {
      x.previewed = true;
      auto html = s.editorial->Preview(v.who(), form.fields.body);
      if (!html.ok()) {
        if (html.status().code() == core::StatusCode::kUnauthenticated ||
            html.status().code() == core::StatusCode::kPermissionDenied)
          return Refused(s, req, v, html.status());
        x.previewed = false;
        int code = HttpStatusFor(html.status());
        return EditorPage(s, req, v, is_new, form, x, html.status(), code == 503 ? 422 : code);
      }
      x.preview_html = std::move(html).value();
      return EditorPage(s, req, v, is_new, form, x, core::Status::Ok(), 200);
    }
    editorial::SaveRequest save;
    save.fields = form.fields;
    save.base_revision_id = is_new ? 0 : form.base_revision_id;
    save.change_summary = form.change_summary;
    save.publish = f["action"] == "publish";
    save.needs_translation = form.needs_translation;
    save.follows_id = form.follows_id;
    save.ticket_id = form.ticket_id;
    auto out = s.editorial->Save(v.who(), save);
    if (!out.ok()) {
      auto code = out.status().code();
      if (code == core::StatusCode::kUnauthenticated || code == core::StatusCode::kPermissionDenied ||
          (code == core::StatusCode::kNotFound && !is_new))
        return Refused(s, req, v, out.status());
      int http = HttpStatusFor(out.status());
      if (code == core::StatusCode::kTooLarge) http = 413;
      if (code == core::StatusCode::kDeadlineExceeded) http = 422;  // the text is refused, not the server
      if (http >= 500) LogServiceError(out.status());
      return EditorPage(s, req, v, is_new, form, x, out.status(), http);
    }
    if (out->conflict_with) {
      x.conflict = out->conflict_with;
      form.base_revision_id = out->conflict_with->id;  // a second save is deliberate
      return EditorPage(s, req, v, is_new, form, x, core::Status::Ok(), 409);
    }
    if (out->published) return forms::SeeOther(v, ArticlePath(lang, form.fields.slug));
    return forms::SeeOther(v, ArticlePath(lang, form.fields.slug) + "/history?saved=1");
  });
}

Response NewPost(const Services& s, const Request& req) { return Save(s, req, true); }
Response EditPost(const Services& s, const Request& req) { return Save(s, req, false); }

// POST /{lang}/articles/preview (body=, csrf=): the preview's HTML fragment for editor.js (the Preview button does
// the same without JavaScript). A refusal is a short message fragment with its status.
Response PreviewPost(const Services& s, const Request& req) {
  Visitor v(s, req);
  const auto& t = s.catalogs.For(req.Param("lang"));
  Fields f = FormFields(req);
  Response r;
  if (!v.signed_in()) {
    r = Response::Html(401, "");
  } else if (!v.CsrfOk(f["csrf"])) {
    r = Response::Html(403, "");
  } else {
    auto html = s.editorial->Preview(v.who(), f["body"]);
    if (html.ok()) {
      r = Response::Html(200, std::move(html).value());
    } else {
      int code = HttpStatusFor(html.status());
      r = Response::Html(
          code, "<p class=\"notice notice-error\">" + core::HtmlEscape(EditorMessage(t, html.status()).text) + "</p>");
    }
  }
  r.Header("Cache-Control", "no-store");
  v.Apply(r);
  return r;
}

// GET /{lang}/articles/{slug}/history: every revision, newest first, any two to compare.
Response HistoryGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) {
    std::string lang = req.Param("lang"), slug = req.Param("slug");
    const auto& t = s.catalogs.For(lang);
    auto list = s.editorial->History(v.who(), lang, slug);
    if (!list.ok()) return Refused(s, req, v, list.status());
    if (list->empty()) return Refused(s, req, v, core::NotFound("no revision"));
    view::Value items = view::Value::List();
    for (size_t i = 0; i < list->size(); ++i) {
      view::Value r = RevisionValue(t, lang, (*list)[i]);
      r.Set("from_checked", i == 1 || (list->size() == 1 && i == 0)).Set("to_checked", i == 0);
      items.Push(std::move(r));
    }
    const std::string& title = list->front().title;
    view::Value d = view::Value::Object();
    d.Set("revisions", std::move(items))
        .Set("article_title", title)
        .Set("article_url", ArticlePath(lang, slug))
        .Set("edit_url", ArticlePath(lang, slug) + "/edit")
        .Set("compare_url", ArticlePath(lang, slug) + "/compare")
        .Set("can_compare", list->size() > 1);
    if (req.HasQuery("saved")) d.Set("notice", t.Get("editor_saved_for_review"));
    if (req.HasQuery("restored")) d.Set("notice", t.Get("editor_restored"));
    return EditorPageOf(s, v, lang, "editor_history", t.Get("history_title") + " " + title,
                        "/articles/" + slug + "/history", std::move(d), 200);
  });
}

// GET /{lang}/articles/{slug}/compare?from=A&to=B: the word diff, old first.
Response CompareGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) {
    std::string lang = req.Param("lang"), slug = req.Param("slug");
    const auto& t = s.catalogs.For(lang);
    int64_t from = PositiveId(req.Query("from")), to = PositiveId(req.Query("to"));
    if (from == 0 || to == 0) return Refused(s, req, v, core::NotFound("no such revision"));
    auto comparison = s.editorial->Compare(v.who(), from, to);
    if (!comparison.ok()) return Refused(s, req, v, comparison.status());
    const model::Revision& old_rev = comparison->from;
    const model::Revision& new_rev = comparison->to;
    view::Value list = view::Value::List();
    bool changed = false;
    for (const auto& p : comparison->pieces) {
      view::Value pv = view::Value::Object().Set("text", p.text);
      if (p.kind == model::DiffPiece::Kind::kRemoved) pv.Set("removed", true);
      if (p.kind == model::DiffPiece::Kind::kAdded) pv.Set("added", true);
      if (p.kind == model::DiffPiece::Kind::kSame) pv.Set("same", true);
      changed = changed || p.kind != model::DiffPiece::Kind::kSame;
      list.Push(std::move(pv));
    }
    view::Value d = view::Value::Object();
    d.Set("pieces", std::move(list))
        .Set("unchanged", !changed)
        .Set("from", RevisionValue(t, lang, old_rev))
        .Set("to", RevisionValue(t, lang, new_rev))
        .Set("article_title", new_rev.title)
        .Set("history_url", ArticlePath(lang, slug) + "/history");
    return EditorPageOf(s, v, lang, "editor_compare", t.Get("compare_title") + " " + new_rev.title,
                        "/articles/" + slug + "/compare?from=" + std::to_string(from) + "&to=" + std::to_string(to),
                        std::move(d), 200);
  });
}

// GET /{lang}/articles/{slug}/revisions/{id}: that revision's text, as text.
Response RevisionGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) {
    std::string lang = req.Param("lang"), slug = req.Param("slug");
    const auto& t = s.catalogs.For(lang);
    auto r = s.editorial->Get(v.who(), PositiveId(req.Param("id")));
    if (!r.ok()) return Refused(s, req, v, r.status());
    view::Value d = view::Value::Object();
    d.Set("revision", RevisionValue(t, lang, *r)).Set("history_url", ArticlePath(lang, slug) + "/history");
    return EditorPageOf(s, v, lang, "editor_revision", t.Get("revision_title") + " " + r->title,
                        "/articles/" + slug + "/revisions/" + req.Param("id"), std::move(d), 200);
  });
}

// POST /{lang}/articles/{slug}/revisions/{id}/restore: a new revision with that text (published at once for
// editors, waiting otherwise); back to the history.
Response RestorePost(const Services& s, const Request& req) {
  return Volunteer(s, req, true, [&](Visitor& v, Fields&) {
    auto made = s.editorial->Restore(v.who(), PositiveId(req.Param("id")));
    if (!made.ok()) return Refused(s, req, v, made.status());
    return forms::SeeOther(v, ArticlePath(req.Param("lang"), req.Param("slug")) + "/history?restored=1");
  });
}

// GET /{lang}/review: what waits, oldest first; editors publish or decline.
Response ReviewPage(const Services& s, const Request& req, Visitor& v, const core::Status& error) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  auto items = s.editorial->Waiting(v.who());
  if (!items.ok()) return Refused(s, req, v, items.status());
  view::Value list = view::Value::List();
  for (const auto& item : *items) {
    const auto& r = item.revision;
    view::Value iv = RevisionValue(t, lang, r);
    std::string kind = r.state == model::RevisionState::kConflict ? "conflict" : item.new_article ? "new" : "change";
    iv.Set("kind", t.Get("review_kind_" + kind)).Set("is_" + kind, true);
    if (item.current_id > 0)
      iv.Set("compare_url", ArticlePath(r.lang, r.slug) + "/compare?from=" + std::to_string(item.current_id) +
                                "&to=" + std::to_string(r.id));
    iv.Set("publish_url", "/" + lang + "/review/" + std::to_string(r.id) + "/publish");
    iv.Set("decline_url", "/" + lang + "/review/" + std::to_string(r.id) + "/decline");
    list.Push(std::move(iv));
  }
  view::Value d = view::Value::Object();
  d.Set("items", std::move(list))
      .Set("empty", items->empty())
      .Set("can_publish", auth::Allows(v.who(), auth::Action::kPublishArticle));
  if (!error.ok()) SetError(d, ForPeople(t, error));
  if (error.ok() && req.HasQuery("published")) d.Set("notice", t.Get("review_published"));
  if (error.ok() && req.HasQuery("declined")) d.Set("notice", t.Get("review_declined"));
  return EditorPageOf(s, v, lang, "editor_review", t.Get("review_title"), "/review", std::move(d),
                      error.ok() ? 200 : HttpStatusFor(error), "review");
}

Response ReviewGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) { return ReviewPage(s, req, v, core::Status::Ok()); });
}

// POST /{lang}/review/{id}/publish and .../decline (note=): back to the queue; a revision that no longer waits
// (someone was faster) shows the queue again with why (409).
Response ReviewDecision(const Services& s, const Request& req, bool publish) {
  return Volunteer(s, req, true, [&](Visitor& v, Fields& f) {
    int64_t id = PositiveId(req.Param("id"));
    core::Status st = publish ? s.editorial->Publish(v.who(), id) : s.editorial->Decline(v.who(), id, f["note"]);
    if (st.code() == core::StatusCode::kConflict || st.code() == core::StatusCode::kInvalidArgument)
      return ReviewPage(s, req, v, st);
    if (!st.ok()) return Refused(s, req, v, st);
    return forms::SeeOther(v, "/" + req.Param("lang") + (publish ? "/review?published=1" : "/review?declined=1"));
  });
}

Response PublishPost(const Services& s, const Request& req) { return ReviewDecision(s, req, true); }
Response DeclinePost(const Services& s, const Request& req) { return ReviewDecision(s, req, false); }

// GET /{lang}/translations: missing and stale translations, oldest first, each opening the editor beside its
// source.
Response TranslationsGet(const Services& s, const Request& req) {
  return Volunteer(s, req, false, [&](Visitor& v, Fields&) {
    std::string lang = req.Param("lang");
    const auto& t = s.catalogs.For(lang);
    auto todos = s.editorial->Translations(v.who());
    if (!todos.ok()) return Refused(s, req, v, todos.status());
    view::Value list = view::Value::List();
    for (const auto& todo : *todos) {
      bool missing = todo.kind == model::TranslationTodo::Kind::kMissing;
      std::string follows = "follows=" + std::to_string(todo.source_revision_id);
      std::string url = missing ? "/" + todo.target_lang + "/articles/new?translate=" + todo.source_lang + "/" +
                                      todo.source_slug + "&" + follows
                                : ArticlePath(todo.target_lang, todo.target_slug) + "/edit?beside=1&" + follows;
      list.Push(view::Value::Object()
                    .Set("missing", missing)
                    .Set("kind", t.Get(missing ? "translations_missing" : "translations_stale"))
                    .Set("source_title", todo.source_title)
                    .Set("source_lang", todo.source_lang)
                    .Set("source_lang_name", LangName(s, todo.source_lang))
                    .Set("source_url", ArticlePath(todo.source_lang, todo.source_slug))
                    .Set("target_lang", todo.target_lang)
                    .Set("target_lang_name", LangName(s, todo.target_lang))
                    .Set("target_title", todo.target_title)
                    .Set("since", When(t, todo.since))
                    .Set("url", url));
    }
    view::Value d = view::Value::Object().Set("todos", std::move(list)).Set("empty", todos->empty());
    return EditorPageOf(s, v, lang, "editor_translations", t.Get("translations_title"), "/translations", std::move(d),
                        200, "translations");
  });
}

}  // namespace

void RegisterEditorPages(Router& router, const Services& services) {
  const Services* s = &services;
  auto page = [s](Response (*fn)(const Services&, const Request&)) {
    return [s, fn](Request& req) {
      if (!i18n::IsSupportedLang(req.Param("lang")) || !s->editorial) return ErrorPage(*s, req, 404);
      return fn(*s, req);
    };
  };
  router.Add("GET", "/{lang}/articles/new", page(NewGet));
  router.Add("POST", "/{lang}/articles/new", page(NewPost));
  router.Add("POST", "/{lang}/articles/preview", page(PreviewPost));
  router.Add("GET", "/{lang}/articles/{slug}/edit", page(EditGet));
  router.Add("POST", "/{lang}/articles/{slug}/edit", page(EditPost));
  router.Add("GET", "/{lang}/articles/{slug}/history", page(HistoryGet));
  router.Add("GET", "/{lang}/articles/{slug}/compare", page(CompareGet));
  router.Add("GET", "/{lang}/articles/{slug}/revisions/{id}", page(RevisionGet));
  router.Add("POST", "/{lang}/articles/{slug}/revisions/{id}/restore", page(RestorePost));
  router.Add("GET", "/{lang}/review", page(ReviewGet));
  router.Add("POST", "/{lang}/review/{id}/publish", page(PublishPost));
  router.Add("POST", "/{lang}/review/{id}/decline", page(DeclinePost));
  router.Add("GET", "/{lang}/translations", page(TranslationsGet));
}

}  // namespace entraide::http
