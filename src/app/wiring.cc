#include "app/wiring.h"

#include "app/mail_worker.h"
#include "http/static_files.h"

namespace entraide::app {

core::StatusOr<std::unique_ptr<view::Renderer>> LoadViews(const Config& config, const i18n::Catalogs& catalogs,
                                                          const http::StaticFiles* statics) {
  auto views = view::Renderer::Load(config.views_dir);
  if (!views.ok()) return views.status();
  for (const auto& lang : i18n::SupportedLangs()) {
    view::Value globals = view::Value::Object();
    view::Value t = view::Value::Object();
    for (const auto& [k, v] : catalogs.For(lang).strings()) t.Set(k, v);
    globals.Set("t", std::move(t));
    if (statics) {
      globals.Set("css_url", statics->UrlFor("app.css"));
      globals.Set("js_url", statics->UrlFor("app.js"));
      globals.Set("editor_js_url", statics->UrlFor("editor.js"));
      globals.Set("icon_url", statics->UrlFor("favicon.svg"));
    }
    (*views)->SetGlobals(lang, globals);
  }
  return views;
}

core::StatusOr<MailComposition> ComposeMail(const Config& config, const view::Renderer& views, store::Pool& pool) {
  MailComposition m;
  auto db = pool.Acquire();
  if (!db.ok()) return db.status();
  auto tokens = mail::UnsubscribeTokens::Load(**db);
  if (!tokens.ok()) return tokens.status();
  m.tokens = std::make_unique<mail::UnsubscribeTokens>(std::move(tokens).value());
  m.composer = std::make_unique<mail::Composer>(views, *m.tokens, MailComposerOptionsFor(config));
  return m;
}

}  // namespace entraide::app
