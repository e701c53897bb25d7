// Where server identities come from, injected: a random source for the
// gateway, a sequential one for tests that want to know the ids in advance.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace core {

class IdSource {
 public:
  virtual ~IdSource() = default;
  // A lowercase RFC 4122 version-4 UUID, 36 characters.
  virtual std::string next_uuid() = 0;
  // A Transfer Family server id: "s-" and 17 lowercase hex digits.
  virtual std::string next_transfer_id() = 0;
  // A secret for signing cursors, fixed for the life of the source.
  virtual std::uint64_t secret() const = 0;
};

// Random ids from a seeded generator (seeded from std::random_device by default).
class RandomIds final : public IdSource {
 public:
  RandomIds();
  explicit RandomIds(std::uint64_t seed);
  std::string next_uuid() override;
  std::string next_transfer_id() override;
  std::uint64_t secret() const override { return secret_; }

 private:
  std::mutex mutex_;
  std::mt19937_64 rng_;
  std::uint64_t secret_;
};

// Predictable ids: 00000000-0000-4000-8000-000000000001, s-00000000000000001, ...
class SequentialIds final : public IdSource {
 public:
  std::string next_uuid() override;
  std::string next_transfer_id() override;
  std::uint64_t secret() const override { return 0x5eed5eed5eed5eedULL; }

 private:
  std::mutex mutex_;
  std::uint64_t next_uuid_ = 1;
  std::uint64_t next_transfer_ = 1;
};

// A random version-4 UUID from a per-thread generator: for request ids,
// where speed matters and determinism does not.
std::string request_uuid();

bool is_uuid(std::string_view text);          // 8-4-4-4-12 hex digits, any case
bool is_transfer_id(std::string_view text);   // ^s-[0-9a-f]{17}$

}  // namespace core
