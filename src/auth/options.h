// AuthOptions: the settings of the account services (app/ fills them from the configuration; tests shorten them).
#pragma once

#include <cstdint>
#include <string>

#include "auth/password.h"

namespace entraide::auth {

struct AuthOptions {
  std::string base_url = "http://127.0.0.1:8080";  // links are built from it, never from the request
  int64_t session_idle_s = 14 * 24 * 3600;
  int64_t session_max_s = 60 * 24 * 3600;  // absolute lifetime of a session from sign-in (auth.session_max_days)
  int64_t signin_link_s = 15 * 60;
  int64_t reset_link_s = 3600;
  int64_t invitation_s = 7 * 24 * 3600;
  int rate_limit = 10;  // sign-in link and reset requests per address
  int64_t rate_window_s = 60;
  HashCost hash_cost = HashCost::Interactive();
  int max_parallel_hashes = 0;  // password hashes at once (auth.max_parallel_hashes); 0: the number of CPUs
  int hash_wait_ms = 3000;      // the longest wait for a turn to hash (auth.hash_wait_ms)
  // Sign-in limits (see session_service.h).
  int64_t failure_window_s = 15 * 60;
  int pair_failures = 5;             // failed passwords per (account, address)
  int address_failures = 20;         // failed passwords per address
  int account_attack_failures = 10;  // failed passwords per account before its answers are slowed
  int attack_delay_ms = 2000;        // how much they are slowed
  int link_mails_per_hour = 5;       // sign-in link and reset mails per account
  int password_change_failures = 5;  // wrong current passwords per account (account page)
};

}  // namespace entraide::auth
