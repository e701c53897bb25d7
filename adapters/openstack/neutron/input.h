// Reading a Neutron request body, {"<resource>": {...}}, attribute by
// attribute with Neutron's checks and wording ("Invalid input for name.
// Reason: '...' exceeds maximum length of 255."). The first problem wins;
// every later read is a no-op. Pure: no HTTP, no model.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/openstack/neutron/errors.h"

namespace openstack::neutron {

// The member names of a JSON object (a view's fields, to check a `fields` query against).
std::set<std::string> member_names(const rapidjson::Value& object);

class Input {
 public:
  // Parses `body` and finds the `resource` object in it.
  Input(std::string_view body, const char* resource);

  bool ok() const { return !error_; }
  const NeutronError& error() const { return *error_; }
  void fail(NeutronError e) {
    if (!error_) error_ = std::move(e);
  }
  void fail(std::string message) { fail(bad_request(std::move(message))); }

  // Refuses members not in `known`: "Unrecognized attribute(s) 'a, b'".
  void only(std::initializer_list<std::string_view> known);
  // Refuses the members given (an update of what cannot change).
  void read_only(std::initializer_list<std::string_view> keys);

  bool has(const char* key) const;
  const rapidjson::Value* raw(const char* key) const;
  std::optional<std::string> string(const char* key, std::size_t max = 255);
  // A string or null (null: the empty optional inside).
  std::optional<std::optional<std::string>> nullable_string(const char* key, std::size_t max = 255);
  // true/false, or "true"/"false"/"True"/"False"/"1"/"0" as Neutron converts them.
  std::optional<bool> boolean(const char* key);
  std::optional<long long> integer(const char* key, long long min, long long max);
  std::optional<std::vector<std::string>> strings(const char* key, std::size_t max_items = 1000);
  // A UUID (what Neutron's "type:uuid" validator takes).
  std::optional<std::string> uuid(const char* key);

  // The value's text for a message (strings unquoted, others as JSON).
  static std::string shown(const rapidjson::Value& v);

 private:
  rapidjson::Document doc_;
  const rapidjson::Value* object_ = nullptr;
  std::optional<NeutronError> error_;
};

// "True"/"False" and friends, as Neutron's converters read them in a body or a query.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace openstack::neutron
