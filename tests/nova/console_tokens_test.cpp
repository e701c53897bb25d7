// Console tokens (nova/console_tokens.h): a token opens its one server until
// the fleet's clock passes its expiry (Nova's 600 s); the store keeps its
// SHA-256, never the token; a deleted server's tokens go with it; a restart
// honours the ones still valid; a reset forgets them.
#include <doctest/doctest.h>

#include "adapters/openstack/nova/console_tokens.h"
#include "tests/core/fixture.h"
#include "tests/core/memory_store.h"

namespace {

struct TokensFixture : test::FleetFixture {
  test::MemoryStore store;
  openstack::ConsoleTokens tokens{fleet};
  TokensFixture() { REQUIRE(fleet.attach_store(store, true).ok()); }

  std::string open(const core::ServerInfo& server) {
    auto token = tokens.authorize(openstack::ConsoleAuth{server.uuid, "novnc", "gateway-host", 5900, 0});
    REQUIRE(token.ok());
    return token.value();
  }
  std::size_t kept() {
    std::lock_guard lock(store.mutex);
    std::size_t n = 0;
    for (const auto& [key, d] : store.documents) n += key.first == "nova-console-token" ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("a console token opens its server until the fleet's clock passes 600 s") {
  TokensFixture f;
  const auto web = f.seed(core::State::Running, "web");
  const auto token = f.open(web);
  CHECK(token.size() == 32);
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);

  auto auth = f.tokens.validate(token);
  REQUIRE(auth);
  CHECK(auth->instance_uuid == web.uuid);
  CHECK(auth->console_type == "novnc");
  CHECK(auth->expires_ms == f.clock.now_ms() + 600'000);

  f.clock.advance(599'999);
  CHECK(f.tokens.validate(token));
  f.clock.advance(1);
  CHECK_FALSE(f.tokens.validate(token));
}

TEST_CASE("tokens are random, each its server's; a wrong one opens nothing") {
  TokensFixture f;
  const auto web = f.seed(core::State::Running, "web");
  const auto db = f.seed(core::State::Running, "db");
  const auto a = f.open(web), b = f.open(web), c = f.open(db);
  CHECK(a != b);
  CHECK(f.tokens.validate(b)->instance_uuid == web.uuid);
  CHECK(f.tokens.validate(c)->instance_uuid == db.uuid);
  CHECK_FALSE(f.tokens.validate("bad" + a));
  CHECK_FALSE(f.tokens.validate(a.substr(1)));
  CHECK_FALSE(f.tokens.validate(""));
}

TEST_CASE("the store keeps the token's SHA-256, never the token") {
  TokensFixture f;
  const auto token = f.open(f.seed(core::State::Running, "web"));
  std::lock_guard lock(f.store.mutex);
  const auto it = f.store.documents.find({"nova-console-token", openstack::console_token_hash(token)});
  REQUIRE(it != f.store.documents.end());
  CHECK(it->second.key.size() == 64);
  CHECK(it->second.value.find(token) == std::string::npos);
  CHECK(it->second.key.find(token) == std::string::npos);
}

TEST_CASE("a deleted server's tokens go with it; the others' stay") {
  TokensFixture f;
  const auto web = f.seed(core::State::Running, "web");
  const auto db = f.seed(core::State::Running, "db");
  const auto of_web = f.open(web), of_db = f.open(db);
  REQUIRE(f.kept() == 2);
  REQUIRE(f.fleet.remove(f.owner, web.uuid).ok());
  CHECK_FALSE(f.tokens.validate(of_web));
  CHECK(f.tokens.validate(of_db));
  CHECK(f.kept() == 1);
}

TEST_CASE("expired tokens leave the store as new ones are issued") {
  TokensFixture f;
  const auto web = f.seed(core::State::Running, "web");
  f.open(web);
  f.open(web);
  f.clock.advance(600'000);
  const auto fresh = f.open(web);
  CHECK(f.kept() == 1);
  CHECK(f.tokens.validate(fresh));
}

TEST_CASE("a restart honours the tokens still valid, by the clock; a reset forgets them") {
  TokensFixture f;
  const auto web = f.seed(core::State::Running, "web");
  const auto old = f.open(web);
  f.clock.advance(300'000);
  const auto young = f.open(web);
  f.clock.advance(300'000);  // `old` has just expired, `young` has 300 s left
  auto kept = f.store.load();
  REQUIRE(kept.ok());

  test::FleetFixture again;
  again.clock.set(f.clock.now_ms());
  openstack::ConsoleTokens tokens(again.fleet);
  again.fleet.restore(std::move(kept).value());
  CHECK_FALSE(tokens.validate(old));
  REQUIRE(tokens.validate(young));
  CHECK(tokens.validate(young)->instance_uuid == web.uuid);
  CHECK(tokens.documents().size() == 1);
  CHECK_FALSE(tokens.in_snapshots());

  tokens.reset();
  CHECK_FALSE(tokens.validate(young));
}

TEST_CASE("the proxy's address is where URLs point; none until it is set") {
  TokensFixture f;
  CHECK(f.tokens.proxy().empty());
  f.tokens.set_proxy("http://127.0.0.1:6080");
  CHECK(f.tokens.proxy() == "http://127.0.0.1:6080");
}
