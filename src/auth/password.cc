#include "auth/password.h"

#include <pwquality.h>
#include <sodium.h>
#include <zxcvbn.h>

#include <cctype>
#include <mutex>
#include <sstream>
#include <vector>

#include "core/strings.h"

namespace entraide::auth {

namespace {

// The compiled-in French words, read once.
const std::vector<std::string>& FrenchWords() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out;
    std::istringstream in(kFrenchWordsText);
    std::string line;
    while (std::getline(in, line)) {
      std::string w(core::Trim(line));
      if (!w.empty() && w[0] != '#') out.push_back(w);
    }
    return out;
  }();
  return words;
}

// The parts of a name or an email address a person might put in a password ("ana", "gagnon", "example"),
// lower case, at least 3 characters.
void AddPersonalWords(const std::string& text, std::vector<std::string>& out) {
  std::string word;
  for (char c : core::ToLowerAscii(text) + " ") {
    if (static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
    } else {
      if (word.size() >= 3) out.push_back(word);
      word.clear();
    }
  }
}

}  // namespace

HashCost HashCost::Interactive() { return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE}; }
HashCost HashCost::Minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

core::StatusOr<std::string> HashPassword(const std::string& password, const HashCost& cost) {
  if (sodium_init() < 0) return core::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem, crypto_pwhash_ALG_ARGON2ID13) !=
      0)
    return core::Unavailable("not enough memory to hash the password");
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  if (sodium_init() < 0 || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

double PasswordEntropyBits(const std::string& password, const std::string& email, const std::string& name) {
  // zxcvbn ranks a user dictionary's words by position: the person's own words first (the cheapest guesses),
  // then the French list, most common first.
  std::vector<std::string> personal;
  AddPersonalWords(name, personal);
  AddPersonalWords(email, personal);
  std::vector<const char*> dict;
  for (const auto& w : personal) dict.push_back(w.c_str());
  for (const auto& w : FrenchWords()) dict.push_back(w.c_str());
  dict.push_back(nullptr);
  return ZxcvbnMatch(password.c_str(), dict.data(), nullptr);
}

core::Status PasswordTooShort() {
  return core::InvalidArgument("the password must have at least " + std::to_string(kMinPasswordLength) + " characters")
      .For("password")
      .WithKey("error_password_short");
}

namespace {
core::Status Refused(const std::string& what) { return core::InvalidArgument("the password " + what).For("password"); }
core::Status TooWeak(const std::string& reason) {
  return core::InvalidArgument("the password is too weak: " + reason)
      .For("password")
      .WithKey("error_password_weak", {{"detail", reason}});
}
}  // namespace

core::Status CheckPasswordQuality(const std::string& password, const std::string& email, const std::string& name) {
  if (password.size() < kMinPasswordLength) return PasswordTooShort();
  if (password.size() > 1024) return Refused("is longer than 1024 characters");
  if (password.find('\0') != std::string::npos) return Refused("must not hold a NUL byte");
  {
    // cracklib (behind libpwquality) is not thread-safe.
    static std::mutex mu;
    std::lock_guard<std::mutex> lock(mu);
    pwquality_settings_t* settings = pwquality_default_settings();
    if (!settings) return core::Internal("libpwquality failed to initialise");
    pwquality_set_int_value(settings, PWQ_SETTING_MIN_LENGTH, static_cast<int>(kMinPasswordLength));
    void* aux = nullptr;
    std::string user = email.substr(0, email.find('@'));
    int rc = pwquality_check(settings, password.c_str(), nullptr, user.c_str(), &aux);
    core::Status result;
    if (rc < 0) {
      char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
      const char* reason = pwquality_strerror(buf, sizeof buf, rc, aux);
      result = TooWeak(reason ? reason : "refused");
    } else if (!name.empty() && name.size() >= 4 && password.find(name) != std::string::npos) {
      result = TooWeak("it contains your name");
    }
    pwquality_free_settings(settings);
    if (!result.ok()) return result;
  }
  // cracklib's dictionary accepts password1234 or motdepasse1: zxcvbn sees words, years, keyboard rows and
  // l33t, in English and (with our list) French.
  if (PasswordEntropyBits(password, email, name) < kMinPasswordEntropyBits)
    return TooWeak("it is too easy to guess (common words, names, dates or keyboard patterns)");
  return core::Status::Ok();
}

}  // namespace entraide::auth
