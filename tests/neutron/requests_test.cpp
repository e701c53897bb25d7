// Neutron's body parsers and list queries, as pure functions: what they
// accept, and the NeutronError (type, status, Neutron's words) of what they refuse.
#include <doctest/doctest.h>

#include "adapters/openstack/neutron/query.h"
#include "adapters/openstack/neutron/requests.h"
#include "adapters/openstack/neutron/views.h"

namespace neutron = openstack::neutron;

namespace {

template <typename T>
const neutron::NeutronError& refused(const neutron::Parsed<T>& p) {
  REQUIRE(std::holds_alternative<neutron::NeutronError>(p));
  return std::get<neutron::NeutronError>(p);
}

template <typename T>
const T& accepted(const neutron::Parsed<T>& p) {
  if (auto* e = std::get_if<neutron::NeutronError>(&p)) FAIL(e->message);
  return std::get<T>(p);
}

}  // namespace

TEST_CASE("a network body: attributes checked, unknown ones and read-only ones refused") {
  const auto parsed = neutron::parse_network(R"({"network": {"name": "n", "admin_state_up": "False", "mtu": 1450}})", true);
  const auto& n = accepted(parsed);
  CHECK(*n.name == "n");
  CHECK(*n.admin_up == false);
  CHECK(*n.mtu == 1450);
  CHECK(refused(neutron::parse_network(R"({"network": {"colour": "red"}})", true)).message ==
        "Unrecognized attribute(s) 'colour'");
  CHECK(refused(neutron::parse_network(R"({"network": {"tenant_id": "x"}})", false)).message ==
        "Cannot update read-only attribute tenant_id");
  CHECK(refused(neutron::parse_network(R"({"network": {"mtu": 10}})", true)).message.find("is not in range") !=
        std::string::npos);
  CHECK(refused(neutron::parse_network("not json", true)).status == 400);
}

TEST_CASE("a subnet body: a cidr of its version, a gateway or null, pools and routes") {
  const auto parsed = neutron::parse_subnet(
      R"({"subnet": {"network_id": "6F1C2A3E-0B4D-4C5E-8F60-7A8B9C0D1E01", "cidr": "10.1.0.0/24", "gateway_ip": null,
          "allocation_pools": [{"start": "10.1.0.10", "end": "10.1.0.20"}],
          "host_routes": [{"destination": "10.2.0.0/16", "nexthop": "10.1.0.1"}]}})", true);
  const auto& s = accepted(parsed);
  CHECK(*s.network_id == "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01");
  CHECK(*s.ip_version == 4);
  CHECK(s.gateway.has_value());
  CHECK_FALSE(s.gateway->has_value());
  CHECK(s.pools->size() == 1);
  CHECK(refused(neutron::parse_subnet(R"({"subnet": {"network_id": "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "cidr": "10.0.0.0/33"}})", true))
            .message == "Invalid input for cidr. Reason: '10.0.0.0/33' is not a valid IP subnet.");
  CHECK(refused(neutron::parse_subnet(R"({"subnet": {"network_id": "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "cidr": "10.0.0.0/24", "ip_version": 6}})", true))
            .message.find("does not match the ip_version") != std::string::npos);
  CHECK(refused(neutron::parse_subnet(R"({"subnet": {"cidr": "10.0.0.0/24"}})", false)).message ==
        "Cannot update read-only attribute cidr");
}

TEST_CASE("a rule body: ports checked per protocol with Neutron's words") {
  const auto rule = [](const char* body) { return neutron::parse_rule(body); };
  const char* group = R"("security_group_id": "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "direction": "ingress")";
  const auto ssh = rule((std::string("{\"security_group_rule\": {") + group + R"(, "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}})").c_str());
  CHECK(accepted(ssh).port_min == 22);
  CHECK(refused(rule((std::string("{\"security_group_rule\": {") + group + R"(, "protocol": "tcp", "port_range_min": -16, "port_range_max": 80}})").c_str()))
            .message.find("Invalid value for port -16") != std::string::npos);
  CHECK(refused(rule((std::string("{\"security_group_rule\": {") + group + R"(, "protocol": "icmp", "port_range_min": 300, "port_range_max": 1}})").c_str()))
            .message.find("Invalid value for ICMP type") != std::string::npos);
  CHECK(refused(rule((std::string("{\"security_group_rule\": {") + group + R"(, "protocol": "nonsense"}})").c_str())).type ==
        "SecurityGroupRuleInvalidProtocol");
  CHECK(refused(rule((std::string("{\"security_group_rule\": {") + group + R"(, "port_range_min": 1, "port_range_max": 2}})").c_str()))
            .message == "Must also specify protocol if port range is given.");
}

TEST_CASE("list queries: filters, fields, sorting and paging over rendered resources") {
  neutron::Json doc;
  doc.Parse(R"([{"id": "a", "name": "x", "shared": true, "tags": ["red"]},
                {"id": "b", "name": "y", "shared": false, "tags": ["red", "blue"]},
                {"id": "c", "name": "x", "shared": false, "tags": []}])");
  const std::set<std::string> attributes{"id", "name", "shared", "tags"};
  const auto run = [&](neutron::Params params) {
    neutron::Json copy;
    copy.CopyFrom(doc, copy.GetAllocator());
    auto q = std::get<neutron::ListQuery>(neutron::parse_list_query(params, attributes));
    auto page = neutron::apply_list_query(q, copy, copy.GetAllocator());
    REQUIRE(std::holds_alternative<neutron::PageInfo>(page));
    std::string ids;
    for (const auto& v : copy.GetArray()) ids += v.HasMember("id") ? v["id"].GetString() : "?";
    return ids;
  };
  CHECK(run({{"name", "x"}}) == "ac");
  CHECK(run({{"name", "x"}, {"name", "y"}}) == "abc");
  CHECK(run({{"shared", "True"}}) == "a");
  CHECK(run({{"tags", "red,blue"}}) == "b");
  CHECK(run({{"not-tags-any", "red"}}) == "c");
  CHECK(run({{"sort_key", "name"}, {"sort_dir", "desc"}}) == "bac");
  CHECK(run({{"limit", "2"}}) == "ab");
  CHECK(run({{"limit", "1"}, {"marker", "a"}}) == "b");
  CHECK(run({{"fields", "name"}}) == "???");
  CHECK(std::get<neutron::NeutronError>(neutron::parse_list_query({{"colour", "red"}}, attributes)).message ==
        "[colour] is invalid attribute for filtering");
  CHECK(std::get<neutron::NeutronError>(neutron::parse_list_query({{"sort_key", "colour"}}, attributes)).status == 400);
}
