#include "secret/keypair.h"

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

using Bytes = std::vector<unsigned char>;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using P12 = std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>>;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "lifecycle-gateway: OpenSSL could not %s\n", what);
  std::abort();
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string base64(const Bytes& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), raw.data(), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<Bytes> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  Bytes out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) --size;
  out.resize(size);
  return out;
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

std::string digest_of(const EVP_MD* md, const unsigned char* data, std::size_t size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (EVP_Digest(data, size, digest, &length, md, nullptr) != 1) fail("digest a key");
  return colon_hex(digest, length);
}

// The SSH wire encoding: a string or an mpint is a 4-byte length and its bytes.
void put_string(Bytes& out, const unsigned char* data, std::size_t size) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(size >> shift));
  out.insert(out.end(), data, data + size);
}

void put_mpint(Bytes& out, const BIGNUM* n) {
  Bytes raw(static_cast<std::size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, raw.data());
  if (!raw.empty() && (raw[0] & 0x80)) raw.insert(raw.begin(), 0);  // a leading 1 bit would make it negative
  put_string(out, raw.data(), raw.size());
}

// Reads one SSH string at `at`; nothing when the blob ends first.
std::optional<std::string_view> get_string(const Bytes& blob, std::size_t& at) {
  if (blob.size() - at < 4) return std::nullopt;
  std::size_t size = 0;
  for (int i = 0; i < 4; ++i) size = (size << 8) | blob[at + i];
  at += 4;
  if (blob.size() - at < size) return std::nullopt;
  std::string_view s(reinterpret_cast<const char*>(blob.data() + at), size);
  at += size;
  return s;
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

  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (!EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) ||
      !EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e))
    fail("read an RSA key");
  Bignum modulus(n), exponent(e);
  static constexpr std::string_view kType = "ssh-rsa";
  Bytes blob;
  put_string(blob, reinterpret_cast<const unsigned char*>(kType.data()), kType.size());
  put_mpint(blob, exponent.get());
  put_mpint(blob, modulus.get());
  out.public_key = "ssh-rsa " + base64(blob) + " Generated-by-Nova";
  out.fingerprint = digest_of(EVP_md5(), blob.data(), blob.size());
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
  out.private_key = base64(Bytes(der, der + size));
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
  const auto blob = unbase64(rest);
  if (!blob) return std::nullopt;
  std::size_t at = 0;
  const auto named = get_string(*blob, at);
  if (!named || *named != type) return std::nullopt;
  int parts = 0;  // what follows the type in the blob
  if (type == "ssh-rsa") parts = 2;                      // e, n
  else if (type == "ssh-dss") parts = 4;                 // p, q, g, y
  else if (type == "ssh-ed25519") parts = 1;             // the key
  else if (type.rfind("ecdsa-sha2-nistp", 0) == 0) parts = 2;  // curve, point
  else return std::nullopt;
  for (int i = 0; i < parts; ++i) {
    const auto part = get_string(*blob, at);
    if (!part || part->empty()) return std::nullopt;
    if (type == "ssh-ed25519" && part->size() != 32) return std::nullopt;
  }
  if (at != blob->size()) return std::nullopt;
  return digest_of(EVP_md5(), blob->data(), blob->size());
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
