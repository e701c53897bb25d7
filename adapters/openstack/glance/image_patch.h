// PATCH /v2/images/{id}: Glance's JSON patch, in its two media types
// (application/openstack-images-v2.1-json-patch, {"op", "path", "value"};
// v2.0, {"replace": path, "value"}), read and then applied as Glance's
// deserializer and controller do: read-only and reserved attributes, the
// schema's types, add / replace / remove on attributes and additional
// properties. Pure, so the fuzzer calls exactly what the handler calls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/openstack/shared/settings.h"

namespace openstack {

// An answer Glance gives instead: its status and message.
struct GlanceRefusal {
  int status = 400;
  std::string message;
};

// One operation, its value checked against the image schema.
struct ImagePatchOp {
  enum class Op { Add, Replace, Remove } op = Op::Replace;
  std::string path;       // the attribute or property (the pointer's one segment, decoded)
  bool draft4 = false;    // v2.0's media type: add refuses what is present
  enum class Kind { Null, Text, Number, Flag, List } kind = Kind::Null;
  std::string text;
  long long number = 0;
  bool flag = false;
  std::vector<std::string> list;
};

// The operations of a PATCH body sent with `content_type`; 415 for another
// media type, 400 or 403 as Glance's deserializer refuses.
std::variant<std::vector<ImagePatchOp>, GlanceRefusal> parse_image_patch(std::string_view content_type,
                                                                         std::string_view body);

// Applies `ops` to `image` in order, as Glance's controller: a refusal
// leaves `image` partly changed (the caller drops the copy). `admin`: the
// caller may change the owner and publicize.
std::optional<GlanceRefusal> apply_image_patch(Image& image, const std::vector<ImagePatchOp>& ops, bool admin);

}  // namespace openstack
