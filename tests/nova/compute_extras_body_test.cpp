// The bodies of server tags, os-agents, the migrations and personality
// files: what Nova accepts, and its 400 for the rest.
#include <doctest/doctest.h>

#include <string>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/server_tags.h"

using namespace openstack;

namespace {

const Version v21{2, 1}, v25{2, 25}, v30{2, 30}, v52{2, 52}, v56{2, 56}, v68{2, 68};

template <typename T>
std::string fault_of(const std::variant<T, Fault>& r) {
  REQUIRE(std::holds_alternative<Fault>(r));
  CHECK(std::get<Fault>(r).status == 400);
  return std::get<Fault>(r).message;
}

Settings catalogs() {
  Settings s;
  Flavor tiny;  // made field by field: -Werror's missing-field-initializers
  tiny.id = "1";
  tiny.name = "m1.tiny";
  s.flavors = {tiny};
  return s;
}

constexpr const char* kAgent =
    R"({"agent": {"hypervisor": "kvm", "os": "win", "architecture": "x86", "version": "7.0",
                  "url": "xxx://xxxx/xxx/xxx", "md5hash": "add6bb58e139be103324d04d82d8f545"}})";

}  // namespace

TEST_CASE("a server's tags: kept sorted, each once, in the server's attributes") {
  core::Pairs attributes;
  set_tags(attributes, {"b", "a", "b"});
  CHECK(tags_of(attributes) == std::vector<std::string>{"a", "b"});
  CHECK(core::find_pair(attributes, kTagsAttr) == "a,b");
  set_tags(attributes, {});
  CHECK(tags_of(attributes).empty());
  CHECK_FALSE(core::find_pair(attributes, kTagsAttr).has_value());
}

TEST_CASE("a tag is 1 to 60 characters without ',' or '/', in jsonschema's words") {
  CHECK_FALSE(tag_error("tag-1").has_value());
  CHECK_FALSE(tag_error(std::string(60, 'x')).has_value());
  CHECK_FALSE(tag_error("\xC3\xA9t\xC3\xA9").has_value());  // characters, not bytes
  CHECK(tag_error("") == "'' is too short");
  CHECK(tag_error(std::string(61, 'x')) == "'" + std::string(61, 'x') + "' is too long");
  CHECK(tag_error("a,b") == "'a,b' does not match '^[^,/]*$'");
  CHECK(check_path_tag("a/b")->message ==
        "Tag 'a/b' is invalid. It must be a non empty string without characters '/' and ','. Validation error "
        "message: 'a/b' does not match '^[^,/]*$'");
}

TEST_CASE("PUT /tags takes {\"tags\": [...]} of at most 50; PUT /tags/{tag} takes no body or null") {
  auto ok = parse_tags(R"({"tags": ["b", "a"]})");
  REQUIRE(std::holds_alternative<std::vector<std::string>>(ok));
  CHECK(std::get<std::vector<std::string>>(ok) == std::vector<std::string>{"b", "a"});
  CHECK(fault_of(parse_tags(R"({"tags": ["ok", 5]})")) ==
        "Invalid input for field/attribute 1. Value: 5. 5 is not of type 'string'");
  CHECK(fault_of(parse_tags(R"({"tags": ["a,b"]})")) ==
        "Invalid input for field/attribute 0. Value: a,b. 'a,b' does not match '^[^,/]*$'");
  CHECK(fault_of(parse_tags(R"({})")) == "'tags' is a required property");
  CHECK(fault_of(parse_tags(R"({"tags": [], "x": 1})")) == "Additional properties are not allowed ('x' was unexpected)");
  std::string many = R"({"tags": [)";
  for (int i = 0; i < 51; ++i) many += (i ? "," : "") + std::string("\"t") + std::to_string(i) + "\"";
  CHECK(fault_of(parse_tags(many + "]}")).find("is too long") != std::string::npos);
  CHECK_FALSE(check_tag_body("").has_value());
  CHECK_FALSE(check_tag_body("null").has_value());
  CHECK(check_tag_body("{}")->message == "{} is not of type 'null'");
}

TEST_CASE("a create's tags from 2.52, checked as the tags API checks them") {
  const auto settings = catalogs();
  constexpr const char* body =
      R"({"server": {"name": "t", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "flavorRef": "1",
                     "networks": "none", "tags": ["x", "y"]}})";
  auto r = parse_create(body, v52, settings);
  if (const auto* f = std::get_if<Fault>(&r)) FAIL_CHECK(f->message);
  REQUIRE(std::holds_alternative<CreateRequest>(r));
  CHECK(std::get<CreateRequest>(r).tags == std::vector<std::string>{"x", "y"});
  CHECK(fault_of(parse_create(body, v21, settings)).find("('tags' was unexpected)") != std::string::npos);
}

TEST_CASE("personality files are counted for the injected-files quotas") {
  const auto settings = catalogs();
  constexpr const char* body =
      R"({"server": {"name": "t", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "flavorRef": "1",
                     "personality": [{"path": "/etc/a", "contents": "aGVsbG8="},
                                     {"path": "/etc/longer", "contents": ""}]}})";
  auto r = parse_create(body, v21, settings);
  REQUIRE(std::holds_alternative<CreateRequest>(r));
  const auto& files = std::get<CreateRequest>(r).personality;
  CHECK((files.count == 2 && files.longest_path == 11 && files.longest_contents == 8));
  auto rebuild = parse_action(R"({"rebuild": {"imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61",
                                              "personality": [{"path": "p", "contents": "YQ=="}]}})",
                              v21);
  REQUIRE(std::holds_alternative<ActionRequest>(rebuild));
  CHECK(std::get<ActionRequest>(rebuild).rebuild.personality.count == 1);
}

TEST_CASE("migrate: any value before 2.56, then null or {\"host\"}") {
  auto r = parse_action(R"({"migrate": {"anything": 1}})", v21);
  REQUIRE(std::holds_alternative<ActionRequest>(r));
  CHECK(std::get<ActionRequest>(r).kind == ActionKind::Migrate);
  r = parse_action(R"({"migrate": {"host": "gateway-host"}})", v56);
  REQUIRE(std::holds_alternative<ActionRequest>(r));
  CHECK(std::get<ActionRequest>(r).migrate_host == "gateway-host");
  CHECK(fault_of(parse_action(R"({"migrate": {"anything": 1}})", v56)) ==
        R"(Invalid input for field/attribute migrate. Value: {"anything":1}. Additional properties are not allowed ('anything' was unexpected))");
  CHECK(fault_of(parse_action(R"({"migrate": {"host": "a/b"}})", v56)) ==
        "Invalid input for field/attribute host. Value: a/b. 'a/b' does not match '^[a-zA-Z0-9-._]*$'");
}

TEST_CASE("os-migrateLive by its four schemas") {
  auto r = parse_action(R"({"os-migrateLive": {"host": null, "block_migration": false, "disk_over_commit": "0"}})", v21);
  REQUIRE(std::holds_alternative<ActionRequest>(r));
  CHECK(std::get<ActionRequest>(r).kind == ActionKind::LiveMigrate);
  CHECK_FALSE(std::get<ActionRequest>(r).migrate_host.has_value());
  CHECK(fault_of(parse_action(R"({"os-migrateLive": {"host": null, "block_migration": false}})", v21))
            .find("'disk_over_commit' is a required property") != std::string::npos);
  CHECK(fault_of(parse_action(R"({"os-migrateLive": {"host": null, "block_migration": "auto"}})", v21))
            .find("'auto' is not one of [True, 'True'") != std::string::npos);
  r = parse_action(R"({"os-migrateLive": {"host": null, "block_migration": "auto"}})", v25);
  REQUIRE(std::holds_alternative<ActionRequest>(r));
  r = parse_action(R"({"os-migrateLive": {"host": "h1", "block_migration": "auto", "force": true}})", v30);
  REQUIRE(std::holds_alternative<ActionRequest>(r));
  CHECK(std::get<ActionRequest>(r).force);
  CHECK(fault_of(parse_action(R"({"os-migrateLive": {"host": null, "block_migration": "auto", "force": true}})", v30)) ==
        "Can't force to a non-provided destination");
  CHECK(fault_of(parse_action(R"({"os-migrateLive": {"host": "h1", "block_migration": "auto", "force": true}})", v68))
            .find("('force' was unexpected)") != std::string::npos);
}

TEST_CASE("os-agents: the create and update bodies, as Nova's schema checked them") {
  auto r = parse_agent_create(kAgent);
  REQUIRE(std::holds_alternative<GuestAgent>(r));
  const auto& a = std::get<GuestAgent>(r);
  CHECK((a.hypervisor == "kvm" && a.os == "win" && a.architecture == "x86" && a.version == "7.0"));
  CHECK((a.url == "xxx://xxxx/xxx/xxx" && a.md5hash == "add6bb58e139be103324d04d82d8f545"));
  CHECK(fault_of(parse_agent_create(R"({"agent": {"hypervisor": "kvm/1"}})")) ==
        "Invalid input for field/attribute hypervisor. Value: kvm/1. 'kvm/1' does not match '^[a-zA-Z0-9-._ ]*$'");
  CHECK(fault_of(parse_agent_create(R"({"agent": {"hypervisor": "kvm"}})")).find("'os' is a required property") !=
        std::string::npos);
  CHECK(fault_of(parse_agent_create(R"({"agent": {"url": "no-scheme"}})")) ==
        "Invalid input for field/attribute url. Value: no-scheme. 'no-scheme' is not a 'uri'");
  CHECK(fault_of(parse_agent_create(R"({"agent": {"md5hash": "xyz"}})")).find("does not match '^[a-fA-F0-9]*$'") !=
        std::string::npos);
  CHECK(fault_of(parse_agent_create(R"({})")) == "'agent' is a required property");
  auto u = parse_agent_update(R"({"para": {"version": "8.0", "url": "http://h:80/x", "md5hash": "ab"}})");
  REQUIRE(std::holds_alternative<GuestAgent>(u));
  CHECK(std::get<GuestAgent>(u).version == "8.0");
  CHECK(fault_of(parse_agent_update(kAgent)) == "'para' is a required property");
}

TEST_CASE("a URI has a scheme and a host, and RFC 3986's characters") {
  for (const char* uri : {"xxx://xxxx/xxx/xxx", "http://user:pw@host:8080/p?q=1#f", "https://[::1]/", "ftp://h"})
    CHECK_MESSAGE(absolute_uri(uri), uri);
  for (const char* uri : {"", "host/path", "://h", "1http://h", "http:/h", "http://", "http://h:99999/",
                          "http://h/a b", "http://h/%zz"})
    CHECK_FALSE_MESSAGE(absolute_uri(uri), uri);
}
