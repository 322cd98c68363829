#include "app/mailbox.h"

#include "core/log.h"
#include "mail/mime.h"

namespace entraide::app {

inbox::ReceiverOptions ReceiverOptionsFor(const Config& config) {
  inbox::ReceiverOptions o;
  o.reply_address = config.mail_reply_address;
  o.bounce_address = config.mail_bounce_address;
  o.new_ticket_address = config.mail_new_ticket_address;
  auto from = mail::ParseAddress(config.mail_from);  // validated when the configuration was loaded
  if (from.ok()) o.from_address = from->email;
  o.trusted_host = config.mail_trust_authentication_results;
  o.originals_dir = config.MailInDir();
  o.scratch_dir = config.data_dir + "/tmp";
  o.base_url = config.site_base_url;
  return o;
}

mail::Pop3Options Pop3OptionsFor(const Config& config) {
  mail::Pop3Options o;
  o.host = config.mail_pop3_host;
  o.port = config.mail_pop3_port;
  o.user = config.mail_pop3_user;
  o.password = config.mail_pop3_password;
  o.tls = config.mail_pop3_tls;
  o.ca_file = config.mail_smtp_ca_file;
  return o;
}

int PollMailbox(const Config& config, inbox::Receiver& receiver) {
  int taken = 0;
  auto report = mail::PollPop3(Pop3OptionsFor(config), [&](const std::string& raw) {
    inbox::Received r = receiver.Receive(raw);
    if (r.outcome == model::InboundOutcome::kTaken && !r.try_later) ++taken;
    return !r.try_later;
  });
  if (!report.ok()) {
    core::LogWarning("pop3: " + report.status().message());
    return taken;
  }
  if (report->read > 0 || report->too_large > 0)
    core::LogInfo("pop3: pass", {{"read", std::to_string(report->read)},
                                 {"deleted", std::to_string(report->deleted)},
                                 {"kept", std::to_string(report->kept)}});
  return taken;
}

}  // namespace entraide::app
