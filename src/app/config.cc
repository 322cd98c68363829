#include "app/config.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/strings.h"
#include "core/timezone.h"
#include "http/client_address.h"
#include "i18n/catalog.h"
#include "mail/mime.h"
#include "tickets/response_targets.h"

namespace entraide::app {
namespace fs = std::filesystem;

namespace {

using Setter = std::function<core::Status(Config&, const std::string&)>;

core::Status Bad(const std::string& key, const std::string& value, const std::string& why) {
  return core::InvalidArgument(key + " = '" + value + "': " + why);
}

Setter Int(int Config::*field, int min, int max) {
  return [field, min, max](Config& c, const std::string& v) -> core::Status {
    // The key is filled in by the caller's message.
    size_t used = 0;
    long n = 0;
    try {
      n = std::stol(v, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != v.size() || n < min || n > max)
      return core::InvalidArgument("must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    c.*field = static_cast<int>(n);
    return core::Status::Ok();
  };
}

Setter Bool(bool Config::*field) {
  return [field](Config& c, const std::string& v) -> core::Status {
    std::string l = core::ToLowerAscii(v);
    if (l == "true" || l == "yes" || l == "on" || l == "1")
      c.*field = true;
    else if (l == "false" || l == "no" || l == "off" || l == "0")
      c.*field = false;
    else
      return core::InvalidArgument("must be true or false");
    return core::Status::Ok();
  };
}

Setter Text(std::string Config::*field) {
  return [field](Config& c, const std::string& v) -> core::Status {
    for (char ch : v)
      if (static_cast<unsigned char>(ch) < 0x20) return core::InvalidArgument("must not hold control characters");
    c.*field = v;
    return core::Status::Ok();
  };
}

// An address without a name or a '+' (the tags of plus addressing are ours), e.g. aide@reseau.example; empty: off.
Setter BareAddress(std::string Config::*field) {
  return [field](Config& c, const std::string& v) -> core::Status {
    auto at = v.find('@');
    if (!v.empty() &&
        (at == std::string::npos || at == 0 || at + 1 == v.size() || v.find('@', at + 1) != std::string::npos ||
         v.find_first_of(" +<>\"'(),;:\r\n\t") != std::string::npos || v.size() > 254))
      return core::InvalidArgument("must be a bare address like aide@example.org, without '+' (empty: off)");
    c.*field = v;
    return core::Status::Ok();
  };
}

// A host name (letters, digits, '.', '-'); empty: off.
Setter HostName(std::string Config::*field) {
  return [field](Config& c, const std::string& v) -> core::Status {
    if (v.size() > 253 ||
        v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != std::string::npos)
      return core::InvalidArgument("must be a host name like mx.example.org");
    c.*field = v;
    return core::Status::Ok();
  };
}

Setter Path(std::string Config::*field) {
  return [field](Config& c, const std::string& v) -> core::Status {
    if (v.empty()) return core::InvalidArgument("must be a path");
    c.*field = v;
    return core::Status::Ok();
  };
}

const std::vector<std::pair<std::string, Setter>>& Keys() {
  static const std::vector<std::pair<std::string, Setter>> kKeys = {
      {"http.host",
       [](Config& c, const std::string& v) -> core::Status {
         if (v.empty() || v.find_first_of(" /") != std::string::npos)
           return core::InvalidArgument("must be a host name or address");
         c.http_host = v;
         return core::Status::Ok();
       }},
      {"http.port", Int(&Config::http_port, 0, 65535)},
      {"http.threads", Int(&Config::http_threads, 1, 1024)},
      {"http.event_loops", Int(&Config::http_event_loops, 0, 64)},
      {"http.queue", Int(&Config::http_queue, 1, 65535)},
      {"http.keepalive_timeout", Int(&Config::http_keepalive_timeout, 1, 300)},
      {"http.max_keepalive_requests", Int(&Config::http_max_keepalive_requests, 1, 1000000)},
      {"http.header_timeout", Int(&Config::http_header_timeout, 1, 300)},
      {"http.min_rate", Int(&Config::http_min_rate, 1, 100 * 1024 * 1024)},
      {"http.max_connections_per_address", Int(&Config::http_max_connections_per_address, 1, 100000)},
      {"http.max_connections", Int(&Config::http_max_connections, 16, 1000000)},
      {"http.trusted_proxies",
       [](Config& c, const std::string& v) -> core::Status {
         // A comma-separated list of addresses or networks (CIDR): the reverse proxies in front of Entraide.
         std::vector<std::string> list;
         for (const auto& part : core::Split(v, ',', true)) {
           std::string entry(core::Trim(part));
           if (entry.empty()) continue;
           if (!http::ParseNetwork(entry))
             return core::InvalidArgument("'" + entry + "' is not an address or a network like 10.0.0.0/8 or ::1");
           list.push_back(entry);
         }
         c.http_trusted_proxies = std::move(list);
         return core::Status::Ok();
       }},
      {"http.max_parallel_uploads", Int(&Config::http_max_parallel_uploads, 0, 1024)},
      {"http.access_log", Bool(&Config::http_access_log)},
      {"data.dir", Path(&Config::data_dir)},
      {"content.dir", Path(&Config::content_dir)},
      {"views.dir", Path(&Config::views_dir)},
      {"migrations.dir", Path(&Config::migrations_dir)},
      {"search.dir", Path(&Config::search_dir)},
      {"site.name",
       [](Config& c, const std::string& v) -> core::Status {
         if (v.empty() || v.size() > 100) return core::InvalidArgument("must be 1 to 100 characters");
         c.site_name = v;
         return core::Status::Ok();
       }},
      {"site.base_url",
       [](Config& c, const std::string& v) -> core::Status {
         if (!(core::StartsWith(v, "http://") || core::StartsWith(v, "https://")) || v.size() < 10 ||
             v.find_first_of(" \"'<>") != std::string::npos)
           return core::InvalidArgument("must be an absolute http:// or https:// URL");
         std::string u = v;
         while (!u.empty() && u.back() == '/') u.pop_back();
         c.site_base_url = u;
         return core::Status::Ok();
       }},
      {"site.account_contact",
       [](Config& c, const std::string& v) -> core::Status {
         if (v.size() > 200) return core::InvalidArgument("must be at most 200 characters");
         c.site_account_contact = v;
         return core::Status::Ok();
       }},
      {"site.default_lang",
       [](Config& c, const std::string& v) -> core::Status {
         if (!i18n::IsSupportedLang(v))
           return core::InvalidArgument("must be one of " + core::Join(i18n::SupportedLangs(), ", "));
         c.site_default_lang = v;
         return core::Status::Ok();
       }},
      {"log.level",
       [](Config& c, const std::string& v) -> core::Status {
         if (v != "debug" && v != "info" && v != "warn" && v != "error")
           return core::InvalidArgument("must be debug, info, warn or error");
         c.log_level = v;
         return core::Status::Ok();
       }},
      {"mail.smtp.host",
       [](Config& c, const std::string& v) -> core::Status {
         if (v.size() > 253 || v.find_first_of(" /:@<>\"'\r\n\t") != std::string::npos)
           return core::InvalidArgument("must be a host name or address (empty: write .eml files)");
         c.mail_smtp_host = v;
         return core::Status::Ok();
       }},
      {"mail.smtp.port", Int(&Config::mail_smtp_port, 1, 65535)},
      {"mail.smtp.user", Text(&Config::mail_smtp_user)},
      {"mail.smtp.password", Text(&Config::mail_smtp_password)},
      {"mail.smtp.tls",
       [](Config& c, const std::string& v) -> core::Status {
         if (v != "none" && v != "starttls" && v != "tls")
           return core::InvalidArgument("must be none, starttls or tls");
         c.mail_smtp_tls = v;
         return core::Status::Ok();
       }},
      {"mail.smtp.ca_file",
       [](Config& c, const std::string& v) -> core::Status {
         // A private relay's CA (PEM), added to the system's; checked now rather than at the first message.
         if (!v.empty() && ::access(v.c_str(), R_OK) != 0)
           return core::InvalidArgument("must be a readable PEM file (empty: the system's CAs)");
         c.mail_smtp_ca_file = v;
         return core::Status::Ok();
       }},
      {"mail.from",
       [](Config& c, const std::string& v) -> core::Status {
         if (!mail::ParseAddress(v).ok())
           return core::InvalidArgument("must be an address like Entraide <entraide@example.org>");
         c.mail_from = v;
         return core::Status::Ok();
       }},
      {"mail.timezone",
       [](Config& c, const std::string& v) -> core::Status {
         // An IANA name with a readable zoneinfo file (package tzdata): digests are scheduled in it.
         if (!core::TimeZone::Load(v).ok())
           return core::InvalidArgument("must be a time zone name like America/Toronto");
         c.mail_timezone = v;
         return core::Status::Ok();
       }},
      {"mail.poll_seconds", Int(&Config::mail_poll_seconds, 1, 3600)},
      {"mail.max_per_second", Int(&Config::mail_max_per_second, 0, 100000)},
      {"mail.reply_address",
       [](Config& c, const std::string& v) -> core::Status {
         // An address only (no name): replies go to its local part + "+" + 32 characters, 64 at most (RFC 5321).
         size_t at = v.find('@');
         if (!v.empty() && (!mail::IsSafeEmail(v) || v.find('+') < at || at > 31))
           return core::InvalidArgument(
               "must be an address like aide@example.org, its part before @ without + and at most 31 characters "
               "(empty: no reply addresses)");
         c.mail_reply_address = v;
         return core::Status::Ok();
       }},
      {"mail.bounce_address", BareAddress(&Config::mail_bounce_address)},
      {"mail.new_ticket_address", BareAddress(&Config::mail_new_ticket_address)},
      {"mail.trust_authentication_results", HostName(&Config::mail_trust_authentication_results)},
      {"mail.pop3.host", HostName(&Config::mail_pop3_host)},
      {"mail.pop3.port", Int(&Config::mail_pop3_port, 1, 65535)},
      {"mail.pop3.user", Text(&Config::mail_pop3_user)},
      {"mail.pop3.password", Text(&Config::mail_pop3_password)},
      {"mail.pop3.tls",
       [](Config& c, const std::string& v) -> core::Status {
         if (v != "none" && v != "tls") return core::InvalidArgument("must be tls or none");
         c.mail_pop3_tls = v;
         return core::Status::Ok();
       }},
      {"mail.pop3.poll_seconds", Int(&Config::mail_pop3_poll_seconds, 5, 3600)},
      {"auth.max_parallel_hashes", Int(&Config::auth_max_parallel_hashes, 0, 1024)},
      {"auth.hash_wait_ms", Int(&Config::auth_hash_wait_ms, 0, 60000)},
      {"auth.session_max_days", Int(&Config::auth_session_max_days, 1, 3650)},
      {"backup.dir", Text(&Config::backup_dir)},  // empty: data.dir/backups
      {"privacy.closed_ticket_retention_days", Int(&Config::privacy_closed_ticket_retention_days, 0, 36500)},
      {"insights.search_log_days", Int(&Config::insights_search_log_days, 1, 3650)},
      {"helpdesk.first_answer_hours",
       [](Config& c, const std::string& v) -> core::Status {
         auto targets = tickets::ParseResponseTargets(v);
         if (!targets.ok()) return targets.status();
         c.helpdesk_first_answer_hours = tickets::FormatResponseTargets(*targets);
         return core::Status::Ok();
       }},
      {"metrics.token",
       [](Config& c, const std::string& v) -> core::Status {
         // A bearer token (RFC 6750 allows these characters): long enough not to be guessed.
         if (!v.empty() && v.size() < 16) return core::InvalidArgument("must be empty or at least 16 characters");
         if (v.size() > 256) return core::InvalidArgument("must be at most 256 characters");
         for (char ch : v)
           if (!std::isalnum(static_cast<unsigned char>(ch)) &&
               std::string_view("-._~+/=").find(ch) == std::string_view::npos)
             return core::InvalidArgument("may hold only letters, digits and - . _ ~ + / =");
         c.metrics_token = v;
         return core::Status::Ok();
       }},
  };
  return kKeys;
}

const Setter* FindKey(const std::string& key) {
  for (const auto& [k, s] : Keys())
    if (k == key) return &s;
  return nullptr;
}

}  // namespace

std::string EnvNameFor(const std::string& key) {
  std::string out = "ENTRAIDE_";
  for (char c : key) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> out;
  for (const auto& [k, s] : Keys()) out.push_back(k);
  return out;
}

core::StatusOr<Config> LoadConfig(const std::string& path, bool required,
                                  const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  Config c;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    if (!in) return core::InvalidArgument(path + ": cannot read");
    std::string line, section;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      std::string_view l = core::Trim(line);
      if (l.empty() || l[0] == '#' || l[0] == ';') continue;
      std::string where = path + ":" + std::to_string(line_no) + ": ";
      if (l.front() == '[') {
        if (l.back() != ']') return core::InvalidArgument(where + "a section is written [name]");
        section = std::string(core::Trim(l.substr(1, l.size() - 2)));
        continue;
      }
      size_t eq = l.find('=');
      if (eq == std::string_view::npos) return core::InvalidArgument(where + "expected 'key = value'");
      std::string name(core::Trim(l.substr(0, eq)));
      std::string value(core::Trim(l.substr(eq + 1)));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      std::string key = section.empty() ? name : section + "." + name;
      const Setter* setter = FindKey(key);
      if (!setter) return core::InvalidArgument(where + "unknown key '" + key + "'");
      core::Status st = (*setter)(c, value);
      if (!st.ok()) return core::InvalidArgument(where + key + " = '" + value + "': " + st.message());
    }
  } else if (required) {
    return core::InvalidArgument(path + ": config file not found");
  }
  for (const auto& [key, setter] : Keys()) {
    std::string env = EnvNameFor(key);
    auto value = getenv(env);
    if (!value) continue;
    core::Status st = setter(c, *value);
    if (!st.ok()) return Bad(key, *value, st.message() + " (from " + env + ")");
  }
  for (std::string* p : {&c.data_dir, &c.content_dir, &c.views_dir, &c.migrations_dir, &c.search_dir, &c.backup_dir}) {
    if (p->empty()) continue;  // backup.dir: empty means data.dir/backups
    *p = fs::absolute(*p).lexically_normal().string();
    while (p->size() > 1 && p->back() == '/') p->pop_back();
  }
  return c;
}

}  // namespace entraide::app
