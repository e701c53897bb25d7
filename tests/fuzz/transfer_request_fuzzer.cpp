// Transfer's awsJson1_1 requests as the handler reads them: the body through
// transfer::parse_body, then the operation of the X-Amz-Target, whose Input
// checks the service model's constraints, against a fresh fleet whose web-1
// has a user (alice, with a key) and a host key. Every answer (a result or
// an error body) must be UTF-8 JSON, and so must every view of what is
// stored afterwards (DescribeServer, DescribeUser, DescribeHostKey,
// DescribeAccess): what one call stores, later calls show.
// Input: "<operation>\n<body>", e.g. "StopServer\n{"ServerId":"s-0123456789abcde01"}".
#include <cstddef>
#include <cstdint>

#include "adapters/transfer/errors.h"
#include "adapters/transfer/login_views.h"
#include "adapters/transfer/operations.h"
#include "adapters/transfer/views.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

constexpr const char* kWeb1 = "s-0123456789abcde01";
constexpr const char* kAliceKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOPL4e0bHAWld/vOwAv7AgT20cwsg9gj9VyfOrTriiRw alice@fuzz";

template <typename F>
void require_view(F&& write, const char* what) {
  rapidjson::StringBuffer buffer;
  transfer::Writer w(buffer);
  write(w);
  fuzz::require_json({buffer.GetString(), buffer.GetSize()}, what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto name = fuzz::take_line(rest);
  // The handler's pools: small bodies parse on the stack.
  alignas(16) char value_buffer[2048];
  alignas(16) char stack_buffer[1024];
  transfer::PoolAllocator values(value_buffer, sizeof value_buffer);
  transfer::PoolAllocator stack(stack_buffer, sizeof stack_buffer);
  transfer::Body body(&values, sizeof stack_buffer / 2, &stack);
  if (auto error = transfer::parse_body(rest, body)) {
    fuzz::require_json(transfer::error_body(*error), "a body error");
    return 0;
  }
  const auto operation = transfer::find_operation(name);
  if (!operation) return 0;
  fuzz::World world;
  const core::Caller caller{world.demo, false, true, false};
  core::LoginUser alice;
  alice.name = "alice";
  alice.home.directory = "/bucket/alice";
  alice.keys.push_back({"", "ssh-ed25519", kAliceKey, "SHA256:alice", 0});
  (void)world.logins.add_user(caller, kWeb1, alice);
  core::HostKey host;
  host.type = "ssh-ed25519";
  host.fingerprint = "SHA256:host";
  host.private_pem = "-----BEGIN PRIVATE KEY-----\n";
  (void)world.logins.add_host_key(caller, kWeb1, host);

  transfer::Context context{world.fleet, world.logins, caller, "test", "000000000000", "us-east-1", {}};
  const auto reply = operation(context, body);
  if (reply.error) fuzz::require_json(transfer::error_body(*reply.error), "an error body");
  if (!reply.body.empty()) fuzz::require_json(reply.body, "a result body");
  core::ListQuery all;
  for (const auto& server : world.fleet.list(all).servers) {
    require_view([&](transfer::Writer& w) {
      transfer::write_described_server(w, server, context.region, context.account,
                                       world.logins.user_count(server.transfer_id),
                                       world.logins.host_key_fingerprint(server));
    }, "a DescribeServer view");
    const core::Caller admin{0, true, false, true};
    if (auto users = world.logins.users(admin, server.transfer_id, "", 1000))
      for (const auto& u : users->items)
        require_view([&](transfer::Writer& w) { transfer::write_described_user(w, u, context.region, context.account); },
                     "a DescribeUser view");
    if (auto keys = world.logins.host_keys(admin, server.transfer_id, "", 1000))
      for (const auto& k : keys->items)
        require_view(
            [&](transfer::Writer& w) { transfer::write_described_host_key(w, k, context.region, context.account); },
            "a DescribeHostKey view");
    if (auto accesses = world.logins.accesses(admin, server.transfer_id, "", 1000))
      for (const auto& a : accesses->items)
        require_view([&](transfer::Writer& w) { transfer::write_described_access(w, a); }, "a DescribeAccess view");
  }
  return 0;
}
