// Accounts: the account services over one store, sharing one PasswordHasher (one HashGate per process):
// what app/ wires, and what tests make when they need people. Owns them; not copyable. Thread-safe as its parts.
#pragma once

#include "auth/directory.h"
#include "auth/options.h"
#include "auth/password_hasher.h"
#include "auth/session_service.h"

namespace entraide::auth {

struct Accounts {
  Accounts(store::Pool& pool, const core::Clock& clock, const AuthOptions& options)
      : passwords(options), sessions(pool, clock, passwords, options), directory(pool, clock, passwords, options) {}
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  PasswordHasher passwords;
  SessionService sessions;
  Directory directory;
};

}  // namespace entraide::auth
