#include "mail/transport.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/log.h"
#include "mail/tls_context.h"

namespace entraide::mail {

Poco::Net::Context::Ptr ClientTlsContext(const std::string& ca_file) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
  // VERIFY_STRICT: the server's certificate must chain to a trusted CA and name the host, whatever the host.
  // (VERIFY_RELAXED skips the name check for any host name that resolves to a loopback address.)
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                                                       Poco::Net::Context::VERIFY_STRICT, 9, true);
  static std::once_flag handler_once;
  std::call_once(handler_once, [&] {
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject = new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, ctx);
  });
  return ctx;
}

namespace {
namespace fs = std::filesystem;
using Poco::Net::SMTPClientSession;

// Poco keeps the session's socket protected: reach it to turn Nagle's algorithm off, or every SMTP command
// waits for the peer's delayed ACK (about 40 ms a round trip, 80 ms a message on loopback).
template <typename Base>
class Session : public Base {
 public:
  using Base::Base;
  void NoDelay() { this->socket().setNoDelay(true); }
};

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpOptions o) : o_(std::move(o)) {}
  ~SmtpTransport() override { Close(); }

  core::Status Send(const Envelope& e, const std::string& message) override {
    bool reused = session_ != nullptr;
    try {
      if (!session_) Open();
      try {
        session_->sendAddresses(e.from, {e.to});
      } catch (const Poco::Net::SMTPException&) {
        throw;  // the server answered: not a dead connection
      } catch (const Poco::Exception&) {
        if (!reused) throw;
        // The kept connection was closed by the server meanwhile: once more on a new one (nothing was sent).
        Drop();
        Open();
        session_->sendAddresses(e.from, {e.to});
      }
      session_->sendData();
      std::istringstream in(message);
      session_->sendMessage(in);
      return core::Status::Ok();
    } catch (const Poco::Net::SMTPException& ex) {
      Drop();
      int code = ex.code();
      std::string what = "smtp " + std::to_string(code) + ": " + ex.displayText();
      if (code >= 500 && code < 600) return core::InvalidArgument(what);
      return core::Unavailable(what);
    } catch (const Poco::Exception& ex) {
      Drop();
      return core::Unavailable("smtp " + o_.host + ":" + std::to_string(o_.port) + ": " + ex.displayText());
    } catch (const std::exception& ex) {
      Drop();
      return core::Unavailable("smtp " + o_.host + ":" + std::to_string(o_.port) + ": " + ex.what());
    }
  }

  void Close() override {
    if (!session_) return;
    try {
      session_->close();  // QUIT
    } catch (const Poco::Exception&) {
    }
    session_.reset();
  }

  std::string Describe() const override {
    return "smtp://" + o_.host + ":" + std::to_string(o_.port) + " (tls " + o_.tls + ")";
  }

 private:
  void Open() {
    Poco::Timespan timeout(o_.timeout_s, 0);
    auto port = static_cast<Poco::UInt16>(o_.port);
    if (o_.tls == "tls") {
      Poco::Net::SecureStreamSocket socket(Poco::Net::SocketAddress(o_.host, port), o_.host,
                                           ClientTlsContext(o_.ca_file));
      auto s = std::make_unique<Session<SMTPClientSession>>(socket);
      s->NoDelay();
      session_ = std::move(s);
    } else if (o_.tls == "starttls") {
      auto s = std::make_unique<Session<Poco::Net::SecureSMTPClientSession>>(o_.host, port);
      s->setTimeout(timeout);
      s->login(o_.helo);
      if (!s->startTLS(ClientTlsContext(o_.ca_file)))
        throw Poco::Net::SSLException("the server does not offer STARTTLS");
      s->NoDelay();
      session_ = std::move(s);
    } else {
      Poco::Net::StreamSocket socket;
      socket.connect(Poco::Net::SocketAddress(o_.host, port), timeout);
      auto s = std::make_unique<Session<SMTPClientSession>>(socket);
      s->NoDelay();
      session_ = std::move(s);
    }
    session_->setTimeout(timeout);
    if (o_.user.empty())
      session_->login(o_.helo);
    else
      session_->login(o_.helo, SMTPClientSession::AUTH_LOGIN, o_.user, o_.password);
  }

  void Drop() {
    if (!session_) return;
    try {
      session_->close();
    } catch (const Poco::Exception&) {
    }
    session_.reset();
  }

  SmtpOptions o_;
  std::unique_ptr<SMTPClientSession> session_;
};

class FileTransport final : public Transport {
 public:
  explicit FileTransport(std::string dir) : dir_(std::move(dir)) {}

  core::Status Send(const Envelope& e, const std::string& message) override {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return core::Unavailable("cannot create " + dir_ + ": " + ec.message());
    fs::path final_path = fs::path(dir_) / (e.name + ".eml");
    fs::path tmp = fs::path(dir_) / ("." + e.name + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << message;
      out.flush();
      if (!out) return core::Unavailable("cannot write " + tmp.string());
    }
    fs::rename(tmp, final_path, ec);
    if (ec) return core::Unavailable("cannot rename " + tmp.string() + ": " + ec.message());
    return core::Status::Ok();
  }

  std::string Describe() const override { return ".eml files in " + dir_; }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<Transport> MakeSmtpTransport(SmtpOptions options) {
  return std::make_unique<SmtpTransport>(std::move(options));
}

std::unique_ptr<Transport> MakeFileTransport(std::string dir) {
  return std::make_unique<FileTransport>(std::move(dir));
}

}  // namespace entraide::mail
