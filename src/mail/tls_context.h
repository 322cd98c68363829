// The TLS client context of mail's connections (SMTP and POP3): the system's CAs plus `ca_file`, strict checks
// (the certificate must chain to a trusted CA and name the host). Poco's SSL is initialised once.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace entraide::mail {

Poco::Net::Context::Ptr ClientTlsContext(const std::string& ca_file);

}  // namespace entraide::mail
