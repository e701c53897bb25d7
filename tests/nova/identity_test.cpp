// Keystone's directory as the core sees it: the AWS account a new project
// gets, the roles a user holds (implied ones included), and which tokens a
// revocation event takes back.
#include <doctest/doctest.h>

#include <chrono>

#include "adapters/openstack/keystone/accounts.h"
#include "adapters/openstack/keystone/directory.h"
#include "adapters/openstack/keystone/revocations.h"

using namespace openstack;

TEST_CASE("a new project's account: configured by name, else derived from its id") {
  core::Tenants tenants;
  tenants.map("demo", "000000000000", "us-east-1");
  const std::vector<ProjectAccount> configured = {{"team-b", "333333333333", "eu-west-1"}};
  CHECK(account_for("0123456789abcdef0123456789abcdef", "team-b", configured, tenants) ==
        std::pair<std::string, std::string>{"333333333333", "eu-west-1"});
  // 0x0123456789 = 4886718345: the same id always gets the same account.
  const auto derived = account_for("0123456789abcdef0123456789abcdef", "other", configured, tenants);
  CHECK(derived == std::pair<std::string, std::string>{"004886718345", "us-east-1"});
  // Held by another project: the configured account is not given again, the derived one moves up.
  tenants.map("x", "333333333333", "eu-west-1");
  tenants.map("y", "004886718345", "us-east-1");
  CHECK(account_for("0123456789abcdef0123456789abcdef", "team-b", configured, tenants).first == "004886718346");
  // An account seen from Transfer only is free: the project joins its servers.
  (void)tenants.for_account("004886718347", "us-east-1");
  tenants.map("z", "004886718346", "us-east-1");
  CHECK(account_for("0123456789abcdef0123456789abcdef", "q", {}, tenants).first == "004886718347");
}

TEST_CASE("effective roles follow Keystone's implications") {
  auto dir = configured_directory({{"demo", "demo", "demo", {"member"}}, {"boss", "boss", "demo", {"admin"}}});
  const auto names = [&](std::string_view user) {
    std::vector<std::string> out;
    for (const auto* r : dir.effective_roles(user, project_target("demo"))) out.push_back(r->name);
    return out;
  };
  CHECK(names("demo") == std::vector<std::string>{"member", "reader"});
  CHECK(names("boss") == std::vector<std::string>{"admin", "member", "reader"});
  CHECK(dir.projects_of("demo").size() == 1);
  CHECK(dir.effective_roles("demo", project_target("alt")).empty());
}

TEST_CASE("a revocation event takes back the tokens issued before it, of what it names") {
  Revocations events(3600);
  Identity token;
  token.user = "u";
  token.project = "p";
  token.issued = std::chrono::system_clock::now();
  CHECK(!events.any());
  events.add(Revocation{"u", "other", {}}, token.issued + std::chrono::seconds(1));
  CHECK(events.any());
  CHECK(!events.revoked(token));  // another project's grant
  events.add(Revocation{"u", "p", {}}, token.issued - std::chrono::seconds(1));
  CHECK(!events.revoked(token));  // the token came after
  events.add(Revocation{{}, "p", {}}, token.issued);
  CHECK(events.revoked(token));
  Revocations restarted(3600);
  restarted.load(events.documents());
  CHECK(restarted.revoked(token));
}
