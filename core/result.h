// Result<T>: a value or a core::Error. C++20 on this toolchain has no
// std::expected, so this is the smallest thing that does the job.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.h"

namespace core {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}    // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { assert(ok()); return std::get<T>(data_); }
  T& value() & { assert(ok()); return std::get<T>(data_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(data_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const { return value(); }

  const Error& error() const { assert(!ok()); return std::get<Error>(data_); }

 private:
  std::variant<T, Error> data_;
};

// For operations that return nothing on success.
struct Done {};

}  // namespace core
