#include "harness/tls_context.h"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/ssl/context.hpp>

namespace loadgate {

TlsContext::TlsContext(const TlsSettings& settings)
    : context_(std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client)),
      verify_(settings.verify) {
  namespace ssl = boost::asio::ssl;
  context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!verify_) {
    context_->set_verify_mode(ssl::verify_none);
    return;
  }
  context_->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (settings.ca_file.empty())
    context_->set_default_verify_paths(ec);
  else
    context_->load_verify_file(settings.ca_file, ec);
  if (ec)
    throw std::runtime_error(fmt::format(
        "cannot load the TLS CA {}: {}",
        settings.ca_file.empty() ? "(system default)" : settings.ca_file, ec.message()));
}

TlsContext::~TlsContext() = default;

boost::asio::ssl::context& TlsContext::native() {
  return *context_;
}

}  // namespace loadgate
