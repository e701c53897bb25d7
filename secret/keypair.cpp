#include "secret/keypair.h"
#include "secret/ssh_wire.h"

#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

namespace secret {
namespace {

// The OpenSSL handles and SSH wire helpers the key parsers share; here only
// what a generated key pair needs beyond them.
using wire::Bio;
using wire::Pkey;
using Cert = std::unique_ptr<X509, wire::Deleter<X509, X509_free>>;
using P12 = std::unique_ptr<PKCS12, wire::Deleter<PKCS12, PKCS12_free>>;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "lifecycle-gateway: OpenSSL could not %s\n", what);
  std::abort();
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string colon_hex(const unsigned char* digest, unsigned size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    if (i) out += ':';
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 0xf];
  }
  return out;
}

// Nova's key pair fingerprint: the MD5 of the public blob, in colon hex.
std::string md5_colon_hex(std::string_view blob) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (EVP_Digest(blob.data(), blob.size(), digest, &length, EVP_md5(), nullptr) != 1) fail("digest a key");
  return colon_hex(digest, length);
}

Pkey rsa_key() {
  Pkey key(EVP_RSA_gen(2048));
  if (!key) fail("generate an RSA key");
  return key;
}

}  // namespace

GeneratedKeyPair generate_ssh_key_pair() {
  auto key = rsa_key();
  GeneratedKeyPair out;
  // The traditional (PKCS#1) PEM paramiko writes: "BEGIN RSA PRIVATE KEY".
  Bio pem(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey_traditional(pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    fail("write a private key");
  out.private_key = bio_text(pem.get());

  const auto blob = wire::public_blob(key.get(), "ssh-rsa");
  if (!blob) fail("read an RSA key");
  out.public_key = "ssh-rsa " + wire::base64(*blob) + " Generated-by-Nova";
  out.fingerprint = md5_colon_hex(*blob);
  return out;
}

GeneratedKeyPair generate_x509_key_pair(std::string_view user) {
  auto key = rsa_key();
  Cert cert(X509_new());
  const std::string cn(user);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3650L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) fail("sign a certificate");

  GeneratedKeyPair out;
  Bio pem(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(pem.get(), cert.get())) fail("write a certificate");
  out.public_key = bio_text(pem.get());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  X509_digest(cert.get(), EVP_sha1(), digest, &length);
  out.fingerprint = colon_hex(digest, length);

  P12 bundle(PKCS12_create("", nullptr, key.get(), cert.get(), nullptr, 0, 0, 0, 0, 0));
  if (!bundle) fail("make a PKCS#12 bundle");
  unsigned char* der = nullptr;
  const int size = i2d_PKCS12(bundle.get(), &der);
  if (size <= 0) fail("write a PKCS#12 bundle");
  out.private_key = wire::base64({reinterpret_cast<const char*>(der), static_cast<std::size_t>(size)});
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> ssh_fingerprint(std::string_view line) {
  // "<type> <base64 blob>[ <comment>]": the blob must name the same type and
  // hold what that type needs.
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto type = line.substr(0, space);
  auto rest = line.substr(space + 1);
  rest = rest.substr(0, rest.find_first_of(" \n\r"));
  const auto blob = wire::unbase64(rest);
  if (!blob) return std::nullopt;
  wire::Reader r(*blob);
  const auto named = r.string();
  if (!named || *named != type) return std::nullopt;
  int parts = 0;  // what follows the type in the blob
  if (type == "ssh-rsa") parts = 2;                      // e, n
  else if (type == "ssh-dss") parts = 4;                 // p, q, g, y
  else if (type == "ssh-ed25519") parts = 1;             // the key
  else if (type.rfind("ecdsa-sha2-nistp", 0) == 0) parts = 2;  // curve, point
  else return std::nullopt;
  for (int i = 0; i < parts; ++i) {
    const auto part = r.string();
    if (!part || part->empty()) return std::nullopt;
    if (type == "ssh-ed25519" && part->size() != 32) return std::nullopt;
  }
  if (!r.done()) return std::nullopt;
  return md5_colon_hex(*blob);
}

std::optional<std::string> x509_fingerprint(std::string_view pem) {
  Bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
  if (!cert) return std::nullopt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (X509_digest(cert.get(), EVP_sha1(), digest, &length) != 1) return std::nullopt;
  return colon_hex(digest, length);
}

}  // namespace secret
