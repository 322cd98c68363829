#include "mail/composer.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdlib>

#include "core/sha256.h"
#include "core/strings.h"
#include "i18n/catalog.h"
#include "mail/addresses.h"

namespace entraide::mail {
namespace {

view::Value FromJson(const Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto obj = v.extract<Poco::JSON::Object::Ptr>();
    view::Value out = view::Value::Object();
    if (obj)
      for (auto it = obj->begin(); it != obj->end(); ++it) out.Set(it->first, FromJson(it->second));
    return out;
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto arr = v.extract<Poco::JSON::Array::Ptr>();
    view::Value out = view::Value::List();
    if (arr)
      for (size_t i = 0; i < arr->size(); ++i) out.Push(FromJson(arr->get(static_cast<unsigned>(i))));
    return out;
  }
  if (v.isEmpty()) return view::Value();
  if (v.isBoolean()) return view::Value(v.extract<bool>());
  return view::Value(v.toString());
}

core::StatusOr<view::Value> ParseData(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    view::Value data = FromJson(parser.parse(json.empty() ? "{}" : json));
    if (data.kind() != view::Value::Kind::kObject) return core::InvalidArgument("data_json: not a JSON object");
    return data;
  } catch (const Poco::Exception& e) {
    return core::InvalidArgument("data_json: " + e.displayText());
  }
}

}  // namespace

std::string Composer::Domain() const {
  size_t at = o_.from.email.rfind('@');
  return at == std::string::npos ? "localhost" : o_.from.email.substr(at + 1);
}

std::string Composer::UnsubscribeUrl(int64_t user_id, Topic topic, const std::string& lang) const {
  std::string token = tokens_.Sign(user_id, topic);
  return token.empty() ? "" : o_.base_url + "/" + lang + "/unsubscribe/" + token;
}

std::optional<int64_t> Composer::ReplyTicket(const store::OutboxMessage& m) const {
  if (o_.reply_address.empty() || !model::IsTicketMail(m.kind) || !m.user_id) return std::nullopt;
  try {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(m.data_json.empty() ? "{}" : m.data_json).extract<Poco::JSON::Object::Ptr>();
    if (!obj || !obj->has("ticket_id")) return std::nullopt;
    int64_t id = obj->getValue<int64_t>("ticket_id");
    if (id > 0) return id;
  } catch (const std::exception&) {  // Poco's parse errors and bad casts (data that is not an object) are these
  }
  return std::nullopt;
}

core::StatusOr<Composed> Composer::Compose(const store::ClaimedMail& c, int64_t now,
                                           const std::string& reply_token) const {
  const store::OutboxMessage& m = c.message;
  std::string lang = i18n::IsSupportedLang(m.lang) ? m.lang : "fr";
  std::string base = "mail/" + std::string(model::ToString(m.kind)) + "." + lang;
  if (!views_.Has(base + ".txt") || !views_.Has(base + ".html"))
    return core::NotFound("no template " + base + ".txt/.html for this kind of email");
  auto parsed = ParseData(m.data_json);
  if (!parsed.ok()) return parsed.status();
  view::Value data = std::move(parsed).value();
  // Names and subjects from people are flattened before they reach a template: nothing they type can end a line.
  for (const char* key : {"name", "subject", "title", "group", "ticket_subject"}) {
    const view::Value* v = data.Find(key);
    if (v && v->kind() == view::Value::Kind::kString) data.Set(key, OneLine(v->string_value()));
  }
  // Durations in the unit a sentence wants ("valid for 7 days").
  if (const view::Value* minutes = data.Find("expires_minutes");
      minutes && minutes->kind() == view::Value::Kind::kString) {
    long long n = std::atoll(minutes->string_value().c_str());
    data.Set("expires_hours", static_cast<int64_t>(n / 60)).Set("expires_days", static_cast<int64_t>(n / 1440));
  }
  data.Set("recipient_name", OneLine(m.recipient_name));
  data.Set("site_name", o_.site_name).Set("site_url", o_.base_url).Set("lang", lang);
  data.Set("preferences_url", o_.base_url + "/" + lang + "/account/email");
  bool reply_to = !reply_token.empty() && !o_.reply_address.empty() && model::IsTicketMail(m.kind);
  if (reply_to) data.Set("reply_by_mail", true);  // templates may say that answering the email works
  Topic topic = TopicOf(m.kind);
  std::string unsubscribe;
  if (topic != Topic::kTransactional && m.user_id) unsubscribe = UnsubscribeUrl(*m.user_id, topic, lang);
  if (!unsubscribe.empty()) data.Set("unsubscribe_url", unsubscribe);

  auto text = views_.Render(base + ".txt", lang, data);
  if (!text.ok()) return text.status();
  auto html = views_.Render(base + ".html", lang, data);
  if (!html.ok()) return html.status();
  size_t nl = text->find('\n');
  if (nl == std::string::npos || nl == 0 || text->compare(nl + 1, 1, "\n") != 0)
    return core::InvalidArgument(base + ".txt: the first line must be the subject, then an empty line");

  MimeMessage mime;
  mime.from = o_.from;
  mime.to = Address{m.recipient_name, m.recipient_email};
  if (reply_to) mime.reply_to = Address{o_.site_name, PlusAddress(o_.reply_address, reply_token)};
  mime.subject = OneLine(text->substr(0, nl));
  mime.text = text->substr(nl + 2);
  mime.html = std::move(html).value();
  mime.message_id = c.message_id;
  mime.date = now;
  if (m.thread_key && !m.thread_key->empty()) {
    std::string root = "<thread." + core::Sha256Hex(*m.thread_key).substr(0, 32) + "@" + Domain() + ">";
    mime.in_reply_to = root;
    mime.references = {root};
  }
  mime.list_unsubscribe_url = unsubscribe;
  mime.extra_headers = {{"Auto-Submitted", "auto-generated"}};
  auto raw = Serialize(mime);
  if (!raw.ok()) return raw.status();
  return Composed{mime.subject, std::move(raw).value()};
}

}  // namespace entraide::mail
