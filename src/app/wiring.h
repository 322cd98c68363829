// The pieces `serve` (App::Create) and the commands (`mail send`, `digest`) build the same way, built in one place
// so that a command composes a message exactly as the server would.
#pragma once

#include <memory>

#include "app/config.h"
#include "core/status.h"
#include "i18n/catalog.h"
#include "mail/composer.h"
#include "mail/unsubscribe.h"
#include "store/pool.h"
#include "view/renderer.h"

namespace entraide::http {
class StaticFiles;
}  // namespace entraide::http

namespace entraide::app {

// views/ with each language's globals: its catalog as `t` (pages and mail templates use t.*), and, when `statics`
// is given (serve), the fingerprinted URLs of the stylesheet, the script and the icon.
core::StatusOr<std::unique_ptr<view::Renderer>> LoadViews(const Config& config, const i18n::Catalogs& catalogs,
                                                          const http::StaticFiles* statics);

// What composing messages needs besides the views: the unsubscribe secret (kept in the database) and the Composer.
struct MailComposition {
  std::unique_ptr<mail::UnsubscribeTokens> tokens;
  std::unique_ptr<mail::Composer> composer;
};
core::StatusOr<MailComposition> ComposeMail(const Config& config, const view::Renderer& views, store::Pool& pool);

}  // namespace entraide::app
