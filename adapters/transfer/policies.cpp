// DescribeSecurityPolicy and ListSecurityPolicies (AWS's published
// policies, security_policies.cpp), and TestIdentityProvider, which tests a
// server's external identity provider: a service-managed server has none
// (the model's documented InvalidRequestException), and the gateway calls
// no external one (API Gateway, Lambda, Directory Service) either.
#include <fmt/format.h>

#include "adapters/transfer/login_views.h"
#include "adapters/transfer/logins_support.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/paging.h"
#include "adapters/transfer/reply.h"
#include "core/journal.h"

namespace transfer {
namespace {

Reply describe_security_policy(Context&, const rapidjson::Value& body) {
  Input in(body);
  const auto name = in.security_policy(true);
  if (in.error()) return fail(invalid_request(*in.error()));
  const auto* policy = find_security_policy(*name);
  if (!policy) return fail(core::missing("security_policy", *name), "DescribeSecurityPolicy");
  return json([&](Writer& w) {
    w.Key("SecurityPolicy");
    write_security_policy(w, *policy);
  });
}

Reply list_security_policies(Context&, const rapidjson::Value& body) {
  Input in(body);
  const auto max = in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  std::string after;
  if (token) {
    auto position = page_after(*token, "security-policies", "");
    if (!position) return fail(invalid_next_token());
    after = std::move(*position);
  }
  const auto limit = page_size(max);
  std::vector<std::string_view> names;
  bool more = false;
  for (const auto& p : security_policies()) {
    if (p.name <= after) continue;  // the table is in name order
    if (names.size() == limit) {
      more = true;
      break;
    }
    names.push_back(p.name);
  }
  return json([&](Writer& w) {
    if (more) field(w, "NextToken", page_token("security-policies", "", names.back()));
    w.Key("SecurityPolicyNames");
    w.StartArray();
    for (auto n : names) w.String(n.data(), static_cast<rapidjson::SizeType>(n.size()));
    w.EndArray();
  });
}

Reply test_identity_provider(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  in.one_of("ServerProtocol", {"SFTP", "FTP", "FTPS", "AS2"});
  in.source_ip();
  in.user_name();
  in.secret("UserPassword", false, 1024);
  if (in.error()) return fail(invalid_request(*in.error()));
  auto found = c.fleet.get(c.caller, *server);
  if (!found) return fail(found.error(), "TestIdentityProvider");
  core::note_server(c.options.call, found->uuid, found->transfer_id);
  const auto type = core::find_pair(found->attributes, kIdentityProviderType).value_or("SERVICE_MANAGED");
  if (type == "SERVICE_MANAGED") return fail(invalid_request(fmt::format("{} not configured for external auth", *server)));
  return fail(invalid_request(fmt::format(
      "{} uses the {} identity provider, which this gateway cannot call: it serves SERVICE_MANAGED users only",
      *server, type)));
}

constexpr NamedOperation kPolicyOperations[] = {
    {"DescribeSecurityPolicy", describe_security_policy},
    {"ListSecurityPolicies", list_security_policies},
    {"TestIdentityProvider", test_identity_provider},
};

}  // namespace

std::span<const NamedOperation> policy_operations() { return kPolicyOperations; }

}  // namespace transfer
