// The server list's query string: what Nova accepts, the fault for the rest, and
// which servers a listing shows.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "adapters/openstack/nova/list_query.h"

using namespace openstack;

namespace {

const Version v21{2, 1}, v38{2, 38}, v75{2, 75};

std::variant<ListParams, Fault> parse(std::multimap<std::string, std::string> params, const Version& v = v21,
                                      bool admin = false) {
  return parse_list_query(params, v, admin, [](const std::string& marker) -> std::optional<std::uint64_t> {
    if (marker == "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03") return 3;
    return std::nullopt;
  });
}

core::ServerInfo server(std::string name, core::State state) {
  core::ServerInfo s;
  s.name = std::move(name);
  s.state = state;
  return s;
}

Fault fault(std::multimap<std::string, std::string> params, const Version& v = v21, bool admin = false) {
  auto r = parse(std::move(params), v, admin);
  REQUIRE(std::holds_alternative<Fault>(r));
  return std::get<Fault>(r);
}

}  // namespace

TEST_CASE("the parameters clients send") {
  auto r = std::get<ListParams>(parse({{"limit", "2"}, {"marker", "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03"},
                                       {"name", "^web-[12]$"}, {"status", "shutoff"}}));
  CHECK(r.limit == 2);
  CHECK(r.after_seq == 3);
  CHECK(r.status == "SHUTOFF");
  CHECK(r.matches(server("web-1", core::State::Stopped)));
  CHECK_FALSE(r.matches(server("web-1", core::State::Running)));
  CHECK_FALSE(r.matches(server("web-3", core::State::Stopped)));
  CHECK(std::get<ListParams>(parse({{"limit", "5000"}})).limit == 1000);
  CHECK(std::get<ListParams>(parse({{"all_tenants", ""}}, v21, true)).all_tenants);
  CHECK(std::get<ListParams>(parse({{"frobnicate", "1"}})).limit == 1000);  // ignored before 2.75
}

TEST_CASE("Nova's faults, in Nova's order") {
  CHECK(fault({{"frobnicate", "1"}}, v75).message.find("('frobnicate' was unexpected)") != std::string::npos);
  CHECK(fault({{"all_tenants", "1"}, {"limit", "x"}}).status == 403);  // policy before the limit
  CHECK(fault({{"all_tenants", "maybe"}}, v21, true).message.find("Unrecognized value 'maybe'") == 0);
  CHECK(fault({{"limit", "-1"}}).message.find("does not match '^[0-9]*$'") != std::string::npos);
  CHECK(fault({{"marker", "nope"}, {"name", "("}}).message == "marker [nope] not found");
  CHECK(fault({{"status", "FROZEN"}}, v38).message == "Invalid status value");
  CHECK(std::get<ListParams>(parse({{"status", "FROZEN"}})).no_status_matches);
}

TEST_CASE("a name regex: bounded nesting and repeat counts (found by fuzzing)") {
  const auto not_regex = [](const std::string& pattern) {
    return fault({{"name", pattern}}).message.find("is not a 'regex'") != std::string::npos;
  };
  CHECK(not_regex(""));
  CHECK(not_regex("("));
  CHECK(not_regex(std::string(65, '(') + "a" + std::string(65, ')')));
  // libstdc++ reads these numbers into a long unchecked: signed overflow.
  CHECK(not_regex("]{1000777777777777777777}"));
  CHECK(not_regex("a\\99999999999999999999999"));
  // And copies the repeated atom that many times while compiling.
  CHECK(not_regex("]{0,99999}"));
  CHECK(not_regex("a{1001}"));
  CHECK(not_regex("a{2,1001}"));
  CHECK(std::get<ListParams>(parse({{"name", "a{2,250}"}})).name);
  CHECK(std::get<ListParams>(parse({{"name", "^web-\\d{1,3}$"}})).matches(server("web-12", core::State::Running)));
}

TEST_CASE("a name regex: at most 512 states, matched in one pass (12 s a name before)") {
  const auto refused = [](const std::string& pattern) {
    return std::holds_alternative<Fault>(parse({{"name", pattern}}));
  };
  // (.*){0,1000}x took 12 s over one 255-character name: quadratic in the
  // name, times the 3000 states its copies compile to.
  CHECK(refused("(.*){0,1000}x"));
  CHECK(refused("(.*){0,200}x"));        // 601 states
  CHECK(refused("((a{0,30}){0,30})"));    // nested repeats multiply
  CHECK(refused(std::string(600, 'a')));  // every atom counts
  CHECK_FALSE(refused("(.*){0,100}x"));
  CHECK_FALSE(refused("^" + std::string(255, 'a') + "$"));  // any name, exactly
  CHECK_FALSE(refused("[((((((((]{1,200}"));  // a bracket expression is one atom, its parentheses too
  // Matching a whole name through the wrapper is searching it.
  const auto matches = [](const std::string& pattern, const std::string& name) {
    return std::get<ListParams>(parse({{"name", pattern}})).matches(server(name, core::State::Running));
  };
  CHECK(matches("eb", "web-1"));
  CHECK(matches("^web|^db", "db-primary"));
  CHECK_FALSE(matches("^eb", "web-1"));
  CHECK(matches("1$", "web-1"));
  CHECK_FALSE(matches("b$", "web-1"));
  CHECK(matches("\\bweb\\b", "a web b"));
  CHECK_FALSE(matches("\\bweb", "aweb"));
  CHECK(matches("x*", "anything"));
  CHECK(matches("a", "line\nbreak a"));
  // What the wrapper could change must not compile on its own.
  CHECK(refused("a)(b"));
  CHECK(refused("a\\"));
}

TEST_CASE("soft-deleted servers: left out, listed with changes-since, alone with an admin's deleted=true") {
  auto live = server("web", core::State::Running), soft = server("gone", core::State::SoftDeleted),
       restoring = server("back", core::State::Restoring);  // vm_state soft-delete until restored
  for (auto* s : {&live, &soft, &restoring}) s->updated_ms = 1'700'000'000'000;
  const auto shows = [&](std::multimap<std::string, std::string> params, bool admin) {
    const auto r = std::get<ListParams>(parse(std::move(params), v21, admin));
    return std::vector<bool>{r.matches(live), r.matches(soft), r.matches(restoring)};
  };
  const std::vector<bool> undeleted{true, false, false}, all{true, true, true}, deleted{false, true, true};
  CHECK(shows({}, false) == undeleted);
  CHECK(shows({}, true) == undeleted);
  CHECK(shows({{"changes-since", "2020-01-01T00:00:00Z"}}, false) == all);
  CHECK(shows({{"deleted", "True"}}, true) == deleted);
  CHECK(shows({{"deleted", " yes "}, {"all_tenants", "1"}}, true) == deleted);
  CHECK(shows({{"deleted", "maybe"}}, true) == undeleted);  // not a true string: false, as oslo reads it
  CHECK(shows({{"deleted", "false"}, {"changes-since", "2020-01-01T00:00:00Z"}}, true) == undeleted);
  CHECK(shows({{"deleted", "true"}}, false) == undeleted);  // a non-admin's is dropped
}
