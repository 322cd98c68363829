#include "http/message.h"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/strings.h"

namespace entraide::http {

TempFiles::~TempFiles() {
  for (const auto& p : paths_) std::remove(p.c_str());
}

std::string Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return "";
}
bool Request::HasQuery(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return true;
  return false;
}
std::string Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}
std::string Request::Cookie(const std::string& name) const {
  auto it = cookies.find(name);
  return it == cookies.end() ? "" : it->second;
}
std::string Request::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

core::StatusOr<std::shared_ptr<const BodyFile>> BodyFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::Unavailable("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return core::Unavailable("not a regular file: " + path);
  }
  return std::shared_ptr<const BodyFile>(new BodyFile(fd, static_cast<int64_t>(st.st_size)));
}

BodyFile::~BodyFile() { ::close(fd_); }

std::string Response::FindHeader(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (core::ToLowerAscii(k) == core::ToLowerAscii(name)) return v;
  return "";
}

Response Response::Html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(body);
  return r;
}
Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}
Response Response::Redirect(int status, const std::string& location) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Redirecting to " + location + "\n";
  r.Header("Location", location);
  return r;
}

std::map<std::string, std::string> ParseCookies(std::string_view header) {
  Poco::Net::NameValueCollection pairs;  // Poco's parameter splitter: trims, unquotes, keeps duplicates in order
  std::string text(header);
  Poco::Net::MessageHeader::splitParameters(text.cbegin(), text.cend(), pairs);
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : pairs)
    if (!name.empty() && !value.empty()) out.emplace(name, value);  // names are case-sensitive; the first wins
  return out;
}

}  // namespace entraide::http
