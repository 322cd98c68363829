#include "http/server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <istream>
#include <thread>

#include "core/log.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "http/compress.h"

namespace entraide::http {

int ParseTarget(std::string_view target, size_t max_bytes, Request& req) {
  if (target.size() > max_bytes) return 414;
  if (target.empty() || target.front() != '/') return 400;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  size_t hash = raw_path.find('#');
  if (hash != std::string_view::npos) raw_path = raw_path.substr(0, hash);
  auto path = core::PercentDecode(raw_path, false);
  if (!path) return 400;
  if (path->find('\0') != std::string::npos || path->find('\\') != std::string::npos) return 400;
  if (!core::IsValidUtf8(*path)) return 400;
  for (const auto& seg : core::Split(*path, '/')) {
    if (seg == ".." || seg == ".") return 400;
    // A segment that still decodes to '..' was double-encoded: refuse it too.
    auto again = core::PercentDecode(seg, false);
    if (again && (*again == ".." || again->find('/') != std::string::npos || again->find('\\') != std::string::npos))
      return 400;
  }
  req.path = std::move(*path);
  if (q != std::string_view::npos) {
    std::string_view qs = target.substr(q + 1);
    size_t h = qs.find('#');
    if (h != std::string_view::npos) qs = qs.substr(0, h);
    auto pairs = core::ParseFormUrlEncoded(qs);
    if (!pairs) return 400;
    req.query = std::move(*pairs);
  }
  return 0;
}

void Server::Finish(const Request& req, Response& resp) {
  resp.Header("Content-Security-Policy",
              "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; "
              "form-action 'self'; frame-ancestors 'none'");
  resp.Header("X-Content-Type-Options", "nosniff");
  resp.Header("Referrer-Policy", "same-origin");
  resp.Header("X-Frame-Options", "DENY");
  bool is_text = core::StartsWith(resp.content_type, "text/") ||
                 core::StartsWith(resp.content_type, "application/json") ||
                 core::StartsWith(resp.content_type, "application/atom+xml");
  if (resp.compressible && is_text && resp.body.size() > 512 && resp.FindHeader("Content-Encoding").empty()) {
    resp.Header("Vary", "Accept-Encoding");
    if (AcceptsGzip(req.Header("accept-encoding"))) {
      resp.body = resp.gzip_body.empty() ? GzipCompress(resp.body) : std::move(resp.gzip_body);
      resp.Header("Content-Encoding", "gzip");
    }
  }
}

namespace {

using QueuedFn = std::function<int()>;

class Adapter final : public Poco::Net::HTTPRequestHandler {
 public:
  Adapter(const Router& router, const ServerOptions& options, const Fallbacks& fallbacks, const QueuedFn& queued)
      : router_(router), options_(options), fallbacks_(fallbacks), queued_(queued) {}

  void handleRequest(Poco::Net::HTTPServerRequest& pr, Poco::Net::HTTPServerResponse& ps) override {
    auto start = std::chrono::steady_clock::now();
    Request req;
    req.method = pr.getMethod();
    req.raw_target = pr.getURI();
    try {
      req.remote_addr = pr.clientAddress().host().toString();
    } catch (...) {
    }
    for (const auto& [name, value] : pr) {
      std::string lower = core::ToLowerAscii(name);
      auto it = req.headers.find(lower);
      if (it == req.headers.end()) req.headers.emplace(std::move(lower), value);
      else it->second += ", " + value;
    }
    req.cookies = ParseCookies(req.Header("cookie"));

    Response resp;
    int target_status = ParseTarget(req.raw_target, options_.max_uri_bytes, req);
    const std::string& version = pr.getVersion();
    if (version != "HTTP/1.1" && version != "HTTP/1.0") target_status = 400;
    if (target_status != 0) {
      // Keep the raw path (up to '?') only to choose between a JSON and an HTML error.
      std::string raw = req.raw_target.substr(0, req.raw_target.find('?'));
      req.path = core::StartsWith(raw, "/api/") ? "/api/" : "/";
      resp = Error(req, 400);
    } else if (!ReadBody(pr, req, resp)) {
      // resp set by ReadBody
    } else {
      resp = Dispatch(req);
    }
    Server::Finish(req, resp);
    // Fairness: a keep-alive connection holds its thread; when other connections wait for one, this
    // connection closes after its response so that they get a turn.
    if (queued_ && queued_() > 0) resp.Header("Connection", "close");
    Send(req, resp, ps);
    if (options_.access_log) {
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      char buf[64];
      std::snprintf(buf, sizeof buf, " %d %zu %.2fms", resp.status, resp.body.size(), ms);
      std::string path = req.raw_target.size() > 200 ? req.raw_target.substr(0, 200) + "..." : req.raw_target;
      core::LogInfo(req.method + " " + path + buf);
    }
  }

 private:
  Response Error(const Request& req, int status) {
    if (fallbacks_.error_page) return fallbacks_.error_page(req, status);
    return Response::Text(status, "Error " + std::to_string(status) + "\n");
  }

  // multipart/form-data: fields into req.form, files streamed to temp files (never held in memory).
  bool ReadMultipart(Poco::Net::HTTPServerRequest& pr, Request& req, Response& resp) {
    if (options_.upload_dir.empty()) {
      resp = Error(req, 415);
      return false;
    }
    if (pr.hasContentLength() && static_cast<uint64_t>(pr.getContentLength64()) > options_.max_multipart_bytes) {
      resp = TooLarge(req, "the upload is larger than " + std::to_string(options_.max_multipart_bytes >> 20) + " MiB");
      return false;
    }
    std::string boundary;
    try {
      boundary = Poco::Net::MediaType(pr.getContentType()).getParameter("boundary");
    } catch (...) {
    }
    if (boundary.empty() || boundary.size() > 200) {
      resp = Error(req, 400);
      return false;
    }
    req.multipart = true;
    size_t total = 0;
    try {
      Poco::Net::MultipartReader reader(pr.stream(), boundary);
      int parts = 0;
      while (reader.hasNextPart()) {
        if (++parts > 100) {
          resp = Error(req, 400);
          return false;
        }
        Poco::Net::MessageHeader h;
        reader.nextPart(h);
        std::string disp;
        Poco::Net::NameValueCollection params;
        Poco::Net::MessageHeader::splitParameters(h.get("Content-Disposition", ""), disp, params);
        std::string name = params.get("name", "");
        std::istream& in = reader.stream();
        char buf[65536];
        if (!params.has("filename")) {
          std::string value;
          while (in) {
            in.read(buf, sizeof buf);
            value.append(buf, static_cast<size_t>(in.gcount()));
            total += static_cast<size_t>(in.gcount());
            if (value.size() > options_.max_body_bytes || total > options_.max_multipart_bytes) {
              resp = TooLarge(req, "the form is too large");
              return false;
            }
          }
          req.form.emplace_back(name, std::move(value));
          continue;
        }
        UploadedFile f;
        f.field = name;
        f.filename = params.get("filename", "");
        f.content_type = h.get("Content-Type", "application/octet-stream");
        std::string tmpl = options_.upload_dir + "/upload-XXXXXX";
        std::vector<char> path(tmpl.begin(), tmpl.end());
        path.push_back('\0');
        int fd = ::mkstemp(path.data());
        if (fd < 0) {
          resp = Error(req, 503);
          return false;
        }
        f.path = path.data();
        req.temp_files.Add(f.path);
        core::Sha256 hash;
        bool write_ok = true;
        while (in) {
          in.read(buf, sizeof buf);
          auto n = static_cast<size_t>(in.gcount());
          if (n == 0) break;
          f.size += static_cast<int64_t>(n);
          total += n;
          if (static_cast<size_t>(f.size) > options_.max_upload_file_bytes) {
            ::close(fd);
            resp = TooLarge(req, "attachments: " + f.filename + " is larger than " +
                                     std::to_string(options_.max_upload_file_bytes >> 20) + " MiB");
            return false;
          }
          if (total > options_.max_multipart_bytes) {
            ::close(fd);
            resp = TooLarge(req, "the upload is larger than " + std::to_string(options_.max_multipart_bytes >> 20) + " MiB");
            return false;
          }
          hash.Update(std::string_view(buf, n));
          if (::write(fd, buf, n) != static_cast<ssize_t>(n)) write_ok = false;
        }
        ::close(fd);
        if (!write_ok) {
          resp = Error(req, 503);
          return false;
        }
        if (f.filename.empty() && f.size == 0) continue;  // a file input left empty
        auto digest = hash.Finish();
        f.sha256 = core::HexEncode(digest.data(), digest.size());
        req.uploads.push_back(std::move(f));
      }
    } catch (const Poco::Exception& e) {
      resp = Error(req, 400);
      return false;
    }
    return true;
  }

  Response TooLarge(const Request& req, const std::string& message) {
    Response r = Error(req, 413);
    r.Header("X-Entraide-Error", message);
    r.Header("Connection", "close");
    return r;
  }

  bool ReadBody(Poco::Net::HTTPServerRequest& pr, Request& req, Response& resp) {
    if (core::StartsWith(core::ToLowerAscii(pr.getContentType()), "multipart/form-data"))
      return ReadMultipart(pr, req, resp);
    if (pr.hasContentLength()) {
      auto len = pr.getContentLength64();
      if (len < 0) {
        resp = Error(req, 400);
        return false;
      }
      if (static_cast<uint64_t>(len) > options_.max_body_bytes) {
        resp = Error(req, 413);
        resp.Header("Connection", "close");
        return false;
      }
      if (len == 0) return true;
    } else if (!pr.getChunkedTransferEncoding()) {
      return true;  // no body
    }
    std::istream& in = pr.stream();
    char buf[16384];
    while (in) {
      in.read(buf, sizeof buf);
      req.body.append(buf, static_cast<size_t>(in.gcount()));
      if (req.body.size() > options_.max_body_bytes) {
        resp = Error(req, 413);
        resp.Header("Connection", "close");
        return false;
      }
    }
    return true;
  }

  Response Dispatch(Request& req) {
    try {
      const Handler* handler = nullptr;
      std::string allowed;
      switch (router_.Match(req, &handler, &allowed)) {
        case Router::MatchResult::kFound: return (*handler)(req);
        case Router::MatchResult::kMethodNotAllowed: {
          Response r = Error(req, 405);
          r.Header("Allow", allowed);
          return r;
        }
        case Router::MatchResult::kNotFound: return Error(req, 404);
      }
    } catch (const std::exception& e) {
      core::LogError("handler for " + req.method + " " + req.path + " threw: " + e.what());
    } catch (...) {
      core::LogError("handler for " + req.method + " " + req.path + " threw");
    }
    return Error(req, 500);
  }

  void Send(const Request& req, Response& resp, Poco::Net::HTTPServerResponse& ps) {
    if (resp.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(resp.delay_ms));
    ps.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(resp.status));
    bool no_body = resp.status == 304 || resp.status == 204;
    if (!no_body) ps.setContentType(resp.content_type);
    for (const auto& [k, v] : resp.headers) {
      if (core::ToLowerAscii(k) == "connection" && v == "close") {
        ps.setKeepAlive(false);
        continue;
      }
      if (core::ToLowerAscii(k) == "set-cookie") ps.add(k, v);
      else if (ps.has(k)) ps.set(k, ps.get(k) + ", " + v);
      else ps.set(k, v);
    }
    if (no_body) {
      ps.setContentLength(0);
      ps.send();
      return;
    }
    ps.setContentLength64(static_cast<Poco::Int64>(resp.body.size()));
    std::ostream& out = ps.send();
    if (req.method != "HEAD") out.write(resp.body.data(), static_cast<std::streamsize>(resp.body.size()));
  }

  const Router& router_;
  const ServerOptions& options_;
  const Fallbacks& fallbacks_;
  const QueuedFn& queued_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Router& router, const ServerOptions& options, const Fallbacks& fallbacks, QueuedFn queued)
      : router_(router), options_(options), fallbacks_(fallbacks), queued_(std::move(queued)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Adapter(router_, options_, fallbacks_, queued_);
  }

 private:
  const Router& router_;
  const ServerOptions& options_;
  const Fallbacks& fallbacks_;
  QueuedFn queued_;
};

}  // namespace

struct Server::Impl {
  const Router& router;
  ServerOptions options;
  Fallbacks fallbacks;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
};

Server::Server(const Router& router, ServerOptions options, Fallbacks fallbacks)
    : impl_(new Impl{router, std::move(options), std::move(fallbacks), nullptr, nullptr, 0}) {}

Server::~Server() { Stop(); }

core::Status Server::Start() {
  try {
    Poco::Net::SocketAddress addr(impl_->options.host, static_cast<Poco::UInt16>(impl_->options.port));
    Poco::Net::ServerSocket socket;
    socket.bind(addr, true);
    socket.listen(impl_->options.queue);
    impl_->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(impl_->options.threads);
    params->setMaxQueued(impl_->options.queue);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(impl_->options.keepalive_timeout_s, 0));
    params->setMaxKeepAliveRequests(impl_->options.max_keepalive_requests);
    params->setTimeout(Poco::Timespan(30, 0));
    params->setServerName("Entraide");
    impl_->pool = std::make_unique<Poco::ThreadPool>(2, impl_->options.threads + 2, 60);
    Impl* impl = impl_.get();
    auto queued = [impl]() { return impl->server ? impl->server->queuedConnections() : 0; };
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(impl_->router, impl_->options, impl_->fallbacks, queued), *impl_->pool, socket, params);
    impl_->server->start();
  } catch (const Poco::Exception& e) {
    return core::Unavailable("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                             ": " + e.displayText());
  }
  return core::Status::Ok();
}

int Server::port() const { return impl_->port; }

void Server::Stop() {
  if (!impl_->server) return;
  // Stop accepting; connections finish the request they are serving, then close.
  impl_->server->stopAll(false);
  impl_->pool->joinAll();
  impl_->server.reset();
  impl_->pool.reset();
}

}  // namespace entraide::http
