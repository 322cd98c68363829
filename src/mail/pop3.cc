#include "mail/pop3.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/POP3ClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <memory>
#include <sstream>

#include "core/log.h"
#include "mail/tls_context.h"

namespace entraide::mail {

core::StatusOr<Pop3Report> PollPop3(const Pop3Options& o, const std::function<bool(const std::string&)>& take) {
  Pop3Report report;
  try {
    std::unique_ptr<Poco::Net::POP3ClientSession> session;
    Poco::Net::SocketAddress address(o.host, static_cast<Poco::UInt16>(o.port));
    if (o.tls == "tls") {
      Poco::Net::SecureStreamSocket socket(address, o.host, ClientTlsContext(o.ca_file));
      session = std::make_unique<Poco::Net::POP3ClientSession>(socket);
    } else {
      Poco::Net::StreamSocket socket;
      socket.connect(address, Poco::Timespan(o.timeout_s, 0));
      session = std::make_unique<Poco::Net::POP3ClientSession>(socket);
    }
    session->setTimeout(Poco::Timespan(o.timeout_s, 0));
    session->login(o.user, o.password);
    Poco::Net::POP3ClientSession::MessageInfoVec messages;
    session->listMessages(messages);
    for (const auto& info : messages) {
      if (static_cast<size_t>(info.size) > o.max_message_bytes) {
        core::LogWarning("pop3: a message larger than the limit is deleted unread",
                         {{"size", std::to_string(info.size)}, {"limit", std::to_string(o.max_message_bytes)}});
        session->deleteMessage(info.id);
        ++report.too_large;
        ++report.deleted;
        continue;
      }
      std::ostringstream raw;
      session->retrieveMessage(info.id, raw);
      ++report.read;
      if (take(raw.str())) {
        session->deleteMessage(info.id);
        ++report.deleted;
      } else {
        ++report.kept;
      }
    }
    session->close();  // QUIT: the deletions take effect
  } catch (const Poco::Exception& e) {
    return core::Unavailable("pop3 " + o.host + ":" + std::to_string(o.port) + ": " + e.displayText());
  } catch (const std::exception& e) {
    return core::Unavailable("pop3 " + o.host + ":" + std::to_string(o.port) + ": " + e.what());
  }
  return report;
}

}  // namespace entraide::mail
