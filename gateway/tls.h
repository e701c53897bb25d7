// HTTPS on the one port: --tls-cert and --tls-key checked with messages that
// name the file and what is wrong with it, then cpp-httplib's OpenSSL server
// serving them. Nothing else changes: every route is the same over TLS.
#pragma once

#include <memory>
#include <string>
#include <variant>

namespace httplib {
class Server;
}

namespace gateway {

struct TlsFiles {
  std::string cert;  // PEM: the server's certificate, then any intermediates
  std::string key;   // PEM: its private key, not encrypted
};

// A server that speaks HTTPS with these files, or why it cannot: a file that
// cannot be read, holds no PEM certificate or key, or a key that does not
// match the certificate.
std::variant<std::unique_ptr<httplib::Server>, std::string> make_tls_server(const TlsFiles& files);

}  // namespace gateway
