// Transfer's awsJson1_1 requests as the handler reads them: the body through
// transfer::parse_body, then the operation of the X-Amz-Target, whose Input
// checks the service model's constraints, against a fresh fleet. Every answer
// (a result or an error body) must be UTF-8 JSON, and so must every server's
// DescribeServer view afterwards: what one call stores, later calls show.
// Input: "<operation>\n<body>", e.g. "StopServer\n{"ServerId":"s-0123456789abcde01"}".
#include <cstddef>
#include <cstdint>

#include "adapters/transfer/errors.h"
#include "adapters/transfer/operations.h"
#include "adapters/transfer/views.h"
#include "tests/fuzz/fuzz_world.h"

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
  transfer::Context context{world.fleet, core::Caller{world.demo, false, true, false}, "test", "000000000000",
                            "us-east-1", {}};
  const auto reply = operation(context, body);
  if (reply.error) fuzz::require_json(transfer::error_body(*reply.error), "an error body");
  if (!reply.body.empty()) fuzz::require_json(reply.body, "a result body");
  core::ListQuery all;
  for (const auto& server : world.fleet.list(all).servers) {
    rapidjson::StringBuffer buffer;
    transfer::Writer w(buffer);
    transfer::write_described_server(w, server, context.region, context.account);
    fuzz::require_json({buffer.GetString(), buffer.GetSize()}, "a DescribeServer view");
  }
  return 0;
}
