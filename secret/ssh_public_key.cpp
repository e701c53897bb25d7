// An OpenSSH public key line, read as OpenSSH's sshkey_from_blob reads one:
// the blob names its type, then the type's fields, then nothing; OpenSSL
// then loads the key. An EC point must be on its curve (EVP_PKEY_public_check);
// an RSA key is checked by what decides the same way every time (a modulus
// of OpenSSH's sizes, odd, and an odd exponent from 3 up, below it):
// OpenSSL's own RSA check tests the modulus with random Miller-Rabin bases,
// so a made-up modulus could pass one try and fail the next.
#include <openssl/core_names.h>

#include "secret/ssh_keys.h"
#include "secret/ssh_wire.h"

namespace secret {
namespace {

using namespace wire;

bool space(char c) { return c == ' ' || c == '\t'; }

bool accepted_type(std::string_view type) {
  return type == "ssh-rsa" || type == "ssh-ed25519" || type == "ecdsa-sha2-nistp256" ||
         type == "ecdsa-sha2-nistp384" || type == "ecdsa-sha2-nistp521";
}

// Builds a public key from OpenSSL parameters; with `check`, OpenSSL checks it.
std::variant<Pkey, std::string> load_public(const char* algorithm, OSSL_PARAM_BLD* build, bool check) {
  Params params(OSSL_PARAM_BLD_to_param(build));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return std::string("OpenSSL cannot load it as a key");
  Pkey key(raw);
  if (!check) return key;
  PkeyCtx checker(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!checker || EVP_PKEY_public_check(checker.get()) != 1) return std::string("it is not a valid public key");
  return key;
}

std::variant<Pkey, std::string> rsa_key(Reader& r) {
  const auto e = r.positive_mpint();
  const auto n = e ? r.positive_mpint() : std::nullopt;
  if (!n) return std::string("its RSA exponent and modulus cannot be read");
  auto bn_n = bignum(*n), bn_e = bignum(*e);
  if (!bn_n || !bn_e) return std::string("OpenSSL cannot load it as a key");
  const int bits = BN_num_bits(bn_n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits)
    return "its modulus has " + std::to_string(bits) + " bits, and an RSA key must have " + std::to_string(kMinRsaBits) +
           " to " + std::to_string(kMaxRsaBits);
  if (!BN_is_odd(bn_n.get())) return std::string("its modulus is even");
  if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get()) || BN_cmp(bn_e.get(), bn_n.get()) >= 0)
    return std::string("its exponent is not an odd number from 3 up, below the modulus");
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return std::string("OpenSSL cannot load it as a key");
  return load_public("RSA", build.get(), false);
}

std::variant<Pkey, std::string> ecdsa_key(Reader& r, std::string_view type) {
  const auto curve = r.string();
  const auto point = curve ? r.string() : std::nullopt;
  if (!point) return std::string("its curve and point cannot be read");
  if (*curve != type.substr(11)) return "its curve is not " + std::string(type.substr(11));
  const char* group = *curve_of(*curve);
  // Uncompressed, as OpenSSH writes a point: 0x04, then x and y of the field's size.
  const std::size_t field = *curve == "nistp256" ? 32 : *curve == "nistp384" ? 48 : 66;
  if (point->size() != 1 + 2 * field || (*point)[0] != 0x04)
    return std::string("its point is not an uncompressed point of the curve");
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()))
    return std::string("OpenSSL cannot load it as a key");
  return load_public("EC", build.get(), true);
}

std::variant<Pkey, std::string> ed25519_key(Reader& r) {
  const auto raw = r.string();
  if (!raw || raw->size() != 32) return std::string("an ssh-ed25519 key is 32 bytes");
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*raw), raw->size()));
  if (!key) return std::string("OpenSSL cannot load it as a key");
  return key;
}

}  // namespace

std::string sha256_fingerprint(std::string_view blob) { return wire::sha256_fingerprint(blob); }

std::variant<SshPublicKey, std::string> parse_ssh_public_key(std::string_view text) {
  const auto line = trim(text);
  if (line.empty()) return std::string("the key is empty");
  if (line.find_first_of("\r\n") != std::string_view::npos) return std::string("an SSH public key is one line");
  const auto type_end = std::min(line.find(' '), line.find('\t'));
  const auto type = line.substr(0, type_end);
  if (!accepted_type(type))
    return "the key does not begin with one of the types " + std::string(kSshKeyTypes) +
           " (OpenSSH's format: '<type> <base64> [comment]')";
  auto rest = type_end == std::string_view::npos ? std::string_view{} : line.substr(type_end);
  while (!rest.empty() && space(rest.front())) rest.remove_prefix(1);
  const auto encoded = rest.substr(0, std::min(rest.find(' '), rest.find('\t')));
  const auto blob = unbase64(encoded);
  if (!blob) return std::string("the key's second field is not base64");

  Reader r(*blob);
  const auto named = r.string();
  if (!named || *named != type) return "the key's data is not an " + std::string(type) + " key";
  auto loaded = type == "ssh-rsa"       ? rsa_key(r)
                : type == "ssh-ed25519" ? ed25519_key(r)
                                        : ecdsa_key(r, type);
  if (auto* why = std::get_if<std::string>(&loaded)) return "the " + std::string(type) + " key is not valid: " + *why;
  if (!r.done()) return "the " + std::string(type) + " key's data goes on after the key";

  SshPublicKey key;
  key.type = std::string(type);
  key.blob = *blob;
  key.line = std::string(line);
  key.fingerprint = wire::sha256_fingerprint(key.blob);
  key.bits = key_bits(std::get<Pkey>(loaded).get());
  return key;
}

}  // namespace secret
