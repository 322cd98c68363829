// Mail received, wired from the configuration: the Receiver's options (shared by `entraide mail receive` and
// serve's POP3 poller, so both take a message the same way) and the poller's pass.
#pragma once

#include "app/config.h"
#include "inbox/receiver.h"
#include "mail/pop3.h"

namespace entraide::app {

inbox::ReceiverOptions ReceiverOptionsFor(const Config& config);
mail::Pop3Options Pop3OptionsFor(const Config& config);

// One pass over the POP3 mailbox: each message through `receiver`; deleted unless it is to be tried again later.
// Returns how many were taken (a reply or a ticket: the caller pokes the mail sender).
int PollMailbox(const Config& config, inbox::Receiver& receiver);

}  // namespace entraide::app
