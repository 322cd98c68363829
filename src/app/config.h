// Config: every setting of Entraide, with its default. Loaded once at start from an INI file
// (config/entraide.ini), then from environment variables ENTRAIDE_<KEY> (key upper-cased, dots as '_'),
// validated, and passed around as const&. Relative paths are made absolute against the working directory.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace entraide::app {

struct Config {
  // [http]
  std::string http_host = "127.0.0.1";       // address to listen on
  int http_port = 8080;                      // 0 picks a free port (tests)
  int http_threads = 32;                     // requests handled at once (workers)
  int http_event_loops = 0;                  // threads owning the connections (0: one per CPU, at most 4)
  int http_queue = 256;                      // complete requests waiting for a worker; 503 beyond
  int http_keepalive_timeout = 5;            // seconds an idle keep-alive connection stays open (it holds no worker)
  int http_max_keepalive_requests = 1000;    // requests per connection before it closes
  int http_header_timeout = 10;              // seconds for a whole request head, from its first byte (not per read)
  int http_min_rate = 2048;                  // bytes/s a body (or a response being read) must keep up after that grace
  int http_max_connections_per_address = 8;  // open connections per client address; more are closed at once
  int http_max_connections = 4096;           // open connections in all
  std::vector<std::string> http_trusted_proxies;  // addresses/networks whose X-Forwarded-For names the client
  int http_max_parallel_uploads = 0;              // multipart uploads read at once (0: threads / 4)
  bool http_access_log = true;                    // one log line per request
  // [data], [content], [views], [migrations], [search]
  std::string data_dir = "./data";              // SQLite file, search index, attachments, mail
  std::string content_dir = "./content";        // the how-to library (Markdown)
  std::string views_dir = "./views";            // templates, static files, catalogs
  std::string migrations_dir = "./migrations";  // schema migrations
  std::string search_dir = "./search";          // synonyms, stop words, judgments
  // [site]
  std::string site_name = "Entraide";                   // shown in pages and mails
  std::string site_base_url = "http://127.0.0.1:8080";  // used for every absolute link (never the Host header)
  std::string site_default_lang = "fr";                 // en or fr
  // Who gives accounts, said on the sign-in page: an email address (shown as a link) or a short text, e.g.
  // "the coordinators, at aide@reseau.example". Empty: the page says to ask the group's coordinator.
  std::string site_account_contact;
  // [log]
  std::string log_level = "info";  // debug, info, warn, error
  // [mail]
  std::string mail_smtp_host;          // empty: no SMTP, messages are written to data.dir/mail/*.eml
  int mail_smtp_port = 25;             // 587 for starttls, 465 for tls, usually
  std::string mail_smtp_user;          // empty: no AUTH
  std::string mail_smtp_password;      // set it through ENTRAIDE_MAIL_SMTP_PASSWORD, not the file
  std::string mail_smtp_tls = "none";  // none, starttls or tls
  std::string mail_smtp_ca_file;       // extra CA certificates (PEM) for the server's; empty: the system's
  std::string mail_from = "Entraide <entraide@localhost>";  // From: of every message
  std::string mail_timezone = "America/Toronto";            // when digests go out (an IANA zone name)
  int mail_poll_seconds = 5;                                // how often serve's sender looks for due messages
  int mail_max_per_second = 10;    // messages handed to the SMTP server per second; 0: no limit
  std::string mail_reply_address;  // aide@example.org: ticket mails get Reply-To aide+TOKEN@...; empty: none
  // Mail received (#17): see the README, "Answering by email".
  std::string mail_bounce_address;      // bounces@example.org: VERP envelope sender; empty: mail.from's address
  std::string mail_new_ticket_address;  // aide@example.org: members open tickets by mail; empty: off
  std::string mail_trust_authentication_results;  // the receiving host's authserv-id; empty: not read
  std::string mail_pop3_host;                     // empty: serve polls no mailbox
  int mail_pop3_port = 995;
  std::string mail_pop3_user, mail_pop3_password;
  std::string mail_pop3_tls = "tls";  // tls (POP3S) or none (loopback only, e.g. a local Dovecot)
  int mail_pop3_poll_seconds = 60;
  // [auth]
  int auth_max_parallel_hashes = 0;  // password hashes at once (argon2id, 64 MiB each); 0: the number of CPUs
  int auth_hash_wait_ms = 3000;      // the longest wait for a turn to hash; then sign-in answers 503
  int auth_session_max_days = 60;    // a session ends this long after sign-in, however active
  // [backup]
  std::string backup_dir;  // `entraide backup` with no folder, and before migrations; empty: data.dir/backups
  // [privacy]
  int privacy_closed_ticket_retention_days = 0;  // closed this long ago: a ticket loses its text and files; 0: never
  // [insights]
  int insights_search_log_days = 90;  // days of search counts kept for the dashboard's search gaps
  // [helpdesk]
  std::string helpdesk_first_answer_hours = "blocking:4, high:4, normal:24, low:72";  // calendar hours per urgency
  // [metrics]
  std::string metrics_token;  // empty: /metrics only for the machine itself; else "Authorization: Bearer <token>"

  std::string DatabasePath() const { return data_dir + "/entraide.db"; }
  std::string MailDir() const { return data_dir + "/mail"; }
  std::string MailInDir() const { return data_dir + "/mail-in"; }  // originals of mail received
  std::string BackupDir() const { return backup_dir.empty() ? data_dir + "/backups" : backup_dir; }
};

// Reads `path` (when it exists; a missing file is an error only if `required`), then the environment
// (`getenv` stands in for ::getenv in tests). kInvalidArgument naming the file and line, or the key and
// value, for anything wrong.
core::StatusOr<Config> LoadConfig(const std::string& path, bool required,
                                  const std::function<std::optional<std::string>(const std::string&)>& getenv);

// The environment variable for a key: "http.port" -> "ENTRAIDE_HTTP_PORT".
std::string EnvNameFor(const std::string& key);
// Every key LoadConfig knows, for help texts and tests.
std::vector<std::string> ConfigKeys();

}  // namespace entraide::app
