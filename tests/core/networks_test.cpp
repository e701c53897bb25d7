// The network model below the APIs: a tenant's default topology, servers'
// ports with unique addresses (also under concurrent creates), a full pool
// failing the server's build, delete releasing what the server had,
// floating addresses needing a router, and a restart or a refused write.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "core/net/networks.h"
#include "fixture.h"
#include "memory_store.h"

using core::State;
namespace net = core::net;

namespace {

struct NetFixture : test::FleetFixture {
  net::Networks networks{fleet, ids, tenants};
  NetFixture() { REQUIRE(fleet.replace({}, std::nullopt, true).ok()); }

  core::ServerInfo create(const std::string& name, std::optional<std::vector<core::NicRequest>> nics = std::nullopt) {
    core::CreateSpec spec;
    spec.name = name;
    spec.nics = std::move(nics);
    auto made = fleet.create(owner, std::move(spec));
    REQUIRE(made.ok());
    return made.value();
  }
  std::string network_named(const core::Caller& c, const std::string& name) {
    for (const auto& n : networks.networks(c))
      if (n.name == name) return n.id;
    return {};
  }
};

std::string text(const net::Address& a) { return net::to_string(a); }

}  // namespace

TEST_CASE("addresses and prefixes parse strictly and print canonically") {
  CHECK(text(*net::parse_address("10.0.0.5")) == "10.0.0.5");
  CHECK_FALSE(net::parse_address("10.0.0.256"));
  CHECK_FALSE(net::parse_address("10.0.0"));
  CHECK_FALSE(net::parse_address("010.0.0.1"));
  CHECK(text(*net::parse_address("2001:DB8:0:0:0:0:0:1")) == "2001:db8::1");
  CHECK(text(*net::parse_address("::ffff:1.2.3.4")) == "::ffff:102:304");
  CHECK(text(*net::parse_address("::")) == "::");
  CHECK_FALSE(net::parse_address("1::2::3"));
  CHECK_FALSE(net::parse_address("12345::"));
  const auto p = *net::parse_prefix("10.0.0.7/26");
  CHECK(net::to_string(net::normalise(p)) == "10.0.0.0/26");
  CHECK(text(net::normalise(p).last()) == "10.0.0.63");
  CHECK_FALSE(net::parse_prefix("10.0.0.0/33"));
  CHECK_FALSE(net::parse_prefix("10.0.0.0"));
  CHECK(net::parse_prefix("10.0.0.0/24")->overlaps(*net::parse_prefix("10.0.0.128/25")));
  CHECK_FALSE(net::parse_prefix("10.0.0.0/25")->overlaps(*net::parse_prefix("10.0.0.128/25")));
}

TEST_CASE("a tenant gets devstack's topology the first time it is seen") {
  NetFixture f;
  const auto nets = f.networks.networks(f.owner);
  std::set<std::string> names;
  for (const auto& n : nets) names.insert(n.name);
  CHECK(names == std::set<std::string>{"private", "public"});
  // The external network is seen by every project, its subnet (not shared) by its owner only.
  const auto subnets = f.networks.subnets(f.owner);
  REQUIRE(subnets.size() == 1);
  CHECK(subnets[0].name == "private-subnet");
  CHECK(net::to_string(subnets[0].cidr) == "10.0.0.0/26");
  CHECK(text(*subnets[0].gateway) == "10.0.0.1");
  const auto all = f.networks.subnets(f.admin);
  CHECK(std::any_of(all.begin(), all.end(), [](const net::Subnet& s) {
    return s.name == "public-subnet" && net::to_string(s.cidr) == "172.24.4.0/24";
  }));
  const auto routers = f.networks.routers(f.owner);
  REQUIRE(routers.size() == 1);
  CHECK(routers[0].name == "router1");
  REQUIRE(routers[0].gateway);
  CHECK(text(routers[0].gateway->fixed_ips.at(0).address) == "172.24.4.2");
  const auto groups = f.networks.security_groups(f.owner);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].name == "default");
  // Another tenant sees its own private network, not demo's.
  const auto alt_private = f.network_named(f.other, "private");
  CHECK_FALSE(alt_private.empty());
  CHECK(alt_private != f.network_named(f.owner, "private"));
}

TEST_CASE("servers get unique addresses from the pool; delete frees them") {
  NetFixture f;
  const auto a = f.create("a"), b = f.create("b");
  const auto addr_a = f.networks.addresses_of(a.uuid), addr_b = f.networks.addresses_of(b.uuid);
  REQUIRE(addr_a.size() == 1);
  REQUIRE(addr_b.size() == 1);
  CHECK(addr_a[0].network_name == "private");
  CHECK(text(addr_a[0].address) == "10.0.0.2");
  CHECK(text(addr_b[0].address) == "10.0.0.3");
  CHECK(addr_a[0].mac.rfind("fa:16:3e:", 0) == 0);
  REQUIRE(f.fleet.remove(f.owner, a.uuid).ok());
  CHECK(f.networks.addresses_of(a.uuid).empty());
  CHECK(text(f.networks.addresses_of(f.create("c").uuid).at(0).address) == "10.0.0.2");
}

TEST_CASE("concurrent creates never share an address") {
  NetFixture f;
  std::vector<std::thread> threads;
  std::mutex m;
  std::vector<std::string> uuids;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        core::CreateSpec spec;
        spec.name = "s" + std::to_string(t) + "-" + std::to_string(i);
        auto made = f.fleet.create(f.owner, spec);
        std::lock_guard lock(m);
        uuids.push_back(made->uuid);
      }
    });
  for (auto& t : threads) t.join();
  std::set<std::string> seen;
  for (const auto& u : uuids) {
    const auto addrs = f.networks.addresses_of(u);
    REQUIRE(addrs.size() == 1);
    CHECK(seen.insert(text(addrs[0].address)).second);
  }
  CHECK(seen.size() == 40);
}

TEST_CASE("a full pool: an asked-for interface fails the build, a Transfer server gets none") {
  NetFixture f;
  for (int i = 0; i < 61; ++i) f.create("s" + std::to_string(i));  // 10.0.0.2 .. 10.0.0.62
  const auto extra = f.create("transfer-made");
  CHECK(extra.state == State::Running);
  CHECK(f.networks.addresses_of(extra.uuid).empty());
  const auto asked = f.create("nova-made", std::vector<core::NicRequest>{core::NicRequest{}});
  CHECK(asked.state == State::StartFailed);
  CHECK(asked.fault.find("No more IP addresses available on network") == 0);
  CHECK(f.networks.addresses_of(asked.uuid).empty());
}

TEST_CASE("a fixed address asked for is given, or taken: the build fails and nothing is kept") {
  NetFixture f;
  const auto net = f.network_named(f.owner, "private");
  const auto a = f.create("a", std::vector<core::NicRequest>{{net, "", "10.0.0.40"}});
  CHECK(text(f.networks.addresses_of(a.uuid).at(0).address) == "10.0.0.40");
  const auto b = f.create("b", std::vector<core::NicRequest>{{net, "", "10.0.0.40"}});
  CHECK(b.state == State::StartFailed);
  const auto subnet_id = f.networks.ports_of(a.uuid).at(0).fixed_ips.at(0).subnet_id;
  CHECK(b.fault == "IP address 10.0.0.40 already allocated in subnet " + subnet_id);
  CHECK(f.networks.ports_of(b.uuid).empty());
}

TEST_CASE("a floating address needs a router from its network to the port's subnet") {
  NetFixture f;
  const auto s = f.create("web");
  const auto port_id = f.networks.ports_of(s.uuid).at(0).id;
  const auto pub = f.network_named(f.owner, "public");
  net::FloatingIp draft;
  draft.network_id = pub;
  auto fip = f.networks.create_floating_ip(f.owner, draft, std::nullopt, net::Networks::Association{port_id, {}});
  REQUIRE(fip.ok());
  CHECK(text(fip->address) == "172.24.4.3");  // .2 is router1's gateway
  const auto addrs = f.networks.addresses_of(s.uuid);
  REQUIRE(addrs.size() == 2);
  CHECK(addrs[1].floating);
  CHECK(text(addrs[1].address) == "172.24.4.3");

  // A network of its own with no router: not reachable.
  net::Network mine;
  mine.name = "isolated";
  auto n = f.networks.create_network(f.owner, mine);
  REQUIRE(n.ok());
  net::Subnet sub;
  sub.network_id = n->id;
  sub.cidr = *net::parse_prefix("192.168.5.0/24");
  REQUIRE(f.networks.create_subnet(f.owner, sub, {}).ok());
  const auto lone = f.create("lone", std::vector<core::NicRequest>{{n->id, "", ""}});
  const auto lone_port = f.networks.ports_of(lone.uuid).at(0).id;
  auto refused = f.networks.create_floating_ip(f.owner, draft, std::nullopt, net::Networks::Association{lone_port, {}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason == "external_gateway");

  // Deleting the server leaves the floating address, unassociated.
  REQUIRE(f.fleet.remove(f.owner, s.uuid).ok());
  CHECK(f.networks.floating_ip(f.owner, fip->id)->port_id.empty());
}

TEST_CASE("networks with ports cannot be deleted; subnets overlap-checked; quotas hold") {
  NetFixture f;
  const auto priv = f.network_named(f.owner, "private");
  auto busy = f.networks.delete_network(f.owner, priv);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().reason == "network_in_use");
  net::Subnet overlapping;
  overlapping.network_id = priv;
  overlapping.cidr = *net::parse_prefix("10.0.0.32/27");
  auto refused = f.networks.create_subnet(f.owner, overlapping, {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().detail.find("overlaps with another subnet") != std::string::npos);
  REQUIRE(f.networks.set_limits(f.demo, {{"network", 2}}).ok());
  net::Network n;
  REQUIRE(f.networks.create_network(f.owner, n).ok());  // private + this one
  auto over = f.networks.create_network(f.owner, n);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == core::ErrorCode::OverQuota);
}

TEST_CASE("with a store: a refused write changes nothing; a restart restores every record") {
  NetFixture f;
  test::MemoryStore store;
  REQUIRE(f.fleet.attach_store(store, true).ok());
  const auto a = f.create("a");
  store.refuse = true;
  net::Network n;
  n.name = "never";
  CHECK_FALSE(f.networks.create_network(f.owner, n).ok());
  CHECK(f.network_named(f.owner, "never").empty());
  CHECK_FALSE(f.fleet.create(f.owner, core::CreateSpec{}).ok());
  store.refuse = false;

  test::FleetFixture again;
  net::Networks restored(again.fleet, again.ids, again.tenants);
  again.fleet.restore(store.load().value());
  const auto addrs = restored.addresses_of(a.uuid);
  REQUIRE(addrs.size() == 1);
  CHECK(text(addrs[0].address) == "10.0.0.2");
  CHECK(restored.routers(again.owner).size() == 1);
  CHECK(again.fleet.documents(true).size() == f.fleet.documents(true).size());
}
