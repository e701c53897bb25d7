// Reads a JSON file into a RapidJSON document, with errors a person can act
// on: "FILE:LINE:COLUMN: what is wrong".
#pragma once

#include <string>
#include <variant>

#include <rapidjson/document.h>

namespace gateway {

std::variant<rapidjson::Document, std::string> read_json_file(const std::string& path);

// The same for text already read: `name` starts every message.
std::variant<rapidjson::Document, std::string> parse_json_text(const std::string& text, const std::string& name);

// The 1-based line and column of a byte offset in text.
std::pair<int, int> line_and_column(const std::string& text, std::size_t offset);

}  // namespace gateway
