// Composer: turns an outbox row into an Internet message in the recipient's language, from the templates
// views/mail/<kind>.<lang>.txt.mustache and .html.mustache. The text template's first line is the subject,
// then one empty line, then the body. Templates see the row's data_json (objects and lists too), plus
// recipient_name, site_name, site_url, preferences_url and, except for transactional kinds, unsubscribe_url.
//
// Threads: a message with a thread_key ("ticket:42") refers to the thread's root id
// <thread.<sha256 of the key>@domain>, so mail clients show one ticket's messages together.
// Transactional messages (sign-in links, invitations, resets) carry no List-Unsubscribe: there is nothing to
// unsubscribe from, and a one-click button that does nothing would mislead.
// Every message carries Auto-Submitted: auto-generated (RFC 3834), so auto-responders do not answer it.
// Reply addresses: with reply_address set, a ticket mail (model::IsTicketMail) composed with a reply token gets
// Reply-To: <site name> <reply_address's local part>+<token>@<its domain>; the Sender makes the token and keeps
// its hash (ReplyTicket says when one is wanted).
//
// Thread-safe (reads immutable templates and options).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "mail/mime.h"
#include "mail/unsubscribe.h"
#include "store/mail_repo.h"
#include "view/renderer.h"

namespace entraide::mail {

struct ComposerOptions {
  Address from{"Entraide", "entraide@localhost"};
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string site_name = "Entraide";
  std::string reply_address;  // mail.reply_address (an addr-spec); empty: no Reply-To
};

struct Composed {
  std::string subject;
  std::string raw;  // the whole message, CRLF line ends
};

class Composer {
 public:
  Composer(const view::Renderer& views, const UnsubscribeTokens& tokens, ComposerOptions options)
      : views_(views), tokens_(tokens), o_(std::move(options)) {}

  // kNotFound when the kind has no template in that language; kInvalidArgument for broken data_json, a
  // template without its subject line, or an unusable address.
  // `reply_token` (mail/addresses.h), when not empty, reply_address is set and `m` is a ticket mail, makes the
  // Reply-To.
  core::StatusOr<Composed> Compose(const store::ClaimedMail& m, int64_t now, const std::string& reply_token = "") const;
  // The ticket a reply to `m` would land on, when `m` should carry a reply address: reply_address is set, `m` is a
  // ticket mail to a person, and its data names the ticket ("ticket_id"). nullopt otherwise.
  std::optional<int64_t> ReplyTicket(const store::OutboxMessage& m) const;

  // The domain of mail.from, for Message-IDs.
  std::string Domain() const;
  // The one-click unsubscribe URL for (user, topic): base_url/<lang>/unsubscribe/<token>.
  std::string UnsubscribeUrl(int64_t user_id, Topic topic, const std::string& lang) const;
  const ComposerOptions& options() const { return o_; }

 private:
  const view::Renderer& views_;
  const UnsubscribeTokens& tokens_;
  ComposerOptions o_;
};

}  // namespace entraide::mail
