#include "gateway/json_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <rapidjson/error/en.h>

namespace gateway {

std::pair<int, int> line_and_column(const std::string& text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::variant<rapidjson::Document, std::string> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot open the file", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_json_text(buffer.str(), path);
}

std::variant<rapidjson::Document, std::string> parse_json_text(const std::string& text, const std::string& name) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    auto [line, column] = line_and_column(text, doc.GetErrorOffset());
    return fmt::format("{}:{}:{}: {}", name, line, column, rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return doc;
}

}  // namespace gateway
