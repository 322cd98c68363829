// Personal data taken out of a help-desk conversation before it becomes a draft article: email addresses, phone
// numbers (North American forms, with or without +1, dots, dashes, spaces, parentheses, extensions), Canadian
// postal codes (H2X 1Y4, h2x1y4), the names given (people's and groups'; accents and case do not matter), and
// addresses of the group's own sites (any URL or bare host name on a domain given, subdomains included).
// Each is replaced by its placeholder. Email addresses written to fool robots count too ("marie [at] exemple
// [dot] org", "marie at exemple dot org", "arobase"/"point"). Versions (1.2.3), dates, times, amounts, IP-like
// numbers, ordinary words, product names and other sites stay. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace entraide::editorial {

struct ScrubPlaceholders {
  std::string email = "[email]", phone = "[phone]", postal_code = "[postal code]", name = "[name]", site = "[site]";
};

struct ScrubContext {
  // People's names: taken out whole and each part of two letters or more (not particles: "de", "la", "van"; a
  // part that is also a common word, "Rose", "Pierre", only where it is written with a capital letter).
  std::vector<std::string> names;
  std::vector<std::string> groups;   // groups' names: taken out whole only ("Café solidaire", not every "café")
  std::vector<std::string> domains;  // the group's own sites: "cafe-solidaire.org"
  ScrubPlaceholders placeholders;
};

struct ScrubCounts {
  int emails = 0, phones = 0, postal_codes = 0, names = 0, sites = 0;
  int total() const { return emails + phones + postal_codes + names + sites; }
};

std::string ScrubPersonalData(std::string_view text, const ScrubContext& context, ScrubCounts* counts = nullptr);

}  // namespace entraide::editorial
