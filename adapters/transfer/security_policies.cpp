// The lists as AWS's user guide prints each policy (the order of its
// DescribeSecurityPolicy output). The "Restricted" policies are their
// namesakes without chacha20-poly1305; FIPS-2024-05 is FIPS-2024-01 (they
// differ in host key algorithms only, which the model does not show).
#include "adapters/transfer/security_policies.h"

#include <algorithm>

namespace transfer {
namespace {

using List = std::string_view[];

// SSH ciphers
constexpr List kCiphers2024 = {"aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr",
                               "aes192-ctr"};
constexpr List kCiphers2022 = {"aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr"};
constexpr List kCiphers2020 = {"chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
                               "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"};
constexpr List kCiphersRestricted = {"aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
                                     "aes256-gcm@openssh.com"};
constexpr List kCiphers2025 = {"aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes128-ctr", "aes256-ctr",
                               "aes192-ctr"};
constexpr List kCiphersFips2025 = {"aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr",
                                   "aes128-ctr"};

// SSH key exchanges
constexpr List kKexs2024 = {"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                            "curve25519-sha256",  "curve25519-sha256@libssh.org", "diffie-hellman-group18-sha512",
                            "diffie-hellman-group16-sha512", "diffie-hellman-group-exchange-sha256"};
constexpr List kKexsAudit2025 = {"curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group18-sha512",
                                 "diffie-hellman-group16-sha512", "diffie-hellman-group-exchange-sha256"};
constexpr List kKexs2022 = {"curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group16-sha512",
                            "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha256"};
constexpr List kKexs2020 = {"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                            "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
                            "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"};
constexpr List kKexs2018 = {"curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
                            "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
                            "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
                            "diffie-hellman-group14-sha256", "diffie-hellman-group14-sha1"};
constexpr List kKexsFips2024 = {"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                                "diffie-hellman-group18-sha512", "diffie-hellman-group16-sha512",
                                "diffie-hellman-group-exchange-sha256"};
constexpr List kKexsFips2023 = {"diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
                                "diffie-hellman-group-exchange-sha256"};
constexpr List kKexs2025 = {"mlkem768x25519-sha256", "mlkem768nistp256-sha256", "mlkem1024nistp384-sha384",
                            "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "curve25519-sha256",
                            "curve25519-sha256@libssh.org", "diffie-hellman-group16-sha512",
                            "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha256"};
constexpr List kKexsFips2025 = {"mlkem768x25519-sha256", "mlkem768nistp256-sha256", "mlkem1024nistp384-sha384",
                                "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                                "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
                                "diffie-hellman-group18-sha512"};

// SSH MACs
constexpr List kMacsEtm = {"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"};
constexpr List kMacsEtm512First = {"hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"};
constexpr List kMacs2022 = {"hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512",
                            "hmac-sha2-256"};
constexpr List kMacs2020 = {"umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
                            "hmac-sha2-512-etm@openssh.com", "umac-128@openssh.com", "hmac-sha2-256",
                            "hmac-sha2-512"};
constexpr List kMacs2018 = {"umac-64-etm@openssh.com",   "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
                            "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64@openssh.com",
                            "umac-128@openssh.com",      "hmac-sha2-256",            "hmac-sha2-512",
                            "hmac-sha1"};
constexpr List kMacsFips2020 = {"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256",
                                "hmac-sha2-512"};

// TLS ciphers
constexpr List kTls = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"};
constexpr List kTls2018 = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                           "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                           "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                           "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                           "TLS_RSA_WITH_AES_128_CBC_SHA256",         "TLS_RSA_WITH_AES_256_CBC_SHA256"};

// By name, so find_security_policy can search it.
constexpr SecurityPolicy kPolicies[] = {
    {"TransferSecurityPolicy-2018-11", false, kCiphers2020, kKexs2018, kMacs2018, kTls2018},
    {"TransferSecurityPolicy-2020-06", false, kCiphers2020, kKexs2020, kMacs2020, kTls},
    {"TransferSecurityPolicy-2022-03", false, kCiphers2022, kKexs2022, kMacs2022, kTls},
    {"TransferSecurityPolicy-2023-05", false, kCiphers2022, kKexs2022, kMacsEtm512First, kTls},
    {"TransferSecurityPolicy-2024-01", false, kCiphers2024, kKexs2024, kMacsEtm, kTls},
    {"TransferSecurityPolicy-2025-03", false, kCiphers2025, kKexs2025, kMacsEtm, kTls},
    {"TransferSecurityPolicy-AS2Restricted-2025-07", false, kCiphers2025, kKexs2025, kMacsEtm, kTls},
    {"TransferSecurityPolicy-FIPS-2020-06", true, kCiphersRestricted, kKexs2020, kMacsFips2020, kTls},
    {"TransferSecurityPolicy-FIPS-2023-05", true, kCiphers2022, kKexsFips2023, kMacsEtm, kTls},
    {"TransferSecurityPolicy-FIPS-2024-01", true, kCiphers2024, kKexsFips2024, kMacsEtm, kTls},
    {"TransferSecurityPolicy-FIPS-2024-05", true, kCiphers2024, kKexsFips2024, kMacsEtm, kTls},
    {"TransferSecurityPolicy-FIPS-2025-03", true, kCiphersFips2025, kKexsFips2025, kMacsEtm512First, kTls},
    {"TransferSecurityPolicy-Restricted-2018-11", false, kCiphersRestricted, kKexs2018, kMacs2018, kTls2018},
    {"TransferSecurityPolicy-Restricted-2020-06", false, kCiphersRestricted, kKexs2020, kMacs2020, kTls},
    {"TransferSecurityPolicy-SshAuditCompliant-2025-02", false, kCiphers2024, kKexsAudit2025, kMacsEtm, kTls},
};

}  // namespace

std::span<const SecurityPolicy> security_policies() { return kPolicies; }

const SecurityPolicy* find_security_policy(std::string_view name) {
  const auto it = std::find_if(std::begin(kPolicies), std::end(kPolicies),
                               [&](const SecurityPolicy& p) { return p.name == name; });
  return it == std::end(kPolicies) ? nullptr : it;
}

}  // namespace transfer
