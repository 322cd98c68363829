// The SMTP transport over TLS, against a real aiosmtpd with a self-signed certificate made for the test:
// STARTTLS and implicit TLS deliver when the certificate is trusted (mail.ca_file) and names the host; an
// untrusted certificate, a certificate for another name, or a server that does not offer STARTTLS is a
// failure to retry later, never a fallback to plain text.
#include <gtest/gtest.h>

#include "mail/transport.h"
#include "mail_util.h"

namespace entraide::testing {
namespace {

const char kMessage[] =
    "From: Entraide <noreply@entraide.test>\r\n"
    "To: <ana@example.test>\r\n"
    "Subject: TLS check\r\n"
    "\r\n"
    "Sent over TLS.\r\n";

class SmtpTlsTest : public ::testing::Test {
 protected:
  core::Status Send(const SmtpServer& server, const std::string& tls, const std::string& ca_file,
                    const std::string& host = "127.0.0.1") {
    mail::SmtpOptions o;
    o.host = host;
    o.port = server.port();
    o.tls = tls;
    o.ca_file = ca_file;
    o.timeout_s = 10;
    auto transport = mail::MakeSmtpTransport(o);
    core::Status st = transport->Send({"noreply@entraide.test", "ana@example.test", "tls-check"}, kMessage);
    transport->Close();
    return st;
  }
  TempDir dir_;
  TestCertificate cert_ = MakeTestCertificate(dir_, "DNS:localhost,IP:127.0.0.1");
};

TEST_F(SmtpTlsTest, StartTlsWithATrustedCertificateDelivers) {
  SmtpServer server(SmtpServer::Tls::kStartTls, cert_);
  server.Start();
  core::Status st = Send(server, "starttls", cert_.cert);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto files = server.MessageFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(ReadFile(files[0]).find("Sent over TLS."), std::string::npos);
}

TEST_F(SmtpTlsTest, ImplicitTlsWithATrustedCertificateDelivers) {
  SmtpServer server(SmtpServer::Tls::kSmtps, cert_);
  server.Start();
  core::Status st = Send(server, "tls", cert_.cert);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(server.MessageFiles().size(), 1u);
}

TEST_F(SmtpTlsTest, AnUntrustedCertificateIsRefusedAndNothingIsSent) {
  // The system's CAs only: the self-signed certificate is not among them.
  for (auto [mode, tls] :
       {std::pair{SmtpServer::Tls::kStartTls, "starttls"}, std::pair{SmtpServer::Tls::kSmtps, "tls"}}) {
    SmtpServer server(mode, cert_);
    server.Start();
    core::Status st = Send(server, tls, "");
    EXPECT_EQ(st.code(), core::StatusCode::kUnavailable) << tls << ": " << st.ToString();
    EXPECT_TRUE(server.MessageFiles().empty()) << tls;
  }
}

TEST_F(SmtpTlsTest, ACertificateForAnotherNameIsRefused) {
  TempDir other_dir;
  TestCertificate other = MakeTestCertificate(other_dir, "DNS:mail.elsewhere.test");
  SmtpServer server(SmtpServer::Tls::kStartTls, other);
  server.Start();
  core::Status st = Send(server, "starttls", other.cert);
  EXPECT_EQ(st.code(), core::StatusCode::kUnavailable) << st.ToString();
  EXPECT_TRUE(server.MessageFiles().empty());
}

TEST_F(SmtpTlsTest, NoStartTlsOfferedIsAFailureNotPlainText) {
  SmtpServer plain;  // offers no STARTTLS
  plain.Start();
  core::Status st = Send(plain, "starttls", cert_.cert);
  EXPECT_EQ(st.code(), core::StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("STARTTLS"), std::string::npos) << st.message();
  EXPECT_TRUE(plain.MessageFiles().empty());
}

TEST_F(SmtpTlsTest, PlainTextToAServerThatRequiresTlsIsRefusedByIt) {
  SmtpServer server(SmtpServer::Tls::kStartTls, cert_);
  server.Start();
  core::Status st = Send(server, "none", "");
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(server.MessageFiles().empty());
}

}  // namespace
}  // namespace entraide::testing
