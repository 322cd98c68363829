#include "inbox/receiver.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/json_writer.h"
#include "core/log.h"
#include "core/random.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "mail/addresses.h"
#include "store/account_repo.h"
#include "store/inbound_repo.h"
#include "store/pool.h"
#include "tickets/reply_tokens.h"

namespace entraide::inbox {
namespace fs = std::filesystem;
using model::InboundOutcome;

struct Receiver::Context {
  std::string_view raw;
  int64_t now = 0;
  mail::InboundMessage m;
  model::InboundRecord record;
};

int Received::ExitCode() const {
  if (try_later) return 75;
  switch (outcome) {
    case InboundOutcome::kTaken:
    case InboundOutcome::kIgnored:
    case InboundOutcome::kBounce:
      return 0;
    case InboundOutcome::kUnknown:
      return 67;
    case InboundOutcome::kRefused:
      return 65;
  }
  return 65;
}

namespace {

// The subject of a ticket written by mail: the message's, else the start of its text (whole characters).
std::string SubjectOf(const mail::InboundMessage& m, const std::string& body) {
  return m.subject.empty() ? std::string(core::Utf8Prefix(body, 80)) : m.subject;
}

// A ticket written by mail has no category yet: "other", for volunteers to sort at triage.
constexpr const char* kMailCategory = "other";

Received TryLater(std::string reason) {
  Received r;
  r.try_later = true;
  r.reason = std::move(reason);
  core::LogWarning("mail received: try again later", {{"reason", r.reason}});
  return r;
}

bool SameAddress(std::string_view a, std::string_view b) {
  return !a.empty() && core::ToLowerAscii(a) == core::ToLowerAscii(b);
}

std::string DomainOf(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? "" : core::ToLowerAscii(address.substr(at + 1));
}

}  // namespace

Receiver::Receiver(store::Pool& pool, const core::Clock& clock, auth::SessionService& sessions,
                   tickets::TicketService& tickets, ReceiverOptions options)
    : pool_(pool), clock_(clock), sessions_(sessions), tickets_(tickets), o_(std::move(options)) {}

Received Receiver::Receive(std::string_view raw) {
  Context c;
  c.raw = raw;
  c.now = clock_.NowSeconds();
  c.record.received_at = c.now;
  c.record.size = static_cast<int64_t>(raw.size());
  if (raw.size() > o_.limits.max_message_bytes)
    return Finish(c, InboundOutcome::kRefused,
                  "the message is larger than " + std::to_string(o_.limits.max_message_bytes >> 20) + " MB");
  auto parsed = mail::ParseMessage(raw, o_.limits);
  if (!parsed.ok()) return Finish(c, InboundOutcome::kRefused, "unreadable: " + parsed.status().message());
  c.m = std::move(parsed).value();
  c.record.message_id = c.m.message_id;
  c.record.from_address = c.m.from_address;
  // Delivered again (a mail server's retry, a mailbox read twice): taken once.
  if (!c.m.message_id.empty()) {
    auto db = pool_.Acquire();
    if (!db.ok()) return TryLater(db.status().message());
    auto seen = store::InboundRepository(**db).AlreadyTaken(c.m.message_id);
    if (!seen.ok()) return TryLater(seen.status().message());
    if (*seen) return Finish(c, InboundOutcome::kIgnored, "already received (Message-ID " + c.m.message_id + ")");
  }

  // Where it was sent: the first of its recipients that is one of ours.
  // A VERP tag is "<outbox id>.<random>" (the local part of our Message-ID) and a reply token has no '.', so
  // one address may serve as both (a single POP3 mailbox).
  for (const auto& to : c.m.recipients) {
    if (!o_.bounce_address.empty())
      if (auto tag = mail::PlusTag(o_.bounce_address, to); tag && tag->find('.') != std::string::npos)
        return Bounce(c, *tag);
    if (!o_.reply_address.empty())
      if (auto token = mail::PlusTag(o_.reply_address, to)) return Reply(c, *token);
    if (!o_.new_ticket_address.empty() && SameAddress(to, o_.new_ticket_address)) return NewTicket(c);
  }
  return Finish(c, InboundOutcome::kUnknown, "addressed to none of our addresses");
}

std::optional<std::string> Receiver::Loop(const mail::InboundMessage& m) const {
  if (!m.auto_submitted.empty() && m.auto_submitted != "no") return "Auto-Submitted: " + m.auto_submitted;
  if (m.precedence == "bulk" || m.precedence == "list" || m.precedence == "junk") return "Precedence: " + m.precedence;
  if (m.auto_reply_header) return "an automatic reply (X-Autoreply)";
  if (m.null_return_path) return "a null sender (a bounce or an automatic reply)";
  if (m.from_address.empty()) return "no From address";
  for (const std::string* ours : {&o_.from_address, &o_.reply_address, &o_.bounce_address, &o_.new_ticket_address})
    if (!ours->empty() && (SameAddress(m.from_address, *ours) || mail::PlusTag(*ours, m.from_address)))
      return "sent from one of our own addresses";
  return std::nullopt;
}

bool Receiver::DmarcFails(const mail::InboundMessage& m) const {
  if (o_.trusted_host.empty()) return false;
  auto v = mail::DmarcResult(m, o_.trusted_host);
  return v && v->result == "fail";
}

Received Receiver::Finish(Context& c, InboundOutcome outcome, std::string reason) {
  c.record.outcome = outcome;
  c.record.reason = reason;
  auto db = pool_.Acquire();
  if (!db.ok()) return TryLater(db.status().message());
  store::InboundRepository repo(**db);
  auto id = repo.Record(c.record);
  if (!id.ok()) {
    DropOriginal(c);
    return TryLater(id.status().message());
  }
  Received r;
  r.outcome = outcome;
  r.reason = std::move(reason);
  r.ticket_id = c.record.ticket_id;
  std::string ticket = c.record.ticket_id ? std::to_string(*c.record.ticket_id) : "";
  auto level = outcome == InboundOutcome::kTaken || outcome == InboundOutcome::kBounce ? core::LogLevel::kInfo
                                                                                       : core::LogLevel::kWarning;
  core::Log(level, "mail received",
            {{"outcome", model::ToString(outcome)},
             {"reason", r.reason},
             {"from", c.m.from_address},
             {"message_id", c.m.message_id},
             {"ticket", ticket}});
  return r;
}

void Receiver::DropOriginal(Context& c) const {
  if (c.record.original.empty()) return;
  std::error_code ec;
  fs::remove(fs::path(o_.originals_dir) / c.record.original, ec);
  c.record.original.clear();
}

core::StatusOr<std::string> Receiver::KeepOriginal(std::string_view raw) {
  std::error_code ec;
  fs::create_directories(o_.originals_dir, ec);
  std::string name = core::Sha256Hex(raw).substr(0, 16) + "-" + core::RandomToken().substr(0, 8) + ".eml";
  fs::path path = fs::path(o_.originals_dir) / name;
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(raw.data(), static_cast<std::streamsize>(raw.size()));
    out.flush();
    if (!out) return core::Unavailable("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return core::Unavailable("cannot write " + path.string() + ": " + ec.message());
  return name;
}

namespace {
// Removes the temp files an upload left behind (stored files were moved away).
void RemoveLeftovers(const std::vector<tickets::Upload>& uploads) {
  std::error_code ec;
  for (const auto& u : uploads) fs::remove(u.temp_path, ec);
}

// The text of a message for a ticket: what the person wrote, or the names of the files they sent.
std::string BodyOf(const std::string& text, const mail::InboundMessage& m) {
  if (!text.empty()) return text;
  std::string names;
  for (const auto& a : m.attachments) names += (names.empty() ? "" : ", ") + (a.filename.empty() ? "?" : a.filename);
  return names.empty() ? "" : "📎 " + names;
}
}  // namespace

core::StatusOr<std::vector<tickets::Upload>> Receiver::Uploads(const mail::InboundMessage& m) {
  std::vector<tickets::Upload> out;
  std::error_code ec;
  fs::create_directories(o_.scratch_dir, ec);
  for (const auto& a : m.attachments) {
    tickets::Upload u;
    u.filename = a.filename.empty() ? "attachment" : a.filename;
    u.content_type = a.content_type;
    u.size = static_cast<int64_t>(a.data.size());
    u.sha256 = core::Sha256Hex(a.data);
    u.temp_path = (fs::path(o_.scratch_dir) / ("mail-" + core::RandomToken().substr(0, 16))).string();
    std::ofstream f(u.temp_path, std::ios::binary);
    f.write(a.data.data(), static_cast<std::streamsize>(a.data.size()));
    f.flush();
    out.push_back(std::move(u));
    if (!f) {
      RemoveLeftovers(out);
      return core::Unavailable("cannot write " + out.back().temp_path);
    }
  }
  return out;
}

std::optional<Received> Receiver::OverHourlyLimit(Context& c, int64_t user_id) {
  auto db = pool_.Acquire();
  if (!db.ok()) return TryLater(db.status().message());
  auto n = store::InboundRepository(**db).CountTakenSince(user_id, c.now - 3600);
  if (!n.ok()) return TryLater(n.status().message());
  if (*n >= o_.per_hour)
    return Finish(c, InboundOutcome::kRefused, "more than " + std::to_string(o_.per_hour) + " messages in an hour");
  return std::nullopt;
}

Received Receiver::Reply(Context& c, const std::string& token) {
  if (auto loop = Loop(c.m)) return Finish(c, InboundOutcome::kIgnored, *loop);
  std::optional<tickets::ReplyToken> found;
  {
    auto db = pool_.Acquire();
    if (!db.ok()) return TryLater(db.status().message());
    auto t = tickets::FindReplyToken(**db, token);
    if (!t.ok()) return TryLater(t.status().message());
    found = *t;
  }
  if (!found) return Finish(c, InboundOutcome::kUnknown, "no such reply address");
  c.record.user_id = found->user_id;
  c.record.ticket_id = found->ticket_id;
  if (found->revoked) return Finish(c, InboundOutcome::kRefused, "this reply address was revoked");
  auto who = sessions_.PrincipalOf(found->user_id);
  if (!who.ok()) {
    if (who.status().code() == core::StatusCode::kUnavailable) return TryLater(who.status().message());
    return Finish(c, InboundOutcome::kRefused, "the address's person: " + who.status().message());
  }
  if (!SameAddress(c.m.from_address, who->email))
    return Finish(c, InboundOutcome::kRefused, "From is not the address of the person this reply address is for");
  if (DmarcFails(c.m)) return Finish(c, InboundOutcome::kRefused, "dmarc=fail in " + o_.trusted_host + "'s results");
  if (auto stop = OverHourlyLimit(c, found->user_id)) return *stop;
  std::string body = BodyOf(mail::StripQuotedReply(c.m.text), c.m);
  if (body.empty()) return Finish(c, InboundOutcome::kRefused, "nothing written above the quoted message");

  auto original = KeepOriginal(c.raw);
  if (!original.ok()) return TryLater(original.status().message());
  c.record.original = *original;
  tickets::ReplyRequest req;
  req.body = body;
  auto uploads = Uploads(c.m);
  if (!uploads.ok()) {
    DropOriginal(c);
    return TryLater(uploads.status().message());
  }
  req.uploads = *uploads;
  int64_t retry = 0, event = 0;
  auto st = tickets_.Reply(&*who, found->ticket_id, std::move(req), &retry, &event);
  RemoveLeftovers(*uploads);
  if (!st.ok()) {
    DropOriginal(c);
    if (st.code() == core::StatusCode::kUnavailable) return TryLater(st.message());
    if (st.code() == core::StatusCode::kNotFound)
      return Finish(c, InboundOutcome::kRefused, "the person may no longer see this ticket");
    return Finish(c, InboundOutcome::kRefused, "the ticket refused the reply: " + st.message());
  }
  c.record.event_id = event;
  return Finish(c, InboundOutcome::kTaken, "a reply on the ticket");
}

Received Receiver::Bounce(Context& c, const std::string& tag) {
  if (!c.m.report) return Finish(c, InboundOutcome::kIgnored, "sent to the bounce address but not a delivery report");
  if (!c.m.report->Permanent()) return Finish(c, InboundOutcome::kBounce, "a temporary failure (not counted)");
  auto db = pool_.Acquire();
  if (!db.ok()) return TryLater(db.status().message());
  store::InboundRepository repo(**db);
  auto to = repo.OutboxRecipient(tag);
  if (!to.ok()) return TryLater(to.status().message());
  if (!*to) return Finish(c, InboundOutcome::kUnknown, "a delivery report for no message of ours");
  std::string status;
  for (const auto& r : c.m.report->recipients)
    if (r.action == "failed") {
      status = r.status + (r.diagnostic.empty() ? "" : " " + r.diagnostic);
      break;
    }
  if (status.size() > 300) status.resize(300);
  auto b = repo.AddBounce(**to, status, c.now, o_.bounce_threshold);
  if (!b.ok()) return TryLater(b.status().message());
  return Finish(c, InboundOutcome::kBounce,
                "permanent failure " + std::to_string(b->failures) + " for " + **to +
                    (b->bouncing_since ? " (bouncing: no more mail is sent to it)" : ""));
}

core::StatusOr<std::optional<auth::Principal>> Receiver::Author(const std::string& from, std::string* reason) {
  std::optional<model::User> user;
  {
    auto db = pool_.Acquire();
    if (!db.ok()) return db.status();
    store::AccountRepository accounts(**db);
    auto u = accounts.FindUserByEmail(core::ToLowerAscii(from));
    if (!u.ok()) return u.status();
    user = *u;
  }
  if (!user) {
    *reason = "From is nobody's address here";
    return std::optional<auth::Principal>();
  }
  auto who = sessions_.PrincipalOf(user->id);
  if (!who.ok()) {
    if (who.status().code() == core::StatusCode::kUnavailable) return who.status();
    *reason = "From's person: " + who.status().message();
    return std::optional<auth::Principal>();
  }
  return std::optional<auth::Principal>(std::move(who).value());
}

Received Receiver::NewTicket(Context& c) {
  if (auto loop = Loop(c.m)) return Finish(c, InboundOutcome::kIgnored, *loop);
  std::string reason;
  auto who = Author(c.m.from_address, &reason);
  if (!who.ok()) return TryLater(who.status().message());
  if (!*who) return Finish(c, InboundOutcome::kRefused, reason);
  const auth::Principal& p = **who;
  c.record.user_id = p.user_id;
  if (p.groups.empty()) return Finish(c, InboundOutcome::kRefused, "From's person is in no group");
  if (DmarcFails(c.m)) return Finish(c, InboundOutcome::kRefused, "dmarc=fail in " + o_.trusted_host + "'s results");
  if (auto stop = OverHourlyLimit(c, p.user_id)) return *stop;
  std::string body = BodyOf(std::string(core::Trim(c.m.text)), c.m);
  if (body.empty() && c.m.subject.empty()) return Finish(c, InboundOutcome::kRefused, "an empty message");
  auto original = KeepOriginal(c.raw);
  if (!original.ok()) return TryLater(original.status().message());
  c.record.original = *original;

  // A From header alone proves nothing: the ticket waits for a link sent to the person's own address, unless
  // the receiving host checked that the message really comes from that address's domain.
  bool proven = false;
  if (!o_.trusted_host.empty())
    if (auto v = mail::DmarcResult(c.m, o_.trusted_host))
      proven = v->result == "pass" && v->header_from == DomainOf(c.m.from_address);
  std::string subject = SubjectOf(c.m, body);
  if (proven && p.groups.size() == 1) {
    auto t = OpenTicket(p, subject, body, p.groups.front().id, c.m);
    if (!t.ok()) {
      DropOriginal(c);
      if (t.status().code() == core::StatusCode::kUnavailable) return TryLater(t.status().message());
      return Finish(c, InboundOutcome::kRefused, "the ticket was refused: " + t.status().message());
    }
    c.record.ticket_id = t->id;
    return Finish(c, InboundOutcome::kTaken, "a new ticket (dmarc=pass for the sender's domain)");
  }

  // The request, its record and its confirmation mail in one transaction.
  std::string token = core::RandomToken();
  std::string lang = p.lang.empty() ? "fr" : p.lang;
  c.record.outcome = InboundOutcome::kTaken;
  c.record.reason = "a new ticket, waiting for its confirmation link";
  auto db = pool_.Acquire();
  if (!db.ok()) return TryLater(db.status().message());
  int64_t record_id = 0;
  auto st = store::InTransaction(**db, [&]() -> core::Status {
    store::InboundRepository repo(**db);
    auto id = repo.Record(c.record);
    if (!id.ok()) return id.status();
    record_id = *id;
    model::MailTicketRequest r;
    r.user_id = p.user_id;
    r.inbound_id = *id;
    r.subject = subject;
    r.created_at = c.now;
    r.expires_at = c.now + o_.request_ttl_s;
    ENTRAIDE_RETURN_IF_ERROR(repo.AddTicketRequest(core::Sha256Hex(token), r));
    core::JsonWriter w;
    w.BeginObject()
        .Field("link", o_.base_url + "/" + lang + "/tickets/by-mail/" + token)
        .Field("subject", subject)
        .Field("name", p.name)
        .EndObject();
    auto m =
        store::OutboxMessage::To(model::MailKind::kTicketByMail, p.user_id, p.email, p.name, lang, w.Take(), c.now);
    return store::InsertOutboxRow(**db, m, false);
  });
  if (!st.ok()) {
    DropOriginal(c);
    return TryLater(st.message());
  }
  core::LogInfo("mail received", {{"outcome", "taken"},
                                  {"reason", c.record.reason},
                                  {"from", c.m.from_address},
                                  {"message_id", c.m.message_id},
                                  {"record", std::to_string(record_id)}});
  Received r;
  r.outcome = InboundOutcome::kTaken;
  r.reason = c.record.reason;
  return r;
}

core::StatusOr<tickets::Ticket> Receiver::OpenTicket(const auth::Principal& author, const std::string& subject,
                                                     const std::string& body, int64_t group_id,
                                                     const mail::InboundMessage& m) {
  tickets::NewTicket nt;
  nt.subject = subject;
  nt.body = body.empty() ? subject : body;
  nt.group_id = group_id;
  nt.category = kMailCategory;
  nt.lang = author.lang.empty() ? "fr" : author.lang;
  auto uploads = Uploads(m);
  if (!uploads.ok()) return uploads.status();
  nt.uploads = *uploads;
  int64_t retry = 0;
  auto t = tickets_.Create(&author, std::move(nt), &retry);
  RemoveLeftovers(*uploads);
  return t;
}

core::StatusOr<Receiver::Request> Receiver::LoadRequest(const std::string& token) {
  Request r;
  r.hash = core::Sha256Hex(token);
  {
    auto db = pool_.Acquire();
    if (!db.ok()) return db.status();
    auto row = store::InboundRepository(**db).FindTicketRequest(r.hash);
    if (!row.ok()) return row.status();
    if (!*row || (*row)->used_at || (*row)->expires_at < clock_.NowSeconds() || (*row)->original.empty())
      return core::NotFound("this link is unknown, used or expired");
    r.row = **row;
  }
  auto who = sessions_.PrincipalOf(r.row.user_id);
  if (!who.ok()) {
    if (who.status().code() == core::StatusCode::kUnavailable) return who.status();
    return core::NotFound("this link is unknown, used or expired");
  }
  r.author = std::move(who).value();
  std::ifstream in(fs::path(o_.originals_dir) / r.row.original, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = mail::ParseMessage(raw, o_.limits);
  if (!m.ok()) return core::NotFound("the message of this link is gone");
  r.message = std::move(m).value();
  r.body = BodyOf(std::string(core::Trim(r.message.text)), r.message);
  return r;
}

core::StatusOr<PendingTicket> Receiver::Pending(const std::string& token) {
  auto r = LoadRequest(token);
  if (!r.ok()) return r.status();
  return PendingTicket{r->row.subject, r->body, r->author.groups, r->author.lang};
}

core::StatusOr<tickets::Ticket> Receiver::Confirm(const std::string& token, int64_t group_id) {
  auto r = LoadRequest(token);
  if (!r.ok()) return r.status();
  const auto& groups = r->author.groups;
  if (group_id == 0 && groups.size() == 1) group_id = groups.front().id;
  if (std::none_of(groups.begin(), groups.end(), [&](const auth::GroupRef& g) { return g.id == group_id; }))
    return core::InvalidField("group", "choose one of your groups");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::InboundRepository repo(**db);
  // Used first, so that two clicks at once open one ticket; given back when the ticket cannot be opened.
  auto used = repo.UseTicketRequest(r->hash, clock_.NowSeconds());
  if (!used.ok()) return used.status();
  if (!*used) return core::NotFound("this link is unknown, used or expired");
  auto t = OpenTicket(r->author, r->row.subject, r->body, group_id, r->message);
  if (!t.ok()) {
    (void)repo.ReopenTicketRequest(r->hash);  // the link may be used again once the refusal has passed
    return t.status();
  }
  ENTRAIDE_RETURN_IF_ERROR(repo.SetRequestTicket(r->hash, r->row.inbound_id, t->id));
  return t;
}

core::StatusOr<std::vector<Original>> Receiver::Originals(const auth::Principal* who, int64_t ticket_id) {
  auto seen = tickets_.Get(who, ticket_id);  // kUnauthenticated, kNotFound: the ticket's own answer
  if (!seen.ok()) return seen.status();
  if (!seen->can_triage) return core::PermissionDenied("the originals of mail are for volunteers");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::InboundRepository repo(**db);
  auto rows = repo.OriginalsOf(ticket_id);
  if (!rows.ok()) return rows.status();
  std::vector<Original> out;
  for (const auto& r : *rows)
    out.push_back(
        {r.id, r.event_id, r.received_at, r.from_address, (fs::path(o_.originals_dir) / r.original).string()});
  return out;
}

core::StatusOr<Original> Receiver::OriginalOf(const auth::Principal* who, int64_t ticket_id, int64_t id) {
  auto all = Originals(who, ticket_id);
  if (!all.ok()) return all.status();
  for (auto& o : *all)
    if (o.id == id) return o;
  return core::NotFound("no such message");
}

}  // namespace entraide::inbox
