#include "http/saved_reply_pages.h"

#include "auth/policy.h"
#include "core/log.h"
#include "http/dashboard_pages.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

view::Value ReplyValue(const model::SavedReply& r, const std::string& lang) {
  return view::Value::Object()
      .Set("id", r.id)
      .Set("title", lang == "fr" ? r.title_fr : r.title_en)
      .Set("title_fr", r.title_fr)
      .Set("title_en", r.title_en)
      .Set("body_fr", r.body_fr)
      .Set("body_en", r.body_en)
      .Set("url", "/" + lang + "/replies/" + std::to_string(r.id));
}

insights::SavedReplyInput InputOf(std::map<std::string, std::string>& f) {
  return insights::SavedReplyInput{f["title_fr"], f["title_en"], f["body_fr"], f["body_en"]};
}

Response Page(const Services& s, Visitor& v, const std::string& lang, const std::string& name, const std::string& alt,
              view::Value data, int status) {
  Response r = forms::Page(s, v, lang, name, s.catalogs.For(lang).Get("saved_replies_title"), std::move(data), status,
                           alt, "queue");
  r.Header("Cache-Control", "no-store");
  return r;
}

// The list with the form to add one; `error` and `form` when an addition was refused.
Response ListPage(const Services& s, const Request& req, Visitor& v, const core::Status& error,
                  std::map<std::string, std::string> form = {}) {
  std::string lang = req.Param("lang");
  auto list = s.insights->SavedReplies(v.who());
  if (!list.ok()) return ErrorPage(s, req, HttpStatusFor(list.status()));
  view::Value d = view::Value::Object();
  view::Value items = view::Value::List();
  for (const auto& r : *list) items.Push(ReplyValue(r, lang));
  d.Set("has_replies", !list->empty()).Set("replies", std::move(items));
  for (const char* k : {"title_fr", "title_en", "body_fr", "body_en"}) d.Set(std::string("new_") + k, form[k]);
  if (!error.ok()) SetError(d, ForPeople(s.catalogs.For(lang), error));
  if (req.HasQuery("saved") && error.ok()) d.Set("notice", s.catalogs.For(lang).Get("account_saved"));
  return Page(s, v, lang, "saved_replies", "/replies", std::move(d), error.ok() ? 200 : HttpStatusFor(error));
}

Response EditPage(const Services& s, const Request& req, Visitor& v, const core::Status& error,
                  const std::map<std::string, std::string>* form = nullptr) {
  std::string lang = req.Param("lang");
  auto r = s.insights->SavedReply(v.who(), PositiveId(req.Param("id")));
  if (!r.ok()) return ErrorPage(s, req, HttpStatusFor(r.status()));
  view::Value d = view::Value::Object().Set("reply", ReplyValue(*r, lang));
  if (form) {
    view::Value kept = ReplyValue(*r, lang);
    for (const char* k : {"title_fr", "title_en", "body_fr", "body_en"}) kept.Set(k, form->count(k) ? form->at(k) : "");
    d.Set("reply", std::move(kept));
  }
  if (!error.ok()) SetError(d, ForPeople(s.catalogs.For(lang), error));
  return Page(s, v, lang, "saved_reply", "/replies/" + req.Param("id"), std::move(d),
              error.ok() ? 200 : HttpStatusFor(error));
}

// Signed in (else to sign-in), then `fn`; writes check the form's CSRF token first.
template <typename Fn>
Response SignedIn(const Services& s, const Request& req, bool write, Fn fn) {
  Visitor v(s, req);
  std::string lang = req.Param("lang");
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  if (!auth::Allows(v.who(), auth::Action::kTriage)) return ErrorPage(s, req, 403);
  auto f = write ? FormFields(req) : std::map<std::string, std::string>{};
  if (write && !v.CsrfOk(f["csrf"])) return ErrorPage(s, req, 403);
  return fn(v, f);
}

Response Redirect(Visitor& v, const std::string& to) {
  Response r = Response::Redirect(303, to);
  v.Apply(r);
  return r;
}

Response ListGet(const Services& s, const Request& req) {
  return SignedIn(s, req, false, [&](Visitor& v, auto&) { return ListPage(s, req, v, core::Status::Ok()); });
}

Response CreatePost(const Services& s, const Request& req) {
  return SignedIn(s, req, true, [&](Visitor& v, std::map<std::string, std::string>& f) {
    auto id = s.insights->CreateSavedReply(v.who(), InputOf(f));
    if (!id.ok()) {
      if (HttpStatusFor(id.status()) >= 500) LogServiceError(id.status());
      return ListPage(s, req, v, id.status(), f);
    }
    return Redirect(v, "/" + req.Param("lang") + "/replies?saved=1");
  });
}

Response EditGet(const Services& s, const Request& req) {
  return SignedIn(s, req, false, [&](Visitor& v, auto&) { return EditPage(s, req, v, core::Status::Ok()); });
}

Response UpdatePost(const Services& s, const Request& req) {
  return SignedIn(s, req, true, [&](Visitor& v, std::map<std::string, std::string>& f) {
    core::Status st = s.insights->UpdateSavedReply(v.who(), PositiveId(req.Param("id")), InputOf(f));
    if (st.code() == core::StatusCode::kNotFound) return ErrorPage(s, req, 404);
    if (!st.ok()) {
      if (HttpStatusFor(st) >= 500) LogServiceError(st);
      return EditPage(s, req, v, st, &f);
    }
    return Redirect(v, "/" + req.Param("lang") + "/replies?saved=1");
  });
}

Response DeletePost(const Services& s, const Request& req) {
  return SignedIn(s, req, true, [&](Visitor& v, auto&) {
    core::Status st = s.insights->DeleteSavedReply(v.who(), PositiveId(req.Param("id")));
    if (!st.ok()) return ErrorPage(s, req, HttpStatusFor(st));
    return Redirect(v, "/" + req.Param("lang") + "/replies?saved=1");
  });
}

}  // namespace

void AddSavedReplies(const Services& s, const Request& req, const auth::Principal* who, const std::string& ticket_lang,
                     bool body_kept, view::Value& data) {
  if (!s.insights) return;
  auto list = s.insights->SavedReplies(who);
  if (!list.ok() || list->empty()) return;
  int64_t chosen = PositiveId(req.Query("saved_reply"));
  view::Value items = view::Value::List();
  for (const auto& r : *list) {
    bool fr = ticket_lang == "fr";
    items.Push(view::Value::Object()
                   .Set("id", r.id)
                   .Set("title", fr ? r.title_fr : r.title_en)
                   .Set("body", fr ? r.body_fr : r.body_en)
                   .Set("selected", r.id == chosen));
    if (r.id == chosen && !body_kept) data.Set("reply_body", fr ? r.body_fr : r.body_en);
  }
  data.Set("has_saved_replies", true).Set("saved_replies", std::move(items));
}

void RegisterSavedReplies(Router& router, const Services& services) {
  auto page = [&](Response (*fn)(const Services&, const Request&)) { return InsightsPage(services, fn); };
  router.Add("GET", "/{lang}/replies", page(ListGet));
  router.Add("POST", "/{lang}/replies", page(CreatePost));
  router.Add("GET", "/{lang}/replies/{id}", page(EditGet));
  router.Add("POST", "/{lang}/replies/{id}", page(UpdatePost));
  router.Add("POST", "/{lang}/replies/{id}/delete", page(DeletePost));
}

}  // namespace entraide::http
