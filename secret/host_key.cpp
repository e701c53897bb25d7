// A server's private host key, in the formats ssh-keygen writes: PEM (what
// `ssh-keygen -m PEM` and openssl write) through OpenSSL's PEM reader, or
// OpenSSH's own "openssh-key-v1" container, read field by field as
// OpenSSH's sshkey_private_deserialize does. Either way the key is rebuilt
// in OpenSSL and checked (EVP_PKEY_check: RSA's primes and exponents, an EC
// scalar that gives the public point; an ed25519 seed that gives its public
// key), and an encrypted key is refused rather than prompted for.
#include <array>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "secret/ssh_keys.h"
#include "secret/ssh_wire.h"

namespace secret {
namespace {

using namespace wire;

constexpr std::string_view kOpensshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kOpensshEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
const std::string kEncrypted = "the key is encrypted: import it without a passphrase";

bool white(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// OpenSSL's PEM reader asks for a passphrase through this: never, here.
int no_passphrase(char*, int, int, void*) { return -1; }

// The key made whole: its type, the checks OpenSSL makes of a private key,
// and its public blob, fingerprint and PKCS#8 PEM.
std::variant<HostKey, std::string> finish(Pkey key) {
  const auto type = ssh_type(key.get());
  if (!type) return "the key is not of one of the types " + std::string(kSshKeyTypes);
  HostKey out;
  out.type = *type;
  out.bits = key_bits(key.get());
  if (out.type == "ssh-rsa" && (out.bits < kMinRsaBits || out.bits > kMaxRsaBits))
    return "the RSA key has " + std::to_string(out.bits) + " bits, and an RSA key must have " +
           std::to_string(kMinRsaBits) + " to " + std::to_string(kMaxRsaBits);
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_check(check.get()) != 1) return std::string("the private key is not a valid key");
  const auto blob = public_blob(key.get(), out.type);
  if (!blob) return std::string("the key's public half cannot be read");
  out.public_blob = *blob;
  out.public_line = out.type + " " + base64(*blob);
  out.fingerprint = wire::sha256_fingerprint(*blob);
  Bio pem(BIO_new(BIO_s_mem()));
  if (!pem || PEM_write_bio_PrivateKey(pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return std::string("the key cannot be written as PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(pem.get(), &data);
  out.private_pem.assign(data, static_cast<std::size_t>(size));
  return out;
}

std::variant<HostKey, std::string> from_pem(std::string_view text) {
  // PKCS#8's encrypted form, or a traditional PEM's encryption header.
  if (text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.find("\nProc-Type: 4,ENCRYPTED") != text.npos)
    return kEncrypted;
  Bio in(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  Pkey key(in ? PEM_read_bio_PrivateKey(in.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) return std::string("the key is not a PEM private key OpenSSL can read");
  // One key, and nothing after it.
  std::string rest(BIO_ctrl_pending(in.get()), '\0');
  if (!rest.empty()) rest.resize(static_cast<std::size_t>(std::max(0, BIO_read(in.get(), rest.data(), static_cast<int>(rest.size())))));
  if (!trim(rest).empty()) return std::string("the text goes on after the key");
  return finish(std::move(key));
}

// Builds a key pair from OpenSSL parameters.
std::variant<Pkey, std::string> load_pair(const char* algorithm, OSSL_PARAM_BLD* build) {
  Params params(OSSL_PARAM_BLD_to_param(build));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1)
    return std::string("OpenSSL cannot load the private key");
  return Pkey(raw);
}

std::variant<Pkey, std::string> openssh_rsa(Reader& r) {
  std::array<std::optional<std::string_view>, 6> parts;  // n, e, d, iqmp, p, q
  for (auto& part : parts) {
    part = r.positive_mpint();
    if (!part) return std::string("the RSA key's numbers cannot be read");
  }
  auto n = bignum(*parts[0]), e = bignum(*parts[1]), d = bignum(*parts[2]), iqmp = bignum(*parts[3]),
       p = bignum(*parts[4]), q = bignum(*parts[5]);
  if (!n || !e || !d || !iqmp || !p || !q) return std::string("OpenSSL cannot load the private key");
  const int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits)
    return "the RSA key has " + std::to_string(bits) + " bits, and an RSA key must have " +
           std::to_string(kMinRsaBits) + " to " + std::to_string(kMaxRsaBits);
  // OpenSSH keeps d, p, q and iqmp; OpenSSL also wants d mod (p-1) and d mod (q-1).
  using Ctx = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
  Ctx ctx(BN_CTX_new());
  Bignum p1(BN_dup(p.get())), q1(BN_dup(q.get())), dmp1(BN_new()), dmq1(BN_new());
  if (!ctx || !p1 || !q1 || !dmp1 || !dmq1 || !BN_sub_word(p1.get(), 1) || !BN_sub_word(q1.get(), 1) ||
      BN_is_zero(p1.get()) || BN_is_zero(q1.get()) || !BN_mod(dmp1.get(), d.get(), p1.get(), ctx.get()) ||
      !BN_mod(dmq1.get(), d.get(), q1.get(), ctx.get()))
    return std::string("the RSA key's primes are not valid");
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build) return std::string("OpenSSL cannot load the private key");
  const std::pair<const char*, BIGNUM*> fields[] = {
      {OSSL_PKEY_PARAM_RSA_N, n.get()},          {OSSL_PKEY_PARAM_RSA_E, e.get()},
      {OSSL_PKEY_PARAM_RSA_D, d.get()},          {OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()},
      {OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()},    {OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()},
      {OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()}, {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp.get()}};
  for (const auto& [name, value] : fields)
    if (!OSSL_PARAM_BLD_push_BN(build.get(), name, value)) return std::string("OpenSSL cannot load the private key");
  return load_pair("RSA", build.get());
}

std::variant<Pkey, std::string> openssh_ecdsa(Reader& r, std::string_view type) {
  const auto curve = r.string();
  const auto point = curve ? r.string() : std::nullopt;
  const auto scalar = point ? r.positive_mpint() : std::nullopt;
  if (!scalar) return std::string("the ECDSA key's curve, point and scalar cannot be read");
  if (*curve != type.substr(11)) return "the key's curve is not " + std::string(type.substr(11));
  auto d = bignum(*scalar);
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!d || !build ||
      !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, *curve_of(*curve), 0) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()))
    return std::string("OpenSSL cannot load the private key");
  return load_pair("EC", build.get());
}

std::variant<Pkey, std::string> openssh_ed25519(Reader& r) {
  const auto pub = r.string();
  const auto pair = pub ? r.string() : std::nullopt;
  // OpenSSH keeps the 32-byte seed followed by the public key.
  if (!pair || pub->size() != 32 || pair->size() != 64 || pair->substr(32) != *pub)
    return std::string("the ssh-ed25519 key's fields are not a 32-byte public key and a 64-byte private key");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(pair->substr(0, 32)), 32));
  if (!key) return std::string("OpenSSL cannot load the private key");
  return key;
}

std::variant<HostKey, std::string> from_openssh(std::string_view text) {
  if (text.size() < kOpensshBegin.size() + kOpensshEnd.size() || !text.ends_with(kOpensshEnd))
    return std::string("the OpenSSH key does not end with its END line");
  auto body = text.substr(kOpensshBegin.size(), text.size() - kOpensshBegin.size() - kOpensshEnd.size());
  std::string encoded;
  for (char c : body)
    if (!white(c)) encoded += c;
  const auto raw = unbase64(encoded);
  if (!raw || !std::string_view(*raw).starts_with(kMagic)) return std::string("the OpenSSH key's data cannot be read");
  Reader r(std::string_view(*raw).substr(kMagic.size()));
  const auto cipher = r.string();
  const auto kdf = cipher ? r.string() : std::nullopt;
  const auto kdf_options = kdf ? r.string() : std::nullopt;
  const auto count = kdf_options ? r.u32() : std::nullopt;
  if (!count) return std::string("the OpenSSH key's header cannot be read");
  if (*cipher != "none" || *kdf != "none") return kEncrypted;
  if (*count != 1) return std::string("the file holds more than one key");
  const auto public_part = r.string();
  const auto private_part = public_part ? r.string() : std::nullopt;
  if (!private_part || !r.done()) return std::string("the OpenSSH key's sections cannot be read");

  Reader p(*private_part);
  const auto check1 = p.u32();
  const auto check2 = check1 ? p.u32() : std::nullopt;
  const auto type = check2 ? p.string() : std::nullopt;
  if (!type || *check1 != *check2) return std::string("the OpenSSH key's private section cannot be read");
  std::variant<Pkey, std::string> loaded = std::string("the key is not of one of the types " + std::string(kSshKeyTypes));
  if (*type == "ssh-rsa") loaded = openssh_rsa(p);
  else if (*type == "ssh-ed25519") loaded = openssh_ed25519(p);
  else if (*type == "ecdsa-sha2-nistp256" || *type == "ecdsa-sha2-nistp384" || *type == "ecdsa-sha2-nistp521")
    loaded = openssh_ecdsa(p, *type);
  if (auto* why = std::get_if<std::string>(&loaded)) return *why;
  const auto comment = p.string();
  if (!comment) return std::string("the OpenSSH key's comment cannot be read");
  // Padding to the cipher's block: 1, 2, 3, ...
  const auto padding = p.rest();
  if (padding.size() >= 8) return std::string("the OpenSSH key's private section goes on after the key");
  for (std::size_t i = 0; i < padding.size(); ++i)
    if (static_cast<unsigned char>(padding[i]) != i + 1) return std::string("the OpenSSH key's padding is not valid");
  auto made = finish(std::move(std::get<Pkey>(loaded)));
  if (auto* key = std::get_if<HostKey>(&made); key && key->public_blob != *public_part)
    return std::string("the OpenSSH key's public and private halves do not match");
  return made;
}

}  // namespace

std::variant<HostKey, std::string> parse_host_key(std::string_view text) {
  const auto key = trim(text);
  if (key.empty()) return std::string("the key is empty");
  if (key.starts_with(kOpensshBegin)) return from_openssh(key);
  if (!key.starts_with("-----BEGIN ")) return std::string("the key is not PEM or OpenSSH's private key format");
  return from_pem(key);
}

HostKey derive_host_key(std::string_view secret, std::string_view name) {
  static constexpr std::string_view kLabel{"lifecycle-gateway host key\0", 27};
  std::string message(kLabel);
  message.append(name);
  unsigned char seed[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), bytes(message), message.size(), seed, &size);
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, 32));
  OPENSSL_cleanse(seed, sizeof seed);
  auto made = key ? finish(std::move(key)) : std::variant<HostKey, std::string>(std::string("no key"));
  if (auto* out = std::get_if<HostKey>(&made)) return std::move(*out);
  std::abort();  // OpenSSL without ed25519: a broken build, never the caller's input
}

std::optional<std::string> openssh_ed25519_private_key(std::string_view pem) {
  wire::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  wire::Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) return std::nullopt;
  std::array<unsigned char, 32> seed{};
  std::array<unsigned char, 32> pub{};
  std::size_t seed_size = seed.size();
  std::size_t pub_size = pub.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &seed_size) != 1 || seed_size != seed.size() ||
      EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &pub_size) != 1 || pub_size != pub.size())
    return std::nullopt;
  const std::string_view seed_bytes(reinterpret_cast<const char*>(seed.data()), seed.size());
  const std::string_view pub_bytes(reinterpret_cast<const char*>(pub.data()), pub.size());
  std::string public_blob;
  wire::put_string(public_blob, "ssh-ed25519");
  wire::put_string(public_blob, pub_bytes);
  // The private section (PROTOCOL.key): two equal check words, the key
  // (public, then seed and public again), a comment, padding 1, 2, 3, ...
  std::string section;
  wire::put_u32(section, 0x6c676b31);
  wire::put_u32(section, 0x6c676b31);
  wire::put_string(section, "ssh-ed25519");
  wire::put_string(section, pub_bytes);
  wire::put_string(section, std::string(seed_bytes) + std::string(pub_bytes));
  wire::put_string(section, "");
  for (char pad = 1; section.size() % 8 != 0; ++pad) section.push_back(pad);
  std::string body(kMagic);
  wire::put_string(body, "none");
  wire::put_string(body, "none");
  wire::put_string(body, "");
  wire::put_u32(body, 1);
  wire::put_string(body, public_blob);
  wire::put_string(body, section);
  const auto encoded = wire::base64(body);
  std::string out(kOpensshBegin);
  out += '\n';
  for (std::size_t at = 0; at < encoded.size(); at += 70) {
    out.append(encoded, at, 70);
    out += '\n';
  }
  out += kOpensshEnd;
  out += '\n';
  return out;
}

}  // namespace secret
