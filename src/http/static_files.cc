#include "http/static_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "http/compress.h"

namespace entraide::http {
namespace fs = std::filesystem;

namespace {
std::string ContentTypeFor(const std::string& ext) {
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}
bool Compressible(const std::string& type) {
  return core::StartsWith(type, "text/") || core::StartsWith(type, "image/svg") ||
         core::StartsWith(type, "application/json");
}
}  // namespace

core::StatusOr<std::unique_ptr<StaticFiles>> StaticFiles::Load(const std::string& dir) {
  auto sf = std::unique_ptr<StaticFiles>(new StaticFiles);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return core::InvalidArgument("static folder not found: " + dir);
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string name = fs::relative(e.path(), dir).generic_string();
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    File f;
    f.body = ss.str();
    std::string hash = core::Sha256Hex(f.body);
    f.fingerprint = hash.substr(0, 10);
    f.etag = "\"" + hash.substr(0, 20) + "\"";
    f.content_type = ContentTypeFor(e.path().extension().string());
    if (Compressible(f.content_type) && f.body.size() > 256) f.gzip = GzipCompress(f.body);
    struct stat st {};
    if (::stat(e.path().c_str(), &st) == 0) f.last_modified = core::FormatHttpDate(st.st_mtime);
    sf->files_[name] = std::move(f);
  }
  return sf;
}

std::string StaticFiles::UrlFor(const std::string& name) const {
  auto it = files_.find(name);
  if (it == files_.end()) return "";
  size_t dot = name.rfind('.');
  std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  return "/static/" + stem + "." + it->second.fingerprint + ext;
}

Response StaticFiles::Serve(const Request& req, const std::string& name) const {
  const File* file = nullptr;
  bool immutable = false;
  if (auto it = files_.find(name); it != files_.end()) {
    file = &it->second;
  } else {
    // name = stem.FINGERPRINT.ext
    size_t last = name.rfind('.');
    size_t prev = last == std::string::npos || last == 0 ? std::string::npos : name.rfind('.', last - 1);
    if (prev != std::string::npos) {
      std::string fp = name.substr(prev + 1, last - prev - 1);
      std::string real = name.substr(0, prev) + name.substr(last);
      if (auto it = files_.find(real); it != files_.end() && it->second.fingerprint == fp) {
        file = &it->second;
        immutable = true;
      }
    }
  }
  if (!file) return Response::Text(404, "Not found\n");
  Response r;
  r.content_type = file->content_type;
  r.compressible = false;  // chosen here from the precomputed gzip
  r.Header("ETag", file->etag);
  if (!file->last_modified.empty()) r.Header("Last-Modified", file->last_modified);
  r.Header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate");
  r.Header("Vary", "Accept-Encoding");
  std::string inm = req.Header("if-none-match");
  if (!inm.empty() && (inm == file->etag || inm == "*" || inm.find(file->etag) != std::string::npos)) {
    r.status = 304;
    return r;
  }
  if (!file->gzip.empty() && AcceptsGzip(req.Header("accept-encoding"))) {
    r.body = file->gzip;
    r.Header("Content-Encoding", "gzip");
  } else {
    r.body = file->body;
  }
  return r;
}

}  // namespace entraide::http
