#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "gateway/config.h"
#include "gateway/json_file.h"

namespace {

// A JSON file in /tmp that lives as long as the object.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/gateway-config-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

std::variant<gateway::Config, std::string> load(const std::string& fleet, const std::string& config = "") {
  gateway::Options o;
  std::optional<TempFile> f, c;
  if (!fleet.empty()) o.fleet_file = f.emplace(fleet).path;
  if (!config.empty()) o.config_file = c.emplace(config).path;
  return gateway::load_config(o);
}

std::string error_of(const std::string& fleet, const std::string& config = "") {
  auto r = load(fleet, config);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("defaults: four users, two mapped tenants, the admin access key") {
  auto c = gateway::default_config();
  REQUIRE(c.openstack.users.size() == 4);
  CHECK(c.openstack.users[3].name == "admin");
  REQUIRE(c.tenants.size() == 2);
  CHECK(c.tenants[0].account == "000000000000");
  CHECK(c.tenants[1].account == "111111111111");
  REQUIRE(c.transfer.keys.size() == 1);
  CHECK(c.transfer.keys[0].admin);
}

TEST_CASE("bad JSON is reported with file, line and column") {
  const auto e = error_of("{\n  \"servers\": [\n    {\"name\": \"a\",}\n  ]\n}");
  CHECK(e.find(":3:18: ") != std::string::npos);
  CHECK(e.find("/tmp/gateway-config-") == 0);
}

TEST_CASE("invalid UTF-8 in a file is a parse error") {
  CHECK(error_of("{\"servers\": [{\"name\": \"\xff\", \"project\": \"demo\"}]}").find("Invalid encoding") !=
        std::string::npos);
}

TEST_CASE("unknown keys are named, with the keys that are known") {
  auto e = error_of(R"({"userz": []})");
  CHECK(e.find("(top level): unknown key 'userz'") != std::string::npos);
  CHECK(e.find("known keys: servers, users") != std::string::npos);
  e = error_of(R"({"servers": [{"name": "a", "project": "demo", "stat": "running"}]})");
  CHECK(e.find("servers[0]: unknown key 'stat'") != std::string::npos);
}

TEST_CASE("servers belong to the fleet file only") {
  CHECK(error_of("", R"({"servers": []})").find("unknown key 'servers'") != std::string::npos);
}

TEST_CASE("invalid values are named") {
  CHECK(error_of(R"({"servers": [{"project": "demo", "state": "runing"}]})")
            .find("servers[0].state: 'runing' is not a core state") != std::string::npos);
  CHECK(error_of(R"({"servers": [{"project": "demo", "id": "123"}]})").find("servers[0].id: '123' is not a UUID") !=
        std::string::npos);
  CHECK(error_of(R"({"servers": [{"project": "demo", "server_id": "s-XYZ"}]})")
            .find("servers[0].server_id: 's-XYZ' does not match") != std::string::npos);
  CHECK(error_of(R"({"servers": [{"name": "x"}]})").find("give either 'project' or 'account'") != std::string::npos);
  CHECK(error_of(R"({"transition_ms": {"stop": -5}})").find("transition_ms.stop: must be a whole number") !=
        std::string::npos);
  CHECK(error_of(R"({"users": [{"name": "u", "password": "p", "project": "x", "roles": ["root"]}]})")
            .find("users[0].roles: 'root' is not one of admin, member, reader") != std::string::npos);
  CHECK(error_of(R"({"users": [{"name": "u"}]})").find("users[0]: 'password' is required") != std::string::npos);
  CHECK(error_of(R"({"access_keys": [{"access_key": "k", "account": "12"}]})")
            .find("access_keys[0].account: '12' is not a 12-digit AWS account id") != std::string::npos);
  CHECK(error_of(R"([1, 2])").find("(top level): must be a JSON object") != std::string::npos);
}

TEST_CASE("a good fleet and config merge over the defaults, and flags win") {
  auto r = load(R"({"servers": [{"name": "a", "project": "demo", "state": "stopped", "locked": "admin",
                     "locked_reason": "why", "tags": {"k": "v"}},
                    {"account": "222222222222", "region": "eu-west-1"}],
                    "transition_ms": 100})",
                R"({"users": [{"name": "demo", "password": "secret", "project": "demo", "roles": ["member"]}],
                    "access_keys": [{"access_key": "AKID", "secret_key": "S", "account": "222222222222"}],
                    "transition_ms": {"stop": 300}, "token_ttl_s": 60})");
  REQUIRE(std::holds_alternative<gateway::Config>(r));
  const auto& c = std::get<gateway::Config>(r);
  REQUIRE(c.servers.size() == 2);
  CHECK(c.servers[0].record.info.state == core::State::Stopped);
  CHECK(c.servers[0].record.info.lock.by == core::LockOwner::Admin);
  CHECK(c.servers[0].record.info.lock.reason == "why");
  CHECK(c.servers[0].record.info.tags == core::Pairs{{"k", "v"}});
  CHECK(c.servers[1].account == "222222222222");
  CHECK(c.servers[1].record.info.state == core::State::Running);
  CHECK(c.transition_ms[static_cast<int>(core::Action::Create)] == 100);
  CHECK(c.transition_ms[static_cast<int>(core::Action::Stop)] == 300);
  CHECK(c.transition_ms[static_cast<int>(core::Action::Start)] == 100);
  CHECK(c.transition_ms[static_cast<int>(core::Action::Pause)] == 100);
  CHECK(c.openstack.users.size() == 4);  // demo replaced, not added
  CHECK(c.openstack.users.back().password == "secret");
  CHECK(c.transfer.keys.size() == 2);
  CHECK(c.openstack.token_ttl_s == 60);

  gateway::Options flags;
  flags.transition_ms = 7;
  flags.auth = "noauth";
  auto with_flags = gateway::load_config(flags);
  for (const auto ms : std::get<gateway::Config>(with_flags).transition_ms) CHECK(ms == 7);
  CHECK(std::get<gateway::Config>(with_flags).openstack.auth == openstack::AuthMode::NoAuth);
}

TEST_CASE("the demo fleet loads") {
  gateway::Options o;
  o.fleet_file = std::string(SOURCE_ROOT) + "/examples/fleet.json";
  auto r = gateway::load_config(o);
  REQUIRE(std::holds_alternative<gateway::Config>(r));
  CHECK(std::get<gateway::Config>(r).servers.size() == 12);
}

TEST_CASE("a lone surrogate escape in a file is kept as U+FFFD (found by fuzzing)") {
  auto r = load(R"({"servers": [{"name": "a\udc00", "project": "demo", "tags": {"\udfff": "v"}}],
                    "users": [{"name": "u\udc00", "password": "p", "project": "demo"}]})");
  REQUIRE(std::holds_alternative<gateway::Config>(r));
  const auto& c = std::get<gateway::Config>(r);
  CHECK(c.servers[0].record.info.name == "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(c.servers[0].record.info.tags == core::Pairs{{"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "v"}});
  CHECK(c.openstack.users.back().name == "u\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("line_and_column counts from 1") {
  CHECK(gateway::line_and_column("ab\ncd", 0) == std::pair{1, 1});
  CHECK(gateway::line_and_column("ab\ncd", 4) == std::pair{2, 2});
}
