#include "gateway/tls.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace gateway {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;

// OpenSSL's reason for the last failure, e.g. "bad decrypt".
std::string openssl_reason() {
  const auto code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : fmt::format("error {:#x}", code);
}

// Without a callback OpenSSL would ask for a passphrase on the terminal: a
// service must fail instead, and say so.
int no_passphrase(char*, int, int, void*) { return -1; }

std::variant<Bio, std::string> open_file(const char* flag, const std::string& path) {
  errno = 0;
  Bio bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    const int error = errno;
    ERR_clear_error();
    return fmt::format("{} {}: cannot read the file: {}", flag, path,
                       error ? std::strerror(error) : "unknown error");
  }
  return bio;
}

}  // namespace

std::variant<std::unique_ptr<httplib::Server>, std::string> make_tls_server(const TlsFiles& files) {
  auto cert_file = open_file("--tls-cert", files.cert);
  if (auto* error = std::get_if<std::string>(&cert_file)) return *error;
  Cert cert(PEM_read_bio_X509(std::get<Bio>(cert_file).get(), nullptr, no_passphrase, nullptr));
  if (!cert) {
    ERR_clear_error();
    return fmt::format("--tls-cert {}: no PEM certificate in the file (expected -----BEGIN CERTIFICATE-----)",
                       files.cert);
  }

  auto key_file = open_file("--tls-key", files.key);
  if (auto* error = std::get_if<std::string>(&key_file)) return *error;
  Key key(PEM_read_bio_PrivateKey(std::get<Bio>(key_file).get(), nullptr, no_passphrase, nullptr));
  if (!key) {
    const auto reason = openssl_reason();
    return fmt::format("--tls-key {}: no usable PEM private key in the file ({}; a key protected by a "
                       "passphrase is not supported)",
                       files.key, reason);
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return fmt::format("--tls-key {} does not match the certificate in --tls-cert {}", files.key, files.cert);
  }

  // The context is set up from the file (the whole chain, not only the first
  // certificate read above) and the key already loaded.
  std::string failure;
  auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, files.cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1 || SSL_CTX_check_private_key(&ctx) != 1) {
      failure = openssl_reason();
      return false;
    }
    return true;
  });
  if (!server->is_valid())
    return fmt::format("--tls-cert {} / --tls-key {}: OpenSSL refused them: {}", files.cert, files.key,
                       failure.empty() ? openssl_reason() : failure);
  return std::unique_ptr<httplib::Server>(std::move(server));
}

}  // namespace gateway
