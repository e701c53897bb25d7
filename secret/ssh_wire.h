// What the SSH key parsers share (private to secret/): the SSH wire
// encoding (RFC 4251's string, uint32 and mpint), strict base64, OpenSSL's
// handles, and a key's public blob as OpenSSH encodes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace secret::wire {

using Bytes = std::vector<unsigned char>;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

// Reads SSH wire fields off the front of a buffer; each read fails (nullopt)
// when the buffer ends first.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  std::optional<std::uint32_t> u32();
  std::optional<std::string_view> string();
  // A non-negative mpint in its shortest form (as OpenSSH writes them); zero and
  // negative numbers, or a needless leading zero byte, are refused.
  std::optional<std::string_view> positive_mpint();
  std::string_view rest() const { return data_; }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

void put_u32(std::string& out, std::uint32_t v);
void put_string(std::string& out, std::string_view s);
// An mpint from big-endian magnitude bytes (a zero byte is put before a leading 1 bit).
void put_mpint(std::string& out, std::string_view magnitude);

// Text without the spaces, tabs and line ends around it.
std::string_view trim(std::string_view s);

// Standard base64 with '=' padding, as OpenSSH writes key blobs.
std::string base64(std::string_view raw);
// Strict base64: the alphabet, '=' only as padding, a multiple of 4 characters.
std::optional<std::string> unbase64(std::string_view text);

// "SHA256:" and the padded base64 of the blob's SHA-256 digest.
std::string sha256_fingerprint(std::string_view blob);

// The SSH type name OpenSSH gives a key OpenSSL holds ("ssh-rsa",
// "ecdsa-sha2-nistp256", ..., "ssh-ed25519"), or nothing for another kind
// (DSA, another curve, X25519, ...).
std::optional<std::string> ssh_type(EVP_PKEY* key);
// The key's public half in the SSH wire encoding (the blob of an
// authorized_keys line); nothing if OpenSSL cannot give its parts.
std::optional<std::string> public_blob(EVP_PKEY* key, const std::string& type);

// A key's size in bits (an RSA modulus, a curve's order).
int key_bits(EVP_PKEY* key);

// The sizes of RSA moduli accepted: OpenSSH's minimum, and a maximum that
// keeps OpenSSL's checks of a key (primality tests) fast.
inline constexpr int kMinRsaBits = 1024;
inline constexpr int kMaxRsaBits = 8192;

// The curve of an ECDSA key type: "nistp256" -> OpenSSL's "P-256".
std::optional<const char*> curve_of(std::string_view ssh_curve);

// Bytes as OpenSSL wants them.
inline const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
Bignum bignum(std::string_view magnitude);

}  // namespace secret::wire
