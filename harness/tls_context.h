// TLS settings for https targets, and the OpenSSL context built from them (one per generator
// thread, shared by its connections). Verification is on by default, as a user expects: a
// self-signed staging endpoint needs `ca_file`, or `insecure: true` to opt out knowingly.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace loadgate {

struct TlsSettings {
  bool verify = true;   // certificate chain and host name
  std::string ca_file;  // PEM bundle to trust instead of the system store
};

class TlsContext {
 public:
  // Throws std::runtime_error naming the CA file when it cannot be loaded.
  explicit TlsContext(const TlsSettings& settings);
  ~TlsContext();
  boost::asio::ssl::context& native();
  bool verify() const { return verify_; }

 private:
  std::unique_ptr<boost::asio::ssl::context> context_;
  bool verify_;
};

}  // namespace loadgate
