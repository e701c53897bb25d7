// Small helpers over RapidJSON's Writer for the control plane's answers.
#pragma once

#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace gateway {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void write_string(JsonWriter& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

inline void write_field(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  write_string(w, value);
}

}  // namespace gateway
