// Logins (core/logins.h): a server's users, their keys, its host keys and
// accesses; the rules (duplicates, limits, what is not there), what is
// written and when (with the call's journal entry, before it is visible;
// with the server's delete, in the same commit), and concurrent changes.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/logins.h"
#include "core/logins_codec.h"
#include "fixture.h"
#include "memory_store.h"

using core::ErrorCode;

namespace {

// Generated keys a test can recognise: the fingerprint names the secret and the server.
struct FakeMaker : core::HostKeyMaker {
  mutable std::atomic<int> made{0};
  mutable std::atomic<int> secrets{0};
  std::string new_secret() const override { return "secret-" + std::to_string(++secrets); }
  core::HostKey generate(std::string_view secret, std::string_view server) const override {
    ++made;
    core::HostKey k;
    k.type = "ssh-ed25519";
    k.fingerprint = "SHA256:" + std::string(secret) + "/" + std::string(server);
    k.private_pem = "-----BEGIN PRIVATE KEY-----\n...\n";
    return k;
  }
};

struct LoginsFixture : test::FleetFixture {
  FakeMaker maker;
  core::Logins logins{fleet, ids, maker};
  test::MemoryStore store;
  core::ServerInfo server = seed(core::State::Running, "sftp-1");

  void durable() { REQUIRE(fleet.attach_store(store, true).ok()); }

  core::LoginUser named(std::string name) {
    core::LoginUser u;
    u.name = std::move(name);
    u.home.directory = "/bucket/" + u.name;
    return u;
  }
  core::PublicKey key(std::string fingerprint) {
    core::PublicKey k;
    k.type = "ssh-ed25519";
    k.body = "ssh-ed25519 AAAA" + fingerprint;
    k.fingerprint = std::move(fingerprint);
    return k;
  }
  core::HostKey host(std::string fingerprint, std::string type = "ssh-ed25519") {
    core::HostKey k;
    k.type = std::move(type);
    k.fingerprint = std::move(fingerprint);
    k.private_pem = "pem of " + k.fingerprint;
    return k;
  }
  std::size_t stored(std::string_view kind) {
    std::lock_guard lock(store.mutex);
    std::size_t n = 0;
    for (const auto& [key, d] : store.documents) n += key.first == kind;
    return n;
  }
};

}  // namespace

TEST_CASE("users: created, shown, listed in name order, updated and removed") {
  LoginsFixture f;
  auto bob = f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob"));
  REQUIRE(bob.ok());
  CHECK(bob->server == f.server.transfer_id);
  REQUIRE(f.logins.add_user(f.owner, f.server.uuid, f.named("alice")).ok());  // either identity
  CHECK(f.logins.user_count(f.server.transfer_id) == 2);

  auto shown = f.logins.user(f.owner, f.server.transfer_id, "bob");
  REQUIRE(shown.ok());
  CHECK(shown->home.directory == "/bucket/bob");

  auto page = f.logins.users(f.owner, f.server.transfer_id, "", 1);
  REQUIRE(page.ok());
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].name == "alice");
  CHECK(page->more);
  page = f.logins.users(f.owner, f.server.transfer_id, "alice", 1);
  CHECK(page->items[0].name == "bob");
  CHECK_FALSE(page->more);

  auto updated = f.logins.update_user(f.owner, f.server.transfer_id, "bob", [](core::LoginUser& u) {
    u.home.type = core::HomeType::Logical;
    u.home.mappings = {{"/", "/bucket/bob"}};
    u.name = "renamed";  // what identifies a user does not change
    return std::optional<core::Error>{};
  });
  REQUIRE(updated.ok());
  CHECK(updated->name == "bob");
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob")->home.type == core::HomeType::Logical);

  REQUIRE(f.logins.remove_user(f.owner, f.server.transfer_id, "bob").ok());
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob").error().reason == "user");
  CHECK(f.logins.user_count(f.server.transfer_id) == 1);
}

TEST_CASE("users: a taken name, an unknown user, another tenant's server and a read-only caller") {
  LoginsFixture f;
  REQUIRE(f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob")).ok());
  auto again = f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::Conflict);
  CHECK(again.error().reason == "user");
  CHECK(again.error().subject == "bob");

  auto unknown = f.logins.remove_user(f.owner, f.server.transfer_id, "carol");
  CHECK(unknown.error().code == ErrorCode::NotFound);
  CHECK(unknown.error().reason == "user");
  CHECK(unknown.error().subject == "carol");

  // Another tenant sees no such server: the server is what is not found.
  auto foreign = f.logins.user(f.other, f.server.transfer_id, "bob");
  CHECK(foreign.error().code == ErrorCode::NotFound);
  CHECK(foreign.error().reason.empty());
  CHECK(f.logins.add_user(f.other, f.server.transfer_id, f.named("eve")).error().code == ErrorCode::NotFound);
  CHECK(f.logins.add_user(f.reader, f.server.transfer_id, f.named("eve")).error().code == ErrorCode::Forbidden);
  CHECK(f.logins.user_count(f.server.transfer_id) == 1);
}

TEST_CASE("public keys: ids given at import, the same key twice, five at most, removal") {
  LoginsFixture f;
  REQUIRE(f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob")).ok());
  auto first = f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("fp-1"));
  REQUIRE(first.ok());
  CHECK(first->id.rfind("key-", 0) == 0);
  CHECK(first->id.size() == 21);
  auto twice = f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("fp-1"));
  CHECK(twice.error().code == ErrorCode::Conflict);
  CHECK(twice.error().reason == "public_key");
  CHECK(twice.error().subject == first->id);
  for (int i = 2; i <= 5; ++i)
    REQUIRE(f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("fp-" + std::to_string(i))).ok());
  auto sixth = f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("fp-6"));
  CHECK(sixth.error().code == ErrorCode::OverQuota);
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob")->keys.size() == 5);

  CHECK(f.logins.add_public_key(f.owner, f.server.transfer_id, "carol", f.key("fp-9")).error().reason == "user");
  CHECK(f.logins.remove_public_key(f.owner, f.server.transfer_id, "bob", "key-00000000000000bad").error().reason ==
        "public_key");
  REQUIRE(f.logins.remove_public_key(f.owner, f.server.transfer_id, "bob", first->id).ok());
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob")->keys.size() == 4);
  CHECK(f.logins.counts().public_keys == 4);
}

TEST_CASE("host keys: oldest first, paged, described, updated; what the server presents") {
  LoginsFixture f;
  // None imported: the generated key, whose fingerprint is remembered.
  const auto fingerprint = "SHA256:secret-1/" + f.server.transfer_id;
  CHECK(f.logins.host_key_fingerprint(f.server) == fingerprint);
  CHECK(f.logins.host_key_fingerprint(f.server) == fingerprint);
  CHECK(f.maker.made == 1);
  const auto generated = f.logins.presented_host_keys(f.server);
  REQUIRE(generated.size() == 1);
  CHECK(generated[0].id.empty());
  CHECK(generated[0].private_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);

  auto rsa = f.logins.add_host_key(f.owner, f.server.transfer_id, f.host("fp-rsa", "ssh-rsa"));
  REQUIRE(rsa.ok());
  CHECK(rsa->id.rfind("hostkey-", 0) == 0);
  CHECK(rsa->id.size() == 25);
  f.clock.advance(1000);
  auto ec = f.logins.add_host_key(f.owner, f.server.transfer_id, f.host("fp-ec", "ecdsa-sha2-nistp256"));
  f.clock.advance(1000);
  auto ec2 = f.logins.add_host_key(f.owner, f.server.transfer_id, f.host("fp-ec2", "ecdsa-sha2-nistp384"));
  REQUIRE((ec.ok() && ec2.ok()));
  CHECK(f.logins.add_host_key(f.owner, f.server.transfer_id, f.host("fp-ec")).error().subject == ec->id);

  CHECK(f.logins.host_key_fingerprint(f.server) == "fp-rsa");
  auto presented = f.logins.presented_host_keys(f.server);
  REQUIRE(presented.size() == 2);  // the oldest RSA key and the oldest ECDSA key
  CHECK(presented[0].fingerprint == "fp-ec");
  CHECK(presented[1].fingerprint == "fp-rsa");

  auto page = f.logins.host_keys(f.owner, f.server.transfer_id, "", 2);
  REQUIRE(page->items.size() == 2);
  CHECK(page->items[0].id == rsa->id);
  CHECK(page->items[1].id == ec->id);
  CHECK(page->more);
  page = f.logins.host_keys(f.owner, f.server.transfer_id, ec->id, 2);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].id == ec2->id);

  auto updated = f.logins.update_host_key(f.owner, f.server.transfer_id, ec->id, [](core::HostKey& k) {
    k.description = "rotated in";
    k.fingerprint = "forged";
  });
  REQUIRE(updated.ok());
  CHECK(updated->description == "rotated in");
  CHECK(updated->fingerprint == "fp-ec");
  REQUIRE(f.logins.remove_host_key(f.owner, f.server.transfer_id, rsa->id).ok());
  CHECK(f.logins.host_key(f.owner, f.server.transfer_id, rsa->id).error().reason == "host_key");
  CHECK(f.logins.host_key_fingerprint(f.server) == "fp-ec");
}

TEST_CASE("accesses: by external id, once each") {
  LoginsFixture f;
  core::Access a;
  a.external_id = "S-1-1-12-1234567890";
  a.home.directory = "/bucket";
  REQUIRE(f.logins.add_access(f.owner, f.server.transfer_id, a).ok());
  CHECK(f.logins.add_access(f.owner, f.server.transfer_id, a).error().reason == "access");
  auto updated = f.logins.update_access(f.owner, f.server.transfer_id, a.external_id, [](core::Access& x) {
    x.home.directory = "/other";
    return std::optional<core::Error>{};
  });
  CHECK(updated->home.directory == "/other");
  CHECK(f.logins.accesses(f.owner, f.server.transfer_id, "", 10)->items.size() == 1);
  REQUIRE(f.logins.remove_access(f.owner, f.server.transfer_id, a.external_id).ok());
  CHECK(f.logins.access(f.owner, f.server.transfer_id, a.external_id).error().reason == "access");
}

TEST_CASE("an adapter's own test of the server refuses a change before anything is written") {
  LoginsFixture f;
  f.durable();
  const int writes = f.store.writes;
  core::LoginCall how;
  how.admit = [](const core::ServerInfo& s) -> std::optional<core::Error> {
    return core::invalid_argument("server", s.transfer_id + " does not keep users");
  };
  auto refused = f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob"), how);
  CHECK(refused.error().code == ErrorCode::InvalidArgument);
  CHECK(f.store.writes == writes);
  CHECK(f.logins.user_count(f.server.transfer_id) == 0);
}

TEST_CASE("durable: each change is written with its journal entry before it is seen; a refused write changes nothing") {
  LoginsFixture f;
  f.durable();
  core::JournalEntry call;
  call.api = "transfer";
  call.operation = "CreateUser";
  call.status = 200;
  auto added = f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob"), {&call, {}});
  REQUIRE(added.ok());
  CHECK(f.stored("login-user") == 1);
  CHECK(call.id != 0);
  {
    std::lock_guard lock(f.store.mutex);
    const auto& kept = f.store.journal.at(call.id);
    CHECK(kept.operation == "CreateUser");
    CHECK(kept.server_transfer_id == f.server.transfer_id);
    CHECK(kept.server_uuid == f.server.uuid);
    CHECK(kept.action == core::Action::Update);
  }
  {
    std::lock_guard lock(f.store.mutex);
    const auto user = core::decode_user(f.store.documents.at({"login-user", f.server.transfer_id + "/bob"}).value);
    REQUIRE(user.has_value());
    CHECK(user->home.directory == "/bucket/bob");
  }

  f.store.refuse = true;
  core::JournalEntry refused_call;
  refused_call.status = 200;
  auto refused = f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("fp-1"), {&refused_call, {}});
  CHECK(refused.error().code == ErrorCode::Unavailable);
  CHECK(refused_call.result == "unavailable");
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob")->keys.empty());
  CHECK(f.logins.remove_user(f.owner, f.server.transfer_id, "bob").error().code == ErrorCode::Unavailable);
  CHECK(f.logins.user_count(f.server.transfer_id) == 1);
}

TEST_CASE("a server's delete removes its users, host keys and accesses in the same commit") {
  LoginsFixture f;
  f.durable();
  REQUIRE(f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob")).ok());
  REQUIRE(f.logins.add_host_key(f.owner, f.server.transfer_id, f.host("fp")).ok());
  core::Access a;
  a.external_id = "S-1-5-21";
  REQUIRE(f.logins.add_access(f.owner, f.server.transfer_id, a).ok());
  const auto other = f.seed(core::State::Running, "other");
  REQUIRE(f.logins.add_user(f.owner, other.transfer_id, f.named("keep")).ok());

  f.store.refuse = true;  // a refused delete keeps everything
  CHECK_FALSE(f.fleet.remove(f.owner, f.server.transfer_id).ok());
  CHECK(f.logins.user_count(f.server.transfer_id) == 1);
  f.store.refuse = false;

  const int writes = f.store.writes;
  REQUIRE(f.fleet.remove(f.owner, f.server.transfer_id).ok());
  CHECK(f.store.writes == writes + 1);
  CHECK(f.stored("login-user") == 1);  // the other server's
  CHECK(f.stored("login-host-key") == 0);
  CHECK(f.stored("login-access") == 0);
  const auto counts = f.logins.counts();
  CHECK(counts.users == 1);
  CHECK(counts.host_keys == 0);
  CHECK(counts.accesses == 0);
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob").error().reason.empty());  // the server is gone
}

TEST_CASE("the same key imported by many threads at once is kept once; a delete racing creates leaves nothing behind") {
  LoginsFixture f;
  f.durable();
  f.store.write_time = std::chrono::milliseconds(2);
  REQUIRE(f.logins.add_user(f.owner, f.server.transfer_id, f.named("bob")).ok());
  std::atomic<int> accepted{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto r = f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("same"));
      if (r.ok()) ++accepted;
      else if (r.error().code == ErrorCode::Conflict) ++conflicts;
    });
  for (auto& t : threads) t.join();
  CHECK(accepted == 1);
  CHECK(conflicts == 7);
  CHECK(f.logins.user(f.owner, f.server.transfer_id, "bob")->keys.size() == 1);

  // Users created while their server is deleted: each either lands before the
  // delete (and goes with it) or finds no server.
  const auto doomed = f.seed(core::State::Running, "doomed");
  threads.clear();
  for (int i = 0; i < 6; ++i)
    threads.emplace_back(
        [&, i] { (void)f.logins.add_user(f.owner, doomed.transfer_id, f.named("u" + std::to_string(i))); });
  threads.emplace_back([&] { REQUIRE(f.fleet.remove(f.owner, doomed.transfer_id).ok()); });
  for (auto& t : threads) t.join();
  CHECK(f.logins.user_count(doomed.transfer_id) == 0);
  std::lock_guard lock(f.store.mutex);
  for (const auto& [key, d] : f.store.documents) CHECK(key.second.rfind(doomed.transfer_id, 0) != 0);
}

TEST_CASE("documents round-trip; a reset keeps the secret, which only a restart brings back, never a snapshot") {
  LoginsFixture f;
  auto bob = f.named("bob");
  bob.posix = core::PosixIdentity{1000, 100, {5, 6}};
  bob.tags = {{"team", "data"}};
  bob.attributes = {{"transfer.Role", "arn:aws:iam::000000000000:role/x"}};
  bob.home.type = core::HomeType::Logical;
  bob.home.mappings = {{"/", "/bucket/bob"}, {"/in", "/bucket/in\nwith newline"}};
  REQUIRE(f.logins.add_user(f.owner, f.server.transfer_id, bob).ok());
  REQUIRE(f.logins.add_public_key(f.owner, f.server.transfer_id, "bob", f.key("fp-1")).ok());
  REQUIRE(f.logins.add_host_key(f.owner, f.server.transfer_id, f.host("fp-h")).ok());
  const auto docs = f.logins.documents();
  CHECK_FALSE(f.logins.verify(docs).has_value());

  f.logins.reset();  // starts over, as the control plane's reset does
  CHECK(f.logins.user_count(f.server.transfer_id) == 0);
  CHECK(f.logins.host_key_fingerprint(f.server) == "SHA256:secret-1/" + f.server.transfer_id);
  f.logins.load(docs);
  auto back = f.logins.user(f.owner, f.server.transfer_id, "bob");
  REQUIRE(back.ok());
  CHECK(back->posix->secondary_gids == std::vector<std::uint64_t>{5, 6});
  CHECK(back->home.mappings[1].target == "/bucket/in\nwith newline");
  CHECK(back->tags == bob.tags);
  CHECK(back->attributes == bob.attributes);
  CHECK(back->keys.size() == 1);
  CHECK(f.logins.host_key_fingerprint(f.server) == "fp-h");

  // The secret is kept with the store, and never travels in snapshots.
  const auto kept = f.fleet.documents(false);
  CHECK(std::count_if(kept.begin(), kept.end(), [](const core::Document& d) { return d.kind == "login-secret"; }) == 1);
  const auto travelling = f.fleet.documents(true);
  CHECK(std::none_of(travelling.begin(), travelling.end(),
                     [](const core::Document& d) { return d.kind == "login-secret"; }));
  std::vector<core::Document> other{{"login-secret", "host-keys", "secret-2", 0, false}};
  CHECK(f.fleet.check_documents(other).has_value());  // a snapshot may not bring one
  core::StoredState restart;
  restart.documents = other;
  test::FleetFixture again;
  core::Logins restarted(again.fleet, again.ids, f.maker);
  (void)again.fleet.restore(restart);
  CHECK(restarted.host_key_fingerprint(f.server) == "SHA256:secret-2/" + f.server.transfer_id);

  std::vector<core::Document> bad{{"login-user", "s-x/bob", "3:junk", 0, false}};
  CHECK(f.logins.verify(bad).value() == "documents: login-user 's-x/bob' cannot be read");
}

TEST_CASE("a store made before generated host keys gets the secret written once attached, and keeps it") {
  FakeMaker maker;  // draws secret-1, secret-2, ...
  test::MemoryStore store;
  core::ServerInfo server;
  std::string shown;
  {
    test::FleetFixture f;
    core::Logins logins(f.fleet, f.ids, maker);
    server = f.seed(core::State::Running, "old");
    REQUIRE(f.fleet.attach_store(store, true).ok());
    std::lock_guard lock(store.mutex);
    store.documents.clear();  // as a file from before: no secret in it
  }
  {
    test::FleetFixture f;
    core::Logins logins(f.fleet, f.ids, maker);
    (void)f.fleet.restore(store.load().value());
    REQUIRE(f.fleet.attach_store(store, false).ok());
    REQUIRE(logins.save_secret().ok());
    shown = logins.host_key_fingerprint(server);
    CHECK(shown == "SHA256:secret-2/" + server.transfer_id);
  }
  test::FleetFixture f;
  core::Logins logins(f.fleet, f.ids, maker);  // draws secret-3, and the store's replaces it
  (void)f.fleet.restore(store.load().value());
  CHECK(logins.host_key_fingerprint(server) == shown);
}
