// Who the client is, by address: IPv4/IPv6 networks in CIDR form, and the client address of a request that
// came through a trusted reverse proxy (X-Forwarded-For, read from the right, only when the peer is one of
// http.trusted_proxies). Immutable after construction; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entraide::http {

struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4
  int prefix = 0;                   // bits
};

// "10.0.0.0/8", "127.0.0.1" (/32), "::1", "fd00::/8". IPv4-mapped IPv6 addresses ("::ffff:1.2.3.4") count as
// IPv4. nullopt when it is not an address, or the prefix is out of range.
std::optional<IpNetwork> ParseNetwork(std::string_view text);
// True for 127.0.0.0/8 (also written as IPv4-mapped IPv6) and ::1; false for anything that is not an address.
bool IsLoopback(std::string_view address);
// The canonical text of an address ("::ffff:1.2.3.4" -> "1.2.3.4"), or "" when `text` is not one.
std::string CanonicalAddress(std::string_view text);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // nullopt-free: the caller validated each entry with ParseNetwork (Config does).
  explicit TrustedProxies(const std::vector<std::string>& cidrs);

  bool Contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }
  // The client's address: `peer` unless it is trusted and `forwarded_for` (the X-Forwarded-For values, comma
  // separated, in the order received) names one; then the right-most address that is not a trusted proxy
  // (or the left-most when all are). An entry that is not an address stops the walk: the address before it
  // (to its right) is taken.
  std::string ClientAddress(std::string_view peer, std::string_view forwarded_for) const;

 private:
  std::vector<IpNetwork> networks_;
};

}  // namespace entraide::http
