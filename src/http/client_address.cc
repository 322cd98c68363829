#include "http/client_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace entraide::http {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<IpNetwork> ParseAddress(std::string_view text) {
  if (text.empty() || text.size() > 63) return std::nullopt;
  // "[::1]" as some proxies write IPv6 addresses, and a port after an IPv4 address are not accepted: the
  // proxies we document write plain addresses.
  std::string s(text);
  IpNetwork n;
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    std::memcpy(n.bytes.data(), &a4, 4);
    n.prefix = 32;
    return n;
  }
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(&a6, kMapped, 12) == 0) {
      std::memcpy(n.bytes.data(), reinterpret_cast<const uint8_t*>(&a6) + 12, 4);
      n.prefix = 32;
      return n;
    }
    n.v6 = true;
    std::memcpy(n.bytes.data(), &a6, 16);
    n.prefix = 128;
    return n;
  }
  return std::nullopt;
}

bool InNetwork(const IpNetwork& net, const IpNetwork& addr) {
  if (net.v6 != addr.v6) return false;
  int bits = net.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((net.bytes[i] & mask) != (addr.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace

std::optional<IpNetwork> ParseNetwork(std::string_view text) {
  text = Trim(text);
  size_t slash = text.find('/');
  auto n = ParseAddress(text.substr(0, slash));
  if (!n) return std::nullopt;
  if (slash == std::string_view::npos) return n;
  std::string_view p = text.substr(slash + 1);
  if (p.empty() || p.size() > 3) return std::nullopt;
  int prefix = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return std::nullopt;
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > (n->v6 ? 128 : 32)) return std::nullopt;
  n->prefix = prefix;
  return n;
}

bool IsLoopback(std::string_view address) {
  auto a = ParseAddress(Trim(address));
  if (!a) return false;
  if (!a->v6) return a->bytes[0] == 127;  // 127.0.0.0/8
  static const std::array<uint8_t, 16> kOne = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return a->bytes == kOne;  // ::1
}

std::string CanonicalAddress(std::string_view text) {
  auto n = ParseAddress(Trim(text));
  if (!n) return "";
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(n->v6 ? AF_INET6 : AF_INET, n->bytes.data(), buf, sizeof buf)) return "";
  return buf;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& cidrs) {
  for (const auto& c : cidrs)
    if (auto n = ParseNetwork(c)) networks_.push_back(*n);
}

bool TrustedProxies::Contains(std::string_view address) const {
  if (networks_.empty()) return false;
  auto a = ParseAddress(Trim(address));
  if (!a) return false;
  for (const auto& n : networks_)
    if (InNetwork(n, *a)) return true;
  return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer, std::string_view forwarded_for) const {
  std::string client(peer);
  if (forwarded_for.empty() || !Contains(peer)) return client;
  std::vector<std::string_view> hops;
  for (size_t start = 0;;) {
    size_t comma = forwarded_for.find(',', start);
    hops.push_back(
        forwarded_for.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // Walk from the right: each proxy appended the address it received the request from.
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::string address = CanonicalAddress(*it);
    if (address.empty()) break;  // garbage: keep the last address we could trust
    client = std::move(address);
    if (!Contains(client)) break;
  }
  return client;
}

}  // namespace entraide::http
